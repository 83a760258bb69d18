/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * falcoc_event.h: building one event in the falcoc event ABI inside the
 * module (the counterpart of bpf-templates/fc_probe.bpf.h's fc_evt__*
 * and fc_programs.bpf.h's fc_fill_*), and the fetch callback the filter
 * program reads it through.
 *
 * One struct fck_evt per CPU holds the event under construction: the
 * wire bytes (header, u16 lengths, params) plus, for every param, its
 * number or a view of its string bytes *inside the wire bytes*, so the
 * filter reads exactly what is sent (one source of truth).
 */
#ifndef FALCOC_EVENT_H
#define FALCOC_EVENT_H

#include <linux/types.h>
#include <linux/ptrace.h>
#include "falcoc_abi.h"

#define FCK_HDR_LEN 26	/* struct rt_evt_hdr, packed */
#define FCK_MAXP 64	/* params per event, extensions included */
#define FCK_SLOT 4096	/* longest string param read from user memory */

/* fc_syscalls.def row ids */
#define FC_SCF_ALWAYS 1
enum fck_sc_id {
#define FC_SC(name, nr, ppme, np, flags) FCK_SC_##name,
#include "fc_syscalls.def"
	FCK_SC__COUNT
};

/* A string value: bytes [p, p + len) without the NUL; len < 0 unknown. */
struct fck_sv {
	const char *p;
	s32 len;
};

struct fck_evt {
	/* values the filter reads */
	struct fc_task task;
	s64 res;
	u64 tid;
	u32 sc;
	u64 pknown;		/* bit i: pval[i] holds param i's number */
	u64 pval[FCK_MAXP];
	struct fck_sv psv[FCK_MAXP]; /* string params */
	struct fck_sv comm, aname[FC_MAX_ANCESTORS];
	struct fck_sv fdname, fddir, fdfile;
	s32 typechar;		/* fd.typechar, -1 unknown */
	u32 net_ok;		/* dip/dport known (connect, IPv4) */
	u32 dip, dport;		/* host order */
	s32 oflags;		/* PPM open flags, -1 if not an open */
	s32 omode;
	u16 ppme;
	bool task_ready;	/* task, tid, comm, aname filled (task_get) */
	/* the event under construction */
	u32 pos, pi, np;
	char tmp[FCK_SLOT];	/* user string staging */
	u8 buf[FC_EVENT_MAX + FCK_SLOT];
};

/* Fill ev for syscall row sc at its exit; false if not one of ours. */
bool fck_fill(struct fck_evt *ev, unsigned sc, struct pt_regs *regs, long ret);
/* Fill ev for the exit of the current task (sched_process_exit). */
void fck_fill_procexit(struct fck_evt *ev, struct task_struct *p);
/* Whether the event must flow whatever the filter says (process and fd
 * state userspace needs: see fc_evt__keeps_state in the BPF probe). */
bool fck_always(const struct fck_evt *ev);
/* Append the extension params (rules bitmap: nbytes of mask, none when
 * mask is NULL; task) and the header. Returns the event's length, or 0
 * if it does not fit. */
u32 fck_finish(struct fck_evt *ev, const u64 *mask, u32 nbytes);

/* The fcf_fetch_fn of the module (void *ctx is the struct fck_evt). */
struct fcf_value;
int fck_fetch(void *ctx, unsigned field, const char *arg, struct fcf_value *out);

/* Counter bump on this CPU (falcoc_main.c). */
void fck_stat_inc(unsigned which);

/* x86_64 syscall number -> row, -1 if none. */
int fck_sc_of_nr(long nr);

#endif
