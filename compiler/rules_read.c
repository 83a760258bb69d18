// SPDX-License-Identifier: Apache-2.0
/*
 * rules_read: the Falco rules-file reader (rule_loader_reader.cpp), in C.
 *
 * Falco throws at the first problem of a document; we report each one and
 * go on, so one run shows the user everything that is wrong. Each item is
 * read by a function per kind; small decoders (str, bool, string
 * sequence) report wrong types at the offending value and tell the
 * caller whether the value is usable. Every diagnostic is stamped with
 * the item (diag_set_item) the way Falco's JSON locations name it.
 */
#include "rules_read.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yaml_tree.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

const char *const rr_priority_names[RR_PRI__COUNT] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

int rr_priority_parse(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < RR_PRI__COUNT; i++)
		if (!strcasecmp(s, rr_priority_names[i]))
			return i;
	if (!strcasecmp(s, "info"))
		return RR_PRI_INFORMATIONAL;
	return -1;
}

static const struct {
	unsigned bit;
	const char *name;
} key_names[] = {
	{ RK_CONDITION, "condition" },
	{ RK_OUTPUT, "output" },
	{ RK_DESC, "desc" },
	{ RK_PRIORITY, "priority" },
	{ RK_SOURCE, "source" },
	{ RK_ENABLED, "enabled" },
	{ RK_TAGS, "tags" },
	{ RK_EXCEPTIONS, "exceptions" },
	{ RK_WARN_EVTTYPES, "warn_evttypes" },
	{ RK_SKIP_IF_UNKNOWN_FILTER, "skip-if-unknown-filter" },
	{ RK_CAPTURE, "capture" },
	{ RK_CAPTURE_DURATION, "capture_duration" },
	{ RK_ITEMS, "items" },
	{ RK_APPEND, "append" },
	{ RK_OVERRIDE, "override" },
};

const char *rr_key_name(unsigned bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(key_names); i++)
		if (key_names[i].bit == bit)
			return key_names[i].name;
	return NULL;
}

static unsigned key_bit(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(key_names); i++)
		if (!strcmp(key_names[i].name, name))
			return key_names[i].bit;
	return 0;
}

const char *rr_kind_name(enum rr_kind k)
{
	switch (k) {
	case RR_ENGINE_VERSION:
		return "required_engine_version";
	case RR_PLUGIN_VERSIONS:
		return "required plugin versions";
	case RR_LIST:
		return "list";
	case RR_MACRO:
		return "macro";
	default:
		return "rule";
	}
}

bool rr_parse_semver(const char *s, unsigned out[3])
{
	unsigned v[3];

	for (int i = 0; i < 3; i++) {
		unsigned long n = 0;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s)) {
			n = n * 10 + (unsigned long)(*s++ - '0');
			if (n > INT_MAX)
				return false;
		}
		v[i] = (unsigned)n;
		if (i < 2 && *s++ != '.')
			return false;
	}
	if (*s)
		return false;
	memcpy(out, v, sizeof(v));
	return true;
}

int rr_engine_version_cmp(const struct rr_item *it)
{
	const unsigned have[3] = { RR_ENGINE_VERSION_MAJOR, RR_ENGINE_VERSION_MINOR,
				   RR_ENGINE_VERSION_PATCH };
	const unsigned want[3] = { it->ver_major, it->ver_minor, it->ver_patch };

	for (int i = 0; i < 3; i++)
		if (want[i] != have[i])
			return want[i] < have[i] ? -1 : 1;
	return 0;
}

/* Valid keys per kind, for unknown-key warnings and their hints. */
static const char *const list_keys[] = { "list", "items", "append", "override" };
static const char *const macro_keys[] = { "macro", "condition", "append", "override" };
static const char *const rule_keys[] = {
	"rule",    "condition",	 "output",	  "desc",
	"priority", "source",	 "enabled",	  "tags",
	"exceptions", "warn_evttypes", "skip-if-unknown-filter", "capture",
	"capture_duration", "append", "override",
};
static const char *const exception_keys[] = { "name", "fields", "comps", "values" };
static const char *const plugin_keys[] = { "name", "version", "alternatives" };
static const char *const item_kinds[] = { "required_engine_version", "required_plugin_versions",
					  "list", "macro", "rule" };

#define RULE_APPENDABLE (RK_CONDITION | RK_OUTPUT | RK_DESC | RK_TAGS | RK_EXCEPTIONS)
#define RULE_REPLACEABLE                                                                     \
	(RULE_APPENDABLE | RK_PRIORITY | RK_ENABLED | RK_CAPTURE | RK_CAPTURE_DURATION |     \
	 RK_WARN_EVTTYPES | RK_SKIP_IF_UNKNOWN_FILTER)

struct reader {
	struct arena *a;
	struct diag_ctx *d;
	const char *file;
};

static struct diag *report_hint_suggest(struct reader *r, enum diag_code code,
					const struct loc *l, const char *word,
					const char *const *cands, size_t n, const char *what,
					const char *in)
{
	struct diag *dg = diag_report(r->d, code, l, "unknown %s '%s'%s%s", what, word,
				      in ? " in " : "", in ? in : "");
	const char *s = diag_suggest(word, cands, n);

	if (dg && s)
		diag_hint(r->d, dg, "did you mean '%s'?", s);
	return dg;
}

/* Warn about each key of `map` not in `valid`; keys that are not scalars
 * are shape errors. */
