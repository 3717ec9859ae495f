/* SPDX-License-Identifier: MIT */
#include "tests/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#define MAX_TESTS 1024

static struct {
	const char *name;
	unit_fn fn;
} tests[MAX_TESTS];
static size_t n_tests;
static unsigned current_failures;
static bool current_skipped;

void unit_register(const char *name, unit_fn fn)
{
	if (n_tests == MAX_TESTS) {
		fprintf(stderr, "unit: more than %d tests in one binary\n", MAX_TESTS);
		exit(2);
	}
	tests[n_tests].name = name;
	tests[n_tests].fn = fn;
	n_tests++;
}

bool unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	current_failures++;
	return false;
}

void unit_skip(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  skipped: ");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	current_skipped = true;
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0, skipped = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < n_tests; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		current_failures = 0;
		current_skipped = false;
		tests[i].fn();
		if (current_failures) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else if (current_skipped) {
			printf("skip %s\n", tests[i].name);
			skipped++;
		} else {
			printf("ok   %s\n", tests[i].name);
			passed++;
		}
	}
	if (skipped)
		printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	else
		printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

void unit_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len)
		unit_fail(__FILE__, __LINE__, "cannot write %s", path);
	if (f && fclose(f) != 0)
		unit_fail(__FILE__, __LINE__, "cannot write %s", path);
}

void unit_write_text(const char *path, const char *text)
{
	unit_write_file(path, text, strlen(text));
}

int unit_run(char *out, size_t size, const char *fmt, ...)
{
	char inner[2048], cmd[2100];
	va_list ap;
	size_t n;
	FILE *p;
	int status;

	va_start(ap, fmt);
	vsnprintf(inner, sizeof(inner), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "{ %s; } </dev/null 2>&1", inner);
	if (!(p = popen(cmd, "r")))
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	while (fgetc(p) != EOF)
		; /* the rest does not fit: let the command finish anyway */
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
