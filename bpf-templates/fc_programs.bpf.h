/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * fc_programs.bpf.h: the programs of a falcoc probe, included last by the
 * generated C, after the fc_filter_<syscall>() functions.
 *
 *   fc_sys_exit            tp_btf/sys_exit: syscall id -> FC_SC_* id,
 *                          fc_interesting[] check, then the syscalls of
 *                          FC_INLINED (openat) run inline (fc_run_*),
 *                          the others by a tail call into fc_tail
 *   fc_x_<syscall>         tail-called (never attached): reads the
 *                          arguments from the saved user registers, builds
 *                          the event in fc_scratch, runs fc_filter_<syscall>
 *                          and copies the event to the CPU's ring shard
 *   fc_sched_process_exit  tp_btf/sched_process_exit: procexit events
 *
 * The loader attaches fc_sys_exit and fc_sched_process_exit only. Only
 * the syscalls of FC_PROGRAMS (generated: those with a rule, and the
 * always-flow ones, less FC_INLINED's) get an fc_x_ program and an
 * fc_tail slot; the dispatcher never tail-calls the others
 * (fc_interesting[] is 0, or they are inlined).
 *
 * Each fc_fill_<syscall>() writes exactly the parameters of the event's
 * row in runtime/event_table.def, in order ("Parameter N: name (type)");
 * a parameter the probe does not compute is pushed empty, which
 * userspace treats as absent.
 *
 * With FC_TEST_HARNESS defined, only raw_tp programs fc_t_<syscall> are
 * built instead: they run the same field derivation and the same
 * generated filter on a scratch slot filled by the test through the map,
 * so BPF_PROG_TEST_RUN checks the code that runs in production.
 */
#ifndef FC_PROGRAMS_BPF_H
#define FC_PROGRAMS_BPF_H

/* Set by codegen: FC_SC_* ids with at least one rule, or always flowing. */
/* extern: const volatile __u8 fc_interesting[FC_SC__COUNT]; (generated) */

enum fc_sc_flags {
#define FC_SC(name, nr, ppme, np, flags) FC_SCFL_##name = (flags),
#include "fc_syscalls.def"
};

enum fc_sc_ppme {
#define FC_SC(name, nr, ppme, np, flags) FC_PPME_##name = (ppme),
#include "fc_syscalls.def"
};

enum fc_sc_np {
#define FC_SC(name, nr, ppme, np, flags) FC_NP_##name = (np),
#include "fc_syscalls.def"
};

#define PPM_AF_INET 2
#define FMODE_CREATED 0x100000

/* Whether the dispatcher runs syscall id sc inline (codegen's
 * FC_INLINED: openat). That program, the hottest, also inlines the event
 * start and the path's derivation (fc_evt__begin_, fc_fd__derive_path_),
 * which the others call as global functions: each inlined copy costs
 * clang's compile time. */
#define FC_INLINED_BIT(name) | (1ULL << FC_SC_##name)
#define FC_SC_IS_INLINED(sc) (((0 FC_INLINED(FC_INLINED_BIT)) >> (sc)) & 1)
_Static_assert(FC_SC__COUNT <= 64, "FC_SC_IS_INLINED: a bit per syscall id");

/*=============================== FIELD DERIVATION ===========================*/

/* Derived fields, run after the params are built (and by the harness). */
#define FC_DERIVE_OPEN(name, pidx)                                        \
	static __always_inline void fc_derive_##name(struct fc_scratch *c) \
	{                                                                  \
		if (FC_SC_IS_INLINED(FC_SC_##name))                        \
			fc_fd__derive_path_(c, pidx);                      \
		else                                                       \
			fc_fd__derive_path(c, pidx);                       \
	}
#define FC_DERIVE_NONE(name)                                               \
	static __always_inline void fc_derive_##name(struct fc_scratch *c) \
	{                                                                  \
	}

/* Params filled after the filter, for events that are sent: the open
 * family's dev and ino (fc_open__late); nothing for the others. */
#define FC_LATE_NONE(name) \
	static __always_inline void fc_fill_late_##name(struct fc_scratch *c, long ret) {}

FC_DERIVE_OPEN(open, 1)
FC_DERIVE_OPEN(openat, 2)
FC_DERIVE_OPEN(openat2, 2)
FC_DERIVE_OPEN(creat, 1)
FC_DERIVE_NONE(chdir)
FC_DERIVE_NONE(fchdir)
FC_DERIVE_NONE(execve)
FC_DERIVE_NONE(execveat)
FC_DERIVE_NONE(clone)
FC_DERIVE_NONE(clone3)
FC_DERIVE_NONE(fork)
FC_DERIVE_NONE(vfork)
FC_DERIVE_NONE(procexit)
FC_DERIVE_NONE(connect)
FC_DERIVE_NONE(accept)
FC_DERIVE_NONE(accept4)
FC_DERIVE_NONE(close)
FC_DERIVE_NONE(unlink)
FC_DERIVE_NONE(unlinkat)
FC_DERIVE_NONE(rename)
FC_DERIVE_NONE(renameat)
FC_DERIVE_NONE(renameat2)
FC_DERIVE_NONE(mkdir)
FC_DERIVE_NONE(mkdirat)
FC_DERIVE_NONE(rmdir)
FC_DERIVE_NONE(chmod)
FC_DERIVE_NONE(fchmod)
FC_DERIVE_NONE(fchmodat)
FC_DERIVE_NONE(symlink)
FC_DERIVE_NONE(symlinkat)
FC_DERIVE_NONE(link)
FC_DERIVE_NONE(linkat)
FC_DERIVE_NONE(ptrace)
FC_DERIVE_NONE(setuid)
FC_DERIVE_NONE(setns)
FC_DERIVE_NONE(unshare)
FC_DERIVE_NONE(socket)
FC_DERIVE_NONE(dup)
FC_DERIVE_NONE(dup2)
FC_DERIVE_NONE(dup3)
FC_DERIVE_NONE(sendto)
FC_DERIVE_NONE(bpf)
FC_DERIVE_NONE(init_module)
FC_DERIVE_NONE(finit_module)

#ifndef FC_TEST_HARNESS
FC_LATE_NONE(creat)
FC_LATE_NONE(chdir)
FC_LATE_NONE(fchdir)
FC_LATE_NONE(execve)
FC_LATE_NONE(execveat)
FC_LATE_NONE(clone)
FC_LATE_NONE(clone3)
FC_LATE_NONE(fork)
FC_LATE_NONE(vfork)
FC_LATE_NONE(procexit)
FC_LATE_NONE(connect)
FC_LATE_NONE(accept)
FC_LATE_NONE(accept4)
FC_LATE_NONE(close)
FC_LATE_NONE(unlink)
FC_LATE_NONE(unlinkat)
FC_LATE_NONE(rename)
FC_LATE_NONE(renameat)
FC_LATE_NONE(renameat2)
FC_LATE_NONE(mkdir)
FC_LATE_NONE(mkdirat)
FC_LATE_NONE(rmdir)
FC_LATE_NONE(chmod)
FC_LATE_NONE(fchmod)
FC_LATE_NONE(fchmodat)
FC_LATE_NONE(symlink)
FC_LATE_NONE(symlinkat)
FC_LATE_NONE(link)
FC_LATE_NONE(linkat)
FC_LATE_NONE(ptrace)
FC_LATE_NONE(setuid)
FC_LATE_NONE(setns)
FC_LATE_NONE(unshare)
FC_LATE_NONE(socket)
FC_LATE_NONE(dup)
FC_LATE_NONE(dup2)
FC_LATE_NONE(dup3)
FC_LATE_NONE(sendto)
FC_LATE_NONE(bpf)
FC_LATE_NONE(init_module)
FC_LATE_NONE(finit_module)
#endif

#ifdef FC_TEST_HARNESS

/*=============================== TEST HARNESS ===========================*/

/* Returns the filter's verdict (1 pass, 0 drop); per-rule three-valued
 * results are left in the scratch slot's rv[] and the bitmap in rules[]. */
#define FC_TEST_PROG(name)                                   \
	SEC("raw_tp")                                        \
	int fc_t_##name(void *ctx)                           \
	{                                                    \
		struct fc_scratch *c = fc_scratch__get();    \
		if (!c)                                      \
			return -1;                           \
		fc_memo__reset(c);                           \
		fc_derive_##name(c);                         \
		return fc_filter_##name(c) ? 1 : 0;          \
	}
#define FC_SC(name, nr, ppme, np, flags) FC_TEST_PROG(name)
#include "fc_syscalls.def"

/* The same as an XDP program, whose BPF_PROG_TEST_RUN repeats it in the
 * kernel and times it (test_bpf --bench): the filter's cost per event
 * without syscall or machine noise. */
struct xdp_md;
#define FC_BENCH_PROG(name)                                  \
	SEC("xdp")                                           \
	int fc_b_##name(struct xdp_md *ctx)                  \
	{                                                    \
		struct fc_scratch *c = fc_scratch__get();    \
		if (!c)                                      \
			return 2;                            \
		fc_memo__reset(c);                           \
		fc_derive_##name(c);                         \
		fc_filter_##name(c);                         \
		return 2; /* XDP_PASS */                     \
	}
#define FC_SC(name, nr, ppme, np, flags) FC_BENCH_PROG(name)
#include "fc_syscalls.def"

#else /* !FC_TEST_HARNESS */

/*=============================== ARGUMENTS ===========================*/

/* The saved user registers: tp_btf's first argument is a BTF pointer,
 * so these are plain loads (CO-RE relocated), not helper calls. */
static __always_inline unsigned long fc_regs__arg(struct pt_regs *regs, int n)
{
	switch (n) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

#define ARG(n) fc_regs__arg(regs, n)

/* Start the event. The task's values are read when first needed (a check
 * on a task field, or the event is sent: fc_task__need), except for the
 * always-flow events, whose fill functions read them. */
static __always_inline void fc_fill__begin(struct fc_scratch *c, __u32 sc, __u16 ppme, __u32 np,
					   __s64 res, bool always)
{
	if (FC_SC_IS_INLINED(sc))
		fc_evt__begin_(c, sc, ppme, np, res); /* sc is a constant: one of the two stays */
	else
		fc_evt__begin(c, sc, ppme, np, res);
	if (always)
		fc_task__need(c);
}

#define FC_BEGIN(name, res)                                                    \
	fc_fill__begin(c, FC_SC_##name, FC_PPME_##name, FC_NP_##name, res, \
		       FC_SCFL_##name & FC_SCF_ALWAYS)

/* A dirfd param: AT_FDCWD (-100) is also PPM_AT_FDCWD. */
static __always_inline void fc_evt__push_dirfd(struct fc_scratch *c, unsigned long v)
{
	fc_evt__push_s64(c, (__s64)(int)v);
}

/* new_encode_dev() of the kernel's dev_t, as the driver sends it. */
static __always_inline __u32 fc_encode_dev(__u32 dev)
{
	__u32 major = dev >> 20, minor = dev & ((1U << 20) - 1);

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

/* Parameters dev and ino of an opened fd; returns the file's f_mode. */
FC_GLOBAL int fc_evt__push_dev_ino(struct fc_scratch *c, __s64 fd)
{
	struct file *f = fd >= 0 ? fc_task__file(fd) : NULL;
	struct inode *ino;
	__u32 mode = 0;

	if (!c)
		return 0;
	if (!f) {
		fc_evt__push_empty(c);
		fc_evt__push_empty(c);
		return 0;
	}
	mode = BPF_CORE_READ(f, f_mode);
	ino = BPF_CORE_READ(f, f_inode);
	fc_evt__push_u32(c, fc_encode_dev(BPF_CORE_READ(ino, i_sb, s_dev)));
	fc_evt__push_u64(c, BPF_CORE_READ(ino, i_ino));
	return mode;
}

/* Open flags param (PPM bits) at index idx; O_F_CREATED is added after the
 * fact from the file's f_mode, so we patch the pushed value. */
static __always_inline void fc_evt__patch_u32(struct fc_scratch *c, __u32 idx, __u32 off, __u32 v)
{
	fc_evt__put(c, off, v, 4);
	c->pval[idx & (FC_MAXP - 1)] = v;
}

/*=============================== FILES ===========================*/

/*
 * The open family's last two params, dev and ino, and the O_F_CREATED
 * bit of flags (param fidx) come from the opened file: read only for an
 * event that is sent (fc_fill_late_*), after the filter, which never
 * needs them (codegen.c: a flags check on O_F_CREATED is MAYBE here).
 */
static __always_inline void fc_open__late(struct fc_scratch *c, long ret, __u32 fidx)
{
	if (fc_evt__push_dev_ino(c, ret) & FMODE_CREATED) {
		c->oflags |= PPM_O_F_CREATED;
		fc_evt__patch_u32(c, fidx, c->foff, c->oflags);
	}
}

static __always_inline void fc_fill_open(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	__u32 flags = fc_open_flags(ARG(1));

	FC_BEGIN(open, ret);
	/* Parameter 1: fd (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: name (type: PT_FSPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(0));
	/* Parameter 3: flags (type: PT_FLAGS32) */
	c->foff = c->pos;
	fc_evt__push_u32(c, flags);
	/* Parameter 4: mode (type: PT_UINT32) */
	c->omode = fc_open_mode(ARG(1), ARG(2));
	fc_evt__push_u32(c, c->omode);
	c->oflags = flags;
	/* Parameters 5, 6: dev (PT_UINT32), ino (PT_UINT64): fc_fill_late_open */
}

static __always_inline void fc_fill_late_open(struct fc_scratch *c, long ret)
{
	fc_open__late(c, ret, 2);
}

/*
 * openat, the hottest event, is built in two steps: fc_fill_openat
 * reads what the filter needs (the params' values, the path into its
 * slot) and writes no param; fc_fill_late_openat writes them all, for an
 * event that is sent. Most openat events are filtered out.
 */
static __always_inline void fc_fill_openat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	__u32 flags = fc_open_flags(ARG(2));

	FC_BEGIN(openat, ret);
	fc_evt__peek(c, 0, ret);
	fc_evt__peek(c, 1, (__s64)(int)ARG(0));
	fc_evt__read_ustr(c, FC_SLOT_ARG0, ARG(1), 2);
	c->oflags = flags;
	c->omode = fc_open_mode(ARG(2), ARG(3));
	fc_evt__peek(c, 3, flags);
	fc_evt__peek(c, 4, (__u32)c->omode);
}

static __always_inline void fc_fill_late_openat(struct fc_scratch *c, long ret)
{
	/* Parameter 1: fd (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: dirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, c->pval[1]);
	/* Parameter 3: name (type: PT_FSRELPATH) */
	fc_evt__push_read(c, FC_SLOT_ARG0);
	/* Parameter 4: flags (type: PT_FLAGS32) */
	c->foff = c->pos;
	fc_evt__push_u32(c, c->oflags);
	/* Parameter 5: mode (type: PT_UINT32) */
	fc_evt__push_u32(c, c->omode);
	/* Parameters 6, 7: dev (PT_UINT32), ino (PT_UINT64) */
	fc_open__late(c, ret, 3);
}

struct fc_open_how {
	__u64 flags, mode, resolve;
};

static __always_inline void fc_fill_openat2(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	struct fc_open_how how = {};
	__u32 flags;

	bpf_probe_read_user(&how, sizeof(how), (void *)ARG(2));
	flags = fc_open_flags(how.flags);
	FC_BEGIN(openat2, ret);
	/* Parameter 1: fd (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: dirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, ARG(0));
	/* Parameter 3: name (type: PT_FSRELPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(1));
	/* Parameter 4: flags (type: PT_FLAGS32) */
	c->foff = c->pos;
	fc_evt__push_u32(c, flags);
	/* Parameter 5: mode (type: PT_UINT32) */
	c->omode = fc_open_mode(how.flags, how.mode);
	fc_evt__push_u32(c, c->omode);
	/* Parameter 6: resolve (type: PT_FLAGS32); RESOLVE_* = PPM_RESOLVE_* */
	fc_evt__push_u32(c, how.resolve & 0x3f);
	c->oflags = flags;
	/* Parameters 7, 8: dev (PT_UINT32), ino (PT_UINT64): fc_fill_late_openat2 */
}

static __always_inline void fc_fill_late_openat2(struct fc_scratch *c, long ret)
{
	fc_open__late(c, ret, 3);
}

static __always_inline void fc_fill_creat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	__u32 fmode;

	FC_BEGIN(creat, ret);
	/* Parameter 1: fd (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: name (type: PT_FSPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(0));
	/* Parameter 3: mode (type: PT_UINT32) */
	c->omode = ARG(1) & 07777;
	fc_evt__push_u32(c, c->omode);
	/* Parameters 4, 5: dev (PT_UINT32), ino (PT_UINT64) */
	fmode = fc_evt__push_dev_ino(c, ret);
	/* Parameter 6: creat_flags (type: PT_FLAGS16) */
	fc_evt__push_u16(c, (fmode & FMODE_CREATED) ? PPM_O_F_CREATED : 0);
}

/* res, then one path: unlink, rmdir */
static __always_inline void fc_fill__res_path(struct fc_scratch *c, long ret, unsigned long p)
{
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: path (type: PT_FSPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, p);
}

static __always_inline void fc_fill_unlink(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(unlink, ret);
	fc_fill__res_path(c, ret, ARG(0));
}

static __always_inline void fc_fill_chdir(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(chdir, ret);
	fc_fill__res_path(c, ret, ARG(0));
}

static __always_inline void fc_fill_fchdir(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(fchdir, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: fd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
}

static __always_inline void fc_fill_rmdir(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(rmdir, ret);
	fc_fill__res_path(c, ret, ARG(0));
}

static __always_inline void fc_fill_unlinkat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(unlinkat, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: dirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, ARG(0));
	/* Parameter 3: name (type: PT_FSRELPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(1));
	/* Parameter 4: flags (type: PT_FLAGS32); AT_REMOVEDIR = PPM_AT_REMOVEDIR */
	fc_evt__push_u32(c, ARG(2) & 0x200);
}

static __always_inline void fc_fill_mkdir(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(mkdir, ret);
	fc_fill__res_path(c, ret, ARG(0));
	/* Parameter 3: mode (type: PT_UINT32) */
	fc_evt__push_u32(c, ARG(1));
}

static __always_inline void fc_fill_mkdirat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(mkdirat, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: dirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, ARG(0));
	/* Parameter 3: path (type: PT_FSRELPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(1));
	/* Parameter 4: mode (type: PT_UINT32) */
	fc_evt__push_u32(c, ARG(2));
}

static __always_inline void fc_fill_chmod(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(chmod, ret);
	fc_fill__res_path(c, ret, ARG(0));
	/* Parameter 3: mode (type: PT_MODE) */
	fc_evt__push_u32(c, ARG(1) & 07777);
}

static __always_inline void fc_fill_fchmod(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(fchmod, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: fd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
	/* Parameter 3: mode (type: PT_MODE) */
	fc_evt__push_u32(c, ARG(1) & 07777);
}

static __always_inline void fc_fill_fchmodat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(fchmodat, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: dirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, ARG(0));
	/* Parameter 3: filename (type: PT_FSRELPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(1));
	/* Parameter 4: mode (type: PT_MODE) */
	fc_evt__push_u32(c, ARG(2) & 07777);
}

/* res, two absolute-style paths: rename, link, symlink */
static __always_inline void fc_fill__res_2paths(struct fc_scratch *c, long ret, unsigned long a,
						unsigned long b)
{
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: oldpath / target */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, a);
	/* Parameter 3: newpath / linkpath */
	fc_evt__push_ustr(c, FC_SLOT_ARG1, b);
}

static __always_inline void fc_fill_rename(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(rename, ret);
	fc_fill__res_2paths(c, ret, ARG(0), ARG(1));
}

static __always_inline void fc_fill_link(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(link, ret);
	fc_fill__res_2paths(c, ret, ARG(0), ARG(1));
}

static __always_inline void fc_fill_symlink(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(symlink, ret);
	fc_fill__res_2paths(c, ret, ARG(0), ARG(1));
}

/* res, olddirfd, oldpath, newdirfd, newpath: renameat(2), linkat */
static __always_inline void fc_fill__res_2at(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: olddirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, ARG(0));
	/* Parameter 3: oldpath (type: PT_FSRELPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(1));
	/* Parameter 4: newdirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, ARG(2));
	/* Parameter 5: newpath (type: PT_FSRELPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG1, ARG(3));
}

static __always_inline void fc_fill_renameat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(renameat, ret);
	fc_fill__res_2at(c, regs, ret);
}

static __always_inline void fc_fill_renameat2(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(renameat2, ret);
	fc_fill__res_2at(c, regs, ret);
	/* Parameter 6: flags (type: PT_FLAGS32); RENAME_* = PPM_RENAME_* */
	fc_evt__push_u32(c, ARG(4) & 7);
}

static __always_inline void fc_fill_linkat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(linkat, ret);
	fc_fill__res_2at(c, regs, ret);
	/* Parameter 6: flags (type: PT_FLAGS32); AT_SYMLINK_FOLLOW, AT_EMPTY_PATH */
	fc_evt__push_u32(c, ARG(4) & (0x400 | 0x1000));
}

