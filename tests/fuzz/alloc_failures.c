/* Allocation failures (issue 8): every call that allocates, made to fail at
 * each of its allocations in turn, returns DWCONV1D_ERROR_OUT_OF_MEMORY,
 * writes nothing and leaks nothing; retried, it then succeeds and the whole
 * scenario gives bit for bit the results of a run without failures.
 *
 * The test executable defines malloc, calloc, realloc, free, aligned_alloc,
 * posix_memalign and memalign, which the library's calls bind to (ELF
 * interposition); they forward to the next definition (the C library's, or
 * the sanitizer runtime's) found with dlsym(RTLD_NEXT). While a scenario
 * runs, allocations are counted, the n-th fails, and every pointer handed
 * out is tracked until it is freed. glibc only (RTLD_NEXT, memalign).
 * The same counting checks which forward calls allocate a workspace at all
 * (GUARANTEES.md). */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv1d.h"

/* ------------------------------------------------------------------ */
/* The interposed allocator                                            */

/* The allocator's functions run before the sanitizer runtime has mapped its
 * shadow memory (the runtime's own start-up allocates through them), so
 * AddressSanitizer must not instrument them: at -O1 gcc gave lookup's
 * local a poisoned stack slot, whose shadow write faulted. */
#define ALLOCATOR __attribute__((no_sanitize_address))

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);
typedef void *(*aligned_alloc_fn)(size_t, size_t);
typedef int (*posix_memalign_fn)(void **, size_t, size_t);

static struct {
  malloc_fn malloc;
  calloc_fn calloc;
  realloc_fn realloc;
  free_fn free;
  aligned_alloc_fn aligned_alloc;
  posix_memalign_fn posix_memalign;
  aligned_alloc_fn memalign;
} next;

/* dlsym may allocate before `next` is known: such requests come from here. */
static unsigned char bootstrap[4096] __attribute__((aligned(64)));
static size_t bootstrap_used;
static bool resolving;

ALLOCATOR static bool from_bootstrap(const void *p) {
  const unsigned char *c = p;
  return c >= bootstrap && c < bootstrap + sizeof bootstrap;
}

ALLOCATOR static void *bootstrap_alloc(size_t size) {
  const size_t at = (bootstrap_used + 63) / 64 * 64;
  if (size > sizeof bootstrap - at)
    return NULL;
  bootstrap_used = at + size;
  return memset(bootstrap + at, 0, size);
}

/* The next definition of `name`; dlsym returns functions as void *, which
 * POSIX lets us copy into a function pointer. */
ALLOCATOR static void lookup(const char *name, void *fn, size_t fn_size) {
  void *sym = dlsym(RTLD_NEXT, name);
  memcpy(fn, &sym, fn_size);
}

ALLOCATOR static void resolve(void) {
  if (next.free != NULL || resolving)
    return;
  resolving = true;
  lookup("malloc", &next.malloc, sizeof next.malloc);
  lookup("calloc", &next.calloc, sizeof next.calloc);
  lookup("realloc", &next.realloc, sizeof next.realloc);
  lookup("aligned_alloc", &next.aligned_alloc, sizeof next.aligned_alloc);
  lookup("posix_memalign", &next.posix_memalign, sizeof next.posix_memalign);
  lookup("memalign", &next.memalign, sizeof next.memalign);
  lookup("free", &next.free, sizeof next.free);
  resolving = false;
  if (next.free == NULL || next.malloc == NULL) {
    static const char msg[] = "alloc_failures: cannot find the next allocator\n";
    fwrite(msg, 1, sizeof msg - 1, stderr);
    abort();
  }
}

/* Counting and failing, for the scenario that runs now (single-threaded). */
enum { TRACK = 4096 };
static struct {
  bool armed;
  unsigned long count;  /* allocation requests while armed */
  unsigned long fail_at; /* fail this request (1-based); 0 never */
  bool failed;          /* the request fail_at came and failed */
  void *live[TRACK];    /* pointers handed out while armed, not yet freed */
  size_t n_live;
  bool overflowed;
} track;

/* True when this request must fail. */
ALLOCATOR static bool inject(void) {
  if (!track.armed)
    return false;
  if (++track.count != track.fail_at)
    return false;
  track.failed = true;
  return true;
}

ALLOCATOR static void remember(void *p) {
  if (!track.armed || p == NULL)
    return;
  if (track.n_live == TRACK) {
    track.overflowed = true;
    return;
  }
  track.live[track.n_live++] = p;
}

