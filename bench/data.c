/* Shape data, the double-precision reference and the output comparison. */
#include "data.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

/* splitmix64: a fixed, portable stream of uniform floats in [-1, 1). */
static float next_uniform(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  z ^= z >> 31;
  return (float)((double)(z >> 40) * (2.0 / 16777216.0) - 1.0);
}

static void fill_uniform(float *values, size_t count, uint64_t *state) {
  for (size_t i = 0; i < count; i++) values[i] = next_uniform(state);
}

/* The activation in double, for the ones the bench's shapes use and a few
 * more; false for the rest (the scalar path is then compared before nothing). */
static bool activate(dwconv1d_activation activation, double x, double *y) {
  switch (activation) {
    case DWCONV1D_ACTIVATION_LINEAR: *y = x; return true;
    case DWCONV1D_ACTIVATION_RELU: *y = x > 0.0 ? x : 0.0; return true;
    case DWCONV1D_ACTIVATION_RELU6: *y = x < 0.0 ? 0.0 : (x > 6.0 ? 6.0 : x); return true;
    case DWCONV1D_ACTIVATION_LEAKY_RELU: *y = x >= 0.0 ? x : 0.2 * x; return true;
    case DWCONV1D_ACTIVATION_SIGMOID: *y = 1.0 / (1.0 + exp(-x)); return true;
    case DWCONV1D_ACTIVATION_SILU: *y = x / (1.0 + exp(-x)); return true;
    case DWCONV1D_ACTIVATION_TANH: *y = tanh(x); return true;
    case DWCONV1D_ACTIVATION_HARD_TANH: *y = x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x); return true;
    default: return false;
  }
}

/* An upper bound of |f'|: how much the activation can amplify an error. */
static double lipschitz(dwconv1d_activation activation) {
  switch (activation) {
    case DWCONV1D_ACTIVATION_SIGMOID: return 0.25;
    case DWCONV1D_ACTIVATION_SILU: return 1.1;
    case DWCONV1D_ACTIVATION_HARD_SIGMOID: return 1.0 / 6.0;
    case DWCONV1D_ACTIVATION_HARD_SILU: return 1.5;
    case DWCONV1D_ACTIVATION_LINEAR:
    case DWCONV1D_ACTIVATION_RELU:
    case DWCONV1D_ACTIVATION_RELU6:
    case DWCONV1D_ACTIVATION_LEAKY_RELU:
    case DWCONV1D_ACTIVATION_TANH:
    case DWCONV1D_ACTIVATION_HARD_TANH: return 1.0;
    default: return 2.0;
  }
}

/* Index of element (b, t, c) in a (B, T, C) or (B, C, T) tensor. */
static size_t at(bool channels_first, size_t b, size_t t, size_t c, size_t steps,
                 size_t channels) {
  return channels_first ? (b * channels + c) * steps + t : (b * steps + t) * channels + c;
}

/* The layer in double: pre-activation sums (`sum`) and Σ|x·w| (`magnitude`). */
static void reference(const bench_data *data, double *sum, double *magnitude) {
  const bench_shape *shape = data->shape;
  const dwconv1d_params *p = &shape->params;
  const bool first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  const size_t C = shape->channels, M = p->depth_multiplier, K = p->kernel_size;
  const size_t T = shape->steps, T_out = data->sizes.out_steps;
  size_t left = 0, right = 0;
  bench_shape_padding(shape, T_out, &left, &right);
  for (size_t b = 0; b < shape->batch; b++) {
    for (size_t t = 0; t < T_out; t++) {
      for (size_t c = 0; c < C; c++) {
        for (size_t m = 0; m < M; m++) {
          double total = p->use_bias ? data->bias[c * M + m] : 0.0, scale = 0.0;
          for (size_t j = 0; j < K; j++) {
            const size_t padded = t * p->strides + j * p->dilation_rate;
            if (padded < left || padded - left >= T) continue;
            const double product =
                (double)data->input[at(first, b, padded - left, c, T, C)] *
                (double)data->kernel[(j * C + c) * M + m];
            total += product;
            scale += fabs(product);
          }
          const size_t out = at(first, b, t, c * M + m, T_out, C * M);
          sum[out] = total;
          magnitude[out] = scale;
        }
      }
    }
  }
}

/* Runs the dwconv1d scalar path into `output`; 0 or -1 with `why`. */
static int run_scalar(const bench_data *data, float *output, char *why, size_t why_size) {
  const bench_shape *shape = data->shape;
  dwconv1d_layer *layer = NULL;
  dwconv1d_status status = dwconv1d_set_isa(DWCONV1D_ISA_SCALAR);
  if (status == DWCONV1D_OK) {
    status = dwconv1d_layer_create(&shape->params, shape->channels, data->kernel, data->bias, &layer);
  }
  dwconv1d_reset_isa();
  if (status == DWCONV1D_OK) {
    status = dwconv1d_layer_forward(layer, shape->batch, shape->steps, data->input, output);
  }
  if (status != DWCONV1D_OK) {
    snprintf(why, why_size, "scalar path: %s: %s", dwconv1d_status_string(status),
             dwconv1d_last_error());
  }
  dwconv1d_layer_destroy(layer);
  return status == DWCONV1D_OK ? 0 : -1;
}

