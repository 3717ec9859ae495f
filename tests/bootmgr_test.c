/* SPDX-License-Identifier: MIT */
/*
 * bootmgr under OVMF: discovery across disks, the menu over the serial
 * console, boot counting and fallback to the last-known-good entry, bad
 * entries never booted automatically, a missing image, a garbage persist
 * partition, and the Boot Loader Interface variables read by `bootctl`.
 *
 * The entries start tests/next_efi.c, which prints where it was loaded from
 * and its command line, then powers off. Where a real OS would report
 * `golden`, the host does it with `recovery mark golden --store`.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/qemu.h"
#include "tests/unit.h"

#define RECOVERY "build/recovery/recovery"
#define ESP_FILES "tests/bootmgr-esp/"
/* The persist partition of the test disks starts right after the 512 MiB
 * ESP, which starts at 1 MiB. */
#define PERSIST_OFFSET_MIB 513

static char out[65536];

#define run(...) unit_run(out, sizeof(out), __VA_ARGS__)

/* A private, writable copy of a test disk. */
static int copy_disk(const char *from, const char *to)
{
	return run("cp --sparse=always %s %s", from, to);
}

/* Copies a file into the ESP of a disk image (FAT at 1 MiB). */
static int esp_put(const char *img, const char *src, const char *dst)
{
	return run("mcopy -o -i %s@@1M %s ::%s 2>&1", img, src, dst);
}

/* Makes text the ESP's \loader\loader.conf (by way of <img>.loader.conf). */
static int put_loader_conf(const char *img, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s.loader.conf", img);
	unit_write_text(path, text);
	return esp_put(img, path, "/loader/loader.conf");
}

/* The file names in an ESP folder, one per line, into `out`. */
static int esp_list(const char *img, const char *dir)
{
	return run("mdir -b -i %s@@1M ::%s 2>&1", img, dir);
}

/* The menu number of entry `id`, from the KEEL-MENU-ENTRY lines. */
static int menu_number(vm *v, const char *id)
{
	char marker[128];
	int n;

	snprintf(marker, sizeof(marker), "KEEL-MENU-ENTRY n=");
	for (;;) {
		if (vm_expect(v, marker, 60) != 0)
			return -1;
		if (sscanf(vm_last_line(v), "KEEL-MENU-ENTRY n=%d", &n) == 1 &&
		    strstr(vm_last_line(v), " id=") &&
		    strncmp(strstr(vm_last_line(v), " id=") + 4, id, strlen(id)) == 0 &&
		    strstr(vm_last_line(v), " id=")[4 + strlen(id)] == ' ')
			return n;
	}
}

/* True if every text of seq occurs in `out`, in this order. */
static bool in_order(const char *const *seq, size_t n)
{
	const char *p = out;

	for (size_t i = 0; i < n; i++) {
		p = strstr(p, seq[i]);
		if (!p) {
			fprintf(stderr, "missing or out of order in the log: %s\n%s", seq[i], out);
			return false;
		}
	}
	return true;
}

/* One boot that must start next.efi with `word` in its command line. */
static int boot_expect_entry(vm *v, const char *id, const char *word)
{
	char marker[160];

	if (vm_boot(v) != 0)
		return -1;
	snprintf(marker, sizeof(marker), "KEEL-BOOT status=starting id=%s ", id);
	if (vm_expect(v, marker, 120) != 0)
		return -1;
	if (vm_expect(v, "KEEL-TEST next.efi started", 30) != 0 ||
	    !strstr(vm_last_line(v), word)) {
		vm_report(v, "the wrong program started");
		return -1;
	}
	return vm_wait_exit(v, 30) == VM_EXIT_POWEROFF ? 0 : -1;
}

/*
 * Two disks with their own ESPs and entries, Windows's and another
 * distribution's loader, a third disk with only a fallback loader, disk B
 * attached twice and a blank disk: the menu lists each installation once,
 * and choosing each by keys over the serial console boots it. The GPT disks'
 * partitions come from the firmware; the blank one is read and has no table.
 */
