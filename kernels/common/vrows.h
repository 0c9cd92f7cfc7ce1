/* The VLEN rows a transpose reads (see vtranspose_copy). */
#ifndef DWCONV1D_VROWS_H
#define DWCONV1D_VROWS_H

#include <stddef.h>

/* Row i at base + i * stride; where `offset` is set (an expansion's
 * repeated channels), at base + offset[i]. Uniform rows are the common
 * case and need no table: as 16 pointers, they left too few registers for
 * the transpose, and gcc kept them in vector registers and on the stack,
 * moving each back before its load (AMD Zen 4, channels_first B1 T500
 * C256 K33: 122.6 -> 118.5 us). */
struct vrows {
  const float *base;
  size_t stride;
  const size_t *offset;
};

static inline __attribute__((always_inline)) const float *vrow(struct vrows rows, size_t i) {
  return rows.offset ? rows.base + rows.offset[i] : rows.base + i * rows.stride;
}

#endif
