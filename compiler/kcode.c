// SPDX-License-Identifier: Apache-2.0
/*
 * kcode: the kmod filter blob of a split ruleset (contract: kcode.h,
 * layout: kmod/fcf/fcf_format.h, fetch contract: kmod/fcf/fcf.h).
 *
 * DATA STRUCTURE. Per rule and syscall row, kc_lower() gives a kexpr
 * over the fetch contract's fields only, folded in three-valued logic
 * (an AND/OR keeps one MAYBE kid last, as codegen's fold: the evaluation
 * of a MAYBE is MAYBE, so dropping it would change the value). emit()
 * turns it into instructions over a register file indexed by nesting
 * depth: node at depth d leaves its value in R[d]; an AND/OR evaluates
 * its first kid into R[d], then for each next kid jumps to the end if
 * R[d] already decides the node (JF for AND, JT for OR), else evaluates
 * the kid into R[d + 1] and combines. A node deeper than the register
 * file is compiled as MAYBE, which is sound (Kleene logic is monotone:
 * replacing a subtree by MAYBE yields the same value or MAYBE).
 *
 * Tables built alongside, deduplicated by content in first-use order:
 * the string pool (operands and field arguments), the number runs, and
 * the sets (STR_IN members sorted for binary search).
 */
#include "kcode.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf-templates/falcoc_abi.h"
#include "codegen.h"
#include "fcf_format.h"
#include "fields.h"
#include "ruleset.h"
#include "strmap.h"

/* The interpreter's match codes are split.h's. */
_Static_assert(FCF_M_NUM_EQ == (int)KM_NUM_EQ && FCF_M_NUM_IN == (int)KM_NUM_IN &&
		       FCF_M_STR_EQ == (int)KM_STR_EQ && FCF_M_STR_IN == (int)KM_STR_IN &&
		       FCF_M_STR_PREFIX == (int)KM_STR_PREFIX &&
		       FCF_M_STR_SUFFIX == (int)KM_STR_SUFFIX &&
		       FCF_M_CONTAINS == (int)KM_STR_CONTAINS && FCF_M_GLOB == (int)KM_STR_GLOB &&
		       FCF_M_EXISTS == (int)KM_EXISTS && FCF_M_FLAGS_ANY == (int)KM_FLAGS_ANY,
	       "fcf_match follows enum kx_match");
_Static_assert(FCF_KF__COUNT == (int)KF__COUNT && FCF_KF_EVT_ARG == (int)KF_EVT_ARG &&
		       FCF_KF_CONTAINER_ID == (int)KF_CONTAINER_ID,
	       "fcf_field follows enum kfield");

/* ---- lowering (per syscall, as codegen.c check_expr/fold) ---- */


static struct kexpr *mk_const(struct arena *a, bool v)
{
	return split_node(a, v ? KX_TRUE : KX_FALSE);
}

static struct kexpr *mk_check(struct arena *a, const struct kexpr *src, int kf, enum kx_match m,
			      const char *arg)
{
	struct kexpr *k = split_node(a, KX_CHECK);
	k->kfield = kf;
	k->match = m;
	k->arg = arg;
	k->field = split_kfield(kf)->name;
	k->src = src ? src->src : NULL;
	k->exact = true;
	return k;
}

static struct kexpr *mk_num(struct arena *a, const struct kexpr *src, int kf, enum kx_match m,
			    const char *arg, int64_t v)
{
	struct kexpr *k = mk_check(a, src, kf, m, arg);
	k->nums = ARENA_NEWN(a, int64_t, 1);
	k->nums[0] = v;
	k->nnums = 1;
	return k;
}

static struct kexpr *mk_str_eq(struct arena *a, const struct kexpr *src, int kf, const char *s)
{
	struct kexpr *k = mk_check(a, src, kf, KM_STR_EQ, NULL);
	k->strs = ARENA_NEWN(a, const char *, 1);
	k->strs[0] = s;
	k->nstrs = 1;
	return k;
}

static struct kexpr *mk2(struct arena *a, enum kx_kind kind, struct kexpr *x, struct kexpr *y)
{
	struct kexpr *k = split_node(a, kind);
	k->kids = ARENA_NEWN(a, struct kexpr *, 2);
	k->kids[0] = x;
	k->nkids = 1;
	if (y)
		k->kids[k->nkids++] = y;
	return k;
}



struct kl {
	struct arena *a;
	const struct split_result *sr;
	const char *sc; /* syscall name */
};


/* The numeric field of the contract a check reads on this syscall, -1
 * when the kernel has none here (MAYBE). *arg: its argument. */
