// SPDX-License-Identifier: Apache-2.0
/*
 * falcoc: command-line driver.
 *
 *   falcoc parse 'COND'                 print the condition's AST
 *   falcoc lint [options] FILE...       check rules files
 *   falcoc compile FILE... -o PROBE.o   build the eBPF probe (also: falcoc FILE... -o PROBE.o)
 *   falcoc compile FILE... --target kmod -o F.fcf   only the kmod filter program
 *   falcoc fcf-dump F.fcf|PROBE.o       print a kmod filter program
 *
 * Exit codes: 0 ok, 1 errors in the input, 2 usage or I/O problems.
 */
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "explain.h"
#include "parse.h"
#include "report.h"
#include "ruleset.h"
#include "split.h"
#include "codegen.h"
#include "probe_build.h"
#include "kcode.h"
#include "../bpf-templates/falcoc_abi.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: falcoc parse 'CONDITION'\n"
		"       falcoc lint [--format text|json|sarif] [--werror] [--color|--no-color] FILE...\n"
		"       falcoc compile FILE... -o PROBE.o [--emit-c FILE|-] [--kernel-filter=on|off]\n"
		"                      [--clang PATH] [--target bpf|kmod]\n"
		"       falcoc fcf-dump FILTER.fcf|PROBE.o\n"
		"\n"
		"  parse   print the condition's syntax tree as an S-expression\n"
		"  lint    check Falco rules files; all files form one namespace, in order\n"
		"\n"
		"exit status: 0 no errors, 1 errors found, 2 usage or I/O problem\n");
}

/*
 * Load rules files into one namespace, in order, and compile them unless
 * a file could not be read. Returns true on such an I/O problem (exit 2),
 * which every command reports apart from errors in the rules (exit 1).
 */
static bool load_rules(struct ruleset *rs, char **files, int nfiles)
{
	bool io_error = false;

	for (int i = 0; i < nfiles; i++)
		rs_add_file(rs, files[i]);
	for (const struct diag *g = rs->diag->head; g; g = g->next)
		io_error |= g->code == DIAG_FILE_READ || g->code == DIAG_TOO_LARGE;
	if (!io_error)
		rs_compile(rs);
	return io_error;
}

static int cmd_parse(int argc, char **argv)
{
	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	struct arena a;
	struct diag_ctx d;
	arena_init(&a);
	diag_init(&d, &a);
	const char *cond = argv[0];
	struct parse_src src = { .text = cond, .len = strlen(cond), .file = "<condition>" };
	diag_add_source(&d, src.file, cond, src.len);
	struct ast *n = parse_condition(&a, &d, &src);
	int rc = 0;
	if (n) {
		struct strbuf sb = { 0 };
		ast_print_sexpr(&sb, n);
		printf("%s\n", sb_str(&sb));
		sb_free(&sb);
	} else {
		report_render(stderr, &d, REPORT_TEXT, NULL, 0, report_color_wanted(stderr));
		rc = 1;
	}
	arena_free(&a);
	return rc;
}

static int cmd_lint(int argc, char **argv)
{
	enum report_format fmt = REPORT_TEXT;
	int color = -1;
	bool werror = false;
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "werror", no_argument, NULL, 'W' },
		{ "color", no_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:Wh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!report_format_parse(optarg, &fmt)) {
				fprintf(stderr, "falcoc lint: unknown format '%s' (text, json, sarif)\n",
					optarg);
				return 2;
			}
			break;
		case 'W': werror = true; break;
		case 'c': color = 1; break;
		case 'C': color = 0; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "falcoc lint: no rules files given\n");
		usage(stderr);
		return 2;
	}

	struct arena a;
	struct diag_ctx d;
	struct ruleset rs;
	arena_init(&a);
	diag_init(&d, &a);
	d.werror = werror;
	rs_init(&rs, &a, &d);
	rs.lint = true;

	bool io_error = load_rules(&rs, argv + optind, argc - optind);

	bool use_color = fmt == REPORT_TEXT && (color < 0 ? report_color_wanted(stdout) : color);
	int wr = report_render(stdout, &d, fmt, (const char *const *)argv + optind,
			       (size_t)(argc - optind), use_color);
	int rc = 0;
	if (io_error || wr < 0)
		rc = 2;
	else if (d.nerrors || (werror && d.nwarnings))
		rc = 1;
	arena_free(&a);
	return rc;
}

