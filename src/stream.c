/* Streams: the layer run over sequences that arrive in chunks, each
 * sequence's trailing inputs kept between calls; and the state-pool call.
 *
 * A sequence's state is its last H = d*(K-1) input steps, oldest first,
 * channels contiguous (H x C). Pushing n steps forms the extended input
 * E = state ++ chunk (H + n rows); the outputs that the chunk completes are
 * the windows of span H + 1 that start at E rows phase, phase + s, ... and end
 * inside E. Every output goes through the layer's own conv_tile, which
 * accumulates the taps in order from the bias, so it is bit-identical to the
 * forward pass's output for the same window (the zeros of a new state are the
 * causal padding). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layer.h"
#include "params.h"

enum {
  TIME_TILE = 64,       /* output steps per tile */
  ROW_BUDGET = 256,     /* gathered rows a tile aims at, when strides allow */
  GATHER_FLOATS = 4096, /* one gathered tile: 16 KiB, stays in L1 */
  DECODE_GROUP = 4,     /* one-step decoding in place: sequences per conv_tile call */
  IN_PLACE_FLOATS = 8192, /* their rows of one channel tile: 32 KiB */
  STACK_FLOATS = 8192,  /* the pool call's workspace lives on the stack up to here */
};

/* What a stream needs to know of its layer, fixed at creation. */
struct stream_shape {
  const dwconv1d_layer *layer;
  size_t history;      /* H: state steps per sequence */
  size_t span;         /* H + 1: input steps one output reads */
  size_t channels;     /* C: state and input channels */
  size_t out_channels; /* C * M */
  size_t multiplier;   /* M */
  size_t stride;       /* s */
  bool channels_first;
  bool direct;                    /* channels_last, M == 1: read the chunk in place */
  dwconv1d_activation fused;      /* applied by conv_tile */
  dwconv1d_activation row_act;    /* channels-axis activation after it, or LINEAR */
};

struct dwconv1d_stream {
  struct stream_shape shape;
  size_t batch;
  size_t phase;         /* E row where the next output's window starts */
  size_t initial_phase; /* 0 for causal, H for valid */
  /* batch x region_rows(H) x C: each sequence's H state rows start at its
   * region's row `head`, the same for every sequence; the row after them is
   * where one-step decoding puts the new step, so that the K rows an output
   * reads are evenly spaced and conv_tile reads them in place. */
  float *states;
  size_t head;
  float *workspace;
  size_t workspace_floats;
};

/* Scratch of one push, carved from one buffer. */
struct workspace {
  size_t time_tile; /* output steps per tile */
  size_t width;     /* output channels per gathered tile, a multiple of DWCONV1D_MAX_VLEN */
  float *gathered;  /* rows x width, channels-last, expanded by M */
  float *out_tile;  /* time_tile x width: channels_first results before the transpose */
  float *linear;    /* max(time_tile, DECODE_GROUP) x out_channels: glu's input */
  float *row_work;  /* out_channels: sparsemax's sort */
};

/* One sequence's part of one push. */
struct chunk {
  const struct stream_shape *shape;
  const struct workspace *ws;
  float *state;       /* H x C */
  const float *input; /* `steps` steps in the layer's layout */
  size_t steps;       /* n */
  size_t phase;
  size_t count; /* outputs this push completes */
  float *output;
};

/* ------------------------------------------------------------------ */
/* Shapes and checks                                                  */

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Outputs completed by n more steps when the next window starts at E row `phase`. */
static size_t outputs_of(size_t phase, size_t stride, size_t steps) {
  return steps > phase ? (steps - 1 - phase) / stride + 1 : 0;
}

static dwconv1d_status check_streamable(const dwconv1d_layer *layer) {
  if (layer == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "layer must not be NULL");
  const dwconv1d_params *p = &layer->params;
  if (p->padding == DWCONV1D_PADDING_SAME)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "padding same cannot be streamed: its outputs read inputs to their "
                          "right and its padding depends on the total length; use causal or "
                          "valid padding");
  const dwconv1d_activation a = p->activation;
  if (dwconv1d_activation_is_axis(a) && p->data_format == DWCONV1D_CHANNELS_FIRST)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "activation %s acts along the steps axis under channels_first, which "
                          "a stream never holds whole; use channels_last or apply it after the "
                          "stream",
                          dwconv1d_activation_name(a));
  if (a == DWCONV1D_ACTIVATION_GLU && layer->out_channels % 2 != 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "activation glu halves the last axis, which must be even, got %zu "
                          "(channels * depth_multiplier)",
                          layer->out_channels);
  return DWCONV1D_OK;
}

static struct stream_shape shape_of(const dwconv1d_layer *layer) {
  const dwconv1d_params *p = &layer->params;
  const size_t history = p->dilation_rate * (p->kernel_size - 1);
  const bool axis = dwconv1d_activation_is_axis(p->activation);
  return (struct stream_shape){
      .layer = layer,
      .history = history,
      .span = history + 1,
      .channels = layer->channels,
      .out_channels = layer->out_channels,
      .multiplier = p->depth_multiplier,
      .stride = p->strides,
      .channels_first = p->data_format == DWCONV1D_CHANNELS_FIRST,
      .direct = p->data_format == DWCONV1D_CHANNELS_LAST && p->depth_multiplier == 1,
      .fused = axis ? DWCONV1D_ACTIVATION_LINEAR : p->activation,
      .row_act = axis ? p->activation : DWCONV1D_ACTIVATION_LINEAR,
  };
}

