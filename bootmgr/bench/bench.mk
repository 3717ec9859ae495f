# bootmgr/bench/ — `make bench`: Keel's boot manager against systemd-boot,
# and both against the floor (floor.efi: LoadImage + StartImage, nothing else).
#
# Each bench disk boots probe.efi (\EFI\BOOT\BOOTX64.EFI), which notes the
# TSC and starts \EFI\bench\loader.efi — Keel's bootmgr on one disk, Debian's
# systemd-boot on the other — configured alike: \loader\loader.conf with
# `timeout 0` and one entry, \loader\entries\bench.conf, starting
# \EFI\bench\stop.efi, which prints the elapsed time and powers off.
# This fragment is included before tests/module.mk, so it names the harness
# object itself rather than using HARNESS_OBJS.

BENCH_DIR := $(B)/bootmgr/bench

$(BENCH_DIR)/probe.so: $(B)/fw/bootmgr/bench/probe_efi.o $(KEFI_FW_OBJS) $(PERSIST_FW_OBJS)
$(BENCH_DIR)/stop.so: $(B)/fw/bootmgr/bench/stop_efi.o $(KEFI_FW_OBJS) $(PERSIST_FW_OBJS)
$(BENCH_DIR)/floor.so: $(B)/fw/bootmgr/bench/floor_efi.o $(KEFI_FW_OBJS) $(PERSIST_FW_OBJS)
# Built with everything else (make check too), so that a change that breaks
# them shows before `make bench` is run.
ALL_TARGETS += $(BENCH_DIR)/probe.efi $(BENCH_DIR)/stop.efi $(BENCH_DIR)/floor.efi

# systemd-boot from Debian's package, unpacked under $(B)/debs (never committed).
SDBOOT_EFI := $(B)/debs/systemd-boot-efi/usr/lib/systemd/boot/efi/systemd-bootx64.efi
$(SDBOOT_EFI): images/fetch-deb.sh
	@sh images/fetch-deb.sh systemd-boot-efi $(B)/debs/systemd-boot-efi
	@touch $@

# The files both bench disks share; only \EFI\bench\loader.efi differs.
BENCH_COMMON = $(BENCH_DIR)/probe.efi='\EFI\BOOT\BOOTX64.EFI' \
	$(BENCH_DIR)/stop.efi='\EFI\bench\stop.efi' \
	bootmgr/bench/loader.conf='\loader\loader.conf' \
	bootmgr/bench/bench.conf='\loader\entries\bench.conf'
BENCH_DISK_INPUTS := $(BENCH_DIR)/probe.efi $(BENCH_DIR)/stop.efi bootmgr/bench/loader.conf \
	bootmgr/bench/bench.conf images/mkdisk.sh
BENCH_PERSIST_TYPE := $(shell sed -n 's/^\#define PERSIST_PART_TYPE_TEXT "\(.*\)"/\1/p' libpersist/persist.h)

# Keel's disk also holds a formatted persist partition, so the measured path
# includes bootmgr's durable record of the boot.
$(BENCH_DIR)/keel.img: $(B)/bootmgr/bootmgr.efi $(BENCH_DISK_INPUTS) $(B)/recovery/recovery
	@sh images/mkdisk.sh $@.new --size 300 --esp-size 260 --label BENCH-KEEL \
		--disk-guid 4b45454c-0000-4000-8000-0000000000b1 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000b2 \
		--part $(BENCH_PERSIST_TYPE):4b45454c-0000-4000-8000-0000000000b3:16:persist \
		$(BENCH_COMMON) $(B)/bootmgr/bootmgr.efi='\EFI\bench\loader.efi'
	@$(B)/recovery/recovery store format --yes --store $@.new >/dev/null
	@mv $@.new $@

$(BENCH_DIR)/sdboot.img: $(SDBOOT_EFI) $(BENCH_DISK_INPUTS)
	@sh images/mkdisk.sh $@ --size 300 --esp-size 260 --label BENCH-SDB \
		--disk-guid 4b45454c-0000-4000-8000-0000000000b4 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000b5 \
		$(BENCH_COMMON) $(SDBOOT_EFI)='\EFI\bench\loader.efi'

# The floor: a chain-loader that only loads and starts the entry.
$(BENCH_DIR)/floor.img: $(BENCH_DIR)/floor.efi $(BENCH_DISK_INPUTS)
	@sh images/mkdisk.sh $@ --size 300 --esp-size 260 --label BENCH-FLR \
		--disk-guid 4b45454c-0000-4000-8000-0000000000b6 \
		--esp-uuid 4b45454c-0000-4000-8000-0000000000b7 \
		$(BENCH_COMMON) $(BENCH_DIR)/floor.efi='\EFI\bench\loader.efi'

# The host side: statistics (unit-tested) and the runner.
$(BENCH_DIR)/stats_test: $(BENCH_DIR)/stats.o $(BENCH_DIR)/stats_test.o $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
UNIT_TESTS += $(BENCH_DIR)/stats_test

# The runner's disks, firmware and accelerator probe are prerequisites, so
# `make bench` builds all of them before it runs.
$(BENCH_DIR)/bench_run: $(BENCH_DIR)/bench_run.o $(BENCH_DIR)/stats.o $(B)/tests/qemu.o \
		$(BENCH_DIR)/keel.img $(BENCH_DIR)/sdboot.img $(BENCH_DIR)/floor.img \
		$(B)/recovery/recovery \
		$(OVMF_CODE) $(B)/tests/accel
	$(CC) $(HOST_LDFLAGS) $(filter %.o,$^) -o $@
BENCHES += $(BENCH_DIR)/bench_run
