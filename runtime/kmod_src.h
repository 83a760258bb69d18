/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kmod_src: falcoc-run's event source for `--driver kmod`: the falcoc
 * kernel module's /dev/falcoc (kmod/falcoc_kmod_abi.h). It hands events
 * to the same callback as the BPF rings (live_event_fn), so the decode,
 * state and evaluation pipeline is the one the BPF driver uses.
 *
 *   kmod_src_open()    open the device, load the probe's .falcoc.kfilter
 *                      program, restrict the syscalls, mmap the rings
 *   kmod_src_start()   enable capture
 *   kmod_src_poll() / kmod_src_drain()   events, in timestamp order per batch
 *   kmod_src_stop()    disable capture: no new events, rings still readable
 *   kmod_src_read_stats()  the module's counters, summed over CPUs
 *   kmod_src_close()
 *
 * Functions print their own diagnostics ("falcoc-run: ...") on stderr and
 * return 0 or exit code 2.
 */
#ifndef FALCOC_KMOD_SRC_H
#define FALCOC_KMOD_SRC_H

#include <stdbool.h>
#include <stdint.h>

#include "falcoc_abi.h"
#include "live.h"


struct kmod_src;

/* Open /dev/falcoc for probe. need_filter: the probe was compiled with a
 * kernel filter (FC_META_KERNEL_FILTER), so it must carry a
 * .falcoc.kfilter program; without one every event of the selected
 * syscalls passes. sc_bits: bit i = fc_syscalls.def row i is wanted;
 * rules_on: bit i = rule i is enabled (FC_MAX_RULES bits). */
int kmod_src_open(const char *probe, bool need_filter, const uint64_t sc_bits[2],
		  const uint64_t rules_on[FC_MAX_RULES / 64], bool verbose, struct kmod_src **out);
int kmod_src_start(struct kmod_src *ks, live_event_fn fn, void *ctx);
/* Wait up to timeout_ms for events, hand them over. Returns the number
 * handled, or -EINTR when a signal arrived while waiting. */
int kmod_src_poll(struct kmod_src *ks, int timeout_ms);
int kmod_src_drain(struct kmod_src *ks);
void kmod_src_stop(struct kmod_src *ks);
int kmod_src_read_stats(struct kmod_src *ks, uint64_t out[FC_STAT__COUNT]);
void kmod_src_close(struct kmod_src *ks);

#endif
