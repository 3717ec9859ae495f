/* SPDX-License-Identifier: MIT */
/* Boot-counting file names; see bootcount.h. */
#include "bootmgr/core/bootcount.h"
#include "bootmgr/core/diag.h"
#include "bootmgr/core/str.h"

/* Parses a decimal run at s[*i..end) without a limit check beyond
 * BM_TRIES_MAX; false if empty or too big. */
static bool parse_counter(const char *s, size_t *i, size_t end, uint32_t *out)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < end && bm_isdigit(s[*i])) {
		v = v * 10 + (uint64_t)(s[*i] - '0');
		if (v > BM_TRIES_MAX)
			return false;
		(*i)++;
	}
	if (*i == start)
		return false;
	*out = (uint32_t)v;
	return true;
}

int bm_bootcount_parse(const char *name, const char *suffix, struct bm_bootcount *bc)
{
	size_t len = bm_strlen(name), sl = bm_strlen(suffix), stem, plus, i;
	struct bm_bootcount r = { 0 };

	if (len <= sl || !bm_strcaseeq(name + len - sl, suffix))
		return BM_E_BADNAME;
	stem = len - sl;
	r.base_len = stem;
	/* The last '+' in the stem starts the counter. */
	for (plus = stem; plus > 0 && name[plus - 1] != '+'; plus--)
		;
	if (plus > 0) {
		i = plus;
		if (parse_counter(name, &i, stem, &r.left) &&
		    (i == stem || (name[i] == '-' && (i++, parse_counter(name, &i, stem, &r.done)))) &&
		    i == stem) {
			r.counting = true;
			r.base_len = plus - 1;
		} else {
			r.left = r.done = 0;
		}
	}
	if (r.base_len == 0)
		return BM_E_BADNAME;
	*bc = r;
	return 0;
}

int bm_bootcount_next_name(const char *name, const char *suffix, char *out, size_t cap)
{
	struct bm_bootcount bc;
	size_t len = bm_strlen(name), sl = bm_strlen(suffix);
	bm_buf b;

	if (bm_bootcount_parse(name, suffix, &bc) || !bc.counting)
		return BM_E_INVAL;
	bm_buf_init(&b, out, cap);
	bm_buf_put(&b, name, bc.base_len);
	bm_buf_str(&b, "+");
	bm_buf_u64(&b, bc.left ? bc.left - 1 : 0);
	bm_buf_str(&b, "-");
	bm_buf_u64(&b, bc.done < BM_TRIES_MAX ? bc.done + 1 : BM_TRIES_MAX);
	bm_buf_put(&b, name + len - sl, sl); /* the suffix as spelled */
	return bm_buf_ok(&b) ? (int)b.len : BM_E_TOOLONG;
}

/* Appends path s in backslash form: one separator between components. */
static void put_path(bm_buf *b, const char *s)
{
	for (; *s; s++) {
		bool sep = *s == '/' || *s == '\\';

		if (!sep) {
			bm_buf_put(b, s, 1);
		} else if (b->len == 0 || b->p[b->len - 1] != '\\') {
			bm_buf_put(b, "\\", 1);
		}
	}
}

int bm_bootcount_path(const char *dir, const char *file_name, char *out, size_t cap)
{
	bm_buf b;

	bm_buf_init(&b, out, cap);
	bm_buf_put(&b, "\\", 1);
	put_path(&b, dir);
	if (b.len == 0 || b.p[b.len - 1] != '\\')
		bm_buf_put(&b, "\\", 1);
	put_path(&b, file_name);
	return bm_buf_ok(&b) ? (int)b.len : BM_E_TOOLONG;
}
