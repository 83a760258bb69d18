// SPDX-License-Identifier: Apache-2.0
/*
 * fc_trigger: performs one syscall-level behaviour for the stdlib rule
 * tests (stdlib-rules/tests/). Each mode does the smallest thing that
 * makes the syscall's exit event happen, and leaves no state behind:
 * namespaces, uids and sockets die with the process, the ptrace target
 * is a child that is killed, module and BPF loads use a garbage file or
 * a trivial socket filter that is closed at once.
 *
 * The process name (comm) that rules see is the basename the helper was
 * executed by, so tests run it through symlinks (bash, nc, gdb, ...).
 *
 * usage: fc_trigger MODE [ARGS]; exit 0 when the syscall was made (its
 * result is printed), 2 on bad usage, 3 when the set-up failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(const char *what, long r)
{
	if (r < 0)
		printf("%s: %ld (%s)\n", what, r, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
	return 0;
}

static pid_t spawn_sleeper(void)
{
	pid_t p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	return p;
}

static void reap(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* A connected TCP pair on 127.0.0.1: *cl is the connect()ed end, *sv the
 * accept()ed one. */
static int tcp_pair(int *cl, int *sv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (void *)&a, &al))
		return -1;
	*cl = socket(AF_INET, SOCK_STREAM, 0);
	if (*cl < 0 || connect(*cl, (void *)&a, sizeof(a)))
		return -1;
	*sv = accept(ls, NULL, NULL);
	close(ls);
	return *sv < 0 ? -1 : 0;
}

static int bpf_call(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	setvbuf(stdout, NULL, _IONBF, 0);

	if (!strcmp(m, "ptrace_attach")) {
		pid_t p = spawn_sleeper();
		long r = ptrace(PTRACE_ATTACH, p, 0, 0);
		if (r == 0) {
			waitpid(p, NULL, 0);
			ptrace(PTRACE_DETACH, p, 0, 0);
		}
		reap(p);
		return report("ptrace(PTRACE_ATTACH)", r);
	}
	if (!strcmp(m, "ptrace_peek_self_child")) {
		/* near miss: only a PTRACE_TRACEME-free, attach-free request */
		pid_t p = spawn_sleeper();
		long r = ptrace(PTRACE_PEEKDATA, p, 0, 0); /* fails: not traced */
		reap(p);
		return report("ptrace(PTRACE_PEEKDATA)", r);
	}
	if (!strcmp(m, "traceme"))
		return report("ptrace(PTRACE_TRACEME)", ptrace(PTRACE_TRACEME, 0, 0, 0));
	if (!strcmp(m, "finit_module") && argc > 2) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 3;
		long r = syscall(SYS_finit_module, fd, "", 0);
		close(fd);
		return report("finit_module", r);
	}
	if (!strcmp(m, "bpf_prog_load") || !strcmp(m, "bpf_map_create")) {
		union bpf_attr attr;
		int r;
		memset(&attr, 0, sizeof(attr));
		if (m[4] == 'p') {
			/* r0 = 0; exit */
			struct bpf_insn insns[2] = {
				{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
				{ .code = BPF_JMP | BPF_EXIT },
			};
			attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
			attr.insns = (unsigned long)insns;
			attr.insn_cnt = 2;
			attr.license = (unsigned long)"GPL";
			r = bpf_call(BPF_PROG_LOAD, &attr);
		} else {
			attr.map_type = BPF_MAP_TYPE_ARRAY;
			attr.key_size = 4;
			attr.value_size = 4;
			attr.max_entries = 1;
			r = bpf_call(BPF_MAP_CREATE, &attr);
		}
		report(m, r);
		if (r >= 0)
			close(r);
		return 0;
	}
	if (!strcmp(m, "setns_net")) {
		/* re-enter our own network namespace: the call succeeds and
		 * changes nothing */
		int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 3;
		long r = setns(fd, CLONE_NEWNET);
		close(fd);
		return report("setns", r);
	}
	if (!strcmp(m, "unshare_user"))
		return report("unshare(CLONE_NEWUSER)", unshare(CLONE_NEWUSER));
	if (!strcmp(m, "setuid") && argc > 2)
		return report("setuid", setuid((uid_t)atoi(argv[2])));
	if (!strcmp(m, "socket_packet") || !strcmp(m, "socket_udp")) {
		int s = m[7] == 'p' ? socket(AF_PACKET, SOCK_RAW, 0) : socket(AF_INET, SOCK_DGRAM, 0);
		report(m, s);
		if (s >= 0)
			close(s);
		return 0;
	}
	if (!strcmp(m, "connect_udp") && argc > 3) {
		/* UDP connect() sends no packet: it only sets the peer */
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[3])) };
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0 || inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
			return 3;
		report("connect", connect(s, (void *)&a, sizeof(a)));
		close(s);
		return 0;
	}
	if (!strcmp(m, "tcp_self")) {
		int cl, sv;
		if (tcp_pair(&cl, &sv))
			return 3;
		close(cl);
		close(sv);
		return report("tcp_self", 0);
	}
	if (!strcmp(m, "dup2_socket") || (!strcmp(m, "dup2_file") && argc > 2)) {
		int cl = -1, sv = -1, src;
		int saved = dup(2);
		if (m[5] == 's') {
			if (tcp_pair(&cl, &sv))
				return 3;
			src = cl;
		} else {
			src = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (src < 0)
				return 3;
		}
		long r = dup2(src, 2);
		dup2(saved, 2);
		close(saved);
		close(src);
		if (sv >= 0)
			close(sv);
		return report("dup2(.., 2)", r);
	}
	if (!strcmp(m, "memfd_exec") || !strcmp(m, "plain_exec")) {
		char *const av[] = { "true", NULL };
		if (m[0] == 'p') {
			execv("/bin/true", av);
			return 3;
		}
		int in = open("/bin/true", O_RDONLY | O_CLOEXEC);
		int mf = (int)syscall(SYS_memfd_create, "fc_memfd", 0);
		char buf[65536];
		ssize_t n;
		if (in < 0 || mf < 0)
			return 3;
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(mf, buf, (size_t)n) != n)
				return 3;
		close(in);
		extern char **environ;
		fexecve(mf, av, environ);
		return 3;
	}
	if ((!strcmp(m, "open_wronly") || !strcmp(m, "open_rdonly")) && argc > 2) {
		int fd = open(argv[2], (m[5] == 'w' ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
		report(m, fd);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(m, "open_child_mem") || !strcmp(m, "open_child_status")) {
		char path[64];
		pid_t p = spawn_sleeper();
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)p, m[11] == 'm' ? "mem" : "status");
		int fd = open(path, (m[11] == 'm' ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		report(path, fd);
		if (fd >= 0)
			close(fd);
		reap(p);
		return 0;
	}
	fprintf(stderr, "usage: fc_trigger MODE [ARGS] (see the source)\n");
	return 2;
}
