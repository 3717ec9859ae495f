# efi/ — gnu-efi toolchain rules and Keel's firmware wrappers (kefi).
#
# Copies and fills (struct assignments, bm_memcpy, pz_copy) are inlined as
# `rep movsq` / `rep stosq`: gnu-efi's memcpy and memset move one byte per
# loop turn, about 12 ns a byte under QEMU's emulation, where a boot manager
# run copies and clears hundreds of KiB. A string instruction moves 8 bytes a
# turn like an unrolled loop does, in a few bytes of code instead of dozens
# at every site: under emulation every instruction that runs is translated
# once, and that, not running it, is most of a boot's cost (docs/benchmarks.md).
# For the same reason an application is optimised as a whole at link time
# (-flto, one partition): calls between Keel's files, to small wrappers and
# to functions used once, are resolved across files, and arguments and code
# no caller needs are dropped. The bench's boot translates 14 % fewer
# instructions (7,184 against 8,336) in a binary 3.5 KiB smaller; more
# inlining than that translates more (every copy is translated anew).
# Firmware objects are built under $(B)/fw/ with EFI_CFLAGS. All of them are
# compiled -ffreestanding -nostdinc with only the compiler's own include dir
# (plus gnu-efi's for efi/ itself), which proves that bootmgr and the
# libpersist core need nothing from the C library.

DEBIAN_PACKAGES += gnu-efi binutils

GNUEFI_INC  := /usr/include/efi
GNUEFI_LIB  := /usr/lib
EFI_CC      := gcc
EFI_CFLAGS   = -std=gnu11 -Os -ffreestanding -nostdinc -isystem $(shell $(EFI_CC) -print-file-name=include) \
               -fno-stack-protector -fno-stack-check -fshort-wchar -mno-red-zone -fpic \
               -fno-strict-aliasing -fno-builtin -maccumulate-outgoing-args \
               -ffunction-sections -fdata-sections -fvisibility=hidden \
               -mstringop-strategy=rep_8byte -minline-all-stringops \
               -flto -flto-partition=one \
               -DGNU_EFI_USE_MS_ABI -DKEEL_FIRMWARE=1 -DKEEL_VERSION='"$(VERSION)"' \
               $(HOST_WARN) -I.
EFI_GNUEFI_CFLAGS = -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/x86_64
EFI_LDFLAGS := -nostdlib -shared -Wl,-znocombreloc,-Bsymbolic,--no-undefined,--gc-sections \
               -T $(B)/efi/elf_x86_64_efi.lds -L$(GNUEFI_LIB) $(GNUEFI_LIB)/crt0-efi-x86_64.o
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
                -j '.rel.*' -j '.rela.*' -j .reloc

# gnu-efi's linker script, adapted for -ffunction-sections/-fdata-sections
# and --gc-sections (which drop the code an application does not use): keep
# crt0's empty .reloc (firmware refuses an image without one) and place the
# per-object .bss.* sections inside .data like .bss itself.
$(B)/efi/elf_x86_64_efi.lds: $(GNUEFI_LIB)/elf_x86_64_efi.lds
	@mkdir -p $(@D)
	sed -e 's/^\([[:space:]]*\)\*(\.reloc)/\1KEEP(*(.reloc))/' \
	    -e 's/^\([[:space:]]*\)\*(\.bss)$$/\1*(.bss) *(.bss.*)/' $< >$@
	@grep -q 'KEEP(\*(\.reloc))' $@ && grep -q '(\.bss\.\*)' $@ || \
		{ echo "efi: cannot adapt $< for section garbage collection" >&2; rm -f $@; exit 1; }

# The firmware-side wrapper objects every EFI application links.
KEFI_SRCS := efi/entry.c efi/util.c efi/console.c efi/block.c efi/file.c efi/kfmt.c \
             efi/initrd.c efi/input.c efi/flush.c
KEFI_FW_OBJS := $(KEFI_SRCS:%.c=$(B)/fw/%.o)

# efi/ sources see gnu-efi; nothing else does.
$(B)/fw/efi/%.o: efi/%.c
	@mkdir -p $(@D)
	$(EFI_CC) $(EFI_CFLAGS) $(EFI_GNUEFI_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fw/%.o: %.c
	@mkdir -p $(@D)
	$(EFI_CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

# Link: objects → ELF shared object → PE32+ EFI application. The compiler
# drives the link, with the compile flags: it generates the code there.
$(B)/%.so: $(B)/efi/elf_x86_64_efi.lds
	@mkdir -p $(@D)
	$(EFI_CC) $(EFI_CFLAGS) $(EFI_LDFLAGS) $(filter %.o,$^) -o $@ -lefi -lgnuefi

# The symbol table stays in the .so (for a debugger): the firmware never
# reads it, and in the .efi it would be a sixth of the file.
$(B)/%.efi: $(B)/%.so
	objcopy $(EFI_SECTIONS) --strip-all --target efi-app-x86_64 --subsystem=10 $< $@

# Host unit tests of the portable parts.
$(B)/efi/kfmt_test: $(B)/efi/kfmt_test.o $(B)/efi/kfmt.o $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
UNIT_TESTS += $(B)/efi/kfmt_test
# The same under ASan + UBSan (a precision bounds what %s reads).
$(B)/asan/efi/kfmt_test: $(B)/asan/efi/kfmt_test.o $(B)/asan/efi/kfmt.o $(B)/asan/tests/unit.o
	$(CC) $(HOST_LDFLAGS) $(ASAN_FLAGS) $^ -o $@
ASAN_TESTS += $(B)/asan/efi/kfmt_test
