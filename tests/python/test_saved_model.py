"""Loading a Keras-saved model's DepthwiseConv1D layers gives Keras's outputs.

fixture/ was written by make_fixture.sh with Keras 3.15.1 (JAX): a model
saved as fixture.keras and fixture.weights.h5, and expected.npz with each
layer's input and Keras's own output (fixture/VERSIONS.json). No Keras is
needed here. Each output must be within SPEC §4's band of Keras's, the band
carried through the activation (reference.tolerance), where the float64
reference supplies the pre-activation and S = sum |x*w| + |bias|.
"""

import json
import os
import shutil
import tempfile
import unittest
import zipfile

import numpy as np

import dwconv1d
import reference

try:
    import h5py
except ImportError:  # the tests of files need it; meson's runs require it
    h5py = None

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture")
KERAS_FILE = os.path.join(FIXTURE, "fixture.keras")
WEIGHTS_FILE = os.path.join(FIXTURE, "fixture.weights.h5")
LAYERS = ["dw_same", "dw_strided", "dw_first", "dw_gelu"]

# The fixture's layers as make_fixture.py builds them, for .weights.h5 (which
# holds no config): written out by hand, not read from the .keras file.
ARGUMENTS = {
    "dw_same": dict(kernel_size=5, padding="same", depth_multiplier=2, activation="relu"),
    "dw_strided": dict(kernel_size=4, strides=2, use_bias=False, activation="tanh"),
    "dw_first": dict(kernel_size=3, dilation_rate=2, depth_multiplier=3,
                     data_format="channels_first", activation="silu"),
    "dw_gelu": dict(kernel_size=7, padding="same", dilation_rate=3, activation="gelu"),
}


