#!/bin/sh
# Run every test program in $1 (the cmocka programs, and test_fuzz_replay,
# which replays the fuzzing corpora of tests/fuzz/), the CLI tests (which need the binary
# $2) and, given the shared library $3, the Python module's tests
# (python/tests, with $PYTHON -m pytest; PYTHON defaults to python3 and
# needs numpy and pytest).  Then print one closing line `N passed, N failed`
# counting programs: each test program, each CLI script and the whole
# pytest run count one each (pytest's own line above it, e.g. "62 passed
# in 3.4s", gives its test counts).  Exit status 1 if any failed.
# PYTEST_PRELOAD, when set, is preloaded into the Python interpreter
# (make check-asan: ASan's runtime, for the instrumented libadvflow.so),
# with ASan's leak detection off there (the interpreter's own memory).
# GPL-3.0-or-later.
dir=$1
bin=$2
lib=$3
pass=0
fail=0
failed=""
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    if ADVFLOW_BIN="$bin" "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    if ADVFLOW_BIN="$bin" sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done
if [ -n "$lib" ]; then
    # absolute paths: pytest's tests run from their own folders
    lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")
    absbin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
    if [ -n "$PYTEST_PRELOAD" ]; then
        set -- env LD_PRELOAD="$PYTEST_PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    else
        set -- env
    fi
    if "$@" ADVFLOW_BIN="$absbin" ADVFLOW_LIB="$lib" PYTHONDONTWRITEBYTECODE=1 \
        "${PYTHON:-python3}" -m pytest -q -p no:cacheprovider python/tests; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed="$failed python/tests"
    fi
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
