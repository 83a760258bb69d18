// SPDX-License-Identifier: Apache-2.0
/*
 * codegen: the probe's BPF C from a split ruleset (contract: codegen.h,
 * bpf-templates/fc_probe.bpf.h).
 *
 * DATA STRUCTURE. The input is split_result: per rule a kexpr tree in
 * three-valued logic and its event-type set; per list a set. The output is
 * one filter function per row of bpf-templates/fc_syscalls.def. For each
 * syscall the rules whose event-type set holds its event name are emitted
 * in rule order, each kexpr first *folded for that syscall* (fold()):
 * evt.type becomes a constant, evt.arg.NAME / evt.rawarg.NAME become the
 * parameter's position in that syscall's event (runtime/event_table.def),
 * and a field the syscall's event does not carry becomes MAYBE. The
 * folded tree is then printed as statements that short-circuit like the
 * kernel should: an AND stops at the first FALSE, an OR at the first TRUE,
 * so the cheap checks split put first are the ones that gate string work.
 *
 * A rule's folded tree is printed once per distinct text as a BPF global
 * function (fc_rule_<i>): clang compiles it once and the verifier checks
 * it once per program, instead of once per syscall it is inlined into.
 * The literals the checks compare with go into one pool (fc_lit[]) and
 * checks name them by offset, so the string matchers are shared code.
 *
 * Every check compiles to an expression of the template's helpers that
 * yields FC_TRUE / FC_FALSE / FC_MAYBE; a field value the kernel failed to
 * read (string view len < 0, param not pushed) yields MAYBE there.
 *
 * Output is a pure function of the input: no addresses, no hash-order
 * iteration, no time stamps.
 */
#include "codegen.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf-templates/falcoc_abi.h"
#include "fields.h"
#include "strmap.h"
#include "ruleset.h"

#define CG_KEY_MAX 256 /* FC_KEY_MAX in fc_probe.bpf.h */
#define CG_O_F_CREATED (1u << 14) /* PPM_O_F_CREATED in fc_flags.h */

/* FC_SV_* numbers (enum fc_sv_id in fc_probe.bpf.h). */
enum { CG_SV_FDNAME, CG_SV_FDDIR, CG_SV_FDFILE, CG_SV_COMM, CG_SV_ANAME1,
       CG_SV_PATHHEAD = 8, CG_SV_PATHTAIL, /* bloom tags of the path's ends (emit_path_ends) */
       CG_SV_PARAM0 = 16, CG_NSV = 128 };


/* ---- syscalls (bpf-templates/fc_syscalls.def) ---- */

#define FC_SCF_ALWAYS 1
struct cg_sc {
	const char *name;
	int nr;
	int ppme;
	int np;
	int flags;
};

static const struct cg_sc cg_scs[] = {
#define FC_SC(name, nr, ppme, np, flags) { #name, nr, ppme, np, flags },
#include "../bpf-templates/fc_syscalls.def"
};
#define CG_NSC (sizeof(cg_scs) / sizeof(cg_scs[0]))

size_t cg_syscall_count(void)
{
	return CG_NSC;
}

const char *cg_syscall_name(size_t i)
{
	return i < CG_NSC ? cg_scs[i].name : NULL;
}

/* ---- event parameters (runtime/event_table.def) ---- */

struct cg_param {
	const char *name;
	const char *type; /* "PT_FD" */
};

#define PARAM(n, t) { n, #t },
#define PARAMS_NONE
#define EVENT(code, ppme, dir, name, cat, fl, np, ...) \
	static const struct cg_param cg_p_##code[] = { __VA_ARGS__ { NULL, NULL } };
#include "../runtime/event_table.def"
#undef EVENT
#undef PARAM
#undef PARAMS_NONE

struct cg_evt {
	const char *name;
	unsigned np;
	const struct cg_param *params;
};

#define EVENT(code, ppme, dir, name, cat, fl, np, ...) [code] = { name, np, cg_p_##code },
static const struct cg_evt cg_evts[] = {
#include "../runtime/event_table.def"
};
#undef EVENT

static const struct cg_evt *evt_of(const struct cg_sc *sc)
{
	if (sc->ppme < 0 || (size_t)sc->ppme >= sizeof(cg_evts) / sizeof(cg_evts[0]))
		return NULL;
	return cg_evts[sc->ppme].params ? &cg_evts[sc->ppme] : NULL;
}

static int param_index(const struct cg_sc *sc, const char *name, const char **type)
{
	const struct cg_evt *e = evt_of(sc);

	if (!e || !name)
		return -1;
	for (unsigned i = 0; i < e->np; i++)
		if (!strcmp(e->params[i].name, name)) {
			*type = e->params[i].type;
			return (int)i;
		}
	return -1;
}

static bool type_is_str(const char *t)
{
	return !strcmp(t, "PT_FSPATH") || !strcmp(t, "PT_FSRELPATH") || !strcmp(t, "PT_CHARBUF");
}

static bool type_is_num(const char *t)
{
	static const char *const nums[] = {
		"PT_INT8",   "PT_INT16",  "PT_INT32",	"PT_INT64",	 "PT_UINT8",	  "PT_UINT16",
		"PT_UINT32", "PT_UINT64", "PT_ERRNO",	"PT_FD",	 "PT_PID",	  "PT_UID",
		"PT_GID",    "PT_MODE",	  "PT_FLAGS8",	"PT_FLAGS16",	 "PT_FLAGS32",	  "PT_SIGTYPE",
		"PT_ENUMFLAGS8", "PT_ENUMFLAGS16", "PT_ENUMFLAGS32", "PT_PORT", "PT_SYSCALLID", NULL,
	};
	for (size_t i = 0; nums[i]; i++)
		if (!strcmp(nums[i], t))
			return true;
	return false;
}

/* ---- flag tables (runtime/flags.def), for evt.arg.X contains NAME ---- */

struct cg_flag {
	const char *tab, *name;
	uint32_t value;
};

#define FLAGTAB(tid)
#define FLAG(tid, n, v) { #tid, n, (uint32_t)(v) },
#define FLAGUSE(e, p, tid)
static const struct cg_flag cg_flags[] = {
#include "../runtime/flags.def"
	{ NULL, NULL, 0 },
};
#define FLAGTAB(tid)
#define FLAG(tid, n, v)
#define FLAGUSE(e, p, tid) { e, p, #tid },
static const struct {
	const char *evt, *param, *tab;
} cg_flag_uses[] = {
#include "../runtime/flags.def"
	{ NULL, NULL, NULL },
};

static const char *flag_table(const char *evt, const char *param)
{
	for (size_t k = 0; cg_flag_uses[k].evt; k++)
		if (!strcmp(cg_flag_uses[k].evt, evt) && !strcmp(cg_flag_uses[k].param, param))
			return cg_flag_uses[k].tab;
	return NULL;
}

static bool single_bit(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* ---- output helpers ---- */

struct cg {
	struct arena *a;
	struct strbuf *out;
	const struct split_result *sr;
	const struct cg_options *o;
	unsigned tmp; /* temporaries in the current rule */
	struct strbuf lits; /* fc_lit[]: the string literals of the checks */
	struct vec litv;    /* struct cg_lit *, in pool order */
	struct strmap atoms; /* check call text -> atom number + 1 (memoised checks) */
	unsigned natoms;
	struct vec bloom;    /* struct cg_bloom_use *: the sets each string view is checked in */
	struct vec plits;    /* struct cg_plit *: the contains/glob literals' pair tests */
};

/* A contains or glob literal's byte-pair test (emit_pair_tests): the
 * literal, or a glob's longest run of literal bytes, named FC_PAIRS_<id>
 * in the checks. */
struct cg_plit {
	const char *lit; /* the literal, or the glob pattern */
	size_t n;
	const char *run; /* the bytes it needs in the string (lit_run) */
	size_t run_len;
	bool glob, icase;
	bool path; /* checked on a view that can hold the open's path */
	unsigned id;
};

/* A set checked on a string view (the bloom filter in front of the set
 * maps, see emit_bloom). */
struct cg_bloom_use {
	int svi;
	const struct split_set *set;
};

static void bloom_use(struct cg *g, int svi, const struct split_set *s)
{
	for (size_t i = 0; i < g->bloom.n; i++) {
		const struct cg_bloom_use *u = g->bloom.v[i];
		if (u->svi == svi && u->set == s)
			return;
	}
	struct cg_bloom_use *u = ARENA_NEW(g->a, struct cg_bloom_use);
	u->svi = svi;
	u->set = s;
	vec_push(g->a, &g->bloom, u);
}

#define CG_NATOMS 256 /* FC_NATOMS in fc_probe.bpf.h */

/*
 * The atom number of a costly check (contains, glob), by the text of its
 * call: the same check in several rules is computed once per event
 * (FC_ATOM in the templates). -1 once the atoms run out: the check is
 * then simply made each time.
 */
static int atom_of(struct cg *g, const char *call)
{
	uintptr_t n = (uintptr_t)strmap_get(&g->atoms, call);

	if (n)
		return (int)n - 1;
	if (g->natoms >= CG_NATOMS)
		return -1;
	strmap_put(&g->atoms, call, (void *)(uintptr_t)(++g->natoms));
	return (int)g->natoms - 1;
}

/* A literal in fc_lit[], at off. */
struct cg_lit {
	const char *s;
	size_t n;
	size_t off;
};

/* The offset of the n bytes s in the literal pool (added if new). */
static size_t lit_off(struct cg *g, const char *s, size_t n)
{
	for (size_t i = 0; i < g->litv.n; i++) {
		const struct cg_lit *l = g->litv.v[i];
		if (l->n == n && !memcmp(l->s, s, n))
			return l->off;
	}
	struct cg_lit *l = ARENA_NEW(g->a, struct cg_lit);
	l->s = arena_strndup(g->a, s, n);
	l->n = n;
	l->off = g->lits.len;
	sb_putn(&g->lits, s, n);
	vec_push(g->a, &g->litv, l);
	return l->off;
}

/* fc_lit[]'s size: a power of two (the templates mask offsets with it). */
static size_t lit_bytes(const struct cg *g)
{
	size_t n = 8;
	while (n < g->lits.len)
		n *= 2;
	return n;
}

static void put_ind(struct strbuf *b, int ind)
{
	for (int i = 0; i < ind; i++)
		sb_putc(b, '\t');
}

/* A C string literal, every non-printable byte as a 3-digit octal escape. */
static void put_cstr(struct strbuf *b, const char *s, size_t n)
{
	sb_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			sb_printf(b, "\\%c", ch);
		else if (ch == '?')
			sb_puts(b, "\\?"); /* no trigraphs */
		else if (ch >= 0x20 && ch < 0x7f)
			sb_putc(b, (char)ch);
		else
			sb_printf(b, "\\%03o", ch);
	}
	sb_putc(b, '"');
}

/* Text safe inside a C comment: no slash-star or star-slash survives. */
static void put_comment_text(struct strbuf *b, const char *s)
{
	for (; s && *s; s++) {
		sb_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
		if ((s[0] == '*' && s[1] == '/') || (s[0] == '/' && s[1] == '*'))
			sb_putc(b, ' ');
	}
}

static unsigned round8(unsigned n)
{
	return (n + 7) & ~7u;
}

/* ---- sets ---- */


/*
 * Set maps. A program may use at most 64 maps (the verifier's
 * MAX_USED_MAPS), and one fc_x_open program of a large rule set checks
 * far more lists than that, so sets do not get a map each: all sets of a
 * kind share one map keyed by the string alone, whose value is a bitmap
 * over the kind's sets (a set's bit is its rank among the kind's kernel
 * sets, in id order):
 *
 *   fc_sets_in       hash       key: the string zero-padded to cap bytes
 *                               value: the sets that hold the string
 *   fc_sets_prefix   LPM trie   key: {u32 8 * n, the first n bytes}
 *                               value: the sets with a member that is a
 *                               prefix of the entry's string
 *   fc_sets_suffix   LPM trie   the same over reversed strings
 *
 * One lookup then answers every set of the kind for a field: the longest
 * member that is a prefix of a string carries every set having some
 * member that is a prefix of that string (both are prefixes of it, so
 * the shorter is a prefix of the longer). cap is the kind's longest
 * member (+1 for the hash key's terminator), rounded to 8. A set with a
 * member longer than the kernel handles gets no entries and its checks
 * are MAYBE.
 */

/* The string capacity a set needs; 0 when a member is too long. */
static unsigned set_cap(const struct split_set *s)
{
	unsigned need = s->match == KM_STR_IN ? s->max_len + 1 : (s->max_len ? s->max_len : 1);

	return need > CG_KEY_MAX ? 0 : round8(need);
}

/* A set kind's index: the FC_KEY_* value and the bloom filter's kind. */
static int kind_no(enum kx_match kind)
{
	return kind == KM_STR_IN ? 0 : kind == KM_STR_PREFIX ? 1 : 2;
}

/* The number of (string view, kind), as fc_memo__slot numbers the memo
 * slots and FC_PATH_*_COVER its bits. */
static unsigned view_kind(int svi, int kn)
{
	return (unsigned)svi * 4 + (unsigned)kn;
}

