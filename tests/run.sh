#!/bin/sh
# run.sh — Keel's test runner.
#
# usage: run.sh [TEST ...]   where TEST is a test binary, or BINARY=CORPUSDIR
#                            for a fuzzer replay over its corpus.
# Runs each test, keeps its full output in $KEEL_TEST_LOGS/<name>.log,
# prints one line per test binary (and the failing part of its output), and
# ends with the total "N passed, N failed" over every test case.
set -u

logs=${KEEL_TEST_LOGS:-build/tests/logs}
mkdir -p "$logs"
total_pass=0 total_fail=0 total_skip=0 bad_bins=""

for spec in "$@"; do
	bin=${spec%%=*}
	corpus=""
	[ "$bin" != "$spec" ] && corpus=${spec#*=}
	name=$(printf '%s' "$bin" | sed 's|^build/||; s|/|-|g')
	log="$logs/$name.log"
	start=$(date +%s)
	if [ -n "$corpus" ]; then
		"$bin" "$corpus" >"$log" 2>&1
	else
		"$bin" >"$log" 2>&1
	fi
	rc=$?
	secs=$(( $(date +%s) - start ))
	# The last "N passed, N failed[, N skipped]" line of the binary's output.
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	pass=$(printf '%s' "$summary" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	fail=$(printf '%s' "$summary" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
	skip=$(printf '%s' "$summary" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	if [ -z "$summary" ] || { [ "$rc" != 0 ] && [ "${fail:-0}" = 0 ]; }; then
		# Crashed or exited badly without reporting: one failure.
		pass=${pass:-0} fail=$(( ${fail:-0} + 1 ))
		summary="exit status $rc without a complete summary"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + ${skip:-0}))
	if [ "$fail" = 0 ]; then
		printf 'ok   %-44s %s (%ss)\n' "$name" "$summary" "$secs"
	else
		printf 'FAIL %-44s %s (%ss) — full log: %s\n' "$name" "$summary" "$secs" "$log"
		# Show what failed: the FAIL lines and the indented detail before them.
		grep -v -E '^(ok |skip )' "$log" | tail -n 60 | sed 's/^/     /'
		bad_bins="$bad_bins $name"
	fi
done

[ -n "$bad_bins" ] && echo "failing test binaries:$bad_bins"
if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" = 0 ]
