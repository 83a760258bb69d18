// SPDX-License-Identifier: Dual MIT/GPL
/*
 * fcf_verify.c: decode and verify an fcf blob (layout: fcf_format.h).
 *
 * Everything fcf_run() relies on is checked here, once, so the
 * interpreter needs no bounds checks of its own beyond the value lengths
 * the module hands it at run time:
 *   - sizes: the header counts give the blob's exact length, every count
 *     is under its FCF_MAX_* limit;
 *   - entries: rule < nrules, code ranges tile the instructions in order
 *     (disjoint, none outside), each ends with RET, syscall bits < nsc;
 *   - instructions: known op, registers < FCF_NREGS, jumps forward and
 *     inside their entry (so no loop: one pass over the code at most),
 *     CHECK field < FCF_NFIELDS with a match its kind allows, operands
 *     (numbers, pool strings, sets) in bounds, strings NUL-terminated
 *     with no NUL inside and not longer than FCF_MAX_STR / FCF_MAX_PAT;
 *   - sets: members in bounds, STR_IN members sorted and distinct.
 * The blob is decoded into native structs in one allocation, so the
 * caller may free it and the interpreter never reads little-endian
 * bytes. No recursion, no VLA, every loop bounded by a checked count.
 */
#include "fcf_format.h"

#ifndef __KERNEL__
long fcf_port_fail_after = -1;
#endif

/* ---- the tables the blob is built against ---- */

#define KFIELD(id, name, kind, where) FCF_##kind,
const unsigned char fcf_field_kind[] = {
#include "../../compiler/kfields.def"
};
const unsigned fcf_nfields = sizeof(fcf_field_kind) / sizeof(fcf_field_kind[0]);

#define KFIELD(id, name, kind, where) name "\0" #kind "\0"
static const char fcf_fields_text[] =
#include "../../compiler/kfields.def"
	"";

#define FC_SC(name, nr, ppme, np, flags) #name "\0"
static const char fcf_sc_text[] =
#include "../../bpf-templates/fc_syscalls.def"
	"";

#define FC_SC(name, nr, ppme, np, flags) 1 +
enum { FCF_NSC_TABLE = (
#include "../../bpf-templates/fc_syscalls.def"
	0) };
/* FCF_NSC is a plain number so the module's headers need no .def file. */
typedef char fcf_nsc_matches_table[FCF_NSC_TABLE == FCF_NSC ? 1 : -1];

fcf_u64 fcf_tables_hash(void)
{
	fcf_u64 h = 0xcbf29ce484222325ull;
	fcf_size i;

	for (i = 0; i < sizeof(fcf_fields_text); i++)
		h = (h ^ (fcf_u8)fcf_fields_text[i]) * 0x100000001b3ull;
	for (i = 0; i < sizeof(fcf_sc_text); i++)
		h = (h ^ (fcf_u8)fcf_sc_text[i]) * 0x100000001b3ull;
	return h;
}

/* ---- errors: "what idx: msg" without printf ---- */

struct fcf_err {
	char *buf;
	fcf_size cap, n;
};

static void err_puts(struct fcf_err *e, const char *s)
{
	while (*s && e->n + 1 < e->cap)
		e->buf[e->n++] = *s++;
	if (e->cap)
		e->buf[e->n] = '\0';
}

static void err_putu(struct fcf_err *e, fcf_u64 v)
{
	char d[24];
	int i = 23;

	d[i] = '\0';
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	err_puts(e, d + i);
}

/* Record the reason (first one wins) and return -code. */
static int fail(struct fcf_err *e, int code, const char *what, fcf_u64 idx, const char *msg)
{
	if (e->cap && e->n == 0) {
		if (what) {
			err_puts(e, what);
			err_puts(e, " ");
			err_putu(e, idx);
			err_puts(e, ": ");
		}
		err_puts(e, msg);
	}
	return -code;
}

/* ---- little-endian reads ---- */

static fcf_u32 rd32(const fcf_u8 *p)
{
	return (fcf_u32)p[0] | (fcf_u32)p[1] << 8 | (fcf_u32)p[2] << 16 | (fcf_u32)p[3] << 24;
}

static fcf_u16 rd16(const fcf_u8 *p)
{
	return (fcf_u16)(p[0] | p[1] << 8);
}

static fcf_u64 rd64(const fcf_u8 *p)
{
	return (fcf_u64)rd32(p) | (fcf_u64)rd32(p + 4) << 32;
}

