/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ast: the condition syntax tree.
 *
 * One node struct with a kind tag; every node is born with the location
 * of its first token. `and`/`or` are n-ary (children in `kids`), like
 * libsinsp's and_expr/or_expr, so long macro chains stay shallow.
 *
 *   AST_AND, AST_OR   kids[]                  a and b and c
 *   AST_NOT           kids[0]                 not a
 *   AST_MACRO         name                    a bare identifier
 *   AST_UNARY         lhs, op=OP_EXISTS       fd.name exists
 *   AST_BINARY        lhs op [mod] rhs        proc.name in (a, b)
 *   AST_FIELD         name, arg, arg_quoted   proc.aname[2]
 *   AST_TRANSFORMER   name, kids[], arg       tolower(proc.name)
 *   AST_VAL           kids[0] (a field)       val(proc.pname)
 *   AST_VALUE         str, quoted             /usr/bin/x  "a b"
 *   AST_LIST          kids[] (AST_VALUE)      (a, "b c")
 *   AST_LISTREF       name                    in my_list (unresolved)
 *
 * lhs is AST_FIELD or AST_TRANSFORMER. rhs is AST_VALUE, AST_LIST,
 * AST_TRANSFORMER, AST_VAL or AST_LISTREF.
 */
#ifndef FALCOC_AST_H
#define FALCOC_AST_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"

enum ast_kind {
	AST_AND,
	AST_OR,
	AST_NOT,
	AST_MACRO,
	AST_UNARY,
	AST_BINARY,
	AST_FIELD,
	AST_TRANSFORMER,
	AST_VAL,
	AST_VALUE,
	AST_LIST,
	AST_LISTREF,
};

/* Operators, in libsinsp spelling. X(ENUM, "text", class) where class is
 * U (unary), N (numeric), S (string), L (list). */
#define AST_OPS(X)                                                                                 \
	X(EXISTS, "exists", U)                                                                     \
	X(EQ, "=", S)                                                                              \
	X(EQEQ, "==", S)                                                                           \
	X(NE, "!=", S)                                                                             \
	X(LT, "<", N)                                                                              \
	X(LE, "<=", N)                                                                             \
	X(GT, ">", N)                                                                              \
	X(GE, ">=", N)                                                                             \
	X(CONTAINS, "contains", S)                                                                 \
	X(ICONTAINS, "icontains", S)                                                               \
	X(BCONTAINS, "bcontains", S)                                                               \
	X(STARTSWITH, "startswith", S)                                                             \
	X(BSTARTSWITH, "bstartswith", S)                                                           \
	X(ENDSWITH, "endswith", S)                                                                 \
	X(GLOB, "glob", S)                                                                         \
	X(IGLOB, "iglob", S)                                                                       \
	X(REGEX, "regex", S)                                                                       \
	X(IN, "in", L)                                                                             \
	X(INTERSECTS, "intersects", L)                                                             \
	X(PMATCH, "pmatch", L)

enum ast_op {
#define X(id, text, cls) OP_##id,
	AST_OPS(X)
#undef X
		OP__COUNT
};

enum ast_mod { MOD_NONE, MOD_ONEOF, MOD_ANYOF, MOD_ALLOF };

struct ast {
	enum ast_kind kind;
	struct loc loc;
	enum ast_op op;
	enum ast_mod mod;
	const char *name; /* field, macro, transformer or list name */
	const char *arg;  /* field argument, or transformer [arg]; NULL if none */
	bool arg_quoted;
	const char *str; /* AST_VALUE: the unescaped value */
	bool quoted;     /* AST_VALUE: written in quotes */
	bool paren;      /* written inside ( ) */
	struct ast *lhs, *rhs;
	struct ast **kids;
	unsigned nkids;
	/* set by sema: index into the field table, or -1 */
	int field_id;
};

const char *ast_op_text(enum ast_op op);
/* 'U', 'N', 'S' or 'L' */
char ast_op_class(enum ast_op op);
/* Parse "startswith" etc.; returns false if unknown. */
bool ast_op_from_text(const char *s, enum ast_op *op);
const char *ast_mod_text(enum ast_mod mod);

struct ast *ast_new(struct arena *a, enum ast_kind kind, const struct loc *loc);
void ast_add_kid(struct arena *a, struct ast *parent, struct ast *kid);
/* Deep copy (used when a macro body is spliced into several places). */
struct ast *ast_clone(struct arena *a, const struct ast *n);

/*
 * Print as an S-expression, one line, deterministic:
 *   (and (binary "=" (field "proc.name") (value "cat")) (macro spawned_process))
 */
void ast_print_sexpr(struct strbuf *out, const struct ast *n);

/* Visit every node, pre-order. Stops early if fn returns false. */
typedef bool (*ast_visit_fn)(struct ast *n, void *ctx);
bool ast_walk(struct ast *n, ast_visit_fn fn, void *ctx);

#endif
