/* SPDX-License-Identifier: MIT */
/* Entry list: build, dedupe, sort, export; see entries.h. */
#include "bootmgr/core/entries.h"
#include "bootmgr/core/loaderconf.h"
#include "bootmgr/core/vercmp.h"

void bm_entries_init(struct bm_entries *l, struct bm_entry *storage, uint32_t cap)
{
	l->n = 0;
	l->cap = cap < BM_ENTRIES_MAX ? cap : BM_ENTRIES_MAX;
	l->e = storage;
}

static void entry_base(struct bm_entry *e, int kind, uint32_t volume, const persist_guid *uuid)
{
	bm_memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->volume = volume;
	if (uuid)
		e->volume_uuid = *uuid;
}

/* Copies src into a field; false if it does not fit. */
#define SET(field, src) (bm_strlcpy((field), sizeof(field), (src)) >= 0)

static void set_counting(struct bm_entry *e, const struct bm_bootcount *c)
{
	if (!c->counting)
		return;
	e->flags |= BM_F_COUNTING;
	e->tries_left = c->left;
	e->tries_done = c->done;
	if (c->left == 0)
		e->flags |= BM_F_BAD;
}

/* The suffix a boot counter sits before: the entry file's own. */
static const char *count_suffix(const struct bm_entry *e)
{
	size_t n = bm_strlen(e->source_name);

	return n > 5 && bm_strcaseeq(e->source_name + n - 5, ".conf") ? ".conf" : ".efi";
}

int bm_entry_count_name(const struct bm_entry *e, char *out, size_t cap)
{
	if (!(e->flags & BM_F_COUNTING))
		return BM_E_INVAL;
	return bm_bootcount_next_name(e->source_name, count_suffix(e), out, cap);
}

int bm_entry_renamed(struct bm_entry *e, const char *name)
{
	char old[BM_PATH_MAX + BM_FILE_NAME_MAX];
	struct bm_bootcount c;
	bool image;

	if (bm_bootcount_parse(name, count_suffix(e), &c) < 0)
		return BM_E_BADNAME;
	image = bm_bootcount_path(e->source_dir, e->source_name, old, sizeof(old)) >= 0 &&
		bm_strcaseeq(old, e->path);
	if (!SET(e->source_name, name) ||
	    (image && bm_bootcount_path(e->source_dir, name, e->path, sizeof(e->path)) < 0))
		return BM_E_TOOLONG;
	e->flags &= ~(uint32_t)(BM_F_COUNTING | BM_F_BAD);
	e->tries_left = e->tries_done = 0;
	set_counting(e, &c);
	return 0;
}

static int set_dir(struct bm_entry *e, const char *dir)
{
	if (!dir || !*dir) {
		e->source_dir[0] = '\0';
		return 0;
	}
	return bm_path_to_firmware(bm_slice_of(dir), e->source_dir, sizeof(e->source_dir)) < 0
		       ? BM_E_TOOLONG
		       : 0;
}

int bm_entry_from_bls(struct bm_entry *e, const struct bm_bls_entry *b, const char *dir,
		      uint32_t volume, const persist_guid *uuid)
{
	entry_base(e, BM_KIND_BLS, volume, uuid);
	if (b->efi_path[0] && !b->linux_path[0])
		e->kind = b->efi_is_uki ? BM_KIND_UKI : BM_KIND_EFI;
	if (!SET(e->id, b->id) || !SET(e->title, b->title[0] ? b->title : b->id) ||
	    !SET(e->version, b->version) || !SET(e->sort_key, b->sort_key) ||
	    !SET(e->machine_id, b->machine_id) ||
	    !SET(e->path, b->linux_path[0] ? b->linux_path : b->efi_path) ||
	    !SET(e->source_name, b->file_name) || !SET(e->options, b->options) || set_dir(e, dir))
		return BM_E_TOOLONG;
	e->n_initrd = b->n_initrd <= BM_INITRD_MAX ? b->n_initrd : BM_INITRD_MAX;
	for (uint32_t i = 0; i < e->n_initrd; i++)
		if (!SET(e->initrd[i], b->initrd[i]))
			return BM_E_TOOLONG;
	set_counting(e, &b->count);
	return 0;
}

