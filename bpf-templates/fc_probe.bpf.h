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
 *   before this file:  #define FC_NRULES n, FC_KERNEL_FILTER 0|1,
 *                      FC_LIT_BYTES, FC_LITERALS
 *   after this file:   fc_set_<id> maps, fc_rule_enabled[], fc_interesting[],
 *                      fc_rule_<i> functions, one fc_filter_<syscall>(struct
 *                      fc_scratch *) per row of fc_syscalls.def,
 *                      FC_PROGRAMS(X), then #include "fc_programs.bpf.h".
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

#ifndef FC_KERNEL_FILTER
#define FC_KERNEL_FILTER 1
#endif
#ifndef FC_NRULES
#error "define FC_NRULES before including fc_probe.bpf.h"
#endif
#ifndef FC_LIT_BYTES
#define FC_LIT_BYTES 8		/* size of fc_lit[], a power of two */
#define FC_LITERALS ""
#endif

/* Three-valued logic: FALSE drops, TRUE and MAYBE pass. Two bits, "may
 * be true" (1) and "is true" (2), so that or and and are | and & (a gate
 * ors its checks without a branch: codegen.c, emit_gate_or). */
#define FC_FALSE 0
#define FC_MAYBE 1
#define FC_TRUE 3

#define FC_HDR_LEN 26		/* struct rt_evt_hdr, packed */
#define FC_MAXP 64		/* params per event, extensions included (execve: 31+2) */
#define FC_EVT_BUF (2 * FC_EVENT_MAX) /* masked offset + one param fits */
#define FC_EVT_MASK (FC_EVENT_MAX - 1)
#define FC_SLOT 4096		/* one string slot, = FC_PATH_MAX */
#define FC_SLOT_MASK (FC_SLOT - 1)
#define FC_NSLOTS 8
#define FC_KEY_MAX 256		/* longest set key (hash and LPM data) */
#define FC_GLOB_STEPS 65536	/* bpf_loop budget of one glob match */
#define FC_HAVE_TASK 1		/* c->task and c->tid are filled (fc_task__need) */
#define FC_NPEND 4		/* string params whose copy waits for the verdict */
#define FC_NMEMO 512		/* set memo slots: (string view << 2) | kind */
#define FC_NATOMS 256		/* memoised string checks (contains, glob) */
#define FC_RULE_BYTES ((FC_NRULES + 7) / 8)
#define FC_RULE_WORDS ((FC_NRULES + 63) / 64)
#define FC_MAX_CPUS 128		/* default fc_scratch size; the loader sets #CPUs */
#define FC_MAX_RINGS 64		/* default fc_rings size; the loader sets it */
#define FC_RING_WAKE (FC_RING_BYTES / 16) /* backlog that wakes the reader */

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
	FC_SV_NFIXED,	/* ids up to here are fixed fields' (the rest unused) */
	/* not views: the bloom filter's tags of the path's head and tail
	 * tests (fc_bloom__prefetch_path) */
	FC_SV_PATHHEAD = FC_SV_NFIXED,
	FC_SV_PATHTAIL,
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
	__s32 fdsock;		/* dup*: the new fd is a socket (1) or not (0), -1 unknown */
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
	__u32 gi, gj, gstar, gmark;	/* glob match state (fc_glob__step) */
	__u32 cat;			/* contains: candidate position (fc_contains__step) */
	__s32 pairs_slot;		/* slot whose byte pairs c->pairs holds, -1 none */
	__u64 pairs;			/* bit h: a byte pair at an even position hashes to h (fc_pair__bits) */
	__u32 foff;			/* open family: where the flags param was written */
	__u32 npend;			/* string params not yet copied into evt (fc_evt__flush) */
	struct {
		__u32 pos, src, n;	/* evt offset, str offset, bytes */
	} pend[FC_NPEND];
	__s32 tri;			/* fc_tri__seal() */
	__s32 rn;			/* fc_evt__read_ustr: bytes read, NUL included (<= 0: failed) */
	__u32 have;			/* FC_HAVE_*: lazily computed values present */
	__u8 key[16 + FC_KEY_MAX];	/* set lookup key (codegen.c: cg_sets) */
	/* per-event memo, cleared by fc_memo__reset() before the fields are derived */
	__u64 mvalid[FC_NMEMO / 64];	/* bit m: mbits[m] holds (field, kind) m's sets */
	__u64 mbits[FC_NMEMO][FC_SET_WORDS]; /* bit b: set b of the kind holds the field */
	__u64 aknown[FC_NATOMS / 64];	/* bit a: aval[a] is atom a's tri-value */
	__u8 aval[FC_NATOMS];
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

/* The string sets (see "Set checks" below). Codegen defines their sizes:
 * FC_CAP_* string bytes in a key, FC_NSTR_* entries, FC_SET_WORDS u64
 * bitmap words (a power of two). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FC_NSTR_IN);
	__uint(key_size, FC_CAP_IN);
	__uint(value_size, 8 * FC_SET_WORDS);
} fc_sets_in SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, FC_NSTR_PREFIX);
	__uint(key_size, 4 + FC_CAP_PREFIX);
	__uint(value_size, 8 * FC_SET_WORDS);
} fc_sets_prefix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, FC_NSTR_SUFFIX);
	__uint(key_size, 4 + FC_CAP_SUFFIX);
	__uint(value_size, 8 * FC_SET_WORDS);
} fc_sets_suffix SEC(".maps");

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

/*
 * Slot indexes are masked once more as a whole (fc_mask): clang joins the
 * two masked parts with an OR, and verifiers before 6.2-ish (Debian 12's
 * 6.1) drop every bound on an OR of two unknown scalars ("math between
 * mem pointer and register with unbounded min value").
 */
static __always_inline __u8 fc_byte(struct fc_scratch *c, __u32 slot, __u32 i)
{
	return c->str[fc_mask(((slot & (FC_NSLOTS - 1)) * FC_SLOT) + (i & FC_SLOT_MASK),
			      FC_NSLOTS * FC_SLOT)];
}

/* The 8 bytes at p as a little-endian u64, in one load at any alignment:
 * clang would split a plain dereference of a byte address into eight
 * byte loads. x86 loads unaligned words, and the verifier only checks
 * alignment on machines that cannot. */
static __always_inline __u64 fc_load64(const __u8 *p)
{
	__u64 v;

	asm volatile("%0 = *(u64 *)(%1 + 0)" : "=r"(v) : "r"(p));
	return v;
}

/* The 8 bytes at byte i of a slot (bytes past the slot's end come from
 * the next slot or the event buffer: callers mask what they do not use). */
static __always_inline __u64 fc_word(struct fc_scratch *c, __u32 slot, __u32 i)
{
	return fc_load64(&c->str[fc_mask(((slot & (FC_NSLOTS - 1)) * FC_SLOT) + (i & FC_SLOT_MASK),
					 FC_NSLOTS * FC_SLOT)]);
}

/* The low n (< 8) bytes of v, the others zero. */
static __always_inline __u64 fc_low_bytes(__u64 v, __u32 n)
{
	return n >= 8 ? v : v & ((1ULL << ((n & 7) * 8)) - 1);
}

/*=============================== THREE-VALUED LOGIC ===========================*/

static __always_inline int fc_tri(bool known, bool v)
{
	if (!known)
		return FC_MAYBE;
	return v ? FC_TRUE : FC_FALSE;
}

/* not: "may be true" is "not surely false" and "is true" is "surely
 * not true": swap the two bits and invert them. */
static __always_inline int fc_tri__not(int a)
{
	return ~((a >> 1) | (a << 1)) & 3;
}

static __always_inline int fc_tri__and(int a, int b)
{
	return a & b;
}

static __always_inline int fc_tri__or(int a, int b)
{
	return a | b;
}

/*
 * A tri-value the verifier cannot see through. It tracks the exact value
 * a branch leaves in a register, and once a later branch depends on such
 * a value the value must match exactly for two paths to merge: the
 * and/or chains of a rule would then be walked once per combination of
 * outcomes, exponential in the checks. A value read back from memory is
 * just a number to it, so the paths through each check merge again right
 * after it. Two memory accesses per check at run time.
 */
