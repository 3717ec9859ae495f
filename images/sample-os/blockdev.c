/* SPDX-License-Identifier: MIT */
/*
 * Finding partitions the way bootmgr does: by reading the GPT of every disk
 * (bootmgr/gpt.c, the same validating decoder) and matching the partition's
 * unique GUID (PARTUUID=) or type GUID (TYPE=). sysfs does not expose type
 * GUIDs, and there is no udev or blkid in this system, so this is the one
 * way that works for both the persist partition and the root.
 */
#include "bootmgr/gpt.h"
#include "images/sample-os/os.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct match {
	persist_guid guid;
	bool by_type; /* match the type GUID, else the unique GUID */
	uint32_t number;
};

static int match_entry(const gpt_partition *p, void *ctx)
{
	struct match *m = ctx;

	if (!persist_guid_equal(m->by_type ? &p->type : &p->uuid, &m->guid))
		return 0;
	m->number = p->number;
	return 1;
}

/* Reads the primary GPT of /dev/<disk> and looks for the partition. */
static int gpt_search(const char *disk, struct match *m)
{
	char path[OS_PATH_MAX], text[32];
	uint8_t *buf = NULL;
	gpt_header h;
	long bs = 512;
	int fd, rc = -ENOENT;

	if (os_path(path, sizeof(path), "/sys/class/block/%s/queue/logical_block_size", disk))
		return -ENAMETOOLONG;
	if (os_read_file(path, text, sizeof(text)) > 0)
		bs = strtol(text, NULL, 10);
	if (bs < 512 || bs > 65536)
		return -EINVAL;
	if (os_path(path, sizeof(path), "/dev/%s", disk))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc((size_t)bs);
	if (buf && pread(fd, buf, (size_t)bs, bs) == bs && gpt_header_decode(buf, (size_t)bs, &h) == GPT_OK) {
		size_t len = gpt_entries_size(&h);
		uint8_t *entries = malloc(len);

		if (entries && pread(fd, entries, len, (off_t)(h.entries_lba * (uint64_t)bs)) == (ssize_t)len &&
		    gpt_entries_foreach(&h, entries, len, match_entry, m) == 1)
			rc = 0;
		free(entries);
	}
	free(buf);
	close(fd);
	return rc;
}

/* Finds the child of /sys/class/block/<disk> whose partition number is n. */
static int partition_node(const char *disk, uint32_t n, char *dev, size_t size)
{
	char path[OS_PATH_MAX * 2], text[16];
	struct dirent *e;
	DIR *d;
	int rc = -ENOENT;

	if (os_path(path, sizeof(path), "/sys/class/block/%s", disk))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while (rc && (e = readdir(d))) {
		if (strncmp(e->d_name, disk, strlen(disk)) != 0)
			continue;
		if (os_path(path, sizeof(path), "/sys/class/block/%s/%s/partition", disk, e->d_name))
			continue;
		if (os_read_file(path, text, sizeof(text)) > 0 && strtoul(text, NULL, 10) == n)
			rc = os_path(dev, size, "/dev/%s", e->d_name);
	}
	closedir(d);
	return rc;
}

/* One pass over every whole disk the kernel knows right now. */
static int scan_once(struct match *m, char *dev, size_t size)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *e;
	int rc = -ENOENT;

	if (!d)
		return -errno;
	while (rc && (e = readdir(d))) {
		char part[OS_PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.' || !strncmp(e->d_name, "loop", 4) || !strncmp(e->d_name, "ram", 3))
			continue;
		if (os_path(part, sizeof(part), "/sys/class/block/%s/partition", e->d_name))
			continue;
		if (stat(part, &st) == 0)
			continue; /* a partition, not a disk */
		if (gpt_search(e->d_name, m) == 0)
			rc = partition_node(e->d_name, m->number, dev, size);
	}
	closedir(d);
	return rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int os_blockdev_find(const char *spec, unsigned wait_ms, char *dev, size_t n)
{
	struct match m = { .number = 0 };
	unsigned waited = 0;
	int rc;

	if (!strncmp(spec, "/dev/", 5)) {
		struct stat st;

		for (; stat(spec, &st) != 0 && waited < wait_ms; waited += 50)
			sleep_ms(50);
		if (os_path(dev, n, "%s", spec))
			return -ENAMETOOLONG;
		return waited >= wait_ms && stat(spec, &st) != 0 ? -ENOENT : 0;
	}
	if (!strncmp(spec, "PARTUUID=", 9)) {
		rc = persist_guid_from_string(spec + 9, &m.guid);
	} else if (!strncmp(spec, "TYPE=", 5)) {
		m.by_type = true;
		rc = persist_guid_from_string(spec + 5, &m.guid);
	} else {
		rc = -1;
	}
	if (rc)
		return -EINVAL;
	/* Disk drivers probe asynchronously: poll until the disk shows up. */
	while ((rc = scan_once(&m, dev, n)) != 0 && waited < wait_ms) {
		sleep_ms(50);
		waited += 50;
	}
	return rc;
}
