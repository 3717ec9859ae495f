/* SPDX-License-Identifier: MIT */
/*
 * The health check that decides `golden`. Two parts:
 *  - built in: the watchdog daemon asked for is running;
 *  - OS_HEALTH_CHECK, a program the image (and so each variant) controls,
 *    run with KEEL_VARIANT in its environment; exit status 0 = healthy.
 * A real distribution would check its own services here; see
 * images/README.md.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define HEALTH_TIMEOUT_MS 10000

/* Waits for the check without touching other children or signals, which
 * init's main loop handles afterwards. */
static int wait_check(pid_t pid, int *status)
{
	for (unsigned ms = 0; ms < HEALTH_TIMEOUT_MS; ms += 10) {
		pid_t got = waitpid(pid, status, WNOHANG);

		if (got == pid)
			return 0;
		if (got < 0)
			return -errno;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -ETIMEDOUT;
}

static int run_check(const struct os_config *c, char *why, size_t n)
{
	char variant[64];
	const char *argv[] = { OS_HEALTH_CHECK, NULL };
	const char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", variant, NULL };
	int status = 0, err;
	pid_t pid;

	if (access(OS_HEALTH_CHECK, X_OK) != 0)
		return 0; /* no image-specific check: the built-in ones decide */
	snprintf(variant, sizeof(variant), "KEEL_VARIANT=%s", os_variant_name(c->variant));
	pid = os_spawn(argv, envp);
	if (pid < 0) {
		snprintf(why, n, "cannot start %s", OS_HEALTH_CHECK);
		return -1;
	}
	if ((err = wait_check(pid, &status))) {
		snprintf(why, n, "%s %s", OS_HEALTH_CHECK,
			 err == -ETIMEDOUT ? "timed out" : "vanished");
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	snprintf(why, n, "%s exited with status %d", OS_HEALTH_CHECK,
		 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return -1;
}

int os_health_check(const struct os_config *c, pid_t watchdog, char *why, size_t n)
{
	if (c->watchdog_sec && (watchdog <= 0 || kill(watchdog, 0) != 0)) {
		snprintf(why, n, "watchdog daemon is not running");
		return -1;
	}
	return run_check(c, why, n);
}
