// SPDX-License-Identifier: Apache-2.0
/*
 * explain: render split_ruleset()'s result for people (text) and tools
 * (JSON). Per rule: name and location, probe index, enabled, event
 * types, the kernel part (split_print), whether it is exact, the
 * userspace residual (the whole condition as written, exceptions
 * appended: userspace always re-checks it) and the notes saying why
 * parts of the condition stay in userspace.
 *
 * JSON is an array of objects with keys in this fixed order: rule, file,
 * line, index, enabled, evttypes, kernel, kernel_kind, kernel_exact,
 * beyond_evttype, userspace, notes [{file, line, col, why}].
 */
#include <string.h>

#include "explain.h"
#include "fields.h"
#include "ruleset.h"

#define TEXT_MAX_EVTNAMES 40

bool explain_format_parse(const char *s, enum explain_format *fmt)
{
	if (!strcmp(s, "text"))
		*fmt = EXPLAIN_TEXT;
	else if (!strcmp(s, "json"))
		*fmt = EXPLAIN_JSON;
	else
		return false;
	return true;
}

bool explain_beyond_evttype(const struct kexpr *k)
{
	if (k->kind == KX_FALSE)
		return true;
	if (k->kind == KX_CHECK)
		return k->kfield != KF_EVT_TYPE;
	for (unsigned i = 0; i < k->nkids; i++)
		if (explain_beyond_evttype(k->kids[i]))
			return true;
	return false;
}

static const char *kind_name(enum kx_kind k)
{
	switch (k) {
	case KX_TRUE: return "true";
	case KX_FALSE: return "false";
	case KX_MAYBE: return "maybe";
	default: return "filter";
	}
}

static void json_str(struct strbuf *b, const char *s)
{
	sb_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_printf(b, "\\%c", *p);
		else if (*p == '\n')
			sb_puts(b, "\\n");
		else if (*p == '\t')
			sb_puts(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			sb_printf(b, "\\u%04x", *p);
		else
			sb_putc(b, (char)*p);
	}
	sb_putc(b, '"');
}

/* The condition on one line: runs of blanks collapsed. */
static void one_line(struct strbuf *b, const char *s)
{
	bool blank = false;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			blank = true;
			continue;
		}
		if (blank)
			sb_putc(b, ' ');
		blank = false;
		sb_putc(b, *s);
	}
}

static bool wanted(const struct explain_opts *o, const char *name)
{
	if (!o || !o->nonly)
		return true;
	for (size_t i = 0; i < o->nonly; i++)
		if (!strcmp(o->only[i], name))
			return true;
	return false;
}

static void text_rule(struct strbuf *b, const struct split_rule *sr)
{
	const struct rs_rule *r = sr->rule;
	struct strbuf t = { 0 };

	sb_printf(b, "rule: %s\n", r->name);
	sb_printf(b, "  at: %s:%u\n", r->loc.file ? r->loc.file : "?", r->loc.line);
	sb_printf(b, "  index: %u%s\n", sr->index, r->enabled ? "" : " (disabled)");
	size_t nev = fields_evtname_count(), shown = 0;
	sb_printf(b, "  event types (%u):", r->nevttypes);
	if (r->nevttypes == nev) {
		sb_puts(b, " all");
	} else {
		for (size_t i = 0; i < nev && r->evttypes; i++) {
			if (!evttypes_has(r->evttypes, i))
				continue;
			if (shown++ == TEXT_MAX_EVTNAMES) {
				sb_puts(b, " ...");
				break;
			}
			sb_printf(b, " %s", fields_evtname(i));
		}
	}
	sb_putc(b, '\n');
	split_print(&t, sr->kernel);
	sb_printf(b, "  kernel%s: %s\n", sr->kernel->exact ? " (exact)" : "", sb_str(&t));
	sb_free(&t);
	sb_puts(b, "  userspace: ");
	one_line(b, mtext_str(&r->cond));
	sb_putc(b, '\n');
	if (sr->notes.n)
		sb_puts(b, "  stays in userspace:\n");
	for (size_t i = 0; i < sr->notes.n; i++) {
		const struct split_note *n = sr->notes.v[i];
		const struct loc *l = n->src ? &n->src->loc : NULL;
		if (l && l->file)
			sb_printf(b, "    %s:%u:%u: %s\n", l->file, l->line, l->col, n->why);
		else
			sb_printf(b, "    %s\n", n->why);
	}
	sb_putc(b, '\n');
}

