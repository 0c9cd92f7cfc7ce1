/* Many threads at once: each creates layers (on whatever ISA is forced at
 * that moment, while another thread keeps forcing every supported ISA in
 * turn), runs its own and one shared layer, and checks every output against
 * a double-precision reference. A second shared layer (channels_last, M = 1,
 * rows of whole vectors) runs each round on buffers a different number of
 * floats past a 64-byte boundary, so that the threads race to pack its
 * rotated weights (see dwconv1d_layer_conv_rotated in src/layer.c). Meant to
 * run under ThreadSanitizer too. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dwconv1d.h"

enum { THREADS = 6, ROUNDS = 40, K = 5, C = 37, T = 96, M = 2 };

static float kernel[K * C * M], bias[C * M], input[T * C];
static double expected[T * C * M]; /* "same" padding, so T_out == T */
static atomic_int failures, stop_toggling;
static dwconv1d_layer *shared_layer;

/* The second shared layer: causal, K = SK, C = SC; ST steps, long enough
 * to rotate. */
enum { SK = 4, SC = 64, ST = 200 };
static float s_kernel[SK * SC], s_bias[SC], s_input[ST * SC];
static double s_expected[ST * SC];
static dwconv1d_layer *shifted_layer;

static void make_reference(void) {
  const size_t pad_left = (K - 1) / 2;
  for (size_t t = 0; t < T; t++)
    for (size_t oc = 0; oc < C * M; oc++) {
      double acc = bias[oc];
      for (size_t j = 0; j < K; j++) {
        const size_t row = t + j;
        if (row >= pad_left && row - pad_left < T)
          acc += (double)input[(row - pad_left) * C + oc / M] * kernel[j * C * M + oc];
      }
      expected[t * C * M + oc] = acc;
    }
}

static void make_shifted_reference(void) {
  for (size_t t = 0; t < ST; t++)
    for (size_t c = 0; c < SC; c++) {
      double acc = s_bias[c];
      for (size_t j = 0; j < SK; j++)
        if (t + j >= SK - 1)
          acc += (double)s_input[(t + j - (SK - 1)) * SC + c] * s_kernel[j * SC + c];
      s_expected[t * SC + c] = acc;
    }
}

/* y against the reference of a kernel of k taps. */
static int check_against(const float *y, const double *want, size_t n, size_t k,
                         const char *who) {
  for (size_t i = 0; i < n; i++) {
    if (!(fabs(y[i] - want[i]) <= 1e-5 * k * 4 + 1e-6)) {
      fprintf(stderr, "FAIL %s: element %zu got %.9g expected %.9g\n", who, i, y[i], want[i]);
      return 1;
    }
  }
  return 0;
}

static int check_output(const float *y, const char *who) {
  return check_against(y, expected, T * C * M, K, who);
}

/* The shifted layer on buffers `offset` floats past a 64-byte boundary. */
static int run_shifted(size_t offset) {
  static _Thread_local _Alignas(64) float x[ST * SC + 16], y[ST * SC + 16];
  memcpy(x + offset, s_input, sizeof s_input);
  return dwconv1d_layer_forward(shifted_layer, 1, ST, x + offset, y + offset) != DWCONV1D_OK ||
         check_against(y + offset, s_expected, ST * SC, SK, "shifted layer");
}

static dwconv1d_params params(void) {
  dwconv1d_params p = dwconv1d_params_default(K);
  p.padding = DWCONV1D_PADDING_SAME;
  p.depth_multiplier = M;
  return p;
}

static void *worker(void *arg) {
  (void)arg;
  static _Thread_local float y[T * C * M];
  const dwconv1d_params p = params();
  for (int round = 0; round < ROUNDS; round++) {
    dwconv1d_layer *layer = NULL;
    if (dwconv1d_layer_create(&p, C, kernel, bias, &layer) != DWCONV1D_OK) {
      fprintf(stderr, "FAIL create: %s\n", dwconv1d_last_error());
      atomic_fetch_add(&failures, 1);
      continue;
    }
    const char *isa = dwconv1d_isa_name(dwconv1d_layer_isa(layer));
    if (!dwconv1d_isa_supported(dwconv1d_layer_isa(layer)) ||
        dwconv1d_layer_forward(layer, 1, T, input, y) != DWCONV1D_OK || check_output(y, isa))
      atomic_fetch_add(&failures, 1);
    dwconv1d_layer_destroy(layer);
    if (dwconv1d_layer_forward(shared_layer, 1, T, input, y) != DWCONV1D_OK ||
        check_output(y, "shared layer"))
      atomic_fetch_add(&failures, 1);
    if (run_shifted((size_t)round % 15 + 1))
      atomic_fetch_add(&failures, 1);
  }
  return NULL;
}

static void *toggler(void *arg) {
  (void)arg;
  while (!atomic_load(&stop_toggling)) {
    for (int i = DWCONV1D_ISA_SCALAR; i <= DWCONV1D_ISA_NEON; i++)
      if (dwconv1d_isa_supported((dwconv1d_isa)i))
        dwconv1d_set_isa((dwconv1d_isa)i);
    dwconv1d_reset_isa();
    /* A pause, so a spinning toggler cannot starve the workers under qemu. */
    nanosleep(&(struct timespec){.tv_nsec = 50000}, NULL);
  }
  return NULL;
}

/* Uniform in [0, 1]. */
static float uniform(void) { return (float)((double)rand() / RAND_MAX); }

int main(void) {
  srand(7);
  for (size_t i = 0; i < K * C * M; i++)
    kernel[i] = uniform() - 0.5f;
  for (size_t i = 0; i < C * M; i++)
    bias[i] = uniform() - 0.5f;
  for (size_t i = 0; i < T * C; i++)
    input[i] = uniform() * 2.0f - 1.0f;
  for (size_t i = 0; i < SK * SC; i++)
    s_kernel[i] = uniform() - 0.5f;
  for (size_t i = 0; i < SC; i++)
    s_bias[i] = uniform() - 0.5f;
  for (size_t i = 0; i < ST * SC; i++)
    s_input[i] = uniform() * 2.0f - 1.0f;
  make_reference();
  make_shifted_reference();
  const dwconv1d_params p = params();
  dwconv1d_params sp = dwconv1d_params_default(SK);
  sp.padding = DWCONV1D_PADDING_CAUSAL;
  if (dwconv1d_layer_create(&p, C, kernel, bias, &shared_layer) != DWCONV1D_OK ||
      dwconv1d_layer_create(&sp, SC, s_kernel, s_bias, &shifted_layer) != DWCONV1D_OK) {
    fprintf(stderr, "FAIL create shared: %s\n", dwconv1d_last_error());
    return 1;
  }
  pthread_t threads[THREADS], toggle;
  pthread_create(&toggle, NULL, toggler, NULL);
  for (int i = 0; i < THREADS; i++)
    pthread_create(&threads[i], NULL, worker, NULL);
  for (int i = 0; i < THREADS; i++)
    pthread_join(threads[i], NULL);
  atomic_store(&stop_toggling, 1);
  pthread_join(toggle, NULL);
  dwconv1d_reset_isa();
  dwconv1d_layer_destroy(shared_layer);
  dwconv1d_layer_destroy(shifted_layer);
  const int failed = atomic_load(&failures);
  printf("%d passed, %d failed\n", THREADS * ROUNDS * 3 - failed, failed);
  return failed != 0;
}
