/* Parameter checks and shape arithmetic shared by the API entry points. */
#ifndef DWCONV1D_PARAMS_H
#define DWCONV1D_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "dwconv1d.h"
#include "kernel.h"

/* a * b, or false when it would overflow size_t. */
static inline bool dwconv1d_mul_ok(size_t a, size_t b, size_t *out) {
  if (b != 0 && a > (size_t)-1 / b)
    return false;
  *out = a * b;
  return true;
}

/* The checks shared by everything that takes a layer's weights: valid
 * parameters, channels >= 1, a kernel, and a bias when use_bias is set. */
dwconv1d_status dwconv1d_check_weights_args(const dwconv1d_params *p, size_t channels,
                                            const void *kernel, const void *bias);

/* Activations that act along the whole last axis rather than elementwise. */
bool dwconv1d_activation_is_axis(dwconv1d_activation a);

/* The steps-axis geometry and T_out for `steps` input steps; records an
 * error message and returns its status when there is no valid output. */
dwconv1d_status dwconv1d_geometry_for(const dwconv1d_params *p, size_t steps,
                                      struct dwconv1d_geometry *g, size_t *out_steps);

#endif
