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

int main(void)
{
	test_open_close();
	test_process();
	if (failures)
		fprintf(stderr, "test_state: %d failures\n", failures);
	else
		printf("test_state: ok\n");
	return failures != 0;
}
