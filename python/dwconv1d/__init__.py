"""dwconv1d: Keras 3's DepthwiseConv1D computed by a SIMD C library, from numpy.

    import dwconv1d
    layer = dwconv1d.load_layer("model.keras", "dw")   # config and weights from Keras
    y = layer(x)                                        # x: float32 (batch, steps, channels)

The package is pure Python over the shared library libdwconv1d (ctypes),
found through DWCONV1D_LIBRARY, next to this package, or by the system's
linker search. See docs/PYTHON.md in the source tree.
"""

from ._native import library_path
from ._native import lib as _lib
from .initializers import Initializer, set_random_seed
from .isa import active_isa, isa_names, reset_isa, set_isa, supported_isas
from .layer import DepthwiseConv1D
from .saving import list_layers, load_layer, read_weights

__version__ = "0.1.0"

__all__ = [
    "DepthwiseConv1D", "load_layer", "list_layers", "read_weights", "Initializer",
    "set_random_seed", "isa_names", "supported_isas", "active_isa", "set_isa", "reset_isa",
    "library_version", "library_path",
]


def library_version():
    """The version of the C library in use ("0.1.0")."""
    return _lib.dwconv1d_version().decode()
