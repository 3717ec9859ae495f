/* SPDX-License-Identifier: MIT */
/* The Boot Loader Interface variables (see bli.h). */
#include "bootmgr/bli.h"

#include "bootmgr/core/entries.h"

#include "efi/kefi.h"
#include "efi/kfmt.h"
#include "libpersist/bytes.h"
#include "libpersist/guid.h"

/* 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f in on-disk byte order. */
static const kefi_guid loader_guid = {
	{ 0x82, 0xb0, 0x67, 0x4a, 0x4c, 0x0a, 0xcf, 0x41, 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb,
	  0x8c, 0x4f }
};

uint64_t bli_now_us(void)
{
	return kefi_time_us();
}

static void set_str(const char *name, const char *value)
{
	kefi_var_set_str(&loader_guid, name, value, false);
}

static void set_usec(const char *name, uint64_t us)
{
	char text[24];

	kfmt_snprintf(text, sizeof(text), "%llu", (unsigned long long)us);
	set_str(name, text);
}

void bli_announce(void)
{
	char text[160], vendor[96];
	uint32_t fw_rev, uefi_rev;
	uint8_t features[8];
	persist_guid uuid;

	set_str("LoaderInfo", "Keel " KEEL_VERSION);
	kefi_firmware_info(vendor, sizeof(vendor), &fw_rev, &uefi_rev);
	kfmt_snprintf(text, sizeof(text), "%s %u.%02u", vendor, fw_rev >> 16, fw_rev & 0xffff);
	set_str("LoaderFirmwareInfo", text);
	kfmt_snprintf(text, sizeof(text), "UEFI %u.%02u", uefi_rev >> 16, uefi_rev & 0xffff);
	set_str("LoaderFirmwareType", text);
	if (kefi_self_path(text, sizeof(text)) == KEFI_OK)
		set_str("LoaderImageIdentifier", text);
	if (kefi_self_partuuid(&uuid) == KEFI_OK)
		set_str("LoaderDevicePartUUID", persist_guid_to_string(&uuid, text));
	put_le64(features, BLI_FEATURES_HONOURED);
	kefi_var_set(&loader_guid, "LoaderFeatures", features, sizeof(features), false);
	/* Last: the first reading of the clock measures the TSC's rate over
	 * the calls above (kefi_time_us()). */
	set_usec("LoaderTimeInitUSec", kefi_time_start_us());
}

void bli_set_entries(const struct bm_entries *l)
{
	size_t size = bm_entries_loader_entries(l, NULL, 0);
	uint8_t *buf = kefi_alloc(size);

	if (!buf)
		return;
	bm_entries_loader_entries(l, buf, size);
	kefi_var_set(&loader_guid, "LoaderEntries", buf, size, false);
	kefi_free(buf);
}

void bli_set_selected(const char *id)
{
	set_str("LoaderEntrySelected", id);
	set_usec("LoaderTimeExecUSec", bli_now_us());
}

void bli_set_boot_count_path(const char *path)
{
	static bool set; /* volatile: only this run can have set it */

	if (path && *path) {
		set_str("LoaderBootCountPath", path);
		set = true;
	} else if (set) {
		kefi_var_delete(&loader_guid, "LoaderBootCountPath");
		set = false;
	}
}

bool bli_take_oneshot(char *id, size_t size)
{
	if (kefi_var_get_str(&loader_guid, "LoaderEntryOneShot", id, size) != KEFI_OK)
		return false;
	kefi_var_delete(&loader_guid, "LoaderEntryOneShot");
	return id[0] != '\0';
}

bool bli_default(char *id, size_t size)
{
	return kefi_var_get_str(&loader_guid, "LoaderEntryDefault", id, size) == KEFI_OK &&
	       id[0] != '\0';
}

/* A timeout variable: decimal seconds as a UTF-16 string. */
static int read_timeout(const char *name)
{
	char text[16];
	int v = 0;

	if (kefi_var_get_str(&loader_guid, name, text, sizeof(text)) != KEFI_OK || !text[0])
		return -1;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9' || v > 100000)
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v;
}

int bli_take_timeout_oneshot(void)
{
	int v = read_timeout("LoaderConfigTimeoutOneShot");

	if (v >= 0)
		kefi_var_delete(&loader_guid, "LoaderConfigTimeoutOneShot");
	return v;
}

int bli_timeout(void)
{
	return read_timeout("LoaderConfigTimeout");
}
