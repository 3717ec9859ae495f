/* SPDX-License-Identifier: MIT */
/* os-release parser; see osrel.h. */
#include "bootmgr/core/osrel.h"
#include "bootmgr/core/str.h"

#include <stddef.h>

static const struct {
	const char *key;
	size_t off;
} fields[] = {
	{ "PRETTY_NAME", offsetof(struct bm_os_release, pretty_name) },
	{ "NAME", offsetof(struct bm_os_release, name) },
	{ "ID", offsetof(struct bm_os_release, id) },
	{ "VERSION_ID", offsetof(struct bm_os_release, version_id) },
	{ "VERSION", offsetof(struct bm_os_release, version) },
	{ "IMAGE_ID", offsetof(struct bm_os_release, image_id) },
	{ "IMAGE_VERSION", offsetof(struct bm_os_release, image_version) },
	{ "BUILD_ID", offsetof(struct bm_os_release, build_id) },
};

static bool valid_key(bm_slice k)
{
	if (k.n == 0 || bm_isdigit(k.p[0]))
		return false;
	for (size_t i = 0; i < k.n; i++)
		if (!bm_isalpha(k.p[i]) && !bm_isdigit(k.p[i]) && k.p[i] != '_')
			return false;
	return true;
}

/* Appends byte c to out, counting bytes even past the end. */
static void put(char *out, size_t cap, size_t *n, char c)
{
	if (*n + 1 < cap)
		out[*n] = c;
	(*n)++;
}

/*
 * Unquotes value v into out[cap]. Returns the unquoted length (which may be
 * >= cap: too long), or -1 for bad quoting or a trailing unquoted blank
 * followed by more text.
 */
static long unquote(bm_slice v, char *out, size_t cap)
{
	size_t i = 0, n = 0;

	while (i < v.n) {
		char c = v.p[i++];

		if (c == '\'') {
			while (i < v.n && v.p[i] != '\'')
				put(out, cap, &n, v.p[i++]);
			if (i++ >= v.n)
				return -1;
		} else if (c == '"') {
			while (i < v.n && v.p[i] != '"') {
				c = v.p[i++];
				if (c == '\\' && i < v.n &&
				    (v.p[i] == '"' || v.p[i] == '\\' || v.p[i] == '$' || v.p[i] == '`'))
					c = v.p[i++];
				put(out, cap, &n, c);
			}
			if (i++ >= v.n)
				return -1;
		} else if (c == '\\') {
			if (i >= v.n)
				return -1;
			put(out, cap, &n, v.p[i++]);
		} else if (bm_isblank(c)) {
			return -1; /* unquoted blank: "A=b c" is not one value */
		} else if (c == '$' || c == '`') {
			return -1; /* expansions are not allowed */
		} else {
			put(out, cap, &n, c);
		}
	}
	if (cap)
		out[n < cap ? n : cap - 1] = '\0';
	return (long)n;
}

static void assign(struct bm_os_release *out, bm_slice key, bm_slice value, uint32_t line,
		   struct bm_diag *diag)
{
	char tmp[BM_OSREL_VALUE_MAX];
	long n;

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		if (!bm_slice_eq(key, fields[f].key))
			continue;
		n = unquote(value, tmp, sizeof(tmp));
		if (n < 0)
			bm_diag_note(diag, line, BM_N_BAD_VALUE, key.p, key.n);
		else if ((size_t)n >= sizeof(tmp))
			bm_diag_note(diag, line, BM_E_TOOLONG, key.p, key.n);
		else
			bm_memcpy((char *)out + fields[f].off, tmp, (size_t)n + 1);
		return;
	}
	/* Other keys (HOME_URL, ...) are valid but of no use here. */
}

int bm_os_release_parse(const char *text, size_t len, struct bm_os_release *out,
			struct bm_diag *diag)
{
	bm_slice rest = { text, len }, line;
	uint32_t lineno = 0;

	bm_diag_clear(diag);
	bm_memset(out, 0, sizeof(*out));
	if (!text && len)
		return bm_diag_fail(diag, 0, BM_E_INVAL, "", 0);
	rest.n = bm_strnlen(text ? text : "", len);
	while (bm_slice_next_line(&rest, &line)) {
		size_t eq = 0;

		lineno++;
		line = bm_slice_trim(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		while (eq < line.n && line.p[eq] != '=')
			eq++;
		if (eq == line.n || !valid_key((bm_slice){ line.p, eq })) {
			bm_diag_note(diag, lineno, BM_E_SYNTAX, line.p, eq);
			continue;
		}
		assign(out, (bm_slice){ line.p, eq }, (bm_slice){ line.p + eq + 1, line.n - eq - 1 },
		       lineno, diag);
	}
	return 0;
}
