/* SPDX-License-Identifier: MIT */
/*
 * Crash records: log records of type PERSIST_REC_CRASH whose payload starts
 * with a 16-byte crash header (cause, stage, flags, raw length, crashed
 * boot id) followed by the data; the details text is the message.
 */
#include "libpersist/internal.h"

int persist_crash_append(struct persist_store *s, int source, const struct persist_crash *c)
{
	struct persist_record rec;
	uint8_t hdr[PERSIST_CRASH_HEADER];
	int r;

	if (!s || !c || c->cause >= PERSIST_CAUSE_COUNT || c->stage >= PERSIST_STAGE_COUNT ||
	    source < 0 || source > 255 || (c->details_len && !c->details) ||
	    (c->data_len && !c->data))
		return PERSIST_E_INVAL;
	pz_zero(hdr, sizeof(hdr));
	hdr[0] = c->cause;
	hdr[1] = c->stage;
	hdr[2] = c->flags;
	put_le32(hdr + 4, c->flags & PERSIST_CRASH_ZLIB ? c->raw_len : (uint32_t)c->data_len);
	put_le64(hdr + 8, c->crashed_boot_id);
	pz_zero(&rec, sizeof(rec));
	rec.boot_id = s->boot_id;
	rec.wall = persist_now_wall(s);
	rec.mono = persist_now_mono(s);
	rec.type = PERSIST_REC_CRASH;
	rec.level = PERSIST_LEVEL_CRIT;
	rec.source = (uint8_t)source;
	rec.msg = c->details;
	rec.msg_len = c->details_len > PERSIST_MESSAGE_MAX ? PERSIST_MESSAGE_MAX : c->details_len;
	rec.payload = c->data;
	rec.payload_len = c->data_len;
	if ((r = persist_log_append_raw(s, &rec, hdr, sizeof(hdr))))
		return r;
	return persist_log_commit(s);
}

int persist_crash_decode(const struct persist_record *rec, struct persist_crash *out)
{
	struct persist_crash c;
	const uint8_t *p = rec->payload;

	if (rec->type != PERSIST_REC_CRASH || rec->payload_len < PERSIST_CRASH_HEADER || !p)
		return PERSIST_E_CORRUPT;
	c.cause = p[0];
	c.stage = p[1];
	c.flags = p[2];
	c.raw_len = get_le32(p + 4);
	c.crashed_boot_id = get_le64(p + 8);
	c.details = rec->msg;
	c.details_len = rec->msg_len;
	c.data = p + PERSIST_CRASH_HEADER;
	c.data_len = rec->payload_len - PERSIST_CRASH_HEADER;
	if (c.stage >= PERSIST_STAGE_COUNT || (c.flags & ~PERSIST_CRASH_ZLIB))
		return PERSIST_E_CORRUPT;
	if (!(c.flags & PERSIST_CRASH_ZLIB) && c.raw_len != c.data_len)
		return PERSIST_E_CORRUPT;
	*out = c;
	return 0;
}
