/* The AVX2 + FMA vector layer: 8 lanes, tails through vmaskmovps. */
#ifndef DWCONV1D_VEC_AVX2_H
#define DWCONV1D_VEC_AVX2_H

#if !defined(__AVX2__) || !defined(__FMA__)
#error "kernels/avx2 must be compiled with -mavx2 -mfma"
#endif

#include <immintrin.h>
#include <sleef.h>
#include <stddef.h>

#define VLEN 8
#define ISA_SUFFIX avx2
#define ISA_ENUM DWCONV1D_ISA_AVX2
#define UNROLL_T 8
#define VREGS 16

typedef __m256 vfloat;
typedef __m256 vmask;

/* Lanes below n set: masked-off lanes are neither read nor written, so a
 * tail at the end of a mapping never faults. */
static inline __m256i tail_mask(size_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline vfloat vzero(void) { return _mm256_setzero_ps(); }

/* v as a value in a register that the compiler cannot load again at each
 * use (see short_block). */
static inline vfloat vkeep(vfloat v) {
  __asm__("" : "+v"(v));
  return v;
}
static inline vfloat vset1(float x) { return _mm256_set1_ps(x); }
static inline vfloat vload(const float *p) { return _mm256_loadu_ps(p); }
static inline void vstore(float *p, vfloat v) { _mm256_storeu_ps(p, v); }
/* Half a cache line (p 32-byte aligned) around the caches: only where the
 * line's other half is stored next (see steps_stream). */
#define HAVE_VSTREAM 1
static inline void vstream(float *p, vfloat v) { _mm256_stream_ps(p, v); }
static inline void vstream_fence(void) { _mm_sfence(); }
static inline vfloat vload_tail(const float *p, size_t n) { return _mm256_maskload_ps(p, tail_mask(n)); }
static inline void vstore_tail(float *p, vfloat v, size_t n) { _mm256_maskstore_ps(p, tail_mask(n), v); }

static inline vfloat vadd(vfloat a, vfloat b) { return _mm256_add_ps(a, b); }
static inline vfloat vsub(vfloat a, vfloat b) { return _mm256_sub_ps(a, b); }
static inline vfloat vmul(vfloat a, vfloat b) { return _mm256_mul_ps(a, b); }
static inline vfloat vdiv(vfloat a, vfloat b) { return _mm256_div_ps(a, b); }
static inline vfloat vfmadd(vfloat a, vfloat b, vfloat c) { return _mm256_fmadd_ps(a, b, c); }
static inline vfloat vmax(vfloat a, vfloat b) { return _mm256_max_ps(a, b); }
static inline vfloat vmin(vfloat a, vfloat b) { return _mm256_min_ps(a, b); }
static inline vfloat vabs(vfloat a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
static inline vfloat vsqrt(vfloat a) { return _mm256_sqrt_ps(a); }

static inline vmask vgt(vfloat a, vfloat b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline vmask vge(vfloat a, vfloat b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
static inline vmask vlt(vfloat a, vfloat b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline vmask vle(vfloat a, vfloat b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
static inline vfloat vselect(vmask m, vfloat a, vfloat b) { return _mm256_blendv_ps(b, a, m); }

static inline vfloat vexp(vfloat a) { return Sleef_expf8_u10avx2(a); }
static inline vfloat vexpm1(vfloat a) { return Sleef_expm1f8_u10avx2(a); }
static inline vfloat vlog(vfloat a) { return Sleef_logf8_u10avx2(a); }
static inline vfloat vlog1p(vfloat a) { return Sleef_log1pf8_u10avx2(a); }
static inline vfloat vtanh(vfloat a) { return Sleef_tanhf8_u10avx2(a); }
static inline vfloat verf(vfloat a) { return Sleef_erff8_u10avx2(a); }

static inline float vreduce_add(vfloat a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}
static inline float vreduce_max(vfloat a) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_max_ss(s, _mm_shuffle_ps(s, s, 1)));
}

/* Transposes the VLEN x VLEN block rows[i][l] -> rows[l][i] in registers:
 * pairs interleaved, 4 x 4 blocks within each 128-bit half, then halves. */
static inline void vtranspose(vfloat rows[VLEN]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(rows[i], rows[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(rows[i], rows[i + 1]);
  }
  for (int g = 0; g < 8; g += 4) { /* u[g + k]: column k (and 4 + k) of rows g..g+3 */
    u[g + 0] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
    u[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xEE);
    u[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    u[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
  }
  for (int k = 0; k < 4; k++) {
    rows[k] = _mm256_permute2f128_ps(u[k], u[4 + k], 0x20);
    rows[4 + k] = _mm256_permute2f128_ps(u[k], u[4 + k], 0x31);
  }
}

/* Lane l of vpermute(table, vindex_of(src)) is lane src[l] of table. */
typedef __m256i vindex;
static inline vindex vindex_of(const int src[8]) {
  return _mm256_loadu_si256((const __m256i *)src);
}
static inline vfloat vpermute(vfloat table, vindex idx) {
  return _mm256_permutevar8x32_ps(table, idx);
}

/* Lanes idx[l] (each below 4) of the 4 floats at p: both halves loaded
 * from the same 16 bytes and permuted within themselves, where vpermps
 * would take an FMA pipe (AMD Zen 3: 12 vpermps beside 40 independent FMAs
 * 5.2 -> 8.7 ns, 12 vpermilps 5.2; the layer, one process, medians of 5
 * rounds: T1024 C64 K5 M4 same 106.7 -> 94.6 us, C128 K3 M2 94.2 -> 78.1,
 * T500 C100 K7 M3 55.4 -> 50.8). */
#define VPERMUTE_HALF 1
static inline vfloat vpermute_half(const float *p, vindex idx) {
  return _mm256_permutevar_ps(_mm256_broadcast_ps((const __m128 *)(const void *)p), idx);
}

/* Lane l = (skip + l) / m, built in registers as on AVX-512 (exact for m
 * up to VINDEX_EXPAND_MAX_M, see there): counted into memory and loaded
 * back, the index waited on its eight stores, which steps taken one at a
 * time, each building its index, could not hide (AMD Zen 4, the seed
 * example B4 T10 C12 K3 M3 stride 2: 1204 -> 760 ns a call). */
#define VINDEX_EXPAND_MAX_M 65536
static inline vindex vindex_expand(size_t skip, size_t m) {
  const vindex lane =
      _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)skip));
  const __m256 quotient = _mm256_div_ps(_mm256_cvtepi32_ps(lane), _mm256_set1_ps((float)m));
  return _mm256_cvttps_epi32(quotient);
}

/* Lanes 0, 2, 4, ... of a then of b: every other step of two vectors. */
static inline vfloat veven(vfloat a, vfloat b) {
  const __m256 pairs = _mm256_shuffle_ps(a, b, 0x88); /* a0 a2 b0 b2 | a4 a6 b4 b6 */
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(pairs), 0xD8));
}

/* Lanes 1, 3, 5, ... of a then of b. */
static inline vfloat vodd(vfloat a, vfloat b) {
  const __m256 pairs = _mm256_shuffle_ps(a, b, 0xDD); /* a1 a3 b1 b3 | a5 a7 b5 b7 */
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(pairs), 0xD8));
}

