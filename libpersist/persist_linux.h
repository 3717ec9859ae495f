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
 * Returns 0 with its byte offset and size, PERSIST_E_NOTFOUND, or another
 * PERSIST_E* code. */
int persist_linux_find_partition(const char *path, uint64_t *offset, uint64_t *size);
/* Opens path as a port. If path holds a store at offset 0, or flags has
 * PERSIST_LINUX_WHOLE, the whole file is used; else the persist partition
 * inside it; else (no partition table) the whole file. */
int persist_linux_port_open(const char *path, unsigned flags, struct persist_linux **out,
			    struct persist_port *port);
void persist_linux_port_close(struct persist_linux *l);
/* errno of the last failed system call of the port (0 if none). */
int persist_linux_errno(const struct persist_linux *l);
/* Byte offset of the store inside the file (partition start). */
uint64_t persist_linux_offset(const struct persist_linux *l);

/* Allocates and opens a store on path (see persist_open for flags). */
int persist_linux_open(const char *path, unsigned flags, struct persist_store **out);
/* Formats path (creating a regular file of `size` bytes if it does not
 * exist; size 0 = PERSIST_DEFAULT_SIZE) and returns it open for writing.
 * uuid NULL: a random one. */
int persist_linux_format(const char *path, uint64_t size, const persist_guid *uuid,
			 struct persist_store **out);
/* Closes a store from persist_linux_open/format and frees it; NULL is
 * harmless. Returns persist_close's result. */
int persist_linux_close(struct persist_store *s);
/* A random (version 4) UUID from the kernel. */
int persist_linux_random_uuid(persist_guid *g);

#endif
