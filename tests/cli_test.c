/* SPDX-License-Identifier: MIT */
/* The command-line contract of the Linux tools: help, version, exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/unit.h"


static char out[8192];

TEST(installer_help_version_and_usage_errors)
{
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/installer/installer --help"), 0);
	CHECK(strstr(out, "list-disks") != NULL);
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/installer/installer --version"), 0);
	CHECK(strstr(out, "installer (Keel) " KEEL_VERSION) != NULL);
	CHECK(strstr(out, "libparted 3.") && strstr(out, "libblkid ") && strstr(out, "libext2fs ") &&
	      strstr(out, "zlib "));
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/installer/installer --frobnicate 2>&1"), 2);
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/installer/installer 2>&1"), 2);
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/installer/installer erase-everything 2>&1"), 2);
	CHECK(strstr(out, "unknown command") != NULL);
}

TEST(installer_lists_an_image_file)
{
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/installer/installer list-disks build/images/keel.img"),
		     0);
	CHECK(strstr(out, "keel.img") && strstr(out, "600.0 MiB") && strstr(out, "gpt"));
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/installer/installer list-disks /nonexistent/disk 2>&1"),
		     1);
	CHECK(strstr(out, "nothing was changed") != NULL);
}

TEST(recovery_help_version_and_usage_errors)
{
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/recovery/recovery --help"), 0);
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/recovery/recovery --version"), 0);
	CHECK(strstr(out, "recovery (Keel) " KEEL_VERSION) != NULL);
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/recovery/recovery --bogus 2>&1"), 2);
	CHECK_EQ_INT(unit_run(out, sizeof(out), "build/recovery/recovery no-such-command 2>&1"), 2);
}
