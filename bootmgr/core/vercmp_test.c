/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/vercmp.h"
#include "tests/unit.h"

#define LT(a, b) do { CHECK_EQ_INT(bm_vercmp(a, b), -1); CHECK_EQ_INT(bm_vercmp(b, a), 1); } while (0)
#define EQ(a, b) do { CHECK_EQ_INT(bm_vercmp(a, b), 0); CHECK_EQ_INT(bm_vercmp(b, a), 0); } while (0)

/* The examples of the UAPI Version Format Specification. */
TEST(vercmp_spec_examples)
{
	EQ("11", "11");
	EQ("systemd-123", "systemd-123");
	LT("bar-123", "foo-123");
	LT("123", "123a");
	LT("123", "123.a");
	LT("123.a", "123.b");
	LT("123.a", "123a");
	EQ("11\xce\xb1", "11\xce\xb2"); /* 11α == 11β */
	LT("A", "a");
	LT("", "0");
	LT("0", "0.");
	LT("0", "0.0");
	EQ("1_", "1");
	EQ("_1", "1");
	LT("1_", "1.2");
	LT("1.3.3", "1_2_3");
	EQ("1+", "1");
	EQ("+1", "1");
	LT("1+", "1.2");
	LT("1.3.3", "1+2+3");
}

/* Where the specification's example list and systemd differ, Keel follows
 * systemd's strverscmp_improved(): '~' is checked before the end of the
 * string, so "~" sorts before both "" and "0". */
TEST(vercmp_tilde_as_systemd)
{
	LT("~", "");
	LT("~", "0");
	LT("~1", "");
	LT("123~rc1", "123");
	LT("123~rc1", "123~rc2");
	/* After a shared '~' the end check comes first: "1~" has ended, so
	 * it is older even than another '~' suffix (systemd does the same). */
	LT("1~", "1~~a");
	EQ("~", "~");
}

/* systemd's own ordered list (test-string-util.c) must come out sorted. */
TEST(vercmp_systemd_order)
{
	static const char *const v[] = {
		"~1", "", "ab", "abb", "abc", "0001", "002", "12", "122", "122.9",
		"123~rc1", "123", "123-a", "123-a.1", "123-a1", "123-a1.1", "123-3",
		"123-3.1", "123^patch1", "123^1", "123.a-1", "123.1-1", "123a-1", "124",
	};
	size_t n = sizeof(v) / sizeof(v[0]);

	for (size_t i = 0; i < n; i++) {
		EQ(v[i], v[i]);
		for (size_t j = i + 1; j < n; j++)
			if (bm_vercmp(v[i], v[j]) != -1 || bm_vercmp(v[j], v[i]) != 1)
				unit_fail(__FILE__, __LINE__, "'%s' < '%s' expected", v[i], v[j]);
	}
}

TEST(vercmp_numbers_and_kernels)
{
	EQ("0001", "1");
	LT("9", "10");
	LT("99999999999999999999", "100000000000000000000"); /* beyond 64 bits */
	LT("6.1.0-12-amd64", "6.1.0-13-amd64");
	LT("6.1.0-13-amd64", "6.10.0-1-amd64");
	LT("5.10.0-28-amd64", "6.1.0-13-amd64");
	LT("a", "1");
	CHECK_EQ_INT(bm_vercmp(NULL, ""), 0);
	LT(NULL, "1");
}
