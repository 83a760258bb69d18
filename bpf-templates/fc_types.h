/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * fc_types.h: the few kernel types the probe reads, as small CO-RE
 * subsets. Every struct is marked preserve_access_index, so clang emits
 * relocations and libbpf fixes each field offset against the running
 * kernel's BTF at load time: the layouts below only have to name the
 * fields, not match the kernel's order or size.
 */
#ifndef FC_TYPES_H
#define FC_TYPES_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0

/* Map types, flags and helper ids libbpf's headers expect. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LPM_TRIE = 11,
	BPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPF_MAP_TYPE_RINGBUF = 27,
};

enum {
	BPF_F_NO_PREALLOC = 1U << 0,
	BPF_ANY = 0,
};

/* bpf_ringbuf_output() flags, bpf_ringbuf_query() what */
enum {
	BPF_RB_NO_WAKEUP = 1ULL << 0,
	BPF_RB_FORCE_WAKEUP = 1ULL << 1,
	BPF_RB_AVAIL_DATA = 0,
};

#define BPF_F_CURRENT_CPU 0xffffffffULL

struct pt_regs {
	unsigned long di, si, dx, r10, r8, r9;
	unsigned long orig_ax, ax;
} __attribute__((preserve_access_index));

typedef struct {
	unsigned int val;
} kuid_t;

typedef struct {
	unsigned int val;
} kgid_t;

struct cred {
	kuid_t uid;
	kgid_t gid;
	kuid_t euid;
	kgid_t egid;
} __attribute__((preserve_access_index));

struct upid {
	int nr;
} __attribute__((preserve_access_index));

struct pid {
	unsigned int level;
	struct upid numbers[1];
} __attribute__((preserve_access_index));

struct rlimit {
	unsigned long rlim_cur;
	unsigned long rlim_max;
} __attribute__((preserve_access_index));

struct signal_struct {
	struct rlimit rlim[16];
} __attribute__((preserve_access_index));

struct qstr {
	const unsigned char *name;
} __attribute__((preserve_access_index));

struct dentry {
	struct qstr d_name;
} __attribute__((preserve_access_index));

struct path {
	struct dentry *dentry;
} __attribute__((preserve_access_index));

struct file;

struct mm_struct {
	unsigned long arg_start, arg_end;
	unsigned long env_start, env_end;
	struct file *exe_file;
} __attribute__((preserve_access_index));

struct super_block {
	unsigned int s_dev;
} __attribute__((preserve_access_index));

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
	struct super_block *i_sb;
} __attribute__((preserve_access_index));

struct file {
	unsigned int f_mode;
	struct inode *f_inode;
	void *private_data;
	struct path f_path;
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
} __attribute__((preserve_access_index));

struct socket {
	short type;
	struct sock *sk;
} __attribute__((preserve_access_index));

struct thread_info {
	unsigned long flags;
	__u32 status;
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_info thread_info;
	int pid;
	int tgid;
	int exit_code;
	char comm[16];
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	const struct cred *cred;
	kuid_t loginuid;
	struct pid *thread_pid;
	struct files_struct *files;
	struct mm_struct *mm;
	struct signal_struct *signal;
} __attribute__((preserve_access_index));

/* IPv4 socket address as the user passes it to connect(). */
struct fc_sockaddr_in {
	unsigned short sin_family;
	__be16 sin_port;
	__be32 sin_addr;
};

#endif
