# libpersist/ — Keel's shared formats: portable core + ports.

DEBIAN_PACKAGES += zlib1g-dev libblkid-dev

# The portable core: only <stddef.h>, <stdint.h>, <stdbool.h>; no allocation.
PERSIST_CORE_SRCS := libpersist/crc32.c libpersist/guid.c
PERSIST_CORE_OBJS := $(PERSIST_CORE_SRCS:%.c=$(B)/%.o)
PERSIST_FW_OBJS   := $(PERSIST_CORE_SRCS:%.c=$(B)/fw/%.o)

$(B)/libpersist/core_test: $(B)/libpersist/core_test.o $(PERSIST_CORE_OBJS) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
UNIT_TESTS += $(B)/libpersist/core_test
