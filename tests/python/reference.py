"""A float64 numpy form of SPEC §1 and the error bands of SPEC §4, for the Python tests.

Written from the specification, independently of the C library: the
depthwise cross-correlation with Keras's padding, then the activation in
float64. `tolerance` gives, per output, how far a float32 result may be
from this reference (the same bands as tests/keras/README.md).
"""

import math

import numpy as np

F32_EPS = 2.0 ** -24  # unit roundoff of float32
FLT_MIN = 2.0 ** -126

# |f'| bounds near the argument, which carry a pre-activation error through f.
LIPSCHITZ = {"linear": 1.0, "relu": 1.0, "relu6": 1.0, "tanh": 1.0, "sigmoid": 0.25,
             "silu": 1.1, "gelu": 1.13, "elu": 1.0, "softplus": 1.0}

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


ELEMENTWISE = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "relu6": lambda x: np.clip(x, 0.0, 6.0),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "silu": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0))),
    "elu": lambda x: np.where(x > 0.0, x, np.expm1(np.minimum(x, 0.0))),
    "softplus": lambda x: np.logaddexp(0.0, x),
}


def padding_amounts(steps, kernel_size, strides, dilation, padding):
    span = dilation * (kernel_size - 1) + 1
    if padding == "valid":
        return (steps - span) // strides + 1, 0
    out_steps = -(-steps // strides)
    if padding == "causal":
        return out_steps, span - 1
    total = max((out_steps - 1) * strides + span - steps, 0)
    return out_steps, total // 2


def depthwise(x, kernel, bias, strides=1, padding="valid", dilation=1,
              data_format="channels_last"):
    """(pre-activation output, S = sum |x*w| + |bias|), both float64, in the layout's order."""
    x = np.asarray(x, dtype=np.float64)
    if data_format == "channels_first":
        x = x.transpose(0, 2, 1)
    batch, steps, channels = x.shape
    k, c, m = kernel.shape
    assert c == channels
    out_steps, left = padding_amounts(steps, k, strides, dilation, padding)
    padded = np.zeros((batch, left + steps + k * dilation + strides * out_steps, channels))
    padded[:, left:left + steps] = x
    w = np.asarray(kernel, dtype=np.float64)
    y = np.zeros((batch, out_steps, channels, m))
    s = np.zeros_like(y)
    for j in range(k):
        taps = padded[:, j * dilation: j * dilation + strides * out_steps: strides]  # (B, T', C)
        y += taps[..., None] * w[j][None, None]
        s += np.abs(taps[..., None] * w[j][None, None])
    y = y.reshape(batch, out_steps, channels * m)
    s = s.reshape(batch, out_steps, channels * m)
    if bias is not None:
        b = np.asarray(bias, dtype=np.float64)
        y += b
        s += np.abs(b)
    if data_format == "channels_first":
        y, s = y.transpose(0, 2, 1), s.transpose(0, 2, 1)
    return y, s


def activate(pre, activation):
    """The activation of a float64 pre-activation; axis ones act on the last axis."""
    if activation in ELEMENTWISE:
        return ELEMENTWISE[activation](pre)
    if activation == "softmax":
        e = np.exp(pre - pre.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if activation == "glu":
        a, b = np.split(pre, 2, axis=-1)
        return a * _sigmoid(b)
    raise KeyError(f"no float64 reference for activation {activation!r}")


def tolerance(pre, s, out_ref, activation):
    """Per output: the SPEC §4 band (1e-5*S + 1e-6) carried through the activation,
    plus ~8 float32 ulps of the magnitudes that enter it for its own rounding."""
    e = 1e-5 * s + 1e-6
    if activation in LIPSCHITZ:
        return (LIPSCHITZ[activation] * e + 16 * F32_EPS * (np.abs(out_ref) + np.abs(pre))
                + FLT_MIN)
    n = pre.shape[-1]
    if activation == "softmax":
        e_max = e.max(axis=-1, keepdims=True)
        spread = 1.0 + np.abs(pre) + np.abs(pre).max(axis=-1, keepdims=True)
        return out_ref * (2 * e_max + (16 + n) * F32_EPS * spread) + FLT_MIN
    if activation == "glu":
        a, b = np.split(pre, 2, axis=-1)
        e_a, e_b = np.split(e, 2, axis=-1)
        return (e_a + 0.25 * (np.abs(a) + e_a) * e_b
                + 16 * F32_EPS * (np.abs(out_ref) + np.abs(a) + np.abs(b)) + FLT_MIN)
    raise KeyError(f"no tolerance for activation {activation!r}")


def worst_ratio(got, expected, tol):
    """max |got - expected| / tol, and the index where it is reached."""
    ratio = np.abs(np.asarray(got, dtype=np.float64) - expected) / tol
    index = np.unravel_index(np.argmax(ratio), ratio.shape) if ratio.size else ()
    return (float(ratio.max()) if ratio.size else 0.0), index