/* Position of output element `i` as "(b, t, ch)" in the shape's layout. */
static void describe_position(const bench_data *data, size_t i, char *text, size_t text_size) {
  const bench_shape *shape = data->shape;
  const size_t T = data->sizes.out_steps;
  const size_t CM = shape->channels * shape->params.depth_multiplier;
  size_t b = i / (T * CM), rest = i % (T * CM), t, ch;
  if (shape->params.data_format == DWCONV1D_CHANNELS_FIRST) {
    ch = rest / T;
    t = rest % T;
  } else {
    t = rest / CM;
    ch = rest % CM;
  }
  snprintf(text, text_size, "(b %zu, t %zu, ch %zu)", b, t, ch);
}

/* Checks the scalar output against the double reference; fills scalar_note. */
static bool scalar_agrees_with_reference(bench_data *data, const double *sum) {
  const dwconv1d_activation activation = data->shape->params.activation;
  const double L = lipschitz(activation);
  for (size_t i = 0; i < data->sizes.output_floats; i++) {
    double want = 0.0;
    if (!activate(activation, sum[i], &want)) {
      snprintf(data->scalar_note, sizeof data->scalar_note,
               "scalar path not checked: the bench has no double-precision %s",
               dwconv1d_activation_name(activation));
      return true;
    }
    const double tolerance = L * (1e-5 * data->magnitude[i] + 1e-6) + 1e-6 * fabs(want);
    const double got = data->expected[i];
    if (!(fabs(got - want) <= tolerance)) {
      char position[96];
      describe_position(data, i, position, sizeof position);
      snprintf(data->scalar_note, sizeof data->scalar_note,
               "scalar path disagrees with the double reference at output %zu %s: got %.9g, "
               "want %.9g, tolerance %.3g",
               i, position, got, want, tolerance);
      return false;
    }
  }
  return true;
}

void *bench_alloc_tensor(size_t bytes) {
  return aligned_alloc(64, (bytes + 63) / 64 * 64 + (bytes == 0 ? 64 : 0));
}

int bench_data_create(const bench_shape *shape, bench_data *data, char *why, size_t why_size) {
  memset(data, 0, sizeof *data);
  data->shape = shape;
  if (bench_shape_sizes_of(shape, &data->sizes, why, why_size) != 0) return -1;
  const bench_shape_sizes *s = &data->sizes;
  const size_t CM = shape->channels * shape->params.depth_multiplier;
  data->input = bench_alloc_tensor(s->input_floats * sizeof(float));
  data->kernel = malloc(shape->params.kernel_size * CM * sizeof(float));
  data->bias = malloc(CM * sizeof(float));
  data->expected = malloc(s->output_floats * sizeof(float));
  data->magnitude = malloc(s->output_floats * sizeof(double));
  double *sum = malloc(s->output_floats * sizeof(double));
  if (!data->input || !data->kernel || !data->bias || !data->expected || !data->magnitude || !sum) {
    snprintf(why, why_size, "out of memory for shape %s", shape->name);
    free(sum);
    bench_data_destroy(data);
    return -1;
  }
  uint64_t seed = 20240501u;
  fill_uniform(data->input, s->input_floats, &seed);
  const float scale = bench_shape_input_scale(shape);
  for (size_t i = 0; scale != 1.0f && i < s->input_floats; i++) data->input[i] *= scale;
  fill_uniform(data->kernel, shape->params.kernel_size * CM, &seed);
  fill_uniform(data->bias, CM, &seed);
  reference(data, sum, data->magnitude);

  char problem[384];
  if (run_scalar(data, data->expected, problem, sizeof problem) != 0) {
    snprintf(data->scalar_note, sizeof data->scalar_note, "%s", problem);
    free(data->expected);
    data->expected = NULL;
  } else if (!scalar_agrees_with_reference(data, sum)) {
    free(data->expected);
    data->expected = NULL;
  }
  free(sum);
  data->copy_bytes_per_second = bench_copy_bandwidth((size_t)s->bytes);
  return 0;
}

void bench_data_destroy(bench_data *data) {
  free(data->input);
  free(data->kernel);
  free(data->bias);
  free(data->expected);
  free(data->magnitude);
  data->input = data->kernel = data->bias = data->expected = NULL;
  data->magnitude = NULL;
}

bool bench_data_matches(const bench_data *data, const float *output, char *why, size_t why_size) {
  if (data->expected == NULL) {
    snprintf(why, why_size, "cannot verify: %s", data->scalar_note);
    return false;
  }
  const double L = lipschitz(data->shape->params.activation);
  size_t worst = 0;
  double worst_excess = 0.0; /* error / tolerance */
  for (size_t i = 0; i < data->sizes.output_floats; i++) {
    const double want = data->expected[i], got = output[i];
    const double tolerance = 2.0 * L * (1e-5 * data->magnitude[i] + 1e-6) + 2e-6 * fabs(want);
    if (want != want && got != got) continue; /* NaN where the scalar path has NaN */
    const double error = fabs(got - want);
    const double excess = error == error ? error / tolerance : INFINITY; /* NaN fails */
    if (excess > worst_excess) {
      worst_excess = excess;
      worst = i;
    }
  }
  if (worst_excess <= 1.0) return true;
  char position[96];
  describe_position(data, worst, position, sizeof position);
  const double want = data->expected[worst];
  snprintf(why, why_size,
           "WRONG RESULT at output %zu %s: got %.9g, scalar path %.9g, tolerance %.3g "
           "(worst of %zu outputs)",
           worst, position, (double)output[worst], want,
           2.0 * L * (1e-5 * data->magnitude[worst] + 1e-6) + 2e-6 * fabs(want),
           data->sizes.output_floats);
  return false;
}
