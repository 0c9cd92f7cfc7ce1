/* dwconv1d_bench: every shape of shapes.h on every dwconv1d path this CPU
 * runs and on each peer library present, verified against the scalar path,
 * then timed by Google Benchmark (through shim.h); ends with the summary. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "dwconv1d.h"
#include "limits.h"
#include "runner.h"
#include "shapes.h"
#include "shim.h"
#include "summary.h"

enum { MAX_KINDS = 16, MAX_ARGS = 256 };

typedef enum bench_mode { MODE_PLAIN, MODE_SUMMARY, MODE_FULL } bench_mode;

typedef struct options {
  bench_mode mode;
  int threads;
  const char *summary_out; /* also write the summary here */
} options;

/* One (shape, runner) pair: a registered benchmark. */
typedef struct bench_case {
  size_t index; /* into cells: shape * kind_count + kind */
  const bench_shape *shape;
  const bench_runner_kind *kind;
  char name[96];
} bench_case;

static bench_limits limits;
static bench_runner_kind kinds[MAX_KINDS];
static size_t kind_count;
static size_t auto_kind = MAX_KINDS;
static bench_case *cases;
static bench_cell *cells;
static bool *median_seen;
static double *footprint_bytes;

/* The shape whose data is in memory, and the runner instance prepared on it:
 * benchmarks run one after the other, so one of each is enough. */
static struct {
  const bench_shape *shape;
  bench_data data;
  bool ok;
  char why[512];
} current_shape;
static struct {
  const bench_case *owner;
  void *instance;
} current_instance;

static void release_instance(void) {
  if (current_instance.owner != NULL) current_instance.owner->kind->destroy(current_instance.instance);
  current_instance.owner = NULL;
  current_instance.instance = NULL;
}

static void release_shape(void) {
  release_instance();
  if (current_shape.shape != NULL && current_shape.ok) bench_data_destroy(&current_shape.data);
  current_shape.shape = NULL;
}

static void load_shape(const bench_shape *shape) {
  release_shape();
  const size_t index = (size_t)(shape - bench_shapes);
  fprintf(stderr, "[%2zu/%zu] %s\n", index + 1, bench_shape_count, shape->name);
  current_shape.shape = shape;
  current_shape.ok =
      bench_data_create(shape, &current_shape.data, current_shape.why, sizeof current_shape.why) == 0;
  if (!current_shape.ok) {
    fprintf(stderr, "*** %s: cannot set up the shape: %s\n", shape->name, current_shape.why);
    return;
  }
  footprint_bytes[index] = current_shape.data.sizes.bytes;
  if (current_shape.data.scalar_note[0] != '\0') {
    fprintf(stderr, "*** %s: %s\n", shape->name, current_shape.data.scalar_note);
  }
}

/* Copies `from`, cut to fit. */
static void copy_text(char *to, size_t size, const char *from) {
  size_t length = strlen(from);
  if (length >= size) length = size - 1;
  memcpy(to, from, length);
  to[length] = '\0';
}

static void set_cell(bench_cell *cell, bench_cell_status status, const char *note) {
  cell->status = status;
  copy_text(cell->note, sizeof cell->note, note);
}

/* Checks a fresh instance's output once against the scalar path. */
static bool verify(const bench_case *c, void *instance, bench_cell *cell) {
  const bench_data *data = &current_shape.data;
  char why[640];
  if (c->kind->run(instance, why, sizeof why) != 0) {
    set_cell(cell, BENCH_CELL_FAILED, why);
    return false;
  }
  const float *output = c->kind->output(instance);
  if (output == NULL) {
    set_cell(cell, BENCH_CELL_FAILED, "could not read the output back");
    return false;
  }
  if (data->expected == NULL) {
    const bool is_scalar = !c->kind->is_peer && c->kind->isa == DWCONV1D_ISA_SCALAR;
    snprintf(why, sizeof why, "not verified: %s", data->scalar_note);
    set_cell(cell, is_scalar ? BENCH_CELL_WRONG : BENCH_CELL_FAILED, why);
    return false;
  }
  if (!bench_data_matches(data, output, why, sizeof why)) {
    set_cell(cell, BENCH_CELL_WRONG, why);
    fprintf(stderr, "*** %s: %s -- NOT TIMED\n", c->name, why);
    return false;
  }
  return true;
}

