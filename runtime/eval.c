// SPDX-License-Identifier: Apache-2.0
/*
 * eval: compiled conditions with libsinsp's comparison semantics.
 *
 * Data structures:
 *
 *   struct cnode    and/or/not/check, one per AST node; memoised in
 *                   cx->memo (AST pointer -> cnode) so a macro body spliced
 *                   into many rules compiles once and rules share it.
 *   struct check    one `lhs op [mod] rhs`: the left expression, and either
 *                   pre-parsed literals (struct lit, typed once at compile
 *                   time, plus a hash set for large string `in` lists, the
 *                   split patterns of `pmatch`, compiled regexes) or a
 *                   right-hand expression (val(), a transformer) whose
 *                   values are turned into literals per event.
 *   struct pstep    a compiled condition as a branching program: one step
 *                   per check (or and/or event-code test), each naming the
 *                   step to go to on true and on false (see prog_gen()).
 *   struct rt_expr  a field or a transformer tree. Fields are shared per
 *                   (name, arg) in cx->frefs, and each keeps the values of
 *                   its last extraction tagged with cx->epoch: that is the
 *                   per-event extraction cache.
 *
 * Semantics follow libsinsp (filter_compare.cpp, sinsp_filtercheck.cpp):
 * a field with no value (<NA>) makes every check false, `exists`
 * included, so `not <check>` is true; strings compare as C strings (up to
 * the first NUL); numbers compare in the field type's signedness; `in`
 * and `intersects` on a single-valued field are set membership; on a
 * list-valued field `in` means every value is in the set and
 * `intersects` means some value is; modifiers apply the operator to each
 * right-hand element (oneof: exactly one matches, anyof: at least one,
 * allof: all); glob is fnmatch(3) with no flags, iglob adds FNM_CASEFOLD;
 * regex must match the whole value. Differences are listed in the report
 * of this module (README of runtime) and at the functions concerned.
 */
#include "eval.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <netdb.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

/* ---- small pointer/string maps ---------------------------------------- */

struct pmap_ent {
	const void *key;
	void *val;
};

struct pmap {
	struct pmap_ent *e;
	size_t cap, n; /* cap is a power of two */
};

static size_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static void *pmap_get(const struct pmap *m, const void *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = ptr_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->e[i].key)
			return NULL;
		if (m->e[i].key == key)
			return m->e[i].val;
	}
}

static void pmap_put(struct arena *a, struct pmap *m, const void *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct pmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->e = ARENA_NEWN(a, struct pmap_ent, m->cap);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].key)
				pmap_put(a, m, old.e[i].key, old.e[i].val);
	}
	size_t i = ptr_hash(key) & (m->cap - 1);
	while (m->e[i].key && m->e[i].key != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->e[i].key)
		m->n++;
	m->e[i].key = key;
	m->e[i].val = val;
}

static uint64_t bytes_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* ---- compiled structures ---------------------------------------------- */

enum xf { XF_NONE, XF_TOLOWER, XF_TOUPPER, XF_B64, XF_BASENAME, XF_LEN, XF_JOIN, XF_CONCAT };

/* One distinct field reference, with its extraction cache. */
struct fref {
	struct rt_field_ref ref;
	const char *key; /* "name" or "name[arg]" */
	uint64_t epoch;  /* cx->epoch of the cached extraction; 0: none */
	struct rt_vals *vals;
	struct strbuf sb;
	unsigned stamp; /* for collecting a condition's refs */
	struct fref *next_all;
};

enum ex_kind { EX_FIELD, EX_XFORM, EX_CONST };

struct rt_expr {
	enum ex_kind kind;
	enum ftype type;
	bool list;
	struct rt_cond_ctx *cx;
	struct fref *fr;       /* EX_FIELD */
	enum xf xf;            /* EX_XFORM */
	struct rt_expr *arg;   /* unary transformers */
	struct rt_expr **items; /* join/concat */
	unsigned nitems;
	const char *sep;       /* join separator */
	const char *cstr;      /* EX_CONST */
	struct rt_vals *buf;   /* transformer output */
	struct strbuf *sb;     /* transformer output bytes */
};

/* A right-hand value, typed. Literals are parsed once; values coming from
 * val() or a transformer are converted per event. */
struct lit {
	const char *s; /* text; NUL-terminated */
	uint32_t len;
	bool num_ok;
	uint64_t u;
	int64_t i;
	bool d_ok;
	double d;
	bool b_ok, b;
	bool ip_ok, v6, is_net;
	uint8_t ip[16];
	uint8_t prefix;
	bool glob_plain; /* glob pattern without metacharacters: plain equality */
	regex_t *re;
};

/* pmatch: each pattern split into its path components. */
struct ppat {
	const char **comp;
	uint32_t *clen;
	bool *cglob;
	unsigned n;
};

struct strset {
	uint32_t *slot; /* lit index + 1; 0 empty */
	size_t cap;
};

enum rhs_kind { RHS_NONE, RHS_LITS, RHS_EXPR };

struct check {
	enum ast_op op;
	enum ast_mod mod;
	struct loc loc;
	struct rt_expr *lhs;
	enum ftype type; /* lhs effective type */
	bool list;       /* lhs is list-valued */
	enum rhs_kind rk;
	struct lit *lits;
	unsigned nlits;
	struct strset *set;
	struct ppat *pats;
	unsigned npats;
	struct rt_expr *rhs;
	/* per-event conversion of rhs values */
	struct lit *dyn;
	struct strbuf *dynsb;
	/* evt.type against constant names: the answer per event code and,
	 * for generic events, per syscall id, see type_bits_build() (NULL
	 * when the check is not of that form) */
	uint64_t *tbits, *sbits;
	bool unknown_hit; /* the answer for a syscall id without a name */
	/* evt.num / evt.rawres against literals: the value is read from the
	 * event itself, as the extractor would, without the extraction cache */
	enum { DV_NONE, DV_EVT_NUM, DV_EVT_RAWRES } direct;
	/* a direct check that is one integer comparison with a number
	 * (=, ==, !=, <, <=, >, >=): answered in the tree walk, see
	 * direct_cmp() */
	bool direct_int;
};

/* Bitmaps over event codes (rt_evt_count() bits). */
#define TB_WORDS(n) (((size_t)(n) + 63) / 64)

/* Generic events (codes 0 and 1) take their evt.type from their syscall
 * id parameter: only they need the extractor for it. */
#define TB_GENERIC_MAX 1

static bool tb_has(const uint64_t *b, unsigned code)
{
	return (b[code / 64] >> (code % 64)) & 1;
}

enum cn_kind { CN_AND, CN_OR, CN_NOT, CN_CHECK };

struct cnode {
	enum cn_kind kind;
	unsigned n;
	struct cnode **kids;
	struct check *k;
	unsigned stamp;
	unsigned cost; /* evaluation cost class, see order_kids() */
	/* and/or: the event codes on which the node can be true, NULL for
	 * all (see node_may()); an operand is skipped by one bit test */
	uint64_t *may;
};

/*
 * A condition as a branching program: each step tests one check (or one
 * and/or node's event-code set) and goes to the step for its answer, so
 * and/or/not cost no calls and no tree walk. The steps are those of the
 * tree walk in the same order (and stops at its first false operand, or
 * at its first true one; not swaps the targets), so the answers are the
 * same. Built by prog_gen(); a DAG made by macros is unfolded, so a
 * condition whose unfolded size passes PROG_MAX keeps the tree walk.
 */
enum { PS_MAY, PS_CHECK };
#define PC_TRUE (-1)
#define PC_FALSE (-2)
#define PROG_MAX 4096

struct pstep {
	uint8_t kind;          /* PS_MAY: tb_has(bits); PS_CHECK: eval_leaf(k) */
	const uint64_t *bits;
	const struct check *k;
	int32_t t, f;          /* next step for true / false, or PC_TRUE / PC_FALSE */
};

struct rt_cond {
	struct rt_cond_ctx *cx;
	struct cnode *root;
	uint64_t *may; /* event codes on which root can be true */
	struct pstep *prog; /* NULL: too large, the tree walk answers */
	unsigned nprog;
	int32_t entry;
	struct fref **refs;
	size_t nrefs;
};

struct rt_cond_ctx {
	struct arena *a;
	struct pmap memo;      /* const struct ast * -> struct cnode * */
	struct fref *frefs;    /* all, for lookup by key and for freeing */
	struct strbuf **sbs;   /* every strbuf to free */
	size_t nsbs, capsbs;
	regex_t **res;         /* every regex to free */
	size_t nres, capres;
	uint64_t epoch;
	bool pinned; /* rt_cond_ctx_begin_event() was called */
	unsigned stamp;
	unsigned nevt;     /* rt_evt_count(), read in the per-event paths */
	struct strbuf tmp; /* NUL-terminated copies for fnmatch/regexec */
	struct strbuf tmp2;
};

/* ---- context ---------------------------------------------------------- */

struct rt_cond_ctx *rt_cond_ctx_new(struct arena *a)
{
	struct rt_cond_ctx *cx = ARENA_NEW(a, struct rt_cond_ctx);

