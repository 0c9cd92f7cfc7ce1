/* A layer's results do not depend on where its output lies relative to its
 * input: channels_last rows of many channels whose output sits a vector or
 * two past the input modulo 4 KiB take their channel vectors in the other
 * order (see channels_descending in the kernels' template), and must give
 * the same bits as an output placed on a page boundary, on every supported
 * ISA. Nor on its alignment where a call passes the last-level cache:
 * aligned, the output goes around the caches (see stores_nontemporal,
 * steps_stream and rows_stream), a float off it as it comes. Nor
 * on the input's and output's offsets from a vector boundary: channels_last
 * buffers the same distance past one (as malloc leaves them) run on aligned
 * vectors that wrap from one step's last channels into the next step's
 * first (see dwconv1d_layer_conv_rotated in src/layer.c), in a forward call
 * and in a stream's pushes alike. Built with the CPU probe's source, which
 * says the cache's size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dwconv1d.h"

enum { PAGE = 4096 };

static float value(size_t i) { return (float)((i * 2654435761u) % 2001) / 1000.0f - 1.0f; }

struct shape {
  size_t k, dilation, multiplier, channels, steps, batch, threads;
  dwconv1d_padding padding;
  dwconv1d_activation act;
  dwconv1d_data_format format;
};

/* Where a call's input and output start: floats past a page. */
struct placement {
  size_t in, out;
};

/* The tasks in reverse order on the calling thread. */
static void backwards(void *pool, dwconv1d_task_fn task, void *context, size_t count) {
  (void)pool;
  for (size_t i = count; i-- > 0;)
    task(context, i);
}

/* Bytes of whole pages for n floats a page past the first: room for every
 * placement below (at most 528 floats past a page). */
static size_t pages_for(size_t n) { return (n * sizeof(float) + 2 * PAGE - 1) / PAGE * PAGE; }

/* The shape's output (out_n floats) with its input x placed at `at`, into
 * `result`. */
static int forward_placed(const dwconv1d_layer *layer, const struct shape *sh,
                          struct placement at, const float *x, size_t out_n, float *result) {
  const size_t n = sh->batch * sh->steps * sh->channels;
  float *xb = aligned_alloc(PAGE, pages_for(n)), *yb = aligned_alloc(PAGE, pages_for(out_n));
  int rc = -1;
  if (xb != NULL && yb != NULL) {
    memcpy(xb + at.in, x, n * sizeof(float));
    rc = dwconv1d_layer_forward_parallel(layer, sh->batch, sh->steps, xb + at.in, yb + at.out,
                                         backwards, NULL, sh->threads) == DWCONV1D_OK
             ? 0
             : -1;
    memcpy(result, yb + at.out, out_n * sizeof(float));
  }
  free(xb), free(yb);
  return rc;
}

/* A stream's first push: the second then runs its outputs past the state
 * on the chunk in place. */
enum { STREAM_FIRST = 5 };

/* The shape's output (out_n floats) through a stream of `sh->batch`
 * sequences fed its first `first` steps and then the rest, each push's
 * input and output placed at `at`, into `result`. */
static int stream_placed(const dwconv1d_layer *layer, const struct shape *sh,
                         struct placement at, const float *x, size_t first, size_t out_n,
                         float *result) {
  const size_t c = sh->channels, oc = c * sh->multiplier;
  const size_t per_seq = out_n / sh->batch / oc; /* output steps of a sequence */
  float *xb = aligned_alloc(PAGE, pages_for(sh->batch * sh->steps * c));
  float *yb = aligned_alloc(PAGE, pages_for(out_n));
  dwconv1d_stream *stream = NULL;
  int rc = xb != NULL && yb != NULL &&
                   dwconv1d_stream_create(layer, sh->batch, &stream) == DWCONV1D_OK
               ? 0
               : -1;
  size_t done = 0; /* output steps each sequence has */
  for (size_t t0 = 0; rc == 0 && t0 < sh->steps; t0 = first, first = sh->steps) {
    const size_t n = first - t0;
    for (size_t b = 0; b < sh->batch; b++)
      memcpy(xb + at.in + b * n * c, x + (b * sh->steps + t0) * c, n * c * sizeof(float));
    size_t got = 0;
    rc = dwconv1d_stream_push(stream, n, xb + at.in, yb + at.out, &got) == DWCONV1D_OK &&
                 done + got <= per_seq
             ? 0
             : -1;
    for (size_t b = 0; rc == 0 && b < sh->batch; b++)
      memcpy(result + (b * per_seq + done) * oc, yb + at.out + b * got * oc,
             got * oc * sizeof(float));
    done += got;
  }
  dwconv1d_stream_destroy(stream);
  free(xb), free(yb);
  return rc == 0 && done == per_seq ? 0 : -1;
}

/* The shape with input and output at each of `count` placements, against
 * both on a page. */
