/* SPDX-License-Identifier: MIT */
/* The in-process crash handler; see crashhandler.h. */
#include "libpersist/crashhandler.h"
#include "libpersist/persist_linux.h"

#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define MAX_FRAMES 48
#define MAX_MAPS 64
#define ALT_STACK (128u << 10)

struct map {
	uintptr_t start, end, offset;
	char name[64];             /* file name without directories */
};

static const int signals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE };

/* Everything the handler touches, set up at install time. */
static struct {
	bool installed;
	struct persist_linux *l;
	struct persist_port port;
	struct persist_store store;
	char name[64];
	int source;
	uint64_t boot_id;
	unsigned n_maps;
	struct map maps[MAX_MAPS];
	void *frames[MAX_FRAMES];
	char details[512];
	char data[8192];
} ch;
static volatile sig_atomic_t in_handler;
static uint8_t alt_stack[ALT_STACK] __attribute__((aligned(16)));

/* ---- async-signal-safe text ---- */

struct abuf {
	char *p;
	size_t len, cap;
};

static void ab_str(struct abuf *b, const char *s)
{
	while (*s && b->len + 1 < b->cap)
		b->p[b->len++] = *s++;
	b->p[b->len] = '\0';
}

static void ab_hex(struct abuf *b, uintptr_t v)
{
	char t[2 + 2 * sizeof(v) + 1];
	int i = (int)sizeof(t) - 1;

	t[i] = '\0';
	do {
		t[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v && i > 2);
	t[--i] = 'x';
	t[--i] = '0';
	ab_str(b, t + i);
}

static void ab_dec(struct abuf *b, uint64_t v)
{
	char t[24];
	int i = (int)sizeof(t) - 1;

	t[i] = '\0';
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	ab_str(b, t + i);
}

static const char *signame(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV (invalid memory access)";
	case SIGBUS: return "SIGBUS (bus error)";
	case SIGABRT: return "SIGABRT (aborted)";
	case SIGILL: return "SIGILL (illegal instruction)";
	case SIGFPE: return "SIGFPE (arithmetic error)";
	default: return "signal";
	}
}

static void say(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));

	(void)r;
}

/* "0x7f12… libc.so.6+0x2a1ca": the module and offset addr2line wants. */
static void ab_frame(struct abuf *b, uintptr_t addr)
{
	ab_hex(b, addr);
	for (unsigned i = 0; i < ch.n_maps; i++) {
		if (addr >= ch.maps[i].start && addr < ch.maps[i].end) {
			ab_str(b, " ");
			ab_str(b, ch.maps[i].name);
			ab_str(b, "+");
			ab_hex(b, addr - ch.maps[i].start + ch.maps[i].offset);
			break;
		}
	}
	ab_str(b, "\n");
}

/* ---- the store, from the handler ---- */

/* Waits up to about two seconds for the lock; never blocks forever (the
 * crashing process may hold it through another descriptor). */
static int ch_lock(void *ctx)
{
	int fd = persist_linux_fd(ctx);
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)ctx;
	for (int i = 0; i < 100; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return PERSIST_E_IO;
		nanosleep(&ts, NULL);
	}
	return PERSIST_E_BUSY;
}

static void ch_unlock(void *ctx)
{
	flock(persist_linux_fd(ctx), LOCK_UN);
}

static int write_record(int sig, const siginfo_t *si, const ucontext_t *uc)
{
	struct abuf d = { ch.details, 0, sizeof(ch.details) };
	struct abuf t = { ch.data, 0, sizeof(ch.data) };
	const struct persist_attempt *a;
	struct persist_crash c;
	int n, r;

	ab_str(&d, "process ");
	ab_str(&d, ch.name);
	ab_str(&d, " (pid ");
	ab_dec(&d, (uint64_t)getpid());
	ab_str(&d, ") killed by ");
	ab_str(&d, signame(sig));
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
		ab_str(&d, " at address ");
		ab_hex(&d, (uintptr_t)si->si_addr);
	}
	ab_str(&t, "signal ");
	ab_dec(&t, (uint64_t)sig);
	ab_str(&t, ", code ");
	ab_dec(&t, (uint64_t)(unsigned)si->si_code);
	ab_str(&t, ", fault address ");
	ab_hex(&t, (uintptr_t)si->si_addr);
	ab_str(&t, "\n");
