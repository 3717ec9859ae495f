/* SPDX-License-Identifier: MIT */
/*
 * Boot stage reporting: the one place where the sample OS tells the world
 * how far this boot attempt got (kernel → init → services → golden).
 *
 * Today it prints the serial marker the tests read. The persist write goes
 * here too: once libpersist's hosted API lands, stage_report() opens the
 * persist partition given to stage_set_persist() and appends the stage
 * record for the boot id given to stage_set_boot_id() (stages reported
 * before the partition is known are replayed then, so `kernel` is never
 * lost). Nothing else in the sample OS needs to change for that.
 */
#include "images/sample-os/os.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char boot_id[OS_ID_MAX + 1];
static char persist_dev[OS_PATH_MAX];

int stage_set_boot_id(const char *id)
{
	snprintf(boot_id, sizeof(boot_id), "%s", id ? id : "");
	return 0;
}

int stage_set_persist(const char *dev)
{
	snprintf(persist_dev, sizeof(persist_dev), "%s", dev ? dev : "");
	/* libpersist: open the store here and replay the stages so far. */
	return 0;
}

/*
 * Reports that this boot reached `stage`. Further arguments are reserved
 * for details of the stage record (a NULL-terminated list of strings);
 * they are not printed, so the marker line stays the same every boot.
 * Returns 0, or a negative error from the persist write (later).
 */
int stage_report(const char *stage, ...)
{
	os_say("stage=%s boot_id=%s", stage, boot_id[0] ? boot_id : "none");
	/* libpersist: persist_boot_stage(store, boot_id, stage) goes here. */
	return 0;
}

/* Prints the final marker of this boot; the final persist log record (why
 * the system went down, and whether cleanly) is written here later. */
int stage_shutdown(const char *action, const char *reason)
{
	os_say("shutdown action=%s reason=%s boot_id=%s", action, reason,
	       boot_id[0] ? boot_id : "none");
	/* libpersist: persist_log_append(store, "shutdown", reason) goes here. */
	return 0;
}
