/* dwconv1d's own paths as bench runners: one layer per (shape, ISA), run on
 * the calling thread or, for --threads=N, on one shared pthreadpool. */
#include <stdio.h>
#include <stdlib.h>

#ifdef BENCH_HAVE_PTHREADPOOL
#include <pthreadpool.h>
#endif

#include "runner.h"

#ifdef BENCH_HAVE_PTHREADPOOL
static pthreadpool_t shared_pool;

/* dwconv1d_parallel_for on a pthreadpool: the shapes match one to one. */
static void pthreadpool_parallel_for(void *pool, dwconv1d_task_fn task, void *context,
                                     size_t count) {
  pthreadpool_parallelize_1d(pool, task, context, count, 0);
}

bool bench_dwconv1d_pool_init(size_t threads, char *info, size_t info_size) {
  shared_pool = pthreadpool_create(threads);
  if (shared_pool == NULL || pthreadpool_get_threads_count(shared_pool) != threads) {
    snprintf(info, info_size, "cannot create a pthreadpool of %zu threads", threads);
    bench_dwconv1d_pool_shutdown();
    return false;
  }
  snprintf(info, info_size, "dwconv1d_layer_forward_parallel on a pthreadpool of %zu threads",
           threads);
  return true;
}

void bench_dwconv1d_pool_shutdown(void) {
  if (shared_pool != NULL) pthreadpool_destroy(shared_pool);
  shared_pool = NULL;
}
#else
bool bench_dwconv1d_pool_init(size_t threads, char *info, size_t info_size) {
  snprintf(info, info_size, "%zu threads need pthreadpool (libpthreadpool-dev), not built in",
           threads);
  return false;
}

void bench_dwconv1d_pool_shutdown(void) {}
#endif

typedef struct dwconv1d_instance {
  const bench_data *data;
  dwconv1d_layer *layer;
  size_t threads;
  float *output;
} dwconv1d_instance;

static void destroy(void *opaque) {
  dwconv1d_instance *instance = opaque;
  if (instance == NULL) return;
  dwconv1d_layer_destroy(instance->layer);
  free(instance->output);
  free(instance);
}

static void *create(const bench_runner_kind *kind, const bench_data *data, char *why,
                    size_t why_size) {
  dwconv1d_instance *instance = calloc(1, sizeof *instance);
  float *output = bench_alloc_tensor(data->sizes.output_floats * sizeof(float));
  if (instance == NULL || output == NULL) {
    snprintf(why, why_size, "out of memory");
    free(instance);
    free(output);
    return NULL;
  }
  instance->data = data;
  instance->output = output;
  instance->threads = kind->threads;
  const bench_shape *shape = data->shape;
  /* Force the path only for this creation; the layer keeps it for life. */
  dwconv1d_status status = dwconv1d_set_isa(kind->isa);
  if (status == DWCONV1D_OK) {
    status = dwconv1d_layer_create(&shape->params, shape->channels, data->kernel, data->bias,
                                   &instance->layer);
  }
  dwconv1d_reset_isa();
  if (status != DWCONV1D_OK) {
    snprintf(why, why_size, "%s: %s", dwconv1d_status_string(status), dwconv1d_last_error());
    destroy(instance);
    return NULL;
  }
  if (dwconv1d_layer_isa(instance->layer) != kind->isa) {
    snprintf(why, why_size, "asked for path %s, the layer runs %s", kind->name,
             dwconv1d_isa_name(dwconv1d_layer_isa(instance->layer)));
    destroy(instance);
    return NULL;
  }
  return instance;
}

static int run(void *opaque, char *why, size_t why_size) {
  dwconv1d_instance *instance = opaque;
  const bench_shape *shape = instance->data->shape;
  const float *input = instance->data->input;
  dwconv1d_status status;
#ifdef BENCH_HAVE_PTHREADPOOL
  if (instance->threads > 1) {
    status = dwconv1d_layer_forward_parallel(instance->layer, shape->batch, shape->steps, input,
                                             instance->output, pthreadpool_parallel_for,
                                             shared_pool, instance->threads);
  } else
#endif
  {
    status = dwconv1d_layer_forward(instance->layer, shape->batch, shape->steps, input,
                                    instance->output);
  }
  if (status == DWCONV1D_OK) return 0;
  snprintf(why, why_size, "%s: %s", dwconv1d_status_string(status), dwconv1d_last_error());
  return -1;
}

static const float *output(void *opaque) { return ((dwconv1d_instance *)opaque)->output; }

static const char *label(void *opaque) {
  const dwconv1d_instance *instance = opaque;
  return instance->threads > 1 ? "dwconv1d, forward_parallel" : "dwconv1d";
}

bench_runner_kind bench_dwconv1d_runner(dwconv1d_isa isa, size_t threads, const char *name) {
  const bench_runner_kind kind = {
      .name = name,
      .title = name,
      .is_peer = false,
      .isa = isa,
      .threads = threads,
      .create = create,
      .run = run,
      .output = output,
      .label = label,
      .destroy = destroy,
  };
  return kind;
}
