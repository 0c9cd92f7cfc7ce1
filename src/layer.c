/* The layer: creation (validation, weight packing, choice of path) and the
 * forward pass, which tiles the work and hands each tile to the kernels. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "error.h"
#include "layer.h"
#include "params.h"

/* Output steps in the grain of the parallel split, and output channels per
 * gathered tile: a gathered tile's rows stay in L2 while its channel blocks
 * pass over them. */
enum { TIME_TILE = 64, CHANNEL_TILE = 128, ALIGNMENT = 64 };

/* Output steps per gathered tile: long, so that the span - 1 rows two
 * neighbouring tiles both gather stay a small part of each. A range of up
 * to two tiles' steps runs as one tile, gathering no row twice (AMD Zen 4,
 * avx512, T500 same: channels_first C256 K33 101.1 -> 99.0 us, C512 K63
 * 342 -> 331; C512 K87 d2 429 -> 424); longer ranges keep to 256 steps a
 * tile (T2000 C512 K87 d2 in tiles of 512: 1790 -> 1923 us). */
enum { GATHER_TIME_TILE = 256 };

/* channels_first results leave a channel block's gathered tile this many
 * steps at a time: the out tile (3 KiB for 16 lanes) stays in L1 between the
 * kernels' stores and the transposes' loads. A whole number of the widest
 * kernels' 12-step blocks and of 16-step transposes. Intel Xeon (Sapphire
 * Rapids class), avx512, same, the whole tile at once -> 48 steps: T500
 * C256 K33 84.7 -> 71.7 us (the transposes out 29 -> 16 % of the time),
 * T2000 C512 K63 1142 -> 1015, T500 C512 K87 d2 346 -> 305; 32, 96, 144
 * and 192 steps each slower than 48. */
enum { CF_CHUNK_STEPS = 48 };

/* Short windows re-gather few rows per tile: shorter tiles, whose
 * expanded rows stay in L1 while the kernels read them. Expansions
 * (M > 1) write one output row per input lane they read: shorter still. */
enum { SHORT_SPAN = 16, SHORT_GATHER_TIME_TILE = 64, EXPAND_GATHER_TIME_TILE = 32 };

/* From this many taps on, channels_last input is gathered into channel
 * blocks (see gather_rows): the copy is cheap beside the taps' FMAs. With
 * M = 1, kernels whose span is at most the kernels' direct_max_span still
 * read the caller's rows in place (the windows of the 32-register ISAs:
 * Conformer's K = 31, QuartzNet's K = 33), and longer ones where
 * reads_in_place says. */
enum { GATHER_TAPS = 16 };

/* Longer kernels than direct_max_span still read the caller's rows in place
 * where the windows run (stride 1, dilation 1, whole vectors) and a group's
 * rows are few enough to stay in L2, unless a row is a whole number of 4 KiB:
 * then every row of a window falls in one L1 set and the channel blocks win.
 * AMD Zen 4, avx512, T500, in place against gathered: C256 K51 128 -> 116 us,
 * C512 K63 329 -> 306, C896 K63 574 -> 512, C32 K101 120 -> 111; C1024 K63
 * 665 -> 763 and K127 1250 -> 1322 (4 KiB rows); C67 K65 67 -> 71 (a tail
 * vector, no window); C1536 K127 (828 KiB a group) even. */
enum { DIRECT_GROUP_MAX_BYTES = 512 << 10, PAGE_BYTES = 4096 };

static bool reads_in_place(const dwconv1d_layer *layer, size_t span) {
  const dwconv1d_params *p = &layer->params;
  const size_t row_bytes = layer->channels * sizeof(float);
  if (span <= layer->kernels->direct_max_span)
    return true;
  return layer->kernels->direct_max_span > 0 && p->strides == 1 && p->dilation_rate == 1 &&
         layer->channels % layer->kernels->vlen == 0 && row_bytes % PAGE_BYTES != 0 &&
         span <= DIRECT_GROUP_MAX_BYTES / row_bytes;
}

/* channels_first calls of up to this many output steps gather their rows
 * into channel blocks even for short kernels: along the rows each channel
 * computes at least half a block of UNROLL_T vectors and pays its border
 * copies alone, which short rows do not repay. Intel Xeon, same, C512,
 * rows against gathered: avx512 K3 T16 10.1 against 3.9 us, T32 10.8
 * against 5.6, T64 12.7 against 10.2, T96 15.4 against 16.0, T128 14.8
 * against 21.8; K7 T64 14.8 against 11.5; avx2 K4 T32 21.4 against 6.6,
 * T64 15.4 against 12.9; sse4 T64 23.4 against 21.0, T96 28.3 against
 * 30.9; B1 T4 C5120 K4 valid SiLU (a decoding step) 210 against 28 us. */
enum { CF_ROWS_MIN_STEPS = 65 };

/* channels_first calls of up to this many output steps, whose tiles read
 * up to this many rows (24 KiB of CHANNEL_TILE floats), gather their rows
 * as rows of channels (a tile's channels side by side, as channels_last)
 * rather than channel blocks: the kernels then take each step across the
 * tile's vectors, where each block alone pays a vector's set-up, and the
 * activation's latency, for a few steps. Intel Xeon, avx512, across
 * against blocks (us): B1 T4 C5120 K4 valid SiLU 12.8 -> 10.3; same, C512:
 * K3 T8 3.43 -> 2.94, T16 2.71 -> 2.21, T20 4.31 -> 3.83, T64 8.96 ->
 * 9.88; K7 T16 3.23 -> 2.68, T24 level, T32 4.88 -> 5.70; K31 C256 T16
 * 3.06 -> 2.92, T24 4.54 -> 4.75; T20 C128 K87 d2 5.77 -> 6.20. AVX2 and
 * SSE4.1 gain more (AVX2 K3 T8 2.90 -> 1.68) and lose from T32. */
enum { CF_ACROSS_MAX_STEPS = 20, CF_ACROSS_MAX_ROWS = 48 };

/* Such tiles of at most this many rows (a decoding window's) take this many
 * channels: the per-tile work spread over more blocks. Intel Xeon, avx512,
 * 512 against 128 channels (us): B1 C5120 valid SiLU T4 K4 5.32 -> 4.80
 * (avx2 7.92 -> 7.24), T5 K5 7.85 -> 6.94; C2048 T3 K3 1.62 -> 1.39, T6 K3
 * (6 rows, 4 steps) level; from 7 rows slower (T7 K4 SiLU C5120 15.6 ->
 * 16.0, T8 K4 C2048 6.59 -> 7.15). */
