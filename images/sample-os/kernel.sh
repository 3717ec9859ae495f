#!/bin/sh
# kernel.sh — Debian's kernel and only the modules the sample OS needs.
#
# usage: kernel.sh OUTDIR MODULES.LIST MODULES.EXTRA
#
# Fetches linux-image-amd64 and the versioned image package it depends on
# (through images/fetch-deb.sh, so the .debs are cached in build/downloads/
# and reused), never the host's /boot or /lib/modules. Then:
#   OUTDIR/vmlinuz            the kernel (an EFI stub image)
#   OUTDIR/kernel-version     its release string, e.g. 6.1.0-56-amd64
#   OUTDIR/modules/lib/modules/<release>/...
#                             the listed modules plus their dependencies,
#                             uncompressed, with a modules.dep made for them
set -eu

die() { echo "kernel.sh: $*" >&2; exit 1; }

out=${1:?usage: kernel.sh OUTDIR MODULES.LIST MODULES.EXTRA}
list=${2:?usage: kernel.sh OUTDIR MODULES.LIST MODULES.EXTRA}
extra=${3:?usage: kernel.sh OUTDIR MODULES.LIST MODULES.EXTRA}
cache=${KEEL_DOWNLOADS:-build/downloads}
debs=$out/debs
here=$(dirname "$0")
command -v depmod >/dev/null || die "depmod not found; install Debian's kmod package (apt-get install kmod)"

# The metapackage only names the real package; its Depends field says which.
sh images/fetch-deb.sh linux-image-amd64 "$debs/linux-image-amd64" >/dev/null
meta=$(ls "$cache"/linux-image-amd64_*.deb | sort | tail -n 1)
pkg=$(dpkg-deb -f "$meta" Depends | sed -n 's/^\(linux-image-[0-9][^ ,|]*\).*/\1/p')
[ -n "$pkg" ] || die "cannot tell the kernel package from $meta (Depends: $(dpkg-deb -f "$meta" Depends))"
sh images/fetch-deb.sh "$pkg" "$debs/kernel" >/dev/null

release=${pkg#linux-image-}
src=$debs/kernel/lib/modules/$release
[ -d "$src/kernel" ] || die "$pkg has no lib/modules/$release/kernel; is $meta a kernel image package?"
[ -f "$debs/kernel/boot/vmlinuz-$release" ] || die "$pkg has no boot/vmlinuz-$release"

# Debian builds modules.dep at install time (postinst), so make it here,
# inside our own unpacked copy.
depmod -b "$debs/kernel" "$release"

wanted=$(sed -e 's/#.*//' "$list" "$extra" | tr -s ' \t' '\n\n' | sed '/^$/d')
# shellcheck disable=SC2086
files=$(awk -f "$here/closure.awk" "$src/modules.dep" $wanted) \
	|| die "module closure failed (names above are not in $pkg)"

dst=$out/modules/lib/modules/$release
rm -rf "$out/modules"
mkdir -p "$dst"
for f in $files; do
	target=$dst/$(echo "$f" | sed -E 's/\.ko\.(xz|zst|gz)$/.ko/')
	mkdir -p "$(dirname "$target")"
	case $f in
	*.ko) cp "$src/$f" "$target" ;;
	*.ko.xz) xz -dc "$src/$f" >"$target" ;;
	*.ko.zst) zstd -qdc "$src/$f" >"$target" ;;
	*.ko.gz) gzip -dc "$src/$f" >"$target" ;;
	*) die "unexpected module file $f" ;;
	esac
done
cp "$src/modules.builtin" "$src/modules.builtin.modinfo" "$src/modules.order" "$dst/"
depmod -b "$out/modules" "$release"

cp "$debs/kernel/boot/vmlinuz-$release" "$out/vmlinuz"
echo "$release" >"$out/kernel-version"
echo "kernel.sh: $pkg, $(echo "$files" | wc -l) modules ($(du -sk "$dst" | cut -f1) KiB uncompressed)"
