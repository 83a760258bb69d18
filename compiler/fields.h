/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fields: the filter-field table and the event-name table.
 *
 * Both tables are static const arrays built from X-macro files
 * (fields.def, evtnames.def) that are the single place where a field's
 * name, type, flags and argument syntax, and the names evt.type accepts,
 * are declared. Lookups go through small open-addressing hash indexes
 * built on first use, so resolving a field costs one hash probe.
 *
 * The checks here mirror libsinsp: field/argument resolution follows the
 * filtercheck parse_field_name() code, operator/type compatibility follows
 * flt_is_comparable(), and value checks follow the filter value parser.
 * Where libsinsp is lenient or we are unsure, the checks accept.
 *
 * The "why" strings returned by the checks are static: callers print them
 * after the field and operator, e.g.
 *   "proc.name bcontains": operator is not supported for string fields
 */
#ifndef FALCOC_FIELDS_H
#define FALCOC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

/* Field value types: libsinsp's PT_* types that fields (or event
 * parameters reached through evt.rawarg) can have. */
#define FIELDS_TYPES(X)                                                                            \
	X(CHARBUF, "CHARBUF")                                                                      \
	X(BYTEBUF, "BYTEBUF")                                                                      \
	X(BOOL, "BOOL")                                                                            \
	X(INT8, "INT8")                                                                            \
	X(INT16, "INT16")                                                                          \
	X(INT32, "INT32")                                                                          \
	X(INT64, "INT64")                                                                          \
	X(UINT8, "UINT8")                                                                          \
	X(UINT16, "UINT16")                                                                        \
	X(UINT32, "UINT32")                                                                        \
	X(UINT64, "UINT64")                                                                        \
	X(RELTIME, "RELTIME")                                                                      \
	X(ABSTIME, "ABSTIME")                                                                      \
	X(DOUBLE, "DOUBLE")                                                                        \
	X(IPADDR, "IPADDR")                                                                        \
	X(IPNET, "IPNET")                                                                          \
	X(PORT, "PORT")                                                                            \
	X(L4PROTO, "L4PROTO")                                                                      \
	X(SOCKFAMILY, "SOCKFAMILY")                                                                \
	X(FLAGS8, "FLAGS8")                                                                        \
	X(FLAGS16, "FLAGS16")                                                                      \
	X(FLAGS32, "FLAGS32")                                                                      \
	X(UID, "UID")                                                                              \
	X(GID, "GID")                                                                              \
	X(FSPATH, "FSPATH")                                                                        \
	X(DYN, "DYN")

enum ftype {
#define X(id, text) FT_##id,
	FIELDS_TYPES(X)
#undef X
		FT__COUNT
};

/* Field flags, as libsinsp's EPF_* (our own bit values). */
enum field_flags {
	EPF_FILTER_ONLY = 1u << 0,      /* not usable in outputs */
	EPF_PRINT_ONLY = 1u << 1,       /* not usable in conditions */
	EPF_ARG_REQUIRED = 1u << 2,     /* an argument must be given */
	EPF_TABLE_ONLY = 1u << 3,       /* only for sysdig tables/charts */
	EPF_ARG_ALLOWED = 1u << 4,      /* an argument may be given */
	EPF_IS_LIST = 1u << 5,          /* value is a list: in/intersects/exists */
	EPF_ARG_INDEX = 1u << 6,        /* plugin: the argument may be an index */
	EPF_ARG_KEY = 1u << 7,          /* plugin: the argument may be a key */
	EPF_DEPRECATED = 1u << 8,       /* warn on use */
	EPF_NO_TRANSFORMER = 1u << 9,   /* cannot be wrapped in a transformer */
	EPF_NO_RHS = 1u << 10,          /* cannot appear in val() */
	EPF_NO_PTR_STABILITY = 1u << 11 /* libsinsp internal; kept for fidelity */
};

