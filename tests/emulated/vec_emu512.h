/* A test-only stand-in for kernels/avx512/vec_avx512.h: the same layout
 * (16 lanes, UNROLL_T 8, 32 registers) and the same optional features, each
 * vector a pair of AVX2 registers and the shuffles done through memory, so
 * that the shared template's AVX-512 configuration (its 12-step blocks,
 * long rows, 16-lane tails and transposes) runs and is checked on CPUs
 * without AVX-512. It checks the template's logic for that layout, not
 * vec_avx512.h's intrinsics, and its speed means nothing. */
#ifndef DWCONV1D_VEC_EMU512_H
#define DWCONV1D_VEC_EMU512_H

#if !defined(__AVX2__) || !defined(__FMA__)
#error "tests/emulated must be compiled with -mavx2 -mfma"
#endif

#include <immintrin.h>
#include <sleef.h>
#include <stddef.h>
#include <stdint.h>

#include "common/vrows.h"

#define VLEN 16
#define ISA_SUFFIX avx512
#define ISA_ENUM DWCONV1D_ISA_AVX512
#define UNROLL_T 8
#define VREGS 32

typedef struct {
  __m256 lo, hi; /* lanes 0-7, 8-15 */
} vfloat;
typedef vfloat vmask; /* all-ones lanes where true */

/* Lanes below n (clamped to 0 .. 8) of one half. */
static inline __m256i half_mask(size_t n) {
  const int k = n < 8 ? (int)n : 8;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline vfloat vpair(__m256 lo, __m256 hi) { return (vfloat){lo, hi}; }
static inline vfloat vzero(void) { return vpair(_mm256_setzero_ps(), _mm256_setzero_ps()); }
static inline vfloat vkeep(vfloat v) {
  __asm__("" : "+x"(v.lo), "+x"(v.hi));
  return v;
}
static inline vfloat vset1(float x) { return vpair(_mm256_set1_ps(x), _mm256_set1_ps(x)); }
static inline vfloat vload(const float *p) {
  return vpair(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8));
}
static inline void vstore(float *p, vfloat v) {
  _mm256_storeu_ps(p, v.lo);
  _mm256_storeu_ps(p + 8, v.hi);
}
/* Masked: lanes at n and past are neither read nor written. */
static inline vfloat vload_tail(const float *p, size_t n) {
  if (n <= 8)
    return vpair(_mm256_maskload_ps(p, half_mask(n)), _mm256_setzero_ps());
  return vpair(_mm256_loadu_ps(p), _mm256_maskload_ps(p + 8, half_mask(n - 8)));
}
static inline void vstore_tail(float *p, vfloat v, size_t n) {
  _mm256_maskstore_ps(p, half_mask(n), v.lo);
  if (n > 8)
    _mm256_maskstore_ps(p + 8, half_mask(n - 8), v.hi);
}
#define HAVE_VSTREAM 1
static inline void vstream(float *p, vfloat v) {
  _mm256_stream_ps(p, v.lo);
  _mm256_stream_ps(p + 8, v.hi);
}
static inline void vstream_fence(void) { _mm_sfence(); }

#define EMU_BINARY(name, op)                                                                    \
  static inline vfloat name(vfloat a, vfloat b) { return vpair(op(a.lo, b.lo), op(a.hi, b.hi)); }
EMU_BINARY(vadd, _mm256_add_ps)
EMU_BINARY(vsub, _mm256_sub_ps)
EMU_BINARY(vmul, _mm256_mul_ps)
EMU_BINARY(vdiv, _mm256_div_ps)
EMU_BINARY(vmax, _mm256_max_ps)
EMU_BINARY(vmin, _mm256_min_ps)
#undef EMU_BINARY
static inline vfloat vfmadd(vfloat a, vfloat b, vfloat c) {
  return vpair(_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi));
}
static inline vfloat vabs(vfloat a) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  return vpair(_mm256_andnot_ps(sign, a.lo), _mm256_andnot_ps(sign, a.hi));
}
static inline vfloat vsqrt(vfloat a) { return vpair(_mm256_sqrt_ps(a.lo), _mm256_sqrt_ps(a.hi)); }

#define EMU_COMPARE(name, predicate)                                                            \
  static inline vmask name(vfloat a, vfloat b) {                                                \
    return vpair(_mm256_cmp_ps(a.lo, b.lo, predicate), _mm256_cmp_ps(a.hi, b.hi, predicate));   \
  }
EMU_COMPARE(vgt, _CMP_GT_OQ)
EMU_COMPARE(vge, _CMP_GE_OQ)
EMU_COMPARE(vlt, _CMP_LT_OQ)
EMU_COMPARE(vle, _CMP_LE_OQ)
#undef EMU_COMPARE
static inline vfloat vselect(vmask m, vfloat a, vfloat b) {
  return vpair(_mm256_blendv_ps(b.lo, a.lo, m.lo), _mm256_blendv_ps(b.hi, a.hi, m.hi));
}

#define EMU_SLEEF(name, fn)                                                                     \
  static inline vfloat name(vfloat a) { return vpair(fn(a.lo), fn(a.hi)); }
