/* SPDX-License-Identifier: MIT */
/*
 * bootmgr.efi — Keel's boot manager.
 *
 *   1. inventory: every disk, partition and file system (marker lines), and
 *      the persist partition (on its own disk first);
 *   2. configuration: \loader\loader.conf on its own ESP, then the Boot
 *      Loader Interface variables (one-shot entry, default, timeouts);
 *   3. discovery of every installation on every file system (discover.c);
 *   4. selection by the boot counting rule of libpersist: one-shot, default,
 *      last-known-good, older golden entries, Recovery — never a bad entry
 *      automatically; every fallback is logged and shown;
 *   5. the menu (shown, hidden or skipped as configured);
 *   6. the attempt is made durable, then the image starts. An image that
 *      fails to load is a failed attempt at once and the next candidate
 *      boots in the same power-on.
 *
 * Marker lines start with "KEEL-" and hold key=value pairs; they are a
 * stable interface for tests (see docs/ARCHITECTURE.md).
 */
#include "bootmgr/bli.h"
#include "bootmgr/boot.h"
#include "bootmgr/core/bootcount.h"
#include "bootmgr/core/cmdline.h"
#include "bootmgr/core/loaderconf.h"
#include "bootmgr/core/pe.h"
#include "bootmgr/core/str.h"
#include "bootmgr/discover.h"
#include "bootmgr/inventory.h"
#include "bootmgr/menu.h"
#include "bootmgr/persist_efi.h"
#include "efi/kefi.h"
#include "efi/kfmt.h"
#include "libpersist/bytes.h"
#include "libpersist/efivars.h"
#include "libpersist/guid.h"

#define LOADER_CONF "\\loader\\loader.conf"
#define CMDLINE_MAX (BM_OPTIONS_MAX + 128)
/* How long a message that bootmgr gives up with stays on the screen. */
#define GIVE_UP_WAIT_S 10u

static const kefi_guid keel_vendor = KEEL_VENDOR_GUID_BYTES;

/* Everything one run of the boot manager knows. */
struct bootmgr {
	struct persist_store *store;   /* NULL without a usable persist partition */
	struct persist_efi pe;
	struct persist_pick pick;
	struct bm_loader_conf conf;
	struct bm_list list;
	const char *ids[BM_ENTRIES_MAX];  /* selectable ids, menu order */
	size_t id_item[BM_ENTRIES_MAX];  /* ids[i] is list.items[id_item[i]] */
	size_t n_ids;
	bool failed_now[BM_ENTRIES_MAX]; /* failed to load in this power-on */
	char oneshot[BM_ID_MAX];       /* one-shot without a store */
	char default_id[BM_ID_MAX];    /* from LoaderEntryDefault or loader.conf */
	char states[BM_ENTRIES_MAX][96];
	char notice[200];
	char fallback_why[160];        /* why the choice fell back, for the menu */
	char console_note[320];        /* why console-mode was not applied */
	char cmdline[CMDLINE_MAX];     /* of the image being started */
	char edit[CMDLINE_MAX];        /* edited in the menu */
	int timeout_override;          /* from the BLI variables, -1 if none */
};

static struct bootmgr *bm; /* allocated: the .bss of an EFI image takes file space */
static uint64_t t_start;   /* kefi_time_us() when bootmgr started (read after the start) */

/* How long since bootmgr started at the end of each phase, for the
 * `phases_us=` field of KEEL-BOOT status=starting (docs/benchmarks.md). */
enum phase { PHASE_START, PHASE_INVENTORY, PHASE_STORE, PHASE_DISCOVERY, PHASE_ATTEMPT, PHASES };
static uint64_t phase_us[PHASES]; /* 0: not reached in this boot */

static void mark_phase(enum phase phase)
{
	phase_us[phase] = kefi_time_us() - t_start;
}

/* "S,I,St,D,A" in microseconds, "-" for a phase not reached (no store, no
 * attempt counted). */
static void format_phases(char *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < PHASES && n < cap; i++) {
		const char *sep = i ? "," : "";

		n += (size_t)(phase_us[i] ? kfmt_snprintf(out + n, cap - n, "%s%llu", sep,
							  (unsigned long long)phase_us[i])
					  : kfmt_snprintf(out + n, cap - n, "%s-", sep));
	}
}

/* Appends a log record. It becomes durable with the next commit: the one
 * that makes the attempt durable right before an image starts, or
 * flush_notes() before anything else that may end this boot. One flush per
 * boot keeps the boot manager fast on slow disks. */
