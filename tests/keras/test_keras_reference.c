/* Checks every ISA of the library against outputs recorded from Keras itself
 * (tests/keras/data, made by generate.py; format and tolerances in README.md).
 * Usage: test_keras_reference <data directory> */
#include <dwconv1d.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATH_LENGTH 4096
#define MAX_HEADER_LENGTH 2048
#define MAX_REPORTED_MISMATCHES 5

/* float32 unit roundoff 2^-24, and the float32 ulps of rounding allowed for
 * an activation on both sides together (README.md "Tolerance"). */
#define UNIT_ROUNDOFF (1.0 / 16777216.0)
#define ROUNDING_UNITS 16.0

typedef struct keras_case {
  char file_name[256];
  char name[128];
  char activation_name[64];
  dwconv1d_params params;
  size_t batch, channels, steps;
  size_t preact_shape[3], output_shape[3];
  float *data; /* every array, back to back */
  const float *input, *kernel, *bias, *preact, *output;
  size_t input_count, kernel_count, preact_count, output_count;
  double *preact_tolerance; /* e per preact element: 1e-5*S + 1e-6 */
} keras_case;

typedef struct tally {
  unsigned passed, failed, skipped;
} tally;

/* ------------------------------------------------------------------ */
/* Reading the recorded cases                                         */

static char *read_whole_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buffer = NULL;
  long length = -1;
  if (fseek(f, 0, SEEK_END) == 0) length = ftell(f);
  if (length >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buffer = malloc((size_t)length + 1);
    if (buffer && fread(buffer, 1, (size_t)length, f) != (size_t)length) {
      free(buffer);
      buffer = NULL;
    }
  }
  fclose(f);
  if (buffer) {
    buffer[length] = '\0';
    *size = (size_t)length;
  }
  return buffer;
}

static const char *header_field(const char *header, const char *key) {
  const size_t key_length = strlen(key);
  for (const char *p = header; (p = strstr(p, key)) != NULL; p += key_length) {
    if ((p == header || p[-1] == ' ') && p[key_length] == '=') return p + key_length + 1;
  }
  return NULL;
}

/* Copies the value of `key` (up to the next space) into `out`. */
static int header_string(const char *header, const char *key, char *out, size_t out_size) {
  const char *value = header_field(header, key);
  if (!value) return -1;
  const size_t length = strcspn(value, " ");
  if (length == 0 || length >= out_size) return -1;
  memcpy(out, value, length);
  out[length] = '\0';
  return 0;
}

static int header_size(const char *header, const char *key, size_t *out) {
  char text[32];
  if (header_string(header, key, text, sizeof text) != 0) return -1;
  char *end = NULL;
  const unsigned long long value = strtoull(text, &end, 10);
  if (*end != '\0' || text[0] == '-') return -1;
  *out = (size_t)value;
  return 0;
}

static int header_shape(const char *header, const char *key, size_t shape[3]) {
  char text[64];
  if (header_string(header, key, text, sizeof text) != 0) return -1;
  unsigned long a = 0, b = 0, c = 0;
  char tail = 0;
  if (sscanf(text, "%lu,%lu,%lu%c", &a, &b, &c, &tail) != 3) return -1;
  shape[0] = a;
  shape[1] = b;
  shape[2] = c;
  return 0;
}

static int parse_padding(const char *text, dwconv1d_padding *out) {
  if (strcmp(text, "valid") == 0) *out = DWCONV1D_PADDING_VALID;
  else if (strcmp(text, "same") == 0) *out = DWCONV1D_PADDING_SAME;
  else if (strcmp(text, "causal") == 0) *out = DWCONV1D_PADDING_CAUSAL;
  else return -1;
  return 0;
}

static int parse_data_format(const char *text, dwconv1d_data_format *out) {
  if (strcmp(text, "channels_last") == 0) *out = DWCONV1D_CHANNELS_LAST;
  else if (strcmp(text, "channels_first") == 0) *out = DWCONV1D_CHANNELS_FIRST;
  else return -1;
  return 0;
}