static __always_inline void fc_fill_symlinkat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(symlinkat, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: target (type: PT_CHARBUF) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(0));
	/* Parameter 3: linkdirfd (type: PT_FD) */
	fc_evt__push_dirfd(c, ARG(1));
	/* Parameter 4: linkpath (type: PT_FSRELPATH) */
	fc_evt__push_ustr(c, FC_SLOT_ARG1, ARG(2));
}

static __always_inline void fc_fill_close(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(close, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: fd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
}

/*=============================== FD DUPLICATION ===========================*/

static __always_inline void fc_fill_dup(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(dup, ret);
	/* Parameter 1: res (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: oldfd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
	c->fdsock = ret >= 0 ? fc_fd__is_sock(ret) : -1;
}

static __always_inline void fc_fill_dup2(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(dup2, ret);
	/* Parameter 1: res (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: oldfd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
	/* Parameter 3: newfd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(1));
	c->fdsock = ret >= 0 ? fc_fd__is_sock(ret) : -1;
}

static __always_inline void fc_fill_dup3(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(dup3, ret);
	/* Parameter 1: res (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: oldfd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
	/* Parameter 3: newfd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(1));
	/* Parameter 4: flags (type: PT_FLAGS32); O_CLOEXEC -> PPM_O_CLOEXEC */
	fc_evt__push_u32(c, (ARG(2) & 02000000) ? (1 << 12) : 0);
	c->fdsock = ret >= 0 ? fc_fd__is_sock(ret) : -1;
}

/*=============================== NETWORK ===========================*/

/* The struct sock of a socket fd, or NULL. */
static __always_inline struct sock *fc_fd__sock(__s64 fd)
{
	struct file *f = fc_task__file(fd);
	struct socket *s;

	if (!f)
		return NULL;
	s = BPF_CORE_READ(f, private_data);
	if (!s)
		return NULL;
	return BPF_CORE_READ(s, sk);
}

struct fc_tuple4 {
	__u8 family;
	__u32 saddr;
	__u16 sport;
	__u32 daddr;
	__u16 dport;
} __attribute__((packed));

struct fc_sockaddr4 {
	__u8 family;
	__u32 addr;
	__u16 port;
} __attribute__((packed));

static __always_inline __u16 fc_ntohs(__u16 v)
{
	return __builtin_bswap16(v);
}

static __always_inline void fc_fill_connect(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	struct fc_sockaddr_in sin = {};
	struct fc_tuple4 tup = {};
	struct fc_sockaddr4 sa = {};
	__s64 fd = (int)ARG(0);
	unsigned long uaddr = ARG(1);
	__u64 alen = ARG(2);
	bool v4 = false;
	struct sock *sk;

	FC_BEGIN(connect, ret);
	if (uaddr && alen >= sizeof(sin) &&
	    !bpf_probe_read_user(&sin, sizeof(sin), (void *)uaddr) && sin.sin_family == 2)
		v4 = true;
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: tuple (type: PT_SOCKTUPLE): local -> remote */
	sk = v4 ? fc_fd__sock(fd) : NULL;
	if (sk) {
		tup.family = PPM_AF_INET;
		tup.saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		tup.sport = BPF_CORE_READ(sk, __sk_common.skc_num);
		tup.daddr = sin.sin_addr;
		tup.dport = fc_ntohs(sin.sin_port);
		fc_evt__push_kbytes(c, &tup, sizeof(tup));
	} else {
		fc_evt__push_empty(c);
	}
	/* Parameter 3: fd (type: PT_FD) */
	fc_evt__push_fd(c, fd);
	/* Parameter 4: addr (type: PT_SOCKADDR) */
	if (v4) {
		sa.family = PPM_AF_INET;
		sa.addr = sin.sin_addr;
		sa.port = fc_ntohs(sin.sin_port);
		fc_evt__push_kbytes(c, &sa, sizeof(sa));
		/* the client side: the server is the remote end */
		c->net_ok = 1;
		c->dip = __builtin_bswap32(sin.sin_addr);
		c->dport = fc_ntohs(sin.sin_port);
	} else {
		fc_evt__push_empty(c);
	}
}

/* accept and accept4: the tuple of the new socket, remote -> local. */
static __always_inline void fc_fill__accept(struct fc_scratch *c, long ret)
{
	struct fc_tuple4 tup = {};
	struct sock *sk = ret >= 0 ? fc_fd__sock(ret) : NULL;

	/* Parameter 1: fd (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: tuple (type: PT_SOCKTUPLE) */
	if (sk && BPF_CORE_READ(sk, __sk_common.skc_family) == 2) {
		tup.family = PPM_AF_INET;
		tup.saddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		tup.sport = fc_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		tup.daddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		tup.dport = BPF_CORE_READ(sk, __sk_common.skc_num);
		fc_evt__push_kbytes(c, &tup, sizeof(tup));
	} else {
		fc_evt__push_empty(c);
	}
	/* Parameters 3-5: queuepct, queuelen, queuemax: not computed */
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
}

static __always_inline void fc_fill_accept(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(accept, ret);
	fc_fill__accept(c, ret);
}

static __always_inline void fc_fill_accept4(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(accept4, ret);
	fc_fill__accept(c, ret);
	/* Parameter 6: flags (type: PT_INT32): not computed */
	fc_evt__push_empty(c);
}

static __always_inline void fc_fill_socket(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(socket, ret);
	/* Parameter 1: fd (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: domain (type: PT_ENUMFLAGS32); AF_* = PPM_AF_* */
	fc_evt__push_u32(c, ARG(0));
	/* Parameter 3: type (type: PT_UINT32) */
	fc_evt__push_u32(c, ARG(1));
	/* Parameter 4: proto (type: PT_UINT32) */
	fc_evt__push_u32(c, ARG(2));
	/* Parameter 5: flags (type: PT_FLAGS32): not computed */
	fc_evt__push_empty(c);
}

static __always_inline void fc_fill_sendto(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(sendto, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: data (type: PT_BYTEBUF): not captured */
	fc_evt__push_empty(c);
	/* Parameter 3: fd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
	/* Parameter 4: size (type: PT_UINT32) */
	fc_evt__push_u32(c, ARG(2));
	/* Parameter 5: tuple (type: PT_SOCKTUPLE): not computed */
	fc_evt__push_empty(c);
}

/*=============================== PROCESSES ===========================*/

/* Namespace-local id: pid->numbers[pid->level].nr. */
static __always_inline __s64 fc_pid__vnr(struct pid *pid)
{
	__u32 level = BPF_CORE_READ(pid, level);
	struct upid *u;
	int nr = 0;

	if (!pid || level > 32)
		return 0;
	u = (void *)pid + bpf_core_field_offset(pid->numbers) +
	    level * bpf_core_type_size(struct upid);
	bpf_core_read(&nr, sizeof(nr), &u->nr);
	return nr;
}

struct fc_nul_scan {
	struct fc_scratch *c;
	__u32 len, first;
};

static long fc_nul__step(__u32 i, void *data)
{
	struct fc_nul_scan *s = data;

	if (i >= s->len)
		return 1;
	if (!fc_byte(s->c, FC_SLOT_ARGS, i)) {
		s->first = i;
		return 1;
	}
	return 0;
}

/* Parameters exe and args from the current process's argument area. */
FC_GLOBAL int fc_evt__push_exe_args(struct fc_scratch *c)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	unsigned long start = BPF_CORE_READ(t, mm, arg_start);
	unsigned long end = BPF_CORE_READ(t, mm, arg_end);
	struct fc_nul_scan s = {};
	__u32 n;

	if (!c)
		return 0;
	if (!start || end <= start) {
		fc_evt__push_empty(c);
		fc_evt__push_empty(c);
		return 0;
	}
	n = end - start;
	if (n > FC_SLOT) {
		fc_stat__inc(FC_STAT_TRUNCATED);
		n = FC_SLOT;
	}
	n = fc_mask(n, 2 * FC_SLOT);
	if (bpf_probe_read_user(&c->str[FC_SLOT_ARGS * FC_SLOT], n, (void *)start)) {
		fc_stat__inc(FC_STAT_READ_FAIL);
		fc_evt__push_empty(c);
		fc_evt__push_empty(c);
		return 0;
	}
	c->str[FC_SLOT_ARGS * FC_SLOT + FC_SLOT - 1] = 0;
	s.c = c;
	s.len = n;
	s.first = n;
	bpf_loop(FC_SLOT, fc_nul__step, &s, 0);
	/* Parameter: exe (type: PT_CHARBUF), argv[0] with its NUL */
	if (s.first >= n)
		s.first = n - 1;
	fc_evt__push_slot(c, FC_SLOT_ARGS, 0, s.first + 1);
	/* Parameter: args (type: PT_BYTEBUF), NUL-separated */
	fc_evt__push_slot(c, FC_SLOT_ARGS, s.first + 1, n - (s.first + 1));
	return 0;
}

#define FC_PPM_EXE_FROM_MEMFD (1 << 2)

static __always_inline __u32 fc_exe__flags(struct task_struct *t)
{
	const unsigned char *nm = BPF_CORE_READ(t, mm, exe_file, f_path.dentry, d_name.name);
	char pfx[6] = {};

	if (!nm || bpf_probe_read_kernel(pfx, sizeof(pfx), nm))
		return 0;
	return pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' &&
	       pfx[4] == 'd' && pfx[5] == ':' ? FC_PPM_EXE_FROM_MEMFD : 0;
}

/* The parameters common to execve and execveat (all but filename). */
FC_GLOBAL int fc_fill__exec(struct fc_scratch *c, long ret, unsigned long path)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	if (!c)
		return 0;

	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameters 2, 3: exe (PT_CHARBUF), args (PT_BYTEBUF) */
	if (ret >= 0) {
		fc_evt__push_exe_args(c);
	} else {
		/* failed: the old image runs on; report the path tried */
		fc_evt__push_ustr(c, FC_SLOT_ARG0, path);
		fc_evt__push_empty(c);
	}
	/* Parameter 4: tid (type: PT_PID) */
	fc_evt__push_s64(c, c->tid);
	/* Parameter 5: pid (type: PT_PID) */
	fc_evt__push_s64(c, c->task.pid);
	/* Parameter 6: ptid (type: PT_PID) */
	fc_evt__push_s64(c, c->task.ppid);
	/* Parameter 7: cwd (type: PT_CHARBUF): not computed */
	fc_evt__push_empty(c);
	/* Parameter 8: fdlimit (type: PT_UINT64) */
	fc_evt__push_u64(c, BPF_CORE_READ(t, signal, rlim[7].rlim_cur));
	/* Parameters 9-13: pgft_maj, pgft_min, vm_size, vm_rss, vm_swap */
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	/* Parameter 14: comm (type: PT_CHARBUF) */
	fc_evt__push_slot(c, FC_SLOT_COMM, 0, c->sv[FC_SV_COMM].len + 1);
	/* Parameters 15-18: cgroups, env, tty, vpgid: not computed */
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	/* Parameter 19: loginuid (type: PT_UID) */
	fc_evt__push_u32(c, c->task.loginuid);
	/* Parameter 20: flags (type: PT_FLAGS32): PPM_EXE_FROM_MEMFD when the
	 * new image's file is a memfd (its dentry is named "memfd:..."); the
	 * other exe flags are not computed */
	fc_evt__push_u32(c, ret >= 0 ? fc_exe__flags(t) : 0);
	/* Parameters 21-26: cap_inheritable, cap_permitted, cap_effective,
	 * exe_ino, exe_ino_ctime, exe_ino_mtime: not computed */
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	/* Parameter 27: uid (type: PT_UID) */
	fc_evt__push_u32(c, c->task.uid);
	/* Parameter 28: trusted_exepath (type: PT_FSPATH): not computed */
	fc_evt__push_empty(c);
	/* Parameter 29: pgid (type: PT_PID): not computed */
	fc_evt__push_empty(c);
	/* Parameter 30: gid (type: PT_GID) */
	fc_evt__push_u32(c, c->task.gid);
	return 0;
}

