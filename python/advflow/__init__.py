"""advflow: the nonlocal-perimeter flow of a classifier's decision boundary, from Python.

A thin layer over the C library libadvflow.so (loaded with ctypes from the
standard library: no compiled extension).  Every function takes and returns
numpy arrays in the layout of advflow's score maps (include/advflow/array.h):
on a Grid of n cells per axis a field is an (n, n) array ``a[j, i]``, the
value at the cell centre ``(x_i, y_j)``, j counting up from y = lo -- C order
with x fastest, exactly advflow's cell index ``j * n + i``.  So

    g = advflow.Grid(128)
    X, Y = g.meshgrid()                   # X[j, i] = g.x[i], Y[j, i] = g.y[j]
    score = np.tanh(3 * (Y - 0.3 * np.sin(4 * X)))

is a score map of g.  Fields are float64 arrays (densities, signed
distances, level-set functions); masks (regions, classifiers: 1 = predict
class 1) are uint8 arrays of 0 and 1.  Inputs may be any array of the right
shape (masks: bool or integer, nonzero = inside); they are converted, never
modified.  Show a field with ``imshow(a, origin="lower", extent=g.extent)``.

Errors: every failing advflow call raises advflow.Error (a RuntimeError)
carrying advflow's own one-line message; AF_EINVAL (and a wrong shape or
dtype, caught before the call) raises advflow.InvalidArgument, which is also
a ValueError, AF_ENOMEM advflow.OutOfMemory (also a MemoryError) and
AF_ETOOBIG, a size beyond advflow's limits, advflow.TooBig (also a
ValueError).

The library is found in this order: the file named by the environment
variable ADVFLOW_LIB; build/libadvflow.so of the source tree this package
sits in (python/advflow/ beside build/, as `make` leaves it); the installed
libadvflow.so.0 (`make install`).  Only a library of the same version as this
package is accepted, since the struct mirrors in advflow/_lib.py follow its
headers.

The C headers (include/advflow/*.h) are the reference for what each
computation does; the docstrings here say how the Python side maps onto them.
GPL-3.0-or-later.
"""

import ctypes
import math
import operator
from ctypes import byref, c_double, c_size_t

import numpy as np

from . import _lib
from ._lib import Error, InvalidArgument, OutOfMemory, TooBig

__version__ = "0.1.0"

if _lib.version() != __version__:
    raise ImportError(f"advflow: {_lib.path} is libadvflow {_lib.version()}, but this Python "
                      f"module mirrors the structs of version {__version__}: rebuild with `make` "
                      f"or point ADVFLOW_LIB at a matching library")

#: Path of the loaded libadvflow.so.
library_path = _lib.path

# af_status values, for Error.status.
OK, EINVAL, ENOMEM, EIO, EFORMAT, EUNSUP, EFAILED, ETOOBIG = range(8)

__all__ = [
    "Grid", "Error", "InvalidArgument", "OutOfMemory", "TooBig",
    "shape_mask", "shape_field", "density", "as_density",
    "signed_distance", "redistance", "contour", "contour_area",
    "perimeter", "risk", "Stepper", "flow", "robust",
    "generate", "kde", "risk_points", "points_bound", "library_version",
    "set_threads", "get_threads",
]


def library_version():
    """Version of the loaded libadvflow.so (af_version)."""
    return _lib.version()


def set_threads(n=0):
    """Run advflow's grid passes on n threads from now on (af_threads_set);
    n <= 0 (the default) means every core.  One setting for the whole
    process.  Every result is the same, bit for bit, for every n: only the
    time changes (include/advflow/threads.h says what runs on threads)."""
    _lib.lib.af_threads_set(operator.index(n))


def get_threads():
    """(threads in use, cores available): af_threads_get and
    af_threads_cores.  A library built without OpenMP gives (1, 1)."""
    return _lib.lib.af_threads_get(), _lib.lib.af_threads_cores()


# ----------------------------------------------------------------- helpers
def _err():
    return _lib.af_error()


def _invalid(msg):
    return InvalidArgument(EINVAL, msg)


def _choice(value, table, what):
    try:
        return table[str(value).lower()]
    except KeyError:
        raise _invalid(f"{what} must be one of {', '.join(sorted(set(table)))}; got {value!r}") \
            from None


_NORMS = {"2": _lib.AF_NORM_2, "l2": _lib.AF_NORM_2, "2.0": _lib.AF_NORM_2,
          "inf": _lib.AF_NORM_INF, "linf": _lib.AF_NORM_INF,
          "1": _lib.AF_NORM_1, "l1": _lib.AF_NORM_1, "1.0": _lib.AF_NORM_1}
_SELECTIONS = {"minimal": _lib.AF_SELECT_MINIMAL, "maximal": _lib.AF_SELECT_MAXIMAL}
_SDISTS = {"subcell": _lib.AF_SDIST_SUBCELL, "simple": _lib.AF_SDIST_SIMPLE}
_SOLVERS = {"own": _lib.AF_MM_SOLVER_OWN, "bk": _lib.AF_MM_SOLVER_BK}


def _norm(norm):
    """'2', 'inf' or '1' (also 2, 1, math.inf, numpy.inf) -> af_norm."""
    return _choice(norm, _NORMS, "norm")


def _real(v, what):
    try:
        return float(v)
    except (TypeError, ValueError):
        raise _invalid(f"{what} must be a real number, got {v!r}") from None


def _pair(v, what):
    try:
        a, b = v
        return float(a), float(b)
    except (TypeError, ValueError):
        raise _invalid(f"{what} must be two real numbers, got {v!r}") from None


