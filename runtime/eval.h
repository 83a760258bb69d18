// SPDX-License-Identifier: Apache-2.0
/*
 * eval: compile a resolved condition AST into an evaluable tree, and
 * evaluate it per event with libsinsp's semantics.
 *
 * A context (struct rt_cond_ctx) holds everything shared by the
 * conditions of one rule set: compiled nodes memoised per AST node (macro
 * bodies are shared between rules, so the ASTs form a DAG and each shared
 * node is compiled once), one field reference per distinct field (name +
 * argument), and a per-event extraction cache so a field used by many
 * rules is extracted once per event. Right-hand literals are parsed into
 * the field's type once, at compile time.
 *
 * Not thread-safe: a context and its conditions are used by one thread.
 */
#ifndef FALCOC_EVAL_H
#define FALCOC_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "event.h"
#include "extract.h"

struct rt_state;
struct rt_cond_ctx;
struct rt_cond;

/* Why a condition did not compile, located at the offending node. */
struct rt_cond_err {
	struct loc loc;
	const char *msg; /* arena-allocated; NULL if no error */
};

/* All memory comes from `a`, except scratch buffers and compiled regexes,
 * which rt_cond_ctx_free() releases (the arena must outlive that call). */
struct rt_cond_ctx *rt_cond_ctx_new(struct arena *a);
void rt_cond_ctx_free(struct rt_cond_ctx *cx);
struct arena *rt_cond_ctx_arena(const struct rt_cond_ctx *cx);

/*
 * Compile a resolved condition (macros spliced, lists substituted, fields
 * checked by sema). Returns NULL and fills *err when a field is not
 * implemented by the extractor, a literal does not parse as its field's
 * type, a regex does not compile, or the AST holds something a resolved
 * tree cannot (an unresolved macro or list). err may be NULL.
 */
struct rt_cond *rt_cond_compile(struct rt_cond_ctx *cx, const struct ast *n,
				struct rt_cond_err *err);

/*
 * Evaluate for one event. Without rt_cond_ctx_begin_event(), each call
 * extracts afresh; after it, extractions are cached until the next
 * rt_cond_ctx_begin_event(), so call it once per event before evaluating
 * that event's rules (and after any state change that should be seen).
 */
bool rt_cond_eval(const struct rt_cond *c, struct rt_state *st, const struct rt_event *ev);
void rt_cond_ctx_begin_event(struct rt_cond_ctx *cx);

/* The distinct field references a condition reads (val() and transformer
 * arguments included), in first-use order. */
size_t rt_cond_nrefs(const struct rt_cond *c);
const struct rt_field_ref *rt_cond_ref(const struct rt_cond *c, size_t i);

/*
 * A standalone value expression (a field or a transformer over fields),
 * as used by output formats: `%tolower(proc.name)`. n is AST_FIELD or
 * AST_TRANSFORMER. rt_expr_render() appends the value as text (list
 * values as "(a,b)", as libsinsp prints them) and returns false for <NA>.
 */
struct rt_expr;
struct rt_expr *rt_expr_compile(struct rt_cond_ctx *cx, const struct ast *n,
				struct rt_cond_err *err);
bool rt_expr_render(const struct rt_expr *e, struct rt_state *st, const struct rt_event *ev,
		    struct strbuf *out);

#endif
