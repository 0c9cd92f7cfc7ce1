/* oneDNN as a peer: the layer as a height-1 2-D convolution with groups = C,
 * through oneDNN's C API, once in the plain layout of the shape (nhwc for
 * channels_last, nchw for channels_first) and once in the layout oneDNN
 * prefers (format_tag any). Weights are always packed untimed (every
 * inference engine prepacks them); in the blocked variant the reorders of
 * input and output are untimed too, as the report says. */
#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static const char *cpu_isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

/* oneDNN here runs on OpenMP, whose thread count must be set through the
 * OpenMP runtime that libdnnl loaded; found by name so the bench need not
 * link OpenMP itself. */
static bool limit_openmp_threads(int threads) {
  void (*set_threads)(int) = NULL;
  int (*get_threads)(void) = NULL;
  void *set_symbol = dlsym(RTLD_DEFAULT, "omp_set_num_threads");
  void *get_symbol = dlsym(RTLD_DEFAULT, "omp_get_max_threads");
  if (set_symbol == NULL || get_symbol == NULL) return false;
  memcpy(&set_threads, &set_symbol, sizeof set_threads);
  memcpy(&get_threads, &get_symbol, sizeof get_threads);
  set_threads(threads);
  return get_threads() == threads;
}

bool bench_onednn_init(int threads, char *info, size_t info_size) {
  const dnnl_version_t *version = dnnl_version();
  if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success ||
      dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) {
    snprintf(info, info_size, "oneDNN: cannot create a CPU engine and stream");
    return false;
  }
  if (version->cpu_runtime == DNNL_RUNTIME_OMP && !limit_openmp_threads(threads)) {
    snprintf(info, info_size, "oneDNN: cannot set its OpenMP runtime to %d thread(s)", threads);
    bench_onednn_shutdown();
    return false;
  }
  snprintf(info, info_size, "oneDNN %d.%d.%d (%s runtime, %d thread%s, max ISA %s)",
           version->major, version->minor, version->patch,
           version->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other", threads,
           threads == 1 ? "" : "s", cpu_isa_name(dnnl_get_effective_cpu_isa()));
  return true;
}

void bench_onednn_shutdown(void) {
  if (stream != NULL) dnnl_stream_destroy(stream);
  if (engine != NULL) dnnl_engine_destroy(engine);
  stream = NULL;
  engine = NULL;
}

typedef struct onednn_instance {
  const bench_data *data;
  dnnl_primitive_t convolution;
  dnnl_memory_t source, weights, bias, destination;
  float *user_output;          /* the output in the shape's layout */
  float *weights_copy;         /* goihw weights, when oneDNN uses them as they are */
  dnnl_memory_t user_destination; /* wraps user_output */
  bool destination_is_user;
  char label[160];
} onednn_instance;

static void destroy(void *opaque) {
  onednn_instance *instance = opaque;
  if (instance == NULL) return;
  if (instance->convolution) dnnl_primitive_destroy(instance->convolution);
  if (instance->source) dnnl_memory_destroy(instance->source);
  if (instance->weights) dnnl_memory_destroy(instance->weights);
  if (instance->bias) dnnl_memory_destroy(instance->bias);
  if (instance->destination) dnnl_memory_destroy(instance->destination);
  if (instance->user_destination) dnnl_memory_destroy(instance->user_destination);
  free(instance->user_output);
  free(instance->weights_copy);
  free(instance);
}

/* Copies `from` into `to` with a reorder primitive (untimed). */
static dnnl_status_t reorder(dnnl_memory_t from, dnnl_memory_t to) {
  const dnnl_memory_desc_t *from_md = NULL, *to_md = NULL;
  dnnl_memory_get_memory_desc(from, &from_md);
  dnnl_memory_get_memory_desc(to, &to_md);
  dnnl_primitive_desc_t pd = NULL;
  dnnl_primitive_t primitive = NULL;
  dnnl_status_t status = dnnl_reorder_primitive_desc_create(&pd, from_md, engine, to_md, engine, NULL);
  if (status == dnnl_success) status = dnnl_primitive_create(&primitive, pd);
  if (status == dnnl_success) {
    const dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    status = dnnl_primitive_execute(primitive, stream, 2, args);
  }
  if (status == dnnl_success) status = dnnl_stream_wait(stream);
  if (primitive) dnnl_primitive_destroy(primitive);
  if (pd) dnnl_primitive_desc_destroy(pd);
  return status;
}

/* Memory for `wanted`: the user's buffer itself when the layouts agree,
 * otherwise a oneDNN-owned buffer filled by a reorder from it. */
static dnnl_status_t memory_from_user(const dnnl_memory_desc_t *wanted,
                                      const dnnl_memory_desc_t *user_md, const float *user_data,
                                      dnnl_memory_t *out) {
  dnnl_memory_t user = NULL;
  dnnl_status_t status = dnnl_memory_create(&user, user_md, engine, (void *)user_data);
  if (status != dnnl_success) return status;
  if (dnnl_memory_desc_equal(wanted, user_md)) {
    *out = user;
    return dnnl_success;
  }
  status = dnnl_memory_create(out, wanted, engine, DNNL_MEMORY_ALLOCATE);
  if (status == dnnl_success) status = reorder(user, *out);
  dnnl_memory_destroy(user);
  return status;
}

