#!/bin/sh
# Regenerate the pictures and figures of docs/example-moons.md: the two-moons
# data, the Bayes boundary, the flow, the robust-optimal classifier, the
# risks against time and against eps, and attack paths.  Run from the top of
# the repository after `make`:  sh tools/example-moons.sh
# Writes out/example/ (every output) and docs/img/example/*.png, and prints
# the figures the page quotes.  About a minute.  GPL-3.0-or-later.
set -e
cd "$(dirname "$0")/.."
A=build/advflow
O=out/example
I=docs/img/example
[ -x "$A" ] || { echo "example-moons: build advflow first (make)" >&2; exit 2; }
rm -rf "$O"
mkdir -p "$O" "$I"

echo "== data"
$A data cases/moons.ini -o $O/points.csv
echo "== Bayes classifier (the initial region)"
$A render cases/moons.ini --what frame -o $O/bayes.png
echo "== the flow"
$A run cases/moons.ini --out $O/flow --quiet
sed -n '1p' $O/flow/history.csv
awk -F, 'NR == 2 { for (k = 1; k <= NF; k++) c[$k] = k; next }
         NR == 3 || NR == 13 || NR == 23 || NR == 43 {
           printf "step %s t = %s: area %s, Per_eps %s, risk_clean %s, risk_adv %s, points %s / %s\n",
                  $c["step"], $c["time"], $c["area"], $c["perimeter_eps"], $c["risk_clean"],
                  $c["risk_adv"], $c["risk_clean_points"], $c["risk_adv_points"] }' $O/flow/history.csv
echo "== the robust-optimal classifier"
$A robust cases/moons.ini --out $O/robust
echo "== optimal adversarial risk against eps"
$A robust cases/moons.ini --eps-list 0.02,0.04,0.06,0.08,0.1,0.12 --out $O/sweep --quiet
echo "== attack paths (l-inf, eps = 0.1)"
$A attack cases/moons.ini --set scheme.norm=inf --set scheme.epsilon=0.1 --points 60 --out $O/attack

cp $O/points.png $I/points.png
cp $O/bayes.png $I/bayes.png
cp $O/flow/overview.png $I/flow.png
cp $O/flow/risks.png $I/risks.png
cp $O/robust/robust_frame.png $I/robust.png
cp $O/sweep/robust_eps.png $I/robust_eps.png
cp $O/sweep/robust_frame.png $I/robust_sweep.png
cp $O/attack/attack.png $I/attack.png
echo "pictures in $I/"
