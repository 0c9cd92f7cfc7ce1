/* dwconv1d_layer_forward_parallel gives bit-identical results to the plain
 * forward for every thread count, on every supported ISA, with the tasks
 * run in a shuffled order (any order must do) and, natively, on real
 * threads through pthreadpool when it is available. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv1d.h"
#if defined(DWCONV1D_TEST_PTHREADPOOL)
#include <pthreadpool.h>
#endif

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static size_t pick(size_t lo, size_t hi) { return lo + (size_t)(next_random() % (hi - lo + 1)); }
static float uniform(void) { return (float)((double)(next_random() >> 11) / 9007199254740992.0) * 2 - 1; }

/* Runs the tasks one by one in a shuffled order, counting them. */
struct shuffled_pool {
  size_t calls, tasks, max_tasks;
};

static void shuffled_parallel_for(void *pool, dwconv1d_task_fn task, void *context, size_t count) {
  struct shuffled_pool *p = pool;
  size_t *order = malloc(count * sizeof *order);
  for (size_t i = 0; i < count; i++)
    order[i] = i;
  for (size_t i = count; i > 1; i--) {
    const size_t j = (size_t)(next_random() % i), t = order[i - 1];
    order[i - 1] = order[j];
    order[j] = t;
  }
  for (size_t i = 0; i < count; i++)
    task(context, order[i]);
  free(order);
  p->calls++;
  p->tasks = count;
}

#if defined(DWCONV1D_TEST_THREADS)
/* Real threads without pthreadpool (so TSan sees every synchronisation):
 * `threads` workers take task numbers from a shared atomic counter. */
struct counter_pool {
  dwconv1d_task_fn task;
  void *context;
  size_t count;
  atomic_size_t next;
};

static void *counter_worker(void *arg) {
  struct counter_pool *p = arg;
  for (size_t i; (i = atomic_fetch_add(&p->next, 1)) < p->count;)
    p->task(p->context, i);
  return NULL;
}

static void threads_parallel_for(void *pool, dwconv1d_task_fn task, void *context, size_t count) {
  const size_t threads = *(const size_t *)pool;
  struct counter_pool p = {task, context, count, 0};
  pthread_t ids[8];
  for (size_t i = 0; i < threads; i++)
    pthread_create(&ids[i], NULL, counter_worker, &p);
  for (size_t i = 0; i < threads; i++)
    pthread_join(ids[i], NULL);
}
#endif

#if defined(DWCONV1D_TEST_PTHREADPOOL)
static void pthreadpool_parallel_for(void *pool, dwconv1d_task_fn task, void *context,
                                     size_t count) {
  pthreadpool_parallelize_1d((pthreadpool_t)pool, task, context, count, 0);
}
#endif

/* n floats on a cache line: a large output so placed is stored around the
 * caches on AVX-512 (see stores_nontemporal in the kernels). */
static float *alloc_floats(size_t n) {
  return aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
}

