// SPDX-License-Identifier: Apache-2.0
/*
 * format: compiled output formats.
 *
 * A format is an array of tokens. A literal token holds text; a field
 * token holds an rt_field_ref rendered with rt_render(); a transformer
 * token holds an rt_expr (eval.h) rendered with rt_expr_render(). Each
 * token may carry a width: like libsinsp's formatter (std::string::resize)
 * the value is padded with spaces or cut to exactly that many bytes.
 *
 * Field names are resolved as libsinsp's formatter resolves them: the
 * longest prefix of the text after '%' that names a field (so "%fd.name."
 * is fd.name followed by a '.'), then a bracket argument if the field
 * takes one. The output-field list (for Falco's JSON output_fields and
 * for get_field_values-style maps) is deduplicated by name and sorted, as
 * a std::map would be.
 */
#include "format.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "parse.h"

enum tok_kind { TK_LIT, TK_FIELD, TK_EXPR };

struct tok {
	enum tok_kind kind;
	const char *s; /* literal text */
	size_t len;
	struct rt_field_ref ref;
	struct rt_expr *expr;
	unsigned width; /* 0: none */
};

struct ofield {
	const char *name;
	struct rt_field_ref ref;
};

struct rt_fmt {
	struct tok *toks;
	size_t ntoks, captoks;
	struct ofield *fields;
	size_t nfields, capfields;
	bool prints_na;
};

static const char *const xform_names[] = { "tolower", "toupper", "b64",    "basename",
					   "len",     "join",    "concat", "getopt" };

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum_(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* [a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)* */
static size_t name_len(const char *s)
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

static bool set_err(struct rt_fmt_err *err, size_t off, const char *msg)
{
	if (err && !err->msg) {
		err->off = off;
		err->msg = msg;
	}
	return false;
}

static struct tok *add_tok(struct arena *a, struct rt_fmt *f)
{
	if (f->ntoks == f->captoks) {
		size_t nc = f->captoks ? f->captoks * 2 : 16;
		struct tok *t = ARENA_NEWN(a, struct tok, nc);
		if (f->ntoks)
			memcpy(t, f->toks, f->ntoks * sizeof(*t));
		f->toks = t;
		f->captoks = nc;
	}
	return &f->toks[f->ntoks++];
}

static void add_lit(struct arena *a, struct rt_fmt *f, const char *s, size_t n)
{
	if (!n)
		return;
	/* merge adjacent literal text */
	if (f->ntoks && f->toks[f->ntoks - 1].kind == TK_LIT && !f->toks[f->ntoks - 1].width) {
		struct tok *t = &f->toks[f->ntoks - 1];
		char *m = arena_alloc(a, t->len + n + 1);
		memcpy(m, t->s, t->len);
		memcpy(m + t->len, s, n);
		t->s = m;
		t->len += n;
		return;
	}
	struct tok *t = add_tok(a, f);
	memset(t, 0, sizeof(*t));
	t->kind = TK_LIT;
	t->s = arena_strndup(a, s, n);
	t->len = n;
}

static bool add_field(struct arena *a, struct rt_fmt *f, const char *key, const char *name,
		      const char *arg, const char **why)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, key))
			return true;
	if (f->nfields == f->capfields) {
		size_t nc = f->capfields ? f->capfields * 2 : 8;
		struct ofield *v = ARENA_NEWN(a, struct ofield, nc);
		if (f->nfields)
			memcpy(v, f->fields, f->nfields * sizeof(*v));
		f->fields = v;
		f->capfields = nc;
	}
	struct ofield *o = &f->fields[f->nfields];
	memset(o, 0, sizeof(*o));
	o->name = key;
	if (!rt_field_ref_init(a, &o->ref, name, arg, why))
		return false;
	f->nfields++;
	return true;
}

static bool is_xform(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(xform_names) / sizeof(*xform_names); i++)
		if (strlen(xform_names[i]) == n && !strncmp(s, xform_names[i], n))
			return true;
	return false;
}

/* Index just past the ')' closing the '(' at s[open], skipping quoted
 * strings; 0 if unbalanced. */
