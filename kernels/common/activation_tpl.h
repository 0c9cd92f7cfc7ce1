/* Elementwise activations written once over the vector layer (vec_<isa>.h):
 * Keras 3 definitions with Keras's default parameters, SLEEF u10 functions
 * for the transcendentals. Included by each ISA's kernel after its layer.
 * vmax(c, x) and vmin(c, x) return x when x is NaN, so NaN propagates. */
#ifndef DWCONV1D_ACTIVATION_TPL_H
#define DWCONV1D_ACTIVATION_TPL_H

#include "dwconv1d.h"

static inline vfloat act_sigmoid(vfloat x) {
  const vfloat one = vset1(1.0f);
  return vdiv(one, vadd(one, vexp(vsub(vzero(), x))));
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

/* One elementwise activation. The switch is on a loop-invariant value, so
 * the branch predicts perfectly; axis activations are row passes elsewhere. */
static inline vfloat activate(vfloat x, dwconv1d_activation a) {
  switch (a) {
  case DWCONV1D_ACTIVATION_RELU: return vmax(vzero(), x);
  case DWCONV1D_ACTIVATION_RELU6: return act_relu6(x);
  case DWCONV1D_ACTIVATION_LEAKY_RELU:
    return vselect(vlt(x, vzero()), vmul(vset1(0.2f), x), x);
  case DWCONV1D_ACTIVATION_ELU: return act_elu(x, 1.0f);
  case DWCONV1D_ACTIVATION_SELU:
    return vmul(vset1(1.05070098735548049f), act_elu(x, 1.67326324235437728f));
  case DWCONV1D_ACTIVATION_CELU: return act_elu(x, 1.0f);
  case DWCONV1D_ACTIVATION_SIGMOID: return act_sigmoid(x);
  case DWCONV1D_ACTIVATION_HARD_SIGMOID: return act_hard_sigmoid(x);
  case DWCONV1D_ACTIVATION_HARD_SILU: return vmul(x, act_hard_sigmoid(x));
  case DWCONV1D_ACTIVATION_SILU: return vmul(x, act_sigmoid(x));
  case DWCONV1D_ACTIVATION_GELU: return act_gelu(x);
  case DWCONV1D_ACTIVATION_GELU_APPROXIMATE: return act_gelu_approximate(x);
  case DWCONV1D_ACTIVATION_TANH: return vtanh(x);
  case DWCONV1D_ACTIVATION_TANH_SHRINK: return vsub(x, vtanh(x));
  case DWCONV1D_ACTIVATION_HARD_TANH: return vmin(vset1(1.0f), vmax(vset1(-1.0f), x));
  case DWCONV1D_ACTIVATION_HARD_SHRINK: return act_hard_shrink(x);
  case DWCONV1D_ACTIVATION_SOFT_SHRINK: return act_soft_shrink(x);
  case DWCONV1D_ACTIVATION_SOFTPLUS: return act_softplus(x);
  case DWCONV1D_ACTIVATION_SOFTSIGN: return vdiv(x, vadd(vset1(1.0f), vabs(x)));
  case DWCONV1D_ACTIVATION_SPARSE_PLUS: return act_sparse_plus(x);
  case DWCONV1D_ACTIVATION_SPARSE_SIGMOID: return act_sparse_sigmoid(x);
  case DWCONV1D_ACTIVATION_SQUAREPLUS: return act_squareplus(x);
  case DWCONV1D_ACTIVATION_MISH: return vmul(x, vtanh(act_softplus(x)));
  case DWCONV1D_ACTIVATION_EXPONENTIAL: return vexp(x);
  case DWCONV1D_ACTIVATION_LOG_SIGMOID: return vsub(vzero(), act_softplus(vsub(vzero(), x)));
  default: return x; /* LINEAR; axis activations run as row passes */
  }
}

#endif
