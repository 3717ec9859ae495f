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

# `make demo`: boot the image with the console on this terminal. bootmgr
# powers the machine off by itself when it is done.
run-demo: $(B)/images/keel.img $(OVMF_CODE) $(B)/tests/accel
	@cp $(OVMF_VARS) $(B)/images/demo.vars.fd
	@echo "keel: booting $(B)/images/keel.img under QEMU ($$(cat $(B)/tests/accel)); quit early with Ctrl-A X"
	qemu-system-x86_64 -machine q35,accel=$$(cat $(B)/tests/accel) -m 512 -nodefaults \
		-display none -no-reboot -serial mon:stdio \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=$(OVMF_CODE) \
		-drive if=pflash,format=raw,unit=1,file=$(B)/images/demo.vars.fd \
		-drive file=$(B)/images/keel.img,format=raw,if=none,id=disk0,snapshot=on \
		-device nvme,serial=KEEL0000,drive=disk0
