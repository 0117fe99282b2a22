#!/bin/sh
# advflow run, interrupted and resumed (docs/reliability.md): runs killed
# at random points by SIGINT, SIGTERM and SIGKILL leave no truncated file
# under a final name, no temporary after SIGINT or SIGTERM, history rows for
# every mask on disk, and `--resume` (once or again after another kill)
# finishes with masks, level sets and history equal to an uninterrupted
# run's bit for bit (history without its two timing columns, solve_ms and
# step_ms).  Then a step of many seconds is interrupted and the exit is
# timed.  The random delays are printed (ADVFLOW_SEED repeats them).
# GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"
C=$(cd "$(dirname "$0")/../../cases" && pwd)
seed=${ADVFLOW_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "test_resume: seed $seed"
n_draw=0
# draw MAX_MS K: the K-th pseudo-random delay in seconds (like 0.734)
draw() {
    awk -v s="$seed" -v k="$2" -v m="$1" 'BEGIN { srand(s + 7919 * k); printf "%.3f", 0.05 + rand() * m / 1000 }'
}

# history without the timing columns (8 solve_ms, 9 step_ms)
untimed() { cut -d, -f1-7,10- "$1"; }

# the files compared bit for bit: those under their final names (a SIGKILL
# during a write leaves its temporary, name.tmp.XXXXXX, which nothing can
# remove then; --resume does, and check_final looks for it)
compared() { (cd "$1" && ls | grep -E '^(mask_|levelset_)' | grep -vE '\.tmp\.' | sort); }

# check_partial NAME DIR SIGNAL: what an interrupted run left in DIR
check_partial() {
    name=$1; d=$2; sig=$3
    ref=$T/ref_$name
    for f in $(compared "$d"); do
        if [ ! -f "$ref/$f" ]; then bad "$name $sig: $f is not an output of the run"; continue; fi
        cmp -s "$ref/$f" "$d/$f" || bad "$name $sig: $f differs from the uninterrupted run's (truncated?)"
        k=$(echo "$f" | sed -n 's/^[a-z]*_\([0-9]*\)\..*/\1/p')
        if [ -n "$k" ]; then
            k=$((1$k - 100000))
            grep -q "^$k," "$d/history.csv" || bad "$name $sig: $f on disk, no history row for step $k"
        fi
    done
    ok
    if [ "$sig" != KILL ]; then
        tmp=$(cd "$d" && ls -A | grep -E '\.tmp\.|^\.advflow-part-' | head -3)
        [ -z "$tmp" ] && ok || bad "$name $sig: temporaries left: $tmp"
    fi
    # rows (complete ones) are the uninterrupted run's
    untimed "$d/history.csv" | grep -v '^#' > "$T/rows"
    untimed "$ref/history.csv" | grep -v '^#' | head -n "$(wc -l < "$T/rows")" > "$T/refrows"
    # a last row cut short by SIGKILL may differ: compare the complete ones
    if [ "$sig" = KILL ] && [ -n "$(tail -c1 "$d/history.csv")" ]; then
        sed '$d' "$T/rows" > "$T/rows2"; mv "$T/rows2" "$T/rows"
        sed '$d' "$T/refrows" > "$T/rows2"; mv "$T/rows2" "$T/refrows"
    fi
    cmp -s "$T/rows" "$T/refrows" && ok || bad "$name $sig: history rows differ from the uninterrupted run's"
}

# check_final NAME DIR: a finished (resumed) run equals the reference
check_final() {
    name=$1; d=$2
    ref=$T/ref_$name
    a=$(compared "$ref" | tr '\n' ' '); b=$(compared "$d" | tr '\n' ' ')
    [ "$a" = "$b" ] && ok || bad "$name: the resumed run wrote other files: [$b] vs [$a]"
    for f in $(compared "$ref"); do
        cmp -s "$ref/$f" "$d/$f" || bad "$name: $f differs from the uninterrupted run's"
    done
    untimed "$ref/history.csv" > "$T/h1"; untimed "$d/history.csv" > "$T/h2"
    cmp -s "$T/h1" "$T/h2" && ok || bad "$name: history.csv differs: $(diff "$T/h1" "$T/h2" | head -4)"
    for f in overview.png history.png run.txt; do
        [ -s "$d/$f" ] && ok || bad "$name: no $f after the resumed run"
    done
    [ ! -e "$d/resume.state" ] && ok || bad "$name: resume.state left after the run finished"
    tmp=$(cd "$d" && ls -A | grep -E '\.tmp\.|^\.advflow-part-' | head -3)
    [ -z "$tmp" ] && ok || bad "$name: temporaries left after --resume: $tmp"
}

# scenario NAME MAX_MS ARGS...: reference run, then interrupted runs
scenario() {
    name=$1; max=$2; shift 2
    "$BIN" run "$@" --out "$T/run_$name" -q >/dev/null 2>&1 || { bad "$name: reference run failed"; return; }
    mv "$T/run_$name" "$T/ref_$name"
    for sig in INT TERM KILL INT TERM KILL; do
        d=$T/run_$name
        rm -rf "$d"
        n_draw=$((n_draw + 1))
        delay=$(draw "$max" $n_draw)
        "$BIN" run "$@" --out "$d" -q >/dev/null 2>"$T/err" &
        pid=$!
        sleep "$delay"
        kill -s "$sig" "$pid" 2>/dev/null
        wait "$pid"
        rc=$?
        echo "  $name: SIG$sig after $delay s -> exit $rc"
        if [ ! -d "$d" ]; then ok; continue; fi # before the folder was made
        case "$sig:$rc" in
            INT:130 | TERM:143 | KILL:137) ok ;;
            *:0) ok; continue ;; # finished before the signal: nothing to resume
            *) bad "$name: SIG$sig gave exit $rc: $(cat "$T/err")"; continue ;;
        esac
        if [ "$sig" != KILL ]; then
            grep -q -- "--resume" "$T/err" && ok || bad "$name: SIG$sig: no resume hint: $(cat "$T/err")"
        fi
        [ -f "$d/resume.state" ] || { [ "$sig" = KILL ] && continue; }
        check_partial "$name" "$d" "$sig"
        # resume; the second time round, interrupt the resumed run too
        if [ "$sig" = TERM ]; then
            "$BIN" run "$@" --out "$d" --resume -q >/dev/null 2>"$T/err" &
            pid=$!
            n_draw=$((n_draw + 1))
            sleep "$(draw "$max" $n_draw)"
            kill -s INT "$pid" 2>/dev/null
            wait "$pid"
            rc=$?
            echo "  $name: the resumed run interrupted -> exit $rc"
            [ "$rc" -eq 130 ] || [ "$rc" -eq 0 ] && ok || bad "$name: resumed run, SIGINT: exit $rc: $(cat "$T/err")"
        fi
        if [ -f "$d/resume.state" ]; then
            "$BIN" run "$@" --out "$d" --resume -q >/dev/null 2>"$T/err" \
                && ok || bad "$name: --resume failed: $(cat "$T/err")"
        fi
        check_final "$name" "$d"
    done
}

