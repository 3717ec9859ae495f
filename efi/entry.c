/* SPDX-License-Identifier: MIT */
/*
 * The EFI entry point: set up gnu-efi, then hand over to the application's
 * keel_efi_main(). Everything gnu-efi specific about starting stays here.
 */
#include "efi/internal.h"

EFI_HANDLE kefi_image_handle;
EFI_LOADED_IMAGE *kefi_loaded_image;

/* gnu-efi's crt0 calls efi_main with the System V convention (it moves the
 * firmware's Microsoft-ABI arguments over), so no EFIAPI here. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li = NULL;
	int ret;

	/* What Keel needs of gnu-efi's InitializeLib(): the table pointers, and
	 * pool memory of the type the image's own data has. The rest of it
	 * (Unicode collation, the Lang and EFIDebug variables) serves
	 * functions Keel does not use and costs firmware calls at every boot. */
	ST = systab;
	BS = systab->BootServices;
	RT = systab->RuntimeServices;
	if (!EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
					 (void **)&li)))
		PoolAllocationType = li->ImageDataType;
	kefi_image_handle = image;
	kefi_loaded_image = li;
	ret = keel_efi_main();
	kefi_flush_restore(); /* this image's code is about to be freed */
	return ret == 0 ? EFI_SUCCESS : EFI_ABORTED;
}

int kefi_from_status(EFI_STATUS status)
{
	switch (status) {
	case EFI_SUCCESS: return KEFI_OK;
	case EFI_NOT_FOUND: return KEFI_ENOTFOUND;
	case EFI_DEVICE_ERROR:
	case EFI_MEDIA_CHANGED:
	case EFI_NO_MEDIA:
	case EFI_VOLUME_CORRUPTED: return KEFI_EIO;
	case EFI_OUT_OF_RESOURCES:
	case EFI_BUFFER_TOO_SMALL: return KEFI_ENOMEM;
	case EFI_INVALID_PARAMETER: return KEFI_EINVAL;
	case EFI_UNSUPPORTED: return KEFI_EUNSUPPORTED;
	case EFI_SECURITY_VIOLATION:
	case EFI_ACCESS_DENIED: return KEFI_ESECURITY;
	default: return KEFI_EFAILED;
	}
}

const char *kefi_strerror(int err)
{
	switch (err) {
	case KEFI_OK: return "success";
	case KEFI_ENOTFOUND: return "not found";
	case KEFI_EIO: return "device error";
	case KEFI_ENOMEM: return "out of firmware memory";
	case KEFI_EINVAL: return "invalid argument";
	case KEFI_EUNSUPPORTED: return "not supported by this firmware";
	case KEFI_ESECURITY: return "refused by the firmware's security policy";
	default: return "firmware error";
	}
}
