#!/bin/sh
# Run every cmocka test program in $1 (and the CLI tests, which need the
# binary $2), then print one closing line `N passed, N failed` counting
# programs.  Exit status 1 if any failed.  GPL-3.0-or-later.
dir=$1
bin=$2
pass=0
fail=0
failed=""
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    if ADVFLOW_BIN="$bin" "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    if ADVFLOW_BIN="$bin" sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
