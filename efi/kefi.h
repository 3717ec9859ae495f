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
/* A marker line ("KEEL-…", for tests and diagnostics): to the serial port
 * only, where one exists, so that people see a clean screen and the
 * graphics console does not draw them (slow); else to the console. */
void kefi_marker(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A trace marker: what was found and done on the way (disks, partitions,
 * file systems, entries, the store opened). Like kefi_marker(), except
 * while markers are held and after a release without trace. */
void kefi_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Holding: from kefi_marker_hold() on, markers wait in memory, in order,
 * until kefi_marker_release(). Released with trace, all of them are
 * written, and trace markers too from then on; without, the trace markers
 * are left out, and later ones dropped until a release with trace. Either
 * way markers are written at once from then on. kefi_printf() releases
 * with trace: what people are told about deserves the whole story on the
 * serial port. A quiet boot thus writes one line instead of the whole
 * inventory (each byte on a real UART at 115200 baud takes 87 us).
 */
void kefi_marker_hold(void);
void kefi_marker_release(bool with_trace);

/* ---- memory ------------------------------------------------------------- */

/* Zeroed pool memory, or NULL. kefi_free(NULL) is harmless. */
void *kefi_alloc(size_t size);
void kefi_free(void *p);

/* ---- time --------------------------------------------------------------- */

/* Marks the application's start for the clock; call it first thing. Then
 * the TSC's rate is measured against the ACPI PM timer over the work done
 * until time is first asked for, without waiting if that took 100 us or
 * more. Without it, or without a PM timer, the first reading of the clock
 * measures the rate against the firmware's Stall() (0.3 ms). */
void kefi_time_start(void);
/* Microseconds since an arbitrary point (monotonic within this boot). */
uint64_t kefi_time_us(void);
/* kefi_time_us() as it was at kefi_time_start() (0 if never called). */
uint64_t kefi_time_start_us(void);
/* The TSC ticks per microsecond that kefi_time_us() found. */
uint64_t kefi_tsc_per_us(void);
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
	const char *bus;         /* how the disk is attached: "nvme", "usb", "sata", … */
	size_t parent;           /* for partitions: index of the disk, else self */
	/* A GPT partition's entry as the firmware's partition driver read it
	 * (UEFI 2.7 Partition Info protocol), KEFI_GPT_ENTRY_SIZE bytes in
	 * on-disk layout; NULL if the firmware offers none or the partition is
	 * not a GPT one. Firmware memory, valid while the partition is there. */
	const uint8_t *gpt_entry;
} kefi_block;

#define KEFI_GPT_ENTRY_SIZE 128

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

/*
 * From now on, on every volume opened through these functions, a flush of
 * the device that nothing was written to since its last flush returns at
 * once (the firmware's FAT driver flushes at every Open and Close of a
 * file; efi/flush.c). Writes are still flushed
 * whenever anyone asks. kefi_flush_counts() says how many flushes were
 * answered at once and how many passed on to the device since the layer
 * was last taken off. kefi_flush_restore() takes it off, putting the
 * firmware's own functions back: kefi_image_run() does before it starts an
 * image, efi_main() before the application returns.
 */
struct kefi_flush_counts {
	unsigned long long skipped; /* nothing written since the last flush */
	unsigned long long passed;  /* written: flushed by the device */
};
void kefi_flush_elide(void);
struct kefi_flush_counts kefi_flush_counts(void);
void kefi_flush_restore(void);

/* ---- file systems -------------------------------------------------------- */

/* One mounted file system (Simple File System protocol). */
typedef struct kefi_volume {
	void *handle;            /* firmware handle (opaque) */
	uint32_t part_number;    /* 1-based partition number, 0 if unknown */
	kefi_guid part_uuid;     /* GPT PARTUUID, zero if none */
	bool self;               /* the volume this application was loaded from */
} kefi_volume;

/* Lists every file system; caller frees *list with kefi_free(). */
int kefi_volume_list(kefi_volume **list, size_t *count);
/* File access keeps each volume's root open; this closes them all. Done
 * after every started image returns; call it before anything else that may
 * change volumes behind the boot manager's back. */
void kefi_volumes_forget(void);
/* The volume's label into out[size] ("" if it has none). */
void kefi_volume_label(void *volume_handle, char *out, size_t size);

/* Reads a whole file (path with '\' separators, e.g. "\\EFI\\BOOT\\x.efi")
 * from a volume into pool memory; caller frees *data with kefi_free(). */
int kefi_file_read(void *volume_handle, const char *path, void **data, size_t *size);
/* Returns true if the file exists on the volume. */
bool kefi_file_exists(void *volume_handle, const char *path);

/* The handle of the volume this application was loaded from. */
void *kefi_self_volume(void);
/* The file path this application was loaded from ("\\EFI\\BOOT\\BOOTX64.EFI"). */
int kefi_self_path(char *out, size_t size);
/* The command line this application was started with ("" if none). */
int kefi_self_options(char *out, size_t size);
/* The GPT PARTUUID of that volume; KEFI_ENOTFOUND if it is not a GPT
 * partition (e.g. loaded over the network or from a whole-disk FAT). */
int kefi_self_partuuid(kefi_guid *uuid);

