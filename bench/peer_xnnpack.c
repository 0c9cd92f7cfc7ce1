/* XNNPACK as a peer: its NHWC 2-D convolution with height 1, groups = C, one
 * input and M output channels per group; with --threads=N on a pthreadpool
 * of N threads, otherwise on the calling thread.
 * relu, relu6 and hard_tanh are its output clamp; silu, which it cannot fuse,
 * runs as convolution, sigmoid and multiply (all timed, as an XNNPACK user
 * would run it). Channels_first shapes run on a channels_last copy of the
 * input, and the output is transposed back for the check: transposes are not
 * timed, as the report says. */
#include <math.h>
#include <stdio.h>
#include <pthreadpool.h>
#include <stdlib.h>
#include <xnnpack.h>

#include "runner.h"

/* NULL (the calling thread) unless more than one thread was asked for. */
static pthreadpool_t xnnpack_pool;

bool bench_xnnpack_init(int threads, char *info, size_t info_size) {
  const enum xnn_status status = xnn_initialize(NULL);
  if (status != xnn_status_success) {
    snprintf(info, info_size, "XNNPACK: xnn_initialize failed (status %d)", (int)status);
    return false;
  }
  if (threads > 1) {
    xnnpack_pool = pthreadpool_create((size_t)threads);
    if (xnnpack_pool == NULL) {
      snprintf(info, info_size, "XNNPACK: cannot create a pthreadpool of %d threads", threads);
      xnn_deinitialize();
      return false;
    }
    snprintf(info, info_size, "XNNPACK (Debian libxnnpack, pthreadpool of %zu threads)",
             pthreadpool_get_threads_count(xnnpack_pool));
  } else {
    snprintf(info, info_size, "XNNPACK (Debian libxnnpack, no threadpool: 1 thread)");
  }
  return true;
}

void bench_xnnpack_shutdown(void) {
  if (xnnpack_pool != NULL) pthreadpool_destroy(xnnpack_pool);
  xnnpack_pool = NULL;
  xnn_deinitialize();
}

typedef struct xnnpack_instance {
  const bench_data *data;
  xnn_operator_t convolution, sigmoid, multiply; /* the last two for silu */
  float *input_nwc;  /* a channels_last copy when the shape is channels_first */
  float *output_nwc; /* the convolution's output, (B, T_out, C·M) */
  float *gate;       /* sigmoid of it, for silu */
  float *result;     /* the final output, (B, T_out, C·M) */
  float *user_output; /* the result in the shape's layout */
  char label[96];
} xnnpack_instance;

static void destroy(void *opaque) {
  xnnpack_instance *instance = opaque;
  if (instance == NULL) return;
  if (instance->convolution) xnn_delete_operator(instance->convolution);
  if (instance->sigmoid) xnn_delete_operator(instance->sigmoid);
  if (instance->multiply) xnn_delete_operator(instance->multiply);
  if (instance->result != instance->output_nwc) free(instance->result);
  free(instance->input_nwc);
  free(instance->output_nwc);
  free(instance->gate);
  free(instance->user_output);
  free(instance);
}

/* (B, rows, cols) -> (B, cols, rows). */
static void transpose(const float *from, float *to, size_t batch, size_t rows, size_t cols) {
  for (size_t b = 0; b < batch; b++) {
    const float *in = from + b * rows * cols;
    float *out = to + b * rows * cols;
    for (size_t r = 0; r < rows; r++) {
      for (size_t c = 0; c < cols; c++) out[c * rows + r] = in[r * cols + c];
    }
  }
}

/* The clamp that is the activation, or false if it is not a clamp. */
static bool clamp_bounds(dwconv1d_activation activation, float *low, float *high) {
  *low = -INFINITY;
  *high = INFINITY;
  switch (activation) {
    case DWCONV1D_ACTIVATION_LINEAR:
    case DWCONV1D_ACTIVATION_SILU: return true; /* silu: linear conv, then sigmoid·x */
    case DWCONV1D_ACTIVATION_RELU: *low = 0.0f; return true;
    case DWCONV1D_ACTIVATION_RELU6: *low = 0.0f; *high = 6.0f; return true;
    case DWCONV1D_ACTIVATION_HARD_TANH: *low = -1.0f; *high = 1.0f; return true;
    default: return false;
  }
}

static enum xnn_status create_silu(xnnpack_instance *instance, size_t rows, size_t channels) {
  const size_t count = rows * channels;
  const size_t shape[1] = {count};
  instance->gate = bench_alloc_tensor(count * sizeof(float));
  instance->result = bench_alloc_tensor(count * sizeof(float));
  if (instance->gate == NULL || instance->result == NULL) return xnn_status_out_of_memory;
  enum xnn_status status =
      xnn_create_sigmoid_nc_f32(channels, channels, channels, 0, &instance->sigmoid);
  if (status == xnn_status_success) {
    status = xnn_setup_sigmoid_nc_f32(instance->sigmoid, rows, instance->output_nwc,
                                      instance->gate, NULL);
  }
  if (status == xnn_status_success) {
    status = xnn_create_multiply_nd_f32(-INFINITY, INFINITY, 0, &instance->multiply);
  }
  if (status == xnn_status_success) {
    status = xnn_setup_multiply_nd_f32(instance->multiply, 1, shape, 1, shape, instance->output_nwc,
                                       instance->gate, instance->result, NULL);
  }
  return status;
}