/* falcoc explain FILE... [--rule NAME]... [--format text|json]: per rule,
 * the kernel part of the condition and why the rest stays in userspace. */
static int cmd_explain(int argc, char **argv)
{
	enum explain_format fmt = EXPLAIN_TEXT;
	struct vec only = { 0 };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "rule", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char help[] =
		"usage: falcoc explain [--format text|json] [--rule NAME]... FILE...\n"
		"  for each rule: event types, the kernel part of its condition, the\n"
		"  userspace residual and why parts stay in userspace\n";
	struct arena a;
	int c;

	arena_init(&a);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!explain_format_parse(optarg, &fmt)) {
				fprintf(stderr, "falcoc explain: unknown format '%s' (text, json)\n",
					optarg);
				arena_free(&a);
				return 2;
			}
			break;
		case 'r': vec_push(&a, &only, optarg); break;
		case 'h': fputs(help, stdout); arena_free(&a); return 0;
		default: fputs(help, stderr); arena_free(&a); return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "falcoc explain: no rules files given\n");
		fputs(help, stderr);
		arena_free(&a);
		return 2;
	}

	struct diag_ctx d;
	struct ruleset rs;
	diag_init(&d, &a);
	rs_init(&rs, &a, &d);
	bool io_error = load_rules(&rs, argv + optind, argc - optind);
	if (io_error || d.nerrors) {
		report_render(stderr, &d, REPORT_TEXT, (const char *const *)argv + optind,
			      (size_t)(argc - optind), report_color_wanted(stderr));
		arena_free(&a);
		return io_error ? 2 : 1;
	}

	struct split_result res;
	split_ruleset(&a, &rs, &res);
	int rc = 0;
	for (size_t i = 0; i < only.n; i++) {
		bool found = false;
		for (size_t k = 0; k < res.rules.n && !found; k++)
			found = !strcmp(((struct split_rule *)res.rules.v[k])->rule->name,
					(const char *)only.v[i]);
		if (!found) {
			fprintf(stderr, "falcoc explain: no compiled rule named '%s'\n",
				(const char *)only.v[i]);
			rc = 1;
		}
	}
	struct explain_opts eo = { .fmt = fmt, .only = (const char *const *)only.v,
				   .nonly = only.n };
	struct strbuf out = { 0 };
	explain_render(&out, &res, &eo, NULL);
	if (fwrite(sb_str(&out), 1, out.len, stdout) != out.len || fflush(stdout))
		rc = 2;
	sb_free(&out);
	arena_free(&a);
	return rc;
}

/* Read a whole file into the arena (rules text for the metadata). */
static char *compile_slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf b = { 0 };
	char buf[65536];
	size_t r;

	if (!f)
		return NULL;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, r);
	fclose(f);
	char *s = arena_strndup(a, sb_str(&b), b.len);
	*len = b.len;
	sb_free(&b);
	return s;
}

/* Write n bytes to path (replaced). 0, or -1 with errno set. */
static int write_out(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, n, f);
	int e = errno;
	if (fclose(f) || w != n) {
		errno = w != n ? e : errno;
		return -1;
	}
	return 0;
}

/* The bytes of section `name` in the ELF64 little-endian image data, or
 * NULL (not ELF64, no such section, or a header out of bounds). */
static const char *elf_section(const char *data, size_t len, const char *name, size_t *out)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strs;

	if (len < sizeof(eh))
		return NULL;
	memcpy(&eh, data, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_shentsize != sizeof(sh) || eh.e_shoff > len ||
	    (uint64_t)eh.e_shnum * sizeof(sh) > len - eh.e_shoff || eh.e_shstrndx >= eh.e_shnum)
		return NULL;
	memcpy(&strs, data + eh.e_shoff + (size_t)eh.e_shstrndx * sizeof(sh), sizeof(sh));
	if (strs.sh_offset > len || strs.sh_size > len - strs.sh_offset)
		return NULL;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		memcpy(&sh, data + eh.e_shoff + (size_t)i * sizeof(sh), sizeof(sh));
		size_t nl = strlen(name);
		if (sh.sh_name >= strs.sh_size || strs.sh_size - sh.sh_name <= nl ||
		    memcmp(data + strs.sh_offset + sh.sh_name, name, nl + 1))
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)
			return NULL;
		*out = sh.sh_size;
		return data + sh.sh_offset;
	}
	return NULL;
}

