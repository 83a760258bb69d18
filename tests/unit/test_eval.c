// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for runtime/eval.c: every operator on every value type,
 * <NA> semantics, modifiers, transformers, val(), glob, pmatch, regex,
 * IP networks, memoisation and the per-event extraction cache.
 *
 * Linked with a FAKE extractor (below) instead of runtime/extract.c: a
 * table from field name (as written, with [arg]) to typed values. Fields
 * not in the table have no value (<NA>); proc.exepath plays a field the
 * runtime does not implement. Strings are copied into the caller's
 * scratch buffer on every extraction, as the real extractor may do, so
 * that a stale pointer shows up under ASan.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "eval.h"
#include "extract.h"
#include "fields.h"
#include "parse.h"

#include "check.h"

/* ---- fake extractor --------------------------------------------------- */

struct fake {
	char key[64];
	uint32_t n;
	struct rt_val v[8];
	unsigned extracts;
};

static struct fake fakes[64];
static int nfakes;

static void fake_reset(void)
{
	memset(fakes, 0, sizeof(fakes));
	nfakes = 0;
}

static enum ftype key_type(const char *key)
{
	char name[64];
	const char *dotted;

	snprintf(name, sizeof(name), "%s", key);
	char *b = strchr(name, '[');
	if (b)
		*b = '\0';
	const struct field_info *f = fields_lookup(name, &dotted);
	return f ? f->type : FT_CHARBUF;
}

static struct fake *fake_get(const char *key)
{
	for (int i = 0; i < nfakes; i++)
		if (!strcmp(fakes[i].key, key))
			return &fakes[i];
	struct fake *f = &fakes[nfakes++];
	snprintf(f->key, sizeof(f->key), "%s", key);
	return f;
}

static struct rt_val *fake_add(const char *key, enum ftype t)
{
	struct fake *f = fake_get(key);
	struct rt_val *v = &f->v[f->n++];

	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

static void fake_str(const char *key, const char *s)
{
	struct rt_val *v = fake_add(key, key_type(key));
	v->s = s;
	v->len = (uint32_t)strlen(s);
}

static void fake_buf(const char *key, const char *s, uint32_t len)
{
	struct rt_val *v = fake_add(key, FT_BYTEBUF);
	v->s = s;
	v->len = len;
}

static void fake_u(const char *key, uint64_t u)
{
	fake_add(key, key_type(key))->u = u;
}

static void fake_i(const char *key, int64_t i)
{
	fake_add(key, key_type(key))->i = i;
}

static void fake_typed_i(const char *key, enum ftype t, int64_t i)
{
	fake_add(key, t)->i = i;
}

static void fake_b(const char *key, bool b)
{
	fake_add(key, FT_BOOL)->b = b;
}

static void fake_d(const char *key, double d)
{
	fake_add(key, FT_DOUBLE)->d = d;
}

static void fake_ip(const char *key, const char *ip)
{
	struct rt_val *v = fake_add(key, key_type(key));
	v->v6 = strchr(ip, ':') != NULL;
	inet_pton(v->v6 ? AF_INET6 : AF_INET, ip, v->ip);
}

static unsigned fake_extracts(const char *key)
{
	for (int i = 0; i < nfakes; i++)
		if (!strcmp(fakes[i].key, key))
			return fakes[i].extracts;
	return 0;
}

bool rt_field_ref_init(struct arena *a, struct rt_field_ref *ref, const char *name,
		       const char *arg, const char **why)
{
	const char *dotted = NULL;
	const struct field_info *f = fields_lookup(name, &dotted);

	memset(ref, 0, sizeof(*ref));
	if (!f) {
		*why = "unknown field";
		return false;
	}
	if (!strcmp(f->name, "proc.exepath")) {
		*why = "not implemented (fake)";
		return false;
	}
	ref->f = f;
	ref->field_id = fields_index(f);
	ref->arg = dotted ? dotted : arg;
	ref->argi = -1;
	ref->impl = arg ? arena_printf(a, "%s[%s]", name, arg) : arena_strdup(a, name);
	return true;
}

uint32_t rt_extract(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
		    struct rt_vals *out, struct strbuf *scratch)
{
	size_t off[8];

