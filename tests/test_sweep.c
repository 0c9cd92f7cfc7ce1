/* Randomised differential sweep (checkasm style): every case runs on every
 * ISA this CPU supports and is judged against the double reference; then a
 * cross-ISA agreement check on larger, model-like shapes against the scalar
 * path. Environment: DWCONV1D_TEST_SEED, DWCONV1D_TEST_CASES (sweep size),
 * DWCONV1D_TEST_ONLY_CASE (run one case index, for reproduction). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "test_common.h"

enum {
  default_cases = 720,          /* two passes over padding x format x activation x bias */
  combos = 3 * 2 * DWCONV1D_ACTIVATION_COUNT * 2,
  sweep_budget = 300000,        /* reference multiply-adds per case, keeps the sweep fast */
  cross_cases = 24,
  cross_budget = 2000000,
  max_steps = 600,
  isa_count = TEST_ISA_LAST + 1,
};

static const size_t fixed_kernel_sizes[] = {1, 2, 3, 4, 5, 7, 9, 31, 33, 63, 87};
static const size_t edge_channels[] = {1,  2,  3,  4,  5,  7,  8,  11, 13, 15, 16,
                                       17, 23, 31, 32, 33, 47, 48, 63, 64, 65, 67, 70};

/* Owns the arrays a ref_problem points to. */
typedef struct test_case {
  ref_problem problem;
  float *input, *kernel, *bias;
} test_case;

static void case_free(test_case *tc) {
  free(tc->input);
  free(tc->kernel);
  free(tc->bias);
  memset(tc, 0, sizeof *tc);
}

static size_t effective_size(const dwconv1d_params *p) {
  return p->dilation_rate * (p->kernel_size - 1) + 1;
}

static size_t shortest_steps(const dwconv1d_params *p) {
  return p->padding == DWCONV1D_PADDING_VALID ? effective_size(p) : 1;
}

static size_t work_of(const dwconv1d_params *p, size_t batch, size_t channels, size_t steps) {
  ref_dims d;
  if (!ref_dims_compute(p, batch, channels, steps, &d)) return 0;
  return d.pre_count * p->kernel_size;
}

/* GLU needs an even last axis: C*M under channels_last, T_out otherwise. */
static void make_glu_even(const dwconv1d_params *p, size_t *channels, size_t *steps) {
  if (p->activation != DWCONV1D_ACTIVATION_GLU) return;
  if (p->data_format == DWCONV1D_CHANNELS_LAST) {
    if ((*channels * p->depth_multiplier) % 2 != 0) *channels += *channels < 70 ? 1 : -1;
    return;
  }
  for (int tries = 0; tries < 64; ++tries) {
    ref_dims d;
    if (ref_dims_compute(p, 1, *channels, *steps, &d)) return;
    ++*steps;
  }
}

static void allocate_and_fill(test_case *tc, test_rng *r, double amplitude) {
  ref_problem *pr = &tc->problem;
  const dwconv1d_params *p = &pr->params;
  const size_t n_in = pr->batch * pr->steps * pr->channels;
  const size_t n_w = p->kernel_size * pr->channels * p->depth_multiplier;
  const size_t n_b = pr->channels * p->depth_multiplier;
  tc->input = malloc((n_in ? n_in : 1) * sizeof(float));
  tc->kernel = malloc(n_w * sizeof(float));
  tc->bias = malloc(n_b * sizeof(float));
  if (tc->input == NULL || tc->kernel == NULL || tc->bias == NULL) {
    fprintf(stderr, "out of memory in the test\n");
    exit(EXIT_FAILURE);
  }
  /* Weights of variance 1/K keep z of the input's order for every K. */
  const double w = sqrt(3.0 / (double)p->kernel_size);
  test_fill_uniform(r, tc->input, n_in, -amplitude, amplitude);
  test_fill_uniform(r, tc->kernel, n_w, -w, w);
  test_fill_uniform(r, tc->bias, n_b, -1.0, 1.0);
  if (test_rng_range(r, 0, 9) == 0) /* some exact zeros */
    for (size_t i = 0; i < n_in; i += 1 + test_rng_range(r, 0, 6)) tc->input[i] = 0.0f;
  pr->input = tc->input;
  pr->kernel = tc->kernel;
  pr->bias = tc->bias;
  if (!p->use_bias) {
    /* Without use_bias the bias is ignored: pass NULL, or NaNs that would
     * show if they were read. */
    for (size_t i = 0; i < n_b; ++i) tc->bias[i] = NAN;
    if (test_rng_range(r, 0, 1)) pr->bias = NULL;
  }
}

/* Case `index` of the sweep: padding, format, activation and use_bias run
 * through every combination; the rest is random within SPEC's ranges. */
