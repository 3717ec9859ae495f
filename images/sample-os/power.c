/* SPDX-License-Identifier: MIT */
/*
 * PID 1's duties towards processes: signals, children, shutdown.
 *
 * init blocks the signals it acts on and takes them synchronously with
 * sigtimedwait(), so there are no handlers and no races with the main loop:
 *   SIGCHLD         reap every exited child (orphans included)
 *   SIGUSR2         power off cleanly (busybox `poweroff` sends this)
 *   SIGTERM, SIGINT reboot cleanly (SIGINT is Ctrl-Alt-Del)
 * Children get an empty signal mask back before they exec.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void init_signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGHUP);
}

void os_signals_block(void)
{
	sigset_t set;

	init_signal_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* Ctrl-Alt-Del becomes SIGINT to init instead of an instant reboot. */
	reboot(RB_DISABLE_CAD);
}

void os_signals_child_reset(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

pid_t os_spawn(const char *const argv[], const char *const envp[])
{
	pid_t pid = fork();

	if (pid == 0) {
		os_signals_child_reset();
		setsid();
		execve(argv[0], (char *const *)argv, (char *const *)envp);
		os_say("error: cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		os_say("error: cannot fork for %s: %s", argv[0], strerror(errno));
	return pid;
}

void os_reap(pid_t *watched, int *status)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (watched && pid == *watched) {
			*watched = 0;
			if (status)
				*status = st;
		}
}

int os_wait_signal(unsigned ms, pid_t *watched, int *status)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	sigset_t set;
	int sig;

	init_signal_set(&set);
	sig = sigtimedwait(&set, NULL, &ts);
	os_reap(watched, status);
	return sig > 0 && sig != SIGCHLD ? sig : 0;
}

/* True once init has no children left. Every process ends up a child of
 * init when its parent dies, so this means no processes are left (kill(-1,
 * 0) cannot tell: it also counts kernel threads). */
static bool no_children_left(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* SIGTERM to everyone, up to a second to exit, then SIGKILL. */
static void kill_everyone(void)
{
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	for (int i = 0; i < 100; i++) {
		if (no_children_left())
			return;
		usleep(10000);
	}
	kill(-1, SIGKILL);
	for (int i = 0; i < 100 && !no_children_left(); i++)
		usleep(10000);
}

void os_shutdown(pid_t watchdog, int how, bool disarm, const char *reason)
{
	const char *action = how == (int)RB_POWER_OFF ? "poweroff" : "reboot";

	if (disarm) {
		os_watchdog_stop(watchdog);
	} else if (watchdog > 0) {
		/* SIGKILL closes the device without the magic 'V': it stays armed. */
		kill(watchdog, SIGKILL);
	}
	kill_everyone();
	stage_shutdown(action, reason, disarm);
	sync();
	reboot(how);
	os_say("error: reboot(%s) failed: %s; halting here", action, strerror(errno));
	for (;;)
		pause();
}
