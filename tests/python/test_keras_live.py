"""Against Keras itself, when `import keras` works (skipped otherwise).

Outputs for the same config and weights, get_config() key for key, Keras
reading our configs, a model Keras saves and we load, and each initializer's
distribution against Keras's own draws (two-sample Kolmogorov-Smirnov).

    tests/keras/.venv/bin/python tests/python/run_tests.py   # with Keras (JAX)
"""

import importlib.util
import json
import os
import shutil
import tempfile
import unittest

import numpy as np

import dwconv1d
import reference

if "KERAS_BACKEND" not in os.environ:  # the first backend installed, not Keras's default
    for backend, module in [("jax", "jax"), ("tensorflow", "tensorflow"), ("torch", "torch")]:
        if importlib.util.find_spec(module) is not None:
            os.environ["KERAS_BACKEND"] = backend
            break
try:
    import keras
except Exception as e:  # not installed, or no usable backend
    keras = None
    WHY = f"keras is not importable ({type(e).__name__}: {e})"

# Configs Keras's DepthwiseConv1D accepts (no causal), with every ISA.
CONFIGS = [
    (dict(kernel_size=3), (2, 17, 5)),
    (dict(kernel_size=5, padding="same", strides=2, depth_multiplier=2, activation="relu"),
     (3, 20, 7)),
    (dict(kernel_size=4, dilation_rate=3, depth_multiplier=3, data_format="channels_first",
          activation="silu"), (2, 4, 19)),
    (dict(kernel_size=7, padding="same", data_format="channels_first", activation="softmax"),
     (2, 6, 13)),
    (dict(kernel_size=2, depth_multiplier=2, activation="glu"), (2, 11, 9)),
    (dict(kernel_size=9, padding="same", dilation_rate=2, activation="gelu", use_bias=False),
     (1, 31, 16)),
]


