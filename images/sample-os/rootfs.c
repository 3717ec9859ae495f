/* SPDX-License-Identifier: MIT */
/*
 * Switching from the initramfs to the installed root file system.
 *
 * Debian's kernel has ext4 and the disk drivers as modules, so the installed
 * system boots with the initramfs too: its init loads the modules, reports
 * `kernel`, mounts root= read-only and executes the root's own /sbin/init
 * (the same program), which carries on from `init`. Without root= the
 * initramfs is the whole system, which is what disk-less tests use.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define SYSROOT "/sysroot"

static bool running_from_initramfs(void)
{
	struct statfs fs;

	return statfs("/", &fs) == 0 &&
	       (fs.f_type == RAMFS_MAGIC || fs.f_type == TMPFS_MAGIC);
}

/* Moves the API file systems (and everything under them) into the root. */
static int move_api_mounts(void)
{
	static const char *const mounts[] = { "/dev", "/proc", "/sys", "/run", "/tmp" };
	char target[64];

	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		snprintf(target, sizeof(target), SYSROOT "%s", mounts[i]);
		mkdir(target, 0755);
		if (mount(mounts[i], target, NULL, MS_MOVE, NULL) != 0) {
			os_say("error: cannot move %s to %s: %s", mounts[i], target, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static int mount_root(const char *spec, char *dev, size_t n)
{
	int err = os_blockdev_find(spec, 10000, dev, n);

	if (err) {
		os_say("error: root=%s: no such partition after 10 s (%s); staying in the initramfs",
		       spec, strerror(-err));
		return err;
	}
	mkdir(SYSROOT, 0755);
	if (mount(dev, SYSROOT, "ext4", MS_RDONLY, NULL) != 0) {
		err = -errno;
		os_say("error: cannot mount %s (root=%s) as ext4: %s; staying in the initramfs", dev,
		       spec, strerror(errno));
		return err;
	}
	return 0;
}

int os_switch_root(const struct os_config *c)
{
	static char *const argv[] = { "/sbin/init", NULL };
	static char *const envp[] = { "KEEL_STAGE_KERNEL_DONE=1", NULL };
	char dev[OS_PATH_MAX];
	int err;

	if (!c->root[0] || !running_from_initramfs())
		return 0;
	if ((err = mount_root(c->root, dev, sizeof(dev))))
		return err;
	if (access(SYSROOT "/sbin/init", X_OK) != 0) {
		os_say("error: %s has no /sbin/init; staying in the initramfs", dev);
		umount(SYSROOT);
		return -ENOENT;
	}
	if ((err = move_api_mounts()))
		return err;
	os_say("root device=%s", dev);
	/* The initramfs stays in memory (a few MiB); nothing else uses it. */
	if (chdir(SYSROOT) != 0 || mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 ||
	    chdir("/") != 0) {
		os_say("error: cannot switch to %s: %s", dev, strerror(errno));
		return -errno;
	}
	execve(argv[0], argv, envp);
	os_say("error: cannot run /sbin/init of %s: %s", dev, strerror(errno));
	return -errno;
}