EMU_SLEEF(vexp, Sleef_expf8_u10avx2)
EMU_SLEEF(vexpm1, Sleef_expm1f8_u10avx2)
EMU_SLEEF(vlog, Sleef_logf8_u10avx2)
EMU_SLEEF(vlog1p, Sleef_log1pf8_u10avx2)
EMU_SLEEF(vtanh, Sleef_tanhf8_u10avx2)
EMU_SLEEF(verf, Sleef_erff8_u10avx2)
#undef EMU_SLEEF

/* The lanes through memory: what every shuffle below is built from. */
static inline void vlanes(vfloat v, float out[16]) { vstore(out, v); }

static inline float vreduce_add(vfloat a) {
  float l[16], s = 0.0f;
  vlanes(a, l);
  for (int i = 0; i < 16; i++)
    s += l[i];
  return s;
}
static inline float vreduce_max(vfloat a) {
  float l[16], m;
  vlanes(a, l);
  m = l[0];
  for (int i = 1; i < 16; i++)
    m = l[i] > m ? l[i] : m;
  return m;
}

/* dst[l * stride + i] = row i [l] for rows i < `rows`, columns l < `cols`. */
#define VTRANSPOSE_COPY_PART 1
static inline void vtranspose_copy_part(struct vrows src, float *dst, size_t stride, size_t rows,
                                        size_t cols) {
  for (size_t l = 0; l < cols; l++)
    for (size_t i = 0; i < rows; i++)
      dst[l * stride + i] = vrow(src, i)[l];
}
#define VTRANSPOSE_COPY 1
static inline void vtranspose_copy(struct vrows src, float *dst, size_t stride) {
  vtranspose_copy_part(src, dst, stride, 16, 16);
}
#define VTRANSPOSE_COPY_LANES 1
static inline void vtranspose_copy_lanes(struct vrows src, float *dst, size_t stride) {
  vtranspose_copy_part(src, dst, stride, 16, 16);
}

/* dst[l * stride + i] = src[i * cols + l], 16 rows of cols <= 8 floats. */
#define VSHORT_ROWS(cols) ((cols) <= 8)
static inline void vtranspose_short_rows(const float *src, size_t cols, float *dst,
                                         size_t stride) {
  vtranspose_copy_part((struct vrows){src, cols, NULL}, dst, stride, 16, cols);
}

/* dst[i * cols + l] = src[l * src_stride + i], i < 16, 2 <= cols <= 4. */
#define VSHORT_ROWS_OUT(cols) ((cols) <= 4)
static inline void vtranspose_to_short_rows(const float *src, size_t src_stride, size_t cols,
                                            float *dst) {
  for (size_t i = 0; i < 16; i++)
    for (size_t l = 0; l < cols; l++)
      dst[i * cols + l] = src[l * src_stride + i];
}

/* Lanes [lo, hi) from p[0 .. hi - lo), zeros elsewhere; reads only those. */
#define VLOAD_LANE_RANGE 1
static inline vfloat vload_lane_range(const float *p, size_t lo, size_t hi) {
  float l[16] = {0};
  for (size_t i = lo; i < hi; i++)
    l[i] = p[i - lo];
  return vload(l);
}

/* Lanes n .. 15 of lo then lanes 0 .. n - 1 of hi (0 <= n < 16). */
#define VCONCAT_FROM 1
static inline vfloat vconcat_from(vfloat lo, vfloat hi, size_t n) {
  float l[32];
  vstore(l, lo);
  vstore(l + 16, hi);
  return vload(l + n);
}

/* Lane l of vpermute(table, vindex_of(src)) is lane src[l] of table. */
typedef struct {
  int lane[16];
} vindex;
static inline vindex vindex_of(const int src[16]) {
  vindex v;
  for (int i = 0; i < 16; i++)
    v.lane[i] = src[i];
  return v;
}
static inline vfloat vpermute(vfloat table, vindex idx) {
  float t[16], r[16];
  vlanes(table, t);
  for (int i = 0; i < 16; i++)
    r[i] = t[idx.lane[i]];
  return vload(r);
}
/* Lane l = (skip + l) / m, by the float division vec_avx512.h uses. */
#define VINDEX_EXPAND_MAX_M 65536
static inline vindex vindex_expand(size_t skip, size_t m) {
  vindex v;
  for (int l = 0; l < 16; l++)
    v.lane[l] = (int)((float)(int)(skip + (size_t)l) / (float)m);
  return v;
}

/* Lanes 0, 2, 4, ... (veven) or 1, 3, 5, ... (vodd) of a then of b. */
static inline vfloat vevery_other(vfloat a, vfloat b, int first) {
  float l[32], r[16];
  vstore(l, a);
  vstore(l + 16, b);
  for (int i = 0; i < 16; i++)
    r[i] = l[2 * i + first];
  return vload(r);
}
static inline vfloat veven(vfloat a, vfloat b) { return vevery_other(a, b, 0); }
static inline vfloat vodd(vfloat a, vfloat b) { return vevery_other(a, b, 1); }

#endif
