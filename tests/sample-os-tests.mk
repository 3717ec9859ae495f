# tests/sample-os-tests.mk — system tests of the sample OS (images/sample-os).
# Included last by the top Makefile: it uses the images' and libpersist's
# variables.

$(B)/tests/sample_os_test: $(B)/tests/sample_os_test.o $(HARNESS_OBJS) $(PERSIST_HOST_LIB) $(UNIT_MAIN)
	$(CC) $(HOST_LDFLAGS) $^ $(PERSIST_HOST_LIBS) -o $@
SYSTEM_TESTS += $(B)/tests/sample_os_test
SYSTEM_TEST_INPUTS += $(SOS_DISKS) $(SOS_ARTEFACTS) $(B)/recovery/recovery $(OVMF_CODE) \
	$(B)/tests/accel
