// SPDX-License-Identifier: Apache-2.0
/*
 * workload N: the overhead benchmark's syscall loop. N iterations of
 * openat + close + getppid, i.e. 3 syscalls each, the opens going round
 * the 32 paths of bench_loop.h, which no rule matches (created if missing).
 * One warm-up pass of N/10 iterations first, so page cache, dentry cache and
 * the CPU's frequency settle. Prints one line:
 *
 *   workload: N iterations, ns_per_syscall X, ns_per_iteration Y, cpu_ns_per_syscall Z,
 *             cpu_ns_per_syscall_p10 P
 *
 * X and Y are wall-clock; Z is the thread's own CPU time
 * (CLOCK_THREAD_CPUTIME_ID, the scheduler's exact runtime, kernel time
 * included, so the probes' BPF programs count). On a shared machine Z
 * leaves out the time the loop sat preempted by other processes, which
 * is most of the noise.
 *
 * P is Z over the quieter blocks: the loop runs in blocks of BLOCK
 * iterations (about a millisecond each), each timed on its own, and P is
 * the 10th percentile of their CPU time per syscall. What is left in Z
 * after preemption is taken out (a neighbour's cache and memory traffic,
 * the hypervisor's steal, interrupts) only ever adds time, and comes in
 * bursts that spoil some blocks and not others; the benchmark uses P.
 *
 * Exit 2 if the files cannot be made or opened. The loop calls syscall(2) directly so
 * libc adds nothing (glibc caches nothing for these, but getppid through
 * syscall() is sure to enter the kernel).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench_loop.h"

static double now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#define BLOCK 1000

int main(int argc, char **argv)
{
	char *end;
	long n;

	if (argc != 2) {
		fprintf(stderr, "usage: workload N\n");
		return 2;
	}
	n = strtol(argv[1], &end, 10);
	if (*end || n < 10 || n > 100000000) {
		fprintf(stderr, "workload: bad iteration count '%s'\n", argv[1]);
		return 2;
	}
	if (bench_paths_make()) {
		perror(BENCH_ROOT);
		return 2;
	}
	if (bench_loop(n / 10))
		return 2;
	long nblocks = (n + BLOCK - 1) / BLOCK;
	double *blk = malloc((size_t)nblocks * sizeof(*blk));
	if (!blk) {
		perror("workload");
		return 2;
	}
	double t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_THREAD_CPUTIME_ID), cb = c0;
	for (long b = 0; b < nblocks; b++) {
		long k = b == nblocks - 1 ? n - b * BLOCK : BLOCK;
		if (bench_loop(k)) {
			free(blk);
			return 2;
		}
		double ce = now_ns(CLOCK_THREAD_CPUTIME_ID);
		blk[b] = (ce - cb) / (3.0 * (double)k);
		cb = ce;
	}
	double dt = now_ns(CLOCK_MONOTONIC) - t0, dc = cb - c0;
	qsort(blk, (size_t)nblocks, sizeof(*blk), bench_cmp_double);
	printf("workload: %ld iterations, ns_per_syscall %.1f, ns_per_iteration %.1f, "
	       "cpu_ns_per_syscall %.1f, cpu_ns_per_syscall_p10 %.1f\n",
	       n, dt / (3.0 * (double)n), dt / (double)n, dc / (3.0 * (double)n),
	       blk[nblocks / 10]);
	free(blk);
	return 0;
}
