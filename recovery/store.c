/* SPDX-License-Identifier: MIT */
/* recovery store format|check|repair — the persist store itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recovery/cli.h"

struct store_opts {
	const char *store;
	uint64_t size;             /* --size: only for a file not there yet */
	bool yes, force;
};

enum { OPT_SIZE = 0x200 };

static int take_format_option(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx)
{
	struct store_opts *o = ctx;

	switch (opt->code) {
	case 'y':
	case OPT_YES: o->yes = true; break;
	case OPT_FORCE: o->force = true; break;
	case OPT_SIZE:
		if (cli_parse_size(opt->arg, &o->size) || !o->size)
			return cli_usage_error(cmd, "--size wants a size like 16M, not '%s'", opt->arg);
		break;
	}
	return 0;
}

/* check and repair know format's options only to say where they belong. */
static int refuse_format_option(const struct cli_command *cmd, const struct cli_opt *opt,
				void *ctx)
{
	(void)ctx;
	return cli_usage_error(cmd, "%s only applies to `store format`", opt->name);
}

/* Returns CLI_GO_ON or an exit code. */
static int parse_store_opts(const struct cli_command *cmd, int argc, char **argv,
			    struct store_opts *o, bool formatting)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "yes", no_argument, NULL, OPT_YES },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_options spec = {
		"y", options, formatting ? take_format_option : refuse_format_option, false
	};

	return cli_parse_options(cmd, argc, argv, &spec, &o->store, o);
}

/* ---- format ---- */

/*
 * Refuses to overwrite a store that opens (or is merely damaged) unless
 * --force: formatting loses the log and the boot state. Returns 0 to go on.
 */
static int refuse_existing(struct cli_store *cs, const struct store_opts *o,
			   struct persist_store *probe)
{
	struct persist_port port;
	int r;

	cli_store_port(cs, &port);
	r = persist_open(probe, &port, 0);
	persist_close(probe);
	if (o->force || r == PERSIST_E_NOSTORE || r == PERSIST_E_TOOSMALL)
		return 0;
	if (r == 0)
		return cli_error("%s already holds a valid Keel store; nothing was changed. Pass "
				 "--force to replace it (its log and boot state are lost).",
				 cs->where);
	return cli_error("%s holds a Keel store that does not open (%s); nothing was changed. "
			 "Try `recovery store repair --store %s`, or pass --force to replace it.",
			 cs->where, persist_strerror(r), cs->path);
}

static int format(struct cli_store *cs, const struct store_opts *o, bool created)
{
	struct persist_port port;
	persist_guid uuid;
	char question[1300], text[PERSIST_GUID_STRING_LEN + 1];
	int r;

	if (!(cs->s = calloc(1, sizeof(*cs->s))))
		return cli_out_of_memory("nothing was changed");
	if (!created && refuse_existing(cs, o, cs->s))
		return CLI_FAIL;
	snprintf(question, sizeof(question), "This erases everything on %s", cs->where);
	if (!created && !cli_confirm(question, o->yes))
		return CLI_FAIL;
	if (persist_linux_random_uuid(&uuid))
		return cli_error("no random numbers for the store UUID; nothing was changed. Try "
				 "again in a moment.");
	cli_store_port(cs, &port);
	if ((r = persist_format(cs->s, &port, &uuid, NULL)))
		return cli_store_error(cs, "formatting", r,
				       created ? "no store was created"
					       : "the old contents may be partly overwritten; "
						 "run `recovery store format` again");
	printf("formatted %s: a new Keel store, uuid %s\n", cs->where,
	       persist_guid_to_string(&uuid, text));
	return CLI_OK;
}

