// SPDX-License-Identifier: Apache-2.0
/*
 * fields: field table, event-name table and the checks sema runs on them.
 *
 * Data structure: three static const arrays expanded from fields.def and
 * evtnames.def (fields, event names, event parameter names), plus one
 * open-addressing hash index per array, holding array index + 1 (0 marks
 * an empty slot). The indexes are sized to a power of two at least twice
 * the entry count, so probes stay short; they are built on first use and
 * never change afterwards. Sema resolves thousands of field tokens per
 * file, so a lookup is one FNV-1a hash and usually one strncmp.
 *
 * The first-use initialisation is not thread-safe; call any lookup once
 * before sharing the tables between threads.
 */
#include "fields.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct field_info field_table[] = {
#define FIELD(name, type, flags, arg, cls, src, disp)                                              \
	{ name, type, flags, arg, cls, src, disp, src != SRC_SINSP },
#include "fields.def"
};

#define NFIELDS (sizeof(field_table) / sizeof(field_table[0]))

struct evt_entry {
	const char *name;
	enum evt_kind kind;
	enum evt_category cat;
};

static const struct evt_entry evt_table[] = {
#define EVT(name, kind, cat) { name, kind, cat },
#include "evtnames.def"
};

#define NEVTS (sizeof(evt_table) / sizeof(evt_table[0]))

static const char *const evtparam_table[] = {
#define EVTPARAM(name) name,
#include "evtnames.def"
};

#define NPARAMS (sizeof(evtparam_table) / sizeof(evtparam_table[0]))

/* ---- hash indexes ---------------------------------------------------- */

#define FIELD_SLOTS 1024u
#define EVT_SLOTS 1024u
#define PARAM_SLOTS 512u

_Static_assert(FIELD_SLOTS >= 2 * NFIELDS, "grow FIELD_SLOTS");
_Static_assert(EVT_SLOTS >= 2 * NEVTS, "grow EVT_SLOTS");
_Static_assert(PARAM_SLOTS >= 2 * NPARAMS, "grow PARAM_SLOTS");

static uint16_t field_slots[FIELD_SLOTS];
static uint16_t evt_slots[EVT_SLOTS];
static uint16_t param_slots[PARAM_SLOTS];
static bool indexes_built;

static uint32_t hash_n(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Names are reached through a getter so one index routine serves the
 * three tables. */
typedef const char *(*name_at_fn)(size_t i);

static const char *field_name_at(size_t i)
{
	return field_table[i].name;
}

static const char *evt_name_at(size_t i)
{
	return evt_table[i].name;
}

static const char *param_name_at(size_t i)
{
	return evtparam_table[i];
}

static void index_build(uint16_t *slots, unsigned nslots, size_t n, name_at_fn name_at)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = name_at(i);
		uint32_t h = hash_n(s, strlen(s)) & (nslots - 1);

		/* A duplicate would make the later entry unreachable; the
		 * generator rejects duplicates, so keep the first silently. */
		while (slots[h] != 0) {
			if (strcmp(name_at(slots[h] - 1), s) == 0)
				break;
			h = (h + 1) & (nslots - 1);
		}
		if (slots[h] == 0)
			slots[h] = (uint16_t)(i + 1);
	}
}

static void indexes_init(void)
{
	if (indexes_built)
		return;
	index_build(field_slots, FIELD_SLOTS, NFIELDS, field_name_at);
	index_build(evt_slots, EVT_SLOTS, NEVTS, evt_name_at);
	index_build(param_slots, PARAM_SLOTS, NPARAMS, param_name_at);
	indexes_built = true;
}

/* Index of the entry named exactly s[0..n), or -1. */
static int index_find(const uint16_t *slots, unsigned nslots, name_at_fn name_at, const char *s,
		      size_t n)
{
	uint32_t h;

	indexes_init();
	h = hash_n(s, n) & (nslots - 1);
	while (slots[h] != 0) {
		const char *e = name_at(slots[h] - 1);

		if (strncmp(e, s, n) == 0 && e[n] == '\0')
			return slots[h] - 1;
		h = (h + 1) & (nslots - 1);
	}
	return -1;
}

