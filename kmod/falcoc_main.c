// SPDX-License-Identifier: Dual MIT/GPL
/*
 * falcoc_main.c: the falcoc kernel module. It turns the exits of the
 * syscalls in bpf-templates/fc_syscalls.def (and sched_process_exit)
 * into events of the falcoc event ABI, filters them with a verified
 * fcf program (kmod/fcf/), and hands them to falcoc-run through per-CPU
 * rings mmapped from /dev/falcoc (ABI: falcoc_kmod_abi.h).
 *
 * State: one global struct fck_state, owned by the single opener of the
 * device. Everything is allocated at open and freed at release:
 *
 *   area       vmalloc_user(nrings * stride): per ring a header page
 *              (head, tail, counters) and the data area; mmapped whole
 *   cpus[i]    per-CPU scratch: the event under construction and the
 *              filter's rule mask; the authoritative head (the copy in
 *              the shared page is for the reader only, never trusted)
 *   prog       the verified filter program (NULL: every event passes
 *              with an empty rules bitmap, i.e. "evaluate all")
 *
 * Lifetime and unload safety: the tracepoint probes are registered only
 * while capture is enabled, and disabling unregisters them and waits
 * (tracepoint_synchronize_unregister) until no probe runs any more; only
 * then is anything freed. The filter may be replaced only while capture
 * is off. Capture stops when the file is released, and the module can
 * only be removed once the file is released (fops.owner), so rmmod can
 * never free memory a probe is using.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/tracepoint.h>
#include <linux/mutex.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/log2.h>
#include <linux/compat.h>
#include <linux/ptrace.h>
#include <asm/syscall.h>

#include "falcoc_kmod_abi.h"
#include "falcoc_event.h"
#include "fcf/fcf.h"

static unsigned int ring_kb = 4096;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "data bytes of each per-CPU ring, in KiB (power of two, >= 128)");

struct fck_cpu {
	u64 head;			/* authoritative producer position */
	u64 mask[FCF_MAX_RULES / 64];	/* fcf_run's rule bits */
	struct fck_evt ev;
};

static struct fck_state {
	struct mutex lock;		/* control paths (ioctl, open, release) */
	atomic_t opened;
	bool capturing;
	bool have_tp_exit, have_tp_pexit;
	u8 *area;
	u64 total, stride;
	u32 nrings, data_bytes;
	struct fck_cpu **cpus;
	struct fcf_prog *prog;
	u32 nrules;
	u64 sc_bits[2];
	u64 rules_on[FCK_MAX_RULES / 64];	/* enabled rules (FCK_IOC_SET_RULES) */
} g = {
	.lock = __MUTEX_INITIALIZER(g.lock),
	.opened = ATOMIC_INIT(0),
};

static struct tracepoint *tp_sys_exit, *tp_sched_exit;

static struct fck_ring_hdr *ring_hdr(unsigned cpu)
{
	return (struct fck_ring_hdr *)(g.area + (u64)cpu * g.stride);
}

void fck_stat_inc(unsigned which)
{
	unsigned cpu = smp_processor_id();

	if (which < FCK_STATS_MAX && cpu < g.nrings)
		ring_hdr(cpu)->stats[which]++;
}

/*
 * Copy one event into this CPU's ring, or count it lost. The shared
 * tail is the consumer's: a value that makes no sense (ahead of head,
 * or more than a ring behind) is read as "full", so a misbehaving reader
 * loses events but can never make the module write out of bounds.
 */