/* dst[l * stride + i] = src[i * cols + l] for 8 rows of cols = 1, 2 or 4
 * floats that lie one after another (a channels_first call's whole rows,
 * each of a few steps, as a decoding window's): cols whole loads, then 4 x 4
 * transposes within the halves and a permute a column (cols 4), or the even
 * and odd lanes (cols 2): 4-12 shuffles against the 24 of an 8 x 8 transpose
 * from 8 masked loads. Other lengths take that one. */
#define VSHORT_ROWS(cols) ((cols) == 1 || (cols) == 2 || (cols) == 4)
static inline __attribute__((always_inline)) void
vtranspose_short_rows(const float *src, size_t cols, float *dst, size_t stride) {
  if (cols == 1) {
    _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
  } else if (cols == 2) {
    const __m256 v0 = _mm256_loadu_ps(src), v1 = _mm256_loadu_ps(src + 8);
    _mm256_storeu_ps(dst, veven(v0, v1));
    _mm256_storeu_ps(dst + stride, vodd(v0, v1));
  } else {
    /* load j holds rows 2j (low half) and 2j + 1; after the 4 x 4
     * transposes column k has rows 0, 2, 4, 6 low and 1, 3, 5, 7 high */
    const __m256 v0 = _mm256_loadu_ps(src), v1 = _mm256_loadu_ps(src + 8);
    const __m256 v2 = _mm256_loadu_ps(src + 16), v3 = _mm256_loadu_ps(src + 24);
    const __m256 t0 = _mm256_unpacklo_ps(v0, v1), t1 = _mm256_unpackhi_ps(v0, v1);
    const __m256 t2 = _mm256_unpacklo_ps(v2, v3), t3 = _mm256_unpackhi_ps(v2, v3);
    const __m256 col[4] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                           _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE)};
    const __m256i rows = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (size_t k = 0; k < 4; k++)
      _mm256_storeu_ps(dst + k * stride, _mm256_permutevar8x32_ps(col[k], rows));
  }
}

/* The inverse, dst[i * cols + l] = src[l * src_stride + i] for i < 8,
 * l < cols and cols = 2 or 4: a result tile's few steps back to 8 whole rows that lie
 * one after another; pairs of halves joined by lane-crossing permutes. */