static int num_field(const struct kl *l, const struct kexpr *k, const char **arg)
{
	bool procexit = !strcmp(l->sc, "procexit"), connect = !strcmp(l->sc, "connect");
	bool is_str, is_num;

	*arg = NULL;
	switch (k->kfield) {
	case KF_PROC_PID:
	case KF_PROC_PPID:
	case KF_THREAD_TID:
	case KF_USER_UID:
	case KF_USER_LOGINUID:
	case KF_GROUP_GID:
		return k->kfield;
	case KF_EVT_RAWRES:
	case KF_EVT_FAILED:
		return procexit ? -1 : k->kfield; /* the tracepoint has no return value */
	case KF_FD_SIP:
	case KF_FD_DIP:
		return connect ? KF_FD_DIP : -1; /* connect: server = destination */
	case KF_FD_SPORT:
	case KF_FD_DPORT:
		return connect ? KF_FD_DPORT : -1;
	case KF_EVT_RAWARG:
	case KF_EVT_ARG:
		if (cg_param(l->sc, k->arg, &is_str, &is_num) < 0 || !is_num)
			return -1;
		*arg = k->arg;
		return KF_EVT_RAWARG;
	default:
		return -1;
	}
}

/* The string field of the contract, -1 if none here. */
static int str_field(const struct kl *l, const struct kexpr *k, const char **arg)
{
	bool is_str, is_num;

	*arg = NULL;
	switch (k->kfield) {
	case KF_PROC_NAME:
		return KF_PROC_NAME;
	case KF_PROC_PNAME:
		*arg = "1";
		return KF_PROC_ANAME;
	case KF_PROC_ANAME: {
		char *end;
		long n = k->arg ? strtol(k->arg, &end, 10) : -1;
		if (!k->arg || *end || n < 0 || n > FC_MAX_ANCESTORS)
			return -1;
		if (n == 0)
			return KF_PROC_NAME;
		*arg = arena_printf(l->a, "%ld", n);
		return KF_PROC_ANAME;
	}
	case KF_FD_NAME:
	case KF_FD_DIRECTORY:
	case KF_FD_FILENAME:
		return k->kfield;
	case KF_EVT_ARG:
		if (cg_param(l->sc, k->arg, &is_str, &is_num) < 0 || !is_str)
			return -1;
		*arg = k->arg;
		return KF_EVT_ARG;
	default:
		return -1;
	}
}

/* A string check on field kf: the operands stay (sets are rebuilt by
 * kc_build from strs); NULL when the kernel cannot decide (MAYBE). */
static struct kexpr *str_check(const struct kl *l, const struct kexpr *k, int kf,
			       const char *arg)
{
	struct kexpr *c;

	switch (k->match) {
	case KM_EXISTS:
		return mk_check(l->a, k, kf, KM_EXISTS, arg);
	case KM_STR_EQ:
		if (!k->nstrs || strlen(k->strs[0]) > FCF_MAX_STR)
			return NULL;
		c = mk_str_eq(l->a, k, kf, k->strs[0]);
		c->arg = arg;
		return c;
	case KM_STR_IN:
	case KM_STR_PREFIX:
	case KM_STR_SUFFIX: {
		const struct split_set *s = k->set_id >= 0 ? split_set_by_id(l->sr, k->set_id) : NULL;
		const char **strs = s ? s->strs : k->strs;
		unsigned n = s ? s->nstrs : k->nstrs;
		if (!s && (k->match != KM_STR_IN || !n))
			return NULL;
		if (!n)
			return split_node(l->a, KX_FALSE);
		for (unsigned i = 0; i < n; i++)
			if (strlen(strs[i]) > FCF_MAX_STR)
				return NULL;
		c = mk_check(l->a, k, kf, k->match, arg);
		c->strs = strs;
		c->nstrs = n;
		return c;
	}
	case KM_STR_CONTAINS:
	case KM_STR_GLOB: {
		struct kexpr *any = NULL;
		if (!k->nstrs)
			return NULL;
		/* several needles: any of them (split gives one) */
		for (unsigned i = 0; i < k->nstrs; i++) {
			const char *p = k->strs[i];
			if (strlen(p) > FCF_MAX_PAT)
				return NULL;
			if (k->match == KM_STR_GLOB && strpbrk(p, "[\\"))
				return NULL; /* bracket classes, escapes: userspace decides */
			char *lit = arena_strdup(l->a, p);
			if (k->icase)
				for (char *q = lit; *q; q++)
					if (*q >= 'A' && *q <= 'Z')
						*q = (char)(*q - 'A' + 'a');
			c = mk_str_eq(l->a, k, kf, lit);
			c->match = k->match;
			c->icase = k->icase;
			c->arg = arg;
			any = any ? mk2(l->a, KX_OR, any, c) : c;
		}
		return any;
	}
	default:
		return NULL;
	}
}

