#!/bin/sh
# CLI tests of the history pictures: advflow run draws history.png,
# history.svg and risks.png from its history.csv, advflow plot DIR redraws
# the same pictures from it, and a folder without history.csv, or with a
# malformed one, is an input error (exit status 2) that names the file and
# line and leaves the pictures as they were.  Needs ADVFLOW_BIN.
# GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

# png_height FILE: the height in the PNG header (bytes 20..23, big-endian)
png_height() {
    od -An -tu1 -j20 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}

# a circle under uniform density: the area law's comment, and the pictures
"$BIN" run cases/circle.ini --set grid.n=64 --set scheme.steps=4 --out "$T/r" --quiet > "$T/r.log" 2>&1 \
    && ok || bad "run: $(cat "$T/r.log")"
for f in history.png history.svg risks.png; do
    [ -s "$T/r/$f" ] && ok || bad "run wrote no $f"
done
grep -q '^# area_rate_exact = -6.283185307 ' "$T/r/history.csv" && ok || bad "no area law line in history.csv"
head -c 8 "$T/r/history.png" | od -An -c | grep -q 'P   N   G' && ok || bad "history.png is not a PNG"
grep -q '<svg' "$T/r/history.svg" && ok || bad "history.svg is not SVG"
h2=$(png_height "$T/r/history.png")
[ "$h2" -eq 660 ] && ok || bad "history.png of a run without data is $h2 high, want two panels of 330"

# advflow plot DIR redraws them: the same code, the same pictures
mkdir "$T/keep" && cp "$T/r/history.png" "$T/r/risks.png" "$T/keep/"
rm "$T/r/history.png" "$T/r/history.svg" "$T/r/risks.png"
expect 0 "history.png" -- "$BIN" plot "$T/r"
for f in history.png history.svg risks.png; do
    [ -s "$T/r/$f" ] && ok || bad "plot did not write $f"
done
cmp -s "$T/r/history.png" "$T/keep/history.png" && ok || bad "plot drew another history.png than run"
cmp -s "$T/r/risks.png" "$T/keep/risks.png" && ok || bad "plot drew another risks.png than run"
out=$("$BIN" plot "$T/r" --quiet 2>&1) && [ -z "$out" ] && ok || bad "plot --quiet printed: $out"

# with data: a third panel, the risks
"$BIN" run cases/moons.ini --set grid.n=64 --set data.count=100 --set scheme.epsilon=0.125 \
    --set scheme.h=0.03125 --set scheme.steps=2 --out "$T/d" --quiet > "$T/d.log" 2>&1 \
    && ok || bad "run moons: $(cat "$T/d.log")"
h3=$(png_height "$T/d/history.png")
[ "$h3" -eq 990 ] && ok || bad "history.png with data is $h3 high, want three panels of 330"
grep -q '^# area_rate_exact' "$T/d/history.csv" && bad "moons (kde density) has an area law" || ok

# no history.csv: exit 2, the file named, nothing written
mkdir "$T/empty"
expect 2 "$T/empty/history.csv" -- "$BIN" plot "$T/empty"
expect 2 "$T/none/history.csv" -- "$BIN" plot "$T/none"
[ -z "$(ls -A "$T/empty")" ] && ok || bad "plot wrote into a folder without history: $(ls -A "$T/empty")"

# malformed: FILE:LINE, and the pictures stay as they were
bad_history() { # name needle: history.csv of $T/r changed by the sed script $3
    mkdir -p "$T/$1"
    cp "$T/keep/history.png" "$T/$1/history.png"
    sed "$3" "$T/r/history.csv" > "$T/$1/history.csv"
    expect 2 "$2" -- "$BIN" plot "$T/$1"
    cmp -s "$T/$1/history.png" "$T/keep/history.png" && ok || bad "$1: a failed plot changed history.png"
    [ ! -e "$T/$1/risks.png" ] && [ -z "$(ls -A "$T/$1" | grep -v '^history')" ] && ok \
        || bad "$1: a failed plot left files: $(ls -A "$T/$1")"
}
bad_history notnum "$T/notnum/history.csv:4: field 3 (area) is not a number" '4s/^\([^,]*,[^,]*\),[^,]*,/\1,abc,/'
bad_history short "$T/short/history.csv:5: 3 fields, the header has 17" '5s/.*/1,2,3/'
bad_history nocol "$T/nocol/history.csv:2: the header has no column 'area'" '2s/,area,/,areal,/'
bad_history norows "$T/norows/history.csv:3: no rows under the header" '3,$d'
: > "$T/blank.csv"
mkdir "$T/blank" && cp "$T/blank.csv" "$T/blank/history.csv"
expect 2 "$T/blank/history.csv:1: no header line" -- "$BIN" plot "$T/blank"

# usage
expect 2 "missing DIR" -- "$BIN" plot
expect 2 "takes no --set" -- "$BIN" plot "$T/r" --set grid.n=8
expect 2 "does not take the option" -- "$BIN" plot "$T/r" --out "$T/x"
expect 2 "more than one folder" -- "$BIN" plot "$T/r" "$T/d"
expect 0 "usage: advflow plot DIR" -- "$BIN" help plot
expect 0 "plot DIR" -- "$BIN" --help

summary plot