static int cmd_store_format(const struct cli_command *cmd, int argc, char **argv)
{
	struct store_opts o = { 0 };
	struct cli_store cs;
	struct stat st;
	bool created = false;
	int r = parse_store_opts(cmd, argc, argv, &o, true);

	if (r != CLI_GO_ON)
		return r;
	if (!o.store)
		return cli_usage_error(cmd, "say which store to format with --store PATH");
	if (stat(o.store, &st) == 0 && o.size)
		return cli_usage_error(cmd, "--size only applies when %s does not exist yet",
				       o.store);
	if (stat(o.store, &st) < 0 && errno == ENOENT) {
		if (persist_linux_create_file(o.store, o.size ? o.size : PERSIST_DEFAULT_SIZE))
			return cli_error("cannot create %s: %s; nothing was changed. Check that its "
					 "folder exists and may be written, or pass another --store PATH.",
					 o.store, strerror(errno));
		created = true;
	}
	if (cli_port_open(&cs, o.store, true)) {
		if (created)
			unlink(o.store);
		return CLI_FAIL;
	}
	r = format(&cs, &o, created);
	if (r && created)
		unlink(o.store); /* do not leave a half-made file behind */
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

/* ---- check and repair ---- */

static void print_report(const struct cli_store *cs, const struct persist_report *r)
{
	printf("store: %s\n", cs->where);
	printf("superblocks:       %u of 2 damaged\n", r->bad_superblocks);
	printf("boot-state copies: %u of 3 damaged%s\n", r->bad_state_copies,
	       r->state_reset ? " (none valid: defaults in use)" : "");
	printf("log segments:      %u damaged\n", r->bad_segments);
	printf("log records:       %u failing their checks\n", r->bad_records);
	printf("log tail:          %s\n", r->torn_tail ? "torn (a write was cut short)" : "clean");
}

/* check and repair: their options (--store only), then the store. Returns
 * CLI_GO_ON with cs open, or an exit code. */
static int open_for_check(const struct cli_command *cmd, int argc, char **argv,
			  struct cli_store *cs, unsigned flags)
{
	struct store_opts o = { 0 };
	int r = parse_store_opts(cmd, argc, argv, &o, false);

	if (r != CLI_GO_ON)
		return r;
	return cli_store_open(cs, o.store, flags) ? CLI_FAIL : CLI_GO_ON;
}

static int cmd_store_check(const struct cli_command *cmd, int argc, char **argv)
{
	struct persist_report rep = { 0 };
	struct cli_store cs;
	int r = open_for_check(cmd, argc, argv, &cs, 0);

	if (r != CLI_GO_ON)
		return r;
	r = persist_check(cs.s, &rep);
	if (r && r != PERSIST_E_CORRUPT) {
		r = cli_store_error(&cs, "checking", r, NULL);
	} else {
		print_report(&cs, &rep);
		if (r)
			r = cli_error("the store on %s is damaged; nothing was changed. Run "
				      "`recovery store repair --store %s`.",
				      cs.where, cs.path);
		else
			printf("the store is clean\n");
	}
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

static int cmd_store_repair(const struct cli_command *cmd, int argc, char **argv)
{
	struct persist_report rep = { 0 };
	struct cli_store cs;
	char note[1200];
	int r = open_for_check(cmd, argc, argv, &cs, PERSIST_OPEN_WRITE);

	if (r != CLI_GO_ON)
		return r;
	if ((r = persist_repair(cs.s, &rep))) {
		snprintf(note, sizeof(note), "some structures may already be rewritten; run "
			 "`recovery store check --store %s` to see what is left", cs.path);
		r = cli_store_error(&cs, "repairing", r, note);
	} else {
		print_report(&cs, &rep);
		printf("%u structure(s) rewritten\n", rep.repaired);
	}
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

const struct cli_command cli_store_commands[] = {
	{ "store", "format", cmd_store_format,
	  "store format --store PATH [--size SIZE] [--force] [--yes]",
	  "Writes a new, empty store. PATH may be a file (created with --size, default\n"
	  "16M, if missing), a partition, or a disk image with a persist partition.\n"
	  "Refuses to replace an existing store without --force; asks for \"yes\" on a\n"
	  "terminal (scripts pass --yes)." },
	{ "store", "check", cmd_store_check, "store check [--store PATH]",
	  "Examines every structure of the store without changing anything. Exits 1\n"
	  "if anything is damaged." },
	{ "store", "repair", cmd_store_repair, "store repair [--store PATH]",
	  "Rewrites damaged superblocks and boot-state copies from the good ones and\n"
	  "cuts off a torn log tail." },
	{ NULL, NULL, NULL, NULL, NULL },
};
