// SPDX-License-Identifier: Apache-2.0
/*
 * rules: the item model of a Falco rules file, shared by every pass after
 * the reader.
 *
 * One struct rr_item per top-level YAML item, in file order, holding what
 * the item *says*, located: each value keeps its YAML node (so a later
 * pass can map an offset inside a condition to file:line:col with
 * yaml_scalar_loc()) and its location. Whether a rule item defines a new
 * rule, appends to or overrides an earlier one, or toggles it is decided
 * by the collector, which sees all files; the reader only records which
 * keys were present and how they were marked (append / override).
 */
#ifndef FALCOC_RULES_H
#define FALCOC_RULES_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "yaml_tree.h"

/* The Falco engine version falcoc implements (falco_engine_version.h). */
#define RR_ENGINE_VERSION_MAJOR 0
#define RR_ENGINE_VERSION_MINOR 63
#define RR_ENGINE_VERSION_PATCH 0

/* falcoc provides the fields of the `container` plugin at 0.4.x. */
#define RR_CONTAINER_PLUGIN "container"
#define RR_CONTAINER_PLUGIN_MAJOR 0
#define RR_CONTAINER_PLUGIN_MINOR 4

enum rr_kind { RR_ENGINE_VERSION, RR_PLUGIN_VERSIONS, RR_LIST, RR_MACRO, RR_RULE };

/* Falco order: a lower value is more severe. */
enum rr_priority {
	RR_PRI_EMERGENCY,
	RR_PRI_ALERT,
	RR_PRI_CRITICAL,
	RR_PRI_ERROR,
	RR_PRI_WARNING,
	RR_PRI_NOTICE,
	RR_PRI_INFORMATIONAL,
	RR_PRI_DEBUG,
	RR_PRI__COUNT
};

/* Falco's format_priority() names: "Emergency" ... "Informational", "Debug". */
extern const char *const rr_priority_names[RR_PRI__COUNT];
/* Case-insensitive; "Info" is accepted. Returns -1 if invalid. */
int rr_priority_parse(const char *s);

/* Keys of an item, as bits of rr_item.present / override_append / _replace. */
enum rr_key {
	RK_CONDITION = 1u << 0,
	RK_OUTPUT = 1u << 1,
	RK_DESC = 1u << 2,
	RK_PRIORITY = 1u << 3,
	RK_SOURCE = 1u << 4,
	RK_ENABLED = 1u << 5,
	RK_TAGS = 1u << 6,
	RK_EXCEPTIONS = 1u << 7,
	RK_WARN_EVTTYPES = 1u << 8,
	RK_SKIP_IF_UNKNOWN_FILTER = 1u << 9,
	RK_CAPTURE = 1u << 10,
	RK_CAPTURE_DURATION = 1u << 11,
	RK_ITEMS = 1u << 12,
	RK_APPEND = 1u << 13,
	RK_OVERRIDE = 1u << 14,
};
/* "condition", "skip-if-unknown-filter", ... for a single bit; NULL otherwise. */
const char *rr_key_name(unsigned bit);

/* A value with its location. s is NULL when the key is absent. */
struct rr_str {
	const char *s;
	const struct ynode *node; /* the scalar, for yaml_scalar_loc(); may be NULL */
	struct loc loc;
};

/* An exception value element: a scalar, or a list (a tuple of elements in
 * the list form of `fields`, or a list of scalars inside a tuple). */
struct rr_val {
	bool is_list;
	struct rr_str str;  /* scalar form */
	struct vec items;   /* list form: struct rr_val * */
	struct loc loc;
};

struct rr_exception {
	struct rr_str name;
	struct loc loc; /* the exception's mapping */
	/* fields: list form (fields_is_list) or single-string form, which is
	 * stored as a one-element vector. Empty when absent (allowed only
	 * when the item appends/overrides). */
	bool has_fields, fields_is_list;
	struct vec fields; /* struct rr_str * */
	/* comps: as written; when absent, filled with the defaults ("=" for
	 * each list field, "in" for the single form) located at the
	 * exception, and has_comps is false. */
	bool has_comps;
	struct vec comps; /* struct rr_str * */
	/* values: list form: one struct rr_val (is_list, a tuple) per entry;
	 * single form: one struct rr_val per value. */
	bool has_values;
	struct vec values; /* struct rr_val * */
};

struct rr_plugin {
	struct rr_str name, version;
	unsigned ver[3];
	struct vec alternatives; /* struct rr_plugin * (no nested alternatives) */
	struct loc loc;
};

struct rr_item {
	enum rr_kind kind;
	struct loc loc; /* the item's mapping */
	const char *file;
	struct rr_str name; /* rule/macro/list name */
	unsigned present;   /* enum rr_key bits for keys present in the item */

	/* list */
	struct vec items; /* struct rr_str * */

	/* macro and rule */
	struct rr_str condition;

	/* rule */
	struct rr_str output, desc, source; /* source.s NULL: absent ("syscall") */
	int priority;                       /* enum rr_priority, -1 unset */
	struct rr_str priority_str;
	int enabled;                     /* -1 unset, 0, 1 */
	struct vec tags;                 /* struct rr_str * */
	struct vec exceptions;           /* struct rr_exception * */
	int warn_evttypes;               /* -1 unset, 0, 1 */
	int skip_if_unknown_filter;      /* -1 unset, 0, 1 */
	int capture;                     /* -1 unset, 0, 1 */
	long capture_duration;           /* -1 unset */
	bool enabled_only; /* deprecated standalone `- rule: x / enabled: b` toggle */

	/* list, macro, rule */
	bool append; /* deprecated `append: true` */
	bool has_override;
	unsigned override_append, override_replace; /* enum rr_key bits */

	/* required_engine_version */
	struct rr_str version;
	unsigned ver_major, ver_minor, ver_patch;

	/* required_plugin_versions */
	struct vec plugins; /* struct rr_plugin * */
};

/* "x.y.z" (digits only, each < 2^31) -> out; false if malformed. */
bool rr_parse_semver(const char *s, unsigned out[3]);
/* <0, 0, >0 as the item's required engine version is older, equal or
 * newer than falcoc's (RR_ENGINE_VERSION_*). */
int rr_engine_version_cmp(const struct rr_item *it);
/* The item type as Falco names it in locations: "rule", "macro", "list",
 * "required_engine_version", "required plugin versions". */
const char *rr_kind_name(enum rr_kind k);

#endif
