/* SPDX-License-Identifier: MIT */
/*
 * The recovery command line end to end: it runs build/recovery/recovery on
 * store files and disk images under build/recovery/cli-test/ and checks
 * output, exit codes (0 ok, 1 failure, 2 usage) and that failures leave the
 * store's bytes exactly as they were. Boot attempts are begun through
 * libpersist directly, the way bootmgr would.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recovery/cli.h"
#include "tests/unit.h"

#define DIR "build/recovery/cli-test"
#define RECOVERY "build/recovery/recovery"

static char out[1 << 16];

#define run(...) unit_run(out, sizeof(out), __VA_ARGS__)

/* A fresh path under DIR (any old file of that name removed). */
static const char *fresh(const char *name)
{
	static char path[8][256];
	static unsigned next;
	char *p = path[next++ % 8];

	mkdir("build/recovery", 0755);
	mkdir(DIR, 0755);
	snprintf(p, 256, DIR "/%s", name);
	unlink(p);
	return p;
}

static const char *new_store(const char *name)
{
	const char *p = fresh(name);

	if (run(RECOVERY " store format --store %s --size 1M", p) != 0)
		unit_fail(__FILE__, __LINE__, "store format failed: %s", out);
	return p;
}

/* The whole file, for "nothing was changed" checks (caller frees). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	*len = buf ? fread(buf, 1, (size_t)n, f) : 0;
	fclose(f);
	return buf;
}

/* Begins a boot attempt on the store at path, as bootmgr does. */
static uint64_t begin_attempt(const char *path, const char *entry)
{
	struct persist_store *s;
	uint64_t id = 0;

	if (persist_linux_open(path, PERSIST_OPEN_WRITE, &s))
		return 0;
	if (persist_boot_begin_attempt(s, entry, &id))
		id = 0;
	persist_linux_close(s);
	return id;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A command ("log show"), its arguments, and what its output must contain
 * (NULL: what every case of the list must say). */
struct expect {
	const char *command, *args, *says;
};

/* Runs `recovery COMMAND --store PATH ARGS` for each case (the store first:
 * log append takes no options after the message) and checks the exit code
 * and the output; a failure names the command line. */
static void expect_each(const char *path, int code, const char *all_say,
			const struct expect *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct expect *c = &cases[i];
		const char *says = c->says ? c->says : all_say;
		int got = run(RECOVERY " %s --store %s %s", c->command, path, c->args);

		if (got != code)
			unit_fail(__FILE__, __LINE__, "recovery %s %s: exit %d, not %d: %s",
				  c->command, c->args, got, code, out);
		else if (!strstr(out, says))
			unit_fail(__FILE__, __LINE__, "recovery %s %s: no \"%s\" in: %s", c->command,
				  c->args, says, out);
	}
}

#define EXPECT_EACH(path, code, all_say, cases) \
	expect_each(path, code, all_say, cases, sizeof(cases) / sizeof(cases[0]))

