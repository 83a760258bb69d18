// SPDX-License-Identifier: Apache-2.0
/*
 * live: libbpf loading, attaching and ring-buffer consumption for
 * falcoc-run's live mode.
 *
 * struct live owns the bpf_object, the links of the attached programs,
 * the ring buffers (one RINGBUF map per FC_CPUS_PER_RING CPUs, inside
 * the probe's ARRAY_OF_MAPS, created here after load when the object
 * leaves the slots empty) and a batch: the events of one poll round,
 * copied out of the rings and sorted by timestamp before they are
 * handed over, because each ring is in order but the rings are not in
 * order with each other, and the state tables need a fork before the
 * child's first event.
 *
 * Details the codegen decides are isolated in the functions marked
 * "CONVENTION" below (rodata names, set map layout, tail-call slots),
 * each with the convention this file assumes.
 */
#include "live.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "codegen.h"
#include "ruleset.h"

#define LOG_KEEP 256   /* libbpf lines remembered for error reports */
#define LOG_TAIL 20    /* verifier log lines shown on rejection */

/* ---- CONVENTION: names shared with bpf-templates/ and codegen ---- */

/* .rodata variable: the enabled rules, a bitmap (bit i = rule i, as the
 * events' FC_EXT_RULES bitmap), (nrules + 7) / 8 bytes or more. */
#define LIVE_RODATA_RULES "fc_rule_enabled"
/* .rodata u64: CLOCK_REALTIME - CLOCK_BOOTTIME in ns. */
#define LIVE_RODATA_BOOT_TIME "fc_boot_time"
/* The per-CPU scratch ARRAY (one entry per possible CPU). */
#define LIVE_SCRATCH_MAP "fc_scratch"
/* The per-CPU counters. */
#define LIVE_STATS_MAP "fc_stats"
/* Tail-called programs are named fc_x_<syscall> and are never attached
 * (bpf-templates/fc_programs.bpf.h); their slot in the PROG_ARRAY
 * LIVE_TAIL_MAP is the row of <syscall> in fc_syscalls.def (FC_SC_*). */
#define LIVE_TAIL_PREFIX "fc_x_"
#define LIVE_TAIL_MAP "fc_tail"

static const char *const sc_names[] = {
#define FC_SC(name, nr, ppme, np, flags) #name,
#include "fc_syscalls.def"
#undef FC_SC
};

struct batch_ent {
	uint64_t ts, seq;
	size_t off;
	uint32_t size;
	unsigned cpu;
};

struct ring_ctx {
	struct live *lv;
	unsigned cpu;
};

struct live {
	char *path;
	struct bpf_object *obj;
	/* metadata */
	uint8_t *meta;
	size_t meta_len;
	struct fc_meta_hdr hdr;
	struct live_meta_file *files;
	size_t nfiles;
	/* rodata rule bitmap, applied at load */
	uint8_t *rules_on;
	size_t rules_on_len;
	bool rules_set;
	/* links */
	struct bpf_link **links;
	size_t nlinks;
	/* rings */
	struct bpf_map *ring_outer;
	int *ring_fds; /* per slot, -1 if none */
	bool *ring_owned;
	unsigned nrings;
	struct ring_ctx *ring_ctx;
	struct ring_buffer *rb;
	live_event_fn fn;
	void *fn_ctx;
	/* batch */
	uint8_t *buf;
	size_t buf_len, buf_cap;
	struct batch_ent *ents;
	size_t nents, ents_cap;
	uint64_t seq;
};

/* ---- libbpf output ---- */

static struct {
	bool verbose;
	bool quiet; /* during load: keep, do not print */
	char *lines[LOG_KEEP];
	size_t next, count;
} g_log;

static void log_keep(const char *line, size_t n)
{
	char *c = fc_malloc(n + 1);
	memcpy(c, line, n);
	c[n] = '\0';
	fc_free(g_log.lines[g_log.next]);
	g_log.lines[g_log.next] = c;
	g_log.next = (g_log.next + 1) % LOG_KEEP;
	if (g_log.count < LOG_KEEP)
		g_log.count++;
}

static const char *log_line(size_t back) /* 0 = newest; "" if none */
{
	const char *l;

	if (back >= g_log.count)
		return "";
	l = g_log.lines[(g_log.next + LOG_KEEP - 1 - back) % LOG_KEEP];
	return l ? l : "";
}

