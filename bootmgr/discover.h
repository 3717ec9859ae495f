/* SPDX-License-Identifier: MIT */
/*
 * Discovery: every installation on every file system the firmware exposes.
 * Boot Loader Specification Type #1 entries (\loader\entries\*.conf on any
 * ESP or XBOOTLDR partition), unified kernel images (\EFI\Linux\*.efi),
 * other systems' loaders (Windows, other distributions' shim/GRUB, the
 * removable-media fallback of other disks), then the built-in items:
 * firmware setup, reboot, power off. The entry model, its order and its
 * duplicate rule are bootmgr/core/entries.[ch] (tested on the host).
 */
#ifndef KEEL_BOOTMGR_DISCOVER_H
#define KEEL_BOOTMGR_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "bootmgr/core/entries.h"
#include "bootmgr/core/loaderconf.h"
#include "efi/kefi.h"

/* Time one file system may take before the rest of it is skipped. */
#define DISCOVER_VOLUME_BUDGET_US 2000000u

struct bm_list {
	kefi_volume *volumes;      /* from kefi_volume_list() */
	size_t n_volumes;
	struct bm_entries *entries; /* sorted in menu order */
	size_t skipped;            /* files dropped (unreadable, bad, duplicates, full) */
	struct bm_entry *scratch;  /* one entry being built (large: not static, */
	struct bm_bls_entry *bls;  /* as an EFI image's .bss takes file space) */
};

/* Finds everything (printing a KEEL-ENTRY marker per entry and a
 * KEEL-DISCOVER summary). loader.conf's auto-entries leaves out other
 * systems' loaders, auto-firmware, auto-reboot and auto-poweroff the
 * built-in items. Returns 0 or a KEFI_E* code. */
int discover(struct bm_list *l, const struct bm_loader_conf *conf);

/* True for entries the boot counting rule applies to (Keel-aware systems:
 * Type #1 and #2 entries and the recovery environment). */
bool discover_counted(const struct bm_entry *e);

#endif