static int field_find(const char *s, size_t n)
{
	return index_find(field_slots, FIELD_SLOTS, field_name_at, s, n);
}

/* ---- field table ----------------------------------------------------- */

size_t fields_count(void)
{
	return NFIELDS;
}

const struct field_info *fields_at(size_t i)
{
	return i < NFIELDS ? &field_table[i] : NULL;
}

int fields_index(const struct field_info *f)
{
	if (f < field_table || f >= field_table + NFIELDS)
		return -1;
	return (int)(f - field_table);
}

static const char *const type_names[] = {
#define X(id, text) text,
	FIELDS_TYPES(X)
#undef X
};

const char *fields_type_name(enum ftype t)
{
	return (unsigned)t < FT__COUNT ? type_names[t] : "?";
}

bool fields_type_is_numeric(enum ftype t)
{
	switch (t) {
	case FT_INT8:
	case FT_INT16:
	case FT_INT32:
	case FT_INT64:
	case FT_UINT8:
	case FT_UINT16:
	case FT_UINT32:
	case FT_UINT64:
	case FT_RELTIME:
	case FT_ABSTIME:
	case FT_DOUBLE:
	case FT_PORT:
	case FT_FLAGS8:
	case FT_FLAGS16:
	case FT_FLAGS32:
	case FT_UID:
	case FT_GID:
		return true;
	default:
		return false;
	}
}

static bool arg_is_dotted(enum field_arg a)
{
	return a == ARG_EVTPARAM || a == ARG_EVTPARAM_NAME || a == ARG_EVTTYPE ||
	       a == ARG_ABSPATH || a == ARG_CGROUP;
}

const struct field_info *fields_lookup(const char *name, const char **dotted_arg)
{
	size_t len = strlen(name);
	int i;

	if (dotted_arg)
		*dotted_arg = NULL;
	i = field_find(name, len);
	if (i >= 0)
		return &field_table[i];

	/* Longest dotted-argument field that prefixes name at a '.'. Only
	 * those fields parse a dotted suffix in libsinsp; any other field
	 * followed by more name (proc.aname.2, k8s.pod.label.app) fails
	 * libsinsp's whole-name match. */
	for (size_t n = len; n-- > 0;) {
		if (name[n] != '.' || n + 1 == len)
			continue;
		i = field_find(name, n);
		if (i >= 0 && arg_is_dotted(field_table[i].arg)) {
			if (dotted_arg)
				*dotted_arg = name + n + 1;
			return &field_table[i];
		}
	}
	return NULL;
}

/* ---- suggestions ----------------------------------------------------- */

#define SUGGEST_MAX 64

/* Optimal string alignment distance (Damerau-Levenshtein restricted to
 * adjacent transpositions), ASCII case-insensitive. Typos in field names
 * are mostly a dropped, doubled or swapped letter, which this scores 1. */
static size_t osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;
			size_t v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && tolower((unsigned char)a[n]) == tolower((unsigned char)b[n]))
		n++;
	return n;
}

const char *fields_suggest(const char *name)
{
	size_t len = strlen(name);
	size_t limit, best_d = (size_t)-1, best_p = 0;
	const char *best = NULL;

	/* k8s.pod.label.app: a bracket-argument field written with a dot. */
	for (size_t n = len; n-- > 0;) {
		int i;

		if (name[n] != '.')
			continue;
		i = field_find(name, n);
		if (i >= 0 && field_table[i].arg != ARG_NONE && !arg_is_dotted(field_table[i].arg))
			return field_table[i].name;
	}

	if (len == 0 || len > SUGGEST_MAX)
		return NULL;
	limit = len / 4 > 2 ? len / 4 : 2;
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *c = field_table[i].name;
		size_t lc = strlen(c), d;

		if (lc > SUGGEST_MAX || (lc > len ? lc - len : len - lc) > limit)
			continue;
		d = osa_distance(name, len, c, lc);
		/* Ties go to the longer common prefix: fd.nam is a truncated
		 * fd.name rather than a mistyped fd.num. */
		if (d < best_d || (d == best_d && common_prefix(name, c) > best_p)) {
			best_d = d;
			best = c;
			best_p = common_prefix(name, c);
		}
	}
	/* Distance 0 means a case-only difference: still worth a hint. */
	return best_d <= limit ? best : NULL;
}

