/* Keras's weight initializers: names, parameters, fans and seeded draws. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "params.h"

/* ------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded through splitmix64.             */

typedef struct random_stream {
  uint64_t s[4];
  double spare_normal; /* the polar method makes normals in pairs */
  bool has_spare;
} random_stream;

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static random_stream stream_from_seed(uint64_t seed) {
  random_stream r = {.has_spare = false};
  /* splitmix64 never yields four zero words in a row, the one state
   * xoshiro cannot leave. */
  for (int i = 0; i < 4; i++)
    r.s[i] = splitmix64(&seed);
  return r;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next_u64(random_stream *r) {
  const uint64_t result = rotl(r->s[1] * 5, 7) * 9;
  const uint64_t t = r->s[1] << 17;
  r->s[2] ^= r->s[0];
  r->s[3] ^= r->s[1];
  r->s[1] ^= r->s[2];
  r->s[0] ^= r->s[3];
  r->s[2] ^= t;
  r->s[3] = rotl(r->s[3], 45);
  return result;
}

/* Uniform on [0, 1), 53 random bits. */
static double next_unit(random_stream *r) { return (double)(next_u64(r) >> 11) * 0x1.0p-53; }

/* Standard normal by Marsaglia's polar method (no trigonometry). */
static double next_normal(random_stream *r) {
  if (r->has_spare) {
    r->has_spare = false;
    return r->spare_normal;
  }
  double u, v, q;
  do {
    u = 2.0 * next_unit(r) - 1.0;
    v = 2.0 * next_unit(r) - 1.0;
    q = u * u + v * v;
  } while (q >= 1.0 || q == 0.0);
  const double f = sqrt(-2.0 * log(q) / q);
  r->spare_normal = v * f;
  r->has_spare = true;
  return u * f;
}

/* Standard normal conditioned on |z| < 2, as jax.random.truncated_normal(-2, 2). */
static double next_truncated_normal(random_stream *r) {
  double z;
  do
    z = next_normal(r);
  while (fabs(z) >= 2.0);
  return z;
}

/* ------------------------------------------------------------------ */
/* Names                                                              */

/* The standard deviation of a standard normal cut at +-2, by which Keras
 * divides VarianceScaling's truncated stddev. */
#define TRUNCATED_STDDEV_AT_2 0.87962566103423978

static dwconv1d_initializer constant(double value) {
  return (dwconv1d_initializer){.kind = DWCONV1D_INITIALIZER_CONSTANT, .value = value};
}

static dwconv1d_initializer normal(dwconv1d_initializer_kind kind) {
  return (dwconv1d_initializer){.kind = kind, .mean = 0.0, .stddev = 0.05};
}

static dwconv1d_initializer uniform(void) {
  return (dwconv1d_initializer){
      .kind = DWCONV1D_INITIALIZER_RANDOM_UNIFORM, .minval = -0.05, .maxval = 0.05};
}

static dwconv1d_initializer scaling(double scale, dwconv1d_fan_mode mode,
                                    dwconv1d_scaling_distribution distribution) {
  return (dwconv1d_initializer){.kind = DWCONV1D_INITIALIZER_VARIANCE_SCALING,
                                .scale = scale,
                                .mode = mode,
                                .distribution = distribution};
}

static dwconv1d_initializer orthogonal(void) {
  return (dwconv1d_initializer){.kind = DWCONV1D_INITIALIZER_ORTHOGONAL, .gain = 1.0};
}

static bool lookup_name(const char *name, dwconv1d_initializer *out) {
  const dwconv1d_scaling_distribution truncated = DWCONV1D_SCALING_TRUNCATED_NORMAL;
  const dwconv1d_scaling_distribution flat = DWCONV1D_SCALING_UNIFORM;
  const struct {
    const char *snake, *camel, *alias;
    dwconv1d_initializer init;
  } table[] = {
      {"zeros", "Zeros", "zero", constant(0.0)},
      {"ones", "Ones", "one", constant(1.0)},
      {"constant", "Constant", NULL, constant(0.0)},
      {"random_normal", "RandomNormal", "normal", normal(DWCONV1D_INITIALIZER_RANDOM_NORMAL)},
      {"random_uniform", "RandomUniform", "uniform", uniform()},
      {"truncated_normal", "TruncatedNormal", NULL,
       normal(DWCONV1D_INITIALIZER_TRUNCATED_NORMAL)},
      {"variance_scaling", "VarianceScaling", NULL, scaling(1.0, DWCONV1D_FAN_IN, truncated)},
      {"glorot_uniform", "GlorotUniform", NULL, scaling(1.0, DWCONV1D_FAN_AVG, flat)},
      {"glorot_normal", "GlorotNormal", NULL, scaling(1.0, DWCONV1D_FAN_AVG, truncated)},
      {"he_normal", "HeNormal", NULL, scaling(2.0, DWCONV1D_FAN_IN, truncated)},
      {"he_uniform", "HeUniform", NULL, scaling(2.0, DWCONV1D_FAN_IN, flat)},
      {"lecun_normal", "LecunNormal", NULL, scaling(1.0, DWCONV1D_FAN_IN, truncated)},
      {"lecun_uniform", "LecunUniform", NULL, scaling(1.0, DWCONV1D_FAN_IN, flat)},
      {"orthogonal", "Orthogonal", "OrthogonalInitializer", orthogonal()},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (strcmp(name, table[i].snake) == 0 || strcmp(name, table[i].camel) == 0 ||
        (table[i].alias != NULL && strcmp(name, table[i].alias) == 0)) {
      *out = table[i].init;
      return true;
    }
  }
  return false;
}

/* Keras initializers that can never fill a DepthwiseConv1D weight. */
static bool is_keras_only(const char *name) {
  static const char *const names[] = {"identity", "Identity", "IdentityInitializer",
                                      "stft",     "STFT",     "STFTInitializer"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0)
      return true;
  return false;
}

dwconv1d_status dwconv1d_initializer_from_name(const char *keras_name, dwconv1d_initializer *out) {
  if (keras_name == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "initializer must not be NULL");
  if (out == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out must not be NULL");
  dwconv1d_initializer found;
  if (lookup_name(keras_name, &found)) {
    *out = found;
    return DWCONV1D_OK;
  }
  if (is_keras_only(keras_name))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "initializer \"%.64s\" is not offered: it fits only 2-D or Conv1D "
                          "weights, never a DepthwiseConv1D kernel or bias",
                          keras_name);
  char quoted[80];
  return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                        "initializer: unknown initializer name \"%s\"",
                        dwconv1d_quote(keras_name, quoted, sizeof quoted));
}

