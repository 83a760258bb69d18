// SPDX-License-Identifier: Apache-2.0
/*
 * parsers: how each syscall event changes the state tables, following
 * libsinsp's sinsp_parser (parsers.cpp).
 *
 * Parsers find parameters by name, not by position, so one parser serves
 * every version of an event (open's enter params of 2016 drivers, the
 * 31-parameter execve of today). A parameter missing from an exit event
 * is taken from the thread's matching enter event (rt_cur_param), which
 * is what libsinsp's retrieve_enter_event() achieves.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "state_int.h"

#define PPM_O_DIRECTORY (1 << 10)
#define PPM_CL_CLONE_FILES (1 << 0)
#define PPM_CL_CLONE_PARENT (1 << 8)
#define PPM_CL_CLONE_THREAD (1 << 13)
#define PPM_FCNTL_F_DUPFD 1
#define PPM_FCNTL_F_DUPFD_CLOEXEC 26
#define RT_AT_FDCWD (-100)

#define PATH_MAX_LEN 4096

static const char *pstr(struct rt_state *st, const struct rt_event *ev, const char *name,
			uint32_t *len)
{
	const struct rt_event *from;
	int i = rt_cur_param(st, ev, name, &from);
	if (i < 0)
		return NULL;
	const char *s = (const char *)from->p[i];
	uint32_t l = from->plen[i];
	if (!s)
		return NULL;
	/* strip one trailing NUL; BYTEBUF params (args, env) keep inner ones */
	if (l && s[l - 1] == '\0')
		l--;
	if (len)
		*len = l;
	return s;
}

static bool ps64(struct rt_state *st, const struct rt_event *ev, const char *name, int64_t *out)
{
	const struct rt_event *from;
	int i = rt_cur_param(st, ev, name, &from);
	return i >= 0 && rt_param_s64(from, (unsigned)i, out);
}

static bool pu64(struct rt_state *st, const struct rt_event *ev, const char *name, uint64_t *out)
{
	const struct rt_event *from;
	int i = rt_cur_param(st, ev, name, &from);
	return i >= 0 && rt_param_u64(from, (unsigned)i, out);
}

/* The raw bytes of a parameter (sockaddr, tuple). */
static const uint8_t *pbuf(struct rt_state *st, const struct rt_event *ev, const char *name,
			   uint32_t *len)
{
	const struct rt_event *from;
	int i = rt_cur_param(st, ev, name, &from);
	if (i < 0 || !from->p[i])
		return NULL;
	*len = from->plen[i];
	return from->p[i];
}

/* The return value: "res" or, for fd-creating calls, "fd". */
static bool pres(struct rt_state *st, const struct rt_event *ev, int64_t *out)
{
	if (ev->nparams == 0)
		return false;
	return rt_param_s64(ev, 0, out) || ps64(st, ev, "res", out);
}

/* ---- files ---- */

/* Copy at most n bytes of s, stopping at a NUL, truncated to dstsz - 1
 * and terminated: snprintf("%.*s") without the format machinery, which
 * cost more than the rest of an open's parsing. */
static void str_copy(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t l = strnlen(s, n);
	if (l >= dstsz)
		l = dstsz - 1;
	memcpy(dst, s, l);
	dst[l] = '\0';
}

/* The directory a relative path starts from: s itself when it fits in
 * dirsz - 1 bytes (no copy), else its first dirsz - 1 bytes in dir. */
static const char *dir_fit(const char *s, char *dir, size_t dirsz)
{
	size_t n = strlen(s);
	if (n < dirsz)
		return s;
	str_copy(dir, dirsz, s, n);
	return dir;
}

static const char *openat_dir(struct rt_state *st, struct rt_thread *th, const char *name,
			      int64_t dirfd, char *dir, size_t dirsz)
{
	if (name[0] == '/')
		return "";
	if (dirfd == RT_AT_FDCWD)
		return dir_fit(th->cwd, dir, dirsz);
	struct rt_fd *f = rt_state_fd(st, th, dirfd);
	if (f)
		snprintf(dir, dirsz, "%s/", f->name);
	else
		snprintf(dir, dirsz, "<UNKNOWN>/");
	return dir;
}

static void set_null_name(struct rt_state *st, const char *s)
{
	rt_buf_set(&st->cur.null_name, &st->cur.null_cap, s, strlen(s));
	st->cur.has_null_name = true;
}

static void parse_open_x(struct rt_state *st, const struct rt_event *ev, bool at)
{
	struct rt_thread *th = st->cur.th;
	int64_t fd = -1, dirfd = RT_AT_FDCWD;
	uint64_t flags = 0, dev = 0, ino = 0;
	uint32_t nl = 0;
	const char *name = pstr(st, ev, "name", &nl);

	if (!pres(st, ev, &fd))
		return;
	if (!name)
		return;
	char raw[PATH_MAX_LEN];
	str_copy(raw, sizeof(raw), name, nl);
	pu64(st, ev, "flags", &flags);
	pu64(st, ev, "dev", &dev);
	pu64(st, ev, "ino", &ino);

	char dir[PATH_MAX_LEN], full[PATH_MAX_LEN];
	const char *dp;
	if (at) {
		ps64(st, ev, "dirfd", &dirfd);
		dp = openat_dir(st, th, raw, dirfd, dir, sizeof(dir));
	} else {
		dp = raw[0] == '/' ? "" : dir_fit(th->cwd, dir, sizeof(dir));
	}
	rt_path_concat(full, sizeof(full), dp, raw);
	set_null_name(st, full);
	/* libsinsp moves the thread's last fd only when it adds one
	 * (sinsp_threadinfo::add_fd): a failed open keeps the enter's -1 */
	if (fd < 0)
		return;
	th->lastevent_fd = fd;
	struct rt_fd *f = rt_fd_add(st, th, fd);
	f->type = (flags & PPM_O_DIRECTORY) ? RT_FD_DIRECTORY : RT_FD_FILE;
	rt_fd_set_name(f, full);
	rt_fd_set_nameraw(f, raw);
	f->open_flags = (uint32_t)flags;
	f->dev = (uint32_t)dev;
	f->ino = ino;
	f->changed_seq = st->seq; /* libsinsp marks an opened file renamed */
	st->cur.fd = f;
}

/* ---- sockets ---- */

#define RT_AF_UNIX 1
#define RT_AF_INET 2
#define RT_AF_INET6 10
#define RT_AF_NETLINK 16

