/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the superblock and segment-header decoders. The harness patches
 * the CRCs when the first byte is odd so inputs reach the geometry checks;
 * whatever is accepted must re-encode to an equal structure.
 */
#include "libpersist/internal.h"

#include <string.h>

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[PERSIST_BLOCK_SIZE], enc[PERSIST_BLOCK_SIZE];
	struct persist_sb sb, sb2;
	struct persist_seghdr h, h2;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	if (size && (data[0] & 1))
		put_le32(buf + SB_SIZE - 4, persist_crc32(0, buf, SB_SIZE - 4));
	if (persist_sb_decode(buf, sizeof(buf), &sb) == 0) {
		persist_sb_encode(&sb, enc);
		if (persist_sb_decode(enc, sizeof(enc), &sb2) || sb2.size != sb.size ||
		    sb2.seg_count != sb.seg_count)
			abort();
	}
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	if (size && (data[0] & 1))
		put_le32(buf + SEG_HDR - 4, persist_crc32(0, buf, SEG_HDR - 4));
	if (persist_seg_decode(buf, sizeof(buf), &h) == 0) {
		persist_seg_encode(&h, enc);
		if (persist_seg_decode(enc, sizeof(enc), &h2) || h2.gen != h.gen ||
		    h2.first_seq != h.first_seq)
			abort();
	}
	return 0;
}
