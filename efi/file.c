/* SPDX-License-Identifier: MIT */
/* File systems, files, images and variables. */
#include "efi/internal.h"

/*
 * Open roots, one per volume. Under OVMF, opening and closing a volume's
 * root costs more than opening a file in it, and discovery opens several
 * files per volume, so a root stays open until a started image returns (it
 * may have changed or removed the volume). An error that says the medium
 * went away drops the root, and the open is tried once more.
 */
#define ROOTS_MAX 16

static struct {
	EFI_HANDLE volume;
	EFI_FILE_HANDLE root;
} roots[ROOTS_MAX];
static size_t roots_next; /* the slot to reuse when all are taken */

static EFI_FILE_HANDLE volume_root(EFI_HANDLE volume)
{
	EFI_FILE_IO_INTERFACE *fs;
	EFI_FILE_HANDLE root;
	size_t i;

	for (i = 0; i < ROOTS_MAX; i++)
		if (roots[i].root && roots[i].volume == volume)
			return roots[i].root;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, volume, &FileSystemProtocol,
					(void **)&fs)))
		return NULL;
	kefi_flush_volume(volume); /* before: opening it flushes too */
	if (EFI_ERROR(uefi_call_wrapper(fs->OpenVolume, 2, fs, &root)))
		return NULL;
	for (i = 0; i < ROOTS_MAX && roots[i].root; i++)
		;
	if (i == ROOTS_MAX) {
		i = roots_next;
		roots_next = (roots_next + 1) % ROOTS_MAX;
		uefi_call_wrapper(roots[i].root->Close, 1, roots[i].root);
	}
	roots[i].volume = volume;
	roots[i].root = root;
	return root;
}

static void forget_root(EFI_HANDLE volume)
{
	for (size_t i = 0; i < ROOTS_MAX; i++)
		if (roots[i].root && (!volume || roots[i].volume == volume)) {
			uefi_call_wrapper(roots[i].root->Close, 1, roots[i].root);
			roots[i].root = NULL;
		}
}

static bool medium_gone(EFI_STATUS st)
{
	return st == EFI_MEDIA_CHANGED || st == EFI_NO_MEDIA || st == EFI_DEVICE_ERROR ||
	       st == EFI_VOLUME_CORRUPTED;
}

/* Opens path on the volume through its cached root. */
static EFI_STATUS root_open(EFI_HANDLE volume, const CHAR16 *wpath, UINT64 mode,
			    EFI_FILE_HANDLE *file)
{
	EFI_FILE_HANDLE root = volume_root(volume);
	EFI_STATUS st;

	if (!root)
		return EFI_NOT_FOUND;
	st = uefi_call_wrapper(root->Open, 5, root, file, (CHAR16 *)wpath, mode, 0);
	if (!medium_gone(st))
		return st;
	forget_root(volume);
	root = volume_root(volume);
	if (!root)
		return st;
	return uefi_call_wrapper(root->Open, 5, root, file, (CHAR16 *)wpath, mode, 0);
}

void kefi_volumes_forget(void)
{
	forget_root(NULL);
}

static void fill_volume(kefi_volume *v, EFI_HANDLE h, EFI_HANDLE self)
{
	const HARDDRIVE_DEVICE_PATH *hd = kefi_path_partition(h);

	v->handle = h;
	v->self = h == self;
	if (hd) {
		v->part_number = hd->PartitionNumber;
		if (hd->SignatureType == SIGNATURE_TYPE_GUID)
			kefi_copy(v->part_uuid.b, (void *)hd->Signature, 16);
	}
}

void kefi_volume_label(void *volume, char *out, size_t size)
{
	EFI_FILE_HANDLE root = volume_root(volume);
	EFI_FILE_SYSTEM_INFO *info = root ? LibFileSystemInfo(root) : NULL;

	kefi_from_ucs2(info ? info->VolumeLabel : NULL, out, size);
	if (info)
		FreePool(info);
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
	return kefi_loaded_image ? kefi_loaded_image->DeviceHandle : NULL;
}

int kefi_self_path(char *out, size_t size)
{
	if (!kefi_loaded_image || !kefi_loaded_image->FilePath)
		return KEFI_ENOTFOUND;
	return kefi_file_path_text(kefi_loaded_image->FilePath, out, size);
}

int kefi_self_options(char *out, size_t size)
{
	EFI_LOADED_IMAGE *li = kefi_loaded_image;
	CHAR16 w[512];
	UINTN n;

	if (!li)
		return KEFI_ENOTFOUND;
	n = li->LoadOptions ? li->LoadOptionsSize / sizeof(CHAR16) : 0;
	if (n >= sizeof(w) / sizeof(w[0]))
		n = sizeof(w) / sizeof(w[0]) - 1;
	if (n)
		kefi_copy(w, li->LoadOptions, n * sizeof(CHAR16));
	w[n] = 0;
	kefi_from_ucs2(w, out, size);
	return KEFI_OK;
}

