/* The double-precision reference of SPEC §1/§3 and the SPEC §4 acceptance
 * bands, written from the contract with plain loops. */
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Sizes (SPEC §1 table)                                               */

static bool mul_fits(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a) return false;
  *out = a * b;
  return true;
}

static bool params_in_range(const dwconv1d_params *p, size_t channels) {
  if (p->kernel_size == 0 || p->strides == 0 || p->dilation_rate == 0 ||
      p->depth_multiplier == 0 || channels == 0)
    return false;
  if (p->strides > 1 && p->dilation_rate > 1) return false;
  if ((unsigned)p->padding > (unsigned)DWCONV1D_PADDING_CAUSAL) return false;
  if ((unsigned)p->data_format > (unsigned)DWCONV1D_CHANNELS_FIRST) return false;
  if ((unsigned)p->activation >= (unsigned)DWCONV1D_ACTIVATION_COUNT) return false;
  return true;
}

/* T_out and pad_left for a valid parameter set; false for an empty output. */
static bool steps_and_padding(const dwconv1d_params *p, size_t steps, size_t *out_steps,
                              size_t *pad_left) {
  const size_t k = p->kernel_size, s = p->strides, dil = p->dilation_rate;
  if (k - 1 > (SIZE_MAX - 1) / dil) return false; /* eff would not fit */
  const size_t eff = dil * (k - 1) + 1;
  size_t t_out = 0;
  switch (p->padding) {
  case DWCONV1D_PADDING_VALID:
    if (steps < eff) return false;
    t_out = (steps - eff) / s + 1;
    *pad_left = 0;
    break;
  case DWCONV1D_PADDING_SAME: {
    t_out = steps / s + (steps % s != 0); /* ceil without overflow */
    if (t_out == 0) return false;
    /* total = max((T_out-1)*s + eff - T, 0); (T_out-1)*s < T always. */
    const size_t covered = steps - (t_out - 1) * s;
    const size_t total = eff > covered ? eff - covered : 0;
    *pad_left = total / 2; /* the odd extra zero goes right */
    break;
  }
  case DWCONV1D_PADDING_CAUSAL:
    t_out = steps / s + (steps % s != 0);
    if (t_out == 0) return false;
    *pad_left = dil * (k - 1);
    break;
  }
  *out_steps = t_out;
  return true;
}

bool ref_dims_compute(const dwconv1d_params *p, size_t batch, size_t channels, size_t steps,
                      ref_dims *d) {
  if (p == NULL || d == NULL || !params_in_range(p, channels)) return false;
  ref_dims r;
  memset(&r, 0, sizeof r);
  if (!steps_and_padding(p, steps, &r.out_steps, &r.pad_left)) return false;
  if (!mul_fits(channels, p->depth_multiplier, &r.out_channels)) return false;
  size_t per_batch;
  if (!mul_fits(r.out_steps, r.out_channels, &per_batch)) return false;
  if (!mul_fits(batch, per_batch, &r.pre_count)) return false;
  if (r.pre_count > SIZE_MAX / sizeof(float)) return false;
  const bool last = p->data_format == DWCONV1D_CHANNELS_LAST;
  r.last_axis = last ? r.out_channels : r.out_steps;
  const bool glu = p->activation == DWCONV1D_ACTIVATION_GLU;
  if (glu && r.last_axis % 2 != 0) return false;
  const size_t kept = glu ? r.last_axis / 2 : r.last_axis;
  r.shape[0] = batch;
  r.shape[1] = last ? r.out_steps : r.out_channels;
  r.shape[2] = kept;
  r.count = glu ? r.pre_count / 2 : r.pre_count;
  *d = r;
  return true;
}

/* ------------------------------------------------------------------ */
/* The convolution                                                     */

