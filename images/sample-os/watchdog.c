/* SPDX-License-Identifier: MIT */
/*
 * The watchdog daemon: a child of init that holds /dev/watchdog open and
 * kicks it. Opening the device arms it; from then on a hang of the whole
 * system (or a frozen daemon) makes the hardware reset the machine, which
 * bootmgr then counts as a failed attempt.
 *
 * `recovery watchdog run` replaces this built-in loop once it exists;
 * os_watchdog_start() is the one place to change for that.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
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
static void __attribute__((noreturn)) daemon_loop(int fd, unsigned timeout)
{
	struct timespec every = { timeout >= 3 ? timeout / 3 : 1, 0 };
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	for (;;) {
		ioctl(fd, WDIOC_KEEPALIVE, 0);
		if (sigtimedwait(&term, NULL, &every) == SIGTERM)
			break;
	}
	if (write(fd, "V", 1) != 1)
		os_say("warning: watchdog magic close failed: %s; it stays armed", strerror(errno));
	close(fd);
	_exit(0);
}

pid_t os_watchdog_start(unsigned timeout)
{
	struct watchdog_info info = { .identity = "" };
	int fd, t = (int)timeout;
	pid_t pid;

	if (timeout == 0) {
		os_say("watchdog=off (keel.watchdog=0)");
		return 0;
	}
	fd = watchdog_open();
	if (fd < 0) {
		os_say("error: cannot open %s: %s; running without a watchdog", WATCHDOG_DEV,
		       strerror(-fd));
		return fd;
	}
	ioctl(fd, WDIOC_GETSUPPORT, &info);
	if (ioctl(fd, WDIOC_SETTIMEOUT, &t) != 0)
		os_say("warning: %s refused timeout %u s: %s", WATCHDOG_DEV, timeout, strerror(errno));
	ioctl(fd, WDIOC_GETTIMEOUT, &t);
	pid = fork();
	if (pid == 0) {
		os_signals_child_reset();
		daemon_loop(fd, (unsigned)t);
	}
	close(fd);
	if (pid < 0) {
		os_say("error: cannot start the watchdog daemon: %s", strerror(errno));
		return -errno;
	}
	os_say("watchdog device=%s identity=\"%s\" timeout=%d", WATCHDOG_DEV, (char *)info.identity, t);
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
