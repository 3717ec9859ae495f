/* SPDX-License-Identifier: MIT */
/*
 * bootmgr.efi — first cut: banner, an inventory of every disk, GPT partition
 * and file system the firmware exposes (one marker line per item, so system
 * tests can read them off the serial console), then \EFI\BOOT\next.efi from
 * its own volume if present, or power off.
 *
 * Marker lines start with "KEEL-" and hold space-separated key=value pairs;
 * they are a stable interface for tests (see docs/ARCHITECTURE.md).
 */
#include "bootmgr/gpt.h"
#include "bootmgr/persist_efi.h"
#include "efi/kefi.h"
#include "efi/kfmt.h"
#include "libpersist/bytes.h"
#include "libpersist/efivars.h"
#include "libpersist/guid.h"

#define NEXT_PATH "\\EFI\\BOOT\\next.efi"

/*
 * The persist partition to use: the first one with Keel's type GUID on the
 * disk bootmgr was loaded from, else the first one on any disk.
 */
struct persist_pick {
	bool found;
	bool on_self_disk;
	persist_guid uuid;
	persist_guid self_uuid; /* PARTUUID of bootmgr's own ESP (zero if unknown) */
};

struct part_ctx {
	size_t disk;
	bool self_disk;          /* this disk holds bootmgr's own volume */
	persist_guid first_persist;
	bool has_persist;
	struct persist_pick *pick;
};

static void note_partition(struct part_ctx *c, const gpt_partition *p)
{
	static const persist_guid persist_type = PERSIST_PART_TYPE_BYTES;

	if (persist_guid_equal(&p->uuid, &c->pick->self_uuid))
		c->self_disk = true;
	if (persist_guid_equal(&p->type, &persist_type) && !c->has_persist) {
		c->has_persist = true;
		c->first_persist = p->uuid;
	}
}

static int print_partition(const gpt_partition *p, void *ctx)
{
	struct part_ctx *c = ctx;
	char type[PERSIST_GUID_STRING_LEN + 1], uuid[PERSIST_GUID_STRING_LEN + 1];

	note_partition(c, p);
	kefi_printf("KEEL-PART disk=%zu part=%u type=%s uuid=%s first=%llu last=%llu name=%s\n",
		    c->disk, p->number, persist_guid_to_string(&p->type, type),
		    persist_guid_to_string(&p->uuid, uuid), (unsigned long long)p->first_lba,
		    (unsigned long long)p->last_lba, p->name[0] ? p->name : "-");
	return 0;
}

/* Reads `count` blocks at `lba` into fresh memory, or returns NULL. */
static uint8_t *read_blocks(const kefi_block *d, uint64_t lba, size_t count)
{
	uint8_t *buf = kefi_alloc(count * d->block_size);

	if (buf && kefi_block_read(d, lba, buf, count) != KEFI_OK) {
		kefi_free(buf);
		return NULL;
	}
	return buf;
}

/* Prints the partitions of one disk from its primary GPT. */
static void inventory_gpt(const kefi_block *d, size_t index, struct persist_pick *pick)
{
	struct part_ctx ctx = { .disk = index, .pick = pick };
	char guid[PERSIST_GUID_STRING_LEN + 1];
	uint8_t *hdr_block = read_blocks(d, 1, 1);
	uint8_t *entries = NULL;
	gpt_header h;
	size_t n_blocks;
	int r;

	if (!hdr_block) {
		kefi_printf("KEEL-GPT disk=%zu status=unreadable\n", index);
		return;
	}
	r = gpt_header_decode(hdr_block, d->block_size, &h);
	kefi_free(hdr_block);
	if (r != GPT_OK) {
		kefi_printf("KEEL-GPT disk=%zu status=none reason=\"%s\"\n", index, gpt_strerror(r));
		return;
	}
	kefi_printf("KEEL-GPT disk=%zu status=ok guid=%s entries=%u\n", index,
		    persist_guid_to_string(&h.disk_guid, guid), h.n_entries);
	n_blocks = (gpt_entries_size(&h) + d->block_size - 1) / d->block_size;
	if (h.entries_lba > d->last_lba || n_blocks > d->last_lba - h.entries_lba + 1 ||
	    !(entries = read_blocks(d, h.entries_lba, n_blocks))) {
		kefi_printf("KEEL-GPT disk=%zu status=entries-unreadable\n", index);
		return;
	}
	r = gpt_entries_foreach(&h, entries, n_blocks * d->block_size, print_partition, &ctx);
	if (ctx.has_persist && (!pick->found || (ctx.self_disk && !pick->on_self_disk))) {
		pick->found = true;
		pick->on_self_disk = ctx.self_disk;
		pick->uuid = ctx.first_persist;
	}
	if (r != GPT_OK)
		kefi_printf("KEEL-GPT disk=%zu status=bad-entries reason=\"%s\"\n", index,
			    gpt_strerror(r));
	kefi_free(entries);
}

static void inventory_disks(struct persist_pick *pick)
{
	kefi_block *devs;
	size_t n, disks = 0;
	int r = kefi_block_list(&devs, &n);

	if (r != KEFI_OK) {
		kefi_printf("KEEL-DISKS error=\"%s\"\n", kefi_strerror(r));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (devs[i].partition)
			continue;
		kefi_printf("KEEL-DISK disk=%zu blocks=%llu bs=%u removable=%d path=%s\n", disks,
			    (unsigned long long)devs[i].last_lba + 1, devs[i].block_size,
			    devs[i].removable, devs[i].path);
		inventory_gpt(&devs[i], disks, pick);
		disks++;
	}
	kefi_printf("KEEL-DISKS count=%zu\n", disks);
	kefi_free(devs);
}

