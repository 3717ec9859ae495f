# recovery/ — the recovery command line (log, boot state, persist store).
#
# recovery/port.c opens a store file, a partition or a whole disk image (GPT
# persist partition found with libblkid) until libpersist's Linux port offers
# opening by path and discovery; then it goes and the port links instead.

RECOVERY_LIB_OBJS := $(B)/recovery/cli.o $(B)/recovery/cli_store.o $(B)/recovery/port.o \
                     $(B)/recovery/log.o $(B)/recovery/status.o $(B)/recovery/mark.o \
                     $(B)/recovery/store.o
RECOVERY_OBJS := $(B)/recovery/main.o $(RECOVERY_LIB_OBJS) $(B)/installer/libs.o

$(B)/recovery/recovery: $(RECOVERY_OBJS) $(PERSIST_HOST_LIB)
	$(CC) $(HOST_LDFLAGS) $^ -o $@ $(PERSIST_HOST_LIBS) $(KEEL_LINUX_LIBS)
ALL_TARGETS += $(B)/recovery/recovery

# Unit tests: the small parsers, and the command line end to end on store
# files and disk images under $(B)/recovery/cli-test/ (it runs the binary).
$(B)/recovery/parse_test: $(B)/recovery/parse_test.o $(B)/recovery/cli.o \
		$(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@ $(PERSIST_HOST_LIBS)
$(B)/recovery/cli_test: $(B)/recovery/cli_test.o $(B)/recovery/port.o $(PERSIST_HOST_LIB) \
		$(UNIT_MAIN) $(B)/recovery/recovery
	$(CC) $(HOST_LDFLAGS) $(filter %.o %.a,$^) -o $@ $(PERSIST_HOST_LIBS) -lblkid
UNIT_TESTS += $(B)/recovery/parse_test $(B)/recovery/cli_test
