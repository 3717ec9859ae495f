/* SPDX-License-Identifier: MIT */
/*
 * Crash consistency of the libpersist core.
 *
 * A workload of mixed operations (appends, commits, attempts, stages,
 * golden, crash records, one-shots) runs once on the in-memory port while
 * every write and flush is recorded. Then, for every write k and every
 * 512-byte boundary t inside it, the device image a power cut would leave
 * (all writes before k, the first t sectors of k) is rebuilt and opened;
 * more cuts drop or reorder the writes not yet flushed. After each cut:
 *   - open succeeds;
 *   - the records form one run of consecutive seqs, each equal to what was
 *     appended (so no CRC-failing record is returned), reaching at least
 *     the last committed record and reaching back to every record the ring
 *     still had to hold;
 *   - the boot state equals the last committed state, or the one being
 *     written at the cut, byte for byte;
 *   - an attempt left running is counted as failed by the next begin.
 * KEEL_CRASH_OPS=N changes the workload size (default 10000).
 */
#include "libpersist/internal.h"
#include "libpersist/port_mem.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>

#define SEG  (16u << 10)
#define SIZE (RING_OFF + 4 * SEG)
#define MAX_SEQ 200000u
#ifndef KEEL_CRASH_OPS_DEFAULT
#define KEEL_CRASH_OPS_DEFAULT 10000
#endif
#define RING_WINDOW 2048u

