// SPDX-License-Identifier: Apache-2.0
/*
 * scap_read: the capture-file reader.
 *
 * The reader takes one whole block at a time (body, padding and trailer;
 * the trailer is checked against the header) and then hands
 * out its entries one scap_next() call at a time: a process list block
 * yields one PROC record per entry, an fd list one FD record per entry,
 * and so on; an event block yields one EVENT. r->pos is the cursor inside
 * the current block's body, r->blk_kind says which parser owns it.
 *
 * Where the block bytes come from: a plain capture file is mapped into
 * memory and r->b points straight into the mapping (no copy per event:
 * replay throughput is bounded by this loop); a gzip file, or anything
 * that cannot be mapped (a pipe), is read through zlib into r->blk.
 *
 * Strings in state blocks are length-prefixed and not NUL-terminated, so
 * each record's strings are copied, terminated, into r->scratch. Before
 * an entry is parsed the scratch buffer is grown to hold the whole block
 * body plus terminators, so it never moves while one record is built.
 *
 * Every read goes through struct cur, a bounds-checked cursor: a field
 * that does not fit sets cur.bad instead of reading, and the entry is
 * then reported as truncated at its offset. Layouts follow libscap's
 * savefile reader (block versions documented at each parser).
 */
#include "scap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "arena.h"

/* Block types (libscap scap_savefile.h). The *_INT values are the
 * pre-release numbers libscap still accepts. */
#define BT_SHB 0x0A0D0D0Au
#define BT_MI 0x201u
#define BT_MI_INT 0x8002ABCDu
#define BT_PL_V1 0x202u
#define BT_PL_V1_INT 0x8000ABCDu
#define BT_PL_V2 0x207u
#define BT_PL_V2_INT 0x8013ABCDu
#define BT_PL_V3 0x209u
#define BT_PL_V3_INT 0x8014ABCDu
#define BT_PL_V4 0x210u
#define BT_PL_V5 0x211u
#define BT_PL_V6 0x212u
#define BT_PL_V7 0x213u
#define BT_PL_V8 0x214u
#define BT_PL_V9 0x215u
#define BT_FDL 0x203u
#define BT_FDL_INT 0x8001ABCDu
#define BT_FDL_V2 0x218u
#define BT_EV 0x204u
#define BT_EV_INT 0x8010ABCDu
#define BT_EV_V2 0x216u
#define BT_EV_V2_LARGE 0x221u
#define BT_EVF 0x208u
#define BT_EVF_V2 0x217u
#define BT_EVF_V2_LARGE 0x222u
#define BT_IL 0x205u
#define BT_IL_INT 0x8011ABCDu
#define BT_IL_V2 0x219u
#define BT_UL 0x206u
#define BT_UL_INT 0x8012ABCDu
#define BT_UL_V2 0x220u

#define SHB_MAGIC 0x1A2B3C4Du
#define SHB_MAGIC_SWAPPED 0x4D3C2B1Au
#define SCAP_MAJOR 1

/* A block larger than this is treated as corrupt rather than allocated:
 * libscap's largest legitimate blocks (large-payload events, big process
 * lists) stay far below it. */
#define MAX_BLOCK_LEN (256u << 20)
/* gz input is read in chunks of this size, so a corrupt length in a
 * truncated file costs memory proportional to the data actually there. */
#define READ_CHUNK (1u << 20)

#define V1_EVT_HDR_LEN 22 /* the 26-byte header without nparams */
#define PPME_NOTIFICATION_E 280
#define PPME_INFRASTRUCTURE_EVENT_E 286

enum blk_kind { K_NONE, K_PL, K_FDL, K_UL, K_IL };

struct scap_reader {
	gzFile gz;
	const uint8_t *mem;
	size_t mem_len, mem_pos;
	uint64_t off; /* uncompressed offset of the next unread byte */

	const uint8_t *b; /* current block, from its header to its trailer */
	uint8_t *blk;     /* owned buffer behind b when reading through zlib */
	size_t blk_cap;
	void *map;        /* the mapped file (mem points into it), or NULL */
	size_t map_len;
	uint32_t blk_type, blk_len; /* blk_len: total length from the header */
	uint64_t blk_off;
	size_t body_len; /* blk_len - 12 */
	enum blk_kind kind;
	int ver;      /* version of the current state block (PL 1..9, others 1..2) */
	size_t pos;   /* cursor in the body */
	uint64_t tid; /* FDL: owning thread */

	char *scratch;
	size_t scratch_cap, scratch_len;
	uint8_t *evbuf; /* v1 events converted to the 26-byte header form */
	size_t evbuf_cap;

	bool failed, ended;
	char err[256];
	struct scap_stats st;
};

/* ------------------------------------------------------------------ */

static char *heap_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Error strings handed to the caller, who frees them with fc_free. */
static char *heap_printf(const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t n = strlen(buf) + 1;
	char *s = fc_malloc(n);
	if (s)
		memcpy(s, buf, n);
	return s;
}