enum { CF_WIDE_MAX_ROWS = 6, CF_WIDE_CHANNEL_TILE = 512 };

/* Up to this span the gathered tiles hold the padding's zeros too (so every
 * step runs the blocked loop); beyond, padding rows would swamp the tile. */
enum { MAX_PADDED_SPAN = 1024 };

/* From this much input on, a call's rows come from beyond the caches (a
 * core's share of L3 and its L2), where the kernels of some ISAs gain from
 * fetching input rows ahead (SSE4.1 B8 T1024 C512 K3 same, 16 MiB: 2.85 ->
 * 2.51 ms), and below which those fetches only cost (T938 C512 K7, 1.8 MiB:
 * 307 -> 322 us; T4096 C256 K7 s2, 4 MiB: 372 -> 381 us). */
enum { PREFETCH_INPUT_MIN_BYTES = 8 << 20 };

/* Rows a channels_last gather copies across all of a tile's blocks at once. */
enum { GATHER_ROW_CHUNK = 16 };

float *dwconv1d_alloc_floats(size_t count) {
  size_t bytes;
  if (!dwconv1d_mul_ok(count, sizeof(float), &bytes) || bytes > SIZE_MAX - ALIGNMENT)
    return NULL;
  bytes = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  return aligned_alloc(ALIGNMENT, bytes ? bytes : ALIGNMENT);
}

static dwconv1d_status check_create_args(const dwconv1d_params *p, size_t channels,
                                         const float *kernel, const float *bias,
                                         dwconv1d_layer **out, size_t *out_channels) {
  const dwconv1d_status s = dwconv1d_check_weights_args(p, channels, kernel, bias);
  if (s != DWCONV1D_OK)
    return s;
  if (out == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out must not be NULL");
  size_t kernel_bytes;
  if (!dwconv1d_mul_ok(channels, p->depth_multiplier, out_channels) ||
      *out_channels > SIZE_MAX - DWCONV1D_MAX_VLEN ||
      !dwconv1d_mul_ok(*out_channels + DWCONV1D_MAX_VLEN, p->kernel_size, &kernel_bytes) ||
      !dwconv1d_mul_ok(kernel_bytes, sizeof(float), &kernel_bytes))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "kernel size overflows size_t: kernel_size=%zu, channels=%zu, "
                          "depth_multiplier=%zu",
                          p->kernel_size, channels, p->depth_multiplier);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_layer_create(const dwconv1d_params *p, size_t channels,
                                      const float *kernel, const float *bias,
                                      dwconv1d_layer **out) {
  size_t out_channels = 0;
  dwconv1d_isa isa = DWCONV1D_ISA_SCALAR;
  dwconv1d_status s = check_create_args(p, channels, kernel, bias, out, &out_channels);
  if (s != DWCONV1D_OK || (s = dwconv1d_active_isa(&isa)) != DWCONV1D_OK)
    return s;
  const struct dwconv1d_kernels *kernels = dwconv1d_kernels_of(isa);
  const size_t padded = (out_channels + DWCONV1D_MAX_VLEN - 1) / DWCONV1D_MAX_VLEN *
                        DWCONV1D_MAX_VLEN;
  const size_t vlen = kernels->vlen;
  const size_t packed = dwconv1d_packed_weights_floats(p->kernel_size, out_channels, vlen);
  const bool last = out_channels > vlen && out_channels % vlen != 0;
  dwconv1d_layer *layer = malloc(sizeof *layer);
  float *weights = dwconv1d_alloc_floats(packed + (last ? p->kernel_size * vlen : 0));
  float *bias_copy = dwconv1d_alloc_floats(padded);
  if (layer == NULL || weights == NULL || bias_copy == NULL) {
    free(layer);
    free(weights);
    free(bias_copy);
    return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                          "out of memory creating a layer: kernel_size=%zu, channels=%zu, "
                          "depth_multiplier=%zu",
                          p->kernel_size, channels, p->depth_multiplier);
  }
  dwconv1d_pack_weights(kernel, p->kernel_size, out_channels, vlen, weights);
  if (last)
    dwconv1d_pack_weights_last(weights, p->kernel_size, out_channels, vlen, weights + packed);
  memset(bias_copy, 0, padded * sizeof(float));
  if (p->use_bias)
    memcpy(bias_copy, bias, out_channels * sizeof(float));
  *layer = (dwconv1d_layer){.params = *p,
                            .channels = channels,
                            .out_channels = out_channels,
                            .kernels = kernels,
                            .weights = weights,
                            .last_weights = last ? weights + packed : NULL,
                            .bias = bias_copy,
                            .cpu = dwconv1d_probed_traits(),
                            .spare = NULL,
                            .rotated = {NULL}};
  *out = layer;
  return DWCONV1D_OK;
}

static void free_spare(struct dwconv1d_spare_workspace *spare) {
  if (spare != NULL) {
    free(spare->data);
    free(spare);
  }
}

void dwconv1d_layer_destroy(dwconv1d_layer *layer) {
  if (layer == NULL)
    return;
  free_spare(atomic_load(&layer->spare));
  for (size_t s = 0; s < DWCONV1D_MAX_VLEN; s++)
    free(atomic_load(&layer->rotated[s]));
  free(layer->weights);
  free(layer->bias);
  free(layer);
}

dwconv1d_isa dwconv1d_layer_isa(const dwconv1d_layer *layer) { return layer->kernels->isa; }

void dwconv1d_layer_describe(const dwconv1d_layer *layer, dwconv1d_params *p, size_t *channels) {
  if (p != NULL)
    *p = layer->params;
  if (channels != NULL)
    *channels = layer->channels;
}

/* ------------------------------------------------------------------ */
/* Forward                                                            */

/* A task's workspace pieces, each NULL when the layout does not need it. */
struct workspace {
  float *gathered; /* rows x CHANNEL_TILE, channels-last, expanded by M */
  float *out_tile; /* CF_CHUNK_STEPS x vlen, a chunk of one block's channels_first results */
  float *linear;   /* the task's whole range before glu */
  float *row_work; /* one last-axis row for sparsemax */
};

