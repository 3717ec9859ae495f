# recovery/ — the recovery command line (log, boot state, snapshots).

RECOVERY_OBJS := $(B)/recovery/main.o $(B)/installer/libs.o

$(B)/recovery/recovery: $(RECOVERY_OBJS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@ $(KEEL_LINUX_LIBS)
ALL_TARGETS += $(B)/recovery/recovery
