/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private glue shared by the flex scanner and the bison parser only.
 */
#ifndef FALCOC_PARSE_IMPL_H
#define FALCOC_PARSE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

/* A token's value: the scanner decodes strings and field arguments. */
struct tok {
	const char *s;   /* identifier, field name, value (unescaped), transformer */
	const char *arg; /* field argument, NULL if none */
	bool quoted;     /* value was quoted */
	bool arg_quoted;
	int op;  /* enum ast_op for operator tokens */
	int mod; /* enum ast_mod for MOD tokens */
};

/* Byte range of a token or rule in the condition text. */
typedef struct fc_yyltype {
	uint32_t off, end;
} fc_yyltype;

/* Scanner states the parser never sees; see lexer.l. */
enum lex_after { LEX_RET_OP, LEX_RET_AFTER };

struct parse_ctx {
	struct arena *arena;
	struct diag_ctx *diag;
	const struct parse_src *src;
	uint32_t *line_starts; /* when src->map is NULL */
	uint32_t nlines;
	struct ast *result;
	bool failed;
	/* scanner state */
	uint32_t off;          /* offset of the next unread byte */
	int targs_depth;       /* parens open inside a transformer call */
	enum lex_after targs_ret;
	int group_depth;       /* '(' nesting of expressions */
	int not_run;           /* consecutive `not`s before the current check */
	bool nesting_exceeded;
	bool blank_seen;       /* a blank since the last operator (modifiers) */
	const char *bad_text;  /* text of an invalid token, for messages */
	uint32_t bad_off;
	const char *lex_error; /* a lexical error message (bad escape, ...) */
	uint32_t lex_error_off;
};

struct loc;
void parse_loc(struct parse_ctx *pc, uint32_t off, struct loc *out);

#endif
