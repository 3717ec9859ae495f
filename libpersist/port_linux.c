/* SPDX-License-Identifier: MIT */
#include "libpersist/persist_linux.h"

#include <blkid/blkid.h>
#include <dirent.h>
#include <stdio.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct persist_linux {
	int fd;
	uint64_t base, size;
	uint32_t sector;
	bool wait_lock;
	int err;
	struct persist_port port;
	struct persist_linux_where where;
};

/* The port is given to a store: keep it next to it in one allocation. */
struct linux_store {
	struct persist_store store;
	struct persist_linux *l;
};

static int sys_fail(struct persist_linux *l)
{
	l->err = errno;
	return PERSIST_E_IO;
}

/* The whole of len bytes at off, across short transfers and signals; a
 * transfer of nothing (the device ended) is an I/O error. */
static int lx_transfer(struct persist_linux *l, uint64_t off, uint8_t *p, size_t len, bool write)
{
	while (len) {
		off_t at = (off_t)(l->base + off);
		ssize_t n = write ? pwrite(l->fd, p, len, at) : pread(l->fd, p, len, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? (l->err = EIO, PERSIST_E_IO) : sys_fail(l);
		p += n, off += (uint64_t)n, len -= (size_t)n;
	}
	return 0;
}

static int lx_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return lx_transfer(ctx, off, buf, len, false);
}

static int lx_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	return lx_transfer(ctx, off, (uint8_t *)(uintptr_t)buf, len, true);
}

static int lx_flush(void *ctx)
{
	struct persist_linux *l = ctx;

	return fdatasync(l->fd) ? sys_fail(l) : 0;
}

static uint64_t lx_size(void *ctx)
{
	return ((struct persist_linux *)ctx)->size;
}

static uint32_t lx_block_size(void *ctx)
{
	return ((struct persist_linux *)ctx)->sector;
}

static uint64_t usec(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t lx_wall(void *ctx)
{
	(void)ctx;
	return usec(CLOCK_REALTIME);
}

static uint64_t lx_mono(void *ctx)
{
	(void)ctx;
	return usec(CLOCK_MONOTONIC);
}

/* flock: two processes writing the same store are serialised; the lock
 * goes with the open file description, so it also guards against a second
 * writer in this process. */
static int lx_lock(void *ctx)
{
	struct persist_linux *l = ctx;

	while (flock(l->fd, LOCK_EX | (l->wait_lock ? 0 : LOCK_NB))) {
		if (errno == EINTR)
			continue;
		l->err = errno;
		return errno == EWOULDBLOCK ? PERSIST_E_BUSY : PERSIST_E_IO;
	}
	return 0;
}

static void lx_unlock(void *ctx)
{
	flock(((struct persist_linux *)ctx)->fd, LOCK_UN);
}

/* Lists the persist partitions in path's partition table: returns how many
 * (the first in *first_*), 0 with a table but none of them, or
 * PERSIST_E_NOTFOUND when there is no partition table at all. */
static int list_partitions(const char *path, uint64_t *off, uint64_t *size, int *partno)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	blkid_partlist list;
	int found = PERSIST_E_NOTFOUND;

	if (!pr)
		return errno == ENOENT ? PERSIST_E_NOTFOUND : PERSIST_E_IO;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	list = blkid_probe_get_partitions(pr);
	if (list && blkid_partlist_get_table(list)) {
		int n = blkid_partlist_numof_partitions(list);

		found = 0;
		for (int i = 0; i < n; i++) {
			blkid_partition par = blkid_partlist_get_partition(list, i);
			const char *type = blkid_partition_get_type_string(par);

			if (!type || strcasecmp(type, PERSIST_PART_TYPE_TEXT) != 0)
				continue;
			if (!found++) {
				/* libblkid counts in 512-byte sectors whatever the disk. */
				*off = (uint64_t)blkid_partition_get_start(par) * 512u;
				*size = (uint64_t)blkid_partition_get_size(par) * 512u;
				*partno = blkid_partition_get_partno(par);
			}
		}
	}
	blkid_free_probe(pr);
	return found;
}

int persist_linux_find_partition(const char *path, uint64_t *offset, uint64_t *size)
{
	uint64_t off = 0, sz = 0;
	int partno = 0, n = list_partitions(path, &off, &sz, &partno);

	if (n < 0)
		return n;
	if (n == 0)
		return PERSIST_E_NOTFOUND;
	*offset = off;
	*size = sz;
	return 0;
}

