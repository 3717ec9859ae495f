/* SPDX-License-Identifier: MIT */
/*
 * probe.efi — the start line of the boot manager benchmark. It is the bench
 * disk's \EFI\BOOT\BOOTX64.EFI: it leaves the address of two TSC slots in a
 * volatile variable, reads the TSC into the first, loads the boot manager
 * under test from \EFI\bench\loader.efi, reads the TSC into the second
 * right before StartImage and starts it. stop.efi, the one entry that boot
 * manager is configured to start, reads the TSC again and prints both
 * intervals: from the boot manager's start (the figure the goal is about)
 * and from before the firmware loaded its file.
 */
#include "bootmgr/bench/bench.h"
#include "bootmgr/bench/tsc.h"
#include "efi/kefi.h"
#include "libpersist/bytes.h"
#include "libpersist/efivars.h"

int keel_efi_main(void)
{
	static const kefi_guid vendor = KEEL_VENDOR_GUID_BYTES;
	void *self = kefi_self_volume();
	uint64_t status = 0, *tsc;
	uint8_t raw[8];
	void *image = NULL;
	int r;

	if (!self || !kefi_file_exists(self, KEEL_BENCH_LOADER_PATH)) {
		kefi_printf("KEEL-FAIL bench probe: no %s on the probe's volume; rebuild the "
			    "bench disk with `make bench`\n", KEEL_BENCH_LOADER_PATH);
		kefi_power_off();
	}
	tsc = kefi_alloc(2 * sizeof(*tsc)); /* stays allocated: stop.efi reads it */
	if (!tsc) {
		kefi_printf("KEEL-FAIL bench probe: out of memory; nothing was started\n");
		kefi_power_off();
	}
	tsc[0] = tsc[1] = 0;
	put_le64(raw, (uint64_t)(uintptr_t)tsc);
	r = kefi_var_set(&vendor, KEEL_BENCH_VAR_TSC, raw, sizeof(raw), false);
	if (r != KEFI_OK) {
		kefi_printf("KEEL-FAIL bench probe: cannot write the variable %s (%s); nothing "
			    "was started\n", KEEL_BENCH_VAR_TSC, kefi_strerror(r));
		kefi_power_off();
	}
	tsc[0] = bench_rdtsc();
	r = kefi_image_load(self, KEEL_BENCH_LOADER_PATH, &image);
	if (r == KEFI_OK) {
		tsc[1] = bench_rdtsc();
		r = kefi_image_run(image, &status);
	}
	/* The boot manager is expected to start stop.efi, which powers off. */
	if (r != KEFI_OK)
		kefi_printf("KEEL-FAIL bench probe: cannot start %s (%s)\n",
			    KEEL_BENCH_LOADER_PATH, kefi_strerror(r));
	else
		kefi_printf("KEEL-FAIL bench probe: %s returned (EFI status 0x%llx) without "
			    "starting the bench entry\n", KEEL_BENCH_LOADER_PATH,
			    (unsigned long long)status);
	kefi_power_off();
}