static void check_keys(struct reader *r, const struct ynode *map, const char *const *valid,
		       size_t nvalid, const char *what)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		bool ok = false;

		if (k->kind != Y_SCALAR) {
			diag_report(r->d, DIAG_YAML_SHAPE, &k->loc,
				    "a key in %s must be a scalar, not a %s", what,
				    yaml_kind_name(k));
			continue;
		}
		for (size_t j = 0; j < nvalid && !ok; j++)
			ok = !strcmp(k->str, valid[j]);
		if (!ok)
			report_hint_suggest(r, DIAG_UNKNOWN_KEY, &k->loc, k->str, valid, nvalid,
					    "key", what);
	}
}

static void set_str(struct rr_str *out, const struct ynode *v)
{
	out->s = v->str;
	out->node = v;
	out->loc = v->loc;
}

/*
 * decode_val: `key` of `map` must be a non-empty scalar. Returns 1 if
 * decoded into out, 0 if absent (reported when required), -1 if present
 * but wrong (reported).
 */
static int get_str(struct reader *r, const struct ynode *map, const char *key, bool required,
		   struct rr_str *out, enum diag_code empty_code)
{
	const struct ynode *k = yaml_map_key(map, key);
	const struct ynode *v = yaml_map_get(map, key);

	if (!k) {
		if (required)
			diag_report(r->d, DIAG_MISSING_KEY, &map->loc, "missing required key '%s'",
				    key);
		return 0;
	}
	if (yaml_is_null(v)) {
		diag_report(r->d, empty_code, &k->loc, "the value of '%s' is empty", key);
		return -1;
	}
	if (v->kind != Y_SCALAR) {
		diag_report(r->d, DIAG_YAML_SHAPE, &v->loc,
			    "the value of '%s' must be a scalar, not a %s", key, yaml_kind_name(v));
		return -1;
	}
	if (v->len == 0) {
		diag_report(r->d, empty_code, &v->loc, "the value of '%s' must be non-empty", key);
		return -1;
	}
	if (strlen(v->str) != v->len) {
		diag_report(r->d, DIAG_YAML_SHAPE, &v->loc, "the value of '%s' contains a NUL byte",
			    key);
		return -1;
	}
	set_str(out, v);
	return 1;
}

/* An optional boolean: -1 absent or bad (reported), else 0/1. */
static int get_bool(struct reader *r, const struct ynode *map, const char *key)
{
	struct rr_str s = { 0 };
	bool b;

	if (get_str(r, map, key, false, &s, DIAG_YAML_SHAPE) <= 0)
		return -1;
	if (!yaml_as_bool(s.node, &b)) {
		diag_report(r->d, DIAG_YAML_SHAPE, &s.loc,
			    "the value of '%s' must be a boolean (true or false), not '%s'", key,
			    s.s);
		return -1;
	}
	return b;
}

/* A sequence of scalars (list items, tags) into a vec of rr_str. Returns
 * false if the value is not a sequence. Null elements are errors. */
static bool get_str_seq(struct reader *r, const struct ynode *map, const char *key,
			struct vec *out)
{
	const struct ynode *k = yaml_map_key(map, key);
	const struct ynode *v = yaml_map_get(map, key);

	if (!k)
		return false;
	if (v->kind != Y_SEQ) {
		/* `tags:` with nothing: yaml-cpp says "not a sequence" too. */
		diag_report(r->d, DIAG_YAML_SHAPE, yaml_is_null(v) ? &k->loc : &v->loc,
			    "the value of '%s' must be a sequence, not a %s", key,
			    yaml_kind_name(v));
		return false;
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *e = v->items[i];
		if (e->kind != Y_SCALAR) {
			diag_report(r->d, DIAG_YAML_SHAPE, &e->loc,
				    "each element of '%s' must be a scalar, not a %s", key,
				    yaml_kind_name(e));
			continue;
		}
		struct rr_str *s = ARENA_NEW(r->a, struct rr_str);
		set_str(s, e);
		vec_push(r->a, out, s);
	}
	return true;
}

static void mark_present(struct rr_item *it, const struct ynode *map)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		if (k->kind == Y_SCALAR)
			it->present |= key_bit(k->str);
	}
}

/*
 * `append:` and `override:`, common to lists, macros and rules.
 * appendable/replaceable: the keys the kind lets override append to or
 * replace.
 */
