/* SPDX-License-Identifier: MIT */
/*
 * qemu — the one QEMU + OVMF harness every Keel system test uses.
 *
 *   vm_config cfg = { .name = "boot", .disks = { { "build/images/keel.img", VM_BUS_NVME } } };
 *   vm *v = vm_new(&cfg);
 *   REQUIRE(v && vm_boot(v) == 0);
 *   CHECK(vm_expect(v, "KEEL-BOOTMGR version=", 60) == 0);
 *   CHECK(vm_wait_exit(v, 30) == VM_EXIT_POWEROFF);
 *   vm_free(v);
 *
 * - A fresh copy of OVMF_VARS is made by vm_new() and kept for every boot of
 *   that vm, so a test can span reboots, power-offs and watchdog resets.
 * - KVM is used only if a probe shows it works here; otherwise TCG.
 * - The serial console is captured to build/tests/logs/<name>.serial.log
 *   (raw bytes, every boot appended with a "=== boot N ===" separator).
 * - vm_expect() matches a substring against the console text with terminal
 *   escape sequences and carriage returns removed, line by line.
 * - On any failure the harness prints the tail of the serial log and the
 *   QEMU command line needed to repeat the boot by hand.
 */
#ifndef KEEL_TESTS_QEMU_H
#define KEEL_TESTS_QEMU_H

#include <stdbool.h>
#include <stddef.h>

typedef enum vm_bus {
	VM_BUS_NVME,
	VM_BUS_VIRTIO,
	VM_BUS_SATA,
	VM_BUS_USB, /* USB mass storage behind an xHCI controller */
} vm_bus;

typedef struct vm_disk {
	const char *path;   /* raw image file */
	vm_bus bus;
	bool snapshot;      /* discard writes (QEMU snapshot=on) */
} vm_disk;

#define VM_MAX_DISKS 6
#define VM_MAX_FAIL_MARKERS 8

typedef struct vm_config {
	const char *name;              /* names the log files; [a-z0-9-] */
	vm_disk disks[VM_MAX_DISKS];   /* attached in order; path == NULL ends */
	bool watchdog;                 /* i6300esb, reset on expiry */
	/* A reset (watchdog, reboot) restarts the machine in the same QEMU
	 * process, as on real hardware, instead of ending the boot; devices
	 * keep what survives a reset (the i6300esb's "I reset it" flag). */
	bool reboot;
	unsigned memory_mib;           /* default 512 */
	/* The guest's clock counts executed instructions, 1 ns each (QEMU
	 * -icount shift=0): time inside the guest then measures work, whatever
	 * the host is doing. Software emulation (tcg) only. */
	bool count_instructions;
	const char *kernel;            /* optional direct kernel boot */
	const char *initrd;
	const char *append;
	/* Lines containing one of these end vm_expect() at once with failure.
	 * NULL-terminated; "KEEL-FAIL" is always included. */
	const char *fail_markers[VM_MAX_FAIL_MARKERS];
} vm_config;

typedef struct vm vm;

/* How a boot ended, as seen from outside QEMU. */
typedef enum vm_exit {
	VM_EXIT_ERROR = -1,     /* could not wait, or QEMU failed to start */
	VM_EXIT_TIMEOUT = -2,   /* still running at the deadline (then killed) */
	VM_EXIT_POWEROFF = 0,   /* guest powered off, or reset with -no-reboot */
	VM_EXIT_QEMU_ERROR = 1, /* QEMU exited non-zero */
} vm_exit;

/* Prepares a vm (fresh VARS copy). Returns NULL and prints why on failure. */
vm *vm_new(const vm_config *cfg);
/* Frees a vm, killing QEMU if it still runs. vm_free(NULL) is harmless. */
void vm_free(vm *v);

/* Starts one boot (a new QEMU process on the same disks and VARS). Any
 * reset of the guest ends the process (-no-reboot) unless cfg.reboot is
 * set; boot again to go on. */
int vm_boot(vm *v);

/*
 * Waits until a console line contains `marker`. Returns 0 when found, -1 on
 * timeout, a fail marker, or QEMU exiting first (and prints a report).
 * Lines are consumed: the next call searches from the line after the match.
 */
int vm_expect(vm *v, const char *marker, unsigned timeout_s);
/* Like vm_expect, but matches any of the NULL-terminated markers and returns
 * the index of the one found, or -1. */
int vm_expect_any(vm *v, const char *const *markers, unsigned timeout_s);
/* The whole (cleaned) line of the last match. */
const char *vm_last_line(const vm *v);

/* Types characters into the serial console ("\r" for Enter, "\x1b[B" for
 * down-arrow). Returns 0 or -1. */
int vm_send(vm *v, const char *keys);

/*
 * Types keys every every_ms milliseconds (the first time at once) until a
 * console line contains marker, as a person taps a key while a machine
 * starts: a key typed once can arrive just after the program that looks
 * for it has looked. Returns as vm_expect(). Keys typed after the one that
 * took effect stay queued for the guest.
 */
int vm_tap_until(vm *v, const char *keys, unsigned every_ms, const char *marker,
		 unsigned timeout_s);

/* Waits for QEMU to exit; kills it at the deadline. */
vm_exit vm_wait_exit(vm *v, unsigned timeout_s);

/* Prints the tail of the serial log and the command line to repeat. */
void vm_report(const vm *v, const char *why);

/* "kvm" or "tcg": the accelerator the harness uses on this machine. */
const char *vm_accel(void);

#endif