static void make_sweep_case(uint64_t seed, size_t index, test_case *tc) {
  test_rng r = test_rng_make(seed, index);
  memset(tc, 0, sizeof *tc);
  dwconv1d_params p;
  const size_t combo = index % combos;
  const size_t choice = test_rng_range(&r, 0, 11);
  p = dwconv1d_params_default(choice < 11 ? fixed_kernel_sizes[choice]
                                          : test_rng_range(&r, 1, 100));
  p.padding = (dwconv1d_padding)(combo % 3);
  p.data_format = (dwconv1d_data_format)(combo / 3 % 2);
  p.activation = (dwconv1d_activation)(combo / 6 % DWCONV1D_ACTIVATION_COUNT);
  p.use_bias = combo / (6 * DWCONV1D_ACTIVATION_COUNT) % 2 == 0;
  switch (test_rng_range(&r, 0, 2)) { /* strides > 1 and dilation > 1 never together */
  case 0: break;
  case 1: p.strides = test_rng_range(&r, 2, 4); break;
  default: p.dilation_rate = test_rng_range(&r, 2, 8); break;
  }
  p.depth_multiplier = test_rng_range(&r, 0, 3) == 0 ? 1 : test_rng_range(&r, 1, 8);
  size_t channels = test_rng_range(&r, 0, 1)
                        ? edge_channels[test_rng_range(&r, 0, sizeof edge_channels /
                                                                  sizeof edge_channels[0] - 1)]
                        : test_rng_range(&r, 1, 70);
  size_t batch = test_rng_range(&r, 1, 3);
  const size_t shortest = shortest_steps(&p);
  const size_t longest = shortest > max_steps ? shortest + 64 : max_steps;
  size_t steps;
  switch (test_rng_range(&r, 0, 3)) {
  case 0: steps = shortest; break;
  case 1: steps = shortest + test_rng_range(&r, 1, 16); break;
  default: steps = test_rng_range(&r, shortest, longest); break;
  }
  /* Stay within the budget: fewer batches, then fewer steps, then channels. */
  while (work_of(&p, batch, channels, steps) > sweep_budget && batch > 1) --batch;
  while (work_of(&p, batch, channels, steps) > sweep_budget && steps > shortest)
    steps = shortest + (steps - shortest) / 2;
  while (work_of(&p, batch, channels, steps) > sweep_budget && channels > 1) channels /= 2;
  make_glu_even(&p, &channels, &steps);
  tc->problem.params = p;
  tc->problem.batch = batch;
  tc->problem.channels = channels;
  tc->problem.steps = steps;
  static const double amplitudes[] = {0.5, 2.0, 6.0};
  allocate_and_fill(tc, &r, amplitudes[test_rng_range(&r, 0, 2)]);
}

typedef struct isa_tally {
  bool supported;
  unsigned long passed, failed;
  double seconds;
  double worst_score[DWCONV1D_ACTIVATION_COUNT]; /* fraction of the tolerance used */
} isa_tally;

static void probe_isas(isa_tally tally[isa_count], test_counts *counts) {
  for (int i = TEST_ISA_FIRST; i <= TEST_ISA_LAST; ++i) {
    const dwconv1d_isa isa = (dwconv1d_isa)i;
    memset(&tally[i], 0, sizeof tally[i]);
    tally[i].supported = dwconv1d_isa_supported(isa);
    if (!tally[i].supported) {
      printf("SKIP %s: not supported on this CPU\n", test_isa_label(isa));
      counts->skipped++;
    }
  }
  if (!tally[DWCONV1D_ISA_SCALAR].supported) {
    printf("FAIL scalar path reported unsupported\n");
    counts->failed++;
  }
}

static void run_sweep(uint64_t seed, test_counts *counts) {
  isa_tally tally[isa_count];
  probe_isas(tally, counts);
  const size_t cases = test_env_size("DWCONV1D_TEST_CASES", default_cases);
  const char *only_text = getenv("DWCONV1D_TEST_ONLY_CASE");
  const bool only = only_text != NULL && *only_text != '\0';
  const size_t only_case = only ? test_env_size("DWCONV1D_TEST_ONLY_CASE", 0) : 0;
  double reference_seconds = 0.0;
  for (size_t i = only ? only_case : 0; i < (only ? only_case + 1 : cases); ++i) {
    test_case tc;
    make_sweep_case(seed, i, &tc);
    ref_expectation ex;
    const double t0 = test_now();
    if (!test_count(counts, ref_expectation_compute(&tc.problem, &ex))) {
      test_report_failure("the test built an invalid case", seed, i, DWCONV1D_ISA_SCALAR,
                          &tc.problem, NULL, NULL);
      case_free(&tc);
      continue;
    }
    reference_seconds += test_now() - t0;
    for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k) {
      if (!tally[k].supported) continue;
      const double t1 = test_now();
      const bool ok = test_run_and_check(&tc.problem, &ex, (dwconv1d_isa)k, seed, i, NULL);
      tally[k].seconds += test_now() - t1;
      double *worst = &tally[k].worst_score[tc.problem.params.activation];
      *worst = fmax(*worst, test_last_worst_score());
      if (ok)
        tally[k].passed++;
      else
        tally[k].failed++;
      test_count(counts, ok);
    }
    ref_expectation_free(&ex);
    case_free(&tc);
  }
  printf("sweep: reference %.2f s\n", reference_seconds);
  for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k)
    if (tally[k].supported)
      printf("sweep %-6s: %lu passed, %lu failed, %.2f s (create + forward + judge)\n",
             test_isa_label((dwconv1d_isa)k), tally[k].passed, tally[k].failed,
             tally[k].seconds);
  if (getenv("DWCONV1D_TEST_VERBOSE") == NULL) return;
  printf("largest fraction of the tolerance used, per activation:\n");
  for (int a = 0; a < DWCONV1D_ACTIVATION_COUNT; ++a) {
    printf("  %-17s", dwconv1d_activation_name((dwconv1d_activation)a));
    for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k)
      if (tally[k].supported)
        printf(" %s %.3f", test_isa_label((dwconv1d_isa)k), tally[k].worst_score[a]);
    printf("\n");
  }
}

