/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/bls.h"
#include "tests/unit.h"

#include <stdio.h>

static struct bm_bls_entry e;
static struct bm_diag d;

static int parse(const char *name, const char *text)
{
	return bm_bls_parse(name, text, strlen(text), &e, &d);
}

TEST(bls_debian_entry)
{
	const char *text =
		"# Boot Loader Specification type#1 entry\n"
		"title      Debian GNU/Linux 12 (bookworm)\n"
		"version    6.1.0-13-amd64\n"
		"machine-id 6a9857a393724b7a981ebb5b8495b9ea\n"
		"sort-key   debian\n"
		"options    root=PARTUUID=1234 ro\n"
		"options    quiet\n"
		"linux      /6a9857a393724b7a981ebb5b8495b9ea/6.1.0-13-amd64/linux\n"
		"initrd     /6a9857a393724b7a981ebb5b8495b9ea/6.1.0-13-amd64/initrd.img-6.1.0-13-amd64\n"
		"architecture x64\n";

	REQUIRE(parse("6a98-6.1.0-13-amd64+3-0.conf", text) == 0);
	CHECK_EQ_STR(e.id, "6a98-6.1.0-13-amd64");
	CHECK_EQ_STR(e.file_name, "6a98-6.1.0-13-amd64+3-0.conf");
	CHECK(e.count.counting && e.count.left == 3 && e.count.done == 0);
	CHECK_EQ_STR(e.title, "Debian GNU/Linux 12 (bookworm)");
	CHECK_EQ_STR(e.version, "6.1.0-13-amd64");
	CHECK_EQ_STR(e.sort_key, "debian");
	CHECK_EQ_STR(e.machine_id, "6a9857a393724b7a981ebb5b8495b9ea");
	CHECK_EQ_STR(e.options, "root=PARTUUID=1234 ro quiet");
	CHECK_EQ_STR(e.linux_path, "\\6a9857a393724b7a981ebb5b8495b9ea\\6.1.0-13-amd64\\linux");
	REQUIRE(e.n_initrd == 1);
	CHECK_EQ_STR(e.initrd[0],
		     "\\6a9857a393724b7a981ebb5b8495b9ea\\6.1.0-13-amd64\\initrd.img-6.1.0-13-amd64");
	CHECK_EQ_INT(d.n_notes, 0);
	CHECK_EQ_INT(d.err, 0);
}

TEST(bls_odd_but_valid)
{
	const char *text = "\xef\xbb\xbftitle x\r\n"   /* BOM makes the key unknown */
			   "  \t\r\n"
			   "\ttitle\t\"Tabbed\"  \r\n"
			   "linux \\vmlinuz\r\n"
			   "initrd a//b/./c\r\n"
			   "initrd /2\n"
			   "options\n"
			   "options   a   b \n"
			   "devicetree /dtb\n"
			   "frobnicate yes\n"
			   "title Again\n"
			   "  # comment after blanks\n"
			   "efi /EFI/x.efi";

	REQUIRE(parse("plain.conf", text) == 0);
	CHECK_EQ_STR(e.id, "plain");
	CHECK(!e.count.counting);
	CHECK_EQ_STR(e.title, "Again");
	CHECK_EQ_STR(e.linux_path, "\\vmlinuz");
	CHECK_EQ_STR(e.initrd[0], "\\a\\b\\c");
	CHECK_EQ_STR(e.initrd[1], "\\2");
	CHECK_EQ_STR(e.options, "a   b");
	CHECK_EQ_STR(e.efi_path, ""); /* linux wins */
	/* BOM key, devicetree, frobnicate, duplicate title, efi ignored. */
	REQUIRE(d.n_notes == 5);
	CHECK_EQ_INT(d.notes[0].code, BM_N_UNKNOWN_KEY);
	CHECK_EQ_INT(d.notes[0].line, 1);
	CHECK_EQ_INT(d.notes[1].code, BM_N_IGNORED_KEY);
	CHECK_EQ_STR(d.notes[1].key, "devicetree");
	CHECK_EQ_INT(d.notes[2].code, BM_N_UNKNOWN_KEY);
	CHECK_EQ_STR(d.notes[2].key, "frobnicate");
	CHECK_EQ_INT(d.notes[2].line, 10);
	CHECK_EQ_INT(d.notes[3].code, BM_N_DUPLICATE);
	CHECK_EQ_INT(d.notes[4].code, BM_N_EFI_IGNORED);
}

TEST(bls_efi_and_uki_entries)
{
	REQUIRE(parse("shell.conf", "title Shell\nefi /EFI/tools/shell.efi\noptions -nostartup\n") == 0);
	CHECK_EQ_STR(e.efi_path, "\\EFI\\tools\\shell.efi");
	CHECK(!e.efi_is_uki);
	REQUIRE(parse("u.conf", "uki /EFI/Linux/arch.efi\n") == 0);
	CHECK(e.efi_is_uki);
}

