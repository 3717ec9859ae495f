/* SPDX-License-Identifier: MIT */
/*
 * The watchdog API, policy files, health checks and the daemon loop, driven
 * through a fake driver (the ops table) on temp files: no device, no root.
 */
#include "libpersist/persist_linux.h"
#include "libpersist/watchdog.h"
#include "tests/unit.h"

#include <errno.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#define DIR "build/libpersist/watchdog-test"

/* A driver in memory. */
struct fake {
	bool open, armed, magic, disabled, no_pretimeout;
	int open_error;
	int timeout, pretimeout, kicks;
	uint32_t bootstatus;
};

static int f_open(void *ctx, const char *path)
{
	struct fake *f = ctx;

	(void)path;
	if (f->open_error)
		return -f->open_error;
	if (f->open)
		return -EBUSY;
	f->open = f->armed = true;
	f->magic = f->disabled = false;
	return 42;
}

static int f_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	struct fake *f = ctx;
	int *v = arg;

	if (fd != 42 || !f->open)
		return -EBADF;
	switch (req) {
	case WDIOC_SETTIMEOUT: f->timeout = *v > 60 ? 60 : *v; *v = f->timeout; return 0;
	case WDIOC_GETTIMEOUT: *v = f->timeout; return 0;
	case WDIOC_SETPRETIMEOUT:
		if (f->no_pretimeout)
			return -ENOTTY;
		f->pretimeout = *v;
		return 0;
	case WDIOC_GETPRETIMEOUT: *v = f->pretimeout; return 0;
	case WDIOC_GETTIMELEFT: *v = f->timeout - 1; return 0;
	case WDIOC_GETBOOTSTATUS: *v = (int)f->bootstatus; return 0;
	case WDIOC_GETSTATUS: *v = 0; return 0;
	case WDIOC_KEEPALIVE: f->kicks++; return 0;
	case WDIOC_SETOPTIONS: f->disabled = *v & WDIOS_DISABLECARD; return 0;
	case WDIOC_GETSUPPORT: {
		struct watchdog_info *i = arg;

		memset(i, 0, sizeof(*i));
		memcpy(i->identity, "fake timer", 10);
		i->options = WDIOF_SETTIMEOUT | WDIOF_MAGICCLOSE | WDIOF_KEEPALIVEPING;
		return 0;
	}
	default: return -ENOTTY;
	}
}

static int f_write(void *ctx, int fd, const void *buf, size_t len)
{
	struct fake *f = ctx;

	(void)fd;
	if (len == 1 && *(const char *)buf == 'V')
		f->magic = true;
	return 0;
}

static void f_close(void *ctx, int fd)
{
	struct fake *f = ctx;

	(void)fd;
	f->open = false;
	if (f->magic || f->disabled)
		f->armed = false;
}

static struct fake drv;
static const struct persist_wdt_ops fake_ops = { &drv, f_open, f_ioctl, f_write, f_close };

static const char *path(const char *name)
{
	static char buf[4][512];
	static unsigned n;
	char *p = buf[n++ % 4], cwd[256];

	/* absolute: policy paths must be */
	mkdir(DIR, 0755);
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	snprintf(p, 512, "%s/" DIR "/%s", cwd, name);
	return p;
}