static void read_append_override(struct reader *r, struct rr_item *it, const struct ynode *map,
				 unsigned appendable, unsigned replaceable)
{
	int app = get_bool(r, map, "append");
	const struct ynode *ok = yaml_map_key(map, "override");
	const struct ynode *ov = yaml_map_get(map, "override");

	if (app == 1) {
		it->append = true;
		diag_report(r->d, DIAG_DEPRECATED_APPEND, &yaml_map_key(map, "append")->loc,
			    "the 'append' key is deprecated; use 'override' with an 'append' "
			    "entry for each key instead");
	}
	if (!ok)
		return;
	if (ov->kind != Y_MAP) {
		diag_report(r->d, DIAG_OVERRIDE_MISUSE, yaml_is_null(ov) ? &ok->loc : &ov->loc,
			    "the value of 'override' must be a mapping of keys to append or "
			    "replace, not a %s",
			    yaml_kind_name(ov));
		return;
	}
	for (size_t i = 0; i < ov->n; i++) {
		const struct ynode *k = ov->items[2 * i], *v = ov->items[2 * i + 1];
		unsigned bit;

		if (k->kind != Y_SCALAR)
			continue; /* check_keys-like shape error is not worth a second message */
		bit = key_bit(k->str);
		if (v->kind != Y_SCALAR ||
		    (strcmp(v->str, "append") != 0 && strcmp(v->str, "replace") != 0)) {
			struct diag *dg = diag_report(
				r->d, DIAG_OVERRIDE_MISUSE, &v->loc,
				"invalid override operation for key '%s': '%s'", k->str,
				v->kind == Y_SCALAR ? v->str : yaml_kind_name(v));
			if (dg)
				diag_hint(r->d, dg, "allowed values are:%s%s",
					  (bit & appendable) ? " append" : "",
					  (bit & replaceable) ? " replace" : "");
			continue;
		}
		if (!strcmp(v->str, "append")) {
			if (!(bit & appendable)) {
				struct diag *dg = diag_report(
					r->d, DIAG_OVERRIDE_MISUSE, &k->loc,
					"key '%s' cannot be appended to%s", k->str,
					(bit & replaceable) ? ", use 'replace' instead" : "");
				(void)dg;
				continue;
			}
			it->override_append |= bit;
		} else {
			if (!(bit & replaceable)) {
				diag_report(r->d, DIAG_OVERRIDE_MISUSE, &k->loc,
					    "key '%s' cannot be replaced", k->str);
				continue;
			}
			it->override_replace |= bit;
		}
		if (!(it->present & bit))
			diag_report(r->d, DIAG_OVERRIDE_MISUSE, &k->loc,
				    "%s %s override for '%s' was specified but '%s' is not defined",
				    v->str[0] == 'a' ? "an" : "a", v->str, k->str, k->str);
	}
	it->has_override = (it->override_append | it->override_replace) != 0;
	if (app == 1 && ov->n > 0) {
		struct diag *dg = diag_report(r->d, DIAG_OVERRIDE_MISUSE, &ok->loc,
					      "keys 'override' and 'append: true' cannot be used "
					      "together");
		if (dg)
			diag_hint(r->d, dg, "add an 'append' entry (e.g. 'condition: append') "
					    "under 'override' instead");
	}
	if (!it->has_override)
		return;
	/* Each overridable key present must say how it overrides. */
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		unsigned bit = k->kind == Y_SCALAR ? key_bit(k->str) : 0;

		if (!(bit & (appendable | replaceable)))
			continue;
		if ((it->override_append | it->override_replace) & bit)
			continue;
		struct diag *dg = diag_report(
			r->d, DIAG_OVERRIDE_MISUSE, &k->loc,
			"unexpected key '%s': no corresponding entry under 'override' is defined",
			k->str);
		if (dg)
			diag_hint(r->d, dg, "add '%s: %s' under 'override'", k->str,
				  (bit & appendable) ? "append" : "replace");
	}
}

static bool is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	while (isalpha((unsigned char)*s))
		s++;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool is_barestr(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (strchr("()\"'=,", *s) || isspace((unsigned char)*s))
			return false;
	return true;
}

static void read_list(struct reader *r, struct rr_item *it, const struct ynode *map)
{
	if (get_str(r, map, "list", true, &it->name, DIAG_INVALID_LIST_NAME) > 0) {
		diag_set_item(r->d, "list", it->name.s);
		if (!is_barestr(it->name.s))
			diag_report(r->d, DIAG_INVALID_LIST_NAME, &it->name.loc,
				    "invalid list name '%s': it must match "
				    "([^()\"'[:space:]=,]+)",
				    it->name.s);
	}
	if (!yaml_map_key(map, "items"))
		diag_report(r->d, DIAG_MISSING_KEY, &map->loc, "list has no 'items'");
	else
		get_str_seq(r, map, "items", &it->items);
	check_keys(r, map, list_keys, ARRAY_SIZE(list_keys), "list");
	read_append_override(r, it, map, RK_ITEMS, RK_ITEMS);
}

static void read_macro(struct reader *r, struct rr_item *it, const struct ynode *map)
{
	if (get_str(r, map, "macro", true, &it->name, DIAG_INVALID_MACRO_NAME) > 0) {
		diag_set_item(r->d, "macro", it->name.s);
		if (!is_ident(it->name.s))
			diag_report(r->d, DIAG_INVALID_MACRO_NAME, &it->name.loc,
				    "invalid macro name '%s': it must match "
				    "([a-zA-Z]+[a-zA-Z0-9_]*)",
				    it->name.s);
	}
	check_keys(r, map, macro_keys, ARRAY_SIZE(macro_keys), "macro");
	get_str(r, map, "condition", true, &it->condition, DIAG_YAML_SHAPE);
	read_append_override(r, it, map, RK_CONDITION, RK_CONDITION);
}

/* Exception comparison operators. */
static const char *const plain_ops[] = { "in",	   "pmatch",	 "intersects", "=",
					 "==",	   "!=",	 "<",	       "<=",
					 ">",	   ">=",	 "contains",   "icontains",
					 "bcontains", "startswith", "bstartswith", "endswith",
					 "glob",   "iglob",	 "regex" };
static const char *const string_ops[] = { "contains",	"icontains", "bcontains", "startswith",
					  "bstartswith", "endswith",  "glob",	   "iglob",
					  "regex" };
static const char *const modifiers[] = { "oneof", "anyof", "allof" };

