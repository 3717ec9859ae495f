/* SPDX-License-Identifier: MIT */
/*
 * libpersist internals shared by the core's files, its tests and fuzzers:
 * the layout constants, the codecs of every on-disk structure and tiny
 * freestanding replacements for the string.h functions the core needs.
 */
#ifndef KEEL_PERSIST_INTERNAL_H
#define KEEL_PERSIST_INTERNAL_H

#include "libpersist/bytes.h"
#include "libpersist/crc32.h"
#include "libpersist/persist.h"

/* ---- layout (docs/persist-format.md, "Layout") ---- */

#define SB_MAGIC        "KEELSTOR"
#define SB_SIZE         128u               /* encoded superblock bytes */
#define SB_COUNT        2u                 /* blocks 0 and 1 */
#define STATE_OFF       (2u * PERSIST_BLOCK_SIZE)
#define STATE_COPIES    3u
#define RING_OFF        (STATE_OFF + STATE_COPIES * PERSIST_STATE_SIZE)
_Static_assert(RING_OFF == PERSIST_META_SIZE, "the ring starts after the metadata");
#define SEG_MAGIC       0x4745534bu        /* "KSEG" little-endian */
#define SEG_HDR         64u                /* records start here in a segment */
#define REC_ALIGN       8u
#define STATE_MAGIC     0x5453424bu        /* "KBST" little-endian */

/* Decoded superblock. */
struct persist_sb {
	uint32_t major, minor, block_size, flags;
	uint64_t size;
	persist_guid uuid;
	uint64_t state_off;
	uint32_t state_size, state_copies;
	uint64_t ring_off;
	uint32_t seg_size, seg_count;
	uint64_t created;
};

/* Decoded segment header. */
struct persist_seghdr {
	uint64_t gen;              /* generation: higher is newer, >= 1 */
	uint64_t first_seq;        /* seq of the segment's first record */
	persist_guid uuid;         /* store the segment belongs to */
	uint32_t index;            /* the segment's own index in the ring */
	uint32_t crc;              /* header CRC: seeds the record chain */
};

void persist_sb_encode(const struct persist_sb *sb, uint8_t *buf);
/* Validates magic, CRC, version and geometry (not the device size). */
int persist_sb_decode(const uint8_t *buf, size_t len, struct persist_sb *sb);

void persist_seg_encode(struct persist_seghdr *h, uint8_t *buf);
int persist_seg_decode(const uint8_t *buf, size_t len, struct persist_seghdr *h);

/* Checks a record header's own fields; *length gets the record length
 * (without padding). room = bytes left in the segment from the record. */
int persist_rec_peek(const uint8_t *hdr, size_t room, uint32_t *length);
/* Validates a whole record (length bytes at buf) against the chain seed
 * prev_crc and the expected seq (0 = any); fills *rec pointing into buf and
 * *crc with the record's CRC. */
int persist_rec_decode(const uint8_t *buf, size_t len, uint32_t prev_crc, uint64_t seq,
		       struct persist_record *rec, uint32_t *crc);
/* Encodes a record header for rec's message and a payload made of pre
 * followed by rec->payload; returns the record's CRC (chained on prev_crc)
 * over header, message and payload. rec->seq must be set. */
uint32_t persist_rec_encode(uint8_t *hdr, const struct persist_record *rec, const void *pre,
			    size_t pre_len, uint32_t prev_crc);

void persist_state_encode(const struct persist_boot_state *st, const persist_guid *uuid,
			  uint8_t *buf);
/* Validates and decodes one boot-state copy (PERSIST_STATE_SIZE bytes). */
int persist_state_decode(const uint8_t *buf, size_t len, const persist_guid *uuid,
			 struct persist_boot_state *st);
/* Fresh boot state with defaults. */
void persist_state_init(struct persist_boot_state *st, uint8_t max_tries, uint8_t level);

