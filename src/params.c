/* Defaults, validation, output shapes and activation names. */
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "params.h"

/* Effective kernel spans above this are refused so that every step index the
 * kernels form (t*s + j*d and the like) stays far from overflow. */
#define MAX_SPAN ((size_t)PTRDIFF_MAX / 4)

static const char *const activation_names[DWCONV1D_ACTIVATION_COUNT] = {
    "linear",       "relu",        "relu6",       "leaky_relu",     "elu",
    "selu",         "celu",        "sigmoid",     "hard_sigmoid",   "hard_silu",
    "silu",         "gelu",        "gelu_approximate", "tanh",      "tanh_shrink",
    "hard_tanh",    "hard_shrink", "soft_shrink", "softplus",       "softsign",
    "sparse_plus",  "sparse_sigmoid", "squareplus", "mish",         "exponential",
    "log_sigmoid",  "softmax",     "log_softmax", "sparsemax",      "glu",
};

static const struct {
  const char *name;
  dwconv1d_activation activation;
} activation_aliases[] = {
    {"none", DWCONV1D_ACTIVATION_LINEAR},
    {"swish", DWCONV1D_ACTIVATION_SILU},
    {"hard_swish", DWCONV1D_ACTIVATION_HARD_SILU},
};

dwconv1d_status dwconv1d_activation_from_name(const char *keras_name, dwconv1d_activation *out) {
  if (out == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out must not be NULL");
  if (keras_name == NULL) {
    *out = DWCONV1D_ACTIVATION_LINEAR;
    return DWCONV1D_OK;
  }
  for (int i = 0; i < DWCONV1D_ACTIVATION_COUNT; i++) {
    if (strcmp(keras_name, activation_names[i]) == 0) {
      *out = (dwconv1d_activation)i;
      return DWCONV1D_OK;
    }
  }
  for (size_t i = 0; i < sizeof activation_aliases / sizeof activation_aliases[0]; i++) {
    if (strcmp(keras_name, activation_aliases[i].name) == 0) {
      *out = activation_aliases[i].activation;
      return DWCONV1D_OK;
    }
  }
  char quoted[80];
  return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                        "activation: unknown activation name \"%s\"",
                        dwconv1d_quote(keras_name, quoted, sizeof quoted));
}

const char *dwconv1d_activation_name(dwconv1d_activation a) {
  return (unsigned)a < DWCONV1D_ACTIVATION_COUNT ? activation_names[a] : NULL;
}

bool dwconv1d_activation_is_axis(dwconv1d_activation a) {
  return a == DWCONV1D_ACTIVATION_SOFTMAX || a == DWCONV1D_ACTIVATION_LOG_SOFTMAX ||
         a == DWCONV1D_ACTIVATION_SPARSEMAX || a == DWCONV1D_ACTIVATION_GLU;
}

dwconv1d_params dwconv1d_params_default(size_t kernel_size) {
  const dwconv1d_params p = {
      .kernel_size = kernel_size,
      .strides = 1,
      .padding = DWCONV1D_PADDING_VALID,
      .depth_multiplier = 1,
      .data_format = DWCONV1D_CHANNELS_LAST,
      .dilation_rate = 1,
      .activation = DWCONV1D_ACTIVATION_LINEAR,
      .use_bias = true,
  };
  return p;
}