TEST(discovery_menu_lists_everything_once_and_boots_each_by_keys)
{
	static const struct {
		const char *id, *path, *keys;
	} want[] = {
		{ "a", "\\EFI\\keel-test\\next.efi", NULL },
		{ "b", "\\EFI\\keel-test\\next.efi", "arrows" },
		{ "auto-windows", "\\EFI\\Microsoft\\Boot\\bootmgfw.efi", NULL },
		{ "auto-otheros", "\\EFI\\otheros\\shimx64.efi", NULL },
		{ "auto-removable-", "\\EFI\\BOOT\\BOOTX64.EFI", NULL },
	};
	const char *a = "build/tests/bm-disc-a.img";
	vm_config cfg = { .name = "bm-discovery",
			  .disks = { { a, VM_BUS_NVME, false },
				     { "build/tests/bm-b.img", VM_BUS_VIRTIO, true },
				     { "build/tests/bm-b.img", VM_BUS_USB, true },
				     { "build/tests/bm-c.img", VM_BUS_SATA, true },
				     { "build/tests/bm-blank.img", VM_BUS_VIRTIO, true } } };
	static const char *const tables[] = { "source=firmware", "status=none reason=\"no GPT header\"",
					      "KEEL-DISKS count=", NULL };
	bool seen[2] = { false, false };
	vm *v;
	int t;

	REQUIRE(copy_disk("build/tests/bm-a.img", a) == 0);
	REQUIRE(run("truncate -s 0 build/tests/bm-blank.img && "
		    "truncate -s 16M build/tests/bm-blank.img") == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", a) == 0);
	v = vm_new(&cfg);
	REQUIRE(v);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char keys[32], line[600];
		int n = -1;

		REQUIRE(vm_boot(v) == 0);
		while (i == 0 && (t = vm_expect_any(v, tables, 120)) >= 0 && t < 2)
			seen[t] = true;
		if (i == 0) {
			CHECK(seen[0]);
			CHECK(seen[1]);
			CHECK(strstr(vm_last_line(v), "KEEL-DISKS count=5") != NULL);
		}
		CHECK(vm_expect(v, "KEEL-DISCOVER entries=", 120) == 0);
		/* a, b, Windows, other OS, fallback of disk C, 3 built-in items;
		 * b's duplicates on the second attachment are dropped. */
		CHECK(strstr(vm_last_line(v), "entries=8 ") != NULL);
		CHECK(vm_expect(v, "KEEL-MENU shown", 30) == 0);
		/* Entries with a prefix id ("auto-removable-N") match by prefix. */
		if (want[i].id[strlen(want[i].id) - 1] == '-') {
			CHECK(vm_expect(v, want[i].id, 30) == 0);
			sscanf(vm_last_line(v), "KEEL-MENU-ENTRY n=%d", &n);
		} else
			n = menu_number(v, want[i].id);
		CHECK(n >= 1 && n <= 9);
		CHECK(vm_expect(v, "KEEL-MENU ready", 30) == 0);
		if (want[i].keys) /* Home, then Down n-1 times, then Enter */ {
			strcpy(keys, "\x1b[H");
			for (int k = 1; k < n; k++)
				strcat(keys, "\x1b[B");
			strcat(keys, "\r");
		} else
			snprintf(keys, sizeof(keys), "%d", n);
		CHECK(vm_send(v, keys) == 0);
		CHECK(vm_expect(v, "KEEL-MENU chosen", 30) == 0);
		CHECK(vm_expect(v, "KEEL-TEST next.efi started", 60) == 0);
		snprintf(line, sizeof(line), "path=%s ", want[i].path);
		CHECK(strstr(vm_last_line(v), line) != NULL);
		CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	}
	vm_free(v);
	/* The counted entries (a, b) have attempts; the others were not counted. */
	CHECK_EQ_INT(run(RECOVERY " log show --store %s 2>&1", a), 0);
	CHECK(strstr(out, "booting 'a' (chosen in the menu), boot id 1") != NULL);
	CHECK(strstr(out, "booting 'b' (chosen in the menu), boot id 2") != NULL);
	CHECK(strstr(out, "starting 'auto-windows' (chosen in the menu), not counted") != NULL);
}

/*
 * Boot counting with a hidden menu and no key pressed: 'old' becomes
 * last-known-good; the newer default 'new' never reaches golden and is
 * started exactly 3 times; the 4th boot falls back to 'old' by itself; a
 * pinned default or a one-shot does not bring the bad entry back; with the
 * menu shown, 'old' says it was fallen back to and why; a missing
 * image counts
 * as failed and the next candidate boots in the same power-on; a persist
 * partition of random bytes still boots and says why, and once the store is
 * made anew counting resumes.
 */