def _check_shape(grid, a, what):
    if a.shape != grid.shape:
        raise _invalid(f"{what}: expected an array of shape {grid.shape} (a[j, i] at "
                       f"(x_i, y_j)), got shape {a.shape}")


def _field(grid, a, what):
    """An (n, n) real array -> a C-contiguous float64 array (a copy if needed)."""
    a = np.asarray(a)
    _check_shape(grid, a, what)
    if a.dtype.kind not in "biuf":
        raise _invalid(f"{what}: expected real numbers, got dtype {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.float64)


def _mask(grid, m, what="mask"):
    """An (n, n) bool or integer array -> a new C-contiguous uint8 array of 0 and 1."""
    m = np.asarray(m)
    _check_shape(grid, m, what)
    if m.dtype.kind not in "biu":
        raise _invalid(f"{what}: expected a bool or integer array (nonzero = inside), got "
                       f"dtype {m.dtype}; threshold real values first, e.g. {what} > 0.5")
    return np.ascontiguousarray(m != 0, dtype=np.uint8)


def _frozen(a):
    a = np.array(a, dtype=np.float64, order="C", copy=True)
    a.flags.writeable = False
    return a


def _densities(grid, rho0, rho1):
    """Checked float64 copies of the class densities; None = uniform 1/2 (total 1)."""
    if rho0 is None and rho1 is None:
        half = np.full(grid.shape, 0.5)
        return half, half.copy()
    if rho0 is None or rho1 is None:
        raise _invalid("give both rho0 and rho1, or neither (uniform 1/2 each)")
    return as_density(grid, rho0, "rho0"), as_density(grid, rho1, "rho1")


def _struct_dict(s):
    # arrays (af_mm_params.eps_avg) as lists
    return {name: list(v) if isinstance(v, ctypes.Array) else v
            for name, v in ((name, getattr(s, name)) for name, _ in s._fields_)}


class _Handle:
    """Owns one C object and frees it with its _free (which accepts NULL)."""

    ptr = None  # until __init__ succeeds

    def __init__(self, ptr, free):
        self.ptr, self._free = ptr, free

    def close(self):
        if self.ptr:
            self._free(self.ptr)
            self.ptr = None

    def __del__(self):
        self.close()


# -------------------------------------------------------------------- grid
class Grid:
    """A regular grid of n x n cells on the box [lo, hi]^2 (af_grid, grid.h).

    Cells have side ``dx = (hi - lo) / n``; cell i along an axis has centre
    ``lo + (i + 1/2) dx``.  ``periodic=True`` makes the box a torus
    (AF_EDGE_PERIODIC), else balls near the edge are cut to the box
    (AF_EDGE_CLAMP).  The arguments are checked by af_grid_init
    (1 <= n <= 65536, finite lo < hi).

    Attributes: n, lo, hi, dx, periodic; x, y (the cell centres along each
    axis, read-only float64 arrays of length n: a field's a[j, i] sits at
    (x[i], y[j])); shape = (n, n); extent = (lo, hi, lo, hi) for imshow
    with origin="lower".
    """

    def __init__(self, n, lo=-1.0, hi=1.0, periodic=False):
        try:
            n = operator.index(n)
        except TypeError:
            raise _invalid(f"grid: n must be an integer, got {n!r}") from None
        if not -2**31 <= n < 2**31:
            raise _invalid(f"grid: n = {n} is out of range")
        lo, hi = _real(lo, "grid: lo"), _real(hi, "grid: hi")
        self._g = _lib.af_grid()
        edge = _lib.AF_EDGE_PERIODIC if periodic else _lib.AF_EDGE_CLAMP
        err = _err()
        _lib.check(_lib.lib.af_grid_init(byref(self._g), 2, n, lo, hi, edge, byref(err)), err)
        self.n, self.lo, self.hi, self.dx = self._g.n, self._g.lo, self._g.hi, self._g.dx
        self.periodic = bool(periodic)
        # as af_grid_center computes them: lo + (i + 0.5) dx
        x = self.lo + (np.arange(self.n) + 0.5) * self.dx
        x.flags.writeable = False
        self.x = self.y = x

    @property
    def shape(self):
        """(n, n): the shape of every field and mask on this grid."""
        return (self.n, self.n)

    @property
    def extent(self):
        """(lo, hi, lo, hi), for matplotlib's imshow(..., origin="lower")."""
        return (self.lo, self.hi, self.lo, self.hi)

    def meshgrid(self):
        """X, Y with X[j, i] = x[i] and Y[j, i] = y[j]: numpy.meshgrid(x, y)."""
        return np.meshgrid(self.x, self.y)

    def _ref(self):
        return byref(self._g)

    def __eq__(self, other):
        return isinstance(other, Grid) and (self.n, self.lo, self.hi, self.periodic) == \
            (other.n, other.lo, other.hi, other.periodic)

    def __hash__(self):
        return hash((self.n, self.lo, self.hi, self.periodic))

    def __repr__(self):
        return (f"Grid({self.n}, lo={self.lo!r}, hi={self.hi!r}"
                f"{', periodic=True' if self.periodic else ''})")


# ------------------------------------------------------------------ shapes
_SHAPE_PARAMS = {
    "circle": ("center", "radius"),
    "ellipse": ("center", "axes", "angle"),
    "rectangle": ("center", "size", "angle"),
    "star": ("center", "radius", "points", "amplitude", "angle"),
    "dumbbell": ("center", "radius", "length", "neck", "angle"),
    "halfplane": ("normal", "offset"),
    "polygon": ("vertices",),
    "png": ("file", "threshold"),
    "bayes": ("rho0", "rho1"),
    "score": ("score", "file", "level"),
}


def _shape(grid, kind, params):
    """(af_shape, arrays to keep alive) for kind and its keyword parameters."""
    if kind not in _SHAPE_PARAMS:
        raise _invalid(f"shape: unknown kind {kind!r}; kinds: {', '.join(_SHAPE_PARAMS)}")
    allowed = _SHAPE_PARAMS[kind]
    for key in params:
        if key not in allowed:
            raise _invalid(f"{kind}: unknown parameter {key!r}; {kind} takes "
                           f"{', '.join(allowed)}")
    s = _lib.af_shape()
    s.kind = _lib.SHAPE_KINDS.index(kind)
    keep = []
    for key, v in params.items():
        if key in ("center", "axes", "size", "normal"):
            getattr(s, key)[:] = _pair(v, f"{kind}: {key}")
        elif key == "points":
            try:
                s.points = operator.index(v)
            except TypeError:
                raise _invalid(f"{kind}: points must be an integer, got {v!r}") from None
        elif key == "vertices":
            vert = np.ascontiguousarray(np.asarray(v, dtype=np.float64))
            if vert.ndim != 2 or vert.shape[1] != 2:
                raise _invalid(f"polygon: vertices must be an (m, 2) array of x y pairs, got "
                               f"shape {vert.shape}")
            keep.append(vert)
            s.vertices, s.nvertices = _lib.dptr(vert), vert.shape[0]
        elif key == "file":
            b = str(v).encode()
            keep.append(b)
            s.file = b
        elif key in ("rho0", "rho1"):
            rho = as_density(grid, v, key)
            keep.append(rho)
            setattr(s, key, _lib.dptr(rho))
        elif key != "score":
            setattr(s, key, _real(v, f"{kind}: {key}"))
    if kind == "png" and "threshold" not in params:
        s.threshold = 0.5
    return s, keep


def _score(grid, params):
    """The score map given as an array (kind = score, score=...), checked."""
    if "file" in params:
        raise _invalid("score: give either score (an array) or file, not both")
    score = _field(grid, params["score"], "score")
    bad = np.argwhere(~np.isfinite(score))
    if len(bad):
        j, i = bad[0]
        raise _invalid(f"score: the score map must be finite; entry [{j}, {i}] is "
                       f"{score[j, i]}")
    level = _real(params.get("level", 0.0), "score: level")
    if not math.isfinite(level):
        raise _invalid(f"score: level must be finite, got {level:g}")
    return score, level


def shape_mask(grid, kind, **params):
    """The region of a shape as a mask: 1 where the cell centre is in it (af_shape_mask).

    Kinds and parameters (lengths in box units, angles in degrees,
    counter-clockwise; center defaults to (0, 0), angle to 0; other values
    missing are refused by advflow with its message):
      circle     center, radius
      ellipse    center, axes=(a, b) semi-axes, angle
      rectangle  center, size=(width, height), angle
      star       center, radius, points, amplitude: r = radius + amplitude cos(points theta)
      dumbbell   center, radius (lobes), length (between lobe centres), neck (bar width), angle
      halfplane  normal=(nx, ny), offset: {x : normal . x <= offset |normal|}
      polygon    vertices: (m, 2) array of x y pairs, even-odd rule
      png        file, threshold (default 0.5): inside where gray > threshold
      bayes      rho0, rho1: the Bayes classifier {rho1 > rho0}
      score      score: an (n, n) array (a classifier's score map), level (default 0):
                 inside where score > level.  Computed here in numpy, exactly as
                 af_shape_mask does for a score-map file; file=PATH (.npy or .csv)
                 instead of score lets advflow read the file.
    Returns a uint8 array of 0 and 1.
    """
    if kind == "score" and "score" in params:
        score, level = _score(grid, params)
        return (score > level).astype(np.uint8)
    s, keep = _shape(grid, kind, params)
    mask = np.zeros(grid.shape, dtype=np.uint8)
    err = _err()
    _lib.check(_lib.lib.af_shape_mask(grid._ref(), byref(s), _lib.bptr(mask), byref(err)), err)
    del keep
    return mask


def shape_field(grid, kind, **params):
    """A field negative inside the shape, zero on its boundary (af_shape_field).

    For starting a level-set flow at sub-cell accuracy (pass it through
    redistance first, as flow() does): the signed distance for a circle,
    rectangle and half-plane; a smooth implicit function of about unit slope
    for an ellipse, star and dumbbell; rho0 - rho1 for bayes; level - score
    for a score map (score=array: computed here; file=PATH: read by
    advflow).  Polygons and PNG masks have no field in advflow: for them this
    returns the sub-cell signed distance of the mask (signed_distance), as
    the case files' level-set representation does (af_case_levelset); it is
    +inf everywhere for an empty mask, -inf for a full one.  Same kinds and
    parameters as shape_mask.  Returns a float64 array, length units.
    """
    if kind == "score" and "score" in params:
        score, level = _score(grid, params)
        return level - score
    if kind in ("polygon", "png"):
        return signed_distance(grid, shape_mask(grid, kind, **params))
    s, keep = _shape(grid, kind, params)
    u = np.zeros(grid.shape)
    err = _err()
    _lib.check(_lib.lib.af_shape_field(grid._ref(), byref(s), _lib.dptr(u), byref(err)), err)
    del keep
    return u


# --------------------------------------------------------------- densities
_DENSITY_PARAMS = {
    "uniform": ("value",),
    "gaussian": ("value", "center", "sigma"),
    "mixture": ("components",),
    "exp": ("value", "a"),
    "png": ("file", "scale"),
}


def density(grid, kind, **params):
    """A density field from a formula (af_density_fill, density.h).

      uniform   value (default 1)
      gaussian  value (default 1) exp(-|x - center|^2 / (2 sigma^2)); center (default 0 0), sigma
      mixture   components: (k, 4) array of rows (w, cx, cy, s): sum of w exp(-|x - c|^2 / (2 s^2))
      exp       value (default 1) exp(a . x); a = (ax, ay)
      png       file, scale (default 1): scale times the gray level (0 = black .. 1 = white)
    Densities are unnormalised.  For two classes split evenly, as a case
    file's [density] section does, use rho0 = rho1 = 0.5 * density(...);
    for densities from labelled points see kde().  Returns a float64 array.
    """
    if kind not in _DENSITY_PARAMS:
        extra = " (kde: use advflow.kde with the points)" if kind == "kde" else ""
        raise _invalid(f"density: unknown kind {kind!r}{extra}; kinds: "
                       f"{', '.join(_DENSITY_PARAMS)}")
    allowed = _DENSITY_PARAMS[kind]
    for key in params:
        if key not in allowed:
            raise _invalid(f"{kind} density: unknown parameter {key!r}; {kind} takes "
                           f"{', '.join(allowed)}")
    d = _lib.af_density()
    d.kind = _lib.DENSITY_KINDS.index(kind)
    d.value = _real(params.get("value", 1.0), f"{kind} density: value")
    d.scale = _real(params.get("scale", 1.0), f"{kind} density: scale")
    keep = []
    if "center" in params:
        d.center[:] = _pair(params["center"], "gaussian density: center")
    if "sigma" in params:
        d.sigma = _real(params["sigma"], "gaussian density: sigma")
    if "a" in params:
        d.a[:] = _pair(params["a"], "exp density: a")
    if "components" in params:
        comp = np.ascontiguousarray(np.asarray(params["components"], dtype=np.float64))
        if comp.ndim == 1 and comp.size % 4 == 0:
            comp = comp.reshape(-1, 4)
        if comp.ndim != 2 or comp.shape[1] != 4:
            raise _invalid(f"mixture density: components must be rows (w, cx, cy, sigma), "
                           f"got shape {comp.shape}")
        keep.append(comp)
        d.components, d.ncomponents = _lib.dptr(comp), comp.shape[0]
    if "file" in params:
        b = str(params["file"]).encode()
        keep.append(b)
        d.file = b
    rho = np.zeros(grid.shape)
    err = _err()
    _lib.check(_lib.lib.af_density_fill(grid._ref(), byref(d), _lib.dptr(rho), byref(err)), err)
    del keep
    return rho


def as_density(grid, rho, name="rho"):
    """Check a density given as an array: shape (n, n), every value finite and >= 0.

    The values are checked by af_density_check, whose message names the
    first bad cell ("rho0 is NaN at cell (3, 5), x = (...)"): InvalidArgument
    otherwise.  Returns the values as a C-contiguous float64 array (the same
    array when it already is one).
    """
    a = _field(grid, rho, name)
    err = _err()
    _lib.check(_lib.lib.af_density_check(grid._ref(), _lib.dptr(a), str(name).encode(),
                                         byref(err)), err)
    return a


# --------------------------------------------------- distances and contours
class _DistWork(_Handle):
    def __init__(self, grid):
        err = _err()
        ptr = _lib.check_alloc(_lib.lib.af_dist_work_alloc(grid._ref(), byref(err)), err, "dist")
        super().__init__(ptr, _lib.lib.af_dist_work_free)
        self.grid = grid

    def signed(self, mask, kind):
        s = np.empty(self.grid.shape)
        _lib.lib.af_dist_signed(self.ptr, kind, _lib.bptr(mask), _lib.dptr(s))
        return s

    def redistance(self, u):
        s = np.empty(self.grid.shape)
        err = _err()
        _lib.check(_lib.lib.af_dist_redistance(self.ptr, _lib.dptr(u), _lib.dptr(s),
                                               byref(err)), err)
        return s


def signed_distance(grid, mask, kind="subcell"):
    """Signed distance to the boundary of a mask, length units, negative inside (af_dist_signed).

    kind "subcell" (default; to the 1/2-crossings of the mask smoothed by a
    one-cell Gaussian) or "simple" (from the distance transform of cell
    centres); dist.h has their accuracy.  An empty mask gives +inf
    everywhere, a full one -inf.
    """
    m = _mask(grid, mask)
    w = _DistWork(grid)
    try:
        return w.signed(m, _choice(kind, _SDISTS, "kind"))
    finally:
        w.close()


def redistance(grid, u):
    """The signed distance of u's own zero line (af_dist_redistance).

    u: a level-set field (negative inside; no NaN).  The result keeps u's
    sign at every cell and its zero line (the marching-squares line of
    contour()), and is the distance to that line: exact within 4 cells of
    it, at most 1/(64 d) cells too far at d cells beyond.  Without a zero
    line it is +-inf.  Returns a new float64 array.
    """
    uu = _field(grid, u, "u")
    w = _DistWork(grid)
    try:
        return w.redistance(uu)
    finally:
        w.close()


class _Contour(_Handle):
    def __init__(self, grid):
        err = _err()
        ptr = _lib.check_alloc(_lib.lib.af_contour_alloc(grid._ref(), byref(err)), err,
                               "contour")
        super().__init__(ptr, _lib.lib.af_contour_free)

    def trace(self, u, level):
        err = _err()
        _lib.check(_lib.lib.af_contour_trace(self.ptr, _lib.dptr(u), level, byref(err)), err)
        m = _lib.lib.af_contour_count(self.ptr)
        seg = np.zeros((m, 4))
        if m:
            src = _lib.lib.af_contour_segments(self.ptr)
            flat = _lib.ctypes.cast(src, _lib.ctypes.POINTER(c_double))
            seg[:] = np.ctypeslib.as_array(flat, (m, 4))
        return seg, _lib.lib.af_contour_length(self.ptr)


def contour(grid, u, level=0.0):
    """The level line {u = level} by marching squares (af_contour_trace, contour.h).

    Returns (segments, length): segments an (m, 4) float64 array of rows
    (x0, y0, x1, y1) in box coordinates, each with the region {u < level} on
    its left; length their total length (af_contour_length).  For plotting:
    matplotlib.collections.LineCollection(segments.reshape(-1, 2, 2)).
    """
    uu = _field(grid, u, "u")
    c = _Contour(grid)
    try:
        return c.trace(uu, _real(level, "level"))
    finally:
        c.close()


def contour_area(grid, u, level=0.0):
    """Area of {u < level} under contour()'s rule (af_contour_area): sub-cell accurate.

    NaN if u holds a NaN or level is not finite."""
    uu = _field(grid, u, "u")
    return _lib.lib.af_contour_area(grid._ref(), _lib.dptr(uu), _real(level, "level"))


# ------------------------------------------------------- perimeter and risk
def perimeter(grid, mask, rho0, rho1, eps, norm="2"):
    """The nonlocal perimeter Per_eps of a region, and its parts (af_perimeter_eval).

    rho0, rho1: the class densities (arrays, checked), or both None for
    uniform 1/2 each, so that Per_eps is about the boundary's length
    (a circle of radius r: 2 pi r).  eps: the budget, length units, at least
    one cell.  norm: "2", "inf" or "1".

    Returns a dict: per_eps (outer + inner, normalised by w_B), outer, inner,
    per_eps_raw (normalised by eps), w_B, width_ratio, anisotropy,
    normal_gap (radians), eps, eps_cells, area; and per_local, the
    density-weighted length of the smoothed boundary (af_perimeter_local).
    """
    m = _mask(grid, mask)
    r0, r1 = _densities(grid, rho0, rho1)
    err = _err()
    p = _Handle(_lib.check_alloc(_lib.lib.af_perimeter_alloc(
        grid._ref(), _norm(norm), _real(eps, "eps"), byref(err)), err, "perimeter"),
        _lib.lib.af_perimeter_free)
    try:
        v = _lib.af_perimeter_value()
        _lib.lib.af_perimeter_eval(p.ptr, _lib.dptr(r0), _lib.dptr(r1), _lib.bptr(m), byref(v))
        out = _struct_dict(v)
        out["per_local"] = _lib.lib.af_perimeter_local(p.ptr, _lib.dptr(r0), _lib.dptr(r1),
                                                       _lib.bptr(m))
        if math.isnan(out["per_local"]):  # its buffers, allocated by this first call, failed
            raise OutOfMemory(ENOMEM, "perimeter: out of memory for the local perimeter")
        return out
    finally:
        p.close()


def risk(grid, mask, rho0, rho1, eps, norm="2"):
    """Clean and adversarial risks of a classifier on the densities (af_risk_eval, risk.h).

    mask: the region where the classifier predicts class 1.  Returns a dict:
    mass (dx^2 sum (rho0 + rho1)), clean (E |1_A - y|), adv
    (E sup_{B_eps} |1_A - y|, from the dilation and erosion), w_B and
    per_eps (as perimeter()), area.  The identity
    adv = clean + w_B per_eps / mass holds to rounding.  rho0, rho1 may both
    be None (uniform 1/2).
    """
    m = _mask(grid, mask)
    r0, r1 = _densities(grid, rho0, rho1)
    err = _err()
    r = _Handle(_lib.check_alloc(_lib.lib.af_risk_alloc(
        grid._ref(), _norm(norm), _real(eps, "eps"), byref(err)), err, "risk"),
        _lib.lib.af_risk_free)
    try:
        v = _lib.af_risk_value()
        _lib.lib.af_risk_eval(r.ptr, _lib.dptr(r0), _lib.dptr(r1), _lib.bptr(m), byref(v))
        return _struct_dict(v)
    finally:
        r.close()


# -------------------------------------------------------------------- flow
class Stepper(_Handle):
    """A plan for the minimizing-movements step (af_mm_plan, mm.h).

    One step maps A_k to the selected minimiser of
        Per_eps(A; rho0, rho1) + (1/h) sum rho |s_k|^p |1_A - 1_{A_k}| dx^2,
    solved exactly by a minimum cut.  The plan is made once (graph,
    workspaces) and each step reuses it, as FFTW's plans.

    Parameters: grid; rho0, rho1 the class densities (arrays, checked and
    copied: the plan keeps them for its lifetime), or both None for uniform
    1/2; eps the budget (length units, >= dx); eps_avg up to three further
    budgets, each in [dx, eps]: the step's perimeter is then the average of
    the Per_eps of eps and of these (af_mm_params.eps_avg; their digital
    balls' crystalline cones interleave); h the time step (default
    eps, the paper's scheme); p the fidelity exponent (default 1); norm
    "2", "inf" or "1"; selection "minimal" or "maximal"; sdist "subcell" or
    "simple" (the signed distance s_k); solver "own" or "bk";
    band_cells (initial band half-width in cells, 0 = automatic);
    full_grid (every cell a variable, for checks); ls_range and ls_tol (the
    level-set step's range and resolution, length units, 0 = 2 dx and
    dx / 64).  Invalid values raise InvalidArgument with advflow's message.

    A Stepper serves one thread at a time.  close() (or a with block) frees
    the plan at once; otherwise it is freed with the object.
    """

    def __init__(self, grid, rho0, rho1, eps, h=None, p=1.0, norm="2", selection="minimal",
                 sdist="subcell", solver="own", band_cells=0.0, full_grid=False,
                 ls_range=0.0, ls_tol=0.0, eps_avg=()):
        super().__init__(None, _lib.lib.af_mm_plan_free)
        self.grid = grid
        r0, r1 = _densities(grid, rho0, rho1)
        self.rho0, self.rho1 = _frozen(r0), _frozen(r1)
        prm = _lib.af_mm_params()
        _lib.lib.af_mm_params_default(byref(prm))
        prm.norm = _norm(norm)
        prm.eps = _real(eps, "eps")
        try:
            avg = [_real(e, "eps_avg") for e in eps_avg]
        except TypeError:
            raise _invalid(f"eps_avg must be a sequence of up to 3 budgets, got {eps_avg!r}") from None
        if len(avg) > 3:
            raise _invalid(f"eps_avg holds at most 3 budgets, got {len(avg)}")
        for k, e in enumerate(avg):
            prm.eps_avg[k] = e
        prm.h = prm.eps if h is None else _real(h, "h")
        prm.p = _real(p, "p")
        prm.selection = _choice(selection, _SELECTIONS, "selection")
        prm.sdist = _choice(sdist, _SDISTS, "sdist")
        prm.solver = _choice(solver, _SOLVERS, "solver")
        prm.full_grid = 1 if full_grid else 0
        prm.band_cells = _real(band_cells, "band_cells")
        prm.ls_range = _real(ls_range, "ls_range")
        prm.ls_tol = _real(ls_tol, "ls_tol")
        self._prm = prm
        err = _err()
        self.ptr = _lib.check_alloc(_lib.lib.af_mm_plan_create(
            grid._ref(), byref(prm), _lib.dptr(self.rho0), _lib.dptr(self.rho1), byref(err)),
            err, "mm")

    @property
    def eps(self):
        return self._prm.eps

    @property
    def h(self):
        return self._prm.h

    @property
    def params(self):
        """The plan's af_mm_params as a dict (enums as advflow's numbers)."""
        return _struct_dict(self._prm)

    def _live(self):
        if not self.ptr:
            raise _invalid("Stepper: the plan was closed")
        return self.ptr

    def step(self, mask):
        """One step of the mask representation (af_mm_plan_step).

        Returns (new_mask, stats): new_mask a uint8 array, stats a dict of
        af_mm_stats: energy, per_eps, fidelity, area (of the new mask),
        changed (cells), max_shift, band_cells, band_width, band_widenings,
        global_moves, nodes, arcs, flow, ms, solve_ms.
        """
        a = _mask(self.grid, mask)
        out = np.zeros(self.grid.shape, dtype=np.uint8)
        st = _lib.af_mm_stats()
        err = _err()
        _lib.check(_lib.lib.af_mm_plan_step(self._live(), _lib.bptr(a), _lib.bptr(out),
                                            byref(st), byref(err)), err)
        return out, _struct_dict(st)

    def step_levelset(self, u):
        """One step of the level-set representation (af_mm_plan_step_levelset).

        u: a level-set field, length units, negative inside (a signed
        distance, ideally: pass it through redistance() first; +-inf
        allowed, NaN refused).  Every sublevel set moves at once.  Returns
        (u_next, stats) with u_next the step's raw output: exact to ls_tol / 2
        where |u_next| < ls_range, cut to +-ls_range beyond, equal to u
        outside the band the step solved.  It is not redistanced: call
        redistance(grid, u_next) before the next step, as flow() does.
        stats as for step(), for the set {u_next <= 0}; changed counts cells
        whose sign changed.
        """
        uu = _field(self.grid, u, "u")
        out = np.zeros(self.grid.shape)
        st = _lib.af_mm_stats()
        err = _err()
        _lib.check(_lib.lib.af_mm_plan_step_levelset(self._live(), _lib.dptr(uu),
                                                     _lib.dptr(out), byref(st), byref(err)), err)
        return out, _struct_dict(st)

    def energy(self, ak, a):
        """E(a) for the step from ak, and its parts (af_mm_plan_energy): a dict
        with energy, per_eps and fidelity.  For checks: it computes s_k anew."""
        m0, m1 = _mask(self.grid, ak, "ak"), _mask(self.grid, a, "a")
        per, fid = c_double(), c_double()
        e = _lib.lib.af_mm_plan_energy(self._live(), _lib.bptr(m0), _lib.bptr(m1), byref(per),
                                       byref(fid))
        return {"energy": e, "per_eps": per.value, "fidelity": fid.value}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def flow(grid, start, rho0, rho1, eps, h=None, steps=10, representation="mask", **params):
    """Run the flow: an iterator of (k, t, region, stats) for k = 0, 1, ..., steps.

    k = 0 gives the start (t = 0, stats None); step k gives t = k h, the
    region A_k and the step's stats dict (Stepper.step).  The flow stops
    early after yielding a region that is empty (the set vanished), as
    `advflow run` does.  rho0, rho1, eps, h and the other keyword
    parameters (p, norm, selection, sdist, ...) are Stepper's.

    representation="mask": start is a mask; each region is a uint8 mask.
    representation="levelset": start is a level-set field (float array,
    negative inside, e.g. shape_field(...) or minus a score map), or a mask,
    which is replaced by its sub-cell signed distance; it is redistanced
    first, and each step is Stepper.step_levelset followed by redistance,
    so every region is the redistanced float64 field u_k (its region is
    u_k < 0) and stats also holds contour_area, the sub-cell area of
    {u_k < 0} (contour_area).  Exactly the computation of
    `advflow run` with [scheme] representation = levelset: the same steps
    give the same fields bit for bit, and in mask mode the same masks.
    Each yielded array is the caller's to keep or modify.

    Arguments are checked, and the plan made, when flow() is called (errors
    raise then, not at the first step); the plan is freed when the iterator
    ends or is dropped.
    """
    try:
        steps = operator.index(steps)
    except TypeError:
        raise _invalid(f"steps must be an integer, got {steps!r}") from None
    rep = _choice(representation, {"mask": "mask", "levelset": "levelset"}, "representation")
    st = Stepper(grid, rho0, rho1, eps, h, **params)
    if rep == "mask":
        return _flow_mask(st, _mask(grid, start, "start"), steps)
    s = np.asarray(start)
    w = _DistWork(grid)
    if s.dtype.kind in "biu":
        u0 = w.signed(_mask(grid, s, "start"), _lib.AF_SDIST_SUBCELL)
    else:
        u0 = _field(grid, s, "start")
    u0 = w.redistance(u0)
    return _flow_levelset(st, w, u0, steps)


def _flow_mask(st, a, steps):
    with st:
        yield 0, 0.0, a.copy(), None
        for k in range(1, steps + 1):
            if not a.any():
                return
            a, stats = st.step(a)
            yield k, k * st.h, a.copy(), stats


def _flow_levelset(st, w, u, steps):
    g = st.grid
    with st:
        try:
            yield 0, 0.0, u.copy(), None
            for k in range(1, steps + 1):
                if not (u < 0).any():
                    return
                v, stats = st.step_levelset(u)
                u = w.redistance(v)
                stats["contour_area"] = _lib.lib.af_contour_area(g._ref(), _lib.dptr(u), 0.0)
                yield k, k * st.h, u.copy(), stats
        finally:
            w.close()


def robust(grid, rho0, rho1, eps, norm="2", selection="minimal"):
    """The robust-optimal classifier: the region minimising the adversarial risk (robust.h).

    One minimum cut over the whole grid (af_robust_solve); the minimisers
    form a lattice and selection picks the smallest or the largest.  Costly
    at large n (about 1 s at n = 256, eps = 5 cells).  Returns (mask,
    figures): figures is risk() of the mask (mass, clean, adv, w_B,
    per_eps, area) with the solve's nodes, arcs, ms and risk_adv_raw, the
    unnormalised adversarial risk dx^2 sum [rho0 D1_A + rho1 (1 - E1_A)]
    the cut minimised (adv = risk_adv_raw / mass).
    """
    r0, r1 = _densities(grid, rho0, rho1)
    r0, r1 = _frozen(r0), _frozen(r1)
    nm, e = _norm(norm), _real(eps, "eps")
    err = _err()
    r = _Handle(_lib.check_alloc(_lib.lib.af_robust_alloc(
        grid._ref(), nm, e, _choice(selection, _SELECTIONS, "selection"), _lib.dptr(r0),
        _lib.dptr(r1), byref(err)), err, "robust"), _lib.lib.af_robust_free)
    try:
        mask = np.zeros(grid.shape, dtype=np.uint8)
        st = _lib.af_robust_stats()
        _lib.check(_lib.lib.af_robust_solve(r.ptr, _lib.bptr(mask), byref(st), byref(err)), err)
    finally:
        r.close()
    figures = risk(grid, mask, r0, r1, e, norm)
    figures.update(nodes=st.nodes, arcs=st.arcs, ms=st.ms, risk_adv_raw=st.risk_adv)
    return mask, figures


# ------------------------------------------------------------- data points
class _Points(_Handle):
    """An af_points filled from (m, 2) coordinates, m labels and two class weights."""

    def __init__(self, points, labels, weights=(1.0, 1.0)):
        xy = np.asarray(points, dtype=np.float64)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise _invalid(f"points: expected an (m, 2) array of x y pairs, got shape "
                           f"{xy.shape}")
        lab = np.asarray(labels)
        if lab.shape != (xy.shape[0],):
            raise _invalid(f"labels: expected {xy.shape[0]} labels (one per point), got shape "
                           f"{lab.shape}")
        if lab.size and not np.isin(lab, (0, 1)).all():
            raise _invalid("labels: every label must be 0 or 1")
        if not np.isfinite(xy).all():
            k = int(np.argwhere(~np.isfinite(xy))[0][0])
            raise _invalid(f"points: point {k + 1} is not finite: {tuple(xy[k])}")
        w = _pair(weights, "weights")
        if not all(v > 0 and math.isfinite(v) for v in w):
            raise _invalid(f"weights: class weights must be finite and > 0, got {w}")
        err = _err()
        ptr = _lib.check_alloc(_lib.lib.af_points_alloc(xy.shape[0], byref(err)), err, "points")
        super().__init__(ptr, _lib.lib.af_points_free)
        p = ptr.contents
        m = xy.shape[0]
        if m:
            np.ctypeslib.as_array(p.x, (m,))[:] = xy[:, 0]
            np.ctypeslib.as_array(p.y, (m,))[:] = xy[:, 1]
            np.ctypeslib.as_array(p.label, (m,))[:] = lab.astype(np.uint8)
        p.weight[:] = w


def generate(grid, kind="moons", count=400, noise=None, seed=1, crop=True):
    """Generated labelled points (af_points_generate, points.h): moons, blobs, circles, xor.

    The same parameters give the same points on every machine (GSL's
    MT19937); noise None is the kind's natural noise (moons 0.1, blobs 0.4,
    circles 0.05, xor 0.3), seed 1 is the case files' default.  The set is
    scaled with the box and centred in it; crop=True drops the points the
    noise threw outside the box (af_points_crop), as the case files do.
    Returns (points, labels): an (m, 2) float64 array and m uint8 labels.
    """
    kinds = {name: k for k, name in enumerate(_lib.DATA_KINDS)}
    d = _lib.af_data_gen()
    d.kind = _choice(kind, kinds, "kind")
    try:
        d.count = operator.index(count)
    except (TypeError, OverflowError):
        raise _invalid(f"count must be a non-negative integer, got {count!r}") from None
    d.noise = _lib.lib.af_data_default_noise(d.kind) if noise is None else _real(noise, "noise")
    d.seed = operator.index(seed)
    err = _err()
    p = _Handle(_lib.check_alloc(_lib.lib.af_points_generate(grid._ref(), byref(d), byref(err)),
                                 err, "points"), _lib.lib.af_points_free)
    try:
        if crop:
            _lib.lib.af_points_crop(p.ptr, grid._ref())
        q = p.ptr.contents
        m = q.count
        xy = np.empty((m, 2))
        if m:
            xy[:, 0] = np.ctypeslib.as_array(q.x, (m,))
            xy[:, 1] = np.ctypeslib.as_array(q.y, (m,))
            labels = np.ctypeslib.as_array(q.label, (m,)).copy()
        else:
            labels = np.zeros(0, dtype=np.uint8)
        return xy, labels
    finally:
        p.close()


def kde(points, labels, grid, bandwidth=None, floor=1e-3, weights=(1.0, 1.0)):
    """Class densities from labelled points by kernel density estimation (kde.h).

    points: (m, 2) coordinates in the box (a point outside is refused with
    advflow's message: drop them first); labels: m values 0 or 1; weights:
    the weight of one point of class 0 and of class 1.  bandwidth: None for
    Silverman's rule per class (af_kde_silverman), a number for both
    classes, or a pair (b0, b1); length units.  Each class keeps its share
    of the total weight, so rho0 + rho1 integrates to 1 over the box.
    floor: the relative mass of a uniform background added to both (split
    evenly), as the case files' [density] kind = kde does (default 1e-3,
    AF_CASE_KDE_FLOOR; docs/design.md says why the flow wants it); 0 for
    the bare estimates.  Returns (rho0, rho1), float64 arrays.
    """
    floor = _real(floor, "floor")
    if not (floor >= 0 and math.isfinite(floor)):
        raise _invalid(f"floor must be finite and >= 0, got {floor:g}")
    if bandwidth is None:
        bws = (None, None)
    elif np.ndim(bandwidth) == 0:
        bws = (_real(bandwidth, "bandwidth"),) * 2
    else:
        bws = _pair(bandwidth, "bandwidth")
    pts = _Points(points, labels, weights)
    err = _err()
    k = _Handle(_lib.check_alloc(_lib.lib.af_kde_alloc(grid._ref(), byref(err)), err, "kde"),
                _lib.lib.af_kde_free)
    try:
        rho = []
        for label in (0, 1):
            b = bws[label]
            if b is None:
                b = _lib.lib.af_kde_silverman(pts.ptr, label)
                if not b > 0:
                    raise _invalid(f"kde: the points of class {label} have no spread (or fewer "
                                   f"than two), so Silverman's rule gives no bandwidth: give "
                                   f"bandwidth")
            r = np.zeros(grid.shape)
            _lib.check(_lib.lib.af_kde_fill(k.ptr, pts.ptr, label, b, _lib.dptr(r), byref(err)),
                       err)
            rho.append(r)
    finally:
        k.close()
        pts.close()
    bg = 0.5 * floor / ((grid.hi - grid.lo) ** 2)  # as the case layer: rho += bg
    return rho[0] + bg, rho[1] + bg


def risk_points(grid, mask, points, labels, eps, norm="2", weights=(1.0, 1.0)):
    """Clean and adversarial risks of a classifier on labelled points (af_risk_points).

    A point is misclassified when its cell's label differs from its own,
    attacked when its exact eps-ball (in the norm) meets a cell of the other
    label.  Returns a dict: weight (total), clean and adv (weighted
    fractions), n_clean and n_adv (counts).  Points must lie in the box.
    """
    m = _mask(grid, mask)
    pts = _Points(points, labels, weights)
    err = _err()
    r = _Handle(_lib.check_alloc(_lib.lib.af_risk_alloc(
        grid._ref(), _norm(norm), _real(eps, "eps"), byref(err)), err, "risk"),
        _lib.lib.af_risk_free)
    try:
        v = _lib.af_risk_points_value()
        _lib.check(_lib.lib.af_risk_points(r.ptr, pts.ptr, _lib.bptr(m), byref(v), byref(err)),
                   err)
        return _struct_dict(v)
    finally:
        r.close()
        pts.close()


def points_bound(grid, points, labels, eps, norm="2", weights=(1.0, 1.0)):
    """The smallest adversarial risk any classifier can have on the points
    (af_risk_points_bound: a minimum vertex cover of the conflict graph).

    Returns (bound, conflicts): the weighted fraction and the number of
    conflicting pairs (points of different labels whose eps-balls meet).
    """
    pts = _Points(points, labels, weights)
    try:
        bound, conflicts = c_double(), c_size_t()
        err = _err()
        _lib.check(_lib.lib.af_risk_points_bound(grid._ref(), _norm(norm), _real(eps, "eps"),
                                                 pts.ptr, byref(bound), byref(conflicts),
                                                 byref(err)), err)
        return bound.value, conflicts.value
    finally:
        pts.close()