static dwconv1d_status positive(const char *name, size_t value) {
  if (value == 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "%s must be >= 1, got 0", name);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_params_validate(const dwconv1d_params *p) {
  if (p == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "params must not be NULL");
  dwconv1d_status s;
  if ((s = positive("kernel_size", p->kernel_size)) != DWCONV1D_OK ||
      (s = positive("strides", p->strides)) != DWCONV1D_OK ||
      (s = positive("dilation_rate", p->dilation_rate)) != DWCONV1D_OK ||
      (s = positive("depth_multiplier", p->depth_multiplier)) != DWCONV1D_OK)
    return s;
  if (p->strides > 1 && p->dilation_rate > 1)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "strides > 1 not supported in conjunction with dilation_rate > 1; "
                          "received strides=%zu and dilation_rate=%zu",
                          p->strides, p->dilation_rate);
  if ((unsigned)p->padding > DWCONV1D_PADDING_CAUSAL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "padding must be valid, same or causal, got %d", (int)p->padding);
  if ((unsigned)p->data_format > DWCONV1D_CHANNELS_FIRST)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "data_format must be channels_last or channels_first, got %d",
                          (int)p->data_format);
  if ((unsigned)p->activation >= DWCONV1D_ACTIVATION_COUNT)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "activation must be a dwconv1d_activation value, got %d",
                          (int)p->activation);
  if (p->kernel_size - 1 > (MAX_SPAN - 1) / p->dilation_rate)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "dilation_rate * (kernel_size - 1) is too large: dilation_rate=%zu, "
                          "kernel_size=%zu",
                          p->dilation_rate, p->kernel_size);
  if (p->strides > MAX_SPAN)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "strides is too large, got %zu",
                          p->strides);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_check_weights_args(const dwconv1d_params *p, size_t channels,
                                            const void *kernel, const void *bias) {
  const dwconv1d_status s = dwconv1d_params_validate(p);
  if (s != DWCONV1D_OK)
    return s;
  if (channels == 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "channels must be >= 1, got 0");
  if (kernel == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "kernel must not be NULL");
  if (p->use_bias && bias == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "bias must not be NULL when use_bias is true");
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_geometry_for(const dwconv1d_params *p, size_t steps,
                                      struct dwconv1d_geometry *g, size_t *out_steps) {
  const size_t span = p->dilation_rate * (p->kernel_size - 1) + 1;
  const size_t s = p->strides;
  size_t t_out, pad_left = 0;
  if (p->padding == DWCONV1D_PADDING_VALID) {
    if (steps < span)
      return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                            "Computed output size would be zero or negative: steps=%zu, "
                            "kernel_size=%zu, dilation_rate=%zu, padding=valid",
                            steps, p->kernel_size, p->dilation_rate);
    t_out = (steps - span) / s + 1;
  } else {
    if (steps == 0)
      return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                            "Computed output size would be zero or negative: steps=0");
    t_out = steps / s + (steps % s != 0);
    if (p->padding == DWCONV1D_PADDING_CAUSAL) {
      pad_left = span - 1;
    } else { /* same: total = max((T_out-1)*s + span - T, 0), odd one right */
      const size_t covered = steps - (t_out - 1) * s;
      const size_t total = span > covered ? span - covered : 0;
      pad_left = total / 2;
    }
  }
  g->kernel_size = p->kernel_size;
  g->stride = s;
  g->dilation = p->dilation_rate;
  g->pad_left = pad_left;
  g->in_steps = steps;
  *out_steps = t_out;
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_output_steps(const dwconv1d_params *p, size_t steps, size_t *out_steps) {
  struct dwconv1d_geometry g;
  size_t t_out = 0;
  dwconv1d_status s = dwconv1d_params_validate(p);
  if (s != DWCONV1D_OK)
    return s;
  if (out_steps == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out_steps must not be NULL");
  if ((s = dwconv1d_geometry_for(p, steps, &g, &t_out)) != DWCONV1D_OK)
    return s;
  *out_steps = t_out;
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_output_shape(const dwconv1d_params *p, size_t batch, size_t channels,
                                      size_t steps, size_t shape[3]) {
  size_t t_out = 0, out_channels, elements;
  dwconv1d_status s = dwconv1d_output_steps(p, steps, &t_out);
  if (s != DWCONV1D_OK)
    return s;
  if (shape == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "shape must not be NULL");
  if (channels == 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "channels must be >= 1, got 0");
  if (!dwconv1d_mul_ok(channels, p->depth_multiplier, &out_channels))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "channels * depth_multiplier overflows: channels=%zu, "
                          "depth_multiplier=%zu",
                          channels, p->depth_multiplier);
  const bool last_is_steps = p->data_format == DWCONV1D_CHANNELS_FIRST;
  size_t last = last_is_steps ? t_out : out_channels;
  if (p->activation == DWCONV1D_ACTIVATION_GLU) {
    if (last % 2 != 0)
      return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                            "activation glu halves the last axis, which must be even, got %zu "
                            "(%s)",
                            last, last_is_steps ? "output steps" : "channels * depth_multiplier");
    last /= 2;
  }
  const size_t middle = last_is_steps ? out_channels : t_out;
  if (!dwconv1d_mul_ok(batch, middle, &elements) || !dwconv1d_mul_ok(elements, last, &elements) ||
      !dwconv1d_mul_ok(elements, sizeof(float), &elements))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "output size overflows size_t: batch=%zu, output steps=%zu, output "
                          "channels=%zu",
                          batch, t_out, out_channels);
  shape[0] = batch;
  shape[1] = middle;
  shape[2] = last;
  return DWCONV1D_OK;
}
