/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the crash-record payload decoder and the decompressor of its
 * data. The input is a crash record's payload (16-byte crash header, then
 * data) as read from an untrusted store.
 */
#include "libpersist/persist_linux.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct persist_record rec;
	struct persist_crash c;
	uint8_t *out = NULL;
	size_t len = 0;

	memset(&rec, 0, sizeof(rec));
	rec.type = PERSIST_REC_CRASH;
	rec.payload = data;
	rec.payload_len = size;
	rec.msg = "details";
	rec.msg_len = 7;
	if (persist_crash_decode(&rec, &c))
		return 0;
	if (persist_crash_inflate(&c, &out, &len) == 0) {
		/* every byte of the result is there, NUL after it */
		if (len != c.raw_len || out[len] != 0)
			abort();
		free(out);
	}
	return 0;
}
