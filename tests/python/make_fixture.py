"""Writes tests/python/fixture/: a small Keras 3 model saved as .keras and as
.weights.h5, and Keras's own output of each of its DepthwiseConv1D layers.

Run by make_fixture.sh in a virtualenv with Keras (JAX backend); the Python
tests then compare the dwconv1d front with these outputs, with no Keras.

The model: input (2, 21, 5) channels_last;
  dw_same     K=5 same, depth_multiplier 2, relu              -> (2, 21, 10)
  dw_strided  K=4 valid, strides 2, no bias, tanh             -> (2, 9, 10)
  block (a nested Sequential):
    dw_first  channels_first, K=3 valid, dilation 2, M=3, silu -> (2, 27, 6)
  and from the input, dw_gelu K=7 same, dilation 3, gelu       -> (2, 21, 5)
Weights are drawn from a fixed seed (not the initializers), biases non-zero.
"""

import argparse
import json
import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

SEED = 20240607


def build_model():
    inp = keras.Input((21, 5), name="x")
    same = keras.layers.DepthwiseConv1D(5, padding="same", depth_multiplier=2,
                                        activation="relu", name="dw_same")(inp)
    strided = keras.layers.DepthwiseConv1D(4, strides=2, use_bias=False, activation="tanh",
                                           name="dw_strided")(same)
    block = keras.Sequential([
        keras.Input((9, 10)),
        keras.layers.DepthwiseConv1D(3, dilation_rate=2, depth_multiplier=3,
                                     data_format="channels_first", activation="silu",
                                     name="dw_first"),
    ], name="block")
    first = block(strided)
    gelu = keras.layers.DepthwiseConv1D(7, padding="same", dilation_rate=3, activation="gelu",
                                        name="dw_gelu")(inp)
    return keras.Model(inp, [first, gelu], name="fixture")


def depthwise_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.DepthwiseConv1D):
            yield layer
        elif isinstance(layer, keras.Model):
            yield from depthwise_layers(layer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    model = build_model()
    for layer in depthwise_layers(model):
        layer.set_weights([rng.normal(0.0, 0.5, w.shape).astype(np.float32)
                           for w in layer.get_weights()])
    x = rng.normal(0.0, 1.0, (2, 21, 5)).astype(np.float32)

    # Each layer's input, from the model's own graph, and its Keras output.
    inputs = {"dw_same": x, "dw_gelu": x}
    inputs["dw_strided"] = np.asarray(model.get_layer("dw_same")(x))
    inputs["dw_first"] = np.asarray(model.get_layer("dw_strided")(inputs["dw_strided"]))
    arrays = {}
    for layer in depthwise_layers(model):
        arrays[f"{layer.name}/input"] = inputs[layer.name]
        arrays[f"{layer.name}/output"] = np.asarray(layer(inputs[layer.name]))
    first, gelu = (np.asarray(t) for t in model(x))
    arrays["model/input"] = x
    arrays["model/output_0"] = first
    arrays["model/output_1"] = gelu

    keras_path = os.path.join(out, "fixture.keras")
    weights_path = os.path.join(out, "fixture.weights.h5")
    model.save(keras_path)
    model.save_weights(weights_path)

    # The files must give Keras the same outputs again.
    loaded = keras.models.load_model(keras_path)
    for got, want in zip(loaded(x), (first, gelu)):
        if not np.array_equal(np.asarray(got), want):
            sys.exit("Keras's reloaded .keras model gives other outputs")
    rebuilt = build_model()
    rebuilt.load_weights(weights_path)
    for got, want in zip(rebuilt(x), (first, gelu)):
        if not np.array_equal(np.asarray(got), want):
            sys.exit("Keras's reloaded .weights.h5 gives other outputs")

    np.savez(os.path.join(out, "expected.npz"), **arrays)
    import jax
    versions = {"keras": keras.__version__, "backend": keras.backend.backend(),
                "jax": jax.__version__, "numpy": np.__version__,
                "python": sys.version.split()[0], "seed": SEED}
    with open(os.path.join(out, "VERSIONS.json"), "w") as f:
        json.dump(versions, f, indent=1)
        f.write("\n")
    print("wrote", ", ".join(sorted(os.listdir(out))), "with", versions)


if __name__ == "__main__":
    main()
