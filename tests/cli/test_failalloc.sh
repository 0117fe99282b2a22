#!/bin/sh
# CLI test: failing allocations.  Runs the failing-allocation build of the
# CLI (build/failalloc/advflow: AddressSanitizer, and advflow's allocators
# wrapped by tests/failalloc.c) over a few small cases: once to record
# every allocation site reached (a call site and the call path to it), then
# once per site with that site's first call failing, and for a site called
# more than once also its second call, and checks every time: exit status 1
# with a message about memory on stderr (or 0, when the code goes on
# without what it could not allocate, and then the same files as without
# the failure, the same text in its CSV and .ini files); never a signal, never 2 (bad input); no leak and no invalid
# access (AddressSanitizer's exit status 86 and its report); no temporary
# file left in the output folder.  A site already tried in an earlier case
# is not tried again.  docs/design.md, "Failing allocations".
#
# ADVFLOW_FAILALLOC_BIN names the binary (default: failalloc/advflow beside
# ADVFLOW_BIN); FAILALLOC_JOBS=N runs N at a time (default 1);
# FAILALLOC_VERBOSE=1 prints each case's counts; FAILALLOC_FULL=1 adds the
# robust, attack and data commands; FAILALLOC_EXHAUST=1 makes
# every allocation after the failing one fail too (memory that stays
# exhausted: the error paths themselves must not need memory).
# GPL-3.0-or-later.
. "$(dirname "$0")/common.inc"

