// SPDX-License-Identifier: Apache-2.0
/*
 * resolve: turn collected lists, macros and rules into resolved ASTs,
 * exactly as Falco's rule_loader_compiler does it:
 *
 *   1. lists: items naming an earlier list are flattened into it;
 *   2. exceptions are appended to a rule's condition as text:
 *        (cond) and not ((f1 c1 v1 and f2 c2 v2) or ...)
 *   3. every list name in a condition, as a whole token, is replaced by
 *      its items joined with ", " (items with spaces double-quoted),
 *      before parsing;
 *   4. each macro is parsed alone; identifiers are then replaced by the
 *      macro's resolved AST. A macro sees only macros defined before it
 *      (idx < vis); rules see them all.
 *
 * Everything works on mtext, so that a caret still lands on the right
 * file line and column after appends, exceptions and substitutions.
 */
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "parse.h"
#include "ruleset.h"

/* ---- lists ---- */

/* Falco's quote_item(): an item with a space is double-quoted unless it
 * already starts with a quote (upstream lists pre-quote such items). */
static const char *quote_item(struct ruleset *rs, const char *s)
{
	if (strchr(s, ' ') && s[0] != '"' && s[0] != '\'')
		return arena_printf(rs->arena, "\"%s\"", s);
	return s;
}

static bool list_too_large(struct ruleset *rs, struct rs_list *l, size_t add)
{
	if (l->flat.n + add <= RS_MAX_LIST_ITEMS)
		return false;
	diag_set_item(rs->diag, "list", l->name);
	diag_report(rs->diag, DIAG_TOO_LARGE, &l->loc,
		    "list '%s' expands to more than %u items", l->name, RS_MAX_LIST_ITEMS);
	l->too_large = true;
	return true;
}

