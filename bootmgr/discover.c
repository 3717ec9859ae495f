/* SPDX-License-Identifier: MIT */
/* Discovery of installations on every file system (discover.h). */
#include "bootmgr/discover.h"

#include "bootmgr/core/pe.h"
#include "bootmgr/core/str.h"
#include "efi/kfmt.h"
#include "libpersist/guid.h"

#define ENTRIES_DIR "\\loader\\entries"
#define UKI_DIR "\\EFI\\Linux"
#define ENTRY_FILES_MAX 64
/* Slots the entry list starts with (it grows by doubling, up to
 * BM_ENTRIES_MAX): one or two systems and the built-in items fit; the
 * discovery test (eight entries on four disks) makes it grow. */
#define DISCOVER_FIRST_SLOTS 6

/* Other systems' loaders, by the path their installers use. */
static const struct {
	const char *dir;   /* its folder in \\EFI */
	const char *path;
	const char *title;
	const char *id;
} foreign_loaders[] = {
	{ "Microsoft", "\\EFI\\Microsoft\\Boot\\bootmgfw.efi", "Windows Boot Manager",
	  "auto-windows" },
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


/* Doubles the list's storage (up to BM_ENTRIES_MAX); false if it cannot. */
static bool grow(struct bm_list *l)
{
	struct bm_entries *list = l->entries;
	uint32_t cap = list->cap * 2 < BM_ENTRIES_MAX ? list->cap * 2 : BM_ENTRIES_MAX;
	struct bm_entry *more;

	if (cap <= list->cap || !(more = kefi_alloc(cap * sizeof(*more))))
		return false;
	bm_memcpy(more, list->e, list->n * sizeof(*more));
	kefi_free(list->e);
	list->e = more;
	list->cap = cap;
	return true;
}

static void add(struct bm_list *l, const struct bm_entry *e)
{
	int r = bm_entries_add(l->entries, e);

	if (r == BM_E_FULL && grow(l))
		r = bm_entries_add(l->entries, e);
	if (r == 0)
		return;
	l->skipped++;
	kefi_marker("KEEL-ENTRY-SKIP id=%s fs=%u reason=\"%s\"\n", e->id, e->volume,
		    r == 1 ? "duplicate" : bm_strerror(r));
}

static void skip(struct bm_list *l, const char *file, size_t vol, const char *why)
{
	kefi_marker("KEEL-ENTRY-SKIP file=%s fs=%zu reason=\"%s\"\n", file, vol, why);
	l->skipped++;
}

static void read_entry(struct bm_list *l, size_t vol, const char *name)
{
	struct bm_bls_entry *bls = l->bls;
	struct bm_entry *e = l->scratch;
	struct bm_diag diag;
	char path[BM_PATH_MAX + 32], why[160];
	void *text;
	size_t len;
	int r;

	kfmt_snprintf(path, sizeof(path), "%s\\%s", ENTRIES_DIR, name);
	r = kefi_file_read(l->volumes[vol].handle, path, &text, &len);
	if (r != KEFI_OK) {
		skip(l, name, vol, kefi_strerror(r));
		return;
	}
	r = bm_bls_parse(name, text, len, bls, &diag);
	kefi_free(text);
	if (r < 0) {
		bm_diag_format(&diag, name, why, sizeof(why));
		skip(l, name, vol, why);
		return;
	}
	r = bm_entry_from_bls(e, bls, ENTRIES_DIR, (uint32_t)vol, &l->volumes[vol].part_uuid);
	if (r < 0) {
		skip(l, name, vol, bm_strerror(r));
		return;
	}
	/* Keel's recovery environment is an entry named keel-recovery*. */
	if (bm_slice_has_prefix(bm_slice_of(e->id), "keel-recovery"))
		e->kind = BM_KIND_RECOVERY;
	add(l, e);
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
			kefi_marker("KEEL-DISCOVER-SKIP fs=%zu reason=\"over its time budget\" "
				    "left=%zu\n", vol, n - i);
			l->skipped += n - i;
			break;
		}
		read_entry(l, vol, files[i].name);
	}
	kefi_free(files);
}

/* Reads `len` bytes of a section of a unified kernel image into a fresh
 * buffer (NUL-terminated); NULL if absent or unreadable. */
static char *read_section(void *vol, const char *path, const struct bm_pe_section *sec,
			  size_t max)
{
	size_t len = sec->size < max ? (size_t)sec->size : max, got = 0;
	char *buf;

	if (!sec->present || !(buf = kefi_alloc(len + 1)))
		return NULL;
	if (kefi_file_read_at(vol, path, sec->offset, buf, len, &got) != KEFI_OK) {
		kefi_free(buf);
		return NULL;
	}
	buf[got] = '\0';
	return buf;
}

