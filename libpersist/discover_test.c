/* SPDX-License-Identifier: MIT */
/*
 * Opening a store by path (file, disk image with one, none or several
 * persist partitions) and finding the persist partition of "this system"
 * in a directory tree that mimics /proc, /sys and /dev, with disk images
 * (made by sfdisk) as the devices. No root, no loop devices.
 */
#include "libpersist/persist_linux.h"
#include "tests/unit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "build/libpersist/discover-test"
#define ESP "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
#define ESP_UUID "6a1f8c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* A GPT disk image: an ESP (fixed PARTUUID) and `persist` persist partitions. */
static void make_disk(const char *path, int persist)
{
	char parts[512] = "";

	for (int i = 0; i < persist; i++)
		strcat(parts, "size=2MiB, type=" PERSIST_PART_TYPE_TEXT "\\n");
	if (sh("rm -f %s && truncate -s 12M %s && printf 'label: gpt\\nsize=2MiB, type=%s, "
	       "uuid=%s\\n%s' | sfdisk -q %s",
	       path, path, ESP, ESP_UUID, parts, path) != 0)
		unit_fail(__FILE__, __LINE__, "cannot make %s", path);
}

/* A fresh fake root with disks vda (persist_a persist partitions) and
 * vdb (persist_b). */
static const char *fake_root(const char *name, int persist_a, int persist_b, const char *cmdline)
{
	static char root[256];
	char p[512];

	snprintf(root, sizeof(root), DIR "/%s", name);
	sh("rm -rf %s && mkdir -p %s/proc %s/dev %s/sys/block/vda %s/sys/block/vdb "
	   "%s/sys/firmware/efi/efivars",
	   root, root, root, root, root, root);
	snprintf(p, sizeof(p), "%s/proc/cmdline", root);
	unit_write_file(p, cmdline, strlen(cmdline));
	snprintf(p, sizeof(p), "%s/dev/vda", root);
	make_disk(p, persist_a);
	snprintf(p, sizeof(p), "%s/dev/vdb", root);
	make_disk(p, persist_b);
	return root;
}

/* LoaderDevicePartUUID as firmware writes it: attributes, UTF-16LE text. */
static void set_loader_var(const char *root, const char *uuid)
{
	char p[512], raw[128] = { 7, 0, 0, 0 };
	size_t n = 4;

	for (const char *c = uuid; *c; c++)
		raw[n++] = *c, raw[n++] = 0;
	raw[n++] = 0, raw[n++] = 0;
	snprintf(p, sizeof(p),
		 "%s/sys/firmware/efi/efivars/LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-"
		 "440b29bb8c4f",
		 root);
	unit_write_file(p, raw, n);
}

TEST(port_open_tells_none_from_several_persist_partitions)
{
	struct persist_linux_where w;
	struct persist_linux *l;
	struct persist_port port;

	mkdir(DIR, 0755);
	make_disk(DIR "/none.img", 0);
	make_disk(DIR "/one.img", 1);
	make_disk(DIR "/two.img", 2);
	CHECK_EQ_INT(persist_linux_port_open_where(DIR "/none.img", 0, &l, &port, &w),
		     PERSIST_E_NOPART);
	CHECK(w.table && w.found == 0);
	CHECK_EQ_INT(persist_linux_port_open_where(DIR "/two.img", 0, &l, &port, &w),
		     PERSIST_E_AMBIGUOUS);
	CHECK_EQ_INT(w.found, 2);
	REQUIRE(persist_linux_port_open_where(DIR "/one.img", 0, &l, &port, &w) == 0);
	CHECK_EQ_INT(w.partno, 2);
	CHECK_EQ_INT(w.offset, 3u << 20);
	CHECK_EQ_INT(port.size(port.ctx), 2u << 20);
	CHECK_EQ_INT(persist_linux_location(l)->partno, 2);
	persist_linux_port_close(l);
	CHECK_EQ_INT(persist_linux_port_open_where(DIR "/missing.img", 0, &l, &port, &w),
		     PERSIST_E_NOTFOUND);
	CHECK_EQ_INT(w.sys_errno, ENOENT);
	CHECK_EQ_INT(persist_linux_port_open_where(DIR, 0, &l, &port, &w), PERSIST_E_INVAL);
}

TEST(create_file_refuses_an_existing_path)
{
	mkdir(DIR, 0755);
	unlink(DIR "/new.store");
	CHECK_EQ_INT(persist_linux_create_file(DIR "/new.store", 1u << 20), 0);
	CHECK_EQ_INT(persist_linux_create_file(DIR "/new.store", 1u << 20), PERSIST_E_SYS);
}