ALLOCATOR static void forget(void *p) {
  for (size_t i = 0; i < track.n_live; i++)
    if (track.live[i] == p) {
      track.live[i] = track.live[--track.n_live];
      return;
    }
}

ALLOCATOR void *malloc(size_t size) {
  resolve();
  if (resolving)
    return bootstrap_alloc(size);
  if (inject())
    return errno = ENOMEM, NULL;
  void *p = next.malloc(size);
  remember(p);
  return p;
}

ALLOCATOR void *calloc(size_t n, size_t size) {
  resolve();
  if (resolving)
    return n && size > sizeof bootstrap / n ? NULL : bootstrap_alloc(n * size);
  if (inject())
    return errno = ENOMEM, NULL;
  void *p = next.calloc(n, size);
  remember(p);
  return p;
}

ALLOCATOR void *realloc(void *old, size_t size) {
  resolve();
  if (inject())
    return errno = ENOMEM, NULL;
  if (from_bootstrap(old)) { /* never expected; keep it correct anyway */
    void *p = next.malloc(size);
    if (p != NULL)
      memcpy(p, old, size < sizeof bootstrap ? size : sizeof bootstrap);
    remember(p);
    return p;
  }
  void *p = next.realloc(old, size);
  if (p != NULL || size == 0)
    forget(old);
  remember(p);
  return p;
}

ALLOCATOR void free(void *p) {
  if (p == NULL || from_bootstrap(p))
    return;
  resolve();
  forget(p);
  next.free(p);
}

ALLOCATOR void *aligned_alloc(size_t alignment, size_t size) {
  resolve();
  if (inject())
    return errno = ENOMEM, NULL;
  void *p = next.aligned_alloc(alignment, size);
  remember(p);
  return p;
}

ALLOCATOR int posix_memalign(void **out, size_t alignment, size_t size) {
  resolve();
  if (inject())
    return ENOMEM;
  const int r = next.posix_memalign(out, alignment, size);
  if (r == 0)
    remember(*out);
  return r;
}

ALLOCATOR void *memalign(size_t alignment, size_t size) {
  resolve();
  if (inject())
    return errno = ENOMEM, NULL;
  void *p = next.memalign(alignment, size);
  remember(p);
  return p;
}

static void arm(unsigned long fail_at) {
  track.armed = true;
  track.count = 0;
  track.fail_at = fail_at;
  track.failed = false;
  track.n_live = 0;
  track.overflowed = false;
}

static void disarm(void) { track.armed = false; }

/* ------------------------------------------------------------------ */
/* Scenarios                                                           */

static unsigned long failures, oom_reported, runs;

#define FAIL(...)                                                                                 \
  do {                                                                                            \
    disarm();                                                                                     \
    printf("FAIL " __VA_ARGS__);                                                                  \
    failures++;                                                                                   \
  } while (0)

/* Sentinel for outputs: a signalling NaN, which arithmetic never produces. */
static const uint32_t sentinel_bits = 0x7F8DEAD5u;

static void fill_sentinel(float *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    memcpy(&x[i], &sentinel_bits, sizeof sentinel_bits);
}

static bool untouched(const float *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (memcmp(&x[i], &sentinel_bits, sizeof sentinel_bits) != 0)
      return false;
  return true;
}

/* One layer configuration, with everything its scenario produces. */
typedef struct config {
  const char *name;
  dwconv1d_params params;
  size_t channels, batch, steps;
  size_t chunk; /* a long stream push, to grow the stream's workspace */
  size_t pool_steps;
} config;

typedef struct results {
  float *forward;  /* the forward output */
  float *parallel; /* the forward output on a caller's pool */
  float ortho[24]; /* an orthogonal 6 x 4 initializer */
  float weights[4 * 6 * 3 + 6 * 3]; /* initialize_weights: orthogonal kernel, bias */
  float *streamed; /* the stream's outputs, one step then `chunk` steps */
  float *pooled;   /* the pool call's output */
  size_t n_forward, n_streamed, n_pooled;
} results;

typedef struct inputs {
  float *kernel, *bias, *input, *pool;
  size_t n_pool;
} inputs;

static const char *where; /* the call being made, for messages */
static unsigned long fail_at_now;

/* Checks a call's status. OUT_OF_MEMORY is right only when an allocation
 * was made to fail; `clean` says whether its outputs are untouched. Returns
 * true when the call must be retried. */
