/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/loaderconf.h"

#include <stdio.h>

#include "tests/unit.h"

static struct bm_loader_conf c;
static struct bm_diag d;

static int parse(const char *text)
{
	bm_loader_conf_init(&c);
	return bm_loader_conf_parse(text, strlen(text), &c, &d);
}

TEST(loaderconf_defaults)
{
	REQUIRE(parse("") == 0);
	CHECK(!c.timeout_set);
	CHECK_EQ_INT(c.timeout_mode, BM_TIMEOUT_SECONDS);
	CHECK(c.editor && c.auto_entries && c.auto_firmware && c.auto_reboot && c.auto_poweroff);
	CHECK_EQ_INT(c.tries, 3);
	CHECK_EQ_INT(c.menu, BM_MENU_AUTO);
	CHECK_EQ_STR(c.default_pattern, "");
}

TEST(loaderconf_all_keys)
{
	REQUIRE(parse("# Keel\r\n"
		      "timeout 5\r\n"
		      "default  debian-*\n"
		      "console-mode max\n"
		      "editor no\n"
		      "auto-entries 0\n"
		      "auto-firmware off\n"
		      "auto-reboot false\n"
		      "auto-poweroff n\n"
		      "tries 5\n"
		      "keel-menu forced\n"
		      "keel-trace yes\n") == 0);
	CHECK(c.timeout_set && c.timeout_mode == BM_TIMEOUT_SECONDS && c.timeout_sec == 5);
	CHECK_EQ_STR(c.default_pattern, "debian-*");
	CHECK_EQ_INT(c.console_mode, BM_CONSOLE_MAX);
	CHECK(!c.editor && !c.auto_entries && !c.auto_firmware && !c.auto_reboot && !c.auto_poweroff);
	CHECK_EQ_INT(c.tries, 5);
	CHECK_EQ_INT(c.menu, BM_MENU_FORCED);
	CHECK(c.trace);
	CHECK_EQ_INT(d.n_notes, 0);
}

TEST(loaderconf_timeout_words)
{
	REQUIRE(parse("timeout menu-force") == 0);
	CHECK_EQ_INT(c.timeout_mode, BM_TIMEOUT_MENU_FORCE);
	REQUIRE(parse("timeout menu-hidden") == 0);
	CHECK_EQ_INT(c.timeout_mode, BM_TIMEOUT_MENU_HIDDEN);
	REQUIRE(parse("timeout menu-disabled") == 0);
	CHECK_EQ_INT(c.timeout_mode, BM_TIMEOUT_MENU_DISABLED);
	REQUIRE(parse("timeout 3\ntimeout soon\n") == 0);
	CHECK(c.timeout_sec == 3 && c.timeout_mode == BM_TIMEOUT_SECONDS);
	REQUIRE(d.n_notes == 1);
	CHECK_EQ_INT(d.notes[0].code, BM_N_BAD_VALUE);
	CHECK_EQ_INT(d.notes[0].line, 2);
	REQUIRE(parse("timeout 65536\nconsole-mode 2\n") == 0);
	CHECK(!c.timeout_set);
	CHECK(c.console_mode == BM_CONSOLE_NUMBER && c.console_mode_number == 2);
}

TEST(loaderconf_bad_values_keep_defaults)
{
	REQUIRE(parse("tries 0\ntries 256\ntries -1\neditor maybe\nkeel-menu never\n"
		      "default @saved\nbeep yes\ndefault \"quoted\"\n") == 0);
	CHECK_EQ_INT(c.tries, 3);
	CHECK(c.editor);
	CHECK_EQ_INT(c.menu, BM_MENU_AUTO);
	CHECK(!c.trace);
	CHECK_EQ_STR(c.default_pattern, "quoted");
	REQUIRE(d.n_notes == 7);
	CHECK_EQ_INT(d.notes[6].code, BM_N_UNKNOWN_KEY);
	CHECK_EQ_STR(d.notes[6].key, "beep");
	/* A control character fails the file and changes nothing. */
	bm_loader_conf_init(&c);
	c.tries = 9;
	CHECK_EQ_INT(bm_loader_conf_parse("tries 4\ntimeout 1\x1b\n", 19, &c, &d), BM_E_CONTROL);
	CHECK_EQ_INT(d.err_line, 2);
	CHECK_EQ_INT(c.tries, 9);
}

