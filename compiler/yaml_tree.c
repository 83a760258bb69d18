// SPDX-License-Identifier: Apache-2.0
/*
 * yaml_tree: libyaml events -> arena tree of located nodes.
 *
 * The builder keeps an explicit stack of open collections (never
 * recursion), so deep input costs a diagnostic, not the C stack. Each
 * open collection gathers its children in a vec; at the end event they
 * are frozen into the node's items array.
 *
 * libyaml marks count characters, not bytes, and lines the YAML way
 * (CR, LF, CRLF, NEL, LS, PS). Our locations are byte based with LF/CR
 * lines, like every other pass and the snippet renderer, so marks are
 * converted by a cursor that walks the text forward; events arrive in
 * nearly ascending order, which keeps a 10 MB file linear.
 *
 * Aliases are resolved to the anchored node. Each node knows its
 * "weight" (nodes reachable through it, aliases included, saturating),
 * and the sum of the weights of all aliases is capped, so a
 * billion-laughs file is an error rather than a hang in a later pass.
 */
#include "yaml_tree.h"

#include <stdint.h>
#include <string.h>
#include <yaml.h>

/* Nodes reachable through aliases, at most (a rules file has few). */
#define YAML_MAX_ALIAS_WEIGHT (4u * 1000 * 1000)

struct ynode_priv {
	struct ynode n;
	size_t weight;
};

#define PRIV(node) ((struct ynode_priv *)(void *)(node))

struct anchor {
	const char *name;
	struct ynode *node;
	struct anchor *next;
};

#define ANCHOR_BUCKETS 256

struct frame {
	struct ynode *node;
	struct vec kids;
};

/* Converts libyaml character indexes and raw byte offsets to our locs. */
struct cursor {
	const char *file;
	const unsigned char *text;
	size_t len;
	size_t ci, bi;     /* character index and byte offset */
	uint32_t line;     /* 1-based line at bi */
	size_t line_start; /* byte offset where that line starts */
};

struct builder {
	struct arena *a;
	struct diag_ctx *d;
	struct cursor cur;
	struct frame *stack;
	size_t depth;
	struct anchor *anchors[ANCHOR_BUCKETS];
	size_t alias_weight;
	struct ynode *root;
};

static size_t utf8_width(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1; /* not a lead byte: count it alone, never stall */
}

static void cursor_reset(struct cursor *c)
{
	c->ci = c->bi = 0;
	c->line = 1;
	c->line_start = 0;
}

/* Advance one character, keeping the line count in step. */
static void cursor_step(struct cursor *c)
{
	unsigned char ch = c->text[c->bi];
	size_t w = utf8_width(ch);

	if (c->bi + w > c->len)
		w = c->len - c->bi;
	c->bi += w;
	c->ci++;
	if (ch == '\n' || (ch == '\r' && (c->bi >= c->len || c->text[c->bi] != '\n'))) {
		c->line++;
		c->line_start = c->bi;
	}
}

static struct loc cursor_loc(const struct cursor *c)
{
	struct loc l = { c->file, c->line, (uint32_t)(c->bi - c->line_start + 1), (uint32_t)c->bi };
	return l;
}

static struct loc mark_loc(struct cursor *c, const yaml_mark_t *m)
{
	if (m->index < c->ci)
		cursor_reset(c);
	while (c->ci < m->index && c->bi < c->len)
		cursor_step(c);
	return cursor_loc(c);
}

/* Byte-wise, since a raw offset may point inside a malformed sequence;
 * the cursor is reset afterwards so character walks stay consistent. */
static struct loc byte_loc(struct cursor *c, size_t off)
{
	cursor_reset(c);
	while (c->bi < off && c->bi < c->len) {
		unsigned char ch = c->text[c->bi++];
		if (ch == '\n' || (ch == '\r' && (c->bi >= c->len || c->text[c->bi] != '\n'))) {
			c->line++;
			c->line_start = c->bi;
		}
	}
	struct loc l = cursor_loc(c);

	cursor_reset(c);
	return l;
}