/* The verified instance for case c, prepared now if needed; NULL (with the
 * cell saying why) if it cannot be timed. */
static void *prepare(const bench_case *c) {
  bench_cell *cell = &cells[c->index];
  if (current_instance.owner == c) return current_instance.instance;
  release_instance();
  if (cell->status != BENCH_CELL_NOT_RUN && cell->status != BENCH_CELL_TIMED) return NULL;
  if (current_shape.shape != c->shape) load_shape(c->shape);
  if (!current_shape.ok) {
    set_cell(cell, BENCH_CELL_FAILED, current_shape.why);
    return NULL;
  }
  char why[512];
  void *instance = c->kind->create(c->kind, &current_shape.data, why, sizeof why);
  if (instance == NULL) {
    set_cell(cell, BENCH_CELL_UNAVAILABLE, why);
    return NULL;
  }
  if (!verify(c, instance, cell)) {
    c->kind->destroy(instance);
    return NULL;
  }
  char label[256];
  snprintf(label, sizeof label, "%s%s", c->kind->label(instance),
           (size_t)(c->kind - kinds) == auto_kind ? " [auto]" : "");
  set_cell(cell, BENCH_CELL_TIMED, label);
  current_instance.owner = c;
  current_instance.instance = instance;
  return instance;
}

static void run_case(bench_state *state, void *arg) {
  const bench_case *c = arg;
  bench_cell *cell = &cells[c->index];
  void *instance = prepare(c);
  if (instance == NULL) {
    bench_skip_with_error(state, cell->note);
    return;
  }
  char why[512];
  bool failed = false;
  while (bench_keep_running(state)) {
    if (c->kind->run(instance, why, sizeof why) != 0) {
      failed = true;
      break;
    }
  }
  if (failed) {
    set_cell(cell, BENCH_CELL_FAILED, why);
    bench_skip_with_error(state, why);
    return;
  }
  const bench_data *data = &current_shape.data;
  const double peak = c->kind->is_peer ? limits.machine_peak_flops : limits.peak_flops[c->kind->isa];
  bench_set_counter(state, "GFLOP/s", data->sizes.flops * 1e-9, BENCH_COUNTER_PER_SECOND);
  bench_set_counter(state, "GB/s", data->sizes.bytes * 1e-9, BENCH_COUNTER_PER_SECOND);
  if (peak > 0.0) {
    bench_set_counter(state, "peak%", 100.0 * data->sizes.flops / peak, BENCH_COUNTER_PER_SECOND);
  }
  if (data->copy_bytes_per_second > 0.0) {
    bench_set_counter(state, "bw%", 100.0 * data->sizes.bytes / data->copy_bytes_per_second,
                      BENCH_COUNTER_PER_SECOND);
  }
  if (limits.dram_copy_bytes_per_second > 0.0) {
    bench_set_counter(state, "dram_bw%", 100.0 * data->sizes.bytes / limits.dram_copy_bytes_per_second,
                      BENCH_COUNTER_PER_SECOND);
  }
  /* The references of the two fractions, so the JSON carries them too. */
  bench_set_counter(state, "ref_peak_GFLOP/s", peak * 1e-9, BENCH_COUNTER_PLAIN);
  bench_set_counter(state, "ref_copy_GB/s", data->copy_bytes_per_second * 1e-9, BENCH_COUNTER_PLAIN);
  bench_set_label(state, cell->note);
}

static double counter_of(const bench_result *result, const char *name) {
  for (size_t i = 0; i < result->counter_count; i++) {
    if (strcmp(result->counters[i].name, name) == 0) return result->counters[i].value;
  }
  return 0.0;
}

/* Keeps the median of each case (or its only run without repetitions). */
static void collect(const bench_result *result, void *context) {
  const size_t case_count = *(const size_t *)context;
  const bool is_median = strcmp(result->aggregate, "median") == 0;
  if (result->error || !(is_median || result->aggregate[0] == '\0')) return;
  for (size_t i = 0; i < case_count; i++) {
    if (strcmp(cases[i].name, result->name) != 0) continue;
    const size_t index = cases[i].index;
    if (median_seen[index] && !is_median) return;
    median_seen[index] = is_median;
    bench_cell *cell = &cells[index];
    cell->have_figures = true;
    cell->gflops = counter_of(result, "GFLOP/s");
    cell->gbps = counter_of(result, "GB/s");
    cell->peak_percent = counter_of(result, "peak%");
    cell->bandwidth_percent = counter_of(result, "bw%");
    return;
  }
}

