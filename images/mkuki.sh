#!/bin/sh
# mkuki.sh — builds a unified kernel image (UAPI Type #2) the way distributions
# did before ukify: systemd's EFI stub with the kernel, the initrd, os-release
# and the command line added as PE sections by objcopy.
#
# usage: mkuki.sh OUT.efi --stub STUB --osrel FILE --cmdline TEXT --linux KERNEL
#                 [--initrd FILE] [--uname TEXT]
#
# Each section gets its own virtual address after the stub's last one (and
# after each other), rounded up to 4 KiB, so none overlaps when the firmware
# loads the image:
#
#   Debian 12's stub    .text … .sdmagic   0x4000 … 0x19134
#   .osrel (128 bytes)                     0x1a000
#   .cmdline (57 bytes)                    0x1b000
#   .linux (7.9 MiB)                       0x1c000
#   .initrd                                0x7fa000
set -eu

die() { echo "mkuki: $*" >&2; exit 1; }
usage="usage: mkuki.sh OUT.efi --stub STUB --osrel FILE --cmdline TEXT --linux KERNEL [--initrd FILE] [--uname TEXT]"

out=${1:-}
case $out in ""|--*) die "$usage" ;; esac
shift
stub="" osrel="" cmdline="" kernel="" initrd="" uname=""
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "$1 needs a value"
	case $1 in
	--stub) stub=$2 ;;
	--osrel) osrel=$2 ;;
	--cmdline) cmdline=$2 ;;
	--linux) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--uname) uname=$2 ;;
	*) die "unknown option $1; $usage" ;;
	esac
	shift 2
done
if [ -z "$stub" ] || [ -z "$osrel" ] || [ -z "$kernel" ]; then
	die "$usage"
fi
for f in "$stub" "$osrel" "$kernel" ${initrd:+"$initrd"}; do
	[ -f "$f" ] || die "no such file: $f"
done

tmp="$out.tmp.$$"
trap 'rm -rf "$tmp" "$tmp.d"' EXIT
mkdir -p "$tmp.d"
printf '%s' "$cmdline" >"$tmp.d/cmdline"
printf '%s' "$uname" >"$tmp.d/uname"

# The end of the stub's last section: "Idx Name Size VMA …" rows of objdump.
end=0
for row in $(objdump -h "$stub" | awk '$1 ~ /^[0-9]+$/ { print $3 ":" $4 }'); do
	size=$((0x${row%%:*})) vma=$((0x${row#*:}))
	[ $((vma + size)) -le "$end" ] || end=$((vma + size))
done
[ "$end" -gt 0 ] || die "no sections in $stub (is it a PE image?)"

# NAME FILE: the objcopy options that add one section at the next free address.
args=""
add() {
	[ -s "$2" ] || return 0
	vma=$(( (end + 4095) / 4096 * 4096 ))
	end=$((vma + $(stat -c %s "$2")))
	args="$args --add-section $1=$2 --change-section-vma $1=$(printf '0x%x' "$vma")"
}
add .osrel "$osrel"
add .cmdline "$tmp.d/cmdline"
add .uname "$tmp.d/uname"
add .linux "$kernel"
[ -z "$initrd" ] || add .initrd "$initrd"

# Word splitting of $args is intended: no path here contains blanks.
# shellcheck disable=SC2086
objcopy $args "$stub" "$tmp" || die "objcopy failed"
mv "$tmp" "$out"
echo "mkuki: $out ($(stat -c %s "$out") bytes)"
