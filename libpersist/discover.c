/* SPDX-License-Identifier: MIT */
/*
 * Finding the persist partition of the disk the running system booted from
 * (persist_linux_discover), and the boot id of the running attempt.
 *
 * Every path is looked up under a root directory so tests can build a
 * small tree that mimics /proc, /sys and /dev with disk images as the
 * "devices" (libblkid probes regular files the same way).
 */
#include "libpersist/persist_linux.h"

#include <blkid/blkid.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* systemd-boot's vendor GUID: the ESP's PARTUUID of the boot. */
#define LOADER_DEVICE_VAR "LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define MAX_DISKS 64

struct why {
	char *buf;
	size_t len, cap;
};

static void say(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct why *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!w->cap || w->len + 1 >= w->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->len = w->len + (size_t)n >= w->cap ? w->cap - 1 : w->len + (size_t)n;
}

/* Reads a small file into buf (NUL-terminated). Returns bytes read or -1. */
static long read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

/* The value of word key (e.g. "keel.persist=") in a command line. */
static bool cmdline_value(const char *cmdline, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; (p = strstr(p, key)); p += klen) {
		size_t n;

		if (p != cmdline && !isspace((unsigned char)p[-1]))
			continue;
		n = strcspn(p + klen, " \t\n");
		if (n == 0 || n >= outlen)
			return false;
		memcpy(out, p + klen, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

int persist_linux_boot_id_from_cmdline(const char *cmdline, uint64_t *boot_id)
{
	char word[32], *end;
	unsigned long long v;

	if (!cmdline_value(cmdline, "keel.boot_id=", word, sizeof(word)) ||
	    !isdigit((unsigned char)word[0]))
		return -1;
	errno = 0;
	v = strtoull(word, &end, 10);
	if (errno || *end)
		return -1;
	*boot_id = v;
	return 0;
}

int persist_linux_current_boot_id(const struct persist_store *s, const char *cmdline,
				  uint64_t *boot_id)
{
	const struct persist_boot_state *st;
	char text[4096];

	if (!cmdline && read_small("/proc/cmdline", text, sizeof(text)) >= 0)
		cmdline = text;
	if (cmdline && persist_linux_boot_id_from_cmdline(cmdline, boot_id) == 0)
		return 0;
	if (!s)
		return -1;
	st = persist_boot_state(s);
	for (uint32_t i = st->n_history; i-- > 0;) {
		if (st->history[i].outcome == PERSIST_END_RUNNING) {
			*boot_id = st->history[i].boot_id;
			return 0;
		}
	}
	return -1;
}

/* ---- disks ---- */

struct part {
	int partno;
	bool persist;
	char uuid[40];
};

struct disk {
	char name[256];
	char dev[800];             /* ROOT/dev/NAME */
	bool table;
	int nparts;
	struct part parts[128];
};

static bool disk_worth_probing(const char *root, const char *name)
{
	char path[400], size[32];

	if (name[0] == '.' || !strncmp(name, "ram", 3) || !strncmp(name, "zram", 4))
		return false;
	/* an unbound loop device or an empty drive has size 0 */
	snprintf(path, sizeof(path), "%s/sys/block/%s/size", root, name);
	return read_small(path, size, sizeof(size)) < 0 || strtoull(size, NULL, 10) > 0;
}

/* Reads the partition table of one disk. Returns false if it cannot be probed. */
static bool probe_disk(const char *root, const char *name, struct disk *d)
{
	blkid_probe pr;
	blkid_partlist list;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->dev, sizeof(d->dev), "%s/dev/%s", root, name);
	if (!(pr = blkid_new_probe_from_filename(d->dev)))
		return false;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	list = blkid_probe_get_partitions(pr);
	if (list && blkid_partlist_get_table(list)) {
		int n = blkid_partlist_numof_partitions(list);

		d->table = true;
		for (int i = 0; i < n && d->nparts < (int)(sizeof(d->parts) / sizeof(d->parts[0]));
		     i++) {
			blkid_partition par = blkid_partlist_get_partition(list, i);
			const char *type = blkid_partition_get_type_string(par);
			const char *uuid = blkid_partition_get_uuid(par);
			struct part *p = &d->parts[d->nparts++];

			p->partno = blkid_partition_get_partno(par);
			p->persist = type && strcasecmp(type, PERSIST_PART_TYPE_TEXT) == 0;
			snprintf(p->uuid, sizeof(p->uuid), "%s", uuid ? uuid : "");
		}
	}
	blkid_free_probe(pr);
	return true;
}

/* Every disk under ROOT/sys/block, probed (caller frees). */
static int list_disks(const char *root, struct disk **out, struct why *w)
{
	char dir[400];
	struct dirent **names;
	struct disk *disks;
	int n, count = 0;

	snprintf(dir, sizeof(dir), "%s/sys/block", root);
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		say(w, "cannot list the disks in %s (%s); ", dir, strerror(errno));
		*out = NULL;
		return 0;
	}
	disks = calloc(MAX_DISKS, sizeof(*disks));
	for (int i = 0; i < n; i++) {
		if (disks && count < MAX_DISKS && disk_worth_probing(root, names[i]->d_name) &&
		    probe_disk(root, names[i]->d_name, &disks[count]))
			count++;
		free(names[i]);
	}
	free(names);
	*out = disks;
	return disks ? count : 0;
}

