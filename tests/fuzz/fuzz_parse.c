// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_parse: libFuzzer target for the condition parser.
 *
 * The input bytes are one condition, exactly as `falcoc parse` would get
 * it, except that they may hold NULs and are not NUL-terminated: the
 * parser is given (text, len) and must never read past len. On success
 * the AST is printed (every node kind's printer runs); on failure the
 * diagnostic goes through the text and JSON renderers, which quote the
 * source line and must escape whatever bytes it holds. Everything lives
 * in one arena per input, freed before returning, so LeakSanitizer sees
 * any allocation that escapes it.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = { "<condition>" };
	struct arena a;
	struct diag_ctx d;
	struct parse_src src = { .text = (const char *)data, .len = size, .file = files[0] };

	arena_init(&a);
	diag_init(&d, &a);
	diag_add_source(&d, src.file, src.text, src.len);

	struct ast *n = parse_condition(&a, &d, &src);
	struct strbuf sb = { 0 };
	if (n)
		ast_print_sexpr(&sb, n);
	if (d.head) {
		report_render_sb(&sb, &d, REPORT_TEXT, files, 1, true);
		report_render_sb(&sb, &d, REPORT_JSON, files, 1, false);
	}
	sb_free(&sb);
	arena_free(&a);
	return 0;
}
