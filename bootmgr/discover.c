/* SPDX-License-Identifier: MIT */
/* Discovery of installations on every file system (discover.h). */
#include "bootmgr/discover.h"

#include "bootmgr/core/str.h"
#include "bootmgr/core/vercmp.h"
#include "efi/kfmt.h"
#include "libpersist/guid.h"

#define ENTRIES_DIR "\\loader\\entries"
#define ENTRY_FILES_MAX 64

/* Other systems' loaders, by the path their installers use. */
static const struct {
	const char *path;
	const char *title;
	const char *id;
} foreign_loaders[] = {
	{ "\\EFI\\Microsoft\\Boot\\bootmgfw.efi", "Windows Boot Manager", "auto-windows" },
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = bm_strlen(s), m = bm_strlen(suffix);

	if (n <= m)
		return false;
	for (size_t i = 0; i < m; i++)
		if (bm_tolower(s[n - m + i]) != bm_tolower(suffix[i]))
			return false;
	return true;
}

static bool has_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static struct bm_item *new_item(struct bm_list *l)
{
	struct bm_item *it;

	if (l->n == BM_ITEMS_MAX) {
		l->skipped++;
		return NULL;
	}
	it = &l->items[l->n];
	bm_memset(it, 0, sizeof(*it));
	return it;
}

/* The same installation seen twice (two ESPs with the same entry, or the
 * same file system reached twice): shown once. */
static bool duplicate(const struct bm_list *l, const struct bm_item *it)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct bm_item *o = &l->items[i];
		if (o->kind == it->kind && bm_streq(o->e.id, it->e.id) &&
		    bm_streq(o->e.linux_path, it->e.linux_path) &&
		    bm_streq(o->e.efi_path, it->e.efi_path) &&
		    bm_streq(o->e.options, it->e.options))
			return true;
	}
	return false;
}

static void add(struct bm_list *l, struct bm_item *it)
{
	if (duplicate(l, it)) {
		kefi_printf("KEEL-ENTRY-SKIP id=%s fs=%zu reason=\"duplicate\"\n", it->e.id, it->volume);
		l->skipped++;
		return;
	}
	l->n++;
}

static void read_entry(struct bm_list *l, size_t vol, const char *name)
{
	static struct bm_diag diag;
	char path[BM_PATH_MAX + 32], why[160];
	struct bm_item *it = new_item(l);
	void *text;
	size_t len;
	int r;

	if (!it)
		return;
	kfmt_snprintf(path, sizeof(path), "%s\\%s", ENTRIES_DIR, name);
	r = kefi_file_read(l->volumes[vol].handle, path, &text, &len);
	if (r != KEFI_OK) {
		kefi_printf("KEEL-ENTRY-SKIP file=%s fs=%zu reason=\"%s\"\n", name, vol,
			    kefi_strerror(r));
		l->skipped++;
		return;
	}
	r = bm_bls_parse(name, text, len, &it->e, &diag);
	kefi_free(text);
	if (r < 0) {
		bm_diag_format(&diag, name, why, sizeof(why));
		kefi_printf("KEEL-ENTRY-SKIP file=%s fs=%zu reason=\"%s\"\n", name, vol, why);
		l->skipped++;
		return;
	}
	it->kind = BM_KIND_BLS;
	it->volume = vol;
	bm_strlcpy(it->dir, sizeof(it->dir), ENTRIES_DIR);
	it->recovery = has_prefix(it->e.id, "recovery") || has_prefix(it->e.id, "keel-recovery");
	if (!it->e.title[0])
		bm_strlcpy(it->e.title, sizeof(it->e.title), it->e.id);
	add(l, it);
}

static void scan_entries(struct bm_list *l, size_t vol, uint64_t deadline)
{
	kefi_dirent *files;
	size_t n;

	if (kefi_dir_list(l->volumes[vol].handle, ENTRIES_DIR, ENTRY_FILES_MAX, &files, &n) !=
	    KEFI_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		if (files[i].dir || !has_suffix(files[i].name, ".conf"))
			continue;
		if (kefi_time_us() > deadline) {
			kefi_printf("KEEL-DISCOVER-SKIP fs=%zu reason=\"over its time budget\" "
				    "left=%zu\n", vol, n - i);
			l->skipped += n - i;
			break;
		}
		read_entry(l, vol, files[i].name);
	}
	kefi_free(files);
}

