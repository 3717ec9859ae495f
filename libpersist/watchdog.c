/* SPDX-License-Identifier: MIT */
/* The watchdog device, health checks and the daemon loop; see watchdog.h. */
#include "libpersist/watchdog.h"
#include "libpersist/persist_linux.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the device ---- */

static int sys_open(void *ctx, const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	(void)ctx;
	return fd >= 0 ? fd : -errno;
}

static int sys_ioctl(void *ctx, int fd, unsigned long request, void *arg)
{
	(void)ctx;
	return ioctl(fd, request, arg) == 0 ? 0 : -errno;
}

static int sys_write(void *ctx, int fd, const void *buf, size_t len)
{
	ssize_t n;

	(void)ctx;
	while ((n = write(fd, buf, len)) < 0 && errno == EINTR)
		;
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

static void sys_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

const struct persist_wdt_ops persist_wdt_system_ops = {
	.open = sys_open, .ioctl = sys_ioctl, .write = sys_write, .close = sys_close,
};

int persist_wdt_open(struct persist_wdt *w, const char *path, const struct persist_wdt_ops *ops)
{
	int fd;

	w->ops = ops ? ops : &persist_wdt_system_ops;
	w->fd = -1;
	snprintf(w->path, sizeof(w->path), "%s", path ? path : PERSIST_WDT_DEVICE);
	if ((fd = w->ops->open(w->ops->ctx, w->path)) < 0)
		return fd;
	w->fd = fd;
	return 0;
}

static int wdt_ioctl(struct persist_wdt *w, unsigned long req, void *arg)
{
	if (w->fd < 0)
		return -EBADF;
	return w->ops->ioctl(w->ops->ctx, w->fd, req, arg);
}

int persist_wdt_set_timeout(struct persist_wdt *w, int seconds, int *actual)
{
	int v = seconds, r;

	if (seconds <= 0)
		return -EINVAL;
	if ((r = wdt_ioctl(w, WDIOC_SETTIMEOUT, &v)))
		return r;
	if (actual)
		*actual = v;
	return 0;
}

int persist_wdt_set_pretimeout(struct persist_wdt *w, int seconds, int *actual)
{
	int v = seconds, r;

	if (seconds < 0)
		return -EINVAL;
	if ((r = wdt_ioctl(w, WDIOC_SETPRETIMEOUT, &v)))
		return r;
	if (actual)
		*actual = v;
	return 0;
}

int persist_wdt_kick(struct persist_wdt *w)
{
	int dummy = 0;

	return wdt_ioctl(w, WDIOC_KEEPALIVE, &dummy);
}

int persist_wdt_get_status(struct persist_wdt *w, struct persist_wdt_status *st)
{
	struct watchdog_info info;
	int v, r;

	memset(st, 0, sizeof(*st));
	st->timeout = st->pretimeout = st->timeleft = st->active = -1;
	memset(&info, 0, sizeof(info));
	if ((r = wdt_ioctl(w, WDIOC_GETSUPPORT, &info)))
		return r;
	memcpy(st->identity, info.identity, sizeof(info.identity));
	st->identity[sizeof(info.identity)] = '\0';
	st->options = info.options;
	st->firmware_version = info.firmware_version;
	st->active = 1; /* it is open, so it runs */
	if (!wdt_ioctl(w, WDIOC_GETTIMEOUT, &v))
		st->timeout = v;
	if (!wdt_ioctl(w, WDIOC_GETPRETIMEOUT, &v))
		st->pretimeout = v;
	if (!wdt_ioctl(w, WDIOC_GETTIMELEFT, &v))
		st->timeleft = v;
	if (!wdt_ioctl(w, WDIOC_GETSTATUS, &v))
		st->status = (uint32_t)v, st->have_status = true;
	if (!wdt_ioctl(w, WDIOC_GETBOOTSTATUS, &v))
		st->bootstatus = (uint32_t)v, st->have_bootstatus = true;
	return 0;
}

int persist_wdt_close(struct persist_wdt *w)
{
	int r;

	if (w->fd < 0)
		return -EBADF;
	r = w->ops->write(w->ops->ctx, w->fd, "V", 1);
	w->ops->close(w->ops->ctx, w->fd);
	w->fd = -1;
	return r;
}

int persist_wdt_disarm(struct persist_wdt *w)
{
	int opt = WDIOS_DISABLECARD, r = wdt_ioctl(w, WDIOC_SETOPTIONS, &opt);
	int c = persist_wdt_close(w);

	return r && r != -ENOTTY && r != -EINVAL ? r : c;
}

void persist_wdt_leave_armed(struct persist_wdt *w)
{
	if (w->fd >= 0)
		w->ops->close(w->ops->ctx, w->fd);
	w->fd = -1;
}

/* ---- sysfs ---- */

static bool read_word(const char *dir, const char *name, char *buf, size_t len)
{
	char path[600];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "re")))
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static bool read_num(const char *dir, const char *name, long *v)
{
	char buf[64], *end;

	if (!read_word(dir, name, buf, sizeof(buf)) || !buf[0])
		return false;
	/* bootstatus and status are hex in some kernels ("0x20"), decimal in others */
	*v = strtol(buf, &end, 0);
	return *end == '\0';
}

