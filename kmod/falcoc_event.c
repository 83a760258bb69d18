// SPDX-License-Identifier: Dual MIT/GPL
/*
 * falcoc_event.c: the module's event builder. Each fck_fill_<syscall>
 * writes exactly the parameters the BPF probe's fc_fill_<syscall>
 * (bpf-templates/fc_programs.bpf.h) writes, in the order of the event's
 * row in runtime/event_table.def, with the same values; a parameter the
 * probe leaves empty is empty here too. Arguments are read at exit from
 * the saved user registers, as the probe does.
 *
 * Runs in the sys_exit / sched_process_exit tracepoint probes: preemption
 * is off, nothing may sleep or fault, so user memory is read with
 * copy_from_user_nofault (a page not present is a failed read, counted
 * FC_STAT_READ_FAIL, and its value is unknown: MAYBE to the filter and
 * an empty param, as with bpf_probe_read_user).
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/mm.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/audit.h>
#include <linux/cgroup.h>
#include <linux/rcupdate.h>
#include <linux/timekeeping.h>
#include <net/sock.h>

#include "falcoc_event.h"
#include "falcoc_flags.h"
#include "fcf/fcf.h"

static const char *const fck_sc_names[FCK_SC__COUNT] = {
#define FC_SC(name, nr, ppme, np, flags) [FCK_SC_##name] = #name,
#include "fc_syscalls.def"
};

enum fck_sc_ppme {
#define FC_SC(name, nr, ppme, np, flags) FCK_PPME_##name = (ppme),
#include "fc_syscalls.def"
};

enum fck_sc_np {
#define FC_SC(name, nr, ppme, np, flags) FCK_NP_##name = (np),
#include "fc_syscalls.def"
};

static const u8 fck_sc_flags[FCK_SC__COUNT] = {
#define FC_SC(name, nr, ppme, np, flags) [FCK_SC_##name] = (flags),
#include "fc_syscalls.def"
};

int fck_sc_of_nr(long nr)
{
	switch (nr) {
#define FC_SC(name, nr, ppme, np, flags) case (nr): return (nr) < 0 ? -1 : FCK_SC_##name;
#include "fc_syscalls.def"
	default:
		return -1;
	}
}

/*=============================== EVENT BUILDER ===========================*/

static void evt_begin(struct fck_evt *ev, unsigned sc, u16 ppme, u32 np, s64 res)
{
	int i;

	ev->sc = sc;
	ev->ppme = ppme;
	ev->np = np;
	ev->pi = 0;
	ev->pos = FCK_HDR_LEN + 2 * (np + FC_EXT_NPARAMS);
	ev->pknown = 0;
	ev->res = res;
	ev->typechar = -1;
	ev->net_ok = 0;
	ev->oflags = -1;
	ev->omode = 0;
	for (i = 0; i < FCK_MAXP; i++)
		ev->psv[i].len = -1;
	ev->fdname.len = -1;
	ev->fddir.len = -1;
	ev->fdfile.len = -1;
}

/* Close the current param with len bytes written at ev->pos. */
static void param_done(struct fck_evt *ev, u32 len)
{
	u16 l = len;

	if (ev->pi >= FCK_MAXP)
		return;
	memcpy(&ev->buf[FCK_HDR_LEN + 2 * ev->pi], &l, 2);
	ev->pos += len;
	ev->pi++;
}

static void push_empty(struct fck_evt *ev)
{
	param_done(ev, 0);
}

/* A number param of 1, 2, 4 or 8 bytes; v as the filter reads it. */
static void push_val(struct fck_evt *ev, u64 v, u32 size)
{
	if (ev->pi >= FCK_MAXP)
		return;
	/* little endian: the low bytes of v are the value of any size */
	memcpy(&ev->buf[ev->pos], &v, size);
	ev->pval[ev->pi] = v;
	ev->pknown |= 1ull << ev->pi;
	param_done(ev, size);
}

#define push_u8(ev, v) push_val(ev, (u64)(s64)(u8)(v), 1)
#define push_u16(ev, v) push_val(ev, (u64)(s64)(u16)(v), 2)
#define push_u32(ev, v) push_val(ev, (u64)(s64)(u32)(v), 4)
#define push_u64(ev, v) push_val(ev, (u64)(v), 8)
#define push_s64(ev, v) push_val(ev, (u64)(s64)(v), 8)
#define push_fd(ev, v) push_s64(ev, v)
#define push_dirfd(ev, v) push_s64(ev, (s64)(int)(v))

/* Raw kernel bytes; returns where they landed (NULL: pushed empty). */
static const char *push_kbytes(struct fck_evt *ev, const void *src, u32 n)
{
	char *dst = (char *)&ev->buf[ev->pos];

	if (ev->pos + n > FC_EVENT_MAX - 1024) {
		fck_stat_inc(FC_STAT_TRUNCATED);
		push_empty(ev);
		return NULL;
	}
	memcpy(dst, src, n);
	param_done(ev, n);
	return dst;
}

/*
 * strncpy_from_user_nofault is not exported to modules: copy in chunks
 * with copy_from_user_nofault, a chunk never crossing a page (all or
 * nothing within a page, so a string ending before an unmapped page
 * still reads) and small, so a short path costs a short copy. Returns
 * the bytes copied including the NUL, FCK_SLOT when cut (dst[FCK_SLOT-1]
 * = NUL, as bpf_probe_read_user_str), or < 0 when the read failed.
 */
