/* An independent double-precision reference of the layer (SPEC §1, §3) and
 * the acceptance bands that SPEC §4 allows around it. Written from the
 * contract alone; it shares no code with src/ or kernels/. */
#ifndef DWCONV1D_TEST_REFERENCE_H
#define DWCONV1D_TEST_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "dwconv1d.h"

/* One forward call: the layer's parameters, its weights and one input. */
typedef struct ref_problem {
  dwconv1d_params params;
  size_t batch;
  size_t channels;
  size_t steps;
  const float *input;  /* (B, T, C) or (B, C, T) as params.data_format says */
  const float *kernel; /* (K, C, M), kernel[k][c][m] */
  const float *bias;   /* (C*M); NULL when !params.use_bias */
} ref_problem;

/* Sizes that follow from SPEC §1. */
typedef struct ref_dims {
  size_t out_steps;    /* T_out (not halved by GLU) */
  size_t pad_left;     /* zeros before the first step */
  size_t out_channels; /* C*M */
  size_t pre_count;    /* elements before GLU: B * T_out * C*M */
  size_t last_axis;    /* length of the output's last axis before GLU */
  size_t shape[3];     /* final output shape in the layout's order */
  size_t count;        /* elements of the final output */
} ref_dims;

/* Computes the sizes; false when the parameters are invalid, the output
 * would be empty, GLU meets an odd last axis, or an intermediate value does
 * not fit in size_t. */
bool ref_dims_compute(const dwconv1d_params *p, size_t batch, size_t channels, size_t steps,
                      ref_dims *d);

/* The pre-activation values z (bias included) and their SPEC §4 error
 * bound e = 1e-5 * (sum_j |x*w| + |bias|) + 1e-6, in the output layout
 * before GLU (d->pre_count elements each). Padding taps multiply a literal
 * zero with the weight, exactly as the formula of SPEC §1 reads. */
void ref_preactivation(const ref_problem *pr, const ref_dims *d, double *z, double *err);

/* Keras 3's elementwise activation `a` in double (axis activations: NaN). */
double ref_activation(dwconv1d_activation a, double x);

/* True for softmax, log_softmax, sparsemax and glu. */
bool ref_activation_is_axis(dwconv1d_activation a);

/* The expected output and, for each element, the band [lo, hi] that a
 * correct float32 implementation must hit: the activation's range over
 * z +- e, widened by the activation's own float evaluation error. */
typedef struct ref_expectation {
  ref_dims dims;
  double *value; /* the exact double result */
  double *lo;
  double *hi;
} ref_expectation;

/* Fills `ex` for pre-activation values z with error bounds e (laid out as
 * ref_preactivation writes them). Returns false on allocation failure. */
bool ref_expectation_from(const dwconv1d_params *p, const ref_dims *d, const double *z,
                          const double *err, ref_expectation *ex);

/* ref_dims_compute + ref_preactivation + ref_expectation_from. False when
 * the problem is invalid or memory runs out. */
bool ref_expectation_compute(const ref_problem *pr, ref_expectation *ex);

void ref_expectation_free(ref_expectation *ex);

#endif /* DWCONV1D_TEST_REFERENCE_H */
