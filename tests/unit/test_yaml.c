// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for yaml_tree and rules_read.
 *
 *   test_yaml [CORPUS_DIR [DATA_DIR]]
 *
 * CORPUS_DIR holds falco_rules.yaml and falco_rules-1.0.1.yaml (default
 * /work/shared/corpus/rules); DATA_DIR the fixtures (default
 * tests/data/yaml next to this file). Each failed check prints
 * file:line; the last line is "N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#include "rules_read.h"
#include "yaml_tree.h"

#define CHECK_EQ(a, b)                                                                       \
	do {                                                                                 \
		long long _a = (long long)(a), _b = (long long)(b);                          \
		if (_a == _b) {                                                              \
			npass++;                                                            \
		} else {                                                                     \
			nfail++;                                                            \
			printf("%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, \
			       #a, #b, _a, _b);                                              \
		}                                                                            \
	} while (0)

static const char *corpus_dir = "/work/shared/corpus/rules";
static char data_dir[4096];

struct ctx {
	struct arena a;
	struct diag_ctx d;
	struct vec items;
	int rc;
};

static void ctx_init(struct ctx *c)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->a);
	diag_init(&c->d, &c->a);
}

static void ctx_free(struct ctx *c)
{
	arena_free(&c->a);
}

static void dump(const struct ctx *c)
{
	for (const struct diag *g = c->d.head; g; g = g->next)
		printf("    %s:%u:%u: %s [%s] %s%s%s\n", g->loc.file ? g->loc.file : "?", g->loc.line,
		       g->loc.col, diag_sev_name(g->sev), diag_code_name(g->code), g->msg,
		       g->hint ? " -- " : "", g->hint ? g->hint : "");
}

static void load_text(struct ctx *c, const char *text, size_t len)
{
	ctx_init(c);
	diag_add_source(&c->d, "t.yaml", text, len);
	c->rc = rr_load_text(&c->a, &c->d, "t.yaml", text, len, &c->items);
}

static void load_file(struct ctx *c, const char *dir, const char *name)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ctx_init(c);
	c->rc = rr_load_file(&c->a, &c->d, path, &c->items);
}

static unsigned count(const struct ctx *c, enum diag_code code)
{
	unsigned n = 0;

	for (const struct diag *g = c->d.head; g; g = g->next)
		n += g->code == code;
	return n;
}

/* The first diagnostic with `code` (and at line, if line != 0). */
static const struct diag *find(const struct ctx *c, enum diag_code code, unsigned line)
{
	for (const struct diag *g = c->d.head; g; g = g->next)
		if (g->code == code && (!line || g->loc.line == line))
			return g;
	return NULL;
}

#define CHECK_AT(c, code, ln, cl)                                                         \
	do {                                                                                 \
		const struct diag *_g = find((c), (code), (ln));                           \
		CHECK(_g != NULL);                                                           \
		if (_g)                                                                      \
			CHECK_EQ(_g->loc.col, (cl));                                        \
		else                                                                         \
			dump(c);                                                             \
	} while (0)

static const struct rr_item *item_named(const struct ctx *c, const char *name)
{
	for (size_t i = 0; i < c->items.n; i++) {
		const struct rr_item *it = c->items.v[i];
		if (it->name.s && !strcmp(it->name.s, name))
			return it;
	}
	return NULL;
}

static void count_kinds(const struct ctx *c, int k[5])
{
	memset(k, 0, 5 * sizeof(int));
	for (size_t i = 0; i < c->items.n; i++)
		k[((const struct rr_item *)c->items.v[i])->kind]++;
}

/*
 * Every non-blank character of every condition must map back to the same
 * character in the file: the property the condition parser relies on to
 * put carets in folded multi-line conditions.
 */
