/* A small C interface to Google Benchmark, so the benchmarks themselves are
 * plain C: register named functions, drive the timing loop, attach counters,
 * and receive every reported run through a callback. */
#ifndef DWCONV1D_BENCH_SHIM_H
#define DWCONV1D_BENCH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One benchmark run in progress (wraps benchmark::State). */
typedef struct bench_state bench_state;

/* A benchmark body: loop while bench_keep_running(state) is true. */
typedef void (*bench_function)(bench_state *state, void *arg);

typedef enum bench_clock {
  /* The calling thread's CPU time: what single-threaded code costs, unmoved
   * by other processes taking the core away (this is a shared machine). */
  BENCH_CLOCK_THREAD_CPU,
  /* Wall-clock time: required once work runs on several threads. */
  BENCH_CLOCK_WALL,
} bench_clock;

/* Registers `fn` under `name` (copied), with `arg` passed back on every call;
 * its time and its per-second counters use `clock`. Call before bench_run. */
void bench_register(const char *name, bench_function fn, void *arg, bench_clock clock);

/* True while the timing loop should run one more iteration. */
bool bench_keep_running(bench_state *state);

/* Marks this run as failed with `message`; its timing is discarded. Return
 * from the body without entering (or after leaving) the timing loop. */
void bench_skip_with_error(bench_state *state, const char *message);

/* A free-form label printed beside the run and stored in the JSON. */
void bench_set_label(bench_state *state, const char *label);

typedef enum bench_counter_kind {
  BENCH_COUNTER_PLAIN,      /* reported as given */
  BENCH_COUNTER_PER_SECOND, /* given per iteration, reported per second of
                             * the benchmark's clock */
} bench_counter_kind;

/* Attaches a counter to this run (name copied). */
void bench_set_counter(bench_state *state, const char *name, double value,
                       bench_counter_kind kind);

/* A key/value pair written into the "context" block of the report. */
void bench_add_context(const char *key, const char *value);

/* Parses and removes Google Benchmark's own --benchmark_* flags from argv.
 * Returns false (after printing why) if an argument is not recognised. */
bool bench_initialize(int *argc, char **argv);

enum { BENCH_RESULT_MAX_COUNTERS = 16 };

/* One reported run: a single repetition, or an aggregate over repetitions
 * ("mean", "median", "stddev", "cv"). Strings live only during the callback. */
typedef struct bench_result {
  const char *name;      /* the registered name */
  const char *aggregate; /* "" for one repetition */
  bool error;
  const char *error_message;
  const char *label;
  double iterations;
  double real_time_ns; /* per iteration */
  double cpu_time_ns;  /* per iteration */
  size_t counter_count;
  struct {
    const char *name;
    double value; /* after per-second conversion */
  } counters[BENCH_RESULT_MAX_COUNTERS];
} bench_result;

typedef void (*bench_result_sink)(const bench_result *result, void *context);

typedef enum bench_display {
  BENCH_DISPLAY_CONSOLE, /* Google Benchmark's console table on stdout */
  BENCH_DISPLAY_JSON,    /* its JSON on stdout */
  BENCH_DISPLAY_QUIET,   /* nothing on stdout; the sink sees every run */
} bench_display;

/* Runs every registered benchmark that the filter flags select. The sink (may
 * be NULL) receives each run as it is reported. --benchmark_out=FILE still
 * writes its own report. Returns the number of benchmarks run. */
size_t bench_run(bench_display display, bench_result_sink sink, void *context);

/* Releases Google Benchmark's state. */
void bench_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif /* DWCONV1D_BENCH_SHIM_H */