/* Output floats of one sequence for `count` output steps. */
static size_t output_floats(const struct stream_shape *sh, size_t count) {
  const bool glu = sh->row_act == DWCONV1D_ACTIVATION_GLU;
  return count * (glu ? sh->out_channels / 2 : sh->out_channels);
}

/* Checks that batch x steps x C inputs and batch x count x C*M outputs have
 * byte counts that fit size_t, and that H + steps does, whatever the batch
 * (batch 0 bounds nothing). */
static dwconv1d_status check_sizes(const struct stream_shape *sh, size_t batch, size_t steps,
                                   size_t count) {
  size_t in, out;
  if (steps > SIZE_MAX / sizeof(float) - sh->history)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "steps is too large for the stream's history: steps=%zu, history=%zu",
                          steps, sh->history);
  if (!dwconv1d_mul_ok(steps, sh->channels, &in) || !dwconv1d_mul_ok(in, batch, &in) ||
      !dwconv1d_mul_ok(in, sizeof(float), &in) ||
      !dwconv1d_mul_ok(count, sh->out_channels, &out) || !dwconv1d_mul_ok(out, batch, &out) ||
      !dwconv1d_mul_ok(out, sizeof(float), &out))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "chunk size overflows size_t: batch=%zu, steps=%zu, channels=%zu", batch,
                          steps, sh->channels);
  return DWCONV1D_OK;
}

/* Rows of a stream sequence's region. Instead of shifting its H state rows
 * by one row each decoding step, the step leaves them where they are and
 * the window of state rows slides one row down the region; once the window
 * and its staging row reach the region's end, the rows move back to its
 * start: H rows moved every H + 2 steps instead of every step. */
static size_t region_rows(size_t history) { return 2 * (history + 1); }

/* The last row the window may start at: its staging row is the region's last. */
static size_t max_head(size_t history) { return region_rows(history) - 1 - history; }

/* ------------------------------------------------------------------ */
/* Workspace                                                          */

/* Output channels per gathered tile of `rows` rows: a multiple of
 * DWCONV1D_MAX_VLEN (channel tiles must start on a packed-weight block). */
static size_t tile_width(const struct stream_shape *sh, size_t rows) {
  size_t width = GATHER_FLOATS / rows / DWCONV1D_MAX_VLEN * DWCONV1D_MAX_VLEN;
  width = width < DWCONV1D_MAX_VLEN ? DWCONV1D_MAX_VLEN : width;
  return min_size(width, round_up(sh->out_channels, DWCONV1D_MAX_VLEN));
}

/* Sizes the workspace of a push of `steps` steps that completes `count`
 * outputs (count >= 1), and points its pieces into `base` when given.
 * Sets *floats to the floats needed; returns false, setting nothing, when
 * their bytes would not fit size_t (a window of ~2^60 steps can ask that). */
static bool plan_workspace(const struct stream_shape *sh, size_t steps, size_t count, float *base,
                           struct workspace *ws, size_t *floats) {
  size_t tile = min_size(TIME_TILE, count);
  /* With large strides most of a tile's rows are never read: keep it short. */
  tile = sh->span >= ROW_BUDGET ? 1 : min_size(tile, 1 + (ROW_BUDGET - sh->span) / sh->stride);
  const size_t rows = min_size((tile - 1) * sh->stride + sh->span, sh->history + steps);
  const size_t width = tile_width(sh, rows);
  const size_t linear_rows = tile > DECODE_GROUP ? tile : DECODE_GROUP;
  size_t sizes[4] = {0};
  if (!dwconv1d_mul_ok(rows, width, &sizes[0]) ||
      (sh->channels_first && !dwconv1d_mul_ok(tile, width, &sizes[1])) ||
      (sh->row_act == DWCONV1D_ACTIVATION_GLU &&
       !dwconv1d_mul_ok(linear_rows, sh->out_channels, &sizes[2])))
    return false;
  sizes[3] = sh->row_act == DWCONV1D_ACTIVATION_SPARSEMAX ? sh->out_channels : 0;
  float **pieces[4] = {&ws->gathered, &ws->out_tile, &ws->linear, &ws->row_work};
  const size_t limit = SIZE_MAX / sizeof(float) - DWCONV1D_MAX_VLEN; /* room to round up */
  size_t total = 0;
  for (int i = 0; i < 4; i++) {
    if (total > limit || sizes[i] > limit - total)
      return false;
    *pieces[i] = base != NULL && sizes[i] != 0 ? base + total : NULL;
    total += round_up(sizes[i], DWCONV1D_MAX_VLEN);
  }
  ws->time_tile = tile;
  ws->width = width;
  *floats = total;
  return true;
}