static bool in_table(const char *s, size_t n, const char *const *t, size_t nt)
{
	for (size_t i = 0; i < nt; i++)
		if (strlen(t[i]) == n && !strncmp(s, t[i], n))
			return true;
	return false;
}

/* A string operator followed by a modifier: "startswith oneof". */
static bool is_modified_op(const char *s)
{
	const char *sp = strchr(s, ' ');

	if (!sp || !in_table(s, (size_t)(sp - s), string_ops, ARRAY_SIZE(string_ops)))
		return false;
	while (*sp == ' ')
		sp++;
	return in_table(sp, strlen(sp), modifiers, ARRAY_SIZE(modifiers));
}

static bool is_valid_op(const char *s)
{
	return in_table(s, strlen(s), plain_ops, ARRAY_SIZE(plain_ops)) || is_modified_op(s);
}

static struct rr_str *default_comp(struct reader *r, const struct rr_exception *ex,
				   const char *op)
{
	struct rr_str *s = ARENA_NEW(r->a, struct rr_str);

	s->s = op;
	s->loc = ex->loc;
	return s;
}

/* An exception value element: a scalar, or (depth > 0) a list of
 * elements one level down: a tuple (depth 2) holds scalars or lists of
 * scalars. */
static struct rr_val *read_val(struct reader *r, const struct ynode *v, int depth)
{
	struct rr_val *val = ARENA_NEW(r->a, struct rr_val);

	val->loc = v->loc;
	if (v->kind == Y_SCALAR) {
		set_str(&val->str, v);
		return val;
	}
	if (v->kind == Y_SEQ && depth > 0) {
		val->is_list = true;
		for (size_t i = 0; i < v->n; i++) {
			struct rr_val *e = read_val(r, v->items[i], depth - 1);
			if (e)
				vec_push(r->a, &val->items, e);
		}
		return val;
	}
	diag_report(r->d, DIAG_EXCEPTION_SHAPE, &v->loc,
		    "an exception value must be a scalar%s, not a %s",
		    depth > 0 ? " or a list of scalars" : "", yaml_kind_name(v));
	return NULL;
}

static void read_exception_fields(struct reader *r, struct rr_exception *ex,
				  const struct ynode *em, bool is_update)
{
	const struct ynode *fk = yaml_map_key(em, "fields");
	const struct ynode *f = yaml_map_get(em, "fields");

	if (!fk) {
		/* Fields may be omitted only when adding values to an existing
		 * exception. */
		if (!is_update)
			diag_report(r->d, DIAG_EXCEPTION_SHAPE, &ex->loc,
				    "exception '%s' has no 'fields'", ex->name.s);
		return;
	}
	if (f->kind == Y_SCALAR && f->len > 0) {
		struct rr_str *s = ARENA_NEW(r->a, struct rr_str);
		set_str(s, f);
		vec_push(r->a, &ex->fields, s);
		ex->has_fields = true;
		return;
	}
	if (f->kind != Y_SEQ) {
		diag_report(r->d, DIAG_EXCEPTION_SHAPE, yaml_is_null(f) ? &fk->loc : &f->loc,
			    "exception fields must be a field name or a list of field names, "
			    "not %s",
			    f->kind == Y_SCALAR ? "an empty string" : yaml_kind_name(f));
		return;
	}
	ex->has_fields = ex->fields_is_list = true;
	for (size_t i = 0; i < f->n; i++) {
		const struct ynode *e = f->items[i];
		if (e->kind != Y_SCALAR || e->len == 0) {
			diag_report(r->d, DIAG_EXCEPTION_SHAPE, &e->loc,
				    "each exception field must be a non-empty field name");
			continue;
		}
		struct rr_str *s = ARENA_NEW(r->a, struct rr_str);
		set_str(s, e);
		vec_push(r->a, &ex->fields, s);
	}
}

static void check_comp(struct reader *r, const struct rr_str *c, bool single)
{
	if (single) {
		if (!strcmp(c->s, "in") || !strcmp(c->s, "pmatch") ||
		    !strcmp(c->s, "intersects") || is_modified_op(c->s))
			return;
		struct diag *dg = diag_report(r->d, DIAG_EXCEPTION_SHAPE, &c->loc,
					      "invalid comparison operator '%s' for a single "
					      "exception field",
					      c->s);
		if (dg)
			diag_hint(r->d, dg, "with a single field, comps must be in, pmatch, "
					    "intersects or a string operator with a modifier "
					    "(e.g. 'startswith oneof')");
		return;
	}
	if (!is_valid_op(c->s)) {
		const char *s = diag_suggest(c->s, plain_ops, ARRAY_SIZE(plain_ops));
		struct diag *dg = diag_report(r->d, DIAG_EXCEPTION_SHAPE, &c->loc,
					      "invalid comparison operator '%s'", c->s);
		if (dg && s)
			diag_hint(r->d, dg, "did you mean '%s'?", s);
	}
}

