// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_eval: libFuzzer target for the condition compiler and evaluator,
 * and for output formats.
 *
 * The input is one condition. It is parsed (grammar/parse.h), compiled
 * without resolve or sema (so unknown fields, bad literals, unresolved
 * macros and lists reach the compiler, which must refuse them with an
 * error, never crash), and evaluated twice on a fake event: once with no
 * field values (<NA> everywhere) and once with values derived from each
 * field's name. The same bytes are then compiled and rendered as an output
 * format, text and JSON. A FAKE extractor stands in for extract.c.
 * Everything lives in one arena per input.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "eval.h"
#include "extract.h"
#include "fields.h"
#include "format.h"
#include "output.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fake_na; /* every field <NA> */

bool rt_field_ref_init(struct arena *a, struct rt_field_ref *ref, const char *name,
		       const char *arg, const char **why)
{
	const char *dotted = NULL;
	const struct field_info *f = fields_lookup(name, &dotted);

	memset(ref, 0, sizeof(*ref));
	if (!f || !strcmp(f->name, "proc.exepath")) {
		*why = "not implemented (fake)";
		return false;
	}
	ref->f = f;
	ref->field_id = fields_index(f);
	ref->arg = dotted ? dotted : arg;
	ref->argi = -1;
	ref->impl = arena_strdup(a, name);
	return true;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Values derived from the field name: deterministic, type-correct, and
 * varied enough to reach every comparison path. */
uint32_t rt_extract(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
		    struct rt_vals *out, struct strbuf *scratch)
{
	static const char *const strs[] = { "/etc/passwd", "bash", "", "a*b\\c", "/var/run/x",
					    "aGVsbG8=", "\xff\xfe", "sh -c \"x\"\n" };
	const char *name = ref->impl;
	uint32_t h = name_hash(name);
	enum ftype t = ref->f->type;

	(void)st;
	(void)ev;
	out->n = 0;
	if (fake_na || h % 7 == 0)
		return 0;
	out->n = (ref->f->flags & EPF_IS_LIST) ? 1 + h % 3 : 1 + (h % 11 == 0);
	scratch->len = 0;
	for (uint32_t i = 0; i < out->n; i++) {
		struct rt_val *v = &out->v[i];
		memset(v, 0, sizeof(*v));
		v->type = t == FT_DYN ? FT_INT64 : t;
		/* one union member, the one the type reads */
		if (v->type == FT_BOOL)
			v->b = h & 1;
		else if (v->type == FT_DOUBLE)
			v->d = (double)(h % 1000) / 7.0;
		else
			v->u = h * (i + 1);
		v->v6 = h & 2;
		memcpy(v->ip, &h, sizeof(h));
		v->prefix = (uint8_t)(h % 33);
		const char *s = strs[(h + i) % (sizeof(strs) / sizeof(*strs))];
		v->s = s; /* literal storage outlives every use */
		v->len = (uint32_t)strlen(s);
	}
	return out->n;
}

bool rt_render(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
	       struct strbuf *out)
{
	struct rt_vals *vals = fc_malloc(sizeof(*vals));
	struct strbuf sb = { 0 };
	uint32_t n = rt_extract(st, ev, ref, vals, &sb);

	for (uint32_t i = 0; i < n; i++) {
		if (vals->v[i].s)
			sb_putn(out, vals->v[i].s, vals->v[i].len);
		else
			sb_printf(out, "%llu", (unsigned long long)vals->v[i].u);
	}
	sb_free(&sb);
	fc_free(vals);
	return n != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct diag_ctx d;
	struct parse_src src = { .text = (const char *)data, .len = size, .file = "<condition>" };
	struct rt_event ev = { .ts = 1470327477881781397ULL, .num = 1 };
	struct rt_cond_err err;
	struct strbuf out = { 0 };

	arena_init(&a);
	diag_init(&d, &a);
	struct rt_cond_ctx *cx = rt_cond_ctx_new(&a);

	struct ast *n = parse_condition(&a, &d, &src);
	if (n) {
		struct rt_cond *c = rt_cond_compile(cx, n, &err);
		if (c) {
			fake_na = true;
			(void)rt_cond_eval(c, NULL, &ev);
			fake_na = false;
			rt_cond_ctx_begin_event(cx);
			(void)rt_cond_eval(c, NULL, &ev);
			(void)rt_cond_eval(c, NULL, &ev);
		}
	}

	/* the same bytes as an output format (NUL-terminated copy) */
	char *fmt = arena_strndup(&a, (const char *)data, size);
	struct rt_fmt_err ferr;
	struct rt_fmt *f = rt_fmt_compile(cx, fmt, 0, &ferr);
	if (f) {
		static const char *const tags[] = { "b", "a" };
		struct rt_out_opts o;
		struct rt_out_rule r = { .name = fmt, .priority = (int)(size % 9), .tags = tags,
					 .ntags = 2, .fmt = f };
		(void)rt_fmt_render(f, NULL, &ev, &out);
		rt_out_opts_default(&o);
		rt_out_alert(&out, &o, &r, NULL, &ev);
		o.json = true;
		o.json_message = true;
		rt_out_alert(&out, &o, &r, NULL, &ev);
	}
	sb_free(&out);
	rt_cond_ctx_free(cx);
	arena_free(&a);
	return 0;
}
