/* SPDX-License-Identifier: MIT */
/*
 * Error codes and diagnostics shared by the boot manager's parsers.
 *
 * Parsers never print. A fatal problem is returned as a negative BM_E_*
 * code and also recorded in the caller's bm_diag (line and key); problems
 * that do not stop parsing (an unknown key, a value that was ignored) are
 * recorded there as notes with a positive BM_N_* code. The firmware menu or
 * a Linux tool turns them into text with bm_strerror() and bm_diag_format().
 */
#ifndef KEEL_BOOTMGR_CORE_DIAG_H
#define KEEL_BOOTMGR_CORE_DIAG_H

#include <stddef.h>
#include <stdint.h>

enum {
	BM_OK = 0,
	BM_E_INVAL = -1,      /* bad argument from the caller */
	BM_E_TOOLONG = -2,    /* a value does not fit its field */
	BM_E_SYNTAX = -3,     /* a line is not "key value" / "KEY=VALUE" */
	BM_E_NOKERNEL = -4,   /* the entry names neither linux nor efi/uki */
	BM_E_ARCH = -5,       /* the entry is for another architecture */
	BM_E_BADPATH = -6,    /* a path is empty, relative to "..", or odd */
	BM_E_TOOMANY = -7,    /* more initrd lines than BM_INITRD_MAX */
	BM_E_BADNAME = -8,    /* file name unusable as an entry id */
	BM_E_FULL = -9,       /* a fixed-capacity list is full */
	BM_E_NOTPE = -10,     /* not an MZ/PE image */
	BM_E_TRUNCATED = -11, /* headers run past the data given */
	BM_E_BADPE = -12,     /* PE header fields out of range */
	BM_E_NOTFOUND = -13,  /* no such section / entry */
	BM_E_CONTROL = -14,   /* a control character or NUL byte in text */
};

enum {
	BM_N_UNKNOWN_KEY = 1, /* key not known: ignored */
	BM_N_IGNORED_KEY = 2, /* key known but not used by Keel (devicetree) */
	BM_N_DUPLICATE = 3,   /* a single-value key given again: last wins */
	BM_N_BAD_VALUE = 4,   /* value not understood: ignored, default kept */
	BM_N_EFI_IGNORED = 5, /* both linux and efi given: linux used */
};

#define BM_DIAG_NOTES 8
#define BM_DIAG_KEY 24

struct bm_note {
	uint32_t line;              /* 1-based line number, 0 = whole file */
	int code;                   /* BM_N_* or BM_E_* */
	char key[BM_DIAG_KEY];      /* the key concerned (cut to fit), or "" */
};

/* What a parser found wrong. Zero it (or let the parser do it) before use. */
struct bm_diag {
	int err;                    /* the fatal BM_E_* code, 0 if none */
	uint32_t err_line;          /* its line, 0 if not tied to one */
	char err_key[BM_DIAG_KEY];  /* its key, or "" */
	uint32_t n_notes;           /* notes kept (<= BM_DIAG_NOTES) */
	uint32_t dropped;           /* notes that did not fit */
	struct bm_note notes[BM_DIAG_NOTES];
};

void bm_diag_clear(struct bm_diag *d);
/* Records a note (d may be NULL). */
void bm_diag_note(struct bm_diag *d, uint32_t line, int code, const char *key, size_t key_len);
/* Records the fatal error and returns err, so parsers can write
 * `return bm_diag_fail(d, line, BM_E_TOOLONG, key, n);`. */
int bm_diag_fail(struct bm_diag *d, uint32_t line, int err, const char *key, size_t key_len);

/* Static English text for a BM_E_* or BM_N_* code. */
const char *bm_strerror(int code);
/*
 * Writes "WHAT: line N: key 'K': TEXT" for the error (or "WHAT: ok") and
 * one "; line N: ..." part per note into out. `what` names the file.
 * Returns the length the full text needs, like snprintf.
 */
size_t bm_diag_format(const struct bm_diag *d, const char *what, char *out, size_t cap);

#endif
