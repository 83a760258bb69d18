// SPDX-License-Identifier: Apache-2.0
/*
 * rt_print: print every event of a capture with a sysdig -p style format,
 * through falcoc's own reader, state and extractor, so compare_print.py
 * can diff it line by line against sysdig 0.29.
 *
 *   rt_print [--merge] FILE.scap 'FORMAT'
 *
 * FORMAT is sysdig's: text with %field, %field[arg] and %evt.arg.NAME
 * tokens; a leading '*' prints <NA> for missing values (without it, as in
 * sysdig, a line with a missing value is not printed). Internal meta
 * events (procinfo) are consumed but not printed, as sysdig does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "extract.h"
#include "scap.h"
#include "state.h"

struct piece {
	const char *text; /* literal text, or NULL for a field */
	size_t len;
	struct rt_field_ref ref;
};

static int parse_format(struct arena *a, const char *fmt, struct piece *pieces, int max,
			bool *star)
{
	int n = 0;
	*star = false;
	if (*fmt == '*') {
		*star = true;
		fmt++;
	}
	while (*fmt && n < max) {
		const char *pct = strchr(fmt, '%');
		if (pct != fmt) {
			size_t l = pct ? (size_t)(pct - fmt) : strlen(fmt);
			pieces[n].text = fmt;
			pieces[n++].len = l;
			fmt += l;
			continue;
		}
		const char *s = fmt + 1, *e = s;
		while (isalnum((unsigned char)*e) || *e == '_' || *e == '.')
			e++;
		while (e > s && e[-1] == '.')
			e--;
		char *name = arena_strndup(a, s, (size_t)(e - s));
		char *arg = NULL;
		if (*e == '[') {
			const char *c = strchr(e, ']');
			if (c) {
				arg = arena_strndup(a, e + 1, (size_t)(c - e - 1));
				e = c + 1;
			}
		}
		const char *why;
		if (!rt_field_ref_init(a, &pieces[n].ref, name, arg, &why)) {
			fprintf(stderr, "rt_print: %s\n", why);
			exit(2);
		}
		pieces[n++].text = NULL;
		fmt = e;
	}
	return n;
}

/* sysdig 0.29 prints neither internal events (procinfo, ...) nor the
 * container meta events a capture opens with. */
static bool printed(const struct rt_evt_info *info)
{
	return !rt_evt_is_internal(info);
}

int main(int argc, char **argv)
{
	bool merge = false;
	int ai = 1;
	if (ai < argc && !strcmp(argv[ai], "--merge")) {
		merge = true;
		ai++;
	}
	if (argc - ai != 2) {
		fprintf(stderr, "usage: rt_print [--merge] FILE.scap FORMAT\n");
		return 2;
	}
	struct arena a;
	arena_init(&a);
	struct piece pieces[256];
	bool star;
	int np = parse_format(&a, argv[ai + 1], pieces, 256, &star);

	char *err = NULL;
	struct scap_reader *r = scap_open(argv[ai], &err);
	if (!r) {
		fprintf(stderr, "rt_print: %s\n", err);
		fc_free(err);
		return 1;
	}
	struct rt_state *st = rt_state_new();
	rt_state_set_merge_enter(st, merge);
	struct scap_record rec;
	struct strbuf line = { 0 };
	int k, rc = 0;
	while ((k = scap_next(r, &rec)) > 0) {
		switch (rec.kind) {
		case SCAP_REC_PROC:
			rt_state_add_proc(st, &rec.proc);
			break;
		case SCAP_REC_FD:
			rt_state_add_fd(st, &rec.fd);
			break;
		case SCAP_REC_USER:
			rt_state_add_user(st, &rec.user);
			break;
		case SCAP_REC_GROUP:
			rt_state_add_group(st, &rec.group);
			break;
		case SCAP_REC_IFACE: {
			struct rt_iface_info ii = { .v6 = rec.iface.v6 };
			memcpy(ii.addr, rec.iface.addr, sizeof(ii.addr));
			rt_state_add_iface(st, &ii);
			break;
		}
		case SCAP_REC_EVENT: {
			const struct rt_event *ev = &rec.ev;
			rt_state_pre(st, ev);
			if (ev->info && printed(ev->info)) {
				bool ok = true;
				line.len = 0;
				for (int i = 0; i < np; i++) {
					if (pieces[i].text) {
						sb_putn(&line, pieces[i].text, pieces[i].len);
					} else if (!rt_render(st, ev, &pieces[i].ref, &line)) {
						if (!star)
							ok = false;
						sb_puts(&line, "<NA>");
					}
				}
				if (ok)
					printf("%s\n", sb_str(&line));
			}
			rt_state_post(st, ev);
			break;
		}
		default:
			break;
		}
	}
	if (k == SCAP_REC_ERROR) {
		fprintf(stderr, "rt_print: %s\n", scap_error(r));
		rc = 1;
	}
	sb_free(&line);
	rt_state_free(st);
	scap_close(r);
	arena_free(&a);
	return rc;
}
