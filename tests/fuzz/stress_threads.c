/* Thread stress (issue 8): many threads create, run and destroy layers and
 * streams of random shapes at once, while another thread keeps forcing and
 * un-forcing the ISA (with valid, unsupported and out-of-range values). One
 * layer per supported ISA is shared by every thread throughout, so every
 * path runs concurrently. Every forward result is judged against the double
 * reference, every stream against the forward pass of its own layer (bit
 * for bit), and every refusal's message must be the calling thread's own.
 * Meant for ThreadSanitizer (suite 'threads'); a few seconds long.
 *   DWCONV1D_STRESS_SECONDS  run time (default 3)
 *   DWCONV1D_TEST_SEED       base seed */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv1d.h"
#include "reference.h"
#include "test_common.h"

enum { WORKERS = 6, ISA_COUNT = TEST_ISA_LAST + 1, MIN_ROUNDS = 3 };

static uint64_t base_seed;
static double deadline;
static atomic_int failures, stop;
static atomic_ulong layers_on[ISA_COUNT], forwards, streams, refusals, isa_changes;

#define FAIL(...)                                                                                 \
  do {                                                                                            \
    printf("FAIL " __VA_ARGS__);                                                                  \
    atomic_fetch_add(&failures, 1);                                                               \
  } while (0)

/* ------------------------------------------------------------------ */
/* Problems                                                            */

/* One random layer and input with its expected output. */
typedef struct problem {
  ref_problem pr;
  float *input, *kernel, *bias;
  ref_expectation ex;
} problem;

static const dwconv1d_activation all_activations[] = {
    DWCONV1D_ACTIVATION_LINEAR,       DWCONV1D_ACTIVATION_RELU,
    DWCONV1D_ACTIVATION_LEAKY_RELU,   DWCONV1D_ACTIVATION_ELU,
    DWCONV1D_ACTIVATION_SIGMOID,      DWCONV1D_ACTIVATION_HARD_SILU,
    DWCONV1D_ACTIVATION_SILU,         DWCONV1D_ACTIVATION_GELU,
    DWCONV1D_ACTIVATION_TANH,         DWCONV1D_ACTIVATION_SOFTPLUS,
    DWCONV1D_ACTIVATION_MISH,         DWCONV1D_ACTIVATION_SOFTMAX,
    DWCONV1D_ACTIVATION_LOG_SOFTMAX,  DWCONV1D_ACTIVATION_SPARSEMAX,
    DWCONV1D_ACTIVATION_GLU,
};

static dwconv1d_params random_params(test_rng *r) {
  dwconv1d_params p = dwconv1d_params_default(test_rng_range(r, 1, 7));
  p.padding = (dwconv1d_padding)test_rng_range(r, 0, 2);
  p.data_format = (dwconv1d_data_format)test_rng_range(r, 0, 1);
  p.depth_multiplier = test_rng_range(r, 1, 3);
  if (test_rng_range(r, 0, 1))
    p.strides = test_rng_range(r, 1, 3);
  else
    p.dilation_rate = test_rng_range(r, 1, 3);
  p.activation = all_activations[test_rng_range(
      r, 0, sizeof all_activations / sizeof all_activations[0] - 1)];
  p.use_bias = test_rng_range(r, 0, 3) != 0;
  return p;
}

/* A valid random problem (GLU needs an even last axis: retried). */
static bool make_problem(test_rng *r, problem *pb, const dwconv1d_params *fixed) {
  memset(pb, 0, sizeof *pb);
  for (;;) {
    ref_problem *pr = &pb->pr;
    pr->params = fixed != NULL ? *fixed : random_params(r);
    pr->channels = test_rng_range(r, 1, 40);
    const size_t span = pr->params.dilation_rate * (pr->params.kernel_size - 1) + 1;
    pr->steps = test_rng_range(r, span, span + 70);
    pr->batch = test_rng_range(r, 1, 3);
    if (ref_dims_compute(&pr->params, pr->batch, pr->channels, pr->steps, &pb->ex.dims))
      break;
  }
  ref_problem *pr = &pb->pr;
  const size_t n_in = pr->batch * pr->steps * pr->channels;
  const size_t cm = pr->channels * pr->params.depth_multiplier;
  pb->input = malloc(n_in * sizeof(float));
  pb->kernel = malloc(pr->params.kernel_size * cm * sizeof(float));
  pb->bias = malloc(cm * sizeof(float));
  if (pb->input == NULL || pb->kernel == NULL || pb->bias == NULL)
    return false;
  test_fill_uniform(r, pb->input, n_in, -2.0, 2.0);
  test_fill_uniform(r, pb->kernel, pr->params.kernel_size * cm, -1.0, 1.0);
  test_fill_uniform(r, pb->bias, cm, -1.0, 1.0);
  pr->input = pb->input;
  pr->kernel = pb->kernel;
  pr->bias = pr->params.use_bias ? pb->bias : NULL;
  return ref_expectation_compute(pr, &pb->ex);
}

