// SPDX-License-Identifier: Apache-2.0
/*
 * scap_write: the capture-file writer.
 *
 * State records are gathered into one pending block body (w->body) while
 * consecutive records are of the same kind (and, for fds, the same tid);
 * a record of another kind, an event or close flushes it with its header,
 * padding and trailer. Events are written straight away, one block each.
 *
 * Formats are chosen for sysdig 0.29 (libs 0.1.1, March 2022), which we
 * test against, and current libscap, which reads the same blocks:
 *   SHB 1.2, MI (180 bytes), IL v2, UL v2, PL v9, FDL v2, EV/EVF v2
 *   (the *_LARGE variants for large-payload events).
 * PL v9 entries end after the three capability sets, in the pre-libs-0.10
 * field order (loginuid first) that both readers agree on: libs 0.10
 * inserted two fields before loginuid and recognises old entries by
 * their at-most-29-byte tail, so writing the newer order would make
 * sysdig 0.29 misread loginuid.
 */
#include "scap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "arena.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_MI 0x201u
#define BT_PL_V9 0x215u
#define BT_FDL_V2 0x218u
#define BT_IL_V2 0x219u
#define BT_UL_V2 0x220u
#define BT_EV_V2 0x216u
#define BT_EVF_V2 0x217u
#define BT_EV_V2_LARGE 0x221u
#define BT_EVF_V2_LARGE 0x222u

/* libscap reader limits (scap_limits.h); longer strings are rejected. */
#define MAX_PATH 1023
#define MAX_ARGS 4096
#define MAX_CRED 255

enum pend { P_NONE, P_PL, P_FDL, P_UL, P_IL };

struct scap_writer {
	gzFile gz;
	enum pend pend;
	uint64_t pend_tid;
	uint8_t *body;
	size_t len, cap;
	bool failed;
	uint64_t truncated;
	char err[256];
};

static int wfail(struct scap_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int wfail(struct scap_writer *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	w->failed = true;
	return -1;
}

static int out(struct scap_writer *w, const void *p, size_t n)
{
	if (w->failed)
		return -1;
	if (n && gzwrite(w->gz, p, (unsigned)n) != (int)n) {
		int errnum;
		const char *m = gzerror(w->gz, &errnum);
		return wfail(w, "write failed: %s", errnum == Z_ERRNO ? strerror(errno) : m);
	}
	return 0;
}

/* Emit one block: header, body parts, zero padding to 4, trailer. */
static int block(struct scap_writer *w, uint32_t type, const void *a, size_t alen, const void *b,
		 size_t blen)
{
	static const uint8_t zero[4];
	size_t raw = 8 + alen + blen + 4;
	size_t total = (raw + 3) & ~(size_t)3;

	if (total > UINT32_MAX)
		return wfail(w, "block of %zu bytes is too large", total);
	uint32_t hdr[2] = { type, (uint32_t)total };
	uint32_t tl = (uint32_t)total;
	if (out(w, hdr, 8) || out(w, a, alen) || out(w, b, blen) || out(w, zero, total - raw) ||
	    out(w, &tl, 4))
		return -1;
	return 0;
}

/* ---- pending body ---- */

static int put(struct scap_writer *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		size_t c = w->cap ? w->cap : 65536;
		while (c < w->len + n)
			c *= 2;
		uint8_t *q = fc_realloc(w->body, c);
		if (!q)
			return wfail(w, "out of memory");
		w->body = q;
		w->cap = c;
	}
	memcpy(w->body + w->len, p, n);
	w->len += n;
	return 0;
}

#define PUT(w, v) put((w), &(v), sizeof(v))

static void put_u8(struct scap_writer *w, uint8_t v) { PUT(w, v); }
static void put_u16(struct scap_writer *w, uint16_t v) { PUT(w, v); }
static void put_u32(struct scap_writer *w, uint32_t v) { PUT(w, v); }
static void put_u64(struct scap_writer *w, uint64_t v) { PUT(w, v); }