static void parse_socket_x(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_thread *th = st->cur.th;
	int64_t fd;
	uint64_t domain = 0, type = 0, proto = 0;
	if (!pres(st, ev, &fd))
		return;
	if (fd < 0)
		return;
	th->lastevent_fd = fd;
	pu64(st, ev, "domain", &domain);
	pu64(st, ev, "type", &type);
	pu64(st, ev, "proto", &proto);
	struct rt_fd *f = rt_fd_add(st, th, fd);
	st->cur.fd = f;
	if (domain == RT_AF_UNIX) {
		f->type = RT_FD_UNIX_SOCK;
	} else if (domain == RT_AF_INET || domain == RT_AF_INET6) {
		f->type = domain == RT_AF_INET ? RT_FD_IPV4_SOCK : RT_FD_IPV6_SOCK;
		unsigned t = (unsigned)(type & 0xf);
		uint8_t l4 = RT_L4_UNKNOWN;
		if (proto == 6)
			l4 = t == 3 ? RT_L4_RAW : RT_L4_TCP;
		else if (proto == 17)
			l4 = t == 3 ? RT_L4_RAW : RT_L4_UDP;
		else if (proto == 0)
			l4 = t == 1 ? RT_L4_TCP : t == 2 ? RT_L4_UDP : RT_L4_UNKNOWN;
		else if (proto == 1)
			l4 = t == 3 ? RT_L4_RAW : RT_L4_ICMP;
		else if (proto == 255)
			l4 = RT_L4_RAW;
		f->l4proto = l4;
	} else if (domain == RT_AF_NETLINK) {
		f->type = RT_FD_NETLINK;
	} else {
		f->type = RT_FD_UNKNOWN;
	}
}

static void ip_str(char *out, size_t n, const uint8_t *ip, bool v6);

static char *put_port(char *p, uint16_t port)
{
	char d[5];
	int k = 0;
	do
		d[k++] = (char)('0' + port % 10);
	while ((port /= 10));
	while (k)
		*p++ = d[--k];
	return p;
}

/* A tuple's text as libsinsp names the fd: "sip:sport->dip:dport". */
#define TUPLE_STRLEN (2 * (RT_IP6_STRLEN + 6) + 2)
static void tuple_name(const struct rt_fd *f, char *out, size_t n)
{
	if (f->type == RT_FD_IPV4_SOCK || f->type == RT_FD_IPV6_SOCK) {
		size_t (*fmt)(char *, const uint8_t *) =
			f->type == RT_FD_IPV6_SOCK ? rt_ip6_fmt : rt_ip4_fmt;
		char tmp[TUPLE_STRLEN];
		char *p = n >= TUPLE_STRLEN ? out : tmp;
		p += fmt(p, f->sip);
		*p++ = ':';
		p = put_port(p, f->sport);
		*p++ = '-';
		*p++ = '>';
		p += fmt(p, f->dip);
		*p++ = ':';
		p = put_port(p, f->dport);
		*p = '\0';
		if (n < TUPLE_STRLEN)
			str_copy(out, n, tmp, (size_t)(p - tmp));
	} else {
		out[0] = '\0';
	}
}

/* Fill f's addresses from a PT_SOCKTUPLE. Returns the family or 0. */
static unsigned read_tuple(struct rt_fd *f, const uint8_t *p, uint32_t len, const char **upath)
{
	if (len < 1)
		return 0;
	unsigned fam = p[0];
	uint16_t port;
	if (fam == RT_AF_INET && len >= 13) {
		memset(f->sip, 0, 16);
		memset(f->dip, 0, 16);
		memcpy(f->sip, p + 1, 4);
		memcpy(&port, p + 5, 2);
		f->sport = port;
		memcpy(f->dip, p + 7, 4);
		memcpy(&port, p + 11, 2);
		f->dport = port;
		return fam;
	}
	if (fam == RT_AF_INET6 && len >= 37) {
		memcpy(f->sip, p + 1, 16);
		memcpy(&port, p + 17, 2);
		f->sport = port;
		memcpy(f->dip, p + 19, 16);
		memcpy(&port, p + 35, 2);
		f->dport = port;
		return fam;
	}
	if (fam == RT_AF_UNIX && len >= 17) {
		memcpy(&f->unix_src, p + 1, 8);
		memcpy(&f->unix_dst, p + 9, 8);
		if (upath)
			*upath = (const char *)p + 17;
		return fam;
	}
	return 0;
}

/* IPv4-mapped IPv6 tuples are stored as IPv4, as libsinsp does. */
static bool v4_mapped(const uint8_t *ip)
{
	static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return !memcmp(ip, pre, 12);
}

static void set_socket_from_tuple(struct rt_state *st, struct rt_fd *f, const uint8_t *p,
				  uint32_t len, enum rt_role role)
{
	const char *upath = NULL;
	uint8_t l4 = f->l4proto;
	unsigned fam = read_tuple(f, p, len, &upath);
	char name[PATH_MAX_LEN];
	if (fam == RT_AF_INET) {
		f->type = RT_FD_IPV4_SOCK;
	} else if (fam == RT_AF_INET6) {
		if (v4_mapped(f->sip) && v4_mapped(f->dip)) {
			memmove(f->sip, f->sip + 12, 4);
			memset(f->sip + 4, 0, 12);
			memmove(f->dip, f->dip + 12, 4);
			memset(f->dip + 4, 0, 12);
			f->type = RT_FD_IPV4_SOCK;
		} else {
			f->type = RT_FD_IPV6_SOCK;
		}
	} else if (fam == RT_AF_UNIX) {
		f->type = RT_FD_UNIX_SOCK;
		uint32_t off = 17;
		size_t pl = upath ? strnlen(upath, len - off) : 0;
		snprintf(name, sizeof(name), "%llx->%llx %.*s", (unsigned long long)f->unix_src,
			 (unsigned long long)f->unix_dst, (int)pl, upath ? upath : "");
		/* sysdig 0.29 never marks a unix socket renamed */
		rt_fd_set_name(f, name);
		f->role = role;
		return;
	} else {
		return;
	}
	if (l4 == RT_L4_UNKNOWN)
		l4 = RT_L4_TCP;
	f->l4proto = l4;
	f->role = role;
	tuple_name(f, name, sizeof(name));
	if (strcmp(name, f->name))
		f->changed_seq = st->seq;
	rt_fd_set_name(f, name);
}

/* ---- socket tuples after creation (connect, sendto, recvfrom) ---- */

static bool ip_zero(const uint8_t *ip, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ip[i])
			return false;
	return true;
}

