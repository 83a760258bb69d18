// SPDX-License-Identifier: Apache-2.0
/*
 * test_state: the state tables and parsers on hand-built events: process
 * seeding, open/openat path building, close removal after the event,
 * clone and execve, and the enter-parameter merge of old captures.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "arena.h"
#include "extract.h"
#include "state.h"
#include "state_int.h"

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

static void seed(struct rt_state *st)
{
	struct rt_proc_info p = { 0 };
	p.tid = p.pid = 100;
	p.ptid = 1;
	p.comm = "bash";
	p.exe = "/bin/bash";
	p.cwd = "/home/u";
	p.uid = 1000;
	p.loginuid = 1000;
	rt_state_add_proc(st, &p);
	struct rt_proc_info q = { 0 };
	q.tid = q.pid = 1;
	q.ptid = 0;
	q.comm = "init";
	q.exe = "/sbin/init";
	q.cwd = "/";
	rt_state_add_proc(st, &q);
	struct rt_user_info u = { .uid = 1000, .gid = 1000, .name = "u", .homedir = "/home/u",
				  .shell = "/bin/bash" };
	rt_state_add_user(st, &u);
}

static void test_open_close(void)
{
	struct rt_state *st = rt_state_new();
	seed(st);
	struct evbuf e;
	/* openat(AT_FDCWD, "../etc//./passwd") -> 3 */
	build(&e, 306, 100, 1, 4, I64(-100), STR("../etc//./passwd"), U32(1), U32(0));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	build(&e, 307, 100, 2, 7, I64(3), I64(-100), STR("../etc//./passwd"), U32(1), U32(0),
	      U32(0), U64(0));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "/home/etc/passwd"));
	CHECK(!strcmp(render(st, &e.ev, "fd.nameraw", NULL), "../etc//./passwd"));
	CHECK(!strcmp(render(st, &e.ev, "fd.directory", NULL), "/home/etc"));
	CHECK(!strcmp(render(st, &e.ev, "fd.filename", NULL), "passwd"));
	CHECK(!strcmp(render(st, &e.ev, "fd.typechar", NULL), "f"));
	CHECK(!strcmp(render(st, &e.ev, "fd.num", NULL), "3"));
	CHECK(!strcmp(render(st, &e.ev, "evt.arg.flags", NULL), "O_RDONLY"));
	CHECK(!strcmp(render(st, &e.ev, "evt.is_open_read", NULL), "true"));
	CHECK(!strcmp(render(st, &e.ev, "evt.res", NULL), "SUCCESS"));
	rt_state_post(st, &e.ev);
	/* close(3): the fd still resolves at the exit, then is gone */
	build(&e, 4, 100, 3, 1, I64(3));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "evt.args", NULL), "fd=3(<f>/home/etc/passwd) "));
	rt_state_post(st, &e.ev);
	build(&e, 5, 100, 4, 1, I64(0));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "/home/etc/passwd"));
	rt_state_post(st, &e.ev);
	build(&e, 4, 100, 5, 1, I64(3));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "evt.args", NULL), "fd=3 "));
	rt_state_post(st, &e.ev);
	/* a failed open still names its target */
	build(&e, 3, 100, 6, 4, I64(-2), STR("nope"), U32(1 | 4096), U32(0));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "/home/u/nope"));
	CHECK(!strcmp(render(st, &e.ev, "evt.res", NULL), "ENOENT"));
	CHECK(!strcmp(render(st, &e.ev, "evt.rawres", NULL), "-2"));
	CHECK(!strcmp(render(st, &e.ev, "evt.failed", NULL), "true"));
	CHECK(!strcmp(render(st, &e.ev, "evt.arg.flags", NULL), "O_RDONLY|O_CLOEXEC"));
	rt_state_post(st, &e.ev);
	rt_state_free(st);
}

