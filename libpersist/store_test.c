/* SPDX-License-Identifier: MIT */
/* Unit tests of the libpersist core through the in-memory port. */
#include "libpersist/internal.h"
#include "libpersist/port_mem.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>

#define SEG   (16u << 10)
#define SMALL (RING_OFF + 4 * SEG)

static struct persist_store st, st2;
static uint8_t recbuf[PERSIST_RECORD_MAX];
static const persist_guid uuid = { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };

static struct persist_mem *fresh(struct persist_store *s, size_t size, struct persist_port *p)
{
	struct persist_mem *m = persist_mem_new(size, 512);
	struct persist_format_opts o = { .segment_size = SEG };

	persist_mem_port(m, p);
	if (persist_format(s, p, &uuid, &o) != 0) {
		persist_mem_free(m);
		return NULL;
	}
	return m;
}

/* Collects messages oldest first into one string "a,b,c". */
static void messages(struct persist_store *s, const struct persist_filter *f, char *out,
		     size_t len)
{
	struct persist_log_iter it;
	struct persist_record rec;
	size_t n = 0;

	out[0] = '\0';
	persist_log_iter_init(&it, s, 0, f);
	while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0 && n + rec.msg_len + 2 < len)
		n += (size_t)snprintf(out + n, len - n, "%s%.*s", n ? "," : "", (int)rec.msg_len,
				      rec.msg);
}

TEST(strerror_names_every_code)
{
	CHECK_EQ_STR(persist_strerror(0), "success");
	for (int e = -1; e >= PERSIST_E_AMBIGUOUS; e--)
		CHECK(strcmp(persist_strerror(e), "unknown error") != 0);
	CHECK_EQ_STR(persist_strerror(-99), "unknown error");
	CHECK_EQ_STR(persist_strerror(5), "unknown error");
}

TEST(format_then_open_reads_geometry)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);

	REQUIRE(m);
	CHECK(persist_guid_equal(persist_store_uuid(&st), &uuid));
	CHECK_EQ_INT(st.seg_count, 4);
	CHECK_EQ_INT(persist_close(&st), 0);
	CHECK_EQ_INT(persist_open(&st, &p, 0), 0);
	CHECK_EQ_INT(st.seg_size, SEG);
	CHECK_EQ_INT(persist_log_next_seq(&st), 1);
	CHECK_EQ_INT(persist_boot_state(&st)->max_tries, 3);
	CHECK_EQ_INT(persist_close(&st), 0);
	CHECK_EQ_INT(persist_close(&st), 0); /* closing twice is harmless */
	persist_mem_free(m);
}

TEST(open_rejects_blank_tiny_and_foreign_devices)
{
	struct persist_mem *m = persist_mem_new(SMALL, 512);
	struct persist_port p;
	struct persist_format_opts o = { .segment_size = SEG };

	persist_mem_port(m, &p);
	CHECK_EQ_INT(persist_open(&st, &p, 0), PERSIST_E_NOSTORE);
	memcpy(persist_mem_data(m), "KEELSTOR", 8);
	CHECK_EQ_INT(persist_open(&st, &p, 0), PERSIST_E_CORRUPT);
	persist_mem_free(m);
	m = persist_mem_new(RING_OFF + SEG, 512);
	persist_mem_port(m, &p);
	CHECK_EQ_INT(persist_format(&st, &p, &uuid, &o), PERSIST_E_TOOSMALL);
	persist_mem_free(m);
	m = persist_mem_new(SMALL, 8192);
	persist_mem_port(m, &p);
	CHECK_EQ_INT(persist_format(&st, &p, &uuid, &o), PERSIST_E_UNSUPPORTED);
	persist_mem_free(m);
}

TEST(open_reports_newer_major_version)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_sb sb;
	uint8_t *d;

	REQUIRE(m);
	persist_close(&st);
	d = persist_mem_data(m);
	REQUIRE(persist_sb_decode(d, PERSIST_BLOCK_SIZE, &sb) == 0);
	sb.major = 2;
	persist_sb_encode(&sb, d);
	persist_sb_encode(&sb, d + PERSIST_BLOCK_SIZE);
	CHECK_EQ_INT(persist_open(&st, &p, 0), PERSIST_E_VERSION);
	persist_mem_free(m);
}

TEST(writer_lock_excludes_a_second_writer)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);

	REQUIRE(m);
	CHECK_EQ_INT(persist_open(&st2, &p, PERSIST_OPEN_WRITE), PERSIST_E_BUSY);
	CHECK_EQ_INT(persist_open(&st2, &p, 0), 0); /* readers need no lock */
	CHECK_EQ_INT(persist_log_append(&st2, 6, 1, "x", NULL, 0), PERSIST_E_RDONLY);
	persist_close(&st);
	CHECK_EQ_INT(persist_open(&st2, &p, PERSIST_OPEN_WRITE), 0);
	persist_close(&st2);
	persist_mem_free(m);
}

