// SPDX-License-Identifier: Apache-2.0
/*
 * state: thread, fd, user and group tables (layout in state_int.h).
 *
 * The tables are chained hashes that grow by doubling; they hold at most
 * a few thousand entries (one per live thread), so a simple design is
 * enough. This file owns allocation and lookups and the per-event
 * bracket rt_state_pre()/rt_state_post(); the syscall parsers that
 * change the tables live in parsers.c.
 */
#include "state_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

char *rt_memdup(const char *s, uint32_t n)
{
	char *p = fc_malloc((size_t)n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *rt_strdup(const char *s)
{
	return rt_memdup(s ? s : "", s ? (uint32_t)strlen(s) : 0);
}

void rt_setstr(char **dst, const char *s)
{
	char *n = rt_strdup(s);
	fc_free(*dst);
	*dst = n;
}

static unsigned hash64(uint64_t k, unsigned nbuckets)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (unsigned)(k & (nbuckets - 1));
}

struct rt_state *rt_state_new(void)
{
	struct rt_state *st = fc_malloc(sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->tbuckets = 256;
	st->tb = fc_malloc(sizeof(*st->tb) * st->tbuckets);
	memset(st->tb, 0, sizeof(*st->tb) * st->tbuckets);
	st->cur.remove_fd = -1;
	st->cur.remove_tid = -1;
	return st;
}

void rt_state_set_merge_enter(struct rt_state *st, bool on)
{
	st->merge_enter = on;
}

/* ---- fd tables ---- */

static struct rt_fdtable *fdtable_new(void)
{
	struct rt_fdtable *t = fc_malloc(sizeof(*t));
	t->refs = 1;
	t->count = 0;
	t->nbuckets = 32;
	t->b = fc_malloc(sizeof(*t->b) * t->nbuckets);
	memset(t->b, 0, sizeof(*t->b) * t->nbuckets);
	return t;
}

static char noname[1]; /* the "" of every fd entry without a name buffer */

void rt_buf_set(char **dst, uint32_t *cap, const char *s, size_t n)
{
	if (n + 1 > *cap) {
		size_t c = n + 1 < 64 ? 64 : n + 1;
		char *p = fc_malloc(c);
		memcpy(p, s, n);
		p[n] = '\0';
		if (*cap)
			fc_free(*dst);
		*dst = p;
		*cap = (uint32_t)c;
		return;
	}
	memmove(*dst, s, n);
	(*dst)[n] = '\0';
}

static void fd_free(struct rt_fd *f)
{
	if (f->name_cap)
		fc_free(f->name);
	if (f->raw_cap)
		fc_free(f->raw_buf);
	fc_free(f);
}

void rt_fd_set_namen(struct rt_fd *f, const char *name, size_t n)
{
	if (!n && !f->name_cap) {
		f->name = noname;
		return;
	}
	rt_buf_set(&f->name, &f->name_cap, name, n);
}

void rt_fd_set_name(struct rt_fd *f, const char *name)
{
	rt_fd_set_namen(f, name, strlen(name));
}

void rt_fd_set_nameraw(struct rt_fd *f, const char *raw)
{
	rt_buf_set(&f->raw_buf, &f->raw_cap, raw, strlen(raw));
	f->nameraw = f->raw_buf;
}

void rt_fd_copy_into(struct rt_fd *n, const struct rt_fd *o)
{
	struct rt_fd keep = *n;
	*n = *o;
	n->fd = keep.fd;
	n->next = keep.next;
	n->name = keep.name;
	n->name_cap = keep.name_cap;
	n->raw_buf = keep.raw_buf;
	n->raw_cap = keep.raw_cap;
	n->nameraw = NULL;
	rt_fd_set_name(n, o->name);
	if (o->nameraw)
		rt_fd_set_nameraw(n, o->nameraw);
}

static void fdtable_unref(struct rt_fdtable *t)
{
	if (!t || --t->refs)
		return;
	for (unsigned i = 0; i < t->nbuckets; i++) {
		struct rt_fd *f = t->b[i], *n;
		for (; f; f = n) {
			n = f->next;
			fd_free(f);
		}
	}
	fc_free(t->b);
	fc_free(t);
}

/* A deep copy: fork gives the child its own table. */
struct rt_fdtable *rt_fdtable_copy(const struct rt_fdtable *src)
{
	struct rt_fdtable *t = fdtable_new();
	if (!src)
		return t;
	fc_free(t->b);
	t->nbuckets = src->nbuckets;
	t->b = fc_malloc(sizeof(*t->b) * t->nbuckets);
	memset(t->b, 0, sizeof(*t->b) * t->nbuckets);
	for (unsigned i = 0; i < src->nbuckets; i++) {
		for (const struct rt_fd *f = src->b[i]; f; f = f->next) {
			struct rt_fd *c = fc_malloc(sizeof(*c));
			memset(c, 0, sizeof(*c));
			c->name = noname;
			c->fd = f->fd;
			rt_fd_copy_into(c, f);
			c->next = t->b[i];
			t->b[i] = c;
			t->count++;
		}
	}
	return t;
}

static struct rt_fdtable *thread_fds(struct rt_thread *th)
{
	if (!th->fds)
		th->fds = fdtable_new();
	return th->fds;
}

struct rt_fd *rt_state_fd(struct rt_state *st, struct rt_thread *th, int64_t fd)
{
	(void)st;
	if (!th || !th->fds || fd < 0)
		return NULL;
	struct rt_fdtable *t = th->fds;
	for (struct rt_fd *f = t->b[hash64((uint64_t)fd, t->nbuckets)]; f; f = f->next)
		if (f->fd == fd)
			return f;
	return NULL;
}

void rt_fd_remove(struct rt_state *st, struct rt_thread *th, int64_t fd)
{
	if (!th || !th->fds)
		return;
	struct rt_fdtable *t = th->fds;
	struct rt_fd **pp = &t->b[hash64((uint64_t)fd, t->nbuckets)];
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->fd == fd) {
			struct rt_fd *f = *pp;
			*pp = f->next;
			f->next = st->fd_pool;
			st->fd_pool = f;
			t->count--;
			return;
		}
	}
}