static int check_placed(dwconv1d_isa isa, const struct shape *sh, const struct placement *at,
                        size_t count) {
  dwconv1d_params p = dwconv1d_params_default(sh->k);
  p.padding = sh->padding;
  p.activation = sh->act;
  p.dilation_rate = sh->dilation;
  p.depth_multiplier = sh->multiplier;
  p.data_format = sh->format;
  const size_t c = sh->channels, n = sh->batch * sh->steps * c;
  size_t shape[3] = {0, 0, 0};
  dwconv1d_output_shape(&p, sh->batch, c, sh->steps, shape);
  const size_t out_n = shape[0] * shape[1] * shape[2], oc = c * sh->multiplier;
  float *kernel = malloc(sh->k * oc * sizeof(float)), *bias = malloc(oc * sizeof(float));
  float *x = malloc(n * sizeof(float)), *want = malloc(out_n * sizeof(float));
  float *got = malloc(out_n * sizeof(float));
  for (size_t i = 0; i < sh->k * oc; i++) kernel[i] = value(i + 7);
  for (size_t i = 0; i < oc; i++) bias[i] = value(i + 3);
  for (size_t i = 0; i < n; i++) x[i] = value(i);
  dwconv1d_layer *layer = NULL;
  int failures = 0;
  if (dwconv1d_layer_create(&p, c, kernel, bias, &layer) != DWCONV1D_OK ||
      forward_placed(layer, sh, (struct placement){0, 0}, x, out_n, want) != 0) {
    fprintf(stderr, "FAIL %s: %s\n", dwconv1d_isa_name(isa), dwconv1d_last_error());
    failures++;
  }
  /* streams (not under same padding) in two pushes, the second long */
  const bool streams = sh->padding != DWCONV1D_PADDING_SAME;
  for (size_t i = 0; !failures && i < count; i++) {
    for (int streamed = 0; streamed <= streams; streamed++) {
      if ((streamed ? stream_placed(layer, sh, at[i], x, STREAM_FIRST, out_n, got)
                    : forward_placed(layer, sh, at[i], x, out_n, got)) == 0 &&
          memcmp(got, want, out_n * sizeof(float)) == 0)
        continue;
      fprintf(stderr,
              "FAIL %s K=%zu d=%zu M=%zu C=%zu T=%zu B=%zu threads=%zu %s%s: input %zu and "
              "output %zu floats past a page differ from both on one\n",
              dwconv1d_isa_name(isa), sh->k, sh->dilation, sh->multiplier, c, sh->steps,
              sh->batch, sh->threads,
              sh->format == DWCONV1D_CHANNELS_FIRST ? "channels_first" : "channels_last",
              streamed ? " streamed" : "", at[i].in, at[i].out);
      failures++;
    }
  }
  dwconv1d_layer_destroy(layer);
  free(kernel), free(bias), free(x), free(want), free(got);
  return failures;
}

static int check(dwconv1d_isa isa, size_t k, size_t channels, size_t steps) {
  static const struct placement outputs[] = {{0, 8}, {0, 16}, {0, 32}, {0, 48}, {0, 528}};
  const struct shape sh = {k, 1, 1, channels, steps, 1, 1, DWCONV1D_PADDING_SAME,
                           DWCONV1D_ACTIVATION_LINEAR, DWCONV1D_CHANNELS_LAST};
  return check_placed(isa, &sh, outputs, sizeof outputs / sizeof outputs[0]);
}

/* The smallest calls that the rules stream for a cache of `bytes`: input
 * and output together just past it in channels_last (Mamba's causal SiLU,
 * a plain K = 3, and a dilated K = 4 whose 65 vectors leave one past the
 * groups of steps_stream's steps), the output alone along channels_first
 * rows of a whole number of vectors (K = 3); each output on a page, a line
 * past one and a float past one, and both 4 floats past one (rotated). */
static int check_large(dwconv1d_isa isa, size_t bytes) {
  static const struct placement outputs[] = {{0, 16}, {0, 1}, {4, 4}};
  const size_t n = sizeof outputs / sizeof outputs[0], floats = bytes / sizeof(float) / 2;
  const struct shape mamba = {4, 1, 1, 5120, floats / 5120 + 1, 1, 1, DWCONV1D_PADDING_CAUSAL,
                              DWCONV1D_ACTIVATION_SILU, DWCONV1D_CHANNELS_LAST};
  const struct shape plain = {3, 1, 1, 512, floats / 512 + 1, 1, 1, DWCONV1D_PADDING_SAME,
                              DWCONV1D_ACTIVATION_RELU, DWCONV1D_CHANNELS_LAST};
  const struct shape dilated = {4, 2, 1, 520, floats / 520 + 1, 1, 1, DWCONV1D_PADDING_CAUSAL,
                                DWCONV1D_ACTIVATION_LINEAR, DWCONV1D_CHANNELS_LAST};
  struct shape rows = plain;
  rows.steps = (2 * floats / 512 / 16 + 1) * 16;
  rows.format = DWCONV1D_CHANNELS_FIRST;
  return check_placed(isa, &mamba, outputs, n) + check_placed(isa, &plain, outputs, n) +
         check_placed(isa, &dilated, outputs, n) + check_placed(isa, &rows, outputs, n);
}

