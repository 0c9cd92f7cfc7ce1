/* Decode and chunked-prefill timing for streams (a measuring tool, not a
 * test): one-step pushes of a Mamba-like layer (C 5120, K 4, causal, SiLU)
 * through a stream and through the state-pool call, for batch 1, 8 and 64,
 * with the share of the copy bandwidth that the step's bytes allow; then a
 * chunked prefill against one forward call. Times are per-thread CPU time,
 * the median of 7 trials.
 *   stream_timing [isa ...]   (default: every ISA this CPU runs) */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dwconv1d.h"

enum { CHANNELS = 5120, KERNEL = 4, TRIALS = 7 };

/* The thread's CPU time: the machine may be shared, and time spent waiting
 * for the CPU is not the code's. (Memory stalls still count.) */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *random_floats(size_t n) {
  float *p = malloc(n * sizeof(float));
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(EXIT_FAILURE);
  }
  uint32_t s = 0x9e3779b9u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    p[i] = (float)(s >> 8) / 16777216.0f - 0.5f;
  }
  return p;
}

static int compare_doubles(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median over TRIALS of the seconds per call of `run`, each trial long
 * enough (about 20 ms) to swamp the clock. */
typedef void (*step_fn)(void *ctx);
static double seconds_per_call(step_fn run, void *ctx) {
  size_t calls = 1;
  for (;;) { /* calibrate */
    const double t0 = now();
    for (size_t i = 0; i < calls; i++)
      run(ctx);
    if (now() - t0 > 0.02 || calls > (1u << 24))
      break;
    calls *= 2;
  }
  double trials[TRIALS];
  for (int t = 0; t < TRIALS; t++) {
    const double t0 = now();
    for (size_t i = 0; i < calls; i++)
      run(ctx);
    trials[t] = (now() - t0) / (double)calls;
  }
  qsort(trials, TRIALS, sizeof *trials, compare_doubles);
  return trials[TRIALS / 2];
}

/* memcpy bandwidth, bytes read plus written per second, for a copy that
 * moves `bytes` in total (so a working set of that size). */
struct copy_ctx {
  char *src, *dst;
  size_t half;
};
static void copy_once(void *p) {
  struct copy_ctx *c = p;
  memcpy(c->dst, c->src, c->half);
  c->src[0] ^= c->dst[c->half - 1]; /* keep the copy observable */
}
static double copy_bandwidth(size_t bytes) {
  struct copy_ctx c = {.half = bytes / 2 < 64 ? 64 : bytes / 2};
  c.src = malloc(c.half);
  c.dst = malloc(c.half);
  if (c.src == NULL || c.dst == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(EXIT_FAILURE);
  }
  memset(c.src, 1, c.half);
  memset(c.dst, 2, c.half);
  const double s = seconds_per_call(copy_once, &c);
  free(c.src);
  free(c.dst);
  return 2.0 * (double)c.half / s;
}

struct decode_ctx {
  dwconv1d_stream *stream;
  const dwconv1d_layer *layer;
  size_t batch;
  float *x, *y, *pool;
  ptrdiff_t *index;
};
static void stream_step(void *p) {
  struct decode_ctx *c = p;
  if (dwconv1d_stream_push(c->stream, 1, c->x, c->y, NULL) != DWCONV1D_OK)
    abort();
}
static void pool_step(void *p) {
  struct decode_ctx *c = p;
  if (dwconv1d_stream_pool_push(c->layer, c->batch, 1, c->x, c->y, c->pool, c->batch, c->index) !=
      DWCONV1D_OK)
    abort();
}

static dwconv1d_layer *mamba_like_layer(void) {
  dwconv1d_params p = dwconv1d_params_default(KERNEL);
  p.padding = DWCONV1D_PADDING_CAUSAL;
  p.activation = DWCONV1D_ACTIVATION_SILU;
  float *kernel = random_floats(KERNEL * CHANNELS), *bias = random_floats(CHANNELS);
  dwconv1d_layer *layer = NULL;
  if (dwconv1d_layer_create(&p, CHANNELS, kernel, bias, &layer) != DWCONV1D_OK) {
    fprintf(stderr, "layer_create: %s\n", dwconv1d_last_error());
    exit(EXIT_FAILURE);
  }
  free(kernel);
  free(bias);
  return layer;
}

static void time_decode(const dwconv1d_layer *layer, size_t batch) {
  const size_t h = KERNEL - 1;
  struct decode_ctx c = {.layer = layer, .batch = batch};
  c.x = random_floats(batch * CHANNELS);
  c.y = random_floats(batch * CHANNELS);
  c.pool = random_floats(batch * h * CHANNELS);
  c.index = malloc(batch * sizeof *c.index);
  if (c.index == NULL || dwconv1d_stream_create(layer, batch, &c.stream) != DWCONV1D_OK)
    exit(EXIT_FAILURE);
  for (size_t b = 0; b < batch; b++)
    c.index[b] = (ptrdiff_t)b;
  /* state read + written, weights, input, output */
  const double bytes = 4.0 * (2.0 * (double)(batch * h * CHANNELS) + KERNEL * CHANNELS +
                              2.0 * (double)(batch * CHANNELS));
  const double bandwidth = copy_bandwidth((size_t)bytes);
  const double ideal = bytes / bandwidth;
  const double stream_s = seconds_per_call(stream_step, &c);
  const double pool_s = seconds_per_call(pool_step, &c);
  printf("  decode B=%-2zu C=%d K=%d: %7.2f KiB/step, copy %6.1f GB/s -> ideal %8.2f us | "
         "stream %8.2f us (%3.0f%%) | pool %8.2f us (%3.0f%%)\n",
         batch, CHANNELS, KERNEL, bytes / 1024.0, bandwidth / 1e9, ideal * 1e6, stream_s * 1e6,
         100.0 * ideal / stream_s, pool_s * 1e6, 100.0 * ideal / pool_s);
  dwconv1d_stream_destroy(c.stream);
  free(c.x);
  free(c.y);
  free(c.pool);
  free(c.index);
}

struct prefill_ctx {
  const dwconv1d_layer *layer;
  dwconv1d_stream *stream;
  size_t batch, steps, chunk;
  float *x, *y, *chunk_x;
};
static void prefill_forward(void *p) {
  struct prefill_ctx *c = p;
  if (dwconv1d_layer_forward(c->layer, c->batch, c->steps, c->x, c->y) != DWCONV1D_OK)
    abort();
}
/* The chunks are slices of one channels_last sequence when batch is 1. */
static void prefill_chunked(void *p) {
  struct prefill_ctx *c = p;
  dwconv1d_stream_reset(c->stream);
  for (size_t t = 0; t < c->steps; t += c->chunk)
    if (dwconv1d_stream_push(c->stream, c->chunk, c->x + t * CHANNELS, c->y + t * CHANNELS,
                             NULL) != DWCONV1D_OK)
      abort();
}

static void time_prefill(const dwconv1d_layer *layer, size_t steps, size_t chunk) {
  struct prefill_ctx c = {.layer = layer, .batch = 1, .steps = steps, .chunk = chunk};
  c.x = random_floats(steps * CHANNELS);
  c.y = random_floats(steps * CHANNELS);
  if (dwconv1d_stream_create(layer, 1, &c.stream) != DWCONV1D_OK)
    exit(EXIT_FAILURE);
  const double forward_s = seconds_per_call(prefill_forward, &c);
  const double chunked_s = seconds_per_call(prefill_chunked, &c);
  printf("  prefill B=1 T=%zu C=%d K=%d: forward %8.1f us (%.3f us/step) | chunks of %zu "
         "%8.1f us (%.3f us/step)\n",
         steps, CHANNELS, KERNEL, forward_s * 1e6, forward_s * 1e6 / (double)steps, chunk,
         chunked_s * 1e6, chunked_s * 1e6 / (double)steps);
  dwconv1d_stream_destroy(c.stream);
  free(c.x);
  free(c.y);
}

static void time_isa(dwconv1d_isa isa) {
  if (dwconv1d_set_isa(isa) != DWCONV1D_OK) {
    printf("%s: not supported here\n", dwconv1d_isa_name(isa));
    return;
  }
  dwconv1d_layer *layer = mamba_like_layer();
  printf("%s\n", dwconv1d_isa_name(isa));
  const size_t batches[] = {1, 8, 64};
  for (size_t i = 0; i < 3; i++)
    time_decode(layer, batches[i]);
  time_prefill(layer, 1024, 64);
  time_prefill(layer, 1024, 1);
  dwconv1d_layer_destroy(layer);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    for (int a = 1; a < argc; a++) {
      int found = 0;
      for (int isa = DWCONV1D_ISA_SCALAR; isa <= DWCONV1D_ISA_NEON; isa++) {
        if (strcmp(argv[a], dwconv1d_isa_name((dwconv1d_isa)isa)) == 0) {
          time_isa((dwconv1d_isa)isa);
          found = 1;
        }
      }
      if (!found)
        fprintf(stderr, "unknown ISA %s\n", argv[a]);
    }
  } else {
    for (int isa = DWCONV1D_ISA_SCALAR; isa <= DWCONV1D_ISA_NEON; isa++)
      if (dwconv1d_isa_supported((dwconv1d_isa)isa))
        time_isa((dwconv1d_isa)isa);
  }
  dwconv1d_reset_isa();
  return 0;
}
