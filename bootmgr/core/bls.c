/* SPDX-License-Identifier: MIT */
/* Boot Loader Specification Type #1 entry parser; see bls.h. */
#include "bootmgr/core/bls.h"

#include <stddef.h>

int bm_path_to_firmware(bm_slice p, char *out, size_t cap)
{
	bm_buf b;
	size_t i = 0;

	bm_buf_init(&b, out, cap);
	while (i < p.n) {
		size_t start;

		while (i < p.n && (p.p[i] == '/' || p.p[i] == '\\'))
			i++;
		start = i;
		while (i < p.n && p.p[i] != '/' && p.p[i] != '\\') {
			if ((unsigned char)p.p[i] < 0x20 || p.p[i] == 0x7f)
				return BM_E_BADPATH;
			i++;
		}
		if (i == start || (i - start == 1 && p.p[start] == '.'))
			continue;
		if (i - start == 2 && p.p[start] == '.' && p.p[start + 1] == '.')
			return BM_E_BADPATH;
		bm_buf_put(&b, "\\", 1);
		bm_buf_put(&b, p.p + start, i - start);
	}
	if (b.total == 0)
		return BM_E_BADPATH;
	return bm_buf_ok(&b) ? (int)b.len : BM_E_TOOLONG;
}

int bm_entry_id_from_file(const char *file_name, const char *suffix, char *out, size_t cap,
			  struct bm_bootcount *bc)
{
	struct bm_bootcount c;

	for (const char *s = file_name; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '/' || *s == '\\')
			return BM_E_BADNAME;
	if (bm_bootcount_parse(file_name, suffix, &c))
		return BM_E_BADNAME;
	if (bm_slice_copy(out, cap, (bm_slice){ file_name, c.base_len }) < 0)
		return BM_E_BADNAME;
	if (bc)
		*bc = c;
	return (int)c.base_len;
}

enum key_kind { K_TEXT, K_PATH, K_EFI, K_UKI, K_INITRD, K_OPTIONS, K_ARCH, K_IGNORE };

struct key_def {
	const char *name;
	enum key_kind kind;
	size_t off;  /* field offset in struct bm_bls_entry (K_TEXT, K_PATH) */
	size_t cap;
};

#define FIELD(k, kind, f) { k, kind, offsetof(struct bm_bls_entry, f), sizeof(((struct bm_bls_entry *)0)->f) }

static const struct key_def keys[] = {
	FIELD("title", K_TEXT, title),
	FIELD("version", K_TEXT, version),
	FIELD("sort-key", K_TEXT, sort_key),
	FIELD("machine-id", K_TEXT, machine_id),
	FIELD("linux", K_PATH, linux_path),
	FIELD("efi", K_EFI, efi_path),
	FIELD("uki", K_UKI, efi_path),
	FIELD("architecture", K_ARCH, architecture),
	{ "initrd", K_INITRD, 0, 0 },
	{ "options", K_OPTIONS, 0, 0 },
	{ "devicetree", K_IGNORE, 0, 0 },
	{ "devicetree-overlay", K_IGNORE, 0, 0 },
};

struct parse {
	struct bm_bls_entry *e;
	struct bm_diag *diag;
	uint32_t line;
	uint32_t seen;   /* bit per keys[] index: single-valued keys seen */
};

/* Splits "key<blanks>value" into key and value (value may be empty). */
static void split_key(bm_slice line, bm_slice *key, bm_slice *value)
{
	size_t i = 0;

	while (i < line.n && !bm_isblank(line.p[i]))
		i++;
	*key = (bm_slice){ line.p, i };
	*value = bm_slice_trim((bm_slice){ line.p + i, line.n - i });
}

static int fail(struct parse *ps, int err, bm_slice key)
{
	return bm_diag_fail(ps->diag, ps->line, err, key.p, key.n);
}

static int add_options(struct parse *ps, bm_slice key, bm_slice value)
{
	char *o = ps->e->options;
	size_t have = bm_strlen(o), need = have + (have && value.n ? 1 : 0) + value.n;

	if (need >= sizeof(ps->e->options))
		return fail(ps, BM_E_TOOLONG, key);
	if (have && value.n)
		o[have++] = ' ';
	bm_memcpy(o + have, value.p, value.n);
	o[need] = '\0';
	return 0;
}

static int set_path(struct parse *ps, bm_slice key, bm_slice value, char *dst, size_t cap)
{
	int r = bm_path_to_firmware(value, dst, cap);

	return r < 0 ? fail(ps, r, key) : 0;
}

