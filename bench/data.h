/* The data of one shape, shared by every path and peer that runs it: inputs
 * in Keras layout, the dwconv1d scalar path's output (the answer every other
 * path and peer must reproduce), and the bounds for that comparison. */
#ifndef DWCONV1D_BENCH_DATA_H
#define DWCONV1D_BENCH_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "shapes.h"

typedef struct bench_data {
  const bench_shape *shape;
  bench_shape_sizes sizes;
  float *input;  /* (B, T, C) or (B, C, T) as the shape's data_format says */
  float *kernel; /* (K, C, M), Keras's layout */
  float *bias;   /* (C·M) */
  /* The scalar path's output, in the shape's layout; NULL when the scalar
   * path failed or disagreed with the double-precision reference. */
  float *expected;
  /* Per output: Σ_j |x·w| in double, the scale of SPEC §4's error bound. */
  double *magnitude;
  /* Why `expected` is missing or how far it was checked ("" if fully). */
  char scalar_note[512];
  /* Bytes read + written per second by memcpy over this shape's footprint. */
  double copy_bytes_per_second;
} bench_data;

/* Allocates and fills *data for `shape`: random inputs (fixed seed), the
 * double reference, the scalar path's output and its check, and the copy
 * bandwidth of the footprint. Returns 0, or -1 with the reason in `why`
 * (then nothing needs releasing). */
/* A tensor buffer of `bytes` bytes, 64-byte aligned as inference engines
 * align their tensors (and as a vector of 16 floats wants); free() it. */
void *bench_alloc_tensor(size_t bytes);

int bench_data_create(const bench_shape *shape, bench_data *data, char *why, size_t why_size);

void bench_data_destroy(bench_data *data);

/* Compares `output` (the shape's layout) with the scalar path's output:
 * each element within 2·L·(1e-5·Σ|x·w| + 1e-6) + 2e-6·|expected|, L being
 * the activation's Lipschitz bound (twice SPEC §4, since both sides carry
 * its error). Returns true if all agree; otherwise false with the worst
 * element, its position and the tolerance in `why`. */
bool bench_data_matches(const bench_data *data, const float *output, char *why, size_t why_size);

#endif /* DWCONV1D_BENCH_DATA_H */
