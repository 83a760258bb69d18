/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arena: one bump allocator per compilation.
 *
 * Every object the front end builds (YAML nodes, AST nodes, strings,
 * diagnostics) lives in an arena and dies with it, so passes never free
 * individually and error paths never leak. Chunks are malloc'd through
 * fc_malloc(), the single allocation entry point of the project, which
 * tests can make fail after N calls to exercise out-of-memory paths.
 */
#ifndef FALCOC_ARENA_H
#define FALCOC_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t bytes; /* total bytes handed out, for stats */
};

/* The one allocation function. Aborts with a message on exhaustion
 * unless a failure hook is set (tests), in which case NULL is returned. */
void *fc_malloc(size_t n);
void *fc_realloc(void *p, size_t n);
void fc_free(void *p);
/* Make the Nth next fc_malloc/fc_realloc call fail (0 disables). */
void fc_alloc_fail_after(long n);

void arena_init(struct arena *a);
void arena_free(struct arena *a);
/* Zeroed, 16-byte aligned memory. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#define ARENA_NEW(a, type) ((type *)arena_alloc((a), sizeof(type)))
#define ARENA_NEWN(a, type, n) ((type *)arena_alloc((a), sizeof(type) * (n)))

/*
 * vec: a growable array of pointers, arena-backed (old storage is simply
 * abandoned on growth; the arena reclaims it).
 */
struct vec {
	void **v;
	size_t n, cap;
};

void vec_push(struct arena *a, struct vec *vec, void *p);

/*
 * strbuf: a growable heap string for building output; not arena-backed,
 * because output can be large and short-lived.
 */
struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_putc(struct strbuf *b, char c);
void sb_putn(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Decimal integers without printf (hot in output rendering); sb_put_u64w
 * zero-pads to at least width digits. */
void sb_put_u64(struct strbuf *b, uint64_t v);
void sb_put_i64(struct strbuf *b, int64_t v);
void sb_put_u64w(struct strbuf *b, uint64_t v, unsigned width);
void sb_free(struct strbuf *b);
/* Returns the contents, NUL-terminated (never NULL). */
const char *sb_str(struct strbuf *b);

#endif
