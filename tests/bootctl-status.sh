#!/bin/sh
# bootctl-status.sh EFIVARS_DIR BOOTCTL — runs `bootctl status` against the
# EFI variables in EFIVARS_DIR (efivarfs file format) instead of the host's.
#
# bootctl reads /sys/firmware/efi/efivars and ignores EFI variables when it
# believes it runs in a container (a user namespace, /.dockerenv, ...). So it
# runs chrooted into a throw-away root of its own: tmpfs, the host's /usr,
# a fresh /proc of a new PID namespace, and the variables. Needs root.
set -eu
vars=$(cd "${1:?usage: bootctl-status.sh EFIVARS_DIR BOOTCTL}" && pwd)
bootctl=$(cd "$(dirname "${2:?}")" && pwd)/$(basename "$2")
root=$(mktemp -d /tmp/keel-bootctl.XXXXXX)
trap 'rmdir "$root" 2>/dev/null || true' EXIT
unshare -m -p -f sh -c '
	set -e
	mount -t tmpfs keel-bootctl "$1"
	cd "$1"
	mkdir -p usr proc tmp run dev opt sys/firmware/efi/efivars
	ln -s usr/lib lib; ln -s usr/lib64 lib64; ln -s usr/bin bin
	mount --rbind /usr usr
	mount -t proc proc proc
	cp "$2"/* sys/firmware/efi/efivars/
	cp "$3" opt/bootctl
	exec chroot . /usr/bin/env -i SYSTEMD_LOG_LEVEL=err /opt/bootctl status --no-pager
' keel-bootctl "$root" "$vars" "$bootctl"