	(void)st;
	(void)ev;
	out->n = 0;
	for (int i = 0; i < nfakes; i++) {
		struct fake *f = &fakes[i];
		if (strcmp(f->key, ref->impl))
			continue;
		f->extracts++;
		scratch->len = 0;
		for (uint32_t j = 0; j < f->n; j++) {
			out->v[j] = f->v[j];
			off[j] = scratch->len;
			if (f->v[j].s)
				sb_putn(scratch, f->v[j].s, f->v[j].len);
		}
		for (uint32_t j = 0; j < f->n; j++)
			if (f->v[j].s)
				out->v[j].s = scratch->s + off[j];
		out->n = f->n;
	}
	return out->n;
}

bool rt_render(struct rt_state *st, const struct rt_event *ev, const struct rt_field_ref *ref,
	       struct strbuf *out)
{
	struct rt_vals vals;
	struct strbuf sb = { 0 };
	char buf[64];

	if (!rt_extract(st, ev, ref, &vals, &sb)) {
		sb_free(&sb);
		return false;
	}
	for (uint32_t i = 0; i < vals.n; i++) {
		const struct rt_val *v = &vals.v[i];
		if (i)
			sb_putc(out, ',');
		switch (v->type) {
		case FT_INT64:
		case FT_INT32:
			sb_printf(out, "%lld", (long long)v->i);
			break;
		case FT_BOOL:
			sb_puts(out, v->b ? "true" : "false");
			break;
		case FT_IPADDR:
		case FT_IPNET:
			inet_ntop(v->v6 ? AF_INET6 : AF_INET, v->ip, buf, sizeof(buf));
			sb_puts(out, buf);
			break;
		case FT_CHARBUF:
		case FT_FSPATH:
		case FT_BYTEBUF:
			sb_putn(out, v->s, v->len);
			break;
		default:
			sb_printf(out, "%llu", (unsigned long long)v->u);
			break;
		}
	}
	sb_free(&sb);
	return true;
}

/* ---- harness ---------------------------------------------------------- */

static char lasterr[512];

/* The event conditions run on. evt.num and evt.rawres are read from it,
 * not through the extractor (eval.c reads them directly): tests of those
 * set it with set_event(). */
static struct rt_event test_ev = { .ts = 1, .num = 1 };
static uint8_t test_ev_buf[128];

/* A close exit event (first param res) numbered num, with result res. */
static void set_event(uint64_t num, int64_t res)
{
	const struct rt_evt_info *info = rt_evt_info(5); /* PPME_SYSCALL_CLOSE_X */
	struct rt_evt_hdr h = { .ts = 1, .tid = 1, .type = 5, .nparams = info->nparams };
	uint8_t *p = test_ev_buf + sizeof(h);
	const char *why;

	h.len = (uint32_t)(sizeof(h) + 2 * info->nparams + 8);
	memset(test_ev_buf, 0, sizeof(test_ev_buf));
	memcpy(test_ev_buf, &h, sizeof(h));
	p[0] = 8; /* param 0: 8 bytes, the others empty */
	memcpy(p + 2 * info->nparams, &res, 8);
	if (rt_event_decode(test_ev_buf, h.len, &test_ev, &why) != 0) {
		fprintf(stderr, "set_event: %s\n", why);
		exit(1);
	}
	test_ev.num = num;
}

/* 1 / 0: the condition's value; -1: compile error; -2: parse error. */
static int cond(const char *text)
{
	struct arena a;
	struct diag_ctx d;
	struct parse_src src = { .text = text, .len = strlen(text), .file = "<t>" };
	struct rt_cond_err err;
	int r;

	arena_init(&a);
	diag_init(&d, &a);
	lasterr[0] = '\0';
	struct ast *n = parse_condition(&a, &d, &src);
	if (!n) {
		snprintf(lasterr, sizeof(lasterr), "parse: %s", d.head ? d.head->msg : "?");
		arena_free(&a);
		return -2;
	}
	struct rt_cond_ctx *cx = rt_cond_ctx_new(&a);
	struct rt_cond *c = rt_cond_compile(cx, n, &err);
	if (!c) {
		snprintf(lasterr, sizeof(lasterr), "%u:%u: %s", err.loc.line, err.loc.col,
			 err.msg ? err.msg : "?");
		r = -1;
	} else {
		r = rt_cond_eval(c, NULL, &test_ev);
	}
	rt_cond_ctx_free(cx);
	arena_free(&a);
	return r;
}

static void expect(const char *file, int line, const char *text, int want)
{
	int got = cond(text);

	if (got == want) {
		npass++;
		return;
	}
	nfail++;
	printf("%s:%d: [%s] got %d, want %d %s\n", file, line, text, got, want, lasterr);
}

#define T(c) expect(__FILE__, __LINE__, (c), 1)
#define F(c) expect(__FILE__, __LINE__, (c), 0)
#define E(c) expect(__FILE__, __LINE__, (c), -1)

/* ---- tests ------------------------------------------------------------ */

static void test_strings(void)
{
	fake_reset();
	fake_str("proc.name", "bash");
	fake_str("fd.name", "/etc/passwd");

	T("proc.name = bash");
	T("proc.name == bash");
	F("proc.name = bas");
	F("proc.name = bashh");
	T("proc.name != sh");
	F("proc.name != bash");
	/* string ordering (the grammar allows only numbers and fields on the
	 * right of < <= > >=) */
	fake_str("proc.pname", "bz");
	fake_str("proc.cmdline", "bash");
	fake_str("proc.exe", "ba");
	T("proc.name < val(proc.pname)");
	T("proc.name <= val(proc.cmdline)");
	F("proc.name > val(proc.cmdline)");
	T("proc.name >= val(proc.cmdline)");
	T("proc.name > val(proc.exe)");
	F("proc.name < val(proc.exe)");
	T("proc.name contains as");
	T("proc.name contains \"\"");
	F("proc.name contains sa");
	T("proc.name icontains AS");
	F("proc.name icontains X");
	T("proc.name startswith ba");
	F("proc.name startswith as");
	T("proc.name endswith sh");
	F("proc.name endswith ba");
	T("proc.name in (sh, bash)");
	F("proc.name in (sh, zsh)");
	F("proc.name in ()");
	T("proc.name intersects (bash)");
	T("proc.name exists");
	T("proc.name regex \"ba.*\"");
	T("proc.name regex \"b(a|o)sh\"");
	F("proc.name regex as");  /* whole-value match */
	F("proc.name regex \"bas\"");
	E("proc.name regex \"(\"");
	/* bcontains is for buffers */
	E("proc.name bcontains 6261");
	/* large lists use a hash set */
	T("proc.name in (a1, a2, a3, a4, a5, a6, a7, a8, a9, bash, b1)");
	F("proc.name in (a1, a2, a3, a4, a5, a6, a7, a8, a9, bas, b1)");
	T("fd.name in (a1, a2, a3, a4, a5, a6, a7, a8, a9, /etc/passwd)");
	/* strings compare as C strings: an embedded NUL ends the value */
	fake_reset();
	fake_buf("proc.name", "ab\0cd", 5);
	fakes[0].v[0].type = FT_CHARBUF;
	T("proc.name = ab");
	F("proc.name contains cd");
}

static void test_glob(void)
{
	fake_reset();
	fake_str("fd.name", "/etc/passwd");
	fake_str("proc.name", "a*b");
	fake_str("proc.pname", "BaSh");

	T("fd.name glob /etc/*");
	T("fd.name glob /*");            /* no FNM_PATHNAME: * crosses '/' */
	T("fd.name glob \"/etc/???swd\"");
	F("fd.name glob \"/etc/??swd\"");
	T("fd.name glob \"/etc/[p]asswd\"");
	T("fd.name glob \"/etc/[!x]asswd\"");
	T("fd.name glob \"/etc/[a-z]asswd\"");
	F("fd.name glob \"/etc/[!p]asswd\"");
	T("fd.name glob /etc/passwd"); /* no metacharacters: equality */
	F("fd.name glob /etc/pass");
	F("fd.name glob \"*.conf\"");
	T("proc.name glob \"a\\\\*b\"");  /* escaped star matches only itself */
	F("proc.name glob \"a\\\\*c\"");
	fake_str("proc.cmdline", "axxb");
	F("proc.cmdline glob \"a\\\\*b\"");
	T("proc.cmdline glob \"a*b\"");
	F("proc.pname glob bash");
	T("proc.pname iglob bash");
	T("proc.pname iglob \"B*H\"");
	F("proc.pname iglob \"c*\"");
}

static void test_pmatch(void)
{
	fake_reset();
	fake_str("fd.name", "/var/run/docker.sock");
	fake_str("fd.directory", "/var");
	fake_str("proc.cwd", "/variable/x");
	fake_str("fs.path.name", "/etc//ssh/");

	T("fd.name pmatch (/var/run, /etc)");
	T("fd.name pmatch (/var)");
	T("fd.name pmatch (/var/run/docker.sock)");
	F("fd.name pmatch (/var/run/docker.sock/x)");
	F("fd.name pmatch (/var/ru, /etc)");
	T("fd.name pmatch (/)");
	T("fd.name pmatch (/var/*/docker.sock)");
	T("fd.name pmatch (\"/var/r?n\")");
	F("fd.name pmatch (/var/*/other)");
	T("fd.directory pmatch (/var)");
	F("fd.directory pmatch (/var/run)"); /* /var is not under /var/run */
	F("proc.cwd pmatch (/var)");         /* component-wise, not a string prefix */
	T("fs.path.name pmatch (/etc/ssh)");  /* empty components are skipped */
	T("fs.path.name pmatch (etc)");        /* relative patterns are rooted */
	F("fd.name pmatch ()");
}

static void test_numbers(void)
{
	fake_reset();
	fake_i("proc.pid", 16);
	fake_u("user.uid", 1000);
	fake_i("evt.rawres", -2);
	fake_i("fd.dev", -1);
	fake_u("fd.sport", 443);

	T("proc.pid = 16");
	T("proc.pid = 0x10");
	T("proc.pid = \"16\""); /* a quoted number is still a number */
	T("proc.pid > 15");
	T("proc.pid >= 16");
	T("proc.pid < 17");
	T("proc.pid <= 16");
	F("proc.pid < 16");
	T("proc.pid != 15");
	T("proc.pid in (1, 16, 30)");
	F("proc.pid in (1, 17)");
	T("proc.pid intersects (16)");
	E("proc.pid = abc");
	E("proc.pid contains 1");
	T("user.uid = 1000");
	T("user.uid > 999");
	T("user.uid in (0, 1000)");
	set_event(1, -2); /* evt.rawres comes from the event */
	T("evt.rawres < 0");
	T("evt.rawres = -2");
	T("evt.rawres > -3");
	F("evt.rawres >= 0");
	T("evt.rawres in (-2, 5)");
	T("fd.dev = -1");
	T("fd.dev < 0");
	T("fd.sport = 443");
	T("fd.sport in (80, 443)");
	F("fd.sport > 443");
	if (getservbyname("https", NULL))
		T("fd.sport = https");
	E("fd.sport = no-such-service-xyz");

	/* unsigned compare: 1000 is not < 0 even via a negative literal */
	fake_reset();
	set_event(5, 0);
	T("evt.num = 5");
	F("evt.num = 0");
	T("evt.num > 4");
	set_event(1, 0);
	test_ev.info = NULL; /* no event type: evt.rawres is <NA> */
	F("evt.rawres = 0");
	F("evt.rawres != 0");
	set_event(1, 0);

	fake_reset();
	fake_d("proc.fdusage", 0.75);
	T("proc.fdusage > 0.5");
	F("proc.fdusage < 0.5");
	T("proc.fdusage = 0.75");
	E("proc.fdusage = x");

	/* evt.rawarg: the type comes with each value */
	fake_reset();
	fake_typed_i("evt.rawarg.res", FT_INT64, -13);
	T("evt.rawarg.res < 0");
	T("evt.rawarg.res = -13");
	F("evt.rawarg.res = 13");
}

static void test_bool(void)
{
	fake_reset();
	fake_b("evt.is_open_write", true);
	fake_b("evt.failed", false);

	T("evt.is_open_write = true");
	F("evt.is_open_write = false");
	T("evt.is_open_write != false");
	T("evt.failed = false");
	T("evt.failed in (false)");
	E("evt.failed = 1");
	E("evt.failed > 1");
}

static void test_ip(void)
{
	fake_reset();
	fake_ip("fd.sip", "10.1.2.3");
	fake_ip("fd.cip", "::1");
	fake_ip("fd.snet", "10.1.2.3");
	fake_ip("fd.net", "192.168.1.5"); /* both ends of a connection */
	fake_ip("fd.net", "10.9.9.9");

	T("fd.sip = 10.1.2.3");
	F("fd.sip = 10.1.2.4");
	T("fd.sip != 10.1.2.4");
	T("fd.sip in (1.1.1.1, 10.1.2.3)");
	F("fd.sip = ::1");  /* other family */
	T("fd.sip != ::1");
	T("fd.cip = ::1");
	T("fd.cip = \"0:0:0:0:0:0:0:1\"");
	F("fd.cip = 127.0.0.1");
	E("fd.sip = 10.1.2");
	E("fd.sip contains 10");
	T("fd.snet = 10.0.0.0/8");
	T("fd.snet = 10.1.2.0/24");
	F("fd.snet = 10.1.3.0/24");
	T("fd.snet != 10.1.3.0/24");
	T("fd.snet in (192.168.0.0/16, 10.0.0.0/8)");
	F("fd.snet in (192.168.0.0/16, 172.16.0.0/12)");
	T("fd.snet = 0.0.0.0/0");
	T("fd.snet = 10.1.2.3/32");
	E("fd.snet = 10.0.0.0");
	E("fd.snet = 10.0.0.0/33");
	T("fd.net = 10.0.0.0/8");        /* either end */
	T("fd.net = 192.168.0.0/16");
	F("fd.net = 172.16.0.0/12");
	F("fd.net != 10.0.0.0/8");        /* one end is in it */
	T("fd.net != 172.16.0.0/12");

	fake_reset();
	fake_ip("fd.snet", "2001:db8::1");
	T("fd.snet = \"2001:db8::/32\"");
	F("fd.snet = \"2001:db9::/32\"");
	F("fd.snet = 10.0.0.0/8");
}

static void test_buffers(void)
{
	fake_reset();
	fake_buf("evt.buffer", "\x00hello\xff", 7);

	T("evt.buffer bcontains 68656c6c6f");
	T("evt.buffer bcontains 68656C6C6F");
	F("evt.buffer bcontains 68656c6c6f6f");
	T("evt.buffer bstartswith 0068");
	F("evt.buffer bstartswith 68");
	E("evt.buffer bcontains 686");
	E("evt.buffer bcontains zz");
	T("evt.buffer contains hello");
	T("evt.buffer endswith \"o\\xff\"");
	F("evt.buffer = hello");
	T("evt.buffer != hello");
	E("evt.buffer glob \"*\"");
}

static void test_na(void)
{
	fake_reset(); /* nothing has a value */

	F("fd.name = x");
	F("fd.name != x");
	T("not fd.name = x");
	T("not fd.name != x");
	F("fd.name exists");
	T("not fd.name exists");
	F("fd.name in (x, y)");
	F("fd.name contains x");
	F("fd.name glob \"*\"");
	F("fd.name pmatch (/)");
	F("fd.name regex \".*\"");
	F("proc.pid = 1");
	F("proc.pid != 1");
	F("fd.sip = 1.2.3.4");
	F("fd.snet = 10.0.0.0/8");
	F("fd.types intersects (file)");
	F("fd.name startswith anyof (a, b)");
	F("fd.name != allof (a, b)");
	T("not fd.name startswith anyof (a, b)");
	/* and/or with <NA> */
	fake_str("proc.name", "bash");
	T("proc.name = bash or fd.name = x");
	F("proc.name = bash and fd.name = x");
	T("proc.name = bash and not fd.name = x");
	/* not not */
	T("not not proc.name = bash");
	/* a field the runtime cannot compute fails the compile, never <NA> */
	E("proc.exepath = /bin/bash");
	CHECK(strstr(lasterr, "1:1:") != NULL);
	CHECK(strstr(lasterr, "proc.exepath") != NULL);
	E("proc.name = bash and proc.exepath = /bin/bash");
	CHECK(strstr(lasterr, "1:22:") != NULL);
}

static void test_lists(void)
{
	fake_reset();
	fake_str("fd.types", "file");
	fake_str("fd.types", "ipv4");

	T("fd.types in (file, ipv4, unix)");
	F("fd.types in (file, unix)");   /* every value must be in the set */
	T("fd.types intersects (file, unix)");
	F("fd.types intersects (unix, pipe)");
	T("fd.types exists");
	E("fd.types = file");
	E("fd.types contains fi");
	E("fd.types startswith f");
}

static void test_modifiers(void)
{
	fake_reset();
	fake_str("proc.name", "bash");

	T("proc.name startswith anyof (zz, ba)");
	F("proc.name startswith anyof (zz, yy)");
	F("proc.name startswith oneof (b, ba)");  /* two match */
	T("proc.name startswith oneof (b, zz)");
	F("proc.name startswith oneof (x, zz)");
	T("proc.name startswith allof (b, ba, bas)");
	F("proc.name startswith allof (b, x)");
	T("proc.name = anyof (sh, bash)");
	T("proc.name = oneof (bash)");
	T("proc.name != allof (sh, zsh)");
	F("proc.name != allof (sh, bash)");
	T("proc.name contains allof (a, s, h)");
	T("proc.name endswith anyof (sh)");
	T("proc.name glob anyof (\"z*\", \"b*\")");
	T("proc.name regex anyof (\"z.*\", \"b.*\")");
	F("proc.name regex oneof (\"b.*\", \".*h\")");
	F("proc.name startswith anyof ()");
	F("proc.name startswith allof ()"); /* libsinsp: no right-hand values is false */
}

static void test_transformers_val(void)
{
	fake_reset();
	fake_str("proc.name", "BaSh");
	fake_str("proc.pname", "bash");
	fake_str("fd.name", "/etc/ssh/sshd_config");
	fake_str("proc.cmdline", "aGVsbG8=");
	fake_str("proc.exe", "aGVsbG8");
	fake_str("proc.cwd", "!!!");
	fake_i("proc.pid", 10);
	fake_i("proc.ppid", 10);
	fake_i("proc.vpid", 11);

	T("tolower(proc.name) = bash");
	T("toupper(proc.name) = BASH");
	F("proc.name = bash");
	T("tolower(proc.name) = val(proc.pname)");
	T("proc.pname = tolower(proc.name)");
	T("basename(fd.name) = sshd_config");
	T("len(proc.name) = 4");
	T("len(fd.name) > 10");
	T("b64(proc.cmdline) = hello");
	T("b64(proc.exe) = hello");        /* padding is optional */
	F("b64(proc.cwd) exists");         /* invalid base64 is <NA> */
	T("tolower(basename(fd.name)) startswith sshd");
	T("join(\"-\", (proc.pname, proc.name)) = bash-BaSh");
	T("concat((proc.pname, proc.name)) = bashBaSh");
	F("tolower(fd.directory) = x"); /* <NA> in, <NA> out */
	T("proc.pid = val(proc.ppid)");
	F("proc.pid = val(proc.vpid)");
	T("proc.pid < val(proc.vpid)");
	T("proc.pid in val(proc.ppid)");
	T("proc.pid intersects val(proc.ppid)");
	F("proc.pid = val(thread.tid)"); /* right-hand <NA> */
	E("proc.name = val(proc.pid)");  /* type mismatch */
	E("proc.name pmatch val(proc.pname)");
	E("len(proc.pid) = 1");
}

/* Build ASTs that share a node (a macro spliced into two rules) and check
 * that compilation is memoised and extraction is cached per event. */
static void test_memo_cache(void)
{
	struct arena a;
	struct diag_ctx d;
	struct rt_event ev = { .ts = 1, .num = 1 };
	struct rt_cond_err err;
	const char *t1 = "proc.name = bash and fd.name startswith /etc";
	const char *t2 = "proc.name = bash or proc.pname = sshd";
	struct parse_src s1 = { .text = t1, .len = strlen(t1), .file = "<t>" };
	struct parse_src s2 = { .text = t2, .len = strlen(t2), .file = "<t>" };

	fake_reset();
	fake_str("proc.name", "bash");
	fake_str("fd.name", "/etc/shadow");
	fake_str("proc.pname", "init");

	arena_init(&a);
	diag_init(&d, &a);
	struct ast *n1 = parse_condition(&a, &d, &s1);
	struct ast *n2 = parse_condition(&a, &d, &s2);
	CHECK(n1 && n2);
	if (!n1 || !n2) {
		arena_free(&a);
		return;
	}
	/* share the first check, as resolve does for a macro body */
	n2->kids[0] = n1->kids[0];

	struct rt_cond_ctx *cx = rt_cond_ctx_new(&a);
	struct rt_cond *c1 = rt_cond_compile(cx, n1, &err);
	struct rt_cond *c2 = rt_cond_compile(cx, n2, &err);
	struct rt_cond *c1b = rt_cond_compile(cx, n1, &err);
	CHECK(c1 && c2 && c1b);
	CHECK(rt_cond_nrefs(c1) == 2);
	CHECK(rt_cond_nrefs(c2) == 2);
	CHECK(!strcmp(rt_cond_ref(c1, 0)->f->name, "proc.name"));
	CHECK(!strcmp(rt_cond_ref(c1, 1)->f->name, "fd.name"));
	CHECK(!strcmp(rt_cond_ref(c2, 1)->f->name, "proc.pname"));
	CHECK(rt_cond_ref(c1, 5) == NULL);

	/* without begin_event: each evaluation extracts */
	CHECK(rt_cond_eval(c1, NULL, &ev));
	CHECK(rt_cond_eval(c2, NULL, &ev));
	CHECK(fake_extracts("proc.name") == 2);

	/* with it: once per event for both rules */
	rt_cond_ctx_begin_event(cx);
	CHECK(rt_cond_eval(c1, NULL, &ev));
	CHECK(rt_cond_eval(c2, NULL, &ev));
	CHECK(rt_cond_eval(c1b, NULL, &ev));
	CHECK(fake_extracts("proc.name") == 3);
	CHECK(fake_extracts("fd.name") == 2);
	/* a new event extracts again and sees new values */
	fakes[0].v[0].s = "zsh";
	fakes[0].v[0].len = 3;
	rt_cond_ctx_begin_event(cx);
	CHECK(!rt_cond_eval(c1, NULL, &ev));
	CHECK(!rt_cond_eval(c2, NULL, &ev));
	CHECK(fake_extracts("proc.name") == 4);

	/* expressions for outputs */
	struct parse_src s3 = { .text = "toupper(proc.pname) exists", .len = 26, .file = "<t>" };
	struct ast *n3 = parse_condition(&a, &d, &s3);
	CHECK(n3 != NULL);
	if (n3) {
		struct rt_expr *e = rt_expr_compile(cx, n3->lhs, &err);
		struct strbuf sb = { 0 };
		CHECK(e != NULL);
		if (e) {
			rt_cond_ctx_begin_event(cx);
			CHECK(rt_expr_render(e, NULL, &ev, &sb));
			CHECK(!strcmp(sb_str(&sb), "INIT"));
		}
		sb_free(&sb);
	}

	/* unresolved macros and lists are compile errors */
	struct parse_src s4 = { .text = "spawned_process and proc.name in my_list", .len = 40,
				.file = "<t>" };
	struct ast *n4 = parse_condition(&a, &d, &s4);
	CHECK(n4 != NULL);
	if (n4) {
		CHECK(rt_cond_compile(cx, n4, &err) == NULL);
		CHECK(err.msg && strstr(err.msg, "spawned_process"));
		CHECK(rt_cond_compile(cx, n4->kids[1], &err) == NULL);
		CHECK(err.msg && strstr(err.msg, "my_list"));
	}
	rt_cond_ctx_free(cx);
	arena_free(&a);
}

int main(void)
{
	test_strings();
	test_glob();
	test_pmatch();
	test_numbers();
	test_bool();
	test_ip();
	test_buffers();
	test_na();
	test_lists();
	test_modifiers();
	test_transformers_val();
	test_memo_cache();
	printf("test_eval: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
