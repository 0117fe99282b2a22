#!/bin/sh
# Every example in cases/ runs, with its own grid, budget and time step, at
# least 8 steps before it vanishes or comes to rest: with h = epsilon most
# of them used to end after one to three steps, showing nothing of what
# their comments promise.  All of them at full length take about a minute
# on two cores, too long for make check; so each runs at its own settings
# (n, epsilon, h and everything else as in the file) but capped with
# --set scheme.steps=8, and the check is that none vanished or stopped
# before step 8: history.csv has the rows of steps 0 ... 8, and the area of
# step 8 is not zero.  (The full runs take 14 to 62 steps: see each case's
# comment.)  Needs ADVFLOW_BIN.  GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

count=0
for c in cases/*.ini; do
    name=$(basename "$c" .ini)
    count=$((count + 1))
    if ! "$BIN" run "$c" --quiet --set scheme.steps=8 --out "$T/$name" > "$T/$name.log" 2>&1; then
        bad "$c: exit status $?: $(cat "$T/$name.log")"
        continue
    fi
    # rows of steps 0 ... 8, then the area of step 8
    rows=$(grep -v '^#' "$T/$name/history.csv" | tail -n +2 | wc -l)
    [ "$rows" -eq 9 ] && ok || bad "$c: $rows rows in history.csv: it stopped after $((rows - 1)) steps, want 8: $(tail -2 "$T/$name/history.csv" | cut -d, -f1-5)"
    area=$(grep -v '^#' "$T/$name/history.csv" | tail -1 | cut -d, -f3)
    awk -v a="$area" 'BEGIN { exit !(a > 0) }' && ok || bad "$c: the set vanished by step 8 (area $area)"
    grep -q '^stopped: the last planned step$' "$T/$name/run.txt" && ok \
        || bad "$c: run.txt: $(grep '^stopped' "$T/$name/run.txt")"
done
[ "$count" -ge 19 ] && ok || bad "only $count cases in cases/"

summary cases
