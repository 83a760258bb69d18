// SPDX-License-Identifier: Apache-2.0
/*
 * procfs: seed the state from /proc, as libscap's proc scan does.
 *
 * Two passes over /proc: first every thread of every process (so each
 * fd's owner exists when its fd arrives), then the fd table of each
 * process that survived pass one. Socket fds are resolved by inode in
 * the /proc/PID/net tables of the process's network namespace; each
 * namespace's tables are read once and kept in a small open-addressing
 * hash keyed by inode (struct socktab) until the scan ends.
 *
 * Field choices follow libscap (scap_procs.c, scap_fds.c): exe is argv[0]
 * and args argv[1..] with their NULs; uid/gid are the effective ids of
 * /proc/PID/task/TID/status; ptid is PPid; vtid/vpid the last NSpid /
 * NStgid entries; threads other than the leader get CLONE_THREAD |
 * CLONE_FILES and share the leader's fd table.
 */
#include "procfs.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "arena.h"

#define PPM_CL_CLONE_FILES (1u << 0)
#define PPM_CL_CLONE_THREAD (1u << 13)

#define PROCFS_ARGS_MAX 4096 /* libscap's SCAP_MAX_ARGS_SIZE */
#define PROCFS_PATH_MAX 4096

/* scap_l4_proto */
enum { L4_UNKNOWN = 0, L4_TCP = 2, L4_UDP = 3, L4_ICMP = 4, L4_RAW = 5 };

struct scan {
	const struct procfs_opts *o;
	const char *proc, *etc;
	const struct procfs_sink *sink;
	struct procfs_stats *stats;
	uint64_t boot_ns, hz;
	struct netns *netns;
	char cg2_ctrls[512]; /* cgroup v2 controllers, space separated */
	bool cg2_read;
};

/* ---- small file helpers ---- */

/* Read a whole (small) file into buf, NUL-terminated; returns its length
 * or -1. At most cap - 1 bytes. */
static ssize_t read_all(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	if (fd < 0)
		return -1;
	while (n + 1 < cap) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

static bool read_link(const char *path, char *buf, size_t cap)
{
	ssize_t n = readlink(path, buf, cap - 1);
	if (n < 0) {
		buf[0] = '\0';
		return false;
	}
	buf[n] = '\0';
	return true;
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ---- open flags ---- */

/* The kernel's values (asm-generic), which /proc/PID/fdinfo shows; glibc
 * defines O_LARGEFILE as 0 on 64-bit targets. */
#define K_O_LARGEFILE 0100000
#define K_O_DIRECT 040000
#define K_O_DIRECTORY 0200000
#define K_O_CLOEXEC 02000000
#define K_O_TMPFILE (020000000 | K_O_DIRECTORY)
#define K_O_DSYNC 010000
#define K_O_SYNC (04000000 | K_O_DSYNC)

uint32_t procfs_open_flags(uint32_t f)
{
	uint32_t r = 0;

	switch (f & O_ACCMODE) {
	case O_WRONLY: r |= 1u << 1; break;
	case O_RDWR: r |= 3u; break;
	default: r |= 1u << 0; break;
	}
	if (f & O_CREAT)
		r |= 1u << 2;
	if (f & O_APPEND)
		r |= 1u << 3;
	if ((f & K_O_SYNC) == K_O_SYNC)
		r |= 1u << 7;
	else if (f & K_O_DSYNC)
		r |= 1u << 4;
	if (f & O_EXCL)
		r |= 1u << 5;
	if (f & O_NONBLOCK)
		r |= 1u << 6;
	if (f & O_TRUNC)
		r |= 1u << 8;
	if (f & K_O_DIRECT)
		r |= 1u << 9;
	if ((f & K_O_TMPFILE) == K_O_TMPFILE)
		r |= 1u << 13;
	else if (f & K_O_DIRECTORY)
		r |= 1u << 10;
	if (f & K_O_LARGEFILE)
		r |= 1u << 11;
	if (f & K_O_CLOEXEC)
		r |= 1u << 12;
	return r;
}

/* The kernel's new_encode_dev(), the form the driver's "dev" params use. */
static uint32_t encode_dev(dev_t d)
{
	uint32_t ma = major(d), mi = minor(d);
	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

/* ---- sockets, per network namespace ---- */

struct sockent {
	uint64_t ino; /* 0: empty slot */
	struct rt_fd_info fi;
	char name[256];
};

struct socktab {
	struct sockent *e;
	size_t cap, n;
};

struct netns {
	uint64_t ino;
	struct socktab tab;
	struct netns *next;
};

static size_t sock_slot(const struct socktab *t, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 20) & (t->cap - 1);
}

static struct sockent *sock_find(struct socktab *t, uint64_t ino)
{
	if (!t->cap)
		return NULL;
	for (size_t i = sock_slot(t, ino);; i = (i + 1) & (t->cap - 1)) {
		if (t->e[i].ino == ino)
			return &t->e[i];
		if (!t->e[i].ino)
			return NULL;
	}
}

static struct sockent *sock_add(struct socktab *t, uint64_t ino)
{
	if ((t->n + 1) * 2 > t->cap) {
		struct socktab nt = { 0 };
		nt.cap = t->cap ? t->cap * 2 : 256;
		nt.e = fc_malloc(nt.cap * sizeof(*nt.e));
		memset(nt.e, 0, nt.cap * sizeof(*nt.e));
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->e[i].ino)
				continue;
			size_t j = sock_slot(&nt, t->e[i].ino);
			while (nt.e[j].ino)
				j = (j + 1) & (nt.cap - 1);
			nt.e[j] = t->e[i];
		}
		nt.n = t->n;
		fc_free(t->e);
		*t = nt;
	}
	size_t i = sock_slot(t, ino);
	while (t->e[i].ino && t->e[i].ino != ino)
		i = (i + 1) & (t->cap - 1);
	if (!t->e[i].ino)
		t->n++;
	memset(&t->e[i], 0, sizeof(t->e[i]));
	t->e[i].ino = ino;
	return &t->e[i];
}