static __always_inline void fc_fill_execve(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(execve, ret);
	fc_fill__exec(c, ret, ARG(0));
	/* Parameter 31: filename (type: PT_FSPATH): gone with the old image */
	fc_evt__push_empty(c);
}

static __always_inline void fc_fill_execveat(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(execveat, ret);
	fc_fill__exec(c, ret, ARG(1));
}

/* clone, clone3, fork, vfork: the same 21 parameters. */
FC_GLOBAL int fc_fill__clone(struct fc_scratch *c, long ret, __u32 ppm_flags)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct pid *tp = BPF_CORE_READ(t, thread_pid);
	struct pid *lp = BPF_CORE_READ(t, group_leader, thread_pid);

	if (!c)
		return 0;

	/* Parameter 1: res (type: PT_PID) */
	fc_evt__push_s64(c, ret);
	/* Parameters 2, 3: exe (PT_CHARBUF), args (PT_BYTEBUF) */
	fc_evt__push_exe_args(c);
	/* Parameter 4: tid (type: PT_PID) */
	fc_evt__push_s64(c, c->tid);
	/* Parameter 5: pid (type: PT_PID) */
	fc_evt__push_s64(c, c->task.pid);
	/* Parameter 6: ptid (type: PT_PID) */
	fc_evt__push_s64(c, c->task.ppid);
	/* Parameter 7: cwd (type: PT_CHARBUF): not computed */
	fc_evt__push_empty(c);
	/* Parameter 8: fdlimit (type: PT_INT64) */
	fc_evt__push_s64(c, BPF_CORE_READ(t, signal, rlim[7].rlim_cur));
	/* Parameters 9-13: pgft_maj, pgft_min, vm_size, vm_rss, vm_swap */
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	/* Parameter 14: comm (type: PT_CHARBUF) */
	fc_evt__push_slot(c, FC_SLOT_COMM, 0, c->sv[FC_SV_COMM].len + 1);
	/* Parameter 15: cgroups (type: PT_BYTEBUF): not computed */
	fc_evt__push_empty(c);
	/* Parameter 16: flags (type: PT_FLAGS32) */
	fc_evt__push_u32(c, ppm_flags);
	/* Parameter 17: uid (type: PT_UINT32) */
	fc_evt__push_u32(c, c->task.uid);
	/* Parameter 18: gid (type: PT_UINT32) */
	fc_evt__push_u32(c, c->task.gid);
	/* Parameter 19: vtid (type: PT_PID) */
	fc_evt__push_s64(c, fc_pid__vnr(tp));
	/* Parameter 20: vpid (type: PT_PID) */
	fc_evt__push_s64(c, fc_pid__vnr(lp));
	/* Parameter 21: pidns_init_start_ts (type: PT_UINT64): not computed */
	fc_evt__push_empty(c);
	return 0;
}