static struct kexpr *lower_check(const struct kl *l, const struct kexpr *k)
{
	struct arena *a = l->a;
	const char *sc = l->sc, *arg;
	bool is_open = !strcmp(sc, "open") || !strcmp(sc, "openat") || !strcmp(sc, "openat2");
	bool creat = !strcmp(sc, "creat"), procexit = !strcmp(sc, "procexit");
	struct kexpr *c;
	int want, kf;

	switch (k->kfield) {
	case KF_EVT_TYPE:
		if (k->match == KM_EXISTS)
			return split_node(a, KX_TRUE);
		if (k->match == KM_STR_EQ || k->match == KM_STR_IN)
			return mk_const(a, split_has_str(k, sc));
		return split_node(a, KX_MAYBE);
	case KF_EVT_DIR:
		if (k->match == KM_EXISTS)
			return split_node(a, KX_TRUE);
		if (k->match == KM_STR_EQ || k->match == KM_STR_IN)
			return mk_const(a, split_has_str(k, procexit ? ">" : "<"));
		return split_node(a, KX_MAYBE);
	case KF_EVT_RES: {
		if (procexit)
			return split_node(a, KX_MAYBE);
		if (k->match == KM_EXISTS)
			return split_node(a, KX_TRUE);
		if (k->match != KM_STR_EQ && k->match != KM_STR_IN)
			return split_node(a, KX_MAYBE);
		/* res >= 0 ? ok : (errno names listed ? MAYBE : FALSE) */
		bool ok = split_has_str(k, "SUCCESS"), others = k->nstrs > (ok ? 1u : 0u);
		if (ok && others)
			return mk2(a, KX_OR, mk_num(a, k, KF_EVT_RAWRES, KM_NUM_GE, NULL, 0),
				   split_node(a, KX_MAYBE));
		if (ok)
			return mk_num(a, k, KF_EVT_RAWRES, KM_NUM_GE, NULL, 0);
		if (others)
			return mk2(a, KX_AND, mk_num(a, k, KF_EVT_RAWRES, KM_NUM_LT, NULL, 0),
				   split_node(a, KX_MAYBE));
		return split_node(a, KX_FALSE);
	}
	case KF_EVT_IS_OPEN_READ:
	case KF_EVT_IS_OPEN_WRITE:
	case KF_EVT_IS_OPEN_EXEC:
		if (k->match == KM_EXISTS)
			return split_node(a, KX_TRUE);
		want = split_bool_want(k);
		if (want < 0)
			return split_node(a, KX_MAYBE);
		if (is_open || (creat && k->kfield == KF_EVT_IS_OPEN_EXEC))
			return mk_num(a, k, k->kfield, KM_NUM_EQ, NULL, want);
		return mk_const(a, !want); /* libsinsp: 0 on other events */
	case KF_FD_TYPECHAR:
	case KF_FD_TYPE:
		if ((!is_open && !creat) || (k->match != KM_STR_EQ && k->match != KM_STR_IN))
			return split_node(a, KX_MAYBE);
		/* typechar: compared as it is (the module knows 'f' or nothing);
		 * fd.type: "file" is typechar 'f', other types are not 'f' */
		if (k->kfield == KF_FD_TYPECHAR)
			return (c = str_check(l, k, KF_FD_TYPECHAR, NULL)) ? c : split_node(a, KX_MAYBE);
		c = mk_str_eq(a, k, KF_FD_TYPECHAR, "f");
		if (split_has_str(k, "file"))
			return c;
		return mk2(a, KX_NOT, c, NULL);
	case KF_CONTAINER_ID:
		if (k->match == KM_EXISTS)
			return split_node(a, KX_TRUE);
		if (k->match != KM_STR_EQ && k->match != KM_STR_IN)
			return split_node(a, KX_MAYBE);
		/* compared as it is: the module knows "host" or nothing */
		return (c = str_check(l, k, KF_CONTAINER_ID, NULL)) ? c : split_node(a, KX_MAYBE);
	case KF_FD_L4PROTO:
		return split_node(a, KX_MAYBE);
	default:
		break;
	}

