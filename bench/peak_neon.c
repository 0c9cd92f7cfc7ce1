/* FMA peak of AArch64 AdvSIMD code: independent 4-lane FMA chains. */
#include <arm_neon.h>

#include "peak.h"

#if !defined(__aarch64__)
#error "peak_neon.c is for AArch64"
#endif

#define CHAINS(X)                                                                                 \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16)   \
  X(17) X(18) X(19) X(20) X(21) X(22) X(23)

float bench_peak_neon(uint64_t rounds) {
  const float32x4_t m = vdupq_n_f32(0.999999f);
  const float32x4_t c = vdupq_n_f32(1e-6f);
#define DECLARE(i) float32x4_t acc##i = vdupq_n_f32(0.01f * (float)(i));
  CHAINS(DECLARE)
#undef DECLARE
  for (uint64_t r = 0; r < rounds; r++) {
#define STEP(i) acc##i = vfmaq_f32(c, acc##i, m);
    CHAINS(STEP)
#undef STEP
  }
  float32x4_t sum = vdupq_n_f32(0.0f);
#define ADD(i) sum = vaddq_f32(sum, acc##i);
  CHAINS(ADD)
#undef ADD
  return vaddvq_f32(sum);
}
