/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: open a store from arbitrary bytes and use every reader on it.
 * Input: the first 4 bytes choose an offset in a valid small store; the
 * rest is written over the store there. An input at least as large as the
 * store replaces it entirely. Open must either fail cleanly or give a store
 * whose readers, check, choose and export all behave.
 */
#include "libpersist/internal.h"

#include <string.h>
#include "libpersist/port_mem.h"

#include <stdlib.h>

#define SEG  (16u << 10)
#define SIZE (RING_OFF + 4 * SEG)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct persist_store s;
static uint8_t buf[PERSIST_EXPORT_WORK];
static uint8_t *base;

static int count_cb(void *ctx, const struct persist_record *rec)
{
	(void)rec;
	++*(int *)ctx;
	return 0;
}

static int sink(void *ctx, const char *d, size_t n)
{
	(void)ctx, (void)d, (void)n;
	return 0;
}

/* A store with records in several segments and a boot history. */
static void make_base(void)
{
	static const persist_guid uuid = { { 9, 8, 7, 6, 5, 4, 3, 2, 1 } };
	struct persist_format_opts o = { .segment_size = SEG };
	struct persist_mem *m = persist_mem_new(SIZE, 512);
	struct persist_port p;
	uint64_t b;

	persist_mem_port(m, &p);
	persist_format(&s, &p, &uuid, &o);
	for (int i = 0; i < 400; i++)
		persist_log_append(&s, i % 8, i % 6, "fuzz base record", "pl", (size_t)(i % 3));
	persist_boot_begin_attempt(&s, "a", &b);
	persist_boot_mark_golden(&s, b);
	persist_boot_begin_attempt(&s, "b", &b);
	persist_close(&s);
	base = malloc(SIZE);
	memcpy(base, persist_mem_media(m), SIZE);
	persist_mem_free(m);
}

static void use_store(void)
{
	static const char *const ids[] = { "a", "b", "c" };
	struct persist_log_iter it;
	struct persist_record rec;
	struct persist_report rep;
	struct persist_choice c;
	int n = 0;

	persist_log_iter_init(&it, &s, 0, NULL);
	while (persist_log_next(&it, &rec, buf, PERSIST_RECORD_MAX) > 0)
		persist_record_format(&rec, PERSIST_FMT_JSON, &s.uuid, (char *)buf + PERSIST_RECORD_MAX,
				      1024);
	persist_log_last(&s, 50, NULL, count_cb, &n, buf, PERSIST_RECORD_MAX);
	persist_check(&s, &rep);
	persist_boot_choose(&s, ids, 3, NULL, &c);
	persist_choice_describe(&s, &c, ids, (char *)buf, 256);
	persist_log_export(&s, PERSIST_FMT_JOURNAL, NULL, sink, NULL, buf, sizeof(buf));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct persist_mem *m = persist_mem_new(SIZE, 512);
	struct persist_port p;
	uint64_t b;

	if (!base)
		make_base();
	persist_mem_load(m, base);
	if (size >= SIZE) {
		persist_mem_load(m, data);
	} else if (size > 4) {
		size_t off = get_le32(data) % SIZE, n = size - 4;

		memcpy(persist_mem_data(m) + off, data + 4, n < SIZE - off ? n : SIZE - off);
	}
	persist_mem_port(m, &p);
	if (persist_open(&s, &p, PERSIST_OPEN_WRITE) == 0) {
		use_store();
		/* Writing after recovery must work on whatever was found. */
		persist_log_append(&s, 6, 1, "after", NULL, 0);
		persist_boot_begin_attempt(&s, "c", &b);
		persist_repair(&s, NULL);
		persist_close(&s);
		if (persist_open(&s, &p, 0) == 0) {
			use_store();
			persist_close(&s);
		}
	}
	persist_mem_free(m);
	return 0;
}