static const char *set_map_name(enum kx_match kind)
{
	return kind == KM_STR_IN ? "fc_sets_in" : kind == KM_STR_PREFIX ? "fc_sets_prefix"
									 : "fc_sets_suffix";
}

/* The capacity of kind's shared map: the largest of its sets' (8 if none). */
static unsigned kind_cap(const struct split_result *sr, enum kx_match kind)
{
	unsigned cap = 8;

	for (size_t i = 0; i < sr->sets.n; i++) {
		const struct split_set *s = sr->sets.v[i];
		unsigned c = s->match == kind ? set_cap(s) : 0;
		cap = c > cap ? c : cap;
	}
	return cap;
}

/* Set s's bit in its kind's bitmaps, -1 when the kernel does not hold it. */
static int set_bit(const struct split_result *sr, const struct split_set *s)
{
	int bit = 0;

	if (!set_cap(s))
		return -1;
	for (size_t i = 0; i < sr->sets.n; i++) {
		const struct split_set *t = sr->sets.v[i];
		if (t == s)
			return bit;
		if (t->match == s->match && set_cap(t))
			bit++;
	}
	return -1;
}

/* The u64 words of every set bitmap: enough for the largest kind, a
 * power of two (the templates mask word indexes with it). */
static unsigned set_words(const struct split_result *sr)
{
	unsigned most = 0, w = 1;
	static const enum kx_match kinds[] = { KM_STR_IN, KM_STR_PREFIX, KM_STR_SUFFIX };

	for (size_t k = 0; k < 3; k++) {
		unsigned n = 0;
		for (size_t i = 0; i < sr->sets.n; i++) {
			const struct split_set *s = sr->sets.v[i];
			n += s->match == kinds[k] && set_cap(s);
		}
		most = n > most ? n : most;
	}
	while (64 * w < most)
		w *= 2;
	return w;
}

void cg_sets(struct arena *a, const struct split_result *sr, struct vec *out)
{
	for (size_t i = 0; i < sr->sets.n; i++) {
		const struct split_set *s = sr->sets.v[i];
		if (!set_cap(s))
			continue; /* too long for the kernel: its checks are MAYBE */
		struct cg_set_info *si = ARENA_NEW(a, struct cg_set_info);
		si->map_name = set_map_name(s->match);
		si->id = (unsigned)s->id;
		si->bit = (unsigned)set_bit(sr, s);
		si->kind = s->match;
		si->cap = kind_cap(sr, s->match);
		si->key_size = (s->match == KM_STR_IN ? 0 : 4) + si->cap;
		si->strs = s->strs;
		si->nstrs = s->nstrs;
		vec_push(a, out, si);
	}
}

bool cg_set_key(const struct cg_set_info *s, const char *str, uint8_t *key)
{
	size_t n = strlen(str);

	memset(key, 0, s->key_size);
	if (s->kind == KM_STR_IN) {
		if (n + 1 > s->cap)
			return false;
		memcpy(key, str, n);
		return true;
	}
	if (n > s->cap)
		return false;
	uint32_t bits = (uint32_t)n * 8;
	memcpy(key, &bits, 4); /* host order, as the kernel's LPM key */
	for (size_t i = 0; i < n; i++)
		key[4 + i] = (uint8_t)(s->kind == KM_STR_SUFFIX ? str[n - 1 - i] : str[i]);
	return true;
}

/* Whether LPM key a (prefixlen, bytes) is a prefix of key b. */
static bool lpm_prefix_of(const uint8_t *a, const uint8_t *b)
{
	uint32_t la, lb;
	memcpy(&la, a, 4);
	memcpy(&lb, b, 4);
	return la <= lb && !memcmp(a + 4, b + 4, la / 8);
}

void cg_set_entries(struct arena *a, const struct split_result *sr, struct vec *out)
{
	struct vec sets = { 0 };
	struct strmap by_str; /* "kind:member" -> its entry (the key is the member's) */
	unsigned words = set_words(sr);
	size_t first = out->n;

	strmap_init(&by_str, a);
	cg_sets(a, sr, &sets);
	for (size_t i = 0; i < sets.n; i++) {
		const struct cg_set_info *s = sets.v[i];
		for (unsigned k = 0; k < s->nstrs; k++) {
			char *name = arena_printf(a, "%d:%s", kind_no(s->kind), s->strs[k]);
			struct cg_set_entry *e = strmap_get(&by_str, name);
			if (!e) {
				uint8_t *key = arena_alloc(a, s->key_size);
				if (!cg_set_key(s, s->strs[k], key))
					continue; /* cannot happen: the cap fits every member */
				e = ARENA_NEW(a, struct cg_set_entry);
				e->map_name = s->map_name;
				e->kind = s->kind;
				e->key = key;
				e->key_size = s->key_size;
				e->val_size = 8 * words;
				e->val = arena_alloc(a, e->val_size);
				memset(e->val, 0, e->val_size);
				strmap_put(&by_str, name, e);
				vec_push(a, out, e);
			}
			e->val[s->bit / 8] |= (uint8_t)(1u << (s->bit % 8)); /* little-endian u64s */
		}
	}
	/* LPM entries also carry the sets of every shorter member they
	 * extend: from the bits each entry had on its own */
	size_t n = out->n - first;
	uint8_t **own = ARENA_NEWN(a, uint8_t *, n + 1);
	for (size_t i = 0; i < n; i++) {
		const struct cg_set_entry *e = out->v[first + i];
		own[i] = arena_alloc(a, e->val_size);
		memcpy(own[i], e->val, e->val_size);
	}
	for (size_t i = 0; i < n; i++) {
		struct cg_set_entry *e = out->v[first + i];
		if (e->kind == KM_STR_IN)
			continue;
		for (size_t j = 0; j < n; j++) {
			const struct cg_set_entry *p = out->v[first + j];
			if (j != i && p->map_name == e->map_name && lpm_prefix_of(p->key, e->key))
				for (unsigned b = 0; b < e->val_size; b++)
					e->val[b] |= own[j][b];
		}
	}
}

uint64_t cg_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* ---- the bloom filter in front of the set maps ---- */

/*
 * Most strings an event carries are in no set, and a map lookup (the key
 * built, hashed, compared) costs more than the rest of a check. So a
 * bloom filter of FC_BLOOM_BITS bits in .rodata answers first, from a
 * hash of a few of the string's bytes and its view (fd.name, proc.name,
 * ...) and kind:
 *
 *   in          the length and the last 7 bytes (one word load)
 *   startswith  the first k bytes, k = the shortest member (<= 8) of the
 *               startswith sets checked on that view, for every member;
 *               a string shorter than k has no member as a prefix. A
 *               string that passes is tested again in the classes of
 *               members by length, each hashed on its own number of
 *               first bytes: under 8 on k, 8 to 15 on 8, 16 and more on
 *               16 (two words). k alone would let "/usr/bin/" make
 *               every path under "/usr/" a maybe, as "/etc/" does for
 *               "/etc/..."; the classes keep the test to one hash for
 *               most strings and send few to the map
 *   endswith    the last bytes, the same way
 *
 * A string sets two bits of one 64-bit word (a blocked bloom filter: one
 * load in the kernel). A clear one proves that no set of the kind checked
 * on the view holds the string, so every such check is FALSE without a
 * lookup; both set send it to the map. The hash of the bytes (a u64,
 * mixed with view and kind) is fc_bloom__hash in fc_probe.bpf.h.
 */
#define CG_BLOOM_LOG2 14
#define CG_BLOOM_BITS (1 << CG_BLOOM_LOG2)
#define CG_BLOOM_KMAX 8

/* fc_bloom_k's classes of startswith/endswith members (FC_BLOOM_* in
 * fc_probe.bpf.h), and the hash tag of each. */
#define CG_BLOOM_C8 0x10    /* 8 to 15 bytes, 8-byte keys: tag kind | 4 */
#define CG_BLOOM_C16 0x20   /* 16 and more, 16-byte keys: kind | 8 */
#define CG_BLOOM_SHORT 0x40 /* under 8: two more bits of the k-byte hash's word */

/* fc_bloom__hash, fc_bloom__word and fc_bloom__has in fc_probe.bpf.h:
 * the word of the hashed bytes v, and its two bits (the short class's
 * two when short). tag: the kind, or a class's. */
static uint32_t bloom_word_of(uint64_t v, int svi, unsigned tag, bool short_class, uint64_t *bits)
{
	uint64_t x = v * 0x9E3779B97F4A7C15ULL + ((uint64_t)svi << 4 | tag) * 0xC2B2AE3D27D4EB4FULL;
	unsigned s = short_class ? 46 : 34;

	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ULL;
	*bits = (1ULL << ((x >> (s + 6)) & 63)) | (1ULL << ((x >> s) & 63));
	return (uint32_t)(x >> (64 - (CG_BLOOM_LOG2 - 6)));
}

static uint32_t bloom_word(uint64_t v, int svi, unsigned tag, uint64_t *bits)
{
	return bloom_word_of(v, svi, tag, false, bits);
}

/* A byte pair's bit: bit 0 of a, bits 1..6 of a, bits 0..3 of b and bits
 * 3..7 of b, shifted to overlap in 6 bits (fc_pair__bits computes it in
 * all lanes of a word at once). Chosen over a sample of 6000 real paths
 * and 20 literals of path rules: 26 % of paths without a literal pass
 * its pair test, against 36 % for ((a & 15) << 2 ^ b). */
static unsigned pair_hash(unsigned char a, unsigned char b)
{
	return ((a & 1u) << 5 ^ a >> 1 ^ (b & 15u) << 2 ^ b >> 3) & 63u;
}

/*
 * The pair signature's masks of the bytes a literal needs (lit_run), as
 * bits of fc_pair__bits() in fc_probe.bpf.h: pair (a, b) is bit
 * pair_hash(a, b), in out[0] for the pairs at even offsets of the run and
 * out[1] for the others (the kernel gathers a path's pairs at even
 * positions only: see fc_pair__absent). The kernel answers FALSE without
 * a scan when the path lacks one of each.
 */
static void pair_bits(const char *run, size_t len, uint64_t out[2])
{
	out[0] = out[1] = 0;
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char a = (unsigned char)run[i], b = (unsigned char)run[i + 1];
		out[i & 1] |= 1ULL << pair_hash(a, b);
	}
}

/* The bytes a contains literal needs in the string: all of it, or a
 * glob's longest run of literal bytes ('*' and '?' end a run). */
static const char *lit_run(const char *lit, size_t n, bool glob, size_t *len)
{
	size_t at = 0;
	*len = n;
	if (glob) {
		*len = 0;
		for (size_t i = 0, run = 0; i <= n; i++) {
			if (i == n || lit[i] == '*' || lit[i] == '?') {
				if (i - run > *len) {
					at = run;
					*len = i - run;
				}
				run = i + 1;
			}
		}
	}
	return lit + at;
}

/* Fold member length n into a fc_bloom_k entry being built (k, the
 * shortest length up to 8, | the CG_BLOOM_* classes present); 0 once a
 * member is empty (no bloom answer: every string goes to the map). */
static unsigned bloom_class_add(unsigned e, size_t n)
{
	if (n == 0 || !e)
		return 0;
	if (n < (e & 15))
		e = (e & ~15u) | (unsigned)n;
	return e | (n >= 16 ? CG_BLOOM_C16 : n >= 8 ? CG_BLOOM_C8 : CG_BLOOM_SHORT);
}

/* fc_bloom_k's entry for a startswith/endswith view (bloom_class_add). */
static unsigned bloom_classes(const struct cg *g, int svi, enum kx_match kind)
{
	unsigned e = CG_BLOOM_KMAX;
	for (size_t i = 0; i < g->bloom.n; i++) {
		const struct cg_bloom_use *u = g->bloom.v[i];
		if (u->svi != svi || u->set->match != kind)
			continue;
		for (unsigned m = 0; m < u->set->nstrs; m++)
			e = bloom_class_add(e, strlen(u->set->strs[m]));
	}
	return e;
}

/* The first (startswith) or last (endswith) k bytes of s, k <= 8 or 16,
 * as fc_bloom__bytes reads them: one word, or two folded. */
static uint64_t bloom_bytes(const char *s, enum kx_match kind, unsigned k)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *at = kind == KM_STR_PREFIX ? p : p + strlen(s) - k;
	uint64_t w[2] = { 0, 0 };

	for (unsigned j = 0; j < k; j++)
		w[j / 8] |= (uint64_t)at[j] << (8 * (j % 8));
	return k == 16 ? w[0] + w[1] * 0xFF51AFD7ED558CCDULL : w[0];
}

/* Set a startswith/endswith member's bits under e (bloom_classes): its
 * first/last k bytes, and its class's key when there is more than one. */