static __always_inline int fc_tri__seal(struct fc_scratch *c, int v)
{
	*(volatile __s32 *)&c->tri = v;
	return *(volatile __s32 *)&c->tri;
}

static __always_inline void fc_rule__mark(struct fc_scratch *c, __u32 idx, int v)
{
#ifdef FC_TEST_HARNESS
	c->rv[idx & 1023] = v;
#endif
	if (v != FC_FALSE)
		c->rules[(idx >> 6) & (FC_RULE_WORDS - 1)] |= 1ULL << (idx & 63);
}

/* Record rule idx's verdict v; whether it lets the event pass. */
static __always_inline bool fc_rule__pass(struct fc_scratch *c, __u32 idx, int v)
{
	fc_rule__mark(c, idx, v);
	return v != FC_FALSE;
}

/*=============================== SUBPROGRAMS ===========================*/

/*
 * The helpers below marked FC_GLOBAL are BPF global functions: clang
 * compiles each one once into .text, libbpf appends the ones a program
 * calls to that program, and the verifier checks each one once per
 * program, on its own, from its argument types, instead of once per call
 * site as it does with inlined code and static subprograms. That is what
 * keeps both clang's time and the verified-instruction count flat as
 * rules and call sites grow.
 *
 * The rules for their arguments (kernel/bpf/btf.c, btf_prepare_func_args):
 * scalars, or a pointer to a sized type, which the verifier takes as
 * memory of that size that may be NULL. So they take the scratch slot
 * and scalars only (never a map, a stack buffer of another size, or a
 * kernel pointer: those stay in the inline callers), check c for NULL,
 * and mask every index, as any caller may pass any value. They return an
 * int (a tri-value where it is a check).
 */
#define FC_GLOBAL __attribute__((noinline))

/*=============================== STRING CHECKS ===========================*/

static __always_inline char fc_lower(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch + ('a' - 'A');
	return ch;
}

/*
 * The checks' literals: codegen defines FC_LITERALS, every string a check
 * compares with, and a check names its literal by offset and length, so
 * the code that compares is the same for all of them (and the verifier
 * checks it once). Those of case-insensitive checks are lower-cased.
 */
const char fc_lit[FC_LIT_BYTES] = FC_LITERALS;

static __always_inline char fc_lit__byte(__u32 i)
{
	return fc_lit[i & (FC_LIT_BYTES - 1)];
}

/* The field equals fc_lit[lit, lit + n). */
FC_GLOBAL int fc_sv__eq(struct fc_scratch *c, __u32 svi, __u32 lit, __u32 n)
{
	struct fc_sv *sv;
	__u32 slot, off;

	if (!c)
		return FC_MAYBE;
	sv = &c->sv[svi & (FC_NSV - 1)];
	if (sv->len < 0)
		return FC_MAYBE;
	if (sv->len != n)
		return FC_FALSE;
	slot = sv->slot;
	off = sv->off;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < FC_KEY_MAX; i++) {
		if (i >= n)
			break;
		if (fc_byte(c, slot, off + i) != fc_lit__byte(lit + i))
			return FC_FALSE;
	}
	return FC_TRUE;
}

/* field == the literal at lit (n bytes); the length check is inline, so
 * most values are decided without the call. */
static __always_inline int fc_str__eq(struct fc_scratch *c, __u32 svi, __u32 lit, __u32 n)
{
	__s32 len = c->sv[svi & (FC_NSV - 1)].len;

	if (len < 0)
		return FC_MAYBE;
	if (len != n)
		return FC_FALSE;
	return fc_sv__eq(c, svi, lit, n);
}

/*
 * Copy the n bytes of a slot string at off into c->key + at, a word at a
 * time, zero-filled to the next multiple of 8 (an in-set key is the
 * string zero-padded; the caller zeroes the rest). reverse: the bytes in
 * reverse order (the string's last byte first), for endswith keys; off
 * + n is then the string's end. No helper call: a bpf_probe_read_kernel
 * costs more than the copy.
 */
static __always_inline void fc_key__load(struct fc_scratch *c, __u32 at, __u32 slot, __u32 off,
					  __u32 n, bool reverse)
{
	__u8 *key = &c->key[at & 4];

#pragma clang loop unroll(disable)
	for (__u32 w = 0; w < FC_KEY_MAX / 8; w++) {
		__u32 done = w * 8, left;
		__u64 v;

		if (done >= n)
			break;
		left = n - done;
		if (!reverse) {
			v = fc_low_bytes(fc_word(c, slot, off + done), left);
		} else if (left >= 8) {
			/* bytes [off + n - done - 8, off + n - done), last first */
			v = __builtin_bswap64(fc_word(c, slot, off + n - done - 8));
		} else {
			/* the first `left` bytes of the string, last first */
			v = __builtin_bswap64(fc_low_bytes(fc_word(c, slot, off), left)
					      << ((8 - left) * 8));
		}
		*(__u64 *)&key[done & (FC_KEY_MAX - 1)] = v;
	}
}

struct fc_loop {
	struct fc_scratch *c;
	__u32 slot, off, len, n;
	__u32 pos;
	__u32 lit;
	int icase;
	int found;
};

/*
 * Set checks. All sets of a kind share one map, keyed by the string
 * alone; the value is a bitmap over the kind's sets (codegen.c: cg_sets,
 * cg_set_entries):
 *
 *   fc_sets_in      hash      key: the string zero-padded to FC_CAP_IN
 *                             value: the sets holding the string
 *   fc_sets_prefix  LPM trie  key: {u32 8 * n, the first n bytes}
 *                             value: the sets with a member that is a
 *                             prefix of the entry (itself included)
 *   fc_sets_suffix  LPM trie  the same over reversed strings
 *
 * so one lookup answers every set of the kind for one field: the longest
 * member that is a prefix of the string carries every set that has any
 * member that is a prefix of it. The answer is kept for the rest of the
 * event (c->mbits), so twenty rules that check fd.name against twenty
 * lists cost one lookup per kind, not twenty.
 */
#define FC_KEY_IN 0
#define FC_KEY_PREFIX 1
#define FC_KEY_SUFFIX 2

/* Masked as a whole once more (fc_mask): 6.1's verifier loses the bounds
 * of an OR of two masked values (see fc_byte). */
static __always_inline __u32 fc_memo__slot(__u32 svi, __u32 kind)
{
	if (__builtin_constant_p(svi) && __builtin_constant_p(kind))
		return ((svi & (FC_NSV - 1)) << 2) | (kind & 3); /* a constant: known exactly */
	return fc_mask(((svi & (FC_NSV - 1)) << 2) | (kind & 3), FC_NMEMO);
}

/* Whether memo slot m holds its (field, kind)'s answer for this event. */
static __always_inline bool fc_memo__has(struct fc_scratch *c, __u32 m)
{
	return c->mvalid[(m >> 6) & (FC_NMEMO / 64 - 1)] & (1ULL << (m & 63));
}

/* Keep the set bitmap v (NULL: in no set) as memo slot m's answer. */
static __always_inline void fc_memo__keep(struct fc_scratch *c, __u32 m, const __u64 *v)
{
#pragma unroll
	for (int w = 0; w < FC_SET_WORDS; w++)
		c->mbits[m & (FC_NMEMO - 1)][w] = v ? v[w] : 0;
	c->mvalid[(m >> 6) & (FC_NMEMO / 64 - 1)] |= 1ULL << (m & 63);
}

/* Build the key of the field's string for kind in c->key: FC_TRUE when
 * built, FC_FALSE when no member can match (too long for an in-set). */
