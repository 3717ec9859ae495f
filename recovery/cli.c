/* SPDX-License-Identifier: MIT */
/* Shared pieces of the recovery commands; see cli.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "recovery/cli.h"

/* ---- messages ---- */

/* "recovery: KIND MESSAGE" on a line of its own on stderr. */
static void say(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "recovery: %s", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: recovery %s\n", cmd->usage);
	return CLI_USAGE;
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("note: ", fmt, ap);
	va_end(ap);
}

int cli_out_of_memory(const char *unchanged)
{
	return cli_error("out of memory; %s. Try again when more memory is free.", unchanged);
}

int cli_help(const struct cli_command *cmd)
{
	printf("usage: recovery %s\n\n%s\n", cmd->usage, cmd->summary);
	printf("Every command takes --store PATH: a store file, a partition, or a whole\n"
	       "disk or disk image holding a partition of type %s.\n",
	       PERSIST_PART_TYPE_TEXT);
	return CLI_OK;
}

int cli_bad_option(const struct cli_command *cmd)
{
	/* getopt has already said which option it did not like */
	fprintf(stderr, "usage: recovery %s\n", cmd->usage);
	return CLI_USAGE;
}

/* ---- options ---- */

/* The option getopt_long just returned, named as a person would write it. */
static void name_option(struct cli_opt *opt, const struct cli_options *spec, int c, int longindex)
{
	opt->code = c;
	opt->arg = optarg;
	if (longindex >= 0)
		snprintf(opt->name, sizeof(opt->name), "--%s", spec->longs[longindex].name);
	else
		snprintf(opt->name, sizeof(opt->name), "-%c", c);
}

int cli_parse_options(const struct cli_command *cmd, int argc, char **argv,
		      const struct cli_options *spec, const char **store, void *ctx)
{
	struct cli_opt opt;
	int c, longindex, r;

	optind = 0; /* getopt starts afresh for every command */
	for (;;) {
		longindex = -1; /* getopt_long sets it for long options only */
		c = getopt_long(argc, argv, spec->shorts, spec->longs, &longindex);
		if (c == -1)
			break;
		if (c == OPT_STORE) {
			*store = optarg;
			continue;
		}
		if (c == OPT_HELP)
			return cli_help(cmd);
		if (c == '?' || c == ':' || !spec->take)
			return cli_bad_option(cmd);
		name_option(&opt, spec, c, longindex);
		if ((r = spec->take(cmd, &opt, ctx)))
			return r;
	}
	if (!spec->operands && optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return CLI_GO_ON;
}

int cli_take_flag(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx)
{
	if (!ctx)
		return cli_usage_error(cmd, "%s does not apply to `recovery %s%s%s`", opt->name,
				       cmd->group, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
	*(bool *)ctx = true;
	return 0;
}

int cli_take_boot_id(const struct cli_command *cmd, const struct cli_opt *opt, uint64_t *boot_id)
{
	if (cli_parse_u64(opt->arg, boot_id) || !*boot_id)
		return cli_usage_error(cmd, "%s wants a boot id (a number from 1; `recovery status` "
				       "lists them), not '%s'",
				       opt->name, opt->arg);
	return 0;
}

/* ---- parsing ---- */

int cli_parse_u64(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!text || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_size(const char *text, uint64_t *out)
{
	static const char units[] = "KMG";
	char *end;
	unsigned long long v;
	const char *u;

	if (!text || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || (end[1] && strcasecmp(end + 1, "iB") != 0 && strcasecmp(end + 1, "B")))
			return -1;
		for (long i = 0; i <= u - units; i++) {
			if (v > UINT64_MAX / 1024)
				return -1;
			v *= 1024;
		}
	}
	*out = v;
	return 0;
}

void cli_format_time(uint64_t wall_us, char *buf, size_t size)
{
	time_t t = (time_t)(wall_us / 1000000u);
	struct tm tm;

	if (!wall_us || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "-");
}

int cli_boot_id_from_cmdline(const char *cmdline, uint64_t *boot_id)
{
	return persist_linux_boot_id_from_cmdline(cmdline, boot_id);
}

/* ---- confirmation ---- */

bool cli_confirm(const char *what, bool assume_yes)
{
	char line[64];

	if (assume_yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		cli_error("%s needs confirmation, but there is no terminal to ask on; nothing was "
			  "changed. Pass --yes to confirm from a script.",
			  what);
		return false;
	}
	fprintf(stderr, "%s. Type \"yes\" to go on: ", what);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) || strcmp(line, "yes\n") != 0) {
		cli_error("not confirmed; nothing was changed.");
		return false;
	}
	return true;
}

/* ---- boot id ---- */

int cli_current_boot_id(const struct persist_store *s, uint64_t *boot_id)
{
	/* $KEEL_CMDLINE lets tests stand in for /proc/cmdline; $KEEL_SYSROOT
	 * moves /proc (as for finding the store) */
	const char *env = getenv("KEEL_CMDLINE"), *root = getenv("KEEL_SYSROOT");
	char path[4096], text[4096];
	FILE *f;
	size_t n;

	if (!env && root) {
		snprintf(path, sizeof(path), "%s/proc/cmdline", root);
		if ((f = fopen(path, "re"))) {
			n = fread(text, 1, sizeof(text) - 1, f);
			fclose(f);
			text[n] = '\0';
			env = text;
		}
	}
	return persist_linux_current_boot_id(s, env, boot_id);
}
