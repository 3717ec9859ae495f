/* SPDX-License-Identifier: MIT */
/*
 * recovery status — what the boot manager knows: entries and their tries,
 * the last-known-good and one-shot entries, the last attempts and how each
 * ended, and the newest crash records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recovery/cli.h"

#define STATUS_CRASHES 5u /* crash records shown */

static const char *or_none(const char *id, const char *none)
{
	return id[0] ? id : none;
}

static void print_summary(const struct cli_store *cs, const struct persist_boot_state *st)
{
	char uuid[PERSIST_GUID_STRING_LEN + 1];

	printf("store:           %s (uuid %s)\n", cs->where,
	       persist_guid_to_string(persist_store_uuid(cs->s), uuid));
	printf("default entry:   %s\n", or_none(st->default_id, "(the newest entry)"));
	printf("one-shot entry:  %s\n", or_none(st->oneshot, "none"));
	printf("last-known-good: %s\n", or_none(st->lkg, "none yet"));
	printf("max tries:       %u consecutive failed attempts make an entry bad\n",
	       st->max_tries);
	printf("log level:       %s\n", persist_level_name(st->log_level));
}

/* "good", "bad", "untested": the entry's standing in one word. */
static const char *entry_state(const struct persist_entry *e)
{
	if (e->bad)
		return "bad";
	return e->good ? "good" : "untested";
}

static void print_entries(const struct persist_boot_state *st)
{
	printf("\nentries (%u):\n", st->n_entries);
	if (!st->n_entries) {
		printf("  none yet: the boot manager adds an entry when it first boots it\n");
		return;
	}
	printf("  %-24s %-8s %-10s %-8s %-9s %s\n", "ENTRY", "STATE", "TRIES LEFT", "FAILED",
	       "ATTEMPTS", "LAST STAGE");
	for (uint32_t i = 0; i < st->n_entries; i++) {
		const struct persist_entry *e = &st->entries[i];
		int left = e->bad ? 0 : st->max_tries - e->failed;
		char tries[16];

		snprintf(tries, sizeof(tries), "%d/%u", left < 0 ? 0 : left, st->max_tries);
		printf("  %-24s %-8s %-10s %-8u %-9u %s%s\n", e->id, entry_state(e), tries,
		       e->failed, e->attempts, persist_stage_name(e->last_stage),
		       strcmp(e->id, st->lkg) == 0 ? "  (last-known-good)" : "");
	}
}

static void print_history(const struct persist_boot_state *st)
{
	printf("\nlast attempts (newest first):\n");
	if (!st->n_history) {
		printf("  none yet\n");
		return;
	}
	printf("  %-6s %-24s %-19s  %-9s %s\n", "BOOT", "ENTRY", "STARTED (UTC)", "STAGE",
	       "ENDED");
	for (uint32_t i = st->n_history; i-- > 0;) {
		const struct persist_attempt *a = &st->history[i];
		char start[32];

		cli_format_time(a->start_wall, start, sizeof(start));
		printf("  %-6llu %-24s %-19s  %-9s %s\n", (unsigned long long)a->boot_id,
		       a->entry, start, persist_stage_name(a->stage),
		       persist_outcome_name(a->outcome));
	}
}

struct crash_ctx {
	int n;
	size_t lines;              /* data lines per record, 0: all */
};

static int print_crash(void *ctx, const struct persist_record *rec)
{
	struct crash_ctx *cc = ctx;

	fputs("  ", stdout);
	cli_print_record(stdout, rec);
	cli_print_crash_data(stdout, rec, cc->lines);
	cc->n++;
	return 0;
}

static int print_crashes(struct cli_store *cs, bool full)
{
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	void *buf = malloc(PERSIST_RECORD_MAX);
	struct crash_ctx cc = { 0, full ? 0 : CLI_CRASH_LINES };
	int r;

	if (!buf)
		return cli_out_of_memory("nothing was changed");
	printf("\ncrash records (newest %u):\n", STATUS_CRASHES);
	r = persist_log_last(cs->s, STATUS_CRASHES, &f, print_crash, &cc, buf,
			     PERSIST_RECORD_MAX);
	free(buf);
	if (r < 0)
		return cli_store_error(cs, "reading crash records", r, NULL);
	if (!cc.n)
		printf("  none\n");
	return CLI_OK;
}

/* Problems persist_open worked around, so nobody mistakes them for health. */
static void print_found(const struct persist_report *f)
{
	if (!(f->bad_superblocks || f->bad_state_copies || f->bad_segments || f->bad_records ||
	      f->torn_tail || f->state_reset))
		return;
	printf("\nwarning: the store has damage that was worked around; see "
	       "`recovery store check`%s\n",
	       f->state_reset ? " (no valid boot state: defaults shown)" : "");
}

static int cmd_status(const struct cli_command *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "full", no_argument, NULL, OPT_FULL },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_options spec = { "", options, cli_take_flag, false };
	const char *store = NULL;
	struct cli_store cs;
	bool full = false;
	int r;

	if ((r = cli_parse_options(cmd, argc, argv, &spec, &store, &full)) != CLI_GO_ON)
		return r;
	if (cli_store_open(&cs, store, 0))
		return CLI_FAIL;
	print_summary(&cs, persist_boot_state(cs.s));
	print_entries(persist_boot_state(cs.s));
	print_history(persist_boot_state(cs.s));
	r = print_crashes(&cs, full);
	print_found(&cs.s->found);
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

const struct cli_command cli_status_commands[] = {
	{ "status", NULL, cmd_status, "status [--full] [--store PATH]",
	  "Shows the boot state: entries with tries left and failed attempts, the\n"
	  "last-known-good, default and one-shot entries, the last attempts and how\n"
	  "each ended, and the newest crash records with the first lines of their\n"
	  "data (--full: all of it)." },
	{ NULL, NULL, NULL, NULL, NULL },
};