/* The path to open for partition partno of disk d: its own device node
 * ROOT/dev/NAME when sysfs names one that exists, else the whole disk (the
 * port then finds the partition by its type). */
static void partition_path(const char *root, const struct disk *d, int partno, char *out,
			   size_t outlen)
{
	char dir[400], file[800], num[16];
	struct dirent *de;
	DIR *dp;

	snprintf(out, outlen, "%s", d->dev);
	snprintf(dir, sizeof(dir), "%s/sys/block/%s", root, d->name);
	if (!(dp = opendir(dir)))
		return;
	while ((de = readdir(dp))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/partition", dir, de->d_name);
		if (read_small(file, num, sizeof(num)) <= 0 || atoi(num) != partno)
			continue;
		snprintf(file, sizeof(file), "%s/dev/%s", root, de->d_name);
		if (stat(file, &st) == 0)
			snprintf(out, outlen, "%s", file);
		break;
	}
	closedir(dp);
}

static int count_persist(const struct disk *d, const struct part **first)
{
	int n = 0;

	for (int i = 0; i < d->nparts; i++)
		if (d->parts[i].persist && !n++)
			*first = &d->parts[i];
	return n;
}

/* Picks the persist partition of one disk. */
static int from_disk(const char *root, const struct disk *d, char *path, size_t pathlen,
		     struct why *w)
{
	const struct part *p = NULL;
	int n = count_persist(d, &p);

	if (n == 1) {
		partition_path(root, d, p->partno, path, pathlen);
		say(w, "persist partition %d of %s", p->partno, d->name);
		return 0;
	}
	if (n > 1) {
		say(w, "%s holds %d persist partitions; ", d->name, n);
		return PERSIST_E_AMBIGUOUS;
	}
	say(w, "%s has no persist partition; ", d->name);
	return PERSIST_E_NOTFOUND;
}

/* The disk holding the partition with this PARTUUID, or NULL. */
static const struct disk *disk_of_partuuid(const struct disk *disks, int n, const char *uuid,
					   int *partno)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < disks[i].nparts; j++)
			if (disks[i].parts[j].uuid[0] &&
			    strcasecmp(disks[i].parts[j].uuid, uuid) == 0) {
				*partno = disks[i].parts[j].partno;
				return &disks[i];
			}
	return NULL;
}

/* Every persist partition on every disk: exactly one is the answer. */
static int scan_all(const char *root, const struct disk *disks, int n, char *path,
		    size_t pathlen, struct why *w)
{
	const struct disk *hit = NULL;
	const struct part *p = NULL;
	int total = 0;

	say(w, "scanned %d disk(s):", n);
	for (int i = 0; i < n; i++) {
		const struct part *q = NULL;
		int c = count_persist(&disks[i], &q);

		if (!disks[i].table)
			say(w, " %s (no partition table)", disks[i].name);
		else if (c)
			say(w, " %s (%d persist partition%s)", disks[i].name, c, c > 1 ? "s" : "");
		else
			say(w, " %s (no persist partition)", disks[i].name);
		if (c && !total)
			hit = &disks[i], p = q;
		total += c;
	}
	if (total == 1) {
		partition_path(root, hit, p->partno, path, pathlen);
		say(w, "; using partition %d of %s", p->partno, hit->name);
		return 0;
	}
	say(w, total ? "; %d persist partitions, cannot tell which" : "; no persist partition",
	    total);
	return total ? PERSIST_E_AMBIGUOUS : PERSIST_E_NOTFOUND;
}

