// SPDX-License-Identifier: Apache-2.0
/*
 * test_bpf: the probe in the real kernel (label bpf; root and BTF needed,
 * else exit 77).
 *
 *   load     compile falco_rules.yaml (argv[1]) and load every program:
 *            the verifier accepts all; prints instructions per program
 *   filter   compile tests/bpf/filter_rules.yaml with --test-harness and
 *            run fc_t_<syscall> through BPF_PROG_TEST_RUN on hand-made
 *            events (written into the fc_scratch slot of CPU 0, located
 *            through the object's BTF), checking each rule's TRUE / FALSE
 *            / MAYBE
 *   smoke    compile smoke_rules.yaml, attach, open a matching file and
 *            see its event in the ring buffer
 *
 * usage: test_bpf FALCO_RULES.yaml FILTER_RULES.yaml SMOKE_RULES.yaml
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bpf-templates/falcoc_abi.h"
#include "codegen.h"
#include "probe_build.h"
#include "ruleset.h"
#include "split.h"

static int failures;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
			failures++;                                       \
		}                                                         \
	} while (0)

/* ---- compile ---- */

struct probe {
	struct arena a;
	struct split_result sr;
	struct vec sets; /* struct cg_set_entry * */
	char obj[64];
	bool exact_pairs; /* the generated C's contains tests use exact pairs */
};

/* cg_options.exact_pairs for the builds (emit_pair_tests) */
static int exact_pairs;

static int build_files(struct probe *p, char **files, int nfiles, bool harness);

static int build(struct probe *p, const char *rules, bool harness)
{
	char *one[] = { (char *)rules };
	return build_files(p, one, 1, harness);
}

/* Compile rule files (one namespace, in order) into p->obj. */
static int build_files(struct probe *p, char **files, int nfiles, bool harness)
{
	struct diag_ctx d;
	struct ruleset rs;
	struct cg_result cr;
	struct strbuf c = { 0 }, err = { 0 };
	const char *e = NULL;

	arena_init(&p->a);
	diag_init(&d, &p->a);
	rs_init(&rs, &p->a, &d);
	for (int i = 0; i < nfiles; i++)
		if (rs_add_file(&rs, files[i]))
			return -1;
	rs_compile(&rs);
	if (d.nerrors) {
		fprintf(stderr, "%s: %u errors\n", files[0], d.nerrors);
		return -1;
	}
	split_ruleset(&p->a, &rs, &p->sr);
	struct cg_options o = { .kernel_filter = true, .exact_pairs = exact_pairs };
	if (cg_generate(&p->a, &p->sr, &o, &c, &cr, &e)) {
		fprintf(stderr, "codegen: %s\n", e);
		return -1;
	}
	/* determinism: the same input gives byte-identical C */
	struct strbuf c2 = { 0 };
	struct cg_result cr2;
	cg_generate(&p->a, &p->sr, &o, &c2, &cr2, &e);
	CHECK(c.len == c2.len && !memcmp(c.s, c2.s, c.len), "generated C differs between runs");
	sb_free(&c2);
	p->exact_pairs = !strstr(sb_str(&c), "#define FC_PAIRS_SIGNATURE 1\n");
	cg_set_entries(&p->a, &p->sr, &p->sets);
	snprintf(p->obj, sizeof(p->obj), "/tmp/fc_test_%d_%d.o", getpid(), harness);
	struct pb_options po = { .test_harness = harness };
	int rc = pb_build(c.s, c.len, p->obj, &po, &err);
	if (rc)
		fprintf(stderr, "%s\n", sb_str(&err));
	sb_free(&c);
	sb_free(&err);
	return rc;
}

/* Open the object, size the per-CPU maps, load, fill the sets. */
static struct bpf_object *load(struct probe *p)
{
	struct bpf_object *obj = bpf_object__open_file(p->obj, NULL);
	int ncpu = libbpf_num_possible_cpus();

	if (!obj)
		return NULL;
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "fc_scratch"), ncpu);
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "fc_rings"),
				 (ncpu + FC_CPUS_PER_RING - 1) / FC_CPUS_PER_RING);
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		return NULL;
	}
	for (size_t i = 0; i < p->sets.n; i++) {
		const struct cg_set_entry *e = p->sets.v[i];
		int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, e->map_name));
		CHECK(!bpf_map_update_elem(fd, e->key, e->val, 0), "fill %s", e->map_name);
	}
	return obj;
}

