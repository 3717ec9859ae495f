/* SPDX-License-Identifier: MIT */
/*
 * \loader\loader.conf: the boot manager's settings, in the syntax of
 * systemd-boot's loader.conf(5) ("key value" lines, '#' comments) plus three
 * keys of Keel's own. See docs/boot-entries.md for every key.
 */
#ifndef KEEL_BOOTMGR_CORE_LOADERCONF_H
#define KEEL_BOOTMGR_CORE_LOADERCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootmgr/core/diag.h"

#define BM_PATTERN_MAX 128
#define BM_TIMEOUT_MAX 65535u /* seconds */
#define BM_TRIES_DEFAULT 3
#define BM_TRIES_LIMIT 255   /* persist's max_tries is one byte */

enum bm_timeout_mode {
	BM_TIMEOUT_SECONDS,       /* show the menu for timeout_sec seconds */
	BM_TIMEOUT_MENU_FORCE,    /* show the menu and wait for a key */
	BM_TIMEOUT_MENU_HIDDEN,   /* boot at once unless a key is pressed */
	BM_TIMEOUT_MENU_DISABLED, /* boot at once, no key checked */
};

enum bm_console_mode {
	BM_CONSOLE_KEEP,    /* leave the firmware's mode (default) */
	BM_CONSOLE_AUTO,    /* the firmware's mode if the menu fits, else one it fits in */
	BM_CONSOLE_MAX,     /* the highest-numbered mode the console offers */
	BM_CONSOLE_NUMBER,  /* mode console_mode_number */
};

enum bm_menu_mode {
	BM_MENU_AUTO,    /* as the timeout says */
	BM_MENU_HIDDEN,  /* never show the menu unless a key is held */
	BM_MENU_FORCED,  /* always show the menu and wait */
};

struct bm_loader_conf {
	int timeout_mode;              /* enum bm_timeout_mode */
	uint32_t timeout_sec;          /* BM_TIMEOUT_SECONDS only */
	bool timeout_set;              /* the file had a valid timeout line */
	char default_pattern[BM_PATTERN_MAX]; /* id or glob, "" = newest */
	int console_mode;              /* enum bm_console_mode */
	uint32_t console_mode_number;
	bool editor;                   /* allow one-boot edits (default yes) */
	bool auto_entries;             /* add Windows/EFI shell/... (default yes) */
	bool auto_firmware;            /* add "Reboot into firmware setup" (default yes) */
	bool auto_reboot;              /* add "Reboot" (default yes) */
	bool auto_poweroff;            /* add "Power off" (default yes) */
	uint8_t tries;                 /* failed attempts that make an entry bad */
	int menu;                      /* enum bm_menu_mode ('keel-menu') */
	bool trace;                    /* every trace marker on serial ('keel-trace') */
};

/* Fills c with the defaults (what an empty or missing file means). */
void bm_loader_conf_init(struct bm_loader_conf *c);

/*
 * Parses loader.conf text[0..len) over the values already in *c (call
 * bm_loader_conf_init first). Bad values and unknown keys are noted in
 * *diag (may be NULL) and leave the previous value. Returns 0, or
 * BM_E_CONTROL / BM_E_INVAL (then *c is unchanged).
 */
int bm_loader_conf_parse(const char *text, size_t len, struct bm_loader_conf *c,
			 struct bm_diag *diag);

/* One text mode of the console, by the firmware's numbering; cols 0: the
 * console does not offer that number. */
struct bm_text_mode {
	uint32_t cols, rows;
};

#define BM_CONSOLE_UNCHANGED (-1) /* stay in the current mode */
#define BM_CONSOLE_MISSING (-2)   /* console-mode names a mode the console lacks */

/*
 * The text mode for the menu by c->console_mode, among modes[0..n) with
 * `current` in use: keep, the current one; a number, that mode; max, the
 * highest-numbered mode offered (as systemd-boot); auto, the current mode if
 * need_cols x need_rows fit in it, else the lowest-numbered mode they fit
 * in, else as max. Returns the mode's number, BM_CONSOLE_UNCHANGED (also
 * when that is the current mode) or BM_CONSOLE_MISSING.
 */
int bm_console_pick(const struct bm_loader_conf *c, const struct bm_text_mode *modes, size_t n,
		    size_t current, uint32_t need_cols, uint32_t need_rows);

/* Shell-style match of the whole string s against pattern: '*' any run of
 * bytes (also empty), '?' one byte, everything else itself. */
bool bm_glob_match(const char *pattern, const char *s);

#endif
