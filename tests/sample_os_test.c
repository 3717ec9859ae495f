/* SPDX-License-Identifier: MIT */
/*
 * The sample OS under OVMF: it reports kernel → init → services → golden for
 * the attempt a boot manager began, on the serial console and in the
 * persist partition (read back on the host with libpersist and with
 * `recovery log show --store`); a boot id that is not a number is no boot
 * id; the hanging variant is reset by the hardware watchdog in time; the
 * panicking variant's panic text is found in pstore on the next boot.
 *
 * Each test boots a fresh copy of a disk image from `make sample-os`
 * (build/images/sample-os*.img), with the kernel and initramfs given to
 * QEMU directly and the command line bootmgr will pass: the host plays the
 * boot manager's part by beginning the attempt in the image's store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "libpersist/persist_linux.h"
#include "tests/qemu.h"
#include "tests/unit.h"

#define IMAGES "build/images/"
#define WORK "build/tests/sample-os/"
#define RECOVERY "build/recovery/recovery"
#define KERNEL IMAGES "sample-os.vmlinuz"
/* The fixed PARTUUIDs of images/sample-os.mk. */
#define ROOT_SPEC "root=PARTUUID=4b45454c-0000-4000-8000-000000000504"
#define PERSIST_SPEC "keel.persist=PARTUUID=4b45454c-0000-4000-8000-000000000503"
#define BASE_OPTIONS "console=ttyS0 quiet panic=5"
/* The good system: from its root partition, powering off once golden. */
#define GOOD_EXTRA ROOT_SPEC " keel.halt_after_golden=1"
/* Goal: golden within 15 s of QEMU starting under TCG; asserted with room
 * for a loaded machine. */
#define GOLDEN_GOAL_S 15.0
#define GOLDEN_BOUND_S 60.0
/* The hang variant's watchdog timeout (keel.watchdog=). */
#define HANG_WATCHDOG_S 6

static char out[65536];

#define run(...) unit_run(out, sizeof(out), __VA_ARGS__)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A fresh, sparse copy of a built disk image under WORK. */
static int fresh_copy(const char *image, const char *copy)
{
	return run("mkdir -p " WORK " && cp --sparse=always " IMAGES "%s " WORK "%s", image, copy);
}

/* The boot manager's part: begins an attempt of entry in the image's
 * store and returns its boot id (0 on failure, with the reason printed). */
static uint64_t begin_attempt(const char *image, const char *entry)
{
	struct persist_store *s;
	uint64_t id = 0;
	int err = persist_linux_open(image, PERSIST_OPEN_WRITE, &s);

	if (err) {
		printf("  cannot open the store in %s: %s\n", image, persist_strerror(err));
		return 0;
	}
	err = persist_boot_begin_attempt(s, entry, &id);
	if (err)
		printf("  cannot begin an attempt of %s in %s: %s\n", entry, image,
		       persist_strerror(err));
	persist_linux_close(s);
	return err ? 0 : id;
}

/* Messages of the records from source os for boot_id (0: every boot),
 * oldest first, one a line, into buf. Returns the number of records or -1. */
static int os_records(const char *image, uint64_t boot_id, char *buf, size_t n)
{
	struct persist_filter f = { .sources = 1u << PERSIST_SRC_OS, .boot_id = boot_id };
	struct persist_log_iter *it = malloc(sizeof(*it));
	static uint8_t rec_buf[PERSIST_RECORD_MAX];
	struct persist_record rec;
	struct persist_store *s;
	size_t used = 0;
	int count = 0;

	buf[0] = '\0';
	if (!it || persist_linux_open(image, 0, &s)) {
		free(it);
		return -1;
	}
	persist_log_iter_init(it, s, 0, &f);
	while (persist_log_next(it, &rec, rec_buf, sizeof(rec_buf)) == 1) {
		int len = snprintf(buf + used, n - used, "%.*s\n", (int)rec.msg_len, rec.msg);

		if (len > 0 && (size_t)len < n - used)
			used += (size_t)len;
		count++;
	}
	persist_linux_close(s);
	free(it);
	return count;
}

