/* SPDX-License-Identifier: MIT */
/*
 * The ring-buffer log.
 *
 * The ring is cut into segments. Each segment starts with a header holding a
 * generation number; records follow back to back. Nothing is rewritten per
 * append: on open the head is the segment with the highest valid generation,
 * and its end is found by walking its records. Every record's CRC is chained
 * on the previous one (the first on the segment header's CRC), so a walk
 * accepts only records written in this order by this segment's life: stale
 * bytes left by an earlier generation, or by a crash before a reopen, can
 * never be spliced in. When the ring is full the oldest segment is reused.
 */
#include "libpersist/internal.h"

#define BS PERSIST_BLOCK_SIZE
#define HDR PERSIST_RECORD_HEADER

/* ---- codecs ---- */

void persist_seg_encode(struct persist_seghdr *h, uint8_t *buf)
{
	pz_zero(buf, SEG_HDR);
	put_le32(buf, SEG_MAGIC);
	put_le32(buf + 4, SEG_HDR);
	put_le64(buf + 8, h->gen);
	put_le64(buf + 16, h->first_seq);
	pz_copy(buf + 24, h->uuid.b, 16);
	put_le32(buf + 40, h->index);
	h->crc = persist_crc32(0, buf, SEG_HDR - 4);
	put_le32(buf + SEG_HDR - 4, h->crc);
}

int persist_seg_decode(const uint8_t *buf, size_t len, struct persist_seghdr *out)
{
	struct persist_seghdr h;

	if (len < SEG_HDR || get_le32(buf) != SEG_MAGIC || get_le32(buf + 4) != SEG_HDR)
		return PERSIST_E_NOTFOUND;
	h.crc = get_le32(buf + SEG_HDR - 4);
	if (h.crc != persist_crc32(0, buf, SEG_HDR - 4))
		return PERSIST_E_CORRUPT;
	h.gen = get_le64(buf + 8);
	h.first_seq = get_le64(buf + 16);
	pz_copy(h.uuid.b, buf + 24, 16);
	h.index = get_le32(buf + 40);
	if (h.gen == 0 || h.first_seq == 0)
		return PERSIST_E_CORRUPT;
	*out = h;
	return 0;
}

int persist_rec_peek(const uint8_t *hdr, size_t room, uint32_t *length)
{
	uint32_t len = get_le32(hdr + 4);
	uint32_t msg_len = get_le16(hdr + 44), pl_len = get_le32(hdr + 48);

	if (len < HDR || len > room || len > PERSIST_RECORD_MAX)
		return PERSIST_E_NOTFOUND;
	if (hdr[40] == 0 || hdr[41] > PERSIST_LEVEL_DEBUG || msg_len > PERSIST_MESSAGE_MAX ||
	    pl_len > PERSIST_RECORD_MAX || (uint64_t)HDR + msg_len + pl_len != len)
		return PERSIST_E_CORRUPT;
	*length = len;
	return 0;
}

/* Header fields into *rec (message and payload not set). */
static void rec_fields(const uint8_t *hdr, struct persist_record *rec)
{
	rec->seq = get_le64(hdr + 8);
	rec->boot_id = get_le64(hdr + 16);
	rec->wall = get_le64(hdr + 24);
	rec->mono = get_le64(hdr + 32);
	rec->type = hdr[40];
	rec->level = hdr[41];
	rec->source = hdr[42];
	rec->flags = hdr[43];
	rec->msg_len = get_le16(hdr + 44);
	rec->payload_len = get_le32(hdr + 48);
	rec->msg = NULL;
	rec->payload = NULL;
}

int persist_rec_decode(const uint8_t *buf, size_t len, uint32_t prev_crc, uint64_t seq,
		       struct persist_record *out, uint32_t *crc_out)
{
	struct persist_record rec;
	uint32_t length, crc;
	int r;

