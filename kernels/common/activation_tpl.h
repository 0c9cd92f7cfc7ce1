/* Elementwise activations written once over the vector layer (vec_<isa>.h):
 * Keras 3 definitions with Keras's default parameters, SLEEF u10 functions
 * for the transcendentals. Included by each ISA's kernel after its layer.
 * vmax(c, x) and vmin(c, x) return x when x is NaN, so NaN propagates. */
#ifndef DWCONV1D_ACTIVATION_TPL_H
#define DWCONV1D_ACTIVATION_TPL_H

#include "dwconv1d.h"

/* a * sigmoid(b) as a / (1 + exp(-b)): sigmoid itself with a = 1; for
 * SiLU and GLU one rounding and one operation fewer than a times the
 * rounded sigmoid (Mamba's prefill and decode 3 % faster), the same at
 * +-Inf and NaN. */
static inline vfloat act_times_sigmoid(vfloat a, vfloat b) {
  return vdiv(a, vadd(vset1(1.0f), vexp(vsub(vzero(), b))));
}

/* log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)). */
static inline vfloat act_softplus(vfloat x) {
  const vfloat tail = vlog1p(vexp(vsub(vzero(), vabs(x))));
  return vadd(vmax(vzero(), x), tail);
}

static inline vfloat act_relu6(vfloat x) { return vmin(vset1(6.0f), vmax(vzero(), x)); }

static inline vfloat act_hard_sigmoid(vfloat x) {
  return vdiv(act_relu6(vadd(x, vset1(3.0f))), vset1(6.0f));
}

/* x for x > 0, alpha * expm1(x) otherwise (elu, selu, celu with alpha 1). */
static inline vfloat act_elu(vfloat x, float alpha) {
  return vselect(vgt(x, vzero()), x, vmul(vset1(alpha), vexpm1(x)));
}

static inline vfloat act_gelu(vfloat x) {
  const vfloat half = vset1(0.5f);
  const vfloat e = verf(vmul(x, vset1(0.70710678118654752f)));
  return vmul(vmul(half, x), vadd(vset1(1.0f), e));
}

static inline vfloat act_gelu_approximate(vfloat x) {
  const vfloat x3 = vmul(vmul(x, x), x);
  const vfloat inner = vmul(vset1(0.79788456080286536f), vfmadd(vset1(0.044715f), x3, x));
  return vmul(vmul(vset1(0.5f), x), vadd(vset1(1.0f), vtanh(inner)));
}

/* Keras: where(|x| > 0.5, x, 0); NaN compares false and gives 0 as in Keras. */
static inline vfloat act_hard_shrink(vfloat x) {
  return vselect(vgt(vabs(x), vset1(0.5f)), x, vzero());
}

static inline vfloat act_soft_shrink(vfloat x) {
  const vfloat t = vset1(0.5f);
  const vfloat below = vselect(vlt(x, vsub(vzero(), t)), vadd(x, t), vzero());
  return vselect(vgt(x, t), vsub(x, t), below);
}

/* Keras: 0 for x <= -1, x for x >= 1, (x + 1)^2 / 4 between (NaN stays NaN). */
static inline vfloat act_sparse_plus(vfloat x) {
  const vfloat one = vset1(1.0f);
  const vfloat xp1 = vadd(x, one);
  const vfloat mid = vmul(vmul(xp1, xp1), vset1(0.25f));
  return vselect(vle(x, vset1(-1.0f)), vzero(), vselect(vge(x, one), x, mid));
}

static inline vfloat act_sparse_sigmoid(vfloat x) {
  const vfloat one = vset1(1.0f);
  const vfloat mid = vmul(vadd(x, one), vset1(0.5f));
  return vselect(vle(x, vset1(-1.0f)), vzero(), vselect(vge(x, one), one, mid));
}

static inline vfloat act_squareplus(vfloat x) {
  const vfloat root = vsqrt(vfmadd(x, x, vset1(4.0f)));
  return vmul(vadd(x, root), vset1(0.5f));
}

/* The elementwise activations other than linear, each as X(name, value of
 * x, calls): the one list that activate() and the kernels' per-block stores
 * (store_block_activated) expand; `calls` is 1 where the value calls SLEEF,
 * a long chain of dependent operations (see activation_calls). Axis
 * activations run as row passes. */
#define ELEMENTWISE_ACTIVATIONS(X)                                                  \
  X(RELU, vmax(vzero(), x), 0)                                                      \
  X(RELU6, act_relu6(x), 0)                                                         \
  X(LEAKY_RELU, vselect(vlt(x, vzero()), vmul(vset1(0.2f), x), x), 0)               \
  X(ELU, act_elu(x, 1.0f), 1)                                                       \
  X(SELU, vmul(vset1(1.05070098735548049f), act_elu(x, 1.67326324235437728f)), 1)   \
  X(CELU, act_elu(x, 1.0f), 1)                                                      \
  X(SIGMOID, act_times_sigmoid(vset1(1.0f), x), 1)                                  \
  X(HARD_SIGMOID, act_hard_sigmoid(x), 0)                                           \
  X(HARD_SILU, vmul(x, act_hard_sigmoid(x)), 0)                                     \
  X(SILU, act_times_sigmoid(x, x), 1)                                               \
  X(GELU, act_gelu(x), 1)                                                           \
  X(GELU_APPROXIMATE, act_gelu_approximate(x), 1)                                   \
  X(TANH, vtanh(x), 1)                                                              \
  X(TANH_SHRINK, vsub(x, vtanh(x)), 1)                                              \
  X(HARD_TANH, vmin(vset1(1.0f), vmax(vset1(-1.0f), x)), 0)                         \
  X(HARD_SHRINK, act_hard_shrink(x), 0)                                             \
  X(SOFT_SHRINK, act_soft_shrink(x), 0)                                             \
  X(SOFTPLUS, act_softplus(x), 1)                                                   \
  X(SOFTSIGN, vdiv(x, vadd(vset1(1.0f), vabs(x))), 0)                               \
  X(SPARSE_PLUS, act_sparse_plus(x), 0)                                             \
  X(SPARSE_SIGMOID, act_sparse_sigmoid(x), 0)                                       \
  X(SQUAREPLUS, act_squareplus(x), 0)                                               \
  X(MISH, vmul(x, vtanh(act_softplus(x))), 1)                                       \
  X(EXPONENTIAL, vexp(x), 1)                                                        \
  X(LOG_SIGMOID, vsub(vzero(), act_softplus(vsub(vzero(), x))), 1)

/* One elementwise activation. The switch is on a loop-invariant value, so
 * the branch predicts perfectly; a constant `a` folds it away. */
static inline vfloat activate(vfloat x, dwconv1d_activation a) {
  switch (a) {
#define ACTIVATE_CASE(name, value, calls)                                           \
  case DWCONV1D_ACTIVATION_##name:                                                  \
    return value;
    ELEMENTWISE_ACTIVATIONS(ACTIVATE_CASE)
#undef ACTIVATE_CASE
  default: return x; /* LINEAR; axis activations run as row passes */
  }
}

/* Whether activation `a` calls SLEEF (see ELEMENTWISE_ACTIVATIONS). */
static inline bool activation_calls(dwconv1d_activation a) {
  switch (a) {
#define CALLS_CASE(name, value, calls)                                              \
  case DWCONV1D_ACTIVATION_##name:                                                  \
    return calls;
    ELEMENTWISE_ACTIVATIONS(CALLS_CASE)
#undef CALLS_CASE
  default: return false;
  }
}

#endif
