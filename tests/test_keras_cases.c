/* Keras's own DepthwiseConv1D shape cases and the seed page's example
 * (shapes from dwconv1d_output_shape, values against the reference), plus
 * small hand-computed cases that pin the conventions down independently of
 * the reference: padding split, strides, dilation, channel order, layouts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "test_common.h"

/* ------------------------------------------------------------------ */
/* Keras's layer-test shapes and the seed example                      */

typedef struct shape_case {
  const char *name;
  size_t input[3]; /* in the layout's order */
  dwconv1d_data_format format;
  size_t kernel_size, depth_multiplier, strides, dilation_rate;
  dwconv1d_padding padding;
  dwconv1d_activation activation;
  size_t expected[3];
} shape_case;

static const shape_case shape_cases[] = {
    {"keras test: dm5 k2 valid", {3, 5, 4}, DWCONV1D_CHANNELS_LAST, 2, 5, 1, 1,
     DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR, {3, 4, 20}},
    {"keras test: dm6 k2 same dilation 2", {3, 4, 4}, DWCONV1D_CHANNELS_LAST, 2, 6, 1, 2,
     DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_LINEAR, {3, 4, 24}},
    {"keras test: dm6 k2 strides 2 valid", {3, 5, 4}, DWCONV1D_CHANNELS_LAST, 2, 6, 2, 1,
     DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_LINEAR, {3, 2, 24}},
    {"keras test: channels_first dm6 k2 same dilation 2", {3, 4, 10}, DWCONV1D_CHANNELS_FIRST, 2,
     6, 1, 2, DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_LINEAR, {3, 24, 10}},
    /* The page's DepthwiseConv1D(3, 3, 2, activation="relu") read with its
     * evident intent: kernel_size 3, depth_multiplier 3, strides 2. */
    {"seed page example", {4, 10, 12}, DWCONV1D_CHANNELS_LAST, 3, 3, 2, 1,
     DWCONV1D_PADDING_VALID, DWCONV1D_ACTIVATION_RELU, {4, 4, 36}},
};

static bool run_shape_case(const shape_case *sc, bool use_bias, uint64_t seed, size_t index,
                           test_counts *counts) {
  dwconv1d_params p = dwconv1d_params_default(sc->kernel_size);
  p.depth_multiplier = sc->depth_multiplier;
  p.strides = sc->strides;
  p.dilation_rate = sc->dilation_rate;
  p.padding = sc->padding;
  p.data_format = sc->format;
  p.activation = sc->activation;
  p.use_bias = use_bias;
  const bool last = sc->format == DWCONV1D_CHANNELS_LAST;
  const size_t batch = sc->input[0];
  const size_t channels = last ? sc->input[2] : sc->input[1];
  const size_t steps = last ? sc->input[1] : sc->input[2];

  size_t shape[3] = {0, 0, 0};
  const dwconv1d_status st = dwconv1d_output_shape(&p, batch, channels, steps, shape);
  const bool shape_ok = st == DWCONV1D_OK && memcmp(shape, sc->expected, sizeof shape) == 0;
  if (!test_count(counts, shape_ok))
    printf("FAIL %s: dwconv1d_output_shape gave %s (%zu,%zu,%zu), Keras gives (%zu,%zu,%zu)\n",
           sc->name, dwconv1d_status_string(st), shape[0], shape[1], shape[2],
           sc->expected[0], sc->expected[1], sc->expected[2]);

  const size_t n_in = batch * channels * steps, n_w = sc->kernel_size * channels * p.depth_multiplier;
  float *input = malloc(n_in * sizeof *input), *kernel = malloc(n_w * sizeof *kernel);
  float *bias = malloc(channels * p.depth_multiplier * sizeof *bias);
  if (input == NULL || kernel == NULL || bias == NULL) {
    fprintf(stderr, "out of memory in the test\n");
    exit(EXIT_FAILURE);
  }
  test_rng r = test_rng_make(seed, index);
  test_fill_uniform(&r, input, n_in, -1.0, 1.0);
  test_fill_uniform(&r, kernel, n_w, -1.0, 1.0);
  test_fill_uniform(&r, bias, channels * p.depth_multiplier, -1.0, 1.0);
  const ref_problem pr = {p, batch, channels, steps, input, kernel, use_bias ? bias : NULL};
  ref_expectation ex;
  bool ok = ref_expectation_compute(&pr, &ex);
  if (!test_count(counts, ok && memcmp(ex.dims.shape, sc->expected, sizeof shape) == 0))
    printf("FAIL %s: the reference disagrees with Keras's shape\n", sc->name);
  for (int k = TEST_ISA_FIRST; ok && k <= TEST_ISA_LAST; ++k) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)k)) continue;
    if (!test_count(counts, test_run_and_check(&pr, &ex, (dwconv1d_isa)k, seed, index, NULL)))
      printf("  (%s)\n", sc->name);
  }
  if (ok) ref_expectation_free(&ex);
  free(input);
  free(kernel);
  free(bias);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Hand-computed cases: small integers, so float results are exact     */