static void usage(const char *program) {
  printf("usage: %s [--summary | --full] [--threads=N] [--summary-out=FILE] [--benchmark_*...]\n"
         "  --summary          compact table of every shape x path x peer (about 2 minutes)\n"
         "  --full             everything with repetitions; Google Benchmark's console output,\n"
         "                     JSON to dwconv1d_bench.json unless --benchmark_out= says otherwise\n"
         "  --threads=N        dwconv1d's paths through dwconv1d_layer_forward_parallel on one\n"
         "                     pthreadpool of N threads, peers on N threads too, wall-clock\n"
         "                     time; the auto path also runs on 1 thread (<path>_1t) to compare\n"
         "  --summary-out=FILE also write the summary to FILE\n"
         "  Google Benchmark's flags (--benchmark_filter=REGEX, --benchmark_repetitions=N, ...)\n"
         "  apply too; benchmark names are <shape>/<path or peer>.\n",
         program);
}

/* Takes our own flags out of argv; false on a bad value. */
static bool parse_options(int *argc, char **argv, options *o) {
  int kept = 1;
  for (int i = 1; i < *argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--summary") == 0) {
      o->mode = MODE_SUMMARY;
    } else if (strcmp(arg, "--full") == 0) {
      o->mode = MODE_FULL;
    } else if (strncmp(arg, "--threads=", 10) == 0) {
      char *end = NULL;
      const long threads = strtol(arg + 10, &end, 10);
      if (end == arg + 10 || *end != '\0' || threads < 1 || threads > 1024) {
        fprintf(stderr, "--threads wants a count from 1 to 1024, got '%s'\n", arg + 10);
        return false;
      }
      o->threads = (int)threads;
    } else if (strncmp(arg, "--summary-out=", 14) == 0) {
      o->summary_out = arg + 14;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage(argv[0]);
      exit(0);
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  argv[kept] = NULL;
  return true;
}

static bool has_flag(int argc, char **argv, const char *prefix) {
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], prefix, strlen(prefix)) == 0) return true;
  }
  return false;
}

/* The value of the last "--name=value" in argv, or `fallback`. */
static const char *flag_value(int argc, char **argv, const char *prefix, const char *fallback) {
  const char *value = fallback;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], prefix, strlen(prefix)) == 0) value = argv[i] + strlen(prefix);
  }
  return value;
}

/* argv with the mode's defaults placed before the user's flags (later flags
 * win, so the user can still override any of them). */
static int with_mode_defaults(bench_mode mode, int argc, char **argv, char **out) {
  /* Repetitions in random order across every benchmark: on a shared
   * machine a slow spell then falls on every runner alike, not on whichever
   * ran its repetitions during it. */
  static char *summary_defaults[] = {"--benchmark_min_time=0.05", "--benchmark_repetitions=3",
                                     "--benchmark_report_aggregates_only=true",
                                     "--benchmark_enable_random_interleaving=true"};
  static char *full_defaults[] = {"--benchmark_min_time=0.2", "--benchmark_repetitions=5",
                                  "--benchmark_report_aggregates_only=true",
                                  "--benchmark_enable_random_interleaving=true"};
  static char *full_out[] = {"--benchmark_out=dwconv1d_bench.json", "--benchmark_out_format=json"};
  int n = 0;
  out[n++] = argv[0];
  if (mode == MODE_SUMMARY) {
    for (size_t i = 0; i < sizeof summary_defaults / sizeof *summary_defaults; i++)
      out[n++] = summary_defaults[i];
  } else if (mode == MODE_FULL) {
    for (size_t i = 0; i < sizeof full_defaults / sizeof *full_defaults; i++)
      out[n++] = full_defaults[i];
    if (!has_flag(argc, argv, "--benchmark_out=")) {
      for (size_t i = 0; i < 2; i++) out[n++] = full_out[i];
    }
  }
  for (int i = 1; i < argc && n < MAX_ARGS - 1; i++) out[n++] = argv[i];
  out[n] = NULL;
  return n;
}

