// SPDX-License-Identifier: Apache-2.0
/*
 * test_fcf: the kmod filter program (kmod/fcf) and its compiler
 * (compiler/kcode.c).
 *
 *   1. verifier: hand-built blobs, each broken in one way, are refused
 *      with the expected FCF_E* code and reason;
 *   2. interpreter: each match kind in three values (TRUE/FALSE/MAYBE
 *      read off two rules, X and not X), Kleene and/or/not, short
 *      circuits, syscall selection, fetch failures;
 *   3. allocation failure injection in fcf_load;
 *   4. differential: every rules file set given on the command line
 *      (comma-separated files form one set) compiles to a blob that
 *      verifies; on many random events whose field values are drawn
 *      from the rules' own constants, fcf_run's mask equals a direct
 *      recursive evaluation of each rule's split kexpr (the semantics of
 *      codegen.c's check_expr, written again here) on the same values.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../bpf-templates/falcoc_abi.h"
#include "codegen.h"
#include "diag.h"
#include "fcf_format.h"
#include "fields.h"
#include "kcode.h"
#include "ruleset.h"
#include "split.h"

#include "../unit/check.h"

/* ==================== a blob builder ==================== */

struct tb {
	uint32_t nrules, nsc;
	struct {
		uint32_t rule, off, len, reserved;
		uint64_t sc[FCF_SC_WORDS];
	} ent[8];
	unsigned nent;
	struct fcf_insn ins[64];
	unsigned nins;
	int64_t nums[16];
	unsigned nnums;
	struct fcf_set sets[8];
	unsigned nsets;
	struct fcf_member mem[16];
	unsigned nmem;
	char pool[512];
	unsigned pool_len;
	uint32_t magic, version;
	uint64_t hash;
};

static void tb_init(struct tb *t)
{
	memset(t, 0, sizeof(*t));
	t->nrules = 1;
	t->nsc = FCF_NSC;
	t->magic = FCF_MAGIC;
	t->version = FCF_VERSION;
	t->hash = fcf_tables_hash();
}

static uint32_t tb_str(struct tb *t, const char *s)
{
	uint32_t at = t->pool_len;
	size_t n = strlen(s) + 1;
	memcpy(t->pool + at, s, n);
	t->pool_len += (unsigned)n;
	return at;
}

static unsigned tb_ins(struct tb *t, unsigned op, unsigned dst, unsigned src, unsigned imm)
{
	struct fcf_insn *in = &t->ins[t->nins];
	memset(in, 0, sizeof(*in));
	in->op = (fcf_u8)op;
	in->dst = (fcf_u8)dst;
	in->src = (fcf_u8)src;
	in->imm = imm;
	in->arg = FCF_NOARG;
	return t->nins++;
}

static unsigned tb_check(struct tb *t, unsigned dst, unsigned field, unsigned match, unsigned imm,
			 unsigned cnt)
{
	unsigned i = tb_ins(t, FCF_OP_CHECK, dst, 0, imm);
	t->ins[i].field = (fcf_u16)field;
	t->ins[i].match = (fcf_u8)match;
	t->ins[i].cnt = (fcf_u16)cnt;
	return i;
}

/* An entry of rule over instructions [off, nins), on syscall row sc. */
static void tb_entry(struct tb *t, unsigned rule, unsigned off, unsigned sc)
{
	t->ent[t->nent].rule = rule;
	t->ent[t->nent].off = off;
	t->ent[t->nent].len = t->nins - off;
	t->ent[t->nent].sc[sc / 64] |= 1ull << (sc % 64);
	t->nent++;
}

static unsigned tb_set(struct tb *t, unsigned match, const char *const *strs, unsigned n)
{
	t->sets[t->nsets].match = match;
	t->sets[t->nsets].first = t->nmem;
	t->sets[t->nsets].count = n;
	for (unsigned i = 0; i < n; i++) {
		t->mem[t->nmem].len = (uint32_t)strlen(strs[i]);
		t->mem[t->nmem++].off = tb_str(t, strs[i]);
	}
	return t->nsets++;
}

static void w8(uint8_t **p, unsigned v)
{
	*(*p)++ = (uint8_t)v;
}

static void w16(uint8_t **p, unsigned v)
{
	w8(p, v);
	w8(p, v >> 8);
}

static void w32(uint8_t **p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		w8(p, v >> (8 * i));
}

static void w64(uint8_t **p, uint64_t v)
{
	w32(p, (uint32_t)v);
	w32(p, (uint32_t)(v >> 32));
}

static size_t tb_encode(const struct tb *t, uint8_t *buf)
{
	uint8_t *p = buf;

	w32(&p, t->magic);
	w32(&p, t->version);
	w64(&p, t->hash);
	w32(&p, t->nrules);
	w32(&p, t->nsc);
	w32(&p, t->nent);
	w32(&p, t->nins);
	w32(&p, t->nnums);
	w32(&p, t->nsets);
	w32(&p, t->nmem);
	w32(&p, t->pool_len);
	for (int i = 48; i < FCF_HDR_SIZE; i++)
		w8(&p, 0);
	for (unsigned i = 0; i < t->nent; i++) {
		w32(&p, t->ent[i].rule);
		w32(&p, t->ent[i].off);
		w32(&p, t->ent[i].len);
		w32(&p, t->ent[i].reserved);
		for (int w = 0; w < FCF_SC_WORDS; w++)
			w64(&p, t->ent[i].sc[w]);
	}
	for (unsigned i = 0; i < t->nins; i++) {
		const struct fcf_insn *in = &t->ins[i];
		w8(&p, in->op);
		w8(&p, in->dst);
		w8(&p, in->src);
		w8(&p, in->match);
		w16(&p, in->field);
		w16(&p, in->cnt);
		w32(&p, in->arg);
		w32(&p, in->imm);
	}
	for (unsigned i = 0; i < t->nnums; i++)
		w64(&p, (uint64_t)t->nums[i]);
	for (unsigned i = 0; i < t->nsets; i++) {
		w32(&p, t->sets[i].match);
		w32(&p, t->sets[i].first);
		w32(&p, t->sets[i].count);
	}
	for (unsigned i = 0; i < t->nmem; i++) {
		w32(&p, t->mem[i].off);
		w32(&p, t->mem[i].len);
	}
	memcpy(p, t->pool, t->pool_len);
	p += t->pool_len;
	return (size_t)(p - buf);
}

static uint8_t blob_buf[1 << 16];

/* Load t; 0 or the error code, the reason in why. */
static int tb_load(const struct tb *t, struct fcf_prog **out, char *why, size_t whylen)
{
	size_t n = tb_encode(t, blob_buf);
	return fcf_load(blob_buf, n, out, why, whylen);
}

/* t must be refused with code and a reason containing `reason`. */
static void expect_refused(int line, const struct tb *t, int code, const char *reason)
{
	struct fcf_prog *p = (struct fcf_prog *)1;
	char why[128];
	int rc = tb_load(t, &p, why, sizeof(why));
	if (rc == -code && p == NULL && strstr(why, reason)) {
		npass++;
		return;
	}
	nfail++;
	printf("test_fcf.c:%d: want %d \"%s\", got %d \"%s\"\n", line, -code, reason, rc,
	       rc ? why : "");
	if (!rc)
		fcf_free(p);
}
#define REFUSED(t, code, reason) expect_refused(__LINE__, t, code, reason)

/* ==================== 1. the verifier ==================== */

/* A valid program using every table: rule 0 on row 1: name in set and
 * pid == 7 or arg contains "x". */
static void base(struct tb *t)
{
	static const char *const names[] = { "bash", "sh" };
	tb_init(t);
	unsigned set = tb_set(t, FCF_M_STR_IN, names, 2);
	uint32_t x = tb_str(t, "x");
	uint32_t arg = tb_str(t, "name");
	t->nums[t->nnums++] = 7;
	tb_check(t, 0, KF_PROC_NAME, FCF_M_STR_IN, set, 0);        /* 0 */
	tb_ins(t, FCF_OP_JF, 0, 0, 6);                             /* 1 -> 8 */
	tb_check(t, 1, KF_PROC_PID, FCF_M_NUM_EQ, 0, 1);           /* 2 */
	tb_ins(t, FCF_OP_JT, 1, 0, 2);                             /* 3 -> 6 */
	unsigned c = tb_check(t, 2, KF_EVT_ARG, FCF_M_CONTAINS, x, 1); /* 4 */
	t->ins[c].arg = arg;
	tb_ins(t, FCF_OP_OR, 1, 2, 0);                             /* 5 */
	tb_ins(t, FCF_OP_AND, 0, 1, 0);            /* 6 */
	tb_ins(t, FCF_OP_CONST, 3, 0, FCF_MAYBE);                  /* 7 */
	tb_ins(t, FCF_OP_RET, 0, 0, 0);                            /* 8 */
	tb_entry(t, 0, 0, 1);
}

