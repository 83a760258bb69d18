// SPDX-License-Identifier: Apache-2.0
/*
 * falcoc-run: the runtime.
 *
 *   falcoc-run [options] probe.o [-- CMD ARGS...]      live mode
 *   falcoc-run --replay FILE.scap -r RULES.yaml... [--json] [-o OUT]
 *   falcoc-run --replay FILE.scap --filter 'COND' [--print 'FORMAT']
 *
 * Live mode loads a probe compiled by falcoc (live.c), seeds the state
 * from /proc (procfs.c), and evaluates the rules carried in the probe's
 * metadata on the events its ring buffers deliver: rules mode, with the
 * kernel's task values applied to the thread first and only the rules
 * the kernel flagged evaluated.
 *
 * Rules mode evaluates as current Falco does: on exit events, with the
 * parameters of the matching enter event merged in, only the rules whose
 * event-type set holds the event's type, the first matching rule per
 * event (--rule-matching all for every one). Filter mode sees every
 * event, enter events included, as `sysdig -r FILE COND -p FORMAT` does.
 *
 * Exit codes: 0 ok, 1 errors in rules or conditions, 2 usage or I/O
 * (live: not privileged, no BTF, not a falcoc probe, verifier
 * rejection); with `-- CMD`, CMD's own exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "codegen.h"
#include "diag.h"
#include "eval.h"
#include "event.h"
#include "fields.h"
#include "falcoc_abi.h"
#include "format.h"
#include "kmod_src.h"
#include "live.h"
#include "output.h"
#include "parse.h"
#include "report.h"
#include "ruleset.h"
#include "procfs.h"
#include "scap.h"
#include "split.h"
#include "state.h"

/* sysdig's default line, with Falco's `*`: missing values print <NA>. */
#define RUN_DEFAULT_PRINT                                                                          \
	"*%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info"

struct run_rule {
	const struct rs_rule *r;
	unsigned bit; /* live: the rule's bit in the events' rules bitmap */
	struct rt_cond *cond;
	struct rt_fmt *fmt;
	const char **tags;
	size_t ntags;
};

