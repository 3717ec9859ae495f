/* SPDX-License-Identifier: MIT */
/*
 * recovery — inspect and repair a Keel machine: persistent log, boot state,
 * snapshots. Exit codes: 0 success, 1 failure (the message says what and
 * what to do), 2 bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "installer/libs.h"

static const char usage_text[] =
	"usage: recovery [--help] [--version] COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  version        print the versions of Keel and its libraries\n";

static int print_version(void)
{
	char versions[256];

	keel_library_versions(versions, sizeof(versions));
	printf("recovery (Keel) %s\n%s\n", KEEL_VERSION, versions);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': return print_version();
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[optind], "version") == 0)
		return print_version();
	fprintf(stderr, "recovery: unknown command '%s'; see recovery --help\n", argv[optind]);
	return 2;
}
