/* Streams and the state-pool call, on every ISA this CPU runs: any chunking
 * of a sequence gives bit-for-bit the forward pass's outputs; state and phase
 * hand-over, per-sequence reset, the pool call's skipped rows, and every
 * refusal with a message naming the argument. Public API only.
 * Environment: DWCONV1D_TEST_SEED, DWCONV1D_TEST_CASES (random cases per ISA). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

static test_counts counts;
static const char *current_isa = "?";

static bool check(bool ok, const char *what) {
  if (!ok)
    printf("FAIL [%s] %s\n", current_isa, what);
  return test_count(&counts, ok);
}

static void *xmalloc(size_t floats) {
  void *p = malloc(floats ? floats * sizeof(float) : sizeof(float));
  if (p == NULL) {
    fprintf(stderr, "out of memory in the test\n");
    exit(EXIT_FAILURE);
  }
  return p;
}

/* ------------------------------------------------------------------ */
/* A problem: layer parameters, channels, a batch of whole sequences.  */

typedef struct problem {
  dwconv1d_params p;
  size_t channels, batch, steps;
  float *input;          /* the whole sequences, in the layer's layout */
  dwconv1d_layer *layer; /* created on the current ISA */
} problem;

static const dwconv1d_activation activations[] = {
    DWCONV1D_ACTIVATION_LINEAR,  DWCONV1D_ACTIVATION_SILU,        DWCONV1D_ACTIVATION_RELU,
    DWCONV1D_ACTIVATION_GELU,    DWCONV1D_ACTIVATION_TANH,        DWCONV1D_ACTIVATION_SOFTPLUS,
    DWCONV1D_ACTIVATION_SOFTMAX, DWCONV1D_ACTIVATION_LOG_SOFTMAX, DWCONV1D_ACTIVATION_SPARSEMAX,
    DWCONV1D_ACTIVATION_GLU,
};

static size_t out_channels_of(const problem *pr) {
  const size_t cm = pr->channels * pr->p.depth_multiplier;
  return pr->p.activation == DWCONV1D_ACTIVATION_GLU ? cm / 2 : cm;
}

static size_t span_of(const dwconv1d_params *p) {
  return p->dilation_rate * (p->kernel_size - 1) + 1;
}

static bool channels_first(const problem *pr) {
  return pr->p.data_format == DWCONV1D_CHANNELS_FIRST;
}

/* Creates the layer with random weights; false (and a FAIL) if refused. */
static bool problem_make_layer(problem *pr, test_rng *rng) {
  const size_t cm = pr->channels * pr->p.depth_multiplier;
  float *kernel = xmalloc(pr->p.kernel_size * cm), *bias = xmalloc(cm);
  test_fill_uniform(rng, kernel, pr->p.kernel_size * cm, -1.0, 1.0);
  test_fill_uniform(rng, bias, cm, -0.5, 0.5);
  const dwconv1d_status s = dwconv1d_layer_create(&pr->p, pr->channels, kernel, bias, &pr->layer);
  free(kernel);
  free(bias);
  return check(s == DWCONV1D_OK, "layer_create");
}

static void problem_fill_input(problem *pr, test_rng *rng) {
  const size_t n = pr->batch * pr->steps * pr->channels;
  pr->input = xmalloc(n);
  test_fill_uniform(rng, pr->input, n, -2.0, 2.0);
}

static void problem_free(problem *pr) {
  dwconv1d_layer_destroy(pr->layer);
  free(pr->input);
  pr->layer = NULL;
  pr->input = NULL;
}

static void describe(const problem *pr, char *buf, size_t size) {
  snprintf(buf, size,
           "K=%zu s=%zu d=%zu M=%zu %s %s bias=%d act=%s C=%zu B=%zu T=%zu",
           pr->p.kernel_size, pr->p.strides, pr->p.dilation_rate, pr->p.depth_multiplier,
           pr->p.padding == DWCONV1D_PADDING_CAUSAL ? "causal" : "valid",
           channels_first(pr) ? "channels_first" : "channels_last", (int)pr->p.use_bias,
           dwconv1d_activation_name(pr->p.activation), pr->channels, pr->batch, pr->steps);
}

/* Steps [t0, t0 + n) of every sequence of `src` (total `steps` steps), as a
 * (batch, n, C) or (batch, C, n) chunk. */
static void slice_steps(const problem *pr, const float *src, size_t steps, size_t t0, size_t n,
                        float *dst) {
  const size_t c = pr->channels;
  for (size_t b = 0; b < pr->batch; b++) {
    const float *s = src + b * steps * c;
    float *d = dst + b * n * c;
    if (channels_first(pr)) {
      for (size_t ch = 0; ch < c; ch++)
        memcpy(d + ch * n, s + ch * steps + t0, n * sizeof(float));
    } else {
      memcpy(d, s + t0 * c, n * c * sizeof(float));
    }
  }
}

/* Places a push's (batch, n, CMo) or (batch, CMo, n) output at output steps
 * [t0, t0 + n) of a whole output of `total` steps. */
static void place_steps(const problem *pr, const float *src, size_t t0, size_t n, size_t total,
                        float *dst) {
  const size_t cm = out_channels_of(pr);
  for (size_t b = 0; b < pr->batch; b++) {
    const float *s = src + b * n * cm;
    float *d = dst + b * total * cm;
    if (channels_first(pr)) {
      for (size_t ch = 0; ch < cm; ch++)
        memcpy(d + ch * total + t0, s + ch * n, n * sizeof(float));
    } else {
      memcpy(d + t0 * cm, s, n * cm * sizeof(float));
    }
  }
}

/* Chunk lengths that favour the edges: 0, 1, a few, then longer. */
static size_t random_chunk(test_rng *rng) {
  switch (test_rng_range(rng, 0, 7)) {
  case 0: return 0;
  case 1:
  case 2: return 1;
  case 3: return test_rng_range(rng, 2, 4);
  case 4:
  case 5: return test_rng_range(rng, 1, 12);
  default: return test_rng_range(rng, 1, 90);
  }
}

/* The forward pass over the whole sequences: *out_steps and a new buffer,
 * or NULL with *out_steps = 0 when they are too short for a valid output. */