static size_t match_paren(const char *s, size_t open)
{
	int depth = 0;
	char q = 0;

	for (size_t i = open; s[i]; i++) {
		if (q) {
			if (s[i] == '\\' && s[i + 1])
				i++;
			else if (s[i] == q)
				q = 0;
			continue;
		}
		if (s[i] == '"' || s[i] == '\'')
			q = s[i];
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

struct xf_ctx {
	struct arena *a;
	struct rt_fmt *f;
	const char *why;
	bool ok;
};

static bool collect_fields(struct ast *n, void *ctx)
{
	struct xf_ctx *c = ctx;

	if (c->ok && n->kind == AST_FIELD && n->name) {
		const char *key = n->arg ? arena_printf(c->a, "%s[%s]", n->name, n->arg) : n->name;
		c->ok = add_field(c->a, c->f, key, n->name, n->arg, &c->why);
	}
	return c->ok;
}

/* %tolower(proc.name): parse the transformer with the condition grammar
 * (as "<text> exists") and compile it as an expression. */
static bool compile_xform_tok(struct rt_cond_ctx *cx, struct arena *a, struct rt_fmt *f,
			      const char *s, size_t n, unsigned width, size_t off,
			      struct rt_fmt_err *err)
{
	struct diag_ctx d;
	char *text = arena_printf(a, "%.*s exists", (int)n, s);
	struct parse_src src = { .text = text, .len = strlen(text), .file = "<output>" };
	struct rt_cond_err cerr;

	diag_init(&d, a);
	struct ast *root = parse_condition(a, &d, &src);
	if (!root || root->kind != AST_UNARY || !root->lhs ||
	    root->lhs->kind != AST_TRANSFORMER)
		return set_err(err, off, arena_printf(a, "invalid transformer '%.*s' in output",
						       (int)n, s));
	struct rt_expr *e = rt_expr_compile(cx, root->lhs, &cerr);
	if (!e)
		return set_err(err, off, cerr.msg ? cerr.msg : "invalid transformer");
	struct xf_ctx c = { .a = a, .f = f, .ok = true };
	ast_walk(root->lhs, collect_fields, &c);
	if (!c.ok)
		return set_err(err, off, arena_printf(a, "output field not supported: %s",
						       c.why ? c.why : "?"));
	struct tok *t = add_tok(a, f);
	memset(t, 0, sizeof(*t));
	t->kind = TK_EXPR;
	t->expr = e;
	t->width = width;
	return true;
}

static int cmp_fields(const void *x, const void *y)
{
	return strcmp(((const struct ofield *)x)->name, ((const struct ofield *)y)->name);
}

struct rt_fmt *rt_fmt_compile(struct rt_cond_ctx *cx, const char *fmt, unsigned flags,
			      struct rt_fmt_err *err)
{
	struct arena *a = rt_cond_ctx_arena(cx);
	struct rt_fmt *f = ARENA_NEW(a, struct rt_fmt);
	const char *s = fmt ? fmt : "";
	size_t lit = 0, i = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (s[0] == '*') {
		f->prints_na = true;
		lit = i = 1;
	}
	if (flags & RT_FMT_FORCE_NA)
		f->prints_na = true;

	while (s[i]) {
		if (s[i] != '%') {
			i++;
			continue;
		}
		size_t j = i + 1;
		unsigned width = 0;
		if (s[j] == '-' && isdigit((unsigned char)s[j + 1]))
			j++; /* libsinsp has no '-'; accepted, same as without */
		while (isdigit((unsigned char)s[j])) {
			if (width < 100000)
				width = width * 10 + (unsigned)(s[j] - '0');
			j++;
		}
		size_t nl = name_len(s + j);
		if (!nl) {
			i++; /* a literal '%' */
			continue;
		}
		add_lit(a, f, s + lit, i - lit);

		if (s[j + nl] == '(' && is_xform(s + j, nl)) {
			size_t end = match_paren(s, j + nl);
			if (!end) {
				set_err(err, i, "unbalanced parentheses in output transformer");
				return NULL;
			}
			if (!compile_xform_tok(cx, a, f, s + j, end - j, width, i, err))
				return NULL;
			i = lit = end;
			continue;
		}

		char *name = arena_strndup(a, s + j, nl);
		if (!strcmp(name, "container.info")) {
			/* deprecated: Falco substitutes the empty string */
			i = lit = j + nl;
			continue;
		}
		const char *dotted = NULL;
		const struct field_info *fi = NULL;
		for (size_t n = nl; n > 0;) {
			name[n] = '\0';
			if ((fi = fields_lookup(name, &dotted)))
				break;
			while (n > 0 && name[n - 1] != '.')
				n--;
			if (n)
				n--;
		}
		if (!fi) {
			set_err(err, i, arena_printf(a, "unknown field '%.*s' in output", (int)nl,
						     s + j));
			return NULL;
		}
		size_t used = strlen(name);
		const char *arg = NULL;
		size_t end = j + used;
		if (!dotted && s[end] == '[' && (fi->flags & (EPF_ARG_ALLOWED | EPF_ARG_REQUIRED))) {
			const char *close = strchr(s + end, ']');
			if (close) {
				arg = arena_strndup(a, s + end + 1, (size_t)(close - s - end - 1));
				end = (size_t)(close - s) + 1;
			}
		}
		const char *key = arg ? arena_printf(a, "%s[%s]", name, arg) : name;
		const char *why = NULL;
		struct tok *t = add_tok(a, f);
		memset(t, 0, sizeof(*t));
		t->kind = TK_FIELD;
		t->width = width;
		if (!rt_field_ref_init(a, &t->ref, name, arg, &why) ||
		    !add_field(a, f, key, name, arg, &why)) {
			set_err(err, i, arena_printf(a, "output field '%s' is not supported%s%s", key,
						     why ? ": " : "", why ? why : ""));
			return NULL;
		}
		i = lit = end;
	}
	add_lit(a, f, s + lit, i - lit);
	if (f->nfields > 1)
		qsort(f->fields, f->nfields, sizeof(*f->fields), cmp_fields);
	return f;
}

static void put_width(struct strbuf *out, size_t start, unsigned width)
{
	size_t n = out->len - start;

	if (n > width) {
		out->len = start + width;
		out->s[out->len] = '\0';
	}
	while (out->len - start < width)
		sb_putc(out, ' ');
}

bool rt_fmt_render(const struct rt_fmt *f, struct rt_state *st, const struct rt_event *ev,
		   struct strbuf *out)
{
	size_t orig = out->len;

	for (size_t i = 0; i < f->ntoks; i++) {
		const struct tok *t = &f->toks[i];
		size_t start = out->len;
		bool ok = true;

		switch (t->kind) {
		case TK_LIT:
			sb_putn(out, t->s, t->len);
			continue;
		case TK_FIELD:
			ok = rt_render(st, ev, &t->ref, out);
			break;
		case TK_EXPR:
			ok = rt_expr_render(t->expr, st, ev, out);
			break;
		}
		if (!ok) {
			out->len = start;
			if (out->s)
				out->s[start] = '\0';
			if (!f->prints_na) {
				out->len = orig;
				if (out->s)
					out->s[orig] = '\0';
				return false;
			}
			sb_puts(out, "<NA>");
		}
		if (t->width)
			put_width(out, start, t->width);
	}
	if (!out->s)
		sb_puts(out, ""); /* callers may read out->s */
	return true;
}

bool rt_fmt_prints_na(const struct rt_fmt *f)
{
	return f->prints_na;
}

size_t rt_fmt_nfields(const struct rt_fmt *f)
{
	return f->nfields;
}

const char *rt_fmt_field_name(const struct rt_fmt *f, size_t i)
{
	return i < f->nfields ? f->fields[i].name : NULL;
}

const struct rt_field_ref *rt_fmt_field_ref(const struct rt_fmt *f, size_t i)
{
	return i < f->nfields ? &f->fields[i].ref : NULL;
}

bool rt_fmt_field_text(const struct rt_fmt *f, size_t i, struct rt_state *st,
		       const struct rt_event *ev, struct strbuf *out)
{
	if (i >= f->nfields)
		return false;
	return rt_render(st, ev, &f->fields[i].ref, out);
}