static void ring_put(unsigned cpu, struct fck_cpu *c, const void *data, u32 len)
{
	struct fck_ring_hdr *h = ring_hdr(cpu);
	u8 *d = (u8 *)h + FCK_HDR_BYTES;
	u32 size = g.data_bytes;
	u32 rec = ALIGN(sizeof(struct fck_rec) + len, 8);
	u64 head = c->head, tail = smp_load_acquire(&h->tail);
	u64 used = head - tail;
	u32 off = head & (size - 1), contig = size - off;
	u32 need = rec > contig ? contig + rec : rec;
	struct fck_rec r;

	if (tail > head || used > size || size - used < need) {
		h->stats[FC_STAT_RING_FULL]++;
		return;
	}
	if (rec > contig) {
		r.len = contig;
		r.flags = FCK_REC_PAD;
		memcpy(d + off, &r, sizeof(r));
		head += contig;
		off = 0;
	}
	r.len = rec;
	r.flags = 0;
	memcpy(d + off, &r, sizeof(r));
	memcpy(d + off + sizeof(r), data, len);
	head += rec;
	c->head = head;
	smp_store_release(&h->head, head);
	h->stats[FC_STAT_SENT]++;
}

/* Filter (unless always-flow) and send the event built in c->ev. */
static void fck_emit(unsigned cpu, struct fck_cpu *c, bool always)
{
	struct fck_evt *ev = &c->ev;
	const u64 *mask = NULL;
	u32 len;

	if (!always && g.prog) {
		u64 any = 0;
		unsigned i;

		if (fcf_run(g.prog, ev->sc, fck_fetch, ev, c->mask) > 0) {
			/* the program decides disabled rules too (fcf.h) */
			for (i = 0; i < (g.nrules + 63) / 64; i++) {
				c->mask[i] &= g.rules_on[i];
				any |= c->mask[i];
			}
		}
		if (!any) {
			ring_hdr(cpu)->stats[FC_STAT_FILTERED]++;
			return;
		}
		mask = c->mask;
	}
	len = fck_finish(ev, mask, (g.nrules + 7) / 8);
	if (!len) {
		ring_hdr(cpu)->stats[FC_STAT_TRUNCATED]++;
		return;
	}
	ring_put(cpu, c, ev->buf, len);
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	struct fck_cpu *c;
	unsigned cpu;
	int sc;

	sc = fck_sc_of_nr(syscall_get_nr(current, regs));
	if (sc < 0 || !(g.sc_bits[sc / 64] & (1ull << (sc % 64))))
		return;
	/* ia32 syscalls have other numbers: not handled (as the BPF probe) */
	if (in_compat_syscall())
		return;
	/* preemption is off in 6.1's tracepoints; get_cpu keeps it so on
	 * kernels whose syscall tracepoints may sleep */
	cpu = get_cpu();
	if (cpu >= g.nrings)
		goto out;
	c = g.cpus[cpu];
	ring_hdr(cpu)->stats[FC_STAT_SEEN]++;
	if (fck_fill(&c->ev, sc, regs, ret))
		fck_emit(cpu, c, fck_always(&c->ev));
out:
	put_cpu();
}

static void probe_sched_exit(void *data, struct task_struct *p)
{
	struct fck_cpu *c;
	unsigned cpu;

	if (p != current)
		return;
	cpu = get_cpu();
	if (cpu < g.nrings) {
		c = g.cpus[cpu];
		ring_hdr(cpu)->stats[FC_STAT_SEEN]++;
		fck_fill_procexit(&c->ev, p);
		fck_emit(cpu, c, true);
	}
	put_cpu();
}

static void find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_exit"))
		tp_sys_exit = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		tp_sched_exit = tp;
}

/* Stop capture: after this returns no probe runs (g.lock held). */
static void capture_stop(void)
{
	if (g.have_tp_exit)
		tracepoint_probe_unregister(tp_sys_exit, probe_sys_exit, NULL);
	if (g.have_tp_pexit)
		tracepoint_probe_unregister(tp_sched_exit, probe_sched_exit, NULL);
	if (g.have_tp_exit || g.have_tp_pexit)
		tracepoint_synchronize_unregister();
	g.have_tp_exit = g.have_tp_pexit = false;
	g.capturing = false;
}

