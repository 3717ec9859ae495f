/* SPDX-License-Identifier: MIT */
/*
 * Harvest at boot (Linux): turns what the last boot left behind into crash
 * records in the persist store.
 *
 *  - the watchdog's boot status (WDIOF_CARDRESET: the last reset was the
 *    watchdog) -> a crash record of cause watchdog;
 *  - Linux pstore files (/sys/fs/pstore: panic and oops dumps) -> one crash
 *    record of cause panic with the files compressed into it; the files
 *    are removed once the record is committed;
 *  - an attempt that never reached golden is already logged (cause unknown)
 *    by persist_boot_begin_attempt; the records above name that attempt's
 *    boot id as the crashed boot, so the three tell one story.
 *
 * Harvesting twice is harmless: a record of the same cause for the same
 * crashed boot is not written again.
 */
#ifndef KEEL_PERSIST_HARVEST_H
#define KEEL_PERSIST_HARVEST_H

#include "libpersist/persist.h"
#include "libpersist/watchdog.h"

#define PERSIST_PSTORE_DIR "/sys/fs/pstore"

struct persist_harvest_opts {
	const char *pstore_dir;    /* NULL: /sys/fs/pstore; "": do not look */
	const char *watchdog;      /* device; NULL: /dev/watchdog; "": do not look */
	/* sysfs directory of the device (read first: it does not arm it);
	 * NULL: derived from the device name; "": only ask the device */
	const char *watchdog_sysfs;
	const struct persist_wdt_ops *wdt_ops; /* NULL: the system's */
	uint64_t boot_id;          /* the running boot (0: unknown) */
	bool keep_pstore;          /* do not remove harvested pstore files */
};

struct persist_harvest_result {
	uint64_t crashed_boot_id;  /* the attempt before this one (0: none known) */
	int crashed_stage;
	bool watchdog_reset;       /* the boot status said so */
	bool watchdog_recorded;    /* a record was written for it */
	unsigned pstore_files;     /* files found */
	bool panic_recorded;
	unsigned removed;          /* pstore files removed */
	size_t pstore_bytes, kept; /* read, stored (the end, if too big) */
	unsigned already;          /* records not written again */
	char notes[1024];          /* what could not be looked at, in words */
};

/* Looks, records, removes. Needs a store open for writing. Returns 0 (the
 * notes say what could not be examined) or PERSIST_E* if writing failed
 * (pstore files are then kept). */
int persist_harvest(struct persist_store *s, const struct persist_harvest_opts *o,
		    struct persist_harvest_result *res);

#endif
