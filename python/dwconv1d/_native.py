"""The C library through ctypes: finding it, its structs and prototypes, errors."""

import ctypes
import ctypes.util
import os
import threading

__all__ = ["lib", "library_path", "check", "Params", "Initializer"]

LIBRARY_ENV = "DWCONV1D_LIBRARY"
_PACKAGED_NAMES = ("libdwconv1d.so", "libdwconv1d.so.0", "libdwconv1d.dylib", "dwconv1d.dll")

# dwconv1d_status
OK, INVALID_ARGUMENT, UNSUPPORTED_ISA, OUT_OF_MEMORY = 0, 1, 2, 3

# The enums' values, as include/dwconv1d.h numbers them.
PADDINGS = {"valid": 0, "same": 1, "causal": 2}
DATA_FORMATS = {"channels_last": 0, "channels_first": 1}
ISAS = {"scalar": 0, "sse4": 1, "avx2": 2, "avx512": 3, "neon": 4}
INITIALIZER_KINDS = {
    "constant": 0, "random_normal": 1, "random_uniform": 2,
    "truncated_normal": 3, "variance_scaling": 4, "orthogonal": 5,
}
FAN_MODES = {"fan_in": 0, "fan_out": 1, "fan_avg": 2}
SCALING_DISTRIBUTIONS = {"truncated_normal": 0, "untruncated_normal": 1, "uniform": 2}


def _candidates():
    """Where the library may be, in the order they are tried."""
    explicit = os.environ.get(LIBRARY_ENV)
    if explicit:
        return [explicit], True
    here = os.path.dirname(os.path.abspath(__file__))
    found = [os.path.join(here, n) for n in _PACKAGED_NAMES
             if os.path.exists(os.path.join(here, n))]
    system = ctypes.util.find_library("dwconv1d")
    if system:
        found.append(system)
    return found, False


def _load():
    paths, explicit = _candidates()
    errors = []
    for path in paths:
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            if explicit:
                raise ImportError(f"{LIBRARY_ENV}={path}: cannot load the dwconv1d library: "
                                  f"{e}") from e
            errors.append(f"{path}: {e}")
    raise ImportError(
        "cannot find the dwconv1d shared library (libdwconv1d.so): set "
        f"{LIBRARY_ENV} to its path, put it next to the dwconv1d package, or install it "
        "where the system linker finds it" + ("; tried " + "; ".join(errors) if errors else ""))


lib, library_path = _load()


class Params(ctypes.Structure):
    """dwconv1d_params."""
    _fields_ = [
        ("kernel_size", ctypes.c_size_t),
        ("strides", ctypes.c_size_t),
        ("padding", ctypes.c_int),
        ("depth_multiplier", ctypes.c_size_t),
        ("data_format", ctypes.c_int),
        ("dilation_rate", ctypes.c_size_t),
        ("activation", ctypes.c_int),
        ("use_bias", ctypes.c_bool),
    ]


class Initializer(ctypes.Structure):
    """dwconv1d_initializer."""
    _fields_ = [
        ("kind", ctypes.c_int),
        ("value", ctypes.c_double),
        ("mean", ctypes.c_double),
        ("stddev", ctypes.c_double),
        ("minval", ctypes.c_double),
        ("maxval", ctypes.c_double),
        ("scale", ctypes.c_double),
        ("mode", ctypes.c_int),
        ("distribution", ctypes.c_int),
        ("fan_in", ctypes.c_size_t),
        ("fan_out", ctypes.c_size_t),
        ("gain", ctypes.c_double),
    ]


_size_p = ctypes.POINTER(ctypes.c_size_t)
_float_p = ctypes.POINTER(ctypes.c_float)
_status = ctypes.c_int

_PROTOTYPES = {
    "dwconv1d_version": (ctypes.c_char_p, []),
    "dwconv1d_last_error": (ctypes.c_char_p, []),
    "dwconv1d_activation_from_name": (_status, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
    "dwconv1d_activation_name": (ctypes.c_char_p, [ctypes.c_int]),
    "dwconv1d_params_validate": (_status, [ctypes.POINTER(Params)]),
    "dwconv1d_output_shape": (_status, [ctypes.POINTER(Params), ctypes.c_size_t,
                                        ctypes.c_size_t, ctypes.c_size_t, _size_p]),
    "dwconv1d_isa_supported": (ctypes.c_bool, [ctypes.c_int]),
    "dwconv1d_isa_name": (ctypes.c_char_p, [ctypes.c_int]),
    "dwconv1d_set_isa": (_status, [ctypes.c_int]),
    "dwconv1d_reset_isa": (None, []),
    "dwconv1d_active_isa": (_status, [ctypes.POINTER(ctypes.c_int)]),
    "dwconv1d_layer_create": (_status, [ctypes.POINTER(Params), ctypes.c_size_t, _float_p,
                                        _float_p, ctypes.POINTER(ctypes.c_void_p)]),
    "dwconv1d_layer_forward": (_status, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t,
                                         _float_p, _float_p]),
    "dwconv1d_layer_isa": (ctypes.c_int, [ctypes.c_void_p]),
    "dwconv1d_layer_destroy": (None, [ctypes.c_void_p]),
    "dwconv1d_initializer_from_name": (_status, [ctypes.c_char_p, ctypes.POINTER(Initializer)]),
    "dwconv1d_initializer_fill": (_status, [ctypes.POINTER(Initializer), _size_p,
                                            ctypes.c_size_t, ctypes.c_uint64, _float_p]),
}

for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    try:
        _function = getattr(lib, _name)
    except AttributeError as e:
        raise ImportError(f"{library_path} has no {_name}: the dwconv1d library is older "
                          "than this Python package") from e
    _function.restype = _restype
    _function.argtypes = _argtypes


def last_error():
    return lib.dwconv1d_last_error().decode("utf-8", "replace")


def check(status):
    """Raises the library's message for a failed status (same thread as the call)."""
    if status == OK:
        return
    message = last_error()
    if status == OUT_OF_MEMORY:
        raise MemoryError(message)
    raise ValueError(message)


# dwconv1d_set_isa is process-wide; a layer's own ISA is applied around its
# creation under this lock, and the process-wide choice put back.
isa_lock = threading.Lock()
forced_isa = None  # the name given to dwconv1d.set_isa(), or None


def float_pointer(array):
    return array.ctypes.data_as(_float_p)
