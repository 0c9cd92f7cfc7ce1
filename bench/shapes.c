/* The shape table expanded into an array, and the sizes derived from it. */
#include "shapes.h"

#include <stdio.h>
#include <string.h>

#define BENCH_SHAPE_ENTRY(name, source, b, t, c, k, m, s, d, pad, fmt, act, baseline)          \
  {name,                                                                                      \
   source,                                                                                    \
   b,                                                                                         \
   t,                                                                                         \
   c,                                                                                         \
   {.kernel_size = k,                                                                         \
    .strides = s,                                                                             \
    .padding = DWCONV1D_PADDING_##pad,                                                        \
    .depth_multiplier = m,                                                                    \
    .data_format = DWCONV1D_CHANNELS_##fmt,                                                   \
    .dilation_rate = d,                                                                       \
    .activation = DWCONV1D_ACTIVATION_##act,                                                  \
    .use_bias = true},                                                                        \
   baseline},

const bench_shape bench_shapes[] = {BENCH_SHAPES(BENCH_SHAPE_ENTRY)};
const size_t bench_shape_count = sizeof bench_shapes / sizeof bench_shapes[0];

float bench_shape_input_scale(const bench_shape *shape) {
  const size_t n = strlen(shape->name), suffix = strlen("_subnormal");
  return n > suffix && strcmp(shape->name + n - suffix, "_subnormal") == 0 ? 0x1p-130f : 1.0f;
}

const bench_shape *bench_shape_find(const char *name) {
  for (size_t i = 0; i < bench_shape_count; i++) {
    if (strcmp(bench_shapes[i].name, name) == 0) return &bench_shapes[i];
  }
  return NULL;
}

static const char in_l2_suffix[] = "_in_l2";

const bench_shape *bench_shape_sliced_from(const bench_shape *shape) {
  const size_t n = strlen(shape->name), suffix = strlen(in_l2_suffix);
  if (n <= suffix || strcmp(shape->name + n - suffix, in_l2_suffix) != 0) return NULL;
  char name[64];
  if (n - suffix >= sizeof name) return NULL;
  memcpy(name, shape->name, n - suffix);
  name[n - suffix] = '\0';
  return bench_shape_find(name);
}

const bench_shape *bench_shape_in_l2_slice(const bench_shape *shape) {
  char name[64];
  if (snprintf(name, sizeof name, "%s%s", shape->name, in_l2_suffix) >= (int)sizeof name) return NULL;
  return bench_shape_find(name);
}

int bench_shape_sizes_of(const bench_shape *shape, bench_shape_sizes *sizes, char *why,
                         size_t why_size) {
  const dwconv1d_params *p = &shape->params;
  size_t out_steps = 0;
  if (dwconv1d_output_steps(p, shape->steps, &out_steps) != DWCONV1D_OK) {
    snprintf(why, why_size, "%s", dwconv1d_last_error());
    return -1;
  }
  const size_t out_channels = shape->channels * p->depth_multiplier;
  sizes->out_steps = out_steps;
  sizes->input_floats = shape->batch * shape->steps * shape->channels;
  sizes->output_floats = shape->batch * out_steps * out_channels;
  sizes->weight_floats = p->kernel_size * out_channels + (p->use_bias ? out_channels : 0);
  sizes->flops = 2.0 * (double)shape->batch * (double)out_steps * (double)out_channels *
                 (double)p->kernel_size;
  sizes->bytes =
      4.0 * ((double)sizes->input_floats + (double)sizes->output_floats + (double)sizes->weight_floats);
  return 0;
}

void bench_shape_padding(const bench_shape *shape, size_t out_steps, size_t *left, size_t *right) {
  const dwconv1d_params *p = &shape->params;
  const size_t effective = p->dilation_rate * (p->kernel_size - 1) + 1;
  const size_t needed = (out_steps - 1) * p->strides + effective;
  const size_t total = needed > shape->steps ? needed - shape->steps : 0;
  switch (p->padding) {
    case DWCONV1D_PADDING_VALID: *left = *right = 0; return;
    case DWCONV1D_PADDING_SAME: *left = total / 2; *right = total - total / 2; return;
    case DWCONV1D_PADDING_CAUSAL: *left = p->dilation_rate * (p->kernel_size - 1); *right = 0; return;
  }
  *left = *right = 0;
}

static const char *padding_word(dwconv1d_padding padding) {
  switch (padding) {
    case DWCONV1D_PADDING_VALID: return "valid";
    case DWCONV1D_PADDING_SAME: return "same";
    case DWCONV1D_PADDING_CAUSAL: return "causal";
  }
  return "?";
}

void bench_shape_describe(const bench_shape *shape, char *text, size_t text_size) {
  const dwconv1d_params *p = &shape->params;
  int used = snprintf(text, text_size, "B%zu T%zu C%zu K%zu", shape->batch, shape->steps,
                      shape->channels, p->kernel_size);
  if (p->depth_multiplier != 1 && used >= 0 && (size_t)used < text_size) {
    used += snprintf(text + used, text_size - (size_t)used, " M%zu", p->depth_multiplier);
  }
  if (p->strides != 1 && used >= 0 && (size_t)used < text_size) {
    used += snprintf(text + used, text_size - (size_t)used, " s%zu", p->strides);
  }
  if (p->dilation_rate != 1 && used >= 0 && (size_t)used < text_size) {
    used += snprintf(text + used, text_size - (size_t)used, " d%zu", p->dilation_rate);
  }
  if (used >= 0 && (size_t)used < text_size) {
    used += snprintf(text + used, text_size - (size_t)used, " %s %s", padding_word(p->padding),
                     p->data_format == DWCONV1D_CHANNELS_FIRST ? "cf" : "cl");
  }
  if (p->activation != DWCONV1D_ACTIVATION_LINEAR && used >= 0 && (size_t)used < text_size) {
    const char *act = dwconv1d_activation_name(p->activation);
    snprintf(text + used, text_size - (size_t)used, " %s", act != NULL ? act : "?");
  }
}