static void hex_words(const char *hex, uint8_t *out, unsigned nwords)
{
	for (unsigned w = 0; w < nwords; w++) {
		char tmp[9];
		memcpy(tmp, hex + 8 * w, 8);
		tmp[8] = '\0';
		/* the kernel prints each 32-bit word as a host-order number of
		 * network-order bytes: copying it back restores the bytes */
		uint32_t v = (uint32_t)strtoul(tmp, NULL, 16);
		memcpy(out + 4 * w, &v, 4);
	}
}

static void ip_text(char *out, size_t n, const uint8_t *ip, bool v6)
{
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, ip, out, (socklen_t)n))
		snprintf(out, n, "?");
}

/* /proc/net/{tcp,udp,raw}{,6}: "sl local rem st ... uid timeout inode". */
static void load_inet(struct socktab *t, const char *path, bool v6, uint8_t l4)
{
	FILE *f = fopen(path, "re");
	char line[512];
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) { /* header */
		fclose(f);
		return;
	}
	size_t alen = v6 ? 32 : 8;
	while (fgets(line, sizeof(line), f)) {
		char loc[40], rem[40];
		unsigned lport, rport, st;
		unsigned long long ino;
		if (sscanf(line, " %*[0-9]: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*s %*s %*s %*s %*s %llu",
			   loc, &lport, rem, &rport, &st, &ino) != 6 ||
		    !ino || strlen(loc) != alen || strlen(rem) != alen)
			continue;
		struct sockent *e = sock_add(t, ino);
		struct rt_fd_info *fi = &e->fi;
		uint8_t sip[16] = { 0 }, dip[16] = { 0 };
		hex_words(loc, sip, v6 ? 4 : 1);
		hex_words(rem, dip, v6 ? 4 : 1);
		fi->ino = ino;
		fi->l4proto = l4;
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
		ip_text(a, sizeof(a), sip, v6);
		static const uint8_t zero[16];
		if (!memcmp(dip, zero, 16) && rport == 0) {
			/* no peer: libscap files it as a server socket */
			fi->type = v6 ? RT_FD_IPV6_SERVSOCK : RT_FD_IPV4_SERVSOCK;
			memcpy(fi->sip, sip, 16);
			fi->sport = (uint16_t)lport;
			snprintf(e->name, sizeof(e->name), "%s:%u", a, lport);
		} else {
			fi->type = v6 ? RT_FD_IPV6_SOCK : RT_FD_IPV4_SOCK;
			memcpy(fi->sip, sip, 16);
			memcpy(fi->dip, dip, 16);
			fi->sport = (uint16_t)lport;
			fi->dport = (uint16_t)rport;
			ip_text(b, sizeof(b), dip, v6);
			snprintf(e->name, sizeof(e->name), "%s:%u->%s:%u", a, lport, b, rport);
		}
	}
	fclose(f);
}

