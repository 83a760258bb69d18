/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * fcf_format.h: the fcf blob, byte by byte, and the decoded program.
 *
 * The blob is what falcoc writes (`--target kmod`, or the ELF section
 * .falcoc.kfilter of probe.o) and what the module receives by ioctl.
 * All integers are little-endian and fixed width; there is no padding
 * and no pointer. The sections follow each other in this order, their
 * sizes given by the header counts, and the blob is exactly that long:
 *
 * HEADER (64 bytes)
 *   0  u32 magic        FCF_MAGIC ("FCF1")
 *   4  u32 version      FCF_VERSION
 *   8  u64 tables_hash  fcf_tables_hash(): FNV-1a of the kfields.def
 *                       names and kinds and the fc_syscalls.def names,
 *                       so a blob built against other tables is refused
 *  16  u32 nrules       mask bits (rule indices are < nrules)
 *  20  u32 nsc          rows of fc_syscalls.def (== FCF_NSC)
 *  24  u32 nentries     ENTRY records
 *  28  u32 ninsns       INSN records
 *  32  u32 nnums        NUM records
 *  36  u32 nsets        SET records
 *  40  u32 nmembers     MEMBER records
 *  44  u32 pool_len     bytes of POOL
 *  48  16 bytes reserved, zero
 *
 * ENTRY (16 + 8 * FCF_SC_WORDS bytes): one piece of a rule's kernel part
 *   0  u32 rule         rule index (mask bit)
 *   4  u32 code_off     first instruction (index into INSN)
 *   8  u32 code_len     instructions; the last one is FCF_OP_RET
 *  12  u32 reserved     zero
 *  16  u64 scmap[FCF_SC_WORDS]  bit s: run on syscall row s
 *   A rule may have several entries (its kernel part folded per syscall
 *   differs: evt.type is a constant there, a parameter exists or not);
 *   entries are sorted by code_off and their code ranges are disjoint.
 *
 * INSN (16 bytes)
 *   0  u8  op           FCF_OP_*
 *   1  u8  dst          register, < FCF_NREGS
 *   2  u8  src          AND/OR: second register; CHECK: FCF_CF_* flags
 *   3  u8  match        CHECK: FCF_M_* (== enum kx_match of split.h)
 *   4  u16 field        CHECK: kfields.def index (< FCF_NFIELDS)
 *   6  u16 cnt          CHECK: string length (STR_EQ, CONTAINS, GLOB)
 *                       or number count (NUM_IN, FLAGS_ANY)
 *   8  u32 arg          CHECK: POOL offset of the field argument
 *                       (NUL-terminated), FCF_NOARG if none
 *  12  u32 imm          CONST: FCF_FALSE/TRUE/MAYBE; JF/JT: instructions
 *                       skipped (target = pc + 1 + imm); CHECK: POOL
 *                       offset of the string, NUM index, or SET index
 *
 * NUM (8 bytes): s64.
 * SET (12 bytes): u32 match (FCF_M_STR_IN/PREFIX/SUFFIX), u32 first
 *   MEMBER, u32 count. STR_IN members are sorted (bytewise, a prefix
 *   before its extensions) and distinct, for binary search.
 * MEMBER (8 bytes): u32 POOL offset, u32 length (<= FCF_MAX_STR; the
 *   byte after the string is NUL, none inside).
 * POOL: string bytes.
 *
 * Registers hold three-valued results. A rule's code leaves its result
 * in a register and ends with RET; every register starts as MAYBE.
 * Jumps only go forward and stay inside the entry's code, so a program
 * runs at most ninsns instructions per event.
 */
#ifndef FALCOC_FCF_FORMAT_H
#define FALCOC_FCF_FORMAT_H

#include "fcf.h"

#define FCF_HDR_SIZE 64
#define FCF_INSN_SIZE 16
#define FCF_SET_SIZE 12
#define FCF_MEMBER_SIZE 8
#define FCF_NSC 44 /* rows of bpf-templates/fc_syscalls.def (checked by fcf_verify.c) */
#define FCF_SC_WORDS ((FCF_NSC + 63) / 64)
#define FCF_ENTRY_SIZE (16 + 8 * FCF_SC_WORDS)