/* Everything one forward call needs, fixed before the first write. The
 * work is split into tasks: a range of batch elements x a range of output
 * steps x a range of output channels, each task with its own workspace. */
struct forward_plan {
  const dwconv1d_layer *layer;
  struct dwconv1d_geometry g;
  size_t batch, steps, out_steps;
  size_t in_per_batch, out_per_batch; /* floats per batch element */
  bool gather;                        /* input goes through the workspace */
  bool by_rows;                       /* channels_first, stride 1 or 2: along rows */
  bool pad_in_workspace;              /* gathered tiles hold the padding's zeros */
  bool channels_first;
  bool gathered_across; /* gathered tiles are rows of channels (see CF_ACROSS_MAX_STEPS) */
  bool prefetch_inputs; /* the call's input is larger than the caches hold */
  bool stream_outputs;  /* the call's input and output pass the last-level cache */
  bool stream_rows;     /* its output alone does (channels_first rows) */
  size_t shift;         /* see aligned_shift; 0 for none */
  size_t gather_steps; /* output steps per gathered tile */
  size_t channel_tile; /* channels per gathered tile */
  dwconv1d_activation fused; /* the activation the kernels apply */
  size_t batch_per_task, time_per_task, channels_per_task;
  size_t batch_tasks, time_tasks, channel_tasks;
  size_t workspace_floats; /* per task, each piece rounded to whole vectors */
  const float *input;
  float *output;
  float *workspaces;      /* one workspace, or one per task */
  bool workspaces_shared; /* tasks run one after another on one workspace */
};

/* Where output element (t0, c0) of a range goes, and the stride of the
 * layout's leading axis (steps for channels_last, channels for first). */
struct destination {
  float *at;
  size_t stride;
};

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }
static size_t ceil_div(size_t a, size_t b) { return a / b + (a % b != 0); }

/* Where a gathered tile keeps channel c's row r: c * channel_step +
 * r * row_stride floats on, c a multiple of the vector width. Channel
 * blocks (channel_step = the tile's rows, row_stride = vlen) or rows of
 * channels (channel_step = 1, row_stride = the tile's width in whole
 * vectors). */
struct gathered_layout {
  size_t channel_step, row_stride;
};

/* Copies input rows [lo, hi) of output channels [c0, c0 + width) into the
 * workspace, repeating each input channel M times: as channel blocks of the
 * kernels' vector width, one block's rows after another ([block][row][vlen]),
 * or (channels_first short calls) as rows of channels. A block's consecutive
 * rows are adjacent in memory, which keeps long kernels clear of the
 * cache-set conflicts that rows of many channels (strides of whole KiB) run
 * into. The block of channel b0 (a multiple of v) starts b0 * channel_step
 * floats on: no division per block, which a short call's many blocks show. */
static void gather_rows(const struct forward_plan *plan, const float *x, float *dst,
                        struct gathered_layout at, size_t lo, size_t hi, size_t c0,
                        size_t width) {
  const size_t m = plan->layer->params.depth_multiplier, c = plan->layer->channels;
  const size_t v = plan->layer->kernels->vlen;
  if (plan->channels_first) {
    plan->layer->kernels->gather_blocks_cf(x, plan->steps, c0, m, width, at.channel_step, lo, hi,
                                           dst, at.row_stride);
    return;
  }
  /* Without expansion, a few rows at a time across every block: the rows
   * are read in order, and each stays in L1 while its blocks take their
   * vectors. An expansion's permutation is set up per call: whole blocks. */
  const size_t chunk = m == 1 ? GATHER_ROW_CHUNK : hi - lo;
  for (size_t r0 = lo; r0 < hi; r0 += chunk) {
    const size_t rows = min_size(chunk, hi - r0);
    for (size_t b0 = 0; b0 < width; b0 += v)
      plan->layer->kernels->expand_block(x + r0 * c, c, rows, c0 + b0, m, min_size(v, width - b0),
                                         dst + b0 * at.channel_step + (r0 - lo) * v);
  }
}

/* Output steps [t0, t1) of channels [c0, c1) of a channels_last range in
 * place, output at `y`: the kernels' tile, its buffers set. */
static struct dwconv1d_tile direct_tile(const struct forward_plan *plan, const float *x,
                                        size_t t0, size_t t1, size_t c0, size_t c1, float *y,
                                        size_t y_stride) {
  const size_t m = plan->layer->params.depth_multiplier;
  struct dwconv1d_tile tile = dwconv1d_layer_tile(plan->layer, c0, c1 - c0, t0, t1, plan->fused);
  const size_t q0 = m == 1 ? c0 : c0 / m; /* a small call's divisions show */
  tile.input = x + q0;
  tile.depth_multiplier = m;
  tile.channel_skip = m == 1 ? 0 : c0 % m;
  tile.input_stride = plan->layer->channels;
  tile.input_row_floats = m == 1 ? 0 : plan->layer->channels - q0;
  tile.output = y;
  tile.output_stride = y_stride;
  tile.prefetch_inputs = plan->prefetch_inputs;
  tile.stream_outputs = plan->stream_outputs;
  return tile;
}

/* Ranges of at least this many floats of output per batch element (48
 * KiB, more than L1 holds), with at least this many steps whose taps lie
 * inside the input, run rotated (see dwconv1d_layer_conv_rotated); smaller
 * ones lose more to the range's two extra tiles than the aligned vectors
 * gain. AMD Zen 4, AVX-512, M = 1, both buffers 16 bytes past a page, K4
 * causal, alternating runs (us): C1024 T28 15.3 -> 9.1, C512 T28 3.85 ->
 * 3.71, C256 T60 2.75 -> 2.53, C64 T300 2.68 -> 2.43; C128 T60 1.55 ->
 * 1.57, C64 T100 level, C256 T28 1.54 -> 1.82, C64 T40 0.91 -> 0.98. */
enum { ROTATED_MIN_FLOATS = 12 << 10, ROTATED_MIN_STEPS = 24 };

/* Whether output steps [t0, t1) of all of the layer's channels run rotated
 * (see dwconv1d_layer_conv_rotated), and then which: [lo, hi), the steps
 * whose taps all lie inside the input and whose next step's do. */