/* ------------------------------------------------------------------ */
/* Checks                                                             */

static dwconv1d_status need_finite(const char *name, double value) {
  if (!isfinite(value))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "%s must be finite, got %g", name,
                          value);
  return DWCONV1D_OK;
}

/* Uniform bounds are rounded to float32 before drawing, so they must fit. */
static dwconv1d_status need_float(const char *name, double value) {
  if (!(fabs(value) <= FLT_MAX))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "%s must be a finite float32 value, got %g", name, value);
  return DWCONV1D_OK;
}

static dwconv1d_status check_normal(const dwconv1d_initializer *init) {
  dwconv1d_status s;
  if ((s = need_finite("mean", init->mean)) != DWCONV1D_OK ||
      (s = need_finite("stddev", init->stddev)) != DWCONV1D_OK)
    return s;
  if (init->stddev < 0.0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "stddev must be >= 0, got %g",
                          init->stddev);
  return DWCONV1D_OK;
}

static dwconv1d_status check_uniform(const dwconv1d_initializer *init) {
  dwconv1d_status s;
  if ((s = need_float("minval", init->minval)) != DWCONV1D_OK ||
      (s = need_float("maxval", init->maxval)) != DWCONV1D_OK)
    return s;
  if (init->minval > init->maxval)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "minval must be <= maxval, got minval=%g and maxval=%g", init->minval,
                          init->maxval);
  return DWCONV1D_OK;
}

