/* SPDX-License-Identifier: MIT */
/* Harvest at boot: watchdog boot status and pstore files; see harvest.h. */
#include "libpersist/harvest.h"
#include "libpersist/persist_linux.h"

#include <dirent.h>
#include <errno.h>
#include <linux/watchdog.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PSTORE_MAX_FILES 64
#define PSTORE_FILE_MAX (4u << 20) /* read at most this much of one file */

static void note(struct persist_harvest_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct persist_harvest_result *r, const char *fmt, ...)
{
	size_t used = strlen(r->notes);
	va_list ap;

	if (used + 2 >= sizeof(r->notes))
		return;
	if (used)
		r->notes[used++] = ';', r->notes[used++] = ' ', r->notes[used] = '\0';
	va_start(ap, fmt);
	vsnprintf(r->notes + used, sizeof(r->notes) - used, fmt, ap);
	va_end(ap);
}

/* The attempt before the running one: the newest that is not boot_id (and,
 * with boot_id unknown, not the newest still running, which is this one). */
static const struct persist_attempt *crashed_attempt(const struct persist_store *s,
						     uint64_t boot_id)
{
	const struct persist_boot_state *st = persist_boot_state(s);
	bool skipped_running = false;

	for (uint32_t i = st->n_history; i-- > 0;) {
		const struct persist_attempt *a = &st->history[i];

		if (boot_id && a->boot_id >= boot_id)
			continue;
		if (!boot_id && !skipped_running && a->outcome == PERSIST_END_RUNNING) {
			skipped_running = true;
			continue;
		}
		return a;
	}
	return NULL;
}

/* Is there a crash record of this cause for this crashed boot already? */
static bool already_recorded(struct persist_store *s, int cause, uint64_t crashed)
{
	static struct persist_log_iter it;
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	struct persist_record rec;
	struct persist_crash c;
	uint8_t *buf = malloc(PERSIST_RECORD_MAX);
	bool found = false;

	if (!buf)
		return false;
	persist_log_iter_init(&it, s, 0, &f);
	while (!found && persist_log_next(&it, &rec, buf, PERSIST_RECORD_MAX) == 1)
		found = !persist_crash_decode(&rec, &c) && c.cause == cause &&
			c.crashed_boot_id == crashed && rec.source != PERSIST_SRC_BOOTMGR;
	free(buf);
	return found;
}

/* The newest watchdog-source message of a boot, for the record's details. */
static int last_watchdog_msg(void *ctx, const struct persist_record *rec)
{
	char *out = ctx;
	size_t n = rec->msg_len < 300 ? rec->msg_len : 300;

	memcpy(out, rec->msg, n);
	out[n] = '\0';
	return 1;
}

static const char *attempt_words(const struct persist_attempt *a, char *buf, size_t len)
{
	if (!a)
		snprintf(buf, len, "an unknown boot");
	else
		snprintf(buf, len, "boot %llu ('%s', highest stage %s)",
			 (unsigned long long)a->boot_id, a->entry, persist_stage_name(a->stage));
	return buf;
}

/* ---- watchdog ---- */

static bool read_bootstatus(const struct persist_harvest_opts *o, struct persist_harvest_result *r,
			    uint32_t *flags)
{
	const char *dev = o->watchdog ? o->watchdog : PERSIST_WDT_DEVICE;
	struct persist_wdt_status st;
	struct persist_wdt w;
	char dir[300];
	int e;

	if (o->watchdog_sysfs && o->watchdog_sysfs[0])
		snprintf(dir, sizeof(dir), "%s", o->watchdog_sysfs);
	else if (o->watchdog_sysfs || persist_wdt_sysfs_dir(dev, dir, sizeof(dir)))
		dir[0] = '\0';
	if (dir[0] && persist_wdt_sysfs_status(dir, &st) == 0 && st.have_bootstatus) {
		*flags = st.bootstatus;
		return true;
	}
	/* Opening arms it: ask, then magic close. The daemon opens it again. */
	if ((e = persist_wdt_open(&w, dev, o->wdt_ops))) {
		if (e != -ENOENT)
			note(r, "watchdog %s: cannot open it (%s)", dev, strerror(-e));
		return false;
	}
	e = persist_wdt_get_status(&w, &st);
	persist_wdt_close(&w);
	if (e || !st.have_bootstatus) {
		note(r, "watchdog %s: no boot status (%s)", dev, e ? strerror(-e) : "not supported");
		return false;
	}
	*flags = st.bootstatus;
	return true;
}

static int harvest_watchdog(struct persist_store *s, const struct persist_harvest_opts *o,
			    const struct persist_attempt *a, struct persist_harvest_result *r)
{
	struct persist_filter f = { .sources = 1u << PERSIST_SRC_WATCHDOG };
	char details[700], who[200], last[320] = "";
	struct persist_crash c;
	uint32_t flags = 0;
	uint8_t *buf;

	if (o->watchdog && !o->watchdog[0])
		return 0;
	if (!read_bootstatus(o, r, &flags) || !(flags & WDIOF_CARDRESET))
		return 0;
	r->watchdog_reset = true;
	if (already_recorded(s, PERSIST_CAUSE_WATCHDOG, a ? a->boot_id : 0)) {
		r->already++;
		return 0;
	}
	if (a && (buf = malloc(PERSIST_RECORD_MAX))) {
		f.boot_id = a->boot_id;
		persist_log_last(s, 1, &f, last_watchdog_msg, last, buf, PERSIST_RECORD_MAX);
		free(buf);
	}
	snprintf(details, sizeof(details), "the watchdog reset the machine during %s%s%s",
		 attempt_words(a, who, sizeof(who)), last[0] ? "; its last word: " : "", last);
	memset(&c, 0, sizeof(c));
	c.cause = PERSIST_CAUSE_WATCHDOG;
	c.stage = a ? a->stage : PERSIST_STAGE_NONE;
	c.crashed_boot_id = a ? a->boot_id : 0;
	c.details = details;
	c.details_len = strlen(details);
	c.raw_len = 0;
	if (persist_crash_append(s, PERSIST_SRC_WATCHDOG, &c))
		return PERSIST_E_IO;
	r->watchdog_recorded = true;
	return 0;
}