static int parse_header(const char *header, keras_case *c) {
  char padding[16], data_format[32];
  size_t use_bias = 0;
  dwconv1d_params *p = &c->params;
  if (strncmp(header, "DWCONV1D-KERAS-CASE 1 ", 22) != 0) return -1;
  if (header_string(header, "name", c->name, sizeof c->name) ||
      header_string(header, "activation", c->activation_name, sizeof c->activation_name) ||
      header_string(header, "padding", padding, sizeof padding) ||
      header_string(header, "data_format", data_format, sizeof data_format) ||
      header_size(header, "kernel_size", &p->kernel_size) ||
      header_size(header, "strides", &p->strides) ||
      header_size(header, "depth_multiplier", &p->depth_multiplier) ||
      header_size(header, "dilation_rate", &p->dilation_rate) ||
      header_size(header, "use_bias", &use_bias) || header_size(header, "batch", &c->batch) ||
      header_size(header, "channels", &c->channels) || header_size(header, "steps", &c->steps) ||
      header_shape(header, "preact_shape", c->preact_shape) ||
      header_shape(header, "output_shape", c->output_shape))
    return -1;
  p->use_bias = use_bias != 0;
  if (parse_padding(padding, &p->padding) || parse_data_format(data_format, &p->data_format))
    return -1;
  /* The name lookup is part of what is tested: the files hold Keras's names. */
  if (dwconv1d_activation_from_name(c->activation_name, &p->activation) != DWCONV1D_OK) {
    fprintf(stderr, "%s: the library does not know activation \"%s\": %s\n", c->file_name,
            c->activation_name, dwconv1d_last_error());
    return -1;
  }
  return 0;
}

static size_t shape_count(const size_t shape[3]) { return shape[0] * shape[1] * shape[2]; }

/* Points the array pointers into the payload after checking its length. */
static int split_arrays(keras_case *c, size_t payload_bytes, size_t floats_in_header) {
  const size_t cm = c->channels * c->params.depth_multiplier;
  c->input_count = c->batch * c->steps * c->channels;
  c->kernel_count = c->params.kernel_size * cm;
  c->preact_count = shape_count(c->preact_shape);
  c->output_count = shape_count(c->output_shape);
  const size_t bias_count = c->params.use_bias ? cm : 0;
  const size_t total =
      c->input_count + c->kernel_count + bias_count + c->preact_count + c->output_count;
  if (total != floats_in_header || payload_bytes != total * sizeof(float)) return -1;
  c->input = c->data;
  c->kernel = c->input + c->input_count;
  c->bias = c->params.use_bias ? c->kernel + c->kernel_count : NULL;
  c->preact = c->kernel + c->kernel_count + bias_count;
  c->output = c->preact + c->preact_count;
  return 0;
}

/* The files are little-endian; swap on a big-endian host. */
static void floats_from_little_endian(float *values, size_t count) {
  const uint16_t probe = 1;
  unsigned char first_byte;
  memcpy(&first_byte, &probe, 1);
  if (first_byte == 1) return;
  for (size_t i = 0; i < count; ++i) {
    unsigned char b[4];
    memcpy(b, &values[i], 4);
    const unsigned char swapped[4] = {b[3], b[2], b[1], b[0]};
    memcpy(&values[i], swapped, 4);
  }
}

static int load_case(const char *directory, const char *file_name, keras_case *c) {
  char path[MAX_PATH_LENGTH];
  size_t size = 0, floats = 0;
  memset(c, 0, sizeof *c);
  snprintf(c->file_name, sizeof c->file_name, "%s", file_name);
  if ((size_t)snprintf(path, sizeof path, "%s/%s", directory, file_name) >= sizeof path) return -1;
  char *raw = read_whole_file(path, &size);
  if (!raw) {
    fprintf(stderr, "cannot read %s\n", path);
    return -1;
  }
  const char *newline = memchr(raw, '\n', size < MAX_HEADER_LENGTH ? size : MAX_HEADER_LENGTH);
  int status = -1;
  if (newline) {
    raw[newline - raw] = '\0';
    const size_t header_bytes = (size_t)(newline - raw) + 1;
    const size_t payload_bytes = size - header_bytes;
    if (parse_header(raw, c) == 0 && header_size(raw, "floats", &floats) == 0 &&
        (c->data = malloc(payload_bytes ? payload_bytes : 1)) != NULL) {
      memcpy(c->data, raw + header_bytes, payload_bytes);
      floats_from_little_endian(c->data, payload_bytes / sizeof(float));
      status = split_arrays(c, payload_bytes, floats);
    }
  }
  if (status != 0) fprintf(stderr, "%s: malformed case file\n", path);
  free(raw);
  return status;
}

