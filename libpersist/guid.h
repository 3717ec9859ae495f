/* SPDX-License-Identifier: MIT */
/*
 * GUIDs in their on-disk byte order (GPT, EFI variables): the first three
 * fields little-endian, the last eight bytes as they are. Text form is the
 * usual lower-case 8-4-4-4-12 ("c12a7328-f81f-11d2-ba4b-00a0c93ec93b").
 */
#ifndef KEEL_PERSIST_GUID_H
#define KEEL_PERSIST_GUID_H

#include <stdbool.h>
#include <stdint.h>

#define PERSIST_GUID_STRING_LEN 36

typedef struct persist_guid {
	uint8_t b[16];
} persist_guid;

/* Writes the 36-character text form plus NUL into out. Returns out. */
char *persist_guid_to_string(const persist_guid *g, char out[PERSIST_GUID_STRING_LEN + 1]);
/* Parses the text form (either case, no braces). Returns 0, or -1 on bad
 * input leaving *g untouched. */
int persist_guid_from_string(const char *s, persist_guid *g);
bool persist_guid_equal(const persist_guid *a, const persist_guid *b);
bool persist_guid_is_zero(const persist_guid *g);

#endif
