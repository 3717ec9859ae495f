/* SPDX-License-Identifier: MIT */
/*
 * The initrd of the next Linux kernel, offered through the Load File 2
 * protocol on a vendor media device path with LINUX_EFI_INITRD_MEDIA_GUID.
 * A kernel's EFI stub (Linux 5.8 and later) locates that device path, asks
 * for the buffer size, then for the data: the protocol below answers both.
 */
#include "efi/internal.h"

/* LINUX_EFI_INITRD_MEDIA_GUID 5568e427-68fc-4f3d-ac74-ca555231cc68. */
#define INITRD_MEDIA_GUID                                                              \
	{                                                                              \
		0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } \
	}
/* EFI_LOAD_FILE2_PROTOCOL_GUID 4006c0c1-fcb3-403e-996d-4a6c8724e06d. */
#define LOAD_FILE2_GUID                                                                \
	{                                                                              \
		0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } \
	}

/* The same function table as Load File; only the GUID differs. */
struct load_file2 {
	EFI_STATUS(EFIAPI *load_file)(struct load_file2 *self, EFI_DEVICE_PATH *path,
				      BOOLEAN boot_policy, UINTN *size, VOID *buffer);
};

struct initrd_path {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH end;
} __attribute__((packed));

static const void *initrd_data;
static size_t initrd_size;
static EFI_HANDLE initrd_handle;

static EFI_STATUS EFIAPI initrd_load(struct load_file2 *self, EFI_DEVICE_PATH *path,
				     BOOLEAN boot_policy, UINTN *size, VOID *buffer)
{
	(void)path;
	if (!self || !size)
		return EFI_INVALID_PARAMETER;
	if (boot_policy)
		return EFI_UNSUPPORTED; /* Load File 2 never serves boot policy requests */
	if (!initrd_data)
		return EFI_NOT_FOUND;
	if (!buffer || *size < initrd_size) {
		*size = initrd_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	kefi_copy(buffer, (void *)initrd_data, initrd_size);
	*size = initrd_size;
	return EFI_SUCCESS;
}

static struct load_file2 protocol = { initrd_load };
static struct initrd_path device_path = {
	.vendor = { .Header = { MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP,
				{ sizeof(VENDOR_DEVICE_PATH), 0 } },
		    .Guid = INITRD_MEDIA_GUID },
	.end = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
		 { sizeof(EFI_DEVICE_PATH), 0 } },
};

int kefi_initrd_register(const void *data, size_t size)
{
	EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL, lf2_guid = LOAD_FILE2_GUID;
	EFI_HANDLE h = NULL;
	EFI_STATUS st;

	if (initrd_handle || !data)
		return KEFI_EINVAL;
	st = uefi_call_wrapper(BS->InstallProtocolInterface, 4, &h, &dp_guid,
			       EFI_NATIVE_INTERFACE, &device_path);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	st = uefi_call_wrapper(BS->InstallProtocolInterface, 4, &h, &lf2_guid,
			       EFI_NATIVE_INTERFACE, &protocol);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(BS->UninstallProtocolInterface, 3, h, &dp_guid, &device_path);
		return kefi_from_status(st);
	}
	initrd_handle = h;
	initrd_data = data;
	initrd_size = size;
	return KEFI_OK;
}

void kefi_initrd_unregister(void)
{
	EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL, lf2_guid = LOAD_FILE2_GUID;

	if (!initrd_handle)
		return;
	uefi_call_wrapper(BS->UninstallProtocolInterface, 3, initrd_handle, &lf2_guid, &protocol);
	uefi_call_wrapper(BS->UninstallProtocolInterface, 3, initrd_handle, &dp_guid,
			  &device_path);
	initrd_handle = NULL;
	initrd_data = NULL;
	initrd_size = 0;
}
