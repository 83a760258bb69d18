/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * fc_probe.bpf.h: the fixed part of every falcoc probe, included first by
 * the generated C (compiler/codegen.c). It defines
 *
 *   - the maps: fc_scratch (one event under construction per CPU),
 *     fc_stats, fc_rings (ring buffer shards), fc_tail (per-syscall
 *     programs);
 *   - struct fc_scratch, the only data the generated filters read: the
 *     task values (struct fc_task), the return value, the numeric value
 *     of each event parameter, and string views (struct fc_sv) into eight
 *     fixed 4 KiB string slots;
 *   - the event builder (fc_evt__*): libscap wire format, header, u16
 *     lengths, params, then the two falcoc extension params;
 *   - the three-valued primitives the generated filters call (fc_str__*,
 *     fc_tri__*).
 *
 * Contract with the generated code (see compiler/codegen.h):
 *   before this file:  #define FC_NRULES n
 *   after this file:   fc_set_<id> maps, fc_rule_enabled[], fc_interesting[],
 *                      one fc_filter_<syscall>(struct fc_scratch *) per row
 *                      of fc_syscalls.def, then #include "fc_programs.bpf.h".
 *
 * Why a scratch slot per CPU in an ARRAY and not a PERCPU_ARRAY: per-CPU
 * values are limited to 32 KiB, the event alone may take 64 KiB. Programs
 * on tracepoints run with migration disabled, so the CPU id is stable.
 */
#ifndef FC_PROBE_BPF_H
#define FC_PROBE_BPF_H

#include "fc_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "falcoc_abi.h"

#ifndef FC_NRULES
#error "define FC_NRULES before including fc_probe.bpf.h"
#endif

/* Three-valued logic: FALSE drops, TRUE and MAYBE pass. */
#define FC_FALSE 0
#define FC_TRUE 1
#define FC_MAYBE 2

#define FC_HDR_LEN 26		/* struct rt_evt_hdr, packed */
#define FC_MAXP 64		/* params per event, extensions included (execve: 31+2) */
#define FC_EVT_BUF (2 * FC_EVENT_MAX) /* masked offset + one param fits */
#define FC_EVT_MASK (FC_EVENT_MAX - 1)
#define FC_SLOT 4096		/* one string slot, = FC_PATH_MAX */
#define FC_SLOT_MASK (FC_SLOT - 1)
#define FC_NSLOTS 8
#define FC_KEY_MAX 256		/* longest set key (hash and LPM data) */
#define FC_GLOB_STEPS 65536	/* bpf_loop budget of one glob match */
#define FC_RULE_BYTES ((FC_NRULES + 7) / 8)
#define FC_RULE_WORDS ((FC_NRULES + 63) / 64)
#define FC_MAX_CPUS 128		/* default fc_scratch size; the loader sets #CPUs */
#define FC_MAX_RINGS 64		/* default fc_rings size; the loader sets it */

/* String slots: which slot holds what. */
enum fc_slot {
	FC_SLOT_ARG0,	/* first path/string argument */
	FC_SLOT_ARG1,	/* second path/string argument */
	FC_SLOT_COMM,	/* proc.name */
	FC_SLOT_ACOMM0,	/* proc.aname[1] (= proc.pname) .. aname[4] */
	FC_SLOT_ACOMM1,
	FC_SLOT_ACOMM2,
	FC_SLOT_ACOMM3,
	FC_SLOT_ARGS,	/* execve argument area */
};

/* String views: fixed fields first, then one per event parameter. */
enum fc_sv_id {
	FC_SV_FDNAME,	/* fd.name (open family, fd >= 0, normalised path) */
	FC_SV_FDDIR,	/* fd.directory */
	FC_SV_FDFILE,	/* fd.filename */
	FC_SV_COMM,	/* proc.name */
	FC_SV_ANAME1,	/* proc.aname[1..4]; [1] is proc.pname */
	FC_SV_ANAME2,
	FC_SV_ANAME3,
	FC_SV_ANAME4,
	FC_SV_PARAM0 = 16, /* evt.arg.<i-th param> when it is a string */
	FC_NSV = 128, /* a power of two >= FC_SV_PARAM0 + FC_MAXP: ids are masked */
};

/* A string the filters can read: bytes [off, off + len) of slot. */
struct fc_sv {
	__s32 len; /* < 0: unknown, every check on it is MAYBE */
	__u16 slot;
	__u16 off;
};

