/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * fcf_port.h: the only place fcf_verify.c / fcf_run.c meet their
 * environment. In the kernel (__KERNEL__) the types and helpers map to
 * kernel facilities; in userspace to stdint/stdlib/string. The fcf code
 * uses nothing else: no libc, no kernel headers, no floating point.
 *
 * Allocation goes through fcf_port_alloc()/fcf_port_free() only. In
 * userspace a test may set fcf_port_fail_after to make the n-th next
 * allocation fail (failure injection); the kernel has no such hook.
 */
#ifndef FALCOC_FCF_PORT_H
#define FALCOC_FCF_PORT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>

typedef u8 fcf_u8;
typedef u16 fcf_u16;
typedef u32 fcf_u32;
typedef u64 fcf_u64;
typedef s64 fcf_s64;
typedef size_t fcf_size;

/* Programs are loaded once by ioctl (process context, may sleep) and can
 * be large: kvmalloc falls back to vmalloc. */
static inline void *fcf_port_alloc(fcf_size n)
{
	return kvmalloc(n ? n : 1, GFP_KERNEL);
}

static inline void fcf_port_free(void *p)
{
	kvfree(p);
}

#define fcf_memcpy memcpy
#define fcf_memcmp memcmp
#define fcf_memset memset

#else /* userspace */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t fcf_u8;
typedef uint16_t fcf_u16;
typedef uint32_t fcf_u32;
typedef uint64_t fcf_u64;
typedef int64_t fcf_s64;
typedef size_t fcf_size;

/* Failure injection for tests: when >= 0, the allocation that finds it 0
 * fails, and each allocation decrements it. -1 (default): never fail. */
extern long fcf_port_fail_after;

static inline void *fcf_port_alloc(fcf_size n)
{
	if (fcf_port_fail_after >= 0 && fcf_port_fail_after-- == 0)
		return NULL;
	return malloc(n ? n : 1);
}

static inline void fcf_port_free(void *p)
{
	free(p);
}

#define fcf_memcpy memcpy
#define fcf_memcmp memcmp
#define fcf_memset memset

#endif /* __KERNEL__ */

#endif
