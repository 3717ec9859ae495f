/* SPDX-License-Identifier: MIT */
#include "bootmgr/core/diag.h"
#include "bootmgr/core/pe.h"
#include "libpersist/bytes.h"
#include "tests/unit.h"

#define LFANEW 0x40u
#define OPT_SIZE 0xa0u /* PE32+ with 6 data directories, as Linux has */
#define SECTAB (LFANEW + 24 + OPT_SIZE)

static uint8_t img[8192];
static struct bm_pe_info pe;

/* A minimal PE32+ EFI application header with no sections yet. */
static void make_pe(uint16_t machine, uint16_t subsystem)
{
	memset(img, 0, sizeof(img));
	img[0] = 'M', img[1] = 'Z';
	put_le32(img + 0x3c, LFANEW);
	memcpy(img + LFANEW, "PE\0\0", 4);
	put_le16(img + LFANEW + 4, machine);
	put_le16(img + LFANEW + 20, OPT_SIZE);
	put_le16(img + LFANEW + 24, 0x20b);
	put_le16(img + LFANEW + 24 + 68, subsystem);
}

static void add_section(const char *name, uint32_t vsize, uint32_t raw, uint32_t off)
{
	uint16_t n = get_le16(img + LFANEW + 6);
	uint8_t *s = img + SECTAB + n * 40u;

	memcpy(s, name, strlen(name) < 8 ? strlen(name) : 8);
	put_le32(s + 8, vsize);
	put_le32(s + 16, raw);
	put_le32(s + 20, off);
	put_le16(img + LFANEW + 6, (uint16_t)(n + 1));
}

TEST(pe_uki_sections)
{
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	add_section(".text", 0x100, 0x200, 0x400);
	add_section(".osrel", 0x30, 0x200, 0x600);
	add_section(".cmdline", 0, 0x200, 0x800);
	add_section(".linux", 0x1000, 0x1000, 0x1000);
	add_section(".initrd", 0x10, 0x200, 0xa00);
	add_section(".uname", 0x300, 0x200, 0xc00); /* virtual > raw: raw counts */
	add_section(".sbat", 0x20, 0x200, 0xe00);
	add_section(".osrel", 0x10, 0x10, 0x0); /* a second one is ignored */
	REQUIRE(bm_pe_parse(img, 0x400, sizeof(img), &pe) == 0);
	CHECK(bm_pe_is_bootable(&pe));
	CHECK(pe.pe32plus);
	CHECK(pe.is_uki);
	CHECK(!pe.linux_stub);
	CHECK_EQ_INT(pe.n_sections, 8);
	CHECK(pe.sec[BM_SEC_OSREL].present && pe.sec[BM_SEC_OSREL].offset == 0x600 &&
	      pe.sec[BM_SEC_OSREL].size == 0x30);
	CHECK(pe.sec[BM_SEC_CMDLINE].size == 0x200);
	CHECK(pe.sec[BM_SEC_LINUX].offset == 0x1000 && pe.sec[BM_SEC_LINUX].size == 0x1000);
	CHECK(pe.sec[BM_SEC_UNAME].size == 0x200);
	CHECK(pe.sec[BM_SEC_SBAT].present && pe.sec[BM_SEC_INITRD].present);
	CHECK_EQ_STR(bm_pe_section_name(BM_SEC_SBAT), ".sbat");
	/* A known section past the end of the file is an error. */
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x1fff, &pe), BM_E_TRUNCATED);
	CHECK(!pe.is_uki);
}

TEST(pe_linux_stub)
{
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	add_section(".text", 0x1000, 0x1000, 0x1000);
	memcpy(img + 0x202, "HdrS", 4);
	put_le16(img + 0x206, 0x020f);
	put_le16(img + 0x20e, 0x300); /* version string at 0x500 */
	put_le16(img + 0x236, 0x7f);
	strcpy((char *)img + 0x500, "6.1.0-13-amd64 (debian-kernel@lists.debian.org) #1 SMP");
	REQUIRE(bm_pe_parse(img, sizeof(img), sizeof(img), &pe) == 0);
	CHECK(pe.linux_stub && !pe.is_uki);
	CHECK_EQ_INT(pe.boot_protocol, 0x020f);
	CHECK_EQ_INT(pe.xloadflags, 0x7f);
	CHECK_EQ_STR(pe.kernel_version, "6.1.0-13-amd64");
	CHECK(!pe.initrd_media); /* stub version 0.0 */
	put_le16(img + LFANEW + 24 + 44, 1);
	REQUIRE(bm_pe_parse(img, sizeof(img), sizeof(img), &pe) == 0);
	CHECK(pe.initrd_media);
	CHECK_EQ_INT(pe.major_image_version, 1);
	/* Only the first 0x502 bytes read: the string is cut, no overread. */
	REQUIRE(bm_pe_parse(img, 0x502, sizeof(img), &pe) == 0);
	CHECK_EQ_STR(pe.kernel_version, "6.");
	/* Boot protocol before 2.12 has no xloadflags. */
	put_le16(img + 0x206, 0x020b);
	REQUIRE(bm_pe_parse(img, sizeof(img), sizeof(img), &pe) == 0);
	CHECK_EQ_INT(pe.xloadflags, 0);
}

TEST(pe_other_machines_and_subsystems)
{
	make_pe(0xaa64, BM_PE_SUBSYSTEM_EFI_APP);
	REQUIRE(bm_pe_parse(img, 0x400, 0x400, &pe) == 0);
	CHECK(!bm_pe_is_bootable(&pe));
	make_pe(BM_PE_MACHINE_X64, 11); /* boot service driver */
	REQUIRE(bm_pe_parse(img, 0x400, 0x400, &pe) == 0);
	CHECK(!bm_pe_is_bootable(&pe));
}

TEST(pe_hostile_headers)
{
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	CHECK_EQ_INT(bm_pe_parse(img, 63, 63, &pe), BM_E_NOTPE);
	CHECK_EQ_INT(bm_pe_parse(img, 0x50, 0x400, &pe), BM_E_TRUNCATED);
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x100, &pe), BM_E_INVAL); /* len > file */
	put_le32(img + 0x3c, 0xfffffff0u);
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x400, &pe), BM_E_NOTPE);
	put_le32(img + 0x3c, 0x3fc);
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x400, &pe), BM_E_TRUNCATED);
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	img[LFANEW + 1] = 'X';
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x400, &pe), BM_E_NOTPE);
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	put_le16(img + LFANEW + 20, 16); /* optional header too small */
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x400, &pe), BM_E_BADPE);
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	put_le16(img + LFANEW + 24, 0x999);
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x400, &pe), BM_E_BADPE);
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	put_le16(img + LFANEW + 6, 97);
	CHECK_EQ_INT(bm_pe_parse(img, sizeof(img), sizeof(img), &pe), BM_E_BADPE);
	put_le16(img + LFANEW + 6, 96); /* the table runs past the bytes given */
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, sizeof(img), &pe), BM_E_TRUNCATED);
	make_pe(BM_PE_MACHINE_X64, BM_PE_SUBSYSTEM_EFI_APP);
	add_section(".linux", 0xffffffffu, 0xffffffffu, 0xffffffffu);
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0xffffffffull * 2 - 1, &pe), BM_E_TRUNCATED);
	img[0] = 'Z';
	CHECK_EQ_INT(bm_pe_parse(img, 0x400, 0x400, &pe), BM_E_NOTPE);
}
