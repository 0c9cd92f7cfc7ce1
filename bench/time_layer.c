/* dwconv1d_time_layer: times one layer's forward call on one shape, the
 * way the figures in docs/PERFORMANCE.md that name a single shape were
 * taken. Arguments are key=value pairs (see usage()); the path is the one
 * dispatch picks, so DWCONV1D_ISA pins it. Prints the path, the shape, the
 * best, median and mean time of `reps` calls (thread CPU time), GFLOP/s at
 * the best time, and a hash of the output's bits: two builds, or two paths,
 * that print the same hash computed the same floats. */
#include <dwconv1d.h>

#include "shapes.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct options {
  bench_shape shape; /* batch, steps, channels, params */
  size_t reps;
  size_t in_offset, out_offset; /* floats past a 4 KiB boundary */
  size_t next;                  /* 1: a second call reads each call's output */
} options;

static void usage(FILE *out) {
  fprintf(out,
          "usage: dwconv1d_time_layer T=steps C=channels K=kernel_size [key=value ...]\n"
          "  B=batch (1)  M=depth_multiplier (1)  s=strides (1)  d=dilation_rate (1)\n"
          "  padding=valid|same|causal (valid)  format=channels_last|channels_first\n"
          "  activation=<Keras name> (linear)  reps=calls timed (300)\n"
          "  in_offset=, out_offset= floats past a 4 KiB boundary (0)\n"
          "  next=1: after each call, time a second call of the layer on its output,\n"
          "          as the next layer would read it (M=1; no glu on channels_last)\n"
          "DWCONV1D_ISA=scalar|sse4|avx2|avx512|neon pins the path.\n");
}

static int parse_size(const char *key, const char *value, size_t *out) {
  char *end = NULL;
  errno = 0;
  const unsigned long long v = strtoull(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || value[0] == '-' || v > SIZE_MAX) {
    fprintf(stderr, "dwconv1d_time_layer: %s=%s is not a size\n", key, value);
    return -1;
  }
  *out = (size_t)v;
  return 0;
}

static int parse_padding(const char *value, dwconv1d_padding *out) {
  static const char *const names[] = {"valid", "same", "causal"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(value, names[i]) == 0) {
      *out = (dwconv1d_padding)i;
      return 0;
    }
  }
  fprintf(stderr, "dwconv1d_time_layer: padding=%s is not valid, same or causal\n", value);
  return -1;
}

static int parse_format(const char *value, dwconv1d_data_format *out) {
  if (strcmp(value, "channels_last") == 0 || strcmp(value, "channels_first") == 0) {
    *out = strcmp(value, "channels_last") == 0 ? DWCONV1D_CHANNELS_LAST : DWCONV1D_CHANNELS_FIRST;
    return 0;
  }
  fprintf(stderr, "dwconv1d_time_layer: format=%s is not channels_last or channels_first\n",
          value);
  return -1;
}