static void note(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	kfmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (bm->store)
		persist_log_append(bm->store, level, PERSIST_SRC_BOOTMGR, msg, NULL, 0);
}

static void flush_notes(void)
{
	static bool said;
	int r;

	if (!bm->store)
		return;
	r = persist_log_commit(bm->store);
	if (r)
		kefi_marker("KEEL-PERSIST-LOG status=failed reason=\"%s\"\n", persist_strerror(r));
	else if (!said)
		kefi_trace("KEEL-PERSIST-LOG status=ok\n"); /* this start's records are durable */
	said = said || r == 0;
}

/* Opens the persist store; says why not (screen and serial) when it cannot. */
static void open_store(void)
{
	struct persist_store *store = kefi_alloc(sizeof(*store)); /* ~18 KiB */
	struct persist_port port;
	char uuid[PERSIST_GUID_STRING_LEN + 1];
	int r;

	if (!bm->pick.found) {
		kefi_marker("KEEL-PERSIST status=missing reason=\"no partition of type %s\"\n",
			    PERSIST_PART_TYPE_TEXT);
		kefi_printf("Keel: warning: no persist partition; booting without boot counting "
			    "or fallback.\n");
		return;
	}
	persist_guid_to_string(&bm->pick.uuid, uuid);
	r = !store ? PERSIST_E_NOMEM
	    : !bm->pick.have_dev ? PERSIST_E_NOTFOUND
				 : persist_efi_port(&bm->pe, &bm->pick.dev, &port);
	if (r == 0)
		r = persist_open(store, &port, PERSIST_OPEN_WRITE | PERSIST_OPEN_HINT);
	if (r != 0) {
		kefi_marker("KEEL-PERSIST status=unusable uuid=%s reason=\"%s\"\n", uuid,
			    persist_strerror(r));
		kefi_printf("Keel: warning: the persist partition cannot be used (%s); booting "
			    "without boot counting or fallback. Nothing on it was changed. Repair "
			    "it from Linux with `recovery store repair`.\n",
			    persist_strerror(r));
		kefi_free(store);
		return;
	}
	bm->store = store;
	kefi_trace("KEEL-PERSIST status=ok uuid=%s\n", uuid);
	note(PERSIST_LEVEL_INFO, "bootmgr %s started", KEEL_VERSION);
	/* The previous attempt, if it never reached golden, failed: count it
	 * before choosing, so a third failure is never started a fourth time. */
	r = persist_boot_conclude(store);
	if (r < 0)
		kefi_marker("KEEL-PERSIST status=degraded reason=\"%s\"\n", persist_strerror(r));
	else if (r > 0)
		kefi_marker("KEEL-ATTEMPT-FAILED previous attempt never reached golden\n");
}

static void load_config(void)
{
	static struct bm_diag diag;
	void *self = kefi_self_volume();
	void *text = NULL;
	size_t len = 0;
	int t;

	bm_loader_conf_init(&bm->conf);
	if (self && kefi_file_read(self, LOADER_CONF, &text, &len) == KEFI_OK) {
		char why[200];
		int r = bm_loader_conf_parse(text, len, &bm->conf, &diag);
		kefi_free(text);
		if (r < 0 || diag.n_notes) {
			bm_diag_format(&diag, "loader.conf", why, sizeof(why));
			kefi_marker("KEEL-CONFIG status=%s detail=\"%s\"\n", r < 0 ? "ignored" : "notes",
				    why);
			kefi_printf("Keel: %s%s\n", why,
				    r < 0 ? "; the file is ignored, defaults apply. Fix " LOADER_CONF
					    " on this ESP." : "");
			if (r < 0)
				bm_loader_conf_init(&bm->conf);
		}
	}
	if (bm->conf.trace)
		kefi_marker_release(true);
	bm->timeout_override = -1;
	if ((t = bli_take_timeout_oneshot()) >= 0 || (t = bli_timeout()) >= 0)
		bm->timeout_override = t;
	kefi_trace("KEEL-CONFIG timeout=%d menu=%d tries=%u default=%s\n",
		    bm->timeout_override >= 0 ? bm->timeout_override : (int)bm->conf.timeout_sec,
		    bm->conf.menu, bm->conf.tries,
		    bm->conf.default_pattern[0] ? bm->conf.default_pattern : "-");
}

