/* SPDX-License-Identifier: MIT */
/* Loading and starting images (boot.h). */
#include "bootmgr/boot.h"

#include "bootmgr/core/str.h"
#include "efi/kefi.h"

/* Reads the initrds. One (the usual case) is used as read; several are
 * concatenated, each 4-byte aligned as cpio requires (the kernel unpacks
 * one archive after the other). */
static int load_initrds(const struct boot_image *img, void **data, size_t *size,
			const char **what)
{
	void *parts[BOOT_INITRD_MAX] = { 0 };
	size_t sizes[BOOT_INITRD_MAX] = { 0 }, total = 0;
	uint8_t *all = NULL;
	int r = KEFI_OK;

	for (size_t i = 0; i < img->n_initrds && r == KEFI_OK; i++) {
		r = kefi_file_read(img->volume, img->initrds[i], &parts[i], &sizes[i]);
		if (r != KEFI_OK)
			*what = img->initrds[i];
		total += (sizes[i] + 3) & ~(size_t)3;
	}
	if (r == KEFI_OK && img->n_initrds == 1) {
		*data = parts[0];
		*size = sizes[0];
		return KEFI_OK;
	}
	if (r == KEFI_OK && !(all = kefi_alloc(total ? total : 1))) {
		r = KEFI_ENOMEM;
		*what = img->initrds[0];
	}
	for (size_t i = 0, off = 0; i < img->n_initrds; i++) {
		if (all && parts[i]) {
			bm_memcpy(all + off, parts[i], sizes[i]);
			off += (sizes[i] + 3) & ~(size_t)3;
		}
		kefi_free(parts[i]);
	}
	if (r != KEFI_OK) {
		kefi_free(all);
		return r;
	}
	*data = all;
	*size = total;
	return KEFI_OK;
}

int boot_start(const struct boot_image *img, void (*before_start)(void *ctx), void *ctx,
	       int *error, const char **what, uint64_t *status)
{
	void *initrd = NULL, *image = NULL;
	size_t initrd_size = 0;
	int r = KEFI_OK;

	*what = img->path;
	if (img->n_initrds)
		r = load_initrds(img, &initrd, &initrd_size, what);
	if (r == KEFI_OK) {
		*what = img->path;
		r = kefi_image_load(img->volume, img->path, &image);
	}
	if (r == KEFI_OK && img->cmdline)
		r = kefi_image_set_options(image, img->cmdline);
	if (r == KEFI_OK && initrd && (r = kefi_initrd_register(initrd, initrd_size)) != KEFI_OK)
		*what = "Load File 2 initrd protocol";
	if (r != KEFI_OK) {
		kefi_image_unload(image);
		kefi_free(initrd);
		*error = r;
		return BOOT_LOAD_FAILED;
	}
	if (before_start)
		before_start(ctx);
	kefi_image_run(image, status);
	kefi_initrd_unregister();
	kefi_free(initrd);
	return BOOT_RETURNED;
}
