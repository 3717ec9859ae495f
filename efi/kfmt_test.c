/* SPDX-License-Identifier: MIT */
#include "efi/kfmt.h"
#include "tests/unit.h"

#include <stdint.h>

static char buf[128];

static void format_unchecked(const char *fmt, ...);

TEST(kfmt_plain_and_strings)
{
	kfmt_snprintf(buf, sizeof(buf), "a %s b %-5s| %5s|", "x", "yz", "w");
	CHECK_EQ_STR(buf, "a x b yz   |     w|");
	const char *volatile null_string = NULL; /* hidden from -Wformat-overflow */

	kfmt_snprintf(buf, sizeof(buf), "%s", null_string);
	CHECK_EQ_STR(buf, "(null)");
}

TEST(kfmt_integers)
{
	kfmt_snprintf(buf, sizeof(buf), "%d %i %u %x %X", -42, 7, 3000000000u, 0xbeefu, 0xbeefu);
	CHECK_EQ_STR(buf, "-42 7 3000000000 beef BEEF");
	kfmt_snprintf(buf, sizeof(buf), "%05d|%-4d|%4d|%08llx", -42, 3, -3, 0x1234ull);
	CHECK_EQ_STR(buf, "-0042|3   |  -3|00001234");
	kfmt_snprintf(buf, sizeof(buf), "%lld %llu %zu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
		      (size_t)12);
	CHECK_EQ_STR(buf, "-9223372036854775808 18446744073709551615 12");
	kfmt_snprintf(buf, sizeof(buf), "%hhu %hd %c%%", (unsigned char)255, (short)-5, 'Z');
	CHECK_EQ_STR(buf, "255 -5 Z%");
}

TEST(kfmt_precision_and_star)
{
	const char unterminated[3] = { 'a', 'b', 'c' }; /* read no further than asked */

	kfmt_snprintf(buf, sizeof(buf), "%.3s|%.*s|%5.2s|%-5.2s|%.*s|", "abcdef", 2, "xyz", "abc",
		      "abc", 3, unterminated);
	CHECK_EQ_STR(buf, "abc|xy|   ab|ab   |abc|");
	kfmt_snprintf(buf, sizeof(buf), "%.3d|%.0d|%8.3x|%.2d", 7, 0, 0x1fu, -5);
	CHECK_EQ_STR(buf, "007||     01f|-05");
	format_unchecked("%05.3d", 42); /* '0' gives way to a precision */
	CHECK_EQ_STR(buf, "  042");
	kfmt_snprintf(buf, sizeof(buf), "%*d|%-*d|%*d|%.*s|", 4, 7, 4, 7, -4, 7, -1, "whole");
	CHECK_EQ_STR(buf, "   7|7   |7   |whole|");
}

TEST(kfmt_truncates_and_reports_length)
{
	char small[6];
	int n = kfmt_snprintf(small, sizeof(small), "%s", "abcdefgh");

	CHECK_EQ_INT(n, 8);
	CHECK_EQ_STR(small, "abcde");
	CHECK_EQ_INT(kfmt_snprintf(NULL, 0, "%d", 12345), 5);
}

/* No format attribute here, so a deliberately bad format compiles. */
static void format_unchecked(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kfmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

TEST(kfmt_unknown_conversion_is_visible)
{
	format_unchecked("%q %");
	CHECK_EQ_STR(buf, "%q %");
}