int persist_wdt_sysfs_status(const char *dir, struct persist_wdt_status *st)
{
	char buf[64];
	long v;

	memset(st, 0, sizeof(*st));
	st->timeout = st->pretimeout = st->timeleft = st->active = -1;
	if (!read_word(dir, "identity", st->identity, sizeof(st->identity)))
		return errno ? -errno : -ENOENT;
	if (read_num(dir, "timeout", &v))
		st->timeout = (int)v;
	if (read_num(dir, "pretimeout", &v))
		st->pretimeout = (int)v;
	if (read_num(dir, "timeleft", &v))
		st->timeleft = (int)v;
	if (read_num(dir, "status", &v))
		st->status = (uint32_t)v, st->have_status = true;
	if (read_num(dir, "bootstatus", &v))
		st->bootstatus = (uint32_t)v, st->have_bootstatus = true;
	if (read_word(dir, "state", buf, sizeof(buf)))
		st->active = strcmp(buf, "active") == 0;
	return 0;
}

int persist_wdt_sysfs_dir(const char *device, char *out, size_t outlen)
{
	const char *base = strrchr(device, '/');

	base = base ? base + 1 : device;
	if (strncmp(base, "watchdog", 8) != 0)
		return -EINVAL;
	snprintf(out, outlen, "/sys/class/watchdog/watchdog%s", base[8] ? base + 8 : "0");
	return 0;
}

const char *persist_wdt_flags_text(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ WDIOF_CARDRESET, "card reset (the last reset was the watchdog)" },
		{ WDIOF_OVERHEAT, "overheat" },
		{ WDIOF_FANFAULT, "fan fault" },
		{ WDIOF_EXTERN1, "external 1" },
		{ WDIOF_EXTERN2, "external 2" },
		{ WDIOF_POWERUNDER, "power under" },
		{ WDIOF_POWEROVER, "power over" },
		{ WDIOF_KEEPALIVEPING, "keepalive ping" },
	};
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit) || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 names[i].name);
	}
	if (!used && len)
		snprintf(buf, len, "none");
	return buf;
}

/* ---- policy files ---- */

int persist_wdt_policy_load(const char *path, bool missing_ok, struct persist_wdt_policy *p,
			    char *err, size_t errlen)
{
	static char text[64 * 1024];
	FILE *f = fopen(path, "re");
	size_t n;
	int r;

	if (!f) {
		if (errno == ENOENT && missing_ok) {
			persist_wdt_policy_default(p);
			return 0;
		}
		r = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return r;
	}
	n = fread(text, 1, sizeof(text), f);
	r = ferror(f) ? -EIO : 0;
	fclose(f);
	if (r || n == sizeof(text)) {
		snprintf(err, errlen, "%s: %s", path, r ? "read error" : "larger than 64 KiB");
		return r ? r : -EFBIG;
	}
	return persist_wdt_policy_parse(text, n, p, err, errlen);
}