static void print_stats(struct bpf_object *obj)
{
	struct bpf_program *prog;
	unsigned total = 0, n = 0, max = 0;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		printf("  %-24s %6u insns, %7u verified\n", bpf_program__name(prog),
		       info.xlated_prog_len / 8, info.verified_insns);
		total += info.xlated_prog_len / 8;
		if (info.verified_insns > max)
			max = info.verified_insns;
		n++;
	}
	printf("  %u programs, %u insns, max %u verified per program\n", n, total, max);
}

/* ---- filter harness ---- */

struct layout {
	__u32 size, task, res, tid, pknown, pval, sv, typechar, net_ok, dip, dport, oflags,
		omode, rules, rv, str;
};

struct sv { __s32 len; __u16 slot, off; };

static __u32 member_off(const struct btf *btf, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return btf_member_bit_offset(t, i) / 8;
	fprintf(stderr, "fc_scratch has no member %s\n", name);
	exit(1);
}

static void get_layout(struct bpf_object *obj, struct layout *l)
{
	const struct btf *btf = bpf_object__btf(obj);
	int id = btf__find_by_name_kind(btf, "fc_scratch", BTF_KIND_STRUCT);
	const struct btf_type *t = btf__type_by_id(btf, id);
#define M(x) l->x = member_off(btf, t, #x)
	l->size = t->size;
	M(task); M(res); M(tid); M(pknown); M(pval); M(sv); M(typechar); M(net_ok); M(dip);
	M(dport); M(oflags); M(omode); M(rules); M(rv); M(str);
#undef M
}

/* Slot and view ids of fc_probe.bpf.h (enum fc_slot, enum fc_sv_id; clang
 * emits no BTF for enums no object uses, so they are mirrored here). */
static long enum_val(struct bpf_object *obj, const char *name)
{
	static const struct { const char *n; long v; } ids[] = {
		{ "FC_SLOT_COMM", 2 }, { "FC_SLOT_ACOMM0", 3 }, { "FC_SLOT_ACOMM1", 4 },
		{ "FC_SV_COMM", 3 },   { "FC_SV_ANAME1", 4 },	{ "FC_SV_ANAME2", 5 },
		{ "FC_SV_PARAM0", 16 },
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(ids[i].n, name))
			return ids[i].v;
	fprintf(stderr, "no id %s\n", name);
	exit(1);
}

struct event {
	const char *comm, *pcomm, *a2comm;
	const char *path; /* openat name param (index 2) */
	__u32 uid, flags_ppm, in_container;
	__s64 res;
	__u32 dip, dport, net_ok;
};

static unsigned char *scratch;

/* Write s (NUL included) into slot and point view svi at it. The bytes
 * after it hold what an earlier, longer value left there, as in the probe's
 * slots: slashes, dots and literal bytes, which no check may read. */
static void put_str(struct layout *l, int slot, int svi, const char *s)
{
	static const char stale[] = "/./../id_rsa//.ssh/x.";
	struct sv v = { .len = s ? (int)strlen(s) : -1, .slot = slot, .off = 0 };
	if (s) {
		unsigned char *p = scratch + l->str + slot * 4096;
		size_t n = strlen(s) + 1;
		for (size_t i = n; i < n + 64 && i < 4096; i++)
			p[i] = stale[i % (sizeof(stale) - 1)];
		memcpy(p, s, n);
	}
	memcpy(scratch + l->sv + svi * sizeof(struct sv), &v, sizeof(v));
}

static int run_n(struct bpf_object *obj, struct layout *l, const char *sc, const struct event *ev,
		 __u8 *rv, unsigned nrules, unsigned repeat, __u32 *ns);

/* Run fc_t_<sc> on ev; rv[] gets each rule's three-valued result. */
static int run(struct bpf_object *obj, struct layout *l, const char *sc, const struct event *ev,
	       __u8 *rv, unsigned nrules)
{
	return run_n(obj, l, sc, ev, rv, nrules, 1, NULL);
}

