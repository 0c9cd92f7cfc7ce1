#!/bin/sh
# Runs the libFuzzer target for a bounded time from the committed corpus.
#   run_fuzz.sh FUZZER SEED_CORPUS WORK_DIR SECONDS [extra libFuzzer flags]
# New inputs go to WORK_DIR/corpus, crashes to WORK_DIR/artifacts; the seed
# corpus is only read.
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/corpus" "$work/artifacts"
# -error_exitcode=1: libFuzzer's default, 77, is what Meson reads as "skipped".
# A fixed seed (DWCONV1D_FUZZ_SEED overrides it) makes a test run repeatable.
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1024 -error_exitcode=1 \
  -seed="${DWCONV1D_FUZZ_SEED:-1}" \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