struct fc_scratch {
	/* values the filters read */
	struct fc_task task;
	__s64 res;
	__u64 tid;
	__u32 sc;		/* FC_SC_* of the event */
	__u64 pknown;		/* bit i: pval[i] holds param i's number */
	__u64 pval[FC_MAXP];
	struct fc_sv sv[FC_NSV];
	__s32 typechar;		/* fd.typechar, -1 unknown */
	__u32 net_ok;		/* dip/dport below are known */
	__u32 dip;		/* fd.dip = fd.sip for connect (IPv4, host order) */
	__u32 dport;		/* fd.dport = fd.sport for connect */
	__s32 oflags;		/* PPM open flags, -1 if not an open */
	__s32 omode;		/* open mode (PPM bits) */
	__u64 rules[FC_RULE_WORDS]; /* bit i: rule i's kernel part is not FALSE */
	__u8 rv[FC_NRULES + 1];	/* per-rule three-valued result (tests) */
	/* event under construction */
	__u32 pos;		/* bytes written, header included */
	__u32 pi;		/* next param index */
	__u32 np;		/* table params of the event */
	__u32 pad;
	__u8 key[8 + FC_KEY_MAX];	/* set lookup key */
	__u8 ndl[FC_KEY_MAX];		/* needle / glob pattern */
	__u8 str[FC_NSLOTS * FC_SLOT];
	__u8 evt[FC_EVT_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FC_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct fc_scratch);
} fc_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FC_STAT__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} fc_stats SEC(".maps");

struct fc_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, FC_RING_BYTES);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, FC_MAX_RINGS);
	__type(key, __u32);
	__array(values, struct fc_ring);
} fc_rings SEC(".maps");

/* Set by the loader before load: CLOCK_REALTIME - CLOCK_BOOTTIME, in ns,
 * so event timestamps are nanoseconds since the epoch. */
const volatile __u64 fc_boot_time = 0;

static __always_inline void fc_stat__inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&fc_stats, &which);

	if (v)
		*v += 1;
}

static __always_inline struct fc_scratch *fc_scratch__get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&fc_scratch, &cpu);
}

/*
 * Bound x for the verifier by masking with pow2 - 1 (pow2 a power of two
 * the caller's logic already keeps x below, so the mask never changes the
 * value). The empty asm hides x from the compiler, which would otherwise
 * drop the mask it can prove useless and leave the verifier without it.
 */
static __always_inline __u32 fc_mask(__u32 x, __u32 pow2)
{
	asm volatile("" : "+r"(x));
	return x & (pow2 - 1);
}

static __always_inline __u8 fc_byte(struct fc_scratch *c, __u32 slot, __u32 i)
{
	return c->str[((slot & (FC_NSLOTS - 1)) * FC_SLOT) + (i & FC_SLOT_MASK)];
}

/*=============================== THREE-VALUED LOGIC ===========================*/

static __always_inline int fc_tri(bool known, bool v)
{
	if (!known)
		return FC_MAYBE;
	return v ? FC_TRUE : FC_FALSE;
}

static __always_inline int fc_tri__not(int a)
{
	if (a == FC_MAYBE)
		return FC_MAYBE;
	return a == FC_TRUE ? FC_FALSE : FC_TRUE;
}

static __always_inline int fc_tri__and(int a, int b)
{
	if (a == FC_FALSE || b == FC_FALSE)
		return FC_FALSE;
	if (a == FC_MAYBE || b == FC_MAYBE)
		return FC_MAYBE;
	return FC_TRUE;
}

static __always_inline int fc_tri__or(int a, int b)
{
	if (a == FC_TRUE || b == FC_TRUE)
		return FC_TRUE;
	if (a == FC_MAYBE || b == FC_MAYBE)
		return FC_MAYBE;
	return FC_FALSE;
}

static __always_inline void fc_rule__mark(struct fc_scratch *c, __u32 idx, int v)
{
#ifdef FC_TEST_HARNESS
	c->rv[idx & 1023] = v;
#endif
	if (v != FC_FALSE)
		c->rules[(idx >> 6) & (FC_RULE_WORDS - 1)] |= 1ULL << (idx & 63);
}

/*=============================== STRING CHECKS ===========================*/

static __always_inline char fc_lower(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch + ('a' - 'A');
	return ch;
}

/* field == lit (n bytes, a compile-time constant). */
static __always_inline int fc_str__eq(struct fc_scratch *c, __u32 svi, const char *lit, int n)
{
	struct fc_sv *sv = &c->sv[svi & (FC_NSV - 1)];
	__s32 len = sv->len;
	__u32 slot = sv->slot, off = sv->off;

	if (len < 0)
		return FC_MAYBE;
	if (len != n)
		return FC_FALSE;
#pragma unroll
	for (int i = 0; i < n; i++)
		if (fc_byte(c, slot, off + i) != lit[i])
			return FC_FALSE;
	return FC_TRUE;
}

