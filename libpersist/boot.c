/* SPDX-License-Identifier: MIT */
/*
 * Boot state: entries, tries, stages, last-known-good, one-shot and the
 * attempt history, and the boot-counting rule of SPEC "Boot counting".
 *
 * The state is small and written whole. Write number N goes to copy slot
 * N % 3 and is flushed before the call returns, so a torn write can only
 * damage the slot being written: the other two hold N-1 and N-2, and open
 * takes the valid copy with the highest seq. The result is always the last
 * committed state or the one before it, never a mix.
 */
#include "libpersist/internal.h"

#define ENT_OFF  256u
#define ENT_SIZE 112u
#define HIS_OFF  (ENT_OFF + PERSIST_MAX_ENTRIES * ENT_SIZE)
#define HIS_SIZE 96u
#define ST_USED  (HIS_OFF + PERSIST_MAX_HISTORY * HIS_SIZE)

#define ENT_GOOD 1u
#define ENT_BAD  2u

/* ---- codec ---- */

void persist_state_init(struct persist_boot_state *st, uint8_t max_tries, uint8_t level)
{
	pz_zero(st, sizeof(*st));
	st->seq = 1;
	st->next_boot_id = 1;
	st->max_tries = max_tries;
	st->log_level = level;
}

static void encode_entry(uint8_t *p, const struct persist_entry *e)
{
	pz_copy(p, e->id, PERSIST_ID_MAX);
	p[64] = (uint8_t)((e->good ? ENT_GOOD : 0) | (e->bad ? ENT_BAD : 0));
	p[65] = e->failed;
	p[66] = e->last_stage;
	put_le32(p + 68, e->attempts);
	put_le32(p + 72, e->failures);
	put_le64(p + 80, e->last_boot_id);
	put_le64(p + 88, e->last_attempt_wall);
	put_le64(p + 96, e->golden_boot_id);
	put_le64(p + 104, e->golden_wall);
}

static void encode_attempt(uint8_t *p, const struct persist_attempt *a)
{
	put_le64(p, a->boot_id);
	pz_copy(p + 8, a->entry, PERSIST_ID_MAX);
	put_le64(p + 72, a->start_wall);
	put_le64(p + 80, a->end_wall);
	p[88] = a->stage;
	p[89] = a->outcome;
}

void persist_state_encode(const struct persist_boot_state *st, const persist_guid *uuid,
			  uint8_t *buf)
{
	pz_zero(buf, PERSIST_STATE_SIZE);
	put_le32(buf, STATE_MAGIC);
	put_le16(buf + 8, PERSIST_VERSION_MAJOR);
	put_le16(buf + 10, PERSIST_VERSION_MINOR);
	put_le32(buf + 12, ST_USED);
	put_le64(buf + 16, st->seq);
	pz_copy(buf + 24, uuid->b, 16);
	put_le64(buf + 40, st->next_boot_id);
	put_le64(buf + 48, st->log_clear_seq);
	buf[56] = st->max_tries;
	buf[57] = st->log_level;
	buf[58] = (uint8_t)st->n_entries;
	buf[59] = (uint8_t)st->n_history;
	put_le32(buf + 60, st->log_hint);
	pz_copy(buf + 64, st->lkg, PERSIST_ID_MAX);
	pz_copy(buf + 128, st->oneshot, PERSIST_ID_MAX);
	pz_copy(buf + 192, st->default_id, PERSIST_ID_MAX);
	for (uint32_t i = 0; i < st->n_entries; i++)
		encode_entry(buf + ENT_OFF + i * ENT_SIZE, &st->entries[i]);
	for (uint32_t i = 0; i < st->n_history; i++)
		encode_attempt(buf + HIS_OFF + i * HIS_SIZE, &st->history[i]);
	put_le32(buf + 4, persist_crc32(0, buf + 8, PERSIST_STATE_SIZE - 8));
}

/* Copies an id field; it must be NUL-terminated inside the field. The copy
 * is zero-filled so decoded state is canonical. */
