/* SPDX-License-Identifier: MIT */
/*
 * kefi — Keel's small door to the firmware.
 *
 * Only files in efi/ include gnu-efi's <efi.h>/<efilib.h>. Everything else that
 * runs in firmware (bootmgr, the freestanding libpersist port) uses this
 * header, which needs nothing but <stddef.h>, <stdint.h> and <stdbool.h>.
 *
 * Conventions: functions return 0 on success or a negative KEFI_E* code;
 * kefi_strerror() names it. Output parameters are untouched on failure.
 * Strings are UTF-8/ASCII; conversion to UCS-2 happens inside efi/.
 */
#ifndef KEEL_EFI_KEFI_H
#define KEEL_EFI_KEFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libpersist/guid.h"

enum {
	KEFI_OK = 0,
	KEFI_ENOTFOUND = -1,  /* no such file, variable or protocol */
	KEFI_EIO = -2,        /* the device reported an error */
	KEFI_ENOMEM = -3,     /* firmware pool allocation failed */
	KEFI_EINVAL = -4,     /* bad argument */
	KEFI_EUNSUPPORTED = -5, /* firmware lacks the service */
	KEFI_ESECURITY = -6,  /* image refused by the firmware's security policy */
	KEFI_EFAILED = -7,    /* any other firmware error */
};

/* Returns a static, human-readable name for a KEFI_E* code. */
const char *kefi_strerror(int err);

/* The application's entry point, called by efi/entry.c after setup.
 * Its return value becomes the image's exit status (0 = success). */
int keel_efi_main(void);

/* ---- console ------------------------------------------------------------ */

/* printf-style output to the console and, when the console does not already
 * reach it, directly to the first serial port. "\n" becomes CR LF. */
void kefi_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- memory ------------------------------------------------------------- */

/* Zeroed pool memory, or NULL. kefi_free(NULL) is harmless. */
void *kefi_alloc(size_t size);
void kefi_free(void *p);

/* ---- time --------------------------------------------------------------- */

/* Microseconds since an arbitrary point (monotonic within this boot). */
uint64_t kefi_time_us(void);
/* Wall-clock time from the firmware's real-time clock, in microseconds since
 * the Unix epoch (UTC assumed when the RTC gives no time zone); 0 if the
 * clock cannot be read. */
uint64_t kefi_time_wall_us(void);
/* Stall for the given number of microseconds. */
void kefi_stall_us(uint64_t us);

/* ---- GUIDs -------------------------------------------------------------- */

/* A GUID in its on-disk (mixed-endian) byte order, as GPT stores it; the
 * one GUID type of Keel, shared with libpersist. */
typedef persist_guid kefi_guid;

/* ---- block devices ------------------------------------------------------ */

/* One Block I/O device the firmware exposes: a whole disk or a partition. */
typedef struct kefi_block {
	void *handle;            /* firmware handle (opaque) */
	uint32_t block_size;     /* bytes per logical block */
	uint64_t last_lba;       /* index of the last block */
	bool partition;          /* a partition rather than a whole disk */
	bool removable;          /* removable media (USB sticks, …) */
	uint32_t part_number;    /* 1-based GPT/MBR partition number, or 0 */
	kefi_guid part_uuid;     /* GPT PARTUUID (zero for MBR / whole disk) */
	char path[256];          /* device path as text, for people and markers */
	size_t parent;           /* for partitions: index of the disk, else self */
} kefi_block;

/*
 * Lists every Block I/O device with media present, disks first in firmware
 * order, each partition after noting its disk in ->parent (SIZE_MAX if the
 * disk could not be matched). Returns the count in *count and an array in
 * *list that the caller frees with kefi_free().
 */
int kefi_block_list(kefi_block **list, size_t *count);

/* Reads/writes `count` blocks starting at `lba`. buf must hold count * bs. */
int kefi_block_read(const kefi_block *dev, uint64_t lba, void *buf, size_t count);
int kefi_block_write(const kefi_block *dev, uint64_t lba, const void *buf, size_t count);
int kefi_block_flush(const kefi_block *dev);

/* ---- file systems -------------------------------------------------------- */

/* One mounted file system (Simple File System protocol). */
typedef struct kefi_volume {
	void *handle;            /* firmware handle (opaque) */
	char label[64];          /* volume label, "" if none */
	char path[256];          /* device path as text */
	uint32_t part_number;    /* 1-based partition number, 0 if unknown */
	kefi_guid part_uuid;     /* GPT PARTUUID, zero if none */
	bool self;               /* the volume this application was loaded from */
} kefi_volume;

/* Lists every file system; caller frees *list with kefi_free(). */
int kefi_volume_list(kefi_volume **list, size_t *count);

/* Reads a whole file (path with '\' separators, e.g. "\\EFI\\BOOT\\x.efi")
 * from a volume into pool memory; caller frees *data with kefi_free(). */
int kefi_file_read(void *volume_handle, const char *path, void **data, size_t *size);
/* Returns true if the file exists on the volume. */
bool kefi_file_exists(void *volume_handle, const char *path);

/* The handle of the volume this application was loaded from. */
void *kefi_self_volume(void);
/* The GPT PARTUUID of that volume; KEFI_ENOTFOUND if it is not a GPT
 * partition (e.g. loaded over the network or from a whole-disk FAT). */
int kefi_self_partuuid(kefi_guid *uuid);

/* ---- images ------------------------------------------------------------- */

/*
 * Loads the EFI program at `path` on `volume_handle` and starts it with the
 * given command line (UTF-8, may be NULL). Returns only if loading failed or
 * the program exited; *exit_status receives its EFI status (0 = success).
 */
int kefi_image_start(void *volume_handle, const char *path, const char *cmdline,
		     uint64_t *exit_status);

/* ---- variables ---------------------------------------------------------- */

/* Reads/writes a variable under `vendor`; data is raw bytes. Written
 * variables are non-volatile + boot-service + runtime accessible when
 * `persistent`, otherwise volatile. */
int kefi_var_get(const kefi_guid *vendor, const char *name, void *buf, size_t *size);
int kefi_var_set(const kefi_guid *vendor, const char *name, const void *data, size_t size,
		 bool persistent);

/* ---- power -------------------------------------------------------------- */

/* Powers the machine off / resets it. Never return. */
__attribute__((noreturn)) void kefi_power_off(void);
__attribute__((noreturn)) void kefi_reboot(void);

/* The firmware watchdog: arm for `seconds` (0 = leave as is), see UEFI 7.5. */
int kefi_watchdog_arm(unsigned seconds);

#endif
