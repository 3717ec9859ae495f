/* SPDX-License-Identifier: MIT */
/*
 * recovery mark kernel|init|services|golden — the installed OS reports how
 * far its boot attempt got. golden means "healthy": the entry becomes good
 * and the last-known-good (SPEC "Boot counting").
 */
#include <stdio.h>
#include <string.h>

#include "recovery/cli.h"

/* The stages the OS may report (loader is bootmgr's own). */
static int parse_stage(const char *name)
{
	static const char *const allowed[] = { "kernel", "init", "services", "golden" };

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(name, allowed[i]) == 0)
			return persist_stage_from_name(name);
	return -1;
}

/* Says why marking boot_id failed; nothing was written in any case. */
static int mark_error(const struct cli_store *cs, uint64_t boot_id, int err)
{
	unsigned long long id = (unsigned long long)boot_id;

	if (err == PERSIST_E_NOTFOUND)
		return cli_error("boot %llu is not among the attempts on %s; nothing was changed. "
				 "See `recovery status` for the known boot ids.",
				 id, cs->where);
	if (err == PERSIST_E_STALE)
		return cli_error("boot %llu has already ended (a later boot counted it as failed); "
				 "nothing was changed. `recovery status` shows the attempts and how "
				 "each ended.",
				 id);
	return cli_store_error(cs, "marking the boot stage", err, NULL);
}

static int mark(struct cli_store *cs, uint64_t boot_id, int stage)
{
	const struct persist_attempt *a;
	int r;

	if (!boot_id && cli_current_boot_id(cs->s, &boot_id))
		return cli_error("cannot tell which boot this is: no keel.boot_id= on the kernel "
				 "command line and no running attempt on %s; nothing was changed. "
				 "Pass --boot-id ID (see `recovery status`).",
				 cs->where);
	if (stage == PERSIST_STAGE_GOLDEN)
		r = persist_boot_mark_golden(cs->s, boot_id);
	else
		r = persist_boot_mark_stage(cs->s, boot_id, stage);
	if (r)
		return mark_error(cs, boot_id, r);
	a = persist_boot_find_attempt(cs->s, boot_id);
	printf("boot %llu (entry %s) reached %s", (unsigned long long)boot_id,
	       a ? a->entry : "?", persist_stage_name(stage));
	if (stage == PERSIST_STAGE_GOLDEN)
		printf("; the entry is good and now the last-known-good");
	printf("\n");
	return CLI_OK;
}

enum { OPT_BOOT_ID = 0x200 };

static int take_boot_id(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx)
{
	return cli_take_boot_id(cmd, opt, ctx);
}

static int cmd_mark(const struct cli_command *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "boot-id", required_argument, NULL, OPT_BOOT_ID },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_options spec = { "", options, take_boot_id, true };
	const char *store = NULL;
	uint64_t boot_id = 0;
	struct cli_store cs;
	int stage, r;

	if ((r = cli_parse_options(cmd, argc, argv, &spec, &store, &boot_id)) != CLI_GO_ON)
		return r;
	if (argc - optind != 1)
		return cli_usage_error(cmd, "give exactly one stage");
	if ((stage = parse_stage(argv[optind])) < 0)
		return cli_usage_error(cmd, "unknown stage '%s' (kernel, init, services or golden)",
				       argv[optind]);
	if (cli_store_open(&cs, store, PERSIST_OPEN_WRITE))
		return CLI_FAIL;
	r = mark(&cs, boot_id, stage);
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

const struct cli_command cli_mark_commands[] = {
	{ "mark", NULL, cmd_mark, "mark kernel|init|services|golden [--boot-id ID] [--store PATH]",
	  "Records that this boot attempt reached a stage. golden declares the system\n"
	  "healthy: its entry becomes good and the last-known-good. The boot id comes\n"
	  "from keel.boot_id= on the kernel command line, else the running attempt." },
	{ NULL, NULL, NULL, NULL, NULL },
};