TEST(device_calls_go_through_the_ops)
{
	struct persist_wdt w;
	struct persist_wdt_status st;
	char flags[200];
	int actual = 0;

	memset(&drv, 0, sizeof(drv));
	drv.bootstatus = WDIOF_CARDRESET;
	REQUIRE(persist_wdt_open(&w, "/dev/watchdog1", &fake_ops) == 0);
	CHECK(drv.armed);
	CHECK_EQ_INT(persist_wdt_set_timeout(&w, 90, &actual), 0);
	CHECK_EQ_INT(actual, 60); /* the driver's choice wins */
	CHECK_EQ_INT(persist_wdt_set_pretimeout(&w, 5, NULL), 0);
	CHECK_EQ_INT(persist_wdt_kick(&w), 0);
	CHECK_EQ_INT(drv.kicks, 1);
	REQUIRE(persist_wdt_get_status(&w, &st) == 0);
	CHECK_EQ_STR(st.identity, "fake timer");
	CHECK(st.timeout == 60 && st.pretimeout == 5 && st.timeleft == 59);
	CHECK(st.have_bootstatus && (st.bootstatus & WDIOF_CARDRESET));
	CHECK(strstr(persist_wdt_flags_text(st.bootstatus, flags, sizeof(flags)), "card reset"));
	CHECK_EQ_STR(persist_wdt_flags_text(0, flags, sizeof(flags)), "none");
	CHECK_EQ_INT(persist_wdt_close(&w), 0);
	CHECK(drv.magic && !drv.armed && !drv.open);
	CHECK_EQ_INT(persist_wdt_kick(&w), -EBADF);

	REQUIRE(persist_wdt_open(&w, NULL, &fake_ops) == 0);
	CHECK_EQ_STR(w.path, "/dev/watchdog");
	persist_wdt_leave_armed(&w);
	CHECK(drv.armed && !drv.magic);
	REQUIRE(persist_wdt_open(&w, NULL, &fake_ops) == 0);
	CHECK_EQ_INT(persist_wdt_disarm(&w), 0);
	CHECK(drv.disabled && !drv.armed);
	drv.open_error = ENOENT;
	CHECK_EQ_INT(persist_wdt_open(&w, "/dev/nothing", &fake_ops), -ENOENT);
}

TEST(sysfs_status_and_dir)
{
	char dir[300];
	struct persist_wdt_status st;
	const char *d = path("sysfs");
	FILE *f;
	static const char *const files[][2] = {
		{ "identity", "i6300ESB timer\n" }, { "timeout", "30\n" }, { "timeleft", "12\n" },
		{ "bootstatus", "0x20\n" },	     { "state", "active\n" },
	};

	CHECK_EQ_INT(persist_wdt_sysfs_dir("/dev/watchdog", dir, sizeof(dir)), 0);
	CHECK_EQ_STR(dir, "/sys/class/watchdog/watchdog0");
	CHECK_EQ_INT(persist_wdt_sysfs_dir("/dev/watchdog3", dir, sizeof(dir)), 0);
	CHECK_EQ_STR(dir, "/sys/class/watchdog/watchdog3");
	CHECK_EQ_INT(persist_wdt_sysfs_dir("/dev/sda", dir, sizeof(dir)), -EINVAL);
	mkdir(d, 0755);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[400];

		snprintf(p, sizeof(p), "%s/%s", d, files[i][0]);
		REQUIRE((f = fopen(p, "w")) != NULL);
		fputs(files[i][1], f);
		fclose(f);
	}
	REQUIRE(persist_wdt_sysfs_status(d, &st) == 0);
	CHECK_EQ_STR(st.identity, "i6300ESB timer");
	CHECK(st.timeout == 30 && st.timeleft == 12 && st.pretimeout == -1 && st.active == 1);
	CHECK(st.have_bootstatus && st.bootstatus == WDIOF_CARDRESET);
	CHECK(persist_wdt_sysfs_status(DIR "/no-such-dir", &st) < 0);
}