struct run_opts {
	const char *replay;
	const char *probe;     /* live mode */
	bool default_probe;    /* no probe given: the stdlib probe */
	char **cmd;            /* -- CMD ARGS, NULL-terminated */
	const char *stats_path;
	double stats_interval; /* live: seconds between stats lines, 0 none */
	const char *btf_path;  /* live: BTF instead of the kernel's */
	bool verbose;
	bool driver_kmod;      /* --driver kmod: events from /dev/falcoc */
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
	/* live mode */
	struct live *lv;       /* the probe (kmod: its metadata only) */
	struct kmod_src *ks;   /* --driver kmod */
	struct scap_writer *wr;
	bool wr_failed;
	struct strbuf line, strip;
	uint64_t received, undecodable, no_ext, procfs_fallbacks;
	uint64_t *type_counts; /* per event code */
	struct procfs_stats pfs;
	char hostname[256];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: falcoc-run [options] probe.o [-- CMD ARGS...]\n"
		"       falcoc-run --replay FILE.scap -r RULES.yaml [-r MORE.yaml...] [options]\n"
		"       falcoc-run --replay FILE.scap --filter 'COND' [--print 'FORMAT']\n"
		"\n"
		"  probe.o               live mode: load this probe (compiled by falcoc), seed the\n"
		"                        process table from /proc and alert on live events with the\n"
		"                        rules it carries; prints 'falcoc-run: ready' on stderr once\n"
		"                        attached; SIGINT/SIGTERM stop it (exit 0)\n"
		"  -- CMD ARGS           live: run CMD once ready, stop when it exits and the buffers\n"
		"                        are drained; the exit status is CMD's\n"
		"  --stats FILE          live: write counters as JSON at exit\n"
		"  --stats-interval S    live: print a stats line (events, alerts, drops) on stderr\n"
		"                        every S seconds\n"
		"  --btf PATH            live: use this BTF file instead of /sys/kernel/btf/vmlinux\n"
		"  --driver D            live: bpf (default) or kmod (the falcoc.ko module)\n"
		"  -v, --verbose         live: show libbpf's debug output\n"
		"  --replay FILE         read events from a .scap capture (gzip or plain)\n"
		"  -r, --rules FILE      load a Falco rules file (repeatable; one namespace)\n"
		"  --json                print alerts as Falco's JSON objects\n"
		"  --time-iso8601        ISO-8601 times in text alerts\n"
		"  --rule-matching M     first (default) or all\n"
		"  --disable-rule NAME   disable a rule (repeatable)\n"
		"  --disable-tag TAG     disable every rule with this tag (repeatable)\n"
		"  --priority P          drop rules less severe than P\n"
		"  -o, --output FILE     write alerts or lines to FILE instead of stdout\n"
		"  -w, --write FILE      record the events read into a .scap capture (live: the\n"
		"                        /proc state, then the events without falcoc's extensions)\n"
		"  --filter COND         print events matching COND (sysdig semantics)\n"
		"  --print FORMAT        output format for --filter (sysdig -p syntax)\n"
		"\n"
		"\n"
		"examples:\n"
		"  falcoc rules.yaml -o probe.o && sudo falcoc-run probe.o\n"
		"  sudo falcoc-run --json --stats st.json probe.o -- sh -c 'cat /etc/shadow'\n"
		"\n"
		"exit status: 0 ok, 1 errors in rules or conditions, 2 usage, I/O or load problem\n");
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
	/* live: the rules files the probe was compiled from */
	size_t bad;
	if (run->lv && live_add_rules(run->lv, rs, &bad) < 0) {
		report_diags(run);
		return 2;
	}
	rs_compile(rs);
	if (run->diag.nerrors) {
		report_diags(run);
		return 1;
	}

	run->rules = ARENA_NEWN(&run->arena, struct run_rule, rs->rules.n + 1);
	unsigned bit = 0;
	for (size_t i = 0; i < rs->rules.n; i++) {
		const struct rs_rule *r = rs->rules.v[i];
		/* the probe numbers every compiled rule, enabled or not, in
		 * rule order (split.h: split_rule.index) */
		bool compiled = !r->failed && !r->skipped && r->ast;
		unsigned rbit = compiled ? bit++ : 0;
		if (rule_disabled(run, r)) {
			if (compiled && run->lv)
				live_set_rule_enabled(run->lv, rbit, false);
			continue;
		}
		struct rt_cond_err err = { 0 };
		struct run_rule *rr = &run->rules[run->nrules];
		diag_set_item(&run->diag, "rule", r->name);
		rr->r = r;
		rr->bit = rbit;
		rr->cond = rt_cond_compile(run->cx, r->ast, &err);
		if (!rr->cond) {
			diag_report(&run->diag, DIAG_UNKNOWN_FIELD, &err.loc, "%s", err.msg);
			continue;
		}
		struct rt_fmt_err ferr = { 0 };
		rr->fmt = rt_fmt_compile(run->cx, r->output ? r->output : "", RT_FMT_FORCE_NA, &ferr);
		if (!rr->fmt) {
			struct loc at;
			mtext_loc((struct mtext *)&r->out, (uint32_t)ferr.off + r->output_skip, &at);
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
	if (run->lv && bit != live_meta(run->lv)->nrules) {
		fprintf(stderr,
			"falcoc-run: %s: the probe numbers %u rules, its rules files compile to %u here: "
			"it was built by another falcoc version\n",
			run->o.probe, live_meta(run->lv)->nrules, bit);
		return 2;
	}

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

/* A capture's or /proc's interface, in the state's input form. */
static void state_add_iface(struct rt_state *st, const struct scap_iface *i)
{
	struct rt_iface_info ii = { .v6 = i->v6 };

	memcpy(ii.addr, i->addr, sizeof(ii.addr));
	rt_state_add_iface(st, &ii);
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
		case SCAP_REC_IFACE:
			/* local vs remote addresses (fd.lip, fd.is_server...) */
			state_add_iface(run->st, &rec.iface);
			break;
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

/* ---- live mode ---- */

static volatile sig_atomic_t g_stop, g_child_exited;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		g_child_exited = 1;
	else
		g_stop = 1;
}

/* Seeding sink: the state, and the capture's state blocks with -w. */
static void wr_check(struct run *run, int err)
{
	if (err < 0 && !run->wr_failed) {
		fprintf(stderr, "falcoc-run: %s: %s\n", run->o.write_path, scap_writer_error(run->wr));
		run->wr_failed = true;
	}
}

static int seed_machine(void *ctx, const struct scap_machine *m)
{
	struct run *run = ctx;
	if (run->wr)
		wr_check(run, scap_write_machine(run->wr, m));
	return 0;
}

static int seed_iface(void *ctx, const struct scap_iface *i)
{
	struct run *run = ctx;
	state_add_iface(run->st, i);
	if (run->wr)
		wr_check(run, scap_write_iface(run->wr, i));
	return 0;
}

static int seed_user(void *ctx, const struct rt_user_info *u)
{
	struct run *run = ctx;
	rt_state_add_user(run->st, u);
	if (run->wr)
		wr_check(run, scap_write_user(run->wr, u));
	return 0;
}

static int seed_group(void *ctx, const struct rt_group_info *g)
{
	struct run *run = ctx;
	rt_state_add_group(run->st, g);
	if (run->wr)
		wr_check(run, scap_write_group(run->wr, g));
	return 0;
}

static int seed_proc(void *ctx, const struct rt_proc_info *p)
{
	struct run *run = ctx;
	rt_state_add_proc(run->st, p);
	if (run->wr)
		wr_check(run, scap_write_proc(run->wr, p));
	return 0;
}

static int seed_fd(void *ctx, const struct rt_fd_info *f)
{
	struct run *run = ctx;
	rt_state_add_fd(run->st, f);
	if (run->wr) {
		/* sysdig 0.29's reader rejects fd types newer than FILE_V2
		 * (bpf, userfaultfd, io_uring, memfd, pidfd): write them as
		 * "unsupported", which keeps their name */
		struct rt_fd_info c = *f;
		if (c.type > RT_FD_FILE_V2)
			c.type = RT_FD_UNSUPPORTED;
		wr_check(run, scap_write_fd(run->wr, &c));
	}
	return 0;
}

static const struct procfs_sink seed_sink = {
	.machine = seed_machine,
	.iface = seed_iface,
	.user = seed_user,
	.group = seed_group,
	.proc = seed_proc,
	.fd = seed_fd,
};

/* Rewrite ev (nparams = n + FC_EXT_NPARAMS) without its extension
 * parameters into run->strip: the libscap event the table describes. */
static const uint8_t *strip_ext(struct run *run, const struct rt_event *ev, uint32_t *len)
{
	uint32_t n = ev->nparams - FC_EXT_NPARAMS;
	size_t lsz = ev->info && (ev->info->flags & RT_EF_LARGE_PAYLOAD) ? 4 : 2;
	size_t data = 0;
	for (uint32_t i = 0; i < n; i++)
		data += ev->plen[i];
	struct strbuf *b = &run->strip;
	b->len = 0;
	struct rt_evt_hdr h;
	memcpy(&h, ev->raw, RT_EVT_HDR_LEN);
	h.nparams = n;
	h.len = (uint32_t)(RT_EVT_HDR_LEN + lsz * n + data);
	sb_putn(b, (const char *)&h, RT_EVT_HDR_LEN);
	sb_putn(b, (const char *)ev->raw + RT_EVT_HDR_LEN, lsz * n);
	if (n)
		sb_putn(b, (const char *)ev->p[0], data); /* params are contiguous */
	*len = h.len;
	return (const uint8_t *)b->s;
}

static bool is_process_event(const struct rt_event *ev)
{
	static const char *const names[] = { "clone", "clone3", "fork", "vfork", "execve", "execveat" };
	if (!ev->info)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(ev->info->name, names[i]))
			return true;
	return false;
}

static void on_live_event(void *ctx, const uint8_t *data, size_t size, unsigned cpu)
{
	struct run *run = ctx;
	struct rt_event full, ev;
	const char *why;
	struct fc_task task;

	run->received++;
	if (rt_event_decode(data, size, &full, &why) < 0 || full.raw_len != size) {
		run->undecodable++;
		if (run->o.verbose)
			fprintf(stderr, "falcoc-run: event #%llu: %s\n", (unsigned long long)run->received,
				rt_event_decode(data, size, &full, &why) < 0 ? why : "length mismatch");
		return;
	}
	if (full.nparams < FC_EXT_NPARAMS || full.plen[full.nparams - 1] < sizeof(task)) {
		run->no_ext++; /* not what the probe promises: counted, not evaluated */
		if (run->o.verbose)
			fprintf(stderr, "falcoc-run: event #%llu (type %u, %u params, last %u bytes): "
					"no falcoc extensions\n",
				(unsigned long long)run->received, full.type, full.nparams,
				full.nparams ? full.plen[full.nparams - 1] : 0);
		return;
	}
	uint32_t n = full.nparams - FC_EXT_NPARAMS;
	const uint8_t *bits = full.p[n + FC_EXT_RULES];
	uint32_t nbits_bytes = full.plen[n + FC_EXT_RULES];
	memcpy(&task, full.p[n + FC_EXT_TASK], sizeof(task));

	uint32_t len;
	const uint8_t *raw = strip_ext(run, &full, &len);
	if (rt_event_decode(raw, len, &ev, &why) < 0) {
		run->undecodable++;
		return;
	}
	ev.num = ++run->events;
	ev.cpu = (uint16_t)cpu;
	ev.flags = 0; /* no EVF flags: the decoder leaves it unset */
	if (ev.type < rt_evt_count())
		run->type_counts[ev.type]++;
	if (run->wr && !run->wr_failed)
		wr_check(run, scap_write_event(run->wr, &ev));

	/* one source of truth: the kernel's task values, before the
	 * parsers (so a clone copies the current comm) and after them */
	rt_state_update_task(run->st, (int64_t)ev.tid, &task, false);
	if (!rt_state_has_thread(run->st, (int64_t)ev.tid) && !is_process_event(&ev)) {
		/* a process we never saw fork (its clone was lost): read it */
		struct procfs_stats ps;
		struct procfs_sink sink;
		procfs_state_sink(&sink, run->st);
		procfs_scan_pid(NULL, (int64_t)task.pid, &sink, &ps);
		run->procfs_fallbacks++;
	}
	rt_state_pre(run->st, &ev);
	rt_state_update_task(run->st, (int64_t)ev.tid, &task, true);
	rt_cond_ctx_begin_event(run->cx);

	if (ev.info && ev.info->exit) {
		struct vec *cands = &run->by_type[ev.type];
		for (size_t i = 0; i < cands->n; i++) {
			struct run_rule *rr = cands->v[i];
			/* an empty bitmap (always-flow events) means every
			 * candidate; a bit beyond a short bitmap is evaluated
			 * too (evaluating more never loses an alert) */
			if (nbits_bytes && rr->bit / 8 < nbits_bytes &&
			    !(bits[rr->bit / 8] & (1u << (rr->bit % 8))))
				continue;
			run->evaluated++;
			if (!rt_cond_eval(rr->cond, run->st, &ev))
				continue;
			struct rt_out_rule orule = {
				.name = rr->r->name,
				.priority = rr->r->priority,
				.tags = rr->tags,
				.ntags = rr->ntags,
				.fmt = rr->fmt,
			};
			run->line.len = 0;
			rt_out_alert(&run->line, &run->out_opts, &orule, run->st, &ev);
			fwrite(run->line.s, 1, run->line.len, run->out);
			run->alerts++;
			if (!run->o.match_all)
				break;
		}
	}
	rt_state_post(run->st, &ev);
}

static void json_kv(FILE *f, const char *k, uint64_t v, bool comma)
{
	fprintf(f, "\"%s\":%llu%s", k, (unsigned long long)v, comma ? "," : "");
}

static int write_stats(struct run *run, const uint64_t *k, bool have_k, int cmd_status)
{
	FILE *f = fopen(run->o.stats_path, "w");
	if (!f) {
		fprintf(stderr, "falcoc-run: %s: %s\n", run->o.stats_path, strerror(errno));
		return 2;
	}
	uint64_t kfull = have_k ? k[FC_STAT_RING_FULL] : 0, ktrunc = have_k ? k[FC_STAT_TRUNCATED] : 0;
	uint64_t bad = run->undecodable + run->no_ext;
	fputc('{', f);
	json_kv(f, "events_received", run->received, true);
	json_kv(f, "events_dropped", kfull + ktrunc + bad, true);
	fputs("\"drops\":{", f);
	json_kv(f, "ring_full", kfull, true);
	json_kv(f, "truncated", ktrunc, true);
	json_kv(f, "undecodable", run->undecodable, true);
	json_kv(f, "no_extensions", run->no_ext, false);
	fputs("},", f);
	json_kv(f, "alerts", run->alerts, true);
	json_kv(f, "rules_evaluated", run->evaluated, true);
	fputs("\"events_by_type\":{", f);
	/* by name: several codes (versions) of one syscall add up */
	uint16_t ncodes = rt_evt_count();
	bool first = true;
	for (uint16_t c = 0; c < ncodes; c++) {
		const struct rt_evt_info *info = rt_evt_info(c);
		if (!run->type_counts[c] || !info)
			continue;
		bool seen = false;
		for (uint16_t d = 0; d < c && !seen; d++) {
			const struct rt_evt_info *o = rt_evt_info(d);
			seen = o && run->type_counts[d] && !strcmp(o->name, info->name);
		}
		if (seen)
			continue;
		uint64_t sum = 0;
		for (uint16_t d = c; d < ncodes; d++) {
			const struct rt_evt_info *o = rt_evt_info(d);
			if (o && !strcmp(o->name, info->name))
				sum += run->type_counts[d];
		}
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", info->name, (unsigned long long)sum);
		first = false;
	}
	fputs("},\"kernel\":{", f);
	fprintf(f, "\"available\":%s,", have_k ? "true" : "false");
	json_kv(f, "seen", have_k ? k[FC_STAT_SEEN] : 0, true);
	json_kv(f, "filtered", have_k ? k[FC_STAT_FILTERED] : 0, true);
	json_kv(f, "sent", have_k ? k[FC_STAT_SENT] : 0, true);
	json_kv(f, "ring_full", kfull, true);
	json_kv(f, "truncated", ktrunc, true);
	json_kv(f, "read_fail", have_k ? k[FC_STAT_READ_FAIL] : 0, false);
	fputs("},\"procfs\":{", f);
	json_kv(f, "processes", run->pfs.procs, true);
	json_kv(f, "threads", run->pfs.threads, true);
	json_kv(f, "fds", run->pfs.fds, true);
	json_kv(f, "vanished", run->pfs.vanished, true);
	json_kv(f, "fd_unreadable", run->pfs.fd_unreadable, true);
	json_kv(f, "sockets_unresolved", run->pfs.sock_unresolved, true);
	json_kv(f, "late_scans", run->procfs_fallbacks, false);
	fputc('}', f);
	if (cmd_status >= 0)
		fprintf(f, ",\"cmd_exit_status\":%d", cmd_status);
	fputs("}\n", f);
	if (fclose(f) != 0) {
		fprintf(stderr, "falcoc-run: %s: %s\n", run->o.stats_path, strerror(errno));
		return 2;
	}
	return 0;
}

/* Check the probe against the rules it carries (fc_meta_hdr.hash: the
 * same front end and codegen must give the same C), then fill the kernel
 * string sets its filters look up, with codegen's own key layout. */
static int fill_sets(struct run *run)
{
	const struct fc_meta_hdr *h = live_meta(run->lv);
	struct split_result sr;
	memset(&sr, 0, sizeof(sr));
	split_ruleset(&run->arena, &run->rs, &sr);

	if (h->hash) {
		struct cg_file *files = ARENA_NEWN(&run->arena, struct cg_file, live_meta_nfiles(run->lv) + 1);
		for (size_t i = 0; i < live_meta_nfiles(run->lv); i++) {
			const struct live_meta_file *f = live_meta_file(run->lv, i);
			files[i] = (struct cg_file){ f->name, f->text, f->len };
		}
		struct cg_options co = {
			.kernel_filter = (h->flags & FC_META_KERNEL_FILTER) != 0,
			.files = files,
			.nfiles = live_meta_nfiles(run->lv),
		};
		struct strbuf c = { 0 };
		struct cg_result res;
		const char *err = NULL;
		memset(&res, 0, sizeof(res));
		int g = cg_generate(&run->arena, &sr, &co, &c, &res, &err);
		sb_free(&c);
		if (g < 0 || res.hash != h->hash) {
			fprintf(stderr,
				"falcoc-run: %s: the probe does not match its own rules compiled here "
				"(%s): rebuild it with this version of falcoc\n",
				run->o.probe, g < 0 ? (err ? err : "codegen failed") : "hash differs");
			return 2;
		}
	}

	if (run->o.driver_kmod)
		return 0; /* the module's filter program carries its own sets */
	struct vec ents = { 0 };
	cg_set_entries(&run->arena, &sr, &ents);
	return live_put_sets(run->lv, &ents);
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --stats-interval: one line on stderr with the totals so far and what
 * changed since the last line, so a storm's losses show while it lasts
 * (no silent loss), not only at exit. */
struct stats_tick {
	double next;
	uint64_t received, ring_full;
};

static bool src_stats(struct run *run, uint64_t k[FC_STAT__COUNT]);

static void stats_line(struct run *run, struct stats_tick *t)
{
	uint64_t k[FC_STAT__COUNT];
	bool have_k = src_stats(run, k);
	uint64_t full = have_k ? k[FC_STAT_RING_FULL] : 0;
	uint64_t lost = full + run->undecodable + run->no_ext;

	fprintf(stderr,
		"falcoc-run: stats: events %llu (+%llu), alerts %llu, lost %llu (ring full %llu, "
		"+%llu; undecodable %llu; without extensions %llu), truncated %llu%s\n",
		(unsigned long long)run->received, (unsigned long long)(run->received - t->received),
		(unsigned long long)run->alerts, (unsigned long long)lost, (unsigned long long)full,
		(unsigned long long)(full - t->ring_full), (unsigned long long)run->undecodable,
		(unsigned long long)run->no_ext,
		(unsigned long long)(have_k ? k[FC_STAT_TRUNCATED] : 0),
		have_k ? "" : " (kernel counters unreadable)");
	t->received = run->received;
	t->ring_full = full;
}

static int cmd_status_of(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 1;
}

/* ---- the event source: the probe's BPF rings, or the kernel module ---- */

/* The fc_syscalls.def rows the module turns into events: those some rule
 * can match (a candidate for the row's exit event), and the always-flow
 * ones; the BPF probe's fc_interesting[] is the same set. */
static void kmod_syscalls(struct run *run, uint64_t bits[2])
{
	static const struct { uint16_t ppme; bool always; } rows[] = {
#define FC_SCF_ALWAYS 1
#define FC_SC(name, nr, ppme, np, flags) { ppme, (flags) & FC_SCF_ALWAYS },
#include "fc_syscalls.def"
#undef FC_SCF_ALWAYS
	};
	bits[0] = bits[1] = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && i < 128; i++)
		if (rows[i].always || (rows[i].ppme < rt_evt_count() && run->by_type[rows[i].ppme].n))
			bits[i / 64] |= 1ull << (i % 64);
}

static int src_start(struct run *run)
{
	if (!run->o.driver_kmod) {
		int rc = live_rings_open(run->lv, on_live_event, run);
		return rc ? rc : live_attach(run->lv);
	}
	uint64_t bits[2], on[FC_MAX_RULES / 64] = { 0 };
	kmod_syscalls(run, bits);
	for (size_t i = 0; i < run->nrules; i++) /* the enabled ones */
		if (run->rules[i].bit < FC_MAX_RULES)
			on[run->rules[i].bit / 64] |= 1ull << (run->rules[i].bit % 64);
	bool need = (live_meta(run->lv)->flags & FC_META_KERNEL_FILTER) != 0;
	int rc = kmod_src_open(run->o.probe, need, bits, on, run->o.verbose, &run->ks);
	return rc ? rc : kmod_src_start(run->ks, on_live_event, run);
}

static int src_poll(struct run *run, int timeout_ms)
{
	return run->ks ? kmod_src_poll(run->ks, timeout_ms) : live_poll(run->lv, timeout_ms);
}

/* Stop new events, then hand over what the buffers still hold. */
static void src_stop_drain(struct run *run)
{
	if (run->ks) {
		kmod_src_stop(run->ks);
		kmod_src_drain(run->ks);
	} else if (!run->o.driver_kmod) {
		live_detach(run->lv);
		live_drain(run->lv);
	}
}

static bool src_stats(struct run *run, uint64_t k[FC_STAT__COUNT])
{
	if (run->o.driver_kmod)
		return run->ks && kmod_src_read_stats(run->ks, k) == 0;
	return live_read_stats(run->lv, k) == 0;
}

static int live_run(struct run *run)
{
	int rc, err = 0, cmd_status = -1;
	pid_t child = -1;
	uint64_t kstats[FC_STAT__COUNT];
	bool have_k = false;
	char *werr = NULL;

	rc = run->o.driver_kmod ? 0 : live_load(run->lv);
	if (rc)
		return rc;
	rc = fill_sets(run);
	if (rc)
		return rc;

	/* the state before the first event: /proc (and -w's state blocks) */
	if (run->o.write_path) {
		run->wr = scap_writer_open(run->o.write_path, true, &werr);
		if (!run->wr) {
			fprintf(stderr, "falcoc-run: %s: %s\n", run->o.write_path, werr ? werr : "cannot create");
			fc_free(werr);
			return 2;
		}
	}
	struct procfs_sink sink = seed_sink;
	sink.ctx = run;
	err = procfs_scan(NULL, &sink, &run->pfs);
	if (err < 0) {
		fprintf(stderr, "falcoc-run: reading /proc: %s\n", strerror(-err));
		return 2;
	}
	run->type_counts = fc_malloc(sizeof(uint64_t) * rt_evt_count());
	memset(run->type_counts, 0, sizeof(uint64_t) * rt_evt_count());

	rc = src_start(run);
	if (rc)
		return rc;
	fprintf(stderr, "falcoc-run: ready\n");

	if (run->o.cmd) {
		child = fork();
		if (child < 0) {
			fprintf(stderr, "falcoc-run: fork: %s\n", strerror(errno));
			return 2;
		}
		if (child == 0) {
			sigset_t none;
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGCHLD, SIG_DFL);
			if (run->out != stdout)
				fclose(run->out);
			execvp(run->o.cmd[0], run->o.cmd);
			fprintf(stderr, "falcoc-run: %s: %s\n", run->o.cmd[0], strerror(errno));
			_exit(127);
		}
	}

	struct stats_tick tick = { mono_s() + run->o.stats_interval, 0, 0 };
	while (!g_stop) {
		/* the probe wakes us only for a backlog (fc_evt__submit): a
		 * trickle of events waits at most this long */
		err = src_poll(run, 20);
		if (run->o.stats_interval > 0 && mono_s() >= tick.next) {
			stats_line(run, &tick);
			tick.next = mono_s() + run->o.stats_interval;
		}
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "falcoc-run: polling ring buffers: %s\n", strerror(-err));
			rc = 2;
			break;
		}
		fflush(run->out);
		if (child > 0 && (g_child_exited || err == 0)) {
			int ws;
			pid_t w = waitpid(child, &ws, WNOHANG);
			if (w == child) {
				cmd_status = cmd_status_of(ws);
				child = -1;
				break; /* its events are all in the rings: drain them */
			}
		}
	}
	/* detach first, so the drain ends: what the rings hold is still
	 * counted and evaluated */
	src_stop_drain(run);
	fflush(run->out);
	have_k = src_stats(run, kstats);
	if (child > 0) {
		/* stopped by a signal while CMD runs: stop it too */
		int ws;
		kill(child, SIGTERM);
		if (waitpid(child, &ws, 0) == child)
			cmd_status = cmd_status_of(ws);
	}
	/* nothing of ours stays in the kernel past this point */
	live_close(run->lv);
	run->lv = NULL;
	kmod_src_close(run->ks);
	run->ks = NULL;

	if (run->wr) {
		if (scap_writer_close(run->wr, &werr) < 0) {
			fprintf(stderr, "falcoc-run: %s: %s\n", run->o.write_path, werr ? werr : "write failed");
			fc_free(werr);
			rc = 2;
		}
		run->wr = NULL;
	}
	if (run->wr_failed)
		rc = 2;

	uint64_t lost = (have_k ? kstats[FC_STAT_RING_FULL] : 0) + run->undecodable + run->no_ext;
	uint64_t trunc = have_k ? kstats[FC_STAT_TRUNCATED] : 0;
	if (lost || trunc || run->o.verbose)
		fprintf(stderr,
			"falcoc-run: %llu events, %llu alerts; lost %llu (ring full %llu, undecodable %llu, "
			"without extensions %llu); truncated %llu\n",
			(unsigned long long)run->received, (unsigned long long)run->alerts,
			(unsigned long long)lost,
			(unsigned long long)(have_k ? kstats[FC_STAT_RING_FULL] : 0),
			(unsigned long long)run->undecodable, (unsigned long long)run->no_ext,
			(unsigned long long)trunc);
	if (!have_k)
		fprintf(stderr, "falcoc-run: warning: the probe's fc_stats counters could not be read\n");
	if (run->o.stats_path) {
		int src = write_stats(run, kstats, have_k, cmd_status);
		if (src && !rc)
			rc = src;
	}
	if (cmd_status >= 0) {
		fprintf(stderr, "falcoc-run: %s exited with status %d\n", run->o.cmd[0], cmd_status);
		if (!rc)
			rc = cmd_status;
	}
	return rc;
}

