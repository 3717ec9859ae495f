/* SPDX-License-Identifier: MIT */
/*
 * bench_run — `make bench`: how long Keel's bootmgr and systemd-boot take
 * from being started to starting their one entry, hidden menu, measured
 * inside the guest (see docs/benchmarks.md), beside the floor: a
 * chain-loader that only loads and starts the entry.
 *
 * Each run boots a fresh copy of a bench disk in a fresh VM (fresh OVMF
 * variables); the two boot managers alternate. stop.efi prints the figure;
 * this program collects the figures and prints one table. It exits
 * non-zero only if a run produced no figure: missing a goal is reported,
 * not treated as an error.
 *
 * KEEL_BENCH_RUNS sets the runs per boot manager (default 15; the host's load
 * moves single boots by a factor of two, so the median needs many).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootmgr/bench/bench.h"
#include "bootmgr/bench/stats.h"
#include "tests/qemu.h"

#define BENCH_DIR "build/bootmgr/bench"
#define RECOVERY "build/recovery/recovery"
#define DEFAULT_RUNS 15
#define MAX_RUNS 99
#define GOAL_MS 20.0
#define GOAL_SIZE_KIB 128.0
#define MARKER_TIMEOUT_S 180
/* Runs counting instructions: the figure moves far less between them than
 * time does (only the host disk's waits enter, as polling). */
#define WORK_RUNS 3

/* The phases in the phases_us= field of bootmgr's KEEL-BOOT status=starting
 * line, in order, then its elapsed_us= field (the entry loaded). */
static const char *const phase_what[] = {
	"start: Boot Loader Interface variables",
	"inventory: every disk's partitions",
	"store: the persist partition opened",
	"loader.conf and discovery on every file system",
	"choice, attempt made durable (one flush)",
	"the entry loaded (LoadImage), variables set",
};
#define N_PHASES (sizeof(phase_what) / sizeof(phase_what[0]))

struct contender {
	const char *key;        /* names the VM, its logs and its run disk */
	const char *name;       /* for people */
	const char *image;      /* the bench disk, copied afresh for every run */
	const char *efi;        /* the boot manager's binary, for its size */
	bool persist;           /* the disk has a persist partition to check */
	char version[64];
	double ms[MAX_RUNS];
	double with_load[MAX_RUNS]; /* ms plus the firmware loading its file */
	size_t n;
	double work[MAX_RUNS];  /* the same interval in millions of guest instructions */
	size_t n_work;
	bool failed;
	unsigned records;       /* runs after which bootmgr's record was on disk */
	uint64_t tsc_hz;
	bool phases;            /* prints phases_us=: collect them */
	double phase_ms[N_PHASES][MAX_RUNS]; /* cumulative, as printed */
	double outside[MAX_RUNS];  /* the figure minus the last phase's time */
	size_t n_phases;        /* runs with every phase marker */
};

/* Runs a shell command; returns its exit status and, if out is given, its
 * standard output (truncated to size - 1). */