static void test_verifier(void)
{
	struct tb t;
	struct fcf_prog *p;
	char why[128];
	uint8_t *b = blob_buf;
	size_t n;

	base(&t);
	CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
	if (!nfail) {
		CHECK(fcf_nrules(p) == 1);
		fcf_free(p);
	} else {
		printf("base program refused: %s\n", why);
	}

	/* sizes */
	base(&t);
	n = tb_encode(&t, b);
	CHECK(fcf_load(b, n - 1, &p, why, sizeof(why)) == -FCF_EINVAL && strstr(why, "truncated"));
	CHECK(fcf_load(b, 10, &p, why, sizeof(why)) == -FCF_EINVAL && strstr(why, "truncated header"));
	CHECK(fcf_load(b, 0, &p, why, sizeof(why)) == -FCF_EINVAL);
	CHECK(fcf_load(b, n + 1, &p, why, sizeof(why)) == -FCF_EINVAL && strstr(why, "trailing"));
	CHECK(fcf_load(b, (size_t)FCF_MAX_BLOB + 1, &p, why, sizeof(why)) == -FCF_E2BIG);
	CHECK(fcf_load(NULL, 5, &p, why, sizeof(why)) == -FCF_EINVAL);
	/* a reason never overflows a small buffer */
	char tiny[4] = "zzz";
	CHECK(fcf_load(b, 10, &p, tiny, sizeof(tiny)) == -FCF_EINVAL && strlen(tiny) == 3);
	CHECK(fcf_load(b, 10, &p, NULL, 0) == -FCF_EINVAL);
	/* every truncation of a valid blob is refused, none crashes */
	int all = 1;
	for (size_t k = 0; k < n; k++)
		if (fcf_load(b, k, &p, why, sizeof(why)) != -FCF_EINVAL)
			all = 0;
	CHECK(all);

	/* header */
	base(&t);
	t.magic = 0x12345678;
	REFUSED(&t, FCF_ENOEXEC, "bad magic");
	base(&t);
	t.version = FCF_VERSION + 1;
	REFUSED(&t, FCF_ENOEXEC, "version");
	base(&t);
	t.hash ^= 1;
	REFUSED(&t, FCF_ENOEXEC, "another field");
	base(&t);
	t.nsc = FCF_NSC + 1;
	REFUSED(&t, FCF_ENOEXEC, "syscall table");
	base(&t);
	t.nrules = FCF_MAX_RULES + 1;
	REFUSED(&t, FCF_E2BIG, "too many rules");
	base(&t);
	n = tb_encode(&t, b);
	b[28] = 0x01, b[29] = 0x00, b[30] = 0x01, b[31] = 0x00; /* ninsns = 65537 */
	CHECK(fcf_load(b, n, &p, why, sizeof(why)) == -FCF_E2BIG && strstr(why, "instructions"));
	n = tb_encode(&t, b);
	b[50] = 1;
	CHECK(fcf_load(b, n, &p, why, sizeof(why)) == -FCF_EINVAL && strstr(why, "reserved"));
	n = tb_encode(&t, b);
	b[44] = 0xff, b[45] = 0xff, b[46] = 0xff, b[47] = 0xff; /* pool_len huge */
	CHECK(fcf_load(b, n, &p, why, sizeof(why)) == -FCF_EINVAL && strstr(why, "truncated"));

	/* jumps */
	base(&t);
	t.ins[1].imm = 7; /* target 9: past the entry */
	REFUSED(&t, FCF_EINVAL, "insn 1: jump out of its entry");
	base(&t);
	t.ins[1].imm = 0xffffffffu; /* "backward" (-1): offsets are unsigned */
	REFUSED(&t, FCF_EINVAL, "insn 1: jump out of its entry");
	base(&t);
	t.ins[3].imm = 0xfffffffdu; /* -3 */
	REFUSED(&t, FCF_EINVAL, "insn 3: jump out of its entry");
	base(&t);
	t.ins[1].imm = 6; /* exactly onto the ret: fine */
	CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
	fcf_free(p);
	/* a jump into the next entry's code */
	base(&t);
	tb_ins(&t, FCF_OP_CONST, 0, 0, FCF_TRUE);
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	tb_entry(&t, 0, 9, 2);
	t.ins[1].imm = 8;
	REFUSED(&t, FCF_EINVAL, "insn 1: jump out");

	/* registers, opcodes, constants */
	base(&t);
	t.ins[2].dst = FCF_NREGS;
	REFUSED(&t, FCF_EINVAL, "insn 2: register out of range");
	base(&t);
	t.ins[5].src = FCF_NREGS;
	REFUSED(&t, FCF_EINVAL, "insn 5: register out of range");
	base(&t);
	t.ins[7].op = 0;
	REFUSED(&t, FCF_EINVAL, "insn 7: unknown opcode");
	base(&t);
	t.ins[7].op = FCF_OP_RET + 1;
	REFUSED(&t, FCF_EINVAL, "insn 7: unknown opcode");
	base(&t);
	t.ins[7].imm = 3;
	REFUSED(&t, FCF_EINVAL, "insn 7: bad constant");

	/* checks */
	base(&t);
	t.ins[2].field = (fcf_u16)KF__COUNT;
	REFUSED(&t, FCF_EINVAL, "insn 2: bad field id");
	base(&t);
	t.ins[2].field = 0xffff;
	REFUSED(&t, FCF_EINVAL, "insn 2: bad field id");
	base(&t);
	t.ins[2].match = FCF_M__COUNT;
	REFUSED(&t, FCF_EINVAL, "insn 2: bad match");
	base(&t);
	t.ins[2].field = KF_PROC_NAME; /* pid == 7 on a string field */
	REFUSED(&t, FCF_EINVAL, "insn 2: numeric match on a string field");
	base(&t);
	t.ins[0].field = KF_PROC_PID; /* in set on a number */
	REFUSED(&t, FCF_EINVAL, "insn 0: string match on a numeric field");
	base(&t);
	t.ins[2].imm = 1; /* number index past the table */
	REFUSED(&t, FCF_EINVAL, "insn 2: number operand");
	base(&t);
	t.ins[2].match = FCF_M_NUM_IN;
	t.ins[2].cnt = 2;
	REFUSED(&t, FCF_EINVAL, "insn 2: number operands out of range");
	base(&t);
	t.ins[2].match = FCF_M_FLAGS_ANY;
	REFUSED(&t, FCF_EINVAL, "insn 2: flags check needs 3");
	base(&t);
	t.ins[4].imm = t.pool_len; /* pool offset out of bounds */
	REFUSED(&t, FCF_EINVAL, "insn 4: bad string operand");
	base(&t);
	t.ins[4].imm = 0xfffffff0u;
	REFUSED(&t, FCF_EINVAL, "insn 4: bad string operand");
	base(&t);
	t.ins[4].cnt = 0; /* "x" has its NUL at 1: no NUL right after 0 bytes */
	REFUSED(&t, FCF_EINVAL, "insn 4: bad string operand");
	base(&t);
	t.ins[4].cnt = 3; /* runs over the NUL */
	REFUSED(&t, FCF_EINVAL, "insn 4: bad string operand");
	base(&t);
	t.ins[4].cnt = FCF_MAX_PAT + 1;
	REFUSED(&t, FCF_E2BIG, "insn 4: pattern too long");
	base(&t);
	t.ins[4].match = FCF_M_STR_EQ;
	t.ins[4].cnt = FCF_MAX_STR + 1;
	REFUSED(&t, FCF_E2BIG, "insn 4: string operand too long");
	base(&t);
	t.ins[4].arg = t.pool_len;
	REFUSED(&t, FCF_EINVAL, "insn 4: bad argument");
	base(&t);
	t.pool[t.pool_len++] = 'z'; /* an unterminated last string */
	t.ins[4].arg = t.pool_len - 1;
	REFUSED(&t, FCF_EINVAL, "insn 4: bad argument");
	base(&t);
	t.ins[4].src = FCF_CF_ICASE | 2;
	REFUSED(&t, FCF_EINVAL, "insn 4: bad check flags");
	base(&t);
	t.ins[0].src = FCF_CF_ICASE;
	REFUSED(&t, FCF_EINVAL, "insn 0: icase");
	base(&t);
	t.ins[0].imm = 1;
	REFUSED(&t, FCF_EINVAL, "insn 0: set index");
	base(&t);
	t.ins[0].match = FCF_M_STR_PREFIX;
	REFUSED(&t, FCF_EINVAL, "insn 0: set of another match kind");

	/* sets and members */
	base(&t);
	t.sets[0].count = 3;
	REFUSED(&t, FCF_EINVAL, "set 0: members out of range");
	base(&t);
	t.sets[0].first = 0xffffffffu;
	REFUSED(&t, FCF_EINVAL, "set 0: members out of range");
	base(&t);
	t.sets[0].match = FCF_M_STR_EQ;
	REFUSED(&t, FCF_EINVAL, "set 0: bad set kind");
	base(&t);
	{ /* swap the members: not sorted */
		struct fcf_member m = t.mem[0];
		t.mem[0] = t.mem[1];
		t.mem[1] = m;
	}
	REFUSED(&t, FCF_EINVAL, "set 0: members not sorted");
	base(&t);
	t.mem[1] = t.mem[0]; /* duplicates */
	REFUSED(&t, FCF_EINVAL, "set 0: members not sorted");
	base(&t);
	t.mem[1].len = 5; /* "sh" + NUL + ... */
	REFUSED(&t, FCF_EINVAL, "member 1: bad string");
	base(&t);
	t.mem[1].off = 600;
	REFUSED(&t, FCF_EINVAL, "member 1: bad string");
	base(&t);
	t.mem[1].len = FCF_MAX_STR + 1;
	REFUSED(&t, FCF_E2BIG, "member 1: string too long");

	/* entries */
	base(&t);
	t.ent[0].rule = 1;
	REFUSED(&t, FCF_EINVAL, "entry 0: rule index out of range");
	base(&t);
	t.ent[0].len = 8; /* insn 8 left outside */
	REFUSED(&t, FCF_EINVAL, "ret");
	base(&t);
	t.ent[0].len = 0;
	REFUSED(&t, FCF_EINVAL, "entry 0: empty code");
	base(&t);
	t.ent[0].len = 10;
	REFUSED(&t, FCF_EINVAL, "entry 0: code out of range");
	base(&t);
	t.ent[0].reserved = 1;
	REFUSED(&t, FCF_EINVAL, "entry 0: reserved");
	base(&t);
	t.ent[0].sc[FCF_SC_WORDS - 1] |= 1ull << (FCF_NSC % 64);
	REFUSED(&t, FCF_EINVAL, "entry 0: syscall bit beyond the table");
	base(&t);
	t.ins[3].op = FCF_OP_RET; /* early ret */
	REFUSED(&t, FCF_EINVAL, "insn 3: ret before the end");
	base(&t);
	t.ins[8].op = FCF_OP_CONST; /* no ret at the end */
	REFUSED(&t, FCF_EINVAL, "entry 0: code does not end with ret");
	/* overlapping entries */
	base(&t);
	tb_ins(&t, FCF_OP_CONST, 0, 0, FCF_TRUE);
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	tb_entry(&t, 0, 9, 2);
	t.ent[1].off = 8;
	t.ent[1].len = 3;
	REFUSED(&t, FCF_EINVAL, "entry 1: code overlaps");
	/* a gap between entries */
	base(&t);
	tb_ins(&t, FCF_OP_CONST, 0, 0, FCF_TRUE);
	tb_ins(&t, FCF_OP_CONST, 0, 0, FCF_TRUE);
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	tb_entry(&t, 0, 10, 2);
	REFUSED(&t, FCF_EINVAL, "entry 1: instructions outside any entry");
	/* code after the last entry */
	base(&t);
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	REFUSED(&t, FCF_EINVAL, "instructions outside any entry");
	/* oversized: more entries than instructions */
	base(&t);
	n = tb_encode(&t, b);
	b[24] = 100;
	CHECK(fcf_load(b, n, &p, why, sizeof(why)) == -FCF_EINVAL && strstr(why, "more entries"));
}