/* The same, repeat times in the kernel; *ns: the mean time of one run. */
static int run_n(struct bpf_object *obj, struct layout *l, const char *sc, const struct event *ev,
		 __u8 *rv, unsigned nrules, unsigned repeat, __u32 *ns)
{
	int mfd = bpf_map__fd(bpf_object__find_map_by_name(obj, "fc_scratch"));
	char pname[64];
	__u32 zero = 0;

	memset(scratch, 0, l->size);
	struct fc_task *t = (void *)(scratch + l->task);
	t->uid = ev->uid;
	t->flags = ev->in_container ? FC_TASK_IN_CONTAINER : 0;
	t->loginuid = -1;
	*(__s64 *)(scratch + l->res) = ev->res;
	for (int i = 0; i < 64; i++)
		((struct sv *)(scratch + l->sv))[i].len = -1;
	put_str(l, enum_val(obj, "FC_SLOT_COMM"), enum_val(obj, "FC_SV_COMM"), ev->comm);
	put_str(l, enum_val(obj, "FC_SLOT_ACOMM0"), enum_val(obj, "FC_SV_ANAME1"), ev->pcomm);
	put_str(l, enum_val(obj, "FC_SLOT_ACOMM1"), enum_val(obj, "FC_SV_ANAME2"), ev->a2comm);
	if (ev->path)
		put_str(l, 0, enum_val(obj, "FC_SV_PARAM0") + 2, ev->path);
	/* openat params: 0 fd, 3 flags */
	((__u64 *)(scratch + l->pval))[0] = ev->res;
	((__u64 *)(scratch + l->pval))[3] = ev->flags_ppm;
	*(__u32 *)(scratch + l->pknown) = (1u << 0) | (1u << 3);
	*(__s32 *)(scratch + l->typechar) = -1;
	*(__s32 *)(scratch + l->oflags) = ev->flags_ppm;
	*(__u32 *)(scratch + l->net_ok) = ev->net_ok;
	*(__u32 *)(scratch + l->dip) = ev->dip;
	*(__u32 *)(scratch + l->dport) = ev->dport;
	CHECK(!bpf_map_update_elem(mfd, &zero, scratch, 0), "write scratch");

	/* fc_t_ (raw_tp) gives the verdict; fc_b_ (XDP, which the kernel can
	 * repeat and time) the cost */
	snprintf(pname, sizeof(pname), "fc_%c_%s", repeat > 1 ? 'b' : 't', sc);
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, pname);
	__u64 args[2] = { 0 };
	__u8 pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args),
		    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 0);
	if (repeat > 1) {
		opts.ctx_in = NULL;
		opts.ctx_size_in = 0;
		opts.flags = 0;
		opts.cpu = 0;
		opts.data_in = pkt;
		opts.data_size_in = sizeof(pkt);
		opts.repeat = repeat;
	}
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	CHECK(!err, "test_run %s: %s", pname, strerror(errno));
	if (ns)
		*ns = opts.duration;
	CHECK(!bpf_map_lookup_elem(mfd, &zero, scratch), "read scratch");
	memcpy(rv, scratch + l->rv, nrules);
	return opts.retval;
}

enum { F = 0, M = 1, T = 3 }; /* fc_probe.bpf.h: FC_FALSE, FC_MAYBE, FC_TRUE */

static void expect(const char *what, const __u8 *rv, const int *want, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (want[i] >= 0)
			CHECK(rv[i] == want[i], "%s: rule %u is %d, want %d", what, i, rv[i],
			      want[i]);
}

/* Build and load the harness programs of rule files, fill the sets,
 * allocate the scratch image; NULL (and a failed check) if any step fails. */
static struct bpf_object *harness_open(struct probe *p, const char *const *files, int nfiles,
				  struct layout *l)
{
	if (build_files(p, (char **)files, nfiles, true)) {
		CHECK(0, "build %s", files[0]);
		return NULL;
	}
	struct bpf_object *obj = load(p);
	CHECK(obj, "load harness");
	if (!obj)
		return NULL;
	get_layout(obj, l);
	scratch = calloc(1, l->size);
	return obj;
}

/* Undo harness_open(). */
static void harness_close(struct probe *p, struct bpf_object *obj)
{
	free(scratch);
	scratch = NULL;
	bpf_object__close(obj);
	unlink(p->obj);
	arena_free(&p->a);
}

