/* SPDX-License-Identifier: MIT */
/*
 * recovery boot list|default|oneshot|reset|tries — the boot manager's
 * choices, kept in the persist partition's boot state, which bootmgr reads
 * at the next boot. A bad entry stays bad for automatic choices whatever is
 * set here (SPEC "Boot counting"); `reset` forgets its failures.
 */
#include <stdio.h>
#include <string.h>

#include "recovery/cli.h"

enum { OPT_CLEAR = 0x300 };

/* Parses the common options (and --clear where `clear` is given); leaves
 * optind at the first operand. Returns CLI_GO_ON or an exit code. */
static int parse(const struct cli_command *cmd, int argc, char **argv, const char **store,
		 bool *clear, bool operands)
{
	static const struct option options[] = { CLI_COMMON_OPTIONS,
						  { "clear", no_argument, NULL, OPT_CLEAR },
						  { NULL, 0, NULL, 0 } };
	const struct cli_options spec = { "", options, cli_take_flag, operands };

	*store = NULL;
	return cli_parse_options(cmd, argc, argv, &spec, store, clear);
}

static int cmd_list(const struct cli_command *cmd, int argc, char **argv)
{
	const struct persist_boot_state *st;
	const char *store;
	struct cli_store cs;
	int r = parse(cmd, argc, argv, &store, NULL, false);

	if (r != CLI_GO_ON)
		return r;
	if (cli_store_open(&cs, store, 0))
		return CLI_FAIL;
	st = persist_boot_state(cs.s);
	printf("default: %s\none-shot: %s\nlast-known-good: %s\ntries: %u\n",
	       st->default_id[0] ? st->default_id : "(the newest entry)",
	       st->oneshot[0] ? st->oneshot : "(none)", st->lkg[0] ? st->lkg : "(none yet)",
	       st->max_tries);
	for (uint32_t i = 0; i < st->n_entries; i++) {
		const struct persist_entry *e = &st->entries[i];
		printf("  %-32s %s, %u failed in a row, %u attempts, last stage %s%s\n", e->id,
		       e->bad ? "BAD" : e->good ? "good" : "untested", e->failed, e->attempts,
		       persist_stage_name(e->last_stage),
		       strcmp(e->id, st->lkg) == 0 ? ", last-known-good" : "");
	}
	if (!st->n_entries)
		printf("  (no entry has been booted yet)\n");
	return cli_store_close(&cs) ? CLI_FAIL : CLI_OK;
}

/* Closes the store after a change: says why the change failed (err), or
 * why saving it did. Returns CLI_OK once the change is saved. */
static int save_change(struct cli_store *cs, int err, const char *doing)
{
	if (err)
		cli_store_error(cs, doing, err, NULL);
	return cli_store_close(cs) || err ? CLI_FAIL : CLI_OK;
}

/* Explains an entry id that set_one's libpersist call refused, or returns
 * err itself when there is nothing particular to say. */
static int entry_error(const char *id, int err)
{
	if (err == PERSIST_E_NOTFOUND)
		return cli_error("entry '%s' has never been booted, so it has no state to reset; "
				 "nothing was changed. `recovery boot list` shows the entries.",
				 id);
	if (err == PERSIST_E_INVAL)
		return cli_error("'%s' is not an entry id (up to %u printable characters without "
				 "spaces, quotes or backslashes); nothing was changed. `recovery "
				 "boot list` shows the entries.",
				 id, PERSIST_ID_MAX - 1);
	return err;
}

/* default / oneshot / reset: one entry id (default and oneshot accept ""
 * through --clear). doing: for messages; done_text: printed before the id. */
static int set_one(const struct cli_command *cmd, int argc, char **argv,
		   int (*set)(struct persist_store *, const char *), const char *doing,
		   const char *done_text)
{
	const char *store, *id = "";
	struct cli_store cs;
	bool clear = false;
	int r = parse(cmd, argc, argv, &store, set == persist_boot_reset_entry ? NULL : &clear,
		      true);

	if (r != CLI_GO_ON)
		return r;
	if (argc - optind != (clear ? 0 : 1))
		return cli_usage_error(cmd, clear ? "--clear takes no entry id"
						  : "give exactly one entry id (see `recovery boot list`)");
	if (!clear)
		id = argv[optind];
	if (cli_store_open(&cs, store, PERSIST_OPEN_WRITE))
		return CLI_FAIL;
	if ((r = entry_error(id, set(cs.s, id))) == CLI_FAIL) {
		cli_store_close(&cs);
		return CLI_FAIL;
	}
	if (save_change(&cs, r, doing))
		return CLI_FAIL;
	printf("%s: %s\n", done_text, id[0] ? id : "(cleared)");
	return CLI_OK;
}

static int cmd_default(const struct cli_command *cmd, int argc, char **argv)
{
	return set_one(cmd, argc, argv, persist_boot_set_default, "setting the default entry",
		       "default entry");
}

static int cmd_oneshot(const struct cli_command *cmd, int argc, char **argv)
{
	return set_one(cmd, argc, argv, persist_boot_set_oneshot, "setting the one-shot entry",
		       "next boot only");
}

static int cmd_reset(const struct cli_command *cmd, int argc, char **argv)
{
	return set_one(cmd, argc, argv, persist_boot_reset_entry, "resetting the entry",
		       "failures forgotten for");
}

static int cmd_tries(const struct cli_command *cmd, int argc, char **argv)
{
	const char *store;
	struct cli_store cs;
	uint64_t n = 0;
	int r = parse(cmd, argc, argv, &store, NULL, true);

	if (r != CLI_GO_ON)
		return r;
	if (argc - optind != 1 || cli_parse_u64(argv[optind], &n) || n < 1 || n > 255)
		return cli_usage_error(cmd, "give the number of failed attempts (1 to 255) that "
				       "make an entry bad");
	if (cli_store_open(&cs, store, PERSIST_OPEN_WRITE))
		return CLI_FAIL;
	if (save_change(&cs, persist_boot_set_max_tries(cs.s, (int)n), "setting the tries"))
		return CLI_FAIL;
	printf("an entry is bad after %llu failed attempts in a row\n", (unsigned long long)n);
	return CLI_OK;
}

const struct cli_command cli_boot_commands[] = {
	{ "boot", "list", cmd_list, "boot list [--store PATH]",
	  "Lists the entries bootmgr has booted, with their state (good, bad, failed\n"
	  "attempts in a row), the default, the one-shot and the last-known-good." },
	{ "boot", "default", cmd_default, "boot default ID|--clear [--store PATH]",
	  "Makes ID the default entry (--clear: the newest entry). A bad default is\n"
	  "still skipped: bootmgr falls back to the last-known-good." },
	{ "boot", "oneshot", cmd_oneshot, "boot oneshot ID|--clear [--store PATH]",
	  "Boots ID once, at the next boot (unless it is bad). Use it to open the\n"
	  "recovery environment next time, or to try a new entry once." },
	{ "boot", "reset", cmd_reset, "boot reset ID [--store PATH]",
	  "Forgets the failed attempts and the bad mark of entry ID." },
	{ "boot", "tries", cmd_tries, "boot tries N [--store PATH]",
	  "Sets how many failed attempts in a row make an entry bad (default 3;\n"
	  "loader.conf's `tries` overrides it at the next boot)." },
	{ NULL, NULL, NULL, NULL, NULL },
};