/* Store a tuple's addresses in f as libsinsp's set_ipv{4,6}_addresses_and_ports
 * (libs parsers.cpp): the same tuple, either way round, changes nothing;
 * the source side is overwritten; the destination only fills an empty
 * one (a socket's peer, once known, stays: a second connect() on a
 * connected UDP socket keeps its name). n is 4 or 16. Returns whether
 * anything changed. */
static bool set_addrs(struct rt_fd *f, const uint8_t *sip, uint16_t sport, const uint8_t *dip,
		      uint16_t dport, size_t n)
{
	if ((!memcmp(f->sip, sip, n) && f->sport == sport && !memcmp(f->dip, dip, n) &&
	     f->dport == dport) ||
	    (!memcmp(f->sip, dip, n) && f->sport == dport && !memcmp(f->dip, sip, n) &&
	     f->dport == sport))
		return false;
	bool changed = false;
	if (memcmp(f->sip, sip, n)) {
		memset(f->sip, 0, 16);
		memcpy(f->sip, sip, n);
		changed = true;
	}
	if (f->sport != sport) {
		f->sport = sport;
		changed = true;
	}
	if (ip_zero(f->dip, n)) {
		memset(f->dip, 0, 16);
		memcpy(f->dip, dip, n);
		changed = true;
	}
	if (f->dport == 0) {
		f->dport = dport;
		changed = true;
	}
	return changed;
}

/* Apply an IPv4 or IPv6 PT_SOCKTUPLE to f with set_addrs. An IPv6 tuple of
 * two IPv4-mapped addresses is an IPv4 one; set_type also sets f's type
 * from the tuple (connect), otherwise only a v4 tuple does (libsinsp's
 * update_fd leaves an IPv6 datagram's fd type alone). Returns -1 for a
 * tuple of another family, else whether anything changed. */
static int apply_ip_tuple(struct rt_fd *f, const uint8_t *p, uint32_t len, bool set_type)
{
	uint16_t sport, dport;
	if (len >= 13 && p[0] == RT_AF_INET) {
		memcpy(&sport, p + 5, 2);
		memcpy(&dport, p + 11, 2);
		f->type = RT_FD_IPV4_SOCK;
		return set_addrs(f, p + 1, sport, p + 7, dport, 4);
	}
	if (len >= 37 && p[0] == RT_AF_INET6) {
		memcpy(&sport, p + 17, 2);
		memcpy(&dport, p + 35, 2);
		if (v4_mapped(p + 1) && v4_mapped(p + 19)) {
			f->type = RT_FD_IPV4_SOCK;
			return set_addrs(f, p + 13, sport, p + 31, dport, 4);
		}
		if (set_type)
			f->type = RT_FD_IPV6_SOCK;
		return set_addrs(f, p + 1, sport, p + 19, dport, 16);
	}
	return -1;
}

static void swap_addrs(struct rt_fd *f)
{
	uint8_t ip[16];
	uint16_t port = f->sport;
	memcpy(ip, f->sip, 16);
	memcpy(f->sip, f->dip, 16);
	memcpy(f->dip, ip, 16);
	f->sport = f->dport;
	f->dport = port;
}

/* Rename f after its tuple; mark it renamed when the name changed. */
static void rename_ip(struct rt_state *st, struct rt_fd *f)
{
	char name[PATH_MAX_LEN];
	tuple_name(f, name, sizeof(name));
	if (strcmp(name, f->name))
		f->changed_seq = st->seq;
	rt_fd_set_name(f, name);
}

static void unix_tuple_name(const uint8_t *t, uint32_t tl, char *out, size_t n)
{
	uint64_t src = 0, dst = 0;
	const char *path = "";
	size_t pl = 0;
	if (tl >= 17) {
		memcpy(&src, t + 1, 8);
		memcpy(&dst, t + 9, 8);
		path = (const char *)t + 17;
		pl = strnlen(path, tl - 17);
	}
	snprintf(out, n, "%llx->%llx %.*s", (unsigned long long)src, (unsigned long long)dst,
		 (int)pl, path);
}

/* libsinsp's fill_client_socket_info: a connect()'s tuple on its fd. */
static void fill_client_socket(struct rt_state *st, struct rt_fd *f, const uint8_t *t, uint32_t tl)
{
	int changed = apply_ip_tuple(f, t, tl, true);
	if (changed >= 0) {
		if (f->l4proto == RT_L4_UNKNOWN)
			f->l4proto = RT_L4_TCP;
		/* a connect done by a UDP server: its peer is the source */
		if (changed && f->role == RT_ROLE_SERVER && f->l4proto == RT_L4_UDP)
			swap_addrs(f);
		rename_ip(st, f);
	} else if (tl >= 1 && t[0] == RT_AF_UNIX) {
		char name[PATH_MAX_LEN];
		unix_tuple_name(t, tl, name, sizeof(name));
		f->type = RT_FD_UNIX_SOCK;
		read_tuple(f, t, tl, NULL);
		/* sysdig 0.29 never marks a unix socket renamed */
		rt_fd_set_name(f, name);
	} else {
		return;
	}
	if (f->role == RT_ROLE_NONE)
		f->role = RT_ROLE_CLIENT;
}

static void parse_connect_x(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_fd *f = st->cur.fd;
	int64_t res = 0;
	uint32_t tl = 0;
	pres(st, ev, &res);
	const uint8_t *t = pbuf(st, ev, "tuple", &tl);
	if (t) {
		char buf[PATH_MAX_LEN];
		/* a failed connect still names its target */
		struct rt_fd tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.name = (char *)"";
		unsigned fam = read_tuple(&tmp, t, tl, NULL);
		if (fam == RT_AF_INET || fam == RT_AF_INET6) {
			tmp.type = fam == RT_AF_INET ? RT_FD_IPV4_SOCK : RT_FD_IPV6_SOCK;
			tuple_name(&tmp, buf, sizeof(buf));
		} else if (fam == RT_AF_UNIX) {
			unix_tuple_name(t, tl, buf, sizeof(buf));
		} else {
			buf[0] = '\0';
		}
		set_null_name(st, buf);
	}
	if (!f && t && tl && st->cur.th) {
		/* The socket's creation was not seen (a live probe drops what
		 * no rule needs): the connect event itself says which fd and
		 * which address, which is what the kernel filter used. */
		int64_t fdn;
		unsigned fam = t[0];
		if (ps64(st, ev, "fd", &fdn) && fdn >= 0 &&
		    (fam == RT_AF_INET || fam == RT_AF_INET6)) {
			f = rt_fd_add(st, st->cur.th, fdn);
			f->type = fam == RT_AF_INET ? RT_FD_IPV4_SOCK : RT_FD_IPV6_SOCK;
			st->cur.fd = f;
		}
	}
	if (!f)
		return;
	if (res < 0 && res != -115 /* EINPROGRESS */)
		return;
	f->connected = true;
	if (!t || tl == 0)
		return; /* no address (TCP fast open): nothing to learn */
	fill_client_socket(st, f, t, tl);
}

