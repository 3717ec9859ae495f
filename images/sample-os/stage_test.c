/* SPDX-License-Identifier: MIT */
/* Unit tests of the boot id parsing in stage.c (no store involved). */
#include "images/sample-os/os.h"
#include "tests/unit.h"

TEST(boot_id_decimal_numbers_are_taken)
{
	CHECK_EQ_INT(stage_set_boot_id("7"), 0);
	CHECK_EQ_STR(stage_boot_id_text(), "7");
	CHECK_EQ_INT(stage_set_boot_id("18446744073709551615"), 0);
	CHECK_EQ_STR(stage_boot_id_text(), "18446744073709551615");
	CHECK_EQ_INT(stage_set_boot_id("007"), 0);
	CHECK_EQ_STR(stage_boot_id_text(), "7");
}

TEST(boot_id_anything_else_is_no_boot_id)
{
	static const char *const bad[] = { "seven", "7a", "-7", "+7", " 7", "0", "",
					   "18446744073709551616", "99999999999999999999",
					   "1.5" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		stage_set_boot_id("5");
		if (bad[i][0])
			CHECK_EQ_INT(stage_set_boot_id(bad[i]), -1);
		else
			CHECK_EQ_INT(stage_set_boot_id(bad[i]), 0);
		CHECK_EQ_STR(stage_boot_id_text(), "none");
	}
	CHECK_EQ_INT(stage_set_boot_id(NULL), 0);
	CHECK_EQ_STR(stage_boot_id_text(), "none");
}
