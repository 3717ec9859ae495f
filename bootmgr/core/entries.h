/* SPDX-License-Identifier: MIT */
/*
 * The boot manager's list of discovered entries: a fixed-capacity array
 * the firmware side fills while it scans volumes, then dedupes, sorts and
 * hands to libpersist's persist_boot_choose() and to the menu. Portable C,
 * no allocation. Menu order and dedupe rules are in docs/boot-entries.md.
 */
#ifndef KEEL_BOOTMGR_CORE_ENTRIES_H
#define KEEL_BOOTMGR_CORE_ENTRIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootmgr/core/bls.h"
#include "bootmgr/core/osrel.h"
#include "libpersist/guid.h"

#define BM_ENTRIES_MAX 64

enum bm_entry_kind {
	BM_KIND_BLS,       /* Boot Loader Specification Type #1 entry */
	BM_KIND_UKI,       /* unified kernel image (Type #2, \EFI\Linux\*.efi) */
	BM_KIND_EFI,       /* another EFI program (shell, tool) */
	BM_KIND_FOREIGN,   /* another OS's loader: Windows, another distro, a
	                    * removable-media fallback of another disk */
	BM_KIND_RECOVERY,  /* Keel's Recovery environment */
	BM_KIND_FIRMWARE,  /* reboot into the firmware setup */
	BM_KIND_REBOOT,
	BM_KIND_POWEROFF,
};

enum {
	BM_F_COUNTING = 1u << 0,    /* the file name has a boot counter */
	BM_F_BAD = 1u << 1,         /* ... and it reached 0 tries left */
	BM_F_INITRD_MEDIA = 1u << 2, /* kernel takes the initrd by Load File 2 */
};

struct bm_entry {
	int kind;                          /* enum bm_entry_kind */
	char id[BM_ID_MAX];                /* stable id (persist, LoaderEntries) */
	char title[BM_TITLE_MAX];          /* menu text */
	char version[BM_VERSION_MAX];
	char sort_key[BM_SORT_KEY_MAX];
	char machine_id[BM_MACHINE_ID_MAX];
	uint32_t volume;                   /* index of the volume it was found on */
	persist_guid volume_uuid;          /* that volume's PARTUUID (zero: unknown) */
	char path[BM_PATH_MAX];            /* image to start, firmware form */
	char source_dir[BM_PATH_MAX];      /* folder of the entry file or UKI */
	char source_name[BM_FILE_NAME_MAX]; /* its file name (boot counter renames) */
	uint32_t n_initrd;
	char initrd[BM_INITRD_MAX][BM_PATH_MAX];
	char options[BM_OPTIONS_MAX];      /* kernel command line / load options */
	uint32_t flags;                    /* BM_F_* */
	uint32_t tries_left, tries_done;   /* BM_F_COUNTING only */
	uint64_t image_size;               /* fingerprint of the image: size and */
	uint32_t image_crc;                /* CRC32, 0 = not known */
	uint32_t seq;                      /* order of addition (set by add) */
};

/* A list in storage the caller provides (about 5.5 KiB an entry, so the
 * boot manager starts small and grows it: firmware allocations cost time
 * by the page). */
struct bm_entries {
	uint32_t n;
	uint32_t cap;              /* slots in e[], at most BM_ENTRIES_MAX */
	struct bm_entry *e;
};

/* An empty list in storage[0..cap). */
void bm_entries_init(struct bm_entries *l, struct bm_entry *storage, uint32_t cap);

/*
 * Fills *e from a parsed Type #1 entry found in folder `dir` (e.g.
 * "\\loader\\entries") on volume `volume` (uuid may be NULL). Returns 0 or
 * BM_E_TOOLONG.
 */
int bm_entry_from_bls(struct bm_entry *e, const struct bm_bls_entry *b, const char *dir,
		      uint32_t volume, const persist_guid *uuid);