/* One unified kernel image: its PE headers, then .osrel, .cmdline, .uname. */
static void read_uki(struct bm_list *l, size_t vol, const char *name, uint64_t size)
{
	void *h = l->volumes[vol].handle;
	char path[BM_PATH_MAX + 16], *osrel = NULL, *cmdline = NULL, *uname = NULL;
	struct bm_os_release os;
	struct bm_pe_info pe;
	uint8_t *hdr = kefi_alloc(BM_PE_HEADER_READ);
	size_t got = 0;
	int r;

	kfmt_snprintf(path, sizeof(path), "%s\\%s", UKI_DIR, name);
	if (!hdr) {
		skip(l, name, vol, kefi_strerror(KEFI_ENOMEM));
		return;
	}
	r = kefi_file_read_at(h, path, 0, hdr, BM_PE_HEADER_READ, &got);
	if (r != KEFI_OK)
		skip(l, name, vol, kefi_strerror(r));
	else if ((r = bm_pe_parse(hdr, got, size, &pe)) < 0 || !pe.is_uki)
		skip(l, name, vol, r < 0 ? bm_strerror(r) : "not a unified kernel image");
	else {
		osrel = read_section(h, path, &pe.sec[BM_SEC_OSREL], 4096);
		cmdline = read_section(h, path, &pe.sec[BM_SEC_CMDLINE], BM_OPTIONS_MAX - 1);
		uname = read_section(h, path, &pe.sec[BM_SEC_UNAME], 128);
		if (osrel)
			bm_os_release_parse(osrel, bm_strlen(osrel), &os, NULL);
		r = bm_entry_from_uki(l->scratch, UKI_DIR, name, osrel ? &os : NULL, uname, cmdline,
				      cmdline ? bm_strlen(cmdline) : 0, (uint32_t)vol,
				      &l->volumes[vol].part_uuid);
		if (r < 0)
			skip(l, name, vol, bm_strerror(r));
		else
			add(l, l->scratch);
	}
	kefi_free(hdr);
	kefi_free(osrel);
	kefi_free(cmdline);
	kefi_free(uname);
}

static void scan_ukis(struct bm_list *l, size_t vol, uint64_t deadline)
{
	kefi_dirent *files;
	size_t n;

	if (kefi_dir_list(l->volumes[vol].handle, UKI_DIR, ENTRY_FILES_MAX, &files, &n) != KEFI_OK)
		return;
	for (size_t i = 0; i < n && kefi_time_us() <= deadline; i++)
		if (!files[i].dir && has_suffix(files[i].name, ".efi"))
			read_uki(l, vol, files[i].name, files[i].size);
	kefi_free(files);
}

static void add_foreign(struct bm_list *l, size_t vol, const char *path, const char *title,
			const char *id)
{
	if (!kefi_file_exists(l->volumes[vol].handle, path))
		return;
	if (bm_entry_from_program(l->scratch, BM_KIND_FOREIGN, id, title, path, (uint32_t)vol,
				  &l->volumes[vol].part_uuid) == 0)
		add(l, l->scratch);
}

/* What \EFI holds: listed once per volume, so that absent folders cost no
 * further file-system calls (each is slow in firmware). */
struct efi_dir {
	kefi_dirent *dirs;
	size_t n;
};

static bool efi_dir_has(const struct efi_dir *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->dirs[i].dir && bm_strcaseeq(d->dirs[i].name, name))
			return true;
	return false;
}