static unsigned hash_bytes(const char *s, size_t n)
{
	unsigned h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct ynode *node_new(struct builder *b, enum ynode_kind kind, const yaml_event_t *ev,
			      const yaml_char_t *anchor, const yaml_char_t *tag)
{
	struct ynode_priv *p = ARENA_NEW(b->a, struct ynode_priv);

	p->n.kind = kind;
	p->n.loc = mark_loc(&b->cur, &ev->start_mark);
	p->n.end = p->n.loc;
	p->n.anchor = anchor ? arena_strdup(b->a, (const char *)anchor) : NULL;
	p->n.tag = tag ? arena_strdup(b->a, (const char *)tag) : NULL;
	p->weight = 1;
	return &p->n;
}

static void anchor_define(struct builder *b, struct ynode *n)
{
	struct anchor *an;
	unsigned h;

	if (!n->anchor)
		return;
	h = hash_bytes(n->anchor, strlen(n->anchor)) % ANCHOR_BUCKETS;
	an = ARENA_NEW(b->a, struct anchor);
	an->name = n->anchor;
	an->node = n;
	/* At the head, so a redefined anchor shadows the old one (YAML). */
	an->next = b->anchors[h];
	b->anchors[h] = an;
}

static struct ynode *anchor_find(struct builder *b, const char *name)
{
	unsigned h = hash_bytes(name, strlen(name)) % ANCHOR_BUCKETS;

	for (struct anchor *an = b->anchors[h]; an; an = an->next)
		if (!strcmp(an->name, name))
			return an->node;
	return NULL;
}

/* Attach a finished node to the open collection (or make it the root). */
static void attach(struct builder *b, struct ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return;
	}
	struct frame *f = &b->stack[b->depth - 1];
	struct ynode_priv *parent = PRIV(f->node);

	vec_push(b->a, &f->kids, n);
	parent->weight += PRIV(n)->weight;
	if (parent->weight > SIZE_MAX / 4)
		parent->weight = SIZE_MAX / 4;
}

static bool keys_equal(const struct ynode *x, const struct ynode *y)
{
	return x->kind == Y_SCALAR && y->kind == Y_SCALAR && x->len == y->len &&
	       !memcmp(x->str, y->str, x->len);
}

static void dup_report(struct builder *b, const struct ynode *first, const struct ynode *again)
{
	struct diag *dg = diag_report(b->d, DIAG_YAML_DUP_KEY, &again->loc,
				      "duplicate key '%s' in mapping", again->str);
	if (dg)
		diag_hint(b->d, dg, "'%s' was first defined at line %u, column %u", first->str,
			  first->loc.line, first->loc.col);
}

/*
 * Duplicate keys: yaml-cpp silently keeps one of them, which hides real
 * mistakes (two `condition:` keys), so we report every repeat. Small maps
 * are checked pairwise; big ones through a hash table of key indexes.
 */
static void check_dup_keys(struct builder *b, const struct ynode *m)
{
	size_t n = m->n;

	if (n < 2)
		return;
	if (n <= 16) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (keys_equal(m->items[2 * j], m->items[2 * i])) {
					dup_report(b, m->items[2 * j], m->items[2 * i]);
					break;
				}
		return;
	}
	size_t cap = 32;
	while (cap < 2 * n)
		cap *= 2;
	size_t *tab = ARENA_NEWN(b->a, size_t, cap); /* index + 1; 0 = empty */
	for (size_t i = 0; i < n; i++) {
		const struct ynode *k = m->items[2 * i];
		if (k->kind != Y_SCALAR)
			continue;
		size_t h = hash_bytes(k->str, k->len) & (cap - 1);
		for (;;) {
			if (!tab[h]) {
				tab[h] = i + 1;
				break;
			}
			if (keys_equal(m->items[2 * (tab[h] - 1)], k)) {
				dup_report(b, m->items[2 * (tab[h] - 1)], k);
				break;
			}
			h = (h + 1) & (cap - 1);
		}
	}
}

