#!/bin/sh
# CLI tests of what a run promises about its folder and its end: a folder
# holding a run is refused without --force (exit 2, nothing written), --force
# removes advflow's own files and no others, case.ini reads back as the same
# run, stop_when_still stops a still run with a message and exit 0, the
# warning on h against a component's size, [output] format = npy, the
# progress line on a terminal, --version and render --scale as their help
# says, and --force for robust and attack.  Needs ADVFLOW_BIN.
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
h = 0.01
INI
# the folder's state: names, sizes and checksums
state() { (cd "$1" && ls -A | sort | while read -r f; do [ -f "$f" ] && cksum "$f" || echo "$f/"; done); }

# ---- a folder that holds a run is refused without --force ----
"$BIN" run "$T/c.ini" --out "$T/a" --quiet --set scheme.steps=3 && ok || bad "first run failed"
before=$(state "$T/a")
expect 2 "--force" -- "$BIN" run "$T/c.ini" --out "$T/a" --set scheme.steps=1
expect 2 "$T/a already holds the outputs of a run (history.csv" -- "$BIN" run "$T/c.ini" --out "$T/a"
[ "$(state "$T/a")" = "$before" ] && ok || bad "a refused run changed the folder"
n=$("$BIN" run "$T/c.ini" --out "$T/a" 2>&1 | wc -l)
[ "$n" -eq 1 ] && ok || bad "the refusal is $n lines"
# only run's own names count: a folder of other files is fine
mkdir "$T/other" && echo mine > "$T/other/notes.txt" && echo x > "$T/other/attack.png"
"$BIN" run "$T/c.ini" --out "$T/other" --quiet --set scheme.steps=1 && ok || bad "a folder of other files was refused"
# bad input is reported before the folder: exit 2 naming the key
expect 2 "--set scheme.h = '-1': must be > 0" -- "$BIN" run "$T/c.ini" --out "$T/a" --set scheme.h=-1
# the option is named in the help
"$BIN" run --help | grep -q -- "--force" && ok || bad "run --help does not name --force"
expect 2 "does not take the option --force" -- "$BIN" perimeter "$T/c.ini" --force

# ---- --force removes advflow's files and only those ----
d="$T/a"
echo mine > "$d/notes.txt"; mkdir "$d/frame_00077.png"; mkdir "$d/sub"; echo keep > "$d/sub/history.csv"
echo x > "$d/frame_00099.png"; echo x > "$d/mask_00099.npy"; echo x > "$d/levelset_00099.npy"
echo x > "$d/history.csv.tmp.AbC123"; echo x > "$d/.advflow-part-overview.png"; echo x > "$d/flow.mp4"
echo x > "$d/frame_99.png"; echo x > "$d/frame_final.png"; echo x > "$d/robust_mask.png"
echo x > "$d/history.txt"; echo x > "$d/mask.png"; echo x > "$d/run.txt.bak"
"$BIN" run "$T/c.ini" --out "$d" --force --quiet --set scheme.steps=1 && ok || bad "--force run failed"
for f in frame_00099.png mask_00099.npy levelset_00099.npy history.csv.tmp.AbC123 .advflow-part-overview.png \
         flow.mp4 frame_00002.png frame_00003.png mask_00003.png; do
    [ ! -e "$d/$f" ] && ok || bad "--force left the old $f"
done
for f in notes.txt frame_99.png frame_final.png robust_mask.png history.txt mask.png run.txt.bak sub/history.csv; do
    [ -f "$d/$f" ] && ok || bad "--force removed $f, which advflow does not write"
done
[ -d "$d/frame_00077.png" ] && ok || bad "--force removed a folder"
for f in history.csv case.ini run.txt frame_00000.png frame_00001.png mask_final.png overview.png; do
    [ -s "$d/$f" ] && ok || bad "--force run did not write $f"
done
[ "$(grep -vc '^#' "$d/history.csv")" -eq 3 ] && ok || bad "history.csv after --force: $(cat "$d/history.csv")"

# ---- case.ini and run.txt ----
"$BIN" run "$T/c.ini" --out "$T/r1" --quiet --set scheme.steps=4 --set grid.n=48 --set "initial.center=0.1 -0.05" \
    --set scheme.norm=inf > /dev/null 2>&1 && ok || bad "run with overrides failed"
