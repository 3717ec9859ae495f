/* SPDX-License-Identifier: MIT */
/*
 * keel-init — PID 1 of Keel's sample installable OS.
 *
 * The boot, in the order the stages are reported:
 *   kernel    API file systems mounted, boot id known (the kernel got as far
 *             as running init); with root= the initramfs now switches root
 *   init      all modules loaded, watchdog armed and kicked, persist found
 *   services  the services are started (the watchdog daemon, a shell)
 *   golden    the health check passed: this boot entry is good
 * If `golden` is not reached within keel.golden_deadline seconds of the
 * kernel starting, the system reboots itself, which bootmgr counts as a
 * failed attempt. See os.h for the markers and images/README.md for the
 * kernel command line.
 */
#include "images/sample-os/os.h"
#include "libpersist/efivars.h"
#include "libpersist/persist.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

static struct os_config cfg;
static char cmdline[4096];
static pid_t watchdog;
static char persist_dev[OS_PATH_MAX];

/* Command line first; the image's built-in variant (OS_VARIANT_FILE, set
 * in the variant initramfs images) applies only when it names none. */
static void read_config(void)
{
	char name[32];
	ssize_t len = os_read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	int bad;

	if (len < 0) {
		os_say("error: cannot read /proc/cmdline: %s; using defaults", strerror((int)-len));
		cmdline[0] = '\0';
	}
	os_config_defaults(&cfg);
	bad = os_config_parse(&cfg, cmdline);
	if (bad)
		os_say("warning: %d malformed keel.* option(s) on the kernel command line ignored", bad);
	if (!cfg.variant_set && os_read_file(OS_VARIANT_FILE, name, sizeof(name)) > 0) {
		int v = os_variant_from_name(name);

		if (v < 0)
			os_say("warning: %s names unknown variant '%s'; ignoring it", OS_VARIANT_FILE, name);
		else
			cfg.variant = (enum os_variant)v;
	}
}

/* Where the boot id came from, for the first persist record. */
static char boot_id_about[OS_ID_MAX + 64];

static void find_boot_id(void)
{
	char id[OS_ID_MAX + 1];
	const char *source = os_boot_id_find(&cfg, id);

	if (!source) {
		os_say("boot_id=none source=none (no keel.boot_id= and no %s EFI variable); "
		       "booting without a boot id, stages are not recorded for any attempt",
		       KEEL_VAR_BOOT_ID);
		snprintf(boot_id_about, sizeof(boot_id_about), "no boot id");
	} else if (stage_set_boot_id(id) != 0) {
		os_say("warning: boot id '%s' (from %s) is not a decimal number; booting without a "
		       "boot id, stages are not recorded for any attempt",
		       id, source);
		snprintf(boot_id_about, sizeof(boot_id_about), "no boot id (%s held '%s')", source,
			 id);
	} else {
		os_say("boot_id=%s source=%s", stage_boot_id_text(), source);
		snprintf(boot_id_about, sizeof(boot_id_about), "boot id %s from %s",
			 stage_boot_id_text(), source);
	}
}

/* keel.persist= names the partition; otherwise look for the type GUID.
 * Returns true once it is known. */
static bool find_persist(unsigned wait_ms, bool final)
{
	char spec[OS_PATH_MAX + 8], about[PERSIST_MESSAGE_MAX];
	int err;

	if (persist_dev[0])
		return true;
	if (cfg.persist[0])
		snprintf(spec, sizeof(spec), "%s", cfg.persist);
	else
		snprintf(spec, sizeof(spec), "TYPE=%s", PERSIST_PART_TYPE_TEXT);
	err = os_blockdev_find(spec, wait_ms, persist_dev, sizeof(persist_dev));
	if (err == 0) {
		os_say("persist device=%s spec=%s", persist_dev, spec);
		snprintf(about, sizeof(about), "keel-init %s (variant %s) started: %s, persist %s",
			 KEEL_VERSION, os_variant_name(cfg.variant), boot_id_about, persist_dev);
		stage_set_persist(persist_dev, about);
		return true;
	}
	persist_dev[0] = '\0';
	if (final)
		os_say("persist=none spec=%s (%s); stages are only on the console", spec,
		       strerror(-err));
	return false;
}