/* The ids the selection rule may pick: OS entries and other systems. */
static void collect_ids(void)
{
	bm->n_ids = bm_entries_ids(bm->list.entries, bm->ids, BM_ENTRIES_MAX);
	for (size_t i = 0; i < bm->n_ids; i++)
		bm->id_item[i] = (size_t)bm_entries_find(bm->list.entries, bm->ids[i]);
	bli_set_entries(bm->list.entries);
}

/* Default and one-shot requests: the Boot Loader Interface variables win
 * over loader.conf; a pattern picks the first entry (menu order) it matches. */
static void load_requests(void)
{
	char id[BM_ID_MAX];
	int r;

	if (bli_take_oneshot(id, sizeof(id))) {
		kefi_marker("KEEL-ONESHOT id=%s source=LoaderEntryOneShot\n", id);
		if (bm->store && persist_boot_set_oneshot(bm->store, id) == 0)
			note(PERSIST_LEVEL_INFO, "one-shot entry '%s' requested", id);
		else
			bm_strlcpy(bm->oneshot, sizeof(bm->oneshot), id);
	}
	if (bm->store && bm->conf.tries && persist_boot_state(bm->store)->max_tries != bm->conf.tries)
		persist_boot_set_max_tries(bm->store, bm->conf.tries);
	if (bli_default(id, sizeof(id))) {
		bm_strlcpy(bm->default_id, sizeof(bm->default_id), id);
		return;
	}
	if (!bm->conf.default_pattern[0])
		return;
	r = bm_entries_match(bm->list.entries, bm->conf.default_pattern);
	if (r >= 0) {
		bm_strlcpy(bm->default_id, sizeof(bm->default_id), bm->list.entries->e[r].id);
		return;
	}
	kefi_marker("KEEL-CONFIG warning=\"default '%s' matches no entry\"\n",
		    bm->conf.default_pattern);
}

/* The state shown beside each entry; fell_to: the entry the automatic
 * choice fell back to (SIZE_MAX: none), which also says why. */
static void describe_states(size_t fell_to)
{
	const struct persist_boot_state *st = bm->store ? persist_boot_state(bm->store) : NULL;

	for (size_t i = 0; i < bm->list.entries->n; i++) {
		const struct bm_entry *it = &bm->list.entries->e[i];
		const struct persist_entry *e = bm->store ? persist_boot_find(bm->store, it->id) : NULL;
		char *s = bm->states[i];
		size_t cap = sizeof(bm->states[i]);

		s[0] = '\0';
		if (!discover_counted(it))
			continue;
		if (e && e->bad)
			kfmt_snprintf(s, cap, "bad: %u failed attempts", e->failed);
		else if (it->flags & BM_F_BAD)
			kfmt_snprintf(s, cap, "bad: boot counter in its file name at 0");
		else if (st && bm_streq(st->lkg, it->id))
			kfmt_snprintf(s, cap, "last-known-good");
		else if (e && e->failed)
			kfmt_snprintf(s, cap, "tries left %u/%u", st->max_tries - e->failed,
				      st->max_tries);
		else if (it->flags & BM_F_COUNTING)
			kfmt_snprintf(s, cap, "boot counter %u left", it->tries_left);
		if (it->kind == BM_KIND_RECOVERY && !s[0])
			bm_strlcpy(s, cap, "recovery");
		if (i == fell_to) {
			size_t n = bm_strlen(s);
			kfmt_snprintf(s + n, cap - n, "%sfell back here because %s", n ? "; " : "",
				      bm->fallback_why);
		}
	}
}

