"""A DepthwiseConv1D's config and weights from files Keras 3 saved.

- `.keras` (model.save): a zip holding config.json and model.weights.h5.
- `.weights.h5` (model.save_weights): the weights alone, no config.

In the weights file each layer's variables sit in a group ".../vars" whose
"name" attribute is the layer's name (Keras >= 3 writes it), the datasets
"0" (kernel) and "1" (bias) in creation order. The groups themselves are
named after the classes (layers/depthwise_conv1d_1/vars), which is the path
this module derives from config.json when a file has no name attributes.
h5py is needed only here, and imported only when a file is read.
"""

import json
import re
import zipfile

import numpy as np

__all__ = ["load_layer", "list_layers", "read_weights"]

_CONFIG = "config.json"
_WEIGHTS = "model.weights.h5"
_LAYER_CLASS = "DepthwiseConv1D"


def _h5py():
    try:
        import h5py
    except ImportError as e:
        raise ImportError("reading Keras files needs h5py (Debian: python3-h5py; pip: h5py)") from e
    return h5py


class _SavedFile:
    """An open .keras or .weights.h5 file: its config (if any) and its weights."""

    def __init__(self, path):
        self.path = str(path)
        self.config = None
        self._zip = None
        h5py = _h5py()
        if zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            names = self._zip.namelist()
            if _CONFIG not in names or _WEIGHTS not in names:
                self._zip.close()
                extra = (" (weights saved as .npz are not supported)"
                         if "model.weights.npz" in names else "")
                raise ValueError(f"{self.path}: not a Keras 3 .keras file with {_CONFIG} and "
                                 f"{_WEIGHTS}; it holds {', '.join(names)}{extra}")
            self.config = json.loads(self._zip.read(_CONFIG))
            self.h5 = h5py.File(self._zip.open(_WEIGHTS), "r")
        elif h5py.is_hdf5(self.path):
            self.h5 = h5py.File(self.path, "r")
            if "model_weights" in self.h5 or "model_config" in self.h5.attrs:
                self.close()
                raise ValueError(f"{self.path}: a Keras 2 (legacy) HDF5 model; load it in "
                                 "Keras 3 and save it as .keras or .weights.h5")
        else:
            raise ValueError(f"{self.path}: neither a .keras (zip) nor a .weights.h5 (HDF5) file")

    def close(self):
        self.h5.close()
        if self._zip is not None:
            self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- config.json ------------------------------------------------------

    def layer_entries(self):
        """(entry, weights path) for every DepthwiseConv1D in config.json."""
        if self.config is None:
            return []
        return [(e, p) for e, p in _walk_config(self.config, "") if
                e.get("class_name") == _LAYER_CLASS]

    def layer_entry(self, name):
        entries = self.layer_entries()
        if self.config is None:
            raise ValueError(f"{self.path}: a .weights.h5 file holds no layer configuration; "
                             "create the layer with its arguments and call "
                             "layer.load_weights(path, name)")
        if name is None:
            if len(entries) != 1:
                raise ValueError(f"{self.path} has {len(entries)} DepthwiseConv1D layers "
                                 f"({', '.join(_names(entries))}); name the one to load")
            return entries[0]
        found = [(e, p) for e, p in entries if e.get("config", {}).get("name") == name]
        if not found:
            raise ValueError(f"{self.path} has no DepthwiseConv1D layer named {name!r}; its "
                             f"DepthwiseConv1D layers: {', '.join(_names(entries)) or 'none'}")
        if len(found) > 1:
            raise ValueError(f"{self.path} has {len(found)} DepthwiseConv1D layers named "
                             f"{name!r} (in nested models); pass the weights path instead: "
                             f"{', '.join(p.rstrip('/') for _, p in found)}")
        return found[0]

    # -- model.weights.h5 -------------------------------------------------

    def named_vars(self):
        """{path of a vars group: its layer name} for the groups that carry a name."""
        found = {}

        def visit(path, item):
            if path.split("/")[-1] == "vars" and "name" in item.attrs:
                value = item.attrs["name"]
                found[path] = value.decode() if isinstance(value, bytes) else str(value)
        self.h5.visititems(visit)
        return found

    def vars_group(self, name):
        """The vars group of the layer `name`, or of the group path `name`."""
        direct = self.h5.get(name.strip("/")) if "/" in name else None
        if direct is not None:
            return direct["vars"] if "vars" in direct else direct
        matches = [p for p, n in self.named_vars().items() if n == name]
        if len(matches) == 1:
            return self.h5[matches[0]]
        if len(matches) > 1:
            raise ValueError(f"{self.path}: {len(matches)} layers are named {name!r}; pass "
                             f"the weights path instead: "
                             f"{', '.join(p[:-len('/vars')] for p in matches)}")
        # Files without name attributes: the path config.json implies.
        for entry, prefix in _walk_config(self.config, "") if self.config else []:
            if entry.get("config", {}).get("name") == name and prefix + "vars" in self.h5:
                return self.h5[prefix + "vars"]
        known = sorted(set(self.named_vars().values()))
        raise ValueError(f"{self.path} has no weights for a layer named {name!r}"
                         + (f"; its layers: {', '.join(known)}" if known else ""))

    def weights(self, name):
        group = self.vars_group(name)
        keys = sorted((k for k in group.keys() if k.isdigit()), key=int)
        arrays = []
        for k in keys:
            data = group[k]
            if data.attrs.get("dtype") in ("bfloat16", b"bfloat16"):
                raise ValueError(f"{self.path}: {group.name}/{k} is bfloat16; only float "
                                 "weights (float16/32/64) are read")
            if data.dtype.kind != "f":
                raise ValueError(f"{self.path}: {group.name}/{k} has dtype {data.dtype}, "
                                 "not a float type")
            arrays.append(np.asarray(data[()], dtype=np.float32))
        if not arrays:
            raise ValueError(f"{self.path}: {group.name} holds no weights")
        return arrays


