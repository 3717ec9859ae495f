/* SPDX-License-Identifier: MIT */
/* recovery log show|export|level|clear|append — the persistent log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recovery/cli.h"

/* Options the reading commands share. */
struct log_opts {
	const char *store;
	struct persist_filter filter;
	uint64_t count;            /* -n: newest N records, 0 = all */
	bool json, follow, full;
	int format;                /* export --format */
	bool have_format;
};

enum { OPT_LEVEL = 0x200, OPT_BOOT, OPT_SOURCE, OPT_JSON, OPT_FOLLOW, OPT_FORMAT };

/* A level by name or number. Returns 0, or CLI_USAGE after saying why. */
static int parse_level(const struct cli_command *cmd, const char *text, int *level)
{
	int v = persist_level_from_name(text);

	if (v < 0)
		return cli_usage_error(cmd, "unknown level '%s' (emerg, alert, crit, err, warning, "
				       "notice, info, debug)", text);
	*level = v;
	return 0;
}

/* A source by name or number (one the filter's bit mask can hold). Returns
 * 0, or CLI_USAGE after saying why. */
static int parse_source(const struct cli_command *cmd, const char *text, int *source)
{
	int v = persist_source_from_name(text);

	if (v < 0 || v >= 32)
		return cli_usage_error(cmd, "unknown source '%s' (bootmgr, installer, recovery, "
				       "watchdog, os, kernel, ...)", text);
	*source = v;
	return 0;
}

static int parse_format(const struct cli_command *cmd, const char *arg, struct log_opts *o)
{
	static const char *const names[] = { "text", "json", "journal" };
	static const int formats[] = { PERSIST_FMT_TEXT, PERSIST_FMT_JSON, PERSIST_FMT_JOURNAL };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i]) == 0) {
			o->format = formats[i];
			o->have_format = true;
			return 0;
		}
	}
	return cli_usage_error(cmd, "unknown format '%s' (text, json or journal)", arg);
}

/* An option of log show or log export; --level, --boot and --source narrow
 * what is read. */
static int take_read_option(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx)
{
	struct log_opts *o = ctx;
	int v = 0;

	switch (opt->code) {
	case OPT_LEVEL:
		if (parse_level(cmd, opt->arg, &v))
			return CLI_USAGE;
		o->filter.use_level = true;
		o->filter.max_level = v;
		break;
	case OPT_BOOT: return cli_take_boot_id(cmd, opt, &o->filter.boot_id);
	case OPT_SOURCE:
		if (parse_source(cmd, opt->arg, &v))
			return CLI_USAGE;
		o->filter.sources |= 1u << v;
		break;
	case OPT_JSON: o->json = true; break;
	case OPT_FULL: o->full = true; break;
	case 'f':
	case OPT_FOLLOW: o->follow = true; break;
	case OPT_FORMAT: return parse_format(cmd, opt->arg, o);
	case 'n':
		if (cli_parse_u64(opt->arg, &o->count) || !o->count)
			return cli_usage_error(cmd, "-n wants a positive number, not '%s'", opt->arg);
		break;
	}
	return 0;
}

/* Parses the options of log show and log export. Returns CLI_GO_ON or an
 * exit code. */
static int parse_read_opts(const struct cli_command *cmd, int argc, char **argv,
			   struct log_opts *o)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "boot", required_argument, NULL, OPT_BOOT },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "full", no_argument, NULL, OPT_FULL },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_options spec = { "n:f", options, take_read_option, false };

	return cli_parse_options(cmd, argc, argv, &spec, &o->store, o);
}

/* ---- log show ---- */

/* Writes msg on one line: control characters become \n, \t or '?'. */
static void put_escaped(FILE *out, const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)msg[i];

		if (ch == '\n')
			fputs("\\n", out);
		else if (ch == '\t')
			fputs("\\t", out);
		else if (ch < 0x20 || ch == 0x7f)
			fputc('?', out);
		else
			fputc(ch, out);
	}
}

