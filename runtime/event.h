/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event: the one event ABI of falcoc.
 *
 * Every event source (a .scap capture, the eBPF probe, the kernel module)
 * delivers events in libscap's wire format, so one decoder serves all:
 *
 *   struct rt_evt_hdr (26 bytes, packed, little endian)
 *     u64 ts       nanoseconds since the epoch
 *     u64 tid      thread id
 *     u32 len      total length, header included
 *     u16 type     PPME code (runtime/event_table.def)
 *     u32 nparams
 *   u16 lens[nparams]      (u32 for RT_EF_LARGE_PAYLOAD events)
 *   param bytes, back to back, in table order
 *
 * A capture may hold fewer parameters than the table lists (older
 * drivers); decoders use what is there and treat the rest as absent.
 * Parameter types are libscap's PT_* types; their encodings are
 * documented beside RT_PARAM_TYPES below.
 */
#ifndef FALCOC_EVENT_H
#define FALCOC_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_EVT_HDR_LEN 26
#define RT_MAX_PARAMS 64

struct __attribute__((packed)) rt_evt_hdr {
	uint64_t ts;
	uint64_t tid;
	uint32_t len;
	uint16_t type;
	uint32_t nparams;
};

/* Event categories and flags (driver ppm_events_public.h). */
enum rt_evt_category {
	RT_EC_UNKNOWN = 0,
	RT_EC_OTHER = 1,
	RT_EC_FILE = 2,
	RT_EC_NET = 3,
	RT_EC_IPC = 4,
	RT_EC_MEMORY = 5,
	RT_EC_PROCESS = 6,
	RT_EC_SLEEP = 7,
	RT_EC_SYSTEM = 8,
	RT_EC_SIGNAL = 9,
	RT_EC_USER = 10,
	RT_EC_TIME = 11,
	RT_EC_IO_READ = 32,
	RT_EC_IO_WRITE = 33,
	RT_EC_IO_OTHER = 34,
	RT_EC_WAIT = 64,
	RT_EC_SCHEDULER = 128,
	RT_EC_INTERNAL = 256,
	RT_EC_SYSCALL = 1 << 10,
	RT_EC_TRACEPOINT = 1 << 11,
	RT_EC_PLUGIN = 1 << 12,
	RT_EC_METAEVENT = 1 << 13,
	RT_EC_ITER = 1 << 14,
};

enum rt_evt_flags {
	RT_EF_NONE = 0,
	RT_EF_CREATES_FD = 1 << 0,
	RT_EF_DESTROYS_FD = 1 << 1,
	RT_EF_USES_FD = 1 << 2,
	RT_EF_READS_FROM_FD = 1 << 3,
	RT_EF_WRITES_TO_FD = 1 << 4,
	RT_EF_MODIFIES_STATE = 1 << 5,
	RT_EF_UNUSED = 1 << 6,
	RT_EF_WAITS = 1 << 7,
	RT_EF_SKIPPARSERESET = 1 << 8,
	RT_EF_OLD_VERSION = 1 << 9,
	RT_EF_DROP_SIMPLE_CONS = 1 << 10,
	RT_EF_LARGE_PAYLOAD = 1 << 11,
	RT_EF_USED_BY_PLUGIN = 1 << 12,
	RT_EF_CONVERTER_MANAGED = 1 << 13,
	RT_EF_TMP_CONVERTER_MANAGED = 1 << 14,
};

/*
 * Parameter types. Encodings (little endian):
 *   integers, FD (s64), PID (s64), ERRNO (s64), UID/GID (u32), flags and
 *   enumflags (their width), MODE (u32), SYSCALLID (u16), SIGTYPE (u8),
 *   RELTIME/ABSTIME (u64 ns), PORT (u16), IPV4ADDR (4 bytes), IPV6ADDR (16)
 *   CHARBUF, FSPATH, FSRELPATH: NUL-terminated string
 *   BYTEBUF: raw bytes; CHARBUFARRAY: NUL-separated strings
 *   SOCKADDR: u8 family + address; SOCKTUPLE: u8 family + src + dst
 *   FDLIST: u16 count + count * (u64 fd, u16 flags)
 *   DYN: u8 index selecting the type
 */