static int device_geometry(struct persist_linux *l, uint64_t *total, bool *is_blk, dev_t *rdev)
{
	struct stat st;
	int ssz = 512;

	if (fstat(l->fd, &st))
		return sys_fail(l);
	*is_blk = S_ISBLK(st.st_mode);
	*rdev = st.st_rdev;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(l->fd, BLKGETSIZE64, total) || ioctl(l->fd, BLKSSZGET, &ssz))
			return sys_fail(l);
	} else if (S_ISREG(st.st_mode)) {
		*total = (uint64_t)st.st_size;
	} else {
		return PERSIST_E_INVAL;
	}
	l->sector = (uint32_t)ssz;
	return 0;
}

static bool has_store_magic(int fd)
{
	char magic[8];

	return pread(fd, magic, 8, 0) == 8 && memcmp(magic, "KEELSTOR", 8) == 0;
}

/* The device node of partition partno of the whole disk rdev, if the
 * kernel knows it: /sys/dev/block/MAJ:MIN/<name>/partition holds partno. */
static bool partition_node(dev_t rdev, int partno, char *out, size_t outlen)
{
	char dir[64], file[400], num[16];
	struct dirent *de;
	bool ok = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!(d = opendir(dir)))
		return false;
	while (!ok && (de = readdir(d))) {
		FILE *f;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/partition", dir, de->d_name);
		if (!(f = fopen(file, "re")))
			continue;
		if (fgets(num, sizeof(num), f) && atoi(num) == partno) {
			snprintf(out, outlen, "/dev/%s", de->d_name);
			ok = stat(out, &st) == 0 && S_ISBLK(st.st_mode);
		}
		fclose(f);
	}
	closedir(d);
	return ok;
}

/* Decides which bytes of the file are the store. May switch l->fd to the
 * partition's own device node (then *reopened is set). */
