// SPDX-License-Identifier: Apache-2.0
/*
 * falcoc-run: the runtime.
 *
 *   falcoc-run --replay FILE.scap -r RULES.yaml... [--json] [-o OUT]
 *   falcoc-run --replay FILE.scap --filter 'COND' [--print 'FORMAT']
 *
 * Rules mode evaluates as current Falco does: on exit events, with the
 * parameters of the matching enter event merged in, only the rules whose
 * event-type set holds the event's type, the first matching rule per
 * event (--rule-matching all for every one). Filter mode sees every
 * event, enter events included, as `sysdig -r FILE COND -p FORMAT` does.
 *
 * Exit codes: 0 ok, 1 errors in rules or conditions, 2 usage or I/O.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "eval.h"
#include "event.h"
#include "fields.h"
#include "format.h"
#include "output.h"
#include "parse.h"
#include "report.h"
#include "ruleset.h"
#include "scap.h"
#include "state.h"

/* sysdig's default line, with Falco's `*`: missing values print <NA>. */
#define RUN_DEFAULT_PRINT                                                                          \
	"*%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info"

struct run_rule {
	const struct rs_rule *r;
	struct rt_cond *cond;
	struct rt_fmt *fmt;
	const char **tags;
	size_t ntags;
};

struct run_opts {
	const char *replay;
	struct vec rules_files;
	const char *filter, *print;
	const char *out_path, *write_path;
	bool json, time_iso, match_all;
	struct vec disable_rules, disable_tags;
	int min_priority;
};

struct run {
	struct arena arena;
	struct diag_ctx diag;
	struct ruleset rs;
	struct run_opts o;
	struct rt_cond_ctx *cx;
	struct rt_state *st;
	FILE *out;
	/* rules mode */
	struct run_rule *rules;
	size_t nrules;
	struct vec *by_type; /* per event code: struct run_rule * candidates */
	/* filter mode */
	struct rt_cond *filter;
	struct rt_fmt *print;
	struct rt_out_opts out_opts;
	uint64_t events, alerts, evaluated;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: falcoc-run --replay FILE.scap -r RULES.yaml [-r MORE.yaml...] [options]\n"
		"       falcoc-run --replay FILE.scap --filter 'COND' [--print 'FORMAT']\n"
		"\n"
		"  --replay FILE         read events from a .scap capture (gzip or plain)\n"
		"  -r, --rules FILE      load a Falco rules file (repeatable; one namespace)\n"
		"  --json                print alerts as Falco's JSON objects\n"
		"  --time-iso8601        ISO-8601 times in text alerts\n"
		"  --rule-matching M     first (default) or all\n"
		"  --disable-rule NAME   disable a rule (repeatable)\n"
		"  --disable-tag TAG     disable every rule with this tag (repeatable)\n"
		"  --priority P          drop rules less severe than P\n"
		"  -o, --output FILE     write alerts or lines to FILE instead of stdout\n"
		"  -w, --write FILE      record the events read into a .scap capture\n"
		"  --filter COND         print events matching COND (sysdig semantics)\n"
		"  --print FORMAT        output format for --filter (sysdig -p syntax)\n"
		"\n"
		"exit status: 0 ok, 1 errors in rules or conditions, 2 usage or I/O problem\n");
}

static void report_diags(struct run *run)
{
	report_render(stderr, &run->diag, REPORT_TEXT, NULL, 0, report_color_wanted(stderr));
}

static bool rule_disabled(struct run *run, const struct rs_rule *r)
{
	if (!r->enabled || r->skipped || r->failed || !r->ast)
		return true;
	if (r->priority > run->o.min_priority)
		return true;
	for (size_t i = 0; i < run->o.disable_rules.n; i++)
		if (!strcmp(run->o.disable_rules.v[i], r->name))
			return true;
	for (size_t t = 0; t < r->tags.n; t++)
		for (size_t i = 0; i < run->o.disable_tags.n; i++)
			if (!strcmp(run->o.disable_tags.v[i], r->tags.v[t]))
				return true;
	return false;
}

