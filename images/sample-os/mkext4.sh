#!/bin/sh
# mkext4.sh — the sample OS's root file system as an ext4 image, rootless.
#
# usage: mkext4.sh OUT.img TREE NODES [SIZE_MIB]
#
# mke2fs -d copies TREE into the new file system. It runs under fakeroot so
# that every file is owned by root and the device nodes listed in NODES
# (see mkcpio.c for the format) exist, without needing root. UUID and hash
# seed are fixed and all times come from SOURCE_DATE_EPOCH (mkroot.sh set
# the files' times; mke2fs uses it for the file system's own), so the same
# tree gives the same bytes.
set -eu

die() { echo "mkext4.sh: $*" >&2; exit 1; }

out=${1:?usage: mkext4.sh OUT.img TREE NODES [SIZE_MIB]}
tree=${2:?} nodes=${3:?} size=${4:-64}
uuid=4b45454c-0000-4000-8000-0000000000f5
seed=4b45454c-0000-4000-8000-0000000000f6
command -v fakeroot >/dev/null || die "fakeroot not found; install Debian's fakeroot package"
command -v mke2fs >/dev/null || die "mke2fs not found; install Debian's e2fsprogs package"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
# mke2fs ≥ 1.47.1 reads this instead; older ones use SOURCE_DATE_EPOCH.
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH

rm -f "$out.tmp"
truncate -s "${size}M" "$out.tmp"
fakeroot -- sh -eu -c '
	tree=$1 nodes=$2 img=$3 size=$4 uuid=$5 seed=$6
	chown -R 0:0 "$tree"
	made=""
	while read -r type major minor mode path; do
		case $type in c | b) ;; *) continue ;; esac
		mknod -m "$mode" "$tree/$path" "$type" "$major" "$minor"
		made="$made $tree/$path"
	done <"$nodes"
	# Reading the tree (for the initramfs, say) moved its access times;
	# mke2fs copies them, so set them back right before.
	find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	mke2fs -q -F -t ext4 -b 4096 -m 0 -L keel-root -U "$uuid" \
		-E "hash_seed=$seed,root_owner=0:0,lazy_itable_init=0" \
		-d "$tree" "$img" "${size}M"
	# The nodes only exist to be copied; the tree is also the initramfs.
	rm -f $made
' sh "$tree" "$nodes" "$out.tmp" "$size" "$uuid" "$seed" || die "mke2fs failed for $out"

# mke2fs 1.47.0 copies each file'"'"'s change time (ctime), which no one can
# set; debugfs sets it to SOURCE_DATE_EPOCH in every used inode: the root
# (2) and 11 onwards, which mke2fs -d hands out in order without gaps.
used=$(dumpe2fs -h "$out.tmp" 2>/dev/null | awk -F: '
	/^Inode count/ { n = $2 } /^Free inodes/ { f = $2 } END { print n - f }')
[ "$used" -gt 11 ] || die "cannot read the inode count of $out.tmp"
{
	echo "sif <2> ctime @$SOURCE_DATE_EPOCH"
	i=11
	while [ "$i" -le "$used" ]; do
		echo "sif <$i> ctime @$SOURCE_DATE_EPOCH"
		i=$((i + 1))
	done
} >"$out.debugfs"
debugfs -w -f "$out.debugfs" "$out.tmp" >/dev/null 2>&1 || die "debugfs could not fix the times in $out.tmp"
rm -f "$out.debugfs"
mv "$out.tmp" "$out"
