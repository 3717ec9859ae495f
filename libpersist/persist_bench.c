/* SPDX-License-Identifier: MIT */
/*
 * libpersist benchmark: buffered append rate; durable append (one commit
 * per record) against a plain pwrite+fdatasync loop writing the same bytes
 * to the same kind of file; open+recover time of a full 16 MiB store; peak
 * memory. Files live under build/ (a real file system, not tmpfs).
 */
#include "libpersist/persist_linux.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define DIR      "build/libpersist"
#define STORE    DIR "/bench-store.img"
#define PLAIN    DIR "/bench-plain.img"
#define MSG_LEN  64u
#define REC_SIZE 120u /* header 56 + message 64, already 8-aligned */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct persist_store *fresh_store(void)
{
	struct persist_store *s;
	int r;

	unlink(STORE);
	if ((r = persist_linux_format(STORE, PERSIST_DEFAULT_SIZE, NULL, &s))) {
		fprintf(stderr, "persist_bench: format %s: %s\n", STORE, persist_strerror(r));
		exit(1);
	}
	return s;
}

static double buffered_rate(size_t n)
{
	struct persist_store *s = fresh_store();
	char msg[MSG_LEN + 1];
	double t;

	memset(msg, 'm', MSG_LEN);
	msg[MSG_LEN] = '\0';
	t = now();
	for (size_t i = 0; i < n; i++)
		if (persist_log_append(s, 6, PERSIST_SRC_TEST, msg, NULL, 0))
			exit(1);
	persist_log_commit(s);
	t = now() - t;
	persist_linux_close(s);
	return (double)n / t;
}

static double durable_rate(size_t n)
{
	struct persist_store *s = fresh_store();
	char msg[MSG_LEN + 1];
	double t;

	memset(msg, 'd', MSG_LEN);
	msg[MSG_LEN] = '\0';
	t = now();
	for (size_t i = 0; i < n; i++)
		if (persist_log_append(s, 6, PERSIST_SRC_TEST, msg, NULL, 0) || persist_log_commit(s))
			exit(1);
	t = now() - t;
	persist_linux_close(s);
	return (double)n / t;
}

/* The same bytes per record, appended to a file made the same way. */
static double plain_rate(size_t n)
{
	char rec[REC_SIZE];
	int fd;
	double t;

	unlink(PLAIN);
	fd = open(PLAIN, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, PERSIST_DEFAULT_SIZE))
		exit(1);
	memset(rec, 'p', sizeof(rec));
	t = now();
	for (size_t i = 0; i < n; i++)
		if (pwrite(fd, rec, sizeof(rec), (off_t)(65536 + i * sizeof(rec))) < 0 ||
		    fdatasync(fd))
			exit(1);
	t = now() - t;
	close(fd);
	unlink(PLAIN);
	return (double)n / t;
}

/* Fills the whole ring, then times open (recovery scan included). */
static double open_ms(void)
{
	struct persist_store *s = fresh_store();
	double best = 1e9;

	for (size_t i = 0; i < 200000; i++)
		persist_log_append(s, 6, PERSIST_SRC_TEST, "fill the whole ring with records", NULL, 0);
	persist_linux_close(s);
	for (int i = 0; i < 20; i++) {
		double t = now();

		if (persist_linux_open(STORE, PERSIST_OPEN_WRITE, &s))
			exit(1);
		t = now() - t;
		persist_linux_close(s);
		best = t < best ? t : best;
	}
	return best * 1000;
}

int main(void)
{
	size_t n_dur = 400;
	double buf = buffered_rate(500000), plain, dur, ms;
	struct rusage ru;

	/* Interleave the two durable runs so drift affects both alike. */
	plain = plain_rate(n_dur);
	dur = durable_rate(n_dur);
	plain = (plain + plain_rate(n_dur)) / 2;
	dur = (dur + durable_rate(n_dur)) / 2;
	ms = open_ms();
	getrusage(RUSAGE_SELF, &ru);
	unlink(STORE);
	printf("libpersist benchmark (record = %u-byte message, %u bytes on disk)\n", MSG_LEN,
	       REC_SIZE);
	printf("  %-38s %14s   %s\n", "measure", "result", "goal");
	printf("  %-38s %10.0f rec/s   (%.1f MB/s)\n", "buffered append", buf,
	       buf * REC_SIZE / 1e6);
	printf("  %-38s %10.0f rec/s\n", "durable append (commit per record)", dur);
	printf("  %-38s %10.0f rec/s\n", "plain pwrite+fdatasync, same bytes", plain);
	printf("  %-38s %13.2fx   >= 0.90x %s\n", "durable / plain", dur / plain,
	       dur / plain >= 0.9 ? "ok" : "MISSED");
	printf("  %-38s %11.2f ms   <= 20 ms %s\n", "open + recover full 16 MiB store", ms,
	       ms <= 20 ? "ok" : "MISSED");
	printf("  %-38s %10.1f MiB\n", "peak memory (maxrss)", (double)ru.ru_maxrss / 1024);
	return 0;
}