static void bloom_member(uint64_t *bits, int svi, const char *s, enum kx_match kind, unsigned e)
{
	size_t n = strlen(s);
	unsigned k = e & 15, tag = (unsigned)kind_no(kind);
	uint64_t vk = bloom_bytes(s, kind, k), b;

	bits[bloom_word(vk, svi, tag, &b)] |= b;
	if (!(e & (CG_BLOOM_C8 | CG_BLOOM_C16)))
		return;
	if (n < 8)
		bits[bloom_word_of(vk, svi, tag, true, &b)] |= b;
	else if (n < 16)
		bits[bloom_word(bloom_bytes(s, kind, 8), svi, tag | 4, &b)] |= b;
	else
		bits[bloom_word(bloom_bytes(s, kind, 16), svi, tag | 8, &b)] |= b;
}

/*
 * The path's head and tail tests (fc_bloom__prefetch_path). fd.name,
 * fd.directory and fd.filename are parts of one path, and most of their
 * sets are anchored at its start or its end. Each anchored member, as
 * fd.name must then begin or end:
 *   head: fd.name startswith p and fd.directory startswith p (the
 *         directory is a prefix of the name): p; fd.name in m: m;
 *         fd.directory in d: d + "/" (d "/" is left out, and the kernel
 *         settles fd.directory in by the head test only for paths below
 *         a directory; a d ending in '/' is never a directory: as is);
 *   tail: fd.name endswith s and fd.filename endswith s: s; fd.filename
 *         in m: "/" + m.
 * The head members are hashed as startswith members under tag
 * CG_SV_PATHHEAD, the tail members as endswith ones under
 * CG_SV_PATHTAIL, classes and all. A path that no head member may begin
 * is in none of the head's sets, and the same for the tail: two tests
 * instead of one per view and kind. A (view, kind) is covered (bit
 * 4 * view + kind of FC_PATH_HEAD_COVER / FC_PATH_TAIL_COVER) only when
 * each of its members gives CG_PATH_MIN bytes or more: one byte ("/")
 * would make the test pass for every path.
 */
#define CG_PATH_MIN 2

/* Which end (1 head, 2 tail, 0 neither) anchors sets of kind on view svi. */
static int path_end(int svi, enum kx_match kind)
{
	if (svi == CG_SV_FDNAME)
		return kind == KM_STR_SUFFIX ? 2 : 1;
	if (svi == CG_SV_FDDIR)
		return kind == KM_STR_SUFFIX ? 0 : 1;
	if (svi == CG_SV_FDFILE)
		return kind == KM_STR_PREFIX ? 0 : 2;
	return 0;
}

/* Member m of a set of kind on view svi as its end of fd.name (NULL: left
 * out, the directory "/"). */
static const char *path_member(struct cg *g, int svi, enum kx_match kind, const char *m)
{
	size_t n = strlen(m);
	if (kind != KM_STR_IN || svi == CG_SV_FDNAME)
		return m;
	if (svi == CG_SV_FDFILE)
		return arena_printf(g->a, "/%s", m);
	if (!strcmp(m, "/"))
		return NULL;
	return n && m[n - 1] == '/' ? m : arena_printf(g->a, "%s/", m);
}

static void emit_path_ends(struct cg *g, struct strbuf *out, uint64_t *bits,
			   unsigned char k[][3])
{
	/* per view and kind of the path: its members as ends of fd.name,
	 * which end (path_end), and whether one is too short */
	struct vec mem[3][3] = { { { 0 } } };
	int end_of[3][3] = { { 0 } };
	bool short_member[3][3] = { { false } };
	unsigned cover[3] = { 0 }, e[3] = { 0, CG_BLOOM_KMAX, CG_BLOOM_KMAX };

	for (size_t i = 0; i < g->bloom.n; i++) {
		const struct cg_bloom_use *u = g->bloom.v[i];
		int svi = u->svi, kn = kind_no(u->set->match);
		if (svi < 0 || svi > CG_SV_FDFILE || !(end_of[svi][kn] = path_end(svi, u->set->match)))
			continue;
		for (unsigned m = 0; m < u->set->nstrs; m++) {
			const char *pm = path_member(g, svi, u->set->match, u->set->strs[m]);
			if (!pm)
				continue;
			short_member[svi][kn] |= strlen(pm) < CG_PATH_MIN;
			vec_push(g->a, &mem[svi][kn], (void *)pm);
		}
	}
	/* the covered pairs, each end's classes, then its members' bits */
	for (int svi = CG_SV_FDNAME; svi <= CG_SV_FDFILE; svi++)
		for (int kn = 0; kn < 3; kn++) {
			int end = end_of[svi][kn];
			if (!end || !k[svi][kn] || short_member[svi][kn])
				continue;
			cover[end] |= 1u << view_kind(svi, kn);
			for (size_t m = 0; m < mem[svi][kn].n; m++)
				e[end] = bloom_class_add(e[end], strlen(mem[svi][kn].v[m]));
		}
	for (int svi = CG_SV_FDNAME; svi <= CG_SV_FDFILE; svi++)
		for (int kn = 0; kn < 3; kn++) {
			int end = end_of[svi][kn];
			if (!end || !(cover[end] & (1u << view_kind(svi, kn))))
				continue;
			for (size_t m = 0; m < mem[svi][kn].n; m++)
				bloom_member(bits, end == 1 ? CG_SV_PATHHEAD : CG_SV_PATHTAIL,
					     mem[svi][kn].v[m], end == 1 ? KM_STR_PREFIX : KM_STR_SUFFIX,
					     e[end]);
		}
	for (int end = 1; end <= 2; end++)
		if (!cover[end])
			e[end] = 0;
	k[CG_SV_PATHHEAD][1] = (unsigned char)e[1];
	k[CG_SV_PATHTAIL][2] = (unsigned char)e[2];
	sb_printf(out, "/* the (view, kind) pairs, bit 4 * view + kind, that the path's head and tail\n"
		       " * tests answer for (codegen.c: emit_path_ends) */\n");
	sb_printf(out, "#define FC_PATH_HEAD_COVER 0x%xu\n", cover[1]);
	sb_printf(out, "#define FC_PATH_TAIL_COVER 0x%xu\n", cover[2]);
}

static void emit_bloom(struct cg *g, struct strbuf *out)
{
	uint64_t bits[CG_BLOOM_BITS / 64] = { 0 };
	unsigned char k[CG_NSV][3] = { { 0 } };

	for (size_t i = 0; i < g->bloom.n; i++) {
		const struct cg_bloom_use *u = g->bloom.v[i];
		enum kx_match kind = u->set->match;
		unsigned e = kind == KM_STR_IN ? 1 : bloom_classes(g, u->svi, kind);
		k[u->svi][kind_no(kind)] = (unsigned char)e;
		if (!e)
			continue; /* an empty member: every string passes */
		for (unsigned m = 0; m < u->set->nstrs; m++) {
			const unsigned char *p = (const unsigned char *)u->set->strs[m];
			size_t n = strlen(u->set->strs[m]);
			if (kind != KM_STR_IN) {
				bloom_member(bits, u->svi, u->set->strs[m], kind, e);
				continue;
			}
			size_t t = n < 7 ? n : 7;
			uint64_t v = (uint64_t)(n > 255 ? 255 : n) << 56, b;
			for (size_t j = 0; j < t; j++)
				v |= (uint64_t)p[n - t + j] << (8 * j);
			bits[bloom_word(v, u->svi, (unsigned)kind_no(kind), &b)] |= b;
		}
	}
	emit_path_ends(g, out, bits, k);
	sb_printf(out, "/* the bloom filter in front of the set maps (codegen.c: emit_bloom) */\n");
	sb_printf(out, "#define FC_BLOOM_LOG2 %d\n", CG_BLOOM_LOG2);
	sb_puts(out, "#define FC_BLOOM_BITS (1 << FC_BLOOM_LOG2)\n");
	sb_puts(out, "const unsigned long long fc_bloom[FC_BLOOM_BITS / 64] = {");
	for (size_t i = 0; i < CG_BLOOM_BITS / 64; i++)
		if (bits[i])
			sb_printf(out, "\n\t[%zu] = 0x%016" PRIx64 "ull,", i, bits[i]);
	sb_puts(out, "\n};\n");
	sb_puts(out, "/* [4 * view + kind]: has in-sets; the classes of its startswith, endswith\n"
		     " * sets (fc_bloom__may) */\n");
	sb_printf(out, "const unsigned char fc_bloom_k[%d * 4] = {", CG_NSV);
	for (int v = 0; v < CG_NSV; v++)
		if (k[v][0] || k[v][1] || k[v][2])
			sb_printf(out, "\n\t[%d] = %u, %u, %u,", 4 * v, k[v][0], k[v][1], k[v][2]);
	sb_puts(out, "\n};\n");
}

/* ---- checks ---- */

/* The string view (FC_SV_*) of a string field, -1 if none here. */
static int str_view(const struct cg_sc *sc, const struct kexpr *k)
{
	switch (k->kfield) {
	case KF_PROC_NAME:
		return CG_SV_COMM;
	case KF_PROC_PNAME:
		return CG_SV_ANAME1;
	case KF_PROC_ANAME: {
		long n = k->arg ? strtol(k->arg, NULL, 10) : -1;
		if (n == 0)
			return CG_SV_COMM;
		if (n < 1 || n > FC_MAX_ANCESTORS)
			return -1;
		return CG_SV_ANAME1 + (int)n - 1;
	}
	case KF_FD_NAME:
		return CG_SV_FDNAME;
	case KF_FD_DIRECTORY:
		return CG_SV_FDDIR;
	case KF_FD_FILENAME:
		return CG_SV_FDFILE;
	case KF_EVT_ARG: {
		const char *t;
		int i = param_index(sc, k->arg, &t);
		if (i < 0 || !type_is_str(t))
			return -1;
		return CG_SV_PARAM0 + i;
	}
	default:
		return -1;
	}
}

/* A string view's name in the generated C. */
static const char *sv_name(struct cg *g, int svi)
{
	static const char *const fixed[] = { "FC_SV_FDNAME", "FC_SV_FDDIR", "FC_SV_FDFILE",
					     "FC_SV_COMM", "FC_SV_ANAME1", "FC_SV_ANAME2",
					     "FC_SV_ANAME3", "FC_SV_ANAME4" };
	if (svi >= CG_SV_PARAM0)
		return arena_printf(g->a, "FC_SV_PARAM0 + %d", svi - CG_SV_PARAM0);
	return fixed[svi];
}

/* A numeric field as a C expression with its known-ness, or false. */
static bool num_field(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
		      const char **val, const char **known)
{
	*known = "1";
	switch (k->kfield) {
	case KF_PROC_PID: *val = "(__s64)c->task.pid"; return true;
	case KF_PROC_PPID: *val = "(__s64)c->task.ppid"; return true;
	case KF_THREAD_TID: *val = "(__s64)c->tid"; return true;
	case KF_USER_UID: *val = "(__s64)c->task.uid"; return true;
	case KF_USER_LOGINUID: *val = "(__s64)(__s32)c->task.loginuid"; return true;
	case KF_GROUP_GID: *val = "(__s64)c->task.gid"; return true;
	case KF_EVT_RAWRES:
		if (!strcmp(sc->name, "procexit"))
			return false; /* the tracepoint event has no return value */
		*val = "c->res";
		return true;
	case KF_EVT_FAILED:
		if (!strcmp(sc->name, "procexit"))
			return false;
		*val = "(__s64)(c->res < 0)";
		return true;
	case KF_FD_SIP:
	case KF_FD_DIP:
		if (strcmp(sc->name, "connect"))
			return false;
		*val = "(__s64)c->dip";
		*known = "c->net_ok";
		return true;
	case KF_FD_SPORT:
	case KF_FD_DPORT:
		if (strcmp(sc->name, "connect"))
			return false;
		*val = "(__s64)c->dport";
		*known = "c->net_ok";
		return true;
	case KF_EVT_RAWARG:
	case KF_EVT_ARG: {
		const char *t;
		int i = param_index(sc, k->arg, &t);
		if (i < 0 || !type_is_num(t))
			return false;
		*val = arena_printf(g->a, "(__s64)fc_param__val(c, %d)", i);
		*known = arena_printf(g->a, "fc_param__known(c, %d)", i);
		return true;
	}
	default:
		return false;
	}
}

static const char *num_op(enum kx_match m)
{
	switch (m) {
	case KM_NUM_EQ: return "==";
	case KM_NUM_NE: return "!=";
	case KM_NUM_LT: return "<";
	case KM_NUM_LE: return "<=";
	case KM_NUM_GT: return ">";
	case KM_NUM_GE: return ">=";
	default: return NULL;
	}
}

static void put_num_cond(struct strbuf *b, const char *val, const struct kexpr *k)
{
	if (k->match == KM_NUM_IN) {
		if (!k->nnums)
			sb_puts(b, "0");
		for (unsigned i = 0; i < k->nnums; i++)
			sb_printf(b, "%s%s == %" PRId64 "LL", i ? " || " : "", val, k->nums[i]);
		return;
	}
	sb_printf(b, "%s %s %" PRId64 "LL", val, num_op(k->match), k->nnums ? k->nums[0] : 0);
}


/* fd.type = / in with socket types only (runtime/extract.c fd_typestr:
 * the types of socket fds): false on any fd that is not a socket. */