static void list_flatten(struct ruleset *rs, struct rs_list *l)
{
	if (l->flattened || l->flattening)
		return;
	l->flattening = true;
	for (size_t i = 0; i < l->items.n && !l->too_large; i++) {
		const struct rr_str *it = l->items.v[i];
		struct rs_list *ref = strmap_get(&rs->list_by_name, it->s);
		if (ref && ref != l && ref->idx < l->idx) {
			list_flatten(rs, ref);
			ref->used = true;
			if (ref->too_large || list_too_large(rs, l, ref->flat.n)) {
				l->too_large = true;
				break;
			}
			for (size_t k = 0; k < ref->flat.n; k++)
				vec_push(rs->arena, &l->flat, ref->flat.v[k]);
			continue;
		}
		if (list_too_large(rs, l, 1))
			break;
		vec_push(rs->arena, &l->flat, (void *)quote_item(rs, it->s));
	}
	l->flattening = false;
	l->flattened = true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_delim(char c)
{
	return is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=';
}

/*
 * Substitute one list in m, as Falco's resolve_list(): a whole-token
 * occurrence (delimited by blanks or "(),=") and its surrounding blanks
 * become " item1, item2 ". An empty list also eats one adjacent comma.
 * Returns true if the list occurred.
 */
static bool list_substitute(struct ruleset *rs, struct mtext *m, struct rs_list *l)
{
	size_t nlen = strlen(l->name);
	const char *t = mtext_str(m);
	const char *hit = strstr(t, l->name);
	bool used = false;

	if (!hit)
		return false;
	list_flatten(rs, l);
	if (l->too_large) {
		l->used = true;
		return false;
	}

	/* The replacement text, built once. */
	struct strbuf sub = { 0 };
	for (size_t i = 0; i < l->flat.n; i++) {
		if (i)
			sb_puts(&sub, ", ");
		sb_puts(&sub, l->flat.v[i]);
	}

	while (hit) {
		t = mtext_str(m);
		size_t len = mtext_len(m);
		size_t start = (size_t)(hit - t), end = start + nlen;
		if (!((start == 0 || is_delim(t[start - 1])) && (end >= len || is_delim(t[end])))) {
			hit = strstr(t + start + 1, l->name);
			continue;
		}
		struct loc at;
		mtext_loc(m, (uint32_t)start, &at);
		while (start > 0 && is_blank(t[start - 1]))
			start--;
		while (end < len && is_blank(t[end]))
			end++;
		if (!sub.len) {
			if (start > 0 && t[start - 1] == ',')
				start--;
			else if (end < len && t[end] == ',')
				end++;
		}
		if (len + sub.len > RS_MAX_CONDITION_LEN) {
			diag_report(rs->diag, DIAG_TOO_LARGE, &at,
				    "condition grows past %u bytes when list '%s' is substituted",
				    RS_MAX_CONDITION_LEN, l->name);
			break;
		}
		struct mtext out;
		mtext_init(&out, rs->arena, rs->diag);
		mtext_add_range(&out, m, 0, (uint32_t)start);
		if (start > 0)
			mtext_add_fixed(&out, " ", 1, &at);
		mtext_add_fixed(&out, sb_str(&sub), (uint32_t)sub.len, &at);
		mtext_add_fixed(&out, " ", 1, &at);
		size_t resume = mtext_len(&out);
		mtext_add_range(&out, m, (uint32_t)end, (uint32_t)(len - end));
		*m = out;
		used = true;
		t = mtext_str(m);
		hit = resume < mtext_len(m) ? strstr(t + resume, l->name) : NULL;
	}
	sb_free(&sub);
	l->used |= used;
	return used;
}

/* Queue, in definition order, the lists named by whole tokens of s. */
static void lists_collect(struct ruleset *rs, const char *s, size_t len, unsigned gen,
			  unsigned min_idx, struct vec *q)
{
	size_t i = 0;

	while (i < len) {
		while (i < len && is_delim(s[i]))
			i++;
		size_t st = i;
		while (i < len && !is_delim(s[i]))
			i++;
		if (i == st)
			continue;
		char save[128];
		size_t n = i - st;
		if (n >= sizeof(save))
			continue; /* longer than any sane list name */
		memcpy(save, s + st, n);
		save[n] = '\0';
		struct rs_list *l = strmap_get(&rs->list_by_name, save);
		if (l && l->subst_gen != gen && l->idx >= min_idx) {
			l->subst_gen = gen;
			vec_push(rs->arena, q, l);
		}
	}
}

static int list_idx_cmp(const void *a, const void *b)
{
	const struct rs_list *x = *(const struct rs_list *const *)a;
	const struct rs_list *y = *(const struct rs_list *const *)b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Falco tries every list on every condition, in definition order. The
 * same result, in time linear in the condition: only lists named by a
 * token of the text can match, and a substitution can only introduce
 * names of lists defined later (earlier ones were flattened into it).
 */
static void lists_substitute_all(struct ruleset *rs, struct mtext *m)
{
	unsigned gen = ++rs->subst_gen;
	struct vec q = { 0 };

	lists_collect(rs, mtext_str(m), mtext_len(m), gen, 0, &q);
	/* a name with a delimiter in it is never one token: always try it */
	for (size_t i = 0; i < rs->odd_lists.n; i++) {
		struct rs_list *l = rs->odd_lists.v[i];
		if (l->subst_gen != gen) {
			l->subst_gen = gen;
			vec_push(rs->arena, &q, l);
		}
	}
	for (size_t k = 0; k < q.n; k++) {
		qsort(q.v + k, q.n - k, sizeof(void *), list_idx_cmp);
		struct rs_list *l = q.v[k];
		if (!list_substitute(rs, m, l))
			continue;
		for (size_t j = 0; j < l->flat.n; j++) {
			const char *it = l->flat.v[j];
			lists_collect(rs, it, strlen(it), gen, l->idx + 1, &q);
		}
	}
}

/* ---- exceptions ---- */

/* Append a YAML string, mapped linearly into its scalar when the text is
 * exactly the scalar's value, else to the value's location. */
static void add_str(struct mtext *m, const struct rr_str *s, const char *text)
{
	const struct ynode *n = s->node;

	if (n && n->kind == Y_SCALAR && text == s->s && !strcmp(n->str, text))
		mtext_add_scalar(m, n, n->str, 0, (uint32_t)strlen(text), &s->loc);
	else
		mtext_add_fixed(m, text, (uint32_t)strlen(text), &s->loc);
}

static void exc_value(struct ruleset *rs, struct mtext *m, const struct rr_val *v)
{
	if (v->is_list) {
		mtext_add_fixed(m, "(", 1, &v->loc);
		for (size_t i = 0; i < v->items.n; i++) {
			if (i)
				mtext_add_fixed(m, ", ", 2, &v->loc);
			exc_value(rs, m, v->items.v[i]);
		}
		mtext_add_fixed(m, ")", 1, &v->loc);
		return;
	}
	add_str(m, &v->str, quote_item(rs, v->str.s ? v->str.s : ""));
}

static const struct rr_str *rr_at(const struct vec *v, size_t i)
{
	return v->v[i];
}

static void add_comp(struct mtext *m, const struct rr_exception *e, size_t i, const char *dflt)
{
	if (i < e->comps.n && rr_at(&e->comps, i)->s)
		add_str(m, rr_at(&e->comps, i), rr_at(&e->comps, i)->s);
	else
		mtext_add_fixed(m, dflt, (uint32_t)strlen(dflt), &e->loc);
}

/*
 * Append `and not (...)` for the rule's exceptions, as Falco's text:
 *   (cond) and not ((f1 c1 v1 and f2 c2 v2) or ... or (f c (v1, v2)))
 * Every field, operator and value keeps its own YAML location.
 */
static void exceptions_to_text(struct ruleset *rs, struct rs_rule *r)
{
	struct mtext out;
	bool any = false;

	mtext_init(&out, rs->arena, rs->diag);
	for (size_t i = 0; i < r->exceptions.n; i++) {
		const struct rr_exception *e = r->exceptions.v[i];
		if (!e->has_fields || !e->fields.n || !e->values.n)
			continue;
		if (!e->fields_is_list) {
			/* single form: all values in one list */
			if (any)
				mtext_add_fixed(&out, " or ", 4, &e->loc);
			add_str(&out, rr_at(&e->fields, 0), rr_at(&e->fields, 0)->s);
			mtext_add_fixed(&out, " ", 1, &e->loc);
			add_comp(&out, e, 0, "in");
			mtext_add_fixed(&out, " (", 2, &e->loc);
			for (size_t j = 0; j < e->values.n; j++) {
				if (j)
					mtext_add_fixed(&out, ", ", 2, &e->loc);
				exc_value(rs, &out, e->values.v[j]);
			}
			mtext_add_fixed(&out, ")", 1, &e->loc);
			any = true;
			continue;
		}
		for (size_t k = 0; k < e->values.n; k++) {
			const struct rr_val *v = e->values.v[k];
			if (!v->is_list || v->items.n != e->fields.n)
				continue; /* shape error, reported by the reader */
			if (any)
				mtext_add_fixed(&out, " or ", 4, &v->loc);
			mtext_add_fixed(&out, "(", 1, &v->loc);
			for (size_t f = 0; f < e->fields.n; f++) {
				if (f)
					mtext_add_fixed(&out, " and ", 5, &v->loc);
				add_str(&out, rr_at(&e->fields, f), rr_at(&e->fields, f)->s);
				mtext_add_fixed(&out, " ", 1, &v->loc);
				add_comp(&out, e, f, "=");
				mtext_add_fixed(&out, " ", 1, &v->loc);
				exc_value(rs, &out, v->items.v[f]);
			}
			mtext_add_fixed(&out, ")", 1, &v->loc);
			any = true;
		}
	}
	if (!any)
		return;
	struct mtext cond;
	mtext_init(&cond, rs->arena, rs->diag);
	mtext_add_fixed(&cond, "(", 1, &r->loc);
	mtext_add_range(&cond, &r->cond, 0, mtext_len(&r->cond));
	mtext_add_fixed(&cond, ") and not (", 11, &r->loc);
	mtext_add_range(&cond, &out, 0, mtext_len(&out));
	mtext_add_fixed(&cond, ")", 1, &r->loc);
	r->cond = cond;
}

/* ---- parsing and macros ---- */

static struct ast *parse_mtext(struct ruleset *rs, struct mtext *m, const struct loc *where)
{
	/* A missing, empty or non-string condition was reported by the
	 * reader; do not cascade. */
	if (!mtext_len(m))
		return NULL;
	struct parse_src src = {
		.text = mtext_str(m),
		.len = mtext_len(m),
		.file = where->file,
		.map = mtext_map_cb,
		.map_ctx = m,
	};
	return parse_condition(rs->arena, rs->diag, &src);
}

struct macro_ctx {
	struct ruleset *rs;
	unsigned vis;           /* visibility of the referencing macro, or ~0u for rules */
	struct rs_macro *self;  /* the macro being resolved, or NULL */
	bool failed;
};

static void macro_resolve(struct ruleset *rs, struct rs_macro *m);

static void undefined_macro(struct macro_ctx *c, struct ast *n)
{
	struct ruleset *rs = c->rs;
	struct rs_macro *later = strmap_get(&rs->macro_by_name, n->name);
	struct diag *g;

	c->failed = true;
	if (later && later == c->self) {
		diag_report(rs->diag, DIAG_MACRO_CYCLE, &n->loc, "macro '%s' refers to itself",
			    n->name);
		return;
	}
	g = diag_report(rs->diag, DIAG_UNDEFINED_MACRO, &n->loc,
			"undefined macro '%s' used in filter", n->name);
	if (!g)
		return;
	if (later) {
		diag_hint(rs->diag, g,
			  "'%s' is defined later (%s:%u); a macro can only use macros defined "
			  "before it",
			  n->name, later->loc.file, later->loc.line);
		return;
	}
	const char **names = ARENA_NEWN(rs->arena, const char *, rs->macros.n + 1);
	for (size_t i = 0; i < rs->macros.n; i++)
		names[i] = ((struct rs_macro *)rs->macros.v[i])->name;
	const char *s = diag_suggest(n->name, names, rs->macros.n);
	if (s)
		diag_hint(rs->diag, g, "did you mean '%s'?", s);
}

/* Replace AST_MACRO nodes under *np by the macros' resolved ASTs. */
static void splice(struct macro_ctx *c, struct ast **np)
{
	struct ast *n = *np;

	if (!n)
		return;
	if (n->kind == AST_MACRO) {
		struct rs_macro *m = strmap_get(&c->rs->macro_by_name, n->name);
		if (!m || m == c->self || (c->vis != ~0u && m->idx >= c->vis)) {
			undefined_macro(c, n);
			return;
		}
		m->used = true;
		if (c->self)
			vec_push(c->rs->arena, &c->self->deps, m);
		macro_resolve(c->rs, m);
		if (m->failed || !m->ast) {
			c->failed = true;
			return;
		}
		*np = m->ast; /* shared, never copied: expansions stay linear */
		return;
	}
	if (n->kind == AST_AND || n->kind == AST_OR || n->kind == AST_NOT)
		for (unsigned i = 0; i < n->nkids; i++)
			splice(c, &n->kids[i]);
}

static void macro_resolve(struct ruleset *rs, struct rs_macro *m)
{
	if (m->resolved)
		return;
	if (m->resolving) {
		/* only reachable through redefinitions that widen visibility */
		diag_report(rs->diag, DIAG_MACRO_CYCLE, &m->loc,
			    "macro '%s' is part of a reference cycle", m->name);
		m->failed = true;
		return;
	}
	m->resolving = true;
	if (!m->parsed) {
		diag_set_item(rs->diag, "macro", m->name);
		lists_substitute_all(rs, &m->cond);
		m->ast = parse_mtext(rs, &m->cond, &m->loc);
		m->parsed = true;
		if (!m->ast)
			m->failed = true;
		else
			sema_check_ast(rs, m->ast);
	}
	if (m->ast) {
		struct macro_ctx c = { .rs = rs, .vis = m->vis, .self = m };
		splice(&c, &m->ast);
		if (c.failed)
			m->failed = true;
	}
	m->resolving = false;
	m->resolved = true;
}

/* A rule that does not parse still names its macros; count them as used
 * so one syntax error does not also produce unused-macro warnings. */
static void mark_mentioned_macros(struct ruleset *rs, const struct mtext *m)
{
	const char *t = mtext_str(m);
	size_t len = mtext_len(m);

	for (size_t i = 0; i < rs->macros.n; i++) {
		struct rs_macro *mac = rs->macros.v[i];
		size_t n = strlen(mac->name);
		for (const char *h = strstr(t, mac->name); h; h = strstr(h + 1, mac->name)) {
			size_t at = (size_t)(h - t);
			if ((at == 0 || is_delim(t[at - 1])) && (at + n >= len || is_delim(t[at + n]))) {
				mac->used = true;
				break;
			}
		}
	}
}

static void rule_resolve(struct ruleset *rs, struct rs_rule *r)
{
	diag_set_item(rs->diag, "rule", r->name);
	if (r->source && strcmp(r->source, "syscall")) {
		diag_report(rs->diag, DIAG_UNKNOWN_SOURCE, &r->loc,
			    "rule '%s' has source '%s', which falcoc does not support; skipped",
			    r->name, r->source);
		r->skipped = true;
		return;
	}
	exceptions_to_text(rs, r);
	lists_substitute_all(rs, &r->cond);
	r->ast = parse_mtext(rs, &r->cond, &r->loc);
	if (!r->ast) {
		r->failed = true;
		mark_mentioned_macros(rs, &r->cond);
		return;
	}
	rs->cur_rule = r;
	sema_check_ast(rs, r->ast);
	rs->cur_rule = NULL;
	struct macro_ctx c = { .rs = rs, .vis = ~0u };
	/* resolve macros with this rule as the diagnostic item */
	splice(&c, &r->ast);
	diag_set_item(rs->diag, "rule", r->name);
	if (c.failed)
		r->failed = true;
	sema_check_output(rs, r);
	if (!r->failed && !r->skipped)
		evttypes_rule(rs, r);
}

void resolve_all(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->lists.n; i++)
		list_flatten(rs, rs->lists.v[i]);
	/* Macros first, in order, so each reports its own problems once. */
	for (size_t i = 0; i < rs->macros.n; i++)
		macro_resolve(rs, rs->macros.v[i]);
	/* A macro is "used" only if a rule reaches it. */
	for (size_t i = 0; i < rs->macros.n; i++)
		((struct rs_macro *)rs->macros.v[i])->used = false;
	for (size_t i = 0; i < rs->rules.n; i++)
		rule_resolve(rs, rs->rules.v[i]);
	/* Propagate use through macro bodies: a macro used only by an
	 * unused macro is unused too, as in Falco. */
	struct vec work = { 0 };
	for (size_t i = 0; i < rs->macros.n; i++)
		if (((struct rs_macro *)rs->macros.v[i])->used)
			vec_push(rs->arena, &work, rs->macros.v[i]);
	while (work.n) {
		struct rs_macro *m = work.v[--work.n];
		for (size_t k = 0; k < m->deps.n; k++) {
			struct rs_macro *dep = m->deps.v[k];
			if (!dep->used) {
				dep->used = true;
				vec_push(rs->arena, &work, dep);
			}
		}
	}

	if (!rs->lint)
		return;
	for (size_t i = 0; i < rs->macros.n; i++) {
		struct rs_macro *m = rs->macros.v[i];
		if (m->used)
			continue;
		diag_set_item(rs->diag, "macro", m->name);
		diag_report(rs->diag, DIAG_UNUSED_MACRO, &m->loc, "macro '%s' is not used by any rule",
			    m->name);
	}
	for (size_t i = 0; i < rs->lists.n; i++) {
		struct rs_list *l = rs->lists.v[i];
		if (l->used)
			continue;
		diag_set_item(rs->diag, "list", l->name);
		diag_report(rs->diag, DIAG_UNUSED_LIST, &l->loc,
			    "list '%s' is not used by any macro, rule or list", l->name);
	}
	diag_set_item(rs->diag, NULL, NULL);
}