/* "Intel(R) Xeon(R) ..." from /proc/cpuinfo, or "unknown CPU". */
static void cpu_model(char *text, size_t size) {
  snprintf(text, size, "unknown CPU");
  FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
  if (cpuinfo == NULL) return;
  char line[512];
  while (fgets(line, sizeof line, cpuinfo) != NULL) {
    if (strncmp(line, "model name", 10) != 0) continue;
    const char *colon = strchr(line, ':');
    if (colon == NULL) continue;
    snprintf(text, size, "%s", colon + 2);
    text[strcspn(text, "\n")] = '\0';
    break;
  }
  fclose(cpuinfo);
}

static long cache_bytes(int level) {
  long bytes = -1;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
  bytes = sysconf(level == 1 ? _SC_LEVEL1_DCACHE_SIZE
                             : level == 2 ? _SC_LEVEL2_CACHE_SIZE : _SC_LEVEL3_CACHE_SIZE);
#else
  (void)level;
#endif
  return bytes;
}

/* Appends printf-formatted text to a growing buffer. */
static void append(char *buffer, size_t size, const char *format, ...) {
  const size_t used = strlen(buffer);
  if (used + 1 >= size) return;
  va_list args;
  va_start(args, format);
  vsnprintf(buffer + used, size - used, format, args);
  va_end(args);
}

static void add_context_number(const char *key, double value) {
  char text[64];
  snprintf(text, sizeof text, "%.6g", value);
  bench_add_context(key, text);
}

/* Machine, limits, paths and peers: printed before the run and at the top of
 * the summary, and stored in the JSON context. */
static void describe_run(char *text, size_t size, const options *o, const char *repetitions,
                         const char *min_time, bool interleaved, const char *peer_lines) {
  const bench_mode mode = o->mode;
  char model[256];
  cpu_model(model, sizeof model);
  text[0] = '\0';
  char threads[96];
  if (o->threads > 1) {
    snprintf(threads, sizeof threads, "%d threads (wall-clock time)", o->threads);
  } else {
    snprintf(threads, sizeof threads, "single thread (thread CPU time)");
  }
  append(text, size, "dwconv1d %s benchmark (%s mode), %s; figures are the %s of %s "
                     "repetition(s), each at least %s s%s\n",
         dwconv1d_version(), mode == MODE_SUMMARY ? "summary" : mode == MODE_FULL ? "full" : "plain",
         threads,
         strcmp(repetitions, "1") == 0 ? "result" : "median", repetitions, min_time,
         interleaved ? ", in random order across all benchmarks" : "");
  append(text, size, "machine: %s; %ld CPUs online; L1d %ld KiB, L2 %ld KiB, L3 %ld KiB per sysconf\n",
         model, sysconf(_SC_NPROCESSORS_ONLN), cache_bytes(1) / 1024, cache_bytes(2) / 1024,
         cache_bytes(3) / 1024);
  append(text, size, "limits measured at start-up (best of 25 short samples, thread CPU time):\n  peak:");
  for (size_t isa = 0; isa < BENCH_ISA_SLOTS; isa++) {
    if (limits.peak_flops[isa] <= 0.0) continue;
    append(text, size, " %s %.1f GFLOP/s (%s)", dwconv1d_isa_name((dwconv1d_isa)isa),
           limits.peak_flops[isa] * 1e-9, limits.peak_method[isa]);
  }
  append(text, size, "\n  copy bandwidth: %.1f GB/s (memcpy of %zu MiB, bytes read + written)\n",
         limits.dram_copy_bytes_per_second * 1e-9, limits.dram_copy_buffer_bytes >> 20);
  append(text, size, "paths:");
  for (dwconv1d_isa isa = DWCONV1D_ISA_SCALAR; dwconv1d_isa_name(isa) != NULL; isa++) {
    append(text, size, " %s%s", dwconv1d_isa_name(isa),
           dwconv1d_isa_supported(isa) ? "" : " (not on this CPU)");
  }
  const char *variable = getenv("DWCONV1D_ISA");
  append(text, size, "; %s%s%s picks %s (marked *)\n", variable ? "DWCONV1D_ISA=" : "auto",
         variable ? variable : "", variable ? " (from the environment)" : "",
         auto_kind < kind_count ? kinds[auto_kind].name : "an unknown path (see the error above)");
  append(text, size, "%s", peer_lines);
  append(text, size, "every path and peer is checked once against the scalar path before it is "
                     "timed; a mismatch is reported and not timed\n");
}

