/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kmod_src: reading the falcoc kernel module (see kmod_src.h).
 *
 * The module's rings are one mmap of /dev/falcoc: per CPU a header page
 * (head, tail, counters) and a data area of records (falcoc_kmod_abi.h).
 * A poll snapshots every ring's head, collects pointers to the records
 * up to it (no copy: they stay in the mapping until the tail moves), sorts
 * them by event timestamp as live.c does for the BPF rings (each ring is
 * in order, the rings are not), hands them over, and only then releases
 * the space by storing the new tails.
 *
 * The module does not wake readers (a wakeup from inside the scheduler's
 * tracepoints is not safe), so an empty poll sleeps, as libscap does with
 * Falco's kmod: 1 ms after an event, backing off to 16 ms when idle.
 */
#include "kmod_src.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "falcoc_kmod_abi.h"

struct kmod_ent {
	uint64_t ts;
	uint64_t seq;
	const uint8_t *data;
	uint32_t size;
	unsigned cpu;
};

struct kmod_src {
	int fd;
	uint8_t *map;
	struct fck_geometry geo;
	uint64_t *next_tail; /* per ring: the tail after the current batch */
	live_event_fn fn;
	void *fn_ctx;
	struct kmod_ent *ents;
	size_t nents, ents_cap;
	uint64_t seq;
	int idle_ms; /* current sleep of an empty poll */
	bool capturing;
};

static struct fck_ring_hdr *ring_hdr(struct kmod_src *ks, unsigned i)
{
	return (struct fck_ring_hdr *)(ks->map + ks->geo.stride * i);
}

/* The .falcoc.kfilter section of probe into *blob (fc_malloc'd); 0, 1 if
 * the probe has no such section, 2 on error (message printed). */
static int read_kfilter(const char *probe, uint8_t **blob, size_t *len)
{
	int rc = 1, fd = open(probe, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "falcoc-run: %s: %s\n", probe, strerror(errno));
		return 2;
	}
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstrndx;
	if (!e || elf_getshdrstrndx(e, &shstrndx)) {
		fprintf(stderr, "falcoc-run: %s: not an ELF object: %s\n", probe, elf_errmsg(-1));
		rc = 2;
		goto out;
	}
	for (Elf_Scn *s = elf_nextscn(e, NULL); s; s = elf_nextscn(e, s)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(s, &sh))
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, FC_KFILTER_SECTION))
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		if (!d || !d->d_buf || !d->d_size) {
			fprintf(stderr, "falcoc-run: %s: section %s is empty\n", probe, FC_KFILTER_SECTION);
			rc = 2;
			goto out;
		}
		*blob = fc_malloc(d->d_size);
		memcpy(*blob, d->d_buf, d->d_size);
		*len = d->d_size;
		rc = 0;
		break;
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

static int load_filter(struct kmod_src *ks, const char *probe, bool need_filter, bool verbose)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	int rc = read_kfilter(probe, &blob, &len);
	if (rc == 2)
		return 2;
	if (rc == 1) {
		if (need_filter) {
			fprintf(stderr,
				"falcoc-run: %s: no %s section: this probe has no kernel-module filter "
				"program (rebuild it with a falcoc that emits one)\n",
				probe, FC_KFILTER_SECTION);
			return 2;
		}
		if (verbose)
			fprintf(stderr, "falcoc-run: probe without a kernel filter: every event of "
					"the rules' syscalls is sent\n");
		return 0;
	}
	char why[256] = "";
	struct fck_filter req = {
		.blob = (uintptr_t)blob,
		.len = (uint32_t)len,
		.errlen = sizeof(why),
		.err = (uintptr_t)why,
	};
	if (len > UINT32_MAX || ioctl(ks->fd, FCK_IOC_LOAD_FILTER, &req) < 0) {
		int e = len > UINT32_MAX ? E2BIG : errno;
		why[sizeof(why) - 1] = 0;
		fprintf(stderr, "falcoc-run: %s: the module refused the filter program: %s%s%s\n", probe,
			why[0] ? why : strerror(e), why[0] ? " " : "",
			why[0] ? (e == ENOEXEC ? "(built for another field table or version)" : "") : "");
		fc_free(blob);
		return 2;
	}
	if (verbose)
		fprintf(stderr, "falcoc-run: kernel filter loaded: %zu bytes, %u rules\n", len, req.nrules);
	fc_free(blob);
	return 0;
}

