/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: bootmgr/gpt.c's header and entry-array decoders. The first 512
 * bytes are the header block, the rest the entry array. Unless the first
 * byte is odd, the harness patches both CRCs so inputs reach the field
 * checks and the entry walk. The same bytes also go, 128 at a time, to the
 * one-entry decoder the firmware's Partition Info protocol feeds.
 */
#include "bootmgr/gpt.h"
#include "libpersist/bytes.h"
#include "libpersist/crc32.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t block[512];
static uint8_t entries[GPT_MAX_ENTRIES * 512];

static int visit(const gpt_partition *p, void *ctx)
{
	size_t *count = ctx;

	if (p->number == 0 || p->number > GPT_MAX_ENTRIES || strlen(p->name) > GPT_NAME_MAX)
		abort();
	(*count)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t elen = size > sizeof(block) ? size - sizeof(block) : 0, count = 0;
	gpt_header h;
	uint32_t hsize;

	if (elen > sizeof(entries))
		elen = sizeof(entries);
	memset(block, 0, sizeof(block));
	memcpy(block, data, size < sizeof(block) ? size : sizeof(block));
	if (elen)
		memcpy(entries, data + sizeof(block), elen);
	if (!(block[0] & 1)) {
		memcpy(block, "EFI PART", 8);
		hsize = get_le32(block + 12);
		if (hsize >= 92 && hsize <= sizeof(block)) {
			uint64_t need = (uint64_t)get_le32(block + 80) * get_le32(block + 84);

			put_le32(block + 88, persist_crc32(0, entries, need < elen ? need : elen));
			put_le32(block + 16, 0);
			put_le32(block + 16, persist_crc32(0, block, hsize));
		}
	}
	for (size_t off = 0; off + GPT_MIN_ENTRY_SIZE <= size; off += GPT_MIN_ENTRY_SIZE) {
		gpt_partition p;

		if (gpt_entry_decode(data + off, size - off, 1, &p) == GPT_OK && visit(&p, &count))
			abort();
	}
	if (gpt_header_decode(block, sizeof(block), &h) != GPT_OK)
		return 0;
	if (gpt_entries_size(&h) > (size_t)GPT_MAX_ENTRIES * 4096)
		abort();
	gpt_entries_foreach(&h, entries, elen, visit, &count);
	return 0;
}
