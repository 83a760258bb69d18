// SPDX-License-Identifier: Apache-2.0
#include "mtext.h"

#include <string.h>

void mtext_init(struct mtext *m, struct arena *a, const struct diag_ctx *d)
{
	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->diag = d;
}

static void mtext_put(struct mtext *m, const char *s, uint32_t n)
{
	if (m->len + n + 1 > m->cap) {
		uint32_t cap = m->cap ? m->cap : 64;
		while (cap < m->len + n + 1)
			cap *= 2;
		char *b = arena_alloc(m->arena, cap);
		if (m->len)
			memcpy(b, m->buf, m->len);
		m->buf = b;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, s, n);
	m->len += n;
	m->buf[m->len] = '\0';
}

static struct mtext_seg *mtext_seg_new(struct mtext *m, uint32_t len)
{
	if (m->nsegs == m->segcap) {
		uint32_t cap = m->segcap ? m->segcap * 2 : 4;
		struct mtext_seg *s = ARENA_NEWN(m->arena, struct mtext_seg, cap);
		if (m->nsegs)
			memcpy(s, m->segs, m->nsegs * sizeof(*s));
		m->segs = s;
		m->segcap = cap;
	}
	struct mtext_seg *s = &m->segs[m->nsegs++];
	memset(s, 0, sizeof(*s));
	s->start = m->len;
	s->len = len;
	return s;
}

void mtext_add_scalar(struct mtext *m, const struct ynode *node, const char *s, uint32_t off,
		      uint32_t len, const struct loc *fallback)
{
	struct mtext_seg *g = mtext_seg_new(m, len);

	g->node = node;
	g->node_off = off;
	if (fallback)
		g->loc = *fallback;
	else if (node)
		g->loc = node->loc;
	mtext_put(m, s + off, len);
}

void mtext_add_fixed(struct mtext *m, const char *s, uint32_t len, const struct loc *loc)
{
	struct mtext_seg *g = mtext_seg_new(m, len);

	if (loc)
		g->loc = *loc;
	mtext_put(m, s, len);
}

void mtext_add_range(struct mtext *m, const struct mtext *src, uint32_t off, uint32_t len)
{
	uint32_t end = off + len;

	for (uint32_t i = 0; i < src->nsegs && off < end; i++) {
		const struct mtext_seg *s = &src->segs[i];
		uint32_t s_end = s->start + s->len;
		if (s_end <= off)
			continue;
		uint32_t from = off > s->start ? off : s->start;
		uint32_t to = end < s_end ? end : s_end;
		if (to <= from)
			continue;
		struct mtext_seg *g = mtext_seg_new(m, to - from);
		g->node = s->node;
		g->loc = s->loc;
		g->node_off = s->node ? s->node_off + (from - s->start) : 0;
		mtext_put(m, src->buf + from, to - from);
		off = to;
	}
}

const char *mtext_str(const struct mtext *m)
{
	return m->buf ? m->buf : "";
}

uint32_t mtext_len(const struct mtext *m)
{
	return m->len;
}

static const uint32_t *mtext_rawmap(struct mtext *m, const struct ynode *node,
				    const struct diag_source *src)
{
	for (unsigned i = 0; i < MTEXT_MAP_CACHE; i++)
		if (m->map_node[i] == node)
			return m->map[i];
	const uint32_t *map = yaml_scalar_rawmap(m->arena, node, src->text, src->len);
	unsigned k = m->map_next++ % MTEXT_MAP_CACHE;
	m->map_node[k] = node;
	m->map[k] = map;
	return map;
}

void mtext_loc(struct mtext *m, uint32_t off, struct loc *out)
{
	if (!m->nsegs) {
		memset(out, 0, sizeof(*out));
		return;
	}
	/* binary search for the segment containing off (or the last one) */
	uint32_t lo = 0, hi = m->nsegs;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (m->segs[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	const struct mtext_seg *s = &m->segs[lo];
	*out = s->loc;
	if (!s->node)
		return;
	uint32_t k = off - s->start;
	if (k > s->len)
		k = s->len;
	const struct diag_source *src = diag_find_source(m->diag, s->node->loc.file);
	const uint32_t *map = src ? mtext_rawmap(m, s->node, src) : NULL;
	uint32_t v = s->node_off + k;
	if (map && v <= s->node->len)
		diag_offset_loc(m->diag, src, map[v], out);
}

void mtext_map_cb(void *ctx, uint32_t off, struct loc *out)
{
	mtext_loc(ctx, off, out);
}
