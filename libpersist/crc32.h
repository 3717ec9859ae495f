/* SPDX-License-Identifier: MIT */
#ifndef KEEL_PERSIST_CRC32_H
#define KEEL_PERSIST_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as used by GPT, zlib
 * and Keel's own formats. Chain calls by passing the previous result as
 * `crc`; start with 0. Example: persist_crc32(0, "123456789", 9) == 0xCBF43926.
 */
uint32_t persist_crc32(uint32_t crc, const void *data, size_t len);

#endif
