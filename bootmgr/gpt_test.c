/* SPDX-License-Identifier: MIT */
#include "bootmgr/gpt.h"
#include "libpersist/bytes.h"
#include "libpersist/crc32.h"
#include "tests/unit.h"

#define BS 512
#define N_ENTRIES 128

static uint8_t header[BS];
static uint8_t entries[N_ENTRIES * 128];

static void set_entry(unsigned idx, uint8_t type_byte, uint8_t uuid_byte, uint64_t first,
		      uint64_t last, const char *name)
{
	uint8_t *e = entries + idx * 128;

	memset(e, 0, 128);
	memset(e, type_byte, 16);
	memset(e + 16, uuid_byte, 16);
	put_le64(e + 32, first);
	put_le64(e + 40, last);
	for (size_t i = 0; name[i]; i++)
		put_le16(e + 56 + 2 * i, (uint8_t)name[i]);
}

/* Writes a valid header for `entries` and returns it. */
static void seal(void)
{
	memset(header, 0, sizeof(header));
	put_le64(header, GPT_HEADER_SIGNATURE);
	put_le32(header + 8, 0x00010000);
	put_le32(header + 12, 92);
	put_le64(header + 24, 1);
	put_le64(header + 32, 2047);
	put_le64(header + 40, 34);
	put_le64(header + 48, 2014);
	memset(header + 56, 0xab, 16);
	put_le64(header + 72, 2);
	put_le32(header + 80, N_ENTRIES);
	put_le32(header + 84, 128);
	put_le32(header + 88, persist_crc32(0, entries, sizeof(entries)));
	put_le32(header + 16, persist_crc32(0, header, 92));
}

struct seen {
	unsigned n;
	gpt_partition last;
};

static int count(const gpt_partition *p, void *ctx)
{
	struct seen *s = ctx;

	s->n++;
	s->last = *p;
	return 0;
}

TEST(gpt_decodes_header_and_used_entries)
{
	gpt_header h;
	struct seen s = { 0 };

	memset(entries, 0, sizeof(entries));
	set_entry(0, 0x11, 0x22, 34, 1000, "ESP");
	set_entry(2, 0x33, 0x44, 1001, 2000, "persist");
	seal();
	REQUIRE(gpt_header_decode(header, BS, &h) == GPT_OK);
	CHECK_EQ_INT(h.n_entries, N_ENTRIES);
	CHECK_EQ_INT(h.entries_lba, 2);
	CHECK_EQ_INT(h.disk_guid.b[3], 0xab);
	CHECK_EQ_INT(gpt_entries_foreach(&h, entries, sizeof(entries), count, &s), GPT_OK);
	CHECK_EQ_INT(s.n, 2);
	CHECK_EQ_INT(s.last.number, 3);
	CHECK_EQ_STR(s.last.name, "persist");
	CHECK(s.last.first_lba == 1001 && s.last.last_lba == 2000);
	CHECK_EQ_INT(s.last.uuid.b[15], 0x44);
}

TEST(gpt_rejects_corruption)
{
	gpt_header h;
	struct seen s = { 0 };

	memset(entries, 0, sizeof(entries));
	set_entry(0, 0x11, 0x22, 34, 1000, "ESP");
	seal();
	header[60] ^= 1;
	CHECK_EQ_INT(gpt_header_decode(header, BS, &h), GPT_ECRC);
	seal();
	header[0] = 'X';
	CHECK_EQ_INT(gpt_header_decode(header, BS, &h), GPT_ENOTGPT);
	seal();
	REQUIRE(gpt_header_decode(header, BS, &h) == GPT_OK);
	entries[40] ^= 0x80;
	CHECK_EQ_INT(gpt_entries_foreach(&h, entries, sizeof(entries), count, &s), GPT_ECRC);
	CHECK_EQ_INT(s.n, 0);
	CHECK_EQ_INT(gpt_entries_foreach(&h, entries, 100, count, &s), GPT_ECRC);
}

TEST(gpt_rejects_hostile_geometry)
{
	gpt_header h;

	memset(entries, 0, sizeof(entries));
	seal();
	put_le32(header + 84, 129); /* not a power of two */
	put_le32(header + 16, 0);
	put_le32(header + 16, persist_crc32(0, header, 92));
	CHECK_EQ_INT(gpt_header_decode(header, BS, &h), GPT_EBADHDR);
	seal();
	put_le32(header + 12, 4096); /* header larger than the block */
	CHECK_EQ_INT(gpt_header_decode(header, BS, &h), GPT_EBADHDR);
}

TEST(gpt_name_utf16_to_utf8)
{
	gpt_header h;
	struct seen s = { 0 };

	memset(entries, 0, sizeof(entries));
	set_entry(0, 0x11, 0x22, 34, 100, "x");
	put_le16(entries + 56, 0x00e9);     /* é */
	put_le16(entries + 58, 0x20ac);     /* € */
	put_le16(entries + 60, 0xd800);     /* lone surrogate */
	seal();
	REQUIRE(gpt_header_decode(header, BS, &h) == GPT_OK);
	REQUIRE(gpt_entries_foreach(&h, entries, sizeof(entries), count, &s) == GPT_OK);
	CHECK_EQ_STR(s.last.name, "\xc3\xa9\xe2\x82\xac?");
}

/* One entry as the firmware's Partition Info protocol hands it over. */
TEST(gpt_entry_decode_one_entry)
{
	gpt_partition p;

	memset(entries, 0, sizeof(entries));
	set_entry(0, 0x11, 0x22, 2048, 4095, "ESP");
	REQUIRE(gpt_entry_decode(entries, 128, 3, &p) == GPT_OK);
	CHECK_EQ_INT(p.number, 3);
	CHECK_EQ_INT(p.type.b[15], 0x11);
	CHECK_EQ_INT(p.uuid.b[0], 0x22);
	CHECK(p.first_lba == 2048 && p.last_lba == 4095);
	CHECK_EQ_STR(p.name, "ESP");
	CHECK_EQ_INT(gpt_entry_decode(entries, 127, 3, &p), GPT_EBADHDR);
	CHECK_EQ_INT(gpt_entry_decode(entries + 128, 128, 4, &p), GPT_ENOTGPT);
}