static void add_foreign(struct bm_list *l, size_t vol, const char *path, const char *title,
			const char *id)
{
	struct bm_item *it;

	if (!kefi_file_exists(l->volumes[vol].handle, path) || !(it = new_item(l)))
		return;
	it->kind = BM_KIND_FOREIGN;
	it->volume = vol;
	bm_strlcpy(it->e.id, sizeof(it->e.id), id);
	bm_strlcpy(it->e.title, sizeof(it->e.title), title);
	bm_strlcpy(it->e.efi_path, sizeof(it->e.efi_path), path);
	add(l, it);
}

/* \EFI\<vendor>\shimx64.efi or grubx64.efi: another distribution. */
static void scan_vendors(struct bm_list *l, size_t vol)
{
	kefi_dirent *dirs;
	size_t n;

	if (kefi_dir_list(l->volumes[vol].handle, "\\EFI", 32, &dirs, &n) != KEFI_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		static const char *const loaders[] = { "shimx64.efi", "grubx64.efi" };
		char path[200], title[BM_TITLE_MAX], id[BM_ID_MAX];
		const char *d = dirs[i].name;

		if (!dirs[i].dir || bm_strcaseeq(d, "BOOT") || bm_strcaseeq(d, "Linux") ||
		    bm_strcaseeq(d, "Microsoft") || bm_strcaseeq(d, "keel"))
			continue;
		for (size_t k = 0; k < 2; k++) {
			kfmt_snprintf(path, sizeof(path), "\\EFI\\%s\\%s", d, loaders[k]);
			if (!kefi_file_exists(l->volumes[vol].handle, path))
				continue;
			kfmt_snprintf(title, sizeof(title), "%s (%s)", d, loaders[k]);
			kfmt_snprintf(id, sizeof(id), "auto-%s", d);
			add_foreign(l, vol, path, title, id);
			break; /* shim chains to GRUB itself */
		}
	}
	kefi_free(dirs);
}

static void scan_volume(struct bm_list *l, size_t vol)
{
	const kefi_volume *v = &l->volumes[vol];
	uint64_t deadline = kefi_time_us() + DISCOVER_VOLUME_BUDGET_US;
	size_t before = l->n;

	scan_entries(l, vol, deadline);
	if (kefi_time_us() > deadline)
		return;
	for (size_t i = 0; i < sizeof(foreign_loaders) / sizeof(foreign_loaders[0]); i++)
		add_foreign(l, vol, foreign_loaders[i].path, foreign_loaders[i].title,
			    foreign_loaders[i].id);
	scan_vendors(l, vol);
	/* The removable-media fallback of another disk (never Keel's own; and
	 * not when the volume has entries: that loader is their boot manager,
	 * whose entries are listed already). */
	if (!v->self && l->n == before) {
		char title[BM_TITLE_MAX], id[BM_ID_MAX];
		kfmt_snprintf(title, sizeof(title), "Fallback loader on %s",
			      v->label[0] ? v->label : "another disk");
		kfmt_snprintf(id, sizeof(id), "auto-removable-%zu", vol);
		add_foreign(l, vol, "\\EFI\\BOOT\\BOOTX64.EFI", title, id);
	}
}

static void add_builtin(struct bm_list *l, enum bm_kind kind, const char *id, const char *title)
{
	struct bm_item *it = new_item(l);

	if (!it)
		return;
	it->kind = kind;
	bm_strlcpy(it->e.id, sizeof(it->e.id), id);
	bm_strlcpy(it->e.title, sizeof(it->e.title), title);
	l->n++;
}

/* Order of the menu: Keel-aware entries by the Boot Loader Specification
 * (sort-key, machine-id, version newest first, then id), entries whose
 * boot counter ran out after the rest, then the recovery environment,
 * other systems, and the built-in items. */
static int group(const struct bm_item *it)
{
	if (it->kind == BM_KIND_BLS && !it->recovery)
		return it->e.count.counting && it->e.count.left == 0 ? 1 : 0;
	if (it->kind == BM_KIND_BLS)
		return 2;
	return 3 + (int)it->kind;
}

