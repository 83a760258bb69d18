/* SPDX-License-Identifier: Apache-2.0 */
/*
 * live: load a falcoc probe (any probe.o, through libbpf's generic
 * bpf_object API, no skeleton), attach it, and consume its ring buffers.
 *
 *   live_check_env()       privileges and BTF, before anything is loaded
 *   live_open()            open the ELF, check and read FC_META_SECTION
 *   live_set_rule_enabled()  rodata settings, before live_load()
 *   live_load()            verifier; on rejection the tail of its log
 *   live_put_sets()        the set maps (fc_sets_in/prefix/suffix), after load
 *   live_attach()          tail-call table, then every entry program
 *   live_poll()/live_drain()  events, handed over in timestamp order
 *   live_read_stats()      the probe's fc_stats counters, summed
 *   live_close()           links destroyed, object closed
 *
 * Functions print their own diagnostics ("falcoc-run: ...") on stderr
 * and return 0 or a process exit code (2).
 */
#ifndef FALCOC_LIVE_H
#define FALCOC_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "falcoc_abi.h"

struct live;

/* One rules file carried in the probe's metadata. */
struct live_meta_file {
	const char *name;
	const char *text;
	size_t len;
};

/* Use the BTF at path instead of the kernel's (/sys/kernel/btf/vmlinux):
 * live_check_env() checks it and live_open() hands it to libbpf for CO-RE
 * relocations (btf_custom_path). Also $FALCOC_RUN_BTF; NULL: the default.
 * Tests point it elsewhere to simulate a kernel without BTF. */
void live_set_btf_path(const char *path);

/* Exit 2 with a message when this process may not load BPF (root or
 * CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON) or the kernel has no BTF. */
int live_check_env(void);

/* Open path and check it is a falcoc probe of our ABI version. verbose
 * passes libbpf's debug output through. NULL (message printed) on error. */
struct live *live_open(const char *path, bool verbose);
const struct fc_meta_hdr *live_meta(const struct live *lv);
size_t live_meta_nfiles(const struct live *lv);
const struct live_meta_file *live_meta_file(const struct live *lv, size_t i);

struct ruleset;
/* Add the rules files the probe carries to rs, in order (rs_add_text).
 * 0, or -1 at the first that does not read (its diagnostics in rs's
 * diag context), its index in *bad. */
int live_add_rules(const struct live *lv, struct ruleset *rs, size_t *bad);

/* Enable or disable rule index i (its bit in the events' rules bitmap)
 * in the probe's .rodata; before live_load(). Returns 0, or -1 when the
 * probe has no such setting (then every rule stays enabled in the
 * kernel and userspace skips disabled ones). */
int live_set_rule_enabled(struct live *lv, unsigned i, bool on);

int live_load(struct live *lv);

/* Put the set entries ents (struct cg_set_entry *, from
 * compiler/codegen.h: cg_set_entries) into their maps; after load, before
 * attach. */
struct vec;
int live_put_sets(struct live *lv, const struct vec *ents);

int live_attach(struct live *lv);

/* Called once per event, in timestamp order within each batch. cpu is
 * the first CPU of the ring the event came from. */
typedef void (*live_event_fn)(void *ctx, const uint8_t *data, size_t size, unsigned cpu);

int live_rings_open(struct live *lv, live_event_fn fn, void *ctx);
/* Wait up to timeout_ms, then consume every ring. Returns the number of
 * events handled, or -errno (-EINTR when a signal arrived). */
int live_poll(struct live *lv, int timeout_ms);
/* Consume until the rings are empty; returns the events handled. */
int live_drain(struct live *lv);

/* Destroy the links: no new events; the rings can still be drained. */
void live_detach(struct live *lv);

/* The probe's counters (enum fc_stat), summed over CPUs. */
int live_read_stats(struct live *lv, uint64_t out[FC_STAT__COUNT]);

/* Number of programs and links attached (for tests and -v). */
size_t live_nlinks(const struct live *lv);

void live_close(struct live *lv);

#endif
