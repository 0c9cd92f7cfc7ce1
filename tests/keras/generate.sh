#!/bin/sh
# Regenerates tests/keras/data/ (Keras's own DepthwiseConv1D outputs) in a
# throw-away virtualenv with Keras and the CPU JAX backend from PyPI.
#
#   tests/keras/generate.sh            # the pinned versions the data was made with
#   KERAS_PIP="keras jax[cpu]" tests/keras/generate.sh   # the newest ones
#
# PYTHON picks the interpreter that makes the venv (it needs the venv module);
# VENV picks where it goes (default tests/keras/.venv, which git ignores).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
venv=${VENV:-$here/.venv}
packages=${KERAS_PIP:-"keras==3.15.1 jax[cpu]==0.10.2"}

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
# shellcheck disable=SC2086  # the package list is meant to split
"$venv/bin/python" -m pip install --quiet $packages
KERAS_BACKEND=jax "$venv/bin/python" "$here/generate.py" --out "$here/data" "$@"
