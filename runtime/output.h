// SPDX-License-Identifier: Apache-2.0
/*
 * output: Falco alert lines, text and JSON.
 *
 *   text:  <time>: <Priority> <output>
 *          13:53:31.726060287: Warning Sensitive file opened (file=/etc/shadow)
 *   JSON:  one object per line, keys sorted as Falco's nlohmann::json
 *          prints them:
 *          {"hostname":"h","output":"<the text line>","output_fields":{...},
 *           "priority":"Warning","rule":"r","source":"syscall",
 *           "tags":["a","b"],"time":"2016-08-04T16:17:57.881781397Z"}
 *
 * Filenames and command lines are attacker-controlled, so every string
 * leaves here sanitized: invalid UTF-8 becomes U+FFFD, and control
 * characters are escaped (\n, \t, \u001b ...) in the text line as well as
 * in JSON strings, so one alert is always exactly one line.
 */
#ifndef FALCOC_OUTPUT_H
#define FALCOC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "event.h"
#include "format.h"

struct rt_state;

struct rt_out_opts {
	bool json;                  /* json_output */
	bool time_iso8601;          /* time_format_iso_8601 */
	bool json_output;           /* json_include_output_property (Falco default true) */
	bool json_tags;             /* json_include_tags_property (default true) */
	bool json_output_fields;    /* json_include_output_fields_property (default true) */
	bool json_message;          /* json_include_message_property (default false) */
	const char *hostname;
	const char *source;         /* "syscall" if NULL */
};

/* Falco's defaults: text, local time, every JSON property but message. */
void rt_out_opts_default(struct rt_out_opts *o);

struct rt_out_rule {
	const char *name;
	int priority;              /* enum rr_priority */
	const char *const *tags;
	size_t ntags;
	const struct rt_fmt *fmt;  /* the rule output, compiled with RT_FMT_FORCE_NA */
};

/* Append one alert, newline-terminated, to out. */
void rt_out_alert(struct strbuf *out, const struct rt_out_opts *o, const struct rt_out_rule *r,
		  struct rt_state *st, const struct rt_event *ev);

/* "Emergency" ... "Debug"; "Unknown" out of range. */
const char *rt_out_priority_name(int priority);

/* %evt.time (local "HH:MM:SS.nnnnnnnnn") or %evt.time.iso8601
 * ("2016-08-04T16:17:57.881781397+0000", UTC). */
void rt_out_time(struct strbuf *out, uint64_t ts_ns, bool iso8601);
/* JSON "time": "2016-08-04T16:17:57.881781397Z" (UTC), unquoted. */
void rt_out_time_json(struct strbuf *out, uint64_t ts_ns);

/* Append s sanitized for a text line: invalid UTF-8 -> U+FFFD, control
 * characters escaped as in JSON; quotes and backslashes kept as is. */
void rt_out_text(struct strbuf *out, const char *s, size_t n);
/* Append s as a quoted JSON string (nlohmann::json's escaping, invalid
 * UTF-8 replaced by U+FFFD). */
void rt_out_json_str(struct strbuf *out, const char *s, size_t n);

#endif