static int locate(struct persist_linux *l, const char *path, unsigned flags, uint64_t total,
		  bool is_blk, dev_t rdev)
{
	struct persist_linux_where *w = &l->where;
	uint64_t off = 0, size = 0;
	int r, partno = 0;
	char node[300];

	w->offset = 0;
	w->size = total;
	if ((flags & PERSIST_LINUX_WHOLE) || has_store_magic(l->fd))
		return 0;
	r = list_partitions(path, &off, &size, &partno);
	if (r == PERSIST_E_NOTFOUND)
		return 0; /* no partition table: a store file or a bare partition */
	if (r < 0)
		return r;
	w->table = true;
	w->found = (unsigned)r;
	if (r == 0)
		return PERSIST_E_NOPART;
	if (r > 1)
		return PERSIST_E_AMBIGUOUS;
	if (off > total || size > total - off)
		return PERSIST_E_CORRUPT;
	w->offset = off;
	w->size = size;
	w->partno = partno;
	if (is_blk && partition_node(rdev, partno, node, sizeof(node))) {
		int fd = open(node, (flags & PERSIST_OPEN_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC);

		if (fd >= 0) {
			close(l->fd);
			l->fd = fd;
			snprintf(w->path, sizeof(w->path), "%s", node);
			w->offset = 0;
			w->partno = 0;
		}
	}
	return 0;
}

static void fill_port(struct persist_linux *l, struct persist_port *p)
{
	memset(p, 0, sizeof(*p));
	p->ctx = l;
	p->read = lx_read;
	p->write = lx_write;
	p->flush = lx_flush;
	p->size = lx_size;
	p->block_size = lx_block_size;
	p->now_wall = lx_wall;
	p->now_mono = lx_mono;
	p->lock = lx_lock;
	p->unlock = lx_unlock;
}

int persist_linux_port_open_where(const char *path, unsigned flags, struct persist_linux **out,
				  struct persist_port *port, struct persist_linux_where *where)
{
	struct persist_linux *l = calloc(1, sizeof(*l));
	uint64_t total = 0;
	bool is_blk = false;
	dev_t rdev = 0;
	int r;

	if (!l)
		return PERSIST_E_NOMEM;
	snprintf(l->where.path, sizeof(l->where.path), "%s", path);
	l->wait_lock = flags & PERSIST_LINUX_WAIT;
	l->fd = open(path, (flags & PERSIST_OPEN_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (l->fd < 0) {
		l->where.sys_errno = errno;
		r = errno == ENOENT ? PERSIST_E_NOTFOUND : PERSIST_E_SYS;
	} else {
		r = device_geometry(l, &total, &is_blk, &rdev);
		if (!r)
			r = locate(l, path, flags, total, is_blk, rdev);
		if (r && !l->where.sys_errno)
			l->where.sys_errno = l->err;
	}
	if (where)
		*where = l->where;
	if (r) {
		if (l->fd >= 0)
			close(l->fd);
		free(l);
		return r;
	}
	l->base = l->where.offset;
	l->size = l->where.size;
	fill_port(l, &l->port);
	*port = l->port;
	*out = l;
	return 0;
}

int persist_linux_port_open(const char *path, unsigned flags, struct persist_linux **out,
			    struct persist_port *port)
{
	return persist_linux_port_open_where(path, flags, out, port, NULL);
}

void persist_linux_port_close(struct persist_linux *l)
{
	if (!l)
		return;
	close(l->fd);
	free(l);
}

int persist_linux_errno(const struct persist_linux *l)
{
	return l ? l->err : 0;
}

uint64_t persist_linux_offset(const struct persist_linux *l)
{
	return l ? l->base : 0;
}

const struct persist_linux_where *persist_linux_location(const struct persist_linux *l)
{
	return &l->where;
}

int persist_linux_fd(const struct persist_linux *l)
{
	return l ? l->fd : -1;
}

int persist_linux_create_file(const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int r = 0;

	if (fd < 0)
		return PERSIST_E_SYS;
	if (ftruncate(fd, (off_t)(size ? size : PERSIST_DEFAULT_SIZE)) < 0)
		r = PERSIST_E_SYS;
	close(fd);
	if (r) {
		int e = errno;

		unlink(path);
		errno = e;
	}
	return r;
}

int persist_linux_random_uuid(persist_guid *g)
{
	persist_guid t;

	if (getrandom(t.b, sizeof(t.b), 0) != (ssize_t)sizeof(t.b))
		return PERSIST_E_SYS;
	t.b[7] = (uint8_t)((t.b[7] & 0x0f) | 0x40); /* version 4, stored LE */
	t.b[8] = (uint8_t)((t.b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	*g = t;
	return 0;
}

static int open_common(const char *path, unsigned flags, bool format, const persist_guid *uuid,
		       struct persist_store **out)
{
	struct linux_store *ls = calloc(1, sizeof(*ls));
	struct persist_port port;
	int r;

	if (!ls)
		return PERSIST_E_NOMEM;
	r = persist_linux_port_open(path, flags, &ls->l, &port);
	if (!r)
		r = format ? persist_format(&ls->store, &port, uuid, NULL)
			   : persist_open(&ls->store, &port, flags & PERSIST_OPEN_WRITE);
	if (r) {
		persist_linux_port_close(ls->l);
		free(ls);
		return r;
	}
	*out = &ls->store;
	return 0;
}

int persist_linux_open(const char *path, unsigned flags, struct persist_store **out)
{
	return open_common(path, flags, false, NULL, out);
}

int persist_linux_format(const char *path, uint64_t size, const persist_guid *uuid,
			 struct persist_store **out)
{
	persist_guid g;
	int fd, r;

	if (!uuid) {
		if ((r = persist_linux_random_uuid(&g)))
			return r;
		uuid = &g;
	}
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0) {
		r = ftruncate(fd, (off_t)(size ? size : PERSIST_DEFAULT_SIZE));
		close(fd);
		if (r)
			return PERSIST_E_SYS;
	} else if (errno != EEXIST) {
		return PERSIST_E_SYS;
	}
	return open_common(path, PERSIST_OPEN_WRITE, true, uuid, out);
}

struct persist_linux *persist_linux_of(struct persist_store *s)
{
	return s ? ((struct linux_store *)s)->l : NULL;
}

int persist_linux_close(struct persist_store *s)
{
	struct linux_store *ls = (struct linux_store *)s;
	int r;

	if (!s)
		return 0;
	r = persist_close(s);
	persist_linux_port_close(ls->l);
	free(ls);
	return r;
}
