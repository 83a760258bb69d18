// SPDX-License-Identifier: Apache-2.0
/*
 * scap_copy IN OUT [-z]: read a capture with the scap reader and write
 * every record back with the scap writer (gzip-compressed with -z). The
 * round-trip test (roundtrip.sh) then checks that sysdig prints the same
 * thing for both files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "scap.h"

int main(int argc, char **argv)
{
	char *err = NULL;
	struct scap_record rec;
	int k;

	if (argc < 3) {
		fprintf(stderr, "usage: scap_copy IN OUT [-z]\n");
		return 2;
	}
	struct scap_reader *r = scap_open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "scap_copy: %s: %s\n", argv[1], err ? err : "?");
		fc_free(err);
		return 1;
	}
	bool z = argc > 3 && !strcmp(argv[3], "-z");
	struct scap_writer *w = scap_writer_open(argv[2], z, &err);
	if (!w) {
		fprintf(stderr, "scap_copy: %s\n", err ? err : "?");
		fc_free(err);
		scap_close(r);
		return 1;
	}
	while ((k = scap_next(r, &rec)) > 0)
		if (scap_write_record(w, &rec) < 0)
			break;
	int rc = 0;
	if (k < 0) {
		fprintf(stderr, "scap_copy: %s: %s\n", argv[1], scap_error(r));
		rc = 1;
	}
	uint64_t cut = scap_writer_truncated(w);
	if (cut)
		fprintf(stderr, "scap_copy: %" PRIu64 " strings truncated to libscap limits\n", cut);
	if (scap_writer_close(w, &err) < 0) {
		fprintf(stderr, "scap_copy: %s: %s\n", argv[2], err ? err : "?");
		fc_free(err);
		rc = 1;
	}
	scap_close(r);
	return rc;
}