	cx->a = a;
	cx->epoch = 1;
	cx->nevt = rt_evt_count();
	return cx;
}

static void track_ptr(struct rt_cond_ctx *cx, void ***arr, size_t *n, size_t *cap, void *p)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		void **nv = ARENA_NEWN(cx->a, void *, ncap);
		if (*n)
			memcpy(nv, *arr, *n * sizeof(void *));
		*arr = nv;
		*cap = ncap;
	}
	(*arr)[(*n)++] = p;
}

static struct strbuf *new_sb(struct rt_cond_ctx *cx)
{
	struct strbuf *sb = ARENA_NEW(cx->a, struct strbuf);

	track_ptr(cx, (void ***)&cx->sbs, &cx->nsbs, &cx->capsbs, sb);
	return sb;
}

void rt_cond_ctx_free(struct rt_cond_ctx *cx)
{
	if (!cx)
		return;
	for (struct fref *f = cx->frefs; f; f = f->next_all)
		sb_free(&f->sb);
	for (size_t i = 0; i < cx->nsbs; i++)
		sb_free(cx->sbs[i]);
	for (size_t i = 0; i < cx->nres; i++)
		regfree(cx->res[i]);
	sb_free(&cx->tmp);
	sb_free(&cx->tmp2);
	cx->nsbs = cx->nres = 0;
	cx->frefs = NULL;
}

struct arena *rt_cond_ctx_arena(const struct rt_cond_ctx *cx)
{
	return cx->a;
}

void rt_cond_ctx_begin_event(struct rt_cond_ctx *cx)
{
	cx->epoch++;
	cx->pinned = true;
}

/* ---- errors ----------------------------------------------------------- */

