#!/usr/bin/python3
"""Renders dwconv1d_bench's Google Benchmark JSON as grouped bars.

Top panel: GFLOP/s per shape, one bar per dwconv1d path and peer (log scale).
Bottom panel: the same runs as % of the limit that binds them (the larger of
"% of FMA peak" and "% of the copy bandwidth of the same bytes").

Usage: /usr/bin/python3 bench/plot.py dwconv1d_bench.json docs/perf.png
Needs Debian's python3-matplotlib.
"""
import argparse
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)


def split_name(run_name):
    """'conformer_m/avx512' (maybe with '/real_time') -> ('conformer_m', 'avx512')."""
    parts = run_name.split("/")
    return parts[0], parts[1]


def collect(benchmarks):
    """{(shape, runner): {"GFLOP/s": .., "limit%": .., "error": ..}} from the
    median aggregate of each run, or the median of its repetitions."""
    medians, repetitions, errors = {}, {}, {}
    # Registration order (shapes as BENCH_SHAPES lists them), not the random
    # order in which interleaved repetitions ran.
    benchmarks = sorted(benchmarks, key=lambda entry: entry.get("family_index", 0))
    for entry in benchmarks:
        key = split_name(entry.get("run_name", entry["name"]))
        if entry.get("error_occurred"):
            errors[key] = entry.get("error_message", "error")
            continue
        figures = {
            "GFLOP/s": entry.get("GFLOP/s", 0.0),
            "limit%": max(entry.get("peak%", 0.0), entry.get("bw%", 0.0)),
        }
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                medians[key] = figures
        else:
            repetitions.setdefault(key, []).append(figures)
    results = {}
    for key, runs in repetitions.items():
        results[key] = {
            name: statistics.median(run[name] for run in runs) for name in ("GFLOP/s", "limit%")
        }
    results.update(medians)
    for key, message in errors.items():
        results.setdefault(key, {"error": message})
    return results


def ordered(keys, position):
    seen = []
    for key in keys:
        if key[position] not in seen:
            seen.append(key[position])
    return seen


def draw(results, context, output):
    shapes = ordered(results.keys(), 0)
    runners = ordered(results.keys(), 1)
    auto = context.get("auto_isa", "")
    width = 0.8 / max(len(runners), 1)
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(max(12, 0.75 * len(shapes) + 4), 10),
                                         sharex=True)
    colours = plt.get_cmap("tab10")
    for r, runner in enumerate(runners):
        xs, gflops, limits, wrong = [], [], [], []
        for s, shape in enumerate(shapes):
            figures = results.get((shape, runner))
            x = s - 0.4 + width * (r + 0.5)
            if figures is None:
                continue
            if "error" in figures:
                wrong.append(x)
                continue
            xs.append(x)
            gflops.append(figures["GFLOP/s"])
            limits.append(figures["limit%"])
        label = runner + (" (auto)" if runner == auto else "")
        style = dict(width=width, color=colours(r % 10), label=label,
                     hatch="//" if runner == auto else None, edgecolor="black", linewidth=0.3)
        top.bar(xs, gflops, **style)
        bottom.bar(xs, limits, **style)
        for x in wrong:
            top.text(x, 0.0, "x", color="red", ha="center", va="bottom", fontsize=8,
                     transform=top.get_xaxis_transform())
    top.set_yscale("log")
    top.set_ylabel("GFLOP/s (median)")
    top.grid(axis="y", which="both", alpha=0.3)
    bottom.set_ylabel("% of binding limit\n(FMA peak or copy bandwidth)")
    bottom.axhline(100.0, color="black", linewidth=0.8, linestyle="--")
    bottom.grid(axis="y", alpha=0.3)
    bottom.set_xticks(range(len(shapes)))
    bottom.set_xticklabels(shapes, rotation=60, ha="right", fontsize=8)
    top.legend(ncol=min(len(runners), 7), fontsize=8, loc="lower left",
               bbox_to_anchor=(0.0, 1.0))
    peaks = ", ".join(
        f"{key[len('peak_gflops_'):]} {float(value):.0f}"
        for key, value in sorted(context.items())
        if key.startswith("peak_gflops_"))
    figure.suptitle(
        f"dwconv1d {context.get('dwconv1d_version', '?')}, single thread, "
        f"{context.get('host_name', '')} {context.get('date', '')[:10]}\n"
        f"FMA peak GFLOP/s: {peaks}; copy bandwidth {float(context.get('copy_gbps_dram', 0)):.1f}"
        f" GB/s; red x = not timed (see the report)", fontsize=10)
    figure.tight_layout(rect=(0, 0, 1, 0.93))
    figure.savefig(output, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", help="Google Benchmark JSON written by dwconv1d_bench")
    parser.add_argument("png", nargs="?", default="docs/perf.png", help="output image")
    args = parser.parse_args()
    with open(args.json, encoding="utf-8") as handle:
        report = json.load(handle)
    results = collect(report.get("benchmarks", []))
    if not results:
        sys.exit(f"{args.json}: no benchmark results")
    draw(results, report.get("context", {}), args.png)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
