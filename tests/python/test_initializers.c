/* The initializers against Keras's definitions: names and parameters, fans,
 * the distributions (moments, Kolmogorov-Smirnov, bounds, truncation),
 * orthogonality and the Haar law of orthogonal, seeds, and the refusals.
 *
 * Only the distributions can match Keras (the random streams are the
 * library's own), so each random check is a statistical test on a sample
 * drawn from a fixed seed. Every threshold is 5 standard errors of the
 * statistic for its sample size (or the Kolmogorov-Smirnov bound at
 * alpha = 1e-6): a correct draw fails one with probability below 1e-6,
 * while the errors these checks look for (a wrong fan, a missing truncation
 * correction, a mean or scale off by a few per cent) move the statistic by
 * tens of standard errors. Expected values come from Keras's formulas,
 * written out here, never from the library. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv1d.h"

static unsigned long passed, failed;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static bool check(bool ok, const char *format, ...) {
  if (ok) {
    passed++;
    return true;
  }
  failed++;
  va_list args;
  va_start(args, format);
  fputs("FAIL: ", stdout);
  vprintf(format, args);
  fputc('\n', stdout);
  va_end(args);
  return false;
}

#define SEED 0x5EED2024u
#define PI 3.14159265358979323846
#define FLOAT_EPS 0x1.0p-23 /* 2 ulp(1)/2: relative rounding of float32 is <= 2^-24 */

static size_t product(const size_t *shape, size_t rank) {
  size_t n = 1;
  for (size_t i = 0; i < rank; i++)
    n *= shape[i];
  return n;
}

/* Draws `init` for `shape`, or NULL (counted as a failure) when it fails. */
static float *draw(const dwconv1d_initializer *init, const size_t *shape, size_t rank,
                   uint64_t seed, const char *label) {
  const size_t n = product(shape, rank);
  float *out = malloc((n ? n : 1) * sizeof *out);
  if (out == NULL)
    abort();
  const dwconv1d_status s = dwconv1d_initializer_fill(init, shape, rank, seed, out);
  if (!check(s == DWCONV1D_OK, "%s: fill failed: %s", label, dwconv1d_last_error())) {
    free(out);
    return NULL;
  }
  return out;
}

static dwconv1d_initializer named(const char *name) {
  dwconv1d_initializer init;
  memset(&init, 0, sizeof init);
  if (!check(dwconv1d_initializer_from_name(name, &init) == DWCONV1D_OK, "from_name(%s): %s",
             name, dwconv1d_last_error()))
    init.kind = DWCONV1D_INITIALIZER_CONSTANT;
  return init;
}

/* ------------------------------------------------------------------ */
/* Distributions under test: mean, variance, fourth central moment, CDF.  */

typedef struct law {
  double mean, stddev; /* of the underlying normal, or the uniform's centre */
  double limit;        /* uniform half-width, or truncation at limit (0: none) */
  enum { NORMAL, TRUNCATED, UNIFORM } shape;
} law;

static double normal_pdf(double z) { return exp(-0.5 * z * z) / sqrt(2.0 * PI); }
static double normal_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* Moments of the standard normal cut to [-c, c]: E X^2 and E X^4. */
static double truncated_m2(double c) {
  return 1.0 - 2.0 * c * normal_pdf(c) / (normal_cdf(c) - normal_cdf(-c));
}
static double truncated_m4(double c) {
  return 3.0 - 2.0 * (c * c * c + 3.0 * c) * normal_pdf(c) / (normal_cdf(c) - normal_cdf(-c));
}

static double law_variance(const law *l) {
  switch (l->shape) {
  case NORMAL: return l->stddev * l->stddev;
  case TRUNCATED: return l->stddev * l->stddev * truncated_m2(2.0);
  case UNIFORM: return l->limit * l->limit / 3.0;
  }
  return 0.0;
}

static double law_fourth_moment(const law *l) {
  switch (l->shape) {
  case NORMAL: return 3.0 * pow(l->stddev, 4);
  case TRUNCATED: return pow(l->stddev, 4) * truncated_m4(2.0);
  case UNIFORM: return pow(l->limit, 4) / 5.0;
  }
  return 0.0;
}

static double law_cdf(const law *l, double x) {
  switch (l->shape) {
  case NORMAL: return normal_cdf((x - l->mean) / l->stddev);
  case TRUNCATED: {
    const double z = fmin(fmax((x - l->mean) / l->stddev, -2.0), 2.0);
    return (normal_cdf(z) - normal_cdf(-2.0)) / (normal_cdf(2.0) - normal_cdf(-2.0));
  }
  case UNIFORM: return fmin(fmax((x - (l->mean - l->limit)) / (2.0 * l->limit), 0.0), 1.0);
  }
  return 0.0;
}