#define VSHORT_ROWS_OUT(cols) VSHORT_ROWS(cols)
static inline __attribute__((always_inline)) void
vtranspose_to_short_rows(const float *src, size_t src_stride, size_t cols, float *dst) {
  const __m256 c0 = _mm256_loadu_ps(src), c1 = _mm256_loadu_ps(src + src_stride);
  if (cols == 2) { /* rows 0, 1 low and 4, 5 high; then rows 2, 3 and 6, 7 */
    const __m256 lo = _mm256_unpacklo_ps(c0, c1), hi = _mm256_unpackhi_ps(c0, c1);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    return;
  }
  const __m256 c2 = _mm256_loadu_ps(src + 2 * src_stride);
  const __m256 c3 = _mm256_loadu_ps(src + 3 * src_stride);
  const __m256 t0 = _mm256_unpacklo_ps(c0, c1), t1 = _mm256_unpackhi_ps(c0, c1);
  const __m256 t2 = _mm256_unpacklo_ps(c2, c3), t3 = _mm256_unpackhi_ps(c2, c3);
  /* row[r]: row r low, row r + 4 high */
  const __m256 row[4] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                         _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE)};
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(row[0], row[1], 0x20));
  _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(row[2], row[3], 0x20));
  _mm256_storeu_ps(dst + 16, _mm256_permute2f128_ps(row[0], row[1], 0x31));
  _mm256_storeu_ps(dst + 24, _mm256_permute2f128_ps(row[2], row[3], 0x31));
}

/* Lanes [lo, hi) from p[0 .. hi - lo), zeros elsewhere (lo < hi <= 8): a
 * masked load of the hi - lo floats, moved up lo lanes (lanes below lo
 * take the load's zeros, since hi <= 8). Built in a stack array and loaded
 * back, the vector waited on the stores: a row's first block and its
 * padded last block, channels_first T938 C512 K7 same, spent a fifth of
 * their time there. */
#define VLOAD_LANE_RANGE 1
static inline vfloat vload_lane_range(const float *p, size_t lo, size_t hi) {
  const __m256i up = _mm256_and_si256(
      _mm256_sub_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)lo)),
      _mm256_set1_epi32(7));
  return _mm256_permutevar8x32_ps(vload_tail(p, hi - lo), up);
}

/* Vectors as two halves of 4 lanes, each half a part of a row of its own
 * (see rows_halves_k): every shuffle stays within the halves, where
 * veven, vodd and vconcat_from each take a lane-crossing permute, which
 * shares the FMAs' pipes on AMD Zen 3 (see vpermute_half). */
#define VHALVES 1
enum { VHALF = 4 };
static inline vfloat vload_halves(const float *lo, const float *hi) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(lo)), _mm_loadu_ps(hi), 1);
}
static inline void vstore_halves(float *lo, float *hi, vfloat v) {
  _mm_storeu_ps(lo, _mm256_castps256_ps128(v));
  _mm_storeu_ps(hi, _mm256_extractf128_ps(v, 1));
}
/* In each half: lanes 0 and 2 of a, then of b (or 1 and 3). */
static inline vfloat veven_halves(vfloat a, vfloat b) { return _mm256_shuffle_ps(a, b, 0x88); }
static inline vfloat vodd_halves(vfloat a, vfloat b) { return _mm256_shuffle_ps(a, b, 0xDD); }
/* In each half: lanes n .. 3 of lo's then 0 .. n - 1 of hi's (0 <= n <= 4). */
static inline __attribute__((always_inline)) vfloat vconcat_halves(vfloat lo, vfloat hi,
                                                                   size_t n) {
  const __m256i a = _mm256_castps_si256(lo), b = _mm256_castps_si256(hi);
  switch (n) {
  case 1: return _mm256_castsi256_ps(_mm256_alignr_epi8(b, a, 4));
  case 2: return _mm256_castsi256_ps(_mm256_alignr_epi8(b, a, 8));
  case 3: return _mm256_castsi256_ps(_mm256_alignr_epi8(b, a, 12));
  case 4: return hi;
  }
  return lo;
}

/* Lanes n .. 7 of lo then lanes 0 .. n - 1 of hi (0 <= n < 8). The byte
 * shift works within 128-bit halves, so it shifts across the pair of
 * lo's upper and hi's lower half, which one lane-crossing permute builds
 * (the same for every n: the kernels' taps share it). */
#define VCONCAT_FROM 1
static inline __attribute__((always_inline)) vfloat vconcat_from(vfloat lo, vfloat hi, size_t n) {
  const __m256i a = _mm256_castps_si256(lo), b = _mm256_castps_si256(hi);
  const __m256i mid = _mm256_castps_si256(_mm256_permute2f128_ps(lo, hi, 0x21));
  switch (n) {
  case 1: return _mm256_castsi256_ps(_mm256_alignr_epi8(mid, a, 4));
  case 2: return _mm256_castsi256_ps(_mm256_alignr_epi8(mid, a, 8));
  case 3: return _mm256_castsi256_ps(_mm256_alignr_epi8(mid, a, 12));
  case 4: return _mm256_castsi256_ps(mid);
  case 5: return _mm256_castsi256_ps(_mm256_alignr_epi8(b, mid, 4));
  case 6: return _mm256_castsi256_ps(_mm256_alignr_epi8(b, mid, 8));
  case 7: return _mm256_castsi256_ps(_mm256_alignr_epi8(b, mid, 12));
  }
  return lo;
}

#endif