int kmod_src_open(const char *probe, bool need_filter, const uint64_t sc_bits[2],
		  const uint64_t rules_on[FC_MAX_RULES / 64], bool verbose, struct kmod_src **out)
{
	*out = NULL;
	int fd = open(FCK_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENXIO || e == ENODEV)
			fprintf(stderr, "falcoc-run: %s: module not loaded: insmod falcoc.ko\n", FCK_DEV_PATH);
		else if (e == EBUSY)
			fprintf(stderr, "falcoc-run: %s: busy: another falcoc-run reads the module\n",
				FCK_DEV_PATH);
		else if (e == EACCES || e == EPERM)
			fprintf(stderr, "falcoc-run: %s: %s: run as root\n", FCK_DEV_PATH, strerror(e));
		else
			fprintf(stderr, "falcoc-run: %s: %s\n", FCK_DEV_PATH, strerror(e));
		return 2;
	}
	struct kmod_src *ks = fc_malloc(sizeof(*ks));
	memset(ks, 0, sizeof(*ks));
	ks->fd = fd;
	ks->map = MAP_FAILED;
	ks->idle_ms = 1;
	if (ioctl(fd, FCK_IOC_GEOMETRY, &ks->geo) < 0) {
		fprintf(stderr, "falcoc-run: %s: geometry: %s\n", FCK_DEV_PATH, strerror(errno));
		goto fail;
	}
	if (ks->geo.abi != FCK_ABI_VERSION || ks->geo.hdr_bytes != FCK_HDR_BYTES || !ks->geo.nrings ||
	    !ks->geo.data_bytes || (ks->geo.data_bytes & (ks->geo.data_bytes - 1)) ||
	    ks->geo.stride != (uint64_t)ks->geo.hdr_bytes + ks->geo.data_bytes ||
	    ks->geo.total != ks->geo.stride * ks->geo.nrings) {
		fprintf(stderr,
			"falcoc-run: %s: module ABI %u, this falcoc-run speaks %u (or bad geometry): "
			"load the falcoc.ko built with it\n",
			FCK_DEV_PATH, ks->geo.abi, FCK_ABI_VERSION);
		goto fail;
	}
	if (load_filter(ks, probe, need_filter, verbose))
		goto fail;
	struct fck_syscalls scs = { { sc_bits[0], sc_bits[1] } };
	if (ioctl(fd, FCK_IOC_SET_SYSCALLS, &scs) < 0) {
		fprintf(stderr, "falcoc-run: %s: selecting syscalls: %s\n", FCK_DEV_PATH, strerror(errno));
		goto fail;
	}
	_Static_assert(FCK_MAX_RULES == FC_MAX_RULES, "rule bitmap sizes");
	struct fck_rules rules;
	memcpy(rules.bits, rules_on, sizeof(rules.bits));
	if (ioctl(fd, FCK_IOC_SET_RULES, &rules) < 0) {
		fprintf(stderr, "falcoc-run: %s: selecting rules: %s\n", FCK_DEV_PATH, strerror(errno));
		goto fail;
	}
	ks->map = mmap(NULL, ks->geo.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ks->map == MAP_FAILED) {
		fprintf(stderr, "falcoc-run: %s: mmap of %llu bytes: %s\n", FCK_DEV_PATH,
			(unsigned long long)ks->geo.total, strerror(errno));
		goto fail;
	}
	ks->next_tail = fc_malloc(sizeof(uint64_t) * ks->geo.nrings);
	for (unsigned i = 0; i < ks->geo.nrings; i++)
		ks->next_tail[i] = __atomic_load_n(&ring_hdr(ks, i)->tail, __ATOMIC_ACQUIRE);
	if (verbose)
		fprintf(stderr, "falcoc-run: %s: %u rings of %u KiB\n", FCK_DEV_PATH, ks->geo.nrings,
			ks->geo.data_bytes / 1024);
	*out = ks;
	return 0;
fail:
	kmod_src_close(ks);
	return 2;
}

int kmod_src_start(struct kmod_src *ks, live_event_fn fn, void *ctx)
{
	ks->fn = fn;
	ks->fn_ctx = ctx;
	if (ioctl(ks->fd, FCK_IOC_ENABLE) < 0) {
		fprintf(stderr, "falcoc-run: %s: enabling capture: %s\n", FCK_DEV_PATH, strerror(errno));
		return 2;
	}
	ks->capturing = true;
	return 0;
}

void kmod_src_stop(struct kmod_src *ks)
{
	if (ks && ks->capturing) {
		ioctl(ks->fd, FCK_IOC_DISABLE);
		ks->capturing = false;
	}
}

static void push_ent(struct kmod_src *ks, const uint8_t *data, uint32_t size, unsigned cpu)
{
	if (ks->nents == ks->ents_cap) {
		ks->ents_cap = ks->ents_cap ? ks->ents_cap * 2 : 4096;
		ks->ents = fc_realloc(ks->ents, ks->ents_cap * sizeof(*ks->ents));
	}
	struct kmod_ent *e = &ks->ents[ks->nents++];
	e->ts = 0;
	if (size >= 8)
		memcpy(&e->ts, data, 8); /* the event header starts with the timestamp */
	e->seq = ks->seq++;
	e->data = data;
	e->size = size;
	e->cpu = cpu;
}

