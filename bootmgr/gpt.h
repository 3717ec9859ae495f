/* SPDX-License-Identifier: MIT */
/*
 * GPT decoding for the boot manager (UEFI 2.10, chapter 5.3). Portable C:
 * it decodes bytes the caller read, so it is unit-tested and fuzzed on the
 * host. Every field read from disk is validated before it is trusted.
 */
#ifndef KEEL_BOOTMGR_GPT_H
#define KEEL_BOOTMGR_GPT_H

#include <stddef.h>
#include <stdint.h>

#include "libpersist/guid.h"

#define GPT_HEADER_SIGNATURE 0x5452415020494645ull /* "EFI PART" */
#define GPT_MIN_ENTRY_SIZE 128u
#define GPT_MAX_ENTRIES 1024u
#define GPT_NAME_MAX 72 /* 36 UCS-2 units as UTF-8 (BMP: ≤ 3 bytes each) */

enum {
	GPT_OK = 0,
	GPT_ENOTGPT = -1,   /* no "EFI PART" signature */
	GPT_ECRC = -2,      /* header or entry array CRC mismatch */
	GPT_EBADHDR = -3,   /* header fields out of range */
};

/* The fields of a GPT header that Keel uses, after validation. */
typedef struct gpt_header {
	uint64_t my_lba;           /* LBA of this header (1 for the primary) */
	uint64_t alternate_lba;    /* LBA of the other header */
	uint64_t first_usable_lba; /* first LBA partitions may use */
	uint64_t last_usable_lba;  /* last LBA partitions may use */
	persist_guid disk_guid;    /* the disk's GUID */
	uint64_t entries_lba;      /* first LBA of the partition entry array */
	uint32_t n_entries;        /* number of entries in the array */
	uint32_t entry_size;       /* bytes per entry (128 × 2^n) */
	uint32_t entries_crc;      /* CRC32 of n_entries × entry_size bytes */
} gpt_header;

/* One used partition entry. */
typedef struct gpt_partition {
	uint32_t number;           /* 1-based index in the entry array */
	persist_guid type;         /* partition type GUID */
	persist_guid uuid;         /* unique partition GUID (PARTUUID) */
	uint64_t first_lba, last_lba;
	uint64_t attributes;
	char name[GPT_NAME_MAX + 1]; /* UTF-8, NUL-terminated */
} gpt_partition;

/*
 * Decodes and validates the header in `block` (one logical block of
 * `block_size` bytes, at least 512). Returns GPT_OK and fills *h, or a
 * negative GPT_E* code leaving *h untouched.
 */
int gpt_header_decode(const uint8_t *block, size_t block_size, gpt_header *h);

/* Bytes of the entry array described by h (≤ GPT_MAX_ENTRIES × 4 KiB). */
size_t gpt_entries_size(const gpt_header *h);

/*
 * Checks the entry array's CRC against the header and calls `fn` for every
 * used entry in order. Returns GPT_OK or GPT_ECRC (then `fn` is never
 * called). A non-zero return from fn stops the walk and is returned.
 */
int gpt_entries_foreach(const gpt_header *h, const uint8_t *entries, size_t len,
			int (*fn)(const gpt_partition *p, void *ctx), void *ctx);

/*
 * Decodes one entry of `len` bytes (at least GPT_MIN_ENTRY_SIZE, as the
 * firmware's Partition Info protocol hands it over) as partition `number`.
 * Returns GPT_OK, GPT_EBADHDR if the entry is too short, or GPT_ENOTGPT if it
 * is unused (a zero type GUID).
 */
int gpt_entry_decode(const uint8_t *entry, size_t len, uint32_t number, gpt_partition *p);

/* Returns a static English name for a GPT_E* code. */
const char *gpt_strerror(int err);

#endif
