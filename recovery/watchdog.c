/* SPDX-License-Identifier: MIT */
/*
 * recovery watchdog status|arm|disarm|kick|policy|run — the watchdog device,
 * its health policy file and the daemon; see docs/watchdog.md.
 */
#include <errno.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpersist/crashhandler.h"
#include "libpersist/watchdog.h"
#include "recovery/cli.h"

struct wd_opts {
	const char *store, *device, *policy;
	int timeout, pretimeout;   /* -1: not given */
};

enum { OPT_DEVICE = 0x200, OPT_POLICY, OPT_TIMEOUT, OPT_PRETIMEOUT };

/* What parse_wd_opts fills, and which of the watchdog options this
 * command takes ("dptP": device, policy, timeout, pretimeout). */
struct wd_parse {
	struct wd_opts *o;
	const char *allowed;
};

static int take_wd_option(const struct cli_command *cmd, const struct cli_opt *opt, void *ctx)
{
	const struct wd_parse *wp = ctx;
	struct wd_opts *o = wp->o;
	const char *key = opt->code == OPT_DEVICE ? "d" : opt->code == OPT_POLICY ? "p"
			  : opt->code == OPT_TIMEOUT ? "t" : "P";
	uint64_t v;

	if (!strchr(wp->allowed, key[0]))
		return cli_usage_error(cmd, "%s does not apply to `recovery watchdog %s`",
				       opt->name, cmd->verb);
	switch (opt->code) {
	case OPT_DEVICE: o->device = opt->arg; break;
	case OPT_POLICY: o->policy = opt->arg; break;
	case OPT_TIMEOUT:
	case OPT_PRETIMEOUT:
		if (cli_parse_u64(opt->arg, &v) || v > PERSIST_WDT_TIMEOUT_MAX ||
		    (opt->code == OPT_TIMEOUT && !v))
			return cli_usage_error(cmd, "%s wants seconds (up to %u), not '%s'", opt->name,
					       PERSIST_WDT_TIMEOUT_MAX, opt->arg);
		*(opt->code == OPT_TIMEOUT ? &o->timeout : &o->pretimeout) = (int)v;
		break;
	}
	return 0;
}

/* Options shared by the watchdog commands; `allowed` lists the ones this
 * command takes (see struct wd_parse); only `policy` takes operands. Leaves
 * optind at the first operand. Returns CLI_GO_ON or an exit code. */
static int parse_wd_opts(const struct cli_command *cmd, int argc, char **argv, const char *allowed,
			 struct wd_opts *o)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "pretimeout", required_argument, NULL, OPT_PRETIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_options spec = { "", options, take_wd_option,
					  strcmp(cmd->verb, "policy") == 0 };
	struct wd_parse wp = { o, allowed };

	o->timeout = o->pretimeout = -1;
	return cli_parse_options(cmd, argc, argv, &spec, &o->store, &wp);
}

static const char *policy_path(const struct wd_opts *o)
{
	return o->policy ? o->policy : PERSIST_WDT_POLICY;
}

/* Loads the policy file (missing: defaults). Prints why on failure. */
static int load_policy(const struct wd_opts *o, struct persist_wdt_policy *p)
{
	char err[400];
	int r = persist_wdt_policy_load(policy_path(o), true, p, err, sizeof(err));

	if (r)
		return cli_error("the watchdog policy %s is not usable: %s; nothing was changed. "
				 "Fix the file (see `recovery watchdog policy --help`).",
				 policy_path(o), err);
	return CLI_OK;
}

static const char *device_of(const struct wd_opts *o, const struct persist_wdt_policy *p)
{
	return o->device ? o->device : p->device;
}

/* Says why a device could not be opened or driven. */
static int device_error(const char *dev, const char *what, int err)
{
	if (err == -ENOENT)
		return cli_error("%s does not exist: no watchdog driver is loaded (try `modprobe "
				 "softdog` or the driver of the board's watchdog); nothing was "
				 "changed.",
				 dev);
	if (err == -EBUSY)
		return cli_error("%s is in use (a watchdog daemon holds it, e.g. `recovery "
				 "watchdog run`); nothing was changed. Stop the daemon first.",
				 dev);
	if (err == -ENOTTY)
		return cli_error("%s is not a watchdog device (%s); %s. Name the watchdog with "
				 "--device DEV or `recovery watchdog policy set device DEV`.",
				 dev, strerror(-err), what);
	if (err == -EACCES || err == -EPERM)
		return cli_error("%s: %s; %s. Run as root.", dev, strerror(-err), what);
	return cli_error("%s: %s; %s. `recovery watchdog status` shows the device.", dev,
			 strerror(-err), what);
}

