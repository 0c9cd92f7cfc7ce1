/* The AArch64 AdvSIMD vector layer: 4 lanes, FMA, tails through lane loads. */
#ifndef DWCONV1D_VEC_NEON_H
#define DWCONV1D_VEC_NEON_H

#if !defined(__aarch64__) || !defined(__ARM_NEON)
#error "kernels/neon must be compiled for AArch64 with AdvSIMD"
#endif

#include <arm_neon.h>
#include <sleef.h>
#include <stddef.h>

#define VLEN 4
#define ISA_SUFFIX neon
#define ISA_ENUM DWCONV1D_ISA_NEON
/* 32 vector registers: 8 accumulators leave plenty for weights and inputs. */
#define UNROLL_T 8
/* 32 vector registers: room for a rotating window of UNROLL_T input rows. */
#define VREGS 32

typedef float32x4_t vfloat;
typedef uint32x4_t vmask;

static inline vfloat vzero(void) { return vdupq_n_f32(0.0f); }

/* v as a value in a register that the compiler cannot load again at each
 * use (see short_block). */
static inline vfloat vkeep(vfloat v) {
  __asm__("" : "+w"(v));
  return v;
}
static inline vfloat vset1(float x) { return vdupq_n_f32(x); }
static inline vfloat vload(const float *p) { return vld1q_f32(p); }
static inline void vstore(float *p, vfloat v) { vst1q_f32(p, v); }
/* No masked load on AdvSIMD: the valid lanes are loaded and stored one or two
 * at a time, so nothing past p[n-1] is touched, and without a call to memcpy
 * that would force the accumulators out of registers. n is 0..3. */
static inline vfloat vload_tail(const float *p, size_t n) {
  const float32x2_t zero2 = vdup_n_f32(0.0f);
  switch (n) {
  case 1: return vcombine_f32(vld1_lane_f32(p, zero2, 0), zero2);
  case 2: return vcombine_f32(vld1_f32(p), zero2);
  case 3: return vcombine_f32(vld1_f32(p), vld1_lane_f32(p + 2, zero2, 0));
  default: return vdupq_n_f32(0.0f);
  }
}
static inline void vstore_tail(float *p, vfloat v, size_t n) {
  switch (n) {
  case 1: vst1q_lane_f32(p, v, 0); break;
  case 2: vst1_f32(p, vget_low_f32(v)); break;
  case 3: vst1_f32(p, vget_low_f32(v)); vst1q_lane_f32(p + 2, v, 2); break;
  default: break;
  }
}

/* Lanes [lo, hi) from p[0 .. hi - lo), zeros elsewhere (lo < hi <= 4):
 * the hi - lo floats loaded as a tail and moved up lo lanes in registers,
 * as SSE4.1 does, not through a stack array that the vector load would
 * have to wait on. */
#define VLOAD_LANE_RANGE 1
static inline vfloat vload_lane_range(const float *p, size_t lo, size_t hi) {
  const vfloat v = hi - lo < 4 ? vload_tail(p, hi - lo) : vld1q_f32(p), zero = vdupq_n_f32(0.0f);
  switch (lo) {
  case 1: return vextq_f32(zero, v, 3);
  case 2: return vextq_f32(zero, v, 2);
  case 3: return vextq_f32(zero, v, 1);
  }
  return v;
}

static inline vfloat vadd(vfloat a, vfloat b) { return vaddq_f32(a, b); }
static inline vfloat vsub(vfloat a, vfloat b) { return vsubq_f32(a, b); }
static inline vfloat vmul(vfloat a, vfloat b) { return vmulq_f32(a, b); }
static inline vfloat vdiv(vfloat a, vfloat b) { return vdivq_f32(a, b); }
/* a*b + c with one rounding (FMLA), as on AVX2 and AVX-512. */
static inline vfloat vfmadd(vfloat a, vfloat b, vfloat c) { return vfmaq_f32(c, a, b); }
/* x86 max/min semantics, not FMAX/FMIN: the second operand is returned when
 * either is NaN (and for +0/-0 ties), so vmax(c, x) and vmin(c, x) return a
 * NaN x, and every path rounds relu(-0) and the clamps identically. */
static inline vfloat vmax(vfloat a, vfloat b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
static inline vfloat vmin(vfloat a, vfloat b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
static inline vfloat vabs(vfloat a) { return vabsq_f32(a); }
static inline vfloat vsqrt(vfloat a) { return vsqrtq_f32(a); }

/* Ordered compares: false when either operand is NaN, as _CMP_*_OQ on x86. */
static inline vmask vgt(vfloat a, vfloat b) { return vcgtq_f32(a, b); }
static inline vmask vge(vfloat a, vfloat b) { return vcgeq_f32(a, b); }
static inline vmask vlt(vfloat a, vfloat b) { return vcltq_f32(a, b); }
static inline vmask vle(vfloat a, vfloat b) { return vcleq_f32(a, b); }
static inline vfloat vselect(vmask m, vfloat a, vfloat b) { return vbslq_f32(m, a, b); }

static inline vfloat vexp(vfloat a) { return Sleef_expf4_u10advsimd(a); }
static inline vfloat vexpm1(vfloat a) { return Sleef_expm1f4_u10advsimd(a); }
static inline vfloat vlog(vfloat a) { return Sleef_logf4_u10advsimd(a); }
static inline vfloat vlog1p(vfloat a) { return Sleef_log1pf4_u10advsimd(a); }
static inline vfloat vtanh(vfloat a) { return Sleef_tanhf4_u10advsimd(a); }
static inline vfloat verf(vfloat a) { return Sleef_erff4_u10advsimd(a); }

static inline float vreduce_add(vfloat a) { return vaddvq_f32(a); }
/* FMAXV returns NaN if any lane is NaN; softmax's sum is NaN then anyway. */
static inline float vreduce_max(vfloat a) { return vmaxvq_f32(a); }

/* Transposes the VLEN x VLEN block rows[i][l] -> rows[l][i] in registers. */
static inline void vtranspose(vfloat rows[VLEN]) {
  const float32x4x2_t t01 = vtrnq_f32(rows[0], rows[1]);
  const float32x4x2_t t23 = vtrnq_f32(rows[2], rows[3]);
  rows[0] = vcombine_f32(vget_low_f32(t01.val[0]), vget_low_f32(t23.val[0]));
  rows[1] = vcombine_f32(vget_low_f32(t01.val[1]), vget_low_f32(t23.val[1]));
  rows[2] = vcombine_f32(vget_high_f32(t01.val[0]), vget_high_f32(t23.val[0]));
  rows[3] = vcombine_f32(vget_high_f32(t01.val[1]), vget_high_f32(t23.val[1]));
}

/* Lane l of vpermute(table, vindex_of(src)) is lane src[l] of table, by a byte table lookup. */
typedef uint8x16_t vindex;
static inline vindex vindex_of(const int src[4]) {
  uint8_t bytes[16];
  for (size_t l = 0; l < 4; l++)
    for (size_t b = 0; b < 4; b++)
      bytes[4 * l + b] = (uint8_t)(4 * src[l] + b);
  return vld1q_u8(bytes);
}
static inline vfloat vpermute(vfloat table, vindex idx) {
  return vreinterpretq_f32_u8(vqtbl1q_u8(vreinterpretq_u8_f32(table), idx));
}

/* Lanes 0, 2, ... of a then of b: every other step of two vectors. */
static inline vfloat veven(vfloat a, vfloat b) { return vuzp1q_f32(a, b); }

#endif