/* The post-op that applies the shape's activation; false if oneDNN (as
 * wrapped here) has no eltwise for it. */
static bool activation_post_op(dwconv1d_activation activation, dnnl_primitive_attr_t attr) {
  dnnl_alg_kind_t algorithm;
  float alpha = 0.0f, beta = 0.0f;
  switch (activation) {
    case DWCONV1D_ACTIVATION_LINEAR: return true;
    case DWCONV1D_ACTIVATION_RELU: algorithm = dnnl_eltwise_relu; break;
    case DWCONV1D_ACTIVATION_RELU6: algorithm = dnnl_eltwise_clip; beta = 6.0f; break;
    case DWCONV1D_ACTIVATION_SIGMOID: algorithm = dnnl_eltwise_logistic; break;
    case DWCONV1D_ACTIVATION_SILU: algorithm = dnnl_eltwise_swish; alpha = 1.0f; break;
    case DWCONV1D_ACTIVATION_TANH: algorithm = dnnl_eltwise_tanh; break;
    case DWCONV1D_ACTIVATION_GELU: algorithm = dnnl_eltwise_gelu_erf; break;
    default: return false;
  }
  dnnl_post_ops_t post_ops = NULL;
  bool ok = dnnl_post_ops_create(&post_ops) == dnnl_success &&
            dnnl_post_ops_append_eltwise(post_ops, 1.0f, algorithm, alpha, beta) == dnnl_success &&
            dnnl_primitive_attr_set_post_ops(attr, post_ops) == dnnl_success;
  if (post_ops) dnnl_post_ops_destroy(post_ops);
  return ok;
}

static void *create(const bench_runner_kind *kind, const bench_data *data, char *why,
                    size_t why_size, bool blocked) {
  (void)kind;
  const bench_shape *shape = data->shape;
  const dwconv1d_params *p = &shape->params;
  const bool first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  const dnnl_format_tag_t plain = first ? dnnl_nchw : dnnl_nhwc;
  const dnnl_dim_t B = (dnnl_dim_t)shape->batch, C = (dnnl_dim_t)shape->channels;
  const dnnl_dim_t M = (dnnl_dim_t)p->depth_multiplier, K = (dnnl_dim_t)p->kernel_size;
  const dnnl_dim_t T = (dnnl_dim_t)shape->steps, T_out = (dnnl_dim_t)data->sizes.out_steps;
  size_t left = 0, right = 0;
  bench_shape_padding(shape, data->sizes.out_steps, &left, &right);

  onednn_instance *instance = calloc(1, sizeof *instance);
  if (instance == NULL) return NULL;
  instance->data = data;
  instance->user_output = bench_alloc_tensor(data->sizes.output_floats * sizeof(float));

  const dnnl_dims_t source_dims = {B, C, 1, T}, destination_dims = {B, C * M, 1, T_out};
  const dnnl_dims_t weight_dims = {C, M, 1, 1, K}, bias_dims = {C * M};
  dnnl_memory_desc_t user_source_md, user_destination_md, user_weight_md, bias_md;
  dnnl_memory_desc_t source_md, destination_md, weight_md;
  dnnl_memory_desc_init_by_tag(&user_source_md, 4, source_dims, dnnl_f32, plain);
  dnnl_memory_desc_init_by_tag(&user_destination_md, 4, destination_dims, dnnl_f32, plain);
  dnnl_memory_desc_init_by_tag(&user_weight_md, 5, weight_dims, dnnl_f32, dnnl_goihw);
  dnnl_memory_desc_init_by_tag(&bias_md, 1, bias_dims, dnnl_f32, dnnl_x);
  dnnl_memory_desc_init_by_tag(&source_md, 4, source_dims, dnnl_f32,
                               blocked ? dnnl_format_tag_any : plain);
  dnnl_memory_desc_init_by_tag(&destination_md, 4, destination_dims, dnnl_f32,
                               blocked ? dnnl_format_tag_any : plain);
  dnnl_memory_desc_init_by_tag(&weight_md, 5, weight_dims, dnnl_f32, dnnl_format_tag_any);

  const dnnl_dims_t strides = {1, (dnnl_dim_t)p->strides};
  const dnnl_dims_t dilates = {0, (dnnl_dim_t)p->dilation_rate - 1}; /* oneDNN counts gaps */
  const dnnl_dims_t padding_l = {0, (dnnl_dim_t)left}, padding_r = {0, (dnnl_dim_t)right};
  dnnl_convolution_desc_t description;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_primitive_desc_t pd = NULL;
  dnnl_status_t status = dnnl_dilated_convolution_forward_desc_init(
      &description, dnnl_forward_inference, dnnl_convolution_direct, &source_md, &weight_md,
      &bias_md, &destination_md, strides, dilates, padding_l, padding_r);
  if (status == dnnl_success) status = dnnl_primitive_attr_create(&attr);
  if (status == dnnl_success && !activation_post_op(p->activation, attr)) {
    snprintf(why, why_size, "activation %s has no oneDNN post-op here",
             dwconv1d_activation_name(p->activation));
    goto fail;
  }
  if (status == dnnl_success) status = dnnl_primitive_desc_create(&pd, &description, attr, engine, NULL);
  if (status == dnnl_success) status = dnnl_primitive_create(&instance->convolution, pd);
  if (status != dnnl_success) {
    snprintf(why, why_size, "oneDNN refuses the convolution (status %d)", (int)status);
    goto fail;
  }
  const dnnl_memory_desc_t *chosen_source = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
  const dnnl_memory_desc_t *chosen_weights =
      dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  const dnnl_memory_desc_t *chosen_destination =
      dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
  const char *implementation = "?";
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &implementation);
  snprintf(instance->label, sizeof instance->label, "%s, %s%s", implementation,
           blocked ? "blocked" : (first ? "nchw" : "nhwc"),
           blocked ? " (reorders not timed)" : "");

  status = memory_from_user(chosen_source, &user_source_md, data->input, &instance->source);
  float *weights_goihw = malloc((size_t)(C * M * K) * sizeof(float));
  if (weights_goihw == NULL) status = dnnl_out_of_memory;
  if (status == dnnl_success) {
    /* Keras (K, C, M) -> goihw (C, M, 1, 1, K). */
    for (dnnl_dim_t k = 0; k < K; k++) {
      for (dnnl_dim_t c = 0; c < C; c++) {
        for (dnnl_dim_t m = 0; m < M; m++) {
          weights_goihw[(c * M + m) * K + k] = data->kernel[(k * C + c) * M + m];
        }
      }
    }
    status = memory_from_user(chosen_weights, &user_weight_md, weights_goihw, &instance->weights);
    /* A user-layout memory would still point at the copy: keep it alive. */
    if (status == dnnl_success && dnnl_memory_desc_equal(chosen_weights, &user_weight_md)) {
      instance->weights_copy = weights_goihw;
      weights_goihw = NULL;
    }
  }
  free(weights_goihw);
  if (status == dnnl_success) {
    status = dnnl_memory_create(&instance->bias, &bias_md, engine, data->bias);
  }
  if (status == dnnl_success && instance->user_output != NULL) {
    status = dnnl_memory_create(&instance->user_destination, &user_destination_md, engine,
                                instance->user_output);
  }
  if (status == dnnl_success) {
    instance->destination_is_user = dnnl_memory_desc_equal(chosen_destination, &user_destination_md);
    status = instance->destination_is_user
                 ? dnnl_memory_create(&instance->destination, chosen_destination, engine,
                                      instance->user_output)
                 : dnnl_memory_create(&instance->destination, chosen_destination, engine,
                                      DNNL_MEMORY_ALLOCATE);
  }
  if (status != dnnl_success || instance->user_output == NULL) {
    snprintf(why, why_size, "oneDNN memory setup failed (status %d)", (int)status);
    goto fail;
  }
  dnnl_primitive_desc_destroy(pd);
  dnnl_primitive_attr_destroy(attr);
  return instance;