/* ---- port wrappers and shared internals (store.c, log.c, boot.c) ---- */

int persist_io_read(struct persist_store *s, uint64_t off, void *buf, size_t len);
int persist_io_write(struct persist_store *s, uint64_t off, const void *buf, size_t len);
int persist_io_flush(struct persist_store *s);
uint64_t persist_now_wall(struct persist_store *s);
uint64_t persist_now_mono(struct persist_store *s);
uint64_t persist_seg_off(const struct persist_store *s, uint32_t seg);

/* log.c */
int persist_log_recover(struct persist_store *s);
int persist_log_scan_check(struct persist_store *s, struct persist_report *r);
/* The head a full scan of every segment header finds (gen 0: ring empty);
 * what open finds without PERSIST_OPEN_HINT. For tests. */
int persist_log_scan_head(struct persist_store *s, uint32_t *seg, uint64_t *gen);
/* Writes the head block if it holds appends, without a flush; a state
 * commit calls it so that one flush makes both durable, then tells the log
 * with persist_log_flushed(). */
int persist_log_write_pending(struct persist_store *s);
void persist_log_flushed(struct persist_store *s);
/* The boot state's log_hint for the current head: segment + 1, or
 * PERSIST_HINT_EMPTY for an empty ring (0 = no hint). */
#define PERSIST_HINT_EMPTY 0xffffffffu
uint32_t persist_log_hint(const struct persist_store *s);
/* Appends rec (seq assigned here) with payload pre + rec->payload. */
int persist_log_append_raw(struct persist_store *s, const struct persist_record *rec,
			   const void *pre, size_t pre_len);
/* boot.c */
/* The newest valid boot state into s->state (defaults if none); damaged
 * copies counted in r. newest_only: stop at the first valid one. */
int persist_state_load(struct persist_store *s, struct persist_report *r, bool newest_only);
int persist_state_store(struct persist_store *s);

/* Text builder for the core's formatters (export.c): never overflows,
 * counts the full length like snprintf, and can drain into a callback. */
struct sbuf {
	char *buf;
	size_t cap, len;           /* bytes held in buf */
	size_t total;              /* bytes produced in all */
	persist_write_cb drain;    /* NULL: truncate instead */
	void *ctx;
	int stopped;               /* drain asked to stop */
};
void sb_init(struct sbuf *b, char *buf, size_t cap);
void sb_put(struct sbuf *b, const char *s, size_t n);
void sb_str(struct sbuf *b, const char *s);
void sb_u64(struct sbuf *b, uint64_t v);
int sb_finish(struct sbuf *b);     /* NUL-terminates; returns total or error */
bool persist_entry_is_bad(const struct persist_boot_state *st, const struct persist_entry *e);

/* ---- freestanding string functions ---- */

/* Builtins: inlined word-wise in the firmware build (see bm_memcpy). */
static inline void pz_copy(void *dst, const void *src, size_t n)
{
	if (n) /* memcpy's pointers must be valid even for 0 bytes */
		__builtin_memcpy(dst, src, n);
}

static inline void pz_zero(void *dst, size_t n)
{
	if (n)
		__builtin_memset(dst, 0, n);
}

static inline int pz_cmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

static inline size_t pz_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static inline bool pz_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Copies an id into a PERSIST_ID_MAX field, zero-filling the rest so
 * encoded state is canonical. Returns PERSIST_E_INVAL if it does not fit. */
static inline int pz_set_id(char *dst, const char *src)
{
	size_t n = src ? pz_strnlen(src, PERSIST_ID_MAX) : 0;

	if (n >= PERSIST_ID_MAX)
		return PERSIST_E_INVAL;
	pz_zero(dst, PERSIST_ID_MAX);
	pz_copy(dst, src ? src : "", n);
	return 0;
}

static inline uint32_t pz_align(uint32_t v, uint32_t a)
{
	return (v + a - 1) & ~(a - 1);
}

#endif
