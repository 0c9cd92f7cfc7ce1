"""Keras initializers by name or by their serialized config, drawn by the C library.

An initializer is given as Keras gives it: a name ("glorot_uniform",
"GlorotUniform", ...), a serialized dict ({"class_name": "RandomNormal",
"config": {"stddev": 0.1, "seed": 3}}), a Keras initializer object (anything
with get_config()), or None for the layer's default. Only the distributions
match Keras, not its random streams.
"""

import ctypes
import math
import numbers
import random

import numpy as np

from . import _native

__all__ = ["get", "serialize", "set_random_seed", "Initializer"]

# Keras's class for each name the C library knows (for get_config()).
_CLASS_NAMES = {
    "zeros": "Zeros", "zero": "Zeros", "ones": "Ones", "one": "Ones",
    "constant": "Constant", "random_normal": "RandomNormal", "normal": "RandomNormal",
    "random_uniform": "RandomUniform", "uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal", "variance_scaling": "VarianceScaling",
    "glorot_uniform": "GlorotUniform", "glorot_normal": "GlorotNormal",
    "he_normal": "HeNormal", "he_uniform": "HeUniform",
    "lecun_normal": "LecunNormal", "lecun_uniform": "LecunUniform",
    "orthogonal": "Orthogonal", "OrthogonalInitializer": "Orthogonal",
}

# The config keys each class takes (Keras 3's get_config()), seed aside.
_PARAMETERS = {
    "Zeros": (), "Ones": (), "Constant": ("value",),
    "RandomNormal": ("mean", "stddev"), "TruncatedNormal": ("mean", "stddev"),
    "RandomUniform": ("minval", "maxval"),
    "VarianceScaling": ("scale", "mode", "distribution", "input_axes", "output_axes"),
    "GlorotUniform": ("input_axes", "output_axes"), "GlorotNormal": ("input_axes", "output_axes"),
    "HeNormal": ("input_axes", "output_axes"), "HeUniform": ("input_axes", "output_axes"),
    "LecunNormal": ("input_axes", "output_axes"), "LecunUniform": ("input_axes", "output_axes"),
    "Orthogonal": ("gain",),
}
_UNSEEDED = ("Zeros", "Ones", "Constant")

# Seeds for initializers created without one; set_random_seed() makes them reproducible.
_seed_source = random.Random()


def set_random_seed(seed):
    """Makes the seeds of initializers created without one reproducible from now on."""
    _seed_source.seed(seed)


def _class_name(name):
    if name in _PARAMETERS:
        return name
    if name in _CLASS_NAMES:
        return _CLASS_NAMES[name]
    # Let the library refuse it with its message (unknown, identity, stft).
    _from_name(name)
    raise ValueError(f"initializer: unknown initializer name {name!r}")


def _from_name(name):
    init = _native.Initializer()
    _native.check(_native.lib.dwconv1d_initializer_from_name(name.encode(), ctypes.byref(init)))
    return init


def _number(key, value):
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        value = value.get("config", {}).get("value")
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray, np.generic)):
        raise ValueError(f"initializer: {key} must be a number, got {value!r}")
    array = np.asarray(value, dtype=np.float64)
    if array.size != 1:
        raise ValueError(f"initializer: {key} must be a scalar, got shape {array.shape}")
    return float(array.reshape(()))


def _name_of(table, value):
    return next(name for name, v in table.items() if v == value)


def _seed(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"initializer: seed must be an int or None, got {value!r}")
    return int(value)


