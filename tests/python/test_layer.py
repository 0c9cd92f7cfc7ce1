"""The Python front: outputs against the float64 reference on every ISA, the
Keras arguments and config, the weights' layout, initializers, ISA choice and
errors."""

import json
import unittest

import numpy as np

import dwconv1d
import reference

# (arguments, batch, steps, channels): each activation the reference knows,
# both data formats, the three paddings, strides, dilation, multipliers.
CONFIGS = [
    (dict(kernel_size=3), 2, 17, 5),
    (dict(kernel_size=5, padding="same", strides=2, depth_multiplier=2, activation="relu"),
     3, 20, 7),
    (dict(kernel_size=4, padding="causal", dilation_rate=3, depth_multiplier=3,
          data_format="channels_first", activation="silu"), 2, 19, 4),
    (dict(kernel_size=1, use_bias=False, activation="tanh"), 1, 6, 33),
    (dict(kernel_size=7, padding="same", data_format="channels_first", activation="softmax"),
     2, 13, 6),
    (dict(kernel_size=2, depth_multiplier=2, activation="glu"), 2, 11, 9),
    (dict(kernel_size=9, padding="same", dilation_rate=2, activation="gelu"), 1, 31, 16),
    (dict(kernel_size=3, strides=3, padding="causal", activation="elu"), 1, 10, 17),
    (dict(kernel_size=(6,), strides=(1,), dilation_rate=(2,), padding="VALID",
          activation="sigmoid", depth_multiplier=4), 2, 40, 3),
    (dict(kernel_size=11, padding="same", activation="softplus", data_format="channels_first"),
     2, 5, 8),  # kernel longer than the input
]


def random_layer(args, channels, seed, **extra):
    rng = np.random.default_rng(seed)
    layer = dwconv1d.DepthwiseConv1D(**args, **extra)
    k = layer.kernel_size[0]
    m = layer.depth_multiplier
    weights = [rng.uniform(-1, 1, (k, channels, m)).astype(np.float32)]
    if layer.use_bias:
        weights.append(rng.uniform(-1, 1, channels * m).astype(np.float32))
    layer.set_weights(weights)
    return layer, rng


def input_shape(args, batch, steps, channels):
    if args.get("data_format") == "channels_first":
        return (batch, channels, steps)
    return (batch, steps, channels)


class ReferenceTest(unittest.TestCase):
    """Every config on every supported ISA against float64, within SPEC §4."""

    def check_against_reference(self, layer, x):
        kernel, bias = layer.kernel, layer.bias
        pre, s = reference.depthwise(x, kernel, bias, layer.strides[0], layer.padding,
                                     layer.dilation_rate[0], layer.data_format)
        expected = reference.activate(pre, layer.activation)
        got = layer(x)
        self.assertEqual(got.dtype, np.float32)
        self.assertEqual(got.shape, expected.shape)
        self.assertEqual(got.shape, layer.compute_output_shape(x.shape))
        tol = reference.tolerance(pre, s, expected, layer.activation)
        ratio, where = reference.worst_ratio(got, expected, tol)
        self.assertLessEqual(ratio, 1.0, f"{layer!r} at {where}: got {got[where]}, "
                             f"float64 {expected[where]}, tolerance {tol[where]}")

    def test_configs_on_every_isa(self):
        isas = dwconv1d.supported_isas()
        self.assertIn("scalar", isas)
        for i, (args, batch, steps, channels) in enumerate(CONFIGS):
            for isa in isas:
                with self.subTest(config=args, isa=isa):
                    layer, rng = random_layer(args, channels, 100 + i, isa=isa)
                    self.assertEqual(layer.isa, isa)
                    x = rng.uniform(-2, 2, input_shape(args, batch, steps, channels))
                    self.check_against_reference(layer, x.astype(np.float32))

    def test_input_conversions(self):
        """float64 input is cast to float32, non-contiguous views are copied."""
        layer, rng = random_layer(dict(kernel_size=3, padding="same"), 4, 3)
        x = rng.uniform(-1, 1, (2, 4, 12))  # float64, (B, C, T)
        view = x.transpose(0, 2, 1)         # (B, T, C), not contiguous
        expected = layer(np.ascontiguousarray(view, dtype=np.float32))
        np.testing.assert_array_equal(layer(view), expected)
        self.assertEqual(layer(view.tolist()).shape, expected.shape)

    def test_empty_batch(self):
        layer, _ = random_layer(dict(kernel_size=3, depth_multiplier=2), 4, 3)
        y = layer(np.zeros((0, 10, 4), np.float32))
        self.assertEqual(y.shape, (0, 8, 8))

    def test_builds_on_first_call(self):
        layer = dwconv1d.DepthwiseConv1D(3, depth_multiplier=2, seed=5)
        self.assertFalse(layer.built)
        self.assertEqual(layer.get_weights(), [])
        y = layer(np.ones((1, 6, 3), np.float32))
        self.assertTrue(layer.built)
        self.assertEqual(y.shape, (1, 4, 6))
        kernel, bias = layer.get_weights()
        self.assertEqual(kernel.shape, (3, 3, 2))
        np.testing.assert_array_equal(bias, np.zeros(6, np.float32))  # "zeros"
        # glorot_uniform for (3, 3, 2): limit sqrt(6 / (9 + 6)).
        self.assertLess(np.abs(kernel).max(), np.sqrt(6 / 15))