fail:
  if (pd) dnnl_primitive_desc_destroy(pd);
  if (attr) dnnl_primitive_attr_destroy(attr);
  destroy(instance);
  return NULL;
}

static void *create_plain(const bench_runner_kind *kind, const bench_data *data, char *why,
                          size_t why_size) {
  return create(kind, data, why, why_size, false);
}

static void *create_blocked(const bench_runner_kind *kind, const bench_data *data, char *why,
                            size_t why_size) {
  return create(kind, data, why, why_size, true);
}

static int run(void *opaque, char *why, size_t why_size) {
  onednn_instance *instance = opaque;
  const dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, instance->source},
                                  {DNNL_ARG_WEIGHTS, instance->weights},
                                  {DNNL_ARG_BIAS, instance->bias},
                                  {DNNL_ARG_DST, instance->destination}};
  dnnl_status_t status = dnnl_primitive_execute(instance->convolution, stream, 4, args);
  if (status == dnnl_success) status = dnnl_stream_wait(stream);
  if (status == dnnl_success) return 0;
  snprintf(why, why_size, "oneDNN execution failed (status %d)", (int)status);
  return -1;
}

static const float *output(void *opaque) {
  onednn_instance *instance = opaque;
  if (!instance->destination_is_user &&
      reorder(instance->destination, instance->user_destination) != dnnl_success) {
    return NULL;
  }
  return instance->user_output;
}

static const char *label(void *opaque) { return ((onednn_instance *)opaque)->label; }

const bench_runner_kind bench_onednn_plain = {
    .name = "onednn_plain",
    .title = "oneDNN",
    .is_peer = true,
    .create = create_plain,
    .run = run,
    .output = output,
    .label = label,
    .destroy = destroy,
};

const bench_runner_kind bench_onednn_blocked = {
    .name = "onednn_blocked",
    .title = "oneDNN-blk",
    .is_peer = true,
    .create = create_blocked,
    .run = run,
    .output = output,
    .label = label,
    .destroy = destroy,
};