/*
 * falcoc compile RULES.yaml... -o probe.o [--emit-c FILE|-]
 *        [--kernel-filter=on|off] [--clang PATH]
 * (also reached as `falcoc RULES.yaml... -o probe.o`)
 */
static int cmd_compile(int argc, char **argv)
{
	const char *out_obj = NULL, *emit_c = NULL, *clang = NULL;
	bool kfilter = true, harness = false, keep = false, kmod = false;
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "emit-c", required_argument, NULL, 'E' },
		{ "kernel-filter", required_argument, NULL, 'K' },
		{ "clang", required_argument, NULL, 'C' },
		{ "test-harness", no_argument, NULL, 'T' },
		{ "keep-tmp", no_argument, NULL, 'k' },
		{ "target", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char help[] =
		"usage: falcoc compile RULES.yaml... -o PROBE.o [--emit-c FILE|-]\n"
		"                      [--kernel-filter=on|off] [--clang PATH] [--target bpf|kmod]\n"
		"  compile rules files into an eBPF probe; --emit-c writes the generated C\n"
		"  (with --emit-c and no -o, only the C is produced)\n"
		"  --kernel-filter=off: filter by event type only, as Falco's probe does\n"
		"  --target kmod: write only the kernel module's filter program (no clang);\n"
		"  the probe also carries it, in section " FC_KFILTER_SECTION "\n";
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out_obj = optarg; break;
		case 'E': emit_c = optarg; break;
		case 'K':
			if (!strcmp(optarg, "on"))
				kfilter = true;
			else if (!strcmp(optarg, "off"))
				kfilter = false;
			else {
				fprintf(stderr, "falcoc compile: --kernel-filter takes on or off\n");
				return 2;
			}
			break;
		case 'C': clang = optarg; break;
		case 'T': harness = true; break;
		case 'k': keep = true; break;
		case 'G':
			if (!strcmp(optarg, "bpf"))
				kmod = false;
			else if (!strcmp(optarg, "kmod"))
				kmod = true;
			else {
				fprintf(stderr, "falcoc compile: --target takes bpf or kmod\n");
				return 2;
			}
			break;
		case 'h': fputs(help, stdout); return 0;
		default: fputs(help, stderr); return 2;
		}
	}
	if (kmod && emit_c) {
		fprintf(stderr, "falcoc compile: --emit-c is for the bpf target\n");
		return 2;
	}
	if (optind >= argc || (!out_obj && !emit_c)) {
		fprintf(stderr, "falcoc compile: %s\n",
			optind >= argc ? "no rules files given" : "no output: use -o or --emit-c");
		fputs(help, stderr);
		return 2;
	}

	struct arena a;
	struct diag_ctx d;
	struct ruleset rs;
	arena_init(&a);
	diag_init(&d, &a);
	rs_init(&rs, &a, &d);
	bool io_error = load_rules(&rs, argv + optind, argc - optind);
	if (io_error || d.nerrors || d.nwarnings)
		report_render(stderr, &d, REPORT_TEXT, (const char *const *)argv + optind,
			      (size_t)(argc - optind), report_color_wanted(stderr));
	if (io_error || d.nerrors) {
		arena_free(&a);
		return io_error ? 2 : 1;
	}

	struct cg_file *files = ARENA_NEWN(&a, struct cg_file, (size_t)(argc - optind));
	for (int i = optind; i < argc; i++) {
		struct cg_file *f = &files[i - optind];
		f->name = argv[i];
		f->text = compile_slurp(&a, argv[i], &f->len);
		if (!f->text) {
			fprintf(stderr, "falcoc compile: cannot read %s\n", argv[i]);
			arena_free(&a);
			return 2;
		}
	}

	struct split_result sres;
	split_ruleset(&a, &rs, &sres);
	struct strbuf csrc = { 0 }, blob = { 0 };
	const char *err = NULL;
	int rc = 0;
	struct kc_options ko = { .kernel_filter = kfilter };
	if (kc_build(&a, &sres, &ko, &blob, NULL, &err)) {
		if (kmod) {
			fprintf(stderr, "falcoc compile: %s\n", err);
			rc = 1;
			goto done;
		}
		/* the eBPF probe does not need it: build it without */
		fprintf(stderr, "falcoc: warning: no kmod filter in the probe: %s\n", err);
		sb_free(&blob);
	}
	if (kmod) {
		if (write_out(out_obj, blob.s, blob.len)) {
			fprintf(stderr, "falcoc compile: cannot write %s: %s\n", out_obj,
				strerror(errno));
			rc = 2;
		}
		goto done;
	}
	struct cg_options co = { .kernel_filter = kfilter, .files = files,
				 .nfiles = (size_t)(argc - optind), .kfilter = blob.len ? blob.s : NULL,
				 .kfilter_len = blob.len };
	struct cg_result cr;
	if (cg_generate(&a, &sres, &co, &csrc, &cr, &err)) {
		fprintf(stderr, "falcoc compile: %s\n", err);
		rc = 1;
		goto done;
	}
	for (size_t i = 0; i < cr.warnings.n; i++)
		fprintf(stderr, "falcoc: warning: %s\n", (const char *)cr.warnings.v[i]);
	if (emit_c) {
		FILE *f = strcmp(emit_c, "-") ? fopen(emit_c, "w") : stdout;
		if (!f || fwrite(sb_str(&csrc), 1, csrc.len, f) != csrc.len ||
		    (f == stdout ? fflush(f) : fclose(f))) {
			fprintf(stderr, "falcoc compile: cannot write %s\n", emit_c);
			rc = 2;
			goto done;
		}
	}
	if (out_obj) {
		struct pb_options po = { .clang = clang, .test_harness = harness, .keep_tmp = keep };
		struct strbuf perr = { 0 };
		if (pb_build(sb_str(&csrc), csrc.len, out_obj, &po, &perr)) {
			fprintf(stderr, "falcoc compile: %s\n", sb_str(&perr));
			rc = 1;
		}
		sb_free(&perr);
	}
