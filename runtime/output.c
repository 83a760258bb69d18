// SPDX-License-Identifier: Apache-2.0
/*
 * output: alert rendering.
 *
 * The text line is built exactly as Falco's format_event() builds it:
 * "*%evt.time: <Priority>" (or %evt.time.iso8601), a space, then the rule
 * output rendered with <NA> for missing values. The JSON object mirrors
 * the nlohmann::json object Falco fills: an ordered map, so keys come out
 * sorted (hostname, [message,] output, output_fields, priority, rule,
 * source, tags, time), tags are a sorted set, and output_fields holds one
 * key per field in the output (sorted) plus the time field, whose value is
 * the event timestamp in ns. Field values keep their type: numbers as
 * JSON numbers, booleans as true/false, <NA> as null, list fields as
 * arrays, everything else as the rendered string.
 */
#include "output.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"
#include "fields.h"
#include "rules.h"

void rt_out_opts_default(struct rt_out_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->json_output = true;
	o->json_tags = true;
	o->json_output_fields = true;
	o->source = "syscall";
	o->hostname = "";
}

const char *rt_out_priority_name(int p)
{
	return p >= 0 && p < RR_PRI__COUNT ? rr_priority_names[p] : "Unknown";
}

/* ---- time ------------------------------------------------------------- */

