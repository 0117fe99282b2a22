#!/bin/sh
# CLI tests of the memory limit and the first step's estimate
# (src/cli/resources.c, af_mm_plan_estimate): --max-memory's sizes, a limit
# too small refused with the numbers before anything is written, a
# generous one runs, the slow-step warning, and the issue's large ball on a
# small grid.  Needs ADVFLOW_BIN.  GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

cat > "$T/c.ini" <<'INI'
[grid]
n = 128
box = -1 1

[initial]
shape = circle
radius = 0.6

[scheme]
epsilon = 0.25   ; 16 cells
steps = 1
INI

# sizes: garbage is a usage error naming the option
for v in abc -5 0 1.5Q inf nan 0x10 "" 12XB 1e400; do
    expect 2 "--max-memory needs a size" -- "$BIN" perimeter "$T/c.ini" --max-memory "$v"
done
expect 2 "--max-memory needs a size" -- "$BIN" run "$T/c.ini" --max-memory
expect 2 "does not take the option --max-memory" -- "$BIN" plot "$T" --max-memory 1G
for v in 4G 4g 1.5G 512M 512MiB 100000000 2T; do
    expect 0 "per_eps = " -- "$BIN" perimeter "$T/c.ini" --max-memory "$v"
done
expect 0 "" -- "$BIN" perimeter "$T/c.ini" --max-memory=4G

# a limit below the grid's fields: refused by every command that loads a case
expect 2 "needs about 1.6 MiB, more than the limit of 1.0 KiB (--max-memory)" -- \
    "$BIN" perimeter "$T/c.ini" --max-memory 1K
expect 2 "more than the limit of 100 bytes" -- "$BIN" render "$T/c.ini" -o "$T/r.png" --max-memory 100
[ ! -e "$T/r.png" ] && ok || bad "a refused render wrote its file"

# a limit below the first step: refused with the estimate and what to change,
# before the output folder exists
out=$("$BIN" run "$T/c.ini" --out "$T/never/a" --max-memory 20M 2>&1); rc=$?
[ "$rc" -eq 2 ] && ok || bad "run over the limit: exit $rc: $out"
for needle in "the first step needs about" "million nodes" "more than the limit of 20.0 MiB" \
              "epsilon = 0.25 is 16.0 cells at [grid] n = 128" "smaller [scheme] epsilon" \
              "raise --max-memory" "nothing was written"; do
    case $out in *"$needle"*) ok ;; *) bad "refusal lacks '$needle': $out" ;; esac
done
[ ! -e "$T/never" ] && ok || bad "a refused run created $T/never"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok || bad "refusal is not one line: $out"
# the same case with room runs
expect 0 "" -- "$BIN" run "$T/c.ini" --out "$T/ok" --quiet --max-memory 4G
[ -s "$T/ok/history.csv" ] && ok || bad "run with --max-memory 4G wrote no history"

# the estimate grows with eps: 4 cells fit where 16 did not
expect 0 "" -- "$BIN" run "$T/c.ini" --out "$T/small-eps" --quiet --max-memory 20M \
    --set scheme.epsilon=0.0625

# a first step estimated over a minute is announced (eps = 256 cells at
# n = 1024: about 21 million nodes); steps = 0 makes none
out=$("$BIN" run "$T/c.ini" --out "$T/slow" --set grid.n=1024 --set scheme.epsilon=0.5 \
      --set scheme.steps=0 --set output.frames=no --max-memory 1T 2>&1); rc=$?
[ "$rc" -eq 0 ] && ok || bad "steps = 0 with a slow first step: exit $rc: $out"
case $out in *"warning"*"the first step may take about"*"minute"*"million nodes"*) ok ;;
    *) bad "no slow-step warning: $out" ;; esac
out=$("$BIN" run "$T/c.ini" --out "$T/slow" --force --quiet --set grid.n=1024 \
      --set scheme.epsilon=0.5 --set scheme.steps=0 --set output.frames=no --max-memory 1T 2>&1)
[ -z "$out" ] && ok || bad "--quiet printed: $out"
# a quick one is not
out=$("$BIN" run "$T/c.ini" --out "$T/quick" --set scheme.epsilon=0.0625 --set scheme.steps=0 2>&1)
case $out in *"may take"*) bad "a quick first step announced: $out" ;; *) ok ;; esac

# issue 11: eps of 40 cells on a 64^2 grid built half a billion nodes (69 s,
# 12.6 GB); the ball is cut to the grid now, and the run fits and is quick
start=$(date +%s)
expect 0 "" -- "$BIN" run "$T/c.ini" --out "$T/ball40" --quiet --set grid.n=64 \
    --set scheme.epsilon=1.25 --set scheme.h=0.3125 --set scheme.steps=2
took=$(( $(date +%s) - start ))
[ "$took" -le 60 ] && ok || bad "eps = 40 cells at n = 64 took $took s"
rows=$(grep -vc '^#' "$T/ball40/history.csv")
[ "$rows" -ge 2 ] && ok || bad "eps = 40 cells at n = 64: $rows history rows"

summary resources
