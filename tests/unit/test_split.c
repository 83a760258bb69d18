// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for split.c: the simplification table, exactness under
 * `not`, field/operator support, sets and their deduplication, notes,
 * rule indices, macro DAGs, and a brute-force soundness property:
 *
 *   for random conditions over a few fields (some computed in the
 *   kernel, some not) and random field values (including <NA>, and
 *   kernel read failures), whenever a reference evaluator of the full
 *   condition (userspace semantics) says true, a reference three-valued
 *   evaluator of the kernel part does not say false; and when the
 *   kernel part is marked exact and evaluates to true or false, it
 *   agrees with the full condition.
 *
 * usage: test_split [SEED [ROUNDS]]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codegen.h"
#include "diag.h"
#include "ruleset.h"
#include "split.h"
#include "../../bpf-templates/falcoc_abi.h"

#include "check.h"

#define CHECK_STR(a, b)                                                                  \
	do {                                                                             \
		const char *a_ = (a), *b_ = (b);                                         \
		if ((!a_ && !b_) || (a_ && b_ && strcmp(a_, b_) == 0)) {                 \
			npass++;                                                         \
		} else {                                                                 \
			nfail++;                                                         \
			printf("%s:%d: %s:\n  got  '%s'\n  want '%s'\n", __FILE__, __LINE__, \
			       #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");             \
		}                                                                        \
	} while (0)

/* ---- harness ---- */

struct world {
	struct arena a;
	struct diag_ctx d;
	struct ruleset rs;
	struct split_result res;
	struct strbuf sb;
};

static void world_load(struct world *w, const char *yaml)
{
	arena_init(&w->a);
	diag_init(&w->d, &w->a);
	rs_init(&w->rs, &w->a, &w->d);
	rs_add_text(&w->rs, "t.yaml", yaml, strlen(yaml));
	rs_compile(&w->rs);
	split_ruleset(&w->a, &w->rs, &w->res);
	memset(&w->sb, 0, sizeof(w->sb));
}

static void world_free(struct world *w)
{
	sb_free(&w->sb);
	arena_free(&w->a);
}

static void add_rule(struct strbuf *y, const char *name, const char *cond)
{
	sb_printf(y,
		  "- rule: %s\n  desc: d\n  condition: >-\n    %s\n  output: o\n"
		  "  priority: WARNING\n",
		  name, cond);
}

static const struct split_rule *find(const struct world *w, const char *name)
{
	for (size_t i = 0; i < w->res.rules.n; i++) {
		const struct split_rule *sr = w->res.rules.v[i];
		if (!strcmp(sr->rule->name, name))
			return sr;
	}
	return NULL;
}

static const char *kstr(struct world *w, const struct kexpr *k)
{
	w->sb.len = 0;
	split_print(&w->sb, k);
	return sb_str(&w->sb);
}

/* The kernel part of one condition, printed; *exact, *notes if wanted. */
static char *split1(const char *cond, bool *exact, char *notes, size_t notes_len)
{
	struct world w;
	struct strbuf y = { 0 };

	add_rule(&y, "r", cond);
	world_load(&w, sb_str(&y));
	sb_free(&y);
	const struct split_rule *sr = find(&w, "r");
	char *out;
	if (!sr || w.d.nerrors) {
		printf("condition did not compile: %s\n", cond);
		out = strdup("(error)");
	} else {
		out = strdup(kstr(&w, sr->kernel));
		if (exact)
			*exact = sr->kernel->exact;
		if (notes) {
			notes[0] = 0;
			for (size_t i = 0; i < sr->notes.n; i++) {
				const struct split_note *n = sr->notes.v[i];
				size_t l = strlen(notes);
				snprintf(notes + l, notes_len - l, "%s%s", l ? "\n" : "", n->why);
			}
		}
	}
	world_free(&w);
	return out;
}

static void expect(const char *cond, const char *want)
{
	char *got = split1(cond, NULL, NULL, 0);
	if (strcmp(got, want)) {
		nfail++;
		printf("split(%s):\n  got  '%s'\n  want '%s'\n", cond, got, want);
	} else {
		npass++;
	}
	free(got);
}

static void expect_exact(const char *cond, const char *want, bool want_exact)
{
	bool exact = !want_exact;
	char *got = split1(cond, &exact, NULL, 0);
	if (strcmp(got, want) || exact != want_exact) {
		nfail++;
		printf("split(%s):\n  got  '%s' exact=%d\n  want '%s' exact=%d\n", cond, got, exact,
		       want, want_exact);
	} else {
		npass++;
	}
	free(got);
}

static void expect_note(const char *cond, const char *want, const char *note_part)
{
	char notes[4096];
	char *got = split1(cond, NULL, notes, sizeof(notes));
	CHECK_STR(got, want);
	if (!strstr(notes, note_part)) {
		nfail++;
		printf("split(%s): notes lack '%s':\n%s\n", cond, note_part, notes);
	} else {
		npass++;
	}
	free(got);
}

/* ---- table tests ---- */

static void test_simplify(void)
{
	/* and(x, MAYBE) = x, inexact */
	expect_exact("proc.name = a and fd.num = 1", "proc.name = a", false);
	/* or(x, MAYBE) = MAYBE */
	expect_exact("proc.name = a or fd.num = 1", "maybe", false);
	/* not(MAYBE) = MAYBE */
	expect("not fd.num = 1", "maybe");
	/* evt.dir: exit events only */
	expect_exact("evt.dir = <", "true", true);
	expect_exact("evt.dir = >", "false", true);
	expect_exact("evt.dir != >", "true", true);
	expect_exact("evt.dir = < and proc.name = a", "proc.name = a", true);
	expect_exact("evt.dir = > and proc.name = a", "false", true);
	expect_exact("evt.dir = > and fd.num = 1", "false", true);
	expect_exact("evt.dir = < or fd.num = 1", "true", true);
	expect_exact("evt.dir = > or proc.name = a", "proc.name = a", true);
	expect_exact("not evt.dir = >", "true", true);
	expect_exact("not evt.dir = <", "false", true);
	/* and(TRUE, MAYBE) is MAYBE, never an inexact TRUE */
	expect_exact("evt.dir = < and fd.num = 1", "maybe", false);
	/* double negation */
	expect_exact("not not proc.name = a", "proc.name = a", true);
	expect_exact("not proc.name != a", "proc.name = a", true);
	expect_exact("proc.name != a", "not proc.name = a", true);
	/* flattening */
	expect("proc.name = a and (user.uid = 0 and (proc.pname = b and fd.num = 1))",
	       "proc.name = a and user.uid = 0 and proc.pname = b");
	expect("proc.name = a or (user.uid = 0 or proc.pname = b)",
	       "proc.name = a or user.uid = 0 or proc.pname = b");
	expect("(proc.name = a or user.uid = 0) and proc.pname = b",
	       "(proc.name = a or user.uid = 0) and proc.pname = b");
	/* empty list */
	expect_exact("proc.name in ()", "false", true);
	expect_exact("not proc.name in ()", "true", true);
	expect("user.uid in ()", "false");
}

static void test_exactness(void)
{
	/* the brief's example: never `not proc.name = a` */
	expect_exact("not (proc.name = a and fd.sip = ::1)", "maybe", false);
	expect_exact("not (proc.name = a and fd.num = 1)", "maybe", false);
	expect_exact("not (proc.name = a and proc.cmdline contains x) and user.uid = 0",
		     "user.uid = 0", false);
	/* exact subtrees may be negated */
	expect_exact("not (proc.name = a and user.uid = 0)", "not (proc.name = a and user.uid = 0)",
		     true);
	expect_exact("not (proc.name = a or user.uid = 0)", "not (proc.name = a or user.uid = 0)",
		     true);
	/* and(x, TRUE) keeps x exact: negation allowed */
	expect_exact("not (proc.name = a and (fd.num = 1 or evt.dir = <))", "not proc.name = a",
		     true);
	/* or of an inexact part stays inexact */
	expect_exact("not ((proc.name = a and fd.num = 1) or user.uid = 0)", "maybe", false);
	/* nested: inexact inside exact-looking shapes */
	expect_exact("not not (proc.name = a and fd.num = 1)", "maybe", false);
	expect_exact("not (not (proc.name = a and fd.num = 1) and user.uid = 0)", "maybe", false);
	/* and(FALSE, anything) is exact false, whatever else is inside */
	expect_exact("not (proc.name in () and fd.num = 1)", "true", true);
	expect("not proc.name in () and fd.num = 1", "maybe");
}

static void test_support(void)
{
	expect("user.uid in (0)", "user.uid = 0");
	expect("user.uid in (3, 1, 2)", "user.uid in (3, 1, 2)");
	expect("evt.rawres >= 0", "evt.rawres >= 0");
	expect("evt.rawres in (0, 1, 2)", "evt.rawres in (0, 1, 2)");
	expect("proc.pid != 1", "proc.pid != 1");
	expect("fd.sip = 1.2.3.4", "fd.sip = 1.2.3.4");
	expect("fd.sip in (10.0.0.1, 192.168.1.255)", "fd.sip in (10.0.0.1, 192.168.1.255)");
	expect_note("fd.sip = ::1", "maybe", "IPv4 only");
	expect("fd.sport = 22", "fd.sport = 22");
	expect("evt.is_open_write = true", "evt.is_open_write = true");
	expect("evt.failed = false", "evt.failed = false");
	expect("proc.name in (b, a, b)", "proc.name in (a, b)");
	expect("proc.name in (a)", "proc.name = a");
	expect("proc.name = \"a b\"", "proc.name = \"a b\"");
	expect("fd.name startswith /etc/", "fd.name startswith /etc/");
	expect("fd.name endswith .conf", "fd.name endswith .conf");
	expect("fd.name contains ssh", "fd.name contains ssh");
	expect("fd.name icontains SSH", "fd.name icontains SSH");
	expect("fd.name glob /home/*/.ssh/*", "fd.name glob /home/*/.ssh/*");
	expect("fd.filename iglob *.PEM", "fd.filename iglob *.PEM");
	expect("fd.directory exists", "fd.directory exists");
	expect("proc.aname[2] = sshd", "proc.aname[2] = sshd");
	expect("proc.aname[4] startswith ss", "proc.aname[4] startswith ss");
	expect("proc.aname[0] = sshd", "proc.name = sshd");
	expect_note("proc.aname[5] = sshd", "maybe", "proc.aname[1..4]");
	expect_note("proc.aname = sshd", "maybe", "without an index");
	expect("evt.type = open", "evt.type = open");
	expect("evt.type in (openat, open)", "evt.type in (open, openat)");
	expect("evt.type != open", "not evt.type = open");
	expect("evt.res = ENOENT", "evt.res = ENOENT");
	expect("evt.res startswith E", "evt.res startswith E");
	expect_note("evt.res contains E", "maybe", "operator 'contains' is not supported");
	expect("fd.typechar = f", "fd.typechar = f");
	expect("fd.l4proto in (tcp, udp)", "fd.l4proto in (tcp, udp)");
	expect("container.id = host", "container.id = host");
	expect("evt.arg.flags contains O_TRUNC", "evt.arg.flags contains O_TRUNC");
	expect("evt.arg.request contains PTRACE_ATTACH", "evt.arg.request contains PTRACE_ATTACH");
	expect("evt.arg.target in (/etc/shadow, /etc/passwd)",
	       "evt.arg.target in (/etc/passwd, /etc/shadow)");
	expect("evt.rawarg.fd = 3", "evt.rawarg.fd = 3");
	expect_note("evt.arg.fd = 3", "maybe", "evt.rawarg.NAME");
	expect_note("evt.arg.flags = O_TRUNC", "maybe", "only 'contains FLAG'");
	expect_note("fd.num = 1", "maybe", "field 'fd.num' is not computed in the kernel");
	expect_note("tolower(proc.name) = a", "maybe", "transformer tolower()");
	expect_note("proc.name = val(proc.pname)", "maybe", "val()");
	expect_note("proc.name regex x", "maybe", "regex");
	expect_note("proc.name = oneof (a, b)", "maybe", "modifier");
	expect_note("fd.name pmatch (/etc)", "maybe", "pmatch");
	expect_note("user.uid = 0 and proc.cmdline contains x", "user.uid = 0",
		    "field 'proc.cmdline'");

	/* bounds */
	char cond[8192], needle[SPLIT_MAX_NEEDLE + 2];
	memset(needle, 'x', sizeof(needle) - 1);
	needle[sizeof(needle) - 1] = 0;
	snprintf(cond, sizeof(cond), "fd.name contains %s", needle);
	expect_note(cond, "maybe", "too long");
	needle[SPLIT_MAX_NEEDLE] = 0;
	snprintf(cond, sizeof(cond), "fd.name contains %s", needle);
	char want[256];
	snprintf(want, sizeof(want), "fd.name contains %s", needle);
	expect(cond, want);
	char *big = malloc(FC_PATH_MAX + 64);
	strcpy(big, "fd.name = /");
	memset(big + 11, 'p', FC_PATH_MAX);
	big[11 + FC_PATH_MAX] = 0;
	expect_note(big, "maybe", "longer than the kernel's limit");
	free(big);
	/* 65 numbers inline: too many */
	struct strbuf b = { 0 };
	sb_puts(&b, "user.uid in (");
	for (int i = 0; i <= SPLIT_MAX_INLINE; i++)
		sb_printf(&b, "%s%d", i ? ", " : "", i);
	sb_puts(&b, ")");
	expect_note(sb_str(&b), "maybe", "list too long");
	sb_free(&b);
}

static void test_sets(void)
{
	struct world w;
	struct strbuf y = { 0 };

	add_rule(&y, "r1", "proc.name in (b, a, b) and fd.name endswith .x");
	add_rule(&y, "r2", "proc.pname in (a, b)"); /* same strings: same set */
	add_rule(&y, "r3", "fd.name startswith a");
	add_rule(&y, "r4", "fd.name startswith a or fd.name endswith .x");
	add_rule(&y, "r5", "proc.name in (c, d) or fd.num = 1"); /* simplified away: no set */
	add_rule(&y, "r6", "proc.name in (a)"); /* one item: inline */
	add_rule(&y, "r7", "evt.type in (open, openat)"); /* enum-like: inline */
	world_load(&w, sb_str(&y));
	sb_free(&y);
	CHECK(w.d.nerrors == 0);
	CHECK(w.res.sets.n == 3);
	if (w.res.sets.n == 3) {
		const struct split_set *s0 = w.res.sets.v[0], *s1 = w.res.sets.v[1],
				       *s2 = w.res.sets.v[2];
		CHECK(s0->id == 0 && s0->match == KM_STR_IN && s0->nstrs == 2);
		CHECK_STR(s0->strs[0], "a");
		CHECK_STR(s0->strs[1], "b");
		CHECK(s0->max_len == 1);
		CHECK(s1->id == 1 && s1->match == KM_STR_SUFFIX && s1->nstrs == 1);
		CHECK_STR(s1->strs[0], ".x");
		CHECK(s2->id == 2 && s2->match == KM_STR_PREFIX && s2->nstrs == 1);
	}
	const struct split_rule *r1 = find(&w, "r1"), *r2 = find(&w, "r2"), *r4 = find(&w, "r4"),
				*r6 = find(&w, "r6"), *r7 = find(&w, "r7");
	CHECK(r1 && r2 && r4 && r6 && r7);
	if (r1 && r2 && r4 && r6 && r7) {
		CHECK(r1->kernel->kind == KX_AND && r1->kernel->kids[0]->set_id == 0 &&
		      r1->kernel->kids[1]->set_id == 1);
		CHECK(r2->kernel->kind == KX_CHECK && r2->kernel->set_id == 0);
		CHECK(r4->kernel->kind == KX_OR && r4->kernel->kids[0]->set_id == 2 &&
		      r4->kernel->kids[1]->set_id == 1);
		CHECK(r6->kernel->kind == KX_CHECK && r6->kernel->set_id == -1 &&
		      r6->kernel->match == KM_STR_EQ);
		CHECK(r7->kernel->kind == KX_CHECK && r7->kernel->set_id == -1 &&
		      r7->kernel->match == KM_STR_IN && r7->kernel->kfield == KF_EVT_TYPE);
	}
	world_free(&w);
}

static void test_indices_notes(void)
{
	struct world w;
	struct strbuf y = { 0 };

	sb_puts(&y, "- rule: a\n  desc: d\n  condition: proc.name = a and fd.num = 1\n"
		    "  output: o\n  priority: WARNING\n");
	sb_puts(&y, "- rule: skipped\n  desc: d\n  condition: proc.nosuchfield = 1\n  output: o\n"
		    "  priority: WARNING\n  skip-if-unknown-filter: true\n");
	sb_puts(&y, "- rule: off\n  desc: d\n  condition: proc.name = b\n  output: o\n"
		    "  priority: WARNING\n  enabled: false\n");
	add_rule(&y, "c", "user.uid = 0");
	world_load(&w, sb_str(&y));
	sb_free(&y);
	CHECK(w.d.nerrors == 0);
	CHECK(w.res.rules.n == 3);
	const struct split_rule *a = find(&w, "a"), *off = find(&w, "off"), *c = find(&w, "c");
	CHECK(a && a->index == 0);
	CHECK(off && off->index == 1 && !off->rule->enabled);
	CHECK(c && c->index == 2);
	CHECK(find(&w, "skipped") == NULL);
	if (a) {
		CHECK(a->notes.n == 1);
		const struct split_note *n = a->notes.n ? a->notes.v[0] : NULL;
		/* through rs_add_text the check's location is the condition
		 * scalar's (3:14); rs_add_file gives the exact column */
		CHECK(n && n->src && n->src->loc.line == 3 && n->src->loc.col >= 14);
		CHECK_STR(n ? n->why : NULL, "field 'fd.num' is not computed in the kernel");
	}
	world_free(&w);
}

/* Macro bodies are shared: the kexpr is built once per AST node, and a
 * chain that doubles at each level is cut to MAYBE, not expanded. */
static void test_dag(void)
{
	struct world w;
	struct strbuf y = { 0 };

	sb_puts(&y, "- macro: m0\n  condition: (proc.name = a or user.uid = 1)\n");
	for (int i = 1; i <= 40; i++)
		sb_printf(&y, "- macro: m%d\n  condition: (m%d and not m%d)\n", i, i - 1, i - 1);
	add_rule(&y, "small", "m2 and fd.num = 3");
	add_rule(&y, "huge", "m40 or proc.pname = x");
	add_rule(&y, "huge_and", "m40 and proc.pname = x");
	world_load(&w, sb_str(&y));
	sb_free(&y);
	CHECK(w.d.nerrors == 0);
	const struct split_rule *s = find(&w, "small"), *h = find(&w, "huge"),
				*ha = find(&w, "huge_and");
	CHECK(s && h && ha);
	if (s && h && ha) {
		CHECK_STR(kstr(&w, s->kernel),
			  "(proc.name = a or user.uid = 1) and not (proc.name = a or user.uid = 1) "
			  "and not ((proc.name = a or user.uid = 1) and not (proc.name = a or "
			  "user.uid = 1))");
		CHECK(s->kernel->kind == KX_AND && s->kernel->nkids == 3 && !s->kernel->exact);
		/* shared subtree: the same kexpr node */
		CHECK(s->kernel->kind == KX_AND && s->kernel->kids[1]->kind == KX_NOT &&
		      s->kernel->kids[0] == s->kernel->kids[1]->kids[0]);
		CHECK_STR(kstr(&w, h->kernel), "maybe");
		CHECK_STR(kstr(&w, ha->kernel), "proc.pname = x");
		bool too_large = false;
		for (size_t i = 0; i < h->notes.n; i++)
			too_large |= strstr(((struct split_note *)h->notes.v[i])->why, "too large") !=
				     NULL;
		CHECK(too_large);
	}
	world_free(&w);
}

/* ---- brute-force soundness ---- */

/* Field values of one synthetic event. NA: no value. */
enum { V_PROC_NAME, V_FD_NAME, V_UID, V_FD_NUM, V_CMDLINE, V_ANAME2, V__COUNT };

struct event {
	bool na[V__COUNT];
	bool kfail[V__COUNT]; /* the kernel failed to read it (MAYBE) */
	const char *s[V__COUNT];
	long long n[V__COUNT];
};

static const char *const str_dom[] = { "a", "ab", "b", "Ba", "/a/b", "" };
static const int nstr_dom = 6;
static const char *const glob_dom[] = { "a*", "*b", "?b", "*", "/a/*", "[ab]*" };

struct fdesc {
	const char *name;
	int slot;
	bool num;
};
static const struct fdesc fds[] = {
	{ "proc.name", V_PROC_NAME, false }, { "fd.name", V_FD_NAME, false },
	{ "user.uid", V_UID, true },         { "fd.num", V_FD_NUM, true },
	{ "proc.cmdline", V_CMDLINE, false }, { "proc.aname[2]", V_ANAME2, false },
	{ "evt.dir", -1, false },
};
static const int nfds = 7;

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng_state >> 33) % n);
}

