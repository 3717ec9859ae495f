/* SPDX-License-Identifier: MIT */
/*
 * The deliberately broken variants, for bootmgr's fallback tests. Each one
 * fails right after the `init` stage, so the test can check that the crash
 * record names `init` as the last stage reached:
 *   panic      the kernel panics (sysrq 'c'); the panic text reaches pstore
 *   hang       the system stops; only the hardware watchdog ends the boot
 *   crash      PID 1 itself faults; the kernel panics because init died
 *   unhealthy  (nothing here) the health check fails, so never `golden`
 */
#include "images/sample-os/os.h"
#include "libpersist/persist.h"

#include <string.h>
#include <unistd.h>

static void __attribute__((noreturn)) hang_forever(pid_t watchdog)
{
	os_say("variant=hang: freezing the watchdog daemon and hanging; only the watchdog ends this boot");
	stage_log(PERSIST_LEVEL_WARNING, "variant hang: watchdog daemon frozen, init hangs");
	os_watchdog_freeze(watchdog);
	for (;;)
		pause();
}

static void crash_init(void)
{
	/* A real invalid access, not raise(): the kernel ignores signals sent
	 * to PID 1 unless they come from a fault like this one. */
	volatile int *volatile nowhere = NULL;

	os_say("variant=crash: PID 1 writes through a NULL pointer; the kernel panics");
	stage_log(PERSIST_LEVEL_WARNING, "variant crash: PID 1 faults on purpose");
	sync();
	*nowhere = 1;
}

static void panic_kernel(void)
{
	int err;

	os_say("variant=panic: crashing the kernel through /proc/sysrq-trigger");
	stage_log(PERSIST_LEVEL_WARNING, "variant panic: kernel panic through sysrq on purpose");
	sync();
	err = os_write_file("/proc/sysrq-trigger", "c");
	os_say("error: variant=panic: sysrq-trigger did not panic the kernel: %s",
	       err ? strerror(-err) : "write returned");
}

void os_variant_after_init(enum os_variant v, pid_t watchdog)
{
	switch (v) {
	case OS_VARIANT_PANIC:
		panic_kernel();
		break;
	case OS_VARIANT_HANG:
		hang_forever(watchdog);
	case OS_VARIANT_CRASH:
		crash_init();
		break;
	case OS_VARIANT_GOOD:
	case OS_VARIANT_UNHEALTHY:
		break;
	}
}