static void log_clear(void)
{
	for (size_t i = 0; i < LOG_KEEP; i++) {
		fc_free(g_log.lines[i]);
		g_log.lines[i] = NULL;
	}
	g_log.next = g_log.count = 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return 0;
	char *s = fc_malloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	/* the verifier log arrives as one message: keep it line by line */
	for (char *l = s; *l;) {
		char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		log_keep(l, len);
		l += len + (e ? 1 : 0);
	}
	if (g_log.verbose || (level == LIBBPF_WARN && !g_log.quiet))
		fputs(s, stderr);
	fc_free(s);
	return n;
}

/* After a failed load: which program, and the last lines of its log. */
static void report_load_failure(int err)
{
	size_t end = SIZE_MAX, begin = SIZE_MAX;
	for (size_t b = 0; b < g_log.count; b++) {
		const char *l = log_line(b);
		if (end == SIZE_MAX && strstr(l, "-- END PROG LOAD LOG --"))
			end = b;
		else if (end != SIZE_MAX && strstr(l, "-- BEGIN PROG LOAD LOG --")) {
			begin = b;
			break;
		}
	}
	if (end != SIZE_MAX) {
		/* the program's name: on the BEGIN line, or on libbpf's
		 * "prog 'x': failed to load" after the log */
		char prog[128] = "?";
		for (size_t b = 0; b < g_log.count; b++) {
			const char *q = strstr(log_line(b), "prog '");
			if (q && (b == begin || strstr(q, "failed to load"))) {
				sscanf(q, "prog '%127[^']'", prog);
				break;
			}
		}
		if (begin == SIZE_MAX)
			begin = g_log.count; /* its start fell out of what we keep */
		fprintf(stderr, "falcoc-run: the verifier rejected program '%s' (%s); end of its log:\n",
			prog, strerror(-err));
		size_t first = end + LOG_TAIL < begin ? end + LOG_TAIL : begin - 1;
		if (begin - end - 1 > LOG_TAIL)
			fprintf(stderr, "  ... (%zu lines before)\n", begin - end - 1 - LOG_TAIL);
		for (size_t b = first; b > end; b--)
			fprintf(stderr, "  %s\n", log_line(b));
		return;
	}
	fprintf(stderr, "falcoc-run: loading the probe failed: %s\n", strerror(-err));
	/* no verifier log: show libbpf's last warnings (map creation, BTF...) */
	size_t n = g_log.count < 10 ? g_log.count : 10;
	for (size_t b = n; b-- > 0;)
		fprintf(stderr, "  %s\n", log_line(b));
}

/* ---- environment ---- */

#define LIVE_KERNEL_BTF "/sys/kernel/btf/vmlinux"

static const char *g_btf_path; /* live_set_btf_path(); NULL: env or kernel */

void live_set_btf_path(const char *path)
{
	g_btf_path = path && *path ? path : NULL;
}

/* The BTF to check and relocate against: --btf, else $FALCOC_RUN_BTF
 * (for tests), else the kernel's. */
static const char *btf_path(void)
{
	const char *env = getenv("FALCOC_RUN_BTF");

	if (g_btf_path)
		return g_btf_path;
	return env && *env ? env : LIVE_KERNEL_BTF;
}

static bool btf_custom(void)
{
	return strcmp(btf_path(), LIVE_KERNEL_BTF) != 0;
}

int live_check_env(void)
{
	/* CAP_SYS_ADMIN = 21, CAP_PERFMON = 38, CAP_BPF = 39 */
	char buf[4096];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (!strncmp(buf, "CapEff:", 7))
				eff = strtoull(buf + 7, NULL, 16);
		fclose(f);
	} else if (geteuid() == 0) {
		eff = 1ull << 21;
	}
	bool admin = eff & (1ull << 21);
	bool bpf = (eff & (1ull << 39)) && (eff & (1ull << 38));
	if (!admin && !bpf) {
		fprintf(stderr, "falcoc-run: loading BPF needs root or CAP_BPF+CAP_PERFMON\n");
		return 2;
	}
	const char *btf = btf_path();
	if (access(btf, R_OK) != 0) {
		fprintf(stderr,
			"falcoc-run: this kernel exposes no BTF (%s: %s); the probe needs a kernel "
			"built with CONFIG_DEBUG_INFO_BTF=y\n",
			btf, strerror(errno));
		return 2;
	}
	if (btf_custom()) {
		/* a path given by hand: say now if it is no BTF at all, rather
		 * than letting libbpf fail later with a bare errno */
		libbpf_set_print(libbpf_print); /* its own complaint: kept, not printed */
		g_log.quiet = true;
		struct btf *b = btf__parse(btf, NULL);
		g_log.quiet = false;
		if (!b) {
			fprintf(stderr, "falcoc-run: %s: not a BTF file (%s); the probe needs the "
					"kernel's BTF (/sys/kernel/btf/vmlinux)\n",
				btf, strerror(errno));
			return 2;
		}
		btf__free(b);
	}
	return 0;
}

