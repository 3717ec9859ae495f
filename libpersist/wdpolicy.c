/* SPDX-License-Identifier: MIT */
/*
 * The watchdog policy file: parsing (untrusted text: fuzzed by
 * fuzz_policy.c), formatting and editing. No system calls here.
 */
#include "libpersist/persist.h"
#include "libpersist/watchdog.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_WORDS 4

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return PERSIST_E_INVAL;
}

void persist_wdt_policy_default(struct persist_wdt_policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->device, sizeof(p->device), "%s", PERSIST_WDT_DEVICE);
	p->timeout = 30;
}

unsigned persist_wdt_policy_interval(const struct persist_wdt_policy *p)
{
	unsigned i = p->interval ? p->interval : p->timeout / 3;

	return i ? i : 1;
}

/* Seconds: decimal, 0..max. */
static int parse_seconds(const char *text, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (!*text || strlen(text) > 7)
		return -1;
	for (const char *c = text; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return -1;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Paths and names: printable, no spaces (the file is split on spaces). */
static bool good_word(const char *w, size_t max)
{
	size_t n = strlen(w);

	if (!n || n >= max)
		return false;
	for (; *w; w++)
		if ((unsigned char)*w <= ' ' || *w == 0x7f)
			return false;
	return true;
}

static bool same_check(const struct persist_wdt_check *a, const struct persist_wdt_check *b)
{
	return a->kind == b->kind && strcmp(a->arg, b->arg) == 0 && a->max_age == b->max_age;
}

static int add_check(struct persist_wdt_policy *p, const struct persist_wdt_check *c, char *err,
		     size_t errlen)
{
	for (unsigned i = 0; i < p->n_checks; i++)
		if (same_check(&p->checks[i], c))
			return 0;
	if (p->n_checks >= PERSIST_WDT_MAX_CHECKS)
		return fail(err, errlen, "more than %u checks", PERSIST_WDT_MAX_CHECKS);
	p->checks[p->n_checks++] = *c;
	return 0;
}

int persist_wdt_policy_set(struct persist_wdt_policy *p, int argc, const char *const *argv,
			   char *err, size_t errlen)
{
	struct persist_wdt_check c;
	const char *key;
	unsigned v;

	if (argc < 1)
		return fail(err, errlen, "no setting given");
	key = argv[0];
	memset(&c, 0, sizeof(c));
	if (!strcmp(key, "timeout") || !strcmp(key, "pretimeout") || !strcmp(key, "interval")) {
		bool t = !strcmp(key, "timeout");

		if (argc != 2 || parse_seconds(argv[1], PERSIST_WDT_TIMEOUT_MAX, &v) || (t && !v))
			return fail(err, errlen, "%s wants one number of seconds (%s..%u)", key,
				    t ? "1" : "0", PERSIST_WDT_TIMEOUT_MAX);
		*(t ? &p->timeout : !strcmp(key, "pretimeout") ? &p->pretimeout : &p->interval) = v;
		return 0;
	}
	if (!strcmp(key, "device")) {
		if (argc != 2 || argv[1][0] != '/' || !good_word(argv[1], sizeof(p->device)))
			return fail(err, errlen, "device wants one absolute path without spaces");
		/* no stale bytes after the NUL: equal policies compare equal */
		memset(p->device, 0, sizeof(p->device));
		snprintf(p->device, sizeof(p->device), "%s", argv[1]);
		return 0;
	}
	if (!strcmp(key, "pidfile") || !strcmp(key, "fresh")) {
		bool fresh = key[0] == 'f';

		if (argc != (fresh ? 3 : 2) || argv[1][0] != '/' || !good_word(argv[1], sizeof(c.arg)))
			return fail(err, errlen, fresh ? "fresh wants an absolute PATH and SECONDS"
						       : "pidfile wants one absolute path");
		if (fresh && (parse_seconds(argv[2], 86400, &c.max_age) || !c.max_age))
			return fail(err, errlen, "fresh wants a number of seconds from 1 to 86400, "
						 "not '%s'", argv[2]);
		c.kind = fresh ? PERSIST_WDT_CHECK_FRESH : PERSIST_WDT_CHECK_PIDFILE;
		snprintf(c.arg, sizeof(c.arg), "%s", argv[1]);
		return add_check(p, &c, err, errlen);
	}
	if (!strcmp(key, "process")) {
		/* the kernel keeps 15 bytes of a process name (comm) */
		if (argc != 2 || !good_word(argv[1], 16) || strchr(argv[1], '/'))
			return fail(err, errlen, "process wants one name of at most 15 characters "
						 "without '/' (as in /proc/PID/comm)");
		c.kind = PERSIST_WDT_CHECK_PROCESS;
		snprintf(c.arg, sizeof(c.arg), "%s", argv[1]);
		return add_check(p, &c, err, errlen);
	}
	return fail(err, errlen, "unknown setting '%.40s' (device, timeout, pretimeout, interval, "
				 "pidfile, process, fresh)", key);
}

int persist_wdt_policy_unset(struct persist_wdt_policy *p, const char *key, const char *arg)
{
	struct persist_wdt_policy d;
	unsigned kept = 0, before = p->n_checks;
	int kind;

	persist_wdt_policy_default(&d);
	if (!strcmp(key, "timeout"))
		p->timeout = d.timeout;
	else if (!strcmp(key, "pretimeout"))
		p->pretimeout = 0;
	else if (!strcmp(key, "interval"))
		p->interval = 0;
	else if (!strcmp(key, "device"))
		memcpy(p->device, d.device, sizeof(p->device));
	else {
		if (!strcmp(key, "pidfile"))
			kind = PERSIST_WDT_CHECK_PIDFILE;
		else if (!strcmp(key, "process"))
			kind = PERSIST_WDT_CHECK_PROCESS;
		else if (!strcmp(key, "fresh"))
			kind = PERSIST_WDT_CHECK_FRESH;
		else
			return PERSIST_E_NOTFOUND;
		for (unsigned i = 0; i < p->n_checks; i++)
			if (p->checks[i].kind != kind || (arg && strcmp(p->checks[i].arg, arg) != 0))
				p->checks[kept++] = p->checks[i];
		p->n_checks = kept;
		return kept == before ? PERSIST_E_NOTFOUND : 0;
	}
	return 0;
}

int persist_wdt_policy_validate(const struct persist_wdt_policy *p, char *err, size_t errlen)
{
	if (!p->timeout || p->timeout > PERSIST_WDT_TIMEOUT_MAX)
		return fail(err, errlen, "timeout must be 1..%u seconds", PERSIST_WDT_TIMEOUT_MAX);
	if (p->pretimeout && p->pretimeout >= p->timeout)
		return fail(err, errlen, "pretimeout (%u s) must be below the timeout (%u s)",
			    p->pretimeout, p->timeout);
	if (p->interval && p->interval >= p->timeout)
		return fail(err, errlen, "interval (%u s) must be below the timeout (%u s), or "
					 "the watchdog fires between kicks",
			    p->interval, p->timeout);
	return 0;
}

/* Splits one line into words (in place). Returns the count, -1 if too many. */
static int split(char *line, const char **words)
{
	int n = 0;

	for (char *c = line;;) {
		while (*c == ' ' || *c == '\t')
			*c++ = '\0';
		if (!*c)
			return n;
		if (n == MAX_WORDS)
			return -1;
		words[n++] = c;
		while (*c && *c != ' ' && *c != '\t')
			c++;
	}
}

int persist_wdt_policy_parse(const char *text, size_t len, struct persist_wdt_policy *p,
			     char *err, size_t errlen)
{
	struct persist_wdt_policy out;
	char line[600], why[200];
	unsigned lineno = 0;
	size_t i = 0;

	persist_wdt_policy_default(&out);
	while (i < len) {
		const char *words[MAX_WORDS];
		size_t n = 0;
		int nw;

		lineno++;
		while (i < len && text[i] != '\n') {
			if (n + 1 >= sizeof(line))
				return fail(err, errlen, "line %u: longer than %zu bytes", lineno,
					    sizeof(line) - 2);
			if (text[i] == '\0' || text[i] == '\r')
				return fail(err, errlen, "line %u: a NUL or CR byte", lineno);
			line[n++] = text[i++];
		}
		i++; /* the newline */
		line[n] = '\0';
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		if ((nw = split(line, words)) < 0)
			return fail(err, errlen, "line %u: too many words", lineno);
		if (nw && persist_wdt_policy_set(&out, nw, words, why, sizeof(why)))
			return fail(err, errlen, "line %u: %s", lineno, why);
	}
	if (persist_wdt_policy_validate(&out, why, sizeof(why)))
		return fail(err, errlen, "%s", why);
	*p = out;
	return 0;
}

void persist_wdt_check_describe(const struct persist_wdt_check *c, char *out, size_t outlen)
{
	switch (c->kind) {
	case PERSIST_WDT_CHECK_PIDFILE:
		snprintf(out, outlen, "the process in pid file %s is alive", c->arg);
		break;
	case PERSIST_WDT_CHECK_PROCESS:
		snprintf(out, outlen, "a process named '%s' is alive", c->arg);
		break;
	case PERSIST_WDT_CHECK_FRESH:
		snprintf(out, outlen, "%s was modified in the last %u s", c->arg, c->max_age);
		break;
	default:
		snprintf(out, outlen, "unknown check");
	}
}

int persist_wdt_policy_format(const struct persist_wdt_policy *p, char *out, size_t outlen)
{
	size_t used = 0;
	int n;

#define PUT(...)                                                                        \
	do {                                                                            \
		n = snprintf(out + (used < outlen ? used : 0), used < outlen ? outlen - used : 0, \
			     __VA_ARGS__);                                              \
		if (n < 0)                                                              \
			return PERSIST_E_INVAL;                                         \
		used += (size_t)n;                                                      \
	} while (0)
	if (outlen)
		out[0] = '\0';
	PUT("# Keel watchdog policy (see docs/watchdog.md)\n");
	PUT("device %s\ntimeout %u\n", p->device, p->timeout);
	if (p->pretimeout)
		PUT("pretimeout %u\n", p->pretimeout);
	if (p->interval)
		PUT("interval %u\n", p->interval);
	for (unsigned i = 0; i < p->n_checks && i < PERSIST_WDT_MAX_CHECKS; i++) {
		const struct persist_wdt_check *c = &p->checks[i];

		if (c->kind == PERSIST_WDT_CHECK_FRESH)
			PUT("fresh %s %u\n", c->arg, c->max_age);
		else
			PUT("%s %s\n", c->kind == PERSIST_WDT_CHECK_PIDFILE ? "pidfile" : "process",
			    c->arg);
	}
#undef PUT
	return used > (size_t)0x7fffffff ? PERSIST_E_RANGE : (int)used;
}