#ifndef FALCOC_STDLIB_PROBE_DEFAULT
#define FALCOC_STDLIB_PROBE_DEFAULT ""
#endif
#ifndef FALCOC_STDLIB_DIR
#define FALCOC_STDLIB_DIR ""
#endif

/* The prebuilt stdlib probe: $FALCOC_STDLIB_PROBE, else the one the build
 * made. NULL (with a message) if there is none. */
static const char *stdlib_probe_path(void)
{
	const char *p = getenv("FALCOC_STDLIB_PROBE");

	if (!p || !*p)
		p = FALCOC_STDLIB_PROBE_DEFAULT;
	if (*p && access(p, R_OK) == 0)
		return p;
	fprintf(stderr,
		"falcoc-run: no probe given and no prebuilt stdlib probe%s%s%s\n"
		"  build it:   cmake --build build --target stdlib_probe\n"
		"  or compile: falcoc %s/*.yaml -o probe.o && falcoc-run probe.o\n",
		*p ? " at " : "", p, *p ? " (missing)" : "",
		*FALCOC_STDLIB_DIR ? FALCOC_STDLIB_DIR : "stdlib-rules");
	return NULL;
}

/* Where the main job cannot load BPF: say so, and show the rules on the
 * bundled capture instead. */
static void stdlib_replay_hint(void)
{
	const char *dir = *FALCOC_STDLIB_DIR ? FALCOC_STDLIB_DIR : "stdlib-rules";

	fprintf(stderr,
		"falcoc-run: the live probe cannot run here; to see the stdlib rules at work\n"
		"  without BPF, replay the bundled capture:\n"
		"    falcoc-run --replay %s/demo/stdlib_demo.scap -r %s/macros.yaml -r %s/files.yaml \\\n"
		"      -r %s/process.yaml -r %s/network.yaml -r %s/kernel.yaml\n",
		dir, dir, dir, dir, dir, dir);
}

