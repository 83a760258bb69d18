/* SPDX-License-Identifier: Apache-2.0 */
/*
 * procfs: the live machine's state, read from /proc and /etc, in the
 * neutral rt_*_info forms of state.h, as libscap's proc scan builds the
 * state blocks of a capture.
 *
 * The scan hands every record to a sink, in the order a capture stores
 * them (machine, interfaces, users and groups, every thread, then the
 * fds of each process), so the same pass seeds an rt_state and writes
 * the state blocks of a .scap file (falcoc-run -w).
 *
 * Nothing is lost silently: a process that exits during the scan, an fd
 * that closes, a socket found in no table are counted in procfs_stats.
 */
#ifndef FALCOC_PROCFS_H
#define FALCOC_PROCFS_H

#include <stdbool.h>
#include <stdint.h>

#include "scap.h"
#include "state.h"

/* Receives the records; pointers are valid only during the call. Any
 * callback may be NULL. A non-zero return stops the scan, which then
 * returns that value. */
struct procfs_sink {
	void *ctx;
	int (*machine)(void *ctx, const struct scap_machine *m);
	int (*iface)(void *ctx, const struct scap_iface *i);
	int (*user)(void *ctx, const struct rt_user_info *u);
	int (*group)(void *ctx, const struct rt_group_info *g);
	int (*proc)(void *ctx, const struct rt_proc_info *p);
	int (*fd)(void *ctx, const struct rt_fd_info *f);
};

struct procfs_stats {
	uint64_t procs, threads, fds, users, groups, ifaces;
	uint64_t vanished;        /* processes or threads gone mid-scan */
	uint64_t fd_unreadable;   /* fd links that could not be read */
	uint64_t sock_unresolved; /* socket inodes in no /proc/net table */
};

/* Where to read; NULL fields mean the real /proc and /etc. Tests point
 * them at fixtures. */
struct procfs_opts {
	const char *proc_root; /* "/proc" */
	const char *etc_root;  /* "/etc" */
	bool no_fds;           /* skip fd tables (faster) */
};

/* Scan everything. Returns 0, the first non-zero sink return, or -errno
 * when proc_root itself cannot be read. */
int procfs_scan(const struct procfs_opts *o, const struct procfs_sink *sink,
		struct procfs_stats *stats);

/* A sink that seeds st (rt_state_add_*); ctx must be the rt_state. */
void procfs_state_sink(struct procfs_sink *sink, struct rt_state *st);

/* Scan one process (every thread and, unless no_fds, its fds) into
 * the sink: for a process the runtime meets before any event named it. */
int procfs_scan_pid(const struct procfs_opts *o, int64_t pid, const struct procfs_sink *sink,
		    struct procfs_stats *stats);

/* Convert open(2) O_* flags to the driver's PPM_O_* bits. */
uint32_t procfs_open_flags(uint32_t oflags);

#endif