static float input_at(const ref_problem *pr, size_t b, size_t t, size_t c) {
  const size_t T = pr->steps, C = pr->channels;
  if (pr->params.data_format == DWCONV1D_CHANNELS_LAST) return pr->input[(b * T + t) * C + c];
  return pr->input[(b * C + c) * T + t];
}

static size_t pre_index(const ref_problem *pr, const ref_dims *d, size_t b, size_t t, size_t oc) {
  if (pr->params.data_format == DWCONV1D_CHANNELS_LAST)
    return (b * d->out_steps + t) * d->out_channels + oc;
  return (b * d->out_channels + oc) * d->out_steps + t;
}

/* y[b,t,c*M+m] = bias + sum_j xpad[b, t*s + j*d, c] * kernel[j,c,m]. */
static void one_output(const ref_problem *pr, const ref_dims *d, size_t b, size_t t, size_t c,
                       size_t m, double *z, double *err) {
  const dwconv1d_params *p = &pr->params;
  const size_t C = pr->channels, M = p->depth_multiplier;
  double sum = 0.0, magnitude = 0.0;
  for (size_t j = 0; j < p->kernel_size; ++j) {
    const size_t padded = t * p->strides + j * p->dilation_rate; /* index into xpad */
    double x = 0.0;                                                /* a padding zero */
    if (padded >= d->pad_left && padded - d->pad_left < pr->steps)
      x = input_at(pr, b, padded - d->pad_left, c);
    const double product = x * (double)pr->kernel[(j * C + c) * M + m];
    sum += product;
    magnitude += fabs(product);
  }
  double bias = 0.0;
  if (p->use_bias) bias = pr->bias[c * M + m];
  *z = bias + sum;
  /* SPEC §4; the bias enters the float sum as one more term. */
  *err = 1e-5 * (magnitude + fabs(bias)) + 1e-6;
}

void ref_preactivation(const ref_problem *pr, const ref_dims *d, double *z, double *err) {
  const size_t M = pr->params.depth_multiplier;
  for (size_t b = 0; b < pr->batch; ++b)
    for (size_t t = 0; t < d->out_steps; ++t)
      for (size_t c = 0; c < pr->channels; ++c)
        for (size_t m = 0; m < M; ++m) {
          const size_t i = pre_index(pr, d, b, t, c * M + m);
          one_output(pr, d, b, t, c, m, &z[i], &err[i]);
        }
}