static void *create(const bench_runner_kind *kind, const bench_data *data, char *why,
                    size_t why_size) {
  (void)kind;
  const bench_shape *shape = data->shape;
  const dwconv1d_params *p = &shape->params;
  const bool first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  const size_t C = shape->channels, M = p->depth_multiplier, K = p->kernel_size;
  float low, high;
  if (!clamp_bounds(p->activation, &low, &high)) {
    snprintf(why, why_size, "activation %s is not an XNNPACK clamp",
             dwconv1d_activation_name(p->activation));
    return NULL;
  }
  xnnpack_instance *instance = calloc(1, sizeof *instance);
  float *weights = malloc(K * C * M * sizeof(float));
  if (instance == NULL || weights == NULL) {
    free(instance);
    free(weights);
    snprintf(why, why_size, "out of memory");
    return NULL;
  }
  instance->data = data;
  instance->output_nwc = bench_alloc_tensor(data->sizes.output_floats * sizeof(float));
  instance->user_output = bench_alloc_tensor(data->sizes.output_floats * sizeof(float));
  if (first) {
    instance->input_nwc = bench_alloc_tensor(data->sizes.input_floats * sizeof(float));
    if (instance->input_nwc != NULL) {
      transpose(data->input, instance->input_nwc, shape->batch, C, shape->steps);
    }
  }
  /* Keras (K, C, M) -> XNNPACK per group (C, M, height 1, K, 1 input). */
  for (size_t k = 0; k < K; k++) {
    for (size_t c = 0; c < C; c++) {
      for (size_t m = 0; m < M; m++) weights[(c * M + m) * K + k] = data->kernel[(k * C + c) * M + m];
    }
  }
  size_t left = 0, right = 0;
  bench_shape_padding(shape, data->sizes.out_steps, &left, &right);
  enum xnn_status status = xnn_status_out_of_memory;
  if (instance->output_nwc != NULL && instance->user_output != NULL &&
      (!first || instance->input_nwc != NULL)) {
    status = xnn_create_convolution2d_nhwc_f32(
        0, (uint32_t)right, 0, (uint32_t)left, 1, (uint32_t)K, 1, (uint32_t)p->strides, 1,
        (uint32_t)p->dilation_rate, (uint32_t)C, 1, M, C, C * M, weights, data->bias, low, high, 0,
        &instance->convolution);
  }
  free(weights);
  if (status == xnn_status_success) {
    status = xnn_setup_convolution2d_nhwc_f32(instance->convolution, shape->batch, 1, shape->steps,
                                              first ? instance->input_nwc : data->input,
                                              instance->output_nwc, NULL);
  }
  instance->result = instance->output_nwc;
  if (status == xnn_status_success && p->activation == DWCONV1D_ACTIVATION_SILU) {
    instance->result = NULL;
    status = create_silu(instance, shape->batch * data->sizes.out_steps, C * M);
  }
  if (status != xnn_status_success) {
    snprintf(why, why_size, "XNNPACK refuses the operator (status %d)", (int)status);
    destroy(instance);
    return NULL;
  }
  snprintf(instance->label, sizeof instance->label, "nhwc%s%s",
           p->activation == DWCONV1D_ACTIVATION_SILU ? ", conv+sigmoid+multiply" : "",
           first ? ", nwc copy (transposes not timed)" : "");
  return instance;
}

static int run(void *opaque, char *why, size_t why_size) {
  xnnpack_instance *instance = opaque;
  enum xnn_status status = xnn_run_operator(instance->convolution, xnnpack_pool);
  if (status == xnn_status_success && instance->sigmoid != NULL) {
    status = xnn_run_operator(instance->sigmoid, xnnpack_pool);
    if (status == xnn_status_success) status = xnn_run_operator(instance->multiply, xnnpack_pool);
  }
  if (status == xnn_status_success) return 0;
  snprintf(why, why_size, "XNNPACK run failed (status %d)", (int)status);
  return -1;
}

static const float *output(void *opaque) {
  xnnpack_instance *instance = opaque;
  const bench_shape *shape = instance->data->shape;
  const size_t count = instance->data->sizes.output_floats;
  if (shape->params.data_format == DWCONV1D_CHANNELS_FIRST) {
    transpose(instance->result, instance->user_output, shape->batch, instance->data->sizes.out_steps,
              shape->channels * shape->params.depth_multiplier);
  } else {
    for (size_t i = 0; i < count; i++) instance->user_output[i] = instance->result[i];
  }
  return instance->user_output;
}

static const char *label(void *opaque) { return ((xnnpack_instance *)opaque)->label; }

const bench_runner_kind bench_xnnpack_nhwc = {
    .name = "xnnpack",
    .title = "XNNPACK",
    .is_peer = true,
    .create = create,
    .run = run,
    .output = output,
    .label = label,
    .destroy = destroy,
};