static bool rotation_pays(const dwconv1d_layer *layer, const struct dwconv1d_geometry *g,
                          size_t t0, size_t t1, size_t *lo, size_t *hi) {
  const size_t span = g->dilation * (g->kernel_size - 1) + 1;
  /* the last step whose taps end inside the input: the rotated steps end
   * before it, so that each one's next step's taps lie inside too */
  const size_t inside = g->in_steps + g->pad_left >= span ? g->in_steps + g->pad_left - span : 0;
  *lo = t0 > g->pad_left ? t0 : g->pad_left;
  *hi = min_size(t1 - 1, inside);
  return *hi >= *lo && *hi - *lo >= ROTATED_MIN_STEPS &&
         (t1 - t0) * layer->out_channels >= ROTATED_MIN_FLOATS;
}

/* The layer's rotated weights and bias for `shift` (see rotated in
 * layer.h): packed at the first call that needs them and kept. The layer
 * is shared between threads: the first to publish its packing wins, the
 * others free theirs. NULL when out of memory. */
static const float *rotated_packing(const dwconv1d_layer *layer, size_t shift) {
  dwconv1d_layer *shared = (dwconv1d_layer *)layer;
  float *packed = atomic_load(&shared->rotated[shift]);
  if (packed != NULL)
    return packed;
  const size_t k = layer->params.kernel_size, v = layer->kernels->vlen, c = layer->out_channels;
  const size_t weights = dwconv1d_packed_weights_floats(k, c, v);
  if ((packed = dwconv1d_alloc_floats(weights + c)) == NULL)
    return NULL;
  dwconv1d_pack_weights_rotated(layer->weights, k, c, v, shift, packed);
  for (size_t i = 0; i < c; i++)
    packed[weights + i] = layer->bias[(shift + i) % c];
  float *expected = NULL;
  if (atomic_compare_exchange_strong(&shared->rotated[shift], &expected, packed))
    return packed;
  free(packed);
  return expected;
}

size_t dwconv1d_layer_rotation(const dwconv1d_layer *layer, const float *input,
                               const float *output) {
  const uintptr_t in = (uintptr_t)input, out = (uintptr_t)output;
  const uintptr_t vector = layer->kernels->vlen * sizeof(float);
  const bool same_distance = in % vector == out % vector;
  if (layer->params.data_format != DWCONV1D_CHANNELS_LAST || layer->params.strides != 1 ||
      layer->params.activation == DWCONV1D_ACTIVATION_GLU ||
      layer->out_channels % layer->kernels->vlen != 0 || in % sizeof(float) != 0 ||
      out % sizeof(float) != 0 || (layer->params.depth_multiplier == 1 && !same_distance))
    return 0;
  return (vector - out % vector) % vector / sizeof(float);
}

/* Rows are contiguous, so a step's channels from `shift` on and the next
 * step's first `shift` channels are whole aligned vectors, and the lanes
 * past the row's end read the input rows one step on (contiguous too),
 * which at stride 1 gives the next step's output, computed with its
 * channels' weights (the rotated packing) in the same order of taps, so in
 * the same bits. Steps whose taps all lie inside the input, and whose next
 * step's do, run so; the others, and the first step's first channels, as
 * they lie. */
bool dwconv1d_layer_conv_rotated(const dwconv1d_layer *layer,
                                 const struct dwconv1d_geometry *g,
                                 const struct dwconv1d_tile *tile, size_t shift) {
  const size_t c = layer->out_channels, m = layer->params.depth_multiplier;
  const size_t t0 = tile->t_begin, t1 = tile->t_end;
  size_t lo, hi;
  if (!rotation_pays(layer, g, t0, t1, &lo, &hi))
    return false;
  const float *packed = rotated_packing(layer, shift);
  if (packed == NULL)
    return false;
  struct dwconv1d_tile part = *tile;
  part.t_end = lo + 1;
  layer->kernels->conv_tile(g, &part);
  part.t_begin = lo;
  part.t_end = hi;
  part.input = tile->input + (m == 1 ? shift : shift / m);
  part.channel_skip = m == 1 ? 0 : shift % m;
  part.input_row_floats = m == 1 || tile->input_row_floats <= shift / m
                              ? 0
                              : tile->input_row_floats - shift / m;
  part.weights = packed;
  part.bias = packed + dwconv1d_packed_weights_floats(layer->params.kernel_size, c,
                                                       layer->kernels->vlen);
  part.output = tile->output + (lo - t0) * tile->output_stride + shift;
  layer->kernels->conv_tile(g, &part);
  part = *tile;
  part.t_begin = hi;
  part.output = tile->output + (hi - t0) * tile->output_stride;
  layer->kernels->conv_tile(g, &part);
  return true;
}

/* channels_last: the kernels read the caller's input directly (expanding
 * it in registers where M > 1), the whole range as one tile (they take a
 * block of steps across every channel at a time, so a tile's length does
 * not bound what stays in cache, and tile ends would cut the runs of
 * 12-step blocks short); all channels on aligned vectors where the buffers
 * sit off a vector boundary (see dwconv1d_layer_conv_rotated). */
static void conv_direct(const struct forward_plan *plan, const float *x, size_t t0, size_t t1,
                        size_t c0, size_t c1, struct destination dst) {
  const struct dwconv1d_tile tile = direct_tile(plan, x, t0, t1, c0, c1, dst.at, dst.stride);
  if (plan->shift != 0 && c0 == 0 && c1 == plan->layer->out_channels &&
      dwconv1d_layer_conv_rotated(plan->layer, &plan->g, &tile, plan->shift))
    return;
  plan->layer->kernels->conv_tile(&plan->g, &tile);
}

/* channels_first with stride 1 or 2: the kernels run along each channel's row. */
static void conv_by_rows(const struct forward_plan *plan, const float *x, size_t t0, size_t t1,
                         size_t c0, size_t c1, struct destination dst) {
  const struct dwconv1d_rows rows = {
      .input = x,
      .depth_multiplier = plan->layer->params.depth_multiplier,
      .output = dst.at,
      .output_stride = dst.stride,
      .c_begin = c0,
      .c_end = c1,
      .t_begin = t0,
      .t_end = t1,
      .weights = plan->layer->weights,
      .bias = plan->layer->bias,
      .activation = plan->fused,
      .stream_outputs = plan->stream_rows,
  };
  plan->layer->kernels->conv_rows(&plan->g, &rows);
}