/* ------------------------------------------------------------------ */
/* Activations (Keras 3 definitions, default parameters)               */

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* log(1 + e^x) without overflow. */
static double softplus(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

/* max(x, 0) that keeps a NaN, as numpy/jax/torch maximum do. */
static double relu(double x) { return isnan(x) ? x : (x > 0 ? x : 0.0); }

static double clip(double x, double lo, double hi) {
  if (isnan(x)) return x;
  return x < lo ? lo : (x > hi ? hi : x);
}

static const double selu_alpha = 1.6732632423543772848170429916717;
static const double selu_scale = 1.0507009873554804934193349852946;

double ref_activation(dwconv1d_activation a, double x) {
  switch (a) {
  case DWCONV1D_ACTIVATION_LINEAR: return x;
  case DWCONV1D_ACTIVATION_RELU: return relu(x);
  case DWCONV1D_ACTIVATION_RELU6: return clip(x, 0.0, 6.0);
  case DWCONV1D_ACTIVATION_LEAKY_RELU: return x >= 0 ? x : 0.2 * x;
  case DWCONV1D_ACTIVATION_ELU: return x > 0 ? x : expm1(x);
  case DWCONV1D_ACTIVATION_SELU: return selu_scale * (x > 0 ? x : selu_alpha * expm1(x));
  case DWCONV1D_ACTIVATION_CELU: /* max(0,x) + alpha*expm1(min(0,x)/alpha), alpha 1 */
    return x > 0 ? x : expm1(x);
  case DWCONV1D_ACTIVATION_SIGMOID: return sigmoid(x);
  case DWCONV1D_ACTIVATION_HARD_SIGMOID: return clip(x + 3.0, 0.0, 6.0) / 6.0;
  case DWCONV1D_ACTIVATION_HARD_SILU: return x * (clip(x + 3.0, 0.0, 6.0) / 6.0);
  case DWCONV1D_ACTIVATION_SILU: return x * sigmoid(x);
  case DWCONV1D_ACTIVATION_GELU: return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
  case DWCONV1D_ACTIVATION_GELU_APPROXIMATE: {
    const double c = sqrt(2.0 / 3.14159265358979323846);
    return 0.5 * x * (1.0 + tanh(c * (x + 0.044715 * x * x * x)));
  }
  case DWCONV1D_ACTIVATION_TANH: return tanh(x);
  case DWCONV1D_ACTIVATION_TANH_SHRINK: return x - tanh(x);
  case DWCONV1D_ACTIVATION_HARD_TANH: return clip(x, -1.0, 1.0);
  case DWCONV1D_ACTIVATION_HARD_SHRINK:
    if (isnan(x)) return x;
    return fabs(x) > 0.5 ? x : 0.0;
  case DWCONV1D_ACTIVATION_SOFT_SHRINK:
    if (isnan(x)) return x;
    return x > 0.5 ? x - 0.5 : (x < -0.5 ? x + 0.5 : 0.0);
  case DWCONV1D_ACTIVATION_SOFTPLUS: return softplus(x);
  case DWCONV1D_ACTIVATION_SOFTSIGN: return x / (1.0 + fabs(x));
  case DWCONV1D_ACTIVATION_SPARSE_PLUS:
    if (isnan(x)) return x;
    return x <= -1.0 ? 0.0 : (x >= 1.0 ? x : 0.25 * (x + 1.0) * (x + 1.0));
  case DWCONV1D_ACTIVATION_SPARSE_SIGMOID:
    if (isnan(x)) return x;
    return x <= -1.0 ? 0.0 : (x >= 1.0 ? 1.0 : 0.5 * (x + 1.0));
  case DWCONV1D_ACTIVATION_SQUAREPLUS: return (x + sqrt(x * x + 4.0)) / 2.0;
  case DWCONV1D_ACTIVATION_MISH: return x * tanh(softplus(x));
  case DWCONV1D_ACTIVATION_EXPONENTIAL: return exp(x);
  case DWCONV1D_ACTIVATION_LOG_SIGMOID: return -softplus(-x);
  default: return NAN; /* axis activations and values outside the enum */
  }
}

bool ref_activation_is_axis(dwconv1d_activation a) {
  return a == DWCONV1D_ACTIVATION_SOFTMAX || a == DWCONV1D_ACTIVATION_LOG_SOFTMAX ||
         a == DWCONV1D_ACTIVATION_SPARSEMAX || a == DWCONV1D_ACTIVATION_GLU;
}

/* ------------------------------------------------------------------ */
/* Acceptance bands                                                    */

/* The spacing of float32 numbers at magnitude |v|. */
static double float_ulp(double v) {
  v = fabs(v);
  if (!(v >= FLT_MIN)) return ldexp(1.0, -149);
  if (v > FLT_MAX) v = FLT_MAX;
  int exponent;
  frexp(v, &exponent); /* v = f * 2^exponent, f in [0.5, 1) */
  return ldexp(1.0, exponent - 24);
}

/* Keras's own float32 formula cancels against x (0.5x(1 + erf) near the
 * left tail, x + sqrt(x^2+4) for negative x, x - tanh x): a faithful float
 * evaluation may be off by a few ulps of |x| rather than of the result. */
static bool cancels_against_x(dwconv1d_activation a) {
  return a == DWCONV1D_ACTIVATION_GELU || a == DWCONV1D_ACTIVATION_GELU_APPROXIMATE ||
         a == DWCONV1D_ACTIVATION_SQUAREPLUS || a == DWCONV1D_ACTIVATION_TANH_SHRINK;
}

/* These have an interior minimum; sampling f at z-e, z, z+e misses it by at
 * most max|f''| * (e/2)^2 / 2 <= e^2 / 8 since |f''| <= 1 for all of them. */
static bool non_monotone(dwconv1d_activation a) {
  return a == DWCONV1D_ACTIVATION_HARD_SILU || a == DWCONV1D_ACTIVATION_SILU ||
         a == DWCONV1D_ACTIVATION_GELU || a == DWCONV1D_ACTIVATION_GELU_APPROXIMATE ||
         a == DWCONV1D_ACTIVATION_MISH;
}

/* Elementwise: the range of f over [z-e, z+e] (f monotone or nearly so),
 * widened by the float evaluation error: 4 ulps of the result (SLEEF u10
 * functions are <= 1 ulp; a Keras formula chains at most a few of them and
 * a couple of roundings), 1e-6 absolute, and the two terms above. */
static void elementwise_band(dwconv1d_activation a, double z, double e, double *value,
                             double *lo, double *hi) {
  const double v = ref_activation(a, z);
  *value = v;
  if (!isfinite(z) || !isfinite(e)) {
    *lo = *hi = v; /* IEEE special values must come out as the reference says */
    return;
  }
  if (a == DWCONV1D_ACTIVATION_LINEAR) { /* SPEC §4 bound, nothing more */
    *lo = z - e;
    *hi = z + e;
    return;
  }
  const double below = ref_activation(a, z - e), above = ref_activation(a, z + e);
  double l = fmin(fmin(below, v), above), h = fmax(fmax(below, v), above);
  double tol = 4.0 * float_ulp(fmax(fabs(l), fabs(h))) + 1e-6;
  if (cancels_against_x(a)) tol += 4.0 * fabs(z) * FLT_EPSILON;
  if (non_monotone(a)) tol += 0.125 * e * e;
  *lo = l - tol;
  *hi = h + tol;
}

static bool row_is_finite(const double *z, const double *e, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!isfinite(z[i]) || !isfinite(e[i])) return false;
  return true;
}