	if (k->match == KM_FLAGS_ANY) {
		struct cg_flags_plan fp;
		bool is_str, is_num;
		if (!k->nstrs || cg_param(sc, k->arg, &is_str, &is_num) < 0 || !is_num ||
		    !cg_flags_plan(sc, k->arg, k->strs[0], &fp))
			return split_node(a, KX_MAYBE);
		c = mk_check(a, k, KF_EVT_RAWARG, KM_FLAGS_ANY, k->arg);
		c->nnums = 3 + fp.nexact;
		c->nums = ARENA_NEWN(a, int64_t, c->nnums);
		c->nums[0] = fp.any;
		c->nums[1] = fp.sure;
		c->nums[2] = fp.zero;
		for (unsigned i = 0; i < fp.nexact; i++)
			c->nums[3 + i] = fp.exact[i];
		return c;
	}
	if (k->match <= KM_NUM_IN || (k->match == KM_EXISTS && num_field(l, k, &arg) >= 0)) {
		kf = num_field(l, k, &arg);
		if (kf < 0)
			return split_node(a, KX_MAYBE);
		if (k->match == KM_EXISTS)
			return mk_check(a, k, kf, KM_EXISTS, arg);
		if (k->match == KM_NUM_IN && !k->nnums)
			return split_node(a, KX_FALSE); /* known value in an empty list */
		c = mk_check(a, k, kf, k->match, arg);
		if (k->nnums) {
			c->nums = k->nums;
			c->nnums = k->match == KM_NUM_IN ? k->nnums : 1;
		} else {
			c->nums = ARENA_NEWN(a, int64_t, 1);
			c->nums[0] = 0; /* as codegen: a missing operand compares with 0 */
			c->nnums = 1;
		}
		return c;
	}
	kf = str_field(l, k, &arg);
	if (kf >= 0 && (c = str_check(l, k, kf, arg)))
		return c;
	return split_node(a, KX_MAYBE);
}

static struct kexpr *lower(const struct kl *l, const struct kexpr *k)
{
	switch (k->kind) {
	case KX_TRUE:
	case KX_FALSE:
	case KX_MAYBE:
		return split_node(l->a, k->kind);
	case KX_CHECK:
		return lower_check(l, k);
	case KX_NOT: {
		struct kexpr *x = lower(l, k->kids[0]);
		if (x->kind == KX_TRUE || x->kind == KX_FALSE)
			return mk_const(l->a, x->kind == KX_FALSE);
		if (x->kind == KX_MAYBE)
			return x;
		return mk2(l->a, KX_NOT, x, NULL);
	}
	case KX_AND:
	case KX_OR: {
		bool and = k->kind == KX_AND, maybe = false;
		struct kexpr *n = split_node(l->a, k->kind);
		n->kids = ARENA_NEWN(l->a, struct kexpr *, k->nkids + 1);
		for (unsigned i = 0; i < k->nkids; i++) {
			struct kexpr *x = lower(l, k->kids[i]);
			if (x->kind == (and ? KX_FALSE : KX_TRUE))
				return x; /* decides the node */
			if (x->kind == (and ? KX_TRUE : KX_FALSE))
				continue;
			if (x->kind == KX_MAYBE) {
				maybe = true;
				continue;
			}
			n->kids[n->nkids++] = x;
		}
		/* a MAYBE kid makes the node MAYBE unless another decides it:
		 * keep one, last */
		if (maybe)
			n->kids[n->nkids++] = split_node(l->a, KX_MAYBE);
		if (n->nkids == 0)
			return mk_const(l->a, and);
		if (n->nkids == 1)
			return n->kids[0];
		return n;
	}
	}
	return split_node(l->a, KX_MAYBE);
}

struct kexpr *kc_lower(struct arena *a, const struct split_result *sr,
		       const struct split_rule *r, unsigned sc)
{
	struct kl l = { a, sr, cg_syscall_name(sc) };

	if (!l.sc || !r->kernel)
		return split_node(a, KX_MAYBE);
	return lower(&l, r->kernel);
}

/* ---- emission ---- */

struct kc_set {
	enum kx_match match;
	const char **strs;
	unsigned n;
	uint32_t first; /* member index */
};

struct kc_entry {
	unsigned rule;
	uint32_t off, len;
	uint64_t scmap[FCF_SC_WORDS];
};

struct kc {
	struct arena *a;
	struct fcf_insn *code; /* all instructions */
	size_t ncode, capcode;
	struct vec entries; /* struct kc_entry * */
	int64_t *nums;
	size_t nnums, capnums;
	struct strbuf pool;
	struct strmap pool_at; /* string -> offset + 1 */
	struct vec sets;       /* struct kc_set * */
	struct strmap set_at;  /* key -> index + 1 */
	uint32_t nmembers;
	unsigned ndeep; /* subtrees compiled as MAYBE for want of registers */
};

