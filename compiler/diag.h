/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diag: located diagnostics, collected rather than printed.
 *
 * Passes call diag_report() and carry on; nothing stops at the first
 * problem. A diagnostic owns a stable code (diag_codes.def), a severity,
 * a location {file, line, col} (1-based) and a message; optionally a
 * hint ("did you mean ...") and the item it occurred in (rule 'x'), which
 * Falco's JSON format wants. The context also keeps the text of every
 * source file so that renderers can quote the line and place a caret.
 */
#ifndef FALCOC_DIAG_H
#define FALCOC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

struct loc {
	const char *file; /* NULL: no location */
	uint32_t line;    /* 1-based; 0 means unknown */
	uint32_t col;     /* 1-based, in bytes */
	uint32_t off;     /* byte offset in the file */
};

enum diag_sev { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

enum diag_code {
#define X(id, code, falco, sev) DIAG_##id,
#include "diag_codes.def"
#undef X
	DIAG__COUNT
};

struct diag {
	enum diag_code code;
	enum diag_sev sev;
	struct loc loc;
	const char *msg;
	const char *hint;      /* NULL or a "did you mean" style hint */
	const char *item_type; /* "rule", "macro", "list", ... or NULL */
	const char *item_name;
	struct diag *next;
};

struct diag_source {
	const char *file;
	const char *text; /* may contain NULs; len is authoritative */
	size_t len;
	uint32_t *line_starts; /* built on first diag_offset_loc() */
	uint32_t nlines;
	struct diag_source *next;
};

struct diag_ctx {
	struct arena *arena;
	struct diag *head, *tail;
	unsigned nerrors, nwarnings;
	bool werror; /* warnings count (and print) as errors */
	struct diag_source *sources;
	/* the item being processed, stamped on every new diagnostic */
	const char *item_type, *item_name;
	unsigned max_diags; /* stop recording after this many (0: 10000) */
	unsigned dropped;
};

void diag_init(struct diag_ctx *d, struct arena *a);
/* Register a file's text for snippets. The text must outlive the ctx. */
void diag_add_source(struct diag_ctx *d, const char *file, const char *text, size_t len);
const struct diag_source *diag_find_source(const struct diag_ctx *d, const char *file);
void diag_set_item(struct diag_ctx *d, const char *type, const char *name);

/* Report with the code's default severity. Returns the diagnostic so the
 * caller may attach a hint; NULL if dropped. */
struct diag *diag_report(struct diag_ctx *d, enum diag_code code, const struct loc *loc,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
struct diag *diag_vreport(struct diag_ctx *d, enum diag_code code, enum diag_sev sev,
			  const struct loc *loc, const char *fmt, va_list ap);
void diag_hint(struct diag_ctx *d, struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *diag_code_name(enum diag_code code);  /* "unknown-field" */
const char *diag_falco_code(enum diag_code code); /* "LOAD_ERR_COMPILE_CONDITION" */
const char *diag_falco_codedesc(enum diag_code code);
const char *diag_sev_name(enum diag_sev sev);
enum diag_sev diag_effective_sev(const struct diag_ctx *d, const struct diag *dg);

/* Copy the 1-based line `line` of a registered file into buf (without
 * the newline). Returns false if unavailable. */
bool diag_source_line(const struct diag_ctx *d, const char *file, uint32_t line,
		      const char **start, size_t *len);

/* Byte offset in a registered file -> 1-based line and byte column, by
 * binary search in a line table built once per file. False if the file
 * is not registered. */
bool diag_offset_loc(const struct diag_ctx *d, const struct diag_source *src, uint32_t off,
		     struct loc *out);

/* Stable order: by file registration order, line, col, then report order. */
void diag_sort(struct diag_ctx *d);

/* "did you mean": the candidate with the smallest edit distance to
 * `word`, if close enough to be a plausible typo; else NULL. */
const char *diag_suggest(const char *word, const char *const *cands, size_t n);
unsigned diag_edit_distance(const char *a, const char *b);

/* Additions (diag.c). */

/* The default severity declared in diag_codes.def. */
enum diag_sev diag_default_sev(enum diag_code code);
/* Report order sorted as by diag_sort(), without modifying the ctx: an
 * fc_malloc'd, NULL-terminated array the caller fc_free()s. *n gets the
 * count (n may be NULL). */
const struct diag **diag_sorted(const struct diag_ctx *d, size_t *n);
/* Line lookup with a cursor, for callers visiting lines in increasing
 * order (renderers): *pos is the byte offset where line *cur starts
 * (start with 0 and 1). Moves the cursor to `line` and returns it like
 * diag_source_line(); false (cursor unchanged) if line < *cur or past
 * the end. */
bool diag_line_at(const char *text, size_t len, size_t *pos, uint32_t *cur, uint32_t line,
		  const char **start, size_t *n);

#endif