FA=${ADVFLOW_FAILALLOC_BIN:-$(dirname "$BIN")/failalloc/advflow}
case $FA in /*) ;; *) FA="$(pwd)/$FA" ;; esac
if [ ! -x "$FA" ]; then
    bad "no failing-allocation build $FA (make build/failalloc/advflow)"
    summary failalloc
    exit
fi
# 86: AddressSanitizer found an invalid access or (LeakSanitizer) a leak;
# its exit status must differ from advflow's own 1 and 2
export ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
export LSAN_OPTIONS=exitcode=86
JOBS=${FAILALLOC_JOBS:-1}
START=$(date +%s)
nsites=0 nruns=0 went_on=0
: > "$T/tried"

# Small and short: a 32^2 grid, a ball of 4 cells, two steps, frames at one
# pixel per cell (the PNG compression of large frames would dominate).
SMALL="--set grid.n=32 --set scheme.epsilon=0.25 --set scheme.h=0.0625 --set scheme.steps=2 --set output.scale=1"
DATA="--set data.count=40"

# The files of a folder, one a line (names only).
listing() { (cd "$1" 2>/dev/null && ls -A) ; }

# What a run that went on must have written as the run without failures
# did: the names of the files in folder $1, and a checksum of its standard
# output $2 and of each text output, with the folder's own name ($1)
# replaced and timings left out (lines "*_ms = ", CSV columns *_ms).  (A
# picture drawn another way, e.g. a boundary drawn segment by segment, is
# not compared.)
outputs() {
    listing "$1"
    printf 'stdout %s\n' "$(sed -e "s|$1|@O@|g" -e '/_ms = /d' "$2" | cksum)"
    for f in "$1"/*.csv "$1"/*.ini; do
        [ -f "$f" ] || continue
        printf '%s ' "$(basename "$f")"
        sed "s|$1|@O@|g" "$f" | awk -F, '
            /^#/ || !head { if (!/^#/) { head = 1; for (i = 1; i <= NF; i++) skip[i] = $i ~ /_ms$/ } }
            { line = ""; for (i = 1; i <= NF; i++) if (!skip[i]) line = line "," $i; print line }' | cksum
    done
}

# The function and file:line of a spec's call site (for failures only:
# addr2line takes a while).
where() { addr2line -f -s -e "$FA" "0x${1%%/*}" | paste -sd' ' -; }

# try_one DIR SPEC ARGS...: one run in DIR with allocation SPEC failing;
# prints nothing when it behaved, else one line describing the failure;
# the exit status in $rc.
try_one() {
    d=$1 spec=$2
    shift 2
    rm -rf "$d" && mkdir -p "$d/o"
    # the arguments name the output folder as @O@
    args=$(echo "$*" | sed "s|@O@|$d/o|g")
    AF_FAILALLOC="$spec" AF_FAILALLOC_LOG="$d/log" "$FA" $args > "$d/out" 2> "$d/err"
    rc=$?
    if ! grep -q '^injected ' "$d/log" 2>/dev/null; then
        echo "$spec ($(where "$spec")): not reached (the allocation sequence changed)"
        return
    fi
    left=$(cd "$d/o" && find . -name '*.tmp.*' -o -name '.advflow-part-*' -o -name '.advflow-probe-*' \
           -o -name '.history.csv.*' | head -3 | paste -sd' ' -)
    [ -n "$left" ] && echo "$spec ($(where "$spec")): temporary left behind: $left"
    case $rc in
    0)
        outputs "$d/o" "$d/out" > "$d/outputs"
        cmp -s "$d/outputs" "$REF" \
            || echo "$spec ($(where "$spec")): exit 0 but other outputs:" \
                    "$(diff "$REF" "$d/outputs" | grep '^[<>]' | head -4 | paste -sd' ' -)" ;;
    1)
        grep -qi 'memory' "$d/err" \
            || echo "$spec ($(where "$spec")): exit 1 without a message about memory: $(head -c 300 "$d/err")" ;;
    86)
        echo "$spec ($(where "$spec")): AddressSanitizer: $(grep -m1 -E 'ERROR|SUMMARY' "$d/err")"
        sed -n '/^    #[0-9]/p' "$d/err" | grep -v -e libsanitizer -e libasan -e failalloc.c | head -4 | sed 's/^/      /' ;;
    *)
        echo "$spec ($(where "$spec")): exit $rc: $(head -c 300 "$d/err")" ;;
    esac
}

# check NAME ARGS...: record the sites a command reaches, then fail each.
check() {
    name=$1
    shift
    rd="$T/$name.rec"
    REF="$T/$name.ref"
    rm -rf "$rd" && mkdir -p "$rd/o"
    args=$(echo "$*" | sed "s|@O@|$rd/o|g")
    if ! AF_FAILALLOC=record AF_FAILALLOC_LOG="$rd/log" "$FA" $args > "$rd/out" 2> "$rd/err"; then
        bad "$name: the run without failures failed: $(head -c 500 "$rd/err")"
        return
    fi
    outputs "$rd/o" "$rd/out" > "$REF"
    # the runs: SITE/PATH:1 for each new site, SITE/PATH:2 when it was called again
    awk -v tried="$T/tried" -v all="${FAILALLOC_EXHAUST:+:all}" \
        'BEGIN { while ((getline k < tried) > 0) seen[k] = 1 }
         !seen[$1 "/" $2]++ { print $1 "/" $2 ":1" all; if ($3 > 1) print $1 "/" $2 ":2" all }' \
        "$rd/log" > "$T/$name.specs"
    awk '!seen[$1 "/" $2]++ { print $1 "/" $2 }' "$rd/log" >> "$T/tried"
    sites=$(grep -c ':1\(:all\)\{0,1\}$' "$T/$name.specs") # new call paths
    runs=$(wc -l < "$T/$name.specs")
    nsites=$((nsites + sites)) nruns=$((nruns + runs))
    [ -n "$FAILALLOC_VERBOSE" ] && echo "failalloc: $name: $(cut -d' ' -f1 "$rd/log" | sort -u | wc -l) call" \
        "sites reached by $(wc -l < "$rd/log") call paths, $sites paths new, $runs runs"
    # the runs, JOBS at a time (every JOBS-th spec to each); each job
    # writes its failures' lines and a line "ran SPEC" per run
    j=0
    while [ $j -lt "$JOBS" ]; do
        awk -v j=$j -v m="$JOBS" '(NR - 1) % m == j' "$T/$name.specs" > "$T/$name.specs$j"
        (while read -r spec; do
             try_one "$T/$name.run$j" "$spec" "$@"
             echo "ran $spec $rc"
         done < "$T/$name.specs$j" > "$T/$name.res$j" 2>&1
         rm -rf "$T/$name.run$j") &
        j=$((j + 1))
    done
    wait
    cat "$T/$name".res* > "$T/$name.res"
    ran=$(grep -c '^ran ' "$T/$name.res")
    went_on=$((went_on + $(grep -c '^ran .* 0$' "$T/$name.res")))
    [ -n "$FAILALLOC_VERBOSE" ] && grep '^ran .* 0$' "$T/$name.res" | while read -r _ spec _; do
        echo "failalloc: $name: went on at $spec ($(where "$spec"))"
    done
    [ "$ran" -eq "$runs" ] || bad "$name: $ran of $runs runs reported"
    # a failure's line, and below it (indented) the stack of a sanitizer's report
    nfail=$(grep -v -e '^ran ' -e '^      ' "$T/$name.res" | grep -c .)
    grep -v '^ran ' "$T/$name.res" | sed -e "/^      /!s/^/FAIL: $name: /"
    fail=$((fail + nfail))
    pass=$((pass + runs - nfail))
}

D=@O@
# the two the issue names: the demo case and a data case (moons: generated
# points, kernel density estimates, risks on the points)
check demo run cases/default.ini $SMALL --out $D --quiet
check data run cases/moons.ini $SMALL $DATA --out $D --quiet
# then what they do not reach: a single picture; the perimeter command (its
# local perimeter is allocated on first use); the level-set
# representation; the score map (.npy) of the level-set moons, whose grid is
# the map's, 256^2; a set small in its grid, stepped in a window (a plan of
# its own); a shape from a PNG; MBO; points from a CSV file
check render render cases/default.ini $SMALL --what frame -o $D/frame.png
check perimeter perimeter cases/default.ini $SMALL
check levelset run cases/circle.ini $SMALL --set scheme.representation=levelset --out $D --quiet
check scores render cases/moons-levelset.ini $DATA --set output.scale=1 --what frame -o $D/frame.png
check window run cases/circle.ini --set grid.n=96 --set initial.radius=0.1 --set scheme.epsilon=0.0417 \
    --set scheme.h=0.01 --set scheme.steps=2 --set output.scale=1 --out $D --quiet
check png run cases/png_shape.ini $SMALL --out $D --quiet
check mbo run cases/default.ini $SMALL --set scheme.method=mbo --out $D --quiet
"$BIN" data cases/moons.ini $DATA -o "$T/points.csv" > /dev/null 2>&1 || bad "data: cannot write $T/points.csv"
printf '[grid]\nn = 32\n[data]\nfile = points.csv\n[density]\nkind = kde\n[scheme]\nepsilon = 0.25\nh = 0.0625\nsteps = 1\n' \
    > "$T/csv.ini"
check csv run "$T/csv.ini" --set output.scale=1 --out $D --quiet
# with FAILALLOC_FULL=1 also the other commands: the robust classifier,
# attack paths and the data command (about 360 runs more, 30 s)
if [ -n "$FAILALLOC_FULL" ]; then
    check robust robust cases/moons.ini $SMALL $DATA --out $D
    check attack attack cases/moons.ini $SMALL $DATA --points 5 --steps 3 --out $D
    check points data cases/moons.ini $SMALL $DATA -o $D/points.csv
fi

echo "failalloc: $(cut -d' ' -f1 "$T/tried" | cut -d/ -f1 | sort -u | wc -l) call sites by $nsites call" \
    "paths, $nruns runs ($went_on went on without the memory: exit 0), $(($(date +%s) - START)) s"
summary failalloc
