/* The AVX-512F vector layer: 16 lanes, opmask tails, opmask compares. */
#ifndef DWCONV1D_VEC_AVX512_H
#define DWCONV1D_VEC_AVX512_H

#if !defined(__AVX512F__)
#error "kernels/avx512 must be compiled with -mavx512f"
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
/* 32 vector registers: room for a rotating window of UNROLL_T input rows. */
#define VREGS 32

typedef __m512 vfloat;
typedef __mmask16 vmask;

static inline __mmask16 tail_mask(size_t n) { return (__mmask16)((1u << n) - 1u); }

static inline vfloat vzero(void) { return _mm512_setzero_ps(); }

/* v as a value in a register that the compiler cannot load again at each
 * use (see short_block). */
static inline vfloat vkeep(vfloat v) {
  __asm__("" : "+v"(v));
  return v;
}
static inline vfloat vset1(float x) { return _mm512_set1_ps(x); }
static inline vfloat vload(const float *p) { return _mm512_loadu_ps(p); }
static inline void vstore(float *p, vfloat v) { _mm512_storeu_ps(p, v); }
/* A whole cache line (p 64-byte aligned) around the caches; vstream_fence
 * orders such stores before the call returns (see stores_nontemporal). */
#define HAVE_VSTREAM 1
static inline void vstream(float *p, vfloat v) { _mm512_stream_ps(p, v); }
static inline void vstream_fence(void) { _mm_sfence(); }
static inline vfloat vload_tail(const float *p, size_t n) { return _mm512_maskz_loadu_ps(tail_mask(n), p); }
static inline void vstore_tail(float *p, vfloat v, size_t n) { _mm512_mask_storeu_ps(p, tail_mask(n), v); }

static inline vfloat vadd(vfloat a, vfloat b) { return _mm512_add_ps(a, b); }
static inline vfloat vsub(vfloat a, vfloat b) { return _mm512_sub_ps(a, b); }
static inline vfloat vmul(vfloat a, vfloat b) { return _mm512_mul_ps(a, b); }
static inline vfloat vdiv(vfloat a, vfloat b) { return _mm512_div_ps(a, b); }
static inline vfloat vfmadd(vfloat a, vfloat b, vfloat c) { return _mm512_fmadd_ps(a, b, c); }
static inline vfloat vmax(vfloat a, vfloat b) { return _mm512_max_ps(a, b); }
static inline vfloat vmin(vfloat a, vfloat b) { return _mm512_min_ps(a, b); }
static inline vfloat vabs(vfloat a) { return _mm512_abs_ps(a); }
static inline vfloat vsqrt(vfloat a) { return _mm512_sqrt_ps(a); }

