/* SPDX-License-Identifier: MIT */
/*
 * recovery — inspect and repair a Keel machine: persistent log, boot state,
 * the persist store. Exit codes: 0 success, 1 failure (the message says
 * what and what to do), 2 bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <blkid/blkid.h>
#include <zlib.h>

#include "recovery/cli.h"

static const char usage_text[] =
	"usage: recovery [--help] [--version] COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  status                  entries, tries, last-known-good, last attempts, crashes\n"
	"  log show                the persistent log, newest first (--json, --follow)\n"
	"  log export              the whole log as text, JSON lines or journal export\n"
	"  log level [LEVEL]       print or set the level above which records are dropped\n"
	"  log clear               hide every record written so far (asks first)\n"
	"  log append MESSAGE      append a record, like logger(1)\n"
	"  mark STAGE              report kernel, init, services or golden for this boot\n"
	"  boot list               the entries bootmgr knows, their state, the default\n"
	"  boot default|oneshot ID choose the default, or the entry of the next boot only\n"
	"  boot reset ID           forget an entry's failed attempts and bad mark\n"
	"  boot tries N            failed attempts in a row that make an entry bad\n"
	"  store format            write a new, empty store (asks first)\n"
	"  store check             examine the store without changing it\n"
	"  store repair            rewrite damaged structures from the good copies\n"
	"  harvest                 turn what the last boot left (watchdog reset, pstore)\n"
	"                          into crash records (run early at boot)\n"
	"  watchdog status         the watchdog device, its policy and last records\n"
	"  watchdog arm|disarm|kick  drive the watchdog device by hand\n"
	"  watchdog policy         show or edit the health policy file\n"
	"  watchdog run            the watchdog daemon: kicks while the checks pass\n"
	"  version                 print the versions of Keel and its libraries\n"
	"\n"
	"Every command takes --store PATH: a store file, a partition, or a whole disk\n"
	"or disk image holding a persist partition. Without it, recovery looks for the\n"
	"persist partition on this machine's disks. `recovery COMMAND --help` says more.\n";

static const struct cli_command *const command_tables[] = {
	cli_status_commands, cli_log_commands,	    cli_mark_commands,
	cli_store_commands,  cli_harvest_commands, cli_watchdog_commands,
	cli_boot_commands,
};

static int print_version(void)
{
	const char *blkid_ver = "?", *date;

	/* recovery links libpersist, libblkid and zlib only (it is built
	 * static for initramfs images too) */
	blkid_get_library_version(&blkid_ver, &date);
	printf("recovery (Keel) %s\nlibblkid %s, zlib %s\n", KEEL_VERSION, blkid_ver,
	       zlibVersion());
	return 0;
}

/* Finds the command named by words[0] (and words[1] for grouped ones). */
static const struct cli_command *find_command(int nwords, char **words, bool *group_known)
{
	*group_known = false;
	for (size_t t = 0; t < sizeof(command_tables) / sizeof(command_tables[0]); t++) {
		for (const struct cli_command *c = command_tables[t]; c->group; c++) {
			if (strcmp(c->group, words[0]) != 0)
				continue;
			*group_known = true;
			if (!c->verb || (nwords > 1 && strcmp(c->verb, words[1]) == 0))
				return c;
		}
	}
	return NULL;
}

/* Lists the verbs of a group after a missing or unknown one. */
static int group_usage(const char *group)
{
	fprintf(stderr, "usage:\n");
	for (size_t t = 0; t < sizeof(command_tables) / sizeof(command_tables[0]); t++)
		for (const struct cli_command *c = command_tables[t]; c->group; c++)
			if (strcmp(c->group, group) == 0)
				fprintf(stderr, "  recovery %s\n", c->usage);
	return CLI_USAGE;
}

/* Runs a command with argv[0] = "recovery GROUP VERB" so getopt's own
 * messages name the command. */
static int run_command(const struct cli_command *cmd, int argc, char **argv)
{
	char name[64];
	int skip = cmd->verb ? 2 : 1;

	snprintf(name, sizeof(name), "recovery %s%s%s", cmd->group, cmd->verb ? " " : "",
		 cmd->verb ? cmd->verb : "");
	argv[skip - 1] = name;
	return cmd->run(cmd, argc - (skip - 1), argv + (skip - 1));
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *cmd;
	bool group_known;
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
	cmd = find_command(argc - optind, argv + optind, &group_known);
	if (cmd)
		return run_command(cmd, argc - optind, argv + optind);
	if (group_known) {
		if (argc - optind > 1)
			fprintf(stderr, "recovery: unknown command '%s %s'\n", argv[optind],
				argv[optind + 1]);
		return group_usage(argv[optind]);
	}
	fprintf(stderr, "recovery: unknown command '%s'; see recovery --help\n", argv[optind]);
	return 2;
}