TEST(policy_files_parse_format_and_edit)
{
	static const char text[] = "# comment\n\n  device /dev/watchdog1\ntimeout 20 # s\n"
				   "pretimeout 5\npidfile /run/a.pid\nprocess sshd\n"
				   "fresh /run/beat 60\nprocess sshd\n";
	struct persist_wdt_policy p, q;
	char err[200], out[2048];
	const char *set1[] = { "interval", "7" }, *set2[] = { "fresh", "/run/x", "0" };
	const char *set3[] = { "process", "a-name-longer-than-15" }, *set4[] = { "bogus", "1" };
	int n;

	REQUIRE(persist_wdt_policy_parse(text, sizeof(text) - 1, &p, err, sizeof(err)) == 0);
	CHECK_EQ_STR(p.device, "/dev/watchdog1");
	CHECK(p.timeout == 20 && p.pretimeout == 5 && p.interval == 0);
	CHECK_EQ_INT(p.n_checks, 3); /* the repeated process check counts once */
	CHECK_EQ_INT(p.checks[2].kind, PERSIST_WDT_CHECK_FRESH);
	CHECK_EQ_INT(p.checks[2].max_age, 60);
	CHECK_EQ_INT(persist_wdt_policy_interval(&p), 6);
	n = persist_wdt_policy_format(&p, out, sizeof(out));
	REQUIRE(n > 0 && (size_t)n < sizeof(out));
	REQUIRE(persist_wdt_policy_parse(out, (size_t)n, &q, err, sizeof(err)) == 0);
	CHECK(memcmp(&p, &q, sizeof(p)) == 0);
	CHECK_EQ_INT(persist_wdt_policy_format(&p, out, 10), n); /* snprintf-like */

	CHECK_EQ_INT(persist_wdt_policy_set(&p, 2, set1, err, sizeof(err)), 0);
	CHECK_EQ_INT(p.interval, 7);
	CHECK_EQ_INT(persist_wdt_policy_set(&p, 3, set2, err, sizeof(err)), PERSIST_E_INVAL);
	CHECK(strstr(err, "seconds") != NULL);
	CHECK_EQ_INT(persist_wdt_policy_set(&p, 2, set3, err, sizeof(err)), PERSIST_E_INVAL);
	CHECK_EQ_INT(persist_wdt_policy_set(&p, 2, set4, err, sizeof(err)), PERSIST_E_INVAL);
	CHECK(strstr(err, "unknown setting 'bogus'") != NULL);
	CHECK_EQ_INT(persist_wdt_policy_unset(&p, "process", NULL), 0);
	CHECK_EQ_INT(p.n_checks, 2);
	CHECK_EQ_INT(persist_wdt_policy_unset(&p, "process", NULL), PERSIST_E_NOTFOUND);
	CHECK_EQ_INT(persist_wdt_policy_unset(&p, "fresh", "/run/other"), PERSIST_E_NOTFOUND);
	CHECK_EQ_INT(persist_wdt_policy_unset(&p, "timeout", NULL), 0);
	CHECK_EQ_INT(p.timeout, 30);

	CHECK_EQ_INT(persist_wdt_policy_parse("timeout 10\ninterval 10\n", 23, &q, err,
					      sizeof(err)), PERSIST_E_INVAL);
	CHECK(strstr(err, "interval") != NULL);
	CHECK_EQ_INT(persist_wdt_policy_parse("timeout 10\npretimeout x\n", 24, &q, err,
					      sizeof(err)), PERSIST_E_INVAL);
	CHECK(strstr(err, "line 2:") != NULL);
	CHECK_EQ_INT(persist_wdt_policy_parse("device relative\n", 16, &q, err, sizeof(err)),
		     PERSIST_E_INVAL);
	CHECK_EQ_INT(persist_wdt_policy_parse("timeout 0\n", 10, &q, err, sizeof(err)),
		     PERSIST_E_INVAL);
	CHECK_EQ_INT(persist_wdt_policy_parse("a b c d e\n", 10, &q, err, sizeof(err)),
		     PERSIST_E_INVAL);
	CHECK(strstr(err, "too many words") != NULL);
}

TEST(policy_files_save_and_load)
{
	struct persist_wdt_policy p, q;
	const char *f = path("policy.conf");
	const char *set[] = { "fresh", "/run/beat", "9" };
	char err[200];

	unlink(f);
	CHECK_EQ_INT(persist_wdt_policy_load(f, false, &p, err, sizeof(err)), -ENOENT);
	CHECK(strstr(err, "cannot read") != NULL);
	REQUIRE(persist_wdt_policy_load(f, true, &p, err, sizeof(err)) == 0);
	CHECK(p.timeout == 30 && p.n_checks == 0);
	REQUIRE(persist_wdt_policy_set(&p, 3, set, err, sizeof(err)) == 0);
	REQUIRE(persist_wdt_policy_save(f, &p) == 0);
	REQUIRE(persist_wdt_policy_load(f, false, &q, err, sizeof(err)) == 0);
	CHECK(memcmp(&p, &q, sizeof(p)) == 0);
}

