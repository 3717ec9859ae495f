/* SPDX-License-Identifier: MIT */
/* Disks, partitions and file systems the firmware exposes (inventory.h). */
#include "bootmgr/inventory.h"

#include "bootmgr/gpt.h"
#include "efi/kefi.h"
#include "libpersist/persist.h"

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
	kefi_trace("KEEL-PART disk=%zu part=%u type=%s uuid=%s first=%llu last=%llu name=%s\n",
		    c->disk, p->number, persist_guid_to_string(&p->type, type),
		    persist_guid_to_string(&p->uuid, uuid), (unsigned long long)p->first_lba,
		    (unsigned long long)p->last_lba, p->name[0] ? p->name : "-");
	return 0;
}

/* The disk's first persist partition becomes the pick unless one was found
 * already; one on bootmgr's own disk wins over those of other disks. */
static void take_persist(const struct part_ctx *c)
{
	struct persist_pick *pick = c->pick;

	if (c->has_persist && (!pick->found || (c->self_disk && !pick->on_self_disk))) {
		pick->found = true;
		pick->on_self_disk = c->self_disk;
		pick->uuid = c->first_persist;
	}
}

/* Whether devs[i] is a partition of the disk devs[d]. */
static bool part_of(const kefi_block *devs, size_t i, size_t d)
{
	return devs[i].partition && devs[i].parent == d;
}

/*
 * The partitions of the disk devs[d] as the firmware's partition driver
 * found them (Partition Info protocol), in partition-number order: no
 * device read and no second check of the table. Returns false, having
 * printed nothing, if any partition lacks a GPT entry there (an older
 * firmware, an MBR disk) or the disk shows none: the caller reads the
 * table itself.
 */
static bool inventory_firmware(const kefi_block *devs, size_t n, size_t d, size_t index,
			       struct persist_pick *pick)
{
	struct part_ctx ctx = { .disk = index, .pick = pick };
	uint32_t last = 0;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		if (!part_of(devs, i, d))
			continue;
		if (!devs[i].part_number || !devs[i].gpt_entry)
			return false;
		count++;
	}
	if (!count)
		return false;
	kefi_trace("KEEL-GPT disk=%zu status=ok partitions=%zu source=firmware\n", index, count);
	for (size_t k = 0; k < count; k++) {
		size_t next = SIZE_MAX;
		gpt_partition p;

		for (size_t i = 0; i < n; i++)
			if (part_of(devs, i, d) && devs[i].part_number > last &&
			    (next == SIZE_MAX || devs[i].part_number < devs[next].part_number))
				next = i;
		if (next == SIZE_MAX)
			break;
		last = devs[next].part_number;
		if (gpt_entry_decode(devs[next].gpt_entry, KEFI_GPT_ENTRY_SIZE, last, &p) == GPT_OK)
			print_partition(&p, &ctx);
	}
	take_persist(&ctx);
	return true;
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

/* The usual layout: the header at LBA 1, 128 entries of 128 bytes from
 * LBA 2. Both come in one transfer; each device read is a slow call. */
#define GPT_USUAL_ENTRIES_BYTES (128u * 128u)

/* Prints the partitions of one disk from its primary GPT, read from it. */
static void inventory_gpt(const kefi_block *d, size_t index, struct persist_pick *pick)
{
	struct part_ctx ctx = { .disk = index, .pick = pick };
	char guid[PERSIST_GUID_STRING_LEN + 1];
	size_t ahead = GPT_USUAL_ENTRIES_BYTES / d->block_size;
	uint8_t *blocks = d->last_lba > ahead + 1 ? read_blocks(d, 1, 1 + ahead) : NULL;
	uint8_t *entries = NULL;
	gpt_header h;
	size_t n_blocks;
	int r;

	if (!blocks) { /* a tiny disk, or the long read failed: the header alone */
		ahead = 0;
		blocks = read_blocks(d, 1, 1);
	}
	if (!blocks) {
		kefi_marker("KEEL-GPT disk=%zu status=unreadable\n", index);
		return;
	}
	r = gpt_header_decode(blocks, d->block_size, &h);
	if (r != GPT_OK) {
		kefi_trace("KEEL-GPT disk=%zu status=none reason=\"%s\"\n", index, gpt_strerror(r));
		kefi_free(blocks);
		return;
	}
	kefi_trace("KEEL-GPT disk=%zu status=ok guid=%s entries=%u\n", index,
		    persist_guid_to_string(&h.disk_guid, guid), h.n_entries);
	n_blocks = (gpt_entries_size(&h) + d->block_size - 1) / d->block_size;
	if (h.entries_lba == 2 && n_blocks <= ahead) {
		entries = blocks + d->block_size; /* read with the header */
	} else if (h.entries_lba > d->last_lba || n_blocks > d->last_lba - h.entries_lba + 1 ||
		   !(entries = read_blocks(d, h.entries_lba, n_blocks))) {
		kefi_marker("KEEL-GPT disk=%zu status=entries-unreadable\n", index);
		kefi_free(blocks);
		return;
	}
	r = gpt_entries_foreach(&h, entries, n_blocks * d->block_size, print_partition, &ctx);
	take_persist(&ctx);
	if (r != GPT_OK)
		kefi_marker("KEEL-GPT disk=%zu status=bad-entries reason=\"%s\"\n", index,
			    gpt_strerror(r));
	if (entries != blocks + d->block_size)
		kefi_free(entries);
	kefi_free(blocks);
}

void inventory_disks(struct persist_pick *pick)
{
	kefi_block *devs;
	size_t n, disks = 0;
	int r = kefi_block_list(&devs, &n);

	if (r != KEFI_OK) {
		kefi_marker("KEEL-DISKS error=\"%s\"\n", kefi_strerror(r));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (devs[i].partition)
			continue;
		kefi_trace("KEEL-DISK disk=%zu blocks=%llu bs=%u removable=%d bus=%s\n", disks,
			    (unsigned long long)devs[i].last_lba + 1, devs[i].block_size,
			    devs[i].removable, devs[i].bus);
		if (!inventory_firmware(devs, n, i, disks, pick))
			inventory_gpt(&devs[i], disks, pick);
		disks++;
	}
	kefi_trace("KEEL-DISKS count=%zu\n", disks);
	/* The persist partition's own device, so that opening the store needs
	 * no second walk over every handle. */
	for (size_t i = 0; pick->found && i < n; i++)
		if (devs[i].partition && persist_guid_equal(&devs[i].part_uuid, &pick->uuid)) {
			pick->dev = devs[i];
			pick->have_dev = true;
			break;
		}
	kefi_free(devs);
}