/* A u16-length-prefixed string of n bytes, cut to max. */
static void put_strn(struct scap_writer *w, const char *s, size_t n, size_t max)
{
	if (!s)
		n = 0;
	if (n > max) {
		n = max;
		w->truncated++;
	}
	put_u16(w, (uint16_t)n);
	if (n)
		put(w, s, n);
}

static void put_str(struct scap_writer *w, const char *s, size_t max)
{
	put_strn(w, s, s ? strnlen(s, max + 1) : 0, max);
}

/* Patch a v2 entry's leading length once the entry is complete. */
static void patch_len(struct scap_writer *w, size_t at, uint32_t v)
{
	if (!w->failed)
		memcpy(w->body + at, &v, 4);
}

static int flush(struct scap_writer *w)
{
	static const uint32_t type[] = {
		[P_PL] = BT_PL_V9, [P_FDL] = BT_FDL_V2, [P_UL] = BT_UL_V2, [P_IL] = BT_IL_V2,
	};
	int rc = 0;

	if (w->pend != P_NONE && !w->failed) {
		if (w->pend == P_FDL)
			rc = block(w, type[w->pend], &w->pend_tid, 8, w->body, w->len);
		else
			rc = block(w, type[w->pend], w->body, w->len, NULL, 0);
	}
	w->pend = P_NONE;
	w->len = 0;
	return w->failed ? -1 : rc;
}

static int begin(struct scap_writer *w, enum pend p, uint64_t tid)
{
	if (w->failed)
		return -1;
	if (w->pend != p || (p == P_FDL && w->pend_tid != tid))
		if (flush(w) < 0)
			return -1;
	w->pend = p;
	w->pend_tid = tid;
	return 0;
}

/* ---- public ---- */

struct scap_writer *scap_writer_open(const char *path, bool compress, char **err)
{
	struct scap_writer *w = fc_malloc(sizeof(*w));

	if (!w)
		return NULL;
	memset(w, 0, sizeof(*w));
	/* "T": zlib's transparent (uncompressed) mode, so both go through gz. */
	w->gz = gzopen(path, compress ? "wb6" : "wbT");
	if (!w->gz) {
		if (err) {
			char buf[512];
			snprintf(buf, sizeof(buf), "%s: %s", path, errno ? strerror(errno) : "cannot open");
			*err = fc_malloc(strlen(buf) + 1);
			if (*err)
				strcpy(*err, buf);
		}
		fc_free(w);
		return NULL;
	}
	/* Section header 1.2, section length unknown (-1), no options. */
	uint8_t shb[16];
	uint32_t magic = 0x1A2B3C4Du;
	uint16_t major = 1, minor = 2;
	uint64_t slen = UINT64_MAX;
	memcpy(shb, &magic, 4);
	memcpy(shb + 4, &major, 2);
	memcpy(shb + 6, &minor, 2);
	memcpy(shb + 8, &slen, 8);
	block(w, BT_SHB, shb, sizeof(shb), NULL, 0);
	return w;
}

int scap_write_machine(struct scap_writer *w, const struct scap_machine *m)
{
	uint8_t b[180] = { 0 };

	if (flush(w) < 0)
		return -1;
	memcpy(b, &m->num_cpus, 4);
	memcpy(b + 4, &m->memory_bytes, 8);
	memcpy(b + 12, &m->max_pid, 8);
	if (m->hostname)
		strncpy((char *)b + 20, m->hostname, 127); /* NUL-padded, like libscap */
	memcpy(b + 148, &m->boot_ts, 8);
	memcpy(b + 156, &m->flags, 8);
	memcpy(b + 164, &m->reserved[0], 8);
	memcpy(b + 172, &m->reserved[1], 8);
	return block(w, BT_MI, b, sizeof(b), NULL, 0);
}

