#!/usr/bin/python3
"""advflow fuzzing: write the seed corpora of tests/fuzz/seeds/ and the
hand-made hostile inputs of the regression corpus, tests/fuzz/regress/*/hostile-*.

    /usr/bin/python3 tests/fuzz/make-seeds.py      (from the repository root)

The seeds are checked in; this script says where they came from and makes
them again (Debian's python3-numpy for the .npy files; the PNGs are
written by hand with zlib, so that they cover colour types and bit depths
that advflow itself never writes).  Small on purpose: the fuzzer copies
them to build/fuzz/corpus/ and grows the copy.

The harnesses' input formats (see each tests/fuzz/fuzz_*.c):
  case    a case file, optionally "#--set" and overrides, one a line
  points  a points CSV
  array   one byte (n - 1, plus 0x80 for CSV), then a .npy or CSV field
  png     two bytes (n - 1; threshold/scale << 1 | density), then a PNG
GPL-3.0-or-later.
"""
import io
import os
import shutil
import struct
import zlib

import numpy as np

ROOT = os.path.join("tests", "fuzz", "seeds")


def put(harness, name, data, root=ROOT):
    d = os.path.join(root, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- case files: the examples (those naming no file) and a few variations
def case_seeds():
    for name in sorted(os.listdir("cases")):
        if not name.endswith(".ini"):
            continue
        with open(os.path.join("cases", name), "rb") as f:
            text = f.read()
        if b"file" in text:
            continue  # files are read by the other harnesses
        put("case", name, text)
    put("case", "overrides.ini",
        b"[grid]\nn = 32\n[initial]\nshape = circle\nradius = 0.5\n"
        b"#--set\nscheme.epsilon=0.1\ngrid.boundary=periodic\noutput.dir=out/x\n")
    put("case", "rho01.ini",
        b"[grid]\nn = 16\nbox = 0 2\n[initial]\nshape = ellipse\ncenter = 1 1\naxes = 0.5 0.3\n"
        b"angle = 30\n[rho0]\nkind = gaussian\ncenter = 1 1\nsigma = 0.4\n"
        b"[rho1]\nkind = exp\na = 1 0.5\n[scheme]\nnorm = inf\nselection = maximal\n")
    put("case", "levelset.ini",
        b"[grid]\nn = 24\n[initial]\nshape = polygon\nvertices = -0.5 -0.5, 0.5 -0.5, 0 0.6\n"
        b"[scheme]\nrepresentation = levelset\nsteps = 3\nt_end = 0.5\n"
        b"[output]\nformat = both\nframes = no\nevery = 2\n")
    put("case", "kde.ini",
        b"[grid]\nn = 32\n[data]\ngenerate = xor\ncount = 60\nnoise = 0.2\nseed = 7\n"
        b"weight0 = 2\n[density]\nkind = kde\nbandwidth = 0.2\nfloor = 0.01\n"
        b"[scheme]\nmethod = mbo\ndistance = simple\nstop_when_still = no\n")


# ---- points CSV files
def points_seeds():
    put("points", "header.csv", b"x,y,label\n0.1,0.2,0\n-0.5,0.25,1\n0.9,-0.9,1\n")
    put("points", "comments.csv",
        b"# a comment\n\n  x , y , label \n1e-3, 2.5e0 ,1\n# another\n-1,1,0.0\n")
    put("points", "bom-crlf.csv", b"\xef\xbb\xbf0.5,0.5,1\r\n-0.5,-0.5,0\r\n")
    put("points", "noheader.csv", b"0,0,0\n0.25,0.75,1\n3,3,1\n")


# ---- fields: .npy files (prefix n - 1) and CSV (prefix 0x80 | n - 1)
def npy_bytes(a, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a)
    else:
        np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()


def array_seeds():
    rng = np.random.default_rng(11)
    for n, dtype, version in [(4, "<f8", None), (3, "<f4", None), (5, "|u1", None),
                              (2, "<f8", (2, 0)), (1, "<f4", (3, 0))]:
        a = (rng.random((n, n)) * 4 - 2).astype(dtype) if dtype != "|u1" \
            else rng.integers(0, 256, (n, n), dtype=np.uint8)
        v = "" if version is None else "-v%d" % version[0]
        put("array", "n%d-%s%s.npy" % (n, dtype[1:], v), bytes([n - 1]) + npy_bytes(a, version))
    put("array", "n3.csv", bytes([0x80 | 2]) + b"# a comment\n0.1, 0.2, 0.3\n1 2 3\n\n"
        b"-1e3,\t4.5e-2 , 7\r\n")
    put("array", "n2.csv", bytes([0x80 | 1]) + b"1,2\n3,4\n")


# ---- PNG files, written by hand (prefix n - 1, then mode byte)
def png(width, height, color_type, bit_depth, rows, interlace=0, extra=b""):
    """rows: raw scanline bytes without filter bytes."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_seeds():
    g = [bytes([(17 * (x + y)) % 256 for x in range(8)]) for y in range(8)]
    put("png", "gray8.png", bytes([7, 2 * 64]) + png(8, 8, 0, 8, g))
    put("png", "gray8-density.png", bytes([15, 2 * 16 + 1]) + png(8, 8, 0, 8, g))
    g16 = [b"".join(struct.pack(">H", 4000 * (x + y)) for x in range(4)) for y in range(4)]
    put("png", "gray16.png", bytes([3, 2 * 64]) + png(4, 4, 0, 16, g16))
    g1 = [bytes([0b10110000]) for y in range(4)]
    put("png", "gray1.png", bytes([3, 2 * 64]) + png(4, 4, 0, 1, g1))
    rgb = [bytes(sum(([40 * x, 30 * y, 200] for x in range(5)), [])) for y in range(3)]
    put("png", "rgb8.png", bytes([4, 2 * 64 + 1]) + png(5, 3, 2, 8, rgb))
    rgba = [bytes(sum(([255, 255, 255, 60 * x] for x in range(4)), [])) for y in range(4)]
    put("png", "rgba8.png", bytes([3, 2 * 64]) + png(4, 4, 6, 8, rgba))
    plte = struct.pack(">I", 6) + b"PLTE" + bytes([0, 0, 0, 255, 255, 255])
    plte += struct.pack(">I", zlib.crc32(b"PLTE" + bytes([0, 0, 0, 255, 255, 255])) & 0xffffffff)
    pal = [bytes([0b01010101 if y % 2 else 0b10101010]) for y in range(4)]
    put("png", "palette1.png", bytes([3, 2 * 64]) + png(4, 4, 3, 1, pal, extra=plte))
    # Adam7: the passes' pixels one after the other, each row with its filter byte
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
              (0, 1, 1, 2)]
    adam7 = [bytes(g[y][x] for x in range(x0, 8, dx))
             for x0, y0, dx, dy in passes for y in range(y0, 8, dy)]
    put("png", "interlaced.png", bytes([7, 2 * 64]) + png(8, 8, 0, 8, adam7, interlace=1))
    for name in ("blob.png",):
        with open(os.path.join("cases", name), "rb") as f:
            put("png", name, bytes([31, 2 * 64]) + f.read())


# ---- hostile inputs (issue 11's list and the like), replayed by make check
# beside the inputs the fuzzer found (which keep libFuzzer's names)
REGRESS = os.path.join("tests", "fuzz", "regress")


def hostile(harness, name, data):
    put(harness, "hostile-" + name, data, REGRESS)


def hostile_seeds():
    good = b"[grid]\nn = 64\n[initial]\nshape = circle\nradius = 0.5\n"
    hostile("case", "nul.ini", b"[grid]\nn = 8\n\0\0\0[initial]\nshape = circle\n")
    hostile("case", "zeros.ini", bytes(4096))
    hostile("case", "long-line.ini", b"[grid]\n; " + b"x" * 6000)
    hostile("case", "huge-numbers.ini",
            b"[grid]\nn = 99999999999999999999\nbox = -1e308 1e308\n[initial]\nshape = circle\n"
            b"radius = 1e300\n[scheme]\nepsilon = 1e308\nh = 1e-308\nsteps = 2147483648\n")
    hostile("case", "huge-box.ini", b"[grid]\nn = 64\nbox = -1e308 1e308\n[initial]\n"
            b"shape = circle\nradius = 1e300\n")
    hostile("case", "tiny-box.ini", b"[grid]\nn = 64\nbox = 0 3e-308\n[initial]\n"
            b"shape = circle\nradius = 1e-300\n")
    hostile("case", "nan.ini", b"[grid]\nn = 16\nbox = nan 1\n[initial]\nshape = circle\n"
            b"radius = inf\n[scheme]\nepsilon = nan\n")
    hostile("case", "nan-set.ini", good + b"#--set\nscheme.epsilon=nan\ninitial.radius=-inf\n")
    hostile("case", "far-polygon.ini",
            b"[grid]\nn = 64\n[initial]\nshape = polygon\n"
            b"vertices = 1e10 -0.5 2e10 -0.5 2e10 0.5 1e10 0.5\n")
    hostile("case", "far-polygon-levelset.ini",
            b"[grid]\nn = 64\n[initial]\nshape = polygon\n"
            b"vertices = -1e300 -1e300 1e300 -1e300 0 1e300\n[scheme]\nrepresentation = levelset\n")
    hostile("case", "density-1e306.ini", good + b"[density]\nvalue = 1e306\n")
    hostile("case", "density-1e308.ini", good + b"[density]\nkind = gaussian\nvalue = 1e308\n"
            b"sigma = 1e-300\n")
    hostile("case", "exp-overflow.ini", good + b"[density]\nkind = exp\na = 1e300 -1e300\n")
    hostile("case", "mixture-extreme.ini", good + b"[density]\nkind = mixture\n"
            b"components = 1e300 0 0 1e-300  0 1e300 1e300 1e300  1 0 0 1e300\n")
    hostile("case", "star-extreme.ini", b"[grid]\nn = 32\n[initial]\nshape = star\nradius = 1e-300\n"
            b"points = 10000\namplitude = 9.99e-301\nangle = 1e300\n")
    hostile("case", "data-extreme.ini",
            b"[grid]\nn = 16\n[data]\ngenerate = moons\ncount = 16777216\nnoise = 1e300\n"
            b"seed = 4294967295\nweight0 = 1e-300\nweight1 = 1e300\n")
    hostile("case", "kde-extreme.ini",
            b"[grid]\nn = 16\n[data]\ngenerate = blobs\ncount = 40\nnoise = 0\n"
            b"[density]\nkind = kde\nbandwidth = 1e-300\nfloor = 0\n")
    hostile("case", "bad-overrides.ini",
            good + b"#--set\n.=\n=\nscheme.=1\n.x=\ngrid.n=1e10\n a . b = c \ngrid.n=\n")
    hostile("case", "output-dir.ini", good + b"#--set\noutput.dir= x ; y\x01\xff\n")

    hostile("points", "nul.csv", b"x,y,label\n0,0,0\n\0\0\0\n1,1,1\n")
    hostile("points", "zeros.csv", bytes(4096))
    hostile("points", "long-line.csv", b"0," * 3000 + b"1\n")
    hostile("points", "nonfinite.csv", b"nan,0,0\ninf,0,1\n1e400,0,1\n-inf,nan,nan\n")
    hostile("points", "labels.csv", b"0,0,2\n0,0,-0\n0,0,0x1p0\n0,0,1e0\n0,0,nan\n")
    hostile("points", "fields.csv", b",,\n,,,,,,\n1\n\r\n\xef\xbb\xbf\n")
    hostile("points", "huge.csv", b"1e308,-1e308,1\n4.9e-324,-0,0\n")

    hostile("array", "nul.csv", bytes([0x80 | 1]) + b"1,2\n\0\0\n")
    hostile("array", "zeros.npy", bytes([3]) + bytes(4096))
    hostile("array", "nonfinite.csv", bytes([0x80 | 1]) + b"nan,1\ninf,-inf\n")
    hostile("array", "long-line.csv", bytes([0x80 | 0]) + b"1 " * 3000 + b"\n")

    def npy(header, data=b"", version=1, declared=None):
        h = header + b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
        n = len(h) if declared is None else declared
        if version == 1:
            pre = b"\x93NUMPY\x01\x00" + struct.pack("<H", n)
        else:
            pre = b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", n)
        return pre + h + data
    hostile("array", "huge-shape.npy", bytes([1]) + npy(
        b"{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }"))
    hostile("array", "huge-header.npy", bytes([1]) + npy(b"{}", version=2, declared=0xffffffff))
    hostile("array", "fortran.npy", bytes([1]) + npy(
        b"{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", bytes(32)))
    hostile("array", "big-endian.npy", bytes([1]) + npy(
        b"{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", bytes(32)))
    hostile("array", "structured.npy", bytes([1]) + npy(
        b"{'descr': [('a', '<f8'), ('b', [('c', '<f4')])], 'fortran_order': False, 'shape': (2, 2), }",
        bytes(48)))
    hostile("array", "unbalanced.npy", bytes([1]) + npy(b"{'descr': [[[[(('a'"))
    hostile("array", "nan.npy", bytes([1]) + npy(
        b"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
        struct.pack("<4d", 1, float("nan"), float("inf"), 0)))
    hostile("array", "truncated.npy", bytes([1]) + npy(
        b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", bytes(7)))
    hostile("array", "trailing.npy", bytes([1]) + npy(
        b"{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", bytes(9)))
    hostile("array", "shape-64-dims.npy", bytes([1]) + npy(
        b"{'descr': '<f8', 'fortran_order': False, 'shape': (" + b"1," * 65 + b"), }"))

    g = [bytes(8) for y in range(8)]
    whole = png(8, 8, 0, 8, g)
    hostile("png", "truncated.png", bytes([7, 128]) + whole[:len(whole) // 2])
    hostile("png", "zeros.png", bytes([7, 128]) + bytes(4096))
    hostile("png", "too-wide.png", bytes([7, 128]) + png(5000, 1, 0, 8, [bytes(5000)]))
    hostile("png", "zero-width.png", bytes([7, 128]) + png(0, 0, 0, 8, []))
    hostile("png", "bad-crc.png", bytes([7, 128]) + whole[:29] + b"\0\0\0\0" + whole[33:])
    # the largest image accepted, 4096^2, from a 16 KB file (a decompression bomb)
    big = zlib.compress(b"".join(b"\x00" + bytes(4096) for y in range(4096)), 9)
    ihdr = struct.pack(">IIBBBBB", 4096, 4096, 8, 0, 0, 0, 0)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    hostile("png", "bomb-4096.png", bytes([63, 129]) + b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", big) + chunk(b"IEND", b""))
    rgba16 = [b"".join(struct.pack(">4H", 65535, 0, 30000, 1000 * x) for x in range(4))
              for y in range(4)]
    hostile("png", "rgba16.png", bytes([3, 255]) + png(4, 4, 6, 16, rgba16))


if __name__ == "__main__":
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    case_seeds()
    points_seeds()
    array_seeds()
    png_seeds()
    hostile_seeds()
