/* SPDX-License-Identifier: MIT */
/*
 * mkpersist — formats the persist partition inside a disk image, the same
 * bytes every time: the store UUID is given and the creation time comes
 * from SOURCE_DATE_EPOCH (`recovery store format` makes both up, which is
 * right for a real machine and wrong for a reproducible image).
 *
 *   mkpersist IMAGE STORE-UUID
 *
 * The partition is found in IMAGE by its GPT type GUID (libpersist's Linux
 * port, libblkid); everything else in the image is left alone.
 */
#include "libpersist/persist_linux.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct persist_format_opts opts = { .segment_size = 0 };
	struct persist_store *s;
	struct persist_linux *l;
	struct persist_port port;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	persist_guid uuid;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: mkpersist IMAGE STORE-UUID\n");
		return 2;
	}
	if (persist_guid_from_string(argv[2], &uuid)) {
		fprintf(stderr, "mkpersist: '%s' is not a UUID; %s was not changed\n", argv[2],
			argv[1]);
		return 2;
	}
	opts.wall = (epoch ? strtoull(epoch, NULL, 10) : 0) * 1000000ull;
	if (!opts.wall) {
		fprintf(stderr, "mkpersist: set SOURCE_DATE_EPOCH (seconds) for the creation time; "
				"%s was not changed\n",
			argv[1]);
		return 2;
	}
	err = persist_linux_port_open(argv[1], PERSIST_OPEN_WRITE, &l, &port);
	if (err) {
		fprintf(stderr, "mkpersist: no persist partition in %s: %s; nothing was changed\n",
			argv[1], persist_strerror(err));
		return 1;
	}
	if (persist_linux_offset(l) == 0) {
		fprintf(stderr, "mkpersist: %s has no partition of type %s; nothing was changed\n",
			argv[1], PERSIST_PART_TYPE_TEXT);
		persist_linux_port_close(l);
		return 1;
	}
	s = calloc(1, sizeof(*s));
	err = s ? persist_format(s, &port, &uuid, &opts) : PERSIST_E_NOMEM;
	if (!err)
		err = persist_close(s);
	free(s);
	persist_linux_port_close(l);
	if (err) {
		fprintf(stderr, "mkpersist: formatting the persist partition of %s failed: %s; "
				"the image is unusable, build it again\n",
			argv[1], persist_strerror(err));
		return 1;
	}
	return 0;
}
