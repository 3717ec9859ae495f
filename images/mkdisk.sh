#!/bin/sh
# mkdisk.sh — builds a GPT disk image with a FAT32 ESP, rootless.
#
# No root, no loop devices, no mounts: sfdisk (util-linux's libfdisk) writes
# the partition table into the file, mkfs.fat --offset formats the ESP in
# place, and mtools copies files into it. Same inputs → same bytes.
#
# usage: mkdisk.sh OUT.img [options] [SRC=\\PATH\\ON\\ESP ...]
#   --size MIB         whole disk size (default 600)
#   --esp-size MIB     ESP size (default 512; FAT32 needs ≥ 260 for mtools)
#   --disk-guid GUID   GPT disk GUID (default: fixed test value)
#   --esp-uuid GUID    ESP PARTUUID (default: fixed test value)
#   --label NAME       ESP volume label (default KEEL-ESP)
#   --part TYPE:UUID:MIB:NAME[:FILE]
#                      an extra partition after the ESP (in order): empty, or
#                      holding FILE (a file system image, at most MIB MiB)
# Unwritten space stays a hole: the image is sparse (copy it with
# cp --sparse=always).
set -eu

die() { echo "mkdisk: $*" >&2; exit 1; }

out=${1:-}; [ -n "$out" ] || die "usage: mkdisk.sh OUT.img [options] [SRC=\\\\PATH ...]"
shift
size=600 esp_size=512 label=KEEL-ESP
disk_guid=4b45454c-0000-4000-8000-000000000001
esp_uuid=4b45454c-0000-4000-8000-0000000000e5
extra="" files=""
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift 2 ;;
	--esp-size) esp_size=$2; shift 2 ;;
	--disk-guid) disk_guid=$2; shift 2 ;;
	--esp-uuid) esp_uuid=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	--part) extra="$extra $2"; shift 2 ;;
	--*) die "unknown option $1" ;;
	*=*) files="$files $1"; shift ;;
	*) die "expected SRC=\\\\PATH, got '$1'" ;;
	esac
done
[ "$esp_size" -ge 260 ] || die "--esp-size must be at least 260 MiB for FAT32"

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
rm -f "$tmp"
truncate -s "${size}M" "$tmp"

# Partition table. 1 MiB alignment; the ESP starts at 1 MiB (sector 2048).
{
	echo "label: gpt"
	echo "label-id: $disk_guid"
	echo "unit: sectors"
	echo "first-lba: 2048"
	echo "start=2048, size=$((esp_size * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$esp_uuid, name=\"ESP\""
	for p in $extra; do
		IFS=: read -r ptype puuid pmib pname pfile <<-P
		$p
		P
		echo "size=$((pmib * 2048)), type=$ptype, uuid=$puuid, name=\"$pname\""
	done
} | sfdisk --quiet --no-reread --no-tell-kernel "$tmp" >/dev/null \
	|| die "sfdisk could not write the partition table to $tmp"

# mkfs.fat warns that the file is larger than the ESP; that is intended.
if ! mkfs.fat --invariant --offset=2048 -F 32 -n "$label" -i 4b45454c "$tmp" \
	$((esp_size * 1024)) >/dev/null 2>"$tmp.err"; then
	cat "$tmp.err" >&2
	rm -f "$tmp.err"
	die "mkfs.fat failed on $tmp"
fi
grep -v 'block count mismatch' "$tmp.err" >&2 || true
rm -f "$tmp.err"

export MTOOLS_SKIP_CHECK=1
img="$tmp@@1M"
stamp=$(mktemp)
trap 'rm -f "$tmp" "$stamp"' EXIT
for f in $files; do
	src=${f%%=*}
	dst=$(printf '%s' "${f#*=}" | tr '\\' /)
	[ -f "$src" ] || die "no such file: $src"
	# Create each parent folder once (mmd fails on existing ones).
	dir=$(dirname "$dst") path=""
	for part in $(printf '%s' "$dir" | tr / ' '); do
		path="$path/$part"
		mdir -i "$img" "::$path" >/dev/null 2>&1 || mmd -i "$img" "::$path"
	done
	cp "$src" "$stamp"
	touch -d "@${SOURCE_DATE_EPOCH:-0}" "$stamp"
	mcopy -o -m -i "$img" "$stamp" "::$dst" || die "mcopy failed for $src"
done
# Fill the extra partitions that name a file. Each starts where the one
# before it ends (all sizes are whole MiB, so 1 MiB alignment holds).
start=$((1 + esp_size))
for p in $extra; do
	IFS=: read -r ptype puuid pmib pname pfile <<-P
	$p
	P
	if [ -n "$pfile" ]; then
		[ -f "$pfile" ] || die "no such file for partition $pname: $pfile"
		fsize=$(stat -c %s "$pfile")
		[ "$fsize" -le $((pmib * 1048576)) ] ||
			die "$pfile ($fsize bytes) does not fit partition $pname ($pmib MiB)"
		dd if="$pfile" of="$tmp" bs=1M seek="$start" conv=notrunc,sparse status=none ||
			die "could not copy $pfile into partition $pname"
	fi
	start=$((start + pmib))
done
mv "$tmp" "$out"
trap - EXIT
rm -f "$stamp"
echo "mkdisk: $out ($size MiB, ESP $esp_size MiB, PARTUUID $esp_uuid)"
