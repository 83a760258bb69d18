// SPDX-License-Identifier: Apache-2.0
/*
 * bench_overhead: the overhead benchmark's measurement, in one process, with
 * the configurations interleaved every few milliseconds.
 *
 *   bench_overhead [options] EMPTY.o FALCO_STYLE.o FALCOC.o
 *     --rounds N   rounds (default 40); each measures every configuration
 *     --blocks N   blocks per configuration and round (default 12)
 *     --iters N    iterations per block (default 1000)
 *     --prog-time  also the BPF programs' own run time (below)
 *
 * The configurations: none (no probe), empty (EMPTY.o's empty tp_btf
 * programs, the floor), falco_style and falcoc (probes compiled by falcoc
 * from the same rules, without and with the kernel filter; a kernel-filtering
 * probe's lists are filled from the rules it carries, as falcoc-run fills
 * them). All three are loaded once
 * at the start; a round attaches one configuration at a time (bpf links:
 * about a millisecond), runs blocks of the workload loop (openat of the
 * paths of bench_loop.h in turn, close, getppid: 3 syscalls per iteration) on
 * CPU 1 and detaches it, the rounds in the orders of a Williams square
 * (below). A reader thread on CPU 0 drains both probes' rings every
 * millisecond (it counts the events and drops nothing on purpose); a
 * runtime's rule evaluation, on CPU 0, would not be part of the loop's
 * time either.
 *
 * Why this way: the loop's CPU time on a shared machine drifts by 50% and
 * more over seconds (neighbours, the hypervisor). Measuring the four
 * configurations milliseconds apart, many times over, puts them under the
 * same drift, so their differences and ratios hold where separate runs
 * seconds apart do not.
 *
 * Each block's CPU time per syscall (CLOCK_THREAD_CPUTIME_ID: kernel time
 * and BPF programs included, preemption excluded); per round and
 * configuration the median block. Output, one line each:
 *
 *   round R none X empty X falco_style X falcoc X
 *   config C median X q1 X events N dropped N workload_events N syscalls N
 *   ratio falcoc_vs_empty M falcoc_vs_falco_style M
 *
 * where a ratio is the median over rounds of (falcoc - none) / (C - none),
 * each round's four values measured within about 50 ms. events counts
 * every event a probe sent (other processes' too), workload_events those
 * of the loop's thread, and syscalls the loop's syscalls under the
 * configuration (warm-up calls included): bench.py charges userspace
 * evaluation per workload event with them. Exit 2 on a setup
 * error (message on stderr), 77 when BPF cannot be loaded here.
 *
 * With --prog-time, the kernel's BPF run-time statistics are on for the
 * run (BPF_ENABLE_STATS), and each round also prints
 *
 *   progtime R falco_style X falcoc X
 *
 * the run time of every BPF program on the machine while the
 * configuration was attached (its blocks), per syscall of the loop: the
 * probe's programs alone, helpers included, without the hook that calls
 * them or their effect on the syscalls' own work. Much steadier than the
 * loop's time, so the way to compare two probes (one in each slot, then
 * swapped: the slots are not quite alike). The statistics cost about
 * two clock reads per run of a program, counted in X.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "codegen.h"
#include "diag.h"
#include "event.h"
#include "live.h"
#include "ruleset.h"
#include "split.h"

#include "bench_loop.h"

enum { C_NONE, C_EMPTY, C_FALCO_STYLE, C_FALCOC, NCONF };
static const char *const conf_name[NCONF] = { "none", "empty", "falco_style", "falcoc" };

struct empty_probe {
	struct bpf_object *obj;
	struct bpf_link *links[8];
	size_t nlinks;
};

static struct live *g_lv[NCONF];
static struct empty_probe g_empty;
static atomic_bool g_stop;
static pid_t g_workload_tid;

/* What the reader counted of a probe's events. */
struct ev_count {
	atomic_ulong all, workload;
};
static struct ev_count g_events[NCONF];
static unsigned long g_syscalls[NCONF];

