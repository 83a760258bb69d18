/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parse: Falco condition text -> AST (grammar/lexer.l + grammar/parser.y).
 *
 * The scanner is reentrant and the parser pure, so conditions can be
 * parsed from any thread and many times per compilation. Offsets inside
 * the condition are turned into file locations by a caller-supplied map,
 * which is how a condition from a folded YAML scalar gets a caret on the
 * right file line and column.
 */
#ifndef FALCOC_PARSE_H
#define FALCOC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* Falco raises libsinsp's recursion limit to 1000; so do we, for groups. */
#define PARSE_MAX_NESTING 1000

struct parse_src {
	const char *text;
	size_t len;
	/* Used when map is NULL: locations are line/col inside `text`,
	 * reported against this file name (e.g. "<condition>"). */
	const char *file;
	/* Map a byte offset in `text` to a file location. */
	void (*map)(void *ctx, uint32_t off, struct loc *out);
	void *map_ctx;
};

/*
 * Parse one condition. On success returns the AST (allocated in `a`).
 * On failure reports one located diagnostic to `d` and returns NULL.
 */
struct ast *parse_condition(struct arena *a, struct diag_ctx *d, const struct parse_src *src);

/* Resolve an offset with src's map (or the line/col default). */
void parse_src_loc(const struct parse_src *src, uint32_t off, struct loc *out);

#endif
