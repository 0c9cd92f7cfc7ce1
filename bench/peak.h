/* Tight loops of independent multiply-add chains, one per instruction set,
 * each compiled with that set's flags only (peak_<isa>.c). One call runs
 * `rounds` rounds of BENCH_PEAK_<ISA>_FLOPS_PER_ROUND floating-point
 * operations and returns a value derived from every chain, so the work
 * cannot be optimised away. Call one only when the CPU supports its set. */
#ifndef DWCONV1D_BENCH_PEAK_H
#define DWCONV1D_BENCH_PEAK_H

#include <stdint.h>

/* 12 scalar chains of x = x·m + c (mul then add: no FMA in the baseline);
 * 12 cover the latency of a dependent mul and add (6 cycles on Zen 4, whose
 * two mul and two add pipes then run two of each per cycle) and fit the
 * 16 registers with m and c. */
#define BENCH_PEAK_SCALAR_FLOPS_PER_ROUND (12.0 * 2.0)
float bench_peak_scalar(uint64_t rounds);

/* 12 chains of 4-lane mul then add (SSE4.1 has no FMA). */
#define BENCH_PEAK_SSE4_FLOPS_PER_ROUND (12.0 * 4.0 * 2.0)
float bench_peak_sse4(uint64_t rounds);

/* 12 chains of 8-lane FMA. */
#define BENCH_PEAK_AVX2_FLOPS_PER_ROUND (12.0 * 8.0 * 2.0)
float bench_peak_avx2(uint64_t rounds);

/* 24 chains of 16-lane FMA. */
#define BENCH_PEAK_AVX512_FLOPS_PER_ROUND (24.0 * 16.0 * 2.0)
float bench_peak_avx512(uint64_t rounds);

/* 24 chains of 4-lane FMA. */
#define BENCH_PEAK_NEON_FLOPS_PER_ROUND (24.0 * 4.0 * 2.0)
float bench_peak_neon(uint64_t rounds);

#endif /* DWCONV1D_BENCH_PEAK_H */
