// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for report.c: exact text output (caret under tabs, escaping,
 * summaries), JSON and SARIF checked by a strict JSON validator, key
 * substrings and golden files in tests/data/report/.
 *
 * Usage: test_report [DATA_DIR]. Without an argument the golden files are
 * found next to this source file (__FILE__). UPDATE_GOLDEN=1 rewrites them.
 */
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CHECK_STR(a, b)                                                                  \
	do {                                                                             \
		const char *a_ = (a), *b_ = (b);                                         \
		if (strcmp(a_, b_) == 0) {                                               \
			npass++;                                                         \
		} else {                                                                 \
			nfail++;                                                         \
			printf("%s:%d: %s differs\n--- got ---\n%s\n--- want ---\n%s\n", \
			       __FILE__, __LINE__, #a, a_, b_);                          \
		}                                                                        \
	} while (0)

#define CHECK_HAS(hay, needle)                                                           \
	do {                                                                             \
		if (strstr((hay), (needle))) {                                           \
			npass++;                                                         \
		} else {                                                                 \
			nfail++;                                                         \
			printf("%s:%d: missing substring: %s\n", __FILE__, __LINE__,     \
			       (needle));                                                \
		}                                                                        \
	} while (0)

#define CHECK_LACKS(hay, needle)                                                         \
	do {                                                                             \
		if (!strstr((hay), (needle))) {                                          \
			npass++;                                                         \
		} else {                                                                 \
			nfail++;                                                         \
			printf("%s:%d: unexpected substring: %s\n", __FILE__, __LINE__,  \
			       (needle));                                                \
		}                                                                        \
	} while (0)

/* ---- a strict JSON validator (RFC 8259, UTF-8 checked) ---------------- */

struct jp {
	const unsigned char *s;
	size_t i, n;
	int depth;
};

static void jp_ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
		p->i++;
}

static bool jp_lit(struct jp *p, const char *lit)
{
	size_t l = strlen(lit);

	if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
		return false;
	p->i += l;
	return true;
}

static bool jp_utf8(struct jp *p)
{
	unsigned c = p->s[p->i], need, lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return false;
	if (p->n - p->i <= need)
		return false;
	for (unsigned k = 1; k <= need; k++) {
		unsigned cc = p->s[p->i + k];
		if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xbf))
			return false;
	}
	p->i += need + 1;
	return true;
}

static bool jp_string(struct jp *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	while (p->i < p->n) {
		unsigned c = p->s[p->i];

		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			p->i++;
			if (p->i >= p->n)
				return false;
			c = p->s[p->i++];
			if (c == 'u') {
				for (int k = 0; k < 4; k++, p->i++)
					if (p->i >= p->n || !strchr("0123456789abcdefABCDEF", p->s[p->i]) ||
					    !p->s[p->i])
						return false;
			} else if (!strchr("\"\\/bfnrt", (int)c) || !c) {
				return false;
			}
		} else if (c >= 0x80) {
			if (!jp_utf8(p))
				return false;
		} else {
			p->i++;
		}
	}
	return false;
}

static bool jp_number(struct jp *p)
{
	size_t st = p->i;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
		return false;
	if (p->s[p->i] == '0')
		p->i++;
	else
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	return p->i > st;
}

static bool jp_value(struct jp *p);

static bool jp_seq(struct jp *p, char close, bool obj)
{
	p->i++;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == (unsigned char)close) {
		p->i++;
		return true;
	}
	for (;;) {
		jp_ws(p);
		if (obj) {
			if (!jp_string(p))
				return false;
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return false;
			p->i++;
		}
		if (!jp_value(p))
			return false;
		jp_ws(p);
		if (p->i >= p->n)
			return false;
		if (p->s[p->i] == (unsigned char)close) {
			p->i++;
			return true;
		}
		if (p->s[p->i] != ',')
			return false;
		p->i++;
	}
}

static bool jp_value(struct jp *p)
{
	bool ok;

	jp_ws(p);
	if (p->i >= p->n || ++p->depth > 64)
		return false;
	switch (p->s[p->i]) {
	case '{':
		ok = jp_seq(p, '}', true);
		break;
	case '[':
		ok = jp_seq(p, ']', false);
		break;
	case '"':
		ok = jp_string(p);
		break;
	case 't':
		ok = jp_lit(p, "true");
		break;
	case 'f':
		ok = jp_lit(p, "false");
		break;
	case 'n':
		ok = jp_lit(p, "null");
		break;
	default:
		ok = jp_number(p);
	}
	p->depth--;
	return ok;
}

