// The C interface of shim.h implemented over Google Benchmark (C++17).
#include "shim.h"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

benchmark::State &unwrap(bench_state *state) {
  return *reinterpret_cast<benchmark::State *>(state);
}

// Hands every run to the C sink, then to an optional inner reporter. Counter
// values are final by the time runs are reported, so the inner reporter is
// given copies without the "rate" flag: the console then prints
// "GFLOP/s=61.2" rather than appending its own "/s" to every counter name.
class ForwardingReporter : public benchmark::BenchmarkReporter {
 public:
  ForwardingReporter(benchmark::BenchmarkReporter *inner, bench_result_sink sink, void *context)
      : inner_(inner), sink_(sink), context_(context) {}

  bool ReportContext(const Context &context) override {
    return inner_ == nullptr || inner_->ReportContext(context);
  }

  void ReportRuns(const std::vector<Run> &runs) override {
    for (const Run &run : runs) Deliver(run);
    if (inner_ == nullptr) return;
    std::vector<Run> plain = runs;
    for (Run &run : plain) {
      for (auto &counter : run.counters) {
        counter.second.flags =
            static_cast<benchmark::Counter::Flags>(counter.second.flags & ~benchmark::Counter::kIsRate);
      }
    }
    inner_->ReportRuns(plain);
  }

  void Finalize() override {
    if (inner_ != nullptr) inner_->Finalize();
  }

 private:
  void Deliver(const Run &run) const {
    if (sink_ == nullptr) return;
    bench_result result{};
    const std::string name = run.run_name.function_name;
    result.name = name.c_str();
    result.aggregate = run.aggregate_name.c_str();
    result.error = run.error_occurred;
    result.error_message = run.error_message.c_str();
    result.label = run.report_label.c_str();
    result.iterations = static_cast<double>(run.iterations);
    const double per_iteration = run.iterations > 0 ? 1e9 / static_cast<double>(run.iterations) : 0.0;
    result.real_time_ns = run.real_accumulated_time * per_iteration;
    result.cpu_time_ns = run.cpu_accumulated_time * per_iteration;
    for (const auto &counter : run.counters) {
      if (result.counter_count == BENCH_RESULT_MAX_COUNTERS) break;
      result.counters[result.counter_count].name = counter.first.c_str();
      result.counters[result.counter_count].value = counter.second.value;
      result.counter_count++;
    }
    sink_(&result, context_);
  }

  benchmark::BenchmarkReporter *inner_;
  bench_result_sink sink_;
  void *context_;
};

}  // namespace

struct bench_state;  // only ever a reinterpreted benchmark::State

extern "C" {

void bench_register(const char *name, bench_function fn, void *arg, bench_clock clock) {
  benchmark::internal::Benchmark *registered =
      benchmark::RegisterBenchmark(name, [fn, arg](benchmark::State &state) {
        fn(reinterpret_cast<bench_state *>(&state), arg);
      });
  if (clock == BENCH_CLOCK_WALL) registered->UseRealTime();
}

bool bench_keep_running(bench_state *state) { return unwrap(state).KeepRunning(); }

void bench_skip_with_error(bench_state *state, const char *message) {
  unwrap(state).SkipWithError(message);
}

void bench_set_label(bench_state *state, const char *label) { unwrap(state).SetLabel(label); }

void bench_set_counter(bench_state *state, const char *name, double value, bench_counter_kind kind) {
  const benchmark::Counter::Flags flags = kind == BENCH_COUNTER_PER_SECOND
                                              ? benchmark::Counter::kIsIterationInvariantRate
                                              : benchmark::Counter::kDefaults;
  unwrap(state).counters[name] = benchmark::Counter(value, flags);
}

void bench_add_context(const char *key, const char *value) { benchmark::AddCustomContext(key, value); }

bool bench_initialize(int *argc, char **argv) {
  benchmark::Initialize(argc, argv);
  return !benchmark::ReportUnrecognizedArguments(*argc, argv);
}

size_t bench_run(bench_display display, bench_result_sink sink, void *context) {
  std::unique_ptr<benchmark::BenchmarkReporter> inner;
  if (display == BENCH_DISPLAY_CONSOLE) {
    const bool colour = isatty(STDOUT_FILENO) != 0;
    inner = std::make_unique<benchmark::ConsoleReporter>(
        colour ? benchmark::ConsoleReporter::OO_ColorTabular : benchmark::ConsoleReporter::OO_Tabular);
  } else if (display == BENCH_DISPLAY_JSON) {
    inner = std::make_unique<benchmark::JSONReporter>();
  }
  ForwardingReporter reporter(inner.get(), sink, context);
  return benchmark::RunSpecifiedBenchmarks(&reporter);
}

void bench_shutdown(void) { benchmark::Shutdown(); }

}  // extern "C"