TEST(counting_fallback_pinned_default_missing_image_and_garbage_store)
{
	const char *f = "build/tests/bm-fallback.img";
	vm_config cfg = { .name = "bm-fallback", .disks = { { f, VM_BUS_NVME, false } } };
	const char *seq[] = { "booting 'new' (default), boot id 2",
			      "booting 'new' (default), boot id 3",
			      "booting 'new' (default), boot id 4", "fallback: ",
			      "booting 'old' (fallback), boot id 5" };
	vm *v;

	REQUIRE(copy_disk("build/tests/bm-f.img", f) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", f) == 0);
	v = vm_new(&cfg);
	REQUIRE(v);

	/* Boot 1: the only entry; the host plays the OS and reports golden. */
	CHECK(boot_expect_entry(v, "old", "keel.boot_id=1 ") == 0);
	CHECK_EQ_INT(run(RECOVERY " mark golden --boot-id 1 --store %s 2>&1", f), 0);

	/* An update adds 'new' (newer version: the default). It never
	 * reaches golden: three attempts, then the fallback. */
	REQUIRE(esp_put(f, ESP_FILES "new.conf", "/loader/entries/new.conf") == 0);
	for (int boot = 2; boot <= 4; boot++) {
		char word[32];
		snprintf(word, sizeof(word), "keel.boot_id=%d ", boot);
		CHECK(boot_expect_entry(v, "new", word) == 0);
	}
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-FALLBACK reason=", 120) == 0);
	CHECK(strstr(vm_last_line(v), "'new'") && strstr(vm_last_line(v), "'old'"));
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=old boot_id=5", 30) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);
	/* 'old' is a good system: it reports golden each time it runs. */
	CHECK_EQ_INT(run(RECOVERY " mark golden --store %s 2>&1", f), 0);

	/* The log tells the story in order. */
	CHECK_EQ_INT(run(RECOVERY " log show --store %s 2>&1 | tac", f), 0);
	CHECK(in_order(seq, sizeof(seq) / sizeof(seq[0])));
	CHECK_EQ_INT(run(RECOVERY " status --store %s 2>&1", f), 0);
	CHECK(strstr(out, "new") && strstr(out, "bad"));

	/* Pinning the bad entry as default does not boot it automatically. */
	REQUIRE(put_loader_conf(f, "timeout 0\ndefault new\n") == 0);
	CHECK(boot_expect_entry(v, "old", "entry-old") == 0);
	CHECK_EQ_INT(run(RECOVERY " mark golden --store %s 2>&1", f), 0);

	/* With the menu shown, the entry fallen back to says why. */
	REQUIRE(put_loader_conf(f, "timeout 1\n") == 0);
	REQUIRE(vm_boot(v) == 0);
	CHECK(menu_number(v, "old") >= 1);
	CHECK(strstr(vm_last_line(v), "state=\"last-known-good; fell back here because default "
				      "'new' is bad (3 failed attempts)\"") != NULL);
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=old", 60) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);
	CHECK_EQ_INT(run(RECOVERY " mark golden --store %s 2>&1", f), 0);

	/* Nor does asking for it once (one-shot) from the running system. */
	REQUIRE(esp_put(f, ESP_FILES "f-loader.conf", "/loader/loader.conf") == 0);
	CHECK_EQ_INT(run(RECOVERY " boot oneshot new --store %s 2>&1", f), 0);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-FALLBACK reason=", 120) == 0);
	CHECK(strstr(vm_last_line(v), "one-shot") || strstr(vm_last_line(v), "oneshot"));
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=old", 30) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);
	CHECK_EQ_INT(run(RECOVERY " mark golden --store %s 2>&1", f), 0);
	CHECK_EQ_INT(run(RECOVERY " boot list --store %s 2>&1", f), 0);
	CHECK(strstr(out, "one-shot: (none)") != NULL);

	/* A newer entry whose image is missing: a failed attempt at once, and
	 * the next candidate (the last-known-good) boots in the same power-on. */
	REQUIRE(esp_put(f, ESP_FILES "f-loader.conf", "/loader/loader.conf") == 0);
	REQUIRE(esp_put(f, ESP_FILES "broken.conf", "/loader/entries/broken.conf") == 0);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-BOOT status=load-failed id=broken", 120) == 0);
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=old", 30) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);

	/* Random bytes over the persist partition: it still boots, says why. */
	CHECK_EQ_INT(run("dd if=/dev/urandom of=%s bs=1M seek=%d count=16 conv=notrunc 2>&1", f,
			 PERSIST_OFFSET_MIB), 0);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-PERSIST status=unusable", 120) == 0);
	CHECK(vm_expect(v, "KEEL-TEST next.efi started", 60) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);

	/* `recovery store repair` refuses what is not a store at all (and
	 * changes nothing); formatting makes it anew and counting resumes:
	 * boot id 1 is the missing image's attempt, 2 the next entry's. */
	CHECK(run(RECOVERY " store repair --store %s 2>&1", f) != 0);
	CHECK_EQ_INT(run(RECOVERY " store format --yes --store %s 2>&1", f), 0);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-BOOT status=load-failed id=broken", 120) == 0);
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=new boot_id=2 ", 30) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);
	vm_free(v);
}

/* Writes one efivarfs file: 4 bytes of attributes, then the data. */
static int write_efivar(const char *dir, const char *name, const char *hex)
{
	char path[512];
	unsigned char attrs[4] = { 0x06, 0, 0, 0 }; /* boot service + runtime access */
	FILE *fp;
	int ok;

	snprintf(path, sizeof(path), "%s/%s-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", dir, name);
	fp = fopen(path, "wb");
	if (!fp)
		return -1;
	ok = fwrite(attrs, 1, 4, fp) == 4;
	for (const char *h = hex; ok && h[0] && h[1]; h += 2) {
		unsigned byte;
		ok = sscanf(h, "%2x", &byte) == 1 && fputc((int)byte, fp) != EOF;
	}
	return fclose(fp) == 0 && ok ? 0 : -1;
}

/*
 * Reads the Boot Loader Interface variables next.efi prints with
 * `dump-loader-vars` ("KEEL-TEST var name=N data=HEX" up to "KEEL-TEST vars
 * end"), calling each() for every one. Returns how many, or -1 if the list
 * did not end or each() failed.
 */
static int read_loader_vars(vm *v, int (*each)(const char *name, const char *hex, void *ctx),
			    void *ctx)
{
	int n = 0;

	for (;;) {
		char name[64], hex[1100];
		if (vm_expect(v, "KEEL-TEST v", 30) != 0)
			return -1;
		if (strstr(vm_last_line(v), "vars end"))
			return n;
		if (sscanf(vm_last_line(v), "KEEL-TEST var name=%63s data=%1099s", name, hex) != 2)
			continue;
		if (each(name, hex, ctx) != 0)
			return -1;
		n++;
	}
}

/* The text of a UTF-16LE string variable, for read_loader_vars(). */
struct var_text {
	const char *name;
	char text[256];
	bool found;
};

static int find_var_text(const char *name, const char *hex, void *ctx)
{
	struct var_text *t = ctx;
	size_t n = 0;

	if (strcmp(name, t->name) != 0)
		return 0;
	for (const char *h = hex; h[0] && h[1] && h[2] && h[3] && n + 1 < sizeof(t->text); h += 4) {
		unsigned lo, hi;
		if (sscanf(h, "%2x%2x", &lo, &hi) != 2 || (lo == 0 && hi == 0))
			break;
		t->text[n++] = hi || lo > 0x7e ? '?' : (char)lo;
	}
	t->text[n] = '\0';
	t->found = true;
	return 0;
}

/* Writes each variable for bootctl and keeps the two times bootmgr set. */
struct loader_vars {
	const char *dir;
	unsigned long long init_us, exec_us;
};

static int keep_loader_var(const char *name, const char *hex, void *ctx)
{
	struct loader_vars *lv = ctx;
	struct var_text t = { .name = name };

	find_var_text(name, hex, &t);
	if (strcmp(name, "LoaderTimeInitUSec") == 0)
		lv->init_us = strtoull(t.text, NULL, 10);
	else if (strcmp(name, "LoaderTimeExecUSec") == 0)
		lv->exec_us = strtoull(t.text, NULL, 10);
	return write_efivar(lv->dir, name, hex);
}

/*
 * `bootctl status` from Debian's systemd-boot package reads the Boot Loader
 * Interface variables bootmgr set. The started test program prints them; the
 * host puts them into an efivarfs-shaped folder and runs bootctl with that
 * folder as its /sys/firmware/efi/efivars (tests/bootctl-status.sh).
 */
TEST(bootctl_status_shows_keel_variables)
{
	const char *a = "build/tests/bm-bootctl-a.img", *dir = "build/tests/bm-efivars";
	vm_config cfg = { .name = "bm-bootctl", .disks = { { a, VM_BUS_NVME, false } } };
	struct loader_vars lv = { .dir = dir };
	char keys[8];
	int n, vars;
	vm *v;

	REQUIRE(copy_disk("build/tests/bm-a.img", a) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", a) == 0);
	REQUIRE(run("rm -rf %s && mkdir -p %s", dir, dir) == 0);
	v = vm_new(&cfg);
	REQUIRE(v && vm_boot(v) == 0);
	n = menu_number(v, "a");
	CHECK(n >= 1);
	CHECK(vm_expect(v, "KEEL-MENU ready", 30) == 0);
	snprintf(keys, sizeof(keys), "%d", n);
	CHECK(vm_send(v, keys) == 0);
	CHECK(vm_expect(v, "KEEL-TEST next.efi started", 60) == 0);
	vars = read_loader_vars(v, keep_loader_var, &lv);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	vm_free(v);
	CHECK(vars >= 10);
	/* Microseconds since the machine started: the firmware took more than
	 * 0.1 s to reach bootmgr, and the menu was answered within a minute. */
	printf("LoaderTimeInitUSec=%llu LoaderTimeExecUSec=%llu\n", lv.init_us, lv.exec_us);
	CHECK(lv.init_us > 100000 && lv.init_us < 120000000);
	CHECK(lv.exec_us > lv.init_us && lv.exec_us - lv.init_us < 60000000);
	/* bootctl ignores EFI variables in containers; the script gives it a
	 * private root in new mount and PID namespaces, which needs root. */
	if (geteuid() != 0) {
		printf("bootctl part needs root for a mount namespace; not run as uid %d\n",
		       (int)geteuid());
		return;
	}
	CHECK_EQ_INT(run("sh tests/bootctl-status.sh %s build/tests/systemd-boot/usr/bin/bootctl "
			 "2>&1", dir), 0);
	printf("%s", out);
	CHECK(strstr(out, "Product: Keel " KEEL_VERSION) != NULL);
	CHECK(strstr(out, "Boot loader sets ESP information") != NULL);
	CHECK(strstr(out, "4b45454c-0000-4000-8000-0000000000a2") != NULL);
	CHECK(strstr(out, "/EFI/BOOT/BOOTX64.EFI") != NULL);
	CHECK(strstr(out, "Boot counting") != NULL);
	CHECK(strstr(out, "UEFI 2.") != NULL);
}

/* Writes an entry file for the sample OS and copies it onto the ESP. */
static int put_sample_entry(const char *img, const char *id, const char *version,
			    const char *initrd, const char *options)
{
	char local[256], dst[128];

	snprintf(local, sizeof(local), "build/tests/bm-os-%s.conf", id);
	snprintf(dst, sizeof(dst), "/loader/entries/%s.conf", id);
	if (run("printf 'title Sample OS %s\\nsort-key keel-sample-os\\nversion %s\\n"
		"linux /keel/vmlinuz\\ninitrd %s\\noptions console=ttyS0 panic=5 %s\\n' >%s",
		id, version, initrd, options, local))
		return -1;
	return esp_put(img, local, dst);
}

/*
 * The sample OS through bootmgr: a quiet boot (no trace on the serial port),
 * kernel + initrd by Load File 2, the boot id on the command line, stages
 * up to golden, and the entry becomes last-known-good. Then an update of
 * one broken variant is installed and the machine is switched on once: it
 * resets and reboots by itself (as hardware does), starts the update
 * exactly 3 times, then boots the last-known-good entry with no key
 * pressed. The persist log tells the story in order, with `crash` (a crash
 * record the OS made of the failure on the next boot, or NULL) for the
 * first failed boot.
 */
static void fallback_story(const char *variant, const char *stage, const char *options,
			   const char *crash)
{
	static const char *const quiet[] = { "KEEL-BOOT status=starting ", "KEEL-PART ", "KEEL-FS ",
					     "KEEL-ENTRY ", NULL };
	char img[128], disk[128], initrd[64], story[3][96];
	vm_config cfg = { .name = "bm-os", .watchdog = true, .reboot = true };
	const char *seq[] = { "booting 'good' (default), boot id 1", story[0], story[1], story[2],
			      "fallback: ", "booting 'good' (fallback), boot id 5" };
	vm *v;

	snprintf(img, sizeof(img), "build/tests/bm-os-%s.img", variant);
	snprintf(disk, sizeof(disk), "build/images/sample-os-%s.img", variant);
	snprintf(initrd, sizeof(initrd), "/keel/initrd-%s", variant);
	cfg.disks[0] = (vm_disk){ img, VM_BUS_VIRTIO, false };
	REQUIRE(copy_disk(disk, img) == 0);
	REQUIRE(run("mdel -i %s@@1M ::/loader/entries/*.conf 2>&1", img) == 0);
	REQUIRE(put_sample_entry(img, "good", "1.0", "/keel/initrd",
				 "keel.watchdog=6 keel.halt_after_golden=1") == 0);
	v = vm_new(&cfg);
	REQUIRE(v);

	REQUIRE(vm_boot(v) == 0);
	/* A quiet boot: the serial port gets no trace of what bootmgr found. */
	CHECK(vm_expect_any(v, quiet, 120) == 0);
	CHECK(strstr(vm_last_line(v), "KEEL-BOOT status=starting id=good boot_id=1") != NULL);
	CHECK(vm_expect(v, "KEEL-OS stage=kernel boot_id=1", 60) == 0);
	CHECK(vm_expect(v, "KEEL-OS stage=golden boot_id=1", 60) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);
	/* The four stage records of boot 1, in order, read on the host. */
	{
		const char *stages[] = { "boot 1: attempt of 'good' begins",
					 "stage kernel reached (boot 1)", "stage init reached (boot 1)",
					 "stage services reached (boot 1)",
					 "stage golden reached (boot 1)" };
		CHECK_EQ_INT(run(RECOVERY " log show --boot 1 --store %s 2>&1 | tac", img), 0);
		CHECK(in_order(stages, sizeof(stages) / sizeof(stages[0])));
	}
	CHECK_EQ_INT(run(RECOVERY " status --store %s 2>&1", img), 0);
	CHECK(strstr(out, "last-known-good: good") != NULL);

	/* The update: a newer version that never reaches golden. */
	REQUIRE(put_sample_entry(img, variant, "1.1", initrd, options) == 0);
	REQUIRE(vm_boot(v) == 0);
	for (int boot = 2; boot <= 4; boot++) {
		char marker[96];
		snprintf(marker, sizeof(marker), "KEEL-BOOT status=starting id=%s boot_id=%d",
			 variant, boot);
		CHECK(vm_expect(v, marker, 180) == 0);
		snprintf(marker, sizeof(marker), "KEEL-OS stage=%s boot_id=%d", stage, boot);
		CHECK(vm_expect(v, marker, 60) == 0);
	}
	CHECK(vm_expect(v, "KEEL-FALLBACK reason=", 180) == 0);
	CHECK(strstr(vm_last_line(v), variant) && strstr(vm_last_line(v), "'good'"));
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=good boot_id=5", 30) == 0);
	CHECK(vm_expect(v, "KEEL-OS stage=golden boot_id=5", 90) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 60), VM_EXIT_POWEROFF);
	vm_free(v);

	for (int i = 0; i < 3; i++)
		snprintf(story[i], sizeof(story[i]), "booting '%s' (default), boot id %d", variant,
			 i + 2);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s 2>&1 | tac", img), 0);
	CHECK(in_order(seq, sizeof(seq) / sizeof(seq[0])));
	/* Each failed attempt is counted, with the stage it reached. */
	for (int boot = 2; boot <= 4; boot++) {
		char want[128];
		snprintf(want, sizeof(want), "boot %d of '%s' never reached golden (highest stage %s)",
			 boot, variant, stage);
		CHECK(strstr(out, want) != NULL);
	}
	CHECK(strstr(out, "entry is now bad") != NULL);
	if (crash && !CHECK(strstr(out, crash) != NULL))
		printf("  wanted \"%s\" in the log\n", crash);
}

/* An init that hangs after `init`: only the i6300esb watchdog ends it. */
TEST(sample_os_hang_update_falls_back_after_three_watchdog_resets)
{
	fallback_story("hang", "init", "keel.watchdog=6 keel.golden_deadline=120",
		       "[crash: watchdog in boot 2 at stage init");
}

/* A kernel panic after `init`: efi-pstore keeps the text for the next boot. */
TEST(sample_os_panic_update_falls_back_after_three_panics)
{
	fallback_story("panic", "init", "keel.watchdog=6", "[crash: panic in boot 2 at stage init");
}

/* Up, but its health check fails: it reboots itself at its golden deadline. */
TEST(sample_os_unhealthy_update_falls_back_after_three_deadlines)
{
	fallback_story("unhealthy", "services", "keel.watchdog=6 keel.golden_deadline=12", NULL);
}

/*
 * A unified kernel image (Type #2, \EFI\Linux\*.efi) built from Debian's
 * systemd-boot EFI stub with the sample OS's kernel and initramfs: found by
 * its PE sections, titled from its .osrel, booted with no key pressed; the
 * kernel gets the image's .cmdline with Keel's words appended (so console
 * output and the halt after golden come from .cmdline), and the sample OS
 * reaches golden for the boot id bootmgr gave it.
 */
TEST(unified_kernel_image_boots_with_its_embedded_command_line)
{
	const char *u = "build/tests/bm-uki.img";
	vm_config cfg = { .name = "bm-uki", .watchdog = true,
			  .disks = { { u, VM_BUS_VIRTIO, false } } };
	char cmdline[512], want[700];
	vm *v;

	/* The command line as the build put it into the image. */
	REQUIRE(run("objcopy -O binary --only-section=.cmdline build/tests/sample-os-uki.efi "
		    "/dev/stdout") == 0);
	snprintf(cmdline, sizeof(cmdline), "%.500s", out);
	REQUIRE(strstr(cmdline, "console=ttyS0") != NULL);
	REQUIRE(copy_disk("build/tests/bm-u.img", u) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", u) == 0);
	/* With a boot counter in its name, as a distribution installs it. */
	REQUIRE(run("mren -i %s@@1M ::/EFI/Linux/keel-sample-os.efi "
		    "::/EFI/Linux/keel-sample-os+3.efi 2>&1", u) == 0);
	v = vm_new(&cfg);
	REQUIRE(v && vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-ENTRY n=1 id=keel-sample-os kind=uki ", 120) == 0);
	CHECK(strstr(vm_last_line(v), " version=1.2-uki ") != NULL);
	CHECK(strstr(vm_last_line(v), " title=\"Keel sample OS (unified kernel image)\"") != NULL);
	CHECK(vm_expect(v, "KEEL-BOOTCOUNT file=\\EFI\\Linux\\keel-sample-os+2-1.efi", 60) == 0);
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=keel-sample-os boot_id=1 ", 60) == 0);
	snprintf(want, sizeof(want), "Kernel command line: %s keel.boot_id=1 "
		 "keel.persist=PARTUUID=4b45454c-0000-4000-8000-0000000000e3", cmdline);
	CHECK(vm_expect(v, "Kernel command line: ", 60) == 0);
	if (!CHECK(strstr(vm_last_line(v), want) != NULL))
		printf("  wanted \"%s\"\n", want);
	CHECK(vm_expect(v, "KEEL-OS boot_id=1 source=cmdline", 60) == 0);
	CHECK(vm_expect(v, "KEEL-OS stage=golden boot_id=1", 90) == 0);
	CHECK(vm_expect(v, "KEEL-OS shutdown action=poweroff reason=halt_after_golden", 30) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	vm_free(v);
	CHECK_EQ_INT(run(RECOVERY " status --store %s 2>&1", u), 0);
	CHECK(strstr(out, "last-known-good: keel-sample-os") != NULL);
	CHECK_EQ_INT(esp_list(u, "/EFI/Linux"), 0);
	CHECK(strstr(out, "/keel-sample-os+2-1.efi\n") && !strstr(out, "/keel-sample-os+3.efi"));
}

/* A count from bootmgr's KEEL-BOOT line (key "flushes_passed=" or
 * "flushes_skipped="), or -1 if the line has none. */
static long flushes(const char *line, const char *key)
{
	const char *at = strstr(line, key);

	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

/* bootmgr's "KEEL-BOOT status=starting" line of boot_count_path()'s boot. */
static char boot_line[512];

/* One boot of next.efi from entry `id`: returns LoaderBootCountPath as it
 * printed it ("" if unset), or NULL if the boot went otherwise. */
static const char *boot_count_path(vm *v, const char *id, const char *word)
{
	static struct var_text t;
	char marker[160];

	t = (struct var_text){ .name = "LoaderBootCountPath" };
	snprintf(marker, sizeof(marker), "KEEL-BOOT status=starting id=%s ", id);
	boot_line[0] = '\0';
	if (vm_expect(v, marker, 120) != 0)
		return NULL;
	snprintf(boot_line, sizeof(boot_line), "%s", vm_last_line(v));
	if (vm_expect(v, "KEEL-TEST next.efi started", 30) != 0)
		return NULL;
	if (!strstr(vm_last_line(v), word) || read_loader_vars(v, find_var_text, &t) < 0) {
		vm_report(v, "the wrong program started, or it printed no variables");
		return NULL;
	}
	return vm_wait_exit(v, 30) == VM_EXIT_POWEROFF ? t.text : NULL;
}

/*
 * systemd's boot counting in file names (Boot Loader Specification): an
 * entry file counted+1.conf is renamed to counted+0-1.conf before it boots,
 * and LoaderBootCountPath tells the started system where it is now. With 0
 * tries left it is bad: listed after the good entry, which boots by itself
 * (Keel's own count, one failure of three, would still pick it), also when
 * loader.conf pins it as default. Chosen by hand it still boots, counting
 * one more try done.
 */
TEST(boot_counter_in_file_name_renamed_before_boot_and_bad_entry_not_chosen)
{
	const char *f = "build/tests/bm-counted.img";
	vm_config cfg = { .name = "bm-counted", .disks = { { f, VM_BUS_NVME, false } } };
	const char *path;
	char keys[8];
	int n;
	vm *v;

	REQUIRE(copy_disk("build/tests/bm-f.img", f) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", f) == 0);
	REQUIRE(esp_put(f, ESP_FILES "counted.conf", "/loader/entries/counted+1.conf") == 0);
	v = vm_new(&cfg);
	REQUIRE(v);

	/* Boot 1: the newest entry, with one try left, is the default. */
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-ENTRY n=1 id=counted kind=efi ", 120) == 0);
	CHECK(vm_expect(v, "KEEL-BOOTCOUNT file=\\loader\\entries\\counted+0-1.conf", 30) == 0);
	path = boot_count_path(v, "counted", "entry-counted");
	/* The rename wrote to the ESP: the FAT driver's flush after it reached
	 * the device, while its flushes of nothing were answered at once. */
	CHECK(flushes(boot_line, "flushes_passed=") >= 1);
	CHECK(flushes(boot_line, "flushes_skipped=") >= 1);
	CHECK(path && strcmp(path, "\\loader\\entries\\counted+0-1.conf") == 0);
	if (path)
		printf("  LoaderBootCountPath=%s\n", path);
	CHECK_EQ_INT(esp_list(f, "/loader/entries"), 0);
	CHECK(strstr(out, "/counted+0-1.conf\n") != NULL);
	CHECK(strstr(out, "/counted+1.conf") == NULL);

	/* Boot 2: no tries left, so it sorts last and the good entry boots. */
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-ENTRY n=1 id=old kind=efi ", 120) == 0);
	CHECK(vm_expect(v, "KEEL-ENTRY n=2 id=counted kind=efi ", 30) == 0);
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=old ", 30) == 0);
	/* Nothing written to the ESP this time: no flush reached the device. */
	CHECK(flushes(vm_last_line(v), "flushes_passed=") == 0);
	CHECK(flushes(vm_last_line(v), "flushes_skipped=") >= 1);
	CHECK(vm_expect(v, "KEEL-TEST next.efi started", 30) == 0);
	CHECK(strstr(vm_last_line(v), "entry-old") != NULL);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	CHECK_EQ_INT(esp_list(f, "/loader/entries"), 0);
	CHECK(strstr(out, "/counted+0-1.conf\n") != NULL);
	/* 'old' is a good system: the host plays it and reports golden. */
	CHECK_EQ_INT(run(RECOVERY " mark golden --store %s 2>&1", f), 0);

	/* Pinned as default, the bad entry is still not started by itself;
	 * the notice calls it bad, not missing, and its file keeps its name. */
	REQUIRE(put_loader_conf(f, "timeout 0\ndefault counted\n") == 0);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-FALLBACK reason=", 120) == 0);
	CHECK(strstr(vm_last_line(v), "default 'counted' is bad") != NULL);
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=old ", 30) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	CHECK_EQ_INT(esp_list(f, "/loader/entries"), 0);
	CHECK(strstr(out, "/counted+0-1.conf\n") != NULL);

	/* Boot 3: chosen in the menu, the bad entry boots: 0 left, 2 done. */
	REQUIRE(esp_put(f, ESP_FILES "a-loader.conf", "/loader/loader.conf") == 0);
	REQUIRE(vm_boot(v) == 0);
	n = menu_number(v, "counted");
	CHECK(n >= 1 && n <= 9);
	CHECK(vm_expect(v, "KEEL-MENU ready", 30) == 0);
	snprintf(keys, sizeof(keys), "%d", n);
	CHECK(vm_send(v, keys) == 0);
	path = boot_count_path(v, "counted", "entry-counted");
	CHECK(path && strcmp(path, "\\loader\\entries\\counted+0-2.conf") == 0);
	vm_free(v);
	CHECK_EQ_INT(esp_list(f, "/loader/entries"), 0);
	CHECK(strstr(out, "/counted+0-2.conf\n") != NULL);
	CHECK(strstr(out, "/counted+0-1.conf") == NULL);
}

/*
 * The menu's `e` key: the command line of the selected entry is edited for
 * one boot (typed over the serial console, erasing with both codes a
 * Backspace key sends, BS and DEL, and with a keel.boot_id= the user cannot
 * inject), the started program receives the
 * edited line with Keel's own words, and the next boot, with no key
 * pressed, starts the entry with its own options again.
 */
TEST(menu_edit_key_changes_the_command_line_for_one_boot)
{
	const char *a = "build/tests/bm-edit-a.img";
	const char *persist = "keel.persist=PARTUUID=4b45454c-0000-4000-8000-0000000000a3";
	vm_config cfg = { .name = "bm-edit", .disks = { { a, VM_BUS_NVME, false } } };
	char want[256];
	vm *v;

	REQUIRE(copy_disk("build/tests/bm-a.img", a) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", a) == 0);
	REQUIRE(esp_put(a, ESP_FILES "e-loader.conf", "/loader/loader.conf") == 0);
	v = vm_new(&cfg);
	REQUIRE(v && vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-MENU shown entries=", 120) == 0);
	CHECK(strstr(vm_last_line(v), " selected=1 timeout=3") != NULL);
	CHECK(menu_number(v, "a") == 1);
	CHECK(vm_expect(v, "KEEL-MENU ready", 30) == 0);
	CHECK(vm_send(v, "e") == 0);
	CHECK(vm_expect(v, "KEEL-MENU editing", 30) == 0);
	CHECK(vm_send(v, " edited-xyzz\b\x7f keel.boot_id=99\r") == 0);
	CHECK(vm_expect(v, "KEEL-MENU chosen n=1 id=a by=edit", 30) == 0);
	snprintf(want, sizeof(want),
		 "options=\"entry-a dump-loader-vars edited-xy keel.boot_id=1 %s\"", persist);
	CHECK(vm_expect(v, "KEEL-TEST next.efi started", 60) == 0);
	if (!CHECK(strstr(vm_last_line(v), want) != NULL))
		printf("  wanted %s\n", want);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);

	/* No key: the countdown runs out and the entry's own line is used. */
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-MENU chosen n=1 id=a by=timeout", 120) == 0);
	snprintf(want, sizeof(want), "options=\"entry-a dump-loader-vars keel.boot_id=2 %s\"",
		 persist);
	CHECK(vm_expect(v, "KEEL-TEST next.efi started", 60) == 0);
	if (!CHECK(strstr(vm_last_line(v), want) != NULL))
		printf("  wanted %s\n", want);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	vm_free(v);
}

/* The number of the highest mode in a
 * `KEEL-CONSOLE modes="0 (80x25), 1 (80x50)"` line, or -1. */
static int highest_mode(const char *line)
{
	const char *p = strstr(line, "modes=\"");
	int last = -1;

	for (p = p ? p + 7 : NULL; p && *p >= '0' && *p <= '9'; p += 2) {
		last = atoi(p);
		p = strstr(p, ", ");
		if (!p)
			break;
	}
	return last;
}

/* loader.conf with a one-second menu and `console-mode <setting>`. */
static int put_console_conf(const char *img, const char *setting)
{
	char text[64];

	snprintf(text, sizeof(text), "timeout 1\nconsole-mode %s\n", setting);
	return put_loader_conf(img, text);
}

/* The rest of such a boot: the menu times out and entry a boots. */
static void menu_times_out_into_a(vm *v)
{
	CHECK(vm_expect(v, "KEEL-MENU chosen n=1 id=a by=timeout", 30) == 0);
	CHECK(vm_expect(v, "KEEL-TEST next.efi started", 60) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
}

/*
 * loader.conf's console-mode: applied before the menu is drawn (`max`: the
 * highest mode the console offers), and a number the console lacks leaves
 * the mode alone, says why on the serial port and in the log, and still
 * shows the menu and boots.
 */
TEST(console_mode_from_loader_conf_set_before_the_menu)
{
	const char *a = "build/tests/bm-console-a.img";
	vm_config cfg = { .name = "bm-console", .disks = { { a, VM_BUS_NVME, false } } };
	char want[64];
	int top;
	vm *v;

	REQUIRE(copy_disk("build/tests/bm-a.img", a) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", a) == 0);
	REQUIRE(put_console_conf(a, "max") == 0);
	v = vm_new(&cfg);
	REQUIRE(v && vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-CONSOLE modes=", 120) == 0);
	top = highest_mode(vm_last_line(v));
	CHECK(top >= 0);
	snprintf(want, sizeof(want), "KEEL-CONSOLE setting=max mode=%d ", top);
	CHECK(vm_expect(v, want, 30) == 0);
	CHECK(vm_expect(v, "KEEL-MENU shown entries=", 30) == 0);
	menu_times_out_into_a(v);

	REQUIRE(put_console_conf(a, "42") == 0);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-CONSOLE setting=42 status=missing", 120) == 0);
	CHECK(strstr(vm_last_line(v), "no mode 42") && strstr(vm_last_line(v), "stays in mode"));
	menu_times_out_into_a(v);
	vm_free(v);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s 2>&1", a), 0);
	CHECK(strstr(out, "console-mode 42") != NULL);
}

/*
 * loader.conf's auto-entries, auto-firmware, auto-reboot and auto-poweroff
 * switched off, on the discovery test's disks: their Windows, other
 * distribution and fallback loaders and the built-in items are left out
 * (eight entries there, two here); the systems remain, and one boots.
 */
TEST(loader_conf_auto_keys_leave_out_generated_entries)
{
	const char *a = "build/tests/bm-auto-a.img";
	vm_config cfg = { .name = "bm-auto",
			  .disks = { { a, VM_BUS_NVME, false },
				     { "build/tests/bm-b.img", VM_BUS_VIRTIO, true },
				     { "build/tests/bm-c.img", VM_BUS_SATA, true } } };
	vm *v;

	REQUIRE(copy_disk("build/tests/bm-a.img", a) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", a) == 0);
	REQUIRE(put_loader_conf(a, "timeout 1\nauto-entries no\nauto-firmware no\n"
				   "auto-reboot no\nauto-poweroff no\n") == 0);
	v = vm_new(&cfg);
	REQUIRE(v && vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-DISCOVER entries=", 120) == 0);
	CHECK(strstr(vm_last_line(v), "entries=2 ") != NULL);
	CHECK(vm_expect(v, "KEEL-MENU shown entries=2 ", 30) == 0);
	CHECK(vm_expect(v, "KEEL-MENU chosen n=1 ", 30) == 0);
	CHECK(vm_expect(v, "KEEL-TEST next.efi started", 60) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	vm_free(v);
}

/*
 * A key pressed while the menu is hidden (`timeout 0`) shows it, and waits;
 * `s` there opens the status screen, which lists the last boot attempts and
 * the newest records of the persistent log; any key returns to the menu.
 */
TEST(hidden_menu_shows_on_a_key_and_status_screen_lists_attempts)
{
	const char *a = "build/tests/bm-hidden-a.img";
	vm_config cfg = { .name = "bm-hidden", .disks = { { a, VM_BUS_NVME, false } } };
	vm *v;

	REQUIRE(copy_disk("build/tests/bm-a.img", a) == 0);
	REQUIRE(run(RECOVERY " store format --yes --store %s 2>&1", a) == 0);
	REQUIRE(put_loader_conf(a, "timeout 0\n") == 0);
	v = vm_new(&cfg);
	REQUIRE(v);
	/* No key: the entry boots at once (the attempt the status shows). */
	CHECK(boot_expect_entry(v, "a", "keel.boot_id=1 ") == 0);

	/* A key held down while the firmware starts, as a person does to get
	 * the menu: the menu, waiting. (OVMF drops the keys typed until
	 * shortly before it loads bootmgr, where it resets its consoles, and
	 * reads the serial port only every 20 ms: a key typed once as bootmgr
	 * starts arrives after bootmgr has looked.) The keys still queued
	 * then change nothing on the menu. */
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_tap_until(v, "x", 10, "BdsDxe: starting Boot", 120) == 0);
	CHECK(vm_expect(v, "KEEL-MENU shown entries=", 30) == 0);
	CHECK(strstr(vm_last_line(v), " timeout=-1") != NULL);
	CHECK(vm_expect(v, "KEEL-MENU ready", 30) == 0);
	CHECK(vm_send(v, "s") == 0);
	CHECK(vm_expect(v, "KEEL-STATUS begin", 30) == 0);
	CHECK(vm_expect(v, "boot 1  a ", 30) == 0);
	CHECK(vm_expect(v, "Newest log records:", 30) == 0);
	CHECK(vm_expect(v, "booting 'a' (default), boot id 1", 30) == 0);
	CHECK(vm_expect(v, "KEEL-STATUS end", 30) == 0);
	CHECK(vm_send(v, "x") == 0);
	CHECK(vm_expect(v, "Up/Down, 1-9, Enter", 30) == 0);
	CHECK(vm_send(v, "\r") == 0);
	CHECK(vm_expect(v, "KEEL-MENU chosen n=1 id=a by=key", 30) == 0);
	CHECK(vm_expect(v, "KEEL-BOOT status=starting id=a boot_id=2 ", 60) == 0);
	CHECK_EQ_INT(vm_wait_exit(v, 30), VM_EXIT_POWEROFF);
	vm_free(v);
}
