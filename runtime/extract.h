/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: field values of one event, computed from the event and the
 * state (threads, fds, users) exactly as libsinsp computes them.
 *
 * A field reference is resolved once, when a condition or an output is
 * compiled (rt_field_ref_init), then extracted per event. A value is
 * typed (enum ftype of fields.h) so the evaluator compares numbers as
 * numbers and addresses as addresses; list-valued fields return several
 * values. n == 0 means the field has no value for this event: libsinsp's
 * <NA>, which makes every comparison except `exists`-false fail.
 *
 * rt_render() prints a field as sysdig/Falco print it in outputs
 * (`%fd.name`, `%evt.arg.flags` as O_RDONLY|O_CLOEXEC, ...).
 */
#ifndef FALCOC_EXTRACT_H
#define FALCOC_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "event.h"
#include "fields.h"

struct rt_state; /* state.h */

struct rt_field_ref {
	const struct field_info *f;
	int field_id;
	const char *arg; /* bracket or dotted argument, NULL if none */
	int64_t argi;    /* arg parsed as an integer when numeric, else -1 */
	void *impl;      /* extractor's private data, set by rt_field_ref_init */
};

/* Resolve name (as written: "proc.aname", arg "2"; or "evt.arg.flags").
 * Returns false with *why if the field is not implemented: falcoc never
 * silently yields <NA> for a field it does not know how to compute. */
bool rt_field_ref_init(struct arena *a, struct rt_field_ref *ref, const char *name,
		       const char *arg, const char **why);

#define RT_MAX_VALS 64

struct rt_val {
	enum ftype type;
	union {
		uint64_t u;
		int64_t i;
		double d;
		bool b;
	};
	const char *s; /* strings and buffers (not NUL-terminated for BYTEBUF) */
	uint32_t len;
	uint8_t ip[16]; /* IPADDR/IPNET: v4 in ip[0..3] when !v6 */
	bool v6;
	uint8_t prefix; /* IPNET prefix length */
};

struct rt_vals {
	uint32_t n; /* 0: <NA> */
	struct rt_val v[RT_MAX_VALS];
};

/*
 * Extract ref for ev into out. Strings point into the event, the state,
 * or `scratch` (valid until the next call with the same scratch).
 * Returns out->n.
 */
uint32_t rt_extract(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
		    struct rt_vals *out, struct strbuf *scratch);

/* Render as in sysdig -p / Falco outputs. Returns false for <NA>
 * (nothing is appended). */
bool rt_render(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
	       struct strbuf *out);

#endif
