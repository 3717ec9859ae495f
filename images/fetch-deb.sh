#!/bin/sh
# fetch-deb.sh PACKAGE DESTDIR — unpacks Debian's PACKAGE into DESTDIR.
#
# The .deb is fetched once with `apt-get download` into build/downloads/ and
# reused afterwards, so builds do not depend on what the host has installed
# and work offline once the cache is warm. Nothing here needs root, except
# refreshing apt's package lists when they are missing.
set -eu

pkg=${1:?usage: fetch-deb.sh PACKAGE DESTDIR}
dest=${2:?usage: fetch-deb.sh PACKAGE DESTDIR}
cache=${KEEL_DOWNLOADS:-build/downloads}
mkdir -p "$cache"

deb=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | sort | tail -n 1 || true)
if [ -z "$deb" ]; then
	echo "fetch-deb: downloading Debian package $pkg"
	if ! (cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1); then
		if [ "$(id -u)" = 0 ]; then
			apt-get update -q >/dev/null
			(cd "$cache" && apt-get download -q "$pkg" >/dev/null) || {
				echo "fetch-deb: apt-get download $pkg failed; check apt sources and network" >&2
				exit 1
			}
		else
			echo "fetch-deb: apt-get download $pkg failed; as root run 'apt-get update' and retry" >&2
			exit 1
		fi
	fi
	deb=$(ls "$cache/${pkg}"_*.deb | sort | tail -n 1)
fi
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
dpkg-deb -x "$deb" "$dest.tmp"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "fetch-deb: $pkg from $(basename "$deb") in $dest"
