/* SPDX-License-Identifier: MIT */
/*
 * The boot manager benchmark's shared names: the variable the probe leaves
 * for the stop program, the paths on the bench disks and the marker line
 * the stop program prints. Used by probe.efi, stop.efi and the host runner.
 */
#ifndef KEEL_BOOTMGR_BENCH_BENCH_H
#define KEEL_BOOTMGR_BENCH_BENCH_H

/*
 * Volatile variable under KEEL_VENDOR_GUID (libpersist/efivars.h): the
 * address (uint64, little-endian) of two uint64 in the probe's memory, the
 * TSC right before the firmware loads the boot manager under test and the
 * TSC right before StartImage. The times go to memory, not to variables,
 * so that no firmware call falls between a reading and what it marks.
 */
#define KEEL_BENCH_VAR_TSC "KeelBenchTsc"

/* The boot manager under test, on the probe's own volume. */
#define KEEL_BENCH_LOADER_PATH "\\EFI\\bench\\loader.efi"

/* The floor's disk: a minimal chain-loader in the boot manager's place. */
#define KEEL_BENCH_STOP_PATH "\\EFI\\bench\\stop.efi"

/* The marker stop.efi prints; key=value pairs follow it. */
#define KEEL_BENCH_MARKER "KEEL-BENCH delta_tsc="

#endif
