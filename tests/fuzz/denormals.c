/* Denormals (issue 8): subnormal inputs, weights, biases and products give
 * correct results on every supported path, and the library respects the
 * caller's flush-to-zero mode without changing it.
 *
 * Correctness. Each output of a linear layer is b + sum_j x_j*w_j, formed in
 * float32 with at most 2K + 1 roundings (K multiplies and K + 1 adds, fewer
 * with FMA). Under round-to-nearest with gradual underflow each rounding
 * errs by at most 2^-24 of the rounded value's magnitude or 2^-150 in
 * absolute terms (half the subnormal spacing), whichever is larger; every
 * partial value is at most S = |b| + sum |x_j*w_j|. So
 *     |got - exact| <= (2K + 1) * (2^-24 * S + 2^-150).
 * That bound is tight enough to catch a flushed value: a subnormal output
 * near 2^-130 that came out as zero misses it by a factor of about 2^16.
 * relu and hard_tanh are 1-Lipschitz and exact; leaky_relu's 0.2*z adds one
 * rounding (2^-24 |z| + 2^-150) and 0.2f's own error (below 2^-26 |z|).
 *
 * Flush-to-zero. With the caller's MXCSR FTZ/DAZ (x86) or FPCR.FZ (AArch64)
 * set, subnormal operands and results become zero, so cases whose every
 * operand or every product is subnormal must give exact zeros; and the
 * control register must read the same after every call as before. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv1d.h"
#include "test_common.h"

static test_counts counts;

/* ------------------------------------------------------------------ */
/* The caller's floating-point control register                        */

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_FLUSH_CONTROL 1
static const char control_name[] = "MXCSR";
enum { FTZ = 0x8000u, DAZ = 0x0040u, STATUS_FLAGS = 0x003Fu };
static unsigned read_control(void) {
  unsigned v;
  __asm__ volatile("stmxcsr %0" : "=m"(v));
  return v;
}
static void write_control(unsigned v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }
/* FTZ and DAZ together, each alone: what a caller may set. */
static const unsigned flush_modes[] = {FTZ | DAZ, FTZ, DAZ};
static const char *const flush_names[] = {"FTZ+DAZ", "FTZ", "DAZ"};
static bool flushes_inputs(unsigned mode) { return mode & DAZ; }
static bool flushes_results(unsigned mode) { return mode & FTZ; }
#elif defined(__aarch64__)
#define HAVE_FLUSH_CONTROL 1
static const char control_name[] = "FPCR";
enum { FZ = 1u << 24, STATUS_FLAGS = 0 };
static unsigned read_control(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, fpcr" : "=r"(v));
  return (unsigned)v;
}
static void write_control(unsigned v) {
  const uint64_t w = v;
  __asm__ volatile("msr fpcr, %0" : : "r"(w));
}
/* FZ flushes subnormal inputs and results of single-precision arithmetic. */
static const unsigned flush_modes[] = {FZ};
static const char *const flush_names[] = {"FZ"};
static bool flushes_inputs(unsigned mode) { return mode & FZ; }
static bool flushes_results(unsigned mode) { return mode & FZ; }
#else
#define HAVE_FLUSH_CONTROL 0
#endif

/* ------------------------------------------------------------------ */
/* Data                                                                */

/* How the operands are chosen. */
typedef enum kind {
  SUBNORMAL_INPUTS,  /* x subnormal, w normal, b subnormal: subnormal products */
  SUBNORMAL_WEIGHTS, /* x normal, w subnormal, b zero */
  TINY_PRODUCTS,     /* x, w normal near 2^-72: every product and sum subnormal */
  BOTH_SUBNORMAL,    /* x, w subnormal: products underflow to zero, b subnormal */
  KIND_COUNT
} kind;

static const char *const kind_names[] = {"subnormal inputs", "subnormal weights",
                                         "normal operands, subnormal products",
                                         "subnormal inputs and weights"};

static float random_sign(test_rng *r, float v) { return test_rng_range(r, 0, 1) ? -v : v; }

/* A subnormal: a random nonzero mantissa times 2^-149. */
static float subnormal(test_rng *r) {
  return random_sign(r, ldexpf((float)test_rng_range(r, 1, (1u << 23) - 1), -149));
}

static float normal_between(test_rng *r, double lo, double hi) {
  return random_sign(r, (float)test_rng_uniform(r, lo, hi));
}

/* 2^e * [1, 2) with e in [-75, -70]: products below 2^-138, sums of 7 of
 * them below 2^-135, all subnormal. */
static float tiny_normal(test_rng *r) {
  return random_sign(r, ldexpf((float)test_rng_uniform(r, 1.0, 2.0), -(int)test_rng_range(r, 70, 75)));
}