/* ---- arguments ------------------------------------------------------- */

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

bool fields_check_arg(const struct field_info *f, const char *arg, bool via_dots, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;

	if (!arg) {
		/* evt.abspath is flagged ARG_REQUIRED upstream but its
		 * parser accepts the bare name (first path argument). */
		if ((f->flags & EPF_ARG_REQUIRED) && f->arg != ARG_ABSPATH) {
			switch (f->arg) {
			case ARG_EVTPARAM:
			case ARG_EVTPARAM_NAME:
				*why = "requires an argument: an event parameter name, as in "
				       "evt.arg.NAME";
				break;
			case ARG_EVTTYPE:
				*why = "requires an argument: an event name, as in evt.type.is.open";
				break;
			case ARG_CGROUP:
				*why = "requires an argument: a cgroup subsystem, as in "
				       "thread.cgroup.cpuacct";
				break;
			default:
				*why = "requires an argument in brackets";
				break;
			}
			return false;
		}
		return true;
	}

	if (f->arg == ARG_NONE || !(f->flags & (EPF_ARG_REQUIRED | EPF_ARG_ALLOWED))) {
		*why = "does not take an argument";
		return false;
	}

	if (via_dots && !arg_is_dotted(f->arg)) {
		*why = "takes its argument in brackets, not as a dotted suffix";
		return false;
	}
	if (!via_dots && arg_is_dotted(f->arg) && f->arg != ARG_EVTPARAM) {
		*why = "takes its argument as a dotted suffix, not in brackets";
		return false;
	}

	switch (f->arg) {
	case ARG_NONE:
		break;
	case ARG_INDEX:
		if (!all_digits(arg)) {
			*why = "argument must be a non-negative integer index";
			return false;
		}
		/* The plugin API refuses leading zeros (01 is not an index). */
		if (f->plugin && arg[0] == '0' && arg[1] != '\0') {
			*why = "index argument must not start with 0";
			return false;
		}
		return true;
	case ARG_KEY:
		return true;
	case ARG_EVTPARAM:
		if (!via_dots) {
			if (!all_digits(arg)) {
				*why = "takes a parameter index in brackets; write evt.arg.NAME for "
				       "a named parameter";
				return false;
			}
			return true;
		}
		/* fallthrough */
	case ARG_EVTPARAM_NAME:
		if (!fields_evtparam_valid(arg)) {
			*why = "unknown event parameter name";
			return false;
		}
		return true;
	case ARG_EVTTYPE:
		if (all_digits(arg) || fields_evtname_valid(arg))
			return true;
		*why = "unknown event type";
		return false;
	case ARG_ABSPATH:
		if (strcmp(arg, "src") == 0 || strcmp(arg, "dst") == 0)
			return true;
		*why = "argument must be 'src' or 'dst'";
		return false;
	case ARG_CGROUP:
		for (const char *p = arg; *p; p++) {
			if (!isalpha((unsigned char)*p) && *p != '_') {
				*why = "cgroup subsystem name may contain only letters and '_'";
				return false;
			}
		}
		if (*arg == '\0') {
			*why = "requires a cgroup subsystem name";
			return false;
		}
		return true;
	}
	return true;
}

/* ---- operators ------------------------------------------------------- */