static int open_collection(struct builder *b, const yaml_event_t *ev)
{
	bool is_map = ev->type == YAML_MAPPING_START_EVENT;
	struct ynode *n;

	if (b->depth >= YAML_MAX_DEPTH) {
		struct loc l = mark_loc(&b->cur, &ev->start_mark);
		diag_report(b->d, DIAG_YAML_PARSE, &l, "nesting deeper than %d levels",
			    YAML_MAX_DEPTH);
		return -1;
	}
	if (is_map) {
		n = node_new(b, Y_MAP, ev, ev->data.mapping_start.anchor,
			     ev->data.mapping_start.tag);
		n->style = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE ? YS_FLOW
										  : YS_BLOCK;
	} else {
		n = node_new(b, Y_SEQ, ev, ev->data.sequence_start.anchor,
			     ev->data.sequence_start.tag);
		n->style = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE ? YS_FLOW
										    : YS_BLOCK;
	}
	struct frame *f = &b->stack[b->depth++];
	f->node = n;
	memset(&f->kids, 0, sizeof(f->kids));
	return 0;
}

static void close_collection(struct builder *b, const yaml_event_t *ev)
{
	struct frame *f = &b->stack[--b->depth];
	struct ynode *n = f->node;

	n->end = mark_loc(&b->cur, &ev->end_mark);
	n->items = (struct ynode **)f->kids.v;
	n->n = n->kind == Y_MAP ? f->kids.n / 2 : f->kids.n;
	if (n->kind == Y_MAP)
		check_dup_keys(b, n);
	/* Defined only now, so an alias inside its own anchor is "unknown"
	 * and the tree can never contain a cycle. */
	anchor_define(b, n);
	attach(b, n);
}

static void add_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *n = node_new(b, Y_SCALAR, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
	size_t len = ev->data.scalar.length;
	char *s = arena_alloc(b->a, len + 1);

	memcpy(s, ev->data.scalar.value, len);
	n->str = s;
	n->len = len;
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		n->style = YS_SINGLE;
		break;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = YS_DOUBLE;
		break;
	case YAML_LITERAL_SCALAR_STYLE:
		n->style = YS_LITERAL;
		break;
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = YS_FOLDED;
		break;
	default:
		n->style = YS_PLAIN;
		break;
	}
	n->end = mark_loc(&b->cur, &ev->end_mark);
	anchor_define(b, n);
	attach(b, n);
}

static int add_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct ynode *n = anchor_find(b, name);
	struct loc l = mark_loc(&b->cur, &ev->start_mark);

	if (!n) {
		diag_report(b->d, DIAG_YAML_PARSE, &l, "unknown anchor '%s' referenced", name);
		return -1;
	}
	b->alias_weight += PRIV(n)->weight;
	if (b->alias_weight > YAML_MAX_ALIAS_WEIGHT) {
		diag_report(b->d, DIAG_YAML_PARSE, &l,
			    "aliases expand to more than %u nodes; refusing to build the tree",
			    YAML_MAX_ALIAS_WEIGHT);
		return -1;
	}
	attach(b, n);
	return 0;
}

static void report_parser_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown YAML error";
	struct loc l;

	if (p->error == YAML_READER_ERROR) {
		/* Reader errors carry a raw byte offset, not a mark. */
		l = byte_loc(&b->cur, p->problem_offset);
		if (strstr(problem, "UTF-8") || strstr(problem, "Unicode"))
			diag_report(b->d, DIAG_BAD_UTF8, &l, "invalid UTF-8: %s", problem);
		else if ((int)p->problem_value >= 0 && p->problem_value < 0x20)
			diag_report(b->d, DIAG_YAML_PARSE, &l, "%s (byte 0x%02x)", problem,
				    (unsigned)p->problem_value);
		else
			diag_report(b->d, DIAG_YAML_PARSE, &l, "%s", problem);
		return;
	}
	l = mark_loc(&b->cur, &p->problem_mark);
	if (p->context) {
		struct loc cl = mark_loc(&b->cur, &p->context_mark);
		diag_report(b->d, DIAG_YAML_PARSE, &l, "%s, %s at line %u, column %u", problem,
			    p->context, cl.line, cl.col);
	} else {
		diag_report(b->d, DIAG_YAML_PARSE, &l, "%s", problem);
	}
}