static bool json_valid(const char *s)
{
	struct jp p = { (const unsigned char *)s, 0, strlen(s), 0 };

	if (!jp_value(&p))
		return false;
	jp_ws(&p);
	return p.i == p.n;
}

static void test_validator(void)
{
	CHECK(json_valid("{\"a\":[1,true,null,\"x\\u00e9\"]}\n"));
	CHECK(json_valid("\"\xc3\xa9\""));
	CHECK(!json_valid("{\"a\":1,}"));
	CHECK(!json_valid("[1 2]"));
	CHECK(!json_valid("\"\x01\""));
	CHECK(!json_valid("\"\xff\""));
	CHECK(!json_valid("\"\\x41\""));
	CHECK(!json_valid("{} {}"));
}

/* ---- golden files --------------------------------------------------------- */

static char data_dir[4096];

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static void check_golden(const char *name, const char *got, int line)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	if (getenv("UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		if (f) {
			fputs(got, f);
			fclose(f);
		}
		printf("updated %s\n", path);
	}
	char *want = slurp(path);
	if (!want) {
		nfail++;
		printf("%s:%d: cannot read golden file %s\n", __FILE__, line, path);
		return;
	}
	if (strcmp(got, want) == 0) {
		npass++;
	} else {
		nfail++;
		printf("%s:%d: output differs from %s (UPDATE_GOLDEN=1 rewrites it)\n--- got ---\n%s\n",
		       __FILE__, line, path, got);
	}
	free(want);
}

/* ---- fixtures --------------------------------------------------------------- */

/* Line 4 starts with a tab and has one inside; line 6 carries an escape
 * sequence, a bidi override and a bad byte, which must not reach a
 * terminal raw. */
static const char rules_text[] =
	"- rule: shell in container\n"                              /* 1 */
	"  desc: a shell was spawned\n"                             /* 2 */
	"  condition: evt.type = execve and proc.nme = bash\n"      /* 3 */
	"\tpriority:\tWarnig\n"                                     /* 4 */
	"- macro: unused_m\n"                                       /* 5 */
	"  condition: proc.name = \"\x1b[2J\xe2\x80\xae\xff\"\n"    /* 6 */
	"  output: caf\xc3\xa9 %proc.nme\n";                        /* 7 */

static const char *const files[] = { "rules.yaml", "other.yaml" };

static void build(struct diag_ctx *d, struct arena *a)
{
	struct loc l3 = { "rules.yaml", 3, 38, 94 }, l4 = { "rules.yaml", 4, 12, 123 },
		   l5 = { "rules.yaml", 5, 3, 131 }, l6 = { "rules.yaml", 6, 35, 182 },
		   l7 = { "rules.yaml", 7, 17, 0 };
	struct diag *dg;

	arena_init(a);
	diag_init(d, a);
	diag_add_source(d, "rules.yaml", rules_text, sizeof(rules_text) - 1);
	diag_add_source(d, "other.yaml", "", 0);

	/* reported out of order on purpose: renderers sort */
	diag_set_item(d, "macro", "unused_m");
	diag_report(d, DIAG_UNUSED_MACRO, &l5, "macro '%s' is never used", "unused_m");
	diag_set_item(d, "rule", "shell in container");
	dg = diag_report(d, DIAG_BAD_PRIORITY, &l4, "invalid priority '%s'", "Warnig");
	diag_hint(d, dg, "did you mean '%s'?", "Warning");
	dg = diag_report(d, DIAG_UNKNOWN_FIELD, &l3, "unknown field '%s'", "proc.nme");
	diag_hint(d, dg, "did you mean '%s'?", "proc.name");
	diag_set_item(d, "macro", "unused_m");
	diag_report(d, DIAG_BAD_VALUE, &l6, "odd value \"%s\"", "\x1b[2J\xe2\x80\xae\xff");
	diag_set_item(d, "rule", "shell in container");
	diag_report(d, DIAG_OUTPUT_FIELD, &l7, "unknown output field '%s'", "proc.nme");
	diag_set_item(d, NULL, NULL);
	diag_report(d, DIAG_ENGINE_VERSION, NULL, "required_engine_version %s is newer than %s",
		    "99", "0.1.0");
}