/* The run time, in ns, of every BPF program loaded (BPF_ENABLE_STATS). */
static unsigned long long prog_time_ns(void)
{
	unsigned long long t = 0;
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			t += info.run_time_ns;
		close(fd);
	}
	return t;
}

static double cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void on_event(void *ctx, const uint8_t *data, size_t size, unsigned cpu)
{
	struct ev_count *n = ctx;
	uint64_t tid;

	(void)cpu;
	atomic_fetch_add_explicit(&n->all, 1, memory_order_relaxed);
	if (size < RT_EVT_HDR_LEN)
		return;
	memcpy(&tid, data + 8, sizeof(tid)); /* the header: ts, tid, ... */
	if (tid == (uint64_t)g_workload_tid)
		atomic_fetch_add_explicit(&n->workload, 1, memory_order_relaxed);
}

/* Drains both probes' rings alike: every millisecond, one after the
 * other, without waiting on either ring while the other probe runs. */
static void *reader(void *arg)
{
	const struct timespec ms = { 0, 1000 * 1000 };

	(void)arg;
	pin(0);
	while (!atomic_load(&g_stop)) {
		for (int c = C_FALCO_STYLE; c <= C_FALCOC; c++)
			live_poll(g_lv[c], 0);
		nanosleep(&ms, NULL);
	}
	return NULL;
}

static int empty_open(const char *path)
{
	g_empty.obj = bpf_object__open_file(path, NULL);
	if (!g_empty.obj || bpf_object__load(g_empty.obj)) {
		fprintf(stderr, "bench_overhead: %s: cannot load: %s\n", path, strerror(errno));
		return 2;
	}
	return 0;
}

static int empty_attach(void)
{
	struct bpf_program *p;
	bpf_object__for_each_program(p, g_empty.obj)
	{
		if (g_empty.nlinks == sizeof(g_empty.links) / sizeof(g_empty.links[0]))
			return 2;
		struct bpf_link *l = bpf_program__attach(p);
		if (!l) {
			fprintf(stderr, "bench_overhead: attaching '%s': %s\n", bpf_program__name(p),
				strerror(errno));
			return 2;
		}
		g_empty.links[g_empty.nlinks++] = l;
	}
	return 0;
}

static void empty_detach(void)
{
	while (g_empty.nlinks)
		bpf_link__destroy(g_empty.links[--g_empty.nlinks]);
}

/* The set entries of the rules probe lv carries, as falcoc-run puts them
 * into its maps. */
static int rules_sets(struct arena *a, const struct live *lv, struct vec *out)
{
	struct diag_ctx d;
	struct ruleset rs;
	struct split_result sr;

	diag_init(&d, a);
	rs_init(&rs, a, &d);
	size_t bad;
	if (live_add_rules(lv, &rs, &bad) < 0) {
		fprintf(stderr, "bench_overhead: %s: the probe's rules do not read\n",
			live_meta_file(lv, bad)->name);
		return 2;
	}
	rs_compile(&rs);
	if (d.nerrors) {
		fprintf(stderr, "bench_overhead: %u errors in the rules\n", d.nerrors);
		return 2;
	}
	memset(&sr, 0, sizeof(sr));
	split_ruleset(a, &rs, &sr);
	cg_set_entries(a, &sr, out);
	return 0;
}

static int probe_open(struct arena *a, int c, const char *path)
{
	struct live *lv = live_open(path, false);
	struct vec sets = { 0 };
	if (!lv || live_load(lv))
		return 2;
	if ((live_meta(lv)->flags & FC_META_KERNEL_FILTER) &&
	    (rules_sets(a, lv, &sets) || live_put_sets(lv, &sets)))
		return 2;
	if (live_rings_open(lv, on_event, &g_events[c]))
		return 2;
	g_lv[c] = lv;
	return 0;
}