/* Index into list.items of the entry to boot automatically, or SIZE_MAX. */
static size_t choose(bool *fallback)
{
	const char *ids[BM_ENTRIES_MAX];
	size_t map[BM_ENTRIES_MAX], n = 0;
	bool bad[BM_ENTRIES_MAX];
	struct persist_choice c;

	*fallback = false;
	bm->notice[0] = '\0';
	/* Left out: what failed to load in this power-on. Entries whose
	 * file-name boot counter ran out are bad by systemd's rule, which the
	 * store does not see: the choice skips them as bad. Both stay in the
	 * menu. */
	for (size_t i = 0; i < bm->n_ids; i++)
		if (!bm->failed_now[bm->id_item[i]]) {
			map[n] = bm->id_item[i];
			bad[n] = bm->list.entries->e[map[n]].flags & BM_F_BAD;
			ids[n++] = bm->ids[i];
		}
	if (!bm->store) {
		/* No counting: one-shot, default, else the newest; never bad. */
		const char *want = bm->oneshot[0] ? bm->oneshot : bm->default_id;
		for (size_t i = 0; i < n; i++)
			if (!bad[i] && want[0] && bm_streq(ids[i], want))
				return map[i];
		bm->oneshot[0] = '\0';
		for (size_t i = 0; i < n; i++)
			if (!bad[i])
				return map[i];
		return SIZE_MAX;
	}
	if (persist_boot_choose_among(bm->store, ids, bad, n,
				      bm->default_id[0] ? bm->default_id : NULL, &c) != 0)
		return n ? map[0] : SIZE_MAX;
	*fallback = c.reason == PERSIST_CHOSE_LKG || c.reason == PERSIST_CHOSE_GOLDEN ||
		    c.reason == PERSIST_CHOSE_RECOVERY;
	if (*fallback || c.oneshot_skip != PERSIST_SKIP_NONE)
		persist_choice_describe(bm->store, &c, ids, bm->notice, sizeof(bm->notice));
	if (*fallback) /* for the menu's state of the entry fallen back to */
		persist_choice_reason(bm->store, &c, bm->fallback_why, sizeof(bm->fallback_why));
	if (c.index >= 0)
		return map[c.index];
	for (size_t i = 0; i < bm->list.entries->n; i++)
		if (bm->list.entries->e[i].kind == BM_KIND_RECOVERY && !bm->failed_now[i])
			return i;
	return SIZE_MAX;
}

/* ---- the console's text mode ---- */

#define TEXT_MODES_MAX 64

/* loader.conf's console-mode in its own words. */
static const char *console_setting(char *buf, size_t cap)
{
	switch (bm->conf.console_mode) {
	case BM_CONSOLE_AUTO: return "auto";
	case BM_CONSOLE_MAX: return "max";
	case BM_CONSOLE_NUMBER:
		kfmt_snprintf(buf, cap, "%u", bm->conf.console_mode_number);
		return buf;
	default: return "keep";
	}
}

/*
 * loader.conf's console-mode, applied once, before the menu is first drawn;
 * a boot without a menu leaves the console as the firmware set it. A mode
 * the console lacks, or one the firmware refuses, leaves the mode as it is
 * and says so in the menu, on the serial port and in the log.
 */
static void apply_console_mode(size_t n_items)
{
	static bool done;
	kefi_text_mode fw[TEXT_MODES_MAX];
	struct bm_text_mode modes[TEXT_MODES_MAX];
	char offered[TEXT_MODES_MAX * 18], number[12];
	const char *setting;
	size_t n, current, len = 0;
	int pick, r;

	if (done || bm->conf.console_mode == BM_CONSOLE_KEEP)
		return;
	done = true;
	setting = console_setting(number, sizeof(number));
	n = kefi_screen_modes(fw, TEXT_MODES_MAX, &current);
	offered[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		modes[i] = (struct bm_text_mode){ fw[i].cols, fw[i].rows };
		if (fw[i].cols && len < sizeof(offered))
			len += (size_t)kfmt_snprintf(offered + len, sizeof(offered) - len,
						     "%s%zu (%ux%u)", len ? ", " : "", i,
						     fw[i].cols, fw[i].rows);
	}
	kefi_trace("KEEL-CONSOLE modes=\"%s\" current=%zu\n", offered, current);
	/* The menu's lines: title, blank, the entries, blank, help, countdown,
	 * and a notice with its blank line. */
	pick = bm_console_pick(&bm->conf, modes, n, current, 80, (uint32_t)n_items + 8);
	if (pick == BM_CONSOLE_UNCHANGED) {
		kefi_marker("KEEL-CONSOLE setting=%s mode=%zu changed=no\n", setting, current);
		return;
	}
	r = pick == BM_CONSOLE_MISSING ? KEFI_EINVAL : kefi_screen_set_mode((size_t)pick);
	if (r == KEFI_OK) {
		kefi_marker("KEEL-CONSOLE setting=%s mode=%d cols=%u rows=%u changed=yes\n", setting,
			    pick, modes[pick].cols, modes[pick].rows);
		return;
	}
	if (pick == BM_CONSOLE_MISSING)
		kfmt_snprintf(bm->console_note, sizeof(bm->console_note),
			      "console-mode %s in " LOADER_CONF ": the console has no mode %s "
			      "(it offers %s); it stays in mode %zu. Set keep, auto, max or one of "
			      "those numbers.", setting, setting, len ? offered : "none", current);
	else
		kfmt_snprintf(bm->console_note, sizeof(bm->console_note),
			      "console-mode %s in " LOADER_CONF ": the firmware refused mode %d "
			      "(%s); the console stays in mode %zu. Set keep if this repeats.",
			      setting, pick, kefi_strerror(r), current);
	kefi_marker("KEEL-CONSOLE setting=%s status=%s detail=\"%s\"\n", setting,
		    pick == BM_CONSOLE_MISSING ? "missing" : "failed", bm->console_note);
	note(PERSIST_LEVEL_WARNING, "%s", bm->console_note);
}