static char *render(const struct diag_ctx *d, enum report_format fmt, bool color)
{
	struct strbuf b = { 0 };

	report_render_sb(&b, d, fmt, files, 2, color);
	char *s = strdup(sb_str(&b));
	sb_free(&b);
	return s;
}

static const char want_text[] =
	"rules.yaml:3:38: error: unknown field 'proc.nme' [unknown-field]\n"
	"  condition: evt.type = execve and proc.nme = bash\n"
	"                                     ^\n"
	"  hint: did you mean 'proc.name'?\n"
	"rules.yaml:4:12: error: invalid priority 'Warnig' [bad-priority]\n"
	"\tpriority:\tWarnig\n"
	"\t         \t^\n"
	"  hint: did you mean 'Warning'?\n"
	"rules.yaml:5:3: warning: macro 'unused_m' is never used [unused-macro]\n"
	"- macro: unused_m\n"
	"  ^\n"
	"rules.yaml:6:35: error: odd value \"\\x1b[2J\\u202e\\xff\" [bad-value]\n"
	"  condition: proc.name = \"\\x1b[2J\\u202e\\xff\"\n"
	"                                           ^\n"
	"rules.yaml:7:17: error: unknown output field 'proc.nme' [unknown-output-field]\n"
	"  output: caf\xc3\xa9 %proc.nme\n"
	"               ^\n"
	"falcoc: error: required_engine_version 99 is newer than 0.1.0 [engine-version]\n"
	"rules.yaml: 5 errors, 1 warning\n"
	"other.yaml: 0 errors, 0 warnings\n";

static void test_text(void)
{
	struct arena a;
	struct diag_ctx d;

	build(&d, &a);
	char *t = render(&d, REPORT_TEXT, false);
	CHECK_STR(t, want_text);
	CHECK(!strchr(t, '\x1b'));
	check_golden("basic.txt", t, __LINE__);
	free(t);

	/* color: escapes of our own, still none from the input */
	t = render(&d, REPORT_TEXT, true);
	CHECK_HAS(t, "\033[1mrules.yaml:3:38: \033[m\033[1;31merror:\033[m unknown field");
	CHECK_HAS(t, "\033[1;35mwarning:\033[m");
	CHECK_HAS(t, "\033[1;32m^\033[m\n");
	CHECK_HAS(t, "\033[1;36mhint:\033[m did you mean");
	CHECK_LACKS(t, "\033[2J");
	free(t);

	/* werror: the warning prints and counts as an error */
	d.werror = true;
	t = render(&d, REPORT_TEXT, false);
	CHECK_HAS(t, "rules.yaml:5:3: error: macro 'unused_m' is never used [unused-macro]\n");
	CHECK_HAS(t, "rules.yaml: 6 errors, 0 warnings\nother.yaml: 0 errors, 0 warnings\n");
	free(t);
	arena_free(&a);
}

