/* SPDX-License-Identifier: MIT */
/*
 * Flushes of volumes nothing was written to, answered at once.
 *
 * edk2's FAT driver (FatPkg, in OVMF and most PC firmware) ends every
 * Open() and Close() of a file with FlushBlocks() on the volume's block
 * device, whether or not anything was written. Keel's discovery opens a
 * dozen files and folders per boot and the firmware's LoadImage() of the
 * entry half a dozen more: on NVMe each is a Flush command the caller waits
 * for, with nothing to flush. After kefi_flush_elide(), each volume that
 * efi/file.c opens gets a thin layer over its Block I/O (and Block I/O 2)
 * protocol: a write marks the device dirty, a flush reaches the device only
 * when it is, so every write is still flushed when the FAT driver (or
 * anyone) asks. Volumes bootmgr never opens are left alone. kefi_flush_restore()
 * puts the firmware's functions back; kefi_image_run() does so before it
 * starts an image, and efi_main() before bootmgr returns to the firmware.
 *
 * The protocols are changed in place (their function pointers): reinstalling
 * them would make the firmware stop and restart every driver above them.
 */
#include "efi/internal.h"

#define ELIDE_MAX 32

struct elided {
	EFI_HANDLE handle;
	EFI_BLOCK_IO *bio;
	EFI_BLOCK_IO2_PROTOCOL *bio2;
	EFI_BLOCK_WRITE write;
	EFI_BLOCK_FLUSH flush;
	EFI_BLOCK_WRITE_EX write_ex;
	EFI_BLOCK_FLUSH_EX flush_ex;
	bool dirty;
};

static struct elided elided[ELIDE_MAX];
static size_t n_elided;
static struct kefi_flush_counts counts;
static bool on; /* kefi_flush_elide() was called */

/* The entry of a changed Block I/O or Block I/O 2 protocol. */
static struct elided *lookup(const void *protocol)
{
	for (size_t i = 0; i < n_elided; i++)
		if ((const void *)elided[i].bio == protocol ||
		    (const void *)elided[i].bio2 == protocol)
			return &elided[i];
	return NULL;
}

static EFI_STATUS EFIAPI write_blocks(EFI_BLOCK_IO *self, UINT32 media, EFI_LBA lba, UINTN size,
				      VOID *buf)
{
	struct elided *e = lookup(self);

	e->dirty = true; /* before the write: a failed one may have written part */
	return uefi_call_wrapper(e->write, 5, self, media, lba, size, buf);
}

static EFI_STATUS EFIAPI flush_blocks(EFI_BLOCK_IO *self)
{
	struct elided *e = lookup(self);
	EFI_STATUS st;

	if (!e->dirty) {
		counts.skipped++;
		return EFI_SUCCESS;
	}
	counts.passed++;
	st = uefi_call_wrapper(e->flush, 1, self);
	if (!EFI_ERROR(st))
		e->dirty = false;
	return st;
}

static EFI_STATUS EFIAPI write_blocks_ex(EFI_BLOCK_IO2_PROTOCOL *self, UINT32 media, EFI_LBA lba,
					 EFI_BLOCK_IO2_TOKEN *token, UINTN size, VOID *buf)
{
	struct elided *e = lookup(self);

	e->dirty = true;
	return uefi_call_wrapper(e->write_ex, 6, self, media, lba, token, size, buf);
}

static EFI_STATUS EFIAPI flush_blocks_ex(EFI_BLOCK_IO2_PROTOCOL *self, EFI_BLOCK_IO2_TOKEN *token)
{
	struct elided *e = lookup(self);

	if (!e->dirty) {
		/* Done at once: a caller that asked to be told is told now. */
		if (token && token->Event) {
			token->TransactionStatus = EFI_SUCCESS;
			uefi_call_wrapper(BS->SignalEvent, 1, token->Event);
		}
		counts.skipped++;
		return EFI_SUCCESS;
	}
	counts.passed++;
	/* Cleared when submitted: writes after this one mark it again, and
	 * a flush that fails reports it to its caller through the token. */
	e->dirty = false;
	return uefi_call_wrapper(e->flush_ex, 2, self, token);
}

void kefi_flush_volume(EFI_HANDLE volume)
{
	struct elided *e = &elided[n_elided];

	if (!on || n_elided == ELIDE_MAX)
		return;
	kefi_zero(e, sizeof(*e));
	e->bio = kefi_block_io(volume);
	if (!e->bio || lookup(e->bio))
		return;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, volume, &BlockIo2Protocol,
					(void **)&e->bio2)))
		e->bio2 = NULL;
	e->handle = volume;
	e->write = e->bio->WriteBlocks;
	e->flush = e->bio->FlushBlocks;
	e->bio->WriteBlocks = write_blocks;
	e->bio->FlushBlocks = flush_blocks;
	if (e->bio2) {
		e->write_ex = e->bio2->WriteBlocksEx;
		e->flush_ex = e->bio2->FlushBlocksEx;
		e->bio2->WriteBlocksEx = write_blocks_ex;
		e->bio2->FlushBlocksEx = flush_blocks_ex;
	}
	n_elided++;
}

void kefi_flush_elide(void)
{
	on = true;
}

/* The protocol is still the one changed (a volume removed meanwhile, with
 * its handle and protocol freed, is left alone). */
static bool still_there(const struct elided *e)
{
	EFI_BLOCK_IO *bio = kefi_block_io(e->handle);

	return bio == e->bio && bio->FlushBlocks == flush_blocks;
}

struct kefi_flush_counts kefi_flush_counts(void)
{
	return counts;
}

void kefi_flush_restore(void)
{
	size_t kept = 0;

	for (size_t i = 0; i < n_elided; i++) {
		struct elided *e = &elided[i];

		/* Not to be touched: kept, so that calls through it (if its
		 * owner still makes any) still find the firmware's functions. */
		if (!still_there(e)) {
			elided[kept++] = *e;
			continue;
		}
		/* Written and not flushed yet: flushed now, as it would have been. */
		if (e->dirty)
			uefi_call_wrapper(e->flush, 1, e->bio);
		e->bio->WriteBlocks = e->write;
		e->bio->FlushBlocks = e->flush;
		if (e->bio2) {
			e->bio2->WriteBlocksEx = e->write_ex;
			e->bio2->FlushBlocksEx = e->flush_ex;
		}
	}
	n_elided = kept;
	counts = (struct kefi_flush_counts){ 0, 0 };
}