grep -q '^n = 48$' "$T/r1/case.ini" && grep -q '^norm = inf$' "$T/r1/case.ini" && grep -q '^center = 0.1 -0.05$' "$T/r1/case.ini" \
    && grep -q '^h = 0.01$' "$T/r1/case.ini" && grep -q '^stop_when_still = yes$' "$T/r1/case.ini" \
    && grep -q "^dir = $T/r1\$" "$T/r1/case.ini" && ok || bad "case.ini: $(cat "$T/r1/case.ini")"
for k in dim box boundary p selection method distance representation steps t_end every frames scale format; do
    grep -q "^$k = " "$T/r1/case.ini" && ok || bad "case.ini lacks the default of $k"
done
grep -q "^advflow 0\." "$T/r1/run.txt" && grep -q -- "^command: .*advflow run $T/c.ini --out $T/r1 --quiet --set scheme.steps=4 --set grid.n=48 --set 'initial.center=0.1 -0.05'" "$T/r1/run.txt" \
    && grep -q '^stopped: the last planned step$' "$T/r1/run.txt" && grep -q '^steps: 4 ' "$T/r1/run.txt" \
    && ok || bad "run.txt: $(cat "$T/r1/run.txt")"
# read back from another folder: the same run (history but for the timing columns)
(cd "$T/other" && "$BIN" run "$T/r1/case.ini" --out "$T/r2" --quiet) && ok || bad "case.ini does not run"
cut -d, -f1-7,10- "$T/r1/history.csv" > "$T/h1"; cut -d, -f1-7,10- "$T/r2/history.csv" > "$T/h2"
cmp -s "$T/h1" "$T/h2" && ok || bad "case.ini gave another run: $(diff "$T/h1" "$T/h2" | head -5)"
sed 1d "$T/r1/case.ini" | grep -v '^dir = ' > "$T/c1"; sed 1d "$T/r2/case.ini" | grep -v '^dir = ' > "$T/c2"
cmp -s "$T/c1" "$T/c2" && ok || bad "case.ini of the repeated run differs: $(diff "$T/c1" "$T/c2")"
# without --out it would write into its own folder, over the case file it
# reads: refused, with --force too
before=$(state "$T/r1")
expect 2 "is the output folder's case.ini" -- "$BIN" run "$T/r1/case.ini"
expect 2 "is the output folder's case.ini" -- "$BIN" run "$T/r1/case.ini" --force
[ "$(state "$T/r1")" = "$before" ] && ok || bad "a refused forced run changed the folder"
# a case naming a file (blob.png, relative to the case's folder) and data
for c in png_shape moons; do
    "$BIN" run "cases/$c.ini" --out "$T/$c" --quiet --set scheme.steps=1 --set grid.n=64 --set scheme.epsilon=0.16 \
        && (cd "$T" && "$BIN" run "$T/$c/case.ini" --out "$T/$c-again" --quiet) && ok || bad "$c: case.ini does not run"
    cut -d, -f1-7,10- "$T/$c/history.csv" > "$T/h1"; cut -d, -f1-7,10- "$T/$c-again/history.csv" > "$T/h2"
    cmp -s "$T/h1" "$T/h2" && ok || bad "$c: case.ini gave another run"
done

