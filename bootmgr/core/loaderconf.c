/* SPDX-License-Identifier: MIT */
/* loader.conf parser and glob matcher; see loaderconf.h. */
#include "bootmgr/core/loaderconf.h"
#include "bootmgr/core/str.h"

void bm_loader_conf_init(struct bm_loader_conf *c)
{
	bm_memset(c, 0, sizeof(*c));
	c->timeout_mode = BM_TIMEOUT_SECONDS;
	c->timeout_sec = 0;
	c->console_mode = BM_CONSOLE_KEEP;
	c->editor = true;
	c->auto_entries = true;
	c->auto_firmware = true;
	c->auto_reboot = true;
	c->auto_poweroff = true;
	c->tries = BM_TRIES_DEFAULT;
	c->menu = BM_MENU_AUTO;
}

bool bm_glob_match(const char *pattern, const char *s)
{
	const char *star = NULL, *resume = NULL;

	/* Greedy with one backtrack point: on a mismatch after a '*', let that
	 * star swallow one more byte. Linear in practice, O(n*m) at worst. */
	while (*s) {
		if (*pattern == '*') {
			star = ++pattern;
			resume = s;
		} else if (*pattern && (*pattern == '?' || *pattern == *s)) {
			pattern++;
			s++;
		} else if (star) {
			pattern = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

static bool parse_timeout(bm_slice v, struct bm_loader_conf *c)
{
	uint64_t n;

	if (bm_slice_eq(v, "menu-force")) {
		c->timeout_mode = BM_TIMEOUT_MENU_FORCE;
	} else if (bm_slice_eq(v, "menu-hidden")) {
		c->timeout_mode = BM_TIMEOUT_MENU_HIDDEN;
	} else if (bm_slice_eq(v, "menu-disabled")) {
		c->timeout_mode = BM_TIMEOUT_MENU_DISABLED;
	} else if (bm_parse_u64(v, BM_TIMEOUT_MAX, &n)) {
		c->timeout_mode = BM_TIMEOUT_SECONDS;
		c->timeout_sec = (uint32_t)n;
	} else {
		return false;
	}
	c->timeout_set = true;
	return true;
}

static bool parse_console(bm_slice v, struct bm_loader_conf *c)
{
	uint64_t n;

	if (bm_slice_eq(v, "keep"))
		c->console_mode = BM_CONSOLE_KEEP;
	else if (bm_slice_eq(v, "auto"))
		c->console_mode = BM_CONSOLE_AUTO;
	else if (bm_slice_eq(v, "max"))
		c->console_mode = BM_CONSOLE_MAX;
	else if (bm_parse_u64(v, 1000, &n))
		c->console_mode = BM_CONSOLE_NUMBER, c->console_mode_number = (uint32_t)n;
	else
		return false;
	return true;
}

static bool parse_menu(bm_slice v, struct bm_loader_conf *c)
{
	if (bm_slice_eq(v, "auto"))
		c->menu = BM_MENU_AUTO;
	else if (bm_slice_eq(v, "hidden"))
		c->menu = BM_MENU_HIDDEN;
	else if (bm_slice_eq(v, "forced"))
		c->menu = BM_MENU_FORCED;
	else
		return false;
	return true;
}

static bool parse_default(bm_slice v, struct bm_loader_conf *c)
{
	/* "@saved" and friends are systemd-boot's own EFI variables; Keel keeps
	 * its default in the persist partition instead. */
	if (v.n && v.p[0] == '@')
		return false;
	return bm_slice_copy(c->default_pattern, sizeof(c->default_pattern), v) >= 0;
}

/* Returns 1 if the value was used, 0 if it was bad, -1 for an unknown key. */
static int apply(bm_slice key, bm_slice v, struct bm_loader_conf *c)
{
	uint64_t n;

	if (bm_slice_eq(key, "timeout"))
		return parse_timeout(v, c);
	if (bm_slice_eq(key, "default"))
		return parse_default(v, c);
	if (bm_slice_eq(key, "console-mode"))
		return parse_console(v, c);
	if (bm_slice_eq(key, "editor"))
		return bm_parse_bool(v, &c->editor);
	if (bm_slice_eq(key, "auto-entries"))
		return bm_parse_bool(v, &c->auto_entries);
	if (bm_slice_eq(key, "auto-firmware"))
		return bm_parse_bool(v, &c->auto_firmware);
	if (bm_slice_eq(key, "auto-reboot"))
		return bm_parse_bool(v, &c->auto_reboot);
	if (bm_slice_eq(key, "auto-poweroff"))
		return bm_parse_bool(v, &c->auto_poweroff);
	if (bm_slice_eq(key, "keel-menu"))
		return parse_menu(v, c);
	if (bm_slice_eq(key, "keel-trace"))
		return bm_parse_bool(v, &c->trace);
	if (bm_slice_eq(key, "tries")) {
		if (!bm_parse_u64(v, BM_TRIES_LIMIT, &n) || n == 0)
			return 0;
		c->tries = (uint8_t)n;
		return 1;
	}
	return -1;
}

int bm_loader_conf_parse(const char *text, size_t len, struct bm_loader_conf *c,
			 struct bm_diag *diag)
{
	struct bm_loader_conf work = *c;
	bm_slice rest = { text, len }, line;
	uint32_t lineno = 0;

	bm_diag_clear(diag);
	if (!text && len)
		return bm_diag_fail(diag, 0, BM_E_INVAL, "", 0);
	while (bm_slice_next_line(&rest, &line)) {
		bm_slice key, value;
		size_t i = 0;
		int r;

		lineno++;
		line = bm_slice_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		for (size_t j = 0; j < line.n; j++)
			if (((unsigned char)line.p[j] < 0x20 && line.p[j] != '\t') || line.p[j] == 0x7f)
				return bm_diag_fail(diag, lineno, BM_E_CONTROL, "", 0);
		while (i < line.n && !bm_isblank(line.p[i]))
			i++;
		key = (bm_slice){ line.p, i };
		value = bm_slice_unquote(bm_slice_trim((bm_slice){ line.p + i, line.n - i }));
		r = apply(key, value, &work);
		if (r < 0)
			bm_diag_note(diag, lineno, BM_N_UNKNOWN_KEY, key.p, key.n);
		else if (r == 0)
			bm_diag_note(diag, lineno, BM_N_BAD_VALUE, key.p, key.n);
	}
	*c = work;
	return 0;
}

static bool fits(const struct bm_text_mode *m, uint32_t cols, uint32_t rows)
{
	return m->cols && m->cols >= cols && m->rows >= rows;
}

static int highest_offered(const struct bm_text_mode *modes, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (modes[i].cols)
			return (int)i;
	return BM_CONSOLE_UNCHANGED;
}

int bm_console_pick(const struct bm_loader_conf *c, const struct bm_text_mode *modes, size_t n,
		    size_t current, uint32_t need_cols, uint32_t need_rows)
{
	int pick = BM_CONSOLE_UNCHANGED;

	switch (c->console_mode) {
	case BM_CONSOLE_NUMBER:
		if (c->console_mode_number >= n || !modes[c->console_mode_number].cols)
			return BM_CONSOLE_MISSING;
		pick = (int)c->console_mode_number;
		break;
	case BM_CONSOLE_MAX:
		pick = highest_offered(modes, n);
		break;
	case BM_CONSOLE_AUTO:
		if (current < n && fits(&modes[current], need_cols, need_rows))
			return BM_CONSOLE_UNCHANGED;
		for (size_t i = 0; i < n && pick < 0; i++)
			if (fits(&modes[i], need_cols, need_rows))
				pick = (int)i;
		if (pick < 0)
			pick = highest_offered(modes, n);
		break;
	default:
		return BM_CONSOLE_UNCHANGED;
	}
	return pick >= 0 && (size_t)pick == current ? BM_CONSOLE_UNCHANGED : pick;
}
