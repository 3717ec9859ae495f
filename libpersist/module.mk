# libpersist/ — Keel's shared formats: portable core + ports.
#
# The core (PERSIST_CORE_SRCS) is built twice: hosted under $(B)/libpersist/
# and freestanding under $(B)/fw/libpersist/ (linked into bootmgr.efi).
# Linux-only parts (the Linux port, the in-memory test port) go into the
# hosted libraries only.

DEBIAN_PACKAGES += zlib1g-dev libblkid-dev clang llvm libclang-rt-14-dev fdisk binutils

# The portable core: only <stddef.h>, <stdint.h>, <stdbool.h>; no allocation.
PERSIST_CORE_SRCS := libpersist/crc32.c libpersist/guid.c libpersist/store.c \
                     libpersist/log.c libpersist/boot.c libpersist/choose.c \
                     libpersist/crash.c libpersist/export.c
PERSIST_CORE_OBJS := $(PERSIST_CORE_SRCS:%.c=$(B)/%.o)
PERSIST_FW_OBJS   := $(PERSIST_CORE_SRCS:%.c=$(B)/fw/%.o)

# Hosted-only sources.
PERSIST_LINUX_SRCS := libpersist/port_mem.c libpersist/port_linux.c libpersist/discover.c \
                      libpersist/crash_zlib.c libpersist/wdpolicy.c libpersist/watchdog.c \
                      libpersist/harvest.c libpersist/crashhandler.c
PERSIST_LINUX_OBJS := $(PERSIST_LINUX_SRCS:%.c=$(B)/%.o)
PERSIST_HOST_LIB   := $(B)/libpersist/libpersist.a
PERSIST_HOST_LIBS  := -lblkid -lz

