/* The interface between the layer (src/) and each ISA's kernels (kernels/<isa>/). */
#ifndef DWCONV1D_KERNEL_H
#define DWCONV1D_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "dwconv1d.h"

/* The widest vector of any ISA, in floats: packed weights and channel tiles
 * are laid out in multiples of it so one layout serves every path. */
#define DWCONV1D_MAX_VLEN 16

/* The convolution's shape along the steps axis. */
struct dwconv1d_geometry {
  size_t kernel_size; /* K */
  size_t stride;      /* s */
  size_t dilation;    /* d */
  size_t pad_left;    /* zeros before input step 0 */
  size_t in_steps;    /* T: input steps 0..T-1 exist, all others are zero */
};

/* What the kernels' choices depend on in the CPU beyond its ISA, probed
 * once with the ISAs (see dispatch/cpu.h). */
struct dwconv1d_cpu_traits {
  bool prefetch_outputs;     /* prefetching the output lines pays (see output_prefetch_for) */
  bool shuffles_on_fma_port; /* a shift costs an FMA slot (see rows_long_pays) */
  bool line_split_stores_slow; /* whole-vector stores across two lines cost more than
                                * 16-byte ones (see scatter_block_cf) */
  unsigned l1d_ways;         /* the L1 data cache's ways, 0 if the CPU does not say
                              * (see phases_pay) */
  size_t llc_bytes;          /* the last-level cache's size, 0 if the CPU does not say
                              * (see dwconv1d_tile's stream_outputs) */
};

/* One tile of work: output steps [t_begin, t_end) of a range of output
 * channels, read from a channels-last source holding input steps from
 * `row_base` on, one row per step (only rows inside [0, T) are read).
 * With depth_multiplier m > 1 the source is the caller's rows of input
 * channels, and output channel c of the range reads input channel
 * (channel_skip + c) / m counted from `input`: kernels expand each row in
 * registers. Only rows of channels (channel_stride = VLEN) with short
 * kernels expand: kernel_size <= the kernels' expand_max_taps, dilation 1,
 * stride 1 or 2. */
struct dwconv1d_tile {
  const float *input;       /* source row `row_base`, first channel of the range */
  size_t input_stride;      /* floats between source rows */
  size_t channel_stride;    /* floats between one channel vector and the next:
                             * VLEN for rows of channels, rows * VLEN for
                             * channel blocks stored one after another */
  size_t row_base;          /* input step stored at `input` */
  size_t depth_multiplier;  /* m > 1 for a tile that expands its rows (0, 1: none) */
  size_t channel_skip;      /* m > 1: the range's first output channel mod m */
  size_t input_row_floats;  /* m > 1: floats of each source row from `input`
                             * on, inside which kernels may load whole
                             * vectors (0: each load takes only the lanes
                             * it expands) */
  float *output;            /* output step t_begin, first channel of the range */
  size_t output_stride;     /* floats between output rows */
  size_t t_begin, t_end;    /* output steps to compute */
  size_t channels;          /* output channels in the range */
  const float *weights;     /* packed weights of the range (see dwconv1d_pack_weights) */
  const float *bias;        /* bias of the range, padded to a whole vector */
  const float *last_weights; /* the range's last VLEN channels as one packed
                              * block, where the range has more than VLEN
                              * channels and no whole number of vectors;
                              * else NULL (see dwconv1d_pack_weights_last) */
  dwconv1d_activation activation; /* LINEAR or an elementwise activation */
  struct dwconv1d_cpu_traits cpu; /* this CPU's, probed once */
  bool prefetch_inputs;     /* the call reads more input than the caches
                             * hold: ISAs that gain fetch rows ahead (see
                             * PREFETCH_INPUT_ROWS in the template) */
  bool stream_outputs;      /* the call's input and output together pass the
                             * last-level cache: ISAs that can store whole
                             * aligned lines around the caches do (see
                             * stores_nontemporal) */
};

/* channels_first with stride 1 or 2: output steps [t_begin, t_end) of output
 * channels [c_begin, c_end) of one batch element, vectorised along steps.
 * Output channel oc reads input row oc / M. */
struct dwconv1d_rows {
  const float *input;   /* the batch element's (C, T) input */
  size_t depth_multiplier;
  float *output;        /* output element (c_begin, t_begin) */
  size_t output_stride; /* floats between output channel rows */
  size_t c_begin, c_end;
  size_t t_begin, t_end;
  const float *weights; /* the layer's packed weights, all channels */
  const float *bias;    /* the layer's bias, all channels */
  dwconv1d_activation activation; /* LINEAR or an elementwise activation */
  bool stream_outputs;  /* the call writes at least the last-level cache's
                         * size (see rows_stream) */
};

