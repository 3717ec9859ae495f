/* SPDX-License-Identifier: MIT */
/*
 * The benchmark runner's host-side arithmetic: reading stop.efi's marker
 * line and summarising a series of runs. Plain C, unit-tested.
 */
#ifndef KEEL_BOOTMGR_BENCH_STATS_H
#define KEEL_BOOTMGR_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* One run as stop.efi reported it. */
typedef struct bench_sample {
	uint64_t delta_tsc;  /* TSC ticks from probe to stop */
	uint64_t delta_us;   /* the same in microseconds, as the guest converted it */
	uint64_t tsc_hz;     /* the guest's calibrated TSC frequency */
	double ms;           /* delta_tsc / tsc_hz, in milliseconds */
	uint64_t load_tsc;   /* ticks the firmware took to load the boot manager */
	double load_ms;      /* the same in milliseconds */
} bench_sample;

/*
 * Parses "KEEL-BENCH delta_tsc=N delta_us=N tsc_hz=N load_tsc=N" found anywhere in
 * `line`. Returns 0 and fills *out, or -1 (out untouched) if the marker is
 * missing, a field is absent or malformed, tsc_hz is 0, or delta_us does not
 * agree with delta_tsc / tsc_hz to within 1 µs (a garbled line).
 */
int bench_parse_marker(const char *line, bench_sample *out);

/* Median (mean of the middle two for an even count), minimum and maximum. */
typedef struct bench_summary {
	size_t n;
	double median, min, max;
} bench_summary;

/* Summarises ms[0..n) without changing it. Returns 0, or -1 if n is 0 or
 * larger than BENCH_MAX_SAMPLES. */
#define BENCH_MAX_SAMPLES 1000
int bench_summarise(const double *ms, size_t n, bench_summary *out);

/* How many of ms[0..n) are at most `limit`, how many are over it and the
 * range of those (0 and 0 when none is). The host's state moves single
 * boots between two groups, and the median follows the mix. */
typedef struct bench_split {
	size_t within, over;
	double over_min, over_max;
} bench_split;
void bench_split_at(const double *ms, size_t n, double limit, bench_split *out);

#endif