TEST(bad_usage_exits_2_and_says_how)
{
	static const struct expect usage[] = {
		{ "log show", "--bogus", "usage: recovery log show" },
		{ "log show", "-n zero", "-n wants a positive number" },
		{ "log show", "--level loud", "unknown level 'loud'" },
		{ "log show", "--source nobody", "unknown source 'nobody'" },
		{ "log show", "--boot 0", "--boot wants a boot id" },
		{ "log export", "--format xml", "unknown format 'xml'" },
		{ "log append", "", "give the message to append" },
		{ "log level", "shouty", "unknown level 'shouty'" },
		{ "log level", "--yes", "--yes does not apply to `recovery log level`" },
		{ "mark", "", "give exactly one stage" },
		{ "mark", "loader", "unknown stage 'loader'" },
		{ "mark", "golden --boot-id x", "--boot-id wants a boot id" },
		{ "store check", "--force", "--force only applies to `store format`" },
		{ "store check", "--size 1M", "--size only applies to `store format`" },
		{ "boot list", "--clear", "--clear does not apply to `recovery boot list`" },
		{ "status", "extra", "unexpected argument 'extra'" },
	};
	const char *s = new_store("usage.store");

	CHECK_EQ_INT(run(RECOVERY " log"), 2);
	CHECK(strstr(out, "log show") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log frobnicate"), 2);
	CHECK(strstr(out, "unknown command 'log frobnicate'") != NULL);
	EXPECT_EACH(s, 2, "usage: recovery ", usage);
	CHECK_EQ_INT(run(RECOVERY " store format"), 2);
	CHECK_EQ_INT(run(RECOVERY " log show --help"), 0);
	CHECK(strstr(out, "newest first") != NULL);
}

TEST(missing_store_fails_and_creates_nothing)
{
	static const struct expect fails[] = {
		{ "log show", "", NULL },
		{ "log append", "hello", NULL },
		{ "mark", "golden --boot-id 1", NULL },
	};
	const char *p = fresh("missing.store");

	EXPECT_EACH(p, 1, "does not exist; nothing was changed", fails);
	CHECK(strstr(out, "recovery store format --store") != NULL);
	CHECK(access(p, F_OK) != 0);
}

TEST(corrupt_store_fails_and_keeps_every_byte)
{
	static const struct expect fails[] = {
		{ "log show", "", NULL },
		{ "log append", "hello", NULL },
		{ "log clear", "--yes", NULL },
		{ "log level", "debug", NULL },
		{ "mark", "kernel --boot-id 1", NULL },
		{ "status", "", NULL },
		{ "store repair", "", NULL },
	};
	const char *p = fresh("garbage.store");
	static char junk[1 << 20];
	size_t len;
	char *after;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + (i >> 9));
	unit_write_file(p, junk, sizeof(junk));
	EXPECT_EACH(p, 1, "holds no Keel store", fails);
	CHECK(strstr(out, "nothing was changed") != NULL);
	after = slurp(p, &len);
	REQUIRE(after != NULL);
	CHECK_EQ_INT(len, sizeof(junk));
	CHECK(memcmp(after, junk, sizeof(junk)) == 0);
	free(after);
}