# ---- stop_when_still ----
cat > "$T/still.ini" <<'INI'
[grid]
n = 64
[initial]
shape = halfplane
normal = 0 1
offset = 0.1
[scheme]
epsilon = 0.15625
h = 0.02
steps = 30
INI
# a horizontal line under uniform density meets the clamped box edges at
# right angles and has no curvature: the first step changes nothing
expect 0 "at rest: step 1 changed nothing" -- "$BIN" run "$T/still.ini" --out "$T/s1"
[ "$(grep -vc '^#' "$T/s1/history.csv")" -eq 3 ] && ok || bad "still run: $(cat "$T/s1/history.csv")"
grep -q '^stopped: at rest' "$T/s1/run.txt" && ok || bad "run.txt: $(cat "$T/s1/run.txt")"
[ -s "$T/s1/frame_00001.png" ] && [ -s "$T/s1/overview.png" ] && ok || bad "still run: no last frame or overview"
out=$("$BIN" run "$T/still.ini" --out "$T/s2" --quiet 2>&1); [ -z "$out" ] && ok || bad "--quiet printed: $out"
"$BIN" run "$T/still.ini" --out "$T/s3" --quiet --set scheme.stop_when_still=no --set scheme.steps=5
[ "$(grep -vc '^#' "$T/s3/history.csv")" -eq 7 ] && ok || bad "stop_when_still = no stopped early"
# level sets: the mask unchanged for 10 steps and the contour still
expect 0 "at rest: the mask has not changed for 10 steps" -- "$BIN" run "$T/still.ini" --out "$T/s4" \
    --set scheme.representation=levelset
rows=$(grep -vc '^#' "$T/s4/history.csv")
[ "$rows" -ge 12 ] && [ "$rows" -le 14 ] && ok || bad "level-set still run: $rows lines"
# a moving set is not stopped: a circle shrinks every step
"$BIN" run "$T/c.ini" --out "$T/s5" --quiet --set scheme.steps=6 --set scheme.representation=levelset
[ "$(grep -vc '^#' "$T/s5/history.csv")" -eq 8 ] && ok || bad "a moving level set stopped: $(cut -d, -f1-3,10 "$T/s5/history.csv")"
expect 2 "--set scheme.stop_when_still = 'perhaps'" -- "$BIN" run "$T/still.ini" --out "$T/never1" --set scheme.stop_when_still=perhaps

# ---- the warning on h against a component's size ----
cat > "$T/small.ini" <<'INI'
[grid]
n = 64
[initial]
shape = circle
radius = 0.3
[scheme]
epsilon = 0.15625
h = 0.02
steps = 1
INI
# inradius about 0.3 (0.26 on this grid): 3 r^2 / 16 < h = 0.02
expect 0 "warning: $T/small.ini: [scheme] h = 0.02 is large next to a component of inradius r = 0." \
    -- "$BIN" run "$T/small.ini" --out "$T/w1"
# the numbers: the bound is 3 r^2 / 16 of the r it names, below h, and the
# disc did vanish in that one step
"$BIN" run "$T/small.ini" --out "$T/w2" > "$T/w2.log" 2>&1
r=$(sed -n 's/.*of inradius r = \([0-9.]*\) .*/\1/p' "$T/w2.log")
b=$(sed -n 's|.*for h > 3 r^2 / 16 = \([0-9.]*\) .*|\1|p' "$T/w2.log")
awk -v r="$r" -v b="$b" 'BEGIN { e = b / (3 * r * r / 16) - 1; exit !(r > 0.2 && b < 0.02 && e < 0.01 && e > -0.01) }' \
    && ok || bad "the warning's numbers (r = $r, bound = $b): $(cat "$T/w2.log")"
grep -q "the set vanished" "$T/w2.log" && ok || bad "the warned-of disc did not vanish in one step: $(cat "$T/w2.log")"
out=$("$BIN" run "$T/small.ini" --out "$T/w3" --quiet 2>&1); [ -z "$out" ] && ok || bad "--quiet printed: $out"
# small enough next to a larger disc: no warning on h
"$BIN" run "$T/small.ini" --out "$T/w4" --set initial.radius=0.6 --set scheme.h=0.005 --set scheme.steps=40 > "$T/w4.log" 2>&1
grep -q "is large next to" "$T/w4.log" && bad "a warning at h = 0.005: $(cat "$T/w4.log")" || ok
# below the one-step bound but gone within 8 steps: the uniform-density
# warning, whose count of steps the run then makes
"$BIN" run "$T/small.ini" --out "$T/w5" --set scheme.h=0.012 --set scheme.steps=20 > "$T/w5.log" 2>&1
k=$(sed -n 's/.*removes a disc of that area in \([0-9]*\) steps\{0,1\}; take h <= 0\.[0-9]* for 8 steps.*/\1/p' "$T/w5.log")
[ -n "$k" ] && grep -q "^advflow: $T/small.ini: $k steps\{0,1\} to .*the set vanished" "$T/w5.log" && ok \
    || bad "the disc warning: $(cat "$T/w5.log")"
