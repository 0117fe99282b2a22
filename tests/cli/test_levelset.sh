#!/bin/sh
# CLI tests of the level-set representation ([scheme] representation =
# levelset): outputs (levelset_NNNNN.npy beside the masks), the circle's
# area law on a coarse grid, the score-map start of the moons case, shapes
# without a field (polygon), and refused combinations (exit status 2, the
# key named, nothing written).  Needs ADVFLOW_BIN.  GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

LS="--set scheme.representation=levelset"

# a circle at n = 64: four rows, a level set per frame, areas falling at
# about 2 pi per unit time (the coarse grid: within 10%)
"$BIN" run cases/circle.ini --set grid.n=64 --set scheme.epsilon=0.125 --set scheme.h=0.015625 \
    --set scheme.steps=3 $LS --out "$T/c" --quiet > "$T/c.log" 2>&1 && ok || bad "run circle: $(cat "$T/c.log")"
for f in history.csv levelset_00000.npy levelset_00003.npy levelset_final.npy mask_00003.png \
         frame_00003.png overview.png mask_final.png; do
    [ -s "$T/c/$f" ] && ok || bad "circle: no $f"
done
# .npy: 'NUMPY' magic, float64, 64 x 64, 80-byte header (version 1.0)
sz=$(wc -c < "$T/c/levelset_00003.npy")
[ "$sz" -eq $((128 + 8 * 64 * 64)) ] || [ "$sz" -eq $((80 + 8 * 64 * 64)) ] && ok || bad "levelset npy size $sz"
head -c 128 "$T/c/levelset_00003.npy" | grep -aq "'descr': '<f8'" && ok || bad "levelset npy is not float64"
awk -F, '/^#/ { next } { n++ } n > 1 { a[n] = $3; t[n] = $2 } END {
    if (n != 5) exit 1
    for (k = 3; k <= n; k++) if (!(a[k] < a[k - 1])) exit 1
    r = (a[2] - a[n]) / (t[n] - t[2]) / (2 * 3.14159265358979)
    exit !(r > 0.9 && r < 1.1) }' "$T/c/history.csv" && ok || bad "circle areas: $(cut -d, -f1-3 "$T/c/history.csv")"

# the mask representation writes no level sets
"$BIN" run cases/circle.ini --set grid.n=64 --set scheme.steps=1 --out "$T/m" --quiet > "$T/m.log" 2>&1 \
    && ok || bad "run mask: $(cat "$T/m.log")"
ls "$T/m" | grep -q levelset && bad "mask run wrote level sets" || ok

# the moons case starts from the network's score map (256 x 256) in level-set mode
"$BIN" run cases/moons-levelset.ini --set scheme.steps=2 --out "$T/moons" --quiet > "$T/moons.log" 2>&1 \
    && ok || bad "run moons-levelset: $(cat "$T/moons.log")"
[ -s "$T/moons/levelset_00002.npy" ] && ok || bad "moons: no levelset_00002.npy"
sed -n 2p "$T/moons/history.csv" | grep -q ',risk_clean_points,risk_adv_points$' && ok || bad "moons: history header"

# shapes that are masks only start from the mask's sub-cell distance
"$BIN" run cases/polygon.ini --set grid.n=64 --set scheme.steps=2 $LS --out "$T/p" --quiet > "$T/p.log" 2>&1 \
    && ok || bad "run polygon: $(cat "$T/p.log")"

# refused: MBO, p != 1, an unknown representation; nothing written
expect 2 "representation" -- "$BIN" run cases/circle.ini $LS --set scheme.method=mbo --out "$T/never1"
expect 2 "p = 1" -- "$BIN" run cases/circle.ini $LS --set scheme.p=2 --out "$T/never2"
expect 2 "representation" -- "$BIN" run cases/circle.ini --set scheme.representation=sdf --out "$T/never3"
for k in 1 2 3; do [ ! -e "$T/never$k" ] && ok || bad "refused run wrote $T/never$k"; done

summary levelset
