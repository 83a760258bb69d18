// SPDX-License-Identifier: Apache-2.0
/*
 * falcoc: command-line driver.
 *
 *   falcoc parse 'COND'                 print the condition's AST
 *   falcoc lint [options] FILE...       check rules files
 *
 * Exit codes: 0 ok, 1 errors in the input, 2 usage or I/O problems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "parse.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: falcoc parse 'CONDITION'\n"
		   "       falcoc lint [--format text|json|sarif] [--werror] FILE...\n");
}

static void print_diags_plain(const struct diag_ctx *d)
{
	for (const struct diag *g = d->head; g; g = g->next) {
		fprintf(stderr, "%s:%u:%u: %s: %s [%s]\n", g->loc.file ? g->loc.file : "falcoc",
			g->loc.line, g->loc.col, diag_sev_name(g->sev), g->msg,
			diag_code_name(g->code));
		const char *line;
		size_t len;
		if (g->loc.file && diag_source_line(d, g->loc.file, g->loc.line, &line, &len)) {
			fprintf(stderr, "%.*s\n%*s^\n", (int)len, line, (int)g->loc.col - 1, "");
		}
	}
}

static int cmd_parse(int argc, char **argv)
{
	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	struct arena a;
	struct diag_ctx d;
	arena_init(&a);
	diag_init(&d, &a);
	const char *cond = argv[0];
	struct parse_src src = { .text = cond, .len = strlen(cond), .file = "<condition>" };
	diag_add_source(&d, src.file, cond, src.len);
	struct ast *n = parse_condition(&a, &d, &src);
	int rc = 0;
	if (n) {
		struct strbuf sb = { 0 };
		ast_print_sexpr(&sb, n);
		printf("%s\n", sb_str(&sb));
		sb_free(&sb);
	} else {
		print_diags_plain(&d);
		rc = 1;
	}
	arena_free(&a);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "parse"))
		return cmd_parse(argc - 2, argv + 2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
