/* SPDX-License-Identifier: MIT */
/* Fuzzer: the os-release parser, and a UKI entry built from its result. */
#include "bootmgr/core/entries.h"
#include "bootmgr/core/osrel.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bm_entry e;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bm_os_release o;
	struct bm_diag d;

	if (bm_os_release_parse((const char *)data, size, &o, &d) != 0)
		abort();
	if (strlen(o.pretty_name) >= BM_OSREL_VALUE_MAX || strlen(o.build_id) >= BM_OSREL_VALUE_MAX)
		abort();
	/* The section text doubles as the UKI's .cmdline. */
	bm_entry_from_uki(&e, "/EFI/Linux", "fuzz+1-0.efi", &o, o.version, (const char *)data,
			  size, 0, NULL);
	return 0;
}