static void test_filter(const char *rules)
{
	struct probe p = { 0 };
	struct layout l;
	struct bpf_object *obj = harness_open(&p, &rules, 1, &l);
	if (!obj)
		return;
	unsigned n = p.sr.rules.n;
	__u8 rv[64];

	/* cat opens /etc/shadow O_RDONLY as uid 1000 on the host */
	struct event e = { .comm = "cat", .pcomm = "bash", .a2comm = "sshd",
			   .path = "/etc/shadow", .uid = 1000, .flags_ppm = 1, .res = 3 };
	int pass = run(obj, &l, "openat", &e, rv, n);
	int w1[] = { T, F, T, F, F, F, F, F, F, F, -1, T };
	expect("cat /etc/shadow", rv, w1, n);
	CHECK(pass == 1, "cat /etc/shadow should pass");
	/* aname[2]=sshd but pname=bash: FALSE */
	CHECK(rv[9] == F, "aname/pname");

	/* bash writes /tmp/x.pem with O_TRUNC as uid 1000 */
	struct event e2 = { .comm = "bash", .pcomm = "sshd", .a2comm = "sshd",
			    .path = "/tmp/x.pem", .uid = 1000,
			    .flags_ppm = (1 << 1) | (1 << 8), .res = 4 };
	run(obj, &l, "openat", &e2, rv, n);
	int w2[] = { F, T, F, T, F, F, T, T, T, T, -1, F };
	expect("bash /tmp/x.pem", rv, w2, n);

	/* root opens ~/.ssh and an aws file: contains, icontains, glob */
	struct event e3 = { .comm = "vim", .pcomm = "x", .a2comm = "y",
			    .path = "/home/u/.aws/my-Secret.txt", .uid = 0, .flags_ppm = 3,
			    .res = 5, .in_container = 1 };
	run(obj, &l, "openat", &e3, rv, n);
	int w3[] = { F, F, F, F, T, T, F, F, F, F, -1, F }; /* container MAYBE and dir FALSE */
	expect("vim aws secret", rv, w3, n);

	/* relative or unnormalised path: fd.* are MAYBE */
	struct event e4 = { .comm = "cat", .path = "/etc/../etc/shadow", .uid = 0,
			    .flags_ppm = 1, .res = 3 };
	run(obj, &l, "openat", &e4, rv, n);
	int w4[] = { T, F, M, M, M, M, F, F, M, M, -1, M };
	expect("unnormalised path", rv, w4, n);
	struct event e5 = { .comm = "cat", .path = "/etc/shadow", .flags_ppm = 1, .res = -2 };
	run(obj, &l, "openat", &e5, rv, n);
	/* failed open: fd.name and fd.directory are the path tried, as in
	 * userspace; fd.filename is absent there, unknown here */
	CHECK(rv[2] == T && rv[11] == M, "failed open of /etc/shadow: prefix %d (want T), filename %d (want M)",
	      rv[2], rv[11]);
	struct event e5b = { .comm = "cat", .path = "/tmp/nothere", .flags_ppm = 1, .res = -2 };
	run(obj, &l, "openat", &e5b, rv, n);
	CHECK(rv[2] == F && rv[3] == F && rv[4] == F && rv[5] == F,
	      "failed open of /tmp/nothere: prefix %d suffix %d contains %d glob %d (want F)", rv[2], rv[3],
	      rv[4], rv[5]);
	/* unreadable comm: MAYBE */
	struct event e6 = { .comm = NULL, .path = "/x", .flags_ppm = 1, .res = 3 };
	run(obj, &l, "openat", &e6, rv, n);
	CHECK(rv[0] == M && rv[1] == M, "unknown comm is MAYBE (%d %d)", rv[0], rv[1]);

	/* connect: fd.dport and fd.dip */
	struct event c1 = { .comm = "nc", .net_ok = 1, .dip = 0x0a000001, .dport = 4444 };
	run(obj, &l, "connect", &c1, rv, n);
	CHECK(rv[10] == T, "connect 10.0.0.1:4444 is TRUE (%d)", rv[10]);
	c1.dport = 80;
	run(obj, &l, "connect", &c1, rv, n);
	CHECK(rv[10] == F, "connect :80 is FALSE (%d)", rv[10]);
	c1.net_ok = 0;
	run(obj, &l, "connect", &c1, rv, n);
	CHECK(rv[10] == M, "connect, address unknown: MAYBE (%d)", rv[10]);
	/* a rule on another event type never runs here */
	int r = run(obj, &l, "close", &c1, rv, n);
	CHECK(r == 0, "close has no rules");

	printf("filter: %u rules checked\n", n);
	harness_close(&p, obj);
}

