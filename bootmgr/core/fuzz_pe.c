/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the PE/COFF header parser. Every section it reports must lie in
 * the file; the harness reads each one (ASan catches a lie) and parses a
 * reported .osrel like the boot manager does.
 */
#include "bootmgr/core/osrel.h"
#include "bootmgr/core/pe.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bm_pe_info pe;
	volatile uint8_t sink = 0;

	/* Headers only, with the rest of the file "elsewhere". */
	bm_pe_parse(data, size / 2, size, &pe);
	if (bm_pe_parse(data, size, size, &pe) != 0)
		return 0;
	for (int i = 0; i < BM_SEC_COUNT; i++) {
		const struct bm_pe_section *s = &pe.sec[i];

		if (!s->present)
			continue;
		if (s->offset > size || s->size > size - s->offset)
			abort();
		for (uint64_t j = 0; j < s->size; j++)
			sink ^= data[s->offset + j];
	}
	if (pe.sec[BM_SEC_OSREL].present) {
		struct bm_os_release o;

		bm_os_release_parse((const char *)data + pe.sec[BM_SEC_OSREL].offset,
				    pe.sec[BM_SEC_OSREL].size, &o, NULL);
	}
	(void)sink;
	return 0;
}