/* The attempt boot_id as the store has it now. */
static int read_attempt(const char *image, uint64_t boot_id, struct persist_attempt *a)
{
	struct persist_store *s;
	const struct persist_attempt *found;
	int err = persist_linux_open(image, 0, &s);

	if (err)
		return err;
	found = persist_boot_find_attempt(s, boot_id);
	if (found)
		*a = *found;
	persist_linux_close(s);
	return found ? 0 : PERSIST_E_NOTFOUND;
}

/* True if the lines appear in text in this order. */
static bool in_order(const char *text, const char *const *lines, size_t n)
{
	const char *at = text;

	for (size_t i = 0; i < n; i++) {
		const char *hit = strstr(at, lines[i]);

		if (!hit) {
			printf("  missing (in order): %s\n", lines[i]);
			return false;
		}
		at = hit + strlen(lines[i]);
	}
	return true;
}

static void sample_vm_config(vm_config *cfg, const char *name, const char *disk,
			     const char *initrd, const char *append)
{
	*cfg = (vm_config){ .name = name,
			    .disks = { { disk, VM_BUS_VIRTIO, false } },
			    .watchdog = true,
			    .memory_mib = 1024,
			    .kernel = KERNEL,
			    .initrd = initrd,
			    .append = append,
			    .fail_markers = { "KEEL-OS error:", NULL } };
}

/* One boot's strings: the VM config points to them, and the harness reads
 * them again at every vm_boot(). */
struct sample_boot {
	char disk[128], initrd[128], append[512];
	vm_config cfg;
	uint64_t id;
};

/* The next boot, attempt `id`, of `image`'s variant: its initramfs and a
 * command line with the boot id, the persist partition and `extra`. */
static void sample_next(struct sample_boot *b, const char *image, uint64_t id, const char *extra)
{
	b->id = id;
	snprintf(b->initrd, sizeof(b->initrd), IMAGES "%s.initrd", image);
	snprintf(b->append, sizeof(b->append), BASE_OPTIONS " keel.boot_id=%llu " PERSIST_SPEC "%s%s",
		 (unsigned long long)id, extra[0] ? " " : "", extra);
}

/* A fresh copy of `image`.img as WORK `copy`.img, an attempt of `entry`
 * begun in its store, and the configuration of the VM (`name`) that boots
 * the variant. False if the copy or the attempt failed. */
static bool sample_prepare(struct sample_boot *b, const char *name, const char *image,
			   const char *copy, const char *entry, const char *extra)
{
	char src[64], dst[64];
	uint64_t id;

	snprintf(src, sizeof(src), "%s.img", image);
	snprintf(dst, sizeof(dst), "%s.img", copy);
	snprintf(b->disk, sizeof(b->disk), WORK "%s", dst);
	if (fresh_copy(src, dst) != 0 || !(id = begin_attempt(b->disk, entry)))
		return false;
	sample_next(b, image, id, extra);
	sample_vm_config(&b->cfg, name, b->disk, b->initrd, b->append);
	return true;
}

