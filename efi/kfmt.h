/* SPDX-License-Identifier: MIT */
/*
 * kfmt — a small printf-compatible formatter for the firmware side.
 *
 * Portable C (only compiler-provided headers), so it is unit-tested on the
 * host. Supports the flags '-' and '0', a width and a precision (digits or
 * '*'), the length modifiers h, hh, l, ll, z, and the conversions
 * d i u x X c s p %.
 * Unknown conversions are copied through so mistakes stay visible.
 */
#ifndef KEEL_EFI_KFMT_H
#define KEEL_EFI_KFMT_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into buf (always NUL-terminated when size > 0). Returns the
 * length the full output would have, like vsnprintf(). */
int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
