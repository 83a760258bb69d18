/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state_int: the state tables' layout, shared by state.c, parsers.c and
 * extract.c only (not part of the runtime's public interface).
 *
 * Threads live in a chained hash keyed by tid. A process is its thread
 * group leader (tid == pid); threads of a process share the leader's fd
 * table, as libsinsp does for CLONE_FILES threads. Each fd table is a
 * chained hash keyed by fd number. Users and groups are small chained
 * hashes keyed by id. Every string is a heap copy owned by its entry.
 *
 * Per event, rt_state_pre() records in `cur` what libsinsp keeps in
 * sinsp_evt (the thread, the fd the event refers to, the enter event it
 * pairs with) so extraction never re-derives it.
 */
#ifndef FALCOC_STATE_INT_H
#define FALCOC_STATE_INT_H

#include "state.h"

/* Socket roles, as libsinsp's FLAGS_ROLE_*. */
enum rt_role { RT_ROLE_NONE = 0, RT_ROLE_CLIENT = 1, RT_ROLE_SERVER = 2 };

/* l4 protocols, as libscap's SCAP_L4_*. */
enum rt_l4 { RT_L4_UNKNOWN = 0, RT_L4_NA = 1, RT_L4_TCP = 2, RT_L4_UDP = 3, RT_L4_ICMP = 4, RT_L4_RAW = 5 };

struct rt_fd {
	int64_t fd;
	enum rt_fd_type type;
	/* name is never NULL; it owns a buffer of name_cap bytes, or (0) is
	 * the shared "". nameraw is NULL or raw_buf. Both buffers are
	 * rewritten in place and kept when the entry is recycled: opening
	 * and closing files is most of what a capture does. */
	char *name;    /* resolved: absolute path, socket tuple, ... */
	char *nameraw; /* as the syscall passed it (files) */
	char *raw_buf;
	uint32_t name_cap, raw_cap;
	uint32_t open_flags; /* PPM_O_* */
	uint32_t dev;
	uint64_t ino;
	/* sockets: s = source (client side), d = destination (server side);
	 * server sockets keep their bound address in s. */
	uint8_t l4proto;
	uint8_t sip[16], dip[16];
	uint16_t sport, dport;
	uint64_t unix_src, unix_dst;
	enum rt_role role;
	bool connected;
	uint64_t changed_seq; /* rt_state.seq of the event that renamed it */
	struct rt_fd *next;
};

struct rt_fdtable {
	unsigned refs; /* threads sharing it */
	unsigned nbuckets, count;
	struct rt_fd **b;
};

struct rt_thread {
	int64_t tid, pid, ptid, sid, vpgid, pgid, vtid, vpid;
	char *comm, *exe, *exepath, *cwd, *root;
	char *args; /* NUL-separated, argv[1..] */
	uint32_t args_len;
	char *env;
	uint32_t env_len;
	char *cgroups;
	uint32_t cgroups_len;
	int64_t fdlimit;
	uint32_t flags; /* PPM_CL_* */
	uint32_t uid, gid, loginuid, tty;
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	bool exe_writable, exe_upper_layer, exe_from_memfd, exe_lower_layer;
	uint64_t clone_ts, pidns_init_start_ts;
	uint64_t vmsize_kb, vmrss_kb, vmswap_kb, pfmajor, pfminor;
	bool invalid; /* made up for an unknown tid: libsinsp's "<NA>" thread */
	struct rt_fdtable *fds;
	int64_t lastevent_fd;
	/* the last enter event of this thread, for parameter merge: at
	 * enter_ptr, which is enter_buf (a copy) or, for an event whose
	 * bytes are kept by its source (raw_kept), those bytes */
	const uint8_t *enter_ptr;
	uint8_t *enter_buf;
	uint32_t enter_cap, enter_len;
	uint16_t enter_type;
	bool has_enter;
	/* evt.latency of its last exit event, which events that leave the
	 * parser state alone (switch) report as their own, as sysdig does */
	uint64_t latency;
	struct rt_thread *next;
};

struct rt_user {
	uint32_t uid, gid;
	char *name, *homedir, *shell;
	struct rt_user *next;
};

struct rt_group {
	uint32_t gid;
	char *name;
	struct rt_group *next;
};

/* What the current event refers to (libsinsp: sinsp_evt's tinfo/fdinfo). */
struct rt_cur {
	const struct rt_event *ev;
	struct rt_thread *th;
	struct rt_fd *fd;
	bool has_enter;           /* th's saved enter event pairs with ev */
	bool fd_unknowable;       /* EF_USES_FD but no PT_FD first param (mmap) */
	bool skip_reset;          /* switch & co: the thread's syscall state stays */
	/* The paired enter event is decoded only when a parameter of it is
	 * asked for (rt_cur_enter()): most exits carry all they need. Its
	 * bytes are th->enter_ptr, or enter_keep once th is gone. */
	bool enter_decoded;
	const uint8_t *enter_raw;
	uint32_t enter_raw_len;
	uint64_t enter_ts;
	uint8_t *enter_keep;      /* the removed thread's enter bytes, freed next event */
	struct rt_event enter;    /* valid after rt_cur_enter() */
	int64_t remove_fd;        /* fd to drop after the event, -1 if none */
	struct rt_thread *remove_fd_th;
	int64_t remove_tid;       /* thread to drop after the event, -1 */
	/* fd.name of an fd-creating exit event that created none (a failed
	 * open or connect still names its target); a buffer of null_cap
	 * bytes reused from event to event */
	char *null_name;
	uint32_t null_cap;
	bool has_null_name;
};

struct rt_state {
	unsigned tbuckets, tcount;
	struct rt_thread **tb;
	struct rt_user *users[64];
	struct rt_group *groups[64];
	bool merge_enter;
	struct rt_iface_info *ifaces;
	unsigned nifaces;
	uint64_t seq; /* events seen, for per-event marks */
	struct rt_fd *fd_pool; /* removed fd entries, buffers kept, for rt_fd_add() */
	struct rt_thread *last_th; /* the last event's thread (consecutive events
				    * mostly share one), NULL once removed */
	struct rt_cur cur;
};

struct rt_thread *rt_state_thread(struct rt_state *st, int64_t tid);
struct rt_fd *rt_state_fd(struct rt_state *st, struct rt_thread *th, int64_t fd);
struct rt_user *rt_state_user(struct rt_state *st, uint32_t uid);
struct rt_group *rt_state_group(struct rt_state *st, uint32_t gid);

/* Whether ip (v4 in the first 4 bytes) is one of the machine's interface
 * addresses, as libsinsp's is_ipv4addr_in_local_machine. */
bool rt_state_ip_is_local(const struct rt_state *st, const uint8_t *ip, bool v6);

/* parsers.c */
void rt_parse_event(struct rt_state *st, const struct rt_event *ev);
struct rt_fd *rt_fd_add(struct rt_state *st, struct rt_thread *th, int64_t fd);
void rt_fd_set_name(struct rt_fd *f, const char *name);
void rt_fd_set_namen(struct rt_fd *f, const char *name, size_t n);
void rt_fd_set_nameraw(struct rt_fd *f, const char *raw);
/* Copy what fd o describes into n (n keeps its number, link and buffers). */
void rt_fd_copy_into(struct rt_fd *n, const struct rt_fd *o);
void rt_fd_remove(struct rt_state *st, struct rt_thread *th, int64_t fd);
/* Copy n bytes of s and a NUL into a buffer of *cap bytes at *dst (owned
 * when *cap != 0), growing it when needed; s may point into it. */
void rt_buf_set(char **dst, uint32_t *cap, const char *s, size_t n);
struct rt_thread *rt_thread_add(struct rt_state *st, int64_t tid);
void rt_thread_remove(struct rt_state *st, int64_t tid);
char *rt_strdup(const char *s);
char *rt_memdup(const char *s, uint32_t n);
void rt_setstr(char **dst, const char *s);

struct rt_fdtable *rt_fdtable_copy(const struct rt_fdtable *src);
/* IPv6 text as inet_ntop writes it. */
void rt_ip6_str(char *out, size_t n, const uint8_t *ip);
/* The same into out (RT_IP6_STRLEN bytes), and IPv4 dotted text into out
 * (RT_IP4_STRLEN bytes); both return the length without the NUL. */
#define RT_IP6_STRLEN 46
#define RT_IP4_STRLEN 16
size_t rt_ip6_fmt(char *out, const uint8_t *ip);
size_t rt_ip4_fmt(char *out, const uint8_t *ip);

/* Join dir and path and normalise '.', '..' and '//' lexically, as
 * libsinsp's concatenate_paths. out has outsz bytes. */
void rt_path_concat(char *out, size_t outsz, const char *dir, const char *path);

/* The current event's paired enter event (cur.has_enter must be true),
 * decoded on first use. */
const struct rt_event *rt_cur_enter(struct rt_state *st);

/* A parameter by name, from the event or (merge) its enter event. */
int rt_cur_param(struct rt_state *st, const struct rt_event *ev, const char *name,
		 const struct rt_event **from);

#endif
