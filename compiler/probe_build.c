// SPDX-License-Identifier: Apache-2.0
/*
 * probe_build: run clang on the generated C (contract: probe_build.h).
 *
 * The work happens in a private temporary directory holding the C and
 * the templates, so the compile never depends on the current directory
 * or on what else is installed; clang's combined output goes to a file
 * in that directory, whose tail is reported when the compile fails.
 */
#include "probe_build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FALCOC_CLANG_DEFAULT
#define FALCOC_CLANG_DEFAULT "clang"
#endif

#ifdef FALCOC_EMBED_TEMPLATES
extern const struct pb_template pb_templates[];
#endif

static const char *const pb_files[] = { "falcoc_abi.h", "fc_types.h", "fc_probe.bpf.h",
					"fc_programs.bpf.h", "fc_syscalls.def", "fc_flags.h", NULL };

extern char **environ;

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, len, f);
	int rc = fclose(f);
	return w == len && rc == 0 ? 0 : -1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = fc_realloc(buf, cap);
			if (!nb) {
				fc_free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r < 4096)
			break;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* Copy (or write from the embedded table) the templates into dir. */
static int put_templates(const char dir[1024], const struct pb_options *o, struct strbuf *err)
{
	const char *src = o->template_dir ? o->template_dir : getenv("FALCOC_TEMPLATE_DIR");
	char path[PATH_MAX];

#ifdef FALCOC_EMBED_TEMPLATES
	if (!src) {
		for (const struct pb_template *t = pb_templates; t->name; t++) {
			snprintf(path, sizeof(path), "%s/%s", dir, t->name);
			if (write_file(path, t->text, t->len)) {
				sb_printf(err, "cannot write %s: %s", path, strerror(errno));
				return -1;
			}
		}
		return 0;
	}
#endif
#ifdef FALCOC_TEMPLATE_DIR
	if (!src)
		src = FALCOC_TEMPLATE_DIR;
#endif
	if (!src) {
		sb_puts(err, "no BPF templates: set FALCOC_TEMPLATE_DIR to falcoc's bpf-templates/");
		return -1;
	}
	for (size_t i = 0; pb_files[i]; i++) {
		size_t n;
		snprintf(path, sizeof(path), "%s/%s", src, pb_files[i]);
		char *text = read_file(path, &n);
		if (!text) {
			sb_printf(err, "cannot read template %s: %s", path, strerror(errno));
			return -1;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, pb_files[i]);
		int rc = write_file(path, text, n);
		fc_free(text);
		if (rc) {
			sb_printf(err, "cannot write %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The last `lines` lines of text. */
static const char *tail_lines(const char *text, size_t len, int lines)
{
	const char *p = text + len;
	while (p > text && (p[-1] == '\n'))
		p--;
	while (p > text) {
		if (p[-1] == '\n' && --lines == 0)
			break;
		p--;
	}
	return p;
}

static void rm_dir(const char dir[1024])
{
	char path[PATH_MAX];
	for (size_t i = 0; pb_files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pb_files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/probe.bpf.c", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/clang.log", dir);
	unlink(path);
	rmdir(dir);
}

int pb_build(const char *src, size_t len, const char *out_obj, const struct pb_options *o,
	     struct strbuf *err)
{
	const char *tmpbase = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[1024], cfile[PATH_MAX], log[PATH_MAX], inc[1100];
	const char *clang = o->clang ? o->clang
			    : getenv("FALCOC_CLANG") ? getenv("FALCOC_CLANG")
						     : FALCOC_CLANG_DEFAULT;
	int rc = -1;

	snprintf(dir, sizeof(dir), "%s/falcoc.XXXXXX", tmpbase);
	if (!mkdtemp(dir)) {
		sb_printf(err, "cannot create a temporary directory in %s: %s", tmpbase,
			  strerror(errno));
		return -1;
	}
	if (put_templates(dir, o, err))
		goto out;
	snprintf(cfile, sizeof(cfile), "%s/probe.bpf.c", dir);
	snprintf(log, sizeof(log), "%s/clang.log", dir);
	snprintf(inc, sizeof(inc), "-I%s", dir);
	if (write_file(cfile, src, len)) {
		sb_printf(err, "cannot write %s: %s", cfile, strerror(errno));
		goto out;
	}

	char *argv[] = { (char *)clang, "-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86",
			 "-Wall", "-Wno-unused-function", "-Wno-unused-variable",
			 "-Wno-unused-but-set-variable", "-Wno-unknown-warning-option",
			 inc, o->test_harness ? "-DFC_TEST_HARNESS" : "-DFC_PROBE",
			 "-c", cfile, "-o", (char *)out_obj, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	int se = posix_spawnp(&pid, clang, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (se) {
		sb_printf(err, "cannot run %s: %s (set --clang or FALCOC_CLANG)", clang,
			  strerror(se));
		goto out;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			sb_printf(err, "waitpid: %s", strerror(errno));
			goto out;
		}
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		rc = 0;
		goto out;
	}
	size_t ln = 0;
	char *text = read_file(log, &ln);
	sb_printf(err, "%s failed (%s %d) on the generated C:\n", clang,
		  WIFEXITED(st) ? "exit status" : "signal",
		  WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	if (text) {
		sb_puts(err, tail_lines(text, ln, 20));
		fc_free(text);
	}
	unlink(out_obj);
out:
	if (o->keep_tmp)
		fprintf(stderr, "falcoc: build directory kept: %s\n", dir);
	else
		rm_dir(dir);
	return rc;
}
