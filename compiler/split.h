/* SPDX-License-Identifier: Apache-2.0 */
/*
 * split: divide each rule's condition into a kernel part and a
 * userspace residual, in three-valued logic.
 *
 * The kernel part K of a rule is a predicate over values the probe can
 * compute (compiler/kfields.def) such that, for every event,
 *
 *     condition(event) == true  implies  K(event) != false
 *
 * so dropping events where K is false never loses an alert. K is built
 * from the resolved AST (macros spliced): a check whose field the kernel
 * cannot compute, or whose operator it cannot evaluate, becomes MAYBE,
 * then simplified (and(x, MAYBE) = x, or(x, MAYBE) = MAYBE,
 * not(MAYBE) = MAYBE). At run time the kernel evaluates K in three values
 * too: a kernel field it fails to read (path too long, fault) is MAYBE.
 *
 * The residual is the whole condition: userspace re-checks every
 * candidate with the full condition, using the values the kernel sent.
 *
 * The result per rule is a kexpr tree, which codegen.c turns into BPF C
 * and explain prints. Lists used by kernel checks are collected in
 * split_result.sets, each becoming one map filled at load time.
 */
#ifndef FALCOC_SPLIT_H
#define FALCOC_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "ruleset.h"

/* Value kinds of kernel fields (kfields.def KIND). */
enum kv_kind { KV_NUM, KV_STR, KV_FLAGS, KV_BOOL };

/* Kernel fields: kexpr.kfield is one of these (the order of kfields.def). */
enum kfield {
#define KFIELD(id, name, kind, where) id,
#include "kfields.def"
	KF__COUNT
};

struct kfield_info {
	const char *name; /* "proc.name" */
	enum kv_kind kind;
	const char *where;
};

/* The kfields.def row of kf (0 <= kf < KF__COUNT), NULL otherwise. */
const struct kfield_info *split_kfield(int kf);

/* Static bounds on what split sends to the kernel (beyond: MAYBE). */
#define SPLIT_MAX_NEEDLE 64  /* contains/icontains needle bytes */
#define SPLIT_MAX_GLOB 128   /* glob/iglob pattern bytes */
#define SPLIT_MAX_INLINE 64  /* numeric / enum-like values compared inline */
#define SPLIT_MAX_KNODES 2048 /* kexpr nodes per rule, counted as a tree */

enum kx_kind {
	KX_TRUE,
	KX_FALSE,
	KX_MAYBE, /* unknown in the kernel: the event passes */
	KX_AND,
	KX_OR,
	KX_NOT,
	KX_CHECK, /* field op value(s) the kernel evaluates */
};

/* How a kernel check compares (chosen by split from op + field type). */
enum kx_match {
	KM_NUM_EQ, KM_NUM_NE, KM_NUM_LT, KM_NUM_LE, KM_NUM_GT, KM_NUM_GE,
	KM_NUM_IN,        /* numeric value in a set (inline constants) */
	KM_STR_EQ,        /* one string: inline compare */
	KM_STR_IN,        /* string in a set: hash map lookup (set_id) */
	KM_STR_PREFIX,    /* startswith one or more prefixes: LPM trie (set_id) */
	KM_STR_SUFFIX,    /* endswith: LPM trie over reversed strings (set_id) */
	KM_STR_CONTAINS,  /* contains any needle: bounded loop */
	KM_STR_GLOB,      /* glob: bounded matcher */
	KM_EXISTS,        /* the field has a value */
	KM_FLAGS_ANY,     /* bitmask test: evt.arg.flags contains O_X, is_open_* */
};

struct kexpr {
	enum kx_kind kind;
	struct kexpr **kids;
	unsigned nkids;
	/* KX_CHECK */
	int kfield;            /* index into kfields.def */
	const char *field;     /* field name as written, for comments/explain */
	const char *arg;       /* field argument (aname[2] -> "2") */
	enum kx_match match;
	bool icase;            /* icontains / iglob */
	const char **strs;     /* string operands */
	unsigned nstrs;
	int64_t *nums;         /* numeric operands */
	unsigned nnums;
	int set_id;            /* map holding strs, -1 if inline */
	const struct ast *src; /* the AST check it came from */
	/* Added by split.c: the node is exact (two-valued where the kernel
	 * reads its fields): no MAYBE was dropped below it, so when it
	 * evaluates to true or false the full condition's subtree has the
	 * same value. Only exact nodes may be negated (see split.c). */
	bool exact;
};

/* Why part of a condition stays in userspace, for explain. */
struct split_note {
	const struct ast *src;
	const char *why; /* "field 'fd.sip' is not computed in the kernel" */
};

struct split_set {
	int id;
	enum kx_match match; /* KM_STR_IN, KM_STR_PREFIX, KM_STR_SUFFIX */
	const char **strs;
	unsigned nstrs;
	unsigned max_len; /* longest string, for key sizing */
};

struct split_rule {
	const struct rs_rule *rule;
	unsigned index;     /* bit in the probe's per-event rule mask */
	struct kexpr *kernel; /* simplified kernel part */
	struct vec notes;   /* struct split_note * */
};

struct split_result {
	struct vec rules; /* struct split_rule *, in rule order (enabled or not) */
	struct vec sets;  /* struct split_set *, deduplicated */
};

/* Split every compiled rule of rs (failed/skipped rules are left out).
 * Deterministic: the same ruleset always yields the same result. */
void split_ruleset(struct arena *a, const struct ruleset *rs, struct split_result *out);

/* Helpers shared by the back ends that lower kexprs per syscall
 * (codegen.c for the BPF probe, kcode.c for the module's program). */
struct kexpr *split_node(struct arena *a, enum kx_kind kind); /* zeroed, set_id -1 */
const struct split_set *split_set_by_id(const struct split_result *sr, int id); /* NULL if none */
bool split_has_str(const struct kexpr *k, const char *s); /* s among k's string operands */
/* A bool field compared with true/false: the wanted value, or -1. */
int split_bool_want(const struct kexpr *k);

/* Print a kexpr in condition syntax ("maybe" for MAYBE), for explain. */
void split_print(struct strbuf *out, const struct kexpr *k);

#endif
