/* SPDX-License-Identifier: MIT */
/*
 * Store lifecycle: superblocks, format, open, check and repair, plus the
 * port wrappers every other file of the core goes through.
 */
#include "libpersist/internal.h"

const char *persist_strerror(int err)
{
	static const char *const msg[] = {
		"success",
		"I/O error on the persist store",
		"not a Keel persist store (no valid superblock)",
		"persist store structure is corrupt",
		"persist store written by an incompatible format version",
		"invalid argument",
		"device too small for a persist store",
		"record too large",
		"not found",
		"persist store is open read-only",
		"persist store is locked by another process",
		"boot attempt already ended",
		"no room for another boot entry",
		"buffer too small",
		"out of memory",
		"operating-system error",
		"unsupported store geometry or feature",
		"partitioned disk without a Keel persist partition",
		"more than one Keel persist partition",
	};

	if (err > 0 || -err >= (int)(sizeof(msg) / sizeof(msg[0])))
		return "unknown error";
	return msg[-err];
}

/* ---- port wrappers ---- */

int persist_io_read(struct persist_store *s, uint64_t off, void *buf, size_t len)
{
	if (off > s->size || len > s->size - off)
		return PERSIST_E_CORRUPT;
	return s->port.read(s->port.ctx, off, buf, len) < 0 ? PERSIST_E_IO : 0;
}

int persist_io_write(struct persist_store *s, uint64_t off, const void *buf, size_t len)
{
	if (!(s->flags & PERSIST_OPEN_WRITE))
		return PERSIST_E_RDONLY;
	if (off > s->size || len > s->size - off)
		return PERSIST_E_INVAL;
	return s->port.write(s->port.ctx, off, buf, len) < 0 ? PERSIST_E_IO : 0;
}

int persist_io_flush(struct persist_store *s)
{
	return s->port.flush(s->port.ctx) < 0 ? PERSIST_E_IO : 0;
}

uint64_t persist_now_wall(struct persist_store *s)
{
	return s->port.now_wall ? s->port.now_wall(s->port.ctx) : 0;
}

uint64_t persist_now_mono(struct persist_store *s)
{
	return s->port.now_mono ? s->port.now_mono(s->port.ctx) : 0;
}

uint64_t persist_seg_off(const struct persist_store *s, uint32_t seg)
{
	return s->ring_off + (uint64_t)seg * s->seg_size;
}

/* ---- superblock codec ---- */

void persist_sb_encode(const struct persist_sb *sb, uint8_t *buf)
{
	pz_zero(buf, PERSIST_BLOCK_SIZE);
	pz_copy(buf, SB_MAGIC, 8);
	put_le32(buf + 8, sb->major);
	put_le32(buf + 12, sb->minor);
	put_le32(buf + 16, sb->block_size);
	put_le32(buf + 20, sb->flags);
	put_le64(buf + 24, sb->size);
	pz_copy(buf + 32, sb->uuid.b, 16);
	put_le64(buf + 48, sb->state_off);
	put_le32(buf + 56, sb->state_size);
	put_le32(buf + 60, sb->state_copies);
	put_le64(buf + 64, sb->ring_off);
	put_le32(buf + 72, sb->seg_size);
	put_le32(buf + 76, sb->seg_count);
	put_le64(buf + 80, sb->created);
	put_le32(buf + SB_SIZE - 4, persist_crc32(0, buf, SB_SIZE - 4));
}

/* The geometry must be exactly what this version lays out, so a reader
 * never trusts offsets it did not compute itself. */
static bool sb_geometry_ok(const struct persist_sb *sb)
{
	uint64_t ring_bytes;

	if (sb->block_size != PERSIST_BLOCK_SIZE || sb->state_off != STATE_OFF ||
	    sb->state_size != PERSIST_STATE_SIZE || sb->state_copies != STATE_COPIES ||
	    sb->ring_off != RING_OFF)
		return false;
	if (sb->seg_size < 2 * PERSIST_BLOCK_SIZE || sb->seg_size > (1u << 20) ||
	    sb->seg_size % PERSIST_BLOCK_SIZE || sb->seg_count < 2)
		return false;
	ring_bytes = (uint64_t)sb->seg_size * sb->seg_count;
	return sb->size >= sb->ring_off && ring_bytes <= sb->size - sb->ring_off;
}