TEST(append_commit_reopen_keeps_records_in_order)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	char text[256];

	REQUIRE(m);
	persist_set_boot_id(&st, 7);
	CHECK_EQ_INT(persist_log_append(&st, PERSIST_LEVEL_INFO, PERSIST_SRC_OS, "one", NULL, 0), 0);
	CHECK_EQ_INT(persist_log_append(&st, PERSIST_LEVEL_ERR, PERSIST_SRC_BOOTMGR, "two", "\1\2", 2),
		     0);
	CHECK_EQ_INT(persist_log_commit(&st), 0);
	CHECK_EQ_INT(persist_log_append(&st, PERSIST_LEVEL_INFO, PERSIST_SRC_OS, "lost", NULL, 0), 0);
	/* A power cut now loses only the uncommitted record. */
	persist_mem_power_cut(m, PERSIST_MEM_KEEP, 1);
	persist_mem_power_on(m);
	CHECK_EQ_INT(persist_open(&st, &p, PERSIST_OPEN_WRITE), 0);
	messages(&st, NULL, text, sizeof(text));
	CHECK_EQ_STR(text, "one,two");
	CHECK_EQ_INT(persist_log_next_seq(&st), 3);
	CHECK_EQ_INT(persist_log_append(&st, PERSIST_LEVEL_INFO, PERSIST_SRC_OS, "three", NULL, 0),
		     0);
	persist_close(&st);
	CHECK_EQ_INT(persist_open(&st, &p, 0), 0);
	messages(&st, NULL, text, sizeof(text));
	CHECK_EQ_STR(text, "one,two,three");
	persist_close(&st);
	persist_mem_free(m);
}

TEST(append_rejects_bad_arguments)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	static uint8_t big[SEG];

	REQUIRE(m);
	CHECK_EQ_INT(persist_log_append(&st, 8, 1, "x", NULL, 0), PERSIST_E_INVAL);
	CHECK_EQ_INT(persist_log_append(&st, -1, 1, "x", NULL, 0), PERSIST_E_INVAL);
	CHECK_EQ_INT(persist_log_append(&st, 1, 1, "x", NULL, 5), PERSIST_E_INVAL);
	CHECK_EQ_INT(persist_log_append(&st, 1, 1, "x", big, sizeof(big)), PERSIST_E_TOOBIG);
	CHECK_EQ_INT(persist_log_append(&st, 1, 1, "x", big, SEG - SEG_HDR - PERSIST_RECORD_HEADER - 1), 0);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(ring_wraps_and_drops_oldest_whole_segments)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_log_iter it;
	struct persist_record rec;
	char msg[32];
	uint64_t expect = 0, n = 0;

	REQUIRE(m);
	for (int i = 1; i <= 2000; i++) {
		snprintf(msg, sizeof(msg), "record %d", i);
		REQUIRE(persist_log_append(&st, 6, 1, msg, NULL, 0) == 0);
	}
	persist_close(&st);
	CHECK_EQ_INT(persist_open(&st, &p, 0), 0);
	CHECK_EQ_INT(persist_log_next_seq(&st), 2001);
	persist_log_iter_init(&it, &st, 0, NULL);
	while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0) {
		if (expect)
			CHECK_EQ_INT(rec.seq, expect);
		expect = rec.seq + 1;
		n++;
	}
	CHECK_EQ_INT(expect, 2001);
	/* 3 of 4 segments always survive; records are 72 bytes. */
	CHECK(n >= 3 * (SEG - SEG_HDR) / 72 && n < 2000);
	persist_close(&st);
	persist_mem_free(m);
}

/* Opens from the hint; the head must be the one a full scan finds. */
static uint64_t open_hinted(struct persist_store *s, struct persist_mem *m,
			    const struct persist_port *p)
{
	uint64_t before = persist_mem_reads(m), gen = 0;
	uint32_t seg = 0;

	if (persist_open(s, p, PERSIST_OPEN_HINT) || persist_log_scan_head(s, &seg, &gen)) {
		unit_fail(__FILE__, __LINE__, "hinted open failed");
		return ~0ull;
	}
	CHECK_EQ_INT(s->head_gen, gen);
	CHECK_EQ_INT(s->head_seg, seg);
	return persist_mem_reads(m) - before - s->seg_count; /* minus the check's scan */
}

static void append_n(struct persist_store *s, int n)
{
	for (int i = 0; i < n; i++)
		REQUIRE(persist_log_append(s, 6, 1, "a record of some length", NULL, 0) == 0);
	REQUIRE(persist_log_commit(s) == 0);
}

