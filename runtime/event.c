// SPDX-License-Identifier: Apache-2.0
#include "event.h"

#include <stdint.h>
#include <string.h>

#define PARAMS_NONE
#define PARAM(n, t) { n, RT_##t },

/* One static parameter array per event code, then the table. */
#define EVENT(code, ppme, dir, name, cat, flags, np, params)                                      \
	static const struct rt_param_info params_##code[] = { params{ NULL, RT_PT_NONE } };
#include "event_table.def"
#define PARAMS_NONE
#define PARAM(n, t) { n, RT_##t },

const struct rt_evt_info rt_evt_table_[] = {
#define EVENT(code, ppme, dir, nm, cat, fl, np, params)                                           \
	[code] = { code, #ppme, nm, #dir[0] == 'X', cat, fl, np, params_##code },
#include "event_table.def"
};

#define EVT_COUNT (sizeof(rt_evt_table_) / sizeof(rt_evt_table_[0]))
const uint16_t rt_evt_table_n_ = EVT_COUNT;

uint16_t rt_evt_count(void)
{
	return (uint16_t)EVT_COUNT;
}

const char *rt_param_type_name(enum rt_param_type t)
{
	static const char *const names[] = {
#define X(t) #t,
		RT_PARAM_TYPES(X)
#undef X
	};
	return t < RT_PT__COUNT ? names[t] : "PT_?";
}

const char *rt_param_str(const struct rt_event *ev, unsigned i, uint32_t *len)
{
	if (i >= ev->nparams || !ev->p[i] || !ev->plen[i])
		return NULL;
	const char *s = (const char *)ev->p[i];
	const char *nul = memchr(s, '\0', ev->plen[i]);
	if (!nul)
		return NULL; /* not terminated: malformed */
	if (len)
		*len = (uint32_t)(nul - s);
	return s;
}

/* rt_param_index()'s memory: an open-addressed table keyed by (event
 * table entry, name pointer), never evicted, probed a few slots deep. */
#define PIDX_SLOTS 2048 /* a power of two; (event code, name) pairs in use are far fewer */
#define PIDX_PROBES 8
#define PIDX_KEY 24

struct pidx_slot {
	const struct rt_evt_info *info; /* NULL: empty */
	const char *name;
	int idx;
	char key[PIDX_KEY];
};

static int param_index_scan(const struct rt_evt_info *info, const char *name)
{
	for (unsigned i = 0; i < info->nparams; i++)
		if (!strcmp(info->params[i].name, name))
			return (int)i;
	return -1;
}

int rt_param_index(const struct rt_event *ev, const char *name)
{
	/* Parsers and extractors look parameters up by name for every
	 * event, with the same few names: remember the answer per (event
	 * code, name). A slot keeps a copy of the name, so a hit costs one
	 * short comparison and a buffer reused for another name can never
	 * return a stale answer (its slot is rewritten). */
	static _Thread_local struct pidx_slot tab[PIDX_SLOTS];
	const struct rt_evt_info *info = ev->info;

	if (!info)
		return -1;
	uint64_t h = ((uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ULL) ^
		     ((uint64_t)(uintptr_t)info * 0xc2b2ae3d27d4eb4fULL);
	unsigned base = (unsigned)(h >> 40);
	for (unsigned k = 0; k < PIDX_PROBES; k++) {
		struct pidx_slot *sl = &tab[(base + k) & (PIDX_SLOTS - 1)];
		if (sl->info == info && sl->name == name) {
			if (!strcmp(sl->key, name))
				return sl->idx;
			/* same pointer, new text: answer and refresh the slot */
			int idx = param_index_scan(info, name);
			size_t n = strlen(name);
			if (n < PIDX_KEY) {
				memcpy(sl->key, name, n + 1);
				sl->idx = idx;
			} else {
				sl->info = NULL;
			}
			return idx;
		}
		if (!sl->info) {
			int idx = param_index_scan(info, name);
			size_t n = strlen(name);
			if (n < PIDX_KEY) {
				sl->info = info;
				sl->name = name;
				memcpy(sl->key, name, n + 1);
				sl->idx = idx;
			}
			return idx;
		}
	}
	return param_index_scan(info, name); /* the neighbourhood is full */
}

/* ---- syscall names ---- */

static const char *const syscall_names[] = {
#define X(sc, name, cat) name,
#include "syscalls.def"
#undef X
};

unsigned rt_syscall_count(void)
{
	return sizeof(syscall_names) / sizeof(syscall_names[0]);
}

const char *rt_syscall_name(uint16_t ppm_sc)
{
	if (ppm_sc >= sizeof(syscall_names) / sizeof(syscall_names[0]))
		return NULL;
	return syscall_names[ppm_sc];
}

/* evt.type: the generic events (codes 0 and 1) stand for any syscall the
 * driver has no event for, and sysdig names them after the syscall their
 * first parameter (PT_SYSCALLID, a PPM_SC code) identifies. */
int64_t rt_evt_generic_id(const struct rt_event *ev)
{
	uint64_t id;
	if (ev->type <= 1 && ev->nparams > 0 && ev->info && ev->info->nparams > 0 &&
	    ev->info->params[0].type == RT_PT_SYSCALLID && rt_param_u64(ev, 0, &id))
		return id > INT32_MAX ? INT32_MAX : (int64_t)id;
	return -1;
}

const char *rt_evt_type_name(const struct rt_event *ev)
{
	int64_t id = rt_evt_generic_id(ev);
	if (id >= 0) {
		const char *n = id <= UINT16_MAX ? rt_syscall_name((uint16_t)id) : NULL;
		return n ? n : RT_UNKNOWN_SYSCALL;
	}
	return ev->info->name;
}

