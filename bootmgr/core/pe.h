/* SPDX-License-Identifier: MIT */
/*
 * PE/COFF headers of EFI images, read from bytes the caller loaded (the
 * first BM_PE_HEADER_READ bytes of a file are enough for every field here).
 * Everything is bounds-checked: any input is safe.
 *
 * What it tells: machine and subsystem; the (offset, size) in the file of
 * the sections a unified kernel image (UKI, Boot Loader Specification Type
 * #2) carries; whether the image is a Linux kernel with the EFI stub (boot
 * protocol magic "HdrS" at 0x202) and whether that stub loads its initrd
 * through the LINUX_EFI_INITRD_MEDIA_GUID Load File 2 device path, which
 * Linux announces as EFI stub version >= 1.0 in the PE optional header's
 * MajorImageVersion (include/linux/pe.h, LINUX_EFISTUB_MAJOR_VERSION).
 */
#ifndef KEEL_BOOTMGR_CORE_PE_H
#define KEEL_BOOTMGR_CORE_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BM_PE_HEADER_READ 32768u        /* bytes worth reading for bm_pe_parse */
#define BM_PE_MACHINE_X64 0x8664
#define BM_PE_SUBSYSTEM_EFI_APP 10
#define BM_PE_MAX_SECTIONS 96           /* the PE format's own limit */
#define BM_KERNEL_VERSION_MAX 64

enum bm_pe_section_id {
	BM_SEC_OSREL,
	BM_SEC_CMDLINE,
	BM_SEC_LINUX,
	BM_SEC_INITRD,
	BM_SEC_UNAME,
	BM_SEC_SBAT,
	BM_SEC_COUNT
};

struct bm_pe_section {
	bool present;
	uint64_t offset;  /* from the start of the file */
	uint64_t size;    /* bytes of data (without the file-alignment padding) */
};

struct bm_pe_info {
	uint16_t machine;             /* COFF machine (BM_PE_MACHINE_X64) */
	uint16_t subsystem;           /* optional header subsystem */
	bool pe32plus;                /* PE32+ (64-bit) optional header */
	uint16_t major_image_version; /* Linux: EFI stub major version */
	uint16_t minor_image_version;
	uint32_t n_sections;
	struct bm_pe_section sec[BM_SEC_COUNT]; /* by enum bm_pe_section_id */
	bool is_uki;                  /* has a .linux section */
	bool linux_stub;              /* Linux x86 boot header ("HdrS") */
	uint16_t boot_protocol;       /* its version, e.g. 0x020f (linux_stub) */
	uint16_t xloadflags;          /* from boot protocol 2.12 on */
	bool initrd_media;            /* loads the initrd via Load File 2 */
	char kernel_version[BM_KERNEL_VERSION_MAX]; /* "6.1.0-13-amd64" if the
	                               * setup header's string is in the buffer */
};

/*
 * Parses the headers in buf[0..len) of an image file of file_size bytes
 * (>= len). Returns 0 with *out filled, or BM_E_NOTPE (no MZ/PE
 * signature), BM_E_TRUNCATED (headers past len, or a known section past
 * file_size) or BM_E_BADPE (fields out of range); *out is cleared then.
 */
int bm_pe_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct bm_pe_info *out);

/* True for an x86-64 EFI application, the only kind Keel starts. */
bool bm_pe_is_bootable(const struct bm_pe_info *pe);

/* The section name of an id (".osrel", ...). */
const char *bm_pe_section_name(int id);

#endif