/* Gathers what a tile of output steps [t0, t1) and channels [c0, c0 +
 * width) reads into the workspace: expanded (and transposed), the padding's
 * zeros included where they fit, so that every step is an interior step for
 * the kernels (`padded`, the geometry they then see). Rows are counted from
 * the first padding zero: row r holds input step r - pad_left. Returns the
 * tile, its output still to set, and its layout in `at`. */
static struct dwconv1d_tile gather_tile(const struct forward_plan *plan,
                                        const struct workspace *ws, const float *x, size_t t0,
                                        size_t t1, size_t c0, size_t width,
                                        struct dwconv1d_geometry *padded,
                                        struct gathered_layout *at) {
  const struct dwconv1d_geometry *g = &plan->g;
  const size_t v = plan->layer->kernels->vlen;
  const size_t span = g->dilation * (g->kernel_size - 1) + 1;
  const size_t first = t0 * g->stride, end = (t1 - 1) * g->stride + span, rows = end - first;
  /* the rows inside the input: [real_lo, real_hi), padding before and after */
  size_t real_lo = first > g->pad_left ? first : g->pad_left;
  size_t real_hi = min_size(end, g->in_steps + g->pad_left);
  if (real_hi < real_lo)
    real_lo = real_hi = first;
  *padded = *g;
  size_t base = first, block_rows = rows;
  if (!plan->pad_in_workspace) { /* only the input's own rows; the kernels skip the padding taps */
    base = real_lo;
    block_rows = real_hi - real_lo;
  }
  const size_t across = ceil_div(width, v) * v; /* a row of channels, whole vectors */
  *at = plan->gathered_across ? (struct gathered_layout){1, across}
                              : (struct gathered_layout){block_rows, v};
  if (plan->pad_in_workspace) { /* each block's padding rows, or the tile's */
    for (size_t b0 = 0; b0 < width; b0 += at->row_stride) { /* b0 a multiple of v */
      float *block = ws->gathered + b0 * at->channel_step;
      memset(block, 0, (real_lo - first) * at->row_stride * sizeof(float));
      memset(block + (real_hi - first) * at->row_stride, 0,
             (end - real_hi) * at->row_stride * sizeof(float));
    }
    padded->pad_left = 0;
    padded->in_steps = end;
  }
  if (real_lo < real_hi)
    gather_rows(plan, x, ws->gathered + (real_lo - base) * at->row_stride, *at,
                real_lo - g->pad_left, real_hi - g->pad_left, c0, width);
  struct dwconv1d_tile tile = dwconv1d_layer_tile(plan->layer, c0, width, t0, t1, plan->fused);
  tile.input = ws->gathered;
  tile.input_stride = at->row_stride;
  tile.channel_stride = at->channel_step * v;
  tile.row_base = plan->pad_in_workspace ? first : real_lo - g->pad_left;
  return tile;
}

/* One time x channel tile through the workspace (see gather_tile);
 * channels_first results are transposed out. */
static void conv_gathered_tile(const struct forward_plan *plan, const struct workspace *ws,
                               const float *x, size_t t0, size_t t1, size_t c0, size_t width,
                               float *out, size_t out_stride) {
  const struct dwconv1d_kernels *kernels = plan->layer->kernels;
  const size_t v = kernels->vlen;
  struct dwconv1d_geometry padded;
  struct gathered_layout at;
  struct dwconv1d_tile tile = gather_tile(plan, ws, x, t0, t1, c0, width, &padded, &at);
  /* channels_first with one output step: its results lie as channels_last's */
  if (!plan->channels_first || plan->out_steps == 1) {
    tile.output = out;
    tile.output_stride = out_stride;
    kernels->conv_tile(&padded, &tile);
    return;
  }
  if (plan->gathered_across) { /* all steps at once, then block by block out */
    tile.output = ws->out_tile;
    tile.output_stride = at.row_stride;
    kernels->conv_tile(&padded, &tile);
    for (size_t c = 0; c < width; c += v)
      kernels->scatter_block_cf(ws->out_tile + c, at.row_stride, t1 - t0,
                                min_size(v, width - c), out + c * out_stride, out_stride,
                                plan->layer->cpu);
    return;
  }
  /* channel blocks: block by block, CF_CHUNK_STEPS at a time, each chunk's
   * results transposed out while they are still in L1 */
  for (size_t c = 0; c < width; c += v) {
    struct dwconv1d_tile one = tile;
    one.input = tile.input + c * at.channel_step; /* c a multiple of v */
    one.channels = min_size(v, width - c);
    one.weights = tile.weights + c * padded.kernel_size;
    one.last_weights = NULL;
    one.bias = tile.bias + c;
    one.output = ws->out_tile;
    one.output_stride = v;
    for (size_t s = t0; s < t1; s += CF_CHUNK_STEPS) {
      one.t_begin = s;
      one.t_end = min_size(t1, s + CF_CHUNK_STEPS);
      kernels->conv_tile(&padded, &one);
      kernels->scatter_block_cf(ws->out_tile, v, one.t_end - s, one.channels,
                                out + c * out_stride + (s - t0), out_stride, plan->layer->cpu);
    }
  }
}

static void conv_gathered(const struct forward_plan *plan, const struct workspace *ws,
                          const float *x, size_t t0, size_t t1, size_t c0, size_t c1,
                          struct destination dst) {
  for (size_t tt = t0; tt < t1; tt += plan->gather_steps) {
    const size_t tt1 = min_size(t1, tt + plan->gather_steps);
    for (size_t cc = c0; cc < c1; cc += plan->channel_tile) {
      const size_t width = min_size(c1 - cc, plan->channel_tile);
      float *out = plan->channels_first ? dst.at + (cc - c0) * dst.stride + (tt - t0)
                                        : dst.at + (tt - t0) * dst.stride + (cc - c0);
      conv_gathered_tile(plan, ws, x, tt, tt1, cc, width, out, dst.stride);
    }
  }
}

/* The last-axis activations over `rows` whole rows of n floats at `dst`;
 * glu writes its halved rows to `glu_out`. */