$(PERSIST_HOST_LIB): $(PERSIST_CORE_OBJS) $(PERSIST_LINUX_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

ALL_TARGETS += $(PERSIST_HOST_LIB) $(PERSIST_FW_OBJS)

# Unit tests.
PERSIST_TEST_LINK = $(CC) $(HOST_LDFLAGS) $^ $(PERSIST_HOST_LIBS) -o $@

$(B)/libpersist/core_test: $(B)/libpersist/core_test.o $(PERSIST_CORE_OBJS) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
$(B)/libpersist/store_test: $(B)/libpersist/store_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/core_test $(B)/libpersist/store_test
$(B)/libpersist/crash_test: $(B)/libpersist/crash_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/crash_test
$(B)/libpersist/linux_test: $(B)/libpersist/linux_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/linux_test
$(B)/libpersist/discover_test: $(B)/libpersist/discover_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/discover_test
$(B)/libpersist/crash_zlib_test: $(B)/libpersist/crash_zlib_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/crash_zlib_test
$(B)/libpersist/watchdog_test: $(B)/libpersist/watchdog_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/watchdog_test
$(B)/libpersist/harvest_test: $(B)/libpersist/harvest_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/harvest_test
$(B)/libpersist/crashhandler_test: $(B)/libpersist/crashhandler_test.o $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(PERSIST_TEST_LINK)
UNIT_TESTS += $(B)/libpersist/crashhandler_test

# Hosted shared library and pkg-config file.
PERSIST_SO := $(B)/libpersist/libpersist.so
PERSIST_PIC_OBJS := $(patsubst %.c,$(B)/pic/%.o,$(PERSIST_CORE_SRCS) $(PERSIST_LINUX_SRCS))
$(B)/pic/libpersist/%.o: libpersist/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -fPIC -fvisibility=default -MMD -MP -c $< -o $@
$(PERSIST_SO): $(PERSIST_PIC_OBJS)
	$(CC) $(HOST_LDFLAGS) -shared -Wl,-soname,libpersist.so.0 $^ $(PERSIST_HOST_LIBS) -o $@
$(B)/libpersist/libpersist.pc: libpersist/module.mk
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=/usr' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include/keel' '' \
	  'Name: libpersist' 'Description: Keel persist partition: log, boot state, crash records' \
	  'Version: $(VERSION)' 'Requires.private: blkid zlib' 'Libs: -L$${libdir} -lpersist' \
	  'Cflags: -I$${includedir}' > $@
ALL_TARGETS += $(PERSIST_SO) $(B)/libpersist/libpersist.pc

# Fuzzers: libFuzzer binaries (make fuzz) and plain replays of the corpus.
PERSIST_FUZZERS := open record state super crashdata policy
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined
PERSIST_FUZZ_SRCS := $(PERSIST_CORE_SRCS) libpersist/port_mem.c libpersist/crash_zlib.c \
                     libpersist/wdpolicy.c

$(B)/libpersist/fuzz/fuzz_%: libpersist/fuzz_%.c $(PERSIST_FUZZ_SRCS) $(wildcard libpersist/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(PERSIST_FUZZ_SRCS) -lz -o $@
$(B)/libpersist/fuzz_%_replay: $(B)/libpersist/fuzz_%.o $(B)/libpersist/fuzz_replay.o $(PERSIST_HOST_LIB)
	$(PERSIST_TEST_LINK)
$(B)/libpersist/fuzz_seeds: $(B)/libpersist/fuzz_seeds.o $(PERSIST_HOST_LIB)
	$(PERSIST_TEST_LINK)

.PHONY: fuzz fuzz-run
fuzz: $(PERSIST_FUZZERS:%=$(B)/libpersist/fuzz/fuzz_%)
# Runs each fuzzer briefly on a copy of its corpus (stops at FUZZ_RUNS
# inputs or FUZZ_TIME seconds): make fuzz-run FUZZ_RUNS=20000 FUZZ_TIME=60
FUZZ_RUNS ?= 20000
FUZZ_TIME ?= 60
fuzz-run: fuzz
	@for f in $(PERSIST_FUZZERS); do \
	  mkdir -p $(B)/libpersist/fuzz/corpus-$$f && cp libpersist/corpus/$$f/* $(B)/libpersist/fuzz/corpus-$$f/ && \
	  $(B)/libpersist/fuzz/fuzz_$$f -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_TIME) \
	    $(B)/libpersist/fuzz/corpus-$$f || exit 1; done

FUZZ_REPLAYS += $(PERSIST_FUZZERS:%=$(B)/libpersist/fuzz_%_replay)
$(foreach f,$(PERSIST_FUZZERS),$(eval FUZZ_CORPUS_$(B)/libpersist/fuzz_$(f)_replay := libpersist/corpus/$(f)))
ALL_TARGETS += $(PERSIST_FUZZERS:%=$(B)/libpersist/fuzz_%_replay)


# Sanitizer builds of the tests (ASan + UBSan); the crash test runs a
# smaller workload there to stay quick.
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(B)/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(ASAN_FLAGS) -DKEEL_CRASH_OPS_DEFAULT=1500 -MMD -MP -c $< -o $@
PERSIST_ASAN_OBJS := $(patsubst %.c,$(B)/asan/%.o,$(PERSIST_CORE_SRCS) $(PERSIST_LINUX_SRCS))
$(B)/asan/libpersist/%_test: $(B)/asan/libpersist/%_test.o $(PERSIST_ASAN_OBJS) $(B)/asan/tests/unit.o
	$(CC) $(HOST_LDFLAGS) $(ASAN_FLAGS) $^ $(PERSIST_HOST_LIBS) -o $@
ASAN_TESTS += $(B)/asan/libpersist/core_test $(B)/asan/libpersist/store_test \
              $(B)/asan/libpersist/crash_test $(B)/asan/libpersist/linux_test \
              $(B)/asan/libpersist/discover_test $(B)/asan/libpersist/crash_zlib_test \
              $(B)/asan/libpersist/watchdog_test $(B)/asan/libpersist/harvest_test \
              $(B)/asan/libpersist/crashhandler_test
.PHONY: check-asan
check-asan: $(ASAN_TESTS)
	@for t in $(ASAN_TESTS); do $$t > $$t.log 2>&1 && tail -n 1 $$t.log || { cat $$t.log; exit 1; }; done

# Benchmark (make bench).
$(B)/libpersist/persist_bench: $(B)/libpersist/persist_bench.o $(PERSIST_HOST_LIB)
	$(PERSIST_TEST_LINK)
BENCHES += $(B)/libpersist/persist_bench
# Keep the pattern-built objects of the binaries above between runs.
.SECONDARY: $(ASAN_TESTS:%=%.o) $(B)/asan/tests/unit.o $(PERSIST_ASAN_OBJS) \
            $(PERSIST_FUZZERS:%=$(B)/libpersist/fuzz_%.o) $(B)/libpersist/fuzz_replay.o