/* ---- metadata ---- */

static int not_probe(const char *path, const char *why)
{
	fprintf(stderr, "falcoc-run: %s: not a falcoc probe (%s)\n", path, why);
	return 2;
}

/* Copy FC_META_SECTION out of the ELF file. */
static int read_meta(struct live *lv)
{
	int rc = 0, fd = open(lv->path, O_RDONLY | O_CLOEXEC);
	Elf *e = NULL;
	size_t shstrndx;

	if (fd < 0) {
		fprintf(stderr, "falcoc-run: %s: %s\n", lv->path, strerror(errno));
		return 2;
	}
	if (elf_version(EV_CURRENT) == EV_NONE || !(e = elf_begin(fd, ELF_C_READ, NULL)) ||
	    elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx) != 0) {
		rc = not_probe(lv->path, "not an ELF object");
		goto cleanup;
	}
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, FC_META_SECTION))
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || sh.sh_type == SHT_NOBITS) {
			rc = not_probe(lv->path, FC_META_SECTION " is empty");
			goto cleanup;
		}
		lv->meta = fc_malloc(d->d_size + 1);
		memcpy(lv->meta, d->d_buf, d->d_size);
		lv->meta[d->d_size] = '\0';
		lv->meta_len = d->d_size;
		break;
	}
	if (!lv->meta) {
		rc = not_probe(lv->path, "no " FC_META_SECTION " section");
		goto cleanup;
	}
	if (lv->meta_len < sizeof(lv->hdr)) {
		rc = not_probe(lv->path, FC_META_SECTION " shorter than its header");
		goto cleanup;
	}
	memcpy(&lv->hdr, lv->meta, sizeof(lv->hdr));
	if (memcmp(lv->hdr.magic, FC_META_MAGIC, sizeof(lv->hdr.magic))) {
		rc = not_probe(lv->path, "bad magic in " FC_META_SECTION);
		goto cleanup;
	}
	if (lv->hdr.abi != FC_ABI_VERSION) {
		fprintf(stderr,
			"falcoc-run: %s: falcoc probe ABI version %u, this falcoc-run reads version %u: "
			"recompile the rules with the matching falcoc\n",
			lv->path, lv->hdr.abi, FC_ABI_VERSION);
		rc = 2;
		goto cleanup;
	}
	if (lv->hdr.nrules > FC_MAX_RULES) {
		rc = not_probe(lv->path, "rule count out of range");
		goto cleanup;
	}
	/* files: name\0 text\0, nfiles times */
	lv->files = fc_malloc(sizeof(*lv->files) * (lv->hdr.nfiles + 1));
	size_t off = sizeof(lv->hdr);
	for (unsigned i = 0; i < lv->hdr.nfiles; i++) {
		const char *name = (const char *)lv->meta + off;
		size_t nl = strnlen(name, lv->meta_len - off);
		if (off + nl >= lv->meta_len) {
			rc = not_probe(lv->path, "truncated rules file list");
			goto cleanup;
		}
		off += nl + 1;
		const char *text = (const char *)lv->meta + off;
		size_t tl = strnlen(text, lv->meta_len - off);
		if (off + tl >= lv->meta_len && i + 1 < lv->hdr.nfiles) {
			rc = not_probe(lv->path, "truncated rules file list");
			goto cleanup;
		}
		off += tl + 1;
		lv->files[i] = (struct live_meta_file){ name, text, tl };
		lv->nfiles++;
	}
cleanup:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

/* ---- open ---- */

