// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_fcf: libFuzzer target for the kmod filter's verifier and
 * interpreter (kmod/fcf, the same C the module compiles).
 *
 * The input is an fcf blob. fcf_load() must refuse it with an error code
 * or accept it; whatever loads is run on every syscall row with a fake
 * fetch that answers each call differently (numbers, strings of every
 * length up to past FCF_MAX_STR, the wrong kind, NULL strings, MAYBE,
 * NONE), driven by the input bytes. ASan/UBSan catch any out-of-bounds
 * read; libFuzzer's timeout catches a loop the verifier let through.
 *
 * Random bytes rarely get past the header (magic, version, table hash),
 * so the input is also loaded a second time with those fields forced
 * valid: the mutations then reach the counts, entries and instructions.
 * One input in 16 also makes an allocation fail.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fcf_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	const uint8_t *data;
	size_t size;
	unsigned n; /* fetch calls so far */
	char str[FCF_MAX_STR + 2];
};

static int fz_fetch(void *ctx, unsigned field, const char *arg, struct fcf_value *out)
{
	struct fz *f = ctx;
	unsigned k = f->n++;
	uint8_t b = f->size ? f->data[(k * 7u + field) % f->size] : 0;
	size_t alen = 0;

	/* the argument is a NUL-terminated pool string: read it all */
	if (arg)
		while (arg[alen])
			alen++;
	memset(out, 0, sizeof(*out));
	switch (b % 8) {
	case 0:
		return FCF_FETCH_MAYBE;
	case 1:
		return FCF_FETCH_NONE;
	case 2:
	case 3:
		out->kind = FCF_V_NUM;
		out->num = (int64_t)(b * 0x0101010101010101ull) - (int64_t)alen;
		return FCF_FETCH_OK;
	case 4: /* a NULL string */
		out->kind = FCF_V_STR;
		out->str = NULL;
		out->len = b & 1;
		return FCF_FETCH_OK;
	default: {
		/* bytes of the input itself (so strings match the pool now and
		 * then), 0..FCF_MAX_STR + 1 long */
		size_t len = (size_t)((b * 131u + k) % (FCF_MAX_STR + 2));
		if (b % 8 == 7)
			len = b % 12;
		for (size_t i = 0; i < len; i++)
			f->str[i] = f->size ? (char)f->data[(i + k) % f->size] : 'a';
		out->kind = b & 0x40 ? FCF_V_STR : (enum fcf_vkind)(b % 3);
		out->str = f->str;
		out->len = (uint32_t)len;
		return FCF_FETCH_OK;
	}
	}
}

static void try_blob(const uint8_t *data, size_t size, const uint8_t *blob, size_t len)
{
	struct fcf_prog *p = NULL;
	char why[96];
	uint64_t mask[(FCF_MAX_RULES + 63) / 64];
	struct fz f = { data, size, 0, { 0 } };

	int rc = fcf_load(blob, len, &p, why, sizeof(why));
	if (rc) {
		if (p || (rc != -FCF_EINVAL && rc != -FCF_E2BIG && rc != -FCF_ENOMEM &&
			  rc != -FCF_ENOEXEC) || !memchr(why, 0, sizeof(why)))
			__builtin_trap(); /* a refusal gives a code, no program, a reason */
		return;
	}
	if (fcf_nrules(p) > FCF_MAX_RULES)
		__builtin_trap();
	for (unsigned sc = 0; sc <= FCF_NSC; sc++) {
		int set = fcf_run(p, sc, fz_fetch, &f, mask);
		if (set < 0 || (unsigned)set > fcf_nrules(p))
			__builtin_trap();
	}
	fcf_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[FCF_MAX_BLOB];
	uint64_t h = fcf_tables_hash();

	if (size > FCF_MAX_BLOB)
		return 0;
	if (size && data[size - 1] % 16 == 15)
		fcf_port_fail_after = data[size - 1] % 3; /* one of the first allocations fails */
	try_blob(data, size, data, size);
	fcf_port_fail_after = -1;
	if (size >= FCF_HDR_SIZE) {
		memcpy(fixed, data, size);
		uint32_t magic = FCF_MAGIC, version = FCF_VERSION, nsc = FCF_NSC;
		for (int i = 0; i < 4; i++) {
			fixed[i] = (uint8_t)(magic >> (8 * i));
			fixed[4 + i] = (uint8_t)(version >> (8 * i));
			fixed[20 + i] = (uint8_t)(nsc >> (8 * i));
		}
		for (int i = 0; i < 8; i++)
			fixed[8 + i] = (uint8_t)(h >> (8 * i));
		try_blob(data, size, fixed, size);
	}
	return 0;
}
