/* SPDX-License-Identifier: MIT */
/*
 * next.efi — a tiny EFI program for system tests: proves that bootmgr
 * started it, shows the command line it got and where it was loaded from,
 * then powers the machine off (so a test sees exactly one start).
 * With "return" in its command line it exits instead, handing control back.
 * It also leaves a non-volatile variable behind and says whether it found
 * one from an earlier boot: the harness keeps a vm's NVRAM across boots.
 * With "dump-loader-vars" it first prints the Boot Loader Interface
 * variables bootmgr set, as hex, so the host can hand them to `bootctl`.
 */
#include "efi/kefi.h"
#include "libpersist/efivars.h"

static bool has_word(const char *s, const char *w)
{
	for (const char *start = s; *s; s++) {
		size_t i = 0;
		if (s > start && s[-1] != ' ')
			continue;
		while (w[i] && s[i] == w[i])
			i++;
		if (!w[i] && (s[i] == ' ' || !s[i]))
			return true;
	}
	return false;
}

/* 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f, on-disk byte order. */
static const kefi_guid loader_guid = {
	{ 0x82, 0xb0, 0x67, 0x4a, 0x4c, 0x0a, 0xcf, 0x41, 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb,
	  0x8c, 0x4f }
};

static void dump_loader_vars(void)
{
	static const char *const names[] = {
		"LoaderInfo",           "LoaderFirmwareInfo", "LoaderFirmwareType",
		"LoaderImageIdentifier", "LoaderDevicePartUUID", "LoaderFeatures",
		"LoaderEntries",        "LoaderEntrySelected", "LoaderTimeInitUSec",
		"LoaderTimeExecUSec",   "LoaderBootCountPath",
	};
	static uint8_t data[480]; /* one console line of hex */
	static char hex[2 * sizeof(data) + 1];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t size = sizeof(data);
		if (kefi_var_get(&loader_guid, names[i], data, &size) != KEFI_OK)
			continue;
		for (size_t k = 0; k < size; k++) {
			hex[2 * k] = "0123456789abcdef"[data[k] >> 4];
			hex[2 * k + 1] = "0123456789abcdef"[data[k] & 15];
		}
		hex[2 * size] = '\0';
		kefi_printf("KEEL-TEST var name=%s data=%s\n", names[i], hex);
	}
	kefi_printf("KEEL-TEST vars end\n");
}

/* Says whether an earlier boot of this machine left the mark; leaves it. */
static void nvram_mark(void)
{
	static const kefi_guid vendor = KEEL_VENDOR_GUID_BYTES;
	uint8_t one = 1, got = 0;
	size_t size = sizeof(got);
	bool present = kefi_var_get(&vendor, "KeelTestMark", &got, &size) == KEFI_OK;

	if (!present)
		kefi_var_set(&vendor, "KeelTestMark", &one, sizeof(one), true);
	kefi_printf("KEEL-TEST nvram mark=%s\n", present ? "present" : "absent");
}

int keel_efi_main(void)
{
	char options[512], path[160];

	if (kefi_self_options(options, sizeof(options)) != KEFI_OK)
		options[0] = '\0';
	if (kefi_self_path(path, sizeof(path)) != KEFI_OK)
		path[0] = '\0';
	kefi_printf("KEEL-TEST next.efi started path=%s options=\"%s\"\n", path, options);
	nvram_mark();
	if (has_word(options, "dump-loader-vars"))
		dump_loader_vars();
	if (has_word(options, "return"))
		return 0;
	kefi_printf("KEEL-TEST poweroff\n");
	kefi_power_off();
}
