// SPDX-License-Identifier: Apache-2.0
/*
 * test_extract: field values and their sysdig rendering on hand-built
 * events: times, socket tuples and roles, flags, the enter-parameter
 * merge of rules mode.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "extract.h"
#include "state.h"

static int failures;
#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);      \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* Build one event in wire format. Params: (len, bytes) pairs. */
struct evbuf {
	uint8_t b[1024];
	struct rt_event ev;
};

static void build(struct evbuf *e, uint16_t type, uint64_t tid, uint64_t num, int n, ...)
{
	va_list ap;
	uint32_t lens[16];
	const void *ptrs[16];
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		lens[i] = va_arg(ap, uint32_t);
		ptrs[i] = va_arg(ap, const void *);
	}
	va_end(ap);
	uint32_t off = RT_EVT_HDR_LEN + 2 * (uint32_t)n;
	for (int i = 0; i < n; i++) {
		uint16_t l = (uint16_t)lens[i];
		memcpy(e->b + RT_EVT_HDR_LEN + 2 * i, &l, 2);
		memcpy(e->b + off, ptrs[i], lens[i]);
		off += lens[i];
	}
	struct rt_evt_hdr h = { .ts = 1470327477881730713ULL + num, .tid = tid, .len = off,
				.type = type, .nparams = (uint32_t)n };
	memcpy(e->b, &h, RT_EVT_HDR_LEN);
	const char *why;
	if (rt_event_decode(e->b, off, &e->ev, &why))
		abort();
	e->ev.num = num;
}

#define I64(v) 8u, (const void *)&(int64_t){ (v) }
#define U32(v) 4u, (const void *)&(uint32_t){ (v) }
#define U64(v) 8u, (const void *)&(uint64_t){ (v) }
#define STR(s) (uint32_t)sizeof(s), (const void *)(s)

static const char *render(struct rt_state *st, const struct rt_event *ev, const char *field,
			  const char *arg)
{
	static struct arena a;
	static bool init;
	static struct strbuf out;
	struct rt_field_ref ref;
	const char *why;
	if (!init) {
		arena_init(&a);
		init = true;
	}
	if (!rt_field_ref_init(&a, &ref, field, arg, &why))
		return why;
	out.len = 0;
	if (!rt_render(st, ev, &ref, &out))
		return "<NA>";
	return sb_str(&out);
}

static void test_times(void)
{
	struct rt_state *st = rt_state_new();
	struct evbuf e;
	build(&e, 8, 7, 42, 2, I64(1), U32(10));
	e.ev.ts = 1470327477881781397ULL;
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "evt.time", NULL), "16:17:57.881781397"));
	CHECK(!strcmp(render(st, &e.ev, "evt.time.s", NULL), "16:17:57"));
	CHECK(!strcmp(render(st, &e.ev, "evt.datetime", NULL), "2016-08-04 16:17:57.881781397"));
	CHECK(!strcmp(render(st, &e.ev, "evt.time.iso8601", NULL),
		      "2016-08-04T16:17:57.881781397+0000"));
	CHECK(!strcmp(render(st, &e.ev, "evt.rawtime", NULL), "1470327477881781397"));
	CHECK(!strcmp(render(st, &e.ev, "evt.num", NULL), "42"));
	CHECK(!strcmp(render(st, &e.ev, "evt.type", NULL), "write"));
	CHECK(!strcmp(render(st, &e.ev, "evt.dir", NULL), ">"));
	CHECK(!strcmp(render(st, &e.ev, "evt.res", NULL), "<NA>"));
	rt_state_post(st, &e.ev);
	rt_state_free(st);
}

static void test_sockets(void)
{
	struct rt_state *st = rt_state_new();
	struct evbuf e;
	/* socket(AF_INET, SOCK_STREAM, 0) = 5 */
	build(&e, 18, 9, 1, 3, U32(2), U32(1), U32(0));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "evt.args", NULL), "domain=2(AF_INET) type=1 proto=0 "));
	CHECK(!strcmp(render(st, &e.ev, "fd.num", NULL), "-1"));
	rt_state_post(st, &e.ev);
	build(&e, 19, 9, 2, 1, I64(5));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.type", NULL), "ipv4"));
	CHECK(!strcmp(render(st, &e.ev, "fd.l4proto", NULL), "<NA>")); /* no role yet */
	rt_state_post(st, &e.ev);
	/* connect(5, 10.0.0.1:80) from 10.0.0.2:4000 */
	uint8_t tuple[13] = { 2, 10, 0, 0, 2, 0xa0, 0x0f, 10, 0, 0, 1, 80, 0 };
	build(&e, 22, 9, 3, 1, I64(5));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	build(&e, 23, 9, 4, 2, I64(0), 13u, (const void *)tuple);
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "10.0.0.2:4000->10.0.0.1:80"));
	CHECK(!strcmp(render(st, &e.ev, "fd.sip", NULL), "10.0.0.1"));
	CHECK(!strcmp(render(st, &e.ev, "fd.cip", NULL), "10.0.0.2"));
	CHECK(!strcmp(render(st, &e.ev, "fd.sport", NULL), "80"));
	CHECK(!strcmp(render(st, &e.ev, "fd.cport", NULL), "4000"));
	CHECK(!strcmp(render(st, &e.ev, "fd.l4proto", NULL), "tcp"));
	CHECK(!strcmp(render(st, &e.ev, "fd.connected", NULL), "true"));
	CHECK(!strcmp(render(st, &e.ev, "fd.sockfamily", NULL), "ip"));
	CHECK(!strcmp(render(st, &e.ev, "evt.args", NULL),
		      "res=0 tuple=10.0.0.2:4000->10.0.0.1:80 "));
	rt_state_post(st, &e.ev);
	rt_state_free(st);
}