/* ---- string checks against a C reference ---- */

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), m = strlen(x);
	return n >= m && !strcmp(s + n - m, x);
}

static bool has_icase(const char *s, const char *lit)
{
	char low[4200];
	size_t i;
	for (i = 0; s[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[i] = 0;
	return strstr(low, lit) != NULL;
}

static bool in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(s, *l))
			return true;
	return false;
}

/* Whether the kernel may take fd.name from path as it is: absolute and
 * already normal (fc_fd__derive_path); otherwise every check is MAYBE. */
static bool path_normal(const char *p)
{
	size_t n = strlen(p);
	if (p[0] != '/')
		return false;
	if (strstr(p, "//") || strstr(p, "/./") || strstr(p, "../"))
		return false;
	if (n > 1 && (p[n - 1] == '/' || has_suffix(p, "/.") || has_suffix(p, "/..")))
		return false;
	return true;
}

/* The rules of string_rules.yaml, in order, on fd.name = p. */
static int string_ref(unsigned rule, const char *p)
{
	static const char *const in_a[] = { "/etc/shadow", "/etc/passwd", NULL };
	static const char *const in_b[] = { "/etc/passwd", "/etc/group",
					    "/etc/ssh/sshd_config_with_a_long_name", NULL };
	static const char *const files[] = { "shadow", "passwd", "id_rsa.pem", NULL };
	static const char *const dirs[] = { "/etc", "/etc/ssh", "/", NULL };
	const char *slash = strrchr(p, '/');
	char dir[4200];
	size_t dn = slash == p ? 1 : (size_t)(slash - p);

	memcpy(dir, p, dn);
	dir[dn] = 0;
	switch (rule) {
	case 0: return strstr(p, "/.ssh/") != NULL;
	case 1: return strstr(p, "id_rsa") != NULL;
	case 2: return has_icase(p, "secret");
	case 3: return strstr(p, "/abcdefghijk/") != NULL;
	case 4: return strchr(p, 'q') != NULL;
	case 5: return has_prefix(p, "/etc/");
	case 6: return has_prefix(p, "/etc/ssh/");
	case 7:
		return has_prefix(p, "/usr/lib/") || has_prefix(p, "/etc/cron") ||
		       has_prefix(p, "/u/abcdefghijk/") || has_prefix(p, "/q/bbbbbbbb/home") ||
		       has_prefix(p, "/aaaaaaa/bbbbbbbb/u");
	case 8: return has_suffix(p, ".pem");
	case 9: return has_suffix(p, "/id_rsa.pem");
	case 10: return has_suffix(p, "ssh/id_rsa.pem.bak.verylongsuffix");
	case 11: return in_list(p, in_a);
	case 12: return in_list(p, in_b);
	case 13: return in_list(slash + 1, files);
	case 14: return in_list(dir, dirs);
	case 15: return !has_prefix(p, "/etc");
	case 16: {
		static const char *const f16[] = { "group", "q", NULL };
		return has_suffix(p, ".pem") || has_prefix(p, "/usr/lib/") || has_suffix(p, "id_rsa") ||
		       in_list(slash + 1, f16) || !strcmp(p, "/etc/shadow") ||
		       has_prefix(p, "/etc/ssh/") || !in_list(dir, dirs);
	}
	}
	return -1;
}

/* Paths from pieces that hit the checks' edges: a candidate first byte
 * that does not match, literals across 8-byte blocks, members that are
 * prefixes of others, lengths around the key capacities. */
static void random_path(unsigned *seed, char *out, size_t cap)
{
	static const char *const parts[] = {
		"etc", "ssh", ".ssh", ".ss", "id_rsa", "id_rs", "id_rsa.pem", "shadow", "passwd",
		"group", "x.pem", "pem", ".pem", "SECRET", "sEcReT", "secre", "abcdefghijk",
		"abcdefghij", "usr", "lib", "cron", "crontab", "q", "aaaaaaa", "bbbbbbbb",
		"sshd_config_with_a_long_name", "id_rsa.pem.bak.verylongsuffix", "home", "u",
		"a-very-long-directory-name-to-cross-many-eight-byte-blocks-of-the-scan",
	};
	size_t n = 0, k = 1 + (rand_r(seed) % 6);
	for (size_t i = 0; i < k && n + 80 < cap; i++) {
		const char *q = parts[rand_r(seed) % (sizeof(parts) / sizeof(parts[0]))];
		n += (size_t)snprintf(out + n, cap - n, "/%s", q);
	}
	if (rand_r(seed) % 5 == 0 && n + 2 < cap) {
		/* cut somewhere: partial literals at the end */
		size_t cut = 2 + (size_t)rand_r(seed) % (n > 2 ? n - 1 : 1);
		if (cut < n && out[cut - 1] != '/')
			n = cut;
	}
	out[n] = 0;
}

