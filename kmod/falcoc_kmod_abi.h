/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * falcoc_kmod_abi.h: the control and buffer ABI of the falcoc kernel
 * module (/dev/falcoc), shared by the module (kmod/falcoc_main.c) and
 * falcoc-run (runtime/kmod_src.c). Plain fixed-size types only.
 *
 * Buffers: one ring per possible CPU, all in one mmap of the device
 * (offset 0, length fck_geometry.total). Ring i starts at i * stride:
 *
 *   [0, FCK_HDR_BYTES)                  struct fck_ring_hdr (one page)
 *   [FCK_HDR_BYTES, + data_bytes)       the data area
 *
 * The producer is the tracepoint probe running on CPU i (preemption
 * off, so one producer per ring); the consumer is falcoc-run. head and
 * tail are byte counters that only grow (position = counter mod
 * data_bytes, data_bytes a power of two). The producer writes records
 * at head and publishes them with a release store of head; the consumer
 * reads up to an acquire load of head and frees space with a release
 * store of tail. Each record starts with struct fck_rec and is 8-byte
 * aligned; a record never wraps: when the rest of the area is too short
 * the producer writes an FCK_REC_PAD record there and starts at 0.
 * A record's payload is one event in the falcoc event ABI
 * (bpf-templates/falcoc_abi.h), exactly what the BPF probe submits.
 *
 * The per-CPU counters (enum fc_stat) live in the header page too, so a
 * reader can watch them without a syscall; FCK_IOC_STATS copies them.
 */
#ifndef FALCOC_KMOD_ABI_H
#define FALCOC_KMOD_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <stdint.h>
#include <sys/ioctl.h>
typedef uint32_t __u32;
typedef uint64_t __u64;
#endif

#define FCK_ABI_VERSION 1
#define FCK_DEV_PATH "/dev/falcoc"
#define FCK_HDR_BYTES 4096u
#define FCK_STATS_MAX 8 /* >= FC_STAT__COUNT */

struct fck_ring_hdr {
	__u64 head;		/* written by the module */
	__u64 pad0[7];		/* head and tail on their own cache lines */
	__u64 tail;		/* written by the consumer */
	__u64 pad1[7];
	__u64 stats[FCK_STATS_MAX]; /* enum fc_stat counters of this CPU */
};

struct fck_rec {
	__u32 len;	/* bytes of this record, header included, 8-aligned */
	__u32 flags;	/* FCK_REC_* */
};
#define FCK_REC_PAD 1u	/* skip to the start of the data area */

struct fck_geometry {
	__u32 abi;		/* FCK_ABI_VERSION */
	__u32 nrings;		/* one per possible CPU (nr_cpu_ids) */
	__u32 hdr_bytes;	/* FCK_HDR_BYTES */
	__u32 data_bytes;	/* data area of one ring, a power of two */
	__u64 stride;		/* bytes from one ring to the next */
	__u64 total;		/* length to mmap */
};

/* FCK_IOC_LOAD_FILTER: a blob from the probe's .falcoc.kfilter section. */
struct fck_filter {
	__u64 blob;	/* user pointer */
	__u32 len;
	__u32 errlen;	/* bytes at err */
	__u64 err;	/* user pointer: the verifier's reason on refusal */
	__u32 nrules;	/* out: rules the program decides */
	__u32 pad;
};

/* FCK_IOC_STATS: per-CPU counters, ncpus * FCK_STATS_MAX u64 at buf. */
struct fck_stats {
	__u64 buf;	/* user pointer */
	__u32 ncpus;	/* in: rows at buf; out: rows written */
	__u32 nstats;	/* out: FC_STAT__COUNT */
};

/* FCK_IOC_SET_SYSCALLS: bit i = fc_syscalls.def row i is turned into
 * events (a rule names it, or it always flows); the others cost one
 * table lookup. Default: all. */
struct fck_syscalls {
	__u64 bits[2];
};

/* FCK_IOC_SET_RULES: bit i = rule i is enabled. The program decides
 * every compiled rule, enabled or not (fcf.h); the module ANDs its mask
 * with this one, so a disabled rule lets no event through. Default: all. */
#define FCK_MAX_RULES 1024 /* = FC_MAX_RULES, FCF_MAX_RULES */
struct fck_rules {
	__u64 bits[FCK_MAX_RULES / 64];
};

#define FCK_IOC_MAGIC 0xfc
#define FCK_IOC_GEOMETRY _IOR(FCK_IOC_MAGIC, 1, struct fck_geometry)
#define FCK_IOC_LOAD_FILTER _IOWR(FCK_IOC_MAGIC, 2, struct fck_filter)
#define FCK_IOC_ENABLE _IO(FCK_IOC_MAGIC, 3)
#define FCK_IOC_DISABLE _IO(FCK_IOC_MAGIC, 4)
#define FCK_IOC_STATS _IOWR(FCK_IOC_MAGIC, 5, struct fck_stats)
#define FCK_IOC_SET_SYSCALLS _IOW(FCK_IOC_MAGIC, 6, struct fck_syscalls)
#define FCK_IOC_SET_RULES _IOW(FCK_IOC_MAGIC, 7, struct fck_rules)

#endif