static void code_push(struct kc *g, struct fcf_insn in)
{
	if (g->ncode == g->capcode) {
		g->capcode = g->capcode ? 2 * g->capcode : 256;
		struct fcf_insn *n = ARENA_NEWN(g->a, struct fcf_insn, g->capcode);
		if (g->ncode)
			memcpy(n, g->code, g->ncode * sizeof(*n));
		g->code = n;
	}
	g->code[g->ncode++] = in;
}

static uint32_t pool_str(struct kc *g, const char *s)
{
	uintptr_t at = (uintptr_t)strmap_get(&g->pool_at, s);

	if (at)
		return (uint32_t)(at - 1);
	at = g->pool.len;
	sb_putn(&g->pool, s, strlen(s) + 1);
	strmap_put(&g->pool_at, arena_strdup(g->a, s), (void *)(at + 1));
	return (uint32_t)at;
}

/* The index of the run v[0..n) in the number table (reused if present). */
static uint32_t num_run(struct kc *g, const int64_t *v, unsigned n)
{
	for (size_t i = 0; i + n <= g->nnums; i++)
		if (!memcmp(g->nums + i, v, n * sizeof(*v)))
			return (uint32_t)i;
	if (g->nnums + n > g->capnums) {
		g->capnums = (g->nnums + n) * 2 + 64;
		int64_t *nv = ARENA_NEWN(g->a, int64_t, g->capnums);
		if (g->nnums)
			memcpy(nv, g->nums, g->nnums * sizeof(*nv));
		g->nums = nv;
	}
	memcpy(g->nums + g->nnums, v, n * sizeof(*v));
	g->nnums += n;
	return (uint32_t)(g->nnums - n);
}

static int mem_order(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : an < bn ? -1 : an > bn ? 1 : 0;
}

static int cmp_str(const void *x, const void *y)
{
	const char *a = *(const char *const *)x, *b = *(const char *const *)y;
	return mem_order(a, strlen(a), b, strlen(b));
}

static uint32_t set_index(struct kc *g, enum kx_match m, const char **strs, unsigned n)
{
	const char **v = ARENA_NEWN(g->a, const char *, n);
	unsigned k = 0;
	struct strbuf key = { 0 };

	memcpy(v, strs, n * sizeof(*v));
	/* STR_IN is binary searched: sorted, distinct; the others are
	 * scanned, sorted anyway for one canonical form */
	qsort(v, n, sizeof(*v), cmp_str);
	for (unsigned i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]))
			v[k++] = v[i];
	sb_printf(&key, "%d", (int)m);
	for (unsigned i = 0; i < k; i++)
		sb_printf(&key, ":%zu:%s", strlen(v[i]), v[i]);
	uintptr_t at = (uintptr_t)strmap_get(&g->set_at, sb_str(&key));
	if (!at) {
		struct kc_set *s = ARENA_NEW(g->a, struct kc_set);
		s->match = m;
		s->strs = v;
		s->n = k;
		s->first = g->nmembers;
		g->nmembers += k;
		for (unsigned i = 0; i < k; i++)
			pool_str(g, v[i]);
		vec_push(g->a, &g->sets, s);
		at = g->sets.n;
		strmap_put(&g->set_at, arena_strdup(g->a, sb_str(&key)), (void *)at);
	}
	sb_free(&key);
	return (uint32_t)(at - 1);
}

static struct fcf_insn insn(enum fcf_op op, unsigned dst)
{
	struct fcf_insn in;
	memset(&in, 0, sizeof(in));
	in.op = (fcf_u8)op;
	in.dst = (fcf_u8)dst;
	in.arg = FCF_NOARG;
	return in;
}