/* ---- datagram tuples (parse_rw_exit) ---- */

/* The ports libsinsp's set_net_role_by_guessing reads: always the IPv4
 * view of the socket union, so for an IPv6 socket bytes 8..11 of the
 * source address. */
static void guess_ports(const struct rt_fd *f, uint16_t *sport, uint16_t *dport)
{
	if (f->type == RT_FD_IPV6_SOCK) {
		memcpy(sport, f->sip + 8, 2);
		memcpy(dport, f->sip + 10, 2);
	} else {
		*sport = f->sport;
		*dport = f->dport;
	}
}

/* sinsp_threadinfo::is_bound_to_port (bound) and uses_client_port: only
 * IPv4 sockets count. */
static bool fdtable_has_port(const struct rt_thread *th, uint16_t port, bool bound)
{
	const struct rt_fdtable *t = th->fds;
	if (!t)
		return false;
	for (unsigned i = 0; i < t->nbuckets; i++)
		for (const struct rt_fd *f = t->b[i]; f; f = f->next) {
			if (f->type == RT_FD_IPV4_SOCK && (bound ? f->dport : f->sport) == port)
				return true;
			if (bound && f->type == RT_FD_IPV4_SERVSOCK && f->sport == port)
				return true;
		}
	return false;
}

/* sinsp_fdinfo::set_net_role_by_guessing: a process that owns the
 * destination port is the server, unless it also uses the source port as
 * a client one; then whoever reads first is the server. */
static void guess_role(struct rt_thread *th, struct rt_fd *f, bool incoming)
{
	uint16_t sport, dport;
	guess_ports(f, &sport, &dport);
	if (!fdtable_has_port(th, dport, true))
		f->role = RT_ROLE_CLIENT;
	else if (!fdtable_has_port(th, sport, false))
		f->role = RT_ROLE_SERVER;
	else
		f->role = incoming ? RT_ROLE_SERVER : RT_ROLE_CLIENT;
}

static bool infer_local(const struct rt_state *st, const uint8_t *dst, bool v6, uint8_t *out)
{
	/* sinsp_network_interfaces::infer_ipv{4,6}_address: an interface
	 * with that address, else one on its subnet (IPv6: the first 64
	 * bits; IPv4 subnets need netmasks, which the interface list we are
	 * given lacks), else the first non-loopback one, else none. */
	static const uint8_t lo6[16] = { [15] = 1 }, lo4[4] = { 127, 0, 0, 1 };
	size_t n = v6 ? 16 : 4;
	memset(out, 0, 16);
	for (unsigned k = 0; k < st->nifaces; k++)
		if (st->ifaces[k].v6 == v6 && !memcmp(st->ifaces[k].addr, dst, n)) {
			memcpy(out, dst, n);
			return true;
		}
	if (v6)
		for (unsigned k = 0; k < st->nifaces; k++)
			if (st->ifaces[k].v6 && !memcmp(st->ifaces[k].addr, dst, 8)) {
				memcpy(out, st->ifaces[k].addr, 16);
				return true;
			}
	for (unsigned k = 0; k < st->nifaces; k++)
		if (st->ifaces[k].v6 == v6 && memcmp(st->ifaces[k].addr, v6 ? lo6 : lo4, n)) {
			memcpy(out, st->ifaces[k].addr, n);
			return true;
		}
	return false;
}

/* sinsp_network_interfaces::update_fd: fill an empty side of a datagram
 * socket's tuple with the local address that would reach the other. */
static void iface_update_fd(const struct rt_state *st, struct rt_fd *f)
{
	if (f->type != RT_FD_IPV4_SOCK && f->type != RT_FD_IPV6_SOCK)
		return;
	bool v6 = f->type == RT_FD_IPV6_SOCK;
	size_t n = v6 ? 16 : 4;
	bool sz = ip_zero(f->sip, n), dz = ip_zero(f->dip, n);
	if (!sz && !dz)
		return;
	uint8_t *known = sz ? f->dip : f->sip, *fill = sz ? f->sip : f->dip;
	uint8_t addr[16];
	infer_local(st, known, v6, addr);
	if (!memcmp(addr, known, n) && f->sport == f->dport)
		return;
	memcpy(fill, addr, n);
}

/* libsinsp's update_fd: a datagram's tuple on its socket. */
static bool update_fd_tuple(struct rt_state *st, struct rt_fd *f, const uint8_t *t, uint32_t tl)
{
	if (!t || tl == 0)
		return false;
	if (t[0] == RT_AF_UNIX && tl >= 17) {
		f->type = RT_FD_UNIX_SOCK;
		read_tuple(f, t, tl, NULL);
		return true;
	}
	int changed = apply_ip_tuple(f, t, tl, false);
	if (changed <= 0)
		return false;
	/* an address that changes mid-connection is not TCP */
	if ((f->type == RT_FD_IPV4_SOCK || f->type == RT_FD_IPV6_SOCK) &&
	    f->l4proto == RT_L4_UNKNOWN)
		f->l4proto = RT_L4_UDP;
	iface_update_fd(st, f);
	return true;
}

/* libsinsp's parse_rw_exit, the parts that change state: a successful
 * transfer marks an IP socket connected; sendto/sendmsg (tuple in the
 * enter event of old captures) and recvfrom/recvmsg (in the exit) name a
 * socket that is not a named TCP one. */