static void check_scalar_locs(const struct ctx *c, const char *path, unsigned *multiline)
{
	const struct diag_source *src = diag_find_source(&c->d, path);

	CHECK(src != NULL);
	if (!src)
		return;
	for (size_t i = 0; i < c->items.n; i++) {
		const struct rr_item *it = c->items.v[i];
		const struct ynode *n = it->condition.node;
		unsigned bad = 0;

		if (!n)
			continue;
		if (memchr(n->str, '\n', n->len) || n->end.line > n->loc.line + 1)
			(*multiline)++;
		for (size_t off = 0; off <= n->len; off++) {
			struct loc l;
			if (off < n->len && (n->str[off] == ' ' || n->str[off] == '\n'))
				continue;
			if (!yaml_scalar_loc(n, src->text, src->len, off, &l)) {
				bad++;
				continue;
			}
			if (off < n->len && src->text[l.off] != n->str[off])
				bad++;
			/* line:col must agree with the offset */
			const char *ls = src->text + l.off - (l.col - 1);
			if (ls != src->text && ls[-1] != '\n')
				bad++;
			if (l.line < n->loc.line || l.line > n->end.line)
				bad++;
		}
		if (bad) {
			printf("    condition of '%s' (line %u): %u offsets mis-mapped\n", it->name.s,
			       n->loc.line, bad);
		}
		CHECK_EQ(bad, 0);
	}
}

static void test_corpus(void)
{
	char path[8192];
	struct ctx c;
	int k[5];
	unsigned multi = 0;

	load_file(&c, corpus_dir, "falco_rules.yaml");
	CHECK_EQ(c.rc, 0);
	CHECK_EQ(c.d.nerrors, 0);
	CHECK_EQ(c.d.nwarnings, 0);
	count_kinds(&c, k);
	CHECK_EQ(k[RR_LIST], 49);
	CHECK_EQ(k[RR_MACRO], 87);
	CHECK_EQ(k[RR_RULE], 25);
	CHECK_EQ(k[RR_ENGINE_VERSION], 1);
	CHECK_EQ(k[RR_PLUGIN_VERSIONS], 1);
	if (c.d.head)
		dump(&c);
	for (size_t i = 0; i < c.items.n; i++) {
		const struct rr_item *it = c.items.v[i];
		if (it->kind == RR_RULE)
			CHECK(rr_check_new_rule(&c.d, it) && it->priority >= 0);
		if (it->kind == RR_ENGINE_VERSION) {
			CHECK_EQ(it->ver_minor, 57);
			CHECK_EQ(rr_engine_version_cmp(it), -1);
		}
	}
	snprintf(path, sizeof(path), "%s/%s", corpus_dir, "falco_rules.yaml");
	check_scalar_locs(&c, path, &multi);
	CHECK(multi > 20);
	ctx_free(&c);

	load_file(&c, corpus_dir, "falco_rules-1.0.1.yaml");
	CHECK_EQ(c.rc, 0);
	CHECK_EQ(c.d.nerrors, 0);
	count_kinds(&c, k);
	CHECK_EQ(k[RR_LIST], 117);
	CHECK_EQ(k[RR_MACRO], 297);
	CHECK_EQ(k[RR_RULE], 80);
	for (size_t i = 0; i < c.items.n; i++) {
		const struct rr_item *it = c.items.v[i];
		if (it->kind == RR_ENGINE_VERSION) {
			CHECK_EQ(it->ver_major, 0);
			CHECK_EQ(it->ver_minor, 17);
		}
	}
	snprintf(path, sizeof(path), "%s/%s", corpus_dir, "falco_rules-1.0.1.yaml");
	check_scalar_locs(&c, path, &multi);
	ctx_free(&c);
}

static void test_syntax_error(void)
{
	struct ctx c;

	load_file(&c, data_dir, "syntax_error.yaml");
	CHECK_EQ(c.rc, -1);
	CHECK_EQ(c.d.nerrors, 1);
	CHECK_AT(&c, DIAG_YAML_PARSE, 4, 22);
	CHECK(c.d.head && strstr(c.d.head->msg, "mapping values are not allowed"));
	ctx_free(&c);

	/* A block mapping that never gets its key: context in the message. */
	static const char t[] = "- rule: x\n  desc: y\n - z\n";
	load_text(&c, t, sizeof(t) - 1);
	CHECK_EQ(c.rc, -1);
	CHECK(find(&c, DIAG_YAML_PARSE, 3) != NULL);
	ctx_free(&c);
}

