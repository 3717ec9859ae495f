#!/bin/sh
# mkentries.sh — the ESP's boot configuration for the sample OS disk images:
# loader.conf and Boot Loader Specification Type #1 entries.
#
# usage: mkentries.sh OUTDIR ROOT_PARTUUID VARIANT...
# Writes OUTDIR/loader.conf, OUTDIR/sample-os.conf (the installed system:
# root= on the disk), OUTDIR/sample-os-initrd.conf (the initramfs alone, no
# root disk) and OUTDIR/sample-os-VARIANT.conf for each broken variant.
#
# Ordering (newest first = highest version, which boot managers compare
# only between entries with the same sort-key, hence one for all): a variant entry (1.1) is the
# default of the disk it is on; sample-os.conf (1.0) comes next;
# sample-os-initrd.conf (1.0~initrd) sorts just below it: in the version
# comparison of the Boot Loader and UAPI version format specifications `~`
# sorts before everything, even the end of the string.
# bootmgr appends " keel.boot_id=N keel.persist=PARTUUID=U" to options.
set -eu

out=${1:?usage: mkentries.sh OUTDIR ROOT_PARTUUID VARIANT...}
root=${2:?usage: mkentries.sh OUTDIR ROOT_PARTUUID VARIANT...}
shift 2
base="console=ttyS0 quiet panic=5"
mkdir -p "$out"

echo 'timeout 0' >"$out/loader.conf"

entry() { # FILE TITLE VERSION INITRD OPTIONS
	printf '%s\n' "title $2" "sort-key keel-sample-os" "version $3" "linux /keel/vmlinuz" \
		"initrd $4" "options $5" >"$out/$1"
}

entry sample-os.conf "Keel sample OS" 1.0 /keel/initrd "$base root=PARTUUID=$root"
entry sample-os-initrd.conf "Keel sample OS (initramfs only)" 1.0~initrd /keel/initrd "$base"
# A variant's initramfs holds its behaviour (/etc/keel/variant), so it runs
# from the initramfs: the root file system is the good one.
for v in "$@"; do
	entry "sample-os-$v.conf" "Keel sample OS ($v variant)" 1.1 "/keel/initrd-$v" "$base"
done
