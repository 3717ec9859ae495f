/* SPDX-License-Identifier: MIT */
/*
 * Harvesting what a previous boot left in pstore (efi-pstore under OVMF:
 * the kernel writes its log into EFI variables when it panics).
 *
 * A dump is split into several files ("Part1" holds the end of the log).
 * From all of them this finds the panic message and the last boot stage
 * marker the dead system printed (init's markers are in the kernel log, see
 * log.c) and prints one summary line:
 *
 *     KEEL-OS pstore records=3 panic="Kernel panic - not syncing: …" last_stage=init boot_id=7
 *
 * Then `recovery harvest` turns the dumps into the crash record of the
 * failed attempt (the whole text, zlib-compressed, in the persist log) and
 * removes them, so the next boot does not report them again and the EFI
 * variable store does not fill up.
 */
#include "images/sample-os/os.h"
#include "libpersist/persist.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

/* Runs `recovery harvest`: the previous boot's pstore dumps become one
 * compressed crash record (then the dumps are removed), and a reset by the
 * watchdog becomes a "watchdog reset" crash record with the stage it
 * reached. The persist partition is found through keel.persist=. */
static void run_harvest(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		os_signals_child_reset();
		execl("/usr/sbin/recovery", "recovery", "harvest", (char *)NULL);
		os_say("error: cannot start /usr/sbin/recovery: %s", strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		os_say("error: cannot run recovery harvest: %s; pstore dumps left in place",
		       strerror(errno));
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		os_say("warning: recovery harvest failed (status %d); what it could not record "
		       "stays in " PSTORE_DIR, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		os_say("harvest status=ok");
}

void os_pstore_harvest(void)
{
	struct crash_summary s = { .panic = "" };
	char path[OS_PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(PSTORE_DIR);

	if (d) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' ||
			    os_path(path, sizeof(path), PSTORE_DIR "/%s", e->d_name))
				continue;
			scan_file(path, &s);
			n++;
		}
		closedir(d);
	}
	if (n == 0)
		os_say("pstore records=0");
	else
		os_say("pstore records=%d panic=\"%s\" last_stage=%s boot_id=%s", n,
		       s.panic[0] ? s.panic : "none", s.stage[0] ? s.stage : "none",
		       s.boot_id[0] ? s.boot_id : "none");
	run_harvest();
}
