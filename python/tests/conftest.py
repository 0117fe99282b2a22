# Shared set-up for the Python module's tests: import advflow from python/,
# find the CLI binary, and read the CLI's mask PNGs without PIL.
# GPL-3.0-or-later.
import os
import struct
import sys
import zlib

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "python"))


@pytest.fixture(scope="session")
def advflow_bin():
    """The advflow binary: $ADVFLOW_BIN (as tests/run.sh sets it) or build/advflow."""
    path = os.environ.get("ADVFLOW_BIN") or os.path.join(ROOT, "build", "advflow")
    if not os.path.isabs(path):
        path = os.path.join(ROOT, path)
    if not os.access(path, os.X_OK):
        pytest.fail(f"no advflow binary at {path}: run make")
    return path


def read_png_gray(path):
    """An 8-bit gray, non-interlaced PNG (as af_png_write_mask writes them) as
    an (h, w) uint8 array, image row 0 first.  Only zlib and struct: the
    chunks, IDAT inflated, each row's filter (none, sub, up, average, Paeth)
    undone with one byte per pixel."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, colour, _, _, interlace = ihdr
    assert (depth, colour, interlace) == (8, 0, 0), f"{path}: not 8-bit gray: {ihdr}"
    raw = zlib.decompress(b"".join(idat))
    assert len(raw) == h * (w + 1)
    img = np.zeros((h, w), dtype=np.uint8)
    prev = [0] * w
    for r in range(h):
        filt = raw[r * (w + 1)]
        line = list(raw[r * (w + 1) + 1:(r + 1) * (w + 1)])
        for i in range(w):
            a = line[i - 1] if i else 0
            b, c = prev[i], (prev[i - 1] if i else 0)
            if filt == 1:
                pred = a
            elif filt == 2:
                pred = b
            elif filt == 3:
                pred = (a + b) // 2
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            else:
                assert filt == 0, f"{path}: row {r}: filter {filt}"
                pred = 0
            line[i] = (line[i] + pred) & 0xFF
        img[r] = line
        prev = line
    return img


def read_mask_png(path):
    """A mask PNG of advflow as a grid mask: a[j, i], j up (the image's top is y = hi)."""
    img = read_png_gray(path)
    assert set(np.unique(img)) <= {0, 255}, f"{path}: not a mask"
    return (img[::-1] != 0).astype(np.uint8)
