/* The layer: creation (validation, weight packing, choice of path) and the
 * forward pass, which tiles the work and hands each tile to the kernels. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "error.h"
#include "layer.h"
#include "params.h"

/* Output steps per tile, and output channels per gathered tile: small
 * enough that a tile's input rows stay in L2 while its channels pass. */
enum { TIME_TILE = 64, CHANNEL_TILE = 256, ALIGNMENT = 64 };

float *dwconv1d_alloc_floats(size_t count) {
  size_t bytes;
  if (!dwconv1d_mul_ok(count, sizeof(float), &bytes) || bytes > SIZE_MAX - ALIGNMENT)
    return NULL;
  bytes = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  return aligned_alloc(ALIGNMENT, bytes ? bytes : ALIGNMENT);
}

static dwconv1d_status check_create_args(const dwconv1d_params *p, size_t channels,
                                         const float *kernel, const float *bias,
                                         dwconv1d_layer **out, size_t *out_channels) {
  dwconv1d_status s = dwconv1d_params_validate(p);
  if (s != DWCONV1D_OK)
    return s;
  if (channels == 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "channels must be >= 1, got 0");
  if (kernel == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "kernel must not be NULL");
  if (p->use_bias && bias == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "bias must not be NULL when use_bias is true");
  if (out == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out must not be NULL");
  size_t kernel_bytes;
  if (!dwconv1d_mul_ok(channels, p->depth_multiplier, out_channels) ||
      *out_channels > SIZE_MAX - DWCONV1D_MAX_VLEN ||
      !dwconv1d_mul_ok(*out_channels + DWCONV1D_MAX_VLEN, p->kernel_size, &kernel_bytes) ||
      !dwconv1d_mul_ok(kernel_bytes, sizeof(float), &kernel_bytes))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "kernel size overflows size_t: kernel_size=%zu, channels=%zu, "
                          "depth_multiplier=%zu",
                          p->kernel_size, channels, p->depth_multiplier);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_layer_create(const dwconv1d_params *p, size_t channels,
                                      const float *kernel, const float *bias,
                                      dwconv1d_layer **out) {
  size_t out_channels = 0;
  dwconv1d_isa isa = DWCONV1D_ISA_SCALAR;
  dwconv1d_status s = check_create_args(p, channels, kernel, bias, out, &out_channels);
  if (s != DWCONV1D_OK || (s = dwconv1d_active_isa(&isa)) != DWCONV1D_OK)
    return s;
  const struct dwconv1d_kernels *kernels = dwconv1d_kernels_of(isa);
  const size_t padded = (out_channels + DWCONV1D_MAX_VLEN - 1) / DWCONV1D_MAX_VLEN *
                        DWCONV1D_MAX_VLEN;
  dwconv1d_layer *layer = malloc(sizeof *layer);
  float *weights = dwconv1d_alloc_floats(
      dwconv1d_packed_weights_floats(p->kernel_size, out_channels, kernels->vlen));
  float *bias_copy = dwconv1d_alloc_floats(padded);
  if (layer == NULL || weights == NULL || bias_copy == NULL) {
    free(layer);
    free(weights);
    free(bias_copy);
    return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                          "out of memory creating a layer: kernel_size=%zu, channels=%zu, "
                          "depth_multiplier=%zu",
                          p->kernel_size, channels, p->depth_multiplier);
  }
  dwconv1d_pack_weights(kernel, p->kernel_size, out_channels, kernels->vlen, weights);
  memset(bias_copy, 0, padded * sizeof(float));
  if (p->use_bias)
    memcpy(bias_copy, bias, out_channels * sizeof(float));
  *layer = (dwconv1d_layer){.params = *p,
                            .channels = channels,
                            .out_channels = out_channels,
                            .kernels = kernels,
                            .weights = weights,
                            .bias = bias_copy};
  *out = layer;
  return DWCONV1D_OK;
}

