# tests/ — the unit-test framework, the QEMU harness, system tests, runner.

DEBIAN_PACKAGES += libblkid-dev

HARNESS_OBJS := $(B)/tests/qemu.o

$(B)/tests/accel_probe: $(B)/tests/accel_probe.o $(HARNESS_OBJS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

# The accelerator QEMU can use here (probed once per build folder).
$(B)/tests/accel: $(B)/tests/accel_probe $(OVMF_CODE)
	@$< >/dev/null
	@echo "keel: QEMU accelerator: $$(cat $@)"

# A tiny EFI program bootmgr chain-loads in the system tests.
$(B)/tests/next.so: $(B)/fw/tests/next_efi.o $(KEFI_FW_OBJS) $(PERSIST_FW_OBJS)

# Test disks: the bootable one carries next.efi too; the data one has an
# empty ESP (distinct GUIDs, so each disk is identifiable in the markers).
$(B)/tests/chain.img: $(B)/bootmgr/bootmgr.efi $(B)/tests/next.efi images/mkdisk.sh
	@sh images/mkdisk.sh $@ --disk-guid 4b45454c-0000-4000-8000-0000000000c1 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000c2 \
		$(B)/bootmgr/bootmgr.efi='\EFI\BOOT\BOOTX64.EFI' $(B)/tests/next.efi='\EFI\BOOT\next.efi'
$(B)/tests/data.img: images/mkdisk.sh
	@mkdir -p $(@D)
	@sh images/mkdisk.sh $@ --size 300 --esp-size 260 --label KEEL-DATA \
		--disk-guid 4b45454c-0000-4000-8000-0000000000d1 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000d2

$(B)/tests/boot_test: $(B)/tests/boot_test.o $(HARNESS_OBJS) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@ -lblkid
SYSTEM_TESTS += $(B)/tests/boot_test
SYSTEM_TEST_INPUTS += $(B)/images/keel.img $(B)/tests/chain.img $(B)/tests/data.img \
	$(OVMF_CODE) $(B)/tests/accel

$(B)/tests/cli_test: $(B)/tests/cli_test.o $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
SYSTEM_TESTS += $(B)/tests/cli_test

# A disk with an ESP and an (unformatted) persist partition right after it.
# The type GUID comes from the one place that defines it.
PERSIST_TYPE_GUID := $(shell sed -n 's/^\#define PERSIST_PART_TYPE_TEXT "\(.*\)"/\1/p' libpersist/persist.h)
$(B)/tests/persist-blank.img: $(B)/bootmgr/bootmgr.efi images/mkdisk.sh
	@sh images/mkdisk.sh $@ --disk-guid 4b45454c-0000-4000-8000-0000000000f0 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000f1 \
		--part $(PERSIST_TYPE_GUID):4b45454c-0000-4000-8000-0000000000f2:16:persist \
		$(B)/bootmgr/bootmgr.efi='\EFI\BOOT\BOOTX64.EFI'

$(B)/tests/persist_boot_test: $(B)/tests/persist_boot_test.o $(HARNESS_OBJS) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
SYSTEM_TESTS += $(B)/tests/persist_boot_test
SYSTEM_TEST_INPUTS += $(B)/tests/persist-blank.img $(B)/recovery/recovery