static void fill_nan(double *value, double *lo, double *hi, size_t n) {
  for (size_t i = 0; i < n; ++i) value[i] = lo[i] = hi[i] = NAN;
}

/* softmax: exact interval. p_i is increasing in z_i and decreasing in every
 * other z_j, so its extremes over the box z +- e are
 *   lo = e^(z_i-e_i) / (e^(z_i-e_i) + sum_{j!=i} e^(z_j+e_j)) and the mirror.
 * Float evaluation: the sum of n exponentials (recursive summation,
 * relative error <= n*u), exp and the division (ulps), and the rounding of
 * z_i - max (relative error u*|z_i - max| after exp): relative
 * (n + 8 + |z_i - max|) * FLT_EPSILON, plus 1e-6 absolute. */
static void softmax_row(const double *z, const double *e, size_t n, bool take_log,
                        double *value, double *lo, double *hi) {
  double zmax = -INFINITY, shift = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    zmax = fmax(zmax, z[i]);
    shift = fmax(shift, z[i] + e[i]);
  }
  double sum = 0.0, sum_plus = 0.0, sum_minus = 0.0;
  for (size_t i = 0; i < n; ++i) {
    sum += exp(z[i] - zmax);
    sum_plus += exp(z[i] + e[i] - shift);
    sum_minus += exp(z[i] - e[i] - shift);
  }
  for (size_t i = 0; i < n; ++i) {
    const double up = exp(z[i] + e[i] - shift), down = exp(z[i] - e[i] - shift);
    const double others_up = fmax(sum_plus - up, 0.0), others_down = fmax(sum_minus - down, 0.0);
    if (take_log) {
      /* log_softmax: the same extremes in log form. Float evaluation: the
       * log of a sum with relative error n*u gives n*u absolute, plus ulps
       * of the result (|y| >= |z_i - max|, so that rounding is inside). */
      value[i] = z[i] - zmax - log(sum);
      const double l = (z[i] - e[i] - shift) - log(down + others_up);
      const double h = (z[i] + e[i] - shift) - log(up + others_down);
      const double tol = (double)(n + 8) * FLT_EPSILON +
                         4.0 * float_ulp(fmax(fabs(l), fabs(h))) + 1e-6;
      lo[i] = l - tol;
      hi[i] = h + tol;
    } else {
      value[i] = exp(z[i] - zmax) / sum;
      const double l = down / (down + others_up);
      const double den = up + others_down;
      const double h = den > 0 ? up / den : 1.0;
      const double tol = h * ((double)n + 8.0 + (zmax - z[i])) * FLT_EPSILON + 1e-6;
      lo[i] = l - tol;
      hi[i] = h + tol;
    }
  }
}