/* One key=value argument into `o`; -1 with a message naming it otherwise. */
static int parse_arg(const char *arg, options *o) {
  const char *eq = strchr(arg, '=');
  char key[32];
  if (eq == NULL || (size_t)(eq - arg) >= sizeof key) {
    fprintf(stderr, "dwconv1d_time_layer: argument '%s' is not key=value\n", arg);
    return -1;
  }
  memcpy(key, arg, (size_t)(eq - arg));
  key[eq - arg] = '\0';
  const char *value = eq + 1;
  dwconv1d_params *p = &o->shape.params;
  struct {
    const char *key;
    size_t *field;
  } sizes[] = {{"B", &o->shape.batch},    {"T", &o->shape.steps},
               {"C", &o->shape.channels}, {"K", &p->kernel_size},
               {"M", &p->depth_multiplier}, {"s", &p->strides},
               {"d", &p->dilation_rate}, {"reps", &o->reps},
               {"in_offset", &o->in_offset}, {"out_offset", &o->out_offset},
               {"next", &o->next}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    if (strcmp(key, sizes[i].key) == 0)
      return parse_size(key, value, sizes[i].field);
  if (strcmp(key, "padding") == 0)
    return parse_padding(value, &p->padding);
  if (strcmp(key, "format") == 0)
    return parse_format(value, &p->data_format);
  if (strcmp(key, "activation") == 0) {
    if (dwconv1d_activation_from_name(value, &p->activation) == DWCONV1D_OK)
      return 0;
    fprintf(stderr, "dwconv1d_time_layer: activation=%s: %s\n", value, dwconv1d_last_error());
    return -1;
  }
  fprintf(stderr, "dwconv1d_time_layer: unknown key '%s'\n", key);
  return -1;
}

static double thread_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* `count` floats `offset` floats past a 4 KiB boundary; free with base. */
static float *alloc_at(size_t count, size_t offset, void **base) {
  const size_t bytes = ((count + offset) * sizeof(float) + 4096) / 4096 * 4096; /* >= 4096 */
  *base = aligned_alloc(4096, bytes);
  return *base == NULL ? NULL : (float *)*base + offset;
}

/* FNV-1a over the floats' bits. */
static uint64_t hash_floats(const float *y, size_t n) {
  uint64_t h = 1469598103934665603ull;
  const unsigned char *bytes = (const unsigned char *)y;
  for (size_t i = 0; i < n * sizeof(float); i++)
    h = (h ^ bytes[i]) * 1099511628211ull;
  return h;
}

/* next=1: a second call of the layer on each timed call's output, into z,
 * and the two calls' sums (the next layer's view of the caches). */
struct next_call {
  size_t steps, floats;
  float *z;
  void *z_base;
  double *times, *pairs;
};

static int start_next(const options *o, const size_t out_shape[3], struct next_call *n) {
  const dwconv1d_params *p = &o->shape.params;
  const bool first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  const size_t channels = first ? out_shape[1] : out_shape[2];
  size_t shape[3];
  n->steps = first ? out_shape[2] : out_shape[1];
  if (channels != o->shape.channels ||
      dwconv1d_output_shape(p, o->shape.batch, channels, n->steps, shape) != DWCONV1D_OK) {
    fprintf(stderr, "dwconv1d_time_layer: next=1 needs an output the layer can read again "
                    "(%zu channels out for %zu in, %zu steps)\n",
            channels, o->shape.channels, n->steps);
    return -1;
  }
  n->floats = shape[0] * shape[1] * shape[2];
  n->z = alloc_at(n->floats, 0, &n->z_base);
  n->times = malloc(o->reps * sizeof(double));
  n->pairs = malloc(o->reps * sizeof(double));
  if (n->z == NULL || n->times == NULL || n->pairs == NULL) {
    fprintf(stderr, "dwconv1d_time_layer: out of memory for the next call's %zu floats\n",
            n->floats);
    return -1;
  }
  return 0;
}

static int time_next(const dwconv1d_layer *layer, size_t batch, const float *y,
                     struct next_call *n, size_t r, double first) {
  const double t0 = thread_seconds();
  if (dwconv1d_layer_forward(layer, batch, n->steps, y, n->z) != DWCONV1D_OK) {
    fprintf(stderr, "dwconv1d_time_layer: next call: %s\n", dwconv1d_last_error());
    return -1;
  }
  n->times[r] = thread_seconds() - t0;
  n->pairs[r] = first + n->times[r];
  return 0;
}

static void print_next(struct next_call *n, size_t reps) {
  qsort(n->times, reps, sizeof(double), compare_doubles);
  qsort(n->pairs, reps, sizeof(double), compare_doubles);
  printf("  next call on that output: best %.2f us  median %.2f us;  both calls: best %.2f us  "
         "median %.2f us  hash %016llx\n",
         n->times[0] * 1e6, n->times[reps / 2] * 1e6, n->pairs[0] * 1e6,
         n->pairs[reps / 2] * 1e6, (unsigned long long)hash_floats(n->z, n->floats));
}

static void free_next(struct next_call *n) {
  free(n->times);
  free(n->pairs);
  free(n->z_base);
}

/* Creates the layer, times `reps` calls and prints the line; 0 on success. */
static int run(const options *o) {
  const bench_shape *shape = &o->shape;
  const dwconv1d_params *p = &shape->params;
  bench_shape_sizes sizes;
  size_t out_shape[3];
  char why[512];
  if (bench_shape_sizes_of(shape, &sizes, why, sizeof why) != 0) {
    fprintf(stderr, "dwconv1d_time_layer: %s\n", why);
    return -1;
  }
  if (dwconv1d_output_shape(p, shape->batch, shape->channels, shape->steps, out_shape) !=
      DWCONV1D_OK) {
    fprintf(stderr, "dwconv1d_time_layer: %s\n", dwconv1d_last_error());
    return -1;
  }
  /* GLU halves the last axis: the output is smaller than sizes says */
  const size_t n_out = out_shape[0] * out_shape[1] * out_shape[2];
  float *kernel = malloc(sizes.weight_floats * sizeof(float));
  void *x_base = NULL, *y_base = NULL;
  float *x = alloc_at(sizes.input_floats, o->in_offset, &x_base);
  float *y = alloc_at(n_out, o->out_offset, &y_base);
  double *times = malloc(o->reps * sizeof(double));
  dwconv1d_layer *layer = NULL;
  struct next_call next = {0};
  int status = -1;
  if (kernel == NULL || x == NULL || y == NULL || times == NULL) {
    fprintf(stderr, "dwconv1d_time_layer: out of memory for %zu input and %zu output floats\n",
            sizes.input_floats, n_out);
    goto done;
  }
  for (size_t i = 0; i < sizes.weight_floats; i++) /* fixed values: hashes compare */
    kernel[i] = (float)(i % 7) * 0.1f - 0.3f;
  for (size_t i = 0; i < sizes.input_floats; i++)
    x[i] = (float)((i * 37) % 101) * 0.02f - 1.0f;
  const size_t out_channels = shape->channels * p->depth_multiplier;
  if (dwconv1d_layer_create(p, shape->channels, kernel, kernel + p->kernel_size * out_channels,
                            &layer) != DWCONV1D_OK) {
    fprintf(stderr, "dwconv1d_time_layer: %s\n", dwconv1d_last_error());
    goto done;
  }
  if (o->next && start_next(o, out_shape, &next) != 0)
    goto done;
  double sum = 0.0;
  for (size_t r = 0; r < o->reps; r++) {
    const double t0 = thread_seconds();
    if (dwconv1d_layer_forward(layer, shape->batch, shape->steps, x, y) != DWCONV1D_OK) {
      fprintf(stderr, "dwconv1d_time_layer: %s\n", dwconv1d_last_error());
      goto done;
    }
    times[r] = thread_seconds() - t0;
    sum += times[r];
    if (o->next && time_next(layer, shape->batch, y, &next, r, times[r]) != 0)
      goto done;
  }
  qsort(times, o->reps, sizeof(double), compare_doubles);
  char description[128];
  bench_shape_describe(shape, description, sizeof description);
  printf("%s %s: best %.2f us  median %.2f us  mean %.2f us  %.1f GFLOP/s  hash %016llx\n",
         dwconv1d_isa_name(dwconv1d_layer_isa(layer)), description, times[0] * 1e6,
         times[o->reps / 2] * 1e6, sum / (double)o->reps * 1e6, sizes.flops / times[0] * 1e-9,
         (unsigned long long)hash_floats(y, n_out));
  if (o->next)
    print_next(&next, o->reps);
  status = 0;
done:
  free_next(&next);
  dwconv1d_layer_destroy(layer);
  free(times);
  free(x_base);
  free(y_base);
  free(kernel);
  return status;
}

int main(int argc, char **argv) {
  options o = {.shape = {.name = "", .source = "", .batch = 1, .params = dwconv1d_params_default(0),
                         .baseline = ""},
               .reps = 300};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (parse_arg(argv[i], &o) != 0) {
      usage(stderr);
      return 2;
    }
  }
  if (o.shape.steps == 0 || o.shape.channels == 0 || o.shape.params.kernel_size == 0 || o.reps == 0) {
    fprintf(stderr, "dwconv1d_time_layer: T, C, K and reps must be given and at least 1 "
                    "(T=%zu C=%zu K=%zu reps=%zu)\n",
            o.shape.steps, o.shape.channels, o.shape.params.kernel_size, o.reps);
    usage(stderr);
    return 2;
  }
  if (o.next > 1) {
    fprintf(stderr, "dwconv1d_time_layer: next=%zu is not 0 or 1\n", o.next);
    usage(stderr);
    return 2;
  }
  return run(&o) == 0 ? 0 : 1;
}