void dwconv1d_layer_destroy(dwconv1d_layer *layer) {
  if (layer == NULL)
    return;
  free(layer->weights);
  free(layer->bias);
  free(layer);
}

dwconv1d_isa dwconv1d_layer_isa(const dwconv1d_layer *layer) { return layer->kernels->isa; }

void dwconv1d_layer_describe(const dwconv1d_layer *layer, dwconv1d_params *p, size_t *channels) {
  if (p != NULL)
    *p = layer->params;
  if (channels != NULL)
    *channels = layer->channels;
}

/* ------------------------------------------------------------------ */
/* Forward                                                            */

/* Everything one forward call needs, fixed before the first write. */
struct forward_plan {
  const dwconv1d_layer *layer;
  struct dwconv1d_geometry g;
  size_t steps, out_steps;
  size_t in_per_batch, out_per_batch; /* floats per batch element */
  bool gather;                        /* input goes through the workspace */
  bool channels_first;
  dwconv1d_activation fused; /* the activation the kernels apply */
  /* workspace pieces, each NULL when unused */
  float *gathered;  /* rows x CHANNEL_TILE, channels-last, expanded by M */
  float *out_tile;  /* TIME_TILE x CHANNEL_TILE, channels_first results */
  float *linear;    /* a whole batch element before glu */
  float *row_work;  /* one last-axis row for sparsemax */
};

/* Input rows [lo, hi) that output steps [t0, t1) read. */
static void rows_read(const struct dwconv1d_geometry *g, size_t t0, size_t t1, size_t *lo,
                      size_t *hi) {
  const size_t span = g->dilation * (g->kernel_size - 1) + 1;
  const size_t first = t0 * g->stride, end = (t1 - 1) * g->stride + span;
  *lo = first > g->pad_left ? first - g->pad_left : 0;
  *hi = end > g->pad_left ? end - g->pad_left : 0;
  if (*hi > g->in_steps)
    *hi = g->in_steps;
  if (*hi < *lo)
    *hi = *lo;
}

/* Copies input rows [lo, hi) of output channels [c0, c0 + width) into the
 * channels-last workspace, repeating each input channel M times. */
static void gather_rows(const struct forward_plan *plan, const float *x, size_t lo, size_t hi,
                        size_t c0, size_t width) {
  const size_t m = plan->layer->params.depth_multiplier, c = plan->layer->channels;
  float *dst = plan->gathered;
  if (!plan->channels_first) {
    for (size_t r = lo; r < hi; r++)
      for (size_t i = 0; i < width; i++)
        dst[(r - lo) * width + i] = x[r * c + (c0 + i) / m];
    return;
  }
  for (size_t i = 0; i < width; i++) {
    const float *row = x + ((c0 + i) / m) * plan->steps;
    for (size_t r = lo; r < hi; r++)
      dst[(r - lo) * width + i] = row[r];
  }
}

static struct dwconv1d_tile tile_for(const struct forward_plan *plan, size_t c0, size_t width,
                                     size_t t0, size_t t1) {
  const dwconv1d_layer *layer = plan->layer;
  return (struct dwconv1d_tile){
      .t_begin = t0,
      .t_end = t1,
      .channels = width,
      .weights = layer->weights + (c0 / layer->kernels->vlen) * layer->params.kernel_size *
                                      layer->kernels->vlen,
      .bias = layer->bias + c0,
      .activation = plan->fused,
  };
}

/* channels_last with M == 1: the kernels read the caller's input directly. */
static void conv_direct(const struct forward_plan *plan, const float *x, float *y) {
  const size_t width = plan->layer->out_channels;
  for (size_t t0 = 0; t0 < plan->out_steps; t0 += TIME_TILE) {
    const size_t t1 = plan->out_steps - t0 < TIME_TILE ? plan->out_steps : t0 + TIME_TILE;
    struct dwconv1d_tile tile = tile_for(plan, 0, width, t0, t1);
    tile.input = x;
    tile.input_stride = plan->layer->channels;
    tile.row_base = 0;
    tile.output = y + t0 * width;
    tile.output_stride = width;
    plan->layer->kernels->conv_tile(&plan->g, &tile);
  }
}