bool fields_op_ok(const struct field_info *f, enum ast_op op, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;

	if (op == OP_EXISTS)
		return true;

	if (f->flags & EPF_IS_LIST) {
		switch (f->type) {
		case FT_CHARBUF:
		case FT_UINT64:
		case FT_RELTIME:
		case FT_ABSTIME:
		case FT_BOOL:
		case FT_IPADDR:
		case FT_IPNET:
			if (op == OP_IN || op == OP_INTERSECTS)
				return true;
			*why = "operator is not supported for list fields (only in, intersects, "
			       "exists)";
			return false;
		default:
			*why = "list fields of this type cannot be compared";
			return false;
		}
	}

	/* evt.rawarg takes the type of the named parameter, which depends on
	 * the event; we cannot know it here. */
	if (f->type == FT_DYN)
		return true;

	if (fields_type_is_numeric(f->type)) {
		switch (op) {
		case OP_EQ:
		case OP_EQEQ:
		case OP_NE:
		case OP_LT:
		case OP_LE:
		case OP_GT:
		case OP_GE:
		case OP_IN:
		case OP_INTERSECTS:
			return true;
		default:
			*why = "operator is not supported for numeric fields";
			return false;
		}
	}

	switch (f->type) {
	case FT_BOOL:
		switch (op) {
		case OP_EQ:
		case OP_EQEQ:
		case OP_NE:
		case OP_IN:
		case OP_INTERSECTS:
			return true;
		default:
			*why = "operator is not supported for boolean fields";
			return false;
		}
	case FT_IPADDR:
	case FT_IPNET:
		switch (op) {
		case OP_EQ:
		case OP_EQEQ:
		case OP_NE:
		case OP_IN:
		case OP_INTERSECTS:
			return true;
		default:
			*why = "operator is not supported for IP address and network fields";
			return false;
		}
	case FT_CHARBUF:
	case FT_FSPATH:
		if (op == OP_BCONTAINS || op == OP_BSTARTSWITH) {
			*why = "operator is not supported for string fields (bcontains and "
			       "bstartswith apply to byte buffers)";
			return false;
		}
		return true;
	case FT_BYTEBUF:
		switch (op) {
		case OP_EQ:
		case OP_EQEQ:
		case OP_NE:
		case OP_CONTAINS:
		case OP_IN:
		case OP_STARTSWITH:
		case OP_ENDSWITH:
		case OP_INTERSECTS:
		case OP_BCONTAINS:
		case OP_BSTARTSWITH:
			return true;
		default:
			*why = "operator is not supported for buffer fields";
			return false;
		}
	default:
		*why = "fields of this type cannot be compared";
		return false;
	}
}

/* ---- values ---------------------------------------------------------- */

/*
 * Parse an integer literal: optional sign, then decimal digits or 0x hex.
 * Stores the magnitude and sign; fails on empty input, stray characters or
 * a magnitude beyond 64 bits.
 */
static bool parse_int(const char *s, bool *neg, uint64_t *mag)
{
	const char *p = s;
	char *end;
	int base = 10;

	*neg = false;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return false;
	} else if (!isdigit((unsigned char)*p)) {
		return false;
	}
	errno = 0;
	*mag = strtoull(p, &end, base);
	return errno == 0 && *end == '\0';
}

static bool check_int(enum ftype t, const char *v, const char **why)
{
	bool neg, is_signed = false;
	uint64_t mag, max;

	switch (t) {
	case FT_INT8:
		is_signed = true;
		max = INT8_MAX;
		break;
	case FT_INT16:
		is_signed = true;
		max = INT16_MAX;
		break;
	case FT_INT32:
		is_signed = true;
		max = INT32_MAX;
		break;
	case FT_INT64:
		is_signed = true;
		max = INT64_MAX;
		break;
	case FT_UINT8:
	case FT_FLAGS8:
		max = UINT8_MAX;
		break;
	case FT_UINT16:
	case FT_FLAGS16:
	case FT_PORT:
		max = UINT16_MAX;
		break;
	case FT_UINT32:
	case FT_FLAGS32:
	case FT_UID:
	case FT_GID:
		max = UINT32_MAX;
		break;
	default:
		max = UINT64_MAX;
		break;
	}
	if (!parse_int(v, &neg, &mag)) {
		*why = "not an integer";
		return false;
	}
	if (neg && !is_signed && mag != 0) {
		*why = "negative value for an unsigned field";
		return false;
	}
	/* The negative range reaches one further than the positive one. */
	if (mag > max + (uint64_t)(neg && is_signed)) {
		*why = "integer out of range for the field's type";
		return false;
	}
	return true;
}

