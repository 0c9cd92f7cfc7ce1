#!/bin/sh
# Every symbol the shared library $2 defines for others starts with
# dwconv1d_ (read with nm $1), and the public API is among them.
set -eu
names=$("$1" -D --defined-only "$2" | awk 'NF >= 3 {print $3}')
others=$(printf '%s\n' "$names" | grep -v '^dwconv1d_' || true)
if [ -n "$others" ]; then
  echo "FAIL: $2 exports names outside dwconv1d_:"
  printf '%s\n' "$others"
  exit 1
fi
for api in dwconv1d_layer_create dwconv1d_layer_forward dwconv1d_stream_push; do
  printf '%s\n' "$names" | grep -qx "$api" || { echo "FAIL: $2 does not export $api"; exit 1; }
done
echo "ok: $(printf '%s\n' "$names" | wc -l) symbols, all dwconv1d_"
