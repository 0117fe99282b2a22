#!/bin/sh
# CLI tests of --threads and [run] threads (include/advflow/threads.h):
# bad values are refused by every command (exit 2, naming the command or
# the key, nothing written); runs under 1, 2 and 3 threads and under the
# case's key write the same masks, densities, level sets and history bit
# for bit (history without its timing columns); run.txt says how many
# threads ran; a run interrupted under one thread count resumes under
# another and ends as an uninterrupted run.  (Frames carry the command
# line in their text chunks, so they differ between command lines; the
# frames' pixels are compared in tests/test_threads.c.)  Needs ADVFLOW_BIN.
# GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

# n = 160: large enough for the grid passes to split among threads
cat > "$T/m.ini" <<'INI'
[grid]
n = 160
box = -1 1

[data]
generate = moons
count = 300
seed = 2

[initial]
shape = bayes

[scheme]
epsilon = 0.05
h = 0.01
steps = 6

[output]
every = 2
format = both
INI

# ---- bad values: exit 2 naming the command, nothing written ----
for cmd in run perimeter render data robust attack; do
    expect 2 "advflow $cmd: --threads needs a whole number in 0..256" -- \
        "$BIN" "$cmd" "$T/m.ini" --threads x --out "$T/bad"
done
expect 2 "advflow plot: --threads needs a whole number" -- "$BIN" plot "$T" --threads -1
expect 2 "advflow run: --threads needs" -- "$BIN" run "$T/m.ini" --out "$T/bad" --threads 2.5
expect 2 "advflow run: --threads needs" -- "$BIN" run "$T/m.ini" --out "$T/bad" --threads=257
expect 2 "advflow run: --threads needs" -- "$BIN" run "$T/m.ini" --out "$T/bad" --threads
expect 2 "--set run.threads = '-1': must be a whole number in 0..256" -- \
    "$BIN" run "$T/m.ini" --out "$T/bad" --set run.threads=-1
expect 2 "--set run.threads = 'two': expected a whole number" -- \
    "$BIN" perimeter "$T/m.ini" --set run.threads=two
printf '[run]\nthreads = 1.5\n' | cat "$T/m.ini" - > "$T/b.ini"
expect 2 "b.ini:22: [run] threads = '1.5': expected a whole number" -- "$BIN" perimeter "$T/b.ini"
[ ! -e "$T/bad" ] && ok || bad "a refused command wrote $T/bad"
expect 0 "per_eps" -- "$BIN" perimeter "$T/m.ini" --threads 0
expect 0 "per_eps" -- "$BIN" perimeter "$T/m.ini" --threads=3
expect 0 "--threads N" -- "$BIN" run --help
expect 0 "--threads N" -- "$BIN" --help

# ---- the same results for every thread count ----
untimed() { cut -d, -f1-7,10- "$1"; }
compared() { (cd "$1" && ls | grep -E '^(mask_|levelset_|rho[01]\.npy)' | sort); }
same_run() { # same_run REF DIR WHAT
    a=$(compared "$1" | tr '\n' ' '); b=$(compared "$2" | tr '\n' ' ')
    [ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "$3: other files: [$b] vs [$a]"
    for f in $(compared "$1"); do
        cmp -s "$1/$f" "$2/$f" || bad "$3: $f differs"
    done
    untimed "$1/history.csv" > "$T/h1"; untimed "$2/history.csv" > "$T/h2"
    cmp -s "$T/h1" "$T/h2" && ok || bad "$3: history.csv differs: $(diff "$T/h1" "$T/h2" | head -4)"
}
for t in 1 2 3; do
    "$BIN" run "$T/m.ini" --out "$T/t$t" --quiet --threads "$t" && ok || bad "run --threads $t failed"
    grep -q "^threads: $t (of [0-9]* cores)$" "$T/t$t/run.txt" && ok \
        || bad "run.txt does not say threads: $t: $(grep threads "$T/t$t/run.txt")"
done
same_run "$T/t1" "$T/t2" "2 threads against 1"
same_run "$T/t1" "$T/t3" "3 threads against 1"
# the case's key, and --threads winning over it
"$BIN" run "$T/m.ini" --out "$T/key" --quiet --set run.threads=2 && ok || bad "run.threads=2 failed"
grep -q "^threads: 2 " "$T/key/run.txt" && ok || bad "[run] threads = 2 not used: $(grep threads "$T/key/run.txt")"
grep -q "^threads = 2$" "$T/key/case.ini" && ok || bad "case.ini does not keep [run] threads = 2"
same_run "$T/t1" "$T/key" "[run] threads = 2"
"$BIN" run "$T/m.ini" --out "$T/win" --quiet --set run.threads=2 --threads 1 && ok || bad "--threads 1 failed"
grep -q "^threads: 1 " "$T/win/run.txt" && ok || bad "--threads does not win: $(grep threads "$T/win/run.txt")"
grep -q "^threads = 2$" "$T/win/case.ini" && ok || bad "case.ini records --threads, not the case's key"
# --threads is not written into case.ini: the runs' case.ini differ only in [output] dir
sed '/^dir = /d' "$T/t1/case.ini" > "$T/c1"; sed '/^dir = /d' "$T/t3/case.ini" > "$T/c3"
cmp -s "$T/c1" "$T/c3" && ok || bad "case.ini depends on --threads: $(diff "$T/c1" "$T/c3")"
# the level-set representation
for t in 1 2; do
    "$BIN" run "$T/m.ini" --out "$T/ls$t" --quiet --threads "$t" --set scheme.representation=levelset \
        --set scheme.steps=3 && ok || bad "level-set run --threads $t failed"
done
same_run "$T/ls1" "$T/ls2" "level sets, 2 threads against 1"

# ---- resumed under another thread count ----
cat > "$T/c.ini" <<'INI'
[grid]
n = 192
box = -1 1

[initial]
shape = circle
radius = 0.7

[scheme]
epsilon = 0.03
h = 0.002
steps = 40

[output]
frames = no
INI
"$BIN" run "$T/c.ini" --out "$T/ref" --quiet --threads 2 && ok || bad "reference run failed"
"$BIN" run "$T/c.ini" --out "$T/int" --quiet --threads 1 &
pid=$!
sleep 1
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || [ "$rc" -eq 0 ] && ok || bad "interrupted run exited $rc"
"$BIN" run "$T/c.ini" --out "$T/int" --quiet --resume --threads 3 && ok || bad "resume under 3 threads failed"
same_run "$T/ref" "$T/int" "resumed under 3 threads after 1"

summary test_threads