static float *forward_whole(const problem *pr, size_t *out_steps) {
  size_t shape[3];
  *out_steps = 0;
  if (dwconv1d_output_shape(&pr->p, pr->batch, pr->channels, pr->steps, shape) != DWCONV1D_OK)
    return NULL;
  *out_steps = channels_first(pr) ? shape[2] : shape[1];
  if (pr->p.activation == DWCONV1D_ACTIVATION_GLU && channels_first(pr))
    *out_steps *= 2;
  float *y = xmalloc(shape[0] * shape[1] * shape[2]);
  if (dwconv1d_layer_forward(pr->layer, pr->batch, pr->steps, pr->input, y) != DWCONV1D_OK) {
    check(false, "layer_forward on the whole sequence");
    free(y);
    *out_steps = 0;
    return NULL;
  }
  return y;
}

/* Buffers for one push of up to the whole sequences. */
typedef struct chunk_buffers {
  float *in, *out;
} chunk_buffers;

static chunk_buffers chunk_buffers_make(const problem *pr) {
  return (chunk_buffers){
      .in = xmalloc(pr->batch * pr->steps * pr->channels),
      .out = xmalloc(pr->batch * pr->steps * pr->channels * pr->p.depth_multiplier),
  };
}

static void chunk_buffers_free(chunk_buffers *b) {
  free(b->in);
  free(b->out);
}

/* Pushes steps [t, t + n) of the problem's input into `stream`, placing the
 * outputs into `whole` (total `total` output steps) from output step *done
 * on. Checks output_steps' forecast. */
static bool push_slice(const problem *pr, dwconv1d_stream *stream, size_t t, size_t n,
                       const chunk_buffers *buf, float *whole, size_t total, size_t *done) {
  slice_steps(pr, pr->input, pr->steps, t, n, buf->in);
  size_t forecast = SIZE_MAX, got = SIZE_MAX;
  const bool ok =
      check(dwconv1d_stream_output_steps(stream, n, &forecast) == DWCONV1D_OK,
            "stream_output_steps") &&
      check(dwconv1d_stream_push(stream, n, buf->in, buf->out, &got) == DWCONV1D_OK,
            "stream_push") &&
      check(got == forecast, "push completes what output_steps forecast") &&
      check(*done + got <= total, "a push completes no more outputs than the forward has");
  if (ok)
    place_steps(pr, buf->out, *done, got, total, whole);
  *done += ok ? got : 0;
  return ok;
}

/* Pushes steps [t0, t1) of the problem's input into `stream` in random
 * chunks (see push_slice). */
static bool push_range(const problem *pr, dwconv1d_stream *stream, size_t t0, size_t t1,
                       test_rng *rng, float *whole, size_t total, size_t *done) {
  chunk_buffers buf = chunk_buffers_make(pr);
  bool ok = true;
  for (size_t t = t0; t < t1 && ok;) {
    size_t n = random_chunk(rng);
    n = n < t1 - t ? n : t1 - t;
    ok = push_slice(pr, stream, t, n, &buf, whole, total, done);
    t += n;
  }
  chunk_buffers_free(&buf);
  return ok;
}

static bool same_bits(const float *a, const float *b, size_t n, size_t *first) {
  for (size_t i = 0; i < n; i++) {
    if (memcmp(a + i, b + i, sizeof(float)) != 0) {
      *first = i;
      return false;
    }
  }
  return true;
}

/* Compares a streamed output with the forward's; prints where they differ. */
static bool check_whole(const problem *pr, const float *got, const float *expected,
                        size_t total, const char *what) {
  size_t first = 0;
  const size_t n = pr->batch * total * out_channels_of(pr);
  if (same_bits(got, expected, n, &first))
    return check(true, what);
  char desc[256];
  describe(pr, desc, sizeof desc);
  printf("FAIL [%s] %s: %s: element %zu of %zu: expected %a, got %a\n", current_isa, what, desc,
         first, n, (double)expected[first], (double)got[first]);
  return test_count(&counts, false);
}

/* ------------------------------------------------------------------ */
/* Exactness over random chunkings                                     */

static void random_problem(test_rng *rng, problem *pr) {
  static const size_t channel_choices[] = {1, 2, 3, 5, 16, 17, 33, 40};
  static const size_t stride_choices[] = {1, 1, 1, 2, 3, 5};
  memset(pr, 0, sizeof *pr);
  pr->p = dwconv1d_params_default(test_rng_range(rng, 1, 5));
  pr->p.strides = stride_choices[test_rng_range(rng, 0, 5)];
  pr->p.dilation_rate = pr->p.strides > 1 ? 1 : test_rng_range(rng, 1, 3);
  pr->p.depth_multiplier = test_rng_range(rng, 1, 3);
  pr->p.padding = test_rng_range(rng, 0, 2) ? DWCONV1D_PADDING_CAUSAL : DWCONV1D_PADDING_VALID;
  pr->p.data_format = test_rng_range(rng, 0, 1) ? DWCONV1D_CHANNELS_FIRST : DWCONV1D_CHANNELS_LAST;
  pr->p.use_bias = test_rng_range(rng, 0, 1);
  const size_t n_activations = sizeof activations / sizeof *activations;
  pr->p.activation = activations[test_rng_range(rng, 0, n_activations - 1)];
  pr->channels = channel_choices[test_rng_range(rng, 0, 7)];
  const bool axis = pr->p.activation >= DWCONV1D_ACTIVATION_SOFTMAX;
  if (axis && channels_first(pr))
    pr->p.activation = DWCONV1D_ACTIVATION_SILU; /* refused; tested with the errors */
  if (pr->p.activation == DWCONV1D_ACTIVATION_GLU && pr->channels * pr->p.depth_multiplier % 2)
    pr->channels++;
  pr->batch = test_rng_range(rng, 1, 3);
  pr->steps = test_rng_range(rng, 1, 120);
}

/* One problem: the whole sequences in random chunks equal one forward. */
static void check_chunked(problem *pr, test_rng *rng, const char *what) {
  size_t total = 0;
  float *expected = forward_whole(pr, &total);
  dwconv1d_stream *stream = NULL;
  if (!check(dwconv1d_stream_create(pr->layer, pr->batch, &stream) == DWCONV1D_OK,
             "stream_create")) {
    free(expected);
    return;
  }
  float *got = xmalloc(pr->batch * (total ? total : 1) * out_channels_of(pr));
  size_t done = 0;
  if (push_range(pr, stream, 0, pr->steps, rng, got, total, &done) &&
      check(done == total, "the pushes complete every output of the forward") && total > 0)
    check_whole(pr, got, expected, total, what);
  dwconv1d_stream_destroy(stream);
  free(got);
  free(expected);
}

