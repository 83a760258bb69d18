// SPDX-License-Identifier: Dual MIT/GPL
/*
 * fcf_run.c: the fcf interpreter (program layout: fcf_format.h).
 *
 * For an event of syscall row sc it runs the entries listed for sc, each
 * a straight run of instructions with forward jumps only, over a small
 * register file of three-valued results (FCF_FALSE/TRUE/MAYBE). An entry
 * whose result is not FALSE sets its rule's mask bit. fcf_load() has
 * checked every index, so the only run-time checks are on what the
 * module's fetch returns: a failed fetch, a value of the wrong kind or a
 * string longer than FCF_MAX_STR is MAYBE (the event passes).
 *
 * String semantics equal the BPF probe's (bpf-templates/fc_probe.bpf.h)
 * and the userspace evaluator's (runtime/eval.c): byte compares, ASCII
 * case folding for icontains/iglob (the operand is lower-cased by the
 * compiler), glob with '*' and '?' only (the compiler leaves '[' and '\\'
 * patterns to userspace) and the same step budget as the probe.
 *
 * Cost per event: at most ninsns instructions (each entry runs once, pc
 * only grows) and fetch calls; string work is charged to a budget of
 * FCF_STR_BUDGET byte compares per run, past which a string check is
 * MAYBE without looking (sound: the event passes). A glob also stops at
 * FCF_GLOB_STEPS steps, as in the probe.
 */
#include "fcf_format.h"

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* The run's state: the fetch and what is left of the string budget. */
struct fcf_rs {
	fcf_fetch_fn fetch;
	void *ctx;
	fcf_u64 budget;
};

/* Take n byte compares from the budget; 0 if it does not hold them. */
static int spend(struct fcf_rs *rs, fcf_u64 n)
{
	if (rs->budget < n) {
		rs->budget = 0;
		return 0;
	}
	rs->budget -= n;
	return 1;
}

