# The module's flow equals the CLI's bit for bit: `advflow run` on
# cases/circle.ini (n = 64, 5 steps) against advflow.flow from the same
# circle, densities and scheme, in both representations.
# GPL-3.0-or-later.
import csv
import glob
import os
import subprocess

import numpy as np
import pytest

import advflow as af
from conftest import ROOT, read_mask_png

CASE = os.path.join(ROOT, "cases", "circle.ini")

# --set overrides, and the same scheme for advflow.flow.  circle.ini: box
# [-1, 1], a circle of radius 0.6 at 0, uniform density 1 split evenly,
# epsilon = 0.0390625 (1.25 cells at n = 64), p = 1, norm 2, minimal
# selection; its h is one cell of n = 256, so "default" sets h = epsilon
# (the set vanishes at step 3) on both sides.
VARIANTS = {
    "default": (["scheme.h=0.0390625"], {"h": 0.0390625}),
    "eps4": (["scheme.epsilon=0.125", "scheme.h=0.03125"], {"eps": 0.125, "h": 0.03125}),
    "inf-maximal-periodic": (
        ["scheme.epsilon=0.125", "scheme.h=0.03125", "scheme.norm=inf",
         "scheme.selection=maximal", "grid.boundary=periodic"],
        {"eps": 0.125, "h": 0.03125, "norm": "inf", "selection": "maximal", "periodic": True}),
    # the mask step only (the level-set step is the p = 1 step)
    "p2-simple": (
        ["scheme.epsilon=0.125", "scheme.h=0.003", "scheme.p=2", "scheme.distance=simple"],
        {"eps": 0.125, "h": 0.003, "p": 2, "sdist": "simple"}),
}


def run_cli(advflow_bin, out, sets):
    cmd = [advflow_bin, "run", CASE, "--set", "grid.n=64", "--set", "scheme.steps=5",
           "--set", "output.frames=0", "--quiet", "--out", str(out)]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


def module_flow(scheme, representation):
    scheme = dict(scheme)
    g = af.Grid(64, -1, 1, periodic=scheme.pop("periodic", False))
    rho = af.density(g, "uniform", value=1)
    rho0 = rho1 = 0.5 * rho  # [density] split evenly, as af_case_densities
    eps = scheme.pop("eps", 0.0390625)
    if representation == "mask":
        start = af.shape_mask(g, "circle", center=(0, 0), radius=0.6)
    else:
        start = af.shape_field(g, "circle", center=(0, 0), radius=0.6)
    return list(af.flow(g, start, rho0, rho1, eps, steps=5, representation=representation,
                        **scheme))


