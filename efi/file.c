/* SPDX-License-Identifier: MIT */
/* File systems, files, images and variables. */
#include "efi/internal.h"

static void fill_volume(kefi_volume *v, EFI_HANDLE h, EFI_HANDLE self)
{
	const HARDDRIVE_DEVICE_PATH *hd = kefi_path_partition(h);
	EFI_FILE_HANDLE root = LibOpenRoot(h);

	v->handle = h;
	v->self = h == self;
	kefi_path_text(h, v->path, sizeof(v->path));
	if (hd) {
		v->part_number = hd->PartitionNumber;
		if (hd->SignatureType == SIGNATURE_TYPE_GUID)
			CopyMem(v->part_uuid.b, (void *)hd->Signature, 16);
	}
	if (root) {
		EFI_FILE_SYSTEM_INFO *info = LibFileSystemInfo(root);
		if (info) {
			kefi_from_ucs2(info->VolumeLabel, v->label, sizeof(v->label));
			FreePool(info);
		}
		uefi_call_wrapper(root->Close, 1, root);
	}
}

int kefi_volume_list(kefi_volume **list, size_t *count)
{
	EFI_HANDLE *handles = NULL;
	UINTN n = 0;
	kefi_volume *out;
	EFI_HANDLE self = kefi_self_volume();
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &FileSystemProtocol, NULL,
			       &n, &handles);
	if (st == EFI_NOT_FOUND)
		n = 0;
	else if (EFI_ERROR(st))
		return kefi_from_status(st);
	out = kefi_alloc((n ? n : 1) * sizeof(*out));
	if (!out) {
		if (handles)
			FreePool(handles);
		return KEFI_ENOMEM;
	}
	for (UINTN i = 0; i < n; i++)
		fill_volume(&out[i], handles[i], self);
	if (handles)
		FreePool(handles);
	*list = out;
	*count = n;
	return KEFI_OK;
}

void *kefi_self_volume(void)
{
	EFI_LOADED_IMAGE *li = NULL;

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, kefi_image_handle,
					&LoadedImageProtocol, (void **)&li)))
		return NULL;
	return li->DeviceHandle;
}

int kefi_self_partuuid(kefi_guid *uuid)
{
	void *self = kefi_self_volume();
	const HARDDRIVE_DEVICE_PATH *hd = self ? kefi_path_partition(self) : NULL;

	if (!hd || hd->SignatureType != SIGNATURE_TYPE_GUID)
		return KEFI_ENOTFOUND;
	CopyMem(uuid->b, (void *)hd->Signature, 16);
	return KEFI_OK;
}

static EFI_STATUS open_file(void *volume, const char *path, EFI_FILE_HANDLE *file)
{
	EFI_FILE_HANDLE root = LibOpenRoot(volume);
	CHAR16 *wpath;
	EFI_STATUS st;

	if (!root)
		return EFI_NOT_FOUND;
	wpath = kefi_to_ucs2(path);
	if (!wpath) {
		uefi_call_wrapper(root->Close, 1, root);
		return EFI_OUT_OF_RESOURCES;
	}
	st = uefi_call_wrapper(root->Open, 5, root, file, wpath, EFI_FILE_MODE_READ, 0);
	FreePool(wpath);
	uefi_call_wrapper(root->Close, 1, root);
	return st;
}

bool kefi_file_exists(void *volume, const char *path)
{
	EFI_FILE_HANDLE f;

	if (EFI_ERROR(open_file(volume, path, &f)))
		return false;
	uefi_call_wrapper(f->Close, 1, f);
	return true;
}

int kefi_file_read(void *volume, const char *path, void **data, size_t *size)
{
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	UINTN len;
	void *buf;
	EFI_STATUS st = open_file(volume, path, &f);

	if (EFI_ERROR(st))
		return kefi_from_status(st);
	info = LibFileInfo(f);
	if (!info) {
		uefi_call_wrapper(f->Close, 1, f);
		return KEFI_EIO;
	}
	len = info->FileSize;
	FreePool(info);
	buf = kefi_alloc(len + 1); /* +1: callers may treat text as a C string */
	if (!buf) {
		uefi_call_wrapper(f->Close, 1, f);
		return KEFI_ENOMEM;
	}
	st = uefi_call_wrapper(f->Read, 3, f, &len, buf);
	uefi_call_wrapper(f->Close, 1, f);
	if (EFI_ERROR(st)) {
		FreePool(buf);
		return kefi_from_status(st);
	}
	*data = buf;
	*size = len;
	return KEFI_OK;
}

int kefi_image_start(void *volume, const char *path, const char *cmdline, uint64_t *exit_status)
{
	CHAR16 *wpath = kefi_to_ucs2(path);
	EFI_DEVICE_PATH *dp = wpath ? FileDevicePath(volume, wpath) : NULL;
	EFI_HANDLE child = NULL;
	EFI_LOADED_IMAGE *li;
	CHAR16 *wcmd = NULL;
	EFI_STATUS st;

	if (wpath)
		FreePool(wpath);
	if (!dp)
		return KEFI_ENOMEM;
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, kefi_image_handle, dp, NULL, 0, &child);
	FreePool(dp);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	if (cmdline && (wcmd = kefi_to_ucs2(cmdline)) &&
	    !EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, child, &LoadedImageProtocol,
					 (void **)&li))) {
		li->LoadOptions = wcmd;
		li->LoadOptionsSize = (UINT32)(StrLen(wcmd) + 1) * sizeof(CHAR16);
	}
	st = uefi_call_wrapper(BS->StartImage, 3, child, NULL, NULL);
	if (wcmd)
		FreePool(wcmd);
	if (exit_status)
		*exit_status = st;
	return KEFI_OK;
}

int kefi_var_get(const kefi_guid *vendor, const char *name, void *buf, size_t *size)
{
	CHAR16 *wname = kefi_to_ucs2(name);
	EFI_GUID guid;
	UINTN len = *size;
	EFI_STATUS st;

	if (!wname)
		return KEFI_ENOMEM;
	CopyMem(&guid, (void *)vendor->b, sizeof(guid));
	st = uefi_call_wrapper(RT->GetVariable, 5, wname, &guid, NULL, &len, buf);
	FreePool(wname);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	*size = len;
	return KEFI_OK;
}

int kefi_var_set(const kefi_guid *vendor, const char *name, const void *data, size_t size,
		 bool persistent)
{
	CHAR16 *wname = kefi_to_ucs2(name);
	EFI_GUID guid;
	UINT32 attrs = EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;
	EFI_STATUS st;

	if (!wname)
		return KEFI_ENOMEM;
	if (persistent)
		attrs |= EFI_VARIABLE_NON_VOLATILE;
	CopyMem(&guid, (void *)vendor->b, sizeof(guid));
	st = uefi_call_wrapper(RT->SetVariable, 5, wname, &guid, attrs, size, (void *)data);
	FreePool(wname);
	return kefi_from_status(st);
}
