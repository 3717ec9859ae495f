/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: boot-counting file names. The renamed name must parse again with
 * the same entry id, one try fewer left (not below 0) and one more done.
 */
#include "bootmgr/core/bls.h"
#include "bootmgr/core/bootcount.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *name, const char *suffix)
{
	struct bm_bootcount a, b;
	char next[300], path[400], id1[BM_ID_MAX], id2[BM_ID_MAX];

	if (bm_bootcount_parse(name, suffix, &a) < 0)
		return;
	if (a.base_len == 0 || a.base_len > strlen(name))
		abort();
	if (bm_bootcount_next_name(name, suffix, next, sizeof(next)) < 0) {
		if (a.counting && strlen(name) + 3 < sizeof(next))
			abort();
		return;
	}
	if (bm_bootcount_parse(next, suffix, &b) < 0 || !b.counting || b.base_len != a.base_len ||
	    memcmp(next, name, a.base_len) != 0 || b.left != (a.left ? a.left - 1 : 0) ||
	    b.done != (a.done < BM_TRIES_MAX ? a.done + 1 : BM_TRIES_MAX))
		abort();
	if (bm_entry_id_from_file(name, suffix, id1, sizeof(id1), NULL) >= 0 &&
	    (bm_entry_id_from_file(next, suffix, id2, sizeof(id2), NULL) < 0 || strcmp(id1, id2)))
		abort();
	bm_bootcount_path("/loader/entries", next, path, sizeof(path));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[256];
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;

	memcpy(name, data, n);
	name[n] = '\0';
	check(name, ".conf");
	check(name, ".efi");
	return 0;
}