static void test_text_edges(void)
{
	struct arena a;
	struct diag_ctx d;
	char line[400];

	/* a long line shows a window around the caret */
	memset(line, 'x', sizeof(line));
	memcpy(line + 200, "BAD", 3);
	arena_init(&a);
	diag_init(&d, &a);
	diag_add_source(&d, "long.yaml", line, sizeof(line));
	struct loc l = { "long.yaml", 1, 201, 200 };
	diag_report(&d, DIAG_SYNTAX, &l, "here");
	/* a location past the end of the line, and one with no column */
	diag_add_source(&d, "s.yaml", "ab\n", 3);
	struct loc past = { "s.yaml", 1, 9, 0 }, nocol = { "s.yaml", 2, 0, 0 },
		   noline = { "s.yaml", 0, 0, 0 };
	diag_report(&d, DIAG_SYNTAX, &past, "past");
	diag_report(&d, DIAG_SYNTAX, &nocol, "nocol");
	diag_report(&d, DIAG_SYNTAX, &noline, "noline");
	/* a file given on no command line and not registered */
	struct loc ghost = { "ghost.yaml", 2, 1, 0 };
	diag_report(&d, DIAG_UNKNOWN_KEY, &ghost, "ghost");

	struct strbuf b = { 0 };
	static const char *const f1[] = { "long.yaml", "s.yaml" };
	report_render_sb(&b, &d, REPORT_TEXT, f1, 2, false);
	const char *t = sb_str(&b);
	char want[1024], *w = want;
	w += sprintf(w, "long.yaml:1:201: error: here [syntax]\n...");
	memset(w, 'x', 80);
	w += 80;
	w += sprintf(w, "BAD");
	memset(w, 'x', 77);
	w += 77;
	w += sprintf(w, "...\n");
	memset(w, ' ', 83);
	w += 83;
	sprintf(w, "^\n");
	CHECK_HAS(t, want);
	CHECK_HAS(t, "s.yaml:1:9: error: past [syntax]\nab\n  ^\n");
	/* no line sorts first; past the end clamps to the end of the line */
	CHECK_HAS(t, "s.yaml: error: noline [syntax]\ns.yaml:1:9: error: past");
	CHECK_HAS(t, "s.yaml:2: error: nocol [syntax]\n\nghost.yaml:2:1");
	CHECK_HAS(t, "ghost.yaml:2:1: warning: ghost [unknown-key]\n");
	CHECK_HAS(t, "long.yaml: 1 error, 0 warnings\ns.yaml: 3 errors, 0 warnings\n"
		     "ghost.yaml: 0 errors, 1 warning\n");
	sb_free(&b);

	/* nothing at all */
	struct diag_ctx e;
	diag_init(&e, &a);
	report_render_sb(&b, &e, REPORT_TEXT, f1, 1, false);
	CHECK_STR(sb_str(&b), "long.yaml: 0 errors, 0 warnings\n");
	sb_free(&b);
	report_render_sb(&b, &e, REPORT_TEXT, NULL, 0, false);
	CHECK_STR(sb_str(&b), "");
	sb_free(&b);
	report_render_sb(&b, &e, REPORT_JSON, NULL, 0, false);
	CHECK_STR(sb_str(&b), "{\"falco_load_results\":[]}\n");
	sb_free(&b);
	arena_free(&a);
}

static void test_json(void)
{
	struct arena a;
	struct diag_ctx d;

	build(&d, &a);
	char *j = render(&d, REPORT_JSON, false);
	CHECK(json_valid(j));
	CHECK(!strchr(j, '\x1b'));
	CHECK_HAS(j, "{\"falco_load_results\":[{\"name\":\"rules.yaml\",\"successful\":false,"
		     "\"errors\":[{\"code\":\"LOAD_ERR_COMPILE_CONDITION\","
		     "\"codedesc\":\"Error compiling condition\","
		     "\"message\":\"unknown field 'proc.nme'\",\"context\":{\"locations\":"
		     "[{\"item_type\":\"rule\",\"item_name\":\"shell in container\",\"position\":"
		     "{\"name\":\"rules.yaml\",\"line\":2,\"column\":37,\"offset\":94}}],"
		     "\"snippet\":\"  condition: evt.type = execve and proc.nme = bash\\n"
		     "                                     ^\\n\"},\"falcoc_code\":\"unknown-field\","
		     "\"hint\":\"did you mean 'proc.name'?\"}");
	/* warnings carry Falco's long description */
	CHECK_HAS(j, "\"warnings\":[{\"code\":\"LOAD_UNUSED_MACRO\",\"codedesc\":\"A macro is "
		     "defined in the rules content but is not used by any other macro or rule.\"");
	/* escaping: control chars as \u, bidi escaped, bad byte replaced */
	CHECK_HAS(j, "odd value \\\"\\u001b[2J\\u202e\\ufffd\\\"");
	/* no-file diagnostics land in the first result, without locations */
	CHECK_HAS(j, "\"message\":\"required_engine_version 99 is newer than 0.1.0\","
		     "\"context\":{\"locations\":[],\"snippet\":\"\"}");
	CHECK_HAS(j, "{\"name\":\"other.yaml\",\"successful\":true,\"errors\":[],\"warnings\":[]}");
	check_golden("basic.json", j, __LINE__);
	free(j);

	/* werror moves warnings into errors */
	d.werror = true;
	j = render(&d, REPORT_JSON, false);
	CHECK(json_valid(j));
	CHECK_HAS(j, "\"warnings\":[]}");
	free(j);
	arena_free(&a);
}

