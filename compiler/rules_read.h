// SPDX-License-Identifier: Apache-2.0
/*
 * rules_read: YAML documents -> located rr_items (rules.h).
 *
 * Checks everything that can be checked one item at a time (shapes,
 * types, keys, names, priorities, override marks, exception shapes,
 * engine and plugin versions) and reports every problem, never stopping
 * at the first. What needs the other items (is this rule new? is there
 * something to append to?) is the collector's job.
 */
#ifndef FALCOC_RULES_READ_H
#define FALCOC_RULES_READ_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "rules.h"

/* A file bigger than this is refused (DIAG_TOO_LARGE). */
#define RR_MAX_FILE_SIZE (64u << 20)

/*
 * Walk the documents (struct ynode * roots from yaml_load) of `file` and
 * append one struct rr_item * per item to items_out. Items with errors
 * are still appended when they have a kind and a name, so later passes
 * can keep going; check d->nerrors. Returns the number of errors
 * reported.
 */
int rr_read(struct arena *a, struct diag_ctx *d, const char *file, struct vec *docs,
	    struct vec *items_out);

/*
 * For a rule item the collector found to be new (no earlier rule of that
 * name): report each missing required key (condition, output, desc,
 * priority) as DIAG_MISSING_KEY. Standalone `enabled` toggles and
 * non-rule items pass (the collector reports a toggle with nothing to
 * toggle). Returns true if nothing is missing.
 */
bool rr_check_new_rule(struct diag_ctx *d, const struct rr_item *it);

/*
 * Read `path`, register its text with diag_add_source(), parse and read
 * it. Unreadable file -> DIAG_FILE_READ, over RR_MAX_FILE_SIZE ->
 * DIAG_TOO_LARGE, nothing but comments -> DIAG_EMPTY_FILE (warning, zero
 * items). Returns 0, or -1 if the file could not be read or parsed as
 * YAML (items read before a YAML error are not returned).
 */
int rr_load_file(struct arena *a, struct diag_ctx *d, const char *path, struct vec *items_out);

/* The same for text already in memory (tests, stdin). `text` must
 * outlive d. */
int rr_load_text(struct arena *a, struct diag_ctx *d, const char *file, const char *text,
		 size_t len, struct vec *items_out);

#endif