static bool judge(dwconv1d_status s, bool clean) {
  if (s == DWCONV1D_OK)
    return false;
  if (s != DWCONV1D_ERROR_OUT_OF_MEMORY || !track.failed) {
    FAIL("%s returned %s (\"%s\") with allocation %lu failing\n", where, dwconv1d_status_string(s),
         dwconv1d_last_error(), fail_at_now);
    return false;
  }
  oom_reported++;
  if (!clean)
    FAIL("%s ran out of memory (allocation %lu) but wrote its output\n", where, fail_at_now);
  const char *msg = dwconv1d_last_error();
  if (msg[0] == '\0' || strchr(msg, '\n') != NULL)
    FAIL("%s: out-of-memory message \"%s\" is not one line\n", where, msg);
  return true;
}

static dwconv1d_layer *create_layer(const config *c, const dwconv1d_params *p,
                                    const inputs *in) {
  dwconv1d_layer *sentinel = (dwconv1d_layer *)(uintptr_t)0x5EA5EA50u, *layer = sentinel;
  where = "dwconv1d_layer_create";
  dwconv1d_status s = dwconv1d_layer_create(p, c->channels, in->kernel, in->bias, &layer);
  if (judge(s, layer == sentinel))
    s = dwconv1d_layer_create(p, c->channels, in->kernel, in->bias, &layer);
  return s == DWCONV1D_OK ? layer : NULL;
}

static void run_forward(const config *c, const dwconv1d_layer *layer, const inputs *in,
                        results *out) {
  where = "dwconv1d_layer_forward";
  fill_sentinel(out->forward, out->n_forward);
  dwconv1d_status s = dwconv1d_layer_forward(layer, c->batch, c->steps, in->input, out->forward);
  if (judge(s, untouched(out->forward, out->n_forward)))
    s = dwconv1d_layer_forward(layer, c->batch, c->steps, in->input, out->forward);
  if (s != DWCONV1D_OK)
    FAIL("%s failed on retry: %s\n", where, dwconv1d_last_error());
}

/* A caller's pool that runs the tasks on the calling thread. */
static void serial_parallel_for(void *pool, dwconv1d_task_fn task, void *context, size_t count) {
  (void)pool;
  for (size_t i = 0; i < count; i++)
    task(context, i);
}

static void run_parallel(const config *c, const dwconv1d_layer *layer, const inputs *in,
                         results *out) {
  where = "dwconv1d_layer_forward_parallel";
  fill_sentinel(out->parallel, out->n_forward);
  dwconv1d_status s = dwconv1d_layer_forward_parallel(layer, c->batch, c->steps, in->input,
                                                      out->parallel, serial_parallel_for, NULL, 3);
  if (judge(s, untouched(out->parallel, out->n_forward)))
    s = dwconv1d_layer_forward_parallel(layer, c->batch, c->steps, in->input, out->parallel,
                                        serial_parallel_for, NULL, 3);
  if (s != DWCONV1D_OK)
    FAIL("%s failed on retry: %s\n", where, dwconv1d_last_error());
}

/* Orthogonal draws need a workspace: a fill and a layer's weights. */
static void run_initializers(results *out) {
  static const size_t shape[2] = {6, 4};
  where = "dwconv1d_initialize";
  fill_sentinel(out->ortho, 24);
  dwconv1d_status s = dwconv1d_initialize("orthogonal", shape, 2, 42, out->ortho);
  if (judge(s, untouched(out->ortho, 24)))
    s = dwconv1d_initialize("orthogonal", shape, 2, 42, out->ortho);
  if (s != DWCONV1D_OK)
    FAIL("%s failed on retry: %s\n", where, dwconv1d_last_error());
  const dwconv1d_params p = {.kernel_size = 4, .strides = 1, .depth_multiplier = 3,
                             .dilation_rate = 1, .use_bias = true};
  float *kernel = out->weights, *bias = out->weights + 4 * 6 * 3;
  where = "dwconv1d_initialize_weights";
  fill_sentinel(out->weights, sizeof out->weights / sizeof(float));
  s = dwconv1d_initialize_weights(&p, 6, "orthogonal", "ones", 42, kernel, bias);
  if (judge(s, untouched(out->weights, sizeof out->weights / sizeof(float))))
    s = dwconv1d_initialize_weights(&p, 6, "orthogonal", "ones", 42, kernel, bias);
  if (s != DWCONV1D_OK)
    FAIL("%s failed on retry: %s\n", where, dwconv1d_last_error());
}

/* Pushes `steps` steps; a push that runs out of memory must leave the
 * stream's phase and states as they were. */
