#!/bin/sh
# CLI tests of the data commands: data, robust and attack on the data cases,
# risks in histories (every row of every data case: the points' adversarial
# risk at least the bound any classifier obeys), and bad data files (CSV,
# .npy), each refused with status 2, a message naming the file (and line),
# and nothing written.  Needs ADVFLOW_BIN.  GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

# value NAME FILE: the value of a `name = value` line
value() { sed -n "s/^$1 = //p" "$2"; }
# ge A B: A >= B - 1e-12 (numbers)
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b - 1e-12) }'; }

SMALL="--set grid.n=64 --set scheme.epsilon=0.15625 --set scheme.h=0.03125"

# acceptance 1: every data case runs end to end, and robust and attack run on it
for c in moons blobs circles xor; do
    ini=cases/$c.ini
    set -- $SMALL
    [ $c = xor ] && set -- --set scheme.epsilon=0.0390625 --set scheme.h=0.0078125
    "$BIN" run "$ini" "$@" --set scheme.steps=3 --set output.every=1 --out "$T/$c" --quiet \
        > "$T/$c.log" 2>&1 && ok || bad "run $ini: $(cat "$T/$c.log")"
    for f in history.csv frame_00000.png frame_00003.png overview.png risks.png mask_final.png; do
        [ -s "$T/$c/$f" ] && ok || bad "run $ini did not write $f"
    done
    h="$T/$c/history.csv"
    head -1 "$h" | grep -q '^# risk_adv_points_bound = [0-9.e+-]* ' && ok || bad "$ini: no bound line: $(head -1 "$h")"
    sed -n 2p "$h" | grep -q ',risk_clean,risk_adv,risk_clean_points,risk_adv_points$' && ok \
        || bad "$ini: history header: $(sed -n 2p "$h")"
    b=$(head -1 "$h" | sed 's/^# risk_adv_points_bound = \([0-9.e+-]*\) .*/\1/')
    # every row: clean <= adv (grid and points), points' adv >= the bound
    awk -F, -v b="$b" 'NR > 2 { if ($16 > $17 + 1e-15 || $18 > $19 + 1e-15 || $19 < b - 1e-12) exit 1; n++ }
                       END { exit n != 4 }' "$h" && ok || bad "$ini: risks out of order in $h"
    "$BIN" robust "$ini" "$@" --out "$T/$c-robust" > "$T/$c.robust" 2>&1 && ok || bad "robust $ini: $(cat "$T/$c.robust")"
    for k in eps w_B risk_clean risk_adv per_eps area risk_clean_bayes risk_adv_bayes risk_clean_points \
             risk_adv_points risk_adv_points_bound conflicts; do
        grep -q "^$k = [-0-9.e+]*$" "$T/$c.robust" && ok || bad "robust $ini: no '$k = ...'"
    done
    # the robust classifier beats the Bayes classifier under attack; its
    # points obey the bound; the grid identity's consequence clean <= adv
    ge "$(value risk_adv_bayes "$T/$c.robust")" "$(value risk_adv "$T/$c.robust")" && ok \
        || bad "robust $ini: risk_adv above the Bayes classifier's"
    ge "$(value risk_adv_points "$T/$c.robust")" "$(value risk_adv_points_bound "$T/$c.robust")" && ok \
        || bad "robust $ini: points' risk below the bound"
    for f in robust_mask.png robust_mask.npy robust_frame.png; do
        [ -s "$T/$c-robust/$f" ] && ok || bad "robust $ini did not write $f"
    done
    "$BIN" attack "$ini" "$@" --points 12 --steps 5 --out "$T/$c-attack" > "$T/$c.attack" 2>&1 && ok \
        || bad "attack $ini: $(cat "$T/$c.attack")"
    [ "$(value points "$T/$c.attack")" = 12 ] && ok || bad "attack $ini: $(cat "$T/$c.attack")"
    # 12 paths of 6 points, a comment and a header
    [ "$(wc -l < "$T/$c-attack/attack_paths.csv")" -eq 74 ] && ok || bad "attack $ini: paths.csv"
    [ -s "$T/$c-attack/attack.png" ] && ok || bad "attack $ini: no attack.png"
