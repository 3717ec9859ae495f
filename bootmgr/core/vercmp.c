/* SPDX-License-Identifier: MIT */
/* UAPI version comparison; see vercmp.h. */
#include "bootmgr/core/vercmp.h"
#include "bootmgr/core/str.h"

static bool is_version_char(char c)
{
	return bm_isdigit(c) || bm_isalpha(c) || c == '~' || c == '-' || c == '^' || c == '.';
}

/* Compares two flags, "has it" vs "has it not": the one without is newer. */
static int cmp_prefix(const char **a, const char **b, char c)
{
	bool ha = **a == c, hb = **b == c;

	if (ha != hb)
		return ha ? -1 : 1;
	(*a)++;
	(*b)++;
	return 0;
}

/* Compares the digit runs at a and b (one may be empty: it is older). */
static int cmp_numeric(const char *a, const char *ae, const char *b, const char *be)
{
	if ((a == ae) != (b == be))
		return a == ae ? -1 : 1;
	while (a < ae && *a == '0')
		a++;
	while (b < be && *b == '0')
		b++;
	if (ae - a != be - b)
		return ae - a < be - b ? -1 : 1;
	for (; a < ae; a++, b++)
		if (*a != *b)
			return *a < *b ? -1 : 1;
	return 0;
}

static int cmp_alpha(const char *a, const char *ae, const char *b, const char *be)
{
	for (; a < ae && b < be; a++, b++)
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
	if ((a < ae) != (b < be))
		return a < ae ? 1 : -1;
	return 0;
}

int bm_vercmp(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	for (;;) {
		const char *ae, *be;
		int r;

		while (*a && !is_version_char(*a))
			a++;
		while (*b && !is_version_char(*b))
			b++;
		/* '~' first: it sorts even before the end of the string. */
		if ((*a == '~' || *b == '~') && (r = cmp_prefix(&a, &b, '~')))
			return r;
		if (!*a || !*b)
			return *a ? 1 : *b ? -1 : 0;
		if ((*a == '-' || *b == '-') && (r = cmp_prefix(&a, &b, '-')))
			return r;
		if ((*a == '^' || *b == '^') && (r = cmp_prefix(&a, &b, '^')))
			return r;
		if ((*a == '.' || *b == '.') && (r = cmp_prefix(&a, &b, '.')))
			return r;
		if (bm_isdigit(*a) || bm_isdigit(*b)) {
			for (ae = a; bm_isdigit(*ae); ae++)
				;
			for (be = b; bm_isdigit(*be); be++)
				;
			r = cmp_numeric(a, ae, b, be);
		} else {
			for (ae = a; bm_isalpha(*ae); ae++)
				;
			for (be = b; bm_isalpha(*be); be++)
				;
			r = cmp_alpha(a, ae, b, be);
		}
		if (r)
			return r;
		a = ae;
		b = be;
	}
}