static int compare_doubles(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov distance between the sample and the law's CDF. */
static double ks_distance(const law *l, const float *v, size_t n) {
  double *sorted = malloc(n * sizeof *sorted);
  if (sorted == NULL)
    abort();
  for (size_t i = 0; i < n; i++)
    sorted[i] = v[i];
  qsort(sorted, n, sizeof *sorted, compare_doubles);
  double d = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double f = law_cdf(l, sorted[i]);
    d = fmax(d, fmax(f - (double)i / (double)n, (double)(i + 1) / (double)n - f));
  }
  free(sorted);
  return d;
}

/* Checks a sample against its law: mean, variance, KS, bounds, tails. */
static void check_law(const char *label, const law *l, const float *v, size_t n) {
  double sum = 0.0, lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    sum += v[i];
    lo = fmin(lo, v[i]);
    hi = fmax(hi, v[i]);
  }
  const double mean = sum / (double)n;
  double squares = 0.0;
  for (size_t i = 0; i < n; i++)
    squares += (v[i] - mean) * (v[i] - mean);
  const double variance = squares / (double)(n - 1);
  const double var = law_variance(l);
  const double mean_tol = 5.0 * sqrt(var / (double)n);
  const double var_tol = 5.0 * sqrt((law_fourth_moment(l) - var * var) / (double)n);
  check(fabs(mean - l->mean) <= mean_tol, "%s: mean %.6g, expected %.6g +- %.3g", label, mean,
        l->mean, mean_tol);
  check(fabs(variance - var) <= var_tol, "%s: variance %.6g, expected %.6g +- %.3g", label,
        variance, var, var_tol);
  const double ks = ks_distance(l, v, n), ks_tol = sqrt(log(2.0 / 1e-6) / (2.0 * (double)n));
  check(ks <= ks_tol, "%s: Kolmogorov-Smirnov distance %.5f > %.5f (n=%zu)", label, ks, ks_tol,
        n);
  if (l->shape == UNIFORM) {
    /* [minval, maxval) with both bounds rounded to float32 first. */
    const float min = (float)(l->mean - l->limit), max = (float)(l->mean + l->limit);
    check(lo >= min && hi < max, "%s: range [%.9g, %.9g] outside [%.9g, %.9g)", label, lo, hi,
          min, max);
    /* The extremes reach within 40/n of the bounds: P(miss) = e^-40 each. */
    const double reach = 2.0 * l->limit * 40.0 / (double)n;
    check(lo <= min + reach && hi >= max - reach, "%s: range [%.9g, %.9g] not near the bounds",
          label, lo, hi);
  } else if (l->shape == TRUNCATED) {
    const double bound = 2.0 * l->stddev * (1.0 + FLOAT_EPS) + fabs(l->mean) * FLOAT_EPS;
    check(lo >= l->mean - bound && hi <= l->mean + bound,
          "%s: range [%.9g, %.9g] beyond mean +- 2 stddev = +-%.9g", label, lo, hi, bound);
    /* Some draws in the last 0.005 stddev before each cut: ~56 expected per
     * side when n = 200000 (density 0.0566 there), none with probability e^-56. */
    check(lo <= l->mean - 1.995 * l->stddev && hi >= l->mean + 1.995 * l->stddev,
          "%s: range [%.9g, %.9g] does not reach the cut at 2 stddev %.9g", label, lo, hi,
          2.0 * l->stddev);
  } else {
    /* An untruncated normal goes past 3.9 stddev (~19 draws expected when
     * n = 200000; none with probability e^-19). */
    check(fmax(l->mean - lo, hi - l->mean) >= 3.9 * l->stddev,
          "%s: range [%.9g, %.9g] never beyond 3.9 stddev (%.9g): truncated?", label, lo, hi,
          l->stddev);
  }
}

/* Draws `init` for `shape` and checks the sample against `l`. */
static void check_drawn(const char *label, const dwconv1d_initializer *init, const size_t *shape,
                        size_t rank, const law *l) {
  float *v = draw(init, shape, rank, SEED, label);
  if (v != NULL)
    check_law(label, l, v, product(shape, rank));
  free(v);
}

/* ------------------------------------------------------------------ */
/* Names and parameters                                                */