static void json_rule(struct strbuf *b, const struct split_rule *sr, bool first)
{
	const struct rs_rule *r = sr->rule;
	struct strbuf t = { 0 };

	sb_puts(b, first ? "\n  {" : ",\n  {");
	sb_puts(b, "\"rule\": ");
	json_str(b, r->name);
	sb_puts(b, ", \"file\": ");
	json_str(b, r->loc.file ? r->loc.file : "");
	sb_printf(b, ", \"line\": %u, \"index\": %u, \"enabled\": %s, \"evttypes\": [", r->loc.line,
		  sr->index, r->enabled ? "true" : "false");
	size_t nev = fields_evtname_count();
	bool f = true;
	for (size_t i = 0; i < nev && r->evttypes; i++) {
		if (!evttypes_has(r->evttypes, i))
			continue;
		if (!f)
			sb_puts(b, ", ");
		f = false;
		json_str(b, fields_evtname(i));
	}
	split_print(&t, sr->kernel);
	sb_puts(b, "], \"kernel\": ");
	json_str(b, sb_str(&t));
	sb_free(&t);
	sb_printf(b, ", \"kernel_kind\": \"%s\", \"kernel_exact\": %s, \"beyond_evttype\": %s",
		  kind_name(sr->kernel->kind), sr->kernel->exact ? "true" : "false",
		  explain_beyond_evttype(sr->kernel) ? "true" : "false");
	sb_puts(b, ", \"userspace\": ");
	json_str(b, mtext_str(&r->cond));
	sb_puts(b, ", \"notes\": [");
	for (size_t i = 0; i < sr->notes.n; i++) {
		const struct split_note *n = sr->notes.v[i];
		const struct loc *l = n->src ? &n->src->loc : NULL;
		sb_puts(b, i ? ", {\"file\": " : "{\"file\": ");
		json_str(b, l && l->file ? l->file : "");
		sb_printf(b, ", \"line\": %u, \"col\": %u, \"why\": ", l ? l->line : 0,
			  l ? l->col : 0);
		json_str(b, n->why);
		sb_putc(b, '}');
	}
	sb_puts(b, "]}");
}

void explain_render(struct strbuf *out, const struct split_result *res,
		    const struct explain_opts *opts, struct explain_stats *st)
{
	struct explain_stats s = { 0 };
	bool json = opts && opts->fmt == EXPLAIN_JSON;

	if (json)
		sb_putc(out, '[');
	for (size_t i = 0; i < res->rules.n; i++) {
		const struct split_rule *sr = res->rules.v[i];
		if (!wanted(opts, sr->rule->name))
			continue;
		if (json)
			json_rule(out, sr, s.rules == 0);
		else
			text_rule(out, sr);
		s.rules++;
		enum kx_kind k = sr->kernel->kind;
		if (k == KX_MAYBE || k == KX_TRUE) {
			s.maybe_only++;
		} else {
			s.not_maybe++;
			s.beyond_evttype += explain_beyond_evttype(sr->kernel);
			s.never += k == KX_FALSE;
		}
	}
	if (json) {
		sb_puts(out, s.rules ? "\n]\n" : "]\n");
	} else {
		sb_printf(out,
			  "summary: %u rules; %u with a kernel filter (%u testing more than the "
			  "event type, %u never true); %u event types only (maybe); %u sets\n",
			  s.rules, s.not_maybe, s.beyond_evttype, s.never, s.maybe_only,
			  (unsigned)res->sets.n);
	}
	if (st)
		*st = s;
}