static int run_cmd(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	char sink[4096];
	size_t n = 0, got;
	int status;

	if (!p)
		return -1;
	for (;;) {
		char *dst = sink;
		size_t room = sizeof(sink);

		if (out && n + 1 < size) {
			dst = out + n;
			room = size - 1 - n;
		}
		got = fread(dst, 1, room, p);
		if (!got)
			break;
		if (dst != sink)
			n += got;
	}
	if (out && size)
		out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Copies the word after `needle` in a binary file (up to a space or '#'),
 * e.g. the version after "LoaderInfo: systemd-boot ". */
static int find_in_file(const char *path, const char *needle, char *out, size_t size)
{
	FILE *f = fopen(path, "rb");
	static char buf[4 << 20];
	size_t n, len = strlen(needle);
	int ret = -1;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (size_t i = 0; i + len < n; i++) {
		size_t j = 0;
		if (memcmp(buf + i, needle, len) != 0)
			continue;
		for (i += len; i < n && j + 1 < size && buf[i] > ' ' && buf[i] < 0x7f &&
			       buf[i] != '#';
		     i++)
			out[j++] = buf[i];
		out[j] = '\0';
		ret = j ? 0 : -1;
		break;
	}
	return ret;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* After a Keel run: did bootmgr's record reach the persist partition? */
static bool record_on_disk(const char *disk)
{
	static char out[65536];
	char cmd[512];

	snprintf(cmd, sizeof(cmd), RECOVERY " log show --source bootmgr --json --store %s 2>&1",
		 disk);
	return run_cmd(cmd, out, sizeof(out)) == 0 && strstr(out, "\"source\":\"bootmgr\"");
}

/* Reads bootmgr's phase times (cumulative microseconds) of this run from
 * "elapsed_us=E phases_us=P1,P2,…" on its KEEL-BOOT status=starting line;
 * a run missing one ("-": not reached) adds no breakdown but keeps its
 * figure. */
static bool collect_phases(struct contender *c, vm *v)
{
	const char *at, *line;
	char *end;

	if (vm_expect(v, "KEEL-BOOT status=starting ", MARKER_TIMEOUT_S) != 0)
		return false;
	line = vm_last_line(v);
	if (!(at = strstr(line, " phases_us=")))
		return false;
	at += strlen(" phases_us=");
	for (size_t i = 0; i + 1 < N_PHASES; i++, at = end + 1) {
		c->phase_ms[i][c->n_phases] = strtod(at, &end) / 1000.0;
		if (end == at || *end != (i + 2 < N_PHASES ? ',' : ' '))
			return false;
	}
	if (!(at = strstr(line, " elapsed_us=")))
		return false;
	c->phase_ms[N_PHASES - 1][c->n_phases] = strtod(at + strlen(" elapsed_us="), NULL) / 1000.0;
	return true;
}

/* The median cost of each phase (differences of the cumulative times). */
static void print_phases(const struct contender *c)
{
	double cost[MAX_RUNS];
	bench_summary sum;

	if (!c->n_phases)
		return;
	printf("\n  Where %s's time goes (over %zu runs; ms):\n    median     min     max\n",
	       c->name, c->n_phases);
	for (size_t i = 0; i < N_PHASES; i++) {
		for (size_t r = 0; r < c->n_phases; r++)
			cost[r] = c->phase_ms[i][r] - (i ? c->phase_ms[i - 1][r] : 0);
		bench_summarise(cost, c->n_phases, &sum);
		printf("    %6.2f  %6.2f  %6.2f  %s\n", sum.median, sum.min, sum.max, phase_what[i]);
	}
	bench_summarise(c->outside, c->n_phases, &sum);
	printf("    %6.2f  %6.2f  %6.2f  outside the phases: the firmware starting bootmgr, StartImage "
	       "of the entry\n", sum.median, sum.min, sum.max);
}

/*
 * Where each run's disk copy lives: in memory (/dev/shm) where there is
 * room, so that what the host's own disk does stays out of the figures.
 * On a disk, the guest's first flush made the host write back the copy
 * made a moment before (only Keel flushes: it makes its attempt durable),
 * and reads waited for the host's disk whenever its page cache had let the
 * copy go: 0.1 to 30 ms a command, where from memory it is 0.05 to 0.2.
 */
static char run_dir[128] = BENCH_DIR;

/* Whether choose_run_dir() found room in memory. */
static bool run_in_memory(void)
{
	return strcmp(run_dir, BENCH_DIR) != 0;
}

/* The path of contender c's disk copy for a run. */
static void run_disk(const struct contender *c, char *out, size_t size)
{
	snprintf(out, size, "%s/run-%s.img", run_dir, c->key);
}

static void choose_run_dir(void)
{
	char dir[sizeof(run_dir)];

	snprintf(dir, sizeof(dir), "/dev/shm/keel-bench-%ld", (long)getpid());
	if (mkdir(dir, 0700) == 0)
		snprintf(run_dir, sizeof(run_dir), "%s", dir);
	else
		printf("  note: /dev/shm is not usable (%s); the disk copies live in %s, so the "
		       "host's disk adds to the figures\n", strerror(errno), run_dir);
}

/* One boot of one contender; adds a figure (a time, or with `work` a count
 * of instructions) or marks it failed. */
static void run_once(struct contender *c, unsigned index, unsigned runs, bool work)
{
	static const char *const markers[] = { KEEL_BENCH_MARKER, NULL };
	char disk[256], name[64], cmd[640];
	bench_sample s;
	bool phases;
	int found;
	vm *v;

	run_disk(c, disk, sizeof(disk));
	snprintf(name, sizeof(name), "bench-%s", c->key);
	snprintf(cmd, sizeof(cmd), "cp --sparse=always %s %s", c->image, disk);
	if (run_cmd(cmd, NULL, 0) != 0) {
		fprintf(stderr, "bench: cannot copy %s to %s; is the disk full?\n", c->image, disk);
		c->failed = true;
		return;
	}
	vm_config cfg = { .name = name, .disks = { { disk, VM_BUS_NVME, false } },
			  .count_instructions = work };
	v = vm_new(&cfg);
	if (!v || vm_boot(v) != 0) {
		fprintf(stderr, "bench: cannot start QEMU for %s\n", c->name);
		vm_free(v);
		c->failed = true;
		return;
	}
	phases = !work && c->phases && collect_phases(c, v);
	found = vm_expect_any(v, markers, MARKER_TIMEOUT_S);
	if (found != 0 || bench_parse_marker(vm_last_line(v), &s) != 0) {
		fprintf(stderr, "bench: %s run %u gave no figure (last line: \"%s\"); serial log "
				"in build/tests/logs/%s.serial.log\n",
			c->name, index, found == 0 ? vm_last_line(v) : "-", name);
		vm_free(v);
		c->failed = true;
		return;
	}
	if (vm_wait_exit(v, 30) != VM_EXIT_POWEROFF)
		fprintf(stderr, "bench: %s run %u: stop.efi did not power off cleanly (the "
				"figure stands)\n", c->name, index);
	vm_free(v);
	if (work) {
		/* With -icount shift=0 a guest microsecond is 1000 instructions. */
		c->work[c->n_work++] = s.ms;
		printf("  work %u/%u  %-40s %8.2f million instructions\n", index, runs, c->name,
		       s.ms);
		fflush(stdout);
		return;
	}
	if (phases) {
		c->outside[c->n_phases] = s.ms - c->phase_ms[N_PHASES - 1][c->n_phases];
		c->n_phases++;
	}
	c->with_load[c->n] = s.ms + s.load_ms;
	c->ms[c->n++] = s.ms;
	c->tsc_hz = s.tsc_hz;
	if (c->persist && record_on_disk(disk))
		c->records++;
	printf("  run %u/%u  %-40s %8.2f ms  (%.2f ms with loading its file)\n", index, runs,
	       c->name, s.ms, s.ms + s.load_ms);
	fflush(stdout);
}

/* The instruction counts: what each one makes the machine do, apart from
 * what emulation adds (translating code on its first run, waiting for the
 * host's disk, the serial port) and apart from the host's speed. */
static void print_work(const struct contender *keel, const struct contender *sd,
		       const struct contender *floor)
{
	const struct contender *all[] = { keel, sd, floor };
	bench_summary w;

	if (!keel->n_work)
		return;
	printf("\n  The same interval in guest instructions (QEMU -icount shift=0: the guest's\n"
	       "  clock counts instructions, so the host's speed does not enter, only its disk's\n"
	       "  waits, as polling; median of %zu):\n",
	       keel->n_work);
	for (size_t i = 0; i < 3; i++)
		if (bench_summarise(all[i]->work, all[i]->n_work, &w) == 0)
			printf("  %-40s %8.2f million\n", all[i]->name, w.median);
}

static double kib(long bytes)
{
	return (double)bytes / 1024.0;
}

static void print_row(const struct contender *c)
{
	bench_summary sum, load;
	long size = file_size(c->efi);

	if (bench_summarise(c->ms, c->n, &sum) == 0 &&
	    bench_summarise(c->with_load, c->n, &load) == 0)
		printf("  %-40s %8.2f  %8.2f  %8.2f  %9.2f  %7ld B = %6.1f KiB\n", c->name,
		       sum.median, sum.min, sum.max, load.median, size, kib(size));
	else
		printf("  %-40s %8s  %8s  %8s  %9s  %7ld B = %6.1f KiB\n", c->name, "-", "-", "-",
		       "-", size, kib(size));
}

static void print_table(struct contender *keel, struct contender *sd, struct contender *floor,
			unsigned runs)
{
	bench_summary k = { 0 }, s = { 0 }, f = { 0 };
	bool have_k = bench_summarise(keel->ms, keel->n, &k) == 0;
	bool have_s = bench_summarise(sd->ms, sd->n, &s) == 0;
	bool have_f = bench_summarise(floor->ms, floor->n, &f) == 0;
	long size = file_size(keel->efi);

	printf("\nBoot manager started -> its one entry started; hidden menu (timeout 0).\n"
	       "Measured inside the guest with the TSC; QEMU %s, OVMF, NVMe disk;\n"
	       "%u runs each, alternating, fresh disk copy (%s) and fresh NVRAM every run.\n"
	       "\"+ load\": the median with the firmware loading the boot manager's file.\n\n",
	       vm_accel(), runs, run_in_memory() ? "in memory" : "on disk");
	printf("  %-40s %8s  %8s  %8s  %9s  %s\n", "times in ms", "median", "min", "max",
	       "+ load", "binary size");
	print_row(keel);
	print_row(sd);
	print_row(floor);
	if (keel->tsc_hz)
		printf("  guest TSC %.1f MHz, calibrated in the guest against the firmware's "
		       "Stall()\n", (double)keel->tsc_hz / 1e6);
	if (have_k)
		print_phases(keel);
	print_work(keel, sd, floor);
	printf("\n  reference on this kind of machine under TCG (issue 5): systemd-boot 252 "
	       "~118 ms (141 KB),\n  GRUB 2.06 ~73 ms (643 KB), rEFInd 0.13 ~75 ms (316 KB)\n\n");
	if (have_k && have_s)
		printf("  systemd-boot / Keel median: %.2fx\n", s.median / k.median);
	if (have_k && have_f) {
		printf("  floor (LoadImage + StartImage of the entry, nothing else): %.2f ms\n",
		       f.median);
		printf("  time added to the floor: Keel %.2f ms", k.median - f.median);
		if (have_s)
			printf(", systemd-boot %.2f ms", s.median - f.median);
		printf("\n");
	}
	if (have_k) {
		bench_split sp;

		bench_split_at(keel->ms, keel->n, GOAL_MS, &sp);
		printf("  time goal <= %.0f ms:    %s (Keel median %.2f ms)\n", GOAL_MS,
		       k.median <= GOAL_MS ? "goal met" : "goal missed", k.median);
		printf("    single boots: %zu of %zu within it", sp.within, keel->n);
		if (sp.over == 1)
			printf(", 1 over it (%.2f ms)", sp.over_min);
		else if (sp.over)
			printf(", %zu over it (%.2f-%.2f ms)", sp.over, sp.over_min, sp.over_max);
		printf("\n");
	}
	printf("  size goal <= %.0f KiB:  %s (bootmgr.efi %.1f KiB)\n", GOAL_SIZE_KIB,
	       size >= 0 && kib(size) <= GOAL_SIZE_KIB ? "goal met" : "goal missed", kib(size));
	printf("  Keel's measured path includes the durable attempt record: its disk has a "
	       "formatted\n  persist partition, and bootmgr's record was read back from the "
	       "disk after %u of %zu runs.\n", keel->records, keel->n);
}

int main(void)
{
	struct contender keel = { .key = "keel", .image = BENCH_DIR "/keel.img",
				  .efi = "build/bootmgr/bootmgr.efi", .persist = true, .phases = true };
	struct contender sd = { .key = "sdboot", .image = BENCH_DIR "/sdboot.img",
				.efi = "build/debs/systemd-boot-efi/usr/lib/systemd/boot/efi/"
				       "systemd-bootx64.efi" };
	struct contender floor = { .key = "floor", .name = "floor: minimal chain-loader",
				   .image = BENCH_DIR "/floor.img", .efi = BENCH_DIR "/floor.efi" };
	char keel_name[64], sd_name[64];
	const char *env = getenv("KEEL_BENCH_RUNS");
	unsigned runs = env && *env ? (unsigned)strtoul(env, NULL, 10) : DEFAULT_RUNS;

	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "bench: KEEL_BENCH_RUNS must be 1..%d (got \"%s\")\n", MAX_RUNS,
			env);
		return 2;
	}
	if (find_in_file(sd.efi, "LoaderInfo: systemd-boot ", sd.version, sizeof(sd.version)))
		snprintf(sd.version, sizeof(sd.version), "(version unknown)");
	snprintf(keel_name, sizeof(keel_name), "Keel bootmgr %s", KEEL_VERSION);
	snprintf(sd_name, sizeof(sd_name), "systemd-boot %s", sd.version);
	struct contender *all[] = { &keel, &sd, &floor };
	int failed = 0;

	keel.name = keel_name;
	sd.name = sd_name;

	printf("Keel boot manager benchmark (%u runs each, QEMU %s)\n", runs, vm_accel());
	choose_run_dir();
	if (runs < DEFAULT_RUNS)
		printf("  note: fewer than %d runs; the medians are rough\n", DEFAULT_RUNS);
	for (unsigned i = 1; i <= runs && !(keel.failed && sd.failed && floor.failed); i++)
		for (size_t c = 0; c < 3; c++)
			if (!all[c]->failed)
				run_once(all[c], i, runs, false);
	/* Counting instructions needs software emulation. */
	for (unsigned i = 1; i <= WORK_RUNS && strcmp(vm_accel(), "tcg") == 0; i++)
		for (size_t c = 0; c < 3; c++)
			if (!all[c]->failed)
				run_once(all[c], i, WORK_RUNS, true);
	print_table(&keel, &sd, &floor, runs);
	if (run_in_memory()) {
		for (size_t c = 0; c < 3; c++) {
			char disk[sizeof(run_dir) + 32];

			run_disk(all[c], disk, sizeof(disk));
			unlink(disk);
		}
		rmdir(run_dir);
	}
	for (size_t c = 0; c < 3; c++)
		if (all[c]->failed) {
			fprintf(stderr, "bench: %s produced no figure in some run (see above); the "
					"table holds only the runs that did. Fix the boot and rerun "
					"`make bench`.\n", all[c]->name);
			failed = 1;
		}
	return failed;
}
