#!/usr/bin/env bash
# Regenerates the figures of docs/PERFORMANCE.md from one full benchmark run:
# the Google Benchmark JSON, the plot docs/perf.png, and the machine and
# summary blocks of the document (between their <!-- ...:begin/end --> marks).
#
#   bash bench/report.sh [BUILD_DIR] [extra dwconv1d_bench flags...]
#
# BUILD_DIR (default build-bench) is relative to the repository root; it is
# configured with -Dbench=enabled if it does not exist yet. Needs
# libbenchmark-dev (and libdnnl-dev, libxnnpack-dev, libpthreadpool-dev for
# the peers) and python3-matplotlib for /usr/bin/python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build-bench}
[ $# -gt 0 ] && shift
[ -d "$build" ] || meson setup "$build" -Dbench=enabled
ninja -C "$build" bench/dwconv1d_bench

json=$build/dwconv1d_bench.json
summary=$build/dwconv1d_bench_summary.txt
log=$build/dwconv1d_bench_full.log
echo "full run: console output in $log (takes several minutes)"
"$build/bench/dwconv1d_bench" --full --benchmark_out="$json" --benchmark_out_format=json \
  --summary-out="$summary" "$@" > "$log"
/usr/bin/python3 bench/plot.py "$json" docs/perf.png

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src kernels dispatch include 2>/dev/null || commit="$commit + local changes"
machine=$build/machine.txt
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on commit $commit with:"
  echo
  echo '```'
  echo "\$ bash bench/report.sh $build"
  echo "\$ $build/bench/dwconv1d_bench --full --benchmark_out=$json --benchmark_out_format=json"
  echo "\$ /usr/bin/python3 bench/plot.py $json docs/perf.png"
  echo '```'
  echo
  echo '```'
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|L1d|L2|L3|Hypervisor vendor)'
  echo "AVX-512 subsets: $(grep -o 'avx512[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "Memory: $(free -g | awk '/^Mem:/ {print $2}') GiB; kernel $(uname -r); $(cc --version | head -1)"
  echo '```'
} > "$machine"

/usr/bin/python3 - "$machine" "$summary" docs/PERFORMANCE.md <<'EOF'
import sys
machine, summary, document = sys.argv[1:4]
text = open(document, encoding="utf-8").read()
def replace(text, mark, body):
    begin, end = f"<!-- {mark}:begin -->", f"<!-- {mark}:end -->"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    if not rest:
        sys.exit(f"{document}: no {begin} mark")
    return f"{head}{begin}\n{body.rstrip()}\n{end}{tail}"
text = replace(text, "machine", open(machine, encoding="utf-8").read())
text = replace(text, "summary", "```\n" + open(summary, encoding="utf-8").read().rstrip() + "\n```")
open(document, "w", encoding="utf-8").write(text)
print(f"updated {document}")
EOF
