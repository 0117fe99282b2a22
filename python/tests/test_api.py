# The module's conventions: layout of fields, grids, score maps given as
# arrays or files, fields of every shape, contours, the flow iterator.
# GPL-3.0-or-later.
import math

import numpy as np
import pytest

import advflow as af


def test_version_and_library():
    assert af.library_version() == af.__version__
    assert af.library_path.endswith(".so") or ".so." in af.library_path


def test_grid():
    g = af.Grid(8, -2, 2)
    assert (g.n, g.lo, g.hi, g.dx, g.periodic) == (8, -2.0, 2.0, 0.5, False)
    np.testing.assert_array_equal(g.x, -2 + (np.arange(8) + 0.5) * 0.5)
    assert g.shape == (8, 8) and g.extent == (-2.0, 2.0, -2.0, 2.0)
    X, Y = g.meshgrid()
    assert X[3, 5] == g.x[5] and Y[3, 5] == g.y[3]
    assert g == af.Grid(8, -2, 2) and g != af.Grid(8, -2, 2, periodic=True)
    assert "periodic" in repr(af.Grid(4, periodic=True))
    with pytest.raises(ValueError):
        g.x[0] = 1  # read-only


def test_layout_a_j_i_is_x_i_y_j():
    """a[j, i] is the cell at (x_i, y_j): a half-plane {x <= -0.5} fills
    columns, {y <= -0.5} rows, and both agree with the C side's cell index."""
    g = af.Grid(16)
    left = af.shape_mask(g, "halfplane", normal=(1, 0), offset=-0.5)
    np.testing.assert_array_equal(left, np.broadcast_to(g.x <= -0.5, g.shape))
    low = af.shape_mask(g, "halfplane", normal=(0, 1), offset=-0.5)
    np.testing.assert_array_equal(low, np.broadcast_to((g.y <= -0.5)[:, None], g.shape))
    u = af.shape_field(g, "circle", center=(0.3, -0.6), radius=0.2)
    j, i = np.unravel_index(np.argmin(u), g.shape)
    assert abs(g.x[i] - 0.3) <= g.dx / 2 and abs(g.y[j] + 0.6) <= g.dx / 2


def test_inputs_not_modified_and_converted():
    g = af.Grid(32)
    m = af.shape_mask(g, "circle", radius=0.5).astype(bool)
    m_f = np.asfortranarray(m.astype(np.int64) * 7)  # any nonzero is inside, any order
    p1 = af.perimeter(g, m, None, None, 0.25)
    p2 = af.perimeter(g, m_f, None, None, 0.25)
    assert p1 == p2 and m_f.max() == 7
    rho = np.ones(g.shape, dtype=np.float32)
    st = af.Stepper(g, rho, rho, eps=0.25)
    assert st.rho0.dtype == np.float64 and not st.rho0.flags.writeable
    assert st.h == st.eps == 0.25 and st.params["p"] == 1


def test_score_array_equals_score_file(tmp_path):
    g = af.Grid(32)
    X, Y = g.meshgrid()
    score = np.tanh(3 * (Y - 0.3 * np.sin(4 * X)))
    score[4, 4] = 0.2  # exactly at the level: outside, as in C
    np.save(tmp_path / "s.npy", score)
    for level in (0.0, 0.2):
        a = af.shape_mask(g, "score", score=score, level=level)
        b = af.shape_mask(g, "score", file=tmp_path / "s.npy", level=level)
        np.testing.assert_array_equal(a, b)
        fa = af.shape_field(g, "score", score=score, level=level)
        fb = af.shape_field(g, "score", file=str(tmp_path / "s.npy"), level=level)
        np.testing.assert_array_equal(fa, fb)
    assert a[4, 4] == 0


@pytest.mark.parametrize("kind,params", [
    ("circle", {"radius": 0.5}),
    ("ellipse", {"axes": (0.6, 0.3), "angle": 20}),
    ("rectangle", {"size": (0.8, 0.5), "center": (0.1, 0)}),
    ("star", {"radius": 0.5, "points": 5, "amplitude": 0.15}),
    ("dumbbell", {"radius": 0.25, "length": 0.8, "neck": 0.2}),
    ("halfplane", {"normal": (1, 1), "offset": 0.1}),
    ("polygon", {"vertices": [(-0.5, -0.4), (0.6, -0.3), (0.1, 0.6)]}),
])
def test_fields_match_masks(kind, params):
    """shape_field is negative exactly on the mask, up to cells on the boundary."""
    g = af.Grid(64)
    m = af.shape_mask(g, kind, **params)
    u = af.shape_field(g, kind, **params)
    assert u.dtype == np.float64 and m.dtype == np.uint8
    disagree = (u < 0) != (m == 1)
    assert disagree.sum() <= 0.02 * m.sum()
    assert (np.abs(u[disagree]) < g.dx).all()
    if kind == "polygon":  # the mask's sub-cell distance, as af_case_levelset
        np.testing.assert_array_equal(u, af.signed_distance(g, m))