/* ==================== 2. the interpreter ==================== */

struct fake1 {
	int rc;            /* FCF_FETCH_* */
	struct fcf_value v;
	unsigned calls;
	unsigned field;
	const char *arg;
};

static int fetch1(void *ctx, unsigned field, const char *arg, struct fcf_value *out)
{
	struct fake1 *f = ctx;
	f->calls++;
	f->field = field;
	f->arg = arg;
	*out = f->v;
	return f->rc;
}

static struct fake1 fnum(int64_t v)
{
	struct fake1 f = { 0 };
	f.rc = FCF_FETCH_OK;
	f.v.kind = FCF_V_NUM;
	f.v.num = v;
	return f;
}

static struct fake1 fstr(const char *s)
{
	struct fake1 f = { 0 };
	f.rc = FCF_FETCH_OK;
	f.v.kind = FCF_V_STR;
	f.v.str = s;
	f.v.len = (uint32_t)strlen(s);
	return f;
}

/*
 * The three-valued result of one check instruction c on the fetched
 * value: two rules on row 0, rule 0 = c, rule 1 = not c.
 */
static int tri_of(struct tb *t, const struct fcf_insn *c, struct fake1 f)
{
	struct fcf_prog *p;
	char why[128];
	uint64_t mask[1];

	t->nrules = 2;
	t->nins = t->nent = 0;
	t->ins[t->nins++] = *c;
	tb_ins(t, FCF_OP_RET, 0, 0, 0);
	tb_entry(t, 0, 0, 0);
	t->ins[t->nins++] = *c;
	tb_ins(t, FCF_OP_NOT, 0, 0, 0);
	tb_ins(t, FCF_OP_RET, 0, 0, 0);
	tb_entry(t, 1, 2, 0);
	if (tb_load(t, &p, why, sizeof(why))) {
		printf("tri_of: refused: %s\n", why);
		return -1;
	}
	fcf_run(p, 0, fetch1, &f, mask);
	fcf_free(p);
	int x = mask[0] & 1, nx = (mask[0] >> 1) & 1;
	return x && nx ? FCF_MAYBE : x ? FCF_TRUE : nx ? FCF_FALSE : -2;
}

static struct fcf_insn mkcheck(unsigned field, unsigned match, unsigned imm, unsigned cnt)
{
	struct fcf_insn in;
	memset(&in, 0, sizeof(in));
	in.op = FCF_OP_CHECK;
	in.field = (fcf_u16)field;
	in.match = (fcf_u8)match;
	in.imm = imm;
	in.cnt = (fcf_u16)cnt;
	in.arg = FCF_NOARG;
	return in;
}

#define F FCF_FALSE
#define T FCF_TRUE
#define M FCF_MAYBE