/* " [crash: watchdog in boot 4 at stage kernel: details; 812 bytes of data]" */
static void put_crash(FILE *out, const struct persist_record *rec)
{
	struct persist_crash c;

	if (persist_crash_decode(rec, &c)) {
		fputs(" [crash record, undecodable]", out);
		return;
	}
	fprintf(out, " [crash: %s", persist_cause_name(c.cause));
	if (c.crashed_boot_id)
		fprintf(out, " in boot %llu", (unsigned long long)c.crashed_boot_id);
	fprintf(out, " at stage %s", persist_stage_name(c.stage));
	/* bootmgr often repeats the message as details: print them once */
	if (c.details_len && (c.details_len != rec->msg_len ||
			      memcmp(c.details, rec->msg, c.details_len) != 0)) {
		fputs(": ", out);
		put_escaped(out, c.details, c.details_len);
	}
	if (c.data_len)
		fprintf(out, "; %u bytes of data%s", (unsigned)c.raw_len,
			(c.flags & PERSIST_CRASH_ZLIB) ? ", compressed" : "");
	fputc(']', out);
}

void cli_print_crash_data(FILE *out, const struct persist_record *rec, size_t max_lines)
{
	struct persist_crash c;
	uint8_t *data;
	size_t len, line = 0, shown = 0, i = 0;
	int r;

	if (rec->type != PERSIST_REC_CRASH || persist_crash_decode(rec, &c) || !c.data_len)
		return;
	if ((r = persist_crash_inflate(&c, &data, &len))) {
		fprintf(out, "    (the crash data cannot be read: %s)\n", persist_strerror(r));
		return;
	}
	while (i < len) {
		size_t end = i;

		while (end < len && data[end] != '\n')
			end++;
		if (!max_lines || line < max_lines) {
			fputs("    | ", out);
			put_escaped(out, (const char *)data + i, end - i);
			fputc('\n', out);
			shown++;
		}
		line++;
		i = end + 1;
	}
	if (shown < line)
		fprintf(out, "    | ... %zu more line%s (--full shows all)\n", line - shown,
			line - shown == 1 ? "" : "s");
	free(data);
}

void cli_print_record(FILE *out, const struct persist_record *rec)
{
	char when[32];

	cli_format_time(rec->wall, when, sizeof(when));
	fprintf(out, "%s  boot %-4llu %-7s %-9s ", when, (unsigned long long)rec->boot_id,
		persist_level_name(rec->level), persist_source_name(rec->source));
	put_escaped(out, rec->msg, rec->msg_len);
	if (rec->type == PERSIST_REC_CRASH)
		put_crash(out, rec);
	fputc('\n', out);
}

struct show_ctx {
	const struct persist_store *s;
	bool json;
	size_t data_lines;         /* crash data lines shown (0: all) */
	char *line;                /* scratch for JSON lines */
	size_t line_size;
	int err;                   /* formatting error */
	uint64_t oldest_seq;       /* oldest record delivered so far */
};

static int show_one(void *ctx, const struct persist_record *rec)
{
	struct show_ctx *sc = ctx;
	int n;

	sc->oldest_seq = rec->seq;
	if (!sc->json) {
		cli_print_record(stdout, rec);
		cli_print_crash_data(stdout, rec, sc->data_lines);
		return 0;
	}
	n = persist_record_format(rec, PERSIST_FMT_JSON, persist_store_uuid(sc->s), sc->line,
				  sc->line_size);
	if (n < 0 || (size_t)n >= sc->line_size) {
		sc->err = n < 0 ? n : PERSIST_E_RANGE;
		return 1;
	}
	fputs(sc->line, stdout);
	if (n == 0 || sc->line[n - 1] != '\n')
		fputc('\n', stdout);
	return 0;
}

/* Prints records from seq onwards, oldest first; returns the cursor to
 * resume from, or 0 after an error (reported). */
