/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report: render collected diagnostics for `falcoc lint`.
 *
 *   text   gcc style: "file:line:col: error: message [code]", the source
 *          line, a caret, "  hint: ..." and one summary line per file
 *          ("rules.yaml: 2 errors, 1 warning") at the end.
 *   json   the `falco -V -o json_output=true` shape, 0-based line/column
 *          like Falco, plus additive falcoc keys ("falcoc_code", "hint").
 *   sarif  SARIF 2.1.0, 1-based lines, columns in Unicode code points.
 *
 * Output is deterministic: renderers order diagnostics with diag_sorted()
 * themselves, so the ctx need not be sorted and is not modified. Every
 * byte of untrusted text (messages, file names, source lines) is escaped:
 * control characters, C1 controls, bidi overrides and invalid UTF-8 never
 * reach the terminal raw, and JSON is always valid.
 *
 * `files` lists the input files in command-line order (one summary line /
 * one falco_load_results entry each, even when clean). Diagnostics without
 * a file belong to the first; files seen only in diagnostics are appended.
 */
#ifndef FALCOC_REPORT_H
#define FALCOC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_SARIF };

/* "text", "json" or "sarif". False (fmt untouched) otherwise. */
bool report_format_parse(const char *s, enum report_format *fmt);
/* Color for text output: out is a tty, NO_COLOR unset or empty, TERM is
 * not "dumb". */
bool report_color_wanted(FILE *out);

/* Append the rendering to `out`. `color` only affects REPORT_TEXT. */
void report_render_sb(struct strbuf *out, const struct diag_ctx *d, enum report_format fmt,
		      const char *const *files, size_t nfiles, bool color);
/* Stream the rendering to `out` in bounded chunks. Returns 0, or -1 if a
 * write failed (the caller should exit non-zero). */
int report_render(FILE *out, const struct diag_ctx *d, enum report_format fmt,
		  const char *const *files, size_t nfiles, bool color);

#endif