#define FCK_USTR_CHUNK 128

static long read_ustr(char *dst, unsigned long uptr)
{
	long done = 0;

	while (done < FCK_SLOT) {
		unsigned long a = uptr + done;
		long chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		char *nul;

		if (chunk > FCK_USTR_CHUNK)
			chunk = FCK_USTR_CHUNK;
		if (chunk > FCK_SLOT - done)
			chunk = FCK_SLOT - done;
		if (copy_from_user_nofault(dst + done, (const void __user *)a, chunk))
			return -EFAULT;
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst + 1;
		done += chunk;
	}
	dst[FCK_SLOT - 1] = 0;
	return FCK_SLOT;
}

/* A NUL-terminated user string param; its view is set unless the read
 * failed or the string was cut (then MAYBE to the filter). */
static void push_ustr(struct fck_evt *ev, unsigned long uptr)
{
	u32 i = ev->pi;
	const char *p;
	long n = -1;

	if (uptr)
		n = read_ustr(ev->tmp, uptr);
	if (n <= 0) {
		if (uptr)
			fck_stat_inc(FC_STAT_READ_FAIL);
		push_empty(ev);
		return;
	}
	p = push_kbytes(ev, ev->tmp, n);
	if (!p || i >= FCK_MAXP)
		return;
	if (n >= FCK_SLOT) {
		fck_stat_inc(FC_STAT_TRUNCATED);
		return;
	}
	ev->psv[i].p = p;
	ev->psv[i].len = n - 1;
}

/*=============================== TASK ===========================*/

static void comm_view(struct fck_sv *sv, const char *comm)
{
	sv->p = comm;
	sv->len = strnlen(comm, FC_COMM_LEN - 1);
}

/* Namespace-local id of a struct pid: numbers[level].nr. */
static s64 pid_vnr_of(struct pid *pid)
{
	if (!pid)
		return 0;
	return pid->numbers[pid->level].nr;
}

/*
 * ev->task from the current task, as fc_task__fill. Lazy (task_get): an
 * event the filter drops on its arguments alone never walks the
 * ancestors; within one probe call the values are the same either way.
 */
static void task_fill(struct fck_evt *ev)
{
	struct task_struct *t = current, *p;
	struct fc_task *ft = &ev->task;
	const struct cred *cr;
	struct pid *tp;
	int i;

	memset(ft, 0, sizeof(*ft));
	ft->pid = t->tgid;
	ev->tid = t->pid;
	rcu_read_lock();
	cr = __task_cred(t);
	ft->uid = __kuid_val(cr->euid);
	ft->gid = __kgid_val(cr->egid);
#ifdef CONFIG_AUDIT
	ft->loginuid = __kuid_val(audit_get_loginuid(t));
#else
	ft->loginuid = (u32)-1;
#endif
	tp = task_pid(t);
	if (tp && tp->level > 0)
		ft->flags |= FC_TASK_IN_CONTAINER;
#ifdef CONFIG_CGROUPS
	ft->cgroup_id = cgroup_id(task_dfl_cgroup(t));
#endif
	memcpy(ft->comm, t->comm, FC_COMM_LEN);
	ft->comm[FC_COMM_LEN - 1] = 0;
	comm_view(&ev->comm, ft->comm);
	p = rcu_dereference(t->real_parent);
	ft->ppid = p ? p->tgid : 0;
	for (i = 0; i < FC_MAX_ANCESTORS; i++) {
		u64 apid = p ? p->tgid : 0;

		ft->apid[i] = apid;
		if (!apid) {
			/* pid 0 is the idle task: no such ancestor */
			ft->acomm[i][0] = 0;
			ev->aname[i].len = -1;
			continue;
		}
		memcpy(ft->acomm[i], p->comm, FC_COMM_LEN);
		ft->acomm[i][FC_COMM_LEN - 1] = 0;
		comm_view(&ev->aname[i], ft->acomm[i]);
		p = rcu_dereference(p->real_parent);
	}
	if (p && p->tgid && ft->apid[FC_MAX_ANCESTORS - 1])
		ft->flags |= FC_TASK_ANCESTORS_MORE;
	rcu_read_unlock();
	ev->task_ready = true;
}

static void task_get(struct fck_evt *ev)
{
	if (!ev->task_ready)
		task_fill(ev);
}

/* The struct file of fd in the current task, or NULL; under RCU. */
static struct file *task_file(s64 fd)
{
	if (fd < 0 || fd > INT_MAX || !current->files)
		return NULL;
	return files_lookup_fd_rcu(current->files, (unsigned int)fd);
}

static void begin(struct fck_evt *ev, unsigned sc, u16 ppme, u32 np, s64 res)
{
	evt_begin(ev, sc, ppme, np, res);
	ev->task_ready = false;
}

#define BEGIN(name, res) begin(ev, FCK_SC_##name, FCK_PPME_##name, FCK_NP_##name, res)
#define ARG(n) fck_arg(regs, n)

static unsigned long fck_arg(struct pt_regs *regs, int n)
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