/* plan_workspace's float count, or a refusal when its bytes overflow size_t. */
static dwconv1d_status size_workspace(const struct stream_shape *sh, size_t steps, size_t count,
                                      struct workspace *ws, size_t *floats) {
  if (!plan_workspace(sh, steps, count, NULL, ws, floats))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "workspace size overflows size_t: steps=%zu, state steps=%zu, "
                          "channels=%zu",
                          steps, sh->history, sh->channels);
  return DWCONV1D_OK;
}

/* ------------------------------------------------------------------ */
/* One sequence's chunk                                               */

/* Row r of E = state ++ chunk as (first channel, floats between channels). */
static const float *extended_row(const struct chunk *ch, size_t r, size_t *channel_stride) {
  const struct stream_shape *sh = ch->shape;
  if (r < sh->history) {
    *channel_stride = 1;
    return ch->state + r * sh->channels;
  }
  r -= sh->history;
  if (sh->channels_first) {
    *channel_stride = ch->steps;
    return ch->input + r;
  }
  *channel_stride = 1;
  return ch->input + r * sh->channels;
}

/* E rows [lo, hi), output channels [c0, c0 + width), into channels-last
 * rows of `width` floats, each input channel repeated M times. */
static void gather_rows(const struct chunk *ch, size_t lo, size_t hi, size_t c0, size_t width,
                        float *dst) {
  const size_t m = ch->shape->multiplier;
  for (size_t r = lo; r < hi; r++, dst += width) {
    size_t stride;
    const float *src = extended_row(ch, r, &stride);
    if (m == 1 && stride == 1) {
      memcpy(dst, src + c0, width * sizeof(float));
      continue;
    }
    size_t c = c0 / m, copy = c0 % m;
    for (size_t i = 0; i < width; i++) {
      dst[i] = src[c * stride];
      if (++copy == m) {
        copy = 0;
        c++;
      }
    }
  }
}

/* The chunk's geometry: output i's window starts at E row phase + i*s, E
 * seen from `phase` on. */
static struct dwconv1d_geometry chunk_geometry(const struct chunk *ch) {
  const dwconv1d_layer *layer = ch->shape->layer;
  return (struct dwconv1d_geometry){
      .kernel_size = layer->params.kernel_size,
      .stride = ch->shape->stride,
      .dilation = layer->params.dilation_rate,
      .pad_left = 0,
      .in_steps = ch->shape->history + ch->steps - ch->phase,
  };
}

/* The kernels' tile for outputs [i0, i1) of output channels [c0, c0 +
 * width) from a channels-last source holding E rows from `lo` on. */
static struct dwconv1d_tile chunk_tile(const struct chunk *ch, const float *src,
                                       size_t src_stride, size_t lo, size_t c0, size_t width,
                                       size_t i0, size_t i1, float *dst, size_t dst_stride) {
  struct dwconv1d_tile tile =
      dwconv1d_layer_tile(ch->shape->layer, c0, width, i0, i1, ch->shape->fused);
  tile.input = src;
  tile.input_stride = src_stride;
  tile.row_base = lo - ch->phase;
  tile.output = dst;
  tile.output_stride = dst_stride;
  return tile;
}

/* Runs that tile. */
static void convolve(const struct chunk *ch, const float *src, size_t src_stride, size_t lo,
                     size_t c0, size_t width, size_t i0, size_t i1, float *dst,
                     size_t dst_stride) {
  const struct dwconv1d_geometry g = chunk_geometry(ch);
  const struct dwconv1d_tile tile =
      chunk_tile(ch, src, src_stride, lo, c0, width, i0, i1, dst, dst_stride);
  ch->shape->layer->kernels->conv_tile(&g, &tile);
}

/* Outputs [i0, i1) of every channel from the chunk's rows in place, E row
 * `lo` on, written to `dst`: on aligned vectors where the chunk's input
 * and output sit off a vector boundary (as the forward pass, see
 * dwconv1d_layer_conv_rotated). */
static void convolve_in_place(const struct chunk *ch, size_t lo, size_t i0, size_t i1,
                              float *dst) {
  const struct stream_shape *sh = ch->shape;
  const dwconv1d_layer *layer = sh->layer;
  const float *src = ch->input + (lo - sh->history) * sh->channels;
  const struct dwconv1d_geometry g = chunk_geometry(ch);
  const struct dwconv1d_tile tile =
      chunk_tile(ch, src, sh->channels, lo, 0, sh->out_channels, i0, i1, dst, sh->out_channels);
  const size_t shift = dwconv1d_layer_rotation(layer, src, dst);
  if (shift == 0 || !dwconv1d_layer_conv_rotated(layer, &g, &tile, shift))
    layer->kernels->conv_tile(&g, &tile);
}

/* The new state, E rows [n, n + H), taken from a gathered tile that holds
 * all of E for output channels [c0, c0 + width). An input channel is written
 * by the tile holding its last copy, after every tile that reads it. */
static void state_from_tile(const struct chunk *ch, const float *tile, size_t c0,
                            size_t width) {
  const struct stream_shape *sh = ch->shape;
  const size_t m = sh->multiplier;
  const float *src = tile + ch->steps * width;
  for (size_t r = 0; r < sh->history; r++, src += width) {
    float *dst = ch->state + r * sh->channels;
    if (m == 1) {
      memcpy(dst + c0, src, width * sizeof(float));
      continue;
    }
    for (size_t c = c0 / m; c < (c0 + width) / m; c++)
      dst[c] = src[c * m + m - 1 - c0];
  }
}