FC_GLOBAL int fc_key__build(struct fc_scratch *c, __u32 svi, __u32 kind)
{
	struct fc_sv *sv;
	__u32 n;
	__s32 len;

	if (!c)
		return FC_MAYBE;
	sv = &c->sv[svi & (FC_NSV - 1)];
	len = sv->len;
	if (len < 0)
		return FC_MAYBE;
	if (kind == FC_KEY_IN) {
		if (len >= FC_CAP_IN)
			return FC_FALSE; /* longer than every member */
		/* zero the words the copy does not write, up to FC_CAP_IN */
#pragma unroll
		for (int w = 0; w < FC_CAP_IN / 8; w++)
			if (w * 8 >= len)
				*(__u64 *)&c->key[w * 8] = 0;
		fc_key__load(c, 0, sv->slot, sv->off, len, false);
		return FC_TRUE;
	}
	n = kind == FC_KEY_PREFIX ? FC_CAP_PREFIX : FC_CAP_SUFFIX;
	if (len < (__s32)n)
		n = len;
	*(__u32 *)c->key = n * 8; /* LPM prefixlen: bytes past it are not read */
	if (kind == FC_KEY_PREFIX)
		fc_key__load(c, 4, sv->slot, sv->off, n, false);
	else
		fc_key__load(c, 4, sv->slot, sv->off + len - n, n, true);
	return FC_TRUE;
}

/*
 * The bloom filter in front of the maps (codegen.c: emit_bloom, which
 * hashes the members the same way): false proves that no set of kind
 * checked on view svi holds the field's string. The bytes hashed, as a
 * little-endian u64 v: in: the last 7 bytes and the length.
 * startswith/endswith: the first/last k bytes, k the shortest member's
 * length (at most 8), for every member. Most strings stop there. One
 * that passes is tested again in the classes of members by length, each
 * hashed on its own number of bytes: under 8 on k, 8 to 15 on 8, longer
 * ones on 16 (two words, folded). So "/usr/lib/x86_64-linux-gnu/..." is
 * not sent to the map by "/usr/lib/modules/", nor ".../item.json" by
 * "/.docker/config.json", as the k of 4 or 5 alone would.
 * fc_bloom_k[4 * view + kind]: 0 no set (or an empty member: no
 * answer); in: 1; startswith/endswith: k | the FC_BLOOM_* classes there.
 * Each string sets two bits of one 64-bit word (a blocked filter: one
 * load, about a quarter of the false positives of one bit);
 * fc_bloom__hash gives the word's index and the two bits.
 */
#define FC_BLOOM_C8 0x10    /* members of 8 to 15 bytes (hash tag kind | 4) */
#define FC_BLOOM_C16 0x20   /* of 16 bytes and more (kind | 8) */
#define FC_BLOOM_SHORT 0x40 /* under 8 bytes: two more bits in the k-byte word */
static __always_inline __u64 fc_bloom__hash(__u64 v, __u32 svi, __u32 tag)
{
	__u64 x = v * 0x9E3779B97F4A7C15ULL +
		  (__u64)(((svi & (FC_NSV - 1)) << 4) | (tag & 15)) * 0xC2B2AE3D27D4EB4FULL;

	x ^= x >> 29;
	return x * 0xBF58476D1CE4E5B9ULL;
}

/* The filter's word for hash h. */
static __always_inline __u64 fc_bloom__word(__u64 h)
{
	return fc_bloom[(h >> (64 - (FC_BLOOM_LOG2 - 6))) & (FC_BLOOM_BITS / 64 - 1)];
}

/* Whether word has h's two bits: those at shift s = 34, or at 46 for
 * the short class's pair, which shares the word of the k-byte hash. */
static __always_inline bool fc_bloom__has(__u64 word, __u64 h, __u32 s)
{
	__u64 bits = (1ULL << ((h >> (s + 6)) & 63)) | (1ULL << ((h >> s) & 63));

	return (word & bits) == bits;
}

/* Whether the word of v's hash has both of its bits. */
static __always_inline bool fc_bloom__test(__u64 v, __u32 svi, __u32 tag)
{
	__u64 h = fc_bloom__hash(v, svi, tag);

	return fc_bloom__has(fc_bloom__word(h), h, 34);
}

/* The first (startswith) or last (endswith) n bytes of the view, n <= 8
 * or 16, as codegen.c's bloom_bytes() reads a member: one word, or two
 * folded. */
static __always_inline __u64 fc_bloom__bytes(struct fc_scratch *c, struct fc_sv *sv, __u32 kind,
					      __u32 n)
{
	__u32 at = sv->off + (kind == FC_KEY_PREFIX ? 0 : sv->len - n);

	if (n == 16)
		return fc_word(c, sv->slot, at) + fc_word(c, sv->slot, at + 8) * 0xFF51AFD7ED558CCDULL;
	return fc_low_bytes(fc_word(c, sv->slot, at), n);
}

/* fc_bloom_k[4 * svi + kind]; at a constant index (most calls) read
 * directly, so that clang folds the load, which fc_mask's asm prevents. */
static __always_inline __u32 fc_bloom__k(__u32 svi, __u32 kind)
{
	if (__builtin_constant_p(svi) && __builtin_constant_p(kind))
		return fc_bloom_k[((svi & (FC_NSV - 1)) << 2) | (kind & 3)];
	return fc_bloom_k[fc_mask(((svi & (FC_NSV - 1)) << 2) | (kind & 3), FC_NSV * 4)];
}

/* Whether sv may be in a set of kind checked on view svi (the view's
 * bloom entries), or, for the path's head and tail tags, whether fd.name
 * (sv) may begin or end as one of their members. */
static __always_inline bool fc_bloom__may_on(struct fc_scratch *c, struct fc_sv *sv, __u32 svi,
					     __u32 kind)
{
	__u32 e, k, len = sv->len;
	__u64 h, word;

	if (kind == FC_KEY_IN) {
		/* the last 7 bytes (fewer in a shorter string) and the length */
		k = len < 7 ? len : 7;
		return fc_bloom__test(fc_low_bytes(fc_word(c, sv->slot, sv->off + len - k), k) |
					      (__u64)(len > 255 ? 255 : len) << 56,
				      svi, kind);
	}
	e = fc_bloom__k(svi, kind);
	if (!e)
		return true; /* a member is empty: any string may match */
	k = e & 15;
	if (len < k)
		return false; /* shorter than every member */
	h = fc_bloom__hash(fc_bloom__bytes(c, sv, kind, k), svi, kind);
	word = fc_bloom__word(h);
	if (!fc_bloom__has(word, h, 34))
		return false;
	if (!(e & (FC_BLOOM_C8 | FC_BLOOM_C16)))
		return true; /* one class: nothing to refine */
	/* the first class that may hold it ends the test */
	if ((e & FC_BLOOM_SHORT) && fc_bloom__has(word, h, 46))
		return true;
	if ((e & FC_BLOOM_C8) && len >= 8 &&
	    fc_bloom__test(fc_bloom__bytes(c, sv, kind, 8), svi, kind | 4))
		return true;
	return (e & FC_BLOOM_C16) && len >= 16 &&
	       fc_bloom__test(fc_bloom__bytes(c, sv, kind, 16), svi, kind | 8);
}

static __always_inline bool fc_bloom__may(struct fc_scratch *c, __u32 svi, __u32 kind)
{
	return fc_bloom__may_on(c, &c->sv[svi & (FC_NSV - 1)], svi, kind);
}

/* Look the field up in kind's map and keep the bitmap in c->mbits. */
FC_GLOBAL int fc_set__lookup(struct fc_scratch *c, __u32 svi, __u32 kind)
{
	__u32 m = fc_memo__slot(svi, kind);
	struct fc_scratch *s;
	__u64 *v = NULL;
	int r;

	if (!c)
		return FC_MAYBE;
	if (c->sv[svi & (FC_NSV - 1)].len < 0)
		return FC_MAYBE;
	r = fc_bloom__may(c, svi, kind) ? fc_key__build(c, svi, kind) : FC_FALSE;
	if (r == FC_MAYBE)
		return r;
	if (r == FC_TRUE) {
		/* The key must be in a map value for 6.1's bpf_map_lookup_elem
		 * (c, an argument of a global function, is PTR_TO_MEM there):
		 * look the scratch up again (an inlined array access) and use
		 * its key, the very bytes c->key names. */
		s = fc_scratch__get();
		if (!s)
			return FC_MAYBE;
		if (kind == FC_KEY_IN)
			v = bpf_map_lookup_elem(&fc_sets_in, s->key);
		else if (kind == FC_KEY_PREFIX)
			v = bpf_map_lookup_elem(&fc_sets_prefix, s->key);
		else
			v = bpf_map_lookup_elem(&fc_sets_suffix, s->key);
	}
	fc_memo__keep(c, m, v);
	return FC_TRUE;
}