static void test_keys(void)
{
	struct ctx c;
	const struct diag *g;
	const struct rr_item *it;

	load_file(&c, data_dir, "keys.yaml");
	CHECK_EQ(c.rc, 0);
	CHECK_AT(&c, DIAG_UNKNOWN_KEY, 5, 3);
	g = find(&c, DIAG_UNKNOWN_KEY, 5);
	CHECK(g && g->hint && strstr(g->hint, "'condition'"));
	CHECK(g && g->sev == DIAG_WARNING);
	CHECK(g && g->item_type && !strcmp(g->item_type, "rule"));
	CHECK(g && g->item_name && !strcmp(g->item_name, "typo"));
	CHECK_AT(&c, DIAG_BAD_PRIORITY, 8, 13);
	g = find(&c, DIAG_BAD_PRIORITY, 8);
	CHECK(g && g->hint && strstr(g->hint, "Informational"));
	CHECK_AT(&c, DIAG_YAML_SHAPE, 9, 12);  /* enabled: maybe */
	CHECK_AT(&c, DIAG_YAML_SHAPE, 10, 9);  /* tags: notalist */
	CHECK_AT(&c, DIAG_INVALID_MACRO_NAME, 11, 10);
	CHECK_AT(&c, DIAG_INVALID_LIST_NAME, 13, 9);
	CHECK_AT(&c, DIAG_YAML_SHAPE, 14, 10); /* items: notalist */
	CHECK_AT(&c, DIAG_INVALID_RULE_NAME, 15, 9);
	CHECK_AT(&c, DIAG_DEPRECATED_ENABLED, 18, 3);
	CHECK_AT(&c, DIAG_UNKNOWN_ITEM, 19, 3);
	it = item_named(&c, "toggle");
	CHECK(it && it->enabled_only && it->enabled == 0);
	it = item_named(&c, "lower_priority");
	CHECK(it && it->priority == RR_PRI_INFORMATIONAL);
	CHECK(it && rr_check_new_rule(&c.d, it));
	ctx_free(&c);
}

static void test_priorities(void)
{
	CHECK_EQ(rr_priority_parse("WARNING"), RR_PRI_WARNING);
	CHECK_EQ(rr_priority_parse("emergency"), RR_PRI_EMERGENCY);
	CHECK_EQ(rr_priority_parse("Info"), RR_PRI_INFORMATIONAL);
	CHECK_EQ(rr_priority_parse("INFORMATIONAL"), RR_PRI_INFORMATIONAL);
	CHECK_EQ(rr_priority_parse("Debug"), RR_PRI_DEBUG);
	CHECK_EQ(rr_priority_parse("Warn"), -1);
	CHECK(!strcmp(rr_priority_names[RR_PRI_CRITICAL], "Critical"));
}

static void test_new_rule_missing(void)
{
	struct ctx c;
	static const char t[] = "- rule: half\n  desc: only a description\n";

	load_text(&c, t, sizeof(t) - 1);
	CHECK_EQ(c.d.nerrors, 0);
	CHECK_EQ(c.items.n, 1);
	if (c.items.n == 1) {
		const struct rr_item *it = c.items.v[0];
		CHECK(!it->enabled_only);
		CHECK(!rr_check_new_rule(&c.d, it));
		CHECK_EQ(count(&c, DIAG_MISSING_KEY), 3);
	}
	ctx_free(&c);
}

static void test_override(void)
{
	struct ctx c;
	const struct rr_item *it;

	load_file(&c, data_dir, "override_bad.yaml");
	CHECK_EQ(c.rc, 0);
	CHECK_EQ(count(&c, DIAG_DEPRECATED_APPEND), 1);
	CHECK_EQ(count(&c, DIAG_OVERRIDE_MISUSE), 5);
	CHECK_AT(&c, DIAG_OVERRIDE_MISUSE, 6, 3);  /* append + override */
	CHECK_AT(&c, DIAG_OVERRIDE_MISUSE, 10, 3); /* output without entry */
	CHECK_AT(&c, DIAG_OVERRIDE_MISUSE, 16, 5); /* priority: append */
	CHECK_AT(&c, DIAG_OVERRIDE_MISUSE, 20, 11); /* desc: extend */
	CHECK_AT(&c, DIAG_OVERRIDE_MISUSE, 23, 5); /* output not defined */
	it = item_named(&c, "r6");
	CHECK(it && it->has_override && it->override_append == RK_CONDITION &&
	      it->override_replace == 0);
	CHECK(it && !it->enabled_only);
	it = item_named(&c, "l1");
	CHECK(it && it->kind == RR_LIST && it->override_append == RK_ITEMS && it->items.n == 1);
	it = item_named(&c, "r1");
	CHECK(it && it->append);
	ctx_free(&c);
}

