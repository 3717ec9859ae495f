/* SPDX-License-Identifier: MIT */
#include "tests/qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 96
#define LINE_MAX_LEN 4096

struct vm {
	vm_config cfg;
	char vars[512];          /* this vm's private OVMF_VARS copy */
	char serial_log[512];
	char qemu_log[512];
	char *argv[MAX_ARGS];    /* QEMU command line of the current boot */
	int argc;
	pid_t pid;
	int to_guest;            /* write end of QEMU's stdin */
	int from_guest;          /* read end of QEMU's stdout (the serial port) */
	FILE *raw;               /* serial log */
	unsigned boots;
	bool eof;                /* QEMU closed the serial pipe */
	/* Console text being assembled, cleaned of escape sequences. */
	char cur[LINE_MAX_LEN];
	size_t cur_len;
	int esc;                 /* 0 none, 1 after ESC, 2 inside CSI */
	/* Complete lines not yet consumed by vm_expect(). */
	char **lines;
	size_t n_lines, head, cap_lines;
	char last[LINE_MAX_LEN];
	uint64_t last_rx_ms;     /* when the guest last wrote something */
};

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

static const char *ovmf_code(void)
{
	return env_or("KEEL_OVMF_CODE", "build/debs/ovmf/usr/share/OVMF/OVMF_CODE_4M.fd");
}

static const char *ovmf_vars(void)
{
	return env_or("KEEL_OVMF_VARS", "build/debs/ovmf/usr/share/OVMF/OVMF_VARS_4M.fd");
}