/* Copy the field into c->key + at (zero-padded to ksz bytes when pad). */
static __always_inline void fc_key__load(struct fc_scratch *c, __u32 at, __u32 slot,
					  __u32 off, __u32 n)
{
	n = fc_mask(n, 2 * FC_KEY_MAX);
	if (n)
		bpf_probe_read_kernel(&c->key[at], n,
				      &c->str[((slot & (FC_NSLOTS - 1)) * FC_SLOT) +
					      (off & FC_SLOT_MASK)]);
}

/* field in set: a hash map keyed by the zero-padded string (ksz bytes). */
static __always_inline int fc_str__in(struct fc_scratch *c, __u32 svi, void *map, __u32 ksz)
{
	struct fc_sv *sv = &c->sv[svi & (FC_NSV - 1)];
	__s32 len = sv->len;

	if (len < 0)
		return FC_MAYBE;
	if (len >= (__s32)ksz)
		return FC_FALSE; /* longer than every member */
#pragma unroll
	for (__u32 i = 0; i < ksz / 8; i++)
		((__u64 *)c->key)[i] = 0;
	fc_key__load(c, 0, sv->slot, sv->off, len);
	return bpf_map_lookup_elem(map, c->key) ? FC_TRUE : FC_FALSE;
}

/* field startswith any member: an LPM trie of {prefixlen, bytes}. */
static __always_inline int fc_str__prefix(struct fc_scratch *c, __u32 svi, void *map, __u32 ksz)
{
	struct fc_sv *sv = &c->sv[svi & (FC_NSV - 1)];
	__s32 len = sv->len;
	__u32 n;

	if (len < 0)
		return FC_MAYBE;
	n = len > (__s32)ksz ? ksz : len;
	*(__u32 *)c->key = n * 8;
	fc_key__load(c, 4, sv->slot, sv->off, n);
	return bpf_map_lookup_elem(map, c->key) ? FC_TRUE : FC_FALSE;
}

struct fc_loop {
	struct fc_scratch *c;
	__u32 slot, off, len, n;
	__u32 i, j, star, mark; /* glob state */
	int icase;
	int found;
};

static long fc_rev__step(__u32 i, void *data)
{
	struct fc_loop *l = data;
	struct fc_scratch *c = l->c;

	if (i >= l->n)
		return 1;
	c->key[4 + (i & (FC_KEY_MAX - 1))] = fc_byte(c, l->slot, l->off + l->len - 1 - i);
	return 0;
}

/* field endswith any member: an LPM trie over reversed strings. */
static __always_inline int fc_str__suffix(struct fc_scratch *c, __u32 svi, void *map, __u32 ksz)
{
	struct fc_sv *sv = &c->sv[svi & (FC_NSV - 1)];
	struct fc_loop l = {};
	__s32 len = sv->len;

	if (len < 0)
		return FC_MAYBE;
	l.c = c;
	l.slot = sv->slot;
	l.off = sv->off;
	l.len = len;
	l.n = len > (__s32)ksz ? ksz : len;
	*(__u32 *)c->key = l.n * 8;
	bpf_loop(FC_KEY_MAX, fc_rev__step, &l, 0);
	return bpf_map_lookup_elem(map, c->key) ? FC_TRUE : FC_FALSE;
}

static long fc_contains__step(__u32 i, void *data)
{
	struct fc_loop *l = data;
	struct fc_scratch *c = l->c;
	__u32 j;

	if (i + l->n > l->len)
		return 1;
	for (j = 0; j < FC_KEY_MAX; j++) {
		char a, b;

		if (j >= l->n) {
			l->found = 1;
			return 1;
		}
		a = fc_byte(c, l->slot, l->off + i + j);
		b = c->ndl[j & (FC_KEY_MAX - 1)];
		if (l->icase)
			a = fc_lower(a);
		if (a != b)
			return 0;
	}
	return 0;
}

/* Load a literal into c->ndl (lower-cased when icase). */
static __always_inline void fc_ndl__load(struct fc_scratch *c, const char *lit, int n, int icase)
{
#pragma unroll
	for (int i = 0; i < n; i++)
		c->ndl[i] = icase ? fc_lower(lit[i]) : lit[i];
}

