/* SPDX-License-Identifier: MIT */
/*
 * Crash records with zlib-compressed data (Linux side): a panic log of a few
 * hundred KiB shrinks to fit one record. The data is one zlib stream
 * (RFC 1950) of exactly raw_len bytes once inflated.
 */
#include "libpersist/internal.h"
#include "libpersist/persist_linux.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Bytes of data one crash record can hold on this store. */
static size_t crash_room(const struct persist_store *s, size_t details_len)
{
	size_t max = PERSIST_RECORD_MAX;

	if (s->seg_size && s->seg_size - SEG_HDR < max)
		max = s->seg_size - SEG_HDR;
	if (details_len > PERSIST_MESSAGE_MAX)
		details_len = PERSIST_MESSAGE_MAX;
	if (max < PERSIST_RECORD_HEADER + PERSIST_CRASH_HEADER + details_len + 8)
		return 0;
	/* records are padded to 8 bytes: stay clear of the edge */
	return max - PERSIST_RECORD_HEADER - PERSIST_CRASH_HEADER - details_len - 8;
}

int persist_crash_append_zlib(struct persist_store *s, int source, const struct persist_crash *c,
			      size_t *kept)
{
	struct persist_crash z;
	const uint8_t *raw;
	size_t raw_len, room;
	uLongf zlen;
	uint8_t *buf;
	int r;

	if (!s || !c || (c->data_len && !c->data))
		return PERSIST_E_INVAL;
	room = crash_room(s, c->details_len);
	raw = c->data;
	raw_len = c->data_len;
	if (raw_len > PERSIST_CRASH_RAW_MAX) { /* keep the end: the newest lines */
		raw += raw_len - PERSIST_CRASH_RAW_MAX;
		raw_len = PERSIST_CRASH_RAW_MAX;
	}
	if (!(buf = malloc(compressBound(PERSIST_CRASH_RAW_MAX))))
		return PERSIST_E_NOMEM;
	for (int tries = 0;; tries++) {
		zlen = compressBound((uLong)raw_len);
		if (compress2(buf, &zlen, raw, (uLong)raw_len, Z_BEST_COMPRESSION) != Z_OK) {
			free(buf);
			return PERSIST_E_NOMEM;
		}
		if (zlen <= room || raw_len == 0)
			break;
		if (tries == 12) {
			raw += raw_len, raw_len = 0; /* give up on the data, keep the record */
			continue;
		}
		/* shrink in proportion to the overshoot, a little more each time */
		size_t next = (size_t)((double)raw_len * (double)room / (double)zlen * 0.9);

		if (next >= raw_len)
			next = raw_len * 3 / 4;
		raw += raw_len - next;
		raw_len = next;
	}
	z = *c;
	z.flags = PERSIST_CRASH_ZLIB;
	z.raw_len = (uint32_t)raw_len;
	z.data = buf;
	z.data_len = zlen;
	r = persist_crash_append(s, source, &z);
	free(buf);
	if (!r && kept)
		*kept = raw_len;
	return r;
}

int persist_crash_inflate(const struct persist_crash *c, uint8_t **out, size_t *len)
{
	uint8_t *buf;
	uLongf n;

	if (c->raw_len > PERSIST_CRASH_RAW_MAX)
		return PERSIST_E_CORRUPT;
	if (!(c->flags & PERSIST_CRASH_ZLIB) && c->raw_len != c->data_len)
		return PERSIST_E_CORRUPT;
	if (!(buf = malloc((size_t)c->raw_len + 1)))
		return PERSIST_E_NOMEM;
	if (!(c->flags & PERSIST_CRASH_ZLIB)) {
		if (c->data_len)
			memcpy(buf, c->data, c->data_len);
	} else {
		n = c->raw_len;
		/* uncompress wants a non-NULL source even for empty data */
		if (uncompress(buf, &n, c->data_len ? c->data : (const Bytef *)"", (uLong)c->data_len) !=
			    Z_OK ||
		    n != c->raw_len) {
			free(buf);
			return PERSIST_E_CORRUPT;
		}
	}
	buf[c->raw_len] = '\0';
	*out = buf;
	*len = c->raw_len;
	return 0;
}
