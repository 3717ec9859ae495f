/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string and memory helpers for the boot manager's portable
 * core (bootmgr/core/). Nothing here calls the C library, so the same code
 * builds hosted for tests and fuzzers and -ffreestanding for bootmgr.efi.
 *
 * Text handed to the parsers is a (pointer, length) slice into a buffer the
 * caller owns: input files are not NUL-terminated and may hold any bytes.
 */
#ifndef KEEL_BOOTMGR_CORE_STR_H
#define KEEL_BOOTMGR_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A read-only view of n bytes at p (not NUL-terminated). */
typedef struct bm_slice {
	const char *p;
	size_t n;
} bm_slice;

void bm_memcpy(void *dst, const void *src, size_t n);
void bm_memset(void *dst, int c, size_t n);
int bm_memcmp(const void *a, const void *b, size_t n);
size_t bm_strlen(const char *s);
size_t bm_strnlen(const char *s, size_t max);
int bm_strcmp(const char *a, const char *b);
bool bm_streq(const char *a, const char *b);
/* ASCII case-insensitive equality. */
bool bm_strcaseeq(const char *a, const char *b);

static inline bool bm_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool bm_isalpha(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static inline bool bm_isblank(int c) { return c == ' ' || c == '\t'; }
static inline bool bm_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
static inline int bm_tolower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Copies the NUL-terminated src into dst[cap] if it fits. Returns the
 * length copied, or -1 (dst untouched) if it does not fit or cap is 0. */
int bm_strlcpy(char *dst, size_t cap, const char *src);
/* Same for a slice. */
int bm_slice_copy(char *dst, size_t cap, bm_slice s);

static inline bm_slice bm_slice_of(const char *s) { return (bm_slice){ s, bm_strlen(s) }; }
/* Drops leading and trailing whitespace. */
bm_slice bm_slice_trim(bm_slice s);
bool bm_slice_eq(bm_slice s, const char *lit);
bool bm_slice_caseeq(bm_slice s, const char *lit);
bool bm_slice_has_prefix(bm_slice s, const char *lit);
/* Drops one pair of double quotes around the whole value, if present. */
bm_slice bm_slice_unquote(bm_slice s);
/* Splits off the next line (without "\n" or "\r\n") from *rest. Returns
 * false at the end of input. */
bool bm_slice_next_line(bm_slice *rest, bm_slice *line);

/* Parses a whole slice as a decimal number without sign, <= max. Returns
 * false on anything else (empty, other characters, overflow). */
bool bm_parse_u64(bm_slice s, uint64_t max, uint64_t *out);
/* Parses a boolean the way systemd-boot's loader.conf does: yes/no, y/n,
 * true/false, t/f, on/off, 1/0 (any case). */
bool bm_parse_bool(bm_slice s, bool *out);

/*
 * Bounded text builder: appends never overflow; `total` counts what the full
 * text would need so callers can report the size. The text stays
 * NUL-terminated whenever cap > 0.
 */
typedef struct bm_buf {
	char *p;
	size_t cap;
	size_t len;   /* bytes held (without the NUL) */
	size_t total; /* bytes the full text needs (without the NUL) */
} bm_buf;

void bm_buf_init(bm_buf *b, char *p, size_t cap);
void bm_buf_put(bm_buf *b, const char *s, size_t n);
void bm_buf_str(bm_buf *b, const char *s);
void bm_buf_u64(bm_buf *b, uint64_t v);
/* True if nothing was cut. */
static inline bool bm_buf_ok(const bm_buf *b) { return b->total == b->len && b->cap > b->len; }

/*
 * Encodes NUL-terminated UTF-8 as UTF-16LE code units into out[cap bytes].
 * Invalid UTF-8 bytes become U+FFFD. Writes no terminator. Returns the
 * number of bytes the encoding needs (which may exceed cap; then out holds
 * a prefix).
 */
size_t bm_utf8_to_utf16le(const char *s, uint8_t *out, size_t cap);

#endif