static struct bpf_map *find_ring_outer(struct bpf_object *obj)
{
	struct bpf_map *m;
	bpf_object__for_each_map(m, obj)
	{
		if (bpf_map__type(m) != BPF_MAP_TYPE_ARRAY_OF_MAPS)
			continue;
		struct bpf_map *in = bpf_map__inner_map(m);
		if (in && bpf_map__type(in) == BPF_MAP_TYPE_RINGBUF)
			return m;
	}
	return NULL;
}

struct live *live_open(const char *path, bool verbose)
{
	struct live *lv = fc_malloc(sizeof(*lv));
	memset(lv, 0, sizeof(*lv));
	lv->path = fc_malloc(strlen(path) + 1);
	strcpy(lv->path, path);
	g_log.verbose = verbose;
	libbpf_set_print(libbpf_print);

	if (read_meta(lv))
		goto fail;
	/* a BTF path given by hand serves CO-RE too, not just the check */
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .btf_custom_path = btf_custom() ? btf_path() : NULL);
	g_log.quiet = true;
	lv->obj = bpf_object__open_file(path, &oopts);
	g_log.quiet = false;
	if (!lv->obj) {
		int err = -errno;
		fprintf(stderr, "falcoc-run: %s: libbpf cannot open it: %s\n", path, strerror(-err));
		for (size_t b = g_log.count < 5 ? g_log.count : 5; b-- > 0;)
			fprintf(stderr, "  %s\n", log_line(b));
		goto fail;
	}
	lv->rules_on_len = (lv->hdr.nrules + 7) / 8;
	lv->rules_on = fc_malloc(lv->rules_on_len + 1);
	memset(lv->rules_on, 0, lv->rules_on_len + 1);
	for (unsigned i = 0; i < lv->hdr.nrules; i++) /* exactly nrules bits */
		lv->rules_on[i / 8] |= (uint8_t)(1u << (i % 8));

	/* rings: one per FC_CPUS_PER_RING possible CPUs */
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		ncpu = 1;
	lv->nrings = ((unsigned)ncpu + FC_CPUS_PER_RING - 1) / FC_CPUS_PER_RING;
	struct bpf_map *scratch = bpf_object__find_map_by_name(lv->obj, LIVE_SCRATCH_MAP);
	if (scratch)
		bpf_map__set_max_entries(scratch, (uint32_t)ncpu);
	lv->ring_outer = find_ring_outer(lv->obj);
	if (lv->ring_outer) {
		bpf_map__set_max_entries(lv->ring_outer, lv->nrings);
	} else {
		/* no ARRAY_OF_MAPS: every plain RINGBUF map is a ring */
		struct bpf_map *m;
		lv->nrings = 0;
		bpf_object__for_each_map(m, lv->obj) if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
			lv->nrings++;
		if (!lv->nrings) {
			fprintf(stderr, "falcoc-run: %s: the probe has no ring buffer map\n", path);
			goto fail;
		}
	}
	return lv;
fail:
	live_close(lv);
	return NULL;
}

const struct fc_meta_hdr *live_meta(const struct live *lv)
{
	return &lv->hdr;
}

size_t live_meta_nfiles(const struct live *lv)
{
	return lv->nfiles;
}

const struct live_meta_file *live_meta_file(const struct live *lv, size_t i)
{
	return i < lv->nfiles ? &lv->files[i] : NULL;
}

int live_add_rules(const struct live *lv, struct ruleset *rs, size_t *bad)
{
	for (size_t i = 0; i < lv->nfiles; i++)
		if (rs_add_text(rs, lv->files[i].name, lv->files[i].text, lv->files[i].len) < 0) {
			*bad = i;
			return -1;
		}
	return 0;
}

