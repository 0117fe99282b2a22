# Failures raise advflow.Error (InvalidArgument, a ValueError, for AF_EINVAL)
# with advflow's own message.  GPL-3.0-or-later.
import math

import numpy as np
import pytest

import advflow as af

G = af.Grid(32)


def test_hierarchy():
    assert issubclass(af.Error, RuntimeError)
    assert issubclass(af.InvalidArgument, af.Error) and issubclass(af.InvalidArgument, ValueError)
    assert issubclass(af.OutOfMemory, af.Error) and issubclass(af.OutOfMemory, MemoryError)
    with pytest.raises(af.InvalidArgument) as e:
        af.Grid(0)
    assert e.value.status == af.EINVAL and e.value.status_name and str(e.value)
    # a grid beyond 2^30 cells is too big (a ValueError), not out of memory
    assert issubclass(af.TooBig, af.Error) and issubclass(af.TooBig, ValueError)
    with pytest.raises(af.TooBig, match="exceed the limit") as e:
        af.Grid(40000)
    assert e.value.status == af.ETOOBIG and e.value.status_name == "size beyond advflow's limits"


@pytest.mark.parametrize("bad,word", [(math.nan, "NaN"), (-1.0, "negative"),
                                      (math.inf, "infinite")])
def test_bad_density(bad, word):
    rho = np.ones(G.shape)
    rho[5, 3] = bad
    msg = rf"rho0 is {word} at cell \(3, 5\), x = \({G.x[3]:g}, {G.y[5]:g}\): densities must be finite and >= 0"
    with pytest.raises(af.InvalidArgument, match=msg):
        af.as_density(G, rho, "rho0")
    with pytest.raises(ValueError, match=msg):
        af.Stepper(G, rho, np.ones(G.shape), eps=0.25)
    with pytest.raises(ValueError, match=msg.replace("rho0", "rho1")):
        af.perimeter(G, np.zeros(G.shape, np.uint8), np.ones(G.shape), rho, 0.25)
    with pytest.raises(ValueError, match="rho0 is"):
        af.robust(G, rho, np.ones(G.shape), 0.25)


def test_wrong_shapes_and_dtypes():
    with pytest.raises(af.InvalidArgument, match=r"rho0: expected an array of shape \(32, 32\).*got shape \(32, 31\)"):
        af.Stepper(G, np.ones((32, 31)), np.ones(G.shape), eps=0.25)
    with pytest.raises(af.InvalidArgument, match=r"mask: expected an array of shape"):
        af.perimeter(G, np.zeros(32 * 32, np.uint8), None, None, 0.25)
    with pytest.raises(af.InvalidArgument, match=r"dtype float64; threshold"):
        af.perimeter(G, np.zeros(G.shape), None, None, 0.25)
    with pytest.raises(af.InvalidArgument, match="expected real numbers"):
        af.redistance(G, np.zeros(G.shape, dtype=complex))
    with pytest.raises(af.InvalidArgument, match=r"shape \(64, 64\)"):
        af.Stepper(G, None, None, eps=0.25).step(np.zeros((64, 64), bool))
    with pytest.raises(af.InvalidArgument, match="give both rho0 and rho1"):
        af.risk(G, np.zeros(G.shape, bool), np.ones(G.shape), None, 0.25)
    with pytest.raises(af.InvalidArgument, match=r"points: expected an \(m, 2\) array"):
        af.kde(np.zeros((4, 3)), [0, 1, 0, 1], G)
    with pytest.raises(af.InvalidArgument, match="labels: expected 4 labels"):
        af.kde(np.zeros((4, 2)), [0, 1, 0], G)
    with pytest.raises(af.InvalidArgument, match="every label must be 0 or 1"):
        af.kde(np.zeros((4, 2)), [0, 1, 2, 1], G)


@pytest.mark.parametrize("eps", [0.0, 0.5 * G.dx, math.nan, -1.0, math.inf])
def test_absurd_eps(eps):
    with pytest.raises(af.InvalidArgument, match="eps"):
        af.perimeter(G, np.zeros(G.shape, bool), None, None, eps)
    with pytest.raises(af.InvalidArgument, match="eps"):
        af.Stepper(G, None, None, eps=eps, h=0.1)
    with pytest.raises(af.InvalidArgument, match="eps"):
        af.risk(G, np.zeros(G.shape, bool), None, None, eps)


def test_huge_eps():
    # a ball wider than advflow's limit (4096 cells), or than a torus
    with pytest.raises(af.InvalidArgument, match="radius"):
        af.perimeter(G, np.zeros(G.shape, bool), None, None, 1e6)
    with pytest.raises(af.InvalidArgument):
        af.perimeter(af.Grid(32, periodic=True), np.zeros(G.shape, bool), None, None, 1.5)


