// SPDX-License-Identifier: Apache-2.0
/*
 * sema: check conditions and outputs against the field table.
 *
 * For each check: the field exists (with a "did you mean"), its argument
 * is well formed, the operator suits its type (libsinsp's
 * flt_is_comparable), each literal parses as that type, evt.type values
 * are event names, and transformers get the types they need. Each check
 * is annotated with its field's table index for later passes.
 */
#include <string.h>

#include "fields.h"
#include "ruleset.h"

/* The type a check's left-hand side produces, with the flags that
 * matter for operator checks. A transformer result is a plain value. */
struct sema_type {
	const struct field_info *f; /* NULL if unknown (already reported) */
	struct field_info synth;    /* for transformer results */
};

static const char *const xform_names[] = { "tolower", "toupper", "b64",    "basename",
					   "len",     "join",    "concat", "getopt" };

static bool is_stringish(enum ftype t)
{
	return t == FT_CHARBUF || t == FT_FSPATH || t == FT_BYTEBUF;
}

static void unknown_field(struct ruleset *rs, const struct ast *n, enum diag_code code,
			  const char *ctx)
{
	struct rs_rule *r = rs->cur_rule;
	struct diag *g;

	/* skip-if-unknown-filter: Falco downgrades to a warning and skips
	 * the rule, so rules files can target several Falco versions. */
	if (code == DIAG_UNKNOWN_FIELD && r && r->skip_if_unknown_filter) {
		r->skipped = true;
		g = diag_report(rs->diag, DIAG_UNKNOWN_FILTER, &n->loc,
				"unknown field '%s'%s; rule '%s' is skipped (skip-if-unknown-filter)",
				n->name, ctx, r->name);
	} else {
		g = diag_report(rs->diag, code, &n->loc, "unknown field '%s'%s", n->name, ctx);
	}
	const char *s = fields_suggest(n->name);

	if (!g || !s)
		return;
	size_t sl = strlen(s);
	if (!strncmp(n->name, s, sl) && n->name[sl] == '.')
		diag_hint(rs->diag, g, "did you mean '%s[%s]'?", s, n->name + sl + 1);
	else
		diag_hint(rs->diag, g, "did you mean '%s'?", s);
}

/* Resolve an AST_FIELD node; returns NULL after reporting. */
static const struct field_info *sema_field(struct ruleset *rs, struct ast *n, enum diag_code code,
					   const char *ctx)
{
	const char *dotted = NULL;
	const struct field_info *f = fields_lookup(n->name, &dotted);
	const char *why = NULL;

	if (!f) {
		unknown_field(rs, n, code, ctx);
		return NULL;
	}
	n->field_id = fields_index(f);
	if (dotted && n->arg) {
		diag_report(rs->diag, DIAG_FIELD_ARG, &n->loc,
			    "field '%s' has both a dotted and a bracketed argument", n->name);
		return NULL;
	}
	if (!fields_check_arg(f, dotted ? dotted : n->arg, dotted != NULL, &why)) {
		diag_report(rs->diag, DIAG_FIELD_ARG, &n->loc, "field '%s%s%s%s': %s", n->name,
			    n->arg ? "[" : "", n->arg ? n->arg : "", n->arg ? "]" : "", why);
		return NULL;
	}
	if (f->flags & EPF_DEPRECATED)
		diag_report(rs->diag, DIAG_DEPRECATED_FIELD, &n->loc, "field '%s' is deprecated",
			    f->name);
	return f;
}

static void sema_lhs(struct ruleset *rs, struct ast *n, struct sema_type *t);

static void sema_transformer(struct ruleset *rs, struct ast *n, struct sema_type *t)
{
	bool known = false;

	for (size_t i = 0; i < sizeof(xform_names) / sizeof(*xform_names); i++)
		known |= !strcmp(n->name, xform_names[i]);
	if (!known) {
		diag_report(rs->diag, DIAG_TRANSFORMER, &n->loc, "unknown transformer '%s'", n->name);
		t->f = NULL;
		return;
	}
	memset(&t->synth, 0, sizeof(t->synth));
	t->synth.name = n->name;
	t->synth.type = FT_CHARBUF;
	t->f = &t->synth;

	if (!strcmp(n->name, "join") || !strcmp(n->name, "concat")) {
		/* kids: [separator value,] list of items */
		const struct ast *list = n->kids[n->nkids - 1];
		for (unsigned i = 0; i < list->nkids; i++) {
			struct ast *k = list->kids[i];
			if (k->kind == AST_FIELD || k->kind == AST_TRANSFORMER) {
				struct sema_type kt;
				sema_lhs(rs, k, &kt);
			}
		}
		return;
	}

	struct sema_type in;
	struct ast *arg = n->kids[0];
	sema_lhs(rs, arg, &in);
	if (!in.f)
		return;
	if (arg->kind == AST_FIELD && (in.f->flags & EPF_NO_TRANSFORMER)) {
		diag_report(rs->diag, DIAG_TRANSFORMER, &arg->loc,
			    "field '%s' cannot be used with a transformer", in.f->name);
		return;
	}
	if (!strcmp(n->name, "len")) {
		if (!is_stringish(in.f->type) && !(in.f->flags & EPF_IS_LIST))
			diag_report(rs->diag, DIAG_TRANSFORMER, &n->loc,
				    "len() needs a string, buffer or list, not %s",
				    fields_type_name(in.f->type));
		t->synth.type = FT_UINT64;
		return;
	}
	if (!is_stringish(in.f->type))
		diag_report(rs->diag, DIAG_TRANSFORMER, &n->loc, "%s() needs a string, not %s",
			    n->name, fields_type_name(in.f->type));
	if (in.f->flags & EPF_IS_LIST)
		t->synth.flags |= EPF_IS_LIST;
}