static void put_val(struct strbuf *b, const char *s)
{
	if (*s)
		sb_puts(b, s);
	else
		sb_puts(b, "\"\"");
}

static void gen_check(struct strbuf *b)
{
	const struct fdesc *f = &fds[rnd(nfds)];

	if (f->slot < 0) {
		static const char *const d[] = { "evt.dir = <", "evt.dir = >", "evt.dir != <",
						 "evt.dir in (<, >)" };
		sb_puts(b, d[rnd(4)]);
		return;
	}
	if (f->num) {
		static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=" };
		unsigned k = rnd(9);
		if (k < 6) {
			sb_printf(b, "%s %s %u", f->name, ops[k], rnd(3));
		} else if (k < 8) {
			unsigned n = rnd(3);
			sb_printf(b, "%s in (", f->name);
			for (unsigned i = 0; i < n; i++)
				sb_printf(b, "%s%u", i ? ", " : "", rnd(3));
			sb_putc(b, ')');
		} else {
			sb_printf(b, "%s exists", f->name);
		}
		return;
	}
	unsigned k = rnd(12);
	const char *v = str_dom[rnd(nstr_dom)];
	static const char *const ops[] = { "=", "!=", "startswith", "endswith", "contains",
					   "icontains" };
	if (k < 6) {
		sb_printf(b, "%s %s ", f->name, ops[k]);
		put_val(b, v);
	} else if (k == 6) {
		unsigned n = rnd(4);
		sb_printf(b, "%s in (", f->name);
		for (unsigned i = 0; i < n; i++) {
			if (i)
				sb_puts(b, ", ");
			put_val(b, str_dom[rnd(nstr_dom)]);
		}
		sb_putc(b, ')');
	} else if (k == 7) {
		sb_printf(b, "%s %s %s", f->name, rnd(2) ? "glob" : "iglob", glob_dom[rnd(6)]);
	} else if (k == 8) {
		sb_printf(b, "%s exists", f->name);
	} else if (k == 9) {
		sb_printf(b, "%s regex a", f->name); /* never in the kernel */
	} else if (k == 10) {
		sb_printf(b, "tolower(%s) = ", f->name);
		put_val(b, v);
	} else {
		sb_printf(b, "%s = ", f->name);
		put_val(b, v);
	}
}

