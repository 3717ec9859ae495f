/* SPDX-License-Identifier: MIT */
/*
 * The watchdog daemon: `recovery watchdog run`, a child of init that holds
 * /dev/watchdog open and kicks it. Opening the device arms it; from then on
 * a hang of the whole system (or a frozen daemon) makes the hardware reset
 * the machine, which bootmgr then counts as a failed attempt.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define WATCHDOG_DEV "/dev/watchdog"

/* Opens the watchdog; falls back to softdog when no hardware one exists. */
static int watchdog_open(void)
{
	int fd = open(WATCHDOG_DEV, O_WRONLY | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	os_say("watchdog: no hardware watchdog, loading softdog");
	if (os_module_load("softdog", "") != 0)
		return -ENOENT;
	fd = open(WATCHDOG_DEV, O_WRONLY | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

/* Kicks every third of the timeout until SIGTERM, then disarms with the
 * magic close ('V' before close) so a clean shutdown is not a reset. */
#define RECOVERY_BIN "/usr/sbin/recovery"
#define POLICY_DIR "/run/keel"
#define POLICY_FILE POLICY_DIR "/watchdog.conf"

/* The policy `recovery watchdog run` reads: this device and timeout, kicked
 * three times per timeout. */
static int write_policy(unsigned timeout)
{
	char text[128];
	int len = snprintf(text, sizeof(text), "device %s\ntimeout %u\n", WATCHDOG_DEV, timeout);
	int fd;

	mkdir(POLICY_DIR, 0755);
	fd = open(POLICY_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len) {
		int e = errno;
		close(fd);
		return -e;
	}
	return close(fd) ? -errno : 0;
}

/* Waits until the daemon has opened (armed) the device, so that nothing
 * that follows — a hang included — runs unguarded. The watchdog core
 * reports it in sysfs. Returns true when seen armed. */
static bool wait_armed(pid_t daemon, unsigned timeout_ms)
{
	char state[16];

	for (unsigned waited = 0; waited <= timeout_ms; waited += 10) {
		ssize_t n = os_read_file("/sys/class/watchdog/watchdog0/state", state,
					 sizeof(state));
		if (n > 0 && strncmp(state, "active", 6) == 0)
			return true;
		if (waitpid(daemon, NULL, WNOHANG) == daemon)
			return false; /* it died: said why on the console */
		usleep(10000);
	}
	return false;
}

/*
 * Starts the watchdog daemon, `recovery watchdog run` (libpersist's
 * watchdog API: it arms the device with the timeout, kicks it while its
 * health policy holds, logs to the persist partition — found through
 * keel.persist= on the kernel command line — and closes the device with
 * the magic character when stopped with SIGTERM).
 */
pid_t os_watchdog_start(unsigned timeout)
{
	struct watchdog_info info = { .identity = "" };
	int fd, r;
	pid_t pid;

	if (timeout == 0) {
		os_say("watchdog=off (keel.watchdog=0)");
		return 0;
	}
	fd = watchdog_open(); /* loads softdog when there is no hardware watchdog */
	if (fd < 0) {
		os_say("error: cannot open %s: %s; running without a watchdog", WATCHDOG_DEV,
		       strerror(-fd));
		return fd;
	}
	ioctl(fd, WDIOC_GETSUPPORT, &info);
	/* Closed without arming: the daemon opens it for good. */
	if (write(fd, "V", 1) != 1)
		os_say("warning: %s: magic close failed: %s", WATCHDOG_DEV, strerror(errno));
	close(fd);
	if ((r = write_policy(timeout)) != 0) {
		os_say("error: cannot write %s: %s; running without a watchdog", POLICY_FILE,
		       strerror(-r));
		return r;
	}
	pid = fork();
	if (pid == 0) {
		os_signals_child_reset();
		execl(RECOVERY_BIN, "recovery", "watchdog", "run", "--policy", POLICY_FILE,
		      (char *)NULL);
		os_say("error: cannot start %s: %s", RECOVERY_BIN, strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		os_say("error: cannot start the watchdog daemon: %s", strerror(errno));
		return -errno;
	}
	if (!wait_armed(pid, 5000))
		os_say("warning: the watchdog daemon has not armed %s after 5 s; this boot may "
		       "not be guarded", WATCHDOG_DEV);
	os_say("watchdog device=%s identity=\"%s\" timeout=%u daemon=\"recovery watchdog run\"",
	       WATCHDOG_DEV, (char *)info.identity, timeout);
	return pid;
}

void os_watchdog_stop(pid_t daemon)
{
	if (daemon <= 0)
		return;
	kill(daemon, SIGCONT);
	kill(daemon, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(daemon, NULL, WNOHANG) == daemon)
			return;
		usleep(10000);
	}
	os_say("warning: watchdog daemon did not stop; the watchdog may still fire");
}

void os_watchdog_freeze(pid_t daemon)
{
	if (daemon > 0)
		kill(daemon, SIGSTOP);
}