static void activate_rows(const struct forward_plan *plan, const struct workspace *ws,
                          struct destination dst, size_t rows, size_t n, float *glu_out) {
  const struct dwconv1d_kernels *k = plan->layer->kernels;
  for (size_t r = 0; r < rows; r++) {
    float *row = dst.at + r * dst.stride;
    switch (plan->layer->params.activation) {
    case DWCONV1D_ACTIVATION_SOFTMAX: k->softmax_row(row, n); break;
    case DWCONV1D_ACTIVATION_LOG_SOFTMAX: k->log_softmax_row(row, n); break;
    case DWCONV1D_ACTIVATION_SPARSEMAX: dwconv1d_sparsemax_row(row, n, ws->row_work); break;
    case DWCONV1D_ACTIVATION_GLU: k->glu_row(row, n / 2, glu_out + r * (n / 2)); break;
    default: break;
    }
  }
}

/* Output steps [t0, t1) x channels [c0, c1) of one batch element. Axis
 * activations only ever get ranges that cover their whole last axis. */
static void run_range(const struct forward_plan *plan, const struct workspace *ws, size_t b,
                      size_t t0, size_t t1, size_t c0, size_t c1) {
  const float *x = plan->input + b * plan->in_per_batch;
  float *y = plan->output + b * plan->out_per_batch;
  const dwconv1d_activation act = plan->layer->params.activation;
  const size_t out_channels = plan->layer->out_channels;
  const size_t n = plan->out_steps;
  struct destination dst = plan->channels_first
                               ? (struct destination){y + c0 * n + t0, n}
                               : (struct destination){y + t0 * out_channels + c0, out_channels};
  if (act == DWCONV1D_ACTIVATION_GLU)
    dst.at = ws->linear;
  if (plan->by_rows)
    conv_by_rows(plan, x, t0, t1, c0, c1, dst);
  else if (plan->gather)
    conv_gathered(plan, ws, x, t0, t1, c0, c1, dst);
  else
    conv_direct(plan, x, t0, t1, c0, c1, dst);
  if (!dwconv1d_activation_is_axis(act))
    return;
  if (plan->channels_first)
    activate_rows(plan, ws, dst, c1 - c0, plan->out_steps, y + c0 * (plan->out_steps / 2));
  else
    activate_rows(plan, ws, dst, t1 - t0, out_channels, y + t0 * (out_channels / 2));
}

/* Floats of each workspace piece one task needs; 0 for pieces not used. */
static void workspace_sizes(const struct forward_plan *plan, size_t sizes[4]) {
  const size_t width = min_size(plan->channels_per_task, plan->channel_tile);
  const size_t span = plan->g.dilation * (plan->g.kernel_size - 1) + 1;
  /* A tile's steps are fewer than T / stride + 1, so this stays below T + span. */
  const size_t tile_steps =
      min_size(min_size(plan->time_per_task, plan->out_steps), plan->gather_steps);
  size_t rows = (tile_steps - 1) * plan->g.stride + span; /* padding included */
  if (!plan->pad_in_workspace)
    rows = min_size(rows, plan->steps);
  const dwconv1d_activation act = plan->layer->params.activation;
  const size_t v = plan->layer->kernels->vlen;
  const size_t across = ceil_div(width, v) * v; /* a tile's channels in whole vectors */
  sizes[0] = plan->gather ? rows * across : 0;
  sizes[1] = !plan->gather || !plan->channels_first ? 0
             : plan->gathered_across ? tile_steps * across /* all its steps at once */
                                     : min_size(plan->gather_steps, CF_CHUNK_STEPS) * v;
  sizes[2] = act != DWCONV1D_ACTIVATION_GLU ? 0
             : plan->channels_first       ? plan->channels_per_task * plan->out_steps
                                          : plan->time_per_task * plan->layer->out_channels;
  sizes[3] = act != DWCONV1D_ACTIVATION_SPARSEMAX ? 0
             : plan->channels_first               ? plan->out_steps
                                                  : plan->layer->out_channels;
}

static struct workspace workspace_of(const struct forward_plan *plan, size_t task) {
  struct workspace ws = {NULL, NULL, NULL, NULL};
  if (plan->workspaces == NULL)
    return ws;
  float *base = plan->workspaces + task * plan->workspace_floats;
  float **pieces[4] = {&ws.gathered, &ws.out_tile, &ws.linear, &ws.row_work};
  size_t sizes[4], offset = 0;
  workspace_sizes(plan, sizes);
  for (int i = 0; i < 4; i++) {
    *pieces[i] = sizes[i] ? base + offset : NULL;
    offset += ceil_div(sizes[i], DWCONV1D_MAX_VLEN) * DWCONV1D_MAX_VLEN;
  }
  return ws;
}

static void run_task(void *context, size_t task) {
  const struct forward_plan *plan = context;
  const size_t per_batch_range = plan->time_tasks * plan->channel_tasks;
  size_t bt = 0, tt = 0, ct = 0; /* task 0, a call's only one without a pool: no division */
  if (task > 0) {
    const size_t rest = task % per_batch_range;
    bt = task / per_batch_range;
    tt = rest / plan->channel_tasks;
    ct = rest % plan->channel_tasks;
  }
  const size_t b0 = bt * plan->batch_per_task;
  const size_t b1 = min_size(plan->batch, b0 + plan->batch_per_task);
  const size_t t0 = tt * plan->time_per_task;
  const size_t t1 = min_size(plan->out_steps, t0 + plan->time_per_task);
  const size_t c0 = ct * plan->channels_per_task;
  const size_t c1 = min_size(plan->layer->out_channels, c0 + plan->channels_per_task);
  const struct workspace ws = workspace_of(plan, plan->workspaces_shared ? 0 : task);
  for (size_t b = b0; b < b1; b++)
    run_range(plan, &ws, b, t0, t1, c0, c1);
}

/* Cuts `per_element` pieces (at most) from `units` units of `grain`;
 * returns the pieces still to cut elsewhere and sets *per_task. */
static size_t cut(size_t per_element, size_t units, size_t grain, size_t *per_task) {
  const size_t tiles = ceil_div(units, grain);
  const size_t pieces = min_size(per_element, tiles);
  *per_task = ceil_div(tiles, pieces) * grain;
  return ceil_div(per_element, pieces);
}