TEST(open_from_the_state_hint_reads_few_segments_and_survives_damage)
{
	enum { SEGS = 64 };
	struct persist_port p;
	struct persist_mem *m = fresh(&st, RING_OFF + SEGS * SEG, &p);
	uint8_t *img;
	uint64_t boot, full, hinted;
	uint32_t head, hint;

	REQUIRE(m);
	img = persist_mem_data(m);
	/* A new store's state says the ring is empty. */
	persist_close(&st);
	CHECK(open_hinted(&st, m, &p) < 8);
	CHECK_EQ_INT(st.head_gen, 0);
	persist_close(&st);
	REQUIRE(persist_open(&st, &p, PERSIST_OPEN_WRITE) == 0);
	append_n(&st, 2000); /* about 10 segments */
	REQUIRE(persist_boot_begin_attempt(&st, "a", &boot) == 0);
	hint = persist_boot_state(&st)->log_hint;
	CHECK_EQ_INT(hint, st.head_seg + 1);
	append_n(&st, 600); /* the head moves on: the hint is stale */
	head = st.head_seg;
	CHECK(head > hint);
	persist_close(&st);

	full = persist_mem_reads(m);
	REQUIRE(persist_open(&st, &p, 0) == 0);
	full = persist_mem_reads(m) - full;
	persist_close(&st);
	hinted = open_hinted(&st, m, &p);
	CHECK_EQ_INT(st.head_seg, head);
	printf("  opening reads %llu blocks from the hint, %llu with a full scan\n", (unsigned long long)hinted, (unsigned long long)full);
	CHECK(hinted + SEGS / 2 < full);
	persist_close(&st);

	/* The hinted segment damaged: the full scan finds the head. */
	img[persist_seg_off(&st, hint - 1) + 9] ^= 1;
	open_hinted(&st, m, &p);
	CHECK_EQ_INT(st.head_seg, head);
	CHECK_EQ_INT(st.found.bad_segments, 1);
	persist_close(&st);
	img[persist_seg_off(&st, hint - 1) + 9] ^= 1;

	/* A damaged segment on the way from the hint to the head. */
	img[persist_seg_off(&st, hint) + 9] ^= 1;
	open_hinted(&st, m, &p);
	CHECK_EQ_INT(st.head_seg, head);
	persist_close(&st);
	img[persist_seg_off(&st, hint) + 9] ^= 1;

	/* Damage right after the head: not trusted, scanned instead. */
	img[persist_seg_off(&st, head + 1) + 9] ^= 1;
	open_hinted(&st, m, &p);
	CHECK_EQ_INT(st.head_seg, head);
	CHECK_EQ_INT(st.found.bad_segments, 1);
	persist_close(&st);
	persist_mem_free(m);
}

struct collected {
	char text[512];
	size_t n;
};

static int collect_cb(void *ctx, const struct persist_record *rec)
{
	struct collected *c = ctx;

	if (c->n + rec->msg_len + 2 < sizeof(c->text))
		c->n += (size_t)snprintf(c->text + c->n, sizeof(c->text) - c->n, "%s%.*s",
					 c->n ? "," : "", (int)rec->msg_len, rec->msg);
	return 0;
}

