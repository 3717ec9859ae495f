/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/entries.h"
#include "libpersist/persist.h"
#include "tests/unit.h"

#include <stdio.h>

static struct bm_entries l;
static struct bm_entry slots[BM_ENTRIES_MAX];
static struct bm_entry e;
static struct bm_bls_entry b;

static const persist_guid esp1 = { { 1 } }, esp2 = { { 2 } };

/* Parses a BLS entry and adds it as found on volume vol. */
static int add_bls(const char *name, const char *text, uint32_t vol, const persist_guid *uuid)
{
	if (bm_bls_parse(name, text, strlen(text), &b, NULL) ||
	    bm_entry_from_bls(&e, &b, "/loader/entries", vol, uuid))
		return -100;
	return bm_entries_add(&l, &e);
}

static void check_order(const char *const *want, size_t n)
{
	if (!CHECK(l.n == n))
		return;
	for (size_t i = 0; i < n; i++)
		CHECK_EQ_STR(l.e[i].id, want[i]);
}

TEST(entries_bls_sort_order)
{
	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	/* Same sort-key and machine-id: version, newest first. */
	CHECK_EQ_INT(add_bls("deb-a.conf", "sort-key debian\nversion 6.1.0-12\nlinux /a\n", 0, &esp1), 0);
	CHECK_EQ_INT(add_bls("deb-b.conf", "sort-key debian\nversion 6.1.0-13\nlinux /b\n", 0, &esp1), 0);
	CHECK_EQ_INT(add_bls("deb-c.conf", "sort-key debian\nversion 6.10.0-1\nlinux /c\n", 0, &esp1), 0);
	/* Sort-key orders first, in byte order. */
	CHECK_EQ_INT(add_bls("arch.conf", "sort-key arch\nversion 1\nlinux /d\n", 0, &esp1), 0);
	/* No sort-key: after those with one, by id newest first. */
	CHECK_EQ_INT(add_bls("old-5.10.conf", "linux /e\n", 0, &esp1), 0);
	CHECK_EQ_INT(add_bls("old-5.9.conf", "linux /f\n", 0, &esp1), 0);
	/* A bad entry (0 tries left) goes after all good ones. */
	CHECK_EQ_INT(add_bls("zz+0-3.conf", "sort-key aaa\nlinux /g\n", 0, &esp1), 0);
	/* Boot counting with tries left keeps its place. */
	CHECK_EQ_INT(add_bls("deb-d+2-1.conf", "sort-key debian\nversion 7\nlinux /h\n", 0, &esp1), 0);
	bm_entries_sort(&l);
	{
		static const char *const want[] = { "arch", "deb-d", "deb-c", "deb-b", "deb-a",
						    "old-5.10", "old-5.9", "zz" };
		check_order(want, 8);
	}
	CHECK(l.e[7].flags & BM_F_BAD);
	CHECK(l.e[1].flags & BM_F_COUNTING);
	CHECK(l.e[1].tries_left == 2 && l.e[1].tries_done == 1);
	CHECK_EQ_STR(l.e[1].source_dir, "\\loader\\entries");
	CHECK_EQ_STR(l.e[1].source_name, "deb-d+2-1.conf");
}

TEST(entries_machine_id_then_version)
{
	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	add_bls("a.conf", "sort-key x\nmachine-id bbb\nversion 2\nlinux /a\n", 0, NULL);
	add_bls("b.conf", "sort-key x\nmachine-id aaa\nversion 1\nlinux /b\n", 0, NULL);
	add_bls("c.conf", "sort-key x\nmachine-id aaa\nversion 1~rc1\nlinux /c\n", 0, NULL);
	bm_entries_sort(&l);
	{
		static const char *const want[] = { "b", "c", "a" };
		check_order(want, 3);
	}
}

