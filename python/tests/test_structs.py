# The ctypes mirrors of advflow's structs (advflow/_lib.py) against the C
# headers: every size, field offset and field size, and the enum values the
# module uses, as the C compiler sees them (a probe program compiled from
# the headers alone; skipped without a compiler), and, always, behaviour:
# values the library writes into each struct read back where they belong.
# GPL-3.0-or-later.
import ctypes
import math
import os
import shutil
import subprocess

import numpy as np
import pytest

import advflow as af
from advflow import _lib
from conftest import ROOT

ENUMS = ["af_status", "af_edge", "af_norm", "af_sdist_kind", "af_shape_kind",
         "af_density_kind", "af_selection", "af_mm_solver", "af_data_kind"]
CONSTANTS = {
    "AF_OK": _lib.AF_OK, "AF_EINVAL": _lib.AF_EINVAL, "AF_ENOMEM": _lib.AF_ENOMEM,
    "AF_EIO": _lib.AF_EIO, "AF_EFORMAT": _lib.AF_EFORMAT, "AF_EUNSUP": _lib.AF_EUNSUP,
    "AF_EFAILED": _lib.AF_EFAILED, "AF_ETOOBIG": _lib.AF_ETOOBIG,
    "AF_ERROR_MSG_MAX": _lib.AF_ERROR_MSG_MAX,
    "AF_EDGE_CLAMP": _lib.AF_EDGE_CLAMP, "AF_EDGE_PERIODIC": _lib.AF_EDGE_PERIODIC,
    "AF_NORM_2": _lib.AF_NORM_2, "AF_NORM_INF": _lib.AF_NORM_INF, "AF_NORM_1": _lib.AF_NORM_1,
    "AF_SDIST_SUBCELL": _lib.AF_SDIST_SUBCELL, "AF_SDIST_SIMPLE": _lib.AF_SDIST_SIMPLE,
    "AF_SELECT_MINIMAL": _lib.AF_SELECT_MINIMAL, "AF_SELECT_MAXIMAL": _lib.AF_SELECT_MAXIMAL,
    "AF_MM_SOLVER_OWN": _lib.AF_MM_SOLVER_OWN, "AF_MM_SOLVER_BK": _lib.AF_MM_SOLVER_BK,
}
for _k, _name in enumerate(_lib.SHAPE_KINDS):
    CONSTANTS["AF_SHAPE_" + _name.upper()] = _k
for _k, _name in enumerate(_lib.DENSITY_KINDS):
    CONSTANTS["AF_DENSITY_" + _name.upper()] = _k
for _k, _name in enumerate(_lib.DATA_KINDS):
    CONSTANTS["AF_DATA_" + _name.upper()] = _k


def probe_source():
    lines = ["#include <stddef.h>", "#include <stdio.h>", '#include "advflow/advflow.h"',
             "int main(void) {"]
    for name, cls in _lib.STRUCTS.items():
        lines.append(f'printf("sizeof {name} %zu\\n", sizeof({name}));')
        for field, _ in cls._fields_:
            lines.append(f'printf("offset {name}.{field} %zu\\n", offsetof({name}, {field}));')
            lines.append(f'printf("size {name}.{field} %zu\\n", sizeof((({name} *)0)->{field}));')
    for e in ENUMS:
        lines.append(f'printf("sizeof {e} %zu\\n", sizeof({e}));')
    for c in CONSTANTS:
        lines.append(f'printf("value {c} %lld\\n", (long long)({c}));')
    lines += ["return 0;", "}"]
    return "\n".join(lines) + "\n"


def expected():
    want = {}
    for name, cls in _lib.STRUCTS.items():
        want[f"sizeof {name}"] = ctypes.sizeof(cls)
        for field, _ in cls._fields_:
            desc = getattr(cls, field)
            want[f"offset {name}.{field}"] = desc.offset
            want[f"size {name}.{field}"] = desc.size
    for e in ENUMS:
        want[f"sizeof {e}"] = ctypes.sizeof(ctypes.c_int)
    for c, v in CONSTANTS.items():
        want[f"value {c}"] = v
    return want


