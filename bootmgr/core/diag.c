/* SPDX-License-Identifier: MIT */
/* Parser diagnostics; see diag.h. */
#include "bootmgr/core/diag.h"
#include "bootmgr/core/str.h"

static void set_key(char *dst, const char *key, size_t n)
{
	if (!key)
		n = 0;
	if (n >= BM_DIAG_KEY)
		n = BM_DIAG_KEY - 1;
	for (size_t i = 0; i < n; i++) /* keep the text printable */
		dst[i] = (key[i] >= 0x20 && key[i] < 0x7f) ? key[i] : '?';
	dst[n] = '\0';
}

void bm_diag_clear(struct bm_diag *d)
{
	if (d)
		bm_memset(d, 0, sizeof(*d));
}

void bm_diag_note(struct bm_diag *d, uint32_t line, int code, const char *key, size_t key_len)
{
	struct bm_note *n;

	if (!d)
		return;
	if (d->n_notes >= BM_DIAG_NOTES) {
		d->dropped++;
		return;
	}
	n = &d->notes[d->n_notes++];
	n->line = line;
	n->code = code;
	set_key(n->key, key, key_len);
}

int bm_diag_fail(struct bm_diag *d, uint32_t line, int err, const char *key, size_t key_len)
{
	if (d) {
		d->err = err;
		d->err_line = line;
		set_key(d->err_key, key, key_len);
	}
	return err;
}

const char *bm_strerror(int code)
{
	switch (code) {
	case BM_OK: return "ok";
	case BM_E_INVAL: return "invalid argument";
	case BM_E_TOOLONG: return "value too long";
	case BM_E_SYNTAX: return "line is not a key followed by a value";
	case BM_E_NOKERNEL: return "entry names no 'linux', 'efi' or 'uki' image";
	case BM_E_ARCH: return "entry is for another architecture";
	case BM_E_BADPATH: return "path is empty or contains '..'";
	case BM_E_TOOMANY: return "too many initrd lines";
	case BM_E_BADNAME: return "file name cannot be used as an entry id";
	case BM_E_FULL: return "list is full";
	case BM_E_NOTPE: return "not a PE/COFF image";
	case BM_E_TRUNCATED: return "image headers are truncated";
	case BM_E_BADPE: return "PE header fields out of range";
	case BM_E_NOTFOUND: return "not found";
	case BM_E_CONTROL: return "control character in text";
	case BM_N_UNKNOWN_KEY: return "unknown key ignored";
	case BM_N_IGNORED_KEY: return "key not used by Keel, ignored";
	case BM_N_DUPLICATE: return "key given again, the last value is used";
	case BM_N_BAD_VALUE: return "value not understood, ignored";
	case BM_N_EFI_IGNORED: return "both 'linux' and 'efi' given, 'efi' ignored";
	default: return "unknown error";
	}
}

static void put_item(bm_buf *b, uint32_t line, const char *key, int code)
{
	if (line) {
		bm_buf_str(b, "line ");
		bm_buf_u64(b, line);
		bm_buf_str(b, ": ");
	}
	if (key[0]) {
		bm_buf_str(b, "key '");
		bm_buf_str(b, key);
		bm_buf_str(b, "': ");
	}
	bm_buf_str(b, bm_strerror(code));
}

size_t bm_diag_format(const struct bm_diag *d, const char *what, char *out, size_t cap)
{
	bm_buf b;

	bm_buf_init(&b, out, cap);
	bm_buf_str(&b, what ? what : "input");
	bm_buf_str(&b, ": ");
	if (d->err)
		put_item(&b, d->err_line, d->err_key, d->err);
	else
		bm_buf_str(&b, "ok");
	for (uint32_t i = 0; i < d->n_notes && i < BM_DIAG_NOTES; i++) {
		bm_buf_str(&b, "; ");
		put_item(&b, d->notes[i].line, d->notes[i].key, d->notes[i].code);
	}
	if (d->dropped) {
		bm_buf_str(&b, "; ");
		bm_buf_u64(&b, d->dropped);
		bm_buf_str(&b, " more notes");
	}
	return b.total;
}