static void sema_lhs(struct ruleset *rs, struct ast *n, struct sema_type *t)
{
	t->f = NULL;
	if (n->kind == AST_FIELD)
		t->f = sema_field(rs, n, DIAG_UNKNOWN_FIELD, "");
	else if (n->kind == AST_TRANSFORMER)
		sema_transformer(rs, n, t);
}

static void check_value(struct ruleset *rs, const struct field_info *f, const struct ast *v)
{
	const char *why = NULL;

	if (fields_check_value(f, v->str, &why))
		return;
	if (!strcmp(f->name, "evt.type")) {
		struct diag *g = diag_report(rs->diag, DIAG_UNKNOWN_EVTTYPE, &v->loc,
					     "unknown event type '%s'", v->str);
		size_t n = fields_evtname_count();
		const char **names = ARENA_NEWN(rs->arena, const char *, n + 1);
		for (size_t i = 0; i < n; i++)
			names[i] = fields_evtname(i);
		const char *s = diag_suggest(v->str, names, n);
		if (g && s)
			diag_hint(rs->diag, g, "did you mean '%s'?", s);
		return;
	}
	diag_report(rs->diag, DIAG_BAD_VALUE, &v->loc, "'%s' is not a valid %s value for '%s'%s%s",
		    v->str, fields_type_name(f->type), f->name, why ? ": " : "", why ? why : "");
}

static void undefined_list(struct ruleset *rs, const struct ast *n)
{
	struct diag *g = diag_report(rs->diag, DIAG_UNDEFINED_LIST, &n->loc,
				     "undefined list '%s' used in filter", n->name);
	if (!g)
		return;
	const char **names = ARENA_NEWN(rs->arena, const char *, rs->lists.n + 1);
	for (size_t i = 0; i < rs->lists.n; i++)
		names[i] = ((struct rs_list *)rs->lists.v[i])->name;
	const char *s = diag_suggest(n->name, names, rs->lists.n);
	if (s)
		diag_hint(rs->diag, g, "did you mean '%s'?", s);
	else
		diag_hint(rs->diag, g, "a literal list is written in parentheses: (%s)", n->name);
}

static void sema_check(struct ruleset *rs, struct ast *n)
{
	struct sema_type t;
	const char *why = NULL;

	sema_lhs(rs, n->lhs, &t);
	if (!t.f)
		return;
	if (!fields_op_ok(t.f, n->op, &why)) {
		diag_report(rs->diag, DIAG_OP_TYPE, &n->loc, "operator '%s' cannot be used with '%s' (%s): %s",
			    ast_op_text(n->op), n->lhs->kind == AST_FIELD ? n->lhs->name : t.f->name,
			    fields_type_name(t.f->type), why ? why : "type mismatch");
		return;
	}
	struct ast *r = n->rhs;
	if (!r)
		return;
	switch (r->kind) {
	case AST_VALUE:
		check_value(rs, t.f, r);
		break;
	case AST_LIST:
		for (unsigned i = 0; i < r->nkids; i++)
			check_value(rs, t.f, r->kids[i]);
		break;
	case AST_LISTREF:
		undefined_list(rs, r);
		break;
	case AST_VAL: {
		struct ast *vf = r->kids[0];
		const struct field_info *f = sema_field(rs, vf, DIAG_UNKNOWN_FIELD, " in val()");
		if (f && (f->flags & EPF_NO_RHS))
			diag_report(rs->diag, DIAG_OP_TYPE, &vf->loc,
				    "field '%s' cannot be used inside val()", f->name);
		break;
	}
	case AST_TRANSFORMER: {
		struct sema_type rt;
		sema_transformer(rs, r, &rt);
		break;
	}
	default:
		break;
	}
}