def test_layouts_match_the_c_compiler(tmp_path):
    cc = os.environ.get("CC") or "cc"
    if not shutil.which(cc):
        pytest.skip(f"no C compiler ({cc}) to read the headers with")
    src = tmp_path / "probe.c"
    src.write_text(probe_source())
    exe = tmp_path / "probe"
    subprocess.run([cc, "-std=c11", "-I", os.path.join(ROOT, "include"), str(src), "-o",
                    str(exe)], check=True, capture_output=True)
    got = {}
    for line in subprocess.run([str(exe)], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        key, value = line.rsplit(" ", 1)
        got[key] = int(value)
    want = expected()
    assert got.keys() == want.keys()
    wrong = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
    assert not wrong, f"ctypes mirror (python) vs C: {wrong}"


# ------------------------------------------------ behaviour, no compiler
def sentinel_call(cls, fill):
    """Call fill(pointer) on a cls with 64 guard bytes after it: a mirror
    smaller than the C struct would let the library write into them."""
    class Guarded(ctypes.Structure):
        _fields_ = [("s", cls), ("guard", ctypes.c_uint8 * 64)]
    g = Guarded()
    ctypes.memset(ctypes.addressof(g.guard), 0xA5, 64)
    fill(ctypes.byref(g.s))
    assert bytes(g.guard) == b"\xa5" * 64, f"{cls.__name__}: the library wrote past the mirror"
    return g.s


def test_grid_and_error_behaviour():
    err = _lib.af_error()
    g = sentinel_call(_lib.af_grid, lambda p: _lib.lib.af_grid_init(
        p, 2, 48, -3.0, 5.0, _lib.AF_EDGE_PERIODIC, ctypes.byref(err)))
    assert (g.dim, g.n, g.lo, g.hi, g.dx, g.edge) == (2, 48, -3.0, 5.0, 8.0 / 48, 1)
    st = _lib.lib.af_grid_init(ctypes.byref(g), 2, 0, -1.0, 1.0, 0, ctypes.byref(err))
    assert st == err.status == _lib.AF_EINVAL and b"n" in err.msg


def test_mm_params_default_behaviour():
    prm = sentinel_call(_lib.af_mm_params, _lib.lib.af_mm_params_default)
    assert (prm.norm, prm.eps, prm.h, prm.p, prm.selection, prm.sdist, prm.solver,
            prm.full_grid, prm.band_cells, prm.ls_range, prm.ls_tol) == \
        (_lib.AF_NORM_2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)
    assert list(prm.eps_avg) == [0, 0, 0]  # the single ball


def test_mm_params_and_stats_behaviour():
    # every parameter reaches the library: a bad value of each is refused by name
    g = af.Grid(32)
    for kw, word in [({"h": -1}, "h must be"), ({"p": -1}, "p must be"),
                     ({"ls_tol": math.nan}, "level-set range"), ({"eps": 0.001}, "eps"),
                     ({"eps_avg": [0.2, 0.3]}, r"eps_avg\[1\] = 0.3"),
                     ({"eps_avg": [0, 0, math.nan]}, r"eps_avg\[2\].*NaN"),
                     ({"eps_avg": [0.1] * 4}, "at most 3")]:
        with pytest.raises(af.InvalidArgument, match=word):
            af.Stepper(g, None, None, **{"eps": 0.25, **kw})
    # stats: every field agrees with what it describes
    m = af.shape_mask(g, "circle", radius=0.5)
    st = af.Stepper(g, None, None, eps=0.25, h=0.1)
    out, s = st.step(m)
    assert s["area"] == out.sum() * g.dx ** 2
    assert s["changed"] == int((out != m).sum()) > 0
    assert s["per_eps"] == pytest.approx(af.perimeter(g, out, None, None, 0.25)["per_eps"],
                                         rel=1e-12)
    e = st.energy(m, out)
    assert s["energy"] == pytest.approx(e["energy"], rel=1e-9)
    assert s["fidelity"] == pytest.approx(e["fidelity"], rel=1e-9, abs=1e-12)
    assert s["energy"] == pytest.approx(s["per_eps"] + s["fidelity"], rel=1e-12)
    assert s["nodes"] > s["band_cells"] > 0 and s["arcs"] > s["nodes"]
    assert 0 < s["max_shift"] < 1 and s["band_width"] > 0 and s["flow"] > 0
    assert s["ms"] >= s["solve_ms"] >= 0
    assert s["band_widenings"] >= 0 and s["global_moves"] >= 0
    # eps_avg reaches the plan (its fields, after eps): {eps} is the single ball,
    # another budget another step whose per_eps is the average
    same = af.Stepper(g, None, None, eps=0.25, h=0.1, eps_avg=[0.25])
    assert same.params["eps_avg"] == [0.25, 0, 0] and same.params["eps"] == 0.25
    out2, s2 = same.step(m)
    assert (out2 == out).all() and s2["energy"] == s["energy"]
    avg = af.Stepper(g, None, None, eps=0.25, h=0.1, eps_avg=[0.125])
    out3, s3 = avg.step(m)
    p1 = af.perimeter(g, out3, None, None, 0.25)["per_eps"]
    p2 = af.perimeter(g, out3, None, None, 0.125)["per_eps"]
    assert s3["per_eps"] == pytest.approx((p1 + p2) / 2, rel=1e-12)


def test_perimeter_and_risk_values_behaviour():
    g = af.Grid(64)
    m = af.shape_mask(g, "circle", radius=0.5)
    p = af.perimeter(g, m, None, None, 4 * g.dx)
    assert p["eps"] == 4 * g.dx and p["eps_cells"] == pytest.approx(4)
    assert p["area"] == m.sum() * g.dx ** 2
    assert p["per_eps"] == pytest.approx(p["outer"] + p["inner"], rel=1e-15)
    assert p["per_eps_raw"] == pytest.approx(p["per_eps"] * p["w_B"] / p["eps"], rel=1e-12)
    assert p["w_B"] == pytest.approx(p["eps"] * p["width_ratio"], rel=1e-12)
    assert p["anisotropy"] > 1 and 0 < p["normal_gap"] < math.pi / 2
    r = af.risk(g, m, None, None, 4 * g.dx)
    assert r["mass"] == pytest.approx(4.0) and r["area"] == p["area"]
    assert r["w_B"] == p["w_B"] and r["per_eps"] == pytest.approx(p["per_eps"], rel=1e-14)
    assert 0 < r["clean"] < r["adv"] < 1


def test_shape_and_density_fields_behaviour():
    """Every af_shape field is read where it belongs: masks of placed shapes
    agree with the same inside tests in numpy (a displaced field would place
    a shape wrongly)."""
    g = af.Grid(64)
    X, Y = g.meshgrid()
    def local(cx, cy, ang):
        t = math.radians(ang)
        u, v = X - cx, Y - cy
        return math.cos(t) * u + math.sin(t) * v, -math.sin(t) * u + math.cos(t) * v
    u, v = local(0.1, -0.2, 0)
    assert (af.shape_mask(g, "circle", center=(0.1, -0.2), radius=0.4)
            == (u * u + v * v <= 0.16)).all()
    u, v = local(-0.1, 0.2, 30)
    assert (af.shape_mask(g, "ellipse", center=(-0.1, 0.2), axes=(0.6, 0.3), angle=30)
            == ((u / 0.6) ** 2 + (v / 0.3) ** 2 <= 1)).all()
    assert (af.shape_mask(g, "rectangle", center=(-0.1, 0.2), size=(0.8, 0.5), angle=30)
            == ((abs(u) <= 0.4) & (abs(v) <= 0.25))).all()
    star = af.shape_mask(g, "star", center=(-0.1, 0.2), radius=0.5, points=5, amplitude=0.2,
                         angle=30)
    want = np.hypot(u, v) <= 0.5 + 0.2 * np.cos(5 * np.arctan2(v, u))
    assert (star != want).sum() <= 2  # libm and numpy may round atan2, cos differently
    dumb = af.shape_mask(g, "dumbbell", center=(-0.1, 0.2), radius=0.25, length=0.9, neck=0.1,
                         angle=30)
    want = ((u - 0.45) ** 2 + v ** 2 <= 0.0625) | ((u + 0.45) ** 2 + v ** 2 <= 0.0625) | \
        ((abs(u) <= 0.45) & (abs(v) <= 0.05))
    assert (dumb != want).sum() <= 2
    half = af.shape_mask(g, "halfplane", normal=(1, 2), offset=0.3)
    assert (half == ((X + 2 * Y) / math.sqrt(5) <= 0.3 + 1e-12)).all()
    tri = af.shape_mask(g, "polygon", vertices=[(-0.5, -0.5), (0.5, -0.5), (0, 0.5)])
    assert tri[g.n // 2, g.n // 2] == 1 and tri[0, 0] == 0 and tri[-1, g.n // 2] == 0
    rho = af.density(g, "gaussian", value=2, center=(0.3, -0.4), sigma=0.2)
    want = 2 * np.exp(-((X - 0.3) ** 2 + (Y + 0.4) ** 2) / (2 * 0.2 ** 2))
    np.testing.assert_allclose(rho, want, rtol=1e-12)
    rho = af.density(g, "exp", value=3, a=(0.5, -1))
    np.testing.assert_allclose(rho, 3 * np.exp(0.5 * X - Y), rtol=1e-12)
    rho = af.density(g, "mixture", components=[[1, 0.2, 0.1, 0.3], [2, -0.5, 0, 0.1]])
    want = np.exp(-((X - 0.2) ** 2 + (Y - 0.1) ** 2) / 0.18) + \
        2 * np.exp(-((X + 0.5) ** 2 + Y ** 2) / 0.02)
    np.testing.assert_allclose(rho, want, rtol=1e-12)


def test_points_and_robust_behaviour():
    g = af.Grid(32)
    xy, lab = af.generate(g, "blobs", count=50, seed=3)
    assert xy.shape == (len(lab), 2) and set(np.unique(lab)) <= {0, 1}
    assert (abs(xy) <= 1).all() and 0 < len(lab) <= 50
    # class weights reach af_points.weight: doubling class 1's doubles its share
    r0, r1 = af.kde(xy, lab, g, bandwidth=0.2, floor=0)
    w0, w1 = af.kde(xy, lab, g, bandwidth=0.2, floor=0, weights=(1, 2))
    n0, n1 = (lab == 0).sum(), (lab == 1).sum()
    assert r1.sum() * g.dx ** 2 == pytest.approx(n1 / (n0 + n1))
    assert w1.sum() * g.dx ** 2 == pytest.approx(2 * n1 / (n0 + 2 * n1))
    m = af.shape_mask(g, "halfplane", normal=(-1, 0), offset=0)
    rp = af.risk_points(g, m, xy, lab, 0.1)
    inside = m[np.clip(((xy[:, 1] + 1) / g.dx).astype(int), 0, 31),
               np.clip(((xy[:, 0] + 1) / g.dx).astype(int), 0, 31)]
    assert rp["n_clean"] == int((inside != lab).sum())
    assert rp["clean"] == pytest.approx(rp["n_clean"] / len(lab))
    assert rp["weight"] == len(lab) and rp["n_adv"] >= rp["n_clean"]
    mask, fig = af.robust(g, r0, r1, 0.1)
    assert fig["nodes"] > g.n ** 2 and fig["arcs"] > fig["nodes"] and fig["ms"] >= 0
    assert fig["risk_adv_raw"] == pytest.approx(fig["adv"] * fig["mass"], rel=1e-9)