/* The new state, E rows [n, n + H), from the old state and the chunk. */
static void advance_state(const struct chunk *ch) {
  const struct stream_shape *sh = ch->shape;
  const size_t h = sh->history, c = sh->channels, n = ch->steps;
  if (h == 0 || n == 0)
    return;
  const size_t kept = n < h ? h - n : 0; /* old rows that stay */
  if (kept > 0)
    memmove(ch->state, ch->state + n * c, kept * c * sizeof(float));
  for (size_t r = kept; r < h; r++) {
    size_t stride;
    const float *src = extended_row(ch, n + r, &stride);
    float *dst = ch->state + r * c;
    if (stride == 1) {
      memcpy(dst, src, c * sizeof(float));
      continue;
    }
    for (size_t i = 0; i < c; i++)
      dst[i] = src[i * stride];
  }
}

/* The channels-axis activation of output step i (channels_last only); glu
 * reads its input row from `linear`. */
static void activate_row(const struct chunk *ch, size_t i, const float *linear) {
  const struct stream_shape *sh = ch->shape;
  const struct dwconv1d_kernels *k = sh->layer->kernels;
  const size_t n = sh->out_channels;
  float *row = ch->output + i * n;
  switch (sh->row_act) {
  case DWCONV1D_ACTIVATION_SOFTMAX: k->softmax_row(row, n); break;
  case DWCONV1D_ACTIVATION_LOG_SOFTMAX: k->log_softmax_row(row, n); break;
  case DWCONV1D_ACTIVATION_SPARSEMAX: dwconv1d_sparsemax_row(row, n, ch->ws->row_work); break;
  case DWCONV1D_ACTIVATION_GLU: k->glu_row(linear, n / 2, ch->output + i * (n / 2)); break;
  default: break;
  }
}

/* Output steps [i0, i1), whose glu input is linear rows 0 .. i1 - i0 - 1. */
static void activate_rows(const struct chunk *ch, size_t i0, size_t i1) {
  if (ch->shape->row_act == DWCONV1D_ACTIVATION_LINEAR)
    return;
  const float *linear = ch->ws->linear; /* NULL unless glu: no offset from it then */
  for (size_t i = i0; i < i1; i++)
    activate_row(ch, i, linear ? linear + (i - i0) * ch->shape->out_channels : NULL);
}

/* Copies a channels_first tile's results (steps x width) to the output's
 * (out_channels x count) layout. */
static void transpose_out(const struct chunk *ch, const float *tile, size_t c0, size_t width,
                          size_t i0, size_t i1) {
  for (size_t k = 0; k < width; k++) {
    float *row = ch->output + (c0 + k) * ch->count;
    for (size_t i = i0; i < i1; i++)
      row[i] = tile[(i - i0) * width + k];
  }
}

/* Output i alone, when its window is long (span >= ROW_BUDGET): only the K
 * rows its taps read are gathered, one after another, and convolved as an
 * undilated window; the same values in the same order give the same bits. */
static void run_sparse_output(const struct chunk *ch, size_t i, float *dst) {
  const struct stream_shape *sh = ch->shape;
  const struct workspace *ws = ch->ws;
  const dwconv1d_layer *layer = sh->layer;
  const size_t k = layer->params.kernel_size, d = layer->params.dilation_rate;
  const size_t cm = sh->out_channels;
  const size_t first = ch->phase + i * sh->stride;
  const struct dwconv1d_geometry g = {
      .kernel_size = k, .stride = 1, .dilation = 1, .pad_left = 0, .in_steps = k};
  for (size_t c0 = 0; c0 < cm; c0 += ws->width) {
    const size_t width = min_size(ws->width, cm - c0);
    for (size_t j = 0; j < k; j++)
      gather_rows(ch, first + j * d, first + j * d + 1, c0, width, ws->gathered + j * width);
    struct dwconv1d_tile tile = dwconv1d_layer_tile(layer, c0, width, 0, 1, sh->fused);
    tile.input = ws->gathered;
    tile.input_stride = width;
    tile.output = sh->channels_first ? ws->out_tile : dst + c0;
    tile.output_stride = sh->channels_first ? width : cm;
    layer->kernels->conv_tile(&g, &tile);
    if (sh->channels_first)
      transpose_out(ch, ws->out_tile, c0, width, i, i + 1);
  }
  activate_rows(ch, i, i + 1);
}

/* Outputs [i0, i1). Returns true when it also wrote the new state (the tile
 * held all of E, as in one-step decoding). */
