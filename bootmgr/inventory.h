/* SPDX-License-Identifier: MIT */
/*
 * What the firmware exposes: every disk with its GPT partitions and every
 * file system, one marker line each (KEEL-DISK, KEEL-GPT, KEEL-PART,
 * KEEL-FS), and the persist partition to use.
 */
#ifndef KEEL_BOOTMGR_INVENTORY_H
#define KEEL_BOOTMGR_INVENTORY_H

#include <stdbool.h>

#include "efi/kefi.h"
#include "libpersist/guid.h"

/*
 * The persist partition to use: the first one with Keel's type GUID on the
 * disk bootmgr was loaded from, else the first one on any disk.
 */
struct persist_pick {
	bool found;
	bool on_self_disk;
	persist_guid uuid;
	persist_guid self_uuid; /* PARTUUID of bootmgr's own ESP (zero if unknown) */
	bool have_dev;          /* the firmware exposes it as a block device: */
	kefi_block dev;         /* that device */
};

/* Prints every disk and its partitions; fills *pick (self_uuid set by the
 * caller beforehand). */
void inventory_disks(struct persist_pick *pick);

#endif
