// SPDX-License-Identifier: Apache-2.0
/*
 * scap_repeat IN OUT N: write a capture holding IN's state blocks once
 * and its events N times, each copy shifted in time past the previous
 * one, so benchmarks can replay a large realistic file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "scap.h"

struct held {
	uint8_t *raw;
	uint32_t len;
	uint16_t cpu;
	uint32_t flags;
};

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: scap_repeat IN.scap OUT.scap N\n");
		return 2;
	}
	long n = strtol(argv[3], NULL, 10);
	char *err = NULL;
	struct scap_reader *r = scap_open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "scap_repeat: %s: %s\n", argv[1], err ? err : "cannot open");
		return 2;
	}
	struct scap_writer *w = scap_writer_open(argv[2], false, &err);
	if (!w) {
		fprintf(stderr, "scap_repeat: %s: %s\n", argv[2], err ? err : "cannot create");
		return 2;
	}
	struct held *evs = NULL;
	size_t nev = 0, cap = 0;
	uint64_t first = 0, last = 0;
	struct scap_record rec;
	int k, rc = 0;

	/* state blocks pass through; events are kept for the copies */
	while ((k = scap_next(r, &rec)) > 0) {
		if (rec.kind != SCAP_REC_EVENT) {
			if (scap_write_record(w, &rec) < 0)
				goto werr;
			continue;
		}
		if (nev == cap) {
			cap = cap ? cap * 2 : 1024;
			evs = fc_realloc(evs, cap * sizeof(*evs));
		}
		struct held *h = &evs[nev++];
		h->len = rec.ev.raw_len;
		h->raw = fc_malloc(h->len);
		memcpy(h->raw, rec.ev.raw, h->len);
		h->cpu = rec.ev.cpu;
		h->flags = rec.ev.flags;
		if (!first)
			first = rec.ev.ts;
		last = rec.ev.ts;
	}
	if (k < 0) {
		fprintf(stderr, "scap_repeat: %s: %s\n", argv[1], scap_error(r));
		return 2;
	}
	uint64_t span = last - first + 1000;
	for (long i = 0; i < n; i++) {
		for (size_t j = 0; j < nev; j++) {
			struct rt_event ev;
			const char *why;
			uint64_t ts;
			memcpy(&ts, evs[j].raw, 8);
			ts += (uint64_t)i * span;
			memcpy(evs[j].raw, &ts, 8);
			if (rt_event_decode(evs[j].raw, evs[j].len, &ev, &why) < 0)
				continue;
			ev.cpu = evs[j].cpu;
			ev.flags = evs[j].flags;
			if (scap_write_event(w, &ev) < 0)
				goto werr;
			ts -= (uint64_t)i * span;
			memcpy(evs[j].raw, &ts, 8);
		}
	}
	if (scap_writer_close(w, &err) < 0) {
		fprintf(stderr, "scap_repeat: %s: %s\n", argv[2], err ? err : "close failed");
		rc = 2;
	}
	goto out;
werr:
	fprintf(stderr, "scap_repeat: %s: %s\n", argv[2], scap_writer_error(w));
	rc = 2;
out:
	for (size_t j = 0; j < nev; j++)
		fc_free(evs[j].raw);
	fc_free(evs);
	scap_close(r);
	return rc;
}
