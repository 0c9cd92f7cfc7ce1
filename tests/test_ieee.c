/* SPEC §4 beyond plain accuracy, on every supported ISA:
 *  - NaN and +-Inf in input, kernel or bias come out exactly where the
 *    double reference (IEEE arithmetic on SPEC §1's formula) puts them;
 *  - the caller's floating-point control state (MXCSR / FPCR) is unchanged;
 *  - no access outside the caller's buffers: each buffer sits flush against
 *    an inaccessible page, at its end or at its start (also at odd float
 *    offsets), and the kernel and bias are unmapped once the layer exists. */
#define _DEFAULT_SOURCE /* mmap flags, sigaction, sysconf */

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reference.h"
#include "test_common.h"

static test_counts counts;
static uint64_t seed;

typedef struct problem_storage {
  ref_problem problem;
  float *input, *kernel, *bias;
  size_t n_input, n_kernel, n_bias;
} problem_storage;

static void storage_alloc(problem_storage *s, const dwconv1d_params *p, size_t batch,
                          size_t channels, size_t steps) {
  memset(s, 0, sizeof *s);
  s->n_input = batch * channels * steps;
  s->n_kernel = p->kernel_size * channels * p->depth_multiplier;
  s->n_bias = channels * p->depth_multiplier;
  s->input = malloc(s->n_input * sizeof(float));
  s->kernel = malloc(s->n_kernel * sizeof(float));
  s->bias = malloc(s->n_bias * sizeof(float));
  if (!s->input || !s->kernel || !s->bias) {
    fprintf(stderr, "out of memory in the test\n");
    exit(EXIT_FAILURE);
  }
  const ref_problem pr = {*p, batch, channels, steps, s->input, s->kernel,
                          p->use_bias ? s->bias : NULL};
  s->problem = pr;
}

static void storage_free(problem_storage *s) {
  free(s->input);
  free(s->kernel);
  free(s->bias);
}

/* Finite values away from zero, so products never hide an Inf as 0*Inf
 * except where a padding zero meets a non-finite weight (SPEC §1 literal). */
static void fill_nonzero(test_rng *r, float *dst, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double v = test_rng_uniform(r, 0.25, 1.0);
    dst[i] = (float)(test_rng_range(r, 0, 1) ? v : -v);
  }
}

static void plant(test_rng *r, float *dst, size_t n, const float *specials, size_t n_specials,
                  size_t how_many) {
  for (size_t i = 0; i < how_many; ++i)
    dst[test_rng_range(r, 0, n - 1)] = specials[test_rng_range(r, 0, n_specials - 1)];
}

/* ------------------------------------------------------------------ */
/* NaN / Inf propagation                                               */

enum target { in_input, in_kernel, in_bias };
static const char *const target_names[] = {"input", "kernel", "bias"};

static void run_special_case(const dwconv1d_params *p, size_t channels, size_t steps,
                             enum target where, bool nan_only, size_t case_index) {
  problem_storage s;
  storage_alloc(&s, p, 2, channels, steps);
  test_rng r = test_rng_make(seed ^ 0x1EEE, case_index);
  fill_nonzero(&r, s.input, s.n_input);
  fill_nonzero(&r, s.kernel, s.n_kernel);
  fill_nonzero(&r, s.bias, s.n_bias);
  const float specials[] = {NAN, INFINITY, -INFINITY};
  const size_t n_specials = nan_only ? 1 : 3;
  switch (where) {
  case in_input: plant(&r, s.input, s.n_input, specials, n_specials, 3); break;
  case in_kernel: plant(&r, s.kernel, s.n_kernel, specials, n_specials, 2); break;
  case in_bias: plant(&r, s.bias, s.n_bias, specials, n_specials, 2); break;
  }
  ref_expectation ex;
  if (!test_count(&counts, ref_expectation_compute(&s.problem, &ex))) {
    test_report_failure("the test built an invalid case", seed, case_index, DWCONV1D_ISA_SCALAR,
                        &s.problem, NULL, NULL);
    storage_free(&s);
    return;
  }
  for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)k)) continue;
    if (!test_count(&counts, test_run_and_check(&s.problem, &ex, (dwconv1d_isa)k, seed,
                                                case_index, NULL)))
      printf("  (special values in the %s)\n", target_names[where]);
  }
  ref_expectation_free(&ex);
  storage_free(&s);
}