static void fdtable_grow(struct rt_fdtable *t)
{
	unsigned nb = t->nbuckets * 2;
	struct rt_fd **b = fc_malloc(sizeof(*b) * nb);
	memset(b, 0, sizeof(*b) * nb);
	for (unsigned i = 0; i < t->nbuckets; i++) {
		struct rt_fd *f = t->b[i], *n;
		for (; f; f = n) {
			n = f->next;
			unsigned h = hash64((uint64_t)f->fd, nb);
			f->next = b[h];
			b[h] = f;
		}
	}
	fc_free(t->b);
	t->b = b;
	t->nbuckets = nb;
}

/* Add (or replace: a reused number is a new file) fd in th's table. */
struct rt_fd *rt_fd_add(struct rt_state *st, struct rt_thread *th, int64_t fd)
{
	rt_fd_remove(st, th, fd);
	struct rt_fdtable *t = thread_fds(th);
	if (t->count >= t->nbuckets * 2)
		fdtable_grow(t);
	struct rt_fd *f = st->fd_pool;
	if (f) {
		/* a recycled entry: everything reset but its buffers */
		st->fd_pool = f->next;
		char *name = f->name, *raw = f->raw_buf;
		uint32_t ncap = f->name_cap, rcap = f->raw_cap;
		memset(f, 0, sizeof(*f));
		f->name = name;
		f->name_cap = ncap;
		f->raw_buf = raw;
		f->raw_cap = rcap;
		if (ncap)
			name[0] = '\0';
		else
			f->name = noname;
	} else {
		f = fc_malloc(sizeof(*f));
		memset(f, 0, sizeof(*f));
		f->name = noname;
	}
	f->fd = fd;
	/* a new fd is not "renamed": sysdig's fd.name_changed is false on
	 * socket/open exits and true only when connect or a UDP send gives
	 * an existing fd a new tuple */
	f->changed_seq = 0;
	unsigned h = hash64((uint64_t)fd, t->nbuckets);
	f->next = t->b[h];
	t->b[h] = f;
	t->count++;
	return f;
}


/* ---- threads ---- */

static void thread_free(struct rt_thread *th)
{
	fc_free(th->comm);
	fc_free(th->exe);
	fc_free(th->exepath);
	fc_free(th->cwd);
	fc_free(th->root);
	fc_free(th->args);
	fc_free(th->env);
	fc_free(th->cgroups);
	fc_free(th->enter_buf);
	fdtable_unref(th->fds);
	fc_free(th);
}