def _snake_case(class_name):
    """Keras's naming.to_snake_case, which names the weights groups."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _walk_config(entry, prefix):
    """(entry, weights path prefix) for `entry` and every layer nested in it, as
    Keras's saving names them: each model's layers under "layers/", each
    named after its class, with "_1", "_2"... for repeats."""
    layers = entry.get("config", {}).get("layers")
    if isinstance(layers, list):
        used = {}
        for child in layers:
            key = _snake_case(child.get("class_name", ""))
            if key in used:
                used[key] += 1
                key = f"{key}_{used[key]}"
            else:
                used[key] = 0
            yield from _walk_config(child, f"{prefix}layers/{key}/")
    yield entry, prefix


def _names(entries):
    return [e.get("config", {}).get("name", "?") for e, _ in entries]


def list_layers(path):
    """The names of the DepthwiseConv1D layers in a .keras file; for a
    .weights.h5, every named layer whose first weight is 3-D (kernel-like)."""
    with _SavedFile(path) as f:
        if f.config is not None:
            return _names(f.layer_entries())
        return [n for p, n in f.named_vars().items()
                if "0" in f.h5[p] and f.h5[p]["0"].ndim == 3]


def read_weights(path, name):
    """[kernel, bias] (or [kernel]) of layer `name` (or a weights path) as float32."""
    with _SavedFile(path) as f:
        return f.weights(name)


def load_layer(path, name=None, **overrides):
    """The DepthwiseConv1D `name` of a saved .keras model, with its config and weights.

    `name` may be left out when the model has exactly one DepthwiseConv1D.
    `overrides` go to the constructor (e.g. isa="scalar")."""
    from .layer import DepthwiseConv1D
    with _SavedFile(path) as f:
        entry, prefix = f.layer_entry(name)
        config = entry["config"]
        layer = DepthwiseConv1D.from_config(config, **overrides)
        # The path Keras's loader would use, unless the file's own name says
        # that group belongs to another layer (then the name decides).
        derived = prefix + "vars"
        if derived in f.h5 and f.named_vars().get(derived, config["name"]) == config["name"]:
            weights = f.weights(prefix)
        else:
            weights = f.weights(config["name"])
    layer.set_weights(weights)
    build_shape = entry.get("build_config", {}).get("input_shape")
    if build_shape is not None:
        layer._build_shape = tuple(build_shape)
    return layer
