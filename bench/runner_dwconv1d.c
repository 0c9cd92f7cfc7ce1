/* dwconv1d's own paths as bench runners: one layer per (shape, ISA). */
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"

typedef struct dwconv1d_instance {
  const bench_data *data;
  dwconv1d_layer *layer;
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
  float *output = malloc(data->sizes.output_floats * sizeof(float));
  if (instance == NULL || output == NULL) {
    snprintf(why, why_size, "out of memory");
    free(instance);
    free(output);
    return NULL;
  }
  instance->data = data;
  instance->output = output;
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
  const dwconv1d_status status = dwconv1d_layer_forward(instance->layer, shape->batch, shape->steps,
                                                        instance->data->input, instance->output);
  if (status == DWCONV1D_OK) return 0;
  snprintf(why, why_size, "%s: %s", dwconv1d_status_string(status), dwconv1d_last_error());
  return -1;
}

static const float *output(void *opaque) { return ((dwconv1d_instance *)opaque)->output; }

static const char *label(void *opaque) {
  (void)opaque;
  return "dwconv1d";
}

bench_runner_kind bench_dwconv1d_runner(dwconv1d_isa isa) {
  const char *name = dwconv1d_isa_name(isa);
  const bench_runner_kind kind = {
      .name = name,
      .title = name,
      .is_peer = false,
      .isa = isa,
      .create = create,
      .run = run,
      .output = output,
      .label = label,
      .destroy = destroy,
  };
  return kind;
}