static int capture_start(void)
{
	int err;

	if (g.capturing)
		return 0;
	if (!tp_sys_exit || !tp_sched_exit)
		return -ENOENT;
	err = tracepoint_probe_register(tp_sys_exit, probe_sys_exit, NULL);
	if (err)
		return err;
	g.have_tp_exit = true;
	err = tracepoint_probe_register(tp_sched_exit, probe_sched_exit, NULL);
	if (err) {
		capture_stop();
		return err;
	}
	g.have_tp_pexit = true;
	g.capturing = true;
	return 0;
}

static void state_free(void)
{
	unsigned i;

	if (g.cpus) {
		for (i = 0; i < g.nrings; i++)
			vfree(g.cpus[i]);
		kfree(g.cpus);
		g.cpus = NULL;
	}
	vfree(g.area);
	g.area = NULL;
	if (g.prog)
		fcf_free(g.prog);
	g.prog = NULL;
	g.nrules = 0;
	g.nrings = 0;
}

static int state_alloc(void)
{
	unsigned i;

	g.nrings = nr_cpu_ids;
	g.data_bytes = ring_kb * 1024;
	g.stride = FCK_HDR_BYTES + (u64)g.data_bytes;
	g.total = g.stride * g.nrings;
	g.area = vmalloc_user(g.total); /* zeroed */
	g.cpus = kcalloc(g.nrings, sizeof(*g.cpus), GFP_KERNEL);
	if (!g.area || !g.cpus)
		goto nomem;
	for (i = 0; i < g.nrings; i++) {
		g.cpus[i] = vzalloc(sizeof(struct fck_cpu));
		if (!g.cpus[i])
			goto nomem;
	}
	/* every syscall and rule until userspace narrows them */
	g.sc_bits[0] = g.sc_bits[1] = ~0ull;
	memset(g.rules_on, 0xff, sizeof(g.rules_on));
	return 0;
nomem:
	state_free();
	return -ENOMEM;
}

static int fck_open(struct inode *inode, struct file *f)
{
	int err;

	if (atomic_cmpxchg(&g.opened, 0, 1))
		return -EBUSY; /* one reader owns the rings */
	mutex_lock(&g.lock);
	err = state_alloc();
	mutex_unlock(&g.lock);
	if (err)
		atomic_set(&g.opened, 0);
	return err;
}

static int fck_release(struct inode *inode, struct file *f)
{
	mutex_lock(&g.lock);
	capture_stop();
	state_free();
	mutex_unlock(&g.lock);
	atomic_set(&g.opened, 0);
	return 0;
}

static int fck_mmap(struct file *f, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	int err;

	mutex_lock(&g.lock);
	if (!g.area || vma->vm_pgoff || len > PAGE_ALIGN(g.total))
		err = -EINVAL;
	else
		err = remap_vmalloc_range(vma, g.area, 0);
	mutex_unlock(&g.lock);
	return err;
}

