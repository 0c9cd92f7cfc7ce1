/* dwconv1d_time_layer: times one layer's forward call on one shape, the
 * way the figures in docs/PERFORMANCE.md that name a single shape were
 * taken. Arguments are key=value pairs (see usage()); the path is the one
 * dispatch picks, so DWCONV1D_ISA pins it. Prints the path, the shape, the
 * best, median and mean time of `reps` calls (thread CPU time), GFLOP/s at
 * the best time, and a hash of the output's bits: two builds, or two paths,
 * that print the same hash computed the same floats. libs= times other
 * builds' libraries in this one process instead (see run_builds). */
#include <dwconv1d.h>

#include "shapes.h"

#include <dlfcn.h>
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
  const char *libs;             /* comma-separated shared libraries, or NULL */
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
          "  libs=A.so,B.so,...: each build's libdwconv1d.so (at most 8, distinct files)\n"
          "          loaded into this process, a layer of each on the same buffers,\n"
          "          one call of each in turn, reps times; a line per library\n"
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
  if (strcmp(key, "libs") == 0) {
    o->libs = value;
    return 0;
  }
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

/* A shape's fixed weights and inputs, its output buffer and its sizes. */
struct buffers {
  bench_shape_sizes sizes;
  size_t out_shape[3], n_out;
  float *kernel, *bias, *x, *y;
  void *x_base, *y_base;
};

static void release(struct buffers *b) {
  free(b->x_base);
  free(b->y_base);
  free(b->kernel);
}

/* Fills `b` for the options' shape; 0 on success, -1 with a message. */
static int prepare(const options *o, struct buffers *b) {
  const bench_shape *shape = &o->shape;
  const dwconv1d_params *p = &shape->params;
  char why[512];
  *b = (struct buffers){0};
  if (bench_shape_sizes_of(shape, &b->sizes, why, sizeof why) != 0) {
    fprintf(stderr, "dwconv1d_time_layer: %s\n", why);
    return -1;
  }
  if (dwconv1d_output_shape(p, shape->batch, shape->channels, shape->steps, b->out_shape) !=
      DWCONV1D_OK) {
    fprintf(stderr, "dwconv1d_time_layer: %s\n", dwconv1d_last_error());
    return -1;
  }
  /* GLU halves the last axis: the output is smaller than sizes says */
  b->n_out = b->out_shape[0] * b->out_shape[1] * b->out_shape[2];
  b->kernel = malloc(b->sizes.weight_floats * sizeof(float));
  b->x = alloc_at(b->sizes.input_floats, o->in_offset, &b->x_base);
  b->y = alloc_at(b->n_out, o->out_offset, &b->y_base);
  if (b->kernel == NULL || b->x == NULL || b->y == NULL) {
    fprintf(stderr, "dwconv1d_time_layer: out of memory for %zu input and %zu output floats\n",
            b->sizes.input_floats, b->n_out);
    release(b);
    return -1;
  }
  for (size_t i = 0; i < b->sizes.weight_floats; i++) /* fixed values: hashes compare */
    b->kernel[i] = (float)(i % 7) * 0.1f - 0.3f;
  for (size_t i = 0; i < b->sizes.input_floats; i++)
    b->x[i] = (float)((i * 37) % 101) * 0.02f - 1.0f;
  b->bias = b->kernel + p->kernel_size * shape->channels * p->depth_multiplier;
  return 0;
}

/* The result line: `label` (the ISA, and with libs= the library), shape,
 * best, median and mean of `times` (sorted here), GFLOP/s at the best, the
 * output's hash. */
static void print_times(const char *label, const options *o, const struct buffers *b,
                        double *times) {
  double sum = 0.0;
  for (size_t r = 0; r < o->reps; r++)
    sum += times[r];
  qsort(times, o->reps, sizeof(double), compare_doubles);
  char description[128];
  bench_shape_describe(&o->shape, description, sizeof description);
  printf("%s %s: best %.2f us  median %.2f us  mean %.2f us  %.1f GFLOP/s  hash %016llx\n", label,
         description, times[0] * 1e6, times[o->reps / 2] * 1e6, sum / (double)o->reps * 1e6,
         b->sizes.flops / times[0] * 1e-9, (unsigned long long)hash_floats(b->y, b->n_out));
}