TEST(last_n_newest_first_with_filters)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_filter f = { 0 };
	struct collected c = { "", 0 };
	char msg[32];

	REQUIRE(m);
	for (int i = 1; i <= 600; i++) {
		persist_set_boot_id(&st, (uint64_t)(i / 100 + 1));
		snprintf(msg, sizeof(msg), "m%d", i);
		REQUIRE(persist_log_append(&st, i % 8, i % 2 ? PERSIST_SRC_OS : PERSIST_SRC_BOOTMGR,
					   msg, NULL, 0) == 0);
	}
	CHECK_EQ_INT(persist_log_last(&st, 3, NULL, collect_cb, &c, recbuf, sizeof(recbuf)), 3);
	CHECK_EQ_STR(c.text, "m600,m599,m598");
	c.n = 0;
	f.use_level = true;
	f.max_level = PERSIST_LEVEL_ERR;
	f.sources = 1u << PERSIST_SRC_OS;
	CHECK_EQ_INT(persist_log_last(&st, 4, &f, collect_cb, &c, recbuf, sizeof(recbuf)), 4);
	CHECK_EQ_STR(c.text, "m595,m593,m587,m585");
	c.n = 0;
	memset(&f, 0, sizeof(f));
	f.boot_id = 5;
	CHECK_EQ_INT(persist_log_last(&st, 2, &f, collect_cb, &c, recbuf, sizeof(recbuf)), 2);
	CHECK_EQ_STR(c.text, "m499,m498");
	/* More than one window of one segment, in order. */
	c.n = 0;
	CHECK_EQ_INT(persist_log_last(&st, 150, NULL, collect_cb, &c, recbuf, sizeof(recbuf)), 150);
	CHECK(strncmp(c.text, "m600,m599,m598", 14) == 0);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(cursor_iteration_resumes_and_sees_new_records)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_log_iter it;
	struct persist_record rec;
	uint64_t cursor;
	int got = 0;

	REQUIRE(m);
	for (int i = 0; i < 300; i++)
		REQUIRE(persist_log_append(&st, 6, 1, "a", NULL, 0) == 0);
	persist_log_commit(&st);
	CHECK_EQ_INT(persist_open(&st2, &p, 0), 0);
	persist_log_iter_init(&it, &st2, 250, NULL);
	CHECK_EQ_INT(persist_log_next(&it, &rec, recbuf, sizeof(recbuf)), 1);
	CHECK_EQ_INT(rec.seq, 250);
	while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0)
		;
	cursor = it.next_seq;
	CHECK_EQ_INT(cursor, 301);
	persist_log_append(&st, 6, 1, "b", NULL, 0);
	persist_log_commit(&st);
	persist_refresh(&st2);
	persist_log_iter_init(&it, &st2, cursor, NULL);
	while (persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) > 0)
		got++;
	CHECK_EQ_INT(got, 1);
	CHECK_EQ_INT(rec.seq, 301);
	CHECK_EQ_INT(persist_log_next(&it, &rec, recbuf, 10), 0);
	persist_close(&st2);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(level_threshold_and_clear)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	char text[64];

	REQUIRE(m);
	CHECK_EQ_INT(persist_log_set_level(&st, PERSIST_LEVEL_NOTICE), 0);
	CHECK_EQ_INT(persist_log_level(&st), PERSIST_LEVEL_NOTICE);
	CHECK_EQ_INT(persist_log_set_level(&st, 9), PERSIST_E_INVAL);
	persist_log_append(&st, PERSIST_LEVEL_DEBUG, 1, "dropped", NULL, 0);
	persist_log_append(&st, PERSIST_LEVEL_NOTICE, 1, "kept", NULL, 0);
	messages(&st, NULL, text, sizeof(text));
	CHECK_EQ_STR(text, "kept");
	CHECK_EQ_INT(persist_log_clear(&st), 0);
	persist_log_append(&st, PERSIST_LEVEL_ERR, 1, "after", NULL, 0);
	persist_close(&st);
	CHECK_EQ_INT(persist_open(&st, &p, 0), 0);
	messages(&st, NULL, text, sizeof(text));
	CHECK_EQ_STR(text, "after");
	CHECK_EQ_INT(persist_log_level(&st), PERSIST_LEVEL_NOTICE);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(names_round_trip)
{
	CHECK_EQ_STR(persist_level_name(PERSIST_LEVEL_WARNING), "warning");
	CHECK_EQ_INT(persist_level_from_name("warn"), PERSIST_LEVEL_WARNING);
	CHECK_EQ_INT(persist_level_from_name("3"), 3);
	CHECK_EQ_INT(persist_level_from_name("8"), -1);
	CHECK_EQ_INT(persist_level_from_name("loud"), -1);
	CHECK_EQ_INT(persist_source_from_name("watchdog"), PERSIST_SRC_WATCHDOG);
	CHECK_EQ_STR(persist_source_name(99), "?");
	CHECK_EQ_INT(persist_stage_from_name("services"), PERSIST_STAGE_SERVICES);
	CHECK_EQ_STR(persist_stage_name(PERSIST_STAGE_GOLDEN), "golden");
	CHECK_EQ_STR(persist_outcome_name(PERSIST_END_FAILED), "failed");
	CHECK_EQ_STR(persist_cause_name(PERSIST_CAUSE_PROCESS), "process-crash");
}

static void sample_record(struct persist_record *r, const char *msg)
{
	memset(r, 0, sizeof(*r));
	r->seq = 42;
	r->boot_id = 3;
	r->wall = 1704067200000001ull; /* 2024-01-01T00:00:00.000001Z */
	r->mono = 5;
	r->type = PERSIST_REC_LOG;
	r->level = PERSIST_LEVEL_WARNING;
	r->source = PERSIST_SRC_OS;
	r->msg = msg;
	r->msg_len = strlen(msg);
}

TEST(format_text_json_journal)
{
	struct persist_record r;
	char out[512];
	int n;

	sample_record(&r, "disk \"sda\"\nfull");
	n = persist_record_format(&r, PERSIST_FMT_TEXT, NULL, out, sizeof(out));
	CHECK_EQ_INT(n, 73);
	CHECK_EQ_STR(out, "2024-01-01T00:00:00.000001Z boot=3 seq=42 os.warning: disk \"sda\"\\x0afull\n");
	CHECK_EQ_INT(n, (int)strlen(out));
	persist_record_format(&r, PERSIST_FMT_JSON, NULL, out, sizeof(out));
	CHECK_EQ_STR(out, "{\"seq\":42,\"boot\":3,\"time\":\"2024-01-01T00:00:00.000001Z\","
			  "\"wall_usec\":1704067200000001,\"mono_usec\":5,\"level\":\"warning\","
			  "\"source\":\"os\",\"type\":\"log\",\"message\":\"disk \\\"sda\\\"\\u000afull\"}\n");
	n = persist_record_format(&r, PERSIST_FMT_JOURNAL, &uuid, out, sizeof(out));
	CHECK(n > 0 && strstr(out, "__REALTIME_TIMESTAMP=1704067200000001\n"));
	CHECK(strstr(out, "_BOOT_ID=01020304050607080000000000000003\n") != NULL);
	/* The message has a newline: binary field form with a LE64 size. */
	CHECK(memcmp(strstr(out, "MESSAGE\n"), "MESSAGE\n\x0f\0\0\0\0\0\0\0disk", 20) == 0);
	/* Truncation reports the needed length like snprintf. */
	CHECK_EQ_INT(persist_record_format(&r, PERSIST_FMT_TEXT, NULL, out, 8), 73);
	CHECK_EQ_STR(out, "2024-01");
	CHECK_EQ_INT(persist_record_format(&r, 7, NULL, out, 8), PERSIST_E_INVAL);
}