static void test_process(void)
{
	struct rt_state *st = rt_state_new();
	seed(st);
	struct evbuf e;
	/* an unknown tid gets a made-up thread */
	build(&e, 8, 555, 1, 2, I64(1), U32(10));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "proc.name", NULL), "<NA>"));
	CHECK(!strcmp(render(st, &e.ev, "proc.pid", NULL), "555"));
	CHECK(!strcmp(render(st, &e.ev, "container.id", NULL), "host"));
	CHECK(!strcmp(render(st, &e.ev, "container.image", NULL), "<NA>"));
	rt_state_post(st, &e.ev);
	/* execve (v8 exit) on the bash process */
	static const char args[] = "-c\0echo hi";
	build(&e, 13, 100, 2, 8, I64(0), STR("sh"), (uint32_t)sizeof(args), (const void *)args,
	      I64(100), I64(100), I64(1), STR("/tmp"), U64(1024));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "proc.name", NULL), "sh"));
	CHECK(!strcmp(render(st, &e.ev, "proc.cmdline", NULL), "sh -c echo hi"));
	CHECK(!strcmp(render(st, &e.ev, "proc.args", NULL), "-c echo hi"));
	CHECK(!strcmp(render(st, &e.ev, "proc.cwd", NULL), "/tmp/"));
	CHECK(!strcmp(render(st, &e.ev, "proc.pname", NULL), "init"));
	CHECK(!strcmp(render(st, &e.ev, "proc.aname", "1"), "init"));
	CHECK(!strcmp(render(st, &e.ev, "proc.aname", "5"), "<NA>"));
	CHECK(!strcmp(render(st, &e.ev, "user.name", NULL), "u"));
	CHECK(!strcmp(render(st, &e.ev, "user.loginuid", NULL), "1000"));
	CHECK(!strcmp(render(st, &e.ev, "evt.dir", NULL), "<"));
	rt_state_post(st, &e.ev);
	/* fields we do not compute are refused, never silently <NA> */
	CHECK(strstr(render(st, &e.ev, "proc.nthreads", NULL), "not implemented") != NULL);
	/* procexit removes the thread after the event */
	build(&e, 16, 100, 3, 0);
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "proc.name", NULL), "sh"));
	rt_state_post(st, &e.ev);
	build(&e, 8, 100, 4, 2, I64(1), U32(10));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "proc.name", NULL), "<NA>"));
	rt_state_post(st, &e.ev);
	rt_state_free(st);
}

/* A 37-byte IPv6 PT_SOCKTUPLE. */
static void tuple6(uint8_t *t, const uint8_t *sip, uint16_t sport, const uint8_t *dip,
		   uint16_t dport)
{
	t[0] = 10;
	memcpy(t + 1, sip, 16);
	memcpy(t + 17, &sport, 2);
	memcpy(t + 19, dip, 16);
	memcpy(t + 35, &dport, 2);
}

/* test_ipv6_client.scap's sequence, as sysdig 0.29 parses it: a UDP
 * sendto() before any connect() names the socket from its enter event's
 * tuple, filling the empty source with the local address that reaches the
 * destination; a later connect() fills the source port; a second
 * connect() to another peer keeps the known destination (libsinsp's
 * set_ipv6_addresses_and_ports only fills an empty one). */
static void test_udp_sendto_connect(void)
{
	struct rt_state *st = rt_state_new();
	seed(st);
	static const uint8_t any[16] = { 0 }, lo[16] = { [15] = 1 },
			     dns[16] = { 0x20, 0x01, 0x48, 0x60, 0x48, 0x60, [14] = 0x88, [15] = 0x88 };
	struct rt_iface_info ii = { .v6 = true };
	memcpy(ii.addr, lo, 16);
	rt_state_add_iface(st, &ii);
	struct evbuf e;
	uint8_t t[37];
	/* socket(AF_INET6, SOCK_DGRAM, 0) -> 3 */
	build(&e, 18, 100, 1, 3, U32(10), U32(2), U32(0));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	build(&e, 19, 100, 2, 1, I64(3));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	/* sendto(3, 6 bytes, [::]:0 -> [::1]:2345) */
	tuple6(t, any, 0, lo, 2345);
	build(&e, 30, 100, 3, 3, I64(3), U32(6), 37u, (const void *)t);
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.typechar", NULL), "6"));
	CHECK(!strcmp(render(st, &e.ev, "fd.connected", NULL), "false"));
	rt_state_post(st, &e.ev);
	build(&e, 31, 100, 4, 2, I64(6), STR("Testme"));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "::1:0->::1:2345"));
	CHECK(!strcmp(render(st, &e.ev, "fd.connected", NULL), "true"));
	CHECK(!strcmp(render(st, &e.ev, "fd.l4proto", NULL), "udp"));
	CHECK(!strcmp(render(st, &e.ev, "fd.name_changed", NULL), "true"));
	CHECK(!strcmp(render(st, &e.ev, "fd.sip", NULL), "::1"));
	CHECK(!strcmp(render(st, &e.ev, "fd.cport", NULL), "0"));
	rt_state_post(st, &e.ev);
	/* connect(3) -> 0, tuple [::1]:38255 -> [::1]:2345 */
	build(&e, 22, 100, 5, 1, I64(3));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	tuple6(t, lo, 38255, lo, 2345);
	build(&e, 23, 100, 6, 2, I64(0), 37u, (const void *)t);
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "::1:38255->::1:2345"));
	CHECK(!strcmp(render(st, &e.ev, "fd.name_changed", NULL), "true"));
	rt_state_post(st, &e.ev);
	/* connect(3) -> 0 again, to [2001:4860:4860::8888]:53: the name stays */
	build(&e, 22, 100, 7, 1, I64(3));
	rt_state_pre(st, &e.ev);
	rt_state_post(st, &e.ev);
	tuple6(t, lo, 38255, dns, 53);
	build(&e, 23, 100, 8, 2, I64(0), 37u, (const void *)t);
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "::1:38255->::1:2345"));
	CHECK(!strcmp(render(st, &e.ev, "fd.name_changed", NULL), "false"));
	CHECK(!strcmp(render(st, &e.ev, "fd.sport", NULL), "2345"));
	CHECK(!strcmp(render(st, &e.ev, "fd.is_server", NULL), "true"));
	rt_state_post(st, &e.ev);
	rt_state_free(st);
}