static bool check_ip(const char *v, bool net, const char **why)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(v, '/');
	size_t alen = slash ? (size_t)(slash - v) : strlen(v);
	/* libsinsp picks the family by the presence of a '.'. */
	bool v4 = strchr(v, '.') != NULL;

	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	if (inet_pton(v4 ? AF_INET : AF_INET6, addr, buf) != 1)
		goto bad;
	if (!net) {
		if (slash) {
			*why = "an IP address cannot have a /prefix; compare a network field "
			       "such as fd.net instead";
			return false;
		}
		return true;
	}
	if (!slash) {
		/* libsinsp requires the prefix for IPv4 networks; IPv6
		 * parsing is left lenient. */
		if (v4) {
			*why = "an IPv4 network needs a /prefix length, as in 10.0.0.0/8";
			return false;
		}
		return true;
	}
	if (!all_digits(slash + 1) || strlen(slash + 1) > 3 ||
	    atoi(slash + 1) > (v4 ? 32 : 128)) {
		*why = "invalid network prefix length";
		return false;
	}
	return true;
bad:
	*why = net ? "not an IP network (address/prefix)" : "not an IP address";
	return false;
}

bool fields_check_value(const struct field_info *f, const char *v, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;

	switch (f->type) {
	case FT_CHARBUF:
	case FT_FSPATH:
	case FT_BYTEBUF:
	case FT_DYN:
	case FT_SOCKFAMILY:
		/* evt.type values are checked against the event table by
		 * libsinsp's validate_filter_value(). */
		if (strcmp(f->name, "evt.type") == 0 && !fields_evtname_valid(v)) {
			*why = "unknown event type";
			return false;
		}
		return true;
	case FT_BOOL:
		/* libsinsp accepts exactly these two spellings. */
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			return true;
		*why = "boolean value must be 'true' or 'false'";
		return false;
	case FT_PORT:
		/* An empty port is 0; a non-numeric one is looked up with
		 * getservbyname() at load time, which depends on the host's
		 * /etc/services, so any service-like name is accepted. */
		if (*v == '\0')
			return true;
		if (*v == '-' || *v == '+') {
			/* a sign makes it a number, never a service name */
			*why = *v == '-' ? "negative value for an unsigned field"
					 : "not a port number or service name";
			return false;
		}
		if (!all_digits(v)) {
			for (const char *p = v; *p; p++) {
				if (!isalnum((unsigned char)*p) && !strchr("-_.+/", *p)) {
					*why = "not a port number or service name";
					return false;
				}
			}
			return true;
		}
		return check_int(f->type, v, why);
	case FT_DOUBLE: {
		char *end;

		errno = 0;
		(void)strtod(v, &end);
		if (*v == '\0' || *end != '\0' || errno == ERANGE) {
			*why = "not a number";
			return false;
		}
		return true;
	}
	case FT_IPADDR:
		return check_ip(v, false, why);
	case FT_IPNET:
		return check_ip(v, true, why);
	case FT_L4PROTO:
		/* No field has this type; libsinsp parses it as uint8. */
		return check_int(FT_UINT8, v, why);
	default:
		if (fields_type_is_numeric(f->type))
			return check_int(f->type, v, why);
		return true;
	}
}

/* ---- event names ----------------------------------------------------- */

size_t fields_evtname_count(void)
{
	return NEVTS;
}

const char *fields_evtname(size_t i)
{
	return i < NEVTS ? evt_table[i].name : NULL;
}

int fields_evtname_index(const char *name)
{
	return index_find(evt_slots, EVT_SLOTS, evt_name_at, name, strlen(name));
}

bool fields_evtname_valid(const char *name)
{
	return fields_evtname_index(name) >= 0;
}

bool fields_evtname_is_syscall(size_t i)
{
	return i < NEVTS && evt_table[i].kind == EVK_SYSCALL;
}

enum evt_kind fields_evtname_kind(size_t i)
{
	return i < NEVTS ? evt_table[i].kind : EVK_OTHER;
}

enum evt_category fields_evtname_category(size_t i)
{
	return i < NEVTS ? evt_table[i].cat : EC_UNKNOWN;
}

bool fields_evtparam_valid(const char *name)
{
	return index_find(param_slots, PARAM_SLOTS, param_name_at, name, strlen(name)) >= 0;
}