static void free_problem(problem *pb) {
  ref_expectation_free(&pb->ex);
  free(pb->input);
  free(pb->kernel);
  free(pb->bias);
}

static void describe(char *buf, size_t size, const problem *pb, dwconv1d_isa isa) {
  char params[400];
  test_describe_problem(params, sizeof params, &pb->pr);
  snprintf(buf, size, "isa=%s %s", test_isa_label(isa), params);
}

/* Runs `layer` on the problem's input and judges the output. */
static bool run_and_judge(const dwconv1d_layer *layer, const problem *pb, const char *who) {
  float *y = malloc((pb->ex.dims.count ? pb->ex.dims.count : 1) * sizeof(float));
  if (y == NULL)
    return false;
  const dwconv1d_status s =
      dwconv1d_layer_forward(layer, pb->pr.batch, pb->pr.steps, pb->pr.input, y);
  atomic_fetch_add(&forwards, 1);
  bool ok = s == DWCONV1D_OK;
  char text[512];
  describe(text, sizeof text, pb, dwconv1d_layer_isa(layer));
  if (!ok) {
    FAIL("%s: forward returned %s (%s): %s\n", who, dwconv1d_status_string(s),
         dwconv1d_last_error(), text);
  } else {
    const test_verdict v = test_judge(y, &pb->ex);
    ok = v.ok;
    if (!ok)
      FAIL("%s: %zu outputs outside the band, flat %zu got %.9g expected %.9g: %s\n", who,
           v.failures, v.worst_index, (double)v.got, v.value, text);
  }
  free(y);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Streams: pushed in random chunks, compared with the layer's forward   */

static bool streamable(const dwconv1d_params *p, size_t out_channels) {
  const bool axis = p->activation == DWCONV1D_ACTIVATION_SOFTMAX ||
                    p->activation == DWCONV1D_ACTIVATION_LOG_SOFTMAX ||
                    p->activation == DWCONV1D_ACTIVATION_SPARSEMAX ||
                    p->activation == DWCONV1D_ACTIVATION_GLU;
  return p->padding != DWCONV1D_PADDING_SAME &&
         !(axis && p->data_format == DWCONV1D_CHANNELS_FIRST) &&
         !(p->activation == DWCONV1D_ACTIVATION_GLU && out_channels % 2 != 0);
}

/* Copies steps [t0, t0 + n) between a whole (rows, total, width) tensor and
 * an (rows, n, width) chunk, in the layout's order. */
static void copy_steps(bool channels_first, size_t rows, size_t width, size_t total, size_t t0,
                       size_t n, const float *from, float *to, bool to_chunk) {
  for (size_t b = 0; b < rows; b++)
    for (size_t t = 0; t < n; t++)
      for (size_t c = 0; c < width; c++) {
        const size_t whole = channels_first ? (b * width + c) * total + t0 + t
                                            : (b * total + t0 + t) * width + c;
        const size_t part = channels_first ? (b * width + c) * n + t : (b * n + t) * width + c;
        if (to_chunk)
          to[part] = from[whole];
        else
          to[whole] = from[part];
      }
}

static bool same_bits_or_nan(float a, float b) {
  return (a != a && b != b) || memcmp(&a, &b, sizeof a) == 0;
}

static bool run_stream(test_rng *r, const dwconv1d_layer *layer, const problem *pb) {
  const ref_problem *pr = &pb->pr;
  const dwconv1d_params *p = &pr->params;
  const size_t cm = pr->channels * p->depth_multiplier;
  if (!streamable(p, cm))
    return true;
  const size_t width = p->activation == DWCONV1D_ACTIVATION_GLU ? cm / 2 : cm;
  const size_t t_out = pb->ex.dims.out_steps, count = pr->batch * t_out * width;
  const bool first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  float *whole = malloc(count * sizeof(float)), *streamed = malloc(count * sizeof(float));
  float *chunk_in = malloc(pr->batch * pr->steps * pr->channels * sizeof(float));
  float *chunk_out = malloc(count * sizeof(float));
  dwconv1d_stream *stream = NULL;
  bool ok = whole && streamed && chunk_in && chunk_out &&
            dwconv1d_layer_forward(layer, pr->batch, pr->steps, pr->input, whole) == DWCONV1D_OK &&
            dwconv1d_stream_create(layer, pr->batch, &stream) == DWCONV1D_OK;
  size_t done = 0, produced = 0;
  while (ok && done < pr->steps) {
    const size_t n = test_rng_range(r, 0, pr->steps - done < 9 ? pr->steps - done : 9);
    size_t got = 0;
    copy_steps(first, pr->batch, pr->channels, pr->steps, done, n, pr->input, chunk_in, true);
    ok = dwconv1d_stream_push(stream, n, chunk_in, chunk_out, &got) == DWCONV1D_OK &&
         produced + got <= t_out;
    if (ok)
      copy_steps(first, pr->batch, width, t_out, produced, got, chunk_out, streamed, false);
    done += n;
    produced += got;
  }
  ok = ok && produced == t_out;
  for (size_t i = 0; ok && i < count; i++)
    ok = same_bits_or_nan(whole[i], streamed[i]);
  atomic_fetch_add(&streams, 1);
  if (!ok) {
    char text[512];
    describe(text, sizeof text, pb, dwconv1d_layer_isa(layer));
    FAIL("stream differs from forward (%zu of %zu outputs produced; %s): %s\n", produced, t_out,
         dwconv1d_last_error(), text);
  }
  dwconv1d_stream_destroy(stream);
  free(whole);
  free(streamed);
  free(chunk_in);
  free(chunk_out);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */

static dwconv1d_layer *shared_layers[ISA_COUNT];
static problem shared_problems[ISA_COUNT];

/* A refusal whose message must be this thread's, whatever the others do. */
static void check_own_refusal(test_rng *r) {
  dwconv1d_params p = dwconv1d_params_default(3);
  p.strides = test_rng_range(r, 2, 1000);
  p.dilation_rate = test_rng_range(r, 2, 1000);
  char want[64];
  snprintf(want, sizeof want, "strides=%zu and dilation_rate=%zu", p.strides, p.dilation_rate);
  const dwconv1d_status s = dwconv1d_params_validate(&p);
  atomic_fetch_add(&refusals, 1);
  if (s != DWCONV1D_ERROR_INVALID_ARGUMENT || strstr(dwconv1d_last_error(), want) == NULL)
    FAIL("thread's own message lost: status %d, message \"%s\", expected it to name %s\n", (int)s,
         dwconv1d_last_error(), want);
}

static void worker_round(test_rng *r, int id) {
  problem pb;
  if (!make_problem(r, &pb, NULL)) {
    FAIL("worker %d: out of memory making a problem\n", id);
    free_problem(&pb);
    return;
  }
  dwconv1d_layer *layer = NULL;
  const dwconv1d_status s =
      dwconv1d_layer_create(&pb.pr.params, pb.pr.channels, pb.pr.kernel, pb.pr.bias, &layer);
  if (s != DWCONV1D_OK) {
    FAIL("worker %d: create returned %s: %s\n", id, dwconv1d_status_string(s),
         dwconv1d_last_error());
  } else {
    const dwconv1d_isa isa = dwconv1d_layer_isa(layer);
    if ((unsigned)isa >= ISA_COUNT || !dwconv1d_isa_supported(isa))
      FAIL("worker %d: layer on isa %d, which this CPU cannot run\n", id, (int)isa);
    else
      atomic_fetch_add(&layers_on[isa], 1);
    run_and_judge(layer, &pb, "own layer");
    run_stream(r, layer, &pb);
  }
  dwconv1d_layer_destroy(layer);
  free_problem(&pb);
  for (int i = 0; i < ISA_COUNT; i++)
    if (shared_layers[i] != NULL)
      run_and_judge(shared_layers[i], &shared_problems[i], "shared layer");
  check_own_refusal(r);
}

static void *worker(void *arg) {
  const int id = (int)(intptr_t)arg;
  test_rng r = test_rng_make(base_seed, 100 + (uint64_t)id);
  for (int round = 0; round < MIN_ROUNDS || test_now() < deadline; round++)
    worker_round(&r, id);
  return NULL;
}

/* Forces every supported ISA in turn, un-forces, and tries values that
 * must be refused without changing anything. */
static void *toggler(void *arg) {
  (void)arg;
  static const int refused[] = {-1, ISA_COUNT, 1000};
  while (!atomic_load(&stop)) {
    for (int v = 0; v < ISA_COUNT; v++) {
      const dwconv1d_status s = dwconv1d_set_isa((dwconv1d_isa)v);
      const dwconv1d_status want =
          dwconv1d_isa_supported((dwconv1d_isa)v) ? DWCONV1D_OK : DWCONV1D_ERROR_UNSUPPORTED_ISA;
      if (s != want)
        FAIL("set_isa(%s) returned %d, want %d\n", test_isa_label((dwconv1d_isa)v), (int)s,
             (int)want);
      dwconv1d_isa now;
      if (dwconv1d_active_isa(&now) != DWCONV1D_OK || !dwconv1d_isa_supported(now))
        FAIL("active_isa names an ISA this CPU cannot run\n");
      atomic_fetch_add(&isa_changes, 1);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
      if (dwconv1d_set_isa((dwconv1d_isa)refused[i]) != DWCONV1D_ERROR_INVALID_ARGUMENT)
        FAIL("set_isa(%d) was not refused\n", refused[i]);
    dwconv1d_reset_isa();
  }
  return NULL;
}

/* One layer per supported ISA, made before the threads start. */
static bool make_shared_layers(void) {
  test_rng r = test_rng_make(base_seed, 7);
  dwconv1d_params p = dwconv1d_params_default(5);
  p.padding = DWCONV1D_PADDING_SAME;
  p.depth_multiplier = 2;
  p.activation = DWCONV1D_ACTIVATION_GELU;
  for (int i = 0; i < ISA_COUNT; i++) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)i))
      continue;
    if (!make_problem(&r, &shared_problems[i], &p) ||
        dwconv1d_set_isa((dwconv1d_isa)i) != DWCONV1D_OK ||
        dwconv1d_layer_create(&p, shared_problems[i].pr.channels, shared_problems[i].pr.kernel,
                              shared_problems[i].pr.bias, &shared_layers[i]) != DWCONV1D_OK)
      return false;
  }
  dwconv1d_reset_isa();
  return true;
}