# masks, a frame every 3 steps (the overview's snapshots are taken again
# from the masks on disk), both file formats
scenario mask 1500 "$C/default.ini" --set output.every=3 --set output.format=both
# MBO: the FFT plans are planned again from the run's FFTW wisdom
scenario mbo 1200 "$C/default.ini" --set scheme.method=mbo --set output.every=2
# the level-set representation: u_k is saved and resumed bit for bit
scenario levelset 1500 "$C/circle.ini" --set scheme.representation=levelset --set grid.n=128 \
    --set output.every=2
# labelled points (risks on the points in every row), a periodic grid
scenario data 1500 "$C/moons.ini" --set grid.n=128 --set scheme.steps=12 --set grid.boundary=periodic

# --resume refuses what it cannot continue
d=$T/run_mask
rm -rf "$d"
"$BIN" run "$C/default.ini" --set output.every=3 --set output.format=both --out "$d" -q >/dev/null 2>&1 &
pid=$!; sleep 0.5; kill -INT $pid; wait $pid
if [ -f "$d/resume.state" ]; then
    expect 2 "different case" -- "$BIN" run "$C/default.ini" --set output.every=2 --set output.format=both --out "$d" --resume
    expect 2 "give one of them" -- "$BIN" run "$C/default.ini" --out "$d" --resume --force
    cp "$d/resume.state" "$T/state"
    head -c 100 "$T/state" > "$d/resume.state"
    expect 2 "damaged or truncated" -- "$BIN" run "$C/default.ini" --set output.every=3 --set output.format=both --out "$d" --resume
    sed 's/^version .*/version 0.0.9/' "$T/state" > "$d/resume.state"
    expect 2 "written by advflow 0.0.9" -- "$BIN" run "$C/default.ini" --set output.every=3 --set output.format=both --out "$d" --resume
    # the folder was left as it was by the refusals: the real state resumes
    cp "$T/state" "$d/resume.state"
    expect 0 "" -- "$BIN" run "$C/default.ini" --set output.every=3 --set output.format=both --out "$d" --resume -q
    check_final mask "$d"
else
    bad "no resume.state after SIGINT at 0.5 s"
fi
expect 2 "nothing to resume" -- "$BIN" run "$C/default.ini" --out "$T/none" --resume
# a finished run: nothing to do, and that is no error
expect 0 "the run is complete (stopped: the set vanished)" -- "$BIN" run "$C/default.ini" --set output.every=3 --set output.format=both --out "$T/run_mask" --resume
expect 2 "this command does not take" -- "$BIN" render "$C/default.ini" -o "$T/x.png" --resume

# history.csv: a row per step as the run goes, with the user's file mode
d=$T/run_mode
(umask 022 && "$BIN" run "$C/default.ini" --out "$d" -q >/dev/null 2>&1)
mode=$(stat -c %a "$d/history.csv")
[ "$mode" = 644 ] && ok || bad "history.csv has mode $mode under umask 022"

# A step of many seconds (n = 1024, eps = 64 cells, h = 16 cells: about
# 7 s here) is abandoned within two seconds of SIGINT.
d=$T/run_long
"$BIN" run "$C/circle.ini" --set grid.n=1024 --set scheme.epsilon=0.125 \
    --set scheme.h=0.03125 --set scheme.steps=1 --out "$d" -q >/dev/null 2>"$T/err" &
pid=$!
i=0 # wait for the step to start: step 0's row, files and state come before it
while [ $i -lt 600 ] && [ ! -f "$d/resume.state" ]; do sleep 0.05; i=$((i + 1)); done
sleep 1
t0=$(date +%s.%N)
kill -INT $pid
wait $pid
rc=$?
t1=$(date +%s.%N)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "  long step: SIGINT answered in $took s (exit $rc)"
[ "$rc" -eq 130 ] && ok || bad "long step: exit $rc after SIGINT: $(cat "$T/err")"
awk -v t="$took" 'BEGIN { exit !(t <= 2) }' && ok || bad "long step: SIGINT took $took s to answer"
grep -q '^1,' "$d/history.csv" && bad "long step: the step finished before SIGINT (too fast a machine for this check)" || ok

summary test_resume