static dwconv1d_status check_scaling(const dwconv1d_initializer *init) {
  if (!isfinite(init->scale) || init->scale <= 0.0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "scale must be a positive finite number, got %g", init->scale);
  if ((unsigned)init->mode > DWCONV1D_FAN_AVG)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "mode must be fan_in, fan_out or fan_avg, got %d", (int)init->mode);
  if ((unsigned)init->distribution > DWCONV1D_SCALING_UNIFORM)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "distribution must be truncated_normal, untruncated_normal or "
                          "uniform, got %d",
                          (int)init->distribution);
  if ((init->fan_in == 0) != (init->fan_out == 0))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "fan_in and fan_out must both be 0 (from the shape) or both given, "
                          "got fan_in=%zu and fan_out=%zu",
                          init->fan_in, init->fan_out);
  return DWCONV1D_OK;
}

static dwconv1d_status check_initializer(const dwconv1d_initializer *init, size_t rank) {
  switch (init->kind) {
  case DWCONV1D_INITIALIZER_CONSTANT: return DWCONV1D_OK; /* any value, as Keras's Constant */
  case DWCONV1D_INITIALIZER_RANDOM_NORMAL:
  case DWCONV1D_INITIALIZER_TRUNCATED_NORMAL: return check_normal(init);
  case DWCONV1D_INITIALIZER_RANDOM_UNIFORM: return check_uniform(init);
  case DWCONV1D_INITIALIZER_VARIANCE_SCALING: return check_scaling(init);
  case DWCONV1D_INITIALIZER_ORTHOGONAL:
    if (rank < 2)
      return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                            "orthogonal: the tensor to initialize must be at least "
                            "two-dimensional, got rank %zu",
                            rank);
    return need_finite("gain", init->gain);
  }
  return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                        "initializer kind must be a dwconv1d_initializer_kind value, got %d",
                        (int)init->kind);
}

/* The element count of `shape`, or an error when it overflows. */
static dwconv1d_status element_count(const size_t *shape, size_t rank, size_t *count) {
  size_t n = 1;
  for (size_t i = 0; i < rank; i++) {
    if (!dwconv1d_mul_ok(n, shape[i], &n))
      return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                            "shape: element count overflows size_t at dimension %zu (%zu)", i,
                            shape[i]);
  }
  size_t bytes;
  if (!dwconv1d_mul_ok(n, sizeof(double), &bytes)) /* orthogonal's workspace is doubles */
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "shape: %zu elements overflow a size_t byte count", n);
  *count = n;
  return DWCONV1D_OK;
}

/* ------------------------------------------------------------------ */
/* Draws                                                              */

/* Keras's compute_fans, in double (fans of huge shapes exceed size_t). */
static void compute_fans(const size_t *shape, size_t rank, double *fan_in, double *fan_out) {
  if (rank == 0) {
    *fan_in = *fan_out = 1.0;
  } else if (rank == 1) {
    *fan_in = *fan_out = (double)shape[0];
  } else {
    double field = 1.0;
    for (size_t i = 0; i + 2 < rank; i++)
      field *= (double)shape[i];
    *fan_in = (double)shape[rank - 2] * field;
    *fan_out = (double)shape[rank - 1] * field;
  }
}

static void fill_normal(random_stream *r, double mean, double stddev, bool truncated, float *out,
                        size_t count) {
  for (size_t i = 0; i < count; i++) {
    const double z = truncated ? next_truncated_normal(r) : next_normal(r);
    out[i] = (float)(mean + stddev * z);
  }
}

/* Uniform on [lo, hi) in float32: the bounds are rounded first, so the
 * rounding of a draw can reach hi only from below; such draws are redrawn. */
static void fill_uniform(random_stream *r, double minval, double maxval, float *out,
                         size_t count) {
  const float lo = (float)minval, hi = (float)maxval;
  for (size_t i = 0; i < count; i++) {
    float v = lo;
    if (lo < hi) {
      do
        v = (float)((double)lo + ((double)hi - (double)lo) * next_unit(r));
      while (v >= hi);
    }
    out[i] = v;
  }
}

