/* SPDX-License-Identifier: Apache-2.0 */
/*
 * codegen: BPF C for a split ruleset, to be compiled with the templates in
 * bpf-templates/ (probe_build.c runs clang).
 *
 * The generated file is, in this order (deterministic, readable):
 *
 *   #define FC_NRULES n
 *   #define FC_LIT_BYTES, FC_LITERALS     the checks' string literals, by
 *                                        offset (fc_lit[] in the templates)
 *   #define FC_CAP_*, FC_NSTR_*, FC_SET_WORDS  the set maps' sizes
 *   #define FC_NATOMS_USED n             memoised checks (fc_atom__*)
 *   #include "fc_probe.bpf.h"            maps (the three set maps too),
 *                                        struct fc_scratch, helpers
 *   const volatile __u8 fc_rule_enabled[n]    .rodata, rules' enabled flags
 *   const volatile __u8 fc_interesting[FC_SC__COUNT]  syscalls with a rule
 *   fc_rule_<i>[_<syscall>](c)           one BPF global function per
 *       distinct text of a rule's kernel part folded for a syscall
 *       (evt.type, parameters), after a `/ * rule "X" (file:line) * /`
 *       comment and the syscalls that use it; three values (FC_TRUE /
 *       FC_FALSE / FC_MAYBE). Functions used only by always-flow syscalls
 *       are built for the test harness only.
 *   fc_filter_<syscall>(struct fc_scratch *c)  one per fc_syscalls.def row:
 *       for each rule whose event-type set holds the syscall, its
 *       function's verdict (or the constant the fold left), marks the
 *       rule's bit when not FALSE; returns whether any rule is not FALSE
 *   #define FC_PROGRAMS(X)               X(name) per syscall that gets a
 *                                        tail-called program (a rule, or
 *                                        always-flow)
 *   #define FC_INLINED(X)                the same for the syscalls the
 *                                        dispatcher runs inline (openat)
 *   #include "fc_programs.bpf.h"         dispatcher and per-syscall programs
 *   fc_meta[] in section FC_META_SECTION struct fc_meta_hdr + name\0text\0...
 *   fc_kfilter[] in section FC_KFILTER_SECTION  the kmod filter blob
 *                                        (kcode.h), when given
 *
 * fc_meta_hdr.hash is cg_hash() of the text before the metadata block.
 *
 * Sets (filled at load time by the loader from cg_set_entries()): all
 * sets of a kind share one map keyed by the string alone, valued by a
 * bitmap of FC_SET_WORDS u64s over the kind's sets (bit = cg_set_info.bit):
 *   KM_STR_IN      BPF_MAP_TYPE_HASH, key = the string zero-padded to
 *                  FC_CAP_IN bytes (> longest member); the sets holding it
 *   KM_STR_PREFIX  BPF_MAP_TYPE_LPM_TRIE (BPF_F_NO_PREALLOC), key =
 *                  u32 prefixlen (bits, = 8 * strlen) + data[FC_CAP_PREFIX];
 *                  the sets with a member that is a prefix of the key
 *   KM_STR_SUFFIX  the same over the reversed string
 */
#ifndef FALCOC_CODEGEN_H
#define FALCOC_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "split.h"

/* A rules file embedded into the metadata section. */
struct cg_file {
	const char *name;
	const char *text;
	size_t len;
};

struct cg_options {
	bool kernel_filter;          /* false: event types only (Falco-style) */
	const struct cg_file *files; /* metadata; may be NULL */
	size_t nfiles;
	const void *kfilter;         /* fcf blob for FC_KFILTER_SECTION, or NULL */
	size_t kfilter_len;
	int exact_pairs;             /* contains tests: the most exact byte pairs (0: the
				      * default, 2; < 0: none, the pair signature) */
};

/* One set map, for the loader and tests. */
struct cg_set_info {
	const char *map_name; /* the kind's shared map: "fc_sets_in", ... */
	unsigned id;          /* the set's id (split_set.id) */
	unsigned bit;         /* its bit in the kind's bitmaps */
	enum kx_match kind;   /* KM_STR_IN, KM_STR_PREFIX, KM_STR_SUFFIX */
	unsigned cap;         /* string bytes in the key */
	unsigned key_size;    /* the map's key_size in bytes */
	const char **strs;    /* members, as written (not reversed) */
	unsigned nstrs;
};

struct cg_result {
	uint64_t hash;     /* cg_hash of the C before the metadata */
	unsigned nrules;
	struct vec warnings; /* const char *: unsupported event types, ... */
};

/*
 * Append the probe's C to out. Returns 0, or -1 with a message in *err
 * (arena-allocated) when the rule set cannot be compiled (too many rules).
 */
int cg_generate(struct arena *a, const struct split_result *sr, const struct cg_options *o,
		struct strbuf *out, struct cg_result *res, const char **err);

/* The sets of sr that the kernel checks, in id order (struct cg_set_info *):
 * the loader puts each member into the set's map. */
void cg_sets(struct arena *a, const struct split_result *sr, struct vec *out);

/* The key of str in set s, written to key (s->key_size bytes). Returns
 * false when str cannot be a member (too long). */
bool cg_set_key(const struct cg_set_info *s, const char *str, uint8_t *key);

/* One entry of a set map: a key and the bitmap of the kind's sets it
 * answers for (see "Sets" above). */
struct cg_set_entry {
	const char *map_name;
	enum kx_match kind;
	uint8_t *key;
	unsigned key_size;
	uint8_t *val; /* FC_SET_WORDS little-endian u64s */
	unsigned val_size;
};

/* Every entry of the three set maps (struct cg_set_entry *), appended to
 * out: what the loader (and the BPF tests) put into the maps. */
void cg_set_entries(struct arena *a, const struct split_result *sr, struct vec *out);

/* FNV-1a 64 (the metadata hash). */
uint64_t cg_hash(const char *s, size_t n);

/* The syscalls the probe supports (fc_syscalls.def), for explain/tests. */
size_t cg_syscall_count(void);
const char *cg_syscall_name(size_t i);

/*
 * `evt.arg.PARAM contains NAME` on a flags parameter of syscall scname
 * (value v, the parameter's u32): v & any == 0 -> FALSE; v == 0 && zero
 * -> MAYBE; v == some exact[] or v & sure -> TRUE; else MAYBE. Returns
 * false when the check is not expressible (MAYBE). Shared by the BPF
 * codegen and the kmod filter (kcode.c) so both decide alike.
 */
#define CG_FLAGS_EXACT_MAX 64
struct cg_flags_plan {
	int param; /* position in the event */
	uint32_t any, sure;
	bool zero;
	uint32_t exact[CG_FLAGS_EXACT_MAX];
	unsigned nexact;
};
bool cg_flags_plan(const char *scname, const char *param, const char *name,
		   struct cg_flags_plan *fp);

/* Position of parameter `name` in the exit event of syscall scname
 * (runtime/event_table.def), -1 if none; its type is a string
 * (FSPATH/FSRELPATH/CHARBUF) or a number. */
int cg_param(const char *scname, const char *name, bool *is_str, bool *is_num);

#endif
