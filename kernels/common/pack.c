/* Weight packing and sparsemax: ISA-independent pieces of the kernels. */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

size_t dwconv1d_packed_weights_floats(size_t kernel_size, size_t out_channels, size_t vlen) {
  const size_t blocks = (out_channels + vlen - 1) / vlen;
  return blocks * kernel_size * vlen;
}

/* Keras's (K, C, M) kernel is (K, C*M) row-major with output channel c*M+m,
 * so packing only regroups taps by channel block. */
void dwconv1d_pack_weights(const float *kernel, size_t kernel_size, size_t out_channels,
                           size_t vlen, float *packed) {
  const size_t blocks = (out_channels + vlen - 1) / vlen;
  memset(packed, 0, blocks * kernel_size * vlen * sizeof(float));
  for (size_t b = 0; b < blocks; b++) {
    const size_t c0 = b * vlen;
    const size_t lanes = out_channels - c0 < vlen ? out_channels - c0 : vlen;
    for (size_t j = 0; j < kernel_size; j++)
      memcpy(packed + (b * kernel_size + j) * vlen, kernel + j * out_channels + c0,
             lanes * sizeof(float));
  }
}

/* Channel c's tap j in packed weights. */
static float packed_weight(const float *packed, size_t kernel_size, size_t vlen, size_t c,
                           size_t j) {
  return packed[(c / vlen * kernel_size + j) * vlen + c % vlen];
}

void dwconv1d_pack_weights_rotated(const float *packed, size_t kernel_size, size_t out_channels,
                                   size_t vlen, size_t shift, float *dst) {
  const size_t blocks = (out_channels + vlen - 1) / vlen;
  memset(dst, 0, blocks * kernel_size * vlen * sizeof(float));
  for (size_t i = 0; i < out_channels; i++)
    for (size_t j = 0; j < kernel_size; j++)
      dst[(i / vlen * kernel_size + j) * vlen + i % vlen] =
          packed_weight(packed, kernel_size, vlen, (shift + i) % out_channels, j);
}

void dwconv1d_pack_weights_last(const float *packed, size_t kernel_size, size_t out_channels,
                                size_t vlen, float *dst) {
  for (size_t i = 0; i < vlen; i++)
    for (size_t j = 0; j < kernel_size; j++)
      dst[j * vlen + i] = packed_weight(packed, kernel_size, vlen, out_channels - vlen + i, j);
}

static int descending(const void *a, const void *b) {
  const float x = *(const float *)a, y = *(const float *)b;
  return (x < y) - (x > y);
}

/* Martins & Astudillo (2016): project onto the simplex. The support is the
 * largest k with 1 + k*z_(k) > sum of the k largest; tau = (that sum - 1)/k. */
void dwconv1d_sparsemax_row(float *x, size_t n, float *work) {
  for (size_t i = 0; i < n; i++) {
    if (x[i] != x[i]) { /* NaN anywhere poisons the row, as in Keras */
      for (size_t k = 0; k < n; k++)
        x[k] = x[i];
      return;
    }
  }
  memcpy(work, x, n * sizeof(float));
  qsort(work, n, sizeof(float), descending);
  double cumsum = 0.0, support_sum = 0.0;
  size_t support = 0;
  for (size_t k = 0; k < n; k++) {
    cumsum += work[k];
    if (1.0 + (double)(k + 1) * work[k] > cumsum) {
      support = k + 1;
      support_sum = cumsum;
    }
  }
  const float tau = (float)((support_sum - 1.0) / (double)support);
  for (size_t i = 0; i < n; i++)
    x[i] = x[i] > tau ? x[i] - tau : 0.0f;
}