/* How a field's argument is spelled and checked (fields.def "arg"). */
enum field_arg {
	ARG_NONE,          /* no argument */
	ARG_INDEX,         /* name[N], N a non-negative integer */
	ARG_KEY,           /* name[anything] */
	ARG_EVTPARAM,      /* evt.arg.NAME or evt.arg[N] */
	ARG_EVTPARAM_NAME, /* evt.rawarg.NAME only */
	ARG_EVTTYPE,       /* evt.type.is.NAME or evt.type.is.N */
	ARG_ABSPATH,       /* evt.abspath[.src|.dst], argument optional */
	ARG_CGROUP,        /* thread.cgroup.SUBSYS */
};

enum field_source { SRC_SINSP, SRC_CONTAINER };

struct field_info {
	const char *name;
	enum ftype type;
	unsigned flags; /* enum field_flags bits */
	enum field_arg arg;
	const char *fclass;
	enum field_source source;
	const char *display;
	bool plugin; /* provided by a plugin (source != SRC_SINSP) */
};

size_t fields_count(void);
const struct field_info *fields_at(size_t i);
/* Index of f in the table (for ast->field_id). */
int fields_index(const struct field_info *f);

const char *fields_type_name(enum ftype t);
bool fields_type_is_numeric(enum ftype t);

/*
 * Resolve a field name as written in a condition (without any [arg]).
 * An exact match wins. Otherwise, for the fields whose argument is
 * written as a dotted suffix (evt.arg, evt.rawarg, evt.type.is,
 * evt.abspath, thread.cgroup), the longest such field that is a prefix
 * of name followed by '.' is returned and *dotted_arg points into name
 * just past that '.'. Returns NULL for an unknown field. *dotted_arg is
 * set to NULL when there is no dotted argument; dotted_arg may be NULL.
 */
const struct field_info *fields_lookup(const char *name, const char **dotted_arg);

/*
 * A "did you mean" candidate for an unknown field name, or NULL when
 * nothing is plausibly close. If name is a bracket-argument field
 * followed by a dotted suffix (k8s.pod.label.app), that field is
 * returned: the caller should suggest the bracket form.
 */
const char *fields_suggest(const char *name);

/*
 * Check a field's argument: arg is NULL when none was written, via_dots
 * says whether it came as a dotted suffix (from fields_lookup) rather
 * than in brackets. On failure returns false and sets *why.
 */
bool fields_check_arg(const struct field_info *f, const char *arg, bool via_dots, const char **why);

/*
 * Operator/type compatibility, as libsinsp's flt_is_comparable. For a
 * modifier (oneof/anyof/allof) pass the base operator.
 */
bool fields_op_ok(const struct field_info *f, enum ast_op op, const char **why);

/*
 * Check a right-hand literal (already unquoted and unescaped) against the
 * field's type. Strings accept anything; evt.type values must be event
 * names.
 */
bool fields_check_value(const struct field_info *f, const char *value, const char **why);

/* Event kinds and categories used by evtnames.def. */
enum evt_kind { EVK_SYSCALL, EVK_TRACEPOINT, EVK_META, EVK_PLUGIN, EVK_OTHER };
enum evt_category {
	EC_UNKNOWN,
	EC_OTHER,
	EC_FILE,
	EC_NET,
	EC_IPC,
	EC_MEMORY,
	EC_PROCESS,
	EC_SLEEP,
	EC_SYSTEM,
	EC_SIGNAL,
	EC_USER,
	EC_TIME,
	EC_IO_READ,
	EC_IO_WRITE,
	EC_IO_OTHER,
	EC_WAIT,
	EC_SCHEDULER,
	EC_INTERNAL,
	EC_ITER,
};

/*
 * Event names, for evt.type. Indices are dense (0 .. count-1) and stable
 * (the order of evtnames.def), so they can index a bitset.
 */
size_t fields_evtname_count(void);
const char *fields_evtname(size_t i);
int fields_evtname_index(const char *name); /* -1 if unknown */
bool fields_evtname_valid(const char *name);
bool fields_evtname_is_syscall(size_t i);
enum evt_kind fields_evtname_kind(size_t i);
enum evt_category fields_evtname_category(size_t i);

/* Whether some event has a parameter of this name (evt.arg.NAME). */
bool fields_evtparam_valid(const char *name);

#endif