static bool run_time_tile(const struct chunk *ch, size_t i0, size_t i1) {
  const struct stream_shape *sh = ch->shape;
  const struct workspace *ws = ch->ws;
  const size_t cm = sh->out_channels, h = sh->history;
  const size_t lo = ch->phase + i0 * sh->stride, hi = ch->phase + (i1 - 1) * sh->stride + sh->span;
  const bool glu = sh->row_act == DWCONV1D_ACTIVATION_GLU;
  float *dst = glu ? ws->linear : ch->output + i0 * cm; /* channels_last */
  if (sh->direct && lo >= h) {
    convolve_in_place(ch, lo, i0, i1, dst);
    activate_rows(ch, i0, i1);
    return false;
  }
  const bool whole = h > 0 && lo == 0 && hi == h + ch->steps && i1 == ch->count;
  if (!whole && i1 - i0 == 1 && sh->span >= ROW_BUDGET) {
    run_sparse_output(ch, i0, dst);
    return false;
  }
  for (size_t c0 = 0; c0 < cm; c0 += ws->width) {
    const size_t width = min_size(ws->width, cm - c0);
    gather_rows(ch, lo, hi, c0, width, ws->gathered);
    if (sh->channels_first) {
      convolve(ch, ws->gathered, width, lo, c0, width, i0, i1, ws->out_tile, width);
      transpose_out(ch, ws->out_tile, c0, width, i0, i1);
    } else {
      convolve(ch, ws->gathered, width, lo, c0, width, i0, i1, dst + c0, cm);
    }
    if (whole)
      state_from_tile(ch, ws->gathered, c0, width);
  }
  activate_rows(ch, i0, i1);
  return whole;
}

/* Every output of the chunk, then the new state. Under `direct`, the outputs
 * whose windows touch the state come from gathered tiles and the rest read
 * the chunk in place; otherwise every tile is gathered. */
static void run_chunk(const struct chunk *ch) {
  const struct stream_shape *sh = ch->shape;
  size_t touching = 0; /* outputs whose window starts inside the state */
  if (sh->direct && ch->phase < sh->history)
    touching = min_size(ch->count, (sh->history - ch->phase + sh->stride - 1) / sh->stride);
  bool state_done = false;
  for (size_t i0 = 0; i0 < ch->count;) {
    const size_t end = i0 < touching ? touching : ch->count;
    const bool whole = i0 >= touching && sh->direct && sh->row_act == DWCONV1D_ACTIVATION_LINEAR;
    const size_t i1 = whole ? end : min_size(end, i0 + ch->ws->time_tile);
    state_done = run_time_tile(ch, i0, i1);
    i0 = i1;
  }
  if (!state_done)
    advance_state(ch);
}

/* ------------------------------------------------------------------ */
/* One push over a batch                                              */

/* A push of `steps` steps over `batch` sequences whose states live at
 * states + slot * state_stride, slot = b (a stream) or slot_index[b] (the
 * pool call; negative skips the row). */
struct push {
  const struct stream_shape *shape;
  const struct workspace *ws;
  size_t batch, steps, phase, count;
  const float *input;
  float *output;
  float *states;
  size_t state_stride;         /* floats between slots */
  size_t head;                 /* a slot's first state row (see region_rows) */
  bool staging;                /* each slot has a staging row after its H rows */
  bool rebase;                 /* decoding moves the window back to row 0 */
  const ptrdiff_t *slot_index; /* NULL: row b uses slot b */
};

/* Row b's chunk; false when the row is skipped. */
static bool chunk_of(const struct push *p, size_t b, struct chunk *ch) {
  const ptrdiff_t slot = p->slot_index != NULL ? p->slot_index[b] : (ptrdiff_t)b;
  if (slot < 0)
    return false;
  const struct stream_shape *sh = p->shape;
  *ch = (struct chunk){
      .shape = sh,
      .ws = p->ws,
      .state = p->state_stride > 0
                   ? p->states + (size_t)slot * p->state_stride + p->head * sh->channels
                   : NULL,
      .input = p->input + b * p->steps * sh->channels,
      .steps = p->steps,
      .phase = p->phase,
      .count = p->count,
      .output = p->count > 0 ? p->output + b * output_floats(sh, p->count) : NULL,
  };
  return true;
}

/* Whether a push decodes one step in each sequence's state (decode_slots):
 * M = 1, a state, an elementwise activation. */
static bool decodes_slots(const struct push *p) {
  const struct stream_shape *sh = p->shape;
  return p->steps == 1 && p->count == 1 && sh->multiplier == 1 && sh->history > 0 &&
         sh->row_act == DWCONV1D_ACTIVATION_LINEAR;
}

/* One-step decoding in place: each sequence's output from its state and new
 * step, the state shifted a row as it is read (the kernels' decode_slot).
 * Where a stream's window had slid and the pool call had copied its slot
 * through a tile and back (C5120 K4 SiLU, AVX-512: stream batch 1 3.11 ->
 * 2.90 us, batch 64 333 -> 234; pool call 4.27 -> 3.03, 376 -> 260). */
static void decode_slots(const struct push *p) {
  const struct stream_shape *sh = p->shape;
  const dwconv1d_layer *layer = sh->layer;
  struct chunk ch;
  for (size_t b = 0; b < p->batch; b++)
    if (chunk_of(p, b, &ch))
      layer->kernels->decode_slot(ch.state, sh->channels, sh->history,
                                  layer->params.dilation_rate, ch.input, layer->weights,
                                  layer->params.kernel_size, layer->bias, ch.output, sh->fused);
}

/* Whether a push decodes one step in place with a sliding window
 * (decode_in_place): a stream's last-axis activations. */