static const persist_guid uuid = { { 0xaa, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
static struct persist_store live, probe;
static uint8_t recbuf[PERSIST_RECORD_MAX];

/* ---- the model ---- */

static uint32_t model_crc[MAX_SEQ];     /* CRC of message + payload by seq */
static uint64_t model_next = 1;         /* seqs below are known to the model */
static uint64_t committed_seq;          /* last record known durable */
static uint64_t committed_state;        /* seq of the last durable state */
static uint64_t durable_state;          /* same, as seen by the replay */
static uint8_t *state_snap[MAX_SEQ / 4];/* encoded state by state seq */

/* One recorded write (data NULL: a flush). */
struct wr {
	uint64_t off;
	size_t len;
	uint8_t *data;
	uint64_t committed_seq, committed_state, guard;
};
static struct wr *wrs;
static size_t n_wrs, cap_wrs, n_flushes;

static uint32_t rec_crc(const struct persist_record *r)
{
	uint32_t c = persist_crc32(0, r->msg, r->msg_len);

	return persist_crc32(c, r->payload, r->payload_len);
}

/* Oldest seq the ring must still hold while the live store writes: the
 * first record of the segment after the head (the head may be the one
 * being overwritten). 1 while the ring has not wrapped. */
static uint64_t guard_seq(void)
{
	uint32_t next = (live.head_seg + 1) % live.seg_count;
	struct persist_seghdr h;
	uint8_t *view = persist_mem_data((struct persist_mem *)live.port.ctx);

	if (persist_seg_decode(view + persist_seg_off(&live, next), SEG_HDR, &h) ||
	    !persist_guid_equal(&h.uuid, &uuid) || h.gen > live.head_gen)
		return 1;
	return h.first_seq;
}

static void trace(void *ctx, uint64_t off, const void *data, size_t len)
{
	struct wr *w;

	(void)ctx;
	if (n_wrs == cap_wrs) {
		cap_wrs = cap_wrs ? 2 * cap_wrs : 4096;
		wrs = realloc(wrs, cap_wrs * sizeof(*wrs));
	}
	w = &wrs[n_wrs++];
	w->off = off;
	w->len = len;
	w->data = data ? malloc(len) : NULL;
	n_flushes += !data;
	if (data)
		memcpy(w->data, data, len);
	w->committed_seq = committed_seq;
	w->committed_state = committed_state;
	w->guard = guard_seq();
	if (data && off >= STATE_OFF && off < RING_OFF) {
		uint64_t seq = get_le64(w->data + 16);

		if (seq < MAX_SEQ / 4 && !state_snap[seq])
			state_snap[seq] = w->data;
	}
}

/* Learns records the live store wrote by itself (it has committed). */
static void learn_new_records(void)
{
	struct persist_log_iter it;
	struct persist_record rec;

	persist_log_iter_init(&it, &live, model_next, NULL);
	while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0)
		if (rec.seq < MAX_SEQ)
			model_crc[rec.seq] = rec_crc(&rec);
	model_next = live.next_seq;
}

/* ---- the workload ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const entries[] = { "keel-6.1.0-1", "keel-6.1.0-2", "keel-6.1.0-3",
				       "keel-6.1.0-4" };

static int op_append(void)
{
	static uint8_t payload[3000];
	char msg[256];
	size_t n = 8 + rnd(200), pl = rnd(10) == 0 ? rnd(sizeof(payload)) : 0;
	struct persist_record r = { 0 };
	uint64_t seq = live.next_seq;
	int e;

	for (size_t i = 0; i < n; i++)
		msg[i] = (char)('a' + rnd(26));
	msg[n] = '\0';
	for (size_t i = 0; i < pl; i++)
		payload[i] = (uint8_t)rnd(256);
	e = persist_log_append(&live, (int)rnd(8), (int)rnd(PERSIST_SRC_COUNT), msg, payload, pl);
	if (e == 0 && seq < MAX_SEQ) {
		r.msg = msg, r.msg_len = n, r.payload = payload, r.payload_len = pl;
		model_crc[seq] = rec_crc(&r);
		model_next = seq + 1;
	}
	return e;
}

/* Runs one random operation; after it returns, what it made durable is
 * recorded in the model. */
static int run_op(uint64_t *boot)
{
	uint32_t dice = rnd(100);
	size_t flushes = n_flushes;
	bool commits_log = true;
	int e;

	if (dice < 55)
		return op_append();
	if (dice < 75) {
		e = persist_log_commit(&live);
	} else if (dice < 83) {
		e = persist_boot_begin_attempt(&live, entries[rnd(4)], boot);
	} else if (dice < 91) {
		e = persist_boot_mark_stage(&live, *boot, 2 + (int)rnd(3));
		commits_log = false;
	} else if (dice < 96) {
		e = persist_boot_mark_golden(&live, *boot);
		commits_log = false;
	} else if (dice < 98) {
		struct persist_crash c = { .cause = PERSIST_CAUSE_PROCESS, .stage = 3 };

		c.details = "segfault in keel-watchdogd";
		c.details_len = strlen(c.details);
		e = persist_crash_append(&live, PERSIST_SRC_WATCHDOG, &c);
	} else if (dice < 99) {
		e = persist_boot_set_oneshot(&live, entries[rnd(4)]);
		commits_log = false;
	} else {
		e = persist_boot_reset_entry(&live, entries[rnd(4)]);
		commits_log = false;
	}
	if (e == PERSIST_E_STALE || e == PERSIST_E_NOTFOUND)
		return 0;
	if (e == 0) {
		committed_state = live.state.seq;
		/* A commit makes the appends durable; so does a state change
		 * (it writes pending appends with the state, one flush for
		 * both), but these may change nothing and flush nothing. */
		if (commits_log || n_flushes != flushes) {
			learn_new_records();
			committed_seq = live.next_seq - 1;
		}
	}
	return e;
}

static size_t ops_count(void)
{
	const char *v = getenv("KEEL_CRASH_OPS");

	return v && atoi(v) > 0 ? (size_t)atoi(v) : KEEL_CRASH_OPS_DEFAULT;
}

static struct persist_mem *live_mem;
static uint8_t *base_image;
static size_t ops_done;

/* Runs the workload once, recording every write. */
static bool record_workload(void)
{
	struct persist_port p;
	struct persist_format_opts o = { .segment_size = SEG };
	uint64_t boot = 0;

	if (wrs)
		return true;
	live_mem = persist_mem_new(SIZE, 512);
	persist_mem_port(live_mem, &p);
	if (persist_format(&live, &p, &uuid, &o))
		return false;
	committed_state = live.state.seq;
	base_image = malloc(SIZE);
	memcpy(base_image, persist_mem_media(live_mem), SIZE);
	state_snap[committed_state] = malloc(PERSIST_STATE_SIZE);
	memcpy(state_snap[committed_state], base_image + STATE_OFF, PERSIST_STATE_SIZE);
	persist_mem_set_trace(live_mem, trace, NULL);
	for (ops_done = 0; ops_done < ops_count(); ops_done++)
		if (run_op(&boot))
			return false;
	return persist_close(&live) == 0;
}

/* ---- verification of one cut ---- */

static struct persist_mem *probe_mem;
static unsigned failures;
static size_t hinted_opens;                /* opens that had a hint to follow */

static bool fail(const char *why, size_t k, unsigned t)
{
	if (failures++ < 10)
		printf("  cut at write %zu (+%u sectors): %s\n", k, t, why);
	return false;
}

static bool check_records(const struct wr *w, size_t k, unsigned t)
{
	struct persist_log_iter it;
	struct persist_record rec;
	uint64_t first = 0, last = 0;
	int r;

	persist_log_iter_init(&it, &probe, 0, NULL);
	while ((r = persist_log_next(&it, &rec, recbuf, sizeof(recbuf))) > 0) {
		if (last && rec.seq != last + 1)
			return fail("gap in the records", k, t);
		if (rec.seq >= MAX_SEQ || rec.seq >= model_next ||
		    model_crc[rec.seq] != rec_crc(&rec))
			return fail("a record differs from what was appended", k, t);
		first = first ? first : rec.seq;
		last = rec.seq;
	}
	if (r < 0)
		return fail("read error", k, t);
	if (w->committed_seq >= w->guard && (last < w->committed_seq || first > w->guard)) {
		if (getenv("KEEL_CRASH_DEBUG"))
			printf("  first %llu last %llu committed %llu guard %llu\n",
			       (unsigned long long)first, (unsigned long long)last,
			       (unsigned long long)w->committed_seq, (unsigned long long)w->guard);
		return fail("a committed record is missing", k, t);
	}
	return true;
}

static bool check_state(const struct wr *w, uint64_t inflight, size_t k, unsigned t)
{
	static uint8_t enc[PERSIST_STATE_SIZE];
	uint64_t seq = probe.state.seq;

	/* durable_state: the last state whose write was followed by a flush
	 * (the op that wrote it may not have returned yet). */
	if (durable_state < w->committed_state)
		return fail("test bookkeeping: durable state behind the model", k, t);
	if (seq != durable_state && seq != inflight)
		return fail("boot state is neither the committed nor the new one", k, t);
	persist_state_encode(&probe.state, &uuid, enc);
	if (!state_snap[seq] || memcmp(enc + 8, state_snap[seq] + 8, PERSIST_STATE_SIZE - 8))
		return fail("boot state differs from the one written", k, t);
	return true;
}

/* An attempt still running after the cut must be counted as failed. */
static bool check_failed_attempt_counted(size_t k, unsigned t)
{
	const struct persist_boot_state *st = &probe.state;
	const struct persist_attempt *a;
	const struct persist_entry *e;
	uint32_t before;
	uint64_t b;

	if (!st->n_history || st->history[st->n_history - 1].outcome != PERSIST_END_RUNNING)
		return true;
	a = &st->history[st->n_history - 1];
	e = persist_boot_find(&probe, a->entry);
	before = e ? e->failures : 0;
	b = a->boot_id;
	if (persist_boot_begin_attempt(&probe, "probe", &b))
		return fail("begin after the cut failed", k, t);
	a = persist_boot_find_attempt(&probe, st->history[st->n_history - 2].boot_id);
	e = persist_boot_find(&probe, a->entry);
	if (a->outcome != PERSIST_END_FAILED || !e || e->failures != before + 1)
		return fail("the interrupted attempt was not counted as failed", k, t);
	return true;
}

/* The hint led to the head a scan of every segment header finds. */
static bool check_head(size_t k, unsigned t)
{
	uint32_t seg = 0;
	uint64_t gen = 0;

	if (persist_log_scan_head(&probe, &seg, &gen))
		return fail("scanning the segment headers failed", k, t);
	if (gen != probe.head_gen || (gen && seg != probe.head_seg))
		return fail("the log head found from the hint is not the newest segment", k, t);
	hinted_opens += probe.state.log_hint != 0;
	return true;
}

static bool verify_image(const uint8_t *img, size_t k, unsigned t, uint64_t inflight)
{
	struct persist_port p;
	const struct wr *w = &wrs[k];
	bool ok;

	persist_mem_load(probe_mem, img);
	persist_mem_port(probe_mem, &p);
	/* The boot manager's open: the head from the state's hint. */
	if (persist_open(&probe, &p, PERSIST_OPEN_WRITE | PERSIST_OPEN_HINT))
		return fail("open failed", k, t);
	ok = check_head(k, t) && check_records(w, k, t) && check_state(w, inflight, k, t) &&
	     check_failed_attempt_counted(k, t);
	persist_close(&probe);
	return ok;
}

static uint64_t state_seq_of(const struct wr *w)
{
	return w->data && w->off >= STATE_OFF && w->off < RING_OFF ? get_le64(w->data + 16) : 0;
}

/* Builds the image after writes [from, k) of an epoch under a policy. */
static void apply_epoch(uint8_t *img, size_t from, size_t k, int policy)
{
	size_t n = k - from, order[4096];

	for (size_t i = 0; i < n && i < 4096; i++)
		order[i] = from + i;
	if (policy == PERSIST_MEM_REORDER)
		for (size_t i = n; i > 1; i--) {
			size_t j = rnd((uint32_t)i), x = order[i - 1];

			order[i - 1] = order[j];
			order[j] = x;
		}
	for (size_t i = 0; i < n && i < 4096; i++)
		if (policy == PERSIST_MEM_KEEP || rnd(2))
			memcpy(img + wrs[order[i]].off, wrs[order[i]].data, wrs[order[i]].len);
}

static size_t cuts_tried;

/* Every write, every sector boundary, writes landing in order. */
TEST(power_cut_at_every_write_and_sector)
{
	uint8_t *img = malloc(SIZE), *durable = malloc(SIZE);
	struct persist_port p;
	uint64_t inflight = 0;

	REQUIRE(record_workload());
	probe_mem = persist_mem_new(SIZE, 512);
	persist_mem_port(probe_mem, &p);
	memcpy(img, base_image, SIZE);
	memcpy(durable, base_image, SIZE);
	durable_state = wrs[0].committed_state;
	failures = 0;
	for (size_t k = 0; k < n_wrs && failures < 10; k++) {
		struct wr *w = &wrs[k];

		if (!w->data) {
			memcpy(durable, img, SIZE);
			durable_state = inflight ? inflight : durable_state;
			inflight = 0;
			continue;
		}
		if (state_seq_of(w))
			inflight = state_seq_of(w);
		for (unsigned t = 0; t <= w->len / 512; t++) {
			static uint8_t *cut;

			cut = cut ? cut : malloc(SIZE);
			memcpy(cut, img, SIZE);
			memcpy(cut + w->off, w->data, (size_t)t * 512);
			verify_image(cut, k, t, inflight);
			cuts_tried++;
		}
		memcpy(img + w->off, w->data, w->len);
	}
	printf("  %zu operations, %zu writes, %zu cut points (in-order), %zu opened from a "
	       "log hint\n", ops_done, n_wrs, cuts_tried, hinted_opens);
	CHECK_EQ_INT(failures, 0);
	/* Most cuts come after the first state write: the hint path ran. */
	CHECK(hinted_opens > cuts_tried / 2);
	free(img);
	free(durable);
}

/* Cuts where the writes since the last flush are dropped or reordered. */
TEST(power_cut_with_dropped_and_reordered_writes)
{
	uint8_t *durable = malloc(SIZE), *cut = malloc(SIZE);
	size_t epoch = 0, tried = 0;
	uint64_t inflight = 0;

	REQUIRE(record_workload());
	if (!probe_mem)
		probe_mem = persist_mem_new(SIZE, 512);
	memcpy(durable, base_image, SIZE);
	durable_state = wrs[0].committed_state;
	failures = 0;
	for (size_t k = 0; k < n_wrs && failures < 10; k++) {
		struct wr *w = &wrs[k];

		if (!w->data) {
			apply_epoch(durable, epoch, k, PERSIST_MEM_KEEP);
			epoch = k + 1;
			durable_state = inflight ? inflight : durable_state;
			inflight = 0;
			continue;
		}
		if (state_seq_of(w))
			inflight = state_seq_of(w);
		for (int policy = PERSIST_MEM_DROP; policy <= PERSIST_MEM_REORDER; policy++) {
			unsigned t = rnd((uint32_t)(w->len / 512 + 1));

			memcpy(cut, durable, SIZE);
			apply_epoch(cut, epoch, k, policy);
			memcpy(cut + w->off, w->data, (size_t)t * 512);
			verify_image(cut, k, t, inflight);
			tried++;
		}
	}
	cuts_tried += tried;
	printf("  %zu cut points with dropped/reordered unflushed writes; %zu in all\n", tried,
	       cuts_tried);
	CHECK_EQ_INT(failures, 0);
	free(durable);
	free(cut);
}

/* Crash, reboot, carry on, crash again: faults injected by the port
 * itself while the store is in use, across many power cycles. */
TEST(repeated_power_cycles_keep_every_committed_record)
{
	struct persist_mem *m = persist_mem_new(SIZE, 512);
	struct persist_format_opts o = { .segment_size = SEG };
	struct persist_store *s = &probe;
	struct persist_port p;
	uint64_t committed = 0, boot = 0, cycles = 0;

	persist_mem_port(m, &p);
	REQUIRE(persist_format(s, &p, &uuid, &o) == 0);
	for (int round = 0; round < 300; round++) {
		struct persist_log_iter it;
		struct persist_record rec;
		uint64_t last = 0;

		persist_mem_cut_at(m, 1 + rnd(40), rnd(17), (int)rnd(3), 1 + (uint64_t)round);
		while (!persist_mem_is_dead(m)) {
			if (rnd(3) == 0 && persist_log_commit(s) == 0)
				committed = s->next_seq - 1;
			else if (rnd(10) == 0 &&
				 persist_boot_begin_attempt(s, entries[rnd(4)], &boot) == 0)
				committed = s->next_seq - 1; /* with the state's flush */
			else
				persist_log_append(s, 6, 1, "cycle", NULL, 0);
		}
		persist_close(s);
		persist_mem_power_on(m);
		cycles++;
		/* Every other power-on opens the way the boot manager does. */
		REQUIRE(persist_open(s, &p, PERSIST_OPEN_WRITE | (round % 2 ? PERSIST_OPEN_HINT : 0)) ==
			0);
		persist_log_iter_init(&it, s, committed > 200 ? committed - 200 : 0, NULL);
		while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0) {
			if (last && rec.seq != last + 1)
				unit_fail(__FILE__, __LINE__, "gap after power cycle");
			last = rec.seq;
		}
		CHECK(last >= committed);
		if (last < committed)
			break;
	}
	printf("  %llu power cycles\n", (unsigned long long)cycles);
	persist_close(s);
	persist_mem_free(m);
}