/* Elementwise activations whose Keras formula gives NaN for NaN on every
 * branch (clamps and where()-based ones may legitimately return a number),
 * plus the axis ones, where a NaN spoils its row (softmax, log_softmax) or
 * its pair (glu). */
static const dwconv1d_activation nan_activations[] = {
    DWCONV1D_ACTIVATION_LINEAR,      DWCONV1D_ACTIVATION_LEAKY_RELU,
    DWCONV1D_ACTIVATION_ELU,         DWCONV1D_ACTIVATION_SELU,
    DWCONV1D_ACTIVATION_CELU,        DWCONV1D_ACTIVATION_SIGMOID,
    DWCONV1D_ACTIVATION_SILU,        DWCONV1D_ACTIVATION_GELU,
    DWCONV1D_ACTIVATION_GELU_APPROXIMATE, DWCONV1D_ACTIVATION_TANH,
    DWCONV1D_ACTIVATION_TANH_SHRINK, DWCONV1D_ACTIVATION_SOFTPLUS,
    DWCONV1D_ACTIVATION_SOFTSIGN,    DWCONV1D_ACTIVATION_MISH,
    DWCONV1D_ACTIVATION_EXPONENTIAL, DWCONV1D_ACTIVATION_LOG_SIGMOID,
    DWCONV1D_ACTIVATION_SQUAREPLUS,  DWCONV1D_ACTIVATION_SOFTMAX,
    DWCONV1D_ACTIVATION_LOG_SOFTMAX, DWCONV1D_ACTIVATION_GLU,
};

static void test_special_values(void) {
  size_t index = 0;
  const double t0 = test_now();
  for (int padding = 0; padding <= DWCONV1D_PADDING_CAUSAL; ++padding)
    for (int format = 0; format <= DWCONV1D_CHANNELS_FIRST; ++format)
      for (int variant = 0; variant < 3; ++variant) {
        static const size_t kernels[] = {1, 3, 5}, multipliers[] = {1, 3, 2};
        dwconv1d_params p = dwconv1d_params_default(kernels[variant]);
        p.padding = (dwconv1d_padding)padding;
        p.data_format = (dwconv1d_data_format)format;
        p.depth_multiplier = multipliers[variant];
        if (variant == 1) p.dilation_rate = 2;
        if (variant == 2) p.strides = 2;
        for (int where = in_input; where <= in_bias; ++where)
          run_special_case(&p, 19, 23, (enum target)where, false, index++);
      }
  /* NaN through activations; 20 channels and 24 steps keep GLU's axis even. */
  for (size_t a = 0; a < sizeof nan_activations / sizeof nan_activations[0]; ++a)
    for (int format = 0; format <= DWCONV1D_CHANNELS_FIRST; ++format) {
      dwconv1d_params p = dwconv1d_params_default(3);
      p.padding = DWCONV1D_PADDING_SAME;
      p.data_format = (dwconv1d_data_format)format;
      p.activation = nan_activations[a];
      run_special_case(&p, 20, 24, in_input, true, index++);
    }
  printf("special values: %zu cases, %.2f s\n", index, test_now() - t0);
}

/* ------------------------------------------------------------------ */
/* The caller's floating-point control state                           */

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_FP_CONTROL 1
static const char fp_control_name[] = "MXCSR";
/* DAZ, exception masks, rounding control, FTZ; the low six bits are
 * sticky status flags that arithmetic sets legitimately. */
static const uint32_t fp_control_mask = 0xFFC0u;
static uint32_t read_fp_control(void) {
  uint32_t v;
  __asm__ volatile("stmxcsr %0" : "=m"(v));
  return v;
}
static void write_fp_control(uint32_t v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }
/* default; round toward zero + FTZ + DAZ; round down. */
static const uint32_t fp_states[] = {0x1F80u, 0x1F80u | 0x6000u | 0x8000u | 0x0040u,
                                     0x1F80u | 0x2000u};
#elif defined(__aarch64__)
#define HAVE_FP_CONTROL 1
static const char fp_control_name[] = "FPCR";
static const uint32_t fp_control_mask = 0xFFFFFFFFu; /* FPCR holds no status bits */
static uint32_t read_fp_control(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, fpcr" : "=r"(v));
  return (uint32_t)v;
}
static void write_fp_control(uint32_t v) {
  const uint64_t w = v;
  __asm__ volatile("msr fpcr, %0" : : "r"(w));
}
/* default; round toward zero (RMode 3) + flush-to-zero; round down (RMode 2). */
static const uint32_t fp_states[] = {0u, (3u << 22) | (1u << 24), 2u << 22};
#else
#define HAVE_FP_CONTROL 0
#endif

