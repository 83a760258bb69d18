/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * falcoc_abi.h: the contract between the probe (BPF C in bpf-templates/
 * plus generated filters), falcoc (codegen) and falcoc-run (loader).
 * Included by kernel code and by userspace; plain C types only.
 *
 * Events: every event the probe emits is a libscap wire-format event
 * (runtime/event.h): header, u16 lengths, params, using the newest exit
 * event code of its syscall in runtime/event_table.def, with exactly the
 * table's parameters. Then FC_EXT_NPARAMS extension parameters follow:
 *
 *   [n+0] FC_EXT_RULES: the bitmap of rules whose kernel part was not
 *         false (bit i = rule index i), (nrules + 7) / 8 bytes. Userspace
 *         evaluates only these rules. Empty for always-flow events (clone,
 *         execve, procexit), meaning "all candidate rules".
 *   [n+1] FC_EXT_TASK: struct fc_task, the task values the kernel used
 *         (one source of truth: userspace updates its thread from it
 *         before evaluating).
 *
 * The header's nparams counts the extensions; a capture written by
 * falcoc-run -w strips them, so sysdig reads it.
 *
 * Metadata: the section FC_META_SECTION holds struct fc_meta_hdr then
 * the rules files (name\0 text\0 per file). falcoc-run recompiles them
 * with the same front end, so rule order, lists and outputs match the
 * probe exactly; fc_meta_hdr.hash checks that.
 *
 * Kmod filter: the section FC_KFILTER_SECTION holds the fcf blob of the
 * same rules (kmod/fcf/fcf_format.h, exactly the bytes `falcoc compile
 * --target kmod` writes), which falcoc-run --driver kmod hands to the
 * module; its rule indices are the probe's.
 */
#ifndef FALCOC_ABI_H
#define FALCOC_ABI_H

#define FC_ABI_VERSION 1
#define FC_META_SECTION ".falcoc.meta"
#define FC_META_MAGIC "FALCOC\0\0"
#define FC_KFILTER_SECTION ".falcoc.kfilter"

#define FC_EXT_NPARAMS 2
#define FC_EXT_RULES 0
#define FC_EXT_TASK 1

#define FC_COMM_LEN 16
#define FC_MAX_ANCESTORS 4 /* proc.aname[1..4] computed in the kernel */
#define FC_PATH_MAX 4096   /* longest path argument captured */
#define FC_ARGS_MAX 4096   /* proc.cmdline/args bytes captured */
#define FC_MAX_RULES 1024
#define FC_EVENT_MAX (64 * 1024)

/* Task values the kernel computed for this event. */
struct fc_task {
	unsigned long long pid;  /* tgid */
	unsigned long long ppid; /* real_parent tgid */
	unsigned int uid, gid, loginuid;
	unsigned int flags;      /* FC_TASK_* */
	char comm[FC_COMM_LEN];
	char acomm[FC_MAX_ANCESTORS][FC_COMM_LEN]; /* [0] parent, [1] grandparent... */
	unsigned long long apid[FC_MAX_ANCESTORS];
	unsigned long long cgroup_id;
};

#define FC_TASK_IN_CONTAINER 1u   /* not in the init pid namespace */
#define FC_TASK_ANCESTORS_MORE 2u /* ancestors beyond acomm[FC_MAX_ANCESTORS - 1] exist */

struct fc_meta_hdr {
	char magic[8];           /* FC_META_MAGIC */
	unsigned int abi;        /* FC_ABI_VERSION */
	unsigned int flags;      /* FC_META_* */
	unsigned int nrules;
	unsigned int nfiles;
	unsigned long long hash; /* FNV-1a of the generated C */
};

#define FC_META_KERNEL_FILTER 1u /* 0: Falco-style probe (event types only) */

/* Ring buffers: an ARRAY_OF_MAPS of BPF_MAP_TYPE_RINGBUF, one per group
 * of FC_CPUS_PER_RING CPUs, indexed by cpu / FC_CPUS_PER_RING. */
#define FC_CPUS_PER_RING 2
#define FC_RING_BYTES (8u << 20)

/* Counters in the per-CPU array map fc_stats. */
enum fc_stat {
	FC_STAT_SEEN,       /* syscall exits of interesting types */
	FC_STAT_FILTERED,   /* dropped by the kernel filter */
	FC_STAT_SENT,       /* submitted to a ring buffer */
	FC_STAT_RING_FULL,  /* lost: ring buffer full */
	FC_STAT_TRUNCATED,  /* a string or path param was cut */
	FC_STAT_READ_FAIL,  /* a user or kernel read failed (value MAYBE) */
	FC_STAT__COUNT
};

#endif
