/* SPDX-License-Identifier: MIT */
/* The time-stamp counter, read directly: the benchmark's only clock. */
#ifndef KEEL_BOOTMGR_BENCH_TSC_H
#define KEEL_BOOTMGR_BENCH_TSC_H

#include <stdint.h>

/* lfence keeps earlier instructions from drifting past the read. */
static inline uint64_t bench_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

#endif
