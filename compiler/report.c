// SPDX-License-Identifier: Apache-2.0
/*
 * report: the three renderers behind report.h.
 *
 * All output goes through a `struct out`: a strbuf that is either the
 * caller's (report_render_sb) or a staging buffer flushed to a FILE once
 * it grows past OUT_FLUSH, so 10,000 diagnostics never sit in memory as
 * one giant string. JSON and SARIF are produced by a tiny writer (struct
 * jw) that owns commas and indentation, so no renderer can emit a stray
 * comma.
 *
 * Untrusted bytes are walked as "units" (one UTF-8 character, or one bad
 * byte) by next_unit(). The text renderer draws each unit either raw or as
 * an escape, and the caret line is built from the very same units (tab for
 * tab, one space per column otherwise), so the caret stays aligned even
 * when the line contains tabs, escapes or multibyte characters.
 */
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FALCOC_VERSION
#define FALCOC_VERSION "0.1.0"
#endif
#ifndef FALCOC_INFO_URI
#define FALCOC_INFO_URI "https://falco.org/docs/concepts/rules/"
#endif

#define OUT_FLUSH (64 * 1024)
/* Bytes of source shown either side of the caret; Falco's snippet width
 * is 160 too. A minified one-line file must not print megabytes per
 * diagnostic. */
#define SNIPPET_HALF 80

/* One line for SARIF's rule list, so viewers can show what a code means
 * without the docs. Designated initializers: a code added to
 * diag_codes.def without a line here falls back to its stable name. */
static const char *const code_desc[DIAG__COUNT] = {
	[DIAG_FILE_READ] = "The rules file could not be read",
	[DIAG_YAML_PARSE] = "The rules file is not valid YAML",
	[DIAG_YAML_SHAPE] = "A YAML node has the wrong shape or type",
	[DIAG_YAML_DUP_KEY] = "A key appears twice in the same mapping",
	[DIAG_BAD_UTF8] = "The rules file contains invalid UTF-8",
	[DIAG_EMPTY_FILE] = "The rules file contains no items",
	[DIAG_UNKNOWN_ITEM] = "Unknown top-level item; it is ignored",
	[DIAG_UNKNOWN_KEY] = "Unknown key in an item definition; it is ignored",
	[DIAG_MISSING_KEY] = "A required key is missing",
	[DIAG_ENGINE_VERSION] = "required_engine_version is invalid or too new",
	[DIAG_PLUGIN_VERSION] = "required_plugin_versions is invalid or not satisfied",
	[DIAG_UNKNOWN_PLUGIN] = "A required plugin is unknown",
	[DIAG_INVALID_MACRO_NAME] = "Invalid macro name",
	[DIAG_INVALID_LIST_NAME] = "Invalid list name",
	[DIAG_INVALID_RULE_NAME] = "Invalid rule name",
	[DIAG_REDEFINED] = "An item is defined again and replaces the earlier definition",
	[DIAG_BAD_PRIORITY] = "Unknown rule priority",
	[DIAG_UNKNOWN_SOURCE] = "Unknown event source; the rule is skipped",
	[DIAG_NO_EVTTYPE] = "The condition does not restrict the event type",
	[DIAG_DEPRECATED_APPEND] = "The append key is deprecated; use override",
	[DIAG_DEPRECATED_ENABLED] = "A standalone enabled item is deprecated; use override",
	[DIAG_DEPRECATED_FIELD] = "A deprecated field is used",
	[DIAG_OVERRIDE_MISUSE] = "Invalid override or append",
	[DIAG_NO_PREVIOUS] = "Append or override of an item that was never defined",
	[DIAG_EXCEPTION_SHAPE] = "Malformed exception (fields, comps and values disagree)",
	[DIAG_EXCEPTION_DUP] = "Several exceptions have the same name",
	[DIAG_APPEND_NO_VALUES] = "Exception override or append without values",
	[DIAG_SYNTAX] = "Syntax error in a condition",
	[DIAG_NESTING] = "A condition is nested too deeply",
	[DIAG_UNKNOWN_FIELD] = "Unknown field in a condition",
	[DIAG_FIELD_ARG] = "Invalid or missing field argument",
	[DIAG_OP_TYPE] = "Operator not applicable to the field's type",
	[DIAG_BAD_VALUE] = "Value not valid for the field's type",
	[DIAG_UNKNOWN_EVTTYPE] = "Unknown event type",
	[DIAG_TRANSFORMER] = "Invalid field transformer",
	[DIAG_UNDEFINED_MACRO] = "Undefined macro",
	[DIAG_UNDEFINED_LIST] = "Undefined list",
	[DIAG_MACRO_CYCLE] = "Macros reference each other in a cycle",
	[DIAG_UNUSED_MACRO] = "Macro defined but never used",
	[DIAG_UNUSED_LIST] = "List defined but never used",
	[DIAG_OUTPUT_FIELD] = "Unknown field in a rule output",
	[DIAG_OUTPUT_SYNTAX] = "Malformed rule output",
	[DIAG_DEPRECATED_OUTPUT] = "A deprecated output field is used",
	[DIAG_TOO_LARGE] = "The input exceeds a size limit",
};

