#!/usr/bin/env python3
"""Records reference outputs of Keras's own DepthwiseConv1D for the C test.

Run through generate.sh, which makes a throw-away virtualenv with Keras and
the CPU JAX backend. Writes tests/keras/data/*.bin, data/cases.txt (the
index the C test reads) and VERSIONS.txt. The file format is described in
README.md next to this script.

Causal padding: keras.layers.DepthwiseConv1D refuses padding="causal", so
causal cases are recorded with keras.layers.Conv1D(filters=C*M,
kernel_size=K, groups=C, padding="causal"). That layer's kernel has shape
(K, C/groups, filters) = (K, 1, C*M), and with groups=C its output channel o
reads input channel o // M (each group owns filters/groups = M consecutive
outputs). So output channel c*M + m uses input channel c with
conv_kernel[k, 0, c*M + m]; the depthwise kernel (K, C, M) is therefore
conv_kernel[k, 0, c*M + m] == depthwise_kernel[k, c, m], which is a plain
reshape between (K, C, M) and (K, 1, C*M) in row-major order. The bias
(C*M) has the same order in both layers. The script checks this mapping on
every causal case (grouped Conv1D "valid"/"same" against DepthwiseConv1D,
and causal Conv1D against DepthwiseConv1D "valid" on a left-padded input)
and stops if it does not hold.
"""

import argparse
import dataclasses
import importlib.metadata
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

import jax  # noqa: E402
import keras  # noqa: E402
from keras import ops  # noqa: E402

FORMAT_MAGIC = "DWCONV1D-KERAS-CASE"
FORMAT_VERSION = 1
BASE_SEED = 20240601

# Every activation Keras 3 accepts by string name (keras.activations), plus
# the tanh form of gelu, which Keras reaches only through a callable; the C
# library names it "gelu_approximate".
ACTIVATIONS = [
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "celu",
    "sigmoid", "hard_sigmoid", "hard_silu", "silu", "gelu",
    "gelu_approximate", "tanh", "tanh_shrink", "hard_tanh", "hard_shrink",
    "soft_shrink", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
    "squareplus", "mish", "exponential", "log_sigmoid", "softmax",
    "log_softmax", "sparsemax", "glu",
]

# Standard deviation aimed for in the pre-activation output: about 1.5 puts
# values on both sides of every kink Keras's activations have (0, +-0.5,
# +-1); the clipped ones need a wider spread to reach +-3 and 6, and
# "exponential" a narrower one so exp() stays small.
PREACT_STD = {"relu6": 3.5, "hard_sigmoid": 3.0, "hard_silu": 3.0,
              "hard_swish": 3.0, "exponential": 0.5}
DEFAULT_PREACT_STD = 1.5


@dataclasses.dataclass
class Case:
    name: str
    kernel_size: int
    strides: int = 1
    padding: str = "valid"
    depth_multiplier: int = 1
    data_format: str = "channels_last"
    dilation_rate: int = 1
    activation: str = "linear"
    use_bias: bool = True
    batch: int = 1
    channels: int = 1
    steps: int = 8


# Shapes the per-activation cases rotate through: kernel sizes, strides,
# dilations, multipliers 1-6, odd and SIMD-edge channel counts, batch > 1,
# with and without bias. (kernel_size, strides, dilation, padding, M, C, T,
# batch, use_bias)
TEMPLATES = [
    (3, 1, 1, "same", 1, 7, 24, 2, True),
    (5, 2, 1, "valid", 2, 5, 33, 1, True),
    (4, 1, 2, "same", 3, 3, 20, 3, False),
    (7, 3, 1, "same", 1, 17, 29, 2, True),
    (2, 1, 3, "valid", 4, 5, 19, 2, True),
    (1, 1, 1, "valid", 6, 3, 11, 2, True),
    (9, 1, 1, "valid", 2, 9, 40, 1, True),
    (6, 2, 1, "same", 5, 3, 17, 2, False),
    (31, 1, 1, "same", 1, 11, 37, 1, True),
    (11, 4, 1, "valid", 3, 7, 50, 2, True),
    (3, 1, 4, "same", 2, 13, 23, 2, True),
    (16, 1, 1, "valid", 1, 33, 26, 1, True),
]


