/* SPDX-License-Identifier: MIT */
/* The text menu (menu.h). */
#include "bootmgr/menu.h"

#include "efi/kefi.h"

static void draw(const struct menu *m, int countdown)
{
	kefi_screen_clear();
	kefi_printf("Keel boot manager %s\n\n", KEEL_VERSION);
	if (m->notice)
		kefi_printf("  %s\n\n", m->notice);
	for (size_t i = 0; i < m->n; i++) {
		const struct menu_item *it = &m->items[i];
		kefi_printf("%s %2zu) %s%s%s%s\n", i == m->selected ? " >" : "  ", i + 1, it->title,
			    it->state[0] ? "   [" : "", it->state, it->state[0] ? "]" : "");
	}
	kefi_printf("\n  Up/Down, 1-9, Enter: boot   e: edit command line   s: status\n");
	if (countdown >= 0)
		kefi_printf("  Booting the selected entry in %d s.\n", countdown);
}

static void announce(const struct menu *m)
{
	kefi_marker("KEEL-MENU shown entries=%zu selected=%zu timeout=%d\n", m->n, m->selected + 1,
		    m->timeout_s);
	for (size_t i = 0; i < m->n; i++)
		kefi_marker("KEEL-MENU-ENTRY n=%zu id=%s state=\"%s\" title=\"%s\"\n", i + 1,
			    m->items[i].id, m->items[i].state, m->items[i].title);
	kefi_marker("KEEL-MENU ready\n");
}

/*
 * A one-line editor; returns true if confirmed with Enter. Text is only
 * appended or erased at the end, so Delete erases like Backspace: on a serial
 * console the Backspace key sends DEL (0x7f), which the firmware's terminal
 * driver reports as the Delete key.
 */
static bool edit_line(char *buf, size_t size)
{
	size_t len = 0;

	while (buf[len])
		len++;
	kefi_printf("\n  Command line for this boot (Enter: boot, Esc: cancel):\n  %s", buf);
	kefi_printf("\n");
	kefi_marker("KEEL-MENU editing\n");
	for (;;) {
		int k;

		kefi_watchdog_arm(MENU_WATCHDOG_S);
		k = kefi_key_read(UINT64_MAX);
		if (k == '\r' || k == '\n') {
			kefi_printf("\n");
			return true;
		}
		if (k == 0x1b)
			return false;
		if ((k == '\b' || k == 0x7f || k == KEFI_KEY_DELETE) && len) {
			buf[--len] = '\0';
			kefi_printf("\b \b");
		} else if (k >= 0x20 && k < 0x7f && len + 1 < size) {
			buf[len++] = (char)k;
			buf[len] = '\0';
			kefi_printf("%c", k);
		}
	}
}

static size_t chosen(const struct menu *m, const char *by)
{
	kefi_marker("KEEL-MENU chosen n=%zu id=%s by=%s\n", m->selected + 1,
		    m->items[m->selected].id, by);
	return m->selected;
}

size_t menu_run(struct menu *m, const char *(*current)(void *ctx, size_t index), char *edit,
		size_t edit_size, bool *edited)
{
	int countdown = m->timeout_s;

	*edited = false;
	if (m->selected >= m->n)
		m->selected = 0;
	draw(m, countdown);
	announce(m);
	for (;;) {
		size_t was_selected = m->selected;
		bool redraw = countdown >= 0; /* its line goes */
		int k;

		kefi_watchdog_arm(MENU_WATCHDOG_S);
		k = kefi_key_read(countdown >= 0 ? 1000000u : UINT64_MAX);
		if (!k) {
			if (countdown <= 0)
				return chosen(m, "timeout");
			draw(m, --countdown);
			continue;
		}
		countdown = -1; /* any key stops the countdown */
		if (k == KEFI_KEY_UP && m->selected > 0)
			m->selected--;
		else if (k == KEFI_KEY_DOWN && m->selected + 1 < m->n)
			m->selected++;
		else if (k == KEFI_KEY_HOME || k == KEFI_KEY_PGUP)
			m->selected = 0;
		else if (k == KEFI_KEY_END || k == KEFI_KEY_PGDN)
			m->selected = m->n - 1;
		else if (k >= '1' && k <= '9' && (size_t)(k - '1') < m->n) {
			m->selected = (size_t)(k - '1');
			return chosen(m, "digit");
		} else if (k == '\r' || k == '\n')
			return chosen(m, "key");
		else if (k == 'e' && m->items[m->selected].editable && edit_size) {
			const char *cur = current(m->ctx, m->selected);
			size_t i = 0;
			for (; cur && cur[i] && i + 1 < edit_size; i++)
				edit[i] = cur[i];
			edit[i] = '\0';
			if (edit_line(edit, edit_size)) {
				*edited = true;
				return chosen(m, "edit");
			}
			redraw = true;
		} else if (k == 's' && m->status) {
			kefi_screen_clear();
			m->status(m->ctx);
			kefi_printf("\n  Press any key to return to the menu.\n");
			kefi_marker("KEEL-STATUS end\n");
			kefi_watchdog_arm(MENU_WATCHDOG_S);
			kefi_key_read(UINT64_MAX);
			redraw = true;
		}
		/* A key that changes nothing (a held one, say) leaves the screen
		 * as it is: no flicker, and the serial line is not flooded. */
		if (redraw || m->selected != was_selected)
			draw(m, countdown);
	}
}