/* The plain forward against the parallel one on every pool, for one layer. */
static int check_case(dwconv1d_isa isa, int index, dwconv1d_params p, size_t channels,
                      size_t batch, size_t steps) {
  size_t shape[3];
  if (dwconv1d_output_shape(&p, batch, channels, steps, shape) != DWCONV1D_OK) {
    steps++; /* glu needs an even last axis: one more step or channel fixes it */
    if (dwconv1d_output_shape(&p, batch, channels, steps, shape) != DWCONV1D_OK)
      return 0;
  }
  const size_t k_n = p.kernel_size * channels * p.depth_multiplier;
  const size_t in_n = batch * steps * channels, out_n = shape[0] * shape[1] * shape[2];
  float *kernel = malloc(k_n * sizeof(float)), *bias = malloc(channels * p.depth_multiplier * 4);
  float *x = alloc_floats(in_n), *want = alloc_floats(out_n), *got = alloc_floats(out_n);
  for (size_t i = 0; i < k_n; i++) kernel[i] = uniform();
  for (size_t i = 0; i < channels * p.depth_multiplier; i++) bias[i] = uniform();
  for (size_t i = 0; i < in_n; i++) x[i] = uniform();
  dwconv1d_layer *layer = NULL;
  int failures = 0;
  if (dwconv1d_layer_create(&p, channels, kernel, bias, &layer) != DWCONV1D_OK ||
      dwconv1d_layer_isa(layer) != isa ||
      dwconv1d_layer_forward(layer, batch, steps, x, want) != DWCONV1D_OK) {
    fprintf(stderr, "FAIL %s case %d: %s\n", dwconv1d_isa_name(isa), index, dwconv1d_last_error());
    failures++;
  }
  for (size_t threads = 1; layer != NULL && !failures && threads <= 8; threads++) {
    struct shuffled_pool pool = {0, 0, 0};
    memset(got, 0xA5, out_n * sizeof(float));
    const dwconv1d_status s = dwconv1d_layer_forward_parallel(layer, batch, steps, x, got,
                                                              shuffled_parallel_for, &pool, threads);
    if (s != DWCONV1D_OK || memcmp(got, want, out_n * sizeof(float)) != 0 || pool.calls > 1 ||
        pool.tasks > 8 * threads) {
      fprintf(stderr,
              "FAIL %s case %d threads %zu: status %d, tasks %zu, K=%zu s=%zu pad=%d fmt=%d M=%zu "
              "act=%s C=%zu B=%zu T=%zu: results differ from the plain forward\n",
              dwconv1d_isa_name(isa), index, threads, s, pool.tasks, p.kernel_size, p.strides,
              p.padding, p.data_format, p.depth_multiplier, dwconv1d_activation_name(p.activation),
              channels, batch, steps);
      failures++;
    }
#if defined(DWCONV1D_TEST_THREADS)
    if (threads <= 3) {
      memset(got, 0xA5, out_n * sizeof(float));
      if (dwconv1d_layer_forward_parallel(layer, batch, steps, x, got, threads_parallel_for,
                                          &threads, threads) != DWCONV1D_OK ||
          memcmp(got, want, out_n * sizeof(float)) != 0) {
        fprintf(stderr, "FAIL %s case %d: %zu real threads differ\n", dwconv1d_isa_name(isa),
                index, threads);
        failures++;
      }
    }
#endif
#if defined(DWCONV1D_TEST_PTHREADPOOL)
    /* pthreadpool spins while it waits: more threads than cores only crawls. */
    if (threads != 2)
      continue;
    pthreadpool_t real = pthreadpool_create(threads);
    memset(got, 0xA5, out_n * sizeof(float));
    if (dwconv1d_layer_forward_parallel(layer, batch, steps, x, got, pthreadpool_parallel_for, real,
                                        threads) != DWCONV1D_OK ||
        memcmp(got, want, out_n * sizeof(float)) != 0) {
      fprintf(stderr, "FAIL %s case %d: pthreadpool with %zu threads differs\n",
              dwconv1d_isa_name(isa), index, threads);
      failures++;
    }
    pthreadpool_destroy(real);
#endif
  }
  dwconv1d_layer_destroy(layer);
  free(kernel), free(bias), free(x), free(want), free(got);
  return failures;
}

static int run_case(dwconv1d_isa isa, int index) {
  dwconv1d_params p = dwconv1d_params_default(pick(1, 9));
  p.padding = (dwconv1d_padding)pick(0, 2);
  p.data_format = (dwconv1d_data_format)pick(0, 1);
  p.depth_multiplier = pick(1, 3);
  p.strides = pick(1, 3);
  p.activation = (dwconv1d_activation)pick(0, DWCONV1D_ACTIVATION_COUNT - 1);
  const size_t channels = pick(1, 90), batch = pick(1, 3);
  return check_case(isa, index, p, channels, batch, pick(p.kernel_size, 400));
}

/* channels_first long kernels, which run along the rows where they are
 * long enough (see rows_long_pays in the kernels' template): tasks that
 * split a row's steps start mid-row. */