int live_set_rule_enabled(struct live *lv, unsigned i, bool on)
{
	if (i >= lv->hdr.nrules)
		return -1;
	if (on)
		lv->rules_on[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		lv->rules_on[i / 8] &= (uint8_t)~(1u << (i % 8));
	lv->rules_set = true;
	return 0;
}

/* Find the .rodata variable `name`: its map and section entry. */
static struct bpf_map *rodata_find(struct live *lv, const char *name,
				   const struct btf_var_secinfo **out)
{
	struct btf *btf = bpf_object__btf(lv->obj);
	struct bpf_map *m;
	if (!btf)
		return NULL;
	bpf_object__for_each_map(m, lv->obj)
	{
		const char *mn = bpf_map__name(m);
		size_t ml = strlen(mn);
		if (!bpf_map__is_internal(m) || ml < 7 || strcmp(mn + ml - 7, ".rodata"))
			continue;
		const struct btf_type *sec = btf__type_by_id(btf, bpf_map__btf_value_type_id(m));
		if (!sec || !btf_is_datasec(sec))
			continue;
		const struct btf_var_secinfo *vs = btf_var_secinfos(sec);
		for (unsigned k = 0; k < btf_vlen(sec); k++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);
			if (var && !strcmp(btf__name_by_offset(btf, var->name_off), name)) {
				*out = vs;
				return m;
			}
		}
	}
	return NULL;
}

static size_t rodata_size(struct live *lv, const char *name)
{
	const struct btf_var_secinfo *vs;
	return rodata_find(lv, name, &vs) ? vs->size : 0;
}

/* Overwrite the .rodata variable `name` (at most n bytes of data, the
 * rest of the variable left as compiled) before load. Returns 0, or 1
 * when the probe has no such variable. */
static int rodata_set(struct live *lv, const char *name, const void *data, size_t n)
{
	const struct btf_var_secinfo *vs;
	struct bpf_map *m = rodata_find(lv, name, &vs);
	if (!m)
		return 1;
	size_t sz = 0;
	const void *init = bpf_map__initial_value(m, &sz);
	if (!init || vs->offset + vs->size > sz)
		return 1;
	uint8_t *copy = fc_malloc(sz);
	memcpy(copy, init, sz);
	memcpy(copy + vs->offset, data, n < vs->size ? n : vs->size);
	int err = bpf_map__set_initial_value(m, copy, sz);
	fc_free(copy);
	return err ? 1 : 0;
}

/* Fill each ring slot: keep a ring the object created, or make one. */
static int setup_rings(struct live *lv)
{
	lv->ring_fds = fc_malloc(sizeof(int) * lv->nrings);
	lv->ring_owned = fc_malloc(sizeof(bool) * lv->nrings);
	for (unsigned i = 0; i < lv->nrings; i++) {
		lv->ring_fds[i] = -1;
		lv->ring_owned[i] = false;
	}
	if (!lv->ring_outer) {
		struct bpf_map *m;
		unsigned i = 0;
		bpf_object__for_each_map(m, lv->obj) if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
			lv->ring_fds[i++] = bpf_map__fd(m);
		return 0;
	}
	int outer = bpf_map__fd(lv->ring_outer);
	struct bpf_map *inner = bpf_map__inner_map(lv->ring_outer);
	uint32_t bytes = inner && bpf_map__max_entries(inner) ? bpf_map__max_entries(inner)
							      : FC_RING_BYTES;
	for (unsigned i = 0; i < lv->nrings; i++) {
		uint32_t key = i, id = 0;
		if (bpf_map_lookup_elem(outer, &key, &id) == 0 && id) {
			int fd = bpf_map_get_fd_by_id(id);
			if (fd >= 0) {
				lv->ring_fds[i] = fd;
				lv->ring_owned[i] = true;
				continue;
			}
		}
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "fc_ring", 0, 0, bytes, NULL);
		if (fd < 0) {
			int err = -errno;
			fprintf(stderr, "falcoc-run: creating ring buffer %u (%u bytes): %s\n", i, bytes,
				strerror(-err));
			return 2;
		}
		lv->ring_fds[i] = fd;
		lv->ring_owned[i] = true;
		if (bpf_map_update_elem(outer, &key, &fd, BPF_ANY) < 0) {
			int err = -errno;
			fprintf(stderr, "falcoc-run: inserting ring buffer %u: %s\n", i, strerror(-err));
			return 2;
		}
	}
	return 0;
}

/* CONVENTION: the enabled rules, LIVE_RODATA_RULES: one byte per rule
 * (0 off, 1 on) when the variable has nrules bytes, else a bitmap like
 * the events' (bit i = rule i). With one rule both read the same. */
static size_t rodata_size(struct live *lv, const char *name);

