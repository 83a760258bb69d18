// SPDX-License-Identifier: Apache-2.0
/*
 * diag: the collector behind diag.h.
 *
 * Diagnostics form a singly linked list in report order (head/tail), all
 * allocated in the compilation's arena. Sources form a second list in
 * registration order; that order is the primary sort key of diag_sort(),
 * so output follows the command line rather than pointer values or hash
 * order. Nothing here prints: renderers (report.c) walk the list.
 *
 * Untrusted input flows into messages (a field name, a rule name), so the
 * collector bounds what it keeps: at most max_diags diagnostics, and at
 * most DIAG_MSG_MAX bytes per message or hint. Escaping for the terminal
 * or for JSON is the renderer's job; messages are stored raw.
 */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#define DIAG_MAX_DEFAULT 10000u
/* Longer messages are cut (on a UTF-8 boundary) and end in "...". A
 * 1 MB garbage field name must not become 10,000 copies of 1 MB. */
#define DIAG_MSG_MAX 2048
/* Words longer than this are never typos of a short identifier; skipping
 * them keeps diag_suggest() linear in practice. */
#define SUGGEST_MAX_LEN 128

static const struct {
	const char *name;
	const char *falco;
	enum diag_sev sev;
} code_info[DIAG__COUNT] = {
#define X(id, code, falco_code, sev) [DIAG_##id] = { code, falco_code, DIAG_##sev },
#include "diag_codes.def"
#undef X
};

/*
 * What `falco -V` prints as "codedesc" for each Falco code. Falco's
 * load_result::error_desc() returns the *short* error string (a bug we
 * reproduce), while warning_desc() returns the long description, so the
 * text is a function of the Falco code alone. Texts are Falco's
 * (userspace/engine/falco_load_result.cpp), verbatim.
 */
static const struct {
	const char *code;
	const char *desc;
} falco_codedesc[] = {
	{ "LOAD_ERR_FILE_READ", "File read error" },
	{ "LOAD_ERR_YAML_PARSE", "YAML parse error" },
	{ "LOAD_ERR_YAML_VALIDATE", "Error validating internal structure of YAML file" },
	{ "LOAD_ERR_COMPILE_CONDITION", "Error compiling condition" },
	{ "LOAD_ERR_COMPILE_OUTPUT", "Error compiling output" },
	{ "LOAD_ERR_VALIDATE", "Error validating rule/macro/list/exception objects" },
	{ "LOAD_ERR_EXTENSION", "Error in extension item" },
	{ "LOAD_UNKNOWN_SOURCE",
	  "A rule has a unknown event source. This can occur when reading rules content "
	  "without having a corresponding plugin loaded, etc. The rule will be silently "
	  "ignored." },
	{ "LOAD_UNSAFE_NA_CHECK",
	  "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior "
	  "of the rule condition. If you need to check for the existence of a field, consider "
	  "using the 'exists' operator instead." },
	{ "LOAD_NO_EVTTYPE",
	  "A rule condition matches too many evt.type values. This has a significant "
	  "performance penalty. Make the condition more specific by adding an evt.type field "
	  "or further restricting the number of evt.type values in the condition." },
	{ "LOAD_UNKNOWN_FILTER",
	  "A rule condition or output refers to a field or evt.type that does not exist. This "
	  "is normally an error, but if a rule has a skip-if-unknown-filter property, the "
	  "error is downgraded to a warning." },
	{ "LOAD_UNUSED_MACRO",
	  "A macro is defined in the rules content but is not used by any other macro or "
	  "rule." },
	{ "LOAD_UNUSED_LIST",
	  "A list is defined in the rules content but is not used by any other list, macro, "
	  "or rule." },
	{ "LOAD_UNKNOWN_ITEM",
	  "An unknown top-level object is in the rules content. It will be ignored." },
	{ "LOAD_DEPRECATED_ITEM", "A deprecated item is employed by lists, macros, or rules." },
	{ "LOAD_WARNING_EXTENSION", "An extension item has a warning" },
	{ "LOAD_APPEND_NO_VALUES", "A rule exception is overriding/appending with no values" },
	{ "LOAD_EXCEPTION_NAME_NOT_UNIQUE",
	  "A rule is defining multiple exceptions with the same name" },
	{ "LOAD_INVALID_MACRO_NAME", "A macro is defined with an invalid name" },
	{ "LOAD_INVALID_LIST_NAME", "A list is defined with an invalid name" },
	{ "LOAD_COMPILE_CONDITION", "A rule condition or output have been parsed with a warning" },
	{ "LOAD_UNKNOWN_KEY",
	  "An item in the rules content contains an unrecognized key. The key will be "
	  "ignored. This may indicate a typo or a property placed on the wrong item type." },
};

