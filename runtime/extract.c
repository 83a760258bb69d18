// SPDX-License-Identifier: Apache-2.0
/*
 * extract: field values from an event and the state (see extract.h).
 *
 * Each implemented field has a row in impl_fields[] naming the function
 * that extracts it; rt_field_ref_init() points ref->impl at that row, so
 * per-event extraction is one indirect call. Fields without a row are
 * refused at init: falcoc never silently yields <NA> for a field it does
 * not compute.
 *
 * Rendering follows sysdig 0.29's -p output: parameters as sinsp_evt's
 * get_param_as_str() prints them (fd=3(<f>/etc/passwd), flags with names,
 * errno names), numbers in decimal unless the field is hexadecimal.
 */
#include "extract.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "state_int.h"

#define MAX_ANCESTORS 64
#define BUF_RENDER_MAX 80 /* sysdig's default print length for buffers */

/* ---- small helpers ---- */

static struct rt_thread *parent_of(struct rt_state *st, struct rt_thread *th)
{
	if (!th || th->ptid < 0)
		return NULL;
	struct rt_thread *p = rt_state_thread(st, th->ptid);
	return p == th ? NULL : p;
}

/* The n-th ancestor (0 = th), or NULL; bounded against ptid loops. */
static struct rt_thread *ancestor(struct rt_state *st, struct rt_thread *th, int64_t n)
{
	for (int64_t i = 0; th && i < n; i++) {
		if (i >= MAX_ANCESTORS)
			return NULL;
		th = parent_of(st, th);
	}
	return th;
}

static struct rt_thread *main_thread(struct rt_state *st, struct rt_thread *th)
{
	if (!th || th->pid == th->tid)
		return th;
	struct rt_thread *m = rt_state_thread(st, th->pid);
	return m ? m : th;
}