#define RT_PARAM_TYPES(X)                                                                          \
	X(PT_NONE) X(PT_INT8) X(PT_INT16) X(PT_INT32) X(PT_INT64) X(PT_UINT8) X(PT_UINT16)           \
	X(PT_UINT32) X(PT_UINT64) X(PT_CHARBUF) X(PT_BYTEBUF) X(PT_ERRNO) X(PT_SOCKADDR)             \
	X(PT_SOCKTUPLE) X(PT_FD) X(PT_PID) X(PT_FDLIST) X(PT_FSPATH) X(PT_SYSCALLID) X(PT_SIGTYPE)  \
	X(PT_RELTIME) X(PT_ABSTIME) X(PT_PORT) X(PT_L4PROTO) X(PT_SOCKFAMILY) X(PT_BOOL)             \
	X(PT_IPV4ADDR) X(PT_DYN) X(PT_FLAGS8) X(PT_FLAGS16) X(PT_FLAGS32) X(PT_UID) X(PT_GID)        \
	X(PT_DOUBLE) X(PT_SIGSET) X(PT_CHARBUFARRAY) X(PT_CHARBUF_PAIR_ARRAY) X(PT_IPV4NET)          \
	X(PT_IPV6ADDR) X(PT_IPV6NET) X(PT_IPADDR) X(PT_IPNET) X(PT_MODE) X(PT_FSRELPATH)             \
	X(PT_ENUMFLAGS8) X(PT_ENUMFLAGS16) X(PT_ENUMFLAGS32) X(PT_FD32) X(PT_PID32)

enum rt_param_type {
#define X(t) RT_##t,
	RT_PARAM_TYPES(X)
#undef X
	RT_PT__COUNT
};

struct rt_param_info {
	const char *name;
	enum rt_param_type type;
};

struct rt_evt_info {
	uint16_t code;
	const char *ppme; /* "PPME_SYSCALL_OPEN_X" */
	const char *name; /* "open"; "NA" for unused codes */
	bool exit;
	uint32_t category; /* rt_evt_category bits */
	uint32_t flags;    /* rt_evt_flags bits */
	uint16_t nparams;
	const struct rt_param_info *params;
};

/* Events libsinsp consumes itself and never shows to filters: internal
 * ones (procinfo, ...) and the container meta events of a capture.
 * Inline: asked for every event. */
static inline bool rt_evt_is_internal(const struct rt_evt_info *info)
{
	if (!info)
		return true;
	if (info->category & RT_EC_INTERNAL)
		return true;
	return (info->category & RT_EC_METAEVENT) && !__builtin_strcmp(info->name, "container");
}

/* NULL for codes outside the table. Inline: every decode asks. */
extern const struct rt_evt_info rt_evt_table_[];
extern const uint16_t rt_evt_table_n_;
static inline const struct rt_evt_info *rt_evt_info(uint16_t code)
{
	return code < rt_evt_table_n_ && rt_evt_table_[code].ppme ? &rt_evt_table_[code] : NULL;
}
uint16_t rt_evt_count(void);
const char *rt_param_type_name(enum rt_param_type t);

/*
 * A decoded event: pointers into the event's bytes, which the caller
 * keeps alive while the event is processed.
 */
struct rt_event {
	uint64_t num;  /* 1-based sequence number in the source (evt.num) */
	uint64_t ts;
	uint64_t tid;
	uint16_t type;
	uint16_t cpu;
	uint32_t flags; /* EVF block flags from a capture, 0 if none */
	uint32_t nparams;
	const struct rt_evt_info *info; /* NULL if the type is unknown */
	const uint8_t *p[RT_MAX_PARAMS];
	uint32_t plen[RT_MAX_PARAMS];
	const uint8_t *raw; /* the whole event, header included */
	uint32_t raw_len;
	/* raw stays valid and unchanged until its source is closed (a
	 * mapped capture), so the state may keep a pointer to it instead of
	 * a copy; false from rt_event_decode(), the source sets it */
	bool raw_kept;
};

/*
 * Decode an event from its wire bytes. Returns 0, or -1 with a reason in
 * *why when the lengths are inconsistent (never reads past len).
 * Inline: the capture reader decodes every event with it.
 */