/* ---- output sink ---------------------------------------------------- */

struct out {
	struct strbuf *b;
	FILE *f; /* NULL: keep everything in b */
	bool err;
};

static void out_flush(struct out *o)
{
	if (!o->f || !o->b->len)
		return;
	if (fwrite(o->b->s, 1, o->b->len, o->f) != o->b->len)
		o->err = true;
	o->b->len = 0;
}

static void out_maybe_flush(struct out *o)
{
	if (o->f && o->b->len >= OUT_FLUSH)
		out_flush(o);
}

/* ---- untrusted bytes -------------------------------------------------- */

/* Decode one unit at s[0..n): returns its length (>= 1) and sets *cp to
 * the code point, or -1 for a byte that does not start valid UTF-8
 * (overlongs, surrogates and > U+10FFFF are invalid too). */
static size_t next_unit(const unsigned char *s, size_t n, int32_t *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	int32_t v;

	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*cp = -1;
		return 1;
	}
	if (n < len)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		unsigned cc = s[i];

		if (cc < (i == 1 ? lo : 0x80) || cc > (i == 1 ? hi : 0xbf))
			goto bad;
		v = (v << 6) | (int32_t)(cc & 0x3f);
	}
	*cp = v;
	return len;
bad:
	*cp = -1;
	return 1;
}

/* Valid characters that are still dangerous on a terminal or in a code
 * review: C1 controls (0x9b is an 8-bit CSI), bidi controls ("Trojan
 * Source") and the BOM. */
static bool cp_suspicious(int32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/*
 * How a unit is drawn in text output: raw (returns 0; one column, or a
 * tab), or as the escape written to esc (returns its length).
 */
static size_t text_escape(const unsigned char *s, int32_t cp, bool keep_tab, char esc[16])
{
	if (cp < 0)
		return (size_t)snprintf(esc, 16, "\\x%02x", s[0]);
	if (cp == '\t' && keep_tab)
		return 0;
	if (cp == '\n')
		return (size_t)snprintf(esc, 16, "\\n");
	if (cp == '\r')
		return (size_t)snprintf(esc, 16, "\\r");
	if (cp == '\t')
		return (size_t)snprintf(esc, 16, "\\t");
	if (cp < 0x20 || cp == 0x7f)
		return (size_t)snprintf(esc, 16, "\\x%02x", (unsigned)cp);
	if (cp_suspicious(cp))
		return (size_t)snprintf(esc, 16, "\\u%04x", (unsigned)cp);
	return 0;
}

static void put_text(struct strbuf *b, const char *str, size_t n, bool keep_tab)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		int32_t cp;
		size_t len = next_unit(s + i, n - i, &cp);
		char esc[16];
		size_t el = text_escape(s + i, cp, keep_tab, esc);

		if (el)
			sb_putn(b, esc, el);
		else
			sb_putn(b, str + i, len);
		i += len;
	}
}

