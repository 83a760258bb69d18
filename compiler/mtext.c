// SPDX-License-Identifier: Apache-2.0
#include "mtext.h"

#include <string.h>

void mtext_init(struct mtext *m, struct arena *a, const struct diag_ctx *d)
{
	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->diag = d;
}

static struct mtext_seg *mtext_seg_new(struct mtext *m, uint32_t len)
{
	if (m->nsegs == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 4;
		struct mtext_seg *s = ARENA_NEWN(m->arena, struct mtext_seg, cap);
		if (m->nsegs)
			memcpy(s, m->segs, m->nsegs * sizeof(*s));
		m->segs = s;
		m->cap = cap;
	}
	struct mtext_seg *s = &m->segs[m->nsegs++];
	memset(s, 0, sizeof(*s));
	s->start = (uint32_t)m->text.len;
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
	sb_putn(&m->text, s + off, len);
}

void mtext_add_fixed(struct mtext *m, const char *s, uint32_t len, const struct loc *loc)
{
	struct mtext_seg *g = mtext_seg_new(m, len);

	if (loc)
		g->loc = *loc;
	sb_putn(&m->text, s, len);
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
		sb_putn(&m->text, src->text.s + from, to - from);
		off = to;
	}
}

const char *mtext_str(const struct mtext *m)
{
	return m->text.s ? m->text.s : "";
}

uint32_t mtext_len(const struct mtext *m)
{
	return (uint32_t)m->text.len;
}

void mtext_loc(const struct mtext *m, uint32_t off, struct loc *out)
{
	const struct mtext_seg *s = NULL;

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
	s = &m->segs[lo];
	*out = s->loc;
	if (!s->node)
		return;
	uint32_t k = off - s->start;
	if (k > s->len)
		k = s->len;
	const struct diag_source *src = diag_find_source(m->diag, s->node->loc.file);
	if (src)
		yaml_scalar_loc(s->node, src->text, src->len, s->node_off + k, out);
}

void mtext_map_cb(void *ctx, uint32_t off, struct loc *out)
{
	mtext_loc(ctx, off, out);
}

void mtext_seal(struct mtext *m)
{
	char *s = arena_strndup(m->arena, mtext_str(m), m->text.len);
	size_t len = m->text.len;

	sb_free(&m->text);
	/* keep the strbuf shape so mtext_str/len keep working */
	m->text.s = s;
	m->text.len = len;
	m->text.cap = 0; /* not heap-owned any more: never free */
}
