/* SPDX-License-Identifier: MIT */
/*
 * In-process crash handler for Keel's own daemons (Linux): on SIGSEGV,
 * SIGBUS, SIGABRT, SIGILL or SIGFPE it writes a durable crash record (cause
 * process: signal, pid, fault address, raw backtrace addresses with their
 * module offsets) to the persist store, then lets the signal kill the
 * process as it would have.
 *
 * The handler runs on its own stack (sigaltstack) and uses only
 * async-signal-safe calls (pread, pwrite, fdatasync, flock, clock_gettime,
 * nanosleep, write, signal, raise): the store's descriptor, the store
 * structure and every buffer are set up at install time, backtrace() is
 * called once then so its library is loaded, and the executable mappings
 * are read from /proc/self/maps then. If another writer holds the store's
 * lock for more than about two seconds the record is skipped (a line on
 * stderr says so).
 */
#ifndef KEEL_PERSIST_CRASHHANDLER_H
#define KEEL_PERSIST_CRASHHANDLER_H

#include <stdint.h>

/* Installs the handler for the store at store_path (checked now: it must
 * open). name is the program's name for the record, source its
 * enum persist_source, boot_id the running boot (0: unknown). Returns 0 or
 * a PERSIST_E* code; installing again replaces the earlier setup. */
int persist_crashhandler_install(const char *store_path, const char *name, int source,
				 uint64_t boot_id);
/* Restores the default actions and closes the store. */
void persist_crashhandler_uninstall(void);

#endif