static bool sema_visit(struct ast *n, void *ctx)
{
	if (n->kind == AST_UNARY || n->kind == AST_BINARY) {
		sema_check(ctx, n);
		return true; /* operands are handled by sema_check */
	}
	return true;
}

void sema_check_ast(struct ruleset *rs, struct ast *n)
{
	/* Walk only boolean structure; checks handle their own operands. */
	if (!n)
		return;
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		for (unsigned i = 0; i < n->nkids; i++)
			sema_check_ast(rs, n->kids[i]);
		break;
	case AST_UNARY:
	case AST_BINARY:
		sema_visit(n, rs);
		break;
	default:
		break;
	}
}

/* ---- outputs ---- */

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum_(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* Length of a field name at s: [a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)* */
static size_t field_name_len(const char *s)
{
	size_t i = 0;

	if (!is_alpha(s[0]))
		return 0;
	while (is_alnum_(s[i]))
		i++;
	while (s[i] == '.' && is_alnum_(s[i + 1])) {
		i++;
		while (is_alnum_(s[i]))
			i++;
	}
	return i;
}

static void out_loc(struct ruleset *rs, struct rs_rule *r, size_t off, struct loc *out)
{
	(void)rs;
	mtext_loc(&r->out, (uint32_t)off + r->output_skip, out);
}

/*
 * Check one %token. Like libsinsp's formatter, take the longest prefix
 * of the name that is a field; the rest is literal text.
 */
static void output_field(struct ruleset *rs, struct rs_rule *r, const char *fmt, size_t off,
			 size_t len)
{
	struct loc loc;
	const char *start = fmt + off;
	char *name = arena_strndup(rs->arena, start, len);
	const char *dotted = NULL;
	const struct field_info *f = NULL;

	out_loc(rs, r, off, &loc);
	if (!strcmp(name, "container.info")) {
		diag_report(rs->diag, DIAG_DEPRECATED_OUTPUT, &loc,
			    "'%%container.info' is deprecated and prints nothing");
		return;
	}
	for (size_t n = len; n > 0;) {
		name[n] = '\0';
		f = fields_lookup(name, &dotted);
		if (f)
			break;
		while (n > 0 && name[n - 1] != '.')
			n--;
		if (n)
			n--;
	}
	if (!f) {
		name = arena_strndup(rs->arena, start, len);
		struct ast tmp = { .kind = AST_FIELD, .name = name, .loc = loc };
		unknown_field(rs, &tmp, DIAG_OUTPUT_FIELD, " in output");
		return;
	}
	size_t used = strlen(name);
	const char *arg = dotted;
	if (!dotted && start[used] == '[') {
		const char *close = strchr(start + used, ']');
		if (close)
			arg = arena_strndup(rs->arena, start + used + 1, close - start - used - 1);
	}
	const char *why = NULL;
	if (!fields_check_arg(f, arg, dotted != NULL, &why)) {
		diag_report(rs->diag, DIAG_OUTPUT_FIELD, &loc, "output field '%s': %s", name, why);
		return;
	}
	if (f->flags & EPF_FILTER_ONLY) {
		diag_report(rs->diag, DIAG_OUTPUT_FIELD, &loc,
			    "field '%s' can only be used in conditions, not in outputs", f->name);
		return;
	}
	if (f->flags & EPF_DEPRECATED)
		diag_report(rs->diag, DIAG_DEPRECATED_FIELD, &loc, "field '%s' is deprecated",
			    f->name);
	struct rs_output_field *of = ARENA_NEW(rs->arena, struct rs_output_field);
	of->name = arg && !dotted ? arena_printf(rs->arena, "%s[%s]", f->name, arg)
				  : arena_strdup(rs->arena, name);
	of->loc = loc;
	vec_push(rs->arena, &r->out_fields, of);
}

void sema_check_output(struct ruleset *rs, struct rs_rule *r)
{
	const char *s = r->output;

	if (!s)
		return;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] != '%')
			continue;
		size_t j = i + 1;
		/* optional width, as in %-20proc.name */
		if (s[j] == '-')
			j++;
		while (s[j] >= '0' && s[j] <= '9')
			j++;
		size_t n = field_name_len(s + j);
		if (!n)
			continue; /* a literal '%' */
		if (s[j + n] == '(') {
			/* transformer: check the field inside */
			size_t k = j + n + 1, fl = field_name_len(s + k);
			if (fl)
				output_field(rs, r, s, k, fl);
			i = k + fl;
			continue;
		}
		output_field(rs, r, s, j, n);
		i = j + n - 1;
	}
}
