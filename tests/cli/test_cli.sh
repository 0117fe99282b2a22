#!/bin/sh
# CLI tests: exit codes, messages that name the file and line, nothing
# written on bad input, outputs of the commands.  Needs ADVFLOW_BIN.
# GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

cat > "$T/c.ini" <<'INI'
[grid]
n = 64
box = -1 1

[initial]
shape = circle
radius = 0.5

[scheme]
epsilon = 0.15625
h = 0.02
INI

# help and version
expect 0 "usage: advflow COMMAND" -- "$BIN" --help
expect 0 "Per_eps" -- "$BIN" help perimeter
expect 0 "usage: advflow run" -- "$BIN" run --help
expect 0 "usage: advflow render" -- "$BIN" render -h
expect 0 "advflow 0." -- "$BIN" --version
expect 2 "usage" -- "$BIN"
expect 2 "unknown command" -- "$BIN" frobnicate
expect 2 "unknown option" -- "$BIN" run "$T/c.ini" --bogus
expect 2 "missing CASE.ini" -- "$BIN" perimeter
expect 2 "needs SECTION.KEY=VALUE" -- "$BIN" perimeter "$T/c.ini" --set

# perimeter prints name = value lines
out=$("$BIN" perimeter "$T/c.ini")
for k in eps eps_cells per_eps per_eps_outer per_eps_inner per_local width_ratio anisotropy normal_gap_deg; do
    echo "$out" | grep -q "^$k = [-0-9.e+]*$" && ok || bad "perimeter: no line '$k = ...' in: $out"
done

# the radius-5 ball's widest normal gap is 2 atan(1/3) = 36.87 degrees
g=$("$BIN" perimeter "$T/c.ini" --set grid.n=512 --set scheme.epsilon=0.01953125 | sed -n 's/^normal_gap_deg = //p')
awk -v g="$g" 'BEGIN { e = g - 2 * atan2(1, 3) * 45 / atan2(1, 1); exit !(e < 1e-6 && e > -1e-6) }' \
    && ok || bad "normal_gap_deg = $g for eps = 5 cells, want 36.87"

# with [scheme] epsilon_average: the gap of the union of the balls' edge
# normals (5 and 4.25 cells: atan(1/3) = 18.43 degrees) and per_eps_avg;
# bad budgets are refused naming the key (exit 2); a run with it writes
# the averaged option back into case.ini
out=$("$BIN" perimeter "$T/c.ini" --set grid.n=512 --set scheme.epsilon=0.01953125 \
    --set scheme.epsilon_average=0.0166015625)
g=$(echo "$out" | sed -n 's/^normal_gap_deg = //p')
awk -v g="$g" 'BEGIN { e = g - atan2(1, 3) * 45 / atan2(1, 1); exit !(e < 1e-6 && e > -1e-6) }' \
    && ok || bad "normal_gap_deg = $g for eps = 5 and 4.25 cells, want 18.43"
echo "$out" | grep -q '^per_eps_avg = [0-9.e+-]*$' && ok || bad "perimeter: no per_eps_avg line in: $out"
"$BIN" perimeter "$T/c.ini" | grep -q '^per_eps_avg' && bad "per_eps_avg without epsilon_average" || ok
expect 2 "scheme.epsilon_average = '0.2': each budget must be in [dx, epsilon]" -- "$BIN" perimeter "$T/c.ini" --set scheme.epsilon_average=0.2
expect 2 "at most 3" -- "$BIN" run "$T/c.ini" --out "$T/out/avg_bad" --set "scheme.epsilon_average=0.1,0.1,0.1,0.1"
[ ! -e "$T/out/avg_bad" ] && ok || bad "a refused epsilon_average left $T/out/avg_bad"
expect 0 "" -- "$BIN" run "$T/c.ini" --out "$T/out/avg" --quiet --set scheme.steps=2 --set "scheme.epsilon_average=0.125, 0.1"
grep -q '^epsilon_average = 0.125, 0.1$' "$T/out/avg/case.ini" && ok || bad "case.ini: $(grep epsilon "$T/out/avg/case.ini")"

# acceptance 2: n = 512, circle r = 0.6, eps = 0.02, uniform rho: within 0.5% of 2 pi 0.6
p=$("$BIN" perimeter "$T/c.ini" --set grid.n=512 --set initial.radius=0.6 --set scheme.epsilon=0.02 \
    | sed -n 's/^per_eps = //p')
