# installer/ — the Linux-hosted installer.

DEBIAN_PACKAGES += libparted-dev libblkid-dev libext2fs-dev zlib1g-dev
KEEL_LINUX_LIBS := -lparted -lblkid -lext2fs -lcom_err -lz

INSTALLER_OBJS := $(B)/installer/main.o $(B)/installer/libs.o

$(B)/installer/installer: $(INSTALLER_OBJS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@ $(KEEL_LINUX_LIBS)
ALL_TARGETS += $(B)/installer/installer