static bool sock_types_only(const struct kexpr *k)
{
	static const char *const sock[] = { "ipv4", "ipv6", "unix", "netlink" };

	if ((k->match != KM_STR_EQ && k->match != KM_STR_IN) || !k->nstrs)
		return false;
	for (unsigned i = 0; i < k->nstrs; i++) {
		bool hit = false;
		for (size_t j = 0; j < sizeof(sock) / sizeof(sock[0]); j++)
			hit = hit || !strcmp(k->strs[i], sock[j]);
		if (!hit)
			return false;
	}
	return true;
}


/* evt.arg.X contains NAME on a flags parameter (see the header comment in
 * split.c and render_flags() in runtime/extract.c): FALSE when no table
 * entry whose name holds NAME can be rendered, TRUE when one surely is
 * (the value equals its first entry exactly, or it is a single bit no
 * other multi-bit entry contains), MAYBE otherwise. cg_flags_plan()
 * computes the masks; the kmod filter (kcode.c) uses the same plan. */
bool cg_flags_plan(const char *scname, const char *param, const char *name,
		   struct cg_flags_plan *fp)
{
	const struct cg_sc *sc = NULL;
	const char *t, *tab;

	memset(fp, 0, sizeof(*fp));
	for (size_t s = 0; s < CG_NSC && !sc; s++)
		if (!strcmp(cg_scs[s].name, scname))
			sc = &cg_scs[s];
	if (!sc || !name)
		return false;
	int i = param_index(sc, param, &t);
	const struct cg_evt *e = evt_of(sc);
	if (i < 0 || !e || !(tab = flag_table(e->name, param)))
		return false;
	fp->param = i;
	for (size_t f = 0; cg_flags[f].tab; f++) {
		if (strcmp(cg_flags[f].tab, tab) || !strstr(cg_flags[f].name, name))
			continue;
		uint32_t v = cg_flags[f].value;
		if (!v) {
			fp->zero = true;
			continue;
		}
		fp->any |= v;
		bool first = true;
		for (size_t p = 0; p < f; p++)
			if (!strcmp(cg_flags[p].tab, tab) && cg_flags[p].value == v)
				first = false;
		if (first && fp->nexact < CG_FLAGS_EXACT_MAX)
			fp->exact[fp->nexact++] = v;
		else if (first)
			return false; /* more exact values than we keep */
		if (single_bit(v)) {
			bool inside = false;
			for (size_t o = 0; cg_flags[o].tab; o++)
				if (!strcmp(cg_flags[o].tab, tab) && cg_flags[o].value != v &&
				    (cg_flags[o].value & v))
					inside = true;
			if (!inside)
				fp->sure |= v;
		}
	}
	return true;
}

static bool flags_check(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
			struct strbuf *b)
{
	struct cg_flags_plan fp;

	(void)g;
	if (!k->nstrs || !cg_flags_plan(sc->name, k->arg, k->strs[0], &fp))
		return false;
	/* the open family's O_F_CREATED is read after the filter
	 * (fc_open__late), so the filter cannot test it */
	if ((fp.any & CG_O_F_CREATED) && k->arg && !strcmp(k->arg, "flags") &&
	    (!strcmp(sc->name, "open") || !strcmp(sc->name, "openat") ||
	     !strcmp(sc->name, "openat2")))
		return false;
	int i = fp.param;
	sb_printf(b, "({ __u32 v = fc_param__val(c, %d); !fc_param__known(c, %d) ? FC_MAYBE : ", i,
		  i);
	if (fp.zero)
		sb_puts(b, "v == 0 ? FC_MAYBE : ");
	sb_printf(b, "(v & 0x%xu) == 0 ? FC_FALSE : (0", fp.any);
	for (unsigned x = 0; x < fp.nexact; x++)
		sb_printf(b, " || v == %uu", fp.exact[x]);
	sb_printf(b, " || (v & 0x%xu)) ? FC_TRUE : FC_MAYBE; })", fp.sure);
	return true;
}

/* The position and kind of parameter `name` of syscall scname's event. */
int cg_param(const char *scname, const char *name, bool *is_str, bool *is_num)
{
	const char *t;

	*is_str = *is_num = false;
	for (size_t s = 0; s < CG_NSC; s++) {
		if (strcmp(cg_scs[s].name, scname))
			continue;
		int i = param_index(&cg_scs[s], name, &t);
		if (i >= 0) {
			*is_str = type_is_str(t);
			*is_num = type_is_num(t);
		}
		return i;
	}
	return -1;
}

/* The id of a contains/glob literal's pair test (FC_PAIRS_<id>). */
static unsigned plit_id(struct cg *g, const char *lit, size_t n, bool glob, bool icase, int svi)
{
	bool path = svi <= CG_SV_FDFILE || svi >= CG_SV_PARAM0;

	for (size_t i = 0; i < g->plits.n; i++) {
		struct cg_plit *p = g->plits.v[i];
		if (p->n == n && p->glob == glob && p->icase == icase && !memcmp(p->lit, lit, n)) {
			p->path |= path;
			return p->id;
		}
	}
	struct cg_plit *p = ARENA_NEW(g->a, struct cg_plit);
	p->lit = arena_strndup(g->a, lit, n);
	p->n = n;
	p->run = lit_run(p->lit, n, glob, &p->run_len);
	p->glob = glob;
	p->icase = icase;
	p->path = path;
	p->id = (unsigned)g->plits.n;
	vec_push(g->a, &g->plits, p);
	return p->id;
}

/*
 * The pair tests of contains and glob on the open's path (fc_pair__absent
 * in fc_probe.bpf.h). The path scan gathers byte pairs, and a literal
 * whose pairs the path lacks is FALSE without a scan. Two ways:
 *
 *   exact (most probes): a literal holding "//", "/.", "./" or ".." is
 *   never in a path that the fast scan passed (it stops at those); each
 *   other literal needs its first pair (or one already chosen that it
 *   holds). The scan looks for at most CG_PAIRS_EXACT such pairs
 *   exactly, each in every position: bit i of the path's pairs when pair
 *   i occurs. A literal's test is its pair's bit (bit 63, never set, for
 *   the first kind). Over 3 500 real paths without a suspect pair, 4.1 %
 *   hold "id" but not "id_rsa", where 13.6 % passed the signature's test
 *   for it; for "/.ssh/", 0 against 16 %. One exact pair cost the same
 *   as the signature on the bench loop, side by side; a second for
 *   "id_rsa" (its last: 0.14 %) cost 3 to 5 % more, so a literal gets
 *   one. With no pair to look for, the scan gathers none.
 *   signature (more pairs than that, or o->exact_pairs < 0): the pairs at
 *   even positions hashed into 64 bits (pair_bits); a literal needs all
 *   of its even-offset pairs or all of its odd-offset ones.
 *
 * FC_PAIRS_<id> expands to the two masks fc_str__contains and
 * fc_str__glob take (even, odd; the same mask twice when exact; 0, 0:
 * no test, for icase and one-byte literals).
 */
#define CG_PAIRS_EXACT 2 /* the default */
#define CG_PAIRS_MAX 4   /* the most cg_options.exact_pairs may ask for */

/* Whether a literal gets a pair test: not icase, two bytes or more to
 * need, and checked on the path. */
static bool plit_tested(const struct cg_plit *p)
{
	return !p->icase && p->run_len >= 2 && p->path;
}

static bool pair_suspect(unsigned char a, unsigned char b)
{
	return (a == '/' || a == '.') && (b == '/' || b == '.');
}

static void emit_pair_tests(struct cg *g, struct strbuf *out)
{
	int most = g->o->exact_pairs ? g->o->exact_pairs : CG_PAIRS_EXACT;
	unsigned pair[CG_PAIRS_MAX], npairs = 0;
	bool exact = most > 0;

	if (most > CG_PAIRS_MAX)
		most = CG_PAIRS_MAX;
	/* each literal's test: bits of pair[], 0 none, 1 << 63 suspect */
	uint64_t *use = ARENA_NEWN(g->a, uint64_t, g->plits.n + 1);

	for (size_t i = 0; exact && i < g->plits.n; i++) {
		const struct cg_plit *p = g->plits.v[i];
		const unsigned char *r = (const unsigned char *)p->run;
		size_t len = p->run_len;
		use[i] = 0;
		if (!plit_tested(p))
			continue;
		use[i] = 1ULL << 63;
		/* a suspect pair anywhere in the literal (in any of a glob's
		 * runs: the path holds every run; '*' and '?' are in no pair) */
		for (size_t j = 0; j + 1 < p->n; j++)
			if (pair_suspect((unsigned char)p->lit[j], (unsigned char)p->lit[j + 1]))
				goto next;
		/* a pair already chosen, else its first */
		for (unsigned q = 0; q < npairs; q++)
			for (size_t j = 0; j + 1 < len; j++)
				if ((r[j] | (unsigned)r[j + 1] << 8) == pair[q]) {
					use[i] = 1ULL << q;
					goto next;
				}
		if ((int)npairs == most) {
			exact = false;
			break;
		}
		use[i] = 1ULL << npairs;
		pair[npairs++] = r[0] | (unsigned)r[1] << 8;
next:;
	}
	sb_puts(out, "/* the contains and glob literals' pair tests (codegen.c: emit_pair_tests) */\n");
	sb_printf(out, "#define FC_PAIRS_EXACT %u\n", exact ? npairs : 0);
	sb_printf(out, "#define FC_PAIRS_SIGNATURE %d\n", exact ? 0 : 1);
	for (int ab = 0; exact && npairs && ab < 2; ab++) {
		sb_printf(out, "#define FC_PAIRS_%c", ab ? 'B' : 'A');
		for (unsigned q = 0; q < npairs; q++)
			sb_printf(out, "%s%u", q ? ", " : " ", (pair[q] >> (8 * ab)) & 0xff);
		sb_puts(out, "\n");
	}
	for (size_t i = 0; i < g->plits.n; i++) {
		const struct cg_plit *p = g->plits.v[i];
		uint64_t m[2] = { 0, 0 };
		if (!plit_tested(p))
			; /* no test */
		else if (exact)
			m[0] = m[1] = use[i];
		else
			pair_bits(p->run, p->run_len, m);
		sb_printf(out, "#define FC_PAIRS_%u %#llxull, %#llxull\n", p->id,
			  (unsigned long long)m[0], (unsigned long long)m[1]);
	}
}

/* Append a string check on view sv; false if not expressible. */
static bool str_check(struct cg *g, const struct kexpr *k, int svi, struct strbuf *b)
{
	const char *sv = sv_name(g, svi);

	switch (k->match) {
	case KM_EXISTS:
		sb_printf(b, "fc_str__exists(c, %s)", sv);
		return true;
	case KM_STR_EQ:
		if (!k->nstrs || strlen(k->strs[0]) >= CG_KEY_MAX)
			return false;
		sb_printf(b, "fc_str__eq(c, %s, %zu, %zu)", sv,
			  lit_off(g, k->strs[0], strlen(k->strs[0])), strlen(k->strs[0]));
		return true;
	case KM_STR_IN:
	case KM_STR_PREFIX:
	case KM_STR_SUFFIX: {
		const struct split_set *s = k->set_id >= 0 ? split_set_by_id(g->sr, k->set_id) : NULL;
		if (!s) {
			if (k->match != KM_STR_IN || !k->nstrs)
				return false;
			/* inline list: an OR of equalities */
			for (unsigned i = 0; i < k->nstrs; i++)
				if (strlen(k->strs[i]) >= CG_KEY_MAX)
					return false;
			for (unsigned i = 0; i + 1 < k->nstrs; i++)
				sb_puts(b, "fc_tri__or(");
			for (unsigned i = 0; i < k->nstrs; i++) {
				sb_printf(b, "%sfc_str__eq(c, %s, %zu, %zu)%s", i ? ", " : "", sv,
					  lit_off(g, k->strs[i], strlen(k->strs[i])),
					  strlen(k->strs[i]), i ? ")" : "");
			}
			return true;
		}
		if (!s->nstrs) {
			sb_puts(b, "FC_FALSE");
			return true;
		}
		if (!set_cap(s))
			return false;
		const char *fn = k->match == KM_STR_IN ? "in" : k->match == KM_STR_PREFIX ? "prefix"
											  : "suffix";
		sb_printf(b, "fc_str__%s(c, %s, %d)", fn, sv, set_bit(g->sr, s));
		bloom_use(g, svi, s);
		return true;
	}
	case KM_STR_CONTAINS:
	case KM_STR_GLOB: {
		if (!k->nstrs)
			return false;
		const char *p = k->strs[0];
		size_t n = strlen(p);
		if (n >= CG_KEY_MAX)
			return false;
		if (k->match == KM_STR_GLOB && strpbrk(p, "[\\"))
			return false; /* bracket classes, escapes: userspace decides */
		char *lit = arena_strdup(g->a, p);
		if (k->icase)
			for (char *q = lit; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q - 'A' + 'a');
		bool glob = k->match == KM_STR_GLOB;
		char *call = arena_printf(g->a, "fc_str__%s(c, %s, %zu, %zu, %d, FC_PAIRS_%u)",
					  glob ? "glob" : "contains", sv, lit_off(g, lit, n), n,
					  k->icase ? 1 : 0, plit_id(g, lit, n, glob, k->icase, svi));
		int atom = atom_of(g, call);
		if (atom < 0)
			sb_puts(b, call);
		else
			sb_printf(b, "FC_ATOM(c, %d, %s)", atom, call);
		return true;
	}
	default:
		return false;
	}
}

