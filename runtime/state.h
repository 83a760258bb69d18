/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state: what libsinsp calls its thread, fd and user tables.
 *
 * Seeded from a capture's state blocks (process list, fd list, user
 * list; see scap.h) or, live, from /proc; then kept current by every
 * event that changes it (clone/fork/vfork/execve/execveat/procexit,
 * open/openat/openat2/creat, socket/connect/accept/bind, dup*, fcntl,
 * pipe, close, ...), as libsinsp's parsers do.
 *
 * The rt_*_info structs are the neutral input form: the scap reader fills
 * them from the file blocks, the live runtime from /proc. Strings point
 * into the caller's buffer and are copied by the state.
 */
#ifndef FALCOC_STATE_H
#define FALCOC_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct rt_proc_info {
	uint64_t tid, pid, ptid, sid, vpgid, pgid;
	uint64_t vtid, vpid;
	const char *comm, *exe, *exepath, *cwd, *root;
	const char *args; /* NUL-separated */
	uint32_t args_len;
	const char *env; /* NUL-separated */
	uint32_t env_len;
	const char *cgroups; /* "subsys=path" entries, NUL-separated */
	uint32_t cgroups_len;
	uint64_t fdlimit;
	uint32_t flags; /* PPM_CL_* clone flags */
	uint32_t uid, gid, loginuid;
	uint32_t tty;
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	bool exe_writable, exe_upper_layer, exe_from_memfd, exe_lower_layer;
	uint64_t pidns_init_start_ts, clone_ts;
	uint64_t vmsize_kb, vmrss_kb, vmswap_kb, pfmajor, pfminor;
};

/* fd types, as scap_fd_type. */
enum rt_fd_type {
	RT_FD_UNINITIALIZED = 0,
	RT_FD_UNKNOWN = 1,
	RT_FD_FILE = 2,
	RT_FD_DIRECTORY = 3,
	RT_FD_IPV4_SOCK = 4,
	RT_FD_IPV6_SOCK = 5,
	RT_FD_IPV4_SERVSOCK = 6,
	RT_FD_IPV6_SERVSOCK = 7,
	RT_FD_FIFO = 8,
	RT_FD_UNIX_SOCK = 9,
	RT_FD_EVENT = 10,
	RT_FD_UNSUPPORTED = 11,
	RT_FD_SIGNALFD = 12,
	RT_FD_EVENTPOLL = 13,
	RT_FD_INOTIFY = 14,
	RT_FD_TIMERFD = 15,
	RT_FD_NETLINK = 16,
	RT_FD_FILE_V2 = 17,
	RT_FD_BPF = 18,
	RT_FD_USERFAULTFD = 19,
	RT_FD_IOURING = 20,
	RT_FD_MEMFD = 21,
	RT_FD_PIDFD = 22,
};

struct rt_fd_info {
	uint64_t tid; /* owning thread (process) */
	int64_t fd;
	enum rt_fd_type type;
	uint64_t ino;
	uint32_t open_flags, mount_id, dev;
	const char *name; /* file path, unix path, ... */
	/* sockets: addresses in network byte order as in scap */
	uint8_t l4proto;
	uint8_t sip[16], dip[16]; /* v4 in the first 4 bytes */
	uint16_t sport, dport;
	/* unix sockets */
	uint64_t unix_source, unix_dest;
};

struct rt_user_info {
	uint32_t uid, gid;
	const char *name, *homedir, *shell;
	uint64_t container_id_hash; /* 0: host */
};

struct rt_group_info {
	uint32_t gid;
	const char *name;
};

/* One address of the machine's network interfaces (a capture's
 * interface list, or the live host's): it tells local addresses from
 * remote ones for fd.is_server, fd.lip/rip and fd.lport/rport. */
struct rt_iface_info {
	bool v6;
	uint8_t addr[16]; /* v4 in the first 4 bytes, network order */
};

struct rt_state;

struct rt_state *rt_state_new(void);
void rt_state_free(struct rt_state *st);

void rt_state_add_proc(struct rt_state *st, const struct rt_proc_info *p);
void rt_state_add_fd(struct rt_state *st, const struct rt_fd_info *f);
void rt_state_add_user(struct rt_state *st, const struct rt_user_info *u);
void rt_state_add_group(struct rt_state *st, const struct rt_group_info *g);
void rt_state_add_iface(struct rt_state *st, const struct rt_iface_info *i);

/* Update the tables from one event, after its fields were evaluated for
 * enter events and before for exit events, exactly where libsinsp's
 * parsers do it. Call rt_state_pre() before evaluating an event and
 * rt_state_post() after. */
/* Rules mode (Falco): a parameter missing from an exit event is read from
 * the thread's matching enter event. Filter mode (sysdig -p) is off. */
void rt_state_set_merge_enter(struct rt_state *st, bool on);

void rt_state_pre(struct rt_state *st, const struct rt_event *ev);
void rt_state_post(struct rt_state *st, const struct rt_event *ev);

/* Live mode (state_live.c). The task values the probe computed for an
 * event (bpf-templates/falcoc_abi.h) override the thread's: one source of
 * truth for proc.name, proc.pid/ppid, user.uid, user.loginuid,
 * proc.pname and proc.aname[1..FC_MAX_ANCESTORS]. The thread is created
 * (marked unknown, so a clone or execve parser still fills it) when
 * missing and create is true; ancestors named by the task are created
 * or renamed the same way. Call it before rt_state_pre() (create false,
 * so the parsers see current values) and again after it (create true),
 * before evaluating. */
struct fc_task;
void rt_state_update_task(struct rt_state *st, int64_t tid, const struct fc_task *t, bool create);
/* Whether the state knows this thread (for live mode's fallbacks). */
bool rt_state_has_thread(struct rt_state *st, int64_t tid);

#endif
