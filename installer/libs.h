/* SPDX-License-Identifier: MIT */
/*
 * The Linux tools' view of their libraries: one place that reports the
 * versions Keel was linked with, and one wrapper per library that turns its
 * error convention into negative errno plus a message for people.
 */
#ifndef KEEL_INSTALLER_LIBS_H
#define KEEL_INSTALLER_LIBS_H

#include <stddef.h>

/* Writes "libparted X, libblkid Y, libext2fs Z, zlib W" into buf. */
void keel_library_versions(char *buf, size_t size);

/*
 * libparted reports errors through a global exception handler that would
 * otherwise print and even ask questions on the terminal. keel_parted_init()
 * installs a handler that records the last message instead (and answers
 * "cancel" to every question, so libparted never changes anything on its own).
 * keel_parted_error() returns that message, or "" if none.
 */
void keel_parted_init(void);
const char *keel_parted_error(void);

#endif