static float operand(test_rng *r, kind k, bool weight) {
  switch (k) {
  case SUBNORMAL_INPUTS: /* weights below 1/4 keep most sums subnormal */
    return weight ? normal_between(r, 0.0625, 0.25) : subnormal(r);
  case SUBNORMAL_WEIGHTS: return weight ? subnormal(r) : normal_between(r, 0.25, 4.0);
  case TINY_PRODUCTS: return tiny_normal(r);
  default: return subnormal(r);
  }
}

static float bias_of(test_rng *r, kind k) {
  return k == SUBNORMAL_INPUTS || k == BOTH_SUBNORMAL ? subnormal(r) : 0.0f;
}

/* ------------------------------------------------------------------ */
/* One problem and its exact result                                    */

typedef struct problem {
  dwconv1d_params p;
  size_t channels, steps, batch;
  float *x, *w, *b;
  double *exact, *bound; /* pre-activation value and its error bound, output layout */
  size_t n_out;
} problem;

static float input_at(const problem *pb, size_t bt, size_t t, size_t c) {
  const bool first = pb->p.data_format == DWCONV1D_CHANNELS_FIRST;
  return first ? pb->x[(bt * pb->channels + c) * pb->steps + t]
               : pb->x[(bt * pb->steps + t) * pb->channels + c];
}

/* "same" padding, strides 1: T_out = T, pad_left = floor(d(K-1) / 2). */
static void exact_outputs(problem *pb) {
  const size_t k = pb->p.kernel_size, d = pb->p.dilation_rate, m = pb->p.depth_multiplier;
  const size_t cm = pb->channels * m, pad = d * (k - 1) / 2;
  const bool first = pb->p.data_format == DWCONV1D_CHANNELS_FIRST;
  for (size_t bt = 0; bt < pb->batch; bt++)
    for (size_t t = 0; t < pb->steps; t++)
      for (size_t oc = 0; oc < cm; oc++) {
        double z = pb->b[oc], s = fabs(pb->b[oc]);
        for (size_t j = 0; j < k; j++) {
          const size_t row = t + j * d;
          if (row < pad || row - pad >= pb->steps)
            continue;
          const double xw = (double)input_at(pb, bt, row - pad, oc / m) * pb->w[j * cm + oc];
          z += xw; /* x*w is exact in double; the sum errs far below 2^-150 */
          s += fabs(xw);
        }
        const size_t i = first ? (bt * cm + oc) * pb->steps + t : (bt * pb->steps + t) * cm + oc;
        pb->exact[i] = z;
        pb->bound[i] = (double)(2 * k + 1) * (ldexp(s, -24) + ldexp(1.0, -150));
      }
}

static bool make_problem(problem *pb, test_rng *r, kind k, size_t kernel_size, size_t dilation,
                         size_t channels, size_t multiplier, dwconv1d_data_format format) {
  memset(pb, 0, sizeof *pb);
  pb->p = dwconv1d_params_default(kernel_size);
  pb->p.padding = DWCONV1D_PADDING_SAME;
  pb->p.dilation_rate = dilation;
  pb->p.depth_multiplier = multiplier;
  pb->p.data_format = format;
  pb->channels = channels;
  pb->steps = 45;
  pb->batch = 2;
  const size_t cm = channels * multiplier, n_x = pb->batch * pb->steps * channels;
  pb->n_out = pb->batch * pb->steps * cm;
  pb->x = malloc(n_x * sizeof(float));
  pb->w = malloc(kernel_size * cm * sizeof(float));
  pb->b = malloc(cm * sizeof(float));
  pb->exact = malloc(pb->n_out * sizeof(double));
  pb->bound = malloc(pb->n_out * sizeof(double));
  if (!pb->x || !pb->w || !pb->b || !pb->exact || !pb->bound)
    return false;
  for (size_t i = 0; i < n_x; i++)
    pb->x[i] = operand(r, k, false);
  for (size_t i = 0; i < kernel_size * cm; i++)
    pb->w[i] = operand(r, k, true);
  for (size_t i = 0; i < cm; i++)
    pb->b[i] = bias_of(r, k);
  exact_outputs(pb);
  return true;
}

static void free_problem(problem *pb) {
  free(pb->x);
  free(pb->w);
  free(pb->b);
  free(pb->exact);
  free(pb->bound);
}

/* The activation of an exact value, and the bound after it. */
static double activate(dwconv1d_activation a, double z, double *bound) {
  switch (a) {
  case DWCONV1D_ACTIVATION_RELU: return z > 0 ? z : 0.0;
  case DWCONV1D_ACTIVATION_HARD_TANH: return z < -1 ? -1.0 : z > 1 ? 1.0 : z;
  case DWCONV1D_ACTIVATION_LEAKY_RELU:
    if (z > 0)
      return z;
    *bound += ldexp(fabs(z), -23) + ldexp(1.0, -150);
    return 0.2 * z;
  default: return z;
  }
}