/* A failed open adds no fd: fd.num stays the enter event's -1 (libsinsp
 * moves it only in add_fd) and fd.filename is <NA>, while fd.name and
 * fd.directory still name the target (extract_from_null_fd). */
static void test_failed_open(void)
{
	struct rt_state *st = rt_state_new();
	seed(st);
	struct evbuf e;
	build(&e, 2, 100, 1, 3, STR("/home/u/.curlrc"), U32(1), U32(0));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.num", NULL), "-1"));
	rt_state_post(st, &e.ev);
	build(&e, 3, 100, 2, 4, I64(-2), STR("/home/u/.curlrc"), U32(1), U32(0));
	rt_state_pre(st, &e.ev);
	CHECK(!strcmp(render(st, &e.ev, "fd.num", NULL), "-1"));
	CHECK(!strcmp(render(st, &e.ev, "fd.name", NULL), "/home/u/.curlrc"));
	CHECK(!strcmp(render(st, &e.ev, "fd.directory", NULL), "/home/u"));
	CHECK(!strcmp(render(st, &e.ev, "fd.filename", NULL), "<NA>"));
	rt_state_post(st, &e.ev);
	rt_state_free(st);
}

/* Address text without inet_ntop/printf must be theirs exactly: every
 * combination of zero, 1, ffff and another group value over the eight
 * groups (zero runs, ::1, ::a.b.c.d, ::ffff:a.b.c.d and their look-alikes),
 * then random addresses; IPv4 against "%u.%u.%u.%u". */
static void test_ip_text(void)
{
	static const unsigned vals[4] = { 0, 1, 0xffff, 0x0a0b };
	uint8_t ip[16];
	char want[64], got[RT_IP6_STRLEN], small[8];
	int bad = 0;

	for (unsigned m = 0; m < 65536; m++) {
		for (int g = 0; g < 8; g++) {
			unsigned v = vals[(m >> (2 * g)) & 3];
			ip[2 * g] = (uint8_t)(v >> 8);
			ip[2 * g + 1] = (uint8_t)v;
		}
		inet_ntop(AF_INET6, ip, want, sizeof(want));
		size_t n = rt_ip6_fmt(got, ip);
		if (strcmp(want, got) || n != strlen(want))
			bad++;
	}
	srand(7);
	for (int it = 0; it < 200000; it++) {
		for (int k = 0; k < 16; k++)
			ip[k] = (uint8_t)(rand() % 4 ? rand() : 0);
		inet_ntop(AF_INET6, ip, want, sizeof(want));
		rt_ip6_fmt(got, ip);
		if (strcmp(want, got))
			bad++;
		snprintf(want, sizeof(want), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		size_t n = rt_ip4_fmt(got, ip);
		if (strcmp(want, got) || n != strlen(want))
			bad++;
	}
	CHECK(bad == 0);
	/* too small a buffer: "<NA>" cut to it, as before */
	memset(ip, 0x11, sizeof(ip));
	rt_ip6_str(small, sizeof(small), ip);
	CHECK(!strcmp(small, "<NA>"));
}

int main(void)
{
	test_ip_text();
	test_open_close();
	test_process();
	test_udp_sendto_connect();
	test_failed_open();
	if (failures)
		fprintf(stderr, "test_state: %d failures\n", failures);
	else
		printf("test_state: ok\n");
	return failures != 0;
}