static void parse_rw_x(struct rt_state *st, const struct rt_event *ev, bool in, bool out)
{
	struct rt_fd *f = st->cur.fd;
	int64_t res;
	if (!f || !pres(st, ev, &res) || res < 0)
		return;
	if (f->type == RT_FD_IPV4_SOCK || f->type == RT_FD_IPV6_SOCK)
		f->connected = true;
	if (!in && !out)
		return;
	bool tcp = (f->type == RT_FD_IPV4_SOCK || f->type == RT_FD_IPV6_SOCK) &&
		   f->l4proto == RT_L4_TCP;
	if (f->name[0] && tcp)
		return;
	/* sendto's tuple comes from its enter event: none, no update */
	if (out && !st->cur.has_enter && rt_param_index(ev, "tuple") < 0)
		return;
	uint32_t tl = 0;
	const uint8_t *t = pbuf(st, ev, "tuple", &tl);
	if (!update_fd_tuple(st, f, t, tl))
		return;
	if (f->type == RT_FD_IPV4_SOCK || f->type == RT_FD_IPV6_SOCK) {
		if (f->role == RT_ROLE_NONE)
			guess_role(st->cur.th, f, in);
		if ((in && f->role == RT_ROLE_CLIENT) || (out && f->role == RT_ROLE_SERVER))
			swap_addrs(f);
		rename_ip(st, f);
	} else {
		char name[PATH_MAX_LEN];
		unix_tuple_name(t, tl, name, sizeof(name));
		rt_fd_set_name(f, name);
	}
}

static void parse_accept_x(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_thread *th = st->cur.th;
	int64_t fd;
	uint32_t tl;
	if (!pres(st, ev, &fd))
		return;
	th->lastevent_fd = fd;
	if (fd < 0)
		return;
	const uint8_t *t = pbuf(st, ev, "tuple", &tl);
	struct rt_fd *lf = st->cur.fd; /* the listening socket, if known */
	struct rt_fd *f = rt_fd_add(st, th, fd);
	if (lf)
		f->l4proto = lf->l4proto;
	if (t)
		set_socket_from_tuple(st, f, t, tl, RT_ROLE_SERVER);
	f->connected = true;
	f->changed_seq = st->seq;
	st->cur.fd = f;
}

static void parse_bind_x(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_fd *f = st->cur.fd;
	int64_t res;
	uint32_t al;
	if (!f || !pres(st, ev, &res) || res < 0)
		return;
	const uint8_t *a = pbuf(st, ev, "addr", &al);
	if (!a || al < 1)
		return;
	char ip[64], name[PATH_MAX_LEN];
	uint16_t port;
	if (a[0] == RT_AF_INET && al >= 7) {
		memset(f->sip, 0, 16);
		memcpy(f->sip, a + 1, 4);
		memcpy(&port, a + 5, 2);
		ip_str(ip, sizeof(ip), f->sip, false);
		snprintf(name, sizeof(name), "%s:%u", ip, port);
	} else if (a[0] == RT_AF_INET6 && al >= 19) {
		memcpy(f->sip, a + 1, 16);
		memcpy(&port, a + 17, 2);
		ip_str(ip, sizeof(ip), f->sip, true);
		snprintf(name, sizeof(name), "%s:%u", ip, port);
	} else if (a[0] == RT_AF_UNIX) {
		snprintf(name, sizeof(name), "%.*s", (int)(al - 1), (const char *)a + 1);
		rt_fd_set_name(f, name);
		return;
	} else {
		return;
	}
	rt_fd_set_name(f, name);
	f->changed_seq = st->seq;
	f->sport = port;
	if (port > 0) {
		/* bound to a fixed port: a server socket */
		if (f->type == RT_FD_IPV4_SOCK)
			f->type = RT_FD_IPV4_SERVSOCK;
		else if (f->type == RT_FD_IPV6_SOCK)
			f->type = RT_FD_IPV6_SERVSOCK;
		f->role = RT_ROLE_SERVER;
		if (f->l4proto == RT_L4_UNKNOWN)
			f->l4proto = RT_L4_TCP;
	}
}

/* ---- fd duplication and simple creators ---- */

static void copy_fd(struct rt_state *st, struct rt_thread *th, int64_t oldfd, int64_t newfd)
{
	struct rt_fd *o = rt_state_fd(st, th, oldfd);
	if (!o || newfd < 0 || oldfd == newfd)
		return;
	/* o stays: rt_fd_add() removes only newfd's entry, another one */
	struct rt_fd *n = rt_fd_add(st, th, newfd);
	rt_fd_copy_into(n, o);
	st->cur.fd = n;
	th->lastevent_fd = newfd; /* as sinsp_threadinfo::add_fd */
}

static void parse_dup_x(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_thread *th = st->cur.th;
	int64_t res, oldfd = th->lastevent_fd;
	if (!pres(st, ev, &res) || res < 0)
		return;
	if (!st->cur.has_enter)
		ps64(st, ev, "oldfd", &oldfd);
	copy_fd(st, th, oldfd, res);
}

static void parse_fcntl_x(struct rt_state *st, const struct rt_event *ev)
{
	uint64_t cmd = 0;
	int64_t res;
	if (!pu64(st, ev, "cmd", &cmd))
		return;
	if (cmd != PPM_FCNTL_F_DUPFD && cmd != PPM_FCNTL_F_DUPFD_CLOEXEC)
		return;
	if (!pres(st, ev, &res) || res < 0)
		return;
	copy_fd(st, st->cur.th, st->cur.th->lastevent_fd, res);
}

static void add_simple(struct rt_state *st, int64_t fd, enum rt_fd_type type, const char *name)
{
	if (fd < 0)
		return;
	struct rt_fd *f = rt_fd_add(st, st->cur.th, fd);
	f->type = type;
	rt_fd_set_name(f, name ? name : "");
	st->cur.fd = f;
	st->cur.th->lastevent_fd = fd;
}

static void parse_creator_x(struct rt_state *st, const struct rt_event *ev, enum rt_fd_type type)
{
	int64_t fd;
	if (!pres(st, ev, &fd))
		return;
	const char *name = NULL;
	if (type == RT_FD_MEMFD)
		name = pstr(st, ev, "name", NULL);
	add_simple(st, fd, type, name);
}

static void parse_pipe_x(struct rt_state *st, const struct rt_event *ev)
{
	int64_t res, a, b;
	uint64_t ino = 0;
	if (!pres(st, ev, &res) || res < 0)
		return;
	if (!ps64(st, ev, "fd1", &a) || !ps64(st, ev, "fd2", &b))
		return;
	pu64(st, ev, "ino", &ino);
	add_simple(st, a, RT_FD_FIFO, "");
	st->cur.fd->ino = ino;
	add_simple(st, b, RT_FD_FIFO, "");
	st->cur.fd->ino = ino;
}