int persist_sb_decode(const uint8_t *buf, size_t len, struct persist_sb *out)
{
	struct persist_sb sb;

	if (len < SB_SIZE || pz_cmp(buf, SB_MAGIC, 8) != 0)
		return PERSIST_E_NOSTORE;
	if (get_le32(buf + SB_SIZE - 4) != persist_crc32(0, buf, SB_SIZE - 4))
		return PERSIST_E_CORRUPT;
	sb.major = get_le32(buf + 8);
	sb.minor = get_le32(buf + 12);
	if (sb.major != PERSIST_VERSION_MAJOR)
		return PERSIST_E_VERSION;
	sb.block_size = get_le32(buf + 16);
	sb.flags = get_le32(buf + 20);
	sb.size = get_le64(buf + 24);
	pz_copy(sb.uuid.b, buf + 32, 16);
	sb.state_off = get_le64(buf + 48);
	sb.state_size = get_le32(buf + 56);
	sb.state_copies = get_le32(buf + 60);
	sb.ring_off = get_le64(buf + 64);
	sb.seg_size = get_le32(buf + 72);
	sb.seg_count = get_le32(buf + 76);
	sb.created = get_le64(buf + 80);
	if (!sb_geometry_ok(&sb))
		return PERSIST_E_CORRUPT;
	*out = sb;
	return 0;
}

/* ---- format ---- */

static int port_ok(const struct persist_port *p)
{
	uint32_t bs;

	if (!p || !p->read || !p->write || !p->flush || !p->size)
		return PERSIST_E_INVAL;
	bs = p->block_size ? p->block_size(p->ctx) : 512;
	/* Writes must be whole device sectors: the store's block must be a
	 * multiple of the sector size. */
	if (bs < 512 || bs > PERSIST_BLOCK_SIZE || PERSIST_BLOCK_SIZE % bs)
		return PERSIST_E_UNSUPPORTED;
	return 0;
}

static void store_reset(struct persist_store *s, const struct persist_port *port, unsigned flags)
{
	pz_zero(s, sizeof(*s));
	s->port = *port;
	s->flags = flags;
	s->size = port->size(port->ctx);
}

static void store_take_geometry(struct persist_store *s, const struct persist_sb *sb)
{
	s->uuid = sb->uuid;
	s->state_off = sb->state_off;
	s->ring_off = sb->ring_off;
	s->seg_size = sb->seg_size;
	s->seg_count = sb->seg_count;
}

/* Fills *sb with the geometry of a new store on s's device. */
static int plan_geometry(struct persist_store *s, const persist_guid *uuid,
			 const struct persist_format_opts *o, struct persist_sb *sb)
{
	uint32_t seg = o && o->segment_size ? o->segment_size : PERSIST_SEGMENT_SIZE;

	pz_zero(sb, sizeof(*sb));
	sb->major = PERSIST_VERSION_MAJOR;
	sb->minor = PERSIST_VERSION_MINOR;
	sb->block_size = PERSIST_BLOCK_SIZE;
	sb->size = s->size - s->size % PERSIST_BLOCK_SIZE;
	sb->uuid = *uuid;
	sb->state_off = STATE_OFF;
	sb->state_size = PERSIST_STATE_SIZE;
	sb->state_copies = STATE_COPIES;
	sb->ring_off = RING_OFF;
	sb->seg_size = seg;
	sb->seg_count = sb->size > RING_OFF ? (uint32_t)((sb->size - RING_OFF) / seg) : 0;
	sb->created = o && o->wall ? o->wall : persist_now_wall(s);
	if (seg % PERSIST_BLOCK_SIZE || seg < 2 * PERSIST_BLOCK_SIZE || seg > (1u << 20))
		return PERSIST_E_INVAL;
	return sb->seg_count < 2 ? PERSIST_E_TOOSMALL : 0;
}

