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

# Test disks: the bootable one has one Boot Loader Specification entry that
# starts next.efi, and a hidden menu; the data one has an empty ESP
# (distinct GUIDs, so each disk is identifiable in the markers).
$(B)/tests/esp/chain/loader.conf:
	@mkdir -p $(@D) && printf 'timeout 0\n' >$@
$(B)/tests/esp/chain/next.conf:
	@mkdir -p $(@D) && printf 'title Test program\nefi /EFI/keel-test/next.efi\noptions chain-test\n' >$@
$(B)/tests/chain.img: $(B)/bootmgr/bootmgr.efi $(B)/tests/next.efi images/mkdisk.sh \
		$(B)/tests/esp/chain/loader.conf $(B)/tests/esp/chain/next.conf
	@sh images/mkdisk.sh $@ --disk-guid 4b45454c-0000-4000-8000-0000000000c1 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000c2 \
		$(B)/bootmgr/bootmgr.efi='\EFI\BOOT\BOOTX64.EFI' \
		$(B)/tests/next.efi='\EFI\keel-test\next.efi' \
		$(B)/tests/esp/chain/loader.conf='\loader\loader.conf' \
		$(B)/tests/esp/chain/next.conf='\loader\entries\next.conf'
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

# ---- bootmgr system tests (tests/bootmgr_test.c) ----
# Disk A: Keel's ESP (menu forced) with one entry, and a persist partition.
# Disk B: another ESP with its own entry plus Windows's and another
# distribution's loaders (test programs standing in for them).
# Disk C: only a removable-media fallback loader.
# Disk F: Keel's ESP with a hidden menu and a persist partition, for the
# counting and fallback scenarios (the test adds entries as it goes).
$(B)/tests/bm-a.img: $(B)/bootmgr/bootmgr.efi $(B)/tests/next.efi images/mkdisk.sh \
		tests/bootmgr-esp/a-loader.conf tests/bootmgr-esp/a.conf
	@sh images/mkdisk.sh $@ --label KEEL-A --disk-guid 4b45454c-0000-4000-8000-0000000000a1 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000a2 \
		--part $(PERSIST_TYPE_GUID):4b45454c-0000-4000-8000-0000000000a3:16:persist \
		$(B)/bootmgr/bootmgr.efi='\EFI\BOOT\BOOTX64.EFI' \
		$(B)/tests/next.efi='\EFI\keel-test\next.efi' \
		tests/bootmgr-esp/a-loader.conf='\loader\loader.conf' \
		tests/bootmgr-esp/a.conf='\loader\entries\a.conf'
$(B)/tests/bm-b.img: $(B)/tests/next.efi images/mkdisk.sh tests/bootmgr-esp/b.conf
	@sh images/mkdisk.sh $@ --label KEEL-B --disk-guid 4b45454c-0000-4000-8000-0000000000b1 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000b2 \
		$(B)/tests/next.efi='\EFI\keel-test\next.efi' \
		$(B)/tests/next.efi='\EFI\Microsoft\Boot\bootmgfw.efi' \
		$(B)/tests/next.efi='\EFI\otheros\shimx64.efi' \
		tests/bootmgr-esp/b.conf='\loader\entries\b.conf'
$(B)/tests/bm-c.img: $(B)/tests/next.efi images/mkdisk.sh
	@sh images/mkdisk.sh $@ --label KEEL-C --disk-guid 4b45454c-0000-4000-8000-0000000000c5 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000c6 \
		$(B)/tests/next.efi='\EFI\BOOT\BOOTX64.EFI'
$(B)/tests/bm-f.img: $(B)/bootmgr/bootmgr.efi $(B)/tests/next.efi images/mkdisk.sh \
		tests/bootmgr-esp/f-loader.conf tests/bootmgr-esp/old.conf
	@sh images/mkdisk.sh $@ --label KEEL-F --disk-guid 4b45454c-0000-4000-8000-0000000000f7 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000f8 \
		--part $(PERSIST_TYPE_GUID):4b45454c-0000-4000-8000-0000000000f9:16:persist \
		$(B)/bootmgr/bootmgr.efi='\EFI\BOOT\BOOTX64.EFI' \
		$(B)/tests/next.efi='\EFI\keel-test\next.efi' \
		tests/bootmgr-esp/f-loader.conf='\loader\loader.conf' \
		tests/bootmgr-esp/old.conf='\loader\entries\old.conf'

# Disk U: Keel's ESP (hidden menu) whose only installation is a unified
# kernel image of the sample OS, built from Debian's systemd-boot EFI stub
# (the package bench.mk fetches) by images/mkuki.sh, and a persist partition.
SDBOOT_STUB := $(dir $(SDBOOT_EFI))linuxx64.efi.stub
UKI_CMDLINE := console=ttyS0 loglevel=6 panic=5 keel.watchdog=10 keel.halt_after_golden=1
$(B)/tests/sample-os-uki.efi: images/mkuki.sh tests/bootmgr-esp/uki.osrel $(SDBOOT_EFI) \
		$(SOS_IMG)/sample-os.vmlinuz $(SOS_IMG)/sample-os.initrd
	@sh images/mkuki.sh $@ --stub $(SDBOOT_STUB) --osrel tests/bootmgr-esp/uki.osrel \
		--cmdline '$(UKI_CMDLINE)' --linux $(SOS_IMG)/sample-os.vmlinuz \
		--initrd $(SOS_IMG)/sample-os.initrd
$(B)/tests/bm-u.img: $(B)/bootmgr/bootmgr.efi $(B)/tests/sample-os-uki.efi images/mkdisk.sh \
		tests/bootmgr-esp/f-loader.conf
	@sh images/mkdisk.sh $@ --label KEEL-U --disk-guid 4b45454c-0000-4000-8000-0000000000e1 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000e2 \
		--part $(PERSIST_TYPE_GUID):4b45454c-0000-4000-8000-0000000000e3:16:persist \
		$(B)/bootmgr/bootmgr.efi='\EFI\BOOT\BOOTX64.EFI' \
		$(B)/tests/sample-os-uki.efi='\EFI\Linux\keel-sample-os.efi' \
		tests/bootmgr-esp/f-loader.conf='\loader\loader.conf'

# bootctl from Debian's systemd-boot package (for `bootctl status`).
$(B)/tests/bootctl.stamp: images/fetch-deb.sh
	@sh images/fetch-deb.sh systemd-boot $(B)/tests/systemd-boot
	@touch $@

$(B)/tests/bootmgr_test: $(B)/tests/bootmgr_test.o $(HARNESS_OBJS) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
SYSTEM_TESTS += $(B)/tests/bootmgr_test
SYSTEM_TEST_INPUTS += $(B)/tests/bm-a.img $(B)/tests/bm-b.img $(B)/tests/bm-c.img \
	$(B)/tests/bm-f.img $(B)/tests/bm-u.img $(B)/tests/bootctl.stamp \
	$(B)/images/sample-os-hang.img \
	$(B)/images/sample-os-panic.img $(B)/images/sample-os-unhealthy.img
DEBIAN_PACKAGES += mtools util-linux binutils
