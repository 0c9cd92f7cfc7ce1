/* FLOP peak of SSE4.1 code: 4-lane mul then add (no FMA in SSE4.1). */
#include <smmintrin.h>

#include "peak.h"

#if !defined(__SSE4_1__)
#error "peak_sse4.c must be compiled with -msse4.1"
#endif

/* 12 chains: with m and c, 14 of the 16 xmm registers. 16 spilled two to
 * the stack and read 47 % low (Zen 4: 7.8 against 14.8 GFLOP/s scalar,
 * 31 against 53 SSE4.1), below what the kernels themselves reach. */
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

float bench_peak_sse4(uint64_t rounds) {
  const __m128 m = _mm_set1_ps(0.999999f);
  const __m128 c = _mm_set1_ps(1e-6f);
#define DECLARE(i) __m128 acc##i = _mm_set1_ps(0.01f * (float)(i));
  CHAINS(DECLARE)
#undef DECLARE
  for (uint64_t r = 0; r < rounds; r++) {
#define STEP(i) acc##i = _mm_add_ps(_mm_mul_ps(acc##i, m), c);
    CHAINS(STEP)
#undef STEP
  }
  __m128 sum = _mm_setzero_ps();
#define ADD(i) sum = _mm_add_ps(sum, acc##i);
  CHAINS(ADD)
#undef ADD
  float lanes[4];
  _mm_storeu_ps(lanes, sum);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}
