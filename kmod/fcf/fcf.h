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
 * blob's header carries fcf_tables_hash() (fcf_format.h: a hash of
 * kfields.def and fc_syscalls.def), so a module never runs a program
 * built against another field or syscall table.
 *
 * Files: fcf_port.h (kernel/userspace types and allocation),
 * fcf_format.h (the blob byte by byte, the decoded program),
 * fcf_verify.c (fcf_load, fcf_free, fcf_nrules), fcf_run.c (fcf_run).
 * fcf_verify.c includes ../../compiler/kfields.def and
 * ../../bpf-templates/fc_syscalls.def: build from the source tree.
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

/* Field ids for the module's fetch: FCF_KF_PROC_NAME == KF_PROC_NAME of
 * split.h (the kfields.def row), without the compiler's headers. */
enum fcf_field {
#define KFIELD(id, name, kind, where) FCF_##id,
#include "../../compiler/kfields.def"
	FCF_KF__COUNT
};

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

/*
 * THE FETCH CONTRACT: exactly the (field, arg) pairs compiler/kcode.c
 * emits, and the value the module must return for each. Each value must
 * equal what the BPF probe computes (bpf-templates/fc_probe.bpf.h,
 * fc_programs.bpf.h) and sends in the event, since userspace re-checks
 * with the values in the event (ENGINEERING.md 2.2). "MAYBE" below means
 * return FCF_FETCH_MAYBE; it is always allowed (sound, only slower).
 * FCF_FETCH_NONE makes the check FALSE (Falco: a comparison on a field
 * without value is false): return it only where userspace too sees no
 * value, when in doubt return MAYBE.
 *
 *  field (KF_x of split.h = FCF_KF_x)   arg   value
 *  KF_PROC_NAME          NULL            STR  task comm (struct fc_task comm)
 *  KF_PROC_ANAME         "1".."4"        STR  comm of the n-th ancestor,
 *                                             1 = real_parent (fc_task acomm[n-1]);
 *                                             MAYBE when there is none / unread
 *  KF_PROC_PID           NULL            NUM  tgid        (fc_task pid)
 *  KF_PROC_PPID          NULL            NUM  real_parent tgid (fc_task ppid)
 *  KF_THREAD_TID         NULL            NUM  pid (thread id)
 *  KF_USER_UID           NULL            NUM  euid        (fc_task uid, unsigned)
 *  KF_USER_LOGINUID      NULL            NUM  loginuid as a signed 32-bit value
 *                                             sign-extended: unset is -1
 *  KF_GROUP_GID          NULL            NUM  egid        (fc_task gid, unsigned)
 *  KF_EVT_RAWRES         NULL            NUM  the syscall's return value (s64);
 *                                             never asked on procexit
 *  KF_EVT_FAILED         NULL            NUM  1 if the return value < 0, else 0;
 *                                             never asked on procexit
 *  KF_EVT_RAWARG         param name      NUM  a numeric parameter of the syscall's
 *                                             exit event, by its name in
 *                                             runtime/event_table.def ("flags",
 *                                             "mode", "fd", "uid"...): the value
 *                                             pushed in the event (fc_param__val:
 *                                             signed types sign-extended,
 *                                             unsigned zero-extended; open flags
 *                                             are PPM flags incl. O_F_CREATED);
 *                                             MAYBE when not pushed. Both
 *                                             evt.arg.X and evt.rawarg.X on a
 *                                             numeric parameter become this.
 *  KF_EVT_ARG            param name      STR  a string parameter (PT_FSPATH,
 *                                             PT_FSRELPATH, PT_CHARBUF) as sent
 *                                             in the event; MAYBE when the read
 *                                             failed or was truncated
 *  KF_EVT_IS_OPEN_READ   NULL            NUM  0/1 as fc_open__is(): PPM flags & 1
 *  KF_EVT_IS_OPEN_WRITE  NULL            NUM  0/1: PPM flags & 2
 *  KF_EVT_IS_OPEN_EXEC   NULL            NUM  0/1: (flags & (PPM O_TMPFILE 1<<13 |
 *                                             O_CREAT bit 2)) && (mode & 0111);
 *                                             on creat: (mode & 0111) != 0.
 *                                             Asked on open, openat, openat2
 *                                             (EXEC also creat) only; MAYBE when
 *                                             the flags are unknown
 *  KF_FD_NAME            NULL            STR  as fc_fd__derive_path(): the path
 *  KF_FD_DIRECTORY       NULL            STR  argument of a successful open-family
 *  KF_FD_FILENAME        NULL            STR  call when absolute and already
 *                                             normalised; directory "/etc" of
 *                                             "/etc/passwd" ("/" for "/bin"),
 *                                             filename after the last '/';
 *                                             MAYBE otherwise
 *  KF_FD_TYPECHAR        NULL            STR  "f" when the probe sets typechar 'f'
 *                                             (fd.name derived, no O_DIRECTORY),
 *                                             else MAYBE; asked on open, openat,
 *                                             openat2, creat only (fd.type
 *                                             "file" is asked as typechar "f")
 *  KF_FD_DIP             NULL            NUM  connect only: IPv4 destination in
 *                                             host order (c->dip); MAYBE unless
 *                                             the sockaddr was read (net_ok)
 *  KF_FD_DPORT           NULL            NUM  connect only: destination port,
 *                                             host order (c->dport)
 *  KF_CONTAINER_ID       NULL            STR  "host" when the task is in the init
 *                                             pid namespace (FC_TASK_IN_CONTAINER
 *                                             clear), else MAYBE (compared as
 *                                             returned: a real id would work too)
 *
 * Never asked (the compiler folds or lowers them per syscall): evt.type,
 * evt.dir, evt.res (-> rawres), fd.type (-> typechar), proc.pname
 * (-> aname "1"), proc.aname[0] (-> proc.name), fd.sip/fd.sport (-> dip,
 * dport on connect), fd.l4proto (MAYBE). Strings need not be
 * NUL-terminated; len <= FCF_MAX_STR, else return MAYBE.
 */

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
 * Every rule has its entries, enabled in the rules files or not (as in
 * the probe, whose loader decides): AND the mask with the enabled rules.
 *
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