static void fill_scaling(random_stream *r, const dwconv1d_initializer *init, const size_t *shape,
                         size_t rank, float *out, size_t count) {
  double fan_in = (double)init->fan_in, fan_out = (double)init->fan_out;
  if (init->fan_in == 0)
    compute_fans(shape, rank, &fan_in, &fan_out);
  const double n = init->mode == DWCONV1D_FAN_IN    ? fan_in
             : init->mode == DWCONV1D_FAN_OUT ? fan_out
                                              : (fan_in + fan_out) / 2.0;
  const double variance = init->scale / fmax(1.0, n);
  switch (init->distribution) {
  case DWCONV1D_SCALING_TRUNCATED_NORMAL:
    fill_normal(r, 0.0, sqrt(variance) / TRUNCATED_STDDEV_AT_2, true, out, count);
    break;
  case DWCONV1D_SCALING_UNTRUNCATED_NORMAL:
    fill_normal(r, 0.0, sqrt(variance), false, out, count);
    break;
  case DWCONV1D_SCALING_UNIFORM: {
    const double limit = sqrt(3.0 * variance);
    fill_uniform(r, -limit, limit, out, count);
    break;
  }
  }
}

/* Makes column j of the n x m column-major `a` orthogonal to columns 0..j-1
 * and of unit length. Gram-Schmidt twice is as orthogonal as Householder in
 * double; a column that (with probability zero) lies in the span of the
 * others is drawn again. */
static void orthonormalize_column(random_stream *r, double *a, size_t n, size_t j) {
  double *col = a + j * n;
  for (;;) {
    double before = 0.0;
    for (size_t i = 0; i < n; i++)
      before += col[i] * col[i];
    for (int pass = 0; pass < 2; pass++) {
      for (size_t k = 0; k < j; k++) {
        const double *q = a + k * n;
        double dot = 0.0;
        for (size_t i = 0; i < n; i++)
          dot += q[i] * col[i];
        for (size_t i = 0; i < n; i++)
          col[i] -= dot * q[i];
      }
    }
    double after = 0.0;
    for (size_t i = 0; i < n; i++)
      after += col[i] * col[i];
    if (after > 1e-20 * before && after > 0.0) {
      const double inv = 1.0 / sqrt(after);
      for (size_t i = 0; i < n; i++)
        col[i] *= inv;
      return;
    }
    for (size_t i = 0; i < n; i++)
      col[i] = next_normal(r);
  }
}

/* Keras's Orthogonal: a (max, min) normal matrix, its QR factor Q with R's
 * diagonal made positive (Gram-Schmidt gives that Q directly, which is Haar
 * distributed), transposed when the flattened shape is wider than tall. */