static size_t push(dwconv1d_stream *stream, const config *c, size_t steps, const float *x,
                   float *y, size_t y_floats) {
  size_t phase_before = 0, phase_after = 0, got = 0;
  float state_before[64] = {0}, state_after[64] = {0};
  where = "dwconv1d_stream_push";
  dwconv1d_stream_get_phase(stream, &phase_before);
  dwconv1d_stream_get_state(stream, c->batch - 1, state_before);
  fill_sentinel(y, y_floats);
  dwconv1d_status s = dwconv1d_stream_push(stream, steps, x, y, &got);
  if (judge(s, untouched(y, y_floats))) {
    dwconv1d_stream_get_phase(stream, &phase_after);
    dwconv1d_stream_get_state(stream, c->batch - 1, state_after);
    if (phase_after != phase_before || memcmp(state_before, state_after, sizeof state_after))
      FAIL("a push that ran out of memory changed the stream\n");
    s = dwconv1d_stream_push(stream, steps, x, y, &got);
  }
  if (s != DWCONV1D_OK)
    FAIL("%s failed on retry: %s\n", where, dwconv1d_last_error());
  return got;
}

static void run_stream(const config *c, const dwconv1d_layer *layer, const inputs *in,
                       results *out) {
  dwconv1d_stream *sentinel = (dwconv1d_stream *)(uintptr_t)0x5EA5EA50u, *stream = sentinel;
  where = "dwconv1d_stream_create";
  dwconv1d_status s = dwconv1d_stream_create(layer, c->batch, &stream);
  if (judge(s, stream == sentinel))
    s = dwconv1d_stream_create(layer, c->batch, &stream);
  if (s != DWCONV1D_OK)
    return;
  /* One step (the decode path), then a long chunk. Inputs are the first
   * rows of `input` read as (batch, steps, C) chunks; their values are what
   * matters, not their meaning. */
  const size_t cm = c->channels * c->params.depth_multiplier;
  const size_t width = c->params.activation == DWCONV1D_ACTIVATION_GLU ? cm / 2 : cm;
  const size_t per_step = c->batch * width;
  size_t done = push(stream, c, 1, in->input, out->streamed, per_step);
  done += push(stream, c, c->chunk, in->input + c->batch * c->channels,
               out->streamed + done * per_step, out->n_streamed - done * per_step);
  dwconv1d_stream_destroy(stream);
}

static void run_pool(const config *c, const dwconv1d_layer *layer, const inputs *in,
                     results *out) {
  ptrdiff_t slots[8];
  for (size_t b = 0; b < c->batch; b++)
    slots[b] = (ptrdiff_t)(c->batch - 1 - b);
  memset(in->pool, 0, in->n_pool * sizeof(float));
  where = "dwconv1d_stream_pool_push";
  fill_sentinel(out->pooled, out->n_pooled);
  dwconv1d_status s = dwconv1d_stream_pool_push(layer, c->batch, c->pool_steps, in->input,
                                                out->pooled, in->pool, c->batch, slots);
  const bool pool_clean = true; /* zeros before; checked below through the retry's result */
  if (judge(s, untouched(out->pooled, out->n_pooled) && pool_clean)) {
    for (size_t i = 0; i < in->n_pool; i++)
      if (in->pool[i] != 0.0f) {
        FAIL("a pool call that ran out of memory changed the pool\n");
        break;
      }
    s = dwconv1d_stream_pool_push(layer, c->batch, c->pool_steps, in->input, out->pooled,
                                  in->pool, c->batch, slots);
  }
  if (s != DWCONV1D_OK)
    FAIL("%s failed on retry: %s\n", where, dwconv1d_last_error());
}

/* The whole scenario: every call that allocates, then everything released. */
static void scenario(const config *c, const inputs *in, results *out) {
  dwconv1d_layer *layer = create_layer(c, &c->params, in);
  if (layer == NULL)
    return;
  run_forward(c, layer, in, out);
  run_parallel(c, layer, in, out);
  if (out->n_streamed > 0)
    run_stream(c, layer, in, out);
  if (out->n_pooled > 0)
    run_pool(c, layer, in, out);
  dwconv1d_layer_destroy(layer);
  run_initializers(out);
}

static bool same_bits(const float *a, const float *b, size_t n) {
  return memcmp(a, b, n * sizeof(float)) == 0;
}

