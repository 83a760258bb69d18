// SPDX-License-Identifier: Apache-2.0
/*
 * format: sysdig/Falco output formats ("%proc.name opened %fd.name").
 *
 * A format compiles once into tokens: literal text, and field references
 * with an optional width (%20proc.name pads with spaces or truncates to
 * 20 bytes, as libsinsp's formatter does). A leading '*' selects Falco
 * semantics (a field without a value prints <NA>); without it a format
 * follows sysdig -p semantics and the whole line is skipped when any
 * field has no value. Transformers are allowed (%tolower(proc.name)).
 *
 * The format also lists its output fields: every field it mentions (the
 * fields inside a transformer, not the transformer), once per name as
 * written ("proc.aname[2]", "evt.arg.flags"), sorted by name as Falco's
 * JSON output_fields are.
 */
#ifndef FALCOC_FORMAT_H
#define FALCOC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "eval.h"
#include "event.h"
#include "extract.h"

struct rt_state;
struct rt_fmt;

/* Falco rule outputs: behave as if the format started with '*'. */
#define RT_FMT_FORCE_NA 1u

struct rt_fmt_err {
	size_t off;      /* byte offset in the format string */
	const char *msg; /* NULL if no error */
};

/*
 * Compile fmt. Fails (NULL, *err set) for an unknown field, a field the
 * runtime cannot extract, or a malformed transformer. A '%' that does not
 * start a field is kept as literal text (libsinsp rejects it; sema
 * accepts it, and what lint accepts must load). err may be NULL.
 */
struct rt_fmt *rt_fmt_compile(struct rt_cond_ctx *cx, const char *fmt, unsigned flags,
			      struct rt_fmt_err *err);

/*
 * Append the rendered line to out. Returns false, leaving out as it was,
 * when the format requires all values (no '*') and one is missing.
 */
bool rt_fmt_render(const struct rt_fmt *f, struct rt_state *st, const struct rt_event *ev,
		   struct strbuf *out);

/* Whether missing values print <NA> ('*' or RT_FMT_FORCE_NA). */
bool rt_fmt_prints_na(const struct rt_fmt *f);

/* Output fields, sorted by name. */
size_t rt_fmt_nfields(const struct rt_fmt *f);
const char *rt_fmt_field_name(const struct rt_fmt *f, size_t i);
const struct rt_field_ref *rt_fmt_field_ref(const struct rt_fmt *f, size_t i);
/* Append field i's rendered value; false (nothing appended) for <NA>. */
bool rt_fmt_field_text(const struct rt_fmt *f, size_t i, struct rt_state *st,
		       const struct rt_event *ev, struct strbuf *out);

#endif