static int sink(void *ctx, const char *data, size_t len)
{
	struct collected *c = ctx;

	if (c->n + len < sizeof(c->text)) {
		memcpy(c->text + c->n, data, len);
		c->n += len;
		c->text[c->n] = '\0';
	}
	return 0;
}

TEST(export_writes_every_matching_record)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	static uint8_t work[PERSIST_EXPORT_WORK];
	struct collected c = { "", 0 };
	struct persist_filter f = { .sources = 1u << PERSIST_SRC_OS };

	REQUIRE(m);
	persist_mem_set_clock(m, 0, 0);
	persist_log_append(&st, 6, PERSIST_SRC_OS, "a", NULL, 0);
	persist_log_append(&st, 6, PERSIST_SRC_BOOTMGR, "b", NULL, 0);
	persist_log_append(&st, 6, PERSIST_SRC_OS, "c", NULL, 0);
	CHECK_EQ_INT(persist_log_export(&st, PERSIST_FMT_TEXT, &f, sink, &c, work, sizeof(work)), 2);
	CHECK_EQ_STR(c.text, "- boot=0 seq=1 os.info: a\n- boot=0 seq=3 os.info: c\n");
	CHECK_EQ_INT(persist_log_export(&st, PERSIST_FMT_TEXT, &f, sink, &c, work, 10),
		     PERSIST_E_INVAL);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(crash_record_round_trip)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_crash c = { 0 }, d;
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	struct persist_log_iter it;
	struct persist_record rec;
	char out[256];

	REQUIRE(m);
	c.cause = PERSIST_CAUSE_WATCHDOG;
	c.stage = PERSIST_STAGE_INIT;
	c.crashed_boot_id = 9;
	c.details = "watchdog reset";
	c.details_len = 14;
	c.data = (const uint8_t *)"trace";
	c.data_len = 5;
	persist_log_append(&st, 6, 1, "noise", NULL, 0);
	CHECK_EQ_INT(persist_crash_append(&st, PERSIST_SRC_WATCHDOG, &c), 0);
	c.cause = 77;
	CHECK_EQ_INT(persist_crash_append(&st, PERSIST_SRC_WATCHDOG, &c), PERSIST_E_INVAL);
	persist_log_iter_init(&it, &st, 0, &f);
	REQUIRE(persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) == 1);
	REQUIRE(persist_crash_decode(&rec, &d) == 0);
	CHECK_EQ_INT(d.cause, PERSIST_CAUSE_WATCHDOG);
	CHECK_EQ_INT(d.stage, PERSIST_STAGE_INIT);
	CHECK_EQ_INT(d.crashed_boot_id, 9);
	CHECK_EQ_INT(d.data_len, 5);
	CHECK(memcmp(d.data, "trace", 5) == 0);
	CHECK(d.details_len == 14 && memcmp(d.details, "watchdog reset", 14) == 0);
	persist_record_format(&rec, PERSIST_FMT_TEXT, NULL, out, sizeof(out));
	CHECK(strstr(out, "CRASH cause=watchdog stage=init crashed-boot=9 data=5B watchdog reset"));
	rec.type = PERSIST_REC_LOG;
	CHECK_EQ_INT(persist_crash_decode(&rec, &d), PERSIST_E_CORRUPT);
	persist_close(&st);
	persist_mem_free(m);
}

/* ---- boot state ---- */

static const char *const ids[] = { "new", "old", "older" };