static inline int rt_event_decode(const uint8_t *buf, size_t len, struct rt_event *ev, const char **why)
{
	struct rt_evt_hdr h;

	if (len < RT_EVT_HDR_LEN) {
		*why = "event shorter than its header";
		return -1;
	}
	__builtin_memcpy(&h, buf, RT_EVT_HDR_LEN);
	if (h.len < RT_EVT_HDR_LEN || h.len > len) {
		*why = "event length field out of range";
		return -1;
	}
	const struct rt_evt_info *info = rt_evt_info(h.type);
	ev->ts = h.ts;
	ev->tid = h.tid;
	ev->type = h.type;
	ev->info = info;
	ev->raw = buf;
	ev->raw_len = h.len;
	ev->raw_kept = false;
	if (h.nparams > RT_MAX_PARAMS) {
		*why = "too many parameters";
		return -1;
	}
	/* Locals, not ev's fields, in the loops: the stores to ev->p[]
	 * could alias ev->info for the compiler, which would then reload
	 * everything per parameter. This runs for every event. */
	const uint32_t np = h.nparams, end = h.len;
	ev->nparams = np;
	const uint8_t *lens = buf + RT_EVT_HDR_LEN;
	size_t off;
	if (!info || !(info->flags & RT_EF_LARGE_PAYLOAD)) {
		off = RT_EVT_HDR_LEN + 2 * (size_t)np;
		if (off > end)
			goto lens_past;
		for (uint32_t i = 0; i < np; i++) {
			uint16_t l16;
			__builtin_memcpy(&l16, lens + 2 * i, 2);
			ev->p[i] = buf + off;
			ev->plen[i] = l16;
			off += l16;
		}
	} else {
		off = RT_EVT_HDR_LEN + 4 * (size_t)np;
		if (off > end)
			goto lens_past;
		for (uint32_t i = 0; i < np; i++) {
			uint32_t l32;
			__builtin_memcpy(&l32, lens + 4 * i, 4);
			ev->p[i] = buf + off;
			ev->plen[i] = l32;
			off += l32;
		}
	}
	/* One check for all: lengths are unsigned and at most 64 of them
	 * are added, so the sum cannot wrap and exceeds the event iff some
	 * parameter's data does. */
	if (off > end) {
		*why = "parameter data past the end of the event";
		return -1;
	}
	/* Accessors check nparams; clear the table's missing tail too (an
	 * older driver's shorter event), never the whole array: this runs
	 * once per event. */
	if (info) {
		uint32_t tn = info->nparams < RT_MAX_PARAMS ? info->nparams : RT_MAX_PARAMS;
		for (uint32_t i = np; i < tn; i++) {
			ev->p[i] = NULL;
			ev->plen[i] = 0;
			/* a few slots: keep them stores (gcc would call
			 * memset twice, which costs more) */
			__asm__("" ::: "memory");
		}
	}
	return 0;
lens_past:
	*why = "parameter lengths past the end of the event";
	return -1;
}


/* Parameter accessors; false if absent or too short. */
/* Inline: the parsers and rt_evt_rawres() read one or more per event. */
/* An integer param of 1, 2, 4 or 8 bytes, zero- or sign-extended to 64
 * bits; false if absent or of another size. */
static inline bool rt_param_int_(const struct rt_event *ev, unsigned i, bool sign, uint64_t *out)
{
	if (i >= ev->nparams || !ev->p[i])
		return false;
	uint32_t l = ev->plen[i];
	if (l == 1) {
		uint8_t v = ev->p[i][0];
		*out = sign ? (uint64_t)(int64_t)(int8_t)v : v;
	} else if (l == 2) {
		uint16_t v;
		__builtin_memcpy(&v, ev->p[i], 2);
		*out = sign ? (uint64_t)(int64_t)(int16_t)v : v;
	} else if (l == 4) {
		uint32_t v;
		__builtin_memcpy(&v, ev->p[i], 4);
		*out = sign ? (uint64_t)(int64_t)(int32_t)v : v;
	} else if (l == 8) {
		__builtin_memcpy(out, ev->p[i], 8);
	} else {
		return false;
	}
	return true;
}

static inline bool rt_param_u64(const struct rt_event *ev, unsigned i, uint64_t *out) /* any int width, zero-extended */
{
	return rt_param_int_(ev, i, false, out);
}

static inline bool rt_param_s64(const struct rt_event *ev, unsigned i, int64_t *out) /* sign-extended */
{
	uint64_t v;
	if (!rt_param_int_(ev, i, true, &v))
		return false;
	*out = (int64_t)v;
	return true;
}
/* A NUL-terminated string param; returns NULL if absent. len excludes NUL. */
const char *rt_param_str(const struct rt_event *ev, unsigned i, uint32_t *len);
/* The name sysdig prints for a driver syscall code (PPM_SC_*, the
 * PT_SYSCALLID parameter of generic events): "mprotect"; NULL when the
 * code is outside runtime/syscalls.def. */
const char *rt_syscall_name(uint16_t ppm_sc);
unsigned rt_syscall_count(void); /* ppm_sc codes 0..count-1 */

/* evt.type of ev (ev->info must be set): the table name, or for generic
 * events the name of the syscall their first parameter identifies. */
const char *rt_evt_type_name(const struct rt_event *ev);

/* The syscall id (ppm_sc) of a generic event, -1 for any other event. */
int64_t rt_evt_generic_id(const struct rt_event *ev);
#define RT_UNKNOWN_SYSCALL "<unknown>" /* evt.type of an id without a name */

/* evt.rawres: an exit event's first parameter when it is its result
 * (named res, or fd for the calls that return one); false otherwise.
 * Inline: filters ask it of every event. */
static inline bool rt_evt_rawres(const struct rt_event *ev, int64_t *res)
{
	if (!ev->info || !ev->info->exit || ev->nparams == 0 || ev->info->nparams == 0)
		return false;
	const char *n = ev->info->params[0].name; /* "res" or "fd", per event */
	bool is_res = (n[0] == 'r' && n[1] == 'e' && n[2] == 's' && !n[3]) ||
		      (n[0] == 'f' && n[1] == 'd' && !n[2]);
	return is_res && rt_param_s64(ev, 0, res);
}

/* Index of the parameter called name in ev's table entry, or -1. */
int rt_param_index(const struct rt_event *ev, const char *name);

#endif