/* Load, check and compile every rule; index candidates by event code. */
static int load_rules(struct run *run)
{
	struct ruleset *rs = &run->rs;

	rs_init(rs, &run->arena, &run->diag);
	for (size_t i = 0; i < run->o.rules_files.n; i++)
		if (rs_add_file(rs, run->o.rules_files.v[i]) < 0) {
			report_diags(run);
			return 2;
		}
	rs_compile(rs);
	if (run->diag.nerrors) {
		report_diags(run);
		return 1;
	}

	run->rules = ARENA_NEWN(&run->arena, struct run_rule, rs->rules.n + 1);
	for (size_t i = 0; i < rs->rules.n; i++) {
		const struct rs_rule *r = rs->rules.v[i];
		if (rule_disabled(run, r))
			continue;
		struct rt_cond_err err = { 0 };
		struct run_rule *rr = &run->rules[run->nrules];
		diag_set_item(&run->diag, "rule", r->name);
		rr->r = r;
		rr->cond = rt_cond_compile(run->cx, r->ast, &err);
		if (!rr->cond) {
			diag_report(&run->diag, DIAG_UNKNOWN_FIELD, &err.loc, "%s", err.msg);
			continue;
		}
		struct rt_fmt_err ferr = { 0 };
		rr->fmt = rt_fmt_compile(run->cx, r->output ? r->output : "", RT_FMT_FORCE_NA, &ferr);
		if (!rr->fmt) {
			struct loc at;
			mtext_loc((struct mtext *)&r->out, (uint32_t)ferr.off, &at);
			diag_report(&run->diag, DIAG_OUTPUT_FIELD, &at, "%s", ferr.msg);
			continue;
		}
		rr->tags = (const char **)r->tags.v;
		rr->ntags = r->tags.n;
		run->nrules++;
	}
	if (run->diag.nerrors) {
		report_diags(run);
		return 1;
	}
	if (run->diag.nwarnings && isatty(STDERR_FILENO))
		report_diags(run);

	/* candidates per event code, in rule order */
	uint16_t ncodes = rt_evt_count();
	run->by_type = ARENA_NEWN(&run->arena, struct vec, ncodes);
	for (uint16_t code = 0; code < ncodes; code++) {
		const struct rt_evt_info *info = rt_evt_info(code);
		if (!info || !info->exit)
			continue;
		int idx = fields_evtname_index(info->name);
		if (idx < 0)
			continue;
		for (size_t i = 0; i < run->nrules; i++)
			if (evttypes_has(run->rules[i].r->evttypes, (size_t)idx))
				vec_push(&run->arena, &run->by_type[code], &run->rules[i]);
	}
	return 0;
}

static int compile_filter(struct run *run)
{
	struct parse_src src = {
		.text = run->o.filter, .len = strlen(run->o.filter), .file = "<filter>"
	};
	diag_add_source(&run->diag, src.file, src.text, src.len);
	struct ast *n = parse_condition(&run->arena, &run->diag, &src);
	if (n) {
		/* fields, operators and values, as for a rule */
		rs_init(&run->rs, &run->arena, &run->diag);
		sema_check_ast(&run->rs, n);
	}
	if (!n || run->diag.nerrors) {
		report_diags(run);
		return 1;
	}
	struct rt_cond_err err = { 0 };
	run->filter = rt_cond_compile(run->cx, n, &err);
	if (!run->filter) {
		diag_report(&run->diag, DIAG_UNKNOWN_FIELD, &err.loc, "%s", err.msg);
		report_diags(run);
		return 1;
	}
	return 0;
}

static int compile_print(struct run *run)
{
	const char *fmt = run->o.print ? run->o.print : RUN_DEFAULT_PRINT;
	struct rt_fmt_err err = { 0 };

	run->print = rt_fmt_compile(run->cx, fmt, 0, &err);
	if (!run->print) {
		fprintf(stderr, "falcoc-run: --print: at offset %zu: %s\n", err.off, err.msg);
		return 1;
	}
	return 0;
}