static bool fail(struct rt_cond_ctx *cx, struct rt_cond_err *err, const struct ast *n,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static bool fail(struct rt_cond_ctx *cx, struct rt_cond_err *err, const struct ast *n,
		 const char *fmt, ...)
{
	va_list ap;

	if (err && !err->msg) {
		if (n)
			err->loc = n->loc;
		va_start(ap, fmt);
		err->msg = arena_vprintf(cx->a, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* ---- type classes ----------------------------------------------------- */

enum tclass { TC_STR, TC_BUF, TC_SIGNED, TC_UNSIGNED, TC_DOUBLE, TC_BOOL, TC_IP, TC_NET, TC_DYN,
	      TC_OTHER };

static enum tclass tclass(enum ftype t)
{
	switch (t) {
	case FT_CHARBUF:
	case FT_FSPATH:
		return TC_STR;
	case FT_BYTEBUF:
		return TC_BUF;
	case FT_INT8:
	case FT_INT16:
	case FT_INT32:
	case FT_INT64:
		return TC_SIGNED;
	case FT_UINT8:
	case FT_UINT16:
	case FT_UINT32:
	case FT_UINT64:
	case FT_RELTIME:
	case FT_ABSTIME:
	case FT_PORT:
	case FT_L4PROTO:
	case FT_SOCKFAMILY:
	case FT_FLAGS8:
	case FT_FLAGS16:
	case FT_FLAGS32:
	case FT_UID:
	case FT_GID:
		return TC_UNSIGNED;
	case FT_DOUBLE:
		return TC_DOUBLE;
	case FT_BOOL:
		return TC_BOOL;
	case FT_IPADDR:
		return TC_IP;
	case FT_IPNET:
		return TC_NET;
	case FT_DYN:
		return TC_DYN;
	default:
		return TC_OTHER;
	}
}

/* Bit width of an integer type, for truncating literals the way libsinsp
 * stores them (parsed at the field's width). */
static unsigned type_bits(enum ftype t)
{
	switch (t) {
	case FT_INT8:
	case FT_UINT8:
	case FT_FLAGS8:
	case FT_L4PROTO:
	case FT_SOCKFAMILY:
		return 8;
	case FT_INT16:
	case FT_UINT16:
	case FT_FLAGS16:
	case FT_PORT:
		return 16;
	case FT_INT32:
	case FT_UINT32:
	case FT_FLAGS32:
	case FT_UID:
	case FT_GID:
		return 32;
	default:
		return 64;
	}
}

/* ---- literal parsing -------------------------------------------------- */

/* Decimal or 0x hex, optional sign; negative values wrap like sscanf's
 * %lu does. Leading blanks are accepted, as sscanf does. */
static bool parse_integer(const char *s, uint64_t *out)
{
	const char *p = s;
	bool neg = false;
	int base = 10;
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p) || (base == 10 && !isdigit((unsigned char)*p)))
		return false;
	errno = 0;
	uint64_t v = strtoull(p, &end, base);
	if (errno || *end)
		return false;
	*out = neg ? (uint64_t)0 - v : v;
	return true;
}

static uint64_t truncate_u(uint64_t v, unsigned bits)
{
	return bits >= 64 ? v : v & ((1ULL << bits) - 1);
}

static int64_t truncate_s(uint64_t v, unsigned bits)
{
	switch (bits) {
	case 8:
		return (int8_t)(uint8_t)v;
	case 16:
		return (int16_t)(uint16_t)v;
	case 32:
		return (int32_t)(uint32_t)v;
	default:
		return (int64_t)v;
	}
}

/* "a.b.c.d" or an IPv6 address; the family is chosen by the presence of
 * a '.', as libsinsp's value parser does. */
static bool parse_ip(const char *s, struct lit *l)
{
	memset(l->ip, 0, sizeof(l->ip));
	l->v6 = strchr(s, '.') == NULL;
	return inet_pton(l->v6 ? AF_INET6 : AF_INET, s, l->ip) == 1;
}

static bool parse_net(struct rt_cond_ctx *cx, const char *s, struct lit *l)
{
	const char *slash = strchr(s, '/');
	bool v4 = strchr(s, '.') != NULL;
	char *addr;
	uint64_t plen;

	if (!slash) {
		/* libsinsp requires a prefix for IPv4; an IPv6 network without
		 * one is taken as a single address (/128). */
		if (v4)
			return false;
		l->prefix = 128;
		return parse_ip(s, l) && (l->is_net = true);
	}
	addr = arena_strndup(cx->a, s, (size_t)(slash - s));
	if (!parse_ip(addr, l) || l->v6 != !v4)
		return false;
	if (!parse_integer(slash + 1, &plen) || plen > (v4 ? 32u : 128u))
		return false;
	l->prefix = (uint8_t)plen;
	l->is_net = true;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse one right-hand literal for a check on type t. On failure returns
 * false with a reason. Every representation that parses is kept for DYN
 * (evt.rawarg), whose type is known only per event.
 */
static bool parse_lit(struct rt_cond_ctx *cx, struct check *k, const char *s, struct lit *l,
		      const char **why)
{
	enum tclass tc = tclass(k->type);
	uint64_t u;

	memset(l, 0, sizeof(*l));
	l->s = s;
	l->len = (uint32_t)strlen(s);

	if (k->op == OP_BCONTAINS || k->op == OP_BSTARTSWITH) {
		/* libsinsp takes these right-hand sides as hex byte strings. */
		if (l->len % 2) {
			*why = "bcontains and bstartswith take an even number of hex digits";
			return false;
		}
		char *b = arena_alloc(cx->a, l->len / 2 + 1);
		for (uint32_t i = 0; i < l->len; i += 2) {
			int hi = hexval(s[i]), lo = hexval(s[i + 1]);
			if (hi < 0 || lo < 0) {
				*why = "bcontains and bstartswith take hex digits only";
				return false;
			}
			b[i / 2] = (char)(hi << 4 | lo);
		}
		l->s = b;
		l->len /= 2;
		return true;
	}

	switch (tc) {
	case TC_STR:
	case TC_BUF:
		if (k->op == OP_GLOB || k->op == OP_IGLOB)
			l->glob_plain = !strpbrk(s, "*?[\\");
		return true;
	case TC_SIGNED:
	case TC_UNSIGNED:
		if (k->type == FT_PORT && *s && !isdigit((unsigned char)*s) && *s != '+' &&
		    *s != '-') {
			/* A service name, looked up once like libsinsp does. */
			struct servent *se = getservbyname(s, NULL);
			if (!se) {
				*why = "unrecognized port or service name";
				return false;
			}
			l->u = ntohs((uint16_t)se->s_port);
			l->i = (int64_t)l->u;
			l->num_ok = true;
			return true;
		}
		if (k->type == FT_PORT && !*s) {
			l->num_ok = true; /* libsinsp: an empty port is 0 */
			return true;
		}
		if (!parse_integer(s, &u)) {
			*why = "not an integer";
			return false;
		}
		l->u = truncate_u(u, type_bits(k->type));
		l->i = truncate_s(u, type_bits(k->type));
		l->num_ok = true;
		return true;
	case TC_DOUBLE: {
		char *end;
		errno = 0;
		l->d = strtod(s, &end);
		if (!*s || *end || errno) {
			*why = "not a number";
			return false;
		}
		l->d_ok = true;
		return true;
	}
	case TC_BOOL:
		if (!strcmp(s, "true") || !strcmp(s, "false")) {
			l->b = s[0] == 't';
			l->b_ok = true;
			return true;
		}
		*why = "boolean value must be 'true' or 'false'";
		return false;
	case TC_IP:
		if (!parse_ip(s, l)) {
			*why = "not an IP address";
			return false;
		}
		l->ip_ok = true;
		return true;
	case TC_NET:
		if (!parse_net(cx, s, l)) {
			*why = "not an IP network (address/prefix)";
			return false;
		}
		l->ip_ok = true;
		return true;
	case TC_DYN: {
		char *end;
		if (parse_integer(s, &u)) {
			l->u = u;
			l->i = (int64_t)u;
			l->num_ok = true;
		}
		errno = 0;
		l->d = strtod(s, &end);
		l->d_ok = *s && !*end && !errno;
		l->b_ok = !strcmp(s, "true") || !strcmp(s, "false");
		l->b = s[0] == 't';
		struct lit tmp = *l;
		if (strchr(s, '/') ? parse_net(cx, s, &tmp) : parse_ip(s, &tmp)) {
			memcpy(l->ip, tmp.ip, sizeof(l->ip));
			l->v6 = tmp.v6;
			l->is_net = tmp.is_net;
			l->prefix = tmp.prefix;
			l->ip_ok = true;
		}
		return true;
	}
	default:
		*why = "fields of this type cannot be compared";
		return false;
	}
}

/* ---- string helpers --------------------------------------------------- */

/* libsinsp compares strings as C strings: stop at the first NUL. */
static uint32_t cstr_len(const struct rt_val *v)
{
	if (!v->s)
		return 0;
	const char *z = memchr(v->s, '\0', v->len);
	return z ? (uint32_t)(z - v->s) : v->len;
}

static const char *nul_copy(struct strbuf *sb, const char *s, size_t n)
{
	sb->len = 0;
	sb_putn(sb, s, n);
	return sb->s;
}

static bool mem_icontains(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (nn == 0)
		return true;
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t j = 0;
		while (j < nn && tolower((unsigned char)h[i + j]) == tolower((unsigned char)nd[j]))
			j++;
		if (j == nn)
			return true;
	}
	return false;
}

static int mem_order(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

/* ---- comparisons ------------------------------------------------------ */

static bool cmp_ord(enum ast_op op, int c)
{
	switch (op) {
	case OP_EQ:
	case OP_EQEQ:
	case OP_IN:
	case OP_INTERSECTS:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_LT:
		return c < 0;
	case OP_LE:
		return c <= 0;
	case OP_GT:
		return c > 0;
	case OP_GE:
		return c >= 0;
	default:
		return false;
	}
}

static bool in_prefix(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return false;
	if (!rest)
		return true;
	uint8_t m = (uint8_t)(0xff << (8 - rest));
	return (a[full] & m) == (b[full] & m);
}

static bool match_regex(struct rt_cond_ctx *cx, const regex_t *re, const char *s, size_t n)
{
	regmatch_t m;
	const char *z = nul_copy(&cx->tmp2, s, n);

	/* libsinsp (RE2, ANCHOR_BOTH) wants the whole value to match. With
	 * POSIX leftmost-longest matching, a whole-value match exists iff
	 * the match found spans [0, n). */
	if (regexec(re, z, 1, &m, 0) != 0)
		return false;
	return m.rm_so == 0 && (size_t)m.rm_eo == n;
}

static bool glob_match(struct rt_cond_ctx *cx, const struct lit *r, const char *s, size_t n,
		       bool fold)
{
	if (r->glob_plain && !fold)
		return n == r->len && !memcmp(s, r->s, n);
	return fnmatch(r->s, nul_copy(&cx->tmp, s, n), fold ? FNM_CASEFOLD : 0) == 0;
}

/*
 * One value against one right-hand element, for every operator except
 * pmatch and the set forms. The value's runtime type decides (it equals
 * the static type except for DYN fields).
 */
static bool cmp_one(struct rt_cond_ctx *cx, enum ast_op op, const struct rt_val *v,
		    const struct lit *r)
{
	switch (tclass(v->type)) {
	case TC_STR: {
		uint32_t n = cstr_len(v);
		const char *s = v->s ? v->s : "";
		switch (op) {
		case OP_CONTAINS:
		case OP_BCONTAINS:
			return r->len == 0 || memmem(s, n, r->s, r->len) != NULL;
		case OP_ICONTAINS:
			return mem_icontains(s, n, r->s, r->len);
		case OP_STARTSWITH:
		case OP_BSTARTSWITH:
			return r->len <= n && !memcmp(s, r->s, r->len);
		case OP_ENDSWITH:
			return r->len <= n && !memcmp(s + n - r->len, r->s, r->len);
		case OP_GLOB:
			return glob_match(cx, r, s, n, false);
		case OP_IGLOB:
			return glob_match(cx, r, s, n, true);
		case OP_REGEX:
			return r->re && match_regex(cx, r->re, s, n);
		default:
			return cmp_ord(op, mem_order(s, n, r->s, r->len));
		}
	}
	case TC_BUF: {
		const char *s = v->s ? v->s : "";
		uint32_t n = v->s ? v->len : 0;
		switch (op) {
		case OP_EQ:
		case OP_EQEQ:
		case OP_IN:
		case OP_INTERSECTS:
			return n == r->len && !memcmp(s, r->s, n);
		case OP_NE:
			return n != r->len || memcmp(s, r->s, n);
		case OP_CONTAINS:
		case OP_BCONTAINS:
			return r->len == 0 || memmem(s, n, r->s, r->len) != NULL;
		case OP_STARTSWITH:
		case OP_BSTARTSWITH:
			return r->len <= n && !memcmp(s, r->s, r->len);
		case OP_ENDSWITH:
			return r->len <= n && !memcmp(s + n - r->len, r->s, r->len);
		default:
			return false;
		}
	}
	case TC_SIGNED:
		if (!r->num_ok)
			return op == OP_NE;
		return cmp_ord(op, v->i < r->i ? -1 : v->i > r->i);
	case TC_UNSIGNED:
		if (!r->num_ok)
			return op == OP_NE;
		return cmp_ord(op, v->u < r->u ? -1 : v->u > r->u);
	case TC_DOUBLE: {
		double d = r->d;
		if (!r->d_ok) {
			if (!r->num_ok)
				return op == OP_NE;
			d = (double)r->i;
		}
		/* NaN: every ordering is false and != is true, as in C++. */
		if (v->d == d)
			return cmp_ord(op, 0);
		if (v->d < d)
			return cmp_ord(op, -1);
		if (v->d > d)
			return cmp_ord(op, 1);
		return op == OP_NE;
	}
	case TC_BOOL:
		if (!r->b_ok)
			return op == OP_NE;
		if (op != OP_EQ && op != OP_EQEQ && op != OP_NE && op != OP_IN &&
		    op != OP_INTERSECTS)
			return false;
		return cmp_ord(op, v->b != r->b);
	case TC_IP:
	case TC_NET: {
		/* Only equality forms exist for addresses; a right-hand side
		 * of the other family answers from the family alone. */
		bool eq;
		if (!r->ip_ok || r->v6 != v->v6)
			return op == OP_NE;
		if (r->is_net)
			eq = in_prefix(v->ip, r->ip, r->prefix);
		else
			eq = !memcmp(v->ip, r->ip, v->v6 ? 16 : 4);
		return op == OP_NE ? !eq : eq;
	}
	default:
		return false;
	}
}

/* ---- pmatch ----------------------------------------------------------- */

static struct ppat split_pattern(struct rt_cond_ctx *cx, const char *s, size_t n)
{
	struct ppat p = { 0 };
	unsigned cap = 0;

	for (size_t i = 0; i < n;) {
		if (s[i] == '/') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] != '/')
			j++;
		if (p.n == cap) {
			unsigned nc = cap ? cap * 2 : 8;
			const char **c = ARENA_NEWN(cx->a, const char *, nc);
			uint32_t *l = ARENA_NEWN(cx->a, uint32_t, nc);
			bool *g = ARENA_NEWN(cx->a, bool, nc);
			if (p.n) {
				memcpy(c, p.comp, p.n * sizeof(*c));
				memcpy(l, p.clen, p.n * sizeof(*l));
				memcpy(g, p.cglob, p.n * sizeof(*g));
			}
			p.comp = c;
			p.clen = l;
			p.cglob = g;
			cap = nc;
		}
		p.comp[p.n] = arena_strndup(cx->a, s + i, j - i);
		p.clen[p.n] = (uint32_t)(j - i);
		p.cglob[p.n] = memchr(s + i, '*', j - i) || memchr(s + i, '?', j - i) ||
			       memchr(s + i, '[', j - i);
		p.n++;
		i = j;
	}
	return p;
}

/*
 * libsinsp's path_prefix_search: a path matches when some pattern's
 * components are a prefix of the path's components (empty components
 * are skipped, so "/a//b/" is a, b). A pattern component holding * ? or
 * [ is matched with fnmatch, others exactly. "/var" matches "/var" and
 * "/var/lib" but not "/variable"; "/" matches every path.
 */
static bool pmatch(struct rt_cond_ctx *cx, const struct check *k, const char *s, size_t n)
{
	for (unsigned pi = 0; pi < k->npats; pi++) {
		const struct ppat *p = &k->pats[pi];
		size_t i = 0;
		unsigned c = 0;
		bool ok = true;

		while (ok && c < p->n) {
			while (i < n && s[i] == '/')
				i++;
			if (i >= n) {
				ok = false;
				break;
			}
			size_t j = i;
			while (j < n && s[j] != '/')
				j++;
			if (p->cglob[c])
				ok = fnmatch(p->comp[c], nul_copy(&cx->tmp, s + i, j - i), 0) == 0;
			else
				ok = p->clen[c] == j - i && !memcmp(p->comp[c], s + i, j - i);
			c++;
			i = j;
		}
		if (ok)
			return true;
	}
	return false;
}

/* ---- string sets ------------------------------------------------------ */

#define SET_MIN 8 /* below this many strings a scan is as fast */

static struct strset *build_set(struct rt_cond_ctx *cx, const struct lit *lits, unsigned n)
{
	struct strset *set = ARENA_NEW(cx->a, struct strset);

	set->cap = 16;
	while (set->cap < (size_t)n * 2)
		set->cap *= 2;
	set->slot = ARENA_NEWN(cx->a, uint32_t, set->cap);
	for (unsigned i = 0; i < n; i++) {
		size_t h = bytes_hash(lits[i].s, lits[i].len) & (set->cap - 1);
		while (set->slot[h])
			h = (h + 1) & (set->cap - 1);
		set->slot[h] = i + 1;
	}
	return set;
}

static bool set_has(const struct strset *set, const struct lit *lits, const char *s, size_t n)
{
	for (size_t h = bytes_hash(s, n) & (set->cap - 1); set->slot[h];
	     h = (h + 1) & (set->cap - 1)) {
		const struct lit *l = &lits[set->slot[h] - 1];
		if (l->len == n && !memcmp(l->s, s, n))
			return true;
	}
	return false;
}

/* ---- expressions ------------------------------------------------------ */

static const struct rt_vals *eval_expr(const struct rt_expr *e, struct rt_state *st,
				       const struct rt_event *ev);

static const struct rt_vals *extract_fref(struct rt_cond_ctx *cx, struct fref *fr,
					  struct rt_state *st, const struct rt_event *ev)
{
	if (fr->epoch != cx->epoch) {
		fr->vals->n = 0;
		rt_extract(st, ev, &fr->ref, fr->vals, &fr->sb);
		if (fr->vals->n > RT_MAX_VALS)
			fr->vals->n = RT_MAX_VALS;
		fr->epoch = cx->epoch;
	}
	return fr->vals;
}

static bool b64_decode(const char *in, size_t n, struct strbuf *out)
{
	uint32_t acc = 0;
	int bits = 0;

	/* Padding is optional; anything after it, or a character outside
	 * the standard alphabet, makes the value invalid (<NA>). */
	while (n && in[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sb_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
	return true;
}

/* Text of a value, for join() and for rendering transformed values. */
static void val_text(const struct rt_val *v, struct strbuf *out)
{
	char buf[INET6_ADDRSTRLEN];

	switch (tclass(v->type)) {
	case TC_STR:
		sb_putn(out, v->s ? v->s : "", cstr_len(v));
		break;
	case TC_BUF:
		if (v->s)
			sb_putn(out, v->s, v->len);
		break;
	case TC_SIGNED:
		sb_printf(out, "%lld", (long long)v->i);
		break;
	case TC_UNSIGNED:
		sb_printf(out, "%llu", (unsigned long long)v->u);
		break;
	case TC_DOUBLE:
		sb_printf(out, "%.1f", v->d);
		break;
	case TC_BOOL:
		sb_puts(out, v->b ? "true" : "false");
		break;
	case TC_IP:
	case TC_NET:
		if (inet_ntop(v->v6 ? AF_INET6 : AF_INET, v->ip, buf, sizeof(buf)))
			sb_puts(out, buf);
		if (tclass(v->type) == TC_NET && v->prefix)
			sb_printf(out, "/%u", v->prefix);
		break;
	default:
		break;
	}
}

/* Point the values at the bytes recorded as offsets in e->sb (which may
 * have moved while growing). */
struct span {
	size_t off, len;
};

static const struct rt_vals *eval_xform(const struct rt_expr *e, struct rt_state *st,
					const struct rt_event *ev)
{
	struct rt_vals *out = e->buf;
	struct span sp[RT_MAX_VALS];
	uint32_t n = 0;

	out->n = 0;
	e->sb->len = 0;

	if (e->xf == XF_JOIN || e->xf == XF_CONCAT) {
		struct strbuf *tb = &e->cx->tmp2;
		bool first = true;
		for (unsigned i = 0; i < e->nitems; i++) {
			const struct rt_expr *it = e->items[i];
			if (it->kind == EX_CONST) {
				if (!first && e->xf == XF_JOIN)
					sb_puts(e->sb, e->sep);
				sb_puts(e->sb, it->cstr);
				first = false;
				continue;
			}
			const struct rt_vals *iv = eval_expr(it, st, ev);
			if (!iv || !iv->n)
				return NULL;
			uint32_t m = e->xf == XF_CONCAT ? 1 : iv->n;
			for (uint32_t j = 0; j < m; j++) {
				tb->len = 0;
				val_text(&iv->v[j], tb);
				if (!first && e->xf == XF_JOIN)
					sb_puts(e->sb, e->sep);
				sb_putn(e->sb, sb_str(tb), strlen(sb_str(tb)));
				first = false;
			}
		}
		out->n = 1;
		memset(&out->v[0], 0, sizeof(out->v[0]));
		out->v[0].type = FT_CHARBUF;
		out->v[0].s = sb_str(e->sb);
		out->v[0].len = (uint32_t)e->sb->len;
		return out;
	}

	const struct rt_vals *in = eval_expr(e->arg, st, ev);
	if (!in || !in->n)
		return NULL;

	if (e->xf == XF_LEN) {
		uint64_t len;
		if (e->arg->list)
			len = in->n;
		else if (tclass(in->v[0].type) == TC_BUF)
			len = in->v[0].s ? in->v[0].len : 0;
		else
			len = cstr_len(&in->v[0]);
		out->n = 1;
		memset(&out->v[0], 0, sizeof(out->v[0]));
		out->v[0].type = FT_UINT64;
		out->v[0].u = len;
		return out;
	}

	for (uint32_t i = 0; i < in->n; i++) {
		const struct rt_val *v = &in->v[i];
		const char *s = v->s ? v->s : "";
		size_t len = v->s ? v->len : 0;
		size_t start = e->sb->len;

		/* libsinsp strips trailing NULs before transforming */
		while (len && s[len - 1] == '\0')
			len--;
		switch (e->xf) {
		case XF_TOLOWER:
		case XF_TOUPPER:
			for (size_t j = 0; j < len; j++)
				sb_putc(e->sb, (char)(e->xf == XF_TOLOWER ? tolower((unsigned char)s[j])
									 : toupper((unsigned char)s[j])));
			break;
		case XF_BASENAME: {
			size_t b = len;
			while (b && s[b - 1] != '/')
				b--;
			sb_putn(e->sb, s + b, len - b);
			break;
		}
		case XF_B64:
			if (!b64_decode(s, len, e->sb))
				return NULL;
			break;
		default:
			return NULL;
		}
		sp[n].off = start;
		sp[n].len = e->sb->len - start;
		out->v[n] = *v;
		n++;
	}
	sb_putc(e->sb, '\0'); /* make sure s is non-NULL even if empty */
	for (uint32_t i = 0; i < n; i++) {
		out->v[i].s = e->sb->s + sp[i].off;
		out->v[i].len = (uint32_t)sp[i].len;
		out->v[i].type = e->type;
	}
	out->n = n;
	return out;
}

static const struct rt_vals *eval_expr(const struct rt_expr *e, struct rt_state *st,
				       const struct rt_event *ev)
{
	switch (e->kind) {
	case EX_FIELD:
		return extract_fref(e->cx, e->fr, st, ev);
	case EX_XFORM:
		return eval_xform(e, st, ev);
	default:
		return NULL;
	}
}

/* ---- expression compile ----------------------------------------------- */

static struct fref *get_fref(struct rt_cond_ctx *cx, const struct ast *n, struct rt_cond_err *err)
{
	const char *key = n->arg ? arena_printf(cx->a, "%s[%s]", n->name, n->arg) : n->name;
	const char *why = NULL;

	for (struct fref *f = cx->frefs; f; f = f->next_all)
		if (!strcmp(f->key, key))
			return f;
	struct fref *f = ARENA_NEW(cx->a, struct fref);
	if (!rt_field_ref_init(cx->a, &f->ref, n->name, n->arg, &why) || !f->ref.f) {
		fail(cx, err, n, "field '%s' is not supported by falcoc's runtime%s%s", key,
		     why ? ": " : "", why ? why : "");
		return NULL;
	}
	f->key = arena_strdup(cx->a, key);
	f->vals = ARENA_NEW(cx->a, struct rt_vals);
	f->next_all = cx->frefs;
	cx->frefs = f;
	return f;
}

static struct rt_expr *compile_expr(struct rt_cond_ctx *cx, const struct ast *n,
				    struct rt_cond_err *err);

static bool xform_from_name(const char *s, enum xf *out)
{
	static const struct {
		const char *name;
		enum xf xf;
	} t[] = { { "tolower", XF_TOLOWER }, { "toupper", XF_TOUPPER }, { "b64", XF_B64 },
		  { "basename", XF_BASENAME }, { "len", XF_LEN },	  { "join", XF_JOIN },
		  { "concat", XF_CONCAT } };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].name)) {
			*out = t[i].xf;
			return true;
		}
	return false;
}

