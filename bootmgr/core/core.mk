# bootmgr/core/ — the boot manager's portable core: entry and config
# parsers, version order, boot-counting names, PE headers, the entry list.
#
# Built twice like libpersist's core: hosted under $(B)/bootmgr/core/ (unit
# tests, fuzzers) and freestanding under $(B)/fw/bootmgr/core/ (for
# bootmgr.efi; the firmware link adds $(BMCORE_FW_OBJS)).

BMCORE_SRCS := bootmgr/core/str.c bootmgr/core/diag.c bootmgr/core/vercmp.c \
               bootmgr/core/bootcount.c bootmgr/core/bls.c bootmgr/core/loaderconf.c \
               bootmgr/core/osrel.c bootmgr/core/pe.c bootmgr/core/cmdline.c \
               bootmgr/core/entries.c
BMCORE_HOST_OBJS := $(BMCORE_SRCS:%.c=$(B)/%.o)
BMCORE_FW_OBJS   := $(BMCORE_SRCS:%.c=$(B)/fw/%.o)

ALL_TARGETS += $(BMCORE_FW_OBJS)

# Unit tests: one binary with every module's tests.
BMCORE_TESTS := str vercmp bootcount bls loaderconf osrel pe cmdline entries
BMCORE_TEST_OBJS := $(BMCORE_TESTS:%=$(B)/bootmgr/core/%_test.o)
$(B)/bootmgr/core/core_test: $(BMCORE_TEST_OBJS) $(BMCORE_HOST_OBJS) $(PERSIST_CORE_OBJS) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
UNIT_TESTS += $(B)/bootmgr/core/core_test

# The same tests under ASan + UBSan.
BMCORE_ASAN_OBJS := $(patsubst %.c,$(B)/asan/%.o,$(BMCORE_SRCS) $(PERSIST_CORE_SRCS))
$(B)/asan/bootmgr/core/core_test: $(BMCORE_TESTS:%=$(B)/asan/bootmgr/core/%_test.o) \
		$(BMCORE_ASAN_OBJS) $(B)/asan/tests/unit.o
	$(CC) $(HOST_LDFLAGS) $(ASAN_FLAGS) $^ -o $@
ASAN_TESTS += $(B)/asan/bootmgr/core/core_test

# Fuzzers (make fuzz, make fuzz-run) and replays of their corpora (make check).
BMCORE_FUZZERS := bls loaderconf osrel pe bootcount cmdline gpt
BMCORE_FUZZ_SRCS := $(BMCORE_SRCS) $(PERSIST_CORE_SRCS) bootmgr/gpt.c

$(B)/bootmgr/core/fuzz/fuzz_%: bootmgr/core/fuzz_%.c $(BMCORE_FUZZ_SRCS) $(wildcard bootmgr/core/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(BMCORE_FUZZ_SRCS) -o $@
$(B)/bootmgr/core/fuzz_%_replay: $(B)/bootmgr/core/fuzz_%.o $(B)/libpersist/fuzz_replay.o \
		$(BMCORE_HOST_OBJS) $(B)/bootmgr/gpt.o $(PERSIST_CORE_OBJS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

fuzz: $(BMCORE_FUZZERS:%=$(B)/bootmgr/core/fuzz/fuzz_%)
fuzz-run: fuzz-run-bmcore
.PHONY: fuzz-run-bmcore
fuzz-run-bmcore: $(BMCORE_FUZZERS:%=$(B)/bootmgr/core/fuzz/fuzz_%)
	@for f in $(BMCORE_FUZZERS); do \
	  mkdir -p $(B)/bootmgr/core/fuzz/corpus-$$f && cp bootmgr/core/corpus/$$f/* $(B)/bootmgr/core/fuzz/corpus-$$f/ && \
	  $(B)/bootmgr/core/fuzz/fuzz_$$f -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_TIME) \
	    $(B)/bootmgr/core/fuzz/corpus-$$f || exit 1; done

FUZZ_REPLAYS += $(BMCORE_FUZZERS:%=$(B)/bootmgr/core/fuzz_%_replay)
$(foreach f,$(BMCORE_FUZZERS),$(eval FUZZ_CORPUS_$(B)/bootmgr/core/fuzz_$(f)_replay := bootmgr/core/corpus/$(f)))
ALL_TARGETS += $(BMCORE_FUZZERS:%=$(B)/bootmgr/core/fuzz_%_replay)

.SECONDARY: $(BMCORE_FUZZERS:%=$(B)/bootmgr/core/fuzz_%.o) $(BMCORE_TEST_OBJS) \
            $(BMCORE_TESTS:%=$(B)/asan/bootmgr/core/%_test.o) $(BMCORE_ASAN_OBJS)
