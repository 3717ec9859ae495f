#!/bin/sh
# Makes sure the Debian packages given as arguments are installed.
# Installs the missing ones with apt-get when run as root; otherwise says
# exactly what to run. Changes nothing when everything is present.
set -eu

missing=""
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "keel: these Debian packages are missing:$missing" >&2
	echo "keel: nothing was built or changed. Install them as root:" >&2
	echo "    apt-get install$missing" >&2
	exit 1
fi

echo "keel: installing missing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
# Only refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
	apt-get update -q || {
		echo "keel: apt-get update failed; check the network or apt sources, then retry." >&2
		exit 1
	}
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing || {
	echo "keel: apt-get install failed; nothing of Keel was built. Fix apt, then retry." >&2
	exit 1
}