static void test_random_chunkings(test_rng *rng, size_t cases) {
  for (size_t i = 0; i < cases; i++) {
    problem pr;
    random_problem(rng, &pr);
    if (problem_make_layer(&pr, rng)) {
      problem_fill_input(&pr, rng);
      check_chunked(&pr, rng, "random chunking == forward");
    }
    problem_free(&pr);
  }
}

/* Wide layers: channel tiles, an input channel's copies split between two
 * tiles (M = 3); batches larger than a decoding group; long kernels. */
static void test_wide_layers(test_rng *rng) {
  static const struct {
    size_t channels, multiplier, kernel, dilation, batch;
    dwconv1d_data_format format;
    dwconv1d_activation activation;
  } wide[] = {
      {700, 3, 4, 1, 2, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_SILU},
      {700, 1, 4, 1, 2, DWCONV1D_CHANNELS_FIRST, DWCONV1D_ACTIVATION_SILU},
      {1030, 1, 4, 1, 2, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_SILU},
      {300, 2, 3, 40, 2, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_GLU},
      {520, 3, 8, 1, 2, DWCONV1D_CHANNELS_FIRST, DWCONV1D_ACTIVATION_LINEAR},
      /* more sequences than one-step decoding convolves together */
      {37, 1, 4, 1, 19, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_SILU},
      {37, 2, 3, 2, 17, DWCONV1D_CHANNELS_FIRST, DWCONV1D_ACTIVATION_TANH},
      {40, 1, 4, 1, 18, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_SOFTMAX},
      /* windows of 256 steps and more: only the taps' rows are gathered */
      {60, 2, 3, 150, 2, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_SILU},
      {20, 2, 5, 80, 2, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_GLU},
      {24, 1, 4, 100, 2, DWCONV1D_CHANNELS_FIRST, DWCONV1D_ACTIVATION_LINEAR},
      /* long kernels: forward blocks of 12 steps (32-register ISAs) against
       * the steps a stream computes alone; whole vectors and a tail */
      {67, 1, 31, 1, 2, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_SILU},
      {40, 1, 17, 1, 1, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_LINEAR},
      {35, 1, 51, 1, 2, DWCONV1D_CHANNELS_LAST, DWCONV1D_ACTIVATION_RELU},
      {50, 1, 33, 1, 2, DWCONV1D_CHANNELS_FIRST, DWCONV1D_ACTIVATION_GELU},
  };
  for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) {
    problem pr = {.channels = wide[i].channels, .batch = wide[i].batch, .steps = 150};
    pr.p = dwconv1d_params_default(wide[i].kernel);
    pr.p.padding = DWCONV1D_PADDING_CAUSAL;
    pr.p.depth_multiplier = wide[i].multiplier;
    pr.p.dilation_rate = wide[i].dilation;
    pr.p.data_format = wide[i].format;
    pr.p.activation = wide[i].activation;
    if (problem_make_layer(&pr, rng)) {
      problem_fill_input(&pr, rng);
      check_chunked(&pr, rng, "wide layer, random chunking == forward");
    }
    problem_free(&pr);
  }
}

/* ------------------------------------------------------------------ */
/* State and phase                                                     */

/* The state a stream must hold after `pushed` steps of sequence b: its last
 * H steps, zeros before step 0. */
static void expected_state(const problem *pr, size_t b, size_t pushed, size_t h, float *dst) {
  const size_t c = pr->channels;
  const float *x = pr->input + b * pr->steps * c;
  for (size_t r = 0; r < h; r++) {
    for (size_t ch = 0; ch < c; ch++) {
      const bool before = pushed + r < h;
      const size_t t = pushed + r - h;
      dst[r * c + ch] = before ? 0.0f : channels_first(pr) ? x[ch * pr->steps + t] : x[t * c + ch];
    }
  }
}

/* Two streams over the problem's layer, run side by side against the
 * forward (`total` output steps), and the buffers a hand-over uses. */
typedef struct stream_pair {
  dwconv1d_stream *first, *second;
  float *expected, *via_first, *via_second; /* whole outputs of `alloc` floats */
  float *state, *want;                      /* one state, H x C */
  size_t total, alloc;
} stream_pair;

/* False (and nothing to free) if a stream is refused. */
static bool stream_pair_make(const problem *pr, size_t h, stream_pair *sp) {
  memset(sp, 0, sizeof *sp);
  if (!check(dwconv1d_stream_create(pr->layer, pr->batch, &sp->first) == DWCONV1D_OK &&
                 dwconv1d_stream_create(pr->layer, pr->batch, &sp->second) == DWCONV1D_OK,
             "stream_create")) {
    dwconv1d_stream_destroy(sp->first);
    dwconv1d_stream_destroy(sp->second);
    return false;
  }
  sp->expected = forward_whole(pr, &sp->total);
  sp->alloc = pr->batch * (sp->total ? sp->total : 1) * out_channels_of(pr);
  sp->via_first = xmalloc(sp->alloc);
  sp->via_second = xmalloc(sp->alloc);
  memset(sp->via_first, 0, sp->alloc * sizeof(float));
  sp->state = xmalloc(h * pr->channels);
  sp->want = xmalloc(h * pr->channels);
  return true;
}

static void stream_pair_free(stream_pair *sp) {
  dwconv1d_stream_destroy(sp->first);
  dwconv1d_stream_destroy(sp->second);
  free(sp->expected);
  free(sp->via_first);
  free(sp->via_second);
  free(sp->state);
  free(sp->want);
}

/* After both streams completed `done` and `done_second` outputs: each
 * stream's outputs are the forward's. */
static void stream_pair_check(const problem *pr, const stream_pair *sp, size_t done,
                              size_t done_second, const char *what_first,
                              const char *what_second) {
  if (check(done == sp->total && done_second == sp->total, "every output completed") &&
      sp->total > 0) {
    check_whole(pr, sp->via_first, sp->expected, sp->total, what_first);
    check_whole(pr, sp->via_second, sp->expected, sp->total, what_second);
  }
}

