/* SPDX-License-Identifier: MIT */
#include "libpersist/guid.h"

#include <stddef.h>

/*
 * Byte order of the text form: the text "00112233-4455-6677-8899-aabbccddeeff"
 * is stored as 33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff.
 * text_order[i] is the stored byte that the i-th printed byte comes from.
 */
static const uint8_t text_order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

char *persist_guid_to_string(const persist_guid *g, char out[PERSIST_GUID_STRING_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (size_t i = 0; i < 16; i++) {
		uint8_t v = g->b[text_order[i]];
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[v >> 4];
		*p++ = hex[v & 15];
	}
	*p = '\0';
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int persist_guid_from_string(const char *s, persist_guid *g)
{
	persist_guid tmp;
	size_t pos = 0;

	for (size_t i = 0; i < 16; i++) {
		int hi, lo;
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			if (s[pos++] != '-')
				return -1;
		}
		hi = hexval(s[pos]);
		lo = hi < 0 ? -1 : hexval(s[pos + 1]);
		if (lo < 0)
			return -1;
		pos += 2;
		tmp.b[text_order[i]] = (uint8_t)(hi << 4 | lo);
	}
	if (s[pos] != '\0')
		return -1;
	*g = tmp;
	return 0;
}

bool persist_guid_equal(const persist_guid *a, const persist_guid *b)
{
	for (size_t i = 0; i < 16; i++)
		if (a->b[i] != b->b[i])
			return false;
	return true;
}

bool persist_guid_is_zero(const persist_guid *g)
{
	for (size_t i = 0; i < 16; i++)
		if (g->b[i])
			return false;
	return true;
}
