// SPDX-License-Identifier: Apache-2.0
/*
 * The overhead benchmark's loop, shared by workload.c (a separate
 * program, under falcoc-run) and overhead.c (the configurations
 * interleaved in one process), and its files: 32 paths no rule matches,
 * in four directories, which the loop opens in turn.
 * Several paths, not one: how much a path costs the kernel filter depends
 * on the path (a bloom-filter false positive sends a check to a map
 * lookup), and one path would measure its own luck.
 */
#ifndef FC_BENCH_LOOP_H
#define FC_BENCH_LOOP_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BENCH_NPATHS 32
#define BENCH_ROOT "/tmp/fc_bench"

static char bench_path[BENCH_NPATHS][48];

/* Create the files (and their directories); -1 with errno on failure. */
static int bench_paths_make(void)
{
	static const char *const dirs[] = { "cache", "data", "spool", "work" };
	static const char *const exts[] = { "dat", "json", "txt", "bin" };

	if (mkdir(BENCH_ROOT, 0755) && errno != EEXIST)
		return -1;
	for (int i = 0; i < BENCH_NPATHS; i++) {
		char dir[32];
		snprintf(dir, sizeof(dir), BENCH_ROOT "/%s", dirs[i % 4]);
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -1;
		snprintf(bench_path[i], sizeof(bench_path[i]), BENCH_ROOT "/%s/item%02d.%s",
			 dirs[i % 4], i % 100, exts[(i / 4) % 4]);
		int fd = open(bench_path[i], O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

/* n iterations of openat (the paths in turn) + close + getppid: 3
 * syscalls each, made with syscall(2) so that libc adds nothing. -1
 * (message printed) if an open fails. */
static int bench_loop(long n)
{
	for (long i = 0; i < n; i++) {
		const char *path = bench_path[i % BENCH_NPATHS];
		long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(path);
			return -1;
		}
		syscall(SYS_close, fd);
		syscall(SYS_getppid);
	}
	return 0;
}

/* qsort order of doubles. */
static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#endif
