/* SPDX-License-Identifier: MIT */
/*
 * The crash handler for real: a forked child installs it on a temp store
 * and crashes (NULL write, abort); the parent sees the child die of that
 * signal and reads the crash record back.
 */
#include "libpersist/crashhandler.h"
#include "libpersist/persist_linux.h"
#include "tests/unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR "build/libpersist/crashhandler-test"

static const char *new_store(const char *name, uint64_t *boot_id)
{
	static char p[256];
	struct persist_store *s;

	mkdir(DIR, 0755);
	snprintf(p, sizeof(p), DIR "/%s", name);
	unlink(p);
	if (persist_linux_format(p, 1u << 20, NULL, &s) ||
	    persist_boot_begin_attempt(s, "keel-a", boot_id) ||
	    persist_boot_mark_stage(s, *boot_id, PERSIST_STAGE_SERVICES))
		unit_fail(__FILE__, __LINE__, "cannot set up %s", p);
	persist_linux_close(s);
	return p;
}

/* A real invalid access: a page mapped without any access rights. */
__attribute__((noinline)) static void crash_here(int how)
{
	volatile int *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (how == SIGSEGV && page != MAP_FAILED)
		*page = 1;
	abort();
}

/* Runs a child that installs the handler and crashes; returns its signal. */
static int crash_child(const char *store, uint64_t boot_id, int how)
{
	struct rlimit no_core = { 0, 0 };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		if (persist_crashhandler_install(store, "crashtest", PERSIST_SRC_OS, boot_id))
			_exit(3);
		crash_here(how);
		_exit(4);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 100 + WEXITSTATUS(status);
}

/* The newest crash record of the store, decoded; its texts copied out. */
static int read_crash(const char *store, struct persist_crash *c, struct persist_record *rec,
		      char *details, size_t dlen, char *data, size_t len)
{
	static uint8_t buf[PERSIST_RECORD_MAX];
	static struct persist_log_iter it;
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	struct persist_store *s;
	struct persist_record r;
	int found = 0;

	if (persist_linux_open(store, 0, &s))
		return -1;
	persist_log_iter_init(&it, s, 0, &f);
	while (persist_log_next(&it, &r, buf, sizeof(buf)) == 1) {
		if (persist_crash_decode(&r, c))
			continue;
		*rec = r;
		snprintf(details, dlen, "%.*s", (int)c->details_len, c->details);
		snprintf(data, len, "%.*s", (int)c->data_len, (const char *)c->data);
		found = 1;
	}
	persist_linux_close(s);
	return found ? 0 : -1;
}

static int count_cb(void *ctx, const struct persist_record *rec)
{
	(void)rec;
	++*(int *)ctx;
	return 0;
}

TEST(segfault_leaves_a_crash_record_and_still_kills)
{
	uint64_t boot = 0;
	const char *store = new_store("segv.store", &boot);
	struct persist_crash c;
	struct persist_record rec;
	char details[600], data[8192];

	CHECK_EQ_INT(crash_child(store, boot, SIGSEGV), SIGSEGV);
	REQUIRE(read_crash(store, &c, &rec, details, sizeof(details), data, sizeof(data)) == 0);
	CHECK_EQ_INT(c.cause, PERSIST_CAUSE_PROCESS);
	CHECK_EQ_INT(c.crashed_boot_id, boot);
	CHECK_EQ_INT(c.stage, PERSIST_STAGE_SERVICES);
	CHECK_EQ_INT(rec.boot_id, boot);
	CHECK_EQ_INT(rec.source, PERSIST_SRC_OS);
	CHECK(strstr(details, "process crashtest (pid ") != NULL);
	CHECK(strstr(details, "SIGSEGV") && strstr(details, "at address 0x"));
	CHECK(strstr(data, "signal 11") && strstr(data, "pc 0x"));
	CHECK(strstr(data, "backtrace (raw addresses") && strstr(data, "#0 0x"));
	CHECK(strstr(data, "crashhandler_test+0x") != NULL); /* module offsets */
}

TEST(abort_is_recorded_too)
{
	uint64_t boot = 0;
	const char *store = new_store("abort.store", &boot);
	struct persist_crash c;
	struct persist_record rec;
	char details[600], data[8192];

	CHECK_EQ_INT(crash_child(store, boot, SIGABRT), SIGABRT);
	REQUIRE(read_crash(store, &c, &rec, details, sizeof(details), data, sizeof(data)) == 0);
	CHECK(strstr(details, "SIGABRT") != NULL);
	CHECK(strstr(details, "at address") == NULL);
}

TEST(a_crash_while_the_store_is_locked_skips_the_record)
{
	uint64_t boot = 0;
	const char *store = new_store("locked.store", &boot);
	struct persist_filter f = { .type = PERSIST_REC_CRASH };
	struct persist_store *s, *r;
	uint8_t *buf = malloc(PERSIST_RECORD_MAX);
	int n = 0;

	REQUIRE(buf && persist_linux_open(store, PERSIST_OPEN_WRITE, &s) == 0);
	CHECK_EQ_INT(crash_child(store, boot, SIGSEGV), SIGSEGV); /* gives up after ~2 s */
	persist_linux_close(s);
	REQUIRE(persist_linux_open(store, 0, &r) == 0);
	CHECK_EQ_INT(persist_log_last(r, 10, &f, count_cb, &n, buf, PERSIST_RECORD_MAX), 0);
	CHECK_EQ_INT(n, 0);
	persist_linux_close(r);
	free(buf);
}

TEST(install_refuses_a_store_that_does_not_open)
{
	CHECK_EQ_INT(persist_crashhandler_install(DIR "/missing.store", "x", PERSIST_SRC_OS, 0),
		     PERSIST_E_NOTFOUND);
	CHECK_EQ_INT(persist_crashhandler_install(DIR "/x", "x", 99, 0), PERSIST_E_INVAL);
}
