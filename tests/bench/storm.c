// SPDX-License-Identifier: Apache-2.0
/*
 * storm PATH RATE SECONDS: open and close PATH RATE times a second for
 * SECONDS (RATE 0: as fast as possible), then print
 *
 *   storm: N opens in S s, rate R/s (asked A/s)
 *
 * Each openat of PATH is an event a rule matches (the storm rules in
 * tests/bench/storm_rules.yaml), so the rate is the rate of events the
 * probe sends to userspace. Pacing: the loop works in slices of 1 ms and
 * sleeps until a slice's opens are due; at high rates it just runs
 * (nanosleep's own cost would cap the rate).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char *e1, *e2;

	if (argc != 4) {
		fprintf(stderr, "usage: storm PATH RATE SECONDS   (RATE 0: unlimited)\n");
		return 2;
	}
	const char *path = argv[1];
	double rate = strtod(argv[2], &e1), secs = strtod(argv[3], &e2);
	if (*e1 || *e2 || rate < 0 || secs <= 0 || secs > 3600) {
		fprintf(stderr, "storm: bad RATE '%s' or SECONDS '%s'\n", argv[2], argv[3]);
		return 2;
	}
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(path);
		return 2;
	}
	close(fd);

	double t0 = now_s(), end = t0 + secs;
	long long n = 0;
	for (;;) {
		double t = now_s();
		if (t >= end)
			break;
		/* opens due by now; catch up in one burst of at most 1 ms */
		long long due = rate > 0 ? (long long)((t - t0) * rate) + 1 : n + 256;
		if (n >= due) {
			double wake = t0 + (double)(n + 1) / rate;
			if (wake - t > 50e-6) {
				struct timespec ts = { 0, (long)((wake - t) * 1e9) };
				nanosleep(&ts, NULL);
			}
			continue;
		}
		for (; n < due; n++) {
			int f = open(path, O_RDONLY | O_CLOEXEC);
			if (f < 0) {
				perror(path);
				return 2;
			}
			close(f);
		}
	}
	double dt = now_s() - t0;
	printf("storm: %lld opens in %.3f s, rate %.0f/s (asked %.0f/s)\n", n, dt, (double)n / dt,
	       rate);
	return 0;
}