/* Reacts to a shutdown request taken by os_wait_signal(). */
static void handle_signal(int sig)
{
	switch (sig) {
	case SIGUSR1:
	case SIGUSR2:
		os_shutdown(watchdog, RB_POWER_OFF, true, sig == SIGUSR1 ? "SIGUSR1" : "SIGUSR2");
	case SIGTERM:
	case SIGINT:
		os_shutdown(watchdog, RB_AUTOBOOT, true, sig == SIGTERM ? "SIGTERM" : "SIGINT");
	default:
		break;
	}
}

/* A watchdog daemon that died left the device armed: start a new one
 * before the old timeout runs out, or the machine resets. */
static void keep_watchdog(void)
{
	if (cfg.watchdog_sec && watchdog == 0) {
		os_say("warning: watchdog daemon exited; starting it again");
		stage_log(PERSIST_LEVEL_WARNING, "watchdog daemon exited; started again");
		watchdog = os_watchdog_start(cfg.watchdog_sec);
	}
}

static void start_services(void)
{
	if (cfg.shell) {
		const char *argv[] = { "/bin/cttyhack", "/bin/sh", "-l", NULL };
		const char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/", "TERM=vt100",
				       NULL };

		os_spawn(argv, envp);
	}
}

/* Checks health once a second until it passes or the deadline is over. */
static void wait_until_healthy(void)
{
	unsigned long deadline = cfg.golden_deadline_sec * 1000ul;
	char why[160] = "", last[160] = "";

	while (os_health_check(&cfg, watchdog, why, sizeof(why)) != 0) {
		if (strcmp(why, last) != 0) {
			os_say("health=fail reason=\"%s\"", why);
			stage_log(PERSIST_LEVEL_WARNING, "health check failed: %s", why);
			snprintf(last, sizeof(last), "%s", why);
		}
		if (deadline && os_uptime_ms() >= deadline) {
			os_say("golden deadline of %u s passed without golden; rebooting",
			       cfg.golden_deadline_sec);
			stage_log(PERSIST_LEVEL_ERR,
				  "golden deadline of %u s passed without golden (%s); rebooting",
				  cfg.golden_deadline_sec, why);
			os_shutdown(watchdog, RB_AUTOBOOT, false, "golden_deadline");
		}
		handle_signal(os_wait_signal(1000, &watchdog, NULL));
		keep_watchdog();
		find_persist(0, false);
	}
	os_say("health=ok");
}

/* Everything up to `kernel`; runs once, in the initramfs. */
static void boot_kernel_stage(bool kernel_done)
{
	os_module_load("efivarfs", cmdline);
	os_mount_late();
	find_boot_id();
	if (!kernel_done) {
		os_say("keel-init %s variant=%s", KEEL_VERSION, os_variant_name(cfg.variant));
		stage_report("kernel");
	}
}

int main(void)
{
	bool kernel_done = getenv("KEEL_STAGE_KERNEL_DONE") != NULL;

	if (getpid() != 1) {
		fprintf(stderr, "keel-init: this is the sample OS's PID 1; boot it as the kernel's "
				"init instead of running it by hand\n");
		return 1;
	}
	os_signals_block();
	os_mount_early();
	read_config();
	boot_kernel_stage(kernel_done);
	if (kernel_done)
		stage_assume("kernel");

	if (os_modules_load_all(cmdline, cfg.modules))
		os_say("warning: some modules did not load (see above); carrying on");
	if (os_switch_root(&cfg))
		os_say("warning: root=%s not used; running from the initramfs", cfg.root);
	find_persist(cfg.persist[0] ? 5000 : 0, cfg.persist[0] != '\0');
	/* Before the watchdog daemon: harvest asks the device whether it reset
	 * the machine, and the two would otherwise race for the store. */
	os_pstore_harvest();
	watchdog = os_watchdog_start(cfg.watchdog_sec);
	stage_report("init");

	os_variant_after_init(cfg.variant, watchdog);
	start_services();
	stage_report("services");

	wait_until_healthy();
	find_persist(0, true);
	stage_report("golden");
	if (cfg.halt_after_golden)
		os_shutdown(watchdog, RB_POWER_OFF, true, "halt_after_golden");
	for (;;) {
		handle_signal(os_wait_signal(60000, &watchdog, NULL));
		keep_watchdog();
	}
}