void diag_init(struct diag_ctx *d, struct arena *a)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
	d->max_diags = DIAG_MAX_DEFAULT;
}

bool diag_offset_loc(const struct diag_ctx *d, const struct diag_source *csrc, uint32_t off,
		     struct loc *out)
{
	struct diag_source *src = (struct diag_source *)csrc;

	if (!src)
		return false;
	if (!src->line_starts) {
		/* Same line breaks as the YAML marks: \n, \r\n, lone \r. */
		uint32_t n = 1;
		for (size_t i = 0; i < src->len; i++)
			if (src->text[i] == '\n' ||
			    (src->text[i] == '\r' && (i + 1 >= src->len || src->text[i + 1] != '\n')))
				n++;
		src->line_starts = ARENA_NEWN(d->arena, uint32_t, n);
		src->line_starts[0] = 0;
		n = 1;
		for (size_t i = 0; i < src->len; i++)
			if (src->text[i] == '\n' ||
			    (src->text[i] == '\r' && (i + 1 >= src->len || src->text[i + 1] != '\n')))
				src->line_starts[n++] = (uint32_t)(i + 1);
		src->nlines = n;
	}
	uint32_t lo = 0, hi = src->nlines;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (src->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	out->file = src->file;
	out->line = lo + 1;
	out->col = off - src->line_starts[lo] + 1;
	out->off = off;
	return true;
}

void diag_add_source(struct diag_ctx *d, const char *file, const char *text, size_t len)
{
	struct diag_source *s = ARENA_NEW(d->arena, struct diag_source);
	struct diag_source **pp = &d->sources;

	/* The name is copied (callers pass loop buffers); the text is not. */
	s->file = arena_strdup(d->arena, file);
	s->text = text;
	s->len = len;
	/* Append: registration order is the sort order. */
	while (*pp)
		pp = &(*pp)->next;
	*pp = s;
}

const struct diag_source *diag_find_source(const struct diag_ctx *d, const char *file)
{
	if (!file)
		return NULL;
	for (const struct diag_source *s = d->sources; s; s = s->next)
		if (s->file == file || strcmp(s->file, file) == 0)
			return s;
	return NULL;
}

void diag_set_item(struct diag_ctx *d, const char *type, const char *name)
{
	d->item_type = type;
	d->item_name = name;
}

/* Back up from `n` to the start of a UTF-8 sequence so a cut never
 * splits a character (which would turn valid text into invalid text). */
static size_t utf8_floor(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && n - i < 3 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return ((unsigned char)s[i] & 0xc0) == 0x80 ? n : i;
}

static char *format_bounded(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "(unformattable message)");
	if (n <= DIAG_MSG_MAX)
		return arena_vprintf(a, fmt, ap);

	char *s = arena_alloc(a, DIAG_MSG_MAX + 1);
	vsnprintf(s, DIAG_MSG_MAX + 1, fmt, ap);
	size_t cut = utf8_floor(s, DIAG_MSG_MAX - 3);
	memcpy(s + cut, "...", 4);
	return s;
}

struct diag *diag_vreport(struct diag_ctx *d, enum diag_code code, enum diag_sev sev,
			  const struct loc *loc, const char *fmt, va_list ap)
{
	unsigned max = d->max_diags ? d->max_diags : DIAG_MAX_DEFAULT;
	/* Errors and warnings reported so far, kept or not: once the cap
	 * is hit everything after it is dropped, so this is kept + dropped
	 * and needs no extra state. Notes do not count against the cap
	 * (they annotate an error or warning) but are dropped with it. */
	unsigned seen = d->nerrors + d->nwarnings;

	if (sev == DIAG_ERROR)
		d->nerrors++;
	else if (sev == DIAG_WARNING)
		d->nwarnings++;
	/* Counted even when dropped, so the exit status and the summary
	 * stay truthful past the cap. */
	if (seen >= max || (sev == DIAG_NOTE && d->dropped)) {
		d->dropped++;
		return NULL;
	}

	struct diag *dg = ARENA_NEW(d->arena, struct diag);

	dg->code = code;
	dg->sev = sev;
	if (loc)
		dg->loc = *loc;
	dg->msg = format_bounded(d->arena, fmt, ap);
	dg->item_type = d->item_type;
	dg->item_name = d->item_name;
	if (d->tail)
		d->tail->next = dg;
	else
		d->head = dg;
	d->tail = dg;
	return dg;
}