TEST(good_boot_reports_four_stages_on_console_and_in_store)
{
	struct sample_boot b;
	const char *disk = b.disk;
	char stage[4][64], records[4096];
	struct persist_attempt a;
	uint64_t id;
	double start, golden;
	vm *v;

	REQUIRE(sample_prepare(&b, "sample-os-good", "sample-os", "good", "sample-os", GOOD_EXTRA));
	id = b.id;
	REQUIRE((v = vm_new(&b.cfg)) != NULL);
	start = now_s();
	REQUIRE(vm_boot(v) == 0);
	for (int i = 0; i < 4; i++) {
		static const char *const names[] = { "kernel", "init", "services", "golden" };

		snprintf(stage[i], sizeof(stage[i]), "KEEL-OS stage=%s boot_id=%llu", names[i],
			 (unsigned long long)id);
	}
	CHECK(vm_expect(v, stage[0], 90) == 0);
	CHECK(vm_expect(v, "KEEL-OS root device=/dev/vda3", 30) == 0);
	CHECK(vm_expect(v, "KEEL-OS persist device=/dev/vda2", 30) == 0);
	CHECK(vm_expect(v, stage[1], 30) == 0);
	CHECK(vm_expect(v, stage[2], 30) == 0);
	CHECK(vm_expect(v, stage[3], 60) == 0);
	golden = now_s() - start;
	printf("  golden %.1f s after QEMU started (goal < %.0f s, asserted < %.0f s, %s)\n", golden,
	       GOLDEN_GOAL_S, GOLDEN_BOUND_S, vm_accel());
	CHECK(golden < GOLDEN_BOUND_S);
	CHECK(vm_expect(v, "KEEL-OS shutdown action=poweroff reason=halt_after_golden", 30) == 0);
	CHECK(vm_wait_exit(v, 30) == VM_EXIT_POWEROFF);
	vm_free(v);

	/* The store, read with libpersist: four stage records, in order, and a
	 * golden attempt whose entry is now the last-known-good. */
	CHECK(os_records(disk, id, records, sizeof(records)) >= 6);
	{
		char want[4][64];
		const char *lines[6];

		for (int i = 0; i < 4; i++)
			snprintf(want[i], sizeof(want[i]), "stage %s reached (boot %llu)",
				 persist_stage_name(PERSIST_STAGE_KERNEL + i), (unsigned long long)id);
		lines[0] = "keel-init " KEEL_VERSION " (variant good) started: boot id";
		for (int i = 0; i < 4; i++)
			lines[i + 1] = want[i];
		lines[5] = "shutdown: poweroff (halt_after_golden) at stage golden, clean";
		if (!CHECK(in_order(records, lines, 6)))
			printf("  os records of boot %llu:\n%s", (unsigned long long)id, records);
	}
	REQUIRE(read_attempt(disk, id, &a) == 0);
	CHECK_EQ_INT(a.stage, PERSIST_STAGE_GOLDEN);
	CHECK_EQ_INT(a.outcome, PERSIST_END_GOLDEN);
	CHECK_EQ_STR(a.entry, "sample-os");

	/* The same through the recovery command line (newest first). */
	CHECK_EQ_INT(run(RECOVERY " log show --store " WORK "good.img 2>&1"), 0);
	{
		char want[4][64];
		const char *lines[4];

		for (int i = 0; i < 4; i++) {
			snprintf(want[i], sizeof(want[i]), "stage %s reached (boot %llu)",
				 persist_stage_name(PERSIST_STAGE_GOLDEN - i), (unsigned long long)id);
			lines[i] = want[i];
		}
		if (!CHECK(in_order(out, lines, 4)))
			printf("  recovery log show printed:\n%s\n", out);
	}
	CHECK_EQ_INT(run(RECOVERY " status --store " WORK "good.img 2>&1"), 0);
	if (!CHECK(strstr(out, "last-known-good: sample-os") != NULL))
		printf("  recovery status printed:\n%s\n", out);
}

TEST(non_numeric_boot_id_boots_without_a_boot_id_and_says_so)
{
	const char *disk = WORK "noid.img";
	char records[4096];
	struct persist_store *s;
	vm_config cfg;
	vm *v;

	REQUIRE(fresh_copy("sample-os.img", "noid.img") == 0);
	/* No root disk needed: the initramfs-only entry's options. */
	sample_vm_config(&cfg, "sample-os-noid", disk, IMAGES "sample-os.initrd",
			 BASE_OPTIONS " keel.boot_id=seven keel.halt_after_golden=1");
	REQUIRE((v = vm_new(&cfg)) != NULL);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-OS warning: boot id 'seven' (from cmdline) is not a decimal number",
			60) == 0);
	CHECK(vm_expect(v, "KEEL-OS stage=kernel boot_id=none", 30) == 0);
	CHECK(vm_expect(v, "KEEL-OS persist device=/dev/vda2", 30) == 0);
	CHECK(vm_expect(v, "KEEL-OS stage=golden boot_id=none", 60) == 0);
	CHECK(vm_wait_exit(v, 30) == VM_EXIT_POWEROFF);
	vm_free(v);

	/* Records without a boot id (0) say so; no attempt was marked. */
	CHECK(os_records(disk, 0, records, sizeof(records)) >= 2);
	CHECK(strstr(records, "no boot id (cmdline held 'seven')") != NULL);
	CHECK(strstr(records, "booted without a boot id") != NULL);
	CHECK(strstr(records, " reached (boot") == NULL);
	REQUIRE(persist_linux_open(disk, 0, &s) == 0);
	CHECK_EQ_INT(persist_boot_state(s)->n_history, 0);
	CHECK_EQ_INT(persist_boot_state(s)->n_entries, 0);
	persist_linux_close(s);
}

