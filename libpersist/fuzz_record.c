/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the log-record and crash-record decoders and every formatter.
 * The harness patches the record CRC (bytes 0..3) to match, so inputs get
 * past the checksum into the field checks and formatters; a second pass
 * keeps the input's own CRC.
 */
#include "libpersist/internal.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_record(const uint8_t *buf, size_t size)
{
	static char out[8 * PERSIST_RECORD_MAX];
	static const persist_guid uuid = { { 1 } };
	struct persist_record rec;
	struct persist_crash c;
	uint32_t len;

	if (size < PERSIST_RECORD_HEADER || persist_rec_peek(buf, size, &len))
		return;
	if (persist_rec_decode(buf, size, 0, 0, &rec, NULL))
		return;
	persist_crash_decode(&rec, &c);
	for (int f = PERSIST_FMT_TEXT; f <= PERSIST_FMT_JOURNAL; f++) {
		persist_record_format(&rec, f, &uuid, out, sizeof(out));
		persist_record_format(&rec, f, NULL, out, 7);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[PERSIST_RECORD_MAX];
	uint32_t len;

	if (size > sizeof(buf))
		size = sizeof(buf);
	memcpy(buf, data, size);
	try_record(buf, size);
	if (size >= PERSIST_RECORD_HEADER && persist_rec_peek(buf, size, &len) == 0)
		put_le32(buf, persist_crc32(0, buf + 4, len - 4));
	try_record(buf, size);
	return 0;
}