static int fail(struct scap_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct scap_reader *r, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, sizeof(r->err), "offset %" PRIu64 ": ", off);

	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
	r->failed = true;
	return SCAP_REC_ERROR;
}

/* Read up to n bytes; returns the count (short only at end of input) or
 * -1 after fail(). */
static long src_read(struct scap_reader *r, void *buf, size_t n)
{
	size_t got = 0;

	if (!r->gz) {
		size_t avail = r->mem_len - r->mem_pos;
		got = n < avail ? n : avail;
		memcpy(buf, r->mem + r->mem_pos, got);
		r->mem_pos += got;
		r->off += got;
		return (long)got;
	}
	while (got < n) {
		unsigned want = n - got > READ_CHUNK ? READ_CHUNK : (unsigned)(n - got);
		int k = gzread(r->gz, (uint8_t *)buf + got, want);
		if (k < 0) {
			int errnum;
			const char *m = gzerror(r->gz, &errnum);
			fail(r, r->off + got, "read error: %s",
			     errnum == Z_ERRNO ? strerror(errno) : m);
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	r->off += got;
	return (long)got;
}

/* Distinguish a clean end of input from a damaged gzip stream, which
 * zlib reports only through gzerror. */
static bool src_clean_eof(struct scap_reader *r)
{
	int errnum = Z_OK;

	if (!r->gz)
		return true;
	const char *m = gzerror(r->gz, &errnum);
	if (errnum != Z_OK && errnum != Z_STREAM_END) {
		fail(r, r->off, "compressed stream damaged: %s", m);
		return false;
	}
	return true;
}

static bool grow(void **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 4096;
	while (n < need)
		n *= 2;
	void *q = fc_realloc(*p, n);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The whole block is at r->b: check its trailer and make it current. */
static int block_done(struct scap_reader *r, uint32_t type, uint32_t len, uint64_t at)
{
	uint32_t trailer = ld32(r->b + len - 4);
	if (trailer != len)
		return fail(r, at + len - 4,
			    "block type 0x%x: trailing length %u does not match header length %u",
			    type, trailer, len);
	r->blk_type = type;
	r->blk_len = len;
	r->blk_off = at;
	r->body_len = len - 12;
	r->pos = 0;
	r->st.bytes = r->off;
	return 1;
}

/*
 * Read the next block and point r->b at it. Returns 1 with a block, 0 at a clean
 * end of input, SCAP_REC_ERROR otherwise.
 */
static int read_block(struct scap_reader *r)
{
	uint8_t h[8];
	uint64_t at = r->off;
	long n;

	if (!r->gz) {
		/* in memory: look at the header where it is */
		n = r->mem_len - r->mem_pos < 8 ? (long)(r->mem_len - r->mem_pos) : 8;
		if (n == 8) {
			memcpy(h, r->mem + r->mem_pos, 8);
			r->mem_pos += 8;
			r->off += 8;
		}
	} else {
		n = src_read(r, h, sizeof(h));
	}
	if (n < 0)
		return SCAP_REC_ERROR;
	if (n == 0)
		return src_clean_eof(r) ? 0 : SCAP_REC_ERROR;
	if (n < 8)
		return fail(r, at, "truncated block header (%ld of 8 bytes)", n);
	uint32_t type = ld32(h), len = ld32(h + 4);
	if (at == 0 && type != BT_SHB)
		return fail(r, at, "not a scap capture (first block type 0x%08x)", type);
	if (len < 12)
		return fail(r, at, "block type 0x%x has length %u, below the 12-byte minimum", type,
			    len);
	if (len > MAX_BLOCK_LEN)
		return fail(r, at, "block type 0x%x has implausible length %u", type, len);
	if (!r->gz && len - 8 > r->mem_len - r->mem_pos)
		return fail(r, at, "truncated block: type 0x%x needs %u bytes, %zu left", type, len,
			    r->mem_len - r->mem_pos + 8);

	if (!r->gz) {
		/* in memory: the block is already there, checked to fit */
		r->b = r->mem + r->mem_pos - 8;
		r->mem_pos += len - 8;
		r->off += len - 8;
		return block_done(r, type, len, at);
	}
	/* Grow as data arrives rather than trusting len up front. */
	size_t have = 8;
	if (!grow((void **)&r->blk, &r->blk_cap, 8))
		return fail(r, at, "out of memory for a %u-byte block", len);
	memcpy(r->blk, h, 8);
	while (have < len) {
		size_t step = len - have > READ_CHUNK ? READ_CHUNK : len - have;
		if (!grow((void **)&r->blk, &r->blk_cap, have + step))
			return fail(r, at, "out of memory for a %u-byte block", len);
		n = src_read(r, r->blk + have, step);
		if (n < 0)
			return SCAP_REC_ERROR;
		have += (size_t)n;
		if ((size_t)n < step) {
			if (!src_clean_eof(r))
				return SCAP_REC_ERROR;
			return fail(r, at, "truncated block: type 0x%x needs %u bytes, %zu present",
				    type, len, have);
		}
	}
	r->b = r->blk;
	return block_done(r, type, len, at);
}

/* ------------------------------------------------------------------ */
/* Bounds-checked cursor over [p, p + len). */

struct cur {
	const uint8_t *p;
	size_t len, pos;
	bool bad;
};

static bool cur_take(struct cur *c, void *dst, size_t n)
{
	if (c->bad || n > c->len - c->pos) {
		c->bad = true;
		if (dst)
			memset(dst, 0, n);
		return false;
	}
	if (dst)
		memcpy(dst, c->p + c->pos, n);
	c->pos += n;
	return true;
}

static bool cur_fits(const struct cur *c, size_t n)
{
	return !c->bad && n <= c->len - c->pos;
}

static uint8_t cur_u8(struct cur *c)
{
	uint8_t v;
	cur_take(c, &v, 1);
	return v;
}

static uint16_t cur_u16(struct cur *c)
{
	uint16_t v;
	cur_take(c, &v, 2);
	return v;
}

static uint32_t cur_u32(struct cur *c)
{
	uint32_t v;
	cur_take(c, &v, 4);
	return v;
}

static uint64_t cur_u64(struct cur *c)
{
	uint64_t v;
	cur_take(c, &v, 8);
	return v;
}

/* Copy n bytes into scratch and NUL-terminate them. */
static const char *scratch_put(struct scap_reader *r, const uint8_t *s, size_t n)
{
	char *d = r->scratch + r->scratch_len;
	memcpy(d, s, n);
	d[n] = '\0';
	r->scratch_len += n + 1;
	return d;
}

/* A u16-length-prefixed string; *lenp gets its length. */
static const char *cur_str16(struct scap_reader *r, struct cur *c, uint32_t *lenp)
{
	uint16_t n = cur_u16(c);
	const uint8_t *s = c->p + c->pos;

	if (!cur_take(c, NULL, n))
		return "";
	if (lenp)
		*lenp = n;
	return scratch_put(r, s, n);
}

/* Scratch room for any one entry of the current block: at most the body
 * itself plus a terminator per string. */
static bool scratch_reserve(struct scap_reader *r)
{
	r->scratch_len = 0;
	return grow((void **)&r->scratch, &r->scratch_cap, r->body_len + 64);
}

/* ------------------------------------------------------------------ */
/* State block parsers: each consumes one entry at r->pos. */

static uint64_t body_off(const struct scap_reader *r, size_t pos)
{
	return r->blk_off + 8 + pos;
}

/* An entry with a leading u32 length (v2 state blocks) that counts the
 * length field itself: bound the cursor to it. */
static int sub_entry(struct scap_reader *r, struct cur *c, uint32_t *sub_len, const char *what)
{
	*sub_len = cur_u32(c);
	if (c->bad || *sub_len < 4 || *sub_len > c->len)
		return fail(r, body_off(r, c->pos - 4), "%s entry length %u out of range", what,
			    *sub_len);
	c->len = *sub_len;
	return 0;
}

/*
 * Process list, versions 1..9 (PL_BLOCK_TYPE_V1..V9). Fields were added
 * version by version; v9 entries start with their own length and append
 * later fields, which are read only if the length covers them. libs
 * 0.10 inserted pidns_init_start_ts and tty before loginuid; entries from
 * older writers have at most 29 bytes (loginuid, exe_writable, three
 * capability sets) after root, which is how libscap tells them apart.
 */
static int parse_proc(struct scap_reader *r, struct scap_record *rec)
{
	struct rt_proc_info *p = &rec->proc;
	size_t start = r->pos;
	struct cur c = { r->b + 8 + start, r->body_len - start, 0, false };
	uint32_t sub_len = 0;
	int v = r->ver;

	memset(p, 0, sizeof(*p));
	p->sid = p->vpgid = p->vtid = p->vpid = UINT64_MAX;
	p->loginuid = UINT32_MAX;
	if (v == 9 && sub_entry(r, &c, &sub_len, "process") < 0)
		return SCAP_REC_ERROR;
	p->tid = cur_u64(&c);
	p->pid = cur_u64(&c);
	p->ptid = cur_u64(&c);
	if (v >= 6)
		p->sid = cur_u64(&c);
	if (v >= 8)
		p->vpgid = cur_u64(&c);
	p->comm = cur_str16(r, &c, NULL);
	p->exe = cur_str16(r, &c, NULL);
	p->exepath = v >= 7 ? cur_str16(r, &c, NULL) : "";
	p->args = cur_str16(r, &c, &p->args_len);
	p->cwd = cur_str16(r, &c, NULL);
	p->fdlimit = cur_u64(&c);
	p->flags = cur_u32(&c);
	p->uid = cur_u32(&c);
	p->gid = cur_u32(&c);
	p->env = p->cgroups = p->root = "";
	if (v >= 2) {
		p->vmsize_kb = cur_u32(&c);
		p->vmrss_kb = cur_u32(&c);
		p->vmswap_kb = cur_u32(&c);
		p->pfmajor = cur_u64(&c);
		p->pfminor = cur_u64(&c);
		if (v >= 3)
			p->env = cur_str16(r, &c, &p->env_len);
		if (v >= 4) {
			p->vtid = cur_u64(&c);
			p->vpid = cur_u64(&c);
			p->cgroups = cur_str16(r, &c, &p->cgroups_len);
			if (v >= 5)
				p->root = cur_str16(r, &c, NULL);
		}
	}
	if (sub_len && !c.bad) {
		if (c.len - c.pos > 29) {
			if (cur_fits(&c, 8))
				p->pidns_init_start_ts = cur_u64(&c);
			if (cur_fits(&c, 4))
				p->tty = cur_u32(&c);
		}
		if (cur_fits(&c, 4))
			p->loginuid = cur_u32(&c);
		if (cur_fits(&c, 1))
			p->exe_writable = cur_u8(&c) != 0;
		if (cur_fits(&c, 8))
			p->cap_inheritable = cur_u64(&c);
		if (cur_fits(&c, 8))
			p->cap_permitted = cur_u64(&c);
		if (cur_fits(&c, 8))
			p->cap_effective = cur_u64(&c);
		if (cur_fits(&c, 1))
			p->exe_upper_layer = cur_u8(&c) != 0;
		if (cur_fits(&c, 8))
			p->exe_ino = cur_u64(&c);
		if (cur_fits(&c, 8))
			p->exe_ino_ctime = cur_u64(&c);
		if (cur_fits(&c, 8))
			p->exe_ino_mtime = cur_u64(&c);
		if (cur_fits(&c, 1))
			p->exe_from_memfd = cur_u8(&c) != 0;
		c.pos = sub_len; /* skip fields newer than this reader */
	}
	if (c.bad)
		return fail(r, body_off(r, start), "process list entry truncated (block type 0x%x)",
			    r->blk_type);
	r->pos = start + c.pos;
	r->st.procs++;
	return SCAP_REC_PROC;
}

/*
 * fd list: a u64 tid, then entries {[u32 len (v2)], i64 fd, u64 ino,
 * u8 type, type-specific data}. The type byte is libscap's scap_fd_type,
 * which starts at UNKNOWN = 0; rt_fd_type reserves 0 for UNINITIALIZED,
 * hence the +1.
 */
static int parse_fd(struct scap_reader *r, struct scap_record *rec)
{
	struct rt_fd_info *f = &rec->fd;
	size_t start = r->pos;
	struct cur c = { r->b + 8 + start, r->body_len - start, 0, false };
	uint32_t sub_len = 0;
	char tmp[32];

	memset(f, 0, sizeof(*f));
	f->name = "";
	f->tid = r->tid;
	if (r->ver == 2 && sub_entry(r, &c, &sub_len, "fd") < 0)
		return SCAP_REC_ERROR;
	f->fd = (int64_t)cur_u64(&c);
	f->ino = cur_u64(&c);
	uint8_t t = cur_u8(&c);
	f->type = (enum rt_fd_type)(t + 1);
	switch (t) {
	case 3: /* IPV4_SOCK */
		cur_take(&c, f->sip, 4);
		cur_take(&c, f->dip, 4);
		f->sport = cur_u16(&c);
		f->dport = cur_u16(&c);
		f->l4proto = cur_u8(&c);
		break;
	case 5: /* IPV4_SERVSOCK: the local address goes in sip/sport */
		cur_take(&c, f->sip, 4);
		f->sport = cur_u16(&c);
		f->l4proto = cur_u8(&c);
		break;
	case 4: /* IPV6_SOCK */
		cur_take(&c, f->sip, 16);
		cur_take(&c, f->dip, 16);
		f->sport = cur_u16(&c);
		f->dport = cur_u16(&c);
		f->l4proto = cur_u8(&c);
		break;
	case 6: /* IPV6_SERVSOCK */
		cur_take(&c, f->sip, 16);
		f->sport = cur_u16(&c);
		f->l4proto = cur_u8(&c);
		break;
	case 8: /* UNIX_SOCK */
		f->unix_source = cur_u64(&c);
		f->unix_dest = cur_u64(&c);
		f->name = cur_str16(r, &c, NULL);
		break;
	case 16: /* FILE_V2 */
		f->open_flags = cur_u32(&c);
		f->name = cur_str16(r, &c, NULL);
		if (sub_len && cur_fits(&c, 4))
			f->dev = cur_u32(&c);
		break;
	case 0: /* UNKNOWN: libscap writes nothing after the type */
		break;
	case 1: case 2: case 7: case 9: case 10: case 11: case 12: case 13: case 14: case 15:
	case 17: case 18: case 19: case 20: case 21:
		f->name = cur_str16(r, &c, NULL);
		break;
	default:
		/* A newer library's type: its data length is unknown, so only
		 * a v2 entry (with its own length) can be skipped safely. */
		if (!sub_len)
			return fail(r, body_off(r, start), "fd list entry has unknown fd type %u", t);
		f->type = RT_FD_UNSUPPORTED;
		snprintf(tmp, sizeof(tmp), "unknown-type:[%u]", t);
		f->name = scratch_put(r, (const uint8_t *)tmp, strlen(tmp));
		break;
	}
	if (c.bad)
		return fail(r, body_off(r, start), "fd list entry truncated (block type 0x%x)",
			    r->blk_type);
	if (sub_len)
		c.pos = sub_len;
	r->pos = start + c.pos;
	r->st.fds++;
	return SCAP_REC_FD;
}

/* User list: entries {[u32 len (v2)], u8 kind (0 user, 1 group), ...}. */
static int parse_user(struct scap_reader *r, struct scap_record *rec)
{
	size_t start = r->pos;
	struct cur c = { r->b + 8 + start, r->body_len - start, 0, false };
	uint32_t sub_len = 0;
	int kind;

	if (r->ver == 2 && sub_entry(r, &c, &sub_len, "user") < 0)
		return SCAP_REC_ERROR;
	uint8_t t = cur_u8(&c);
	if (t == 0) {
		struct rt_user_info *u = &rec->user;
		memset(u, 0, sizeof(*u));
		u->uid = cur_u32(&c);
		u->gid = cur_u32(&c);
		u->name = cur_str16(r, &c, NULL);
		u->homedir = cur_str16(r, &c, NULL);
		u->shell = cur_str16(r, &c, NULL);
		kind = SCAP_REC_USER;
	} else {
		struct rt_group_info *g = &rec->group;
		memset(g, 0, sizeof(*g));
		g->gid = cur_u32(&c);
		g->name = cur_str16(r, &c, NULL);
		kind = SCAP_REC_GROUP;
	}
	if (c.bad)
		return fail(r, body_off(r, start), "user list entry truncated (block type 0x%x)",
			    r->blk_type);
	if (sub_len)
		c.pos = sub_len;
	r->pos = start + c.pos;
	if (kind == SCAP_REC_USER)
		r->st.users++;
	else
		r->st.groups++;
	return kind;
}

/*
 * Interface list: entries {u16 type, u16 namelen, addr, netmask, bcast,
 * [u64 linkspeed], name}; v2 entries are preceded by a u32 length that,
 * unlike the other v2 blocks, does not count itself.
 */
static int parse_iface(struct scap_reader *r, struct scap_record *rec)
{
	struct scap_iface *i = &rec->iface;
	size_t start = r->pos;
	struct cur c = { r->b + 8 + start, r->body_len - start, 0, false };
	uint32_t ent = 0;

	memset(i, 0, sizeof(*i));
	if (r->ver == 2) {
		ent = cur_u32(&c);
		if (c.bad || ent > c.len - c.pos)
			return fail(r, body_off(r, start), "interface entry length %u out of range",
				    ent);
		c.len = c.pos + ent;
	}
	uint16_t type = cur_u16(&c);
	uint16_t namelen = cur_u16(&c);
	size_t alen;
	switch (type) {
	case 1: /* IPV4 */
	case 3: /* IPV4_NOLINKSPEED */
		alen = 4;
		break;
	case 2: /* IPV6 */
	case 4: /* IPV6_NOLINKSPEED */
		alen = 16;
		i->v6 = true;
		break;
	default:
		return fail(r, body_off(r, start), "unknown interface type %u", type);
	}
	cur_take(&c, i->addr, alen);
	cur_take(&c, i->netmask, alen);
	cur_take(&c, i->bcast, alen);
	i->has_linkspeed = type <= 2;
	if (i->has_linkspeed)
		i->linkspeed = cur_u64(&c);
	const uint8_t *s = c.p + c.pos;
	if (!cur_take(&c, NULL, namelen))
		return fail(r, body_off(r, start), "interface entry truncated");
	i->name = scratch_put(r, s, namelen);
	if (ent)
		c.pos = c.len;
	r->pos = start + c.pos;
	r->st.ifaces++;
	return SCAP_REC_IFACE;
}

/* Machine info: u32 cpus, u64 memory, u64 max_pid, char hostname[128],
 * then u64 boot_ts, flags and two reserved words (zero if absent). */
static int parse_machine(struct scap_reader *r, struct scap_record *rec)
{
	struct scap_machine *m = &rec->machine;
	struct cur c = { r->b + 8, r->body_len, 0, false };
	char host[129];

	memset(m, 0, sizeof(*m));
	m->num_cpus = cur_u32(&c);
	m->memory_bytes = cur_u64(&c);
	m->max_pid = cur_u64(&c);
	cur_take(&c, host, 128);
	if (c.bad)
		return fail(r, r->blk_off, "machine info block too short (%zu bytes)", r->body_len);
	host[128] = '\0';
	if (cur_fits(&c, 8))
		m->boot_ts = cur_u64(&c);
	if (cur_fits(&c, 8))
		m->flags = cur_u64(&c);
	if (cur_fits(&c, 8))
		m->reserved[0] = cur_u64(&c);
	if (cur_fits(&c, 8))
		m->reserved[1] = cur_u64(&c);
	m->hostname = scratch_put(r, (const uint8_t *)host, strlen(host));
	return SCAP_REC_MACHINE;
}

/* ------------------------------------------------------------------ */
/* Events. */

/*
 * Version-1 event blocks carry a 22-byte header without nparams. Rebuild
 * the 26-byte form in r->evbuf and infer nparams the way libscap does:
 * the largest count, from the table's down, whose lengths end exactly at
 * the event's end.
 */
static int convert_v1(struct scap_reader *r, const uint8_t *e, size_t avail, uint64_t at,
		      const uint8_t **out, size_t *outlen)
{
	uint32_t len;
	uint16_t type;

	if (avail < V1_EVT_HDR_LEN)
		return fail(r, at, "event shorter than its header (%zu bytes)", avail);
	memcpy(&len, e + 16, 4);
	memcpy(&type, e + 20, 2);
	if (len < V1_EVT_HDR_LEN || len > avail)
		return fail(r, at, "event length %u out of range (block holds %zu)", len, avail);
	if (!grow((void **)&r->evbuf, &r->evbuf_cap, (size_t)len + 4))
		return fail(r, at, "out of memory");
	uint8_t *d = r->evbuf;
	memcpy(d, e, 20);
	memcpy(d + 20, &type, 2);
	memcpy(d + RT_EVT_HDR_LEN, e + V1_EVT_HDR_LEN, len - V1_EVT_HDR_LEN);
	uint32_t nlen = len + 4;
	/* Old writers overstated these two events' lengths by 3 bytes. */
	if ((type == PPME_NOTIFICATION_E || type == PPME_INFRASTRUCTURE_EVENT_E) && nlen >= 29)
		nlen -= 3;
	const struct rt_evt_info *info = rt_evt_info(type);
	int n = info ? info->nparams : 0;
	for (; n >= 0; n--) {
		size_t end = RT_EVT_HDR_LEN + 2 * (size_t)n;
		if (end > nlen)
			continue;
		for (int k = 0; k < n; k++) {
			uint16_t pl;
			memcpy(&pl, d + RT_EVT_HDR_LEN + 2 * k, 2);
			end += pl;
		}
		if (end < nlen)
			return fail(r, at, "cannot infer the parameter count of a v1 event (type %u)",
				    type);
		if (end == nlen)
			break;
	}
	if (n < 0)
		return fail(r, at, "cannot infer the parameter count of a v1 event (type %u)", type);
	uint32_t np = (uint32_t)n;
	memcpy(d + 16, &nlen, 4);
	memcpy(d + 22, &np, 4);
	*out = d;
	*outlen = nlen;
	return 0;
}

/* 1 with an event, 0 if it was skipped (unknown type), or an error. */
static int parse_event(struct scap_reader *r, struct scap_record *rec, bool v1, bool has_flags)
{
	struct cur c = { r->b + 8, r->body_len, 0, false };
	uint16_t cpu = cur_u16(&c);
	uint32_t flags = has_flags ? cur_u32(&c) : 0;
	uint64_t at = body_off(r, c.pos);
	const uint8_t *e = c.p + c.pos;
	size_t avail = c.bad ? 0 : c.len - c.pos;
	uint16_t type;
	const char *why = NULL;

	if (c.bad || avail < (v1 ? V1_EVT_HDR_LEN : RT_EVT_HDR_LEN))
		return fail(r, r->blk_off, "event block too short (%u bytes)", r->blk_len);
	memcpy(&type, e + 20, 2); /* at 20 in both header forms */
	if (!rt_evt_info(type)) {
		/* As libscap: a newer driver's event, skipped, not fatal. */
		r->st.unknown_events++;
		return 0;
	}
	if (v1) {
		size_t n = 0;
		if (convert_v1(r, e, avail, at, &e, &n) < 0)
			return SCAP_REC_ERROR;
		avail = n;
	}
	if (rt_event_decode(e, avail, &rec->ev, &why) < 0)
		return fail(r, at, "malformed event (type %u): %s", type, why);
	rec->ev.cpu = cpu;
	rec->ev.flags = flags;
	rec->ev.num = ++r->st.events;
	return 1;
}

/* ------------------------------------------------------------------ */

static int check_shb(struct scap_reader *r)
{
	struct cur c = { r->b + 8, r->body_len, 0, false };
	uint32_t magic = cur_u32(&c);
	uint16_t major = cur_u16(&c), minor = cur_u16(&c);

	cur_u64(&c); /* section length, -1 in practice */
	if (c.bad)
		return fail(r, r->blk_off, "section header block too short");
	if (magic == SHB_MAGIC_SWAPPED)
		return fail(r, r->blk_off + 8, "big-endian captures are not supported");
	if (magic != SHB_MAGIC)
		return fail(r, r->blk_off + 8, "bad byte-order magic 0x%08x in section header",
			    magic);
	if (major > SCAP_MAJOR)
		return fail(r, r->blk_off + 8, "capture format %u.%u is newer than this reader (%u.x)",
			    major, minor, SCAP_MAJOR);
	if (!r->st.blocks[SCAP_BLK_SHB]) {
		r->st.major = major;
		r->st.minor = minor;
	}
	r->st.blocks[SCAP_BLK_SHB]++;
	return 0;
}

static int pl_version(uint32_t t)
{
	switch (t) {
	case BT_PL_V1: case BT_PL_V1_INT: return 1;
	case BT_PL_V2: case BT_PL_V2_INT: return 2;
	case BT_PL_V3: case BT_PL_V3_INT: return 3;
	case BT_PL_V4: return 4;
	case BT_PL_V5: return 5;
	case BT_PL_V6: return 6;
	case BT_PL_V7: return 7;
	case BT_PL_V8: return 8;
	case BT_PL_V9: return 9;
	default: return 0;
	}
}

static struct scap_reader *open_common(struct scap_reader *r, char **err)
{
	int k = read_block(r);

	if (k == 0) {
		if (err)
			*err = heap_printf("empty file: not a scap capture");
		scap_close(r);
		return NULL;
	}
	if (k > 0)
		check_shb(r);
	if (r->failed) {
		if (err)
			*err = heap_printf("%s", r->err);
		scap_close(r);
		return NULL;
	}
	r->kind = K_NONE;
	return r;
}

/* Map path if it is a plain (not gzip) regular file; false otherwise,
 * leaving the zlib path to open it and report any error. */
static bool map_plain(struct scap_reader *r, const char *path)
{
	struct stat sb;
	uint8_t magic[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	bool ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 2 &&
		  (uint64_t)sb.st_size <= SIZE_MAX && pread(fd, magic, 2, 0) == 2 &&
		  !(magic[0] == 0x1f && magic[1] == 0x8b);
	/* Pages mapped up front in one go cost less than a fault every few
	 * pages in the reading loop; not for captures too big to keep
	 * mapped, which are read once anyway. */
	int populate = ok && (uint64_t)sb.st_size <= (1ull << 30) ? MAP_POPULATE : 0;
	void *m = ok ? mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | populate, fd, 0)
		     : MAP_FAILED;
	close(fd);
	if (m == MAP_FAILED)
		return false;
	madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
	r->map = m;
	r->map_len = (size_t)sb.st_size;
	r->mem = m;
	r->mem_len = r->map_len;
	return true;
}

struct scap_reader *scap_open(const char *path, char **err)
{
	struct scap_reader *r = fc_malloc(sizeof(*r));

	if (!r) {
		if (err)
			*err = heap_printf("%s: out of memory", path);
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	if (map_plain(r, path))
		return open_common(r, err);
	/* gzopen reads plain files transparently too. */
	r->gz = gzopen(path, "rb");
	if (!r->gz) {
		if (err)
			*err = heap_printf("%s: %s", path, errno ? strerror(errno) : "cannot open");
		fc_free(r);
		return NULL;
	}
	gzbuffer(r->gz, 1u << 17);
	return open_common(r, err);
}

struct scap_reader *scap_open_mem(const void *buf, size_t len, char **err)
{
	struct scap_reader *r = fc_malloc(sizeof(*r));

	if (!r) {
		if (err)
			*err = heap_printf("out of memory");
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	r->mem = buf;
	r->mem_len = buf ? len : 0;
	return open_common(r, err);
}

void scap_close(struct scap_reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	if (r->map)
		munmap(r->map, r->map_len);
	fc_free(r->blk);
	fc_free(r->scratch);
	fc_free(r->evbuf);
	fc_free(r);
}

const char *scap_error(const struct scap_reader *r)
{
	return r->err;
}

const struct scap_stats *scap_stats(const struct scap_reader *r)
{
	return &r->st;
}

const char *scap_blk_name(enum scap_blk b)
{
	static const char *const names[SCAP_BLK__COUNT] = {
		"SHB", "MI", "PL", "FDL", "IL", "UL", "EV", "EVF", "unknown",
	};
	return (unsigned)b < SCAP_BLK__COUNT ? names[b] : "?";
}

/*
 * Start on a freshly read block: returns a record kind for single-record
 * blocks, 0 when the block's entries are to be iterated (r->kind set) or
 * it was consumed silently (SHB, unknown, skipped event).
 */
static int begin_block(struct scap_reader *r, struct scap_record *rec)
{
	uint32_t t = r->blk_type;
	int v;

	rec->offset = r->blk_off;
	rec->block_type = t;
	r->kind = K_NONE;
	r->pos = 0;
	/* state blocks and machine info copy strings into scratch */
	if (t != BT_EV_V2 && t != BT_EVF_V2 && t != BT_EV_V2_LARGE && t != BT_EVF_V2_LARGE &&
	    !scratch_reserve(r))
		return fail(r, r->blk_off, "out of memory");
	switch (t) {
	case BT_SHB:
		return check_shb(r) < 0 ? SCAP_REC_ERROR : 0;
	case BT_MI:
	case BT_MI_INT:
		r->st.blocks[SCAP_BLK_MI]++;
		return parse_machine(r, rec);
	case BT_EV:
	case BT_EV_INT:
	case BT_EV_V2:
	case BT_EV_V2_LARGE:
		r->st.blocks[SCAP_BLK_EV]++;
		v = parse_event(r, rec, t == BT_EV || t == BT_EV_INT, false);
		return v == 1 ? SCAP_REC_EVENT : v;
	case BT_EVF:
	case BT_EVF_V2:
	case BT_EVF_V2_LARGE:
		r->st.blocks[SCAP_BLK_EVF]++;
		v = parse_event(r, rec, t == BT_EVF, true);
		return v == 1 ? SCAP_REC_EVENT : v;
	case BT_FDL:
	case BT_FDL_INT:
	case BT_FDL_V2: {
		r->st.blocks[SCAP_BLK_FDL]++;
		if (r->body_len < 8)
			return fail(r, r->blk_off, "fd list block too short for its tid");
		memcpy(&r->tid, r->b + 8, 8);
		r->pos = 8;
		r->kind = K_FDL;
		r->ver = t == BT_FDL_V2 ? 2 : 1;
		return 0;
	}
	case BT_UL:
	case BT_UL_INT:
	case BT_UL_V2:
		r->st.blocks[SCAP_BLK_UL]++;
		r->kind = K_UL;
		r->ver = t == BT_UL_V2 ? 2 : 1;
		return 0;
	case BT_IL:
	case BT_IL_INT:
	case BT_IL_V2:
		r->st.blocks[SCAP_BLK_IL]++;
		r->kind = K_IL;
		r->ver = t == BT_IL_V2 ? 2 : 1;
		return 0;
	default:
		if ((v = pl_version(t)) != 0) {
			r->st.blocks[SCAP_BLK_PL]++;
			r->kind = K_PL;
			r->ver = v;
			return 0;
		}
		r->st.blocks[SCAP_BLK_UNKNOWN]++;
		return 0;
	}
}

/*
 * The common case of a mapped capture, in one step: a well-formed v2
 * event block of a known event type. Returns SCAP_REC_EVENT, or 0 to let
 * the general path below take the block (other block types, and every
 * error, which it reports with its offset).
 */
static int next_event_mapped(struct scap_reader *r, struct scap_record *rec)
{
	size_t avail = r->mem_len - r->mem_pos;
	const uint8_t *b = r->mem + r->mem_pos;
	const char *why;

	if (avail < 12 + 2 + RT_EVT_HDR_LEN)
		return 0;
	uint32_t type = ld32(b), len = ld32(b + 4);
	if (type != BT_EV_V2 && type != BT_EVF_V2)
		return 0;
	size_t pre = 8 + 2 + (type == BT_EVF_V2 ? 4 : 0); /* block header, cpu, flags */
	if (len > avail || len < pre + 4 + RT_EVT_HDR_LEN || ld32(b + len - 4) != len)
		return 0;
	const uint8_t *e = b + pre;
	uint16_t etype;
	memcpy(&etype, e + 20, 2);
	if (!rt_evt_info(etype) || rt_event_decode(e, len - pre - 4, &rec->ev, &why) < 0)
		return 0;
	memcpy(&rec->ev.cpu, b + 8, 2);
	rec->ev.raw_kept = true; /* in the mapping, which scap_close() unmaps */
	rec->ev.flags = 0;
	if (type == BT_EVF_V2)
		memcpy(&rec->ev.flags, b + 10, 4);
	rec->ev.num = ++r->st.events;
	rec->offset = r->off;
	rec->block_type = type;
	rec->kind = SCAP_REC_EVENT;
	r->st.blocks[type == BT_EV_V2 ? SCAP_BLK_EV : SCAP_BLK_EVF]++;
	r->b = b;
	r->blk_type = type;
	r->blk_len = len;
	r->blk_off = r->off;
	r->body_len = len - 12;
	r->pos = 0;
	r->mem_pos += len;
	r->off += len;
	r->st.bytes = r->off;
	return SCAP_REC_EVENT;
}

int scap_next(struct scap_reader *r, struct scap_record *rec)
{
	int k;

	if (r->failed) {
		rec->kind = SCAP_REC_ERROR;
		return SCAP_REC_ERROR;
	}
	if (r->ended) {
		rec->kind = SCAP_REC_END;
		return SCAP_REC_END;
	}
	for (;;) {
		/* Entries left in the current state block? Fewer than 4 bytes
		 * are padding. */
		if (r->kind != K_NONE && r->body_len - r->pos >= 4) {
			rec->offset = r->blk_off;
			rec->block_type = r->blk_type;
			r->scratch_len = 0;
			switch (r->kind) {
			case K_PL: k = parse_proc(r, rec); break;
			case K_FDL: k = parse_fd(r, rec); break;
			case K_UL: k = parse_user(r, rec); break;
			default: k = parse_iface(r, rec); break;
			}
			rec->kind = k;
			return k;
		}
		r->kind = K_NONE;
		if (!r->gz && (k = next_event_mapped(r, rec)) != 0)
			return k;
		k = read_block(r);
		if (k < 0)
			break;
		if (k == 0) {
			r->ended = true;
			rec->kind = SCAP_REC_END;
			return SCAP_REC_END;
		}
		k = begin_block(r, rec);
		if (k != 0)
			break;
	}
	rec->kind = k;
	return k;
}