static void read_exception_comps(struct reader *r, struct rr_exception *ex,
				 const struct ynode *em)
{
	const struct ynode *ck = yaml_map_key(em, "comps");
	const struct ynode *c = yaml_map_get(em, "comps");
	bool single = ex->has_fields && !ex->fields_is_list;

	if (ck) {
		ex->has_comps = true;
		if (c->kind == Y_SCALAR && c->len > 0) {
			struct rr_str *s = ARENA_NEW(r->a, struct rr_str);
			set_str(s, c);
			vec_push(r->a, &ex->comps, s);
			if (ex->fields_is_list)
				diag_report(r->d, DIAG_EXCEPTION_SHAPE, &c->loc,
					    "exception '%s': fields is a list, so comps must be a "
					    "list of the same length",
					    ex->name.s);
			else
				check_comp(r, s, single);
		} else if (c->kind == Y_SEQ) {
			for (size_t i = 0; i < c->n; i++) {
				const struct ynode *e = c->items[i];
				if (e->kind != Y_SCALAR || e->len == 0) {
					diag_report(r->d, DIAG_EXCEPTION_SHAPE, &e->loc,
						    "each exception comp must be an operator");
					continue;
				}
				struct rr_str *s = ARENA_NEW(r->a, struct rr_str);
				set_str(s, e);
				vec_push(r->a, &ex->comps, s);
				check_comp(r, s, false);
			}
			if (single)
				diag_report(r->d, DIAG_EXCEPTION_SHAPE, &c->loc,
					    "exception '%s': fields is a single field, so comps "
					    "must be a single operator",
					    ex->name.s);
			else if (ex->fields_is_list && c->n != ex->fields.n)
				diag_report(r->d, DIAG_EXCEPTION_SHAPE, &c->loc,
					    "exception '%s': fields and comps lists must have "
					    "equal length (%zu fields, %zu comps)",
					    ex->name.s, ex->fields.n, c->n);
		} else {
			diag_report(r->d, DIAG_EXCEPTION_SHAPE,
				    yaml_is_null(c) ? &ck->loc : &c->loc,
				    "exception comps must be an operator or a list of operators");
		}
		return;
	}
	/* Defaults, so later passes need not special-case absence. */
	if (ex->fields_is_list)
		for (size_t i = 0; i < ex->fields.n; i++)
			vec_push(r->a, &ex->comps, default_comp(r, ex, "="));
	else if (single)
		vec_push(r->a, &ex->comps, default_comp(r, ex, "in"));
}

static void read_exception_values(struct reader *r, struct rr_exception *ex,
				  const struct ynode *em, bool is_update)
{
	const struct ynode *vk = yaml_map_key(em, "values");
	const struct ynode *v = yaml_map_get(em, "values");

	if (!vk) {
		/* a nameless exception was reported already */
		if (is_update && ex->name.s && *ex->name.s)
			diag_report(r->d, DIAG_APPEND_NO_VALUES, &ex->loc,
				    "overriding/appending exception '%s' with no values",
				    ex->name.s);
		return;
	}
	ex->has_values = true;
	if (v->kind != Y_SEQ) {
		if (!yaml_is_null(v))
			diag_report(r->d, DIAG_EXCEPTION_SHAPE, &v->loc,
				    "exception values must be a sequence, not a %s",
				    yaml_kind_name(v));
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *e = v->items[i];
		struct rr_val *val;

		if (ex->fields_is_list) {
			if (e->kind != Y_SEQ) {
				diag_report(r->d, DIAG_EXCEPTION_SHAPE, &e->loc,
					    "exception '%s': each value must be a list of %zu "
					    "element%s, one per field",
					    ex->name.s, ex->fields.n, ex->fields.n == 1 ? "" : "s");
				continue;
			}
			/* Tuple elements may be lists: `[proc.name, [a, b]]`. */
			val = read_val(r, e, 2);
			if (val && e->n != ex->fields.n)
				diag_report(r->d, DIAG_EXCEPTION_SHAPE, &e->loc,
					    "exception '%s': fields and values lists must have "
					    "equal length (%zu fields, %zu values)",
					    ex->name.s, ex->fields.n, e->n);
		} else {
			val = read_val(r, e, 1);
		}
		if (val)
			vec_push(r->a, &ex->values, val);
	}
}

static void read_exceptions(struct reader *r, struct rr_item *it, const struct ynode *map)
{
	const struct ynode *xk = yaml_map_key(map, "exceptions");
	const struct ynode *xs = yaml_map_get(map, "exceptions");
	bool is_update = it->append || (it->override_append & RK_EXCEPTIONS) ||
			 (it->override_replace & RK_EXCEPTIONS);

	if (!xk || yaml_is_null(xs))
		return; /* no exceptions, or `exceptions:` with nothing: allowed */
	if (xs->kind != Y_SEQ) {
		diag_report(r->d, DIAG_EXCEPTION_SHAPE, &xs->loc,
			    "rule exceptions must be a sequence, not a %s", yaml_kind_name(xs));
		return;
	}
	for (size_t i = 0; i < xs->n; i++) {
		const struct ynode *em = xs->items[i];
		struct rr_exception *ex;

		if (em->kind != Y_MAP) {
			diag_report(r->d, DIAG_EXCEPTION_SHAPE, &em->loc,
				    "a rule exception must be a mapping, not a %s",
				    yaml_kind_name(em));
			continue;
		}
		ex = ARENA_NEW(r->a, struct rr_exception);
		ex->loc = em->loc;
		check_keys(r, em, exception_keys, ARRAY_SIZE(exception_keys), "exception");
		if (get_str(r, em, "name", false, &ex->name, DIAG_EXCEPTION_SHAPE) == 0)
			diag_report(r->d, DIAG_EXCEPTION_SHAPE, &em->loc,
				    "rule exception has no 'name'");
		if (!ex->name.s)
			ex->name.s = "";
		for (size_t j = 0; ex->name.node && j < it->exceptions.n; j++) {
			const struct rr_exception *o = it->exceptions.v[j];
			if (o->name.node && !strcmp(o->name.s, ex->name.s)) {
				struct diag *dg = diag_report(
					r->d, DIAG_EXCEPTION_DUP, &ex->name.loc,
					"exception names in the same object must be unique: '%s'",
					ex->name.s);
				if (dg)
					diag_hint(r->d, dg, "'%s' was first defined at line %u",
						  o->name.s, o->name.loc.line);
				break;
			}
		}
		read_exception_fields(r, ex, em, is_update);
		read_exception_comps(r, ex, em);
		read_exception_values(r, ex, em, is_update);
		vec_push(r->a, &it->exceptions, ex);
	}
}

