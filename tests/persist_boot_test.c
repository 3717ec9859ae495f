/* SPDX-License-Identifier: MIT */
/*
 * bootmgr and the Linux tools share the persist partition: a record that
 * bootmgr writes under OVMF is read back on the host with
 * `recovery log show --store IMAGE`; a persist partition full of garbage
 * does not stop the machine from booting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/qemu.h"
#include "tests/unit.h"

#define PERSIST_IMAGE "build/tests/persist.img"
#define GARBAGE_IMAGE "build/tests/persist-garbage.img"
#define RECOVERY "build/recovery/recovery"

static char out[16384];

#define run(...) unit_run(out, sizeof(out), __VA_ARGS__)

/* Boots the vm once: the marker must appear. The disk has no entries, so
 * the menu waits with the built-in items; "Power off" is chosen by its
 * number over the serial console. */
static int boot_once(vm *v, const char *marker)
{
	char key[4];

	if (vm_boot(v) != 0 || vm_expect(v, marker, 120) != 0 ||
	    vm_expect(v, "id=auto-poweroff state=", 60) != 0)
		return -1;
	snprintf(key, sizeof(key), "%c", vm_last_line(v)[strlen("KEEL-MENU-ENTRY n=")]);
	return vm_expect(v, "KEEL-MENU ready", 30) == 0 && vm_send(v, key) == 0 &&
			       vm_expect(v, "KEEL-POWEROFF", 60) == 0 &&
			       vm_wait_exit(v, 30) == VM_EXIT_POWEROFF
		       ? 0
		       : -1;
}

TEST(bootmgr_record_is_read_back_on_the_host)
{
	REQUIRE(run("cp --sparse=always build/tests/persist-blank.img " PERSIST_IMAGE) == 0);
	vm_config cfg = { .name = "persist", .disks = { { PERSIST_IMAGE, VM_BUS_NVME, false } } };
	vm *v;

	REQUIRE(run(RECOVERY " store format --yes --store " PERSIST_IMAGE " 2>&1") == 0);
	v = vm_new(&cfg);
	REQUIRE(v != NULL);
	/* Two boots of the same machine (same NVRAM): two records. */
	CHECK(boot_once(v, "KEEL-PERSIST-LOG status=ok") == 0);
	CHECK(boot_once(v, "KEEL-PERSIST-LOG status=ok") == 0);
	vm_free(v);
	CHECK_EQ_INT(run(RECOVERY " log show --store " PERSIST_IMAGE " 2>&1"), 0);
	/* One record per start, both there. */
	{
		const char *p = strstr(out, "bootmgr " KEEL_VERSION " started");
		CHECK(p != NULL);
		CHECK(p && strstr(p + 1, "bootmgr " KEEL_VERSION " started") != NULL);
		if (!p)
			printf("  recovery log show printed:\n%s\n", out);
	}
}

TEST(garbage_persist_partition_still_boots_and_says_why)
{
	/* 16 MiB of random bytes over the persist partition (after the ESP). */
	REQUIRE(run("cp --sparse=always build/tests/persist-blank.img " GARBAGE_IMAGE) == 0);
	REQUIRE(run("dd if=/dev/urandom of=" GARBAGE_IMAGE " bs=1M seek=513 count=16 "
		    "conv=notrunc status=none") == 0);
	vm_config cfg = { .name = "persist-garbage",
			  .disks = { { GARBAGE_IMAGE, VM_BUS_NVME, false } } };
	vm *v = vm_new(&cfg);

	REQUIRE(v != NULL);
	CHECK(boot_once(v, "KEEL-PERSIST status=unusable") == 0);
	vm_free(v);
}