/*
 * Order matters for power loss during format: segment headers are wiped
 * and the boot state written first, the superblocks last. A cut before the
 * superblocks land leaves "not a store" (format again), never a store
 * whose ring or state is half old, half new.
 */
static int write_layout(struct persist_store *s, const struct persist_sb *sb,
			const struct persist_format_opts *o)
{
	int r;

	pz_zero(s->blk, PERSIST_BLOCK_SIZE);
	for (uint32_t i = 0; i < s->seg_count; i++)
		if ((r = persist_io_write(s, persist_seg_off(s, i), s->blk, PERSIST_BLOCK_SIZE)))
			return r;
	persist_state_init(&s->state, o && o->max_tries ? o->max_tries : PERSIST_DEFAULT_TRIES,
			   o && o->log_level ? o->log_level : PERSIST_LEVEL_DEBUG);
	s->state.log_hint = PERSIST_HINT_EMPTY;
	persist_state_encode(&s->state, &s->uuid, s->scratch);
	for (uint32_t i = 0; i < STATE_COPIES; i++)
		if ((r = persist_io_write(s, STATE_OFF + i * PERSIST_STATE_SIZE, s->scratch,
					  PERSIST_STATE_SIZE)))
			return r;
	if ((r = persist_io_flush(s)))
		return r;
	persist_sb_encode(sb, s->blk);
	for (uint32_t i = 0; i < SB_COUNT; i++)
		if ((r = persist_io_write(s, i * PERSIST_BLOCK_SIZE, s->blk, PERSIST_BLOCK_SIZE)))
			return r;
	return persist_io_flush(s);
}

int persist_format(struct persist_store *s, const struct persist_port *port,
		   const persist_guid *uuid, const struct persist_format_opts *opts)
{
	struct persist_sb sb;
	int r = 0;

	if (!s || !uuid || (r = port_ok(port)))
		return r ? r : PERSIST_E_INVAL;
	if (opts && opts->log_level > PERSIST_LEVEL_DEBUG)
		return PERSIST_E_INVAL;
	store_reset(s, port, PERSIST_OPEN_WRITE);
	if ((r = plan_geometry(s, uuid, opts, &sb)))
		return r;
	if (port->lock && port->lock(port->ctx) < 0)
		return PERSIST_E_BUSY;
	store_take_geometry(s, &sb);
	r = write_layout(s, &sb, opts);
	if (port->unlock)
		port->unlock(port->ctx);
	if (r)
		return r;
	return persist_open(s, port, PERSIST_OPEN_WRITE);
}

/* ---- open ---- */

/* Loads the first valid superblock; counts bad ones in *bad. */
static int load_superblock(struct persist_store *s, struct persist_sb *sb, unsigned *bad)
{
	int first_err = 0, good = 0;

	*bad = 0;
	for (uint32_t i = 0; i < SB_COUNT; i++) {
		struct persist_sb cand;
		/* scratch, not blk: blk may hold appends not yet written */
		int r = persist_io_read(s, i * PERSIST_BLOCK_SIZE, s->scratch, PERSIST_BLOCK_SIZE);

		if (r == PERSIST_E_IO)
			return r;
		if (!r)
			r = persist_sb_decode(s->scratch, PERSIST_BLOCK_SIZE, &cand);
		if (!r && cand.size > s->size)
			r = PERSIST_E_TOOSMALL;
		if (r) {
			(*bad)++;
			first_err = first_err ? first_err : r;
		} else if (!good++) {
			*sb = cand;
		}
	}
	return good ? 0 : first_err;
}

static int open_locked(struct persist_store *s)
{
	struct persist_sb sb = { 0 }; /* set when load_superblock() succeeds */
	int r;

	if ((r = load_superblock(s, &sb, &s->found.bad_superblocks)))
		return r;
	store_take_geometry(s, &sb);
	s->size = sb.size;
	if ((r = persist_state_load(s, &s->found, s->flags & PERSIST_OPEN_HINT)))
		return r;
	return persist_log_recover(s);
}

