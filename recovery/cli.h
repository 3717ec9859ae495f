/* SPDX-License-Identifier: MIT */
/*
 * What every recovery command shares: exit codes, messages for people,
 * option parsing, confirmation prompts and opening the store.
 *
 * libpersist never prints; this layer turns its PERSIST_E* codes into
 * sentences that say what went wrong, what was (not) changed and what to do.
 */
#ifndef KEEL_RECOVERY_CLI_H
#define KEEL_RECOVERY_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libpersist/persist.h"
#include "libpersist/persist_linux.h"

/* Exit codes of every command. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Long-option codes shared by all commands (outside the ASCII range so they
 * never collide with a command's short options). */
enum { OPT_STORE = 0x100, OPT_YES, OPT_FORCE, OPT_HELP, OPT_FULL };
#define CLI_COMMON_OPTIONS                                        \
	{ "store", required_argument, NULL, OPT_STORE },          \
	{ "help", no_argument, NULL, OPT_HELP }

/* A command: its words ("log", "show"), handler and usage text. The
 * handler gets argv[0] = "recovery log show" and the arguments after it. */
struct cli_command {
	const char *group;
	const char *verb;          /* NULL: the group is the whole command */
	int (*run)(const struct cli_command *cmd, int argc, char **argv);
	const char *usage;         /* "log show [-n N] ..." */
	const char *summary;       /* one line for --help */
};

extern const struct cli_command cli_log_commands[];
extern const struct cli_command cli_status_commands[];
extern const struct cli_command cli_mark_commands[];
extern const struct cli_command cli_boot_commands[];
extern const struct cli_command cli_store_commands[];
extern const struct cli_command cli_harvest_commands[];
extern const struct cli_command cli_watchdog_commands[];

/* ---- messages ---- */

/* Prints "recovery: MESSAGE" to stderr; returns CLI_FAIL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "recovery: MESSAGE" and the command's usage; returns CLI_USAGE. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "recovery: note: MESSAGE" to stderr: something the person should
 * know although the command goes on. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Says that memory ran out and what was not done ("nothing was changed");
 * returns CLI_FAIL. */
int cli_out_of_memory(const char *unchanged);
/* Prints the command's usage to stdout; returns CLI_OK. */
int cli_help(const struct cli_command *cmd);
/* Handles a getopt result that no command knows ('?' or ':'). */
int cli_bad_option(const struct cli_command *cmd);

/* ---- options ---- */

/* What cli_parse_options returns when the command goes on. */
#define CLI_GO_ON (-1)

/* One option as the person gave it. */
struct cli_opt {
	int code;                  /* getopt_long's value: a short option or an OPT_* code */
	const char *arg;           /* its argument; NULL if it takes none */
	char name[40];             /* for messages: "--size" or "-y" (never its value) */
};

/* Takes one option of a command into ctx. Returns 0, or the exit code to
 * stop with after saying why (CLI_USAGE for a bad value). */
typedef int cli_take_fn(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx);

/* How a command's options look. */
struct cli_options {
	const char *shorts;        /* getopt's short options, "" for none */
	const struct option *longs; /* CLI_COMMON_OPTIONS first, { NULL, 0, NULL, 0 } last */
	cli_take_fn *take;         /* every option but --store and --help; NULL: none */
	bool operands;             /* false: anything after the options is a usage error */
};

/*
 * Parses a command's options with getopt_long: --store PATH goes to *store,
 * --help prints the usage, an option getopt does not know ends in the usage,
 * every other one goes to spec->take with ctx. Leaves optind at the first
 * operand. Returns CLI_GO_ON, or the exit code to end the command with
 * (CLI_OK after --help).
 */
int cli_parse_options(const struct cli_command *cmd, int argc, char **argv,
		      const struct cli_options *spec, const char **store, void *ctx);
/* A flag: sets the bool at ctx. A NULL ctx means the command shares its
 * option table but not this flag: a usage error then. */
