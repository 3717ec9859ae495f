/* SPDX-License-Identifier: MIT */
/*
 * Finding and opening the store for a command, and saying in plain words
 * what to do when that fails. Every failure here leaves the store as it was:
 * nothing is written before persist_open() has accepted the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recovery/cli.h"

static char discovered[512]; /* device path found by discovery */

/* Finds this machine's persist partition when --store was not given. */
static const char *discover_store(bool quiet)
{
	const char *root = getenv("KEEL_SYSROOT"); /* tests and chroots */
	char why[2048];
	int r = persist_linux_discover(root, discovered, sizeof(discovered), why, sizeof(why));

	if (r && quiet)
		return NULL;
	if (r == PERSIST_E_AMBIGUOUS) {
		cli_error("found more than one Keel persist partition and cannot tell which "
			  "belongs to this system (%s); nothing was changed. Pass --store PATH "
			  "or keel.persist= on the kernel command line.",
			  why);
		return NULL;
	}
	if (r) {
		cli_error("found no Keel persist partition (GPT type %s) for this system; "
			  "nothing was changed. Looked at: %s. Pass --store PATH (a store file, "
			  "a partition or a disk image); reading disks may need root.",
			  PERSIST_PART_TYPE_TEXT, why);
		return NULL;
	}
	return discovered;
}

/* Explains why the file or device at path could not be used. */
static int port_open_error(const char *path, int err, const struct persist_linux_where *w)
{
	switch (err) {
	case PERSIST_E_NOTFOUND:
		return cli_error("%s does not exist; nothing was changed. Create a store with "
				 "`recovery store format --store %s`.",
				 path, path);
	case PERSIST_E_NOPART:
		return cli_error("%s is a partitioned disk without a Keel persist partition (GPT "
				 "type %s); nothing was changed. Pass the partition itself, or add "
				 "one of that type.",
				 path, PERSIST_PART_TYPE_TEXT);
	case PERSIST_E_AMBIGUOUS:
		return cli_error("%s holds %u Keel persist partitions; nothing was changed. Pass "
				 "the partition you mean (e.g. /dev/sdXN) instead.",
				 path, w->found);
	case PERSIST_E_INVAL:
		return cli_error("%s is neither a regular file nor a block device; nothing was "
				 "changed. Pass a store file, a partition or a disk image.",
				 path);
	case PERSIST_E_SYS:
	case PERSIST_E_IO:
		if (w->sys_errno == EACCES || w->sys_errno == EPERM)
			return cli_error("cannot open %s: %s; nothing was changed. Run as root or "
					 "use a copy of the store you may read.",
					 path, strerror(w->sys_errno));
		return cli_error("cannot open %s: %s; nothing was changed. Check the path, or "
				 "pass another --store PATH.",
				 path, w->sys_errno ? strerror(w->sys_errno) : persist_strerror(err));
	default:
		return cli_error("cannot open %s: %s; nothing was changed. Check the path, or "
				 "pass another --store PATH.",
				 path, persist_strerror(err));
	}
}

int cli_port_open(struct cli_store *cs, const char *path, bool writable)
{
	struct persist_linux_where where;
	int r;

	memset(cs, 0, sizeof(*cs));
	if (!path && !(path = discover_store(false)))
		return CLI_FAIL;
	cs->path = path;
	r = persist_linux_port_open_where(path, writable ? PERSIST_OPEN_WRITE : 0, &cs->port,
					  &cs->pport, &where);
	if (r) {
		cs->port = NULL;
		return port_open_error(path, r, &where);
	}
	if (where.partno)
		snprintf(cs->where, sizeof(cs->where), "%s (partition %d)", path, where.partno);
	else if (strcmp(where.path, path) != 0)
		snprintf(cs->where, sizeof(cs->where), "%s (%s)", path, where.path);
	else
		snprintf(cs->where, sizeof(cs->where), "%s", path);
	return CLI_OK;
}

const char *cli_store_path(const char *path, bool quiet)
{
	return path ? path : discover_store(quiet);
}

void cli_store_port(const struct cli_store *cs, struct persist_port *port)
{
	*port = cs->pport;
}

/* Explains why persist_open refused the store. */
static int persist_open_error(const struct cli_store *cs, int err)
{
	const char *p = cs->path;

	switch (err) {
	case PERSIST_E_NOSTORE:
	case PERSIST_E_TOOSMALL:
		return cli_error("%s holds no Keel store (no partition of type %s and no "
				 "valid superblock); nothing was changed. Create one with "
				 "`recovery store format --store %s`.",
				 cs->where, PERSIST_PART_TYPE_TEXT, p);
	case PERSIST_E_BUSY:
		return cli_error("another process is writing to the store on %s; nothing was "
				 "changed. Try again when it has finished.",
				 cs->where);
	case PERSIST_E_VERSION:
		return cli_error("the store on %s was written by an incompatible format version; "
				 "nothing was changed. Use a newer recovery tool.",
				 cs->where);
	case PERSIST_E_CORRUPT:
		return cli_error("the store on %s is damaged (%s); nothing was changed. See "
				 "`recovery store check --store %s`, then `recovery store repair "
				 "--store %s`.",
				 cs->where, persist_strerror(err), p, p);
	default:
		return cli_error("cannot open the store on %s: %s; nothing was changed. See "
				 "`recovery store check --store %s`.",
				 cs->where, persist_strerror(err), p);
	}
}

int cli_store_open(struct cli_store *cs, const char *path, unsigned flags)
{
	struct persist_port port;
	int r;

	if (cli_port_open(cs, path, flags & PERSIST_OPEN_WRITE))
		return CLI_FAIL;
	cs->s = calloc(1, sizeof(*cs->s));
	if (!cs->s) {
		persist_linux_port_close(cs->port);
		return cli_out_of_memory("nothing was changed");
	}
	port = cs->pport;
	r = persist_open(cs->s, &port, flags);
	if (r) {
		persist_open_error(cs, r);
		free(cs->s);
		persist_linux_port_close(cs->port);
		memset(cs, 0, sizeof(*cs));
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cli_store_close(struct cli_store *cs)
{
	int r = 0;

	if (cs->s)
		r = persist_close(cs->s);
	free(cs->s);
	persist_linux_port_close(cs->port);
	cs->s = NULL;
	cs->port = NULL;
	if (r)
		return cli_error("could not save the last changes to the store on %s: %s. Check "
				 "it with `recovery store check --store %s`.",
				 cs->where, persist_strerror(r), cs->path ? cs->path : "PATH");
	return CLI_OK;
}

int cli_store_error(const struct cli_store *cs, const char *what, int err, const char *note)
{
	if (!note)
		return cli_error("%s on %s failed: %s; nothing was changed. `recovery store check "
				 "--store %s` tells whether the store is damaged.",
				 what, cs->where, persist_strerror(err), cs->path);
	return cli_error("%s on %s failed: %s; %s", what, cs->where, persist_strerror(err), note);
}