# MBO's bound
expect 0 "r^2 / (4 ln 2)" -- "$BIN" run "$T/small.ini" --out "$T/w6" --set scheme.method=mbo --set scheme.h=0.04

# ---- [output] format ----
"$BIN" run "$T/c.ini" --out "$T/n1" --quiet --set scheme.steps=2 --set output.format=npy && ok || bad "format = npy failed"
for f in mask_00000.npy mask_00001.npy mask_00002.npy mask_final.npy rho0.npy rho1.npy frame_00002.png history.csv; do
    [ -s "$T/n1/$f" ] && ok || bad "format = npy: no $f"
done
ls "$T/n1" | grep -q '^mask_.*\.png$' && bad "format = npy wrote mask PNGs" || ok
sz=$(wc -c < "$T/n1/mask_00002.npy")
[ "$sz" -eq $((128 + 64 * 64)) ] || [ "$sz" -eq $((80 + 64 * 64)) ] && ok || bad "mask npy size $sz"
head -c 128 "$T/n1/mask_00002.npy" | grep -aq "'descr': '|u1'" && ok || bad "mask npy is not uint8"
head -c 128 "$T/n1/rho0.npy" | grep -aq "'descr': '<f8'" && ok || bad "rho0.npy is not float64"
# the mask holds 1 inside: its ones are the area of history.csv's row
ones=$(tail -c $((64 * 64)) "$T/n1/mask_00002.npy" | od -An -v -tu1 | tr -s ' ' '\n' | grep -c '^1$')
area=$(grep -v '^#' "$T/n1/history.csv" | sed -n 4p | cut -d, -f3)
awk -v o="$ones" -v a="$area" 'BEGIN { d = o * (2 / 64) ^ 2 - a; exit !(o > 0 && d < 1e-9 && d > -1e-9) }' \
    && ok || bad "mask_00002.npy has $ones ones, the history's area is $area"
"$BIN" run "$T/c.ini" --out "$T/n2" --quiet --set scheme.steps=1 --set output.format=both
[ -s "$T/n2/mask_00001.png" ] && [ -s "$T/n2/mask_00001.npy" ] && [ -s "$T/n2/mask_final.npy" ] && [ -s "$T/n2/rho1.npy" ] \
    && ok || bad "format = both: $(ls "$T/n2")"
"$BIN" run "$T/c.ini" --out "$T/n3" --quiet --set scheme.steps=1
ls "$T/n3" | grep -q 'npy$' && bad "format = png wrote arrays" || ok
expect 2 "--set output.format = 'tiff'" -- "$BIN" run "$T/c.ini" --out "$T/never2" --set output.format=tiff
[ ! -e "$T/never1" ] && [ ! -e "$T/never2" ] && ok || bad "a refused run created its folder"

# ---- the progress line on a terminal (script gives the run one) ----
if script -qec true /dev/null > /dev/null 2>&1; then
    script -qec "'$BIN' run '$T/c.ini' --out '$T/p1' --set scheme.steps=3" /dev/null > "$T/p1.log" 2>&1
    grep -aq "step 3/3  t = 0.03  area = " "$T/p1.log" && ok || bad "no progress line on a terminal: $(cat -v "$T/p1.log")"
    script -qec "'$BIN' run '$T/c.ini' --out '$T/p2' --quiet --set scheme.steps=3" /dev/null > "$T/p2.log" 2>&1
    [ ! -s "$T/p2.log" ] && ok || bad "--quiet on a terminal printed: $(cat -v "$T/p2.log")"
fi
"$BIN" run "$T/c.ini" --out "$T/p3" --set scheme.steps=3 > "$T/p3.log" 2>&1
grep -q "step 3/3" "$T/p3.log" && bad "a progress line off a terminal" || ok

# ---- --version and render --scale, as the help says ----
for c in run render robust perimeter; do
    expect 0 "advflow 0." -- "$BIN" $c --version