int scap_write_iface(struct scap_writer *w, const struct scap_iface *i)
{
	size_t alen = i->v6 ? 16 : 4;
	uint16_t type = i->v6 ? (i->has_linkspeed ? 2 : 4) : (i->has_linkspeed ? 1 : 3);

	if (begin(w, P_IL, 0) < 0)
		return -1;
	size_t at = w->len;
	put_u32(w, 0);
	put_u16(w, type);
	size_t nl = i->name ? strnlen(i->name, MAX_PATH + 1) : 0;
	if (nl > MAX_PATH) {
		nl = MAX_PATH;
		w->truncated++;
	}
	put_u16(w, (uint16_t)nl);
	put(w, i->addr, alen);
	put(w, i->netmask, alen);
	put(w, i->bcast, alen);
	if (i->has_linkspeed)
		put_u64(w, i->linkspeed);
	if (nl)
		put(w, i->name, nl);
	/* The interface entry length excludes its own u32. */
	patch_len(w, at, (uint32_t)(w->len - at - 4));
	return w->failed ? -1 : 0;
}

int scap_write_user(struct scap_writer *w, const struct rt_user_info *u)
{
	if (begin(w, P_UL, 0) < 0)
		return -1;
	size_t at = w->len;
	put_u32(w, 0);
	put_u8(w, 0);
	put_u32(w, u->uid);
	put_u32(w, u->gid);
	put_str(w, u->name, MAX_CRED);
	put_str(w, u->homedir, MAX_CRED);
	put_str(w, u->shell, MAX_CRED);
	patch_len(w, at, (uint32_t)(w->len - at));
	return w->failed ? -1 : 0;
}

int scap_write_group(struct scap_writer *w, const struct rt_group_info *g)
{
	if (begin(w, P_UL, 0) < 0)
		return -1;
	size_t at = w->len;
	put_u32(w, 0);
	put_u8(w, 1);
	put_u32(w, g->gid);
	put_str(w, g->name, MAX_CRED);
	patch_len(w, at, (uint32_t)(w->len - at));
	return w->failed ? -1 : 0;
}

int scap_write_proc(struct scap_writer *w, const struct rt_proc_info *p)
{
	if (begin(w, P_PL, 0) < 0)
		return -1;
	size_t at = w->len;
	put_u32(w, 0);
	put_u64(w, p->tid);
	put_u64(w, p->pid);
	put_u64(w, p->ptid);
	put_u64(w, p->sid);
	put_u64(w, p->vpgid);
	put_str(w, p->comm, MAX_PATH);
	put_str(w, p->exe, MAX_PATH);
	put_str(w, p->exepath, MAX_PATH);
	put_strn(w, p->args, p->args_len, MAX_ARGS);
	put_str(w, p->cwd, MAX_PATH);
	put_u64(w, p->fdlimit);
	put_u32(w, p->flags);
	put_u32(w, p->uid);
	put_u32(w, p->gid);
	put_u32(w, (uint32_t)p->vmsize_kb);
	put_u32(w, (uint32_t)p->vmrss_kb);
	put_u32(w, (uint32_t)p->vmswap_kb);
	put_u64(w, p->pfmajor);
	put_u64(w, p->pfminor);
	put_strn(w, p->env, p->env_len, MAX_ARGS);
	put_u64(w, p->vtid);
	put_u64(w, p->vpid);
	put_strn(w, p->cgroups, p->cgroups_len, MAX_ARGS);
	put_str(w, p->root, MAX_PATH);
	put_u32(w, p->loginuid);
	put_u8(w, p->exe_writable);
	put_u64(w, p->cap_inheritable);
	put_u64(w, p->cap_permitted);
	put_u64(w, p->cap_effective);
	patch_len(w, at, (uint32_t)(w->len - at));
	return w->failed ? -1 : 0;
}