static inline vmask vgt(vfloat a, vfloat b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
static inline vmask vge(vfloat a, vfloat b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
static inline vmask vlt(vfloat a, vfloat b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline vmask vle(vfloat a, vfloat b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
static inline vfloat vselect(vmask m, vfloat a, vfloat b) { return _mm512_mask_blend_ps(m, b, a); }

static inline vfloat vexp(vfloat a) { return Sleef_expf16_u10avx512f(a); }
static inline vfloat vexpm1(vfloat a) { return Sleef_expm1f16_u10avx512f(a); }
static inline vfloat vlog(vfloat a) { return Sleef_logf16_u10avx512f(a); }
static inline vfloat vlog1p(vfloat a) { return Sleef_log1pf16_u10avx512f(a); }
static inline vfloat vtanh(vfloat a) { return Sleef_tanhf16_u10avx512f(a); }
static inline vfloat verf(vfloat a) { return Sleef_erff16_u10avx512f(a); }

static inline float vreduce_add(vfloat a) { return _mm512_reduce_add_ps(a); }
static inline float vreduce_max(vfloat a) { return _mm512_reduce_max_ps(a); }

/* The transpose of a VLEN x VLEN block, dst[l * stride + i] = row i [l].
 * Each register is assembled from four rows' 128-bit pieces, one per lane
 * (inserts from memory, which either shuffle-capable port takes), so 4 x 4
 * transposes within the lanes finish it and each row of the result leaves
 * in one whole store, split across two lines where dst's rows are not
 * 64-byte aligned: on AMD Zen 4 still faster than four 128-bit stores per
 * row (channels_first T250 C256 K31 56.6 -> 49.5 us, T500 C256 K33 118.5
 * -> 114.4 us, T500 C64 K33 M4 108.1 -> 99.7 us). On Intel, results leave
 * unaligned rows through vtranspose_copy_lanes instead. */
#define VTRANSPOSE_COPY 1
/* Columns c .. c + 3 of row 4q + i. Uniform rows are reached from the
 * quarter's first row, which gcc addresses as base + i * stride, instead of
 * sixteen row offsets it kept on the stack (Intel Xeon, channels_first
 * through channel blocks, avx512: T500 C256 K33 74.0 -> 72.4 us, T250 C256
 * K31 37.8 -> 36.9, T2000 C512 K63 985 -> 971). */
static inline __attribute__((always_inline)) __m128 vrow_piece(struct vrows src, size_t q, size_t i,
                                                            int c) {
  if (src.offset)
    return _mm_loadu_ps(vrow(src, 4 * q + i) + c);
  const float *quarter = src.base + 4 * q * src.stride;
  return _mm_loadu_ps(quarter + i * src.stride + c);
}
/* The piece of a partial block (see vtranspose_copy_part): zeros past its
 * rows, and only the columns before `cols` read. */
static inline __attribute__((always_inline)) __m128
vrow_piece_part(struct vrows src, size_t q, size_t i, int c, size_t rows, size_t cols) {
  if (4 * q + i >= rows)
    return _mm_setzero_ps();
  if ((size_t)c + 4 <= cols)
    return vrow_piece(src, q, i, c);
  const __m128i mask = _mm_cmpgt_epi32(_mm_set1_epi32((int)(cols - (size_t)c)),
                                       _mm_setr_epi32(0, 1, 2, 3));
  return _mm_maskload_ps(vrow(src, 4 * q + i) + c, mask);
}
#define VTRANSPOSE_COPY_PART 1
static inline __attribute__((always_inline)) void
vtranspose_copy_part(struct vrows src, float *dst, size_t stride, size_t rows, size_t cols) {
  for (int c = 0; (size_t)c < cols; c += 4) {
    __m512 a[4]; /* a[i], lane L: row 4L + i, columns c .. c + 3 */
    for (int i = 0; i < 4; i++) {
      a[i] = _mm512_castps128_ps512(vrow_piece_part(src, 0, (size_t)i, c, rows, cols));
      a[i] = _mm512_insertf32x4(a[i], vrow_piece_part(src, 1, (size_t)i, c, rows, cols), 1);
      a[i] = _mm512_insertf32x4(a[i], vrow_piece_part(src, 2, (size_t)i, c, rows, cols), 2);
      a[i] = _mm512_insertf32x4(a[i], vrow_piece_part(src, 3, (size_t)i, c, rows, cols), 3);
    }
    const __m512 t0 = _mm512_unpacklo_ps(a[0], a[1]), t1 = _mm512_unpackhi_ps(a[0], a[1]);
    const __m512 t2 = _mm512_unpacklo_ps(a[2], a[3]), t3 = _mm512_unpackhi_ps(a[2], a[3]);
    /* column c + k of all 16 rows */
    const __m512 col[4] = {_mm512_shuffle_ps(t0, t2, 0x44), _mm512_shuffle_ps(t0, t2, 0xEE),
                           _mm512_shuffle_ps(t1, t3, 0x44), _mm512_shuffle_ps(t1, t3, 0xEE)};
    for (int k = 0; k < 4 && (size_t)(c + k) < cols; k++) {
      float *row = dst + (size_t)(c + k) * stride;
      if (rows == 16)
        _mm512_storeu_ps(row, col[k]);
      else
        _mm512_mask_storeu_ps(row, tail_mask(rows), col[k]);
    }
  }
}
static inline __attribute__((always_inline)) void vtranspose_copy(struct vrows src, float *dst,
                                                                   size_t stride) {
  vtranspose_copy_part(src, dst, stride, 16, 16);
}

/* dst[l * stride + i] = src[i * cols + l] for 16 rows of cols <= 8 floats
 * that lie one after another (a channels_first call's whole rows, each of
 * a few steps, as a decoding window's): cols whole loads, each column taken
 * from two of them by two-source permutes (vpermt2ps), 2-8 shuffles in all
 * against vtranspose_copy_part's 12 inserts and 8 shuffles. */
#define VSHORT_ROWS(cols) ((cols) <= 8)
/* 5 to 8 floats a row: each quarter's 4 rows (4 * cols floats, a whole and
 * a masked load) permuted into columns 0-3 and 4-7, a 128-bit lane per
 * column; then 4 x 4 transposes of those lanes across the quarters. 8
 * permutes and 16 lane shuffles against two partial transposes' 24 inserts
 * and 16 shuffles. */
static inline __attribute__((always_inline)) void
vtranspose_short_rows_long(const float *src, size_t cols, float *dst, size_t stride) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  /* lane 4k + r: row r's float k (then 4 + k) */
  const __m512i row = _mm512_and_si512(lane, _mm512_set1_epi32(3));
  const __m512i at = _mm512_add_epi32(_mm512_mullo_epi32(row, _mm512_set1_epi32((int)cols)),
                                      _mm512_srli_epi32(lane, 2));
  const __m512i at_next = _mm512_add_epi32(at, _mm512_set1_epi32(4));
  const __mmask16 rest = tail_mask(4 * cols - 16);
  __m512 lo[4], hi[4];
  for (size_t q = 0; q < 4; q++) {
    const float *quarter = src + 4 * q * cols;
    const __m512 a = _mm512_loadu_ps(quarter), b = _mm512_maskz_loadu_ps(rest, quarter + 16);
    lo[q] = _mm512_permutex2var_ps(a, at, b);
    hi[q] = _mm512_permutex2var_ps(a, at_next, b);
  }
  for (size_t half = 0; half < 2; half++) {
    const __m512 *g = half ? hi : lo;
    const __m512 t0 = _mm512_shuffle_f32x4(g[0], g[1], 0x44);
    const __m512 t1 = _mm512_shuffle_f32x4(g[0], g[1], 0xEE);
    const __m512 t2 = _mm512_shuffle_f32x4(g[2], g[3], 0x44);
    const __m512 t3 = _mm512_shuffle_f32x4(g[2], g[3], 0xEE);
    const __m512 col[4] = {_mm512_shuffle_f32x4(t0, t2, 0x88), _mm512_shuffle_f32x4(t0, t2, 0xDD),
                           _mm512_shuffle_f32x4(t1, t3, 0x88), _mm512_shuffle_f32x4(t1, t3, 0xDD)};
    for (size_t k = 0; k < 4 && 4 * half + k < cols; k++)
      _mm512_storeu_ps(dst + (4 * half + k) * stride, col[k]);
  }
}

static inline __attribute__((always_inline)) void
vtranspose_short_rows(const float *src, size_t cols, float *dst, size_t stride) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  if (cols > 4) {
    vtranspose_short_rows_long(src, cols, dst, stride);
    return;
  }
  if (cols == 4) {
    /* columns 0 and 1 (then 2 and 3) of rows 0-7, from the first two
     * loads, and of rows 8-15, from the last two; then joined by halves */
    const __m512i first = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21,
                                            25, 29);
    const __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(2));
    const __m512 v0 = _mm512_loadu_ps(src), v1 = _mm512_loadu_ps(src + 16);
    const __m512 v2 = _mm512_loadu_ps(src + 32), v3 = _mm512_loadu_ps(src + 48);
    const __m512 lo01 = _mm512_permutex2var_ps(v0, first, v1);
    const __m512 hi01 = _mm512_permutex2var_ps(v2, first, v3);
    const __m512 lo23 = _mm512_permutex2var_ps(v0, second, v1);
    const __m512 hi23 = _mm512_permutex2var_ps(v2, second, v3);
    _mm512_storeu_ps(dst, _mm512_shuffle_f32x4(lo01, hi01, 0x44));
    _mm512_storeu_ps(dst + stride, _mm512_shuffle_f32x4(lo01, hi01, 0xEE));
    _mm512_storeu_ps(dst + 2 * stride, _mm512_shuffle_f32x4(lo23, hi23, 0x44));
    _mm512_storeu_ps(dst + 3 * stride, _mm512_shuffle_f32x4(lo23, hi23, 0xEE));
    return;
  }
  const __m512 v0 = _mm512_loadu_ps(src);
  const __m512 v1 = cols > 1 ? _mm512_loadu_ps(src + 16) : v0;
  const __m512 v2 = cols > 2 ? _mm512_loadu_ps(src + 32) : v0;
  for (size_t l = 0; l < cols; l++) {
    /* row i's float l is float i * cols + l of the loads; past 31, of v2 */
    const __m512i at = _mm512_add_epi32(_mm512_mullo_epi32(lane, _mm512_set1_epi32((int)cols)),
                                        _mm512_set1_epi32((int)l));
    __m512 col = _mm512_permutex2var_ps(v0, at, v1);
    if (cols > 2)
      col = _mm512_mask_permutexvar_ps(col, _mm512_cmpge_epi32_mask(at, _mm512_set1_epi32(32)),
                                       at, v2);
    _mm512_storeu_ps(dst + l * stride, col);
  }
}

