/* SPDX-License-Identifier: MIT */
/*
 * floor.efi — the benchmark's floor: a chain-loader that does nothing but
 * what any boot manager must, LoadImage and StartImage of its one entry
 * (\EFI\bench\stop.efi). It stands in the boot manager's place on a third
 * bench disk, so the table shows what the firmware's own calls cost on
 * this machine, beside the time the real boot managers add to them.
 */
#include "bootmgr/bench/bench.h"
#include "efi/kefi.h"

int keel_efi_main(void)
{
	uint64_t status = 0;
	int r = kefi_image_start(kefi_self_volume(), KEEL_BENCH_STOP_PATH, NULL, &status);

	kefi_printf("KEEL-FAIL bench floor: cannot start %s (%s)\n", KEEL_BENCH_STOP_PATH,
		    r != KEFI_OK ? kefi_strerror(r) : "it returned");
	kefi_power_off();
}