static void put_text_z(struct strbuf *b, const char *s)
{
	put_text(b, s, strlen(s), false);
}

/* The caret line's indent for the first n bytes of a source line. */
static void put_caret_indent(struct strbuf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		int32_t cp;
		size_t len = next_unit(s + i, n - i, &cp);
		char esc[16];
		size_t el = text_escape(s + i, cp, true, esc);

		if (cp == '\t')
			sb_putc(b, '\t');
		else
			for (size_t k = el ? el : 1; k > 0; k--)
				sb_putc(b, ' ');
		i += len;
	}
}

/* ---- source lines ----------------------------------------------------- */

/* Renderers visit lines mostly in increasing order; remember where the
 * last one was so a 10,000-diagnostic file is scanned once, not 10,000
 * times. */
struct line_cache {
	const struct diag_source *src;
	size_t pos;
	uint32_t cur;
};

static bool get_line(struct line_cache *lc, const struct diag_ctx *d, const struct diag *dg,
		     const char **start, size_t *n)
{
	if (!dg->loc.file || !dg->loc.line)
		return false;
	const struct diag_source *src = diag_find_source(d, dg->loc.file);

	if (!src || !src->text)
		return false;
	if (src != lc->src || dg->loc.line < lc->cur) {
		lc->src = src;
		lc->pos = 0;
		lc->cur = 1;
	}
	return diag_line_at(src->text, src->len, &lc->pos, &lc->cur, dg->loc.line, start, n);
}

/* The part of a line shown around byte c: [*from, *to), on character
 * boundaries. */
static void snippet_window(const char *line, size_t n, size_t c, size_t *from, size_t *to)
{
	size_t f = c > SNIPPET_HALF ? c - SNIPPET_HALF : 0;
	size_t t = c + SNIPPET_HALF < n ? c + SNIPPET_HALF : n;

	while (f < c && ((unsigned char)line[f] & 0xc0) == 0x80)
		f++;
	while (t > c && t < n && ((unsigned char)line[t] & 0xc0) == 0x80)
		t--;
	*from = f;
	*to = t;
}

/* ---- counting --------------------------------------------------------- */

static void plural_line(struct strbuf *b, unsigned ne, unsigned nw)
{
	sb_printf(b, "%u error%s, %u warning%s\n", ne, ne == 1 ? "" : "s", nw,
		  nw == 1 ? "" : "s");
}

/* Scratch arrays; fc_malloc returns NULL only under test fault injection. */
static void *xmalloc(size_t n)
{
	void *p = fc_malloc(n);

	if (!p) {
		fprintf(stderr, "falcoc: out of memory (report)\n");
		abort();
	}
	return p;
}

/*
 * Map every sorted diagnostic to a result (file) index: the given files
 * first, then files only diagnostics mention, in sorted order. No file:
 * result 0. Returns the names array (fc_malloc'd) and its length.
 */
static const char **assign_results(const struct diag **v, size_t n, const char *const *files,
				   size_t nfiles, size_t *idx, size_t *nres)
{
	const char **names = xmalloc(sizeof(*names) * (nfiles + n + 1));
	size_t nr = 0;

	for (size_t i = 0; i < nfiles; i++)
		names[nr++] = files[i];
	for (size_t i = 0; i < n; i++) {
		const char *f = v[i]->loc.file;
		size_t k = 0;

		if (!f) {
			idx[i] = 0;
			continue;
		}
		/* The last match is the usual one (sorted input). */
		if (i > 0 && v[i - 1]->loc.file && idx[i - 1] < nr &&
		    strcmp(names[idx[i - 1]], f) == 0) {
			idx[i] = idx[i - 1];
			continue;
		}
		while (k < nr && strcmp(names[k], f) != 0)
			k++;
		if (k == nr)
			names[nr++] = f;
		idx[i] = k;
	}
	/* Diagnostics without a file need somewhere to live. */
	if (nr == 0 && n > 0)
		names[nr++] = "";
	*nres = nr;
	return names;
}

/* ---- text --------------------------------------------------------------- */

