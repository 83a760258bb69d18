// SPDX-License-Identifier: Apache-2.0
/*
 * split: the kernel part of each rule's condition (see split.h for the
 * contract K: condition true => K != false).
 *
 * DATA STRUCTURE. For each compiled rule, a kexpr tree (a DAG where the
 * rule's AST shares macro bodies: one kexpr per AST node, memoised per
 * rule) whose leaves are KX_CHECK (a check the kernel evaluates), and
 * the constants TRUE, FALSE and MAYBE. Each node carries `exact`.
 *
 * WHICH RULES GET AN INDEX. Every rule that is neither failed nor
 * skipped (unknown source, skip-if-unknown-filter), enabled or not, in
 * ruleset order; the index is its position in that list. Disabled rules
 * keep their bit so a run-time --disable-rule / enabled: false only
 * clears a bit in .rodata and one probe.o serves every configuration.
 * (Indices >= FC_MAX_RULES are codegen's to refuse.)
 *
 * THREE-VALUED SIMPLIFICATION, AND WHY IT IS SOUND. Write s(e) for the
 * userspace value of an AST subtree on event e (two-valued: a check on a
 * field with no value, <NA>, is false, so `not check` is true) and K(e)
 * for the kernel value of its kexpr (true / false / maybe). Every node
 * satisfies
 *
 *   (over)  s(e) = true  => K(e) != false            (all nodes)
 *   (exact) K(e) != maybe => K(e) = s(e)             (nodes with exact)
 *
 * `exact` implies (over). A KX_CHECK is exact: the kernel either reads
 * the same value userspace will use (one source, ENGINEERING.md §2.2)
 * and computes the same comparison, or returns MAYBE (field not read,
 * not present for this event, truncated). TRUE and FALSE constants are
 * exact by construction (see below); MAYBE satisfies (over) trivially.
 *
 *   and(..., FALSE) = FALSE   an exact false conjunct makes s false.
 *   and(x, TRUE)    = x       an exact TRUE drops out, exactness kept.
 *   and(x, MAYBE)   = x       INEXACT. For filtering we only need K to be
 *                             non-false whenever s is true: s(and) true
 *                             means every conjunct is true, so x is
 *                             true and K_x != false. But when s(and) is
 *                             false because the MAYBE part is false,
 *                             K_x may well be true: x over-approximates.
 *   and(MAYBE...)   = MAYBE   nothing left.
 *   or(x, TRUE)     = TRUE    exact.
 *   or(x, FALSE)    = x       exactness kept.
 *   or(x, MAYBE)    = MAYBE   s can be true through the unknown part.
 *   not(MAYBE) = MAYBE, not(TRUE) = FALSE, not(FALSE) = TRUE,
 *   not(not(x)) = x.
 *   not(x), x exact  = a KX_NOT node, exact: K_x = s_x whenever K_x is
 *                      known, so not K_x = not s_x.
 *   not(x), x INEXACT = MAYBE. x only over-approximates: K_x may be true
 *                      where s_x is false, and then not(K_x) = false
 *                      while s(not x) = true, which would drop an
 *                      alert. Example: `not (proc.name = a and fd.sip =
 *                      1.2.3.4)` (fd.sip with a value the kernel cannot
 *                      compare, say an IPv6 address) would become `not
 *                      proc.name = a` and drop every event of process a
 *                      although the rule fires for a on another address.
 *
 * A TRUE that is not exact (and(TRUE, MAYBE)) is written MAYBE: both let
 * every event through and neither may be negated. So TRUE and FALSE are
 * always exact, and MAYBE is the only non-exact constant. AND/OR are
 * flattened. A subtree whose tree size passes SPLIT_MAX_KNODES becomes
 * MAYBE (always sound: MAYBE satisfies (over) and is never negated into
 * anything but MAYBE), which bounds codegen and explain on pathological
 * macro DAGs.
 *
 * <NA> AND RUN-TIME MAYBE (codegen's side of the contract). A kernel
 * check must return MAYBE, never false, when its field has no value for
 * the event (fd.name on a non-path syscall, proc.aname[3] beyond the
 * known ancestors, a failed read). This is what makes `!=` on strings,
 * written here as not(=), sound: userspace says `x != a` is false on
 * <NA> while not(=) would say true, but both the kernel's = and its
 * negation are MAYBE there.
 *
 * KERNEL SUPPORT (must match codegen; any check codegen cannot do it may
 * still compile to MAYBE, which is always sound):
 *
 *   numeric (proc.pid, proc.ppid, thread.tid, user.uid, user.loginuid,
 *   group.gid, evt.rawres, fd.sport, fd.dport, evt.rawarg.NAME):
 *       = == != < <= > >=  -> KM_NUM_*;  in (n, ...) -> KM_NUM_IN (inline,
 *       at most SPLIT_MAX_INLINE values; one value -> KM_NUM_EQ);  exists.
 *       Values: decimal integers (strtoll). evt.rawarg NAMEs: fd dirfd
 *       olddirfd newdirfd res mode uid gid request pid sig flags domain
 *       type proto.
 *   IPv4 (fd.sip, fd.dip): = == != in; nums hold the address as a host
 *       integer, 1.2.3.4 = 0x01020304 (codegen converts from network
 *       order). IPv6 literals -> MAYBE.
 *   bool (evt.failed, evt.is_open_read/write/exec): = == != true|false
 *       -> KM_NUM_EQ/NE with 1/0; exists.
 *   string, map-backed (proc.name, proc.pname, proc.aname[1..4],
 *   fd.name, fd.directory, fd.filename, evt.arg.NAME for NAME in name
 *   path pathname oldpath newpath target linkpath):
 *       = ==        -> KM_STR_EQ (one inline string)
 *       !=          -> not(KM_STR_EQ)
 *       in (...)    -> KM_STR_IN, set (any size; one item -> KM_STR_EQ;
 *                      empty -> FALSE)
 *       startswith  -> KM_STR_PREFIX, set (one value or a list)
 *       endswith    -> KM_STR_SUFFIX, set (strings stored unreversed;
 *                      codegen reverses them for the LPM trie)
 *       contains, icontains -> KM_STR_CONTAINS (one needle, at most
 *                      SPLIT_MAX_NEEDLE bytes; icase for icontains)
 *       glob, iglob -> KM_STR_GLOB (one pattern, <= SPLIT_MAX_GLOB)
 *       exists      -> KM_EXISTS
 *       Strings of FC_PATH_MAX bytes or more -> MAYBE.
 *       proc.aname[0] is proc.name. proc.aname without index, or with an
 *       index above FC_MAX_ANCESTORS -> MAYBE.
 *   string, enum-like, compared inline, set_id -1 (evt.type, evt.res,
 *   evt.dir, fd.typechar, fd.type, fd.l4proto, container.id):
 *       = == != in (at most SPLIT_MAX_INLINE values) exists; evt.res also
 *       startswith. evt.type values are event names: codegen resolves
 *       them per syscall program. evt.dir is static: the probe sends exit
 *       events only, so `evt.dir = <` is TRUE and `evt.dir = >` FALSE.
 *   flags (evt.arg.flags, evt.arg.request, evt.arg.domain):
 *       contains NAME -> KM_FLAGS_ANY, strs = { NAME } (NAME made of
 *       [A-Za-z0-9_]). Meaning, exactly as userspace: the parameter's
 *       rendered flag names contain NAME as a substring; codegen derives
 *       the bit mask from the event's flag table and returns MAYBE for
 *       events it does not decode.
 *   Everything else -> MAYBE with a note: fields not in kfields.def,
 *   transformers, val(), oneof/anyof/allof modifiers, regex, pmatch,
 *   intersects, bcontains/bstartswith, evt.arg by index, evt.arg.NAME
 *   outside the lists above (numeric params render as text in userspace:
 *   "3(<f>/etc/passwd)"; use evt.rawarg.NAME).
 *
 * SETS. The string operands of KM_STR_IN/PREFIX/SUFFIX checks that
 * survive simplification are deduplicated and sorted (byte order), and
 * collected into split_result.sets keyed by (match, strings): identical
 * lists share one map. Ids are given in first-use order (rules in
 * order, each kexpr walked pre-order), so output is deterministic.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf-templates/falcoc_abi.h"
#include "fields.h"
#include "split.h"

static const struct kfield_info kfield_tab[KF__COUNT] = {
#define KFIELD(id, name, kind, where) [id] = { name, kind, where },
#include "kfields.def"
};

const struct kfield_info *split_kfield(int kf)
{
	return kf >= 0 && kf < KF__COUNT ? &kfield_tab[kf] : NULL;
}

static int kfield_by_name(const char *name)
{
	for (int i = 0; i < KF__COUNT; i++)
		if (!strcmp(kfield_tab[i].name, name))
			return i;
	return -1;
}

static const char *const evtarg_path[] = { "name",    "path",   "pathname", "oldpath",
					   "newpath", "target", "linkpath", NULL };
static const char *const evtarg_flags[] = { "flags", "request", "domain", NULL };
static const char *const rawarg_num[] = { "fd",  "dirfd",   "olddirfd", "newdirfd", "res",
					  "mode", "uid",    "gid",      "request",  "pid",
					  "sig", "flags",  "domain",   "type",     "proto", NULL };

static bool in_names(const char *const *names, const char *s)
{
	for (; s && *names; names++)
		if (!strcmp(*names, s))
			return true;
	return false;
}

/* ---- nodes ---- */

