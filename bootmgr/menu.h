/* SPDX-License-Identifier: MIT */
/*
 * The text menu, on the console and the serial terminal at once: arrow
 * keys, Home/End, digits, Enter; `e` edits the command line for one boot;
 * `s` shows the status screen. Any key stops the countdown.
 *
 * Marker lines for tests (and anyone reading a serial log):
 *   KEEL-MENU shown entries=N selected=K timeout=T
 *   KEEL-MENU-ENTRY n=K id=ID state="..." title="..."
 *   KEEL-MENU ready
 *   KEEL-MENU editing             (after `e`: the line editor waits for keys)
 *   KEEL-MENU chosen n=K id=ID by=key|timeout|digit|edit
 */
#ifndef KEEL_BOOTMGR_MENU_H
#define KEEL_BOOTMGR_MENU_H

#include <stdbool.h>
#include <stddef.h>

struct menu_item {
	const char *id;
	const char *title;
	/* "tries left 2/3", "bad: …", "last-known-good", "fell back here
	 * because …", … or "" */
	const char *state;
	bool editable;          /* has a command line `e` may change */
};

struct menu {
	const struct menu_item *items;
	size_t n;
	size_t selected;        /* preselected, then the choice */
	int timeout_s;          /* countdown; < 0: wait for a key */
	const char *notice;     /* shown above the entries (a fallback's reason), or NULL */
	/* Prints the status screen (last attempts, newest log records). */
	void (*status)(void *ctx);
	void *ctx;
};

/*
 * Shows the menu until an entry is chosen; returns its index. If the user
 * edited the command line of the chosen entry, *edited is true and edit
 * holds the new one (edit must hold the current command line on entry for
 * the item that is edited: `current` gives it per index).
 */
size_t menu_run(struct menu *m, const char *(*current)(void *ctx, size_t index), char *edit,
		size_t edit_size, bool *edited);

/* Rereads the UEFI watchdog budget around key waits (seconds). */
#define MENU_WATCHDOG_S 300

#endif