static int apply_rules(struct live *lv)
{
	unsigned n = lv->hdr.nrules;
	if (n > 1 && rodata_size(lv, LIVE_RODATA_RULES) == n) {
		uint8_t *b = fc_malloc(n);
		for (unsigned i = 0; i < n; i++)
			b[i] = (lv->rules_on[i / 8] >> (i % 8)) & 1;
		int rc = rodata_set(lv, LIVE_RODATA_RULES, b, n);
		fc_free(b);
		return rc;
	}
	return rodata_set(lv, LIVE_RODATA_RULES, lv->rules_on, lv->rules_on_len);
}

/* fc_boot_time: CLOCK_REALTIME - CLOCK_BOOTTIME, so the probe's
 * bpf_ktime_get_boot_ns() + fc_boot_time is ns since the epoch. */
static void apply_boot_time(struct live *lv)
{
	struct timespec rt, bt;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	uint64_t v = ((uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec) -
		     ((uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec);
	if (rodata_set(lv, LIVE_RODATA_BOOT_TIME, &v, sizeof(v)) != 0)
		fprintf(stderr, "falcoc-run: note: the probe has no '%s': event times are "
				"since boot\n", LIVE_RODATA_BOOT_TIME);
}

int live_load(struct live *lv)
{
	apply_boot_time(lv);
	if (lv->rules_set && apply_rules(lv) != 0)
		fprintf(stderr,
			"falcoc-run: note: the probe has no '%s' setting; disabled rules are "
			"skipped in userspace only\n",
			LIVE_RODATA_RULES);
	log_clear();
	g_log.quiet = true;
	int err = bpf_object__load(lv->obj);
	g_log.quiet = false;
	if (err) {
		report_load_failure(err);
		return 2;
	}
	return setup_rings(lv);
}

/* Set maps: codegen decides their layout and contents (compiler/codegen.h:
 * cg_set_entries). */
static int map_put(struct live *lv, const char *name, const void *key, size_t ks, const void *val,
		   size_t vs)
{
	struct bpf_map *m = bpf_object__find_map_by_name(lv->obj, name);
	if (!m) {
		fprintf(stderr, "falcoc-run: the probe has no map '%s'\n", name);
		return 2;
	}
	if (bpf_map__key_size(m) != ks) {
		fprintf(stderr, "falcoc-run: map '%s': key size %u, expected %zu\n", name,
			bpf_map__key_size(m), ks);
		return 2;
	}
	if (bpf_map__value_size(m) != vs) {
		fprintf(stderr, "falcoc-run: map '%s': value size %u, expected %zu\n", name,
			bpf_map__value_size(m), vs);
		return 2;
	}
	if (bpf_map__update_elem(m, key, ks, val, vs, BPF_ANY) < 0) {
		fprintf(stderr, "falcoc-run: map '%s': adding a key: %s\n", name, strerror(errno));
		return 2;
	}
	return 0;
}

int live_put_sets(struct live *lv, const struct vec *ents)
{
	for (size_t i = 0; i < ents->n; i++) {
		const struct cg_set_entry *e = ents->v[i];
		int rc = map_put(lv, e->map_name, e->key, e->key_size, e->val, e->val_size);
		if (rc)
			return rc;
	}
	return 0;
}

static bool is_tail_prog(const struct bpf_program *p)
{
	return !strncmp(bpf_program__name(p), LIVE_TAIL_PREFIX, strlen(LIVE_TAIL_PREFIX));
}

/* CONVENTION: a tail-called program's slot (its FC_SC_* id), -1 if its
 * syscall is not in fc_syscalls.def. Names are cut to 15 characters by
 * the kernel but not by libbpf's bpf_program__name(). */
static long tail_slot(const struct bpf_program *p)
{
	const char *n = bpf_program__name(p) + strlen(LIVE_TAIL_PREFIX);
	for (size_t i = 0; i < sizeof(sc_names) / sizeof(sc_names[0]); i++)
		if (!strcmp(n, sc_names[i]))
			return (long)i;
	return -1;
}

int live_attach(struct live *lv)
{
	struct bpf_program *p;
	struct bpf_map *table;
	size_t nprogs = 0;

	table = bpf_object__find_map_by_name(lv->obj, LIVE_TAIL_MAP);
	if (table && bpf_map__type(table) != BPF_MAP_TYPE_PROG_ARRAY)
		table = NULL;
	bpf_object__for_each_program(p, lv->obj) nprogs++;
	live_detach(lv); /* attach again after a detach: new links */
	fc_free(lv->links);
	lv->links = fc_malloc(sizeof(*lv->links) * (nprogs + 1));

	/* tail calls first: an attached dispatcher must find its targets.
	 * The probe's static initializer already fills the table at load;
	 * writing the slots again makes the table right whatever libbpf
	 * did with it. */
	bpf_object__for_each_program(p, lv->obj)
	{
		if (!is_tail_prog(p) || !bpf_program__autoload(p))
			continue;
		long slot = tail_slot(p);
		if (slot < 0 || !table || (unsigned long)slot >= bpf_map__max_entries(table)) {
			fprintf(stderr, "falcoc-run: program '%s': no tail-call slot %ld\n",
				bpf_program__name(p), slot);
			return 2;
		}
		uint32_t key = (uint32_t)slot;
		int fd = bpf_program__fd(p);
		if (bpf_map__update_elem(table, &key, 4, &fd, 4, BPF_ANY) < 0) {
			fprintf(stderr, "falcoc-run: tail-call slot %ld <- '%s': %s\n", slot,
				bpf_program__name(p), strerror(errno));
			return 2;
		}
	}
	bpf_object__for_each_program(p, lv->obj)
	{
		if (is_tail_prog(p) || !bpf_program__autoload(p))
			continue;
		struct bpf_link *l = bpf_program__attach(p);
		if (!l) {
			int err = -errno;
			fprintf(stderr, "falcoc-run: attaching program '%s' (%s): %s\n",
				bpf_program__name(p), bpf_program__section_name(p), strerror(-err));
			return 2;
		}
		lv->links[lv->nlinks++] = l;
	}
	if (!lv->nlinks) {
		fprintf(stderr, "falcoc-run: the probe has no program to attach\n");
		return 2;
	}
	return 0;
}

void live_detach(struct live *lv)
{
	for (size_t i = 0; i < lv->nlinks; i++)
		bpf_link__destroy(lv->links[i]);
	lv->nlinks = 0;
}

size_t live_nlinks(const struct live *lv)
{
	return lv->nlinks;
}

/* ---- rings ---- */

static int on_sample(void *ctx, void *data, size_t size)
{
	struct ring_ctx *rc = ctx;
	struct live *lv = rc->lv;
	if (lv->buf_len + size > lv->buf_cap) {
		size_t cap = lv->buf_cap ? lv->buf_cap : 1 << 20;
		while (cap < lv->buf_len + size)
			cap *= 2;
		lv->buf = fc_realloc(lv->buf, cap);
		lv->buf_cap = cap;
	}
	if (lv->nents == lv->ents_cap) {
		lv->ents_cap = lv->ents_cap ? lv->ents_cap * 2 : 4096;
		lv->ents = fc_realloc(lv->ents, lv->ents_cap * sizeof(*lv->ents));
	}
	struct batch_ent *e = &lv->ents[lv->nents++];
	e->ts = 0;
	if (size >= 8)
		memcpy(&e->ts, data, 8); /* the header starts with the timestamp */
	e->seq = lv->seq++;
	e->off = lv->buf_len;
	e->size = (uint32_t)size;
	e->cpu = rc->cpu;
	memcpy(lv->buf + lv->buf_len, data, size);
	lv->buf_len += size;
	return 0;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct batch_ent *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int flush_batch(struct live *lv)
{
	int n = (int)lv->nents;
	if (lv->nents > 1)
		qsort(lv->ents, lv->nents, sizeof(*lv->ents), cmp_ent);
	for (size_t i = 0; i < lv->nents; i++)
		lv->fn(lv->fn_ctx, lv->buf + lv->ents[i].off, lv->ents[i].size, lv->ents[i].cpu);
	lv->nents = 0;
	lv->buf_len = 0;
	return n;
}

int live_rings_open(struct live *lv, live_event_fn fn, void *ctx)
{
	lv->fn = fn;
	lv->fn_ctx = ctx;
	lv->ring_ctx = fc_malloc(sizeof(*lv->ring_ctx) * lv->nrings);
	for (unsigned i = 0; i < lv->nrings; i++) {
		lv->ring_ctx[i] = (struct ring_ctx){ lv, i * FC_CPUS_PER_RING };
		if (lv->ring_fds[i] < 0)
			continue;
		int err;
		if (!lv->rb) {
			lv->rb = ring_buffer__new(lv->ring_fds[i], on_sample, &lv->ring_ctx[i], NULL);
			err = lv->rb ? 0 : -errno;
		} else {
			err = ring_buffer__add(lv->rb, lv->ring_fds[i], on_sample, &lv->ring_ctx[i]);
		}
		if (err) {
			fprintf(stderr, "falcoc-run: ring buffer %u: %s\n", i, strerror(-err));
			return 2;
		}
	}
	if (!lv->rb) {
		fprintf(stderr, "falcoc-run: no ring buffer to read\n");
		return 2;
	}
	return 0;
}

int live_poll(struct live *lv, int timeout_ms)
{
	int err = ring_buffer__poll(lv->rb, timeout_ms);
	if (err < 0 && err != -EINTR)
		return err;
	/* the rings epoll did not report may hold older events */
	int err2 = ring_buffer__consume(lv->rb);
	int n = flush_batch(lv);
	if (err == -EINTR)
		return -EINTR;
	if (err2 < 0 && err2 != -EINTR)
		return err2;
	return n;
}

int live_drain(struct live *lv)
{
	int total = 0;
	for (;;) {
		int err = ring_buffer__consume(lv->rb);
		int n = flush_batch(lv);
		total += n;
		if (err <= 0 || n == 0)
			break;
	}
	return total;
}

/* ---- stats ---- */

int live_read_stats(struct live *lv, uint64_t out[FC_STAT__COUNT])
{
	memset(out, 0, sizeof(uint64_t) * FC_STAT__COUNT);
	struct bpf_map *m = bpf_object__find_map_by_name(lv->obj, LIVE_STATS_MAP);
	if (!m || bpf_map__type(m) != BPF_MAP_TYPE_PERCPU_ARRAY)
		return -1;
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return -1;
	size_t vs = bpf_map__value_size(m), stride = (vs + 7) & ~(size_t)7;
	uint8_t *vals = fc_malloc(stride * (size_t)ncpu);
	int rc = 0;
	if (vs == 8 && bpf_map__max_entries(m) >= FC_STAT__COUNT) {
		/* one u64 per entry, indexed by enum fc_stat */
		for (uint32_t k = 0; k < FC_STAT__COUNT && !rc; k++) {
			if (bpf_map__lookup_elem(m, &k, 4, vals, stride * (size_t)ncpu, 0) < 0) {
				rc = -1;
				break;
			}
			for (int c = 0; c < ncpu; c++) {
				uint64_t v;
				memcpy(&v, vals + stride * (size_t)c, 8);
				out[k] += v;
			}
		}
	} else if (vs >= 8 * FC_STAT__COUNT) {
		/* one entry holding u64 counters[FC_STAT__COUNT] */
		uint32_t k = 0;
		if (bpf_map__lookup_elem(m, &k, 4, vals, stride * (size_t)ncpu, 0) < 0) {
			rc = -1;
		} else {
			for (int c = 0; c < ncpu; c++)
				for (int s = 0; s < FC_STAT__COUNT; s++) {
					uint64_t v;
					memcpy(&v, vals + stride * (size_t)c + 8 * (size_t)s, 8);
					out[s] += v;
				}
		}
	} else {
		rc = -1;
	}
	fc_free(vals);
	return rc;
}

/* ---- teardown ---- */

void live_close(struct live *lv)
{
	if (!lv)
		return;
	for (size_t i = 0; i < lv->nlinks; i++)
		bpf_link__destroy(lv->links[i]);
	fc_free(lv->links);
	ring_buffer__free(lv->rb);
	for (unsigned i = 0; lv->ring_fds && i < lv->nrings; i++)
		if (lv->ring_owned[i] && lv->ring_fds[i] >= 0)
			close(lv->ring_fds[i]);
	fc_free(lv->ring_fds);
	fc_free(lv->ring_owned);
	fc_free(lv->ring_ctx);
	bpf_object__close(lv->obj);
	fc_free(lv->buf);
	fc_free(lv->ents);
	fc_free(lv->rules_on);
	fc_free(lv->files);
	fc_free(lv->meta);
	fc_free(lv->path);
	fc_free(lv);
	log_clear();
}