	if (len < HDR)
		return PERSIST_E_NOTFOUND;
	if ((r = persist_rec_peek(buf, len, &length)))
		return r;
	crc = persist_crc32(prev_crc, buf + 4, length - 4);
	if (crc != get_le32(buf))
		return PERSIST_E_CORRUPT;
	rec_fields(buf, &rec);
	if (seq && rec.seq != seq)
		return PERSIST_E_CORRUPT;
	rec.msg = (const char *)buf + HDR;
	rec.payload = rec.payload_len ? buf + HDR + rec.msg_len : NULL;
	*out = rec;
	if (crc_out)
		*crc_out = crc;
	return 0;
}

uint32_t persist_rec_encode(uint8_t *hdr, const struct persist_record *rec, const void *pre,
			    size_t pre_len, uint32_t prev_crc)
{
	size_t payload_len = pre_len + rec->payload_len;
	uint32_t crc;

	pz_zero(hdr, HDR);
	put_le32(hdr + 4, (uint32_t)(HDR + rec->msg_len + payload_len));
	put_le64(hdr + 8, rec->seq);
	put_le64(hdr + 16, rec->boot_id);
	put_le64(hdr + 24, rec->wall);
	put_le64(hdr + 32, rec->mono);
	hdr[40] = rec->type;
	hdr[41] = rec->level;
	hdr[42] = rec->source;
	hdr[43] = rec->flags;
	put_le16(hdr + 44, (uint16_t)rec->msg_len);
	put_le32(hdr + 48, (uint32_t)payload_len);
	crc = persist_crc32(prev_crc, hdr + 4, HDR - 4);
	crc = persist_crc32(crc, rec->msg, rec->msg_len);
	crc = persist_crc32(crc, pre, pre_len);
	crc = persist_crc32(crc, rec->payload, rec->payload_len);
	put_le32(hdr, crc);
	return crc;
}

/* ---- walking a segment ---- */

/* Reads a segment's bytes through a one-block cache. */
struct walker {
	struct persist_store *s;
	uint32_t seg;
	uint32_t cache_blk; /* ~0u: nothing cached */
	uint8_t *cache;
};

static void wk_init(struct walker *w, struct persist_store *s, uint32_t seg, uint8_t *cache)
{
	w->s = s;
	w->seg = seg;
	w->cache_blk = ~0u;
	w->cache = cache;
}

/* Copies len bytes at segment offset off into dst and/or feeds them to *crc. */
static int wk_read(struct walker *w, uint32_t off, uint8_t *dst, uint32_t len, uint32_t *crc)
{
	while (len) {
		uint32_t blk = off / BS, in = off % BS, n = BS - in;
		int r;

		n = n < len ? n : len;
		if (blk != w->cache_blk) {
			w->cache_blk = ~0u;
			r = persist_io_read(w->s, persist_seg_off(w->s, w->seg) + (uint64_t)blk * BS,
					    w->cache, BS);
			if (r)
				return r;
			w->cache_blk = blk;
		}
		if (dst) {
			pz_copy(dst, w->cache + in, n);
			dst += n;
		}
		if (crc)
			*crc = persist_crc32(*crc, w->cache + in, n);
		off += n;
		len -= n;
	}
	return 0;
}

/* Reads and validates the header of segment w->seg. 1 = valid, 0 = not. */
static int wk_header(struct walker *w, struct persist_seghdr *h)
{
	uint8_t raw[SEG_HDR];
	int r = wk_read(w, 0, raw, SEG_HDR, NULL);

	if (r)
		return r;
	if (persist_seg_decode(raw, SEG_HDR, h) || h->index != w->seg ||
	    !persist_guid_equal(&h->uuid, &w->s->uuid))
		return 0;
	return 1;
}

/* A position in a segment's record chain. */
struct chain {
	uint32_t off, crc;
	uint64_t seq;
};

/*
 * Validates the record at c and advances c past it. With buf, the whole
 * record is copied there and rec points into it; without, only the CRC is
 * streamed. Returns 1 for a record, 0 where the chain ends, or PERSIST_E*.
 */
