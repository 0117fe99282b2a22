# advflow: the ctypes layer -- loading libadvflow.so, the C structs mirrored
# field by field, the prototypes, and af_status -> exceptions.
# GPL-3.0-or-later.
#
# The structs below mirror include/advflow/*.h exactly (same field order and
# C types; enums are int on every ABI advflow builds for).  ctypes lays them
# out with the platform C compiler's rules, so the mirrors stay right as long
# as the headers do not change; python/tests/test_structs.py checks every
# size and offset against the C compiler when one is available, and checks
# behaviour (values the library writes read back where they should) always.
# When a header's struct changes, change its mirror here in the same commit.

import ctypes
import ctypes.util
import os
from ctypes import (POINTER, Structure, c_char, c_char_p, c_double, c_int,
                    c_longlong, c_size_t, c_uint8, c_ulong, c_void_p)

_c_double_p = POINTER(c_double)
_c_uint8_p = POINTER(c_uint8)

# ---------------------------------------------------------------- status.h
AF_OK, AF_EINVAL, AF_ENOMEM, AF_EIO, AF_EFORMAT, AF_EUNSUP, AF_EFAILED, AF_ETOOBIG, AF_EINTR = range(9)
AF_ERROR_MSG_MAX = 512


class af_error(Structure):
    _fields_ = [("status", c_int), ("msg", c_char * AF_ERROR_MSG_MAX)]


# ------------------------------------------------------------------ grid.h
AF_EDGE_CLAMP, AF_EDGE_PERIODIC = 0, 1


class af_grid(Structure):
    _fields_ = [("dim", c_int), ("n", c_int), ("lo", c_double), ("hi", c_double),
                ("dx", c_double), ("edge", c_int)]


# ------------------------------------------------------------------ ball.h
AF_NORM_2, AF_NORM_INF, AF_NORM_1 = 2, 0, 1

# ------------------------------------------------------------------ dist.h
AF_SDIST_SUBCELL, AF_SDIST_SIMPLE = 0, 1

# ----------------------------------------------------------------- shape.h
SHAPE_KINDS = ("circle", "ellipse", "rectangle", "star", "dumbbell", "halfplane",
               "polygon", "png", "bayes", "score")  # af_shape_kind, in order


class af_shape(Structure):
    _fields_ = [("kind", c_int), ("center", c_double * 2), ("radius", c_double),
                ("axes", c_double * 2), ("size", c_double * 2), ("angle", c_double),
                ("points", c_int), ("amplitude", c_double), ("length", c_double),
                ("neck", c_double), ("normal", c_double * 2), ("offset", c_double),
                ("vertices", _c_double_p), ("nvertices", c_int), ("file", c_char_p),
                ("threshold", c_double), ("rho0", _c_double_p), ("rho1", _c_double_p),
                ("level", c_double)]


# --------------------------------------------------------------- density.h
DENSITY_KINDS = ("uniform", "gaussian", "mixture", "exp", "png", "kde")  # af_density_kind


class af_density(Structure):
    _fields_ = [("kind", c_int), ("value", c_double), ("center", c_double * 2),
                ("sigma", c_double), ("components", _c_double_p), ("ncomponents", c_int),
                ("a", c_double * 2), ("file", c_char_p), ("scale", c_double),
                ("bandwidth", c_double), ("floor", c_double)]


# ------------------------------------------------------------- perimeter.h
class af_perimeter_value(Structure):
    _fields_ = [(name, c_double) for name in (
        "eps", "eps_cells", "w_B", "width_ratio", "anisotropy", "normal_gap", "per_eps",
        "outer", "inner", "per_eps_raw", "area")]


# -------------------------------------------------------------------- mm.h
AF_SELECT_MINIMAL, AF_SELECT_MAXIMAL = 0, 1
AF_MM_SOLVER_OWN, AF_MM_SOLVER_BK = 0, 1


class af_mm_params(Structure):
    _fields_ = [("norm", c_int), ("eps", c_double), ("eps_avg", c_double * 3),
                ("h", c_double), ("p", c_double),
                ("selection", c_int), ("sdist", c_int), ("solver", c_int),
                ("full_grid", c_int), ("band_cells", c_double), ("ls_range", c_double),
                ("ls_tol", c_double),
                ("interrupt", c_void_p)]  # a flag for C signal handlers: NULL here


class af_mm_stats(Structure):
    _fields_ = [("band_cells", c_int), ("band_widenings", c_int), ("global_moves", c_int),
                ("band_width", c_double), ("nodes", c_int), ("arcs", c_longlong),
                ("flow", c_double), ("changed", c_int), ("energy", c_double),
                ("per_eps", c_double), ("fidelity", c_double), ("area", c_double),
                ("max_shift", c_double), ("ms", c_double), ("solve_ms", c_double)]