/* Splits the work into about 4 tasks per thread (1 task for one thread):
 * batch ranges first; when the batch is smaller than that, each element is
 * cut along steps and then channels (channels first on the gathered
 * paths), in whole tiles, keeping every axis activation's last axis inside
 * one task. */
static void split_work(struct forward_plan *plan, size_t threads) {
  const size_t out_channels = plan->layer->out_channels;
  plan->batch_per_task = plan->batch;
  plan->time_per_task = plan->out_steps;
  plan->channels_per_task = out_channels;
  plan->batch_tasks = plan->time_tasks = plan->channel_tasks = 1;
  if (threads <= 1) /* one task, the whole call, found without a division */
    return;
  const bool axis = dwconv1d_activation_is_axis(plan->layer->params.activation);
  /* Beyond a million threads there is no more work to cut: cap, so 4x fits. */
  const size_t target = 4 * min_size(threads, (size_t)1 << 20);
  plan->batch_per_task = ceil_div(plan->batch, target);
  size_t per_element = plan->batch >= target ? 1 : ceil_div(target, plan->batch);
  const bool time_ok = !(axis && plan->channels_first);
  const bool channels_ok = !(axis && !plan->channels_first);
  /* Gathered tiles re-gather the span - 1 rows that neighbouring steps share,
   * and long rows cut into short ranges run mostly on padded, half-wasted
   * blocks (AMD Zen 4, 2 threads, channels_first T500 C256 K33: 52 against
   * 126-157 us): cut their channels first. */
  const bool long_rows = plan->by_rows && plan->layer->params.kernel_size >= GATHER_TAPS;
  if ((plan->gather || long_rows) && per_element > 1 && channels_ok)
    per_element = cut(per_element, out_channels, DWCONV1D_MAX_VLEN, &plan->channels_per_task);
  if (per_element > 1 && time_ok)
    per_element = cut(per_element, plan->out_steps, TIME_TILE, &plan->time_per_task);
  /* Rotated ranges (see dwconv1d_layer_conv_rotated) take every channel: where
   * there is a range for each thread already, channels stay whole. */
  const size_t ranges = ceil_div(plan->batch, plan->batch_per_task) *
                        ceil_div(plan->out_steps, plan->time_per_task);
  if (per_element > 1 && channels_ok && plan->channels_per_task == out_channels &&
      (plan->shift == 0 || ranges < threads))
    cut(per_element, out_channels, DWCONV1D_MAX_VLEN, &plan->channels_per_task);
  plan->batch_tasks = ceil_div(plan->batch, plan->batch_per_task);
  plan->time_tasks = ceil_div(plan->out_steps, plan->time_per_task);
  plan->channel_tasks = ceil_div(out_channels, plan->channels_per_task);
}

/* channels_last in place, stride 1: the output channels before the
 * output's first vector boundary (see dwconv1d_layer_rotation), where its
 * rows are whole vectors and, for M = 1, the input lies the same distance
 * past one, as glibc's malloc and NumPy leave large buffers (16 bytes past
 * 64); 0 where the call does not run so. */
static size_t aligned_shift(const struct forward_plan *plan) {
  if (plan->gather || plan->by_rows)
    return 0;
  return dwconv1d_layer_rotation(plan->layer, plan->input, plan->output);
}

static dwconv1d_status make_plan(const dwconv1d_layer *layer, size_t batch, size_t steps,
                                 const float *input, float *output, size_t threads,
                                 struct forward_plan *plan) {
  const dwconv1d_params *p = &layer->params;
  size_t shape[3], in_floats, in_bytes;
  dwconv1d_status s = dwconv1d_output_shape(p, batch, layer->channels, steps, shape);
  if (s != DWCONV1D_OK)
    return s;
  *plan = (struct forward_plan){.layer = layer, .batch = batch, .steps = steps,
                                .input = input, .output = output};
  s = dwconv1d_geometry_for(p, steps, &plan->g, &plan->out_steps);
  if (s != DWCONV1D_OK)
    return s;
  if (!dwconv1d_mul_ok(steps, layer->channels, &plan->in_per_batch) ||
      !dwconv1d_mul_ok(plan->in_per_batch, batch, &in_floats) ||
      !dwconv1d_mul_ok(in_floats, sizeof(float), &in_bytes))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "input size overflows size_t: batch=%zu, steps=%zu, channels=%zu", batch,
                          steps, layer->channels);
  if (batch > 0 && input == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "input must not be NULL");
  if (batch > 0 && output == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "output must not be NULL");
  plan->out_per_batch = shape[1] * shape[2];
  plan->channels_first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  /* Long kernels read many rows per output: gather them into channel blocks
   * (for channels_first, a transpose whose cost the long kernel hides),
   * except channels_first rows long enough for the kernels' long rows. */
  const size_t span = p->dilation_rate * (p->kernel_size - 1) + 1;
  plan->by_rows = plan->channels_first && p->strides <= 2 &&
                  ((p->kernel_size < GATHER_TAPS && plan->out_steps >= CF_ROWS_MIN_STEPS) ||
                   (p->strides == 1 && p->dilation_rate == 1 &&
                    layer->kernels->rows_long_pays(p->kernel_size, plan->out_steps, plan->steps,
                                                   layer->channels, layer->cpu)));
  /* Expansions (M > 1) of short kernels run on the caller's rows too. */
  const bool expands_direct = p->kernel_size <= layer->kernels->expand_max_taps &&
                              p->dilation_rate == 1 && p->strides <= 2;
  plan->gather = !plan->by_rows &&
                 (plan->channels_first || (p->depth_multiplier > 1 && !expands_direct) ||
                  (p->kernel_size >= GATHER_TAPS && !reads_in_place(layer, span)));
  plan->pad_in_workspace = span <= MAX_PADDED_SPAN;
  const size_t call_rows = (plan->out_steps - 1) * p->strides + span; /* all steps in one tile */
  plan->gathered_across = plan->gather && plan->channels_first && plan->pad_in_workspace &&
                          plan->out_steps <= CF_ACROSS_MAX_STEPS && call_rows <= CF_ACROSS_MAX_ROWS;
  plan->channel_tile = plan->gathered_across && call_rows <= CF_WIDE_MAX_ROWS
                           ? CF_WIDE_CHANNEL_TILE
                           : CHANNEL_TILE;
  plan->prefetch_inputs = in_bytes >= PREFETCH_INPUT_MIN_BYTES;
  /* Where the input and output together pass the last-level cache, the
   * output's first lines are gone by the time the next layer reads them, so
   * the kernels that can store it around the caches do (stores_nontemporal).
   * AMD Zen 4, AVX-512, time_layer next=1, medians of 5 alternating runs,
   * this call then a second on its output (us): B8 T1024 C512 K3 same 4321
   * -> 2806, B2 T2048 C1536 K4 causal SiLU 8407 -> 7536, B1 T8192 C512 K3
   * 3873 -> 3477, B4 T4096 C512 K3 s2 3818 -> 3358 (the second call 1165 ->
   * 1367). Smaller calls lose: B2 T1024 C512 K3 (8 MiB) 320 -> 472-598.
   * channels_first rows, whose stores run at the copy's rate, only where
   * the output alone passes the cache (see rows_stream). In floats, without
   * a product that could wrap (each term < SIZE_MAX / 4). */
  const size_t llc_floats = layer->cpu.llc_bytes / sizeof(float);
  plan->stream_outputs = llc_floats > 0 && batch > 0 &&
                         plan->in_per_batch + plan->out_per_batch >= ceil_div(llc_floats, batch);
  plan->stream_rows =
      llc_floats > 0 && batch > 0 && plan->out_per_batch >= ceil_div(llc_floats, batch);
  plan->gather_steps = span <= SHORT_SPAN ? (p->depth_multiplier > 1 ? EXPAND_GATHER_TIME_TILE
                                                                      : SHORT_GATHER_TIME_TILE)
                       : plan->out_steps <= 2 * GATHER_TIME_TILE ? plan->out_steps
                                                                 : GATHER_TIME_TILE;
  plan->fused = dwconv1d_activation_is_axis(p->activation) ? DWCONV1D_ACTIVATION_LINEAR
                                                           : p->activation;
  size_t lo, hi;
  if (batch > 0 && rotation_pays(layer, &plan->g, 0, plan->out_steps, &lo, &hi))
    plan->shift = aligned_shift(plan);
  if (batch > 0)
    split_work(plan, threads);
  return DWCONV1D_OK;
}