static const char *errno_name(int64_t e)
{
	static const char *const names[] = {
		[1] = "EPERM",	    [2] = "ENOENT",	  [3] = "ESRCH",	[4] = "EINTR",
		[5] = "EIO",	    [6] = "ENXIO",	  [7] = "E2BIG",	[8] = "ENOEXEC",
		[9] = "EBADF",	    [10] = "ECHILD",	  [11] = "EAGAIN",	[12] = "ENOMEM",
		[13] = "EACCES",    [14] = "EFAULT",	  [15] = "ENOTBLK",	[16] = "EBUSY",
		[17] = "EEXIST",    [18] = "EXDEV",	  [19] = "ENODEV",	[20] = "ENOTDIR",
		[21] = "EISDIR",    [22] = "EINVAL",	  [23] = "ENFILE",	[24] = "EMFILE",
		[25] = "ENOTTY",    [26] = "ETXTBSY",	  [27] = "EFBIG",	[28] = "ENOSPC",
		[29] = "ESPIPE",    [30] = "EROFS",	  [31] = "EMLINK",	[32] = "EPIPE",
		[33] = "EDOM",	    [34] = "ERANGE",	  [35] = "EDEADLK",	[36] = "ENAMETOOLONG",
		[37] = "ENOLCK",    [38] = "ENOSYS",	  [39] = "ENOTEMPTY",	[40] = "ELOOP",
		[42] = "ENOMSG",    [61] = "ENODATA",	  [62] = "ETIME",	[75] = "EOVERFLOW",
		[88] = "ENOTSOCK",  [89] = "EDESTADDRREQ", [90] = "EMSGSIZE",	[91] = "EPROTOTYPE",
		[92] = "ENOPROTOOPT", [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT",
		[95] = "EOPNOTSUPP", [96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE",
		[99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH", [102] = "ENETRESET",
		[103] = "ECONNABORTED", [104] = "ECONNRESET", [105] = "ENOBUFS", [106] = "EISCONN",
		[107] = "ENOTCONN", [108] = "ESHUTDOWN", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED",
		[112] = "EHOSTDOWN", [113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS",
		[116] = "ESTALE",   [122] = "EDQUOT",	  [125] = "ECANCELED",
	};
	if (e < 0)
		e = -e;
	if (e == 512)
		return "ERESTARTSYS";
	if (e == 513)
		return "ERESTARTNOINTR";
	if (e == 514)
		return "ERESTARTNOHAND";
	if (e == 516)
		return "ERESTART_RESTARTBLOCK";
	if (e < (int64_t)(sizeof(names) / sizeof(names[0])) && names[e])
		return names[e];
	return "UNKNOWN";
}

static char fd_typechar(enum rt_fd_type t)
{
	switch (t) {
	case RT_FD_FILE:
	case RT_FD_FILE_V2:
		return 'f';
	case RT_FD_DIRECTORY:
		return 'd';
	case RT_FD_IPV4_SOCK:
	case RT_FD_IPV4_SERVSOCK:
		return '4';
	case RT_FD_IPV6_SOCK:
	case RT_FD_IPV6_SERVSOCK:
		return '6';
	case RT_FD_FIFO:
		return 'p';
	case RT_FD_UNIX_SOCK:
		return 'u';
	case RT_FD_EVENT:
		return 'e';
	case RT_FD_SIGNALFD:
		return 's';
	case RT_FD_EVENTPOLL:
		return 'l';
	case RT_FD_INOTIFY:
		return 'i';
	case RT_FD_TIMERFD:
		return 't';
	case RT_FD_NETLINK:
		return 'n';
	case RT_FD_BPF:
		return 'b';
	case RT_FD_USERFAULTFD:
		return 'u';
	case RT_FD_IOURING:
		return 'r';
	case RT_FD_MEMFD:
		return 'm';
	case RT_FD_PIDFD:
		return 'P';
	case RT_FD_UNSUPPORTED:
		return 'X';
	default:
		return 'o';
	}
}

static const char *fd_typestr(enum rt_fd_type t)
{
	switch (t) {
	case RT_FD_FILE:
	case RT_FD_FILE_V2:
		return "file";
	case RT_FD_DIRECTORY:
		return "directory";
	case RT_FD_IPV4_SOCK:
	case RT_FD_IPV4_SERVSOCK:
		return "ipv4";
	case RT_FD_IPV6_SOCK:
	case RT_FD_IPV6_SERVSOCK:
		return "ipv6";
	case RT_FD_UNIX_SOCK:
		return "unix";
	case RT_FD_FIFO:
		return "pipe";
	case RT_FD_EVENT:
		return "event";
	case RT_FD_SIGNALFD:
		return "signalfd";
	case RT_FD_EVENTPOLL:
		return "eventpoll";
	case RT_FD_INOTIFY:
		return "inotify";
	case RT_FD_TIMERFD:
		return "timerfd";
	case RT_FD_NETLINK:
		return "netlink";
	case RT_FD_BPF:
		return "bpf";
	case RT_FD_USERFAULTFD:
		return "userfaultfd";
	case RT_FD_IOURING:
		return "io_uring";
	case RT_FD_MEMFD:
		return "memfd";
	case RT_FD_PIDFD:
		return "pidfd";
	default:
		return NULL;
	}
}

static bool fd_is_ip(const struct rt_fd *f)
{
	return f->type == RT_FD_IPV4_SOCK || f->type == RT_FD_IPV6_SOCK;
}

static bool fd_is_v6(const struct rt_fd *f)
{
	return f->type == RT_FD_IPV6_SOCK || f->type == RT_FD_IPV6_SERVSOCK;
}

/* libsinsp's get_l4proto(): a socket with no role yet has none. */
static uint8_t fd_l4(const struct rt_fd *f)
{
	if (f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
		return f->l4proto;
	if (!fd_is_ip(f))
		return RT_L4_NA;
	if (f->l4proto == RT_L4_RAW)
		return RT_L4_RAW;
	if (f->role == RT_ROLE_NONE)
		return RT_L4_NA;
	return f->l4proto;
}

static char l4_char(uint8_t l4)
{
	switch (l4) {
	case RT_L4_TCP:
		return 't';
	case RT_L4_UDP:
		return 'u';
	case RT_L4_ICMP:
		return 'i';
	case RT_L4_RAW:
		return 'r';
	default:
		return 0;
	}
}

/* Small pieces of text without the printf machinery (rendering runs per
 * printed field): "%llX", "%lld(%s)" and "<%c%c>%s"-like forms. */
static void put_hex_upper(struct strbuf *b, uint64_t v)
{
	static const char hex[] = "0123456789ABCDEF";
	char d[16];
	unsigned n = 0;
	do {
		d[sizeof(d) - 1 - n++] = hex[v & 15];
		v >>= 4;
	} while (v);
	sb_putn(b, d + sizeof(d) - n, n);
}

static void put_i64_paren(struct strbuf *b, int64_t v, const char *s)
{
	sb_put_i64(b, v);
	sb_putc(b, '(');
	sb_puts(b, s);
	sb_putc(b, ')');
}

static void put_u64_paren(struct strbuf *b, uint64_t v, const char *s)
{
	sb_put_u64(b, v);
	sb_putc(b, '(');
	sb_puts(b, s);
	sb_putc(b, ')');
}

/* "<t>name", or "<tl>name" with an l4 letter (l4 0: none) */
static void put_fd_tag(struct strbuf *b, char type, char l4, const char *name)
{
	char t[4] = { '<', type, l4, '>' };
	if (l4) {
		sb_putn(b, t, 4);
	} else {
		t[2] = '>';
		sb_putn(b, t, 3);
	}
	sb_puts(b, name);
}

static void ip_text(struct strbuf *b, const uint8_t *ip, bool v6)
{
	char tmp[RT_IP6_STRLEN];
	size_t n = v6 ? rt_ip6_fmt(tmp, ip) : rt_ip4_fmt(tmp, ip);
	sb_putn(b, tmp, n);
}

/* ---- syscall categories ---- */

static const uint16_t syscall_cats[] = {
#define X(sc, name, cat) RT_EC_##cat,
#include "syscalls.def"
#undef X
};

/* ---- flag tables ---- */

#define FLAGTAB(tid)
#define FLAG(tid, n, v) { #tid, n, (uint32_t)(v) },
#define FLAGUSE(e, p, tid)
static const struct {
	const char *tab, *name;
	uint32_t value;
} all_flags[] = {
#include "flags.def"
	{ NULL, NULL, 0 },
};

#define FLAGTAB(tid)
#define FLAG(tid, n, v)
#define FLAGUSE(e, p, tid) { e, p, #tid },
static const struct {
	const char *evt, *param, *tab;
} flag_uses[] = {
#include "flags.def"
	{ NULL, NULL, NULL },
};

static const char *flag_table_for(const struct rt_event *ev, unsigned i)
{
	if (!ev->info || i >= ev->info->nparams)
		return NULL;
	for (size_t k = 0; flag_uses[k].evt; k++)
		if (!strcmp(flag_uses[k].evt, ev->info->name) &&
		    !strcmp(flag_uses[k].param, ev->info->params[i].name))
			return flag_uses[k].tab;
	return NULL;
}

static void render_flags(struct strbuf *b, const char *tab, uint64_t val0)
{
	uint64_t val = val0;
	const char *sep = "";
	size_t start = 0;
	while (all_flags[start].tab && strcmp(all_flags[start].tab, tab))
		start++;
	size_t k = start;
	for (; all_flags[k].tab && !strcmp(all_flags[k].tab, tab); k++) {
		uint32_t fv = all_flags[k].value;
		if (fv == val0)
			break; /* an exact match ends the scan */
		if ((fv == 0 && val0 == 0) || (fv != 0 && (val & fv) == fv && val != 0)) {
			sb_puts(b, sep);
			sb_puts(b, all_flags[k].name);
			sep = "|";
			val &= ~(uint64_t)fv;
		}
	}
	if (all_flags[k].tab && !strcmp(all_flags[k].tab, tab)) {
		sb_puts(b, sep);
		sb_puts(b, all_flags[k].name);
	}
}

/* Parameters sysdig prints in hexadecimal (PF_HEX in the driver table). */
static bool param_is_hex(const struct rt_event *ev, unsigned i)
{
	static const char *const hex[][2] = {
		{ "brk", "res" },      { "brk", "addr" },    { "mmap", "addr" },  { "mmap", "res" },
		{ "mmap2", "addr" },   { "mmap2", "res" },   { "munmap", "addr" }, { "mprotect", "addr" },
		{ "futex", "addr" },   { "ptrace", "addr" }, { "ptrace", "data" }, { "mremap", "addr" },
		{ "madvise", "addr" }, { "msync", "addr" },  { "io_uring_setup", "sq_entries" },
		{ "ioctl", "request" }, { "ioctl", "argument" },
	};
	const char *e = ev->info->name, *p = ev->info->params[i].name;
	for (size_t k = 0; k < sizeof(hex) / sizeof(hex[0]); k++)
		if (!strcmp(hex[k][0], e) && !strcmp(hex[k][1], p))
			return true;
	return false;
}

/* ---- parameter rendering (sinsp_evt::get_param_as_str) ---- */

static void render_buf(struct strbuf *b, const uint8_t *p, uint32_t len)
{
	/* longer buffers keep 77 bytes and an ellipsis: 80 in all */
	uint32_t n = len > BUF_RENDER_MAX ? BUF_RENDER_MAX - 3 : len;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		sb_putc(b, (c >= 0x20 && c < 0x7f) ? (char)c : '.');
	}
	if (len > BUF_RENDER_MAX)
		sb_puts(b, "...");
}

static void render_sockaddr(struct strbuf *b, const uint8_t *p, uint32_t len)
{
	if (len < 1)
		return;
	uint16_t port;
	if (p[0] == 2 && len >= 7) {
		memcpy(&port, p + 5, 2);
		ip_text(b, p + 1, false);
		sb_printf(b, ":%u", port);
	} else if (p[0] == 10 && len >= 19) {
		memcpy(&port, p + 17, 2);
		ip_text(b, p + 1, true);
		sb_printf(b, ":%u", port);
	} else if (p[0] == 1) {
		size_t l = strnlen((const char *)p + 1, len - 1);
		sb_putn(b, (const char *)p + 1, l);
	} else {
		sb_puts(b, "family ");
		sb_printf(b, "%u", p[0]);
	}
}

static void render_socktuple(struct strbuf *b, const uint8_t *p, uint32_t len)
{
	if (len < 1)
		return;
	uint16_t sp, dp;
	if (p[0] == 2 && len >= 13) {
		memcpy(&sp, p + 5, 2);
		memcpy(&dp, p + 11, 2);
		ip_text(b, p + 1, false);
		sb_printf(b, ":%u->", sp);
		ip_text(b, p + 7, false);
		sb_printf(b, ":%u", dp);
	} else if (p[0] == 10 && len >= 37) {
		memcpy(&sp, p + 17, 2);
		memcpy(&dp, p + 35, 2);
		ip_text(b, p + 1, true);
		sb_printf(b, ":%u->", sp);
		ip_text(b, p + 19, true);
		sb_printf(b, ":%u", dp);
	} else if (p[0] == 1 && len >= 17) {
		uint64_t s, d;
		memcpy(&s, p + 1, 8);
		memcpy(&d, p + 9, 8);
		size_t l = strnlen((const char *)p + 17, len - 17);
		sb_printf(b, "%llx->%llx ", (unsigned long long)s, (unsigned long long)d);
		sb_putn(b, (const char *)p + 17, l);
	}
}

/* sysdig prints a parameter as "raw(resolved)" in evt.args, and as the
 * resolved part alone, when there is one, in evt.arg.NAME. */
static bool resolved_only;

static void render_fd_value(struct rt_state *st, struct strbuf *b, int64_t fd)
{
	if (fd < 0) {
		if (resolved_only)
			sb_puts(b, errno_name(fd));
		else
			put_i64_paren(b, fd, errno_name(fd));
		return;
	}
	struct rt_fd *f = st->cur.th ? rt_state_fd(st, st->cur.th, fd) : NULL;
	if (!f || !resolved_only)
		sb_put_i64(b, fd);
	if (!f)
		return;
	if (resolved_only) {
		char l4 = fd_is_ip(f) || f->type == RT_FD_IPV4_SERVSOCK ||
					  f->type == RT_FD_IPV6_SERVSOCK
				  ? l4_char(fd_l4(f))
				  : 0;
		put_fd_tag(b, fd_typechar(f->type), l4, f->name);
		return;
	}
	char l4 = (f->type == RT_FD_IPV4_SOCK || f->type == RT_FD_IPV6_SOCK ||
		   f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			  ? l4_char(fd_l4(f))
			  : 0;
	sb_putc(b, '(');
	put_fd_tag(b, fd_typechar(f->type), l4, f->name);
	sb_putc(b, ')');
}

static void render_param(struct rt_state *st, const struct rt_event *ev, unsigned i,
			 struct strbuf *b)
{
	const struct rt_param_info *pi = &ev->info->params[i];
	const uint8_t *p = ev->p[i];
	uint32_t len = ev->plen[i];
	uint64_t u = 0;
	int64_t s = 0;
	const char *tab;

	switch (pi->type) {
	case RT_PT_FD:
	case RT_PT_FD32:
		if (rt_param_s64(ev, i, &s))
			render_fd_value(st, b, s);
		return;
	case RT_PT_PID:
	case RT_PT_PID32:
		if (!rt_param_s64(ev, i, &s))
			return;
		{
			struct rt_thread *t = rt_state_thread(st, s);
			/* a thread made up for an unknown tid has no comm to show */
			if (t && t->invalid)
				t = NULL;
			if (t && resolved_only)
				sb_puts(b, t->comm);
			else if (t)
				put_i64_paren(b, s, t->comm);
			else
				sb_put_i64(b, s);
		}
		return;
	case RT_PT_ERRNO:
		if (!rt_param_s64(ev, i, &s))
			return;
		if (param_is_hex(ev, i))
			put_hex_upper(b, (uint64_t)s);
		else if (s < 0 && resolved_only)
			sb_puts(b, errno_name(s));
		else if (s < 0)
			put_i64_paren(b, s, errno_name(s));
		else
			sb_put_i64(b, s);
		return;
	case RT_PT_INT8:
	case RT_PT_INT16:
	case RT_PT_INT32:
	case RT_PT_INT64:
		if (rt_param_s64(ev, i, &s)) {
			if (param_is_hex(ev, i))
				put_hex_upper(b, (uint64_t)s);
			else
				sb_put_i64(b, s);
		}
		return;
	case RT_PT_UINT8:
	case RT_PT_UINT16:
	case RT_PT_UINT32:
	case RT_PT_UINT64:
	case RT_PT_UID:
	case RT_PT_GID:
	case RT_PT_MODE:
	case RT_PT_RELTIME:
	case RT_PT_ABSTIME:
	case RT_PT_PORT:
	case RT_PT_L4PROTO:
	case RT_PT_SOCKFAMILY:
	case RT_PT_BOOL:
	case RT_PT_SIGSET:
		if (rt_param_u64(ev, i, &u)) {
			if (param_is_hex(ev, i))
				put_hex_upper(b, u);
			else
				sb_put_u64(b, u);
		}
		return;
	case RT_PT_FLAGS8:
	case RT_PT_FLAGS16:
	case RT_PT_FLAGS32:
	case RT_PT_ENUMFLAGS8:
	case RT_PT_ENUMFLAGS16:
	case RT_PT_ENUMFLAGS32:
		if (!rt_param_u64(ev, i, &u))
			return;
		tab = flag_table_for(ev, i);
		if (resolved_only && tab) {
			size_t mark = b->len;
			render_flags(b, tab, u);
			if (b->len == mark)
				sb_put_u64(b, u);
			return;
		}
		sb_put_u64(b, u);
		if (tab) {
			size_t mark = b->len;
			sb_putc(b, '(');
			size_t inner = b->len;
			render_flags(b, tab, u);
			if (b->len == inner)
				b->len = mark; /* nothing matched: no parentheses */
			else
				sb_putc(b, ')');
		}
		return;
	case RT_PT_SYSCALLID: {
		/* "75(mprotect)", or the name alone in evt.arg.ID */
		if (!rt_param_u64(ev, i, &u))
			return;
		const char *n = u <= UINT16_MAX ? rt_syscall_name((uint16_t)u) : NULL;
		if (n && resolved_only)
			sb_puts(b, n);
		else if (n)
			put_u64_paren(b, u, n);
		else
			sb_put_u64(b, u);
		return;
	}
	case RT_PT_SIGTYPE:
		if (rt_param_u64(ev, i, &u))
			sb_put_u64(b, u);
		return;
	case RT_PT_CHARBUF:
	case RT_PT_FSPATH:
	case RT_PT_FSRELPATH:
		if (p && len) {
			size_t l = strnlen((const char *)p, len);
			sb_putn(b, (const char *)p, l);
		}
		return;
	case RT_PT_BYTEBUF:
	case RT_PT_CHARBUFARRAY:
	case RT_PT_CHARBUF_PAIR_ARRAY:
		if (p)
			render_buf(b, p, len);
		return;
	case RT_PT_SOCKADDR:
		/* an empty address (sendto on a connected socket) prints NULL */
		if (p && len)
			render_sockaddr(b, p, len);
		else
			sb_puts(b, "NULL");
		return;
	case RT_PT_SOCKTUPLE:
		if (p && len)
			render_socktuple(b, p, len);
		else
			sb_puts(b, "NULL");
		return;
	case RT_PT_IPV4ADDR:
		if (p && len >= 4)
			ip_text(b, p, false);
		return;
	case RT_PT_IPV6ADDR:
		if (p && len >= 16)
			ip_text(b, p, true);
		return;
	case RT_PT_FDLIST:
		if (p && len >= 2) {
			uint16_t n;
			memcpy(&n, p, 2);
			for (uint16_t k = 0; k < n && 2u + (k + 1u) * 10u <= len; k++) {
				int64_t fd;
				uint16_t fl;
				memcpy(&fd, p + 2 + k * 10, 8);
				memcpy(&fl, p + 2 + k * 10 + 8, 2);
				struct rt_fd *f = st->cur.th ? rt_state_fd(st, st->cur.th, fd) : NULL;
				/* the poll flags print in hexadecimal: 4:6204 */
				sb_printf(b, "%s%lld:%c%x", k ? " " : "", (long long)fd,
					  f ? fd_typechar(f->type) : 'o', fl);
			}
		}
		return;
	default:
		if (p)
			render_buf(b, p, len);
		return;
	}
}

static void render_args(struct rt_state *st, const struct rt_event *ev, struct strbuf *b)
{
	/* generic (unknown syscall) events print no arguments */
	if (!ev->info || ev->type <= 1)
		return;
	unsigned n = ev->nparams < ev->info->nparams ? ev->nparams : ev->info->nparams;
	for (unsigned i = 0; i < n; i++) {
		sb_puts(b, ev->info->params[i].name);
		sb_putc(b, '=');
		render_param(st, ev, i, b);
		sb_putc(b, ' ');
	}
}

/* ---- field implementations ---- */

enum fid {
	F_EVT_NUM = 1,
	F_EVT_TIME,
	F_EVT_TIME_S,
	F_EVT_TIME_ISO,
	F_EVT_DATETIME,
	F_EVT_DATETIME_S,
	F_EVT_RAWTIME,
	F_EVT_RAWTIME_S,
	F_EVT_RAWTIME_NS,
	F_EVT_DIR,
	F_EVT_TYPE,
	F_EVT_CPU,
	F_EVT_ARGS,
	F_EVT_ARG,
	F_EVT_RAWARG,
	F_EVT_INFO,
	F_EVT_BUFFER,
	F_EVT_BUFLEN,
	F_EVT_RES,
	F_EVT_RAWRES,
	F_EVT_FAILED,
	F_EVT_IS_IO,
	F_EVT_IS_IO_READ,
	F_EVT_IS_IO_WRITE,
	F_EVT_IS_WAIT,
	F_EVT_IS_SYSLOG,
	F_EVT_IS_OPEN_READ,
	F_EVT_IS_OPEN_WRITE,
	F_EVT_IS_OPEN_EXEC,
	F_EVT_IS_OPEN_CREATE,
	F_EVT_LATENCY,
	F_EVT_SOURCE,
	F_EVT_IS_ASYNC,
	F_EVT_CATEGORY,
	F_PROC_PID,
	F_PROC_PPID,
	F_PROC_NAME,
	F_PROC_EXE,
	F_PROC_EXEPATH,
	F_PROC_PEXE,
	F_PROC_PEXEPATH,
	F_PROC_AEXE,
	F_PROC_AEXEPATH,
	F_PROC_PNAME,
	F_PROC_ANAME,
	F_PROC_ARGS,
	F_PROC_CMDLINE,
	F_PROC_PCMDLINE,
	F_PROC_ACMDLINE,
	F_PROC_EXELINE,
	F_PROC_CMDNARGS,
	F_PROC_CMDLENARGS,
	F_PROC_ENV,
	F_PROC_CWD,
	F_PROC_TTY,
	F_PROC_VPID,
	F_PROC_PVPID,
	F_PROC_SID,
	F_PROC_SNAME,
	F_PROC_VPGID,
	F_PROC_VPGID_NAME,
	F_PROC_PGID,
	F_PROC_LOGINSHELLID,
	F_PROC_APID,
	F_PROC_IS_EXE_WRITABLE,
	F_PROC_IS_EXE_UPPER,
	F_PROC_IS_EXE_LOWER,
	F_PROC_IS_EXE_MEMFD,
	F_PROC_IS_SID_LEADER,
	F_PROC_IS_VPGID_LEADER,
	F_PROC_EXE_INO,
	F_PROC_EXE_INO_CTIME,
	F_PROC_EXE_INO_MTIME,
	F_PROC_FDLIMIT,
	F_PROC_DURATION,
	F_PROC_CTIME_DUR_PROC_START,
	F_PROC_CTIME_DUR_PIDNS_START,
	F_THREAD_TID,
	F_THREAD_VTID,
	F_THREAD_ISMAIN,
	F_THREAD_CAP_P,
	F_THREAD_CAP_E,
	F_THREAD_CAP_I,
	F_USER_UID,
	F_USER_NAME,
	F_USER_HOMEDIR,
	F_USER_SHELL,
	F_USER_LOGINUID,
	F_USER_LOGINNAME,
	F_GROUP_GID,
	F_GROUP_NAME,
	F_FD_NUM,
	F_FD_TYPE,
	F_FD_TYPECHAR,
	F_FD_NAME,
	F_FD_NAMERAW,
	F_FD_DIRECTORY,
	F_FD_FILENAME,
	F_FD_IP,
	F_FD_CIP,
	F_FD_SIP,
	F_FD_LIP,
	F_FD_RIP,
	F_FD_PORT,
	F_FD_CPORT,
	F_FD_SPORT,
	F_FD_LPORT,
	F_FD_RPORT,
	F_FD_NET,
	F_FD_CNET,
	F_FD_SNET,
	F_FD_LNET,
	F_FD_RNET,
	F_FD_L4PROTO,
	F_FD_SOCKFAMILY,
	F_FD_IS_SERVER,
	F_FD_CONNECTED,
	F_FD_NAME_CHANGED,
	F_FD_DEV,
	F_FD_INO,
	F_FD_UID,
	F_FD_IPNAME, /* fd.*ip.name: no DNS table, always <NA> */
	F_CONTAINER_HOST, /* container.id / container.name: "host" */
	F_NA_ALWAYS,      /* container/k8s metadata absent on hosts */
};

static const struct {
	const char *name;
	enum fid id;
} impl_fields[] = {
	{ "evt.num", F_EVT_NUM },
	{ "evt.time", F_EVT_TIME },
	{ "evt.time.s", F_EVT_TIME_S },
	{ "evt.time.iso8601", F_EVT_TIME_ISO },
	{ "evt.datetime", F_EVT_DATETIME },
	{ "evt.datetime.s", F_EVT_DATETIME_S },
	{ "evt.rawtime", F_EVT_RAWTIME },
	{ "evt.rawtime.s", F_EVT_RAWTIME_S },
	{ "evt.rawtime.ns", F_EVT_RAWTIME_NS },
	{ "evt.dir", F_EVT_DIR },
	{ "evt.type", F_EVT_TYPE },
	{ "syscall.type", F_EVT_TYPE },
	{ "evt.cpu", F_EVT_CPU },
	{ "evt.args", F_EVT_ARGS },
	{ "evt.arg", F_EVT_ARG },
	{ "evt.rawarg", F_EVT_RAWARG },
	{ "evt.info", F_EVT_INFO },
	{ "evt.buffer", F_EVT_BUFFER },
	{ "evt.buflen", F_EVT_BUFLEN },
	{ "evt.res", F_EVT_RES },
	{ "evt.rawres", F_EVT_RAWRES },
	{ "evt.failed", F_EVT_FAILED },
	{ "evt.is_io", F_EVT_IS_IO },
	{ "evt.is_io_read", F_EVT_IS_IO_READ },
	{ "evt.is_io_write", F_EVT_IS_IO_WRITE },
	{ "evt.is_wait", F_EVT_IS_WAIT },
	{ "evt.is_syslog", F_EVT_IS_SYSLOG },
	{ "evt.is_open_read", F_EVT_IS_OPEN_READ },
	{ "evt.is_open_write", F_EVT_IS_OPEN_WRITE },
	{ "evt.is_open_exec", F_EVT_IS_OPEN_EXEC },
	{ "evt.is_open_create", F_EVT_IS_OPEN_CREATE },
	{ "evt.latency", F_EVT_LATENCY },
	{ "evt.source", F_EVT_SOURCE },
	{ "evt.is_async", F_EVT_IS_ASYNC },
	{ "evt.category", F_EVT_CATEGORY },
	{ "proc.pid", F_PROC_PID },
	{ "proc.ppid", F_PROC_PPID },
	{ "proc.name", F_PROC_NAME },
	{ "proc.exe", F_PROC_EXE },
	{ "proc.exepath", F_PROC_EXEPATH },
	{ "proc.pexe", F_PROC_PEXE },
	{ "proc.pexepath", F_PROC_PEXEPATH },
	{ "proc.aexe", F_PROC_AEXE },
	{ "proc.aexepath", F_PROC_AEXEPATH },
	{ "proc.pname", F_PROC_PNAME },
	{ "proc.aname", F_PROC_ANAME },
	{ "proc.args", F_PROC_ARGS },
	{ "proc.cmdline", F_PROC_CMDLINE },
	{ "proc.pcmdline", F_PROC_PCMDLINE },
	{ "proc.acmdline", F_PROC_ACMDLINE },
	{ "proc.exeline", F_PROC_EXELINE },
	{ "proc.cmdnargs", F_PROC_CMDNARGS },
	{ "proc.cmdlenargs", F_PROC_CMDLENARGS },
	{ "proc.env", F_PROC_ENV },
	{ "proc.cwd", F_PROC_CWD },
	{ "proc.tty", F_PROC_TTY },
	{ "proc.vpid", F_PROC_VPID },
	{ "proc.pvpid", F_PROC_PVPID },
	{ "proc.sid", F_PROC_SID },
	{ "proc.sname", F_PROC_SNAME },
	{ "proc.vpgid", F_PROC_VPGID },
	{ "proc.vpgid.name", F_PROC_VPGID_NAME },
	{ "proc.pgid", F_PROC_PGID },
	{ "proc.loginshellid", F_PROC_LOGINSHELLID },
	{ "proc.apid", F_PROC_APID },
	{ "proc.is_exe_writable", F_PROC_IS_EXE_WRITABLE },
	{ "proc.is_exe_upper_layer", F_PROC_IS_EXE_UPPER },
	{ "proc.is_exe_lower_layer", F_PROC_IS_EXE_LOWER },
	{ "proc.is_exe_from_memfd", F_PROC_IS_EXE_MEMFD },
	{ "proc.is_sid_leader", F_PROC_IS_SID_LEADER },
	{ "proc.is_vpgid_leader", F_PROC_IS_VPGID_LEADER },
	{ "proc.exe_ino", F_PROC_EXE_INO },
	{ "proc.exe_ino.ctime", F_PROC_EXE_INO_CTIME },
	{ "proc.exe_ino.mtime", F_PROC_EXE_INO_MTIME },
	{ "proc.fdlimit", F_PROC_FDLIMIT },
	{ "proc.duration", F_PROC_DURATION },
	{ "proc.exe_ino.ctime_duration_proc_start", F_PROC_CTIME_DUR_PROC_START },
	{ "proc.exe_ino.ctime_duration_pidns_start", F_PROC_CTIME_DUR_PIDNS_START },
	{ "thread.tid", F_THREAD_TID },
	{ "thread.vtid", F_THREAD_VTID },
	{ "thread.ismain", F_THREAD_ISMAIN },
	{ "thread.cap_permitted", F_THREAD_CAP_P },
	{ "thread.cap_effective", F_THREAD_CAP_E },
	{ "thread.cap_inheritable", F_THREAD_CAP_I },
	{ "user.uid", F_USER_UID },
	{ "user.name", F_USER_NAME },
	{ "user.homedir", F_USER_HOMEDIR },
	{ "user.shell", F_USER_SHELL },
	{ "user.loginuid", F_USER_LOGINUID },
	{ "user.loginname", F_USER_LOGINNAME },
	{ "group.gid", F_GROUP_GID },
	{ "group.name", F_GROUP_NAME },
	{ "fd.num", F_FD_NUM },
	{ "fd.type", F_FD_TYPE },
	{ "fd.typechar", F_FD_TYPECHAR },
	{ "fd.name", F_FD_NAME },
	{ "fd.nameraw", F_FD_NAMERAW },
	{ "fd.directory", F_FD_DIRECTORY },
	{ "fd.filename", F_FD_FILENAME },
	{ "fd.ip", F_FD_IP },
	{ "fd.cip", F_FD_CIP },
	{ "fd.sip", F_FD_SIP },
	{ "fd.lip", F_FD_LIP },
	{ "fd.rip", F_FD_RIP },
	{ "fd.port", F_FD_PORT },
	{ "fd.cport", F_FD_CPORT },
	{ "fd.sport", F_FD_SPORT },
	{ "fd.lport", F_FD_LPORT },
	{ "fd.rport", F_FD_RPORT },
	{ "fd.net", F_FD_NET },
	{ "fd.cnet", F_FD_CNET },
	{ "fd.snet", F_FD_SNET },
	{ "fd.lnet", F_FD_LNET },
	{ "fd.rnet", F_FD_RNET },
	{ "fd.l4proto", F_FD_L4PROTO },
	{ "fd.sockfamily", F_FD_SOCKFAMILY },
	{ "fd.is_server", F_FD_IS_SERVER },
	{ "fd.connected", F_FD_CONNECTED },
	{ "fd.name_changed", F_FD_NAME_CHANGED },
	{ "fd.dev", F_FD_DEV },
	{ "fd.ino", F_FD_INO },
	{ "fd.uid", F_FD_UID },
	{ "fd.cip.name", F_FD_IPNAME },
	{ "fd.sip.name", F_FD_IPNAME },
	{ "fd.lip.name", F_FD_IPNAME },
	{ "fd.rip.name", F_FD_IPNAME },
	{ "container.id", F_CONTAINER_HOST },
	{ "container.name", F_CONTAINER_HOST },
	{ "container.full_id", F_CONTAINER_HOST },
	{ "container.image", F_NA_ALWAYS },
	{ "container.image.id", F_NA_ALWAYS },
	{ "container.image.repository", F_NA_ALWAYS },
	{ "container.image.tag", F_NA_ALWAYS },
	{ "container.image.digest", F_NA_ALWAYS },
	{ "container.type", F_NA_ALWAYS },
	{ "container.privileged", F_NA_ALWAYS },
	{ "container.mounts", F_NA_ALWAYS },
	{ "container.mount", F_NA_ALWAYS },
	{ "container.mount.source", F_NA_ALWAYS },
	{ "container.mount.dest", F_NA_ALWAYS },
	{ "container.mount.mode", F_NA_ALWAYS },
	{ "container.mount.rdwr", F_NA_ALWAYS },
	{ "container.mount.propagation", F_NA_ALWAYS },
	{ "container.start_ts", F_NA_ALWAYS },
	{ "container.ip", F_NA_ALWAYS },
	{ "container.label", F_NA_ALWAYS },
	{ "container.labels", F_NA_ALWAYS },
	{ "k8s.ns.name", F_NA_ALWAYS },
	{ "k8s.pod.name", F_NA_ALWAYS },
	{ "k8s.pod.id", F_NA_ALWAYS },
	{ "k8s.pod.uid", F_NA_ALWAYS },
	{ "k8s.pod.label", F_NA_ALWAYS },
	{ "k8s.pod.labels", F_NA_ALWAYS },
	{ "k8s.pod.ip", F_NA_ALWAYS },
};

struct ref_impl {
	enum fid id;
	int param_index; /* evt.arg[N] */
	const char *param_name;
};

bool rt_field_ref_init(struct arena *a, struct rt_field_ref *ref, const char *name,
		       const char *arg, const char **why)
{
	const char *dotted = NULL;
	const struct field_info *f = fields_lookup(name, &dotted);
	memset(ref, 0, sizeof(*ref));
	ref->argi = -1;
	if (!f) {
		*why = arena_printf(a, "unknown field '%s'", name);
		return false;
	}
	ref->f = f;
	ref->field_id = fields_index(f);
	ref->arg = arg ? arena_strdup(a, arg) : (dotted ? arena_strdup(a, dotted) : NULL);
	if (ref->arg) {
		char *end;
		long long v = strtoll(ref->arg, &end, 10);
		if (*ref->arg && !*end && v >= 0)
			ref->argi = v;
	}
	for (size_t i = 0; i < sizeof(impl_fields) / sizeof(impl_fields[0]); i++) {
		if (!strcmp(impl_fields[i].name, f->name)) {
			struct ref_impl *im = ARENA_NEW(a, struct ref_impl);
			im->id = impl_fields[i].id;
			im->param_index = -1;
			if (im->id == F_EVT_ARG || im->id == F_EVT_RAWARG) {
				if (!ref->arg) {
					*why = arena_printf(a, "field '%s' needs an argument", f->name);
					return false;
				}
				if (arg && ref->argi >= 0)
					im->param_index = (int)ref->argi;
				else
					im->param_name = ref->arg;
			}
			ref->impl = im;
			return true;
		}
	}
	*why = arena_printf(a, "field '%s' is not implemented by falcoc-run", f->name);
	return false;
}

/* ---- value helpers ---- */

static uint32_t put_str(struct rt_vals *out, const char *s, size_t len)
{
	if (out->n >= RT_MAX_VALS)
		return out->n;
	struct rt_val *v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->type = FT_CHARBUF;
	v->s = s ? s : "";
	v->len = (uint32_t)len;
	return out->n;
}

static uint32_t put_cstr(struct rt_vals *out, const char *s)
{
	return put_str(out, s, strlen(s));
}

/* A string built in scratch: the scratch buffer is reset by the caller. */
static uint32_t put_scratch(struct rt_vals *out, struct strbuf *scratch, size_t start)
{
	const char *s = sb_str(scratch);
	return put_str(out, s + start, scratch->len - start);
}

static uint32_t put_i(struct rt_vals *out, enum ftype t, int64_t i)
{
	struct rt_val *v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->i = i;
	return out->n;
}

static uint32_t put_u(struct rt_vals *out, enum ftype t, uint64_t u)
{
	struct rt_val *v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->u = u;
	return out->n;
}

static uint32_t put_b(struct rt_vals *out, bool b)
{
	struct rt_val *v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->type = FT_BOOL;
	v->b = b;
	return out->n;
}

static uint32_t put_ip(struct rt_vals *out, enum ftype t, const uint8_t *ip, bool v6)
{
	struct rt_val *v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->type = t;
	memcpy(v->ip, ip, v6 ? 16 : 4);
	v->v6 = v6;
	v->prefix = v6 ? 128 : 32;
	return out->n;
}

/* args joined by spaces (proc.args), into scratch */
static void join_args(struct strbuf *b, const char *args, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		char c = args[i];
		if (c == '\0') {
			if (i + 1 < len)
				sb_putc(b, ' ');
		} else {
			sb_putc(b, c);
		}
	}
}

static void cmdline(struct strbuf *b, const struct rt_thread *th)
{
	sb_puts(b, th->comm);
	if (th->args_len) {
		sb_putc(b, ' ');
		join_args(b, th->args, th->args_len);
	}
}


static const struct rt_event *arg_source(struct rt_state *st, const struct rt_event *ev,
					 const struct ref_impl *im, int *idx)
{
	if (im->param_index >= 0) {
		*idx = im->param_index;
		return (unsigned)*idx < ev->nparams && ev->info &&
				       (unsigned)*idx < ev->info->nparams
			       ? ev
			       : NULL;
	}
	int i = rt_param_index(ev, im->param_name);
	if (i >= 0 && (unsigned)i < ev->nparams) {
		*idx = i;
		return ev;
	}
	if (st->merge_enter && ev == st->cur.ev && st->cur.has_enter) {
		const struct rt_event *en = rt_cur_enter(st);
		i = rt_param_index(en, im->param_name);
		if (i >= 0 && (unsigned)i < en->nparams) {
			*idx = i;
			return en;
		}
	}
	return NULL;
}

static const char *const shells[] = { "ash", "bash", "csh", "ksh", "sh", "tcsh", "zsh", "dash", NULL };

static bool is_shell(const char *comm)
{
	for (size_t i = 0; shells[i]; i++)
		if (!strcmp(comm, shells[i]))
			return true;
	return false;
}

static void caps_text(struct strbuf *b, uint64_t caps)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
		"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
		"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
		"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
		"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
		"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
		"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
		"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
	};
	const char *sep = "";
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (caps & (1ULL << i)) {
			sb_printf(b, "%s%s", sep, names[i]);
			sep = " ";
		}
	}
}

/* The broken-down local time of one second and its texts, formatted on
 * first use: events come in time order, so consecutive ones mostly share
 * their second, and localtime_r + strftime cost more than the rest of a
 * line. */
struct time_memo {
	bool valid;
	time_t secs;
	struct tm tm;
	char text[3][32]; /* "%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S" */
	bool have[3];
};

static const char *time_memo_text(struct time_memo *m, unsigned k)
{
	static const char *const fmts[3] = { "%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S" };
	if (!m->have[k]) {
		if (!strftime(m->text[k], sizeof(m->text[k]), fmts[k], &m->tm))
			m->text[k][0] = '\0';
		m->have[k] = true;
	}
	return m->text[k];
}

static void time_text(struct strbuf *b, uint64_t ts, enum fid id)
{
	static _Thread_local struct time_memo memo;
	time_t secs = (time_t)(ts / 1000000000ULL);
	unsigned long ns = (unsigned long)(ts % 1000000000ULL);
	if (!memo.valid || memo.secs != secs) {
		localtime_r(&secs, &memo.tm);
		memo.secs = secs;
		memo.valid = true;
		memset(memo.have, 0, sizeof(memo.have));
	}
	const struct tm *tmp = &memo.tm;
	switch (id) {
	case F_EVT_TIME:
		sb_puts(b, time_memo_text(&memo, 0));
		sb_putc(b, '.');
		sb_put_u64w(b, ns, 9);
		break;
	case F_EVT_TIME_S:
		sb_puts(b, time_memo_text(&memo, 0));
		break;
	case F_EVT_DATETIME:
		sb_puts(b, time_memo_text(&memo, 1));
		sb_putc(b, '.');
		sb_put_u64w(b, ns, 9);
		break;
	case F_EVT_DATETIME_S:
		sb_puts(b, time_memo_text(&memo, 1));
		break;
	default: {
		const char *buf = time_memo_text(&memo, 2);
		long off = tmp->tm_gmtoff / 60;
		char sign = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		sb_printf(b, "%s.%09lu%c%02ld%02ld", buf, ns, sign, off / 60, off % 60);
		break;
	}
	}
}

/* The category libsinsp's sinsp_evt::get_category() gives: a generic
 * event takes its syscall's (syscalls.def), others their table entry's
 * without the source bits (syscall, tracepoint, plugin, meta). */
static uint32_t event_category(const struct rt_event *ev)
{
	uint64_t id;
	if (ev->type <= 1 && ev->nparams > 0 && ev->info && ev->info->nparams > 0 &&
	    ev->info->params[0].type == RT_PT_SYSCALLID && rt_param_u64(ev, 0, &id))
		return id < sizeof(syscall_cats) / sizeof(syscall_cats[0]) ? syscall_cats[id]
									  : RT_EC_OTHER;
	return ev->info->category & ~(uint32_t)(RT_EC_SYSCALL | RT_EC_TRACEPOINT | RT_EC_PLUGIN |
						 RT_EC_METAEVENT | RT_EC_ITER);
}

/* An I/O event's category is named after its fd's kind (libsinsp's
 * subcategory): "file", "net", "ipc" (lower case, unlike the IPC
 * category), "unknown" for other kinds and for an unknown fd. */
static const char *io_subcategory(const struct rt_fd *f)
{
	if (!f)
		return "unknown";
	switch (f->type) {
	case RT_FD_FILE:
	case RT_FD_FILE_V2:
	case RT_FD_DIRECTORY:
		return "file";
	case RT_FD_IPV4_SOCK:
	case RT_FD_IPV6_SOCK:
	case RT_FD_IPV4_SERVSOCK:
	case RT_FD_IPV6_SERVSOCK:
		return "net";
	case RT_FD_FIFO:
	case RT_FD_UNIX_SOCK:
	case RT_FD_EVENT:
	case RT_FD_SIGNALFD:
	case RT_FD_INOTIFY:
		return "ipc";
	default:
		return "unknown";
	}
}

static const char *category_name(uint32_t c)
{
	switch (c) {
	case RT_EC_UNKNOWN:
		return "unknown";
	case RT_EC_OTHER:
		return "other";
	case RT_EC_FILE:
		return "file";
	case RT_EC_NET:
		return "net";
	case RT_EC_IPC:
		return "IPC";
	case RT_EC_MEMORY:
		return "memory";
	case RT_EC_PROCESS:
		return "process";
	case RT_EC_SLEEP:
		return "sleep";
	case RT_EC_SYSTEM:
		return "system";
	case RT_EC_SIGNAL:
		return "signal";
	case RT_EC_USER:
		return "user";
	case RT_EC_TIME:
		return "time";
	case 12: /* EC_PROCESSING, absent from event.h: no event uses it */
		return "processing";
	case RT_EC_IO_READ:
	case RT_EC_IO_WRITE:
	case RT_EC_IO_OTHER:
		return "I/O";
	case RT_EC_WAIT:
		return "wait";
	case RT_EC_SCHEDULER:
		return "scheduler";
	case RT_EC_INTERNAL:
		return "internal";
	default:
		return "unknown";
	}
}

/* The fd name as libsinsp derives it when the event has no fd entry. */
static bool null_fd_name(struct rt_state *st, const struct rt_event *ev, const char **s)
{
	if (ev != st->cur.ev || !ev->info || !ev->info->exit)
		return false;
	if (st->cur.has_null_name) {
		*s = st->cur.null_name;
		return true;
	}
	*s = "";
	return true;
}

/* Whether a failed connect should name its target rather than the fd. */
static bool connect_failed(const struct rt_event *ev)
{
	int64_t res;
	return ev->info && ev->info->exit && !strcmp(ev->info->name, "connect") &&
	       rt_evt_rawres(ev, &res) && res < 0;
}

static uint32_t extract_fd_field(struct rt_state *st, const struct rt_event *ev, enum fid id,
				 struct rt_vals *out, struct strbuf *scratch)
{
	struct rt_thread *th = st->cur.th;
	struct rt_fd *f = ev == st->cur.ev ? st->cur.fd : NULL;
	const char *s;

	/* libsinsp's extract_fd(): only events that use, create or destroy
	 * an fd have fd fields */
	if (!ev->info ||
	    !(ev->info->flags & (RT_EF_USES_FD | RT_EF_CREATES_FD | RT_EF_DESTROYS_FD)))
		return 0;
	/* an fd-using event whose enter event has no fd parameter (mmap's
	 * first parameter is an address) has no fd fields at all */
	if ((ev->info->flags & RT_EF_USES_FD) && ev == st->cur.ev && st->cur.fd_unknowable)
		return 0;
	if (id == F_FD_NUM)
		return th ? put_i(out, FT_INT64, th->lastevent_fd) : 0;
	if (id == F_FD_UID) {
		if (!th)
			return 0;
		size_t start = scratch->len;
		sb_printf(scratch, "%lld%lld", (long long)th->tid, (long long)th->lastevent_fd);
		return put_scratch(out, scratch, start);
	}
	if (!f || ((id == F_FD_NAME || id == F_FD_DIRECTORY || id == F_FD_FILENAME) &&
		   connect_failed(ev))) {
		/* libsinsp's extract_from_null_fd */
		switch (id) {
		case F_FD_NAME:
			if (null_fd_name(st, ev, &s))
				return put_cstr(out, s);
			return 0;
		case F_FD_TYPECHAR: {
			/* a guess from the event type, as libsinsp makes */
			const char *n = ev->info ? ev->info->name : "";
			const char *c = "o";
			if (!strcmp(n, "open") || !strcmp(n, "openat") || !strcmp(n, "openat2") ||
			    !strcmp(n, "creat"))
				c = "f";
			else if (!strcmp(n, "socket") || !strcmp(n, "accept") || !strcmp(n, "accept4"))
				c = "4";
			else if (!strcmp(n, "pipe") || !strcmp(n, "pipe2"))
				c = "p";
			else if (!strcmp(n, "eventfd") || !strcmp(n, "eventfd2"))
				c = "e";
			else if (!strcmp(n, "signalfd") || !strcmp(n, "signalfd4"))
				c = "s";
			else if (!strcmp(n, "timerfd_create"))
				c = "t";
			else if (!strcmp(n, "inotify_init") || !strcmp(n, "inotify_init1"))
				c = "i";
			return put_cstr(out, c);
		}
		case F_FD_DIRECTORY:
		case F_FD_FILENAME: {
			if (!null_fd_name(st, ev, &s))
				return 0;
			/* a failed connect's tuple names no directory (sysdig
			 * prints <NA>) */
			const char *n = ev->info->name;
			if (!strcmp(n, "connect"))
				return 0;
			/* libsinsp's extract_from_null_fd names a file only for
			 * the open/openat/creat *enter* events, for which
			 * extract_fdname_from_creator gives up: fd.filename of
			 * an fd-less event is always <NA> (0.29 and current
			 * libs alike) */
			if (id == F_FD_FILENAME)
				return 0;
			const char *sl = strrchr(s, '/');
			size_t start = scratch->len;
			if (id == F_FD_DIRECTORY) {
				if (sl && sl != s)
					sb_putn(scratch, s, (size_t)(sl - s));
				else
					sb_putc(scratch, '/');
			} else {
				sb_puts(scratch, sl && sl[1] ? sl + 1 : s);
			}
			return put_scratch(out, scratch, start);
		}
		default:
			return 0;
		}
	}

	bool v6 = fd_is_v6(f);
	switch (id) {
	case F_FD_TYPE:
		s = fd_typestr(f->type);
		return s ? put_cstr(out, s) : 0;
	case F_FD_TYPECHAR: {
		size_t start = scratch->len;
		sb_putc(scratch, fd_typechar(f->type));
		return put_scratch(out, scratch, start);
	}
	case F_FD_NAME:
		return put_cstr(out, f->name);
	case F_FD_NAMERAW:
		return put_cstr(out, f->nameraw ? f->nameraw : f->name);
	case F_FD_DIRECTORY: {
		if (f->type != RT_FD_FILE && f->type != RT_FD_FILE_V2 && f->type != RT_FD_DIRECTORY)
			return 0;
		if (f->type == RT_FD_DIRECTORY)
			return put_cstr(out, f->name);
		const char *sl = strrchr(f->name, '/');
		if (sl && sl != f->name)
			return put_str(out, f->name, (size_t)(sl - f->name));
		return put_cstr(out, "/");
	}
	case F_FD_FILENAME: {
		if (f->type != RT_FD_FILE && f->type != RT_FD_FILE_V2)
			return 0;
		const char *sl = strrchr(f->name, '/');
		if (sl && sl[1])
			return put_cstr(out, sl + 1);
		return put_cstr(out, sl ? f->name : "/");
	}
	case F_FD_CIP:
	case F_FD_CNET:
		if (!fd_is_ip(f) || f->role == RT_ROLE_NONE)
			return 0;
		return put_ip(out, id == F_FD_CIP ? FT_IPADDR : FT_IPNET, f->sip, v6);
	case F_FD_SIP:
	case F_FD_SNET:
		if (f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			return put_ip(out, id == F_FD_SIP ? FT_IPADDR : FT_IPNET, f->sip, v6);
		if (!fd_is_ip(f) || f->role == RT_ROLE_NONE)
			return 0;
		return put_ip(out, id == F_FD_SIP ? FT_IPADDR : FT_IPNET, f->dip, v6);
	case F_FD_IP:
	case F_FD_NET: {
		enum ftype t = id == F_FD_IP ? FT_IPADDR : FT_IPNET;
		if (f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			return put_ip(out, t, f->sip, v6);
		if (!fd_is_ip(f))
			return 0;
		put_ip(out, t, f->sip, v6);
		return put_ip(out, t, f->dip, v6);
	}
	case F_FD_LIP:
	case F_FD_RIP:
	case F_FD_LNET:
	case F_FD_RNET: {
		if (!fd_is_ip(f) || f->role == RT_ROLE_NONE)
			return 0;
		/* the local side is the source when the source is one of the
		 * machine's addresses, else the destination (libsinsp) */
		bool want_local = id == F_FD_LIP || id == F_FD_LNET;
		bool src_local = rt_state_ip_is_local(st, f->sip, v6);
		enum ftype t = (id == F_FD_LIP || id == F_FD_RIP) ? FT_IPADDR : FT_IPNET;
		return put_ip(out, t, want_local == src_local ? f->sip : f->dip, v6);
	}
	case F_FD_CPORT:
		if (f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			return put_u(out, FT_PORT, 0);
		if (!fd_is_ip(f) || f->role == RT_ROLE_NONE)
			return 0;
		return put_u(out, FT_PORT, f->sport);
	case F_FD_SPORT:
		if (f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			return put_u(out, FT_PORT, f->sport);
		if (!fd_is_ip(f) || f->role == RT_ROLE_NONE)
			return 0;
		return put_u(out, FT_PORT, f->dport);
	case F_FD_PORT:
		if (f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			return put_u(out, FT_PORT, f->sport);
		if (!fd_is_ip(f))
			return 0;
		put_u(out, FT_PORT, f->sport);
		return put_u(out, FT_PORT, f->dport);
	case F_FD_LPORT:
	case F_FD_RPORT:
		if (!fd_is_ip(f) || f->role == RT_ROLE_NONE)
			return 0;
		return put_u(out, FT_PORT,
			     (id == F_FD_LPORT) == rt_state_ip_is_local(st, f->sip, v6) ? f->sport
											  : f->dport);
	case F_FD_L4PROTO: {
		const char *n;
		switch (fd_l4(f)) {
		case RT_L4_TCP:
			n = "tcp";
			break;
		case RT_L4_UDP:
			n = "udp";
			break;
		case RT_L4_ICMP:
			n = "icmp";
			break;
		case RT_L4_RAW:
			n = "raw";
			break;
		default:
			n = "<NA>";
		}
		return put_cstr(out, n);
	}
	case F_FD_SOCKFAMILY:
		if (fd_is_ip(f) || f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			return put_cstr(out, "ip");
		if (f->type == RT_FD_UNIX_SOCK)
			return put_cstr(out, "unix");
		return 0;
	case F_FD_IS_SERVER:
		if (f->type == RT_FD_IPV4_SERVSOCK || f->type == RT_FD_IPV6_SERVSOCK)
			return put_b(out, true);
		/* sysdig 0.29: a socket whose destination is one of the
		 * machine's addresses is a server one */
		if (fd_is_ip(f))
			return put_b(out, rt_state_ip_is_local(st, f->dip, v6));
		return put_b(out, false);
	case F_FD_CONNECTED:
		return put_b(out, f->connected);
	case F_FD_NAME_CHANGED:
		return put_b(out, f->changed_seq == st->seq);
	case F_FD_DEV:
		return put_i(out, FT_INT32, f->dev);
	case F_FD_INO:
		return put_i(out, FT_INT64, (int64_t)f->ino);
	default:
		return 0;
	}
}

uint32_t rt_extract(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
		    struct rt_vals *out, struct strbuf *scratch)
{
	const struct ref_impl *im = ref->impl;
	struct rt_thread *th = st->cur.th;
	struct rt_thread *t;
	size_t start;
	int64_t res;

	out->n = 0;
	if (!im)
		return 0;
	scratch->len = 0;
	start = 0;

	switch (im->id) {
	case F_EVT_NUM:
		return put_u(out, FT_UINT64, ev->num);
	case F_EVT_TIME:
	case F_EVT_TIME_S:
	case F_EVT_TIME_ISO:
	case F_EVT_DATETIME:
	case F_EVT_DATETIME_S:
		time_text(scratch, ev->ts, im->id);
		return put_scratch(out, scratch, start);
	case F_EVT_RAWTIME:
		return put_u(out, FT_ABSTIME, ev->ts);
	case F_EVT_RAWTIME_S:
		return put_u(out, FT_ABSTIME, ev->ts / 1000000000ULL);
	case F_EVT_RAWTIME_NS:
		return put_u(out, FT_ABSTIME, ev->ts % 1000000000ULL);
	case F_EVT_DIR:
		return put_cstr(out, ev->info && ev->info->exit ? "<" : ">");
	case F_EVT_TYPE:
		return ev->info ? put_cstr(out, rt_evt_type_name(ev)) : 0;
	case F_EVT_CPU:
		return put_i(out, FT_INT16, ev->cpu);
	case F_EVT_ARGS:
	case F_EVT_INFO:
		render_args(st, ev, scratch);
		return put_scratch(out, scratch, start);
	case F_EVT_ARG: {
		int idx;
		const struct rt_event *src = arg_source(st, ev, im, &idx);
		if (!src)
			return 0;
		resolved_only = true;
		render_param(st, src, (unsigned)idx, scratch);
		resolved_only = false;
		return put_scratch(out, scratch, start);
	}
	case F_EVT_RAWARG: {
		int idx;
		const struct rt_event *src = arg_source(st, ev, im, &idx);
		if (!src)
			return 0;
		enum rt_param_type pt = src->info->params[idx].type;
		int64_t sv;
		uint64_t uv;
		switch (pt) {
		case RT_PT_CHARBUF:
		case RT_PT_FSPATH:
		case RT_PT_FSRELPATH: {
			uint32_t l;
			const char *s = rt_param_str(src, (unsigned)idx, &l);
			return s ? put_str(out, s, l) : 0;
		}
		case RT_PT_INT8:
		case RT_PT_INT16:
		case RT_PT_INT32:
		case RT_PT_INT64:
		case RT_PT_ERRNO:
		case RT_PT_FD:
		case RT_PT_PID:
		case RT_PT_FD32:
		case RT_PT_PID32:
			return rt_param_s64(src, (unsigned)idx, &sv) ? put_i(out, FT_INT64, sv) : 0;
		case RT_PT_BYTEBUF: {
			struct rt_val *v;
			put_str(out, (const char *)src->p[idx], src->plen[idx]);
			v = &out->v[out->n - 1];
			v->type = FT_BYTEBUF;
			return out->n;
		}
		default:
			return rt_param_u64(src, (unsigned)idx, &uv) ? put_u(out, FT_UINT64, uv) : 0;
		}
	}
	case F_EVT_BUFFER: {
		int i = rt_param_index(ev, "data");
		if (i < 0 || (unsigned)i >= ev->nparams)
			return 0;
		put_str(out, (const char *)ev->p[i], ev->plen[i]);
		out->v[0].type = FT_BYTEBUF;
		return out->n;
	}
	case F_EVT_BUFLEN:
		/* libsinsp: an I/O event on a known fd; the exit's result */
		if (!ev->info || !ev->info->exit || ev != st->cur.ev || !st->cur.fd ||
		    !(event_category(ev) & RT_EC_IO_READ))
			return 0;
		if (!rt_evt_rawres(ev, &res) || res < 0)
			return 0;
		return put_u(out, FT_UINT32, (uint64_t)res);
	case F_EVT_RES:
		if (!rt_evt_rawres(ev, &res))
			return 0;
		return put_cstr(out, res >= 0 ? "SUCCESS" : errno_name(res));
	case F_EVT_RAWRES:
		if (!rt_evt_rawres(ev, &res))
			return 0;
		return put_i(out, FT_INT64, res);
	case F_EVT_FAILED:
		return put_b(out, rt_evt_rawres(ev, &res) && res < 0);
	/* libsinsp reads these from the event's flags, not its category:
	 * an fcntl or a close is no I/O */
	case F_EVT_IS_IO:
		return put_b(out, ev->info &&
					  (ev->info->flags & (RT_EF_READS_FROM_FD | RT_EF_WRITES_TO_FD)));
	case F_EVT_IS_IO_READ:
		return put_b(out, ev->info && (ev->info->flags & RT_EF_READS_FROM_FD));
	case F_EVT_IS_IO_WRITE:
		return put_b(out, ev->info && (ev->info->flags & RT_EF_WRITES_TO_FD));
	case F_EVT_IS_WAIT:
		return put_b(out, ev->info && (ev->info->flags & RT_EF_WAITS));
	case F_EVT_IS_SYSLOG: {
		/* a write to an fd whose name contains /dev/log */
		const struct rt_fd *f = ev == st->cur.ev ? st->cur.fd : NULL;
		return put_b(out, ev->info && (ev->info->flags & RT_EF_WRITES_TO_FD) && f &&
					  f->name && strstr(f->name, "/dev/log"));
	}
	case F_EVT_IS_OPEN_READ:
	case F_EVT_IS_OPEN_WRITE:
	case F_EVT_IS_OPEN_EXEC:
	case F_EVT_IS_OPEN_CREATE: {
		bool r = false;
		const char *n = ev->info ? ev->info->name : "";
		if (ev->info && ev->info->exit &&
		    (!strcmp(n, "open") || !strcmp(n, "openat") || !strcmp(n, "openat2") ||
		     !strcmp(n, "creat"))) {
			const struct rt_event *src;
			uint64_t flags = 0, mode = 0;
			int i = rt_cur_param(st, ev, "flags", &src);
			if (i >= 0)
				rt_param_u64(src, (unsigned)i, &flags);
			i = rt_cur_param(st, ev, "mode", &src);
			if (i >= 0)
				rt_param_u64(src, (unsigned)i, &mode);
			if (!strcmp(n, "creat"))
				flags |= (1 << 2) | (1 << 1); /* O_CREAT|O_WRONLY */
			switch (im->id) {
			case F_EVT_IS_OPEN_READ:
				r = flags & 1;
				break;
			case F_EVT_IS_OPEN_WRITE:
				r = flags & 2;
				break;
			case F_EVT_IS_OPEN_EXEC:
				r = (flags & (1 << 2)) && (mode & 0111);
				break;
			default:
				r = flags & (1 << 14);
				break;
			}
		}
		return put_b(out, r);
	}
	case F_EVT_LATENCY:
		if (ev->info && ev->info->exit && ev == st->cur.ev && st->cur.has_enter)
			return put_u(out, FT_RELTIME, ev->ts - st->cur.enter_ts);
		/* a switch reports its thread's last syscall latency */
		if (ev == st->cur.ev && st->cur.skip_reset && th)
			return put_u(out, FT_RELTIME, th->latency);
		return put_u(out, FT_RELTIME, 0);
	case F_EVT_SOURCE:
		return put_cstr(out, "syscall");
	case F_EVT_IS_ASYNC:
		return put_b(out, false);
	case F_EVT_CATEGORY: {
		if (!ev->info)
			return 0;
		uint32_t c = event_category(ev);
		if (c == RT_EC_IO_READ || c == RT_EC_IO_WRITE || c == RT_EC_IO_OTHER)
			return put_cstr(out, io_subcategory(ev == st->cur.ev ? st->cur.fd : NULL));
		return put_cstr(out, category_name(c));
	}
	default:
		break;
	}

	if (im->id == F_CONTAINER_HOST)
		return put_cstr(out, "host");
	if (im->id == F_NA_ALWAYS || im->id == F_FD_IPNAME)
		return 0;
	if (!th)
		return 0;
	if (im->id >= F_FD_NUM && im->id <= F_FD_UID)
		return extract_fd_field(st, ev, im->id, out, scratch);

	switch (im->id) {
	case F_PROC_PID:
		return put_i(out, FT_INT64, th->pid);
	case F_PROC_PPID:
		t = parent_of(st, main_thread(st, th));
		return t ? put_i(out, FT_INT64, t->pid) : put_i(out, FT_INT64, -1);
	case F_PROC_NAME:
		return put_cstr(out, th->comm);
	case F_PROC_EXE:
		return put_cstr(out, th->exe);
	case F_PROC_EXEPATH:
		return put_cstr(out, th->exepath);
	case F_PROC_PEXE:
	case F_PROC_PEXEPATH:
	case F_PROC_PNAME:
	case F_PROC_PCMDLINE:
	case F_PROC_PVPID:
		t = parent_of(st, th);
		if (!t)
			return 0;
		if (im->id == F_PROC_PEXE)
			return put_cstr(out, t->exe);
		if (im->id == F_PROC_PEXEPATH)
			return put_cstr(out, t->exepath);
		if (im->id == F_PROC_PNAME)
			return put_cstr(out, t->comm);
		if (im->id == F_PROC_PVPID)
			return t->vpid < 0 ? 0 : put_i(out, FT_INT64, t->vpid);
		cmdline(scratch, t);
		return put_scratch(out, scratch, start);
	case F_PROC_ANAME:
	case F_PROC_AEXE:
	case F_PROC_AEXEPATH:
	case F_PROC_ACMDLINE:
	case F_PROC_APID: {
		if (ref->argi >= 0) {
			t = ancestor(st, main_thread(st, th), ref->argi);
			if (!t)
				return 0;
			switch (im->id) {
			case F_PROC_ANAME:
				return put_cstr(out, t->comm);
			case F_PROC_AEXE:
				return put_cstr(out, t->exe);
			case F_PROC_AEXEPATH:
				return put_cstr(out, t->exepath);
			case F_PROC_APID:
				return put_i(out, FT_INT64, t->pid);
			default:
				cmdline(scratch, t);
				return put_scratch(out, scratch, start);
			}
		}
		/* no index: every ancestor, for `proc.aname in (...)` */
		t = parent_of(st, main_thread(st, th));
		for (int i = 0; t && i < MAX_ANCESTORS && out->n < RT_MAX_VALS; i++) {
			if (im->id == F_PROC_ANAME)
				put_cstr(out, t->comm);
			else if (im->id == F_PROC_AEXE)
				put_cstr(out, t->exe);
			else if (im->id == F_PROC_AEXEPATH)
				put_cstr(out, t->exepath);
			else if (im->id == F_PROC_APID)
				put_i(out, FT_INT64, t->pid);
			else
				break;
			t = parent_of(st, t);
		}
		return out->n;
	}
	case F_PROC_ARGS:
		join_args(scratch, th->args ? th->args : "", th->args_len);
		return put_scratch(out, scratch, start);
	case F_PROC_CMDLINE:
		cmdline(scratch, th);
		return put_scratch(out, scratch, start);
	case F_PROC_EXELINE:
		/* sysdig 0.29 always puts the separator, even with no args */
		sb_puts(scratch, th->exe);
		sb_putc(scratch, ' ');
		join_args(scratch, th->args ? th->args : "", th->args_len);
		return put_scratch(out, scratch, start);
	case F_PROC_CMDNARGS: {
		uint64_t n = 0;
		for (uint32_t i = 0; i < th->args_len; i++)
			n += th->args[i] == '\0';
		if (th->args_len && th->args[th->args_len - 1] != '\0')
			n++;
		return put_u(out, FT_UINT64, n);
	}
	case F_PROC_CMDLENARGS: {
		uint64_t n = 0;
		for (uint32_t i = 0; i < th->args_len; i++)
			n += th->args[i] != '\0';
		return put_u(out, FT_UINT64, n);
	}
	case F_PROC_ENV: {
		struct rt_thread *m = main_thread(st, th);
		const char *env = m->env ? m->env : "";
		uint32_t len = m->env_len;
		if (ref->arg) {
			size_t kl = strlen(ref->arg);
			for (uint32_t i = 0; i < len;) {
				const char *e = env + i;
				size_t el = strnlen(e, len - i);
				if (el > kl && !strncmp(e, ref->arg, kl) && e[kl] == '=')
					return put_str(out, e + kl + 1, el - kl - 1);
				i += (uint32_t)el + 1;
			}
			return 0;
		}
		join_args(scratch, env, len);
		return put_scratch(out, scratch, start);
	}
	case F_PROC_CWD:
		return put_cstr(out, th->cwd);
	case F_PROC_TTY:
		return put_u(out, FT_UINT32, th->tty);
	case F_PROC_VPID:
		return th->vpid < 0 ? 0 : put_i(out, FT_INT64, th->vpid);
	case F_THREAD_VTID:
		return th->vtid < 0 ? 0 : put_i(out, FT_INT64, th->vtid);
	case F_PROC_SID:
		return put_i(out, FT_INT64, th->sid);
	case F_PROC_SNAME:
	case F_PROC_VPGID_NAME: {
		int64_t id = im->id == F_PROC_SNAME ? th->sid : th->vpgid;
		/* the session (group) leader is the furthest ancestor with
		 * the same id */
		struct rt_thread *leader = NULL;
		t = main_thread(st, th);
		for (int i = 0; t && i < MAX_ANCESTORS; i++) {
			int64_t tid_id = im->id == F_PROC_SNAME ? t->sid : t->vpgid;
			if (tid_id != id)
				break;
			leader = t;
			t = parent_of(st, t);
		}
		if (!leader)
			return 0;
		return put_cstr(out, leader->comm);
	}
	case F_PROC_VPGID:
		return put_i(out, FT_INT64, th->vpgid);
	case F_PROC_PGID:
		return put_i(out, FT_INT64, th->pgid);
	case F_PROC_LOGINSHELLID: {
		int64_t id = -1;
		if (th->invalid)
			return 0;
		t = main_thread(st, th);
		for (int i = 0; t && i < MAX_ANCESTORS; i++) {
			if (is_shell(t->comm))
				id = t->pid;
			t = parent_of(st, t);
		}
		/* no shell among the ancestors: libsinsp returns no value */
		return id < 0 ? 0 : put_i(out, FT_INT64, id);
	}
	case F_PROC_IS_EXE_WRITABLE:
		return put_b(out, th->exe_writable);
	case F_PROC_IS_EXE_UPPER:
		return put_b(out, th->exe_upper_layer);
	case F_PROC_IS_EXE_LOWER:
		return put_b(out, th->exe_lower_layer);
	case F_PROC_IS_EXE_MEMFD:
		return put_b(out, th->exe_from_memfd);
	case F_PROC_IS_SID_LEADER:
		return put_b(out, th->sid == th->vpid);
	case F_PROC_IS_VPGID_LEADER:
		return put_b(out, th->vpgid == th->vpid);
	case F_PROC_EXE_INO:
		return put_i(out, FT_INT64, (int64_t)th->exe_ino);
	case F_PROC_EXE_INO_CTIME:
		return put_u(out, FT_ABSTIME, th->exe_ino_ctime);
	case F_PROC_EXE_INO_MTIME:
		return put_u(out, FT_ABSTIME, th->exe_ino_mtime);
	case F_PROC_FDLIMIT:
		return put_i(out, FT_INT64, main_thread(st, th)->fdlimit);
	/* Ages, as libsinsp computes them: "now" is the event's time (in a
	 * capture too), the process start its thread's clone time; no
	 * value when a time is unknown (0). */
	case F_PROC_DURATION:
		return th->clone_ts ? put_u(out, FT_RELTIME, ev->ts - th->clone_ts) : 0;
	case F_PROC_CTIME_DUR_PROC_START:
		/* how long after its executable last changed the process
		 * started */
		if (!th->exe_ino_ctime || !th->clone_ts)
			return 0;
		return put_u(out, FT_ABSTIME, th->clone_ts - th->exe_ino_ctime);
	case F_PROC_CTIME_DUR_PIDNS_START:
		/* how long after its pid namespace started the executable
		 * changed; none if it changed before */
		if (!th->exe_ino_ctime || !th->pidns_init_start_ts ||
		    th->exe_ino_ctime <= th->pidns_init_start_ts)
			return 0;
		return put_u(out, FT_ABSTIME, th->exe_ino_ctime - th->pidns_init_start_ts);
	case F_THREAD_TID:
		return put_i(out, FT_INT64, th->tid);
	case F_THREAD_ISMAIN:
		return put_b(out, th->tid == th->pid);
	case F_THREAD_CAP_P:
	case F_THREAD_CAP_E:
	case F_THREAD_CAP_I:
		caps_text(scratch, im->id == F_THREAD_CAP_P	  ? th->cap_permitted
				   : im->id == F_THREAD_CAP_E ? th->cap_effective
							      : th->cap_inheritable);
		return put_scratch(out, scratch, start);
	case F_USER_UID:
		return put_u(out, FT_UINT32, th->uid);
	case F_USER_NAME:
	case F_USER_HOMEDIR:
	case F_USER_SHELL: {
		struct rt_user *u = rt_state_user(st, th->uid);
		if (!u)
			return 0;
		return put_cstr(out, im->id == F_USER_NAME	? u->name
				     : im->id == F_USER_HOMEDIR ? u->homedir
								: u->shell);
	}
	case F_USER_LOGINUID:
		return put_i(out, FT_INT64, (int32_t)th->loginuid);
	case F_USER_LOGINNAME: {
		struct rt_user *u = rt_state_user(st, th->loginuid);
		return u ? put_cstr(out, u->name) : 0;
	}
	case F_GROUP_GID:
		return put_u(out, FT_UINT32, th->gid);
	case F_GROUP_NAME: {
		struct rt_group *g = rt_state_group(st, th->gid);
		return g ? put_cstr(out, g->name) : 0;
	}
	default:
		return 0;
	}
}

static void render_val(struct strbuf *b, const struct rt_val *v, const struct ref_impl *im)
{
	switch (v->type) {
	case FT_CHARBUF:
	case FT_FSPATH:
		if (v->len)
			sb_putn(b, v->s, v->len);
		break;
	case FT_BYTEBUF:
		render_buf(b, (const uint8_t *)v->s, v->len);
		break;
	case FT_BOOL:
		sb_puts(b, v->b ? "true" : "false");
		break;
	case FT_INT8:
	case FT_INT16:
	case FT_INT32:
	case FT_INT64:
		if (im->id == F_FD_DEV)
			sb_printf(b, "%llx", (unsigned long long)(uint32_t)v->i);
		else
			sb_put_i64(b, v->i);
		break;
	case FT_IPADDR:
	case FT_IPNET:
		ip_text(b, v->ip, v->v6);
		break;
	case FT_DOUBLE:
		sb_printf(b, "%.2f", v->d);
		break;
	default:
		sb_put_u64(b, v->u);
		break;
	}
}

bool rt_render(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
	       struct strbuf *out)
{
	static struct rt_vals vals; /* large: keep it off the stack */
	static struct strbuf scratch; /* reused: no malloc/free per field */
	scratch.len = 0;
	uint32_t n = rt_extract(st, ev, ref, &vals, &scratch);
	if (n == 0)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			sb_putc(out, ' ');
		render_val(out, &vals.v[i], ref->impl);
	}
	return true;
}
