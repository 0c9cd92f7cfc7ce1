/* The layer's internals, shared by the forward pass and the streams. */
#ifndef DWCONV1D_LAYER_H
#define DWCONV1D_LAYER_H

#include <stdatomic.h>

#include "dwconv1d.h"
#include "kernel.h"

/* A forward workspace a layer keeps between calls (see layer.c). */
struct dwconv1d_spare_workspace {
  size_t floats;
  float *data;
};

struct dwconv1d_layer {
  dwconv1d_params params;
  size_t channels;     /* C */
  size_t out_channels; /* C * M */
  const struct dwconv1d_kernels *kernels;
  float *weights; /* packed for kernels->vlen (see dwconv1d_pack_weights) */
  /* In the same allocation, the last vlen output channels' weights as one
   * block (see dwconv1d_pack_weights_last), where C * M passes vlen and is
   * no multiple of it; else NULL. */
  const float *last_weights;
  float *bias;    /* out_channels rounded up to DWCONV1D_MAX_VLEN, zeros if !use_bias */
  struct dwconv1d_cpu_traits cpu; /* this CPU's, for every tile (see kernel.h) */
  /* The last forward workspace, free for the next call to take; NULL while
   * a call uses it (concurrent calls then allocate their own). */
  _Atomic(struct dwconv1d_spare_workspace *) spare;
  /* Per shift s: the weights (see dwconv1d_pack_weights_rotated), then the
   * bias, of channels s, s + 1, ... taken cyclically, for calls whose
   * buffers start s floats short of a vector boundary (see
   * dwconv1d_layer_rotation); NULL until a call needs them. */
  _Atomic(float *) rotated[DWCONV1D_MAX_VLEN];
};

/* A tile of `layer`'s output channels [c0, c0 + width) and output steps
 * [t0, t1), with their weights, bias and the CPU's traits; the caller sets
 * what it reads and where it writes. c0 is a multiple of the kernels' vlen
 * (channels are cut in multiples of DWCONV1D_MAX_VLEN), so its packed
 * weights start K * c0 in. Every field is named: with some left to
 * zero-initialisation gcc cleared the whole struct first with `rep stos`,
 * whose start-up cost showed in every batch element of a small call (B16
 * T1 C1 K1 on SSE4.1, back to back: 360 -> 222 ns a call). */
static inline struct dwconv1d_tile dwconv1d_layer_tile(const struct dwconv1d_layer *layer,
                                                       size_t c0, size_t width, size_t t0,
                                                       size_t t1, dwconv1d_activation act) {
  return (struct dwconv1d_tile){
      .input = NULL,
      .input_stride = 0,
      .channel_stride = layer->kernels->vlen,
      .row_base = 0,
      .depth_multiplier = 1,
      .channel_skip = 0,
      .input_row_floats = 0,
      .output = NULL,
      .output_stride = 0,
      .t_begin = t0,
      .t_end = t1,
      .channels = width,
      .weights = layer->weights + c0 * layer->params.kernel_size,
      .bias = layer->bias + c0,
      .last_weights = c0 + width == layer->out_channels && width > layer->kernels->vlen
                          ? layer->last_weights
                          : NULL,
      .activation = act,
      .cpu = layer->cpu,
      .prefetch_inputs = false,
      .stream_outputs = false,
  };
}

/* The output channels before `output`'s first vector boundary, where a
 * channels_last call of `layer` (stride 1, no glu, C * M a whole number of
 * the kernels' vectors) reading `input` and writing `output` in place can
 * run on aligned vectors (see dwconv1d_layer_conv_rotated): with M = 1 the
 * input must lie the same distance past a boundary, as glibc's malloc and
 * NumPy leave large buffers (16 bytes past 64); M > 1 loads parts of input
 * vectors, aligned or not. 0 where it cannot, or need not. */
size_t dwconv1d_layer_rotation(const struct dwconv1d_layer *layer, const float *input,
                               const float *output);

/* Runs `tile`, all of the layer's output channels of a channels_last range
 * read and written in place (dwconv1d_layer_tile(layer, 0, C * M, ...)
 * with its buffers set), on aligned vectors where its buffers start
 * `shift` (dwconv1d_layer_rotation) floats short of a vector boundary, in
 * the same bits. The rotated weights are packed on the first call that
 * needs them. Returns false, having run nothing, where the range is too
 * short to gain or that packing fails for want of memory. */
bool dwconv1d_layer_conv_rotated(const struct dwconv1d_layer *layer,
                                 const struct dwconv1d_geometry *g,
                                 const struct dwconv1d_tile *tile, size_t shift);

/* 64-byte aligned memory for `count` floats (release with free), or NULL on
 * failure or size overflow. */
float *dwconv1d_alloc_floats(size_t count);

#endif
