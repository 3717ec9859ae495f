# bootmgr/ — the UEFI boot manager.
#
# bootmgr/core/ holds the portable parts (parsers, version order, boot
# counting names), built for the firmware and for host tests (core.mk);
# the files here are the firmware side.

BOOTMGR_SRCS := bootmgr/main.c bootmgr/gpt.c bootmgr/persist_efi.c bootmgr/inventory.c \
                bootmgr/discover.c bootmgr/menu.c bootmgr/boot.c bootmgr/bli.c
BOOTMGR_FW_OBJS := $(BOOTMGR_SRCS:%.c=$(B)/fw/%.o)

$(B)/bootmgr/bootmgr.so: $(BOOTMGR_FW_OBJS) $(BMCORE_FW_OBJS) $(KEFI_FW_OBJS) $(PERSIST_FW_OBJS)

ALL_TARGETS += $(B)/bootmgr/bootmgr.efi

# Host tests and fuzzers of the portable parts.
$(B)/bootmgr/gpt_test: $(B)/bootmgr/gpt_test.o $(B)/bootmgr/gpt.o $(PERSIST_CORE_OBJS) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
UNIT_TESTS += $(B)/bootmgr/gpt_test
