/* SPDX-License-Identifier: MIT */
/*
 * os-release(5) parser, for the .osrel section of unified kernel images.
 *
 * Lines are KEY=VALUE; VALUE is shell-like: "double quoted" (\" \\ \$ \`
 * are escapes, other backslashes stay), 'single quoted' (no escapes) or
 * unquoted (a backslash escapes the next byte), and such pieces may be
 * joined ("a"'b'c). '#' starts a comment line. The text ends at the end of
 * the buffer or at the first NUL byte (PE sections are zero-padded).
 */
#ifndef KEEL_BOOTMGR_CORE_OSREL_H
#define KEEL_BOOTMGR_CORE_OSREL_H

#include <stddef.h>

#include "bootmgr/core/diag.h"

#define BM_OSREL_VALUE_MAX 128

struct bm_os_release {
	char pretty_name[BM_OSREL_VALUE_MAX];
	char name[BM_OSREL_VALUE_MAX];
	char id[BM_OSREL_VALUE_MAX];
	char version_id[BM_OSREL_VALUE_MAX];
	char version[BM_OSREL_VALUE_MAX];
	char image_id[BM_OSREL_VALUE_MAX];
	char image_version[BM_OSREL_VALUE_MAX];
	char build_id[BM_OSREL_VALUE_MAX];
};

/*
 * Parses text[0..len) into *out (fields not given are ""). Lines that are
 * not assignments, bad quoting and values longer than a field are noted in
 * *diag (may be NULL) and skipped. Returns 0, or BM_E_INVAL for a NULL
 * buffer with a length.
 */
int bm_os_release_parse(const char *text, size_t len, struct bm_os_release *out,
			struct bm_diag *diag);

#endif