#define C_BOLD "\033[1m"
#define C_ERR "\033[1;31m"
#define C_WARN "\033[1;35m"
#define C_NOTE "\033[1;36m"
#define C_CARET "\033[1;32m"
#define C_RESET "\033[m"

static void render_text(struct out *o, const struct diag_ctx *d, const struct diag **v, size_t n,
			const char *const *files, size_t nfiles, bool color)
{
	struct strbuf *b = o->b;
	struct line_cache lc = { 0 };
	size_t *idx = xmalloc(sizeof(*idx) * (n + 1));
	size_t nres;
	const char **names = assign_results(v, n, files, nfiles, idx, &nres);
	unsigned *ne = xmalloc(sizeof(*ne) * (nres + 1) * 2), *nw = ne + nres + 1;

	memset(ne, 0, sizeof(*ne) * (nres + 1) * 2);
	for (size_t i = 0; i < n; i++) {
		const struct diag *dg = v[i];
		enum diag_sev sev = diag_effective_sev(d, dg);
		const char *sc = sev == DIAG_ERROR ? C_ERR : sev == DIAG_WARNING ? C_WARN : C_NOTE;

		if (sev == DIAG_ERROR)
			ne[idx[i]]++;
		else if (sev == DIAG_WARNING)
			nw[idx[i]]++;

		if (color)
			sb_puts(b, C_BOLD);
		if (dg->loc.file) {
			put_text_z(b, dg->loc.file);
			if (dg->loc.line) {
				sb_printf(b, ":%u", dg->loc.line);
				if (dg->loc.col)
					sb_printf(b, ":%u", dg->loc.col);
			}
		} else {
			sb_puts(b, "falcoc");
		}
		sb_puts(b, ": ");
		if (color)
			sb_printf(b, C_RESET "%s", sc);
		sb_printf(b, "%s:", diag_sev_name(sev));
		if (color)
			sb_puts(b, C_RESET);
		sb_putc(b, ' ');
		put_text_z(b, dg->msg ? dg->msg : "");
		sb_printf(b, " [%s]\n", diag_code_name(dg->code));

		const char *line;
		size_t len;

		if (get_line(&lc, d, dg, &line, &len)) {
			size_t c = dg->loc.col ? dg->loc.col - 1 : 0;
			size_t from, to;

			if (c > len)
				c = len;
			snippet_window(line, len, c, &from, &to);
			if (from > 0)
				sb_puts(b, "...");
			put_text(b, line + from, to - from, true);
			if (to < len)
				sb_puts(b, "...");
			sb_putc(b, '\n');
			if (dg->loc.col) {
				if (from > 0)
					sb_puts(b, "   ");
				put_caret_indent(b, line + from, c - from);
				sb_puts(b, color ? C_CARET "^" C_RESET "\n" : "^\n");
			}
		}
		if (dg->hint) {
			sb_puts(b, "  ");
			if (color)
				sb_puts(b, C_NOTE);
			sb_puts(b, "hint:");
			if (color)
				sb_puts(b, C_RESET);
			sb_putc(b, ' ');
			put_text_z(b, dg->hint);
			sb_putc(b, '\n');
		}
		out_maybe_flush(o);
	}
	if (d->dropped)
		sb_printf(b, "falcoc: note: %u more diagnostic%s not shown (limit reached)\n",
			  d->dropped, d->dropped == 1 ? "" : "s");
	for (size_t r = 0; r < nres; r++) {
		put_text_z(b, names[r][0] ? names[r] : "falcoc");
		sb_puts(b, ": ");
		plural_line(b, ne[r], nw[r]);
	}
	fc_free(ne);
	fc_free(names);
	fc_free(idx);
}

/* ---- JSON writer ------------------------------------------------------ */

struct jw {
	struct strbuf *b;
	int depth;
	bool pretty;
	bool comma;	/* a value precedes at this level */
	bool after_key; /* the next value completes a "key": pair */
};

static void jw_newline(struct jw *w)
{
	if (!w->pretty)
		return;
	sb_putc(w->b, '\n');
	for (int i = 0; i < w->depth; i++)
		sb_puts(w->b, "  ");
}