TEST(bls_initrd_order_and_limit)
{
	char text[1024] = "linux /k\n";

	for (int i = 0; i < BM_INITRD_MAX; i++)
		sprintf(text + strlen(text), "initrd /i%d\n", i);
	REQUIRE(parse("a.conf", text) == 0);
	CHECK_EQ_INT(e.n_initrd, BM_INITRD_MAX);
	CHECK_EQ_STR(e.initrd[7], "\\i7");
	strcat(text, "initrd /one-too-many\n");
	CHECK_EQ_INT(parse("a.conf", text), BM_E_TOOMANY);
	CHECK_EQ_INT(d.err_line, BM_INITRD_MAX + 2);
	CHECK_EQ_STR(d.err_key, "initrd");
	CHECK_EQ_STR(e.id, ""); /* cleared on failure */
}

TEST(bls_rejects)
{
	char big[BM_OPTIONS_MAX + 64];

	CHECK_EQ_INT(parse("a.conf", "title x\n"), BM_E_NOKERNEL);
	CHECK_EQ_INT(parse("a.conf", ""), BM_E_NOKERNEL);
	CHECK_EQ_INT(parse("a.conf", "linux /k\narchitecture aa64\n"), BM_E_ARCH);
	CHECK_EQ_STR(d.err_key, "architecture");
	CHECK_EQ_INT(parse("a.conf", "linux /k\narchitecture X64\n"), 0);
	CHECK_EQ_INT(parse("a.conf", "linux /../k\n"), BM_E_BADPATH);
	CHECK_EQ_INT(d.err_line, 1);
	CHECK_EQ_INT(parse("a.conf", "linux ///\n"), BM_E_BADPATH);
	CHECK_EQ_INT(parse("a.conf", "linux /k\ntitle a\001b\n"), BM_E_CONTROL);
	CHECK_EQ_INT(d.err_line, 2);
	CHECK_EQ_INT(bm_bls_parse("a.conf", "linux /k\0x", 10, &e, &d), BM_E_CONTROL);
	CHECK_EQ_INT(parse("a.txt", "linux /k\n"), BM_E_BADNAME);
	CHECK_EQ_INT(parse("+3.conf", "linux /k\n"), BM_E_BADNAME);
	CHECK_EQ_INT(parse("a/b.conf", "linux /k\n"), BM_E_BADNAME);
	CHECK_EQ_INT(parse("0123456789012345678901234567890123456789012345678901234567890123.conf",
			   "linux /k\n"), BM_E_BADNAME);

	memset(big, 'x', sizeof(big));
	memcpy(big, "linux /k\ntitle ", 15);
	big[15 + BM_TITLE_MAX] = '\0';
	CHECK_EQ_INT(parse("a.conf", big), BM_E_TOOLONG);
	CHECK_EQ_STR(d.err_key, "title");
	big[15 + BM_TITLE_MAX - 1] = '\0';
	CHECK_EQ_INT(parse("a.conf", big), 0);

	/* Options are joined; the total is limited. */
	memcpy(big, "linux /k\noptions ", 17);
	memset(big + 17, 'o', sizeof(big) - 17);
	big[17 + BM_OPTIONS_MAX - 1] = '\0';
	CHECK_EQ_INT(parse("a.conf", big), 0);
	CHECK_EQ_INT(strlen(e.options), BM_OPTIONS_MAX - 1);
	big[17 + BM_OPTIONS_MAX - 1] = 'o';
	big[17 + BM_OPTIONS_MAX] = '\0';
	CHECK_EQ_INT(parse("a.conf", big), BM_E_TOOLONG);
	CHECK_EQ_STR(d.err_key, "options");
}

TEST(bls_paths)
{
	char out[16];

	CHECK_EQ_INT(bm_path_to_firmware(bm_slice_of("a/b"), out, sizeof(out)), 4);
	CHECK_EQ_STR(out, "\\a\\b");
	bm_path_to_firmware(bm_slice_of("\\\\x\\.\\y\\"), out, sizeof(out));
	CHECK_EQ_STR(out, "\\x\\y");
	CHECK_EQ_INT(bm_path_to_firmware(bm_slice_of("a/../b"), out, sizeof(out)), BM_E_BADPATH);
	CHECK_EQ_INT(bm_path_to_firmware(bm_slice_of("/./."), out, sizeof(out)), BM_E_BADPATH);
	CHECK_EQ_INT(bm_path_to_firmware(bm_slice_of("..."), out, sizeof(out)), 4);
	CHECK_EQ_INT(bm_path_to_firmware(bm_slice_of("/0123456789abcdef"), out, sizeof(out)),
		     BM_E_TOOLONG);
	CHECK_EQ_INT(bm_path_to_firmware(bm_slice_of("/0123456789abcd"), out, sizeof(out)), 15);
}
