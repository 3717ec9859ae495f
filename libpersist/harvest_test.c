/* SPDX-License-Identifier: MIT */
/*
 * Harvest at boot on temp files: a fake watchdog driver (ops table) or a
 * fake sysfs directory for the boot status, a temp directory for pstore.
 */
#include "libpersist/harvest.h"
#include "libpersist/persist_linux.h"
#include "tests/unit.h"

#include <errno.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "build/libpersist/harvest-test"

struct fake {
	uint32_t bootstatus;
	int opens;
	bool magic;
};

static int f_open(void *ctx, const char *path)
{
	(void)path;
	((struct fake *)ctx)->opens++;
	return 7;
}

static int f_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	(void)fd;
	if (req == WDIOC_GETBOOTSTATUS) {
		*(int *)arg = (int)((struct fake *)ctx)->bootstatus;
		return 0;
	}
	if (req == WDIOC_GETSUPPORT) {
		memset(arg, 0, sizeof(struct watchdog_info));
		return 0;
	}
	return -ENOTTY;
}

static int f_write(void *ctx, int fd, const void *buf, size_t len)
{
	(void)fd;
	if (len == 1 && *(const char *)buf == 'V')
		((struct fake *)ctx)->magic = true;
	return 0;
}

static void f_close(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
}

static struct fake drv;
static const struct persist_wdt_ops fake_ops = { &drv, f_open, f_ioctl, f_write, f_close };

/* A store where boot 1 reached init and never golden, and boot 2 runs. */
static struct persist_store *crashed_store(const char *name)
{
	char p[256];
	struct persist_store *s;
	uint64_t b1, b2;

	mkdir(DIR, 0755);
	snprintf(p, sizeof(p), DIR "/%s", name);
	unlink(p);
	if (persist_linux_format(p, 1u << 20, NULL, &s) ||
	    persist_boot_begin_attempt(s, "keel-a", &b1) ||
	    persist_boot_mark_stage(s, b1, PERSIST_STAGE_INIT) ||
	    persist_boot_begin_attempt(s, "keel-a", &b2) || b1 != 1 || b2 != 2) {
		unit_fail(__FILE__, __LINE__, "cannot set up %s", p);
		return NULL;
	}
	return s;
}

/* Crash records by cause; the last one of a cause in *out (buf holds it). */
static int count_crashes(struct persist_store *s, int cause, struct persist_crash *out,
			 struct persist_record *rec, uint8_t *buf)
{
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	static struct persist_log_iter it;
	static uint8_t tmp[PERSIST_RECORD_MAX];
	struct persist_record r;
	struct persist_crash c;
	int n = 0;

	persist_log_iter_init(&it, s, 0, &f);
	while (persist_log_next(&it, &r, tmp, sizeof(tmp)) == 1) {
		if (persist_crash_decode(&r, &c) || c.cause != cause)
			continue;
		n++;
		if (rec) {
			memcpy(buf, tmp, sizeof(tmp));
			*rec = r;
			rec->msg = (const char *)buf + (r.msg - (const char *)tmp);
			rec->payload = buf + (r.payload - tmp);
			persist_crash_decode(rec, out);
		}
	}
	return n;
}

TEST(watchdog_reset_becomes_a_record_about_the_crashed_boot)
{
	static uint8_t buf[PERSIST_RECORD_MAX];
	struct persist_store *s = crashed_store("wd.store");
	struct persist_harvest_opts o = { .pstore_dir = "", .watchdog = "/dev/watchdog",
					  .watchdog_sysfs = "", .wdt_ops = &fake_ops,
					  .boot_id = 2 };
	struct persist_harvest_result r;
	struct persist_record rec;
	struct persist_crash c;

	REQUIRE(s != NULL);
	memset(&drv, 0, sizeof(drv));
	drv.bootstatus = WDIOF_CARDRESET;
	/* the watchdog daemon of boot 1 said why it stopped kicking */
	persist_set_boot_id(s, 1);
	persist_log_append(s, PERSIST_LEVEL_CRIT, PERSIST_SRC_WATCHDOG, "health check failed: x",
			   NULL, 0);
	REQUIRE(persist_harvest(s, &o, &r) == 0);
	CHECK(r.watchdog_reset && r.watchdog_recorded);
	CHECK_EQ_INT(r.crashed_boot_id, 1);
	CHECK(drv.opens == 1 && drv.magic); /* asked, then magic close */
	CHECK_EQ_INT(count_crashes(s, PERSIST_CAUSE_UNKNOWN, &c, NULL, NULL), 1); /* bootmgr's */
	REQUIRE(count_crashes(s, PERSIST_CAUSE_WATCHDOG, &c, &rec, buf) == 1);
	CHECK_EQ_INT(c.crashed_boot_id, 1);
	CHECK_EQ_INT(c.stage, PERSIST_STAGE_INIT);
	CHECK_EQ_INT(rec.boot_id, 2);
	CHECK_EQ_INT(rec.source, PERSIST_SRC_WATCHDOG);
	CHECK(c.details_len > 0 && strstr(c.details, "boot 1 ('keel-a', highest stage init)"));
	CHECK(strstr(c.details, "its last word: health check failed: x") != NULL);

	/* a second harvest in the same boot adds nothing */
	REQUIRE(persist_harvest(s, &o, &r) == 0);
	CHECK(r.watchdog_reset && !r.watchdog_recorded && r.already == 1);
	CHECK_EQ_INT(count_crashes(s, PERSIST_CAUSE_WATCHDOG, &c, NULL, NULL), 1);

	/* no card reset: nothing */
	drv.bootstatus = 0;
	REQUIRE(persist_harvest(s, &o, &r) == 0);
	CHECK(!r.watchdog_reset);
	persist_linux_close(s);
}

