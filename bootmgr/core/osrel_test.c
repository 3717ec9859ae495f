/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/osrel.h"
#include "tests/unit.h"

static struct bm_os_release o;
static struct bm_diag d;

static int parse(const char *text)
{
	return bm_os_release_parse(text, strlen(text), &o, &d);
}

TEST(osrel_debian)
{
	REQUIRE(parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
		      "NAME=\"Debian GNU/Linux\"\n"
		      "VERSION_ID=\"12\"\n"
		      "VERSION=\"12 (bookworm)\"\n"
		      "VERSION_CODENAME=bookworm\n"
		      "ID=debian\n"
		      "HOME_URL=\"https://www.debian.org/\"\n") == 0);
	CHECK_EQ_STR(o.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	CHECK_EQ_STR(o.name, "Debian GNU/Linux");
	CHECK_EQ_STR(o.version_id, "12");
	CHECK_EQ_STR(o.version, "12 (bookworm)");
	CHECK_EQ_STR(o.id, "debian");
	CHECK_EQ_STR(o.image_id, "");
	CHECK_EQ_INT(d.n_notes, 0);
}

TEST(osrel_quoting)
{
	REQUIRE(parse("NAME='single \\n \"q\"'\r\n"
		      "ID=un\\ quoted\n"
		      "PRETTY_NAME=\"a \\\"b\\\" \\\\ \\$x \\q\"\n"
		      "IMAGE_ID=\"joined\"'parts'x\n"
		      "  # comment\n"
		      "IMAGE_VERSION=\"\"\n"
		      "BUILD_ID=7\n") == 0);
	CHECK_EQ_STR(o.name, "single \\n \"q\"");
	CHECK_EQ_STR(o.id, "un quoted");
	CHECK_EQ_STR(o.pretty_name, "a \"b\" \\ $x \\q");
	CHECK_EQ_STR(o.image_id, "joinedpartsx");
	CHECK_EQ_STR(o.image_version, "");
	CHECK_EQ_STR(o.build_id, "7");
}

TEST(osrel_stops_at_nul)
{
	static const char text[] = "ID=a\nBUILD_ID=7\0NAME=after-nul\n";

	REQUIRE(bm_os_release_parse(text, sizeof(text) - 1, &o, &d) == 0);
	CHECK_EQ_STR(o.build_id, "7");
	CHECK_EQ_STR(o.name, "");
	CHECK_EQ_INT(bm_os_release_parse(NULL, 3, &o, &d), BM_E_INVAL);
	CHECK_EQ_INT(bm_os_release_parse(NULL, 0, &o, NULL), 0);
}

TEST(osrel_bad_lines)
{
	char big[300];

	REQUIRE(parse("NAME=\"open\nID=two words\nVERSION=$(reboot)\n=x\n9X=1\njunk\n"
		      "ID=ok\n") == 0);
	CHECK_EQ_STR(o.name, "");
	CHECK_EQ_STR(o.version, "");
	CHECK_EQ_STR(o.id, "ok");
	REQUIRE(d.n_notes == 6);
	CHECK_EQ_INT(d.notes[0].code, BM_N_BAD_VALUE);
	CHECK_EQ_INT(d.notes[3].code, BM_E_SYNTAX);
	CHECK_EQ_INT(d.notes[5].line, 6);

	strcpy(big, "NAME=");
	memset(big + 5, 'n', BM_OSREL_VALUE_MAX);
	big[5 + BM_OSREL_VALUE_MAX] = '\0';
	REQUIRE(parse(big) == 0);
	CHECK_EQ_STR(o.name, "");
	CHECK_EQ_INT(d.notes[0].code, BM_E_TOOLONG);
	big[5 + BM_OSREL_VALUE_MAX - 1] = '\0';
	REQUIRE(parse(big) == 0);
	CHECK_EQ_INT(strlen(o.name), BM_OSREL_VALUE_MAX - 1);
}
