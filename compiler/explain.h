/* SPDX-License-Identifier: Apache-2.0 */
/*
 * explain: what the kernel filters for each rule and what stays in
 * userspace (`falcoc explain`). Renders a split_result as text or JSON,
 * deterministically (rule order, stable JSON key order).
 */
#ifndef FALCOC_EXPLAIN_H
#define FALCOC_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "split.h"

enum explain_format { EXPLAIN_TEXT, EXPLAIN_JSON };

/* "text" or "json"; false (fmt untouched) otherwise. */
bool explain_format_parse(const char *s, enum explain_format *fmt);

struct explain_opts {
	enum explain_format fmt;
	const char *const *only; /* rule names to print; all if nonly == 0 */
	size_t nonly;
};

struct explain_stats {
	unsigned rules;        /* rules printed */
	unsigned not_maybe;    /* kernel part neither MAYBE nor TRUE */
	unsigned beyond_evttype; /* ... and checks something besides evt.type */
	unsigned maybe_only;   /* kernel part MAYBE or TRUE: event types only */
	unsigned never;        /* kernel part FALSE: the rule can never fire */
};

/* Whether a kernel part tests some field other than evt.type (or is
 * FALSE): it filters more than the per-syscall dispatch does. */
bool explain_beyond_evttype(const struct kexpr *k);

/* Append the explanation of every rule of sr (or of opts->only) to out;
 * text output ends with a summary line. Fills *st if non-NULL. */
void explain_render(struct strbuf *out, const struct split_result *sr,
		    const struct explain_opts *opts, struct explain_stats *st);

#endif
