/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kcode: the kmod filter program ("fcf", kmod/fcf/fcf_format.h) of a
 * split ruleset.
 *
 * Each rule's kernel part (split.h kexpr) is folded and lowered per
 * syscall row of bpf-templates/fc_syscalls.def exactly as codegen.c does
 * for the BPF probe (evt.type and evt.dir become constants, evt.res a
 * test of the return value, parameters resolve per event, fields a
 * syscall does not carry become MAYBE), so the module needs to fetch only
 * the fields listed in the contract in kmod/fcf/fcf.h. The lowered tree
 * becomes straight-line code with forward jumps; the distinct codes of a
 * rule become one entry each, with the bitmap of the syscalls that use it.
 * A rule FALSE on a syscall gets no entry there.
 *
 * The blob is a pure function of the input (no addresses, no hash
 * order) and is verified with fcf_load() before it is returned, so
 * falcoc never writes a program the module would refuse.
 */
#ifndef FALCOC_KCODE_H
#define FALCOC_KCODE_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "split.h"

struct kc_options {
	bool kernel_filter; /* false: every rule TRUE on its event types */
};

struct kc_stats {
	unsigned nrules, nentries, ninsns, nsets, nmembers, pool_len;
	unsigned ndeep; /* subtrees deeper than the registers, compiled MAYBE */
};

/*
 * Append the blob for sr to out. Returns 0, or -1 with a message in *err
 * (arena-allocated): over a format limit, or (a bug) the blob fails
 * verification. stats may be NULL.
 */
int kc_build(struct arena *a, const struct split_result *sr, const struct kc_options *o,
	     struct strbuf *out, struct kc_stats *stats, const char **err);

/*
 * The kernel part of one rule as the kmod filter evaluates it on syscall
 * row sc: the kexpr folded and lowered to the fetch contract's fields
 * (arena-allocated; KX_TRUE/FALSE/MAYBE when constant). For tests.
 */
struct kexpr *kc_lower(struct arena *a, const struct split_result *sr,
		       const struct split_rule *r, unsigned sc);

/* Print a blob in readable form (falcoc fcf-dump). Returns 0, or -1 with
 * the verifier's reason printed when the blob does not load. */
int kc_dump(FILE *f, const void *blob, size_t len);

#endif