/* Larger caches would make the large outputs a slow test: checked up to this. */
enum { LARGE_MAX_BYTES = 64 << 20 };

/* channels_last input and output both f floats past a page for each f of
 * 1 .. 15, and at different offsets: the output 2 KiB on, where rows of a
 * whole number of 4 KiB take whole blocks rather than half ones (see
 * short_half_blocks in kernels/common/dwconv_tpl.h). */
static const struct placement shifted[] = {
    {1, 1},   {2, 2},   {3, 3},   {4, 4}, {5, 5}, {6, 6}, {7, 7}, {8, 8},
    {9, 9},   {10, 10}, {11, 11}, {12, 12}, {13, 13}, {14, 14}, {15, 15},
    {4, 8},   {0, 4},   {12, 0},  {0, 512},
};

/* Short and long (windowed) kernels, dilation, each border, activations
 * elementwise and along the channels, a batch, tasks along steps (and,
 * for a single range of steps, along channels, which do not rotate),
 * either side of the rotated ranges' minimums (see ROTATED_MIN_STEPS in
 * src/layer.c: causal K4 at T27 leaves 23 steps inside, T28 24; C256 T47
 * is 12032 floats of output, T48 12288), and depth multipliers, whose
 * output alone sets the shift. */
#define CAUSAL DWCONV1D_PADDING_CAUSAL
#define SAME DWCONV1D_PADDING_SAME
#define VALID DWCONV1D_PADDING_VALID
#define LINEAR DWCONV1D_ACTIVATION_LINEAR
#define RELU DWCONV1D_ACTIVATION_RELU
#define SILU DWCONV1D_ACTIVATION_SILU
#define SOFTMAX DWCONV1D_ACTIVATION_SOFTMAX
#define LAST DWCONV1D_CHANNELS_LAST
static const struct shape shifted_shapes[] = {
    {4, 1, 1, 1024, 27, 1, 1, CAUSAL, LINEAR, LAST},
    {4, 1, 1, 1024, 28, 1, 1, CAUSAL, LINEAR, LAST},
    {4, 1, 1, 256, 47, 1, 1, CAUSAL, LINEAR, LAST},
    {4, 1, 1, 256, 48, 1, 1, CAUSAL, LINEAR, LAST},
    {4, 1, 1, 1040, 40, 2, 1, CAUSAL, SILU, LAST},
    {3, 1, 1, 512, 30, 1, 1, VALID, RELU, LAST},
    {5, 1, 1, 256, 200, 1, 3, SAME, LINEAR, LAST},
    {5, 1, 1, 1024, 64, 1, 3, SAME, LINEAR, LAST},
    {9, 1, 1, 96, 160, 2, 1, SAME, SOFTMAX, LAST},
    {31, 1, 1, 512, 64, 1, 1, SAME, LINEAR, LAST},
    {4, 2, 1, 256, 60, 1, 1, CAUSAL, LINEAR, LAST},
    {5, 1, 4, 64, 200, 1, 1, SAME, LINEAR, LAST},
    {3, 1, 2, 48, 160, 1, 1, CAUSAL, RELU, LAST},
    {4, 1, 3, 16, 300, 2, 1, SAME, LINEAR, LAST},
};
#undef CAUSAL
#undef SAME
#undef VALID
#undef LINEAR
#undef RELU
#undef SILU
#undef SOFTMAX
#undef LAST

int main(void) {
  int failures = 0, passed = 0;
  const size_t llc = dwconv1d_cpu_llc_bytes();
  const int large = llc > 0 && llc <= LARGE_MAX_BYTES;
  if (!large)
    printf("note: last-level cache of %zu bytes: calls that outgrow it not checked\n", llc);
  for (int i = DWCONV1D_ISA_SCALAR; i <= DWCONV1D_ISA_NEON; i++) {
    const dwconv1d_isa isa = (dwconv1d_isa)i;
    if (!dwconv1d_isa_supported(isa))
      continue;
    dwconv1d_set_isa(isa);
    /* rows of 2 KiB and 512 bytes, long and short kernels */
    int f = check(isa, 31, 512, 64) + check(isa, 33, 128, 80) + check(isa, 5, 128, 40) +
                  (large ? check_large(isa, llc) : 0);
    for (size_t j = 0; j < sizeof shifted_shapes / sizeof shifted_shapes[0]; j++)
      f += check_placed(isa, &shifted_shapes[j], shifted, sizeof shifted / sizeof shifted[0]);
    failures += f;
    passed += !f;
  }
  dwconv1d_reset_isa();
  printf("%d ISAs pass, %d failures\n", passed, failures);
  return failures != 0;
}