awk -v p="$p" 'BEGIN { L = 2 * 3.14159265358979 * 0.6; e = (p - L) / L; if (e < 0) e = -e; exit !(e < 0.005) }' \
    && ok || bad "per_eps = $p is not within 0.5% of 2 pi 0.6"

# run: history, frames and masks every `every` steps, final mask, overview
expect 0 "" -- "$BIN" run "$T/c.ini" --out "$T/out/a" --quiet --set scheme.steps=4 --set output.every=2
for f in history.csv frame_00000.png mask_00000.png frame_00002.png mask_00002.png frame_00004.png \
         mask_00004.png mask_final.png overview.png risks.png case.ini run.txt history.png history.svg; do
    [ -s "$T/out/a/$f" ] && ok || bad "run did not write $f: $(ls "$T/out/a")"
done
[ ! -e "$T/out/a/frame_00001.png" ] && ok || bad "run wrote frame_00001.png with every = 2"
grep -q '^epsilon_average' "$T/out/a/case.ini" && bad "epsilon_average written without being given" || ok
[ -z "$(ls -A "$T/out/a" | grep -v '^frame_0000[024].png$\|^mask_0000[024].png$\|^mask_final.png$\|^overview.png$\|^risks.png$\|^history.csv$\|^case.ini$\|^run.txt$\|^history.png$\|^history.svg$')" ] \
    && ok || bad "run left extra files: $(ls -A "$T/out/a")"
# a uniform density: the comment line of the exact area law, then the header
head -1 "$T/out/a/history.csv" | grep -q '^# area_rate_exact = -6.283185307 ' && ok \
    || bad "history.csv has no area law line: $(head -1 "$T/out/a/history.csv")"
grep -v '^#' "$T/out/a/history.csv" | head -1 | grep -q '^step,time,area,perimeter_eps,perimeter_local,energy,band_cells,solve_ms' \
    && ok || bad "history.csv header: $(head -2 "$T/out/a/history.csv")"
[ "$(grep -vc '^#' "$T/out/a/history.csv")" -eq 6 ] && ok || bad "history.csv has $(wc -l < "$T/out/a/history.csv") lines, want 6 and a comment"
# areas decrease along the flow of a circle
awk -F, '/^#/ { next } { n++ } n > 2 && $3 >= prev { exit 1 } n > 1 { prev = $3 }' "$T/out/a/history.csv" && ok || bad "area did not decrease"
out=$("$BIN" run "$T/c.ini" --out "$T/out/q" --quiet --set scheme.steps=1 2>&1); [ -z "$out" ] && ok || bad "--quiet printed: $out"
# t_end stops the run; the set vanishing stops it too
"$BIN" run "$T/c.ini" --out "$T/out/t" --quiet --set scheme.t_end=0.5 --set scheme.h=0.2 --set scheme.steps=100
[ "$(grep -vc '^#' "$T/out/t/history.csv")" -le 4 ] && ok || bad "t_end = 0.5 with h = 0.2 ran $(wc -l < "$T/out/t/history.csv") rows"
"$BIN" run "$T/c.ini" --out "$T/out/v" --set scheme.steps=100 > "$T/v.out" 2>&1
grep -q "vanished" "$T/v.out" && ok || bad "a circle did not vanish in 100 steps: $(cat "$T/v.out")"
# MBO runs on the same outputs
expect 0 "" -- "$BIN" run "$T/c.ini" --out "$T/out/mbo" --quiet --set scheme.method=mbo --set scheme.h=0.002 --set scheme.steps=3
[ -s "$T/out/mbo/history.csv" ] && [ -s "$T/out/mbo/overview.png" ] && ok || bad "mbo run wrote no history/overview"
# pinning warnings
expect 0 "warning: epsilon" -- "$BIN" run "$T/c.ini" --out "$T/out/w" --set scheme.epsilon=0.04 --set scheme.steps=1
expect 0 "warning: MBO kernel" -- "$BIN" run "$T/c.ini" --out "$T/out/w2" --set scheme.method=mbo --set scheme.h=0.0001 --set scheme.steps=1

