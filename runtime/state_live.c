// SPDX-License-Identifier: Apache-2.0
/*
 * state_live: what live mode adds to the state tables (layout in
 * state_int.h): applying the task values the probe computed for an
 * event (struct fc_task of bpf-templates/falcoc_abi.h).
 *
 * The kernel's values are the ones its filter used, so userspace must
 * evaluate with exactly them (ENGINEERING.md §2.2): comm, tgid, parent
 * tgid, uid/gid/loginuid of the thread, and the comm of up to
 * FC_MAX_ANCESTORS ancestors, which also fixes the ptid chain that
 * proc.pname and proc.aname[n] walk.
 */
#include <string.h>

#include "falcoc_abi.h"
#include "state_int.h"

static void set_comm(char **dst, const char comm[FC_COMM_LEN])
{
	char c[FC_COMM_LEN + 1];
	memcpy(c, comm, FC_COMM_LEN);
	c[FC_COMM_LEN] = '\0';
	if (strcmp(*dst, c))
		rt_setstr(dst, c);
}

bool rt_state_has_thread(struct rt_state *st, int64_t tid)
{
	struct rt_thread *th = rt_state_thread(st, tid);
	return th && !th->invalid;
}

void rt_state_update_task(struct rt_state *st, int64_t tid, const struct fc_task *t, bool create)
{
	struct rt_thread *th = rt_state_thread(st, tid);
	if (!th) {
		if (!create)
			return;
		/* unknown until a parser fills it, as rt_state_pre() does */
		th = rt_thread_add(st, tid);
		th->invalid = true;
	} else if (!create && th->invalid) {
		return; /* leave it to the parsers, which rebuild unknown threads */
	}
	if (create)
		th->invalid = false;
	th->pid = (int64_t)t->pid;
	th->ptid = (int64_t)t->ppid;
	th->uid = t->uid;
	th->gid = t->gid;
	th->loginuid = t->loginuid;
	set_comm(&th->comm, t->comm);

	/* The ancestor walk starts from the process (its leader). */
	struct rt_thread *cur = th;
	if (th->pid != th->tid) {
		struct rt_thread *l = rt_state_thread(st, th->pid);
		if (l) {
			l->ptid = (int64_t)t->ppid;
			cur = l;
		}
	}
	for (int i = 0; i < FC_MAX_ANCESTORS; i++) {
		int64_t apid = (int64_t)t->apid[i];
		if (apid <= 0 || apid == cur->tid)
			break;
		cur->ptid = apid;
		struct rt_thread *a = rt_state_thread(st, apid);
		if (!a) {
			if (!create)
				break;
			a = rt_thread_add(st, apid);
			a->pid = apid;
		}
		a->invalid = false;
		set_comm(&a->comm, t->acomm[i]);
		cur = a;
	}
}
