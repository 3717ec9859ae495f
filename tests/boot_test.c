/* SPDX-License-Identifier: MIT */
/*
 * System tests of the walking skeleton: the image builder's output boots
 * under OVMF, bootmgr prints its inventory, and the harness itself works on
 * every bus and across boots.
 */
#include <blkid/blkid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/qemu.h"
#include "tests/unit.h"

#define IMAGE "build/images/keel.img"
#define CHAIN_IMAGE "build/tests/chain.img"
#define DATA_IMAGE "build/tests/data.img"
#define ESP_TYPE "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"

/* Reads the first partition's PARTUUID of an image with libblkid. */
static int image_partuuid(const char *path, char *out, size_t size)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	blkid_partlist parts;
	blkid_partition p;
	const char *uuid;
	int ret = -1;

	if (!pr)
		return -1;
	blkid_probe_enable_partitions(pr, 1);
	parts = blkid_probe_get_partitions(pr);
	p = parts ? blkid_partlist_get_partition(parts, 0) : NULL;
	uuid = p ? blkid_partition_get_uuid(p) : NULL;
	if (uuid) {
		snprintf(out, size, "%s", uuid);
		for (char *c = out; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);
		ret = 0;
	}
	blkid_free_probe(pr);
	return ret;
}

TEST(bootmgr_banner_and_own_esp_over_nvme)
{
	vm_config cfg = { .name = "boot-nvme", .disks = { { IMAGE, VM_BUS_NVME, true } } };
	char uuid[64], marker[256];
	vm *v;

	REQUIRE(image_partuuid(IMAGE, uuid, sizeof(uuid)) == 0);
	v = vm_new(&cfg);
	REQUIRE(v && vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-BOOTMGR version=" KEEL_VERSION, 90) == 0);
	snprintf(marker, sizeof(marker), "KEEL-PART disk=0 part=1 type=%s uuid=%s ", ESP_TYPE, uuid);
	CHECK(vm_expect(v, marker, 30) == 0);
	CHECK(strstr(vm_last_line(v), "name=ESP") != NULL);
	snprintf(marker, sizeof(marker), "KEEL-FS fs=0 part=1 uuid=%s self=1", uuid);
	CHECK(vm_expect(v, marker, 30) == 0);
	/* Nothing to boot: the menu waits with the built-in items; pick
	 * "Power off" by its number. */
	CHECK(vm_expect(v, "KEEL-CHOICE none", 30) == 0);
	CHECK(vm_expect(v, "id=auto-poweroff state=", 30) == 0);
	snprintf(marker, sizeof(marker), "%c", vm_last_line(v)[strlen("KEEL-MENU-ENTRY n=")]);
	CHECK(vm_expect(v, "KEEL-MENU ready", 30) == 0);
	CHECK(vm_send(v, marker) == 0);
	CHECK(vm_expect(v, "KEEL-MENU chosen", 30) == 0);
	CHECK(strstr(vm_last_line(v), "id=auto-poweroff by=digit") != NULL);
	CHECK(vm_expect(v, "KEEL-POWEROFF", 30) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	vm_free(v);
}

/*
 * Every bus the harness offers, in one boot: the bootable image on USB,
 * another GPT disk on virtio and on SATA. bootmgr starts next.efi through
 * its one Boot Loader Specification entry (hidden menu, no persist
 * partition: not counted, and no keel.* words added).
 * A second boot of the same vm sees the NVRAM variable bootmgr wrote.
 */
TEST(all_buses_chainload_and_nvram_across_boots)
{
	vm_config cfg = { .name = "boot-buses",
			  .disks = { { CHAIN_IMAGE, VM_BUS_USB, true },
				     { DATA_IMAGE, VM_BUS_VIRTIO, true },
				     { DATA_IMAGE, VM_BUS_SATA, true } } };
	vm *v = vm_new(&cfg);

	REQUIRE(v);
	for (unsigned boot = 1; boot <= 2; boot++) {
		REQUIRE(vm_boot(v) == 0);
		CHECK(vm_expect(v, "KEEL-BOOTMGR version=" KEEL_VERSION, 120) == 0);
		CHECK(vm_expect(v, "KEEL-DISKS count=3", 30) == 0);
		CHECK(vm_expect(v, "KEEL-BOOT status=starting id=next", 30) == 0);
		CHECK(vm_expect(v, "KEEL-TEST next.efi started path=\\EFI\\keel-test\\next.efi "
				   "options=\"chain-test\"", 30) == 0);
		/* The same NVRAM across the vm's boots: next.efi's mark. */
		CHECK(vm_expect(v, boot == 1 ? "KEEL-TEST nvram mark=absent"
					     : "KEEL-TEST nvram mark=present", 30) == 0);
		CHECK(vm_expect(v, "KEEL-TEST poweroff", 30) == 0);
		CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	}
	vm_free(v);
}

/* The image builder needs no privileges: run it as nobody, then read the
 * result with libblkid. */
TEST(image_build_is_rootless)
{
	char dir[] = "/tmp/keel-rootless-XXXXXX", img[128], cmd[512], uuid[64];
	blkid_probe pr;
	const char *pttype = NULL;

	REQUIRE(mkdtemp(dir) != NULL);
	chmod(dir, 0777);
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	if (geteuid() == 0)
		snprintf(cmd, sizeof(cmd),
			 "setpriv --reuid=nobody --regid=nogroup --clear-groups "
			 "sh images/mkdisk.sh %s --size 300 --esp-size 260 "
			 "--esp-uuid 11111111-2222-4333-8444-555555555555 >/dev/null",
			 img);
	else
		snprintf(cmd, sizeof(cmd),
			 "sh images/mkdisk.sh %s --size 300 --esp-size 260 "
			 "--esp-uuid 11111111-2222-4333-8444-555555555555 >/dev/null",
			 img);
	CHECK_EQ_INT(system(cmd), 0);
	pr = blkid_new_probe_from_filename(img);
	REQUIRE(pr != NULL);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	CHECK(blkid_do_safeprobe(pr) == 0);
	blkid_probe_lookup_value(pr, "PTTYPE", &pttype, NULL);
	CHECK_EQ_STR(pttype, "gpt");
	blkid_free_probe(pr);
	CHECK(image_partuuid(img, uuid, sizeof(uuid)) == 0);
	CHECK_EQ_STR(uuid, "11111111-2222-4333-8444-555555555555");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ_INT(system(cmd), 0);
}