static void add_context(int threads) {
  bench_add_context("dwconv1d_version", dwconv1d_version());
  bench_add_context("auto_isa", auto_kind < kind_count ? kinds[auto_kind].name : "unknown");
  add_context_number("threads", threads);
  for (size_t isa = 0; isa < BENCH_ISA_SLOTS; isa++) {
    if (limits.peak_flops[isa] <= 0.0) continue;
    char key[64];
    snprintf(key, sizeof key, "peak_gflops_%s", dwconv1d_isa_name((dwconv1d_isa)isa));
    add_context_number(key, limits.peak_flops[isa] * 1e-9);
  }
  add_context_number("copy_gbps_dram", limits.dram_copy_bytes_per_second * 1e-9);
  for (size_t i = 0; i < bench_shape_count; i++) {
    char key[64], description[128], value[320];
    snprintf(key, sizeof key, "shape_%s", bench_shapes[i].name);
    bench_shape_describe(&bench_shapes[i], description, sizeof description);
    snprintf(value, sizeof value, "%s | %s", description, bench_shapes[i].source);
    bench_add_context(key, value);
  }
}

/* Adds dwconv1d's paths that this CPU runs (on `threads` threads, plus the
 * auto path on 1 thread to compare with), then the peers that start. */
static void gather_runners(int threads, char *peer_lines, size_t size) {
  dwconv1d_isa auto_isa = DWCONV1D_ISA_SCALAR;
  const bool auto_known = dwconv1d_active_isa(&auto_isa) == DWCONV1D_OK;
  if (!auto_known) fprintf(stderr, "*** which path auto picks: %s\n", dwconv1d_last_error());
  for (dwconv1d_isa isa = DWCONV1D_ISA_SCALAR; dwconv1d_isa_name(isa) != NULL; isa++) {
    if (!dwconv1d_isa_supported(isa) || kind_count == MAX_KINDS) continue;
    if (auto_known && isa == auto_isa) auto_kind = kind_count;
    kinds[kind_count++] = bench_dwconv1d_runner(isa, (size_t)threads, dwconv1d_isa_name(isa));
  }
  if (threads > 1 && auto_kind < kind_count && kind_count < MAX_KINDS) {
    static char single_thread_name[48];
    snprintf(single_thread_name, sizeof single_thread_name, "%s_1t", kinds[auto_kind].name);
    kinds[kind_count++] = bench_dwconv1d_runner(kinds[auto_kind].isa, 1, single_thread_name);
  }
  peer_lines[0] = '\0';
#if defined(BENCH_HAVE_ONEDNN) || defined(BENCH_HAVE_XNNPACK)
  char info[256];
#endif
#ifdef BENCH_HAVE_ONEDNN
  if (bench_onednn_init(threads, info, sizeof info)) {
    kinds[kind_count++] = bench_onednn_plain;
    kinds[kind_count++] = bench_onednn_blocked;
    append(peer_lines, size, "peer: %s; 'oneDNN' in the shape's own layout (nhwc/nchw), "
                             "'oneDNN-blk' in its preferred blocked layout: reorders not timed\n",
           info);
  } else {
    append(peer_lines, size, "peer: %s\n", info);
  }
#else
  append(peer_lines, size, "peer: oneDNN not built in (libdnnl-dev missing or -Dpeers=disabled)\n");
#endif
#ifdef BENCH_HAVE_XNNPACK
  if (bench_xnnpack_init(threads, info, sizeof info)) {
    kinds[kind_count++] = bench_xnnpack_nhwc;
    append(peer_lines, size, "peer: %s; NHWC, channels_first shapes on a transposed copy: "
                             "transposes not timed\n", info);
  } else {
    append(peer_lines, size, "peer: %s\n", info);
  }
#else
  append(peer_lines, size, "peer: XNNPACK not built in (libxnnpack-dev missing or -Dpeers=disabled)\n");
#endif
}

static void shutdown_peers(void) {
#ifdef BENCH_HAVE_ONEDNN
  bench_onednn_shutdown();
#endif
#ifdef BENCH_HAVE_XNNPACK
  bench_xnnpack_shutdown();
#endif
}