static int wk_next(struct walker *w, struct chain *c, struct persist_record *rec, uint8_t *buf,
		   size_t buflen)
{
	uint32_t room = w->s->seg_size - c->off, len, crc;
	uint8_t hdr[HDR];
	int r;

	if (room < HDR)
		return 0;
	if ((r = wk_read(w, c->off, hdr, HDR, NULL)))
		return r;
	if (persist_rec_peek(hdr, room, &len) || get_le64(hdr + 8) != c->seq)
		return 0;
	if (buf) {
		if (len > buflen)
			return PERSIST_E_RANGE;
		pz_copy(buf, hdr, HDR);
		if ((r = wk_read(w, c->off + HDR, buf + HDR, len - HDR, NULL)))
			return r;
		if (persist_rec_decode(buf, len, c->crc, c->seq, rec, &crc))
			return 0;
	} else {
		crc = persist_crc32(c->crc, hdr + 4, HDR - 4);
		if ((r = wk_read(w, c->off + HDR, NULL, len - HDR, &crc)))
			return r;
		if (crc != get_le32(hdr))
			return 0;
		rec_fields(hdr, rec);
	}
	c->off += pz_align(len, REC_ALIGN);
	c->crc = crc;
	c->seq++;
	return 1;
}

static void chain_start(struct chain *c, const struct persist_seghdr *h)
{
	c->off = SEG_HDR;
	c->crc = h->crc;
	c->seq = h->first_seq;
}

/* ---- recovery on open ---- */

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Finds the valid segment with the highest generation. */
static int find_head(struct persist_store *s, struct persist_seghdr *head, uint32_t *idx,
		     struct persist_report *rep)
{
	struct walker w;
	int found = 0;

	for (uint32_t i = 0; i < s->seg_count; i++) {
		struct persist_seghdr h;
		int r;

		wk_init(&w, s, i, s->scratch);
		if ((r = wk_header(&w, &h)) < 0)
			return r;
		/* format zeroes every segment header: anything else that
		 * does not validate was damaged. */
		if (!r && rep && !all_zero(s->scratch, SEG_HDR))
			rep->bad_segments++;
		if (r && (!found || h.gen > head->gen)) {
			*head = h;
			*idx = i;
			found = 1;
		}
	}
	return found;
}

/*
 * The fast way to the head, for PERSIST_OPEN_HINT: the boot state names the
 * segment that was the head when it was written (log_hint). Segments are
 * started in ring order with generations rising by one, so the head is
 * reached from any valid segment by following successors while each one's
 * generation is exactly one more. The walk stops at a segment whose
 * successor is unused (all zero) or of an older lap; anything else (a
 * damaged header, a generation out of step) means the ring is not what the
 * rule expects, and the caller falls back to the full scan. A stale hint
 * costs only a longer walk. A hint saying the ring was empty holds while
 * segment 0, the first one ever started, is still unused.
 * Returns 1 = head found, 2 = the ring is empty, 0 = scan instead.
 */
static int follow_hint(struct persist_store *s, struct persist_seghdr *head, uint32_t *idx)
{
	uint32_t hint = s->state.log_hint, seg = hint == PERSIST_HINT_EMPTY ? 0 : hint - 1;
	struct persist_seghdr h;
	struct walker w;
	int r;

	if (!hint || seg >= s->seg_count)
		return 0;
	wk_init(&w, s, seg, s->scratch);
	if ((r = wk_header(&w, head)) < 0)
		return r;
	if (!r)
		return hint == PERSIST_HINT_EMPTY && all_zero(s->scratch, SEG_HDR) ? 2 : 0;
	for (uint32_t left = s->seg_count; left; left--) {
		uint32_t next = seg + 1 == s->seg_count ? 0 : seg + 1;

		wk_init(&w, s, next, s->scratch);
		if ((r = wk_header(&w, &h)) < 0)
			return r;
		if (r && h.gen == head->gen + 1) {
			*head = h;
			seg = next;
			continue;
		}
		if (r ? h.gen >= head->gen : !all_zero(s->scratch, SEG_HDR))
			return 0;
		*idx = seg;
		return 1;
	}
	return 0;
}