static void test_strings(const char *rules)
{
	struct probe p = { 0 };
	struct layout l;
	struct bpf_object *obj = harness_open(&p, &rules, 1, &l);
	if (!obj)
		return;
	unsigned n = p.sr.rules.n, cases = 0, wrong = 0;
	__u8 rv[64];
	static const char *const fixed[] = {
		"/etc/shadow", "/etc/passwd", "/etc/group", "/etc", "/etc/", "/et", "/etcx",
		"/etc/ssh", "/etc/ssh/sshd_config_with_a_long_name", "/etc/sshd", "/etc/cro",
		"/etc/cron", "/etc/crontab", "/usr/lib", "/usr/lib/x", "/a/.ssx/.ssh/k",
		"/a/.ssh", "/x/.ssh/id_rsa", "/abcdefghij/abcdefghijk/", "/abcdefghijk/x",
		"/x/abcdefghijk/", "/id_rs", "/id_rsa", "/id_rsa.pem", "/x.pem", "/pem", "/.pem",
		"/home/u/SeCrEt.txt", "/1234567", "/123456789012345", "/12345678901234567890123",
		"/q", "/", "/ssh/id_rsa.pem.bak.verylongsuffix", "/sh/id_rsa.pem.bak.verylongsuffix",
		"/x/.ssh/", "//etc/shadow", "/etc/./shadow", "/etc/../etc/shadow", "relative/x",
		"/u/abcdefghijk/x", "/u/abcdefghijk", "/q/bbbbbbbb/home", "/q/bbbbbbbb/hom",
		"/q/bbbbbbbb/homex", "/aaaaaaa/bbbbbbbb/u", "/aaaaaaa/bbbbbbbb/uu", "/aaaaaaa/bbbbbbbb/",
		"/usr/lib/x86_64-linux-gnu/libc.so.6", "/x/y/id_rsa.pem", "/id_rsa.pemx",
	};
	char path[512];
	unsigned seed = 12345;

	for (unsigned i = 0; i < 3000; i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0]))
			snprintf(path, sizeof(path), "%s", fixed[i]);
		else
			random_path(&seed, path, sizeof(path));
		struct event e = { .comm = "cat", .path = path, .flags_ppm = 1, .res = 3 };
		run(obj, &l, "openat", &e, rv, n);
		bool normal = path_normal(path);
		for (unsigned r = 0; r < n; r++) {
			int want = normal ? (string_ref(r, path) ? T : F) : M;
			cases++;
			if (rv[r] != want && wrong++ < 20)
				CHECK(0, "path '%s': rule %u (%s) is %d, want %d", path, r,
				      ((const struct split_rule *)p.sr.rules.v[r])->rule->name, rv[r],
				      want);
		}
	}
	CHECK(!wrong, "%u of %u string checks differ from the reference", wrong, cases);
	CHECK(p.exact_pairs == (exact_pairs >= 0), "contains tests built with the %s",
	      p.exact_pairs ? "exact pairs" : "pair signature");
	printf("strings (%s): %u checks on %u rules, %u differ\n",
	       p.exact_pairs ? "exact pairs" : "pair signature", cases, n, wrong);
	harness_close(&p, obj);
}

/* ---- load and smoke ---- */

static void test_load(const char *rules)
{
	struct probe p = { 0 };
	if (build(&p, rules, false)) {
		CHECK(0, "build %s", rules);
		return;
	}
	struct bpf_object *obj = load(&p);
	CHECK(obj, "load %s: the verifier must accept every program", rules);
	if (obj) {
		printf("load: %s\n", rules);
		print_stats(obj);
		bpf_object__close(obj);
	}
	unlink(p.obj);
	arena_free(&p.a);
}

struct seen {
	int found;
	char path[128];
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct seen *s = ctx;
	const unsigned char *b = data;
	__u16 type;
	__u32 np;