/* Prefill a random prefix, check the state's layout, hand states and phase to
 * a fresh stream, continue both: each matches the forward. */
static void check_handover(problem *pr, test_rng *rng) {
  size_t h = 0;
  stream_pair sp;
  if (!check(dwconv1d_stream_state_steps(pr->layer, &h) == DWCONV1D_OK, "stream_state_steps") ||
      !check(h == span_of(&pr->p) - 1, "state steps == dilation_rate * (kernel_size - 1)") ||
      !stream_pair_make(pr, h, &sp))
    return;
  const size_t split = test_rng_range(rng, 0, pr->steps);
  size_t done = 0, phase = SIZE_MAX;
  bool ok = push_range(pr, sp.first, 0, split, rng, sp.via_first, sp.total, &done);
  for (size_t b = 0; ok && b < pr->batch; b++) {
    expected_state(pr, b, split, h, sp.want);
    size_t at = 0;
    ok = check(dwconv1d_stream_get_state(sp.first, b, sp.state) == DWCONV1D_OK,
               "stream_get_state") &&
         check(same_bits(sp.state, sp.want, h * pr->channels, &at),
               "the state is the last H input steps, oldest first, channels contiguous") &&
         check(dwconv1d_stream_set_state(sp.second, b, sp.state) == DWCONV1D_OK,
               "stream_set_state");
  }
  ok = ok &&
       check(dwconv1d_stream_get_phase(sp.first, &phase) == DWCONV1D_OK, "stream_get_phase") &&
       check(dwconv1d_stream_set_phase(sp.second, phase) == DWCONV1D_OK, "stream_set_phase");
  if (ok) {
    /* The second stream's earlier outputs are the first's; it continues
     * from the hand-over with the same chunks. */
    memcpy(sp.via_second, sp.via_first, sp.alloc * sizeof(float));
    size_t done_second = done;
    test_rng replay = *rng;
    if (push_range(pr, sp.first, split, pr->steps, rng, sp.via_first, sp.total, &done) &&
        push_range(pr, sp.second, split, pr->steps, &replay, sp.via_second, sp.total,
                   &done_second))
      stream_pair_check(pr, &sp, done, done_second, "prefill, continue == forward",
                        "state and phase handed to a new stream");
  }
  stream_pair_free(&sp);
}

static void test_handover(test_rng *rng, size_t cases) {
  for (size_t i = 0; i < cases; i++) {
    problem pr;
    random_problem(rng, &pr);
    if (problem_make_layer(&pr, rng)) {
      problem_fill_input(&pr, rng);
      check_handover(&pr, rng);
    }
    problem_free(&pr);
  }
}

/* ------------------------------------------------------------------ */
/* Long decoding                                                       */

/* Hands every row's state and the phase of `from` to `to`. */
static bool hand_over(const problem *pr, dwconv1d_stream *from, dwconv1d_stream *to,
                      float *state) {
  size_t phase = SIZE_MAX;
  bool ok = check(dwconv1d_stream_get_phase(from, &phase) == DWCONV1D_OK, "stream_get_phase") &&
            check(dwconv1d_stream_set_phase(to, phase) == DWCONV1D_OK, "stream_set_phase");
  for (size_t b = 0; ok && b < pr->batch; b++)
    ok = check(dwconv1d_stream_get_state(from, b, state) == DWCONV1D_OK, "stream_get_state") &&
         check(dwconv1d_stream_set_state(to, b, state) == DWCONV1D_OK, "stream_set_state");
  return ok;
}

/* One-step pushes of random steps into `stream` until it has decoded 1 to
 * H + 1 of them: a stream keeps its states where its decoding left them
 * (src/stream.c: they slide one row a step and move back every H + 2). */
static bool decode_noise(const problem *pr, dwconv1d_stream *stream, test_rng *rng, size_t h) {
  const size_t c = pr->channels, cm = c * pr->p.depth_multiplier;
  float *x = xmalloc(pr->batch * c), *y = xmalloc(pr->batch * cm);
  size_t decoded = 0, got = 0;
  const size_t want = test_rng_range(rng, 1, h + 1);
  bool ok = true;
  for (int i = 0; ok && decoded < want; i++) {
    test_fill_uniform(rng, x, pr->batch * c, -2.0, 2.0);
    ok = check(dwconv1d_stream_push(stream, 1, x, y, &got) == DWCONV1D_OK, "stream_push");
    decoded += got;
  }
  free(x);
  free(y);
  return ok;
}

/* Runs of one-step pushes longer than H + 2 with chunks between them: after
 * every push each row's state is its last H steps; at a random step the
 * states go to a stream whose own decoding left its states elsewhere; both
 * streams' outputs are the forward's. */
static void check_long_decoding(problem *pr, test_rng *rng) {
  const size_t h = span_of(&pr->p) - 1, c = pr->channels;
  stream_pair sp;
  if (!stream_pair_make(pr, h, &sp))
    return;
  chunk_buffers buf = chunk_buffers_make(pr);
  const size_t split = test_rng_range(rng, 1, pr->steps - 1);
  size_t done = 0, done_second = 0;
  bool ok = decode_noise(pr, sp.second, rng, h), handed = false;
  for (size_t t = 0; ok && t < pr->steps;) {
    if (!handed && t >= split) {
      ok = hand_over(pr, sp.first, sp.second, sp.state);
      memcpy(sp.via_second, sp.via_first, sp.alloc * sizeof(float));
      done_second = done;
      handed = true;
    }
    size_t n = test_rng_range(rng, 0, 7) == 0 ? test_rng_range(rng, 2, 9) : 1;
    const size_t end = t < split ? split : pr->steps; /* no chunk passes the hand-over */
    n = n < end - t ? n : end - t;
    ok = ok && push_slice(pr, sp.first, t, n, &buf, sp.via_first, sp.total, &done) &&
         (!handed || push_slice(pr, sp.second, t, n, &buf, sp.via_second, sp.total,
                                &done_second));
    t += n;
    for (size_t b = 0; ok && b < pr->batch; b++) {
      size_t at;
      expected_state(pr, b, t, h, sp.want);
      ok = check(dwconv1d_stream_get_state(sp.first, b, sp.state) == DWCONV1D_OK,
                 "stream_get_state") &&
           check(same_bits(sp.state, sp.want, h * c, &at),
                 "while decoding, the state is the last H input steps");
    }
  }
  if (ok)
    stream_pair_check(pr, &sp, done, done_second, "long decoding == forward",
                      "long decoding handed over == forward");
  chunk_buffers_free(&buf);
  stream_pair_free(&sp);
}