done:
	sb_free(&csrc);
	sb_free(&blob);
	arena_free(&a);
	return rc;
}

/* falcoc fcf-dump FILE: the kmod filter program in readable form; FILE is
 * a blob (--target kmod) or a probe.o (its FC_KFILTER_SECTION). */
static int cmd_fcf_dump(int argc, char **argv)
{
	struct arena a;
	size_t len = 0;

	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: falcoc fcf-dump FILTER.fcf|PROBE.o\n", argc == 2 ? stdout : stderr);
		return 2;
	}
	arena_init(&a);
	char *data = compile_slurp(&a, argv[1], &len);
	if (!data) {
		fprintf(stderr, "falcoc fcf-dump: cannot read %s\n", argv[1]);
		arena_free(&a);
		return 2;
	}
	const char *blob = data;
	if (len >= 4 && !memcmp(data, "\177ELF", 4)) {
		blob = elf_section(data, len, FC_KFILTER_SECTION, &len);
		if (!blob) {
			fprintf(stderr, "falcoc fcf-dump: %s: no " FC_KFILTER_SECTION " section\n",
				argv[1]);
			arena_free(&a);
			return 1;
		}
	}
	int rc = kc_dump(stdout, blob, len) ? 1 : 0;
	if (rc)
		fprintf(stderr, "falcoc fcf-dump: %s: not a valid kmod filter\n", argv[1]);
	arena_free(&a);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "parse"))
		return cmd_parse(argc - 2, argv + 2);
	if (!strcmp(argv[1], "lint"))
		return cmd_lint(argc - 1, argv + 1);
	if (!strcmp(argv[1], "explain"))
		return cmd_explain(argc - 1, argv + 1);
	if (!strcmp(argv[1], "compile"))
		return cmd_compile(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fcf-dump"))
		return cmd_fcf_dump(argc - 1, argv + 1);
	if (argv[1][0] != '-' && (strstr(argv[1], ".yaml") || strstr(argv[1], ".yml")))
		return cmd_compile(argc, argv); /* falcoc RULES.yaml... -o probe.o */
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "falcoc: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
