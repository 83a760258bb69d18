// SPDX-License-Identifier: Dual MIT/GPL
/*
 * mini_probe: a hand-written falcoc probe for falcoc-run's live tests,
 * independent of the code generator. It follows bpf-templates/
 * falcoc_abi.h: FC_META_SECTION with three rules, fc_rings (sharded
 * ring buffers), fc_stats, fc_boot_time and fc_rule_enabled in .rodata,
 * and openat exit events (PPME_SYSCALL_OPENAT_2_X, 7 params) with the
 * two extension params.
 *
 * Only openat calls of direct children of falcoc-run are sent (the
 * `-- CMD` of the tests), so the tests see exactly their own events.
 * The kernel "filter" flags rules 0 and 1 for every event and never
 * rule 2, so rule 2 must never alert: userspace evaluates flagged rules
 * only.
 */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef int __s32;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "falcoc_abi.h"

#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_ARRAY_OF_MAPS 12
#define BPF_MAP_TYPE_RINGBUF 27

#define NR_OPENAT 257
#define PPME_OPENAT_X 307

#define RULES_NAME "mini_rules.yaml"
#define RULES_TEXT                                                                                 \
	"- rule: mini shadow\n"                                                                    \
	"  desc: a child of falcoc-run opened /etc/shadow\n"                                      \
	"  condition: evt.type = openat and fd.name = /etc/shadow\n"                              \
	"  output: shadow opened (file=%fd.name proc=%proc.name pname=%proc.pname uid=%user.uid)\n" \
	"  priority: WARNING\n"                                                                    \
	"  tags: [mini, files]\n"                                                                  \
	"- rule: mini hosts\n"                                                                     \
	"  desc: a child of falcoc-run opened /etc/hosts\n"                                       \
	"  condition: evt.type = openat and fd.name = /etc/hosts\n"                               \
	"  output: hosts opened (file=%fd.name proc=%proc.name)\n"                                \
	"  priority: NOTICE\n"                                                                     \
	"  tags: [mini]\n"                                                                         \
	"- rule: mini never flagged\n"                                                             \
	"  desc: the kernel never flags it, so it must never alert\n"                              \
	"  condition: evt.type = openat\n"                                                         \
	"  output: unflagged rule evaluated (file=%fd.name)\n"                                    \
	"  priority: ERROR\n"

struct {
	struct fc_meta_hdr h;
	char files[sizeof(RULES_NAME) + sizeof(RULES_TEXT)];
} fc_meta SEC(FC_META_SECTION) __attribute__((used)) = {
	{ FC_META_MAGIC, FC_ABI_VERSION, FC_META_KERNEL_FILTER, 3, 1, 0 },
	RULES_NAME "\0" RULES_TEXT,
};

struct pt_regs {
	unsigned long dx, si, di, r10, orig_ax;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid, tgid;
	struct task_struct *real_parent;
	char comm[16];
} __attribute__((preserve_access_index));

const volatile __u64 fc_boot_time = 0;
const volatile __u8 fc_rule_enabled[1] = { 0xff };

struct fc_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, FC_RING_BYTES);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 64);
	__type(key, __u32);
	__array(values, struct fc_ring);
} fc_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FC_STAT__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} fc_stats SEC(".maps");

#define BUF 8192
struct scratch {
	__u8 b[BUF];
	struct fc_task t;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} mini_scratch SEC(".maps");

static __always_inline void stat_inc(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&fc_stats, &k);
	if (v)
		*v += 1;
}

static __always_inline int parent_is_runner(struct task_struct *t)
{
	char c[16];
	BPF_CORE_READ_STR_INTO(&c, t, real_parent, comm);
	const char want[] = "falcoc-run";
	for (int i = 0; i < (int)sizeof(want); i++)
		if (c[i] != want[i])
			return 0;
	return 1;
}