def normalized(config):
    """A config as JSON stores it (tuples as lists), without Keras's object ids."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "shared_object_id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(json.loads(json.dumps(config)))


@unittest.skipIf(keras is None, WHY if keras is None else "")
class KerasLiveTest(unittest.TestCase):

    def keras_layer(self, args, shape, seed):
        rng = np.random.default_rng(seed)
        layer = keras.layers.DepthwiseConv1D(**args)
        layer.build(shape)
        layer.set_weights([rng.uniform(-1, 1, w.shape).astype(np.float32)
                           for w in layer.get_weights()])
        return layer, rng.uniform(-2, 2, shape).astype(np.float32)

    def test_outputs(self):
        for i, (args, shape) in enumerate(CONFIGS):
            k_layer, x = self.keras_layer(args, shape, 40 + i)
            keras_out = np.asarray(k_layer(x)).astype(np.float64)
            for isa in dwconv1d.supported_isas():
                with self.subTest(config=args, isa=isa):
                    ours = dwconv1d.DepthwiseConv1D.from_config(k_layer.get_config(), isa=isa)
                    ours.set_weights(k_layer.get_weights())
                    pre, s = reference.depthwise(x, ours.kernel, ours.bias, ours.strides[0],
                                                 ours.padding, ours.dilation_rate[0],
                                                 ours.data_format)
                    tol = reference.tolerance(pre, s, keras_out, ours.activation)
                    got = ours(x)
                    self.assertEqual(got.shape, keras_out.shape)
                    ratio, where = reference.worst_ratio(got, keras_out, tol)
                    self.assertLessEqual(ratio, 1.0, f"at {where}: got {got[where]}, Keras "
                                         f"{keras_out[where]}, tolerance {tol[where]}")

    def test_get_config_matches_keras(self):
        initializers = keras.initializers
        variants = [
            dict(kernel_size=3),
            dict(kernel_size=(5,), strides=2, padding="SAME", depth_multiplier=4,
                 data_format="channels_first", activation="swish", use_bias=False,
                 name="dw", trainable=False),
            dict(kernel_size=2, dilation_rate=(3,), activation="hard_swish",
                 depthwise_initializer=initializers.RandomNormal(stddev=0.2, seed=3),
                 bias_initializer=initializers.Constant(0.5)),
            dict(kernel_size=4, depthwise_initializer=initializers.VarianceScaling(
                scale=2.0, mode="fan_out", distribution="uniform"),
                bias_initializer="random_uniform"),
            dict(kernel_size=4, depthwise_initializer="orthogonal",
                 bias_initializer=initializers.TruncatedNormal(mean=1.0, stddev=0.1, seed=2)),
            dict(kernel_size=4, depthwise_initializer="he_normal",
                 bias_initializer="lecun_uniform"),
        ]
        for args in variants:
            with self.subTest(args=args):
                args.setdefault("name", "dw_test")
                theirs = keras.layers.DepthwiseConv1D(**args).get_config()
                ours = dwconv1d.DepthwiseConv1D(**args).get_config()
                self.assertEqual(normalized(ours), normalized(theirs))
                # Keras reads our config back into the same layer.
                again = keras.layers.DepthwiseConv1D.from_config(ours).get_config()
                self.assertEqual(normalized(again), normalized(theirs))

    def test_saved_model(self):
        inp = keras.Input((24, 6))
        hidden = keras.layers.DepthwiseConv1D(3, padding="same", depth_multiplier=2,
                                              activation="relu", name="first")(inp)
        out = keras.layers.DepthwiseConv1D(5, strides=2, activation="tanh",
                                           bias_initializer="random_normal",
                                           name="second")(hidden)
        model = keras.Model(inp, out)
        x = np.random.default_rng(3).normal(size=(2, 24, 6)).astype(np.float32)
        expected = np.asarray(model(x)).astype(np.float64)
        tmp = tempfile.mkdtemp()
        try:
            path = os.path.join(tmp, "live.keras")
            model.save(path)
            first, second = (dwconv1d.load_layer(path, n) for n in ("first", "second"))
        finally:
            shutil.rmtree(tmp)
        for ours, theirs in [(first, model.get_layer("first")),
                             (second, model.get_layer("second"))]:
            for a, b in zip(ours.get_weights(), theirs.get_weights()):
                np.testing.assert_array_equal(a, b)
        hidden_ours = first(x)
        got = second(hidden_ours)
        # Stage bands are distances between two float32 results: the chain is
        # within the second's band plus the first's carried through the
        # kernel (max sum_j |w|) and tanh (Lipschitz 1).
        pre1, s1 = reference.depthwise(x, first.kernel, first.bias, 1, "same")
        band1 = reference.tolerance(pre1, s1, reference.activate(pre1, "relu"), "relu").max()
        pre2, s2 = reference.depthwise(hidden_ours, second.kernel, second.bias, 2)
        band2 = reference.tolerance(pre2, s2, reference.activate(pre2, "tanh"), "tanh").max()
        bound = band2 + np.abs(second.kernel).sum(axis=0).max() * band1
        self.assertLessEqual(np.abs(got - expected).max(), bound)

    def test_initializer_distributions(self):
        """Ours and Keras's draws come from one distribution: the two-sample KS
        distance of 100000 draws each stays below its alpha = 1e-6 bound."""
        shape = (4, 250, 100)  # fan_in 1000, fan_out 400
        n = int(np.prod(shape))
        bound = np.sqrt(-np.log(1e-6 / 2) * (2 * n) / (2 * n * n))
        for name in ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
                     "lecun_normal", "lecun_uniform", "random_normal", "random_uniform",
                     "truncated_normal", "variance_scaling", "orthogonal"]:
            with self.subTest(initializer=name):
                theirs = np.sort(np.asarray(keras.initializers.get(name)(shape)).ravel())
                ours = np.sort(dwconv1d.Initializer(name)(shape).ravel().astype(np.float64))
                grid = np.concatenate([theirs, ours])
                cdf_theirs = np.searchsorted(theirs, grid, side="right") / n
                cdf_ours = np.searchsorted(ours, grid, side="right") / n
                distance = np.abs(cdf_theirs - cdf_ours).max()
                self.assertLessEqual(distance, bound, f"{name}: KS {distance:.4f} > {bound:.4f}")
        for name in ["zeros", "ones"]:
            np.testing.assert_array_equal(dwconv1d.Initializer(name)(shape),
                                          np.asarray(keras.initializers.get(name)(shape)))


if __name__ == "__main__":
    unittest.main()