/* keel.persist=VALUE. Returns 1 if the value did not settle it. */
static int from_cmdline_value(const char *root, const char *value, const struct disk *disks,
			      int n, char *path, size_t pathlen, struct why *w)
{
	const struct disk *d;
	int partno = 0;

	say(w, "keel.persist=%s on the kernel command line: ", value);
	if (value[0] == '/') {
		snprintf(path, pathlen, "%s%s", root, value);
		return 0;
	}
	if (!strncasecmp(value, "PARTUUID=", 9)) {
		if (!(d = disk_of_partuuid(disks, n, value + 9, &partno))) {
			say(w, "no disk holds that partition; ");
			return PERSIST_E_NOTFOUND;
		}
		partition_path(root, d, partno, path, pathlen);
		say(w, "partition %d of %s", partno, d->name);
		return 0;
	}
	if (!strncasecmp(value, "TYPE=", 5)) {
		if (strcasecmp(value + 5, PERSIST_PART_TYPE_TEXT) != 0) {
			say(w, "not the persist type %s; ", PERSIST_PART_TYPE_TEXT);
			return PERSIST_E_NOTFOUND;
		}
		return scan_all(root, disks, n, path, pathlen, w);
	}
	say(w, "not understood (want /dev/…, PARTUUID=… or TYPE=…); ");
	return 1;
}

/* LoaderDevicePartUUID: UTF-16LE text after 4 attribute bytes. */
static bool loader_partuuid(const char *root, char *uuid, size_t len, struct why *w)
{
	char path[600], raw[256];
	long n;
	size_t o = 0;

	snprintf(path, sizeof(path), "%s/sys/firmware/efi/efivars/" LOADER_DEVICE_VAR, root);
	if ((n = read_small(path, raw, sizeof(raw))) < 0) {
		say(w, "EFI variable LoaderDevicePartUUID: not set; ");
		return false;
	}
	for (long i = 4; i + 1 < n && raw[i] && o + 1 < len; i += 2)
		uuid[o++] = raw[i];
	uuid[o] = '\0';
	if (o != 36) {
		say(w, "EFI variable LoaderDevicePartUUID: not a PARTUUID; ");
		return false;
	}
	return true;
}

int persist_linux_discover(const char *root, char *path, size_t pathlen, char *whybuf,
			   size_t whylen)
{
	struct why w = { whybuf, 0, whylen };
	char cmdline[4096], file[400], value[300], uuid[64];
	struct disk *disks = NULL;
	int n, r = 1, partno = 0;

	if (!root)
		root = "";
	if (whylen)
		whybuf[0] = '\0';
	n = list_disks(root, &disks, &w);
	snprintf(file, sizeof(file), "%s/proc/cmdline", root);
	if (read_small(file, cmdline, sizeof(cmdline)) < 0)
		say(&w, "cannot read %s; ", file);
	else if (cmdline_value(cmdline, "keel.persist=", value, sizeof(value)))
		r = from_cmdline_value(root, value, disks, n, path, pathlen, &w);
	else
		say(&w, "no keel.persist= on the kernel command line; ");
	if (r == 1 && loader_partuuid(root, uuid, sizeof(uuid), &w)) {
		const struct disk *d = disk_of_partuuid(disks, n, uuid, &partno);

		say(&w, "EFI variable LoaderDevicePartUUID: %s, ", uuid);
		if (!d)
			say(&w, "on no disk here; ");
		else if ((r = from_disk(root, d, path, pathlen, &w)) == PERSIST_E_NOTFOUND)
			r = 1;
	}
	if (r == 1)
		r = scan_all(root, disks, n, path, pathlen, &w);
	free(disks);
	return r;
}