/* strides > 1 together with dilation_rate > 1 is refused on every path. */
static void run_stride_dilation_refusal(test_counts *counts) {
  const float kernel[3 * 2] = {1, 2, 3, 4, 5, 6};
  const float bias[2] = {0, 0};
  for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)k)) continue;
    dwconv1d_set_isa((dwconv1d_isa)k);
    dwconv1d_params p = dwconv1d_params_default(3);
    p.strides = 2;
    p.dilation_rate = 2;
    dwconv1d_layer *layer = NULL;
    const dwconv1d_status st = dwconv1d_layer_create(&p, 2, kernel, bias, &layer);
    const bool ok = st == DWCONV1D_ERROR_INVALID_ARGUMENT && layer == NULL;
    if (!test_count(counts, ok))
      printf("FAIL isa=%s: strides=2 with dilation_rate=2 gave %s\n",
             test_isa_label((dwconv1d_isa)k), dwconv1d_status_string(st));
    dwconv1d_layer_destroy(layer);
  }
}

/* ------------------------------------------------------------------ */
/* Cross-ISA agreement                                                 */

static void make_cross_case(uint64_t seed, size_t index, test_case *tc) {
  static const size_t model_channels[] = {64,  96,  100, 128, 129, 192, 256,
                                          257, 320, 384, 512, 768, 1024, 1536};
  static const size_t model_kernels[] = {2, 3, 4, 5, 7, 9, 31};
  test_rng r = test_rng_make(seed ^ 0xC0550000u, index);
  memset(tc, 0, sizeof *tc);
  dwconv1d_params p = dwconv1d_params_default(model_kernels[test_rng_range(&r, 0, 6)]);
  p.padding = (dwconv1d_padding)test_rng_range(&r, 0, 2);
  p.data_format = (dwconv1d_data_format)test_rng_range(&r, 0, 1);
  p.activation = (dwconv1d_activation)(index % DWCONV1D_ACTIVATION_COUNT);
  p.use_bias = test_rng_range(&r, 0, 3) != 0;
  p.depth_multiplier = test_rng_range(&r, 1, 2);
  if (test_rng_range(&r, 0, 3) == 0) p.strides = 2;
  size_t channels = model_channels[test_rng_range(&r, 0, 13)];
  size_t steps = test_rng_range(&r, shortest_steps(&p) + 8, 1024);
  while (work_of(&p, 1, channels, steps) > cross_budget && steps > shortest_steps(&p) + 8)
    steps /= 2;
  make_glu_even(&p, &channels, &steps);
  tc->problem.params = p;
  tc->problem.batch = 1;
  tc->problem.channels = channels;
  tc->problem.steps = steps;
  allocate_and_fill(tc, &r, 2.0);
}

/* Every path must land within the SPEC §4 band around the scalar path: the
 * scalar pre-activation z_s is within e of the truth and another path's
 * within e of the truth, so the other path's z lies in z_s +- 2e; the
 * activation's band is built on that interval. */
static bool cross_check_case(uint64_t seed, size_t index, const test_case *tc) {
  const ref_problem *pr = &tc->problem;
  ref_problem linear = *pr;
  linear.params.activation = DWCONV1D_ACTIVATION_LINEAR;
  ref_dims act_dims, lin_dims;
  if (!ref_dims_compute(&pr->params, pr->batch, pr->channels, pr->steps, &act_dims) ||
      !ref_dims_compute(&linear.params, pr->batch, pr->channels, pr->steps, &lin_dims)) {
    test_report_failure("the test built an invalid case", seed, index, DWCONV1D_ISA_SCALAR, pr,
                        NULL, NULL);
    return false;
  }
  const size_t n = lin_dims.pre_count;
  float *scalar_z = malloc(n * sizeof *scalar_z);
  double *z = malloc(n * sizeof *z), *err = malloc(n * sizeof *err);
  bool ok = scalar_z != NULL && z != NULL && err != NULL;
  ref_expectation ex;
  memset(&ex, 0, sizeof ex);
  if (ok) {
    dwconv1d_set_isa(DWCONV1D_ISA_SCALAR);
    const dwconv1d_status st = test_forward_once(&linear, scalar_z);
    if (st != DWCONV1D_OK) {
      test_report_failure("scalar linear run failed", seed, index, DWCONV1D_ISA_SCALAR,
                          &linear, NULL, NULL);
      ok = false;
    }
  }
  if (ok) {
    ref_preactivation(pr, &lin_dims, z, err); /* only err is used from here */
    for (size_t i = 0; i < n; ++i) {
      z[i] = scalar_z[i];
      err[i] *= 2.0;
    }
    ok = ref_expectation_from(&pr->params, &act_dims, z, err, &ex);
  }
  for (int k = TEST_ISA_FIRST; ok && k <= TEST_ISA_LAST; ++k) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)k)) continue;
    if (!test_run_and_check(pr, &ex, (dwconv1d_isa)k, seed, index, NULL)) {
      printf("  (cross-ISA: judged against the scalar path's output +- 2e)\n");
      ok = false;
    }
  }
  ref_expectation_free(&ex);
  free(scalar_z);
  free(z);
  free(err);
  return ok;
}

static void run_cross_isa(uint64_t seed, test_counts *counts) {
  const double t0 = test_now();
  const size_t cases = test_env_size("DWCONV1D_TEST_CROSS_CASES", cross_cases);
  for (size_t i = 0; i < cases; ++i) {
    test_case tc;
    make_cross_case(seed, i, &tc);
    test_count(counts, cross_check_case(seed, i, &tc));
    case_free(&tc);
  }
  printf("cross-ISA: %zu cases, %.2f s\n", cases, test_now() - t0);
}

/* Judges one fixed case on every ISA this CPU supports, then frees it. */
static void judge_fixed_case(test_case *tc, uint64_t seed, size_t index, test_counts *counts) {
  ref_expectation ex;
  if (test_count(counts, ref_expectation_compute(&tc->problem, &ex))) {
    for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k)
      if (dwconv1d_isa_supported((dwconv1d_isa)k))
        test_count(counts,
                   test_run_and_check(&tc->problem, &ex, (dwconv1d_isa)k, seed, index, NULL));
    ref_expectation_free(&ex);
  }
  case_free(tc);
}