class WeightsTest(unittest.TestCase):

    def test_layout_is_kernel_k_c_m(self):
        """A single tap kernel[j, c, m] = 1 moves input channel c by j steps into
        output channel c*M + m, as Keras's (K, C, M) layout says."""
        k, c, m, steps = 4, 3, 2, 9
        x = np.arange(2 * steps * c, dtype=np.float32).reshape(2, steps, c)
        for j, ch, mult in [(0, 0, 0), (3, 2, 1), (1, 1, 0), (2, 0, 1)]:
            kernel = np.zeros((k, c, m), np.float32)
            kernel[j, ch, mult] = 1.0
            bias = np.zeros(c * m, np.float32)
            bias[ch * m + mult] = 0.5
            layer = dwconv1d.DepthwiseConv1D(k, depth_multiplier=m)
            layer.set_weights([kernel, bias])
            y = layer(x)
            expected = np.zeros((2, steps - k + 1, c * m), np.float32)
            expected[:, :, ch * m + mult] = x[:, j:j + steps - k + 1, ch] + 0.5
            np.testing.assert_array_equal(y, expected, err_msg=f"tap ({j}, {ch}, {mult})")

    def test_set_get_round_trip(self):
        layer, rng = random_layer(dict(kernel_size=5, depth_multiplier=3), 4, 1)
        kernel = rng.normal(size=(5, 4, 3)).astype(np.float32)
        bias = rng.normal(size=12).astype(np.float32)
        layer.set_weights([kernel, bias])
        got = layer.get_weights()
        self.assertEqual([w.shape for w in got], [(5, 4, 3), (12,)])
        self.assertEqual([w.dtype for w in got], [np.float32, np.float32])
        np.testing.assert_array_equal(got[0], kernel)
        np.testing.assert_array_equal(got[1], bias)
        got[0][...] = 0  # copies: the layer keeps its weights
        kernel[...] = 0  # and it copied what it was given
        self.assertTrue(np.any(layer.get_weights()[0] != 0))

    def test_without_bias(self):
        layer = dwconv1d.DepthwiseConv1D(3, use_bias=False)
        layer.set_weights([np.ones((3, 2, 1), np.float32)])
        self.assertEqual(len(layer.get_weights()), 1)
        self.assertIsNone(layer.bias)
        np.testing.assert_array_equal(layer(np.ones((1, 5, 2), np.float32)),
                                      np.full((1, 3, 2), 3.0, np.float32))

    def test_wrong_weights(self):
        layer = dwconv1d.DepthwiseConv1D(3, depth_multiplier=2)
        with self.assertRaisesRegex(ValueError, "expects 2 weights"):
            layer.set_weights([np.zeros((3, 4, 2), np.float32)])
        with self.assertRaisesRegex(ValueError, r"kernel shape \(3, 4, 2\).*\(4, 4, 2\)"):
            layer.set_weights([np.zeros((4, 4, 2)), np.zeros(8)])
        with self.assertRaisesRegex(ValueError, r"bias shape \(8,\).*\(4,\)"):
            layer.set_weights([np.zeros((3, 4, 2)), np.zeros(4)])
        layer.set_weights([np.zeros((3, 4, 2)), np.zeros(8)])
        with self.assertRaisesRegex(ValueError, r"kernel shape \(3, 4, 2\).*\(3, 5, 2\)"):
            layer.set_weights([np.zeros((3, 5, 2)), np.zeros(10)])
        with self.assertRaisesRegex(ValueError, "expected axis -1 of input shape to have "
                                    "value 4"):
            layer(np.zeros((1, 8, 5), np.float32))