static void jw_pre(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->comma)
		sb_putc(w->b, ',');
	if (w->depth > 0)
		jw_newline(w);
}

static void jw_escaped(struct strbuf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	sb_putc(b, '"');
	while (i < n) {
		int32_t cp;
		size_t len = next_unit(s + i, n - i, &cp);

		switch (cp) {
		case -1:
			sb_puts(b, "\\ufffd");
			break;
		case '"':
			sb_puts(b, "\\\"");
			break;
		case '\\':
			sb_puts(b, "\\\\");
			break;
		case '\b':
			sb_puts(b, "\\b");
			break;
		case '\f':
			sb_puts(b, "\\f");
			break;
		case '\n':
			sb_puts(b, "\\n");
			break;
		case '\r':
			sb_puts(b, "\\r");
			break;
		case '\t':
			sb_puts(b, "\\t");
			break;
		default:
			if (cp < 0x20 || cp == 0x7f || cp_suspicious(cp))
				sb_printf(b, "\\u%04x", (unsigned)cp);
			else
				sb_putn(b, str + i, len);
		}
		i += len;
	}
	sb_putc(b, '"');
}

static void jw_begin(struct jw *w, char c)
{
	jw_pre(w);
	sb_putc(w->b, c);
	w->depth++;
	w->comma = false;
}

static void jw_end(struct jw *w, char c)
{
	w->depth--;
	if (w->comma)
		jw_newline(w);
	sb_putc(w->b, c);
	w->comma = true;
}

static void jw_key(struct jw *w, const char *k)
{
	jw_pre(w);
	jw_escaped(w->b, k, strlen(k));
	sb_puts(w->b, w->pretty ? ": " : ":");
	w->after_key = true;
	w->comma = true;
}

static void jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_pre(w);
	jw_escaped(w->b, s, n);
	w->comma = true;
}

static void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s ? s : "", s ? strlen(s) : 0);
}

static void jw_uint(struct jw *w, unsigned long long v)
{
	jw_pre(w);
	sb_printf(w->b, "%llu", v);
	w->comma = true;
}

static void jw_bool(struct jw *w, bool v)
{
	jw_pre(w);
	sb_puts(w->b, v ? "true" : "false");
	w->comma = true;
}

/* ---- json (falco -V) ---------------------------------------------------- */

/* Falco's snippet: the line (windowed), "\n", spaces up to the byte
 * column, "^\n". Falco counts bytes and pads with spaces only. */
static void falco_snippet(struct strbuf *s, const char *line, size_t len, uint32_t col)
{
	size_t c = col ? col - 1 : 0, from, to;

	if (c > len)
		c = len;
	snippet_window(line, len, c, &from, &to);
	if (from > 0)
		sb_puts(s, "...");
	sb_putn(s, line + from, to - from);
	if (to < len)
		sb_puts(s, "...");
	sb_putc(s, '\n');
	for (size_t k = (from > 0 ? 3 : 0) + c - from; k > 0; k--)
		sb_putc(s, ' ');
	sb_puts(s, "^\n");
}

static void json_diag(struct jw *w, const struct diag_ctx *d, const struct diag *dg,
		      struct line_cache *lc)
{
	jw_begin(w, '{');
	jw_key(w, "code");
	jw_str(w, diag_falco_code(dg->code));
	jw_key(w, "codedesc");
	jw_str(w, diag_falco_codedesc(dg->code));
	jw_key(w, "message");
	jw_str(w, dg->msg);
	jw_key(w, "context");
	jw_begin(w, '{');
	jw_key(w, "locations");
	jw_begin(w, '[');
	if (dg->loc.file) {
		jw_begin(w, '{');
		jw_key(w, "item_type");
		jw_str(w, dg->item_type ? dg->item_type : "rules content");
		jw_key(w, "item_name");
		jw_str(w, dg->item_type ? dg->item_name : "");
		jw_key(w, "position");
		jw_begin(w, '{');
		jw_key(w, "name");
		jw_str(w, dg->loc.file);
		/* Falco's positions are yaml marks: 0-based. */
		jw_key(w, "line");
		jw_uint(w, dg->loc.line ? dg->loc.line - 1 : 0);
		jw_key(w, "column");
		jw_uint(w, dg->loc.col ? dg->loc.col - 1 : 0);
		jw_key(w, "offset");
		jw_uint(w, dg->loc.off);
		jw_end(w, '}');
		jw_end(w, '}');
	}
	jw_end(w, ']');
	jw_key(w, "snippet");

