/* The SSE4.1 vector layer: 4 lanes, no FMA, tails through a stack copy. */
#ifndef DWCONV1D_VEC_SSE4_H
#define DWCONV1D_VEC_SSE4_H

#if !defined(__SSE4_1__)
#error "kernels/sse4 must be compiled with -msse4.1"
#endif

#include <smmintrin.h>
#include <sleef.h>
#include <stddef.h>
#include <string.h>

#define VLEN 4
#define ISA_SUFFIX sse4
#define ISA_ENUM DWCONV1D_ISA_SSE4
#define UNROLL_T 4
#define VREGS 16
/* Short kernels over rows of channels from beyond the caches fetch their
 * next block's input rows (see prefetch_next_input): AMD Zen 4, B8 T1024
 * C512 same, K3 2.85 -> 2.51 ms, K3 stride 2 1.72 -> 1.49, K5 2.83 ->
 * 2.40; B4 T4096 C256 K7 stride 2 3.18 -> 2.52 ms. Where the input stays
 * in cache the fetches only cost (T938 C512 K7 307 -> 322 us): see the
 * layer's PREFETCH_INPUT_MIN_BYTES. 256- and 512-bit vectors ran slower
 * with them (B8 T1024 C512 K3: AVX2 9 %, AVX-512 7 %). */
#define PREFETCH_INPUT_ROWS 1

typedef __m128 vfloat;
typedef __m128 vmask;

static inline vfloat vzero(void) { return _mm_setzero_ps(); }

/* v as a value in a register that the compiler cannot load again at each
 * use (see short_block). */
static inline vfloat vkeep(vfloat v) {
  __asm__("" : "+v"(v));
  return v;
}
static inline vfloat vset1(float x) { return _mm_set1_ps(x); }
static inline vfloat vload(const float *p) { return _mm_loadu_ps(p); }
static inline void vstore(float *p, vfloat v) { _mm_storeu_ps(p, v); }
/* A quarter of a cache line (p 16-byte aligned) around the caches: only
 * where the line's other quarters are stored next (see steps_stream). */
#define HAVE_VSTREAM 1
static inline void vstream(float *p, vfloat v) { _mm_stream_ps(p, v); }
static inline void vstream_fence(void) { _mm_sfence(); }
/* SSE has no masked load: the n (< 4) valid floats are loaded and stored
 * one or two at a time, so nothing past p[n-1] is touched. */
static inline vfloat vload_tail(const float *p, size_t n) {
  if (n == 0)
    return _mm_setzero_ps();
  if (n == 1)
    return _mm_load_ss(p);
  /* __m64 is a may_alias type: these 8-byte moves are well-defined on floats */
  const __m128 low = _mm_loadl_pi(_mm_setzero_ps(), (const __m64 *)(const void *)p);
  return n == 2 ? low : _mm_movelh_ps(low, _mm_load_ss(p + 2));
}
static inline void vstore_tail(float *p, vfloat v, size_t n) {
  if (n == 0)
    return;
  if (n == 1) {
    _mm_store_ss(p, v);
    return;
  }
  _mm_storel_pi((__m64 *)(void *)p, v);
  if (n == 3)
    _mm_store_ss(p + 2, _mm_movehl_ps(v, v));
}

/* Lanes [lo, hi) from p[0 .. hi - lo), zeros elsewhere (lo < hi <= 4):
 * the hi - lo floats loaded as a tail, shifted up lo lanes, in registers
 * (through a stack array the vector load waited on the stores: see AVX2's). */
#define VLOAD_LANE_RANGE 1
static inline vfloat vload_lane_range(const float *p, size_t lo, size_t hi) {
  const __m128i v = _mm_castps_si128(hi - lo < 4 ? vload_tail(p, hi - lo) : _mm_loadu_ps(p));
  switch (lo) {
  case 1: return _mm_castsi128_ps(_mm_slli_si128(v, 4));
  case 2: return _mm_castsi128_ps(_mm_slli_si128(v, 8));
  case 3: return _mm_castsi128_ps(_mm_slli_si128(v, 12));
  }
  return _mm_castsi128_ps(v);
}

