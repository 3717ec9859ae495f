/* SPDX-License-Identifier: MIT */
/*
 * The firmware port of libpersist: a persist_port over the Block I/O handle
 * of Keel's persist partition.
 */
#ifndef KEEL_BOOTMGR_PERSIST_EFI_H
#define KEEL_BOOTMGR_PERSIST_EFI_H

#include "efi/kefi.h"
#include "libpersist/persist.h"

/* A persist partition the firmware exposes as a Block I/O device. Its
 * first PERSIST_META_SIZE bytes (superblocks and boot-state copies, read
 * by every open) are read in one transfer and kept: each device read costs
 * a command round trip, and opening reads five structures there. */
struct persist_efi {
	kefi_block dev;
	uint8_t *meta;             /* NULL until first read */
};

/*
 * Finds the Block I/O device of the partition whose PARTUUID is `uuid` and
 * fills *port so libpersist reads and writes it. Returns 0, or
 * PERSIST_E_NOTFOUND if the firmware exposes no such partition.
 */
int persist_efi_port(struct persist_efi *pe, const persist_guid *uuid, struct persist_port *port);

#endif