#if HAVE_FP_CONTROL
static void check_fp_control(const char *when, dwconv1d_isa isa, dwconv1d_activation a,
                             uint32_t want) {
  const uint32_t got = read_fp_control();
  if (!test_count(&counts, (got & fp_control_mask) == (want & fp_control_mask)))
    printf("FAIL %s changed after %s: isa=%s activation=%s: 0x%08x, caller set 0x%08x\n",
           fp_control_name, when, test_isa_label(isa), dwconv1d_activation_name(a),
           (unsigned)got, (unsigned)want);
}

static void test_fp_control(void) {
  const uint32_t original = read_fp_control();
  static const dwconv1d_activation acts[] = {
      DWCONV1D_ACTIVATION_LINEAR, DWCONV1D_ACTIVATION_GELU, DWCONV1D_ACTIVATION_MISH,
      DWCONV1D_ACTIVATION_EXPONENTIAL, DWCONV1D_ACTIVATION_SOFTMAX, DWCONV1D_ACTIVATION_GLU,
      DWCONV1D_ACTIVATION_SPARSEMAX};
  for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k) {
    const dwconv1d_isa isa = (dwconv1d_isa)k;
    if (!dwconv1d_isa_supported(isa)) continue;
    for (size_t st = 0; st < sizeof fp_states / sizeof fp_states[0]; ++st)
      for (size_t a = 0; a < sizeof acts / sizeof acts[0]; ++a) {
        dwconv1d_params p = dwconv1d_params_default(3);
        p.activation = acts[a];
        p.padding = DWCONV1D_PADDING_SAME;
        problem_storage s;
        storage_alloc(&s, &p, 1, 18, 40);
        test_rng r = test_rng_make(seed ^ 0xF9C7, st * 16 + a);
        test_fill_uniform(&r, s.input, s.n_input, -3.0, 3.0);
        test_fill_uniform(&r, s.kernel, s.n_kernel, -1.0, 1.0);
        test_fill_uniform(&r, s.bias, s.n_bias, -1.0, 1.0);
        float output[18 * 40];
        dwconv1d_set_isa(isa);
        write_fp_control(fp_states[st]);
        dwconv1d_layer *layer = NULL;
        const dwconv1d_status created =
            dwconv1d_layer_create(&p, 18, s.kernel, s.bias, &layer);
        check_fp_control("dwconv1d_layer_create", isa, acts[a], fp_states[st]);
        if (created == DWCONV1D_OK) {
          dwconv1d_layer_forward(layer, 1, 40, s.input, output);
          check_fp_control("dwconv1d_layer_forward", isa, acts[a], fp_states[st]);
        }
        write_fp_control(original);
        if (!test_count(&counts, created == DWCONV1D_OK))
          printf("FAIL create under %s 0x%08x: %s\n", fp_control_name, (unsigned)fp_states[st],
                 dwconv1d_last_error());
        dwconv1d_layer_destroy(layer);
        storage_free(&s);
      }
  }
}
#else
static void test_fp_control(void) {
  printf("SKIP floating-point control state: no MXCSR/FPCR check for this architecture\n");
  counts.skipped++;
}
#endif

/* ------------------------------------------------------------------ */
/* Guard pages                                                         */

typedef struct guarded {
  unsigned char *map;
  size_t map_size;
  float *data;
} guarded;

enum placement { flush_end, flush_start, start_plus_1, start_plus_3, placement_count };
static const char *const placement_names[] = {"flush against the following page",
                                              "flush against the preceding page",
                                              "1 float after the preceding page",
                                              "3 floats after the preceding page"};
static const size_t placement_offsets[] = {0, 0, 1, 3};

/* The buffers of the run in progress, for the SIGSEGV report. */
static const char *const buffer_names[] = {"input", "kernel", "bias", "output"};
static guarded *current_buffers[4];
static char current_case[640];