static void emit_check(struct kc *g, const struct kexpr *k, unsigned d)
{
	struct fcf_insn in = insn(FCF_OP_CHECK, d);

	in.field = (fcf_u16)k->kfield;
	in.match = (fcf_u8)k->match;
	if (k->arg)
		in.arg = pool_str(g, k->arg);
	switch (k->match) {
	case KM_STR_EQ:
	case KM_STR_CONTAINS:
	case KM_STR_GLOB:
		in.imm = pool_str(g, k->strs[0]);
		in.cnt = (fcf_u16)strlen(k->strs[0]);
		if (k->icase && k->match != KM_STR_EQ)
			in.src = FCF_CF_ICASE;
		break;
	case KM_STR_IN:
	case KM_STR_PREFIX:
	case KM_STR_SUFFIX:
		in.imm = set_index(g, k->match, k->strs, k->nstrs);
		break;
	case KM_EXISTS:
		break;
	default: /* numbers, flags */
		if (k->nnums > 0xffff) {
			code_push(g, insn(FCF_OP_CONST, d));
			g->code[g->ncode - 1].imm = FCF_MAYBE;
			return;
		}
		in.imm = k->nnums ? num_run(g, k->nums, k->nnums) : 0;
		in.cnt = (fcf_u16)k->nnums;
		break;
	}
	code_push(g, in);
}

static void emit(struct kc *g, const struct kexpr *k, unsigned d)
{
	struct fcf_insn in;

	switch (k->kind) {
	case KX_TRUE:
	case KX_FALSE:
	case KX_MAYBE:
		in = insn(FCF_OP_CONST, d);
		in.imm = k->kind == KX_TRUE ? FCF_TRUE : k->kind == KX_FALSE ? FCF_FALSE : FCF_MAYBE;
		code_push(g, in);
		return;
	case KX_CHECK:
		emit_check(g, k, d);
		return;
	case KX_NOT:
		emit(g, k->kids[0], d);
		code_push(g, insn(FCF_OP_NOT, d));
		return;
	case KX_AND:
	case KX_OR: {
		bool and = k->kind == KX_AND;
		if (d + 1 >= FCF_NREGS) {
			/* deeper than the register file: MAYBE (sound) */
			g->ndeep++;
			in = insn(FCF_OP_CONST, d);
			in.imm = FCF_MAYBE;
			code_push(g, in);
			return;
		}
		emit(g, k->kids[0], d);
		size_t *jumps = ARENA_NEWN(g->a, size_t, k->nkids);
		for (unsigned i = 1; i < k->nkids; i++) {
			jumps[i] = g->ncode;
			code_push(g, insn(and ? FCF_OP_JF : FCF_OP_JT, d));
			emit(g, k->kids[i], d + 1);
			in = insn(and ? FCF_OP_AND : FCF_OP_OR, d);
			in.src = (fcf_u8)(d + 1);
			code_push(g, in);
		}
		/* a decided node skips the rest of its kids */
		for (unsigned i = 1; i < k->nkids; i++)
			g->code[jumps[i]].imm = (fcf_u32)(g->ncode - jumps[i] - 1);
		return;
	}
	}
}

static bool rule_has_sc(const struct split_rule *r, unsigned sc)
{
	int evi = fields_evtname_index(cg_syscall_name(sc));
	return evi >= 0 && r->rule->evttypes && evttypes_has(r->rule->evttypes, (size_t)evi);
}

/* Add rule r's code for syscall sc: a new entry, or the bit of an entry
 * of r with the same code. */
static void add_code(struct kc *g, const struct split_rule *r, unsigned sc, const struct kexpr *k,
		     size_t first_entry)
{
	size_t start = g->ncode;

	emit(g, k, 0);
	code_push(g, insn(FCF_OP_RET, 0));
	size_t len = g->ncode - start;
	for (size_t e = first_entry; e < g->entries.n; e++) {
		struct kc_entry *en = g->entries.v[e];
		if (en->len == len && !memcmp(g->code + en->off, g->code + start, len * sizeof(*g->code))) {
			en->scmap[sc / 64] |= 1ull << (sc % 64);
			g->ncode = start; /* the same code: drop the copy */
			return;
		}
	}
	struct kc_entry *en = ARENA_NEW(g->a, struct kc_entry);
	memset(en, 0, sizeof(*en));
	en->rule = r->index;
	en->off = (uint32_t)start;
	en->len = (uint32_t)len;
	en->scmap[sc / 64] |= 1ull << (sc % 64);
	vec_push(g->a, &g->entries, en);
}

static void put_u8(struct strbuf *b, unsigned v)
{
	sb_putc(b, (char)(v & 0xff));
}

static void put_u16(struct strbuf *b, unsigned v)
{
	put_u8(b, v);
	put_u8(b, v >> 8);
}

static void put_u32(struct strbuf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		put_u8(b, v >> (8 * i));
}

