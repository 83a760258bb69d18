// SPDX-License-Identifier: Apache-2.0
/*
 * procfs_check: seed an rt_state from /proc (procfs_scan) and check it.
 *
 *   procfs_check self    open a file, a TCP listener, a UDP socket, a unix
 *                        socket and a pipe, scan, and assert what the state
 *                        holds for this process (ids, comm, exe, args, cwd,
 *                        uid, fds by type and name)
 *   procfs_check dump    print "pid ppid uid comm" for every process, for
 *                        the test script to compare with ps
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "procfs.h"
#include "state_int.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                       \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static int dump(void)
{
	struct rt_state *st = rt_state_new();
	struct procfs_sink sink;
	struct procfs_stats ps;
	procfs_state_sink(&sink, st);
	if (procfs_scan(NULL, &sink, &ps) != 0)
		return 2;
	for (unsigned b = 0; b < st->tbuckets; b++)
		for (struct rt_thread *t = st->tb[b]; t; t = t->next)
			if (t->tid == t->pid)
				printf("%lld %lld %u %s\n", (long long)t->pid, (long long)t->ptid, t->uid,
				       t->comm);
	rt_state_free(st);
	return 0;
}

static int self(void)
{
	int file = open("/etc/hostname", O_RDONLY);
	int tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0);
	int ux = socket(AF_UNIX, SOCK_STREAM, 0), pfd[2];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un u = { .sun_family = AF_UNIX };
	socklen_t al = sizeof(a);
	char upath[64];

	if (file < 0 || tcp < 0 || udp < 0 || ux < 0 || pipe(pfd) < 0) {
		perror("setup");
		return 2;
	}
	bind(tcp, (struct sockaddr *)&a, sizeof(a));
	bind(udp, (struct sockaddr *)&a, sizeof(a)); /* unbound UDP sockets are in no table */
	listen(tcp, 1);
	getsockname(tcp, (struct sockaddr *)&a, &al);
	unsigned port = ntohs(a.sin_port);
	snprintf(upath, sizeof(upath), "/tmp/procfs_check.%d.sock", (int)getpid());
	strcpy(u.sun_path, upath);
	unlink(upath);
	bind(ux, (struct sockaddr *)&u, sizeof(u));
	listen(ux, 1);

	struct rt_state *st = rt_state_new();
	struct procfs_sink sink;
	struct procfs_stats ps;
	procfs_state_sink(&sink, st);
	CHECK(procfs_scan(NULL, &sink, &ps) == 0, "procfs_scan failed");
	CHECK(ps.procs > 1 && ps.threads >= ps.procs, "procs %llu threads %llu",
	      (unsigned long long)ps.procs, (unsigned long long)ps.threads);

	struct rt_thread *th = rt_state_thread(st, getpid());
	CHECK(th != NULL, "own process missing");
	if (th) {
		char cwd[4096];
		CHECK(th->pid == getpid(), "pid %lld", (long long)th->pid);
		CHECK(th->ptid == getppid(), "ptid %lld want %d", (long long)th->ptid, (int)getppid());
		CHECK(th->uid == geteuid() && th->gid == getegid(), "uid/gid %u/%u", th->uid, th->gid);
		char comm[64] = "";
		FILE *cf = fopen("/proc/self/comm", "r");
		if (cf) {
			if (fgets(comm, sizeof(comm), cf))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(cf);
		}
		CHECK(!strcmp(th->comm, comm), "comm '%s' want '%s'", th->comm, comm);
		CHECK(strstr(th->exepath, "procfs_check") != NULL, "exepath '%s'", th->exepath);
		CHECK(th->args && !strcmp(th->args, "self"), "args '%s'", th->args ? th->args : "(null)");
		CHECK(getcwd(cwd, sizeof(cwd) - 1) && !strncmp(th->cwd, cwd, strlen(cwd)),
		      "cwd '%s'", th->cwd);
		CHECK(th->fdlimit > 0, "fdlimit %lld", (long long)th->fdlimit);

		struct rt_fd *f = rt_state_fd(st, th, file);
		CHECK(f && f->type == RT_FD_FILE_V2 && !strcmp(f->name, "/etc/hostname"),
		      "file fd: type %d name '%s'", f ? (int)f->type : -1, f ? f->name : "");
		CHECK(f && (f->open_flags & 3) == 1, "file flags %#x (want PPM_O_RDONLY)",
		      f ? f->open_flags : 0);
		f = rt_state_fd(st, th, tcp);
		char want[64];
		snprintf(want, sizeof(want), "127.0.0.1:%u", port);
		CHECK(f && f->type == RT_FD_IPV4_SERVSOCK && f->sport == port && !strcmp(f->name, want),
		      "tcp listener: type %d port %u name '%s'", f ? (int)f->type : -1,
		      f ? f->sport : 0, f ? f->name : "");
		f = rt_state_fd(st, th, udp);
		CHECK(f && f->type == RT_FD_IPV4_SERVSOCK && f->l4proto == 3, "udp: type %d l4 %d",
		      f ? (int)f->type : -1, f ? f->l4proto : -1);
		f = rt_state_fd(st, th, ux);
		CHECK(f && f->type == RT_FD_UNIX_SOCK && !strcmp(f->name, upath), "unix: type %d name '%s'",
		      f ? (int)f->type : -1, f ? f->name : "");
		f = rt_state_fd(st, th, pfd[0]);
		CHECK(f && f->type == RT_FD_FIFO && !strncmp(f->name, "pipe:[", 6), "pipe: type %d name '%s'",
		      f ? (int)f->type : -1, f ? f->name : "");
	}
	struct rt_user *root = rt_state_user(st, 0);
	CHECK(root && !strcmp(root->name, "root"), "user 0 '%s'", root ? root->name : "(none)");
	struct rt_group *g0 = rt_state_group(st, 0);
	CHECK(g0 && !strcmp(g0->name, "root"), "group 0 '%s'", g0 ? g0->name : "(none)");
	CHECK(procfs_open_flags(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) ==
		      ((1u << 1) | (1u << 2) | (1u << 8) | (1u << 12)),
	      "open flags conversion %#x", procfs_open_flags(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC));
	rt_state_free(st);
	unlink(upath);
	if (!failures)
		printf("procfs_check: ok\n");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "dump"))
		return dump();
	if (argc == 2 && !strcmp(argv[1], "self"))
		return self();
	fprintf(stderr, "usage: procfs_check self|dump\n");
	return 2;
}