static uint64_t show_forward(struct cli_store *cs, struct show_ctx *sc, uint64_t from,
			     const struct persist_filter *f, void *buf)
{
	static struct persist_log_iter it; /* holds a block cache: keep it off the stack */
	struct persist_record rec;
	int r;

	persist_log_iter_init(&it, cs->s, from, f);
	while ((r = persist_log_next(&it, &rec, buf, PERSIST_RECORD_MAX)) == 1)
		if (show_one(sc, &rec))
			break;
	if (r < 0 || sc->err) {
		cli_store_error(cs, "reading the log", r < 0 ? r : sc->err, NULL);
		return 0;
	}
	fflush(stdout);
	return it.next_seq;
}

/* Remembers the oldest of the records persist_log_last delivers. */
static int note_oldest(void *ctx, const struct persist_record *rec)
{
	*(uint64_t *)ctx = rec->seq;
	return 0;
}

/* --follow: the newest records oldest first, then new ones as they come
 * (like tail -f, so the newest line is always the last one printed). */
static int follow(struct cli_store *cs, struct show_ctx *sc, const struct log_opts *o,
		  void *buf)
{
	uint64_t from = persist_log_next_seq(cs->s);
	int r;

	r = persist_log_last(cs->s, o->count ? o->count : 10, &o->filter, note_oldest, &from,
			     buf, PERSIST_RECORD_MAX);
	if (r < 0)
		return cli_store_error(cs, "reading the log", r, NULL);
	for (;;) {
		if (!(from = show_forward(cs, sc, from, &o->filter, buf)))
			return CLI_FAIL;
		sleep(1);
		if ((r = persist_refresh(cs->s)))
			return cli_store_error(cs, "re-reading the log", r, NULL);
	}
}

static int show(struct cli_store *cs, const struct log_opts *o)
{
	struct show_ctx sc = { .s = cs->s, .json = o->json,
			       .data_lines = o->full ? 0 : CLI_CRASH_LINES };
	void *buf = malloc(PERSIST_RECORD_MAX);
	int r = CLI_OK;

	sc.line_size = PERSIST_EXPORT_WORK;
	sc.line = malloc(sc.line_size);
	if (!buf || !sc.line) {
		r = cli_out_of_memory("nothing was changed");
	} else if (o->follow) {
		r = follow(cs, &sc, o, buf);
	} else {
		int n = persist_log_last(cs->s, o->count ? o->count : SIZE_MAX, &o->filter,
					 show_one, &sc, buf, PERSIST_RECORD_MAX);

		if (n < 0 || sc.err)
			r = cli_store_error(cs, "reading the log", n < 0 ? n : sc.err, NULL);
	}
	free(buf);
	free(sc.line);
	return r;
}

static int cmd_log_show(const struct cli_command *cmd, int argc, char **argv)
{
	struct log_opts o = { 0 };
	struct cli_store cs;
	int r = parse_read_opts(cmd, argc, argv, &o);

	if (r != CLI_GO_ON)
		return r;
	if (o.have_format)
		return cli_usage_error(cmd, "--format belongs to `log export`; use --json here");
	if (cli_store_open(&cs, o.store, 0))
		return CLI_FAIL;
	r = show(&cs, &o);
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

/* ---- log export ---- */

static int write_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : 1;
}

