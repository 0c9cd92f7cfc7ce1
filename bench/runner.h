/* What every benchmarked implementation (a dwconv1d path or a peer library)
 * provides: untimed preparation for one shape, one timed call, and its
 * output in the shape's Keras layout for the check against the scalar path. */
#ifndef DWCONV1D_BENCH_RUNNER_H
#define DWCONV1D_BENCH_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "data.h"
#include "dwconv1d.h"

typedef struct bench_runner_kind bench_runner_kind;

struct bench_runner_kind {
  const char *name;  /* in benchmark names: "avx512", "onednn_plain", ... */
  const char *title; /* column title in the summary */
  bool is_peer;      /* false for dwconv1d's own paths */
  dwconv1d_isa isa;  /* the path, for dwconv1d's own runners */
  size_t threads;    /* dwconv1d's runners: 1 runs dwconv1d_layer_forward,
                      * more runs dwconv1d_layer_forward_parallel on the pool */
  /* Prepares everything the timed call needs (weights packed, inputs in the
   * runner's layout, operators created). NULL with the reason in `why` when
   * this runner cannot run the shape. */
  void *(*create)(const bench_runner_kind *kind, const bench_data *data, char *why,
                  size_t why_size);
  /* One timed call. 0, or -1 with the reason in `why`. */
  int (*run)(void *instance, char *why, size_t why_size);
  /* The last call's output in the shape's own layout (converted untimed if
   * the runner works in another layout). Valid until the next call. */
  const float *(*output)(void *instance);
  /* A short description for the report, e.g. "jit:avx512_core, nwc". */
  const char *(*label)(void *instance);
  void (*destroy)(void *instance);
};

/* A runner for dwconv1d's path `isa` on `threads` threads, named `name`
 * (kept, not copied). threads > 1 needs bench_dwconv1d_pool_init first. */
bench_runner_kind bench_dwconv1d_runner(dwconv1d_isa isa, size_t threads, const char *name);

/* Creates the one pthreadpool of `threads` threads that the multi-threaded
 * dwconv1d runners share; false with the reason if it cannot. */
bool bench_dwconv1d_pool_init(size_t threads, char *info, size_t info_size);
void bench_dwconv1d_pool_shutdown(void);

#ifdef BENCH_HAVE_ONEDNN
/* Sets oneDNN up for `threads` threads; false with the reason if it cannot. */
bool bench_onednn_init(int threads, char *info, size_t info_size);
void bench_onednn_shutdown(void);
extern const bench_runner_kind bench_onednn_plain;   /* nwc or ncw, as the shape */
extern const bench_runner_kind bench_onednn_blocked; /* its preferred layout */
#endif

#ifdef BENCH_HAVE_XNNPACK
bool bench_xnnpack_init(int threads, char *info, size_t info_size);
void bench_xnnpack_shutdown(void);
extern const bench_runner_kind bench_xnnpack_nhwc;
#endif

#endif /* DWCONV1D_BENCH_RUNNER_H */