/* Fills inputs with a fixed pattern (no randomness needed: any values do). */
static void fill_pattern(float *x, size_t n, unsigned salt) {
  for (size_t i = 0; i < n; i++)
    x[i] = (float)((int)((i * 2654435761u + salt) % 2001u) - 1000) / 1000.0f;
}

static bool alloc_results(const config *c, bool stream, results *r) {
  size_t shape[3];
  if (dwconv1d_output_shape(&c->params, c->batch, c->channels, c->steps, shape) != DWCONV1D_OK)
    return false;
  const size_t cm = c->channels * c->params.depth_multiplier;
  const size_t width = c->params.activation == DWCONV1D_ACTIVATION_GLU ? cm / 2 : cm;
  r->n_forward = shape[0] * shape[1] * shape[2];
  r->n_streamed = stream ? c->batch * (1 + c->chunk) * width : 0;
  r->n_pooled = stream && c->pool_steps ? c->batch * c->pool_steps * width : 0;
  r->forward = malloc(r->n_forward * sizeof(float));
  r->parallel = malloc(r->n_forward * sizeof(float));
  r->streamed = malloc((r->n_streamed + 1) * sizeof(float));
  r->pooled = malloc((r->n_pooled + 1) * sizeof(float));
  return r->forward && r->parallel && r->streamed && r->pooled;
}

static void free_results(results *r) {
  free(r->forward);
  free(r->parallel);
  free(r->streamed);
  free(r->pooled);
}

/* Runs the scenario once without failures, then failing allocation 1, 2, ...
 * until a run makes no more allocations than that. */
static void test_config(const config *c) {
  const dwconv1d_params *p = &c->params;
  const bool stream = p->padding != DWCONV1D_PADDING_SAME;
  const size_t cm = c->channels * p->depth_multiplier;
  const size_t history = p->dilation_rate * (p->kernel_size - 1);
  inputs in = {0};
  results base = {0}, got = {0};
  in.kernel = malloc(p->kernel_size * cm * sizeof(float));
  in.bias = malloc(cm * sizeof(float));
  in.input = malloc(c->batch * c->steps * c->channels * sizeof(float));
  in.n_pool = c->batch * history * c->channels;
  if (history * c->channels > 64) { /* push() keeps one state on the stack */
    FAIL("%s: state too large for this test\n", c->name);
    return;
  }
  in.pool = malloc((in.n_pool + 1) * sizeof(float));
  if (!in.kernel || !in.bias || !in.input || !in.pool || !alloc_results(c, stream, &base) ||
      !alloc_results(c, stream, &got)) {
    FAIL("%s: cannot set up\n", c->name);
    return;
  }
  fill_pattern(in.kernel, p->kernel_size * cm, 1);
  fill_pattern(in.bias, cm, 2);
  fill_pattern(in.input, c->batch * c->steps * c->channels, 3);

  arm(0);
  scenario(c, &in, &base);
  disarm();
  const unsigned long total = track.count;
  if (track.n_live != 0)
    FAIL("%s: %zu allocations still live after a run without failures\n", c->name, track.n_live);
  const unsigned long oom_before = oom_reported;
  const unsigned long failures_before = failures;
  for (unsigned long n = 1; n <= total && failures - failures_before < 5; n++) {
    fail_at_now = n;
    arm(n);
    scenario(c, &in, &got);
    disarm();
    runs++;
    if (track.overflowed || track.n_live != 0)
      FAIL("%s: failing allocation %lu of %lu leaked %zu allocation(s)\n", c->name, n, total,
           track.n_live);
    if (!same_bits(got.forward, base.forward, base.n_forward) ||
        !same_bits(got.parallel, base.forward, base.n_forward) ||
        !same_bits(got.ortho, base.ortho, 24) ||
        !same_bits(got.weights, base.weights, sizeof base.weights / sizeof(float)) ||
        !same_bits(got.streamed, base.streamed, base.n_streamed) ||
        !same_bits(got.pooled, base.pooled, base.n_pooled))
      FAIL("%s: failing allocation %lu of %lu changed the results after the retry\n", c->name,
           n, total);
  }
  printf("%-34s %2lu allocations, each failed in turn: %lu reported out of memory\n", c->name,
         total, oom_reported - oom_before);
  if (oom_reported == oom_before && failures == failures_before)
    FAIL("%s: no call ever reported running out of memory\n", c->name);
  free(in.kernel);
  free(in.bias);
  free(in.input);
  free(in.pool);
  free_results(&base);
  free_results(&got);
}