TEST(log_show_is_newest_first_and_filters)
{
	const char *s = new_store("show.store");

	CHECK_EQ_INT(run(RECOVERY " log append --store %s --level info --source bootmgr "
			 "first record", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log append --store %s --level err --source os second", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log append --store %s --boot-id 7 third one", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 3);
	CHECK(strstr(out, "third one") < strstr(out, "second") &&
	      strstr(out, "second") < strstr(out, "first record"));
	CHECK(strstr(out, "boot 7") && strstr(out, "notice") && strstr(out, "bootmgr"));
	CHECK_EQ_INT(run(RECOVERY " log show -n 1 --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 1);
	CHECK(strstr(out, "third one") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log show --level err --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 1);
	CHECK(strstr(out, "second") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log show --source bootmgr --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 1);
	CHECK_EQ_INT(run(RECOVERY " log show --source bootmgr --source os --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 3);
	CHECK_EQ_INT(run(RECOVERY " log show --boot 7 --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 1);
}

TEST(log_show_json_and_export_use_the_library_formats)
{
	const char *s = new_store("json.store");

	CHECK_EQ_INT(run(RECOVERY " log append --store %s --source recovery 'say \"hi\"'", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log append --store %s second", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log show --json --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 2);
	CHECK(out[0] == '{' && strstr(out, "\"message\":\"second\"") < strstr(out, "say"));
	CHECK(strstr(out, "say \\\"hi\\\"") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log export --format json --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 2);
	CHECK(strstr(out, "say") < strstr(out, "\"message\":\"second\""));
	CHECK_EQ_INT(run(RECOVERY " log export --format journal --store %s", s), 0);
	CHECK(strstr(out, "MESSAGE=second") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log export --store %s", s), 0);
	CHECK(strstr(out, "second") != NULL);
}

TEST(log_level_and_clear)
{
	const char *s = new_store("level.store");

	CHECK_EQ_INT(run(RECOVERY " log level --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log level warning --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log level --store %s", s), 0);
	CHECK_EQ_INT(strcmp(out, "warning\n"), 0);
	CHECK_EQ_INT(run(RECOVERY " log append --store %s --level info dropped", s), 0);
	CHECK(strstr(out, "not kept") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log append --store %s --level crit kept", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", s), 0);
	CHECK(strstr(out, "kept") && !strstr(out, "dropped"));

	/* no terminal and no --yes: refuse, keep the records */
	CHECK_EQ_INT(run(RECOVERY " log clear --store %s", s), 1);
	CHECK(strstr(out, "--yes") && strstr(out, "nothing was changed"));
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 1);
	CHECK_EQ_INT(run(RECOVERY " log clear --yes --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", s), 0);
	CHECK_EQ_INT(count_lines(out), 0);
}

TEST(marks_stages_and_status_shows_the_story)
{
	const char *s = new_store("mark.store");
	uint64_t b1 = begin_attempt(s, "keel-6.1"), b2, b3;

	REQUIRE(b1 != 0);
	CHECK_EQ_INT(run(RECOVERY " mark kernel --boot-id %llu --store %s",
			 (unsigned long long)b1, s), 0);
	/* without --boot-id: the running attempt in the store */
	CHECK_EQ_INT(run(RECOVERY " mark services --store %s", s), 0);
	CHECK(strstr(out, "keel-6.1") && strstr(out, "services"));
	/* keel.boot_id= on the kernel command line wins over the store's guess */
	CHECK_EQ_INT(run("KEEL_CMDLINE='ro keel.boot_id=999' " RECOVERY " mark init --store %s", s),
		     1);
	CHECK(strstr(out, "boot 999 is not among the attempts") != NULL);
	CHECK_EQ_INT(run(RECOVERY " mark golden --store %s", s), 0);
	CHECK(strstr(out, "last-known-good") != NULL);
	CHECK_EQ_INT(run(RECOVERY " status --store %s", s), 0);
	CHECK(strstr(out, "last-known-good: keel-6.1") != NULL);
	CHECK(strstr(out, "good") && strstr(out, "golden"));

	/* boot 2 never reaches golden: boot 3 counts it as failed */
	b2 = begin_attempt(s, "keel-6.2");
	b3 = begin_attempt(s, "keel-6.2");
	REQUIRE(b2 && b3);
	CHECK_EQ_INT(run(RECOVERY " mark init --boot-id %llu --store %s",
			 (unsigned long long)b2, s), 1);
	CHECK(strstr(out, "already ended") && strstr(out, "nothing was changed"));
	CHECK_EQ_INT(run(RECOVERY " mark init --boot-id 999 --store %s", s), 1);
	CHECK(strstr(out, "not among the attempts") != NULL);
	CHECK_EQ_INT(run(RECOVERY " status --store %s", s), 0);
	CHECK(strstr(out, "keel-6.2") && strstr(out, "failed"));
	CHECK(strstr(out, "crash records") && strstr(out, "[crash:"));
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", s), 0);
	CHECK(strstr(out, "[crash:") != NULL);
}

/* The boot manager's choices: default, one-shot, reset, tries. */
TEST(boot_commands_set_default_oneshot_and_reset)
{
	const char *s = new_store("boot.store");
	uint64_t b1 = begin_attempt(s, "keel-6.1");

	REQUIRE(b1 != 0);
	for (int i = 0; i < 3; i++)
		REQUIRE(begin_attempt(s, "keel-6.2") != 0);
	REQUIRE(begin_attempt(s, "keel-6.1") != 0); /* counts the third failure */
	CHECK_EQ_INT(run(RECOVERY " boot list --store %s", s), 0);
	CHECK(strstr(out, "default: (the newest entry)") != NULL);
	CHECK(strstr(out, "keel-6.2") && strstr(out, "BAD"));
	CHECK_EQ_INT(run(RECOVERY " boot default keel-6.1 --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " boot oneshot keel-6.2 --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " boot list --store %s", s), 0);
	CHECK(strstr(out, "default: keel-6.1") && strstr(out, "one-shot: keel-6.2"));
	CHECK_EQ_INT(run(RECOVERY " boot oneshot --clear --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " boot reset keel-6.2 --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " boot list --store %s", s), 0);
	CHECK(strstr(out, "one-shot: (none)") != NULL);
	CHECK(strstr(out, "BAD") == NULL);
	CHECK_EQ_INT(run(RECOVERY " boot reset never-booted --store %s", s), 1);
	CHECK(strstr(out, "never been booted") && strstr(out, "nothing was changed"));
	CHECK_EQ_INT(run(RECOVERY " boot default 'two words' --store %s", s), 1);
	CHECK(strstr(out, "'two words' is not an entry id") && strstr(out, "recovery boot list"));
	CHECK_EQ_INT(run(RECOVERY " boot tries 0 --store %s", s), 2);
	CHECK_EQ_INT(run(RECOVERY " boot tries 5 --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " boot list --store %s", s), 0);
	CHECK(strstr(out, "tries: 5") != NULL);
}

TEST(format_refuses_to_replace_a_store_without_force)
{
	const char *s = new_store("format.store");
	size_t len1, len2;
	char *before, *after;

	CHECK_EQ_INT(run(RECOVERY " log append --store %s precious", s), 0);
	before = slurp(s, &len1);
	CHECK_EQ_INT(run(RECOVERY " store format --yes --store %s", s), 1);
	CHECK(strstr(out, "already holds a valid Keel store") != NULL);
	CHECK_EQ_INT(run(RECOVERY " store format --force --store %s", s), 1);
	CHECK(strstr(out, "--yes") != NULL); /* no terminal to confirm on */
	after = slurp(s, &len2);
	REQUIRE(before && after);
	CHECK(len1 == len2 && memcmp(before, after, len1) == 0);
	CHECK_EQ_INT(run(RECOVERY " store format --size 2M --store %s", s), 2);
	CHECK_EQ_INT(run(RECOVERY " store format --force --yes --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", s), 0);
	CHECK(strstr(out, "precious") == NULL);
	free(before);
	free(after);
}

TEST(check_finds_damage_and_repair_fixes_it)
{
	const char *s = new_store("repair.store");
	static const char scribble[64] = "this is not a superblock";
	FILE *f;

	CHECK_EQ_INT(run(RECOVERY " store check --store %s", s), 0);
	CHECK(strstr(out, "clean") != NULL);
	f = fopen(s, "r+b");
	REQUIRE(f != NULL);
	fwrite(scribble, 1, sizeof(scribble), f); /* block 0: the first superblock */
	fclose(f);
	CHECK_EQ_INT(run(RECOVERY " store check --store %s", s), 1);
	CHECK(strstr(out, "superblocks:       1 of 2 damaged") != NULL);
	CHECK(strstr(out, "store repair") != NULL);
	CHECK_EQ_INT(run(RECOVERY " store repair --store %s", s), 0);
	CHECK_EQ_INT(run(RECOVERY " store check --store %s", s), 0);
}

/* A whole disk image: the store is found by its GPT partition type. */
TEST(finds_the_persist_partition_in_a_disk_image)
{
	const char *img = fresh("disk.img"), *plain = fresh("plain.img");
	size_t len1, len2;
	char *before, *after;

	REQUIRE(run("truncate -s 12M %s && printf 'label: gpt\\nsize=2MiB, type=%s\\n"
		    "size=4MiB, type=%s\\n' | sfdisk -q %s",
		    img, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", PERSIST_PART_TYPE_TEXT, img) == 0);
	CHECK_EQ_INT(run(RECOVERY " store format --yes --store %s", img), 0);
	CHECK(strstr(out, "(partition 2)") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log append --store %s in the image", img), 0);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", img), 0);
	CHECK(strstr(out, "in the image") != NULL);

	/* a partitioned disk without a persist partition is left alone */
	REQUIRE(run("truncate -s 4M %s && printf 'label: gpt\\nsize=2MiB, type=%s\\n' | "
		    "sfdisk -q %s",
		    plain, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", plain) == 0);
	before = slurp(plain, &len1);
	CHECK_EQ_INT(run(RECOVERY " store format --yes --force --store %s", plain), 1);
	CHECK(strstr(out, "without a Keel persist partition") != NULL);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", plain), 1);
	after = slurp(plain, &len2);
	REQUIRE(before && after);
	CHECK(len1 == len2 && memcmp(before, after, len1) == 0);
	free(before);
	free(after);
}

/* Without --store: the persist partition of "this system", found under
 * $KEEL_SYSROOT (a tree that mimics /proc, /sys and /dev). */
TEST(finds_the_store_of_this_system_without_store)
{
	const char *root = fresh("sysroot");

	REQUIRE(run("rm -rf %s && mkdir -p %s/proc %s/dev %s/sys/block/vda && "
		    "echo 'ro keel.boot_id=3' > %s/proc/cmdline && truncate -s 12M %s/dev/vda && "
		    "printf 'label: gpt\\nsize=2MiB, type=%s\\n' | sfdisk -q %s/dev/vda",
		    root, root, root, root, root, root, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
		    root) == 0);
	CHECK_EQ_INT(run("KEEL_SYSROOT=%s " RECOVERY " log show", root), 1);
	CHECK(strstr(out, "found no Keel persist partition") && strstr(out, "vda (no persist "
									  "partition)"));
	CHECK(strstr(out, "nothing was changed") != NULL);
	REQUIRE(run("printf 'size=4MiB, type=%s\\n' | sfdisk -q --append %s/dev/vda",
		    PERSIST_PART_TYPE_TEXT, root) == 0);
	CHECK_EQ_INT(run(RECOVERY " store format --yes --store %s/dev/vda", root), 0);
	CHECK_EQ_INT(run("KEEL_SYSROOT=%s " RECOVERY " log append found by itself", root), 0);
	CHECK_EQ_INT(run("KEEL_SYSROOT=%s " RECOVERY " log show", root), 0);
	CHECK(strstr(out, "found by itself") && strstr(out, "boot 3"));
}

/* The static build behaves the same and needs no shared library. */
TEST(static_build_runs_without_shared_libraries)
{
	const char *s = new_store("static.store");

	CHECK_EQ_INT(run("readelf -d build/recovery/recovery-static | grep -c NEEDED"), 1);
	CHECK_EQ_INT(run("build/recovery/recovery-static --version"), 0);
	CHECK(strstr(out, "libblkid") && strstr(out, "zlib"));
	CHECK_EQ_INT(run("build/recovery/recovery-static log append --store %s static", s), 0);
	CHECK_EQ_INT(run(RECOVERY " log show --store %s", s), 0);
	CHECK(strstr(out, "static") != NULL);
}

/* harvest: pstore files become one compressed panic record about the
 * crashed boot; log show and status print its data readably. */
TEST(harvest_records_pstore_and_watchdog_and_show_prints_them)
{
	const char *s = new_store("harvest.store"), *ps = fresh("pstore"), *wd = fresh("wd0");
	uint64_t b1 = begin_attempt(s, "keel-6.1"), b2 = begin_attempt(s, "keel-6.1");

	REQUIRE(b1 == 1 && b2 == 2);
	REQUIRE(run("rm -rf %s %s && mkdir -p %s %s && printf 'identity\\n' > %s/identity && "
		    "printf '32\\n' > %s/bootstatus && "
		    "{ echo 'Panic#1 Part1'; echo '<0>Kernel panic - not syncing: cli test'; "
		    "seq 1 40 | sed 's/^/<4>trace line /'; } > %s/dmesg-ramoops-0",
		    ps, wd, ps, wd, wd, wd, ps) == 0);
	CHECK_EQ_INT(run(RECOVERY " harvest --pstore %s --watchdog-sysfs %s --store %s", ps, wd, s),
		     0);
	CHECK(strstr(out, "previous boot: 1") && strstr(out, "panic record written"));
	CHECK(strstr(out, "the last reset was the watchdog: crash record written") != NULL);
	CHECK(access(DIR "/pstore/dmesg-ramoops-0", F_OK) != 0);
	CHECK_EQ_INT(run(RECOVERY " harvest --pstore %s --watchdog-sysfs %s --store %s", ps, wd, s),
		     0);
	CHECK(strstr(out, "already recorded") && strstr(out, "pstore: no files"));

	CHECK_EQ_INT(run(RECOVERY " log show --source kernel --store %s", s), 0);
	CHECK(strstr(out, "[crash: panic in boot 1 at stage loader") != NULL);
	CHECK(strstr(out, "    | ==== dmesg-ramoops-0 ====") && strstr(out, "more lines (--full"));
	CHECK_EQ_INT(count_lines(out), 1 + 5 + 1);
	CHECK_EQ_INT(run(RECOVERY " log show --full --source kernel --store %s", s), 0);
	CHECK(strstr(out, "<4>trace line 40") && !strstr(out, "more lines"));
	CHECK_EQ_INT(run(RECOVERY " status --store %s", s), 0);
	CHECK(strstr(out, "[crash: watchdog in boot 1") && strstr(out, "Kernel panic - not"));
	CHECK_EQ_INT(run(RECOVERY " harvest --no-pstore --no-watchdog --store %s", s), 2);
}

TEST(watchdog_policy_edits_a_file_and_device_errors_are_clear)
{
	const char *pol = fresh("watchdog.conf"), *s = new_store("wd.store");

	CHECK_EQ_INT(run(RECOVERY " watchdog policy show --policy %s", pol), 0);
	CHECK(strstr(out, "timeout 30") != NULL);
	CHECK_EQ_INT(run(RECOVERY " watchdog policy set timeout 20 --policy %s", pol), 0);
	CHECK_EQ_INT(run(RECOVERY " watchdog policy set process keel-init --policy %s", pol), 0);
	CHECK_EQ_INT(run(RECOVERY " watchdog policy set fresh /run/beat 15 --policy %s", pol), 0);
	CHECK_EQ_INT(run(RECOVERY " watchdog policy --policy %s", pol), 0);
	CHECK(strstr(out, "timeout 20\nprocess keel-init\nfresh /run/beat 15\n") != NULL);
	CHECK_EQ_INT(run(RECOVERY " watchdog policy set interval 25 --policy %s", pol), 1);
	CHECK(strstr(out, "below the timeout") && strstr(out, "was not changed"));
	CHECK_EQ_INT(run(RECOVERY " watchdog policy set colour blue --policy %s", pol), 2);
	CHECK_EQ_INT(run(RECOVERY " watchdog policy unset process --policy %s", pol), 0);
	CHECK(strstr(out, "keel-init") == NULL);
	CHECK_EQ_INT(run(RECOVERY " watchdog policy unset process --policy %s", pol), 1);
	CHECK_EQ_INT(run("echo 'timeout soon' > %s && " RECOVERY " watchdog run --policy %s "
			 "--store %s", pol, pol, s), 1);
	CHECK(strstr(out, "line 1: timeout wants") && strstr(out, "not usable"));

	unlink(pol);
	CHECK_EQ_INT(run(RECOVERY " watchdog status --device %s/none --policy %s --store %s", DIR,
			 pol, s), 1);
	CHECK(strstr(out, "does not exist: no watchdog driver is loaded") != NULL);
	CHECK_EQ_INT(run(RECOVERY " watchdog arm --timeout 10 --device %s --policy %s --store %s",
			 s, pol, s), 1);
	CHECK(strstr(out, "is not a watchdog device") != NULL);
	CHECK_EQ_INT(run(RECOVERY " watchdog run --device %s --policy %s --store %s", s, pol, s),
		     1);
	CHECK(strstr(out, "not a watchdog device") && strstr(out, "was not armed"));
	CHECK_EQ_INT(run(RECOVERY " log show --source watchdog --store %s", s), 0);
	CHECK(strstr(out, "is not a watchdog device") != NULL);
	CHECK_EQ_INT(run(RECOVERY " watchdog kick --timeout 5 --store %s", s), 2);
	CHECK(strstr(out, "--timeout does not apply") != NULL); /* the option, not its value */
	CHECK_EQ_INT(run(RECOVERY " watchdog frob"), 2);
	CHECK_EQ_INT(run(RECOVERY " watchdog run --help"), 0);
}