/* Private wrapper: the tree size (with multiplicity) of each node, and
 * whether a check still wants a set id. */
struct knode {
	struct kexpr k;
	unsigned size;
	bool wants_set;
};

static struct knode *kn(struct kexpr *k)
{
	return (struct knode *)k;
}

struct sctx {
	struct arena *a;
	struct split_rule *sr;
	/* memo: AST node -> kexpr, open addressing, per rule */
	const struct ast **keys;
	struct kexpr **vals;
	size_t cap, n;
};

static struct kexpr *mk(struct sctx *c, enum kx_kind kind, bool exact)
{
	struct knode *n = ARENA_NEW(c->a, struct knode);

	n->k.kind = kind;
	n->k.exact = exact;
	n->k.kfield = -1;
	n->k.set_id = -1;
	n->size = 1;
	return &n->k;
}

static struct kexpr *mk_const(struct sctx *c, enum kx_kind kind)
{
	return mk(c, kind, kind != KX_MAYBE);
}

static void note(struct sctx *c, const struct ast *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct sctx *c, const struct ast *src, const char *fmt, ...)
{
	struct split_note *sn = ARENA_NEW(c->a, struct split_note);
	va_list ap;

	va_start(ap, fmt);
	sn->src = src;
	sn->why = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	vec_push(c->a, &c->sr->notes, sn);
}