static config make_config(const char *name, size_t k, dwconv1d_padding padding,
                          dwconv1d_data_format format, size_t m, dwconv1d_activation a) {
  config c = {.name = name, .channels = 6, .batch = 3, .steps = 300, .chunk = 70,
              .pool_steps = 200};
  if (k == 1) /* wide enough that the pool call's workspace leaves the stack */
    c.channels = 100;
  c.params = dwconv1d_params_default(k);
  c.params.padding = padding;
  c.params.data_format = format;
  c.params.depth_multiplier = m;
  c.params.activation = a;
  return c;
}

/* ------------------------------------------------------------------ */
/* Which forward calls allocate (GUARANTEES.md)                        */

/* A channels_last layer of the given kernel, multiplier, strides and
 * dilation: whether its first forward call allocates a workspace must be
 * `needs`, and a second call of the same shape allocates nothing. */
static void check_workspace(const char *name, size_t k, size_t m, size_t strides,
                            size_t dilation, bool needs) {
  enum { C = 20, B = 2, T = 100 };
  dwconv1d_params p = dwconv1d_params_default(k);
  p.padding = DWCONV1D_PADDING_SAME;
  p.depth_multiplier = m;
  p.strides = strides;
  p.dilation_rate = dilation;
  size_t shape[3];
  float *kernel = malloc(k * C * m * sizeof(float)), *bias = malloc(C * m * sizeof(float));
  /* on a 64-byte boundary, so that no call packs weights for buffers off
   * one (see check_rotated) */
  float *x = aligned_alloc(64, (B * T * C + 15) / 16 * 16 * sizeof(float)), *y = NULL;
  dwconv1d_layer *layer = NULL;
  if (dwconv1d_output_shape(&p, B, C, T, shape) == DWCONV1D_OK)
    y = aligned_alloc(64, (shape[0] * shape[1] * shape[2] + 15) / 16 * 16 * sizeof(float));
  if (!kernel || !bias || !x || !y) {
    FAIL("%s: cannot set up\n", name);
    goto done;
  }
  fill_pattern(kernel, k * C * m, 1);
  fill_pattern(bias, C * m, 2);
  fill_pattern(x, B * T * C, 3);
  if (dwconv1d_layer_create(&p, C, kernel, bias, &layer) != DWCONV1D_OK) {
    FAIL("%s: %s\n", name, dwconv1d_last_error());
    goto done;
  }
  for (int call = 1; call <= 2; call++) {
    arm(0);
    const dwconv1d_status s = dwconv1d_layer_forward(layer, B, T, x, y);
    disarm();
    const bool expected = needs && call == 1;
    if (s != DWCONV1D_OK)
      FAIL("%s: forward failed: %s\n", name, dwconv1d_last_error());
    else if ((track.count > 0) != expected)
      FAIL("%s: forward call %d made %lu allocation(s), expected %s\n", name, call, track.count,
           expected ? "some" : "none");
  }
  printf("%-34s %s\n", name, needs ? "allocates a workspace" : "allocates nothing");
done:
  dwconv1d_layer_destroy(layer);
  free(kernel);
  free(bias);
  free(x);
  free(y);
}

/* Expansions (M > 1) of the path's short kernels (K <= 15 on AVX-512 and
 * NEON, K <= 8 elsewhere; dilation 1, stride 1 or 2) read the caller's rows
 * in place; other expansions gather tiles into a workspace. */
static void check_workspaces(dwconv1d_isa isa) {
  const size_t short_taps = isa == DWCONV1D_ISA_AVX512 || isa == DWCONV1D_ISA_NEON ? 15 : 8;
  check_workspace("workspace: M=1 K=3", 3, 1, 1, 1, false);
  check_workspace("workspace: M=4 K=5", 5, 4, 1, 1, false);
  check_workspace("workspace: M=3 K=8 strides 2", 8, 3, 2, 1, false);
  check_workspace("workspace: M=2 K=9", 9, 2, 1, 1, 9 > short_taps);
  check_workspace("workspace: M=2 K=15 strides 2", 15, 2, 2, 1, 15 > short_taps);
  check_workspace("workspace: M=2 K=16", 16, 2, 1, 1, true);
  check_workspace("workspace: M=2 K=3 dilation 2", 3, 2, 1, 2, true);
  check_workspace("workspace: M=2 K=3 strides 3", 3, 2, 3, 1, true);
}

/* A layer of C channels for the rotated checks below, with room for T
 * steps of input and output a float past a 64-byte boundary (x + 1, y + 1)
 * and the expected output. */
