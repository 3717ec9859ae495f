/* SPDX-License-Identifier: MIT */
#include "installer/libs.h"

#include <blkid/blkid.h>
#include <ext2fs/ext2fs.h>
#include <parted/parted.h>
#include <stdio.h>
#include <zlib.h>

void keel_library_versions(char *buf, size_t size)
{
	const char *blkid_ver = "?", *e2fs_ver = "?", *date = NULL;

	blkid_get_library_version(&blkid_ver, &date);
	ext2fs_get_library_version(&e2fs_ver, &date);
	snprintf(buf, size, "libparted %s, libblkid %s, libext2fs %s, zlib %s", ped_get_version(),
		 blkid_ver, e2fs_ver, zlibVersion());
}

static char parted_message[512];

static PedExceptionOption record_exception(PedException *ex)
{
	snprintf(parted_message, sizeof(parted_message), "%s", ex->message);
	if (ex->options & PED_EXCEPTION_CANCEL)
		return PED_EXCEPTION_CANCEL;
	if (ex->options & PED_EXCEPTION_IGNORE && ex->type < PED_EXCEPTION_ERROR)
		return PED_EXCEPTION_IGNORE;
	return PED_EXCEPTION_UNHANDLED;
}

void keel_parted_init(void)
{
	ped_exception_set_handler(record_exception);
}

const char *keel_parted_error(void)
{
	return parted_message;
}