TEST(begin_attempt_counts_failures_and_marks_bad)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	const struct persist_entry *e;
	uint64_t b1, b2, b3, b4;

	REQUIRE(m);
	CHECK_EQ_INT(persist_boot_begin_attempt(&st, "new", &b1), 0);
	CHECK_EQ_INT(b1, 1);
	CHECK_EQ_INT(persist_boot_mark_stage(&st, b1, PERSIST_STAGE_INIT), 0);
	CHECK_EQ_INT(persist_boot_begin_attempt(&st, "new", &b2), 0);
	CHECK_EQ_INT(persist_boot_mark_stage(&st, b1, PERSIST_STAGE_SERVICES), PERSIST_E_STALE);
	CHECK_EQ_INT(persist_boot_find_attempt(&st, b1)->outcome, PERSIST_END_FAILED);
	CHECK_EQ_INT(persist_boot_find_attempt(&st, b1)->stage, PERSIST_STAGE_INIT);
	CHECK_EQ_INT(persist_boot_begin_attempt(&st, "new", &b3), 0);
	e = persist_boot_find(&st, "new");
	REQUIRE(e);
	CHECK_EQ_INT(e->failed, 2);
	CHECK(!e->bad);
	CHECK_EQ_INT(persist_boot_begin_attempt(&st, "new", &b4), 0);
	CHECK_EQ_INT(e->failed, 3);
	CHECK(e->bad);
	CHECK_EQ_INT(e->attempts, 4);
	/* Durable: a reopen sees the same. */
	persist_close(&st);
	CHECK_EQ_INT(persist_open(&st, &p, 0), 0);
	CHECK(persist_boot_find(&st, "new")->bad);
	CHECK_EQ_INT(persist_boot_state(&st)->n_history, 4);
	CHECK_EQ_INT(persist_boot_state(&st)->next_boot_id, 5);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(begin_attempt_logs_failed_attempt_as_crash_record)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	struct persist_log_iter it;
	struct persist_record rec;
	struct persist_crash c;
	uint64_t b;

	REQUIRE(m);
	persist_boot_begin_attempt(&st, "new", &b);
	persist_boot_mark_stage(&st, b, PERSIST_STAGE_KERNEL);
	persist_boot_begin_attempt(&st, "new", &b);
	persist_log_iter_init(&it, &st, 0, &f);
	REQUIRE(persist_log_next(&it, &rec, recbuf, sizeof(recbuf)) == 1);
	REQUIRE(persist_crash_decode(&rec, &c) == 0);
	CHECK_EQ_INT(c.cause, PERSIST_CAUSE_UNKNOWN);
	CHECK_EQ_INT(c.stage, PERSIST_STAGE_KERNEL);
	CHECK_EQ_INT(c.crashed_boot_id, 1);
	CHECK_EQ_INT(rec.boot_id, 2);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(golden_resets_count_and_becomes_lkg)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	uint64_t b;

	REQUIRE(m);
	persist_boot_begin_attempt(&st, "old", &b);
	persist_boot_begin_attempt(&st, "old", &b);
	CHECK_EQ_INT(persist_boot_find(&st, "old")->failed, 1);
	CHECK_EQ_INT(persist_boot_mark_stage(&st, b, PERSIST_STAGE_GOLDEN), 0);
	CHECK_EQ_INT(persist_boot_find(&st, "old")->failed, 0);
	CHECK(persist_boot_find(&st, "old")->good);
	CHECK_EQ_STR(persist_boot_state(&st)->lkg, "old");
	CHECK_EQ_INT(persist_boot_mark_golden(&st, b), 0); /* idempotent */
	CHECK_EQ_INT(persist_boot_mark_golden(&st, 999), PERSIST_E_NOTFOUND);
	CHECK_EQ_INT(persist_boot_mark_stage(&st, b, 17), PERSIST_E_INVAL);
	/* A golden attempt is not counted as failed by the next begin. */
	persist_boot_begin_attempt(&st, "old", &b);
	CHECK_EQ_INT(persist_boot_find(&st, "old")->failed, 0);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(choose_follows_the_fallback_order)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_choice c;
	char why[256];
	uint64_t b;

	REQUIRE(m);
	CHECK_EQ_INT(persist_boot_choose(&st, ids, 3, NULL, &c), 0);
	CHECK(c.index == 0 && c.reason == PERSIST_CHOSE_DEFAULT);
	/* "older" golden first, then "old" golden (becomes LKG). */
	persist_boot_begin_attempt(&st, "older", &b);
	persist_boot_mark_golden(&st, b);
	persist_boot_begin_attempt(&st, "old", &b);
	persist_boot_mark_golden(&st, b);
	for (int i = 0; i < 3; i++)
		persist_boot_begin_attempt(&st, "new", &b);
	persist_boot_begin_attempt(&st, "new", &b); /* third failure */
	CHECK(persist_boot_find(&st, "new")->bad);
	CHECK_EQ_INT(persist_boot_choose(&st, ids, 3, NULL, &c), 0);
	CHECK(c.index == 1 && c.reason == PERSIST_CHOSE_LKG && c.default_skip == PERSIST_SKIP_BAD);
	persist_choice_describe(&st, &c, ids, why, sizeof(why));
	CHECK_EQ_STR(why, "default 'new' is bad (3 failed attempts); falling back to last-known-good 'old'");
	CHECK_EQ_INT(persist_choice_reason(&st, &c, why, sizeof(why)), 40);
	CHECK_EQ_STR(why, "default 'new' is bad (3 failed attempts)");
	/* LKG missing from disk: the older golden entry. */
	CHECK_EQ_INT(persist_boot_choose(&st, (const char *const[]){ "new", "older" }, 2, NULL, &c), 0);
	CHECK(c.index == 1 && c.reason == PERSIST_CHOSE_GOLDEN && c.lkg_skip == PERSIST_SKIP_MISSING);
	/* Nothing usable: Recovery. */
	CHECK_EQ_INT(persist_boot_choose(&st, ids, 1, NULL, &c), 0);
	CHECK(c.index == -1 && c.reason == PERSIST_CHOSE_RECOVERY);
	persist_choice_describe(&st, &c, ids, why, sizeof(why));
	CHECK_EQ_STR(why, "default 'new' is bad (3 failed attempts); last-known-good 'old' is "
			  "missing; no bootable entry left; falling back to Recovery");
	persist_choice_reason(&st, &c, why, sizeof(why));
	CHECK_EQ_STR(why, "default 'new' is bad (3 failed attempts); last-known-good 'old' is "
			  "missing; no bootable entry left");
	/* A bad one-shot is not used either; a good one is, once. */
	CHECK_EQ_INT(persist_boot_set_oneshot(&st, "new"), 0);
	persist_boot_choose(&st, ids, 3, NULL, &c);
	CHECK(c.index == 1 && c.oneshot_skip == PERSIST_SKIP_BAD);
	CHECK_EQ_INT(persist_boot_set_oneshot(&st, "older"), 0);
	persist_boot_choose(&st, ids, 3, NULL, &c);
	CHECK(c.index == 2 && c.reason == PERSIST_CHOSE_ONESHOT);
	persist_boot_begin_attempt(&st, "older", &b);
	CHECK_EQ_STR(persist_boot_state(&st)->oneshot, "");
	/* Reset makes the default usable again. */
	CHECK_EQ_INT(persist_boot_reset_entry(&st, "new"), 0);
	persist_boot_choose(&st, ids, 3, NULL, &c);
	CHECK(c.index == 0 && c.reason == PERSIST_CHOSE_DEFAULT);
	/* Bad by the caller's rule (a boot counter in a file name): skipped
	 * as bad, pinned or not, also as LKG. */
	persist_boot_choose_among(&st, ids, (const bool[]){ true, false, false }, 3, "new", &c);
	CHECK(c.index == 1 && c.reason == PERSIST_CHOSE_LKG && c.default_skip == PERSIST_SKIP_BAD);
	persist_choice_describe(&st, &c, ids, why, sizeof(why));
	CHECK_EQ_STR(why, "default 'new' is bad; falling back to last-known-good 'old'");
	persist_boot_choose_among(&st, ids, (const bool[]){ true, true, false }, 3, NULL, &c);
	CHECK(c.index == 2 && c.reason == PERSIST_CHOSE_GOLDEN && c.lkg_skip == PERSIST_SKIP_BAD);
	CHECK_EQ_INT(persist_boot_reset_entry(&st, "nope"), PERSIST_E_NOTFOUND);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(configured_default_mark_bad_and_max_tries)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_choice c;
	uint64_t b;

	REQUIRE(m);
	CHECK_EQ_INT(persist_boot_set_default(&st, "old"), 0);
	persist_boot_choose(&st, ids, 3, NULL, &c);
	CHECK_EQ_INT(c.index, 1);
	CHECK_EQ_INT(persist_boot_mark_bad(&st, "old"), 0);
	persist_boot_choose(&st, ids, 3, NULL, &c);
	CHECK(c.index == -1 && c.default_skip == PERSIST_SKIP_BAD);
	CHECK_EQ_INT(persist_boot_set_default(&st, NULL), 0);
	persist_boot_choose(&st, ids, 3, NULL, &c);
	CHECK_EQ_INT(c.index, 0);
	CHECK_EQ_INT(persist_boot_set_max_tries(&st, 1), 0);
	CHECK_EQ_INT(persist_boot_set_max_tries(&st, 0), PERSIST_E_INVAL);
	persist_boot_begin_attempt(&st, "new", &b);
	persist_boot_begin_attempt(&st, "older", &b);
	CHECK(persist_boot_find(&st, "new")->bad);
	CHECK_EQ_INT(persist_boot_begin_attempt(&st, "bad id", &b), PERSIST_E_INVAL);
	CHECK_EQ_INT(persist_boot_set_oneshot(&st, "x\"y"), PERSIST_E_INVAL);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(many_entries_evict_the_stalest)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	char id[16];
	uint64_t b;

	REQUIRE(m);
	for (int i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "e%d", i);
		REQUIRE(persist_boot_begin_attempt(&st, id, &b) == 0);
		persist_boot_mark_golden(&st, b);
	}
	CHECK_EQ_INT(persist_boot_state(&st)->n_entries, PERSIST_MAX_ENTRIES);
	CHECK_EQ_INT(persist_boot_state(&st)->n_history, PERSIST_MAX_HISTORY);
	CHECK(persist_boot_find(&st, "e59") != NULL);
	CHECK(persist_boot_find(&st, "e0") == NULL);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(check_and_repair_fix_damage)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_report r;
	uint64_t b;
	uint8_t *d;

	REQUIRE(m);
	persist_boot_begin_attempt(&st, "new", &b);
	persist_log_append(&st, 6, 1, "x", NULL, 0);
	CHECK_EQ_INT(persist_check(&st, &r), 0);
	persist_close(&st);
	d = persist_mem_data(m);
	d[100] ^= 1;                   /* superblock A */
	d[STATE_OFF + 300] ^= 4;       /* a boot-state copy */
	CHECK_EQ_INT(persist_open(&st, &p, PERSIST_OPEN_WRITE), 0);
	CHECK_EQ_INT(persist_check(&st, &r), PERSIST_E_CORRUPT);
	CHECK_EQ_INT(r.bad_superblocks, 1);
	CHECK_EQ_INT(r.bad_state_copies, 1);
	CHECK_EQ_INT(persist_repair(&st, &r), 0);
	CHECK(r.repaired >= 2);
	CHECK_EQ_INT(persist_check(&st, &r), 0);
	CHECK_EQ_STR(persist_boot_state(&st)->history[0].entry, "new");
	persist_close(&st);
	/* Every state copy gone: open still works, with defaults, and says so. */
	memset(d + STATE_OFF, 0xee, 3 * PERSIST_STATE_SIZE);
	CHECK_EQ_INT(persist_open(&st, &p, PERSIST_OPEN_WRITE), 0);
	CHECK(st.found.state_reset);
	CHECK_EQ_INT(persist_repair(&st, &r), 0);
	CHECK_EQ_INT(persist_check(&st, &r), 0);
	persist_close(&st);
	persist_mem_free(m);
}