static void read_rule(struct reader *r, struct rr_item *it, const struct ynode *map)
{
	const struct ynode *nk = yaml_map_key(map, "rule");
	const struct ynode *nv = yaml_map_get(map, "rule");
	struct rr_str pri = { 0 };
	int rc;

	if (nv->kind == Y_SCALAR && nv->len > 0 && strlen(nv->str) == nv->len) {
		set_str(&it->name, nv);
		diag_set_item(r->d, "rule", it->name.s);
	} else if (nv->kind == Y_SCALAR) {
		diag_report(r->d, DIAG_INVALID_RULE_NAME, yaml_is_null(nv) ? &nk->loc : &nv->loc,
			    "a rule name must be a non-empty string");
	} else {
		diag_report(r->d, DIAG_YAML_SHAPE, &nv->loc,
			    "a rule name must be a string, not a %s", yaml_kind_name(nv));
	}
	check_keys(r, map, rule_keys, ARRAY_SIZE(rule_keys), "rule");

	get_str(r, map, "condition", false, &it->condition, DIAG_YAML_SHAPE);
	get_str(r, map, "output", false, &it->output, DIAG_YAML_SHAPE);
	get_str(r, map, "desc", false, &it->desc, DIAG_YAML_SHAPE);
	get_str(r, map, "source", false, &it->source, DIAG_YAML_SHAPE);
	rc = get_str(r, map, "priority", false, &pri, DIAG_BAD_PRIORITY);
	if (rc > 0) {
		it->priority_str = pri;
		it->priority = rr_priority_parse(pri.s);
		if (it->priority < 0) {
			struct diag *dg = diag_report(r->d, DIAG_BAD_PRIORITY, &pri.loc,
						      "invalid priority '%s'", pri.s);
			if (dg)
				diag_hint(r->d, dg,
					  "valid priorities are Emergency, Alert, Critical, Error, "
					  "Warning, Notice, Informational (or Info) and Debug, in "
					  "any case");
		}
	}
	it->enabled = get_bool(r, map, "enabled");
	it->warn_evttypes = get_bool(r, map, "warn_evttypes");
	it->skip_if_unknown_filter = get_bool(r, map, "skip-if-unknown-filter");
	it->capture = get_bool(r, map, "capture");
	{
		struct rr_str cd = { 0 };
		if (get_str(r, map, "capture_duration", false, &cd, DIAG_YAML_SHAPE) > 0) {
			char *end;
			errno = 0;
			long v = strtol(cd.s, &end, 10);
			if (*end || end == cd.s || errno || v < 0 || !isdigit((unsigned char)*cd.s))
				diag_report(r->d, DIAG_YAML_SHAPE, &cd.loc,
					    "the value of 'capture_duration' must be a "
					    "non-negative integer (milliseconds), not '%s'",
					    cd.s);
			else
				it->capture_duration = v;
		}
	}
	get_str_seq(r, map, "tags", &it->tags);
	read_append_override(r, it, map, RULE_APPENDABLE, RULE_REPLACEABLE);
	read_exceptions(r, it, map);

	/* Falco: a rule with none of these is the old way to toggle one. */
	if (!it->append && !it->has_override &&
	    !(it->present & (RK_CONDITION | RK_OUTPUT | RK_DESC | RK_PRIORITY))) {
		it->enabled_only = true;
		if (!(it->present & RK_ENABLED)) {
			diag_report(r->d, DIAG_MISSING_KEY, &map->loc,
				    "rule has none of 'condition', 'output', 'desc', 'priority' "
				    "nor 'enabled'");
		} else {
			struct diag *dg = diag_report(
				r->d, DIAG_DEPRECATED_ENABLED, &yaml_map_key(map, "enabled")->loc,
				"the standalone 'enabled' key is deprecated");
			if (dg)
				diag_hint(r->d, dg, "add 'override: {enabled: replace}' to the "
						    "item");
		}
	}
}

bool rr_check_new_rule(struct diag_ctx *d, const struct rr_item *it)
{
	static const unsigned req[] = { RK_CONDITION, RK_OUTPUT, RK_DESC, RK_PRIORITY };
	bool ok = true;

	if (it->kind != RR_RULE || it->enabled_only)
		return true;
	diag_set_item(d, "rule", it->name.s);
	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		if (it->present & req[i])
			continue;
		diag_report(d, DIAG_MISSING_KEY, &it->loc, "rule '%s' has no '%s'",
			    it->name.s ? it->name.s : "", rr_key_name(req[i]));
		ok = false;
	}
	diag_set_item(d, NULL, NULL);
	return ok;
}