static const char *first_of(const char *a, const char *b, const char *c, const char *d)
{
	return a && *a ? a : b && *b ? b : c && *c ? c : d ? d : "";
}

static int set_cmdline(struct bm_entry *e, const char *cmdline, size_t len)
{
	bm_slice s;

	if (!cmdline)
		return 0;
	s = bm_slice_trim((bm_slice){ cmdline, bm_strnlen(cmdline, len) });
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 && !bm_isspace(s.p[i]))
			return BM_E_CONTROL;
	return bm_slice_copy(e->options, sizeof(e->options), s) < 0 ? BM_E_TOOLONG : 0;
}

int bm_entry_from_uki(struct bm_entry *e, const char *dir, const char *file_name,
		      const struct bm_os_release *os, const char *uname, const char *cmdline,
		      size_t cmdline_len, uint32_t volume, const persist_guid *uuid)
{
	static const struct bm_os_release none;
	struct bm_bootcount c;
	bm_buf path;
	int r;

	entry_base(e, BM_KIND_UKI, volume, uuid);
	os = os ? os : &none;
	if (bm_entry_id_from_file(file_name, ".efi", e->id, sizeof(e->id), &c) < 0)
		return BM_E_BADNAME;
	if (!SET(e->title, first_of(os->pretty_name, os->name, os->id, e->id)) ||
	    !SET(e->version, first_of(os->image_version, os->version_id, os->version,
				      os->build_id[0] ? os->build_id : uname)) ||
	    !SET(e->sort_key, first_of(os->image_id, os->id, NULL, NULL)) ||
	    !SET(e->source_name, file_name) || set_dir(e, dir))
		return BM_E_TOOLONG;
	bm_buf_init(&path, e->path, sizeof(e->path));
	bm_buf_str(&path, e->source_dir);
	bm_buf_str(&path, "\\");
	bm_buf_str(&path, file_name);
	if (!bm_buf_ok(&path))
		return BM_E_TOOLONG;
	r = set_cmdline(e, cmdline, cmdline_len);
	if (r < 0)
		return r;
	set_counting(e, &c);
	return 0;
}

int bm_entry_from_program(struct bm_entry *e, int kind, const char *id, const char *title,
			  const char *path, uint32_t volume, const persist_guid *uuid)
{
	int r;

	if ((kind != BM_KIND_EFI && kind != BM_KIND_FOREIGN) || !id || !*id || !path)
		return BM_E_INVAL;
	entry_base(e, kind, volume, uuid);
	if (!SET(e->id, id) || !SET(e->title, title && *title ? title : id))
		return BM_E_TOOLONG;
	r = bm_path_to_firmware(bm_slice_of(path), e->path, sizeof(e->path));
	return r < 0 ? r : 0;
}

int bm_entry_special(struct bm_entry *e, int kind)
{
	static const struct {
		int kind;
		const char *id, *title;
	} specials[] = {
		{ BM_KIND_RECOVERY, "keel-recovery", "Recovery" },
		{ BM_KIND_FIRMWARE, "auto-reboot-to-firmware-setup", "Reboot Into Firmware Setup" },
		{ BM_KIND_REBOOT, "auto-reboot", "Reboot" },
		{ BM_KIND_POWEROFF, "auto-poweroff", "Power Off" },
	};

	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		if (specials[i].kind != kind)
			continue;
		entry_base(e, kind, 0, NULL);
		bm_strlcpy(e->id, sizeof(e->id), specials[i].id);
		bm_strlcpy(e->title, sizeof(e->title), specials[i].title);
		return 0;
	}
	return BM_E_INVAL;
}

bool bm_entry_is_bootable(const struct bm_entry *e)
{
	return e->kind == BM_KIND_BLS || e->kind == BM_KIND_UKI || e->kind == BM_KIND_EFI ||
	       e->kind == BM_KIND_FOREIGN;
}