/* Creates the layer, times `reps` calls and prints the line; 0 on success. */
static int run(const options *o) {
  const bench_shape *shape = &o->shape;
  struct buffers b;
  if (prepare(o, &b) != 0)
    return -1;
  double *times = malloc(o->reps * sizeof(double));
  dwconv1d_layer *layer = NULL;
  struct next_call next = {0};
  int status = -1;
  if (times == NULL) {
    fprintf(stderr, "dwconv1d_time_layer: out of memory for %zu times\n", o->reps);
    goto done;
  }
  if (dwconv1d_layer_create(&shape->params, shape->channels, b.kernel, b.bias, &layer) !=
      DWCONV1D_OK) {
    fprintf(stderr, "dwconv1d_time_layer: %s\n", dwconv1d_last_error());
    goto done;
  }
  if (o->next && start_next(o, b.out_shape, &next) != 0)
    goto done;
  for (size_t r = 0; r < o->reps; r++) {
    const double t0 = thread_seconds();
    if (dwconv1d_layer_forward(layer, shape->batch, shape->steps, b.x, b.y) != DWCONV1D_OK) {
      fprintf(stderr, "dwconv1d_time_layer: %s\n", dwconv1d_last_error());
      goto done;
    }
    times[r] = thread_seconds() - t0;
    if (o->next && time_next(layer, shape->batch, b.y, &next, r, times[r]) != 0)
      goto done;
  }
  print_times(dwconv1d_isa_name(dwconv1d_layer_isa(layer)), o, &b, times);
  if (o->next)
    print_next(&next, o->reps);
  status = 0;
done:
  free_next(&next);
  dwconv1d_layer_destroy(layer);
  free(times);
  release(&b);
  return status;
}

/* libs=: builds compared in one process. Each library is loaded under its
 * own path and runs a layer on the same buffers, one call of each in turn
 * per round, the order rotating, so that every build sees the same
 * buffers and the same moments of a shared machine: processes apart place
 * their buffers anew, which alone moved one shape 40 % from run to run
 * (docs/PERFORMANCE_HISTORY.md). */
enum { MAX_LIBS = 8 };

struct build {
  const char *path;
  void *handle;
  dwconv1d_layer *layer;
  double *times;
  char label[96]; /* the layer's ISA and the library's file */
  void (*destroy)(dwconv1d_layer *);
  dwconv1d_status (*forward)(const dwconv1d_layer *, size_t, size_t, const float *, float *);
  const char *(*last_error)(void);
};

/* The function `name` of a loaded library into *fn (a function pointer's
 * storage); -1 with a message where the library lacks it. */
static int symbol(const struct build *b, const char *name, void *fn) {
  void *sym = dlsym(b->handle, name);
  if (sym == NULL) {
    fprintf(stderr, "dwconv1d_time_layer: %s has no %s\n", b->path, name);
    return -1;
  }
  memcpy(fn, &sym, sizeof sym); /* POSIX: function pointers convert so */
  return 0;
}

/* Loads one library and creates its layer; 0 on success. */
static int load_build(struct build *b, const options *o, const struct buffers *buf) {
  dwconv1d_status (*create)(const dwconv1d_params *, size_t, const float *, const float *,
                            dwconv1d_layer **);
  dwconv1d_isa (*layer_isa)(const dwconv1d_layer *);
  const char *(*isa_name)(dwconv1d_isa);
  b->handle = dlopen(b->path, RTLD_NOW | RTLD_LOCAL);
  if (b->handle == NULL) {
    fprintf(stderr, "dwconv1d_time_layer: libs=: %s\n", dlerror());
    return -1;
  }
  if (symbol(b, "dwconv1d_layer_create", &create) != 0 ||
      symbol(b, "dwconv1d_layer_forward", &b->forward) != 0 ||
      symbol(b, "dwconv1d_layer_destroy", &b->destroy) != 0 ||
      symbol(b, "dwconv1d_last_error", &b->last_error) != 0 ||
      symbol(b, "dwconv1d_layer_isa", &layer_isa) != 0 ||
      symbol(b, "dwconv1d_isa_name", &isa_name) != 0)
    return -1;
  b->times = malloc(o->reps * sizeof(double));
  if (b->times == NULL) {
    fprintf(stderr, "dwconv1d_time_layer: out of memory for %zu times\n", o->reps);
    return -1;
  }
  if (create(&o->shape.params, o->shape.channels, buf->kernel, buf->bias, &b->layer) !=
      DWCONV1D_OK) {
    fprintf(stderr, "dwconv1d_time_layer: %s: %s\n", b->path, b->last_error());
    return -1;
  }
  snprintf(b->label, sizeof b->label, "%s %s", isa_name(layer_isa(b->layer)), b->path);
  return 0;
}