class Initializer:
    """One Keras initializer: its class name and its config, as Keras serializes it."""

    def __init__(self, class_name, config=None):
        self.class_name = _class_name(class_name)
        config = dict(config or {})
        self.seed = _seed(config.pop("seed", None))
        if self.class_name in _UNSEEDED and self.seed is not None:
            raise ValueError(f"initializer: {self.class_name} takes no seed")
        allowed = _PARAMETERS[self.class_name]
        unknown = sorted(set(config) - set(allowed))
        if unknown:
            raise ValueError(f"initializer: {self.class_name} has no argument "
                             f"{', '.join(unknown)} (it takes {', '.join(allowed) or 'none'})")
        self.config = config
        self._native = self._to_native()
        # Keras draws a seed when created without one, so one initializer
        # object gives the same values at every call; so does this one.
        self._draw_seed = self.seed if self.seed is not None else _seed_source.getrandbits(64)

    def with_default_seed(self, seed):
        """This initializer drawing from `seed` if it is random and has no seed of its own."""
        if self.seed is not None or self.class_name in _UNSEEDED:
            return self
        return Initializer(self.class_name, {**self.config, "seed": seed})

    def _to_native(self):
        init = _from_name(self.class_name)
        c = self.config
        for key in ("value", "mean", "stddev", "minval", "maxval", "scale", "gain"):
            if c.get(key) is not None:
                setattr(init, key, _number(key, c[key]))
        if c.get("mode") is not None:
            if c["mode"] not in _native.FAN_MODES:
                raise ValueError(f"initializer: mode must be one of fan_in, fan_out, fan_avg, "
                                 f"got {c['mode']!r}")
            init.mode = _native.FAN_MODES[c["mode"]]
        if c.get("distribution") is not None:
            distribution = str(c["distribution"]).lower()
            distribution = "truncated_normal" if distribution == "normal" else distribution
            if distribution not in _native.SCALING_DISTRIBUTIONS:
                raise ValueError("initializer: distribution must be one of truncated_normal, "
                                 f"untruncated_normal, uniform, got {c['distribution']!r}")
            init.distribution = _native.SCALING_DISTRIBUTIONS[distribution]
        return init

    def _fans(self, shape):
        """Keras's fans from input_axes/output_axes when both are given, else 0, 0."""
        axes_in, axes_out = self.config.get("input_axes"), self.config.get("output_axes")
        if axes_in is None or axes_out is None:
            return 0, 0
        try:
            return (math.prod(shape[a] for a in axes_in), math.prod(shape[a] for a in axes_out))
        except (IndexError, TypeError) as e:
            raise ValueError(f"initializer: input_axes {axes_in!r} and output_axes "
                             f"{axes_out!r} do not fit shape {tuple(shape)}") from e

    def __call__(self, shape, dtype=None):
        """A new float32 array of `shape` drawn as Keras's initializer draws it."""
        if dtype is not None and np.dtype(dtype) != np.float32:
            raise ValueError(f"initializer: only float32 is supported, got dtype {dtype!r}")
        shape = tuple(int(d) for d in shape)
        if any(d < 0 for d in shape):
            raise ValueError(f"initializer: shape must not be negative, got {shape}")
        init = _native.Initializer.from_buffer_copy(self._native)
        init.fan_in, init.fan_out = self._fans(shape)
        out = np.empty(shape, dtype=np.float32)
        dims = (ctypes.c_size_t * max(len(shape), 1))(*shape)
        _native.check(_native.lib.dwconv1d_initializer_fill(
            ctypes.byref(init), dims, len(shape), self._draw_seed % 2**64,
            _native.float_pointer(out)))
        return out

    def get_config(self):
        """The config Keras's get_config() gives for this class and these parameters."""
        n = self._native
        values = {
            "value": n.value, "mean": n.mean, "stddev": n.stddev, "minval": n.minval,
            "maxval": n.maxval, "scale": n.scale, "gain": n.gain,
            "mode": _name_of(_native.FAN_MODES, n.mode),
            "distribution": _name_of(_native.SCALING_DISTRIBUTIONS, n.distribution),
            "input_axes": self.config.get("input_axes"),
            "output_axes": self.config.get("output_axes"),
        }
        config = {key: values[key] for key in _PARAMETERS[self.class_name]}
        if self.class_name not in _UNSEEDED:
            config = {"seed": self.seed, **config}
        return config

    def __repr__(self):
        return f"Initializer({self.class_name!r}, {self.get_config()!r})"


def get(identifier, default):
    """An Initializer from a name, a serialized dict, a Keras initializer object, or None."""
    if identifier is None:
        identifier = default
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        return Initializer(identifier)
    if isinstance(identifier, dict):
        if "class_name" not in identifier:
            raise ValueError(f"initializer: a dict needs 'class_name', got {identifier!r}")
        module = identifier.get("module")
        if module not in (None, "keras.initializers", "keras.src.initializers"):
            raise ValueError(f"initializer: {identifier['class_name']} from module {module!r} "
                             "is not a Keras initializer")
        return Initializer(identifier["class_name"], identifier.get("config"))
    if hasattr(identifier, "get_config"):  # a Keras initializer object
        return Initializer(type(identifier).__name__, identifier.get_config())
    raise ValueError(f"initializer: cannot interpret {identifier!r} (give a name, a Keras "
                     "initializer config dict or a Keras initializer)")


def serialize(initializer):
    """The dict Keras's keras.initializers.serialize() writes."""
    return {"module": "keras.initializers", "class_name": initializer.class_name,
            "config": initializer.get_config(), "registered_name": None}
