# images/sample-os.mk — Keel's sample installable OS: Debian's kernel, busybox
# and a PID 1 in C that reports its boot stages and runs the watchdog.
#
#   make sample-os              every sample-OS artefact below, with sizes
#   make sample-os-boot-test    boots each one under QEMU + OVMF, checks markers
#
# Artefacts (see images/README.md):
#   $(B)/images/sample-os.vmlinuz          Debian's kernel (EFI stub)
#   $(B)/images/sample-os.initrd           initramfs (zstd newc cpio), the whole OS
#   $(B)/images/sample-os-VARIANT.initrd   the same + a built-in broken variant
#   $(B)/images/sample-os-root.ext4        the same tree as an ext4 root file system
# Downloads (.debs) are cached in $(B)/downloads/ by images/fetch-deb.sh.

DEBIAN_PACKAGES += busybox-static cpio fakeroot e2fsprogs zstd xz-utils kmod dpkg apt

SOS      := $(B)/sample-os
SOS_SRC  := images/sample-os
SOS_IMG  := $(B)/images
SOS_VARIANTS := panic hang crash unhealthy
SOS_INITRD_ZSTD := zstd -q -19 -T1 --no-progress

SOS_INIT_SRCS := init.c cmdline.c log.c mounts.c pstore.c modules.c bootid.c blockdev.c stage.c \
                 watchdog.c health.c rootfs.c power.c variant.c
SOS_INIT_OBJS := $(SOS_INIT_SRCS:%.c=$(SOS)/obj/%.o) $(B)/bootmgr/gpt.o $(PERSIST_CORE_OBJS)

SOS_ARTEFACTS := $(SOS_IMG)/sample-os.vmlinuz $(SOS_IMG)/sample-os.initrd \
                 $(SOS_VARIANTS:%=$(SOS_IMG)/sample-os-%.initrd) $(SOS_IMG)/sample-os-root.ext4

$(SOS)/obj/%.o: $(SOS_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# PID 1 is a static binary: the image has no C library of its own.
$(SOS)/keel-init: $(SOS_INIT_OBJS)
	$(CC) $(HOST_LDFLAGS) -static $^ -o $@

$(SOS)/mkcpio: $(SOS)/obj/mkcpio.o
	$(CC) $(HOST_LDFLAGS) $^ -o $@

$(SOS)/cmdline_test: $(SOS)/obj/cmdline_test.o $(SOS)/obj/cmdline.o $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

ALL_TARGETS += $(SOS)/keel-init $(SOS)/mkcpio
UNIT_TESTS  += $(SOS)/cmdline_test

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

# The file tree both images are made of.
SOS_TREE_INPUTS := $(SOS_SRC)/mkroot.sh $(SOS_SRC)/modules.list $(SOS_SRC)/nodes \
                   $(shell find $(SOS_SRC)/etc -type f 2>/dev/null)
$(SOS)/root.stamp: $(SOS)/keel-init $(SOS)/kernel.stamp $(SOS)/busybox.stamp $(SOS_TREE_INPUTS)
	@sh $(SOS_SRC)/mkroot.sh $(SOS)/root $(SOS)/keel-init $(SOS)/modules \
		$(SOS)/debs/busybox-static $(SOS_SRC)
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

.PHONY: sample-os sample-os-boot-test
sample-os: $(SOS_ARTEFACTS)
	@for f in $^; do printf 'sample-os: %-36s %6s KiB\n' $$f $$(( $$(stat -c %s $$f) / 1024 )); done

sample-os-boot-test: sample-os $(OVMF_CODE)
	@sh $(SOS_SRC)/boot-test.sh $(SOS_IMG)