static void test_exceptions(void)
{
	struct ctx c;
	const struct rr_item *it;

	load_file(&c, data_dir, "exceptions_good.yaml");
	CHECK_EQ(c.rc, 0);
	CHECK_EQ(c.d.nerrors + c.d.nwarnings, 0);
	if (c.d.head)
		dump(&c);
	it = item_named(&c, "good_exceptions");
	CHECK(it && it->exceptions.n == 6);
	if (it && it->exceptions.n == 6) {
		const struct rr_exception *e = it->exceptions.v[0];
		const struct rr_val *t;

		CHECK(e->fields_is_list && e->fields.n == 2 && e->has_comps && e->comps.n == 2);
		CHECK(!strcmp(((struct rr_str *)e->comps.v[0])->s, "="));
		CHECK_EQ(e->values.n, 2);
		t = e->values.v[1];
		CHECK(t->is_list && t->items.n == 2);
		if (t->items.n == 2) {
			const struct rr_val *lv = t->items.v[1];
			CHECK(lv->is_list && lv->items.n == 2);
			CHECK(!((const struct rr_val *)t->items.v[0])->is_list);
		}
		e = it->exceptions.v[1]; /* default comps */
		CHECK(!e->has_comps && e->comps.n == 2);
		CHECK(e->comps.n == 2 && !strcmp(((struct rr_str *)e->comps.v[1])->s, "="));
		e = it->exceptions.v[2]; /* single form */
		CHECK(!e->fields_is_list && e->fields.n == 1 && e->values.n == 2);
		e = it->exceptions.v[5]; /* single form, default comp */
		CHECK(!e->has_comps && e->comps.n == 1 &&
		      !strcmp(((struct rr_str *)e->comps.v[0])->s, "in"));
	}
	ctx_free(&c);

	load_file(&c, data_dir, "exceptions_bad.yaml");
	CHECK_EQ(c.rc, 0);
	CHECK_EQ(count(&c, DIAG_EXCEPTION_SHAPE), 8);
	CHECK_EQ(count(&c, DIAG_EXCEPTION_DUP), 1);
	CHECK_AT(&c, DIAG_EXCEPTION_SHAPE, 11, 14); /* comps length */
	CHECK_AT(&c, DIAG_EXCEPTION_SHAPE, 17, 11); /* tuple length */
	CHECK_AT(&c, DIAG_EXCEPTION_SHAPE, 20, 15); /* equals */
	CHECK_AT(&c, DIAG_EXCEPTION_SHAPE, 24, 14); /* = with single field */
	CHECK_AT(&c, DIAG_EXCEPTION_DUP, 28, 13);
	ctx_free(&c);

	/* Appending values to an exception: fields may be omitted. */
	static const char t[] = "- rule: r\n  exceptions:\n    - name: e\n      values: [[a]]\n"
				"  override:\n    exceptions: append\n";
	load_text(&c, t, sizeof(t) - 1);
	CHECK_EQ(c.d.nerrors + c.d.nwarnings, 0);
	ctx_free(&c);
	static const char t2[] = "- rule: r\n  exceptions:\n    - name: e\n"
				 "  override:\n    exceptions: append\n";
	load_text(&c, t2, sizeof(t2) - 1);
	CHECK_EQ(count(&c, DIAG_APPEND_NO_VALUES), 1);
	ctx_free(&c);
}