struct rt_thread *rt_state_thread(struct rt_state *st, int64_t tid)
{
	for (struct rt_thread *t = st->tb[hash64((uint64_t)tid, st->tbuckets)]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static void threads_grow(struct rt_state *st)
{
	unsigned nb = st->tbuckets * 2;
	struct rt_thread **b = fc_malloc(sizeof(*b) * nb);
	memset(b, 0, sizeof(*b) * nb);
	for (unsigned i = 0; i < st->tbuckets; i++) {
		struct rt_thread *t = st->tb[i], *n;
		for (; t; t = n) {
			n = t->next;
			unsigned h = hash64((uint64_t)t->tid, nb);
			t->next = b[h];
			b[h] = t;
		}
	}
	fc_free(st->tb);
	st->tb = b;
	st->tbuckets = nb;
}

/* A new, empty thread (replacing any with the same tid). Defaults are
 * libsinsp's for a thread it knows nothing about. */
struct rt_thread *rt_thread_add(struct rt_state *st, int64_t tid)
{
	rt_thread_remove(st, tid);
	if (st->tcount >= st->tbuckets * 2)
		threads_grow(st);
	struct rt_thread *th = fc_malloc(sizeof(*th));
	memset(th, 0, sizeof(*th));
	th->tid = tid;
	th->pid = tid;
	th->ptid = -1;
	th->sid = -1;
	th->vpgid = -1;
	th->pgid = -1;
	th->vtid = -1;
	th->vpid = -1;
	th->uid = UINT32_MAX;
	th->gid = UINT32_MAX;
	th->loginuid = UINT32_MAX;
	th->lastevent_fd = -1;
	th->comm = rt_strdup("");
	th->exe = rt_strdup("");
	th->exepath = rt_strdup("");
	th->cwd = rt_strdup("");
	th->root = rt_strdup("");
	unsigned h = hash64((uint64_t)tid, st->tbuckets);
	th->next = st->tb[h];
	st->tb[h] = th;
	st->tcount++;
	return th;
}

void rt_thread_remove(struct rt_state *st, int64_t tid)
{
	struct rt_thread **pp = &st->tb[hash64((uint64_t)tid, st->tbuckets)];
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct rt_thread *t = *pp;
			*pp = t->next;
			if (st->last_th == t)
				st->last_th = NULL;
			if (st->cur.th == t) {
				st->cur.th = NULL;
				/* the current event's enter parameters point
				 * into its buffer: keep it for the event */
				if (st->cur.has_enter && t->enter_buf &&
				    st->cur.enter_raw == t->enter_buf) {
					fc_free(st->cur.enter_keep);
					st->cur.enter_keep = t->enter_buf;
					t->enter_buf = NULL;
				}
			}
			thread_free(t);
			st->tcount--;
			return;
		}
	}
}

/* Threads share their leader's fd table; a leader seen after its
 * threads (capture order) adopts nothing: each keeps what it has. */
static void thread_link_fds(struct rt_state *st, struct rt_thread *th)
{
	if (th->pid == th->tid || th->fds)
		return;
	struct rt_thread *leader = rt_state_thread(st, th->pid);
	if (leader) {
		th->fds = thread_fds(leader);
		th->fds->refs++;
	}
}

