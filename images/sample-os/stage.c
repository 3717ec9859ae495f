/* SPDX-License-Identifier: MIT */
/*
 * Boot stage reporting: the one place where the sample OS tells the world
 * how far this boot attempt got (kernel → init → services → golden).
 *
 * Each stage goes to the console (the marker the tests read) and, once the
 * persist partition is known, into it through libpersist: the attempt's
 * stage in the boot state (persist_boot_mark_stage, and for golden
 * persist_boot_mark_golden, which makes the entry good and the
 * last-known-good) plus a log record from source "os" stamped with the boot
 * id. Stages reported before the partition shows up are kept and replayed,
 * in order, as soon as it does, so `kernel` is never lost.
 *
 * The store is opened for each write and closed right after: the writer
 * lock is held only for a moment, so `recovery` commands run on the system
 * (recovery mark, recovery log append) are never refused as busy.
 *
 * Nothing here ever stops the boot: a missing or damaged store, or an
 * attempt the store already counted as failed (PERSIST_E_STALE), is printed
 * with persist_strerror() and the boot goes on with console markers only.
 */
#include "images/sample-os/os.h"
#include "libpersist/efivars.h"
#include "libpersist/persist_linux.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static uint64_t boot_id;       /* 0: no boot id, nothing is marked */
static char persist_dev[OS_PATH_MAX];
static bool store_broken;      /* opening failed once: console only */
/* Stages reached but not yet written to the store, lowest first. */
static bool pending[PERSIST_STAGE_COUNT];
static int reached;            /* highest stage reached (enum persist_stage) */

/* Parses a boot id: decimal digits only, 1 … UINT64_MAX. */
static int parse_boot_id(const char *text, uint64_t *out)
{
	uint64_t v = 0;

	if (!text[0] || strlen(text) > 20)
		return -1;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

int stage_set_boot_id(const char *text)
{
	boot_id = 0;
	if (!text || !text[0])
		return 0;
	return parse_boot_id(text, &boot_id);
}

const char *stage_boot_id_text(void)
{
	static char text[24];

	if (!boot_id)
		return "none";
	snprintf(text, sizeof(text), "%llu", (unsigned long long)boot_id);
	return text;
}

/* Opens the store for one write. NULL (after saying why, once) if it
 * cannot be used. */
static struct persist_store *store_open(void)
{
	struct persist_store *s = NULL;
	int err;

	if (!persist_dev[0] || store_broken)
		return NULL;
	err = persist_linux_open(persist_dev, PERSIST_OPEN_WRITE | PERSIST_LINUX_WAIT, &s);
	if (err) {
		os_say("error: persist store on %s: %s; nothing more is written to it this boot, "
		       "stages stay on the console only (recovery store check --store %s says more)",
		       persist_dev, persist_strerror(err), persist_dev);
		store_broken = true;
		return NULL;
	}
	persist_set_boot_id(s, boot_id);
	return s;
}

static void store_close(struct persist_store *s, const char *what)
{
	int err = persist_linux_close(s);

	if (err)
		os_say("error: persist store on %s: %s while writing %s; it may be lost", persist_dev,
		       persist_strerror(err), what);
}

static void append(struct persist_store *s, int level, const char *text)
{
	int err = persist_log_append(s, level, PERSIST_SRC_OS, text, NULL, 0);

	if (err)
		os_say("error: persist log record \"%s\" not written: %s", text, persist_strerror(err));
}

/* Marks one stage of this attempt and logs it; s is open. */
static void write_stage(struct persist_store *s, int stage)
{
	char text[96];
	int err;

	snprintf(text, sizeof(text), "stage %s reached (boot %llu)", persist_stage_name(stage),
		 (unsigned long long)boot_id);
	err = stage == PERSIST_STAGE_GOLDEN ? persist_boot_mark_golden(s, boot_id)
					    : persist_boot_mark_stage(s, boot_id, stage);
	if (err == PERSIST_E_STALE)
		os_say("warning: boot %llu already ended in the persist store (a later boot counted "
		       "it as failed): %s; stage %s only logged",
		       (unsigned long long)boot_id, persist_strerror(err), persist_stage_name(stage));
	else if (err)
		os_say("error: marking stage %s of boot %llu failed: %s; only logged",
		       persist_stage_name(stage), (unsigned long long)boot_id, persist_strerror(err));
	append(s, PERSIST_LEVEL_NOTICE, text);
}

/* Writes every pending stage, lowest first. */
static void flush_pending(struct persist_store *s)
{
	for (int st = PERSIST_STAGE_KERNEL; st < PERSIST_STAGE_COUNT; st++)
		if (pending[st]) {
			write_stage(s, st);
			pending[st] = false;
		}
}

int stage_set_persist(const char *dev, const char *about)
{
	struct persist_store *s;
	int err;

	snprintf(persist_dev, sizeof(persist_dev), "%s", dev ? dev : "");
	if (!(s = store_open()))
		return -1;
	append(s, PERSIST_LEVEL_INFO, about);
	if (!boot_id)
		append(s, PERSIST_LEVEL_WARNING,
		       "booted without a boot id (no keel.boot_id= and no " KEEL_VAR_BOOT_ID
		       " EFI variable): no stage is marked for any attempt");
	else
		flush_pending(s);
	if ((err = persist_log_commit(s)))
		os_say("error: persist log on %s: %s", persist_dev, persist_strerror(err));
	store_close(s, "the stages so far");
	return 0;
}

int stage_log(int level, const char *fmt, ...)
{
	struct persist_store *s;
	char text[PERSIST_MESSAGE_MAX];
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!(s = store_open()))
		return -1;
	append(s, level, text);
	err = persist_log_commit(s);
	store_close(s, "a log record");
	return err ? -1 : 0;
}

static int stage_number(const char *stage)
{
	int st = persist_stage_from_name(stage);

	return st > PERSIST_STAGE_LOADER && st < PERSIST_STAGE_COUNT ? st : -1;
}

void stage_assume(const char *stage)
{
	int st = stage_number(stage);

	if (st > reached) {
		reached = st;
		pending[st] = boot_id != 0;
	}
}

int stage_report(const char *stage)
{
	struct persist_store *s;
	int st = stage_number(stage);

	os_say("stage=%s boot_id=%s", stage, stage_boot_id_text());
	if (st < 0 || st <= reached)
		return 0;
	reached = st;
	if (!boot_id)
		return 0;
	pending[st] = true;
	if (!(s = store_open()))
		return 0; /* replayed by stage_set_persist() */
	flush_pending(s);
	persist_log_commit(s);
	store_close(s, "a stage");
	return 0;
}

int stage_shutdown(const char *action, const char *reason, bool clean)
{
	os_say("shutdown action=%s reason=%s boot_id=%s", action, reason, stage_boot_id_text());
	return stage_log(clean ? PERSIST_LEVEL_NOTICE : PERSIST_LEVEL_ERR,
			 "shutdown: %s (%s) at stage %s, %s", action, reason,
			 persist_stage_name(reached), clean ? "clean" : "watchdog left armed");
}