def same_bits(a, b):
    a, b = np.ascontiguousarray(a, np.float64), np.ascontiguousarray(b, np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


@pytest.mark.parametrize("variant,representation", [
    (v, r) for v in VARIANTS for r in ("mask", "levelset")
    if r == "mask" or "p" not in VARIANTS[v][1]])  # the level-set step has p = 1
def test_flow_equals_cli(advflow_bin, tmp_path, variant, representation):
    sets, scheme = VARIANTS[variant]
    if representation == "levelset":
        sets = sets + ["scheme.representation=levelset"]
    run_cli(advflow_bin, tmp_path, sets)
    masks = sorted(glob.glob(str(tmp_path / "mask_[0-9]*.png")))
    steps = module_flow(scheme, representation)
    assert len(masks) == len(steps), "the module and the CLI stop at different steps"
    assert len(steps) >= 4, "the flow should run a few steps"
    for (k, t, region, stats), path in zip(steps, masks):
        assert os.path.basename(path) == f"mask_{k:05d}.png"
        if representation == "mask":
            assert region.dtype == np.uint8
            np.testing.assert_array_equal(region, read_mask_png(path), err_msg=path)
        else:
            npy = tmp_path / f"levelset_{k:05d}.npy"
            assert same_bits(region, np.load(npy)), f"{npy} differs"
            np.testing.assert_array_equal((region < 0).astype(np.uint8), read_mask_png(path),
                                          err_msg=path)
    final = steps[-1][2] if representation == "mask" else (steps[-1][2] < 0)
    np.testing.assert_array_equal(final, read_mask_png(tmp_path / "mask_final.png"))
    if representation == "levelset":
        assert same_bits(steps[-1][2], np.load(tmp_path / "levelset_final.npy"))
    # the flow moved: no two consecutive regions are equal
    for a, b in zip(steps, steps[1:]):
        assert not np.array_equal(a[2], b[2])


def moons_densities(g):
    """cases/moons.ini's [data] and [density]: 400 moons, noise 0.15, seed 1,
    kernel estimates with Silverman's bandwidths and the floor 1e-3."""
    xy, labels = af.generate(g, "moons", count=400, noise=0.15, seed=1)
    return af.kde(xy, labels, g, bandwidth=None, floor=1e-3)


def test_data_flow_equals_cli(advflow_bin, tmp_path):
    """cases/moons.ini (n = 64, 3 steps): generated points, kernel densities,
    the Bayes classifier and the flow, all as the CLI makes them."""
    subprocess.run([advflow_bin, "run", os.path.join(ROOT, "cases", "moons.ini"),
                    "--set", "grid.n=64", "--set", "scheme.steps=3", "--set", "output.frames=0", "--set", "output.every=1",
                    "--quiet", "--out", str(tmp_path)], check=True, capture_output=True, timeout=60)
    g = af.Grid(64)
    rho0, rho1 = moons_densities(g)
    start = af.shape_mask(g, "bayes", rho0=rho0, rho1=rho1)
    steps = list(af.flow(g, start, rho0, rho1, eps=0.0390625, h=0.0078125, steps=3))
    assert len(steps) == 4
    for k, t, region, stats in steps:
        np.testing.assert_array_equal(region, read_mask_png(tmp_path / f"mask_{k:05d}.png"))
    # the risks of history.csv (printed to 10 digits)
    with open(tmp_path / "history.csv") as f:
        hist = list(csv.DictReader(line for line in f if not line.startswith("#")))
    assert len(hist) == len(steps)
    for (k, t, region, stats), row in zip(steps, hist):
        r = af.risk(g, region, rho0, rho1, 0.0390625)
        assert float(row["risk_clean"]) == pytest.approx(r["clean"], rel=1e-9)
        assert float(row["risk_adv"]) == pytest.approx(r["adv"], rel=1e-9)
        assert float(row["time"]) == pytest.approx(t, rel=1e-9)
        if stats:
            assert float(row["energy"]) == pytest.approx(stats["energy"], rel=1e-9)


def test_score_levelset_flow_equals_cli(advflow_bin, tmp_path):
    """cases/moons-levelset.ini at n = 64 (3 steps): a network's score map
    (float32, here every fourth cell of the case's 256^2 map) flowed as a
    level set from u_0 = level - score."""
    score = np.load(os.path.join(ROOT, "cases", "moons_scores.npy"))[2::4, 2::4].copy()
    assert score.dtype == np.float32 and score.shape == (64, 64)
    np.save(tmp_path / "scores.npy", score)
    out = tmp_path / "out"
    subprocess.run([advflow_bin, "run", os.path.join(ROOT, "cases", "moons-levelset.ini"),
                    "--set", "grid.n=64", "--set", f"initial.file={tmp_path / 'scores.npy'}",
                    "--set", "scheme.steps=3", "--set", "output.frames=0",
                    "--set", "output.every=1", "--quiet", "--out", str(out)],
                   check=True, capture_output=True, timeout=60)
    g = af.Grid(64)
    rho0, rho1 = moons_densities(g)
    u0 = af.shape_field(g, "score", score=score, level=0.5)
    steps = list(af.flow(g, u0, rho0, rho1, eps=0.0390625, h=0.0078125, steps=3,
                         representation="levelset"))
    assert len(steps) == 4
    for k, t, u, stats in steps:
        assert same_bits(u, np.load(out / f"levelset_{k:05d}.npy")), f"step {k}"
        np.testing.assert_array_equal((u < 0).astype(np.uint8),
                                      read_mask_png(out / f"mask_{k:05d}.png"))