/* The pool string at off, n bytes: in bounds, NUL after it, none inside. */
static int pool_str_ok(const struct fcf_prog *p, fcf_u32 off, fcf_u32 n)
{
	fcf_u32 i;

	if (off >= p->pool_len || n >= p->pool_len - off)
		return 0;
	if (p->pool[off + n] != '\0')
		return 0;
	for (i = 0; i < n; i++)
		if (p->pool[off + i] == '\0')
			return 0;
	return 1;
}

/* The argument string at off: NUL within FCF_MAX_ARG bytes. */
static int pool_arg_ok(const struct fcf_prog *p, fcf_u32 off)
{
	fcf_u32 i;

	if (off >= p->pool_len)
		return 0;
	for (i = 0; i <= FCF_MAX_ARG && off + i < p->pool_len; i++)
		if (p->pool[off + i] == '\0')
			return 1;
	return 0;
}

/* Byte order of two members: <0, 0, >0 (a prefix sorts first). */
static int member_cmp(const struct fcf_prog *p, const struct fcf_member *a,
		      const struct fcf_member *b)
{
	fcf_u32 n = a->len < b->len ? a->len : b->len;
	int c = fcf_memcmp(p->pool + a->off, p->pool + b->off, n);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

static int is_num_match(unsigned m)
{
	return m <= FCF_M_NUM_IN;
}

static int check_insn(const struct fcf_prog *p, fcf_u32 pc, const struct fcf_insn *in,
		      struct fcf_err *e)
{
	unsigned kind;

	if (in->dst >= FCF_NREGS)
		return fail(e, FCF_EINVAL, "insn", pc, "register out of range");
	switch (in->op) {
	case FCF_OP_CONST:
		if (in->imm > FCF_MAYBE)
			return fail(e, FCF_EINVAL, "insn", pc, "bad constant");
		return 0;
	case FCF_OP_NOT:
	case FCF_OP_RET:
		return 0;
	case FCF_OP_AND:
	case FCF_OP_OR:
		if (in->src >= FCF_NREGS)
			return fail(e, FCF_EINVAL, "insn", pc, "register out of range");
		return 0;
	case FCF_OP_JF:
	case FCF_OP_JT:
		return 0; /* targets: checked per entry */
	case FCF_OP_CHECK:
		break;
	default:
		return fail(e, FCF_EINVAL, "insn", pc, "unknown opcode");
	}

	if (in->field >= fcf_nfields)
		return fail(e, FCF_EINVAL, "insn", pc, "bad field id");
	if (in->match >= FCF_M__COUNT)
		return fail(e, FCF_EINVAL, "insn", pc, "bad match kind");
	if (in->src & ~FCF_CF_ICASE)
		return fail(e, FCF_EINVAL, "insn", pc, "bad check flags");
	if ((in->src & FCF_CF_ICASE) && in->match != FCF_M_CONTAINS && in->match != FCF_M_GLOB)
		return fail(e, FCF_EINVAL, "insn", pc, "icase on a match without it");
	if (in->arg != FCF_NOARG && !pool_arg_ok(p, in->arg))
		return fail(e, FCF_EINVAL, "insn", pc, "bad argument string");

	kind = fcf_field_kind[in->field];
	if (is_num_match(in->match) || in->match == FCF_M_FLAGS_ANY) {
		if (kind == FCF_KV_STR)
			return fail(e, FCF_EINVAL, "insn", pc, "numeric match on a string field");
	} else if (in->match != FCF_M_EXISTS && kind != FCF_KV_STR) {
		return fail(e, FCF_EINVAL, "insn", pc, "string match on a numeric field");
	}

	switch (in->match) {
	case FCF_M_NUM_IN:
	case FCF_M_FLAGS_ANY:
		if (in->match == FCF_M_FLAGS_ANY && in->cnt < 3)
			return fail(e, FCF_EINVAL, "insn", pc, "flags check needs 3 numbers");
		if (in->imm > p->nnums || in->cnt > p->nnums - in->imm)
			return fail(e, FCF_EINVAL, "insn", pc, "number operands out of range");
		return 0;
	case FCF_M_STR_EQ:
		if (in->cnt > FCF_MAX_STR)
			return fail(e, FCF_E2BIG, "insn", pc, "string operand too long");
		if (!pool_str_ok(p, in->imm, in->cnt))
			return fail(e, FCF_EINVAL, "insn", pc, "bad string operand");
		return 0;
	case FCF_M_CONTAINS:
	case FCF_M_GLOB:
		if (in->cnt > FCF_MAX_PAT)
			return fail(e, FCF_E2BIG, "insn", pc, "pattern too long");
		if (!pool_str_ok(p, in->imm, in->cnt))
			return fail(e, FCF_EINVAL, "insn", pc, "bad string operand");
		return 0;
	case FCF_M_STR_IN:
	case FCF_M_STR_PREFIX:
	case FCF_M_STR_SUFFIX:
		if (in->imm >= p->nsets)
			return fail(e, FCF_EINVAL, "insn", pc, "set index out of range");
		if (p->sets[in->imm].match != in->match)
			return fail(e, FCF_EINVAL, "insn", pc, "set of another match kind");
		return 0;
	case FCF_M_EXISTS:
		return 0;
	default: /* NUM_EQ .. NUM_GE: one number */
		if (in->cnt != 1 || in->imm >= p->nnums)
			return fail(e, FCF_EINVAL, "insn", pc, "number operand out of range");
		return 0;
	}
}

static int check_sets(const struct fcf_prog *p, struct fcf_err *e)
{
	fcf_u32 i, j;

	for (i = 0; i < p->nmembers; i++) {
		const struct fcf_member *m = &p->members[i];
		if (m->len > FCF_MAX_STR)
			return fail(e, FCF_E2BIG, "member", i, "string too long");
		if (!pool_str_ok(p, m->off, m->len))
			return fail(e, FCF_EINVAL, "member", i, "bad string");
	}
	for (i = 0; i < p->nsets; i++) {
		const struct fcf_set *s = &p->sets[i];
		if (s->match != FCF_M_STR_IN && s->match != FCF_M_STR_PREFIX &&
		    s->match != FCF_M_STR_SUFFIX)
			return fail(e, FCF_EINVAL, "set", i, "bad set kind");
		if (s->first > p->nmembers || s->count > p->nmembers - s->first)
			return fail(e, FCF_EINVAL, "set", i, "members out of range");
		if (s->match != FCF_M_STR_IN)
			continue;
		for (j = 1; j < s->count; j++)
			if (member_cmp(p, &p->members[s->first + j - 1], &p->members[s->first + j]) >= 0)
				return fail(e, FCF_EINVAL, "set", i, "members not sorted");
	}
	return 0;
}

static int check_entries(const struct fcf_prog *p, struct fcf_err *e)
{
	fcf_u32 i, pc, end = 0;

	for (i = 0; i < p->nentries; i++) {
		const struct fcf_entry *en = &p->entries[i];
		if (en->rule >= p->nrules)
			return fail(e, FCF_EINVAL, "entry", i, "rule index out of range");
		if (en->len == 0)
			return fail(e, FCF_EINVAL, "entry", i, "empty code");
		if (en->off < end)
			return fail(e, FCF_EINVAL, "entry", i, "code overlaps the previous entry");
		if (en->off > end)
			return fail(e, FCF_EINVAL, "entry", i, "instructions outside any entry");
		if (en->off > p->ninsns || en->len > p->ninsns - en->off)
			return fail(e, FCF_EINVAL, "entry", i, "code out of range");
		end = en->off + en->len;
		if (p->insns[end - 1].op != FCF_OP_RET)
			return fail(e, FCF_EINVAL, "entry", i, "code does not end with ret");
		for (pc = en->off; pc < end; pc++) {
			const struct fcf_insn *in = &p->insns[pc];
			if (in->op == FCF_OP_RET && pc != end - 1)
				return fail(e, FCF_EINVAL, "insn", pc, "ret before the end of its entry");
			if (in->op != FCF_OP_JF && in->op != FCF_OP_JT)
				continue;
			/* target = pc + 1 + imm must be an instruction of this
			 * entry: forward by construction (imm is unsigned) */
			if (in->imm >= end - pc - 1)
				return fail(e, FCF_EINVAL, "insn", pc, "jump out of its entry");
		}
	}
	if (end != p->ninsns)
		return fail(e, FCF_EINVAL, NULL, 0, "instructions outside any entry");
	return 0;
}

static fcf_u32 popcount64(fcf_u64 v)
{
	fcf_u32 n = 0;

	while (v) { /* at most 64 rounds */
		v &= v - 1;
		n++;
	}
	return n;
}

int fcf_load(const void *blob, fcf_size len, struct fcf_prog **out, char *err, fcf_size errlen)
{
	const fcf_u8 *b = blob;
	struct fcf_err e = { err, err ? errlen : 0, 0 };
	struct fcf_prog *p;
	fcf_u32 nrules, nsc, nentries, ninsns, nnums, nsets, nmembers, pool_len, nby = 0;
	fcf_u64 need, mem, last_ok;
	const fcf_u8 *q;
	fcf_u8 *m;
	fcf_u32 i, w, s;
	int rc;

	if (out)
		*out = NULL;
	if (e.cap)
		err[0] = '\0';
	if (!out || (!blob && len))
		return fail(&e, FCF_EINVAL, NULL, 0, "no blob");
	if (len > FCF_MAX_BLOB)
		return fail(&e, FCF_E2BIG, NULL, 0, "blob larger than FCF_MAX_BLOB");
	if (len < FCF_HDR_SIZE)
		return fail(&e, FCF_EINVAL, NULL, 0, "truncated header");
	if (rd32(b) != FCF_MAGIC)
		return fail(&e, FCF_ENOEXEC, NULL, 0, "bad magic");
	if (rd32(b + 4) != FCF_VERSION)
		return fail(&e, FCF_ENOEXEC, NULL, 0, "unsupported version");
	if (rd64(b + 8) != fcf_tables_hash())
		return fail(&e, FCF_ENOEXEC, NULL, 0,
			    "built against another field or syscall table");
	nrules = rd32(b + 16);
	nsc = rd32(b + 20);
	nentries = rd32(b + 24);
	ninsns = rd32(b + 28);
	nnums = rd32(b + 32);
	nsets = rd32(b + 36);
	nmembers = rd32(b + 40);
	pool_len = rd32(b + 44);
	for (i = 48; i < FCF_HDR_SIZE; i++)
		if (b[i])
			return fail(&e, FCF_EINVAL, NULL, 0, "reserved header bytes not zero");
	if (nsc != FCF_NSC)
		return fail(&e, FCF_ENOEXEC, NULL, 0, "syscall table size differs");
	if (nrules > FCF_MAX_RULES)
		return fail(&e, FCF_E2BIG, NULL, 0, "too many rules");
	if (ninsns > FCF_MAX_INSNS)
		return fail(&e, FCF_E2BIG, NULL, 0, "too many instructions");
	if (nentries > ninsns)
		return fail(&e, FCF_EINVAL, NULL, 0, "more entries than instructions");
	/* exact size, in 64 bits: the counts are 32-bit and untrusted */
	need = FCF_HDR_SIZE + (fcf_u64)nentries * FCF_ENTRY_SIZE +
	       (fcf_u64)ninsns * FCF_INSN_SIZE + (fcf_u64)nnums * 8 +
	       (fcf_u64)nsets * FCF_SET_SIZE + (fcf_u64)nmembers * FCF_MEMBER_SIZE + pool_len;
	if (need > len)
		return fail(&e, FCF_EINVAL, NULL, 0, "truncated blob");
	if (need < len)
		return fail(&e, FCF_EINVAL, NULL, 0, "trailing bytes after the pool");

	/* syscall lists: one u32 per (entry, syscall bit); no bit beyond
	 * the table's rows */
	last_ok = FCF_NSC % 64 ? (1ull << (FCF_NSC % 64)) - 1 : ~0ull;
	q = b + FCF_HDR_SIZE;
	for (i = 0; i < nentries; i++, q += FCF_ENTRY_SIZE) {
		for (w = 0; w < FCF_SC_WORDS; w++) {
			fcf_u64 bits = rd64(q + 16 + 8 * w);
			if (w == FCF_SC_WORDS - 1 && (bits & ~last_ok))
				return fail(&e, FCF_EINVAL, "entry", i, "syscall bit beyond the table");
			nby += popcount64(bits);
		}
	}

	/* one allocation: the struct, then each array (8-byte aligned pieces) */
#define FCF_AL(x) (((x) + 7) & ~(fcf_u64)7)
	mem = FCF_AL(sizeof(*p)) + FCF_AL((fcf_u64)nentries * sizeof(struct fcf_entry)) +
	      FCF_AL((fcf_u64)ninsns * sizeof(struct fcf_insn)) +
	      FCF_AL((fcf_u64)nnums * sizeof(fcf_s64)) +
	      FCF_AL((fcf_u64)nsets * sizeof(struct fcf_set)) +
	      FCF_AL((fcf_u64)nmembers * sizeof(struct fcf_member)) +
	      FCF_AL((fcf_u64)nby * sizeof(fcf_u32)) + FCF_AL((fcf_u64)pool_len + 1);
	m = fcf_port_alloc((fcf_size)mem);
	if (!m)
		return fail(&e, FCF_ENOMEM, NULL, 0, "out of memory");
	fcf_memset(m, 0, (fcf_size)mem);
	p = (struct fcf_prog *)m;
	p->mem = m;
	m += FCF_AL(sizeof(*p));
	p->entries = (struct fcf_entry *)m;
	m += FCF_AL((fcf_u64)nentries * sizeof(struct fcf_entry));
	p->insns = (struct fcf_insn *)m;
	m += FCF_AL((fcf_u64)ninsns * sizeof(struct fcf_insn));
	p->nums = (fcf_s64 *)m;
	m += FCF_AL((fcf_u64)nnums * sizeof(fcf_s64));
	p->sets = (struct fcf_set *)m;
	m += FCF_AL((fcf_u64)nsets * sizeof(struct fcf_set));
	p->members = (struct fcf_member *)m;
	m += FCF_AL((fcf_u64)nmembers * sizeof(struct fcf_member));
	p->by_sc = (fcf_u32 *)m;
	m += FCF_AL((fcf_u64)nby * sizeof(fcf_u32));
	p->pool = (char *)m;
#undef FCF_AL
	p->nrules = nrules;
	p->nentries = nentries;
	p->ninsns = ninsns;
	p->nnums = nnums;
	p->nsets = nsets;
	p->nmembers = nmembers;
	p->pool_len = pool_len;

	/* decode */
	q = b + FCF_HDR_SIZE;
	for (i = 0; i < nentries; i++, q += FCF_ENTRY_SIZE) {
		p->entries[i].rule = rd32(q);
		p->entries[i].off = rd32(q + 4);
		p->entries[i].len = rd32(q + 8);
		if (rd32(q + 12)) {
			rc = fail(&e, FCF_EINVAL, "entry", i, "reserved bytes not zero");
			goto bad;
		}
	}
	for (i = 0; i < ninsns; i++, q += FCF_INSN_SIZE) {
		struct fcf_insn *in = &p->insns[i];
		in->op = q[0];
		in->dst = q[1];
		in->src = q[2];
		in->match = q[3];
		in->field = rd16(q + 4);
		in->cnt = rd16(q + 6);
		in->arg = rd32(q + 8);
		in->imm = rd32(q + 12);
	}
	for (i = 0; i < nnums; i++, q += 8)
		p->nums[i] = (fcf_s64)rd64(q);
	for (i = 0; i < nsets; i++, q += FCF_SET_SIZE) {
		p->sets[i].match = rd32(q);
		p->sets[i].first = rd32(q + 4);
		p->sets[i].count = rd32(q + 8);
	}
	for (i = 0; i < nmembers; i++, q += FCF_MEMBER_SIZE) {
		p->members[i].off = rd32(q);
		p->members[i].len = rd32(q + 4);
	}
	fcf_memcpy(p->pool, q, pool_len);
	p->pool[pool_len] = '\0'; /* not part of the pool: checks use pool_len */

	rc = check_sets(p, &e);
	if (rc)
		goto bad;
	for (i = 0; i < ninsns; i++) {
		rc = check_insn(p, i, &p->insns[i], &e);
		if (rc)
			goto bad;
	}
	rc = check_entries(p, &e);
	if (rc)
		goto bad;

	/* per-syscall entry lists (counting sort over the bitmaps) */
	q = b + FCF_HDR_SIZE;
	for (s = 0; s < FCF_NSC; s++) {
		p->sc_first[s + 1] = p->sc_first[s];
		for (i = 0; i < nentries; i++) {
			const fcf_u8 *eq = q + (fcf_u64)i * FCF_ENTRY_SIZE + 16 + 8 * (s / 64);
			if ((rd64(eq) >> (s % 64)) & 1)
				p->by_sc[p->sc_first[s + 1]++] = i;
		}
	}
	*out = p;
	return 0;
bad:
	fcf_port_free(p->mem);
	return rc;
}

void fcf_free(struct fcf_prog *prog)
{
	if (prog)
		fcf_port_free(prog->mem);
}

unsigned fcf_nrules(const struct fcf_prog *prog)
{
	return prog ? prog->nrules : 0;
}
