/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/bootcount.h"
#include "bootmgr/core/diag.h"
#include "tests/unit.h"

TEST(bootcount_parse_forms)
{
	struct bm_bootcount c;

	REQUIRE(bm_bootcount_parse("foo+3.conf", ".conf", &c) == 0);
	CHECK(c.counting);
	CHECK_EQ_INT(c.left, 3);
	CHECK_EQ_INT(c.done, 0);
	CHECK_EQ_INT(c.base_len, 3);
	REQUIRE(bm_bootcount_parse("foo+0-7.conf", ".conf", &c) == 0);
	CHECK(c.counting && c.left == 0 && c.done == 7);
	REQUIRE(bm_bootcount_parse("a+b+2-1.EFI", ".efi", &c) == 0);
	CHECK(c.counting && c.left == 2 && c.done == 1 && c.base_len == 3);
	REQUIRE(bm_bootcount_parse("plain.conf", ".conf", &c) == 0);
	CHECK(!c.counting && c.base_len == 5);
}

TEST(bootcount_not_a_counter)
{
	struct bm_bootcount c;

	/* A '+' part that is not LEFT[-DONE] belongs to the name. */
	REQUIRE(bm_bootcount_parse("foo+x.conf", ".conf", &c) == 0);
	CHECK(!c.counting && c.base_len == 5);
	REQUIRE(bm_bootcount_parse("foo+3-.conf", ".conf", &c) == 0);
	CHECK(!c.counting);
	REQUIRE(bm_bootcount_parse("foo+-1.conf", ".conf", &c) == 0);
	CHECK(!c.counting);
	REQUIRE(bm_bootcount_parse("foo+1-2-3.conf", ".conf", &c) == 0);
	CHECK(!c.counting);
	REQUIRE(bm_bootcount_parse("foo+2147483648.conf", ".conf", &c) == 0);
	CHECK(!c.counting);
	REQUIRE(bm_bootcount_parse("foo+2147483647.conf", ".conf", &c) == 0);
	CHECK(c.counting && c.left == 2147483647u);
	CHECK_EQ_INT(bm_bootcount_parse("+3.conf", ".conf", &c), BM_E_BADNAME);
	CHECK_EQ_INT(bm_bootcount_parse(".conf", ".conf", &c), BM_E_BADNAME);
	CHECK_EQ_INT(bm_bootcount_parse("foo.efi", ".conf", &c), BM_E_BADNAME);
}

TEST(bootcount_next_names)
{
	char out[64];

	CHECK_EQ_INT(bm_bootcount_next_name("foo+3.conf", ".conf", out, sizeof(out)), 12);
	CHECK_EQ_STR(out, "foo+2-1.conf");
	bm_bootcount_next_name("foo+2-1.conf", ".conf", out, sizeof(out));
	CHECK_EQ_STR(out, "foo+1-2.conf");
	bm_bootcount_next_name("foo+1-2.conf", ".conf", out, sizeof(out));
	CHECK_EQ_STR(out, "foo+0-3.conf");
	/* Like systemd-boot: at 0 left the done counter still goes up. */
	bm_bootcount_next_name("foo+0-3.conf", ".conf", out, sizeof(out));
	CHECK_EQ_STR(out, "foo+0-4.conf");
	bm_bootcount_next_name("uki+1.EFI", ".efi", out, sizeof(out));
	CHECK_EQ_STR(out, "uki+0-1.EFI");
	bm_bootcount_next_name("x+5-2147483647.conf", ".conf", out, sizeof(out));
	CHECK_EQ_STR(out, "x+4-2147483647.conf");
	CHECK_EQ_INT(bm_bootcount_next_name("foo.conf", ".conf", out, sizeof(out)), BM_E_INVAL);
	CHECK_EQ_INT(bm_bootcount_next_name("foo+3.conf", ".conf", out, 12), BM_E_TOOLONG);
	CHECK_EQ_INT(bm_bootcount_next_name("foo+3.conf", ".conf", out, 13), 12);
}

TEST(bootcount_path)
{
	char out[64];

	CHECK_EQ_INT(bm_bootcount_path("/loader/entries", "a+2-1.conf", out, sizeof(out)), 26);
	CHECK_EQ_STR(out, "\\loader\\entries\\a+2-1.conf");
	bm_bootcount_path("\\EFI\\Linux\\", "u+0-1.efi", out, sizeof(out));
	CHECK_EQ_STR(out, "\\EFI\\Linux\\u+0-1.efi");
	bm_bootcount_path("", "x.conf", out, sizeof(out));
	CHECK_EQ_STR(out, "\\x.conf");
	bm_bootcount_path("//a//b", "c", out, sizeof(out));
	CHECK_EQ_STR(out, "\\a\\b\\c");
	CHECK_EQ_INT(bm_bootcount_path("/loader/entries", "a.conf", out, 5), BM_E_TOOLONG);
	CHECK_EQ_INT(bm_bootcount_path("/a", "b", out, 1), BM_E_TOOLONG);
}