int kefi_self_partuuid(kefi_guid *uuid)
{
	void *self = kefi_self_volume();
	const HARDDRIVE_DEVICE_PATH *hd = self ? kefi_path_partition(self) : NULL;

	if (!hd || hd->SignatureType != SIGNATURE_TYPE_GUID)
		return KEFI_ENOTFOUND;
	kefi_copy(uuid->b, (void *)hd->Signature, 16);
	return KEFI_OK;
}

static EFI_STATUS open_file(void *volume, const char *path, UINT64 mode, EFI_FILE_HANDLE *file)
{
	CHAR16 wpath[KEFI_PATH_CHARS];

	if (!kefi_ucs2_into(path, wpath, KEFI_PATH_CHARS))
		return EFI_INVALID_PARAMETER;
	return root_open(volume, wpath, mode, file);
}

bool kefi_file_exists(void *volume, const char *path)
{
	EFI_FILE_HANDLE f;

	if (EFI_ERROR(open_file(volume, path, EFI_FILE_MODE_READ, &f)))
		return false;
	uefi_call_wrapper(f->Close, 1, f);
	return true;
}

/* What one Read of a file read whole asks for first: loader.conf and entry
 * files fit, and then the file system is not asked for the size. */
#define READ_FIRST 4096

/* After a first Read filled buf[0..*len) to the brim: the rest of the file,
 * into a buffer grown to its size (from the file system's info). */
static EFI_STATUS read_rest(EFI_FILE_HANDLE f, uint8_t **buf, UINTN *len)
{
	EFI_FILE_INFO *info = LibFileInfo(f);
	EFI_STATUS st = EFI_SUCCESS;
	uint8_t *grown;
	UINTN rest;

	if (!info)
		return EFI_DEVICE_ERROR;
	if (info->FileSize > *len) {
		rest = info->FileSize - *len;
		grown = kefi_alloc_raw(info->FileSize + 1);
		if (!grown) {
			st = EFI_OUT_OF_RESOURCES;
		} else {
			kefi_copy(grown, *buf, *len);
			kefi_free(*buf);
			*buf = grown;
			st = uefi_call_wrapper(f->Read, 3, f, &rest, grown + *len);
			*len += rest;
		}
	}
	FreePool(info);
	return st;
}

int kefi_file_read(void *volume, const char *path, void **data, size_t *size)
{
	EFI_FILE_HANDLE f;
	UINTN len = READ_FIRST;
	uint8_t *buf;
	EFI_STATUS st = open_file(volume, path, EFI_FILE_MODE_READ, &f);

	if (EFI_ERROR(st))
		return kefi_from_status(st);
	buf = kefi_alloc_raw(READ_FIRST + 1); /* +1: callers may treat text as a C string */
	if (!buf) {
		uefi_call_wrapper(f->Close, 1, f);
		return KEFI_ENOMEM;
	}
	st = uefi_call_wrapper(f->Read, 3, f, &len, buf);
	if (!EFI_ERROR(st) && len == READ_FIRST) /* a larger file */
		st = read_rest(f, &buf, &len);
	uefi_call_wrapper(f->Close, 1, f);
	if (EFI_ERROR(st)) {
		kefi_free(buf);
		return kefi_from_status(st);
	}
	buf[len] = 0;
	*data = buf;
	*size = len;
	return KEFI_OK;
}

int kefi_file_size(void *volume, const char *path, uint64_t *size)
{
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	EFI_STATUS st = open_file(volume, path, EFI_FILE_MODE_READ, &f);

	if (EFI_ERROR(st))
		return kefi_from_status(st);
	info = LibFileInfo(f);
	uefi_call_wrapper(f->Close, 1, f);
	if (!info)
		return KEFI_EIO;
	*size = info->FileSize;
	FreePool(info);
	return KEFI_OK;
}

int kefi_file_read_at(void *volume, const char *path, uint64_t offset, void *buf, size_t len,
		      size_t *got)
{
	EFI_FILE_HANDLE f;
	UINTN n = len;
	EFI_STATUS st = open_file(volume, path, EFI_FILE_MODE_READ, &f);

	if (EFI_ERROR(st))
		return kefi_from_status(st);
	st = uefi_call_wrapper(f->SetPosition, 2, f, offset);
	if (!EFI_ERROR(st))
		st = uefi_call_wrapper(f->Read, 3, f, &n, buf);
	uefi_call_wrapper(f->Close, 1, f);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	*got = n;
	return KEFI_OK;
}