done
"$BIN" --help | grep -q -- "--version" && ok || bad "--help does not list --version"
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }
# frames: a map of n * scale pixels and margins for the axes' numbers
"$BIN" render "$T/c.ini" --what frame --scale 3 -o "$T/f3.png" && w3=$(png_width "$T/f3.png") \
    && [ "$w3" -gt 192 ] && [ "$w3" -lt 300 ] && ok || bad "render --scale 3 at n = 64: $w3 pixels"
# --scale 0 is automatic (a map of 1024 pixels at most), even when [output] scale says otherwise
"$BIN" render "$T/c.ini" --what frame --scale 0 --set output.scale=1 -o "$T/f0.png" && w0=$(png_width "$T/f0.png") \
    && [ "$w0" -gt 1024 ] && [ "$w0" -lt 1300 ] && ok || bad "render --scale 0: $w0 pixels"
"$BIN" render "$T/c.ini" --what frame --set output.scale=2 -o "$T/f2.png" && w2=$(png_width "$T/f2.png") \
    && [ "$w2" -gt 128 ] && [ "$w2" -lt "$w3" ] && ok || bad "render without --scale ignores [output] scale: $w2"
expect 2 "--scale applies to --what frame" -- "$BIN" render "$T/c.ini" --what mask --scale 2 -o "$T/never.png"
[ ! -e "$T/never.png" ] && ok || bad "a refused render wrote its file"

# ---- robust and attack: their own outputs, --force ----
M="--set grid.n=48 --set scheme.epsilon=0.21"
"$BIN" attack cases/moons.ini $M --points 4 --steps 2 --out "$T/at" > /dev/null 2>&1 && ok || bad "attack failed"
expect 2 "already holds the outputs of advflow attack" -- "$BIN" attack cases/moons.ini $M --points 4 --steps 2 --out "$T/at"
expect 0 "flipped" -- "$BIN" attack cases/moons.ini $M --points 5 --steps 2 --out "$T/at" --force
[ "$(grep -c '^4,' "$T/at/attack_paths.csv")" -eq 3 ] && ok || bad "attack --force did not replace the paths"
# attack writes beside a run of the same case (only its own names count)
"$BIN" run cases/moons.ini $M --set scheme.steps=1 --out "$T/mr" --quiet \
    && "$BIN" attack cases/moons.ini $M --mask "$T/mr/mask_final.png" --points 3 --steps 2 --out "$T/mr" > /dev/null 2>&1 \
    && [ -s "$T/mr/attack.png" ] && [ -s "$T/mr/history.csv" ] && ok || bad "attack beside a run failed"
"$BIN" robust cases/moons.ini $M --out "$T/ro" > /dev/null 2>&1 && ok || bad "robust failed"
expect 2 "already holds the outputs of advflow robust" -- "$BIN" robust cases/moons.ini $M --eps-list 0.2,0.3 --out "$T/ro"
"$BIN" robust cases/moons.ini $M --eps-list 0.2,0.3 --out "$T/ro" --force > /dev/null 2>&1 && ok || bad "robust --force failed"
[ -s "$T/ro/robust_eps.csv" ] && [ ! -e "$T/ro/robust_mask.png" ] && [ ! -e "$T/ro/robust_mask.npy" ] \
    && ok || bad "robust --force: $(ls "$T/ro")"
"$BIN" robust --help | grep -q -- "--force" && "$BIN" attack --help | grep -q -- "--force" && ok \
    || bad "robust/attack --help do not name --force"

# frames and the overview carry the version, the command line and the
# resolved case as PNG text chunks (tEXt is stored uncompressed)
"$BIN" run cases/circle.ini --set grid.n=64 --set scheme.steps=2 --out "$T/pngtext" --quiet > "$T/pngtext.log" 2>&1 \
    && ok || bad "run for PNG text: $(cat "$T/pngtext.log")"
for f in frame_00000.png frame_00002.png overview.png; do
    grep -aq "advflow command.*--out $T/pngtext" "$T/pngtext/$f" && ok || bad "$f: no command text chunk"
    grep -aq "Software.advflow " "$T/pngtext/$f" && ok || bad "$f: no Software text chunk"
    grep -aq "epsilon = " "$T/pngtext/$f" && ok || bad "$f: no resolved case text chunk"
done

summary runs