static bool same_volume(const struct bm_entry *a, const struct bm_entry *b)
{
	if (!persist_guid_is_zero(&a->volume_uuid) || !persist_guid_is_zero(&b->volume_uuid))
		return persist_guid_equal(&a->volume_uuid, &b->volume_uuid);
	return a->volume == b->volume;
}

/* "The same installation seen twice is shown once." */
static bool is_duplicate(const struct bm_entry *a, const struct bm_entry *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case BM_KIND_FOREIGN:
		/* One loader reached by two paths (bootmgfw.efi and the fallback
		 * BOOTX64.EFI copy of it) or twice by the same path. */
		return same_volume(a, b) &&
		       (bm_strcaseeq(a->path, b->path) ||
			(a->image_size && a->image_crc && a->image_size == b->image_size &&
			 a->image_crc == b->image_crc));
	case BM_KIND_FIRMWARE:
	case BM_KIND_REBOOT:
	case BM_KIND_POWEROFF:
	case BM_KIND_RECOVERY:
		return true;
	default:
		/* Same id, image, initrds and options: one installation on two
		 * ESPs (a mirrored ESP, or the same disk seen twice). */
		if (!bm_streq(a->id, b->id) || !bm_strcaseeq(a->path, b->path) ||
		    !bm_streq(a->options, b->options) || a->n_initrd != b->n_initrd)
			return false;
		for (uint32_t i = 0; i < a->n_initrd; i++)
			if (!bm_strcaseeq(a->initrd[i], b->initrd[i]))
				return false;
		return true;
	}
}

/* Gives e an id no listed entry has: "<id>@<volume>", then
 * "<id>@<volume>.<n>"; a long id is cut (at a UTF-8 character boundary)
 * to make room for the suffix. */
static int make_unique_id(const struct bm_entries *l, struct bm_entry *e)
{
	char base[BM_ID_MAX], id[BM_ID_MAX], suffix[32];

	bm_memcpy(base, e->id, sizeof(base));
	for (uint32_t n = 0; n < BM_ENTRIES_MAX + 1; n++) {
		size_t keep = bm_strlen(base);
		bm_buf b;

		bm_buf_init(&b, suffix, sizeof(suffix));
		bm_buf_str(&b, "@");
		bm_buf_u64(&b, e->volume);
		if (n) {
			bm_buf_str(&b, ".");
			bm_buf_u64(&b, n);
		}
		if (keep + b.len >= sizeof(id))
			keep = sizeof(id) - 1 - b.len;
		while (keep && ((unsigned char)base[keep] & 0xc0) == 0x80)
			keep--;
		bm_memcpy(id, base, keep);
		bm_memcpy(id + keep, suffix, b.len + 1);
		if (bm_entries_find(l, id) < 0) {
			bm_memcpy(e->id, id, sizeof(id));
			return 0;
		}
	}
	return BM_E_BADNAME;
}

int bm_entries_add(struct bm_entries *l, const struct bm_entry *e)
{
	struct bm_entry *slot;

	for (uint32_t i = 0; i < l->n; i++)
		if (is_duplicate(&l->e[i], e))
			return 1;
	if (l->n >= l->cap)
		return BM_E_FULL;
	slot = &l->e[l->n];
	bm_memcpy(slot, e, sizeof(*slot));
	slot->id[BM_ID_MAX - 1] = '\0';
	if (!slot->id[0] || bm_entries_find(l, slot->id) >= 0) {
		int r = make_unique_id(l, slot);

		if (r < 0)
			return r;
	}
	slot->seq = l->n++;
	return 0;
}

static int kind_rank(int kind)
{
	switch (kind) {
	case BM_KIND_BLS:
	case BM_KIND_UKI: return 0;
	case BM_KIND_EFI: return 1;
	case BM_KIND_FOREIGN: return 2;
	case BM_KIND_RECOVERY: return 3;
	case BM_KIND_FIRMWARE: return 4;
	case BM_KIND_REBOOT: return 5;
	case BM_KIND_POWEROFF: return 6;
	default: return 7;
	}
}

