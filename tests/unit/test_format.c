// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for runtime/format.c and runtime/output.c: format tokens,
 * widths, '*' and <NA>, transformers in outputs, output-field lists, the
 * Falco text and JSON alert lines (golden strings) and escaping of
 * attacker-controlled bytes.
 *
 * Linked with a FAKE extractor (the same as test_eval.c's) instead of
 * runtime/extract.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "eval.h"
#include "extract.h"
#include "fields.h"
#include "format.h"
#include "output.h"
#include "rules.h"

#include "check.h"

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if ((!a_ && !b_) || (a_ && b_ && strcmp(a_, b_) == 0)) {                           \
			npass++;                                                                   \
		} else {                                                                           \
			nfail++;                                                                   \
			printf("%s:%d: %s:\n  got  '%s'\n  want '%s'\n", __FILE__, __LINE__, #a,   \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                            \
		}                                                                                  \
	} while (0)

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

static void fake_u(const char *key, uint64_t u)
{
	fake_add(key, key_type(key))->u = u;
}

static void fake_i(const char *key, int64_t i)
{
	fake_add(key, key_type(key))->i = i;
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

static struct arena A;
static struct rt_cond_ctx *CX;
static char errbuf[256];

/* Render fmt for a fake event; returns the line, "(skip)" when the
 * format suppresses it, or "(error: ...)". */
static const char *render(const char *fmt, unsigned flags)
{
	static struct strbuf out;
	struct rt_fmt_err err;
	struct rt_event ev = { .ts = 1470327477881781397ULL, .num = 1 };

	out.len = 0;
	struct rt_fmt *f = rt_fmt_compile(CX, fmt, flags, &err);
	if (!f) {
		snprintf(errbuf, sizeof(errbuf), "(error@%zu: %s)", err.off, err.msg);
		return errbuf;
	}
	sb_puts(&out, "");
	if (!rt_fmt_render(f, NULL, &ev, &out))
		return "(skip)";
	return sb_str(&out);
}

static const char *fields_of(const char *fmt)
{
	static char buf[512];
	struct rt_fmt *f = rt_fmt_compile(CX, fmt, 0, NULL);

	buf[0] = '\0';
	if (!f)
		return "(error)";
	for (size_t i = 0; i < rt_fmt_nfields(f); i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, rt_fmt_field_name(f, i));
	}
	return buf;
}

static void test_format(void)
{
	fake_reset();
	fake_str("proc.name", "bash");
	fake_str("proc.pname", "sshd");
	fake_str("proc.aname[2]", "init");
	fake_str("evt.arg.flags", "O_RDONLY");
	fake_i("proc.pid", 42);

	CHECK_STR(render("%proc.name started by %proc.pname", 0), "bash started by sshd");
	CHECK_STR(render("%proc.name opened %fd.name", 0), "(skip)");
	CHECK_STR(render("*%proc.name opened %fd.name", 0), "bash opened <NA>");
	CHECK_STR(render("%proc.name opened %fd.name", RT_FMT_FORCE_NA), "bash opened <NA>");
	CHECK_STR(render("*plain text", 0), "plain text");
	CHECK_STR(render("[%10proc.name]", 0), "[bash      ]");
	CHECK_STR(render("[%2proc.name]", 0), "[ba]");
	CHECK_STR(render("[%-6proc.name]", 0), "[bash  ]");
	CHECK_STR(render("*[%6fd.name]", 0), "[<NA>  ]");
	CHECK_STR(render("a=%proc.aname[2] f=%evt.arg.flags", 0), "a=init f=O_RDONLY");
	CHECK_STR(render("%proc.name.", 0), "bash.");
	CHECK_STR(render("(%proc.name)", 0), "(bash)");
	CHECK_STR(render("x %container.info y", 0), "x  y");
	CHECK_STR(render("100% of %proc.name%", 0), "100% of bash%");
	CHECK_STR(render("%proc.pid", 0), "42");
	CHECK_STR(render("%toupper(proc.name)!", 0), "BASH!");
	CHECK_STR(render("[%6toupper(proc.name)]", 0), "[BASH  ]");
	CHECK_STR(render("*%tolower(fd.name)", 0), "<NA>");
	CHECK_STR(render("%tolower(fd.name)", 0), "(skip)");
	CHECK_STR(render("%proc.nme", 0), "(error@0: unknown field 'proc.nme' in output)");
	CHECK(!strncmp(render("x %proc.exepath", 0), "(error@2: output field 'proc.exepath'", 37));
	CHECK(!strncmp(render("%tolower(proc.name", 0), "(error", 6));

	CHECK_STR(fields_of("%proc.pname %proc.name %proc.aname[2] %proc.name"),
		  "proc.aname[2] proc.name proc.pname");
	CHECK_STR(fields_of("%toupper(proc.name) %evt.arg.flags"), "evt.arg.flags proc.name");
	CHECK_STR(fields_of("%container.info"), "");
}

static void test_time(void)
{
	struct strbuf sb = { 0 };

	rt_out_time(&sb, 1470327477881781397ULL, false);
	CHECK_STR(sb_str(&sb), "16:17:57.881781397");
	sb.len = 0;
	rt_out_time(&sb, 1470327477881781397ULL, true);
	CHECK_STR(sb_str(&sb), "2016-08-04T16:17:57.881781397+0000");
	sb.len = 0;
	rt_out_time_json(&sb, 1470327477000000005ULL);
	CHECK_STR(sb_str(&sb), "2016-08-04T16:17:57.000000005Z");
	sb_free(&sb);
	CHECK_STR(rt_out_priority_name(RR_PRI_INFORMATIONAL), "Informational");
	CHECK_STR(rt_out_priority_name(RR_PRI_EMERGENCY), "Emergency");
	CHECK_STR(rt_out_priority_name(RR_PRI_DEBUG), "Debug");
	CHECK_STR(rt_out_priority_name(99), "Unknown");
}

static void test_escape(void)
{
	struct strbuf sb = { 0 };
	const char in[] = "a\"b\\c\n\t\x1b[31m\x7f\xc2\x9b\xff\xe2\x82\xac\xed\xa0\x80\xc0\xaf|";

	rt_out_json_str(&sb, in, sizeof(in) - 1);
	CHECK_STR(sb_str(&sb), "\"a\\\"b\\\\c\\n\\t\\u001b[31m\x7f\xc2\x9b\xef\xbf\xbd\xe2\x82\xac"
			       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\"");
	sb.len = 0;
	rt_out_text(&sb, in, sizeof(in) - 1);
	CHECK_STR(sb_str(&sb), "a\"b\\c\\n\\t\\u001b[31m\\u007f\\u009b\xef\xbf\xbd\xe2\x82\xac"
			       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|");
	sb.len = 0;
	rt_out_json_str(&sb, "nul\0x", 5);
	CHECK_STR(sb_str(&sb), "\"nul\\u0000x\"");
	sb.len = 0;
	rt_out_text(&sb, "\xf4\x90\x80\x80\xf0\x9f\x98\x80", 8); /* > U+10FFFF, then an emoji */
	CHECK_STR(sb_str(&sb), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80");
	sb_free(&sb);
}

static void test_alerts(void)
{
	struct rt_out_opts o;
	struct strbuf out = { 0 };
	struct rt_event ev = { .ts = 1470327477881781397ULL, .num = 7 };
	static const char *const tags[] = { "filesystem", "mitre_persistence", "filesystem" };
	struct rt_fmt *f = rt_fmt_compile(
		CX, "An open was seen (command=%proc.cmdline pid=%proc.pid file=%fd.name flags=%evt.arg.flags)",
		RT_FMT_FORCE_NA, NULL);
	struct rt_out_rule r = { .name = "Open \"it\"", .priority = RR_PRI_WARNING, .tags = tags,
				 .ntags = 3, .fmt = f };

	fake_reset();
	fake_str("proc.cmdline", "cat /dev/null");
	fake_i("proc.pid", 42);
	CHECK(f != NULL);
	if (!f)
		return;

	rt_out_opts_default(&o);
	rt_out_alert(&out, &o, &r, NULL, &ev);
	CHECK_STR(sb_str(&out), "16:17:57.881781397: Warning An open was seen (command=cat /dev/null "
				"pid=42 file=<NA> flags=<NA>)\n");

	out.len = 0;
	o.time_iso8601 = true;
	rt_out_alert(&out, &o, &r, NULL, &ev);
	CHECK_STR(sb_str(&out), "2016-08-04T16:17:57.881781397+0000: Warning An open was seen "
				"(command=cat /dev/null pid=42 file=<NA> flags=<NA>)\n");

	out.len = 0;
	o.time_iso8601 = false;
	o.json = true;
	o.hostname = "host-1";
	rt_out_alert(&out, &o, &r, NULL, &ev);
	CHECK_STR(sb_str(&out),
		  "{\"hostname\":\"host-1\",\"output\":\"16:17:57.881781397: Warning An open was seen "
		  "(command=cat /dev/null pid=42 file=<NA> flags=<NA>)\",\"output_fields\":{"
		  "\"evt.arg.flags\":null,\"evt.time\":1470327477881781397,\"fd.name\":null,"
		  "\"proc.cmdline\":\"cat /dev/null\",\"proc.pid\":42},\"priority\":\"Warning\","
		  "\"rule\":\"Open \\\"it\\\"\",\"source\":\"syscall\",\"tags\":[\"filesystem\","
		  "\"mitre_persistence\"],\"time\":\"2016-08-04T16:17:57.881781397Z\"}\n");

	/* every optional property off, message on, ISO time key */
	out.len = 0;
	o.json_output = o.json_tags = o.json_output_fields = false;
	o.json_message = true;
	o.time_iso8601 = true;
	rt_out_alert(&out, &o, &r, NULL, &ev);
	CHECK_STR(sb_str(&out),
		  "{\"hostname\":\"host-1\",\"message\":\"An open was seen (command=cat /dev/null "
		  "pid=42 file=<NA> flags=<NA>)\",\"priority\":\"Warning\",\"rule\":\"Open "
		  "\\\"it\\\"\",\"source\":\"syscall\",\"time\":\"2016-08-04T16:17:57.881781397Z\"}\n");

	/* hostile bytes in a command line and a file name */
	fake_reset();
	fake_str("proc.cmdline", "sh -c \"x\"\n\x1b]0;pwned\x07\xff");
	fake_str("fd.name", "/tmp/a\tb");
	fake_str("evt.arg.flags", "O_RDONLY");
	fake_i("proc.pid", -1);
	out.len = 0;
	rt_out_opts_default(&o);
	rt_out_alert(&out, &o, &r, NULL, &ev);
	CHECK_STR(sb_str(&out), "16:17:57.881781397: Warning An open was seen (command=sh -c \"x\"\\n"
				"\\u001b]0;pwned\\u0007\xef\xbf\xbd pid=-1 file=/tmp/a\\tb "
				"flags=O_RDONLY)\n");
	out.len = 0;
	o.json = true;
	o.json_tags = false;
	rt_out_alert(&out, &o, &r, NULL, &ev);
	CHECK_STR(sb_str(&out),
		  "{\"hostname\":\"\",\"output\":\"16:17:57.881781397: Warning An open was seen "
		  "(command=sh -c \\\"x\\\"\\n\\u001b]0;pwned\\u0007\xef\xbf\xbd pid=-1 "
		  "file=/tmp/a\\tb flags=O_RDONLY)\",\"output_fields\":{\"evt.arg.flags\":\"O_RDONLY\","
		  "\"evt.time\":1470327477881781397,\"fd.name\":\"/tmp/a\\tb\",\"proc.cmdline\":"
		  "\"sh -c \\\"x\\\"\\n\\u001b]0;pwned\\u0007\xef\xbf\xbd\",\"proc.pid\":-1},"
		  "\"priority\":\"Warning\",\"rule\":\"Open \\\"it\\\"\",\"source\":\"syscall\","
		  "\"time\":\"2016-08-04T16:17:57.881781397Z\"}\n");
	CHECK(strchr(sb_str(&out), '\n') == sb_str(&out) + out.len - 1); /* one line */
	sb_free(&out);
}

static void test_json_types(void)
{
	struct rt_out_opts o;
	struct strbuf out = { 0 };
	struct rt_event ev = { .ts = 5, .num = 1 };
	struct rt_fmt *f = rt_fmt_compile(
		CX, "%user.uid %evt.is_open_write %fd.sip %fd.types %evt.time %proc.fdusage",
		RT_FMT_FORCE_NA, NULL);
	struct rt_out_rule r = { .name = "t", .priority = RR_PRI_DEBUG, .fmt = f };

	fake_reset();
	fake_u("user.uid", 1000);
	fake_b("evt.is_open_write", true);
	fake_ip("fd.sip", "10.0.0.1");
	fake_str("fd.types", "file");
	fake_str("fd.types", "ipv4");
	fake_d("proc.fdusage", 0.5);
	CHECK(f != NULL);
	if (!f)
		return;
	rt_out_opts_default(&o);
	o.json = true;
	o.json_output = false;
	o.hostname = "h";
	rt_out_alert(&out, &o, &r, NULL, &ev);
	CHECK_STR(sb_str(&out),
		  "{\"hostname\":\"h\",\"output_fields\":{\"evt.is_open_write\":true,"
		  "\"evt.time\":5,\"fd.sip\":\"10.0.0.1\",\"fd.types\":[\"file\",\"ipv4\"],"
		  "\"proc.fdusage\":0.5,\"user.uid\":1000},\"priority\":\"Debug\",\"rule\":\"t\","
		  "\"source\":\"syscall\",\"tags\":[],\"time\":\"1970-01-01T00:00:00.000000005Z\"}\n");
	sb_free(&out);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	arena_init(&A);
	CX = rt_cond_ctx_new(&A);
	test_format();
	test_time();
	test_escape();
	test_alerts();
	test_json_types();
	rt_cond_ctx_free(CX);
	arena_free(&A);
	printf("test_format: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
