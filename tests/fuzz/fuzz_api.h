/* The fuzz target's entry points, shared by libFuzzer and fuzz_replay.c. */
#ifndef DWCONV1D_FUZZ_API_H
#define DWCONV1D_FUZZ_API_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* libFuzzer's entry point: decodes one input and checks every call it makes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many calls of each kind the inputs so far ran and checked, so a corpus
 * can be seen to reach the real work and not only the refusals. */
typedef struct fuzz_counts {
  unsigned long inputs, refusals, layers, forwards, reference_checks, parallel_forwards,
      stream_pushes, stream_comparisons, pool_calls, initializer_fills;
} fuzz_counts;

/* This process's counts (the replay driver adds up its children's). */
fuzz_counts *fuzz_api_counts(void);
void fuzz_api_print_counts(const fuzz_counts *c, FILE *out);

#endif