/* The menu's notice: why this entry was chosen, and what was wrong with
 * the console's mode; NULL if neither. */
static const char *menu_notice(char *buf, size_t cap)
{
	if (!bm->console_note[0])
		return bm->notice[0] ? bm->notice : NULL;
	if (!bm->notice[0])
		return bm->console_note;
	kfmt_snprintf(buf, cap, "%s\n  %s", bm->notice, bm->console_note);
	return buf;
}

/* ---- the status screen ---- */

static int print_record(void *ctx, const struct persist_record *rec)
{
	(void)ctx;
	kefi_printf("  #%llu boot %llu %-7s %-8s %.*s\n", (unsigned long long)rec->seq,
		    (unsigned long long)rec->boot_id, persist_level_name(rec->level),
		    persist_source_name(rec->source), (int)(rec->msg_len > 90 ? 90 : rec->msg_len),
		    rec->msg);
	return 0;
}

static void show_status(void *ctx)
{
	const struct persist_boot_state *st;
	void *buf;

	(void)ctx;
	kefi_printf("Keel boot manager %s: status\n", KEEL_VERSION);
	kefi_marker("KEEL-STATUS begin\n");
	kefi_printf("\n");
	if (!bm->store) {
		kefi_printf("  No usable persist partition: no attempts or log to show.\n");
		return;
	}
	st = persist_boot_state(bm->store);
	kefi_printf("  last-known-good: %s   tries per entry: %u\n\n  Last boot attempts:\n",
		    st->lkg[0] ? st->lkg : "(none)", st->max_tries);
	for (uint32_t i = st->n_history; i-- > 0 && i + 8 >= st->n_history;) {
		const struct persist_attempt *a = &st->history[i];
		kefi_printf("  boot %llu  %-24s reached %-8s %s\n", (unsigned long long)a->boot_id,
			    a->entry, persist_stage_name(a->stage), persist_outcome_name(a->outcome));
	}
	kefi_printf("\n  Newest log records:\n");
	buf = kefi_alloc(PERSIST_RECORD_MAX);
	if (buf)
		persist_log_last(bm->store, 10, NULL, print_record, NULL, buf, PERSIST_RECORD_MAX);
	kefi_free(buf);
}

/* ---- booting ---- */

struct start_ctx {
	const struct bm_entry *it;
	uint64_t boot_id;
};

/* Right before StartImage: the Boot Loader Interface variables. */
static void before_start(void *ctx)
{
	struct start_ctx *sc = ctx;
	struct kefi_flush_counts flushes = kefi_flush_counts();
	char phases[PHASES * 21]; /* up to 20 digits and a comma each */

	bli_set_selected(sc->it->id);
	format_phases(phases, sizeof(phases));
	kefi_marker("KEEL-BOOT status=starting id=%s boot_id=%llu elapsed_us=%llu phases_us=%s "
		    "flushes_skipped=%llu flushes_passed=%llu\n", sc->it->id,
		    (unsigned long long)sc->boot_id, (unsigned long long)(kefi_time_us() - t_start),
		    phases, flushes.skipped, flushes.passed);
}

/*
 * systemd's boot counting names: rename before the boot, tell the OS. The
 * entry follows its file (bm_entry_renamed): a later boot in this power-on
 * renames the new name, and a unified kernel image is started under it.
 */