static void inventory_volumes(void)
{
	kefi_volume *vols;
	size_t n;
	char uuid[PERSIST_GUID_STRING_LEN + 1];
	int r = kefi_volume_list(&vols, &n);

	if (r != KEFI_OK) {
		kefi_printf("KEEL-FSES error=\"%s\"\n", kefi_strerror(r));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const persist_guid *g = &vols[i].part_uuid;
		kefi_printf("KEEL-FS fs=%zu part=%u uuid=%s self=%d label=%s\n", i,
			    vols[i].part_number,
			    persist_guid_is_zero(g) ? "-" : persist_guid_to_string(g, uuid),
			    vols[i].self, vols[i].label[0] ? vols[i].label : "-");
	}
	kefi_printf("KEEL-FSES count=%zu\n", n);
	kefi_free(vols);
}

static void start_next(void)
{
	void *self = kefi_self_volume();
	uint64_t status = 0;
	int r;

	if (!self || !kefi_file_exists(self, NEXT_PATH)) {
		kefi_printf("KEEL-NEXT status=absent path=%s\n", NEXT_PATH);
		return;
	}
	kefi_printf("KEEL-NEXT status=starting path=%s\n", NEXT_PATH);
	r = kefi_image_start(self, NEXT_PATH, NULL, &status);
	if (r != KEFI_OK)
		kefi_printf("KEEL-NEXT status=load-failed reason=\"%s\"\n", kefi_strerror(r));
	else
		kefi_printf("KEEL-NEXT status=returned efi_status=0x%llx\n",
			    (unsigned long long)status);
}

/*
 * Counts this start in a non-volatile variable and returns the new count
 * (0 if variables cannot be written). Proves NVRAM persists across boots.
 */
static uint32_t count_start(void)
{
	static const kefi_guid vendor = KEEL_VENDOR_GUID_BYTES;
	uint8_t raw[4] = { 0 };
	size_t size = sizeof(raw);
	uint32_t starts = 0;

	if (kefi_var_get(&vendor, KEEL_VAR_BOOTMGR_STARTS, raw, &size) == KEFI_OK && size == 4)
		starts = get_le32(raw);
	put_le32(raw, ++starts);
	if (kefi_var_set(&vendor, KEEL_VAR_BOOTMGR_STARTS, raw, sizeof(raw), true) != KEFI_OK)
		return 0;
	return starts;
}

/* Opens the persist store; prints why not when it cannot. */
static int open_store(const struct persist_pick *pick, struct persist_store *store,
		      struct persist_efi *pe)
{
	struct persist_port port;
	char uuid[PERSIST_GUID_STRING_LEN + 1];
	int r;

	if (!pick->found) {
		kefi_printf("KEEL-PERSIST status=missing reason=\"no partition of type %s\"\n",
			    PERSIST_PART_TYPE_TEXT);
		kefi_printf("Keel: no persist partition; booting without boot counting.\n");
		return PERSIST_E_NOSTORE;
	}
	persist_guid_to_string(&pick->uuid, uuid);
	r = persist_efi_port(pe, &pick->uuid, &port);
	if (r == 0)
		r = persist_open(store, &port, PERSIST_OPEN_WRITE);
	if (r != 0) {
		kefi_printf("KEEL-PERSIST status=unusable uuid=%s reason=\"%s\"\n", uuid,
			    persist_strerror(r));
		kefi_printf("Keel: the persist partition cannot be used (%s); booting without "
			    "boot counting. Repair it from Linux with `recovery store repair`.\n",
			    persist_strerror(r));
		return r;
	}
	kefi_printf("KEEL-PERSIST status=ok uuid=%s\n", uuid);
	return 0;
}

/* Records this start in the persistent log (one durable record per boot). */
static void log_start(struct persist_store *store, uint32_t starts)
{
	char msg[96];
	int r;

	kfmt_snprintf(msg, sizeof(msg), "bootmgr %s started (start %u)", KEEL_VERSION, starts);
	r = persist_log_append(store, PERSIST_LEVEL_INFO, PERSIST_SRC_BOOTMGR, msg, NULL, 0);
	if (r == 0)
		r = persist_log_commit(store);
	if (r == 0)
		kefi_printf("KEEL-PERSIST-LOG status=ok message=\"%s\"\n", msg);
	else
		kefi_printf("KEEL-PERSIST-LOG status=failed reason=\"%s\"\n", persist_strerror(r));
}

int keel_efi_main(void)
{
	static struct persist_store store; /* large: not on the firmware stack */
	static struct persist_efi pe;
	struct persist_pick pick = { 0 };
	uint32_t starts;

	kefi_printf("\nKeel boot manager %s\n", KEEL_VERSION);
	starts = count_start();
	kefi_printf("KEEL-BOOTMGR version=%s starts=%u\n", KEEL_VERSION, starts);
	kefi_self_partuuid(&pick.self_uuid);
	inventory_disks(&pick);
	inventory_volumes();
	if (open_store(&pick, &store, &pe) == 0) {
		log_start(&store, starts);
		persist_close(&store);
	}
	start_next();
	kefi_printf("KEEL-POWEROFF\n");
	kefi_power_off();
}