#define FCF_NREGS 16
#define FCF_NOARG 0xffffffffu
#define FCF_MAX_ARG 64   /* longest field argument */
#define FCF_MAX_PAT 256  /* longest contains needle / glob pattern */
#define FCF_GLOB_STEPS 65536 /* glob budget; beyond it the check is MAYBE */
/* Byte compares of the string checks of one fcf_run(): a program may be
 * made of thousands of contains checks on 4 KB values; past this budget
 * every further string check is MAYBE (the event passes), so the time
 * per event is bounded whatever the program (~ a few ms worst case). */
#define FCF_STR_BUDGET (1u << 22)

/* Three values. */
#define FCF_FALSE 0
#define FCF_TRUE 1
#define FCF_MAYBE 2

enum fcf_op {
	FCF_OP_CONST = 1, /* R[dst] = imm */
	FCF_OP_CHECK = 2, /* R[dst] = field check */
	FCF_OP_NOT = 3,   /* R[dst] = not R[dst] */
	FCF_OP_AND = 4,   /* R[dst] = R[dst] and R[src] (Kleene) */
	FCF_OP_OR = 5,    /* R[dst] = R[dst] or R[src] */
	FCF_OP_JF = 6,    /* if R[dst] == FALSE skip imm insns */
	FCF_OP_JT = 7,    /* if R[dst] == TRUE skip imm insns */
	FCF_OP_RET = 8,   /* the entry's result is R[dst] */
};

/* CHECK flags (insn.src). */
#define FCF_CF_ICASE 1u /* CONTAINS/GLOB: the value is lower-cased (ASCII);
			 * the operand already is */

/* Matches: the values of enum kx_match (split.h; kcode.c asserts it). */
enum fcf_match {
	FCF_M_NUM_EQ, FCF_M_NUM_NE, FCF_M_NUM_LT, FCF_M_NUM_LE, FCF_M_NUM_GT, FCF_M_NUM_GE,
	FCF_M_NUM_IN,      /* cnt numbers from NUM[imm] */
	FCF_M_STR_EQ,      /* POOL[imm], cnt bytes */
	FCF_M_STR_IN,      /* SET[imm] */
	FCF_M_STR_PREFIX,  /* SET[imm] */
	FCF_M_STR_SUFFIX,  /* SET[imm] */
	FCF_M_CONTAINS,    /* POOL[imm], cnt bytes, <= FCF_MAX_PAT */
	FCF_M_GLOB,        /* POOL[imm], cnt bytes: '*' and '?' only */
	FCF_M_EXISTS,      /* fetch OK: TRUE */
	FCF_M_FLAGS_ANY,   /* NUM[imm..imm+cnt) = {any, sure, zero_maybe, exact...}:
			    * v & any == 0: FALSE; v == 0 && zero_maybe: MAYBE;
			    * v == some exact or v & sure: TRUE; else MAYBE */
	FCF_M__COUNT
};

/* Field table (kfields.def rows), for the verifier's kind checks. */
enum fcf_kind { FCF_KV_NUM, FCF_KV_STR, FCF_KV_FLAGS, FCF_KV_BOOL };
extern const unsigned char fcf_field_kind[];
extern const unsigned fcf_nfields;

/* FNV-1a of the field and syscall tables (the header's tables_hash). */
fcf_u64 fcf_tables_hash(void);

/* ---- the decoded program (fcf_verify.c builds it, fcf_run.c runs it) ---- */

struct fcf_insn {
	fcf_u8 op, dst, src, match;
	fcf_u16 field, cnt;
	fcf_u32 arg, imm;
};

struct fcf_entry {
	fcf_u32 rule, off, len;
};

struct fcf_set {
	fcf_u32 match, first, count;
};

struct fcf_member {
	fcf_u32 off, len;
};

struct fcf_prog {
	fcf_u32 nrules, nentries, ninsns, nnums, nsets, nmembers, pool_len;
	struct fcf_entry *entries;
	struct fcf_insn *insns;
	fcf_s64 *nums;
	struct fcf_set *sets;
	struct fcf_member *members;
	char *pool;
	/* per syscall row s: the entries to run are by_sc[sc_first[s] ..
	 * sc_first[s + 1]), in entry order */
	fcf_u32 sc_first[FCF_NSC + 1];
	fcf_u32 *by_sc;
	void *mem; /* the one allocation holding all the arrays */
};

#endif