class ConfigTest(unittest.TestCase):

    def test_keras_defaults_and_keys(self):
        config = dwconv1d.DepthwiseConv1D(3, name="dw").get_config()
        self.assertEqual(list(config), [
            "name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides",
            "padding", "data_format", "dilation_rate", "activation", "use_bias",
            "depthwise_initializer", "bias_initializer", "depthwise_regularizer",
            "bias_regularizer", "activity_regularizer", "depthwise_constraint",
            "bias_constraint"])
        self.assertEqual(config["kernel_size"], (3,))
        self.assertEqual(config["strides"], (1,))
        self.assertEqual(config["dilation_rate"], (1,))
        self.assertEqual(config["padding"], "valid")
        self.assertEqual(config["data_format"], "channels_last")
        self.assertEqual(config["activation"], "linear")
        self.assertEqual(config["depth_multiplier"], 1)
        self.assertIs(config["use_bias"], True)
        self.assertEqual(config["dtype"]["config"], {"name": "float32"})
        self.assertEqual(config["depthwise_initializer"], {
            "module": "keras.initializers", "class_name": "GlorotUniform",
            "config": {"seed": None, "input_axes": None, "output_axes": None},
            "registered_name": None})
        self.assertEqual(config["bias_initializer"]["class_name"], "Zeros")
        self.assertEqual(config["bias_initializer"]["config"], {})

    def test_round_trip(self):
        layer = dwconv1d.DepthwiseConv1D(
            (5,), strides=2, padding="Same", depth_multiplier=3, data_format="channels_first",
            activation="swish", use_bias=False, name="block_dw", trainable=False,
            depthwise_initializer={"class_name": "RandomNormal",
                                   "config": {"mean": 0.5, "stddev": 0.2, "seed": 7}},
            bias_initializer="ones")
        config = layer.get_config()
        self.assertEqual(config["padding"], "same")
        self.assertEqual(config["activation"], "silu")  # Keras serializes swish so
        self.assertEqual(config["depthwise_initializer"]["config"],
                         {"seed": 7, "mean": 0.5, "stddev": 0.2})
        self.assertEqual(config["bias_initializer"]["class_name"], "Ones")
        again = dwconv1d.DepthwiseConv1D.from_config(config)
        self.assertEqual(again.get_config(), config)
        # Through JSON (tuples become lists), as config.json stores it.
        from_json = dwconv1d.DepthwiseConv1D.from_config(json.loads(json.dumps(config)))
        self.assertEqual(from_json.get_config(), config)
        # The seeded initializer draws the same kernel in both.
        layer.build((None, 4, 10))
        from_json.build((None, 4, 10))
        np.testing.assert_array_equal(layer.get_weights()[0], from_json.get_weights()[0])

    def test_compute_output_shape(self):
        layer = dwconv1d.DepthwiseConv1D(4, strides=2, depth_multiplier=3)
        self.assertEqual(layer.compute_output_shape((8, 11, 5)), (8, 4, 15))
        self.assertEqual(layer.compute_output_shape((None, 11, 5)), (None, 4, 15))
        self.assertEqual(layer.compute_output_shape((None, None, 5)), (None, None, 15))
        self.assertEqual(layer.compute_output_shape((2, 11, None)), (2, 4, None))
        first = dwconv1d.DepthwiseConv1D(3, padding="same", data_format="channels_first",
                                         activation="glu")
        self.assertEqual(first.compute_output_shape((2, 6, 10)), (2, 6, 5))
        self.assertEqual(first.compute_output_shape((2, 6, None)), (2, 6, None))

    def test_names(self):
        a, b = dwconv1d.DepthwiseConv1D(3), dwconv1d.DepthwiseConv1D(3)
        self.assertTrue(a.name.startswith("depthwise_conv1d"))
        self.assertNotEqual(a.name, b.name)

    def test_input_shape_builds(self):
        layer = dwconv1d.DepthwiseConv1D(3, input_shape=(10, 4))
        self.assertTrue(layer.built)
        self.assertEqual(layer.get_build_config(), {"input_shape": (None, 10, 4)})