int kefi_file_rename(void *volume, const char *path, const char *new_name)
{
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info, *renamed;
	CHAR16 wname[KEFI_PATH_CHARS];
	UINTN size;
	EFI_STATUS st = open_file(volume, path, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, &f);

	if (EFI_ERROR(st))
		return kefi_from_status(st);
	info = LibFileInfo(f);
	if (!kefi_ucs2_into(new_name, wname, KEFI_PATH_CHARS)) {
		st = EFI_INVALID_PARAMETER;
		goto out;
	}
	if (!info) {
		st = EFI_OUT_OF_RESOURCES;
		goto out;
	}
	size = SIZE_OF_EFI_FILE_INFO + (StrLen(wname) + 1) * sizeof(CHAR16);
	renamed = AllocateZeroPool(size);
	if (!renamed) {
		st = EFI_OUT_OF_RESOURCES;
		goto out;
	}
	kefi_copy(renamed, info, SIZE_OF_EFI_FILE_INFO);
	renamed->Size = size;
	StrCpy(renamed->FileName, wname);
	st = uefi_call_wrapper(f->SetInfo, 4, f, &GenericFileInfo, size, renamed);
	FreePool(renamed);
	if (!EFI_ERROR(st))
		st = uefi_call_wrapper(f->Flush, 1, f);
out:
	if (info)
		FreePool(info);
	uefi_call_wrapper(f->Close, 1, f);
	return kefi_from_status(st);
}

int kefi_dir_list(void *volume, const char *path, size_t max, kefi_dirent **list, size_t *count)
{
	EFI_FILE_HANDLE dir;
	UINT64 room[(sizeof(EFI_FILE_INFO) + KEFI_PATH_CHARS * sizeof(CHAR16)) / sizeof(UINT64) + 1];
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)room;
	kefi_dirent *out;
	size_t n = 0;
	EFI_STATUS st = open_file(volume, path, EFI_FILE_MODE_READ, &dir);

	if (EFI_ERROR(st))
		return kefi_from_status(st);
	out = kefi_alloc((max ? max : 1) * sizeof(*out));
	if (!out) {
		st = EFI_OUT_OF_RESOURCES;
		goto fail;
	}
	while (n < max) {
		UINTN len = sizeof(room);
		st = uefi_call_wrapper(dir->Read, 3, dir, &len, info);
		if (EFI_ERROR(st))
			goto fail;
		if (len == 0)
			break; /* end of the directory */
		if (info->FileName[0] == L'.' &&
		    (!info->FileName[1] || (info->FileName[1] == L'.' && !info->FileName[2])))
			continue;
		kefi_from_ucs2(info->FileName, out[n].name, sizeof(out[n].name));
		out[n].size = info->FileSize;
		out[n].dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
		n++;
	}
	uefi_call_wrapper(dir->Close, 1, dir);
	*list = out;
	*count = n;
	return KEFI_OK;
fail:
	kefi_free(out);
	uefi_call_wrapper(dir->Close, 1, dir);
	return kefi_from_status(st);
}

/*
 * The device path of a file on a volume: the volume's path, one file-path
 * node, the end. Built in one allocation; gnu-efi's FileDevicePath() takes
 * four and copies byte by byte, several times slower under emulation.
 */
static EFI_DEVICE_PATH *file_device_path(EFI_HANDLE volume, const char *path)
{
	EFI_DEVICE_PATH *dev = DevicePathFromHandle(volume), *end;
	size_t dev_len = dev ? DevicePathSize(dev) - END_DEVICE_PATH_LENGTH : 0, name = 0, node;
	FILEPATH_DEVICE_PATH *f;
	uint8_t *out;

	while (path[name])
		name++;
	node = SIZE_OF_FILEPATH_DEVICE_PATH + (name + 1) * sizeof(CHAR16);
	if (node > 0xffff)
		return NULL;
	out = kefi_alloc_raw(dev_len + node + END_DEVICE_PATH_LENGTH);
	if (!out)
		return NULL;
	if (dev_len)
		kefi_copy(out, dev, dev_len);
	f = (FILEPATH_DEVICE_PATH *)(out + dev_len);
	f->Header.Type = MEDIA_DEVICE_PATH;
	f->Header.SubType = MEDIA_FILEPATH_DP;
	SetDevicePathNodeLength(&f->Header, node);
	kefi_ucs2_into(path, f->PathName, name + 1);
	end = (EFI_DEVICE_PATH *)(out + dev_len + node);
	SetDevicePathEndNode(end);
	return (EFI_DEVICE_PATH *)out;
}

int kefi_image_load(void *volume, const char *path, void **image)
{
	EFI_DEVICE_PATH *dp = file_device_path(volume, path);
	EFI_HANDLE child = NULL;
	EFI_STATUS st;

	*image = NULL;
	if (!dp)
		return KEFI_ENOMEM;
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, kefi_image_handle, dp, NULL, 0, &child);
	kefi_free(dp);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	*image = child;
	return KEFI_OK;
}

