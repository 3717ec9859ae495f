/* SPDX-License-Identifier: MIT */
#include "bootmgr/bench/stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootmgr/bench/bench.h"

/* Reads the decimal N of "key=N" in `s`, where key starts `s` or follows a space. */
static int field(const char *s, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	const char *p = s;
	char *end;
	unsigned long long v;

	for (;;) {
		p = strstr(p, key);
		if (!p)
			return -1;
		if ((p == s || p[-1] == ' ') && p[klen] == '=')
			break;
		p += klen;
	}
	p += klen + 1;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno || (*end && *end != ' ' && *end != '\r' && *end != '\n'))
		return -1;
	*out = v;
	return 0;
}

int bench_parse_marker(const char *line, bench_sample *out)
{
	const char *m = strstr(line, KEEL_BENCH_MARKER);
	bench_sample s;
	double us;

	if (!m)
		return -1;
	m += strlen("KEEL-BENCH ");
	if (field(m, "delta_tsc", &s.delta_tsc) || field(m, "delta_us", &s.delta_us) ||
	    field(m, "tsc_hz", &s.tsc_hz) || field(m, "load_tsc", &s.load_tsc) || s.tsc_hz == 0)
		return -1;
	us = (double)s.delta_tsc * 1e6 / (double)s.tsc_hz;
	if (us - (double)s.delta_us > 1.0 || (double)s.delta_us - us > 1.0)
		return -1;
	s.ms = us / 1000.0;
	s.load_ms = (double)s.load_tsc * 1e3 / (double)s.tsc_hz;
	*out = s;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int bench_summarise(const double *ms, size_t n, bench_summary *out)
{
	double sorted[BENCH_MAX_SAMPLES];

	if (n == 0 || n > BENCH_MAX_SAMPLES)
		return -1;
	memcpy(sorted, ms, n * sizeof(*ms));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	out->n = n;
	out->min = sorted[0];
	out->max = sorted[n - 1];
	out->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	return 0;
}

void bench_split_at(const double *ms, size_t n, double limit, bench_split *out)
{
	*out = (bench_split){ 0 };
	for (size_t i = 0; i < n; i++) {
		if (ms[i] <= limit) {
			out->within++;
			continue;
		}
		if (!out->over || ms[i] < out->over_min)
			out->over_min = ms[i];
		if (!out->over || ms[i] > out->over_max)
			out->over_max = ms[i];
		out->over++;
	}
}