/* Runs the problem with activation `a` on the current ISA into y. */
static bool run(const problem *pb, dwconv1d_activation a, float *y) {
  dwconv1d_params p = pb->p;
  p.activation = a;
  dwconv1d_layer *layer = NULL;
  const bool ok = dwconv1d_layer_create(&p, pb->channels, pb->w, pb->b, &layer) == DWCONV1D_OK &&
                  dwconv1d_layer_forward(layer, pb->batch, pb->steps, pb->x, y) == DWCONV1D_OK;
  if (!ok)
    printf("FAIL create/forward: %s\n", dwconv1d_last_error());
  dwconv1d_layer_destroy(layer);
  return ok;
}

static dwconv1d_isa current_isa(void) {
  dwconv1d_isa isa = DWCONV1D_ISA_SCALAR;
  (void)dwconv1d_active_isa(&isa);
  return isa;
}

static void describe(char *buf, size_t size, const problem *pb, dwconv1d_activation a, kind k) {
  snprintf(buf, size, "isa=%s %s K=%zu d=%zu C=%zu M=%zu %s %s", test_isa_label(current_isa()),
           kind_names[k], pb->p.kernel_size, pb->p.dilation_rate, pb->channels,
           pb->p.depth_multiplier, test_format_name(pb->p.data_format),
           dwconv1d_activation_name(a));
}

/* ------------------------------------------------------------------ */
/* Correct results                                                     */

static void check_values(const problem *pb, dwconv1d_activation a, kind k) {
  float *y = malloc(pb->n_out * sizeof(float));
  if (y == NULL || !run(pb, a, y)) {
    test_count(&counts, false);
    free(y);
    return;
  }
  size_t bad = 0, worst = 0, subnormal_outputs = 0;
  double worst_ratio = 0.0;
  for (size_t i = 0; i < pb->n_out; i++) {
    double bound = pb->bound[i];
    const double want = activate(a, pb->exact[i], &bound);
    const double ratio = fabs((double)y[i] - want) / bound;
    subnormal_outputs += y[i] != 0.0f && fabsf(y[i]) < FLT_MIN;
    if (!(ratio <= 1.0))
      bad++;
    if (!(ratio <= worst_ratio)) {
      worst_ratio = ratio;
      worst = i;
    }
  }
  if (!test_count(&counts, bad == 0)) {
    char what[256];
    describe(what, sizeof what, pb, a, k);
    double bound = pb->bound[worst];
    const double want = activate(a, pb->exact[worst], &bound);
    printf("FAIL %s: %zu of %zu outputs out of bounds; output %zu got %a, exact %a, bound %a\n",
           what, bad, pb->n_out, worst, (double)y[worst], want, bound);
  }
  /* The data must really exercise subnormals: results that are subnormal
   * must come out subnormal, not flushed. */
  if (k != SUBNORMAL_WEIGHTS && a == DWCONV1D_ACTIVATION_LINEAR &&
      !test_count(&counts, subnormal_outputs > pb->n_out / 4))
    printf("FAIL only %zu of %zu outputs subnormal for %s\n", subnormal_outputs, pb->n_out,
           kind_names[k]);
  free(y);
}

/* ------------------------------------------------------------------ */
/* The caller's flush-to-zero mode                                      */

#if HAVE_FLUSH_CONTROL
/* Cases whose every term vanishes under `mode`: all outputs are zeros. */
static bool all_terms_flushed(unsigned mode, kind k) {
  switch (k) {
  case SUBNORMAL_INPUTS: return flushes_inputs(mode);  /* x and b read as zero */
  case SUBNORMAL_WEIGHTS: return flushes_inputs(mode); /* w reads as zero, b is zero */
  case TINY_PRODUCTS: return flushes_results(mode);    /* every product flushes */
  default: return flushes_inputs(mode);
  }
}