/* What one ISA provides. */
struct dwconv1d_kernels {
  dwconv1d_isa isa;
  size_t vlen; /* floats per vector: the channel block width of packed weights */
  /* channels_last, M = 1: long kernels of up to this span run fastest on
   * the caller's rows in place, longer ones through channel blocks. */
  size_t direct_max_span;
  /* channels_last, M > 1: kernels of up to this many taps (dilation 1,
   * stride 1 or 2) expand the caller's rows in registers (see
   * dwconv1d_tile); others read rows expanded by expand_block. */
  size_t expand_max_taps;
  /* channels_first, stride 1, dilation 1, K >= 16: whether a range of
   * out_steps output steps of `channels` channels, from input rows of
   * in_steps floats, runs faster on a CPU with these traits along each
   * channel's row (conv_rows) than through transposed channel blocks. */
  bool (*rows_long_pays)(size_t kernel_size, size_t out_steps, size_t in_steps,
                         size_t channels, struct dwconv1d_cpu_traits cpu);
  void (*conv_tile)(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *t);
  void (*conv_rows)(const struct dwconv1d_geometry *g, const struct dwconv1d_rows *r);
  /* Transposes between channel rows and channel blocks of vlen (see the
   * template): in for the gathered channels_first input (channels from
   * `first` on, block b0 at dst + b0 * channel_step, its steps dst_stride
   * floats apart), out for results, a block at a time. */
  void (*gather_blocks_cf)(const float *x, size_t row_stride, size_t first, size_t m,
                           size_t channels, size_t channel_step, size_t lo, size_t hi, float *dst,
                           size_t dst_stride);
  void (*scatter_block_cf)(const float *tile, size_t tile_stride, size_t steps, size_t lanes,
                           float *out, size_t out_stride, struct dwconv1d_cpu_traits cpu);
  /* One channel block of channels_last rows expanded by the depth
   * multiplier m: dst[r][l] = x[r * row_stride + (first + l) / m], for the
   * gathered tiles of kernels that do not expand in registers. Each row
   * holds row_stride floats from x on, and no load reads past them. */
  void (*expand_block)(const float *x, size_t row_stride, size_t rows, size_t first, size_t m,
                       size_t lanes, float *dst);
  /* Row-wise (last-axis) activations over n contiguous floats, in place. */
  void (*softmax_row)(float *x, size_t n);
  void (*log_softmax_row)(float *x, size_t n);
  /* out[i] = x[i] * sigmoid(x[half + i]) for i < half. */
  void (*glu_row)(const float *x, size_t half, float *out);
  /* One decoding step, M = 1, from a slot of `history` = dilation (K - 1)
   * >= 1 rows of `channels` floats and the new step: out = act(bias + taps
   * over the slot's rows 0, d, ..., H - d and step), act elementwise; the
   * slot's rows then move up a row, the step last. */
  void (*decode_slot)(float *slot, size_t channels, size_t history, size_t dilation,
                      const float *step, const float *weights, size_t kernel_size,
                      const float *bias, float *out, dwconv1d_activation act);
};

/* Packed weights: blocks of `vlen` output channels; within a block, tap j's
 * `vlen` weights are contiguous ([block][K][vlen]), zero beyond the last
 * channel. The tile for channels starting at c (a multiple of vlen) uses
 * weights + (c / vlen) * K * vlen. */
size_t dwconv1d_packed_weights_floats(size_t kernel_size, size_t out_channels, size_t vlen);
void dwconv1d_pack_weights(const float *kernel, size_t kernel_size, size_t out_channels,
                           size_t vlen, float *packed);
/* The weights of channels shift, shift + 1, ... taken cyclically (channel 0
 * after the last), read from `packed` (all out_channels, as packed above)
 * and packed the same way, into packed_weights_floats(kernel_size,
 * out_channels, vlen) floats at dst: for vectors that start `shift`
 * channels into a row and run on into the next row's first channels. */
void dwconv1d_pack_weights_rotated(const float *packed, size_t kernel_size, size_t out_channels,
                                   size_t vlen, size_t shift, float *dst);
/* The weights of the last `vlen` channels (out_channels > vlen), read from
 * `packed`, as one block of kernel_size * vlen floats at dst: a tile's last
 * channels as a whole vector that overlaps the one before (see
 * dwconv1d_tile's last_weights). */
void dwconv1d_pack_weights_last(const float *packed, size_t kernel_size, size_t out_channels,
                                size_t vlen, float *dst);

/* Sparsemax along n contiguous floats, in place; `work` holds n floats.
 * ISA-independent: it is a sort, not arithmetic worth vectorising. */
void dwconv1d_sparsemax_row(float *x, size_t n, float *work);

extern const struct dwconv1d_kernels dwconv1d_kernels_scalar;
extern const struct dwconv1d_kernels dwconv1d_kernels_sse4;
extern const struct dwconv1d_kernels dwconv1d_kernels_avx2;
extern const struct dwconv1d_kernels dwconv1d_kernels_avx512;
extern const struct dwconv1d_kernels dwconv1d_kernels_neon;

#endif
