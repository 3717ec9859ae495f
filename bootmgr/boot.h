/* SPDX-License-Identifier: MIT */
/*
 * Starting an image: a Linux kernel through its EFI stub (command line in
 * LoadOptions, initrds through Load File 2, `initrd=` for old kernels) or
 * any other EFI program.
 */
#ifndef KEEL_BOOTMGR_BOOT_H
#define KEEL_BOOTMGR_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define BOOT_INITRD_MAX 8

/* What to start. Paths are firmware paths ("\\keel\\vmlinuz"). */
struct boot_image {
	void *volume;                     /* the file system holding the files */
	const char *path;                 /* the EFI program or kernel */
	const char *initrds[BOOT_INITRD_MAX];
	size_t n_initrds;
	const char *cmdline;              /* may be NULL */
};

/* How a start went. */
enum boot_result {
	BOOT_LOAD_FAILED,   /* the image or an initrd could not be loaded */
	BOOT_RETURNED,      /* the image ran and returned (exit status in *status) */
};

/*
 * Loads and starts the image. Returns only if loading failed (why in
 * *error, a KEFI_E* code, and *what names the file) or the image exited.
 * before_start, if not NULL, runs after loading succeeded and right before
 * StartImage (the last moment to make the attempt durable and set the Boot
 * Loader Interface variables).
 */
int boot_start(const struct boot_image *img, void (*before_start)(void *ctx), void *ctx,
	       int *error, const char **what, uint64_t *status);

#endif
