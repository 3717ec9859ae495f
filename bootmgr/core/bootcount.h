/* SPDX-License-Identifier: MIT */
/*
 * Boot counting in file names, as systemd-boot and systemd-bless-boot do it
 * (Boot Loader Specification, "Boot counting"; systemd's "Automatic Boot
 * Assessment"):
 *
 *   NAME+LEFT-DONE.SUFFIX   LEFT tries left, DONE tries done
 *   NAME+LEFT.SUFFIX        the same with DONE = 0
 *
 * The counter is the part after the last '+' and must run up to the suffix
 * (".conf" for entries, ".efi" for unified kernel images). Before an entry
 * with a counter is booted, the file is renamed to
 * NAME+(LEFT-1 but not below 0)-(DONE+1).SUFFIX and the new path (from the
 * ESP root, with backslashes) is put into LoaderBootCountPath, so the OS can
 * rename it to NAME.SUFFIX once the boot was good. An entry whose LEFT is 0
 * is "bad": still bootable by hand, sorted after all others.
 *
 *   foo+3.conf   -> foo+2-1.conf -> foo+1-2.conf -> foo+0-3.conf (bad)
 */
#ifndef KEEL_BOOTMGR_CORE_BOOTCOUNT_H
#define KEEL_BOOTMGR_CORE_BOOTCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Counters above this are not treated as counters (systemd: INT_MAX). */
#define BM_TRIES_MAX 2147483647u

struct bm_bootcount {
	bool counting;      /* the name carries a counter */
	uint32_t left;      /* tries left (counting only) */
	uint32_t done;      /* tries done (counting only) */
	size_t base_len;    /* bytes of NAME (before '+'), or of the whole
	                     * stem without suffix when not counting */
};

/*
 * Parses file name `name` (no directories) ending in `suffix` (compared
 * without regard to case). Returns 0 and fills *bc, or BM_E_BADNAME if the
 * name does not end in the suffix or the stem is empty. A '+' part that is
 * not a valid counter is part of the name (counting = false).
 */
int bm_bootcount_parse(const char *name, const char *suffix, struct bm_bootcount *bc);

/*
 * Writes the name the file gets before it is booted (see above) into
 * out[cap]. Returns its length, BM_E_INVAL if the name has no counter, or
 * BM_E_TOOLONG if it does not fit.
 */
int bm_bootcount_next_name(const char *name, const char *suffix, char *out, size_t cap);

/*
 * Writes the value for LoaderBootCountPath: `dir` (an ESP path such as
 * "\\loader\\entries" or "/loader/entries") joined with `file_name`, in
 * backslash form with one leading backslash. Returns its length or
 * BM_E_TOOLONG.
 */
int bm_bootcount_path(const char *dir, const char *file_name, char *out, size_t cap);

#endif