/* new_encode_dev() of the kernel's dev_t, as the driver sends it. */
static u32 encode_dev(u32 dev)
{
	u32 major = dev >> 20, minor = dev & ((1U << 20) - 1);

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

/* Params dev and ino of an opened fd; returns the file's f_mode. */
static u32 push_dev_ino(struct fck_evt *ev, s64 fd)
{
	struct file *f;
	u32 mode = 0;

	rcu_read_lock();
	f = task_file(fd);
	if (!f) {
		rcu_read_unlock();
		push_empty(ev);
		push_empty(ev);
		return 0;
	}
	mode = f->f_mode;
	push_u32(ev, encode_dev(f->f_inode->i_sb->s_dev));
	push_u64(ev, f->f_inode->i_ino);
	rcu_read_unlock();
	return mode;
}

/* Rewrite the u32 param idx written at byte off (open flags gain
 * O_F_CREATED once the file is known). */
static void patch_u32(struct fck_evt *ev, u32 idx, u32 off, u32 v)
{
	memcpy(&ev->buf[off], &v, 4);
	ev->pval[idx] = v;
}

/*
 * fd.name, fd.directory, fd.filename of an open-family event from its
 * path param pidx, exactly as fc_fd__derive_path: known only when the
 * open succeeded and the path is absolute and already in libsinsp's
 * normalised form.
 */
static void derive_path(struct fck_evt *ev, u32 pidx)
{
	struct fck_sv sv = ev->psv[pidx];
	u32 i, last_slash = 0;
	char p1 = 0, p2 = 0;

	if (sv.len <= 0 || ev->res < 0 || sv.p[0] != '/')
		return;
	for (i = 0; i < sv.len; i++) {
		char ch = sv.p[i];

		if (ch == '/') {
			/* "//", "/./" and "/../" are rewritten by libsinsp */
			if (p1 == '/' || (p1 == '.' && p2 == '/') || (p1 == '.' && p2 == '.'))
				return;
			last_slash = i;
		}
		p2 = p1;
		p1 = ch;
	}
	if (sv.len > 1 && (p1 == '/' || (p1 == '.' && p2 == '/') || (p1 == '.' && p2 == '.')))
		return;
	ev->fdname = sv;
	ev->fddir.p = sv.p;
	ev->fddir.len = last_slash ? last_slash : 1;
	ev->fdfile.p = sv.p + last_slash + 1;
	ev->fdfile.len = sv.len - (last_slash + 1);
	if (ev->oflags >= 0 && !(ev->oflags & (1 << 10)))
		ev->typechar = 'f';
}

/*=============================== FILES ===========================*/

static void fill_open_common(struct fck_evt *ev, struct pt_regs *regs, long ret, u32 flags,
			     u32 mode, int has_dirfd, unsigned long path, int resolve, u64 how_res)
{
	u32 foff, fidx;

	push_fd(ev, ret);			/* fd */
	if (has_dirfd)
		push_dirfd(ev, ARG(0));		/* dirfd */
	push_ustr(ev, path);			/* name */
	fidx = ev->pi;
	foff = ev->pos;
	push_u32(ev, flags);			/* flags */
	ev->omode = mode;
	push_u32(ev, mode);			/* mode */
	if (resolve)
		push_u32(ev, how_res & 0x3f);	/* resolve: RESOLVE_* = PPM_RESOLVE_* */
	if (push_dev_ino(ev, ret) & FMODE_CREATED)	/* dev, ino */
		flags |= PPM_O_F_CREATED;
	patch_u32(ev, fidx, foff, flags);
	ev->oflags = flags;
	derive_path(ev, has_dirfd ? 2 : 1);
}

static void fill_open(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(open, ret);
	fill_open_common(ev, regs, ret, fc_open_flags(ARG(1)), fc_open_mode(ARG(1), ARG(2)), 0,
			 ARG(0), 0, 0);
}

static void fill_openat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(openat, ret);
	fill_open_common(ev, regs, ret, fc_open_flags(ARG(2)), fc_open_mode(ARG(2), ARG(3)), 1,
			 ARG(1), 0, 0);
}

static void fill_openat2(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	struct { u64 flags, mode, resolve; } how = {};

	if (copy_from_user_nofault(&how, (const void __user *)ARG(2), sizeof(how)))
		memset(&how, 0, sizeof(how));
	BEGIN(openat2, ret);
	fill_open_common(ev, regs, ret, fc_open_flags(how.flags),
			 fc_open_mode(how.flags, how.mode), 1, ARG(1), 1, how.resolve);
}

static void fill_creat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	u32 fmode;

	BEGIN(creat, ret);
	push_fd(ev, ret);			/* fd */
	push_ustr(ev, ARG(0));			/* name */
	ev->omode = ARG(1) & 07777;
	push_u32(ev, ev->omode);		/* mode */
	fmode = push_dev_ino(ev, ret);		/* dev, ino */
	push_u16(ev, (fmode & FMODE_CREATED) ? PPM_O_F_CREATED : 0); /* creat_flags */
}

static void res_path(struct fck_evt *ev, long ret, unsigned long p)
{
	push_s64(ev, ret);	/* res */
	push_ustr(ev, p);	/* path */
}

static void fill_unlink(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(unlink, ret);
	res_path(ev, ret, ARG(0));
}