int persist_log_scan_head(struct persist_store *s, uint32_t *seg, uint64_t *gen)
{
	struct persist_seghdr h;
	int r = find_head(s, &h, seg, NULL);

	*gen = r > 0 ? h.gen : 0;
	return r < 0 ? r : 0;
}

/* Loads the block holding the head position; bytes past it are zeroed so
 * the next write of this block also wipes a torn tail. */
static int load_head_block(struct persist_store *s)
{
	uint32_t in = s->head_off % BS;
	int r;

	s->blk_no = s->head_off / BS;
	s->blk_dirty = false;
	if (s->head_off >= s->seg_size)
		return 0;
	r = persist_io_read(s, persist_seg_off(s, s->head_seg) + (uint64_t)s->blk_no * BS, s->blk,
			    BS);
	if (r)
		return r;
	/* Nonzero bytes after the end of a block this generation wrote can
	 * only be a torn or uncommitted record (a fresh block is stale). */
	for (uint32_t i = in; in && i < BS; i++)
		if (s->blk[i])
			s->found.torn_tail = true;
	pz_zero(s->blk + in, BS - in);
	return 0;
}

int persist_log_recover(struct persist_store *s)
{
	struct persist_seghdr h;
	struct persist_record rec;
	struct walker w;
	struct chain c;
	int r;

	s->head_gen = 0;
	s->head_seg = 0;
	s->next_seq = 1;
	r = (s->flags & PERSIST_OPEN_HINT) ? follow_hint(s, &h, &s->head_seg) : 0;
	if (r == 0)
		r = find_head(s, &h, &s->head_seg, &s->found);
	if (r < 0)
		return r;
	if (r == 2) /* the ring is empty: head_seg 0, generation 0 */
		r = 0;
	if (r) {
		wk_init(&w, s, s->head_seg, s->scratch);
		chain_start(&c, &h);
		while ((r = wk_next(&w, &c, &rec, NULL, 0)) > 0)
			;
		if (r < 0)
			return r;
		s->head_gen = h.gen;
		s->head_off = c.off;
		s->last_crc = c.crc;
		s->next_seq = c.seq;
		if ((r = load_head_block(s)))
			return r;
	}
	/* After a clear, new records must stay visible even if the ring lost
	 * everything: never reuse a cleared seq. */
	if (s->next_seq <= s->state.log_clear_seq)
		s->next_seq = s->state.log_clear_seq + 1;
	return 0;
}

/* ---- appending ---- */

static int write_head_block(struct persist_store *s)
{
	uint64_t off = persist_seg_off(s, s->head_seg) + (uint64_t)s->blk_no * BS;
	int r = persist_io_write(s, off, s->blk, BS);

	if (r)
		return r;
	s->blk_dirty = false;
	s->ring_dirty = true;
	return 0;
}

/* Copies bytes into the head block, writing each block as it fills. */
static int blk_put(struct persist_store *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		uint32_t in = s->head_off % BS, n = BS - in;
		int r;

		n = n < len ? n : (uint32_t)len;
		if (p)
			pz_copy(s->blk + in, p, n);
		else
			pz_zero(s->blk + in, n);
		s->blk_dirty = true;
		s->head_off += n;
		if (p)
			p += n;
		len -= n;
		if (s->head_off % BS == 0) {
			if ((r = write_head_block(s)))
				return r;
			pz_zero(s->blk, BS);
			s->blk_no++;
		}
	}
	return 0;
}