enum { ROTATED_C = 64, ROTATED_T = 256 };
struct rotated_case {
  float *kernel, *bias, *x, *y, *want;
  dwconv1d_layer *layer;
  dwconv1d_stream *stream;
};

static bool rotated_case_init(struct rotated_case *rc, size_t k, dwconv1d_padding padding) {
  const size_t n = ROTATED_T * ROTATED_C;
  dwconv1d_params p = dwconv1d_params_default(k);
  p.padding = padding;
  *rc = (struct rotated_case){.kernel = malloc(k * ROTATED_C * sizeof(float)),
                              .bias = malloc(ROTATED_C * sizeof(float)),
                              .x = aligned_alloc(64, (n + 16) * sizeof(float)),
                              .y = aligned_alloc(64, (n + 16) * sizeof(float)),
                              .want = malloc(n * sizeof(float))};
  if (!rc->kernel || !rc->bias || !rc->x || !rc->y || !rc->want)
    return false;
  fill_pattern(rc->kernel, k * ROTATED_C, 1);
  fill_pattern(rc->bias, ROTATED_C, 2);
  fill_pattern(rc->x + 1, n, 3);
  return dwconv1d_layer_create(&p, ROTATED_C, rc->kernel, rc->bias, &rc->layer) == DWCONV1D_OK;
}

static void rotated_case_free(struct rotated_case *rc) {
  dwconv1d_stream_destroy(rc->stream);
  dwconv1d_layer_destroy(rc->layer);
  free(rc->kernel), free(rc->bias), free(rc->x), free(rc->y), free(rc->want);
}

/* The input on a 64-byte boundary, into want: a forward call, or a push
 * on a fresh stream. */
static dwconv1d_status rotated_expected(struct rotated_case *rc) {
  const size_t n = ROTATED_T * ROTATED_C;
  float *aligned = aligned_alloc(64, n * sizeof(float));
  if (aligned == NULL)
    return DWCONV1D_ERROR_OUT_OF_MEMORY;
  memcpy(aligned, rc->x + 1, n * sizeof(float));
  const dwconv1d_status s =
      rc->stream != NULL ? dwconv1d_stream_push(rc->stream, ROTATED_T, aligned, rc->want, NULL)
                         : dwconv1d_layer_forward(rc->layer, 1, ROTATED_T, aligned, rc->want);
  free(aligned);
  return s;
}

/* The call on the buffers a float past the boundary. */
static dwconv1d_status rotated_run(struct rotated_case *rc) {
  if (rc->stream == NULL)
    return dwconv1d_layer_forward(rc->layer, 1, ROTATED_T, rc->x + 1, rc->y + 1);
  dwconv1d_stream_reset(rc->stream);
  return dwconv1d_stream_push(rc->stream, ROTATED_T, rc->x + 1, rc->y + 1, NULL);
}

/* Three calls on the offset buffers, the first with its first allocation
 * failing: each gives the expected bits, and only the first two (the
 * packing, failed and then kept) allocate, except on the scalar path. */
static void check_packed_once(const char *name, dwconv1d_isa isa, struct rotated_case *rc) {
  const bool packs = isa != DWCONV1D_ISA_SCALAR;
  const size_t n = ROTATED_T * ROTATED_C;
  for (unsigned long fail_at = 1, call = 1; call <= 3; call++, fail_at = 0) {
    fill_sentinel(rc->y + 1, n);
    arm(fail_at);
    const dwconv1d_status s = rotated_run(rc);
    disarm();
    if (s != DWCONV1D_OK || !same_bits(rc->y + 1, rc->want, n))
      FAIL("%s: call %lu (allocation %lu failing) gave %s and other bits\n", name, call,
           fail_at, dwconv1d_status_string(s));
    else if ((track.count > 0) != (packs && call <= 2))
      FAIL("%s: call %lu made %lu allocation(s)\n", name, call, track.count);
  }
  printf("%-34s %s\n", name, packs ? "packed once, a failure run unaligned" : "not packed");
}

/* Buffers a float past a 64-byte boundary, rows of whole vectors: the
 * first call long enough to use them packs the layer's weights for that
 * distance (see dwconv1d_layer_conv_rotated in src/layer.c), except on the
 * scalar path, whose vectors are a float. That packing failing is no
 * error: the call runs on the unaligned vectors, in the same bits. A
 * second call allocates nothing. */