static void fill_chdir(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(chdir, ret);
	res_path(ev, ret, ARG(0));
}

static void fill_rmdir(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(rmdir, ret);
	res_path(ev, ret, ARG(0));
}

/* res, fd: fchdir, close */
static void res_fd(struct fck_evt *ev, long ret, unsigned long fd)
{
	push_s64(ev, ret);
	push_fd(ev, (int)fd);
}

static void fill_fchdir(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(fchdir, ret);
	res_fd(ev, ret, ARG(0));
}

static void fill_close(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(close, ret);
	res_fd(ev, ret, ARG(0));
}

static void fill_unlinkat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(unlinkat, ret);
	push_s64(ev, ret);
	push_dirfd(ev, ARG(0));
	push_ustr(ev, ARG(1));
	push_u32(ev, ARG(2) & 0x200);	/* AT_REMOVEDIR = PPM_AT_REMOVEDIR */
}

static void fill_mkdir(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(mkdir, ret);
	res_path(ev, ret, ARG(0));
	push_u32(ev, ARG(1));
}

static void fill_mkdirat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(mkdirat, ret);
	push_s64(ev, ret);
	push_dirfd(ev, ARG(0));
	push_ustr(ev, ARG(1));
	push_u32(ev, ARG(2));
}

static void fill_chmod(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(chmod, ret);
	res_path(ev, ret, ARG(0));
	push_u32(ev, ARG(1) & 07777);
}

static void fill_fchmod(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(fchmod, ret);
	res_fd(ev, ret, ARG(0));
	push_u32(ev, ARG(1) & 07777);
}

static void fill_fchmodat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(fchmodat, ret);
	push_s64(ev, ret);
	push_dirfd(ev, ARG(0));
	push_ustr(ev, ARG(1));
	push_u32(ev, ARG(2) & 07777);
}

/* res, two paths: rename, link, symlink */
static void res_2paths(struct fck_evt *ev, long ret, unsigned long a, unsigned long b)
{
	push_s64(ev, ret);
	push_ustr(ev, a);
	push_ustr(ev, b);
}

static void fill_rename(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(rename, ret);
	res_2paths(ev, ret, ARG(0), ARG(1));
}

static void fill_link(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(link, ret);
	res_2paths(ev, ret, ARG(0), ARG(1));
}

static void fill_symlink(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(symlink, ret);
	res_2paths(ev, ret, ARG(0), ARG(1));
}

/* res, olddirfd, oldpath, newdirfd, newpath */
static void res_2at(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	push_s64(ev, ret);
	push_dirfd(ev, ARG(0));
	push_ustr(ev, ARG(1));
	push_dirfd(ev, ARG(2));
	push_ustr(ev, ARG(3));
}

static void fill_renameat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(renameat, ret);
	res_2at(ev, regs, ret);
}

static void fill_renameat2(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(renameat2, ret);
	res_2at(ev, regs, ret);
	push_u32(ev, ARG(4) & 7);	/* RENAME_* = PPM_RENAME_* */
}

static void fill_linkat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(linkat, ret);
	res_2at(ev, regs, ret);
	push_u32(ev, ARG(4) & (0x400 | 0x1000)); /* AT_SYMLINK_FOLLOW, AT_EMPTY_PATH */
}

static void fill_symlinkat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(symlinkat, ret);
	push_s64(ev, ret);
	push_ustr(ev, ARG(0));		/* target */
	push_dirfd(ev, ARG(1));		/* linkdirfd */
	push_ustr(ev, ARG(2));		/* linkpath */
}

/*=============================== FD DUPLICATION ===========================*/

static void fill_dup(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(dup, ret);
	push_fd(ev, ret);
	push_fd(ev, (int)ARG(0));
}

static void fill_dup2(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(dup2, ret);
	push_fd(ev, ret);
	push_fd(ev, (int)ARG(0));
	push_fd(ev, (int)ARG(1));
}

static void fill_dup3(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(dup3, ret);
	push_fd(ev, ret);
	push_fd(ev, (int)ARG(0));
	push_fd(ev, (int)ARG(1));
	push_u32(ev, (ARG(2) & 02000000) ? (1 << 12) : 0); /* O_CLOEXEC -> PPM_O_CLOEXEC */
}

/*=============================== NETWORK ===========================*/

struct fck_tuple4 {
	u8 family;
	u32 saddr;
	u16 sport;
	u32 daddr;
	u16 dport;
} __packed;

struct fck_sockaddr4 {
	u8 family;
	u32 addr;
	u16 port;
} __packed;

#define PPM_AF_INET 2

/* The struct sock of a socket fd, or NULL; under RCU. */
static struct sock *fd_sock(s64 fd)
{
	struct file *f = task_file(fd);
	struct socket *s = f ? sock_from_file(f) : NULL;

	return s ? s->sk : NULL;
}