	const char *line;
	size_t len;
	struct strbuf snip = { 0 };

	if (get_line(lc, d, dg, &line, &len))
		falco_snippet(&snip, line, len, dg->loc.col);
	jw_strn(w, sb_str(&snip), snip.len);
	sb_free(&snip);
	jw_end(w, '}');
	/* falcoc extensions: additive keys, Falco's shape is untouched. */
	jw_key(w, "falcoc_code");
	jw_str(w, diag_code_name(dg->code));
	if (dg->hint) {
		jw_key(w, "hint");
		jw_str(w, dg->hint);
	}
	jw_end(w, '}');
}

static void render_json(struct out *o, const struct diag_ctx *d, const struct diag **v, size_t n,
			const char *const *files, size_t nfiles)
{
	struct jw w = { .b = o->b };
	struct line_cache lc = { 0 };
	size_t *idx = xmalloc(sizeof(*idx) * (n + 1));
	size_t nres;
	const char **names = assign_results(v, n, files, nfiles, idx, &nres);

	jw_begin(&w, '{');
	jw_key(&w, "falco_load_results");
	jw_begin(&w, '[');
	for (size_t r = 0; r < nres; r++) {
		bool ok = true;

		for (size_t i = 0; i < n; i++)
			if (idx[i] == r && diag_effective_sev(d, v[i]) == DIAG_ERROR)
				ok = false;
		jw_begin(&w, '{');
		jw_key(&w, "name");
		jw_str(&w, names[r]);
		jw_key(&w, "successful");
		jw_bool(&w, ok);
		/* Notes go with the warnings: Falco has nothing lower. */
		for (int pass = 0; pass < 2; pass++) {
			jw_key(&w, pass == 0 ? "errors" : "warnings");
			jw_begin(&w, '[');
			for (size_t i = 0; i < n; i++) {
				bool is_err = diag_effective_sev(d, v[i]) == DIAG_ERROR;

				if (idx[i] != r || is_err != (pass == 0))
					continue;
				json_diag(&w, d, v[i], &lc);
				out_maybe_flush(o);
			}
			jw_end(&w, ']');
		}
		jw_end(&w, '}');
	}
	jw_end(&w, ']');
	if (d->dropped) {
		jw_key(&w, "falcoc_dropped");
		jw_uint(&w, d->dropped);
	}
	jw_end(&w, '}');
	sb_putc(o->b, '\n');
	fc_free(names);
	fc_free(idx);
}

/* ---- sarif -------------------------------------------------------------- */

static const char *sarif_level(enum diag_sev sev)
{
	return sev == DIAG_ERROR ? "error" : sev == DIAG_WARNING ? "warning" : "note";
}

/* artifactLocation.uri must be a URI reference: percent-encode all but
 * unreserved characters and '/'; absolute paths become file:// URIs. */
static void sarif_uri(struct jw *w, const char *path)
{
	struct strbuf u = { 0 };
	static const char hex[] = "0123456789ABCDEF";

	if (path[0] == '/')
		sb_puts(&u, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			sb_putc(&u, (char)c);
		} else {
			sb_putc(&u, '%');
			sb_putc(&u, hex[c >> 4]);
			sb_putc(&u, hex[c & 15]);
		}
	}
	jw_strn(w, sb_str(&u), u.len);
	sb_free(&u);
}

/* SARIF columns count characters; ours count bytes. Convert when the
 * line is known (columnKind is declared as unicodeCodePoints). */