/* Opens the device and makes sure it is a watchdog (closed again if not,
 * without the magic character). */
static int open_device(const char *dev, struct persist_wdt *w, struct persist_wdt_status *st)
{
	int r = persist_wdt_open(w, dev, NULL);

	if (r)
		return device_error(dev, "nothing was changed", r);
	if ((r = persist_wdt_get_status(w, st))) {
		persist_wdt_leave_armed(w);
		return device_error(dev, "it was opened and closed again", r);
	}
	return CLI_OK;
}

/* Best-effort record of what was done by hand (source watchdog). */
static void log_action(const struct wd_opts *o, const char *msg)
{
	const char *store = cli_store_path(o->store, true);
	uint64_t boot_id = 0;
	int r;

	if (!store)
		return;
	/* keel.boot_id= if the kernel command line has it, else no boot */
	if (persist_linux_current_boot_id(NULL, getenv("KEEL_CMDLINE"), &boot_id))
		boot_id = 0;
	if ((r = persist_wdt_log(store, boot_id, PERSIST_LEVEL_NOTICE, msg)))
		cli_note("could not log this to the store on %s: %s", store, persist_strerror(r));
}

static void print_status(const char *dev, const struct persist_wdt_status *st, const char *how)
{
	char flags[300];

	printf("device:      %s (%s)\n", dev, how);
	printf("identity:    %s\n", st->identity[0] ? st->identity : "?");
	printf("state:       %s\n", st->active < 0 ? "unknown" : st->active ? "active" : "inactive");
	if (st->timeout >= 0)
		printf("timeout:     %d s\n", st->timeout);
	if (st->pretimeout >= 0)
		printf("pretimeout:  %d s\n", st->pretimeout);
	if (st->timeleft >= 0)
		printf("time left:   %d s\n", st->timeleft);
	if (st->have_bootstatus)
		printf("boot status: %s\n", persist_wdt_flags_text(st->bootstatus, flags, sizeof(flags)));
}

static int print_records(void *ctx, const struct persist_record *rec)
{
	(void)ctx;
	fputs("  ", stdout);
	cli_print_record(stdout, rec);
	return 0;
}

/* The newest watchdog records, if a store is there. */
static void print_last_records(const struct wd_opts *o)
{
	struct persist_filter f = { .sources = 1u << PERSIST_SRC_WATCHDOG };
	const char *path = cli_store_path(o->store, true);
	struct persist_store *s;
	void *buf;

	if (!path || persist_linux_open(path, 0, &s)) {
		printf("\nwatchdog records: no store found\n");
		return;
	}
	printf("\nwatchdog records (newest 5):\n");
	if ((buf = malloc(PERSIST_RECORD_MAX))) {
		if (persist_log_last(s, 5, &f, print_records, NULL, buf, PERSIST_RECORD_MAX) == 0)
			printf("  none\n");
		free(buf);
	}
	persist_linux_close(s);
}

static int cmd_status(const struct cli_command *cmd, int argc, char **argv)
{
	struct persist_wdt_policy p;
	struct persist_wdt_status st;
	struct persist_wdt w;
	struct wd_opts o = { 0 };
	char dir[300], text[PERSIST_WDT_MAX_CHECKS * 300 + 512];
	int r = parse_wd_opts(cmd, argc, argv, "dp", &o);
	const char *dev;

	if (r != CLI_GO_ON)
		return r;
	if (load_policy(&o, &p))
		return CLI_FAIL;
	dev = device_of(&o, &p);
	r = CLI_OK;
	/* sysfs first: opening the device would arm it */
	if (!persist_wdt_sysfs_dir(dev, dir, sizeof(dir)) && !persist_wdt_sysfs_status(dir, &st)) {
		print_status(dev, &st, dir);
	} else if ((r = open_device(dev, &w, &st)) == CLI_OK) {
		persist_wdt_close(&w);
		print_status(dev, &st, "asked the device, then closed it with the magic character");
	}
	printf("\npolicy (%s):\n", policy_path(&o));
	persist_wdt_policy_format(&p, text, sizeof(text));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			printf("  %s\n", line);
	print_last_records(&o);
	return r;
}

