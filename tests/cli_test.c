/* SPDX-License-Identifier: MIT */
/* The command-line contract of the Linux tools: help, version, exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/unit.h"

/* Runs a shell command; returns its exit status and its stdout in out. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	int status;

	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char out[8192];

TEST(installer_help_version_and_usage_errors)
{
	CHECK_EQ_INT(run("build/installer/installer --help", out, sizeof(out)), 0);
	CHECK(strstr(out, "list-disks") != NULL);
	CHECK_EQ_INT(run("build/installer/installer --version", out, sizeof(out)), 0);
	CHECK(strstr(out, "installer (Keel) " KEEL_VERSION) != NULL);
	CHECK(strstr(out, "libparted 3.") && strstr(out, "libblkid ") && strstr(out, "libext2fs ") &&
	      strstr(out, "zlib "));
	CHECK_EQ_INT(run("build/installer/installer --frobnicate 2>&1", out, sizeof(out)), 2);
	CHECK_EQ_INT(run("build/installer/installer 2>&1", out, sizeof(out)), 2);
	CHECK_EQ_INT(run("build/installer/installer erase-everything 2>&1", out, sizeof(out)), 2);
	CHECK(strstr(out, "unknown command") != NULL);
}

TEST(installer_lists_an_image_file)
{
	CHECK_EQ_INT(run("build/installer/installer list-disks build/images/keel.img", out,
			 sizeof(out)),
		     0);
	CHECK(strstr(out, "keel.img") && strstr(out, "600.0 MiB") && strstr(out, "gpt"));
	CHECK_EQ_INT(run("build/installer/installer list-disks /nonexistent/disk 2>&1", out,
			 sizeof(out)),
		     1);
	CHECK(strstr(out, "nothing was changed") != NULL);
}

TEST(recovery_help_version_and_usage_errors)
{
	CHECK_EQ_INT(run("build/recovery/recovery --help", out, sizeof(out)), 0);
	CHECK_EQ_INT(run("build/recovery/recovery --version", out, sizeof(out)), 0);
	CHECK(strstr(out, "recovery (Keel) " KEEL_VERSION) != NULL);
	CHECK_EQ_INT(run("build/recovery/recovery --bogus 2>&1", out, sizeof(out)), 2);
	CHECK_EQ_INT(run("build/recovery/recovery no-such-command 2>&1", out, sizeof(out)), 2);
}
