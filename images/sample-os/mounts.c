/* SPDX-License-Identifier: MIT */
/*
 * The API file systems. Early: /dev first (the console lives there), then
 * /proc and /sys. Late, once modules are loaded: /run, /tmp, efivarfs
 * (a module in Debian's kernel) and pstore.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

struct api_mount {
	const char *type, *target, *options;
	unsigned long flags;
};

/* Mounts one file system; an already-mounted target (after switching from
 * the initramfs, or devtmpfs automount) counts as success. */
static int mount_one(const struct api_mount *m)
{
	mkdir(m->target, 0755);
	if (mount(m->type, m->target, m->type, m->flags, m->options) == 0 || errno == EBUSY)
		return 0;
	int err = -errno;
	os_say("error: cannot mount %s on %s: %s", m->type, m->target, strerror(-err));
	return err;
}

/* The kernel opens /dev/console for PID 1 only if the node exists in the
 * initramfs; reopening it after devtmpfs is mounted covers both cases. */
static void console_reopen(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i <= 2; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

int os_mount_early(void)
{
	static const struct api_mount early[] = {
		{ "devtmpfs", "/dev", "mode=0755", MS_NOSUID },
		{ "proc", "/proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "sysfs", "/sys", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	};
	int err = 0;

	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++)
		err = mount_one(&early[i]) ?: err;
	console_reopen();
	os_log_init();
	return err;
}

int os_mount_late(void)
{
	static const struct api_mount late[] = {
		{ "tmpfs", "/run", "mode=0755", MS_NOSUID | MS_NODEV },
		{ "tmpfs", "/tmp", "mode=1777", MS_NOSUID | MS_NODEV },
		{ "pstore", "/sys/fs/pstore", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	};
	static const struct api_mount efivars = { "efivarfs", OS_EFIVARS, NULL,
						  MS_NOSUID | MS_NODEV | MS_NOEXEC };
	struct stat st;
	int err = 0;

	for (size_t i = 0; i < sizeof(late) / sizeof(late[0]); i++)
		err = mount_one(&late[i]) ?: err;
	/* Without EFI (a BIOS boot) the mount point does not exist: not an error. */
	if (stat(OS_EFIVARS, &st) == 0)
		err = mount_one(&efivars) ?: err;
	else
		os_say("efivars=none (not booted through UEFI)");
	return err;
}