static void test_dup_key(void)
{
	struct ctx c;
	static const char t[] = "- rule: a\n  desc: x\n  desc: y\n";

	load_text(&c, t, sizeof(t) - 1);
	CHECK_EQ(c.rc, 0);
	CHECK_AT(&c, DIAG_YAML_DUP_KEY, 3, 3);
	const struct diag *g = find(&c, DIAG_YAML_DUP_KEY, 3);
	CHECK(g && g->sev == DIAG_ERROR && g->hint && strstr(g->hint, "line 2"));
	ctx_free(&c);

	/* A big map goes through the hash path. */
	struct strbuf b = { 0 };
	sb_puts(&b, "- rule: big\n");
	for (int i = 0; i < 40; i++)
		sb_printf(&b, "  k%d: v\n", i);
	sb_puts(&b, "  k7: again\n");
	load_text(&c, sb_str(&b), b.len);
	CHECK_AT(&c, DIAG_YAML_DUP_KEY, 42, 3);
	CHECK_EQ(count(&c, DIAG_YAML_DUP_KEY), 1);
	ctx_free(&c);
	sb_free(&b);
}

static void test_bad_bytes(void)
{
	struct ctx c;
	static const char utf8[] = "- list: a\n  items: [b\xff]\n";
	static const char nul[] = "- list: a\n  it\0ems: [b]\n";

	load_text(&c, utf8, sizeof(utf8) - 1);
	CHECK_EQ(c.rc, -1);
	CHECK_AT(&c, DIAG_BAD_UTF8, 2, 12);
	ctx_free(&c);

	/* After a multi-byte character: columns are in bytes. */
	static const char utf8b[] = "- list: \xc3\xa9\xc3\xa9\n  items: [\xe2\x82\xac, \xc3]\n";
	load_text(&c, utf8b, sizeof(utf8b) - 1);
	CHECK_AT(&c, DIAG_BAD_UTF8, 2, 17);
	ctx_free(&c);

	load_text(&c, nul, sizeof(nul) - 1);
	CHECK_EQ(c.rc, -1);
	CHECK_AT(&c, DIAG_YAML_PARSE, 2, 5);
	ctx_free(&c);

	/* Binary garbage: never a crash, always a diagnostic or items. */
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		char buf[512];
		size_t n = 1 + round * 2;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (char)(seed >> 16);
			/* half the rounds: mostly YAML punctuation */
			if (round & 1)
				buf[i] = "-:[]{}&*!|>'\"\n #ab,?"[(seed >> 8) % 21];
		}
		load_text(&c, buf, n);
		CHECK(c.rc == 0 || c.d.nerrors > 0);
		ctx_free(&c);
	}
}

static void test_empty(void)
{
	struct ctx c;
	static const char *const texts[] = { "", "# only a comment\n", "---\n---\n", "\n\n" };

	for (size_t i = 0; i < 4; i++) {
		load_text(&c, texts[i], strlen(texts[i]));
		CHECK_EQ(c.rc, 0);
		CHECK_EQ(c.items.n, 0);
		CHECK_EQ(c.d.nerrors, 0);
		CHECK_EQ(count(&c, DIAG_EMPTY_FILE), 1);
		ctx_free(&c);
	}
	/* Null items and an empty document between real ones are skipped. */
	static const char t[] = "- list: a\n  items: []\n-\n---\n---\n- macro: m\n  condition: x\n";
	load_text(&c, t, sizeof(t) - 1);
	CHECK_EQ(c.d.nerrors + c.d.nwarnings, 0);
	CHECK_EQ(c.items.n, 2);
	ctx_free(&c);
}

static void test_shapes(void)
{
	struct ctx c;
	static const char map[] = "rule: x\n";
	static const char scal[] = "- just a string\n- [a]\n";

	load_text(&c, map, sizeof(map) - 1);
	CHECK_AT(&c, DIAG_YAML_SHAPE, 1, 1);
	ctx_free(&c);
	load_text(&c, scal, sizeof(scal) - 1);
	CHECK_EQ(count(&c, DIAG_YAML_SHAPE), 2);
	CHECK_AT(&c, DIAG_YAML_SHAPE, 2, 3);
	ctx_free(&c);
}