typedef struct expected_name {
  const char *names[3];
  dwconv1d_initializer_kind kind;
  double a, b; /* value | mean, stddev | minval, maxval | scale | gain */
  dwconv1d_fan_mode mode;
  dwconv1d_scaling_distribution distribution;
} expected_name;

/* Keras 3's classes and defaults (keras/src/initializers/). */
static const expected_name keras_names[] = {
    {{"zeros", "Zeros", "zero"}, DWCONV1D_INITIALIZER_CONSTANT, 0.0, 0, 0, 0},
    {{"ones", "Ones", "one"}, DWCONV1D_INITIALIZER_CONSTANT, 1.0, 0, 0, 0},
    {{"constant", "Constant", NULL}, DWCONV1D_INITIALIZER_CONSTANT, 0.0, 0, 0, 0},
    {{"random_normal", "RandomNormal", "normal"}, DWCONV1D_INITIALIZER_RANDOM_NORMAL, 0.0, 0.05,
     0, 0},
    {{"random_uniform", "RandomUniform", "uniform"}, DWCONV1D_INITIALIZER_RANDOM_UNIFORM, -0.05,
     0.05, 0, 0},
    {{"truncated_normal", "TruncatedNormal", NULL}, DWCONV1D_INITIALIZER_TRUNCATED_NORMAL, 0.0,
     0.05, 0, 0},
    {{"variance_scaling", "VarianceScaling", NULL}, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 1.0, 0,
     DWCONV1D_FAN_IN, DWCONV1D_SCALING_TRUNCATED_NORMAL},
    {{"glorot_uniform", "GlorotUniform", NULL}, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 1.0, 0,
     DWCONV1D_FAN_AVG, DWCONV1D_SCALING_UNIFORM},
    {{"glorot_normal", "GlorotNormal", NULL}, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 1.0, 0,
     DWCONV1D_FAN_AVG, DWCONV1D_SCALING_TRUNCATED_NORMAL},
    {{"he_normal", "HeNormal", NULL}, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 2.0, 0,
     DWCONV1D_FAN_IN, DWCONV1D_SCALING_TRUNCATED_NORMAL},
    {{"he_uniform", "HeUniform", NULL}, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 2.0, 0,
     DWCONV1D_FAN_IN, DWCONV1D_SCALING_UNIFORM},
    {{"lecun_normal", "LecunNormal", NULL}, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 1.0, 0,
     DWCONV1D_FAN_IN, DWCONV1D_SCALING_TRUNCATED_NORMAL},
    {{"lecun_uniform", "LecunUniform", NULL}, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 1.0, 0,
     DWCONV1D_FAN_IN, DWCONV1D_SCALING_UNIFORM},
    {{"orthogonal", "Orthogonal", "OrthogonalInitializer"}, DWCONV1D_INITIALIZER_ORTHOGONAL, 1.0,
     0, 0, 0},
};

static bool same_parameters(const dwconv1d_initializer *got, const expected_name *e) {
  if (got->kind != e->kind)
    return false;
  switch (e->kind) {
  case DWCONV1D_INITIALIZER_CONSTANT: return got->value == e->a;
  case DWCONV1D_INITIALIZER_RANDOM_NORMAL:
  case DWCONV1D_INITIALIZER_TRUNCATED_NORMAL: return got->mean == e->a && got->stddev == e->b;
  case DWCONV1D_INITIALIZER_RANDOM_UNIFORM: return got->minval == e->a && got->maxval == e->b;
  case DWCONV1D_INITIALIZER_VARIANCE_SCALING:
    return got->scale == e->a && got->mode == e->mode && got->distribution == e->distribution &&
           got->fan_in == 0 && got->fan_out == 0;
  case DWCONV1D_INITIALIZER_ORTHOGONAL: return got->gain == e->a;
  }
  return false;
}

static void test_names(void) {
  for (size_t i = 0; i < sizeof keras_names / sizeof keras_names[0]; i++) {
    for (size_t j = 0; j < 3 && keras_names[i].names[j] != NULL; j++) {
      const char *name = keras_names[i].names[j];
      dwconv1d_initializer got;
      memset(&got, 0xA5, sizeof got);
      const dwconv1d_status s = dwconv1d_initializer_from_name(name, &got);
      if (check(s == DWCONV1D_OK, "from_name(\"%s\"): %s", name, dwconv1d_last_error()))
        check(same_parameters(&got, &keras_names[i]), "from_name(\"%s\"): parameters differ "
              "from Keras's defaults", name);
    }
  }
}

/* ------------------------------------------------------------------ */
/* Distributions                                                       */