@unittest.skipIf(h5py is None, "h5py is not installed")
class SavedModelTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with np.load(os.path.join(FIXTURE, "expected.npz")) as data:
            cls.expected = dict(data)

    def check_keras_output(self, layer, name):
        x = self.expected[f"{name}/input"]
        keras_out = self.expected[f"{name}/output"].astype(np.float64)
        pre, s = reference.depthwise(x, layer.kernel, layer.bias, layer.strides[0],
                                     layer.padding, layer.dilation_rate[0], layer.data_format)
        tol = reference.tolerance(pre, s, keras_out, layer.activation)
        got = layer(x)
        self.assertEqual(got.shape, keras_out.shape)
        ratio, where = reference.worst_ratio(got, keras_out, tol)
        self.assertLessEqual(ratio, 1.0, f"{name} on {layer.isa} at {where}: got {got[where]}, "
                             f"Keras {keras_out[where]}, tolerance {tol[where]}")

    def test_keras_file_every_layer_every_isa(self):
        self.assertEqual(sorted(dwconv1d.list_layers(KERAS_FILE)), sorted(LAYERS))
        for name in LAYERS:
            for isa in dwconv1d.supported_isas():
                with self.subTest(layer=name, isa=isa):
                    layer = dwconv1d.load_layer(KERAS_FILE, name, isa=isa)
                    self.assertEqual(layer.name, name)
                    self.assertEqual(layer.isa, isa)
                    self.check_keras_output(layer, name)

    def test_loaded_config(self):
        """The config comes from the file: the arguments make_fixture.py used."""
        for name, args in ARGUMENTS.items():
            loaded = dwconv1d.load_layer(KERAS_FILE, name).get_config()
            written = dwconv1d.DepthwiseConv1D(**args, name=name).get_config()
            self.assertEqual(loaded, written)
        self.assertEqual(dwconv1d.load_layer(KERAS_FILE, "dw_first").get_build_config(),
                         {"input_shape": (None, 9, 10)})

    def test_whole_model(self):
        """Chained as in the model, the loaded layers give the model's outputs.

        Stage n's band t_n holds for the exact input Keras gave it; an input
        that is off by d moves the output by at most L * max sum_j |w| * d
        (L the activation's Lipschitz bound), so the chain's bound is
        b_n = t_n + L_n * W_n * b_(n-1)."""
        layers = {n: dwconv1d.load_layer(KERAS_FILE, n) for n in LAYERS}
        x = self.expected["model/input"]
        first = layers["dw_first"](layers["dw_strided"](layers["dw_same"](x)))
        bound = 0.0
        for name in ["dw_same", "dw_strided", "dw_first"]:
            layer = layers[name]
            pre, s = reference.depthwise(self.expected[f"{name}/input"], layer.kernel,
                                         layer.bias, layer.strides[0], layer.padding,
                                         layer.dilation_rate[0], layer.data_format)
            band = reference.tolerance(pre, s, self.expected[f"{name}/output"],
                                       layer.activation).max()
            carried = np.abs(layer.kernel).sum(axis=0).max()
            bound = band + reference.LIPSCHITZ[layer.activation] * carried * bound
        diff = np.abs(first.astype(np.float64) - self.expected["model/output_0"]).max()
        self.assertLessEqual(diff, bound)
        gelu = layers["dw_gelu"]
        pre, s = reference.depthwise(x, gelu.kernel, gelu.bias, gelu.strides[0], gelu.padding,
                                     gelu.dilation_rate[0], gelu.data_format)
        tol = reference.tolerance(pre, s, self.expected["model/output_1"], "gelu")
        ratio, where = reference.worst_ratio(gelu(x), self.expected["model/output_1"], tol)
        self.assertLessEqual(ratio, 1.0, f"dw_gelu in the model at {where}")

    def test_weights_file(self):
        self.assertEqual(sorted(dwconv1d.list_layers(WEIGHTS_FILE)), sorted(LAYERS))
        for name, args in ARGUMENTS.items():
            with self.subTest(layer=name):
                layer = dwconv1d.DepthwiseConv1D(**args, name=name)
                layer.load_weights(WEIGHTS_FILE)
                self.check_keras_output(layer, name)
                from_keras = dwconv1d.load_layer(KERAS_FILE, name)
                for a, b in zip(layer.get_weights(), from_keras.get_weights()):
                    np.testing.assert_array_equal(a, b)
        # By another name in this program, and by the group's path.
        other = dwconv1d.DepthwiseConv1D(**ARGUMENTS["dw_first"], name="mine")
        other.load_weights(WEIGHTS_FILE, "dw_first")
        by_path = dwconv1d.DepthwiseConv1D(**ARGUMENTS["dw_first"])
        by_path.load_weights(WEIGHTS_FILE, "layers/sequential/layers/depthwise_conv1d")
        for a, b in zip(other.get_weights(), by_path.get_weights()):
            np.testing.assert_array_equal(a, b)
        # A .keras file works for load_weights too.
        via_keras = dwconv1d.DepthwiseConv1D(**ARGUMENTS["dw_same"])
        via_keras.load_weights(KERAS_FILE, "dw_same")
        self.check_keras_output(via_keras, "dw_same")

    def test_files_without_name_attributes(self):
        """Older files carry no layer names in the weights: the path comes from config.json."""
        tmp = tempfile.mkdtemp()
        try:
            weights = os.path.join(tmp, "model.weights.h5")
            with zipfile.ZipFile(KERAS_FILE) as z:
                z.extract("model.weights.h5", tmp)
                members = {n: z.read(n) for n in z.namelist() if n != "model.weights.h5"}
            with h5py.File(weights, "a") as f:
                f.visititems(lambda p, item: item.attrs.__delitem__("name")
                             if "name" in item.attrs else None)
            stripped = os.path.join(tmp, "stripped.keras")
            with zipfile.ZipFile(stripped, "w") as z:
                for n, data in members.items():
                    z.writestr(n, data)
                z.write(weights, "model.weights.h5")
            self.assertEqual(dwconv1d.list_layers(weights), [])
            for name in LAYERS:
                with self.subTest(layer=name):
                    self.check_keras_output(dwconv1d.load_layer(stripped, name), name)
        finally:
            shutil.rmtree(tmp)

    def test_refusals(self):
        with self.assertRaisesRegex(ValueError, "has 4 DepthwiseConv1D layers .*dw_same.*; "
                                    "name the one to load"):
            dwconv1d.load_layer(KERAS_FILE)
        with self.assertRaisesRegex(ValueError, "no DepthwiseConv1D layer named 'dw_nope'; "
                                    "its DepthwiseConv1D layers: dw_same"):
            dwconv1d.load_layer(KERAS_FILE, "dw_nope")
        with self.assertRaisesRegex(ValueError, "holds no layer configuration"):
            dwconv1d.load_layer(WEIGHTS_FILE, "dw_same")
        with self.assertRaisesRegex(ValueError, "no weights for a layer named 'dw_missing'; its "
                                    "layers: .*dw_first"):
            dwconv1d.DepthwiseConv1D(3, name="dw_missing").load_weights(WEIGHTS_FILE)
        wrong = dwconv1d.DepthwiseConv1D(3, depth_multiplier=2, name="dw_same")
        with self.assertRaisesRegex(ValueError, r"kernel shape \(3, 5, 2\) is not compatible "
                                    r"with provided weight shape \(5, 5, 2\)"):
            wrong.load_weights(WEIGHTS_FILE)
        with self.assertRaisesRegex(ValueError, "neither a .keras"):
            dwconv1d.load_layer(os.path.join(FIXTURE, "VERSIONS.json"))
        tmp = tempfile.mkdtemp()
        try:
            bare = os.path.join(tmp, "bare.keras")
            with zipfile.ZipFile(bare, "w") as z:
                z.writestr("config.json", json.dumps({}))
            with self.assertRaisesRegex(ValueError, "not a Keras 3 .keras file"):
                dwconv1d.load_layer(bare)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