static void test_num(void)
{
	struct tb t;
	struct fcf_insn c;

	tb_init(&t);
	t.nums[t.nnums++] = 5;
	t.nums[t.nnums++] = -3;
	t.nums[t.nnums++] = 9;
	static const struct {
		unsigned m;
		int64_t v;
		int want;
	} v[] = {
		{ FCF_M_NUM_EQ, 5, T }, { FCF_M_NUM_EQ, 4, F },  { FCF_M_NUM_NE, 5, F },
		{ FCF_M_NUM_NE, -5, T }, { FCF_M_NUM_LT, 4, T }, { FCF_M_NUM_LT, 5, F },
		{ FCF_M_NUM_LE, 5, T },  { FCF_M_NUM_LE, 6, F }, { FCF_M_NUM_GT, 6, T },
		{ FCF_M_NUM_GT, 5, F },  { FCF_M_NUM_GE, 5, T }, { FCF_M_NUM_GE, -1, F },
		{ FCF_M_NUM_LT, INT64_MIN, T }, { FCF_M_NUM_GT, INT64_MAX, T },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		c = mkcheck(KF_PROC_PID, v[i].m, 0, 1);
		int got = tri_of(&t, &c, fnum(v[i].v));
		if (got != v[i].want)
			printf("num case %zu: got %d want %d\n", i, got, v[i].want);
		CHECK(got == v[i].want);
	}
	/* in: (5, -3, 9); empty list is FALSE */
	c = mkcheck(KF_USER_UID, FCF_M_NUM_IN, 0, 3);
	CHECK(tri_of(&t, &c, fnum(-3)) == T);
	CHECK(tri_of(&t, &c, fnum(9)) == T);
	CHECK(tri_of(&t, &c, fnum(3)) == F);
	c = mkcheck(KF_USER_UID, FCF_M_NUM_IN, 1, 0);
	CHECK(tri_of(&t, &c, fnum(5)) == F);
	/* not known: MAYBE; no value: FALSE; a string where a number is due: MAYBE */
	c = mkcheck(KF_PROC_PID, FCF_M_NUM_EQ, 0, 1);
	struct fake1 f = fnum(5);
	f.rc = FCF_FETCH_MAYBE;
	CHECK(tri_of(&t, &c, f) == M);
	f.rc = FCF_FETCH_NONE;
	CHECK(tri_of(&t, &c, f) == F);
	f.rc = 77; /* anything else the module returns: MAYBE */
	CHECK(tri_of(&t, &c, f) == M);
	CHECK(tri_of(&t, &c, fstr("5")) == M);
	/* exists */
	c = mkcheck(KF_PROC_PID, FCF_M_EXISTS, 0, 0);
	CHECK(tri_of(&t, &c, fnum(0)) == T);
	f.rc = FCF_FETCH_MAYBE;
	CHECK(tri_of(&t, &c, f) == M);
	f.rc = FCF_FETCH_NONE;
	CHECK(tri_of(&t, &c, f) == F);
	c = mkcheck(KF_PROC_NAME, FCF_M_EXISTS, 0, 0);
	CHECK(tri_of(&t, &c, fstr("")) == T);

	/* flags: any = 0x6, sure = 0x2, zero_maybe, exact 0x4 (O_ flags style) */
	tb_init(&t);
	t.nums[0] = 0x6, t.nums[1] = 0x2, t.nums[2] = 1, t.nums[3] = 0x4;
	t.nnums = 4;
	c = mkcheck(KF_EVT_RAWARG, FCF_M_FLAGS_ANY, 0, 4);
	CHECK(tri_of(&t, &c, fnum(0)) == M);        /* zero renders a name: unknown */
	CHECK(tri_of(&t, &c, fnum(0x1)) == F);      /* no bit of any */
	CHECK(tri_of(&t, &c, fnum(0x3)) == T);      /* sure bit */
	CHECK(tri_of(&t, &c, fnum(0x4)) == T);      /* exact value */
	CHECK(tri_of(&t, &c, fnum(0x5)) == M);      /* bit 4 in a mix */
	CHECK(tri_of(&t, &c, fnum(0x100000002ll)) == T); /* the u32 is compared */
	CHECK(tri_of(&t, &c, fnum(0x100000000ll)) == M);
	t.nums[2] = 0;
	CHECK(tri_of(&t, &c, fnum(0)) == F);
}

static void test_str(void)
{
	struct tb t;
	struct fcf_insn c;
	static const char *const in[] = { "", "ba", "bash", "sh", "zsh" };
	static const char *const pre[] = { "/etc/", "/usr/lib" };
	static const char *const suf[] = { ".so", "release_agent" };
	static const char *const none[] = { "" };

	tb_init(&t);
	unsigned sin = tb_set(&t, FCF_M_STR_IN, in, 5);
	unsigned spre = tb_set(&t, FCF_M_STR_PREFIX, pre, 2);
	unsigned ssuf = tb_set(&t, FCF_M_STR_SUFFIX, suf, 2);
	unsigned sall = tb_set(&t, FCF_M_STR_PREFIX, none, 1);
	unsigned sempty = tb_set(&t, FCF_M_STR_IN, NULL, 0);
	uint32_t bash = tb_str(&t, "bash"), empty = tb_str(&t, "");
	uint32_t ssh = tb_str(&t, ".ssh/"), star = tb_str(&t, "/home/*/.ssh/*");
	uint32_t q = tb_str(&t, "a?c"), stars = tb_str(&t, "**"), lowered = tb_str(&t, "ssh");

	c = mkcheck(KF_PROC_NAME, FCF_M_STR_EQ, bash, 4);
	CHECK(tri_of(&t, &c, fstr("bash")) == T);
	CHECK(tri_of(&t, &c, fstr("bas")) == F);
	CHECK(tri_of(&t, &c, fstr("bashx")) == F);
	CHECK(tri_of(&t, &c, fstr("BASH")) == F);
	{ /* not NUL-terminated value: only len counts */
		struct fake1 f = fstr("bashful");
		f.v.len = 4;
		CHECK(tri_of(&t, &c, f) == T);
		f.v.len = FCF_MAX_STR + 1;
		CHECK(tri_of(&t, &c, f) == M); /* too long: MAYBE */
		f.v.str = NULL;
		f.v.len = 3;
		CHECK(tri_of(&t, &c, f) == M);
		f.v.len = 0;
		CHECK(tri_of(&t, &c, f) == F); /* NULL, 0: the empty string */
		f.v.kind = FCF_V_NUM;
		CHECK(tri_of(&t, &c, f) == M);
	}
	c = mkcheck(KF_PROC_NAME, FCF_M_STR_EQ, empty, 0);
	CHECK(tri_of(&t, &c, fstr("")) == T);
	CHECK(tri_of(&t, &c, fstr("a")) == F);

	c = mkcheck(KF_PROC_NAME, FCF_M_STR_IN, sin, 0);
	static const struct {
		const char *s;
		int want;
	} vin[] = { { "", T }, { "b", F }, { "ba", T }, { "bas", F }, { "bash", T }, { "bashh", F },
		    { "sh", T }, { "zsh", T }, { "zz", F }, { "a", F }, { "~", F } };
	for (size_t i = 0; i < sizeof(vin) / sizeof(vin[0]); i++)
		CHECK(tri_of(&t, &c, fstr(vin[i].s)) == vin[i].want);
	c = mkcheck(KF_PROC_NAME, FCF_M_STR_IN, sempty, 0);
	CHECK(tri_of(&t, &c, fstr("")) == F);

	c = mkcheck(KF_FD_NAME, FCF_M_STR_PREFIX, spre, 0);
	CHECK(tri_of(&t, &c, fstr("/etc/passwd")) == T);
	CHECK(tri_of(&t, &c, fstr("/etc/")) == T);
	CHECK(tri_of(&t, &c, fstr("/etc")) == F);
	CHECK(tri_of(&t, &c, fstr("/usr/lib64/x")) == T);
	CHECK(tri_of(&t, &c, fstr("")) == F);
	c = mkcheck(KF_FD_NAME, FCF_M_STR_PREFIX, sall, 0);
	CHECK(tri_of(&t, &c, fstr("")) == T); /* startswith "" */
	c = mkcheck(KF_FD_NAME, FCF_M_STR_SUFFIX, ssuf, 0);
	CHECK(tri_of(&t, &c, fstr("/lib/x.so")) == T);
	CHECK(tri_of(&t, &c, fstr(".so")) == T);
	CHECK(tri_of(&t, &c, fstr("so")) == F);
	CHECK(tri_of(&t, &c, fstr("/x.so.1")) == F);
	CHECK(tri_of(&t, &c, fstr("/sys/fs/cgroup/release_agent")) == T);

	c = mkcheck(KF_FD_NAME, FCF_M_CONTAINS, ssh, 5);
	CHECK(tri_of(&t, &c, fstr("/root/.ssh/id")) == T);
	CHECK(tri_of(&t, &c, fstr(".ssh/")) == T);
	CHECK(tri_of(&t, &c, fstr(".ssh")) == F);
	CHECK(tri_of(&t, &c, fstr("/root/.SSH/id")) == F);
	c = mkcheck(KF_FD_NAME, FCF_M_CONTAINS, empty, 0);
	CHECK(tri_of(&t, &c, fstr("")) == T);
	c = mkcheck(KF_FD_NAME, FCF_M_CONTAINS, lowered, 3);
	c.src = FCF_CF_ICASE;
	CHECK(tri_of(&t, &c, fstr("/root/.SsH/id")) == T);
	CHECK(tri_of(&t, &c, fstr("/root/.sh")) == F);

	c = mkcheck(KF_FD_NAME, FCF_M_GLOB, star, 14);
	CHECK(tri_of(&t, &c, fstr("/home/u/.ssh/k")) == T);
	CHECK(tri_of(&t, &c, fstr("/home/u/v/.ssh/")) == T); /* '*' crosses '/' (no FNM_PATHNAME) */
	CHECK(tri_of(&t, &c, fstr("/home/.ssh/k")) == F);
	CHECK(tri_of(&t, &c, fstr("/HOME/u/.ssh/k")) == F);
	c.src = FCF_CF_ICASE;
	CHECK(tri_of(&t, &c, fstr("/HOME/U/.SSH/K")) == T);
	c = mkcheck(KF_FD_NAME, FCF_M_GLOB, q, 3);
	CHECK(tri_of(&t, &c, fstr("abc")) == T);
	CHECK(tri_of(&t, &c, fstr("ac")) == F);
	CHECK(tri_of(&t, &c, fstr("abbc")) == F);
	c = mkcheck(KF_FD_NAME, FCF_M_GLOB, empty, 0);
	CHECK(tri_of(&t, &c, fstr("")) == T);
	CHECK(tri_of(&t, &c, fstr("a")) == F);
	c = mkcheck(KF_FD_NAME, FCF_M_GLOB, stars, 2);
	CHECK(tri_of(&t, &c, fstr("")) == T);
	CHECK(tri_of(&t, &c, fstr("anything")) == T);
	/* a string match on a fetched number is MAYBE */
	c = mkcheck(KF_FD_NAME, FCF_M_GLOB, stars, 2);
	CHECK(tri_of(&t, &c, fnum(1)) == M);
}

