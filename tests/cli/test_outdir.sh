#!/bin/sh
# CLI tests of output targets (issue 11): a command that refuses its output
# after creating folders for it removes them again (only those it created,
# deepest first, and only when empty); render -o refuses a device and a
# dangling link untouched and writes through a link to a file.  Needs
# ADVFLOW_BIN.  GPL-3.0-or-later.
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
steps = 1
INI
touch "$T/file"

# the parents are created, then the folder itself is refused: none is left
expect 2 "is not a folder" -- "$BIN" run "$T/c.ini" --quiet --out "$T/made/a/b/../../../file"
[ ! -e "$T/made" ] && ok || bad "run left $(find "$T/made" | tr '\n' ' ')"
# a folder that existed before stays, with what it holds
mkdir -p "$T/had/keep"
expect 2 "is not a folder" -- "$BIN" run "$T/c.ini" --quiet --out "$T/had/new/x/../../../file"
[ -d "$T/had/keep" ] && [ ! -e "$T/had/new" ] && ok || bad "run removed or left: $(find "$T/had" | tr '\n' ' ')"
# the folder is created, then the file in it is refused (data -o names a folder)
expect 2 "is a folder, not a regular file" -- "$BIN" data cases/moons.ini --set data.count=20 \
    -o "$T/dd/new/"
[ ! -e "$T/dd" ] && ok || bad "data left $(find "$T/dd" | tr '\n' ' ')"
# an output under a file: nothing created on the way is left
expect 2 "cannot create output folder" -- "$BIN" attack "$T/c.ini" --points 2 --steps 1 \
    --out "$T/aa/bb/../../file/sub"
[ ! -e "$T/aa" ] && ok || bad "attack left $(find "$T/aa" | tr '\n' ' ')"
# a folder made read-only by the umask refuses its own subfolder (not as
# root, which may write anyway)
if [ "$(id -u)" -ne 0 ]; then
    (umask 0277; "$BIN" run "$T/c.ini" --quiet --out "$T/ro/sub" > "$T/ro.out" 2>&1)
    [ $? -eq 2 ] && ok || bad "read-only parent: $(cat "$T/ro.out")"
    chmod -R u+w "$T/ro" 2>/dev/null
    [ ! -e "$T/ro" ] && ok || bad "read-only parent left $T/ro"
fi
# a run that succeeds keeps its new folders
expect 0 "" -- "$BIN" run "$T/c.ini" --quiet --out "$T/new/deep/run"
[ -s "$T/new/deep/run/history.csv" ] && ok || bad "run did not write into a new nested folder"

# render -o: a device is refused and stays a device
expect 2 "is a device, pipe or socket" -- "$BIN" render "$T/c.ini" -o /dev/null
[ -c /dev/null ] && ok || bad "/dev/null is no longer a character device"
# a dangling link is refused and stays a link to nowhere
ln -s "$T/nowhere.png" "$T/dangling.png"
expect 2 "leads nowhere" -- "$BIN" render "$T/c.ini" -o "$T/dangling.png"
[ -L "$T/dangling.png" ] && [ ! -e "$T/nowhere.png" ] && ok || bad "render changed a dangling link"
# a link to a file: the file is replaced, the link stays a link
printf 'old' > "$T/target.png"
ln -s "$T/target.png" "$T/link.png"
expect 0 "" -- "$BIN" render "$T/c.ini" -o "$T/link.png"
[ -L "$T/link.png" ] && ok || bad "render replaced the link by a file"
[ "$(head -c 4 "$T/target.png" | od -An -c | tr -d ' ')" = '211PNG' ] && ok \
    || bad "the link's target is not a PNG: $(head -c 8 "$T/target.png" | od -An -c)"
# a folder is refused
expect 2 "is a folder" -- "$BIN" render "$T/c.ini" -o "$T"
[ -z "$(ls -A "$T" | grep '\.tmp\.')" ] && ok || bad "render left a temporary: $(ls -A "$T")"

summary outdir