def test_bayes_and_densities():
    g = af.Grid(32)
    rho0 = af.density(g, "gaussian", center=(-0.3, 0), sigma=0.3)
    rho1 = af.density(g, "gaussian", center=(0.4, 0), sigma=0.3)
    m = af.shape_mask(g, "bayes", rho0=rho0, rho1=rho1)
    np.testing.assert_array_equal(m, rho1 > rho0)
    np.testing.assert_array_equal(af.shape_field(g, "bayes", rho0=rho0, rho1=rho1), rho0 - rho1)
    assert (af.density(g, "uniform") == 1).all() and (af.density(g, "uniform", value=2) == 2).all()


def test_contour_and_area():
    g = af.Grid(128)
    u = af.shape_field(g, "circle", radius=0.5)
    seg, length = af.contour(g, u)
    assert seg.shape[1] == 4 and len(seg) > 100
    assert length == pytest.approx(np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]).sum())
    assert length == pytest.approx(math.pi, rel=1e-3)
    assert af.contour_area(g, u) == pytest.approx(math.pi / 4, rel=1e-3)
    # the region {u < 0} on the left: counter-clockwise around the disc
    cross = seg[:, 0] * seg[:, 3] - seg[:, 1] * seg[:, 2]
    assert (cross > 0).all()
    empty, zero = af.contour(g, np.ones(g.shape))
    assert empty.shape == (0, 4) and zero == 0


def test_flow_iterator():
    g = af.Grid(48)
    m = af.shape_mask(g, "circle", radius=0.3)
    steps = list(af.flow(g, m, None, None, 3 * g.dx, steps=50))
    ks = [k for k, _, _, _ in steps]
    assert ks == list(range(len(steps))) and len(steps) < 51  # stops when the set vanishes
    assert steps[-1][2].sum() == 0 and steps[-2][2].sum() > 0
    assert steps[0][3] is None and steps[1][1] == 3 * g.dx  # t = k h, h = eps
    steps[1][2][:] = 1  # the caller's copy: the flow's own state is not touched
    again = list(af.flow(g, m, None, None, 3 * g.dx, steps=50))
    assert all((a[2] == b[2]).all() for a, b in zip(steps[2:], again[2:]))
    # the level set from a mask: its sub-cell signed distance, redistanced
    ls = list(af.flow(g, m, None, None, 3 * g.dx, steps=2, representation="levelset"))
    np.testing.assert_array_equal(ls[0][2], af.redistance(g, af.signed_distance(g, m)))
    assert set(ls[1][3]) >= {"contour_area", "energy", "area", "changed"}
    assert ls[1][3]["contour_area"] == af.contour_area(g, ls[1][2])


def test_threads_change_no_result():
    threads, cores = af.get_threads()
    assert 1 <= cores and threads == cores  # the default: every core
    g = af.Grid(160)  # large enough for the grid passes to split
    m = af.shape_mask(g, "star", radius=0.6, points=5, amplitude=0.2)
    runs = []
    for n in (1, 2, 3):
        af.set_threads(n)
        assert af.get_threads()[0] == n or af.get_threads() == (1, 1)  # (1, 1): no OpenMP
        runs.append([(a.copy(), s) for _, _, a, s in
                     af.flow(g, m, None, None, 4 * g.dx, steps=3)])
    af.set_threads()
    assert af.get_threads() == (threads, cores)
    for other in runs[1:]:
        for (a, s), (b, t) in zip(runs[0], other):
            np.testing.assert_array_equal(a, b)
            assert (s is None and t is None) or all(
                s[k] == t[k] for k in s if not k.endswith("ms"))


def test_step_levelset_raw_then_redistance():
    g = af.Grid(64)
    u = af.redistance(g, af.shape_field(g, "circle", radius=0.5))
    with af.Stepper(g, None, None, eps=4 * g.dx, h=g.dx) as st:
        v, stats = st.step_levelset(u)
        mask_step, mstats = st.step(af.shape_mask(g, "circle", radius=0.5))
    assert st.ptr is None  # closed by the with block
    # within the band values are cut to the default ls_range = 2 dx; beyond, v = u
    changed = v != u
    assert changed.any() and (np.abs(v[changed]) <= 2 * g.dx + 1e-15).all()
    assert stats["area"] == (v <= 0).sum() * g.dx ** 2
    s = af.redistance(g, v)
    assert ((s < 0) == (v < 0)).all()
    # the zero level moves about as far as the mask step moves the boundary
    assert abs((v < 0).sum() - mask_step.sum()) < 0.05 * mask_step.sum()


def test_generate_is_deterministic():
    g = af.Grid(64)
    a = af.generate(g, "xor", count=100, seed=2)
    b = af.generate(g, "xor", count=100, seed=2)
    c = af.generate(g, "xor", count=100, seed=3)
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all() and not np.array_equal(a[0], c[0])
    xy, lab = af.generate(g, "moons", count=50, noise=0)
    assert len(lab) == 50 and (lab[:25] == 0).all() and (lab[25:] == 1).all()
    bound, conflicts = af.points_bound(g, xy, lab, 0.05)
    assert bound == 0 and conflicts == 0  # noiseless moons are far apart
    bound, conflicts = af.points_bound(g, xy, lab, 0.5)
    assert 0 < bound <= 0.5 and conflicts > 0
