// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_scap: libFuzzer target for the capture reader (and writer).
 *
 * The input bytes are an uncompressed capture handed to scap_open_mem();
 * every record is read to the end or to the first error, and each record
 * is written back through a writer on /dev/null, so fuzzed strings,
 * lengths and fd types also reach scap_write.c. A reader bug that loops
 * shows up as a libFuzzer timeout; an error must always carry its
 * offset.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "scap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	struct scap_record rec;
	struct scap_reader *r = scap_open_mem(data, size, &err);

	if (!r) {
		if (!err)
			abort(); /* failures must explain themselves */
		fc_free(err);
		return 0;
	}
	struct scap_writer *w = scap_writer_open("/dev/null", false, NULL);
	int k;
	while ((k = scap_next(r, &rec)) > 0) {
		if (k == SCAP_REC_EVENT && (!rec.ev.info || rec.ev.num == 0))
			abort();
		if (w)
			scap_write_record(w, &rec);
	}
	if (k == SCAP_REC_ERROR && strncmp(scap_error(r), "offset ", 7) != 0)
		abort();
	if (w)
		scap_writer_close(w, NULL);
	scap_close(r);
	return 0;
}
