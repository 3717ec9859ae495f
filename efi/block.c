/* SPDX-License-Identifier: MIT */
/* Block devices: enumeration with identity, and raw block read/write. */
#include "efi/internal.h"

EFI_BLOCK_IO *kefi_block_io(void *handle)
{
	EFI_BLOCK_IO *bio = NULL;

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handle, &BlockIoProtocol,
					(void **)&bio)))
		return NULL;
	return bio;
}

/*
 * How a disk is attached, from the last messaging node of its device path
 * ("pci" when there is none, as for virtio). A name, not the path's text:
 * the firmware's converter costs more than everything else about a disk,
 * and a quiet boot never shows it.
 */
#define KEFI_MSG_NVME_NAMESPACE_DP 0x17 /* UEFI 2.x; gnu-efi's headers lack it */

static const char *bus_name(EFI_HANDLE h)
{
	const char *bus = "other";

	for (EFI_DEVICE_PATH *dp = DevicePathFromHandle(h); dp && !IsDevicePathEnd(dp);
	     dp = NextDevicePathNode(dp)) {
		if (DevicePathType(dp) == HARDWARE_DEVICE_PATH && DevicePathSubType(dp) == HW_PCI_DP)
			bus = "pci";
		if (DevicePathType(dp) != MESSAGING_DEVICE_PATH)
			continue;
		switch (DevicePathSubType(dp)) {
		case KEFI_MSG_NVME_NAMESPACE_DP: bus = "nvme"; break;
		case MSG_USB_DP:
		case MSG_USB_CLASS_DP: bus = "usb"; break;
		case MSG_SATA_DP: bus = "sata"; break;
		case MSG_ATAPI_DP: bus = "ata"; break;
		case MSG_SCSI_DP: bus = "scsi"; break;
		default: break;
		}
	}
	return bus;
}

/* UEFI 2.7's Partition Info protocol (gnu-efi's headers lack it): what the
 * firmware's partition driver read from the table, so that no one needs to
 * read it again. */
#define KEFI_PARTITION_INFO_GUID                                                 \
	{ 0x8cf2f62c, 0xbc9b, 0x4821, { 0x80, 0x8d, 0xec, 0x9e, 0xc4, 0x21, 0xa1, 0xa0 } }
#define KEFI_PARTITION_TYPE_GPT 2

struct kefi_partition_info {
	UINT32 revision;
	UINT32 type;   /* 1 MBR, 2 GPT, 0 other */
	UINT8 system;  /* an EFI system partition */
	UINT8 reserved[7];
	UINT8 entry[KEFI_GPT_ENTRY_SIZE]; /* the GPT entry, or an MBR record */
} __attribute__((packed));

/* The partition's GPT entry from its Partition Info protocol, or NULL. */
static const uint8_t *gpt_entry(EFI_HANDLE h)
{
	static EFI_GUID guid = KEFI_PARTITION_INFO_GUID;
	struct kefi_partition_info *info = NULL;

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, h, &guid, (void **)&info)) ||
	    !info || info->type != KEFI_PARTITION_TYPE_GPT)
		return NULL;
	return info->entry;
}

static void fill_block(kefi_block *b, EFI_HANDLE h, EFI_BLOCK_IO *bio)
{
	const HARDDRIVE_DEVICE_PATH *hd;

	b->handle = h;
	b->block_size = bio->Media->BlockSize;
	b->last_lba = bio->Media->LastBlock;
	b->partition = bio->Media->LogicalPartition;
	b->removable = bio->Media->RemovableMedia;
	b->bus = b->partition ? "" : bus_name(h);
	b->gpt_entry = b->partition ? gpt_entry(h) : NULL;
	hd = b->partition ? kefi_path_partition(h) : NULL;
	if (hd) {
		b->part_number = hd->PartitionNumber;
		if (hd->SignatureType == SIGNATURE_TYPE_GUID)
			kefi_copy(b->part_uuid.b, (void *)hd->Signature, 16);
	}
}