int main(void) {
  base_seed = test_seed(0x57E55u);
  const double seconds = (double)test_env_size("DWCONV1D_STRESS_SECONDS", 3);
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("thread stress: %d workers + 1 ISA toggler for %.0f s, seed 0x%016" PRIx64 "\n",
         WORKERS, seconds, base_seed);
  if (!make_shared_layers()) {
    printf("FAIL making the shared layers: %s\n", dwconv1d_last_error());
    return 1;
  }
  const double t0 = test_now();
  deadline = t0 + seconds;
  pthread_t threads[WORKERS], toggle;
  if (pthread_create(&toggle, NULL, toggler, NULL) != 0)
    return 1;
  for (int i = 0; i < WORKERS; i++)
    if (pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i) != 0)
      return 1;
  for (int i = 0; i < WORKERS; i++)
    pthread_join(threads[i], NULL);
  atomic_store(&stop, 1);
  pthread_join(toggle, NULL);
  for (int i = 0; i < ISA_COUNT; i++) {
    dwconv1d_layer_destroy(shared_layers[i]);
    if (shared_layers[i] != NULL)
      free_problem(&shared_problems[i]);
  }
  printf("%.1f s: %lu forward calls judged, %lu streams compared, %lu refusals, %lu ISA "
         "changes; layers created per ISA:",
         test_now() - t0, atomic_load(&forwards), atomic_load(&streams), atomic_load(&refusals),
         atomic_load(&isa_changes));
  for (int i = 0; i < ISA_COUNT; i++)
    if (dwconv1d_isa_supported((dwconv1d_isa)i))
      printf(" %s %lu", test_isa_label((dwconv1d_isa)i), atomic_load(&layers_on[i]));
  printf("\n");
  const int failed = atomic_load(&failures);
  printf("%s: %d failure(s)\n", failed ? "FAIL" : "PASS", failed);
  return failed ? 1 : 0;
}