static void free_case(keras_case *c) {
  free(c->data);
  free(c->preact_tolerance);
  c->data = NULL;
  c->preact_tolerance = NULL;
}

/* ------------------------------------------------------------------ */
/* Tolerances                                                         */

static size_t left_padding(const dwconv1d_params *p, size_t steps, size_t out_steps) {
  const size_t eff = p->dilation_rate * (p->kernel_size - 1) + 1;
  if (p->padding == DWCONV1D_PADDING_CAUSAL) return eff - 1;
  if (p->padding == DWCONV1D_PADDING_VALID) return 0;
  const size_t span = (out_steps - 1) * p->strides + eff;
  return span > steps ? (span - steps) / 2 : 0;
}

static double input_at(const keras_case *c, size_t b, size_t t, size_t ch) {
  if (c->params.data_format == DWCONV1D_CHANNELS_LAST)
    return c->input[(b * c->steps + t) * c->channels + ch];
  return c->input[(b * c->channels + ch) * c->steps + t];
}

/* S = sum_j |x*w| + |bias| for one output, in double from the recorded data. */
static double magnitude_sum(const keras_case *c, size_t b, size_t t_out, size_t ch, size_t m,
                            size_t pad_left) {
  const dwconv1d_params *p = &c->params;
  const size_t multiplier = p->depth_multiplier;
  double sum = p->use_bias ? fabs(c->bias[ch * multiplier + m]) : 0.0;
  for (size_t j = 0; j < p->kernel_size; ++j) {
    const size_t padded = t_out * p->strides + j * p->dilation_rate;
    if (padded < pad_left || padded - pad_left >= c->steps) continue;
    const double w = c->kernel[(j * c->channels + ch) * multiplier + m];
    sum += fabs(input_at(c, b, padded - pad_left, ch) * w);
  }
  return sum;
}

/* Index into a (B, T_out, C*M) or (B, C*M, T_out) output. */
static size_t output_index(const keras_case *c, size_t b, size_t t, size_t o, size_t out_steps) {
  const size_t cm = c->channels * c->params.depth_multiplier;
  if (c->params.data_format == DWCONV1D_CHANNELS_LAST) return (b * out_steps + t) * cm + o;
  return (b * cm + o) * out_steps + t;
}

static int compute_preact_tolerance(keras_case *c) {
  const size_t multiplier = c->params.depth_multiplier;
  const size_t cm = c->channels * multiplier;
  const size_t out_steps = c->params.data_format == DWCONV1D_CHANNELS_LAST
                               ? c->preact_shape[1]
                               : c->preact_shape[2];
  const size_t pad_left = left_padding(&c->params, c->steps, out_steps);
  c->preact_tolerance = malloc(c->preact_count * sizeof(double));
  if (!c->preact_tolerance) return -1;
  for (size_t b = 0; b < c->batch; ++b)
    for (size_t t = 0; t < out_steps; ++t)
      for (size_t o = 0; o < cm; ++o) {
        const double s = magnitude_sum(c, b, t, o / multiplier, o % multiplier, pad_left);
        c->preact_tolerance[output_index(c, b, t, o, out_steps)] = 1e-5 * s + 1e-6;
      }
  return 0;
}

/* An upper bound of |f'| near z for the elementwise activations. */
static double activation_slope(dwconv1d_activation a, double z, double e) {
  switch (a) {
    case DWCONV1D_ACTIVATION_SELU: return 1.7581;
    case DWCONV1D_ACTIVATION_HARD_SILU: return 1.5;
    case DWCONV1D_ACTIVATION_GELU:
    case DWCONV1D_ACTIVATION_GELU_APPROXIMATE: return 1.13;
    case DWCONV1D_ACTIVATION_SILU:
    case DWCONV1D_ACTIVATION_MISH: return 1.1;
    case DWCONV1D_ACTIVATION_SIGMOID: return 0.25;
    case DWCONV1D_ACTIVATION_HARD_SIGMOID: return 1.0 / 6.0;
    case DWCONV1D_ACTIVATION_SPARSE_SIGMOID: return 0.5;
    case DWCONV1D_ACTIVATION_EXPONENTIAL: return exp(z + e);
    default: return 1.0;
  }
}

