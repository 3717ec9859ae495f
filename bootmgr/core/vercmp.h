/* SPDX-License-Identifier: MIT */
/*
 * Version comparison of the UAPI Version Format Specification, with the
 * exact results of systemd's strverscmp_improved() (which bootctl and
 * systemd-boot use to order Boot Loader Specification entries):
 *
 *   - only a-z A-Z 0-9 and - . ~ ^ count; other bytes separate segments;
 *   - '~' sorts before everything, even the end of the string
 *     ("1~rc1" < "1", "~1" < "");
 *   - at the end of one string, the longer string is newer ("1" < "1.0");
 *   - '-' sorts before '^', which sorts before '.', which sorts before a
 *     segment with no prefix ("1-1" < "1^1" < "1.1" < "1a");
 *   - numeric segments compare as numbers (leading zeros ignored) and are
 *     newer than alphabetic ones; letters compare by ASCII ("A" < "a").
 */
#ifndef KEEL_BOOTMGR_CORE_VERCMP_H
#define KEEL_BOOTMGR_CORE_VERCMP_H

/* Returns -1, 0 or 1 as a is older than, equal to or newer than b. NULL
 * counts as "". */
int bm_vercmp(const char *a, const char *b);

#endif