static int descending(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x < y) - (x > y);
}

/* The sparsemax threshold (Martins & Astudillo 2016): sort descending, the
 * support is the largest k with 1 + k*z_(k) > sum_{j<=k} z_(j), and
 * tau = (sum_{j<=k} z_(j) - 1) / k. `work` holds n doubles. */
static double sparsemax_tau(const double *z, const double *shift, double sign, size_t n,
                            double *work) {
  for (size_t i = 0; i < n; ++i) work[i] = z[i] + sign * shift[i];
  qsort(work, n, sizeof *work, descending);
  double cumulative = 0.0, support_sum = work[0];
  size_t support = 1;
  for (size_t k = 1; k <= n; ++k) {
    cumulative += work[k - 1];
    if (1.0 + (double)k * work[k - 1] > cumulative) {
      support = k;
      support_sum = cumulative;
    }
  }
  return (support_sum - 1.0) / (double)support;
}

/* sparsemax: p_i = max(z_i - tau(z), 0). tau rises with every z_j, so over
 * the box z +- e: p_i >= max(z_i - e_i - tau(z + e), 0) and
 * p_i <= max(z_i + e_i - tau(z - e), 0). Float evaluation: tau is a sum of
 * at most n terms of magnitude <= 2 max|z| (after a possible shift by the
 * max) divided by k: error <= (n + 2) * eps * (2 max|z| + 1); plus ulps. */
static void sparsemax_row(const double *z, const double *e, size_t n, double *work,
                          double *value, double *lo, double *hi) {
  double max_abs = 0.0;
  for (size_t i = 0; i < n; ++i) max_abs = fmax(max_abs, fabs(z[i]));
  const double tau = sparsemax_tau(z, e, 0.0, n, work);
  const double tau_up = sparsemax_tau(z, e, 1.0, n, work);
  const double tau_down = sparsemax_tau(z, e, -1.0, n, work);
  for (size_t i = 0; i < n; ++i) {
    value[i] = fmax(z[i] - tau, 0.0);
    const double l = fmax(z[i] - e[i] - tau_up, 0.0);
    const double h = fmax(z[i] + e[i] - tau_down, 0.0);
    const double tol = (double)(n + 2) * FLT_EPSILON * (2.0 * max_abs + 1.0) +
                       4.0 * float_ulp(h) + 1e-6;
    lo[i] = l - tol;
    hi[i] = h + tol;
  }
}

/* glu: a * sigmoid(b) with a the first half of the row, b the second. Over
 * the box the exact extremes are among the four corner products, sigmoid
 * being increasing; float evaluation adds 4 ulps and 1e-6. */