	memcpy(&type, b + 20, 2);
	memcpy(&np, b + 22, 4);
	if (type != 307 || np != 7 + FC_EXT_NPARAMS)
		return 0;
	const __u16 *lens = (const void *)(b + 26);
	size_t off = 26 + 2 * np;
	off += lens[0] + lens[1];
	if (lens[2] && !strncmp((const char *)b + off, s->path, lens[2]))
		s->found = 1;
	return 0;
}

static void test_smoke(const char *rules)
{
	struct probe p = { 0 };
	struct seen s = { 0 };
	if (build(&p, rules, false)) {
		CHECK(0, "build %s", rules);
		return;
	}
	struct bpf_object *obj = load(&p);
	CHECK(obj, "load smoke");
	if (!obj)
		return;
	int ncpu = libbpf_num_possible_cpus();
	int nrings = (ncpu + FC_CPUS_PER_RING - 1) / FC_CPUS_PER_RING;
	int outer = bpf_map__fd(bpf_object__find_map_by_name(obj, "fc_rings"));
	struct ring_buffer *rb = NULL;
	for (int i = 0; i < nrings; i++) {
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, FC_RING_BYTES, NULL);
		CHECK(fd >= 0, "ringbuf create");
		__u32 k = i;
		CHECK(!bpf_map_update_elem(outer, &k, &fd, 0), "ring %d in fc_rings", i);
		if (!rb)
			rb = ring_buffer__new(fd, on_event, &s, NULL);
		else
			ring_buffer__add(rb, fd, on_event, &s);
	}
	struct bpf_link *l1 =
		bpf_program__attach(bpf_object__find_program_by_name(obj, "fc_sys_exit"));
	struct bpf_link *l2 = bpf_program__attach(
		bpf_object__find_program_by_name(obj, "fc_sched_process_exit"));
	CHECK(l1 && l2, "attach");
	snprintf(s.path, sizeof(s.path), "/tmp/fc-smoke-%d", getpid());
	int fd = open(s.path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	/* the probe wakes readers only for a backlog: poll, then consume
	 * whatever is there, as falcoc-run does */
	for (int i = 0; i < 20 && !s.found; i++) {
		ring_buffer__poll(rb, 50);
		ring_buffer__consume(rb);
	}
	CHECK(s.found, "the openat of %s reached the ring buffer", s.path);
	unlink(s.path);
	/* stats */
	int sfd = bpf_map__fd(bpf_object__find_map_by_name(obj, "fc_stats"));
	__u64 *vals = calloc(ncpu, sizeof(__u64)), tot[FC_STAT__COUNT] = { 0 };
	for (__u32 k = 0; k < FC_STAT__COUNT; k++) {
		if (!bpf_map_lookup_elem(sfd, &k, vals))
			for (int c = 0; c < ncpu; c++)
				tot[k] += vals[c];
	}
	printf("smoke: event %s; stats seen %llu filtered %llu sent %llu ring_full %llu "
	       "truncated %llu read_fail %llu\n",
	       s.found ? "seen" : "MISSING", (unsigned long long)tot[0],
	       (unsigned long long)tot[1], (unsigned long long)tot[2], (unsigned long long)tot[3],
	       (unsigned long long)tot[4], (unsigned long long)tot[5]);
	free(vals);
	bpf_link__destroy(l1);
	bpf_link__destroy(l2);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	unlink(p.obj);
	arena_free(&p.a);
}

/*
 * test_bpf --bench RULES...: the kernel filter's time per event (field
 * derivation + the generated filter, BPF_PROG_TEST_RUN of the harness
 * program, repeated in the kernel, so no syscall or machine noise), for
 * openats of paths no rule matches, read-only and for writing: a short
 * one, two of the overhead loop's (bench_loop.h) and three common ones
 * (a library, a state file, /etc); then read-only opens of the paths in
 * $FC_BENCH_PATHS (colon-separated), if set. The benchmark's figure for
 * the filter alone (tests/bench/bench.py).
 */
/* The best of 5 runs of 100000 events e through openat's filter, in ns. */
static __u32 bench_best(struct bpf_object *obj, struct layout *l, const struct event *e,
			unsigned nrules)
{
	__u8 rv[1024];
	__u32 best = ~0u;

	for (int r = 0; r < 5; r++) {
		__u32 ns = 0;
		run_n(obj, l, "openat", e, rv, nrules, 100000, &ns);
		best = ns < best ? ns : best;
	}
	return best;
}