/* (K, C, M) = (4, 500, 100): fan_in 2000, fan_out 400, fan_avg 1200, so
 * every mode gives a different variance; 200000 values. */
static const size_t kernel_shape[3] = {4, 500, 100};
#define KERNEL_FAN_IN 2000.0
#define KERNEL_FAN_OUT 400.0

static void test_named_distributions(void) {
  const double avg = (KERNEL_FAN_IN + KERNEL_FAN_OUT) / 2.0;
  const struct {
    const char *name;
    law l;
  } cases[] = {
      {"random_normal", {0.0, 0.05, 0.0, NORMAL}},
      {"random_uniform", {0.0, 0.0, 0.05, UNIFORM}},
      {"truncated_normal", {0.0, 0.05, 2.0, TRUNCATED}},
      /* VarianceScaling: variance scale / n after truncation, so the normal
       * before the cut has stddev sqrt(scale / n / E[X^2 | |X| < 2]). */
      {"glorot_uniform", {0.0, 0.0, sqrt(6.0 / (KERNEL_FAN_IN + KERNEL_FAN_OUT)), UNIFORM}},
      {"glorot_normal", {0.0, sqrt(1.0 / avg / truncated_m2(2.0)), 2.0, TRUNCATED}},
      {"he_uniform", {0.0, 0.0, sqrt(6.0 / KERNEL_FAN_IN), UNIFORM}},
      {"he_normal", {0.0, sqrt(2.0 / KERNEL_FAN_IN / truncated_m2(2.0)), 2.0, TRUNCATED}},
      {"lecun_uniform", {0.0, 0.0, sqrt(3.0 / KERNEL_FAN_IN), UNIFORM}},
      {"lecun_normal", {0.0, sqrt(1.0 / KERNEL_FAN_IN / truncated_m2(2.0)), 2.0, TRUNCATED}},
      {"variance_scaling",
       {0.0, sqrt(1.0 / KERNEL_FAN_IN / truncated_m2(2.0)), 2.0, TRUNCATED}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const dwconv1d_initializer init = named(cases[i].name);
    check_drawn(cases[i].name, &init, kernel_shape, 3, &cases[i].l);
  }
}

static void test_parameters(void) {
  dwconv1d_initializer init = named("random_normal");
  init.mean = 1.5;
  init.stddev = 0.25;
  check_drawn("random_normal(1.5, 0.25)", &init, kernel_shape, 3,
              &(law){1.5, 0.25, 0.0, NORMAL});
  init = named("truncated_normal");
  init.mean = -3.0;
  init.stddev = 2.0;
  check_drawn("truncated_normal(-3, 2)", &init, kernel_shape, 3,
              &(law){-3.0, 2.0, 2.0, TRUNCATED});
  init = named("random_uniform");
  init.minval = 2.0;
  init.maxval = 5.0;
  check_drawn("random_uniform(2, 5)", &init, kernel_shape, 3,
              &(law){3.5, 0.0, 1.5, UNIFORM});
  init = named("variance_scaling");
  init.scale = 3.0;
  init.mode = DWCONV1D_FAN_OUT;
  init.distribution = DWCONV1D_SCALING_UNTRUNCATED_NORMAL;
  check_drawn("variance_scaling(3, fan_out, untruncated)", &init, kernel_shape, 3,
              &(law){0.0, sqrt(3.0 / KERNEL_FAN_OUT), 0.0, NORMAL});
  /* Fans given explicitly (Keras's input_axes/output_axes) replace the shape's. */
  init.fan_in = 10;
  init.fan_out = 30;
  init.mode = DWCONV1D_FAN_AVG;
  init.distribution = DWCONV1D_SCALING_UNIFORM;
  check_drawn("variance_scaling(3, fan_avg 20, uniform)", &init, kernel_shape, 3,
              &(law){0.0, 0.0, sqrt(9.0 / 20.0), UNIFORM});
}

/* compute_fans for ranks 1, 2 and 4; seeds as a source of draws. */
static void test_fans(void) {
  dwconv1d_initializer init = named("variance_scaling");
  init.distribution = DWCONV1D_SCALING_UNIFORM;
  const size_t rank1[1] = {200000};
  check_drawn("fan_in rank 1 (n = 200000)", &init, rank1, 1,
              &(law){0.0, 0.0, sqrt(3.0 / 200000.0), UNIFORM});
  const size_t rank2[2] = {400, 500};
  init.mode = DWCONV1D_FAN_OUT;
  check_drawn("fan_out rank 2 (n = 500)", &init, rank2, 2,
              &(law){0.0, 0.0, sqrt(3.0 / 500.0), UNIFORM});
  const size_t rank4[4] = {2, 5, 100, 200}; /* receptive field 10 */
  init.mode = DWCONV1D_FAN_AVG;
  check_drawn("fan_avg rank 4 (n = 1500)", &init, rank4, 4,
              &(law){0.0, 0.0, sqrt(3.0 / 1500.0), UNIFORM});
  /* Across seeds: the first value of glorot_uniform (1, 1, 1) (fans 1 and
   * 1, limit sqrt(3)) from 200000 seeds follows the law as well. */
  const dwconv1d_initializer glorot = named("glorot_uniform");
  const size_t tiny[3] = {1, 1, 1};
  float *v = malloc(200000 * sizeof *v);
  if (v == NULL)
    abort();
  bool ok = true;
  for (size_t i = 0; i < 200000 && ok; i++)
    ok = dwconv1d_initializer_fill(&glorot, tiny, 3, SEED + i, &v[i]) == DWCONV1D_OK;
  if (check(ok, "glorot_uniform (1, 1, 1): fill failed: %s", dwconv1d_last_error()))
    check_law("glorot_uniform (1, 1, 1) over 200000 seeds", &(law){0.0, 0.0, sqrt(3.0), UNIFORM},
              v, 200000);
  free(v);
}

static void test_constants(void) {
  const size_t shape[3] = {3, 7, 2};
  const struct {
    const char *name;
    float value;
  } cases[] = {{"zeros", 0.0f}, {"ones", 1.0f}, {"constant", 0.0f}, {"Ones", 1.0f}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    float v[42];
    memset(v, 0xFF, sizeof v);
    if (!check(dwconv1d_initialize(cases[i].name, shape, 3, SEED, v) == DWCONV1D_OK, "%s: %s",
               cases[i].name, dwconv1d_last_error()))
      continue;
    size_t wrong = 0;
    for (size_t j = 0; j < 42; j++)
      wrong += v[j] != cases[i].value || signbit(v[j]);
    check(wrong == 0, "%s: %zu of 42 values differ from %g", cases[i].name, wrong,
          (double)cases[i].value);
  }
  dwconv1d_initializer init = named("constant");
  init.value = -0.375;
  float v[42];
  if (check(dwconv1d_initializer_fill(&init, shape, 3, SEED, v) == DWCONV1D_OK, "constant: %s",
            dwconv1d_last_error())) {
    size_t wrong = 0;
    for (size_t j = 0; j < 42; j++)
      wrong += v[j] != -0.375f;
    check(wrong == 0, "constant(-0.375): %zu of 42 values differ", wrong);
  }
}

/* ------------------------------------------------------------------ */
/* Orthogonal                                                          */

/* Checks that out (rows x cols) has orthonormal columns (rows >= cols) or
 * rows, times gain. Rounding each double entry to float32 moves a dot
 * product of unit vectors by at most 2^-23 (Cauchy-Schwarz), times gain^2. */
static void check_orthonormal(const char *label, const float *out, size_t rows, size_t cols,
                              double gain) {
  const bool by_columns = rows >= cols;
  const size_t vectors = by_columns ? cols : rows, length = by_columns ? rows : cols;
  const double tol = gain * gain * (FLOAT_EPS + 1e-12);
  double worst = 0.0;
  for (size_t a = 0; a < vectors; a++) {
    for (size_t b = 0; b <= a; b++) {
      double dot = 0.0;
      for (size_t k = 0; k < length; k++) {
        const double x = by_columns ? out[k * cols + a] : out[a * cols + k];
        const double y = by_columns ? out[k * cols + b] : out[b * cols + k];
        dot += x * y;
      }
      worst = fmax(worst, fabs(dot - (a == b ? gain * gain : 0.0)));
    }
  }
  check(worst <= tol, "%s: |Q^T Q - gain^2 I| = %.3g > %.3g", label, worst, tol);
}

static void test_orthogonal(void) {
  const struct {
    size_t shape[3];
    double gain;
  } cases[] = {
      {{3, 8, 5}, 1.0},   /* tall: 24 x 5 */
      {{2, 3, 10}, 1.0},  /* wide: 6 x 10, orthonormal rows */
      {{1, 6, 6}, 1.0},   /* square */
      {{5, 40, 3}, 2.5},  /* gain */
      {{1, 1, 7}, 1.0},   /* one row */
      {{7, 9, 1}, 0.5},   /* one column */
      {{2, 64, 128}, 1.0}, /* square 128 */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dwconv1d_initializer init = named("orthogonal");
    init.gain = cases[i].gain;
    const size_t *s = cases[i].shape;
    char label[96];
    snprintf(label, sizeof label, "orthogonal (%zu, %zu, %zu) gain %g", s[0], s[1], s[2],
             cases[i].gain);
    float *v = draw(&init, s, 3, SEED + i, label);
    if (v != NULL)
      check_orthonormal(label, v, s[0] * s[1], s[2], cases[i].gain);
    free(v);
  }
  /* Rank 2 as Keras: (rows, cols) directly. */
  const size_t matrix[2] = {9, 4};
  const dwconv1d_initializer init = named("orthogonal");
  float *v = draw(&init, matrix, 2, SEED, "orthogonal (9, 4)");
  if (v != NULL)
    check_orthonormal("orthogonal (9, 4)", v, 9, 4, 1.0);
  free(v);
}

/* Haar measure on O(4): E[tr Q] = 0 and E[(tr Q)^2] = 1, Var((tr Q)^2) = 2
 * (the trace's first four moments are the standard normal's for n >= 4).
 * A QR without Keras's sign fix (Q *= sign(diag R)) is not Haar and fails. */
static void test_orthogonal_haar(void) {
  const size_t shape[2] = {4, 4}, draws = 20000;
  const dwconv1d_initializer init = named("orthogonal");
  double sum = 0.0, sum_squares = 0.0, first_sum = 0.0;
  for (size_t i = 0; i < draws; i++) {
    float q[16];
    if (dwconv1d_initializer_fill(&init, shape, 2, SEED + i, q) != DWCONV1D_OK) {
      check(false, "orthogonal seed %zu: %s", i, dwconv1d_last_error());
      return;
    }
    const double trace = (double)q[0] + q[5] + q[10] + q[15];
    sum += trace;
    sum_squares += trace * trace;
    first_sum += q[0];
  }
  const double n = (double)draws;
  check(fabs(sum / n) <= 5.0 / sqrt(n), "orthogonal 4x4: mean trace %.4f, expected 0 +- %.4f",
        sum / n, 5.0 / sqrt(n));
  check(fabs(sum_squares / n - 1.0) <= 5.0 * sqrt(2.0 / n),
        "orthogonal 4x4: mean trace^2 %.4f, expected 1 +- %.4f", sum_squares / n,
        5.0 * sqrt(2.0 / n));
  /* q[0][0] of a Haar matrix has mean 0 and variance 1/4. */
  check(fabs(first_sum / n) <= 5.0 * sqrt(0.25 / n),
        "orthogonal 4x4: mean Q[0][0] %.4f, expected 0 +- %.4f", first_sum / n,
        5.0 * sqrt(0.25 / n));
}

/* ------------------------------------------------------------------ */
/* Seeds, the stream, the layer's weights                              */

static void test_seeds(void) {
  const size_t shape[1] = {200000};
  const dwconv1d_initializer init = named("random_uniform");
  float *a = draw(&init, shape, 1, SEED, "seed a");
  float *b = draw(&init, shape, 1, SEED, "seed a again");
  float *c = draw(&init, shape, 1, SEED + 1, "seed a + 1");
  if (a && b && c) {
    check(memcmp(a, b, 200000 * sizeof *a) == 0, "the same seed gave different values");
    size_t same = 0;
    for (size_t i = 0; i < 200000; i++)
      same += a[i] == c[i];
    /* Two independent uniform floats on 2^23-ish values agree rarely. */
    check(same < 100, "seeds %u and %u agree on %zu of 200000 values", SEED, SEED + 1, same);
    /* Serial correlation of the stream: lag-1 correlation within 5/sqrt(n). */
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < 200000; i++) {
      den += (double)a[i] * a[i];
      if (i + 1 < 200000)
        num += (double)a[i] * a[i + 1];
    }
    check(fabs(num / den) <= 5.0 / sqrt(200000.0), "lag-1 correlation %.5f beyond %.5f",
          num / den, 5.0 / sqrt(200000.0));
    /* dwconv1d_initialize is from_name + fill. */
    if (check(dwconv1d_initialize("random_uniform", shape, 1, SEED, c) == DWCONV1D_OK,
              "initialize: %s", dwconv1d_last_error()))
      check(memcmp(a, c, 200000 * sizeof *a) == 0,
            "initialize differs from from_name + fill with the same seed");
  }
  free(a);
  free(b);
  free(c);
  /* Rank 0 is a scalar: one value. */
  float scalar[2] = {NAN, NAN};
  check(dwconv1d_initialize("ones", NULL, 0, SEED, scalar) == DWCONV1D_OK && scalar[0] == 1.0f &&
            isnan(scalar[1]),
        "rank 0 must write exactly one value");
  /* A zero dimension writes nothing and needs no output. */
  const size_t empty[3] = {3, 0, 2};
  check(dwconv1d_initialize("glorot_uniform", empty, 3, SEED, NULL) == DWCONV1D_OK,
        "a zero dimension must succeed with out == NULL: %s", dwconv1d_last_error());
}

