// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_yaml: libFuzzer target for the whole lint pipeline.
 *
 * The input bytes are one rules file. They go through what `falcoc lint`
 * does with a file (register the text for snippets, load YAML, read
 * items, collect, resolve, sema, event types) and then through all three
 * renderers: text with color, Falco-style JSON and SARIF. The text is
 * passed as (data, size) without a terminating NUL, so any read past
 * the end is caught by AddressSanitizer. One arena per input, freed
 * before returning; LeakSanitizer checks that nothing escapes it.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "report.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = { "fuzz.yaml" };
	struct arena a;
	struct diag_ctx d;
	struct ruleset rs;

	arena_init(&a);
	diag_init(&d, &a);
	rs_init(&rs, &a, &d);
	rs.lint = true;

	diag_add_source(&d, files[0], (const char *)data, size);
	/* Like `falcoc lint`: compile whatever was collected, even after a
	 * YAML error (only I/O errors skip it, and there are none here). */
	rs_add_text(&rs, files[0], (const char *)data, size);
	rs_compile(&rs);

	struct strbuf sb = { 0 };
	report_render_sb(&sb, &d, REPORT_TEXT, files, 1, true);
	report_render_sb(&sb, &d, REPORT_JSON, files, 1, false);
	report_render_sb(&sb, &d, REPORT_SARIF, files, 1, false);
	sb_free(&sb);
	arena_free(&a);
	return 0;
}
