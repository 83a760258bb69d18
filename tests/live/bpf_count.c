// SPDX-License-Identifier: Apache-2.0
/* bpf_count: print "progs N links M", the BPF programs and links loaded
 * in the kernel (what `bpftool prog` / `bpftool link` list), so the live
 * tests can check falcoc-run leaves nothing behind. */
#include <bpf/bpf.h>
#include <stdio.h>

int main(void)
{
	__u32 id = 0, progs = 0, links = 0;

	while (bpf_prog_get_next_id(id, &id) == 0)
		progs++;
	id = 0;
	while (bpf_link_get_next_id(id, &id) == 0)
		links++;
	printf("progs %u links %u\n", progs, links);
	return 0;
}