TEST(discover_follows_keel_persist_on_the_cmdline)
{
	char path[512], why[1024], want[512];
	const char *root = fake_root("cmdline", 1, 1, "ro keel.persist=/dev/vdb quiet\n");

	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)), 0);
	snprintf(want, sizeof(want), "%s/dev/vdb", root);
	CHECK_EQ_STR(path, want);
	CHECK(strstr(why, "keel.persist=/dev/vdb") != NULL);

	/* PARTUUID= of a partition: its disk (no node of its own here) */
	root = fake_root("partuuid", 0, 1, "keel.persist=PARTUUID=" ESP_UUID "\n");
	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)), 0);
	snprintf(want, sizeof(want), "%s/dev/vda", root);
	CHECK_EQ_STR(path, want); /* the first disk with that PARTUUID */
	root = fake_root("partuuid-bad", 0, 1,
			 "keel.persist=PARTUUID=00000000-0000-0000-0000-000000000001\n");
	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)),
		     PERSIST_E_NOTFOUND);
	CHECK(strstr(why, "no disk holds that partition") != NULL);
}

TEST(discover_uses_the_disk_the_loader_booted_from)
{
	char path[512], why[1024], want[512], p[512];
	const char *root = fake_root("loader", 0, 1, "ro quiet\n");

	/* the ESP of vdb: both disks carry the same ESP PARTUUID in this fake
	 * tree, so give vda a different one */
	snprintf(p, sizeof(p), "%s/dev/vda", root);
	REQUIRE(sh("printf 'label: gpt\\nsize=2MiB, type=%s\\n' | sfdisk -q %s", ESP, p) == 0);
	set_loader_var(root, ESP_UUID);
	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)), 0);
	snprintf(want, sizeof(want), "%s/dev/vdb", root);
	CHECK_EQ_STR(path, want);
	CHECK(strstr(why, "LoaderDevicePartUUID: " ESP_UUID) != NULL);

	/* a partition node listed in sysfs is preferred over the whole disk */
	snprintf(p, sizeof(p), "%s/sys/block/vdb/vdb2", root);
	mkdir(p, 0755);
	strcat(p, "/partition");
	unit_write_file(p, "2\n", 2);
	snprintf(p, sizeof(p), "%s/dev/vdb2", root);
	unit_write_file(p, "", 0);
	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)), 0);
	CHECK_EQ_STR(path, p);
}

TEST(discover_scans_every_disk_and_explains_failure)
{
	char path[512] = "untouched", why[2048], want[512];
	const char *root = fake_root("scan-one", 0, 1, "quiet\n");

	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)), 0);
	snprintf(want, sizeof(want), "%s/dev/vdb", root);
	CHECK_EQ_STR(path, want);

	root = fake_root("scan-none", 0, 0, "quiet\n");
	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)),
		     PERSIST_E_NOTFOUND);
	CHECK(strstr(why, "no keel.persist=") && strstr(why, "LoaderDevicePartUUID: not set") &&
	      strstr(why, "vda (no persist partition)") && strstr(why, "scanned 2 disk(s)"));

	root = fake_root("scan-two", 1, 1, "quiet\n");
	CHECK_EQ_INT(persist_linux_discover(root, path, sizeof(path), why, sizeof(why)),
		     PERSIST_E_AMBIGUOUS);
	CHECK(strstr(why, "2 persist partitions") != NULL);
}

TEST(boot_id_from_cmdline_or_the_running_attempt)
{
	struct persist_store *s;
	uint64_t id = 0, b = 0;
	const char *p = DIR "/bootid.store";

	CHECK_EQ_INT(persist_linux_boot_id_from_cmdline("a keel.boot_id=42 b", &id), 0);
	CHECK_EQ_INT(id, 42);
	CHECK_EQ_INT(persist_linux_boot_id_from_cmdline("xkeel.boot_id=4", &id), -1);
	CHECK_EQ_INT(persist_linux_boot_id_from_cmdline("keel.boot_id=4x", &id), -1);
	mkdir(DIR, 0755);
	unlink(p);
	REQUIRE(persist_linux_format(p, 1u << 20, NULL, &s) == 0);
	CHECK_EQ_INT(persist_linux_current_boot_id(s, "", &id), -1);
	REQUIRE(persist_boot_begin_attempt(s, "a", &b) == 0);
	CHECK_EQ_INT(persist_linux_current_boot_id(s, "ro", &id), 0);
	CHECK_EQ_INT(id, b);
	CHECK_EQ_INT(persist_linux_current_boot_id(s, "keel.boot_id=9", &id), 0);
	CHECK_EQ_INT(id, 9);
	persist_linux_close(s);
}