static struct rt_expr *compile_xform(struct rt_cond_ctx *cx, const struct ast *n,
				     struct rt_cond_err *err)
{
	struct rt_expr *e = ARENA_NEW(cx->a, struct rt_expr);
	enum xf xf;

	e->cx = cx;
	e->kind = EX_XFORM;
	e->buf = ARENA_NEW(cx->a, struct rt_vals);
	e->sb = new_sb(cx);
	if (!n->name || !xform_from_name(n->name, &xf)) {
		fail(cx, err, n, "transformer '%s' is not supported by falcoc's runtime",
		     n->name ? n->name : "?");
		return NULL;
	}
	e->xf = xf;
	if (n->arg) {
		fail(cx, err, n, "transformer '%s' does not take an [argument]", n->name);
		return NULL;
	}
	if (xf == XF_JOIN || xf == XF_CONCAT) {
		const struct ast *list = n->nkids ? n->kids[n->nkids - 1] : NULL;
		if (!list || list->kind != AST_LIST ||
		    (xf == XF_JOIN && (n->nkids != 2 || n->kids[0]->kind != AST_VALUE))) {
			fail(cx, err, n, "malformed %s()", n->name);
			return NULL;
		}
		e->sep = xf == XF_JOIN ? n->kids[0]->str : "";
		e->nitems = list->nkids;
		e->items = ARENA_NEWN(cx->a, struct rt_expr *, list->nkids + 1);
		for (unsigned i = 0; i < list->nkids; i++) {
			const struct ast *k = list->kids[i];
			if (k->kind == AST_VALUE) {
				struct rt_expr *c = ARENA_NEW(cx->a, struct rt_expr);
				c->cx = cx;
				c->kind = EX_CONST;
				c->type = FT_CHARBUF;
				c->cstr = k->str ? k->str : "";
				e->items[i] = c;
			} else if (!(e->items[i] = compile_expr(cx, k, err))) {
				return NULL;
			}
		}
		e->type = FT_CHARBUF;
		e->list = false;
		return e;
	}
	if (n->nkids != 1) {
		fail(cx, err, n, "%s() takes one argument", n->name);
		return NULL;
	}
	e->arg = compile_expr(cx, n->kids[0], err);
	if (!e->arg)
		return NULL;
	enum tclass tc = tclass(e->arg->type);
	if (xf == XF_LEN) {
		if (!e->arg->list && tc != TC_STR && tc != TC_BUF) {
			fail(cx, err, n, "len() needs a string, buffer or list, not %s",
			     fields_type_name(e->arg->type));
			return NULL;
		}
		e->type = FT_UINT64;
		e->list = false;
		return e;
	}
	if (tc != TC_STR && !(xf == XF_B64 && tc == TC_BUF)) {
		fail(cx, err, n, "%s() needs a string, not %s", n->name,
		     fields_type_name(e->arg->type));
		return NULL;
	}
	e->type = e->arg->type;
	e->list = e->arg->list;
	return e;
}

