/* SPDX-License-Identifier: MIT */
/*
 * libpersist on Linux: a port for block devices and regular files, finding
 * the persist partition in a whole disk or disk image by its GPT type GUID
 * (libblkid), and convenience open/format calls that allocate the store.
 */
#ifndef KEEL_PERSIST_LINUX_H
#define KEEL_PERSIST_LINUX_H

#include "libpersist/persist.h"

#define PERSIST_LINUX_WAIT 0x100u  /* open: wait for the writer lock */
#define PERSIST_LINUX_WHOLE 0x200u /* use the whole file/device, no lookup */

struct persist_linux;

/* Finds Keel's persist partition in a disk or image by its GPT type GUID.
 * Returns 0 with its byte offset and size (the first, if there are several),
 * PERSIST_E_NOTFOUND, or another PERSIST_E* code. */
int persist_linux_find_partition(const char *path, uint64_t *offset, uint64_t *size);

/* Where a store was found (filled by persist_linux_port_open_where, also
 * on failure as far as it got). */
struct persist_linux_where {
	char path[512];            /* the file or device opened */
	uint64_t offset, size;     /* byte range of the store in it */
	int partno;                /* GPT partition number; 0: the whole file */
	unsigned found;            /* persist partitions in its partition table */
	bool table;                /* it has a partition table */
	int sys_errno;             /* errno of a failed system call, else 0 */
};

/* Opens path as a port. If path holds a store at offset 0, or flags has
 * PERSIST_LINUX_WHOLE, the whole file is used; else, when it has a
 * partition table, the one partition of Keel's persist type in it
 * (PERSIST_E_NOPART if there is none, PERSIST_E_AMBIGUOUS if there are
 * several); else (no partition table: a store file or a partition not yet
 * formatted) the whole file. A missing path is PERSIST_E_NOTFOUND, other
 * open failures PERSIST_E_SYS (see where->sys_errno). When path is a whole
 * disk block device whose persist partition has a device node, that node
 * is opened instead, so every writer locks the same inode. */
int persist_linux_port_open(const char *path, unsigned flags, struct persist_linux **out,
			    struct persist_port *port);
/* The same, filling *where (may be NULL). */
int persist_linux_port_open_where(const char *path, unsigned flags, struct persist_linux **out,
				  struct persist_port *port, struct persist_linux_where *where);
/* Where an open port's store lives. */
const struct persist_linux_where *persist_linux_location(const struct persist_linux *l);
/* The file descriptor behind a port (for the crash handler). */
int persist_linux_fd(const struct persist_linux *l);
/* Creates a regular file of size bytes (0: PERSIST_DEFAULT_SIZE) for a new
 * store; fails with PERSIST_E_SYS (errno EEXIST) if path exists. */
int persist_linux_create_file(const char *path, uint64_t size);

/*
 * Finds the persist partition of the disk this system booted from, looking
 * under root ("" or NULL: the real system; tests pass a directory that
 * mimics it), in this order:
 *   1. keel.persist= on ROOT/proc/cmdline: /dev/PATH, PARTUUID=…, TYPE=…;
 *   2. the EFI variable LoaderDevicePartUUID (ROOT/sys/firmware/efi/efivars):
 *      the persist partition of the disk holding that partition;
 *   3. every disk in ROOT/sys/block (device nodes in ROOT/dev): the one
 *      persist partition among them.
 * Returns 0 with the device path in path, PERSIST_E_NOTFOUND or
 * PERSIST_E_AMBIGUOUS. why receives what was looked at, in words (also on
 * success: how it was found).
 */
int persist_linux_discover(const char *root, char *path, size_t pathlen, char *why,
			   size_t whylen);

/* Finds "keel.boot_id=N" in a kernel command line. Returns 0 or -1. */
int persist_linux_boot_id_from_cmdline(const char *cmdline, uint64_t *boot_id);
/* The boot id of the running attempt: keel.boot_id= in cmdline (NULL: read
 * /proc/cmdline), else the newest attempt in the store that has not ended.
 * Returns 0, or -1 if there is none. */
int persist_linux_current_boot_id(const struct persist_store *s, const char *cmdline,
				  uint64_t *boot_id);
void persist_linux_port_close(struct persist_linux *l);
/* errno of the last failed system call of the port (0 if none). */
int persist_linux_errno(const struct persist_linux *l);
/* Byte offset of the store inside the file (partition start). */
uint64_t persist_linux_offset(const struct persist_linux *l);

/* Allocates and opens a store on path (see persist_open for flags). */
int persist_linux_open(const char *path, unsigned flags, struct persist_store **out);
/* The port behind a store from persist_linux_open/format. */
struct persist_linux *persist_linux_of(struct persist_store *s);
/* Formats path (creating a regular file of `size` bytes if it does not
 * exist; size 0 = PERSIST_DEFAULT_SIZE) and returns it open for writing.
 * uuid NULL: a random one. */
int persist_linux_format(const char *path, uint64_t size, const persist_guid *uuid,
			 struct persist_store **out);
/* Closes a store from persist_linux_open/format and frees it; NULL is
 * harmless. Returns persist_close's result. */
int persist_linux_close(struct persist_store *s);
/* ---- crash records with compressed data ---- */

/* Largest uncompressed crash data kept; of bigger data the end is kept. */
#define PERSIST_CRASH_RAW_MAX (1u << 20)

/* Appends and commits a crash record whose data (c->data, c->data_len:
 * uncompressed; c->flags and c->raw_len are ignored) is stored
 * zlib-compressed (PERSIST_CRASH_ZLIB, raw_len = uncompressed length). When
 * even compressed it does not fit one record, the start of the data is
 * dropped (the end of a panic log matters most); *kept (may be NULL)
 * receives how many bytes of the end were stored. */
int persist_crash_append_zlib(struct persist_store *s, int source, const struct persist_crash *c,
			      size_t *kept);
/* The uncompressed data of a decoded crash record, compressed or not:
 * *out is allocated (free it) with a NUL after the *len bytes. Returns 0,
 * PERSIST_E_CORRUPT (does not inflate to exactly raw_len bytes, or raw_len
 * is above PERSIST_CRASH_RAW_MAX) or PERSIST_E_NOMEM. */
int persist_crash_inflate(const struct persist_crash *c, uint8_t **out, size_t *len);

/* A random (version 4) UUID from the kernel. */
int persist_linux_random_uuid(persist_guid *g);

#endif
