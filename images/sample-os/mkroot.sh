#!/bin/sh
# mkroot.sh — assembles the sample OS's file tree, the one source of both
# the initramfs and the ext4 root file system.
#
# usage: mkroot.sh OUTDIR INIT MODULES_ROOT BUSYBOX_ROOT SRCDIR [RECOVERY]
#   INIT          the static keel-init binary (becomes /sbin/init and /init)
#   MODULES_ROOT  kernel.sh's modules/ tree (holds lib/modules/<release>)
#   BUSYBOX_ROOT  Debian's busybox-static package, unpacked
#   SRCDIR        images/sample-os (etc/ and modules.list come from there)
#   RECOVERY      optional: a static `recovery` binary, installed as
#                 /usr/sbin/recovery (the image has no C library)
# Device nodes are not created here (that needs root); the image builders
# add them from SRCDIR/nodes.
set -eu

die() { echo "mkroot.sh: $*" >&2; exit 1; }

out=${1:?usage: mkroot.sh OUTDIR INIT MODULES_ROOT BUSYBOX_ROOT SRCDIR}
init=${2:?} mods=${3:?} bbroot=${4:?} src=${5:?} recovery=${6:-}
tmp=$out.tmp
busybox=$bbroot/bin/busybox
[ -x "$busybox" ] || die "no $busybox; is $bbroot Debian's busybox-static unpacked?"
if [ -n "$recovery" ]; then
	[ -x "$recovery" ] || die "no executable $recovery (SOS_RECOVERY_BIN); build it first or leave it empty"
	if readelf -l "$recovery" 2>/dev/null | grep -q 'program interpreter'; then
		die "$recovery is dynamically linked; the image has no C library, give a static build"
	fi
fi

rm -rf "$tmp"
for d in bin sbin usr/bin usr/sbin etc/keel dev proc sys run tmp root sysroot lib; do
	mkdir -p "$tmp/$d"
done

cp "$busybox" "$tmp/bin/busybox"
# One symlink per applet, except init: PID 1 is keel-init.
for applet in $("$busybox" --list-full); do
	case $applet in
	sbin/init | linuxrc | bin/busybox) continue ;;
	esac
	mkdir -p "$tmp/$(dirname "$applet")"
	ln -s /bin/busybox "$tmp/$applet"
done

cp "$init" "$tmp/sbin/init"
ln -s sbin/init "$tmp/init"
cp -R "$mods/lib/modules" "$tmp/lib/"
cp -R "$src/etc/." "$tmp/etc/"
cp "$src/modules.list" "$tmp/etc/keel/modules"
if [ -n "$recovery" ]; then
	cp "$recovery" "$tmp/usr/sbin/recovery"
	chmod 0755 "$tmp/usr/sbin/recovery"
fi

# Fixed times for every file, so both images come out byte for byte the same.
find "$tmp" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
rm -rf "$out"
mv "$tmp" "$out"
