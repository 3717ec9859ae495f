/* SPDX-License-Identifier: MIT */
/*
 * next.efi — a tiny EFI program for system tests: proves that bootmgr can
 * load and start another image from its volume and regain control after.
 */
#include "efi/kefi.h"

int keel_efi_main(void)
{
	kefi_printf("KEEL-TEST next.efi started\n");
	return 0;
}
