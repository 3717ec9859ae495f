/* SPDX-License-Identifier: MIT */
/*
 * The Boot Loader Interface: the EFI variables under the loader vendor GUID
 * 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f through which a booted Linux
 * (`bootctl status`, systemd-bless-boot) learns about the boot loader, and
 * through which it asks for a default, a one-shot entry or a timeout.
 */
#ifndef KEEL_BOOTMGR_BLI_H
#define KEEL_BOOTMGR_BLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* LoaderFeatures bits (systemd's numbering); Keel sets only those it honours. */
#define BLI_FEATURE_CONFIG_TIMEOUT          (1ull << 0)
#define BLI_FEATURE_CONFIG_TIMEOUT_ONE_SHOT (1ull << 1)
#define BLI_FEATURE_ENTRY_DEFAULT           (1ull << 2)
#define BLI_FEATURE_ENTRY_ONESHOT           (1ull << 3)
#define BLI_FEATURE_BOOT_COUNTING           (1ull << 4)
#define BLI_FEATURE_XBOOTLDR                (1ull << 5)
#define BLI_FEATURE_SORT_KEY                (1ull << 8)
#define BLI_FEATURES_HONOURED                                                          \
	(BLI_FEATURE_CONFIG_TIMEOUT | BLI_FEATURE_CONFIG_TIMEOUT_ONE_SHOT |            \
	 BLI_FEATURE_ENTRY_DEFAULT | BLI_FEATURE_ENTRY_ONESHOT | BLI_FEATURE_BOOT_COUNTING | \
	 BLI_FEATURE_XBOOTLDR | BLI_FEATURE_SORT_KEY)

/* Sets LoaderInfo, LoaderFirmwareInfo, LoaderFirmwareType,
 * LoaderImageIdentifier, LoaderDevicePartUUID, LoaderFeatures and
 * LoaderTimeInitUSec (when bootmgr started, µs since reset). */
void bli_announce(void);
struct bm_entries;
/* LoaderEntries: the ids of every entry shown, in menu order. */
void bli_set_entries(const struct bm_entries *l);
/* LoaderEntrySelected and LoaderTimeExecUSec, right before an image starts. */
void bli_set_selected(const char *id);
/* LoaderBootCountPath (NULL or "" deletes it). */
void bli_set_boot_count_path(const char *path);

/* Requests from the running system. Each returns true when set and copies
 * the value; the one-shot variables are deleted as they are read. */
bool bli_take_oneshot(char *id, size_t size);
bool bli_default(char *id, size_t size);
/* Timeouts in seconds; -1 = not set. The one-shot is consumed. */
int bli_take_timeout_oneshot(void);
int bli_timeout(void);

/* Microseconds since the CPU's reset (the TSC), as the interface wants. */
uint64_t bli_now_us(void);

#endif