static void count_in_file_name(struct bm_entry *it)
{
	char next[BM_FILE_NAME_MAX], path[BM_PATH_MAX + BM_FILE_NAME_MAX];
	int r;

	if (!(it->flags & BM_F_COUNTING)) {
		bli_set_boot_count_path(NULL);
		return;
	}
	if (bm_entry_count_name(it, next, sizeof(next)) < 0 ||
	    bm_bootcount_path(it->source_dir, it->source_name, path, sizeof(path)) < 0)
		return;
	r = kefi_file_rename(bm->list.volumes[it->volume].handle, path, next);
	if (r != KEFI_OK) {
		kefi_marker("KEEL-BOOTCOUNT status=rename-failed file=%s reason=\"%s\"\n", path,
			    kefi_strerror(r));
		return;
	}
	bm_entry_renamed(it, next);
	bm_bootcount_path(it->source_dir, next, path, sizeof(path));
	bli_set_boot_count_path(path);
	kefi_marker("KEEL-BOOTCOUNT file=%s\n", path);
}

/* Kernels older than 5.8 cannot fetch their initrd through Load File 2;
 * their EFI stub loads the files named by `initrd=` words instead (from the
 * kernel's own volume). Reads the kernel's headers to tell. */
static void add_initrd_words(const struct bm_entry *it, void *vol, char *cmdline, size_t cap)
{
	uint8_t *hdr;
	uint64_t size = 0;
	size_t got = 0;
	struct bm_pe_info pe;

	if (it->kind != BM_KIND_BLS || !it->n_initrd || !(hdr = kefi_alloc(BM_PE_HEADER_READ)))
		return;
	if (kefi_file_size(vol, it->path, &size) == KEFI_OK &&
	    kefi_file_read_at(vol, it->path, 0, hdr, BM_PE_HEADER_READ, &got) == KEFI_OK &&
	    bm_pe_parse(hdr, got, size, &pe) == 0 && pe.linux_stub && !pe.initrd_media) {
		bm_buf b = { cmdline, cap, bm_strlen(cmdline), bm_strlen(cmdline) };
		for (uint32_t i = 0; i < it->n_initrd; i++) {
			bm_buf_str(&b, " initrd=");
			bm_buf_str(&b, it->initrd[i]);
		}
		kefi_marker("KEEL-BOOT initrd=cmdline reason=\"kernel without Load File 2 "
			    "initrd support\"\n");
	}
	kefi_free(hdr);
}

/* Starts an OS entry or another system's loader. Returns false if it could
 * not be loaded (the attempt then counts as failed). */
static bool boot_item(struct bm_entry *it, const char *edited, const char *why)
{
	char *cmdline = bm->cmdline;
	struct start_ctx sc = { .it = it };
	struct boot_image img = { .volume = bm->list.volumes[it->volume].handle };
	const char *what = "";
	uint64_t status = 0;
	char idtext[24];
	int err = 0;

	phase_us[PHASE_ATTEMPT] = 0; /* this start's, if it is counted */
	if (bm->store && discover_counted(it)) {
		/* Logged first, with the id the attempt is about to get, so the
		 * attempt's own commit makes this record durable too. */
		note(PERSIST_LEVEL_NOTICE, "booting '%s' (%s), boot id %llu", it->id, why,
		     (unsigned long long)persist_boot_state(bm->store)->next_boot_id);
		int r = persist_boot_begin_attempt(bm->store, it->id, &sc.boot_id);
		if (r != 0) {
			kefi_marker("KEEL-ATTEMPT status=failed id=%s reason=\"%s\"\n", it->id,
				    persist_strerror(r));
			flush_notes();
		} else {
			persist_set_boot_id(bm->store, sc.boot_id);
			flush_notes(); /* nothing left to write: no flush happens */
			kefi_trace("KEEL-ATTEMPT id=%s boot_id=%llu\n", it->id,
				    (unsigned long long)sc.boot_id);
			mark_phase(PHASE_ATTEMPT);
		}
	} else if (bm->store) {
		note(PERSIST_LEVEL_NOTICE, "starting '%s' (%s), not counted", it->id, why);
		flush_notes();
	}
	kfmt_snprintf(idtext, sizeof(idtext), "%llu", (unsigned long long)sc.boot_id);
	if (sc.boot_id)
		kefi_var_set(&keel_vendor, KEEL_VAR_BOOT_ID, idtext, bm_strlen(idtext), false);
	if (it->kind != BM_KIND_FOREIGN) {
		count_in_file_name(it);
		if (bm_cmdline_build(cmdline, CMDLINE_MAX, it->options, edited, sc.boot_id,
				     bm->pick.found ? &bm->pick.uuid : NULL) < 0)
			kefi_marker("KEEL-BOOT warning=\"command line too long or invalid; "
				    "starting with none\"\n");
		for (uint32_t i = 0; i < it->n_initrd && i < BOOT_INITRD_MAX; i++)
			img.initrds[img.n_initrds++] = it->initrd[i];
		add_initrd_words(it, img.volume, cmdline, CMDLINE_MAX);
		img.cmdline = cmdline;
	}
	img.path = it->path; /* after a boot counter's rename */
	kefi_watchdog_arm(MENU_WATCHDOG_S);
	if (boot_start(&img, before_start, &sc, &err, &what, &status) == BOOT_LOAD_FAILED) {
		kefi_marker("KEEL-BOOT status=load-failed id=%s file=%s reason=\"%s\"\n", it->id,
			    what, kefi_strerror(err));
		kefi_printf("Keel: cannot load %s of '%s': %s. Counted as a failed attempt; "
			    "trying the next entry.\n", what, it->title, kefi_strerror(err));
		note(PERSIST_LEVEL_ERR, "cannot load %s of '%s': %s; counted as a failed attempt",
		     what, it->id, kefi_strerror(err));
		flush_notes();
		return false;
	}
	kefi_marker("KEEL-BOOT status=returned id=%s efi_status=0x%llx\n", it->id,
		    (unsigned long long)status);
	note(PERSIST_LEVEL_WARNING, "'%s' returned to the boot manager (status 0x%llx)", it->id,
	     (unsigned long long)status);
	flush_notes();
	return true;
}

