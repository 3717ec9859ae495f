/* SPDX-License-Identifier: MIT */
/*
 * A small modprobe: finds a module in /lib/modules/<release>/modules.dep
 * (made at build time by depmod for exactly the shipped modules), loads its
 * dependencies, then the module itself, with finit_module(2). Parameters
 * come from the kernel command line as name.param=value, as with modprobe;
 * the kernel applies those only to built-in code by itself.
 *
 * Modules are shipped uncompressed (the initramfs as a whole is compressed),
 * so no decompressor is needed here.
 */
#include "images/sample-os/os.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static char *moddep;        /* contents of modules.dep, loaded once */
static char moddir[OS_PATH_MAX];

/* Reads modules.dep of the running kernel. */
static int moddep_load(void)
{
	struct utsname u;
	char path[OS_PATH_MAX + 32];
	ssize_t len;

	if (moddep)
		return 0;
	uname(&u);
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s", u.release);
	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	moddep = malloc(256 * 1024);
	if (!moddep)
		return -ENOMEM;
	len = os_read_file(path, moddep, 256 * 1024);
	if (len < 0) {
		os_say("error: cannot read %s: %s; this image's modules do not match kernel %s",
		       path, strerror((int)-len), u.release);
		free(moddep);
		moddep = NULL;
		return (int)len;
	}
	return 0;
}

/* "kernel/fs/fat/vfat.ko" → "vfat", with '-' turned into '_'. */
static void path_to_name(const char *path, size_t len, char *name, size_t n)
{
	const char *base = path, *end = path + len;
	size_t i = 0;

	for (const char *p = path; p < end; p++)
		if (*p == '/')
			base = p + 1;
	if (end - base > 3 && !memcmp(end - 3, ".ko", 3))
		end -= 3;
	for (; base < end && i + 1 < n; base++)
		name[i++] = *base == '-' ? '_' : *base;
	name[i] = '\0';
}

/* Finds the modules.dep line of `name`; returns its start or NULL. */
static const char *moddep_find(const char *name)
{
	char want[64], got[64];
	const char *line = moddep;

	path_to_name(name, strlen(name), want, sizeof(want));
	while (line && *line) {
		const char *colon = strchr(line, ':');
		const char *eol = strchr(line, '\n');

		if (colon && (!eol || colon < eol)) {
			path_to_name(line, (size_t)(colon - line), got, sizeof(got));
			if (!strcmp(want, got))
				return line;
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* Loads one .ko file (path relative to moddir), unless it is loaded. */
static int load_file(const char *rel, size_t len, const char *cmdline)
{
	char name[64], path[OS_PATH_MAX * 2], params[512], sys[96];
	struct stat st;
	int fd, err = 0;

	path_to_name(rel, len, name, sizeof(name));
	snprintf(sys, sizeof(sys), "/sys/module/%s", name);
	if (stat(sys, &st) == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%.*s", moddir, (int)len, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		os_say("error: module %s: cannot open %s: %s", name, path, strerror(errno));
		return err;
	}
	os_cmdline_module_params(cmdline, name, params, sizeof(params));
	if (syscall(SYS_finit_module, fd, params, 0) != 0 && errno != EEXIST)
		err = -errno;
	close(fd);
	if (err)
		os_say("module %s: load failed: %s", name, strerror(-err));
	return err;
}

int os_module_load(const char *name, const char *cmdline)
{
	const char *line, *colon, *end, *p;
	const char *deps[64];
	size_t dep_len[64], n = 0;
	int err;

	if ((err = moddep_load()))
		return err;
	line = moddep_find(name);
	if (!line) {
		os_say("module %s: not in this image (add it to images/sample-os/modules.list)",
		       name);
		return -ENOENT;
	}
	colon = strchr(line, ':');
	end = strchr(colon, '\n');
	if (!end)
		end = colon + strlen(colon);
	/* depmod lists dependencies so that the last one is loaded first. */
	for (p = colon + 1; p < end && n < 64;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		deps[n] = p;
		while (p < end && *p != ' ')
			p++;
		dep_len[n] = (size_t)(p - deps[n]);
		n++;
	}
	while (n-- > 0)
		if ((err = load_file(deps[n], dep_len[n], cmdline)))
			return err;
	return load_file(line, (size_t)(colon - line), cmdline);
}

/* Loads every name in a list separated by any of `seps`; '#' starts a
 * comment that runs to the end of the line. */
static int load_list(char *list, const char *seps, const char *cmdline)
{
	int failed = 0;
	char *save = NULL;

	for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *save2 = NULL;

		if (hash)
			*hash = '\0';
		for (char *w = strtok_r(line, seps, &save2); w; w = strtok_r(NULL, seps, &save2))
			if (os_module_load(w, cmdline))
				failed++;
	}
	return failed;
}

int os_modules_load_all(const char *cmdline, const char *extra)
{
	char list[4096], more[OS_PATH_MAX];
	ssize_t len = os_read_file(OS_MODULE_LIST, list, sizeof(list));
	int failed = 0;

	if (len < 0)
		os_say("error: cannot read %s: %s; loading no modules", OS_MODULE_LIST,
		       strerror((int)-len));
	else
		failed += load_list(list, " \t", cmdline);
	snprintf(more, sizeof(more), "%s", extra);
	failed += load_list(more, ", \t", cmdline);
	return failed;
}