/* /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]". */
static void load_unix(struct socktab *t, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long num, ino;
		int off = 0;
		chomp(line);
		if (sscanf(line, "%llx: %*x %*x %*x %*x %*x %llu%n", &num, &ino, &off) != 2 || !ino)
			continue;
		const char *p = line + off;
		while (*p == ' ')
			p++;
		struct sockent *e = sock_add(t, ino);
		e->fi.type = RT_FD_UNIX_SOCK;
		e->fi.ino = ino;
		e->fi.unix_source = num;
		snprintf(e->name, sizeof(e->name), "%s", p);
	}
	fclose(f);
}

/* /proc/net/netlink: "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode". */
static void load_netlink(struct socktab *t, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512];
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long ino;
		if (sscanf(line, "%*x %*d %*u %*x %*u %*u %*u %*d %*u %llu", &ino) != 1 || !ino)
			continue;
		struct sockent *e = sock_add(t, ino);
		e->fi.type = RT_FD_NETLINK;
		e->fi.ino = ino;
	}
	fclose(f);
}

static struct socktab *netns_tables(struct scan *s, int64_t pid)
{
	char path[256], link[128];
	uint64_t ino = 0;
	snprintf(path, sizeof(path), "%s/%" PRId64 "/ns/net", s->proc, pid);
	if (read_link(path, link, sizeof(link)))
		sscanf(link, "net:[%" SCNu64 "]", &ino);
	for (struct netns *n = s->netns; n; n = n->next)
		if (n->ino == ino)
			return &n->tab;
	struct netns *n = fc_malloc(sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->ino = ino;
	n->next = s->netns;
	s->netns = n;
	static const struct {
		const char *file;
		bool v6;
		uint8_t l4;
	} inet[] = {
		{ "tcp", false, L4_TCP }, { "tcp6", true, L4_TCP }, { "udp", false, L4_UDP },
		{ "udp6", true, L4_UDP }, { "raw", false, L4_RAW }, { "raw6", true, L4_RAW },
	};
	for (size_t i = 0; i < sizeof(inet) / sizeof(inet[0]); i++) {
		snprintf(path, sizeof(path), "%s/%" PRId64 "/net/%s", s->proc, pid, inet[i].file);
		load_inet(&n->tab, path, inet[i].v6, inet[i].l4);
	}
	snprintf(path, sizeof(path), "%s/%" PRId64 "/net/unix", s->proc, pid);
	load_unix(&n->tab, path);
	snprintf(path, sizeof(path), "%s/%" PRId64 "/net/netlink", s->proc, pid);
	load_netlink(&n->tab, path);
	return &n->tab;
}

static void netns_free(struct scan *s)
{
	struct netns *n = s->netns, *nx;
	for (; n; n = nx) {
		nx = n->next;
		fc_free(n->tab.e);
		fc_free(n);
	}
	s->netns = NULL;
}

/* ---- fds ---- */

static enum rt_fd_type anon_type(const char *t)
{
	static const struct {
		const char *prefix;
		enum rt_fd_type type;
	} m[] = {
		{ "anon_inode:[eventfd]", RT_FD_EVENT },
		{ "anon_inode:[signalfd]", RT_FD_SIGNALFD },
		{ "anon_inode:[eventpoll]", RT_FD_EVENTPOLL },
		{ "anon_inode:inotify", RT_FD_INOTIFY },
		{ "anon_inode:[timerfd]", RT_FD_TIMERFD },
		{ "anon_inode:bpf", RT_FD_BPF },
		{ "anon_inode:[userfaultfd]", RT_FD_USERFAULTFD },
		{ "anon_inode:[io_uring]", RT_FD_IOURING },
		{ "anon_inode:[pidfd]", RT_FD_PIDFD },
		{ "pipe:", RT_FD_FIFO },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strncmp(t, m[i].prefix, strlen(m[i].prefix)))
			return m[i].type;
	return RT_FD_UNSUPPORTED;
}

static int scan_fds(struct scan *s, int64_t pid)
{
	char dir[128], path[512], target[PROCFS_PATH_MAX], info[512];
	snprintf(dir, sizeof(dir), "%s/%" PRId64 "/fd", s->proc, pid);
	DIR *d = opendir(dir);
	if (!d) {
		s->stats->vanished++;
		return 0;
	}
	struct socktab *socks = NULL;
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d))) {
		if (!all_digits(de->d_name))
			continue;
		struct rt_fd_info fi;
		struct stat sb;
		memset(&fi, 0, sizeof(fi));
		fi.tid = (uint64_t)pid;
		fi.fd = strtoll(de->d_name, NULL, 10);
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!read_link(path, target, sizeof(target))) {
			s->stats->fd_unreadable++;
			continue;
		}
		bool have_stat = stat(path, &sb) == 0;
		fi.ino = have_stat ? sb.st_ino : 0;
		fi.name = target;

		/* flags and mount id */
		snprintf(path, sizeof(path), "%s/%" PRId64 "/fdinfo/%s", s->proc, pid, de->d_name);
		if (read_all(path, info, sizeof(info)) > 0) {
			char *p = strstr(info, "flags:");
			if (p)
				fi.open_flags = procfs_open_flags((uint32_t)strtoul(p + 6, NULL, 8));
			p = strstr(info, "mnt_id:");
			if (p)
				fi.mount_id = (uint32_t)strtoul(p + 7, NULL, 10);
		}

		if (have_stat && S_ISSOCK(sb.st_mode)) {
			if (!socks)
				socks = netns_tables(s, pid);
			struct sockent *e = sock_find(socks, sb.st_ino);
			if (e) {
				uint32_t fl = fi.open_flags, mnt = fi.mount_id;
				fi = e->fi;
				fi.tid = (uint64_t)pid;
				fi.fd = strtoll(de->d_name, NULL, 10);
				fi.open_flags = fl;
				fi.mount_id = mnt;
				fi.name = e->name;
			} else {
				/* a socket family we do not read, or one created
				 * after the tables were read: kept, typed unknown */
				s->stats->sock_unresolved++;
				fi.type = RT_FD_UNKNOWN;
			}
		} else if (target[0] == '/' && have_stat) {
			if (S_ISDIR(sb.st_mode))
				fi.type = RT_FD_DIRECTORY;
			else if (S_ISFIFO(sb.st_mode))
				fi.type = RT_FD_FIFO;
			else if (!strncmp(target, "/memfd:", 7))
				fi.type = RT_FD_MEMFD;
			else
				fi.type = RT_FD_FILE_V2;
			fi.dev = encode_dev(sb.st_dev);
		} else if (target[0] == '/') {
			fi.type = RT_FD_FILE_V2; /* deleted or unreachable: still a file */
		} else {
			fi.type = anon_type(target);
		}
		if (s->sink->fd)
			rc = s->sink->fd(s->sink->ctx, &fi);
		s->stats->fds++;
	}
	closedir(d);
	return rc;
}