/* The inverse, dst[i * cols + l] = src[l * src_stride + i] for i < 16,
 * l < cols and 2 <= cols <= 4: a result tile's few steps back to 16 whole
 * rows of cols floats that lie one after another, by two-source permutes. */
#define VSHORT_ROWS_OUT(cols) ((cols) <= 4)
static inline __attribute__((always_inline)) void
vtranspose_to_short_rows(const float *src, size_t src_stride, size_t cols, float *dst) {
  const __m512 c0 = _mm512_loadu_ps(src), c1 = _mm512_loadu_ps(src + src_stride);
  const __m512 c2 = cols > 2 ? _mm512_loadu_ps(src + 2 * src_stride) : c0;
  /* rows 0-7 (then 8-15) of two steps, interleaved */
  const __m512i pairs = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i pairs_next = _mm512_add_epi32(pairs, _mm512_set1_epi32(8));
  if (cols == 2) {
    _mm512_storeu_ps(dst, _mm512_permutex2var_ps(c0, pairs, c1));
    _mm512_storeu_ps(dst + 16, _mm512_permutex2var_ps(c0, pairs_next, c1));
  } else if (cols == 4) {
    const __m512 c3 = _mm512_loadu_ps(src + 3 * src_stride);
    const __m512 lo01 = _mm512_permutex2var_ps(c0, pairs, c1);
    const __m512 hi01 = _mm512_permutex2var_ps(c0, pairs_next, c1);
    const __m512 lo23 = _mm512_permutex2var_ps(c2, pairs, c3);
    const __m512 hi23 = _mm512_permutex2var_ps(c2, pairs_next, c3);
    /* rows 0-3 (then 4-7): a pair of steps 0-1, then one of steps 2-3 */
    const __m512i rows = _mm512_setr_epi32(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
    const __m512i rows_next = _mm512_add_epi32(rows, _mm512_set1_epi32(8));
    _mm512_storeu_ps(dst, _mm512_permutex2var_ps(lo01, rows, lo23));
    _mm512_storeu_ps(dst + 16, _mm512_permutex2var_ps(lo01, rows_next, lo23));
    _mm512_storeu_ps(dst + 32, _mm512_permutex2var_ps(hi01, rows, hi23));
    _mm512_storeu_ps(dst + 48, _mm512_permutex2var_ps(hi01, rows_next, hi23));
  } else {
    /* float f of the rows is row f / 3's step f % 3: steps 0 and 1 by a
     * two-source permute, step 2's lanes (the masks) from the third */
    const __m512i at[3] = {
        _mm512_setr_epi32(0, 16, 0, 1, 17, 1, 2, 18, 2, 3, 19, 3, 4, 20, 4, 5),
        _mm512_setr_epi32(21, 5, 6, 22, 6, 7, 23, 7, 8, 24, 8, 9, 25, 9, 10, 26),
        _mm512_setr_epi32(10, 11, 27, 11, 12, 28, 12, 13, 29, 13, 14, 30, 14, 15, 31, 15)};
    const __mmask16 third[3] = {0x4924, 0x2492, 0x9249};
    for (int j = 0; j < 3; j++)
      _mm512_storeu_ps(dst + 16 * j,
                       _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(c0, at[j], c1),
                                                  third[j], at[j], c2));
  }
}

