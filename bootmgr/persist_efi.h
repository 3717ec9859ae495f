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
 * Fills *port so libpersist reads and writes the partition `dev` (a Block
 * I/O device, see kefi_block_list()). Returns 0, or PERSIST_E_UNSUPPORTED
 * if its block size does not divide the store's.
 */
int persist_efi_port(struct persist_efi *pe, const kefi_block *dev, struct persist_port *port);

#endif