# render
expect 0 "" -- "$BIN" render "$T/c.ini" --what mask -o "$T/m.png"
expect 0 "" -- "$BIN" render "$T/c.ini" --what density -o "$T/d.png"
expect 0 "" -- "$BIN" render "$T/c.ini" --what frame --scale 2 -o "$T/f.png"
[ -s "$T/m.png" ] && [ -s "$T/d.png" ] && [ -s "$T/f.png" ] && ok || bad "render wrote nothing"
expect 2 "--what must be" -- "$BIN" render "$T/c.ini" --what picture -o "$T/x.png"
expect 2 "missing -o" -- "$BIN" render "$T/c.ini"

# bad input: status 2, one clear message naming file and line, nothing written
bad_case() { # name needle text
    printf '%s' "$3" > "$T/$1.ini"
    expect 2 "$2" -- "$BIN" run "$T/$1.ini" --out "$T/never/$1"
    [ ! -e "$T/never/$1" ] && ok || bad "$1: output folder was created"
    n=$("$BIN" run "$T/$1.ini" --out "$T/never/$1" 2>&1 | wc -l)
    [ "$n" -eq 1 ] && ok || bad "$1: $n lines of error output"
}
bad_case syntax "syntax.ini:2: syntax error" "[grid]
n 64
"
bad_case unknown_key "unknown_key.ini:3: unknown key 'radus'" "[initial]
shape = circle
radus = 0.5
"
bad_case unknown_section "unknown_section.ini:1: unknown section [grit]" "[grit]
n = 3
"
bad_case n_zero "n_zero.ini:2: [grid] n" "[grid]
n = 0
[initial]
shape = circle
radius = 0.5
"
bad_case n_huge "n_huge.ini:2: [grid] n" "[grid]
n = 40000
[initial]
shape = circle
radius = 0.5
"
bad_case n_mem "GiB" "[grid]
n = 32000
[initial]
shape = circle
radius = 0.5
"
bad_case negative_density "negative_density.ini:6: [density] value" "[initial]
shape = circle
radius = 0.5
[density]
kind = uniform
value = -1
"
bad_case nan_density "nan_density.ini:6: [density] value" "[initial]
shape = circle
radius = 0.5
[density]
kind = uniform
value = nan
"
bad_case missing_png "missing_png.ini: [initial]" "[initial]
shape = png
file = nowhere.png
"
printf 'not a png at all' > "$T/broken.png"
bad_case broken_png "broken.png" "[initial]
shape = png
file = broken.png
"
bad_case broken_density_png "broken.png" "[initial]
shape = circle
radius = 0.5
[density]
kind = png
file = broken.png
"
bad_case small_eps "smaller than one cell" "[initial]
shape = circle
radius = 0.5
[scheme]
epsilon = 0.001
"
bad_case frame_too_big "limited to 4096 pixels" "[initial]
shape = circle
radius = 0.5
[output]
scale = 100
"
expect 2 "cannot open case file" -- "$BIN" run "$T/none.ini"
expect 2 "--set grid.n" -- "$BIN" run "$T/c.ini" --set grid.n=-1 --out "$T/never/set"
[ ! -e "$T/never" ] && ok || bad "bad input created $T/never"

# unwritable output folders: a path under a regular file, and /proc
touch "$T/file"
expect 2 "cannot create output folder" -- "$BIN" run "$T/c.ini" --out "$T/file/sub"
expect 2 "output folder" -- "$BIN" run "$T/c.ini" --out /proc/advflow-test
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$T/ro"; chmod a-w "$T/ro"
    expect 2 "not writable" -- "$BIN" run "$T/c.ini" --out "$T/ro"
fi

# every example case in cases/ reads and evaluates (test_cases.sh runs them)
for c in cases/*.ini; do
    "$BIN" perimeter "$c" > "$T/case.out" 2>&1 && grep -q '^per_eps = ' "$T/case.out" && ok \
        || bad "$c: $(cat "$T/case.out")"
done

# a density too large for advflow's sums is refused (exit 2, nothing written),
# and a polygon far outside the box runs (it used to crash)
expect 2 "scale them down" -- "$BIN" run cases/circle.ini --set density.value=1e306 --out "$T/huge"
[ ! -e "$T/huge" ] && ok || bad "huge density: wrote $T/huge"
printf '[grid]\nn = 64\n[initial]\nshape = polygon\nvertices = 1e10 -0.5 2e10 -0.5 2e10 0.5 1e10 0.5\n[scheme]\nepsilon = 0.1\nsteps = 1\n' > "$T/farpoly.ini"
expect 0 "vanished" -- "$BIN" run "$T/farpoly.ini" --out "$T/farpoly"

summary cli