static long ioc_load_filter(void __user *uarg)
{
	struct fck_filter req;
	struct fcf_prog *prog = NULL;
	char err[256] = "";
	void *blob;
	int rc;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (g.capturing)
		return -EBUSY;
	if (!req.len || req.len > FCF_MAX_BLOB)
		return -E2BIG;
	blob = kvmalloc(req.len, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	if (copy_from_user(blob, u64_to_user_ptr(req.blob), req.len)) {
		kvfree(blob);
		return -EFAULT;
	}
	rc = fcf_load(blob, req.len, &prog, err, sizeof(err));
	kvfree(blob);
	if (rc < 0 || !prog) {
		if (req.err && req.errlen) {
			size_t n = min_t(size_t, req.errlen, strnlen(err, sizeof(err) - 1) + 1);

			err[sizeof(err) - 1] = 0;
			if (copy_to_user(u64_to_user_ptr(req.err), err, n))
				return -EFAULT;
		}
		return rc < 0 ? rc : -EINVAL;
	}
	if (fcf_nrules(prog) > FCF_MAX_RULES) {
		fcf_free(prog);
		return -E2BIG;
	}
	if (g.prog)
		fcf_free(g.prog);
	g.prog = prog;
	g.nrules = fcf_nrules(prog);
	req.nrules = g.nrules;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long ioc_stats(void __user *uarg)
{
	struct fck_stats req;
	u64 __user *dst;
	unsigned i, n;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	n = min(req.ncpus, g.nrings);
	dst = u64_to_user_ptr(req.buf);
	for (i = 0; i < n; i++) {
		u64 row[FCK_STATS_MAX];

		memcpy(row, ring_hdr(i)->stats, sizeof(row));
		if (copy_to_user(dst + (u64)i * FCK_STATS_MAX, row, sizeof(row)))
			return -EFAULT;
	}
	req.ncpus = n;
	req.nstats = FC_STAT__COUNT;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long fck_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	long rc = 0;

	mutex_lock(&g.lock);
	switch (cmd) {
	case FCK_IOC_GEOMETRY: {
		struct fck_geometry geo = {
			.abi = FCK_ABI_VERSION,
			.nrings = g.nrings,
			.hdr_bytes = FCK_HDR_BYTES,
			.data_bytes = g.data_bytes,
			.stride = g.stride,
			.total = g.total,
		};

		if (copy_to_user(uarg, &geo, sizeof(geo)))
			rc = -EFAULT;
		break;
	}
	case FCK_IOC_LOAD_FILTER:
		rc = ioc_load_filter(uarg);
		break;
	case FCK_IOC_ENABLE:
		rc = capture_start();
		break;
	case FCK_IOC_DISABLE:
		capture_stop();
		break;
	case FCK_IOC_STATS:
		rc = ioc_stats(uarg);
		break;
	case FCK_IOC_SET_SYSCALLS: {
		struct fck_syscalls s;

		if (copy_from_user(&s, uarg, sizeof(s)))
			rc = -EFAULT;
		else if (g.capturing)
			rc = -EBUSY;
		else
			memcpy(g.sc_bits, s.bits, sizeof(g.sc_bits));
		break;
	}
	case FCK_IOC_SET_RULES:
		if (g.capturing)
			rc = -EBUSY;
		else if (copy_from_user(g.rules_on, uarg, sizeof(g.rules_on)))
			rc = -EFAULT;
		break;
	default:
		rc = -ENOTTY;
	}
	mutex_unlock(&g.lock);
	return rc;
}

static const struct file_operations fck_fops = {
	.owner = THIS_MODULE,
	.open = fck_open,
	.release = fck_release,
	.mmap = fck_mmap,
	.unlocked_ioctl = fck_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice fck_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "falcoc",
	.fops = &fck_fops,
	.mode = 0600,
};

static int __init fck_init(void)
{
	BUILD_BUG_ON(FC_STAT__COUNT > FCK_STATS_MAX);
	BUILD_BUG_ON(sizeof(struct fck_ring_hdr) > FCK_HDR_BYTES);
	BUILD_BUG_ON(FCK_SC__COUNT > 128); /* struct fck_syscalls */
	BUILD_BUG_ON(FCK_MAX_RULES != FCF_MAX_RULES);
	if (ring_kb < 128 || !is_power_of_2(ring_kb) || ring_kb > (1u << 20)) {
		pr_err("falcoc: ring_kb=%u: must be a power of two in [128, 1048576]\n", ring_kb);
		return -EINVAL;
	}
	for_each_kernel_tracepoint(find_tp, NULL);
	if (!tp_sys_exit || !tp_sched_exit) {
		pr_err("falcoc: tracepoint %s not found\n", tp_sys_exit ? "sched_process_exit" : "sys_exit");
		return -ENOENT;
	}
	return misc_register(&fck_misc);
}

static void __exit fck_exit(void)
{
	/* the file is released (fops.owner holds the module until then), so
	 * capture is stopped and everything freed already */
	misc_deregister(&fck_misc);
}

module_init(fck_init);
module_exit(fck_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("falcoc: syscall events with an in-kernel rule filter");