void rt_state_add_proc(struct rt_state *st, const struct rt_proc_info *p)
{
	struct rt_thread *th = rt_thread_add(st, (int64_t)p->tid);
	th->pid = (int64_t)p->pid;
	th->ptid = (int64_t)p->ptid;
	th->sid = (int64_t)p->sid;
	th->vpgid = (int64_t)p->vpgid;
	th->pgid = (int64_t)p->pgid;
	th->vtid = (int64_t)p->vtid;
	th->vpid = (int64_t)p->vpid;
	rt_setstr(&th->comm, p->comm);
	rt_setstr(&th->exe, p->exe);
	rt_setstr(&th->exepath, p->exepath);
	rt_setstr(&th->root, p->root);
	/* libsinsp keeps cwd with a trailing '/' so relative paths join. */
	if (p->cwd && *p->cwd) {
		size_t n = strlen(p->cwd);
		char *c = fc_malloc(n + 2);
		memcpy(c, p->cwd, n + 1);
		if (c[n - 1] != '/') {
			c[n] = '/';
			c[n + 1] = '\0';
		}
		fc_free(th->cwd);
		th->cwd = c;
	}
	/* Capture args hold argv[1..] only when produced by the proc list;
	 * the reader hands them NUL-separated as stored. */
	if (p->args && p->args_len) {
		th->args = rt_memdup(p->args, p->args_len);
		th->args_len = p->args_len;
	}
	if (p->env && p->env_len) {
		th->env = rt_memdup(p->env, p->env_len);
		th->env_len = p->env_len;
	}
	if (p->cgroups && p->cgroups_len) {
		th->cgroups = rt_memdup(p->cgroups, p->cgroups_len);
		th->cgroups_len = p->cgroups_len;
	}
	th->fdlimit = (int64_t)p->fdlimit;
	th->flags = p->flags;
	th->uid = p->uid;
	th->gid = p->gid;
	th->loginuid = p->loginuid;
	th->tty = p->tty;
	th->cap_permitted = p->cap_permitted;
	th->cap_effective = p->cap_effective;
	th->cap_inheritable = p->cap_inheritable;
	th->exe_ino = p->exe_ino;
	th->exe_ino_ctime = p->exe_ino_ctime;
	th->exe_ino_mtime = p->exe_ino_mtime;
	th->exe_writable = p->exe_writable;
	th->exe_upper_layer = p->exe_upper_layer;
	th->exe_from_memfd = p->exe_from_memfd;
	th->exe_lower_layer = p->exe_lower_layer;
	th->clone_ts = p->clone_ts;
	th->pidns_init_start_ts = p->pidns_init_start_ts;
	th->vmsize_kb = p->vmsize_kb;
	th->vmrss_kb = p->vmrss_kb;
	th->vmswap_kb = p->vmswap_kb;
	th->pfmajor = p->pfmajor;
	th->pfminor = p->pfminor;
	thread_link_fds(st, th);
}

void rt_state_add_fd(struct rt_state *st, const struct rt_fd_info *fi)
{
	struct rt_thread *th = rt_state_thread(st, (int64_t)fi->tid);
	if (!th)
		return; /* libsinsp drops fds of unknown processes too */
	struct rt_fd *f = rt_fd_add(st, th, fi->fd);
	f->type = fi->type;
	f->ino = fi->ino;
	f->open_flags = fi->open_flags;
	f->dev = fi->dev;
	f->l4proto = fi->l4proto;
	memcpy(f->sip, fi->sip, 16);
	memcpy(f->dip, fi->dip, 16);
	f->sport = fi->sport;
	f->dport = fi->dport;
	f->unix_src = fi->unix_source;
	f->unix_dst = fi->unix_dest;
	rt_fd_set_name(f, fi->name ? fi->name : "");
	switch (fi->type) {
	case RT_FD_IPV4_SOCK:
	case RT_FD_IPV6_SOCK:
		f->role = RT_ROLE_CLIENT; /* libsinsp's default for /proc sockets */
		f->connected = true;
		break;
	case RT_FD_IPV4_SERVSOCK:
	case RT_FD_IPV6_SERVSOCK:
		f->role = RT_ROLE_SERVER;
		break;
	default:
		break;
	}
}

void rt_state_add_user(struct rt_state *st, const struct rt_user_info *u)
{
	if (u->container_id_hash)
		return;
	struct rt_user *e = rt_state_user(st, u->uid);
	if (!e) {
		e = fc_malloc(sizeof(*e));
		memset(e, 0, sizeof(*e));
		e->uid = u->uid;
		e->next = st->users[u->uid & 63];
		st->users[u->uid & 63] = e;
	}
	e->gid = u->gid;
	rt_setstr(&e->name, u->name);
	rt_setstr(&e->homedir, u->homedir);
	rt_setstr(&e->shell, u->shell);
}

void rt_state_add_group(struct rt_state *st, const struct rt_group_info *g)
{
	struct rt_group *e = rt_state_group(st, g->gid);
	if (!e) {
		e = fc_malloc(sizeof(*e));
		memset(e, 0, sizeof(*e));
		e->gid = g->gid;
		e->next = st->groups[g->gid & 63];
		st->groups[g->gid & 63] = e;
	}
	rt_setstr(&e->name, g->name);
}

