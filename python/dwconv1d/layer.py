"""DepthwiseConv1D: Keras's layer (arguments, weights, config) over the C library."""

import ctypes
import itertools
import numbers

import numpy as np

from . import _native
from . import initializers
from . import isa as isa_module

__all__ = ["DepthwiseConv1D"]

_layer_counter = itertools.count()

# Keras's DepthwiseConv1D arguments and their defaults, in Keras's order.
_DEFAULTS = {
    "strides": 1, "padding": "valid", "depth_multiplier": 1, "data_format": None,
    "dilation_rate": 1, "activation": None, "use_bias": True,
    "depthwise_initializer": "glorot_uniform", "bias_initializer": "zeros",
    "depthwise_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
    "depthwise_constraint": None, "bias_constraint": None,
}
_FLOAT32_POLICY = {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": None}


def _one_int(name, value):
    """An int, or a 1-tuple/list of one (Keras's standardize_tuple for rank 1)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{name} must be an int or a tuple of 1 int, got {value!r}")
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an int or a tuple of 1 int, got {value!r}")
    value = int(value)
    if value < 0:  # the library's own wording; 0 is left to the library
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def _choice(name, value, choices):
    key = str(value).lower() if isinstance(value, str) else None
    if key not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return key


def _activation_name(activation):
    """The library's activation for a Keras name, a Keras activation function, or None."""
    if activation is None:
        return "linear"
    if not isinstance(activation, str):
        name = getattr(activation, "__name__", None)
        if name is None or not callable(activation):
            raise ValueError(f"activation must be a Keras activation name, got {activation!r}")
        activation = name
    code = ctypes.c_int()
    _native.check(_native.lib.dwconv1d_activation_from_name(activation.encode(),
                                                            ctypes.byref(code)))
    return _native.lib.dwconv1d_activation_name(code.value).decode()


def _dtype_name(dtype):
    if dtype is None:
        return "float32"
    if isinstance(dtype, dict):
        name = dtype.get("config", {}).get("name")
    elif isinstance(dtype, str):
        name = dtype
    else:
        name = getattr(dtype, "name", str(dtype))
    if name != "float32":
        raise ValueError(f"dtype: only float32 is supported, got {name!r}")
    return name


class DepthwiseConv1D:
    """keras.layers.DepthwiseConv1D for inference, computed by the dwconv1d C library.

    The arguments, their defaults, the weights' layout (kernel (K, C, M), bias
    (C*M,)) and get_config() are Keras 3's. padding also takes "causal" (the
    library's extension). `isa` picks the path ("scalar", "sse4", "avx2",
    "avx512", "neon"); None follows DWCONV1D_ISA / dwconv1d.set_isa() or the
    fastest one the CPU runs. `seed` seeds initializers that have no seed of
    their own. Regularizers and constraints are kept for get_config() only.
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, *, name=None, trainable=True,
                 dtype=None, isa=None, seed=None, input_shape=None, **kwargs):
        if kwargs:
            raise ValueError("Unrecognized keyword arguments passed to DepthwiseConv1D: "
                             f"{kwargs}")
        self.kernel_size = (_one_int("kernel_size", kernel_size),)
        self.strides = (_one_int("strides", strides),)
        self.dilation_rate = (_one_int("dilation_rate", dilation_rate),)
        if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier,
                                                                numbers.Integral):
            raise ValueError(f"depth_multiplier must be an int, got {depth_multiplier!r}")
        if depth_multiplier < 0:
            raise ValueError(f"depth_multiplier must be >= 1, got {depth_multiplier}")
        self.depth_multiplier = int(depth_multiplier)
        self.padding = _choice("padding", padding, _native.PADDINGS)
        self.data_format = _choice("data_format",
                                   "channels_last" if data_format is None else data_format,
                                   _native.DATA_FORMATS)
        self.activation = _activation_name(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer, "glorot_uniform")
        self.bias_initializer = initializers.get(bias_initializer, "zeros")
        self._kept = {"depthwise_regularizer": depthwise_regularizer,
                      "bias_regularizer": bias_regularizer,
                      "activity_regularizer": activity_regularizer,
                      "depthwise_constraint": depthwise_constraint,
                      "bias_constraint": bias_constraint}
        self.name = name if name is not None else _default_name()
        self.trainable = bool(trainable)
        self.dtype = _dtype_name(dtype)
        self._isa = isa_module.check_name(isa) if isa is not None else None
        self._seed = seed
        self._params = self._make_params()
        _native.check(_native.lib.dwconv1d_params_validate(ctypes.byref(self._params)))
        self._handle = None
        self._kernel = None
        self._bias = None
        self._build_shape = None
        self.built = False
        if input_shape is not None:
            self.build((None, *tuple(input_shape)))

    # -- parameters -------------------------------------------------------

    def _make_params(self):
        code = ctypes.c_int()
        _native.check(_native.lib.dwconv1d_activation_from_name(self.activation.encode(),
                                                                ctypes.byref(code)))
        return _native.Params(
            kernel_size=self.kernel_size[0], strides=self.strides[0],
            padding=_native.PADDINGS[self.padding], depth_multiplier=self.depth_multiplier,
            data_format=_native.DATA_FORMATS[self.data_format],
            dilation_rate=self.dilation_rate[0], activation=code.value, use_bias=self.use_bias)

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    @property
    def channels(self):
        """Input channels C once built, else None."""
        return None if self._kernel is None else self._kernel.shape[1]

    # -- weights ----------------------------------------------------------

    def build(self, input_shape):
        """Draws fresh weights for inputs of `input_shape` (batch, steps, C) or (batch, C, steps)."""
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: "
                             f"expected ndim=3, found ndim={len(input_shape)}. Full shape "
                             f"received: {input_shape}")
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs should be defined, got "
                             f"input_shape={input_shape}")
        channels = int(channels)
        if channels <= 0:
            raise ValueError(f"channels must be >= 1, got {channels}")
        k, m = self.kernel_size[0], self.depth_multiplier
        kernel = self._draw(self.depthwise_initializer, (k, channels, m), 0)
        bias = self._draw(self.bias_initializer, (channels * m,), 1) if self.use_bias else None
        self._install(kernel, bias)
        self._build_shape = input_shape

    def _draw(self, initializer, shape, which):
        if self._seed is not None:
            # The layer's seed, a different stream for kernel and bias.
            initializer = initializer.with_default_seed(self._seed * 2 + which)
        return initializer(shape)

    def _install(self, kernel, bias):
        """Makes a C layer for these weights and keeps them; the old layer goes on success."""
        params = self._params
        handle = ctypes.c_void_p()
        bias_pointer = None if bias is None else _native.float_pointer(bias)
        with _native.isa_lock:
            if self._isa is not None:
                _native.check(_native.lib.dwconv1d_set_isa(_native.ISAS[self._isa]))
            try:
                status = _native.lib.dwconv1d_layer_create(
                    ctypes.byref(params), kernel.shape[1], _native.float_pointer(kernel),
                    bias_pointer, ctypes.byref(handle))
                _native.check(status)
            finally:
                if self._isa is not None:
                    isa_module.restore_process_isa()
        self._release()
        self._handle, self._kernel, self._bias = handle, kernel, bias
        self.built = True

    def _release(self):
        if self._handle is not None:
            _native.lib.dwconv1d_layer_destroy(self._handle)
            self._handle = None

    def __del__(self):
        if getattr(self, "_handle", None) is not None and _native is not None:
            self._release()

    def set_weights(self, weights):
        """[kernel (K, C, M), bias (C*M,)] in Keras's layout (no bias without use_bias).

        An unbuilt layer is built for the kernel's C; a built one keeps its C."""
        weights = list(weights)
        expected = 2 if self.use_bias else 1
        if len(weights) != expected:
            raise ValueError(f"Layer {self.name!r} expects {expected} weights "
                             f"({'kernel, bias' if self.use_bias else 'kernel'}), "
                             f"got {len(weights)}")
        kernel = np.array(weights[0], dtype=np.float32, order="C", copy=True)
        k, m = self.kernel_size[0], self.depth_multiplier
        channels = self.channels
        if channels is None and kernel.ndim == 3:
            channels = kernel.shape[1]
        if kernel.shape != (k, channels, m):
            raise ValueError(f"Layer {self.name!r} kernel shape {(k, channels, m)} is not "
                             f"compatible with provided weight shape {kernel.shape}")
        bias = None
        if self.use_bias:
            bias = np.array(weights[1], dtype=np.float32, order="C", copy=True)
            if bias.shape != (channels * m,):
                raise ValueError(f"Layer {self.name!r} bias shape {(channels * m,)} is not "
                                 f"compatible with provided weight shape {bias.shape}")
        self._install(kernel, bias)
        if self._build_shape is None:
            self._build_shape = ((None, None, channels) if self.data_format == "channels_last"
                                 else (None, channels, None))

    def get_weights(self):
        """Copies of [kernel, bias] (or [kernel]) in Keras's layout; [] before build."""
        if not self.built:
            return []
        return [self._kernel.copy()] + ([self._bias.copy()] if self.use_bias else [])

    @property
    def kernel(self):
        """The (K, C, M) kernel (a copy), or None before build."""
        return None if self._kernel is None else self._kernel.copy()

    @property
    def bias(self):
        """The (C*M,) bias (a copy), or None before build or without use_bias."""
        return None if self._bias is None else self._bias.copy()

    def load_weights(self, path, name=None):
        """Loads this layer's weights from a saved .keras or .weights.h5 file.

        `name` is the layer's name in the saved model (default: this layer's
        name), or its path inside the weights file ("layers/block/layers/dw")."""
        from . import saving
        self.set_weights(saving.read_weights(path, name if name is not None else self.name))

    # -- running ----------------------------------------------------------

    def __call__(self, inputs):
        """The layer's output for a 3-D float32 array (other dtypes are cast to float32)."""
        x = np.ascontiguousarray(inputs, dtype=np.float32)
        if x.ndim != 3:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: "
                             f"expected ndim=3, found ndim={x.ndim}. Full shape received: "
                             f"{x.shape}")
        if not self.built:
            self.build(x.shape)
        channels = x.shape[self._channel_axis()]
        if channels != self.channels:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: "
                             f"expected axis {self._channel_axis()} of input shape to have "
                             f"value {self.channels}, but received input with shape "
                             f"{x.shape}")
        batch = x.shape[0]
        steps = x.shape[1] if self.data_format == "channels_last" else x.shape[2]
        out = np.empty(self._output_shape(batch, channels, steps), dtype=np.float32)
        _native.check(_native.lib.dwconv1d_layer_forward(
            self._handle, batch, steps, _native.float_pointer(x), _native.float_pointer(out)))
        return out

    def _output_shape(self, batch, channels, steps):
        shape = (ctypes.c_size_t * 3)()
        _native.check(_native.lib.dwconv1d_output_shape(ctypes.byref(self._params), batch,
                                                        channels, steps, shape))
        return tuple(shape)

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`; None dimensions stay None."""
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"input_shape must have 3 dimensions, got {input_shape}")
        batch = input_shape[0]
        if self.data_format == "channels_last":
            steps, channels = input_shape[1], input_shape[2]
        else:
            channels, steps = input_shape[1], input_shape[2]
        s, span = self.strides[0], self.dilation_rate[0] * (self.kernel_size[0] - 1) + 1
        # Stand-ins for unknown sizes that every configuration accepts, with an
        # even output length (GLU halves the last axis).
        probe_steps = (span + s if self.padding == "valid" else 2 * s) if steps is None else steps
        probe = self._output_shape(1 if batch is None else batch,
                                   2 if channels is None else channels, probe_steps)
        out_steps = None if steps is None else (probe[1] if self.data_format ==
                                                "channels_last" else probe[2])
        out_channels = None if channels is None else (probe[2] if self.data_format ==
                                                      "channels_last" else probe[1])
        if self.data_format == "channels_last":
            return (batch, out_steps, out_channels)
        return (batch, out_channels, out_steps)

    @property
    def isa(self):
        """The path this layer runs ("avx2", ...); before build, the one it will use."""
        if self._handle is not None:
            return _native.lib.dwconv1d_isa_name(
                _native.lib.dwconv1d_layer_isa(self._handle)).decode()
        return self._isa if self._isa is not None else isa_module.active_isa()

    # -- config -----------------------------------------------------------

    def get_config(self):
        """Keras 3's DepthwiseConv1D.get_config(), same keys and values."""
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": dict(_FLOAT32_POLICY, config=dict(_FLOAT32_POLICY["config"])),
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            **self._kept,
        }

    @classmethod
    def from_config(cls, config, **overrides):
        """A layer from get_config()'s dict (Keras's or ours); `overrides` such as isa=."""
        config = dict(config)
        config.pop("build_config", None)
        input_shape = config.pop("batch_input_shape", None)  # Keras 2 configs
        if input_shape is not None:
            config["input_shape"] = tuple(input_shape)[1:]
        return cls(**{**config, **overrides})

    def get_build_config(self):
        """Keras's build_config: {"input_shape": ...} once built, else None."""
        return None if self._build_shape is None else {"input_shape": self._build_shape}

    def __repr__(self):
        state = f"built for {self.channels} channels on {self.isa}" if self.built else "unbuilt"
        return (f"<DepthwiseConv1D {self.name!r} kernel_size={self.kernel_size[0]} "
                f"strides={self.strides[0]} padding={self.padding!r} "
                f"depth_multiplier={self.depth_multiplier} data_format={self.data_format!r} "
                f"dilation_rate={self.dilation_rate[0]} activation={self.activation!r} "
                f"use_bias={self.use_bias}, {state}>")


def _default_name():
    n = next(_layer_counter)
    return "depthwise_conv1d" if n == 0 else f"depthwise_conv1d_{n}"
