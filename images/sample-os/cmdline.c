/* SPDX-License-Identifier: MIT */
/*
 * Kernel command line → struct os_config. Pure string handling, so it is
 * unit-tested on the host (cmdline_test.c).
 *
 * Words are separated by blanks; a value may be double-quoted the way the
 * kernel allows ("keel.boot_id=\"a b\"" is one word). Unknown words are the
 * kernel's or other programs' business and are skipped.
 */
#include "images/sample-os/os.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const variant_names[] = {
	[OS_VARIANT_GOOD] = "good",
	[OS_VARIANT_PANIC] = "panic",
	[OS_VARIANT_HANG] = "hang",
	[OS_VARIANT_CRASH] = "crash",
	[OS_VARIANT_UNHEALTHY] = "unhealthy",
};

int os_variant_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(variant_names) / sizeof(variant_names[0]); i++)
		if (strcmp(name, variant_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *os_variant_name(enum os_variant v)
{
	if ((size_t)v < sizeof(variant_names) / sizeof(variant_names[0]))
		return variant_names[v];
	return "unknown";
}

void os_config_defaults(struct os_config *c)
{
	memset(c, 0, sizeof(*c));
	c->watchdog_sec = OS_DEFAULT_WATCHDOG_SEC;
	c->golden_deadline_sec = OS_DEFAULT_GOLDEN_DEADLINE_SEC;
}

/*
 * Copies the next word of *p into word (at most n-1 bytes, quotes removed)
 * and advances *p. Returns false at the end of the line. A word longer than
 * the buffer is cut, which makes its value wrong but never overflows.
 */
static bool next_word(const char **p, char *word, size_t n)
{
	const char *s = *p;
	size_t len = 0;
	bool quoted = false;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s)
		return false;
	for (; *s && (quoted || !isspace((unsigned char)*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (len + 1 < n)
			word[len++] = *s;
	}
	word[len] = '\0';
	*p = s;
	return true;
}

/* Parses a decimal number of seconds (0 … 86400). */
static int parse_seconds(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 86400)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "1") || !strcmp(s, "yes") || !strcmp(s, "y") || !strcmp(s, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "0") || !strcmp(s, "no") || !strcmp(s, "n") || !strcmp(s, "false")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

/* Copies a string value that must fit; an over-long one is an error rather
 * than a silently shortened boot id or device path. */
static int copy_value(char *dst, size_t n, const char *v)
{
	if (strlen(v) >= n)
		return -ENAMETOOLONG;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int set_variant(struct os_config *c, const char *v)
{
	int i = os_variant_from_name(v);

	if (i < 0)
		return -EINVAL;
	c->variant = (enum os_variant)i;
	c->variant_set = true;
	return 0;
}

/* Applies one key=value word. Returns 1 if it was ours, 0 if not, -errno
 * for a malformed value of ours. */
static int apply_word(struct os_config *c, const char *key, const char *v)
{
	if (!strcmp(key, "root"))
		return copy_value(c->root, sizeof(c->root), v) ?: 1;
	if (strncmp(key, "keel.", 5) != 0)
		return 0;
	key += 5;
	if (!strcmp(key, "boot_id"))
		return copy_value(c->boot_id, sizeof(c->boot_id), v) ?: 1;
	if (!strcmp(key, "persist"))
		return copy_value(c->persist, sizeof(c->persist), v) ?: 1;
	if (!strcmp(key, "modules"))
		return copy_value(c->modules, sizeof(c->modules), v) ?: 1;
	if (!strcmp(key, "variant"))
		return set_variant(c, v) ?: 1;
	if (!strcmp(key, "watchdog"))
		return parse_seconds(v, &c->watchdog_sec) ?: 1;
	if (!strcmp(key, "golden_deadline"))
		return parse_seconds(v, &c->golden_deadline_sec) ?: 1;
	if (!strcmp(key, "halt_after_golden"))
		return parse_bool(v, &c->halt_after_golden) ?: 1;
	if (!strcmp(key, "shell"))
		return parse_bool(v, &c->shell) ?: 1;
	return 0;
}

int os_config_parse(struct os_config *c, const char *cmdline)
{
	char word[512];
	int bad = 0;

	while (next_word(&cmdline, word, sizeof(word))) {
		char *eq = strchr(word, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (apply_word(c, word, eq + 1) < 0)
			bad++;
	}
	return bad;
}

/* Module names treat '-' and '_' alike (the kernel does the same). */
static bool same_module_name(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i];
		char y = b[i] == '-' ? '_' : b[i];

		if (x != y || !x)
			return false;
	}
	return true;
}

void os_cmdline_module_params(const char *cmdline, const char *name, char *out, size_t n)
{
	size_t name_len = strlen(name), used = 0;
	char word[512];

	if (n == 0)
		return;
	out[0] = '\0';
	while (next_word(&cmdline, word, sizeof(word))) {
		size_t len;

		if (strlen(word) <= name_len + 1 || word[name_len] != '.' ||
		    !same_module_name(word, name, name_len))
			continue;
		len = strlen(word + name_len + 1);
		/* A parameter that does not fit is dropped whole, never cut. */
		if (used + len + 2 > n)
			continue;
		if (used)
			out[used++] = ' ';
		memcpy(out + used, word + name_len + 1, len + 1);
		used += len;
	}
}