void rt_state_add_iface(struct rt_state *st, const struct rt_iface_info *i)
{
	struct rt_iface_info *n = fc_malloc(sizeof(*n) * (st->nifaces + 1));
	if (st->nifaces)
		memcpy(n, st->ifaces, sizeof(*n) * st->nifaces);
	n[st->nifaces++] = *i;
	fc_free(st->ifaces);
	st->ifaces = n;
}

bool rt_state_ip_is_local(const struct rt_state *st, const uint8_t *ip, bool v6)
{
	/* As libsinsp 0.29: the loopback address is always local, and an
	 * IPv6 address is local when it shares its first 64 bits with an
	 * interface's, loopback ::1 included (so :: and ::1 are local). */
	static const uint8_t lo4[4] = { 127, 0, 0, 1 }, zero[8];
	size_t n = v6 ? 8 : 4;
	if (v6 ? !memcmp(ip, zero, 8) : !memcmp(ip, lo4, 4))
		return true;
	for (unsigned k = 0; k < st->nifaces; k++)
		if (st->ifaces[k].v6 == v6 && !memcmp(st->ifaces[k].addr, ip, n))
			return true;
	return false;
}

struct rt_user *rt_state_user(struct rt_state *st, uint32_t uid)
{
	for (struct rt_user *u = st->users[uid & 63]; u; u = u->next)
		if (u->uid == uid)
			return u;
	return NULL;
}

struct rt_group *rt_state_group(struct rt_state *st, uint32_t gid)
{
	for (struct rt_group *g = st->groups[gid & 63]; g; g = g->next)
		if (g->gid == gid)
			return g;
	return NULL;
}

void rt_state_free(struct rt_state *st)
{
	if (!st)
		return;
	for (unsigned i = 0; i < st->tbuckets; i++) {
		struct rt_thread *t = st->tb[i], *n;
		for (; t; t = n) {
			n = t->next;
			thread_free(t);
		}
	}
	fc_free(st->tb);
	fc_free(st->ifaces);
	fc_free(st->cur.null_name);
	fc_free(st->cur.enter_keep);
	for (struct rt_fd *f = st->fd_pool, *n; f; f = n) {
		n = f->next;
		fd_free(f);
	}
	for (unsigned i = 0; i < 64; i++) {
		struct rt_user *u = st->users[i], *un;
		for (; u; u = un) {
			un = u->next;
			fc_free(u->name);
			fc_free(u->homedir);
			fc_free(u->shell);
			fc_free(u);
		}
		struct rt_group *g = st->groups[i], *gn;
		for (; g; g = gn) {
			gn = g->next;
			fc_free(g->name);
			fc_free(g);
		}
	}
	fc_free(st);
}

size_t rt_ip4_fmt(char *out, const uint8_t *ip)
{
	char *p = out;
	for (int k = 0; k < 4; k++) {
		unsigned v = ip[k];
		if (k)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return (size_t)(p - out);
}

/* glibc's inet_ntop6 (RFC 4291 text, what sysdig prints), without its
 * sprintf per group: the longest run of two or more zero groups, the
 * first of equal ones, becomes "::"; ::a.b.c.d and ::ffff:a.b.c.d end in
 * dotted IPv4. */
size_t rt_ip6_fmt(char *out, const uint8_t *ip)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, blen = 0, cur = -1, clen = 0;
	char *p = out;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, clen = 1;
			else
				clen++;
		} else if (cur >= 0) {
			if (best < 0 || clen > blen)
				best = cur, blen = clen;
			cur = -1;
		}
	}
	if (cur >= 0 && (best < 0 || clen > blen))
		best = cur, blen = clen;
	if (best >= 0 && blen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + blen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
			p += rt_ip4_fmt(p, ip + 12);
			return (size_t)(p - out);
		}
		unsigned v = w[i];
		if (v >= 0x1000)
			*p++ = hex[v >> 12];
		if (v >= 0x100)
			*p++ = hex[v >> 8 & 15];
		if (v >= 0x10)
			*p++ = hex[v >> 4 & 15];
		*p++ = hex[v & 15];
	}
	if (best >= 0 && best + blen == 8)
		*p++ = ':';
	*p = '\0';
	return (size_t)(p - out);
}

