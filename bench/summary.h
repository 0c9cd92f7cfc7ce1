/* The compact summary: one row per shape, one column per dwconv1d path and
 * peer, and the issue-7 targets checked for the path `auto` picks. */
#ifndef DWCONV1D_BENCH_SUMMARY_H
#define DWCONV1D_BENCH_SUMMARY_H

#include <stdio.h>

#include "limits.h"
#include "runner.h"
#include "shapes.h"

typedef enum bench_cell_status {
  BENCH_CELL_NOT_RUN,     /* filtered out, or not reached */
  BENCH_CELL_TIMED,       /* verified, then timed */
  BENCH_CELL_WRONG,       /* output disagreed with the scalar path: not timed */
  BENCH_CELL_UNAVAILABLE, /* the runner cannot run this shape */
  BENCH_CELL_FAILED,      /* an error while running */
} bench_cell_status;

typedef struct bench_cell {
  bench_cell_status status;
  bool have_figures; /* the fields below hold the median (or single) run */
  double gflops, gbps, peak_percent, bandwidth_percent;
  char note[512]; /* why it is not timed, or the runner's label */
} bench_cell;

typedef struct bench_summary {
  const char *preamble; /* machine, limits, peers, method: printed first */
  const bench_limits *limits;
  const bench_runner_kind *kinds;
  size_t kind_count;
  size_t auto_kind;   /* index into kinds, or kind_count if unknown */
  const bench_cell *cells; /* [shape index * kind_count + kind index] */
  const double *footprint_bytes; /* per shape (0 if the shape never ran) */
  size_t l2_bytes;    /* per-core L2, for issue 7's "larger than L2" */
  int threads;        /* threads the paths and peers ran on */
} bench_summary;

void bench_summary_print(FILE *out, const bench_summary *summary);

#endif /* DWCONV1D_BENCH_SUMMARY_H */
