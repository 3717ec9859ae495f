/* SPDX-License-Identifier: MIT */
/*
 * The Linux side of a store for the recovery tool: a regular file, a
 * partition, or a whole disk (or disk image) whose GPT holds a partition of
 * Keel's persist type. I/O is pread/pwrite at the store's offset, durability
 * is fdatasync, and flock() keeps two writers from interleaving.
 *
 * NOTE: this stands in for libpersist's Linux port until that port offers
 * opening by path and discovery; the calls in cli.h ("the Linux port") are
 * the seam to swap.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "recovery/cli.h"

struct store_port {
	int fd;
	uint64_t offset, size;     /* the store's byte range in fd */
	uint32_t sector;           /* device sector size */
	bool locked;
};

static int port_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct store_port *p = ctx;
	uint8_t *b = buf;

	while (len) {
		ssize_t n = pread(p->fd, b, len, (off_t)(p->offset + off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return PERSIST_E_IO; /* 0: the file ended early */
		b += n, off += (uint64_t)n, len -= (size_t)n;
	}
	return 0;
}

static int port_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct store_port *p = ctx;
	const uint8_t *b = buf;

	while (len) {
		ssize_t n = pwrite(p->fd, b, len, (off_t)(p->offset + off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return PERSIST_E_IO;
		b += n, off += (uint64_t)n, len -= (size_t)n;
	}
	return 0;
}

static int port_flush(void *ctx)
{
	struct store_port *p = ctx;

	return fdatasync(p->fd) < 0 ? PERSIST_E_IO : 0;
}

static uint64_t port_size(void *ctx)
{
	return ((struct store_port *)ctx)->size;
}

static uint32_t port_block_size(void *ctx)
{
	return ((struct store_port *)ctx)->sector;
}

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t port_now_wall(void *ctx)
{
	(void)ctx;
	return clock_us(CLOCK_REALTIME);
}

static uint64_t port_now_mono(void *ctx)
{
	(void)ctx;
	return clock_us(CLOCK_BOOTTIME);
}

static int port_lock(void *ctx)
{
	struct store_port *p = ctx;

	if (flock(p->fd, LOCK_EX | LOCK_NB) < 0)
		return PERSIST_E_BUSY;
	p->locked = true;
	return 0;
}

static void port_unlock(void *ctx)
{
	struct store_port *p = ctx;

	if (p->locked)
		flock(p->fd, LOCK_UN);
	p->locked = false;
}

void store_port_get(struct store_port *p, struct persist_port *port)
{
	*port = (struct persist_port){
		.ctx = p,
		.read = port_read,
		.write = port_write,
		.flush = port_flush,
		.size = port_size,
		.block_size = port_block_size,
		.now_wall = port_now_wall,
		.now_mono = port_now_mono,
		.lock = port_lock,
		.unlock = port_unlock,
	};
}

/* Size and sector size of an open file or block device. */
static int fd_geometry(int fd, uint64_t *size, uint32_t *sector)
{
	struct stat st;
	int ssz = 512;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0)
			return -errno;
		if (ioctl(fd, BLKSSZGET, &ssz) < 0 || ssz <= 0)
			ssz = 512;
	} else {
		return -EINVAL;
	}
	*sector = (uint32_t)ssz;
	return 0;
}

/*
 * Looks for persist partitions in the partition table of path (if any).
 * Returns how many were found (the first in *loc), 0 when there is a
 * table without one, -ENODATA when there is no partition table at all.
 */
static int find_persist_partition(const char *path, struct store_location *loc)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	blkid_partlist pl;
	int found = -ENODATA;

	if (!pr)
		return errno ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	pl = blkid_probe_get_partitions(pr);
	if (pl && blkid_partlist_get_table(pl)) {
		int n = blkid_partlist_numof_partitions(pl);

		found = 0;
		for (int i = 0; i < n; i++) {
			blkid_partition par = blkid_partlist_get_partition(pl, i);
			const char *type = blkid_partition_get_type_string(par);

			if (!type || strcasecmp(type, PERSIST_PART_TYPE_TEXT) != 0)
				continue;
			if (!found++) {
				/* libblkid counts in 512-byte sectors on every device */
				loc->offset = (uint64_t)blkid_partition_get_start(par) * 512u;
				loc->size = (uint64_t)blkid_partition_get_size(par) * 512u;
				loc->partno = blkid_partition_get_partno(par);
			}
		}
	}
	blkid_free_probe(pr);
	return found;
}

int store_port_open(struct store_port **out, const char *path, bool writable,
		    struct store_location *loc)
{
	struct store_port *p = calloc(1, sizeof(*p));
	uint64_t dev_size;
	int r, found;

	if (!p)
		return -ENOMEM;
	p->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (p->fd < 0 || (r = fd_geometry(p->fd, &dev_size, &p->sector)) < 0) {
		r = p->fd < 0 ? -errno : r;
		store_port_free(p);
		return r;
	}
	*loc = (struct store_location){ .offset = 0, .size = dev_size, .partno = 0 };
	found = find_persist_partition(path, loc);
	if (found == 0 || (found < 0 && found != -ENODATA)) {
		store_port_free(p);
		return found == 0 ? -ENXIO : found;
	}
	if (loc->offset > dev_size || loc->size > dev_size - loc->offset)
		loc->size = loc->offset > dev_size ? 0 : dev_size - loc->offset;
	p->offset = loc->offset;
	p->size = loc->size;
	*out = p;
	return found > 1 ? -EMLINK : 0;
}

int store_port_create(const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		r = -errno;
	close(fd);
	if (r)
		unlink(path);
	return r;
}

void store_port_free(struct store_port *p)
{
	if (!p)
		return;
	port_unlock(p);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

/* Whole disks worth probing: not RAM disks, not empty loop devices. */
static bool disk_worth_probing(const char *name)
{
	return strncmp(name, "ram", 3) != 0 && strncmp(name, "zram", 4) != 0 &&
	       name[0] != '.';
}

int store_port_discover(char *path, size_t size)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int total = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct store_location loc;
		char dev[300];
		int n;

		if (!disk_worth_probing(de->d_name))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		n = find_persist_partition(dev, &loc);
		if (n <= 0)
			continue;
		if (!total)
			snprintf(path, size, "%s", dev);
		total += n;
	}
	closedir(d);
	return total;
}