static size_t register_cases(bench_clock clock) {
  const size_t count = bench_shape_count * kind_count;
  cases = calloc(count, sizeof *cases);
  cells = calloc(count, sizeof *cells);
  median_seen = calloc(count, sizeof *median_seen);
  footprint_bytes = calloc(bench_shape_count, sizeof *footprint_bytes);
  if (!cases || !cells || !median_seen || !footprint_bytes) return 0;
  for (size_t i = 0; i < bench_shape_count; i++) {
    for (size_t k = 0; k < kind_count; k++) {
      bench_case *c = &cases[i * kind_count + k];
      c->index = i * kind_count + k;
      c->shape = &bench_shapes[i];
      c->kind = &kinds[k];
      snprintf(c->name, sizeof c->name, "%s/%s", c->shape->name, c->kind->name);
      bench_register(c->name, run_case, c, clock);
    }
  }
  return count;
}

static void print_summary(const options *o, const char *preamble) {
  const bench_summary summary = {
      .preamble = preamble,
      .limits = &limits,
      .kinds = kinds,
      .kind_count = kind_count,
      .auto_kind = auto_kind < kind_count ? auto_kind : kind_count,
      .cells = cells,
      .footprint_bytes = footprint_bytes,
      .l2_bytes = cache_bytes(2) > 0 ? (size_t)cache_bytes(2) : (size_t)1 << 20,
      .threads = o->threads,
  };
  printf("\n");
  bench_summary_print(stdout, &summary);
  if (o->summary_out == NULL) return;
  FILE *file = fopen(o->summary_out, "w");
  if (file == NULL) {
    fprintf(stderr, "cannot write %s\n", o->summary_out);
    return;
  }
  bench_summary_print(file, &summary);
  fclose(file);
}

int main(int argc, char **argv) {
  options o = {MODE_PLAIN, 1, NULL};
  if (!parse_options(&argc, argv, &o)) return 2;
  char pool_info[256];
  if (o.threads > 1 && !bench_dwconv1d_pool_init((size_t)o.threads, pool_info, sizeof pool_info)) {
    fprintf(stderr, "--threads=%d: %s\n", o.threads, pool_info);
    return 2;
  }
  char *bench_argv[MAX_ARGS];
  int bench_argc = with_mode_defaults(o.mode, argc, argv, bench_argv);
  /* Read before Google Benchmark consumes its flags. */
  const char *repetitions = flag_value(bench_argc, bench_argv, "--benchmark_repetitions=", "1");
  const char *min_time = flag_value(bench_argc, bench_argv, "--benchmark_min_time=", "0.5");
  const bool json_display =
      strcmp(flag_value(bench_argc, bench_argv, "--benchmark_format=", "console"), "json") == 0;
  /* read before Google Benchmark takes its flags out of argv */
  const bool interleaved = strcmp(flag_value(bench_argc, bench_argv,
                                             "--benchmark_enable_random_interleaving=", "false"),
                                  "true") == 0;
  if (!bench_initialize(&bench_argc, bench_argv)) return 2;

  fprintf(stderr, "measuring this machine's limits...\n");
  bench_measure_limits(&limits);
  char peer_lines[1024];
  gather_runners(o.threads, peer_lines, sizeof peer_lines);
  if (o.threads > 1) {
    append(peer_lines, sizeof peer_lines, "threads: %s; %s_1t is the auto path on 1 thread, "
                                          "timed the same way, for the speed-up\n",
           pool_info, auto_kind < kind_count ? kinds[auto_kind].name : "(none)");
  }
  static char preamble[4096];
  describe_run(preamble, sizeof preamble, &o, repetitions, min_time, interleaved, peer_lines);
  fputs(preamble, stderr);
  add_context(o.threads);

  size_t case_count = register_cases(o.threads > 1 ? BENCH_CLOCK_WALL : BENCH_CLOCK_THREAD_CPU);
  if (case_count == 0) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  const bench_display display = o.mode == MODE_SUMMARY ? BENCH_DISPLAY_QUIET
                                : json_display         ? BENCH_DISPLAY_JSON
                                                       : BENCH_DISPLAY_CONSOLE;
  bench_run(display, collect, &case_count);
  release_shape();
  print_summary(&o, preamble);

  bench_shutdown();
  shutdown_peers();
  bench_dwconv1d_pool_shutdown();
  free(cases);
  free(cells);
  free(median_seen);
  free(footprint_bytes);
  return 0;
}