static void on_event_rules(struct run *run, const struct rt_event *ev, struct strbuf *line)
{
	if (!ev->info || !ev->info->exit)
		return;
	struct vec *cands = &run->by_type[ev->type];
	for (size_t i = 0; i < cands->n; i++) {
		struct run_rule *rr = cands->v[i];
		run->evaluated++;
		if (!rt_cond_eval(rr->cond, run->st, ev))
			continue;
		struct rt_out_rule orule = {
			.name = rr->r->name,
			.priority = rr->r->priority,
			.tags = rr->tags,
			.ntags = rr->ntags,
			.fmt = rr->fmt,
		};
		line->len = 0;
		rt_out_alert(line, &run->out_opts, &orule, run->st, ev);
		fwrite(line->s, 1, line->len, run->out);
		run->alerts++;
		if (!run->o.match_all)
			break;
	}
}

static void on_event_filter(struct run *run, const struct rt_event *ev, struct strbuf *line)
{
	if (rt_evt_is_internal(ev->info))
		return;
	if (run->filter && !rt_cond_eval(run->filter, run->st, ev))
		return;
	line->len = 0;
	if (!rt_fmt_render(run->print, run->st, ev, line))
		return; /* a field is <NA>: sysdig skips the line */
	sb_putc(line, '\n');
	fwrite(line->s, 1, line->len, run->out);
	run->alerts++;
}

static int replay(struct run *run)
{
	char *err = NULL;
	struct scap_reader *rd = scap_open(run->o.replay, &err);
	struct scap_writer *wr = NULL;
	struct scap_record rec;
	struct strbuf line = { 0 };
	int rc = 0, k;

	if (!rd) {
		fprintf(stderr, "falcoc-run: %s: %s\n", run->o.replay, err ? err : "cannot open");
		fc_free(err);
		return 2;
	}
	if (run->o.write_path) {
		wr = scap_writer_open(run->o.write_path, true, &err);
		if (!wr) {
			fprintf(stderr, "falcoc-run: %s: %s\n", run->o.write_path, err ? err : "cannot create");
			fc_free(err);
			scap_close(rd);
			return 2;
		}
	}
	bool rules_mode = run->o.rules_files.n > 0;
	while ((k = scap_next(rd, &rec)) > 0) {
		if (wr && scap_write_record(wr, &rec) < 0) {
			fprintf(stderr, "falcoc-run: %s: %s\n", run->o.write_path, scap_writer_error(wr));
			rc = 2;
			break;
		}
		switch (rec.kind) {
		case SCAP_REC_PROC: rt_state_add_proc(run->st, &rec.proc); break;
		case SCAP_REC_FD: rt_state_add_fd(run->st, &rec.fd); break;
		case SCAP_REC_USER: rt_state_add_user(run->st, &rec.user); break;
		case SCAP_REC_GROUP: rt_state_add_group(run->st, &rec.group); break;
		case SCAP_REC_EVENT:
			run->events++;
			rt_state_pre(run->st, &rec.ev);
			rt_cond_ctx_begin_event(run->cx);
			if (rules_mode)
				on_event_rules(run, &rec.ev, &line);
			else
				on_event_filter(run, &rec.ev, &line);
			rt_state_post(run->st, &rec.ev);
			break;
		default:
			break;
		}
	}
	if (k < 0) {
		fprintf(stderr, "falcoc-run: %s: %s\n", run->o.replay, scap_error(rd));
		rc = 2;
	}
	if (wr && scap_writer_close(wr, &err) < 0) {
		fprintf(stderr, "falcoc-run: %s: %s\n", run->o.write_path, err ? err : "write failed");
		fc_free(err);
		rc = 2;
	}
	sb_free(&line);
	scap_close(rd);
	return rc;
}