static double rounding_allowance(double magnitudes) {
  return ROUNDING_UNITS * UNIT_ROUNDOFF * magnitudes;
}

/* ------------------------------------------------------------------ */
/* Comparisons                                                        */

typedef struct comparison {
  const keras_case *c;
  const char *isa_name;
  const char *stage; /* "preact" or "output" */
  unsigned mismatches;
  double worst_ratio; /* max |got - expected| / tolerance */
} comparison;

static void check_value(comparison *cmp, size_t index, double got, double expected,
                        double tolerance) {
  const double error = fabs(got - expected);
  const double ratio = error / tolerance;
  if (isnan(ratio)) cmp->worst_ratio = INFINITY;
  else if (ratio > cmp->worst_ratio) cmp->worst_ratio = ratio;
  if (error <= tolerance) return;
  if (cmp->mismatches++ < MAX_REPORTED_MISMATCHES)
    printf("  MISMATCH %s [%s] %s[%zu]: got %.9g, Keras %.9g, |diff| %.3g > tolerance %.3g\n",
           cmp->c->name, cmp->isa_name, cmp->stage, index, got, expected, error, tolerance);
}

static void compare_preact(comparison *cmp, const float *got) {
  const keras_case *c = cmp->c;
  for (size_t i = 0; i < c->preact_count; ++i)
    check_value(cmp, i, got[i], c->preact[i], c->preact_tolerance[i]);
}

static void compare_elementwise(comparison *cmp, const float *got) {
  const keras_case *c = cmp->c;
  const dwconv1d_activation a = c->params.activation;
  for (size_t i = 0; i < c->output_count; ++i) {
    const double z = c->preact[i], e = c->preact_tolerance[i], y = c->output[i];
    const double tolerance = activation_slope(a, z, e) * e +
                             rounding_allowance(fabs(y) + fabs(z)) + FLT_MIN;
    double expected = y;
    /* hard_shrink jumps between 0 and z at |z| = 0.5: within e of the jump
     * either branch is right, so compare with the nearer one. */
    if (a == DWCONV1D_ACTIVATION_HARD_SHRINK && fabs(fabs(z) - 0.5) <= e) {
      const double other_branch = y == 0.0 ? z : 0.0;
      if (fabs(got[i] - other_branch) < fabs(got[i] - y)) expected = other_branch;
    }
    check_value(cmp, i, got[i], expected, tolerance);
  }
}

/* The last axis of the output: `rows` runs of `length` values, `stride`
 * apart, for preact (length n) and output (n, or n/2 for GLU). */
static void compare_along_axis(comparison *cmp, const float *got) {
  const keras_case *c = cmp->c;
  const dwconv1d_activation a = c->params.activation;
  const size_t n = c->preact_shape[2], rows = c->preact_count / n;
  const size_t out_n = c->output_shape[2];
  for (size_t r = 0; r < rows; ++r) {
    const float *z = c->preact + r * n, *y = c->output + r * out_n, *g = got + r * out_n;
    const double *e = c->preact_tolerance + r * n;
    double e_max = 0, e_squares = 0, z_max = 0;
    for (size_t i = 0; i < n; ++i) {
      e_max = fmax(e_max, e[i]);
      e_squares += e[i] * e[i];
      z_max = fmax(z_max, fabs(z[i]));
    }
    const double sum_rounding = (ROUNDING_UNITS + (double)n) * UNIT_ROUNDOFF;
    for (size_t i = 0; i < out_n; ++i) {
      double tolerance;
      if (a == DWCONV1D_ACTIVATION_SOFTMAX)
        tolerance = fabs(y[i]) * (2 * e_max + sum_rounding * (1 + fabs(z[i]) + z_max));
      else if (a == DWCONV1D_ACTIVATION_LOG_SOFTMAX)
        tolerance = 2 * e_max + sum_rounding * (fabs(y[i]) + fabs(z[i]) + z_max + 1);
      else if (a == DWCONV1D_ACTIVATION_SPARSEMAX)
        tolerance = sqrt(e_squares) + sum_rounding * (1 + z_max);
      else /* GLU: y = a * sigmoid(b), a = z[i], b = z[i + n/2] */
        tolerance = e[i] + 0.25 * (fabs(z[i]) + e[i]) * e[i + out_n] +
                    rounding_allowance(fabs(y[i]) + fabs(z[i]) + fabs(z[i + out_n]));
      check_value(cmp, r * out_n + i, g[i], y[i], tolerance + FLT_MIN);
    }
  }
}