/*
 * Fills *e for the unified kernel image `file_name` in `dir` (e.g.
 * "\\EFI\\Linux"): id from the file name (without ".efi" and boot counter),
 * title from PRETTY_NAME (else NAME, ID, the id), version from
 * IMAGE_VERSION (else VERSION_ID, VERSION, BUILD_ID, `uname`), sort-key
 * from IMAGE_ID (else ID). os and uname may be NULL; cmdline (the .cmdline
 * section, may be NULL) becomes the options. Returns 0, BM_E_BADNAME or
 * BM_E_TOOLONG.
 */
int bm_entry_from_uki(struct bm_entry *e, const char *dir, const char *file_name,
		      const struct bm_os_release *os, const char *uname, const char *cmdline,
		      size_t cmdline_len, uint32_t volume, const persist_guid *uuid);

/*
 * Fills *e for an EFI program or a foreign loader (kind BM_KIND_EFI or
 * BM_KIND_FOREIGN) at `path` (any separator form). Returns 0, BM_E_INVAL,
 * BM_E_BADPATH or BM_E_TOOLONG.
 */
int bm_entry_from_program(struct bm_entry *e, int kind, const char *id, const char *title,
			  const char *path, uint32_t volume, const persist_guid *uuid);

/*
 * systemd's boot counting in file names, for an entry with BM_F_COUNTING:
 * bm_entry_count_name() writes the name its file gets before the boot
 * (foo+3.conf -> foo+2-1.conf; the counter sits before the file's own
 * suffix, .conf or .efi) into out[cap]; returns its length, BM_E_INVAL
 * without a counter, or BM_E_TOOLONG. Once the file has that name,
 * bm_entry_renamed() makes the entry follow it: its file name, its tries
 * and BM_F_BAD, and its path when the counted file is the image itself (a
 * unified kernel image). Returns 0, BM_E_BADNAME or BM_E_TOOLONG.
 */
int bm_entry_count_name(const struct bm_entry *e, char *out, size_t cap);
int bm_entry_renamed(struct bm_entry *e, const char *name);

/* Fills *e for Recovery, firmware setup, reboot or power off, with their
 * fixed ids ("keel-recovery", "auto-reboot-to-firmware-setup",
 * "auto-reboot", "auto-poweroff") and titles. Returns 0 or BM_E_INVAL. */
int bm_entry_special(struct bm_entry *e, int kind);

/*
 * Adds a copy of *e. Returns 0 when added, 1 when it is a duplicate of an
 * entry already listed (then nothing is added), BM_E_FULL (cap reached), or BM_E_BADNAME
 * if its id collides with a different entry and no "@N" variant is free.
 * A colliding id gets "@<volume>" appended (or "@<volume>.<n>"), cutting
 * a long id to make room.
 */
int bm_entries_add(struct bm_entries *l, const struct bm_entry *e);

/* The menu order (see docs/boot-entries.md), in place. */
void bm_entries_sort(struct bm_entries *l);
/* Compares two entries in menu order (<0: a is shown first). */
int bm_entry_compare(const struct bm_entry *a, const struct bm_entry *b);

/* True for kinds persist_boot_choose may pick (BLS, UKI, EFI, foreign). */
bool bm_entry_is_bootable(const struct bm_entry *e);

/*
 * Fills ids[0..cap) with the ids of the bootable entries in list order
 * (after bm_entries_sort: newest first), pointing into l, for
 * persist_boot_choose(). Returns how many there are (may exceed cap).
 */
size_t bm_entries_ids(const struct bm_entries *l, const char **ids, size_t cap);

/* Index of the entry with this id, or -1. */
int bm_entries_find(const struct bm_entries *l, const char *id);
/* Index of the first bootable entry (list order) whose id matches the glob
 * pattern, or -1 (also for "" or NULL). */
int bm_entries_match(const struct bm_entries *l, const char *pattern);

/*
 * Writes the LoaderEntries EFI variable value: every id in list order as
 * UTF-16LE with a NUL after each, then one more NUL. Returns the bytes the
 * value needs; out holds it only if that is <= cap.
 */
size_t bm_entries_loader_entries(const struct bm_entries *l, uint8_t *out, size_t cap);

#endif