static void glu_row(const double *z, const double *e, size_t n, double *value, double *lo,
                    double *hi) {
  const size_t half = n / 2;
  for (size_t i = 0; i < half; ++i) {
    const double a = z[i], b = z[half + i], ea = e[i], eb = e[half + i];
    value[i] = a * sigmoid(b);
    if (!isfinite(a) || !isfinite(b) || !isfinite(ea) || !isfinite(eb)) {
      lo[i] = hi[i] = value[i];
      continue;
    }
    const double s_lo = sigmoid(b - eb), s_hi = sigmoid(b + eb);
    const double c[4] = {(a - ea) * s_lo, (a - ea) * s_hi, (a + ea) * s_lo, (a + ea) * s_hi};
    double l = c[0], h = c[0];
    for (int k = 1; k < 4; ++k) {
      l = fmin(l, c[k]);
      h = fmax(h, c[k]);
    }
    const double tol = 4.0 * float_ulp(fmax(fabs(l), fabs(h))) + 1e-6;
    lo[i] = l - tol;
    hi[i] = h + tol;
  }
}

static bool axis_bands(dwconv1d_activation a, const ref_dims *d, const double *z,
                       const double *err, ref_expectation *ex) {
  const size_t n = d->last_axis;
  const size_t rows = n ? d->pre_count / n : 0;
  double *work = malloc((n ? n : 1) * sizeof *work);
  if (work == NULL) return false;
  for (size_t r = 0; r < rows; ++r) {
    const double *zr = z + r * n, *er = err + r * n;
    const size_t out_n = a == DWCONV1D_ACTIVATION_GLU ? n / 2 : n;
    double *v = ex->value + r * out_n, *l = ex->lo + r * out_n, *h = ex->hi + r * out_n;
    if (a == DWCONV1D_ACTIVATION_GLU) {
      glu_row(zr, er, n, v, l, h);
    } else if (!row_is_finite(zr, er, n)) {
      fill_nan(v, l, h, out_n); /* not exercised with special values */
    } else if (a == DWCONV1D_ACTIVATION_SPARSEMAX) {
      sparsemax_row(zr, er, n, work, v, l, h);
    } else {
      softmax_row(zr, er, n, a == DWCONV1D_ACTIVATION_LOG_SOFTMAX, v, l, h);
    }
  }
  free(work);
  return true;
}

bool ref_expectation_from(const dwconv1d_params *p, const ref_dims *d, const double *z,
                          const double *err, ref_expectation *ex) {
  memset(ex, 0, sizeof *ex);
  ex->dims = *d;
  const size_t n = d->count ? d->count : 1;
  ex->value = malloc(n * sizeof(double));
  ex->lo = malloc(n * sizeof(double));
  ex->hi = malloc(n * sizeof(double));
  if (ex->value == NULL || ex->lo == NULL || ex->hi == NULL) {
    ref_expectation_free(ex);
    return false;
  }
  if (ref_activation_is_axis(p->activation)) {
    if (!axis_bands(p->activation, d, z, err, ex)) {
      ref_expectation_free(ex);
      return false;
    }
    return true;
  }
  for (size_t i = 0; i < d->count; ++i)
    elementwise_band(p->activation, z[i], err[i], &ex->value[i], &ex->lo[i], &ex->hi[i]);
  return true;
}

bool ref_expectation_compute(const ref_problem *pr, ref_expectation *ex) {
  ref_dims d;
  memset(ex, 0, sizeof *ex);
  if (!ref_dims_compute(&pr->params, pr->batch, pr->channels, pr->steps, &d)) return false;
  const size_t n = d.pre_count ? d.pre_count : 1;
  double *z = malloc(n * sizeof *z), *err = malloc(n * sizeof *err);
  bool ok = z != NULL && err != NULL;
  if (ok) {
    ref_preactivation(pr, &d, z, err);
    ok = ref_expectation_from(&pr->params, &d, z, err, ex);
  }
  free(z);
  free(err);
  return ok;
}

void ref_expectation_free(ref_expectation *ex) {
  free(ex->value);
  free(ex->lo);
  free(ex->hi);
  ex->value = ex->lo = ex->hi = NULL;
}