# ---------------------------------------------------------------- points.h
DATA_KINDS = ("moons", "blobs", "circles", "xor")  # af_data_kind


class af_points(Structure):
    _fields_ = [("count", c_size_t), ("x", _c_double_p), ("y", _c_double_p),
                ("label", _c_uint8_p), ("weight", c_double * 2)]


class af_data_gen(Structure):
    _fields_ = [("kind", c_int), ("count", c_size_t), ("noise", c_double), ("seed", c_ulong)]


# ------------------------------------------------------------------ risk.h
class af_risk_value(Structure):
    _fields_ = [(name, c_double) for name in ("mass", "clean", "adv", "w_B", "per_eps", "area")]


class af_risk_points_value(Structure):
    _fields_ = [("weight", c_double), ("clean", c_double), ("adv", c_double),
                ("n_clean", c_size_t), ("n_adv", c_size_t)]


# ---------------------------------------------------------------- robust.h
class af_robust_stats(Structure):
    _fields_ = [("nodes", c_int), ("arcs", c_longlong), ("risk_adv", c_double),
                ("ms", c_double)]


# --------------------------------------------------------------- contour.h
class af_segment(Structure):
    _fields_ = [("x0", c_double), ("y0", c_double), ("x1", c_double), ("y1", c_double)]


# Every mirrored struct, by its C name (for the layout test).
STRUCTS = {cls.__name__: cls for cls in (
    af_error, af_grid, af_shape, af_density, af_perimeter_value, af_mm_params,
    af_mm_stats, af_points, af_data_gen, af_risk_value, af_risk_points_value,
    af_robust_stats, af_segment)}


# ------------------------------------------------------------------ loading
def _candidates():
    """Where libadvflow.so is looked for, in order."""
    env = os.environ.get("ADVFLOW_LIB")
    if env:
        return [env]  # the caller said which: nothing else
    here = os.path.dirname(os.path.abspath(__file__))
    found = [os.path.normpath(os.path.join(here, os.pardir, os.pardir, "build",
                                           "libadvflow.so"))]
    found = [p for p in found if os.path.exists(p)]
    found.append("libadvflow.so.0")  # installed: the dynamic loader's search path
    name = ctypes.util.find_library("advflow")
    if name:
        found.append(name)
    return found


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise ImportError("advflow: cannot load libadvflow.so (build it with `make`, install it "
                      "with `make install`, or name it in ADVFLOW_LIB); tried: "
                      + "; ".join(tried))


lib, path = _load()

