# Exact laws through the module: a shrinking circle's area rate, Per_eps of
# a circle, the risk identity, the comparison principle, the robust
# classifier's optimality, the kernel estimates' masses.
# GPL-3.0-or-later.
import math

import numpy as np
import pytest

import advflow as af


def circle_areas(representation, steps=8, n=128, radius=0.75):
    """Areas of a circle under uniform density (rho0 = rho1 = 1/2), eps = 4 dx, h = dx."""
    g = af.Grid(n)
    if representation == "mask":
        start = af.shape_mask(g, "circle", radius=radius)
    else:
        start = af.shape_field(g, "circle", radius=radius)
    t, area = [], []
    for k, tk, region, stats in af.flow(g, start, None, None, 4 * g.dx, g.dx, steps=steps,
                                        representation=representation):
        t.append(tk)
        area.append(region.sum() * g.dx ** 2 if representation == "mask"
                    else af.contour_area(g, region))
        if stats is not None and representation == "mask":
            assert stats["area"] == area[-1]
    return np.array(t), np.array(area)


# The exact law r^2 = r0^2 - 2t: the area falls at 2 pi.  Measured at
# n = 128, eps = 4 dx, h = dx, radius 0.75 over 8 steps (t = 0.125): the
# level-set flow (sub-cell areas) at 1.0200 times 2 pi, the mask flow at
# 0.9363 (its boundary moves by whole cells and pins a little on the
# digital ball's flat sides; docs/validation.md section 10).
@pytest.mark.parametrize("representation,tol", [("levelset", 0.04), ("mask", 0.08)])
def test_circle_area_rate(representation, tol):
    t, area = circle_areas(representation)
    assert len(t) == 9
    rate = (area[0] - area[-1]) / t[-1]
    assert rate / (2 * math.pi) == pytest.approx(1, abs=tol)


def test_circle_per_eps():
    # README: n = 512, eps = 0.02 (5.12 cells), radius 0.6: per_eps = 3.770398906
    g = af.Grid(512)
    m = af.shape_mask(g, "circle", radius=0.6)
    p = af.perimeter(g, m, None, None, 0.02)
    assert p["per_eps"] == pytest.approx(3.770398906, rel=1e-9)
    assert p["per_eps"] == pytest.approx(2 * math.pi * 0.6, rel=2e-4)
    assert p["per_local"] == pytest.approx(2 * math.pi * 0.6, rel=1e-3)
    # n = 128, eps = 4 dx: measured +0.60% (r = 0.5) and -0.37% (r = 0.75)
    g = af.Grid(128)
    for r in (0.5, 0.75):
        p = af.perimeter(g, af.shape_mask(g, "circle", radius=r), None, None, 4 * g.dx)
        assert p["per_eps"] == pytest.approx(2 * math.pi * r, rel=0.01)
        # with densities rho0 = a, rho1 = b the strips weigh a and b: per_eps = (a + b) pi r
        q = af.perimeter(g, af.shape_mask(g, "circle", radius=r), np.full(g.shape, 3.0),
                         np.full(g.shape, 1.0), 4 * g.dx)
        assert q["outer"] == pytest.approx(6 * p["outer"], rel=1e-12)
        assert q["inner"] == pytest.approx(2 * p["inner"], rel=1e-12)


@pytest.mark.parametrize("norm", ["2", "inf", "1"])
@pytest.mark.parametrize("periodic", [False, True])
def test_risk_identity(norm, periodic):
    """adv = clean + w_B Per_eps / mass, with adv from the morphology."""
    g = af.Grid(64, periodic=periodic)
    rng = np.random.default_rng(7)
    rho0, rho1 = rng.random(g.shape), 2 * rng.random(g.shape)
    for m in (af.shape_mask(g, "star", radius=0.5, points=5, amplitude=0.2),
              rng.random(g.shape) < 0.3):
        r = af.risk(g, m, rho0, rho1, 3.5 * g.dx, norm)
        p = af.perimeter(g, m, rho0, rho1, 3.5 * g.dx, norm)
        assert r["per_eps"] == pytest.approx(p["per_eps"], rel=1e-13)
        assert r["mass"] == pytest.approx((rho0 + rho1).sum() * g.dx ** 2, rel=1e-13)
        assert r["adv"] == pytest.approx(r["clean"] + r["w_B"] * r["per_eps"] / r["mass"],
                                         rel=1e-12)
        # the clean risk from its definition
        clean = (rho0 * (m != 0) + rho1 * (m == 0)).sum() * g.dx ** 2 / r["mass"]
        assert r["clean"] == pytest.approx(clean, rel=1e-12)


def test_comparison_principle():
    """A subset A' gives T(A) subset T(A') with a fixed selection (mm.h)."""
    g = af.Grid(64)
    rng = np.random.default_rng(3)
    rho = 0.5 + rng.random(g.shape)
    small = af.shape_mask(g, "star", radius=0.45, points=4, amplitude=0.15)
    big = small | af.shape_mask(g, "circle", center=(0.2, 0.1), radius=0.5)
    for sel in ("minimal", "maximal"):
        st = af.Stepper(g, rho, rho, eps=4 * g.dx, h=2 * g.dx, selection=sel)
        a, b = small, big
        for _ in range(3):
            a, b = st.step(a)[0], st.step(b)[0]
            assert (a <= b).all()
        st.close()


def test_robust_is_optimal():
    """The robust classifier's adversarial risk is at most that of any other region."""
    g = af.Grid(48)
    xy, lab = af.generate(g, "moons", count=300, seed=1)
    rho0, rho1 = af.kde(xy, lab, g)
    eps = 3 * g.dx
    mask, fig = af.robust(g, rho0, rho1, eps)
    bayes = af.shape_mask(g, "bayes", rho0=rho0, rho1=rho1)
    others = [bayes, 1 - bayes, np.zeros(g.shape, np.uint8), np.ones(g.shape, np.uint8)]
    others += [region for _, _, region, _ in af.flow(g, bayes, rho0, rho1, eps, steps=3)]
    for m in others:
        assert fig["adv"] <= af.risk(g, m, rho0, rho1, eps)["adv"] + 1e-12
    big, fig_max = af.robust(g, rho0, rho1, eps, selection="maximal")
    assert (mask <= big).all() and fig_max["adv"] == pytest.approx(fig["adv"], rel=1e-9)


def test_kde_masses():
    g = af.Grid(64)
    xy, lab = af.generate(g, "circles", count=200, seed=5)
    n1 = int((lab == 1).sum())
    r0, r1 = af.kde(xy, lab, g, floor=0)
    assert r1.sum() * g.dx ** 2 == pytest.approx(n1 / len(lab), rel=1e-12)
    assert (r0 + r1).sum() * g.dx ** 2 == pytest.approx(1, rel=1e-12)
    f0, f1 = af.kde(xy, lab, g)  # the case files' floor, 1e-3, split evenly
    assert (f0 + f1).sum() * g.dx ** 2 == pytest.approx(1.001, rel=1e-12)
    np.testing.assert_allclose(f1 - r1, 0.5e-3 / 4, rtol=1e-9)


def test_redistance_circle():
    g = af.Grid(128)
    X, Y = g.meshgrid()
    u = X ** 2 + Y ** 2 - 0.25  # zero line the circle of radius 0.5, not a distance
    s = af.redistance(g, u)
    # within the polygon's sag dx^2 / (4 R) (dist.h) and the far field's bound
    assert np.abs(s - (np.hypot(X, Y) - 0.5)).max() < 0.02 * g.dx
    assert ((s < 0) == (u < 0)).all()
