/* SPDX-License-Identifier: MIT */
/*
 * The sample OS's PID 1 ("keel-init"): declarations shared by its parts.
 *
 * Every line it prints for tests starts with "KEEL-OS " and goes both to the
 * console (the serial port under QEMU) and to the kernel log, so the stages
 * reached also show up in a pstore panic dump. The format of the stage
 * lines is fixed:
 *
 *     KEEL-OS stage=kernel boot_id=<id>|none
 *     KEEL-OS stage=init boot_id=<id>|none
 *     KEEL-OS stage=services boot_id=<id>|none
 *     KEEL-OS stage=golden boot_id=<id>|none
 */
#ifndef KEEL_SAMPLE_OS_H
#define KEEL_SAMPLE_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define OS_MARKER "KEEL-OS"

#define OS_ETC "/etc/keel"
#define OS_MODULE_LIST OS_ETC "/modules"       /* names loaded at boot */
#define OS_VARIANT_FILE OS_ETC "/variant"      /* built-in default variant */
#define OS_HEALTH_CHECK OS_ETC "/health-check" /* exit 0 = healthy */
#define OS_EFIVARS "/sys/firmware/efi/efivars"

#define OS_ID_MAX 64
#define OS_PATH_MAX 256

/* Deliberately broken behaviours for the failure tests. */
enum os_variant {
	OS_VARIANT_GOOD = 0,
	OS_VARIANT_PANIC,     /* kernel panic (sysrq 'c') right after `init` */
	OS_VARIANT_HANG,      /* stops kicking the watchdog after `init` */
	OS_VARIANT_CRASH,     /* PID 1 segfaults after `init` → kernel panic */
	OS_VARIANT_UNHEALTHY, /* comes up, health check fails, never golden */
};

/* Settings from the kernel command line (keel.* words and root=). */
struct os_config {
	char boot_id[OS_ID_MAX + 1];  /* keel.boot_id=, "" when absent */
	char persist[OS_PATH_MAX];    /* keel.persist=PARTUUID=…|/dev/…, "" = scan */
	char root[OS_PATH_MAX];       /* root=PARTUUID=…|/dev/…, "" = stay in initramfs */
	char modules[OS_PATH_MAX];    /* keel.modules=a,b: extra modules to load */
	enum os_variant variant;      /* keel.variant= */
	bool variant_set;             /* keel.variant= was given */
	unsigned watchdog_sec;        /* keel.watchdog=, default 30, 0 = off */
	unsigned golden_deadline_sec; /* keel.golden_deadline=, default 90 */
	bool halt_after_golden;       /* keel.halt_after_golden=1 */
	bool shell;                   /* keel.shell=1: a shell on the console */
};

#define OS_DEFAULT_WATCHDOG_SEC 30
#define OS_DEFAULT_GOLDEN_DEADLINE_SEC 90

/* cmdline.c — pure parsing, unit-tested on the host. */
void os_config_defaults(struct os_config *c);
/* Parses a kernel command line into c (unknown words are ignored). Returns
 * the number of keel.* values that were malformed and left at default. */
int os_config_parse(struct os_config *c, const char *cmdline);
/* "good", "panic", …; returns -1 for an unknown name. */
int os_variant_from_name(const char *name);
const char *os_variant_name(enum os_variant v);
/* Copies into out (size n) the space-separated module parameters for module
 * `name` found on the command line as name.param=value ('-' and '_' equal). */
void os_cmdline_module_params(const char *cmdline, const char *name, char *out, size_t n);

/* log.c */
void os_log_init(void);
/* Prints "KEEL-OS <text>" on the console and into the kernel log. */
void os_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads a whole small file into buf (NUL-terminated, trailing newline
 * removed). Returns its length or -errno. */