struct diag *diag_report(struct diag_ctx *d, enum diag_code code, const struct loc *loc,
			 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct diag *dg = diag_vreport(d, code, diag_default_sev(code), loc, fmt, ap);
	va_end(ap);
	return dg;
}

void diag_hint(struct diag_ctx *d, struct diag *dg, const char *fmt, ...)
{
	va_list ap;

	/* dg is NULL when the diagnostic was dropped; callers chain blindly. */
	if (!dg)
		return;
	va_start(ap, fmt);
	dg->hint = format_bounded(d->arena, fmt, ap);
	va_end(ap);
}

static bool code_ok(enum diag_code code)
{
	return (unsigned)code < DIAG__COUNT;
}

enum diag_sev diag_default_sev(enum diag_code code)
{
	return code_ok(code) ? code_info[code].sev : DIAG_ERROR;
}

const char *diag_code_name(enum diag_code code)
{
	return code_ok(code) ? code_info[code].name : "unknown-code";
}

const char *diag_falco_code(enum diag_code code)
{
	return code_ok(code) ? code_info[code].falco : "LOAD_ERR_VALIDATE";
}

const char *diag_falco_codedesc(enum diag_code code)
{
	const char *fc = diag_falco_code(code);

	for (size_t i = 0; i < sizeof(falco_codedesc) / sizeof(falco_codedesc[0]); i++)
		if (strcmp(falco_codedesc[i].code, fc) == 0)
			return falco_codedesc[i].desc;
	return "";
}

const char *diag_sev_name(enum diag_sev sev)
{
	switch (sev) {
	case DIAG_NOTE:
		return "note";
	case DIAG_WARNING:
		return "warning";
	case DIAG_ERROR:
		return "error";
	}
	return "error";
}

enum diag_sev diag_effective_sev(const struct diag_ctx *d, const struct diag *dg)
{
	if (dg->sev == DIAG_WARNING && d->werror)
		return DIAG_ERROR;
	return dg->sev;
}

bool diag_line_at(const char *text, size_t len, size_t *pos, uint32_t *cur, uint32_t line,
		  const char **start, size_t *n)
{
	size_t p = *pos;
	uint32_t l = *cur;

	if (line == 0 || l == 0 || l > line || p > len)
		return false;
	while (l < line) {
		const char *nl = memchr(text + p, '\n', len - p);

		if (!nl)
			return false;
		p = (size_t)(nl - text) + 1;
		l++;
	}
	*pos = p;
	*cur = l;

	const char *nl = memchr(text + p, '\n', len - p);
	size_t e = nl ? (size_t)(nl - text) : len;

	/* A last line without a newline still counts; an empty remainder
	 * after a final newline is a line too (line N+1 of N), which is
	 * where a parser reports "unexpected end of file". */
	if (e > p && text[e - 1] == '\r')
		e--;
	*start = text + p;
	*n = e - p;
	return true;
}

bool diag_source_line(const struct diag_ctx *d, const char *file, uint32_t line,
		      const char **start, size_t *len)
{
	const struct diag_source *s = diag_find_source(d, file);
	size_t pos = 0;
	uint32_t cur = 1;

	if (!s || !s->text)
		return false;
	return diag_line_at(s->text, s->len, &pos, &cur, line, start, len);
}

/* Sort keys, computed once per diagnostic so the comparator is cheap. */
struct sort_ent {
	const struct diag *dg;
	unsigned group; /* source registration index; UINT32_MAX: no file */
	uint32_t line, col;
	size_t seq; /* report order: the tie breaker that makes qsort stable */
};

static int sort_cmp(const void *pa, const void *pb)
{
	const struct sort_ent *a = pa, *b = pb;

#define CMP(f)                      \
	if (a->f != b->f)           \
		return a->f < b->f ? -1 : 1
	CMP(group);
	CMP(line);
	CMP(col);
	CMP(seq);
#undef CMP
	return 0;
}