/* channels_last depth multipliers past the sweep's 8, around the vector
 * widths and the 2^16 up to which the AVX-512 path computes the
 * expansion's lane mapping in floating point: each output channel must
 * read input channel oc / M on every path. */
static void run_large_multipliers(uint64_t seed, test_counts *counts) {
  static const size_t multipliers[] = {9,    15,    16,    17,    31,    33,
                                        100,  1000,  65535, 65536, 65537, 70001};
  const double t0 = test_now();
  for (size_t i = 0; i < sizeof multipliers / sizeof multipliers[0]; ++i) {
    test_rng r = test_rng_make(seed ^ 0x3417000u, i);
    test_case tc;
    memset(&tc, 0, sizeof tc);
    tc.problem.params = dwconv1d_params_default(3);
    tc.problem.params.padding = DWCONV1D_PADDING_SAME;
    tc.problem.params.depth_multiplier = multipliers[i];
    tc.problem.batch = 1;
    tc.problem.channels = 3;
    tc.problem.steps = 9;
    allocate_and_fill(&tc, &r, 2.0);
    judge_fixed_case(&tc, seed, i, counts);
  }
  printf("large depth multipliers: %.2f s\n", test_now() - t0);
}

/* Fixed cases on every ISA, one data format and stride per group: batch 2,
 * inputs in [-2, 2] drawn from seed ^ salt; failures name the run's seed,
 * as the sweep's do. Each group aims at a path that the random sweep
 * reaches rarely. */
typedef struct {
  size_t k, d, channels, steps;
  dwconv1d_padding padding;
  dwconv1d_activation activation;
} fixed_case;

#define SAME DWCONV1D_PADDING_SAME
#define VALID DWCONV1D_PADDING_VALID
#define CAUSAL DWCONV1D_PADDING_CAUSAL
#define LINEAR DWCONV1D_ACTIVATION_LINEAR
#define RELU DWCONV1D_ACTIVATION_RELU
#define SILU DWCONV1D_ACTIVATION_SILU
#define GELU DWCONV1D_ACTIVATION_GELU

/* Long dilated kernels whose span the 32-register paths read in place (at
 * most 48 rows): their interior runs as phased windows. */
static const fixed_case dilated_windows[] = {
    {20, 2, 48, 300, SAME, LINEAR}, {16, 3, 33, 200, CAUSAL, RELU},
    {24, 2, 64, 500, VALID, SILU},  {17, 2, 16, 100, SAME, LINEAR},
    {16, 2, 70, 64, SAME, GELU},
};

/* Dilated kernels whose d rows span whole 4 KiB pages, where the
 * rows-of-channels tiles drop their phases while a group's rows fit 32 KiB
 * (see phases_pay; only K <= 8 can), and neighbours that keep them: the
 * random sweep's 70 channels never reach a page. */
static const fixed_case dilated_page_strides[] = {
    /* unphased: whole pages, rows of a group within 32 KiB (the fourth: 32 KiB) */
    {3, 8, 128, 300, SAME, LINEAR}, {5, 16, 64, 400, CAUSAL, RELU},
    {5, 4, 256, 200, VALID, SILU},  {8, 8, 128, 200, VALID, LINEAR},
    /* phased: whole pages, rows past 32 KiB; or no whole page */
    {9, 4, 256, 300, SAME, LINEAR}, {3, 2, 2048, 100, CAUSAL, LINEAR},
    {3, 8, 96, 300, SAME, RELU},
};

/* Dilated short kernels read without phases: dilations that are whole
 * 8-step blocks, which AVX-512 takes as pairs of blocks d apart and AVX2 as
 * pairs of half blocks, K <= 7 (see paired_block), and d = 2 or 4, whose
 * blocks share rows between taps (see conv_run_dilated), up to K = 8; a
 * tile's last channels as an overlapping whole vector where they pass one
 * (see last_overlaps), else tail vectors as general blocks.
 * dilated_page_strides' unphased cases are such blocks too. */
static const fixed_case dilated_blocks[] = {
    /* pairs */
    {3, 128, 24, 900, SAME, RELU},  /* AVX-512: a whole vector and 8 more (overlapping) */
    {3, 128, 8, 700, CAUSAL, LINEAR}, /* AVX-512: a tail only */
    {3, 256, 12, 1200, SAME, RELU},   /* AVX2: a whole vector and 4 more (overlapping) */
    {3, 256, 4, 1400, CAUSAL, LINEAR}, /* AVX2: a tail only */
    {2, 32, 32, 500, VALID, SILU},   {8, 16, 64, 300, SAME, LINEAR},
    {9, 8, 128, 300, SAME, LINEAR}, /* K = 9: general blocks */
    /* d = 2 and 4 (the last: too few steps for phases, a tail of 4) */
    {3, 2, 512, 200, SAME, LINEAR},  {7, 4, 256, 150, CAUSAL, RELU},
    {8, 4, 128, 120, VALID, GELU},   {2, 4, 20, 28, SAME, SILU},
};

/* Kernels longer than 48 rows, which the 32-register paths read in place
 * or through channel blocks by their rows' size (see reads_in_place in
 * src/layer.c), on both sides of each bound. */