static void on_segv(int sig, siginfo_t *info, void *context) {
  (void)context;
  char line[900];
  const unsigned char *addr = info->si_addr;
  const char *which = "unknown memory";
  for (int i = 0; i < 4; ++i) {
    const guarded *g = current_buffers[i];
    if (g && g->map && addr >= g->map && addr < g->map + g->map_size) which = buffer_names[i];
  }
  const int n = snprintf(line, sizeof line,
                         "FAIL out-of-bounds access (signal %d) near the %s buffer at %p: %s\n",
                         sig, which, (void *)addr, current_case);
  if (n > 0) {
    const ssize_t ignored = write(STDOUT_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    (void)ignored;
  }
  _exit(EXIT_FAILURE);
}

static void install_segv_handler(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

/* n floats with an inaccessible page on each side of the data pages; the
 * buffer touches one of them as `where` says. */
static float *guarded_alloc(guarded *g, size_t n, enum placement where) {
  const size_t page = page_size();
  const size_t offset = placement_offsets[where];
  const size_t bytes = (n + offset) * sizeof(float);
  const size_t data_pages = bytes ? (bytes + page - 1) / page : 1;
  g->map_size = (data_pages + 2) * page;
  void *map = mmap(NULL, g->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    perror("mmap");
    exit(EXIT_FAILURE);
  }
  g->map = map;
  if (mprotect(g->map, page, PROT_NONE) != 0 ||
      mprotect(g->map + (data_pages + 1) * page, page, PROT_NONE) != 0) {
    perror("mprotect");
    exit(EXIT_FAILURE);
  }
  if (where == flush_end)
    g->data = (float *)(void *)(g->map + (data_pages + 1) * page - n * sizeof(float));
  else
    g->data = (float *)(void *)(g->map + page + offset * sizeof(float));
  return g->data;
}

static void guarded_free(guarded *g) {
  if (g->map) munmap(g->map, g->map_size);
  memset(g, 0, sizeof *g);
}

typedef struct guard_shape {
  size_t batch, channels, steps, kernel_size, depth_multiplier, strides, dilation_rate;
  dwconv1d_padding padding;
  dwconv1d_activation activation;
} guard_shape;

/* Channel counts around and between the vector widths (4, 8, 16), kernels
 * longer than the input, every axis activation (GLU shapes keep both
 * layouts' last axis even). */
static const guard_shape guard_shapes[] = {
    {1, 1, 1, 1, 1, 1, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR},
    {3, 3, 7, 3, 1, 1, 1, DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_RELU},
    {1, 13, 33, 5, 3, 1, 1, DWCONV1D_PADDING_CAUSAL, DWCONV1D_ACTIVATION_GELU},
    {2, 17, 50, 4, 2, 3, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_SIGMOID},
    {1, 31, 64, 7, 1, 1, 2, DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_LINEAR},
    {1, 67, 129, 31, 1, 1, 1, DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_TANH},
    {1, 33, 10, 87, 1, 1, 1, DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_LINEAR},
    {1, 129, 40, 3, 2, 1, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_GLU},
    {2, 5, 201, 9, 8, 1, 1, DWCONV1D_PADDING_CAUSAL, DWCONV1D_ACTIVATION_SOFTMAX},
    {1, 23, 19, 2, 1, 2, 1, DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_SPARSEMAX},
    {3, 48, 5, 3, 1, 1, 1, DWCONV1D_PADDING_CAUSAL, DWCONV1D_ACTIVATION_LOG_SOFTMAX},
    {1, 9, 300, 63, 1, 1, 4, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_MISH},
    /* Strides 2, 256 outputs (whole blocks on every path): channels_first
     * loads pairs of vectors, reaching one float past a block's last tap,
     * which here is the input's last float (515) or would lie past it (514). */
    {1, 3, 515, 4, 1, 2, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR},
    {1, 3, 514, 4, 1, 2, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_RELU},
    /* The same with K = 11: on AVX2 the floats after a block (K - 1 = 10)
     * take two vectors, whose last float is the input's last (522) or
     * would lie past it (521). */
    {1, 3, 522, 11, 1, 2, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR},
    {1, 3, 521, 11, 1, 2, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR},
    /* Strides 2, K 7, 256 outputs (the last one's last tap on float 516
     * of 518): a row is one run of four whole blocks on AVX2, whose first
     * two go as a row's parts side by side (rows_halves_k); their last
     * group reads the 8 floats after their input, past the row's end had
     * the run's last block gone so too. */
    {1, 3, 518, 7, 1, 2, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR},
    /* Stride 1, 128 outputs (one whole block of 8 vectors on AVX-512):
     * channels_first's block reads its last taps' floats, up to the input's
     * last, as a short vector. */
    {1, 3, 132, 5, 1, 1, 1, DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR},
};

static void run_guarded(const guard_shape *gs, dwconv1d_data_format format,
                        enum placement where, dwconv1d_isa isa, size_t case_index) {
  dwconv1d_params p = dwconv1d_params_default(gs->kernel_size);
  p.depth_multiplier = gs->depth_multiplier;
  p.strides = gs->strides;
  p.dilation_rate = gs->dilation_rate;
  p.padding = gs->padding;
  p.activation = gs->activation;
  p.data_format = format;

  problem_storage s;
  storage_alloc(&s, &p, gs->batch, gs->channels, gs->steps);
  test_rng r = test_rng_make(seed ^ 0x6A4D, case_index);
  test_fill_uniform(&r, s.input, s.n_input, -2.0, 2.0);
  test_fill_uniform(&r, s.kernel, s.n_kernel, -1.0, 1.0);
  test_fill_uniform(&r, s.bias, s.n_bias, -1.0, 1.0);
  ref_expectation ex;
  if (!test_count(&counts, ref_expectation_compute(&s.problem, &ex))) {
    test_report_failure("the test built an invalid case", seed, case_index, isa, &s.problem,
                        NULL, NULL);
    storage_free(&s);
    return;
  }

  guarded g[4];
  memset(g, 0, sizeof g);
  float *input = guarded_alloc(&g[0], s.n_input, where);
  float *kernel = guarded_alloc(&g[1], s.n_kernel, where);
  float *bias = guarded_alloc(&g[2], s.n_bias, where);
  float *output = guarded_alloc(&g[3], ex.dims.count, where);
  memcpy(input, s.input, s.n_input * sizeof(float));
  memcpy(kernel, s.kernel, s.n_kernel * sizeof(float));
  memcpy(bias, s.bias, s.n_bias * sizeof(float));
  memset(output, 0xFF, ex.dims.count * sizeof(float)); /* NaN: unwritten elements fail */
  for (int i = 0; i < 4; ++i) current_buffers[i] = &g[i];
  char params[512];
  test_describe_problem(params, sizeof params, &s.problem);
  snprintf(current_case, sizeof current_case, "isa=%s buffers %s; %s", test_isa_label(isa),
           placement_names[where], params);

  bool ok = dwconv1d_set_isa(isa) == DWCONV1D_OK;
  dwconv1d_layer *layer = NULL;
  ok = ok && dwconv1d_layer_create(&p, gs->channels, kernel, bias, &layer) == DWCONV1D_OK;
  /* The layer keeps copies: the caller's weights may go away now. */
  guarded_free(&g[1]);
  guarded_free(&g[2]);
  ok = ok && dwconv1d_layer_forward(layer, gs->batch, gs->steps, input, output) == DWCONV1D_OK;
  if (!ok) printf("FAIL %s: %s\n", current_case, dwconv1d_last_error());
  test_verdict v = test_judge(output, &ex);
  if (ok && !v.ok) test_report_failure(placement_names[where], seed, case_index, isa, &s.problem, &ex, &v);
  test_count(&counts, ok && v.ok);
  dwconv1d_layer_destroy(layer);
  for (int i = 0; i < 4; ++i) {
    current_buffers[i] = NULL;
    guarded_free(&g[i]);
  }
  ref_expectation_free(&ex);
  storage_free(&s);
}

static void test_guard_pages(void) {
  install_segv_handler();
  const double t0 = test_now();
  size_t index = 0;
  for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)k)) {
      printf("SKIP guard pages on %s: not supported on this CPU\n",
             test_isa_label((dwconv1d_isa)k));
      counts.skipped++;
      continue;
    }
    for (size_t i = 0; i < sizeof guard_shapes / sizeof guard_shapes[0]; ++i)
      for (int format = 0; format <= DWCONV1D_CHANNELS_FIRST; ++format)
        for (int where = 0; where < placement_count; ++where)
          run_guarded(&guard_shapes[i], (dwconv1d_data_format)format, (enum placement)where,
                      (dwconv1d_isa)k, index++);
  }
  printf("guard pages: %zu runs, %.2f s\n", index, test_now() - t0);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* keep the lines printed before a crash */
  seed = test_seed(0x5EED0003EEEu);
  test_special_values();
  test_fp_control();
  test_guard_pages();
  dwconv1d_reset_isa();
  return test_summary("test_ieee", &counts);
}
