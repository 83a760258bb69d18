// SPDX-License-Identifier: Apache-2.0
/*
 * bpf_count: the BPF programs and links of falcoc's probes loaded in the
 * kernel (programs named fc_* or mini_*, the mini probe's, and the links
 * to them), so the live tests can check falcoc-run leaves nothing behind.
 * Objects of other software on the machine are not counted.
 *
 *   bpf_count          "progs N links M": all of them
 *   bpf_count --mark   "P L": the highest program and link ids now
 *   bpf_count P L      "progs N links M": those created since that mark
 *
 * Ids only grow, so the mark leaves out what an earlier process still
 * holds or the kernel has not freed yet (it frees a program
 * asynchronously, up to a second or so after its last close).
 */
#include <bpf/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ours(__u32 prog_id)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id), r = 0;

	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		r = !strncmp(info.name, "fc_", 3) || !strncmp(info.name, "mini_", 5);
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	__u32 id = 0, progs = 0, links = 0, last_prog = 0, last_link = 0;
	__u32 since_prog = argc == 3 ? (__u32)strtoul(argv[1], NULL, 10) : 0;
	__u32 since_link = argc == 3 ? (__u32)strtoul(argv[2], NULL, 10) : 0;
	bool mark = argc == 2 && !strcmp(argv[1], "--mark");

	if (argc != 1 && argc != 3 && !mark) {
		fprintf(stderr, "usage: bpf_count [--mark | PROG_ID LINK_ID]\n");
		return 2;
	}
	while (bpf_prog_get_next_id(id, &id) == 0) {
		last_prog = id;
		progs += id > since_prog && ours(id);
	}
	id = 0;
	while (bpf_link_get_next_id(id, &id) == 0) {
		struct bpf_link_info info = { 0 };
		__u32 len = sizeof(info);
		int fd;

		last_link = id;
		if (id <= since_link || (fd = bpf_link_get_fd_by_id(id)) < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			links += ours(info.prog_id);
		close(fd);
	}
	if (mark)
		printf("%u %u\n", last_prog, last_link);
	else
		printf("progs %u links %u\n", progs, links);
	return 0;
}