static int cmd_arm(const struct cli_command *cmd, int argc, char **argv)
{
	struct persist_wdt_policy p;
	struct persist_wdt_status st;
	struct persist_wdt w;
	struct wd_opts o = { 0 };
	char msg[400];
	int actual = -1, pre = 0, r = parse_wd_opts(cmd, argc, argv, "dptP", &o);

	if (r != CLI_GO_ON)
		return r;
	if (load_policy(&o, &p) || open_device(device_of(&o, &p), &w, &st))
		return CLI_FAIL;
	if (o.timeout < 0)
		o.timeout = (int)p.timeout;
	if (o.pretimeout < 0)
		o.pretimeout = (int)p.pretimeout;
	if (o.pretimeout && o.pretimeout >= o.timeout) {
		persist_wdt_close(&w);
		return cli_usage_error(cmd, "--pretimeout must be below the timeout (%d s)",
				       o.timeout);
	}
	if ((r = persist_wdt_set_timeout(&w, o.timeout, &actual)) && r != -ENOTTY) {
		persist_wdt_close(&w);
		return device_error(w.path, "closed it again with the magic character", r);
	}
	if (r)
		actual = st.timeout;
	if (o.pretimeout && (r = persist_wdt_set_pretimeout(&w, o.pretimeout, &pre)))
		cli_note("%s takes no pretimeout (%s)", w.path, strerror(-r));
	persist_wdt_kick(&w);
	persist_wdt_leave_armed(&w);
	snprintf(msg, sizeof(msg), "armed %s by hand: timeout %d s, pretimeout %d s",
		 device_of(&o, &p), actual, pre);
	log_action(&o, msg);
	printf("%s. It resets the machine unless kicked within %d s (`recovery watchdog kick`, or "
	       "`recovery watchdog run`); `recovery watchdog disarm` stops it.\n",
	       msg, actual);
	return CLI_OK;
}

static int cmd_disarm_or_kick(const struct cli_command *cmd, int argc, char **argv)
{
	bool disarm = strcmp(cmd->verb, "disarm") == 0;
	struct persist_wdt_policy p;
	struct persist_wdt_status st;
	struct persist_wdt w;
	struct wd_opts o = { 0 };
	char msg[400];
	int r = parse_wd_opts(cmd, argc, argv, "dp", &o);

	if (r != CLI_GO_ON)
		return r;
	if (load_policy(&o, &p) || open_device(device_of(&o, &p), &w, &st))
		return CLI_FAIL;
	if (disarm) {
		if ((r = persist_wdt_disarm(&w)))
			return device_error(w.path, "it may still be running", r);
		snprintf(msg, sizeof(msg), "disarmed %s by hand%s", w.path,
			 st.options & WDIOF_MAGICCLOSE ? "" : " (the driver has no magic close)");
	} else {
		r = persist_wdt_kick(&w);
		persist_wdt_leave_armed(&w);
		if (r)
			return device_error(w.path, "it keeps running", r);
		snprintf(msg, sizeof(msg), "kicked %s by hand; it is armed, timeout %d s", w.path,
			 st.timeout);
	}
	log_action(&o, msg);
	printf("%s\n", msg);
	return CLI_OK;
}

static int cmd_policy(const struct cli_command *cmd, int argc, char **argv)
{
	struct persist_wdt_policy p;
	struct wd_opts o = { 0 };
	char err[400], text[PERSIST_WDT_MAX_CHECKS * 300 + 512];
	const char *action;
	int r = parse_wd_opts(cmd, argc, argv, "p", &o);

	if (r != CLI_GO_ON)
		return r;
	action = optind < argc ? argv[optind++] : "show";
	if (load_policy(&o, &p))
		return CLI_FAIL;
	if (!strcmp(action, "show")) {
		if (optind < argc)
			return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
		persist_wdt_policy_format(&p, text, sizeof(text));
		fputs(text, stdout);
		return CLI_OK;
	}
	if (!strcmp(action, "set")) {
		if (persist_wdt_policy_set(&p, argc - optind, (const char *const *)argv + optind, err,
					   sizeof(err)))
			return cli_usage_error(cmd, "%s; %s was not changed", err, policy_path(&o));
	} else if (!strcmp(action, "unset")) {
		if (argc - optind < 1 || argc - optind > 2)
			return cli_usage_error(cmd, "unset wants KEY [VALUE]");
		if (persist_wdt_policy_unset(&p, argv[optind],
					     argc - optind == 2 ? argv[optind + 1] : NULL))
			return cli_error("%s has no such setting '%s'; nothing was changed. "
					 "`recovery watchdog policy show` lists the settings.",
					 policy_path(&o), argv[optind]);
	} else {
		return cli_usage_error(cmd, "unknown action '%s' (show, set or unset)", action);
	}
	if (persist_wdt_policy_validate(&p, err, sizeof(err)))
		return cli_error("%s; %s was not changed. Set values that fit together.", err,
				 policy_path(&o));
	if ((r = persist_wdt_policy_save(policy_path(&o), &p)))
		return cli_error("cannot write %s: %s; it was not changed. Run as root, or pass "
				 "--policy FILE for a file you may write.",
				 policy_path(&o), strerror(-r));
	persist_wdt_policy_format(&p, text, sizeof(text));
	printf("saved %s:\n%s", policy_path(&o), text);
	return CLI_OK;
}