/*
 * Moves the head to the next segment, overwriting the oldest. Two flushes
 * order the writes against reordering caches (the second is not needed for
 * the first segment of an empty ring):
 *   1. whatever the old head still holds is written and flushed, so the new
 *      header never reaches the disk before the records that precede it
 *      (no holes in the log, only a possibly shorter end);
 *   2. the new header is written and flushed on its own before any record
 *      of the new life lands in that segment, so the segment is either
 *      entirely the old one or a new one: never an old header in front of
 *      a chain cut short by new blocks.
 */
static int start_segment(struct persist_store *s)
{
	struct persist_seghdr h;
	bool first = !s->head_gen;
	int r;

	if (s->blk_dirty && (r = write_head_block(s)))
		return r;
	if (s->ring_dirty && (r = persist_log_commit(s)))
		return r;
	h.gen = s->head_gen + 1;
	h.first_seq = s->next_seq;
	h.uuid = s->uuid;
	h.index = s->head_gen ? (s->head_seg + 1) % s->seg_count : 0;
	pz_zero(s->blk, BS);
	persist_seg_encode(&h, s->blk);
	s->head_seg = h.index;
	s->head_gen = h.gen;
	s->head_off = SEG_HDR;
	s->blk_no = 0;
	s->last_crc = h.crc;
	/* The first segment of an empty ring has no old life that a chain cut
	 * short could be mixed with: the next commit writes its header with
	 * the records and makes both durable together (a write and a flush
	 * less on a new store's first boot). */
	if (first) {
		s->blk_dirty = true;
		return 0;
	}
	if ((r = write_head_block(s)))
		return r;
	return persist_log_commit(s);
}

static uint32_t max_record(const struct persist_store *s)
{
	uint32_t room = s->seg_size - SEG_HDR;

	return room < PERSIST_RECORD_MAX ? room : PERSIST_RECORD_MAX;
}

int persist_log_append_raw(struct persist_store *s, const struct persist_record *in,
			   const void *pre, size_t pre_len)
{
	struct persist_record rec = *in;
	uint8_t hdr[HDR];
	uint32_t len, pad;
	int r;

	if (!s->open)
		return PERSIST_E_INVAL;
	if (!(s->flags & PERSIST_OPEN_WRITE))
		return PERSIST_E_RDONLY;
	if (rec.msg_len > PERSIST_MESSAGE_MAX || rec.payload_len > PERSIST_RECORD_MAX ||
	    pre_len > PERSIST_RECORD_MAX)
		return PERSIST_E_TOOBIG;
	len = (uint32_t)(HDR + rec.msg_len + pre_len + rec.payload_len);
	if (len > max_record(s))
		return PERSIST_E_TOOBIG;
	if (!s->head_gen || s->head_off + pz_align(len, REC_ALIGN) > s->seg_size)
		if ((r = start_segment(s)))
			return r;
	rec.seq = s->next_seq;
	s->last_crc = persist_rec_encode(hdr, &rec, pre, pre_len, s->last_crc);
	pad = pz_align(len, REC_ALIGN) - len;
	if ((r = blk_put(s, hdr, HDR)) || (r = blk_put(s, rec.msg, rec.msg_len)) ||
	    (r = blk_put(s, pre, pre_len)) || (r = blk_put(s, rec.payload, rec.payload_len)) ||
	    (r = blk_put(s, NULL, pad)))
		return r;
	s->next_seq++;
	return 0;
}

int persist_log_append_typed(struct persist_store *s, int type, int level, int source,
			     uint8_t flags, const char *msg, size_t msg_len, const void *payload,
			     size_t payload_len)
{
	struct persist_record rec;

	if (!s || type <= 0 || type > 255 || level < 0 || level > PERSIST_LEVEL_DEBUG ||
	    source < 0 || source > 255 || (payload_len && !payload) || (msg_len && !msg))
		return PERSIST_E_INVAL;
	if (type == PERSIST_REC_LOG && level > s->state.log_level)
		return 0;
	pz_zero(&rec, sizeof(rec));
	rec.boot_id = s->boot_id;
	rec.wall = persist_now_wall(s);
	rec.mono = persist_now_mono(s);
	rec.type = (uint8_t)type;
	rec.level = (uint8_t)level;
	rec.source = (uint8_t)source;
	rec.flags = flags;
	rec.msg = msg;
	rec.msg_len = msg_len;
	rec.payload = payload;
	rec.payload_len = payload_len;
	return persist_log_append_raw(s, &rec, NULL, 0);
}

