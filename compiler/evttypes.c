// SPDX-License-Identifier: Apache-2.0
/*
 * evttypes: the set of event types a rule can match (Falco's algorithm,
 * libsinsp filter/ppm_codes.cpp).
 *
 * Sets are bitsets over the event names of fields_evtname(). `and` is
 * intersection and `or` union; `not` is pushed to the leaves with De
 * Morgan. Only evt.type with = == != in defines a set; any other check is
 * neutral (all events) and stays neutral under negation. `evt.num = 0`
 * (the never_true idiom) is known empty.
 *
 * Rule ASTs are DAGs (macro bodies are shared), so results are memoised
 * per node and polarity; without that, a chain of macros each using the
 * previous twice would take exponential time.
 */
#include <string.h>

#include "fields.h"
#include "ruleset.h"

size_t evttypes_words(void)
{
	return (fields_evtname_count() + 63) / 64;
}

bool evttypes_has(const uint64_t *set, size_t i)
{
	return set[i / 64] >> (i % 64) & 1;
}

struct evt_ctx {
	struct ruleset *rs;
	size_t words;
	/* open-addressing memo keyed by node pointer */
	const struct ast **keys;
	uint64_t **vals[2];
	size_t cap, n;
};

static uint64_t *set_new(struct evt_ctx *c, bool all)
{
	uint64_t *s = ARENA_NEWN(c->rs->arena, uint64_t, c->words);
	size_t n = fields_evtname_count();

	if (all) {
		for (size_t i = 0; i < n; i++)
			s[i / 64] |= 1ull << (i % 64);
	}
	return s;
}

static void set_complement(struct evt_ctx *c, uint64_t *s)
{
	size_t n = fields_evtname_count();

	for (size_t w = 0; w < c->words; w++)
		s[w] = ~s[w];
	if (n % 64)
		s[c->words - 1] &= (1ull << (n % 64)) - 1;
}

static size_t memo_slot(struct evt_ctx *c, const struct ast *n)
{
	size_t i = ((uintptr_t)n >> 4) & (c->cap - 1);

	while (c->keys[i] && c->keys[i] != n)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static void memo_grow(struct evt_ctx *c)
{
	struct evt_ctx old = *c;

	c->cap = c->cap ? c->cap * 2 : 256;
	c->keys = ARENA_NEWN(c->rs->arena, const struct ast *, c->cap);
	c->vals[0] = ARENA_NEWN(c->rs->arena, uint64_t *, c->cap);
	c->vals[1] = ARENA_NEWN(c->rs->arena, uint64_t *, c->cap);
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.keys[i])
			continue;
		size_t j = memo_slot(c, old.keys[i]);
		c->keys[j] = old.keys[i];
		c->vals[0][j] = old.vals[0][i];
		c->vals[1][j] = old.vals[1][i];
	}
}

static bool is_field(const struct ast *n, const char *name)
{
	return n && n->kind == AST_FIELD && !n->arg && !strcmp(n->name, name);
}

static void add_name(uint64_t *s, const char *name)
{
	int i = fields_evtname_index(name);

	if (i >= 0)
		s[i / 64] |= 1ull << (i % 64);
}

static uint64_t *eval(struct evt_ctx *c, const struct ast *n, bool neg);

static uint64_t *eval_leaf(struct evt_ctx *c, const struct ast *n, bool neg)
{
	if (n->kind == AST_BINARY && is_field(n->lhs, "evt.num") && n->op == OP_EQ &&
	    n->rhs->kind == AST_VALUE && !strcmp(n->rhs->str, "0"))
		return set_new(c, neg);
	if (n->kind != AST_BINARY || !is_field(n->lhs, "evt.type") || n->mod != MOD_NONE)
		return set_new(c, true);
	bool positive;
	switch (n->op) {
	case OP_EQ:
	case OP_EQEQ:
	case OP_IN:
		positive = !neg;
		break;
	case OP_NE:
		positive = neg;
		break;
	default:
		return set_new(c, true);
	}
	uint64_t *s = set_new(c, false);
	if (n->rhs->kind == AST_VALUE)
		add_name(s, n->rhs->str);
	else if (n->rhs->kind == AST_LIST)
		for (unsigned i = 0; i < n->rhs->nkids; i++)
			add_name(s, n->rhs->kids[i]->str);
	else
		return set_new(c, true); /* val() or transformer: unknown */
	if (!positive)
		set_complement(c, s);
	return s;
}

static uint64_t *eval(struct evt_ctx *c, const struct ast *n, bool neg)
{
	if (!c->cap)
		memo_grow(c);
	size_t slot = memo_slot(c, n);
	if (c->keys[slot] && c->vals[neg][slot])
		return c->vals[neg][slot];

	uint64_t *s;
	switch (n->kind) {
	case AST_NOT:
		s = eval(c, n->kids[0], !neg);
		break;
	case AST_AND:
	case AST_OR: {
		/* and under negation is or (De Morgan), and vice versa */
		bool inter = (n->kind == AST_AND) != neg;
		s = set_new(c, inter);
		for (unsigned i = 0; i < n->nkids; i++) {
			uint64_t *k = eval(c, n->kids[i], neg);
			for (size_t w = 0; w < c->words; w++)
				s[w] = inter ? s[w] & k[w] : s[w] | k[w];
		}
		break;
	}
	default:
		s = eval_leaf(c, n, neg);
		break;
	}
	/* Grow before inserting, never while probing: a full table would
	 * make memo_slot() spin. Recursion may have grown it meanwhile, so
	 * the slot is looked up again. */
	if ((c->n + 1) * 2 > c->cap)
		memo_grow(c);
	slot = memo_slot(c, n);
	if (!c->keys[slot]) {
		c->keys[slot] = n;
		c->n++;
	}
	c->vals[neg][slot] = s;
	return s;
}

void evttypes_rule(struct ruleset *rs, struct rs_rule *r)
{
	struct evt_ctx c = { .rs = rs, .words = evttypes_words() };

	r->evttypes = eval(&c, r->ast, false);
	unsigned cnt = 0;
	for (size_t w = 0; w < c.words; w++)
		cnt += (unsigned)__builtin_popcountll(r->evttypes[w]);
	r->nevttypes = cnt;
	if (cnt > RS_EVTTYPE_WARN_THRESHOLD && r->warn_evttypes) {
		struct diag *g = diag_report(rs->diag, DIAG_NO_EVTTYPE, &r->loc,
					     "rule '%s' matches %u event types: its condition does "
					     "not restrict evt.type",
					     r->name, cnt);
		if (g)
			diag_hint(rs->diag, g,
				  "start the condition with e.g. 'evt.type in (open, openat)', or set "
				  "'warn_evttypes: false'");
	}
}
