#!/usr/bin/python3
"""Writes the seed corpus of fuzz_api.c into tests/fuzz/corpus/.

Each seed is encoded in the input format that fuzz_api.c decodes (see
read_params, choose_isa and run_case there); libFuzzer mutates from these.
The seeds cover every activation, both layouts, every padding, each ISA
value, NULL pointers, streams and the pool call, and sizes near SIZE_MAX,
near SIZE_MAX / n and around powers of two, whose products wrap.

    /usr/bin/python3 tests/fuzz/make_corpus.py

It (re)writes its seeds and deletes nothing: the reproducers of bugs the
fuzzer found (bug_*, and others the README names) and the directory found/
(inputs from long fuzz runs that reach code the seeds do not) stay.
"""
import hashlib
import os
import struct
import sys

SIZE_MAX = 2**64 - 1
ACTIVATIONS = [
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "sigmoid",
    "hard_sigmoid", "hard_silu", "silu", "gelu", "gelu_approximate", "tanh",
    "tanh_shrink", "hard_tanh", "hard_shrink", "soft_shrink", "softplus", "softsign",
    "sparse_plus", "sparse_sigmoid", "squareplus", "mish", "exponential", "log_sigmoid",
    "softmax", "log_softmax", "sparsemax", "glu",
]
ALIASES = ["none", "swish", "hard_swish"]
INIT_NAMES = [
    "zeros", "Zeros", "zero", "ones", "Ones", "one", "constant", "Constant", "random_normal",
    "RandomNormal", "normal", "random_uniform", "RandomUniform", "uniform", "truncated_normal",
    "TruncatedNormal", "variance_scaling", "VarianceScaling", "glorot_uniform", "GlorotUniform",
    "glorot_normal", "GlorotNormal", "he_normal", "HeNormal", "he_uniform", "HeUniform",
    "lecun_normal", "LecunNormal", "lecun_uniform", "LecunUniform", "orthogonal", "Orthogonal",
    "OrthogonalInitializer",
]
INIT_JUNK = ["identity", "Identity", "stft", "STFT", "glorot", "GLOROT_UNIFORM", "he_normal ",
             "", "zeros\n"]
CONSTANT, RANDOM_NORMAL, RANDOM_UNIFORM, TRUNCATED_NORMAL, VARIANCE_SCALING, ORTHOGONAL = range(6)
FAN_IN, FAN_OUT, FAN_AVG = range(3)
TRUNC, UNTRUNC, UNIFORM = range(3)
JUNK_COUNT = 15
VALID, SAME, CAUSAL = 0, 1, 2
LAST, FIRST = 0, 1
MODERATE, SUBNORMAL, SPECIAL, WIDE = 0, 1, 2, 3
NULL_KERNEL, NULL_BIAS, NULL_LAYER_OUT, NULL_INPUT, NULL_OUTPUT, NULL_SHAPE, NULL_SLOTS = (
    1, 2, 4, 8, 16, 32, 64)


# ---- field encoders (mirror read_size, read_enum, read_name, ...) ----

def size(v):
    """A size_t as read_size decodes it (shortest form)."""
    if v < 0xA0:
        return bytes([v])
    if v < 0x10000:
        return bytes([0xA0]) + struct.pack("<H", v)
    if SIZE_MAX - v < 16:
        return bytes([0xB0 + SIZE_MAX - v])
    return bytes([0xE0]) + struct.pack("<Q", v)


def near_max_div(divisor, offset):
    """SIZE_MAX // divisor + offset (offset in -128..127), divisor 2..17."""
    return bytes([0xC0 + divisor - 2, offset & 0xFF])


def pow2(bit, offset):
    """2**bit + offset, offset in -8..7."""
    return bytes([0xD0 + offset + 8, bit])


def enum(v):
    """-1..4 in one byte, anything else as a raw int32."""
    if -1 <= v <= 4:
        return bytes([v + 1])
    return bytes([0xF0]) + struct.pack("<i", v)


