/* SPDX-License-Identifier: MIT */
#include "bootmgr/gpt.h"

#include <stdbool.h>

#include "libpersist/bytes.h"
#include "libpersist/crc32.h"

/* Header field offsets (UEFI 2.10, table 5.5). */
enum {
	HDR_SIGNATURE = 0,
	HDR_REVISION = 8,
	HDR_SIZE = 12,
	HDR_CRC = 16,
	HDR_MY_LBA = 24,
	HDR_ALT_LBA = 32,
	HDR_FIRST_USABLE = 40,
	HDR_LAST_USABLE = 48,
	HDR_DISK_GUID = 56,
	HDR_ENTRIES_LBA = 72,
	HDR_N_ENTRIES = 80,
	HDR_ENTRY_SIZE = 84,
	HDR_ENTRIES_CRC = 88,
	HDR_MIN_SIZE = 92,
};

/* Entry field offsets (table 5.6). */
enum {
	ENT_TYPE = 0,
	ENT_UUID = 16,
	ENT_FIRST = 32,
	ENT_LAST = 40,
	ENT_ATTRS = 48,
	ENT_NAME = 56,
	ENT_NAME_UNITS = 36,
};

static uint32_t header_crc(const uint8_t *block, uint32_t size)
{
	static const uint8_t zero[4];
	uint32_t crc = persist_crc32(0, block, HDR_CRC);

	crc = persist_crc32(crc, zero, 4); /* the CRC field counts as zero */
	return persist_crc32(crc, block + HDR_CRC + 4, size - HDR_CRC - 4);
}

static bool entry_size_valid(uint32_t size)
{
	/* 128 × 2^n, and no bigger than 4 KiB, so a hostile size stays small. */
	return size >= GPT_MIN_ENTRY_SIZE && size <= 4096 && (size & (size - 1)) == 0;
}

int gpt_header_decode(const uint8_t *block, size_t block_size, gpt_header *h)
{
	gpt_header t;
	uint32_t size;

	if (block_size < 512 || get_le64(block + HDR_SIGNATURE) != GPT_HEADER_SIGNATURE)
		return GPT_ENOTGPT;
	size = get_le32(block + HDR_SIZE);
	if (size < HDR_MIN_SIZE || size > block_size)
		return GPT_EBADHDR;
	if (header_crc(block, size) != get_le32(block + HDR_CRC))
		return GPT_ECRC;
	t.my_lba = get_le64(block + HDR_MY_LBA);
	t.alternate_lba = get_le64(block + HDR_ALT_LBA);
	t.first_usable_lba = get_le64(block + HDR_FIRST_USABLE);
	t.last_usable_lba = get_le64(block + HDR_LAST_USABLE);
	for (size_t i = 0; i < 16; i++)
		t.disk_guid.b[i] = block[HDR_DISK_GUID + i];
	t.entries_lba = get_le64(block + HDR_ENTRIES_LBA);
	t.n_entries = get_le32(block + HDR_N_ENTRIES);
	t.entry_size = get_le32(block + HDR_ENTRY_SIZE);
	t.entries_crc = get_le32(block + HDR_ENTRIES_CRC);
	if (!entry_size_valid(t.entry_size) || t.n_entries > GPT_MAX_ENTRIES ||
	    t.first_usable_lba > t.last_usable_lba)
		return GPT_EBADHDR;
	*h = t;
	return GPT_OK;
}

size_t gpt_entries_size(const gpt_header *h)
{
	return (size_t)h->n_entries * h->entry_size;
}

/* Appends the UTF-8 form of one BMP code unit; returns the new length. */
static size_t utf8_put(char *out, size_t len, size_t cap, uint16_t u)
{
	if (u >= 0xd800 && u <= 0xdfff)
		u = '?'; /* surrogates: not worth decoding for a label */
	if (u < 0x80 && len + 1 <= cap) {
		out[len++] = (char)u;
	} else if (u < 0x800 && len + 2 <= cap) {
		out[len++] = (char)(0xc0 | u >> 6);
		out[len++] = (char)(0x80 | (u & 0x3f));
	} else if (u >= 0x800 && len + 3 <= cap) {
		out[len++] = (char)(0xe0 | u >> 12);
		out[len++] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[len++] = (char)(0x80 | (u & 0x3f));
	}
	return len;
}

static void decode_entry(const uint8_t *e, uint32_t number, gpt_partition *p)
{
	size_t len = 0;

	p->number = number;
	for (size_t i = 0; i < 16; i++) {
		p->type.b[i] = e[ENT_TYPE + i];
		p->uuid.b[i] = e[ENT_UUID + i];
	}
	p->first_lba = get_le64(e + ENT_FIRST);
	p->last_lba = get_le64(e + ENT_LAST);
	p->attributes = get_le64(e + ENT_ATTRS);
	for (size_t i = 0; i < ENT_NAME_UNITS; i++) {
		uint16_t u = get_le16(e + ENT_NAME + 2 * i);
		if (!u)
			break;
		len = utf8_put(p->name, len, GPT_NAME_MAX, u);
	}
	p->name[len] = '\0';
}

int gpt_entries_foreach(const gpt_header *h, const uint8_t *entries, size_t len,
			int (*fn)(const gpt_partition *p, void *ctx), void *ctx)
{
	size_t need = gpt_entries_size(h);

	if (len < need || persist_crc32(0, entries, need) != h->entries_crc)
		return GPT_ECRC;
	for (uint32_t i = 0; i < h->n_entries; i++) {
		const uint8_t *e = entries + (size_t)i * h->entry_size;
		gpt_partition p;
		persist_guid type;
		int r;

		for (size_t k = 0; k < 16; k++)
			type.b[k] = e[ENT_TYPE + k];
		if (persist_guid_is_zero(&type))
			continue;
		decode_entry(e, i + 1, &p);
		r = fn(&p, ctx);
		if (r)
			return r;
	}
	return GPT_OK;
}

int gpt_entry_decode(const uint8_t *entry, size_t len, uint32_t number, gpt_partition *p)
{
	bool used = false;

	if (len < GPT_MIN_ENTRY_SIZE)
		return GPT_EBADHDR;
	for (size_t k = 0; k < 16; k++)
		used |= entry[ENT_TYPE + k] != 0;
	if (!used)
		return GPT_ENOTGPT;
	decode_entry(entry, number, p);
	return GPT_OK;
}

const char *gpt_strerror(int err)
{
	switch (err) {
	case GPT_OK: return "ok";
	case GPT_ENOTGPT: return "no GPT header";
	case GPT_ECRC: return "GPT checksum mismatch";
	case GPT_EBADHDR: return "GPT header fields out of range";
	default: return "unknown GPT error";
	}
}