static struct rt_expr *compile_expr(struct rt_cond_ctx *cx, const struct ast *n,
				    struct rt_cond_err *err)
{
	if (n->kind == AST_TRANSFORMER)
		return compile_xform(cx, n, err);
	if (n->kind != AST_FIELD || !n->name) {
		fail(cx, err, n, "expected a field or a transformer");
		return NULL;
	}
	struct fref *fr = get_fref(cx, n, err);
	if (!fr)
		return NULL;
	struct rt_expr *e = ARENA_NEW(cx->a, struct rt_expr);
	e->cx = cx;
	e->kind = EX_FIELD;
	e->fr = fr;
	e->type = fr->ref.f->type;
	e->list = (fr->ref.f->flags & EPF_IS_LIST) != 0;
	return e;
}

/* ---- check compile ---------------------------------------------------- */

static bool op_is_set(enum ast_op op)
{
	return op == OP_IN || op == OP_INTERSECTS;
}

static bool compile_lits(struct rt_cond_ctx *cx, struct check *k, const struct ast *rhs,
			 struct rt_cond_err *err)
{
	const struct ast *const *vals;
	const struct ast *one[1];
	unsigned n;

	if (rhs->kind == AST_VALUE) {
		one[0] = rhs;
		vals = one;
		n = 1;
	} else {
		vals = (const struct ast *const *)rhs->kids;
		n = rhs->nkids;
	}
	k->rk = RHS_LITS;
	k->nlits = n;
	k->lits = ARENA_NEWN(cx->a, struct lit, n + 1);
	for (unsigned i = 0; i < n; i++) {
		const char *why = "invalid value";
		const char *s = vals[i]->str ? vals[i]->str : "";
		if (!parse_lit(cx, k, s, &k->lits[i], &why))
			return fail(cx, err, vals[i], "'%s' is not a valid %s value: %s", s,
				    fields_type_name(k->type), why);
		if (k->op == OP_REGEX) {
			regex_t *re = ARENA_NEW(cx->a, regex_t);
			int rc = regcomp(re, s, REG_EXTENDED);
			if (rc) {
				char msg[256];
				regerror(rc, re, msg, sizeof(msg));
				return fail(cx, err, vals[i], "invalid regex '%s': %s", s, msg);
			}
			track_ptr(cx, (void ***)&cx->res, &cx->nres, &cx->capres, re);
			k->lits[i].re = re;
		}
	}
	if (k->op == OP_PMATCH) {
		k->npats = n;
		k->pats = ARENA_NEWN(cx->a, struct ppat, n + 1);
		for (unsigned i = 0; i < n; i++)
			k->pats[i] = split_pattern(cx, k->lits[i].s, k->lits[i].len);
	}
	if (op_is_set(k->op) && k->mod == MOD_NONE && n >= SET_MIN &&
	    (tclass(k->type) == TC_STR || tclass(k->type) == TC_BUF))
		k->set = build_set(cx, k->lits, n);
	return true;
}

static void type_bits_build(struct rt_cond_ctx *cx, struct check *k);

static struct check *compile_check(struct rt_cond_ctx *cx, const struct ast *n,
				   struct rt_cond_err *err)
{
	struct check *k = ARENA_NEW(cx->a, struct check);
	const char *why = NULL;

	k->op = n->op;
	k->mod = n->mod;
	k->loc = n->loc;
	if (!n->lhs) {
		fail(cx, err, n, "check without a left-hand side");
		return NULL;
	}
	k->lhs = compile_expr(cx, n->lhs, err);
	if (!k->lhs)
		return NULL;
	k->type = k->lhs->type;
	k->list = k->lhs->list;
	if (n->kind == AST_UNARY || k->op == OP_EXISTS) {
		k->op = OP_EXISTS;
		return k;
	}