static void parse_socketpair_x(struct rt_state *st, const struct rt_event *ev)
{
	int64_t res, a, b;
	uint64_t src = 0, peer = 0;
	if (!pres(st, ev, &res) || res < 0)
		return;
	if (!ps64(st, ev, "fd1", &a) || !ps64(st, ev, "fd2", &b))
		return;
	pu64(st, ev, "source", &src);
	pu64(st, ev, "peer", &peer);
	add_simple(st, a, RT_FD_UNIX_SOCK, "");
	st->cur.fd->unix_src = src;
	st->cur.fd->unix_dst = peer;
	add_simple(st, b, RT_FD_UNIX_SOCK, "");
	st->cur.fd->unix_src = peer;
	st->cur.fd->unix_dst = src;
}

static void parse_close_x(struct rt_state *st, const struct rt_event *ev)
{
	int64_t res, fd = st->cur.th->lastevent_fd;
	if (!pres(st, ev, &res) || res < 0)
		return;
	if (!st->cur.has_enter)
		ps64(st, ev, "fd", &fd);
	if (fd < 0)
		return;
	st->cur.remove_fd = fd;
	st->cur.remove_fd_th = st->cur.th;
}

/* ---- processes ---- */

static void set_args(struct rt_thread *th, const char *a, uint32_t len)
{
	/* the args param holds argv[1..], NUL-separated (exe is argv[0]) */
	fc_free(th->args);
	th->args = NULL;
	th->args_len = 0;
	if (!a || !len)
		return;
	th->args = rt_memdup(a, len);
	th->args_len = len;
}

/* The args parameter's length as captured, every NUL included. An empty
 * argv[1..] is an empty parameter, not a lone NUL: reading one byte past
 * it (the old "n + 1") printed whatever followed in the event. */
static uint32_t args_len(struct rt_state *st, const struct rt_event *ev)
{
	uint32_t l = 0;
	pbuf(st, ev, "args", &l);
	return l;
}

static void set_cwd(struct rt_thread *th, const char *cwd, uint32_t n)
{
	char *c = fc_malloc((size_t)n + 2);
	memcpy(c, cwd, n);
	c[n] = '\0';
	if (n == 0 || c[n - 1] != '/') {
		c[n] = '/';
		c[n + 1] = '\0';
	}
	fc_free(th->cwd);
	th->cwd = c;
}

static void set_blob(char **dst, uint32_t *dlen, const char *s, uint32_t n)
{
	fc_free(*dst);
	*dst = rt_memdup(s, n);
	*dlen = n;
}

static void parse_clone_x(struct rt_state *st, const struct rt_event *ev)
{
	int64_t res, ptid_p = -1, tid_p = -1, pid_p = -1, v;
	uint64_t flags = 0, u;
	uint32_t n;
	const char *s;
	if (!pres(st, ev, &res) || res < 0)
		return;
	ps64(st, ev, "tid", &tid_p);
	ps64(st, ev, "pid", &pid_p);
	ps64(st, ev, "ptid", &ptid_p);
	pu64(st, ev, "flags", &flags);

	struct rt_thread *parent, *child;
	int64_t child_tid;
	if (res == 0) {
		/* the child's own exit: its params describe the child */
		child_tid = (int64_t)ev->tid;
		child = st->cur.th;
		if (child && !child->invalid)
			return; /* the parent's exit already created it */
		parent = rt_state_thread(st, ptid_p);
	} else {
		child_tid = res;
		parent = st->cur.th;
		child = rt_state_thread(st, child_tid);
		if (child && !child->invalid)
			return;
	}
	child = rt_thread_add(st, child_tid);
	if (res == 0)
		st->cur.th = child;
	child->tid = child_tid;
	if (res == 0) {
		child->pid = pid_p;
		child->ptid = ptid_p;
	} else {
		child->pid = (flags & PPM_CL_CLONE_THREAD) ? pid_p : child_tid;
		child->ptid = (flags & PPM_CL_CLONE_PARENT) ? ptid_p : tid_p;
	}
	if (parent) {
		rt_setstr(&child->comm, parent->comm);
		rt_setstr(&child->exepath, parent->exepath);
		rt_setstr(&child->root, parent->root);
		if (parent->env)
			set_blob(&child->env, &child->env_len, parent->env, parent->env_len);
		child->sid = parent->sid;
		child->vpgid = parent->vpgid;
		child->pgid = parent->pgid;
		child->loginuid = parent->loginuid;
		child->tty = parent->tty;
		child->cap_permitted = parent->cap_permitted;
		child->cap_effective = parent->cap_effective;
		child->cap_inheritable = parent->cap_inheritable;
		child->exe_writable = parent->exe_writable;
		child->exe_upper_layer = parent->exe_upper_layer;
		child->exe_lower_layer = parent->exe_lower_layer;
		child->exe_from_memfd = parent->exe_from_memfd;
		child->exe_ino = parent->exe_ino;
		child->exe_ino_ctime = parent->exe_ino_ctime;
		child->exe_ino_mtime = parent->exe_ino_mtime;
		child->uid = parent->uid;
		child->gid = parent->gid;
		rt_setstr(&child->cwd, parent->cwd);
	}
	if ((s = pstr(st, ev, "exe", &n)))
		child->exe = (fc_free(child->exe), rt_memdup(s, n));
	if ((s = pstr(st, ev, "args", &n)))
		set_args(child, s, args_len(st, ev));
	if ((s = pstr(st, ev, "comm", &n)))
		child->comm = (fc_free(child->comm), rt_memdup(s, n));
	if ((s = pstr(st, ev, "cwd", &n)) && n)
		set_cwd(child, s, n);
	if ((s = pstr(st, ev, "cgroups", &n)))
		set_blob(&child->cgroups, &child->cgroups_len, s, n);
	if (ps64(st, ev, "fdlimit", &v))
		child->fdlimit = v;
	if (pu64(st, ev, "uid", &u))
		child->uid = (uint32_t)u;
	if (pu64(st, ev, "gid", &u))
		child->gid = (uint32_t)u;
	if (ps64(st, ev, "vtid", &v)) {
		/* the parent's exit carries the parent's ids: outside a pid
		 * namespace (vtid == tid) the child's are its real ones */
		if (res == 0)
			child->vtid = v;
		else if (v == tid_p)
			child->vtid = child_tid;
	}
	if (ps64(st, ev, "vpid", &v)) {
		if (res == 0)
			child->vpid = v;
		else if (v == pid_p)
			child->vpid = child->pid;
	}
	child->flags = (uint32_t)flags;
	child->clone_ts = ev->ts;
	/* fds: threads and CLONE_FILES share, processes get a copy */
	struct rt_thread *leader = parent;
	if (parent && parent->pid != parent->tid) {
		struct rt_thread *l = rt_state_thread(st, parent->pid);
		if (l)
			leader = l;
	}
	if (leader && leader->fds) {
		if (flags & (PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES)) {
			child->fds = leader->fds;
			child->fds->refs++;
		} else {
			child->fds = rt_fdtable_copy(leader->fds);
		}
	}
}

