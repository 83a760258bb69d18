// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for diag.c: suggestions and edit distance, sorting, werror,
 * the diagnostic cap, message bounds and source line lookup.
 */
#include "diag.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

#define CHECK_STR(a, b)                                                          \
	do {                                                                     \
		const char *a_ = (a), *b_ = (b);                                 \
		if ((!a_ && !b_) || (a_ && b_ && strcmp(a_, b_) == 0)) {         \
			npass++;                                                 \
		} else {                                                         \
			nfail++;                                                 \
			printf("%s:%d: %s: got '%s', want '%s'\n", __FILE__, __LINE__, \
			       #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
		}                                                                \
	} while (0)

#define CHECK_UINT(a, b)                                                         \
	do {                                                                     \
		unsigned long long a_ = (a), b_ = (b);                           \
		if (a_ == b_) {                                                  \
			npass++;                                                 \
		} else {                                                         \
			nfail++;                                                 \
			printf("%s:%d: %s: got %llu, want %llu\n", __FILE__, __LINE__, \
			       #a, a_, b_);                                      \
		}                                                                \
	} while (0)

static void test_edit_distance(void)
{
	CHECK_UINT(diag_edit_distance("", ""), 0);
	CHECK_UINT(diag_edit_distance("abc", ""), 3);
	CHECK_UINT(diag_edit_distance("", "abc"), 3);
	CHECK_UINT(diag_edit_distance("kitten", "sitting"), 3);
	CHECK_UINT(diag_edit_distance("proc.nme", "proc.name"), 1);
	/* a transposition is one edit, not two */
	CHECK_UINT(diag_edit_distance("nmae", "name"), 1);
	CHECK_UINT(diag_edit_distance("ca", "abc"), 3); /* OSA, not full DL */
	CHECK_UINT(diag_edit_distance("same", "same"), 0);
}

static void test_suggest(void)
{
	static const char *const fields[] = { "proc.name", "proc.pname", "proc.cmdline",
					      "fd.name", "evt.type" };
	static const char *const keys[] = { "rule", "desc", "condition", "output",
					    "priority", "enabled", "tags" };
	static const char *const prios[] = { "Emergency", "Alert", "Critical", "Error",
					     "Warning", "Notice", "Informational", "Debug" };
	static const char *const ab[] = { "b", "ab" };
	static const char *const ties[] = { "cat", "bat", "hat" };

	CHECK_STR(diag_suggest("proc.nme", fields, 5), "proc.name");
	CHECK_STR(diag_suggest("proc.pnam", fields, 5), "proc.pname");
	CHECK_STR(diag_suggest("evt.typ", fields, 5), "evt.type");
	CHECK_STR(diag_suggest("conditon", keys, 7), "condition");
	CHECK_STR(diag_suggest("prority", keys, 7), "priority");
	CHECK_STR(diag_suggest("ouptut", keys, 7), "output");
	CHECK_STR(diag_suggest("Warnig", prios, 8), "Warning");
	CHECK_STR(diag_suggest("Critcal", prios, 8), "Critical");
	/* unrelated words get no suggestion */
	CHECK_STR(diag_suggest("banana", keys, 7), NULL);
	CHECK_STR(diag_suggest("xyz", fields, 5), NULL);
	CHECK_STR(diag_suggest("container.id", fields, 5), NULL);
	CHECK_STR(diag_suggest("Verbose", prios, 8), NULL);
	/* a one-letter word is never "a typo of" another word */
	CHECK_STR(diag_suggest("a", ab, 2), NULL);
	CHECK_STR(diag_suggest("", keys, 7), NULL);
	CHECK_STR(diag_suggest("proc.nme", fields, 0), NULL);
	/* ties go to the first candidate */
	CHECK_STR(diag_suggest("xat", ties, 3), "cat");
	/* huge words are not compared at all */
	char big[300];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_STR(diag_suggest(big, keys, 7), NULL);
}

static void test_codes(void)
{
	CHECK_STR(diag_code_name(DIAG_UNKNOWN_FIELD), "unknown-field");
	CHECK_STR(diag_falco_code(DIAG_UNKNOWN_FIELD), "LOAD_ERR_COMPILE_CONDITION");
	/* Falco quirk: errors carry the short string, warnings the long one */
	CHECK_STR(diag_falco_codedesc(DIAG_UNKNOWN_FIELD), "Error compiling condition");
	CHECK_STR(diag_falco_codedesc(DIAG_UNUSED_MACRO),
		  "A macro is defined in the rules content but is not used by any other macro or rule.");
	for (int c = 0; c < DIAG__COUNT; c++)
		CHECK(diag_falco_codedesc((enum diag_code)c)[0] != '\0');
	CHECK_STR(diag_sev_name(DIAG_ERROR), "error");
	CHECK_STR(diag_sev_name(DIAG_WARNING), "warning");
	CHECK_STR(diag_sev_name(DIAG_NOTE), "note");
	CHECK_UINT(diag_default_sev(DIAG_UNUSED_LIST), DIAG_WARNING);
	CHECK_UINT(diag_default_sev(DIAG_SYNTAX), DIAG_ERROR);
}

static void test_report_and_werror(void)
{
	struct arena a;
	struct diag_ctx d;
	struct loc l = { "r.yaml", 3, 7, 40 };

	arena_init(&a);
	diag_init(&d, &a);
	diag_set_item(&d, "rule", "my rule");
	struct diag *e = diag_report(&d, DIAG_UNKNOWN_FIELD, &l, "unknown field '%s'", "proc.nme");
	diag_hint(&d, e, "did you mean '%s'?", "proc.name");
	diag_set_item(&d, NULL, NULL);
	struct diag *w = diag_report(&d, DIAG_UNUSED_MACRO, NULL, "macro '%s' is unused", "m");

	CHECK(e && w);
	CHECK_STR(e->msg, "unknown field 'proc.nme'");
	CHECK_STR(e->hint, "did you mean 'proc.name'?");
	CHECK_STR(e->item_type, "rule");
	CHECK_STR(e->item_name, "my rule");
	CHECK_UINT(e->loc.line, 3);
	CHECK_UINT(e->loc.col, 7);
	CHECK_UINT(e->loc.off, 40);
	CHECK(w->loc.file == NULL);
	CHECK(w->item_type == NULL);
	CHECK_UINT(d.nerrors, 1);
	CHECK_UINT(d.nwarnings, 1);
	CHECK_UINT(diag_effective_sev(&d, w), DIAG_WARNING);
	d.werror = true;
	CHECK_UINT(diag_effective_sev(&d, w), DIAG_ERROR);
	CHECK_UINT(diag_effective_sev(&d, e), DIAG_ERROR);
	/* counts stay by default severity; renderers recompute */
	CHECK_UINT(d.nwarnings, 1);
	arena_free(&a);
}

static struct diag *note(struct diag_ctx *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct diag *dg = diag_vreport(d, DIAG_REDEFINED, DIAG_NOTE, NULL, fmt, ap);
	va_end(ap);
	return dg;
}

static void test_notes_and_long_messages(void)
{
	struct arena a;
	struct diag_ctx d;

	arena_init(&a);
	diag_init(&d, &a);
	struct diag *n = note(&d, "previous definition of '%s'", "x");
	CHECK(n && n->sev == DIAG_NOTE);
	CHECK_UINT(d.nerrors + d.nwarnings, 0);
	diag_hint(&d, NULL, "ignored"); /* NULL diagnostic is a no-op */

	/* a huge message is bounded and cut on a UTF-8 boundary */
	static char big[100000];
	for (size_t i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2); /* é */
	big[sizeof(big) - 1] = '\0';
	struct diag *dg = diag_report(&d, DIAG_UNKNOWN_FIELD, NULL, "unknown field '%s'", big);
	size_t len = strlen(dg->msg);
	CHECK(len <= 2048);
	CHECK(len > 1000);
	CHECK(strcmp(dg->msg + len - 3, "...") == 0);
	/* "unknown field '" is 15 bytes; then whole 2-byte characters */
	CHECK((len - 3 - 15) % 2 == 0);
	arena_free(&a);
}

static void test_cap(void)
{
	struct arena a;
	struct diag_ctx d;
	struct loc l = { "r.yaml", 1, 1, 0 };

	arena_init(&a);
	diag_init(&d, &a);
	CHECK_UINT(d.max_diags, 10000);
	d.max_diags = 5;
	for (int i = 0; i < 8; i++)
		diag_report(&d, DIAG_SYNTAX, &l, "e%d", i);
	CHECK(diag_report(&d, DIAG_UNUSED_LIST, &l, "w") == NULL);
	CHECK(note(&d, "note after the cap") == NULL);
	size_t n = 0;
	for (struct diag *dg = d.head; dg; dg = dg->next)
		n++;
	CHECK_UINT(n, 5);
	CHECK_UINT(d.dropped, 5);
	CHECK_UINT(d.nerrors, 8);
	CHECK_UINT(d.nwarnings, 1);
	CHECK_STR(d.tail->msg, "e4");
	arena_free(&a);

	/* the default cap really holds */
	arena_init(&a);
	diag_init(&d, &a);
	for (int i = 0; i < 100000; i++)
		diag_report(&d, DIAG_UNKNOWN_ITEM, &l, "item %d", i);
	CHECK_UINT(d.dropped, 90000);
	CHECK_UINT(d.nwarnings, 100000);
	arena_free(&a);
}

static void test_sort(void)
{
	struct arena a;
	struct diag_ctx d;

	arena_init(&a);
	diag_init(&d, &a);
	diag_add_source(&d, "b.yaml", "", 0);
	diag_add_source(&d, "a.yaml", "", 0);
	struct loc a5 = { "a.yaml", 5, 1, 0 }, a2c9 = { "a.yaml", 2, 9, 0 },
		   a2c3 = { "a.yaml", 2, 3, 0 }, b7 = { "b.yaml", 7, 2, 0 },
		   z1 = { "zzz.yaml", 1, 1, 0 }, y1 = { "yyy.yaml", 1, 1, 0 };

	diag_report(&d, DIAG_SYNTAX, NULL, "nofile1");
	diag_report(&d, DIAG_SYNTAX, &a5, "a5");
	diag_report(&d, DIAG_SYNTAX, &z1, "z1");
	diag_report(&d, DIAG_SYNTAX, &a2c9, "a2c9");
	diag_report(&d, DIAG_SYNTAX, &a2c3, "a2c3-first");
	diag_report(&d, DIAG_SYNTAX, NULL, "nofile2");
	diag_report(&d, DIAG_SYNTAX, &y1, "y1");
	diag_report(&d, DIAG_SYNTAX, &b7, "b7");
	diag_report(&d, DIAG_SYNTAX, &a2c3, "a2c3-second");

	static const char *const want[] = { "b7", "a2c3-first", "a2c3-second", "a2c9", "a5",
					    "z1", "y1", "nofile1", "nofile2" };
	size_t n;
	const struct diag **v = diag_sorted(&d, &n);
	CHECK_UINT(n, 9);
	for (size_t i = 0; i < n && i < 9; i++)
		CHECK_STR(v[i]->msg, want[i]);
	CHECK(v[n] == NULL);
	fc_free(v);
	/* diag_sorted leaves the list alone */
	CHECK_STR(d.head->msg, "nofile1");

	diag_sort(&d);
	size_t i = 0;
	for (struct diag *dg = d.head; dg; dg = dg->next, i++)
		CHECK_STR(dg->msg, i < 9 ? want[i] : "(extra)");
	CHECK_UINT(i, 9);
	CHECK_STR(d.tail->msg, "nofile2");
	/* appending after a sort still works */
	diag_report(&d, DIAG_SYNTAX, NULL, "late");
	CHECK_STR(d.tail->msg, "late");
	CHECK_STR(d.tail == d.head ? NULL : "ok", "ok");

	/* empty ctx */
	struct diag_ctx e;
	diag_init(&e, &a);
	diag_sort(&e);
	CHECK(e.head == NULL && e.tail == NULL);
	arena_free(&a);
}

static void test_source_line(void)
{
	struct arena a;
	struct diag_ctx d;
	static const char text[] = "first\r\n\tsecond\n\nfo\0ur\nlast";
	const char *s;
	size_t n;

	arena_init(&a);
	diag_init(&d, &a);
	diag_add_source(&d, "t.yaml", text, sizeof(text) - 1);
	CHECK(diag_find_source(&d, "t.yaml") != NULL);
	CHECK(diag_find_source(&d, "u.yaml") == NULL);
	CHECK(diag_find_source(&d, NULL) == NULL);

	CHECK(diag_source_line(&d, "t.yaml", 1, &s, &n));
	CHECK(n == 5 && memcmp(s, "first", 5) == 0); /* \r stripped */
	CHECK(diag_source_line(&d, "t.yaml", 2, &s, &n));
	CHECK(n == 7 && memcmp(s, "\tsecond", 7) == 0);
	CHECK(diag_source_line(&d, "t.yaml", 3, &s, &n));
	CHECK_UINT(n, 0);
	CHECK(diag_source_line(&d, "t.yaml", 4, &s, &n));
	CHECK(n == 5 && memcmp(s, "fo\0ur", 5) == 0); /* NULs kept */
	CHECK(diag_source_line(&d, "t.yaml", 5, &s, &n));
	CHECK(n == 4 && memcmp(s, "last", 4) == 0);
	CHECK(!diag_source_line(&d, "t.yaml", 6, &s, &n));
	CHECK(!diag_source_line(&d, "t.yaml", 0, &s, &n));
	CHECK(!diag_source_line(&d, "nope.yaml", 1, &s, &n));

	/* a trailing newline makes an empty last line (end-of-file errors) */
	diag_add_source(&d, "nl.yaml", "a\n", 2);
	CHECK(diag_source_line(&d, "nl.yaml", 2, &s, &n));
	CHECK_UINT(n, 0);
	CHECK(!diag_source_line(&d, "nl.yaml", 3, &s, &n));

	/* the cursor moves forward and refuses to go back */
	size_t pos = 0;
	uint32_t cur = 1;
	CHECK(diag_line_at(text, sizeof(text) - 1, &pos, &cur, 4, &s, &n));
	CHECK_UINT(cur, 4);
	CHECK(diag_line_at(text, sizeof(text) - 1, &pos, &cur, 5, &s, &n));
	CHECK(n == 4 && memcmp(s, "last", 4) == 0);
	CHECK(!diag_line_at(text, sizeof(text) - 1, &pos, &cur, 2, &s, &n));
	CHECK_UINT(cur, 5);
	arena_free(&a);
}

int main(void)
{
	test_edit_distance();
	test_suggest();
	test_codes();
	test_report_and_werror();
	test_notes_and_long_messages();
	test_cap();
	test_sort();
	test_source_line();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