static const fixed_case long_in_place[] = {
    /* in place (the fourth: a group's rows 508 KiB) */
    {63, 1, 64, 300, SAME, LINEAR}, {101, 1, 32, 400, CAUSAL, SILU},
    {75, 1, 48, 200, VALID, RELU},  {65, 1, 2000, 90, SAME, LINEAR},
    /* channel blocks: a group past 512 KiB, 4 KiB rows, a tail vector */
    {66, 1, 2000, 90, SAME, LINEAR}, {51, 1, 1024, 100, CAUSAL, LINEAR},
    {63, 1, 67, 150, SAME, RELU},
};

/* channels_first short kernels in blocks of UNROLL_T vectors along the rows
 * (see rows_one_channel_shifted): blocks that start before the row and
 * blocks cut short run on padded copies (last whole blocks past the row's
 * end in place: see row_end_tails_cf below). The steps put a whole 128-step block's end on
 * the last step whose taps are all inside the row (T 258 K5 same, 130 K3
 * valid, 256 K7 causal) or one past it (257, 129; 257 leaves a last block
 * of one step), or make a row a single short block. */
static const fixed_case rows_blocks_cf[] = {
    {5, 1, 3, 258, SAME, LINEAR},  {5, 1, 3, 257, SAME, RELU},   {3, 1, 2, 130, VALID, LINEAR},
    {3, 1, 2, 129, VALID, SILU},   {7, 1, 2, 256, CAUSAL, GELU}, {7, 1, 3, 257, CAUSAL, LINEAR},
    {15, 1, 2, 40, SAME, LINEAR},  {1, 1, 2, 300, VALID, LINEAR},
    /* a last block of half a block (64 steps on AVX-512, 32 on AVX2) and one more */
    {3, 1, 2, 192, SAME, LINEAR},  {5, 1, 2, 193, SAME, RELU},   {7, 1, 2, 96, SAME, LINEAR},
    {4, 1, 2, 97, CAUSAL, LINEAR},
};

/* The same at stride 2 (128 output steps a block: T 514 to 517 around two
 * blocks' end), and last blocks of half a block or one step more. */
static const fixed_case rows_blocks_cf_stride2[] = {
    {7, 1, 3, 514, SAME, LINEAR},  {7, 1, 2, 515, SAME, RELU},    {5, 1, 2, 516, VALID, LINEAR},
    {5, 1, 2, 517, VALID, LINEAR}, {4, 1, 3, 520, CAUSAL, SILU}, {31, 1, 2, 300, SAME, LINEAR},
    {2, 1, 2, 90, VALID, LINEAR},
    /* output steps a half block past whole ones (AVX-512, AVX2, SSE4.1) and one more */
    {7, 1, 2, 384, SAME, LINEAR},  {5, 1, 2, 386, SAME, LINEAR},  {7, 1, 2, 192, SAME, RELU},
    {3, 1, 2, 194, SAME, LINEAR},  {7, 1, 2, 400, SAME, LINEAR},  {6, 1, 2, 402, SAME, LINEAR},
};

/* channels_first rows whose first block starts at most a vector before
 * the row and runs in place, the padding read as zero lanes, where the
 * row holds the rest of its floats (rows_block_shifted_lead_any): each
 * pair is one float short of that (a padded copy) and just enough, for
 * AVX-512, AVX2 and (stride 2) SSE4.1's blocks. */
static const fixed_case first_blocks_cf[] = {
    {5, 1, 3, 129, SAME, LINEAR},   {5, 1, 3, 130, SAME, RELU},   {5, 1, 3, 65, SAME, LINEAR},
    {5, 1, 3, 66, SAME, LINEAR},    {9, 1, 2, 128, CAUSAL, LINEAR}, {15, 1, 2, 128, CAUSAL, SILU},
    {9, 1, 2, 63, CAUSAL, LINEAR},  {9, 1, 2, 64, CAUSAL, LINEAR},
};

static const fixed_case first_blocks_cf_stride2[] = {
    {7, 1, 3, 258, SAME, LINEAR}, {7, 1, 3, 259, SAME, RELU},   {7, 1, 3, 130, SAME, LINEAR},
    {7, 1, 3, 131, SAME, LINEAR}, {7, 1, 3, 34, SAME, LINEAR},   {7, 1, 3, 35, SAME, LINEAR},
    {4, 1, 2, 256, CAUSAL, LINEAR},
};

/* channels_first rows whose last whole block lies in the row but for some
 * of its last taps' floats, the padding on the right (see
 * rows_block_shifted_tail_any): that block runs in place, zeros past the
 * row. Row lengths a whole number of blocks on AVX-512 and AVX2, K up to
 * 15 (at stride 2 two vectors of floats after the block on AVX2). */
static const fixed_case row_end_tails_cf[] = {
    {7, 1, 3, 256, SAME, LINEAR}, {3, 1, 2, 1024, SAME, RELU}, {15, 1, 2, 512, SAME, LINEAR},
    {5, 1, 3, 128, SAME, SILU},
};

static const fixed_case row_end_tails_cf_stride2[] = {
    {7, 1, 3, 512, SAME, LINEAR}, {15, 1, 2, 1024, SAME, RELU}, {5, 1, 2, 256, SAME, LINEAR},
    {3, 1, 2, 64, SAME, LINEAR},
};

/* channels_first long kernels along the rows (see rows_one_channel_long),
 * which rows_long_pays picks by the CPU: where shifts have a port of their
 * own, K 31 and 33 past one block (128 steps) where the last block wastes
 * little (and K 16, one vector of taps, likewise), K up to 24 from 600
 * steps on, other K up to 48 from 1000, and up to 128 where a row is a
 * whole number of 4 KiB; where they take an FMA port, K below 24 from
 * 1000 steps on and below 40 for inputs past about 1.1 MiB a batch
 * element (the last two cases: both rules). Rows whose
 * first block starts before the row (same, causal) or in it (valid), a
 * last whole block whose reach ends at the row's end (T 1040 K 16 valid:
 * in place) or one float past it (1039: on a copy), a last whole block
 * whose taps pass the row's end (T 1024 K 16 same: on a copy), last blocks
 * cut short, and the longest K; 1000 steps of K 49, 256 of K 32 and 520
 * of K 33 (a last block mostly wasted) go through channel blocks. Rows of
 * 1024 or 2048 steps take K 49 to 128 along the rows (K 128 the longest,
 * K 129 through channel blocks; a valid row, an even K, a tail of 17
 * channels). */
