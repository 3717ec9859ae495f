/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the kernel command-line builder (exactly one keel.boot_id word,
 * ours, always in the kernel's part), version comparison (antisymmetric,
 * reflexive) and glob matching. Input: options, NUL, edit, NUL, pattern.
 */
#include "bootmgr/core/cmdline.h"
#include "bootmgr/core/diag.h"
#include "bootmgr/core/loaderconf.h"
#include "bootmgr/core/vercmp.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char buf[3][4096];

/* Counts the words the kernel would read as a keel.boot_id parameter:
 * split at blanks outside quotes, quotes dropped, '-' read as '_'. */
static int count_boot_id_words(const char *s)
{
	int count = 0;

	while (*s) {
		char word[2048];
		size_t n = 0;
		bool q = false;
		const char *start;

		while (*s == ' ')
			s++;
		start = s;
		for (; *s && (q || *s != ' '); s++) {
			if (*s == '"')
				q = !q;
			else if (n < sizeof(word) - 1)
				word[n++] = *s == '-' ? '_' : *s;
		}
		word[n] = '\0';
		if (n >= 13 && !memcmp(word, "keel.boot_id=", 13))
			count++;
		if (s - start == 2 && !strncmp(start, "--", 2))
			break; /* the rest belongs to init */
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const persist_guid uuid = { { 9, 8, 7 } };
	char out[2048];
	size_t part = 0, at = 0;
	const char *hit;
	int n;

	memset(buf, 0, sizeof(buf));
	for (size_t i = 0; i < size && part < 3; i++) {
		if (data[i] == 0 || at == sizeof(buf[0]) - 1)
			part++, at = 0;
		else
			buf[part][at++] = (char)data[i];
	}
	n = bm_cmdline_build(out, sizeof(out), buf[0], size & 1 ? buf[1] : NULL, 77, &uuid);
	if (n >= 0) {
		hit = strstr(out, "keel.boot_id=77 keel.persist=PARTUUID=");
		if ((size_t)n != strlen(out) || !hit || count_boot_id_words(out) != 1)
			abort();
	} else if (n != BM_E_TOOLONG && n != BM_E_CONTROL) {
		abort();
	}
	if (bm_vercmp(buf[0], buf[1]) != -bm_vercmp(buf[1], buf[0]) || bm_vercmp(buf[0], buf[0]))
		abort();
	bm_glob_match(buf[2], buf[0]);
	return 0;
}