static int run_long_rows_cases(dwconv1d_isa isa) {
  static const struct {
    size_t k, m, channels, batch, steps;
    dwconv1d_padding padding;
  } cases[] = {
      {31, 1, 7, 1, 256, DWCONV1D_PADDING_SAME},   {33, 2, 5, 2, 500, DWCONV1D_PADDING_CAUSAL},
      {20, 1, 3, 1, 1500, DWCONV1D_PADDING_SAME},  {48, 1, 2, 1, 2100, DWCONV1D_PADDING_VALID},
      {33, 1, 3, 1, 100000, DWCONV1D_PADDING_SAME}, /* along rows under either CPU rule */
      /* the range from step 128 on: one float short of a block with a tail,
       * and just enough for it (see rows_long_block_at) */
      {31, 1, 3, 1, 254, DWCONV1D_PADDING_SAME},   {31, 1, 3, 1, 255, DWCONV1D_PADDING_SAME},
      /* interiors walked (rows_walk), by segments that move with the range */
      {31, 1, 3, 1, 2000, DWCONV1D_PADDING_CAUSAL}, {33, 1, 2, 2, 1500, DWCONV1D_PADDING_VALID},
      /* K past 48 along rows of a whole number of 4 KiB */
      {75, 1, 3, 1, 2048, DWCONV1D_PADDING_SAME},  {128, 2, 2, 1, 1024, DWCONV1D_PADDING_CAUSAL},
  };
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dwconv1d_params p = dwconv1d_params_default(cases[i].k);
    p.padding = cases[i].padding;
    p.data_format = DWCONV1D_CHANNELS_FIRST;
    p.depth_multiplier = cases[i].m;
    failures += check_case(isa, 100 + (int)i, p, cases[i].channels, cases[i].batch,
                           cases[i].steps);
  }
  return failures;
}

/* Mamba-2.8B's prefill, whose 40 MiB output passes the last-level cache of
 * most CPUs (32 MiB on the CI's): AVX-512 stores it around the caches, in
 * tiles cut by the tasks, and every pool must give the plain forward's
 * bits; so must a channels_first K = 3 of 32 MiB in and out, whose rows'
 * blocks AVX-512 and AVX2 so store where a task's range starts on a
 * vector, and a channels_last K = 3 as large, whose interior steps AVX2
 * and SSE4.1 store so a step at a time (see steps_stream). (Whether those
 * stores are right is test_placement's check.) */
static int run_large_output_cases(dwconv1d_isa isa) {
  dwconv1d_params p = dwconv1d_params_default(4);
  p.padding = DWCONV1D_PADDING_CAUSAL;
  p.activation = DWCONV1D_ACTIVATION_SILU;
  dwconv1d_params rows = dwconv1d_params_default(3);
  rows.padding = DWCONV1D_PADDING_SAME;
  rows.data_format = DWCONV1D_CHANNELS_FIRST;
  dwconv1d_params plain = rows;
  plain.data_format = DWCONV1D_CHANNELS_LAST;
  const int streamed = check_case(isa, 202, plain, 512, 1, 16400) +
                       check_case(isa, 201, rows, 512, 1, 16400);
  if (isa != DWCONV1D_ISA_AVX512)
    return streamed;
  return streamed + check_case(isa, 200, p, 5120, 1, 2048);
}

int main(void) {
  int failures = 0, passed = 0, skipped = 0;
  for (int i = DWCONV1D_ISA_SCALAR; i <= DWCONV1D_ISA_NEON; i++) {
    const dwconv1d_isa isa = (dwconv1d_isa)i;
    if (!dwconv1d_isa_supported(isa)) {
      printf("SKIP %s: not supported on this CPU\n", dwconv1d_isa_name(isa));
      skipped++;
      continue;
    }
    dwconv1d_set_isa(isa);
    for (int c = 0; c < 30; c++) {
      const int f = run_case(isa, c);
      failures += f;
      passed += !f;
    }
    const int f = run_long_rows_cases(isa) +
                  (isa == DWCONV1D_ISA_AVX512 || isa == DWCONV1D_ISA_AVX2 ||
                           isa == DWCONV1D_ISA_SSE4
                       ? run_large_output_cases(isa)
                       : 0);
    failures += f;
    passed += !f;
  }
  dwconv1d_reset_isa();
  if (dwconv1d_layer_forward_parallel(NULL, 1, 1, NULL, NULL, NULL, NULL, 1) !=
      DWCONV1D_ERROR_INVALID_ARGUMENT) {
    fprintf(stderr, "FAIL: a NULL layer must be refused\n");
    failures++;
  }
  printf("%d passed, %d failed, %d skipped\n", passed, failures, skipped);
  return failures != 0;
}