int cli_take_flag(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx);
/* The boot id of --boot-id or --boot: a number from 1. Returns 0, or
 * CLI_USAGE after saying why. */
int cli_take_boot_id(const struct cli_command *cmd, const struct cli_opt *opt, uint64_t *boot_id);

/* ---- parsing ---- */

/* Decimal unsigned number without sign or junk. Returns 0 or -1. */
int cli_parse_u64(const char *text, uint64_t *out);
/* Size with an optional K/M/G suffix (powers of 1024). Returns 0 or -1. */
int cli_parse_size(const char *text, uint64_t *out);
/* Writes wall-clock µs as "2026-11-21 09:01:12" (UTC), or "-" if unknown. */
void cli_format_time(uint64_t wall_us, char *buf, size_t size);
/* Finds "keel.boot_id=N" in a kernel command line. Returns 0 or -1. */
int cli_boot_id_from_cmdline(const char *cmdline, uint64_t *boot_id);

/* Prints a record on one line for people: time (UTC), boot id, level,
 * source, message, and for crash records the crash details (log.c). */
void cli_print_record(FILE *out, const struct persist_record *rec);
/* Lines of crash data shown unless --full asks for all. */
#define CLI_CRASH_LINES 5u
/* For a crash record with data: prints the (decompressed) data indented
 * below the record, at most max_lines lines (0: all), then how many more
 * there are. Nothing for other records (log.c). */
void cli_print_crash_data(FILE *out, const struct persist_record *rec, size_t max_lines);

/* ---- confirmation ---- */

/*
 * Asks the person at the terminal to type "yes" before a destructive act.
 * With assume_yes it returns true at once. Without a terminal on stdin it
 * prints why it refuses (scripts must pass --yes) and returns false.
 */
bool cli_confirm(const char *what, bool assume_yes);

/* ---- the store ---- */

/* An open store and where it was found. */
struct cli_store {
	struct persist_store *s;   /* allocated: the struct is large */
	struct persist_linux *port; /* libpersist's Linux port behind it */
	struct persist_port pport;
	char where[1100];          /* "build/x.img (partition 3)" for messages */
	const char *path;          /* what --store named (or the device found) */
};

/*
 * Opens the store at path (NULL: find the persist partition of this
 * machine under $KEEL_SYSROOT (tests, chroots) or the real /proc, /sys and
 * /dev: see persist_linux_discover). flags: PERSIST_OPEN_WRITE or 0. On failure prints what went
 * wrong and what to do, and returns CLI_FAIL; nothing is changed then.
 */
int cli_store_open(struct cli_store *cs, const char *path, unsigned flags);
/* Only the first half of cli_store_open: finds the store's byte range and
 * fills cs->port, without reading the store (store format needs this). */
int cli_port_open(struct cli_store *cs, const char *path, bool writable);
/* The persist_port of a store opened by cli_port_open. */
void cli_store_port(const struct cli_store *cs, struct persist_port *port);
/* The path of the store: path itself, or (NULL) the one discovery finds.
 * quiet: do not print why none was found. Returns NULL if none. */
const char *cli_store_path(const char *path, bool quiet);
/* Commits and closes; prints and returns CLI_FAIL if the commit failed. */
int cli_store_close(struct cli_store *cs);
/* Prints a failed libpersist call on an open store: "recovery: WHAT on
 * WHERE failed: REASON; NOTE". NULL note: nothing was changed, and
 * `recovery store check` tells whether the store is damaged. Returns CLI_FAIL. */
int cli_store_error(const struct cli_store *cs, const char *what, int err, const char *note);

/*
 * The boot id of the running attempt: keel.boot_id= on /proc/cmdline (or
 * in $KEEL_CMDLINE, which stands in for it in tests), else the newest
 * attempt in the store that has not ended. Returns 0 and
 * sets *boot_id, or -1 if there is none.
 */
int cli_current_boot_id(const struct persist_store *s, uint64_t *boot_id);

#endif