/* A MAYBE leaf with its explanation. */
static struct kexpr *maybe(struct sctx *c, const struct ast *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct kexpr *maybe(struct sctx *c, const struct ast *src, const char *fmt, ...)
{
	struct split_note *sn = ARENA_NEW(c->a, struct split_note);
	va_list ap;

	va_start(ap, fmt);
	sn->src = src;
	sn->why = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	vec_push(c->a, &c->sr->notes, sn);
	struct kexpr *k = mk_const(c, KX_MAYBE);
	k->src = src;
	return k;
}

static unsigned sat_add(unsigned a, unsigned b)
{
	return a > ~0u - b ? ~0u : a + b;
}

static struct kexpr *mk_op(struct sctx *c, enum kx_kind kind, struct kexpr **kids, unsigned n,
			   bool exact, const struct ast *src)
{
	struct kexpr *k = mk(c, kind, exact);

	k->kids = ARENA_NEWN(c->a, struct kexpr *, n);
	memcpy(k->kids, kids, n * sizeof(*kids));
	k->nkids = n;
	k->src = src;
	for (unsigned i = 0; i < n; i++)
		kn(k)->size = sat_add(kn(k)->size, kn(kids[i])->size);
	return k;
}

/* The same node, not exact (a shallow copy: the original may be shared
 * by a context where it is exact). */
static struct kexpr *inexact(struct sctx *c, struct kexpr *k)
{
	if (!k->exact)
		return k;
	struct knode *n = ARENA_NEW(c->a, struct knode);
	*n = *kn(k);
	n->k.exact = false;
	return &n->k;
}

/* ---- simplification (the table in the header comment) ---- */

static struct kexpr *simp_and(struct sctx *c, struct kexpr **kids, unsigned n,
			      const struct ast *src)
{
	struct vec out = { 0 };
	bool exact = true;

	for (unsigned i = 0; i < n; i++) {
		struct kexpr *k = kids[i];
		switch (k->kind) {
		case KX_FALSE:
			return mk_const(c, KX_FALSE);
		case KX_TRUE:
			break;
		case KX_MAYBE:
			exact = false;
			break;
		case KX_AND:
			exact &= k->exact;
			for (unsigned j = 0; j < k->nkids; j++)
				vec_push(c->a, &out, k->kids[j]);
			break;
		default:
			exact &= k->exact;
			vec_push(c->a, &out, k);
			break;
		}
	}
	if (out.n == 0)
		return mk_const(c, exact ? KX_TRUE : KX_MAYBE);
	if (out.n == 1)
		return exact ? out.v[0] : inexact(c, out.v[0]);
	return mk_op(c, KX_AND, (struct kexpr **)out.v, (unsigned)out.n, exact, src);
}

static struct kexpr *simp_or(struct sctx *c, struct kexpr **kids, unsigned n,
			     const struct ast *src)
{
	struct vec out = { 0 };
	bool exact = true;

	/* TRUE wins over MAYBE: or(MAYBE, TRUE) is TRUE whatever the order */
	for (unsigned i = 0; i < n; i++)
		if (kids[i]->kind == KX_TRUE)
			return mk_const(c, KX_TRUE);
	for (unsigned i = 0; i < n; i++) {
		struct kexpr *k = kids[i];
		switch (k->kind) {
		case KX_TRUE:
			break;
		case KX_MAYBE:
			return mk_const(c, KX_MAYBE);
		case KX_FALSE:
			break;
		case KX_OR:
			exact &= k->exact;
			for (unsigned j = 0; j < k->nkids; j++)
				vec_push(c->a, &out, k->kids[j]);
			break;
		default:
			exact &= k->exact;
			vec_push(c->a, &out, k);
			break;
		}
	}
	if (out.n == 0)
		return mk_const(c, KX_FALSE);
	if (out.n == 1)
		return out.v[0];
	return mk_op(c, KX_OR, (struct kexpr **)out.v, (unsigned)out.n, exact, src);
}

static struct kexpr *simp_not(struct sctx *c, struct kexpr *k, const struct ast *src)
{
	switch (k->kind) {
	case KX_MAYBE:
		return k;
	case KX_TRUE:
		return mk_const(c, KX_FALSE);
	case KX_FALSE:
		return mk_const(c, KX_TRUE);
	default:
		break;
	}
	if (!k->exact) {
		note(c, src,
		     "negation of a condition the kernel knows only in part (an over-"
		     "approximation cannot be negated)");
		struct kexpr *m = mk_const(c, KX_MAYBE);
		m->src = src;
		return m;
	}
	if (k->kind == KX_NOT)
		return k->kids[0]; /* NOT nodes are only built over exact nodes */
	return mk_op(c, KX_NOT, &k, 1, true, src);
}

/* ---- checks ---- */

static bool is_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The right-hand strings of a check (one value or a list). */
static bool rhs_strs(struct sctx *c, const struct ast *rhs, const char ***strs, unsigned *n)
{
	if (rhs->kind == AST_VALUE) {
		*strs = ARENA_NEWN(c->a, const char *, 1);
		(*strs)[0] = rhs->str;
		*n = 1;
		return true;
	}
	if (rhs->kind != AST_LIST)
		return false;
	*strs = ARENA_NEWN(c->a, const char *, rhs->nkids + 1);
	*n = 0;
	for (unsigned i = 0; i < rhs->nkids; i++) {
		if (rhs->kids[i]->kind != AST_VALUE)
			return false;
		(*strs)[(*n)++] = rhs->kids[i]->str;
	}
	return true;
}

/* Sort and deduplicate (set semantics). */
static void sort_uniq(const char **s, unsigned *n)
{
	if (*n < 2)
		return;
	qsort(s, *n, sizeof(*s), cmp_str);
	unsigned w = 1;
	for (unsigned i = 1; i < *n; i++)
		if (strcmp(s[i], s[w - 1]))
			s[w++] = s[i];
	*n = w;
}

static bool parse_num(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_ipv4(const char *s, int64_t *out)
{
	struct in_addr ia;

	if (inet_pton(AF_INET, s, &ia) != 1)
		return false;
	*out = (int64_t)ntohl(ia.s_addr);
	return true;
}

enum fclass { FC_NUM, FC_IP, FC_BOOL, FC_STR, FC_ENUM, FC_FLAGS, FC_DIR };

static enum fclass field_class(int kf, const char *arg)
{
	switch (kf) {
	case KF_FD_SIP:
	case KF_FD_DIP:
		return FC_IP;
	case KF_EVT_TYPE:
	case KF_EVT_RES:
	case KF_FD_TYPECHAR:
	case KF_FD_TYPE:
	case KF_FD_L4PROTO:
	case KF_CONTAINER_ID:
		return FC_ENUM;
	case KF_EVT_DIR:
		return FC_DIR;
	case KF_EVT_ARG:
		return in_names(evtarg_flags, arg) ? FC_FLAGS : FC_STR;
	default:
		break;
	}
	switch (kfield_tab[kf].kind) {
	case KV_NUM: return FC_NUM;
	case KV_BOOL: return FC_BOOL;
	case KV_FLAGS: return FC_FLAGS;
	case KV_STR: return FC_STR;
	}
	return FC_STR;
}

static struct kexpr *mk_check(struct sctx *c, const struct ast *n, int kf, const char *arg,
			      enum kx_match m)
{
	struct kexpr *k = mk(c, KX_CHECK, true);

	k->kfield = kf;
	k->field = kfield_tab[kf].name;
	k->arg = arg;
	k->match = m;
	k->src = n;
	return k;
}

static struct kexpr *check_num(struct sctx *c, const struct ast *n, int kf, const char *arg,
			       enum fclass cls, const char *fname)
{
	const char *op = ast_op_text(n->op);
	enum kx_match m;

	switch (n->op) {
	case OP_EQ:
	case OP_EQEQ: m = KM_NUM_EQ; break;
	case OP_NE: m = KM_NUM_NE; break;
	case OP_LT: m = KM_NUM_LT; break;
	case OP_LE: m = KM_NUM_LE; break;
	case OP_GT: m = KM_NUM_GT; break;
	case OP_GE: m = KM_NUM_GE; break;
	case OP_IN: m = KM_NUM_IN; break;
	default:
		return maybe(c, n, "operator '%s' is not supported in the kernel for '%s'", op,
			     fname);
	}
	if (cls != FC_NUM && m != KM_NUM_EQ && m != KM_NUM_NE && m != KM_NUM_IN)
		return maybe(c, n, "operator '%s' is not supported in the kernel for '%s'", op,
			     fname);
	const char **strs;
	unsigned ns;
	if (!rhs_strs(c, n->rhs, &strs, &ns))
		return maybe(c, n, "right-hand side of '%s' is not a literal", fname);
	if (m != KM_NUM_IN && ns != 1)
		return maybe(c, n, "'%s %s' with a list is not supported in the kernel", fname, op);
	if (ns > SPLIT_MAX_INLINE)
		return maybe(c, n, "list too long for the kernel (%u values, at most %u for '%s')",
			     ns, SPLIT_MAX_INLINE, fname);
	if (m == KM_NUM_IN && ns == 0)
		return mk_const(c, KX_FALSE); /* in () is false, with or without a value */
	int64_t *nums = ARENA_NEWN(c->a, int64_t, ns);
	for (unsigned i = 0; i < ns; i++) {
		bool ok;
		if (cls == FC_IP)
			ok = parse_ipv4(strs[i], &nums[i]);
		else if (cls == FC_BOOL)
			ok = !strcmp(strs[i], "true") || !strcmp(strs[i], "false");
		else
			ok = parse_num(strs[i], &nums[i]);
		if (cls == FC_BOOL && ok)
			nums[i] = !strcmp(strs[i], "true");
		if (!ok)
			return maybe(c, n, "value '%s' of '%s' cannot be compared in the kernel%s",
				     strs[i], fname, cls == FC_IP ? " (IPv4 only)" : "");
	}
	if (m == KM_NUM_IN && ns == 1)
		m = KM_NUM_EQ;
	struct kexpr *k = mk_check(c, n, kf, arg, m);
	k->nums = nums;
	k->nnums = ns;
	return k;
}

static struct kexpr *check_str(struct sctx *c, const struct ast *n, int kf, const char *arg,
			       enum fclass cls, const char *fname)
{
	const char *op = ast_op_text(n->op);
	const char **strs;
	unsigned ns;
	enum kx_match m;
	bool negate = false, icase = false, set = false;

	if (!rhs_strs(c, n->rhs, &strs, &ns))
		return maybe(c, n, "right-hand side of '%s' is not a literal", fname);
	for (unsigned i = 0; i < ns; i++)
		if (strlen(strs[i]) >= FC_PATH_MAX)
			return maybe(c, n, "string of %zu bytes is longer than the kernel's limit (%d)",
				     strlen(strs[i]), FC_PATH_MAX - 1);
	switch (n->op) {
	case OP_NE:
		negate = true;
		/* fall through */
	case OP_EQ:
	case OP_EQEQ:
		if (ns != 1)
			return maybe(c, n, "'%s %s' with a list is not supported in the kernel",
				     fname, op);
		m = KM_STR_EQ;
		break;
	case OP_IN:
		if (ns == 0)
			return mk_const(c, KX_FALSE);
		m = ns == 1 ? KM_STR_EQ : KM_STR_IN;
		set = ns > 1 && cls == FC_STR;
		break;
	case OP_STARTSWITH:
		if (cls == FC_ENUM && kf != KF_EVT_RES)
			goto unsupported;
		if (ns == 0)
			return mk_const(c, KX_FALSE);
		m = KM_STR_PREFIX;
		set = cls == FC_STR;
		break;
	case OP_ENDSWITH:
		if (cls != FC_STR)
			goto unsupported;
		if (ns == 0)
			return mk_const(c, KX_FALSE);
		m = KM_STR_SUFFIX;
		set = true;
		break;
	case OP_ICONTAINS:
		icase = true;
		/* fall through */
	case OP_CONTAINS:
		if (cls != FC_STR)
			goto unsupported;
		if (ns != 1)
			return maybe(c, n, "'%s %s' with a list is not supported in the kernel",
				     fname, op);
		if (strlen(strs[0]) > SPLIT_MAX_NEEDLE)
			return maybe(c, n, "'%s' needle of %zu bytes is too long for the kernel "
				     "(at most %d)", op, strlen(strs[0]), SPLIT_MAX_NEEDLE);
		m = KM_STR_CONTAINS;
		break;
	case OP_IGLOB:
		icase = true;
		/* fall through */
	case OP_GLOB:
		if (cls != FC_STR)
			goto unsupported;
		if (ns != 1)
			return maybe(c, n, "'%s %s' with a list is not supported in the kernel",
				     fname, op);
		if (strlen(strs[0]) > SPLIT_MAX_GLOB)
			return maybe(c, n, "glob pattern of %zu bytes is too long for the kernel "
				     "(at most %d)", strlen(strs[0]), SPLIT_MAX_GLOB);
		m = KM_STR_GLOB;
		break;
	case OP_REGEX:
		return maybe(c, n, "regex is not evaluated in the kernel");
	case OP_PMATCH:
		return maybe(c, n, "pmatch is not evaluated in the kernel");
	default:
		goto unsupported;
	}
	if (cls == FC_ENUM && ns > SPLIT_MAX_INLINE)
		return maybe(c, n, "list too long for the kernel (%u values, at most %u for '%s')",
			     ns, SPLIT_MAX_INLINE, fname);
	if (m == KM_STR_IN || m == KM_STR_PREFIX || m == KM_STR_SUFFIX)
		sort_uniq(strs, &ns);
	if (m == KM_STR_IN && ns == 1)
		m = KM_STR_EQ, set = false;
	struct kexpr *k = mk_check(c, n, kf, arg, m);
	k->strs = strs;
	k->nstrs = ns;
	k->icase = icase;
	kn(k)->wants_set = set;
	return negate ? simp_not(c, k, n) : k;

unsupported:
	return maybe(c, n, "operator '%s' is not supported in the kernel for '%s'", op, fname);
}

/* evt.dir: the probe sends exit events only, so its value is always '<'. */
static struct kexpr *check_dir(struct sctx *c, const struct ast *n)
{
	const char **strs;
	unsigned ns;
	bool any = false;

	if (n->op == OP_EXISTS)
		return mk_const(c, KX_TRUE);
	if ((n->op != OP_EQ && n->op != OP_EQEQ && n->op != OP_NE && n->op != OP_IN) ||
	    !rhs_strs(c, n->rhs, &strs, &ns))
		return maybe(c, n, "operator '%s' is not supported in the kernel for 'evt.dir'",
			     ast_op_text(n->op));
	for (unsigned i = 0; i < ns; i++)
		any |= !strcmp(strs[i], "<");
	if (n->op == OP_NE)
		any = !any;
	return mk_const(c, any ? KX_TRUE : KX_FALSE);
}

static struct kexpr *check(struct sctx *c, const struct ast *n)
{
	const struct ast *lhs = n->lhs;

	if (!lhs)
		return maybe(c, n, "malformed check");
	if (lhs->kind == AST_TRANSFORMER)
		return maybe(c, n, "transformer %s() is not evaluated in the kernel", lhs->name);
	if (lhs->kind != AST_FIELD)
		return maybe(c, n, "left-hand side is not a field");

	const char *dotted = NULL;
	const struct field_info *f = fields_lookup(lhs->name, &dotted);
	const char *arg = dotted ? dotted : lhs->arg;
	const char *base = f ? f->name : lhs->name;
	const char *fname = arg ? arena_printf(c->a, "%s%s%s%s", base, dotted ? "." : "[", arg,
					       dotted ? "" : "]")
				: base;
	int kf = f ? kfield_by_name(f->name) : -1;

	if (kf < 0)
		return maybe(c, n, "field '%s' is not computed in the kernel", fname);
	if (n->mod != MOD_NONE)
		return maybe(c, n, "modifier '%s' is not evaluated in the kernel",
			     ast_mod_text(n->mod));
	if (n->kind == AST_BINARY) {
		if (!n->rhs)
			return maybe(c, n, "malformed check");
		if (n->rhs->kind == AST_VAL)
			return maybe(c, n, "val() comparisons are not evaluated in the kernel");
		if (n->rhs->kind == AST_TRANSFORMER)
			return maybe(c, n,
				     "a transformer on the right-hand side is not evaluated in the "
				     "kernel");
		if (n->rhs->kind != AST_VALUE && n->rhs->kind != AST_LIST)
			return maybe(c, n, "right-hand side of '%s' is not a literal", fname);
	}

	/* field arguments */
	switch (kf) {
	case KF_PROC_ANAME: {
		int64_t idx;
		if (!arg)
			return maybe(c, n,
				     "'proc.aname' without an index matches any ancestor; the kernel "
				     "knows proc.aname[1..%d] only",
				     FC_MAX_ANCESTORS);
		if (!parse_num(arg, &idx) || idx < 0 || idx > FC_MAX_ANCESTORS)
			return maybe(c, n, "'%s': the kernel knows proc.aname[1..%d] only", fname,
				     FC_MAX_ANCESTORS);
		if (idx == 0) {
			kf = KF_PROC_NAME; /* aname[0] is the process itself */
			arg = NULL;
		}
		break;
	}
	case KF_EVT_ARG:
		if (!dotted && arg && arg[0] >= '0' && arg[0] <= '9')
			return maybe(c, n, "'%s': parameters by index are not read in the kernel",
				     fname);
		if (!in_names(evtarg_path, arg) && !in_names(evtarg_flags, arg))
			return maybe(c, n,
				     "'%s' is not read in the kernel (evt.arg renders numbers as text "
				     "in userspace; the kernel reads evt.rawarg.NAME for numeric "
				     "parameters)",
				     fname);
		break;
	case KF_EVT_RAWARG:
		if (!in_names(rawarg_num, arg))
			return maybe(c, n, "'%s' is not read in the kernel", fname);
		break;
	default:
		if (arg)
			return maybe(c, n, "'%s': field argument not supported in the kernel", fname);
		break;
	}

	enum fclass cls = field_class(kf, arg);
	if (n->kind == AST_UNARY) {
		if (n->op != OP_EXISTS)
			return maybe(c, n, "operator '%s' is not supported in the kernel",
				     ast_op_text(n->op));
		if (cls == FC_DIR)
			return mk_const(c, KX_TRUE);
		return mk_check(c, n, kf, arg, KM_EXISTS);
	}
	switch (cls) {
	case FC_DIR:
		return check_dir(c, n);
	case FC_NUM:
	case FC_IP:
	case FC_BOOL:
		return check_num(c, n, kf, arg, cls, fname);
	case FC_FLAGS: {
		if (n->op != OP_CONTAINS || n->rhs->kind != AST_VALUE)
			return maybe(c, n,
				     "operator '%s' is not supported in the kernel for '%s' (only "
				     "'contains FLAG')",
				     ast_op_text(n->op), fname);
		if (!is_word(n->rhs->str))
			return maybe(c, n, "'%s contains %s': not a flag name", fname, n->rhs->str);
		struct kexpr *k = mk_check(c, n, kf, arg, KM_FLAGS_ANY);
		k->strs = ARENA_NEWN(c->a, const char *, 1);
		k->strs[0] = n->rhs->str;
		k->nstrs = 1;
		return k;
	}
	case FC_STR:
	case FC_ENUM:
		return check_str(c, n, kf, arg, cls, fname);
	}
	return maybe(c, n, "unsupported check");
}

/* ---- the walk (memoised: rule ASTs are DAGs) ---- */

static size_t memo_slot(struct sctx *c, const struct ast *n)
{
	size_t i = ((uintptr_t)n >> 4) & (c->cap - 1);

	while (c->keys[i] && c->keys[i] != n)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static void memo_put(struct sctx *c, const struct ast *n, struct kexpr *k)
{
	if ((c->n + 1) * 2 > c->cap) {
		struct sctx old = *c;
		c->cap = c->cap ? c->cap * 2 : 64;
		c->keys = ARENA_NEWN(c->a, const struct ast *, c->cap);
		c->vals = ARENA_NEWN(c->a, struct kexpr *, c->cap);
		for (size_t i = 0; i < old.cap; i++) {
			if (!old.keys[i])
				continue;
			size_t j = memo_slot(c, old.keys[i]);
			c->keys[j] = old.keys[i];
			c->vals[j] = old.vals[i];
		}
	}
	size_t s = memo_slot(c, n);
	if (!c->keys[s])
		c->n++;
	c->keys[s] = n;
	c->vals[s] = k;
}

static struct kexpr *build(struct sctx *c, const struct ast *n)
{
	if (!n)
		return mk_const(c, KX_MAYBE);
	if (c->cap) {
		size_t s = memo_slot(c, n);
		if (c->keys[s])
			return c->vals[s];
	}
	struct kexpr *k;
	switch (n->kind) {
	case AST_AND:
	case AST_OR: {
		struct kexpr **kids = ARENA_NEWN(c->a, struct kexpr *, n->nkids + 1);
		for (unsigned i = 0; i < n->nkids; i++)
			kids[i] = build(c, n->kids[i]);
		k = n->kind == AST_AND ? simp_and(c, kids, n->nkids, n)
				       : simp_or(c, kids, n->nkids, n);
		break;
	}
	case AST_NOT:
		k = n->nkids ? simp_not(c, build(c, n->kids[0]), n) : mk_const(c, KX_MAYBE);
		break;
	case AST_UNARY:
	case AST_BINARY:
		k = check(c, n);
		break;
	case AST_MACRO:
		k = maybe(c, n, "macro '%s' is not resolved", n->name);
		break;
	default:
		k = maybe(c, n, "unexpected node in a condition");
		break;
	}
	if (kn(k)->size > SPLIT_MAX_KNODES)
		k = maybe(c, n, "kernel expression too large (%u nodes, at most %d)", kn(k)->size,
			  SPLIT_MAX_KNODES);
	memo_put(c, n, k);
	return k;
}

/* ---- sets ---- */

struct setctx {
	struct arena *a;
	struct split_result *out;
	struct strmap by_key;
	struct strmap seen; /* kexpr nodes visited in this rule, by address */
};

static const char *set_key(struct arena *a, enum kx_match m, const char **strs, unsigned n)
{
	struct strbuf b = { 0 };

	sb_printf(&b, "%d", (int)m);
	for (unsigned i = 0; i < n; i++)
		sb_printf(&b, "|%zu:%s", strlen(strs[i]), strs[i]);
	const char *k = arena_strdup(a, sb_str(&b));
	sb_free(&b);
	return k;
}

static void collect_sets(struct setctx *s, struct kexpr *k)
{
	char addr[32];

	snprintf(addr, sizeof(addr), "%p", (void *)k);
	if (strmap_get(&s->seen, addr))
		return;
	strmap_put(&s->seen, arena_strdup(s->a, addr), k);
	if (k->kind == KX_CHECK && kn(k)->wants_set) {
		const char *key = set_key(s->a, k->match, k->strs, k->nstrs);
		struct split_set *st = strmap_get(&s->by_key, key);
		if (!st) {
			st = ARENA_NEW(s->a, struct split_set);
			st->id = (int)s->out->sets.n;
			st->match = k->match;
			st->strs = k->strs;
			st->nstrs = k->nstrs;
			for (unsigned i = 0; i < k->nstrs; i++) {
				unsigned l = (unsigned)strlen(k->strs[i]);
				if (l > st->max_len)
					st->max_len = l;
			}
			strmap_put(&s->by_key, key, st);
			vec_push(s->a, &s->out->sets, st);
		}
		k->set_id = st->id;
		k->strs = st->strs;
	}
	for (unsigned i = 0; i < k->nkids; i++)
		collect_sets(s, k->kids[i]);
}

void split_ruleset(struct arena *a, const struct ruleset *rs, struct split_result *out)
{
	struct setctx sc = { .a = a, .out = out };

	memset(out, 0, sizeof(*out));
	strmap_init(&sc.by_key, a);
	for (size_t i = 0; i < rs->rules.n; i++) {
		const struct rs_rule *r = rs->rules.v[i];
		if (r->failed || r->skipped || !r->ast)
			continue;
		struct split_rule *sr = ARENA_NEW(a, struct split_rule);
		sr->rule = r;
		sr->index = (unsigned)out->rules.n;
		struct sctx c = { .a = a, .sr = sr };
		sr->kernel = build(&c, r->ast);
		strmap_init(&sc.seen, a);
		collect_sets(&sc, sr->kernel);
		vec_push(a, &out->rules, sr);
	}
}

/* ---- printing ---- */

static void put_str(struct strbuf *b, const char *s)
{
	bool plain = *s != 0;

	for (const char *p = s; *p && plain; p++)
		plain = !strchr(" \t\r\n(),\"'=<>!", *p) && (unsigned char)*p > ' ';
	if (plain && strcmp(s, "and") && strcmp(s, "or") && strcmp(s, "not")) {
		sb_puts(b, s);
		return;
	}
	sb_putc(b, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_putc(b, '\\');
		sb_putc(b, *p);
	}
	sb_putc(b, '"');
}

static void put_num(struct strbuf *b, const struct kexpr *k, int64_t v)
{
	if (k->kfield == KF_FD_SIP || k->kfield == KF_FD_DIP)
		sb_printf(b, "%u.%u.%u.%u", (unsigned)(v >> 24) & 255, (unsigned)(v >> 16) & 255,
			  (unsigned)(v >> 8) & 255, (unsigned)v & 255);
	else if (split_kfield(k->kfield)->kind == KV_BOOL)
		sb_puts(b, v ? "true" : "false");
	else
		sb_printf(b, "%lld", (long long)v);
}

static void put_strs(struct strbuf *b, const struct kexpr *k, bool force_list)
{
	if (k->nstrs == 1 && !force_list) {
		put_str(b, k->strs[0]);
		return;
	}
	sb_putc(b, '(');
	for (unsigned i = 0; i < k->nstrs; i++) {
		if (i)
			sb_puts(b, ", ");
		put_str(b, k->strs[i]);
	}
	sb_putc(b, ')');
}

static void print_check(struct strbuf *b, const struct kexpr *k)
{
	static const char *const numop[] = { [KM_NUM_EQ] = "=", [KM_NUM_NE] = "!=",
					     [KM_NUM_LT] = "<", [KM_NUM_LE] = "<=",
					     [KM_NUM_GT] = ">", [KM_NUM_GE] = ">=" };
	bool dotted = k->kfield == KF_EVT_ARG || k->kfield == KF_EVT_RAWARG;

	sb_puts(b, k->field);
	if (k->arg)
		sb_printf(b, dotted ? ".%s" : "[%s]", k->arg);
	switch (k->match) {
	case KM_NUM_EQ:
	case KM_NUM_NE:
	case KM_NUM_LT:
	case KM_NUM_LE:
	case KM_NUM_GT:
	case KM_NUM_GE:
		sb_printf(b, " %s ", numop[k->match]);
		put_num(b, k, k->nnums ? k->nums[0] : 0);
		break;
	case KM_NUM_IN:
		sb_puts(b, " in (");
		for (unsigned i = 0; i < k->nnums; i++) {
			if (i)
				sb_puts(b, ", ");
			put_num(b, k, k->nums[i]);
		}
		sb_putc(b, ')');
		break;
	case KM_STR_EQ:
		sb_puts(b, " = ");
		put_strs(b, k, false);
		break;
	case KM_STR_IN:
		sb_puts(b, " in ");
		put_strs(b, k, true);
		break;
	case KM_STR_PREFIX:
		sb_puts(b, " startswith ");
		put_strs(b, k, false);
		break;
	case KM_STR_SUFFIX:
		sb_puts(b, " endswith ");
		put_strs(b, k, false);
		break;
	case KM_STR_CONTAINS:
		sb_puts(b, k->icase ? " icontains " : " contains ");
		put_strs(b, k, false);
		break;
	case KM_STR_GLOB:
		sb_puts(b, k->icase ? " iglob " : " glob ");
		put_strs(b, k, false);
		break;
	case KM_EXISTS:
		sb_puts(b, " exists");
		break;
	case KM_FLAGS_ANY:
		sb_puts(b, " contains ");
		put_strs(b, k, false);
		break;
	}
}

static void print_k(struct strbuf *b, const struct kexpr *k, enum kx_kind parent)
{
	switch (k->kind) {
	case KX_TRUE: sb_puts(b, "true"); return;
	case KX_FALSE: sb_puts(b, "false"); return;
	case KX_MAYBE: sb_puts(b, "maybe"); return;
	case KX_CHECK: print_check(b, k); return;
	case KX_NOT: {
		const struct kexpr *x = k->kids[0];
		sb_puts(b, "not ");
		print_k(b, x, KX_NOT); /* and/or parenthesise themselves under not */
		return;
	}
	case KX_AND:
	case KX_OR: {
		bool par = parent == KX_AND || parent == KX_OR || parent == KX_NOT;
		if (par)
			sb_putc(b, '(');
		for (unsigned i = 0; i < k->nkids; i++) {
			if (i)
				sb_puts(b, k->kind == KX_AND ? " and " : " or ");
			print_k(b, k->kids[i], k->kind);
		}
		if (par)
			sb_putc(b, ')');
		return;
	}
	}
}

void split_print(struct strbuf *out, const struct kexpr *k)
{
	print_k(out, k, KX_CHECK);
}

/* ---- helpers for the back ends (codegen.c, kcode.c) ---- */

struct kexpr *split_node(struct arena *a, enum kx_kind kind)
{
	struct kexpr *k = ARENA_NEW(a, struct kexpr);
	k->kind = kind;
	k->set_id = -1;
	return k;
}

const struct split_set *split_set_by_id(const struct split_result *sr, int id)
{
	for (size_t i = 0; i < sr->sets.n; i++) {
		const struct split_set *s = sr->sets.v[i];
		if (s->id == id)
			return s;
	}
	return NULL;
}

bool split_has_str(const struct kexpr *k, const char *s)
{
	for (unsigned i = 0; i < k->nstrs; i++)
		if (!strcmp(k->strs[i], s))
			return true;
	return false;
}

int split_bool_want(const struct kexpr *k)
{
	int v;
	if (k->nnums)
		v = k->nums[0] != 0;
	else if (k->nstrs)
		v = !strcmp(k->strs[0], "true");
	else
		return -1;
	if (k->match == KM_NUM_NE)
		return !v;
	if (k->match == KM_NUM_EQ || k->match == KM_STR_EQ)
		return v;
	return -1;
}
