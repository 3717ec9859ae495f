/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/diag.h"
#include "bootmgr/core/str.h"
#include "tests/unit.h"

TEST(str_lines_and_trim)
{
	bm_slice rest = bm_slice_of("a\r\n b \n\nlast"), line;

	REQUIRE(bm_slice_next_line(&rest, &line));
	CHECK(bm_slice_eq(line, "a"));
	REQUIRE(bm_slice_next_line(&rest, &line));
	CHECK(bm_slice_eq(bm_slice_trim(line), "b"));
	REQUIRE(bm_slice_next_line(&rest, &line));
	CHECK(line.n == 0);
	REQUIRE(bm_slice_next_line(&rest, &line));
	CHECK(bm_slice_eq(line, "last"));
	CHECK(!bm_slice_next_line(&rest, &line));
}

TEST(str_numbers_and_bools)
{
	uint64_t v;
	bool b;

	CHECK(bm_parse_u64(bm_slice_of("65535"), 65535, &v) && v == 65535);
	CHECK(!bm_parse_u64(bm_slice_of("65536"), 65535, &v));
	CHECK(!bm_parse_u64(bm_slice_of("18446744073709551616"), UINT64_MAX, &v));
	CHECK(bm_parse_u64(bm_slice_of("18446744073709551615"), UINT64_MAX, &v) && v == UINT64_MAX);
	CHECK(!bm_parse_u64(bm_slice_of(""), 10, &v));
	CHECK(!bm_parse_u64(bm_slice_of("-1"), 10, &v));
	CHECK(bm_parse_bool(bm_slice_of("YES"), &b) && b);
	CHECK(bm_parse_bool(bm_slice_of("off"), &b) && !b);
	CHECK(!bm_parse_bool(bm_slice_of("maybe"), &b));
}

TEST(str_buf_bounds)
{
	char out[8];
	bm_buf b;

	bm_buf_init(&b, out, sizeof(out));
	bm_buf_str(&b, "abc");
	bm_buf_u64(&b, 1234);
	CHECK(bm_buf_ok(&b));
	CHECK_EQ_STR(out, "abc1234");
	bm_buf_str(&b, "x");
	CHECK(!bm_buf_ok(&b));
	CHECK_EQ_STR(out, "abc1234");
	CHECK_EQ_INT(b.total, 8);
	CHECK_EQ_INT(bm_strlcpy(out, 4, "abcd"), -1);
	CHECK_EQ_STR(out, "abc1234");
	CHECK_EQ_INT(bm_strlcpy(out, 5, "abcd"), 4);
}

TEST(str_utf16)
{
	uint8_t out[16];

	/* "aé€😀": 1 + 1 + 1 units, then a surrogate pair. */
	CHECK_EQ_INT(bm_utf8_to_utf16le("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", out, sizeof(out)), 10);
	CHECK(out[0] == 'a' && out[1] == 0 && out[2] == 0xe9 && out[3] == 0);
	CHECK(out[4] == 0xac && out[5] == 0x20);
	CHECK(out[6] == 0x3d && out[7] == 0xd8 && out[8] == 0x00 && out[9] == 0xde);
	/* Broken sequences become U+FFFD, one per bad byte. */
	CHECK_EQ_INT(bm_utf8_to_utf16le("\xc3(\xed\xa0\x80", out, sizeof(out)), 10);
	CHECK(out[0] == 0xfd && out[1] == 0xff && out[2] == '(');
	CHECK_EQ_INT(bm_utf8_to_utf16le("abc", out, 2), 6);
}

TEST(diag_format)
{
	struct bm_diag d;
	char out[200];

	bm_diag_clear(&d);
	bm_diag_fail(&d, 7, BM_E_TOOLONG, "options", 7);
	bm_diag_note(&d, 2, BM_N_UNKNOWN_KEY, "fo\x01o", 4);
	bm_diag_format(&d, "a.conf", out, sizeof(out));
	CHECK_EQ_STR(out, "a.conf: line 7: key 'options': value too long; "
			  "line 2: key 'fo?o': unknown key ignored");
	for (int i = 0; i < 10; i++)
		bm_diag_note(&d, 1, BM_N_DUPLICATE, "k", 1);
	CHECK_EQ_INT(d.n_notes, BM_DIAG_NOTES);
	CHECK_EQ_INT(d.dropped, 3);
	CHECK(bm_diag_format(&d, "x", out, 10) > 10);
	CHECK_EQ_INT(bm_strlen(out), 9);
}