static void put_u64(struct strbuf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

int kc_build(struct arena *a, const struct split_result *sr, const struct kc_options *o,
	     struct strbuf *out, struct kc_stats *stats, const char **err)
{
	struct kc g;
	unsigned nrules = 0;
	size_t nsc = cg_syscall_count();

	memset(&g, 0, sizeof(g));
	g.a = a;
	strmap_init(&g.pool_at, a);
	strmap_init(&g.set_at, a);
	if (nsc != FCF_NSC) {
		*err = arena_printf(a, "fc_syscalls.def has %zu rows, fcf_format.h says %d", nsc,
				    FCF_NSC);
		return -1;
	}
	for (size_t i = 0; i < sr->rules.n; i++) {
		const struct split_rule *r = sr->rules.v[i];
		if (r->index + 1 > nrules)
			nrules = r->index + 1;
	}
	if (nrules > FCF_MAX_RULES) {
		*err = arena_printf(a, "%u rules: the kmod filter supports at most %d", nrules,
				    FCF_MAX_RULES);
		return -1;
	}

	/* every rule (enabled or not, as the probe: the loader decides),
	 * every syscall of its event types */
	for (size_t i = 0; i < sr->rules.n; i++) {
		const struct split_rule *r = sr->rules.v[i];
		size_t first = g.entries.n;
		for (unsigned sc = 0; sc < nsc; sc++) {
			if (!rule_has_sc(r, sc))
				continue;
			struct kexpr *k = o->kernel_filter ? kc_lower(a, sr, r, sc) : split_node(a, KX_TRUE);
			if (k->kind == KX_FALSE)
				continue; /* never passes here: no entry */
			add_code(&g, r, sc, k, first);
		}
	}
	if (g.ncode > FCF_MAX_INSNS) {
		*err = arena_printf(a, "kmod filter: %zu instructions, at most %d", g.ncode,
				    FCF_MAX_INSNS);
		sb_free(&g.pool);
		return -1;
	}

	size_t start = out->len;
	struct strbuf *b = out;
	put_u32(b, FCF_MAGIC);
	put_u32(b, FCF_VERSION);
	put_u64(b, fcf_tables_hash());
	put_u32(b, nrules);
	put_u32(b, FCF_NSC);
	put_u32(b, (uint32_t)g.entries.n);
	put_u32(b, (uint32_t)g.ncode);
	put_u32(b, (uint32_t)g.nnums);
	put_u32(b, (uint32_t)g.sets.n);
	put_u32(b, g.nmembers);
	put_u32(b, (uint32_t)g.pool.len);
	for (int i = 48; i < FCF_HDR_SIZE; i++)
		put_u8(b, 0);
	for (size_t e = 0; e < g.entries.n; e++) {
		const struct kc_entry *en = g.entries.v[e];
		put_u32(b, en->rule);
		put_u32(b, en->off);
		put_u32(b, en->len);
		put_u32(b, 0);
		for (int w = 0; w < FCF_SC_WORDS; w++)
			put_u64(b, en->scmap[w]);
	}
	for (size_t i = 0; i < g.ncode; i++) {
		const struct fcf_insn *in = &g.code[i];
		put_u8(b, in->op);
		put_u8(b, in->dst);
		put_u8(b, in->src);
		put_u8(b, in->match);
		put_u16(b, in->field);
		put_u16(b, in->cnt);
		put_u32(b, in->arg);
		put_u32(b, in->imm);
	}
	for (size_t i = 0; i < g.nnums; i++)
		put_u64(b, (uint64_t)g.nums[i]);
	for (size_t i = 0; i < g.sets.n; i++) {
		const struct kc_set *s = g.sets.v[i];
		put_u32(b, (uint32_t)s->match);
		put_u32(b, s->first);
		put_u32(b, s->n);
	}
	for (size_t i = 0; i < g.sets.n; i++) {
		const struct kc_set *s = g.sets.v[i];
		for (unsigned m = 0; m < s->n; m++) {
			put_u32(b, pool_str(&g, s->strs[m]));
			put_u32(b, (uint32_t)strlen(s->strs[m]));
		}
	}
	sb_putn(b, g.pool.s ? g.pool.s : "", g.pool.len);

	if (stats) {
		stats->nrules = nrules;
		stats->nentries = (unsigned)g.entries.n;
		stats->ninsns = (unsigned)g.ncode;
		stats->nsets = (unsigned)g.sets.n;
		stats->nmembers = g.nmembers;
		stats->pool_len = (unsigned)g.pool.len;
		stats->ndeep = g.ndeep;
	}
	sb_free(&g.pool);

	/* what the module will do: refuse it here instead */
	struct fcf_prog *p;
	char why[160];
	if (out->len - start > FCF_MAX_BLOB) {
		*err = arena_printf(a, "kmod filter: %zu bytes, at most %u", out->len - start,
				    FCF_MAX_BLOB);
		return -1;
	}
	if (fcf_load(out->s + start, out->len - start, &p, why, sizeof(why))) {
		*err = arena_printf(a, "internal error: the kmod filter fails verification: %s", why);
		return -1;
	}
	fcf_free(p);
	return 0;
}

/* ---- dump ---- */

static const char *const kc_match_names[] = {
	"==", "!=", "<", "<=", ">", ">=", "in", "=", "in", "startswith", "endswith",
	"contains", "glob", "exists", "flags",
};

static void dump_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void dump_insn(FILE *f, const struct fcf_prog *p, uint32_t pc)
{
	static const char *const ops[] = { "?", "const", "check", "not", "and", "or", "jf", "jt", "ret" };
	static const char *const tri[] = { "false", "true", "maybe" };
	const struct fcf_insn *in = &p->insns[pc];

	fprintf(f, "  %5" PRIu32 ": %-5s r%u", pc, ops[in->op <= FCF_OP_RET ? in->op : 0], in->dst);
	switch (in->op) {
	case FCF_OP_CONST:
		fprintf(f, " %s", tri[in->imm]);
		break;
	case FCF_OP_AND:
	case FCF_OP_OR:
		fprintf(f, " r%u", in->src);
		break;
	case FCF_OP_JF:
	case FCF_OP_JT:
		fprintf(f, " -> %" PRIu32, pc + 1 + in->imm);
		break;
	case FCF_OP_CHECK: {
		fprintf(f, " %s", split_kfield(in->field)->name);
		if (in->arg != FCF_NOARG)
			fprintf(f, "[%s]", p->pool + in->arg);
		fprintf(f, " %s%s", in->src & FCF_CF_ICASE ? "i" : "", kc_match_names[in->match]);
		if (in->match == FCF_M_STR_EQ || in->match == FCF_M_CONTAINS ||
		    in->match == FCF_M_GLOB) {
			fputc(' ', f);
			dump_str(f, p->pool + in->imm, in->cnt);
		} else if (in->match == FCF_M_STR_IN || in->match == FCF_M_STR_PREFIX ||
			   in->match == FCF_M_STR_SUFFIX) {
			fprintf(f, " set%" PRIu32, in->imm);
		} else if (in->match != FCF_M_EXISTS) {
			fputs(" (", f);
			for (unsigned i = 0; i < in->cnt; i++)
				fprintf(f, "%s%" PRId64, i ? ", " : "", p->nums[in->imm + i]);
			fputc(')', f);
		}
		break;
	}
	default:
		break;
	}
	fputc('\n', f);
}

int kc_dump(FILE *f, const void *blob, size_t len)
{
	struct fcf_prog *p;
	char why[160];
	int rc = fcf_load(blob, len, &p, why, sizeof(why));

	if (rc) {
		fprintf(stderr, "fcf: refused (%d): %s\n", rc, why);
		return -1;
	}
	fprintf(f, "fcf v%d: %" PRIu32 " rules, %" PRIu32 " entries, %" PRIu32 " insns, %" PRIu32
		   " numbers, %" PRIu32 " sets (%" PRIu32 " members), %" PRIu32 " pool bytes\n",
		FCF_VERSION, p->nrules, p->nentries, p->ninsns, p->nnums, p->nsets, p->nmembers,
		p->pool_len);
	for (uint32_t s = 0; s < p->nsets; s++) {
		const struct fcf_set *st = &p->sets[s];
		fprintf(f, "set%" PRIu32 " %s:", s, kc_match_names[st->match]);
		for (uint32_t m = 0; m < st->count; m++) {
			const struct fcf_member *mb = &p->members[st->first + m];
			fputc(' ', f);
			dump_str(f, p->pool + mb->off, mb->len);
		}
		fputc('\n', f);
	}
	for (uint32_t e = 0; e < p->nentries; e++) {
		const struct fcf_entry *en = &p->entries[e];
		fprintf(f, "entry %" PRIu32 ": rule %" PRIu32 " on", e, en->rule);
		for (unsigned s = 0; s < FCF_NSC; s++)
			for (uint32_t k = p->sc_first[s]; k < p->sc_first[s + 1]; k++)
				if (p->by_sc[k] == e)
					fprintf(f, " %s", cg_syscall_name(s));
		fputc('\n', f);
		for (uint32_t pc = en->off; pc < en->off + en->len; pc++)
			dump_insn(f, p, pc);
	}
	fcf_free(p);
	return 0;
}