/* Whether any set of kind in word `word` of the bitmaps, mask `mask`,
 * holds the field: one lookup per field and kind per event, kept. */
static __always_inline int fc_str__any(struct fc_scratch *c, __u32 svi, __u32 kind, __u32 word,
				       __u64 mask)
{
	__u32 m = fc_memo__slot(svi, kind);

	/* kept: the field was known, so no need to look at its length */
	if (!fc_memo__has(c, m) && fc_set__lookup(c, svi, kind) != FC_TRUE)
		return FC_MAYBE;
	return (c->mbits[m & (FC_NMEMO - 1)][word & (FC_SET_WORDS - 1)] & mask) ? FC_TRUE
										  : FC_FALSE;
}

/* field in set `bit` of kind (the set's bit in the kind's bitmaps). */
static __always_inline int fc_str__set(struct fc_scratch *c, __u32 svi, __u32 kind, __u32 bit)
{
	return fc_str__any(c, svi, kind, bit >> 6, 1ULL << (bit & 63));
}

/*
 * A path's views (fd.name, fd.directory, fd.filename) are looked up by
 * most open rules: their bloom tests run here in one go, when the path
 * is derived, and each view and kind the bloom filter rules out is kept
 * as "in no set" without a call per check.
 *
 * Two tests go first and answer for most of them (codegen.c,
 * emit_path_ends): the head test, whether fd.name may begin as a member
 * of the sets anchored at the path's start (fd.name startswith and in,
 * fd.directory startswith, fd.directory in as "dir/"), and the tail
 * test, whether it may end as one anchored at its end (fd.name
 * endswith, fd.filename in as "/file", fd.filename endswith). A pair
 * (view, kind) in FC_PATH_HEAD_COVER or FC_PATH_TAIL_COVER that its test
 * rules out needs no test of its own: for the loop's paths, two tests
 * instead of five. fd.directory in is settled by the head test only
 * below a directory: a member "/" is not among the head's.
 */
static __always_inline void fc_bloom__prefetch_path(struct fc_scratch *c, bool file,
						    __u32 last_slash)
{
	struct fc_sv *name = &c->sv[FC_SV_FDNAME];
	bool head = !FC_PATH_HEAD_COVER || fc_bloom__may_on(c, name, FC_SV_PATHHEAD, FC_KEY_PREFIX);
	bool tail = !FC_PATH_TAIL_COVER || fc_bloom__may_on(c, name, FC_SV_PATHTAIL, FC_KEY_SUFFIX);

#pragma unroll
	for (__u32 svi = FC_SV_FDNAME; svi <= FC_SV_FDFILE; svi++) {
		if (svi == FC_SV_FDFILE && !file)
			continue;
#pragma unroll
		for (__u32 kind = 0; kind < 3; kind++) {
			__u32 bit = 1u << (4 * svi + kind);
			bool out;

			if (!fc_bloom__k(svi, kind))
				continue;
			out = (!head && (FC_PATH_HEAD_COVER & bit) &&
			       (svi != FC_SV_FDDIR || kind != FC_KEY_IN || last_slash > 0)) ||
			      (!tail && (FC_PATH_TAIL_COVER & bit));
			if (out || !fc_bloom__may(c, svi, kind))
				fc_memo__keep(c, fc_memo__slot(svi, kind), NULL);
		}
	}
}

/* field in (set): a member equals the field. */
static __always_inline int fc_str__in(struct fc_scratch *c, __u32 svi, __u32 bit)
{
	return fc_str__set(c, svi, FC_KEY_IN, bit);
}

/* field startswith any member. */
static __always_inline int fc_str__prefix(struct fc_scratch *c, __u32 svi, __u32 bit)
{
	return fc_str__set(c, svi, FC_KEY_PREFIX, bit);
}

/* field endswith any member. */
static __always_inline int fc_str__suffix(struct fc_scratch *c, __u32 svi, __u32 bit)
{
	return fc_str__set(c, svi, FC_KEY_SUFFIX, bit);
}

/*
 * Memoised checks: a contains or glob check that several rules make on
 * the same field (fd.name contains /.ssh/) runs once per event; codegen
 * gives each distinct one an atom number below FC_NATOMS.
 */
static __always_inline bool fc_atom__known(struct fc_scratch *c, __u32 a)
{
	return c->aknown[(a >> 6) & (FC_NATOMS / 64 - 1)] & (1ULL << (a & 63));
}

static __always_inline int fc_atom__put(struct fc_scratch *c, __u32 a, int v)
{
	c->aval[a & (FC_NATOMS - 1)] = v;
	c->aknown[(a >> 6) & (FC_NATOMS / 64 - 1)] |= 1ULL << (a & 63);
	return v;
}

#define FC_ATOM(c, a, expr) \
	(fc_atom__known(c, a) ? (int)(c)->aval[(a) & (FC_NATOMS - 1)] : fc_atom__put(c, a, (expr)))

/* Start of each event, before its fields are derived: nothing looked up
 * or memoised yet. Only the words a check of this probe can set need
 * clearing (codegen: FC_MEMO_WORDS, bit w for mvalid[w]; FC_ATOM_WORDS). */
static __always_inline void fc_memo__reset(struct fc_scratch *c)
{
#pragma unroll
	for (int i = 0; i < FC_NMEMO / 64; i++)
		if (FC_MEMO_WORDS & (1u << i))
			c->mvalid[i] = 0;
#pragma unroll
	for (int i = 0; i < FC_NATOMS / 64; i++)
		if (i < FC_ATOM_WORDS)
			c->aknown[i] = 0;
	c->pairs_slot = -1;
}

/* Bytes as 8 lanes of a u64 (SWAR). */
#define FC_ONES 0x0101010101010101ULL
#define FC_HIGHS 0x8080808080808080ULL

/* Marks (0x80) the zero bytes of x; the lowest mark is exact (a borrow
 * may mark a higher byte wrongly, so only the lowest is used). */
static __always_inline __u64 fc_swar__zero(__u64 x)
{
	return (x - FC_ONES) & ~x & FC_HIGHS;
}

/* w with its ASCII upper-case letters lower-cased. */
static __always_inline __u64 fc_swar__lower(__u64 w)
{
	__u64 h = w & ~FC_HIGHS;
	__u64 ge_a = h + (0x80 - 'A') * FC_ONES, gt_z = h + (0x80 - 'Z' - 1) * FC_ONES;

	return w | (((ge_a & ~gt_z & ~w) & FC_HIGHS) >> 2);
}

/* The byte index of the lowest mark of m (m != 0). */
static __always_inline __u32 fc_swar__first(__u64 m)
{
	__u32 d = 0;

	m &= -m;
	if (!(m & 0xffffffffULL)) {
		d += 4;
		m >>= 32;
	}
	if (!(m & 0xffff)) {
		d += 2;
		m >>= 16;
	}
	if (!(m & 0xff))
		d += 1;
	return d;
}

/* Candidates among the positions p.. of one word: the lanes where the
 * literal's first two bytes (its byte, if one long) start. */
static __always_inline __u64 fc_contains__lanes(struct fc_loop *l, __u32 p)
{
	__u64 w = fc_word(l->c, l->slot, l->off + p), m;

	if (l->icase)
		w = fc_swar__lower(w);
	m = w ^ ((__u8)fc_lit__byte(l->lit) * FC_ONES);
	if (l->n > 1)
		m |= (w >> 8) ^ ((__u8)fc_lit__byte(l->lit + 1) * FC_ONES);
	return fc_swar__zero(m);
}

/*
 * One step of a contains scan from l->pos: up to four 8-byte words of
 * the string, each tested in one go (SWAR) for the literal's first two
 * bytes at its first 7 positions (the first byte at 8, for a one-byte
 * literal); the rest of the literal is compared only at the first place
 * they match.
 */
