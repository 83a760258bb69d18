/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strmap: string -> pointer hash map in an arena (open addressing,
 * linear probing, FNV-1a). Keys are not copied: they must outlive the map,
 * which arena strings do.
 */
#ifndef FALCOC_STRMAP_H
#define FALCOC_STRMAP_H

#include <stddef.h>

#include "arena.h"

struct strmap {
	struct arena *arena;
	const char **keys;
	void **vals;
	size_t cap, n;
};

void strmap_init(struct strmap *m, struct arena *a);
void *strmap_get(const struct strmap *m, const char *key);
/* Insert or replace. */
void strmap_put(struct strmap *m, const char *key, void *val);

#endif