static void fill_connect(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	struct sockaddr_in sin = {};
	struct fck_tuple4 tup = {};
	struct fck_sockaddr4 sa = {};
	s64 fd = (int)ARG(0);
	unsigned long uaddr = ARG(1);
	u64 alen = ARG(2);
	bool v4 = false;
	struct sock *sk;

	BEGIN(connect, ret);
	if (uaddr && alen >= sizeof(sin) &&
	    !copy_from_user_nofault(&sin, (const void __user *)uaddr, sizeof(sin)) &&
	    sin.sin_family == AF_INET)
		v4 = true;
	push_s64(ev, ret);			/* res */
	rcu_read_lock();
	sk = v4 ? fd_sock(fd) : NULL;
	if (sk) {				/* tuple: local -> remote */
		tup.family = PPM_AF_INET;
		tup.saddr = sk->__sk_common.skc_rcv_saddr;
		tup.sport = sk->__sk_common.skc_num;
		tup.daddr = sin.sin_addr.s_addr;
		tup.dport = ntohs(sin.sin_port);
		push_kbytes(ev, &tup, sizeof(tup));
	} else {
		push_empty(ev);
	}
	rcu_read_unlock();
	push_fd(ev, fd);			/* fd */
	if (v4) {				/* addr */
		sa.family = PPM_AF_INET;
		sa.addr = sin.sin_addr.s_addr;
		sa.port = ntohs(sin.sin_port);
		push_kbytes(ev, &sa, sizeof(sa));
		ev->net_ok = 1;
		ev->dip = ntohl(sin.sin_addr.s_addr);
		ev->dport = ntohs(sin.sin_port);
	} else {
		push_empty(ev);
	}
}

static void accept_common(struct fck_evt *ev, long ret)
{
	struct fck_tuple4 tup = {};
	struct sock *sk;

	push_fd(ev, ret);			/* fd */
	rcu_read_lock();
	sk = ret >= 0 ? fd_sock(ret) : NULL;
	if (sk && sk->__sk_common.skc_family == AF_INET) { /* tuple: remote -> local */
		tup.family = PPM_AF_INET;
		tup.saddr = sk->__sk_common.skc_daddr;
		tup.sport = ntohs(sk->__sk_common.skc_dport);
		tup.daddr = sk->__sk_common.skc_rcv_saddr;
		tup.dport = sk->__sk_common.skc_num;
		push_kbytes(ev, &tup, sizeof(tup));
	} else {
		push_empty(ev);
	}
	rcu_read_unlock();
	push_empty(ev);				/* queuepct, queuelen, queuemax: */
	push_empty(ev);				/* not computed (as the BPF probe) */
	push_empty(ev);
}

static void fill_accept(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(accept, ret);
	accept_common(ev, ret);
}

static void fill_accept4(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(accept4, ret);
	accept_common(ev, ret);
	push_empty(ev);				/* flags: not computed */
}

static void fill_socket(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(socket, ret);
	push_fd(ev, ret);
	push_u32(ev, ARG(0));			/* domain: AF_* = PPM_AF_* */
	push_u32(ev, ARG(1));			/* type */
	push_u32(ev, ARG(2));			/* proto */
	push_empty(ev);				/* flags: not computed */
}

static void fill_sendto(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(sendto, ret);
	push_s64(ev, ret);			/* res */
	push_empty(ev);				/* data: not captured */
	push_fd(ev, (int)ARG(0));		/* fd */
	push_u32(ev, ARG(2));			/* size */
	push_empty(ev);				/* tuple: not computed */
}

/*=============================== PROCESSES ===========================*/

/* Params exe and args from the current process's argument area. */
static void push_exe_args(struct fck_evt *ev)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end;
	u32 n, first;
	char *nul;

	start = mm ? mm->arg_start : 0;
	end = mm ? mm->arg_end : 0;
	if (!start || end <= start) {
		push_empty(ev);
		push_empty(ev);
		return;
	}
	n = end - start > FCK_SLOT ? FCK_SLOT : end - start;
	if (end - start > FCK_SLOT)
		fck_stat_inc(FC_STAT_TRUNCATED);
	if (copy_from_user_nofault(ev->tmp, (const void __user *)start, n)) {
		fck_stat_inc(FC_STAT_READ_FAIL);
		push_empty(ev);
		push_empty(ev);
		return;
	}
	ev->tmp[FCK_SLOT - 1] = 0;
	nul = memchr(ev->tmp, 0, n);
	first = nul ? nul - ev->tmp : n - 1;
	push_kbytes(ev, ev->tmp, first + 1);			/* exe, with its NUL */
	push_kbytes(ev, ev->tmp + first + 1, n - (first + 1));	/* args */
}

#define PPM_EXE_FROM_MEMFD (1 << 2)

static u32 exe_flags(void)
{
	struct mm_struct *mm = current->mm;
	struct file *f;
	u32 r = 0;

	if (!mm)
		return 0;
	rcu_read_lock();
	f = rcu_dereference(mm->exe_file);
	if (f && !strncmp((const char *)f->f_path.dentry->d_name.name, "memfd:", 6))
		r = PPM_EXE_FROM_MEMFD;
	rcu_read_unlock();
	return r;
}

static u64 nofile_cur(void)
{
	return READ_ONCE(current->signal->rlim[RLIMIT_NOFILE].rlim_cur);
}