static void test_depth(void)
{
	struct ctx c;
	size_t n = 100000;
	char *t = malloc(n + 1);

	memset(t, '[', n);
	t[n] = 0;
	load_text(&c, t, n);
	CHECK_EQ(c.rc, -1);
	CHECK_EQ(c.d.nerrors, 1);
	CHECK_AT(&c, DIAG_YAML_PARSE, 1, YAML_MAX_DEPTH + 1);
	ctx_free(&c);
	free(t);

	/* Billion laughs: aliases share nodes, and the expansion is capped. */
	struct strbuf b = { 0 };
	sb_puts(&b, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 12; i++) {
		sb_printf(&b, "a%d: &a%d [", i, i);
		for (int j = 0; j < 10; j++)
			sb_printf(&b, "%s*a%d", j ? ", " : "", i - 1);
		sb_puts(&b, "]\n");
	}
	load_text(&c, sb_str(&b), b.len);
	CHECK_EQ(c.rc, -1);
	CHECK(find(&c, DIAG_YAML_PARSE, 0) && strstr(find(&c, DIAG_YAML_PARSE, 0)->msg, "alias"));
	ctx_free(&c);
	sb_free(&b);
}

static void test_aliases_and_tags(void)
{
	struct ctx c;
	static const char t[] = "- list: a\n  items: &x [b, c]\n- list: d\n  items: *x\n"
				"- rule: r\n  desc: != foo\n  condition: evt.type = open\n"
				"  output: o\n  priority: debug\n";
	static const char bad[] = "- list: a\n  items: *nope\n";
	static const char cyc[] = "a: &x [1, *x]\n";

	load_text(&c, t, sizeof(t) - 1);
	CHECK_EQ(c.d.nerrors + c.d.nwarnings, 0);
	const struct rr_item *it = item_named(&c, "d");
	CHECK(it && it->items.n == 2);
	it = item_named(&c, "r");
	CHECK(it && it->desc.s && !strcmp(it->desc.s, "foo"));
	CHECK(it && it->desc.node && it->desc.node->tag && !strcmp(it->desc.node->tag, "!="));
	ctx_free(&c);

	load_text(&c, bad, sizeof(bad) - 1);
	CHECK_EQ(c.rc, -1);
	CHECK_AT(&c, DIAG_YAML_PARSE, 2, 10);
	ctx_free(&c);
	load_text(&c, cyc, sizeof(cyc) - 1);
	CHECK_EQ(c.rc, -1);
	ctx_free(&c);
}

static void test_versions(void)
{
	struct ctx c;
	static const char t[] = "- required_engine_version: 99.0.0\n"
				"- required_engine_version: 17\n"
				"- required_engine_version: abc\n"
				"- required_plugin_versions:\n"
				"    - name: container\n      version: 0.5.0\n"
				"    - name: k8saudit\n      version: 0.1.0\n"
				"    - name: other\n      version: 1.0.0\n"
				"      alternatives:\n        - name: container\n"
				"          version: 0.4.2\n"
				"    - name: container\n      version: 0.4.0\n";

	load_text(&c, t, sizeof(t) - 1);
	CHECK_AT(&c, DIAG_ENGINE_VERSION, 1, 28);
	CHECK_EQ(count(&c, DIAG_ENGINE_VERSION), 1);
	CHECK_AT(&c, DIAG_YAML_SHAPE, 3, 28);
	CHECK_EQ(count(&c, DIAG_PLUGIN_VERSION), 1);
	CHECK_AT(&c, DIAG_PLUGIN_VERSION, 6, 16);
	CHECK_EQ(count(&c, DIAG_UNKNOWN_PLUGIN), 1);
	CHECK_AT(&c, DIAG_UNKNOWN_PLUGIN, 7, 13);
	const struct diag *g = find(&c, DIAG_ENGINE_VERSION, 1);
	CHECK(g && g->item_type && !strcmp(g->item_type, "required_engine_version"));
	ctx_free(&c);

	unsigned v[3];
	CHECK(rr_parse_semver("0.57.0", v) && v[1] == 57);
	CHECK(!rr_parse_semver("1.2", v));
	CHECK(!rr_parse_semver("1.2.3.4", v));
}