static uint32_t sarif_column(const char *line, size_t len, uint32_t col)
{
	size_t c = col - 1, i = 0, past = 0;
	uint32_t cps = 0;

	/* Past the end (e.g. "unexpected end of line"): count the rest as
	 * single columns. */
	if (c > len) {
		past = c - len;
		c = len;
	}
	while (i < c) {
		int32_t cp;

		i += next_unit((const unsigned char *)line + i, len - i, &cp);
		cps++;
	}
	return cps + (uint32_t)past + 1;
}

static void render_sarif(struct out *o, const struct diag_ctx *d, const struct diag **v, size_t n)
{
	struct jw w = { .b = o->b, .pretty = true };
	struct line_cache lc = { 0 };
	int rule_index[DIAG__COUNT];
	int nrules = 0;

	for (int c = 0; c < DIAG__COUNT; c++)
		rule_index[c] = -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned)v[i]->code < DIAG__COUNT)
			rule_index[v[i]->code] = 0;
	/* Rules in code order, only those used: stable and short. */
	for (int c = 0; c < DIAG__COUNT; c++)
		if (rule_index[c] == 0)
			rule_index[c] = 1 + nrules++;

	jw_begin(&w, '{');
	jw_key(&w, "$schema");
	jw_str(&w, "https://json.schemastore.org/sarif-2.1.0.json");
	jw_key(&w, "version");
	jw_str(&w, "2.1.0");
	jw_key(&w, "runs");
	jw_begin(&w, '[');
	jw_begin(&w, '{');
	jw_key(&w, "tool");
	jw_begin(&w, '{');
	jw_key(&w, "driver");
	jw_begin(&w, '{');
	jw_key(&w, "name");
	jw_str(&w, "falcoc");
	jw_key(&w, "informationUri");
	jw_str(&w, FALCOC_INFO_URI);
	jw_key(&w, "version");
	jw_str(&w, FALCOC_VERSION);
	jw_key(&w, "rules");
	jw_begin(&w, '[');
	for (int c = 0; c < DIAG__COUNT; c++) {
		if (rule_index[c] < 0)
			continue;
		enum diag_code code = (enum diag_code)c;

		jw_begin(&w, '{');
		jw_key(&w, "id");
		jw_str(&w, diag_code_name(code));
		jw_key(&w, "shortDescription");
		jw_begin(&w, '{');
		jw_key(&w, "text");
		jw_str(&w, code_desc[c] ? code_desc[c] : diag_code_name(code));
		jw_end(&w, '}');
		jw_key(&w, "defaultConfiguration");
		jw_begin(&w, '{');
		jw_key(&w, "level");
		jw_str(&w, sarif_level(diag_default_sev(code)));
		jw_end(&w, '}');
		jw_key(&w, "properties");
		jw_begin(&w, '{');
		jw_key(&w, "falcoCode");
		jw_str(&w, diag_falco_code(code));
		jw_end(&w, '}');
		jw_end(&w, '}');
	}
	jw_end(&w, ']');
	jw_end(&w, '}');
	jw_end(&w, '}');
	jw_key(&w, "columnKind");
	jw_str(&w, "unicodeCodePoints");
	jw_key(&w, "results");
	jw_begin(&w, '[');
	for (size_t i = 0; i < n; i++) {
		const struct diag *dg = v[i];
		struct strbuf text = { 0 };

		jw_begin(&w, '{');
		jw_key(&w, "ruleId");
		jw_str(&w, diag_code_name(dg->code));
		if ((unsigned)dg->code < DIAG__COUNT) {
			jw_key(&w, "ruleIndex");
			jw_uint(&w, (unsigned)(rule_index[dg->code] - 1));
		}
		jw_key(&w, "level");
		jw_str(&w, sarif_level(diag_effective_sev(d, dg)));
		jw_key(&w, "message");
		jw_begin(&w, '{');
		jw_key(&w, "text");
		/* Viewers show only the message: carry the hint in it. */
		sb_puts(&text, dg->msg ? dg->msg : "");
		if (dg->hint)
			sb_printf(&text, " (%s)", dg->hint);
		jw_strn(&w, sb_str(&text), text.len);
		sb_free(&text);
		jw_end(&w, '}');
		if (dg->loc.file) {
			jw_key(&w, "locations");
			jw_begin(&w, '[');
			jw_begin(&w, '{');
			jw_key(&w, "physicalLocation");
			jw_begin(&w, '{');
			jw_key(&w, "artifactLocation");
			jw_begin(&w, '{');
			jw_key(&w, "uri");
			sarif_uri(&w, dg->loc.file);
			jw_end(&w, '}');
			if (dg->loc.line) {
				const char *line;
				size_t len;
				uint32_t col = dg->loc.col;

				if (col && get_line(&lc, d, dg, &line, &len))
					col = sarif_column(line, len, col);
				jw_key(&w, "region");
				jw_begin(&w, '{');
				jw_key(&w, "startLine");
				jw_uint(&w, dg->loc.line);
				if (col) {
					jw_key(&w, "startColumn");
					jw_uint(&w, col);
				}
				jw_end(&w, '}');
			}
			jw_end(&w, '}');
			jw_end(&w, '}');
			jw_end(&w, ']');
		}
		jw_key(&w, "properties");
		jw_begin(&w, '{');
		jw_key(&w, "falcoCode");
		jw_str(&w, diag_falco_code(dg->code));
		if (dg->hint) {
			jw_key(&w, "hint");
			jw_str(&w, dg->hint);
		}
		if (dg->item_type) {
			jw_key(&w, "itemType");
			jw_str(&w, dg->item_type);
			jw_key(&w, "itemName");
			jw_str(&w, dg->item_name);
		}
		jw_end(&w, '}');
		jw_end(&w, '}');
		out_maybe_flush(o);
	}
	jw_end(&w, ']');
	if (d->dropped) {
		jw_key(&w, "properties");
		jw_begin(&w, '{');
		jw_key(&w, "droppedDiagnostics");
		jw_uint(&w, d->dropped);
		jw_end(&w, '}');
	}
	jw_end(&w, '}');
	jw_end(&w, ']');
	jw_end(&w, '}');
	sb_putc(o->b, '\n');
}

