/* SPDX-License-Identifier: MIT */
/*
 * The boot id of the attempt bootmgr started: keel.boot_id= on the kernel
 * command line wins; otherwise the EFI variable KEEL_VAR_BOOT_ID under Keel's
 * vendor GUID. With neither, the OS still boots and says so.
 */
#include "images/sample-os/os.h"
#include "libpersist/efivars.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * Turns the variable's data into printable ASCII. bootmgr may store the id
 * as UTF-16LE (like the Boot Loader Interface's variables) or as bytes;
 * both are accepted. Returns false for anything else, so a garbled variable
 * never becomes a boot id.
 */
static bool efivar_to_text(const unsigned char *data, size_t len, char id[OS_ID_MAX + 1])
{
	bool utf16 = len >= 2 && len % 2 == 0 && data[1] == 0;
	size_t step = utf16 ? 2 : 1, n = 0;

	for (size_t i = 0; i + step <= len; i += step) {
		if (data[i] == 0 && (!utf16 || data[i + 1] == 0))
			break; /* NUL terminator */
		if ((utf16 && data[i + 1] != 0) || !isgraph(data[i]) || n == OS_ID_MAX)
			return false;
		id[n++] = (char)data[i];
	}
	id[n] = '\0';
	return n > 0;
}

/* Reads the variable through efivarfs: 4 bytes of attributes, then data. */
static int boot_id_from_efivar(char id[OS_ID_MAX + 1])
{
	char path[160];
	unsigned char buf[4 + 2 * (OS_ID_MAX + 1)];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), OS_EFIVARS "/" KEEL_VAR_BOOT_ID "-" KEEL_VENDOR_GUID_TEXT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf));
	close(fd);
	if (len < 0)
		return -errno;
	if (len <= 4 || !efivar_to_text(buf + 4, (size_t)len - 4, id)) {
		os_say("warning: %s holds no readable boot id; ignoring it", path);
		return -EINVAL;
	}
	return 0;
}

const char *os_boot_id_find(const struct os_config *c, char id[OS_ID_MAX + 1])
{
	if (c->boot_id[0]) {
		memcpy(id, c->boot_id, sizeof(c->boot_id));
		return "cmdline";
	}
	if (boot_id_from_efivar(id) == 0)
		return "efivar";
	id[0] = '\0';
	return NULL;
}
