/* SPDX-License-Identifier: MIT */
/* PE/COFF header parser; see pe.h. */
#include "bootmgr/core/pe.h"
#include "bootmgr/core/diag.h"
#include "bootmgr/core/str.h"
#include "libpersist/bytes.h"

#define DOS_LFANEW 0x3c
#define COFF_SIZE 20u          /* after the 4-byte "PE\0\0" */
#define OPT_MIN 72u            /* up to and including DllCharacteristics */
#define OPT_MAJOR_IMAGE 44u
#define OPT_MINOR_IMAGE 46u
#define OPT_SUBSYSTEM 68u
#define SECTION_SIZE 40u
#define SETUP_MAGIC_OFF 0x202u /* "HdrS" */
#define SETUP_VERSION_OFF 0x206u
#define SETUP_KVER_OFF 0x20eu
#define SETUP_XLOADFLAGS_OFF 0x236u

static const char *const section_names[BM_SEC_COUNT] = {
	[BM_SEC_OSREL] = ".osrel", [BM_SEC_CMDLINE] = ".cmdline", [BM_SEC_LINUX] = ".linux",
	[BM_SEC_INITRD] = ".initrd", [BM_SEC_UNAME] = ".uname",   [BM_SEC_SBAT] = ".sbat",
};

const char *bm_pe_section_name(int id)
{
	return id >= 0 && id < BM_SEC_COUNT ? section_names[id] : "";
}

/* True if [off, off+n) lies inside len bytes. */
static bool in(uint64_t off, uint64_t n, uint64_t len)
{
	return off <= len && n <= len - off;
}

static int section_id(const uint8_t *name)
{
	for (int id = 0; id < BM_SEC_COUNT; id++) {
		size_t n = bm_strlen(section_names[id]);

		if (bm_memcmp(name, section_names[id], n) == 0 && (n == 8 || name[n] == 0))
			return id;
	}
	return -1;
}

static int read_sections(const uint8_t *tab, uint32_t count, uint64_t file_size,
			 struct bm_pe_info *pe)
{
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *s = tab + (size_t)i * SECTION_SIZE;
		uint32_t vsize = get_le32(s + 8), raw = get_le32(s + 16), off = get_le32(s + 20);
		int id = section_id(s);
		struct bm_pe_section *sec;

		if (id < 0 || pe->sec[id].present)
			continue; /* the first of a name counts */
		sec = &pe->sec[id];
		/* VirtualSize is the data's true size; the raw size is padded to
		 * FileAlignment. A larger VirtualSize means zero fill in memory. */
		sec->size = vsize && vsize < raw ? vsize : raw;
		sec->offset = off;
		if (!in(sec->offset, sec->size, file_size))
			return BM_E_TRUNCATED;
		sec->present = true;
	}
	return 0;
}

/* Reads the Linux x86 boot protocol header, if this is a Linux kernel. */
static void read_linux_header(const uint8_t *buf, size_t len, struct bm_pe_info *pe)
{
	uint16_t kver;

	if (!in(SETUP_MAGIC_OFF, 8, len) || bm_memcmp(buf + SETUP_MAGIC_OFF, "HdrS", 4) != 0)
		return;
	pe->linux_stub = true;
	pe->boot_protocol = get_le16(buf + SETUP_VERSION_OFF);
	if (pe->boot_protocol >= 0x020c && in(SETUP_XLOADFLAGS_OFF, 2, len))
		pe->xloadflags = get_le16(buf + SETUP_XLOADFLAGS_OFF);
	if (!in(SETUP_KVER_OFF, 2, len) || !(kver = get_le16(buf + SETUP_KVER_OFF)))
		return;
	/* kernel_version points (minus 0x200) at "6.1.0-13-amd64 (...) #1 ...". */
	for (size_t i = 0, at = (size_t)kver + 0x200; i + 1 < BM_KERNEL_VERSION_MAX; i++, at++) {
		if (at >= len || buf[at] <= ' ' || buf[at] >= 0x7f) {
			pe->kernel_version[i] = '\0';
			return;
		}
		pe->kernel_version[i] = (char)buf[at];
	}
}

static int parse(const uint8_t *buf, size_t len, uint64_t file_size, struct bm_pe_info *pe)
{
	uint32_t lfanew, opt, opt_size, tab, n;
	uint16_t magic;

	if (len < 64 || buf[0] != 'M' || buf[1] != 'Z')
		return BM_E_NOTPE;
	lfanew = get_le32(buf + DOS_LFANEW);
	if (!in(lfanew, 4 + COFF_SIZE, len))
		return in(lfanew, 4, file_size) ? BM_E_TRUNCATED : BM_E_NOTPE;
	if (bm_memcmp(buf + lfanew, "PE\0\0", 4) != 0)
		return BM_E_NOTPE;
	pe->machine = get_le16(buf + lfanew + 4);
	n = get_le16(buf + lfanew + 6);
	opt_size = get_le16(buf + lfanew + 20);
	opt = lfanew + 4 + COFF_SIZE;
	if (opt_size < OPT_MIN || n > BM_PE_MAX_SECTIONS)
		return BM_E_BADPE;
	if (!in(opt, opt_size, len))
		return BM_E_TRUNCATED;
	magic = get_le16(buf + opt);
	if (magic != 0x20b && magic != 0x10b)
		return BM_E_BADPE;
	pe->pe32plus = magic == 0x20b;
	pe->major_image_version = get_le16(buf + opt + OPT_MAJOR_IMAGE);
	pe->minor_image_version = get_le16(buf + opt + OPT_MINOR_IMAGE);
	pe->subsystem = get_le16(buf + opt + OPT_SUBSYSTEM);
	tab = opt + opt_size;
	if (!in(tab, (uint64_t)n * SECTION_SIZE, len))
		return BM_E_TRUNCATED;
	pe->n_sections = n;
	return read_sections(buf + tab, n, file_size, pe);
}

int bm_pe_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct bm_pe_info *out)
{
	int r;

	bm_memset(out, 0, sizeof(*out));
	if (!buf || file_size < len)
		return BM_E_INVAL;
	r = parse(buf, len, file_size, out);
	if (r < 0) {
		bm_memset(out, 0, sizeof(*out));
		return r;
	}
	out->is_uki = out->sec[BM_SEC_LINUX].present;
	read_linux_header(buf, len, out);
	out->initrd_media = out->linux_stub && out->major_image_version >= 1;
	return 0;
}

bool bm_pe_is_bootable(const struct bm_pe_info *pe)
{
	return pe->machine == BM_PE_MACHINE_X64 && pe->subsystem == BM_PE_SUBSYSTEM_EFI_APP;
}