/*
 * The store the daemon logs to (NULL: none) and the boot id it runs in. A
 * store named by --store must open like for every other command: if not,
 * this says why and returns CLI_FAIL (the watchdog is not armed). Without
 * --store the daemon also runs when no store is found or it does not open.
 */
static int daemon_store(const struct wd_opts *o, const char **store, uint64_t *boot_id)
{
	struct persist_store *s;
	struct cli_store cs;

	if (o->store) {
		*store = o->store;
		if (cli_store_open(&cs, o->store, 0))
			return CLI_FAIL;
		cli_current_boot_id(cs.s, boot_id);
		return cli_store_close(&cs);
	}
	*store = cli_store_path(NULL, true);
	if (*store && persist_linux_open(*store, 0, &s) == 0) {
		cli_current_boot_id(s, boot_id);
		persist_linux_close(s);
	} else {
		*store = NULL;
	}
	return CLI_OK;
}

static int cmd_run(const struct cli_command *cmd, int argc, char **argv)
{
	struct persist_wdt_policy p;
	struct persist_wdt_daemon d = { 0 };
	struct persist_wdt_result res;
	struct wd_opts o = { 0 };
	const char *store;
	int r = parse_wd_opts(cmd, argc, argv, "dp", &o);

	if (r != CLI_GO_ON)
		return r;
	if (load_policy(&o, &p))
		return CLI_FAIL;
	d.policy = &p;
	d.device = o.device;
	if (daemon_store(&o, &store, &d.boot_id))
		return CLI_FAIL;
	if (!store)
		cli_note("no persist store found; the watchdog runs without logging and without a "
			 "crash handler");
	d.store_path = store;
	if (store && (r = persist_crashhandler_install(store, "recovery watchdog run",
						       PERSIST_SRC_WATCHDOG, d.boot_id)))
		cli_note("no crash handler (%s)", persist_strerror(r));
	r = persist_wdt_run(&d, &res);
	persist_crashhandler_uninstall();
	if (r)
		return device_error(device_of(&o, &p), "the watchdog was not armed", r);
	return CLI_OK;
}

const struct cli_command cli_watchdog_commands[] = {
	{ "watchdog", "status", cmd_status,
	  "watchdog status [--device DEV] [--policy FILE] [--store PATH]",
	  "Shows the watchdog device (identity, state, timeout, pretimeout, time left,\n"
	  "boot status) from sysfs, or by asking the device and closing it with the\n"
	  "magic character; the policy; and the newest watchdog records." },
	{ "watchdog", "arm", cmd_arm,
	  "watchdog arm [--timeout S] [--pretimeout S] [--device DEV] [--policy FILE] "
	  "[--store PATH]",
	  "Opens the device, sets the timeout (default: the policy's) and leaves it\n"
	  "running: the machine resets unless something kicks it in time." },
	{ "watchdog", "disarm", cmd_disarm_or_kick,
	  "watchdog disarm [--device DEV] [--policy FILE] [--store PATH]",
	  "Stops the watchdog (disable + magic close), if the driver allows it." },
	{ "watchdog", "kick", cmd_disarm_or_kick,
	  "watchdog kick [--device DEV] [--policy FILE] [--store PATH]",
	  "Kicks the watchdog once and leaves it running (opening it arms it)." },
	{ "watchdog", "policy", cmd_policy,
	  "watchdog policy [show | set KEY VALUE... | unset KEY [VALUE]] [--policy FILE]",
	  "Shows or edits the health policy (default " PERSIST_WDT_POLICY "). Keys:\n"
	  "device PATH, timeout S, pretimeout S, interval S, and the checks\n"
	  "pidfile PATH, process NAME, fresh PATH SECONDS (set adds a check, unset\n"
	  "removes them)." },
	{ "watchdog", "run", cmd_run,
	  "watchdog run [--policy FILE] [--device DEV] [--store PATH]",
	  "The watchdog daemon: arms the device with the policy's timeout and kicks it\n"
	  "while every health check passes. When one fails it logs why and stops\n"
	  "kicking, so the machine resets. SIGTERM stops it cleanly (magic close).\n"
	  "A crash of the daemon itself leaves a crash record." },
	{ NULL, NULL, NULL, NULL, NULL },
};
