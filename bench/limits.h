/* This machine's limits, measured at start-up: the multiply-add peak of each
 * instruction set and the copy bandwidth of memory. Every "% of peak" and
 * "% of bandwidth" in the bench is taken against these, in the same run. */
#ifndef DWCONV1D_BENCH_LIMITS_H
#define DWCONV1D_BENCH_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "dwconv1d.h"

enum { BENCH_ISA_SLOTS = 8 }; /* > the largest dwconv1d_isa value */

typedef struct bench_limits {
  /* FLOP/s per ISA (0 when this CPU cannot run the ISA or the bench has no
   * loop for it), and how it was reached: "FMA" or "mul+add". */
  double peak_flops[BENCH_ISA_SLOTS];
  const char *peak_method[BENCH_ISA_SLOTS];
  /* The largest of them: the reference for the peers, which choose their
   * own instructions. */
  double machine_peak_flops;
  dwconv1d_isa machine_peak_isa;
  /* Bytes read + bytes written per second by memcpy of a buffer far larger
   * than the last-level cache. */
  double dram_copy_bytes_per_second;
  size_t dram_copy_buffer_bytes;
} bench_limits;

/* Measures everything above (a few seconds). Each figure is the best of many
 * short samples timed in this thread's CPU time (noise only ever slows a
 * sample down). */
void bench_measure_limits(bench_limits *limits);

/* Bytes read + written per second by a warm, repeated memcpy whose source
 * and destination together span `footprint_bytes`: the memory limit of a
 * kernel that streams the same number of bytes through the same level of
 * cache. Best of several samples. Returns 0 if memory is short. */
double bench_copy_bandwidth(size_t footprint_bytes);

/* This thread's CPU time in seconds (what the single-threaded benchmarks are
 * timed in too). */
double bench_now_seconds(void);

#endif /* DWCONV1D_BENCH_LIMITS_H */
