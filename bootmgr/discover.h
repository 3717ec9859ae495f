/* SPDX-License-Identifier: MIT */
/*
 * Discovery: every installation on every file system the firmware exposes.
 * Boot Loader Specification Type #1 entries (\loader\entries\*.conf on any
 * ESP or XBOOTLDR partition), other systems' loaders (Windows, other
 * distributions' shim/GRUB, the removable-media fallback of other disks),
 * then the built-in items: firmware setup, reboot, power off.
 */
#ifndef KEEL_BOOTMGR_DISCOVER_H
#define KEEL_BOOTMGR_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "bootmgr/core/bls.h"
#include "efi/kefi.h"

enum bm_kind {
	BM_KIND_BLS,        /* a Type #1 entry: Linux kernel or EFI program */
	BM_KIND_FOREIGN,    /* another system's loader */
	BM_KIND_FIRMWARE,   /* reboot into the firmware's setup */
	BM_KIND_REBOOT,
	BM_KIND_POWEROFF,
};

struct bm_item {
	enum bm_kind kind;
	bool recovery;             /* the recovery environment */
	size_t volume;             /* index into the volume list */
	char dir[32];              /* directory of the entry file ("\\loader\\entries") */
	struct bm_bls_entry e;     /* id, title, paths, options (foreign: efi_path) */
};

#define BM_ITEMS_MAX 48
/* Time one file system may take before the rest of it is skipped. */
#define DISCOVER_VOLUME_BUDGET_US 2000000u

struct bm_list {
	kefi_volume *volumes;      /* from kefi_volume_list() */
	size_t n_volumes;
	struct bm_item *items;     /* BM_ITEMS_MAX, sorted: OS entries first */
	size_t n;
	size_t skipped;            /* entries dropped (bad files, duplicates, full) */
};

/* Finds everything (printing a KEEL-ENTRY marker per item and a
 * KEEL-DISCOVER summary). Returns 0 or a KEFI_E* code. */
int discover(struct bm_list *l);
void discover_free(struct bm_list *l);

/* True for items the boot counting rule applies to (Keel-aware systems). */
bool bm_item_counted(const struct bm_item *it);

#endif