/* Splits libs= into at most MAX_LIBS paths (the string is copied into
 * `list`); the count, or 0 with a message. */
static size_t split_libs(const char *libs, char *list, size_t list_size,
                         const char *paths[MAX_LIBS]) {
  if (strlen(libs) >= list_size) {
    fprintf(stderr, "dwconv1d_time_layer: libs= is longer than %zu characters\n", list_size - 1);
    return 0;
  }
  strcpy(list, libs);
  size_t n = 0;
  for (char *save = NULL, *path = strtok_r(list, ",", &save); path != NULL;
       path = strtok_r(NULL, ",", &save)) {
    if (n == MAX_LIBS) {
      fprintf(stderr, "dwconv1d_time_layer: libs= names more than %d libraries\n", MAX_LIBS);
      return 0;
    }
    paths[n++] = path;
  }
  if (n == 0)
    fprintf(stderr, "dwconv1d_time_layer: libs= names no library\n");
  return n;
}

/* Times every library of libs= in turns and prints a line for each, the
 * path first; 0 on success. */
static int run_builds(const options *o) {
  char list[4096];
  const char *paths[MAX_LIBS];
  const size_t n = split_libs(o->libs, list, sizeof list, paths);
  struct build builds[MAX_LIBS] = {0};
  struct buffers buf;
  if (n == 0 || prepare(o, &buf) != 0)
    return -1;
  int status = -1;
  for (size_t i = 0; i < n; i++) {
    builds[i].path = paths[i];
    if (load_build(&builds[i], o, &buf) != 0)
      goto done;
  }
  for (size_t r = 0; r < o->reps; r++)
    for (size_t k = 0; k < n; k++) {
      struct build *b = &builds[(k + r) % n];
      const double t0 = thread_seconds();
      if (b->forward(b->layer, o->shape.batch, o->shape.steps, buf.x, buf.y) != DWCONV1D_OK) {
        fprintf(stderr, "dwconv1d_time_layer: %s: %s\n", b->path, b->last_error());
        goto done;
      }
      b->times[r] = thread_seconds() - t0;
    }
  for (size_t i = 0; i < n; i++) { /* each build's own output for its hash */
    if (builds[i].forward(builds[i].layer, o->shape.batch, o->shape.steps, buf.x, buf.y) !=
        DWCONV1D_OK) {
      fprintf(stderr, "dwconv1d_time_layer: %s: %s\n", builds[i].path, builds[i].last_error());
      goto done;
    }
    print_times(builds[i].label, o, &buf, builds[i].times);
  }
  status = 0;
done:
  for (size_t i = 0; i < n; i++) {
    if (builds[i].layer != NULL)
      builds[i].destroy(builds[i].layer);
    free(builds[i].times);
    if (builds[i].handle != NULL)
      dlclose(builds[i].handle);
  }
  release(&buf);
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
  if (o.shape.steps == 0 || o.shape.channels == 0 || o.shape.params.kernel_size == 0 ||
      o.reps == 0) {
    fprintf(stderr, "dwconv1d_time_layer: T, C, K and reps must be given and at least 1 "
                    "(T=%zu C=%zu K=%zu reps=%zu)\n",
            o.shape.steps, o.shape.channels, o.shape.params.kernel_size, o.reps);
    usage(stderr);
    return 2;
  }
  if (o.next > 1 || (o.next && o.libs != NULL)) {
    fprintf(stderr, "dwconv1d_time_layer: next=%zu is not 0 or 1, or comes with libs=\n",
            o.next);
    usage(stderr);
    return 2;
  }
  if (o.libs != NULL)
    return run_builds(&o) == 0 ? 0 : 1;
  return run(&o) == 0 ? 0 : 1;
}