	/* Operator/type compatibility, as libsinsp's flt_is_comparable; sema
	 * reports it for rules, but a resolve-free caller may get here. */
	struct field_info fi = { .name = "", .type = k->type, .flags = k->list ? EPF_IS_LIST : 0 };
	if (!fields_op_ok(&fi, k->op, &why)) {
		fail(cx, err, n, "operator '%s' cannot be used with %s%s: %s", ast_op_text(k->op),
		     fields_type_name(k->type), k->list ? " (list)" : "", why ? why : "");
		return NULL;
	}
	if (!n->rhs) {
		fail(cx, err, n, "operator '%s' needs a right-hand side", ast_op_text(k->op));
		return NULL;
	}
	switch (n->rhs->kind) {
	case AST_VALUE:
	case AST_LIST:
		if (k->mod != MOD_NONE && n->rhs->kind != AST_LIST) {
			fail(cx, err, n->rhs, "'%s' needs a list", ast_mod_text(k->mod));
			return NULL;
		}
		if (!compile_lits(cx, k, n->rhs, err))
			return NULL;
		type_bits_build(cx, k);
		if (k->lhs->kind == EX_FIELD && !k->lhs->fr->ref.arg && !k->list) {
			const char *f = k->lhs->fr->ref.f->name;
			k->direct = !strcmp(f, "evt.num")      ? DV_EVT_NUM
				    : !strcmp(f, "evt.rawres") ? DV_EVT_RAWRES
							       : DV_NONE;
			/* eval_single()'s answer for these operators is
			 * cmp_one() on the first literal: with a number there,
			 * one integer comparison */
			k->direct_int = k->direct != DV_NONE && k->mod == MOD_NONE &&
					k->nlits > 0 && k->lits[0].num_ok &&
					(k->op == OP_EQ || k->op == OP_EQEQ || k->op == OP_NE ||
					 k->op == OP_LT || k->op == OP_LE || k->op == OP_GT ||
					 k->op == OP_GE);
		}
		return k;
	case AST_VAL:
	case AST_TRANSFORMER: {
		const struct ast *r = n->rhs->kind == AST_VAL ? (n->rhs->nkids ? n->rhs->kids[0] : NULL)
							     : n->rhs;
		if (!r) {
			fail(cx, err, n->rhs, "empty val()");
			return NULL;
		}
		if (k->mod != MOD_NONE || k->op == OP_PMATCH || k->op == OP_REGEX ||
		    tclass(k->type) == TC_NET || tclass(k->type) == TC_DYN) {
			fail(cx, err, n->rhs, "operator '%s' on %s does not support a field on the "
			     "right-hand side", ast_op_text(k->op), fields_type_name(k->type));
			return NULL;
		}
		k->rhs = compile_expr(cx, r, err);
		if (!k->rhs)
			return NULL;
		/* libsinsp requires the same type and list-ness on both sides */
		if (k->rhs->type != k->type || k->rhs->list != k->list) {
			fail(cx, err, n->rhs, "left-hand side has type %s%s but the right-hand side "
			     "has type %s%s", fields_type_name(k->type), k->list ? " (list)" : "",
			     fields_type_name(k->rhs->type), k->rhs->list ? " (list)" : "");
			return NULL;
		}
		k->rk = RHS_EXPR;
		k->dyn = ARENA_NEWN(cx->a, struct lit, RT_MAX_VALS);
		k->dynsb = new_sb(cx);
		return k;
	}
	case AST_LISTREF:
		fail(cx, err, n->rhs, "undefined list '%s'", n->rhs->name ? n->rhs->name : "?");
		return NULL;
	default:
		fail(cx, err, n->rhs, "unexpected right-hand side");
		return NULL;
	}
}

/* ---- check evaluation ------------------------------------------------- */

static bool lits_any(struct rt_cond_ctx *cx, enum ast_op op, const struct rt_val *v,
		     const struct lit *lits, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (cmp_one(cx, op, v, &lits[i]))
			return true;
	return false;
}

/* Set membership for in/intersects on one value. */
static bool in_set(struct rt_cond_ctx *cx, const struct check *k, const struct rt_val *v,
		   const struct lit *lits, unsigned n)
{
	if (k->set && lits == k->lits) {
		if (tclass(v->type) == TC_STR)
			return set_has(k->set, lits, v->s ? v->s : "", cstr_len(v));
		if (tclass(v->type) == TC_BUF)
			return set_has(k->set, lits, v->s ? v->s : "", v->s ? v->len : 0);
	}
	return lits_any(cx, OP_EQ, v, lits, n);
}

static bool eval_mod(struct rt_cond_ctx *cx, const struct check *k, const struct rt_val *v,
		     const struct lit *lits, unsigned n)
{
	enum ast_op op = k->op;
	unsigned hits = 0;

	if (n == 0)
		return false;
	/* address networks only compare for equality */
	if (tclass(v->type) == TC_NET && op != OP_EQ && op != OP_EQEQ && op != OP_NE &&
	    op != OP_REGEX)
		op = OP_EQ;
	for (unsigned i = 0; i < n; i++) {
		bool m = op == OP_PMATCH ? false : cmp_one(cx, op, v, &lits[i]);
		if (op == OP_PMATCH && tclass(v->type) == TC_STR) {
			struct check one = *k;
			one.pats = &k->pats[i];
			one.npats = 1;
			m = pmatch(cx, &one, v->s ? v->s : "", cstr_len(v));
		}
		switch (k->mod) {
		case MOD_ONEOF:
			if (m && ++hits > 1)
				return false;
			break;
		case MOD_ANYOF:
			if (m)
				return true;
			break;
		case MOD_ALLOF:
			if (!m)
				return false;
			break;
		default:
			return false;
		}
	}
	return k->mod == MOD_ONEOF ? hits == 1 : k->mod == MOD_ALLOF;
}

/* One value of the left-hand side against the right-hand elements. */
static bool eval_single(struct rt_cond_ctx *cx, const struct check *k, const struct rt_val *v,
			const struct lit *lits, unsigned n)
{
	if (k->mod != MOD_NONE)
		return eval_mod(cx, k, v, lits, n);
	switch (k->op) {
	case OP_IN:
	case OP_INTERSECTS:
		return in_set(cx, k, v, lits, n);
	case OP_PMATCH:
		if (tclass(v->type) != TC_STR)
			return false;
		return pmatch(cx, k, v->s ? v->s : "", cstr_len(v));
	default:
		/* one right-hand value: the first, as libsinsp's
		 * filter_value_p() */
		return n > 0 && cmp_one(cx, k->op, v, &lits[0]);
	}
}

/* Turn right-hand values into literals, per event. Strings are copied
 * NUL-terminated so that glob patterns can be matched. */
static unsigned dyn_lits(const struct check *k, const struct rt_vals *rv)
{
	struct strbuf *sb = k->dynsb;
	size_t off[RT_MAX_VALS];

	sb->len = 0;
	for (uint32_t i = 0; i < rv->n; i++) {
		const struct rt_val *v = &rv->v[i];
		struct lit *l = &k->dyn[i];
		memset(l, 0, sizeof(*l));
		off[i] = sb->len;
		switch (tclass(v->type)) {
		case TC_STR:
			l->len = cstr_len(v);
			sb_putn(sb, v->s ? v->s : "", l->len);
			sb_putc(sb, '\0');
			break;
		case TC_BUF:
			l->len = v->s ? v->len : 0;
			if (v->s)
				sb_putn(sb, v->s, l->len);
			sb_putc(sb, '\0');
			break;
		case TC_SIGNED:
		case TC_UNSIGNED:
			l->num_ok = true;
			l->u = v->u;
			l->i = v->i;
			break;
		case TC_DOUBLE:
			l->d_ok = true;
			l->d = v->d;
			break;
		case TC_BOOL:
			l->b_ok = true;
			l->b = v->b;
			break;
		case TC_IP:
			l->ip_ok = true;
			l->v6 = v->v6;
			memcpy(l->ip, v->ip, sizeof(l->ip));
			break;
		default:
			break;
		}
	}
	for (uint32_t i = 0; i < rv->n; i++) {
		enum tclass tc = tclass(rv->v[i].type);
		if (tc == TC_STR || tc == TC_BUF)
			k->dyn[i].s = sb->s + off[i];
	}
	return rv->n;
}

/* A check with tbits (type_bits_build()): a bit test, except for generic
 * events, whose name is compared as the extractor would produce it. */
static bool type_check(struct rt_cond_ctx *cx, const struct check *k, const struct rt_event *ev)
{
	if (ev->type >= cx->nevt || !ev->info)
		return false;
	int64_t id = ev->type <= TB_GENERIC_MAX ? rt_evt_generic_id(ev) : -1;
	if (id < 0)
		return tb_has(k->tbits, ev->type);
	if ((uint64_t)id < rt_syscall_count())
		return tb_has(k->sbits, (unsigned)id);
	return k->unknown_hit;
}

/* A direct_int check: the value as eval_check() reads it (evt.num
 * unsigned, evt.rawres signed and <NA> when the event has no result),
 * compared as cmp_one() compares integers. */
static inline bool direct_cmp(const struct check *k, const struct rt_event *ev)
{
	const struct lit *r = &k->lits[0];
	int c;
	if (k->direct == DV_EVT_NUM) {
		c = ev->num < r->u ? -1 : ev->num > r->u;
	} else {
		int64_t v;
		if (!rt_evt_rawres(ev, &v))
			return false; /* <NA> */
		c = v < r->i ? -1 : v > r->i;
	}
	return cmp_ord(k->op, c);
}

static __attribute__((noinline)) bool eval_check(struct rt_cond_ctx *cx, const struct check *k,
						 struct rt_state *st, const struct rt_event *ev)
{
	if (k->tbits)
		return type_check(cx, k, ev);
	if (k->direct_int)
		return direct_cmp(k, ev);
	if (k->direct != DV_NONE) {
		/* the values rt_extract() gives these two fields, typed alike */
		struct rt_val v = { .type = FT_UINT64 };
		if (k->direct == DV_EVT_NUM) {
			v.u = ev->num;
		} else {
			if (!rt_evt_rawres(ev, &v.i))
				return false; /* <NA> */
			v.type = FT_INT64;
		}
		return eval_single(cx, k, &v, k->lits, k->nlits);
	}
	const struct rt_vals *lv = eval_expr(k->lhs, st, ev);
	const struct lit *lits = k->lits;
	unsigned n = k->nlits;