/* field contains lit (icontains with icase; lit is lower-cased then). */
static __always_inline int fc_str__contains(struct fc_scratch *c, __u32 svi, const char *lit,
					    int n, int icase)
{
	struct fc_sv *sv = &c->sv[svi & (FC_NSV - 1)];
	struct fc_loop l = {};

	if (sv->len < 0)
		return FC_MAYBE;
	if (n == 0)
		return FC_TRUE;
	if (sv->len < n)
		return FC_FALSE;
	fc_ndl__load(c, lit, n, icase);
	l.c = c;
	l.slot = sv->slot;
	l.off = sv->off;
	l.len = sv->len;
	l.n = n;
	l.icase = icase;
	bpf_loop(FC_SLOT, fc_contains__step, &l, 0);
	return l.found ? FC_TRUE : FC_FALSE;
}

/* One step of a wildcard match ('*' any run, '?' any byte), the classic
 * single-backtrack algorithm. found: 1 match, 2 no match. */
static long fc_glob__step(__u32 k, void *data)
{
	struct fc_loop *l = data;
	struct fc_scratch *c = l->c;
	char p = 0, s;

	if (l->i >= l->len) {
		/* string consumed: the rest of the pattern must be stars */
		__u32 j = l->j;

		for (int t = 0; t < FC_KEY_MAX; t++) {
			if (j >= l->n || c->ndl[j & (FC_KEY_MAX - 1)] != '*')
				break;
			j++;
		}
		l->found = j >= l->n ? 1 : 2;
		return 1;
	}
	s = fc_byte(c, l->slot, l->off + l->i);
	if (l->icase)
		s = fc_lower(s);
	if (l->j < l->n)
		p = c->ndl[l->j & (FC_KEY_MAX - 1)];
	if (l->j < l->n && p == '*') {
		l->star = l->j + 1;
		l->mark = l->i;
		l->j++;
	} else if (l->j < l->n && (p == '?' || p == s)) {
		l->i++;
		l->j++;
	} else if (l->star) {
		l->j = l->star;
		l->mark++;
		l->i = l->mark;
	} else {
		l->found = 2;
		return 1;
	}
	return 0;
}

static __always_inline int fc_str__glob(struct fc_scratch *c, __u32 svi, const char *pat, int n,
					int icase)
{
	struct fc_sv *sv = &c->sv[svi & (FC_NSV - 1)];
	struct fc_loop l = {};

	if (sv->len < 0)
		return FC_MAYBE;
	fc_ndl__load(c, pat, n, icase);
	l.c = c;
	l.slot = sv->slot;
	l.off = sv->off;
	l.len = sv->len;
	l.n = n;
	l.icase = icase;
	bpf_loop(FC_GLOB_STEPS, fc_glob__step, &l, 0);
	if (l.found == 0)
		return FC_MAYBE; /* out of steps */
	return l.found == 1 ? FC_TRUE : FC_FALSE;
}

/* The field has a value. */
static __always_inline int fc_str__exists(struct fc_scratch *c, __u32 svi)
{
	return c->sv[svi & (FC_NSV - 1)].len < 0 ? FC_MAYBE : FC_TRUE;
}

/* Numeric param i (evt.arg/evt.rawarg by position). */
static __always_inline bool fc_param__known(struct fc_scratch *c, __u32 i)
{
	return (c->pknown >> (i & 63)) & 1;
}

static __always_inline __u64 fc_param__val(struct fc_scratch *c, __u32 i)
{
	return c->pval[i & (FC_MAXP - 1)];
}

/*=============================== EVENT BUILDER ===========================*/

static __always_inline void fc_evt__begin(struct fc_scratch *c, __u32 sc, __u32 np, __s64 res)
{
	c->sc = sc;
	c->np = np;
	c->pi = 0;
	c->pos = FC_HDR_LEN + 2 * (np + FC_EXT_NPARAMS);
	c->pknown = 0;
	c->res = res;
	c->typechar = -1;
	c->net_ok = 0;
	c->oflags = -1;
	c->omode = 0;
#pragma unroll
	for (int i = 0; i < FC_NSV; i++)
		c->sv[i].len = -1;
#pragma unroll
	for (int i = 0; i < FC_RULE_WORDS; i++)
		c->rules[i] = 0;
}

/* Close the current param with len bytes written at c->pos. */
static __always_inline void fc_evt__param_done(struct fc_scratch *c, __u32 len)
{
	__u32 i = c->pi & (FC_MAXP - 1);

	*(__u16 *)&c->evt[FC_HDR_LEN + 2 * i] = len;
	c->pos += len;
	c->pi = i + 1;
}

static __always_inline void fc_evt__push_empty(struct fc_scratch *c)
{
	fc_evt__param_done(c, 0);
}

