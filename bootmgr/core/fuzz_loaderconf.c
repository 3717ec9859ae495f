/* SPDX-License-Identifier: MIT */
/* Fuzzer: the loader.conf parser, the glob matcher on its default, and the
 * console-mode choice over modes taken from the input's first bytes. */
#include "bootmgr/core/loaderconf.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bm_loader_conf c, before;
	struct bm_diag d;

	bm_loader_conf_init(&c);
	before = c;
	if (bm_loader_conf_parse((const char *)data, size, &c, &d) < 0) {
		if (memcmp(&c, &before, sizeof(c)) != 0)
			abort(); /* a failed parse changes nothing */
		return 0;
	}
	if (c.tries < 1 || c.timeout_sec > BM_TIMEOUT_MAX || c.timeout_mode > BM_TIMEOUT_MENU_DISABLED ||
	    c.menu > BM_MENU_FORCED || c.console_mode > BM_CONSOLE_NUMBER ||
	    strlen(c.default_pattern) >= BM_PATTERN_MAX || d.n_notes > BM_DIAG_NOTES)
		abort();
	/* A pattern without wildcards matches exactly itself. */
	if (!strpbrk(c.default_pattern, "*?") && !bm_glob_match(c.default_pattern, c.default_pattern))
		abort();
	bm_glob_match(c.default_pattern, "debian-6.1.0-13-amd64");
	{
		struct bm_text_mode modes[8];
		size_t n = size < 8 ? size : 8;
		int pick;

		for (size_t i = 0; i < n; i++)
			modes[i] = (struct bm_text_mode){ data[i] & 1 ? 0u : 40u + data[i], 20u + i };
		pick = bm_console_pick(&c, modes, n, n ? data[0] % (n + 1) : 0, 80, 30);
		if (pick != BM_CONSOLE_UNCHANGED && pick != BM_CONSOLE_MISSING &&
		    (pick < 0 || (size_t)pick >= n || !modes[pick].cols))
			abort(); /* only a mode the console offers */
	}
	return 0;
}