static bool decodes_in_place(const struct push *p) {
  const struct stream_shape *sh = p->shape;
  return p->staging && p->steps == 1 && p->count == 1 && sh->multiplier == 1 &&
         sh->history > 0 && !decodes_slots(p);
}

/* One-step decoding of sequences [b0, b0 + count) of a stream with M == 1:
 * each new step goes to its sequence's staging row, so a sequence's E rows
 * are its H + 1 window rows and the sequences are evenly spaced: one
 * conv_tile call reads them all in place, the sequences as its output steps.
 * The window then slides down a row (the caller moves `head`), or, under
 * `rebase`, its last H rows move to the region's start. */
static void decode_in_place(const struct push *p, size_t b0, size_t count) {
  const struct stream_shape *sh = p->shape;
  const dwconv1d_layer *layer = sh->layer;
  const size_t c = sh->channels, h = sh->history, cm = sh->out_channels;
  const size_t k = layer->params.kernel_size, rows_apart = p->state_stride / c;
  const bool glu = sh->row_act == DWCONV1D_ACTIVATION_GLU;
  float *first = p->states + b0 * p->state_stride + p->head * c;
  const struct dwconv1d_geometry g = {
      .kernel_size = k,
      .stride = rows_apart,
      .dilation = layer->params.dilation_rate,
      .pad_left = 0,
      .in_steps = count * rows_apart,
  };
  /* Channel tiles small enough that the rows stay in L1 from the step's
   * copy through the convolution to a rebase. */
  size_t width = IN_PLACE_FLOATS / (count * (h + 1)) / DWCONV1D_MAX_VLEN * DWCONV1D_MAX_VLEN;
  width = width < DWCONV1D_MAX_VLEN ? DWCONV1D_MAX_VLEN : width;
  for (size_t c0 = 0; c0 < cm; c0 += width) {
    const size_t w = min_size(width, cm - c0);
    for (size_t i = 0; i < count; i++)
      memcpy(first + i * p->state_stride + h * c + c0, p->input + (b0 + i) * c + c0,
             w * sizeof(float));
    struct dwconv1d_tile tile = dwconv1d_layer_tile(layer, c0, w, 0, count, sh->fused);
    tile.input = first + c0;
    tile.input_stride = c;
    tile.output = (glu ? p->ws->linear : p->output + b0 * cm) + c0;
    tile.output_stride = cm;
    layer->kernels->conv_tile(&g, &tile);
    for (size_t i = 0; p->rebase && i < count; i++) {
      float *window = first + i * p->state_stride + c0;
      for (size_t r = 0; r < h; r++) /* rows H + 2 .. 2H + 1 to 0 .. H - 1: apart */
        memcpy(window - p->head * c + r * c, window + (r + 1) * c, w * sizeof(float));
    }
  }
  for (size_t i = 0; i < count; i++) {
    struct chunk ch;
    if (sh->row_act != DWCONV1D_ACTIVATION_LINEAR && chunk_of(p, b0 + i, &ch))
      activate_row(&ch, 0, glu ? p->ws->linear + i * cm : NULL);
  }
}

static void run_push(const struct push *p) {
  if (p->steps == 0)
    return;
  if (decodes_slots(p)) {
    decode_slots(p);
    return;
  }
  if (decodes_in_place(p)) {
    for (size_t b0 = 0; b0 < p->batch; b0 += DECODE_GROUP)
      decode_in_place(p, b0, min_size(DECODE_GROUP, p->batch - b0));
    return;
  }
  struct chunk ch;
  for (size_t b = 0; b < p->batch; b++)
    if (chunk_of(p, b, &ch))
      run_chunk(&ch);
}

/* ------------------------------------------------------------------ */
/* Streams                                                            */

/* Makes the stream's workspace big enough for a push of `steps` steps that
 * completes `count` outputs; on failure the stream is unchanged. */
static dwconv1d_status reserve_workspace(dwconv1d_stream *stream, size_t steps, size_t count,
                                         struct workspace *ws) {
  size_t floats = 0;
  dwconv1d_status s = size_workspace(&stream->shape, steps, count, ws, &floats);
  if (s != DWCONV1D_OK)
    return s;
  if (floats > stream->workspace_floats) {
    float *bigger = dwconv1d_alloc_floats(floats);
    if (bigger == NULL)
      return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                            "out of memory for a %zu-byte stream workspace",
                            floats * sizeof(float));
    free(stream->workspace);
    stream->workspace = bigger;
    stream->workspace_floats = floats;
  }
  plan_workspace(&stream->shape, steps, count, stream->workspace, ws, &floats);
  return DWCONV1D_OK;
}

/* Floats of one sequence's state, and between two sequences' states. */
static size_t state_floats(const dwconv1d_stream *stream) {
  return stream->shape.history * stream->shape.channels;
}
static size_t state_stride(const dwconv1d_stream *stream) {
  return region_rows(stream->shape.history) * stream->shape.channels;
}

/* Sequence `row`'s state: H x C floats. */
static float *state_of(const dwconv1d_stream *stream, size_t row) {
  return stream->states + row * state_stride(stream) + stream->head * stream->shape.channels;
}