static const char *current_cmdline(void *ctx, size_t index)
{
	(void)ctx;
	return bm->list.entries->e[index].options;
}

/* Whether to show the menu, and its countdown (-1: wait). */
static bool want_menu(int *timeout)
{
	int mode = bm->conf.timeout_mode;

	*timeout = (int)bm->conf.timeout_sec;
	if (bm->timeout_override >= 0) {
		mode = BM_TIMEOUT_SECONDS;
		*timeout = bm->timeout_override;
	}
	if (bm->conf.menu == BM_MENU_FORCED || mode == BM_TIMEOUT_MENU_FORCE) {
		*timeout = bm->conf.menu == BM_MENU_FORCED && mode == BM_TIMEOUT_SECONDS &&
				   *timeout > 0 ? *timeout : -1;
		return true;
	}
	if (mode == BM_TIMEOUT_MENU_DISABLED)
		return false;
	if (bm->conf.menu == BM_MENU_HIDDEN || mode == BM_TIMEOUT_MENU_HIDDEN || *timeout == 0) {
		if (!kefi_key_read(0))
			return false;
		*timeout = -1; /* shown by a key pressed while hidden: it waits for the user */
	}
	return true;
}

static void run_builtin(const struct bm_entry *it)
{
	kefi_marker("KEEL-BOOT status=builtin id=%s\n", it->id);
	note(PERSIST_LEVEL_NOTICE, "'%s' chosen", it->id);
	flush_notes();
	if (it->kind == BM_KIND_FIRMWARE) {
		int r = kefi_reboot_to_firmware();
		kefi_printf("Keel: cannot reboot into firmware setup: %s\n", kefi_strerror(r));
		return;
	}
	if (it->kind == BM_KIND_REBOOT)
		kefi_reboot();
	kefi_marker("KEEL-POWEROFF\n");
	kefi_power_off();
}

