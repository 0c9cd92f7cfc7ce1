"""The README's Python example, run as written from the source root.

The ```python block after "<!-- example: python -->" in README.md loads a
layer of the Keras-saved fixture; its `layer`, `x` and `y` must then hold
Keras's output within the band test_saved_model.py uses.
"""

import contextlib
import io
import os
import re
import unittest

import numpy as np

import reference

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(ROOT, "README.md")
MARKER = "<!-- example: python -->"


def readme_example():
    try:
        with open(README, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    found = re.search(re.escape(MARKER) + r"\s*```python\n(.*?)\n```", text, re.S)
    return found.group(1) if found else None


try:
    import h5py  # noqa: F401  (the example reads a .keras file)
    HAVE_H5PY = True
except ImportError:
    HAVE_H5PY = False


@unittest.skipIf(readme_example() is None, f"README.md has no {MARKER} block")
@unittest.skipIf(not HAVE_H5PY, "h5py is not installed")
class ReadmeExampleTest(unittest.TestCase):

    def test_runs_and_gives_keras_output(self):
        namespace = {}
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(readme_example(), README, "exec"), namespace)
        finally:
            os.chdir(cwd)
        layer, x, y = namespace["layer"], namespace["x"], namespace["y"]
        with np.load(os.path.join(ROOT, "tests/python/fixture/expected.npz")) as data:
            keras_out = data[f"{layer.name}/output"].astype(np.float64)
            np.testing.assert_array_equal(x, data[f"{layer.name}/input"])
        pre, s = reference.depthwise(x, layer.kernel, layer.bias, layer.strides[0],
                                     layer.padding, layer.dilation_rate[0], layer.data_format)
        tol = reference.tolerance(pre, s, keras_out, layer.activation)
        ratio, where = reference.worst_ratio(y, keras_out, tol)
        self.assertLessEqual(ratio, 1.0, f"README example at {where}")


if __name__ == "__main__":
    unittest.main()