TEST(hang_variant_is_reset_by_the_watchdog_in_time)
{
	struct sample_boot b;
	const char *disk = b.disk;
	char extra[32];
	struct persist_attempt a;
	double frozen, reset;
	uint64_t id;
	vm *v;

	snprintf(extra, sizeof(extra), "keel.watchdog=%d", HANG_WATCHDOG_S);
	REQUIRE(sample_prepare(&b, "sample-os-hang", "sample-os-hang", "hang", "sample-os-hang",
			       extra));
	id = b.id;
	REQUIRE((v = vm_new(&b.cfg)) != NULL);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-OS watchdog device=/dev/watchdog identity=\"i6300ESB timer\"", 90) ==
	      0);
	CHECK(vm_expect(v, "KEEL-OS variant=hang:", 60) == 0);
	frozen = now_s();
	/* -no-reboot: the watchdog's reset ends QEMU. */
	CHECK(vm_wait_exit(v, 3 * HANG_WATCHDOG_S) == VM_EXIT_POWEROFF);
	reset = now_s() - frozen;
	printf("  watchdog reset %.1f s after the daemon froze (timeout %d s)\n", reset,
	       HANG_WATCHDOG_S);
	/* The last kick came at most a third of the timeout before the freeze. */
	CHECK(reset > HANG_WATCHDOG_S / 3.0);
	CHECK(reset < HANG_WATCHDOG_S + 5.0);
	vm_free(v);

	/* The attempt got as far as init and never ended. */
	REQUIRE(read_attempt(disk, id, &a) == 0);
	CHECK_EQ_INT(a.stage, PERSIST_STAGE_INIT);
	CHECK_EQ_INT(a.outcome, PERSIST_END_RUNNING);
}

/*
 * After a crashed attempt `crashed` and the boot that followed it: the crash
 * record `recovery harvest` made from the pstore dumps, read back on the
 * host with `recovery log show`: cause panic, the stage reached, the panic
 * text, the dumps' data compressed.
 */
static void check_crash_reported(const char *image, uint64_t crashed, const char *panic,
				 const char *stage)
{
	char cmd[512], want[96], line[4096];
	bool found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), RECOVERY " log show --store %s 2>&1", image);
	snprintf(want, sizeof(want), "[crash: panic in boot %llu at stage %s",
		 (unsigned long long)crashed, stage);
	p = popen(cmd, "r");
	REQUIRE(p != NULL);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, want) && strstr(line, panic) && strstr(line, "compressed"))
			found = true;
	pclose(p);
	if (!CHECK(found))
		printf("  wanted a crash record with \"%s\" and \"%s\" in `%s`\n", want, panic,
		       cmd);
}

TEST(panic_variant_leaves_pstore_text_for_the_next_boot)
{
	const char *panic = "Kernel panic - not syncing: sysrq triggered crash";
	/* Both boots run on one vm, so on the same EFI variables (efi-pstore
	 * keeps the dump there). The harness reads the config's strings at each
	 * vm_boot(), so the second boot gets its own initramfs and command line
	 * by rewriting b's buffers in between (sample_next). */
	struct sample_boot b;
	const char *disk = b.disk;
	char want[256];
	uint64_t crashed, next;
	vm *v;

	REQUIRE(sample_prepare(&b, "sample-os-panic", "sample-os-panic", "panic", "sample-os-panic",
			       ""));
	crashed = b.id;
	REQUIRE((v = vm_new(&b.cfg)) != NULL);
	REQUIRE(vm_boot(v) == 0);
	snprintf(want, sizeof(want), "KEEL-OS stage=init boot_id=%llu", (unsigned long long)crashed);
	CHECK(vm_expect(v, want, 90) == 0);
	CHECK(vm_expect(v, "KEEL-OS variant=panic:", 30) == 0);
	CHECK(vm_expect(v, panic, 30) == 0);
	/* panic=5 reboots; with -no-reboot that ends QEMU. */
	CHECK(vm_wait_exit(v, 60) == VM_EXIT_POWEROFF);

	/* The next boot: a new attempt of the good entry. */
	REQUIRE((next = begin_attempt(disk, "sample-os")) != 0);
	sample_next(&b, "sample-os", next, GOOD_EXTRA);
	REQUIRE(vm_boot(v) == 0);
	snprintf(want, sizeof(want), "panic=\"%s\" last_stage=init boot_id=%llu", panic,
		 (unsigned long long)crashed);
	CHECK(vm_expect(v, "KEEL-OS pstore records=", 90) == 0);
	if (!CHECK(strstr(vm_last_line(v), want) != NULL))
		printf("  wanted \"%s\" in: %s\n", want, vm_last_line(v));
	CHECK(vm_expect(v, "KEEL-OS stage=golden", 60) == 0);
	CHECK(vm_wait_exit(v, 30) == VM_EXIT_POWEROFF);
	vm_free(v);
	check_crash_reported(disk, crashed, panic, "init");
}

