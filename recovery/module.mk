# recovery/ — the recovery command line (log, boot state, persist store,
# watchdog). The store is opened through libpersist's Linux port.
#
# $(B)/recovery/recovery-static is the same program linked statically
# (libpersist, libblkid and zlib only) for initramfs images.

RECOVERY_LIB_OBJS := $(B)/recovery/cli.o $(B)/recovery/cli_store.o \
                     $(B)/recovery/log.o $(B)/recovery/status.o $(B)/recovery/mark.o \
                     $(B)/recovery/store.o $(B)/recovery/harvest.o $(B)/recovery/watchdog.o \
                     $(B)/recovery/boot.o
RECOVERY_OBJS := $(B)/recovery/main.o $(RECOVERY_LIB_OBJS)
RECOVERY_LIBS := $(PERSIST_HOST_LIBS)
# libblkid.a and libz.a for the static build, readelf to check it.
DEBIAN_PACKAGES += libblkid-dev zlib1g-dev binutils

$(B)/recovery/recovery: $(RECOVERY_OBJS) $(PERSIST_HOST_LIB)
	$(CC) $(HOST_LDFLAGS) $^ -o $@ $(RECOVERY_LIBS)
ALL_TARGETS += $(B)/recovery/recovery

# Static build: no shared library at all (checked after linking).
$(B)/recovery/recovery-static: $(RECOVERY_OBJS) $(PERSIST_HOST_LIB)
	$(CC) $(HOST_LDFLAGS) -static $^ -o $@ $(RECOVERY_LIBS)
	@if readelf -d $@ 2>/dev/null | grep -q NEEDED; then \
	  echo "$@ is not static:"; readelf -d $@ | grep NEEDED; rm -f $@; exit 1; fi
ALL_TARGETS += $(B)/recovery/recovery-static

# Unit tests: the small parsers, and the command line end to end on store
# files and disk images under $(B)/recovery/cli-test/ (it runs the binary).
$(B)/recovery/parse_test: $(B)/recovery/parse_test.o $(B)/recovery/cli.o \
		$(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@ $(PERSIST_HOST_LIBS)
$(B)/recovery/cli_test: $(B)/recovery/cli_test.o $(PERSIST_HOST_LIB) \
		$(UNIT_MAIN) $(B)/recovery/recovery $(B)/recovery/recovery-static
	$(CC) $(HOST_LDFLAGS) $(filter %.o %.a,$^) -o $@ $(PERSIST_HOST_LIBS)
UNIT_TESTS += $(B)/recovery/parse_test $(B)/recovery/cli_test