static dwconv1d_status fill_orthogonal(random_stream *r, double gain, const size_t *shape,
                                       size_t rank, float *out, size_t count) {
  const size_t cols = shape[rank - 1];
  const size_t rows = cols == 0 ? 0 : count / cols;
  const size_t n = rows > cols ? rows : cols, m = rows > cols ? cols : rows;
  double *a = malloc(count * sizeof *a); /* n x m, column-major */
  if (a == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                          "orthogonal: cannot allocate a %zu x %zu workspace", n, m);
  for (size_t i = 0; i < n; i++) /* drawn in the row-major order of the (n, m) matrix */
    for (size_t j = 0; j < m; j++)
      a[j * n + i] = next_normal(r);
  for (size_t j = 0; j < m; j++)
    orthonormalize_column(r, a, n, j);
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++)
      out[i * cols + j] = (float)(gain * (rows >= cols ? a[j * n + i] : a[i * n + j]));
  free(a);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_initializer_fill(const dwconv1d_initializer *init, const size_t *shape,
                                          size_t rank, uint64_t seed, float *out) {
  if (init == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "initializer must not be NULL");
  if (shape == NULL && rank > 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "shape must not be NULL when rank > 0, got rank %zu", rank);
  size_t count = 0;
  dwconv1d_status s;
  if ((s = check_initializer(init, rank)) != DWCONV1D_OK ||
      (s = element_count(shape, rank, &count)) != DWCONV1D_OK)
    return s;
  if (count == 0)
    return DWCONV1D_OK;
  if (out == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out must not be NULL");
  random_stream r = stream_from_seed(seed);
  switch (init->kind) {
  case DWCONV1D_INITIALIZER_CONSTANT:
    for (size_t i = 0; i < count; i++)
      out[i] = (float)init->value;
    break;
  case DWCONV1D_INITIALIZER_RANDOM_NORMAL:
  case DWCONV1D_INITIALIZER_TRUNCATED_NORMAL:
    fill_normal(&r, init->mean, init->stddev,
                init->kind == DWCONV1D_INITIALIZER_TRUNCATED_NORMAL, out, count);
    break;
  case DWCONV1D_INITIALIZER_RANDOM_UNIFORM:
    fill_uniform(&r, init->minval, init->maxval, out, count);
    break;
  case DWCONV1D_INITIALIZER_VARIANCE_SCALING:
    fill_scaling(&r, init, shape, rank, out, count);
    break;
  case DWCONV1D_INITIALIZER_ORTHOGONAL:
    return fill_orthogonal(&r, init->gain, shape, rank, out, count);
  }
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_initialize(const char *initializer, const size_t *shape, size_t rank,
                                    uint64_t seed, float *out) {
  dwconv1d_initializer init;
  const dwconv1d_status s = dwconv1d_initializer_from_name(initializer, &init);
  if (s != DWCONV1D_OK)
    return s;
  return dwconv1d_initializer_fill(&init, shape, rank, seed, out);
}

/* ------------------------------------------------------------------ */
/* A layer's weights                                                  */

/* The bias's seed: a different stream of the same seed. */
static uint64_t bias_seed(uint64_t seed) {
  uint64_t state = seed ^ 0x6A09E667F3BCC909u; /* any constant that is not 0 */
  return splitmix64(&state);
}

dwconv1d_status dwconv1d_initialize_weights(const dwconv1d_params *p, size_t channels,
                                            const char *depthwise_initializer,
                                            const char *bias_initializer, uint64_t seed,
                                            float *kernel, float *bias) {
  dwconv1d_status s = dwconv1d_check_weights_args(p, channels, kernel, bias);
  if (s != DWCONV1D_OK)
    return s;
  dwconv1d_initializer kernel_init, bias_init;
  if ((s = dwconv1d_initializer_from_name(
           depthwise_initializer ? depthwise_initializer : "glorot_uniform", &kernel_init)) !=
          DWCONV1D_OK ||
      (s = dwconv1d_initializer_from_name(bias_initializer ? bias_initializer : "zeros",
                                          &bias_init)) != DWCONV1D_OK)
    return s;
  const size_t kernel_shape[3] = {p->kernel_size, channels, p->depth_multiplier};
  size_t bias_shape[1], count;
  if (!dwconv1d_mul_ok(channels, p->depth_multiplier, &bias_shape[0]))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "channels * depth_multiplier overflows: channels=%zu, "
                          "depth_multiplier=%zu",
                          channels, p->depth_multiplier);
  /* Every check before the first write, so that a refusal writes nothing. */
  if ((s = element_count(kernel_shape, 3, &count)) != DWCONV1D_OK)
    return s;
  if (p->use_bias && (s = check_initializer(&bias_init, 1)) != DWCONV1D_OK)
    return s;
  if ((s = dwconv1d_initializer_fill(&kernel_init, kernel_shape, 3, seed, kernel)) !=
      DWCONV1D_OK)
    return s;
  if (p->use_bias)
    return dwconv1d_initializer_fill(&bias_init, bias_shape, 1, bias_seed(seed), bias);
  return DWCONV1D_OK;
}
