# Keel — top-level, non-recursive Makefile.
#
# Every folder contributes a fragment (<folder>/module.mk) that appends to the
# lists below; all outputs go under $(B)/. Warnings are errors everywhere.
#
#   make            build everything (host tools, bootmgr.efi, images)
#   make check      install missing Debian packages, build, run every test
#   make demo       install missing Debian packages, build, boot the image in QEMU
#   make bench      print the benchmark figures
#   make clean      remove $(B)/

B        := build
VERSION  := 0.1.0
SOURCE_DATE_EPOCH ?= 1700000000
export SOURCE_DATE_EPOCH

CC       ?= cc
HOST_WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
             -Wstrict-prototypes -Wvla -Wpointer-arith -Wundef
HOST_CFLAGS := -std=gnu11 -O2 -g $(HOST_WARN) -D_GNU_SOURCE -I. \
               -DKEEL_VERSION='"$(VERSION)"' $(EXTRA_CFLAGS)
HOST_LDFLAGS := $(EXTRA_LDFLAGS)

# Filled in by the fragments.
ALL_TARGETS :=
UNIT_TESTS  :=
SYSTEM_TESTS :=
SYSTEM_TEST_INPUTS :=
FUZZ_REPLAYS :=
ASAN_TESTS  :=
BENCHES     :=
# Every unit-test binary links this main() (tests/unit.c).
UNIT_MAIN   := $(B)/tests/unit.o
# Debian packages the build and the tests need (checked by `make deps`).
DEBIAN_PACKAGES := gcc make pkg-config

.PHONY: all check demo bench clean deps run-tests images
all: $(B)/.all

include efi/module.mk
include libpersist/module.mk
include bootmgr/core/core.mk
include bootmgr/module.mk
include installer/module.mk
include recovery/module.mk
include images/module.mk
include images/sample-os.mk
include bootmgr/bench/bench.mk
include tests/module.mk
include tests/sample-os-tests.mk

# These rules come after the fragments: their prerequisite lists are final.
.PHONY: unit-tests system-tests run-tests run-bench
unit-tests: $(UNIT_TESTS)

# Everything the runner needs, then the runner: unit tests, fuzz corpus
# replays, sanitizer builds, system tests — one summary line at the end.
run-tests: $(UNIT_TESTS) $(FUZZ_REPLAYS) $(ASAN_TESTS) $(SYSTEM_TESTS) $(SYSTEM_TEST_INPUTS) $(ALL_TARGETS)
	@sh tests/run.sh $(UNIT_TESTS) \
		$(foreach r,$(FUZZ_REPLAYS),$(r)=$(FUZZ_CORPUS_$(r))) \
		$(ASAN_TESTS) $(SYSTEM_TESTS)

run-bench: $(BENCHES)
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

$(B)/.all: $(ALL_TARGETS)
	@mkdir -p $(@D) && touch $@

# Host C objects: build/<path>.o from <path>.c, with header dependencies.
$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(CFLAGS_$(<D)) -MMD -MP -c $< -o $@

# Installing packages must happen before anything else is parsed for use, so
# the public targets first run `deps`, then re-enter make for the real work.
deps:
	@sh tests/ensure-packages.sh $(sort $(DEBIAN_PACKAGES))

check: deps
	@$(MAKE) --no-print-directory run-tests

demo: deps
	@$(MAKE) --no-print-directory run-demo

bench: deps
	@$(MAKE) --no-print-directory run-bench

clean:
	rm -rf $(B)

-include $(shell find $(B) \( -path '*/debs' -o -path '*/downloads' -o -path '*/rootfs' \) -prune -o -type f -name '*.d' -print 2>/dev/null)