int persist_log_append(struct persist_store *s, int level, int source, const char *msg,
		       const void *payload, size_t payload_len)
{
	size_t n = msg ? pz_strnlen(msg, PERSIST_MESSAGE_MAX + 1) : 0;

	return persist_log_append_typed(s, PERSIST_REC_LOG, level, source, 0, msg, n, payload,
					payload_len);
}

int persist_log_write_pending(struct persist_store *s)
{
	return s->blk_dirty ? write_head_block(s) : 0;
}

void persist_log_flushed(struct persist_store *s)
{
	s->ring_dirty = false;
}

uint32_t persist_log_hint(const struct persist_store *s)
{
	return s->head_gen ? s->head_seg + 1 : PERSIST_HINT_EMPTY;
}

int persist_log_commit(struct persist_store *s)
{
	int r;

	if (!s || !s->open)
		return PERSIST_E_INVAL;
	if (!(s->flags & PERSIST_OPEN_WRITE))
		return 0;
	if (s->blk_dirty && (r = write_head_block(s)))
		return r;
	if (s->ring_dirty) {
		if ((r = persist_io_flush(s)))
			return r;
		s->ring_dirty = false;
	}
	return 0;
}

uint64_t persist_log_next_seq(const struct persist_store *s)
{
	return s->next_seq;
}

/* Readers go through the port; let them see this handle's own appends. */
static int sync_view(struct persist_store *s)
{
	if ((s->flags & PERSIST_OPEN_WRITE) && s->blk_dirty)
		return write_head_block(s);
	return 0;
}

/* ---- reading ---- */

bool persist_filter_match(const struct persist_filter *f, const struct persist_record *rec)
{
	if (!f)
		return true;
	if (f->use_level && rec->level > f->max_level)
		return false;
	if (f->sources && (rec->source >= 32 || !(f->sources & (1u << rec->source))))
		return false;
	if (f->boot_id && rec->boot_id != f->boot_id)
		return false;
	return !f->type || rec->type == f->type;
}

/*
 * Visits the valid segments oldest first: ring order from just after the
 * head. A segment counts only if its generation rises along the walk and
 * does not pass the head's (a newer one appeared after open: refresh).
 */
static uint32_t ring_next(const struct persist_store *s, uint32_t seg)
{
	return seg + 1 == s->seg_count ? 0 : seg + 1;
}

/* Chooses the segment to start from so that a cursor near the end does not
 * walk the whole ring: the last valid segment whose first seq <= from. */
static int iter_seek(struct persist_log_iter *it)
{
	struct persist_store *s = it->s;
	uint32_t seg = ring_next(s, s->head_seg);
	uint64_t gen = 0;
	struct walker w;

	for (uint32_t left = s->seg_count; left; left--, seg = ring_next(s, seg)) {
		struct persist_seghdr h;
		int r;

		wk_init(&w, s, seg, it->cache);
		if ((r = wk_header(&w, &h)) < 0)
			return r;
		if (!r || h.gen <= gen || h.gen > s->head_gen)
			continue;
		gen = h.gen;
		if (h.first_seq <= it->from_seq) {
			it->seg = seg;
			it->segs_left = left;
		}
	}
	return 0;
}