static const char *log_dir(void)
{
	return env_or("KEEL_TEST_LOGS", "build/tests/logs");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n = 0;

	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		n = -1;
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

static int mkdir_p(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	return mkdir(tmp, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* ---- accelerator probe ---------------------------------------------------- */

/*
 * KVM can exist and still fail at the first instruction on a nested host
 * ("KVM internal error"). So the probe boots OVMF under KVM with no disks for
 * a few seconds: KVM works if the firmware writes to the serial port and
 * QEMU reports no KVM error. The answer is cached in the log folder.
 */
static bool kvm_works(void)
{
	char vars[600], err_path[600], cmd[2048], out[64] = "";
	FILE *p;
	bool ok = false;

	if (access("/dev/kvm", R_OK | W_OK) != 0)
		return false;
	snprintf(vars, sizeof(vars), "%s/kvm-probe.vars", log_dir());
	snprintf(err_path, sizeof(err_path), "%s/kvm-probe.err", log_dir());
	if (copy_file(ovmf_vars(), vars) != 0)
		return false;
	snprintf(cmd, sizeof(cmd),
		 "timeout 8 qemu-system-x86_64 -machine q35,accel=kvm -m 256 -nodefaults "
		 "-display none -no-reboot -serial stdio "
		 "-drive if=pflash,format=raw,readonly=on,file='%s' "
		 "-drive if=pflash,format=raw,file='%s' </dev/null 2>'%s' | head -c 16",
		 ovmf_code(), vars, err_path);
	p = popen(cmd, "r");
	if (p) {
		ok = fread(out, 1, sizeof(out) - 1, p) > 0;
		pclose(p);
	}
	if (ok) {
		FILE *e = fopen(err_path, "r");
		char line[256];
		while (e && fgets(line, sizeof(line), e))
			if (strstr(line, "KVM") && strstr(line, "error"))
				ok = false;
		if (e)
			fclose(e);
	}
	unlink(vars);
	return ok;
}

const char *vm_accel(void)
{
	static char accel[8];
	char cache[600];
	FILE *f;

	if (accel[0])
		return accel;
	if (getenv("KEEL_ACCEL") && *getenv("KEEL_ACCEL")) {
		snprintf(accel, sizeof(accel), "%s", getenv("KEEL_ACCEL"));
		return accel;
	}
	mkdir_p(log_dir());
	snprintf(cache, sizeof(cache), "%s", env_or("KEEL_ACCEL_CACHE", "build/tests/accel"));
	f = fopen(cache, "r");
	if (f && fscanf(f, "%7s", accel) == 1 && (!strcmp(accel, "kvm") || !strcmp(accel, "tcg"))) {
		fclose(f);
		return accel;
	}
	if (f)
		fclose(f);
	snprintf(accel, sizeof(accel), "%s", kvm_works() ? "kvm" : "tcg");
	f = fopen(cache, "w");
	if (f) {
		fprintf(f, "%s\n", accel);
		fclose(f);
	}
	return accel;
}

/* ---- command line --------------------------------------------------------- */

static void arg(vm *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg(vm *v, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (v->argc >= MAX_ARGS - 1)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s)
		v->argv[v->argc++] = s;
}

static void free_args(vm *v)
{
	for (int i = 0; i < v->argc; i++)
		free(v->argv[i]);
	v->argc = 0;
}

static void add_disk(vm *v, size_t i, bool *have_xhci)
{
	const vm_disk *d = &v->cfg.disks[i];

	arg(v, "-drive");
	arg(v, "file=%s,format=raw,if=none,id=disk%zu%s", d->path, i,
	    d->snapshot ? ",snapshot=on" : "");
	arg(v, "-device");
	switch (d->bus) {
	case VM_BUS_NVME: arg(v, "nvme,serial=KEEL%04zu,drive=disk%zu", i, i); break;
	case VM_BUS_VIRTIO: arg(v, "virtio-blk-pci,drive=disk%zu", i); break;
	case VM_BUS_SATA: arg(v, "ide-hd,drive=disk%zu,bus=ide.%zu", i, i); break;
	case VM_BUS_USB:
		if (!*have_xhci) {
			arg(v, "qemu-xhci,id=xhci");
			arg(v, "-device");
			*have_xhci = true;
		}
		arg(v, "usb-storage,bus=xhci.0,drive=disk%zu,removable=on", i);
		break;
	}
}

static void build_args(vm *v)
{
	bool have_xhci = false;

	free_args(v);
	arg(v, "qemu-system-x86_64");
	arg(v, "-machine");
	arg(v, "q35,accel=%s", vm_accel());
	arg(v, "-m");
	arg(v, "%u", v->cfg.memory_mib ? v->cfg.memory_mib : 512);
	if (v->cfg.count_instructions) {
		arg(v, "-icount");
		arg(v, "shift=0,sleep=off");
	}
	/* No default NIC (no PXE attempts), no default CD-ROM, no VGA. */
	arg(v, "-nodefaults");
	arg(v, "-display");
	arg(v, "none");
	if (!v->cfg.reboot)
		arg(v, "-no-reboot");
	arg(v, "-chardev");
	arg(v, "stdio,id=console,signal=off");
	arg(v, "-serial");
	arg(v, "chardev:console");
	arg(v, "-drive");
	arg(v, "if=pflash,format=raw,unit=0,readonly=on,file=%s", ovmf_code());
	arg(v, "-drive");
	arg(v, "if=pflash,format=raw,unit=1,file=%s", v->vars);
	for (size_t i = 0; i < VM_MAX_DISKS && v->cfg.disks[i].path; i++)
		add_disk(v, i, &have_xhci);
	if (v->cfg.watchdog) {
		arg(v, "-device");
		arg(v, "i6300esb");
		arg(v, "-action");
		arg(v, "watchdog=reset");
	}
	if (v->cfg.kernel) {
		arg(v, "-kernel");
		arg(v, "%s", v->cfg.kernel);
		if (v->cfg.initrd) {
			arg(v, "-initrd");
			arg(v, "%s", v->cfg.initrd);
		}
		if (v->cfg.append) {
			arg(v, "-append");
			arg(v, "%s", v->cfg.append);
		}
	}
	v->argv[v->argc] = NULL;
}

/* ---- lifecycle ------------------------------------------------------------ */

vm *vm_new(const vm_config *cfg)
{
	vm *v = calloc(1, sizeof(*v));
	const char *name = cfg->name ? cfg->name : "vm";

	if (!v)
		return NULL;
	v->cfg = *cfg;
	v->pid = -1;
	v->to_guest = v->from_guest = -1;
	if (mkdir_p(log_dir()) != 0) {
		fprintf(stderr, "qemu: cannot create %s: %s\n", log_dir(), strerror(errno));
		free(v);
		return NULL;
	}
	snprintf(v->vars, sizeof(v->vars), "%s/%s.vars.fd", log_dir(), name);
	snprintf(v->serial_log, sizeof(v->serial_log), "%s/%s.serial.log", log_dir(), name);
	snprintf(v->qemu_log, sizeof(v->qemu_log), "%s/%s.qemu.log", log_dir(), name);
	if (copy_file(ovmf_vars(), v->vars) != 0) {
		fprintf(stderr, "qemu: cannot copy OVMF variables %s to %s: %s\n"
				"qemu: run `make deps` (fetches OVMF from Debian's ovmf package)\n",
			ovmf_vars(), v->vars, strerror(errno));
		free(v);
		return NULL;
	}
	unlink(v->serial_log);
	unlink(v->qemu_log);
	return v;
}

static void close_pipes(vm *v)
{
	if (v->to_guest >= 0)
		close(v->to_guest);
	if (v->from_guest >= 0)
		close(v->from_guest);
	v->to_guest = v->from_guest = -1;
	if (v->raw)
		fclose(v->raw);
	v->raw = NULL;
}

static void kill_qemu(vm *v)
{
	if (v->pid > 0) {
		kill(v->pid, SIGKILL);
		waitpid(v->pid, NULL, 0);
	}
	v->pid = -1;
}

void vm_free(vm *v)
{
	if (!v)
		return;
	kill_qemu(v);
	close_pipes(v);
	free_args(v);
	for (size_t i = v->head; i < v->n_lines; i++)
		free(v->lines[i]);
	free(v->lines);
	free(v);
}

static void child_exec(vm *v, int in[2], int out[2])
{
	int err = open(v->qemu_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	dup2(in[0], 0);
	dup2(out[1], 1);
	if (err >= 0)
		dup2(err, 2);
	execvp(v->argv[0], v->argv);
	fprintf(stderr, "qemu: cannot run %s: %s\n", v->argv[0], strerror(errno));
	_exit(127);
}

int vm_boot(vm *v)
{
	int in[2], out[2];

	kill_qemu(v);
	close_pipes(v);
	build_args(v);
	v->boots++;
	v->eof = false;
	v->cur_len = 0;
	v->esc = 0;
	v->raw = fopen(v->serial_log, "a");
	if (!v->raw || pipe2(in, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fprintf(v->raw, "\n=== boot %u (%s) ===\n", v->boots, vm_accel());
	fflush(v->raw);
	signal(SIGPIPE, SIG_IGN);
	v->pid = fork();
	if (v->pid == 0)
		child_exec(v, in, out);
	close(in[0]);
	close(out[1]);
	v->to_guest = in[1];
	v->from_guest = out[0];
	if (v->pid < 0) {
		close_pipes(v);
		return -1;
	}
	return 0;
}

/* ---- console text --------------------------------------------------------- */

static void push_line(vm *v, const char *s, size_t len)
{
	char *copy;

	if (v->n_lines == v->cap_lines) {
		size_t cap = v->cap_lines ? v->cap_lines * 2 : 256;
		char **grown = realloc(v->lines, cap * sizeof(*grown));
		if (!grown)
			return;
		v->lines = grown;
		v->cap_lines = cap;
	}
	copy = strndup(s, len);
	if (copy)
		v->lines[v->n_lines++] = copy;
}

/* Feeds console bytes through a small VT100 filter into lines. */
static void feed(vm *v, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (v->esc == 1) {
			v->esc = c == '[' ? 2 : 0;
			continue;
		}
		if (v->esc == 2) {
			if (c >= 0x40 && c <= 0x7e)
				v->esc = 0;
			continue;
		}
		if (c == 0x1b) {
			v->esc = 1;
		} else if (c == '\n') {
			push_line(v, v->cur, v->cur_len);
			v->cur_len = 0;
		} else if (c != '\r' && c != 0 && v->cur_len < LINE_MAX_LEN - 1) {
			v->cur[v->cur_len++] = (char)c;
		}
	}
	v->cur[v->cur_len] = '\0';
}

/* Reads what the guest wrote within timeout_ms. Returns -1 at EOF. */
static int pump(vm *v, int timeout_ms)
{
	struct pollfd p = { .fd = v->from_guest, .events = POLLIN };
	char buf[8192];
	ssize_t n;

	if (v->eof || v->from_guest < 0)
		return -1;
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	n = read(v->from_guest, buf, sizeof(buf));
	if (n <= 0) {
		v->eof = true;
		if (v->cur_len) { /* a last line without newline still counts */
			push_line(v, v->cur, v->cur_len);
			v->cur_len = 0;
		}
		return -1;
	}
	v->last_rx_ms = now_ms();
	fwrite(buf, 1, (size_t)n, v->raw);
	fflush(v->raw);
	feed(v, buf, (size_t)n);
	return 0;
}

static bool is_fail_line(const vm *v, const char *line)
{
	if (strstr(line, "KEEL-FAIL"))
		return true;
	for (size_t i = 0; i < VM_MAX_FAIL_MARKERS && v->cfg.fail_markers[i]; i++)
		if (strstr(line, v->cfg.fail_markers[i]))
			return true;
	return false;
}

static int match_any(const char *line, const char *const *markers)
{
	for (int i = 0; markers[i]; i++)
		if (strstr(line, markers[i]))
			return i;
	return -1;
}

/* Pops queued lines; returns a marker index, -2 for a fail line, -1 none. */
static int scan_lines(vm *v, const char *const *markers)
{
	while (v->head < v->n_lines) {
		char *line = v->lines[v->head++];
		int m = match_any(line, markers);
		bool fail = m < 0 && is_fail_line(v, line);

		if (m >= 0 || fail)
			snprintf(v->last, sizeof(v->last), "%s", line);
		free(line);
		if (m >= 0)
			return m;
		if (fail)
			return -2;
	}
	return -1;
}

/* Waits for any of markers; with tap set, also types tap->keys every
 * tap->every_ms meanwhile (the first time at once). */
struct tap {
	const char *keys;
	unsigned every_ms;
};

static int expect(vm *v, const char *const *markers, unsigned timeout_s, const struct tap *tap)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_s * 1000, next_tap = now_ms();
	char why[LINE_MAX_LEN + 128];

	for (;;) {
		int m = scan_lines(v, markers), wait_ms = 200;
		if (m >= 0)
			return m;
		if (m == -2) {
			snprintf(why, sizeof(why), "failure marker while waiting for \"%s\": %s",
				 markers[0], v->last);
			break;
		}
		/* A prompt without a newline matches on the partial line once the
		 * guest has been quiet for a moment (so a line still being written
		 * is not taken for a prompt). */
		m = now_ms() - v->last_rx_ms >= 300 ? match_any(v->cur, markers) : -1;
		if (m >= 0) {
			snprintf(v->last, sizeof(v->last), "%s", v->cur);
			v->cur_len = 0;
			v->cur[0] = '\0';
			return m;
		}
		if (now_ms() >= deadline) {
			snprintf(why, sizeof(why), "timed out after %u s waiting for \"%s\"",
				 timeout_s, markers[0]);
			break;
		}
		if (tap) {
			if (now_ms() >= next_tap) {
				if (vm_send(v, tap->keys) != 0) {
					snprintf(why, sizeof(why), "cannot type into the guest while "
						 "waiting for \"%s\"", markers[0]);
					break;
				}
				next_tap = now_ms() + tap->every_ms;
			}
			if (next_tap - now_ms() < (uint64_t)wait_ms)
				wait_ms = (int)(next_tap - now_ms());
		}
		if (pump(v, wait_ms) < 0 && v->head == v->n_lines) {
			snprintf(why, sizeof(why), "QEMU exited while waiting for \"%s\"",
				 markers[0]);
			break;
		}
	}
	vm_report(v, why);
	return -1;
}

int vm_expect_any(vm *v, const char *const *markers, unsigned timeout_s)
{
	return expect(v, markers, timeout_s, NULL);
}

int vm_tap_until(vm *v, const char *keys, unsigned every_ms, const char *marker,
		 unsigned timeout_s)
{
	const char *markers[2] = { marker, NULL };
	const struct tap tap = { keys, every_ms ? every_ms : 1 };

	return expect(v, markers, timeout_s, &tap) == 0 ? 0 : -1;
}

int vm_expect(vm *v, const char *marker, unsigned timeout_s)
{
	const char *markers[2] = { marker, NULL };

	return vm_expect_any(v, markers, timeout_s) == 0 ? 0 : -1;
}

const char *vm_last_line(const vm *v)
{
	return v->last;
}

int vm_send(vm *v, const char *keys)
{
	size_t len = strlen(keys);

	if (v->to_guest < 0)
		return -1;
	return write(v->to_guest, keys, len) == (ssize_t)len ? 0 : -1;
}

vm_exit vm_wait_exit(vm *v, unsigned timeout_s)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_s * 1000;
	int status;

	if (v->pid <= 0)
		return VM_EXIT_ERROR;
	for (;;) {
		pid_t r = waitpid(v->pid, &status, WNOHANG);
		if (r == v->pid)
			break;
		if (r < 0)
			return VM_EXIT_ERROR;
		if (now_ms() >= deadline) {
			vm_report(v, "QEMU still running at the deadline; killed");
			kill_qemu(v);
			return VM_EXIT_TIMEOUT;
		}
		if (pump(v, 100) < 0)
			usleep(20000);
	}
	v->pid = -1;
	while (pump(v, 0) == 0) /* drain what is left in the pipe */
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return VM_EXIT_POWEROFF;
	vm_report(v, "QEMU exited with an error");
	return VM_EXIT_QEMU_ERROR;
}

/* ---- reporting ------------------------------------------------------------ */

static void print_tail(const char *path, size_t max_bytes)
{
	FILE *f = fopen(path, "r");
	long size;
	int c;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size > (long)max_bytes ? size - (long)max_bytes : 0, SEEK_SET);
	while ((c = fgetc(f)) != EOF)
		if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f))
			fputc(c, stdout);
	fclose(f);
}

void vm_report(const vm *v, const char *why)
{
	printf("  qemu [%s, boot %u]: %s\n", v->cfg.name ? v->cfg.name : "vm", v->boots, why);
	printf("  --- last serial output (%s) ---\n", v->serial_log);
	print_tail(v->serial_log, 2000);
	printf("\n  --- QEMU messages (%s) ---\n", v->qemu_log);
	print_tail(v->qemu_log, 600);
	printf("\n  --- repeat by hand (serial on this terminal) ---\n  ");
	for (int i = 0; i < v->argc; i++)
		printf(strpbrk(v->argv[i], " ,'") ? "'%s' " : "%s ", v->argv[i]);
	printf("\n");
	fflush(stdout);
}