static const fixed_case long_rows_cf[] = {
    {31, 1, 20, 256, SAME, LINEAR},   {31, 1, 7, 250, SAME, RELU},
    {33, 1, 17, 500, CAUSAL, RELU},   {31, 1, 5, 286, VALID, SILU},
    {33, 1, 3, 500, SAME, LINEAR},    {33, 1, 3, 520, SAME, LINEAR},
    {16, 1, 4, 1000, SAME, GELU},     {47, 1, 3, 1100, CAUSAL, LINEAR},
    {40, 1, 3, 1200, VALID, RELU},    {16, 1, 2, 1040, VALID, LINEAR},
    {16, 1, 2, 1039, VALID, LINEAR},  {16, 1, 3, 1024, SAME, LINEAR},
    {48, 1, 2, 1030, SAME, LINEAR},   {49, 1, 2, 1000, SAME, LINEAR},
    {32, 1, 9, 256, SAME, LINEAR},    {33, 1, 2, 150000, SAME, LINEAR},
    {31, 1, 3, 100003, CAUSAL, RELU},
    /* K 31 and 33 walk a row's interior from 256 steps on (rows_walk):
     * 256 of 512, 255 of 511, activations applied after the walk, a valid
     * row whose walk starts at its first step, tap 32 of K 33 */
    {31, 1, 2, 512, SAME, LINEAR},    {33, 1, 2, 511, CAUSAL, RELU},
    {31, 1, 3, 2000, SAME, SILU},     {33, 1, 2, 1500, VALID, GELU},
    {31, 1, 2, 798, VALID, RELU},     {33, 1, 3, 1033, SAME, LINEAR},
    /* K 49 to 128 on rows of a whole number of 4 KiB (K 129: channel blocks) */
    {49, 1, 2, 1024, SAME, LINEAR},   {128, 1, 2, 1024, CAUSAL, RELU},
    {129, 1, 2, 1024, SAME, LINEAR},  {99, 1, 3, 2048, VALID, SILU},
    {64, 1, 17, 1024, SAME, GELU},
    /* K 24 from 600 steps on; K 25 there through channel blocks */
    {20, 1, 3, 600, SAME, RELU},      {24, 1, 2, 700, CAUSAL, LINEAR},
    {25, 1, 2, 700, SAME, LINEAR},    {16, 1, 5, 615, VALID, SILU},
    /* K 16 (the AVX-512 vector's taps) past one block where little is wasted */
    {16, 1, 3, 256, SAME, LINEAR},    {16, 1, 2, 500, CAUSAL, RELU},
    {16, 1, 2, 300, SAME, LINEAR},
};

/* The same with depth multiplier 3: output channel oc reads row oc / 3. */
static const fixed_case long_rows_cf_multiplied[] = {
    {33, 1, 3, 500, SAME, LINEAR}, {31, 1, 2, 256, CAUSAL, RELU}, {40, 1, 2, 1200, VALID, SILU},
    {63, 1, 2, 1024, SAME, LINEAR},
};

/* Gathered long kernels (channels_first, and channels_last dilated past
 * what the paths read in place): up to 512 output steps run as one tile,
 * longer ranges in tiles of 256 (see GATHER_TIME_TILE in src/layer.c):
 * each side of 512, and a last tile of a few steps. */
static const fixed_case gathered_tiles_cf[] = {
    {33, 1, 32, 512, SAME, LINEAR}, {33, 1, 40, 513, SAME, RELU}, {17, 2, 20, 300, VALID, LINEAR},
};

static const fixed_case gathered_tiles_cl[] = {
    {40, 2, 48, 512, CAUSAL, LINEAR},
    {40, 2, 48, 520, CAUSAL, SILU},
    {25, 3, 35, 450, SAME, LINEAR},
};

/* Short channels_first calls: up to 20 output steps whose tiles read at
 * most 48 rows gather rows of channels (CF_ACROSS_MAX_STEPS and _ROWS in
 * src/layer.c), longer ones channel blocks; each side of both bounds, one
 * output step (written as channels_last), several 128-channel tiles and a
 * tail vector, and the transposes of a tile's last steps. */
static const fixed_case short_calls_cf[] = {
    {4, 1, 300, 4, VALID, SILU},    {3, 1, 140, 20, SAME, RELU},   {3, 1, 140, 21, SAME, LINEAR},
    {33, 1, 40, 16, SAME, LINEAR},  {33, 1, 40, 17, SAME, GELU},   {31, 1, 67, 13, CAUSAL, SILU},
    {5, 1, 67, 13, CAUSAL, SILU},   {9, 2, 50, 20, SAME, LINEAR},  {7, 1, 20, 40, SAME, RELU},
};

/* channels_first calls of 1 to 8 steps (a decoding window's), whose blocks
 * of whole rows some ISAs transpose from whole loads, and whose results of
 * 2 to 4 steps they transpose back the same way (vtranspose_short_rows and
 * vtranspose_to_short_rows in kernels/avx512 and avx2): every length,
 * padded or not, whole vectors and a tail; 9 steps, one past them. */
