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
  float *bias;    /* out_channels rounded up to DWCONV1D_MAX_VLEN, zeros if !use_bias */
  struct dwconv1d_cpu_traits cpu; /* this CPU's, for every tile (see kernel.h) */
  /* The last forward workspace, free for the next call to take; NULL while
   * a call uses it (concurrent calls then allocate their own). */
  _Atomic(struct dwconv1d_spare_workspace *) spare;
};

/* 64-byte aligned memory for `count` floats (release with free), or NULL on
 * failure or size overflow. */
float *dwconv1d_alloc_floats(size_t count);

#endif