static void test_long_decoding(test_rng *rng, size_t cases) {
  static const size_t channel_choices[] = {1, 5, 16, 17, 40, 300};
  for (size_t i = 0; i < cases; i++) {
    problem pr = {.channels = channel_choices[test_rng_range(rng, 0, 5)],
                  .batch = test_rng_range(rng, 1, 6)};
    pr.p = dwconv1d_params_default(test_rng_range(rng, 2, 5));
    pr.p.dilation_rate = test_rng_range(rng, 1, 3);
    pr.p.padding = test_rng_range(rng, 0, 1) ? DWCONV1D_PADDING_CAUSAL : DWCONV1D_PADDING_VALID;
    pr.p.data_format = test_rng_range(rng, 0, 1) ? DWCONV1D_CHANNELS_FIRST : DWCONV1D_CHANNELS_LAST;
    pr.p.activation =
        test_rng_range(rng, 0, 1) ? DWCONV1D_ACTIVATION_SILU : DWCONV1D_ACTIVATION_LINEAR;
    pr.steps = 4 * (span_of(&pr.p) + 1) + test_rng_range(rng, 0, 10); /* H + 2 = span + 1 */
    if (problem_make_layer(&pr, rng)) {
      problem_fill_input(&pr, rng);
      check_long_decoding(&pr, rng);
    }
    problem_free(&pr);
  }
}

/* ------------------------------------------------------------------ */
/* Reset                                                               */

/* Reset, then the whole sequences again: the forward's outputs. */
static void test_reset(test_rng *rng) {
  problem pr;
  random_problem(rng, &pr);
  if (problem_make_layer(&pr, rng)) {
    problem_fill_input(&pr, rng);
    size_t total = 0;
    float *expected = forward_whole(&pr, &total);
    dwconv1d_stream *stream = NULL;
    if (check(dwconv1d_stream_create(pr.layer, pr.batch, &stream) == DWCONV1D_OK,
              "stream_create")) {
      float *got = xmalloc(pr.batch * (total ? total : 1) * out_channels_of(&pr));
      size_t done = 0;
      push_range(&pr, stream, 0, test_rng_range(rng, 0, pr.steps), rng, got, total, &done);
      done = 0;
      if (check(dwconv1d_stream_reset(stream) == DWCONV1D_OK, "stream_reset") &&
          push_range(&pr, stream, 0, pr.steps, rng, got, total, &done) &&
          check(done == total, "after reset, every output again") && total > 0)
        check_whole(&pr, got, expected, total, "reset, then the sequence == forward");
      free(got);
    }
    dwconv1d_stream_destroy(stream);
    free(expected);
  }
  problem_free(&pr);
}

/* One push of `n` steps from `x` (batch x n x C in the layer's layout). */
static bool push_all(dwconv1d_stream *s, size_t n, const float *x, float *y) {
  size_t got = 0;
  return check(dwconv1d_stream_push(s, n, x, y, &got) == DWCONV1D_OK, "stream_push") &&
         check(got == n, "a causal strides-1 push completes one output per step");
}

/* push_all one step at a time: decoding, whose states slide. */
static bool push_each_step(const problem *pr, dwconv1d_stream *s, size_t n, const float *x,
                           float *y) {
  const size_t c = pr->channels;
  float *in = xmalloc(pr->batch * c), *out = xmalloc(pr->batch * c);
  bool ok = true;
  for (size_t t = 0; ok && t < n; t++) {
    slice_steps(pr, x, n, t, 1, in);
    ok = push_all(s, 1, in, out);
    place_steps(pr, out, t, 1, n, y);
  }
  free(in);
  free(out);
  return ok;
}

/* Row 1 restarts after a prefix decoded step by step (7 steps: its states
 * lie away from where they started, for any H here): its outputs are a new
 * sequence's, the other rows' are unchanged by it. */
static void test_reset_sequence(test_rng *rng) {
  problem pr = {.channels = 5, .batch = 3, .steps = 1};
  pr.p = dwconv1d_params_default(test_rng_range(rng, 2, 4));
  pr.p.padding = DWCONV1D_PADDING_CAUSAL;
  pr.p.dilation_rate = test_rng_range(rng, 1, 2);
  pr.p.activation = DWCONV1D_ACTIVATION_SILU;
  pr.p.data_format = test_rng_range(rng, 0, 1) ? DWCONV1D_CHANNELS_FIRST : DWCONV1D_CHANNELS_LAST;
  if (!problem_make_layer(&pr, rng)) {
    problem_free(&pr);
    return;
  }
  const size_t prefix = 7, rest = 6, c = pr.channels;
  float *x_prefix = xmalloc(pr.batch * prefix * c), *x_rest = xmalloc(pr.batch * rest * c);
  float *y_prefix = xmalloc(pr.batch * prefix * c);
  float *y_reset = xmalloc(pr.batch * rest * c), *y_kept = xmalloc(pr.batch * rest * c),
        *y_fresh = xmalloc(pr.batch * rest * c);
  test_fill_uniform(rng, x_prefix, pr.batch * prefix * c, -1.0, 1.0);
  test_fill_uniform(rng, x_rest, pr.batch * rest * c, -1.0, 1.0);
  dwconv1d_stream *reset = NULL, *kept = NULL, *fresh = NULL;
  if (check(dwconv1d_stream_create(pr.layer, pr.batch, &reset) == DWCONV1D_OK &&
                dwconv1d_stream_create(pr.layer, pr.batch, &kept) == DWCONV1D_OK &&
                dwconv1d_stream_create(pr.layer, pr.batch, &fresh) == DWCONV1D_OK,
            "stream_create") &&
      push_each_step(&pr, reset, prefix, x_prefix, y_prefix) &&
      push_each_step(&pr, kept, prefix, x_prefix, y_prefix) &&
      check(dwconv1d_stream_reset_sequence(reset, 1) == DWCONV1D_OK, "stream_reset_sequence") &&
      push_each_step(&pr, reset, rest, x_rest, y_reset) &&
      push_each_step(&pr, kept, rest, x_rest, y_kept) &&
      push_all(fresh, rest, x_rest, y_fresh)) {
    const size_t row = rest * c; /* one row's output floats (M = 1) */
    size_t at;
    check(same_bits(y_reset, y_kept, row, &at) &&
              same_bits(y_reset + 2 * row, y_kept + 2 * row, row, &at),
          "reset_sequence leaves the other rows alone");
    check(same_bits(y_reset + row, y_fresh + row, row, &at),
          "reset_sequence restarts its row from a zero history");
  }
  dwconv1d_stream_destroy(reset);
  dwconv1d_stream_destroy(kept);
  dwconv1d_stream_destroy(fresh);
  free(x_prefix);
  free(x_rest);
  free(y_prefix);
  free(y_reset);
  free(y_kept);
  free(y_fresh);
  problem_free(&pr);
}