/* Fixes found against sysdig 0.29: generic events named after their
 * PPM_SC code, flag tables, hex params, is_server/lip by the machine's
 * addresses, name_changed on connect only, switch latency. */
static void test_sysdig_compat(void)
{
	struct rt_state *st = rt_state_new();
	struct evbuf e;
	CHECK(!strcmp(rt_syscall_name(75), "mprotect"));
	CHECK(!strcmp(rt_syscall_name(296), "arch_prctl"));
	CHECK(!strcmp(rt_syscall_name(0), "<unknown>"));
	CHECK(rt_syscall_name(60000) == NULL);
	/* generic enter (code 0): ID=75 (PT_SYSCALLID, u16), nativeID=10 */
	build(&e, 0, 9, 1, 2, 2u, (const void *)&(uint16_t){ 75 }, 2u,
	      (const void *)&(uint16_t){ 10 });
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "evt.type", NULL), "mprotect"));
	CHECK(!strcmp(render(st, &e.ev, "evt.arg.ID", NULL), "mprotect"));
	CHECK(!strstr(render(st, &e.ev, "evt.args", NULL), "ID="));
	rt_state_post(st, &e.ev);
	/* futex(addr, FUTEX_PRIVATE_FLAG|FUTEX_WAKE, 1) enter */
	build(&e, 64, 9, 2, 3, U64(0x10), 2u, (const void *)&(uint16_t){ 129 }, U64(1));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "evt.args", NULL),
		      "addr=10 op=129(FUTEX_PRIVATE_FLAG|FUTEX_WAKE) val=1 "));
	rt_state_post(st, &e.ev);
	/* getrlimit(RLIMIT_STACK) enter */
	build(&e, 140, 9, 3, 1, 1u, (const void *)&(uint8_t){ 3 });
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "evt.args", NULL), "resource=3(RLIMIT_STACK) "));
	rt_state_post(st, &e.ev);
	/* socket exit, connect to 127.0.0.1:80: the destination is local */
	build(&e, 18, 9, 4, 3, U32(2), U32(1), U32(0));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	build(&e, 19, 9, 5, 1, I64(5));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name_changed", NULL), "false"));
	rt_state_post(st, &e.ev);
	uint8_t tuple[13] = { 2, 10, 0, 0, 2, 0xa0, 0x0f, 127, 0, 0, 1, 80, 0 };
	build(&e, 22, 9, 6, 1, I64(5));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	build(&e, 23, 9, 7, 2, I64(0), 13u, (const void *)tuple);
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.is_server", NULL), "true"));
	CHECK(!strcmp(render(st, &e.ev, "fd.name_changed", NULL), "true"));
	CHECK(!strcmp(render(st, &e.ev, "fd.lip", NULL), "127.0.0.1"));
	CHECK(!strcmp(render(st, &e.ev, "fd.rip", NULL), "10.0.0.2"));
	CHECK(!strcmp(render(st, &e.ev, "fd.lport", NULL), "80"));
	CHECK(strcmp(render(st, &e.ev, "evt.latency", NULL), "0"));
	rt_state_post(st, &e.ev);
	/* an interface address from the capture makes 10.0.0.2 local */
	struct rt_iface_info ii = { .v6 = false, .addr = { 10, 0, 0, 2 } };
	rt_state_add_iface(st, &ii);
	build(&e, 22, 9, 8, 1, I64(5));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.lip", NULL), "10.0.0.2"));
	CHECK(!strcmp(render(st, &e.ev, "fd.name_changed", NULL), "false"));
	rt_state_post(st, &e.ev);
	rt_state_free(st);
}

static void test_merge(void)
{
	/* 2016 drivers: openat's exit carries only the fd */
	for (int merge = 0; merge < 2; merge++) {
		struct rt_state *st = rt_state_new();
		rt_state_set_merge_enter(st, merge);
		struct evbuf e;
		build(&e, 102, 11, 1, 4, I64(-100), STR("/etc/shadow"), U32(1), U32(0));
		rt_state_pre(st, &e.ev);
		rt_state_post(st, &e.ev);
		build(&e, 103, 11, 2, 1, I64(4));
		rt_state_pre(st, &e.ev);
		/* the state always uses the enter parameters */
		CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "/etc/shadow"));
		/* evt.arg only in rules mode */
		CHECK(!strcmp(render(st, &e.ev, "evt.arg.name", NULL),
			      merge ? "/etc/shadow" : "<NA>"));
		rt_state_post(st, &e.ev);
		rt_state_free(st);
	}
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	test_times();
	test_sockets();
	test_merge();
	test_sysdig_compat();
	if (failures)
		fprintf(stderr, "test_extract: %d failures\n", failures);
	else
		printf("test_extract: ok\n");
	return failures != 0;
}