static void gen_cond(struct strbuf *b, int depth)
{
	unsigned k = depth <= 0 ? 0 : rnd(6);

	if (k <= 1) {
		gen_check(b);
	} else if (k == 2) {
		sb_puts(b, "not (");
		gen_cond(b, depth - 1);
		sb_putc(b, ')');
	} else {
		unsigned n = 2 + rnd(2);
		sb_putc(b, '(');
		for (unsigned i = 0; i < n; i++) {
			if (i)
				sb_puts(b, k <= 3 ? " and " : " or ");
			gen_cond(b, depth - 1);
		}
		sb_putc(b, ')');
	}
}

static int slot_of(const struct ast *field)
{
	char name[64];

	if (field->arg)
		snprintf(name, sizeof(name), "%s[%s]", field->name, field->arg);
	else
		snprintf(name, sizeof(name), "%s", field->name);
	for (int i = 0; i < nfds; i++)
		if (!strcmp(fds[i].name, name))
			return fds[i].slot;
	return -2;
}

static bool glob_match(const char *pat, const char *s, bool icase)
{
	return fnmatch(pat, s, icase ? FNM_CASEFOLD : 0) == 0;
}

static bool str_cmp_op(enum ast_op op, const char *v, const char *x)
{
	size_t lv = strlen(v), lx = strlen(x);

	switch (op) {
	case OP_EQ:
	case OP_EQEQ:
	case OP_IN: return !strcmp(v, x);
	case OP_NE: return strcmp(v, x) != 0;
	case OP_STARTSWITH: return !strncmp(v, x, lx);
	case OP_ENDSWITH: return lv >= lx && !strcmp(v + lv - lx, x);
	case OP_CONTAINS: return strstr(v, x) != NULL;
	case OP_ICONTAINS: return strcasestr(v, x) != NULL;
	case OP_GLOB: return glob_match(x, v, false);
	case OP_IGLOB: return glob_match(x, v, true);
	case OP_REGEX: return strstr(v, x) != NULL; /* "regex a": any 'a' */
	default: abort();
	}
}

