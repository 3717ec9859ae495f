/* SPDX-License-Identifier: MIT */
#include "bootmgr/persist_efi.h"

#include "bootmgr/core/str.h"

/* libpersist passes offsets and lengths in multiples of PERSIST_BLOCK_SIZE,
 * which every supported sector size (512, 4096) divides. */
static int dev_read(const struct persist_efi *pe, uint64_t off, void *buf, size_t len)
{
	uint32_t bs = pe->dev.block_size;

	return kefi_block_read(&pe->dev, off / bs, buf, len / bs) == KEFI_OK ? 0 : PERSIST_E_IO;
}

static int pe_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct persist_efi *pe = ctx;

	if (off + len > PERSIST_META_SIZE)
		return dev_read(pe, off, buf, len);
	if (!pe->meta) {
		uint8_t *meta = kefi_alloc(PERSIST_META_SIZE);

		if (!meta)
			return dev_read(pe, off, buf, len);
		if (dev_read(pe, 0, meta, PERSIST_META_SIZE)) {
			kefi_free(meta);
			return PERSIST_E_IO;
		}
		pe->meta = meta;
	}
	bm_memcpy(buf, pe->meta + off, len);
	return 0;
}

/* Writes go to the device; the kept copy follows them. */
static int pe_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct persist_efi *pe = ctx;
	uint32_t bs = pe->dev.block_size;

	if (kefi_block_write(&pe->dev, off / bs, buf, len / bs) != KEFI_OK)
		return PERSIST_E_IO;
	if (pe->meta && off < PERSIST_META_SIZE)
		bm_memcpy(pe->meta + off, buf,
			  off + len > PERSIST_META_SIZE ? PERSIST_META_SIZE - off : len);
	return 0;
}

static int pe_flush(void *ctx)
{
	const struct persist_efi *pe = ctx;

	return kefi_block_flush(&pe->dev) == KEFI_OK ? 0 : PERSIST_E_IO;
}

static uint64_t pe_size(void *ctx)
{
	const struct persist_efi *pe = ctx;

	return (pe->dev.last_lba + 1) * pe->dev.block_size;
}

static uint32_t pe_block_size(void *ctx)
{
	const struct persist_efi *pe = ctx;

	return pe->dev.block_size;
}

static uint64_t pe_now_wall(void *ctx)
{
	(void)ctx;
	return kefi_time_wall_us();
}

static uint64_t pe_now_mono(void *ctx)
{
	(void)ctx;
	return kefi_time_us();
}

int persist_efi_port(struct persist_efi *pe, const kefi_block *dev, struct persist_port *port)
{
	if (!dev->partition || PERSIST_BLOCK_SIZE % dev->block_size)
		return PERSIST_E_UNSUPPORTED;
	pe->dev = *dev;
	pe->meta = NULL;
	*port = (struct persist_port){
		.ctx = pe,
		.read = pe_read,
		.write = pe_write,
		.flush = pe_flush,
		.size = pe_size,
		.block_size = pe_block_size,
		.now_wall = pe_now_wall,
		.now_mono = pe_now_mono,
	};
	return 0;
}