int scap_write_fd(struct scap_writer *w, const struct rt_fd_info *f)
{
	/* rt_fd_type is scap_fd_type + 1 (see scap_read.c). */
	uint8_t t = f->type > RT_FD_UNINITIALIZED ? (uint8_t)(f->type - 1) : 0;

	if (begin(w, P_FDL, f->tid) < 0)
		return -1;
	size_t at = w->len;
	put_u32(w, 0);
	put_u64(w, (uint64_t)f->fd);
	put_u64(w, f->ino);
	put_u8(w, t);
	switch (f->type) {
	case RT_FD_IPV4_SOCK:
		put(w, f->sip, 4);
		put(w, f->dip, 4);
		put_u16(w, f->sport);
		put_u16(w, f->dport);
		put_u8(w, f->l4proto);
		break;
	case RT_FD_IPV4_SERVSOCK:
		put(w, f->sip, 4);
		put_u16(w, f->sport);
		put_u8(w, f->l4proto);
		break;
	case RT_FD_IPV6_SOCK:
		put(w, f->sip, 16);
		put(w, f->dip, 16);
		put_u16(w, f->sport);
		put_u16(w, f->dport);
		put_u8(w, f->l4proto);
		break;
	case RT_FD_IPV6_SERVSOCK:
		put(w, f->sip, 16);
		put_u16(w, f->sport);
		put_u8(w, f->l4proto);
		break;
	case RT_FD_UNIX_SOCK:
		put_u64(w, f->unix_source);
		put_u64(w, f->unix_dest);
		put_str(w, f->name, MAX_PATH);
		break;
	case RT_FD_FILE_V2:
		put_u32(w, f->open_flags);
		put_str(w, f->name, MAX_PATH);
		put_u32(w, f->dev);
		break;
	case RT_FD_UNINITIALIZED:
	case RT_FD_UNKNOWN:
		break;
	default:
		put_str(w, f->name, MAX_PATH);
		break;
	}
	patch_len(w, at, (uint32_t)(w->len - at));
	return w->failed ? -1 : 0;
}

int scap_write_event(struct scap_writer *w, const struct rt_event *ev)
{
	uint8_t pre[6];
	bool large = ev->info && (ev->info->flags & RT_EF_LARGE_PAYLOAD);
	uint32_t type;

	if (flush(w) < 0)
		return -1;
	if (!ev->raw || ev->raw_len < RT_EVT_HDR_LEN)
		return wfail(w, "event %llu has no raw bytes", (unsigned long long)ev->num);
	memcpy(pre, &ev->cpu, 2);
	if (ev->flags) {
		memcpy(pre + 2, &ev->flags, 4);
		type = large ? BT_EVF_V2_LARGE : BT_EVF_V2;
	} else {
		type = large ? BT_EV_V2_LARGE : BT_EV_V2;
	}
	return block(w, type, pre, ev->flags ? 6 : 2, ev->raw, ev->raw_len);
}

int scap_write_record(struct scap_writer *w, const struct scap_record *rec)
{
	switch (rec->kind) {
	case SCAP_REC_EVENT: return scap_write_event(w, &rec->ev);
	case SCAP_REC_PROC: return scap_write_proc(w, &rec->proc);
	case SCAP_REC_FD: return scap_write_fd(w, &rec->fd);
	case SCAP_REC_USER: return scap_write_user(w, &rec->user);
	case SCAP_REC_GROUP: return scap_write_group(w, &rec->group);
	case SCAP_REC_IFACE: return scap_write_iface(w, &rec->iface);
	case SCAP_REC_MACHINE: return scap_write_machine(w, &rec->machine);
	default: return wfail(w, "cannot write a record of kind %d", (int)rec->kind);
	}
}

int scap_writer_close(struct scap_writer *w, char **err)
{
	int rc = flush(w);

	if (gzclose(w->gz) != Z_OK && !w->failed)
		rc = wfail(w, "close failed: %s", strerror(errno));
	if (w->failed) {
		rc = -1;
		if (err) {
			*err = fc_malloc(strlen(w->err) + 1);
			if (*err)
				strcpy(*err, w->err);
		}
	}
	fc_free(w->body);
	fc_free(w);
	return rc;
}

const char *scap_writer_error(const struct scap_writer *w)
{
	return w->err;
}

uint64_t scap_writer_truncated(const struct scap_writer *w)
{
	return w->truncated;
}