static void parse_execve_x(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_thread *th = st->cur.th;
	int64_t res, v;
	uint64_t u;
	uint32_t n;
	const char *s;
	if (!pres(st, ev, &res) || res < 0)
		return;
	if (th->invalid) {
		th->invalid = false;
		if (ps64(st, ev, "pid", &v))
			th->pid = v;
	}
	if (ps64(st, ev, "ptid", &v))
		th->ptid = v;
	if ((s = pstr(st, ev, "exe", &n)))
		th->exe = (fc_free(th->exe), rt_memdup(s, n));
	if ((s = pstr(st, ev, "args", &n)))
		set_args(th, s, args_len(st, ev));
	if ((s = pstr(st, ev, "comm", &n))) {
		th->comm = (fc_free(th->comm), rt_memdup(s, n));
	} else {
		/* old drivers: comm is the exe's base name */
		const char *b = strrchr(th->exe, '/');
		rt_setstr(&th->comm, b ? b + 1 : th->exe);
	}
	if ((s = pstr(st, ev, "cwd", &n)) && n)
		set_cwd(th, s, n);
	if (ps64(st, ev, "fdlimit", &v))
		th->fdlimit = v;
	if ((s = pstr(st, ev, "env", &n)))
		set_blob(&th->env, &th->env_len, s, n);
	if ((s = pstr(st, ev, "cgroups", &n)))
		set_blob(&th->cgroups, &th->cgroups_len, s, n);
	if (pu64(st, ev, "tty", &u))
		th->tty = (uint32_t)u;
	if (pu64(st, ev, "loginuid", &u))
		th->loginuid = (uint32_t)u;
	if (pu64(st, ev, "uid", &u))
		th->uid = (uint32_t)u;
	if (pu64(st, ev, "gid", &u))
		th->gid = (uint32_t)u;
	if (ps64(st, ev, "vtid", &v))
		th->vtid = v;
	if (ps64(st, ev, "vpid", &v))
		th->vpid = v;
	if (pu64(st, ev, "cap_inheritable", &u))
		th->cap_inheritable = u;
	if (pu64(st, ev, "cap_permitted", &u))
		th->cap_permitted = u;
	if (pu64(st, ev, "cap_effective", &u))
		th->cap_effective = u;
	if (pu64(st, ev, "exe_ino", &u))
		th->exe_ino = u;
	if (pu64(st, ev, "exe_ino_ctime", &u))
		th->exe_ino_ctime = u;
	if (pu64(st, ev, "exe_ino_mtime", &u))
		th->exe_ino_mtime = u;
	if (pu64(st, ev, "flags", &u)) {
		/* PPM_EXE_WRITABLE, _UPPER_LAYER, _FROM_MEMFD, _LOWER_LAYER */
		th->exe_writable = u & 1;
		th->exe_upper_layer = u & 2;
		th->exe_from_memfd = u & 4;
		th->exe_lower_layer = u & 8;
	}
	if ((s = pstr(st, ev, "trusted_exepath", &n)) && n) {
		th->exepath = (fc_free(th->exepath), rt_memdup(s, n));
	} else if ((s = pstr(st, ev, "filename", &n)) && n) {
		/* the enter event's path, resolved against cwd */
		char raw[PATH_MAX_LEN], full[PATH_MAX_LEN];
		str_copy(raw, sizeof(raw), s, n);
		rt_path_concat(full, sizeof(full), raw[0] == '/' ? "" : th->cwd, raw);
		rt_setstr(&th->exepath, full);
	} else if ((s = pstr(st, ev, "exe", &n)) && n) {
		/* No trusted path and no filename (live probes that do not
		 * send them): the program as execve named it when that is an
		 * absolute path; otherwise nothing is known (sysdig 0.29 prints
		 * it empty). Never keep the parent's exepath across an exec. */
		char raw[PATH_MAX_LEN];
		str_copy(raw, sizeof(raw), s, n);
		rt_setstr(&th->exepath, raw[0] == '/' ? raw : "");
	}
}

static void parse_chdir_x(struct rt_state *st, const struct rt_event *ev)
{
	int64_t res;
	uint32_t n;
	if (!pres(st, ev, &res) || res < 0)
		return;
	const char *s = pstr(st, ev, "path", &n);
	if (!s)
		return;
	char raw[PATH_MAX_LEN], full[PATH_MAX_LEN];
	str_copy(raw, sizeof(raw), s, n);
	rt_path_concat(full, sizeof(full), raw[0] == '/' ? "" : st->cur.th->cwd, raw);
	set_cwd(st->cur.th, full, (uint32_t)strlen(full));
}

static void parse_fchdir_x(struct rt_state *st, const struct rt_event *ev)
{
	int64_t res;
	if (!pres(st, ev, &res) || res < 0 || !st->cur.fd)
		return;
	set_cwd(st->cur.th, st->cur.fd->name, (uint32_t)strlen(st->cur.fd->name));
}

static void parse_setid_x(struct rt_state *st, const struct rt_event *ev, const char *param,
			  bool gid)
{
	int64_t res;
	uint64_t v;
	if (!pres(st, ev, &res) || res < 0)
		return;
	if (!pu64(st, ev, param, &v) || (uint32_t)v == UINT32_MAX)
		return;
	if (gid)
		st->cur.th->gid = (uint32_t)v;
	else
		st->cur.th->uid = (uint32_t)v;
}

enum kind {
	K_NONE,
	K_OPEN,
	K_OPENAT,
	K_SOCKET,
	K_CONNECT,
	K_ACCEPT,
	K_BIND,
	K_DUP,
	K_FCNTL,
	K_PIPE,
	K_EVENTFD,
	K_SIGNALFD,
	K_TIMERFD,
	K_INOTIFY,
	K_EPOLL,
	K_MEMFD,
	K_PIDFD,
	K_SOCKETPAIR,
	K_CLOSE,
	K_CLONE,
	K_EXECVE,
	K_PROCEXIT,
	K_CHDIR,
	K_FCHDIR,
	K_SETUID,
	K_SETGID,
	K_SETRESUID,
	K_SETRESGID,
	K_RW,
	K_RW_IN,  /* recvfrom, recvmsg: the tuple names the peer */
	K_RW_OUT, /* sendto, sendmsg */
};

