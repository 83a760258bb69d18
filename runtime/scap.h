/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scap: reading and writing libscap capture files (.scap).
 *
 * A capture is a pcapng-like sequence of blocks, all little endian:
 *
 *   u32 block_type | u32 total_len | body | pad to 4 | u32 total_len
 *
 * The first block is the section header (SHB, 0x0A0D0D0A: byte-order magic
 * 0x1A2B3C4D, u16 major, u16 minor, u64 section length, then options we
 * skip). Then come state blocks (machine info, interface list, user
 * list, process list, one fd list per process) and event blocks, each
 * holding one event in the runtime/event.h wire format behind a u16 cpu
 * (and u32 flags for EVF blocks). Files may be gzip-compressed.
 *
 * The reader is an iterator: scap_next() returns one record at a time
 * (an event, one process, one fd, one user, ...). A record's pointers
 * point into buffers owned by the reader and stay valid until the next
 * scap_next() call. Every length is checked against its block; a
 * corrupt or truncated file gives SCAP_REC_ERROR with a message naming
 * the uncompressed byte offset, never a crash.
 *
 * The writer produces files sysdig 0.29 (libs 0.1.1, 2022) reads: SHB
 * 1.2, MI, IL v2, UL v2, PL v9, FDL v2 and EV/EVF v2 blocks.
 */
#ifndef FALCOC_SCAP_H
#define FALCOC_SCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "state.h"

/* One network interface address from an interface list block. */
struct scap_iface {
	bool v6;
	uint8_t addr[16], netmask[16], bcast[16]; /* v4: first 4 bytes, network order */
	uint64_t linkspeed;
	bool has_linkspeed; /* false for the *_NOLINKSPEED entry types */
	const char *name;
};

/* The machine info block. */
struct scap_machine {
	uint32_t num_cpus;
	uint64_t memory_bytes;
	uint64_t max_pid;
	const char *hostname;
	uint64_t boot_ts;     /* ns since the epoch, 0 if the writer did not know */
	uint64_t flags;       /* later libs; 0 in old captures */
	uint64_t reserved[2]; /* carried through verbatim by the writer */
};

enum scap_rec_kind {
	SCAP_REC_ERROR = -1, /* scap_error() says why and where */
	SCAP_REC_END = 0,
	SCAP_REC_EVENT,
	SCAP_REC_PROC,
	SCAP_REC_FD,
	SCAP_REC_USER,
	SCAP_REC_GROUP,
	SCAP_REC_IFACE,
	SCAP_REC_MACHINE,
};

struct scap_record {
	enum scap_rec_kind kind;
	uint64_t offset;     /* uncompressed offset of the block holding it */
	uint32_t block_type; /* raw block type, e.g. 0x216 */
	union {
		struct rt_event ev; /* num, cpu and flags filled */
		struct rt_proc_info proc;
		struct rt_fd_info fd;
		struct rt_user_info user;
		struct rt_group_info group;
		struct scap_iface iface;
		struct scap_machine machine;
	};
};

/* Block kinds, for the per-kind counters. */
enum scap_blk {
	SCAP_BLK_SHB,
	SCAP_BLK_MI,
	SCAP_BLK_PL,
	SCAP_BLK_FDL,
	SCAP_BLK_IL,
	SCAP_BLK_UL,
	SCAP_BLK_EV,
	SCAP_BLK_EVF,
	SCAP_BLK_UNKNOWN,
	SCAP_BLK__COUNT
};

struct scap_stats {
	uint16_t major, minor;            /* of the first section header */
	uint64_t blocks[SCAP_BLK__COUNT]; /* blocks seen, by kind */
	uint64_t events;                  /* events returned (= last evt.num) */
	uint64_t unknown_events;          /* event types we have no table row for; skipped */
	uint64_t procs, fds, users, groups, ifaces;
	uint64_t bytes; /* uncompressed bytes consumed */
};

struct scap_reader;

/* Open a plain or gzip capture. NULL on failure with a malloc'd
 * message in *err (free with fc_free); the section header is read and
 * checked here. */
struct scap_reader *scap_open(const char *path, char **err);
/* The same over a caller-owned buffer, which must outlive the reader
 * (plain bytes only; for the fuzzer and tests). */
struct scap_reader *scap_open_mem(const void *buf, size_t len, char **err);
void scap_close(struct scap_reader *r);

/* Fill *rec with the next record and return its kind: > 0 for a record,
 * SCAP_REC_END at a clean end of file, SCAP_REC_ERROR (sticky) on a
 * corrupt, truncated or unreadable file. An event's bytes (ev.raw) stay
 * valid until scap_close() when ev.raw_kept is set (the mapping of a
 * plain file, or the caller's buffer), else until the next call. */
int scap_next(struct scap_reader *r, struct scap_record *rec);
/* The last error, "offset N: what" (empty string if none). */
const char *scap_error(const struct scap_reader *r);
const struct scap_stats *scap_stats(const struct scap_reader *r);
const char *scap_blk_name(enum scap_blk b);

/*
 * Writer. Records are grouped into blocks as they come: consecutive
 * processes form one PL block, consecutive fds of one tid one FDL block,
 * users and groups one UL block, interfaces one IL block. Write state
 * before events, in the order sysdig expects (machine, interfaces,
 * users, processes, fds), as scap_next() returns them from a capture.
 * Functions return 0, or -1 with scap_writer_error() set (sticky).
 */
struct scap_writer;

struct scap_writer *scap_writer_open(const char *path, bool compress, char **err);
int scap_write_machine(struct scap_writer *w, const struct scap_machine *m);
int scap_write_iface(struct scap_writer *w, const struct scap_iface *i);
int scap_write_user(struct scap_writer *w, const struct rt_user_info *u);
int scap_write_group(struct scap_writer *w, const struct rt_group_info *g);
int scap_write_proc(struct scap_writer *w, const struct rt_proc_info *p);
int scap_write_fd(struct scap_writer *w, const struct rt_fd_info *f);
/* Writes ev->raw (raw_len bytes, 26-byte header form) with ev->cpu; an
 * EVF block when ev->flags != 0. */
int scap_write_event(struct scap_writer *w, const struct rt_event *ev);
/* Dispatch on rec->kind. */
int scap_write_record(struct scap_writer *w, const struct scap_record *rec);
/* Flush and close; returns 0 or -1 (the writer is freed either way,
 * *err gets a malloc'd message on failure when err is not NULL). */
int scap_writer_close(struct scap_writer *w, char **err);
const char *scap_writer_error(const struct scap_writer *w);
/* Strings cut to the limits libscap's reader enforces (paths 1023,
 * args/env/cgroups 4096, user names 255 bytes): counted, not silent. */
uint64_t scap_writer_truncated(const struct scap_writer *w);

#endif
