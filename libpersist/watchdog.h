/* SPDX-License-Identifier: MIT */
/*
 * libpersist watchdog (Linux): the kernel watchdog device (/dev/watchdog or
 * a named one), a health policy loaded from a small text file, and a daemon
 * loop that kicks the device only while the policy's checks pass and logs
 * to the persist store. See docs/watchdog.md.
 *
 * Unlike the core, these functions return 0 or a negative errno value
 * (-ENOTTY: the driver lacks that ioctl), except where noted.
 *
 * Opening a watchdog device arms it. Closing it after writing the magic
 * character 'V' (persist_wdt_close) stops it if the driver allows;
 * closing without it (persist_wdt_leave_armed) leaves it running, and the
 * machine resets unless someone opens it again and kicks in time.
 */
#ifndef KEEL_PERSIST_WATCHDOG_H
#define KEEL_PERSIST_WATCHDOG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PERSIST_WDT_DEVICE "/dev/watchdog"
#define PERSIST_WDT_POLICY "/etc/keel/watchdog.conf"
#define PERSIST_WDT_PATH_MAX 256u
#define PERSIST_WDT_MAX_CHECKS 16u
#define PERSIST_WDT_TIMEOUT_MAX 3600u

/* The system calls behind a device, so tests can stand in for a driver.
 * Every function returns 0 (open: a descriptor) or a negative errno. */
struct persist_wdt_ops {
	void *ctx;
	int (*open)(void *ctx, const char *path);
	int (*ioctl)(void *ctx, int fd, unsigned long request, void *arg);
	int (*write)(void *ctx, int fd, const void *buf, size_t len);
	void (*close)(void *ctx, int fd);
};
/* open(2), ioctl(2), write(2), close(2). */
extern const struct persist_wdt_ops persist_wdt_system_ops;

struct persist_wdt {
	const struct persist_wdt_ops *ops;
	int fd;                    /* -1: not open */
	char path[PERSIST_WDT_PATH_MAX];
};

/* What a device says about itself; -1 / false where it cannot say. */
struct persist_wdt_status {
	char identity[40];         /* driver name, e.g. "i6300ESB timer" */
	uint32_t options;          /* WDIOF_* it supports */
	uint32_t firmware_version;
	int timeout, pretimeout, timeleft; /* seconds */
	bool have_status, have_bootstatus;
	uint32_t status, bootstatus; /* WDIOF_* flags; CARDRESET: last reset was the watchdog */
	int active;                /* sysfs "state": 1 active, 0 inactive, -1 unknown */
};

/* Opens (and so arms) a device; ops NULL = persist_wdt_system_ops. */
int persist_wdt_open(struct persist_wdt *w, const char *path, const struct persist_wdt_ops *ops);
/* Sets the timeout / pretimeout (0 turns the pretimeout off); *actual
 * (may be NULL) receives what the driver chose. */
int persist_wdt_set_timeout(struct persist_wdt *w, int seconds, int *actual);
int persist_wdt_set_pretimeout(struct persist_wdt *w, int seconds, int *actual);
int persist_wdt_kick(struct persist_wdt *w);
/* Identity, timeouts, time left, status and boot status by ioctl. */
int persist_wdt_get_status(struct persist_wdt *w, struct persist_wdt_status *st);
/* Magic close: writes 'V' and closes; the driver stops the timer unless it
 * was built with nowayout. */
int persist_wdt_close(struct persist_wdt *w);
/* Disables the card (WDIOS_DISABLECARD), then magic close. */
int persist_wdt_disarm(struct persist_wdt *w);
/* Closes without the magic character: the timer keeps running. */
void persist_wdt_leave_armed(struct persist_wdt *w);

/* The status a device's sysfs directory (/sys/class/watchdog/watchdogN)
 * shows without opening (and arming) the device. */
int persist_wdt_sysfs_status(const char *dir, struct persist_wdt_status *st);
/* The sysfs directory of a device path: /dev/watchdog and /dev/watchdog0
 * -> /sys/class/watchdog/watchdog0. Returns 0 or -EINVAL. */
int persist_wdt_sysfs_dir(const char *device, char *out, size_t outlen);
/* "card reset, overheat" for WDIOF_* flags; "none" for 0. */
const char *persist_wdt_flags_text(uint32_t flags, char *buf, size_t len);

/* ---- policy ---- */

enum persist_wdt_check_kind {
	PERSIST_WDT_CHECK_PIDFILE, /* the process whose pid the file holds is alive */
	PERSIST_WDT_CHECK_PROCESS, /* a process of this name (comm) is alive */
	PERSIST_WDT_CHECK_FRESH    /* the file was modified at most max_age s ago */
};

struct persist_wdt_check {
	int kind;
	char arg[PERSIST_WDT_PATH_MAX]; /* path or process name */
	unsigned max_age;          /* FRESH: seconds */
};