static const struct {
	const char *name;
	enum kind k;
} kinds[] = {
	{ "open", K_OPEN },
	{ "creat", K_OPEN },
	{ "openat", K_OPENAT },
	{ "openat2", K_OPENAT },
	{ "socket", K_SOCKET },
	{ "connect", K_CONNECT },
	{ "accept", K_ACCEPT },
	{ "accept4", K_ACCEPT },
	{ "bind", K_BIND },
	{ "dup", K_DUP },
	{ "dup2", K_DUP },
	{ "dup3", K_DUP },
	{ "fcntl", K_FCNTL },
	{ "pipe", K_PIPE },
	{ "pipe2", K_PIPE },
	{ "eventfd", K_EVENTFD },
	{ "eventfd2", K_EVENTFD },
	{ "signalfd", K_SIGNALFD },
	{ "signalfd4", K_SIGNALFD },
	{ "timerfd_create", K_TIMERFD },
	{ "inotify_init", K_INOTIFY },
	{ "inotify_init1", K_INOTIFY },
	{ "epoll_create", K_EPOLL },
	{ "epoll_create1", K_EPOLL },
	{ "memfd_create", K_MEMFD },
	{ "pidfd_open", K_PIDFD },
	{ "socketpair", K_SOCKETPAIR },
	{ "close", K_CLOSE },
	{ "clone", K_CLONE },
	{ "clone3", K_CLONE },
	{ "fork", K_CLONE },
	{ "vfork", K_CLONE },
	{ "execve", K_EXECVE },
	{ "execveat", K_EXECVE },
	{ "procexit", K_PROCEXIT },
	{ "chdir", K_CHDIR },
	{ "fchdir", K_FCHDIR },
	{ "setuid", K_SETUID },
	{ "setgid", K_SETGID },
	{ "setresuid", K_SETRESUID },
	{ "setresgid", K_SETRESGID },
	/* libsinsp's parse_rw_exit events */
	{ "read", K_RW },
	{ "write", K_RW },
	{ "recv", K_RW },
	{ "send", K_RW },
	{ "recvfrom", K_RW_IN },
	{ "recvmsg", K_RW_IN },
	{ "sendto", K_RW_OUT },
	{ "sendmsg", K_RW_OUT },
	{ "readv", K_RW },
	{ "writev", K_RW },
	{ "pread", K_RW },
	{ "pwrite", K_RW },
	{ "preadv", K_RW },
	{ "pwritev", K_RW },
};

static enum kind kind_of(const struct rt_evt_info *info)
{
	/* a lazily built table, indexed by event code */
	static uint8_t *tab;
	static uint16_t n;
	if (!tab) {
		n = rt_evt_count();
		tab = fc_malloc(n);
		memset(tab, 0, n);
		for (uint16_t c = 0; c < n; c++) {
			const struct rt_evt_info *i = rt_evt_info(c);
			if (!i)
				continue;
			for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
				if (!strcmp(i->name, kinds[k].name))
					tab[c] = (uint8_t)kinds[k].k;
		}
	}
	return info->code < n ? (enum kind)tab[info->code] : K_NONE;
}

void rt_parse_event(struct rt_state *st, const struct rt_event *ev)
{
	const struct rt_evt_info *info = ev->info;
	enum kind k = kind_of(info);

	st->cur.has_null_name = false;
	if (!info->exit) {
		if (k == K_PROCEXIT)
			st->cur.remove_tid = (int64_t)ev->tid;
		return;
	}
	switch (k) {
	case K_OPEN:
		parse_open_x(st, ev, false);
		break;
	case K_OPENAT:
		parse_open_x(st, ev, true);
		break;
	case K_SOCKET:
		parse_socket_x(st, ev);
		break;
	case K_CONNECT:
		parse_connect_x(st, ev);
		break;
	case K_ACCEPT:
		parse_accept_x(st, ev);
		break;
	case K_BIND:
		parse_bind_x(st, ev);
		break;
	case K_DUP:
		parse_dup_x(st, ev);
		break;
	case K_FCNTL:
		parse_fcntl_x(st, ev);
		break;
	case K_PIPE:
		parse_pipe_x(st, ev);
		break;
	case K_EVENTFD:
		parse_creator_x(st, ev, RT_FD_EVENT);
		break;
	case K_SIGNALFD:
		parse_creator_x(st, ev, RT_FD_SIGNALFD);
		break;
	case K_TIMERFD:
		parse_creator_x(st, ev, RT_FD_TIMERFD);
		break;
	case K_INOTIFY:
		parse_creator_x(st, ev, RT_FD_INOTIFY);
		break;
	case K_EPOLL:
		parse_creator_x(st, ev, RT_FD_EVENTPOLL);
		break;
	case K_MEMFD:
		parse_creator_x(st, ev, RT_FD_MEMFD);
		break;
	case K_PIDFD:
		parse_creator_x(st, ev, RT_FD_PIDFD);
		break;
	case K_SOCKETPAIR:
		parse_socketpair_x(st, ev);
		break;
	case K_CLOSE:
		parse_close_x(st, ev);
		break;
	case K_CLONE:
		parse_clone_x(st, ev);
		break;
	case K_EXECVE:
		parse_execve_x(st, ev);
		break;
	case K_CHDIR:
		parse_chdir_x(st, ev);
		break;
	case K_FCHDIR:
		parse_fchdir_x(st, ev);
		break;
	case K_SETUID:
		parse_setid_x(st, ev, "uid", false);
		break;
	case K_SETGID:
		parse_setid_x(st, ev, "gid", true);
		break;
	case K_SETRESUID:
		parse_setid_x(st, ev, "euid", false);
		break;
	case K_SETRESGID:
		parse_setid_x(st, ev, "egid", true);
		break;
	case K_RW:
	case K_RW_IN:
	case K_RW_OUT:
		parse_rw_x(st, ev, k == K_RW_IN, k == K_RW_OUT);
		break;
	default:
		break;
	}
}

static void ip_str(char *out, size_t n, const uint8_t *ip, bool v6)
{
	if (!v6) {
		char tmp[RT_IP4_STRLEN];
		size_t l = rt_ip4_fmt(tmp, ip);
		str_copy(out, n, tmp, l);
		return;
	}
	rt_ip6_str(out, n, ip);
}
