/* FMA peak of AVX-512 code: independent 16-lane FMA chains. */
#include <immintrin.h>

#include "peak.h"

#if !defined(__AVX512F__)
#error "peak_avx512.c must be compiled with -mavx512f"
#endif

#define CHAINS(X)                                                                                 \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16)   \
  X(17) X(18) X(19) X(20) X(21) X(22) X(23)

float bench_peak_avx512(uint64_t rounds) {
  const __m512 m = _mm512_set1_ps(0.999999f);
  const __m512 c = _mm512_set1_ps(1e-6f);
#define DECLARE(i) __m512 acc##i = _mm512_set1_ps(0.01f * (float)(i));
  CHAINS(DECLARE)
#undef DECLARE
  for (uint64_t r = 0; r < rounds; r++) {
#define STEP(i) acc##i = _mm512_fmadd_ps(acc##i, m, c);
    CHAINS(STEP)
#undef STEP
  }
  __m512 sum = _mm512_setzero_ps();
#define ADD(i) sum = _mm512_add_ps(sum, acc##i);
  CHAINS(ADD)
#undef ADD
  return _mm512_reduce_add_ps(sum);
}