/* ------------------------------------------------------------------ */
/* The state-pool call                                                 */

static const float sentinel = -1234.5f;
enum { max_batch = 20 }; /* of the pool tests: over two decoding groups */

/* The pool call against a stream holding the same states: equal outputs for
 * the rows that run, untouched outputs and slots for the rows skipped. */
static void check_pool_against_stream(problem *pr, test_rng *rng) {
  size_t h = 0;
  dwconv1d_stream *stream = NULL;
  if (!check(dwconv1d_stream_state_steps(pr->layer, &h) == DWCONV1D_OK, "stream_state_steps") ||
      !check(dwconv1d_stream_create(pr->layer, pr->batch, &stream) == DWCONV1D_OK,
             "stream_create"))
    return;
  const size_t c = pr->channels, slot = h * c, slots = pr->batch + 2;
  float *pool = xmalloc(slots * slot), *initial = xmalloc(slots * slot), *state = xmalloc(slot);
  test_fill_uniform(rng, pool, slots * slot, -1.0, 1.0);
  memcpy(initial, pool, slots * slot * sizeof(float));
  ptrdiff_t index[max_batch];
  bool named[max_batch + 2] = {false};
  for (size_t b = 0; b < pr->batch; b++) {
    ptrdiff_t pick = -1;
    if (b == 0 || test_rng_range(rng, 0, 3) != 0) { /* distinct slots, some rows skipped */
      do
        pick = (ptrdiff_t)test_rng_range(rng, 0, slots - 1);
      while (named[pick]);
      named[pick] = true;
    }
    index[b] = pick;
    if (pick >= 0)
      check(dwconv1d_stream_set_state(stream, b, pool + (size_t)pick * slot) == DWCONV1D_OK,
            "stream_set_state");
  }
  check(dwconv1d_stream_set_phase(stream, 0) == DWCONV1D_OK, "stream_set_phase(0)");
  const size_t cm = out_channels_of(pr), max_steps = 9;
  float *x = xmalloc(pr->batch * max_steps * c);
  float *y_pool = xmalloc(pr->batch * max_steps * cm);
  float *y_stream = xmalloc(pr->batch * max_steps * cm);
  bool ok = true;
  for (int push = 0; push < 6 && ok; push++) {
    const size_t n = push < 3 ? (size_t)(push == 1 ? 0 : 1) : test_rng_range(rng, 1, max_steps);
    test_fill_uniform(rng, x, pr->batch * n * c, -2.0, 2.0);
    for (size_t i = 0; i < pr->batch * max_steps * cm; i++)
      y_pool[i] = sentinel;
    ok = check(dwconv1d_stream_pool_push(pr->layer, pr->batch, n, x, y_pool, pool, slots, index) ==
                   DWCONV1D_OK,
               "stream_pool_push") &&
         push_all(stream, n, x, y_stream);
    for (size_t b = 0; ok && b < pr->batch; b++) {
      const float *yp = y_pool + b * n * cm, *ys = y_stream + b * n * cm;
      size_t at;
      if (index[b] >= 0) {
        ok = check(same_bits(yp, ys, n * cm, &at), "pool call == stream for the rows that run");
      } else {
        bool untouched = true;
        for (size_t i = 0; i < n * cm; i++)
          untouched = untouched && yp[i] == sentinel;
        ok = check(untouched, "a skipped row's output is untouched");
      }
    }
  }
  for (size_t i = 0; ok && i < slots; i++) {
    size_t at;
    bool row_named = false;
    for (size_t b = 0; b < pr->batch; b++) {
      if (index[b] == (ptrdiff_t)i) {
        row_named = true;
        dwconv1d_stream_get_state(stream, b, state);
        ok = check(same_bits(pool + i * slot, state, slot, &at), "a slot holds the stream's state");
      }
    }
    if (!row_named)
      ok = check(same_bits(pool + i * slot, initial + i * slot, slot, &at),
                 "a slot no row names is untouched");
  }
  dwconv1d_stream_destroy(stream);
  free(pool);
  free(initial);
  free(state);
  free(x);
  free(y_pool);
  free(y_stream);
}

/* Decoding one step at a time from zeroed slots is the causal forward. */
static void check_pool_decode_from_zero(problem *pr) {
  size_t h = 0, total = 0;
  float *expected = forward_whole(pr, &total);
  if (!check(dwconv1d_stream_state_steps(pr->layer, &h) == DWCONV1D_OK, "stream_state_steps")) {
    free(expected);
    return;
  }
  const size_t c = pr->channels, cm = out_channels_of(pr), slot = h * c;
  /* Row b uses slot batch-1-b: the order of slots is the caller's. */
  ptrdiff_t index[max_batch];
  for (size_t b = 0; b < pr->batch; b++)
    index[b] = (ptrdiff_t)(pr->batch - 1 - b);
  float *pool = xmalloc(pr->batch * slot);
  memset(pool, 0, pr->batch * slot * sizeof(float));
  float *x = xmalloc(pr->batch * c), *y = xmalloc(pr->batch * cm);
  float *got = xmalloc(pr->batch * total * cm);
  bool ok = true;
  for (size_t t = 0; t < pr->steps && ok; t++) {
    slice_steps(pr, pr->input, pr->steps, t, 1, x);
    ok = check(dwconv1d_stream_pool_push(pr->layer, pr->batch, 1, x, y, h ? pool : NULL,
                                         pr->batch, index) == DWCONV1D_OK,
               "stream_pool_push, one step");
    place_steps(pr, y, t, 1, total, got);
  }
  if (ok)
    check_whole(pr, got, expected, total, "pool decode from zero slots == causal forward");
  free(pool);
  free(x);
  free(y);
  free(got);
  free(expected);
}