/* \EFI\<vendor>\shimx64.efi or grubx64.efi: another distribution. */
static void scan_vendors(struct bm_list *l, size_t vol, const struct efi_dir *efi)
{
	for (size_t i = 0; i < efi->n; i++) {
		static const char *const loaders[] = { "shimx64.efi", "grubx64.efi" };
		char path[200], title[BM_TITLE_MAX], id[BM_ID_MAX];
		const char *d = efi->dirs[i].name;

		if (!efi->dirs[i].dir || bm_strcaseeq(d, "BOOT") || bm_strcaseeq(d, "Linux") ||
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
}

/* Other systems' loaders on volume vol, whose \EFI lists efi; `before`:
 * the number of entries before the volume was scanned. */
static void scan_others(struct bm_list *l, size_t vol, const struct efi_dir *efi, uint32_t before)
{
	const kefi_volume *v = &l->volumes[vol];

	for (size_t i = 0; i < sizeof(foreign_loaders) / sizeof(foreign_loaders[0]); i++)
		if (efi_dir_has(efi, foreign_loaders[i].dir))
			add_foreign(l, vol, foreign_loaders[i].path, foreign_loaders[i].title,
				    foreign_loaders[i].id);
	scan_vendors(l, vol, efi);
	/* The removable-media fallback of another disk (never Keel's own; and
	 * not when the volume has entries: that loader is their boot manager,
	 * whose entries are listed already). */
	if (!v->self && l->entries->n == before && efi_dir_has(efi, "BOOT")) {
		char title[BM_TITLE_MAX], id[BM_ID_MAX], label[64];
		kefi_volume_label(v->handle, label, sizeof(label));
		kfmt_snprintf(title, sizeof(title), "Fallback loader on %s",
			      label[0] ? label : "another disk");
		kfmt_snprintf(id, sizeof(id), "auto-removable-%zu", vol);
		add_foreign(l, vol, "\\EFI\\BOOT\\BOOTX64.EFI", title, id);
	}
}

/* others: also other systems' loaders (loader.conf's auto-entries). */
static void scan_volume(struct bm_list *l, size_t vol, bool others)
{
	uint64_t deadline = kefi_time_us() + DISCOVER_VOLUME_BUDGET_US;
	uint32_t before = l->entries->n;
	struct efi_dir efi = { NULL, 0 };

	scan_entries(l, vol, deadline);
	if (kefi_dir_list(l->volumes[vol].handle, "\\EFI", 64, &efi.dirs, &efi.n) != KEFI_OK)
		efi.n = 0;
	if (efi_dir_has(&efi, "Linux"))
		scan_ukis(l, vol, deadline);
	if (kefi_time_us() > deadline)
		kefi_marker("KEEL-DISCOVER-SKIP fs=%zu reason=\"over its time budget\"\n", vol);
	else if (others)
		scan_others(l, vol, &efi, before);
	kefi_free(efi.dirs);
}

static void add_builtin(struct bm_list *l, int kind)
{
	if (bm_entry_special(l->scratch, kind) == 0)
		add(l, l->scratch);
}

static const char *kind_name(const struct bm_entry *e)
{
	switch (e->kind) {
	case BM_KIND_BLS: return "linux";
	case BM_KIND_UKI: return "uki";
	case BM_KIND_EFI: return "efi";
	case BM_KIND_FOREIGN: return "foreign";
	case BM_KIND_RECOVERY: return "recovery";
	default: return "builtin";
	}
}

int discover(struct bm_list *l, const struct bm_loader_conf *conf)
{
	struct bm_entry *slots;
	int r;
	size_t self = SIZE_MAX;

	bm_memset(l, 0, sizeof(*l));
	l->entries = kefi_alloc(sizeof(*l->entries));
	slots = kefi_alloc(DISCOVER_FIRST_SLOTS * sizeof(*slots));
	l->scratch = kefi_alloc(sizeof(*l->scratch));
	l->bls = kefi_alloc(sizeof(*l->bls));
	if (!l->entries || !slots || !l->scratch || !l->bls)
		return KEFI_ENOMEM;
	bm_entries_init(l->entries, slots, DISCOVER_FIRST_SLOTS);
	r = kefi_volume_list(&l->volumes, &l->n_volumes);
	if (r != KEFI_OK) {
		kefi_marker("KEEL-DISCOVER error=\"%s\"\n", kefi_strerror(r));
		l->n_volumes = 0;
	}
	for (size_t i = 0; i < l->n_volumes; i++) {
		const persist_guid *g = &l->volumes[i].part_uuid;
		char uuid[PERSIST_GUID_STRING_LEN + 1];
		kefi_trace("KEEL-FS fs=%zu part=%u uuid=%s self=%d\n", i, l->volumes[i].part_number,
			   persist_guid_is_zero(g) ? "-" : persist_guid_to_string(g, uuid),
			   l->volumes[i].self);
	}
	kefi_trace("KEEL-FSES count=%zu\n", l->n_volumes);
	/* Its own file system first: its entries win over duplicates. */
	for (size_t v = 0; v < l->n_volumes; v++)
		if (l->volumes[v].self) {
			self = v;
			scan_volume(l, v, conf->auto_entries);
		}
	for (size_t v = 0; v < l->n_volumes; v++)
		if (v != self)
			scan_volume(l, v, conf->auto_entries);
	if (conf->auto_firmware && kefi_firmware_setup_supported())
		add_builtin(l, BM_KIND_FIRMWARE);
	if (conf->auto_reboot)
		add_builtin(l, BM_KIND_REBOOT);
	if (conf->auto_poweroff)
		add_builtin(l, BM_KIND_POWEROFF);
	bm_entries_sort(l->entries);
	for (uint32_t i = 0; i < l->entries->n; i++) {
		const struct bm_entry *e = &l->entries->e[i];
		kefi_trace("KEEL-ENTRY n=%u id=%s kind=%s fs=%u version=%s title=\"%s\"\n", i + 1,
			    e->id, kind_name(e), e->volume, e->version[0] ? e->version : "-",
			    e->title);
	}
	kefi_trace("KEEL-DISCOVER entries=%u skipped=%zu filesystems=%zu\n", l->entries->n,
		    l->skipped, l->n_volumes);
	return KEFI_OK;
}

bool discover_counted(const struct bm_entry *e)
{
	return e->kind == BM_KIND_BLS || e->kind == BM_KIND_UKI || e->kind == BM_KIND_EFI ||
	       e->kind == BM_KIND_RECOVERY;
}
