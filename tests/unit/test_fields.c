// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the field and event-name tables (compiler/fields.c).
 *
 * Usage: test_fields [rules.yaml ...]
 *
 * With rules files as arguments, every field token in their condition:
 * and output: blocks must resolve and have a valid argument; the scan is
 * a line-based approximation of YAML that is good enough for the
 * upstream files (see scan_rules_file()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#include "fields.h"

#define CHECK_MSG(cond, ...)                                                                       \
	do {                                                                                       \
		if (cond) {                                                                        \
			npass++;                                                                  \
		} else {                                                                           \
			nfail++;                                                                  \
			printf("%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);            \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

static const struct field_info *F(const char *name)
{
	const char *arg;
	const struct field_info *f = fields_lookup(name, &arg);

	if (!f || arg)
		printf("%s:%d: no plain field %s\n", __FILE__, __LINE__, name);
	return f;
}

static bool op_ok(const char *field, enum ast_op op)
{
	const char *why = NULL;
	bool ok = fields_op_ok(F(field), op, &why);

	/* Every refusal must explain itself. */
	if (!ok && !why)
		printf("%s:%d: no reason for %s\n", __FILE__, __LINE__, field);
	return ok;
}

static bool val_ok(const char *field, const char *v)
{
	const char *why = NULL;
	bool ok = fields_check_value(F(field), v, &why);

	if (!ok && !why)
		printf("%s:%d: no reason for %s %s\n", __FILE__, __LINE__, field, v);
	return ok;
}

static bool arg_ok(const char *field, const char *arg)
{
	const char *why = NULL;
	bool ok = fields_check_arg(F(field), arg, false, &why);

	if (!ok && !why)
		printf("%s:%d: no reason for %s[%s]\n", __FILE__, __LINE__, field, arg);
	return ok;
}

/* Resolve a name with a dotted argument and check that argument. */
static bool dotted_ok(const char *name, const char *want_field, const char *want_arg)
{
	const char *arg, *why = NULL;
	const struct field_info *f = fields_lookup(name, &arg);

	if (!f || strcmp(f->name, want_field) != 0 || !arg || strcmp(arg, want_arg) != 0)
		return false;
	return fields_check_arg(f, arg, true, &why);
}

static void test_table(void)
{
	size_t n = fields_count();

	CHECK(n > 250);
	CHECK(fields_at(n) == NULL);
	for (size_t i = 0; i < n; i++) {
		const struct field_info *f = fields_at(i);
		const char *arg;

		/* Every entry is reachable by its own name, and indexes
		 * round-trip. */
		CHECK_MSG(fields_lookup(f->name, &arg) == f && arg == NULL, "%s", f->name);
		CHECK(fields_index(f) == (int)i);
		CHECK(strcmp(fields_type_name(f->type), "?") != 0);
		CHECK(f->plugin == (f->source != SRC_SINSP));
	}
	CHECK(strcmp(fields_type_name(FT_CHARBUF), "CHARBUF") == 0);
	CHECK(strcmp(fields_type_name(FT_IPNET), "IPNET") == 0);
	CHECK(fields_type_is_numeric(FT_PORT));
	CHECK(fields_type_is_numeric(FT_INT64));
	CHECK(fields_type_is_numeric(FT_RELTIME));
	CHECK(!fields_type_is_numeric(FT_CHARBUF));
	CHECK(!fields_type_is_numeric(FT_BOOL));
	CHECK(!fields_type_is_numeric(FT_IPADDR));
}

static void test_lookup(void)
{
	const char *arg = "x";
	const struct field_info *f;

	f = fields_lookup("proc.name", &arg);
	CHECK(f && strcmp(f->name, "proc.name") == 0 && arg == NULL);
	CHECK(f && f->type == FT_CHARBUF && !f->plugin);
	CHECK(f && strcmp(f->fclass, "process") == 0);
	f = fields_lookup("fd.sport", NULL);
	CHECK(f && f->type == FT_PORT);
	f = fields_lookup("container.id", NULL);
	CHECK(f && f->plugin && f->source == SRC_CONTAINER);
	f = fields_lookup("container.privileged", NULL);
	CHECK(f && f->type == FT_BOOL);
	/* evt.args is a field of its own, not evt.arg with arg "s". */
	f = fields_lookup("evt.args", &arg);
	CHECK(f && strcmp(f->name, "evt.args") == 0 && arg == NULL);
	f = fields_lookup("evt.type", &arg);
	CHECK(f && strcmp(f->name, "evt.type") == 0 && arg == NULL);

	/* Dotted arguments. */
	CHECK(dotted_ok("evt.arg.flags", "evt.arg", "flags"));
	CHECK(dotted_ok("evt.arg.path", "evt.arg", "path"));
	CHECK(dotted_ok("evt.rawarg.res", "evt.rawarg", "res"));
	CHECK(dotted_ok("evt.type.is.open", "evt.type.is", "open"));
	CHECK(dotted_ok("evt.type.is.3", "evt.type.is", "3"));
	CHECK(dotted_ok("evt.abspath.dst", "evt.abspath", "dst"));
	CHECK(dotted_ok("thread.cgroup.cpuacct", "thread.cgroup", "cpuacct"));
	/* Resolved, but the parameter does not exist. */
	CHECK(!dotted_ok("evt.arg.nosuchparam", "evt.arg", "nosuchparam"));
	CHECK(!dotted_ok("evt.abspath.foo", "evt.abspath", "foo"));
	f = fields_lookup("evt.arg.a.b", &arg);
	CHECK(f && strcmp(f->name, "evt.arg") == 0 && arg && strcmp(arg, "a.b") == 0);

	/* Index-only and plugin fields never take dotted arguments. */
	CHECK(fields_lookup("proc.aname.2", &arg) == NULL && arg == NULL);
	CHECK(fields_lookup("k8s.pod.label.app", &arg) == NULL);
	CHECK(fields_lookup("container.label.foo", &arg) == NULL);
	CHECK(fields_lookup("evt.arg.", &arg) == NULL);

	/* Unknown. */
	CHECK(fields_lookup("proc.nme", &arg) == NULL && arg == NULL);
	CHECK(fields_lookup("proc", &arg) == NULL);
	CHECK(fields_lookup("", &arg) == NULL);
	CHECK(fields_lookup("proc.namex", &arg) == NULL);
}

static void test_suggest(void)
{
	const char *s;

	s = fields_suggest("proc.nme");
	CHECK(s && strcmp(s, "proc.name") == 0);
	s = fields_suggest("fd.nam");
	CHECK(s && strcmp(s, "fd.name") == 0);
	s = fields_suggest("proc.cmdlin");
	CHECK(s && strcmp(s, "proc.cmdline") == 0);
	s = fields_suggest("PROC.NAME");
	CHECK(s && strcmp(s, "proc.name") == 0);
	s = fields_suggest("porc.name"); /* transposition */
	CHECK(s && strcmp(s, "proc.name") == 0);
	s = fields_suggest("container.image.repositroy");
	CHECK(s && strcmp(s, "container.image.repository") == 0);
	s = fields_suggest("k8s.pod.label.app");
	CHECK(s && strcmp(s, "k8s.pod.label") == 0);
	CHECK(fields_suggest("totally.unrelated.thing") == NULL);
	CHECK(fields_suggest("x.y") == NULL);
	CHECK(fields_suggest("") == NULL);
}

static void test_args(void)
{
	const char *why;

	CHECK(arg_ok("proc.aname", "2"));
	CHECK(arg_ok("proc.aname", NULL));
	CHECK(arg_ok("proc.aname", "0"));
	CHECK(!arg_ok("proc.aname", "x"));
	CHECK(!arg_ok("proc.aname", "-1"));
	CHECK(!arg_ok("proc.aname", ""));
	CHECK(arg_ok("proc.aexepath", "2"));
	CHECK(!arg_ok("proc.name", "1"));
	CHECK(arg_ok("proc.name", NULL));
	CHECK(arg_ok("proc.env", "HOME"));
	CHECK(arg_ok("container.mount.dest", "/var/run/docker.sock"));
	CHECK(arg_ok("container.mount.dest", "/proc*"));
	CHECK(arg_ok("container.mount.dest", "3"));
	CHECK(!arg_ok("container.mount.dest", NULL));
	CHECK(arg_ok("k8s.pod.label", "app"));
	CHECK(!arg_ok("k8s.pod.label", NULL));
	CHECK(arg_ok("evt.arg", "0"));
	CHECK(!arg_ok("evt.arg", "flags")); /* evt.arg[flags]: index only */
	CHECK(!arg_ok("evt.arg", NULL));
	CHECK(!arg_ok("evt.rawarg", "0")); /* refused upstream */
	CHECK(!arg_ok("evt.type.is", "open")); /* dotted only */
	CHECK(arg_ok("evt.abspath", NULL));
	CHECK(!arg_ok("thread.cgroup", NULL));
	/* A dotted argument handed to a bracket-argument field. */
	CHECK(!fields_check_arg(F("proc.aname"), "2", true, &why) && why);
	CHECK(fields_check_arg(F("proc.aname"), "2", false, NULL));
}

static void test_ops(void)
{
	CHECK(!op_ok("proc.name", OP_BCONTAINS));
	CHECK(!op_ok("proc.name", OP_BSTARTSWITH));
	CHECK(op_ok("proc.name", OP_CONTAINS));
	CHECK(op_ok("proc.name", OP_REGEX));
	CHECK(op_ok("proc.name", OP_PMATCH));
	CHECK(op_ok("proc.name", OP_GLOB));
	CHECK(op_ok("proc.name", OP_LT)); /* strings compare lexically */
	CHECK(op_ok("proc.name", OP_EQEQ));
	CHECK(op_ok("evt.buffer", OP_BCONTAINS));
	CHECK(op_ok("evt.buffer", OP_BSTARTSWITH));
	CHECK(op_ok("evt.buffer", OP_CONTAINS));
	CHECK(!op_ok("evt.buffer", OP_ICONTAINS));
	CHECK(!op_ok("evt.buffer", OP_GLOB));
	CHECK(!op_ok("evt.buffer", OP_LT));
	CHECK(op_ok("fd.sport", OP_LT));
	CHECK(op_ok("fd.sport", OP_IN));
	CHECK(!op_ok("fd.sport", OP_CONTAINS));
	CHECK(!op_ok("fd.sport", OP_PMATCH));
	CHECK(op_ok("fd.net", OP_EQ));
	CHECK(op_ok("fd.net", OP_IN));
	CHECK(!op_ok("fd.net", OP_CONTAINS));
	CHECK(!op_ok("fd.sip", OP_STARTSWITH));
	CHECK(!op_ok("fd.sip", OP_LT));
	CHECK(op_ok("proc.pid", OP_IN));
	CHECK(op_ok("proc.pid", OP_GE));
	CHECK(op_ok("proc.pid", OP_EXISTS));
	CHECK(!op_ok("proc.pid", OP_STARTSWITH));
	CHECK(op_ok("evt.is_open_read", OP_EQ));
	CHECK(op_ok("evt.is_open_read", OP_NE));
	CHECK(!op_ok("evt.is_open_read", OP_LT));
	CHECK(!op_ok("evt.is_open_read", OP_CONTAINS));
	CHECK(op_ok("container.privileged", OP_EQ));
	/* EPF_IS_LIST: fd.types. */
	CHECK(op_ok("fd.types", OP_IN));
	CHECK(op_ok("fd.types", OP_INTERSECTS));
	CHECK(op_ok("fd.types", OP_EXISTS));
	CHECK(!op_ok("fd.types", OP_EQ));
	CHECK(!op_ok("fd.types", OP_CONTAINS));
	/* evt.rawarg's type is only known per event. */
	CHECK(op_ok("evt.rawarg", OP_LT));
	CHECK(op_ok("evt.rawarg", OP_CONTAINS));
}

static void test_values(void)
{
	CHECK(val_ok("proc.name", "anything at all"));
	CHECK(val_ok("proc.name", ""));
	CHECK(val_ok("proc.pid", "123"));
	CHECK(val_ok("proc.pid", "-1"));
	CHECK(val_ok("proc.pid", "+7"));
	CHECK(val_ok("proc.pid", "0x1F"));
	CHECK(!val_ok("proc.pid", "12a"));
	CHECK(!val_ok("proc.pid", "abc"));
	CHECK(!val_ok("proc.pid", ""));
	CHECK(!val_ok("proc.pid", "0x"));
	CHECK(!val_ok("proc.pid", "99999999999999999999"));
	CHECK(val_ok("evt.rawres", "-9223372036854775808"));
	CHECK(!val_ok("evt.rawres", "9223372036854775808"));
	CHECK(val_ok("user.uid", "0"));
	CHECK(val_ok("user.uid", "4294967295"));
	CHECK(!val_ok("user.uid", "4294967296"));
	CHECK(!val_ok("user.uid", "-1"));
	CHECK(val_ok("evt.cpu", "-3")); /* int16 */
	CHECK(!val_ok("evt.cpu", "40000"));
	CHECK(val_ok("fd.sport", "443"));
	CHECK(val_ok("fd.sport", "http"));
	CHECK(val_ok("fd.sport", ""));
	CHECK(!val_ok("fd.sport", "70000"));
	CHECK(!val_ok("fd.sport", "a b"));
	CHECK(val_ok("evt.is_open_read", "true"));
	CHECK(val_ok("evt.is_open_read", "false"));
	CHECK(!val_ok("evt.is_open_read", "TRUE"));
	CHECK(!val_ok("evt.is_open_read", "1"));
	CHECK(!val_ok("evt.is_open_read", "yes"));
	CHECK(val_ok("fd.sip", "10.0.0.1"));
	CHECK(val_ok("fd.sip", "::1"));
	CHECK(val_ok("fd.sip", "fe80::1"));
	CHECK(!val_ok("fd.sip", "10.0.0.256"));
	CHECK(!val_ok("fd.sip", "10.0.0.0/8"));
	CHECK(!val_ok("fd.sip", "localhost"));
	CHECK(val_ok("fd.net", "10.0.0.0/8"));
	CHECK(val_ok("fd.net", "192.168.0.0/16"));
	CHECK(val_ok("fd.net", "fd00::/8"));
	CHECK(val_ok("fd.net", "2001:db8::1")); /* lenient for IPv6 */
	CHECK(!val_ok("fd.net", "10.0.0.0/33"));
	CHECK(!val_ok("fd.net", "10.0.0.0"));
	CHECK(!val_ok("fd.net", "10.0.0.0/x"));
	CHECK(!val_ok("fd.net", "/8"));
	CHECK(val_ok("proc.fdusage", "0.5"));
	CHECK(!val_ok("proc.fdusage", "half"));
	CHECK(val_ok("evt.type", "open"));
	CHECK(val_ok("evt.type", "mprotect")); /* generic syscall */
	CHECK(!val_ok("evt.type", "opne"));
	CHECK(val_ok("evt.rawarg", "whatever"));
}

static void test_evtnames(void)
{
	size_t n = fields_evtname_count();
	int i;

	CHECK(n > 300);
	CHECK(fields_evtname(n) == NULL);
	for (const char *const *p =
		     (const char *const[]){ "open", "openat", "openat2", "execve", "execveat",
					    "connect", "accept4", "ptrace", "procexit", NULL };
	     *p; p++) {
		CHECK_MSG(fields_evtname_valid(*p), "%s", *p);
		i = fields_evtname_index(*p);
		CHECK(i >= 0 && strcmp(fields_evtname((size_t)i), *p) == 0);
	}
	CHECK(!fields_evtname_valid("bogus_evt"));
	CHECK(fields_evtname_index("bogus_evt") == -1);
	CHECK(!fields_evtname_valid("OPEN"));
	CHECK(!fields_evtname_valid(""));
	CHECK(!fields_evtname_valid("NA"));

	i = fields_evtname_index("open");
	CHECK(i >= 0 && fields_evtname_is_syscall((size_t)i));
	CHECK(i >= 0 && fields_evtname_category((size_t)i) == EC_FILE);
	i = fields_evtname_index("procexit");
	CHECK(i >= 0 && !fields_evtname_is_syscall((size_t)i));
	CHECK(i >= 0 && fields_evtname_kind((size_t)i) == EVK_TRACEPOINT);
	i = fields_evtname_index("container");
	CHECK(i >= 0 && fields_evtname_kind((size_t)i) == EVK_META);
	CHECK(!fields_evtname_is_syscall(n));

	/* Dense and unique: every index maps back to itself. */
	for (size_t k = 0; k < n; k++)
		CHECK_MSG(fields_evtname_index(fields_evtname(k)) == (int)k, "%s",
			  fields_evtname(k));

	CHECK(fields_evtparam_valid("flags"));
	CHECK(fields_evtparam_valid("fd"));
	CHECK(fields_evtparam_valid("res"));
	CHECK(!fields_evtparam_valid("nosuchparam"));
}

/* The evt.type values the upstream rules rely on (reference §d). */
static void test_corpus_evttypes(void)
{
	static const char *const used[] = {
		"execve",   "execveat", "open",      "openat",        "openat2",     "connect",
		"accept",   "accept4",  "listen",    "sendmsg",       "sendto",      "rename",
		"renameat", "renameat2", "rmdir",    "unlink",        "unlinkat",    "recvfrom",
		"chmod",    "creat",    "fchmod",    "fchmodat",      "ptrace",      "mkdir",
		"mkdirat",  "recvmsg",  "bpf",       "dup",           "dup2",        "dup3",
		"finit_module", "init_module", "link", "linkat",      "setns",       "setuid",
		"socket",   "symlink",  "symlinkat", "unshare",       "userfaultfd", "clone",
		"fork",     "vfork",    "clone3",    "mount",         "umount2",     "chown",
		"fchown",   "fchownat", "lchown",    "memfd_create",  "pipe",        "switch",
	};

	for (size_t k = 0; k < sizeof(used) / sizeof(used[0]); k++)
		CHECK_MSG(fields_evtname_valid(used[k]), "%s", used[k]);
}

/* ---- corpus scan ----------------------------------------------------- */

static const char *const classes[] = { "evt",   "proc",      "thread", "fd",  "fdlist",
				       "fs",    "user",      "group",  "util", "syscall",
				       "container", "k8s", NULL };

static bool known_class(const char *tok, size_t n)
{
	for (const char *const *c = classes; *c; c++) {
		size_t l = strlen(*c);

		if (l < n && strncmp(tok, *c, l) == 0 && tok[l] == '.')
			return true;
	}
	return false;
}

static int corpus_tokens, corpus_bad;
static char tokbuf[4096][96];
static int ntok;

static void check_token(const char *file, int line, const char *name, const char *barg,
			bool output)
{
	const char *darg, *why = NULL;
	const struct field_info *f = fields_lookup(name, &darg);

	corpus_tokens++;
	if (ntok < 4096 && strlen(name) < sizeof(tokbuf[0]))
		strcpy(tokbuf[ntok++], name);
	/* Falco replaces the deprecated %container.info by "" itself. */
	if (!f && output && strcmp(name, "container.info") == 0)
		return;
	if (!f) {
		corpus_bad++;
		nfail++;
		printf("%s:%d: unknown field %s (did you mean %s?)\n", file, line, name,
		       fields_suggest(name) ? fields_suggest(name) : "-");
		return;
	}
	npass++;
	if (barg && darg) {
		nfail++;
		printf("%s:%d: %s has two arguments\n", file, line, name);
		return;
	}
	if (!fields_check_arg(f, barg ? barg : darg, darg != NULL, &why)) {
		corpus_bad++;
		nfail++;
		printf("%s:%d: %s: %s\n", file, line, name, why);
		return;
	}
	npass++;
}

/* Tokenize one condition (output=false) or output (true) block. */
static void scan_text(const char *file, int line, const char *s, bool output)
{
	char quote = 0;

	for (const char *p = s; *p; p++) {
		char name[256], arg[256];
		const char *q;
		size_t n;
		bool has_arg = false;

		if (!output) {
			if (quote) {
				if (*p == quote && p[-1] != '\\')
					quote = 0;
				continue;
			}
			if (*p == '"' || *p == '\'') {
				quote = *p;
				continue;
			}
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
				continue;
			/* Only at a token start: not inside a word, path or value. */
			if (p > s && (strchr("_./-%*", p[-1]) || (p[-1] >= '0' && p[-1] <= '9') ||
				      (p[-1] >= 'a' && p[-1] <= 'z') ||
				      (p[-1] >= 'A' && p[-1] <= 'Z')))
				continue;
			q = p;
		} else {
			if (*p != '%')
				continue;
			q = p + 1;
		}
		n = 0;
		while (n < sizeof(name) - 1 &&
		       ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= 'A' && q[n] <= 'Z') ||
			(q[n] >= '0' && q[n] <= '9') || q[n] == '_' || q[n] == '.'))
			n++;
		/* A trailing '.' is punctuation, not part of the name. */
		while (n > 0 && q[n - 1] == '.')
			n--;
		if (!memchr(q, '.', n) || !known_class(q, n)) {
			p = q + (n ? n - 1 : 0);
			continue;
		}
		memcpy(name, q, n);
		name[n] = '\0';
		q += n;
		if (*q == '[') {
			const char *e = strchr(q, ']');

			if (e && (size_t)(e - q - 1) < sizeof(arg)) {
				memcpy(arg, q + 1, (size_t)(e - q - 1));
				arg[e - q - 1] = '\0';
				has_arg = true;
				q = e + 1;
			}
		}
		/* k8s.gcr.io/kube-proxy is a value, not a field. */
		if (*q != '/')
			check_token(file, line, name, has_arg ? arg : NULL, output);
		p = q - 1;
	}
}

/*
 * Collect each "condition:" / "output:" value: the text after the key
 * plus every following line indented deeper than the key (folded and
 * plain multi-line scalars). Enough YAML for the upstream rules files.
 */
static void scan_rules_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[8192];
	static char block[1 << 16];
	size_t blen = 0;
	int key_indent = -1, key_line = 0, lineno = 0;
	bool in_block = false, is_output = false;

	if (!fp) {
		nfail++;
		printf("%s:%d: cannot open %s\n", __FILE__, __LINE__, path);
		return;
	}
	for (;;) {
		char *got = fgets(line, sizeof(line), fp);
		int ind = 0;
		char *t;

		if (got) {
			lineno++;
			while (line[ind] == ' ')
				ind++;
		}
		if (in_block && got && (line[ind] == '\n' || line[ind] == '\0' || ind > key_indent)) {
			size_t l = strlen(line + ind);

			if (blen + l + 2 < sizeof(block)) {
				memcpy(block + blen, line + ind, l);
				blen += l;
				block[blen] = '\0';
			}
			continue;
		}
		if (in_block) {
			scan_text(path, key_line, block, is_output);
			in_block = false;
		}
		if (!got)
			break;
		t = line + ind;
		if (t[0] == '-' && t[1] == ' ') {
			t += 2;
			while (*t == ' ')
				t++;
		}
		if (strncmp(t, "condition:", 10) == 0 || strncmp(t, "output:", 7) == 0) {
			is_output = t[0] == 'o';
			t = strchr(t, ':') + 1;
			key_indent = (int)(t - line) - (is_output ? 7 : 10);
			key_line = lineno;
			blen = 0;
			/* Skip a block-scalar indicator such as > or |. */
			while (*t == ' ')
				t++;
			if ((*t == '>' || *t == '|') && (t[1] == '\n' || t[1] == '-' || t[1] == '+'))
				t = strchr(t, '\n') ? strchr(t, '\n') : t + strlen(t);
			strncpy(block, t, sizeof(block) - 1);
			block[sizeof(block) - 1] = '\0';
			blen = strlen(block);
			in_block = true;
		}
	}
	fclose(fp);
}

static void test_corpus(int argc, char **argv)
{
	struct timespec t0, t1;
	double us;
	int resolved = 0;

	for (int i = 1; i < argc; i++) {
		int before = corpus_tokens;

		scan_rules_file(argv[i]);
		printf("%s: %d field tokens, %d bad so far\n", argv[i], corpus_tokens - before,
		       corpus_bad);
		/* The scan found the fields at all (guards the scanner). */
		CHECK_MSG(corpus_tokens - before > 100, "%s", argv[i]);
	}
	if (ntok == 0)
		return;

	/* Lookup speed: a lint resolves a few thousand tokens. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < 100; r++)
		for (int i = 0; i < ntok; i++)
			resolved += fields_lookup(tokbuf[i], NULL) != NULL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
	printf("lookup: %d lookups in %.0f us (%.3f us each)\n", 100 * ntok, us,
	       us / (100.0 * ntok));
	CHECK(resolved > 0);
	/* Generous even under sanitizers: 20 ms budget for a whole lint. */
	CHECK(us / 100.0 < 20000.0);
}

int main(int argc, char **argv)
{
	test_table();
	test_lookup();
	test_suggest();
	test_args();
	test_ops();
	test_values();
	test_evtnames();
	test_corpus_evttypes();
	test_corpus(argc, argv);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
