// SPDX-License-Identifier: Apache-2.0
#include "ast.h"

#include <string.h>

static const struct {
	const char *text;
	char cls;
} ast_ops[] = {
#define X(id, text, cls) [OP_##id] = { text, #cls[0] },
	AST_OPS(X)
#undef X
};

const char *ast_op_text(enum ast_op op)
{
	return op < OP__COUNT ? ast_ops[op].text : "?";
}

char ast_op_class(enum ast_op op)
{
	return op < OP__COUNT ? ast_ops[op].cls : '?';
}

bool ast_op_from_text(const char *s, enum ast_op *op)
{
	for (int i = 0; i < OP__COUNT; i++) {
		if (!strcmp(ast_ops[i].text, s)) {
			*op = (enum ast_op)i;
			return true;
		}
	}
	return false;
}

const char *ast_mod_text(enum ast_mod mod)
{
	switch (mod) {
	case MOD_ONEOF: return "oneof";
	case MOD_ANYOF: return "anyof";
	case MOD_ALLOF: return "allof";
	default: return "";
	}
}

struct ast *ast_new(struct arena *a, enum ast_kind kind, const struct loc *loc)
{
	struct ast *n = ARENA_NEW(a, struct ast);

	n->kind = kind;
	if (loc)
		n->loc = *loc;
	n->field_id = -1;
	return n;
}

void ast_add_kid(struct arena *a, struct ast *parent, struct ast *kid)
{
	/* Grow by doubling; capacity is implied by powers of two. */
	unsigned n = parent->nkids;

	if ((n & (n - 1)) == 0) {
		unsigned cap = n ? n * 2 : 2;
		struct ast **k = ARENA_NEWN(a, struct ast *, cap);
		if (n)
			memcpy(k, parent->kids, n * sizeof(*k));
		parent->kids = k;
	}
	parent->kids[parent->nkids++] = kid;
}

struct ast *ast_clone(struct arena *a, const struct ast *n)
{
	if (!n)
		return NULL;
	struct ast *c = ARENA_NEW(a, struct ast);

	*c = *n;
	c->lhs = ast_clone(a, n->lhs);
	c->rhs = ast_clone(a, n->rhs);
	c->kids = NULL;
	c->nkids = 0;
	for (unsigned i = 0; i < n->nkids; i++)
		ast_add_kid(a, c, ast_clone(a, n->kids[i]));
	return c;
}

/* Quote a string for the S-expression: JSON-style escapes, so the output
 * is one line and unambiguous whatever the input bytes. */
static void sexpr_str(struct strbuf *out, const char *s)
{
	sb_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sb_puts(out, "\\\""); break;
		case '\\': sb_puts(out, "\\\\"); break;
		case '\n': sb_puts(out, "\\n"); break;
		case '\t': sb_puts(out, "\\t"); break;
		case '\r': sb_puts(out, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sb_printf(out, "\\x%02x", *p);
			else
				sb_putc(out, (char)*p);
		}
	}
	sb_putc(out, '"');
}

static void sexpr_kids(struct strbuf *out, const struct ast *n)
{
	for (unsigned i = 0; i < n->nkids; i++) {
		sb_putc(out, ' ');
		ast_print_sexpr(out, n->kids[i]);
	}
}

void ast_print_sexpr(struct strbuf *out, const struct ast *n)
{
	if (!n) {
		sb_puts(out, "nil");
		return;
	}
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		sb_puts(out, n->kind == AST_AND ? "(and" : n->kind == AST_OR ? "(or" : "(not");
		sexpr_kids(out, n);
		sb_putc(out, ')');
		break;
	case AST_MACRO:
		sb_printf(out, "(macro %s)", n->name);
		break;
	case AST_LISTREF:
		sb_printf(out, "(listref %s)", n->name);
		break;
	case AST_UNARY:
	case AST_BINARY:
		sb_putc(out, '(');
		sb_puts(out, ast_op_text(n->op));
		if (n->mod != MOD_NONE)
			sb_printf(out, " %s", ast_mod_text(n->mod));
		sb_putc(out, ' ');
		ast_print_sexpr(out, n->lhs);
		if (n->rhs) {
			sb_putc(out, ' ');
			ast_print_sexpr(out, n->rhs);
		}
		sb_putc(out, ')');
		break;
	case AST_FIELD:
		sb_puts(out, "(field ");
		sexpr_str(out, n->name);
		if (n->arg) {
			sb_putc(out, ' ');
			sexpr_str(out, n->arg);
		}
		sb_putc(out, ')');
		break;
	case AST_TRANSFORMER:
		sb_printf(out, "(%s", n->name);
		sexpr_kids(out, n);
		sb_putc(out, ')');
		break;
	case AST_VAL:
		sb_puts(out, "(val");
		sexpr_kids(out, n);
		sb_putc(out, ')');
		break;
	case AST_VALUE:
		sexpr_str(out, n->str);
		break;
	case AST_LIST:
		sb_puts(out, "(list");
		sexpr_kids(out, n);
		sb_putc(out, ')');
		break;
	}
}

bool ast_walk(struct ast *n, ast_visit_fn fn, void *ctx)
{
	if (!n)
		return true;
	if (!fn(n, ctx))
		return false;
	if (!ast_walk(n->lhs, fn, ctx) || !ast_walk(n->rhs, fn, ctx))
		return false;
	for (unsigned i = 0; i < n->nkids; i++)
		if (!ast_walk(n->kids[i], fn, ctx))
			return false;
	return true;
}