static bool num_cmp_op(enum ast_op op, long long v, long long x)
{
	switch (op) {
	case OP_EQ:
	case OP_EQEQ:
	case OP_IN: return v == x;
	case OP_NE: return v != x;
	case OP_LT: return v < x;
	case OP_LE: return v <= x;
	case OP_GT: return v > x;
	case OP_GE: return v >= x;
	default: abort();
	}
}

/* Reference userspace evaluator of the full condition (libsinsp
 * semantics: any check on <NA> is false, `not` is plain negation). */
static bool ref_eval(const struct ast *n, const struct event *e)
{
	switch (n->kind) {
	case AST_AND:
		for (unsigned i = 0; i < n->nkids; i++)
			if (!ref_eval(n->kids[i], e))
				return false;
		return true;
	case AST_OR:
		for (unsigned i = 0; i < n->nkids; i++)
			if (ref_eval(n->kids[i], e))
				return true;
		return false;
	case AST_NOT: return !ref_eval(n->kids[0], e);
	default: break;
	}
	const struct ast *lhs = n->lhs;
	bool lower = lhs->kind == AST_TRANSFORMER;
	const struct ast *field = lower ? lhs->kids[0] : lhs;
	int slot = slot_of(field);
	if (slot == -2)
		abort();
	const char *sv = slot < 0 ? "<" : e->s[slot];
	bool isnum = slot >= 0 && (slot == V_UID || slot == V_FD_NUM);
	if (slot >= 0 && e->na[slot])
		return false;
	if (n->kind == AST_UNARY)
		return true; /* exists */
	char low[64];
	if (lower) {
		snprintf(low, sizeof(low), "%s", sv);
		for (char *p = low; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		sv = low;
	}
	const struct ast *r = n->rhs;
	unsigned nv = r->kind == AST_LIST ? r->nkids : 1;
	for (unsigned i = 0; i < nv; i++) {
		const char *x = r->kind == AST_LIST ? r->kids[i]->str : r->str;
		bool m = isnum ? num_cmp_op(n->op, e->n[slot], atoll(x)) : str_cmp_op(n->op, sv, x);
		if (m)
			return true;
	}
	return false;
}

enum tv { F = 0, T = 1, M = 2 };

static int kslot(const struct kexpr *k)
{
	switch (k->kfield) {
	case KF_PROC_NAME: return V_PROC_NAME;
	case KF_FD_NAME: return V_FD_NAME;
	case KF_USER_UID: return V_UID;
	case KF_PROC_ANAME: return k->arg && !strcmp(k->arg, "2") ? V_ANAME2 : -1;
	default: return -1;
	}
}

/* Reference kernel evaluator: three values; a field with no value or a
 * failed read is MAYBE for the check (codegen's contract). */
static enum tv k_eval(const struct kexpr *k, const struct event *e)
{
	switch (k->kind) {
	case KX_TRUE: return T;
	case KX_FALSE: return F;
	case KX_MAYBE: return M;
	case KX_NOT: {
		enum tv v = k_eval(k->kids[0], e);
		return v == M ? M : v == T ? F : T;
	}
	case KX_AND: {
		enum tv r = T;
		for (unsigned i = 0; i < k->nkids; i++) {
			enum tv v = k_eval(k->kids[i], e);
			if (v == F)
				return F;
			if (v == M)
				r = M;
		}
		return r;
	}
	case KX_OR: {
		enum tv r = F;
		for (unsigned i = 0; i < k->nkids; i++) {
			enum tv v = k_eval(k->kids[i], e);
			if (v == T)
				return T;
			if (v == M)
				r = M;
		}
		return r;
	}
	case KX_CHECK: break;
	}
	int slot = kslot(k);
	if (slot < 0) {
		printf("unexpected kernel field %s\n", k->field);
		nfail++;
		return M;
	}
	if (e->na[slot] || e->kfail[slot])
		return M;
	const char *v = e->s[slot];
	long long nv = e->n[slot];
	bool r = false;
	switch (k->match) {
	case KM_NUM_EQ: r = nv == k->nums[0]; break;
	case KM_NUM_NE: r = nv != k->nums[0]; break;
	case KM_NUM_LT: r = nv < k->nums[0]; break;
	case KM_NUM_LE: r = nv <= k->nums[0]; break;
	case KM_NUM_GT: r = nv > k->nums[0]; break;
	case KM_NUM_GE: r = nv >= k->nums[0]; break;
	case KM_NUM_IN:
		for (unsigned i = 0; i < k->nnums; i++)
			r |= nv == k->nums[i];
		break;
	case KM_STR_EQ: r = !strcmp(v, k->strs[0]); break;
	case KM_STR_IN:
		for (unsigned i = 0; i < k->nstrs; i++)
			r |= !strcmp(v, k->strs[i]);
		break;
	case KM_STR_PREFIX:
		for (unsigned i = 0; i < k->nstrs; i++)
			r |= !strncmp(v, k->strs[i], strlen(k->strs[i]));
		break;
	case KM_STR_SUFFIX:
		for (unsigned i = 0; i < k->nstrs; i++) {
			size_t lv = strlen(v), lx = strlen(k->strs[i]);
			r |= lv >= lx && !strcmp(v + lv - lx, k->strs[i]);
		}
		break;
	case KM_STR_CONTAINS:
		r = (k->icase ? strcasestr(v, k->strs[0]) : strstr(v, k->strs[0])) != NULL;
		break;
	case KM_STR_GLOB: r = glob_match(k->strs[0], v, k->icase); break;
	case KM_EXISTS: r = true; break;
	case KM_FLAGS_ANY:
		printf("unexpected flags check\n");
		nfail++;
		return M;
	}
	return r ? T : F;
}

static void random_event(struct event *e)
{
	for (int i = 0; i < V__COUNT; i++) {
		e->na[i] = rnd(5) == 0;
		e->kfail[i] = rnd(10) == 0;
		e->s[i] = str_dom[rnd(nstr_dom)];
		e->n[i] = rnd(3);
	}
}

static void test_soundness(unsigned long long seed, int rounds)
{
	const int per_round = 100, events = 300;
	unsigned long conds = 0, evals = 0, unsound = 0, inexact_bad = 0, filtered = 0,
		      cond_true = 0, maybe_root = 0, exact_roots = 0, failed = 0;

	rng_state = seed;
	for (int round = 0; round < rounds; round++) {
		struct strbuf y = { 0 }, c = { 0 };
		for (int i = 0; i < per_round; i++) {
			char name[32];
			c.len = 0;
			gen_cond(&c, 4);
			snprintf(name, sizeof(name), "r%d", i);
			add_rule(&y, name, sb_str(&c));
		}
		struct world w;
		world_load(&w, sb_str(&y));
		failed += per_round - w.res.rules.n;
		for (size_t i = 0; i < w.res.rules.n; i++) {
			const struct split_rule *sr = w.res.rules.v[i];
			conds++;
			maybe_root += sr->kernel->kind == KX_MAYBE;
			exact_roots += sr->kernel->exact;
			for (int j = 0; j < events; j++) {
				struct event e;
				random_event(&e);
				bool full = ref_eval(sr->rule->ast, &e);
				enum tv kv = k_eval(sr->kernel, &e);
				evals++;
				cond_true += full;
				filtered += kv == F;
				if (full && kv == F) {
					if (unsound++ < 5)
						printf("UNSOUND: %s\n  kernel: %s\n",
						       mtext_str(&sr->rule->cond),
						       kstr(&w, sr->kernel));
				}
				if (sr->kernel->exact && kv != M && (kv == T) != full) {
					if (inexact_bad++ < 5)
						printf("NOT EXACT: %s\n  kernel: %s\n",
						       mtext_str(&sr->rule->cond),
						       kstr(&w, sr->kernel));
				}
			}
		}
		world_free(&w);
		sb_free(&y);
		sb_free(&c);
	}
	printf("soundness: seed %llu, %lu conditions (%lu failed to compile), %lu evaluations: "
	       "%lu true, %lu filtered by the kernel part, %lu maybe-only roots, %lu exact roots; "
	       "%lu unsound, %lu exactness violations\n",
	       seed, conds, failed, evals, cond_true, filtered, maybe_root, exact_roots, unsound,
	       inexact_bad);
	CHECK(failed == 0);
	CHECK(unsound == 0);
	CHECK(inexact_bad == 0);
	CHECK(filtered > evals / 10); /* the test is not vacuous */
}

/* codegen's pair tests for contains (emit_pair_tests): exact pairs for
 * up to two literals needing one, the signature beyond (or when asked),
 * none gathered when every literal holds a pair the fast scan stops at.
 * Many distinct literals in signature mode once wrote past the exact
 * pairs' array (the ASan run of this test sees that). */
static void test_pair_tests(void)
{
	static const struct {
		const char *lits[6];
		int exact_pairs; /* cg_options.exact_pairs */
		const char *want_exact, *want_sig;
	} cases[] = {
		{ { "id_rsa", "/.ssh/" }, 0, "#define FC_PAIRS_EXACT 1\n", "#define FC_PAIRS_SIGNATURE 0\n" },
		{ { "/.ssh/", "/.aws/" }, 0, "#define FC_PAIRS_EXACT 0\n", "#define FC_PAIRS_SIGNATURE 0\n" },
		{ { "id_rsa", "shadow", "passwd" }, 0, "#define FC_PAIRS_EXACT 0\n",
		  "#define FC_PAIRS_SIGNATURE 1\n" },
		{ { "id_rsa", "passwd", "known", "vault", "token", "creds" }, -1,
		  "#define FC_PAIRS_EXACT 0\n", "#define FC_PAIRS_SIGNATURE 1\n" },
		/* six first pairs: more than the most (4) even when asked for 9 */
		{ { "id_rsa", "passwd", "known", "vault", "token", "creds" }, 9,
		  "#define FC_PAIRS_EXACT 0\n", "#define FC_PAIRS_SIGNATURE 1\n" },
		/* "sh", shadow's first pair, is in "bash": two literals, one pair */
		{ { "shadow", "bash" }, 0, "#define FC_PAIRS_EXACT 1\n", "#define FC_PAIRS_SIGNATURE 0\n" },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct world w;
		struct strbuf y = { 0 }, out = { 0 };
		for (int i = 0; i < 6 && cases[c].lits[i]; i++) {
			char name[16], cond[128];
			snprintf(name, sizeof(name), "p%d", i);
			snprintf(cond, sizeof(cond), "evt.type = openat and fd.name contains %s",
				 cases[c].lits[i]);
			add_rule(&y, name, cond);
		}
		world_load(&w, sb_str(&y));
		sb_free(&y);
		CHECK(w.d.nerrors == 0);
		struct cg_options o = { .kernel_filter = true, .exact_pairs = cases[c].exact_pairs };
		struct cg_result r;
		const char *err = NULL;
		CHECK(cg_generate(&w.a, &w.res, &o, &out, &r, &err) == 0);
		const char *src = sb_str(&out);
		if (!strstr(src, cases[c].want_exact) || !strstr(src, cases[c].want_sig))
			printf("pair tests, case %zu: want %s and %s\n", c, cases[c].want_exact,
			       cases[c].want_sig);
		CHECK(strstr(src, cases[c].want_exact) != NULL);
		CHECK(strstr(src, cases[c].want_sig) != NULL);
		sb_free(&out);
		world_free(&w);
	}
}

int main(int argc, char **argv)
{
	unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 20240611ull;
	int rounds = argc > 2 ? atoi(argv[2]) : 30;

	test_simplify();
	test_exactness();
	test_support();
	test_sets();
	test_indices_notes();
	test_dag();
	test_pair_tests();
	test_soundness(seed, rounds);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