/* Collect ring i's records up to its current head. A record that does
 * not fit the area (a module bug) ends the ring's batch and is skipped
 * with everything after it up to head, counted by the caller. */
static void collect(struct kmod_src *ks, unsigned i)
{
	struct fck_ring_hdr *h = ring_hdr(ks, i);
	const uint8_t *d = (const uint8_t *)h + ks->geo.hdr_bytes;
	uint32_t size = ks->geo.data_bytes;
	uint64_t head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
	uint64_t pos = ks->next_tail[i];

	while (pos < head) {
		uint32_t off = (uint32_t)(pos & (size - 1));
		struct fck_rec r;
		memcpy(&r, d + off, sizeof(r));
		if (r.len < sizeof(r) || (r.len & 7) || r.len > size - off || pos + r.len > head) {
			pos = head; /* corrupt: resynchronise at head */
			break;
		}
		if (!(r.flags & FCK_REC_PAD)) {
			/* the event's own length (header offset 16): the record
			 * is padded to 8 bytes */
			uint32_t avail = r.len - (uint32_t)sizeof(r), elen = avail;
			if (avail >= 20)
				memcpy(&elen, d + off + sizeof(r) + 16, 4);
			push_ent(ks, d + off + sizeof(r), elen <= avail ? elen : avail, i);
		}
		pos += r.len;
	}
	ks->next_tail[i] = pos;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct kmod_ent *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One batch over every ring; returns the events handed over. */
static int batch(struct kmod_src *ks)
{
	ks->nents = 0;
	for (unsigned i = 0; i < ks->geo.nrings; i++)
		collect(ks, i);
	if (ks->nents > 1)
		qsort(ks->ents, ks->nents, sizeof(*ks->ents), cmp_ent);
	/* the records are handed over in place: the space is released below */
	for (size_t k = 0; k < ks->nents; k++)
		ks->fn(ks->fn_ctx, ks->ents[k].data, ks->ents[k].size, ks->ents[k].cpu);
	for (unsigned i = 0; i < ks->geo.nrings; i++)
		__atomic_store_n(&ring_hdr(ks, i)->tail, ks->next_tail[i], __ATOMIC_RELEASE);
	return (int)ks->nents;
}

int kmod_src_poll(struct kmod_src *ks, int timeout_ms)
{
	for (int waited = 0;;) {
		int n = batch(ks);
		if (n > 0) {
			ks->idle_ms = 1;
			return n;
		}
		if (waited >= timeout_ms)
			return 0;
		/* idle: back off from 1 to 16 ms, so a quiet system does not
		 * pay a thousand wakeups a second; the first event resets it */
		struct timespec ts = { 0, (long)ks->idle_ms * 1000000 };
		if (nanosleep(&ts, NULL) < 0 && errno == EINTR)
			return -EINTR;
		waited += ks->idle_ms;
		if (ks->idle_ms < 16)
			ks->idle_ms *= 2;
	}
}

int kmod_src_drain(struct kmod_src *ks)
{
	int total = 0, n;
	while ((n = batch(ks)) > 0)
		total += n;
	return total;
}

int kmod_src_read_stats(struct kmod_src *ks, uint64_t out[FC_STAT__COUNT])
{
	memset(out, 0, sizeof(uint64_t) * FC_STAT__COUNT);
	uint64_t *rows = fc_malloc(sizeof(uint64_t) * FCK_STATS_MAX * ks->geo.nrings);
	struct fck_stats req = { .buf = (uintptr_t)rows, .ncpus = ks->geo.nrings };
	int rc = 0;
	if (ioctl(ks->fd, FCK_IOC_STATS, &req) < 0) {
		rc = -1;
	} else {
		for (unsigned c = 0; c < req.ncpus; c++)
			for (unsigned s = 0; s < FC_STAT__COUNT && s < req.nstats; s++)
				out[s] += rows[(size_t)c * FCK_STATS_MAX + s];
	}
	fc_free(rows);
	return rc;
}

void kmod_src_close(struct kmod_src *ks)
{
	if (!ks)
		return;
	kmod_src_stop(ks);
	if (ks->map != MAP_FAILED)
		munmap(ks->map, ks->geo.total);
	if (ks->fd >= 0)
		close(ks->fd); /* the module stops capture on release anyway */
	fc_free(ks->next_tail);
	fc_free(ks->ents);
	fc_free(ks);
}