void rt_ip6_str(char *out, size_t n, const uint8_t *ip)
{
	char tmp[RT_IP6_STRLEN];
	size_t l = rt_ip6_fmt(tmp, ip);
	if (l < n)
		memcpy(out, tmp, l + 1);
	else
		snprintf(out, n, "<NA>"); /* inet_ntop's ENOSPC */
}

/* ---- paths ---- */

/* Append the segments of s to out[0..o) with '.', '..' and '//' resolved;
 * returns the new length. */
static size_t path_segments(char *out, size_t outsz, size_t o, bool abs, const char *s)
{
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if (n == 0)
			break;
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			/* back up over the previous segment, never past the root */
			size_t floor = abs ? 1 : 0;
			if (o > floor) {
				o--;
				while (o > floor && out[o - 1] != '/')
					o--;
				if (o > floor)
					o--; /* the separator before it */
			}
		} else {
			if (o > (abs ? 1u : 0u) && o + 1 < outsz)
				out[o++] = '/';
			/* as much of the segment as fits before the NUL */
			size_t room = o + 1 < outsz ? outsz - 1 - o : 0;
			size_t k = n < room ? n : room;
			memcpy(out + o, s, k);
			o += k;
		}
		s = e;
	}
	return o;
}

void rt_path_concat(char *out, size_t outsz, const char *dir, const char *path)
{
	/* The segments of dir (unless path is absolute) then path's, as if
	 * joined by a '/': a separator ends every segment of dir. No copy
	 * of the joined path is made. */
	bool use_dir = path[0] != '/' && dir[0];
	bool abs = (use_dir ? dir[0] : path[0]) == '/';
	size_t o = 0;

	if (outsz == 0)
		return;
	if (abs && o + 1 < outsz)
		out[o++] = '/';
	if (use_dir)
		o = path_segments(out, outsz, o, abs, dir);
	o = path_segments(out, outsz, o, abs, path);
	out[o] = '\0';
}

/* ---- per event ---- */

const struct rt_event *rt_cur_enter(struct rt_state *st)
{
	struct rt_cur *c = &st->cur;
	if (!c->enter_decoded) {
		const char *why;
		/* the bytes of an event that decoded once: this cannot fail */
		if (rt_event_decode(c->enter_raw, c->enter_raw_len, &c->enter, &why) < 0)
			c->enter.nparams = 0;
		c->enter.num = 0;
		c->enter.cpu = c->ev ? c->ev->cpu : 0;
		c->enter_decoded = true;
	}
	return &c->enter;
}

int rt_cur_param(struct rt_state *st, const struct rt_event *ev, const char *name,
		 const struct rt_event **from)
{
	int i = rt_param_index(ev, name);
	if (i >= 0 && (unsigned)i < ev->nparams) {
		*from = ev;
		return i;
	}
	if (ev == st->cur.ev && st->cur.has_enter) {
		const struct rt_event *en = rt_cur_enter(st);
		i = rt_param_index(en, name);
		if (i >= 0 && (unsigned)i < en->nparams) {
			*from = en;
			return i;
		}
	}
	return -1;
}

static void save_enter(struct rt_thread *th, const struct rt_event *ev)
{
	if (!ev->raw || !ev->raw_len)
		return;
	if (ev->raw_kept) {
		th->enter_ptr = ev->raw; /* no copy: the source keeps them */
	} else {
		if (th->enter_cap < ev->raw_len) {
			fc_free(th->enter_buf);
			th->enter_buf = fc_malloc(ev->raw_len);
			th->enter_cap = ev->raw_len;
		}
		memcpy(th->enter_buf, ev->raw, ev->raw_len);
		th->enter_ptr = th->enter_buf;
	}
	th->enter_len = ev->raw_len;
	th->enter_type = ev->type;
	th->has_enter = true;
}