	if (!lv || lv->n == 0)
		return false; /* <NA>: every check is false, exists included */
	if (k->op == OP_EXISTS)
		return true;
	if (k->rk == RHS_EXPR) {
		const struct rt_vals *rv = eval_expr(k->rhs, st, ev);
		if (!rv || rv->n == 0)
			return false;
		n = dyn_lits(k, rv);
		lits = k->dyn;
	}

	if (k->list) {
		/* list-valued fields: in = every value is in the set,
		 * intersects = some value is */
		if (k->op == OP_IN) {
			for (uint32_t i = 0; i < lv->n; i++)
				if (!in_set(cx, k, &lv->v[i], lits, n))
					return false;
			return true;
		}
		if (k->op == OP_INTERSECTS) {
			for (uint32_t i = 0; i < lv->n; i++)
				if (in_set(cx, k, &lv->v[i], lits, n))
					return true;
			return false;
		}
		return false;
	}

	if (lv->n == 1)
		return eval_single(cx, k, &lv->v[0], lits, n);
	/* A single-valued field with several values (fd.ip, fd.port, fd.net
	 * match either end of a connection): true if some value matches;
	 * for != every value must differ. */
	if (k->op == OP_NE && k->mod == MOD_NONE) {
		for (uint32_t i = 0; i < lv->n; i++)
			if (!eval_single(cx, k, &lv->v[i], lits, n))
				return false;
		return true;
	}
	for (uint32_t i = 0; i < lv->n; i++)
		if (eval_single(cx, k, &lv->v[i], lits, n))
			return true;
	return false;
}

static bool eval_node(struct rt_cond_ctx *cx, const struct cnode *c, struct rt_state *st,
		      const struct rt_event *ev);

/* A check: evt.type bit tests and direct integer comparisons here,
 * everything else in eval_check() (out of line: its frame is large). */
static inline bool eval_leaf(struct rt_cond_ctx *cx, const struct check *k, struct rt_state *st,
			     const struct rt_event *ev)
{
	if (k->tbits) {
		if (ev->type > TB_GENERIC_MAX && ev->type < cx->nevt)
			return ev->info && tb_has(k->tbits, ev->type);
		return type_check(cx, k, ev); /* generic events: by syscall id */
	}
	if (k->direct_int)
		return direct_cmp(k, ev);
	return eval_check(cx, k, st, ev);
}

/*
 * One operand of and/or/not. The walk over the tree runs for every
 * event, so it stays small: evt.type bit tests are answered here, a
 * check goes straight to eval_check() (out of line: its frame is large),
 * and only nested and/or/not recurse.
 */
static inline bool eval_kid(struct rt_cond_ctx *cx, const struct cnode *c, struct rt_state *st,
			    const struct rt_event *ev)
{
	if (c->kind != CN_CHECK) {
		if (c->may && ev->type < cx->nevt && !tb_has(c->may, ev->type))
			return false;
		return eval_node(cx, c, st, ev);
	}
	return eval_leaf(cx, c->k, st, ev);
}

static bool eval_node(struct rt_cond_ctx *cx, const struct cnode *c, struct rt_state *st,
		      const struct rt_event *ev)
{
	switch (c->kind) {
	case CN_AND:
		for (unsigned i = 0; i < c->n; i++)
			if (!eval_kid(cx, c->kids[i], st, ev))
				return false;
		return true;
	case CN_OR:
		for (unsigned i = 0; i < c->n; i++)
			if (eval_kid(cx, c->kids[i], st, ev))
				return true;
		return false;
	case CN_NOT:
		return !eval_kid(cx, c->kids[0], st, ev);
	case CN_CHECK:
		return eval_check(cx, c->k, st, ev);
	}
	return false;
}

static bool run_prog(struct rt_cond_ctx *cx, const struct pstep *prog, int32_t pc,
		     struct rt_state *st, const struct rt_event *ev)
{
	while (pc >= 0) {
		const struct pstep *p = &prog[pc];
		bool r = p->kind == PS_MAY ? ev->type >= cx->nevt || tb_has(p->bits, ev->type)
					   : eval_leaf(cx, p->k, st, ev);
		pc = r ? p->t : p->f;
	}
	return pc == PC_TRUE;
}

bool rt_cond_eval(const struct rt_cond *c, struct rt_state *st, const struct rt_event *ev)
{
	if (!c->cx->pinned)
		c->cx->epoch++;
	if (ev->type < c->cx->nevt && !tb_has(c->may, ev->type))
		return false;
	if (c->prog) {
		bool r = run_prog(c->cx, c->prog, c->entry, st, ev);
#ifndef NDEBUG
		/* debug builds (the sanitizer one) check the program against
		 * the tree walk on every evaluation: checks are pure */
		if (r != eval_node(c->cx, c->root, st, ev)) {
			fprintf(stderr, "eval: program and tree walk disagree\n");
			abort();
		}
#endif
		return r;
	}
	return eval_node(c->cx, c->root, st, ev);
}

/* ---- condition compile ------------------------------------------------ */

/*
 * evt.type =, == , != or in with constant names depends only on the event
 * code (generic events aside), so it is decided once per code here and
 * by one bit test per event. Every filter and most rules start with such
 * a check. The bits follow cmp_one()'s string equality: exact bytes.
 */
/* Would `evt.type OP lits` hold for an event named name? */
static bool type_name_hit(const struct check *k, const char *name)
{
	size_t len = strlen(name);
	bool hit = false;
	unsigned n = k->op == OP_IN ? k->nlits : 1;

	for (unsigned i = 0; i < n && !hit; i++)
		hit = len == k->lits[i].len && !memcmp(name, k->lits[i].s, len);
	return k->op == OP_NE ? !hit : hit;
}

static void type_bits_build(struct rt_cond_ctx *cx, struct check *k)
{
	const struct rt_expr *e = k->lhs;

	if (e->kind != EX_FIELD || e->fr->ref.arg || strcmp(e->fr->ref.f->name, "evt.type") ||
	    k->mod != MOD_NONE || k->list || k->rk != RHS_LITS || k->nlits == 0 ||
	    (k->op != OP_EQ && k->op != OP_EQEQ && k->op != OP_NE && k->op != OP_IN))
		return;
	unsigned count = rt_evt_count(), nsc = rt_syscall_count();
	k->tbits = ARENA_NEWN(cx->a, uint64_t, TB_WORDS(count));
	k->sbits = ARENA_NEWN(cx->a, uint64_t, TB_WORDS(nsc));
	for (unsigned code = 0; code < count; code++) {
		const struct rt_evt_info *info = rt_evt_info((uint16_t)code);
		/* no info: no name, <NA>, false for every operator */
		if (info && type_name_hit(k, info->name))
			k->tbits[code / 64] |= 1ull << (code % 64);
	}
	for (unsigned id = 0; id < nsc; id++) {
		const char *name = rt_syscall_name((uint16_t)id);
		if (type_name_hit(k, name ? name : RT_UNKNOWN_SYSCALL))
			k->sbits[id / 64] |= 1ull << (id % 64);
	}
	k->unknown_hit = type_name_hit(k, RT_UNKNOWN_SYSCALL);
}

/* The event codes on which a compiled node can be true, NULL for all:
 * an evt.type check's codes (generic events always, their type is their
 * syscall's), an and's intersection, an or's union; a not or any other
 * check can be true anywhere. Kids are compiled first, so this is O(1)
 * per node even when macros make the condition a DAG. */
static const uint64_t *kid_may(const struct cnode *c)
{
	if (c->kind == CN_CHECK)
		return c->k->tbits;
	return c->kind == CN_NOT ? NULL : c->may;
}

static void node_may(struct rt_cond_ctx *cx, struct cnode *c)
{
	size_t nw = TB_WORDS(rt_evt_count());
	bool is_and = c->kind == CN_AND;
	uint64_t *m = NULL;

	for (unsigned i = 0; i < c->n; i++) {
		const uint64_t *k = kid_may(c->kids[i]);
		if (!k) {
			if (is_and)
				continue; /* all: the intersection is the others' */
			return;           /* or: true anywhere */
		}
		if (!m) {
			m = ARENA_NEWN(cx->a, uint64_t, nw);
			memcpy(m, k, nw * sizeof(*m));
		} else {
			for (size_t w = 0; w < nw; w++)
				m[w] = is_and ? m[w] & k[w] : m[w] | k[w];
		}
		m[0] |= (2ull << TB_GENERIC_MAX) - 1;
	}
	c->may = m;
}

/* The event codes on which c can be true (all for what is not known). */
static void may_bits(struct rt_cond_ctx *cx, const struct cnode *c, uint64_t *out, size_t nw)
{
	switch (c->kind) {
	case CN_CHECK:
		if (c->k->tbits) {
			memcpy(out, c->k->tbits, nw * sizeof(*out));
			out[0] |= (2ull << TB_GENERIC_MAX) - 1;
		} else {
			memset(out, 0xff, nw * sizeof(*out));
		}
		return;
	case CN_AND:
	case CN_OR: {
		uint64_t *kid = ARENA_NEWN(cx->a, uint64_t, nw);
		memset(out, c->kind == CN_AND ? 0xff : 0, nw * sizeof(*out));
		for (unsigned i = 0; i < c->n; i++) {
			may_bits(cx, c->kids[i], kid, nw);
			for (size_t w = 0; w < nw; w++)
				out[w] = c->kind == CN_AND ? out[w] & kid[w] : out[w] | kid[w];
		}
		return;
	}
	case CN_NOT:
		memset(out, 0xff, nw * sizeof(*out));
		return;
	}
}