int persist_wdt_policy_save(const char *path, const struct persist_wdt_policy *p)
{
	char text[PERSIST_WDT_MAX_CHECKS * 300 + 512], tmp[PERSIST_WDT_PATH_MAX + 16];
	int n = persist_wdt_policy_format(p, text, sizeof(text)), fd, r = 0;

	if (n < 0 || (size_t)n >= sizeof(text))
		return -EOVERFLOW;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if (write(fd, text, (size_t)n) != n || fsync(fd))
		r = errno ? -errno : -EIO;
	if (close(fd) && !r)
		r = -errno;
	if (!r && rename(tmp, path))
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

/* ---- checks ---- */

/* Alive and not a zombie: /proc/PID/stat's state field is not Z or X. */
static bool pid_alive(const char *proc, long pid)
{
	char path[400], buf[512], *close_paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%ld/stat", proc, pid);
	if (!(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	close_paren = strrchr(buf, ')'); /* the name may hold spaces and parens */
	return close_paren && close_paren[1] == ' ' && close_paren[2] != 'Z' &&
	       close_paren[2] != 'X' && close_paren[2] != '\0';
}

static int check_pidfile(const struct persist_wdt_check *c, const char *proc, char *why,
			 size_t len)
{
	char buf[32], *end;
	FILE *f = fopen(c->arg, "re");
	long pid;

	if (!f) {
		snprintf(why, len, "pid file %s cannot be read (%s)", c->arg, strerror(errno));
		return 1;
	}
	buf[0] = '\0';
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	pid = strtol(buf, &end, 10);
	if (pid <= 0 || (*end && *end != '\n')) {
		snprintf(why, len, "pid file %s holds no pid", c->arg);
		return 1;
	}
	if (!pid_alive(proc, pid)) {
		snprintf(why, len, "process %ld from pid file %s is not running", pid, c->arg);
		return 1;
	}
	return 0;
}

static int check_process(const struct persist_wdt_check *c, const char *proc, char *why,
			 size_t len)
{
	DIR *d = opendir(proc);
	struct dirent *de;
	char path[600], comm[64];
	int found = 0;

	if (!d) {
		snprintf(why, len, "cannot list processes in %s (%s)", proc, strerror(errno));
		return 1;
	}
	while (!found && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		FILE *f;

		if (pid <= 0 || *end)
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", proc, de->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			found = strcmp(comm, c->arg) == 0 && pid_alive(proc, pid);
		}
		fclose(f);
	}
	closedir(d);
	if (!found)
		snprintf(why, len, "no process named '%s' is running", c->arg);
	return !found;
}

static int check_fresh(const struct persist_wdt_check *c, time_t now, char *why, size_t len)
{
	struct stat st;

	if (stat(c->arg, &st)) {
		snprintf(why, len, "%s cannot be examined (%s)", c->arg, strerror(errno));
		return 1;
	}
	if (now - st.st_mtime > (time_t)c->max_age) {
		snprintf(why, len, "%s was last modified %lld s ago (more than %u s)", c->arg,
			 (long long)(now - st.st_mtime), c->max_age);
		return 1;
	}
	return 0;
}

int persist_wdt_check_run(const struct persist_wdt_check *c, const char *proc_root, time_t now,
			  char *why, size_t whylen)
{
	const char *proc = proc_root ? proc_root : "/proc";

	switch (c->kind) {
	case PERSIST_WDT_CHECK_PIDFILE: return check_pidfile(c, proc, why, whylen);
	case PERSIST_WDT_CHECK_PROCESS: return check_process(c, proc, why, whylen);
	case PERSIST_WDT_CHECK_FRESH: return check_fresh(c, now, why, whylen);
	default: snprintf(why, whylen, "unknown check"); return 1;
	}
}

/* ---- logging to the store ---- */

int persist_wdt_log(const char *store_path, uint64_t boot_id, int level, const char *msg)
{
	struct persist_store *s = NULL;
	int r;

	/* another writer holds the lock for milliseconds: try for about a second */
	for (int i = 0; i < 20; i++) {
		r = persist_linux_open(store_path, PERSIST_OPEN_WRITE, &s);
		if (r != PERSIST_E_BUSY)
			break;
		usleep(50 * 1000);
	}
	if (r)
		return r;
	persist_set_boot_id(s, boot_id);
	r = persist_log_append(s, level, PERSIST_SRC_WATCHDOG, msg, NULL, 0);
	if (!r)
		r = persist_log_commit(s);
	if (persist_linux_close(s) && !r)
		r = PERSIST_E_IO;
	return r;
}

/* ---- the daemon ---- */

static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void default_sleep(void *ctx, unsigned seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };

	(void)ctx;
	nanosleep(&ts, NULL); /* a signal cuts it short: the loop then sees stop */
}

static void default_say(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "watchdog: %s\n", line);
}

struct run {
	const struct persist_wdt_daemon *d;
	volatile sig_atomic_t *stop;
};

