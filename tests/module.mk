# tests/ — the unit-test framework, the QEMU harness, system tests, runner.

$(B)/tests/unit.o: tests/unit.c tests/unit.h

.PHONY: unit-tests
unit-tests: $(UNIT_TESTS)