static void read_engine_version(struct reader *r, struct rr_item *it, const struct ynode *map)
{
	diag_set_item(r->d, "required_engine_version", "");
	check_keys(r, map, item_kinds, 1, "required_engine_version");
	if (get_str(r, map, "required_engine_version", true, &it->version, DIAG_YAML_SHAPE) <= 0)
		return;

	const char *s = it->version.s;
	unsigned v[3];
	size_t n = strspn(s, "0123456789");

	if (n > 0 && !s[n] && n < 10) {
		/* Legacy integer N means 0.N.0. */
		v[0] = 0;
		v[1] = (unsigned)strtoul(s, NULL, 10);
		v[2] = 0;
	} else if (!rr_parse_semver(s, v)) {
		diag_report(r->d, DIAG_YAML_SHAPE, &it->version.loc,
			    "unable to parse engine version '%s' as a semver string; expected "
			    "\"x.y.z\"",
			    s);
		return;
	}
	it->ver_major = v[0];
	it->ver_minor = v[1];
	it->ver_patch = v[2];
	if (rr_engine_version_cmp(it) > 0)
		diag_report(r->d, DIAG_ENGINE_VERSION, &it->version.loc,
			    "rules require engine version %u.%u.%u, but falcoc implements "
			    "%u.%u.%u",
			    v[0], v[1], v[2], RR_ENGINE_VERSION_MAJOR, RR_ENGINE_VERSION_MINOR,
			    RR_ENGINE_VERSION_PATCH);
}

static struct rr_plugin *read_plugin(struct reader *r, const struct ynode *pm, bool is_alt)
{
	struct rr_plugin *p;

	if (pm->kind != Y_MAP) {
		diag_report(r->d, DIAG_YAML_SHAPE, &pm->loc, "plugin version %s must be a mapping",
			    is_alt ? "alternative" : "entry");
		return NULL;
	}
	p = ARENA_NEW(r->a, struct rr_plugin);
	p->loc = pm->loc;
	check_keys(r, pm, plugin_keys, is_alt ? 2 : 3,
		   is_alt ? "plugin version alternative" : "plugin version entry");
	if (get_str(r, pm, "name", true, &p->name, DIAG_YAML_SHAPE) <= 0)
		return NULL;
	if (get_str(r, pm, "version", true, &p->version, DIAG_YAML_SHAPE) <= 0)
		return NULL;
	if (!rr_parse_semver(p->version.s, p->ver)) {
		diag_report(r->d, DIAG_YAML_SHAPE, &p->version.loc,
			    "unable to parse plugin version '%s' as a semver string; expected "
			    "\"x.y.z\"",
			    p->version.s);
		return NULL;
	}
	return p;
}

/* Is requirement p met by a plugin falcoc provides? 1 yes, 0 too new,
 * -1 unknown plugin. */
static int plugin_satisfied(const struct rr_plugin *p)
{
	if (strcmp(p->name.s, RR_CONTAINER_PLUGIN) != 0)
		return -1;
	/* Plugin semver: same major, and at least the required minor. */
	return p->ver[0] == RR_CONTAINER_PLUGIN_MAJOR && p->ver[1] <= RR_CONTAINER_PLUGIN_MINOR;
}

static void read_plugin_versions(struct reader *r, struct rr_item *it, const struct ynode *map)
{
	const struct ynode *v = yaml_map_get(map, "required_plugin_versions");

	diag_set_item(r->d, "required plugin versions", "");
	check_keys(r, map, item_kinds + 1, 1, "required_plugin_versions");
	if (v->kind != Y_SEQ) {
		diag_report(r->d, DIAG_YAML_SHAPE, &v->loc,
			    "the value of required_plugin_versions must be a sequence, not a %s",
			    yaml_kind_name(v));
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		struct rr_plugin *p = read_plugin(r, v->items[i], false);
		const struct ynode *alts;
		int best;

		if (!p)
			continue;
		alts = yaml_map_get(v->items[i], "alternatives");
		if (alts && alts->kind != Y_SEQ) {
			diag_report(r->d, DIAG_YAML_SHAPE, &alts->loc,
				    "the value of plugin version alternatives must be a sequence");
		} else if (alts) {
			for (size_t j = 0; j < alts->n; j++) {
				struct rr_plugin *alt = read_plugin(r, alts->items[j], true);
				if (alt)
					vec_push(r->a, &p->alternatives, alt);
			}
		}
		vec_push(r->a, &it->plugins, p);

		/* Met if the plugin or any alternative is provided, new enough. */
		best = plugin_satisfied(p);
		for (size_t j = 0; j < p->alternatives.n && best != 1; j++) {
			int s = plugin_satisfied(p->alternatives.v[j]);
			if (s > best)
				best = s;
		}
		if (best == 0)
			diag_report(r->d, DIAG_PLUGIN_VERSION, &p->version.loc,
				    "plugin '%s' version %s is required, but falcoc provides the "
				    "fields of %s %u.%u.x",
				    p->name.s, p->version.s, RR_CONTAINER_PLUGIN,
				    RR_CONTAINER_PLUGIN_MAJOR, RR_CONTAINER_PLUGIN_MINOR);
		else if (best < 0)
			diag_report(r->d, DIAG_UNKNOWN_PLUGIN, &p->name.loc,
				    "plugin '%s' is required, but falcoc does not provide it; rules "
				    "using its fields will not compile",
				    p->name.s);
	}
}