static inline vfloat vadd(vfloat a, vfloat b) { return _mm_add_ps(a, b); }
static inline vfloat vsub(vfloat a, vfloat b) { return _mm_sub_ps(a, b); }
static inline vfloat vmul(vfloat a, vfloat b) { return _mm_mul_ps(a, b); }
static inline vfloat vdiv(vfloat a, vfloat b) { return _mm_div_ps(a, b); }
static inline vfloat vfmadd(vfloat a, vfloat b, vfloat c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
static inline vfloat vmax(vfloat a, vfloat b) { return _mm_max_ps(a, b); }
static inline vfloat vmin(vfloat a, vfloat b) { return _mm_min_ps(a, b); }
static inline vfloat vabs(vfloat a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
static inline vfloat vsqrt(vfloat a) { return _mm_sqrt_ps(a); }

static inline vmask vgt(vfloat a, vfloat b) { return _mm_cmpgt_ps(a, b); }
static inline vmask vge(vfloat a, vfloat b) { return _mm_cmpge_ps(a, b); }
static inline vmask vlt(vfloat a, vfloat b) { return _mm_cmplt_ps(a, b); }
static inline vmask vle(vfloat a, vfloat b) { return _mm_cmple_ps(a, b); }
static inline vfloat vselect(vmask m, vfloat a, vfloat b) { return _mm_blendv_ps(b, a, m); }

static inline vfloat vexp(vfloat a) { return Sleef_expf4_u10sse4(a); }
static inline vfloat vexpm1(vfloat a) { return Sleef_expm1f4_u10sse4(a); }
static inline vfloat vlog(vfloat a) { return Sleef_logf4_u10sse4(a); }
static inline vfloat vlog1p(vfloat a) { return Sleef_log1pf4_u10sse4(a); }
static inline vfloat vtanh(vfloat a) { return Sleef_tanhf4_u10sse4(a); }
static inline vfloat verf(vfloat a) { return Sleef_erff4_u10sse4(a); }

static inline float vreduce_add(vfloat a) {
  const __m128 s = _mm_add_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}
static inline float vreduce_max(vfloat a) {
  const __m128 s = _mm_max_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_max_ss(s, _mm_shuffle_ps(s, s, 1)));
}

/* Transposes the VLEN x VLEN block rows[i][l] -> rows[l][i] in registers. */
static inline void vtranspose(vfloat rows[VLEN]) {
  _MM_TRANSPOSE4_PS(rows[0], rows[1], rows[2], rows[3]);
}

/* Lane l of vpermute(table, vindex_of(src)) is lane src[l] of table, by a byte shuffle. */
typedef __m128i vindex;
static inline vindex vindex_of(const int src[4]) {
  unsigned char bytes[16];
  for (size_t l = 0; l < 4; l++)
    for (size_t b = 0; b < 4; b++)
      bytes[4 * l + b] = (unsigned char)(4 * src[l] + b);
  return _mm_loadu_si128((const __m128i *)bytes);
}
static inline vfloat vpermute(vfloat table, vindex idx) {
  return _mm_castsi128_ps(_mm_shuffle_epi8(_mm_castps_si128(table), idx));
}

/* The index of lanes l = (skip + l) / m built in registers, q counting the
 * multiples of m up to each lane (skip < m: at most 1 + 3 / m compares),
 * then spread to the byte shuffle's four bytes a lane. Counted into memory
 * byte by byte and loaded back, it waited on its 16 stores wherever an
 * expansion is built for a few steps only (AMD Zen 4, the seed example B4
 * T10 C12 K3 M3 stride 2: 500 -> 458 ns a call; scalar 911); a float
 * division, as AVX2 and AVX-512 have it, was slower here by its latency
 * (Intel Xeon, the seed example: 0.61 -> 0.57 us a call; B1 T1000 C50 K8
 * M3 95.4 -> 93.8 us). On those ISAs the compares, up to 1 + 15 / m of
 * them, were slower than the division (AVX-512 seed 0.69 -> 0.75 us). */
#define VINDEX_EXPAND_MAX_M (1 << 30) /* skip + 3 stays an int */
static inline vindex vindex_expand(size_t skip, size_t m) {
  const __m128i lane = _mm_add_epi32(_mm_setr_epi32(0, 1, 2, 3), _mm_set1_epi32((int)skip));
  __m128i q = _mm_setzero_si128();
  for (size_t t = m; t <= skip + 3; t += m)
    q = _mm_sub_epi32(q, _mm_cmpgt_epi32(lane, _mm_set1_epi32((int)t - 1)));
  /* byte b of lane l: 4 * q + b */
  return _mm_add_epi32(_mm_mullo_epi32(_mm_slli_epi32(q, 2), _mm_set1_epi32(0x01010101)),
                       _mm_set1_epi32(0x03020100));
}

/* Lanes 0, 2, ... of a then of b: every other step of two vectors. */
static inline vfloat veven(vfloat a, vfloat b) { return _mm_shuffle_ps(a, b, 0x88); }

/* Lanes 1, 3, ... of a then of b. */
static inline vfloat vodd(vfloat a, vfloat b) { return _mm_shuffle_ps(a, b, 0xDD); }

/* Lanes n .. 3 of lo then lanes 0 .. n - 1 of hi (0 <= n < 4): one byte
 * shift (SSSE3's palignr, which every SSE4.1 CPU has). Only stride 2's
 * taps take it: a 16-byte load splits a line one time in four, so a load
 * per tap costs less than a shift, but a stride-2 tap's two loads and
 * shuffle cost more (AMD Zen 4: channels_first B1 T4096 C256 K7 stride 2
 * 481 -> 457 us; stride 1 K3 1350 -> 1634 us with it). */
#define VCONCAT_FROM 1
#define VCONCAT_MIN_STRIDE 2
static inline __attribute__((always_inline)) vfloat vconcat_from(vfloat lo, vfloat hi, size_t n) {
  const __m128i a = _mm_castps_si128(lo), b = _mm_castps_si128(hi);
  switch (n) {
  case 1: return _mm_castsi128_ps(_mm_alignr_epi8(b, a, 4));
  case 2: return _mm_castsi128_ps(_mm_alignr_epi8(b, a, 8));
  case 3: return _mm_castsi128_ps(_mm_alignr_epi8(b, a, 12));
  }
  return lo;
}

#endif