/* ---- processes ---- */

/* Fields of /proc/.../status we use. */
struct status {
	int64_t tgid, ppid, vtid, vpid;
	uint32_t uid, gid;
	uint64_t capinh, capprm, capeff;
	uint64_t vmsize, vmrss, vmswap;
};

static uint64_t last_num(const char *p)
{
	uint64_t v = 0;
	const char *e = p + strcspn(p, "\n");
	/* the last whitespace-separated number on the line */
	const char *q = e;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	while (q > p && q[-1] >= '0' && q[-1] <= '9')
		q--;
	v = strtoull(q, NULL, 10);
	return v;
}

static bool parse_status(const char *path, struct status *st)
{
	char buf[4096];
	if (read_all(path, buf, sizeof(buf)) <= 0)
		return false;
	memset(st, 0, sizeof(*st));
	st->vtid = st->vpid = -1;
	for (char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		unsigned a, b;
		if (!strncmp(l, "Tgid:", 5))
			st->tgid = strtoll(l + 5, NULL, 10);
		else if (!strncmp(l, "PPid:", 5))
			st->ppid = strtoll(l + 5, NULL, 10);
		else if (!strncmp(l, "Uid:", 4) && sscanf(l + 4, "%u %u", &a, &b) == 2)
			st->uid = b; /* effective, as libscap */
		else if (!strncmp(l, "Gid:", 4) && sscanf(l + 4, "%u %u", &a, &b) == 2)
			st->gid = b;
		else if (!strncmp(l, "NSpid:", 6))
			st->vtid = (int64_t)last_num(l + 6);
		else if (!strncmp(l, "NStgid:", 7))
			st->vpid = (int64_t)last_num(l + 7);
		else if (!strncmp(l, "CapInh:", 7))
			st->capinh = strtoull(l + 7, NULL, 16);
		else if (!strncmp(l, "CapPrm:", 7))
			st->capprm = strtoull(l + 7, NULL, 16);
		else if (!strncmp(l, "CapEff:", 7))
			st->capeff = strtoull(l + 7, NULL, 16);
		else if (!strncmp(l, "VmSize:", 7))
			st->vmsize = strtoull(l + 7, NULL, 10);
		else if (!strncmp(l, "VmRSS:", 6))
			st->vmrss = strtoull(l + 6, NULL, 10);
		else if (!strncmp(l, "VmSwap:", 7))
			st->vmswap = strtoull(l + 7, NULL, 10);
	}
	return true;
}