class InitializerTest(unittest.TestCase):
    """Parameters reach the library (the distributions themselves are tested in C)."""

    def test_constant_and_names(self):
        for identifier, value in [("zeros", 0.0), ("Ones", 1.0), ("one", 1.0),
                                  ({"class_name": "Constant", "config": {"value": 0.25}}, 0.25)]:
            layer = dwconv1d.DepthwiseConv1D(2, depthwise_initializer=identifier,
                                             bias_initializer=identifier)
            layer.build((1, 5, 3))
            for w in layer.get_weights():
                np.testing.assert_array_equal(w, np.full(w.shape, value, np.float32))

    def test_uniform_bounds_and_seed(self):
        init = dwconv1d.Initializer("RandomUniform", {"minval": 2.0, "maxval": 3.0, "seed": 4})
        v = init((200, 50))
        self.assertGreaterEqual(v.min(), 2.0)
        self.assertLess(v.max(), 3.0)
        # mean 2.5, stddev 1/sqrt(12): 5 standard errors of the mean of 10000
        self.assertLess(abs(v.mean() - 2.5), 5 / np.sqrt(12 * 10000))
        np.testing.assert_array_equal(v, init((200, 50)))  # seeded: same at every call
        other = dwconv1d.Initializer("RandomUniform", {"minval": 2.0, "maxval": 3.0, "seed": 5})
        self.assertFalse(np.array_equal(v, other((200, 50))))

    def test_variance_scaling_axes(self):
        """input_axes/output_axes replace the shape's fans (Keras >= 3.12)."""
        init = dwconv1d.Initializer("VarianceScaling", {
            "scale": 2.0, "mode": "fan_out", "distribution": "uniform",
            "input_axes": [0], "output_axes": [0, 1], "seed": 1})
        v = init((10, 20, 100))  # fan_out = 200: limit sqrt(3 * 2 / 200)
        limit = np.sqrt(6 / 200)
        self.assertLessEqual(np.abs(v).max(), limit)
        self.assertGreater(np.abs(v).max(), 0.99 * limit)

    def test_unseeded_reproducible_with_set_random_seed(self):
        dwconv1d.set_random_seed(123)
        a = dwconv1d.DepthwiseConv1D(3, bias_initializer="random_normal")
        a.build((1, 8, 4))
        dwconv1d.set_random_seed(123)
        b = dwconv1d.DepthwiseConv1D(3, bias_initializer="random_normal")
        b.build((1, 8, 4))
        for wa, wb in zip(a.get_weights(), b.get_weights()):
            np.testing.assert_array_equal(wa, wb)
        self.assertFalse(np.array_equal(a.get_weights()[1], np.zeros(4)))

    def test_layer_seed(self):
        weights = []
        for _ in range(2):
            layer = dwconv1d.DepthwiseConv1D(3, bias_initializer="random_normal", seed=9)
            layer.build((1, 8, 4))
            weights.append(layer.get_weights())
        np.testing.assert_array_equal(weights[0][0], weights[1][0])
        np.testing.assert_array_equal(weights[0][1], weights[1][1])

    def test_orthogonal_kernel(self):
        layer = dwconv1d.DepthwiseConv1D(3, depth_multiplier=4,
                                         depthwise_initializer="orthogonal")
        layer.build((1, 8, 5))
        q = layer.get_weights()[0].reshape(15, 4).astype(np.float64)
        np.testing.assert_allclose(q.T @ q, np.eye(4), atol=2 ** -23 + 1e-12)

    def test_refusals(self):
        cases = [
            ("identity", "identity"),
            ("glorot", 'unknown initializer name "glorot"'),
            ({"class_name": "RandomNormal", "config": {"stddev": -1.0}},
             "stddev must be >= 0, got -1"),
            ({"class_name": "RandomNormal", "config": {"sigma": 1.0}}, "no argument sigma"),
            ({"class_name": "VarianceScaling", "config": {"mode": "fan_sum"}}, "fan_sum"),
            ({"class_name": "VarianceScaling", "config": {"scale": 0.0}}, "scale must be"),
            ({"class_name": "RandomUniform", "config": {"minval": 1.0, "maxval": 0.0}},
             "minval must be <= maxval"),
            ({"class_name": "Zeros", "config": {"seed": 3}}, "takes no seed"),
            (3.5, "cannot interpret"),
        ]
        for identifier, message in cases:
            with self.subTest(identifier=identifier):
                with self.assertRaisesRegex(ValueError, message):
                    layer = dwconv1d.DepthwiseConv1D(3, depthwise_initializer=identifier)
                    layer.build((1, 5, 2))
        with self.assertRaisesRegex(ValueError, "orthogonal.*rank 1"):
            dwconv1d.DepthwiseConv1D(3, bias_initializer="orthogonal").build((1, 5, 2))