static int cmd_log_export(const struct cli_command *cmd, int argc, char **argv)
{
	struct log_opts o = { 0 };
	struct cli_store cs;
	void *work;
	int n, r = parse_read_opts(cmd, argc, argv, &o);

	if (r != CLI_GO_ON)
		return r;
	if (o.json || o.follow || o.count || o.full)
		return cli_usage_error(cmd, "export writes the whole log; use --format, "
				       "--level, --boot and --source");
	if (!o.have_format)
		o.format = PERSIST_FMT_TEXT;
	if (cli_store_open(&cs, o.store, 0))
		return CLI_FAIL;
	if (!(work = malloc(PERSIST_EXPORT_WORK))) {
		cli_store_close(&cs);
		return cli_out_of_memory("nothing was changed");
	}
	n = persist_log_export(cs.s, o.format, &o.filter, write_stdout, NULL, work,
			       PERSIST_EXPORT_WORK);
	free(work);
	r = CLI_OK;
	if (n < 0)
		r = cli_store_error(&cs, "exporting the log", n, NULL);
	else if (fflush(stdout) || ferror(stdout))
		r = cli_error("could not write the export to standard output; the store was not "
			      "changed. Check where the output goes (a full disk, a reader that "
			      "stopped) and export again.");
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

/* ---- log level ---- */

/* Options of the writing commands: --store, --yes, --help. yes: NULL where
 * --yes is not needed. Returns CLI_GO_ON or an exit code. */
static int parse_simple_opts(const struct cli_command *cmd, int argc, char **argv,
			     const char **store, bool *yes)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 },
	};
	/* log level takes a level; log clear nothing */
	const struct cli_options spec = { "y", options, cli_take_flag, !yes };

	return cli_parse_options(cmd, argc, argv, &spec, store, yes);
}

static int cmd_log_level(const struct cli_command *cmd, int argc, char **argv)
{
	const char *store = NULL;
	struct cli_store cs;
	int level = -1, old, r = parse_simple_opts(cmd, argc, argv, &store, NULL);

	if (r != CLI_GO_ON)
		return r;
	if (argc - optind > 1)
		return cli_usage_error(cmd, "give at most one level");
	if (argc - optind == 1 && parse_level(cmd, argv[optind], &level))
		return CLI_USAGE;
	if (cli_store_open(&cs, store, level < 0 ? 0 : PERSIST_OPEN_WRITE))
		return CLI_FAIL;
	old = persist_log_level(cs.s);
	r = CLI_OK;
	if (level < 0) {
		printf("%s\n", persist_level_name(old));
	} else if ((r = persist_log_set_level(cs.s, level))) {
		r = cli_store_error(&cs, "setting the log level", r, NULL);
	} else {
		printf("log level: %s (was %s); records above it are no longer kept\n",
		       persist_level_name(level), persist_level_name(old));
	}
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

/* ---- log clear ---- */

static int cmd_log_clear(const struct cli_command *cmd, int argc, char **argv)
{
	const char *store = NULL;
	struct cli_store cs;
	char question[1300];
	bool yes = false;
	int r = parse_simple_opts(cmd, argc, argv, &store, &yes);

	if (r != CLI_GO_ON)
		return r;
	if (cli_store_open(&cs, store, PERSIST_OPEN_WRITE))
		return CLI_FAIL;
	snprintf(question, sizeof(question),
		 "This hides every record of the log on %s from readers for good", cs.where);
	r = CLI_OK;
	if (!cli_confirm(question, yes))
		r = CLI_FAIL;
	else if ((r = persist_log_clear(cs.s)))
		r = cli_store_error(&cs, "clearing the log", r, NULL);
	else
		printf("log cleared on %s\n", cs.where);
	return cli_store_close(&cs) ? CLI_FAIL : r;
}

/* ---- log append ---- */

struct append_opts {
	const char *store;
	int level, source;
	uint64_t boot_id;          /* 0: the running attempt's, if known */
};

static int take_append_option(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx)
{
	struct append_opts *o = ctx;

	switch (opt->code) {
	case 'p':
	case OPT_LEVEL: return parse_level(cmd, opt->arg, &o->level);
	case OPT_SOURCE: return parse_source(cmd, opt->arg, &o->source);
	case OPT_BOOT: return cli_take_boot_id(cmd, opt, &o->boot_id);
	}
	return 0;
}

/* Options of log append; they end at the first word of the message. */
static int parse_append_opts(const struct cli_command *cmd, int argc, char **argv,
			     struct append_opts *o)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "boot-id", required_argument, NULL, OPT_BOOT },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_options spec = { "+p:", options, take_append_option, true };
	int r = cli_parse_options(cmd, argc, argv, &spec, &o->store, o);

	if (r == CLI_GO_ON && optind >= argc)
		return cli_usage_error(cmd, "give the message to append");
	return r;
}

