#!/bin/sh
# frames-to-video.sh: turn the frames of a run (OUTDIR/frame_NNNNN.png, as
# written by `advflow run`) into OUTDIR/flow.mp4 (H.264, yuv420p) or, with
# --gif, OUTDIR/flow.gif (one palette for the whole run: palettegen +
# paletteuse), with ffmpeg.  Frames are taken in numeric order; gaps in the
# numbering are fine.  Exit status: 0 done, 1 ffmpeg failed, 2 bad usage, no
# frames, or no ffmpeg.  POSIX sh.  GPL-3.0-or-later.

prog=frames-to-video

usage() {
    cat <<EOF
usage: tools/frames-to-video.sh OUTDIR [--gif] [--fps N] [-o FILE]

Turns OUTDIR/frame_*.png (frame_00000.png, frame_00001.png, ...) into a video.

  OUTDIR      folder with the frames (from: advflow run CASE.ini --out OUTDIR)
  --gif       write an animated GIF (default: an H.264 MP4, yuv420p)
  --fps N     frames per second, a number > 0 (default 10)
  -o FILE     output file (default OUTDIR/flow.mp4, or OUTDIR/flow.gif with
              --gif); a FILE ending in .gif implies --gif
  -h, --help  this text

Needs ffmpeg (Debian: apt-get install ffmpeg).
EOF
}

die() { # status message...
    st=$1
    shift
    printf '%s: %s\n' "$prog" "$*" >&2
    exit "$st"
}

usage_error() {
    printf '%s: %s\n' "$prog" "$*" >&2
    printf "Try 'tools/frames-to-video.sh --help'.\n" >&2
    exit 2
}

# ---- options ---------------------------------------------------------------
dir=""
gif=0
fps=10
out=""
while [ $# -gt 0 ]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --gif) gif=1 ;;
        --fps)
            [ $# -ge 2 ] || usage_error "--fps needs a value"
            fps=$2
            shift ;;
        --fps=*) fps=${1#--fps=} ;;
        -o)
            [ $# -ge 2 ] || usage_error "-o needs a file name"
            out=$2
            shift ;;
        --) shift; break ;;
        -?*) usage_error "unknown option: $1" ;;
        *)
            [ -z "$dir" ] || usage_error "one OUTDIR only (got '$dir' and '$1')"
            dir=$1 ;;
    esac
    shift
done
# after --, the folder (a name starting with -)
if [ $# -gt 0 ]; then
    if [ -n "$dir" ] || [ $# -gt 1 ]; then usage_error "one OUTDIR only"; fi
    dir=$1
fi
[ -n "$dir" ] || usage_error "missing OUTDIR"

# --fps: a positive decimal number (ffmpeg also takes it as a frame rate)
case $fps in
    '' | . | *[!0-9.]* | *.*.*) usage_error "--fps must be a number > 0, got '$fps'" ;;
esac
case $fps in
    *[1-9]*) ;;
    *) usage_error "--fps must be > 0, got '$fps'" ;;
esac

case $out in
    *.gif | *.GIF) gif=1 ;;
    *.mp4 | *.MP4) [ "$gif" -eq 0 ] || usage_error "--gif conflicts with -o $out" ;;
esac
if [ -z "$out" ]; then
    if [ "$gif" -eq 1 ]; then out=$dir/flow.gif; else out=$dir/flow.mp4; fi
fi

# ---- checks ----------------------------------------------------------------
command -v ffmpeg >/dev/null 2>&1 \
    || die 2 "ffmpeg not found; install it (Debian: apt-get install ffmpeg)"
[ -d "$dir" ] || die 2 "no such folder: $dir"

# Frames in numeric order (frame_100000 after frame_99999), one
# "number name" per line; names that are not frame_<digits>.png are skipped.
list=$(
    for f in "$dir"/frame_*.png; do
        [ -f "$f" ] || continue
        name=${f##*/}
        num=${name#frame_}
        num=${num%.png}
        case $num in '' | *[!0-9]*) continue ;; esac
        printf '%s %s\n' "$num" "$name"
    done | sort -n -k1,1
)
[ -n "$list" ] || die 2 "no frames in $dir (expected $dir/frame_00000.png, ...)"
nframes=$(printf '%s\n' "$list" | wc -l | tr -d ' ')

# ffmpeg's image2 reader wants a gapless sequence: link the frames, in
# order, into a temporary folder as 000000.png, 000001.png, ...
absdir=$(cd "$dir" && pwd -P) || die 2 "cannot enter $dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/frames-to-video.XXXXXX") || die 1 "cannot make a temporary folder"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
i=0
printf '%s\n' "$list" | while read -r _ name; do
    ln -s "$absdir/$name" "$tmp/$(printf '%06d' "$i").png" || exit 1
    i=$((i + 1))
done || die 1 "cannot link the frames into $tmp"

# ---- encode ----------------------------------------------------------------
# Write next to the target, then rename: no half-written video on failure.
part=$out.part.$$
if [ "$gif" -eq 1 ]; then
    # One palette from all frames (the density shading and region tints
    # repeat), then map every frame to it; loop forever.
    ffmpeg -hide_banner -loglevel error -nostdin -y -framerate "$fps" \
        -i "$tmp/%06d.png" \
        -filter_complex "[0:v]split[a][b];[a]palettegen[p];[b][p]paletteuse" \
        -loop 0 -f gif "$part"
else
    # H.264 needs even sides with yuv420p: grow odd sides by one pixel
    # (nearest neighbour: frames stay crisp); faststart for web playback.
    ffmpeg -hide_banner -loglevel error -nostdin -y -framerate "$fps" \
        -i "$tmp/%06d.png" \
        -vf "scale=ceil(iw/2)*2:ceil(ih/2)*2:flags=neighbor" \
        -c:v libx264 -pix_fmt yuv420p -crf 18 -movflags +faststart -f mp4 "$part"
fi
st=$?
if [ "$st" -ne 0 ]; then
    rm -f "$part"
    die 1 "ffmpeg failed (status $st)"
fi
mv -f "$part" "$out" || { rm -f "$part"; die 1 "cannot write $out"; }
echo "$prog: wrote $out ($nframes frames at $fps fps)"