void persist_log_iter_init(struct persist_log_iter *it, struct persist_store *s,
			   uint64_t from_seq, const struct persist_filter *f)
{
	pz_zero(it, sizeof(*it) - sizeof(it->cache));
	it->s = s;
	if (f)
		it->filter = *f;
	it->from_seq = from_seq > s->state.log_clear_seq ? from_seq : s->state.log_clear_seq + 1;
	it->next_seq = it->from_seq;
	it->cache_blk = ~0u;
	it->done = !s->open || !s->head_gen || sync_view(s) < 0;
	if (it->done)
		return;
	it->seg = ring_next(s, s->head_seg);
	it->segs_left = s->seg_count;
	if (it->from_seq > 1 && iter_seek(it) < 0)
		it->done = true;
}

/* Enters it->seg if its header is valid; 1 = entered, 0 = skip it. */
static int iter_enter(struct persist_log_iter *it, struct walker *w)
{
	struct persist_seghdr h;
	int r = wk_header(w, &h);

	if (r <= 0)
		return r;
	if (h.gen <= it->gen || h.gen > it->s->head_gen)
		return 0;
	it->gen = h.gen;
	it->off = SEG_HDR;
	it->prev_crc = h.crc;
	it->expect_seq = h.first_seq;
	it->in_seg = true;
	return 1;
}

static void iter_leave(struct persist_log_iter *it)
{
	it->in_seg = false;
	it->seg = ring_next(it->s, it->seg);
	it->cache_blk = ~0u;
	if (--it->segs_left == 0)
		it->done = true;
}

int persist_log_next(struct persist_log_iter *it, struct persist_record *rec, void *buf,
		     size_t buflen)
{
	struct walker w;
	struct chain c;
	int r;

	while (!it->done) {
		wk_init(&w, it->s, it->seg, it->cache);
		w.cache_blk = it->cache_blk;
		if (!it->in_seg) {
			r = iter_enter(it, &w);
			it->cache_blk = w.cache_blk;
			if (r < 0)
				return r;
			if (r == 0)
				iter_leave(it);
			continue;
		}
		c.off = it->off;
		c.crc = it->prev_crc;
		c.seq = it->expect_seq;
		r = wk_next(&w, &c, rec, buf, buflen);
		it->cache_blk = w.cache_blk;
		if (r < 0)
			return r;
		if (r == 0) {
			iter_leave(it);
			continue;
		}
		it->off = c.off;
		it->prev_crc = c.crc;
		it->expect_seq = c.seq;
		if (rec->seq < it->from_seq)
			continue;
		it->next_seq = rec->seq + 1;
		if (persist_filter_match(&it->filter, rec))
			return 1;
	}
	return 0;
}

/* ---- newest first ---- */

#define LAST_WIN 64u

/* Where a matching record sits, so it can be re-read for delivery. */
struct mark {
	uint32_t off, crc;
	uint64_t seq;
};

struct last_ctx {
	struct persist_store *s;
	const struct persist_filter *f;
	persist_record_cb cb;
	void *cb_ctx;
	uint8_t *buf;
	size_t buflen;
	size_t want, done;
	struct mark win[LAST_WIN];
	uint8_t cache[BS];
};

/* Collects the last LAST_WIN matching records of a segment with seq below
 * limit into the window ring. Returns how many matched in total. */
static int last_collect(struct last_ctx *lc, uint32_t seg, const struct persist_seghdr *h,
			uint64_t limit, size_t *total)
{
	struct persist_record rec;
	struct walker w;
	struct chain c;
	int r;

	*total = 0;
	wk_init(&w, lc->s, seg, lc->cache);
	chain_start(&c, h);
	for (;;) {
		struct mark m = { c.off, c.crc, c.seq };

		if ((r = wk_next(&w, &c, &rec, NULL, 0)) <= 0)
			return r;
		if (rec.seq >= limit)
			return 0;
		if (rec.seq <= lc->s->state.log_clear_seq || !persist_filter_match(lc->f, &rec))
			continue;
		lc->win[*total % LAST_WIN] = m;
		(*total)++;
	}
}

