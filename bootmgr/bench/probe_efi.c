/* SPDX-License-Identifier: MIT */
/*
 * probe.efi — the start line of the boot manager benchmark. It is the bench
 * disk's \EFI\BOOT\BOOTX64.EFI: it reads the TSC, leaves the value in a
 * volatile variable and starts the boot manager under test from
 * \EFI\bench\loader.efi. stop.efi, the one entry that boot manager is
 * configured to start, reads the TSC again and prints the difference.
 *
 * The interval therefore covers the firmware loading the boot manager's
 * file, the boot manager's whole run, and the firmware loading stop.efi.
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
	uint64_t status = 0;
	uint8_t raw[8];
	int r;

	if (!self || !kefi_file_exists(self, KEEL_BENCH_LOADER_PATH)) {
		kefi_printf("KEEL-FAIL bench probe: no %s on the probe's volume; rebuild the "
			    "bench disk with `make bench`\n", KEEL_BENCH_LOADER_PATH);
		kefi_power_off();
	}
	put_le64(raw, bench_rdtsc());
	r = kefi_var_set(&vendor, KEEL_BENCH_VAR_TSC, raw, sizeof(raw), false);
	if (r != KEFI_OK) {
		kefi_printf("KEEL-FAIL bench probe: cannot write the variable %s (%s); nothing "
			    "was started\n", KEEL_BENCH_VAR_TSC, kefi_strerror(r));
		kefi_power_off();
	}
	r = kefi_image_start(self, KEEL_BENCH_LOADER_PATH, NULL, &status);
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