static long fc_contains__step(__u32 k, void *data)
{
	struct fc_loop *l = data;
	struct fc_scratch *c = l->c;
	__u32 p = l->pos, span = l->n > 1 ? 7 : 8, at = 0, j;
	__u64 m = 0;

#pragma unroll
	for (int q = 0; q < 4; q++) {
		if (p + l->n > l->len)
			return 1;
		m = fc_contains__lanes(l, p);
		if (m)
			break;
		p += span;
	}
	if (!m) {
		l->pos = p;
		return 0;
	}
	/* through the scratch slot, where the verifier does not follow the
	 * value: the compare below is then checked once, not once per way
	 * the search above can end (see fc_tri__seal) */
	*(volatile __u32 *)&c->cat = p + fc_swar__first(m);
	at = *(volatile __u32 *)&c->cat;
	if (at + l->n > l->len)
		return 1; /* the first candidate is already too far */
	for (j = 2; j < FC_KEY_MAX; j++) {
		char a;

		if (j >= l->n) {
			l->found = 1;
			return 1;
		}
		a = fc_byte(c, l->slot, l->off + at + j);
		if (l->icase)
			a = fc_lower(a);
		if (a != fc_lit__byte(l->lit + j))
			break;
	}
	if (l->n <= 2) {
		l->found = 1;
		return 1;
	}
	l->pos = at + 1;
	return 0;
}

/* The field contains fc_lit[lit, lit + n) (compared lower-cased when icase). */
FC_GLOBAL int fc_sv__contains(struct fc_scratch *c, __u32 svi, __u32 lit, __u32 n, __u32 icase)
{
	struct fc_loop l = {};
	struct fc_sv *sv;

	if (!c)
		return FC_MAYBE;
	sv = &c->sv[svi & (FC_NSV - 1)];
	if (sv->len < 0)
		return FC_MAYBE;
	if (n == 0)
		return FC_TRUE;
	if (sv->len < n)
		return FC_FALSE;
	l.c = c;
	l.slot = sv->slot;
	l.off = sv->off;
	l.len = sv->len;
	l.lit = lit;
	l.n = n;
	l.icase = icase;
	bpf_loop(FC_SLOT, fc_contains__step, &l, 0);
	return l.found ? FC_TRUE : FC_FALSE;
}

/*
 * Whether the view's string cannot contain a literal whose byte pairs are
 * `even` and `odd` (codegen.c emit_pair_tests, FC_PAIRS_<id>). With the
 * pair signature (FC_PAIRS_SIGNATURE): bits of fc_pair__bits() of the
 * pairs at even and at odd offsets in the literal. The path's pairs are
 * gathered at even positions only (half the work): a literal at an even
 * position puts its even pairs there, at an odd position its odd ones, so
 * one of the two sets is all present wherever it occurs. With exact
 * pairs: even = odd = the bit of the one pair the literal needs
 * (fc_pair__exact), or bit 63, never set, for a literal that holds a pair
 * the fast scan stops at ("//", "/.", "./", ".."). Either way, then
 * neither the literal nor a glob with it matches. Known only for the
 * views of a slot whose pairs were gathered by the fast scan (the open
 * family's path, by fc_fd__derive_path; fd.name, fd.directory and
 * fd.filename are parts of it).
 */
static __always_inline bool fc_pair__absent(struct fc_scratch *c, __u32 svi, __u64 even,
					    __u64 odd)
{
	return (even | odd) && c->pairs_slot == c->sv[svi & (FC_NSV - 1)].slot &&
	       (c->pairs & even) != even && (c->pairs & odd) != odd;
}

/* field contains lit (icontains with icase; lit is lower-cased then).
 * even, odd: the literal's byte pairs (0, 0 for icase or one byte). */
static __always_inline int fc_str__contains(struct fc_scratch *c, __u32 svi, __u32 lit,
					    __u32 n, int icase, __u64 even, __u64 odd)
{
	if (c->sv[svi & (FC_NSV - 1)].len < 0)
		return FC_MAYBE;
	if (fc_pair__absent(c, svi, even, odd))
		return FC_FALSE;
	return fc_sv__contains(c, svi, lit, n, icase);
}

/*
 * One step of a wildcard match ('*' any run, '?' any byte), the classic
 * single-backtrack algorithm. found: 1 match, 2 no match. The positions
 * live in the scratch slot, not on the stack: the verifier tracks stack
 * values exactly and would walk the steps one by one to see the loop
 * end; values in memory are just numbers to it, so it checks one step.
 */
static long fc_glob__step(__u32 k, void *data)
{
	struct fc_loop *l = data;
	struct fc_scratch *c = l->c;
	__u32 i = c->gi, j = c->gj;
	char p = 0, s;

	if (i >= l->len) {
		/* string consumed: the rest of the pattern must be stars */
		for (int t = 0; t < FC_KEY_MAX; t++) {
			if (j >= l->n || fc_lit__byte(l->lit + j) != '*')
				break;
			j++;
		}
		l->found = j >= l->n ? 1 : 2;
		return 1;
	}
	s = fc_byte(c, l->slot, l->off + i);
	if (l->icase)
		s = fc_lower(s);
	if (j < l->n)
		p = fc_lit__byte(l->lit + j);
	if (j < l->n && p == '*') {
		c->gstar = j + 1;
		c->gmark = i;
		c->gj = j + 1;
	} else if (j < l->n && (p == '?' || p == s)) {
		c->gi = i + 1;
		c->gj = j + 1;
	} else if (c->gstar) {
		c->gj = c->gstar;
		c->gmark++;
		c->gi = c->gmark;
	} else {
		l->found = 2;
		return 1;
	}
	return 0;
}

/* The field matches the pattern fc_lit[lit, lit + n). */
FC_GLOBAL int fc_sv__glob(struct fc_scratch *c, __u32 svi, __u32 lit, __u32 n, __u32 icase)
{
	struct fc_loop l = {};
	struct fc_sv *sv;

	if (!c)
		return FC_MAYBE;
	sv = &c->sv[svi & (FC_NSV - 1)];
	if (sv->len < 0)
		return FC_MAYBE;
	l.c = c;
	l.slot = sv->slot;
	l.off = sv->off;
	l.len = sv->len;
	l.lit = lit;
	l.n = n;
	l.icase = icase;
	c->gi = 0;
	c->gj = 0;
	c->gstar = 0;
	c->gmark = 0;
	bpf_loop(FC_GLOB_STEPS, fc_glob__step, &l, 0);
	if (l.found == 0)
		return FC_MAYBE; /* out of steps */
	return l.found == 1 ? FC_TRUE : FC_FALSE;
}

