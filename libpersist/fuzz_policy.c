/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: the watchdog policy file parser. A policy that parses must
 * format to text that parses back to the same policy.
 */
#include "libpersist/persist.h"
#include "libpersist/watchdog.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct persist_wdt_policy p, q;
	static char text[PERSIST_WDT_MAX_CHECKS * 300 + 512];
	char err[200];
	int n;

	if (persist_wdt_policy_parse((const char *)data, size, &p, err, sizeof(err)))
		return 0;
	n = persist_wdt_policy_format(&p, text, sizeof(text));
	if (n < 0 || (size_t)n >= sizeof(text))
		abort();
	if (persist_wdt_policy_parse(text, (size_t)n, &q, err, sizeof(err)) ||
	    memcmp(&p, &q, sizeof(p)) != 0)
		abort();
	return 0;
}