def output_steps(case):
    eff = case.dilation_rate * (case.kernel_size - 1) + 1
    if case.padding == "valid":
        return (case.steps - eff) // case.strides + 1
    return -(-case.steps // case.strides)


def last_axis_length(case):
    if case.data_format == "channels_last":
        return case.channels * case.depth_multiplier
    return output_steps(case)


def activation_cases():
    cases = []
    slot = 0
    for activation in ACTIVATIONS:
        for data_format in ("channels_last", "channels_first"):
            # glu halves the last axis, which must be even: take the next
            # template that gives an even one.
            while True:
                k, s, d, pad, m, c, t, b, bias = TEMPLATES[slot % len(TEMPLATES)]
                slot += 1
                case = Case(f"{activation}_{data_format}", k, s, pad, m, data_format,
                            d, activation, bias, b, c, t)
                if activation != "glu" or last_axis_length(case) % 2 == 0:
                    break
            cases.append(case)
    # The aliases Keras accepts, so the C name lookup is exercised too.
    cases.append(Case("swish_alias", 5, 1, "same", 2, "channels_last", 1, "swish",
                      True, 2, 5, 21))
    cases.append(Case("hard_swish_alias", 3, 2, "valid", 3, "channels_first", 1,
                      "hard_swish", True, 2, 3, 25))
    return cases


def structural_cases():
    return [
        Case("k87_valid", 87, 1, "valid", 2, "channels_last", 1, "linear", True, 1, 3, 100),
        Case("k87_same_cf", 87, 1, "same", 1, "channels_first", 1, "linear", True, 2, 5, 40),
        Case("k64_single_output", 64, 1, "valid", 1, "channels_last", 1, "relu", True, 2, 4, 64),
        Case("k1_one_channel", 1, 1, "valid", 1, "channels_last", 1, "linear", True, 1, 1, 9),
        Case("m6_stride2_same", 3, 2, "same", 6, "channels_last", 1, "linear", True, 2, 7, 26),
        Case("m5_dilation2_cf", 5, 1, "valid", 5, "channels_first", 2, "linear", True, 2, 13, 30),
        Case("stride3_c15", 8, 3, "valid", 1, "channels_last", 1, "linear", True, 1, 15, 50),
        Case("dilation5_same_c31", 5, 1, "same", 1, "channels_last", 5, "linear", True, 1, 31, 30),
        Case("wide_c65_batch4", 3, 1, "same", 1, "channels_last", 1, "linear", True, 4, 65, 12),
        Case("c16_m2_cf_same", 4, 1, "same", 2, "channels_first", 1, "linear", True, 2, 16, 21),
        Case("nobias_stride5_cf", 13, 5, "valid", 3, "channels_first", 1, "linear", False, 2, 1, 60),
        Case("batch5_single_step", 7, 1, "valid", 2, "channels_last", 1, "linear", True, 5, 9, 7),
        Case("same_kernel_longer_than_steps", 21, 1, "same", 2, "channels_last", 1, "linear",
             True, 2, 3, 8),
        Case("same_stride4_ragged", 5, 4, "same", 1, "channels_last", 1, "linear", True, 2, 6, 23),
        Case("k2_same_pad_right", 2, 1, "same", 1, "channels_first", 1, "linear", True, 3, 5, 14),
    ]


def causal_cases():
    return [
        Case("causal_k4", 4, 1, "causal", 1, "channels_last", 1, "linear", True, 2, 5, 20),
        Case("causal_d2_cf_relu", 3, 1, "causal", 2, "channels_first", 2, "relu", True, 2, 3, 25),
        Case("causal_stride2_tanh", 5, 2, "causal", 3, "channels_last", 1, "tanh", True, 1, 7, 31),
        Case("causal_k87_longer_than_steps", 87, 1, "causal", 1, "channels_last", 1, "linear",
             True, 1, 2, 30),
        Case("causal_d8_cf_silu", 2, 1, "causal", 4, "channels_first", 8, "silu", True, 2, 4, 40),
        Case("causal_k1_sigmoid", 1, 1, "causal", 2, "channels_last", 1, "sigmoid", True, 2, 9, 5),
        Case("causal_stride3_softmax", 7, 3, "causal", 1, "channels_last", 1, "softmax", True,
             2, 6, 22),
        Case("causal_d3_cf_glu", 3, 1, "causal", 2, "channels_first", 3, "glu", True, 1, 5, 24),
        Case("causal_k16_m6_nobias_gelu", 16, 1, "causal", 6, "channels_last", 1, "gelu", False,
             1, 3, 33),
        Case("causal_stride4_cf_log_softmax", 4, 4, "causal", 1, "channels_first", 1,
             "log_softmax", True, 3, 17, 64),
    ]


def sparsemax_with_fixed_threshold(x, axis=-1):
    """Keras's sparsemax with the threshold of keras-team/keras#23469.

    Keras <= 3.15.1 builds the threshold from the sum of all cumulative sums
    over the support instead of the cumulative sum at its last index
    (keras-team/keras#23425), so its rows do not sum to 1 once the support
    holds two or more values. This is the same computation in keras.ops
    (float32 on the same backend) with the threshold of Martins & Astudillo:
    tau = (sum of the support's values - 1) / support size.
    """
    n = x.shape[axis]
    descending = -ops.sort(-x, axis=axis)
    running_sum = ops.cumsum(descending, axis=axis)
    shape = [1] * len(x.shape)
    shape[axis] = n
    rank = ops.reshape(ops.arange(1, n + 1, dtype=x.dtype), shape)
    support = descending - (running_sum - 1.0) / rank > 0
    size = ops.sum(ops.cast(support, x.dtype), axis=axis, keepdims=True)
    support_sum = ops.sum(ops.where(support, descending, 0.0), axis=axis, keepdims=True)
    return ops.maximum(x - (support_sum - 1.0) / size, 0.0)


def keras_sparsemax_is_correct():
    """False for Keras with keras-team/keras#23425 (all of 3.x up to 3.15.1)."""
    got = np.asarray(keras.activations.sparsemax(np.array([[0.0, 0.5, 1.0]], "f4")))
    return bool(np.allclose(got, [[0.0, 0.25, 0.75]], atol=1e-6))


SPARSEMAX_IS_CORRECT = None


def keras_activation(name):
    """The activation argument given to Keras, and where the output comes from."""
    if name == "gelu_approximate":
        return (lambda x: keras.activations.gelu(x, approximate=True)), "keras"
    if name == "sparsemax" and not SPARSEMAX_IS_CORRECT:
        return sparsemax_with_fixed_threshold, "keras_ops_sparsemax_with_fix_of_keras#23469"
    return name, "keras"


def random_arrays(case, rng):
    c, m, k = case.channels, case.depth_multiplier, case.kernel_size
    if case.data_format == "channels_last":
        x_shape = (case.batch, case.steps, c)
    else:
        x_shape = (case.batch, c, case.steps)
    x = rng.uniform(-1.0, 1.0, x_shape).astype(np.float32)
    # A sum of K products of U(-1,1) and U(-a,a) has variance K*a^2/9.
    std = PREACT_STD.get(case.activation, DEFAULT_PREACT_STD)
    a = 3.0 * std / np.sqrt(k)
    kernel = rng.uniform(-a, a, (k, c, m)).astype(np.float32)
    bias = rng.uniform(-0.5 * std, 0.5 * std, (c * m,)).astype(np.float32)
    return x, kernel, bias


def depthwise_layer(case, activation, padding=None):
    return keras.layers.DepthwiseConv1D(
        kernel_size=case.kernel_size, strides=case.strides,
        padding=padding or case.padding, depth_multiplier=case.depth_multiplier,
        data_format=case.data_format, dilation_rate=case.dilation_rate,
        activation=activation, use_bias=case.use_bias)


def grouped_conv_layer(case, activation, padding=None):
    return keras.layers.Conv1D(
        filters=case.channels * case.depth_multiplier, kernel_size=case.kernel_size,
        strides=case.strides, padding=padding or case.padding,
        data_format=case.data_format, dilation_rate=case.dilation_rate,
        groups=case.channels, activation=activation, use_bias=case.use_bias)


def depthwise_to_grouped_kernel(kernel):
    """(K, C, M) depthwise kernel -> (K, 1, C*M) Conv1D(groups=C) kernel."""
    k, c, m = kernel.shape
    return kernel.reshape(k, 1, c * m)


def run_depthwise(case, x, kernel, bias, activation, padding=None):
    layer = depthwise_layer(case, activation, padding)
    layer.build(x.shape)
    layer.set_weights([kernel, bias] if case.use_bias else [kernel])
    return np.asarray(layer(x), dtype=np.float32)


def run_grouped(case, x, kernel, bias, activation, padding=None):
    layer = grouped_conv_layer(case, activation, padding)
    layer.build(x.shape)
    grouped = depthwise_to_grouped_kernel(kernel)
    assert tuple(layer.kernel.shape) == grouped.shape, (layer.kernel.shape, grouped.shape)
    layer.set_weights([grouped, bias] if case.use_bias else [grouped])
    return np.asarray(layer(x), dtype=np.float32)


def reference_preact(case, x, kernel, bias, pad_left, t_out):
    """float64 numpy form of SPEC §1 before the activation, and sum |x*w|."""
    xl = x if case.data_format == "channels_last" else x.transpose(0, 2, 1)
    xl = xl.astype(np.float64)
    b, t, c = xl.shape
    k, _, m = kernel.shape
    span = (t_out - 1) * case.strides + case.dilation_rate * (k - 1) + 1
    xpad = np.zeros((b, max(span, pad_left + t), c))
    xpad[:, pad_left:pad_left + t, :] = xl
    z = np.zeros((b, t_out, c, m))
    mag = np.zeros((b, t_out, c, m))
    for j in range(k):
        start = j * case.dilation_rate
        taps = xpad[:, start:start + (t_out - 1) * case.strides + 1:case.strides, :]
        prod = taps[:, :, :, None] * kernel[j].astype(np.float64)[None, None]
        z += prod
        mag += np.abs(prod)
    z = z.reshape(b, t_out, c * m)
    mag = mag.reshape(b, t_out, c * m)
    if case.use_bias:
        z += bias.astype(np.float64)
    if case.data_format == "channels_first":
        z, mag = z.transpose(0, 2, 1), mag.transpose(0, 2, 1)
    return z, mag


def pad_left_of(case):
    k, d, s, t = case.kernel_size, case.dilation_rate, case.strides, case.steps
    eff = d * (k - 1) + 1
    if case.padding == "causal":
        return d * (k - 1)
    if case.padding == "same":
        total = max((output_steps(case) - 1) * s + eff - t, 0)
        return total // 2
    return 0


def check_against_numpy(case, x, kernel, bias, preact):
    """Guards the recording against layout mistakes of this script."""
    t_out = output_steps(case)
    z, mag = reference_preact(case, x, kernel, bias, pad_left_of(case), t_out)
    if z.shape != preact.shape:
        sys.exit(f"{case.name}: Keras shape {preact.shape} != expected {z.shape}")
    err = np.abs(preact.astype(np.float64) - z)
    bound = 1e-5 * mag + 1e-6
    if np.any(err > bound):
        sys.exit(f"{case.name}: Keras differs from the numpy reference by {err.max()}")


def check_sparsemax(case, preact, output):
    """Each row of a sparsemax is the projection of preact onto the simplex."""
    rows_in = preact.astype(np.float64).reshape(-1, preact.shape[-1])
    for row_in, row_out in zip(rows_in, output.reshape(rows_in.shape)):
        descending = np.sort(row_in)[::-1]
        running_sum = np.cumsum(descending)
        size = np.count_nonzero(1 + np.arange(1, len(row_in) + 1) * descending > running_sum)
        expected = np.maximum(row_in - (running_sum[size - 1] - 1) / size, 0)
        if np.abs(expected - row_out).max() > 1e-5:
            sys.exit(f"{case.name}: sparsemax row {row_out} is not the projection of {row_in}")


def check_causal_mapping(case, x, kernel, bias, preact):
    """The grouped Conv1D <-> depthwise mapping, checked with Keras itself."""
    for padding in ("valid", "same"):
        if padding == "valid" and case.steps < case.dilation_rate * (case.kernel_size - 1) + 1:
            continue
        dw = run_depthwise(case, x, kernel, bias, None, padding)
        grouped = run_grouped(case, x, kernel, bias, None, padding)
        if dw.shape != grouped.shape or not np.allclose(dw, grouped, rtol=1e-5, atol=1e-6):
            sys.exit(f"{case.name}: grouped Conv1D ({padding}) != DepthwiseConv1D; "
                     "the kernel mapping is wrong")
    left = case.dilation_rate * (case.kernel_size - 1)
    axis = 1 if case.data_format == "channels_last" else 2
    widths = [(0, 0)] * 3
    widths[axis] = (left, 0)
    padded = np.pad(x, widths)
    dw = run_depthwise(case, padded, kernel, bias, None, "valid")
    if dw.shape != preact.shape or not np.allclose(dw, preact, rtol=1e-5, atol=1e-6):
        sys.exit(f"{case.name}: causal Conv1D != DepthwiseConv1D on a left-padded input")


def record(case, seed, versions):
    rng = np.random.default_rng(seed)
    x, kernel, bias = random_arrays(case, rng)
    run = run_grouped if case.padding == "causal" else run_depthwise
    preact = run(case, x, kernel, bias, None)
    activation, activation_source = keras_activation(case.activation)
    output = run(case, x, kernel, bias, activation)
    check_against_numpy(case, x, kernel, bias, preact)
    if case.activation == "sparsemax":
        check_sparsemax(case, preact, output)
    if case.padding == "causal":
        check_causal_mapping(case, x, kernel, bias, preact)
    if not np.all(np.isfinite(output)):
        sys.exit(f"{case.name}: Keras output is not finite")
    arrays = [x, kernel] + ([bias] if case.use_bias else []) + [preact, output]
    layer = "Conv1D(groups=channels)" if case.padding == "causal" else "DepthwiseConv1D"
    fields = [
        ("name", case.name), ("layer", layer), ("kernel_size", case.kernel_size),
        ("strides", case.strides), ("padding", case.padding),
        ("depth_multiplier", case.depth_multiplier), ("data_format", case.data_format),
        ("dilation_rate", case.dilation_rate), ("activation", case.activation),
        ("use_bias", int(case.use_bias)), ("batch", case.batch),
        ("channels", case.channels), ("steps", case.steps),
        ("preact_shape", ",".join(map(str, preact.shape))),
        ("output_shape", ",".join(map(str, output.shape))),
        ("activation_source", activation_source),
        ("floats", sum(a.size for a in arrays)), ("seed", seed),
    ] + list(versions.items())
    header = f"{FORMAT_MAGIC} {FORMAT_VERSION} " + " ".join(f"{k}={v}" for k, v in fields)
    assert " " not in "".join(str(v) for _, v in fields) and len(header) < 1000
    payload = b"".join(np.ascontiguousarray(a, dtype="<f4").tobytes() for a in arrays)
    return header.encode("ascii") + b"\n" + payload


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "data"))
    args = parser.parse_args()

    if keras.backend.backend() != "jax":
        sys.exit("set KERAS_BACKEND=jax")
    versions = {"keras": keras.__version__, "backend": keras.backend.backend(),
                "backend_version": jax.__version__}
    global SPARSEMAX_IS_CORRECT
    SPARSEMAX_IS_CORRECT = keras_sparsemax_is_correct()
    # Keras >= 3.15 accepts strides > 1 with dilation_rate > 1; the C library
    # refuses the combination (SPEC §2), so no case uses it. Record which
    # behaviour the Keras that made the data has.
    try:
        keras.layers.DepthwiseConv1D(3, strides=2, dilation_rate=2)(np.zeros((1, 16, 1), "f4"))
        strides_with_dilation = "accepted"
    except ValueError:
        strides_with_dilation = "refused"

    cases = activation_cases() + structural_cases() + causal_cases()
    for case in cases:
        assert not (case.strides > 1 and case.dilation_rate > 1), case.name
    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith(".bin") or old == "cases.txt":
            os.remove(os.path.join(args.out, old))
    names = []
    for index, case in enumerate(cases):
        file_name = f"{index:03d}_{case.name}.bin"
        with open(os.path.join(args.out, file_name), "wb") as f:
            f.write(record(case, BASE_SEED + index, versions))
        names.append(file_name)
    with open(os.path.join(args.out, "cases.txt"), "w") as f:
        f.write("".join(n + "\n" for n in names))
    total = sum(os.path.getsize(os.path.join(args.out, n)) for n in names)
    with open(os.path.join(os.path.dirname(args.out), "VERSIONS.txt"), "w") as f:
        f.write(f"keras {versions['keras']}\n")
        f.write(f"backend {versions['backend']}\n")
        f.write(f"jax {versions['backend_version']}\n")
        f.write(f"jaxlib {importlib.metadata.version('jaxlib')}\n")
        f.write(f"numpy {np.__version__}\n")
        f.write(f"python {sys.version.split()[0]}\n")
        f.write(f"strides>1 with dilation_rate>1 in this Keras: {strides_with_dilation} "
                "(not recorded: the C library refuses it)\n")
        f.write("sparsemax in this Keras: " + ("correct" if SPARSEMAX_IS_CORRECT else
                "has keras-team/keras#23425 (wrong threshold); the sparsemax cases hold "
                "the output of the same computation in keras.ops with the fix of "
                "keras-team/keras#23469 (header field activation_source)") + "\n")
        f.write(f"cases {len(names)}, {total} bytes\n")
    print(f"wrote {len(names)} cases, {total} bytes, to {args.out}")


if __name__ == "__main__":
    main()