/* even, odd: the byte pairs of the pattern's longest literal run. */
static __always_inline int fc_str__glob(struct fc_scratch *c, __u32 svi, __u32 lit, __u32 n,
					int icase, __u64 even, __u64 odd)
{
	if (c->sv[svi & (FC_NSV - 1)].len < 0)
		return FC_MAYBE;
	if (fc_pair__absent(c, svi, even, odd))
		return FC_FALSE;
	return fc_sv__glob(c, svi, lit, n, icase);
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

/*
 * A store of 1, 2, 4 or 8 bytes at offset pos of the event buffer, one
 * instruction. Where clang knows pos (openat's program inlines the event
 * start, so its params' offsets are constants) and sees it unaligned, it
 * splits a plain store into byte stores: eight stores and fourteen more
 * instructions for a u64. x86 stores unaligned words, and the verifier
 * only checks alignment on machines that cannot (as for fc_word's loads).
 */
static __always_inline void fc_evt__put(struct fc_scratch *c, __u32 pos, __u64 v, __u32 size)
{
	__u8 *p = &c->evt[pos & FC_EVT_MASK];

	if (size == 1)
		*p = v;
	else if (size == 2)
		asm volatile("*(u16 *)(%0 + 0) = %1" : : "r"(p), "r"(v) : "memory");
	else if (size == 4)
		asm volatile("*(u32 *)(%0 + 0) = %1" : : "r"(p), "r"(v) : "memory");
	else
		asm volatile("*(u64 *)(%0 + 0) = %1" : : "r"(p), "r"(v) : "memory");
}

/* Start the event of syscall sc (event type ppme, np table params).
 * Inline in openat's program (FC_SC_IS_INLINED; the hottest: a call costs about 5 ns), a
 * global function elsewhere (each inlined copy costs clang's compile
 * time: in the four open programs, 10 % more for falco_rules.yaml). */
static __always_inline int fc_evt__begin_(struct fc_scratch *c, __u32 sc, __u32 ppme, __u32 np, __s64 res)
{
	if (!c)
		return 0;
	c->sc = sc;
	c->np = np;
	c->pi = 0;
	c->pos = FC_HDR_LEN + 2 * ((np & (FC_MAXP - 1)) + FC_EXT_NPARAMS);
	c->pknown = 0;
	c->res = res;
	c->typechar = -1;
	c->fdsock = -1;
	c->net_ok = 0;
	c->oflags = -1;
	c->omode = 0;
	c->have = 0;
	c->npend = 0;
	fc_evt__put(c, 20, ppme, 2);
	/* the views a check may read: the fixed ones and the params' */
#pragma unroll
	for (int i = 0; i < FC_SV_NFIXED; i++)
		c->sv[i].len = -1;
	for (__u32 i = 0; i < FC_MAXP; i++) {
		if (i >= np)
			break;
		c->sv[FC_SV_PARAM0 + i].len = -1;
	}
#pragma unroll
	for (int i = 0; i < FC_RULE_WORDS; i++)
		c->rules[i] = 0;
	return 0;
}

FC_GLOBAL int fc_evt__begin(struct fc_scratch *c, __u32 sc, __u32 ppme, __u32 np, __s64 res)
{
	return fc_evt__begin_(c, sc, ppme, np, res);
}

/* Close the current param with len bytes written at c->pos. */
static __always_inline void fc_evt__param_done(struct fc_scratch *c, __u32 len)
{
	__u32 i = c->pi & (FC_MAXP - 1);

	fc_evt__put(c, FC_HDR_LEN + 2 * i, len, 2);
	c->pos += len;
	c->pi = i + 1;
}

static __always_inline void fc_evt__push_empty(struct fc_scratch *c)
{
	fc_evt__param_done(c, 0);
}

/* A number param of size 1, 2, 4 or 8 bytes; v is the value as the
 * filters read it (sign-extended from signed types). */
static __always_inline int fc_evt__push_val(struct fc_scratch *c, __u64 v, __u32 size)
{
	__u32 i, pos;

	if (!c)
		return 0;
	i = c->pi & (FC_MAXP - 1);
	pos = c->pos & FC_EVT_MASK;
	if (size != 1 && size != 2 && size != 4)
		size = 8;
	fc_evt__put(c, pos, v, size);
	c->pval[i] = v;
	c->pknown |= 1ull << i;
	fc_evt__param_done(c, size);
	return 0;
}

/* Param i's number v as the filters read it (as fc_evt__push_val keeps
 * it), without writing the param: for a fill function that writes its
 * event only once the filter lets it pass (fc_fill_openat). */
static __always_inline void fc_evt__peek(struct fc_scratch *c, __u32 i, __u64 v)
{
	c->pval[i & (FC_MAXP - 1)] = v;
	c->pknown |= 1ull << (i & (FC_MAXP - 1));
}

#define FC_DEFINE_PUSH(name, type)                                                 \
	static __always_inline void fc_evt__push_##name(struct fc_scratch *c, type v) \
	{                                                                           \
		fc_evt__push_val(c, (__u64)(__s64)v, sizeof(type));                     \
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
FC_GLOBAL int fc_evt__push_slot(struct fc_scratch *c, __u32 slot, __u32 off, __u32 n)
{
	if (!c)
		return 0;
	fc_evt__push_kbytes(c,
			    &c->str[fc_mask(((slot & (FC_NSLOTS - 1)) * FC_SLOT) + (off & FC_SLOT_MASK),
					    FC_NSLOTS * FC_SLOT)],
			    n);
	return 0;
}

/*
 * Read a NUL-terminated user string into slot, for param pidx: the
 * param's string view is set, unknown (MAYBE) when the read failed or the
 * string was cut at FC_SLOT bytes. The param itself is written by
 * fc_evt__push_read (c->rn keeps what it needs).
 */
static __always_inline void fc_evt__read_ustr(struct fc_scratch *c, __u32 slot, unsigned long uptr,
					      __u32 pidx)
{
	__u32 svi = FC_SV_PARAM0 + (pidx & (FC_MAXP - 1));
	long n = -1;

	slot &= FC_NSLOTS - 1;
	if (uptr)
		n = bpf_probe_read_user_str(&c->str[slot * FC_SLOT], FC_SLOT, (const void *)uptr);
	c->rn = n;
	if (n <= 0) {
		if (uptr)
			fc_stat__inc(FC_STAT_READ_FAIL);
		return;
	}
	c->sv[svi & (FC_NSV - 1)].slot = slot;
	c->sv[svi & (FC_NSV - 1)].off = 0;
	if (n >= FC_SLOT)
		fc_stat__inc(FC_STAT_TRUNCATED); /* value cut: unknown to filters */
	else
		c->sv[svi & (FC_NSV - 1)].len = n - 1;
}

/* Push the string fc_evt__read_ustr left in slot as the next param. */
static __always_inline void fc_evt__push_read(struct fc_scratch *c, __u32 slot)
{
	__s32 n = c->rn;

	slot &= FC_NSLOTS - 1;
	if (n <= 0) {
		fc_evt__push_empty(c);
		return;
	}
	if (c->npend >= FC_NPEND || c->pos + n > FC_EVENT_MAX - 1024) {
		fc_evt__push_kbytes(c, &c->str[slot * FC_SLOT], n);
		return;
	}
	/* the bytes are copied into the event only if it is sent
	 * (fc_evt__flush): most events are filtered out. So nothing may
	 * write this slot again for this event (each fill function reads
	 * its strings into distinct slots). */
	c->pend[c->npend & (FC_NPEND - 1)].pos = c->pos;
	c->pend[c->npend & (FC_NPEND - 1)].src = slot * FC_SLOT;
	c->pend[c->npend & (FC_NPEND - 1)].n = n;
	c->npend++;
	fc_evt__param_done(c, n);
}

/* Read a NUL-terminated user string into slot and push it as a param
 * (fc_evt__read_ustr, then fc_evt__push_read; openat's program calls the
 * two itself, the verdict between them). */
FC_GLOBAL int fc_evt__push_ustr(struct fc_scratch *c, __u32 slot, unsigned long uptr)
{
	if (!c)
		return 0;
	fc_evt__read_ustr(c, slot, uptr, c->pi);
	fc_evt__push_read(c, slot);
	return 0;
}

/* Copy the string params fc_evt__push_ustr left in their slots into the
 * event, for an event that is sent. */
static __always_inline void fc_evt__flush(struct fc_scratch *c)
{
#pragma unroll
	for (int i = 0; i < FC_NPEND; i++) {
		__u32 n;

		if (i >= c->npend)
			break;
		n = fc_mask(c->pend[i].n, 2 * FC_SLOT);
		if (bpf_probe_read_kernel(&c->evt[c->pend[i].pos & FC_EVT_MASK], n,
					  &c->str[fc_mask(c->pend[i].src, FC_NSLOTS * FC_SLOT)]))
			fc_stat__inc(FC_STAT_READ_FAIL);
	}
	c->npend = 0;
}

static __always_inline void fc_evt__push_fd(struct fc_scratch *c, __s64 fd)
{
	fc_evt__push_s64(c, fd);
}

/*=============================== TASK ===========================*/

/* A comm (already copied into c->task, NUL-terminated) as a string view:
 * 16 bytes copied as two words, its length found in the copy, so no
 * helper call per comm (five per event with the ancestors). */
static __always_inline void fc_task__comm_slot(struct fc_scratch *c, __u32 slot, __u32 svi,
					       const char *comm)
{
	__u8 *dst = &c->str[(slot & (FC_NSLOTS - 1)) * FC_SLOT];
	__u32 n = FC_COMM_LEN - 1;

	__builtin_memcpy(dst, comm, FC_COMM_LEN);
#pragma unroll
	for (int i = FC_COMM_LEN - 2; i >= 0; i--)
		if (!dst[i])
			n = i;
	c->sv[svi & (FC_NSV - 1)].slot = slot;
	c->sv[svi & (FC_NSV - 1)].off = 0;
	c->sv[svi & (FC_NSV - 1)].len = n;
}

/*
 * Fill c->task (and the comm string views) from the current task. This
 * runs for every event before the filter, so it reads through the BTF
 * pointer of bpf_get_current_task_btf(): plain loads the verifier turns
 * into fault-tolerant ones, instead of one bpf_probe_read_kernel() call
 * per field (about twenty of them, which cost more than the filter).
 */
FC_GLOBAL int fc_task__fill(struct fc_scratch *c)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct task_struct *p;
	struct fc_task *ft;
	__u32 level;

	if (!c)
		return 0;
	ft = &c->task;
	ft->pid = t->tgid;
	c->tid = t->pid;
	ft->uid = t->cred->euid.val;
	ft->gid = t->cred->egid.val;
	ft->loginuid = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid))
		ft->loginuid = t->loginuid.val;
	c->have |= FC_HAVE_TASK;
	ft->flags = 0;
	level = t->thread_pid->level;
	if (level > 0)
		ft->flags |= FC_TASK_IN_CONTAINER;
	ft->cgroup_id = bpf_get_current_cgroup_id();
	__builtin_memcpy(ft->comm, t->comm, sizeof(ft->comm));
	ft->comm[FC_COMM_LEN - 1] = 0;
	fc_task__comm_slot(c, FC_SLOT_COMM, FC_SV_COMM, ft->comm);

	p = t->real_parent;
	ft->ppid = p->tgid;
