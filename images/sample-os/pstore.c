/* SPDX-License-Identifier: MIT */
/*
 * Harvesting what a previous boot left in pstore (efi-pstore under OVMF:
 * the kernel writes its log into EFI variables when it panics).
 *
 * A dump is split into several files ("Part1" holds the end of the log).
 * From all of them this finds the panic message and the last boot stage
 * marker the dead system printed (init's markers are in the kernel log, see
 * log.c), prints one summary line, and deletes the dumps so the next boot
 * does not report them again and the EFI variable store does not fill up.
 *
 *     KEEL-OS pstore records=3 panic="Kernel panic - not syncing: …" last_stage=init boot_id=7
 *
 * The summary also goes into the persist log (a warning from source "os").
 * The crash record of the failed attempt, with the whole panic text, is
 * `recovery harvest`'s job: once /usr/sbin/recovery ships it, it runs from
 * os_pstore_harvest() before the dumps are deleted.
 */
#include "images/sample-os/os.h"
#include "libpersist/persist.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PSTORE_DIR "/sys/fs/pstore"

struct crash_summary {
	char panic[160];
	char stage[16];
	char boot_id[OS_ID_MAX + 1];
	int stage_rank;
};

static int stage_rank(const char *stage)
{
	static const char *const order[] = { "kernel", "init", "services", "golden" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(stage, order[i]))
			return i + 1;
	return 0;
}

/* Looks at one line of a dump for the panic text or a stage marker.
 * Stages only move forward in a boot, so the highest one seen is the last. */
static void scan_line(const char *line, struct crash_summary *s)
{
	const char *p = strstr(line, "Kernel panic - ");
	char stage[16], id[OS_ID_MAX + 1];

	if (p && !s->panic[0]) {
		snprintf(s->panic, sizeof(s->panic), "%.*s", (int)strcspn(p, "\r\n\""), p);
		return;
	}
	p = strstr(line, OS_MARKER " stage=");
	if (p && sscanf(p, OS_MARKER " stage=%15s boot_id=%64s", stage, id) == 2 &&
	    stage_rank(stage) > s->stage_rank) {
		s->stage_rank = stage_rank(stage);
		snprintf(s->stage, sizeof(s->stage), "%s", stage);
		snprintf(s->boot_id, sizeof(s->boot_id), "%s", id);
	}
}

static void scan_file(const char *path, struct crash_summary *s)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		scan_line(line, s);
	fclose(f);
}

void os_pstore_harvest(void)
{
	struct crash_summary s = { .panic = "" };
	char path[OS_PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(PSTORE_DIR);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    os_path(path, sizeof(path), PSTORE_DIR "/%s", e->d_name))
			continue;
		scan_file(path, &s);
		n++;
	}
	if (n == 0) {
		closedir(d);
		os_say("pstore records=0");
		return;
	}
	os_say("pstore records=%d panic=\"%s\" last_stage=%s boot_id=%s", n,
	       s.panic[0] ? s.panic : "none", s.stage[0] ? s.stage : "none",
	       s.boot_id[0] ? s.boot_id : "none");
	stage_log(PERSIST_LEVEL_WARNING,
		  "previous boot %s left %d pstore dump(s): \"%s\", last stage %s",
		  s.boot_id[0] ? s.boot_id : "(no boot id)", n, s.panic[0] ? s.panic : "no panic text",
		  s.stage[0] ? s.stage : "none");
	rewinddir(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    !os_path(path, sizeof(path), PSTORE_DIR "/%s", e->d_name))
			unlink(path);
	closedir(d);
}