static size_t task_count(const struct forward_plan *plan) {
  return plan->batch_tasks * plan->time_tasks * plan->channel_tasks;
}

/* Workspaces come from the layer's spare when it is free and big enough, so
 * that repeated calls reuse warm memory instead of faulting fresh pages in;
 * otherwise from the allocator. The layer is shared between threads, hence
 * the atomic exchange (and the cast: only the spare slot ever changes). */
static struct dwconv1d_spare_workspace *take_workspace(const dwconv1d_layer *layer,
                                                       size_t floats) {
  dwconv1d_layer *shared = (dwconv1d_layer *)layer;
  struct dwconv1d_spare_workspace *w = atomic_exchange(&shared->spare, NULL);
  if (w != NULL && w->floats >= floats)
    return w;
  free_spare(w);
  if ((w = malloc(sizeof *w)) == NULL)
    return NULL;
  if ((w->data = dwconv1d_alloc_floats(floats)) == NULL) {
    free(w);
    return NULL;
  }
  w->floats = floats;
  return w;
}

static void give_back_workspace(const dwconv1d_layer *layer, struct dwconv1d_spare_workspace *w) {
  dwconv1d_layer *shared = (dwconv1d_layer *)layer;
  free_spare(atomic_exchange(&shared->spare, w));
}

/* Sizes `copies` task workspaces and takes memory for them; the status
 * (with the message set) on failure. Nothing is taken when no piece is
 * needed. */
static dwconv1d_status allocate_workspaces(struct forward_plan *plan, size_t copies,
                                           struct dwconv1d_spare_workspace **taken) {
  size_t sizes[4], floats = 0, total;
  workspace_sizes(plan, sizes);
  for (int i = 0; i < 4; i++) {
    const size_t rounded = ceil_div(sizes[i], DWCONV1D_MAX_VLEN) * DWCONV1D_MAX_VLEN;
    if (floats > SIZE_MAX - rounded)
      floats = SIZE_MAX;
    else
      floats += rounded;
  }
  plan->workspace_floats = floats;
  *taken = NULL;
  if (floats == 0)
    return DWCONV1D_OK;
  if (floats == SIZE_MAX || !dwconv1d_mul_ok(floats, copies, &total) ||
      total > SIZE_MAX / sizeof(float))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "workspace size overflows size_t: steps=%zu", plan->steps);
  if ((*taken = take_workspace(plan->layer, total)) == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                          "out of memory for a forward workspace of %zu floats", total);
  plan->workspaces = (*taken)->data;
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_layer_forward(const dwconv1d_layer *layer, size_t batch, size_t steps,
                                       const float *input, float *output) {
  return dwconv1d_layer_forward_parallel(layer, batch, steps, input, output, NULL, NULL, 1);
}

dwconv1d_status dwconv1d_layer_forward_parallel(const dwconv1d_layer *layer, size_t batch,
                                                size_t steps, const float *input, float *output,
                                                dwconv1d_parallel_for parallel_for, void *pool,
                                                size_t threads) {
  struct forward_plan plan;
  if (layer == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "layer must not be NULL");
  if (threads == 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "threads must be >= 1, got 0");
  if (parallel_for == NULL)
    threads = 1;
  dwconv1d_status s = make_plan(layer, batch, steps, input, output, threads, &plan);
  if (s != DWCONV1D_OK || batch == 0)
    return s;
  const size_t tasks = task_count(&plan);
  plan.workspaces_shared = parallel_for == NULL || tasks == 1;
  struct dwconv1d_spare_workspace *taken;
  if ((s = allocate_workspaces(&plan, plan.workspaces_shared ? 1 : tasks, &taken)) != DWCONV1D_OK)
    return s;
  if (plan.workspaces_shared) {
    for (size_t task = 0; task < tasks; task++)
      run_task(&plan, task);
  } else {
    parallel_for(pool, run_task, &plan, tasks);
  }
  if (taken != NULL)
    give_back_workspace(layer, taken);
  return DWCONV1D_OK;
}
