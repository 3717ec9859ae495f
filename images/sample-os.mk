# images/sample-os.mk — Keel's sample installable OS: Debian's kernel, busybox
# and a PID 1 in C that reports its boot stages and runs the watchdog.
#
#   make sample-os              every sample-OS artefact below, with sizes
#                               (make images: these and every other image)
#   build/tests/sample_os_test  boots them under QEMU + OVMF (make check)
#   make bench                  build time, initramfs size, reproducibility
#
# Artefacts (see images/README.md):
#   $(B)/images/sample-os.vmlinuz          Debian's kernel (EFI stub)
#   $(B)/images/sample-os.initrd           initramfs (zstd newc cpio), the whole OS
#   $(B)/images/sample-os-VARIANT.initrd   the same + a built-in broken variant
#   $(B)/images/sample-os-root.ext4        the same tree as an ext4 root file system
#   $(B)/images/sample-os.img              GPT test disk: ESP + persist + root
#   $(B)/images/sample-os-VARIANT.img      the same + the variant's (newest) entry
# Downloads (.debs) are cached in $(B)/downloads/ by images/fetch-deb.sh.

DEBIAN_PACKAGES += busybox-static cpio fakeroot e2fsprogs zstd xz-utils kmod dpkg apt

SOS      := $(B)/sample-os
SOS_SRC  := images/sample-os
SOS_IMG  := $(B)/images
SOS_VARIANTS := panic hang crash unhealthy
SOS_INITRD_ZSTD := zstd -q -19 -T1 --no-progress

SOS_INIT_SRCS := init.c cmdline.c log.c mounts.c pstore.c modules.c bootid.c blockdev.c stage.c \
                 watchdog.c health.c rootfs.c power.c variant.c
SOS_INIT_OBJS := $(SOS_INIT_SRCS:%.c=$(SOS)/obj/%.o) $(B)/bootmgr/gpt.o

SOS_ARTEFACTS := $(SOS_IMG)/sample-os.vmlinuz $(SOS_IMG)/sample-os.initrd \
                 $(SOS_VARIANTS:%=$(SOS_IMG)/sample-os-%.initrd) $(SOS_IMG)/sample-os-root.ext4