/* The params common to execve and execveat (all but filename). */
static void exec_common(struct fck_evt *ev, long ret, unsigned long path)
{
	int i;

	task_get(ev);
	push_s64(ev, ret);				/* res */
	if (ret >= 0) {
		push_exe_args(ev);			/* exe, args */
	} else {
		push_ustr(ev, path);			/* the path tried */
		push_empty(ev);
	}
	push_s64(ev, ev->tid);				/* tid */
	push_s64(ev, ev->task.pid);			/* pid */
	push_s64(ev, ev->task.ppid);			/* ptid */
	push_empty(ev);					/* cwd: not computed */
	push_u64(ev, nofile_cur());			/* fdlimit */
	for (i = 0; i < 5; i++)
		push_empty(ev);				/* pgft_maj..vm_swap */
	push_kbytes(ev, ev->task.comm, ev->comm.len + 1); /* comm */
	for (i = 0; i < 4; i++)
		push_empty(ev);				/* cgroups, env, tty, vpgid */
	push_u32(ev, ev->task.loginuid);		/* loginuid */
	push_u32(ev, ret >= 0 ? exe_flags() : 0);	/* flags */
	for (i = 0; i < 6; i++)
		push_empty(ev);				/* caps, exe_ino* */
	push_u32(ev, ev->task.uid);			/* uid */
	push_empty(ev);					/* trusted_exepath */
	push_empty(ev);					/* pgid */
	push_u32(ev, ev->task.gid);			/* gid */
}

static void fill_execve(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(execve, ret);
	exec_common(ev, ret, ARG(0));
	push_empty(ev);		/* filename: gone with the old image */
}

static void fill_execveat(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(execveat, ret);
	exec_common(ev, ret, ARG(1));
}

static void clone_common(struct fck_evt *ev, long ret, u32 ppm_flags)
{
	struct pid *tp, *lp;
	s64 vtid, vpid;
	int i;

	task_get(ev);
	rcu_read_lock();
	tp = task_pid(current);
	lp = task_pid(current->group_leader);
	vtid = pid_vnr_of(tp);
	vpid = pid_vnr_of(lp);
	rcu_read_unlock();

	push_s64(ev, ret);				/* res */
	push_exe_args(ev);				/* exe, args */
	push_s64(ev, ev->tid);				/* tid */
	push_s64(ev, ev->task.pid);			/* pid */
	push_s64(ev, ev->task.ppid);			/* ptid */
	push_empty(ev);					/* cwd */
	push_s64(ev, nofile_cur());			/* fdlimit */
	for (i = 0; i < 5; i++)
		push_empty(ev);				/* pgft_maj..vm_swap */
	push_kbytes(ev, ev->task.comm, ev->comm.len + 1); /* comm */
	push_empty(ev);					/* cgroups */
	push_u32(ev, ppm_flags);			/* flags */
	push_u32(ev, ev->task.uid);			/* uid */
	push_u32(ev, ev->task.gid);			/* gid */
	push_s64(ev, vtid);				/* vtid */
	push_s64(ev, vpid);				/* vpid */
	push_empty(ev);					/* pidns_init_start_ts */
}

static void fill_clone(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(clone, ret);
	clone_common(ev, ret, fc_clone_flags(ARG(0)));
}

static void fill_clone3(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	u64 flags = 0;

	/* struct clone_args starts with the u64 flags */
	if (copy_from_user_nofault(&flags, (const void __user *)ARG(0), sizeof(flags)))
		flags = 0;
	BEGIN(clone3, ret);
	clone_common(ev, ret, fc_clone_flags(flags));
}

static void fill_fork(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(fork, ret);
	clone_common(ev, ret, 0);
}

static void fill_vfork(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(vfork, ret);
	clone_common(ev, ret, fc_clone_flags(0x4000 | 0x100)); /* CLONE_VFORK | CLONE_VM */
}

static void fill_ptrace(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(ptrace, ret);
	push_s64(ev, ret);
	push_empty(ev);				/* addr, data: not computed */
	push_empty(ev);
	push_u16(ev, fc_ptrace_req(ARG(0)));	/* request */
	push_s64(ev, (int)ARG(1));		/* pid */
}

static void fill_setuid(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(setuid, ret);
	push_s64(ev, ret);
	push_u32(ev, ARG(0));
}

static void fill_setns(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(setns, ret);
	res_fd(ev, ret, ARG(0));
	push_u32(ev, fc_clone_flags(ARG(1)));
}

static void fill_unshare(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(unshare, ret);
	push_s64(ev, ret);
	push_u32(ev, fc_clone_flags(ARG(0)));
}

/*=============================== SYSTEM ===========================*/

static void fill_bpf(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(bpf, ret);
	push_fd(ev, ret);
	push_u32(ev, ARG(0));			/* cmd: BPF_* = PPM_BPF_* */
}

static void fill_init_module(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(init_module, ret);
	push_s64(ev, ret);
	push_empty(ev);				/* img: not captured */
	push_u64(ev, ARG(1));			/* length */
	push_ustr(ev, ARG(2));			/* uargs */
}

static void fill_finit_module(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	BEGIN(finit_module, ret);
	push_s64(ev, ret);
	push_fd(ev, (int)ARG(0));
	push_ustr(ev, ARG(1));			/* uargs */
	push_u32(ev, ARG(2) & 7);		/* MODULE_INIT_* = PPM_* */
}

/* procexit comes from sched_process_exit (fck_fill_procexit) */
static void fill_procexit(struct fck_evt *ev, struct pt_regs *regs, long ret)
{
	ev->np = FCK_MAXP; /* never complete: not sent */
}