static void test_scalar_loc(void)
{
	struct ctx c;
	static const char t[] = "- macro: m\n"
				"  condition: >\n"
				"    evt.type = open\n"
				"      and proc.name = cat\n"
				"- macro: q\n"
				"  condition: 'it''s   \"x\"'\n"
				"- macro: dq\n"
				"  condition: \"a\\tb and\n    c\"\n";
	struct loc l;

	load_text(&c, t, sizeof(t) - 1);
	CHECK_EQ(c.d.nerrors, 0);
	const struct rr_item *it = item_named(&c, "m");
	CHECK(it && it->condition.node);
	if (it && it->condition.node) {
		const struct ynode *n = it->condition.node;
		const char *p = strstr(n->str, "proc.name");
		CHECK(p != NULL);
		CHECK(yaml_scalar_loc(n, t, sizeof(t) - 1, (size_t)(p - n->str), &l));
		CHECK_EQ(l.line, 4);
		CHECK_EQ(l.col, 11);
		CHECK(yaml_scalar_loc(n, t, sizeof(t) - 1, 0, &l));
		CHECK_EQ(l.line, 3);
		CHECK_EQ(l.col, 5);
		/* End of value: just past "cat". */
		CHECK(yaml_scalar_loc(n, t, sizeof(t) - 1, n->len, &l));
		CHECK_EQ(l.line, 4);
		CHECK_EQ(l.col, 26);
	}
	it = item_named(&c, "q");
	if (it && it->condition.node) {
		const struct ynode *n = it->condition.node;
		const char *p = strchr(n->str, '"');
		CHECK(yaml_scalar_loc(n, t, sizeof(t) - 1, (size_t)(p - n->str), &l));
		CHECK_EQ(l.line, 6);
		CHECK_EQ(l.col, 23);
	}
	it = item_named(&c, "dq");
	if (it && it->condition.node) {
		const struct ynode *n = it->condition.node;
		const char *p = strchr(n->str, 'c');
		CHECK(yaml_scalar_loc(n, t, sizeof(t) - 1, (size_t)(p - n->str), &l));
		CHECK_EQ(l.line, 9);
		CHECK_EQ(l.col, 5);
		CHECK(yaml_scalar_loc(n, t, sizeof(t) - 1, 2, &l)); /* 'b' after \t */
		CHECK_EQ(l.col, 18);
	}
	ctx_free(&c);
}

static void test_files(void)
{
	struct ctx c;

	load_file(&c, data_dir, "does-not-exist.yaml");
	CHECK_EQ(c.rc, -1);
	CHECK(find(&c, DIAG_FILE_READ, 0) && strstr(find(&c, DIAG_FILE_READ, 0)->msg,
						      "No such file"));
	ctx_free(&c);
	load_file(&c, data_dir, ".");
	CHECK_EQ(c.rc, -1);
	CHECK_EQ(count(&c, DIAG_FILE_READ), 1);
	ctx_free(&c);
}

static void test_big(void)
{
	struct ctx c;
	struct strbuf b = { 0 };
	clock_t t0;
	double secs;

	while (b.len < 10u << 20) {
		sb_printf(&b, "- list: l%zu\n  items: [a, b, \"c d\", 'e']\n", b.len);
		sb_printf(&b, "- macro: m%zu\n  condition: >\n    evt.type = open and\n"
			      "    proc.name in (l%zu)\n",
			  b.len, b.len);
	}
	t0 = clock();
	load_text(&c, sb_str(&b), b.len);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK_EQ(c.rc, 0);
	CHECK_EQ(c.d.nerrors, 0);
	CHECK(c.items.n > 100000);
	printf("    10 MB file: %zu items in %.2f s\n", c.items.n, secs);
	CHECK(secs < 30.0); /* generous: sanitizer builds are slow */
	ctx_free(&c);
	sb_free(&b);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		corpus_dir = argv[1];
	if (argc > 2) {
		snprintf(data_dir, sizeof(data_dir), "%s", argv[2]);
	} else {
		const char *slash = strrchr(__FILE__, '/');
		int n = slash ? (int)(slash - __FILE__) : 1;
		snprintf(data_dir, sizeof(data_dir), "%.*s/../data/yaml", n,
			 slash ? __FILE__ : ".");
	}

	test_corpus();
	test_syntax_error();
	test_keys();
	test_priorities();
	test_new_rule_missing();
	test_override();
	test_exceptions();
	test_dup_key();
	test_bad_bytes();
	test_empty();
	test_shapes();
	test_depth();
	test_aliases_and_tags();
	test_versions();
	test_scalar_loc();
	test_files();
	test_big();

	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