$(SOS)/obj/%.o: $(SOS_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# PID 1 is a static binary: the image has no C library of its own. It links
# the hosted libpersist (core + Linux port) and libblkid.a (libblkid-dev).
$(SOS)/keel-init: $(SOS_INIT_OBJS) $(PERSIST_HOST_LIB)
	$(CC) $(HOST_LDFLAGS) -static $^ $(PERSIST_HOST_LIBS) -o $@

$(SOS)/mkcpio: $(SOS)/obj/mkcpio.o
	$(CC) $(HOST_LDFLAGS) $^ -o $@

$(SOS)/mkpersist: $(SOS)/obj/mkpersist.o $(PERSIST_HOST_LIB)
	$(CC) $(HOST_LDFLAGS) $^ $(PERSIST_HOST_LIBS) -o $@

$(SOS)/cmdline_test: $(SOS)/obj/cmdline_test.o $(SOS)/obj/cmdline.o $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

$(SOS)/stage_test: $(SOS)/obj/stage_test.o $(SOS)/obj/stage.o $(SOS)/obj/log.o \
		$(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ $(PERSIST_HOST_LIBS) -o $@

ALL_TARGETS += $(SOS)/keel-init $(SOS)/mkcpio $(SOS)/mkpersist
UNIT_TESTS  += $(SOS)/cmdline_test $(SOS)/stage_test

# Debian's kernel and the module closure (downloads on the first run only).
$(SOS)/kernel.stamp: $(SOS_SRC)/kernel.sh $(SOS_SRC)/closure.awk $(SOS_SRC)/modules.list \
		$(SOS_SRC)/modules.extra images/fetch-deb.sh
	@mkdir -p $(@D)
	@sh $(SOS_SRC)/kernel.sh $(SOS) $(SOS_SRC)/modules.list $(SOS_SRC)/modules.extra
	@touch $@

$(SOS)/busybox.stamp: images/fetch-deb.sh
	@mkdir -p $(@D)
	@sh images/fetch-deb.sh busybox-static $(SOS)/debs/busybox-static
	@touch $@

# The file tree both images are made of. SOS_RECOVERY_BIN, when given, is a
# static recovery binary installed as /usr/sbin/recovery
# (make SOS_RECOVERY_BIN=$(B)/recovery/recovery-static sample-os).
SOS_RECOVERY_BIN ?= $(B)/recovery/recovery-static
SOS_TREE_INPUTS := $(SOS_SRC)/mkroot.sh $(SOS_SRC)/modules.list $(SOS_SRC)/nodes \
                   $(shell find $(SOS_SRC)/etc -type f 2>/dev/null) $(SOS_RECOVERY_BIN)
# Rebuild the tree when the variable's value changes, too.
$(SOS)/recovery-bin.var: sos-always
	@mkdir -p $(@D)
	@echo '$(SOS_RECOVERY_BIN)' | cmp -s - $@ || echo '$(SOS_RECOVERY_BIN)' >$@
.PHONY: sos-always
$(SOS)/root.stamp: $(SOS)/keel-init $(SOS)/kernel.stamp $(SOS)/busybox.stamp $(SOS_TREE_INPUTS) \
		$(SOS)/recovery-bin.var
	@sh $(SOS_SRC)/mkroot.sh $(SOS)/root $(SOS)/keel-init $(SOS)/modules \
		$(SOS)/debs/busybox-static $(SOS_SRC) $(SOS_RECOVERY_BIN)
	@touch $@

$(SOS_IMG)/sample-os.vmlinuz: $(SOS)/kernel.stamp
	@mkdir -p $(@D)
	cp $(SOS)/vmlinuz $@

$(SOS_IMG)/sample-os.initrd: $(SOS)/root.stamp $(SOS)/mkcpio $(SOS_SRC)/nodes
	@mkdir -p $(@D)
	$(SOS)/mkcpio $(SOS)/root $(SOS_SRC)/nodes | $(SOS_INITRD_ZSTD) >$@.tmp
	@mv $@.tmp $@

# A variant is the common initramfs plus a second, tiny archive holding
# /etc/keel/variant; the kernel unpacks both, the second one last.
$(SOS)/variant-%.cpio.zst: $(SOS)/mkcpio
	@rm -rf $(SOS)/variant-$* && mkdir -p $(SOS)/variant-$*/etc/keel
	@echo $* >$(SOS)/variant-$*/etc/keel/variant
	@find $(SOS)/variant-$* -exec touch -h -d @$(SOURCE_DATE_EPOCH) {} +
	$(SOS)/mkcpio $(SOS)/variant-$* | $(SOS_INITRD_ZSTD) >$@.tmp
	@mv $@.tmp $@

.SECONDARY: $(SOS_VARIANTS:%=$(SOS)/variant-%.cpio.zst)
$(SOS_IMG)/sample-os-%.initrd: $(SOS_IMG)/sample-os.initrd $(SOS)/variant-%.cpio.zst
	cat $^ >$@.tmp
	@mv $@.tmp $@

$(SOS_IMG)/sample-os-root.ext4: $(SOS)/root.stamp $(SOS_SRC)/mkext4.sh $(SOS_SRC)/nodes
	@mkdir -p $(@D)
	@sh $(SOS_SRC)/mkext4.sh $@ $(SOS)/root $(SOS_SRC)/nodes

# The test disks. One GPT layout (images/README.md), fixed UUIDs:
#   1 ESP      512 MiB FAT32: \EFI\BOOT\BOOTX64.EFI (bootmgr), \keel\vmlinuz,
#              \keel\initrd, \loader\loader.conf, \loader\entries\*.conf
#   2 persist   16 MiB libpersist's type GUID, formatted (store UUID fixed)
#   3 root      64 MiB DPS root x86-64 type, sample-os-root.ext4
# sample-os-VARIANT.img adds \keel\initrd-VARIANT and its (newest) entry.
SOS_DISK_GUID    := 4b45454c-0000-4000-8000-000000000501
SOS_ESP_UUID     := 4b45454c-0000-4000-8000-000000000502
SOS_PERSIST_UUID := 4b45454c-0000-4000-8000-000000000503
SOS_ROOT_UUID    := 4b45454c-0000-4000-8000-000000000504
SOS_STORE_UUID   := 4b45454c-0000-4000-8000-000000000505
SOS_ROOT_TYPE    := 4f68bce3-e8cd-4db1-96e7-fbcaf984b709
SOS_PERSIST_TYPE := $(shell sed -n 's/^\#define PERSIST_PART_TYPE_TEXT "\(.*\)"/\1/p' libpersist/persist.h)
SOS_DISKS := $(SOS_IMG)/sample-os.img $(SOS_VARIANTS:%=$(SOS_IMG)/sample-os-%.img)

$(SOS)/entries.stamp: $(SOS_SRC)/mkentries.sh images/sample-os.mk
	@rm -rf $(SOS)/entries
	@sh $(SOS_SRC)/mkentries.sh $(SOS)/entries $(SOS_ROOT_UUID) $(SOS_VARIANTS)
	@touch $@

SOS_DISK_INPUTS := $(B)/bootmgr/bootmgr.efi $(SOS_IMG)/sample-os.vmlinuz $(SOS_IMG)/sample-os.initrd \
                   $(SOS_IMG)/sample-os-root.ext4 $(SOS)/entries.stamp $(SOS)/mkpersist images/mkdisk.sh
SOS_ESP_FILES := $(B)/bootmgr/bootmgr.efi='\EFI\BOOT\BOOTX64.EFI' \
                 $(SOS_IMG)/sample-os.vmlinuz='\keel\vmlinuz' $(SOS_IMG)/sample-os.initrd='\keel\initrd' \
                 $(SOS)/entries/loader.conf='\loader\loader.conf' \
                 $(SOS)/entries/sample-os.conf='\loader\entries\sample-os.conf' \
                 $(SOS)/entries/sample-os-initrd.conf='\loader\entries\sample-os-initrd.conf'
# sos_disk OUT EXTRA-ESP-FILES
define sos_disk
	@sh images/mkdisk.sh $(1).tmp --disk-guid $(SOS_DISK_GUID) --esp-uuid $(SOS_ESP_UUID) \
		--part $(SOS_PERSIST_TYPE):$(SOS_PERSIST_UUID):16:persist \
		--part $(SOS_ROOT_TYPE):$(SOS_ROOT_UUID):64:root:$(SOS_IMG)/sample-os-root.ext4 \
		$(SOS_ESP_FILES) $(2) >/dev/null
	@$(SOS)/mkpersist $(1).tmp $(SOS_STORE_UUID)
	@mv $(1).tmp $(1)
	@echo "sample-os: $(1)"
endef

$(SOS_IMG)/sample-os.img: $(SOS_DISK_INPUTS)
	$(call sos_disk,$@,)
$(SOS_IMG)/sample-os-%.img: $(SOS_DISK_INPUTS) $(SOS_IMG)/sample-os-%.initrd
	$(call sos_disk,$@,$(SOS_IMG)/sample-os-$*.initrd='\keel\initrd-$*' \
		$(SOS)/entries/sample-os-$*.conf='\loader\entries\sample-os-$*.conf')

.PHONY: sample-os
sample-os: $(SOS_ARTEFACTS) $(SOS_DISKS)
	@for f in $^; do printf 'sample-os: %-36s %7s KiB (%s KiB on disk)\n' $$f \
		$$(( $$(stat -c %s $$f) / 1024 )) $$(du -k $$f | cut -f1); done
images: sample-os

# make bench: warm build time, initramfs size, and the same bytes twice.
BENCHES += $(SOS_SRC)/bench.sh
