/* SPDX-License-Identifier: Apache-2.0 */
/*
 * workload: the deterministic syscalls of the qemu kmod test (run.sh),
 * each rule of rules.yaml fired a known number of times next to
 * look-alike calls that must not fire.
 *
 *   fck_workload              the run (prints nothing on success)
 *   fck_workload child        what the run execs (a child of the run)
 *   fck_workload loop SECS    a busy open/close loop (unload test)
 *   fck_workload bench N      N openat+close+getppid iterations on a
 *                             path no rule matches; prints ns/iteration
 *
 * Built static (no shared libraries in the initramfs for it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fails;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fck_workload: %s failed\n", what);
		fails++;
	}
}

static void touch(const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	check(fd >= 0, path);
	if (fd >= 0)
		close(fd);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench(long n)
{
	touch("/tmp/fck_bench_nomatch", O_CREAT | O_WRONLY);
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, "/tmp/fck_bench_nomatch", O_RDONLY);
		if (fd >= 0)
			close(fd);
		getppid();
	}
	double t1 = now_ns();
	printf("%.1f\n", (t1 - t0) / n);
	return 0;
}

static int loop(int secs)
{
	double end = now_ns() + secs * 1e9;
	while (now_ns() < end) {
		int fd = open("/tmp/fck/secret-loop", O_CREAT | O_WRONLY, 0600);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return 0;
	if (argc > 2 && !strcmp(argv[1], "bench"))
		return bench(atol(argv[2]));
	if (argc > 2 && !strcmp(argv[1], "loop"))
		return loop(atoi(argv[2]));

	mkdir("/tmp/fck", 0755); /* may exist: the host runs us in a tmpfs there */
	/* open: 2 write opens match, the read open and the other file not */
	touch("/tmp/fck/secret1.txt", O_CREAT | O_WRONLY | O_TRUNC);
	touch("/tmp/fck/secret2.txt", O_RDWR | O_CREAT);
	touch("/tmp/fck/secret1.txt", O_RDONLY);
	touch("/tmp/fck/other.txt", O_CREAT | O_WRONLY);
	/* a relative path is not normalised in the kernel: MAYBE, and
	 * userspace decides (it matches) */
	if (chdir("/tmp/fck") == 0) {
		touch("secret3.txt", O_CREAT | O_WRONLY);
		check(chdir("/") == 0, "chdir /");
	}
	check(mkdir("/tmp/fck/etc", 0755) == 0, "mkdir etc");
	touch("/tmp/fck/etc/shadow", O_CREAT | O_WRONLY);
	touch("/tmp/fck/etc/shadow", O_RDONLY);
	touch("/tmp/fck/etc/passwd", O_CREAT | O_RDONLY);
	/* fd.directory / fd.filename */
	check(mkdir("/tmp/fck/dir", 0755) == 0, "mkdir dir");
	touch("/tmp/fck/dir/a.conf", O_CREAT | O_WRONLY);
	touch("/tmp/fck/dir/c.conf", O_CREAT | O_WRONLY);
	touch("/tmp/fck/dir/b.conf", O_CREAT | O_WRONLY);
	/* exec: a child execs us as "child" */
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "fck_workload", "child", "x y", (char *)NULL);
		_exit(127);
	}
	int ws = 0;
	check(pid > 0 && waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && !WEXITSTATUS(ws), "exec");
	/* connect: to a listener on 127.0.0.1:4444, and to 4445 (no rule) */
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(4444) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	check(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind");
	check(listen(ls, 4) == 0, "listen");
	int cs = socket(AF_INET, SOCK_STREAM, 0);
	check(connect(cs, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect 4444");
	close(cs);
	cs = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons(4445);
	check(connect(cs, (struct sockaddr *)&sa, sizeof(sa)) < 0, "connect 4445 refused");
	close(cs);
	close(ls);
	/* rename, chmod, unlink, setuid */
	check(rename("/tmp/fck/other.txt", "/tmp/fck/other.bak") == 0, "rename");
	check(rename("/tmp/fck/other.bak", "/tmp/fck/other.txt") == 0, "rename back");
	touch("/tmp/fck/run.sh", O_CREAT | O_WRONLY);
	check(chmod("/tmp/fck/run.sh", 0755) == 0, "chmod run.sh");
	check(chmod("/tmp/fck/other.txt", 0600) == 0, "chmod other");
	check(unlink("/tmp/fck/secret2.txt") == 0, "unlink secret2");
	check(unlink("/tmp/fck/other.txt") == 0, "unlink other");
	check(syscall(SYS_setuid, 0) == 0, "setuid");
	check(syscall(SYS_setuid, 0) == 0, "setuid");
	return fails ? 1 : 0;
}