static bool acts_along_axis(dwconv1d_activation a) {
  return a == DWCONV1D_ACTIVATION_SOFTMAX || a == DWCONV1D_ACTIVATION_LOG_SOFTMAX ||
         a == DWCONV1D_ACTIVATION_SPARSEMAX || a == DWCONV1D_ACTIVATION_GLU;
}

/* ------------------------------------------------------------------ */
/* Running the library                                                */

/* Creates a layer for `p`, checks its ISA and output shape, runs it into a
 * fresh buffer of `count` floats. Returns NULL (having said why) on failure. */
static float *run_layer(const keras_case *c, const dwconv1d_params *p, dwconv1d_isa isa,
                        const size_t expected_shape[3], size_t count) {
  size_t shape[3];
  dwconv1d_layer *layer = NULL;
  float *out = NULL;
  if (dwconv1d_output_shape(p, c->batch, c->channels, c->steps, shape) != DWCONV1D_OK) {
    printf("  FAIL %s [%s]: output_shape: %s\n", c->name, dwconv1d_isa_name(isa),
           dwconv1d_last_error());
    return NULL;
  }
  if (memcmp(shape, expected_shape, sizeof shape) != 0) {
    printf("  FAIL %s [%s]: shape (%zu, %zu, %zu), Keras (%zu, %zu, %zu)\n", c->name,
           dwconv1d_isa_name(isa), shape[0], shape[1], shape[2], expected_shape[0],
           expected_shape[1], expected_shape[2]);
    return NULL;
  }
  if (dwconv1d_layer_create(p, c->channels, c->kernel, c->bias, &layer) != DWCONV1D_OK) {
    printf("  FAIL %s [%s]: create: %s\n", c->name, dwconv1d_isa_name(isa), dwconv1d_last_error());
    return NULL;
  }
  if (dwconv1d_layer_isa(layer) != isa) {
    printf("  FAIL %s [%s]: the layer runs on %s\n", c->name, dwconv1d_isa_name(isa),
           dwconv1d_isa_name(dwconv1d_layer_isa(layer)));
  } else if ((out = malloc(count * sizeof(float))) == NULL) {
    printf("  FAIL %s: out of memory\n", c->name);
  } else if (dwconv1d_layer_forward(layer, c->batch, c->steps, c->input, out) != DWCONV1D_OK) {
    printf("  FAIL %s [%s]: forward: %s\n", c->name, dwconv1d_isa_name(isa),
           dwconv1d_last_error());
    free(out);
    out = NULL;
  }
  dwconv1d_layer_destroy(layer);
  return out;
}

/* Runs one case on the current ISA: once without activation against Keras's
 * preact, once as recorded against Keras's output. True when both match. */
static bool run_case(const keras_case *c, dwconv1d_isa isa, double *worst_ratio,
                     const char **worst_case) {
  comparison preact = {c, dwconv1d_isa_name(isa), "preact", 0, 0.0};
  comparison output = {c, dwconv1d_isa_name(isa), "output", 0, 0.0};
  dwconv1d_params linear = c->params;
  linear.activation = DWCONV1D_ACTIVATION_LINEAR;
  float *got_preact = run_layer(c, &linear, isa, c->preact_shape, c->preact_count);
  float *got_output = run_layer(c, &c->params, isa, c->output_shape, c->output_count);
  const bool ran = got_preact && got_output;
  if (ran) {
    compare_preact(&preact, got_preact);
    if (acts_along_axis(c->params.activation)) compare_along_axis(&output, got_output);
    else compare_elementwise(&output, got_output);
  }
  free(got_preact);
  free(got_output);
  const double ratio = fmax(preact.worst_ratio, output.worst_ratio);
  if (ratio > *worst_ratio || isnan(ratio)) {
    *worst_ratio = isnan(ratio) ? INFINITY : ratio;
    *worst_case = c->name;
  }
  if (ran && preact.mismatches + output.mismatches > 0)
    printf("  FAIL %s [%s]: %u of %zu preact and %u of %zu output values outside tolerance\n",
           c->name, dwconv1d_isa_name(isa), preact.mismatches, c->preact_count,
           output.mismatches, c->output_count);
  return ran && preact.mismatches + output.mismatches == 0;
}

