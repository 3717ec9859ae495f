# images/ — rootless disk images, and firmware/packages fetched from Debian.

DEBIAN_PACKAGES += dosfstools mtools fdisk util-linux qemu-system-x86 apt dpkg

OVMF_DIR  := $(B)/debs/ovmf/usr/share/OVMF
OVMF_CODE := $(OVMF_DIR)/OVMF_CODE_4M.fd
OVMF_VARS := $(OVMF_DIR)/OVMF_VARS_4M.fd
export KEEL_OVMF_CODE := $(OVMF_CODE)
export KEEL_OVMF_VARS := $(OVMF_VARS)

$(OVMF_CODE) $(OVMF_VARS) &: images/fetch-deb.sh
	@sh images/fetch-deb.sh ovmf $(B)/debs/ovmf
	@touch $(OVMF_CODE) $(OVMF_VARS)

# The walking-skeleton image: a GPT disk whose ESP holds bootmgr as the
# removable-media fallback loader.
$(B)/images/keel.img: $(B)/bootmgr/bootmgr.efi images/mkdisk.sh
	@mkdir -p $(@D)
	@sh images/mkdisk.sh $@ $<='\EFI\BOOT\BOOTX64.EFI'

.PHONY: images
images: $(B)/images/keel.img $(OVMF_CODE)
ALL_TARGETS += $(B)/images/keel.img $(OVMF_CODE)

# `make demo`: the sample OS disk booted through bootmgr, console on this
# terminal: the menu counts down 5 s (arrow keys, digits, `e`, `s` work),
# then the sample OS boots, reports its stages and reaches golden, watched
# by the i6300esb watchdog. Quit with Ctrl-A X. Without a terminal the
# demo ends after 3 minutes.
$(B)/images/demo-loader.conf:
	@mkdir -p $(@D) && printf 'timeout 5\n' >$@
run-demo: $(B)/images/sample-os.img $(B)/images/demo-loader.conf $(OVMF_CODE) $(B)/tests/accel \
		$(B)/recovery/recovery
	@cp --sparse=always $(B)/images/sample-os.img $(B)/images/demo.img
	@mcopy -o -i $(B)/images/demo.img@@1M $(B)/images/demo-loader.conf ::/loader/loader.conf
	@cp $(OVMF_VARS) $(B)/images/demo.vars.fd
	@echo "keel: booting $(B)/images/demo.img under QEMU ($$(cat $(B)/tests/accel)); quit with Ctrl-A X"
	$$( [ -t 0 ] || echo timeout 180 ) qemu-system-x86_64 -machine q35,accel=$$(cat $(B)/tests/accel) \
		-m 512 -nodefaults -display none -serial mon:stdio \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=$(OVMF_CODE) \
		-drive if=pflash,format=raw,unit=1,file=$(B)/images/demo.vars.fd \
		-drive file=$(B)/images/demo.img,format=raw,if=none,id=disk0 \
		-device virtio-blk-pci,drive=disk0 -device i6300esb -action watchdog=reset || true
	@echo "keel: the demo's persist log: $(B)/recovery/recovery log show --store $(B)/images/demo.img"