/* Says a line and logs it to the store (if any). */
static void note(const struct run *run, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(const struct run *run, int level, const char *fmt, ...)
{
	const struct persist_wdt_daemon *d = run->d;
	char msg[700], line[800];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(d->say ? d->say : default_say)(d->say_ctx, msg);
	if (d->store_path && (r = persist_wdt_log(d->store_path, d->boot_id, level, msg))) {
		snprintf(line, sizeof(line), "could not log to the store %s: %s", d->store_path,
			 persist_strerror(r));
		(d->say ? d->say : default_say)(d->say_ctx, line);
	}
}

/* Runs every check; returns the index of the first failing one, or -1. */
static int run_checks(const struct persist_wdt_daemon *d, char *why, size_t len)
{
	time_t now = time(NULL);

	for (unsigned i = 0; i < d->policy->n_checks; i++)
		if (persist_wdt_check_run(&d->policy->checks[i], d->proc_root, now, why, len))
			return (int)i;
	return -1;
}

static int setup(const struct run *run, struct persist_wdt *w, int *timeout)
{
	const struct persist_wdt_daemon *d = run->d;
	const struct persist_wdt_policy *p = d->policy;
	const char *dev = d->device ? d->device : p->device;
	int r, pre = 0;

	struct persist_wdt_status st;

	if ((r = persist_wdt_open(w, dev, d->ops))) {
		note(run, PERSIST_LEVEL_ERR, "cannot open %s: %s; the watchdog is not armed", dev,
		     strerror(-r));
		return r;
	}
	if ((r = persist_wdt_get_status(w, &st))) {
		note(run, PERSIST_LEVEL_ERR, "%s is not a watchdog device (%s)", dev, strerror(-r));
		persist_wdt_leave_armed(w);
		return r;
	}
	if ((r = persist_wdt_set_timeout(w, (int)p->timeout, timeout))) {
		/* a driver without SETTIMEOUT runs with its own timeout */
		if (r != -ENOTTY && r != -EOPNOTSUPP) {
			note(run, PERSIST_LEVEL_ERR, "%s refuses timeout %u s: %s; disarmed it again",
			     dev, p->timeout, strerror(-r));
			persist_wdt_close(w);
			return r;
		}
		*timeout = st.timeout;
	}
	if (p->pretimeout && (r = persist_wdt_set_pretimeout(w, (int)p->pretimeout, &pre)))
		note(run, PERSIST_LEVEL_WARNING, "%s has no pretimeout %u s (%s); going on without",
		     dev, p->pretimeout, strerror(-r));
	note(run, PERSIST_LEVEL_NOTICE,
	     "armed %s: timeout %d s, pretimeout %d s, kick every %u s, %u health check(s)", dev,
	     *timeout, pre, persist_wdt_policy_interval(p), p->n_checks);
	return 0;
}

int persist_wdt_run(const struct persist_wdt_daemon *d, struct persist_wdt_result *res)
{
	struct persist_wdt_result out = { 0 };
	struct run run = { d, d->stop };
	struct persist_wdt w;
	char why[600], what[400];
	unsigned interval = persist_wdt_policy_interval(d->policy);
	int r, bad;

	if (!run.stop) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop; /* no SA_RESTART: the sleep returns at once */
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		stop_flag = 0;
		run.stop = &stop_flag;
	}
	out.timeout = (int)d->policy->timeout;
	if ((r = setup(&run, &w, &out.timeout)))
		return r;
	while (!*run.stop) {
		if (!out.check_failed) {
			if ((bad = run_checks(d, why, sizeof(why))) >= 0) {
				persist_wdt_check_describe(&d->policy->checks[bad], what, sizeof(what));
				note(&run, PERSIST_LEVEL_CRIT,
				     "health check failed (%s): %s; no longer kicking %s, the "
				     "machine resets within %d s",
				     what, why, w.path, out.timeout);
				out.check_failed = true;
			} else if ((r = persist_wdt_kick(&w))) {
				note(&run, PERSIST_LEVEL_ERR, "kicking %s failed: %s", w.path,
				     strerror(-r));
			} else {
				out.kicks++;
			}
		}
		out.rounds++;
		if (d->max_rounds && out.rounds >= d->max_rounds)
			break;
		if (!*run.stop)
			(d->sleep ? d->sleep : default_sleep)(d->sleep_ctx, interval);
	}
	if (*run.stop) {
		r = persist_wdt_close(&w);
		out.stopped = true;
		note(&run, PERSIST_LEVEL_NOTICE, "stopped on request: magic close of %s%s%s",
		     w.path, r ? " failed: " : " (disarmed unless the driver has nowayout)",
		     r ? strerror(-r) : "");
	} else {
		persist_wdt_leave_armed(&w);
	}
	if (res)
		*res = out;
	return 0;
}