def activation(name):
    if name in ACTIVATIONS:
        return bytes([0x00, ACTIVATIONS.index(name)])
    if name in ALIASES:
        return bytes([0x00, len(ACTIVATIONS) + ALIASES.index(name)])
    if name is None:
        return bytes([0x00, 0xFF])
    raw = name.encode("latin-1")
    return bytes([0x00, 0xF0, len(raw)]) + raw


def activation_value(v):
    """Any enum value, not by name."""
    return bytes([0xF0]) + struct.pack("<i", v)


def init_name(name):
    """An initializer name as read_init_name decodes it."""
    if name in INIT_NAMES:
        return bytes([INIT_NAMES.index(name)])
    if name in INIT_JUNK:
        return bytes([len(INIT_NAMES) + INIT_JUNK.index(name)])
    if name is None:
        return bytes([0xFF])
    raw = name.encode("latin-1")
    return bytes([0xF0, len(raw)]) + raw


def double(v):
    """A double parameter as read_double decodes it: 64 raw bits."""
    return bytes([0xF8]) + struct.pack("<d", v)


def initializer(name="glorot_uniform", fields=None, shape=(3, 4, 2), seed=7, null_shape=False,
                bias=None):
    """The initializer part of a seed: the named initializer, or raw `fields`
    (kind, value, mean, stddev, minval, maxval, scale, mode, distribution,
    fan_in, fan_out, gain)."""
    out = bytearray(init_name(name))
    if fields is None:
        out += bytes([0x00])  # use the named initializer
    else:
        if name in INIT_NAMES:
            out += bytes([0xFF])  # fields, not the name
        kind, value, mean, stddev, minval, maxval, scale, mode, dist, fan_in, fan_out, gain = fields
        out += enum(kind)
        for d in (value, mean, stddev, minval, maxval, scale):
            out += double(d)
        out += enum(mode) + enum(dist) + size(fan_in) + size(fan_out) + double(gain)
    out += bytes([len(shape)])
    for d in shape:
        out += d if isinstance(d, bytes) else size(d)
    out += struct.pack("<Q", seed) + bytes([1 if null_shape else 0])
    out += init_name(bias)
    return bytes(out)


def isa(v):
    """None: leave the ISA alone; -1..6 in one byte; else a raw int32."""
    if v is None:
        return bytes([0xFF])
    if -1 <= v <= 6:
        return bytes([v + 1])
    return bytes([0xF0]) + struct.pack("<i", v)


def seed(kernel_size=3, strides=1, dilation=1, multiplier=1, padding=VALID, fmt=LAST,
         act="linear", use_bias=True, nulls=0, batch=2, channels=5, steps=17, mode=MODERATE,
         data_seed=1, isa_value=None, forwards=(), stream=None, pool=None, threads=None,
         init=None):
    """One input. Sizes may be ints or pre-encoded bytes."""
    enc = lambda v: v if isinstance(v, bytes) else size(v)
    out = bytearray()
    for v in (kernel_size, strides, dilation, multiplier):
        out += enc(v)
    out += enum(padding) + enum(fmt)
    out += act if isinstance(act, bytes) else activation(act)
    out += bytes([1 if use_bias else 0, (0x80 | nulls) if nulls else 0])
    for v in (batch, channels, steps):
        out += enc(v)
    out += bytes([mode]) + struct.pack("<I", data_seed)
    out += isa(isa_value)
    what = (len(forwards) | (4 if stream else 0) | (8 if pool else 0) |
            (16 if threads is not None else 0) | (32 if init is not None else 0))
    out += bytes([what])
    if threads is not None:
        out += enc(threads)
    if init is not None:
        out += init
    for b, t in forwards:
        out += enc(b) + enc(t)
    if stream:
        out += enc(stream["batch"]) + bytes([len(stream["chunks"]) - 1])
        for n in stream["chunks"]:
            out += enc(n)
        out += enc(stream.get("row", 0)) + enc(stream.get("phase", 0))
    if pool:
        out += enc(pool["batch"]) + enc(pool["steps"]) + enc(pool["slots"])
        out += bytes([1 if pool.get("null_pool") else 0])
        for s in pool.get("index", []):
            out += bytes([s & 0xFF])
    return bytes(out)