/* The same transpose for rows whose whole stores would split lines: 4 x 4
 * transposes within the lanes of whole rows, then each 128-bit lane stored
 * where it belongs (an extract to memory, no shuffle). On the Intel Xeon
 * (Sapphire Rapids class), channels_first through channel blocks, `same`,
 * alternating runs, medians: T250 C256 K31 37.7 -> 34.6 us, T200 C256 K21
 * 25.5 -> 23.0, T250 C1024 K31 170 -> 155, T750 C256 K33 119 -> 113, T500
 * C64 K33 M4 69.8 -> 66.6, T500 C256 K33 74.0 -> 72.9; T600 level, T1000
 * C256 K33 155 -> 160. AMD Zen 4 measured whole stores faster (see
 * vtranspose_copy), so the CPU's traits pick (line_split_stores_slow). */
#define VTRANSPOSE_COPY_LANES 1
static inline __attribute__((always_inline)) void
vtranspose_copy_lanes(struct vrows src, float *dst, size_t stride) {
  for (int g = 0; g < 16; g += 4) {
    __m512 r[4];
    for (int i = 0; i < 4; i++)
      r[i] = _mm512_loadu_ps(vrow(src, (size_t)(g + i)));
    const __m512 t0 = _mm512_unpacklo_ps(r[0], r[1]), t1 = _mm512_unpackhi_ps(r[0], r[1]);
    const __m512 t2 = _mm512_unpacklo_ps(r[2], r[3]), t3 = _mm512_unpackhi_ps(r[2], r[3]);
    /* u[k], lane L: column 4L + k of rows g .. g + 3 */
    const __m512 u[4] = {_mm512_shuffle_ps(t0, t2, 0x44), _mm512_shuffle_ps(t0, t2, 0xEE),
                         _mm512_shuffle_ps(t1, t3, 0x44), _mm512_shuffle_ps(t1, t3, 0xEE)};
    for (int k = 0; k < 4; k++) {
      float *column = dst + (size_t)k * stride + (size_t)g;
      _mm_storeu_ps(column, _mm512_castps512_ps128(u[k]));
      _mm_storeu_ps(column + 4 * stride, _mm512_extractf32x4_ps(u[k], 1));
      _mm_storeu_ps(column + 8 * stride, _mm512_extractf32x4_ps(u[k], 2));
      _mm_storeu_ps(column + 12 * stride, _mm512_extractf32x4_ps(u[k], 3));
    }
  }
}

