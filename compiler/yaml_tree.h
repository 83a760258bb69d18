// SPDX-License-Identifier: Apache-2.0
/*
 * yaml_tree: a located YAML document tree, built from libyaml events.
 *
 * Every node carries the file location of its start (and end) mark, so
 * later passes can point at the exact key or value that is wrong. The
 * tree lives in the caller's arena. Aliases are resolved to the anchored
 * node (the same pointer, as yaml-cpp does), so the tree is a DAG, never
 * cyclic: an alias to a node that is still open is an error.
 *
 * Scalars keep their value as libyaml decodes it: plain `=` stays the
 * string "=" (no implicit typing happens here), and a tag is recorded but
 * never changes the value. Note that YAML reads a plain `!= foo` as the
 * tag `!=` on the scalar "foo"; yaml-cpp does the same and ignores the
 * tag when converting to a string, and so do we.
 */
#ifndef FALCOC_YAML_TREE_H
#define FALCOC_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

enum ynode_style {
	YS_PLAIN,
	YS_SINGLE,  /* 'x' */
	YS_DOUBLE,  /* "x" */
	YS_LITERAL, /* | */
	YS_FOLDED,  /* > */
	YS_FLOW,    /* collections: [..] or {..} */
	YS_BLOCK,   /* collections: indented */
};

struct ynode {
	enum ynode_kind kind;
	enum ynode_style style;
	/* Start mark: for block scalars the `|`/`>` indicator, for quoted
	 * scalars the opening quote, for a key the first char of the key. */
	struct loc loc;
	struct loc end; /* end mark (one past the last char) */
	/* Scalars: the decoded value, NUL-terminated; len is authoritative
	 * (a "\0" escape can put a NUL inside). Collections: NULL/0. */
	const char *str;
	size_t len;
	const char *tag;    /* NULL if none; "!=" for `!= foo` */
	const char *anchor; /* NULL if none */
	/* Sequences: n items. Maps: n pairs, items[2*i] is the key and
	 * items[2*i+1] its value. */
	struct ynode **items;
	size_t n;
};

/* Nesting deeper than this is reported instead of built. */
#define YAML_MAX_DEPTH 1000

/*
 * Parse `text` (len bytes, need not be NUL-terminated) and append one root
 * node per document to docs_out (an empty document gives a null scalar).
 * Problems are reported to d: YAML syntax (DIAG_YAML_PARSE), invalid UTF-8
 * (DIAG_BAD_UTF8), duplicate mapping keys (DIAG_YAML_DUP_KEY, not fatal),
 * excessive nesting or alias expansion (DIAG_YAML_PARSE).
 * Returns 0 on success (possibly with duplicate-key errors), -1 if the
 * text could not be parsed; docs_out then holds the documents completed
 * before the error.
 */
int yaml_load(struct arena *a, struct diag_ctx *d, const char *file, const char *text,
	      size_t len, struct vec *docs_out);

/*
 * Map byte offset value_off (0..len) inside a scalar's decoded value to
 * the file location of the character that produced it. Works exactly for
 * plain, folded, literal and single-quoted scalars, and for double-quoted
 * ones without escapes (best effort with them). value_off == len maps just
 * past the last character. file_text must be the text the node was
 * parsed from. Returns false (out untouched) if it cannot be mapped.
 */
bool yaml_scalar_loc(const struct ynode *scalar, const char *file_text, size_t file_len,
		     size_t value_off, struct loc *out);

/*
 * The same mapping for every offset at once, in one pass: an arena array
 * of len+1 raw byte offsets into file_text (convert with
 * diag_offset_loc). NULL if the scalar cannot be mapped.
 */
const uint32_t *yaml_scalar_rawmap(struct arena *a, const struct ynode *scalar,
				   const char *file_text, size_t file_len);

/* A YAML null: an empty plain scalar, `~`, `null`, `Null`, `NULL`. */
bool yaml_is_null(const struct ynode *n);
/* The value for `key` in a map (first match), or NULL. */
const struct ynode *yaml_map_get(const struct ynode *map, const char *key);
/* The key node for `key` in a map, or NULL. */
const struct ynode *yaml_map_key(const struct ynode *map, const char *key);
/* yaml-cpp's bool conversion: true/false, yes/no, on/off, y/n in lower,
 * Capitalised or UPPER case. False if the node is not such a scalar. */
bool yaml_as_bool(const struct ynode *n, bool *out);
/* "scalar", "sequence", "mapping" (or "null") for messages. */
const char *yaml_kind_name(const struct ynode *n);

#endif