static void test_pool(test_rng *rng, size_t cases) {
  for (size_t i = 0; i < cases; i++) {
    problem pr;
    random_problem(rng, &pr);
    pr.p.strides = 1;
    pr.batch = test_rng_range(rng, 0, 2) ? test_rng_range(rng, 1, 5)
                                          : test_rng_range(rng, 9, max_batch);
    if (problem_make_layer(&pr, rng)) {
      check_pool_against_stream(&pr, rng);
      if (pr.p.padding == DWCONV1D_PADDING_CAUSAL) {
        pr.steps = test_rng_range(rng, 1, 20);
        problem_fill_input(&pr, rng);
        check_pool_decode_from_zero(&pr);
      }
    }
    problem_free(&pr);
  }
}

/* ------------------------------------------------------------------ */
/* Refusals                                                            */

/* `s` must be INVALID_ARGUMENT with a message naming `word`. */
static void expect_refusal(dwconv1d_status s, const char *word, const char *call) {
  const char *msg = dwconv1d_last_error();
  const bool ok = s == DWCONV1D_ERROR_INVALID_ARGUMENT && strstr(msg, word) != NULL;
  if (!ok)
    printf("FAIL [%s] %s: expected INVALID_ARGUMENT naming \"%s\", got %s: \"%s\"\n",
           current_isa, call, word, dwconv1d_status_string(s), msg);
  test_count(&counts, ok);
}

static dwconv1d_layer *layer_with(dwconv1d_params p, size_t channels) {
  const size_t cm = channels * p.depth_multiplier;
  float *kernel = xmalloc(p.kernel_size * cm), *bias = xmalloc(cm);
  for (size_t i = 0; i < p.kernel_size * cm; i++)
    kernel[i] = 0.25f;
  for (size_t i = 0; i < cm; i++)
    bias[i] = 0.5f;
  dwconv1d_layer *layer = NULL;
  check(dwconv1d_layer_create(&p, channels, kernel, bias, &layer) == DWCONV1D_OK, "layer_create");
  free(kernel);
  free(bias);
  return layer;
}