/* The C expression of one check for syscall sc (always a tri-value). */
static void check_expr(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
		       struct strbuf *b)
{
	size_t mark = b->len;
	const char *val, *known;
	int svi;
	bool is_dup = !strcmp(sc->name, "dup") || !strcmp(sc->name, "dup2") ||
		      !strcmp(sc->name, "dup3");
	bool is_open = !strcmp(sc->name, "open") || !strcmp(sc->name, "openat") ||
		       !strcmp(sc->name, "openat2");
	bool procexit = !strcmp(sc->name, "procexit");
	int want;

	switch (k->kfield) {
	case KF_EVT_TYPE:
		if (k->match == KM_EXISTS)
			goto is_true;
		if (k->match == KM_STR_EQ || k->match == KM_STR_IN) {
			sb_puts(b, split_has_str(k, sc->name) ? "FC_TRUE" : "FC_FALSE");
			return;
		}
		goto maybe;
	case KF_EVT_DIR:
		if (k->match == KM_EXISTS)
			goto is_true;
		if (k->match == KM_STR_EQ || k->match == KM_STR_IN) {
			sb_puts(b, split_has_str(k, procexit ? ">" : "<") ? "FC_TRUE" : "FC_FALSE");
			return;
		}
		goto maybe;
	case KF_EVT_RES:
		if (procexit)
			goto maybe;
		if (k->match == KM_EXISTS)
			goto is_true;
		if (k->match == KM_STR_EQ || k->match == KM_STR_IN) {
			bool ok = split_has_str(k, "SUCCESS");
			bool others = k->nstrs > (ok ? 1u : 0u);
			/* errno names are not computed: MAYBE on failure */
			sb_printf(b, "(c->res >= 0 ? %s : %s)", ok ? "FC_TRUE" : "FC_FALSE",
				  others ? "FC_MAYBE" : "FC_FALSE");
			return;
		}
		goto maybe;
	case KF_EVT_IS_OPEN_READ:
	case KF_EVT_IS_OPEN_WRITE:
	case KF_EVT_IS_OPEN_EXEC: {
		if (k->match == KM_EXISTS)
			goto is_true;
		want = split_bool_want(k);
		if (want < 0)
			goto maybe;
		const char *which = k->kfield == KF_EVT_IS_OPEN_READ	 ? "FC_OPEN_READ"
				    : k->kfield == KF_EVT_IS_OPEN_WRITE ? "FC_OPEN_WRITE"
									 : "FC_OPEN_EXEC";
		struct strbuf e = { 0 };
		if (is_open)
			sb_printf(&e, "fc_open__is(c, %s)", which);
		else if (!strcmp(sc->name, "creat") && k->kfield == KF_EVT_IS_OPEN_EXEC)
			sb_puts(&e, "fc_tri(1, (c->omode & 0111) != 0)");
		else
			sb_puts(&e, "FC_FALSE"); /* libsinsp: 0 on other events */
		if (want)
			sb_puts(b, sb_str(&e));
		else
			sb_printf(b, "fc_tri__not(%s)", sb_str(&e));
		sb_free(&e);
		return;
	}
	case KF_FD_TYPECHAR:
	case KF_FD_TYPE: {
		if (k->kfield == KF_FD_TYPE && is_dup && sock_types_only(k)) {
			/* the new fd is not a socket: none of these types */
			sb_puts(b, "(c->fdsock == 0 ? FC_FALSE : FC_MAYBE)");
			return;
		}
		if (!is_open && strcmp(sc->name, "creat"))
			goto maybe;
		if (k->match == KM_EXISTS)
			goto maybe;
		if (k->match != KM_STR_EQ && k->match != KM_STR_IN)
			goto maybe;
		bool f = split_has_str(k, k->kfield == KF_FD_TYPECHAR ? "f" : "file");
		sb_printf(b, "(c->typechar < 0 ? FC_MAYBE : %s)", f ? "FC_TRUE" : "FC_FALSE");
		return;
	}
	case KF_CONTAINER_ID:
		if (k->match == KM_EXISTS)
			goto is_true;
		if (k->match != KM_STR_EQ && k->match != KM_STR_IN)
			goto maybe;
		sb_printf(b, "((c->task.flags & FC_TASK_IN_CONTAINER) ? FC_MAYBE : %s)",
			  split_has_str(k, "host") ? "FC_TRUE" : "FC_FALSE");
		return;
	case KF_FD_L4PROTO:
		goto maybe;
	default:
		break;
	}

	if (k->match == KM_FLAGS_ANY) {
		if (flags_check(g, sc, k, b))
			return;
		goto maybe;
	}
	if (k->match <= KM_NUM_IN || (k->match == KM_EXISTS && num_field(g, sc, k, &val, &known))) {
		if (!num_field(g, sc, k, &val, &known))
			goto maybe;
		if (k->match == KM_EXISTS) {
			sb_printf(b, "(%s ? FC_TRUE : FC_MAYBE)", known);
			return;
		}
		sb_printf(b, "fc_tri(%s, ", known);
		put_num_cond(b, val, k);
		sb_putc(b, ')');
		return;
	}
	svi = str_view(sc, k);
	if (svi >= 0 && str_check(g, k, svi, b))
		return;
	b->len = mark;
maybe:
	b->len = mark;
	sb_puts(b, "FC_MAYBE");
	return;
is_true:
	sb_puts(b, "FC_TRUE");
}

/* Whether the field's value comes from the task (c->task, c->tid). */
static bool field_of_task(enum kfield f)
{
	switch (f) {
	case KF_PROC_NAME:
	case KF_PROC_PNAME:
	case KF_PROC_ANAME:
	case KF_PROC_PID:
	case KF_PROC_PPID:
	case KF_THREAD_TID:
	case KF_USER_UID:
	case KF_USER_LOGINUID:
	case KF_GROUP_GID:
	case KF_CONTAINER_ID:
		return true;
	default:
		return false;
	}
}

/* The check's text for the comment above it. */
static void put_check_comment(struct strbuf *b, const struct kexpr *k)
{
	struct strbuf t = { 0 };
	split_print(&t, k);
	if (t.len > 100) {
		t.len = 97;
		sb_puts(&t, "...");
	}
	put_comment_text(b, sb_str(&t));
	sb_free(&t);
}

/* "dst = seal(value of check k);", where x is the check's C expression:
 * a task field's check first makes sure the task's values are read
 * (they are read on first use, fc_task__need). */
static void put_check_value(struct strbuf *b, const char *dst, const struct kexpr *k,
			    const char *x, int ind)
{
	bool constant = !strcmp(x, "FC_TRUE") || !strcmp(x, "FC_FALSE") || !strcmp(x, "FC_MAYBE");

	put_ind(b, ind);
	if (field_of_task(k->kfield) && !constant)
		sb_printf(b, "%s = fc_tri__seal(c, (fc_task__need(c), %s));\n", dst, x);
	else
		sb_printf(b, "%s = fc_tri__seal(c, %s);\n", dst, x);
}

/*
 * Set checks on one field and kind whose sets' bits share a bitmap word
 * answer together: "fd.name endswith A or fd.name endswith B or ..." is
 * one test of the looked-up word against a mask (fc_str__any), not one
 * check per list. The group key of such a check, or -1.
 */
static long set_group(struct cg *g, const struct cg_sc *sc, const struct kexpr *k)
{
	if (k->kind != KX_CHECK ||
	    (k->match != KM_STR_IN && k->match != KM_STR_PREFIX && k->match != KM_STR_SUFFIX))
		return -1;
	const struct split_set *s = k->set_id >= 0 ? split_set_by_id(g->sr, k->set_id) : NULL;
	int svi = str_view(sc, k), bit = s && s->nstrs ? set_bit(g->sr, s) : -1;
	if (svi < 0 || bit < 0)
		return -1;
	return (long)view_kind(svi, kind_no(k->match)) * 4096 + bit / 64;
}

/* The or of kids[i..] of k in group grp[i] (grp: set_group of each kid),
 * as one check. */
static void emit_set_group(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
			   const long *grp, unsigned i, const char *dst, int ind)
{
	static const char *const key[] = { "FC_KEY_IN", "FC_KEY_PREFIX", "FC_KEY_SUFFIX" };
	struct strbuf *b = g->out;
	uint64_t mask = 0;
	int svi = str_view(sc, k->kids[i]);

	put_ind(b, ind);
	sb_puts(b, "/* any of:");
	for (unsigned j = i; j < k->nkids; j++) {
		const struct kexpr *x = k->kids[j];
		const struct split_set *s = split_set_by_id(g->sr, x->set_id);
		if (grp[j] != grp[i])
			continue;
		mask |= 1ull << (set_bit(g->sr, s) % 64);
		bloom_use(g, svi, s);
		sb_putc(b, '\n');
		put_ind(b, ind);
		sb_puts(b, " *   ");
		put_check_comment(b, x);
	}
	sb_puts(b, " */\n");
	char *e = arena_printf(g->a, "fc_str__any(c, %s, %s, %ld, 0x%" PRIx64 "ull)",
			       sv_name(g, svi), key[kind_no(k->kids[i]->match)], grp[i] % 4096, mask);
	put_check_value(b, dst, k->kids[i], e, ind);
}

/* How kid i of an or joins the set groups: 0 alone, 1 first of a group
 * of several, -1 in the group of an earlier kid. */
static int group_role(const long *grp, unsigned n, unsigned i)
{
	if (grp[i] < 0)
		return 0;
	for (unsigned j = 0; j < i; j++)
		if (grp[j] == grp[i])
			return -1;
	for (unsigned j = i + 1; j < n; j++)
		if (grp[j] == grp[i])
			return 1;
	return 0;
}

/* Emit statements leaving k's tri-value in variable `dst`. */
static void emit_expr(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
		      const char *dst, int ind);

/* Declare t and leave operand i of the and/or k in it: its set group's
 * one test when it leads one (role > 0), else its own expression. */
static void emit_operand(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
			 const long *grp, unsigned i, int role, const char *t, int ind)
{
	put_ind(g->out, ind);
	sb_printf(g->out, "int %s;\n\n", t);
	if (role > 0)
		emit_set_group(g, sc, k, grp, i, t, ind);
	else
		emit_expr(g, sc, k->kids[i], t, ind);
}

static void emit_expr(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
		      const char *dst, int ind)
{
	struct strbuf *b = g->out;

	switch (k->kind) {
	case KX_TRUE:
		put_ind(b, ind);
		sb_printf(b, "%s = FC_TRUE;\n", dst);
		return;
	case KX_FALSE:
		put_ind(b, ind);
		sb_printf(b, "%s = FC_FALSE;\n", dst);
		return;
	case KX_MAYBE:
		put_ind(b, ind);
		sb_printf(b, "%s = FC_MAYBE;\n", dst);
		return;
	case KX_NOT:
		emit_expr(g, sc, k->kids[0], dst, ind);
		put_ind(b, ind);
		sb_printf(b, "%s = fc_tri__seal(c, fc_tri__not(%s));\n", dst, dst);
		return;
	case KX_AND:
	case KX_OR: {
		bool and = k->kind == KX_AND;
		if (!k->nkids) {
			put_ind(b, ind);
			sb_printf(b, "%s = %s;\n", dst, and ? "FC_TRUE" : "FC_FALSE");
			return;
		}
		/* an or's set checks on one field and kind: one test */
		long *grp = ARENA_NEWN(g->a, long, k->nkids);
		for (unsigned i = 0; i < k->nkids; i++)
			grp[i] = and ? -1 : set_group(g, sc, k->kids[i]);
		if (group_role(grp, k->nkids, 0) > 0)
			emit_set_group(g, sc, k, grp, 0, dst, ind);
		else
			emit_expr(g, sc, k->kids[0], dst, ind);
		for (unsigned i = 1; i < k->nkids; i++) {
			int role = group_role(grp, k->nkids, i);
			if (role < 0)
				continue;
			char *t = arena_printf(g->a, "t%u", g->tmp++);
			put_ind(b, ind);
			sb_printf(b, "if (%s != %s) {\n", dst, and ? "FC_FALSE" : "FC_TRUE");
			emit_operand(g, sc, k, grp, i, role, t, ind + 1);
			put_ind(b, ind + 1);
			sb_printf(b, "%s = fc_tri__seal(c, fc_tri__%s(%s, %s));\n", dst,
				  and ? "and" : "or", dst, t);
			put_ind(b, ind);
			sb_puts(b, "}\n");
		}
		return;
	}
	case KX_CHECK: {
		struct strbuf e = { 0 };
		put_ind(b, ind);
		sb_puts(b, "/* ");
		put_check_comment(b, k);
		sb_puts(b, " */\n");
		check_expr(g, sc, k, &e);
		put_check_value(b, dst, k, sb_str(&e), ind);
		sb_free(&e);
		return;
	}
	}
}