static const fixed_case short_rows_cf[] = {
    {1, 1, 40, 1, VALID, LINEAR}, {2, 1, 48, 2, SAME, SILU},   {2, 1, 33, 2, VALID, RELU},
    {3, 1, 67, 3, VALID, GELU},   {3, 1, 64, 3, SAME, LINEAR}, {5, 1, 35, 3, CAUSAL, SILU},
    {4, 1, 80, 4, VALID, SILU},   {2, 1, 37, 4, CAUSAL, RELU}, {5, 1, 50, 5, VALID, LINEAR},
    {3, 1, 48, 6, SAME, RELU},    {4, 1, 35, 7, VALID, SILU},  {2, 1, 64, 8, CAUSAL, GELU},
    {6, 1, 33, 8, VALID, LINEAR}, {3, 1, 40, 9, SAME, LINEAR},
    /* tiles of up to 6 rows take 512 channels (CF_WIDE_MAX_ROWS in
     * src/layer.c): 4, 6 and 7 rows, two whole tiles and a short one */
    {4, 1, 1100, 4, VALID, SILU}, {3, 1, 1040, 4, SAME, RELU}, {4, 1, 600, 7, VALID, LINEAR},
};

static const fixed_case short_calls_cf_stride2[] = {
    {5, 1, 70, 9, SAME, LINEAR}, {3, 1, 130, 40, VALID, SILU}, {4, 1, 33, 41, CAUSAL, RELU},
};

/* Expansions' border groups on channels_last rows (short kernels run them
 * as one run, a pass per set of vectors that share an expansion): M 2, 3
 * and 4, whole vectors and a tail. */
static const fixed_case expanded_borders[] = {
    {5, 1, 13, 33, CAUSAL, GELU}, {5, 1, 32, 32, SAME, LINEAR}, {3, 1, 100, 16, SAME, SILU},
    {8, 1, 21, 40, SAME, RELU},
};

/* Calls whose input passes the layer's PREFETCH_INPUT_MIN_BYTES (8 MiB
 * over the batch of 2), where the rows-of-channels short kernels of SSE4.1
 * fetch their next block's rows ahead: the same results with the fetches
 * on, whole vectors and a tail, stride 1 (here) and 2 (below). */
static const fixed_case prefetched_inputs[] = {
    {3, 1, 512, 2048, SAME, LINEAR},
    {5, 1, 522, 2048, CAUSAL, RELU},
};

static const fixed_case prefetched_inputs_stride2[] = {
    {7, 1, 256, 4100, SAME, LINEAR},
};

/* Outputs past 1 MiB a batch element whose rows are shorter than 2 KiB:
 * AVX-512's and NEON's short kernels run their interior steps as 12-step
 * blocks there too (LONG_ROW_BYTES in the kernels' template). */
static const fixed_case short_rows_past_l2[] = {
    {3, 1, 128, 2100, SAME, LINEAR},
    {5, 1, 64, 4200, CAUSAL, RELU},
    {4, 1, 384, 700, VALID, SILU},
};

/* Rows of a whole number of 4 KiB (1024 and 2048 channels): short kernels
 * up to K 5 keep 8-step blocks there (short_wide_blocks), K 6 on take the
 * 12-step ones. */
static const fixed_case page_rows_short[] = {
    {4, 1, 1024, 40, CAUSAL, SILU},
    {5, 1, 2048, 30, SAME, RELU},
    {6, 1, 1024, 37, SAME, LINEAR},
};

/* Short kernels whose 8-step blocks of a channel vector overflow an L1 set
 * (rows of 2 and 4 KiB), which AVX2 runs as half blocks at stride 1 and 2
 * (see half_blocks_by_sets in the kernels' template): K up to 11 at stride
 * 1 and 15 at stride 2 (K past 8 only in half blocks), the third, fourth
 * and last at stride 1 only on L1s of 8 ways (9 lines a set) and of fewer
 * than 12 (12 and 13 lines), and some steps past the last whole block.
 * At stride 2 K past 8 takes half blocks where the lines fit too (the
 * last, 8 lines a set; see half_blocks_stride2). */
static const fixed_case half_blocks_by_sets[] = {
    {7, 1, 1024, 40, SAME, LINEAR}, {8, 1, 2048, 29, CAUSAL, RELU},
    {3, 1, 512, 45, VALID, LINEAR}, {8, 1, 512, 51, SAME, LINEAR},
    {9, 1, 1024, 37, CAUSAL, RELU}, {11, 1, 512, 45, SAME, LINEAR},
};

static const fixed_case half_blocks_by_sets_stride2[] = {
    {7, 1, 512, 90, SAME, LINEAR},   {8, 1, 1024, 61, CAUSAL, RELU},
    {2, 1, 1024, 70, VALID, LINEAR}, {5, 1, 512, 83, SAME, LINEAR},
    {9, 1, 512, 83, SAME, LINEAR},   {12, 1, 1024, 61, VALID, RELU},
    {15, 1, 512, 77, CAUSAL, LINEAR}, {10, 1, 256, 70, SAME, LINEAR},
};

#undef SAME
#undef VALID
#undef CAUSAL
#undef LINEAR
#undef RELU
#undef SILU
#undef GELU

/* A table of fixed cases, the data format, stride and depth multiplier
 * they run with, and the salt of their random data. */
typedef struct {
  const char *name;
  uint64_t salt;
  dwconv1d_data_format format;
  size_t strides, multiplier;
  const fixed_case *cases;
  size_t count;
} fixed_group;

#define FIXED_GROUP_M(name, salt, format, strides, multiplier, cases) \
  {name, salt, format, strides, multiplier, cases, sizeof cases / sizeof cases[0]}