def test_grid_errors():
    with pytest.raises(af.InvalidArgument, match="n"):
        af.Grid(-3)
    with pytest.raises(af.InvalidArgument, match="lo"):
        af.Grid(8, 1, -1)
    with pytest.raises(af.InvalidArgument, match="integer"):
        af.Grid(8.5)
    with pytest.raises(af.InvalidArgument):
        af.Grid(8, math.nan, 1)


def test_shape_errors():
    with pytest.raises(af.InvalidArgument, match=r"circle: radius must be > 0, got 0"):
        af.shape_mask(G, "circle")
    with pytest.raises(af.InvalidArgument, match=r"star: amplitude must be in \[0, radius\), got 0.6"):
        af.shape_field(G, "star", radius=0.5, points=5, amplitude=0.6)
    with pytest.raises(af.InvalidArgument, match="unknown parameter 'radus'"):
        af.shape_mask(G, "circle", radus=0.5)
    with pytest.raises(af.InvalidArgument, match="unknown kind 'blob'"):
        af.shape_mask(G, "blob")
    with pytest.raises(af.InvalidArgument, match="polygon: needs at least 3 vertices, got 2"):
        af.shape_mask(G, "polygon", vertices=[(0, 0), (1, 1)])
    with pytest.raises(af.InvalidArgument, match="polygon: vertex 2 is not finite"):
        af.shape_mask(G, "polygon", vertices=[(0, 0), (math.nan, 1), (1, 0)])
    score = np.zeros(G.shape)
    score[2, 7] = math.nan
    with pytest.raises(af.InvalidArgument, match=r"score: .* entry \[2, 7\] is nan"):
        af.shape_mask(G, "score", score=score)
    with pytest.raises(af.InvalidArgument, match="level must be finite"):
        af.shape_field(G, "score", score=np.zeros(G.shape), level=math.inf)
    with pytest.raises(af.InvalidArgument, match="gaussian density: sigma must be > 0"):
        af.density(G, "gaussian")
    with pytest.raises(af.InvalidArgument, match="kde: use advflow.kde"):
        af.density(G, "kde")


def test_file_errors_are_not_value_errors(tmp_path):
    with pytest.raises(af.Error) as e:
        af.shape_mask(G, "png", file=tmp_path / "missing.png")
    assert e.value.status == af.EIO and not isinstance(e.value, ValueError)
    assert "missing.png" in str(e.value)
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"not a numpy file")
    with pytest.raises(af.Error, match="bad.npy") as e:
        af.shape_mask(G, "score", file=bad)
    assert e.value.status == af.EFORMAT


def test_scheme_errors():
    with pytest.raises(af.InvalidArgument, match="mm: time step h must be > 0, got -1"):
        af.Stepper(G, None, None, eps=0.25, h=-1)
    with pytest.raises(af.InvalidArgument, match="norm must be one of"):
        af.Stepper(G, None, None, eps=0.25, norm="3")
    with pytest.raises(af.InvalidArgument, match="selection must be one of"):
        af.Stepper(G, None, None, eps=0.25, selection="smallest")
    # flow() checks its arguments when called, before the first step
    with pytest.raises(af.InvalidArgument, match="representation must be one of"):
        af.flow(G, np.zeros(G.shape, bool), None, None, 0.25, representation="sdf")
    with pytest.raises(af.InvalidArgument, match="mm: time step h must be > 0"):
        af.flow(G, np.zeros(G.shape, bool), None, None, 0.25, h=0)
    with pytest.raises(af.InvalidArgument, match="start: expected an array of shape"):
        af.flow(G, np.zeros((3, 3)), None, None, 0.25, representation="levelset")
    st = af.Stepper(G, None, None, eps=0.25)
    u = np.zeros(G.shape)
    u[1, 1] = math.nan
    with pytest.raises(af.InvalidArgument, match="NaN"):
        st.step_levelset(u)
    with pytest.raises(af.InvalidArgument, match="NaN"):
        af.redistance(G, u)
    st.close()
    st.close()  # closing twice is fine
    with pytest.raises(af.InvalidArgument, match="closed"):
        st.step(np.zeros(G.shape, bool))


def test_points_errors():
    xy = np.array([[0.0, 0.0], [0.5, 0.5], [2.0, 0.0], [0.1, -0.3]])
    with pytest.raises(af.InvalidArgument, match=r"box"):
        af.kde(xy, [0, 1, 0, 1], G, bandwidth=0.2)
    with pytest.raises(af.InvalidArgument, match="no spread"):
        af.kde(xy[[0, 1, 3]], [0, 1, 1], G)
    with pytest.raises(af.InvalidArgument, match="not finite"):
        af.kde([[0, math.nan]], [0], G)
    with pytest.raises(af.InvalidArgument, match="weights"):
        af.kde(xy[:2], [0, 1], G, weights=(1, 0))
    with pytest.raises(af.InvalidArgument, match="kind must be one of"):
        af.generate(G, "spirals")