static int apply(struct parse *ps, size_t k, bm_slice key, bm_slice value)
{
	const struct key_def *d = &keys[k];
	char *field = (char *)ps->e + d->off;

	switch (d->kind) {
	case K_OPTIONS:
		return add_options(ps, key, value);
	case K_INITRD:
		if (ps->e->n_initrd >= BM_INITRD_MAX)
			return fail(ps, BM_E_TOOMANY, key);
		return set_path(ps, key, value, ps->e->initrd[ps->e->n_initrd++], BM_PATH_MAX);
	case K_IGNORE:
		bm_diag_note(ps->diag, ps->line, BM_N_IGNORED_KEY, key.p, key.n);
		return 0;
	default:
		break;
	}
	if (ps->seen & (1u << k))
		bm_diag_note(ps->diag, ps->line, BM_N_DUPLICATE, key.p, key.n);
	ps->seen |= 1u << k;
	if (d->kind == K_UKI || d->kind == K_EFI)
		ps->e->efi_is_uki = d->kind == K_UKI;
	if (d->kind == K_TEXT || d->kind == K_ARCH)
		value = bm_slice_unquote(value);
	if (d->kind == K_TEXT || d->kind == K_ARCH)
		return bm_slice_copy(field, d->cap, value) < 0 ? fail(ps, BM_E_TOOLONG, key) : 0;
	return set_path(ps, key, value, field, d->cap);
}

static bool has_control(bm_slice s)
{
	for (size_t i = 0; i < s.n; i++)
		if (((unsigned char)s.p[i] < 0x20 && s.p[i] != '\t') || s.p[i] == 0x7f)
			return true;
	return false;
}

static int parse_line(struct parse *ps, bm_slice line)
{
	bm_slice key, value;

	line = bm_slice_trim(line);
	if (line.n == 0 || line.p[0] == '#')
		return 0;
	if (has_control(line))
		return fail(ps, BM_E_CONTROL, (bm_slice){ "", 0 });
	split_key(line, &key, &value);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (!bm_slice_eq(key, keys[k].name))
			continue;
		if (value.n == 0 && keys[k].kind != K_OPTIONS && keys[k].kind != K_IGNORE) {
			bm_diag_note(ps->diag, ps->line, BM_N_BAD_VALUE, key.p, key.n);
			return 0;
		}
		return apply(ps, k, key, value);
	}
	bm_diag_note(ps->diag, ps->line, BM_N_UNKNOWN_KEY, key.p, key.n);
	return 0;
}

/* Checks what the whole entry needs once every line was read. */
static int finish(struct parse *ps)
{
	struct bm_bls_entry *e = ps->e;
	bm_slice none = { "", 0 };

	ps->line = 0;
	if (e->architecture[0] && !bm_strcaseeq(e->architecture, BM_NATIVE_ARCH))
		return fail(ps, BM_E_ARCH, bm_slice_of("architecture"));
	if (!e->linux_path[0] && !e->efi_path[0])
		return fail(ps, BM_E_NOKERNEL, none);
	if (e->linux_path[0] && e->efi_path[0]) {
		bm_diag_note(ps->diag, 0, BM_N_EFI_IGNORED, e->efi_is_uki ? "uki" : "efi", 3);
		e->efi_path[0] = '\0';
		e->efi_is_uki = false;
	}
	return 0;
}

int bm_bls_parse(const char *file_name, const char *text, size_t len, struct bm_bls_entry *out,
		 struct bm_diag *diag)
{
	struct parse ps = { .e = out, .diag = diag };
	bm_slice rest = { text, len }, line;
	int r;

	bm_diag_clear(diag);
	bm_memset(out, 0, sizeof(*out));
	if (!file_name || (!text && len))
		return bm_diag_fail(diag, 0, BM_E_INVAL, "", 0);
	if (bm_strlcpy(out->file_name, sizeof(out->file_name), file_name) < 0 ||
	    bm_entry_id_from_file(file_name, ".conf", out->id, sizeof(out->id), &out->count) < 0) {
		r = bm_diag_fail(diag, 0, BM_E_BADNAME, "", 0);
		goto out;
	}
	while (bm_slice_next_line(&rest, &line)) {
		ps.line++;
		r = parse_line(&ps, line);
		if (r < 0)
			goto out;
	}
	r = finish(&ps);
out:
	if (r < 0)
		bm_memset(out, 0, sizeof(*out));
	return r;
}