static void test_refusals(void) {
  dwconv1d_params p = dwconv1d_params_default(3);
  p.padding = DWCONV1D_PADDING_CAUSAL;
  dwconv1d_layer *causal = layer_with(p, 4);
  p.strides = 2;
  dwconv1d_layer *strided = layer_with(p, 4);
  p.strides = 1;
  p.padding = DWCONV1D_PADDING_SAME;
  dwconv1d_layer *same = layer_with(p, 4);
  p.padding = DWCONV1D_PADDING_CAUSAL;
  p.data_format = DWCONV1D_CHANNELS_FIRST;
  p.activation = DWCONV1D_ACTIVATION_SOFTMAX;
  dwconv1d_layer *first_softmax = layer_with(p, 4);
  p.data_format = DWCONV1D_CHANNELS_LAST;
  p.activation = DWCONV1D_ACTIVATION_GLU;
  dwconv1d_layer *odd_glu = layer_with(p, 3);
  dwconv1d_stream *stream = NULL, *stream2 = NULL;
  if (causal == NULL || strided == NULL || same == NULL || first_softmax == NULL ||
      odd_glu == NULL ||
      !check(dwconv1d_stream_create(causal, 2, &stream) == DWCONV1D_OK &&
                 dwconv1d_stream_create(strided, 1, &stream2) == DWCONV1D_OK,
             "stream_create"))
    goto done;
  float x[2 * 4 * 4] = {0}, y[2 * 4 * 4], state[2 * 4];
  size_t n;
  ptrdiff_t index[2] = {0, 1}, far[2] = {0, 2};
  dwconv1d_stream *never = (dwconv1d_stream *)&n; /* must stay unwritten */
  dwconv1d_stream **out = &never;

  expect_refusal(dwconv1d_stream_create(NULL, 1, out), "layer", "create(NULL layer)");
  expect_refusal(dwconv1d_stream_create(causal, 1, NULL), "out", "create(NULL out)");
  expect_refusal(dwconv1d_stream_create(same, 1, out), "padding", "create(same padding)");
  expect_refusal(dwconv1d_stream_create(first_softmax, 1, out), "activation",
                 "create(channels_first softmax)");
  expect_refusal(dwconv1d_stream_create(odd_glu, 1, out), "glu", "create(glu, odd C*M)");
  check(never == (dwconv1d_stream *)&n, "a refused create leaves *out alone");

  expect_refusal(dwconv1d_stream_output_steps(NULL, 1, &n), "stream", "output_steps(NULL)");
  expect_refusal(dwconv1d_stream_output_steps(stream, 1, NULL), "out_steps",
                 "output_steps(NULL out_steps)");
  expect_refusal(dwconv1d_stream_push(NULL, 1, x, y, &n), "stream", "push(NULL stream)");
  expect_refusal(dwconv1d_stream_push(stream, 1, NULL, y, &n), "input", "push(NULL input)");
  expect_refusal(dwconv1d_stream_push(stream, 1, x, NULL, &n), "output", "push(NULL output)");
  expect_refusal(dwconv1d_stream_push(stream, SIZE_MAX / 2, x, y, &n), "steps",
                 "push(overflowing steps)");
  expect_refusal(dwconv1d_stream_reset(NULL), "stream", "reset(NULL)");

  expect_refusal(dwconv1d_stream_state_steps(NULL, &n), "layer", "state_steps(NULL layer)");
  expect_refusal(dwconv1d_stream_state_steps(causal, NULL), "steps", "state_steps(NULL steps)");
  expect_refusal(dwconv1d_stream_state_steps(same, &n), "padding", "state_steps(same)");
  expect_refusal(dwconv1d_stream_get_state(NULL, 0, state), "stream", "get_state(NULL)");
  expect_refusal(dwconv1d_stream_get_state(stream, 2, state), "row", "get_state(row 2 of 2)");
  expect_refusal(dwconv1d_stream_get_state(stream, 0, NULL), "dst", "get_state(NULL dst)");
  expect_refusal(dwconv1d_stream_set_state(NULL, 0, state), "stream", "set_state(NULL)");
  expect_refusal(dwconv1d_stream_set_state(stream, 2, state), "row", "set_state(row 2 of 2)");
  expect_refusal(dwconv1d_stream_set_state(stream, 0, NULL), "src", "set_state(NULL src)");
  expect_refusal(dwconv1d_stream_reset_sequence(NULL, 0), "stream", "reset_sequence(NULL)");
  expect_refusal(dwconv1d_stream_reset_sequence(stream, 2), "row", "reset_sequence(row 2)");
  expect_refusal(dwconv1d_stream_get_phase(NULL, &n), "stream", "get_phase(NULL)");
  expect_refusal(dwconv1d_stream_get_phase(stream, NULL), "phase", "get_phase(NULL phase)");
  expect_refusal(dwconv1d_stream_set_phase(NULL, 0), "stream", "set_phase(NULL)");
  expect_refusal(dwconv1d_stream_set_phase(stream, 3), "phase", "set_phase(3 > max(2, 0))");

  /* A window of ~2^60 steps: even an empty batch needs a workspace whose
   * byte count does not fit size_t, so the stream is refused, not wrapped. */
  dwconv1d_params huge = dwconv1d_params_default(2);
  huge.padding = DWCONV1D_PADDING_CAUSAL;
  huge.dilation_rate = SIZE_MAX >> 4;
  dwconv1d_layer *wide = layer_with(huge, 1);
  if (wide != NULL)
    expect_refusal(dwconv1d_stream_create(wide, 0, out), "state steps",
                   "create(batch 0, window of 2^60 steps)");
  dwconv1d_layer_destroy(wide);

  /* A strides-2 stream one step in is mid-stride: its rows cannot restart alone. */
  check(dwconv1d_stream_push(stream2, 1, x, y, &n) == DWCONV1D_OK, "stream_push");
  expect_refusal(dwconv1d_stream_reset_sequence(stream2, 0), "phase",
                 "reset_sequence(mid-stride)");

  float pool[3 * 2 * 4] = {0};
  for (size_t i = 0; i < sizeof y / sizeof *y; i++)
    y[i] = sentinel;
  expect_refusal(dwconv1d_stream_pool_push(NULL, 2, 1, x, y, pool, 3, index), "layer",
                 "pool_push(NULL layer)");
  expect_refusal(dwconv1d_stream_pool_push(same, 2, 1, x, y, pool, 3, index), "padding",
                 "pool_push(same)");
  expect_refusal(dwconv1d_stream_pool_push(strided, 2, 1, x, y, pool, 3, index), "strides",
                 "pool_push(strides 2)");
  expect_refusal(dwconv1d_stream_pool_push(causal, 2, 1, NULL, y, pool, 3, index), "input",
                 "pool_push(NULL input)");
  expect_refusal(dwconv1d_stream_pool_push(causal, 2, 1, x, NULL, pool, 3, index), "output",
                 "pool_push(NULL output)");
  expect_refusal(dwconv1d_stream_pool_push(causal, 2, 1, x, y, NULL, 3, index), "pool",
                 "pool_push(NULL pool)");
  expect_refusal(dwconv1d_stream_pool_push(causal, 2, 1, x, y, pool, 3, NULL), "slot_index",
                 "pool_push(NULL slot_index)");
  expect_refusal(dwconv1d_stream_pool_push(causal, 2, 1, x, y, pool, 2, far), "slot_index[1]",
                 "pool_push(slot 2 of 2)");
  expect_refusal(dwconv1d_stream_pool_push(causal, 2, 1, x, y, pool, SIZE_MAX, index),
                 "pool_slots", "pool_push(overflowing pool_slots)");
  bool untouched = true;
  for (size_t i = 0; i < sizeof y / sizeof *y; i++)
    untouched = untouched && y[i] == sentinel;
  check(untouched, "refused pool calls write no output");
  check(dwconv1d_stream_pool_push(causal, 0, 1, NULL, NULL, NULL, 0, NULL) == DWCONV1D_OK &&
            dwconv1d_stream_pool_push(causal, 2, 0, NULL, NULL, NULL, 0, NULL) == DWCONV1D_OK,
        "pool_push with batch 0 or steps 0 does nothing");
done:
  dwconv1d_stream_destroy(stream);
  dwconv1d_stream_destroy(stream2);
  dwconv1d_layer_destroy(causal);
  dwconv1d_layer_destroy(strided);
  dwconv1d_layer_destroy(same);
  dwconv1d_layer_destroy(first_softmax);
  dwconv1d_layer_destroy(odd_glu);
}

/* ------------------------------------------------------------------ */

int main(void) {
  const uint64_t seed = test_seed(0x5712ea3d1c0ffee5u);
  const size_t cases = test_env_size("DWCONV1D_TEST_CASES", 120);
  for (int isa = TEST_ISA_FIRST; isa <= TEST_ISA_LAST; isa++) {
    current_isa = dwconv1d_isa_name((dwconv1d_isa)isa);
    if (!dwconv1d_isa_supported((dwconv1d_isa)isa)) {
      printf("SKIP %s: not supported by this build and CPU\n", current_isa);
      counts.skipped++;
      continue;
    }
    if (!check(dwconv1d_set_isa((dwconv1d_isa)isa) == DWCONV1D_OK, "set_isa"))
      continue;
    const unsigned long failed_before = counts.failed;
    const double start = test_now();
    test_rng rng = test_rng_make(seed, (uint64_t)isa);
    test_random_chunkings(&rng, cases);
    test_wide_layers(&rng);
    test_handover(&rng, cases / 4);
    test_long_decoding(&rng, cases / 4);
    for (int i = 0; i < 8; i++)
      test_reset(&rng);
    for (int i = 0; i < 8; i++)
      test_reset_sequence(&rng);
    test_pool(&rng, cases / 4);
    test_refusals();
    printf("%s: %s (%.2f s)\n", current_isa, counts.failed == failed_before ? "ok" : "FAILED",
           test_now() - start);
  }
  dwconv1d_reset_isa();
  printf("%lu passed, %lu failed, %lu skipped\n", counts.passed, counts.failed, counts.skipped);
  return counts.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
