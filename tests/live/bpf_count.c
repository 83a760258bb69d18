// SPDX-License-Identifier: Apache-2.0
/* bpf_count: print "progs N links M", the BPF programs and links of
 * falcoc's probes loaded in the kernel (programs named fc_* or mini_*, the
 * mini probe's, and the links to them), so the live tests can check
 * falcoc-run leaves nothing behind. Objects of other software on the
 * machine, which may come and go during a test, are not counted. */
#include <bpf/bpf.h>
#include <stdio.h>
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

int main(void)
{
	__u32 id = 0, progs = 0, links = 0;

	while (bpf_prog_get_next_id(id, &id) == 0)
		progs += ours(id);
	id = 0;
	while (bpf_link_get_next_id(id, &id) == 0) {
		struct bpf_link_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			links += ours(info.prog_id);
		close(fd);
	}
	printf("progs %u links %u\n", progs, links);
	return 0;
}
