// SPDX-License-Identifier: Apache-2.0
/*
 * collect: apply rules-file items, in order, to one namespace.
 *
 * Falco's collector semantics (rule_loader_collector.cpp): a plain item
 * defines or redefines; `append: true` (deprecated) and `override:`
 * append to or replace keys of an earlier definition; a rule item with
 * only `enabled` toggles an earlier rule. Redefinition keeps an item's
 * original position (and, for macros, its index) but moves a macro's
 * visibility forward, so it may use macros defined since.
 */
#include <string.h>

#include "fields.h"
#include "rules_read.h"
#include "ruleset.h"

void rs_init(struct ruleset *rs, struct arena *a, struct diag_ctx *d)
{
	memset(rs, 0, sizeof(*rs));
	rs->arena = a;
	rs->diag = d;
	strmap_init(&rs->list_by_name, a);
	strmap_init(&rs->macro_by_name, a);
	strmap_init(&rs->rule_by_name, a);
}

static void no_previous(struct ruleset *rs, const struct rr_item *it, const char *what)
{
	struct diag *g = diag_report(rs->diag, DIAG_NO_PREVIOUS, &it->name.loc,
				     "%s '%s' appends or overrides, but no %s of that name is defined "
				     "earlier",
				     what, it->name.s, what);
	if (g)
		diag_hint(rs->diag, g, "define the %s first, or load the file that defines it "
				       "before this one",
			  what);
}

static void redefined(struct ruleset *rs, const struct rr_item *it, const char *what,
		      const struct loc *prev)
{
	/* Redefinition across files is how users override upstream rules;
	 * inside one file it is almost always a copy-paste mistake. */
	if (!rs->lint || !prev->file || strcmp(prev->file, it->name.loc.file))
		return;
	struct diag *g = diag_report(rs->diag, DIAG_REDEFINED, &it->name.loc,
				     "%s '%s' is redefined; the earlier definition at line %u is "
				     "discarded",
				     what, it->name.s, prev->line);
	if (g)
		diag_hint(rs->diag, g, "use 'override' to append to or replace parts of it");
}

/* Does this item append (rather than replace) key `k`? */
static bool appends(const struct rr_item *it, unsigned k)
{
	return it->append || (it->override_append & k);
}

/* An item with an `override` key is never a definition, even when its
 * override entries are invalid (those were reported by the reader). */
static bool overrides(const struct rr_item *it)
{
	return it->append || it->has_override || (it->present & RK_OVERRIDE);
}

/* The keys an append/override item may change: the deprecated `append`
 * appends what it holds; `override` only what it validly names. */
static unsigned override_keys(const struct rr_item *it)
{
	if (it->append)
		return it->present & (RK_CONDITION | RK_OUTPUT | RK_DESC | RK_TAGS | RK_EXCEPTIONS |
				      RK_ITEMS);
	return it->present & (it->override_append | it->override_replace);
}

static void cond_append(struct ruleset *rs, struct mtext *m, const struct rr_str *s)
{
	if (!s->s)
		return;
	/* Falco joins appended conditions with a single space, no parens. */
	if (mtext_len(m))
		mtext_add_fixed(m, " ", 1, &s->loc);
	mtext_add_scalar(m, s->node, s->s, 0, (uint32_t)strlen(s->s), &s->loc);
	(void)rs;
}

static void collect_list(struct ruleset *rs, const struct rr_item *it)
{
	struct rs_list *l = strmap_get(&rs->list_by_name, it->name.s);

	if (overrides(it)) {
		if (!l) {
			no_previous(rs, it, "list");
			return;
		}
		if (!(override_keys(it) & RK_ITEMS))
			return;
		if (!appends(it, RK_ITEMS))
			memset(&l->items, 0, sizeof(l->items));
		for (size_t i = 0; i < it->items.n; i++)
			vec_push(rs->arena, &l->items, it->items.v[i]);
		return;
	}
	if (l) {
		redefined(rs, it, "list", &l->loc);
		memset(&l->items, 0, sizeof(l->items));
	} else {
		l = ARENA_NEW(rs->arena, struct rs_list);
		l->name = it->name.s;
		l->idx = rs->list_seq++;
		vec_push(rs->arena, &rs->lists, l);
		if (strpbrk(l->name, " \t\n\r(),="))
			vec_push(rs->arena, &rs->odd_lists, l);
		strmap_put(&rs->list_by_name, l->name, l);
	}
	l->loc = it->name.loc;
	l->def = it;
	for (size_t i = 0; i < it->items.n; i++)
		vec_push(rs->arena, &l->items, it->items.v[i]);
}