dwconv1d_status dwconv1d_stream_create(const dwconv1d_layer *layer, size_t batch,
                                       dwconv1d_stream **out) {
  dwconv1d_status s = check_streamable(layer);
  if (s != DWCONV1D_OK)
    return s;
  if (out == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out must not be NULL");
  const struct stream_shape shape = shape_of(layer);
  size_t floats;
  if (!dwconv1d_mul_ok(region_rows(shape.history), shape.channels, &floats) ||
      !dwconv1d_mul_ok(floats, batch, &floats) ||
      !dwconv1d_mul_ok(floats, sizeof(float), &(size_t){0}))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "stream state size overflows size_t: batch=%zu, state steps=%zu, "
                          "channels=%zu",
                          batch, shape.history, shape.channels);
  dwconv1d_stream *stream = calloc(1, sizeof *stream);
  float *states = dwconv1d_alloc_floats(floats);
  if (stream == NULL || states == NULL) {
    free(stream);
    free(states);
    return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                          "out of memory for a stream of %zu sequences of %zu x %zu state floats",
                          batch, shape.history, shape.channels);
  }
  stream->shape = shape;
  stream->batch = batch;
  stream->initial_phase = layer->params.padding == DWCONV1D_PADDING_VALID ? shape.history : 0;
  stream->phase = stream->initial_phase;
  stream->states = states;
  memset(states, 0, floats * sizeof(float));
  /* Decoding one step at a time then never allocates. */
  struct workspace ws;
  if ((s = reserve_workspace(stream, 1, 1, &ws)) != DWCONV1D_OK) {
    dwconv1d_stream_destroy(stream);
    return s;
  }
  *out = stream;
  return DWCONV1D_OK;
}

void dwconv1d_stream_destroy(dwconv1d_stream *stream) {
  if (stream == NULL)
    return;
  free(stream->states);
  free(stream->workspace);
  free(stream);
}