TEST(watchdog_boot_status_from_sysfs_does_not_open_the_device)
{
	struct persist_store *s = crashed_store("sysfs.store");
	struct persist_harvest_opts o = { .pstore_dir = "", .watchdog_sysfs = DIR "/wd0",
					  .wdt_ops = &fake_ops }; /* boot id unknown */
	struct persist_harvest_result r;
	struct persist_crash c;

	REQUIRE(s != NULL);
	memset(&drv, 0, sizeof(drv));
	mkdir(DIR "/wd0", 0755);
	unit_write_text(DIR "/wd0/identity", "i6300ESB timer\n");
	unit_write_text(DIR "/wd0/bootstatus", "32\n");
	REQUIRE(persist_harvest(s, &o, &r) == 0);
	CHECK(r.watchdog_recorded && drv.opens == 0);
	CHECK_EQ_INT(r.crashed_boot_id, 1); /* boot 2 runs: the one before it */
	CHECK_EQ_INT(count_crashes(s, PERSIST_CAUSE_WATCHDOG, &c, NULL, NULL), 1);
	persist_linux_close(s);
}

TEST(pstore_files_are_compressed_into_a_panic_record_then_removed)
{
	static uint8_t buf[PERSIST_RECORD_MAX];
	struct persist_store *s = crashed_store("pstore.store");
	struct persist_harvest_opts o = { .pstore_dir = DIR "/pstore", .watchdog = "",
					  .boot_id = 2 };
	struct persist_harvest_result r;
	struct persist_record rec;
	struct persist_crash c;
	uint8_t *data;
	size_t len;

	REQUIRE(s != NULL);
	CHECK_EQ_INT(system("rm -rf " DIR "/pstore && mkdir -p " DIR "/pstore"), 0);
	unit_write_text(DIR "/pstore/dmesg-ramoops-0",
		   "Panic#1 Part1\n<0>[    2.5] Kernel panic - not syncing: keel test\n"
		   "<4>[    2.5] CPU: 0 PID: 1 Comm: init\n");
	unit_write_text(DIR "/pstore/console-ramoops-0", "KEEL-OS stage=init\n");
	REQUIRE(persist_harvest(s, &o, &r) == 0);
	CHECK(r.panic_recorded && r.pstore_files == 2 && r.removed == 2);
	CHECK(access(DIR "/pstore/dmesg-ramoops-0", F_OK) != 0);
	REQUIRE(count_crashes(s, PERSIST_CAUSE_PANIC, &c, &rec, buf) == 1);
	CHECK(c.flags & PERSIST_CRASH_ZLIB);
	CHECK_EQ_INT(c.crashed_boot_id, 1);
	CHECK_EQ_INT(c.stage, PERSIST_STAGE_INIT);
	CHECK_EQ_INT(rec.source, PERSIST_SRC_KERNEL);
	CHECK(strstr(c.details, "Kernel panic - not syncing: keel test") != NULL);
	CHECK(strstr(c.details, "files: console-ramoops-0, dmesg-ramoops-0") != NULL);
	REQUIRE(persist_crash_inflate(&c, &data, &len) == 0);
	CHECK(strstr((char *)data, "==== dmesg-ramoops-0 ====\nPanic#1 Part1") != NULL);
	CHECK(strstr((char *)data, "==== console-ramoops-0 ====\nKEEL-OS") != NULL);
	CHECK_EQ_INT(len, r.pstore_bytes);
	free(data);

	/* an empty directory: nothing more */
	REQUIRE(persist_harvest(s, &o, &r) == 0);
	CHECK(!r.panic_recorded && r.pstore_files == 0);
	persist_linux_close(s);
}

TEST(pstore_files_stay_when_the_record_cannot_be_written)
{
	struct persist_store *s = crashed_store("ro.store"), *ro;
	struct persist_harvest_opts o = { .pstore_dir = DIR "/pstore2", .watchdog = "" };
	struct persist_harvest_result r;

	REQUIRE(s != NULL);
	persist_linux_close(s);
	REQUIRE(persist_linux_open(DIR "/ro.store", 0, &ro) == 0);
	CHECK_EQ_INT(system("rm -rf " DIR "/pstore2 && mkdir -p " DIR "/pstore2"), 0);
	unit_write_text(DIR "/pstore2/dmesg-efi-1", "Oops#1 Part1\nBUG: unable to handle\n");
	CHECK(persist_harvest(ro, &o, &r) < 0);
	CHECK(!r.panic_recorded && r.removed == 0);
	CHECK(access(DIR "/pstore2/dmesg-efi-1", F_OK) == 0);
	CHECK(strstr(r.notes, "files kept") != NULL);
	persist_linux_close(ro);
}
