/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * fcf.h: the falcoc kernel-module filter ("fcf"), the one interface
 * between its three users:
 *
 *   compiler (compiler/kcode.c)   turns each rule's kernel part (split.h
 *                                 kexpr) into an fcf program blob;
 *   kernel module (kmod/)         loads the blob by ioctl, verifies it
 *                                 once, runs it on every event;
 *   userspace (tests, fuzzing)    builds the same verifier/interpreter.
 *
 * The verifier and interpreter (fcf_verify.c, fcf_run.c) are plain C
 * with no libc and no kernel headers beyond what fcf_port.h maps, so
 * the same files compile into the module and into userspace.
 *
 * Semantics: three-valued, as split.h. fcf_run() sets bit i of the rule
 * mask for every rule i whose kernel part is TRUE or MAYBE on the event;
 * the event is sent to userspace iff some bit is set (or its syscall is
 * an always-flow one, which the module decides before running the
 * filter). A field the module cannot read is MAYBE.
 *
 * Field ids are the kfields.def indices (enum kfield in split.h); the
 * blob's header carries FCF_FIELDS_HASH so a module never runs a program
 * built against another field table.
 */
#ifndef FALCOC_FCF_H
#define FALCOC_FCF_H

#include "fcf_port.h" /* fcf_u8..fcf_u64, fcf_s64, fcf_size, alloc/free */

#define FCF_MAGIC 0x31464346u /* "FCF1" little endian */
#define FCF_VERSION 1

/* Hard limits the verifier enforces (a program beyond them is refused). */
#define FCF_MAX_BLOB (1u << 20)  /* bytes */
#define FCF_MAX_INSNS 65536
#define FCF_MAX_RULES 1024       /* == FC_MAX_RULES */
#define FCF_MAX_STR 4096         /* longest string operand or field value looked at */

/* Values the module hands to the interpreter (fcf_fetch_fn). */
enum fcf_vkind { FCF_V_NUM = 1, FCF_V_STR = 2 };

struct fcf_value {
	enum fcf_vkind kind;
	fcf_s64 num;     /* FCF_V_NUM (bool fields: 0/1; flags: the mask) */
	const char *str; /* FCF_V_STR: not necessarily NUL-terminated */
	fcf_u32 len;     /* FCF_V_STR: bytes at str, <= FCF_MAX_STR */
};

/* Result codes of a fetch. */
#define FCF_FETCH_OK 0
#define FCF_FETCH_NONE 1  /* the field has no value on this event (Falco <NA>) */
#define FCF_FETCH_MAYBE 2 /* unknown in the kernel: read failed, truncated... */

/*
 * Fetch field `field` (enum kfield) with argument `arg` (a string from the
 * program's constant pool, e.g. the parameter name of evt.arg.NAME or the
 * ancestor level "2" of proc.aname[2]; NULL when the field has none) for
 * the current event. `ctx` is the caller's. Must not sleep or fault.
 */
typedef int (*fcf_fetch_fn)(void *ctx, unsigned field, const char *arg,
			    struct fcf_value *out);

struct fcf_prog; /* a verified program; opaque */

/*
 * Verify and load a blob. On success *out is a program owning a copy of
 * everything it needs (blob may be freed) and 0 is returned. On failure
 * a negative errno-style code (FCF_E*) is returned, *out is NULL, and if
 * err is not NULL a NUL-terminated reason ("insn 12: backward jump") is
 * written to err[0..errlen).
 */
int fcf_load(const void *blob, fcf_size len, struct fcf_prog **out,
	     char *err, fcf_size errlen);

void fcf_free(struct fcf_prog *prog);

/* Number of rules the program decides (mask bits). */
unsigned fcf_nrules(const struct fcf_prog *prog);

/*
 * Run the program for one event of syscall `sc` (the fc_syscalls.def row
 * index): only the rules whose evttypes include it are evaluated. mask has
 * (fcf_nrules + 63) / 64 words; it is cleared, then bit i is set for rule
 * i TRUE or MAYBE. Returns the number of set bits. Bounded time: every
 * loop in the interpreter is bounded by the verified limits.
 */
int fcf_run(const struct fcf_prog *prog, unsigned sc, fcf_fetch_fn fetch,
	    void *ctx, fcf_u64 *mask);

/* Error codes (negated). */
#define FCF_EINVAL 22  /* malformed blob or program */
#define FCF_E2BIG 7    /* over a limit */
#define FCF_ENOMEM 12
#define FCF_ENOEXEC 8  /* bad magic, version or field table hash */

#endif
