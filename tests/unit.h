/* SPDX-License-Identifier: MIT */
/*
 * unit — Keel's minimal test framework for host-side tests.
 *
 *   #include "tests/unit.h"
 *   TEST(adds_numbers) { CHECK(1 + 1 == 2); CHECK_EQ_INT(f(2), 4); }
 *
 * Link with tests/unit.c, which provides main(): it runs every TEST in the
 * binary (or only those named on the command line), prints "ok NAME" or
 * "FAIL NAME" with the failed checks, and ends with "N passed, N failed".
 * The exit status is 0 only if every test passed.
 */
#ifndef KEEL_TESTS_UNIT_H
#define KEEL_TESTS_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef void (*unit_fn)(void);

void unit_register(const char *name, unit_fn fn);
/* Records a failed check; returns false so it can be used in conditions. */
bool unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Marks the running test as skipped with a reason (counted apart). */
void unit_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command (printf-style) with stdin from /dev/null, its
 * stdout and stderr captured into out[size] (NUL-terminated, cut to fit).
 * Returns its exit status, or -1 if it could not run or was killed. */
int unit_run(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Writes len bytes to the file at path (created or truncated); a failure
 * fails the running test. */
void unit_write_file(const char *path, const void *data, size_t len);
/* The same for a NUL-terminated text. */
void unit_write_text(const char *path, const char *text);

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	__attribute__((constructor)) static void register_##name(void)    \
	{                                                                 \
		unit_register(#name, test_##name);                        \
	}                                                                 \
	static void test_##name(void)

#define CHECK(cond) \
	((cond) ? true : unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond))

#define CHECK_EQ_INT(a, b)                                                          \
	do {                                                                        \
		long long a_ = (long long)(a), b_ = (long long)(b);                 \
		if (a_ != b_)                                                       \
			unit_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, \
				  #b, a_, b_);                                      \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                           \
	do {                                                                         \
		const char *a_ = (a), *b_ = (b);                                     \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                               \
			unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"",  \
				  #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");   \
	} while (0)

/* Stops the current test when a precondition fails. */
#define REQUIRE(cond)                \
	do {                         \
		if (!CHECK(cond))    \
			return;      \
	} while (0)

#endif
