/* SPDX-License-Identifier: MIT */
/*
 * installer — puts Keel and an operating system on a disk.
 *
 * This first version lists disks; planning and installing follow. Exit
 * codes: 0 success, 1 failure (the message says what and what to do), 2 bad
 * usage.
 */
#include <errno.h>
#include <getopt.h>
#include <parted/parted.h>
#include <stdio.h>
#include <string.h>

#include "installer/libs.h"

static const char usage_text[] =
	"usage: installer [--help] [--version] COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  list-disks [DEVICE|IMAGE ...]   list disks (all block devices, or the given\n"
	"                                  devices and image files) with model, size,\n"
	"                                  transport and partition table\n"
	"\n"
	"Nothing is written to any disk by these commands.\n";

static const char *transport_name(PedDeviceType type)
{
	switch (type) {
	case PED_DEVICE_SCSI: return "scsi";
	case PED_DEVICE_IDE:
	case PED_DEVICE_ATARAID: return "ata";
	case PED_DEVICE_NVME: return "nvme";
	case PED_DEVICE_VIRTBLK: return "virtio";
	case PED_DEVICE_FILE: return "file";
	case PED_DEVICE_MD: return "md";
	case PED_DEVICE_LOOP: return "loop";
	case PED_DEVICE_DM: return "dm";
	default: return "other";
	}
}

/* Sizes for people: binary units, one decimal. */
static void human_size(long long bytes, char *buf, size_t size)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void print_disk(PedDevice *dev)
{
	PedDisk *disk;
	char size[32];
	const char *table = "none";

	human_size(dev->length * dev->sector_size, size, sizeof(size));
	disk = ped_disk_new(dev);
	if (disk)
		table = disk->type->name;
	printf("%-24s %-10s %-8s %-24s %s\n", dev->path, size, transport_name(dev->type),
	       dev->model && *dev->model ? dev->model : "-", table);
	if (disk)
		ped_disk_destroy(disk);
}

static int list_disks(int argc, char **argv)
{
	PedDevice *dev = NULL;
	int failed = 0;

	printf("%-24s %-10s %-8s %-24s %s\n", "PATH", "SIZE", "TYPE", "MODEL", "TABLE");
	if (argc == 0) {
		ped_device_probe_all();
		while ((dev = ped_device_get_next(dev)))
			print_disk(dev);
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		dev = ped_device_get(argv[i]);
		if (!dev || !ped_device_open(dev)) {
			fprintf(stderr, "installer: cannot read %s: %s\n"
					"installer: nothing was changed; check the path and permissions\n",
				argv[i], keel_parted_error()[0] ? keel_parted_error() : strerror(errno));
			failed = 1;
			continue;
		}
		print_disk(dev);
		ped_device_close(dev);
	}
	return failed;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char versions[256];
	int c;

	while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V':
			keel_library_versions(versions, sizeof(versions));
			printf("installer (Keel) %s\n%s\n", KEEL_VERSION, versions);
			return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	keel_parted_init();
	if (strcmp(argv[optind], "list-disks") == 0)
		return list_disks(argc - optind - 1, argv + optind + 1);
	fprintf(stderr, "installer: unknown command '%s'; see installer --help\n", argv[optind]);
	return 2;
}