TEST(glob_match)
{
	CHECK(bm_glob_match("debian-*", "debian-6.1"));
	CHECK(bm_glob_match("*", ""));
	CHECK(bm_glob_match("a?c", "abc"));
	CHECK(!bm_glob_match("a?c", "ac"));
	CHECK(bm_glob_match("*-*-amd64", "x-6.1.0-13-amd64"));
	CHECK(!bm_glob_match("*-amd64", "x-amd64-old"));
	CHECK(bm_glob_match("**a**", "bab"));
	CHECK(!bm_glob_match("exact", "exactly"));
	CHECK(bm_glob_match("exact", "exact"));
	CHECK(!bm_glob_match("", "x"));
	CHECK(bm_glob_match("a*b*c*d", "aXbYbZcQd"));
}

/* A serial console's usual modes, with number 3 not offered. */
static const struct bm_text_mode modes[] = { { 80, 25 }, { 80, 50 }, { 100, 31 }, { 0, 0 } };
#define N_MODES (sizeof(modes) / sizeof(modes[0]))

static int pick(const char *setting, size_t current, uint32_t rows)
{
	char text[64];

	snprintf(text, sizeof(text), "console-mode %s\n", setting);
	if (parse(text) != 0 || d.n_notes)
		return 99; /* matches no expectation below */
	return bm_console_pick(&c, modes, N_MODES, current, 80, rows);
}

TEST(console_mode_keep_and_numbers)
{
	CHECK_EQ_INT(pick("keep", 0, 100), BM_CONSOLE_UNCHANGED);
	CHECK_EQ_INT(pick("2", 0, 25), 2);
	CHECK_EQ_INT(pick("2", 2, 25), BM_CONSOLE_UNCHANGED); /* already in it */
	CHECK_EQ_INT(pick("0", 1, 25), 0);
	CHECK_EQ_INT(pick("3", 0, 25), BM_CONSOLE_MISSING); /* a number not offered */
	CHECK_EQ_INT(pick("7", 0, 25), BM_CONSOLE_MISSING); /* beyond the last mode */
	CHECK_EQ_INT(bm_console_pick(&c, modes, 0, 0, 80, 25), BM_CONSOLE_MISSING);
}

TEST(console_mode_max_is_the_highest_offered_number)
{
	CHECK_EQ_INT(pick("max", 0, 25), 2); /* not 3, which is not offered */
	CHECK_EQ_INT(pick("max", 2, 25), BM_CONSOLE_UNCHANGED);
	CHECK_EQ_INT(bm_console_pick(&c, modes, 1, 0, 80, 25), BM_CONSOLE_UNCHANGED);
	CHECK_EQ_INT(bm_console_pick(&c, modes, 0, 0, 80, 25), BM_CONSOLE_UNCHANGED);
}

TEST(console_mode_auto_keeps_a_mode_the_menu_fits_in)
{
	CHECK_EQ_INT(pick("auto", 0, 20), BM_CONSOLE_UNCHANGED);
	CHECK_EQ_INT(pick("auto", 0, 30), 1);  /* the lowest number it fits in */
	CHECK_EQ_INT(pick("auto", 2, 31), BM_CONSOLE_UNCHANGED);
	CHECK_EQ_INT(pick("auto", 2, 40), 1);
	CHECK_EQ_INT(pick("auto", 0, 60), 2);  /* fits nowhere: as max */
	CHECK_EQ_INT(pick("auto", 9, 25), 0);  /* a current mode the list lacks */
	CHECK_EQ_INT(bm_console_pick(&c, modes, 0, 0, 80, 25), BM_CONSOLE_UNCHANGED);
}