/* Delivers the collected window newest first. 1 = stop (enough or cb). */
static int last_emit(struct last_ctx *lc, uint32_t seg, size_t total)
{
	size_t n = total < LAST_WIN ? total : LAST_WIN;
	struct persist_record rec;
	struct walker w;
	int r;

	wk_init(&w, lc->s, seg, lc->cache);
	for (size_t i = 0; i < n; i++) {
		struct mark *m = &lc->win[(total - 1 - i) % LAST_WIN];
		struct chain c = { m->off, m->crc, m->seq };

		if ((r = wk_next(&w, &c, &rec, lc->buf, lc->buflen)) < 0)
			return r;
		if (r == 0)
			continue; /* overwritten meanwhile by another writer */
		lc->done++;
		if (lc->cb(lc->cb_ctx, &rec) || lc->done == lc->want)
			return 1;
	}
	return 0;
}

/* Delivers one segment's matches newest first, window by window. */
static int last_segment(struct last_ctx *lc, uint32_t seg, const struct persist_seghdr *h)
{
	uint64_t limit = ~0ull;
	size_t total;
	int r;

	for (;;) {
		if ((r = last_collect(lc, seg, h, limit, &total)) < 0)
			return r;
		if (!total)
			return 0;
		if ((r = last_emit(lc, seg, total)))
			return r;
		if (total <= LAST_WIN)
			return 0;
		limit = lc->win[total % LAST_WIN].seq; /* oldest one delivered */
	}
}

int persist_log_last(struct persist_store *s, size_t n, const struct persist_filter *f,
		     persist_record_cb cb, void *ctx, void *buf, size_t buflen)
{
	struct last_ctx lc;
	uint32_t seg;
	uint64_t gen = ~0ull;
	int r;

	if (!s || !s->open || !cb || !buf)
		return PERSIST_E_INVAL;
	if (!n || !s->head_gen)
		return 0;
	if ((r = sync_view(s)))
		return r;
	lc.s = s, lc.f = f, lc.cb = cb, lc.cb_ctx = ctx, lc.buf = buf, lc.buflen = buflen;
	lc.want = n, lc.done = 0;
	seg = s->head_seg;
	for (uint32_t left = s->seg_count; left; left--) {
		struct persist_seghdr h;
		struct walker w;

		wk_init(&w, s, seg, lc.cache);
		if ((r = wk_header(&w, &h)) < 0)
			return r;
		if (r && h.gen < gen) {
			gen = h.gen;
			if ((r = last_segment(&lc, seg, &h)) < 0)
				return r;
			if (r)
				break;
		}
		seg = seg ? seg - 1 : s->seg_count - 1;
	}
	return (int)lc.done;
}

/* ---- check ---- */

/* Walks the whole ring oldest first and counts records lost between
 * segments (a gap in seqs means a segment's chain broke early). */
int persist_log_scan_check(struct persist_store *s, struct persist_report *rep)
{
	struct persist_seghdr h;
	struct persist_record rec;
	struct walker w;
	struct chain c;
	uint32_t idx, seg;
	uint64_t gen = 0, expect = 0;
	int r;

	if ((r = find_head(s, &h, &idx, rep)) <= 0)
		return r;
	seg = ring_next(s, s->head_seg);
	for (uint32_t left = s->seg_count; left; left--, seg = ring_next(s, seg)) {
		wk_init(&w, s, seg, s->scratch);
		if ((r = wk_header(&w, &h)) < 0)
			return r;
		if (!r || h.gen <= gen || h.gen > s->head_gen)
			continue;
		gen = h.gen;
		if (expect && h.first_seq > expect)
			rep->bad_records += (unsigned)(h.first_seq - expect);
		chain_start(&c, &h);
		while ((r = wk_next(&w, &c, &rec, NULL, 0)) > 0)
			;
		if (r < 0)
			return r;
		expect = c.seq;
	}
	rep->torn_tail = s->found.torn_tail;
	return 0;
}