SEC("tp_btf/sys_exit")
int mini_sys_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long ret = (long)ctx[1];
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 zero = 0, ring;
	struct scratch *s;
	void *rb;

	if (BPF_CORE_READ(regs, orig_ax) != NR_OPENAT || !parent_is_runner(task))
		return 0;
	stat_inc(FC_STAT_SEEN);
	s = bpf_map_lookup_elem(&mini_scratch, &zero);
	if (!s)
		return 0;

	/* the task values */
	__u64 pidtgid = bpf_get_current_pid_tgid(), uidgid = bpf_get_current_uid_gid();
	struct task_struct *p = BPF_CORE_READ(task, real_parent);
	__builtin_memset(&s->t, 0, sizeof(s->t));
	s->t.pid = pidtgid >> 32;
	s->t.ppid = BPF_CORE_READ(p, tgid);
	s->t.uid = (__u32)uidgid;
	s->t.gid = uidgid >> 32;
	s->t.loginuid = 0xffffffffu;
	bpf_get_current_comm(s->t.comm, sizeof(s->t.comm));
	for (int i = 0; i < FC_MAX_ANCESTORS; i++) {
		if (!p)
			break;
		s->t.apid[i] = BPF_CORE_READ(p, tgid);
		BPF_CORE_READ_STR_INTO(&s->t.acomm[i], p, comm);
		if (s->t.apid[i] <= 1)
			break;
		p = BPF_CORE_READ(p, real_parent);
	}

	/* header 26, 9 u16 lengths, then params */
	__u8 *b = s->b;
	__u16 *lens = (__u16 *)(b + 26);
	__u32 off = 26 + 9 * 2;
	*(__s64 *)(b + off) = ret; /* fd */
	lens[0] = 8;
	off += 8;
	*(__s64 *)(b + off) = (int)BPF_CORE_READ(regs, di); /* dirfd */
	lens[1] = 8;
	off += 8;
	long n = bpf_probe_read_user_str(b + off, 4096, (void *)BPF_CORE_READ(regs, si));
	if (n <= 0) {
		b[off] = 0;
		n = 1;
	}
	n &= 4095;
	lens[2] = n;
	off += n;
	__u32 fl = BPF_CORE_READ(regs, dx), ppm = (fl & 3) == 1 ? 2 : (fl & 3) == 2 ? 3 : 1;
	__builtin_memcpy(b + off, &ppm, 4); /* flags (access mode only) */
	lens[3] = 4;
	__u32 mode = BPF_CORE_READ(regs, r10);
	__builtin_memcpy(b + off + 4, &mode, 4);
	lens[4] = 4;
	__builtin_memset(b + off + 8, 0, 4 + 8); /* dev, ino */
	lens[5] = 4;
	lens[6] = 8;
	off += 20;
	/* extension 0: rules 0 and 1 flagged (if enabled), never rule 2 */
	b[off] = fc_rule_enabled[0] & 0x03;
	lens[7] = 1;
	off += 1;
	/* extension 1: the task */
	bpf_probe_read_kernel(b + off, sizeof(struct fc_task), &s->t);
	lens[8] = sizeof(struct fc_task);
	off += sizeof(struct fc_task);

	*(__u64 *)b = bpf_ktime_get_boot_ns() + fc_boot_time;
	*(__u64 *)(b + 8) = pidtgid & 0xffffffff;
	*(__u32 *)(b + 16) = off;
	*(__u16 *)(b + 20) = PPME_OPENAT_X;
	*(__u32 *)(b + 22) = 9;

	ring = bpf_get_smp_processor_id() / FC_CPUS_PER_RING;
	rb = bpf_map_lookup_elem(&fc_rings, &ring);
	if (!rb) {
		stat_inc(FC_STAT_RING_FULL);
		return 0;
	}
	if (off > BUF - 256)
		return 0;
	if (bpf_ringbuf_output(rb, b, off, 0))
		stat_inc(FC_STAT_RING_FULL);
	else
		stat_inc(FC_STAT_SENT);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
