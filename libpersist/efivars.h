/* SPDX-License-Identifier: MIT */
/*
 * EFI variables shared between bootmgr (firmware) and the Linux tools.
 * Names and vendor GUIDs live here and nowhere else.
 */
#ifndef KEEL_PERSIST_EFIVARS_H
#define KEEL_PERSIST_EFIVARS_H

#include "libpersist/guid.h"

/* Keel's own vendor GUID, 8055435b-501f-4698-a3b8-8437a96652b5 (on-disk
 * byte order below). Linux sees its variables as
 * /sys/firmware/efi/efivars/<Name>-8055435b-501f-4698-a3b8-8437a96652b5. */
#define KEEL_VENDOR_GUID_TEXT "8055435b-501f-4698-a3b8-8437a96652b5"
#define KEEL_VENDOR_GUID_BYTES                                                         \
	{                                                                              \
		{ 0x5b, 0x43, 0x55, 0x80, 0x1f, 0x50, 0x98, 0x46, 0xa3, 0xb8, 0x84, 0x37, \
		  0xa9, 0x66, 0x52, 0xb5 }                                             \
	}

/* Volatile: the boot id of the attempt bootmgr started (ASCII decimal), for
 * an OS that cannot see its kernel command line (also passed there as
 * keel.boot_id=). */
#define KEEL_VAR_BOOT_ID "KeelBootId"

#endif