dwconv1d_status dwconv1d_stream_output_steps(const dwconv1d_stream *stream, size_t steps,
                                             size_t *out_steps) {
  if (stream == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "stream must not be NULL");
  if (out_steps == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out_steps must not be NULL");
  *out_steps = outputs_of(stream->phase, stream->shape.stride, steps);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_stream_push(dwconv1d_stream *stream, size_t steps, const float *input,
                                     float *output, size_t *out_steps) {
  if (stream == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "stream must not be NULL");
  const struct stream_shape *sh = &stream->shape;
  const size_t count = outputs_of(stream->phase, sh->stride, steps);
  dwconv1d_status s = check_sizes(sh, stream->batch, steps, count);
  if (s != DWCONV1D_OK)
    return s;
  if (stream->batch > 0 && steps > 0 && input == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "input must not be NULL");
  if (stream->batch > 0 && count > 0 && output == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "output must not be NULL");
  struct workspace ws = {0};
  if (count > 0 && (s = reserve_workspace(stream, steps, count, &ws)) != DWCONV1D_OK)
    return s;
  struct push push = {.shape = sh,
                      .ws = &ws,
                      .batch = stream->batch,
                      .steps = steps,
                      .phase = stream->phase,
                      .count = count,
                      .input = input,
                      .output = output,
                      .states = stream->states,
                      .state_stride = state_stride(stream),
                      .head = stream->head,
                      .staging = true};
  const bool decoding = decodes_in_place(&push);
  push.rebase = decoding && stream->head == max_head(sh->history);
  run_push(&push);
  if (decoding)
    stream->head = push.rebase ? 0 : stream->head + 1;
  stream->phase = stream->phase + count * sh->stride - steps;
  if (out_steps != NULL)
    *out_steps = count;
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_stream_reset(dwconv1d_stream *stream) {
  if (stream == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "stream must not be NULL");
  memset(stream->states, 0, stream->batch * state_stride(stream) * sizeof(float));
  stream->head = 0;
  stream->phase = stream->initial_phase;
  return DWCONV1D_OK;
}

/* ------------------------------------------------------------------ */
/* State access                                                       */

dwconv1d_status dwconv1d_stream_state_steps(const dwconv1d_layer *layer, size_t *steps) {
  dwconv1d_status s = check_streamable(layer);
  if (s != DWCONV1D_OK)
    return s;
  if (steps == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "steps must not be NULL");
  *steps = shape_of(layer).history;
  return DWCONV1D_OK;
}

static dwconv1d_status check_row(const dwconv1d_stream *stream, size_t row) {
  if (stream == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "stream must not be NULL");
  if (row >= stream->batch)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "row must be < the stream's batch %zu, got %zu", stream->batch, row);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_stream_get_state(const dwconv1d_stream *stream, size_t row, float *dst) {
  dwconv1d_status s = check_row(stream, row);
  if (s != DWCONV1D_OK)
    return s;
  const size_t n = state_floats(stream);
  if (n > 0 && dst == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "dst must not be NULL");
  if (n > 0)
    memcpy(dst, state_of(stream, row), n * sizeof(float));
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_stream_set_state(dwconv1d_stream *stream, size_t row, const float *src) {
  dwconv1d_status s = check_row(stream, row);
  if (s != DWCONV1D_OK)
    return s;
  const size_t n = state_floats(stream);
  if (n > 0 && src == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "src must not be NULL");
  if (n > 0)
    memcpy(state_of(stream, row), src, n * sizeof(float));
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_stream_reset_sequence(dwconv1d_stream *stream, size_t row) {
  dwconv1d_status s = check_row(stream, row);
  if (s != DWCONV1D_OK)
    return s;
  if (stream->phase != stream->initial_phase)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "row %zu cannot restart alone: the stream's rows share one phase, "
                          "now %zu, and a new sequence needs %zu (strides=%zu, padding=%s)",
                          row, stream->phase, stream->initial_phase, stream->shape.stride,
                          stream->initial_phase > 0 ? "valid" : "causal");
  memset(state_of(stream, row), 0, state_floats(stream) * sizeof(float));
  return DWCONV1D_OK;
}

static size_t max_phase(const struct stream_shape *sh) {
  return sh->history > sh->stride - 1 ? sh->history : sh->stride - 1;
}

dwconv1d_status dwconv1d_stream_get_phase(const dwconv1d_stream *stream, size_t *phase) {
  if (stream == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "stream must not be NULL");
  if (phase == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "phase must not be NULL");
  *phase = stream->phase;
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_stream_set_phase(dwconv1d_stream *stream, size_t phase) {
  if (stream == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "stream must not be NULL");
  if (phase > max_phase(&stream->shape))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "phase must be <= max(state steps, strides - 1) = %zu, got %zu",
                          max_phase(&stream->shape), phase);
  stream->phase = phase;
  return DWCONV1D_OK;
}

/* ------------------------------------------------------------------ */
/* The state-pool call                                                */

static dwconv1d_status check_pool_args(const dwconv1d_layer *layer, size_t batch, size_t steps,
                                       const float *input, float *output, const float *pool,
                                       size_t pool_slots, const ptrdiff_t *slot_index) {
  dwconv1d_status s = check_streamable(layer);
  if (s != DWCONV1D_OK)
    return s;
  if (layer->params.strides != 1)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "the pool call needs strides == 1 (its slots hold no phase), got "
                          "strides=%zu; use a dwconv1d_stream",
                          layer->params.strides);
  const struct stream_shape sh = shape_of(layer);
  if ((s = check_sizes(&sh, batch, steps, steps)) != DWCONV1D_OK)
    return s;
  size_t pool_floats;
  if (!dwconv1d_mul_ok(sh.history, sh.channels, &pool_floats) ||
      !dwconv1d_mul_ok(pool_floats, pool_slots, &pool_floats) ||
      !dwconv1d_mul_ok(pool_floats, sizeof(float), &pool_floats))
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "pool size overflows size_t: pool_slots=%zu, state steps=%zu, "
                          "channels=%zu",
                          pool_slots, sh.history, sh.channels);
  if (batch == 0 || steps == 0)
    return DWCONV1D_OK;
  if (input == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "input must not be NULL");
  if (output == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "output must not be NULL");
  if (slot_index == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "slot_index must not be NULL");
  if (pool == NULL && sh.history > 0)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "pool must not be NULL");
  for (size_t b = 0; b < batch; b++)
    if (slot_index[b] >= 0 && (size_t)slot_index[b] >= pool_slots)
      return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                            "slot_index[%zu] must be < pool_slots %zu (or negative to skip the "
                            "row), got %td",
                            b, pool_slots, slot_index[b]);
  return DWCONV1D_OK;
}

dwconv1d_status dwconv1d_stream_pool_push(const dwconv1d_layer *layer, size_t batch,
                                          size_t steps, const float *input, float *output,
                                          float *pool, size_t pool_slots,
                                          const ptrdiff_t *slot_index) {
  dwconv1d_status s =
      check_pool_args(layer, batch, steps, input, output, pool, pool_slots, slot_index);
  if (s != DWCONV1D_OK || batch == 0 || steps == 0)
    return s;
  const struct stream_shape sh = shape_of(layer);
  /* Strides 1 and phase 0: every step completes one output. */
  _Alignas(64) float stack[STACK_FLOATS];
  struct workspace ws = {0};
  const struct push push = {.shape = &sh,
                            .ws = &ws,
                            .batch = batch,
                            .steps = steps,
                            .phase = 0,
                            .count = steps,
                            .input = input,
                            .output = output,
                            .states = pool,
                            .state_stride = sh.history * sh.channels,
                            .slot_index = slot_index};
  float *heap = NULL;
  if (!decodes_slots(&push)) {
    size_t floats = 0;
    if ((s = size_workspace(&sh, steps, steps, &ws, &floats)) != DWCONV1D_OK)
      return s;
    if (floats > STACK_FLOATS && (heap = dwconv1d_alloc_floats(floats)) == NULL)
      return dwconv1d_error(DWCONV1D_ERROR_OUT_OF_MEMORY,
                            "out of memory for a %zu-byte pool-call workspace",
                            floats * sizeof(float));
    plan_workspace(&sh, steps, steps, heap != NULL ? heap : stack, &ws, &floats);
  }
  run_push(&push);
  free(heap);
  return DWCONV1D_OK;
}