done

# outputs appear together or not at all, and a failed run leaves an earlier
# run's files as they were (--force too: it replaces them only at the end)
"$BIN" attack cases/moons.ini $SMALL --points 5 --steps 3 --out "$T/again" > /dev/null 2>&1
sum1=$(cksum < "$T/again/attack_paths.csv")
rm "$T/again/attack.png" && mkdir "$T/again/attack.png"
expect 2 "is a folder" -- "$BIN" attack cases/moons.ini $SMALL --points 7 --steps 3 --out "$T/again" --force
[ "$(cksum < "$T/again/attack_paths.csv")" = "$sum1" ] && ok || bad "a failed attack changed the earlier attack_paths.csv"
[ -z "$(ls -A "$T/again" | grep -v '^attack_paths.csv$\|^attack.png$')" ] && ok || bad "a failed attack left: $(ls -A "$T/again")"

# robust --eps-list: one row per budget; the optimal adversarial risk grows with eps
"$BIN" robust cases/moons.ini $SMALL --eps-list 0.05,0.1,0.2 --out "$T/sweep" > "$T/sweep.csv" 2>/dev/null \
    && ok || bad "robust --eps-list failed"
[ "$(wc -l < "$T/sweep.csv")" -eq 4 ] && ok || bad "robust --eps-list: $(cat "$T/sweep.csv")"
awk -F, 'NR > 2 && $5 < prev - 1e-12 { exit 1 } NR > 1 { prev = $5 }' "$T/sweep.csv" && ok \
    || bad "robust --eps-list: risk_adv falls with eps: $(cat "$T/sweep.csv")"
for f in robust_eps.csv robust_eps.png robust_frame.png; do
    [ -s "$T/sweep/$f" ] && ok || bad "robust --eps-list did not write $f"
done
expect 2 "smaller than one cell" -- "$BIN" robust cases/moons.ini $SMALL --eps-list 0.05,0.001
expect 2 "not a list" -- "$BIN" robust cases/moons.ini $SMALL --eps-list 0.05,abc
expect 2 "does not take the option" -- "$BIN" run cases/moons.ini --eps-list 0.1
expect 2 "try 'advflow attack --help'" -- "$BIN" attack cases/moons.ini --tau -1

# data: the CSV reads back as the same points (a case with file = it)
"$BIN" data cases/moons.ini $SMALL -o "$T/d/moons.csv" > "$T/data.out" 2>/dev/null && ok || bad "data failed"
[ -s "$T/d/moons.csv" ] && [ -s "$T/d/moons.png" ] && ok || bad "data did not write csv and png"
[ "$(value points "$T/data.out")" = 400 ] && ok || bad "data: $(cat "$T/data.out")"
printf '[grid]\nn = 64\n[data]\nfile = moons.csv\n[scheme]\nepsilon = 0.15625\n' > "$T/d/back.ini"
"$BIN" data "$T/d/back.ini" -o "$T/d/again.csv" > "$T/data2.out" 2>/dev/null && ok || bad "data of the written file failed"
cmp -s "$T/d/moons.csv" "$T/d/again.csv" && ok || bad "data: the CSV does not read back to the same points"
grep -v '^bandwidth' "$T/data.out" > "$T/a" ; grep -v '^bandwidth' "$T/data2.out" > "$T/b"
cmp -s "$T/a" "$T/b" && ok || bad "data: figures differ after a round trip"
expect 2 "no [data] section" -- "$BIN" data cases/circle.ini -o "$T/none/p.csv"
[ ! -e "$T/none" ] && ok || bad "data without [data] created its folder"