/* The operands of k and of the ors nested in it (or is associative). */
static void gate_or_flatten(const struct kexpr *k, struct kexpr **out, unsigned *n)
{
	for (unsigned i = 0; i < k->nkids; i++) {
		if (k->kids[i]->kind == KX_OR)
			gate_or_flatten(k->kids[i], out, n);
		else
			out[(*n)++] = k->kids[i];
	}
}

static unsigned gate_or_count(const struct kexpr *k)
{
	unsigned n = 0;
	for (unsigned i = 0; i < k->nkids; i++)
		n += k->kids[i]->kind == KX_OR ? gate_or_count(k->kids[i]) : 1;
	return n;
}

/*
 * A gate's or (emit_selective): every operand evaluated, the results
 * or-ed without a branch (FC_TRUE | x is FC_TRUE, FC_MAYBE | FC_FALSE is
 * FC_MAYBE: the encoding in fc_probe.bpf.h). An event that reaches a
 * gate almost always fails all its operands, so short-circuiting would
 * skip nothing, while each branch costs a compare and, for the verifier,
 * a sealed value (see fc_tri__seal); each operand is sealed once, as its
 * own value, and the or of sealed values needs no seal.
 */
static void emit_gate_or(struct cg *g, const struct cg_sc *sc, const struct kexpr *k,
			 const char *dst, int ind)
{
	struct strbuf *b = g->out;
	struct kexpr *flat = split_node(g->a, KX_OR);
	unsigned n = gate_or_count(k);

	flat->kids = ARENA_NEWN(g->a, struct kexpr *, n + 1);
	gate_or_flatten(k, flat->kids, &flat->nkids);
	/* one test for the set checks on one field and kind, wherever in the
	 * nested ors they were (two rules' identical lists become one) */
	long *grp = ARENA_NEWN(g->a, long, n + 1);
	for (unsigned i = 0; i < n; i++)
		grp[i] = set_group(g, sc, flat->kids[i]);
	put_ind(b, ind);
	sb_printf(b, "%s = FC_FALSE;\n", dst);
	for (unsigned i = 0; i < n; i++) {
		int role = group_role(grp, n, i);
		if (role < 0)
			continue;
		char *t = arena_printf(g->a, "t%u", g->tmp++);
		put_ind(b, ind);
		sb_puts(b, "{\n");
		emit_operand(g, sc, flat, grp, i, role, t, ind + 1);
		put_ind(b, ind + 1);
		sb_printf(b, "%s |= %s;\n", dst, t);
		put_ind(b, ind);
		sb_puts(b, "}\n");
	}
}

/* ---- per-syscall folding ---- */

static bool field_of_task(enum kfield f);

/* Constant value of a check for this syscall, or -1 (evaluated at run
 * time). Only exact facts: evt.type and evt.dir. */
static int check_const(const struct cg_sc *sc, const struct kexpr *k)
{
	if ((k->kfield == KF_EVT_TYPE || k->kfield == KF_EVT_DIR) &&
	    (k->match == KM_STR_EQ || k->match == KM_STR_IN)) {
		const char *v = k->kfield == KF_EVT_TYPE ? sc->name
				: !strcmp(sc->name, "procexit") ? ">" : "<";
		return split_has_str(k, v) ? KX_TRUE : KX_FALSE;
	}
	return -1;
}


/*
 * Operand order. Kleene and/or are commutative and checks have no side
 * effects, so the order of an and/or's operands changes only how soon a
 * verdict is reached. An and stops at its first FALSE operand and most
 * events match no rule, so its operands go by cost over the chance of
 * being FALSE (a cheap check of the flags or the result before any
 * string is looked at, a selective set lookup before a negated one);
 * an or by cost over the chance of being TRUE. The estimates are rough.
 */
struct cg_seen {
	const struct kexpr *v[16]; /* set checks already charged in this subtree */
	unsigned n;
};

static double p_true(const struct kexpr *k);

/* Expected run-time cost. An and/or evaluates an operand only while the
 * ones before it leave the verdict open (their kids are already in
 * order: fold works bottom-up). A set check costs a bloom test, and a
 * lookup once per field and kind per event, so only the first of a
 * subtree's checks on the same field and kind is charged for it. */
static double cost_of(const struct kexpr *k, struct cg_seen *seen)
{
	double c = 0, reach = 1;

	switch (k->kind) {
	case KX_TRUE:
	case KX_FALSE:
	case KX_MAYBE:
		return 0;
	case KX_NOT:
		return cost_of(k->kids[0], seen);
	case KX_AND:
	case KX_OR:
		for (unsigned i = 0; i < k->nkids; i++) {
			double p = p_true(k->kids[i]);
			c += reach * cost_of(k->kids[i], seen);
			reach *= k->kind == KX_AND ? p : 1 - p;
		}
		return c;
	case KX_CHECK:
		break;
	}
	switch (k->match) {
	case KM_STR_CONTAINS:
		c = 12;
		break;
	case KM_STR_GLOB:
		c = 20;
		break;
	case KM_STR_IN:
	case KM_STR_PREFIX:
	case KM_STR_SUFFIX:
		c = 4;
		for (unsigned i = 0; i < seen->n; i++) {
			const struct kexpr *o = seen->v[i];
			if (o->kfield == k->kfield && o->match == k->match &&
			    !strcmp(o->arg ? o->arg : "", k->arg ? k->arg : ""))
				c = 1;
		}
		if (c == 4 && seen->n < 16)
			seen->v[seen->n++] = k;
		break;
	case KM_STR_EQ:
		c = 2;
		break;
	default:
		c = 1; /* numbers, flags, the result */
		break;
	}
	if (field_of_task(k->kfield))
		c += 15; /* the task's values, read once per event (about 20 loads) */
	return c;
}

static double cost(const struct kexpr *k)
{
	struct cg_seen seen = { .n = 0 };
	return cost_of(k, &seen);
}

/* The chance that k is TRUE, roughly: a string matching a given value or
 * list is rare, a number or flag test even. */
static double p_true(const struct kexpr *k)
{
	double p = 1;

	switch (k->kind) {
	case KX_TRUE:
		return 1;
	case KX_FALSE:
		return 0;
	case KX_MAYBE:
		return 0.5;
	case KX_NOT:
		return 1 - p_true(k->kids[0]);
	case KX_AND:
		for (unsigned i = 0; i < k->nkids; i++)
			p *= p_true(k->kids[i]);
		return p;
	case KX_OR: {
		/* a path or name in one of several lists is about as rare as
		 * in one: the string checks of an or count as one, at most
		 * twice as likely as a single check */
		double s = 0;
		for (unsigned i = 0; i < k->nkids; i++) {
			const struct kexpr *x = k->kids[i];
			if (x->kind == KX_CHECK && x->match >= KM_STR_EQ && x->match <= KM_STR_GLOB)
				s += p_true(x);
			else
				p *= 1 - p_true(x);
		}
		return 1 - p * (1 - (s < 0.1 ? s : 0.1));
	}
	case KX_CHECK:
		break;
	}
	switch (k->kfield) {
	case KF_FD_TYPECHAR:
	case KF_FD_TYPE:
		return 0.9; /* opens are mostly of files */
	case KF_EVT_IS_OPEN_READ:
	case KF_EVT_IS_OPEN_WRITE: {
		/* most opens read */
		double r = k->kfield == KF_EVT_IS_OPEN_READ ? 0.8 : 0.3;
		int want = split_bool_want(k);
		return want < 0 ? 0.5 : want ? r : 1 - r;
	}
	case KF_EVT_RAWRES:
		/* most calls succeed */
		if (k->match == KM_NUM_GE || k->match == KM_NUM_GT)
			return 0.9;
		if (k->match == KM_NUM_LT || k->match == KM_NUM_LE)
			return 0.1;
		break;
	default:
		break;
	}
	switch (k->match) {
	case KM_STR_EQ:
	case KM_STR_IN:
	case KM_STR_PREFIX:
	case KM_STR_SUFFIX:
	case KM_STR_CONTAINS:
	case KM_STR_GLOB:
		return 0.05;
	case KM_EXISTS:
		return 0.9;
	case KM_FLAGS_ANY:
		return 0.3;
	default:
		return 0.5;
	}
}

/* Operand order key: cost over the chance of deciding the node. */
static double rank(const struct kexpr *k, bool and)
{
	double p = and ? 1 - p_true(k) : p_true(k);
	return (cost(k) + 0.5) / (p > 0.01 ? p : 0.01);
}

/* Sort n kids by rank, stably (insertion sort: a handful of kids). */
static void sort_by_cost(struct kexpr **kids, unsigned n, bool and)
{
	for (unsigned i = 1; i < n; i++) {
		struct kexpr *x = kids[i];
		double rx = rank(x, and);
		unsigned j = i;
		while (j > 0 && rank(kids[j - 1], and) > rx) {
			kids[j] = kids[j - 1];
			j--;
		}
		kids[j] = x;
	}
}

/* k simplified for syscall sc (evt.type folded), in three-valued logic,
 * and/or operands cheapest first. */
static struct kexpr *fold(struct arena *a, const struct cg_sc *sc, const struct kexpr *k)
{
	switch (k->kind) {
	case KX_TRUE:
	case KX_FALSE:
	case KX_MAYBE:
		return (struct kexpr *)k;
	case KX_CHECK: {
		int c = check_const(sc, k);
		return c < 0 ? (struct kexpr *)k : split_node(a, (enum kx_kind)c);
	}
	case KX_NOT: {
		struct kexpr *x = fold(a, sc, k->kids[0]);
		if (x->kind == KX_TRUE)
			return split_node(a, KX_FALSE);
		if (x->kind == KX_FALSE)
			return split_node(a, KX_TRUE);
		if (x->kind == KX_MAYBE)
			return x;
		if (x == k->kids[0])
			return (struct kexpr *)k;
		struct kexpr *n = split_node(a, KX_NOT);
		n->kids = ARENA_NEWN(a, struct kexpr *, 1);
		n->kids[0] = x;
		n->nkids = 1;
		return n;
	}
	case KX_AND:
	case KX_OR: {
		bool and = k->kind == KX_AND;
		struct kexpr *n = split_node(a, k->kind);
		bool maybe = false;
		n->kids = ARENA_NEWN(a, struct kexpr *, k->nkids ? k->nkids : 1);
		for (unsigned i = 0; i < k->nkids; i++) {
			struct kexpr *x = fold(a, sc, k->kids[i]);
			if (x->kind == (and ? KX_FALSE : KX_TRUE))
				return x; /* decides the whole node */
			if (x->kind == (and ? KX_TRUE : KX_FALSE))
				continue;
			if (x->kind == KX_MAYBE) {
				maybe = true;
				continue;
			}
			n->kids[n->nkids++] = x;
		}
		sort_by_cost(n->kids, n->nkids, and);
		/* the evaluation of MAYBE kids is MAYBE: keep it last */
		if (maybe)
			n->kids[n->nkids++] = split_node(a, KX_MAYBE);
		if (n->nkids == 0)
			return split_node(a, and ? KX_TRUE : KX_FALSE);
		if (n->nkids == 1)
			return n->kids[0];
		return n;
	}
	}
	return (struct kexpr *)k;
}

/* ---- the file ---- */

static bool rule_has_evt(const struct rs_rule *r, int evi)
{
	return evi >= 0 && r->evttypes && evttypes_has(r->evttypes, (size_t)evi);
}

static void put_rule_comment(struct strbuf *b, const struct split_rule *sr, int ind)
{
	const struct rs_rule *r = sr->rule;
	put_ind(b, ind);
	sb_puts(b, "/* rule \"");
	put_comment_text(b, r->name);
	sb_puts(b, "\" (");
	put_comment_text(b, r->loc.file ? r->loc.file : r->file ? r->file : "?");
	sb_printf(b, ":%u) */\n", (unsigned)r->loc.line);
}

/*
 * A rule's kernel part as it runs on one syscall: a constant when the
 * folded tree is one (no code), else one of the rule's functions. The
 * folded trees of a rule's syscalls mostly print the same (open, openat
 * and openat2 see the same fd.name), so each distinct text becomes one
 * function shared by those syscalls' filters.
 */
struct cg_use {
	int konst;     /* KX_TRUE / KX_FALSE / KX_MAYBE, or -1: call fn */
	unsigned fn;   /* index into cg_rule_fns.v */
	const struct kexpr *k; /* the folded kernel part (konst < 0) */
};

struct cg_fn {
	const struct split_rule *rule;
	const char *name;   /* "fc_rule_3" or "fc_rule_3_open" */
	struct strbuf body; /* the statements */
	struct strbuf users; /* "open, openat" */
	bool production;    /* some user is not an always-flow syscall */
};

static const char *const_name(int k)
{
	return k == KX_TRUE ? "FC_TRUE" : k == KX_FALSE ? "FC_FALSE" : "FC_MAYBE";
}