# -------------------------------------------------------------- prototypes
_P = POINTER
_E = _P(af_error)
_G = _P(af_grid)
_PROTOS = {
    # status.h, advflow.h
    "af_strerror": (c_char_p, [c_int]),
    "af_version": (c_char_p, []),
    # threads.h
    "af_threads_set": (None, [c_int]),
    "af_threads_get": (c_int, []),
    "af_threads_cores": (c_int, []),
    # grid.h
    "af_grid_init": (c_int, [_G, c_int, c_int, c_double, c_double, c_int, _E]),
    # shape.h
    "af_shape_mask": (c_int, [_G, _P(af_shape), _c_uint8_p, _E]),
    "af_shape_field": (c_int, [_G, _P(af_shape), _c_double_p, _E]),
    # density.h
    "af_density_fill": (c_int, [_G, _P(af_density), _c_double_p, _E]),
    "af_density_check": (c_int, [_G, _c_double_p, c_char_p, _E]),
    # dist.h
    "af_dist_work_alloc": (c_void_p, [_G, _E]),
    "af_dist_work_free": (None, [c_void_p]),
    "af_dist_signed": (None, [c_void_p, c_int, _c_uint8_p, _c_double_p]),
    "af_dist_redistance": (c_int, [c_void_p, _c_double_p, _c_double_p, _E]),
    # contour.h
    "af_contour_alloc": (c_void_p, [_G, _E]),
    "af_contour_free": (None, [c_void_p]),
    "af_contour_trace": (c_int, [c_void_p, _c_double_p, c_double, _E]),
    "af_contour_count": (c_size_t, [c_void_p]),
    "af_contour_segments": (_P(af_segment), [c_void_p]),
    "af_contour_length": (c_double, [c_void_p]),
    "af_contour_area": (c_double, [_G, _c_double_p, c_double]),
    # perimeter.h
    "af_perimeter_alloc": (c_void_p, [_G, c_int, c_double, _E]),
    "af_perimeter_free": (None, [c_void_p]),
    "af_perimeter_eval": (None, [c_void_p, _c_double_p, _c_double_p, _c_uint8_p,
                                 _P(af_perimeter_value)]),
    "af_perimeter_local": (c_double, [c_void_p, _c_double_p, _c_double_p, _c_uint8_p]),
    # mm.h
    "af_mm_params_default": (None, [_P(af_mm_params)]),
    "af_mm_plan_create": (c_void_p, [_G, _P(af_mm_params), _c_double_p, _c_double_p, _E]),
    "af_mm_plan_free": (None, [c_void_p]),
    "af_mm_plan_step": (c_int, [c_void_p, _c_uint8_p, _c_uint8_p, _P(af_mm_stats), _E]),
    "af_mm_plan_step_levelset": (c_int, [c_void_p, _c_double_p, _c_double_p,
                                         _P(af_mm_stats), _E]),
    "af_mm_plan_energy": (c_double, [c_void_p, _c_uint8_p, _c_uint8_p, _c_double_p,
                                     _c_double_p]),
    # points.h
    "af_points_alloc": (_P(af_points), [c_size_t, _E]),
    "af_points_free": (None, [_P(af_points)]),
    "af_points_generate": (_P(af_points), [_G, _P(af_data_gen), _E]),
    "af_data_default_noise": (c_double, [c_int]),
    "af_points_crop": (c_size_t, [_P(af_points), _G]),
    # kde.h
    "af_kde_alloc": (c_void_p, [_G, _E]),
    "af_kde_free": (None, [c_void_p]),
    "af_kde_silverman": (c_double, [_P(af_points), c_int]),
    "af_kde_fill": (c_int, [c_void_p, _P(af_points), c_int, c_double, _c_double_p, _E]),
    # risk.h
    "af_risk_alloc": (c_void_p, [_G, c_int, c_double, _E]),
    "af_risk_free": (None, [c_void_p]),
    "af_risk_eval": (None, [c_void_p, _c_double_p, _c_double_p, _c_uint8_p,
                            _P(af_risk_value)]),
    "af_risk_points": (c_int, [c_void_p, _P(af_points), _c_uint8_p,
                               _P(af_risk_points_value), _E]),
    "af_risk_points_bound": (c_int, [_G, c_int, c_double, _P(af_points), _c_double_p,
                                     _P(c_size_t), _E]),
    # robust.h
    "af_robust_alloc": (c_void_p, [_G, c_int, c_double, c_int, _c_double_p, _c_double_p, _E]),
    "af_robust_free": (None, [c_void_p]),
    "af_robust_solve": (c_int, [c_void_p, _c_uint8_p, _P(af_robust_stats), _E]),
}
for _name, (_res, _args) in _PROTOS.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args
del _name, _res, _args, _f


def version():
    """The loaded library's version, af_version() ("MAJOR.MINOR.PATCH")."""
    return lib.af_version().decode()


# ------------------------------------------------------------------ errors
class Error(RuntimeError):
    """An advflow call failed: af_status != AF_OK.

    ``status`` is the af_status value (an int: advflow.EINVAL, ...),
    ``status_name`` af_strerror's text, and ``str(e)`` advflow's own
    one-line message from af_error (the parameter, file or cell at fault)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.status_name = lib.af_strerror(status).decode()
        self.message = message


class InvalidArgument(Error, ValueError):
    """AF_EINVAL: an argument or input value is out of range, NaN or
    inconsistent (also raised, with status AF_EINVAL, for arrays of the
    wrong shape before advflow is called).  A ValueError as well."""


class OutOfMemory(Error, MemoryError):
    """AF_ENOMEM: an allocation failed."""


class TooBig(Error, ValueError):
    """AF_ETOOBIG: a size beyond what advflow accepts (a grid of more than
    2^30 cells), refused before anything is allocated.  A ValueError as
    well: the argument, not the machine, is the problem."""


def raise_error(status, message):
    if status == AF_EINVAL:
        raise InvalidArgument(status, message)
    if status == AF_ENOMEM:
        raise OutOfMemory(status, message)
    if status == AF_ETOOBIG:
        raise TooBig(status, message)
    raise Error(status, message)


def message(err):
    return err.msg.decode("utf-8", "replace")


def check(status, err):
    """Raise the exception for status, with err's message, unless AF_OK."""
    if status != AF_OK:
        raise_error(status, message(err) or lib.af_strerror(status).decode())


def check_alloc(ptr, err, what):
    """An _alloc returned ptr: raise with err's message when it is NULL."""
    if not ptr:
        status = err.status if err.status != AF_OK else AF_ENOMEM
        raise_error(status, message(err) or f"{what}: out of memory")
    return ptr


def dptr(a):
    """A float64 C-contiguous numpy array as double * (the array must outlive the call)."""
    return a.ctypes.data_as(_c_double_p)


def bptr(a):
    """A uint8 C-contiguous numpy array as uint8_t *."""
    return a.ctypes.data_as(_c_uint8_p)