static int parse_args(struct run *run, int argc, char **argv)
{
	enum { O_REPLAY = 256, O_JSON, O_ISO, O_MATCH, O_DIS_RULE, O_DIS_TAG, O_PRIO, O_FILTER, O_PRINT };
	static const struct option opts[] = {
		{ "replay", required_argument, NULL, O_REPLAY },
		{ "rules", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, O_JSON },
		{ "time-iso8601", no_argument, NULL, O_ISO },
		{ "rule-matching", required_argument, NULL, O_MATCH },
		{ "disable-rule", required_argument, NULL, O_DIS_RULE },
		{ "disable-tag", required_argument, NULL, O_DIS_TAG },
		{ "priority", required_argument, NULL, O_PRIO },
		{ "filter", required_argument, NULL, O_FILTER },
		{ "print", required_argument, NULL, O_PRINT },
		{ "output", required_argument, NULL, 'o' },
		{ "write", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct run_opts *o = &run->o;
	int c;

	o->min_priority = RR_PRI_DEBUG;
	while ((c = getopt_long(argc, argv, "r:o:w:h", opts, NULL)) != -1) {
		switch (c) {
		case O_REPLAY: o->replay = optarg; break;
		case 'r': vec_push(&run->arena, &o->rules_files, optarg); break;
		case O_JSON: o->json = true; break;
		case O_ISO: o->time_iso = true; break;
		case O_MATCH:
			if (strcmp(optarg, "first") && strcmp(optarg, "all")) {
				fprintf(stderr, "falcoc-run: --rule-matching: 'first' or 'all', not '%s'\n",
					optarg);
				return 2;
			}
			o->match_all = !strcmp(optarg, "all");
			break;
		case O_DIS_RULE: vec_push(&run->arena, &o->disable_rules, optarg); break;
		case O_DIS_TAG: vec_push(&run->arena, &o->disable_tags, optarg); break;
		case O_PRIO:
			o->min_priority = rr_priority_parse(optarg);
			if (o->min_priority < 0) {
				fprintf(stderr, "falcoc-run: --priority: unknown priority '%s'\n", optarg);
				return 2;
			}
			break;
		case O_FILTER: o->filter = optarg; break;
		case O_PRINT: o->print = optarg; break;
		case 'o': o->out_path = optarg; break;
		case 'w': o->write_path = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "falcoc-run: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!o->replay) {
		fprintf(stderr, "falcoc-run: no event source: use --replay FILE.scap\n");
		usage(stderr);
		return 2;
	}
	if (o->rules_files.n && (o->filter || o->print)) {
		fprintf(stderr, "falcoc-run: use either -r RULES or --filter/--print, not both\n");
		return 2;
	}
	if (!o->rules_files.n && !o->filter && !o->print) {
		fprintf(stderr, "falcoc-run: nothing to do: give -r RULES.yaml or --filter COND\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct run run;
	int rc;

	memset(&run, 0, sizeof(run));
	arena_init(&run.arena);
	diag_init(&run.diag, &run.arena);
	run.out = stdout;
	rc = parse_args(&run, argc, argv);
	if (rc)
		goto cleanup;

	run.cx = rt_cond_ctx_new(&run.arena);
	run.st = rt_state_new();
	rt_out_opts_default(&run.out_opts);
	run.out_opts.json = run.o.json;
	run.out_opts.time_iso8601 = run.o.time_iso;

	if (run.o.rules_files.n) {
		rt_state_set_merge_enter(run.st, true);
		rc = load_rules(&run);
	} else {
		rc = run.o.filter ? compile_filter(&run) : 0;
		if (!rc)
			rc = compile_print(&run);
	}
	if (rc)
		goto cleanup;

	if (run.o.out_path) {
		run.out = fopen(run.o.out_path, "w");
		if (!run.out) {
			fprintf(stderr, "falcoc-run: %s: %s\n", run.o.out_path, strerror(errno));
			run.out = stdout;
			rc = 2;
			goto cleanup;
		}
	}
	rc = replay(&run);
	if (fflush(run.out) != 0 && !rc) {
		fprintf(stderr, "falcoc-run: writing output: %s\n", strerror(errno));
		rc = 2;
	}

cleanup:
	if (run.out && run.out != stdout)
		fclose(run.out);
	if (run.cx)
		rt_cond_ctx_free(run.cx);
	if (run.st)
		rt_state_free(run.st);
	arena_free(&run.arena);
	return rc;
}