/* Joins the words of the message with spaces, like logger(1). */
static char *join_words(int argc, char **argv)
{
	size_t len = 1;
	char *msg;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (!(msg = malloc(len)))
		return NULL;
	msg[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(msg, " ");
		strcat(msg, argv[i]);
	}
	return msg;
}

static int append(struct cli_store *cs, const struct append_opts *o, const char *msg)
{
	uint64_t boot_id = o->boot_id;
	int r;

	if (strlen(msg) > PERSIST_MESSAGE_MAX)
		return cli_error("the message is %zu bytes, more than the %u a record holds; "
				 "nothing was appended. Shorten it, or split it into several records.",
				 strlen(msg), PERSIST_MESSAGE_MAX);
	if (!boot_id && cli_current_boot_id(cs->s, &boot_id))
		boot_id = 0; /* no attempt known: the record belongs to no boot */
	persist_set_boot_id(cs->s, boot_id);
	if (o->level > persist_log_level(cs->s))
		cli_note("level %s is above the store's log level (%s); the record is not kept. See "
			 "`recovery log level`.",
			 persist_level_name(o->level), persist_level_name(persist_log_level(cs->s)));
	if ((r = persist_log_append(cs->s, o->level, o->source, msg, NULL, 0)) ||
	    (r = persist_log_commit(cs->s)))
		return cli_store_error(cs, "appending to the log", r,
				       "the record may not have been kept; see `recovery log show`");
	return CLI_OK;
}

static int cmd_log_append(const struct cli_command *cmd, int argc, char **argv)
{
	struct append_opts o = { .level = PERSIST_LEVEL_NOTICE, .source = PERSIST_SRC_OS };
	struct cli_store cs;
	char *msg;
	int r = parse_append_opts(cmd, argc, argv, &o);

	if (r != CLI_GO_ON)
		return r;
	if (!(msg = join_words(argc - optind, argv + optind)))
		return cli_out_of_memory("nothing was appended");
	r = CLI_FAIL;
	if (!cli_store_open(&cs, o.store, PERSIST_OPEN_WRITE)) {
		r = append(&cs, &o, msg);
		if (cli_store_close(&cs))
			r = CLI_FAIL;
	}
	free(msg);
	return r;
}

const struct cli_command cli_log_commands[] = {
	{ "log", "show", cmd_log_show,
	  "log show [-n N] [--level L] [--boot ID] [--source S] [--json] [--follow] "
	  "[--full] [--store PATH]",
	  "Shows the persistent log, newest first: time (UTC), boot id, level, source,\n"
	  "message. --level L keeps records of level L and more severe; --source can be\n"
	  "repeated; --json prints JSON lines; --follow prints the newest records oldest\n"
	  "first and then new ones as they arrive. Crash records show their cause, stage,\n"
	  "crashed boot and details, and the first lines of their data (decompressed);\n"
	  "--full shows all of it." },
	{ "log", "export", cmd_log_export,
	  "log export [--format text|json|journal] [--level L] [--boot ID] [--source S] "
	  "[--store PATH]",
	  "Writes the whole log, oldest first, to standard output: text, JSON lines or\n"
	  "the systemd journal export format (for systemd-journal-remote)." },
	{ "log", "level", cmd_log_level, "log level [LEVEL] [--store PATH]",
	  "Prints the store's log level, or sets it: records above it are not kept." },
	{ "log", "clear", cmd_log_clear, "log clear [--yes] [--store PATH]",
	  "Hides every record written so far from readers. Asks for \"yes\" on a\n"
	  "terminal; scripts pass --yes." },
	{ "log", "append", cmd_log_append,
	  "log append [--level L] [--source S] [--boot-id ID] [--store PATH] MESSAGE...",
	  "Appends one record and makes it durable, like logger(1). Defaults: level\n"
	  "notice, source os, the boot id of the running attempt." },
	{ NULL, NULL, NULL, NULL, NULL },
};