static __always_inline void fc_fill_clone(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(clone, ret);
	fc_fill__clone(c, ret, fc_clone_flags(ARG(0)));
}

static __always_inline void fc_fill_clone3(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	__u64 flags = 0;

	/* struct clone_args starts with the u64 flags */
	bpf_probe_read_user(&flags, sizeof(flags), (void *)ARG(0));
	FC_BEGIN(clone3, ret);
	fc_fill__clone(c, ret, fc_clone_flags(flags));
}

static __always_inline void fc_fill_fork(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(fork, ret);
	fc_fill__clone(c, ret, 0);
}

static __always_inline void fc_fill_vfork(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(vfork, ret);
	fc_fill__clone(c, ret, fc_clone_flags(0x4000 | 0x100)); /* CLONE_VFORK | CLONE_VM */
}

static __always_inline void fc_fill_ptrace(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(ptrace, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameters 2, 3: addr, data (type: PT_DYN): not computed */
	fc_evt__push_empty(c);
	fc_evt__push_empty(c);
	/* Parameter 4: request (type: PT_ENUMFLAGS16) */
	fc_evt__push_u16(c, fc_ptrace_req(ARG(0)));
	/* Parameter 5: pid (type: PT_PID) */
	fc_evt__push_s64(c, (int)ARG(1));
}

static __always_inline void fc_fill_setuid(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(setuid, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: uid (type: PT_UID) */
	fc_evt__push_u32(c, ARG(0));
}

static __always_inline void fc_fill_setns(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(setns, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: fd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
	/* Parameter 3: nstype (type: PT_FLAGS32) */
	fc_evt__push_u32(c, fc_clone_flags(ARG(1)));
}

static __always_inline void fc_fill_unshare(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(unshare, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: flags (type: PT_FLAGS32) */
	fc_evt__push_u32(c, fc_clone_flags(ARG(0)));
}

/*=============================== SYSTEM ===========================*/

static __always_inline void fc_fill_bpf(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
	FC_BEGIN(bpf, ret);
	/* Parameter 1: fd (type: PT_FD) */
	fc_evt__push_fd(c, ret);
	/* Parameter 2: cmd (type: PT_ENUMFLAGS32); BPF_* = PPM_BPF_* */
	fc_evt__push_u32(c, ARG(0));
}

static __always_inline void fc_fill_init_module(struct fc_scratch *c, struct pt_regs *regs,
						long ret)
{
	FC_BEGIN(init_module, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: img (type: PT_BYTEBUF): not captured */
	fc_evt__push_empty(c);
	/* Parameter 3: length (type: PT_UINT64) */
	fc_evt__push_u64(c, ARG(1));
	/* Parameter 4: uargs (type: PT_CHARBUF) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(2));
}

static __always_inline void fc_fill_finit_module(struct fc_scratch *c, struct pt_regs *regs,
						 long ret)
{
	FC_BEGIN(finit_module, ret);
	/* Parameter 1: res (type: PT_ERRNO) */
	fc_evt__push_s64(c, ret);
	/* Parameter 2: fd (type: PT_FD) */
	fc_evt__push_fd(c, (int)ARG(0));
	/* Parameter 3: uargs (type: PT_CHARBUF) */
	fc_evt__push_ustr(c, FC_SLOT_ARG0, ARG(1));
	/* Parameter 4: flags (type: PT_FLAGS32); MODULE_INIT_* = PPM_* */
	fc_evt__push_u32(c, ARG(2) & 7);
}

/*=============================== PROGRAMS ===========================*/

static __always_inline void fc_evt__finish(struct fc_scratch *c, bool always, bool pass)
{
	if (!always && !pass) {
		fc_stat__inc(FC_STAT_FILTERED);
		return;
	}
	if (c->pi != c->np) {
		/* a fill function out of step with the table: never send it */
		fc_stat__inc(FC_STAT_READ_FAIL);
		return;
	}
	fc_evt__submit(c, always);
}

/*
 * Events userspace needs to keep its fd table and cwd right, whatever the
 * filter says: without them a later event's fields (fd.name of an openat
 * relative to a directory fd) would be computed from stale state, and
 * the kernel filter would no longer be sound against userspace. A
 * successful directory open is one (its fd may be an openat dirfd);
 * chdir, fchdir, socket and dup* are always-flow syscalls.
 */
static __always_inline bool fc_evt__keeps_state(struct fc_scratch *c)
{
	return c->oflags >= 0 && (c->oflags & (1 << 10)) && c->res >= 0; /* PPM_O_DIRECTORY */
}

/* The work for one syscall's exit: fill, derive, filter, send. */
#define FC_EXIT_BODY(name)                                                              \
	static __always_inline int fc_run_##name(__u64 *ctx)                            \
	{                                                                               \
		struct fc_scratch *c = fc_scratch__get();                               \
		bool always = FC_SCFL_##name & FC_SCF_ALWAYS, pass;                     \
		if (!c)                                                                 \
			return 0;                                                       \
		fc_stat__inc(FC_STAT_SEEN);                                             \
		fc_fill_##name(c, (struct pt_regs *)ctx[0], (long)ctx[1]);              \
		if (FC_KERNEL_FILTER) {                                                 \
			fc_memo__reset(c);                                              \
			fc_derive_##name(c);                                            \
		}                                                                       \
		always = always || fc_evt__keeps_state(c);                              \
		pass = always || fc_filter_##name(c);                                   \
		if (pass)                                                               \
			fc_fill_late_##name(c, (long)ctx[1]);                           \
		fc_evt__finish(c, always, pass);                                        \
		return 0;                                                               \
	}

/* A tail-called program (FC_PROGRAMS) */
#define FC_EXIT_PROG(name)                     \
	FC_EXIT_BODY(name)                     \
	SEC("tp_btf/sys_exit")                 \
	int fc_x_##name(__u64 *ctx)            \
	{                                      \
		return fc_run_##name(ctx);     \
	}

/* procexit comes from the scheduler tracepoint: its slot in fc_tail holds
 * a program that is never reached (the dispatcher never maps to it). */
static __always_inline void fc_fill_procexit(struct fc_scratch *c, struct pt_regs *regs, long ret)
{
}

FC_PROGRAMS(FC_EXIT_PROG)
FC_INLINED(FC_EXIT_BODY) /* run by fc_sys_exit itself */

SEC("tp_btf/sched_process_exit")
int fc_sched_process_exit(__u64 *ctx)
{
	struct task_struct *t = (struct task_struct *)ctx[0];
	struct fc_scratch *c = fc_scratch__get();
	int code;

	if (!c)
		return 0;
	fc_stat__inc(FC_STAT_SEEN);
	code = BPF_CORE_READ(t, exit_code);
	FC_BEGIN(procexit, code);
	/* Parameter 1: status (type: PT_ERRNO) */
	fc_evt__push_s64(c, code);
	/* Parameter 2: ret (type: PT_ERRNO) */
	fc_evt__push_s64(c, (code >> 8) & 0xff);
	/* Parameter 3: sig (type: PT_SIGTYPE) */
	fc_evt__push_u8(c, code & 0x7f);
	/* Parameter 4: core (type: PT_UINT8) */
	fc_evt__push_u8(c, (code & 0x80) ? 1 : 0);
	/* Parameter 5: reaper_tid (type: PT_PID): not computed */
	fc_evt__push_empty(c);
	fc_evt__finish(c, true, true);
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, FC_SC__COUNT);
	__type(key, __u32);
	__array(values, int(__u64 *));
} fc_tail SEC(".maps") = {
	.values = {
#define FC_TAIL_SLOT(name) [FC_SC_##name] = (void *)&fc_x_##name,
		FC_PROGRAMS(FC_TAIL_SLOT)
	},
};

/* x86_64 syscall number -> FC_SC_* id + 1 (0: not turned into events),
 * a table in .rodata: one load per syscall, not a search. */
#define FC_NR_MAX 512
const volatile __u8 fc_nr2sc[FC_NR_MAX] = {
#define FC_SC(name, nr, ppme, np, flags) [(nr) < 0 ? FC_NR_MAX - 1 : (nr)] = FC_SC_##name + 1,
#include "fc_syscalls.def"
};

static __always_inline __u32 fc_sc__of_nr(long nr)
{
	if (nr < 0 || nr >= FC_NR_MAX - 1)
		return 0;
	return fc_nr2sc[nr];
}

#define TS_COMPAT 0x0002

SEC("tp_btf/sys_exit")
int fc_sys_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	struct task_struct *t;
	long nr;
	__u32 sc;

	nr = regs->orig_ax; /* a BTF pointer: a plain load */
	sc = fc_sc__of_nr(nr) - 1; /* 0 (not an event) wraps around */
	/* the empty asm keeps clang from testing a copy of sc, which would
	 * leave the verifier without the bound */
	asm volatile("" : "+r"(sc));
	if (sc >= FC_SC__COUNT)
		return 0;
	if (!fc_interesting[sc])
		return 0;
	/* ia32 syscalls have other numbers: not dispatched (a known gap) */
	t = bpf_get_current_task_btf();
	if (t->thread_info.status & TS_COMPAT)
		return 0;
#define FC_INLINE_CASE(name)          \
	if (sc == FC_SC_##name)       \
		return fc_run_##name(ctx);
	FC_INLINED(FC_INLINE_CASE)
	bpf_tail_call(ctx, &fc_tail, sc);
	return 0;
}

#endif /* FC_TEST_HARNESS */

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#endif /* FC_PROGRAMS_BPF_H */