static int bench(int nfiles, char **files)
{
	struct probe p = { 0 };

	/* the harness reads the scratch slot of CPU 0 */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		fprintf(stderr, "test_bpf: cannot run on CPU 0: %s\n", strerror(errno));
		return 2;
	}
	struct layout l;
	struct bpf_object *obj = harness_open(&p, (const char *const *)files, nfiles, &l);
	if (!obj)
		return 1;
	static const struct {
		const char *what;
		struct event e;
	} cases[] = {
		{ "openat O_RDONLY /tmp/fc_bench_nomatch",
		  { .comm = "bench_workload", .pcomm = "python3", .a2comm = "bash",
		    .path = "/tmp/fc_bench_nomatch", .uid = 0, .flags_ppm = 1, .res = 3 } },
		{ "openat O_WRONLY /tmp/fc_bench_nomatch",
		  { .comm = "bench_workload", .pcomm = "python3", .a2comm = "bash",
		    .path = "/tmp/fc_bench_nomatch", .uid = 0, .flags_ppm = 2, .res = 3 } },
		{ "openat O_RDONLY /tmp/fc_bench/cache/item00.dat",
		  { .comm = "bench_overhead", .pcomm = "python3", .a2comm = "bash",
		    .path = "/tmp/fc_bench/cache/item00.dat", .uid = 0, .flags_ppm = 1, .res = 3 } },
		{ "openat O_RDONLY /tmp/fc_bench/spool/item06.json",
		  { .comm = "bench_overhead", .pcomm = "python3", .a2comm = "bash",
		    .path = "/tmp/fc_bench/spool/item06.json", .uid = 0, .flags_ppm = 1, .res = 3 } },
		{ "openat O_RDONLY /usr/lib/x86_64-linux-gnu/libc.so.6",
		  { .comm = "bash", .pcomm = "sshd", .a2comm = "systemd",
		    .path = "/usr/lib/x86_64-linux-gnu/libc.so.6", .uid = 1000, .flags_ppm = 1,
		    .res = 3 } },
		{ "openat O_RDONLY /var/lib/dpkg/status",
		  { .comm = "apt", .pcomm = "bash", .a2comm = "sshd",
		    .path = "/var/lib/dpkg/status", .uid = 0, .flags_ppm = 1, .res = 3 } },
		{ "openat O_RDONLY /etc/ld.so.cache",
		  { .comm = "bash", .pcomm = "sshd", .a2comm = "systemd",
		    .path = "/etc/ld.so.cache", .uid = 1000, .flags_ppm = 1, .res = 3 } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		printf("filter_ns %u  %s\n", bench_best(obj, &l, &cases[i].e, p.sr.rules.n),
		       cases[i].what);
	/* more read-only opens of the caller's choice: FC_BENCH_PATHS=a:b:c */
	const char *more = getenv("FC_BENCH_PATHS");
	while (more && *more) {
		size_t n = strcspn(more, ":");
		char path[256];
		struct event e = { .comm = "bash", .pcomm = "sshd", .a2comm = "systemd",
				   .path = path, .uid = 1000, .flags_ppm = 1, .res = 3 };
		if (n && n < sizeof(path)) {
			memcpy(path, more, n);
			path[n] = 0;
			printf("filter_ns %u  openat O_RDONLY %s\n",
			       bench_best(obj, &l, &e, p.sr.rules.n), path);
		}
		more += n + (more[n] == ':');
	}
	harness_close(&p, obj);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--bench")) {
		if (geteuid() != 0) {
			printf("SKIP: test_bpf --bench needs root\n");
			return 77;
		}
		return bench(argc - 2, argv + 2);
	}
	if (argc != 5) {
		fprintf(stderr, "usage: test_bpf FALCO_RULES FILTER_RULES SMOKE_RULES STRING_RULES\n");
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: test_bpf needs root (BPF programs are loaded)\n");
		return 77;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("SKIP: no kernel BTF (/sys/kernel/btf/vmlinux)\n");
		return 77;
	}
	test_load(argv[1]);
	test_filter(argv[2]);
	/* the contains tests' pair tests both ways: exact pairs (the
	 * default), then the pair signature */
	test_strings(argv[4]);
	exact_pairs = -1;
	test_strings(argv[4]);
	exact_pairs = 0;
	test_smoke(argv[3]);
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
