/* SPDX-License-Identifier: MIT */
#include "libpersist/bytes.h"
#include "libpersist/crc32.h"
#include "libpersist/guid.h"
#include "tests/unit.h"

TEST(crc32_known_values)
{
	CHECK_EQ_INT(persist_crc32(0, "123456789", 9), 0xCBF43926u);
	CHECK_EQ_INT(persist_crc32(0, "", 0), 0);
	/* Chaining gives the same result as one call. */
	CHECK_EQ_INT(persist_crc32(persist_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

TEST(le_helpers_round_trip)
{
	uint8_t b[8];

	put_le16(b, 0xa1b2);
	CHECK(b[0] == 0xb2 && b[1] == 0xa1);
	CHECK_EQ_INT(get_le16(b), 0xa1b2);
	put_le32(b, 0xdeadbeef);
	CHECK(b[0] == 0xef && b[3] == 0xde);
	CHECK_EQ_INT(get_le32(b), 0xdeadbeef);
	put_le64(b, 0x0102030405060708ull);
	CHECK(b[0] == 8 && b[7] == 1);
	CHECK(get_le64(b) == 0x0102030405060708ull);
}

TEST(guid_text_round_trip_uses_mixed_endian)
{
	/* The ESP type GUID as it sits in a GPT entry. */
	static const persist_guid esp = { { 0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11, 0xba,
					     0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b } };
	char text[PERSIST_GUID_STRING_LEN + 1];
	persist_guid g;

	CHECK_EQ_STR(persist_guid_to_string(&esp, text), "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
	REQUIRE(persist_guid_from_string("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", &g) == 0);
	CHECK(persist_guid_equal(&g, &esp));
	CHECK(!persist_guid_is_zero(&g));
}

TEST(guid_parse_rejects_bad_text_and_keeps_output)
{
	persist_guid g = { { 7 } };

	CHECK_EQ_INT(persist_guid_from_string("c12a7328-f81f-11d2-ba4b-00a0c93ec93", &g), -1);
	CHECK_EQ_INT(persist_guid_from_string("c12a7328-f81f-11d2-ba4b-00a0c93ec93bb", &g), -1);
	CHECK_EQ_INT(persist_guid_from_string("c12a7328f81f-11d2-ba4b-00a0c93ec93b0", &g), -1);
	CHECK_EQ_INT(persist_guid_from_string("g12a7328-f81f-11d2-ba4b-00a0c93ec93b", &g), -1);
	CHECK_EQ_INT(persist_guid_from_string("", &g), -1);
	CHECK_EQ_INT(g.b[0], 7);
}
