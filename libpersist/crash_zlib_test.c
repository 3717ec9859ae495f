/* SPDX-License-Identifier: MIT */
/* Crash records with zlib-compressed data: round trips, the end of data
 * too big for one record, and damaged streams. */
#include "libpersist/persist_linux.h"
#include "libpersist/port_mem.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static struct persist_store st;

static struct persist_mem *new_store(uint32_t seg)
{
	static const persist_guid uuid = { { 9, 8, 7 } };
	struct persist_format_opts o = { .segment_size = seg };
	struct persist_mem *m = persist_mem_new(2u << 20, 512);
	struct persist_port port;

	persist_mem_port(m, &port);
	if (persist_format(&st, &port, &uuid, &o))
		unit_fail(__FILE__, __LINE__, "format failed");
	return m;
}

/* The newest crash record's decoded data. */
static int newest_crash(struct persist_crash *c, uint8_t **data, size_t *len)
{
	static uint8_t buf[PERSIST_RECORD_MAX];
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	struct persist_log_iter it;
	struct persist_record rec;
	int r, found = 0;

	persist_log_iter_init(&it, &st, 0, &f);
	while ((r = persist_log_next(&it, &rec, buf, sizeof(buf))) == 1)
		found = 1;
	if (r < 0 || !found || persist_crash_decode(&rec, c))
		return -1;
	return persist_crash_inflate(c, data, len);
}

/* A kernel log of n bytes: repetitive like a real one. */
static char *fake_log(size_t n)
{
	char *t = malloc(n + 64);
	size_t o = 0;

	for (unsigned line = 0; o < n; line++)
		o += (size_t)snprintf(t + o, 64, "[%8u.%06u] CPU: %u PID: %u Comm: test\n", line,
				      line * 7919 % 1000000, line % 4, 1000 + line % 50);
	return t;
}

TEST(compressed_data_round_trips)
{
	struct persist_mem *m = new_store(0);
	struct persist_crash c = { .cause = PERSIST_CAUSE_PANIC, .stage = PERSIST_STAGE_INIT,
				   .crashed_boot_id = 4, .details = "Kernel panic",
				   .details_len = 12 };
	char *log = fake_log(100000);
	uint8_t *data = NULL;
	size_t kept = 0, len = 0;

	c.data = (const uint8_t *)log;
	c.data_len = 100000;
	REQUIRE(persist_crash_append_zlib(&st, PERSIST_SRC_KERNEL, &c, &kept) == 0);
	CHECK_EQ_INT(kept, 100000);
	memset(&c, 0, sizeof(c));
	REQUIRE(newest_crash(&c, &data, &len) == 0);
	CHECK(c.flags & PERSIST_CRASH_ZLIB);
	CHECK_EQ_INT(c.raw_len, 100000);
	CHECK(c.data_len < 32768);
	CHECK_EQ_INT(c.crashed_boot_id, 4);
	CHECK_EQ_INT(len, 100000);
	CHECK(memcmp(data, log, len) == 0 && data[len] == 0);
	free(data);
	free(log);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(data_too_big_keeps_its_end)
{
	struct persist_mem *m = new_store(16384);
	struct persist_crash c = { .cause = PERSIST_CAUSE_PANIC, .details = "d", .details_len = 1 };
	size_t n = 200000, kept = 0, len = 0;
	uint8_t *noise = malloc(n), *data = NULL;
	uint32_t x = 12345;

	for (size_t i = 0; i < n; i++) /* incompressible */
		noise[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 24);
	c.data = noise;
	c.data_len = n;
	REQUIRE(persist_crash_append_zlib(&st, PERSIST_SRC_KERNEL, &c, &kept) == 0);
	CHECK(kept > 8000 && kept < 16384);
	REQUIRE(newest_crash(&c, &data, &len) == 0);
	CHECK_EQ_INT(len, kept);
	CHECK(memcmp(data, noise + n - kept, kept) == 0);
	free(data);
	free(noise);
	persist_close(&st);
	persist_mem_free(m);
}

TEST(empty_and_uncompressed_data_inflate_too)
{
	struct persist_crash c = { .data = (const uint8_t *)"abc", .data_len = 3, .raw_len = 3 };
	uint8_t *out = NULL;
	size_t len = 9;

	REQUIRE(persist_crash_inflate(&c, &out, &len) == 0);
	CHECK(len == 3 && memcmp(out, "abc", 4) == 0);
	free(out);
	c.raw_len = 4;
	CHECK_EQ_INT(persist_crash_inflate(&c, &out, &len), PERSIST_E_CORRUPT);
	c.data_len = 0, c.raw_len = 0, c.data = NULL;
	REQUIRE(persist_crash_inflate(&c, &out, &len) == 0);
	CHECK_EQ_INT(len, 0);
	free(out);
}

TEST(damaged_streams_are_refused)
{
	uint8_t z[128], *out = NULL;
	uLongf zlen = sizeof(z);
	size_t len;
	struct persist_crash c = { .flags = PERSIST_CRASH_ZLIB };

	REQUIRE(compress2(z, &zlen, (const Bytef *)"hello hello hello", 17, 9) == Z_OK);
	c.data = z;
	c.data_len = zlen;
	c.raw_len = 17;
	REQUIRE(persist_crash_inflate(&c, &out, &len) == 0);
	CHECK(len == 17 && memcmp(out, "hello hello hello", 17) == 0);
	free(out);
	c.raw_len = 16; /* claims less than the stream holds */
	CHECK_EQ_INT(persist_crash_inflate(&c, &out, &len), PERSIST_E_CORRUPT);
	c.raw_len = 18; /* claims more */
	CHECK_EQ_INT(persist_crash_inflate(&c, &out, &len), PERSIST_E_CORRUPT);
	c.raw_len = 17;
	z[zlen / 2] ^= 0x55;
	CHECK_EQ_INT(persist_crash_inflate(&c, &out, &len), PERSIST_E_CORRUPT);
	c.raw_len = PERSIST_CRASH_RAW_MAX + 1;
	CHECK_EQ_INT(persist_crash_inflate(&c, &out, &len), PERSIST_E_CORRUPT);
}