int kefi_image_set_options(void *image, const char *cmdline)
{
	EFI_LOADED_IMAGE *li;
	CHAR16 *wcmd;
	EFI_STATUS st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
					  (void **)&li);

	if (EFI_ERROR(st))
		return kefi_from_status(st);
	wcmd = kefi_to_ucs2(cmdline ? cmdline : "");
	if (!wcmd)
		return KEFI_ENOMEM;
	/* Owned by the image from now on: a started kernel may keep pointing
	 * at it, so it is never freed. */
	li->LoadOptions = wcmd;
	li->LoadOptionsSize = (UINT32)(StrLen(wcmd) + 1) * sizeof(CHAR16);
	return KEFI_OK;
}

int kefi_image_run(void *image, uint64_t *exit_status)
{
	EFI_STATUS st;

	kefi_flush_restore(); /* the image sees the firmware as it was */
	st = uefi_call_wrapper(BS->StartImage, 3, image, NULL, NULL);

	/* Back from the image: it may have changed or removed any volume. */
	kefi_volumes_forget();
	if (exit_status)
		*exit_status = st;
	return KEFI_OK;
}

void kefi_image_unload(void *image)
{
	if (image)
		uefi_call_wrapper(BS->UnloadImage, 1, image);
}

int kefi_image_start(void *volume, const char *path, const char *cmdline, uint64_t *exit_status)
{
	void *image;
	int r = kefi_image_load(volume, path, &image);

	if (r == KEFI_OK && cmdline && (r = kefi_image_set_options(image, cmdline)) != KEFI_OK) {
		kefi_image_unload(image);
		return r;
	}
	return r == KEFI_OK ? kefi_image_run(image, exit_status) : r;
}

int kefi_var_get(const kefi_guid *vendor, const char *name, void *buf, size_t *size)
{
	CHAR16 wname[KEFI_NAME_CHARS];
	EFI_GUID guid;
	UINTN len = *size;
	EFI_STATUS st;

	if (!kefi_ucs2_into(name, wname, KEFI_NAME_CHARS))
		return KEFI_EINVAL;
	kefi_copy(&guid, (void *)vendor->b, sizeof(guid));
	st = uefi_call_wrapper(RT->GetVariable, 5, wname, &guid, NULL, &len, buf);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	*size = len;
	return KEFI_OK;
}

int kefi_var_set(const kefi_guid *vendor, const char *name, const void *data, size_t size,
		 bool persistent)
{
	CHAR16 wname[KEFI_NAME_CHARS];
	EFI_GUID guid;
	UINT32 attrs = EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;

	if (!kefi_ucs2_into(name, wname, KEFI_NAME_CHARS))
		return KEFI_EINVAL;
	if (persistent)
		attrs |= EFI_VARIABLE_NON_VOLATILE;
	kefi_copy(&guid, (void *)vendor->b, sizeof(guid));
	return kefi_from_status(
		uefi_call_wrapper(RT->SetVariable, 5, wname, &guid, attrs, size, (void *)data));
}

int kefi_var_set_str(const kefi_guid *vendor, const char *name, const char *value,
		     bool persistent)
{
	CHAR16 short_value[KEFI_VALUE_CHARS];
	CHAR16 *w = short_value;
	int r;

	if (!kefi_ucs2_into(value, short_value, KEFI_VALUE_CHARS) && !(w = kefi_to_ucs2(value)))
		return KEFI_ENOMEM;
	r = kefi_var_set(vendor, name, w, (StrLen(w) + 1) * sizeof(CHAR16), persistent);
	if (w != short_value)
		FreePool(w);
	return r;
}

int kefi_var_get_str(const kefi_guid *vendor, const char *name, char *out, size_t size)
{
	CHAR16 w[256];
	size_t len = sizeof(w) - sizeof(CHAR16);
	int r = kefi_var_get(vendor, name, w, &len);

	if (r != KEFI_OK)
		return r;
	w[len / sizeof(CHAR16)] = 0;
	kefi_from_ucs2(w, out, size);
	return KEFI_OK;
}

int kefi_var_delete(const kefi_guid *vendor, const char *name)
{
	CHAR16 wname[KEFI_NAME_CHARS];
	EFI_GUID guid;
	EFI_STATUS st;

	if (!kefi_ucs2_into(name, wname, KEFI_NAME_CHARS))
		return KEFI_EINVAL;
	kefi_copy(&guid, (void *)vendor->b, sizeof(guid));
	st = uefi_call_wrapper(RT->SetVariable, 5, wname, &guid, 0, 0, NULL);
	return st == EFI_NOT_FOUND ? KEFI_OK : kefi_from_status(st);
}
