/* SPDX-License-Identifier: MIT */
/* The recovery tool's small parsers: numbers, sizes, times, boot ids. */
#include "recovery/cli.h"
#include "tests/unit.h"

TEST(parse_u64_takes_plain_decimal_only)
{
	uint64_t v = 7;

	CHECK_EQ_INT(cli_parse_u64("42", &v), 0);
	CHECK_EQ_INT(v, 42);
	CHECK_EQ_INT(cli_parse_u64("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
	v = 7;
	CHECK_EQ_INT(cli_parse_u64("18446744073709551616", &v), -1);
	CHECK_EQ_INT(cli_parse_u64("-1", &v), -1);
	CHECK_EQ_INT(cli_parse_u64(" 1", &v), -1);
	CHECK_EQ_INT(cli_parse_u64("1x", &v), -1);
	CHECK_EQ_INT(cli_parse_u64("", &v), -1);
	CHECK_EQ_INT(v, 7); /* untouched on failure */
}

TEST(parse_size_knows_binary_suffixes)
{
	uint64_t v = 0;

	CHECK_EQ_INT(cli_parse_size("4096", &v), 0);
	CHECK_EQ_INT(v, 4096);
	CHECK_EQ_INT(cli_parse_size("16M", &v), 0);
	CHECK_EQ_INT(v, 16u << 20);
	CHECK_EQ_INT(cli_parse_size("2MiB", &v), 0);
	CHECK_EQ_INT(v, 2u << 20);
	CHECK_EQ_INT(cli_parse_size("1g", &v), 0);
	CHECK_EQ_INT(v, 1u << 30);
	CHECK_EQ_INT(cli_parse_size("64k", &v), 0);
	CHECK_EQ_INT(v, 64u << 10);
	CHECK_EQ_INT(cli_parse_size("3T", &v), -1);
	CHECK_EQ_INT(cli_parse_size("1Mx", &v), -1);
	CHECK_EQ_INT(cli_parse_size("M", &v), -1);
	CHECK_EQ_INT(cli_parse_size("99999999999999999999G", &v), -1);
}

TEST(boot_id_comes_from_its_own_word_on_the_cmdline)
{
	uint64_t id = 0;

	CHECK_EQ_INT(cli_boot_id_from_cmdline("root=/dev/sda2 keel.boot_id=17 quiet\n", &id), 0);
	CHECK_EQ_INT(id, 17);
	CHECK_EQ_INT(cli_boot_id_from_cmdline("keel.boot_id=5", &id), 0);
	CHECK_EQ_INT(id, 5);
	id = 3;
	CHECK_EQ_INT(cli_boot_id_from_cmdline("xkeel.boot_id=9 ro", &id), -1);
	CHECK_EQ_INT(cli_boot_id_from_cmdline("keel.boot_id= ro", &id), -1);
	CHECK_EQ_INT(cli_boot_id_from_cmdline("keel.boot_id=abc", &id), -1);
	CHECK_EQ_INT(cli_boot_id_from_cmdline("quiet", &id), -1);
	CHECK_EQ_INT(id, 3);
}

TEST(times_print_in_utc_or_as_unknown)
{
	char buf[32];

	cli_format_time(1700000000ull * 1000000u + 123, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "2023-11-14 22:13:20");
	cli_format_time(0, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "-");
}