/* Lanes [lo, hi) from p[0 .. hi - lo), zeros elsewhere (lo < hi <= 16):
 * an expanding load, which reads only those floats (built in a stack array
 * and loaded back, the vector waited on the stores: channels_first C67 K5
 * spent 9 % of its time there). */
#define VLOAD_LANE_RANGE 1
static inline vfloat vload_lane_range(const float *p, size_t lo, size_t hi) {
  return _mm512_maskz_expandloadu_ps((__mmask16)(tail_mask(hi) & ~tail_mask(lo)), p);
}

/* Lanes n .. 15 of lo then lanes 0 .. n - 1 of hi (0 <= n < 16): the
 * vector n floats on from lo where hi follows lo in memory. One shuffle;
 * n is a constant wherever the kernels inline this, and the switch folds. */
#define VCONCAT_FROM 1
static inline __attribute__((always_inline)) vfloat vconcat_from(vfloat lo, vfloat hi, size_t n) {
#define VCONCAT_CASE(k)                                                                         \
  case k:                                                                                       \
    return _mm512_castsi512_ps(                                                                 \
        _mm512_alignr_epi32(_mm512_castps_si512(hi), _mm512_castps_si512(lo), k));
  switch (n) {
    VCONCAT_CASE(1) VCONCAT_CASE(2) VCONCAT_CASE(3) VCONCAT_CASE(4) VCONCAT_CASE(5)
    VCONCAT_CASE(6) VCONCAT_CASE(7) VCONCAT_CASE(8) VCONCAT_CASE(9) VCONCAT_CASE(10)
    VCONCAT_CASE(11) VCONCAT_CASE(12) VCONCAT_CASE(13) VCONCAT_CASE(14) VCONCAT_CASE(15)
  }
#undef VCONCAT_CASE
  return lo;
}

/* Lane l of vpermute(table, vindex_of(src)) is lane src[l] of table. */
typedef __m512i vindex;
static inline vindex vindex_of(const int src[16]) { return _mm512_loadu_si512(src); }
static inline vfloat vpermute(vfloat table, vindex idx) { return _mm512_permutexvar_ps(idx, table); }

/* Lane l = (skip + l) / m, built in registers (an index stored to memory
 * and loaded back waits for every pending store: depth_multiplier 4
 * 5 % faster; AVX2 and SSE4.1 do the same, see there). Exact for m up to
 * VINDEX_EXPAND_MAX_M: skip + l < m + VLEN is exact in float, and the
 * quotient rounds to within 2^-20 of itself, short of the next integer by
 * at least 1 / m. */
#define VINDEX_EXPAND_MAX_M 65536
static inline vindex vindex_expand(size_t skip, size_t m) {
  const vindex lane = _mm512_add_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
      _mm512_set1_epi32((int)skip));
  const __m512 quotient = _mm512_div_ps(_mm512_cvtepi32_ps(lane), _mm512_set1_ps((float)m));
  return _mm512_cvttps_epi32(quotient);
}

/* Lanes 0, 2, 4, ... of a then of b: every other step of two vectors. */
static inline vfloat veven(vfloat a, vfloat b) {
  return _mm512_permutex2var_ps(
      a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
}

/* Lanes 1, 3, 5, ... of a then of b. */
static inline vfloat vodd(vfloat a, vfloat b) {
  return _mm512_permutex2var_ps(
      a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
}

#endif