static void check_rotated(dwconv1d_isa isa) {
  const char *name = "rotated weights: C=64 K=3";
  struct rotated_case rc;
  if (!rotated_case_init(&rc, 3, DWCONV1D_PADDING_SAME) || rotated_expected(&rc) != DWCONV1D_OK) {
    FAIL("%s: cannot set up: %s\n", name, dwconv1d_last_error());
    rotated_case_free(&rc);
    return;
  }
  /* too short a call to rotate (see ROTATED_MIN_FLOATS) packs nothing */
  arm(0);
  const dwconv1d_status short_call = dwconv1d_layer_forward(rc.layer, 1, 16, rc.x + 1, rc.y + 1);
  disarm();
  if (short_call != DWCONV1D_OK || track.count > 0)
    FAIL("%s: a 16-step call gave %s with %lu allocation(s)\n", name,
         dwconv1d_status_string(short_call), track.count);
  check_packed_once(name, isa, &rc);
  rotated_case_free(&rc);
}

/* The same for a stream's push: its outputs past the state read the chunk
 * in place and pack the rotated weights as a call does. The push on a
 * boundary that gives the expected output also sizes the workspace, so
 * that the packing is the offset push's only allocation. */
static void check_rotated_stream(dwconv1d_isa isa) {
  const char *name = "rotated weights, streamed: C=64 K=4";
  struct rotated_case rc;
  if (!rotated_case_init(&rc, 4, DWCONV1D_PADDING_CAUSAL) ||
      dwconv1d_stream_create(rc.layer, 1, &rc.stream) != DWCONV1D_OK ||
      rotated_expected(&rc) != DWCONV1D_OK) {
    FAIL("%s: cannot set up: %s\n", name, dwconv1d_last_error());
    rotated_case_free(&rc);
    return;
  }
  check_packed_once(name, isa, &rc);
  rotated_case_free(&rc);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* stdio's buffer exists before anything is armed */
  printf("allocation failures: every allocation of every call failed in turn\n");
  const dwconv1d_padding causal = DWCONV1D_PADDING_CAUSAL, valid = DWCONV1D_PADDING_VALID;
  const dwconv1d_data_format last = DWCONV1D_CHANNELS_LAST, first = DWCONV1D_CHANNELS_FIRST;
  /* Each configuration's scenario: create, forward, forward on a pool, a
   * stream (one step, then a long chunk), the pool call, destroy, and the
   * orthogonal initializers. */
  const config configs[] = {
      make_config("channels_last", 3, causal, last, 1, DWCONV1D_ACTIVATION_RELU),
      make_config("channels_last M=2", 4, valid, last, 2, DWCONV1D_ACTIVATION_GELU),
      make_config("channels_first", 3, causal, first, 1, DWCONV1D_ACTIVATION_SILU),
      make_config("channels_first M=3", 5, valid, first, 3, DWCONV1D_ACTIVATION_LINEAR),
      make_config("glu", 3, causal, last, 2, DWCONV1D_ACTIVATION_GLU),
      make_config("sparsemax", 2, valid, last, 3, DWCONV1D_ACTIVATION_SPARSEMAX),
      make_config("softmax", 3, causal, last, 1, DWCONV1D_ACTIVATION_SOFTMAX),
      make_config("wide glu (heap pool workspace)", 1, causal, last, 2,
                  DWCONV1D_ACTIVATION_GLU),
      make_config("same padding, channels_first glu", 3, DWCONV1D_PADDING_SAME, first, 1,
                  DWCONV1D_ACTIVATION_GLU),
  };
  /* Every supported ISA, or only the one DWCONV1D_ISA pins (valgrind). */
  const char *pinned = getenv("DWCONV1D_ISA");
  for (int isa = DWCONV1D_ISA_SCALAR; isa <= DWCONV1D_ISA_NEON; isa++) {
    dwconv1d_isa active;
    if (pinned != NULL && pinned[0] != '\0') {
      if (dwconv1d_active_isa(&active) != DWCONV1D_OK || active != (dwconv1d_isa)isa)
        continue;
    } else if (dwconv1d_set_isa((dwconv1d_isa)isa) != DWCONV1D_OK) {
      continue;
    }
    printf("isa %s\n", dwconv1d_isa_name((dwconv1d_isa)isa));
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++)
      test_config(&configs[i]);
    check_workspaces((dwconv1d_isa)isa);
    check_rotated((dwconv1d_isa)isa);
    check_rotated_stream((dwconv1d_isa)isa);
  }
  printf("%lu runs with a failing allocation, %lu out-of-memory reports checked\n", runs,
         oom_reported);
  printf("%s: %lu failure(s)\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