static void test_layer_weights(void) {
  dwconv1d_params p = dwconv1d_params_default(5);
  p.depth_multiplier = 3;
  const size_t channels = 7, kernel_count = 5 * 7 * 3, shape[3] = {5, 7, 3};
  float kernel[105], expected[105], bias[21], other[21];
  memset(bias, 0xFF, sizeof bias);
  if (!check(dwconv1d_initialize_weights(&p, channels, NULL, NULL, SEED, kernel, bias) ==
                 DWCONV1D_OK,
             "initialize_weights (defaults): %s", dwconv1d_last_error()))
    return;
  check(dwconv1d_initialize("glorot_uniform", shape, 3, SEED, expected) == DWCONV1D_OK &&
            memcmp(kernel, expected, kernel_count * sizeof(float)) == 0,
        "default kernel is not glorot_uniform for (K, C, M) with the same seed");
  size_t nonzero = 0;
  for (size_t i = 0; i < 21; i++)
    nonzero += bias[i] != 0.0f || signbit(bias[i]);
  check(nonzero == 0, "default bias: %zu of 21 values are not +0", nonzero);

  /* A random bias comes from another stream than the kernel's seed. */
  if (check(dwconv1d_initialize_weights(&p, channels, "he_normal", "random_normal", SEED, kernel,
                                        bias) == DWCONV1D_OK,
            "initialize_weights (he_normal, random_normal): %s", dwconv1d_last_error())) {
    const size_t bias_shape[1] = {21};
    check(dwconv1d_initialize("he_normal", shape, 3, SEED, expected) == DWCONV1D_OK &&
              memcmp(kernel, expected, sizeof kernel) == 0,
          "he_normal kernel differs from dwconv1d_initialize with the same seed");
    check(dwconv1d_initialize("random_normal", bias_shape, 1, SEED, other) == DWCONV1D_OK &&
              memcmp(bias, other, sizeof bias) != 0,
          "random bias repeats the kernel's seed stream");
  }
  /* Without a bias, the bias pointer may be NULL and is not touched. */
  p.use_bias = false;
  check(dwconv1d_initialize_weights(&p, channels, "ones", "ones", SEED, kernel, NULL) ==
            DWCONV1D_OK && kernel[0] == 1.0f && kernel[104] == 1.0f,
        "use_bias=false with a NULL bias: %s", dwconv1d_last_error());
}

