/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the efi/ implementation files. This is the one header
 * that pulls in gnu-efi; it must never be included from outside efi/.
 */
#ifndef KEEL_EFI_INTERNAL_H
#define KEEL_EFI_INTERNAL_H

#include <efi.h>
#include <efilib.h>

#include "efi/kefi.h"

/* Copies and fills compile to inline word loops (the build's string-op
 * flags); gnu-efi's CopyMem and ZeroMem move one byte per loop turn. */
#define kefi_copy(d, s, n) __builtin_memcpy((d), (s), (n))
#define kefi_zero(d, n) __builtin_memset((d), 0, (n))

/* kefi_alloc() without the zeroing, for buffers filled at once. */
void *kefi_alloc_raw(size_t size);

/* The handle's Block I/O protocol, or NULL. */
EFI_BLOCK_IO *kefi_block_io(void *handle);

/* Sets efi/flush.c's layer over the volume's device if kefi_flush_elide()
 * was called (volume_root() does, before it opens a volume). */
void kefi_flush_volume(EFI_HANDLE volume);

/* The running image's handle and its Loaded Image protocol (NULL if the
 * firmware gave none), set by efi_main(). */
extern EFI_HANDLE kefi_image_handle;
extern EFI_LOADED_IMAGE *kefi_loaded_image;

/* Converts an EFI_STATUS into a KEFI_E* code. */
int kefi_from_status(EFI_STATUS status);

/* ASCII/UTF-8 (7-bit only) to a freshly allocated UCS-2 string, or NULL. */
CHAR16 *kefi_to_ucs2(const char *s);
/* The same into w[cap] (always terminated); false if s did not fit. Names
 * and paths go through the stack: a pool allocation and its release cost
 * two firmware calls. */
bool kefi_ucs2_into(const char *s, CHAR16 *w, size_t cap);
/* UCS-2 room for a path on a volume, a variable's name, a short value. */
#define KEFI_PATH_CHARS 512
#define KEFI_NAME_CHARS 128
#define KEFI_VALUE_CHARS 256
/* UCS-2 to ASCII into out (size bytes, always terminated); non-ASCII → '?'. */
void kefi_from_ucs2(const CHAR16 *s, char *out, size_t size);

/* Text of a device path that names a file ("\\EFI\\BOOT\\BOOTX64.EFI"). */
int kefi_file_path_text(const void *path, char *out, size_t size);
/* Finds the hard-drive (partition) node of a handle's device path, or NULL. */
const HARDDRIVE_DEVICE_PATH *kefi_path_partition(EFI_HANDLE handle);

#endif