__attribute__((noreturn)) static void boot_loop(void)
{
	char *edit = bm->edit;
	bool show_menu;
	int timeout;

	show_menu = want_menu(&timeout);
	for (;;) {
		bool fallback, edited = false;
		size_t pick = choose(&fallback);
		const char *why = "default";

		/* The quiet path (no menu, no fallback, nothing to tell) leaves
		 * the trace of what was found off the serial port. */
		kefi_marker_release(show_menu || fallback || bm->notice[0] || pick == SIZE_MAX);
		if (fallback) {
			kefi_marker("KEEL-FALLBACK reason=\"%s\"\n", bm->notice);
			kefi_printf("Keel: %s\n", bm->notice);
			note(PERSIST_LEVEL_WARNING, "fallback: %s", bm->notice);
			why = "fallback";
		} else if (bm->notice[0])
			kefi_marker("KEEL-CHOICE note=\"%s\"\n", bm->notice);
		if (pick == SIZE_MAX) {
			kefi_marker("KEEL-CHOICE none reason=\"no entry can boot automatically\"\n");
			show_menu = true;
			timeout = -1;
		}
		if (show_menu) {
			struct menu_item items[BM_ENTRIES_MAX];

			char notice[sizeof(bm->notice) + sizeof(bm->console_note) + 4];

			apply_console_mode(bm->list.entries->n);
			flush_notes(); /* the menu may wait for a long time */
			describe_states(fallback ? pick : SIZE_MAX);
			struct menu m = { .items = items, .n = bm->list.entries->n, .timeout_s = timeout,
					  .notice = menu_notice(notice, sizeof(notice)),
					  .status = show_status };
			for (size_t i = 0; i < bm->list.entries->n; i++) {
				items[i].id = bm->list.entries->e[i].id;
				items[i].title = bm->list.entries->e[i].title;
				items[i].state = bm->states[i];
				items[i].editable = bm->conf.editor &&
						    discover_counted(&bm->list.entries->e[i]);
			}
			m.selected = pick == SIZE_MAX ? 0 : pick;
			pick = menu_run(&m, current_cmdline, edit, CMDLINE_MAX, &edited);
			why = "chosen in the menu";
		}
		if (!bm_entry_is_bootable(&bm->list.entries->e[pick]) &&
		    bm->list.entries->e[pick].kind != BM_KIND_RECOVERY) {
			run_builtin(&bm->list.entries->e[pick]);
			show_menu = true;
			timeout = -1;
			continue;
		}
		if (boot_item(&bm->list.entries->e[pick], edited ? edit : NULL, why)) {
			/* The image returned: back to the menu, waiting for the user. */
			show_menu = true;
			timeout = -1;
			continue;
		}
		bm->failed_now[pick] = true;
		if (show_menu)
			timeout = -1; /* chosen by hand: let the user choose again */
	}
}

/* Out of firmware memory before anything was chosen: nothing was started
 * or counted, so the firmware's next boot option is the way on. The
 * message stays on the screen long enough to be read. */
static int give_up(const char *when)
{
	if (bm) {
		kefi_marker_release(true);
		kefi_marker("KEEL-BOOT status=out-of-memory when=\"%s\"\n", when);
		note(PERSIST_LEVEL_ERR, "out of firmware memory %s; returned to the firmware", when);
		flush_notes();
	}
	kefi_printf("Keel: out of firmware memory %s. Nothing was started, and this boot is not "
		    "counted as an attempt. Returning to the firmware in %u s: it tries its next "
		    "boot option. If this repeats, boot the recovery medium.\n", when,
		    GIVE_UP_WAIT_S);
	kefi_stall_us((uint64_t)GIVE_UP_WAIT_S * 1000000u);
	return 1;
}

int keel_efi_main(void)
{
	kefi_time_start();
	bm = kefi_alloc(sizeof(*bm));
	if (!bm)
		return give_up("at start");
	/* Never switched off: a hang here or in a kernel's EFI stub resets the
	 * machine, and the next boot counts the attempt as failed. */
	kefi_watchdog_arm(MENU_WATCHDOG_S);
	/* The screen stays clean unless there is something to say or a menu
	 * to show (it has its own title). On the serial port, what bootmgr
	 * finds is held until it knows whether this boot is a quiet one: then
	 * KEEL-BOOT status=starting is its only line. */
	kefi_marker_hold();
	kefi_trace("KEEL-BOOTMGR version=%s\n", KEEL_VERSION);
	/* Nothing non-volatile is written at every boot: NVRAM writes are slow
	 * and wear the flash. The persist partition keeps the history. */
	bli_announce();
	/* The first reading of the clock: the TSC's rate is measured over the
	 * work so far (efi/kefi.h), with no waiting. */
	t_start = kefi_time_start_us();
	mark_phase(PHASE_START);
	kefi_self_partuuid(&bm->pick.self_uuid);
	inventory_disks(&bm->pick);
	mark_phase(PHASE_INVENTORY);
	open_store();
	mark_phase(PHASE_STORE);
	/* Discovery and loading the entry only read the volumes; the firmware's
	 * FAT driver would flush the device at every file it opens. */
	kefi_flush_elide();
	load_config();
	if (discover(&bm->list, &bm->conf) != KEFI_OK)
		return give_up("while looking for systems");
	mark_phase(PHASE_DISCOVERY);
	collect_ids();
	load_requests();
	boot_loop();
}