int yaml_load(struct arena *a, struct diag_ctx *d, const char *file, const char *text,
	      size_t len, struct vec *docs_out)
{
	struct builder b;
	yaml_parser_t p;
	int ret = -1;

	memset(&b, 0, sizeof(b));
	b.a = a;
	b.d = d;
	b.cur.file = file;
	b.cur.text = (const unsigned char *)text;
	b.cur.len = len;
	cursor_reset(&b.cur);
	b.stack = ARENA_NEWN(a, struct frame, YAML_MAX_DEPTH + 1);

	if (!yaml_parser_initialize(&p)) {
		struct loc l = { file, 0, 0, 0 };
		diag_report(d, DIAG_YAML_PARSE, &l, "cannot initialise the YAML parser");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	/* Rules files are UTF-8; forcing it keeps byte offsets meaningful
	 * (a UTF-16 file is reported as invalid UTF-8, not silently decoded). */
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

	for (;;) {
		yaml_event_t ev;
		int rc = 0;
		bool done = false;

		if (!yaml_parser_parse(&p, &ev)) {
			report_parser_error(&b, &p);
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			b.root = NULL;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (b.root)
				vec_push(a, docs_out, b.root);
			b.root = NULL;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			rc = open_collection(&b, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			close_collection(&b, &ev);
			break;
		case YAML_SCALAR_EVENT:
			add_scalar(&b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = add_alias(&b, &ev);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc)
			break;
		if (done) {
			ret = 0;
			break;
		}
	}
	yaml_parser_delete(&p);
	return ret;
}

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t escape_len(const char *raw, size_t p, size_t len)
{
	if (p + 1 >= len)
		return 1;
	switch (raw[p + 1]) {
	case 'x':
		return 4;
	case 'u':
		return 6;
	case 'U':
		return 10;
	default:
		return 2;
	}
}

/* Location of raw byte r, counting lines from the scalar's start mark. */
static void raw_to_loc(const struct ynode *s, const char *raw, size_t rlen, size_t r,
		       struct loc *out)
{
	uint32_t line = s->loc.line;
	size_t ls = s->loc.off - (s->loc.col - 1);

	for (size_t i = s->loc.off; i < r; i++) {
		if (raw[i] == '\n' || (raw[i] == '\r' && (i + 1 >= rlen || raw[i + 1] != '\n'))) {
			line++;
			ls = i + 1;
		}
	}
	out->file = s->loc.file;
	out->line = line;
	out->col = (uint32_t)(r - ls + 1);
	out->off = (uint32_t)r;
}

/*
 * Walk the decoded value and the raw text in lockstep. Between two
 * non-blank value characters the raw text can only hold blanks (line
 * folding, indentation) or, in quoted styles, quoting; so each non-blank
 * value character is the next non-blank raw character. Blanks in the
 * value map to the raw position right after the previous character.
 *
 * With map != NULL, records the raw offset of every value offset
 * 0..len (len+1 entries) in one pass; otherwise stops at `stop` and
 * returns its raw offset in *raw_out.
 */
static bool scalar_walk(const struct ynode *s, const char *raw, size_t rlen, size_t stop,
			uint32_t *map, size_t *raw_out)
{
	size_t p, last_end, vi = 0;

#define SCALAR_AT(v, r)                                                                            \
	do {                                                                                       \
		if (map)                                                                           \
			map[v] = (uint32_t)(r);                                                    \
		else if ((v) == stop) {                                                            \
			*raw_out = (r);                                                            \
			return true;                                                               \
		}                                                                                  \
	} while (0)

	if (!s || s->kind != Y_SCALAR || !raw || s->loc.off > rlen || s->loc.col == 0 ||
	    s->loc.off < s->loc.col - 1)
		return false;
	p = s->loc.off;
	/* A tag (`!= foo`) precedes the value: step over it. */
	if (s->tag && p < rlen && raw[p] == '!') {
		while (p < rlen && !is_ws((unsigned char)raw[p]))
			p++;
	}
	while (s->tag && p < rlen && (raw[p] == ' ' || raw[p] == '\t'))
		p++;
	switch (s->style) {
	case YS_LITERAL:
	case YS_FOLDED:
		/* The header line (indicator, chomping, indent, comment). */
		while (p < rlen && raw[p] != '\n' && raw[p] != '\r')
			p++;
		break;
	case YS_SINGLE:
	case YS_DOUBLE:
		if (p < rlen && (raw[p] == '\'' || raw[p] == '"'))
			p++;
		break;
	default:
		break;
	}
	last_end = p;
	for (;;) {
		if (vi >= s->len) {
			SCALAR_AT(s->len, last_end);
			return true;
		}
		unsigned char c = (unsigned char)s->str[vi];
		if (is_ws(c)) {
			SCALAR_AT(vi, p);
			vi++;
			/* Consume the raw blank or escape that produced it, when it
			 * is right there; folded line breaks have no raw twin. */
			if (p < rlen && (unsigned char)raw[p] == c && c != '\n')
				p++;
			else if (s->style == YS_DOUBLE && p + 1 < rlen && raw[p] == '\\' &&
				 raw[p + 1] != '\n' && raw[p + 1] != '\r')
				p += escape_len(raw, p, rlen);
			continue;
		}
		while (p < rlen && is_ws((unsigned char)raw[p]))
			p++;
		if (p >= rlen)
			return false;
		if (s->style == YS_DOUBLE && raw[p] == '\\') {
			size_t el = escape_len(raw, p, rlen);
			if (el == 2 && (raw[p + 1] == '\n' || raw[p + 1] == '\r')) {
				p += 2; /* escaped line break: produces nothing */
				continue;
			}
			size_t produce = utf8_width(c);
			for (size_t k = 0; k < produce && vi + k < s->len; k++)
				SCALAR_AT(vi + k, p);
			vi += produce;
			p += el;
			last_end = p;
			continue;
		}
		if ((unsigned char)raw[p] != c)
			return false;
		SCALAR_AT(vi, p);
		if (s->style == YS_SINGLE && c == '\'')
			p++; /* '' is one quote */
		p++;
		vi++;
		last_end = p;
	}
#undef SCALAR_AT
}

bool yaml_scalar_loc(const struct ynode *s, const char *raw, size_t rlen, size_t value_off,
		     struct loc *out)
{
	size_t r;

	if (!s || value_off > s->len || !scalar_walk(s, raw, rlen, value_off, NULL, &r))
		return false;
	raw_to_loc(s, raw, rlen, r, out);
	return true;
}

const uint32_t *yaml_scalar_rawmap(struct arena *a, const struct ynode *s, const char *raw,
				   size_t rlen)
{
	if (!s || s->kind != Y_SCALAR)
		return NULL;
	uint32_t *map = ARENA_NEWN(a, uint32_t, s->len + 1);
	if (!scalar_walk(s, raw, rlen, 0, map, NULL))
		return NULL;
	return map;
}

bool yaml_is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != Y_SCALAR || n->style != YS_PLAIN)
		return false;
	return n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	       !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

const struct ynode *yaml_map_key(const struct ynode *map, const char *key)
{
	size_t kl = strlen(key);

	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		if (k->kind == Y_SCALAR && k->len == kl && !memcmp(k->str, key, kl))
			return k;
	}
	return NULL;
}

const struct ynode *yaml_map_get(const struct ynode *map, const char *key)
{
	size_t kl = strlen(key);

	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		if (k->kind == Y_SCALAR && k->len == kl && !memcmp(k->str, key, kl))
			return map->items[2 * i + 1];
	}
	return NULL;
}

bool yaml_as_bool(const struct ynode *n, bool *out)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true", "True",
					   "TRUE", "on", "On", "ON" };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "false", "False",
					  "FALSE", "off", "Off", "OFF" };

	if (!n || n->kind != Y_SCALAR)
		return false;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(n->str, yes[i])) {
			*out = true;
			return true;
		}
		if (!strcmp(n->str, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

const char *yaml_kind_name(const struct ynode *n)
{
	if (yaml_is_null(n))
		return "null";
	switch (n->kind) {
	case Y_SCALAR:
		return "scalar";
	case Y_SEQ:
		return "sequence";
	default:
		return "mapping";
	}
}
