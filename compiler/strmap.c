// SPDX-License-Identifier: Apache-2.0
#include "strmap.h"

#include <stdint.h>
#include <string.h>

static uint64_t strmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void strmap_init(struct strmap *m, struct arena *a)
{
	memset(m, 0, sizeof(*m));
	m->arena = a;
}

static size_t strmap_slot(const char *const *keys, size_t cap, const char *key)
{
	size_t i = strmap_hash(key) & (cap - 1);

	while (keys[i] && strcmp(keys[i], key))
		i = (i + 1) & (cap - 1);
	return i;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = strmap_slot(m->keys, m->cap, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

static void strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	const char **keys = ARENA_NEWN(m->arena, const char *, cap);
	void **vals = ARENA_NEWN(m->arena, void *, cap);

	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = strmap_slot(keys, cap, m->keys[i]);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
}

void strmap_put(struct strmap *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	size_t i = strmap_slot(m->keys, m->cap, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->n++;
	}
	m->vals[i] = val;
}