static int parse_args(struct run *run, int argc, char **argv)
{
	enum {
		O_REPLAY = 256, O_JSON, O_ISO, O_MATCH, O_DIS_RULE, O_DIS_TAG, O_PRIO, O_FILTER, O_PRINT,
		O_STATS, O_STATS_INTERVAL, O_BTF, O_DRIVER,
	};
	static const struct option opts[] = {
		{ "replay", required_argument, NULL, O_REPLAY },
		{ "stats", required_argument, NULL, O_STATS },
		{ "stats-interval", required_argument, NULL, O_STATS_INTERVAL },
		{ "btf", required_argument, NULL, O_BTF },
		{ "driver", required_argument, NULL, O_DRIVER },
		{ "verbose", no_argument, NULL, 'v' },
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
	/* `-- CMD ARGS`: everything after the first "--" is the command */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			o->cmd = argv + i + 1;
			argv[i] = NULL;
			argc = i;
			break;
		}
	}
	while ((c = getopt_long(argc, argv, "r:o:w:hv", opts, NULL)) != -1) {
		switch (c) {
		case O_REPLAY: o->replay = optarg; break;
		case O_STATS: o->stats_path = optarg; break;
		case O_STATS_INTERVAL: {
			char *end;
			o->stats_interval = strtod(optarg, &end);
			if (end == optarg || *end || !(o->stats_interval > 0) ||
			    o->stats_interval > 86400) {
				fprintf(stderr, "falcoc-run: --stats-interval: seconds in (0, 86400], "
						"not '%s'\n", optarg);
				return 2;
			}
			break;
		}
		case O_BTF: o->btf_path = optarg; break;
		case O_DRIVER:
			if (strcmp(optarg, "bpf") && strcmp(optarg, "kmod")) {
				fprintf(stderr, "falcoc-run: --driver: 'bpf' or 'kmod', not '%s'\n", optarg);
				return 2;
			}
			o->driver_kmod = !strcmp(optarg, "kmod");
			break;
		case 'v': o->verbose = true; break;
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
	if (optind < argc && !o->replay)
		o->probe = argv[optind++];
	if (!o->probe && !o->replay && !o->rules_files.n && !o->filter && !o->print) {
		/* the main job: falcoc's own rule library, live */
		o->probe = stdlib_probe_path();
		o->default_probe = true;
		if (!o->probe)
			return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "falcoc-run: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o->probe) {
		/* live: the rules come from the probe */
		if (o->rules_files.n || o->filter || o->print) {
			fprintf(stderr, "falcoc-run: a probe carries its rules: -r, --filter and --print "
					"are for --replay\n");
			return 2;
		}
		if (o->cmd && !o->cmd[0]) {
			fprintf(stderr, "falcoc-run: '--' without a command\n");
			return 2;
		}
		return 0;
	}
	if (o->cmd || o->stats_path || o->stats_interval > 0 || o->btf_path) {
		fprintf(stderr, "falcoc-run: -- CMD, --stats, --stats-interval and --btf need a probe "
				"(live mode)\n");
		return 2;
	}
	if (!o->replay) {
		fprintf(stderr, "falcoc-run: no event source: give a probe.o or --replay FILE.scap\n");
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

	if (run.o.probe && run.o.driver_kmod) {
		/* no BPF: the module needs root to open /dev/falcoc only */
		if (geteuid() != 0) {
			fprintf(stderr, "falcoc-run: --driver kmod: run as root (%s is root-only)\n",
				"/dev/falcoc");
			rc = 2;
			goto cleanup;
		}
		run.lv = live_open(run.o.probe, run.o.verbose);
		if (!run.lv) {
			rc = 2;
			goto cleanup;
		}
	} else if (run.o.probe) {
		live_set_btf_path(run.o.btf_path);
		rc = live_check_env();
		if (rc) {
			if (run.o.default_probe)
				stdlib_replay_hint();
			goto cleanup;
		}
		run.lv = live_open(run.o.probe, run.o.verbose);
		if (!run.lv) {
			rc = 2;
			goto cleanup;
		}
	}
	run.cx = rt_cond_ctx_new(&run.arena);
	run.st = rt_state_new();
	rt_out_opts_default(&run.out_opts);
	run.out_opts.json = run.o.json;
	run.out_opts.time_iso8601 = run.o.time_iso;
	if (run.o.probe) {
		/* Falco's JSON names the machine the events come from */
		gethostname(run.hostname, sizeof(run.hostname) - 1);
		run.out_opts.hostname = run.hostname;
	}

	if (run.o.rules_files.n || run.o.probe) {
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
	if (run.o.probe) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal; /* no SA_RESTART: poll returns -EINTR */
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		rc = live_run(&run);
	} else {
		rc = replay(&run);
	}
	if (fflush(run.out) != 0 && !rc) {
		fprintf(stderr, "falcoc-run: writing output: %s\n", strerror(errno));
		rc = 2;
	}

cleanup:
	kmod_src_close(run.ks);
	live_close(run.lv);
	if (run.wr)
		scap_writer_close(run.wr, NULL);
	sb_free(&run.line);
	sb_free(&run.strip);
	fc_free(run.type_counts);
	if (run.out && run.out != stdout)
		fclose(run.out);
	if (run.cx)
		rt_cond_ctx_free(run.cx);
	if (run.st)
		rt_state_free(run.st);
	arena_free(&run.arena);
	return rc;
}
