"""Instruction-set paths: which exist, which this CPU runs, which new layers use."""

import ctypes

from . import _native

__all__ = ["isa_names", "supported_isas", "active_isa", "set_isa", "reset_isa"]


def isa_names():
    """Every path the library knows, supported here or not."""
    return list(_native.ISAS)


def supported_isas():
    """The paths this build contains and this CPU and OS can run, slowest first."""
    return [name for name, code in _native.ISAS.items()
            if _native.lib.dwconv1d_isa_supported(code)]


def check_name(name):
    """`name` lower-cased if it names a path this CPU runs; ValueError otherwise."""
    key = name.lower() if isinstance(name, str) else None
    if key not in _native.ISAS:
        raise ValueError(f"isa must be one of {', '.join(_native.ISAS)}, got {name!r}")
    if not _native.lib.dwconv1d_isa_supported(_native.ISAS[key]):
        raise ValueError(f"isa {key!r} cannot run on this CPU; it runs "
                         f"{', '.join(supported_isas())}")
    return key


def active_isa():
    """The path a layer created now without isa= would use (DWCONV1D_ISA, set_isa, or auto)."""
    code = ctypes.c_int()
    _native.check(_native.lib.dwconv1d_active_isa(ctypes.byref(code)))
    return _native.lib.dwconv1d_isa_name(code.value).decode()


def set_isa(name):
    """Forces `name` for every layer created from now on in this process (the C
    library's dwconv1d_set_isa); layers that exist keep theirs."""
    key = check_name(name)
    with _native.isa_lock:
        _native.check(_native.lib.dwconv1d_set_isa(_native.ISAS[key]))
        _native.forced_isa = key


def reset_isa():
    """Undoes set_isa(): new layers follow DWCONV1D_ISA again, or pick the fastest path."""
    with _native.isa_lock:
        _native.lib.dwconv1d_reset_isa()
        _native.forced_isa = None


def restore_process_isa():
    """Puts back the process-wide choice after a layer's own isa= (lock held)."""
    if _native.forced_isa is None:
        _native.lib.dwconv1d_reset_isa()
    else:
        _native.check(_native.lib.dwconv1d_set_isa(_native.ISAS[_native.forced_isa]))
