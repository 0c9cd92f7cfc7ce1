#!/bin/bash
# Alternating runs: times one shape with the dwconv1d_time_layer of each
# build directory in turn, ROUNDS times over, so that every build sees the
# same (shared, noisy) machine. Compare the medians; equal hashes mean equal
# output bits. Where buffers' placement moves a shape from process to
# process, dwconv1d_time_layer's libs= compares builds in one process.
#   bench/alternate.sh ROUNDS BUILD_DIR... -- key=value...
#   e.g. bench/alternate.sh 3 ../base/build build -- T=512 C=512 K=31 padding=same
set -euo pipefail
usage() { echo "usage: $0 ROUNDS BUILD_DIR... -- key=value... (see dwconv1d_time_layer --help)" >&2; exit 2; }
[[ $# -ge 3 && $1 =~ ^[1-9][0-9]*$ ]] || usage
rounds=$1; shift
builds=()
while [[ $# -gt 0 && $1 != -- ]]; do builds+=("$1"); shift; done
[[ $# -gt 0 && ${#builds[@]} -gt 0 ]] || usage
shift
for b in "${builds[@]}"; do
  [[ -x $b/bench/dwconv1d_time_layer ]] || { echo "$0: no $b/bench/dwconv1d_time_layer (build it with ninja -C $b)" >&2; exit 2; }
done
for ((r = 1; r <= rounds; r++)); do
  for b in "${builds[@]}"; do
    printf '%-24s ' "$b"
    "$b/bench/dwconv1d_time_layer" "$@"
  done
done