/* The boot manager's hinted open reads boot-state copies newest first and
 * stops at the first valid one; a full load (check) still sees them all. */
TEST(hinted_open_reads_state_copies_newest_first)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_report r;
	uint64_t b, newest;
	uint8_t *d;

	REQUIRE(m);
	REQUIRE(persist_boot_begin_attempt(&st, "one", &b) == 0);
	REQUIRE(persist_boot_begin_attempt(&st, "two", &b) == 0);
	newest = persist_boot_state(&st)->seq;
	REQUIRE(newest >= 3);
	persist_close(&st);
	d = persist_mem_data(m);
	/* An older copy damaged: never read by the hinted open, found by check. */
	d[STATE_OFF + ((newest - 1) % STATE_COPIES) * PERSIST_STATE_SIZE + 300] ^= 4;
	CHECK_EQ_INT(persist_open(&st, &p, PERSIST_OPEN_WRITE | PERSIST_OPEN_HINT), 0);
	CHECK_EQ_INT(st.found.bad_state_copies, 0);
	CHECK_EQ_INT(persist_boot_state(&st)->seq, newest);
	CHECK_EQ_INT(persist_boot_state(&st)->n_history, 2);
	CHECK_EQ_INT(persist_check(&st, &r), PERSIST_E_CORRUPT);
	CHECK_EQ_INT(r.bad_state_copies, 1);
	persist_close(&st);
	/* The newest damaged too: the valid one before both, whatever its slot. */
	d[STATE_OFF + (newest % STATE_COPIES) * PERSIST_STATE_SIZE + 300] ^= 4;
	CHECK_EQ_INT(persist_open(&st, &p, PERSIST_OPEN_HINT), 0);
	CHECK_EQ_INT(st.found.bad_state_copies, 2);
	CHECK_EQ_INT(persist_boot_state(&st)->seq, newest - 2);
	persist_close(&st);
	/* A damaged copy whose header claims the highest number is passed over. */
	d[STATE_OFF + (newest % STATE_COPIES) * PERSIST_STATE_SIZE + 16 + 7] = 0x7f;
	CHECK_EQ_INT(persist_open(&st, &p, PERSIST_OPEN_HINT), 0);
	CHECK_EQ_INT(persist_boot_state(&st)->seq, newest - 2);
	CHECK(!st.found.state_reset);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(torn_tail_is_reported_and_repaired)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	struct persist_report r;
	char text[64];

	REQUIRE(m);
	persist_log_append(&st, 6, 1, "kept", NULL, 0);
	persist_log_commit(&st);
	persist_log_append(&st, 6, 1, "torn", NULL, 0);
	persist_close(&st);
	/* Corrupt the second record's message. */
	persist_mem_data(m)[RING_OFF + SEG_HDR + 64 + 57] ^= 0x20;
	CHECK_EQ_INT(persist_open(&st, &p, PERSIST_OPEN_WRITE), 0);
	messages(&st, NULL, text, sizeof(text));
	CHECK_EQ_STR(text, "kept");
	CHECK_EQ_INT(persist_check(&st, &r), PERSIST_E_CORRUPT);
	CHECK(r.torn_tail);
	CHECK_EQ_INT(persist_repair(&st, &r), 0);
	persist_close(&st);
	CHECK_EQ_INT(persist_open(&st, &p, 0), 0);
	CHECK_EQ_INT(persist_check(&st, &r), 0);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(port_failures_surface_as_io_errors)
{
	struct persist_port p;
	struct persist_mem *m = fresh(&st, SMALL, &p);
	uint64_t b = 0;

	REQUIRE(m);
	persist_mem_cut_at(m, 1, 0, PERSIST_MEM_KEEP, 1);
	CHECK_EQ_INT(persist_boot_begin_attempt(&st, "new", &b), PERSIST_E_IO);
	CHECK_EQ_INT(b, 0); /* untouched on failure */
	CHECK_EQ_INT(persist_boot_state(&st)->n_history, 0);
	persist_close(&st);
	persist_mem_power_on(m);
	CHECK_EQ_INT(persist_open(&st, &p, 0), 0);
	CHECK_EQ_INT(persist_boot_state(&st)->n_history, 0);
	persist_close(&st);
	persist_mem_free(m);
}