static void run_isa(const keras_case *cases, size_t count, dwconv1d_isa isa, tally *total) {
  if (!dwconv1d_isa_supported(isa)) {
    printf("SKIP %s: not supported by this build or CPU (%zu cases)\n", dwconv1d_isa_name(isa),
           count);
    total->skipped += (unsigned)count;
    return;
  }
  if (dwconv1d_set_isa(isa) != DWCONV1D_OK) {
    printf("FAIL %s: set_isa: %s\n", dwconv1d_isa_name(isa), dwconv1d_last_error());
    total->failed += (unsigned)count;
    return;
  }
  unsigned passed = 0;
  double worst_ratio = 0.0;
  const char *worst_case = "none";
  for (size_t i = 0; i < count; ++i)
    passed += run_case(&cases[i], isa, &worst_ratio, &worst_case);
  printf("%s %s: %u of %zu cases match Keras (largest |diff|/tolerance %.3g, in %s)\n",
         passed == count ? "PASS" : "FAIL", dwconv1d_isa_name(isa), passed, count, worst_ratio,
         worst_case);
  total->passed += passed;
  total->failed += (unsigned)count - passed;
}

/* ------------------------------------------------------------------ */

/* Loads every case that data/cases.txt lists; returns their number, or 0. */
static size_t load_all_cases(const char *directory, keras_case **out) {
  char path[MAX_PATH_LENGTH];
  size_t size = 0, count = 0, capacity = 0;
  snprintf(path, sizeof path, "%s/cases.txt", directory);
  char *index = read_whole_file(path, &size);
  if (!index) {
    fprintf(stderr, "cannot read %s\n", path);
    return 0;
  }
  keras_case *cases = NULL;
  for (char *line = strtok(index, "\r\n"); line; line = strtok(NULL, "\r\n")) {
    if (count == capacity) {
      capacity = capacity ? 2 * capacity : 64;
      keras_case *grown = realloc(cases, capacity * sizeof *cases);
      if (!grown) break;
      cases = grown;
    }
    if (load_case(directory, line, &cases[count]) != 0 ||
        compute_preact_tolerance(&cases[count]) != 0) {
      free_case(&cases[count]);
      for (size_t i = 0; i < count; ++i) free_case(&cases[i]);
      free(cases);
      free(index);
      return 0;
    }
    ++count;
  }
  free(index);
  *out = cases;
  return count;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <directory holding cases.txt>\n", argv[0]);
    return 2;
  }
  keras_case *cases = NULL;
  const size_t count = load_all_cases(argv[1], &cases);
  if (count == 0) {
    fprintf(stderr, "no Keras cases loaded from %s\n", argv[1]);
    return 1;
  }
  printf("%zu Keras reference cases from %s\n", count, argv[1]);
  tally total = {0, 0, 0};
  const dwconv1d_isa isas[] = {DWCONV1D_ISA_SCALAR, DWCONV1D_ISA_SSE4, DWCONV1D_ISA_AVX2,
                               DWCONV1D_ISA_AVX512, DWCONV1D_ISA_NEON};
  for (size_t i = 0; i < sizeof isas / sizeof isas[0]; ++i) run_isa(cases, count, isas[i], &total);
  dwconv1d_reset_isa();
  for (size_t i = 0; i < count; ++i) free_case(&cases[i]);
  free(cases);
  printf("%u passed, %u failed, %u skipped\n", total.passed, total.failed, total.skipped);
  return total.failed == 0 ? 0 : 1;
}