TEST(crash_variant_kills_init_after_the_init_stage)
{
	struct sample_boot b;
	const char *disk = b.disk;
	char want[64];
	struct persist_attempt a;
	uint64_t id;
	vm *v;

	REQUIRE(sample_prepare(&b, "sample-os-crash", "sample-os-crash", "crash", "sample-os-crash",
			       ""));
	id = b.id;
	REQUIRE((v = vm_new(&b.cfg)) != NULL);
	REQUIRE(vm_boot(v) == 0);
	snprintf(want, sizeof(want), "KEEL-OS stage=init boot_id=%llu", (unsigned long long)id);
	CHECK(vm_expect(v, want, 90) == 0);
	CHECK(vm_expect(v, "KEEL-OS variant=crash:", 30) == 0);
	CHECK(vm_expect(v, "Kernel panic - not syncing: Attempted to kill init!", 30) == 0);
	CHECK(vm_wait_exit(v, 60) == VM_EXIT_POWEROFF);
	vm_free(v);
	REQUIRE(read_attempt(disk, id, &a) == 0);
	CHECK_EQ_INT(a.stage, PERSIST_STAGE_INIT);
	CHECK_EQ_INT(a.outcome, PERSIST_END_RUNNING);
}

TEST(unhealthy_variant_never_golden_reboots_at_its_deadline)
{
	struct sample_boot b;
	const char *disk = b.disk;
	char records[4096];
	struct persist_attempt a;
	uint64_t id;
	vm *v;

	REQUIRE(sample_prepare(&b, "sample-os-unhealthy", "sample-os-unhealthy", "unhealthy",
			       "sample-os-unhealthy", "keel.golden_deadline=8"));
	id = b.id;
	b.cfg.fail_markers[1] = "KEEL-OS stage=golden";
	REQUIRE((v = vm_new(&b.cfg)) != NULL);
	REQUIRE(vm_boot(v) == 0);
	CHECK(vm_expect(v, "KEEL-OS stage=services", 90) == 0);
	CHECK(vm_expect(v, "KEEL-OS health=fail reason=", 30) == 0);
	CHECK(vm_expect(v, "KEEL-OS golden deadline of 8 s passed without golden; rebooting", 30) ==
	      0);
	CHECK(vm_expect(v, "KEEL-OS shutdown action=reboot reason=golden_deadline", 30) == 0);
	CHECK(vm_wait_exit(v, 30) == VM_EXIT_POWEROFF);
	vm_free(v);
	REQUIRE(read_attempt(disk, id, &a) == 0);
	CHECK_EQ_INT(a.stage, PERSIST_STAGE_SERVICES);
	CHECK_EQ_INT(a.outcome, PERSIST_END_RUNNING);
	CHECK(os_records(disk, id, records, sizeof(records)) > 0);
	CHECK(strstr(records, "health check failed: /etc/keel/health-check exited with status 1") !=
	      NULL);
	if (!CHECK(strstr(records, "shutdown: reboot (golden_deadline) at stage services, "
				   "watchdog left armed") != NULL))
		printf("  os records of boot %llu:\n%s", (unsigned long long)id, records);
}
