// SPDX-License-Identifier: Apache-2.0
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_MIN (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

static long alloc_fail_countdown;

void fc_alloc_fail_after(long n)
{
	alloc_fail_countdown = n;
}

static int alloc_should_fail(void)
{
	if (alloc_fail_countdown <= 0)
		return 0;
	return --alloc_fail_countdown == 0;
}

static void *alloc_check(void *p, size_t n)
{
	if (!p && n) {
		fprintf(stderr, "falcoc: out of memory (%zu bytes)\n", n);
		abort();
	}
	return p;
}

void *fc_malloc(size_t n)
{
	if (alloc_should_fail())
		return NULL;
	return alloc_check(malloc(n ? n : 1), n);
}

void *fc_realloc(void *p, size_t n)
{
	if (alloc_should_fail())
		return NULL;
	return alloc_check(realloc(p, n ? n : 1), n);
}

void fc_free(void *p)
{
	free(p);
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->bytes = 0;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		fc_free(c);
	}
	a->head = NULL;
	a->bytes = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (!c || c->cap - c->used < need) {
		size_t cap = need > ARENA_CHUNK_MIN ? need : ARENA_CHUNK_MIN;

		c = fc_malloc(sizeof(*c) + cap);
		if (!c) {
			fprintf(stderr, "falcoc: out of memory (arena)\n");
			abort();
		}
		c->cap = cap;
		c->used = 0;
		/* A huge one-off block goes behind the current chunk so the
		 * current chunk's free space is not wasted. */
		if (a->head && need > ARENA_CHUNK_MIN) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = c->data + c->used;
	c->used += need;
	a->bytes += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *s = arena_alloc(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

void vec_push(struct arena *a, struct vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 8;
		void **nv = ARENA_NEWN(a, void *, cap);

		if (vec->n)
			memcpy(nv, vec->v, vec->n * sizeof(void *));
		vec->v = nv;
		vec->cap = cap;
	}
	vec->v[vec->n++] = p;
}

static void sb_reserve(struct strbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *s = fc_realloc(b->s, cap);
	if (!s) {
		fprintf(stderr, "falcoc: out of memory (strbuf)\n");
		abort();
	}
	b->s = s;
	b->cap = cap;
}

void sb_putn(struct strbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_putc(struct strbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

void sb_puts(struct strbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap, ap2;

	/* Format into the free space first; only a result that does not
	 * fit is formatted a second time (output rendering calls this per
	 * field, so one pass matters). */
	sb_reserve(b, 63);
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n >= b->cap - b->len) {
		sb_reserve(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	if (n > 0)
		b->len += (size_t)n;
	else if (b->s)
		b->s[b->len] = '\0';
}

void sb_put_u64w(struct strbuf *b, uint64_t v, unsigned width)
{
	char d[24];
	unsigned n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < sizeof(d))
		d[sizeof(d) - 1 - n++] = '0';
	sb_putn(b, d + sizeof(d) - n, n);
}

void sb_put_u64(struct strbuf *b, uint64_t v)
{
	sb_put_u64w(b, v, 0);
}

void sb_put_i64(struct strbuf *b, int64_t v)
{
	if (v < 0) {
		sb_putc(b, '-');
		sb_put_u64(b, 0 - (uint64_t)v);
	} else {
		sb_put_u64(b, (uint64_t)v);
	}
}

void sb_free(struct strbuf *b)
{
	fc_free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *sb_str(struct strbuf *b)
{
	return b->s ? b->s : "";
}