/* uses[r * CG_NSC + s]: rule r on syscall s (only where the rule applies). */
static void plan_rules(struct cg *g, struct cg_use *uses, struct vec *fns)
{
	for (size_t i = 0; i < g->sr->rules.n; i++) {
		const struct split_rule *sr = g->sr->rules.v[i];
		size_t first = fns->n;
		for (size_t s = 0; s < CG_NSC; s++) {
			const struct cg_sc *sc = &cg_scs[s];
			struct cg_use *u = &uses[i * CG_NSC + s];
			if (!rule_has_evt(sr->rule, fields_evtname_index(sc->name)))
				continue;
			if (!g->o->kernel_filter || !sr->kernel) {
				u->konst = KX_TRUE;
				continue;
			}
			struct kexpr *k = fold(g->a, sc, sr->kernel);
			if (k->kind == KX_TRUE || k->kind == KX_FALSE || k->kind == KX_MAYBE) {
				u->konst = (int)k->kind;
				continue;
			}
			struct strbuf body = { 0 };
			struct strbuf *out = g->out;
			g->out = &body;
			g->tmp = 0;
			emit_expr(g, sc, k, "v", 1);
			g->out = out;
			u->konst = -1;
			u->k = k;
			size_t f;
			for (f = first; f < fns->n; f++) {
				struct cg_fn *fn = fns->v[f];
				if (fn->body.len == body.len && !memcmp(fn->body.s, body.s, body.len))
					break;
			}
			if (f == fns->n) {
				struct cg_fn *fn = ARENA_NEW(g->a, struct cg_fn);
				fn->rule = sr;
				fn->body = body;
				vec_push(g->a, fns, fn);
			} else {
				sb_free(&body);
			}
			struct cg_fn *fn = fns->v[f];
			u->fn = (unsigned)f;
			sb_printf(&fn->users, "%s%s", fn->users.len ? ", " : "", sc->name);
			if (!(sc->flags & FC_SCF_ALWAYS))
				fn->production = true;
		}
		/* one function: fc_rule_<i>; several: named after their first user */
		for (size_t f = first; f < fns->n; f++) {
			struct cg_fn *fn = fns->v[f];
			if (fns->n - first == 1) {
				fn->name = arena_printf(g->a, "fc_rule_%u", sr->index);
			} else {
				const char *u = sb_str(&fn->users);
				size_t n = strcspn(u, ",");
				fn->name = arena_printf(g->a, "fc_rule_%u_%.*s", sr->index, (int)n, u);
			}
		}
	}
}

static void emit_rule_fn(struct cg *g, const struct cg_fn *fn)
{
	struct strbuf *b = g->out;

	put_rule_comment(b, fn->rule, 0);
	b->len--; /* the comment's newline: add the users */
	sb_puts(b, "\n/* on ");
	sb_puts(b, sb_str((struct strbuf *)&fn->users));
	sb_puts(b, " */\n");
	/* only always-flow syscalls: their filters run in the test harness only */
	if (!fn->production)
		sb_puts(b, "#ifdef FC_TEST_HARNESS\n");
	sb_printf(b, "FC_GLOBAL int %s(struct fc_scratch *c)\n{\n", fn->name);
	sb_puts(b, "\tint v;\n\n\tif (!c)\n\t\treturn FC_MAYBE;\n");
	sb_putn(b, fn->body.s, fn->body.len);
	sb_puts(b, "\treturn v;\n}\n");
	if (!fn->production)
		sb_puts(b, "#endif\n");
	sb_putc(b, '\n');
}

/*
 * Gates. Most rules of a syscall start with the same cheap checks (an
 * open for writing, a successful result), and most events fail them. A
 * rule whose kernel part is an and of checks is FALSE when any of them
 * is, so the filter tests such a shared check once and calls the rules
 * that need it only when it is not FALSE: for a read-only open, one test
 * instead of a dozen rule calls.
 */
struct cg_rule_ref {
	const struct split_rule *sr;
	const struct cg_use *u;
	const char **gates; /* the C text of its checks a gate may test (gate_text) */
	double *gate_p;     /* and how often each is TRUE */
	unsigned ngates;
};

/* The checks k is an and of, through nested ands (up to max). */
static unsigned and_leaves(const struct kexpr *k, const struct kexpr **out, unsigned n,
			   unsigned max)
{
	if (k->kind == KX_AND) {
		for (unsigned i = 0; i < k->nkids; i++)
			n = and_leaves(k->kids[i], out, n, max);
		return n;
	}
	if (k->kind == KX_CHECK && n < max)
		out[n++] = k;
	return n;
}

/* The C text of check x if a gate may test it (a cheap check, not a
 * string lookup), else NULL. */
static const char *gate_text(struct cg *g, const struct cg_sc *sc, const struct kexpr *x)
{
	if (cost(x) > 2 || p_true(x) > 0.6)
		return NULL;
	struct strbuf e = { 0 };
	check_expr(g, sc, x, &e);
	const char *t = arena_strdup(g->a, sb_str(&e));
	sb_free(&e);
	if (!strcmp(t, "FC_TRUE") || !strcmp(t, "FC_FALSE") || !strcmp(t, "FC_MAYBE"))
		return NULL;
	return t;
}

#define CG_LEAVES 64

/* r's possible gates, once per rule and syscall. */
static void rule_gates(struct cg *g, const struct cg_sc *sc, struct cg_rule_ref *r)
{
	const struct kexpr *lv[CG_LEAVES];
	unsigned n = r->u->konst < 0 ? and_leaves(r->u->k, lv, 0, CG_LEAVES) : 0;

	r->gates = ARENA_NEWN(g->a, const char *, n + 1);
	r->gate_p = ARENA_NEWN(g->a, double, n + 1);
	r->ngates = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *t = gate_text(g, sc, lv[i]);
		if (!t)
			continue;
		r->gates[r->ngates] = t;
		r->gate_p[r->ngates++] = p_true(lv[i]);
	}
}

static bool rule_has_gate(const struct cg_rule_ref *r, const char *gate)
{
	for (unsigned i = 0; i < r->ngates; i++)
		if (!strcmp(r->gates[i], gate))
			return true;
	return false;
}

/* Move the rules with in[i] set to the front, keeping their order (and
 * the others'); returns how many. */
static size_t put_first(struct cg_rule_ref *rules, size_t n, const bool *in)
{
	struct cg_rule_ref *t = malloc(sizeof(*t) * (n ? n : 1));
	size_t k = 0;

	if (!t)
		abort();
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (in[i] == (pass == 0))
				t[k++] = rules[i];
	memcpy(rules, t, sizeof(*t) * n);
	free(t);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += in[i];
	return m;
}

static void emit_rule_call(struct cg *g, const struct cg_rule_ref *r, const struct vec *fns,
			   int ind)
{
	struct strbuf *b = g->out;

	put_rule_comment(b, r->sr, ind);
	put_ind(b, ind);
	sb_printf(b, "if (fc_rule_enabled[%u])\n", r->sr->index);
	put_ind(b, ind + 1);
	sb_printf(b, "pass |= fc_rule__pass(c, %u, ", r->sr->index);
	if (r->u->konst >= 0)
		sb_puts(b, const_name(r->u->konst));
	else
		sb_printf(b, "%s(c)", ((const struct cg_fn *)fns->v[r->u->fn])->name);
	sb_puts(b, ");\n");
}

/* A rule's most selective and-operand (TRUE for few events) for its
 * cost, or NULL. */
static const struct kexpr *selective_kid(const struct kexpr *k)
{
	const struct kexpr *best = NULL;

	if (k->kind != KX_AND)
		return NULL;
	/* selective and cheap: the least (cost + 1) * (chance TRUE + 0.01) */
	double best_score = 0;
	for (unsigned i = 0; i < k->nkids; i++) {
		const struct kexpr *x = k->kids[i];
		double score = (cost(x) + 1) * (p_true(x) + 0.01);
		if (p_true(x) > 0.2)
			continue;
		if (!best || score < best_score) {
			best = x;
			best_score = score;
		}
	}
	return best;
}

static void emit_gated(struct cg *g, const struct cg_sc *sc, struct cg_rule_ref *rules, size_t n,
		       const struct vec *fns, int ind, int depth, const char **used, int nused);

/*
 * The rules left without a shared cheap gate: those that each need some
 * selective operand (a path or name in a list, say) sit under the or of
 * these operands. An event that matches none of them (most do not) is
 * decided by that one or, whose string checks the memo shares, instead
 * of by one call per rule; a rule that runs afterwards finds its checks
 * already answered. Sound: a rule is FALSE when any and-operand is.
 */
static void emit_selective(struct cg *g, const struct cg_sc *sc, struct cg_rule_ref *rules,
			   size_t n, const struct vec *fns, int ind)
{
	struct strbuf *b = g->out;
	struct kexpr *or = split_node(g->a, KX_OR);
	bool *in = ARENA_NEWN(g->a, bool, n + 1);

	or->kids = ARENA_NEWN(g->a, struct kexpr *, n + 1);
	for (size_t i = 0; i < n; i++) {
		const struct kexpr *x = rules[i].u->konst < 0 ? selective_kid(rules[i].u->k) : NULL;
		if ((in[i] = x != NULL))
			or->kids[or->nkids++] = (struct kexpr *)x;
	}
	size_t m = put_first(rules, n, in);
	if (m) {
		char *gv = arena_printf(g->a, "g%u", g->tmp++);
		put_ind(b, ind);
		sb_printf(b, "/* %zu rules need one of these: */\n", m);
		put_ind(b, ind);
		sb_printf(b, "int %s;\n", gv);
		emit_gate_or(g, sc, or, gv, ind);
		put_ind(b, ind);
		sb_printf(b, "if (%s != FC_FALSE) {\n", gv);
		for (size_t i = 0; i < m; i++)
			emit_rule_call(g, &rules[i], fns, ind + 1);
		put_ind(b, ind);
		sb_puts(b, "}\n");
	}
	for (size_t i = m; i < n; i++)
		emit_rule_call(g, &rules[i], fns, ind);
}

/* Emit the calls of rules[0..n), grouped under gates (depth levels);
 * used: the gates already tested around them. */
static void emit_gated(struct cg *g, const struct cg_sc *sc, struct cg_rule_ref *rules, size_t n,
		       const struct vec *fns, int ind, int depth, const char **used, int nused)
{
	struct strbuf *b = g->out;
	bool *in = ARENA_NEWN(g->a, bool, n + 1);

	while (n) {
		/* the gate that spares most rule calls: shared by at least 3
		 * rules, by how many and how often it is FALSE */
		const char *best = NULL;
		double best_score = 0;
		for (size_t i = 0; i < n && depth > 0; i++) {
			for (unsigned j = 0; j < rules[i].ngates; j++) {
				const char *t = rules[i].gates[j];
				bool seen = false;
				for (int q = 0; q < nused; q++)
					seen |= !strcmp(used[q], t);
				if (seen)
					continue;
				size_t cnt = 0;
				for (size_t r = 0; r < n; r++)
					cnt += rule_has_gate(&rules[r], t);
				double score = (double)cnt * (1 - rules[i].gate_p[j]);
				if (cnt >= 3 && score > best_score) {
					best = t;
					best_score = score;
				}
			}
		}
		if (!best) {
			emit_selective(g, sc, rules, n, fns, ind);
			return;
		}
		/* the rules with the gate first, in their order */
		for (size_t i = 0; i < n; i++)
			in[i] = rule_has_gate(&rules[i], best);
		size_t m = put_first(rules, n, in);
		char *gv = arena_printf(g->a, "g%u", g->tmp++);
		put_ind(b, ind);
		sb_printf(b, "/* %zu rules need: */\n", m);
		put_ind(b, ind);
		sb_printf(b, "int %s = fc_tri__seal(c, %s);\n", gv, best);
		put_ind(b, ind);
		sb_printf(b, "if (%s != FC_FALSE) {\n", gv);
		const char **u2 = ARENA_NEWN(g->a, const char *, (size_t)nused + 1);
		if (nused)
			memcpy(u2, used, sizeof(*used) * (size_t)nused);
		u2[nused] = best;
		emit_gated(g, sc, rules, m, fns, ind + 1, depth - 1, u2, nused + 1);
		put_ind(b, ind);
		sb_puts(b, "}\n");
		rules += m;
		n -= m;
	}
}

static void emit_filter(struct cg *g, const struct cg_sc *sc, const struct cg_use *uses,
			const struct vec *fns)
{
	struct strbuf *b = g->out;
	size_t s = (size_t)(sc - cg_scs);
	int evi = fields_evtname_index(sc->name);
	struct cg_rule_ref *rules = ARENA_NEWN(g->a, struct cg_rule_ref, g->sr->rules.n + 1);
	size_t nr = 0;

	sb_printf(b, "/* %s: event %d", sc->name, sc->ppme);
	if (sc->flags & FC_SCF_ALWAYS)
		sb_puts(b, ", always sent (process state); filter used by tests only");
	sb_puts(b, " */\n");
	sb_printf(b, "static __always_inline bool fc_filter_%s(struct fc_scratch *c)\n{\n", sc->name);
	sb_puts(b, "\tbool pass = false;\n\n");
	if (sc->flags & FC_SCF_ALWAYS)
		sb_puts(b, "#ifdef FC_TEST_HARNESS\n");
	for (size_t i = 0; i < g->sr->rules.n; i++) {
		const struct split_rule *sr = g->sr->rules.v[i];
		if (!rule_has_evt(sr->rule, evi))
			continue;
		rules[nr].sr = sr;
		rules[nr].u = &uses[i * CG_NSC + s];
		rule_gates(g, sc, &rules[nr++]);
	}
	g->tmp = 0;
	emit_gated(g, sc, rules, nr, fns, 1, 2, NULL, 0);
	if (!nr)
		sb_puts(b, "\t/* no rule for this event type */\n");
	if (sc->flags & FC_SCF_ALWAYS)
		sb_puts(b, "#endif\n");
	sb_puts(b, "\treturn pass;\n}\n\n");
}

