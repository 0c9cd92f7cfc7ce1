/* SPEC §2: every invalid argument is refused with the right status and a
 * one-line message naming the argument and the value, and nothing is
 * written to the outputs. Also the small API contracts: names, versions,
 * defaults, batch = 0. (Thread-local messages: test_thread_errors.c.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "test_common.h"

static test_counts counts;
static const char *current_isa = "-"; /* the path the layer checks run on */

#define SENTINEL_BYTE 0x5A

static bool untouched(const void *buffer, size_t size) {
  const unsigned char *b = buffer;
  for (size_t i = 0; i < size; ++i)
    if (b[i] != SENTINEL_BYTE) return false;
  return true;
}

/* Checks the status and that the message is one non-empty line that
 * contains each of the NULL-terminated `words` as a whole word. */
static bool expect_status(const char *what, dwconv1d_status got, dwconv1d_status want,
                          const char *const *words) {
  const char *message = dwconv1d_last_error();
  bool ok = got == want;
  if (want != DWCONV1D_OK) {
    ok = ok && message != NULL && message[0] != '\0' && strchr(message, '\n') == NULL;
    for (size_t i = 0; ok && words != NULL && words[i] != NULL; ++i)
      ok = test_contains_word(message, words[i]);
  }
  if (!test_count(&counts, ok)) {
    printf("FAIL [isa=%s] %s: got %s, want %s; message \"%s\"", current_isa, what,
           dwconv1d_status_string(got), dwconv1d_status_string(want),
           message ? message : "(null)");
    if (words != NULL) {
      printf(" should name:");
      for (size_t i = 0; words[i] != NULL; ++i) printf(" \"%s\"", words[i]);
    }
    printf("\n");
  }
  return ok;
}

static void expect_true(const char *what, bool ok) {
  if (!test_count(&counts, ok)) printf("FAIL [isa=%s] %s\n", current_isa, what);
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------------------ */
/* Invalid parameters through every entry point that takes them        */

typedef struct bad_params {
  const char *what;
  dwconv1d_params params;
  const char *words[5]; /* NULL-terminated */
} bad_params;

static dwconv1d_params with(size_t kernel_size, size_t strides, size_t dilation,
                            size_t multiplier, int padding, int format, int activation) {
  dwconv1d_params p = dwconv1d_params_default(kernel_size);
  p.strides = strides;
  p.dilation_rate = dilation;
  p.depth_multiplier = multiplier;
  p.padding = (dwconv1d_padding)padding;
  p.data_format = (dwconv1d_data_format)format;
  p.activation = (dwconv1d_activation)activation;
  return p;
}

static void test_bad_params(void) {
  const bad_params cases[] = {
      {"kernel_size 0", with(0, 1, 1, 1, 0, 0, 0), {"kernel_size", "0"}},
      {"strides 0", with(3, 0, 1, 1, 0, 0, 0), {"strides", "0"}},
      {"dilation_rate 0", with(3, 1, 0, 1, 0, 0, 0), {"dilation_rate", "0"}},
      {"depth_multiplier 0", with(3, 1, 1, 0, 0, 0, 0), {"depth_multiplier", "0"}},
      {"strides 2 with dilation_rate 3", with(3, 2, 3, 1, 0, 0, 0),
       {"strides", "dilation_rate", "2", "3"}},
      {"strides 4 with dilation_rate 2, same", with(3, 4, 2, 1, 1, 0, 0),
       {"strides", "dilation_rate", "4", "2"}},
      {"padding 7", with(3, 1, 1, 1, 7, 0, 0), {"padding", "7"}},
      {"data_format 7", with(3, 1, 1, 1, 0, 7, 0), {"data_format", "7"}},
      {"activation COUNT", with(3, 1, 1, 1, 0, 0, DWCONV1D_ACTIVATION_COUNT), {"activation"}},
      {"activation 1000", with(3, 1, 1, 1, 0, 0, 1000), {"activation", "1000"}},
  };
  const float kernel[64] = {0}, bias[64] = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    const bad_params *c = &cases[i];
    char what[128];
    snprintf(what, sizeof what, "%s: dwconv1d_params_validate", c->what);
    expect_status(what, dwconv1d_params_validate(&c->params), DWCONV1D_ERROR_INVALID_ARGUMENT,
                  c->words);

    size_t out_steps;
    memset(&out_steps, SENTINEL_BYTE, sizeof out_steps);
    snprintf(what, sizeof what, "%s: dwconv1d_output_steps", c->what);
    expect_status(what, dwconv1d_output_steps(&c->params, 20, &out_steps),
                  DWCONV1D_ERROR_INVALID_ARGUMENT, c->words);
    expect_true(what, untouched(&out_steps, sizeof out_steps));

    size_t shape[3];
    memset(shape, SENTINEL_BYTE, sizeof shape);
    snprintf(what, sizeof what, "%s: dwconv1d_output_shape", c->what);
    expect_status(what, dwconv1d_output_shape(&c->params, 2, 4, 20, shape),
                  DWCONV1D_ERROR_INVALID_ARGUMENT, c->words);
    expect_true(what, untouched(shape, sizeof shape));

    dwconv1d_layer *layer;
    memset(&layer, SENTINEL_BYTE, sizeof layer);
    snprintf(what, sizeof what, "%s: dwconv1d_layer_create", c->what);
    expect_status(what, dwconv1d_layer_create(&c->params, 4, kernel, bias, &layer),
                  DWCONV1D_ERROR_INVALID_ARGUMENT, c->words);
    expect_true(what, untouched(&layer, sizeof layer));
  }
}