/* fcf glob == fnmatch(3) (the userspace evaluator's) on random inputs
 * over a small alphabet, patterns without '[' and '\\'. */
static void test_glob_fnmatch(void)
{
	static const char alpha[] = "ab*?/.A";
	struct tb t;
	unsigned agree = 0, total = 0;

	srand(7);
	for (int round = 0; round < 3000; round++) {
		char pat[12], s[16];
		int pn = rand() % 8, sn = rand() % 12;
		for (int i = 0; i < pn; i++)
			pat[i] = alpha[rand() % 7];
		pat[pn] = '\0';
		for (int i = 0; i < sn; i++)
			s[i] = "ab/.xA"[rand() % 6];
		s[sn] = '\0';
		for (int icase = 0; icase < 2; icase++) {
			char lp[12];
			for (int i = 0; i <= pn; i++)
				lp[i] = icase && pat[i] >= 'A' && pat[i] <= 'Z' ? (char)(pat[i] + 32) : pat[i];
			tb_init(&t);
			uint32_t at = tb_str(&t, lp);
			struct fcf_insn c = mkcheck(KF_FD_NAME, FCF_M_GLOB, at, (unsigned)pn);
			c.src = icase ? FCF_CF_ICASE : 0;
			int want = fnmatch(pat, s, icase ? FNM_CASEFOLD : 0) == 0 ? T : F;
			int got = tri_of(&t, &c, fstr(s));
			total++;
			if (got == want)
				agree++;
			else if (total - agree < 5)
				printf("glob '%s' on '%s' icase %d: got %d want %d\n", pat, s, icase,
				       got, want);
		}
	}
	printf("glob vs fnmatch: %u/%u agree\n", agree, total);
	CHECK(agree == total);
}

static void test_logic(void)
{
	struct tb t;
	struct fcf_prog *p;
	char why[128];
	uint64_t mask[1];
	struct fake1 f = fnum(1);
	static const int tand[3][3] = { { F, F, F }, { F, T, M }, { F, M, M } };
	static const int tor[3][3] = { { F, T, M }, { T, T, T }, { M, T, M } };

	/* Kleene tables: const a, const b, op; read as X / not X */
	for (int op = 0; op < 2; op++)
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++) {
				tb_init(&t);
				t.nrules = 2;
				for (int neg = 0; neg < 2; neg++) {
					unsigned off = t.nins;
					tb_ins(&t, FCF_OP_CONST, 0, 0, (unsigned)a);
					tb_ins(&t, FCF_OP_CONST, 5, 0, (unsigned)b);
					tb_ins(&t, op ? FCF_OP_OR : FCF_OP_AND, 0, 5, 0);
					if (neg)
						tb_ins(&t, FCF_OP_NOT, 0, 0, 0);
					tb_ins(&t, FCF_OP_RET, 0, 0, 0);
					tb_entry(&t, (unsigned)neg, off, 3);
				}
				CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
				fcf_run(p, 3, fetch1, &f, mask);
				fcf_free(p);
				int x = mask[0] & 1, nx = (mask[0] >> 1) & 1;
				int got = x && nx ? M : x ? T : F;
				CHECK(got == (op ? tor : tand)[a][b]);
			}

	/* short circuit: FALSE and <check>: the check is not fetched */
	tb_init(&t);
	t.nums[t.nnums++] = 1;
	tb_ins(&t, FCF_OP_CONST, 0, 0, F);
	tb_ins(&t, FCF_OP_JF, 0, 0, 2);
	tb_check(&t, 1, KF_PROC_PID, FCF_M_NUM_EQ, 0, 1);
	tb_ins(&t, FCF_OP_AND, 0, 1, 0);
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	tb_entry(&t, 0, 0, 3);
	CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
	f.calls = 0;
	CHECK(fcf_run(p, 3, fetch1, &f, mask) == 0 && mask[0] == 0 && f.calls == 0);
	fcf_free(p);
	/* TRUE or <check> */
	tb_init(&t);
	t.nums[t.nnums++] = 1;
	tb_ins(&t, FCF_OP_CONST, 0, 0, T);
	tb_ins(&t, FCF_OP_JT, 0, 0, 2);
	tb_check(&t, 1, KF_PROC_PID, FCF_M_NUM_EQ, 0, 1);
	tb_ins(&t, FCF_OP_OR, 0, 1, 0);
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	tb_entry(&t, 0, 0, 3);
	CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
	f.calls = 0;
	CHECK(fcf_run(p, 3, fetch1, &f, mask) == 1 && mask[0] == 1 && f.calls == 0);
	/* registers start MAYBE */
	fcf_free(p);
	tb_init(&t);
	tb_ins(&t, FCF_OP_RET, 9, 0, 0);
	tb_entry(&t, 0, 0, 3);
	CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
	CHECK(fcf_run(p, 3, fetch1, &f, mask) == 1);
	fcf_free(p);

	/* syscall selection, several rules, mask words, the argument string */
	tb_init(&t);
	t.nrules = 70;
	uint32_t arg = tb_str(&t, "flags");
	t.nums[t.nnums++] = 1;
	unsigned c = tb_check(&t, 0, KF_EVT_RAWARG, FCF_M_NUM_EQ, 0, 1);
	t.ins[c].arg = arg;
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	tb_entry(&t, 65, 0, 7);
	t.ent[0].sc[0] |= 1ull << 9;
	tb_ins(&t, FCF_OP_CONST, 0, 0, T);
	tb_ins(&t, FCF_OP_RET, 0, 0, 0);
	tb_entry(&t, 3, 2, FCF_NSC - 1);
	CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
	CHECK(fcf_nrules(p) == 70);
	uint64_t m2[2] = { ~0ull, ~0ull };
	f = fnum(1);
	CHECK(fcf_run(p, 7, fetch1, &f, m2) == 1 && m2[0] == 0 && m2[1] == 2);
	CHECK(f.field == KF_EVT_RAWARG && f.arg && !strcmp(f.arg, "flags"));
	f = fnum(2);
	CHECK(fcf_run(p, 9, fetch1, &f, m2) == 0 && m2[0] == 0 && m2[1] == 0);
	f.calls = 0;
	CHECK(fcf_run(p, 8, fetch1, &f, m2) == 0 && f.calls == 0);
	CHECK(fcf_run(p, FCF_NSC - 1, fetch1, &f, m2) == 1 && m2[0] == 8 && m2[1] == 0);
	CHECK(fcf_run(p, FCF_NSC, fetch1, &f, m2) == 0 && m2[0] == 0);
	CHECK(fcf_run(p, 1000000, fetch1, &f, m2) == 0);
	fcf_free(p);
	CHECK(fcf_run(NULL, 0, fetch1, &f, m2) == 0);
	fcf_free(NULL);
	CHECK(fcf_nrules(NULL) == 0);
}