static void test_sarif(void)
{
	struct arena a;
	struct diag_ctx d;

	build(&d, &a);
	char *s = render(&d, REPORT_SARIF, false);
	CHECK(json_valid(s));
	CHECK(!strchr(s, '\x1b'));
	CHECK_HAS(s, "\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\"");
	CHECK_HAS(s, "\"version\": \"2.1.0\"");
	CHECK_HAS(s, "\"name\": \"falcoc\"");
	CHECK_HAS(s, "\"id\": \"unknown-field\"");
	CHECK_HAS(s, "\"falcoCode\": \"LOAD_ERR_COMPILE_CONDITION\"");
	CHECK_HAS(s, "\"ruleId\": \"unknown-field\"");
	CHECK_HAS(s, "\"level\": \"warning\"");
	CHECK_HAS(s, "\"text\": \"unknown field 'proc.nme' (did you mean 'proc.name'?)\"");
	CHECK_HAS(s, "\"uri\": \"rules.yaml\"");
	/* 1-based; columns in code points: 'é' is 2 bytes but 1 column */
	CHECK_HAS(s, "\"startLine\": 3,\n                  \"startColumn\": 38");
	CHECK_HAS(s, "\"startLine\": 7,\n                  \"startColumn\": 16");
	CHECK_HAS(s, "\"columnKind\": \"unicodeCodePoints\"");
	/* rules only for used codes: 6 codes, indexes 0..5 */
	CHECK_HAS(s, "\"ruleIndex\": 5");
	CHECK_LACKS(s, "\"ruleIndex\": 6");
	CHECK_LACKS(s, "\"id\": \"syntax\"");
	check_golden("basic.sarif", s, __LINE__);
	free(s);

	d.werror = true;
	s = render(&d, REPORT_SARIF, false);
	CHECK(json_valid(s));
	CHECK_LACKS(s, "\"level\": \"warning\",\n      \"message");
	free(s);
	arena_free(&a);

	/* odd paths become valid URI references */
	arena_init(&a);
	diag_init(&d, &a);
	struct loc l1 = { "dir with space/r#1.yaml", 1, 1, 0 }, l2 = { "/etc/falco/x.yaml", 1, 1, 0 };
	diag_report(&d, DIAG_SYNTAX, &l1, "x");
	diag_report(&d, DIAG_SYNTAX, &l2, "y");
	struct strbuf b = { 0 };
	report_render_sb(&b, &d, REPORT_SARIF, NULL, 0, false);
	CHECK(json_valid(sb_str(&b)));
	CHECK_HAS(sb_str(&b), "\"uri\": \"dir%20with%20space/r%231.yaml\"");
	CHECK_HAS(sb_str(&b), "\"uri\": \"file:///etc/falco/x.yaml\"");
	sb_free(&b);
	arena_free(&a);
}

static void test_escaping_everywhere(void)
{
	struct arena a;
	struct diag_ctx d;
	char msg[300];
	size_t k = 0;

	/* every byte value, plus C1 controls and truncated sequences */
	for (int c = 1; c < 256; c++)
		msg[k++] = (char)c;
	memcpy(msg + k, "\xc2\x9b" "\xe2\x82" "\xed\xa0\x80" "\xf4\x90\x80\x80", 11);
	k += 11;
	msg[k] = '\0';

	arena_init(&a);
	diag_init(&d, &a);
	struct loc l = { "e\x1b.yaml", 1, 1, 0 };
	struct diag *dg = diag_report(&d, DIAG_SYNTAX, &l, "%s", msg);
	diag_hint(&d, dg, "%s", msg);
	for (int f = REPORT_TEXT; f <= REPORT_SARIF; f++) {
		struct strbuf b = { 0 };
		report_render_sb(&b, &d, (enum report_format)f, NULL, 0, false);
		const char *s = sb_str(&b);
		bool clean = true;
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
				clean = false;
		CHECK(clean);
		CHECK(!strstr(s, "\xc2\x9b")); /* 8-bit CSI */
		if (f != REPORT_TEXT)
			CHECK(json_valid(s));
		else
			CHECK_HAS(s, "e\\x1b.yaml:1:1: error: \\x01\\x02");
		sb_free(&b);
	}
	arena_free(&a);
}

