/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/cmdline.h"
#include "bootmgr/core/diag.h"
#include "tests/unit.h"

static const persist_guid uuid = { { 0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12, 0x12, 0x34,
				     0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 } };
#define KEEL " keel.boot_id=42 keel.persist=PARTUUID=12345678-1234-1234-1234-56789abcdef0"

TEST(cmdline_appends_keel_words)
{
	char out[256];

	CHECK(bm_cmdline_build(out, sizeof(out), "root=/dev/sda2 ro", NULL, 42, &uuid) > 0);
	CHECK_EQ_STR(out, "root=/dev/sda2 ro" KEEL);
	bm_cmdline_build(out, sizeof(out), NULL, NULL, 7, NULL);
	CHECK_EQ_STR(out, "keel.boot_id=7");
	bm_cmdline_build(out, sizeof(out), "  a\t\tb  ", NULL, 18446744073709551615ull, NULL);
	CHECK_EQ_STR(out, "a b keel.boot_id=18446744073709551615");
}

/* No attempt recorded (boot id 0): no keel.boot_id word, a stale one is
 * still dropped, and the persist partition is still named. */
TEST(cmdline_without_boot_id)
{
	char out[256];

	bm_cmdline_build(out, sizeof(out), "quiet keel.boot_id=9", NULL, 0, NULL);
	CHECK_EQ_STR(out, "quiet");
	bm_cmdline_build(out, sizeof(out), NULL, NULL, 0, &uuid);
	CHECK_EQ_STR(out, "keel.persist=PARTUUID=12345678-1234-1234-1234-56789abcdef0");
}

TEST(cmdline_one_boot_edit)
{
	char out[256];

	bm_cmdline_build(out, sizeof(out), "quiet", "single\nsystemd.unit=rescue.target", 42, &uuid);
	CHECK_EQ_STR(out, "single systemd.unit=rescue.target" KEEL);
	bm_cmdline_build(out, sizeof(out), "quiet", "", 42, &uuid);
	CHECK_EQ_STR(out, KEEL + 1);
	CHECK_EQ_INT(bm_cmdline_build(out, sizeof(out), "q", "a\x1b[2J", 1, NULL), BM_E_CONTROL);
	CHECK_EQ_STR(out, "");
}

TEST(cmdline_hostile_options)
{
	char out[256];

	/* Spoofed Keel words in any spelling the kernel accepts are dropped. */
	bm_cmdline_build(out, sizeof(out),
			 "keel.boot_id=1 \"keel.boot_id=2\" keel.boot-id=3 keel.persist=PARTUUID=x "
			 "ok keel.boot_idx=4",
			 NULL, 42, &uuid);
	CHECK_EQ_STR(out, "ok keel.boot_idx=4" KEEL);
	/* Keel's words stay with the kernel, before "--". */
	bm_cmdline_build(out, sizeof(out), "ro -- init-arg --", NULL, 42, NULL);
	CHECK_EQ_STR(out, "ro keel.boot_id=42 -- init-arg --");
	/* An unclosed quote is closed so it cannot swallow Keel's words. */
	bm_cmdline_build(out, sizeof(out), "a=\"x y", NULL, 42, NULL);
	CHECK_EQ_STR(out, "a=\"x y\" keel.boot_id=42");
	bm_cmdline_build(out, sizeof(out), "a=\"x  y\"", NULL, 42, NULL);
	CHECK_EQ_STR(out, "a=\"x  y\" keel.boot_id=42");
}

TEST(cmdline_bounded)
{
	char out[32];

	CHECK_EQ_INT(bm_cmdline_build(out, 19, "ab", NULL, 42, NULL), 18);
	CHECK_EQ_STR(out, "ab keel.boot_id=42");
	CHECK_EQ_INT(bm_cmdline_build(out, 18, "ab", NULL, 42, NULL), BM_E_TOOLONG);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(bm_cmdline_build(NULL, 0, "ab", NULL, 42, NULL), BM_E_TOOLONG);
}