static void test_zero_channels(void) {
  const dwconv1d_params p = dwconv1d_params_default(3);
  const float kernel[3] = {1, 2, 3}, bias[1] = {0};
  size_t shape[3];
  memset(shape, SENTINEL_BYTE, sizeof shape);
  expect_status("channels 0: dwconv1d_output_shape", dwconv1d_output_shape(&p, 1, 0, 10, shape),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("channels", "0"));
  expect_true("channels 0: shape untouched", untouched(shape, sizeof shape));
  dwconv1d_layer *layer;
  memset(&layer, SENTINEL_BYTE, sizeof layer);
  expect_status("channels 0: dwconv1d_layer_create",
                dwconv1d_layer_create(&p, 0, kernel, bias, &layer),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("channels", "0"));
  expect_true("channels 0: layer untouched", untouched(&layer, sizeof layer));
}

/* ------------------------------------------------------------------ */
/* Output length zero or negative                                      */

static void test_empty_output(void) {
  static const char *const words[] = {"zero or negative", NULL};
  /* eff = d(K-1)+1 = 7 > 6 steps under valid padding. */
  dwconv1d_params p = dwconv1d_params_default(3);
  p.dilation_rate = 3;
  size_t out_steps, shape[3];
  memset(&out_steps, SENTINEL_BYTE, sizeof out_steps);
  memset(shape, SENTINEL_BYTE, sizeof shape);
  expect_status("valid, 6 steps, eff 7: dwconv1d_output_steps",
                dwconv1d_output_steps(&p, 6, &out_steps), DWCONV1D_ERROR_INVALID_ARGUMENT,
                NULL);
  expect_true("message says \"zero or negative\"",
              strstr(dwconv1d_last_error(), words[0]) != NULL);
  expect_true("out_steps untouched", untouched(&out_steps, sizeof out_steps));
  expect_status("valid, 6 steps, eff 7: dwconv1d_output_shape",
                dwconv1d_output_shape(&p, 1, 2, 6, shape), DWCONV1D_ERROR_INVALID_ARGUMENT,
                NULL);
  expect_true("message says \"zero or negative\"",
              strstr(dwconv1d_last_error(), words[0]) != NULL);
  expect_true("shape untouched", untouched(shape, sizeof shape));
  expect_status("valid, 7 steps, eff 7: one output", dwconv1d_output_steps(&p, 7, &out_steps),
                DWCONV1D_OK, NULL);
  expect_true("valid, 7 steps, eff 7: T_out 1", out_steps == 1);

  /* The same refusal from forward, output untouched. */
  const float kernel[3 * 2] = {1, 2, 3, 4, 5, 6}, bias[2] = {0, 0}, input[2 * 6] = {0};
  float output[16];
  dwconv1d_layer *layer = NULL;
  if (!expect_status("create for the short-input forward",
                     dwconv1d_layer_create(&p, 2, kernel, bias, &layer), DWCONV1D_OK, NULL))
    return;
  memset(output, SENTINEL_BYTE, sizeof output);
  expect_status("forward with 6 steps, eff 7", dwconv1d_layer_forward(layer, 1, 6, input, output),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_true("forward message says \"zero or negative\"",
              strstr(dwconv1d_last_error(), words[0]) != NULL);
  expect_true("forward with 6 steps: output untouched", untouched(output, sizeof output));
  dwconv1d_layer_destroy(layer);

  /* Zero steps under same and causal padding: ceil(0/s) = 0. */
  for (int padding = DWCONV1D_PADDING_SAME; padding <= DWCONV1D_PADDING_CAUSAL; ++padding) {
    dwconv1d_params q = dwconv1d_params_default(3);
    q.padding = (dwconv1d_padding)padding;
    expect_status("0 steps, same/causal", dwconv1d_output_steps(&q, 0, &out_steps),
                  DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
    expect_true("0 steps message says \"zero or negative\"",
                strstr(dwconv1d_last_error(), words[0]) != NULL);
  }
}

/* ------------------------------------------------------------------ */
/* NULL pointers                                                       */

static void test_null_pointers(void) {
  const dwconv1d_params p = dwconv1d_params_default(2);
  const float kernel[2 * 3] = {1, 2, 3, 4, 5, 6}, bias[3] = {1, 2, 3}, input[3 * 4] = {0};
  size_t out_steps, shape[3];

  const dwconv1d_status st = dwconv1d_params_validate(NULL);
  const char *message = dwconv1d_last_error();
  expect_true("dwconv1d_params_validate(NULL) is INVALID_ARGUMENT naming params",
              st == DWCONV1D_ERROR_INVALID_ARGUMENT &&
                  (test_contains_word(message, "p") || strstr(message, "param") != NULL));
  expect_status("output_steps(NULL params)", dwconv1d_output_steps(NULL, 10, &out_steps),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_status("output_steps(out_steps NULL)", dwconv1d_output_steps(&p, 10, NULL),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("out_steps"));
  expect_status("output_shape(NULL params)", dwconv1d_output_shape(NULL, 1, 3, 10, shape),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_status("output_shape(shape NULL)", dwconv1d_output_shape(&p, 1, 3, 10, NULL),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("shape"));

  dwconv1d_layer *layer;
  memset(&layer, SENTINEL_BYTE, sizeof layer);
  expect_status("layer_create(NULL params)", dwconv1d_layer_create(NULL, 3, kernel, bias, &layer),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_status("layer_create(kernel NULL)", dwconv1d_layer_create(&p, 3, NULL, bias, &layer),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("kernel"));
  expect_status("layer_create(bias NULL, use_bias)",
                dwconv1d_layer_create(&p, 3, kernel, NULL, &layer),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("bias", "use_bias"));
  expect_true("failed creates leave *out untouched", untouched(&layer, sizeof layer));
  expect_status("layer_create(out NULL)", dwconv1d_layer_create(&p, 3, kernel, bias, NULL),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("out"));

  dwconv1d_params no_bias = p;
  no_bias.use_bias = false;
  layer = NULL;
  expect_status("layer_create(bias NULL, !use_bias) is fine",
                dwconv1d_layer_create(&no_bias, 3, kernel, NULL, &layer), DWCONV1D_OK, NULL);
  if (layer == NULL) return;
  float output[3 * 3 + 4];
  memset(output, SENTINEL_BYTE, sizeof output);
  expect_status("forward(layer NULL)", dwconv1d_layer_forward(NULL, 1, 4, input, output),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("layer"));
  expect_status("forward(input NULL)", dwconv1d_layer_forward(layer, 1, 4, NULL, output),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("input"));
  expect_true("forward(input NULL): output untouched", untouched(output, sizeof output));
  expect_status("forward(output NULL)", dwconv1d_layer_forward(layer, 1, 4, input, NULL),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("output"));

  /* batch = 0 is valid and writes nothing, NULL buffers included. */
  expect_status("forward(batch 0, NULL, NULL)", dwconv1d_layer_forward(layer, 0, 4, NULL, NULL),
                DWCONV1D_OK, NULL);
  expect_status("forward(batch 0) with buffers",
                dwconv1d_layer_forward(layer, 0, 4, input, output), DWCONV1D_OK, NULL);
  expect_true("forward(batch 0) writes nothing", untouched(output, sizeof output));
  size_t expected_zero[3] = {0, 3, 3};
  expect_true("output_shape(batch 0) = (0, 3, 3)",
              dwconv1d_output_shape(&p, 0, 3, 4, shape) == DWCONV1D_OK &&
                  memcmp(shape, expected_zero, sizeof shape) == 0);

  dwconv1d_params described;
  size_t channels = 0;
  dwconv1d_layer_describe(layer, &described, &channels);
  expect_true("layer_describe gives back params and channels",
              channels == 3 && described.kernel_size == 2 && !described.use_bias &&
                  described.activation == DWCONV1D_ACTIVATION_LINEAR);
  dwconv1d_layer_describe(layer, NULL, NULL); /* both optional */
  dwconv1d_layer_destroy(layer);
  dwconv1d_layer_destroy(NULL);

  dwconv1d_activation act;
  memset(&act, SENTINEL_BYTE, sizeof act);
  expect_status("activation_from_name(out NULL)", dwconv1d_activation_from_name("relu", NULL),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_status("active_isa(NULL)", dwconv1d_active_isa(NULL), DWCONV1D_ERROR_INVALID_ARGUMENT,
                NULL);
}

/* ------------------------------------------------------------------ */
/* GLU with an odd last axis                                           */

static void test_glu_odd(void) {
  float kernel[2 * 3 * 1], bias[3], input[3 * 7] = {0}, output[64];
  for (int i = 0; i < 6; ++i) kernel[i] = (float)i;
  memset(bias, 0, sizeof bias);
  dwconv1d_params p = dwconv1d_params_default(2);
  p.activation = DWCONV1D_ACTIVATION_GLU;
  size_t shape[3];

  /* channels_last: the last axis is C*M = 3. */
  memset(shape, SENTINEL_BYTE, sizeof shape);
  expect_status("glu, channels_last, C*M = 3: output_shape",
                dwconv1d_output_shape(&p, 1, 3, 7, shape), DWCONV1D_ERROR_INVALID_ARGUMENT,
                WORDS("glu"));
  expect_true("glu odd: shape untouched", untouched(shape, sizeof shape));
  dwconv1d_layer *layer = NULL;
  dwconv1d_status st = dwconv1d_layer_create(&p, 3, kernel, bias, &layer);
  if (st == DWCONV1D_OK) { /* refusing at create or at forward are both fine */
    memset(output, SENTINEL_BYTE, sizeof output);
    st = dwconv1d_layer_forward(layer, 1, 7, input, output);
    expect_true("glu odd, channels_last: forward writes nothing", untouched(output, sizeof output));
    dwconv1d_layer_destroy(layer);
  }
  expect_status("glu, channels_last, C*M = 3: create or forward", st,
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("glu"));

  /* channels_first: the last axis is T_out = 7 - 2 + 1 = 6 (fine) or 5. */
  p.data_format = DWCONV1D_CHANNELS_FIRST;
  layer = NULL;
  if (!expect_status("glu channels_first create", dwconv1d_layer_create(&p, 3, kernel, bias, &layer),
                     DWCONV1D_OK, NULL))
    return;
  memset(output, SENTINEL_BYTE, sizeof output);
  expect_status("glu, channels_first, T_out 5: forward",
                dwconv1d_layer_forward(layer, 1, 6, input, output),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("glu"));
  expect_true("glu odd, channels_first: output untouched", untouched(output, sizeof output));
  expect_status("glu, channels_first, T_out 6: forward",
                dwconv1d_layer_forward(layer, 1, 7, input, output), DWCONV1D_OK, NULL);
  dwconv1d_layer_destroy(layer);
}

/* ------------------------------------------------------------------ */
/* Sizes whose byte counts overflow size_t                             */

static void test_overflow(void) {
  dwconv1d_params p = dwconv1d_params_default(1);
  size_t shape[3];
  /* Output elements fit, output bytes do not. */
  memset(shape, SENTINEL_BYTE, sizeof shape);
  expect_status("output bytes overflow: output_shape",
                dwconv1d_output_shape(&p, SIZE_MAX / 4 + 1, 1, 1, shape),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_true("overflow: shape untouched", untouched(shape, sizeof shape));
  /* Output elements overflow. */
  expect_status("output elements overflow: output_shape",
                dwconv1d_output_shape(&p, SIZE_MAX / 2, 4, 10, shape),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  /* C*M overflows. */
  dwconv1d_params wide = p;
  wide.depth_multiplier = 4;
  expect_status("channels*depth_multiplier overflow: output_shape",
                dwconv1d_output_shape(&wide, 1, SIZE_MAX / 2, 10, shape),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_true("overflow: shape untouched", untouched(shape, sizeof shape));

  /* Kernel bytes K*C*M*4 overflow: refused before the kernel is read. */
  const float small[16] = {0};
  dwconv1d_layer *layer;
  memset(&layer, SENTINEL_BYTE, sizeof layer);
  dwconv1d_params huge_kernel = dwconv1d_params_default(SIZE_MAX / 8);
  expect_status("kernel bytes overflow: layer_create",
                dwconv1d_layer_create(&huge_kernel, 4, small, small, &layer),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_status("channels*depth_multiplier overflow: layer_create",
                dwconv1d_layer_create(&wide, SIZE_MAX / 2, small, small, &layer),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
  expect_true("overflow: layer untouched", untouched(&layer, sizeof layer));

  /* forward: input bytes overflow while output bytes fit (strides 4:
   * 256 steps -> 64), and output bytes overflow. */
  dwconv1d_params strided = p;
  strided.strides = 4;
  float output[16];
  layer = NULL;
  if (expect_status("create strided layer", dwconv1d_layer_create(&strided, 1, small, small, &layer),
                    DWCONV1D_OK, NULL)) {
    memset(output, SENTINEL_BYTE, sizeof output);
    expect_status("input bytes overflow: forward",
                  dwconv1d_layer_forward(layer, SIZE_MAX / 1024 + 1, 256, small, output),
                  DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
    expect_true("input overflow: output untouched", untouched(output, sizeof output));
    dwconv1d_layer_destroy(layer);
  }
  layer = NULL;
  if (expect_status("create 4-channel layer", dwconv1d_layer_create(&p, 4, small, small, &layer),
                    DWCONV1D_OK, NULL)) {
    memset(output, SENTINEL_BYTE, sizeof output);
    expect_status("output bytes overflow: forward",
                  dwconv1d_layer_forward(layer, SIZE_MAX / 64 + 1, 16, small, output),
                  DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
    expect_status("steps overflow: forward",
                  dwconv1d_layer_forward(layer, 2, SIZE_MAX / 2, small, output),
                  DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
    expect_true("output overflow: output untouched", untouched(output, sizeof output));
    dwconv1d_layer_destroy(layer);
  }
}

/* T_out at the top of size_t, computed without overflow (SPEC §1). */
static void test_huge_steps(void) {
  for (int padding = 0; padding <= DWCONV1D_PADDING_CAUSAL; ++padding)
    for (size_t strides = 1; strides <= 4; ++strides) {
      dwconv1d_params p = dwconv1d_params_default(3);
      p.padding = (dwconv1d_padding)padding;
      p.strides = strides;
      ref_dims d;
      size_t out_steps = 0;
      const bool ref_ok = ref_dims_compute(&p, 0, 1, SIZE_MAX, &d);
      const dwconv1d_status st = dwconv1d_output_steps(&p, SIZE_MAX, &out_steps);
      const bool ok = ref_ok && st == DWCONV1D_OK && out_steps == d.out_steps;
      if (!test_count(&counts, ok))
        printf("FAIL output_steps(SIZE_MAX steps, padding %s, strides %zu): %s %zu, want %zu\n",
               test_padding_name(p.padding), strides, dwconv1d_status_string(st), out_steps,
               d.out_steps);
    }
  /* eff = d(K-1)+1 does not fit in size_t: no input is long enough. */
  dwconv1d_params p = dwconv1d_params_default(SIZE_MAX / 2);
  p.dilation_rate = 4;
  size_t out_steps;
  expect_status("eff overflow, valid: output_steps", dwconv1d_output_steps(&p, 1000, &out_steps),
                DWCONV1D_ERROR_INVALID_ARGUMENT, NULL);
}

/* ------------------------------------------------------------------ */
/* Names, versions, defaults                                           */

static const char *const keras_names[DWCONV1D_ACTIVATION_COUNT] = {
    "linear",      "relu",           "relu6",      "leaky_relu",  "elu",
    "selu",        "celu",           "sigmoid",    "hard_sigmoid", "hard_silu",
    "silu",        "gelu",           "gelu_approximate", "tanh", "tanh_shrink",
    "hard_tanh",   "hard_shrink",    "soft_shrink", "softplus",   "softsign",
    "sparse_plus", "sparse_sigmoid", "squareplus", "mish",        "exponential",
    "log_sigmoid", "softmax",        "log_softmax", "sparsemax",  "glu",
};

static void expect_name(const char *name, dwconv1d_activation want) {
  dwconv1d_activation got = (dwconv1d_activation)-1;
  const dwconv1d_status st = dwconv1d_activation_from_name(name, &got);
  if (!test_count(&counts, st == DWCONV1D_OK && got == want))
    printf("FAIL activation_from_name(\"%s\") gave %s, %d; want %d\n", name ? name : "NULL",
           dwconv1d_status_string(st), (int)got, (int)want);
}

static void test_activation_names(void) {
  for (int a = 0; a < DWCONV1D_ACTIVATION_COUNT; ++a) {
    const char *name = dwconv1d_activation_name((dwconv1d_activation)a);
    if (!test_count(&counts, name != NULL && strcmp(name, keras_names[a]) == 0))
      printf("FAIL activation_name(%d) = \"%s\", want \"%s\"\n", a, name ? name : "NULL",
             keras_names[a]);
    expect_name(keras_names[a], (dwconv1d_activation)a);
  }
  expect_name("swish", DWCONV1D_ACTIVATION_SILU);
  expect_name("hard_swish", DWCONV1D_ACTIVATION_HARD_SILU);
  expect_name("none", DWCONV1D_ACTIVATION_LINEAR);
  expect_name(NULL, DWCONV1D_ACTIVATION_LINEAR);
  expect_true("activation_name(COUNT) is NULL",
              dwconv1d_activation_name(DWCONV1D_ACTIVATION_COUNT) == NULL);
  expect_true("activation_name(-1) is NULL",
              dwconv1d_activation_name((dwconv1d_activation)-1) == NULL);

  static const char *const unknown[] = {"relu7", "ReLU", "", "soft max", "relu "};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; ++i) {
    dwconv1d_activation act;
    memset(&act, SENTINEL_BYTE, sizeof act);
    char what[64];
    snprintf(what, sizeof what, "activation_from_name(\"%s\")", unknown[i]);
    const dwconv1d_status st = dwconv1d_activation_from_name(unknown[i], &act);
    /* The message must quote the name (empty and spaced names: at least non-empty). */
    const bool plain = i < 2;
    expect_status(what, st, DWCONV1D_ERROR_INVALID_ARGUMENT,
                  plain ? (const char *const[]){unknown[i], NULL} : NULL);
    expect_true("unknown name: *out untouched", untouched(&act, sizeof act));
  }
}

static void test_statuses_and_version(void) {
  const dwconv1d_status all[] = {DWCONV1D_OK, DWCONV1D_ERROR_INVALID_ARGUMENT,
                                 DWCONV1D_ERROR_UNSUPPORTED_ISA, DWCONV1D_ERROR_OUT_OF_MEMORY};
  for (size_t i = 0; i < 4; ++i) {
    const char *s = dwconv1d_status_string(all[i]);
    expect_true("status_string non-empty", s != NULL && s[0] != '\0');
    for (size_t j = 0; j < i; ++j)
      expect_true("status strings differ", strcmp(s, dwconv1d_status_string(all[j])) != 0);
  }
  const char *unknown = dwconv1d_status_string((dwconv1d_status)99);
  expect_true("status_string(99) is \"unknown status\"",
              unknown != NULL && strcmp(unknown, "unknown status") == 0);

  const char *version = dwconv1d_version();
  char macros[32];
  snprintf(macros, sizeof macros, "%d.%d.%d", DWCONV1D_VERSION_MAJOR, DWCONV1D_VERSION_MINOR,
           DWCONV1D_VERSION_PATCH);
  expect_true("dwconv1d_version() == DWCONV1D_VERSION_STRING",
              version != NULL && strcmp(version, DWCONV1D_VERSION_STRING) == 0);
  expect_true("DWCONV1D_VERSION_STRING matches MAJOR.MINOR.PATCH",
              strcmp(macros, DWCONV1D_VERSION_STRING) == 0);

  const dwconv1d_params d = dwconv1d_params_default(5);
  expect_true("params_default: Keras's defaults",
              d.kernel_size == 5 && d.strides == 1 && d.padding == DWCONV1D_PADDING_VALID &&
                  d.depth_multiplier == 1 && d.data_format == DWCONV1D_CHANNELS_LAST &&
                  d.dilation_rate == 1 && d.activation == DWCONV1D_ACTIVATION_LINEAR &&
                  d.use_bias);
  expect_status("params_default(5) validates", dwconv1d_params_validate(&d), DWCONV1D_OK, NULL);
}

static void test_isa_api(void) {
  static const char *const names[] = {"scalar", "sse4", "avx2", "avx512", "neon"};
  for (int i = TEST_ISA_FIRST; i <= TEST_ISA_LAST; ++i) {
    const char *name = dwconv1d_isa_name((dwconv1d_isa)i);
    expect_true("isa_name spells the DWCONV1D_ISA names", name && strcmp(name, names[i]) == 0);
  }
  expect_true("scalar is always supported", dwconv1d_isa_supported(DWCONV1D_ISA_SCALAR));
  expect_true("isa_name(99) is NULL", dwconv1d_isa_name((dwconv1d_isa)99) == NULL);
  expect_true("isa_supported(99) is false", !dwconv1d_isa_supported((dwconv1d_isa)99));

  dwconv1d_isa before = DWCONV1D_ISA_SCALAR, after = DWCONV1D_ISA_SCALAR;
  const dwconv1d_status active = dwconv1d_active_isa(&before);
  expect_status("set_isa(99)", dwconv1d_set_isa((dwconv1d_isa)99),
                DWCONV1D_ERROR_INVALID_ARGUMENT, WORDS("isa", "99"));
  for (int i = TEST_ISA_FIRST; i <= TEST_ISA_LAST; ++i) {
    if (dwconv1d_isa_supported((dwconv1d_isa)i)) continue;
    char what[64];
    snprintf(what, sizeof what, "set_isa(%s) on a CPU without it", names[i]);
    expect_status(what, dwconv1d_set_isa((dwconv1d_isa)i), DWCONV1D_ERROR_UNSUPPORTED_ISA,
                  WORDS(names[i]));
  }
  if (active == DWCONV1D_OK)
    expect_true("failed set_isa changes nothing",
                dwconv1d_active_isa(&after) == DWCONV1D_OK && after == before);
  dwconv1d_reset_isa();
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* keep the lines printed before a crash */
  /* Before any failed call the message is empty (header contract). */
  const char *first = dwconv1d_last_error();
  expect_true("last_error is \"\" before any failure", first != NULL && first[0] == '\0');
  /* Refusals may live in per-ISA code: check them on every path. */
  for (int k = TEST_ISA_FIRST; k <= TEST_ISA_LAST; ++k) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)k)) continue;
    current_isa = test_isa_label((dwconv1d_isa)k);
    expect_status("set_isa", dwconv1d_set_isa((dwconv1d_isa)k), DWCONV1D_OK, NULL);
    test_bad_params();
    test_zero_channels();
    test_empty_output();
    test_null_pointers();
    test_glu_odd();
    test_overflow();
  }
  current_isa = "-";
  test_huge_steps();
  test_activation_names();
  test_statuses_and_version();
  test_isa_api();
  return test_summary("test_errors", &counts);
}