static void read_item(struct reader *r, const struct ynode *map, struct vec *out)
{
	struct rr_item *it = ARENA_NEW(r->a, struct rr_item);

	it->loc = map->loc;
	it->file = r->file;
	it->priority = -1;
	it->enabled = it->warn_evttypes = it->skip_if_unknown_filter = it->capture = -1;
	it->capture_duration = -1;
	mark_present(it, map);

	/* The first of these keys the item holds decides its kind (Falco). */
	if (yaml_map_key(map, "required_engine_version")) {
		it->kind = RR_ENGINE_VERSION;
		read_engine_version(r, it, map);
	} else if (yaml_map_key(map, "required_plugin_versions")) {
		it->kind = RR_PLUGIN_VERSIONS;
		read_plugin_versions(r, it, map);
	} else if (yaml_map_key(map, "list")) {
		it->kind = RR_LIST;
		diag_set_item(r->d, "list", "");
		read_list(r, it, map);
	} else if (yaml_map_key(map, "macro")) {
		it->kind = RR_MACRO;
		diag_set_item(r->d, "macro", "");
		read_macro(r, it, map);
	} else if (yaml_map_key(map, "rule")) {
		it->kind = RR_RULE;
		diag_set_item(r->d, "rule", "");
		read_rule(r, it, map);
	} else {
		const struct ynode *k = map->n ? map->items[0] : NULL;
		diag_set_item(r->d, "rules content item", "");
		if (k && k->kind == Y_SCALAR)
			report_hint_suggest(r, DIAG_UNKNOWN_ITEM, &k->loc, k->str, item_kinds,
					    ARRAY_SIZE(item_kinds), "top level item", NULL);
		else
			diag_report(r->d, DIAG_UNKNOWN_ITEM, &map->loc, "unknown top level item");
		diag_set_item(r->d, NULL, NULL);
		return;
	}
	diag_set_item(r->d, NULL, NULL);
	vec_push(r->a, out, it);
}

int rr_read(struct arena *a, struct diag_ctx *d, const char *file, struct vec *docs,
	    struct vec *items_out)
{
	struct reader r = { a, d, file };
	unsigned errors = d->nerrors;

	for (size_t i = 0; i < docs->n; i++) {
		const struct ynode *doc = docs->v[i];

		if (yaml_is_null(doc))
			continue; /* empty documents are allowed */
		if (doc->kind != Y_SEQ) {
			diag_set_item(d, "rules content", "");
			diag_report(d, DIAG_YAML_SHAPE, &doc->loc,
				    "rules content is not a YAML sequence of items, but a %s",
				    yaml_kind_name(doc));
			diag_set_item(d, NULL, NULL);
			continue;
		}
		for (size_t j = 0; j < doc->n; j++) {
			const struct ynode *item = doc->items[j];
			if (yaml_is_null(item))
				continue;
			if (item->kind != Y_MAP) {
				diag_set_item(d, "rules content item", "");
				diag_report(d, DIAG_YAML_SHAPE, &item->loc,
					    "unexpected element type: each item should be a "
					    "mapping, not a %s",
					    yaml_kind_name(item));
				diag_set_item(d, NULL, NULL);
				continue;
			}
			read_item(&r, item, items_out);
		}
	}
	return (int)(d->nerrors - errors);
}

int rr_load_text(struct arena *a, struct diag_ctx *d, const char *file, const char *text,
		 size_t len, struct vec *items_out)
{
	struct vec docs = { 0 };
	bool empty = true;

	if (yaml_load(a, d, file, text, len, &docs) < 0)
		return -1;
	for (size_t i = 0; i < docs.n && empty; i++)
		empty = yaml_is_null(docs.v[i]);
	if (empty) {
		struct loc l = { file, 1, 1, 0 };
		diag_report(d, DIAG_EMPTY_FILE, &l, "the rules file is empty");
		return 0;
	}
	rr_read(a, d, file, &docs, items_out);
	return 0;
}

int rr_load_file(struct arena *a, struct diag_ctx *d, const char *path, struct vec *items_out)
{
	struct loc l = { path, 0, 0, 0 };
	struct stat st;
	char *text;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_report(d, DIAG_FILE_READ, &l, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		diag_report(d, DIAG_FILE_READ, &l, "cannot read '%s': %s", path,
			    S_ISDIR(st.st_mode) ? strerror(EISDIR) : strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > RR_MAX_FILE_SIZE) {
		diag_report(d, DIAG_TOO_LARGE, &l, "'%s' is %lld bytes, more than the %u MiB limit",
			    path, (long long)st.st_size, RR_MAX_FILE_SIZE >> 20);
		close(fd);
		return -1;
	}
	/* Read to EOF (pipes have no size), never past the limit. */
	size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	text = arena_alloc(a, cap + 1);
	for (;;) {
		if (got == cap) {
			if (cap > RR_MAX_FILE_SIZE) {
				diag_report(d, DIAG_TOO_LARGE, &l,
					    "'%s' is more than the %u MiB limit", path,
					    RR_MAX_FILE_SIZE >> 20);
				close(fd);
				return -1;
			}
			char *bigger = arena_alloc(a, 2 * cap + 1);
			memcpy(bigger, text, got);
			text = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, text + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_report(d, DIAG_FILE_READ, &l, "cannot read '%s': %s", path,
				    strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got > RR_MAX_FILE_SIZE) {
		diag_report(d, DIAG_TOO_LARGE, &l, "'%s' is more than the %u MiB limit", path,
			    RR_MAX_FILE_SIZE >> 20);
		return -1;
	}
	text[got] = '\0';
	diag_add_source(d, path, text, got);
	return rr_load_text(a, d, path, text, got, items_out);
}