/* ---- bit flips ---- */

/* Every bit of every boot-state copy: the copy is rejected (CRC-32 finds
 * every single-bit error) and open falls back to another copy. */
TEST(bit_flip_in_any_state_copy_is_detected)
{
	struct persist_boot_state st;
	uint8_t *img = malloc(SIZE), *copy;
	struct persist_port p;
	unsigned missed = 0, opened_bad = 0;
	uint64_t newest = 0;

	REQUIRE(record_workload());
	if (!probe_mem)
		probe_mem = persist_mem_new(SIZE, 512);
	persist_mem_port(probe_mem, &p);
	memcpy(img, persist_mem_media(live_mem), SIZE);
	for (int c = 0; c < 3; c++) {
		copy = img + STATE_OFF + (size_t)c * PERSIST_STATE_SIZE;
		if (persist_state_decode(copy, PERSIST_STATE_SIZE, &uuid, &st) == 0 && st.seq > newest)
			newest = st.seq;
	}
	for (int c = 0; c < 3; c++) {
		copy = img + STATE_OFF + (size_t)c * PERSIST_STATE_SIZE;
		for (size_t bit = 0; bit < PERSIST_STATE_SIZE * 8; bit++) {
			copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (persist_state_decode(copy, PERSIST_STATE_SIZE, &uuid, &st) == 0)
				missed++;
			/* A sample goes through a full open too. */
			if (bit % 509 == 0) {
				persist_mem_load(probe_mem, img);
				if (persist_open(&probe, &p, 0) ||
				    (probe.state.seq != newest && probe.state.seq != newest - 1))
					opened_bad++;
				persist_close(&probe);
			}
			copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
	printf("  %d bits flipped in boot-state copies\n", 3 * PERSIST_STATE_SIZE * 8);
	CHECK_EQ_INT(missed, 0);
	CHECK_EQ_INT(opened_bad, 0);
	free(img);
}

/* Every bit of a window of the ring (the head segment's first 2 KiB):
 * no wrong record is ever returned, and unless the bit was in unused
 * space (the records then come back complete), check reports damage. */
TEST(bit_flip_in_ring_window_is_detected_or_harmless)
{
	uint8_t *img = malloc(SIZE);
	struct persist_report rep;
	struct persist_port p;
	uint64_t base, total = 0;
	unsigned bad = 0, detected = 0, harmless = 0;
	size_t count_clean = 0;

	REQUIRE(record_workload());
	if (!probe_mem)
		probe_mem = persist_mem_new(SIZE, 512);
	persist_mem_port(probe_mem, &p);
	memcpy(img, persist_mem_media(live_mem), SIZE);
	persist_mem_load(probe_mem, img);
	REQUIRE(persist_open(&probe, &p, 0) == 0);
	base = persist_seg_off(&probe, probe.head_seg);
	{
		struct persist_log_iter it;
		struct persist_record rec;

		persist_log_iter_init(&it, &probe, 0, NULL);
		while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0)
			count_clean++;
	}
	persist_close(&probe);
	for (size_t bit = 0; bit < RING_WINDOW * 8; bit++) {
		struct persist_log_iter it;
		struct persist_record rec;
		size_t n = 0;
		int cr;

		img[base + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		persist_mem_load(probe_mem, img);
		if (persist_open(&probe, &p, 0) == 0) {
			persist_log_iter_init(&it, &probe, 0, NULL);
			while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0) {
				if (rec.seq >= MAX_SEQ || model_crc[rec.seq] != rec_crc(&rec))
					bad++;
				n++;
			}
			cr = persist_check(&probe, &rep);
			if (cr == PERSIST_E_CORRUPT)
				detected++;
			else if (n == count_clean)
				harmless++;
			else if (bad++ < 5)
				printf("  bit %zu: %zu of %zu records, check clean\n", bit, n,
				       count_clean);
			persist_close(&probe);
		} else {
			bad++;
		}
		img[base + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		total++;
	}
	printf("  %llu ring bits flipped: %u detected, %u in unused space\n",
	       (unsigned long long)total, detected, harmless);
	CHECK_EQ_INT(bad, 0);
	free(img);
}