#define FIXED_GROUP(name, salt, format, strides, cases) \
  FIXED_GROUP_M(name, salt, format, strides, 1, cases)

#define CL DWCONV1D_CHANNELS_LAST
#define CF DWCONV1D_CHANNELS_FIRST
static const fixed_group fixed_groups[] = {
    FIXED_GROUP("dilated windows", 0xD1A7000u, CL, 1, dilated_windows),
    FIXED_GROUP("dilated page strides", 0xD1A7100u, CL, 1, dilated_page_strides),
    FIXED_GROUP("long kernels in place", 0x1086000u, CL, 1, long_in_place),
    FIXED_GROUP("dilated blocks", 0xD1A7200u, CL, 1, dilated_blocks),
    FIXED_GROUP("channels_first blocks at the row ends", 0xCF0B000u, CF, 1, rows_blocks_cf),
    FIXED_GROUP("channels_first blocks at the row ends, stride 2", 0xCF0B200u, CF, 2,
                rows_blocks_cf_stride2),
    FIXED_GROUP("channels_first last blocks past the row end", 0xCF0E000u, CF, 1,
                row_end_tails_cf),
    FIXED_GROUP("channels_first last blocks past the row end, stride 2", 0xCF0E200u, CF, 2,
                row_end_tails_cf_stride2),
    FIXED_GROUP("channels_first first blocks in place", 0xCF0F000u, CF, 1, first_blocks_cf),
    FIXED_GROUP("channels_first first blocks in place, stride 2", 0xCF0F200u, CF, 2,
                first_blocks_cf_stride2),
    FIXED_GROUP("channels_first long rows", 0x10A6000u, CF, 1, long_rows_cf),
    FIXED_GROUP_M("channels_first long rows, depth_multiplier 3", 0x10A6300u, CF, 1, 3,
                  long_rows_cf_multiplied),
    FIXED_GROUP("gathered tiles, channels_first", 0x6A7000u, CF, 1, gathered_tiles_cf),
    FIXED_GROUP("gathered tiles, channels_last", 0x6A7100u, CL, 1, gathered_tiles_cl),
    FIXED_GROUP("channels_first short calls", 0x5C0F000u, CF, 1, short_calls_cf),
    FIXED_GROUP("channels_first rows of 1 to 9 steps", 0x5C0F400u, CF, 1, short_rows_cf),
    FIXED_GROUP("channels_first short calls, stride 2", 0x5C0F200u, CF, 2,
                short_calls_cf_stride2),
    FIXED_GROUP_M("channels_first short calls, depth_multiplier 3", 0x5C0F300u, CF, 1, 3,
                  short_calls_cf),
    FIXED_GROUP_M("expansions' border groups, depth_multiplier 2", 0xEB0D200u, CL, 1, 2,
                  expanded_borders),
    FIXED_GROUP_M("expansions' border groups, depth_multiplier 3", 0xEB0D300u, CL, 1, 3,
                  expanded_borders),
    FIXED_GROUP_M("expansions' border groups, depth_multiplier 4", 0xEB0D400u, CL, 1, 4,
                  expanded_borders),
    FIXED_GROUP("inputs past 8 MiB", 0x9F0000u, CL, 1, prefetched_inputs),
    FIXED_GROUP("inputs past 8 MiB, stride 2", 0x9F0200u, CL, 2, prefetched_inputs_stride2),
    FIXED_GROUP("short rows past 1 MiB", 0x12B0000u, CL, 1, short_rows_past_l2),
    FIXED_GROUP("short kernels on 4 KiB rows", 0x4B0000u, CL, 1, page_rows_short),
    FIXED_GROUP("half blocks by L1 sets", 0x4B1000u, CL, 1, half_blocks_by_sets),
    FIXED_GROUP("half blocks by L1 sets, stride 2", 0x4B1200u, CL, 2,
                half_blocks_by_sets_stride2),
};
#undef CL
#undef CF

static void run_fixed_group(const fixed_group *group, uint64_t seed, test_counts *counts) {
  const double t0 = test_now();
  for (size_t i = 0; i < group->count; ++i) {
    const fixed_case *cases = group->cases;
    test_rng r = test_rng_make(seed ^ group->salt, i);
    test_case tc;
    memset(&tc, 0, sizeof tc);
    tc.problem.params = dwconv1d_params_default(cases[i].k);
    tc.problem.params.dilation_rate = cases[i].d;
    tc.problem.params.padding = cases[i].padding;
    tc.problem.params.activation = cases[i].activation;
    tc.problem.params.data_format = group->format;
    tc.problem.params.strides = group->strides;
    tc.problem.params.depth_multiplier = group->multiplier;
    tc.problem.batch = 2;
    tc.problem.channels = cases[i].channels;
    tc.problem.steps = cases[i].steps;
    allocate_and_fill(&tc, &r, 2.0);
    judge_fixed_case(&tc, seed, i, counts);
  }
  printf("%s: %.2f s\n", group->name, test_now() - t0);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* keep the lines printed before a crash */
  test_counts counts = {0, 0, 0};
  const uint64_t seed = test_seed(0x5EED0001D1C0FFEEu);
  run_sweep(seed, &counts);
  run_stride_dilation_refusal(&counts);
  if (getenv("DWCONV1D_TEST_ONLY_CASE") == NULL) {
    run_cross_isa(seed, &counts);
    run_large_multipliers(seed, &counts);
    for (size_t i = 0; i < sizeof fixed_groups / sizeof fixed_groups[0]; ++i)
      run_fixed_group(&fixed_groups[i], seed, &counts);
  }
  dwconv1d_reset_isa();
  return test_summary("test_sweep", &counts);
}
