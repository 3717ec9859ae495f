/* SPDX-License-Identifier: MIT */
/*
 * Output of the sample OS's init: every line to the console and to the
 * kernel log. The console copy is what the QEMU tests read from the serial
 * port; the kernel-log copy (at KERN_NOTICE, below the console level of a
 * `quiet` boot, so it is not printed twice) ends up in a pstore dump when
 * the kernel panics, which tells the crash record the last stage reached.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int kmsg_fd = -1;

void os_log_init(void)
{
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
}

void os_say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int len;

	len = snprintf(line, sizeof(line), "<5>" OS_MARKER " ");
	va_start(ap, fmt);
	vsnprintf(line + len, sizeof(line) - (size_t)len - 1, fmt, ap);
	va_end(ap);
	len = (int)strlen(line);
	line[len++] = '\n';
	/* One write per line, so lines from init and its children never mix. */
	if (write(STDOUT_FILENO, line + 3, (size_t)len - 3) < 0)
		(void)0; /* no console: the kernel log below still has it */
	if (kmsg_fd >= 0 && write(kmsg_fd, line, (size_t)len) < 0)
		(void)0;
}

ssize_t os_read_file(const char *path, char *buf, size_t size)
{
	ssize_t len, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)total + 1 < size) {
		len = read(fd, buf + total, size - (size_t)total - 1);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (len == 0)
			break;
		total += len;
	}
	close(fd);
	buf[total] = '\0';
	while (total > 0 && buf[total - 1] == '\n')
		buf[--total] = '\0';
	return total;
}

int os_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = write(fd, text, strlen(text));
	if (len < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

int os_path(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

unsigned long os_uptime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
}
