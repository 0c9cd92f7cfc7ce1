/* A layer's results do not depend on where its output lies relative to its
 * input: channels_last rows of many channels whose output sits a vector or
 * two past the input modulo 4 KiB take their channel vectors in the other
 * order (see channels_descending in the kernels' template), and must give
 * the same bits as an output placed on a page boundary, on every supported
 * ISA. Nor on its alignment where a call passes the last-level cache:
 * aligned, AVX-512 stores whole lines of the output around the caches (see
 * stores_nontemporal and rows_stream), a float off it stores as it goes. Built
 * with the CPU probe's source, which says the cache's size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dwconv1d.h"

enum { PAGE = 4096 };

static float value(size_t i) { return (float)((i * 2654435761u) % 2001) / 1000.0f - 1.0f; }

/* Output of the layer for an output placed `offset` bytes past a page. */
static int forward_at(const dwconv1d_layer *layer, size_t steps, const float *x, size_t out_n,
                      size_t offset, float *result) {
  /* C11's aligned_alloc takes whole multiples of the alignment */
  const size_t pages = (out_n * sizeof(float) + PAGE - 1) / PAGE + 2;
  unsigned char *block = aligned_alloc(PAGE, pages * PAGE);
  if (block == NULL)
    return -1;
  float *y = (float *)(void *)(block + offset);
  const dwconv1d_status s = dwconv1d_layer_forward(layer, 1, steps, x, y);
  memcpy(result, y, out_n * sizeof(float));
  free(block);
  return s == DWCONV1D_OK ? 0 : -1;
}

static int check_as(dwconv1d_isa isa, size_t k, size_t channels, size_t steps,
                    dwconv1d_padding padding, dwconv1d_activation act,
                    dwconv1d_data_format format, const size_t *offsets, size_t count) {
  dwconv1d_params p = dwconv1d_params_default(k);
  p.padding = padding;
  p.activation = act;
  p.data_format = format;
  const size_t in_n = steps * channels, out_n = steps * channels;
  float *kernel = malloc(k * channels * sizeof(float)), *bias = malloc(channels * sizeof(float));
  float *x = aligned_alloc(PAGE, (in_n * sizeof(float) + PAGE - 1) / PAGE * PAGE);
  float *want = malloc(out_n * sizeof(float)), *got = malloc(out_n * sizeof(float));
  for (size_t i = 0; i < k * channels; i++) kernel[i] = value(i + 7);
  for (size_t i = 0; i < channels; i++) bias[i] = value(i + 3);
  for (size_t i = 0; i < in_n; i++) x[i] = value(i);
  dwconv1d_layer *layer = NULL;
  int failures = 0;
  if (dwconv1d_layer_create(&p, channels, kernel, bias, &layer) != DWCONV1D_OK ||
      forward_at(layer, steps, x, out_n, 0, want) != 0) {
    fprintf(stderr, "FAIL %s: %s\n", dwconv1d_isa_name(isa), dwconv1d_last_error());
    failures++;
  }
  for (size_t i = 0; !failures && i < count; i++) {
    if (forward_at(layer, steps, x, out_n, offsets[i], got) != 0 ||
        memcmp(got, want, out_n * sizeof(float)) != 0) {
      fprintf(stderr, "FAIL %s K=%zu C=%zu T=%zu: output %zu bytes past a page differs\n",
              dwconv1d_isa_name(isa), k, channels, steps, offsets[i]);
      failures++;
    }
  }
  dwconv1d_layer_destroy(layer);
  free(kernel), free(bias), free(x), free(want), free(got);
  return failures;
}

static int check(dwconv1d_isa isa, size_t k, size_t channels, size_t steps) {
  static const size_t offsets[] = {32, 64, 128, 192, 2048 + 64};
  return check_as(isa, k, channels, steps, DWCONV1D_PADDING_SAME, DWCONV1D_ACTIVATION_LINEAR,
                  DWCONV1D_CHANNELS_LAST, offsets, sizeof offsets / sizeof offsets[0]);
}

/* The smallest calls that the rules stream for a cache of `bytes`: input
 * and output together just past it in channels_last (Mamba's causal SiLU
 * and a plain K = 3), the output alone along channels_first rows of a
 * whole number of vectors (K = 3); each output on a page, a line past one
 * and a float past one. */
static int check_large(dwconv1d_isa isa, size_t bytes) {
  static const size_t offsets[] = {64, 4};
  const size_t n = sizeof offsets / sizeof offsets[0], floats = bytes / sizeof(float) / 2;
  return check_as(isa, 4, 5120, floats / 5120 + 1, DWCONV1D_PADDING_CAUSAL,
                  DWCONV1D_ACTIVATION_SILU, DWCONV1D_CHANNELS_LAST, offsets, n) +
         check_as(isa, 3, 512, floats / 512 + 1, DWCONV1D_PADDING_SAME,
                  DWCONV1D_ACTIVATION_RELU, DWCONV1D_CHANNELS_LAST, offsets, n) +
         check_as(isa, 3, 512, (2 * floats / 512 / 16 + 1) * 16, DWCONV1D_PADDING_SAME,
                  DWCONV1D_ACTIVATION_RELU, DWCONV1D_CHANNELS_FIRST, offsets, n);
}

/* Larger caches would make the large outputs a slow test: checked up to this. */
enum { LARGE_MAX_BYTES = 64 << 20 };

int main(void) {
  int failures = 0, passed = 0;
  const size_t llc = dwconv1d_cpu_llc_bytes();
  const int large = llc > 0 && llc <= LARGE_MAX_BYTES;
  if (!large)
    printf("note: last-level cache of %zu bytes: calls that outgrow it not checked\n", llc);
  for (int i = DWCONV1D_ISA_SCALAR; i <= DWCONV1D_ISA_NEON; i++) {
    const dwconv1d_isa isa = (dwconv1d_isa)i;
    if (!dwconv1d_isa_supported(isa))
      continue;
    dwconv1d_set_isa(isa);
    /* rows of 2 KiB and 512 bytes, long and short kernels */
    const int f = check(isa, 31, 512, 64) + check(isa, 33, 128, 80) + check(isa, 5, 128, 40) +
                  (large ? check_large(isa, llc) : 0);
    failures += f;
    passed += !f;
  }
  dwconv1d_reset_isa();
  printf("%d ISAs pass, %d failures\n", passed, failures);
  return failures != 0;
}