static int cmp_int(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

/*
 * Menu order, as systemd-boot orders Boot Loader Specification entries
 * within each group of kinds: entries with tries left before bad ones;
 * entries with a sort-key before those without; by sort-key, then
 * machine-id (both byte order), then version newest first; then by id
 * newest first (version order); then more tries left, fewer tries done.
 */
int bm_entry_compare(const struct bm_entry *a, const struct bm_entry *b)
{
	int r;

	if ((r = cmp_int(kind_rank(a->kind), kind_rank(b->kind))))
		return r;
	if ((r = cmp_int(!!(a->flags & BM_F_BAD), !!(b->flags & BM_F_BAD))))
		return r;
	if ((r = cmp_int(!a->sort_key[0], !b->sort_key[0])))
		return r;
	if (a->sort_key[0]) {
		if ((r = bm_strcmp(a->sort_key, b->sort_key)) ||
		    (r = bm_strcmp(a->machine_id, b->machine_id)) ||
		    (r = -bm_vercmp(a->version, b->version)))
			return r;
	}
	if ((r = -bm_vercmp(a->id, b->id)))
		return r;
	if ((a->flags & b->flags & BM_F_COUNTING) &&
	    ((r = -cmp_int(a->tries_left, b->tries_left)) ||
	     (r = cmp_int(a->tries_done, b->tries_done))))
		return r;
	if ((r = bm_strcmp(a->id, b->id)) || (r = cmp_int(a->volume, b->volume)))
		return r;
	return cmp_int(a->seq, b->seq);
}

static void swap(struct bm_entry *a, struct bm_entry *b)
{
	struct bm_entry t;

	bm_memcpy(&t, a, sizeof(t));
	bm_memcpy(a, b, sizeof(t));
	bm_memcpy(b, &t, sizeof(t));
}

void bm_entries_sort(struct bm_entries *l)
{
	/* Selection sort: at most n swaps of these large structs. The order is
	 * total (seq breaks every tie), so the result does not depend on the
	 * algorithm's stability. */
	for (uint32_t i = 0; i + 1 < l->n; i++) {
		uint32_t min = i;

		for (uint32_t j = i + 1; j < l->n; j++)
			if (bm_entry_compare(&l->e[j], &l->e[min]) < 0)
				min = j;
		if (min != i)
			swap(&l->e[i], &l->e[min]);
	}
}

size_t bm_entries_ids(const struct bm_entries *l, const char **ids, size_t cap)
{
	size_t n = 0;

	for (uint32_t i = 0; i < l->n; i++) {
		if (!bm_entry_is_bootable(&l->e[i]))
			continue;
		if (n < cap)
			ids[n] = l->e[i].id;
		n++;
	}
	return n;
}

int bm_entries_find(const struct bm_entries *l, const char *id)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (bm_streq(l->e[i].id, id))
			return (int)i;
	return -1;
}

int bm_entries_match(const struct bm_entries *l, const char *pattern)
{
	if (!pattern || !*pattern)
		return -1;
	for (uint32_t i = 0; i < l->n; i++)
		if (bm_entry_is_bootable(&l->e[i]) && bm_glob_match(pattern, l->e[i].id))
			return (int)i;
	return -1;
}

size_t bm_entries_loader_entries(const struct bm_entries *l, uint8_t *out, size_t cap)
{
	size_t len = 0;

	for (uint32_t i = 0; i < l->n; i++) {
		bool room = out && len <= cap;
		size_t n = bm_utf8_to_utf16le(l->e[i].id, room ? out + len : NULL,
					      room ? cap - len : 0);

		len += n;
		if (len + 2 <= cap)
			out[len] = out[len + 1] = 0;
		len += 2;
	}
	if (len + 2 <= cap)
		out[len] = out[len + 1] = 0;
	return len + 2;
}