TEST(health_checks_pass_and_fail_for_the_right_reasons)
{
	struct persist_wdt_check c = { .kind = PERSIST_WDT_CHECK_PIDFILE };
	const char *pidfile = path("self.pid"), *proc = path("proc");
	char why[300], text[32];
	struct utimbuf old = { 1000, 1000 };
	pid_t child;

	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	unit_write_text(pidfile, text);
	snprintf(c.arg, sizeof(c.arg), "%s", pidfile);
	CHECK_EQ_INT(persist_wdt_check_run(&c, NULL, time(NULL), why, sizeof(why)), 0);
	/* a child that has exited and been reaped is not alive */
	if ((child = fork()) == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	snprintf(text, sizeof(text), "%d\n", (int)child);
	unit_write_text(pidfile, text);
	CHECK_EQ_INT(persist_wdt_check_run(&c, NULL, time(NULL), why, sizeof(why)), 1);
	CHECK(strstr(why, "is not running") != NULL);
	unit_write_text(pidfile, "garbage\n");
	CHECK_EQ_INT(persist_wdt_check_run(&c, NULL, time(NULL), why, sizeof(why)), 1);
	CHECK(strstr(why, "holds no pid") != NULL);

	/* by name, in a fake /proc: a zombie does not count */
	c.kind = PERSIST_WDT_CHECK_PROCESS;
	snprintf(c.arg, sizeof(c.arg), "keel-app");
	CHECK_EQ_INT(system("rm -rf " DIR "/proc && mkdir -p " DIR "/proc/77 " DIR "/proc/self"),
		     0);
	unit_write_text(DIR "/proc/77/comm", "keel-app\n");
	unit_write_text(DIR "/proc/77/stat", "77 (keel-app) Z 1 77 77 0\n");
	CHECK_EQ_INT(persist_wdt_check_run(&c, proc, time(NULL), why, sizeof(why)), 1);
	CHECK(strstr(why, "no process named 'keel-app'") != NULL);
	unit_write_text(DIR "/proc/77/stat", "77 (keel-app) S 1 77 77 0\n");
	CHECK_EQ_INT(persist_wdt_check_run(&c, proc, time(NULL), why, sizeof(why)), 0);

	c.kind = PERSIST_WDT_CHECK_FRESH;
	c.max_age = 30;
	snprintf(c.arg, sizeof(c.arg), "%s", pidfile);
	CHECK_EQ_INT(persist_wdt_check_run(&c, NULL, time(NULL), why, sizeof(why)), 0);
	utime(pidfile, &old);
	CHECK_EQ_INT(persist_wdt_check_run(&c, NULL, time(NULL), why, sizeof(why)), 1);
	CHECK(strstr(why, "last modified") != NULL);
	snprintf(c.arg, sizeof(c.arg), DIR "/missing");
	CHECK_EQ_INT(persist_wdt_check_run(&c, NULL, time(NULL), why, sizeof(why)), 1);
}

/* ---- the daemon ---- */

struct sleeper {
	unsigned calls, stop_after, stale_after;
	volatile sig_atomic_t *stop;
	const char *beat;
};

static void fake_sleep(void *ctx, unsigned seconds)
{
	struct sleeper *s = ctx;
	struct utimbuf old = { 1000, 1000 };

	(void)seconds;
	s->calls++;
	if (s->stop_after && s->calls >= s->stop_after)
		*s->stop = 1;
	if (s->stale_after && s->calls >= s->stale_after)
		utime(s->beat, &old);
}

static void quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

/* The store's messages from source watchdog, joined by '|'. */
static void watchdog_messages(const char *store, char *out, size_t len)
{
	static uint8_t buf[PERSIST_RECORD_MAX];
	struct persist_filter f = { .sources = 1u << PERSIST_SRC_WATCHDOG };
	struct persist_store *s;
	struct persist_log_iter it;
	struct persist_record rec;
	size_t used = 0;

	out[0] = '\0';
	if (persist_linux_open(store, 0, &s))
		return;
	persist_log_iter_init(&it, s, 0, &f);
	while (persist_log_next(&it, &rec, buf, sizeof(buf)) == 1 && used + rec.msg_len + 2 < len) {
		memcpy(out + used, rec.msg, rec.msg_len);
		used += rec.msg_len;
		out[used++] = '|';
		out[used] = '\0';
	}
	persist_linux_close(s);
}

/* A fresh store, a fresh heartbeat file and the daemon tests' policy: a
 * 10 s pretimeout and one check, the heartbeat fresher than 60 s. */
static bool daemon_setup(const char *store, const char *beat, struct persist_wdt_policy *p)
{
	const char *set[] = { "fresh", beat, "60" };
	struct persist_store *s;
	char err[200];

	unlink(store);
	if (persist_linux_format(store, 1u << 20, NULL, &s) != 0)
		return false;
	persist_linux_close(s);
	unit_write_text(beat, "x");
	persist_wdt_policy_default(p);
	p->pretimeout = 10;
	return persist_wdt_policy_set(p, 3, set, err, sizeof(err)) == 0;
}

TEST(daemon_kicks_while_checks_pass_and_stops_with_magic_close)
{
	static char msgs[8192];
	volatile sig_atomic_t stop = 0;
	struct persist_wdt_policy p;
	struct persist_wdt_result res;
	const char *store = path("daemon.store"), *beat = path("beat");
	struct sleeper sl = { .stop_after = 3, .stop = &stop };
	struct persist_wdt_daemon d = { .policy = &p, .ops = &fake_ops, .store_path = store,
					.boot_id = 5, .stop = &stop, .sleep = fake_sleep,
					.sleep_ctx = &sl, .say = quiet };

	memset(&drv, 0, sizeof(drv));
	REQUIRE(daemon_setup(store, beat, &p));
	REQUIRE(persist_wdt_run(&d, &res) == 0);
	CHECK_EQ_INT(res.kicks, 3);
	CHECK_EQ_INT(drv.kicks, 3);
	CHECK(res.stopped && !res.check_failed);
	CHECK(drv.magic && !drv.armed && drv.timeout == 30 && drv.pretimeout == 10);
	watchdog_messages(store, msgs, sizeof(msgs));
	CHECK(strstr(msgs, "armed /dev/watchdog: timeout 30 s, pretimeout 10 s") != NULL);
	CHECK(strstr(msgs, "stopped on request: magic close") != NULL);
}

TEST(daemon_stops_kicking_when_a_check_fails_and_logs_why)
{
	static char msgs[8192];
	volatile sig_atomic_t stop = 0;
	struct persist_wdt_policy p;
	struct persist_wdt_result res;
	const char *store = path("failing.store"), *beat = path("beat2");
	struct sleeper sl = { .stale_after = 2, .beat = beat, .stop = &stop };
	struct persist_wdt_daemon d = { .policy = &p, .ops = &fake_ops, .store_path = store,
					.boot_id = 6, .stop = &stop, .sleep = fake_sleep,
					.sleep_ctx = &sl, .max_rounds = 5, .say = quiet };

	memset(&drv, 0, sizeof(drv));
	drv.no_pretimeout = true;
	REQUIRE(daemon_setup(store, beat, &p));
	REQUIRE(persist_wdt_run(&d, &res) == 0);
	CHECK_EQ_INT(res.rounds, 5);
	CHECK_EQ_INT(res.kicks, 2); /* the file went stale after the second sleep */
	CHECK(res.check_failed && !res.stopped);
	CHECK(drv.armed && !drv.magic); /* left running: the reset comes */
	watchdog_messages(store, msgs, sizeof(msgs));
	CHECK(strstr(msgs, "has no pretimeout 10 s") != NULL);
	CHECK(strstr(msgs, "health check failed") && strstr(msgs, "no longer kicking"));
	CHECK(strstr(msgs, "stopped on request") == NULL);
}

TEST(daemon_reports_a_device_it_cannot_open)
{
	struct persist_wdt_policy p;
	volatile sig_atomic_t stop = 0;
	struct persist_wdt_daemon d = { .policy = &p, .ops = &fake_ops, .stop = &stop,
					.say = quiet, .device = "/dev/none" };

	memset(&drv, 0, sizeof(drv));
	drv.open_error = ENOENT;
	persist_wdt_policy_default(&p);
	CHECK_EQ_INT(persist_wdt_run(&d, NULL), -ENOENT);
}