struct persist_wdt_policy {
	char device[PERSIST_WDT_PATH_MAX];
	unsigned timeout;          /* seconds, 1..3600 */
	unsigned pretimeout;       /* seconds before the reset; 0: off */
	unsigned interval;         /* seconds between kicks; 0: timeout / 3 */
	unsigned n_checks;
	struct persist_wdt_check checks[PERSIST_WDT_MAX_CHECKS];
};

/* /dev/watchdog, timeout 30, no pretimeout, interval timeout/3, no checks. */
void persist_wdt_policy_default(struct persist_wdt_policy *p);
/*
 * Parses a policy file (lines "KEY VALUE...", # comments):
 *   device PATH | timeout S | pretimeout S | interval S
 *   pidfile PATH | process NAME | fresh PATH SECONDS   (checks, repeatable)
 * Fills *p (starting from the defaults). Returns 0, or PERSIST_E_INVAL (a
 * core code) with "line N: what is wrong" in err.
 */
int persist_wdt_policy_parse(const char *text, size_t len, struct persist_wdt_policy *p,
			     char *err, size_t errlen);
/* Applies one "KEY VALUE..." setting (words in argv). Scalars replace,
 * checks are added (an identical one is not added twice). Returns 0 or
 * PERSIST_E_INVAL with the reason in err. */
int persist_wdt_policy_set(struct persist_wdt_policy *p, int argc, const char *const *argv,
			   char *err, size_t errlen);
/* Removes a setting: a scalar goes back to its default; "pidfile",
 * "process" or "fresh" removes the checks of that kind (with an argument:
 * only that one). Returns 0 or PERSIST_E_NOTFOUND. */
int persist_wdt_policy_unset(struct persist_wdt_policy *p, const char *key, const char *arg);
/* Checks the values against each other (pretimeout and interval below the
 * timeout). Returns 0 or PERSIST_E_INVAL with the reason in err. */
int persist_wdt_policy_validate(const struct persist_wdt_policy *p, char *err, size_t errlen);
/* Writes the policy in file syntax; returns the length needed like snprintf. */
int persist_wdt_policy_format(const struct persist_wdt_policy *p, char *out, size_t outlen);
/* The interval in effect (interval, or timeout / 3, at least 1). */
unsigned persist_wdt_policy_interval(const struct persist_wdt_policy *p);
/* Loads a policy file; a missing file gives the defaults when
 * missing_ok. Returns 0, -errno, or PERSIST_E_INVAL (err says why). */
int persist_wdt_policy_load(const char *path, bool missing_ok, struct persist_wdt_policy *p,
			    char *err, size_t errlen);
/* Writes a policy file atomically (temporary file, fsync, rename). */
int persist_wdt_policy_save(const char *path, const struct persist_wdt_policy *p);

/* Runs one check at time now, with processes under proc_root (NULL:
 * /proc). Returns 0 if it passes, 1 with the reason in why if not. */
int persist_wdt_check_run(const struct persist_wdt_check *c, const char *proc_root, time_t now,
			  char *why, size_t whylen);
/* Words one check: "process 'sshd' is alive". */
void persist_wdt_check_describe(const struct persist_wdt_check *c, char *out, size_t outlen);

/* ---- the daemon ---- */

struct persist_wdt_daemon {
	const struct persist_wdt_policy *policy;
	const char *device;        /* NULL: policy->device */
	const struct persist_wdt_ops *ops; /* NULL: the system's */
	const char *store_path;    /* store for log records; NULL: none */
	uint64_t boot_id;          /* stamped on its records (0: unknown) */
	const char *proc_root;     /* NULL: /proc */
	/* Set to stop cleanly (magic close). NULL: the daemon installs
	 * handlers for SIGTERM and SIGINT that set its own flag. */
	volatile sig_atomic_t *stop;
	/* Waits between rounds (NULL: nanosleep, cut short by signals). */
	void (*sleep)(void *ctx, unsigned seconds);
	void *sleep_ctx;
	unsigned max_rounds;       /* 0: until stopped (tests bound it) */
	/* Progress for people (NULL: stderr). */
	void (*say)(void *ctx, const char *line);
	void *say_ctx;
};

/* What a daemon run did. */
struct persist_wdt_result {
	unsigned rounds, kicks;
	bool check_failed;         /* stopped kicking after a failed check */
	bool stopped;              /* stopped cleanly with magic close */
	int timeout;               /* in effect */
};

/*
 * Opens the device, sets timeout and pretimeout, then each round runs every
 * check and kicks only if all pass. At the first failed check it logs it
 * (level crit, source watchdog) and never kicks again: the watchdog resets
 * the machine, which the next boot harvests. When stop is set it writes
 * the magic character, closes and logs a final record. Returns 0 (also
 * after a failed check), or a negative errno when the device cannot be
 * opened or set up (nothing armed then, if it did not open).
 */
int persist_wdt_run(const struct persist_wdt_daemon *d, struct persist_wdt_result *res);

/* Appends one record (source watchdog) to the store at path, waiting a
 * little for another writer's lock. Returns 0 or PERSIST_E* (core code). */
int persist_wdt_log(const char *store_path, uint64_t boot_id, int level, const char *msg);

#endif
