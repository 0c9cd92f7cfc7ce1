/* FMA peak of AVX2 code: independent 8-lane FMA chains. */
#include <immintrin.h>

#include "peak.h"

#if !defined(__AVX2__) || !defined(__FMA__)
#error "peak_avx2.c must be compiled with -mavx2 -mfma"
#endif

#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

float bench_peak_avx2(uint64_t rounds) {
  const __m256 m = _mm256_set1_ps(0.999999f);
  const __m256 c = _mm256_set1_ps(1e-6f);
#define DECLARE(i) __m256 acc##i = _mm256_set1_ps(0.01f * (float)(i));
  CHAINS(DECLARE)
#undef DECLARE
  for (uint64_t r = 0; r < rounds; r++) {
#define STEP(i) acc##i = _mm256_fmadd_ps(acc##i, m, c);
    CHAINS(STEP)
#undef STEP
  }
  __m256 sum = _mm256_setzero_ps();
#define ADD(i) sum = _mm256_add_ps(sum, acc##i);
  CHAINS(ADD)
#undef ADD
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  float total = 0.0f;
  for (int i = 0; i < 8; i++) total += lanes[i];
  return total;
}