void rt_out_time(struct strbuf *out, uint64_t ts, bool iso8601)
{
	time_t sec = (time_t)(ts / 1000000000ULL);
	unsigned ns = (unsigned)(ts % 1000000000ULL);
	struct tm tm;
	char buf[64];

	if (iso8601) {
		/* libsinsp ts_to_iso_8601: UTC, then strftime("%z") of a
		 * gmtime, which is always +0000 */
		if (!gmtime_r(&sec, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
			sb_puts(out, "YYYY-MM-DDTHH:MM:SS-0000");
			return;
		}
		sb_printf(out, "%s.%09u+0000", buf, ns);
		return;
	}
	/* sinsp_utils::ts_to_string without the date: local time of day */
	if (!localtime_r(&sec, &tm)) {
		sb_printf(out, "00:00:00.%09u", ns);
		return;
	}
	sb_printf(out, "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
}

void rt_out_time_json(struct strbuf *out, uint64_t ts)
{
	time_t sec = (time_t)(ts / 1000000000ULL);
	struct tm tm;
	char buf[64];

	if (!gmtime_r(&sec, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
		buf[0] = '\0';
	sb_printf(out, "%s.%09uZ", buf, (unsigned)(ts % 1000000000ULL));
}

/* ---- sanitizing ------------------------------------------------------- */

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid:
 * overlong forms, surrogates and code points above U+10FFFF are invalid.
 * *cp gets the code point.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static const char fffd[] = "\xef\xbf\xbd";

static void put_escape(struct strbuf *out, uint32_t c)
{
	switch (c) {
	case '\b':
		sb_puts(out, "\\b");
		break;
	case '\f':
		sb_puts(out, "\\f");
		break;
	case '\n':
		sb_puts(out, "\\n");
		break;
	case '\r':
		sb_puts(out, "\\r");
		break;
	case '\t':
		sb_puts(out, "\\t");
		break;
	default:
		sb_printf(out, "\\u%04x", (unsigned)c);
		break;
	}
}

/* json: escape as nlohmann::json does (quote, backslash, C0 controls);
 * text: escape C0 and C1 controls and DEL, which could drive a terminal,
 * and keep everything else. */
static void sanitize(struct strbuf *out, const char *str, size_t n, bool json)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_seq(s + i, n - i, &cp);
		bool esc;

		if (len == 0) {
			sb_putn(out, str + run, i - run);
			sb_puts(out, fffd);
			i++;
			run = i;
			continue;
		}
		if (json)
			esc = cp < 0x20 || cp == '"' || cp == '\\';
		else
			esc = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
		if (esc) {
			sb_putn(out, str + run, i - run);
			if (cp == '"' || cp == '\\') {
				sb_putc(out, '\\');
				sb_putc(out, (char)cp);
			} else {
				put_escape(out, cp);
			}
			i += len;
			run = i;
			continue;
		}
		i += len;
	}
	sb_putn(out, str + run, n - run);
}

void rt_out_text(struct strbuf *out, const char *s, size_t n)
{
	sanitize(out, s, n, false);
}

void rt_out_json_str(struct strbuf *out, const char *s, size_t n)
{
	sb_putc(out, '"');
	sanitize(out, s, n, true);
	sb_putc(out, '"');
}

/* ---- JSON values ------------------------------------------------------ */

/* Time fields whose JSON value libsinsp gives as the raw timestamp. */
static bool is_time_field(const char *name)
{
	static const char *const t[] = { "evt.time", "evt.time.s", "evt.time.iso8601",
					 "evt.datetime", "evt.datetime.s" };

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (!strcmp(name, t[i]))
			return true;
	return false;
}

static void json_scalar(struct strbuf *out, const struct rt_val *v)
{
	char buf[64];

	switch (v->type) {
	case FT_INT8:
	case FT_INT16:
	case FT_INT32:
	case FT_INT64:
		sb_printf(out, "%lld", (long long)v->i);
		return;
	case FT_UINT8:
	case FT_UINT16:
	case FT_UINT32:
	case FT_UINT64:
	case FT_RELTIME:
	case FT_ABSTIME:
	case FT_PORT:
	case FT_L4PROTO:
	case FT_FLAGS8:
	case FT_FLAGS16:
	case FT_FLAGS32:
	case FT_UID:
	case FT_GID:
		sb_printf(out, "%llu", (unsigned long long)v->u);
		return;
	case FT_DOUBLE:
		if (v->d != v->d || v->d - v->d != 0)
			sb_puts(out, "null"); /* JSON has no NaN or infinity */
		else
			sb_printf(out, "%.17g", v->d);
		return;
	case FT_BOOL:
		sb_puts(out, v->b ? "true" : "false");
		return;
	case FT_IPADDR:
	case FT_IPNET:
		if (!inet_ntop(v->v6 ? AF_INET6 : AF_INET, v->ip, buf, sizeof(buf)))
			strcpy(buf, "<NA>");
		rt_out_json_str(out, buf, strlen(buf));
		return;
	default: {
		size_t n = v->s ? v->len : 0;
		if (v->type == FT_CHARBUF || v->type == FT_FSPATH) {
			const char *z = v->s ? memchr(v->s, '\0', n) : NULL;
			if (z)
				n = (size_t)(z - v->s);
		}
		rt_out_json_str(out, v->s ? v->s : "", n);
		return;
	}
	}
}

static void json_field(struct strbuf *out, const char *name, const struct rt_field_ref *ref,
		       struct rt_state *st, const struct rt_event *ev)
{
	struct rt_vals *vals;
	struct strbuf scratch = { 0 };

	if (is_time_field(name)) {
		sb_printf(out, "%llu", (unsigned long long)ev->ts);
		return;
	}
	vals = fc_malloc(sizeof(*vals));
	vals->n = 0;
	uint32_t n = rt_extract(st, ev, ref, vals, &scratch);
	if (n > RT_MAX_VALS)
		n = RT_MAX_VALS;
	bool list = ref->f && (ref->f->flags & EPF_IS_LIST);
	if (n == 0) {
		sb_puts(out, "null");
	} else if (list) {
		sb_putc(out, '[');
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				sb_putc(out, ',');
			json_scalar(out, &vals->v[i]);
		}
		sb_putc(out, ']');
	} else {
		const struct rt_val *v = &vals->v[0];
		bool stringish = v->type == FT_CHARBUF || v->type == FT_FSPATH ||
				 v->type == FT_BYTEBUF || v->type == FT_DYN ||
				 v->type == FT_SOCKFAMILY;
		if (stringish) {
			/* the rendered form (flags by name, buffers printable) */
			struct strbuf txt = { 0 };
			if (rt_render(st, ev, ref, &txt))
				rt_out_json_str(out, sb_str(&txt), txt.len);
			else
				sb_puts(out, "null");
			sb_free(&txt);
		} else {
			json_scalar(out, v);
		}
	}
	sb_free(&scratch);
	fc_free(vals);
}

/* ---- alerts ----------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void rt_out_alert(struct strbuf *out, const struct rt_out_opts *o, const struct rt_out_rule *r,
		  struct rt_state *st, const struct rt_event *ev)
{
	struct strbuf line = { 0 }, msg = { 0 };
	const char *prio = rt_out_priority_name(r->priority);

	rt_out_time(&line, ev->ts, o->time_iso8601);
	sb_printf(&line, ": %s ", prio);
	if (r->fmt)
		rt_fmt_render(r->fmt, st, ev, &msg);
	sb_putn(&line, sb_str(&msg), msg.len);

	if (!o->json) {
		rt_out_text(out, sb_str(&line), line.len);
		sb_putc(out, '\n');
		sb_free(&line);
		sb_free(&msg);
		return;
	}

	sb_puts(out, "{\"hostname\":");
	rt_out_json_str(out, o->hostname ? o->hostname : "", strlen(o->hostname ? o->hostname : ""));
	if (o->json_message) {
		sb_puts(out, ",\"message\":");
		rt_out_json_str(out, sb_str(&msg), msg.len);
	}
	if (o->json_output) {
		sb_puts(out, ",\"output\":");
		rt_out_json_str(out, sb_str(&line), line.len);
	}
	if (o->json_output_fields) {
		/* the rule's fields and the time field, merged and sorted */
		const char *tkey = o->time_iso8601 ? "evt.time.iso8601" : "evt.time";
		size_t n = r->fmt ? rt_fmt_nfields(r->fmt) : 0;
		bool tdone = false;

		sb_puts(out, ",\"output_fields\":{");
		for (size_t i = 0; i <= n; i++) {
			const char *name = i < n ? rt_fmt_field_name(r->fmt, i) : NULL;
			if (!tdone && (!name || strcmp(tkey, name) <= 0)) {
				if (out->s[out->len - 1] != '{')
					sb_putc(out, ',');
				rt_out_json_str(out, tkey, strlen(tkey));
				sb_printf(out, ":%llu", (unsigned long long)ev->ts);
				tdone = true;
				if (name && !strcmp(tkey, name))
					continue;
			}
			if (!name)
				break;
			if (out->s[out->len - 1] != '{')
				sb_putc(out, ',');
			rt_out_json_str(out, name, strlen(name));
			sb_putc(out, ':');
			json_field(out, name, rt_fmt_field_ref(r->fmt, i), st, ev);
		}
		sb_putc(out, '}');
	}
	sb_puts(out, ",\"priority\":");
	rt_out_json_str(out, prio, strlen(prio));
	sb_puts(out, ",\"rule\":");
	rt_out_json_str(out, r->name ? r->name : "", strlen(r->name ? r->name : ""));
	sb_puts(out, ",\"source\":");
	const char *src = o->source ? o->source : "syscall";
	rt_out_json_str(out, src, strlen(src));
	if (o->json_tags) {
		/* Falco keeps tags in a std::set: sorted, without duplicates */
		const char **t = fc_malloc((r->ntags + 1) * sizeof(*t));
		size_t nt = 0;
		for (size_t i = 0; i < r->ntags; i++)
			if (r->tags[i])
				t[nt++] = r->tags[i];
		qsort(t, nt, sizeof(*t), cmp_str);
		sb_puts(out, ",\"tags\":[");
		for (size_t i = 0; i < nt; i++) {
			if (i && !strcmp(t[i], t[i - 1]))
				continue;
			if (out->s[out->len - 1] != '[')
				sb_putc(out, ',');
			rt_out_json_str(out, t[i], strlen(t[i]));
		}
		sb_putc(out, ']');
		fc_free(t);
	}
	sb_puts(out, ",\"time\":\"");
	rt_out_time_json(out, ev->ts);
	sb_puts(out, "\"}\n");
	sb_free(&line);
	sb_free(&msg);
}
