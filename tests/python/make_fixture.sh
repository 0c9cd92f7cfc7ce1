#!/bin/sh
# Regenerates tests/python/fixture/ (a saved Keras model and Keras's outputs)
# in a throw-away virtualenv with Keras and the CPU JAX backend from PyPI.
#
#   tests/python/make_fixture.sh     # keras 3.15.1, jax[cpu] 0.10.2, as committed
#
# VENV picks the virtualenv (default: tests/keras/.venv, shared with the Keras
# reference data and git-ignored); PYTHON the interpreter that makes it;
# KERAS_PIP the packages.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
venv=${VENV:-$here/../keras/.venv}
packages=${KERAS_PIP:-"keras==3.15.1 jax[cpu]==0.10.2"}

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
# shellcheck disable=SC2086  # the package list is meant to split
"$venv/bin/python" -m pip install --quiet $packages h5py
KERAS_BACKEND=jax "$venv/bin/python" "$here/make_fixture.py" --out "$here/fixture"
