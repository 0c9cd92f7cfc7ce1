/* Start-up measurement of the FMA (or mul+add) peak per ISA and of the copy
 * bandwidth, see limits.h. */
#include "limits.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peak.h"

/* Many short samples, keeping the best: on a shared machine a short sample
 * often runs undisturbed, and disturbance only ever slows a sample down. */
enum { SAMPLES = 25 };
#define SAMPLE_SECONDS 2e-3

double bench_now_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/* Keeps the peak loops' results alive. */
static volatile float peak_sink;

typedef struct peak_loop {
  dwconv1d_isa isa;
  float (*run)(uint64_t rounds);
  double flops_per_round;
  const char *method;
} peak_loop;

static const peak_loop peak_loops[] = {
    {DWCONV1D_ISA_SCALAR, bench_peak_scalar, BENCH_PEAK_SCALAR_FLOPS_PER_ROUND, "mul+add"},
#ifdef BENCH_HAVE_PEAK_SSE4
    {DWCONV1D_ISA_SSE4, bench_peak_sse4, BENCH_PEAK_SSE4_FLOPS_PER_ROUND, "mul+add"},
#endif
#ifdef BENCH_HAVE_PEAK_AVX2
    {DWCONV1D_ISA_AVX2, bench_peak_avx2, BENCH_PEAK_AVX2_FLOPS_PER_ROUND, "FMA"},
#endif
#ifdef BENCH_HAVE_PEAK_AVX512
    {DWCONV1D_ISA_AVX512, bench_peak_avx512, BENCH_PEAK_AVX512_FLOPS_PER_ROUND, "FMA"},
#endif
#ifdef BENCH_HAVE_PEAK_NEON
    {DWCONV1D_ISA_NEON, bench_peak_neon, BENCH_PEAK_NEON_FLOPS_PER_ROUND, "FMA"},
#endif
};

static double seconds_for_rounds(const peak_loop *loop, uint64_t rounds) {
  const double start = bench_now_seconds();
  peak_sink = loop->run(rounds);
  return bench_now_seconds() - start;
}

/* Best FLOP/s of SAMPLES runs of about SAMPLE_SECONDS each. */
static double measure_peak(const peak_loop *loop) {
  uint64_t rounds = 1u << 10;
  double seconds = seconds_for_rounds(loop, rounds);
  while (seconds < SAMPLE_SECONDS / 4) {
    rounds *= 2;
    seconds = seconds_for_rounds(loop, rounds);
  }
  rounds = (uint64_t)((double)rounds * SAMPLE_SECONDS / seconds) + 1;
  double best = 0.0;
  for (int i = 0; i < SAMPLES; i++) {
    const double rate = (double)rounds * loop->flops_per_round / seconds_for_rounds(loop, rounds);
    if (rate > best) best = rate;
  }
  return best;
}

/* memcpy through a volatile pointer, so repeated identical copies stay. */
static void *(*volatile copy_bytes)(void *, const void *, size_t) = memcpy;

/* Best bytes moved (read + written) per second over SAMPLES samples of
 * `repeats` copies of `n` bytes each. */
static double best_copy_rate(unsigned char *dst, const unsigned char *src, size_t n,
                             size_t repeats) {
  double best = 0.0;
  for (int i = 0; i < SAMPLES; i++) {
    const double start = bench_now_seconds();
    for (size_t r = 0; r < repeats; r++) copy_bytes(dst, src, n);
    const double rate = 2.0 * (double)n * (double)repeats / (bench_now_seconds() - start);
    if (rate > best) best = rate;
  }
  return best;
}

double bench_copy_bandwidth(size_t footprint_bytes) {
  const size_t n = ((footprint_bytes / 2 + 63) / 64) * 64 + 64;
  unsigned char *src = aligned_alloc(64, n);
  unsigned char *dst = aligned_alloc(64, n);
  double rate = 0.0;
  if (src != NULL && dst != NULL) {
    memset(src, 1, n);
    memset(dst, 0, n);
    /* One timed copy (also the warm-up) sizes the samples. */
    const double start = bench_now_seconds();
    copy_bytes(dst, src, n);
    const double once = bench_now_seconds() - start;
    const size_t repeats =
        once > SAMPLE_SECONDS ? 1 : (size_t)(SAMPLE_SECONDS / (once > 1e-9 ? once : 1e-9)) + 1;
    rate = best_copy_rate(dst, src, n, repeats);
  }
  free(src);
  free(dst);
  return rate;
}

/* Copy bandwidth of memory: `bytes` per buffer, copied in chunks short
 * enough to run undisturbed, in order, so that no chunk is still cached
 * from its last visit; best chunk of two passes. */
static double dram_copy_rate(size_t bytes) {
  const size_t chunk = (size_t)16 << 20;
  unsigned char *src = aligned_alloc(64, bytes);
  unsigned char *dst = aligned_alloc(64, bytes);
  double best = 0.0;
  if (src != NULL && dst != NULL) {
    memset(src, 1, bytes);
    memset(dst, 0, bytes);
    for (int pass = 0; pass < 2; pass++) {
      for (size_t offset = 0; offset + chunk <= bytes; offset += chunk) {
        const double start = bench_now_seconds();
        copy_bytes(dst + offset, src + offset, chunk);
        const double rate = 2.0 * (double)chunk / (bench_now_seconds() - start);
        if (rate > best) best = rate;
      }
    }
  }
  free(src);
  free(dst);
  return best;
}

/* Twice the last-level cache, at least 256 MiB, at most 1 GiB per buffer. */
static size_t dram_buffer_bytes(void) {
  size_t bytes = (size_t)256 << 20;
#ifdef _SC_LEVEL3_CACHE_SIZE
  const long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
  if (l3 > 0 && 2 * (size_t)l3 > bytes) bytes = 2 * (size_t)l3;
#endif
  const size_t cap = (size_t)1 << 30, chunk = (size_t)16 << 20;
  bytes = bytes < cap ? bytes : cap;
  return bytes - bytes % chunk;
}

void bench_measure_limits(bench_limits *limits) {
  memset(limits, 0, sizeof *limits);
  limits->machine_peak_isa = DWCONV1D_ISA_SCALAR;
  for (size_t i = 0; i < sizeof peak_loops / sizeof peak_loops[0]; i++) {
    const peak_loop *loop = &peak_loops[i];
    if ((size_t)loop->isa >= BENCH_ISA_SLOTS || !dwconv1d_isa_supported(loop->isa)) continue;
    limits->peak_flops[loop->isa] = measure_peak(loop);
    limits->peak_method[loop->isa] = loop->method;
    if (limits->peak_flops[loop->isa] > limits->machine_peak_flops) {
      limits->machine_peak_flops = limits->peak_flops[loop->isa];
      limits->machine_peak_isa = loop->isa;
    }
  }
  limits->dram_copy_buffer_bytes = dram_buffer_bytes();
  limits->dram_copy_bytes_per_second = dram_copy_rate(limits->dram_copy_buffer_bytes);
}