static void test_dropped_and_file(void)
{
	struct arena a;
	struct diag_ctx d;
	struct loc l = { "rules.yaml", 1, 1, 0 };

	arena_init(&a);
	diag_init(&d, &a);
	diag_add_source(&d, "rules.yaml", "x\n", 2);
	d.max_diags = 3;
	for (int i = 0; i < 10; i++)
		diag_report(&d, DIAG_UNKNOWN_ITEM, &l, "item %d", i);

	struct strbuf b = { 0 };
	report_render_sb(&b, &d, REPORT_TEXT, files, 1, false);
	CHECK_HAS(sb_str(&b), "falcoc: note: 7 more diagnostics not shown (limit reached)\n"
			      "rules.yaml: 0 errors, 3 warnings\n");

	/* streaming to a FILE gives the same bytes */
	FILE *f = tmpfile();
	CHECK(f != NULL);
	if (f) {
		CHECK(report_render(f, &d, REPORT_TEXT, files, 1, false) == 0);
		long n = ftell(f);
		rewind(f);
		char *buf = calloc(1, (size_t)n + 1);
		CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n);
		CHECK_STR(buf, sb_str(&b));
		free(buf);
		fclose(f);
	}
	sb_free(&b);

	report_render_sb(&b, &d, REPORT_JSON, files, 1, false);
	CHECK(json_valid(sb_str(&b)));
	CHECK_HAS(sb_str(&b), "\"falcoc_dropped\":7}");
	sb_free(&b);
	report_render_sb(&b, &d, REPORT_SARIF, files, 1, false);
	CHECK(json_valid(sb_str(&b)));
	CHECK_HAS(sb_str(&b), "\"droppedDiagnostics\": 7");
	sb_free(&b);
	arena_free(&a);

	/* a big run streams through the FILE path and stays valid */
	arena_init(&a);
	diag_init(&d, &a);
	diag_add_source(&d, "rules.yaml", "x\n", 2);
	for (int i = 0; i < 20000; i++)
		diag_report(&d, DIAG_UNKNOWN_ITEM, &l, "item %d", i);
	f = tmpfile();
	if (f) {
		CHECK(report_render(f, &d, REPORT_JSON, files, 1, false) == 0);
		long n = ftell(f);
		rewind(f);
		char *buf = calloc(1, (size_t)n + 1);
		CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n);
		CHECK(json_valid(buf));
		CHECK_HAS(buf, "\"falcoc_dropped\":10000}");
		free(buf);
		fclose(f);
	}
	arena_free(&a);
}

static void test_format_parse(void)
{
	enum report_format f = REPORT_TEXT;

	CHECK(report_format_parse("json", &f) && f == REPORT_JSON);
	CHECK(report_format_parse("sarif", &f) && f == REPORT_SARIF);
	CHECK(report_format_parse("text", &f) && f == REPORT_TEXT);
	CHECK(!report_format_parse("xml", &f) && f == REPORT_TEXT);
	CHECK(!report_format_parse("", &f));
	CHECK(!report_format_parse(NULL, &f));

	/* never color a file */
	FILE *t = tmpfile();
	if (t) {
		CHECK(!report_color_wanted(t));
		fclose(t);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		snprintf(data_dir, sizeof(data_dir), "%s", argv[1]);
	} else {
		/* <root>/tests/unit/test_report.c -> <root>/tests/data/report */
		snprintf(data_dir, sizeof(data_dir), "%s", __FILE__);
		char *slash = strrchr(data_dir, '/');
		if (slash)
			*slash = '\0';
		slash = strrchr(data_dir, '/');
		if (slash)
			snprintf(slash, sizeof(data_dir) - (size_t)(slash - data_dir), "/data/report");
		else
			snprintf(data_dir, sizeof(data_dir), "tests/data/report");
	}
	test_validator();
	test_format_parse();
	test_text();
	test_text_edges();
	test_json();
	test_sarif();
	test_escaping_everywhere();
	test_dropped_and_file();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