/*
 * Evaluation order. Checks have no side effects and <NA> makes a check
 * false rather than unknown, so the operands of and/or commute: cheap
 * ones go first to decide most events before any state lookup. Cost
 * classes: an evt.type bit test, other evt.* fields (the event's own
 * bytes), then everything that consults the thread/fd tables.
 */
static unsigned check_cost(const struct check *k)
{
	const struct rt_expr *e = k->lhs;

	if (k->tbits)
		return 0;
	if (e->kind == EX_FIELD && !strncmp(e->fr->ref.f->name, "evt.", 4) && k->rk != RHS_EXPR)
		return 1;
	return 2;
}

/* Sets c->cost from its kids' (compiled first, so each node costs O(1)
 * even when macros make the condition a DAG), then orders the operands
 * of and/or by cost: a stable insertion sort, operand lists are short. */
static void order_kids(struct cnode *c)
{
	c->cost = 0;
	for (unsigned i = 0; i < c->n; i++)
		c->cost = c->kids[i]->cost > c->cost ? c->kids[i]->cost : c->cost;
	if (c->kind == CN_NOT)
		return;
	for (unsigned i = 1; i < c->n; i++) {
		struct cnode *x = c->kids[i];
		unsigned cx_ = x->cost, j = i;
		while (j > 0 && c->kids[j - 1]->cost > cx_) {
			c->kids[j] = c->kids[j - 1];
			j--;
		}
		c->kids[j] = x;
	}
}

#define MAX_DEPTH 10000

static struct cnode *compile_node(struct rt_cond_ctx *cx, const struct ast *n,
				  struct rt_cond_err *err, unsigned depth)
{
	struct cnode *c;

	if (!n) {
		fail(cx, err, NULL, "empty condition");
		return NULL;
	}
	if ((c = pmap_get(&cx->memo, n)))
		return c;
	if (depth > MAX_DEPTH) {
		fail(cx, err, n, "condition nested too deeply");
		return NULL;
	}
	c = ARENA_NEW(cx->a, struct cnode);
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		c->kind = n->kind == AST_AND ? CN_AND : n->kind == AST_OR ? CN_OR : CN_NOT;
		if (n->nkids == 0 || (n->kind == AST_NOT && n->nkids != 1)) {
			fail(cx, err, n, "malformed boolean node");
			return NULL;
		}
		c->n = n->nkids;
		c->kids = ARENA_NEWN(cx->a, struct cnode *, n->nkids);
		for (unsigned i = 0; i < n->nkids; i++)
			if (!(c->kids[i] = compile_node(cx, n->kids[i], err, depth + 1)))
				return NULL;
		order_kids(c);
		if (c->kind != CN_NOT)
			node_may(cx, c);
		break;
	case AST_UNARY:
	case AST_BINARY:
		c->kind = CN_CHECK;
		if (!(c->k = compile_check(cx, n, err)))
			return NULL;
		c->cost = check_cost(c->k);
		break;
	case AST_MACRO:
		fail(cx, err, n, "undefined macro '%s'", n->name ? n->name : "?");
		return NULL;
	default:
		fail(cx, err, n, "not a condition");
		return NULL;
	}
	pmap_put(cx->a, &cx->memo, n, c);
	return c;
}

struct refs_acc {
	struct fref **v;
	size_t n, cap;
};

static void add_ref(struct rt_cond_ctx *cx, struct refs_acc *acc, struct fref *f)
{
	if (f->stamp == cx->stamp)
		return;
	f->stamp = cx->stamp;
	track_ptr(cx, (void ***)&acc->v, &acc->n, &acc->cap, f);
}

static void expr_refs(struct rt_cond_ctx *cx, struct refs_acc *acc, const struct rt_expr *e)
{
	if (!e)
		return;
	if (e->kind == EX_FIELD)
		add_ref(cx, acc, e->fr);
	expr_refs(cx, acc, e->arg);
	for (unsigned i = 0; i < e->nitems; i++)
		expr_refs(cx, acc, e->items[i]);
}

static void node_refs(struct rt_cond_ctx *cx, struct refs_acc *acc, struct cnode *c)
{
	if (c->stamp == cx->stamp)
		return;
	c->stamp = cx->stamp;
	if (c->kind == CN_CHECK) {
		expr_refs(cx, acc, c->k->lhs);
		expr_refs(cx, acc, c->k->rhs);
		return;
	}
	for (unsigned i = 0; i < c->n; i++)
		node_refs(cx, acc, c->kids[i]);
}

struct prog_acc {
	struct rt_cond_ctx *cx;
	struct pstep *v;
	unsigned n, cap;
	bool too_big;
};

static int32_t prog_emit(struct prog_acc *a, uint8_t kind, const uint64_t *bits,
			 const struct check *k, int32_t t, int32_t f)
{
	if (a->n >= PROG_MAX) {
		a->too_big = true;
		return PC_FALSE;
	}
	if (a->n == a->cap) {
		unsigned ncap = a->cap ? a->cap * 2 : 16;
		struct pstep *nv = ARENA_NEWN(a->cx->a, struct pstep, ncap);
		if (a->n)
			memcpy(nv, a->v, a->n * sizeof(*nv));
		a->v = nv;
		a->cap = ncap;
	}
	a->v[a->n] = (struct pstep){ .kind = kind, .bits = bits, .k = k, .t = t, .f = f };
	return (int32_t)a->n++;
}

/* The steps deciding c, going to t when it holds and to f when not;
 * returns the first. Operands are generated last to first so that each
 * knows where its answer leads. */
static int32_t prog_gen(struct prog_acc *a, const struct cnode *c, int32_t t, int32_t f)
{
	int32_t next;

	if (a->too_big)
		return PC_FALSE;
	switch (c->kind) {
	case CN_CHECK:
		return prog_emit(a, PS_CHECK, NULL, c->k, t, f);
	case CN_NOT:
		return prog_gen(a, c->kids[0], f, t);
	case CN_AND:
		next = t;
		for (unsigned i = c->n; i-- > 0;)
			next = prog_gen(a, c->kids[i], next, f);
		break;
	case CN_OR:
		next = f;
		for (unsigned i = c->n; i-- > 0;)
			next = prog_gen(a, c->kids[i], t, next);
		break;
	default:
		return PC_FALSE;
	}
	/* as eval_kid(): an and/or that cannot be true on this event code
	 * is false without looking at its operands */
	if (c->may)
		next = prog_emit(a, PS_MAY, c->may, NULL, next, f);
	return next;
}

struct rt_cond *rt_cond_compile(struct rt_cond_ctx *cx, const struct ast *n,
				struct rt_cond_err *err)
{
	struct refs_acc acc = { 0 };

	if (err)
		memset(err, 0, sizeof(*err));
	struct cnode *root = compile_node(cx, n, err, 0);
	if (!root)
		return NULL;
	struct rt_cond *c = ARENA_NEW(cx->a, struct rt_cond);
	c->cx = cx;
	c->root = root;
	c->may = ARENA_NEWN(cx->a, uint64_t, TB_WORDS(rt_evt_count()));
	may_bits(cx, root, c->may, TB_WORDS(rt_evt_count()));
	struct prog_acc pa = { .cx = cx };
	int32_t entry = prog_gen(&pa, root, PC_TRUE, PC_FALSE);
	if (!pa.too_big) {
		c->prog = pa.v;
		c->nprog = pa.n;
		c->entry = entry;
	}
	cx->stamp++;
	node_refs(cx, &acc, root);
	c->refs = acc.v;
	c->nrefs = acc.n;
	return c;
}

size_t rt_cond_nrefs(const struct rt_cond *c)
{
	return c->nrefs;
}

const struct rt_field_ref *rt_cond_ref(const struct rt_cond *c, size_t i)
{
	return i < c->nrefs ? &c->refs[i]->ref : NULL;
}

/* ---- standalone expressions (outputs) --------------------------------- */

struct rt_expr *rt_expr_compile(struct rt_cond_ctx *cx, const struct ast *n,
				struct rt_cond_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	return compile_expr(cx, n, err);
}

bool rt_expr_render(const struct rt_expr *e, struct rt_state *st, const struct rt_event *ev,
		    struct strbuf *out)
{
	if (e->kind == EX_FIELD)
		return rt_render(st, ev, &e->fr->ref, out);
	if (!e->cx->pinned)
		e->cx->epoch++;
	const struct rt_vals *v = eval_expr(e, st, ev);
	if (!v || !v->n)
		return false;
	if (e->list)
		sb_putc(out, '(');
	for (uint32_t i = 0; i < v->n; i++) {
		if (i)
			sb_putc(out, ',');
		val_text(&v->v[i], out);
	}
	if (e->list)
		sb_putc(out, ')');
	return true;
}
