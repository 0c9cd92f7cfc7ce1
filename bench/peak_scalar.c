/* FLOP peak of plain scalar code: independent mul+add chains. Built with
 * auto-vectorisation off, so the chains stay scalar as the name promises. */
#include "peak.h"

/* 12 chains: with m and c, 14 of the 16 xmm registers. 16 spilled two to
 * the stack and read 47 % low (Zen 4: 7.8 against 14.8 GFLOP/s scalar,
 * 31 against 53 SSE4.1), below what the kernels themselves reach. */
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

float bench_peak_scalar(uint64_t rounds) {
  const float m = 0.999999f;
  const float c = 1e-6f;
#define DECLARE(i) float acc##i = 0.01f * (float)(i);
  CHAINS(DECLARE)
#undef DECLARE
  for (uint64_t r = 0; r < rounds; r++) {
#define STEP(i) acc##i = acc##i * m + c;
    CHAINS(STEP)
#undef STEP
  }
  float sum = 0.0f;
#define ADD(i) sum += acc##i;
  CHAINS(ADD)
#undef ADD
  return sum;
}