/* /proc/.../stat after the comm: state ppid pgrp session tty_nr tpgid
 * flags minflt cminflt majflt cmajflt ... starttime (field 22). */
struct pstat {
	int64_t pgrp, session;
	uint32_t tty;
	uint64_t minflt, majflt, starttime;
};

static bool parse_stat(const char *path, struct pstat *ps)
{
	char buf[1024];
	if (read_all(path, buf, sizeof(buf)) <= 0)
		return false;
	char *p = strrchr(buf, ')');
	if (!p)
		return false;
	long long pgrp, sess;
	int tty;
	unsigned long long minflt, majflt, start;
	if (sscanf(p + 2,
		   "%*c %*d %lld %lld %d %*d %*u %llu %*u %llu %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &pgrp, &sess, &tty, &minflt, &majflt, &start) != 6)
		return false;
	ps->pgrp = pgrp;
	ps->session = sess;
	ps->tty = (uint32_t)tty;
	ps->minflt = minflt;
	ps->majflt = majflt;
	ps->starttime = start;
	return true;
}

/* "subsys=path" entries, as libscap stores cgroups. v1 lines name their
 * controllers; the v2 line "0::/path" stands for every enabled v2
 * controller. */
static uint32_t read_cgroups(struct scan *s, int64_t pid, char *out, size_t cap)
{
	char path[128], buf[4096];
	uint32_t n = 0;
	snprintf(path, sizeof(path), "%s/%" PRId64 "/cgroup", s->proc, pid);
	if (read_all(path, buf, sizeof(buf)) <= 0)
		return 0;
	if (!s->cg2_read) {
		s->cg2_read = true;
		if (read_all("/sys/fs/cgroup/cgroup.controllers", s->cg2_ctrls, sizeof(s->cg2_ctrls)) < 0)
			s->cg2_ctrls[0] = '\0';
		chomp(s->cg2_ctrls);
	}
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char *c1 = strchr(l, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *cg = c2 + 1;
		char tmp[512];
		if (!*ctrls) {
			snprintf(tmp, sizeof(tmp), "%s", s->cg2_ctrls);
			ctrls = tmp;
		} else {
			snprintf(tmp, sizeof(tmp), "%s", ctrls);
			ctrls = tmp;
		}
		char *save = NULL;
		for (char *c = strtok_r(tmp, ", ", &save); c; c = strtok_r(NULL, ", ", &save)) {
			if (!strncmp(c, "name=", 5))
				continue;
			int k = snprintf(out + n, cap - n, "%s=%s", c, cg);
			if (k < 0 || (size_t)k + 1 >= cap - n)
				return n;
			n += (uint32_t)k + 1;
		}
	}
	return n;
}

static uint64_t read_fdlimit(struct scan *s, int64_t pid)
{
	char path[128], buf[4096];
	snprintf(path, sizeof(path), "%s/%" PRId64 "/limits", s->proc, pid);
	if (read_all(path, buf, sizeof(buf)) <= 0)
		return 0;
	char *p = strstr(buf, "Max open files");
	if (!p)
		return 0;
	p += strlen("Max open files");
	while (*p == ' ')
		p++;
	if (!strncmp(p, "unlimited", 9))
		return UINT64_MAX;
	return strtoull(p, NULL, 10);
}

/* What threads of one process share, read once per process. */
struct procdata {
	char cmdline[PROCFS_ARGS_MAX + 1];
	ssize_t cmdline_len;
	char env[PROCFS_ARGS_MAX + 1];
	ssize_t env_len;
	char exepath[PROCFS_PATH_MAX], cwd[PROCFS_PATH_MAX], root[PROCFS_PATH_MAX];
	char cgroups[PROCFS_ARGS_MAX];
	uint32_t cgroups_len;
	uint32_t loginuid;
	uint64_t fdlimit;
	struct stat exe_st;
	bool have_exe_st;
};

static int scan_thread(struct scan *s, int64_t pid, int64_t tid, const struct procdata *pd)
{
	char path[512], comm[64];
	struct status st;
	struct pstat ps = { 0 };
	struct rt_proc_info p;

	snprintf(path, sizeof(path), "%s/%" PRId64 "/task/%" PRId64 "/status", s->proc, pid, tid);
	if (!parse_status(path, &st)) {
		s->stats->vanished++;
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%" PRId64 "/task/%" PRId64 "/stat", s->proc, pid, tid);
	parse_stat(path, &ps);
	snprintf(path, sizeof(path), "%s/%" PRId64 "/task/%" PRId64 "/comm", s->proc, pid, tid);
	if (read_all(path, comm, sizeof(comm)) < 0)
		comm[0] = '\0';
	chomp(comm);

	memset(&p, 0, sizeof(p));
	p.tid = (uint64_t)tid;
	p.pid = (uint64_t)pid;
	p.ptid = (uint64_t)st.ppid;
	p.sid = (uint64_t)ps.session;
	p.pgid = p.vpgid = (uint64_t)ps.pgrp;
	p.vtid = (uint64_t)(st.vtid >= 0 ? st.vtid : tid);
	p.vpid = (uint64_t)(st.vpid >= 0 ? st.vpid : pid);
	p.comm = comm;
	/* exe is argv[0]; args the rest, every NUL kept */
	if (pd->cmdline_len > 0) {
		size_t l0 = strnlen(pd->cmdline, (size_t)pd->cmdline_len);
		p.exe = pd->cmdline;
		if ((ssize_t)l0 < pd->cmdline_len) {
			p.args = pd->cmdline + l0 + 1;
			p.args_len = (uint32_t)(pd->cmdline_len - (ssize_t)l0 - 1);
		}
	} else {
		p.exe = "";
	}
	p.exepath = pd->exepath;
	p.cwd = pd->cwd;
	p.root = pd->root;
	if (pd->env_len > 0) {
		p.env = pd->env;
		p.env_len = (uint32_t)pd->env_len;
	}
	p.cgroups = pd->cgroups;
	p.cgroups_len = pd->cgroups_len;
	p.fdlimit = pd->fdlimit;
	p.flags = tid != pid ? PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES : 0;
	p.uid = st.uid;
	p.gid = st.gid;
	p.loginuid = pd->loginuid;
	p.tty = ps.tty;
	p.cap_inheritable = st.capinh;
	p.cap_permitted = st.capprm;
	p.cap_effective = st.capeff;
	if (pd->have_exe_st) {
		p.exe_ino = pd->exe_st.st_ino;
		p.exe_ino_ctime = (uint64_t)pd->exe_st.st_ctim.tv_sec * 1000000000ull +
				  (uint64_t)pd->exe_st.st_ctim.tv_nsec;
		p.exe_ino_mtime = (uint64_t)pd->exe_st.st_mtim.tv_sec * 1000000000ull +
				  (uint64_t)pd->exe_st.st_mtim.tv_nsec;
	}
	if (s->hz)
		p.clone_ts = s->boot_ns + ps.starttime * (1000000000ull / s->hz);
	p.vmsize_kb = st.vmsize;
	p.vmrss_kb = st.vmrss;
	p.vmswap_kb = st.vmswap;
	p.pfmajor = ps.majflt;
	p.pfminor = ps.minflt;
	s->stats->threads++;
	return s->sink->proc ? s->sink->proc(s->sink->ctx, &p) : 0;
}

static int scan_proc(struct scan *s, int64_t pid, bool *alive)
{
	char path[256];
	struct procdata *pd = fc_malloc(sizeof(*pd));
	int rc = 0;

	memset(pd, 0, sizeof(*pd));
	*alive = false;
	snprintf(path, sizeof(path), "%s/%" PRId64 "/cmdline", s->proc, pid);
	pd->cmdline_len = read_all(path, pd->cmdline, sizeof(pd->cmdline));
	snprintf(path, sizeof(path), "%s/%" PRId64 "/environ", s->proc, pid);
	pd->env_len = read_all(path, pd->env, sizeof(pd->env));
	snprintf(path, sizeof(path), "%s/%" PRId64 "/exe", s->proc, pid);
	read_link(path, pd->exepath, sizeof(pd->exepath));
	pd->have_exe_st = pd->exepath[0] && stat(path, &pd->exe_st) == 0;
	snprintf(path, sizeof(path), "%s/%" PRId64 "/cwd", s->proc, pid);
	read_link(path, pd->cwd, sizeof(pd->cwd));
	snprintf(path, sizeof(path), "%s/%" PRId64 "/root", s->proc, pid);
	read_link(path, pd->root, sizeof(pd->root));
	char buf[32];
	snprintf(path, sizeof(path), "%s/%" PRId64 "/loginuid", s->proc, pid);
	pd->loginuid = read_all(path, buf, sizeof(buf)) > 0 ? (uint32_t)strtoul(buf, NULL, 10)
							   : UINT32_MAX;
	pd->cgroups_len = read_cgroups(s, pid, pd->cgroups, sizeof(pd->cgroups));
	pd->fdlimit = read_fdlimit(s, pid);

	/* the leader first, so its threads find it */
	snprintf(path, sizeof(path), "%s/%" PRId64 "/task/%" PRId64, s->proc, pid, pid);
	struct stat sb;
	if (stat(path, &sb) == 0) {
		rc = scan_thread(s, pid, pid, pd);
		*alive = true;
	}
	snprintf(path, sizeof(path), "%s/%" PRId64 "/task", s->proc, pid);
	DIR *d = opendir(path);
	if (!d) {
		if (!*alive)
			s->stats->vanished++;
		fc_free(pd);
		return rc;
	}
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		if (!all_digits(de->d_name))
			continue;
		int64_t tid = strtoll(de->d_name, NULL, 10);
		if (tid == pid)
			continue;
		rc = scan_thread(s, pid, tid, pd);
		*alive = true;
	}
	closedir(d);
	if (*alive)
		s->stats->procs++;
	fc_free(pd);
	return rc;
}

/* ---- users, groups, machine, interfaces ---- */

static int scan_users(struct scan *s)
{
	char path[PROCFS_PATH_MAX], *line = NULL;
	size_t cap = 0;
	int rc = 0;
	snprintf(path, sizeof(path), "%s/passwd", s->etc);
	FILE *f = fopen(path, "re");
	if (f) {
		while (!rc && getline(&line, &cap, f) > 0) {
			chomp(line);
			char *fld[7] = { 0 };
			char *p = line;
			int n = 0;
			for (; n < 7 && p; n++) {
				fld[n] = p;
				p = strchr(p, ':');
				if (p)
					*p++ = '\0';
			}
			if (n < 7 || line[0] == '#' || !all_digits(fld[2]) || !all_digits(fld[3]))
				continue;
			struct rt_user_info u = {
				.uid = (uint32_t)strtoul(fld[2], NULL, 10),
				.gid = (uint32_t)strtoul(fld[3], NULL, 10),
				.name = fld[0],
				.homedir = fld[5],
				.shell = fld[6],
			};
			s->stats->users++;
			if (s->sink->user)
				rc = s->sink->user(s->sink->ctx, &u);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/group", s->etc);
	f = rc ? NULL : fopen(path, "re");
	if (f) {
		while (!rc && getline(&line, &cap, f) > 0) {
			chomp(line);
			char *c1 = strchr(line, ':');
			char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (!c2 || line[0] == '#')
				continue;
			*c1 = '\0';
			char *c3 = strchr(c2 + 1, ':');
			if (c3)
				*c3 = '\0';
			if (!all_digits(c2 + 1))
				continue;
			struct rt_group_info g = { .gid = (uint32_t)strtoul(c2 + 1, NULL, 10), .name = line };
			s->stats->groups++;
			if (s->sink->group)
				rc = s->sink->group(s->sink->ctx, &g);
		}
		fclose(f);
	}
	free(line);
	return rc;
}

static int scan_machine(struct scan *s)
{
	struct scap_machine m;
	char host[256] = "";
	char buf[64];
	char path[256];

	memset(&m, 0, sizeof(m));
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	m.num_cpus = n > 0 ? (uint32_t)n : 1;
	m.memory_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "%s/sys/kernel/pid_max", s->proc);
	m.max_pid = read_all(path, buf, sizeof(buf)) > 0 ? strtoull(buf, NULL, 10) : 32768;
	gethostname(host, sizeof(host) - 1);
	m.hostname = host;
	m.boot_ts = s->boot_ns;
	return s->sink->machine ? s->sink->machine(s->sink->ctx, &m) : 0;
}

static int scan_ifaces(struct scan *s)
{
	struct ifaddrs *ifa = NULL;
	int rc = 0;
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (struct ifaddrs *i = ifa; i && !rc; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		int fam = i->ifa_addr->sa_family;
		if (fam != AF_INET && fam != AF_INET6)
			continue;
		struct scap_iface si;
		memset(&si, 0, sizeof(si));
		si.v6 = fam == AF_INET6;
		si.name = i->ifa_name;
		if (si.v6) {
			memcpy(si.addr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
			if (i->ifa_netmask)
				memcpy(si.netmask, &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr, 16);
		} else {
			memcpy(si.addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
			if (i->ifa_netmask)
				memcpy(si.netmask, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, 4);
			if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr)
				memcpy(si.bcast, &((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr, 4);
		}
		s->stats->ifaces++;
		if (s->sink->iface)
			rc = s->sink->iface(s->sink->ctx, &si);
	}
	freeifaddrs(ifa);
	return rc;
}

static void scan_init(struct scan *s, const struct procfs_opts *o, const struct procfs_sink *sink,
		      struct procfs_stats *stats)
{
	static const struct procfs_opts none;
	char path[256], buf[8192];

	memset(s, 0, sizeof(*s));
	s->o = o ? o : &none;
	s->proc = s->o->proc_root ? s->o->proc_root : "/proc";
	s->etc = s->o->etc_root ? s->o->etc_root : "/etc";
	s->sink = sink;
	s->stats = stats;
	memset(stats, 0, sizeof(*stats));
	long hz = sysconf(_SC_CLK_TCK);
	s->hz = hz > 0 ? (uint64_t)hz : 100;
	snprintf(path, sizeof(path), "%s/stat", s->proc);
	if (read_all(path, buf, sizeof(buf)) > 0) {
		char *p = strstr(buf, "\nbtime ");
		if (p)
			s->boot_ns = strtoull(p + 7, NULL, 10) * 1000000000ull;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int procfs_scan(const struct procfs_opts *o, const struct procfs_sink *sink,
		struct procfs_stats *stats)
{
	struct scan s;
	int rc;

	scan_init(&s, o, sink, stats);
	DIR *d = opendir(s.proc);
	if (!d)
		return -errno;

	rc = scan_machine(&s);
	if (!rc)
		rc = scan_ifaces(&s);
	if (!rc)
		rc = scan_users(&s);

	/* pids, sorted: parents usually come before their children */
	int64_t *pids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!all_digits(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			pids = fc_realloc(pids, cap * sizeof(*pids));
		}
		pids[n++] = strtoll(de->d_name, NULL, 10);
	}
	closedir(d);
	if (n)
		qsort(pids, n, sizeof(*pids), cmp_i64);

	size_t alive_n = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		bool alive;
		rc = scan_proc(&s, pids[i], &alive);
		if (alive)
			pids[alive_n++] = pids[i];
	}
	for (size_t i = 0; i < alive_n && !rc && !s.o->no_fds; i++)
		rc = scan_fds(&s, pids[i]);
	fc_free(pids);
	netns_free(&s);
	return rc;
}

int procfs_scan_pid(const struct procfs_opts *o, int64_t pid, const struct procfs_sink *sink,
		    struct procfs_stats *stats)
{
	struct scan s;
	bool alive;
	int rc;

	scan_init(&s, o, sink, stats);
	rc = scan_proc(&s, pid, &alive);
	if (!rc && alive && !s.o->no_fds)
		rc = scan_fds(&s, pid);
	netns_free(&s);
	return rc;
}

/* ---- the state sink ---- */

static int st_iface(void *ctx, const struct scap_iface *i)
{
	struct rt_iface_info ii = { .v6 = i->v6 };
	memcpy(ii.addr, i->addr, 16);
	rt_state_add_iface(ctx, &ii);
	return 0;
}

static int st_user(void *ctx, const struct rt_user_info *u)
{
	rt_state_add_user(ctx, u);
	return 0;
}

static int st_group(void *ctx, const struct rt_group_info *g)
{
	rt_state_add_group(ctx, g);
	return 0;
}

static int st_proc(void *ctx, const struct rt_proc_info *p)
{
	rt_state_add_proc(ctx, p);
	return 0;
}

static int st_fd(void *ctx, const struct rt_fd_info *f)
{
	rt_state_add_fd(ctx, f);
	return 0;
}

void procfs_state_sink(struct procfs_sink *sink, struct rt_state *st)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = st;
	sink->iface = st_iface;
	sink->user = st_user;
	sink->group = st_group;
	sink->proc = st_proc;
	sink->fd = st_fd;
}