static void collect_macro(struct ruleset *rs, const struct rr_item *it)
{
	struct rs_macro *m = strmap_get(&rs->macro_by_name, it->name.s);

	if (overrides(it)) {
		if (!m) {
			no_previous(rs, it, "macro");
			return;
		}
		if (!(override_keys(it) & RK_CONDITION))
			return;
		if (!appends(it, RK_CONDITION))
			mtext_init(&m->cond, rs->arena, rs->diag);
		cond_append(rs, &m->cond, &it->condition);
		m->vis = (unsigned)rs->macros.n;
		return;
	}
	if (m) {
		redefined(rs, it, "macro", &m->loc);
	} else {
		m = ARENA_NEW(rs->arena, struct rs_macro);
		m->name = it->name.s;
		m->idx = (unsigned)rs->macros.n;
		vec_push(rs->arena, &rs->macros, m);
		strmap_put(&rs->macro_by_name, m->name, m);
	}
	/* A new macro sees the macros before it; a redefined one also sees
	 * those defined since (and would see itself: a cycle, reported). */
	m->vis = m->idx == rs->macros.n - 1 ? m->idx : (unsigned)rs->macros.n;
	m->loc = it->name.loc;
	m->def = it;
	mtext_init(&m->cond, rs->arena, rs->diag);
	cond_append(rs, &m->cond, &it->condition);
}

static struct rr_exception *exception_find(struct vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++) {
		struct rr_exception *e = v->v[i];
		if (e->name.s && !strcmp(e->name.s, name))
			return e;
	}
	return NULL;
}

/* Appending exceptions: a known name only adds values; a new one is
 * added whole and must then have fields. */
static void exceptions_append(struct ruleset *rs, struct rs_rule *r, const struct rr_item *it)
{
	for (size_t i = 0; i < it->exceptions.n; i++) {
		struct rr_exception *e = it->exceptions.v[i];
		if (!e->name.s)
			continue;
		struct rr_exception *prev = exception_find(&r->exceptions, e->name.s);
		if (!prev) {
			if (!e->has_fields)
				diag_report(rs->diag, DIAG_EXCEPTION_SHAPE, &e->loc,
					    "exception '%s' is new to rule '%s' and so needs 'fields'",
					    e->name.s, r->name);
			vec_push(rs->arena, &r->exceptions, e);
			continue;
		}
		if (!e->has_values || !e->values.n)
			continue; /* reported by the reader (append-no-values) */
		/* copy-on-write: the earlier item's vector stays intact */
		struct rr_exception *c = ARENA_NEW(rs->arena, struct rr_exception);
		*c = *prev;
		memset(&c->values, 0, sizeof(c->values));
		for (size_t k = 0; k < prev->values.n; k++)
			vec_push(rs->arena, &c->values, prev->values.v[k]);
		for (size_t k = 0; k < e->values.n; k++)
			vec_push(rs->arena, &c->values, e->values.v[k]);
		for (size_t k = 0; k < r->exceptions.n; k++)
			if (r->exceptions.v[k] == prev)
				r->exceptions.v[k] = c;
	}
}

static void tags_set(struct ruleset *rs, struct rs_rule *r, const struct rr_item *it, bool append)
{
	if (!append)
		memset(&r->tags, 0, sizeof(r->tags));
	for (size_t i = 0; i < it->tags.n; i++) {
		const struct rr_str *t = it->tags.v[i];
		vec_push(rs->arena, &r->tags, (void *)t->s);
	}
}

static const char *str_join(struct ruleset *rs, const char *a, const char *b)
{
	if (!a || !*a)
		return b;
	return arena_printf(rs->arena, "%s %s", a, b);
}