/* Reads at most `len` bytes at `offset` of a file into buf; *got receives
 * the count (short at the end of the file). For headers of large files. */
int kefi_file_read_at(void *volume_handle, const char *path, uint64_t offset, void *buf,
		      size_t len, size_t *got);
/* Size of a file in bytes. */
int kefi_file_size(void *volume_handle, const char *path, uint64_t *size);
/* Renames a file within its directory (new_name is a bare file name). */
int kefi_file_rename(void *volume_handle, const char *path, const char *new_name);

/* One directory entry. */
typedef struct kefi_dirent {
	char name[128];          /* file name (non-ASCII characters become '?') */
	uint64_t size;
	bool dir;
} kefi_dirent;

/* Lists a directory (without "." and ".."), unsorted; caller frees *list
 * with kefi_free(). KEFI_ENOTFOUND if the directory does not exist. At most
 * `max` entries are returned. */
int kefi_dir_list(void *volume_handle, const char *path, size_t max, kefi_dirent **list,
		  size_t *count);

/* ---- images ------------------------------------------------------------- */

/* Loads the EFI program at `path` on `volume_handle` (the firmware reads and
 * checks it) without starting it; *image receives an opaque handle. */
int kefi_image_load(void *volume_handle, const char *path, void **image);
/* Sets the command line (UTF-8, copied) the loaded image sees in LoadOptions. */
int kefi_image_set_options(void *image, const char *cmdline);
/* Starts a loaded image. Returns when it exits; *exit_status receives its
 * EFI status. The image is unloaded by the firmware once it has exited. */
int kefi_image_run(void *image, uint64_t *exit_status);
/* Unloads an image that was loaded but not started. */
void kefi_image_unload(void *image);
/*
 * Offers `data` as the initrd of the next Linux kernel through the Load File
 * 2 protocol on the LINUX_EFI_INITRD_MEDIA_GUID device path (how kernels
 * since 5.8 fetch their initrd). The data must stay valid until
 * kefi_initrd_unregister(). Returns KEFI_EINVAL if one is registered already.
 */
int kefi_initrd_register(const void *data, size_t size);
void kefi_initrd_unregister(void);

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

/* UTF-16 string variables (the Boot Loader Interface's kind): the text is
 * converted from/to ASCII; set writes a NUL-terminated UCS-2 string. */
int kefi_var_set_str(const kefi_guid *vendor, const char *name, const char *value,
		     bool persistent);
int kefi_var_get_str(const kefi_guid *vendor, const char *name, char *out, size_t size);
/* Deletes a variable (absent is fine). */
int kefi_var_delete(const kefi_guid *vendor, const char *name);

/* ---- keyboard (console and serial terminal) -------------------------------- */

/* Keys: printable characters as themselves, Enter '\r', Backspace '\b',
 * Escape 0x1b, and these for the keys without a character. */
enum {
	KEFI_KEY_UP = 0x101,
	KEFI_KEY_DOWN,
	KEFI_KEY_RIGHT,
	KEFI_KEY_LEFT,
	KEFI_KEY_HOME,
	KEFI_KEY_END,
	KEFI_KEY_PGUP,
	KEFI_KEY_PGDN,
	KEFI_KEY_DELETE,
	KEFI_KEY_F1,
};
/* Waits up to timeout_us (0: just look, UINT64_MAX: forever) for a key.
 * Returns the key, or 0 if none came. */
int kefi_key_read(uint64_t timeout_us);
/* Discards keys typed so far. */
void kefi_key_flush(void);

/* ---- screen -------------------------------------------------------------- */

/* Clears the console screen (the serial terminal gets the same escape). */
void kefi_screen_clear(void);
/* The console's text modes by the firmware's numbering: modes[i] for mode
 * i, cols 0 where it does not offer i. Fills at most `cap`; returns how
 * many it filled, with the mode in use in *current. */
typedef struct {
	uint32_t cols, rows;
} kefi_text_mode;
size_t kefi_screen_modes(kefi_text_mode *modes, size_t cap, size_t *current);
/* Switches the console to text mode `mode` (firmware numbering). Returns
 * KEFI_OK, or KEFI_EINVAL for a number beyond its modes, or the
 * firmware's error. */
int kefi_screen_set_mode(size_t mode);

/* ---- firmware ------------------------------------------------------------ */

/* The firmware's vendor string and revision, and the UEFI revision
 * (major << 16 | minor, as in the system table). */
void kefi_firmware_info(char *vendor, size_t size, uint32_t *fw_revision, uint32_t *uefi_revision);
/* True if the firmware can boot into its setup screen on request. */
bool kefi_firmware_setup_supported(void);
/* Asks for the firmware setup screen at the next boot and resets. Returns
 * only on failure. */
int kefi_reboot_to_firmware(void);

/* ---- power -------------------------------------------------------------- */

/* Powers the machine off / resets it. Never return. */
__attribute__((noreturn)) void kefi_power_off(void);
__attribute__((noreturn)) void kefi_reboot(void);

/* The firmware watchdog: arm for `seconds` (0 = leave as is), see UEFI 7.5. */
int kefi_watchdog_arm(unsigned seconds);

#endif