/* ---- pstore ---- */

struct blob {
	char *data;
	size_t len, cap;
};

static bool blob_put(struct blob *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *d = realloc(b->data, cap);

		if (!d)
			return false;
		b->data = d, b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

static bool blob_file(struct blob *b, const char *path, const char *name)
{
	char head[400], chunk[8192];
	FILE *f = fopen(path, "re");
	size_t n, total = 0;
	bool ok;

	if (!f)
		return false;
	snprintf(head, sizeof(head), "==== %s ====\n", name);
	ok = blob_put(b, head, strlen(head));
	while (ok && total < PSTORE_FILE_MAX && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		ok = blob_put(b, chunk, n);
		total += n;
	}
	fclose(f);
	if (ok && b->len && b->data[b->len - 1] != '\n')
		ok = blob_put(b, "\n", 1);
	return ok;
}

/* The most telling line of a kernel dump, for the details. */
static void headline(const char *text, char *out, size_t len)
{
	static const char *const keys[] = { "Kernel panic", "Oops", "BUG:", "Panic#", "Oops#" };
	const char *hit = NULL;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !hit; i++)
		hit = strstr(text, keys[i]);
	if (!hit) {
		snprintf(out, len, "no panic line found");
		return;
	}
	snprintf(out, len, "%.*s", (int)strcspn(hit, "\n"), hit);
	if (strlen(out) > 160)
		out[160] = '\0';
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int harvest_pstore(struct persist_store *s, const struct persist_harvest_opts *o,
			  const struct persist_attempt *a, struct persist_harvest_result *r)
{
	const char *dir = o->pstore_dir ? o->pstore_dir : PERSIST_PSTORE_DIR;
	char *names[PSTORE_MAX_FILES], path[700], details[900], who[200], head[200];
	char list[300] = "";
	struct blob b = { 0 };
	struct persist_crash c;
	struct dirent *de;
	unsigned n = 0;
	int ret = 0;
	DIR *d;

	if (o->pstore_dir && !o->pstore_dir[0])
		return 0;
	if (!(d = opendir(dir))) {
		if (errno != ENOENT)
			note(r, "pstore %s: cannot list it (%s)", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) && n < PSTORE_MAX_FILES) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (!n)
		return 0;
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i] ? names[i] : "");
		if (!names[i] || !blob_file(&b, path, names[i]))
			note(r, "pstore %s: cannot read it", path);
		else if (strlen(list) + strlen(names[i]) + 3 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? ", " : "", names[i]);
	}
	r->pstore_files = n;
	r->pstore_bytes = b.len;
	if (already_recorded(s, PERSIST_CAUSE_PANIC, a ? a->boot_id : 0)) {
		r->already++; /* recorded before the files could be removed */
	} else if (b.len) {
		headline(b.data, head, sizeof(head));
		snprintf(details, sizeof(details),
			 "kernel panic or oops saved by pstore during %s: %s (files: %s)",
			 attempt_words(a, who, sizeof(who)), head, list);
		memset(&c, 0, sizeof(c));
		c.cause = PERSIST_CAUSE_PANIC;
		c.stage = a ? a->stage : PERSIST_STAGE_NONE;
		c.crashed_boot_id = a ? a->boot_id : 0;
		c.details = details;
		c.details_len = strlen(details);
		c.data = (const uint8_t *)b.data;
		c.data_len = b.len;
		if ((ret = persist_crash_append_zlib(s, PERSIST_SRC_KERNEL, &c, &r->kept)))
			note(r, "pstore: the record could not be written (%s); files kept",
			     persist_strerror(ret));
		else
			r->panic_recorded = true;
	}
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i] ? names[i] : "");
		if (!ret && !o->keep_pstore && names[i]) {
			if (unlink(path) == 0)
				r->removed++;
			else
				note(r, "pstore %s: cannot remove it (%s)", path, strerror(errno));
		}
		free(names[i]);
	}
	free(b.data);
	return ret;
}

int persist_harvest(struct persist_store *s, const struct persist_harvest_opts *o,
		    struct persist_harvest_result *res)
{
	static const struct persist_harvest_opts defaults;
	const struct persist_attempt *a;
	uint64_t old_boot_id = s->boot_id;
	int r;

	if (!o)
		o = &defaults;
	memset(res, 0, sizeof(*res));
	a = crashed_attempt(s, o->boot_id);
	res->crashed_boot_id = a ? a->boot_id : 0;
	res->crashed_stage = a ? a->stage : PERSIST_STAGE_NONE;
	persist_set_boot_id(s, o->boot_id);
	r = harvest_watchdog(s, o, a, res);
	if (!r)
		r = harvest_pstore(s, o, a, res);
	persist_set_boot_id(s, old_boot_id);
	return r;
}