static void check_flush_mode(const problem *pb, kind k, size_t mode_index) {
  const unsigned original = read_control();
  const unsigned mode = (original & ~(unsigned)STATUS_FLAGS) | flush_modes[mode_index];
  float *y = malloc(pb->n_out * sizeof(float));
  dwconv1d_params p = pb->p;
  dwconv1d_layer *layer = NULL;
  dwconv1d_stream *stream = NULL;
  if (y == NULL)
    return;
  write_control(mode);
  const bool created = dwconv1d_layer_create(&p, pb->channels, pb->w, pb->b, &layer) ==
                       DWCONV1D_OK;
  const unsigned after_create = read_control();
  const bool ran = created && dwconv1d_layer_forward(layer, pb->batch, pb->steps, pb->x, y) ==
                                  DWCONV1D_OK;
  const unsigned after_forward = read_control();
  p.padding = DWCONV1D_PADDING_CAUSAL; /* and a stream, which has its own paths */
  dwconv1d_layer *causal = NULL;
  if (dwconv1d_layer_create(&p, pb->channels, pb->w, pb->b, &causal) == DWCONV1D_OK &&
      dwconv1d_stream_create(causal, 1, &stream) == DWCONV1D_OK) {
    float out[64 * 2];
    dwconv1d_stream_push(stream, 1, pb->x, out, NULL);
  }
  const unsigned after_stream = read_control();
  write_control(original);
  char what[256];
  describe(what, sizeof what, pb, DWCONV1D_ACTIVATION_LINEAR, k);
  const unsigned mask = ~(unsigned)STATUS_FLAGS;
  if (!test_count(&counts, created && ran))
    printf("FAIL %s under %s: %s\n", what, flush_names[mode_index], dwconv1d_last_error());
  if (!test_count(&counts, ((after_create ^ mode) & mask) == 0 &&
                               ((after_forward ^ mode) & mask) == 0 &&
                               ((after_stream ^ mode) & mask) == 0))
    printf("FAIL %s changed under %s (%s): set 0x%08x, after create 0x%08x, forward 0x%08x, "
           "stream 0x%08x\n",
           control_name, flush_names[mode_index], what, mode, after_create, after_forward,
           after_stream);
  if (ran && all_terms_flushed(flush_modes[mode_index], k)) {
    size_t nonzero = 0, first = 0;
    for (size_t i = pb->n_out; i-- > 0;)
      if (y[i] != 0.0f) {
        nonzero++;
        first = i;
      }
    if (!test_count(&counts, nonzero == 0))
      printf("FAIL %s under %s: %zu outputs not flushed to zero, e.g. output %zu = %a\n", what,
             flush_names[mode_index], nonzero, first, (double)y[first]);
  }
  dwconv1d_stream_destroy(stream);
  dwconv1d_layer_destroy(causal);
  dwconv1d_layer_destroy(layer);
  free(y);
}
#endif

/* ------------------------------------------------------------------ */

int main(void) {
  const uint64_t seed = test_seed(0xDE40A1u);
  static const size_t kernels[][2] = {{1, 1}, {3, 1}, {7, 1}, {3, 2}}; /* K, dilation */
  static const size_t channel_counts[] = {1, 5, 16, 17, 37};
  static const dwconv1d_activation acts[] = {
      DWCONV1D_ACTIVATION_LINEAR, DWCONV1D_ACTIVATION_RELU, DWCONV1D_ACTIVATION_LEAKY_RELU,
      DWCONV1D_ACTIVATION_HARD_TANH};
  setvbuf(stdout, NULL, _IOLBF, 0);
#if !HAVE_FLUSH_CONTROL
  printf("SKIP flush-to-zero modes: no control register known for this architecture\n");
#endif
  for (int isa = TEST_ISA_FIRST; isa <= TEST_ISA_LAST; isa++) {
    if (dwconv1d_set_isa((dwconv1d_isa)isa) != DWCONV1D_OK)
      continue;
    const test_counts before = counts;
    test_rng r = test_rng_make(seed, (uint64_t)isa);
    for (size_t kk = 0; kk < sizeof kernels / sizeof kernels[0]; kk++)
      for (size_t ci = 0; ci < sizeof channel_counts / sizeof channel_counts[0]; ci++)
        for (int k = 0; k < KIND_COUNT; k++) {
          problem pb;
          const size_t m = 1 + (ci + kk) % 2;
          const dwconv1d_data_format f = (dwconv1d_data_format)((ci + (size_t)k) % 2);
          if (!make_problem(&pb, &r, (kind)k, kernels[kk][0], kernels[kk][1],
                            channel_counts[ci], m, f)) {
            printf("FAIL out of memory\n");
            return 1;
          }
          for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++)
            check_values(&pb, acts[a], (kind)k);
#if HAVE_FLUSH_CONTROL
          for (size_t mi = 0; mi < sizeof flush_modes / sizeof flush_modes[0]; mi++)
            check_flush_mode(&pb, (kind)k, mi);
#endif
          free_problem(&pb);
        }
    printf("isa %-7s %lu checks passed, %lu failed\n", dwconv1d_isa_name((dwconv1d_isa)isa),
           counts.passed - before.passed, counts.failed - before.failed);
  }
  dwconv1d_reset_isa();
  return test_summary("denormals", &counts);
}