TEST(entries_groups_and_ids)
{
	const char *ids[8];
	uint8_t var[256];
	size_t n;

	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	REQUIRE(bm_entry_special(&e, BM_KIND_POWEROFF) == 0);
	bm_entries_add(&l, &e);
	REQUIRE(bm_entry_special(&e, BM_KIND_RECOVERY) == 0);
	bm_entries_add(&l, &e);
	REQUIRE(bm_entry_from_program(&e, BM_KIND_FOREIGN, "auto-windows", "Windows Boot Manager",
				      "/EFI/Microsoft/Boot/bootmgfw.efi", 1, &esp2) == 0);
	bm_entries_add(&l, &e);
	REQUIRE(bm_entry_from_program(&e, BM_KIND_EFI, "auto-efi-shell", NULL, "/shellx64.efi", 0,
				      &esp1) == 0);
	bm_entries_add(&l, &e);
	add_bls("deb.conf", "linux /k\n", 0, &esp1);
	REQUIRE(bm_entry_special(&e, BM_KIND_FIRMWARE) == 0);
	bm_entries_add(&l, &e);
	bm_entries_sort(&l);
	{
		static const char *const want[] = { "deb", "auto-efi-shell", "auto-windows",
						    "keel-recovery", "auto-reboot-to-firmware-setup",
						    "auto-poweroff" };
		check_order(want, 6);
	}
	CHECK_EQ_STR(l.e[1].title, "auto-efi-shell");
	CHECK_EQ_STR(l.e[2].path, "\\EFI\\Microsoft\\Boot\\bootmgfw.efi");
	n = bm_entries_ids(&l, ids, 8);
	REQUIRE(n == 3);
	CHECK_EQ_STR(ids[0], "deb");
	CHECK_EQ_STR(ids[2], "auto-windows");
	CHECK_EQ_INT(bm_entries_ids(&l, ids, 1), 3);
	CHECK_EQ_INT(bm_entries_match(&l, "auto-*"), 1);
	CHECK_EQ_INT(bm_entries_match(&l, "keel-*"), -1); /* Recovery is not a default */
	CHECK_EQ_INT(bm_entries_match(&l, ""), -1);
	CHECK_EQ_INT(bm_entries_find(&l, "auto-poweroff"), 5);
	CHECK_EQ_INT(bm_entry_special(&e, BM_KIND_BLS), BM_E_INVAL);

	/* LoaderEntries: UTF-16LE ids, NUL after each, one more NUL. */
	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	add_bls("ab.conf", "linux /k\n", 0, NULL);
	add_bls("c.conf", "linux /j\n", 0, NULL);
	CHECK_EQ_INT(bm_entries_loader_entries(&l, var, sizeof(var)), 12);
	CHECK(memcmp(var, "a\0b\0\0\0c\0\0\0\0\0", 12) == 0);
	CHECK_EQ_INT(bm_entries_loader_entries(&l, var, 5), 12);
	CHECK_EQ_INT(bm_entries_loader_entries(&l, NULL, 0), 12);
	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	CHECK_EQ_INT(bm_entries_loader_entries(&l, var, sizeof(var)), 2);
}