static int decode_id(char *dst, const uint8_t *src, bool allow_empty)
{
	size_t n = pz_strnlen((const char *)src, PERSIST_ID_MAX);

	if (n == PERSIST_ID_MAX || (!allow_empty && n == 0))
		return PERSIST_E_CORRUPT;
	pz_zero(dst, PERSIST_ID_MAX);
	pz_copy(dst, src, n);
	return 0;
}

static int decode_entry(const uint8_t *p, struct persist_entry *e)
{
	if (decode_id(e->id, p, false) || p[64] & ~(ENT_GOOD | ENT_BAD) ||
	    p[66] >= PERSIST_STAGE_COUNT)
		return PERSIST_E_CORRUPT;
	e->good = p[64] & ENT_GOOD;
	e->bad = p[64] & ENT_BAD;
	e->failed = p[65];
	e->last_stage = p[66];
	e->attempts = get_le32(p + 68);
	e->failures = get_le32(p + 72);
	e->last_boot_id = get_le64(p + 80);
	e->last_attempt_wall = get_le64(p + 88);
	e->golden_boot_id = get_le64(p + 96);
	e->golden_wall = get_le64(p + 104);
	return 0;
}

static int decode_attempt(const uint8_t *p, struct persist_attempt *a)
{
	if (decode_id(a->entry, p + 8, false) || p[88] >= PERSIST_STAGE_COUNT ||
	    p[89] >= PERSIST_END_COUNT)
		return PERSIST_E_CORRUPT;
	a->boot_id = get_le64(p);
	a->start_wall = get_le64(p + 72);
	a->end_wall = get_le64(p + 80);
	a->stage = p[88];
	a->outcome = p[89];
	return 0;
}

static int decode_header(const uint8_t *buf, const persist_guid *uuid,
			 struct persist_boot_state *st)
{
	if (get_le32(buf) != STATE_MAGIC)
		return PERSIST_E_NOTFOUND;
	if (get_le32(buf + 4) != persist_crc32(0, buf + 8, PERSIST_STATE_SIZE - 8))
		return PERSIST_E_CORRUPT;
	if (get_le16(buf + 8) != PERSIST_VERSION_MAJOR)
		return PERSIST_E_VERSION;
	if (pz_cmp(buf + 24, uuid->b, 16) != 0)
		return PERSIST_E_NOTFOUND; /* left over from an earlier store */
	st->seq = get_le64(buf + 16);
	st->next_boot_id = get_le64(buf + 40);
	st->log_clear_seq = get_le64(buf + 48);
	st->max_tries = buf[56];
	st->log_level = buf[57];
	st->n_entries = buf[58];
	st->n_history = buf[59];
	st->log_hint = get_le32(buf + 60);
	if (!st->max_tries || st->log_level > PERSIST_LEVEL_DEBUG || !st->next_boot_id ||
	    st->n_entries > PERSIST_MAX_ENTRIES || st->n_history > PERSIST_MAX_HISTORY)
		return PERSIST_E_CORRUPT;
	if (decode_id(st->lkg, buf + 64, true) || decode_id(st->oneshot, buf + 128, true) ||
	    decode_id(st->default_id, buf + 192, true))
		return PERSIST_E_CORRUPT;
	return 0;
}

int persist_state_decode(const uint8_t *buf, size_t len, const persist_guid *uuid,
			 struct persist_boot_state *out)
{
	struct persist_boot_state st;
	int r;

	if (len < PERSIST_STATE_SIZE)
		return PERSIST_E_CORRUPT;
	pz_zero(&st, sizeof(st));
	if ((r = decode_header(buf, uuid, &st)))
		return r;
	for (uint32_t i = 0; i < st.n_entries; i++)
		if (decode_entry(buf + ENT_OFF + i * ENT_SIZE, &st.entries[i]))
			return PERSIST_E_CORRUPT;
	for (uint32_t i = 0; i < st.n_history; i++)
		if (decode_attempt(buf + HIS_OFF + i * HIS_SIZE, &st.history[i]))
			return PERSIST_E_CORRUPT;
	*out = st;
	return 0;
}

/* ---- load and store ---- */

