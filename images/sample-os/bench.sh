#!/bin/sh
# bench.sh — the sample OS's build figures beside their goals, and a check
# that the build is reproducible.
#
#   sh images/sample-os/bench.sh        (make bench runs it)
#
# 1. Builds every sample-OS artefact (make sample-os) and notes their
#    SHA-256 sums.
# 2. Removes them and everything they are made of ($(B)/sample-os, the
#    unpacked packages included) but keeps the download cache, then builds
#    them again, timed: the "warm download cache" build.
# 3. The second build must give the same bytes (initramfs images, ext4 root,
#    disk images): SOURCE_DATE_EPOCH, sorted archives and fixed UUIDs make
#    that so. Exits 1 if it does not.
# Goals: warm build < 60 s, initramfs < 10 MiB compressed.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
make=${MAKE:-make}
b=build
imgs=$b/images
files="$imgs/sample-os.vmlinuz $imgs/sample-os.initrd $imgs/sample-os-root.ext4 $imgs/sample-os.img"
for v in panic hang crash unhealthy; do
	files="$files $imgs/sample-os-$v.initrd $imgs/sample-os-$v.img"
done

quiet_make() {
	if ! "$make" --no-print-directory sample-os >"$b/sample-os-bench.log" 2>&1; then
		cat "$b/sample-os-bench.log" >&2
		echo "bench.sh: make sample-os failed (log above)" >&2
		exit 1
	fi
}

quiet_make
sha256sum $files >"$b/sample-os-bench.sums"

rm -rf "$b/sample-os" $files
start=$(date +%s%N)
quiet_make
ms=$((($(date +%s%N) - start) / 1000000))

initrd=$(stat -c %s "$imgs/sample-os.initrd")
verdict() { [ "$1" -lt "$2" ] && echo ok || echo MISSED; }
printf 'sample-os warm build (all artefacts): %6d.%01d s  (goal < 60 s)     %s\n' \
	$((ms / 1000)) $((ms % 1000 / 100)) "$(verdict "$ms" 60000)"
printf 'sample-os initramfs, zstd:            %6d KiB (goal < 10240 KiB) %s\n' \
	$((initrd / 1024)) "$(verdict "$initrd" 10485760)"

if sha256sum --quiet -c "$b/sample-os-bench.sums"; then
	echo "sample-os reproducible: the second build gave the same bytes ($(echo $files | wc -w) files)"
else
	echo "sample-os NOT reproducible: the files above differ between two builds" >&2
	exit 1
fi