/* True if the device path of `disk` is a prefix of that of `part`. */
static bool path_contains(EFI_HANDLE disk, EFI_HANDLE part)
{
	EFI_DEVICE_PATH *d = DevicePathFromHandle(disk);
	EFI_DEVICE_PATH *p = DevicePathFromHandle(part);
	UINTN dlen;

	if (!d || !p)
		return false;
	dlen = DevicePathSize(d) - sizeof(EFI_DEVICE_PATH); /* without the end node */
	return DevicePathSize(p) > dlen && CompareMem(d, p, dlen) == 0;
}

/* Copies the devices with (want_partition) into list, returns the new count. */
static size_t collect(kefi_block *list, size_t n, EFI_HANDLE *handles, UINTN count,
		      bool want_partition)
{
	for (UINTN i = 0; i < count; i++) {
		EFI_BLOCK_IO *bio = kefi_block_io(handles[i]);
		if (!bio || !bio->Media->MediaPresent ||
		    (bool)bio->Media->LogicalPartition != want_partition)
			continue;
		fill_block(&list[n], handles[i], bio);
		list[n].parent = want_partition ? SIZE_MAX : n;
		for (size_t d = 0; want_partition && d < n; d++)
			if (!list[d].partition && path_contains(list[d].handle, handles[i]))
				list[n].parent = d;
		n++;
	}
	return n;
}

int kefi_block_list(kefi_block **list, size_t *count)
{
	EFI_HANDLE *handles = NULL;
	UINTN n_handles = 0;
	kefi_block *out;
	size_t n;
	EFI_STATUS st;

	*list = NULL;
	*count = 0;
	st = uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &BlockIoProtocol, NULL,
			       &n_handles, &handles);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	out = kefi_alloc((n_handles ? n_handles : 1) * sizeof(*out));
	if (!out) {
		FreePool(handles);
		return KEFI_ENOMEM;
	}
	n = collect(out, 0, handles, n_handles, false);
	n = collect(out, n, handles, n_handles, true);
	FreePool(handles);
	*list = out;
	*count = n;
	return KEFI_OK;
}

/*
 * Runs one transfer, through a page-aligned bounce buffer when the caller's
 * buffer does not meet the device's IoAlign requirement.
 */
static int transfer(const kefi_block *dev, uint64_t lba, void *buf, size_t count, bool write)
{
	EFI_BLOCK_IO *bio = kefi_block_io(dev->handle);
	UINTN bytes = count * dev->block_size;
	UINTN pages = EFI_SIZE_TO_PAGES(bytes);
	EFI_PHYSICAL_ADDRESS bounce = 0;
	void *io = buf;
	EFI_STATUS st;

	if (!bio)
		return KEFI_ENOTFOUND;
	if (bio->Media->IoAlign > 1 && ((UINTN)buf % bio->Media->IoAlign)) {
		st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData, pages,
				       &bounce);
		if (EFI_ERROR(st))
			return KEFI_ENOMEM;
		io = (void *)(UINTN)bounce;
		if (write)
			kefi_copy(io, buf, bytes);
	}
	if (write)
		st = uefi_call_wrapper(bio->WriteBlocks, 5, bio, bio->Media->MediaId, lba, bytes, io);
	else
		st = uefi_call_wrapper(bio->ReadBlocks, 5, bio, bio->Media->MediaId, lba, bytes, io);
	if (bounce) {
		if (!write && !EFI_ERROR(st))
			kefi_copy(buf, io, bytes);
		uefi_call_wrapper(BS->FreePages, 2, bounce, pages);
	}
	return kefi_from_status(st);
}

int kefi_block_read(const kefi_block *dev, uint64_t lba, void *buf, size_t count)
{
	return transfer(dev, lba, buf, count, false);
}

int kefi_block_write(const kefi_block *dev, uint64_t lba, const void *buf, size_t count)
{
	return transfer(dev, lba, (void *)buf, count, true);
}

int kefi_block_flush(const kefi_block *dev)
{
	EFI_BLOCK_IO *bio = kefi_block_io(dev->handle);

	if (!bio)
		return KEFI_ENOTFOUND;
	return kefi_from_status(uefi_call_wrapper(bio->FlushBlocks, 1, bio));
}