#pragma unroll
	for (int i = 0; i < FC_MAX_ANCESTORS; i++) {
		__u64 apid = p ? p->tgid : 0;

		ft->apid[i] = apid;
		if (!apid) {
			/* pid 0 is the idle task: no such ancestor */
			ft->acomm[i][0] = 0;
			c->sv[FC_SV_ANAME1 + i].len = -1;
			continue;
		}
		__builtin_memcpy(ft->acomm[i], p->comm, sizeof(ft->acomm[i]));
		ft->acomm[i][FC_COMM_LEN - 1] = 0;
		fc_task__comm_slot(c, FC_SLOT_ACOMM0 + i, FC_SV_ANAME1 + i, ft->acomm[i]);
		p = p->real_parent;
	}
	if (p && p->tgid && ft->apid[FC_MAX_ANCESTORS - 1])
		ft->flags |= FC_TASK_ANCESTORS_MORE;
	return 0;
}

/* The task's values, read on first use in an event (the test harness
 * writes them itself). */
static __always_inline void fc_task__need(struct fc_scratch *c)
{
#ifndef FC_TEST_HARNESS
	if (!(c->have & FC_HAVE_TASK))
		fc_task__fill(c);
#endif
}

/* The struct file of fd in the current task, or NULL. */
static __always_inline struct file *fc_task__file(__s64 fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = t->files->fdt; /* BTF pointers: plain loads */
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || !fdt || fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/*=============================== FIELD DERIVATION ===========================*/

struct fc_path_scan {
	struct fc_scratch *c;
	__u8 *str;     /* fc_path__fast: the slot's first byte */
	__u32 slot, len;
	__u32 last_slash;
	__u32 bad;
	__u32 pos;     /* fc_path__fast: next position */
	__u32 suspect; /* fc_path__fast: "//", "/.", ".." or "./" seen */
	__u64 carry;   /* fc_path__fast: mark in lane 0 if the last word's last
			* byte is '.' or '/' */
	__u64 pairs;   /* fc_path__fast: fc_pair__bits of the pairs scanned, or
			* fc_pair__exact's bits */
	__u64 pcarry;  /* fc_pair__exact: bit i if the last word's last byte
			* is pair i's first */
	__u32 slash_at;    /* fc_path__fast: the last word with a '/' */
	__u64 slash_lanes; /* and its lanes holding one */
	char p1, p2;   /* fc_path__step: the two previous bytes */
};

/* The byte index of the highest mark of m (m != 0). */
static __always_inline __u32 fc_swar__last(__u64 m)
{
	__u32 d = 0;

	if (m >> 32) {
		d += 4;
		m >>= 32;
	}
	if (m >> 16) {
		d += 2;
		m >>= 16;
	}
	if (m >> 8)
		d += 1;
	return d;
}

/* Marks of the lanes below n (n <= 8). */
static __always_inline __u64 fc_swar__below(__u32 n)
{
	return n >= 8 ? FC_HIGHS : FC_HIGHS & ((1ULL << ((n & 7) * 8)) - 1);
}

/*
 * The byte pairs at the even positions of a word at an even string
 * position (lanes 0, 2, 4, 6), those with both bytes among the string's
 * `left` bytes from there (the others hash to 0: a bit too many never
 * hides a match), each hashed as codegen.c's pair_hash() hashes a
 * literal's pairs, all lanes at once; returns the bits 1 << h. Each term
 * is masked so that no bit crosses into the 6 low bits of another lane.
 */
static __always_inline __u64 fc_pair__bits(__u64 w, __u32 left)
{
	__u64 b = w >> 8; /* each lane's next byte */
	__u64 y = (((w & FC_ONES) << 5) ^ (w >> 1) ^ ((b & 0x0f0f0f0f0f0f0f0fULL) << 2) ^
		   ((b >> 3) & 0x1f1f1f1f1f1f1f1fULL)) &
		  0x3f3f3f3f3f3f3f3fULL;
	__u64 bits = 0;

	if (left < 8)
		y &= (fc_swar__below(left - 1) >> 7) * 0xff;
#pragma unroll
	for (int i = 0; i < 8; i += 2)
		bits |= 1ULL << ((y >> (8 * i)) & 63);
	return bits;
}

/*
 * The exact pairs (codegen.c emit_pair_tests: FC_PAIRS_EXACT of them,
 * first bytes FC_PAIRS_A, second FC_PAIRS_B; none
 * with FC_PAIRS_SIGNATURE, or when no literal needs one, and then the
 * scan gathers no pairs): bit i when pair i is in the word w (its bytes
 * past the path's end zeroed, which match no pair), or across the word
 * before and this one (s->pcarry). The lanes of a byte are found with the
 * borrow trick (fc_swar__zero), which also marks a byte one below
 * pair i's first that follows it ("ih" for "id"): a bit too many, which
 * only sends a check to the exact search; a pair that is there always
 * sets its bit.
 */
#if FC_PAIRS_EXACT > 0
static const __u8 fc_pair_a[FC_PAIRS_EXACT] = { FC_PAIRS_A };
static const __u8 fc_pair_b[FC_PAIRS_EXACT] = { FC_PAIRS_B };

static __always_inline __u64 fc_pair__exact(struct fc_path_scan *s, __u64 w)
{
	__u64 bits = 0, carry = 0;

#pragma unroll
	for (int i = 0; i < FC_PAIRS_EXACT; i++) {
		__u64 a = fc_swar__zero(w ^ (fc_pair_a[i] * FC_ONES));
		__u64 b = fc_swar__zero(w ^ (fc_pair_b[i] * FC_ONES));

		if ((a & (b >> 8)) | ((b >> 7) & (s->pcarry >> i) & 1))
			bits |= 1ULL << i;
		carry |= (a >> 63) << i;
	}
	s->pcarry = carry;
	return bits;
}
#endif

/*
 * The fast path scan, 8 positions per word and four words per callback
 * (SWAR). The lanes holding '.' or '/' (the two differ only in bit 0)
 * give both the slashes and the suspect pairs: "//", "/." and ".."
 * (which libsinsp's normalisation rewrites or judges), and "./" (which
 * it does not): only the byte scan below (fc_path__step) judges them
 * exactly. Most paths have none of them, and end within the first step,
 * which the derivation runs inline (no callback): it returns 1 when the
 * path ends there. The lanes of '.' and '/' are those where
 * (w | 1) ^ '/' is zero; no lane of it is 1, so the borrow trick
 * (fc_swar__zero) marks them exactly. The bytes of the last word past the
 * path's end are zeroed first: a zero byte is neither '.' nor '/', nor
 * any pair's byte, so no test needs to mask its marks.
 */
static __always_inline long fc_path__fast_(struct fc_path_scan *s)
{
#pragma unroll
	for (int q = 0; q < 4; q++) {
		__u32 p = s->pos, left;
		__u64 w, d, sl;

		if (p >= s->len)
			return 1;
		left = s->len - p;
		w = fc_load64(s->str + (p & FC_SLOT_MASK)); /* fc_word, the slot's address once */
		if (left < 8)
			w &= (1ULL << ((left & 7) * 8)) - 1;
		d = fc_swar__zero((w | FC_ONES) ^ ('/' * FC_ONES));
		if ((d & (d >> 8)) | (d & s->carry)) {
			s->suspect = 1;
			return 1;
		}
		s->carry = d >> 56;
		sl = d & ((w & FC_ONES) << 7); /* '/' has bit 0 set, '.' not */
		if (sl) {
			s->slash_at = p;
			s->slash_lanes = sl;
		}
#if FC_PAIRS_EXACT > 0
		s->pairs |= fc_pair__exact(s, w);
#elif FC_PAIRS_SIGNATURE
		s->pairs |= fc_pair__bits(w, left);
#endif
		s->pos = p + 8;
	}
	return s->pos >= s->len;
}

static long fc_path__fast(__u32 k, void *data)
{
	return fc_path__fast_(data);
}

/* Bytes [32k, 32k + 32) of the path: one callback per 32 bytes (unrolled). */
#define FC_PATH_STEP 32
static long fc_path__step(__u32 k, void *data)
{
	struct fc_path_scan *s = data;

#pragma unroll
	for (int d = 0; d < FC_PATH_STEP; d++) {
		__u32 i = k * FC_PATH_STEP + d;
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
	}
	return 0;
}

/*
 * fd.name, fd.directory and fd.filename from the path param at index pidx
 * of an open-family event: known only when the path is absolute and
 * already in the form libsinsp's lexical normalisation produces (so the
 * kernel and userspace values are equal).
 *
 * A failed open has no fd: userspace then names the path tried, as
 * libsinsp's extract_from_null_fd does (runtime/extract.c,
 * null_fd_name): fd.name and fd.directory as for an opened file,
 * fd.typechar 'f' whatever the flags, and no fd.filename at all (left
 * unknown here: MAYBE is sound where userspace says "absent").
 *
 * Inline in openat's program (FC_SC_IS_INLINED; a call and its return
 * cost a few ns on the hottest path), a global function elsewhere
 * (fc_fd__derive_path).
 */
static __always_inline int fc_fd__derive_path_(struct fc_scratch *c, __u32 pidx)
{
	struct fc_path_scan s = {};
	struct fc_sv sv;

	if (!c)
		return 0;
	sv = c->sv[(FC_SV_PARAM0 + pidx) & (FC_NSV - 1)];
	if (sv.len <= 0 || sv.off != 0)
		return 0;
	if (fc_byte(c, sv.slot, 0) != '/')
		return 0;
	s.c = c;
	s.str = &c->str[(sv.slot & (FC_NSLOTS - 1)) * FC_SLOT];
	s.slot = sv.slot;
	s.len = sv.len;
	/* the first 32 bytes inline, without a callback: most paths end
	 * there */
	if (!fc_path__fast_(&s))
		bpf_loop(FC_SLOT / 32 + 1, fc_path__fast, &s, 0);
	if (s.suspect) {
		/* a pair to judge: the exact scan, byte by byte */
		bpf_loop(FC_SLOT / FC_PATH_STEP, fc_path__step, &s, 0);
		if (s.len > 1 && (s.p1 == '/' || (s.p1 == '.' && s.p2 == '/') ||
				  (s.p1 == '.' && s.p2 == '.')))
			s.bad = 1;
	} else {
		s.last_slash = s.slash_at + fc_swar__last(s.slash_lanes);
		if (s.len > 1 && fc_byte(c, sv.slot, s.len - 1) == '/')
			s.bad = 1; /* a trailing '/' */
	}
	if (s.bad)
		return 0;
	if (!s.suspect) {
		/* every pair of the path was gathered */
		c->pairs = s.pairs;
		c->pairs_slot = sv.slot;
	}
	c->sv[FC_SV_FDNAME] = sv;
	c->sv[FC_SV_FDDIR].slot = sv.slot;
	c->sv[FC_SV_FDDIR].off = 0;
	/* "/etc/passwd" -> "/etc"; "/bin" -> "/" */
	c->sv[FC_SV_FDDIR].len = s.last_slash ? s.last_slash : 1;
	if (c->res >= 0) {
		c->sv[FC_SV_FDFILE].slot = sv.slot;
		c->sv[FC_SV_FDFILE].off = fc_mask(s.last_slash + 1, FC_SLOT);
		c->sv[FC_SV_FDFILE].len = sv.len - (s.last_slash + 1);
	}
	fc_bloom__prefetch_path(c, c->res >= 0, s.last_slash);
	if (c->res < 0) {
		c->typechar = 'f'; /* libsinsp's guess for an fd-less open */
		return 0;
	}
	/* O_DIRECTORY opens are directories ('d'); anything else a file is
	 * all we know without the inode type */
	if (c->oflags >= 0 && !(c->oflags & (1 << 10)))
		c->typechar = 'f';
	return 0;
}

FC_GLOBAL int fc_fd__derive_path(struct fc_scratch *c, __u32 pidx)
{
	return fc_fd__derive_path_(c, pidx);
}

/* Whether fd of the current task is a socket: 1, 0, or -1 if unknown.
 * For dup*: the new fd is the old one's file, so its type is the fd.type
 * userspace copies to it (a socket's ipv4/ipv6/unix/netlink, else none
 * of those). */
static __always_inline int fc_fd__is_sock(__s64 fd)
{
	struct file *f = fd >= 0 ? fc_task__file(fd) : NULL;

	if (!f)
		return -1;
	return (BPF_CORE_READ(f, f_inode, i_mode) & 0170000) == 0140000; /* S_ISSOCK */
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
FC_GLOBAL int fc_evt__submit(struct fc_scratch *c, __u32 always)
{
	struct rt_hdr_view {
		__u64 ts, tid;
		__u32 len;
		__u16 type;
		__u32 nparams;
	} __attribute__((packed)) *h;
	__u32 ring = bpf_get_smp_processor_id() / FC_CPUS_PER_RING;
	void *rb;
	__u64 avail;
	__u32 len;

	if (!c)
		return 0;
	fc_evt__flush(c);
	fc_task__need(c);
	h = (void *)c->evt;
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
		return 0;
	}
	if (len < FC_HDR_LEN)
		return 0;
	/* Wake the reader once per FC_RING_WAKE bytes of backlog, when this
	 * event crosses a multiple of it: a wake-up costs the process that
	 * made the syscall microseconds (an IPI), more than the rest of the
	 * event, and a reader already behind needs no more of them. A
	 * trickle waits for the reader's poll timeout (runtime/main.c,
	 * 20 ms), as Falco's probe leaves its events to polling. */
	avail = bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA);
	if (bpf_ringbuf_output(rb, c->evt, len,
			       (avail + len + 8) / FC_RING_WAKE != avail / FC_RING_WAKE
				       ? BPF_RB_FORCE_WAKEUP
				       : BPF_RB_NO_WAKEUP))
		fc_stat__inc(FC_STAT_RING_FULL);
	else
		fc_stat__inc(FC_STAT_SENT);
	return 0;
}

/*=============================== FLAG CONVERSIONS ===========================*/

#include "fc_flags.h" /* shared with the kernel module */

/* FC_SC_<name>: row index in fc_syscalls.def. */
#define FC_SCF_ALWAYS 1
enum fc_sc_id {
#define FC_SC(name, nr, ppme, np, flags) FC_SC_##name,
#include "fc_syscalls.def"
	FC_SC__COUNT
};

#endif /* FC_PROBE_BPF_H */