TEST(entries_dedupe)
{
	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	/* One installation on two ESPs is shown once. */
	CHECK_EQ_INT(add_bls("deb.conf", "linux /k\ninitrd /i\noptions ro\n", 0, &esp1), 0);
	CHECK_EQ_INT(add_bls("deb.conf", "linux /K\ninitrd /I\noptions ro\n", 1, &esp2), 1);
	/* Same id, other options: a different entry with a distinct id. */
	CHECK_EQ_INT(add_bls("deb.conf", "linux /k\ninitrd /i\noptions rw\n", 1, &esp2), 0);
	CHECK_EQ_STR(l.e[1].id, "deb@1");
	CHECK_EQ_INT(add_bls("deb.conf", "linux /k\ninitrd /i\noptions quiet\n", 1, &esp2), 0);
	CHECK_EQ_STR(l.e[2].id, "deb@1.1");
	CHECK_EQ_INT(add_bls("deb.conf", "linux /k\ninitrd /i\ninitrd /j\noptions ro\n", 0, &esp1), 0);
	CHECK_EQ_STR(l.e[3].id, "deb@0");
	/* A 63-byte id is cut to make room for the suffix. */
	CHECK_EQ_INT(add_bls("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi\xc3\xa9.conf",
			     "linux /a\n", 0, NULL), 0);
	CHECK_EQ_INT(add_bls("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi\xc3\xa9.conf",
			     "linux /b\n", 7, NULL), 0);
	CHECK_EQ_STR(l.e[5].id, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi@7");
	l.n = 4;

	/* The same foreign loader by two paths, or twice by one path. */
	REQUIRE(bm_entry_from_program(&e, BM_KIND_FOREIGN, "auto-windows", "Windows",
				      "/EFI/Microsoft/Boot/bootmgfw.efi", 2, &esp2) == 0);
	e.image_size = 1000, e.image_crc = 0xabcd;
	CHECK_EQ_INT(bm_entries_add(&l, &e), 0);
	CHECK_EQ_INT(bm_entries_add(&l, &e), 1);
	REQUIRE(bm_entry_from_program(&e, BM_KIND_FOREIGN, "auto-efi-default", "Fallback",
				      "\\EFI\\BOOT\\BOOTX64.EFI", 2, &esp2) == 0);
	e.image_size = 1000, e.image_crc = 0xabcd;
	CHECK_EQ_INT(bm_entries_add(&l, &e), 1);
	/* ... but the same binary on another disk is another installation. */
	REQUIRE(bm_entry_from_program(&e, BM_KIND_FOREIGN, "auto-windows", "Windows",
				      "/EFI/Microsoft/Boot/bootmgfw.efi", 3, &esp1) == 0);
	e.image_size = 1000, e.image_crc = 0xabcd;
	CHECK_EQ_INT(bm_entries_add(&l, &e), 0);
	CHECK_EQ_STR(l.e[5].id, "auto-windows@3");
	/* Unknown fingerprints never match. */
	REQUIRE(bm_entry_from_program(&e, BM_KIND_FOREIGN, "x", "X", "/a.efi", 2, &esp2) == 0);
	CHECK_EQ_INT(bm_entries_add(&l, &e), 0);
	REQUIRE(bm_entry_from_program(&e, BM_KIND_FOREIGN, "y", "Y", "/b.efi", 2, &esp2) == 0);
	CHECK_EQ_INT(bm_entries_add(&l, &e), 0);
	/* One Reboot entry only. */
	bm_entry_special(&e, BM_KIND_REBOOT);
	CHECK_EQ_INT(bm_entries_add(&l, &e), 0);
	CHECK_EQ_INT(bm_entries_add(&l, &e), 1);
}

TEST(entries_capacity)
{
	char name[32];

	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	for (int i = 0; i < BM_ENTRIES_MAX; i++) {
		snprintf(name, sizeof(name), "e%d.conf", i);
		REQUIRE(add_bls(name, "linux /k\n", 0, NULL) == 0);
	}
	CHECK_EQ_INT(add_bls("more.conf", "linux /k\n", 0, NULL), BM_E_FULL);
	bm_entries_sort(&l);
	CHECK_EQ_STR(l.e[0].id, "e63");
	CHECK_EQ_STR(l.e[BM_ENTRIES_MAX - 1].id, "e0");
	/* A smaller store fills at its own size; a larger one is clamped. */
	bm_entries_init(&l, slots, 2);
	REQUIRE(add_bls("a.conf", "linux /k\n", 0, NULL) == 0);
	REQUIRE(add_bls("b.conf", "linux /k\n", 0, NULL) == 0);
	CHECK_EQ_INT(add_bls("c.conf", "linux /k\n", 0, NULL), BM_E_FULL);
	CHECK_EQ_INT(l.n, 2);
	bm_entries_init(&l, slots, BM_ENTRIES_MAX + 10);
	CHECK_EQ_INT(l.cap, BM_ENTRIES_MAX);
}

TEST(entries_uki)
{
	struct bm_os_release os = { 0 };
	static const char cmd[] = "root=LABEL=r quiet\n\0\0";

	strcpy(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	strcpy(os.id, "debian");
	strcpy(os.version_id, "12");
	REQUIRE(bm_entry_from_uki(&e, "/EFI/Linux", "debian-6.1.0+2-1.efi", &os, "6.1.0", cmd,
				  sizeof(cmd), 0, &esp1) == 0);
	CHECK_EQ_INT(e.kind, BM_KIND_UKI);
	CHECK_EQ_STR(e.id, "debian-6.1.0");
	CHECK_EQ_STR(e.title, "Debian GNU/Linux 12 (bookworm)");
	CHECK_EQ_STR(e.version, "12");
	CHECK_EQ_STR(e.sort_key, "debian");
	CHECK_EQ_STR(e.path, "\\EFI\\Linux\\debian-6.1.0+2-1.efi");
	CHECK_EQ_STR(e.options, "root=LABEL=r quiet");
	CHECK(e.flags & BM_F_COUNTING);
	REQUIRE(bm_entry_from_uki(&e, "\\EFI\\Linux\\", "bare.EFI", NULL, "6.2", NULL, 0, 0, NULL) == 0);
	CHECK_EQ_STR(e.title, "bare");
	CHECK_EQ_STR(e.version, "6.2");
	CHECK_EQ_STR(e.sort_key, "");
	CHECK_EQ_INT(bm_entry_from_uki(&e, "/EFI/Linux", "x.conf", NULL, NULL, NULL, 0, 0, NULL),
		     BM_E_BADNAME);
	CHECK_EQ_INT(bm_entry_from_uki(&e, "/EFI/Linux", "x.efi", NULL, NULL, "a\x01", 2, 0, NULL),
		     BM_E_CONTROL);
}

/* A boot counter in the file name: the next name, then the entry follows
 * its renamed file (a UKI's path with it; a .conf entry's image stays). */
TEST(entries_follow_their_counted_file)
{
	char next[BM_FILE_NAME_MAX];

	REQUIRE(bm_entry_from_uki(&e, "/EFI/Linux", "deb+1.efi", NULL, NULL, NULL, 0, 0, NULL) == 0);
	CHECK_EQ_INT(bm_entry_count_name(&e, next, sizeof(next)), (int)strlen("deb+0-1.efi"));
	CHECK_EQ_STR(next, "deb+0-1.efi");
	REQUIRE(bm_entry_renamed(&e, next) == 0);
	CHECK_EQ_STR(e.source_name, "deb+0-1.efi");
	CHECK_EQ_STR(e.path, "\\EFI\\Linux\\deb+0-1.efi");
	CHECK(e.tries_left == 0 && e.tries_done == 1 && (e.flags & BM_F_BAD));
	CHECK_EQ_INT(bm_entry_renamed(&e, "deb+0-1.conf"), BM_E_BADNAME);

	/* A Type #1 entry naming a UKI: the counter is in the .conf file. */
	REQUIRE(bm_bls_parse("u+3.conf", "uki /EFI/Linux/u.efi\n", 21, &b, NULL) == 0);
	REQUIRE(bm_entry_from_bls(&e, &b, "/loader/entries", 0, NULL) == 0);
	CHECK_EQ_INT(e.kind, BM_KIND_UKI);
	REQUIRE(bm_entry_count_name(&e, next, sizeof(next)) > 0);
	CHECK_EQ_STR(next, "u+2-1.conf");
	REQUIRE(bm_entry_renamed(&e, next) == 0);
	CHECK_EQ_STR(e.path, "\\EFI\\Linux\\u.efi");
	CHECK(e.tries_left == 2 && e.tries_done == 1 && !(e.flags & BM_F_BAD));

	/* Without a counter there is nothing to rename. */
	REQUIRE(bm_entry_from_uki(&e, "/EFI/Linux", "plain.efi", NULL, NULL, NULL, 0, 0, NULL) == 0);
	CHECK_EQ_INT(bm_entry_count_name(&e, next, sizeof(next)), BM_E_INVAL);
}

/* The ids go straight into libpersist's chooser. */
TEST(entries_feed_persist_choose)
{
	const char *ids[BM_ENTRIES_MAX];
	size_t n;

	bm_entries_init(&l, slots, BM_ENTRIES_MAX);
	add_bls("a-1.conf", "linux /a\n", 0, NULL);
	add_bls("a-2.conf", "linux /b\n", 0, NULL);
	bm_entries_sort(&l);
	n = bm_entries_ids(&l, ids, BM_ENTRIES_MAX);
	REQUIRE(n == 2);
	CHECK_EQ_STR(ids[0], "a-2");
	CHECK(strlen(ids[0]) < PERSIST_ID_MAX);
	CHECK_EQ_INT(BM_ID_MAX, PERSIST_ID_MAX);
}
