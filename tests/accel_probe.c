/* SPDX-License-Identifier: MIT */
/* Prints the accelerator the QEMU harness uses here ("kvm" or "tcg"). */
#include <stdio.h>

#include "tests/qemu.h"

int main(void)
{
	puts(vm_accel());
	return 0;
}
