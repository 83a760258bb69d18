/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruleset: the front end's result, and the passes that build it.
 *
 *   rr_load_file ─► items ─► collect (define / append / override / enable,
 *   in file order, one namespace for all files)
 *   ─► resolve: exceptions to text, list substitution, parse, macro
 *      splicing (resolve.c)
 *   ─► sema: fields, arguments, operators, values, outputs (sema.c)
 *   ─► evttypes: the event-type set of each rule (evttypes.c)
 *
 * Macro bodies are resolved once and shared by every reference, so the
 * expanded rule ASTs are DAGs; passes that walk them memoise per node.
 */
#ifndef FALCOC_RULESET_H
#define FALCOC_RULESET_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "mtext.h"
#include "rules.h"
#include "strmap.h"

/* Expansion limits: lists are flattened and substituted as text, so a
 * hostile file could otherwise grow exponentially. */
#define RS_MAX_LIST_ITEMS 1000000u
#define RS_MAX_CONDITION_LEN (64u << 20)

/* Falco warns (LOAD_NO_EVTTYPE) above this many event types. */
#define RS_EVTTYPE_WARN_THRESHOLD 100

struct rs_list {
	const char *name;
	struct loc loc;
	unsigned idx;     /* definition order, for visibility */
	struct vec items; /* struct rr_str *, as written (after appends) */
	struct vec flat;  /* const char *, earlier lists flattened */
	bool used, flattening, flattened, too_large;
	unsigned subst_gen; /* lists_substitute_all() bookkeeping */
	const struct rr_item *def;
};

struct rs_macro {
	const char *name;
	struct loc loc;
	unsigned idx; /* first definition; kept on redefinition */
	unsigned vis; /* macros with idx < vis are visible */
	struct mtext cond;
	struct ast *ast; /* parsed, then resolved in place */
	struct vec deps; /* struct rs_macro *: macros this one references */
	bool used, parsed, resolving, resolved, failed;
	const struct rr_item *def;
};

struct rs_output_field {
	const char *name; /* as written, with [arg] */
	struct loc loc;
};

struct rs_rule {
	const char *name;
	struct loc loc;
	const char *file;
	struct mtext cond; /* condition text, exceptions appended */
	struct mtext out;   /* output text, appends joined, located */
	const char *output; /* out, trimmed as Falco does; NULL if none */
	uint32_t output_skip; /* leading blanks trimmed: output[i] is out[i + skip] */
	const char *desc, *source;
	int priority;
	bool enabled;
	struct vec tags;       /* const char * */
	struct vec exceptions; /* struct rr_exception * */
	bool warn_evttypes, skip_if_unknown_filter, capture;
	long capture_duration;
	struct ast *ast; /* resolved condition; NULL if it failed */
	bool failed;
	bool skipped; /* unknown source: not compiled */
	/* event-type set: bit i = fields_evtname(i) */
	uint64_t *evttypes;
	unsigned nevttypes;
	struct vec out_fields; /* struct rs_output_field * */
};

struct ruleset {
	struct arena *arena;
	struct diag_ctx *diag;
	struct vec lists, macros, rules; /* in definition order */
	struct vec odd_lists; /* lists whose names contain a delimiter */
	struct strmap list_by_name, macro_by_name, rule_by_name;
	unsigned macro_seq, list_seq, subst_gen;
	bool lint; /* report lint-only diagnostics (unused, redefinitions) */
	struct rs_rule *cur_rule; /* the rule being checked, for skip-if-unknown-filter */
};

void rs_init(struct ruleset *rs, struct arena *a, struct diag_ctx *d);
/* Load one file into the namespace (collect only). Returns -1 when the
 * file could not be read or parsed as YAML. */
int rs_add_file(struct ruleset *rs, const char *path);
int rs_add_text(struct ruleset *rs, const char *name, const char *text, size_t len);
/* Resolve, check and infer event types for everything collected. */
void rs_compile(struct ruleset *rs);

/* resolve.c */
void resolve_all(struct ruleset *rs);
/* sema.c */
void sema_check_ast(struct ruleset *rs, struct ast *n);
void sema_check_output(struct ruleset *rs, struct rs_rule *r);
/* evttypes.c */
size_t evttypes_words(void);
void evttypes_rule(struct ruleset *rs, struct rs_rule *r);
bool evttypes_has(const uint64_t *set, size_t i);

#endif