/* ------------------------------------------------------------------ */
/* Refusals                                                            */

/* The status is INVALID_ARGUMENT, the message names `needle`, and the
 * output (32 floats of 0xFF bytes) is untouched. */
static void check_refused(const char *label, dwconv1d_status s, const float *out,
                          const char *needle) {
  const char *message = dwconv1d_last_error();
  check(s == DWCONV1D_ERROR_INVALID_ARGUMENT, "%s: status %d, expected INVALID_ARGUMENT", label,
        (int)s);
  check(strstr(message, needle) != NULL, "%s: message \"%s\" does not name \"%s\"", label,
        message, needle);
  if (out != NULL) {
    unsigned char expected[32 * sizeof(float)];
    memset(expected, 0xFF, sizeof expected);
    check(memcmp(out, expected, sizeof expected) == 0, "%s: output written on error", label);
  }
}

static void test_errors(void) {
  float out[32];
  dwconv1d_initializer init;
  const size_t shape[2] = {4, 8};
  memset(out, 0xFF, sizeof out);
  memset(&init, 0x5A, sizeof init);
  const dwconv1d_initializer untouched = init;

  check_refused("from_name(NULL)", dwconv1d_initializer_from_name(NULL, &init), NULL,
                "initializer");
  check_refused("from_name(\"glorot\")", dwconv1d_initializer_from_name("glorot", &init), NULL,
                "\"glorot\"");
  check_refused("from_name(\"GLOROT_UNIFORM\")",
                dwconv1d_initializer_from_name("GLOROT_UNIFORM", &init), NULL, "GLOROT_UNIFORM");
  check_refused("from_name(\"identity\")", dwconv1d_initializer_from_name("identity", &init),
                NULL, "identity");
  check(memcmp(&init, &untouched, sizeof init) == 0, "from_name wrote *out on error");
  check_refused("from_name(out=NULL)", dwconv1d_initializer_from_name("zeros", NULL), NULL,
                "out");

  check_refused("initialize(unknown)", dwconv1d_initialize("he_normalx", shape, 2, SEED, out),
                out, "he_normalx");
  check_refused("fill(NULL)", dwconv1d_initializer_fill(NULL, shape, 2, SEED, out), out,
                "initializer");
  init = named("ones");
  check_refused("fill(shape NULL)", dwconv1d_initializer_fill(&init, NULL, 2, SEED, out), out,
                "shape");
  check_refused("fill(out NULL)", dwconv1d_initializer_fill(&init, shape, 2, SEED, NULL), NULL,
                "out");
  const size_t huge[3] = {SIZE_MAX / 2, 3, 1};
  check_refused("fill(overflowing shape)", dwconv1d_initializer_fill(&init, huge, 3, SEED, out),
                out, "overflow");

  init.kind = (dwconv1d_initializer_kind)42;
  check_refused("kind 42", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out, "42");
  init = named("random_normal");
  init.stddev = -0.5;
  check_refused("stddev -0.5", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out,
                "stddev");
  init.stddev = 1.0;
  init.mean = NAN;
  check_refused("mean NaN", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out, "mean");
  init = named("truncated_normal");
  init.stddev = INFINITY;
  check_refused("stddev inf", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out, "inf");
  init = named("random_uniform");
  init.minval = 1.0;
  init.maxval = 0.5;
  check_refused("minval > maxval", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out,
                "minval=1");
  init.minval = 0.0;
  init.maxval = 1e300;
  check_refused("maxval 1e300", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out,
                "maxval");
  init = named("glorot_uniform");
  init.scale = 0.0;
  check_refused("scale 0", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out, "scale");
  init = named("glorot_uniform");
  init.mode = (dwconv1d_fan_mode)7;
  check_refused("mode 7", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out, "mode");
  init = named("glorot_uniform");
  init.distribution = (dwconv1d_scaling_distribution)9;
  check_refused("distribution 9", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out,
                "distribution");
  init = named("glorot_uniform");
  init.fan_in = 12;
  check_refused("fan_in alone", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out,
                "fan_in=12");
  init = named("orthogonal");
  init.gain = NAN;
  check_refused("gain NaN", dwconv1d_initializer_fill(&init, shape, 2, SEED, out), out, "gain");
  init = named("orthogonal");
  const size_t vector[1] = {8};
  check_refused("orthogonal rank 1", dwconv1d_initializer_fill(&init, vector, 1, SEED, out), out,
                "rank 1");

  dwconv1d_params p = dwconv1d_params_default(4);
  float *kernel = out, bias[32];
  memset(bias, 0xFF, sizeof bias);
  check_refused("weights: orthogonal bias",
                dwconv1d_initialize_weights(&p, 8, "orthogonal", "orthogonal", SEED, kernel,
                                            bias),
                kernel, "rank 1");
  check_refused("weights: unknown kernel name",
                dwconv1d_initialize_weights(&p, 8, "nope", NULL, SEED, kernel, bias), kernel,
                "nope");
  check_refused("weights: NULL bias with use_bias",
                dwconv1d_initialize_weights(&p, 8, NULL, NULL, SEED, kernel, NULL), kernel,
                "bias");
  check_refused("weights: NULL kernel",
                dwconv1d_initialize_weights(&p, 8, NULL, NULL, SEED, NULL, bias), bias,
                "kernel");
  check_refused("weights: channels 0",
                dwconv1d_initialize_weights(&p, 0, NULL, NULL, SEED, kernel, bias), kernel,
                "channels");
  p.kernel_size = 0;
  check_refused("weights: kernel_size 0",
                dwconv1d_initialize_weights(&p, 8, NULL, NULL, SEED, kernel, bias), kernel,
                "kernel_size");
  check_refused("weights: NULL params",
                dwconv1d_initialize_weights(NULL, 8, NULL, NULL, SEED, kernel, bias), kernel,
                "params");
}

int main(void) {
  test_names();
  test_named_distributions();
  test_parameters();
  test_fans();
  test_constants();
  test_orthogonal();
  test_orthogonal_haar();
  test_seeds();
  test_layer_weights();
  test_errors();
  printf("test_initializers: %lu passed, %lu failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