/* Apply the keys of `it` to rule r. `all` for a (re)definition. */
static void rule_apply(struct ruleset *rs, struct rs_rule *r, const struct rr_item *it, bool all)
{
	unsigned p = all ? it->present : override_keys(it);

	if (p & RK_CONDITION) {
		if (all || !appends(it, RK_CONDITION))
			mtext_init(&r->cond, rs->arena, rs->diag);
		cond_append(rs, &r->cond, &it->condition);
	}
	if (p & RK_OUTPUT) {
		if (all || !appends(it, RK_OUTPUT))
			mtext_init(&r->out, rs->arena, rs->diag);
		cond_append(rs, &r->out, &it->output);
		/* Falco trims outputs: a folded `output: >` ends in a newline
		 * that must not reach the alert line. Offsets into the
		 * trimmed text still map through r->out. */
		const char *o = mtext_str(&r->out);
		size_t n = mtext_len(&r->out), k = 0;
		while (n && strchr(" \t\r\n", o[n - 1]))
			n--;
		while (k < n && strchr(" \t\r\n", o[k]))
			k++;
		r->output_skip = (uint32_t)k;
		r->output = arena_strndup(rs->arena, o + k, n - k);
	}
	if (p & RK_DESC)
		r->desc = !all && appends(it, RK_DESC) ? str_join(rs, r->desc, it->desc.s) : it->desc.s;
	if ((p & RK_PRIORITY) && it->priority >= 0)
		r->priority = it->priority;
	if (p & RK_SOURCE)
		r->source = it->source.s;
	if ((p & RK_ENABLED) && it->enabled >= 0)
		r->enabled = it->enabled;
	if (p & RK_TAGS)
		tags_set(rs, r, it, !all && appends(it, RK_TAGS));
	if (p & RK_EXCEPTIONS) {
		if (all || !appends(it, RK_EXCEPTIONS))
			memset(&r->exceptions, 0, sizeof(r->exceptions));
		exceptions_append(rs, r, it);
	}
	if ((p & RK_WARN_EVTTYPES) && it->warn_evttypes >= 0)
		r->warn_evttypes = it->warn_evttypes;
	if ((p & RK_SKIP_IF_UNKNOWN_FILTER) && it->skip_if_unknown_filter >= 0)
		r->skip_if_unknown_filter = it->skip_if_unknown_filter;
	if ((p & RK_CAPTURE) && it->capture >= 0)
		r->capture = it->capture;
	if ((p & RK_CAPTURE_DURATION) && it->capture_duration >= 0)
		r->capture_duration = it->capture_duration;
}

static void collect_rule(struct ruleset *rs, const struct rr_item *it)
{
	struct rs_rule *r = strmap_get(&rs->rule_by_name, it->name.s);

	if (it->enabled_only) {
		if (!r) {
			diag_report(rs->diag, DIAG_NO_PREVIOUS, &it->name.loc,
				    "rule '%s' is enabled or disabled, but no rule of that name is "
				    "defined earlier",
				    it->name.s);
			return;
		}
		r->enabled = it->enabled > 0;
		return;
	}
	if (overrides(it)) {
		if (!r) {
			no_previous(rs, it, "rule");
			return;
		}
		rule_apply(rs, r, it, false);
		return;
	}
	if (r) {
		redefined(rs, it, "rule", &r->loc);
	} else {
		if (!rr_check_new_rule(rs->diag, it))
			return;
		r = ARENA_NEW(rs->arena, struct rs_rule);
		r->name = it->name.s;
		vec_push(rs->arena, &rs->rules, r);
		strmap_put(&rs->rule_by_name, r->name, r);
	}
	r->loc = it->name.loc;
	r->file = it->file;
	r->priority = RR_PRI_DEBUG;
	r->enabled = true;
	r->warn_evttypes = true;
	r->source = NULL;
	r->capture_duration = 0;
	rule_apply(rs, r, it, true);
}

static void collect_items(struct ruleset *rs, struct vec *items)
{
	for (size_t i = 0; i < items->n; i++) {
		const struct rr_item *it = items->v[i];
		if (!it->name.s && it->kind != RR_ENGINE_VERSION && it->kind != RR_PLUGIN_VERSIONS)
			continue;
		diag_set_item(rs->diag, rr_kind_name(it->kind), it->name.s);
		switch (it->kind) {
		case RR_LIST: collect_list(rs, it); break;
		case RR_MACRO: collect_macro(rs, it); break;
		case RR_RULE: collect_rule(rs, it); break;
		default: break;
		}
	}
	diag_set_item(rs->diag, NULL, NULL);
}

int rs_add_file(struct ruleset *rs, const char *path)
{
	struct vec items = { 0 };
	int rc = rr_load_file(rs->arena, rs->diag, path, &items);

	collect_items(rs, &items);
	return rc;
}

int rs_add_text(struct ruleset *rs, const char *name, const char *text, size_t len)
{
	struct vec items = { 0 };
	int rc = rr_load_text(rs->arena, rs->diag, name, text, len, &items);

	collect_items(rs, &items);
	return rc;
}

void rs_compile(struct ruleset *rs)
{
	resolve_all(rs);
}