/* One time x channel tile through the workspace: expand (and transpose),
 * convolve, and for channels_first transpose the results out. */
static void conv_gathered_tile(const struct forward_plan *plan, const float *x, float *y,
                               size_t t0, size_t t1, size_t c0, size_t width) {
  const size_t out_channels = plan->layer->out_channels;
  size_t lo, hi;
  rows_read(&plan->g, t0, t1, &lo, &hi);
  gather_rows(plan, x, lo, hi, c0, width);
  struct dwconv1d_tile tile = tile_for(plan, c0, width, t0, t1);
  tile.input = plan->gathered;
  tile.input_stride = width;
  tile.row_base = lo;
  if (!plan->channels_first) {
    tile.output = y + t0 * out_channels + c0;
    tile.output_stride = out_channels;
    plan->layer->kernels->conv_tile(&plan->g, &tile);
    return;
  }
  tile.output = plan->out_tile;
  tile.output_stride = width;
  plan->layer->kernels->conv_tile(&plan->g, &tile);
  for (size_t i = 0; i < width; i++) {
    float *row = y + (c0 + i) * plan->out_steps;
    for (size_t t = t0; t < t1; t++)
      row[t] = plan->out_tile[(t - t0) * width + i];
  }
}

static void conv_gathered(const struct forward_plan *plan, const float *x, float *y) {
  const size_t out_channels = plan->layer->out_channels;
  for (size_t t0 = 0; t0 < plan->out_steps; t0 += TIME_TILE) {
    const size_t t1 = plan->out_steps - t0 < TIME_TILE ? plan->out_steps : t0 + TIME_TILE;
    for (size_t c0 = 0; c0 < out_channels; c0 += CHANNEL_TILE) {
      const size_t width = out_channels - c0 < CHANNEL_TILE ? out_channels - c0 : CHANNEL_TILE;
      conv_gathered_tile(plan, x, y, t0, t1, c0, width);
    }
  }
}

/* The last-axis activations over a whole batch element `y` in layout order. */
static void activate_rows(const struct forward_plan *plan, float *y, float *out) {
  const struct dwconv1d_kernels *k = plan->layer->kernels;
  const size_t rows = plan->channels_first ? plan->layer->out_channels : plan->out_steps;
  const size_t n = plan->channels_first ? plan->out_steps : plan->layer->out_channels;
  for (size_t r = 0; r < rows; r++) {
    float *row = y + r * n;
    switch (plan->layer->params.activation) {
    case DWCONV1D_ACTIVATION_SOFTMAX: k->softmax_row(row, n); break;
    case DWCONV1D_ACTIVATION_LOG_SOFTMAX: k->log_softmax_row(row, n); break;
    case DWCONV1D_ACTIVATION_SPARSEMAX: dwconv1d_sparsemax_row(row, n, plan->row_work); break;
    case DWCONV1D_ACTIVATION_GLU: k->glu_row(row, n / 2, out + r * (n / 2)); break;
    default: break;
    }
  }
}

static void forward_one(const struct forward_plan *plan, const float *x, float *y) {
  const dwconv1d_activation act = plan->layer->params.activation;
  float *dst = act == DWCONV1D_ACTIVATION_GLU ? plan->linear : y;
  if (plan->gather)
    conv_gathered(plan, x, dst);
  else
    conv_direct(plan, x, dst);
  if (dwconv1d_activation_is_axis(act))
    activate_rows(plan, dst, y);
}

/* Sizes the workspace (in floats) and, given its memory, points the plan's
 * pieces into it. Returns false on size overflow. */
