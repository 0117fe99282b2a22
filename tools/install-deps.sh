#!/bin/sh
# Install the Debian packages advflow needs, when they are missing.
# Used by `make demo`, `make check` and .ci/run.  `install-deps.sh fuzz`
# (called by `make fuzz`) installs only what fuzzing needs on top: Debian's
# clang and libFuzzer with the sanitizers' runtimes (libclang-rt-14-dev on
# Debian 12, which clang does not pull in).  GPL-3.0-or-later.
set -e
if [ "$1" = fuzz ]; then
    PKGS="clang libclang-rt-14-dev"
else
    PKGS="build-essential g++ pkg-config libfftw3-dev libpng-dev libgsl-dev libmaxflow-dev libinih-dev libcairo2-dev libfontconfig-dev libcmocka-dev libigraph-dev python3-numpy python3-pytest"
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