const struct diag **diag_sorted(const struct diag_ctx *d, size_t *np)
{
	size_t n = 0, nsrc = 0;

	for (const struct diag *dg = d->head; dg; dg = dg->next)
		n++;
	for (const struct diag_source *s = d->sources; s; s = s->next)
		nsrc++;

	struct sort_ent *ent = fc_malloc(sizeof(*ent) * (n ? n : 1));
	const struct diag **out = fc_malloc(sizeof(*out) * (n + 1));
	/* Files that were never registered sort after registered ones, in
	 * order of first appearance; remember the names seen so far. */
	const char **extra = fc_malloc(sizeof(*extra) * (n ? n : 1));
	size_t nextra = 0, i = 0;

	if (!ent || !out || !extra) {
		fprintf(stderr, "falcoc: out of memory (diag_sorted)\n");
		abort();
	}
	for (const struct diag *dg = d->head; dg; dg = dg->next, i++) {
		struct sort_ent *e = &ent[i];

		e->dg = dg;
		e->seq = i;
		e->line = e->col = 0;
		e->group = UINT32_MAX;
		if (!dg->loc.file)
			continue;
		e->line = dg->loc.line;
		e->col = dg->loc.col;
		unsigned g = 0;
		const struct diag_source *s = d->sources;

		for (; s; s = s->next, g++)
			if (s->file == dg->loc.file || strcmp(s->file, dg->loc.file) == 0)
				break;
		if (!s) {
			size_t k = 0;

			while (k < nextra && strcmp(extra[k], dg->loc.file) != 0)
				k++;
			if (k == nextra)
				extra[nextra++] = dg->loc.file;
			g = (unsigned)(nsrc + k);
		}
		e->group = g;
	}
	if (n > 1)
		qsort(ent, n, sizeof(*ent), sort_cmp);
	for (i = 0; i < n; i++)
		out[i] = ent[i].dg;
	out[n] = NULL;
	fc_free(ent);
	fc_free(extra);
	if (np)
		*np = n;
	return out;
}

void diag_sort(struct diag_ctx *d)
{
	size_t n;
	const struct diag **v = diag_sorted(d, &n);

	d->head = d->tail = NULL;
	for (size_t i = 0; i < n; i++) {
		/* The list is ours: the const in diag_sorted() only promises
		 * that building the order does not modify it. */
		struct diag *dg = (struct diag *)v[i];

		dg->next = NULL;
		if (d->tail)
			d->tail->next = dg;
		else
			d->head = dg;
		d->tail = dg;
	}
	fc_free(v);
}

/*
 * Optimal string alignment distance (Damerau-Levenshtein restricted to
 * non-overlapping transpositions), over bytes: "prority" -> "priority" is
 * one insertion, "nmae" -> "name" one transposition. Three rolling rows.
 */
unsigned diag_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned *buf = fc_malloc(sizeof(unsigned) * 3 * (lb + 1));

	if (!buf) {
		fprintf(stderr, "falcoc: out of memory (edit distance)\n");
		abort();
	}
	unsigned *pp = buf, *p = buf + lb + 1, *c = buf + 2 * (lb + 1);

	for (size_t j = 0; j <= lb; j++)
		p[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = p[j] + 1;

			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		unsigned *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	unsigned r = p[lb];

	fc_free(buf);
	return r;
}

const char *diag_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t lw = strlen(word);
	const char *best = NULL;
	unsigned bestd = 0;

	if (lw == 0 || lw > SUGGEST_MAX_LEN)
		return NULL;
	/* About one typo per three characters; never a "suggestion" that
	 * replaces the whole word ("a" -> "b" is not a typo). */
	unsigned limit = lw / 3 > 1 ? (unsigned)(lw / 3) : 1;

	if (limit >= lw)
		limit = (unsigned)lw - 1;
	for (size_t i = 0; i < n; i++) {
		if (!cands[i])
			continue;
		size_t lc = strlen(cands[i]);
		/* The length difference bounds the distance from below:
		 * skip the quadratic work for hopeless candidates. */
		size_t diff = lc > lw ? lc - lw : lw - lc;

		if (diff > limit || (best && diff >= bestd))
			continue;
		unsigned dist = diag_edit_distance(word, cands[i]);

		if (dist <= limit && (!best || dist < bestd)) {
			best = cands[i];
			bestd = dist;
		}
	}
	return best;
}