static int attach(int c)
{
	if (c == C_NONE)
		return 0;
	if (c == C_EMPTY)
		return empty_attach();
	return live_attach(g_lv[c]);
}

static void detach(int c)
{
	if (c == C_EMPTY)
		empty_detach();
	else if (c != C_NONE)
		live_detach(g_lv[c]);
}

/*
 * The configurations' order in round r: row r % 4 of a Williams square,
 * in which each configuration comes first, last and right after each
 * other one equally often, so that what a block leaves behind (the
 * reader's backlog, caches) weighs on all of them alike.
 */
static const int order[NCONF][NCONF] = {
	{ C_NONE, C_EMPTY, C_FALCOC, C_FALCO_STYLE },
	{ C_EMPTY, C_FALCO_STYLE, C_NONE, C_FALCOC },
	{ C_FALCO_STYLE, C_FALCOC, C_EMPTY, C_NONE },
	{ C_FALCOC, C_NONE, C_FALCO_STYLE, C_EMPTY },
};

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long arg_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi) {
		fprintf(stderr, "bench_overhead: %s: '%s' is not a number in [%ld, %ld]\n", opt, s, lo,
			hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long rounds = 40, blocks = 12, iters = 1000;
	int i = 1, stats_fd = -1;
	bool prog_time = false;

	while (i < argc && !strncmp(argv[i], "--", 2)) {
		if (!strcmp(argv[i], "--prog-time")) {
			prog_time = true;
			i++;
			continue;
		}
		if (i + 1 >= argc)
			break;
		if (!strcmp(argv[i], "--rounds"))
			rounds = arg_long(argv[i], argv[i + 1], 1, 100000);
		else if (!strcmp(argv[i], "--blocks"))
			blocks = arg_long(argv[i], argv[i + 1], 1, 100000);
		else if (!strcmp(argv[i], "--iters"))
			iters = arg_long(argv[i], argv[i + 1], 1, 10000000);
		else
			break;
		i += 2;
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: bench_overhead [--rounds N] [--blocks N] [--iters N] "
				"[--prog-time] EMPTY.o FALCO_STYLE.o FALCOC.o\n");
		return 2;
	}
	if (live_check_env())
		return 77;
	if (bench_paths_make()) {
		perror(BENCH_ROOT);
		return 2;
	}

	struct arena a;
	arena_init(&a);
	if (empty_open(argv[i]) ||
	    /* falcoc's first: in A/A runs (one probe in both slots) the probe
	     * loaded second came out 4 to 6% cheaper; loaded this way, any such
	     * edge goes to falco_style (A/A: 0.97 to 1.02) */
	    probe_open(&a, C_FALCOC, argv[i + 2]) || probe_open(&a, C_FALCO_STYLE, argv[i + 1]))
		return 2;

	g_workload_tid = (pid_t)syscall(SYS_gettid); /* this thread runs the loop */
	pthread_t th;
	if (pthread_create(&th, NULL, reader, NULL)) {
		fprintf(stderr, "bench_overhead: cannot start the reader thread\n");
		return 2;
	}
	if (pin(1)) {
		fprintf(stderr, "bench_overhead: cannot run on CPU 1 (2 CPUs needed)\n");
		return 2;
	}

	if (prog_time) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0) {
			fprintf(stderr, "bench_overhead: cannot turn on BPF run-time statistics: %s\n",
				strerror(-stats_fd));
			return 2;
		}
	}
	double *per = calloc((size_t)rounds * NCONF, sizeof(*per));
	double *ptime = calloc((size_t)rounds * NCONF, sizeof(*ptime));
	double *blk = calloc((size_t)blocks, sizeof(*blk));
	double *col = calloc((size_t)rounds, sizeof(*col));
	uint64_t drop0[NCONF] = { 0 }, drop1[NCONF] = { 0 };
	int rc = 0;
	if (!per || !ptime || !blk || !col) {
		fprintf(stderr, "bench_overhead: out of memory\n");
		rc = 2;
	}
	for (int c = C_FALCO_STYLE; c <= C_FALCOC; c++) {
		uint64_t k[FC_STAT__COUNT];
		if (!live_read_stats(g_lv[c], k))
			drop0[c] = k[FC_STAT_RING_FULL];
	}
	if (!rc && bench_loop(iters * 10)) /* warm-up: caches, dentries, frequency */
		rc = 2;
	for (long r = 0; r < rounds && !rc; r++) {
		for (int j = 0; j < NCONF && !rc; j++) {
			int c = order[r % NCONF][j];
			if (attach(c)) {
				rc = 2;
				break;
			}
			bench_loop(iters / 4 + 1); /* the first calls after attaching */
			g_syscalls[c] += 3 * (unsigned long)(iters / 4 + 1 + blocks * iters);
			unsigned long long pt0 = prog_time ? prog_time_ns() : 0;
			for (long b = 0; b < blocks; b++) {
				double t0 = cpu_ns();
				if (bench_loop(iters)) {
					rc = 2;
					break;
				}
				blk[b] = (cpu_ns() - t0) / (3.0 * (double)iters);
			}
			if (prog_time)
				ptime[r * NCONF + c] = (double)(prog_time_ns() - pt0) /
						       (3.0 * (double)(blocks * iters));
			detach(c);
			per[r * NCONF + c] = median(blk, (size_t)blocks);
		}
		if (!rc && prog_time)
			printf("progtime %ld falco_style %.1f falcoc %.1f\n", r + 1,
			       ptime[r * NCONF + C_FALCO_STYLE], ptime[r * NCONF + C_FALCOC]);
		if (!rc)
			printf("round %ld none %.1f empty %.1f falco_style %.1f falcoc %.1f\n", r + 1,
			       per[r * NCONF + C_NONE], per[r * NCONF + C_EMPTY],
			       per[r * NCONF + C_FALCO_STYLE], per[r * NCONF + C_FALCOC]);
	}
	usleep(100 * 1000); /* the reader drains what is left */
	atomic_store(&g_stop, true);
	pthread_join(th, NULL);
	for (int c = C_FALCO_STYLE; c <= C_FALCOC; c++) {
		uint64_t k[FC_STAT__COUNT];
		if (!live_read_stats(g_lv[c], k))
			drop1[c] = k[FC_STAT_RING_FULL];
	}

	if (!rc) {
		for (int c = 0; c < NCONF; c++) {
			for (long r = 0; r < rounds; r++)
				col[r] = per[r * NCONF + c];
			double m = median(col, (size_t)rounds); /* sorts col */
			printf("config %s median %.1f q1 %.1f events %lu dropped %llu workload_events %lu "
			       "syscalls %lu\n",
			       conf_name[c], m, col[rounds / 4], atomic_load(&g_events[c].all),
			       (unsigned long long)(drop1[c] - drop0[c]), atomic_load(&g_events[c].workload),
			       g_syscalls[c]);
		}
		double ratio[2];
		for (int k = 0; k < 2; k++) {
			int other = k ? C_FALCO_STYLE : C_EMPTY;
			long n = 0;
			for (long r = 0; r < rounds; r++) {
				double base = per[r * NCONF + C_NONE], d = per[r * NCONF + other] - base;
				if (d > 0)
					col[n++] = (per[r * NCONF + C_FALCOC] - base) / d;
			}
			ratio[k] = n ? median(col, (size_t)n) : -1;
		}
		printf("ratio falcoc_vs_empty %.3f falcoc_vs_falco_style %.3f\n", ratio[0], ratio[1]);
	}
	free(col);
	free(ptime);
	free(per);
	if (stats_fd >= 0)
		close(stats_fd);
	free(blk);
	empty_detach();
	bpf_object__close(g_empty.obj);
	for (int c = C_FALCO_STYLE; c <= C_FALCOC; c++)
		live_close(g_lv[c]);
	arena_free(&a);
	return rc;
}
