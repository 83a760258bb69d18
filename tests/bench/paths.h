// SPDX-License-Identifier: Apache-2.0
/*
 * The overhead benchmark's files: 32 paths no rule matches, in four
 * directories, which the loop opens in turn (workload.c, overhead.c).
 * Several paths, not one: how much a path costs the kernel filter depends
 * on the path (a bloom-filter false positive sends a check to a map
 * lookup), and one path would measure its own luck.
 */
#ifndef FC_BENCH_PATHS_H
#define FC_BENCH_PATHS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
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

#endif