/* The string budget: many expensive checks that are all FALSE end up
 * MAYBE (the event passes) instead of taking unbounded time. */
static void test_budget(void)
{
	static char val[FCF_MAX_STR + 1], pat[FCF_MAX_PAT + 1];
	struct tb t;
	struct fcf_prog *p;
	char why[128];
	uint64_t mask[1];

	memset(val, 'a', FCF_MAX_STR);
	memset(pat, 'a', FCF_MAX_PAT);
	pat[FCF_MAX_PAT - 1] = 'b';
	for (int nchecks = 1; nchecks <= 10; nchecks += 9) {
		tb_init(&t);
		uint32_t at = tb_str(&t, pat);
		tb_check(&t, 0, KF_FD_NAME, FCF_M_CONTAINS, at, FCF_MAX_PAT);
		for (int i = 1; i < nchecks; i++) {
			tb_ins(&t, FCF_OP_JT, 0, 0, 2);
			tb_check(&t, 1, KF_FD_NAME, FCF_M_CONTAINS, at, FCF_MAX_PAT);
			tb_ins(&t, FCF_OP_OR, 0, 1, 0);
		}
		tb_ins(&t, FCF_OP_RET, 0, 0, 0);
		tb_entry(&t, 0, 0, 0);
		CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
		struct fake1 f = fstr(val);
		fcf_run(p, 0, fetch1, &f, mask);
		/* one check fits the budget: FALSE; ten do not: MAYBE */
		CHECK(f.calls == (unsigned)nchecks);
		CHECK(mask[0] == (nchecks == 1 ? 0u : 1u));
		fcf_free(p);
	}
}

/* ==================== 3. allocation failures ==================== */

static void test_alloc(void)
{
	struct tb t;
	struct fcf_prog *p;
	char why[128];

	base(&t);
	fcf_port_fail_after = 0;
	CHECK(tb_load(&t, &p, why, sizeof(why)) == -FCF_ENOMEM && p == NULL &&
	      strstr(why, "memory"));
	fcf_port_fail_after = -1;
	CHECK(tb_load(&t, &p, why, sizeof(why)) == 0);
	fcf_free(p);
}

/* ==================== 4. differential ==================== */

/* Constants of the rules, to draw values from. */
static struct {
	const char **s;
	size_t ns, caps;
	int64_t *n;
	size_t nn, capn;
} kst;

static void const_str(const char *s)
{
	if (kst.ns == kst.caps) {
		kst.caps = kst.caps ? 2 * kst.caps : 256;
		kst.s = realloc(kst.s, kst.caps * sizeof(*kst.s));
	}
	kst.s[kst.ns++] = s;
}

static void const_num(int64_t v)
{
	if (kst.nn == kst.capn) {
		kst.capn = kst.capn ? 2 * kst.capn : 256;
		kst.n = realloc(kst.n, kst.capn * sizeof(*kst.n));
	}
	kst.n[kst.nn++] = v;
}

static void collect(const struct kexpr *k)
{
	if (k->kind == KX_CHECK) {
		for (unsigned i = 0; i < k->nstrs; i++)
			const_str(k->strs[i]);
		for (unsigned i = 0; i < k->nnums; i++)
			const_num(k->nums[i]);
	}
	for (unsigned i = 0; i < k->nkids; i++)
		collect(k->kids[i]);
}

/* One fake event: every (field, arg) value is a pure function of the
 * event seed, so the interpreter and the reference see the same. */
