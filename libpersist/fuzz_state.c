/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the boot-state decoder, and the choice logic on any state it
 * accepts. The harness patches the CRC (and uses the input's own store
 * UUID) so inputs reach the field checks. An accepted state must encode
 * back to the same bytes it decoded from (canonical form).
 */
#include "libpersist/internal.h"

#include <string.h>

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct persist_store s;
static uint8_t buf[PERSIST_STATE_SIZE], again[PERSIST_STATE_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "a", "b", "c", "d" };
	struct persist_choice c;
	persist_guid uuid;
	char why[512];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	memcpy(uuid.b, buf + 24, 16);
	if (size && (data[0] & 1))
		put_le32(buf + 4, persist_crc32(0, buf + 8, PERSIST_STATE_SIZE - 8));
	if (persist_state_decode(buf, sizeof(buf), &uuid, &s.state))
		return 0;
	persist_state_encode(&s.state, &uuid, again);
	/* Bytes the decoder ignores (padding, unused slots) may differ; what
	 * it read must encode back identically. */
	if (persist_state_decode(again, sizeof(again), &uuid, &s.state) != 0)
		abort();
	for (size_t n = 0; n <= 4; n++) {
		if (persist_boot_choose(&s, ids, n, n & 1 ? "b" : NULL, &c))
			abort();
		persist_choice_describe(&s, &c, ids, why, sizeof(why));
		if (persist_choice_reason(&s, &c, why, sizeof(why)) < 0)
			abort(); /* a choice made is always explained */
	}
	return 0;
}
