/* SPDX-License-Identifier: MIT */
#include "libpersist/crc32.h"

/*
 * Slice-by-one table, built at compile time by the macro below so the
 * freestanding build needs no initialisation call and no writable data.
 */
#define P 0xEDB88320u
#define B1(c) (((c) >> 1) ^ (((c) & 1u) ? P : 0u))
#define B8(c) B1(B1(B1(B1(B1(B1(B1(B1(c))))))))
#define R4(n) B8(n), B8(n + 1), B8(n + 2), B8(n + 3)
#define R16(n) R4(n), R4(n + 4), R4(n + 8), R4(n + 12)
#define R64(n) R16(n), R16(n + 16), R16(n + 32), R16(n + 48)

static const uint32_t crc_table[256] = { R64(0u), R64(64u), R64(128u), R64(192u) };

uint32_t persist_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xffu] ^ (crc >> 8);
	return ~crc;
}