struct ev {
	uint64_t seed;
	char buf[64][600];
	unsigned nbuf;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static uint64_t ev_hash(const struct ev *e, unsigned field, const char *arg)
{
	uint64_t h = mix(e->seed ^ (field * 0x9e3779b97f4a7c15ull));
	for (const char *p = arg; p && *p; p++)
		h = mix(h ^ (unsigned char)*p);
	return h;
}

static const char *pick_str(uint64_t h)
{
	return kst.ns ? kst.s[h % kst.ns] : "";
}

static int64_t pick_num(uint64_t h)
{
	switch (h % 5) {
	case 0:
		return (int64_t)(h >> 8) % 5 - 2;
	case 1:
		return (int64_t)1 << ((h >> 8) % 24);
	case 2:
		return kst.nn ? kst.n[(h >> 8) % kst.nn] + (int64_t)((h >> 40) % 3) - 1 : 0;
	default:
		return kst.nn ? kst.n[(h >> 8) % kst.nn] : 0;
	}
}

/* The value of (field, arg) on event e: FCF_FETCH_OK or MAYBE. */
static int ev_value(struct ev *e, unsigned field, const char *arg, struct fcf_value *v)
{
	uint64_t h = ev_hash(e, field == KF_EVT_FAILED ? KF_EVT_RAWRES : field, arg);

	memset(v, 0, sizeof(*v));
	if (h % 100 < 12)
		return FCF_FETCH_MAYBE;
	h = mix(h);
	switch (split_kfield((int)field)->kind) {
	case KV_STR: {
		if (field == KF_FD_TYPECHAR || field == KF_CONTAINER_ID) {
			v->kind = FCF_V_STR;
			v->str = field == KF_FD_TYPECHAR ? "f" : "host";
			v->len = (uint32_t)strlen(v->str);
			return FCF_FETCH_OK;
		}
		char *b = e->buf[e->nbuf++ % 64];
		const char *base = pick_str(h), *other = pick_str(mix(h));
		switch ((h >> 32) % 8) {
		case 0:
			snprintf(b, 600, "%s%s", base, other);
			break;
		case 1:
			snprintf(b, 600, "%s%s", other, base);
			break;
		case 2:
			snprintf(b, 600, "%s/x/%s", other, base);
			break;
		case 3: /* case-flipped */
			snprintf(b, 600, "%s", base);
			for (char *p = b; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 32);
			break;
		case 4:
			b[0] = '\0';
			break;
		default:
			snprintf(b, 600, "%s", base);
			break;
		}
		v->kind = FCF_V_STR;
		v->str = b;
		v->len = (uint32_t)strlen(b);
		return FCF_FETCH_OK;
	}
	default:
		v->kind = FCF_V_NUM;
		if (field == KF_EVT_IS_OPEN_READ || field == KF_EVT_IS_OPEN_WRITE ||
		    field == KF_EVT_IS_OPEN_EXEC)
			v->num = (int64_t)(h & 1);
		else
			v->num = pick_num(h);
		if (field == KF_EVT_FAILED)
			v->num = v->num < 0;
		return FCF_FETCH_OK;
	}
}

static unsigned nfetch;

static int debug;

static int ev_fetch(void *ctx, unsigned field, const char *arg, struct fcf_value *out)
{
	nfetch++;
	int rc = ev_value(ctx, field, arg, out);
	if (debug)
		printf("  fetch %s[%s] -> %d %s %" PRId64 "\n", split_kfield((int)field)->name,
		       arg ? arg : "", rc, out->kind == FCF_V_STR ? out->str : "",
		       out->num);
	return rc;
}

/* A cheap fetch for timing the interpreter: fixed plausible values. */
static int cheap_fetch(void *ctx, unsigned field, const char *arg, struct fcf_value *out)
{
	(void)ctx;
	(void)arg;
	memset(out, 0, sizeof(*out));
	if (split_kfield((int)field)->kind == KV_STR) {
		out->kind = FCF_V_STR;
		out->str = field == KF_PROC_NAME || field == KF_PROC_ANAME ? "bash"
			   : "/home/user/project/build/src/main.c";
		out->len = (uint32_t)strlen(out->str);
	} else {
		out->kind = FCF_V_NUM;
		out->num = field == KF_USER_UID ? 1000 : 3;
	}
	return FCF_FETCH_OK;
}

static bool has(const struct kexpr *k, const char *s)
{
	for (unsigned i = 0; i < k->nstrs; i++)
		if (!strcmp(k->strs[i], s))
			return true;
	return false;
}

static int t_not(int a)
{
	return a == M ? M : a == T ? F : T;
}

/* A number check against v with codegen's operators. */
static int ref_num(const struct kexpr *k, int64_t v)
{
	int64_t o = k->nnums ? k->nums[0] : 0;
	switch (k->match) {
	case KM_NUM_EQ: return v == o ? T : F;
	case KM_NUM_NE: return v != o ? T : F;
	case KM_NUM_LT: return v < o ? T : F;
	case KM_NUM_LE: return v <= o ? T : F;
	case KM_NUM_GT: return v > o ? T : F;
	case KM_NUM_GE: return v >= o ? T : F;
	case KM_NUM_IN:
		for (unsigned i = 0; i < k->nnums; i++)
			if (k->nums[i] == v)
				return T;
		return F;
	default: return M;
	}
}

static int ref_str(const struct kexpr *k, const char *s, size_t n)
{
	switch (k->match) {
	case KM_STR_EQ:
		return k->nstrs && strlen(k->strs[0]) == n && !memcmp(s, k->strs[0], n) ? T : F;
	case KM_STR_IN:
		for (unsigned i = 0; i < k->nstrs; i++)
			if (strlen(k->strs[i]) == n && !memcmp(k->strs[i], s, n))
				return T;
		return k->nstrs ? F : M;
	case KM_STR_PREFIX:
		for (unsigned i = 0; i < k->nstrs; i++)
			if (strlen(k->strs[i]) <= n && !strncmp(s, k->strs[i], strlen(k->strs[i])))
				return T;
		return F;
	case KM_STR_SUFFIX:
		for (unsigned i = 0; i < k->nstrs; i++) {
			size_t l = strlen(k->strs[i]);
			if (l <= n && !memcmp(s + n - l, k->strs[i], l))
				return T;
		}
		return F;
	case KM_STR_CONTAINS:
		if (!k->nstrs)
			return M;
		return (k->icase ? strcasestr(s, k->strs[0]) : strstr(s, k->strs[0])) ? T : F;
	case KM_STR_GLOB:
		if (!k->nstrs || strpbrk(k->strs[0], "[\\"))
			return M;
		return fnmatch(k->strs[0], s, k->icase ? FNM_CASEFOLD : 0) == 0 ? T : F;
	case KM_EXISTS:
		return T;
	default:
		return M;
	}
}

/* Read (field, arg): OK with *v, or the tri-value to return. */
static int ref_get(struct ev *e, unsigned field, const char *arg, struct fcf_value *v)
{
	int rc = ev_value(e, field, arg, v);
	return rc == FCF_FETCH_OK ? -1 : M;
}

/* One check of a split kexpr on syscall sc: codegen.c check_expr. */
static int ref_check(struct ev *e, const struct kexpr *k, const char *sc)
{
	bool is_open = !strcmp(sc, "open") || !strcmp(sc, "openat") || !strcmp(sc, "openat2");
	bool creat = !strcmp(sc, "creat"), procexit = !strcmp(sc, "procexit");
	bool connect = !strcmp(sc, "connect"), is_str, is_num;
	struct fcf_value v;
	int r, want;

	switch (k->kfield) {
	case KF_EVT_TYPE:
		if (k->match == KM_EXISTS)
			return T;
		if (k->match == KM_STR_EQ || k->match == KM_STR_IN)
			return has(k, sc) ? T : F;
		return M;
	case KF_EVT_DIR:
		if (k->match == KM_EXISTS)
			return T;
		if (k->match == KM_STR_EQ || k->match == KM_STR_IN)
			return has(k, procexit ? ">" : "<") ? T : F;
		return M;
	case KF_EVT_RES:
		if (procexit)
			return M;
		if (k->match == KM_EXISTS)
			return T;
		if (k->match != KM_STR_EQ && k->match != KM_STR_IN)
			return M;
		if ((r = ref_get(e, KF_EVT_RAWRES, NULL, &v)) >= 0)
			return r;
		if (v.num >= 0)
			return has(k, "SUCCESS") ? T : F;
		return k->nstrs > (has(k, "SUCCESS") ? 1u : 0u) ? M : F;
	case KF_EVT_IS_OPEN_READ:
	case KF_EVT_IS_OPEN_WRITE:
	case KF_EVT_IS_OPEN_EXEC:
		if (k->match == KM_EXISTS)
			return T;
		if (k->nnums)
			want = k->nums[0] != 0;
		else if (k->nstrs)
			want = !strcmp(k->strs[0], "true");
		else
			return M;
		if (k->match == KM_NUM_NE)
			want = !want;
		else if (k->match != KM_NUM_EQ && k->match != KM_STR_EQ)
			return M;
		if (is_open || (creat && k->kfield == KF_EVT_IS_OPEN_EXEC)) {
			if ((r = ref_get(e, (unsigned)k->kfield, NULL, &v)) >= 0)
				return r;
			return (v.num != 0) == want ? T : F;
		}
		return want ? F : T;
	case KF_FD_TYPECHAR:
	case KF_FD_TYPE:
		if ((!is_open && !creat) || (k->match != KM_STR_EQ && k->match != KM_STR_IN))
			return M;
		if ((r = ref_get(e, KF_FD_TYPECHAR, NULL, &v)) >= 0)
			return r;
		return has(k, k->kfield == KF_FD_TYPECHAR ? "f" : "file") ? T : F;
	case KF_CONTAINER_ID:
		if (k->match == KM_EXISTS)
			return T;
		if (k->match != KM_STR_EQ && k->match != KM_STR_IN)
			return M;
		if ((r = ref_get(e, KF_CONTAINER_ID, NULL, &v)) >= 0)
			return r;
		return has(k, "host") ? T : F;
	case KF_FD_L4PROTO:
		return M;
	default:
		break;
	}
	if (k->match == KM_FLAGS_ANY) {
		struct cg_flags_plan fp;
		if (!k->nstrs || cg_param(sc, k->arg, &is_str, &is_num) < 0 || !is_num ||
		    !cg_flags_plan(sc, k->arg, k->strs[0], &fp))
			return M;
		if ((r = ref_get(e, KF_EVT_RAWARG, k->arg, &v)) >= 0)
			return r;
		uint32_t x = (uint32_t)v.num;
		if (fp.zero && x == 0)
			return M;
		if (!(x & fp.any))
			return F;
		bool sure = (x & fp.sure) != 0;
		for (unsigned i = 0; i < fp.nexact; i++)
			sure = sure || x == fp.exact[i];
		return sure ? T : M;
	}
	/* numeric fields */
	int nf = -1;
	const char *narg = NULL;
	switch (k->kfield) {
	case KF_PROC_PID: case KF_PROC_PPID: case KF_THREAD_TID:
	case KF_USER_UID: case KF_USER_LOGINUID: case KF_GROUP_GID:
		nf = k->kfield;
		break;
	case KF_EVT_RAWRES: case KF_EVT_FAILED:
		nf = procexit ? -1 : k->kfield;
		break;
	case KF_FD_SIP: case KF_FD_DIP:
		nf = connect ? KF_FD_DIP : -1;
		break;
	case KF_FD_SPORT: case KF_FD_DPORT:
		nf = connect ? KF_FD_DPORT : -1;
		break;
	case KF_EVT_RAWARG: case KF_EVT_ARG:
		if (cg_param(sc, k->arg, &is_str, &is_num) >= 0 && is_num) {
			nf = KF_EVT_RAWARG;
			narg = k->arg;
		}
		break;
	default:
		break;
	}
	if (k->match <= KM_NUM_IN || (k->match == KM_EXISTS && nf >= 0)) {
		if (nf < 0)
			return M;
		if ((r = ref_get(e, (unsigned)nf, narg, &v)) >= 0)
			return r;
		return k->match == KM_EXISTS ? T : ref_num(k, v.num);
	}
	/* string fields */
	int sf = -1;
	const char *sarg = NULL;
	char lvl[8];
	switch (k->kfield) {
	case KF_PROC_NAME:
		sf = KF_PROC_NAME;
		break;
	case KF_PROC_PNAME:
		sf = KF_PROC_ANAME;
		sarg = "1";
		break;
	case KF_PROC_ANAME: {
		char *end;
		long n = k->arg ? strtol(k->arg, &end, 10) : -1;
		if (k->arg && !*end && n == 0)
			sf = KF_PROC_NAME;
		else if (k->arg && !*end && n >= 1 && n <= FC_MAX_ANCESTORS) {
			snprintf(lvl, sizeof(lvl), "%ld", n);
			sf = KF_PROC_ANAME;
			sarg = lvl;
		}
		break;
	}
	case KF_FD_NAME: case KF_FD_DIRECTORY: case KF_FD_FILENAME:
		sf = k->kfield;
		break;
	case KF_EVT_ARG:
		if (cg_param(sc, k->arg, &is_str, &is_num) >= 0 && is_str) {
			sf = KF_EVT_ARG;
			sarg = k->arg;
		}
		break;
	default:
		break;
	}
	if (sf < 0)
		return M;
	if ((r = ref_get(e, (unsigned)sf, sarg, &v)) >= 0)
		return r;
	return ref_str(k, v.str, v.len);
}

/* The kexpr in Kleene logic (no short circuit: fetches are pure). */
static int ref_eval(struct ev *e, const struct kexpr *k, const char *sc)
{
	int acc;

	switch (k->kind) {
	case KX_TRUE: return T;
	case KX_FALSE: return F;
	case KX_MAYBE: return M;
	case KX_NOT: return t_not(ref_eval(e, k->kids[0], sc));
	case KX_CHECK: return ref_check(e, k, sc);
	case KX_AND:
		acc = T;
		for (unsigned i = 0; i < k->nkids; i++) {
			int x = ref_eval(e, k->kids[i], sc);
			acc = acc == F || x == F ? F : acc == T && x == T ? T : M;
		}
		return acc;
	case KX_OR:
		acc = F;
		for (unsigned i = 0; i < k->nkids; i++) {
			int x = ref_eval(e, k->kids[i], sc);
			acc = acc == T || x == T ? T : acc == F && x == F ? F : M;
		}
		return acc;
	}
	return M;
}

static bool rule_on(const struct split_rule *r, unsigned sc)
{
	int evi = fields_evtname_index(cg_syscall_name(sc));
	return evi >= 0 && r->rule->evttypes && evttypes_has(r->rule->evttypes, (size_t)evi);
}

static unsigned long all_outcomes[3];

/* files: comma-separated rules files; "deep:" before them: a rule set
 * deeper than the registers, where fcf may say MAYBE for the reference's
 * FALSE (sound, not exact). */
static void test_differential(const char *files, unsigned nevents)
{
	bool deep = !strncmp(files, "deep:", 5);
	if (deep)
		files += 5;
	struct arena a;
	struct diag_ctx d;
	struct ruleset rs;
	struct split_result sr;
	struct strbuf blob = { 0 };
	struct kc_options ko = { .kernel_filter = true };
	struct kc_stats st;
	const char *err = NULL;
	char *list = strdup(files), *save = NULL;
	static struct ev e;

	arena_init(&a);
	diag_init(&d, &a);
	rs_init(&rs, &a, &d);
	for (char *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save))
		CHECK(rs_add_file(&rs, f) == 0);
	rs_compile(&rs);
	split_ruleset(&a, &rs, &sr);
	CHECK(sr.rules.n > 0);
	int rc = kc_build(&a, &sr, &ko, &blob, &st, &err);
	CHECK(rc == 0);
	if (rc) {
		printf("%s: %s\n", files, err);
		goto out;
	}
	/* deterministic */
	struct strbuf again = { 0 };
	CHECK(kc_build(&a, &sr, &ko, &again, NULL, &err) == 0 && again.len == blob.len &&
	      !memcmp(again.s, blob.s, blob.len));
	sb_free(&again);

