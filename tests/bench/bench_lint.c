// SPDX-License-Identifier: Apache-2.0
/*
 * bench_lint: time `falcoc lint FILE` in-process.
 *
 *   bench_lint [FILE [N]]      (defaults: the corpus falco_rules.yaml, 50)
 *
 * Each iteration does what cmd_lint() in compiler/main.c does, with a
 * fresh arena: rs_init, rs_add_file (read + YAML + items + collect),
 * rs_compile (resolve, sema, event types) and the text report rendered
 * into a strbuf instead of stdout. One untimed warm-up run comes first
 * (it builds the field indexes and faults in the allocator); its time is
 * printed as "cold". The phase split is measured inside every run with
 * CLOCK_MONOTONIC, which costs a few tens of nanoseconds. Exit status is
 * 0 whatever the figures: benchmarks print, they do not fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "diag.h"
#include "report.h"
#include "ruleset.h"

#ifndef FALCOC_BENCH_DEFAULT_FILE
#define FALCOC_BENCH_DEFAULT_FILE "../shared/corpus/rules/falco_rules.yaml"
#endif

#define TARGET_MS 20.0

enum { PH_LOAD, PH_COMPILE, PH_RENDER, PH_TOTAL, PH__COUNT };
static const char *const phase_names[PH__COUNT] = { "load+read", "compile", "render", "total" };

struct run {
	double ms[PH__COUNT];
	size_t rules, macros, lists, out_bytes, arena_bytes;
	unsigned errors, warnings;
	bool io_error;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void lint_once(const char *path, struct run *r)
{
	const char *const files[] = { path };
	struct arena a;
	struct diag_ctx d;
	struct ruleset rs;
	struct strbuf sb = { 0 };

	double t0 = now_ms();
	arena_init(&a);
	diag_init(&d, &a);
	rs_init(&rs, &a, &d);
	rs.lint = true;
	rs_add_file(&rs, path);
	bool io_error = false;
	for (const struct diag *g = d.head; g; g = g->next)
		io_error |= g->code == DIAG_FILE_READ || g->code == DIAG_TOO_LARGE;
	double t1 = now_ms();
	if (!io_error)
		rs_compile(&rs);
	double t2 = now_ms();
	report_render_sb(&sb, &d, REPORT_TEXT, files, 1, false);
	double t3 = now_ms();

	r->io_error = io_error;
	r->rules = rs.rules.n;
	r->macros = rs.macros.n;
	r->lists = rs.lists.n;
	r->errors = d.nerrors;
	r->warnings = d.nwarnings;
	r->out_bytes = sb.len;
	r->arena_bytes = a.bytes;
	sb_free(&sb);
	arena_free(&a);
	double t4 = now_ms();

	r->ms[PH_LOAD] = t1 - t0;
	r->ms[PH_COMPILE] = t2 - t1;
	r->ms[PH_RENDER] = t3 - t2;
	r->ms[PH_TOTAL] = t4 - t0; /* includes arena_free */
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : FALCOC_BENCH_DEFAULT_FILE;
	long n = 50;

	if (argc > 3 || (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
		fprintf(stderr, "usage: bench_lint [FILE [N]]   (default %s, 50)\n",
			FALCOC_BENCH_DEFAULT_FILE);
		return argc > 3 ? 2 : 0;
	}
	if (argc > 2) {
		char *end;
		n = strtol(argv[2], &end, 10);
		if (*end || n < 1 || n > 1000000) {
			fprintf(stderr, "bench_lint: bad iteration count '%s'\n", argv[2]);
			return 2;
		}
	}

	struct run cold;
	lint_once(path, &cold);

	if (cold.io_error) {
		fprintf(stderr, "bench_lint: cannot read '%s'\n", path);
		return 2;
	}

	struct run *runs = calloc((size_t)n, sizeof(*runs));
	double *v = calloc((size_t)n, sizeof(*v));
	if (!runs || !v) {
		fprintf(stderr, "bench_lint: out of memory\n");
		return 2;
	}
	for (long i = 0; i < n; i++)
		lint_once(path, &runs[i]);

	const struct run *r0 = &runs[0];
	printf("bench_lint: %s\n", path);
	printf("  %zu rules, %zu macros, %zu lists; %u errors, %u warnings; "
	       "report %zu bytes; arena %.1f KiB\n",
	       r0->rules, r0->macros, r0->lists, r0->errors, r0->warnings, r0->out_bytes,
	       (double)r0->arena_bytes / 1024.0);
	printf("  %ld iterations (after 1 warm-up: cold %.3f ms)\n", n, cold.ms[PH_TOTAL]);
	printf("  %-10s %9s %9s %9s %9s\n", "phase", "min ms", "median", "mean", "max");
	double median_total = 0;
	for (int p = 0; p < PH__COUNT; p++) {
		double sum = 0;
		for (long i = 0; i < n; i++) {
			v[i] = runs[i].ms[p];
			sum += v[i];
		}
		qsort(v, (size_t)n, sizeof(*v), cmp_double);
		double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		if (p == PH_TOTAL)
			median_total = med;
		printf("  %-10s %9.3f %9.3f %9.3f %9.3f\n", phase_names[p], v[0], med,
		       sum / (double)n, v[n - 1]);
	}
	printf("  target %.0f ms: %s (median %.3f ms per lint)\n", TARGET_MS,
	       median_total < TARGET_MS ? "PASS" : "FAIL", median_total);
	free(runs);
	free(v);
	return 0;
}