static int compare(const struct bm_item *a, const struct bm_item *b)
{
	int r = group(a) - group(b);

	if (r || a->kind != BM_KIND_BLS)
		return r;
	if (!a->e.sort_key[0] != !b->e.sort_key[0])
		return a->e.sort_key[0] ? -1 : 1;
	if (a->e.sort_key[0]) {
		if ((r = bm_strcmp(a->e.sort_key, b->e.sort_key)))
			return r;
		if ((r = bm_strcmp(a->e.machine_id, b->e.machine_id)))
			return r;
		if ((r = bm_vercmp(b->e.version, a->e.version)))
			return r;
	}
	return bm_vercmp(b->e.id, a->e.id);
}

static void sort(struct bm_list *l)
{
	struct bm_item *tmp = &l->items[BM_ITEMS_MAX]; /* the spare slot */

	for (size_t i = 1; i < l->n; i++) {
		size_t j = i;
		if (compare(&l->items[j - 1], &l->items[j]) <= 0)
			continue;
		*tmp = l->items[i];
		while (j > 0 && compare(&l->items[j - 1], tmp) > 0) {
			l->items[j] = l->items[j - 1];
			j--;
		}
		l->items[j] = *tmp;
	}
}

int discover(struct bm_list *l)
{
	int r;
	size_t self = SIZE_MAX;

	bm_memset(l, 0, sizeof(*l));
	l->items = kefi_alloc((BM_ITEMS_MAX + 1) * sizeof(*l->items)); /* +1: sort's spare */
	if (!l->items)
		return KEFI_ENOMEM;
	r = kefi_volume_list(&l->volumes, &l->n_volumes);
	if (r != KEFI_OK) {
		kefi_printf("KEEL-DISCOVER error=\"%s\"\n", kefi_strerror(r));
		l->n_volumes = 0;
	}
	for (size_t i = 0; i < l->n_volumes; i++) {
		const persist_guid *g = &l->volumes[i].part_uuid;
		char uuid[PERSIST_GUID_STRING_LEN + 1];
		kefi_printf("KEEL-FS fs=%zu part=%u uuid=%s self=%d label=%s\n", i,
			    l->volumes[i].part_number,
			    persist_guid_is_zero(g) ? "-" : persist_guid_to_string(g, uuid),
			    l->volumes[i].self, l->volumes[i].label[0] ? l->volumes[i].label : "-");
	}
	kefi_printf("KEEL-FSES count=%zu\n", l->n_volumes);
	/* Its own file system first: its entries win over duplicates. */
	for (size_t v = 0; v < l->n_volumes; v++)
		if (l->volumes[v].self) {
			self = v;
			scan_volume(l, v);
		}
	for (size_t v = 0; v < l->n_volumes; v++)
		if (v != self)
			scan_volume(l, v);
	if (kefi_firmware_setup_supported())
		add_builtin(l, BM_KIND_FIRMWARE, "auto-reboot-to-firmware-setup",
			    "Firmware setup");
	add_builtin(l, BM_KIND_REBOOT, "auto-reboot", "Reboot");
	add_builtin(l, BM_KIND_POWEROFF, "auto-poweroff", "Power off");
	sort(l);
	for (size_t i = 0; i < l->n; i++) {
		const struct bm_item *it = &l->items[i];
		kefi_printf("KEEL-ENTRY n=%zu id=%s kind=%s fs=%zu version=%s title=\"%s\"\n", i + 1,
			    it->e.id,
			    it->recovery ? "recovery"
			    : it->kind == BM_KIND_BLS ? (it->e.linux_path[0] ? "linux" : "efi")
			    : it->kind == BM_KIND_FOREIGN ? "foreign"
							  : "builtin",
			    it->volume, it->e.version[0] ? it->e.version : "-", it->e.title);
	}
	kefi_printf("KEEL-DISCOVER entries=%zu skipped=%zu filesystems=%zu\n", l->n, l->skipped,
		    l->n_volumes);
	return KEFI_OK;
}

void discover_free(struct bm_list *l)
{
	kefi_free(l->items);
	kefi_free(l->volumes);
	l->items = NULL;
	l->volumes = NULL;
	l->n = 0;
}

bool bm_item_counted(const struct bm_item *it)
{
	return it->kind == BM_KIND_BLS;
}