static int set_in(const struct fcf_prog *p, const struct fcf_set *set, const char *s,
		  fcf_u32 n)
{
	fcf_u32 lo = 0, hi = set->count;

	/* binary search over sorted members: at most 33 rounds */
	while (lo < hi) {
		fcf_u32 mid = lo + (hi - lo) / 2;
		const struct fcf_member *m = &p->members[set->first + mid];
		fcf_u32 k = m->len < n ? m->len : n;
		int c = fcf_memcmp(p->pool + m->off, s, k);

		if (!c)
			c = m->len < n ? -1 : m->len > n ? 1 : 0;
		if (!c)
			return FCF_TRUE;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FCF_FALSE;
}

static int set_affix(struct fcf_rs *rs, const struct fcf_prog *p, const struct fcf_set *set,
		     const char *s, fcf_u32 n, int suffix)
{
	fcf_u32 i;

	for (i = 0; i < set->count; i++) {
		const struct fcf_member *m = &p->members[set->first + i];
		if (m->len > n)
			continue;
		if (!spend(rs, m->len + 1))
			return FCF_MAYBE;
		if (!fcf_memcmp(p->pool + m->off, suffix ? s + (n - m->len) : s, m->len))
			return FCF_TRUE;
	}
	return FCF_FALSE;
}

static int contains(struct fcf_rs *rs, const char *s, fcf_u32 n, const char *pat, fcf_u32 m,
		    int icase)
{
	fcf_u32 i, j;

	if (m == 0)
		return FCF_TRUE;
	if (m > n)
		return FCF_FALSE;
	for (i = 0; i + m <= n; i++) {
		if (!spend(rs, m))
			return FCF_MAYBE;
		for (j = 0; j < m; j++) {
			char c = icase ? lower(s[i + j]) : s[i + j];
			if (c != pat[j])
				break;
		}
		if (j == m)
			return FCF_TRUE;
	}
	return FCF_FALSE;
}

/* '*' any run, '?' any byte: the single-backtrack matcher of the probe,
 * with the same step budget (out of steps: MAYBE). */
static int glob(struct fcf_rs *rs, const char *s, fcf_u32 n, const char *pat, fcf_u32 m,
		int icase)
{
	fcf_u32 i = 0, j = 0, star = 0, mark = 0, step;

	for (step = 0; step < FCF_GLOB_STEPS; step++) {
		char c;

		if (!spend(rs, 1))
			return FCF_MAYBE;
		if (i >= n) {
			while (j < m && pat[j] == '*')
				j++;
			return j >= m ? FCF_TRUE : FCF_FALSE;
		}
		c = icase ? lower(s[i]) : s[i];
		if (j < m && pat[j] == '*') {
			star = j + 1;
			mark = i;
			j++;
		} else if (j < m && (pat[j] == '?' || pat[j] == c)) {
			i++;
			j++;
		} else if (star) {
			j = star;
			mark++;
			i = mark;
		} else {
			return FCF_FALSE;
		}
	}
	return FCF_MAYBE;
}

static int flags_any(const fcf_s64 *nums, fcf_u32 cnt, fcf_s64 val)
{
	fcf_u64 v = (fcf_u64)val & 0xffffffffu; /* the probe compares the u32 */
	fcf_u64 any = (fcf_u64)nums[0], sure = (fcf_u64)nums[1];
	fcf_u32 i;

	if (v == 0 && nums[2])
		return FCF_MAYBE;
	if (!(v & any))
		return FCF_FALSE;
	if (v & sure)
		return FCF_TRUE;
	for (i = 3; i < cnt; i++)
		if ((fcf_u64)nums[i] == v)
			return FCF_TRUE;
	return FCF_MAYBE;
}

static int check(struct fcf_rs *rs, const struct fcf_prog *p, const struct fcf_insn *in)
{
	struct fcf_value v;
	const char *s;
	fcf_u32 n, i;
	int rc;

	fcf_memset(&v, 0, sizeof(v));
	rc = rs->fetch(rs->ctx, in->field, in->arg == FCF_NOARG ? (const char *)0 : p->pool + in->arg, &v);
	if (rc == FCF_FETCH_NONE)
		return FCF_FALSE; /* Falco: a check on a field without value is false */
	if (rc != FCF_FETCH_OK)
		return FCF_MAYBE;
	if (in->match == FCF_M_EXISTS)
		return FCF_TRUE;

	if (in->match <= FCF_M_NUM_IN || in->match == FCF_M_FLAGS_ANY) {
		const fcf_s64 *k = p->nums + in->imm;
		if (v.kind != FCF_V_NUM)
			return FCF_MAYBE;
		switch (in->match) {
		case FCF_M_NUM_EQ: return v.num == k[0];
		case FCF_M_NUM_NE: return v.num != k[0];
		case FCF_M_NUM_LT: return v.num < k[0];
		case FCF_M_NUM_LE: return v.num <= k[0];
		case FCF_M_NUM_GT: return v.num > k[0];
		case FCF_M_NUM_GE: return v.num >= k[0];
		case FCF_M_NUM_IN:
			for (i = 0; i < in->cnt; i++)
				if (v.num == k[i])
					return FCF_TRUE;
			return FCF_FALSE;
		default:
			return flags_any(k, in->cnt, v.num);
		}
	}

	if (v.kind != FCF_V_STR || v.len > FCF_MAX_STR || (!v.str && v.len))
		return FCF_MAYBE;
	s = v.str ? v.str : "";
	n = v.len;
	if (!spend(rs, 1)) /* out of budget: don't look */
		return FCF_MAYBE;
	switch (in->match) {
	case FCF_M_STR_EQ:
		return n == in->cnt && !fcf_memcmp(s, p->pool + in->imm, n);
	case FCF_M_STR_IN:
		return set_in(p, &p->sets[in->imm], s, n);
	case FCF_M_STR_PREFIX:
		return set_affix(rs, p, &p->sets[in->imm], s, n, 0);
	case FCF_M_STR_SUFFIX:
		return set_affix(rs, p, &p->sets[in->imm], s, n, 1);
	case FCF_M_CONTAINS:
		return contains(rs, s, n, p->pool + in->imm, in->cnt, in->src & FCF_CF_ICASE);
	case FCF_M_GLOB:
		return glob(rs, s, n, p->pool + in->imm, in->cnt, in->src & FCF_CF_ICASE);
	default:
		return FCF_MAYBE; /* not reached: the verifier allows no other */
	}
}

static int tri_not(int a)
{
	return a == FCF_MAYBE ? FCF_MAYBE : !a;
}

static int tri_and(int a, int b)
{
	if (a == FCF_FALSE || b == FCF_FALSE)
		return FCF_FALSE;
	return (a == FCF_TRUE && b == FCF_TRUE) ? FCF_TRUE : FCF_MAYBE;
}

static int tri_or(int a, int b)
{
	if (a == FCF_TRUE || b == FCF_TRUE)
		return FCF_TRUE;
	return (a == FCF_FALSE && b == FCF_FALSE) ? FCF_FALSE : FCF_MAYBE;
}

/* One entry's code: its three-valued result. */
static int run_entry(struct fcf_rs *rs, const struct fcf_prog *p, const struct fcf_entry *en)
{
	fcf_u8 r[FCF_NREGS];
	fcf_u32 pc = en->off, end = en->off + en->len;
	unsigned i;

	for (i = 0; i < FCF_NREGS; i++)
		r[i] = FCF_MAYBE;
	/* pc only grows (forward jumps, verified inside [off, end)) */
	while (pc < end) {
		const struct fcf_insn *in = &p->insns[pc++];
		switch (in->op) {
		case FCF_OP_CONST:
			r[in->dst] = (fcf_u8)in->imm;
			break;
		case FCF_OP_CHECK:
			r[in->dst] = (fcf_u8)check(rs, p, in);
			break;
		case FCF_OP_NOT:
			r[in->dst] = (fcf_u8)tri_not(r[in->dst]);
			break;
		case FCF_OP_AND:
			r[in->dst] = (fcf_u8)tri_and(r[in->dst], r[in->src]);
			break;
		case FCF_OP_OR:
			r[in->dst] = (fcf_u8)tri_or(r[in->dst], r[in->src]);
			break;
		case FCF_OP_JF:
			if (r[in->dst] == FCF_FALSE)
				pc += in->imm;
			break;
		case FCF_OP_JT:
			if (r[in->dst] == FCF_TRUE)
				pc += in->imm;
			break;
		case FCF_OP_RET:
			return r[in->dst];
		default:
			return FCF_MAYBE;
		}
	}
	return FCF_MAYBE; /* not reached: entries end with RET */
}

int fcf_run(const struct fcf_prog *prog, unsigned sc, fcf_fetch_fn fetch, void *ctx,
	    fcf_u64 *mask)
{
	fcf_u32 k, words, set = 0;
	struct fcf_rs rs;

	if (!prog)
		return 0;
	words = (prog->nrules + 63) / 64;
	for (k = 0; k < words; k++)
		mask[k] = 0;
	if (sc >= FCF_NSC || !fetch)
		return 0;
	rs.fetch = fetch;
	rs.ctx = ctx;
	rs.budget = FCF_STR_BUDGET;
	for (k = prog->sc_first[sc]; k < prog->sc_first[sc + 1]; k++) {
		const struct fcf_entry *en = &prog->entries[prog->by_sc[k]];
		fcf_u64 bit = 1ull << (en->rule % 64);

		if (mask[en->rule / 64] & bit)
			continue; /* already passes: another entry of the rule */
		if (run_entry(&rs, prog, en) != FCF_FALSE) {
			mask[en->rule / 64] |= bit;
			set++;
		}
	}
	return (int)set;
}