#if defined(__x86_64__)
	if (uc) {
		ab_str(&t, "pc ");
		ab_frame(&t, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);
	}
#else
	(void)uc;
#endif
	ab_str(&t, "backtrace (raw addresses, innermost first):\n");
	n = backtrace(ch.frames, MAX_FRAMES);
	for (int i = 0; i < n; i++) {
		ab_str(&t, "#");
		ab_dec(&t, (uint64_t)i);
		ab_str(&t, " ");
		ab_frame(&t, (uintptr_t)ch.frames[i]);
	}
	if ((r = persist_open(&ch.store, &ch.port, PERSIST_OPEN_WRITE)))
		return r;
	persist_set_boot_id(&ch.store, ch.boot_id);
	a = ch.boot_id ? persist_boot_find_attempt(&ch.store, ch.boot_id) : NULL;
	memset(&c, 0, sizeof(c));
	c.cause = PERSIST_CAUSE_PROCESS;
	c.stage = a ? a->stage : PERSIST_STAGE_NONE;
	c.crashed_boot_id = ch.boot_id;
	c.details = ch.details;
	c.details_len = d.len;
	c.data = (const uint8_t *)ch.data;
	c.data_len = t.len;
	c.raw_len = (uint32_t)t.len;
	r = persist_crash_append(&ch.store, ch.source, &c);
	if (persist_close(&ch.store) && !r)
		r = PERSIST_E_IO;
	return r;
}

static void handler(int sig, siginfo_t *si, void *ucv)
{
	int saved = errno;

	if (!in_handler) {
		in_handler = 1;
		if (write_record(sig, si, ucv) == 0) {
			say(ch.name);
			say(": crashed; a crash record is in the persist store\n");
		} else {
			say(ch.name);
			say(": crashed; the crash record could not be written\n");
		}
	}
	/* die of the same signal: blocked now, delivered when we return */
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

/* ---- install ---- */

static void read_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	ch.n_maps = 0;
	if (!f)
		return;
	while (ch.n_maps < MAX_MAPS && fgets(line, sizeof(line), f)) {
		unsigned long start, end, off;
		char perms[8], path[400] = "";
		const char *base;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %399s", &start, &end, perms, &off,
			   path) < 4 ||
		    perms[2] != 'x' || path[0] != '/')
			continue;
		base = strrchr(path, '/') + 1;
		ch.maps[ch.n_maps].start = start;
		ch.maps[ch.n_maps].end = end;
		ch.maps[ch.n_maps].offset = off;
		snprintf(ch.maps[ch.n_maps].name, sizeof(ch.maps[0].name), "%s", base);
		ch.n_maps++;
	}
	fclose(f);
}

int persist_crashhandler_install(const char *store_path, const char *name, int source,
				 uint64_t boot_id)
{
	struct persist_linux *l;
	struct persist_port port;
	struct sigaction sa;
	stack_t ss;
	int r;

	if (!store_path || !name || source < 0 || source >= PERSIST_SRC_COUNT)
		return PERSIST_E_INVAL;
	persist_crashhandler_uninstall();
	if ((r = persist_linux_port_open(store_path, PERSIST_OPEN_WRITE, &l, &port)))
		return r;
	port.lock = ch_lock;
	port.unlock = ch_unlock;
	/* the store must open now, or the handler could not write later */
	if ((r = persist_open(&ch.store, &port, 0))) {
		persist_linux_port_close(l);
		return r;
	}
	persist_close(&ch.store);
	ch.l = l;
	ch.port = port;
	snprintf(ch.name, sizeof(ch.name), "%s", name);
	ch.source = source;
	ch.boot_id = boot_id;
	backtrace(ch.frames, 2); /* loads the unwinder now, not in the handler */
	read_maps();
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = alt_stack;
	ss.ss_size = sizeof(alt_stack);
	if (sigaltstack(&ss, NULL)) {
		persist_crashhandler_uninstall();
		return PERSIST_E_SYS;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask); /* nothing else runs in the middle of it */
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, NULL);
	ch.installed = true;
	in_handler = 0;
	return 0;
}

void persist_crashhandler_uninstall(void)
{
	if (ch.installed)
		for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
			signal(signals[i], SIG_DFL);
	ch.installed = false;
	persist_linux_port_close(ch.l);
	ch.l = NULL;
}