typedef struct hand_case {
  const char *name;
  dwconv1d_padding padding;
  dwconv1d_data_format format;
  size_t kernel_size, strides, dilation_rate, depth_multiplier, channels, steps;
  float input[8];
  float kernel[4];
  float bias[4]; /* used when use_bias */
  bool use_bias;
  size_t out_count;
  float expected[8];
} hand_case;

/* x = 1..5 on one channel unless said otherwise. */
static const hand_case hand_cases[] = {
    {"valid k2: y[t] = x[t] + 10 x[t+1]", DWCONV1D_PADDING_VALID, DWCONV1D_CHANNELS_LAST, 2, 1,
     1, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 4, {21, 32, 43, 54}},
    {"same k2: the one padding zero goes right", DWCONV1D_PADDING_SAME, DWCONV1D_CHANNELS_LAST,
     2, 1, 1, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 5, {21, 32, 43, 54, 5}},
    {"causal k2: d(K-1) zero on the left", DWCONV1D_PADDING_CAUSAL, DWCONV1D_CHANNELS_LAST, 2,
     1, 1, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 5, {10, 21, 32, 43, 54}},
    {"same k3: one zero each side", DWCONV1D_PADDING_SAME, DWCONV1D_CHANNELS_LAST, 3, 1, 1, 1,
     1, 5, {1, 2, 3, 4, 5}, {1, 10, 100}, {0}, false, 5, {210, 321, 432, 543, 54}},
    {"same k4: one zero left, two right", DWCONV1D_PADDING_SAME, DWCONV1D_CHANNELS_LAST, 4, 1,
     1, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10, 100, 1000}, {0}, false, 5,
     {3210, 4321, 5432, 543, 54}},
    {"valid strides 2", DWCONV1D_PADDING_VALID, DWCONV1D_CHANNELS_LAST, 2, 2, 1, 1, 1, 5,
     {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 2, {21, 43}},
    {"same strides 2: ceil(5/2) outputs, zero right", DWCONV1D_PADDING_SAME,
     DWCONV1D_CHANNELS_LAST, 2, 2, 1, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 3,
     {21, 43, 5}},
    {"causal strides 2: output t sees inputs <= 2t", DWCONV1D_PADDING_CAUSAL,
     DWCONV1D_CHANNELS_LAST, 2, 2, 1, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 3,
     {10, 32, 54}},
    {"valid dilation 2: y[t] = x[t] + 10 x[t+2]", DWCONV1D_PADDING_VALID,
     DWCONV1D_CHANNELS_LAST, 2, 1, 2, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 3,
     {31, 42, 53}},
    {"causal dilation 2: two zeros left", DWCONV1D_PADDING_CAUSAL, DWCONV1D_CHANNELS_LAST, 2, 1,
     2, 1, 1, 5, {1, 2, 3, 4, 5}, {1, 10}, {0}, false, 5, {10, 20, 31, 42, 53}},
    /* Channel c*M+m uses input channel c and kernel[0][c][m]. */
    {"channels_last C2 M2: output channel c*M+m, kernel (K,C,M), bias", DWCONV1D_PADDING_VALID,
     DWCONV1D_CHANNELS_LAST, 1, 1, 1, 2, 2, 1, {1, 2}, {3, 4, 5, 6},
     {0.5f, 0.25f, 0.125f, 0.0625f}, true, 4, {3.5f, 4.25f, 10.125f, 12.0625f}},
    {"channels_first C2 M2 T2: (B, C*M, T_out)", DWCONV1D_PADDING_VALID,
     DWCONV1D_CHANNELS_FIRST, 1, 1, 1, 2, 2, 2, {1, 7, 2, 8}, {3, 4, 5, 6},
     {0.5f, 0.25f, 0.125f, 0.0625f}, true, 8,
     {3.5f, 21.5f, 4.25f, 28.25f, 10.125f, 40.125f, 12.0625f, 48.0625f}},
};