def seeds():
    # Every activation, both layouts, the three paddings.
    for i, act in enumerate(ACTIVATIONS):
        yield f"act_{act}", seed(act=act, padding=i % 3, fmt=i % 2, multiplier=1 + i % 2,
                                 channels=6, data_seed=i)
        yield f"act_{act}_stream", seed(act=act, padding=CAUSAL if i % 2 else VALID,
                                        multiplier=2, channels=4, data_seed=100 + i,
                                        stream={"batch": 2, "chunks": [1, 0, 5, 3, 1]})
    for name in ALIASES + [None, "Relu", "", "gelu_tanh", "softmax\x00x", "x" * 200]:
        yield "name_" + hashlib.sha1(repr(name).encode()).hexdigest()[:8], seed(act=name)
    yield "name_long", seed(act=bytes([0x00, 0xFE]))
    for v in (-7, -1, 30, 31, 1 << 30, -(1 << 31)):
        yield f"activation_value_{v}", seed(act=activation_value(v))
    # Enum values out of range.
    for p in (-1, 3, 4, 1 << 31 - 1):
        yield f"padding_{p}", seed(padding=p)
    for f in (-1, 2, 4):
        yield f"format_{f}", seed(fmt=f)
    # Every ISA value, supported or not, in and out of the enum.
    for v in list(range(-1, 7)) + [1000, -(1 << 31)]:
        yield f"isa_{v}", seed(isa_value=v, act="gelu", multiplier=3, channels=7, steps=40,
                               padding=SAME, stream={"batch": 1, "chunks": [7, 9]})
    # Data kinds.
    for m in (SUBNORMAL, SPECIAL, WIDE):
        yield f"data_{m}", seed(mode=m, act="silu", padding=SAME, channels=19, steps=70)
        yield f"data_{m}_softmax_first", seed(mode=m, act="softmax", fmt=FIRST, steps=33)
    # NULL pointers.
    for n in (NULL_KERNEL, NULL_BIAS, NULL_LAYER_OUT, NULL_INPUT, NULL_OUTPUT, NULL_SHAPE):
        yield f"null_{n}", seed(nulls=n)
    yield "null_bias_unused", seed(nulls=NULL_BIAS, use_bias=False)
    yield "null_stream", seed(nulls=NULL_INPUT | NULL_OUTPUT, padding=CAUSAL,
                              stream={"batch": 2, "chunks": [3, 4]})
    yield "batch_zero", seed(batch=0, forwards=[(0, 5), (0, SIZE_MAX)])
    yield "steps_short", seed(kernel_size=5, dilation=3, steps=12, forwards=[(1, 13)])
    yield "strides_dilation", seed(strides=2, dilation=2)
    yield "zeros", seed(kernel_size=0, strides=0, dilation=0, multiplier=0, channels=0)
    # Sizes near SIZE_MAX and products that wrap around.
    m = SIZE_MAX
    yield "max_kernel", seed(kernel_size=m)
    yield "max_strides", seed(strides=m, padding=SAME)
    yield "max_dilation", seed(dilation=m, kernel_size=2)
    yield "max_multiplier", seed(multiplier=m)
    yield "max_channels", seed(channels=m)
    yield "max_steps", seed(steps=m, padding=SAME, strides=3)
    yield "max_steps_valid", seed(steps=m, kernel_size=7, strides=5)
    yield "max_batch", seed(batch=m)
    yield "span_limit_below", seed(kernel_size=2, dilation=(2**63 - 1) // 4 - 1,
                                   steps=2**62, padding=VALID)
    yield "span_limit_at", seed(kernel_size=2, dilation=(2**63 - 1) // 4, steps=m)
    yield "span_limit_causal", seed(kernel_size=3, dilation=2**60, padding=CAUSAL, steps=5)
    # Long kernels with huge dilations over a few steps: nearly every tap is padding.
    for k, d in ((39, 17732923532771327), (17, 2**40), (64, 2**20), (9, 2**58)):
        for pad in (SAME, CAUSAL):
            for f in (LAST, FIRST):
                yield f"huge_dilation_k{k}_{pad}_{f}", seed(
                    kernel_size=k, dilation=d, padding=pad, fmt=f, channels=1 + k % 5,
                    multiplier=1 + (k + f) % 2, steps=1 + k % 3, batch=1, act="hard_sigmoid",
                    threads=3, stream={"batch": 1, "chunks": [1, 2]} if pad == CAUSAL else None)
    yield "strides_limit", seed(strides=(2**63 - 1) // 4, steps=m, padding=SAME)
    yield "strides_over_limit", seed(strides=(2**63 - 1) // 4 + 1, steps=m, padding=SAME)
    yield "wrap_cm", seed(channels=2**32, multiplier=2**32)
    yield "wrap_cm_bytes", seed(channels=2**31, multiplier=2**31)
    yield "wrap_kernel", seed(kernel_size=2**32, channels=2**32, multiplier=1)
    yield "wrap_kernel_bytes", seed(kernel_size=4, channels=2**60, multiplier=1)
    yield "wrap_kernel_pad", seed(kernel_size=4, channels=2**60 - 8, multiplier=1)
    yield "wrap_input", seed(batch=2**31, steps=2**31, channels=4)
    yield "wrap_input_near", seed(batch=near_max_div(4, 1), steps=1, channels=1)
    yield "wrap_output", seed(batch=near_max_div(8, 1), steps=3, kernel_size=1, channels=2,
                              padding=SAME)
    yield "wrap_output_glu", seed(batch=2**62, steps=4, kernel_size=1, channels=2,
                                  act="glu", fmt=FIRST)
    yield "wrap_pow2", seed(batch=pow2(40, 0), steps=pow2(22, 1), channels=pow2(1, 0))
    yield "glu_odd", seed(act="glu", channels=3)
    yield "glu_odd_steps", seed(act="glu", fmt=FIRST, steps=18, kernel_size=3)
    for d in (2, 3, 4, 5):
        yield f"near_div_{d}", seed(batch=near_max_div(d, 0), channels=near_max_div(d, 1),
                                   steps=near_max_div(d, -1), multiplier=2)
    # More forwards on one layer.
    yield "forwards", seed(kernel_size=4, strides=3, padding=SAME, act="relu",
                           forwards=[(3, 1), (1, 200), (m, 2)])
    # Streams.
    yield "stream_valid_strides", seed(kernel_size=4, strides=3, padding=VALID,
                                       stream={"batch": 3, "chunks": [2, 2, 1, 9, 0, 4],
                                               "row": 1, "phase": 2})
    yield "stream_causal_dilation", seed(kernel_size=3, dilation=4, padding=CAUSAL,
                                         fmt=FIRST, multiplier=2,
                                         stream={"batch": 2, "chunks": [1, 1, 1, 10],
                                                 "row": 5, "phase": m})
    yield "stream_same", seed(padding=SAME, stream={"batch": 1, "chunks": [3]})
    yield "stream_axis_first", seed(act="softmax", fmt=FIRST, padding=CAUSAL,
                                    stream={"batch": 1, "chunks": [3]})
    yield "stream_glu_odd", seed(act="glu", channels=3, padding=CAUSAL,
                                 stream={"batch": 1, "chunks": [3]})
    yield "stream_huge_batch", seed(kernel_size=1, padding=CAUSAL,
                                    stream={"batch": m, "chunks": [0, 1, m], "row": m - 1})
    yield "stream_huge_batch_state", seed(kernel_size=2, padding=CAUSAL, channels=4,
                                          stream={"batch": near_max_div(4, 1), "chunks": [1]})
    yield "stream_batch0_huge_push", seed(kernel_size=5, strides=3, padding=CAUSAL,
                                          stream={"batch": 0, "chunks": [m, m - 1, 7],
                                                  "phase": 2})
    # H + steps wraps to 0 (K=2: H = 1, steps = SIZE_MAX) on a stream with nothing to do.
    yield "stream_batch0_history_wrap", seed(kernel_size=2, padding=CAUSAL, channels=1,
                                             stream={"batch": 0, "chunks": [m]})
    yield "stream_overflow_push", seed(padding=CAUSAL, channels=8,
                                       stream={"batch": 4, "chunks": [near_max_div(16, 1), 3]})
    yield "stream_decode", seed(kernel_size=4, padding=CAUSAL, multiplier=2, channels=20,
                                act="gelu", stream={"batch": 9, "chunks": [1] * 8})
    # Forward on a caller's pool: thread counts from 1 to near SIZE_MAX.
    for t in (1, 2, 3, 7, 64, 0, 2**62, 2**62 + 1, 2**63, m, m // 4 + 1):
        yield f"parallel_{t:x}", seed(threads=t, kernel_size=3, padding=SAME, channels=37,
                                      steps=150, batch=2, act="gelu", multiplier=2)
    yield "parallel_first_softmax", seed(threads=5, fmt=FIRST, act="softmax", steps=130,
                                         channels=20, batch=1)
    yield "parallel_last_glu", seed(threads=9, act="glu", channels=40, steps=70, batch=1,
                                    strides=2, padding=CAUSAL)
    yield "parallel_batch0", seed(threads=3, batch=0)
    yield "parallel_refused", seed(threads=4, steps=1, kernel_size=5)
    # Initializers: every name, raw parameters in and out of range, shapes that wrap.
    for i, name in enumerate(INIT_NAMES):
        yield f"init_{name}", seed(init=initializer(name, seed=i, shape=(3, 5, 1 + i % 4),
                                                   bias=INIT_NAMES[(i * 7) % len(INIT_NAMES)]))
    for name in INIT_JUNK + [None, "he_uniform\x01"]:
        yield "init_junk_" + hashlib.sha1(repr(name).encode()).hexdigest()[:8], seed(
            init=initializer(name))
    nan, inf, fmax = float("nan"), float("inf"), 3.4028234663852886e38
    raw = {
        "constant_nan": (CONSTANT, nan, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        "constant_huge": (CONSTANT, 1e300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        "normal_negative_stddev": (RANDOM_NORMAL, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 1),
        "normal_inf_mean": (RANDOM_NORMAL, 0, inf, 1, 0, 0, 0, 0, 0, 0, 0, 1),
        "normal_huge": (RANDOM_NORMAL, 0, fmax, 1e300, 0, 0, 0, 0, 0, 0, 0, 1),
        "truncated_tiny": (TRUNCATED_NORMAL, 0, 0, 1e-45, 0, 0, 0, 0, 0, 0, 0, 1),
        "uniform_reversed": (RANDOM_UNIFORM, 0, 0, 0, 1, -1, 0, 0, 0, 0, 0, 1),
        "uniform_beyond_float": (RANDOM_UNIFORM, 0, 0, 0, -1e39, 1, 0, 0, 0, 0, 0, 1),
        "uniform_whole_float": (RANDOM_UNIFORM, 0, 0, 0, -fmax, fmax, 0, 0, 0, 0, 0, 1),
        "uniform_adjacent": (RANDOM_UNIFORM, 0, 0, 0, 1.0, 1.0000001192092896, 0, 0, 0, 0, 0, 1),
        "uniform_point": (RANDOM_UNIFORM, 0, 0, 0, 0.25, 0.25, 0, 0, 0, 0, 0, 1),
        "scaling_zero_scale": (VARIANCE_SCALING, 0, 0, 0, 0, 0, 0, FAN_IN, TRUNC, 0, 0, 1),
        "scaling_huge_scale": (VARIANCE_SCALING, 0, 0, 0, 0, 0, 1e308, FAN_AVG, UNIFORM, 0, 0, 1),
        "scaling_bad_mode": (VARIANCE_SCALING, 0, 0, 0, 0, 0, 1, 3, TRUNC, 0, 0, 1),
        "scaling_bad_distribution": (VARIANCE_SCALING, 0, 0, 0, 0, 0, 1, FAN_IN, 3, 0, 0, 1),
        "scaling_one_fan": (VARIANCE_SCALING, 0, 0, 0, 0, 0, 1, FAN_IN, UNTRUNC, 5, 0, 1),
        "scaling_given_fans": (VARIANCE_SCALING, 0, 0, 0, 0, 0, 2, FAN_OUT, UNIFORM, 3, m, 1),
        "orthogonal_nan_gain": (ORTHOGONAL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, nan),
        "orthogonal_gain": (ORTHOGONAL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3.5),
        "kind_out_of_range": (6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        "kind_negative": (-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    }
    for name, fields in raw.items():
        yield f"init_raw_{name}", seed(init=initializer("he_normal", fields=fields,
                                                        shape=(2, 3, 4)))
    for name, shape in {"rank0": (), "rank1": (9,), "wide": (3, 40), "tall": (40, 3),
                        "zero_dim": (5, 0, 3), "zero_then_huge": (0, m, m),
                        "wrap": (2**32, 2**32), "wrap_bytes": (2**62,), "wrap_doubles": (2**61 + 1,),
                        "rank5": (2, 1, 3, 1, 2)}.items():
        yield f"init_shape_{name}", seed(init=initializer("orthogonal", shape=shape))
        yield f"init_shape_{name}_uniform", seed(init=initializer("lecun_uniform", shape=shape))
    yield "init_null_shape", seed(init=initializer("ones", null_shape=True))
    yield "init_weights_orthogonal_bias", seed(init=initializer("zeros", bias="orthogonal"))
    yield "init_weights_orthogonal_kernel", seed(kernel_size=4, channels=6, multiplier=3,
                                                 init=initializer("orthogonal", bias="he_normal"))
    yield "init_weights_no_bias", seed(use_bias=False, nulls=NULL_BIAS,
                                       init=initializer("random_normal", bias="orthogonal"))
    yield "init_weights_huge", seed(kernel_size=m, init=initializer("zeros"))
    # The pool call.
    yield "pool_basic", seed(kernel_size=4, padding=CAUSAL, channels=6,
                             pool={"batch": 4, "steps": 1, "slots": 6, "index": [0, 3, -1, 5]})
    yield "pool_repeat", seed(kernel_size=3, padding=VALID, channels=5, act="softmax",
                              pool={"batch": 3, "steps": 4, "slots": 2, "index": [1, 1, 0]})
    yield "pool_out_of_range", seed(kernel_size=3, padding=CAUSAL,
                                    pool={"batch": 2, "steps": 2, "slots": 2, "index": [0, 2]})
    yield "pool_ptrdiff_max", seed(kernel_size=3, padding=CAUSAL,
                                   pool={"batch": 2, "steps": 1, "slots": 3,
                                         "index": [0x80, 0x81]})
    yield "pool_strides", seed(kernel_size=3, strides=2, padding=CAUSAL,
                               pool={"batch": 1, "steps": 1, "slots": 1, "index": [0]})
    yield "pool_null_pool", seed(kernel_size=3, padding=CAUSAL,
                                 pool={"batch": 1, "steps": 1, "slots": 1, "index": [0],
                                       "null_pool": True})
    yield "pool_null_slots", seed(kernel_size=3, padding=CAUSAL, nulls=NULL_SLOTS,
                                  pool={"batch": 1, "steps": 1, "slots": 1})
    yield "pool_huge_slots", seed(kernel_size=2, padding=CAUSAL, channels=4,
                                  pool={"batch": 1, "steps": 1, "slots": near_max_div(4, 0),
                                        "index": [0]})
    yield "pool_k1_huge_slots", seed(kernel_size=1, padding=CAUSAL,
                                     pool={"batch": 2, "steps": 3, "slots": m,
                                           "index": [0x80, 1]})
    yield "pool_long_chunk", seed(kernel_size=5, padding=CAUSAL, channels=40, multiplier=3,
                                  pool={"batch": 2, "steps": 90, "slots": 2, "index": [1, 0]})
    yield "pool_huge_batch", seed(kernel_size=3, padding=CAUSAL,
                                  pool={"batch": m, "steps": 1, "slots": 1})


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(out, exist_ok=True)
    count = 0
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        count += 1
    print(f"{count} seeds in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