ssize_t os_read_file(const char *path, char *buf, size_t size);
int os_write_file(const char *path, const char *text);
/* snprintf for paths: returns 0, or -ENAMETOOLONG when it did not fit. */
int os_path(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
unsigned long os_uptime_ms(void);

/* mounts.c */
int os_mount_early(void);   /* /dev, /proc, /sys, console fds */
int os_mount_late(void);    /* /run, /tmp, efivarfs, pstore */

/* pstore.c */
/* Summarises and then removes the panic dumps a previous boot left. */
void os_pstore_harvest(void);

/* modules.c — a small modprobe: modules.dep + finit_module. */
/* Loads `name` after its dependencies. 0, or -errno (-ENOENT: not shipped). */
int os_module_load(const char *name, const char *cmdline);
/* Loads every name in OS_MODULE_LIST, then the comma-separated `extra`.
 * Returns the number of modules that failed. */
int os_modules_load_all(const char *cmdline, const char *extra);

/* bootid.c */
/* Fills id from the config or the EFI variable; returns the source
 * ("cmdline", "efivar") or NULL when there is no boot id. */
const char *os_boot_id_find(const struct os_config *c, char id[OS_ID_MAX + 1]);

/* blockdev.c — find partitions by PARTUUID or GPT type GUID. */
/* spec: "PARTUUID=<guid>", "TYPE=<guid>" or "/dev/…". Waits up to wait_ms
 * for the device to appear. Returns 0 and the /dev path, or -errno. */
int os_blockdev_find(const char *spec, unsigned wait_ms, char *dev, size_t n);

/* stage.c — the stages, on the console and through libpersist. */
/* Takes the boot id text (decimal, 1 … 2^64-1). "" or NULL: no boot id.
 * Returns -1 (and keeps "no boot id") when the text is not a number. */
int stage_set_boot_id(const char *text);
/* The boot id as printed in the markers: the number, or "none". */
const char *stage_boot_id_text(void);
/* The persist partition is dev: opens it, writes the record `about` (what
 * is booting) and replays the stages reached so far. -1 if it is unusable
 * (said on the console); the boot goes on either way. */
int stage_set_persist(const char *dev, const char *about);
/* A stage an earlier program of this boot already printed but could not
 * record (the initramfs's init before switching root): recorded with the
 * next write, not printed again. */
void stage_assume(const char *stage);
/* Prints the stage marker and records the stage for this boot id (now, or
 * as soon as the persist partition is known). Stages only rise. */
int stage_report(const char *stage);
/* A log record from source "os" for this boot (level: PERSIST_LEVEL_*).
 * -1 when there is no usable store (yet): the console has it anyway. */
int stage_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last marker and record of a boot: action is "poweroff" or "reboot";
 * clean is false when the watchdog was left armed (a failure reboot). */
int stage_shutdown(const char *action, const char *reason, bool clean);

/* watchdog.c */
/* Opens /dev/watchdog (loading softdog if no hardware one exists), sets the
 * timeout and forks the kicking daemon. Returns its pid or -errno. */
pid_t os_watchdog_start(unsigned timeout_sec);
/* Asks the daemon for a magic close and waits for it to finish. */
void os_watchdog_stop(pid_t daemon);
/* Makes the daemon stop kicking without disarming (the hang variant). */
void os_watchdog_freeze(pid_t daemon);

/* health.c */
/* Runs the health check. 0 = healthy, else a short reason in why. */
int os_health_check(const struct os_config *c, pid_t watchdog, char *why, size_t n);

/* rootfs.c */
/* With root= on the command line, mounts it and executes its /sbin/init.
 * Returns only on failure (-errno) or when there is nothing to switch to. */
int os_switch_root(const struct os_config *c);

/* power.c */
void os_signals_block(void);
void os_signals_child_reset(void);
pid_t os_spawn(const char *const argv[], const char *const envp[]);
void os_reap(pid_t *watched, int *status);
/*
 * Stops every process, writes the final marker and log record, syncs and
 * then powers off (how = RB_POWER_OFF) or reboots (RB_AUTOBOOT). With
 * disarm the watchdog is magic-closed first; without it (a failure reboot)
 * it stays armed, so a reboot that hangs is still ended by the hardware.
 */
void os_shutdown(pid_t watchdog, int how, bool disarm, const char *reason)
	__attribute__((noreturn));
/* Waits up to ms for a signal; returns it (0 on timeout). Reaps children. */
int os_wait_signal(unsigned ms, pid_t *watched, int *status);

/* variant.c */
/* Runs the broken behaviour of v right after the `init` stage. Returns for
 * variants with nothing to do at that point. */
void os_variant_after_init(enum os_variant v, pid_t watchdog);

#endif
