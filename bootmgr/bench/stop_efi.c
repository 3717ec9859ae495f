/* SPDX-License-Identifier: MIT */
/*
 * stop.efi — the finish line of the boot manager benchmark: the one entry
 * the boot manager under test starts. It reads the TSC first thing, then
 * the values probe.efi left before loading and before starting the boot
 * manager, and prints
 *
 *   KEEL-BENCH delta_tsc=N delta_us=N tsc_hz=N load_tsc=N
 *
 * (delta: boot manager started -> this program started; load_tsc: the
 * firmware loading the boot manager's file, before that)
 * on the console (which reaches the serial port), then powers off. The TSC
 * frequency is calibrated here, inside the guest, against the firmware's
 * timer (Boot Services Stall): the median of three 50 ms windows.
 */
#include "bootmgr/bench/bench.h"
#include "bootmgr/bench/tsc.h"
#include "efi/kefi.h"
#include "libpersist/bytes.h"
#include "libpersist/efivars.h"

#define CAL_WINDOW_US 50000u
#define CAL_ROUNDS 3

/* TSC ticks per second, measured across Stall(); 0 if the TSC stood still. */
static uint64_t tsc_hz(void)
{
	uint64_t hz[CAL_ROUNDS], t;

	for (int i = 0; i < CAL_ROUNDS; i++) {
		t = bench_rdtsc();
		kefi_stall_us(CAL_WINDOW_US);
		hz[i] = (bench_rdtsc() - t) * (1000000u / CAL_WINDOW_US);
	}
	/* Median of three by sorting them. */
	for (int i = 0; i < CAL_ROUNDS; i++)
		for (int j = i + 1; j < CAL_ROUNDS; j++)
			if (hz[j] < hz[i]) {
				t = hz[i];
				hz[i] = hz[j];
				hz[j] = t;
			}
	return hz[CAL_ROUNDS / 2];
}

int keel_efi_main(void)
{
	uint64_t end = bench_rdtsc();
	static const kefi_guid vendor = KEEL_VENDOR_GUID_BYTES;
	const volatile uint64_t *tsc;
	uint8_t raw[8];
	size_t size = sizeof(raw);
	uint64_t load, start, hz;
	int r = kefi_var_get(&vendor, KEEL_BENCH_VAR_TSC, raw, &size);

	if (r != KEFI_OK || size != sizeof(raw) || !get_le64(raw)) {
		kefi_printf("KEEL-FAIL bench stop: no start time in the variable %s (%s); was "
			    "this program started by probe.efi through a boot manager?\n",
			    KEEL_BENCH_VAR_TSC, r != KEFI_OK ? kefi_strerror(r) : "wrong size");
		kefi_power_off();
	}
	tsc = (const volatile uint64_t *)(uintptr_t)get_le64(raw);
	load = tsc[0];
	start = tsc[1];
	hz = tsc_hz();
	if (!load || start < load || end <= start || hz == 0) {
		kefi_printf("KEEL-FAIL bench stop: the TSC did not advance (load=%llu start=%llu "
			    "end=%llu hz=%llu); no figure\n", (unsigned long long)load,
			    (unsigned long long)start, (unsigned long long)end,
			    (unsigned long long)hz);
		kefi_power_off();
	}
	kefi_printf(KEEL_BENCH_MARKER "%llu delta_us=%llu tsc_hz=%llu load_tsc=%llu\n",
		    (unsigned long long)(end - start),
		    (unsigned long long)((end - start) * 1000000u / hz), (unsigned long long)hz,
		    (unsigned long long)(start - load));
	kefi_power_off();
}
