/* SPDX-License-Identifier: MIT */
/* Kernel command-line builder; see cmdline.h. */
#include "bootmgr/core/cmdline.h"
#include "bootmgr/core/diag.h"
#include "bootmgr/core/str.h"

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds the next word at *s (quotes keep blanks inside a word). Sets *quote_open
 * if the word ends inside an unclosed quote. Returns false at the end. */
static bool next_word(const char **s, bm_slice *w, bool *quote_open)
{
	const char *p = *s;
	bool q = false;

	while (*p && is_sep(*p))
		p++;
	if (!*p)
		return false;
	w->p = p;
	while (*p && (q || !is_sep(*p))) {
		if (*p == '"')
			q = !q;
		p++;
	}
	w->n = (size_t)(p - w->p);
	*quote_open = q;
	*s = p;
	return true;
}

/* Whether word w starts with prefix the way the kernel reads parameter
 * names: quotes are dropped and '-' equals '_'. */
static bool word_has_prefix(bm_slice w, const char *prefix)
{
	size_t i = 0;

	for (; *prefix; prefix++) {
		char c;

		while (i < w.n && w.p[i] == '"')
			i++;
		if (i == w.n)
			return false;
		c = w.p[i++] == '-' ? '_' : w.p[i - 1];
		if (c != (*prefix == '-' ? '_' : *prefix))
			return false;
	}
	return true;
}

static bool is_keel_word(bm_slice w)
{
	return word_has_prefix(w, "keel.boot_id=") || word_has_prefix(w, "keel.persist=");
}

static void put_word(bm_buf *b, bm_slice w, bool close_quote)
{
	if (b->total)
		bm_buf_put(b, " ", 1);
	bm_buf_put(b, w.p, w.n);
	if (close_quote)
		bm_buf_put(b, "\"", 1);
}

static void put_keel_words(bm_buf *b, uint64_t boot_id, const persist_guid *uuid)
{
	char text[PERSIST_GUID_STRING_LEN + 1];

	/* Boot id 0: no attempt was recorded (no usable persist partition). */
	if (boot_id) {
		if (b->total)
			bm_buf_put(b, " ", 1);
		bm_buf_str(b, "keel.boot_id=");
		bm_buf_u64(b, boot_id);
	}
	if (uuid && !persist_guid_is_zero(uuid)) {
		if (b->total)
			bm_buf_put(b, " ", 1);
		bm_buf_str(b, "keel.persist=PARTUUID=");
		bm_buf_str(b, persist_guid_to_string(uuid, text));
	}
}

int bm_cmdline_build(char *out, size_t cap, const char *options, const char *edited,
		     uint64_t boot_id, const persist_guid *persist_uuid)
{
	const char *src = edited ? edited : options ? options : "";
	bool keel_done = false, open;
	bm_slice w;
	bm_buf b;

	for (const char *p = src; *p; p++)
		if (((unsigned char)*p < 0x20 && !is_sep(*p)) || *p == 0x7f)
			return cap ? (out[0] = '\0', BM_E_CONTROL) : BM_E_CONTROL;
	bm_buf_init(&b, out, cap);
	while (next_word(&src, &w, &open)) {
		if (is_keel_word(w))
			continue;
		if (!keel_done && bm_slice_eq(w, "--")) {
			put_keel_words(&b, boot_id, persist_uuid);
			keel_done = true;
		}
		put_word(&b, w, open);
	}
	if (!keel_done)
		put_keel_words(&b, boot_id, persist_uuid);
	if (!bm_buf_ok(&b)) {
		if (cap)
			out[0] = '\0';
		return BM_E_TOOLONG;
	}
	return (int)b.len;
}
