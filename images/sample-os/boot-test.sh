#!/bin/sh
# boot-test.sh — boots the sample OS under QEMU + OVMF (TCG) and checks the
# serial markers of every variant. A smoke test of the artefacts; the
# system tests in tests/ go further (bootmgr, persist records).
#
# usage: boot-test.sh IMAGES_DIR [CASE...]
#   cases: good root hang crash panic unhealthy (default: all)
# Logs go to IMAGES_DIR/boot-test/<case>.log, each line prefixed with the
# milliseconds since QEMU started.
set -eu

imgs=${1:?usage: boot-test.sh IMAGES_DIR [CASE...]}
shift
cases=${*:-good root hang crash panic unhealthy}
work=$imgs/boot-test
code=${KEEL_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
vars=${KEEL_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
accel=${KEEL_ACCEL:-tcg}
kernel=$imgs/sample-os.vmlinuz
base="console=ttyS0 quiet panic=-1"
failed=0 passed=0
mkdir -p "$work"
[ -f "$code" ] || { echo "boot-test: no OVMF at $code; install Debian's ovmf package" >&2; exit 1; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# boot NAME INITRD TIMEOUT APPEND [QEMU ARGS...]: one boot, serial to the log.
# Keeps NAME.vars between boots of the same name (pstore needs that).
boot() {
	name=$1 initrd=$2 limit=$3 append=$4
	shift 4
	log=$work/$name.log
	[ -f "$work/$name.vars" ] || cp "$vars" "$work/$name.vars"
	start=$(now_ms)
	timeout "$limit" qemu-system-x86_64 -machine "q35,accel=$accel" -m 1024 -nodefaults \
		-drive "if=pflash,format=raw,readonly=on,file=$code" \
		-drive "if=pflash,format=raw,file=$work/$name.vars" \
		-kernel "$kernel" -initrd "$initrd" -append "$base $append" \
		-serial stdio -display none -no-reboot \
		-device i6300esb -action watchdog=reset "$@" </dev/null 2>&1 |
		while IFS= read -r line; do
			echo "$(($(now_ms) - start)) $line"
		done >"$log" || true
	echo "$(($(now_ms) - start)) QEMU-EXIT" >>"$log"
}

# expect LOG PATTERN...: every pattern appears, in this order.
expect() {
	log=$1
	shift
	awk -v n=$# 'BEGIN { for (i = 1; i <= n; i++) want[i] = ARGV[i]; ARGC = 1; i = 1 }
		{ while (i <= n && index($0, want[i])) i++ }
		END { if (i <= n) { print "  missing: " want[i]; exit 1 } }' "$@" <"$log"
}

# ms LOG PATTERN: when the first line with PATTERN was printed.
ms() { grep -F -m1 "$2" "$1" | cut -d' ' -f1; }

result() {
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok   $2"
	else
		failed=$((failed + 1))
		echo "FAIL $2 (log: $work/$2.log)"
	fi
}

# A GPT disk with a persist partition and the ext4 root, as installed.
make_disk() {
	disk=$work/disk.img
	rm -f "$disk"
	truncate -s 80M "$disk"
	printf '%s\n' 'label: gpt' 'label-id: 4b45454c-0000-4000-8000-000000000002' \
		'start=2048, size=2048, type=3c5db6dc-f514-453d-9003-4953f138d9c3, uuid=4b45454c-0000-4000-8000-0000000000a1, name="persist"' \
		'start=4096, size=131072, type=4f68bce3-e8cd-4db1-96e7-fbcaf984b709, uuid=4b45454c-0000-4000-8000-0000000000a2, name="root"' |
		sfdisk --quiet "$disk" >/dev/null
	dd if="$imgs/sample-os-root.ext4" of="$disk" bs=1M seek=2 conv=notrunc status=none
}

case_good() {
	rm -f "$work/good.vars"
	boot good "$imgs/sample-os.initrd" 60 "keel.boot_id=good-1 keel.halt_after_golden=1"
	expect "$work/good.log" "KEEL-OS stage=kernel boot_id=good-1" "KEEL-OS stage=init boot_id=good-1" \
		"KEEL-OS stage=services boot_id=good-1" "KEEL-OS health=ok" \
		"KEEL-OS stage=golden boot_id=good-1" "KEEL-OS shutdown action=poweroff"
	r=$?
	echo "     golden after $(ms "$work/good.log" "stage=golden") ms from QEMU start"
	return $r
}

case_root() {
	make_disk
	rm -f "$work/root.vars"
	boot root "$imgs/sample-os.initrd" 60 \
		"keel.boot_id=root-1 keel.halt_after_golden=1 root=PARTUUID=4b45454c-0000-4000-8000-0000000000a2" \
		-drive "file=$work/disk.img,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0
	expect "$work/root.log" "KEEL-OS stage=kernel boot_id=root-1" "KEEL-OS root device=/dev/vda2" \
		"KEEL-OS persist device=/dev/vda1 spec=TYPE=3c5db6dc-f514-453d-9003-4953f138d9c3" "KEEL-OS stage=init boot_id=root-1" \
		"KEEL-OS stage=golden boot_id=root-1"
}

case_hang() {
	rm -f "$work/hang.vars"
	boot hang "$imgs/sample-os-hang.initrd" 90 "keel.boot_id=hang-1 keel.watchdog=10"
	expect "$work/hang.log" "KEEL-OS stage=init boot_id=hang-1" "variant=hang" || return 1
	hung=$(ms "$work/hang.log" "variant=hang")
	ended=$(ms "$work/hang.log" QEMU-EXIT)
	echo "     watchdog reset $((ended - hung)) ms after the hang began (timeout 10 s)"
	[ $((ended - hung)) -lt 13000 ] && ! grep -q "stage=services" "$work/hang.log"
}

# Crash and panic boot twice: the second boot harvests the pstore dump.
case_crash() {
	rm -f "$work/crash.vars"
	boot crash "$imgs/sample-os-crash.initrd" 60 "keel.boot_id=crash-1"
	expect "$work/crash.log" "KEEL-OS stage=init boot_id=crash-1" "Attempted to kill init" || return 1
	mv "$work/crash.log" "$work/crash-1.log"
	boot crash "$imgs/sample-os.initrd" 60 "keel.boot_id=crash-2 keel.halt_after_golden=1"
	expect "$work/crash.log" "panic=\"Kernel panic - not syncing: Attempted to kill init!" \
		"last_stage=init boot_id=crash-1" "KEEL-OS stage=golden boot_id=crash-2"
}

case_panic() {
	rm -f "$work/panic.vars"
	boot panic "$imgs/sample-os.initrd" 60 "keel.boot_id=panic-1 keel.variant=panic"
	expect "$work/panic.log" "KEEL-OS stage=init boot_id=panic-1" "sysrq triggered crash" || return 1
	mv "$work/panic.log" "$work/panic-1.log"
	boot panic "$imgs/sample-os.initrd" 60 "keel.boot_id=panic-2 keel.halt_after_golden=1"
	expect "$work/panic.log" "panic=\"Kernel panic - not syncing: sysrq triggered crash\"" \
		"last_stage=init boot_id=panic-1" "KEEL-OS stage=golden boot_id=panic-2"
}

case_unhealthy() {
	rm -f "$work/unhealthy.vars"
	boot unhealthy "$imgs/sample-os-unhealthy.initrd" 90 "keel.boot_id=unh-1 keel.golden_deadline=20"
	expect "$work/unhealthy.log" "KEEL-OS stage=services boot_id=unh-1" "KEEL-OS health=fail" \
		"golden deadline of 20 s passed" "KEEL-OS shutdown action=reboot reason=golden_deadline" &&
		! grep -q "stage=golden" "$work/unhealthy.log"
}

for c in $cases; do
	if "case_$c"; then result 0 "$c"; else result 1 "$c"; fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