typedef void (*fck_fill_fn)(struct fck_evt *ev, struct pt_regs *regs, long ret);

static const fck_fill_fn fck_fills[FCK_SC__COUNT] = {
#define FC_SC(name, nr, ppme, np, flags) [FCK_SC_##name] = fill_##name,
#include "fc_syscalls.def"
};

bool fck_fill(struct fck_evt *ev, unsigned sc, struct pt_regs *regs, long ret)
{
	if (sc >= FCK_SC__COUNT || sc == FCK_SC_procexit)
		return false;
	fck_fills[sc](ev, regs, ret);
	/* a fill out of step with the table is never sent (as the probe) */
	if (ev->pi != ev->np) {
		fck_stat_inc(FC_STAT_READ_FAIL);
		return false;
	}
	return true;
}

void fck_fill_procexit(struct fck_evt *ev, struct task_struct *p)
{
	int code = p->exit_code;

	begin(ev, FCK_SC_procexit, FCK_PPME_procexit, FCK_NP_procexit, code);
	push_s64(ev, code);			/* status */
	push_s64(ev, (code >> 8) & 0xff);	/* ret */
	push_u8(ev, code & 0x7f);		/* sig */
	push_u8(ev, (code & 0x80) ? 1 : 0);	/* core */
	push_empty(ev);				/* reaper_tid: not computed */
}

bool fck_always(const struct fck_evt *ev)
{
	if (ev->sc < FCK_SC__COUNT && (fck_sc_flags[ev->sc] & FC_SCF_ALWAYS))
		return true;
	/* a successful directory open: its fd may be an openat dirfd */
	return ev->oflags >= 0 && (ev->oflags & (1 << 10)) && ev->res >= 0;
}

u32 fck_finish(struct fck_evt *ev, const u64 *mask, u32 nbytes)
{
	struct {
		u64 ts, tid;
		u32 len;
		u16 type;
		u32 nparams;
	} __packed h;

	task_get(ev);
	if (mask)
		push_kbytes(ev, mask, nbytes);	/* rules bitmap */
	else
		push_empty(ev);
	push_kbytes(ev, &ev->task, sizeof(ev->task)); /* the task values */
	if (ev->pi != ev->np + FC_EXT_NPARAMS)
		return 0;
	h.ts = ktime_get_real_ns();
	h.tid = ev->tid;
	h.len = ev->pos;
	h.type = ev->ppme;
	h.nparams = ev->pi;
	memcpy(ev->buf, &h, sizeof(h));
	return ev->pos;
}

/*=============================== FILTER FETCH ===========================*/

/* evt.arg.NAME / evt.arg[N]: the param's index, -1 if none. */
static int param_index(u16 ppme, const char *arg)
{
	static const char *const none[] = { NULL };
	const char *const *names = none;
	unsigned n = 0;
	int i;

	if (!arg)
		return -1;
	if (arg[0] >= '0' && arg[0] <= '9') {
		unsigned long v;

		if (kstrtoul(arg, 10, &v) || v >= FCK_MAXP)
			return -1;
		return v;
	}
	switch (ppme) {
#define PARAM(name, type) name,
#define PARAMS_NONE
#define EVENT(code, sym, dir, evname, cat, flags, np, ...)         \
	case code: {                                               \
		static const char *const pn[] = { __VA_ARGS__ NULL }; \
		names = pn;                                        \
		n = np;                                            \
		break;                                             \
	}
#include "event_table.def"
#undef EVENT
#undef PARAM
#undef PARAMS_NONE
	default:
		break;
	}
	for (i = 0; i < n && names[i]; i++)
		if (!strcmp(names[i], arg))
			return i;
	return -1;
}

static int fetch_str(const struct fck_sv *sv, struct fcf_value *out)
{
	if (sv->len < 0)
		return FCF_FETCH_MAYBE;
	out->kind = FCF_V_STR;
	out->str = sv->p;
	out->len = sv->len;
	return FCF_FETCH_OK;
}

static int fetch_num(s64 v, struct fcf_value *out)
{
	out->kind = FCF_V_NUM;
	out->num = v;
	return FCF_FETCH_OK;
}

/*
 * The module's field values: the same derivations as the BPF probe's
 * filters (compiler/codegen.c), read from the event being built. What is
 * not derived here is MAYBE; the program decides what to do with it.
 */