void rt_state_pre(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_cur *c = &st->cur;
	st->seq++;
	c->ev = ev;
	c->fd = NULL;
	c->has_enter = false;
	c->enter_decoded = false;
	if (c->enter_keep) {
		fc_free(c->enter_keep);
		c->enter_keep = NULL;
	}
	c->fd_unknowable = false;
	c->skip_reset = false;
	c->remove_fd = -1;
	c->remove_fd_th = NULL;
	c->remove_tid = -1;

	struct rt_thread *th = st->last_th;
	if (!th || th->tid != (int64_t)ev->tid)
		th = rt_state_thread(st, (int64_t)ev->tid);
	if (!th) {
		/* libsinsp, reading a capture, invents a thread it knows
		 * nothing about; its comm prints as <NA>. */
		th = rt_thread_add(st, (int64_t)ev->tid);
		th->invalid = true;
		rt_setstr(&th->comm, "<NA>");
		rt_setstr(&th->exe, "<NA>");
	}
	c->th = th;
	st->last_th = th;
	const struct rt_evt_info *info = ev->info;
	if (!info) {
		return;
	}
	if (info->category & RT_EC_METAEVENT)
		return;
	/* A context switch is no syscall: libsinsp leaves the thread's
	 * pending enter event (and so the exit's latency) alone when one
	 * falls between a syscall's enter and exit. */
	if ((info->flags & RT_EF_SKIPPARSERESET) || (info->category & RT_EC_SCHEDULER)) {
		c->skip_reset = true;
		rt_parse_event(st, ev);
		return;
	}

	if (!info->exit) {
		th->lastevent_fd = -1;
		th->latency = 0;
		if (info->flags & RT_EF_USES_FD) {
			int64_t fd;
			/* The fd is the first parameter of every enter event
			 * that uses one (libsinsp relies on it, so do we). */
			if (ev->nparams > 0 && info->nparams > 0 &&
			    info->params[0].type == RT_PT_FD && rt_param_s64(ev, 0, &fd)) {
				th->lastevent_fd = fd;
				c->fd = rt_state_fd(st, th, fd);
			} else {
				c->fd_unknowable = true;
			}
		}
	} else {
		if (th->has_enter && th->enter_type + 1 == ev->type) {
			/* save_enter() copied an event that decoded, so it
			 * pairs; its parameters are decoded on demand */
			c->has_enter = true;
			c->enter_raw = th->enter_ptr;
			c->enter_raw_len = th->enter_len;
			memcpy(&c->enter_ts, th->enter_ptr, sizeof(c->enter_ts));
		}
		th->latency = c->has_enter ? ev->ts - c->enter_ts : 0;
		if (info->flags & RT_EF_USES_FD) {
			/* An enter event that uses an fd but carries none
			 * (mmap's first parameter is an address) leaves it
			 * unknowable. One that uses none (setsockopt's, which
			 * has no parameters in old captures) left the fd at -1,
			 * and the exit has fd fields: fd.num -1, fd.name "". */
			const struct rt_evt_info *ei = c->has_enter ? rt_evt_info(th->enter_type) : NULL;
			if (c->has_enter &&
			    (!ei || ((ei->flags & RT_EF_USES_FD) &&
				     (!ei->nparams || ei->params[0].type != RT_PT_FD))))
				c->fd_unknowable = true;
			if (!c->has_enter) {
				/* No enter event (modern probes drop them): the
				 * exit carries the fd. */
				int i = rt_param_index(ev, "fd");
				int64_t fd;
				if (i >= 0 && ev->info->params[i].type == RT_PT_FD &&
				    rt_param_s64(ev, (unsigned)i, &fd))
					th->lastevent_fd = fd;
				else
					th->lastevent_fd = -1;
			}
			c->fd = rt_state_fd(st, th, th->lastevent_fd);
		}
	}
	rt_parse_event(st, ev);
	if (!info->exit && c->th)
		save_enter(c->th, ev);
}

void rt_state_post(struct rt_state *st, const struct rt_event *ev)
{
	struct rt_cur *c = &st->cur;
	(void)ev;
	if (c->remove_fd >= 0 && c->remove_fd_th) {
		if (c->fd && c->fd->fd == c->remove_fd)
			c->fd = NULL;
		rt_fd_remove(st, c->remove_fd_th, c->remove_fd);
	}
	if (c->remove_tid >= 0)
		rt_thread_remove(st, c->remove_tid);
	c->remove_fd = -1;
	c->remove_fd_th = NULL;
	c->remove_tid = -1;
	c->fd = NULL;
	c->ev = NULL;
}
