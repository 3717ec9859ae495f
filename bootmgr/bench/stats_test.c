/* SPDX-License-Identifier: MIT */
#include "bootmgr/bench/stats.h"

#include "tests/unit.h"

static int near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

TEST(marker_parses_and_converts_from_ticks)
{
	bench_sample s;

	/* 2.5 GHz: 250,000,000 ticks are 100 ms. */
	REQUIRE(bench_parse_marker("KEEL-BENCH delta_tsc=250000000 delta_us=100000 "
				   "tsc_hz=2500000000 load_tsc=12500000", &s) == 0);
	CHECK(s.delta_tsc == 250000000u);
	CHECK(s.delta_us == 100000u);
	CHECK(s.tsc_hz == 2500000000u);
	CHECK(near(s.ms, 100.0));
	CHECK(s.load_tsc == 12500000u);
	CHECK(near(s.load_ms, 5.0));
	/* Console noise before the marker and a trailing CR are fine. */
	REQUIRE(bench_parse_marker("\x1b[0mKEEL-BENCH delta_tsc=3000 delta_us=1 tsc_hz=3000000000 "
				   "load_tsc=0\r", &s) == 0);
	CHECK(near(s.ms, 0.001));
}

TEST(marker_rejects_missing_malformed_and_inconsistent_fields)
{
	bench_sample s = { .delta_tsc = 7 };

	CHECK(bench_parse_marker("KEEL-BOOTMGR version=0.1.0", &s) == -1);
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=100 tsc_hz=1000000 load_tsc=1", &s) == -1);
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=100 delta_us=100 tsc_hz=1000000", &s) == -1);
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=100 delta_us=100 tsc_hz=0 load_tsc=1", &s) ==
	      -1);
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=1x0 delta_us=100 tsc_hz=1000000 load_tsc=1",
				 &s) == -1);
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=100 delta_us=-1 tsc_hz=1000000 load_tsc=1",
				 &s) == -1);
	/* "xdelta_us" is not "delta_us". */
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=100 xdelta_us=100 tsc_hz=1000000 load_tsc=1",
				 &s) == -1);
	/* 100 ticks at 1 MHz are 100 µs, not 250: a garbled line. */
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=100 delta_us=250 tsc_hz=1000000 load_tsc=1",
				 &s) == -1);
	CHECK(s.delta_tsc == 7u); /* untouched on failure */
	/* The same line, well formed, parses. */
	CHECK(bench_parse_marker("KEEL-BENCH delta_tsc=100 delta_us=100 tsc_hz=1000000 load_tsc=1",
				 &s) == 0);
}

TEST(summary_of_odd_and_even_counts)
{
	const double odd[] = { 30, 10, 20, 50, 40 };
	const double even[] = { 4, 1, 3, 2 };
	bench_summary sum;

	REQUIRE(bench_summarise(odd, 5, &sum) == 0);
	CHECK(sum.n == 5);
	CHECK(near(sum.median, 30) && near(sum.min, 10) && near(sum.max, 50));
	CHECK(near(odd[0], 30)); /* input order kept */
	REQUIRE(bench_summarise(even, 4, &sum) == 0);
	CHECK(near(sum.median, 2.5) && near(sum.min, 1) && near(sum.max, 4));
	CHECK(bench_summarise(odd, 0, &sum) == -1);
}

TEST(split_at_a_limit_counts_both_sides)
{
	const double ms[] = { 16.9, 23.2, 20.0, 14.1, 25.4, 21.8 };
	bench_split sp;

	bench_split_at(ms, 6, 20.0, &sp);
	CHECK(sp.within == 3 && sp.over == 3); /* 20.0 itself is within */
	CHECK(near(sp.over_min, 21.8) && near(sp.over_max, 25.4));
	bench_split_at(ms, 6, 30.0, &sp);
	CHECK(sp.within == 6 && sp.over == 0);
	CHECK(near(sp.over_min, 0) && near(sp.over_max, 0));
	bench_split_at(ms, 6, 10.0, &sp);
	CHECK(sp.within == 0 && sp.over == 6);
	CHECK(near(sp.over_min, 14.1) && near(sp.over_max, 25.4));
	bench_split_at(ms, 0, 20.0, &sp);
	CHECK(sp.within == 0 && sp.over == 0);
}