	struct fcf_prog *p;
	char why[160];
	CHECK(fcf_load(blob.s, blob.len, &p, why, sizeof(why)) == 0);
	kst.ns = kst.nn = 0;
	for (size_t i = 0; i < sr.rules.n; i++) {
		const struct split_rule *r = sr.rules.v[i];
		if (r->kernel)
			collect(r->kernel);
	}
	const_str("");

	unsigned words = (fcf_nrules(p) + 63) / 64;
	uint64_t *mask = calloc(words ? words : 1, sizeof(*mask));
	unsigned long checks = 0, agree = 0, cnt[3] = { 0 }, na = 0;
	nfetch = 0;
	/* mostly syscalls some rule applies to, so the checks run */
	unsigned used[FCF_NSC], nused = 0;
	for (unsigned s = 0; s < FCF_NSC; s++)
		for (size_t i = 0; i < sr.rules.n; i++)
			if (rule_on(sr.rules.v[i], s)) {
				used[nused++] = s;
				break;
			}
	for (unsigned n = 0; n < nevents; n++) {
		uint64_t h = mix(n * 7919u + 1);
		unsigned sc = nused && h % 4 ? used[(h >> 8) % nused] : (unsigned)((h >> 8) % FCF_NSC);
		e.seed = mix(n + 0x1234);
		e.nbuf = 0;
		fcf_run(p, sc, ev_fetch, &e, mask);
		for (size_t i = 0; i < sr.rules.n; i++) {
			const struct split_rule *r = sr.rules.v[i];
			int want;
			if (!rule_on(r, sc)) {
				want = F;
				na++;
			} else {
				want = r->kernel ? ref_eval(&e, r->kernel, cg_syscall_name(sc)) : T;
				cnt[want]++;
			}
			bool bit = (mask[r->index / 64] >> (r->index % 64)) & 1;
			checks++;
			if (bit == (want != F) || (deep && bit)) {
				agree++;
			} else if (checks - agree <= 5) {
				struct strbuf t = { 0 };
				if (r->kernel)
					split_print(&t, r->kernel);
				printf("MISMATCH %s rule %u \"%s\" on %s: fcf %d, reference %d\n  %s\n",
				       files, r->index, r->rule->name, cg_syscall_name(sc), bit, want,
				       sb_str(&t));
				sb_free(&t);
				if (getenv("FCF_DEBUG")) {
					debug = 1;
					fcf_run(p, sc, ev_fetch, &e, mask);
					debug = 0;
					for (unsigned kk = 0; r->kernel && kk < r->kernel->nkids; kk++) {
						struct strbuf t2 = { 0 };
						split_print(&t2, r->kernel->kids[kk]);
						printf("  kid %u = %d: %.150s\n", kk,
						       ref_eval(&e, r->kernel->kids[kk], cg_syscall_name(sc)),
						       sb_str(&t2));
						sb_free(&t2);
					}
				}
			}
		}
	}
	printf("%s: %u rules, blob %zu bytes (%u entries, %u insns, %u sets, %u members, "
	       "%u subtrees too deep); "
	       "%u events, %lu rule checks: %lu agree (reference TRUE %lu, FALSE %lu, MAYBE %lu, "
	       "not on the syscall %lu), %u fetches\n",
	       files, st.nrules, blob.len, st.nentries, st.ninsns, st.nsets, st.nmembers, st.ndeep,
	       nevents,
	       checks, agree, cnt[T], cnt[F], cnt[M], na, nfetch);
	CHECK(agree == checks);
	CHECK(deep ? st.ndeep > 0 : st.ndeep == 0);
	{ /* interpreter speed, on the syscalls with rules */
		struct timespec t0, t1;
		unsigned runs = 200000, pass = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned n = 0; n < runs; n++)
			pass += fcf_run(p, nused ? used[n % nused] : 0, cheap_fetch, NULL, mask) > 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / runs;
		printf("  fcf_run: %.0f ns per event over %u syscalls with rules (cheap fetch, "
		       "%u of %u events pass)\n", ns, nused, pass, runs);
	}
	for (int o = 0; o < 3; o++)
		all_outcomes[o] += cnt[o];
	free(mask);
	fcf_free(p);
out:
	sb_free(&blob);
	free(list);
	arena_free(&a);
}

int main(int argc, char **argv)
{
	test_verifier();
	test_num();
	test_str();
	test_glob_fnmatch();
	test_logic();
	test_budget();
	test_alloc();
	for (int i = 1; i < argc; i++)
		test_differential(argv[i], 20000);
	/* the differential test can fail: each outcome happens */
	if (argc > 1)
		CHECK(all_outcomes[T] > 0 && all_outcomes[F] > 0 && all_outcomes[M] > 0);
	free(kst.s);
	free(kst.n);
	printf("test_fcf: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
