/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line Keel passes to a Linux entry: the entry's options
 * (or the text of a one-boot edit from the menu) followed by Keel's own
 * words, which the booted OS reads back:
 *
 *   <options> keel.boot_id=<decimal> keel.persist=PARTUUID=<uuid>
 *
 * Words starting with "keel.boot_id=" or "keel.persist=" in the options or
 * the edit are dropped, so an entry cannot claim another attempt's boot id.
 * Keel's words go before a lone "--" (after it the words belong to init),
 * an unclosed double quote is closed so it cannot swallow them, and runs of
 * blanks (tabs, newlines from an edit) become one space.
 */
#ifndef KEEL_BOOTMGR_CORE_CMDLINE_H
#define KEEL_BOOTMGR_CORE_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "libpersist/guid.h"

/*
 * Writes the command line into out[cap] (NUL-terminated). `edited` (a
 * one-boot edit) replaces `options` when not NULL; either may be NULL or
 * "". persist_uuid may be NULL or zero: then no keel.persist word; boot_id
 * 0 (no attempt recorded): no keel.boot_id word. Returns
 * the length, BM_E_TOOLONG if it does not fit (out then holds ""), or
 * BM_E_CONTROL for control characters other than blanks.
 */
int bm_cmdline_build(char *out, size_t cap, const char *options, const char *edited,
		     uint64_t boot_id, const persist_guid *persist_uuid);

#endif