#define FC_DEFINE_PUSH(name, type)                                                 \
	static __always_inline void fc_evt__push_##name(struct fc_scratch *c, type v) \
	{                                                                           \
		__u32 i = c->pi & (FC_MAXP - 1);                                        \
		*(type *)&c->evt[c->pos & FC_EVT_MASK] = v;                             \
		c->pval[i] = (__u64)(__s64)v;                                           \
		c->pknown |= 1ull << i;                                                 \
		fc_evt__param_done(c, sizeof(type));                                    \
	}
FC_DEFINE_PUSH(u8, __u8)
FC_DEFINE_PUSH(u16, __u16)
FC_DEFINE_PUSH(u32, __u32)
FC_DEFINE_PUSH(s32, __s32)
FC_DEFINE_PUSH(u64, __u64)
FC_DEFINE_PUSH(s64, __s64)

/* Raw bytes from kernel memory (n bounded by FC_SLOT). */
static __always_inline void fc_evt__push_kbytes(struct fc_scratch *c, const void *src, __u32 n)
{
	n = fc_mask(n, 2 * FC_SLOT);
	if (c->pos + n > FC_EVENT_MAX - 1024) {
		fc_stat__inc(FC_STAT_TRUNCATED);
		fc_evt__push_empty(c);
		return;
	}
	if (n && bpf_probe_read_kernel(&c->evt[c->pos & FC_EVT_MASK], n, src)) {
		fc_stat__inc(FC_STAT_READ_FAIL);
		n = 0;
	}
	fc_evt__param_done(c, n);
}

/* Push bytes [off, off + n) of a slot as a param, NUL included when the
 * slot string is NUL-terminated at off + n - 1. */
static __always_inline void fc_evt__push_slot(struct fc_scratch *c, __u32 slot, __u32 off, __u32 n)
{
	fc_evt__push_kbytes(c, &c->str[((slot & (FC_NSLOTS - 1)) * FC_SLOT) + (off & FC_SLOT_MASK)],
			    n);
}

/*
 * Read a NUL-terminated user string into slot and push it as a param;
 * the param's string view is set, unknown (MAYBE) when the read failed or
 * the string was cut at FC_SLOT bytes.
 */
static __always_inline void fc_evt__push_ustr(struct fc_scratch *c, __u32 slot, unsigned long uptr)
{
	__u32 i = c->pi & (FC_MAXP - 1);
	__u32 svi = FC_SV_PARAM0 + i;
	long n = -1;

	slot &= FC_NSLOTS - 1;
	if (uptr)
		n = bpf_probe_read_user_str(&c->str[slot * FC_SLOT], FC_SLOT, (const void *)uptr);
	if (n <= 0) {
		if (uptr)
			fc_stat__inc(FC_STAT_READ_FAIL);
		fc_evt__push_empty(c);
		return;
	}
	c->sv[svi & (FC_NSV - 1)].slot = slot;
	c->sv[svi & (FC_NSV - 1)].off = 0;
	if (n >= FC_SLOT)
		fc_stat__inc(FC_STAT_TRUNCATED); /* value cut: unknown to filters */
	else
		c->sv[svi & (FC_NSV - 1)].len = n - 1;
	fc_evt__push_slot(c, slot, 0, n);
}

static __always_inline void fc_evt__push_fd(struct fc_scratch *c, __s64 fd)
{
	fc_evt__push_s64(c, fd);
}

/*=============================== TASK ===========================*/

static __always_inline void fc_task__comm_slot(struct fc_scratch *c, __u32 slot, __u32 svi,
					       const char *comm)
{
	__u8 *dst = &c->str[(slot & (FC_NSLOTS - 1)) * FC_SLOT];
	long n = bpf_probe_read_kernel_str(dst, FC_COMM_LEN, comm);

	if (n <= 0) {
		c->sv[svi & (FC_NSV - 1)].len = -1;
		return;
	}
	c->sv[svi & (FC_NSV - 1)].slot = slot;
	c->sv[svi & (FC_NSV - 1)].off = 0;
	c->sv[svi & (FC_NSV - 1)].len = n - 1;
}

/* Fill c->task (and the comm string views) from the current task. */
static __always_inline void fc_task__fill(struct fc_scratch *c)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *p;
	struct fc_task *ft = &c->task;
	__u32 level;

	ft->pid = BPF_CORE_READ(t, tgid);
	c->tid = BPF_CORE_READ(t, pid);
	ft->uid = BPF_CORE_READ(t, cred, euid.val);
	ft->gid = BPF_CORE_READ(t, cred, egid.val);
	ft->loginuid = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid))
		ft->loginuid = BPF_CORE_READ(t, loginuid.val);
	ft->flags = 0;
	level = BPF_CORE_READ(t, thread_pid, level);
	if (level > 0)
		ft->flags |= FC_TASK_IN_CONTAINER;
	ft->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(ft->comm, sizeof(ft->comm));
	fc_task__comm_slot(c, FC_SLOT_COMM, FC_SV_COMM, ft->comm);

	p = BPF_CORE_READ(t, real_parent);
	ft->ppid = BPF_CORE_READ(p, tgid);
