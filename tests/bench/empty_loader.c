// SPDX-License-Identifier: Apache-2.0
/*
 * empty_loader PROBE.o: load and attach every program of PROBE.o (the
 * benchmark's empty probe), print "empty_loader: ready" on stderr, and
 * hold them until SIGINT or SIGTERM; then detach and exit 0. Exit 2 with
 * a message when the object cannot be opened, loaded or attached.
 *
 * The overhead benchmark runs it like falcoc-run: start, wait for the
 * ready line, run the workload, signal.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_link *links[16];
	size_t nlinks = 0;
	int rc = 2, err;

	if (argc != 2) {
		fprintf(stderr, "usage: empty_loader PROBE.o\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "empty_loader: %s: cannot open: %s\n", argv[1], strerror(errno));
		return 2;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "empty_loader: %s: load failed: %s\n", argv[1], strerror(-err));
		goto cleanup;
	}
	bpf_object__for_each_program(p, obj)
	{
		if (nlinks == sizeof(links) / sizeof(links[0])) {
			fprintf(stderr, "empty_loader: too many programs\n");
			goto cleanup;
		}
		links[nlinks] = bpf_program__attach(p);
		if (!links[nlinks]) {
			fprintf(stderr, "empty_loader: attaching '%s': %s\n", bpf_program__name(p),
				strerror(errno));
			goto cleanup;
		}
		nlinks++;
	}
	/* no SA_RESTART: pause() returns on the signal */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "empty_loader: ready\n");
	while (!g_stop)
		pause();
	rc = 0;
cleanup:
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
	bpf_object__close(obj);
	return rc;
}
