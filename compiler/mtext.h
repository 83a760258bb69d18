/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mtext: text assembled from pieces, each remembering where it came from.
 *
 * Falco builds a rule's condition by string operations: appends join
 * pieces from several YAML scalars, exceptions add generated text, and
 * lists are substituted textually before parsing. To put a caret on the
 * right file line and column after all that, every piece of the final
 * text is a segment that maps either linearly into a YAML scalar
 * (offset k of the segment is offset base+k of the scalar's value) or to
 * one fixed location (generated text, substituted list items).
 *
 * Everything lives in the arena: a rebuilt mtext simply abandons the old
 * one. Lookups are O(log n): a segment by binary search, then the
 * scalar's offset map (built once per scalar, cached) and the file's
 * line table.
 */
#ifndef FALCOC_MTEXT_H
#define FALCOC_MTEXT_H

#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "yaml_tree.h"

struct mtext_seg {
	uint32_t start, len;      /* range in the assembled text */
	const struct ynode *node; /* linear: the scalar; NULL: fixed */
	uint32_t node_off;        /* linear: offset in the scalar value */
	struct loc loc;           /* fixed location (or scalar's loc) */
};

#define MTEXT_MAP_CACHE 4

struct mtext {
	struct arena *arena;
	const struct diag_ctx *diag; /* to find file texts */
	char *buf;
	uint32_t len, cap;
	struct mtext_seg *segs;
	uint32_t nsegs, segcap;
	/* scalar -> raw offset map, for the last few scalars looked up */
	const struct ynode *map_node[MTEXT_MAP_CACHE];
	const uint32_t *map[MTEXT_MAP_CACHE];
	unsigned map_next;
};

void mtext_init(struct mtext *m, struct arena *a, const struct diag_ctx *d);
/* Append a range of a scalar's value (s) with linear mapping. */
void mtext_add_scalar(struct mtext *m, const struct ynode *node, const char *s, uint32_t off,
		      uint32_t len, const struct loc *fallback);
/* Append generated text mapped to one location. */
void mtext_add_fixed(struct mtext *m, const char *s, uint32_t len, const struct loc *loc);
/* Append a range of another mtext, keeping its mapping. */
void mtext_add_range(struct mtext *m, const struct mtext *src, uint32_t off, uint32_t len);
/* NUL-terminated text (never NULL). */
const char *mtext_str(const struct mtext *m);
uint32_t mtext_len(const struct mtext *m);
/* Map an offset of the assembled text to a file location. */
void mtext_loc(struct mtext *m, uint32_t off, struct loc *out);
/* Adapter for parse_src.map. */
void mtext_map_cb(void *ctx, uint32_t off, struct loc *out);

#endif