int fck_fetch(void *ctx, unsigned field, const char *arg, struct fcf_value *out)
{
	struct fck_evt *ev = ctx;
	bool is_open = ev->sc == FCK_SC_open || ev->sc == FCK_SC_openat || ev->sc == FCK_SC_openat2;
	bool procexit = ev->sc == FCK_SC_procexit;
	int i;

	switch (field) {
	case FCF_KF_PROC_NAME:
	case FCF_KF_PROC_PNAME:
	case FCF_KF_PROC_ANAME:
	case FCF_KF_PROC_PID:
	case FCF_KF_PROC_PPID:
	case FCF_KF_THREAD_TID:
	case FCF_KF_USER_UID:
	case FCF_KF_USER_LOGINUID:
	case FCF_KF_GROUP_GID:
	case FCF_KF_CONTAINER_ID:
		task_get(ev);
		break;
	default:
		break;
	}
	switch (field) {
	case FCF_KF_EVT_RAWRES:
		return procexit ? FCF_FETCH_MAYBE : fetch_num(ev->res, out);
	case FCF_KF_EVT_FAILED:
		return procexit ? FCF_FETCH_MAYBE : fetch_num(ev->res < 0, out);
	case FCF_KF_EVT_ARG:	/* a string param, as sent */
	case FCF_KF_EVT_RAWARG:	/* a numeric param, as sent */
		i = param_index(ev->ppme, arg);
		if (i < 0 || i >= ev->np)
			return FCF_FETCH_MAYBE;
		if (field == FCF_KF_EVT_RAWARG)
			return (ev->pknown & (1ull << i)) ? fetch_num((s64)ev->pval[i], out)
							  : FCF_FETCH_MAYBE;
		return fetch_str(&ev->psv[i], out);
	case FCF_KF_EVT_IS_OPEN_READ:
	case FCF_KF_EVT_IS_OPEN_WRITE:
	case FCF_KF_EVT_IS_OPEN_EXEC:
		if (is_open) {
			s32 f = ev->oflags;

			if (f < 0)
				return FCF_FETCH_MAYBE;
			if (field == FCF_KF_EVT_IS_OPEN_READ)
				return fetch_num(!!(f & 1), out);
			if (field == FCF_KF_EVT_IS_OPEN_WRITE)
				return fetch_num(!!(f & 2), out);
			return fetch_num((f & ((1 << 13) | (1 << 2))) && (ev->omode & 0111), out);
		}
		if (ev->sc == FCK_SC_creat && field == FCF_KF_EVT_IS_OPEN_EXEC)
			return fetch_num((ev->omode & 0111) != 0, out);
		return fetch_num(0, out); /* libsinsp: 0 on other events */
	case FCF_KF_PROC_NAME:
		return fetch_str(&ev->comm, out);
	case FCF_KF_PROC_PNAME:
		return fetch_str(&ev->aname[0], out);
	case FCF_KF_PROC_ANAME: {
		unsigned long n;

		if (!arg || kstrtoul(arg, 10, &n))
			return FCF_FETCH_MAYBE;
		if (n == 0)
			return fetch_str(&ev->comm, out);
		if (n > FC_MAX_ANCESTORS)
			return FCF_FETCH_MAYBE;
		return fetch_str(&ev->aname[n - 1], out);
	}
	case FCF_KF_PROC_PID:
		return fetch_num(ev->task.pid, out);
	case FCF_KF_PROC_PPID:
		return fetch_num(ev->task.ppid, out);
	case FCF_KF_THREAD_TID:
		return fetch_num(ev->tid, out);
	case FCF_KF_USER_UID:
		return fetch_num(ev->task.uid, out);
	case FCF_KF_USER_LOGINUID:
		return fetch_num((s32)ev->task.loginuid, out);
	case FCF_KF_GROUP_GID:
		return fetch_num(ev->task.gid, out);
	case FCF_KF_FD_NAME:
		return fetch_str(&ev->fdname, out);
	case FCF_KF_FD_DIRECTORY:
		return fetch_str(&ev->fddir, out);
	case FCF_KF_FD_FILENAME:
		return fetch_str(&ev->fdfile, out);
	case FCF_KF_FD_TYPECHAR:
	case FCF_KF_FD_TYPE:
		if ((!is_open && ev->sc != FCK_SC_creat) || ev->typechar < 0)
			return FCF_FETCH_MAYBE;
		out->kind = FCF_V_STR;
		out->str = field == FCF_KF_FD_TYPECHAR ? "f" : "file";
		out->len = field == FCF_KF_FD_TYPECHAR ? 1 : 4;
		return FCF_FETCH_OK;
	case FCF_KF_FD_SIP:
	case FCF_KF_FD_DIP:
		if (ev->sc != FCK_SC_connect || !ev->net_ok)
			return FCF_FETCH_MAYBE;
		return fetch_num(ev->dip, out);
	case FCF_KF_FD_SPORT:
	case FCF_KF_FD_DPORT:
		if (ev->sc != FCK_SC_connect || !ev->net_ok)
			return FCF_FETCH_MAYBE;
		return fetch_num(ev->dport, out);
	case FCF_KF_CONTAINER_ID:
		if (ev->task.flags & FC_TASK_IN_CONTAINER)
			return FCF_FETCH_MAYBE;
		out->kind = FCF_V_STR;
		out->str = "host";
		out->len = 4;
		return FCF_FETCH_OK;
	case FCF_KF_EVT_TYPE:
		out->kind = FCF_V_STR;
		out->str = fck_sc_names[ev->sc];
		out->len = strlen(out->str);
		return FCF_FETCH_OK;
	case FCF_KF_EVT_DIR:
		out->kind = FCF_V_STR;
		out->str = procexit ? ">" : "<";
		out->len = 1;
		return FCF_FETCH_OK;
	case FCF_KF_EVT_RES:
		/* errno names are not computed here: MAYBE on failure */
		if (procexit || ev->res < 0)
			return FCF_FETCH_MAYBE;
		out->kind = FCF_V_STR;
		out->str = "SUCCESS";
		out->len = 7;
		return FCF_FETCH_OK;
	default:
		/* fd.l4proto and anything else: MAYBE */
		return FCF_FETCH_MAYBE;
	}
}