# acceptance 5: bad data files -> status 2, the file (and line) named, nothing written
D="$T/bad"
mkdir -p "$D"
printf 'x,y,label\n0.1,0.2,0\n0.3,0.4\n' > "$D/short.csv"
printf '0.1,0.2,0\n0.3,0.4,2\n' > "$D/label.csv"
printf '0.1,0.2,0\nnan,0.4,1\n' > "$D/nan.csv"
printf 'x,y,label\n' > "$D/empty.csv"
printf '0.1,0.2,1\n0.3,0.4,1\n' > "$D/oneclass.csv"
printf '0.1,0.2,0\n0.3,0.4,1\n-0.2,0.1,0\n0.5,-0.3,1\n' > "$D/good.csv"
# .npy files from advflow's own writer (robust_mask.npy, uint8 64 x 64), then spoilt
"$BIN" robust cases/moons.ini $SMALL --out "$D/r" > /dev/null 2>&1
npy="$D/r/robust_mask.npy"
size=$(wc -c < "$npy")
head -c $((size - 10)) "$npy" > "$D/truncated.npy"
sed "s/'|u1'/'>f8'/" "$npy" > "$D/bigendian.npy"
sed "s/'|u1'/'<f2'/" "$npy" > "$D/float16.npy"
cp "$npy" "$D/wrongshape.npy" # read on a 32 x 32 grid
grep -q "'>f8'" "$D/bigendian.npy" && grep -q "'<f2'" "$D/float16.npy" && ok || bad "could not make the bad .npy files"

data_case() { # name file
    printf '[grid]\nn = 64\n[data]\nfile = %s\n[scheme]\nepsilon = 0.15625\nh = 0.03125\nsteps = 2\n' "$2" > "$D/$1.ini"
}
score_case() { # name file n
    printf '[grid]\nn = %s\n[data]\nfile = good.csv\n[initial]\nshape = score\nfile = %s\n[scheme]\nepsilon = 0.15625\nsteps = 2\n' "$3" "$2" > "$D/$1.ini"
}
data_case short short.csv;    data_case label label.csv;  data_case nan nan.csv
data_case empty empty.csv;    data_case oneclass oneclass.csv; data_case missing nowhere.csv
score_case truncated truncated.npy 64; score_case bigendian bigendian.npy 64
score_case float16 float16.npy 64;     score_case wrongshape wrongshape.npy 32
for spec in "short:short.csv:3" "label:label.csv:2" "nan:nan.csv:2" "empty:empty.csv:no data points" \
            "oneclass:oneclass.csv:class 0 has no points" "missing:nowhere.csv:No such file" \
            "truncated:truncated.npy:truncated" "bigendian:bigendian.npy:big" \
            "float16:float16.npy:<f2" "wrongshape:wrongshape.npy:(64, 64)"; do
    name=${spec%%:*}; rest=${spec#*:}; file=${rest%%:*}; needle=${rest#*:}
    # a score map is the initial region: robust and data do not read it
    cmds="run attack"
    case $file in *.csv) cmds="run data robust attack" ;; esac
    for cmd in $cmds; do
        out=$("$BIN" $cmd "$D/$name.ini" --out "$D/never-$name-$cmd" 2>&1); rc=$?
        [ $rc -eq 2 ] && ok || bad "$cmd $name: exit $rc, want 2: $out"
        case $out in *"$file"*) ok ;; *) bad "$cmd $name: message does not name $file: $out" ;; esac
        case $out in *"$needle"*) ok ;; *) bad "$cmd $name: message lacks '$needle': $out" ;; esac
        case $file in *.csv) case $name in short|label|nan)
            case $out in *"$file:$needle"*) ok ;; *) bad "$cmd $name: no FILE:LINE in: $out" ;; esac ;; esac ;; esac
        [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok || bad "$cmd $name: more than one line: $out"
        [ ! -e "$D/never-$name-$cmd" ] && ok || bad "$cmd $name: wrote $D/never-$name-$cmd"
    done
done

summary data