/* The syscall gets a program: a rule uses its event, or it always flows. */
static bool sc_interesting(const struct split_result *sr, const struct cg_sc *sc)
{
	int evi = fields_evtname_index(sc->name);

	if (sc->flags & FC_SCF_ALWAYS)
		return true;
	for (size_t i = 0; i < sr->rules.n; i++) {
		const struct split_rule *r = sr->rules.v[i];
		if (rule_has_evt(r->rule, evi))
			return true;
	}
	return false;
}

/*
 * Whether the dispatcher runs sc's program inline instead of
 * tail-calling it. A tail call through a variable slot is an indirect
 * jump, a retpoline on kernels with Spectre v2 mitigations: without it
 * the probe's overhead on the bench machine's open loop fell by 6 %,
 * about 25 ns per openat. Only openat, by far the most frequent syscall
 * the rules watch, is inlined: each program is compiled once whichever
 * way it is reached, but the dispatcher is verified with everything it
 * inlines.
 */
static bool sc_inlined(const struct cg_sc *sc)
{
	return !strcmp(sc->name, "openat");
}

/* #define NAME(X) X(sc)... over the syscalls that get a program and are
 * (inlined) or are not run inside the dispatcher. */
static void emit_program_list(struct strbuf *out, const struct split_result *sr, const char *name,
			      bool inlined)
{
	sb_printf(out, "#define %s(X)", name);
	for (size_t s = 0; s < CG_NSC; s++)
		if (sc_interesting(sr, &cg_scs[s]) && sc_inlined(&cg_scs[s]) == inlined)
			sb_printf(out, " \\\n\tX(%s)", cg_scs[s].name);
	sb_puts(out, "\n");
}

static void put_le(struct strbuf *b, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		sb_printf(b, "\\%03o", (unsigned)((v >> (8 * i)) & 0xff));
}

static void emit_meta(struct cg *g, uint64_t hash, unsigned nrules)
{
	struct strbuf *b = g->out;

	sb_puts(b, "/* Metadata: struct fc_meta_hdr, then name\\0text\\0 per rules file. */\n");
	sb_puts(b, "__attribute__((used)) SEC(FC_META_SECTION) const char fc_meta[] =\n");
	sb_puts(b, "\t\"FALCOC\\000\\000\" /* magic */\n\t\"");
	put_le(b, FC_ABI_VERSION, 4);
	put_le(b, g->o->kernel_filter ? FC_META_KERNEL_FILTER : 0, 4);
	put_le(b, nrules, 4);
	put_le(b, g->o->nfiles, 4);
	put_le(b, hash, 8);
	sb_puts(b, "\" /* abi, flags, nrules, nfiles, hash */");
	for (size_t f = 0; f < g->o->nfiles; f++) {
		const struct cg_file *cf = &g->o->files[f];
		sb_puts(b, "\n\t");
		put_cstr(b, cf->name, strlen(cf->name));
		sb_puts(b, " \"\\000\"");
		/* the text, one literal per line */
		size_t s = 0;
		for (size_t i = 0; i <= cf->len; i++) {
			if (i == cf->len || cf->text[i] == '\n') {
				size_t e = i < cf->len ? i + 1 : i;
				if (e > s) {
					sb_puts(b, "\n\t");
					put_cstr(b, cf->text + s, e - s);
				}
				s = e;
			}
		}
		sb_puts(b, "\n\t\"\\000\"");
	}
	sb_puts(b, ";\n");
}

/* The kmod filter blob as a sized char array (no trailing NUL). */
static void emit_kfilter(struct strbuf *b, const void *blob, size_t n)
{
	const unsigned char *p = blob;

	sb_puts(b, "\n/* The kmod filter program (kmod/fcf/fcf_format.h), for --driver kmod. */\n");
	sb_printf(b, "__attribute__((used)) SEC(FC_KFILTER_SECTION) const char fc_kfilter[%zu] =", n);
	if (!n)
		sb_puts(b, " \"\"");
	for (size_t i = 0; i < n; i++) {
		if (i % 32 == 0)
			sb_puts(b, i ? "\"\n\t\"" : "\n\t\"");
		sb_printf(b, "\\%03o", p[i]);
	}
	if (n)
		sb_putc(b, '"');
	sb_puts(b, ";\n");
}

int cg_generate(struct arena *a, const struct split_result *sr, const struct cg_options *o,
		struct strbuf *out, struct cg_result *res, const char **err)
{
	struct cg g = { .a = a, .out = out, .sr = sr, .o = o };
	unsigned nrules = 0;

	strmap_init(&g.atoms, a);
	size_t start = out->len;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < sr->rules.n; i++) {
		const struct split_rule *r = sr->rules.v[i];
		if (r->index + 1 > nrules)
			nrules = r->index + 1;
	}
	if (nrules > FC_MAX_RULES) {
		*err = arena_printf(a, "%u rules: the probe supports at most %d", nrules,
				    FC_MAX_RULES);
		return -1;
	}
	res->nrules = nrules;

	sb_puts(out, "// SPDX-License-Identifier: Dual MIT/GPL\n"
		     "/* Generated by falcoc: the kernel part of each rule, per syscall. */\n");
	/* the rules' kernel parts, one function per distinct text (this
	 * also fills the literal pool, whose size the templates need) */
	struct cg_use *uses = ARENA_NEWN(a, struct cg_use, sr->rules.n * CG_NSC + 1);
	struct vec fns = { 0 };
	plan_rules(&g, uses, &fns);

	sb_printf(out, "#define FC_NRULES %u\n", nrules ? nrules : 1);
	/* 0: a Falco-style probe, whose filters pass every event of the
	 * rules' types, skips the field derivation no filter reads */
	sb_printf(out, "#define FC_KERNEL_FILTER %d\n", g.o->kernel_filter ? 1 : 0);
	sb_puts(out, "/* fc_lit[]: the checks' string literals, at these offsets (a check\n"
		     " * names one as offset, length: fc_str__eq(c, view, 0, 4)). */\n");
	sb_printf(out, "#define FC_LIT_BYTES %zu\n", lit_bytes(&g));
	sb_puts(out, "#define FC_LITERALS");
	if (!g.litv.n)
		sb_puts(out, " \"\"");
	for (size_t i = 0; i < g.litv.n; i++) {
		const struct cg_lit *l = g.litv.v[i];
		sb_printf(out, " \\\n\t/* %zu */ ", l->off);
		put_cstr(out, l->s, l->n);
	}
	sb_puts(out, "\n");
	sb_free(&g.lits);
	/* the set maps' sizes (the templates declare them: see cg_sets) */
	struct vec sets = { 0 };
	cg_sets(a, sr, &sets);
	static const struct {
		enum kx_match kind;
		const char *name, *what;
	} kinds[] = { { KM_STR_IN, "IN", "in" },
		      { KM_STR_PREFIX, "PREFIX", "startswith" },
		      { KM_STR_SUFFIX, "SUFFIX", "endswith" } };
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		unsigned nsets = 0, nstrs = 0;
		for (size_t i = 0; i < sets.n; i++) {
			const struct cg_set_info *s = sets.v[i];
			if (s->kind != kinds[k].kind)
				continue;
			nsets++;
			nstrs += s->nstrs;
		}
		sb_printf(out, "/* %u %s sets, %u strings */\n", nsets, kinds[k].what, nstrs);
		sb_printf(out, "#define FC_CAP_%s %u\n", kinds[k].name, kind_cap(sr, kinds[k].kind));
		sb_printf(out, "#define FC_NSTR_%s %u\n", kinds[k].name, nstrs ? nstrs : 1);
	}
	sb_printf(out, "#define FC_SET_WORDS %u\n", set_words(sr));
	emit_bloom(&g, out);
	emit_pair_tests(&g, out);
	sb_printf(out, "/* %u memoised checks (FC_ATOM) */\n", g.natoms);
	/* the per-event memo words a check can set, which are all the event
	 * start clears (fc_memo__reset): bit w for mvalid[w] */
	unsigned memo_words = 0;
	for (size_t i = 0; i < g.bloom.n; i++) {
		const struct cg_bloom_use *u = g.bloom.v[i];
		memo_words |= 1u << (view_kind(u->svi, kind_no(u->set->match)) >> 6);
	}
	sb_printf(out, "#define FC_MEMO_WORDS 0x%xu\n", memo_words);
	sb_printf(out, "#define FC_ATOM_WORDS %u\n", (g.natoms + 63) / 64);
	sb_puts(out, "#include \"fc_probe.bpf.h\"\n\n");

	/* run-time settings */
	sb_puts(out, "/* Rule enable flags, set by the loader before load (--disable-rule). */\n");
	sb_printf(out, "const volatile __u8 fc_rule_enabled[%u] = {", nrules ? nrules : 1);
	if (!nrules)
		sb_puts(out, " 0");
	for (size_t i = 0; i < sr->rules.n; i++) {
		const struct split_rule *r = sr->rules.v[i];
		sb_printf(out, "%s[%u] = %d", i ? ", " : " ", r->index, r->rule->enabled ? 1 : 0);
	}
	sb_puts(out, " };\n\n");

	sb_puts(out, "/* Syscalls with at least one rule, or always sent. */\n");
	sb_puts(out, "const volatile __u8 fc_interesting[FC_SC__COUNT] = {\n");
	for (size_t s = 0; s < CG_NSC; s++)
		if (sc_interesting(sr, &cg_scs[s]))
			sb_printf(out, "\t[FC_SC_%s] = 1,\n", cg_scs[s].name);
	sb_puts(out, "};\n\n");

	/* the rules' functions and the filters */
	for (size_t f = 0; f < fns.n; f++)
		emit_rule_fn(&g, fns.v[f]);

	/* The filters' gates re-emit subtrees of the rules' kernel parts
	 * (plan_rules emitted them all): they add no set, pair test or atom,
	 * whose tables are already written above. */
	size_t nbloom = g.bloom.n, nplits = g.plits.n;
	unsigned natoms = g.natoms;
	for (size_t s = 0; s < CG_NSC; s++)
		emit_filter(&g, &cg_scs[s], uses, &fns);
	if (g.bloom.n != nbloom || g.plits.n != nplits || g.natoms != natoms) {
		*err = "internal error: a filter's gate added a check its rules did not have";
		return -1;
	}
	for (size_t f = 0; f < fns.n; f++) {
		struct cg_fn *fn = fns.v[f];
		sb_free(&fn->users);
		sb_free(&fn->body);
	}

	/* The syscalls that get a program: those with a rule, and the
	 * always-sent ones. The hottest (sc_inlined) runs inside the
	 * dispatcher; the others are tail-called. */
	sb_puts(out, "/* Tail-called programs, and the syscalls the dispatcher runs inline. */\n");
	emit_program_list(out, sr, "FC_PROGRAMS", false);
	emit_program_list(out, sr, "FC_INLINED", true);
	sb_puts(out, "\n");
	sb_puts(out, "#include \"fc_programs.bpf.h\"\n\n");

	/* rules whose event types the probe never sends */
	for (size_t i = 0; i < sr->rules.n; i++) {
		const struct split_rule *r = sr->rules.v[i];
		if (!r->rule->evttypes)
			continue;
		struct strbuf miss = { 0 };
		unsigned nmiss = 0;
		for (size_t e = 0; e < fields_evtname_count(); e++) {
			if (!evttypes_has(r->rule->evttypes, e) || !fields_evtname_is_syscall(e))
				continue;
			bool have = false;
			for (size_t s = 0; s < CG_NSC && !have; s++)
				have = !strcmp(cg_scs[s].name, fields_evtname(e));
			if (!have && nmiss++ < 8)
				sb_printf(&miss, "%s%s", nmiss > 1 ? ", " : "", fields_evtname(e));
		}
		if (nmiss && nmiss < 32)
			vec_push(a, &res->warnings,
				 arena_printf(a, "rule \"%s\": event types not sent by the probe: %s%s",
					      r->rule->name, sb_str(&miss), nmiss > 8 ? ", ..." : ""));
		sb_free(&miss);
	}

	res->hash = cg_hash(out->s + start, out->len - start);
	emit_meta(&g, res->hash, nrules);
	if (o->kfilter)
		emit_kfilter(out, o->kfilter, o->kfilter_len);
	return 0;
}