int persist_open(struct persist_store *s, const struct persist_port *port, unsigned flags)
{
	int r = 0;

	if (!s || (r = port_ok(port)))
		return s ? r : PERSIST_E_INVAL;
	store_reset(s, port, flags);
	if ((flags & PERSIST_OPEN_WRITE) && port->lock) {
		if (port->lock(port->ctx) < 0)
			return PERSIST_E_BUSY;
		s->locked = true;
	}
	r = open_locked(s);
	if (r) {
		if (s->locked && port->unlock)
			port->unlock(port->ctx);
		s->locked = false;
		return r;
	}
	s->open = true;
	return 0;
}

int persist_refresh(struct persist_store *s)
{
	struct persist_port port;
	unsigned flags;
	uint64_t boot_id;
	int r;

	if (!s || !s->open)
		return PERSIST_E_INVAL;
	if (s->flags & PERSIST_OPEN_WRITE)
		return 0; /* a writer holds the lock: its view is the truth */
	port = s->port;
	flags = s->flags;
	boot_id = s->boot_id;
	r = persist_open(s, &port, flags);
	s->boot_id = boot_id;
	return r;
}

int persist_close(struct persist_store *s)
{
	int r = 0;

	if (!s || !s->open)
		return 0;
	if (s->flags & PERSIST_OPEN_WRITE)
		r = persist_log_commit(s);
	if (s->locked && s->port.unlock)
		s->port.unlock(s->port.ctx);
	s->locked = false;
	s->open = false;
	return r;
}

void persist_set_boot_id(struct persist_store *s, uint64_t boot_id)
{
	s->boot_id = boot_id;
}

const persist_guid *persist_store_uuid(const struct persist_store *s)
{
	return &s->uuid;
}

/* ---- check and repair ---- */

int persist_check(struct persist_store *s, struct persist_report *out)
{
	struct persist_report r;
	struct persist_sb sb;
	struct persist_boot_state saved;
	int e;

	if (!s || !s->open)
		return PERSIST_E_INVAL;
	pz_zero(&r, sizeof(r));
	if ((e = load_superblock(s, &sb, &r.bad_superblocks)))
		return e;
	saved = s->state; /* state_load refreshes s->state; keep the caller's view */
	e = persist_state_load(s, &r, false);
	s->state = saved;
	if (e || (e = persist_log_scan_check(s, &r)))
		return e;
	if (out)
		*out = r;
	return r.bad_superblocks || r.bad_state_copies || r.bad_segments || r.bad_records ||
			       r.torn_tail || r.state_reset
		       ? PERSIST_E_CORRUPT
		       : 0;
}

static int repair_superblocks(struct persist_store *s, struct persist_report *r)
{
	struct persist_sb sb;
	unsigned bad;
	int e;

	if ((e = load_superblock(s, &sb, &bad)) || !bad)
		return e;
	persist_sb_encode(&sb, s->scratch);
	for (uint32_t i = 0; i < SB_COUNT; i++)
		if ((e = persist_io_write(s, i * PERSIST_BLOCK_SIZE, s->scratch, PERSIST_BLOCK_SIZE)))
			return e;
	r->repaired += bad;
	return persist_io_flush(s);
}

int persist_repair(struct persist_store *s, struct persist_report *out)
{
	struct persist_report r;
	int e;

	if (!s || !s->open)
		return PERSIST_E_INVAL;
	if (!(s->flags & PERSIST_OPEN_WRITE))
		return PERSIST_E_RDONLY;
	if ((e = persist_check(s, &r)) && e != PERSIST_E_CORRUPT)
		return e;
	r.repaired = 0;
	if ((e = repair_superblocks(s, &r)))
		return e;
	/* Writing the state three times refreshes every copy: the current
	 * content lands in each slot with a newer seq. */
	if (r.bad_state_copies || r.state_reset) {
		for (uint32_t i = 0; i < STATE_COPIES; i++)
			if ((e = persist_state_store(s)))
				return e;
		r.repaired += r.bad_state_copies;
	}
	/* A torn tail is cut off by the next commit: the head block is
	 * rewritten with zeroes after the last good record. */
	if (r.torn_tail) {
		s->blk_dirty = true;
		if ((e = persist_log_commit(s)))
			return e;
		r.repaired++;
	}
	if (out)
		*out = r;
	return 0;
}