#pragma unroll
	for (int i = 0; i < FC_MAX_ANCESTORS; i++) {
		__u64 apid = p ? BPF_CORE_READ(p, tgid) : 0;

		ft->apid[i] = apid;
		if (!apid) {
			/* pid 0 is the idle task: no such ancestor */
			ft->acomm[i][0] = 0;
			c->sv[FC_SV_ANAME1 + i].len = -1;
			continue;
		}
		BPF_CORE_READ_INTO(&ft->acomm[i], p, comm);
		fc_task__comm_slot(c, FC_SLOT_ACOMM0 + i, FC_SV_ANAME1 + i, ft->acomm[i]);
		p = BPF_CORE_READ(p, real_parent);
	}
	if (p && BPF_CORE_READ(p, tgid) && ft->apid[FC_MAX_ANCESTORS - 1])
		ft->flags |= FC_TASK_ANCESTORS_MORE;
}

/* The struct file of fd in the current task, or NULL. */
static __always_inline struct file *fc_task__file(__s64 fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/*=============================== FIELD DERIVATION ===========================*/

struct fc_path_scan {
	struct fc_scratch *c;
	__u32 slot, len;
	__u32 last_slash;
	__u32 bad;
	char p1, p2; /* the two previous bytes */
};

static long fc_path__step(__u32 i, void *data)
{
	struct fc_path_scan *s = data;
	char ch;

	if (i >= s->len)
		return 1;
	ch = fc_byte(s->c, s->slot, i);
	if (ch == '/') {
		/* "//", "/./" and "/../" are rewritten by libsinsp */
		if (s->p1 == '/' || (s->p1 == '.' && s->p2 == '/') ||
		    (s->p1 == '.' && s->p2 == '.'))
			s->bad = 1;
		s->last_slash = i;
	}
	s->p2 = s->p1;
	s->p1 = ch;
	return 0;
}

/*
 * fd.name, fd.directory and fd.filename from the path param at index pidx
 * of an open-family event: known only when the open succeeded and the
 * path is absolute and already in the form libsinsp's lexical
 * normalisation produces (so the kernel and userspace values are equal).
 */
static __always_inline void fc_fd__derive_path(struct fc_scratch *c, __u32 pidx)
{
	struct fc_sv sv = c->sv[(FC_SV_PARAM0 + pidx) & (FC_NSV - 1)];
	struct fc_path_scan s = {};

	if (sv.len <= 0 || c->res < 0 || sv.off != 0)
		return;
	if (fc_byte(c, sv.slot, 0) != '/')
		return;
	s.c = c;
	s.slot = sv.slot;
	s.len = sv.len;
	bpf_loop(FC_SLOT, fc_path__step, &s, 0);
	if (s.len > 1 && (s.p1 == '/' || (s.p1 == '.' && s.p2 == '/') ||
			  (s.p1 == '.' && s.p2 == '.')))
		s.bad = 1;
	if (s.bad)
		return;
	c->sv[FC_SV_FDNAME] = sv;
	c->sv[FC_SV_FDDIR].slot = sv.slot;
	c->sv[FC_SV_FDDIR].off = 0;
	/* "/etc/passwd" -> "/etc"; "/bin" -> "/" */
	c->sv[FC_SV_FDDIR].len = s.last_slash ? s.last_slash : 1;
	c->sv[FC_SV_FDFILE].slot = sv.slot;
	c->sv[FC_SV_FDFILE].off = fc_mask(s.last_slash + 1, FC_SLOT);
	c->sv[FC_SV_FDFILE].len = sv.len - (s.last_slash + 1);
	/* O_DIRECTORY opens are directories ('d'); anything else a file is
	 * all we know without the inode type */
	if (c->oflags >= 0 && !(c->oflags & (1 << 10)))
		c->typechar = 'f';
}

/* fd.typechar for open-family events: equal to 'f' (TRUE/FALSE/MAYBE). */
static __always_inline int fc_fd__typechar_is(struct fc_scratch *c, int ch)
{
	if (c->typechar < 0)
		return FC_MAYBE;
	return c->typechar == ch ? FC_TRUE : FC_FALSE;
}

/* evt.is_open_read/write/exec on open, openat and openat2 events, as
 * libsinsp computes them from the PPM flags and mode params. */
#define FC_OPEN_READ 0
#define FC_OPEN_WRITE 1
#define FC_OPEN_EXEC 2
static __always_inline int fc_open__is(struct fc_scratch *c, int which)
{
	__s32 f = c->oflags;

	if (f < 0)
		return FC_MAYBE;
	if (which == FC_OPEN_READ)
		return (f & 1) ? FC_TRUE : FC_FALSE;
	if (which == FC_OPEN_WRITE)
		return (f & 2) ? FC_TRUE : FC_FALSE;
	return ((f & ((1 << 13) | (1 << 2))) && (c->omode & 0111)) ? FC_TRUE : FC_FALSE;
}

/*=============================== OUTPUT ===========================*/

/*
 * Finish the event: rules bitmap (empty for always-flow events) and the
 * task, header, then copy it to this CPU's ring buffer shard.
 */
static __always_inline void fc_evt__submit(struct fc_scratch *c, bool always)
{
	struct rt_hdr_view {
		__u64 ts, tid;
		__u32 len;
		__u16 type;
		__u32 nparams;
	} __attribute__((packed)) *h = (void *)c->evt;
	__u32 ring = bpf_get_smp_processor_id() / FC_CPUS_PER_RING;
	void *rb;
	__u32 len;

	/* param n: rules bitmap */
	if (always)
		fc_evt__push_empty(c);
	else
		fc_evt__push_kbytes(c, c->rules, FC_RULE_BYTES);
	/* param n + 1: the task values */
	fc_evt__push_kbytes(c, &c->task, sizeof(c->task));

	len = fc_mask(c->pos, FC_EVT_BUF);
	h->ts = bpf_ktime_get_boot_ns() + fc_boot_time;
	h->tid = c->tid;
	h->len = len;
	h->nparams = c->pi;

	rb = bpf_map_lookup_elem(&fc_rings, &ring);
	if (!rb) {
		fc_stat__inc(FC_STAT_RING_FULL);
		return;
	}
	if (len < FC_HDR_LEN)
		return;
	if (bpf_ringbuf_output(rb, c->evt, len, 0))
		fc_stat__inc(FC_STAT_RING_FULL);
	else
		fc_stat__inc(FC_STAT_SENT);
}

static __always_inline void fc_evt__set_type(struct fc_scratch *c, __u16 type)
{
	*(__u16 *)&c->evt[20] = type;
}

/*=============================== FLAG CONVERSIONS ===========================*/

/* Linux open flags to the driver's PPM_O_* bits (ppm_events_public.h). */
static __always_inline __u32 fc_open_flags(__u32 f)
{
	__u32 r = 0;

	switch (f & 3) {
	case 1: r |= 1 << 1; break;	/* O_WRONLY -> PPM_O_WRONLY */
	case 2: r |= 3; break;		/* O_RDWR -> PPM_O_RDWR */
	default: r |= 1 << 0; break;	/* O_RDONLY */
	}
	if (f & 0100)
		r |= 1 << 2;	/* O_CREAT */
	if (f & 02000)
		r |= 1 << 3;	/* O_APPEND */
	if (f & 010000)
		r |= 1 << 4;	/* O_DSYNC */
	if (f & 0200)
		r |= 1 << 5;	/* O_EXCL */
	if (f & 04000)
		r |= 1 << 6;	/* O_NONBLOCK */
	if ((f & 04010000) == 04010000)
		r |= 1 << 7;	/* O_SYNC (__O_SYNC | O_DSYNC) */
	if (f & 01000)
		r |= 1 << 8;	/* O_TRUNC */
	if (f & 040000)
		r |= 1 << 9;	/* O_DIRECT */
	if (f & 0200000)
		r |= 1 << 10;	/* O_DIRECTORY */
	if (f & 0100000)
		r |= 1 << 11;	/* O_LARGEFILE */
	if (f & 02000000)
		r |= 1 << 12;	/* O_CLOEXEC */
	if ((f & 020200000) == 020200000)
		r |= 1 << 13;	/* O_TMPFILE (__O_TMPFILE | O_DIRECTORY) */
	return r;
}

/* Mode bits are kept only when the open can create (as the driver). */
static __always_inline __u32 fc_open_mode(__u32 flags, __u64 mode)
{
	if (flags & (0100 | 020000000))
		return mode & 07777;
	return 0;
}

/* Linux CLONE_* to PPM_CL_* (also unshare flags and setns nstype). */
static __always_inline __u32 fc_clone_flags(__u64 f)
{
	__u32 r = 0;

	if (f & 0x400) r |= 1 << 0;		/* CLONE_FILES */
	if (f & 0x200) r |= 1 << 1;		/* CLONE_FS */
	if (f & 0x80000000ULL) r |= 1 << 2;	/* CLONE_IO */
	if (f & 0x08000000) r |= 1 << 3;	/* CLONE_NEWIPC */
	if (f & 0x40000000) r |= 1 << 4;	/* CLONE_NEWNET */
	if (f & 0x00020000) r |= 1 << 5;	/* CLONE_NEWNS */
	if (f & 0x20000000) r |= 1 << 6;	/* CLONE_NEWPID */
	if (f & 0x04000000) r |= 1 << 7;	/* CLONE_NEWUTS */
	if (f & 0x8000) r |= 1 << 8;		/* CLONE_PARENT */
	if (f & 0x100000) r |= 1 << 9;		/* CLONE_PARENT_SETTID */
	if (f & 0x2000) r |= 1 << 10;		/* CLONE_PTRACE */
	if (f & 0x800) r |= 1 << 11;		/* CLONE_SIGHAND */
	if (f & 0x40000) r |= 1 << 12;		/* CLONE_SYSVSEM */
	if (f & 0x10000) r |= 1 << 13;		/* CLONE_THREAD */
	if (f & 0x800000) r |= 1 << 14;		/* CLONE_UNTRACED */
	if (f & 0x100) r |= 1 << 15;		/* CLONE_VM */
	if (f & 0x10000000) r |= 1 << 19;	/* CLONE_NEWUSER */
	if (f & 0x200000) r |= 1 << 20;		/* CLONE_CHILD_CLEARTID */
	if (f & 0x01000000) r |= 1 << 21;	/* CLONE_CHILD_SETTID */
	if (f & 0x80000) r |= 1 << 22;		/* CLONE_SETTLS */
	if (f & 0x4000) r |= 1 << 24;		/* CLONE_VFORK */
	if (f & 0x02000000) r |= 1 << 25;	/* CLONE_NEWCGROUP */
	return r;
}

/* Linux PTRACE_* requests to the driver's PPM_PTRACE_* enumeration. */
static __always_inline __u16 fc_ptrace_req(__u64 req)
{
	switch (req) {
	case 0: return 1;	/* TRACEME */
	case 1: return 2;	/* PEEKTEXT */
	case 2: return 3;	/* PEEKDATA */
	case 3: return 4;	/* PEEKUSR */
	case 4: return 5;	/* POKETEXT */
	case 5: return 6;	/* POKEDATA */
	case 6: return 7;	/* POKEUSR */
	case 7: return 8;	/* CONT */
	case 8: return 9;	/* KILL */
	case 9: return 10;	/* SINGLESTEP */
	case 16: return 11;	/* ATTACH */
	case 17: return 12;	/* DETACH */
	case 24: return 13;	/* SYSCALL */
	case 0x4200: return 14;	/* SETOPTIONS */
	case 0x4201: return 15;	/* GETEVENTMSG */
	case 0x4202: return 16;	/* GETSIGINFO */
	case 0x4203: return 17;	/* SETSIGINFO */
	case 0x4204: return 18;	/* GETREGSET */
	case 0x4205: return 19;	/* SETREGSET */
	case 0x4206: return 20;	/* SEIZE */
	case 0x4207: return 21;	/* INTERRUPT */
	case 0x4208: return 22;	/* LISTEN */
	case 0x4209: return 23;	/* PEEKSIGINFO */
	case 0x420a: return 24;	/* GETSIGMASK */
	case 0x420b: return 25;	/* SETSIGMASK */
	case 12: return 26;	/* GETREGS */
	case 13: return 27;	/* SETREGS */
	case 14: return 28;	/* GETFPREGS */
	case 15: return 29;	/* SETFPREGS */
	case 18: return 30;	/* GETFPXREGS */
	case 19: return 31;	/* SETFPXREGS */
	case 21: return 32;	/* OLDSETOPTIONS */
	case 25: return 33;	/* GET_THREAD_AREA */
	case 26: return 34;	/* SET_THREAD_AREA */
	case 30: return 35;	/* ARCH_PRCTL */
	case 31: return 36;	/* SYSEMU */
	case 32: return 37;	/* SYSEMU_SINGLESTEP */
	case 33: return 38;	/* SINGLEBLOCK */
	default: return 0;	/* UNKNOWN */
	}
}

/* FC_SC_<name>: row index in fc_syscalls.def. */
#define FC_SCF_ALWAYS 1
enum fc_sc_id {
#define FC_SC(name, nr, ppme, np, flags) FC_SC_##name,
#include "fc_syscalls.def"
	FC_SC__COUNT
};

#endif /* FC_PROBE_BPF_H */