/* ---- entry points ------------------------------------------------------- */

bool report_format_parse(const char *s, enum report_format *fmt)
{
	static const struct {
		const char *name;
		enum report_format fmt;
	} names[] = { { "text", REPORT_TEXT }, { "json", REPORT_JSON }, { "sarif", REPORT_SARIF } };

	if (!s)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*fmt = names[i].fmt;
			return true;
		}
	}
	return false;
}

bool report_color_wanted(FILE *out)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	/* no-color.org: set and non-empty disables color. */
	if (nc && nc[0])
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(out)) == 1;
}

static void render(struct out *o, const struct diag_ctx *d, enum report_format fmt,
		   const char *const *files, size_t nfiles, bool color)
{
	size_t n;
	const struct diag **v = diag_sorted(d, &n);

	switch (fmt) {
	case REPORT_JSON:
		render_json(o, d, v, n, files, nfiles);
		break;
	case REPORT_SARIF:
		render_sarif(o, d, v, n);
		break;
	case REPORT_TEXT:
	default:
		render_text(o, d, v, n, files, nfiles, color);
		break;
	}
	fc_free(v);
}

void report_render_sb(struct strbuf *out, const struct diag_ctx *d, enum report_format fmt,
		      const char *const *files, size_t nfiles, bool color)
{
	struct out o = { .b = out };

	render(&o, d, fmt, files, nfiles, color);
}

int report_render(FILE *out, const struct diag_ctx *d, enum report_format fmt,
		  const char *const *files, size_t nfiles, bool color)
{
	struct strbuf b = { 0 };
	struct out o = { .b = &b, .f = out };

	render(&o, d, fmt, files, nfiles, color);
	out_flush(&o);
	sb_free(&b);
	if (fflush(out) != 0 || ferror(out))
		o.err = true;
	return o.err ? -1 : 0;
}