static bool floats_equal(const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

static void print_floats(const char *label, const float *v, size_t n) {
  printf("  %s:", label);
  for (size_t i = 0; i < n; ++i) printf(" %g", (double)v[i]);
  printf("\n");
}

static void run_hand_case(const hand_case *hc, test_counts *counts) {
  dwconv1d_params p = dwconv1d_params_default(hc->kernel_size);
  p.padding = hc->padding;
  p.data_format = hc->format;
  p.strides = hc->strides;
  p.dilation_rate = hc->dilation_rate;
  p.depth_multiplier = hc->depth_multiplier;
  p.use_bias = hc->use_bias;
  const ref_problem pr = {p, 1, hc->channels, hc->steps, hc->input, hc->kernel,
                          hc->use_bias ? hc->bias : NULL};

  /* The reference must reproduce the hand computation (tests the test). */
  ref_expectation ex;
  bool ok = ref_expectation_compute(&pr, &ex) && ex.dims.count == hc->out_count;
  for (size_t i = 0; ok && i < hc->out_count; ++i) ok = ex.value[i] == (double)hc->expected[i];
  if (!test_count(counts, ok)) printf("FAIL reference, hand case \"%s\"\n", hc->name);
  ref_expectation_free(&ex);

  for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k) {
    const dwconv1d_isa isa = (dwconv1d_isa)k;
    if (!dwconv1d_isa_supported(isa)) continue;
    float out[8 + 1];
    memset(out, 0xFF, sizeof out);
    dwconv1d_set_isa(isa);
    const dwconv1d_status st = test_forward_once(&pr, out);
    const unsigned char *tail = (const unsigned char *)&out[hc->out_count];
    const bool ok_isa = st == DWCONV1D_OK && floats_equal(out, hc->expected, hc->out_count) &&
                        tail[0] == 0xFF && tail[3] == 0xFF;
    if (!test_count(counts, ok_isa)) {
      printf("FAIL isa=%s hand case \"%s\": %s\n", test_isa_label(isa), hc->name,
             dwconv1d_status_string(st));
      print_floats("got     ", out, hc->out_count);
      print_floats("expected", hc->expected, hc->out_count);
    }
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* keep the lines printed before a crash */
  test_counts counts = {0, 0, 0};
  const uint64_t seed = test_seed(0x5EED0002CA5E5u);
  size_t index = 0;
  for (size_t i = 0; i < sizeof shape_cases / sizeof shape_cases[0]; ++i) {
    run_shape_case(&shape_cases[i], true, seed, index++, &counts);
    run_shape_case(&shape_cases[i], false, seed, index++, &counts);
  }
  for (size_t i = 0; i < sizeof hand_cases / sizeof hand_cases[0]; ++i)
    run_hand_case(&hand_cases[i], &counts);
  dwconv1d_reset_isa();
  return test_summary("test_keras_cases", &counts);
}