class IsaTest(unittest.TestCase):

    def tearDown(self):
        dwconv1d.reset_isa()

    def test_names(self):
        self.assertEqual(dwconv1d.isa_names(), ["scalar", "sse4", "avx2", "avx512", "neon"])
        self.assertIn(dwconv1d.active_isa(), dwconv1d.supported_isas())

    def test_override_and_process_choice(self):
        supported = dwconv1d.supported_isas()
        dwconv1d.set_isa("scalar")
        self.assertEqual(dwconv1d.active_isa(), "scalar")
        fastest = supported[-1]
        layer = dwconv1d.DepthwiseConv1D(3, isa=fastest.upper())
        self.assertEqual(layer.isa, fastest)  # before build: the one it will use
        layer.build((1, 5, 2))
        self.assertEqual(layer.isa, fastest)
        self.assertEqual(dwconv1d.active_isa(), "scalar")  # the process choice is kept
        plain = dwconv1d.DepthwiseConv1D(3)
        plain.build((1, 5, 2))
        self.assertEqual(plain.isa, "scalar")
        dwconv1d.reset_isa()
        self.assertEqual(layer.isa, fastest)  # an existing layer keeps its path

    def test_refused(self):
        unsupported = [n for n in dwconv1d.isa_names() if n not in dwconv1d.supported_isas()]
        for name in unsupported:
            with self.assertRaisesRegex(ValueError, f"'{name}' cannot run on this CPU; it runs "
                                        "scalar"):
                dwconv1d.DepthwiseConv1D(3, isa=name)
            with self.assertRaisesRegex(ValueError, "cannot run on this CPU"):
                dwconv1d.set_isa(name)
        with self.assertRaisesRegex(ValueError, "isa must be one of scalar, sse4, avx2, avx512, "
                                    "neon, got 'avx1024'"):
            dwconv1d.DepthwiseConv1D(3, isa="avx1024")


class ErrorTest(unittest.TestCase):
    """Refusals surface as ValueError carrying the library's message."""

    def test_library_messages(self):
        cases = [
            (dict(kernel_size=0), "kernel_size must be >= 1, got 0"),
            (dict(kernel_size=3, strides=0), "strides must be >= 1, got 0"),
            (dict(kernel_size=3, dilation_rate=0), "dilation_rate must be >= 1, got 0"),
            (dict(kernel_size=3, depth_multiplier=0), "depth_multiplier must be >= 1, got 0"),
            (dict(kernel_size=3, strides=2, dilation_rate=2),
             "strides > 1 not supported in conjunction with dilation_rate > 1; received "
             "strides=2 and dilation_rate=2"),
            (dict(kernel_size=3, activation="rellu"), 'unknown activation name "rellu"'),
            (dict(kernel_size=3, activation="ReLU"), 'unknown activation name "ReLU"'),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                with self.assertRaises(ValueError) as caught:
                    dwconv1d.DepthwiseConv1D(**args)
                self.assertIn(message, str(caught.exception))

    def test_run_time_messages(self):
        layer = dwconv1d.DepthwiseConv1D(5, dilation_rate=2)
        with self.assertRaisesRegex(ValueError, "Computed output size would be zero or "
                                    "negative: steps=8, kernel_size=5, dilation_rate=2"):
            layer(np.zeros((1, 8, 3), np.float32))
        glu = dwconv1d.DepthwiseConv1D(3, activation="glu")
        with self.assertRaisesRegex(ValueError, "glu halves the last axis, which must be even, "
                                    "got 3"):
            glu(np.zeros((1, 8, 3), np.float32))

    def test_python_side_messages(self):
        cases = [
            (dict(kernel_size=(3, 3)), "kernel_size must be an int or a tuple of 1 int"),
            (dict(kernel_size=3.0), "kernel_size must be an int or a tuple of 1 int"),
            (dict(kernel_size=-2), "kernel_size must be >= 1, got -2"),
            (dict(kernel_size=3, padding="full"), "padding must be one of valid, same, "
             "causal, got 'full'"),
            (dict(kernel_size=3, data_format="NCW"), "data_format must be one of"),
            (dict(kernel_size=3, dtype="mixed_float16"), "only float32"),
            (dict(kernel_size=3, groups=2), "Unrecognized keyword arguments"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                with self.assertRaisesRegex(ValueError, message):
                    dwconv1d.DepthwiseConv1D(**args)
        layer = dwconv1d.DepthwiseConv1D(3)
        with self.assertRaisesRegex(ValueError, "expected ndim=3, found ndim=2"):
            layer(np.zeros((4, 3), np.float32))


if __name__ == "__main__":
    unittest.main()