/*
 * Loads the valid copy with the highest sequence number (the lowest slot on
 * a tie), trying the copies in the order their headers claim, newest
 * first. With newest_only the others are not read once one is valid: each
 * check is an 8 KiB CRC, which the boot manager pays at every start. They
 * are older anyway and the next commits overwrite them; a damaged one is
 * then counted only by a full load (persist_check).
 */
int persist_state_load(struct persist_store *s, struct persist_report *rep, bool newest_only)
{
	struct persist_boot_state cand;
	uint64_t claim[STATE_COPIES];
	uint32_t order[STATE_COPIES]; /* slots, highest claim first, lower slot on a tie */
	bool found = false;
	uint8_t hdr[24];
	int r;

	for (uint32_t i = 0, k; i < STATE_COPIES; i++) {
		r = persist_io_read(s, s->state_off + i * PERSIST_STATE_SIZE, hdr, sizeof(hdr));
		if (r == PERSIST_E_IO)
			return r;
		claim[i] = r ? 0 : get_le64(hdr + 16);
		for (k = i; k > 0 && claim[order[k - 1]] < claim[i]; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
	/* A valid copy's claim is its number: the first valid one is the newest. */
	for (uint32_t n = 0; n < STATE_COPIES && !(found && newest_only); n++) {
		r = persist_io_read(s, s->state_off + order[n] * PERSIST_STATE_SIZE, s->scratch,
				    PERSIST_STATE_SIZE);
		if (r == PERSIST_E_IO)
			return r;
		if (r || persist_state_decode(s->scratch, PERSIST_STATE_SIZE, &s->uuid, &cand)) {
			rep->bad_state_copies++;
			continue;
		}
		if (!found)
			s->state = cand;
		found = true;
	}
	if (!found) {
		/* Never brick: run with defaults, say so, let repair rewrite. */
		persist_state_init(&s->state, PERSIST_DEFAULT_TRIES, PERSIST_LEVEL_DEBUG);
		rep->state_reset = true;
	}
	return 0;
}

/*
 * Writes st as the next state (slot seq % 3), flushes, and only then makes
 * it the store's current state. Log records appended before are written
 * first and made durable by the same flush: one flush per state change.
 * The two need no order between them, as each survives a torn write on its
 * own; the state's log hint names a segment whose header start_segment()
 * flushed already.
 */
static int state_commit(struct persist_store *s, struct persist_boot_state *st)
{
	uint64_t off;
	int r;

	if (!s->open)
		return PERSIST_E_INVAL;
	if (!(s->flags & PERSIST_OPEN_WRITE))
		return PERSIST_E_RDONLY;
	st->seq = s->state.seq + 1;
	st->log_hint = persist_log_hint(s);
	persist_state_encode(st, &s->uuid, s->scratch);
	off = s->state_off + (st->seq % STATE_COPIES) * PERSIST_STATE_SIZE;
	if ((r = persist_log_write_pending(s)) ||
	    (r = persist_io_write(s, off, s->scratch, PERSIST_STATE_SIZE)) ||
	    (r = persist_io_flush(s)))
		return r;
	persist_log_flushed(s);
	s->state = *st;
	return 0;
}

int persist_state_store(struct persist_store *s)
{
	struct persist_boot_state st = s->state;

	return state_commit(s, &st);
}

/* ---- lookups ---- */

static struct persist_entry *find_entry(struct persist_boot_state *st, const char *id)
{
	for (uint32_t i = 0; i < st->n_entries; i++)
		if (pz_streq(st->entries[i].id, id))
			return &st->entries[i];
	return NULL;
}

static struct persist_attempt *find_attempt(struct persist_boot_state *st, uint64_t boot_id)
{
	for (uint32_t i = st->n_history; i-- > 0;)
		if (st->history[i].boot_id == boot_id)
			return &st->history[i];
	return NULL;
}

bool persist_entry_is_bad(const struct persist_boot_state *st, const struct persist_entry *e)
{
	return e && (e->bad || e->failed >= st->max_tries);
}

const struct persist_boot_state *persist_boot_state(const struct persist_store *s)
{
	return &s->state;
}

const struct persist_entry *persist_boot_find(const struct persist_store *s, const char *id)
{
	return id ? find_entry((struct persist_boot_state *)&s->state, id) : NULL;
}

const struct persist_attempt *persist_boot_find_attempt(const struct persist_store *s,
							uint64_t boot_id)
{
	return find_attempt((struct persist_boot_state *)&s->state, boot_id);
}

/* Entry ids are printable ASCII without spaces or quotes, 1..63 bytes:
 * they appear in logs, JSON and menus verbatim. */
static bool id_ok(const char *id)
{
	size_t n = id ? pz_strnlen(id, PERSIST_ID_MAX) : 0;

	if (n == 0 || n >= PERSIST_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (id[i] <= ' ' || id[i] > '~' || id[i] == '"' || id[i] == '\\')
			return false;
	return true;
}

/* Makes room by forgetting the entry attempted longest ago that nothing
 * refers to (not LKG, one-shot, default, nor in the history). */
static struct persist_entry *evict_entry(struct persist_boot_state *st)
{
	struct persist_entry *victim = NULL;

	for (uint32_t i = 0; i < st->n_entries; i++) {
		struct persist_entry *e = &st->entries[i];
		bool used = pz_streq(e->id, st->lkg) || pz_streq(e->id, st->oneshot) ||
			    pz_streq(e->id, st->default_id);

		for (uint32_t h = 0; h < st->n_history && !used; h++)
			used = pz_streq(e->id, st->history[h].entry);
		if (!used && (!victim || e->last_boot_id < victim->last_boot_id))
			victim = e;
	}
	if (victim)
		*victim = st->entries[--st->n_entries];
	return victim ? &st->entries[st->n_entries] : NULL;
}

static struct persist_entry *get_entry(struct persist_boot_state *st, const char *id)
{
	struct persist_entry *e = find_entry(st, id);

	if (e)
		return e;
	if (st->n_entries == PERSIST_MAX_ENTRIES && !evict_entry(st))
		return NULL;
	e = &st->entries[st->n_entries++];
	pz_zero(e, sizeof(*e));
	pz_set_id(e->id, id);
	return e;
}

/* ---- the boot-counting rule ---- */

/* Counts a running attempt as failed; returns it, or NULL if none ran. */
static struct persist_attempt *fail_running(struct persist_boot_state *st, uint64_t now)
{
	struct persist_attempt *a = st->n_history ? &st->history[st->n_history - 1] : NULL;
	struct persist_entry *e;

	if (!a || a->outcome != PERSIST_END_RUNNING)
		return NULL;
	a->outcome = PERSIST_END_FAILED;
	a->end_wall = now;
	if ((e = find_entry(st, a->entry)) != NULL) {
		if (e->failed < 255)
			e->failed++;
		e->failures++;
		if (e->failed >= st->max_tries)
			e->bad = true;
	}
	return a;
}

static void push_attempt(struct persist_boot_state *st, uint64_t boot_id, const char *id,
			 uint64_t now)
{
	struct persist_attempt *a;

	if (st->n_history == PERSIST_MAX_HISTORY) {
		for (uint32_t i = 1; i < st->n_history; i++)
			st->history[i - 1] = st->history[i];
		st->n_history--;
	}
	a = &st->history[st->n_history++];
	pz_zero(a, sizeof(*a));
	a->boot_id = boot_id;
	pz_set_id(a->entry, id);
	a->start_wall = now;
	a->stage = PERSIST_STAGE_LOADER;
	a->outcome = PERSIST_END_RUNNING;
}

/*
 * Log records about attempts. They are appended before the state change
 * they describe, so the state commit's flush makes both durable together;
 * st is the state about to be committed.
 */
/* The crash record of an attempt found to have failed. */
static void log_failed(struct persist_store *s, struct persist_boot_state *st,
		       const struct persist_attempt *failed)
{
	const struct persist_entry *e = find_entry(st, failed->entry);
	struct persist_crash c;
	char text[192];
	struct sbuf b;

	sb_init(&b, text, sizeof(text));
	sb_str(&b, "boot ");
	sb_u64(&b, failed->boot_id);
	sb_str(&b, " of '");
	sb_str(&b, failed->entry);
	sb_str(&b, "' never reached golden (highest stage ");
	sb_str(&b, persist_stage_name(failed->stage));
	sb_str(&b, persist_entry_is_bad(st, e) ? "); entry is now bad" : ")");
	sb_finish(&b);
	pz_zero(&c, sizeof(c));
	c.cause = PERSIST_CAUSE_UNKNOWN;
	c.stage = failed->stage;
	c.crashed_boot_id = failed->boot_id;
	c.details = text;
	c.details_len = pz_strnlen(text, sizeof(text));
	persist_crash_append(s, PERSIST_SRC_BOOTMGR, &c);
}

/* The record of a new attempt; s->boot_id is already its boot id. */
static void log_begin(struct persist_store *s, const char *id)
{
	char text[192];
	struct sbuf b;

	sb_init(&b, text, sizeof(text));
	sb_str(&b, "boot ");
	sb_u64(&b, s->boot_id);
	sb_str(&b, ": attempt of '");
	sb_str(&b, id);
	sb_str(&b, "' begins");
	sb_finish(&b);
	persist_log_append(s, PERSIST_LEVEL_NOTICE, PERSIST_SRC_BOOTMGR, text, NULL, 0);
}

int persist_boot_conclude(struct persist_store *s)
{
	struct persist_boot_state st;
	struct persist_attempt *f;
	int r;

	if (!s)
		return PERSIST_E_INVAL;
	st = s->state;
	f = fail_running(&st, persist_now_wall(s));
	if (!f)
		return 0;
	log_failed(s, &st, f);
	if ((r = state_commit(s, &st)))
		return r;
	return 1;
}

int persist_boot_begin_attempt(struct persist_store *s, const char *entry_id, uint64_t *boot_id)
{
	struct persist_boot_state st;
	struct persist_attempt failed, *f;
	struct persist_entry *e;
	uint64_t now, id, prev_id;
	int r;

	if (!s || !boot_id || !id_ok(entry_id))
		return PERSIST_E_INVAL;
	now = persist_now_wall(s);
	st = s->state;
	f = fail_running(&st, now);
	if (f)
		failed = *f; /* push_attempt() may move it */
	id = st.next_boot_id++;
	if (!(e = get_entry(&st, entry_id)))
		return PERSIST_E_FULL;
	e->attempts++;
	e->last_boot_id = id;
	e->last_attempt_wall = now;
	e->last_stage = PERSIST_STAGE_LOADER;
	push_attempt(&st, id, entry_id, now);
	pz_zero(st.oneshot, PERSIST_ID_MAX);
	prev_id = s->boot_id;
	s->boot_id = id; /* stamped on the records below */
	if (f)
		log_failed(s, &st, &failed);
	log_begin(s, entry_id);
	if ((r = state_commit(s, &st))) {
		/* The records above may still reach the disk: say what became
		 * of the attempt. */
		persist_log_append(s, PERSIST_LEVEL_ERR, PERSIST_SRC_BOOTMGR,
				   "the attempt above was not recorded (the boot state could "
				   "not be written)", NULL, 0);
		s->boot_id = prev_id;
		return r;
	}
	*boot_id = id;
	return 0;
}

static int attempt_for_update(struct persist_boot_state *st, uint64_t boot_id,
			      struct persist_attempt **out)
{
	struct persist_attempt *a = find_attempt(st, boot_id);

	if (!a)
		return PERSIST_E_NOTFOUND;
	if (a->outcome == PERSIST_END_FAILED)
		return PERSIST_E_STALE;
	*out = a;
	return 0;
}

int persist_boot_mark_golden(struct persist_store *s, uint64_t boot_id)
{
	struct persist_boot_state st;
	struct persist_attempt *a;
	struct persist_entry *e;
	int r;

	if (!s)
		return PERSIST_E_INVAL;
	st = s->state;
	if ((r = attempt_for_update(&st, boot_id, &a)))
		return r;
	if (a->outcome == PERSIST_END_GOLDEN)
		return 0;
	a->outcome = PERSIST_END_GOLDEN;
	a->stage = PERSIST_STAGE_GOLDEN;
	a->end_wall = persist_now_wall(s);
	if ((e = get_entry(&st, a->entry)) == NULL)
		return PERSIST_E_FULL;
	e->good = true;
	e->bad = false;
	e->failed = 0;
	e->last_stage = PERSIST_STAGE_GOLDEN;
	e->golden_boot_id = boot_id;
	e->golden_wall = a->end_wall;
	pz_set_id(st.lkg, e->id);
	return state_commit(s, &st);
}

int persist_boot_mark_stage(struct persist_store *s, uint64_t boot_id, int stage)
{
	struct persist_boot_state st;
	struct persist_attempt *a;
	struct persist_entry *e;
	int r;

	if (!s || stage <= PERSIST_STAGE_NONE || stage >= PERSIST_STAGE_COUNT)
		return PERSIST_E_INVAL;
	if (stage == PERSIST_STAGE_GOLDEN)
		return persist_boot_mark_golden(s, boot_id);
	st = s->state;
	if ((r = attempt_for_update(&st, boot_id, &a)))
		return r;
	if (stage <= a->stage)
		return 0; /* stages only rise; repeating one is harmless */
	a->stage = (uint8_t)stage;
	e = find_entry(&st, a->entry);
	if (e && e->last_boot_id == boot_id)
		e->last_stage = (uint8_t)stage;
	return state_commit(s, &st);
}

int persist_boot_mark_bad(struct persist_store *s, const char *entry_id)
{
	struct persist_boot_state st;
	struct persist_entry *e;

	if (!s || !id_ok(entry_id))
		return PERSIST_E_INVAL;
	st = s->state;
	if (!(e = get_entry(&st, entry_id)))
		return PERSIST_E_FULL;
	e->bad = true;
	return state_commit(s, &st);
}

int persist_boot_reset_entry(struct persist_store *s, const char *entry_id)
{
	struct persist_boot_state st;
	struct persist_entry *e;

	if (!s || !id_ok(entry_id))
		return PERSIST_E_INVAL;
	st = s->state;
	if (!(e = find_entry(&st, entry_id)))
		return PERSIST_E_NOTFOUND;
	e->bad = false;
	e->failed = 0;
	return state_commit(s, &st);
}

int persist_boot_set_max_tries(struct persist_store *s, int tries)
{
	struct persist_boot_state st;

	if (!s || tries < 1 || tries > 255)
		return PERSIST_E_INVAL;
	st = s->state;
	st.max_tries = (uint8_t)tries;
	return state_commit(s, &st);
}

/* Shared by one-shot and default: NULL or "" clears. */
static int set_id_field(struct persist_store *s, size_t field_off, const char *id)
{
	struct persist_boot_state st;

	if (!s || (id && *id && !id_ok(id)))
		return PERSIST_E_INVAL;
	st = s->state;
	pz_set_id((char *)&st + field_off, id && *id ? id : "");
	return state_commit(s, &st);
}

int persist_boot_set_oneshot(struct persist_store *s, const char *entry_id)
{
	return set_id_field(s, offsetof(struct persist_boot_state, oneshot), entry_id);
}

int persist_boot_set_default(struct persist_store *s, const char *entry_id)
{
	return set_id_field(s, offsetof(struct persist_boot_state, default_id), entry_id);
}

int persist_log_clear(struct persist_store *s)
{
	struct persist_boot_state st;

	if (!s)
		return PERSIST_E_INVAL;
	st = s->state;
	st.log_clear_seq = s->next_seq - 1;
	return state_commit(s, &st);
}

int persist_log_set_level(struct persist_store *s, int level)
{
	struct persist_boot_state st;

	if (!s || level < 0 || level > PERSIST_LEVEL_DEBUG)
		return PERSIST_E_INVAL;
	st = s->state;
	st.log_level = (uint8_t)level;
	return state_commit(s, &st);
}

int persist_log_level(const struct persist_store *s)
{
	return s->state.log_level;
}
