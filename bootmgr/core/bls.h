/* SPDX-License-Identifier: MIT */
/*
 * Boot Loader Specification Type #1 entries (UAPI.1), as found in
 * \loader\entries\*.conf on an ESP. See docs/boot-entries.md.
 *
 * The parser reads a caller-provided buffer into a caller-provided struct
 * with fixed-size fields: no allocation, no printing. Lines are "key value"
 * separated by spaces or tabs; '#' starts a comment line; CRLF is accepted.
 */
#ifndef KEEL_BOOTMGR_CORE_BLS_H
#define KEEL_BOOTMGR_CORE_BLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootmgr/core/bootcount.h"
#include "bootmgr/core/diag.h"
#include "bootmgr/core/str.h"

#define BM_ID_MAX 64          /* entry id incl. NUL (= PERSIST_ID_MAX) */
#define BM_TITLE_MAX 128
#define BM_VERSION_MAX 64
#define BM_SORT_KEY_MAX 64
#define BM_MACHINE_ID_MAX 64
#define BM_PATH_MAX 256       /* a firmware path incl. NUL */
#define BM_INITRD_MAX 8
#define BM_OPTIONS_MAX 2048   /* all options lines joined, incl. NUL */
#define BM_ARCH_MAX 16
#define BM_FILE_NAME_MAX 256

/* The architecture this build boots ("x64"). */
#define BM_NATIVE_ARCH "x64"

struct bm_bls_entry {
	char id[BM_ID_MAX];               /* file name without counter and ".conf" */
	char file_name[BM_FILE_NAME_MAX]; /* the file name as given */
	struct bm_bootcount count;        /* the file name's boot counter */
	char title[BM_TITLE_MAX];         /* "" if not given */
	char version[BM_VERSION_MAX];
	char sort_key[BM_SORT_KEY_MAX];
	char machine_id[BM_MACHINE_ID_MAX];
	char architecture[BM_ARCH_MAX];   /* "" if not given */
	char linux_path[BM_PATH_MAX];     /* firmware form, "" if none */
	char efi_path[BM_PATH_MAX];       /* 'efi' or 'uki' image, "" if none */
	bool efi_is_uki;                  /* efi_path came from 'uki' */
	uint32_t n_initrd;
	char initrd[BM_INITRD_MAX][BM_PATH_MAX]; /* in file order */
	char options[BM_OPTIONS_MAX];     /* 'options' lines joined by spaces */
};

/*
 * Parses the entry file `file_name` (no directories) whose contents are
 * text[0..len). Returns 0 with *out filled and notes in *diag (which may be
 * NULL), or a negative BM_E_* code with the failing line and key in *diag
 * and *out cleared. An entry for another architecture returns BM_E_ARCH.
 */
int bm_bls_parse(const char *file_name, const char *text, size_t len, struct bm_bls_entry *out,
		 struct bm_diag *diag);

/*
 * Writes path p in the firmware's form: '/' becomes '\', one leading '\',
 * repeated separators and "." components dropped, no trailing separator.
 * Returns the length, BM_E_BADPATH (empty, "..", control characters) or
 * BM_E_TOOLONG.
 */
int bm_path_to_firmware(bm_slice p, char *out, size_t cap);

/* Derives an entry id from a file name: strips `suffix` (".conf", ".efi")
 * and a boot counter. Returns the id's length, or BM_E_BADNAME. */
int bm_entry_id_from_file(const char *file_name, const char *suffix, char *out, size_t cap,
			  struct bm_bootcount *bc);

#endif