static bool plan_workspace(struct forward_plan *plan, float *base, size_t *floats) {
  const size_t width = plan->layer->out_channels < CHANNEL_TILE ? plan->layer->out_channels
                                                                 : CHANNEL_TILE;
  const size_t span = plan->g.dilation * (plan->g.kernel_size - 1) + 1;
  size_t rows = (TIME_TILE - 1) * plan->g.stride + span;
  rows = rows < plan->steps ? rows : plan->steps;
  size_t sizes[4] = {0, 0, 0, 0}, total = 0;
  if (plan->gather && !dwconv1d_mul_ok(rows, width, &sizes[0]))
    return false;
  if (plan->channels_first)
    sizes[1] = (size_t)TIME_TILE * width;
  if (plan->layer->params.activation == DWCONV1D_ACTIVATION_GLU)
    sizes[2] = plan->out_per_batch * 2;
  if (plan->layer->params.activation == DWCONV1D_ACTIVATION_SPARSEMAX)
    sizes[3] = plan->channels_first ? plan->out_steps : plan->layer->out_channels;
  float **pieces[4] = {&plan->gathered, &plan->out_tile, &plan->linear, &plan->row_work};
  for (int i = 0; i < 4; i++) {
    const size_t rounded = (sizes[i] + DWCONV1D_MAX_VLEN - 1) / DWCONV1D_MAX_VLEN *
                           DWCONV1D_MAX_VLEN;
    if (rounded < sizes[i] || total > SIZE_MAX - rounded)
      return false;
    *pieces[i] = base != NULL && sizes[i] ? base + total : NULL;
    total += rounded;
  }
  *floats = total;
  return true;
}

static dwconv1d_status make_plan(const dwconv1d_layer *layer, size_t batch, size_t steps,
                                 const float *input, const float *output,
                                 struct forward_plan *plan) {
  const dwconv1d_params *p = &layer->params;
  size_t shape[3];
  dwconv1d_status s = dwconv1d_output_shape(p, batch, layer->channels, steps, shape);
  if (s != DWCONV1D_OK)
    return s;
  *plan = (struct forward_plan){.layer = layer, .steps = steps};
  s = dwconv1d_geometry_for(p, steps, &plan->g, &plan->out_steps);
  if (s != DWCONV1D_OK)
    return s;
  if (!dwconv1d_mul_ok(steps, layer->channels, &plan->in_per_batch) ||
      !dwconv1d_mul_ok(plan->in_per_batch, batch, &(size_t){0}) ||
      !dwconv1d_mul_ok(plan->in_per_batch * batch, sizeof(float), &(size_t){0}))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "input size overflows size_t: batch=%zu, steps=%zu, channels=%zu", batch,
                          steps, layer->channels);
  if (batch > 0 && input == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "input must not be NULL");
  if (batch > 0 && output == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "output must not be NULL");
  plan->out_per_batch = shape[1] * shape[2];
  plan->channels_first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  plan->gather = plan->channels_first || p->depth_multiplier > 1;
  plan->fused = dwconv1d_activation_is_axis(p->activation) ? DWCONV1D_ACTIVATION_LINEAR
                                                           : p->activation;
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_layer_forward(const dwconv1d_layer *layer, size_t batch, size_t steps,
                                       const float *input, float *output) {
  struct forward_plan plan;
  size_t floats;
  if (layer == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "layer must not be NULL");
  dwconv1d_status s = make_plan(layer, batch, steps, input, output, &plan);
  if (s != DWCONV1D_OK)
    return s;
  if (batch == 0)
    return DWCONV1D_OK;
  if (!plan_workspace(&plan, NULL, &floats))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "workspace size overflows size_t: steps=%zu", steps);
  float *workspace = NULL;
  if (floats > 0 && (workspace = dwconv1d_alloc_floats(floats)) == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                          "out of memory for a %zu-byte forward workspace",
                          floats * sizeof(float));
  plan_workspace(&plan, workspace, &floats);
  for (size_t b = 0; b < batch; b++)
    forward_one(&plan, input + b * plan.in_per_batch, output + b * plan.out_per_batch);
  free(workspace);
  return DWCONV1D_OK;
}
