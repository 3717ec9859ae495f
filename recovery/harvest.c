/* SPDX-License-Identifier: MIT */
/*
 * recovery harvest — early at boot, turns what the last boot left behind
 * (the watchdog's "last reset was me" flag, pstore panic dumps) into crash
 * records; see libpersist/harvest.h.
 */
#include <stdio.h>
#include <string.h>

#include "libpersist/harvest.h"
#include "recovery/cli.h"

static int report(const struct cli_store *cs, const struct persist_harvest_result *r)
{
	printf("store: %s\n", cs->where);
	if (r->crashed_boot_id)
		printf("previous boot: %llu (highest stage %s)\n",
		       (unsigned long long)r->crashed_boot_id, persist_stage_name(r->crashed_stage));
	else
		printf("previous boot: none known\n");
	printf("watchdog: %s\n",
	       !r->watchdog_reset	? "the last reset was not the watchdog's (or it cannot say)"
	       : r->watchdog_recorded ? "the last reset was the watchdog: crash record written"
				      : "the last reset was the watchdog: already recorded");
	if (!r->pstore_files)
		printf("pstore: no files\n");
	else
		printf("pstore: %u file(s), %zu bytes: %s; %u removed\n", r->pstore_files,
		       r->pstore_bytes,
		       r->panic_recorded ? "panic record written (compressed)" : "not recorded",
		       r->removed);
	if (r->panic_recorded && r->kept < r->pstore_bytes)
		printf("pstore: only the last %zu bytes fit in the record\n", r->kept);
	if (r->notes[0])
		printf("notes: %s\n", r->notes);
	return CLI_OK;
}

enum { OPT_PSTORE = 0x200, OPT_WATCHDOG, OPT_SYSFS, OPT_NO_PSTORE, OPT_NO_WATCHDOG, OPT_KEEP,
       OPT_BOOT_ID };

static int take_option(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx)
{
	struct persist_harvest_opts *o = ctx;

	switch (opt->code) {
	case OPT_PSTORE: o->pstore_dir = opt->arg; break;
	case OPT_WATCHDOG: o->watchdog = opt->arg; break;
	case OPT_SYSFS: o->watchdog_sysfs = opt->arg; break;
	case OPT_NO_PSTORE: o->pstore_dir = ""; break;
	case OPT_NO_WATCHDOG: o->watchdog = ""; break;
	case OPT_KEEP: o->keep_pstore = true; break;
	case OPT_BOOT_ID: return cli_take_boot_id(cmd, opt, &o->boot_id);
	}
	return 0;
}

static int cmd_harvest(const struct cli_command *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "pstore", required_argument, NULL, OPT_PSTORE },
		{ "watchdog", required_argument, NULL, OPT_WATCHDOG },
		{ "watchdog-sysfs", required_argument, NULL, OPT_SYSFS },
		{ "no-pstore", no_argument, NULL, OPT_NO_PSTORE },
		{ "no-watchdog", no_argument, NULL, OPT_NO_WATCHDOG },
		{ "keep-pstore", no_argument, NULL, OPT_KEEP },
		{ "boot-id", required_argument, NULL, OPT_BOOT_ID },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_options spec = { "", options, take_option, false };
	struct persist_harvest_opts o = { 0 };
	struct persist_harvest_result res;
	const char *store = NULL;
	struct cli_store cs;
	int r;

	if ((r = cli_parse_options(cmd, argc, argv, &spec, &store, &o)) != CLI_GO_ON)
		return r;
	if ((o.pstore_dir && !o.pstore_dir[0] && o.watchdog && !o.watchdog[0]))
		return cli_usage_error(cmd, "--no-pstore and --no-watchdog leave nothing to do");
	if (cli_store_open(&cs, store, PERSIST_OPEN_WRITE))
		return CLI_FAIL;
	if (!o.boot_id && cli_current_boot_id(cs.s, &o.boot_id))
		o.boot_id = 0;
	r = persist_harvest(cs.s, &o, &res);
	if (r)
		r = cli_store_error(&cs, "harvesting", r,
				    "pstore files were kept; run `recovery harvest` again");
	else
		r = report(&cs, &res);
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

const struct cli_command cli_harvest_commands[] = {
	{ "harvest", NULL, cmd_harvest,
	  "harvest [--pstore DIR] [--watchdog DEV] [--watchdog-sysfs DIR] [--no-pstore] "
	  "[--no-watchdog] [--keep-pstore] [--boot-id ID] [--store PATH]",
	  "Turns what the last boot left behind into crash records about it: the\n"
	  "watchdog's boot status (the last reset was the watchdog; read from sysfs, or\n"
	  "by opening the device and closing it with the magic character) and the\n"
	  "pstore files (default /sys/fs/pstore), compressed into one panic record and\n"
	  "then removed. Running it again in the same boot adds nothing." },
	{ NULL, NULL, NULL, NULL, NULL },
};
