/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the Boot Loader Specification entry parser, and everything an
 * accepted entry flows into (entry list, sort, ids, LoaderEntries, command
 * line). Input: the file name up to the first newline, then the contents.
 */
#include "bootmgr/core/cmdline.h"
#include "bootmgr/core/entries.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bm_bls_entry b;
static struct bm_entries list;
static struct bm_entry slots[4];
static struct bm_entry e;

static void check_path(const char *p)
{
	if (p[0] && (p[0] != '\\' || strchr(p, '/') || strstr(p, "\\\\")))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 200 ? size : 200);
	char name[256], cmd[BM_OPTIONS_MAX + 128], diag_text[512];
	uint8_t var[512];
	const char *ids[4];
	struct bm_diag d;
	size_t nlen = nl ? (size_t)(nl - data) : 0;

	memcpy(name, data, nlen);
	name[nlen] = '\0';
	if (nl)
		data += nlen + 1, size -= nlen + 1;
	if (bm_bls_parse(name, (const char *)data, size, &b, &d) < 0) {
		if (d.err == 0 || b.id[0])
			abort();
		bm_diag_format(&d, name, diag_text, sizeof(diag_text));
		return 0;
	}
	if (!b.id[0] || strlen(b.id) >= BM_ID_MAX || b.n_initrd > BM_INITRD_MAX ||
	    (!b.linux_path[0] && !b.efi_path[0]))
		abort();
	check_path(b.linux_path);
	check_path(b.efi_path);
	for (uint32_t i = 0; i < b.n_initrd; i++)
		check_path(b.initrd[i]);
	bm_entries_init(&list, slots, 4);
	if (bm_entry_from_bls(&e, &b, "/loader/entries", 0, NULL) < 0)
		return 0;
	if (bm_entries_add(&list, &e) != 0 || bm_entries_add(&list, &e) != 1)
		abort(); /* the same entry twice is a duplicate */
	e.volume = 1;
	e.options[0] = e.options[0] ? '\0' : 'x';
	if (bm_entries_add(&list, &e) != 0 || !strcmp(list.e[0].id, list.e[1].id))
		abort(); /* a different entry with the same id gets its own */
	bm_entries_sort(&list);
	if (bm_entries_ids(&list, ids, 4) != 2)
		abort();
	bm_entries_loader_entries(&list, var, sizeof(var));
	bm_cmdline_build(cmd, sizeof(cmd), b.options, NULL, 1, NULL);
	return 0;
}
