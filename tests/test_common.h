/* Shared helpers of the C test suite: seeds, random data, ISA iteration,
 * running a layer and judging its output against the double reference.
 * Uses the public API only; shares no code with src/ or kernels/. */
#ifndef DWCONV1D_TEST_COMMON_H
#define DWCONV1D_TEST_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwconv1d.h"
#include "reference.h"

/* Every ISA value of the enum, in order (the enum has no COUNT member). */
#define TEST_ISA_FIRST DWCONV1D_ISA_SCALAR
#define TEST_ISA_LAST DWCONV1D_ISA_NEON

typedef struct test_counts {
  unsigned long passed;
  unsigned long failed;
  unsigned long skipped;
} test_counts;

/* Counts one check; returns `ok` so callers can chain. */
bool test_count(test_counts *counts, bool ok);

/* Prints "N passed, N failed[, N skipped]" and returns the exit status. */
int test_summary(const char *test_name, const test_counts *counts);

/* The base seed: DWCONV1D_TEST_SEED (decimal or 0x-hex) or `fallback`. */
uint64_t test_seed(uint64_t fallback);

/* A size from the environment (e.g. DWCONV1D_TEST_CASES), or `fallback`. */
size_t test_env_size(const char *name, size_t fallback);

/* Monotonic seconds, for the timing lines. */
double test_now(void);

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64, reproducible across platforms.          */

typedef struct test_rng {
  uint64_t state;
} test_rng;

test_rng test_rng_make(uint64_t seed, uint64_t stream);
uint64_t test_rng_next(test_rng *r);
/* Uniform integer in [lo, hi] (inclusive). */
size_t test_rng_range(test_rng *r, size_t lo, size_t hi);
/* Uniform double in [lo, hi). */
double test_rng_uniform(test_rng *r, double lo, double hi);
void test_fill_uniform(test_rng *r, float *dst, size_t n, double lo, double hi);

/* ------------------------------------------------------------------ */
/* Names and descriptions for messages.                                */

const char *test_padding_name(dwconv1d_padding p);
const char *test_format_name(dwconv1d_data_format f);
/* A name for any ISA value, also outside the enum ("isa#7"). */
const char *test_isa_label(dwconv1d_isa isa);

/* Writes the full parameter set of a problem into buf. */
void test_describe_problem(char *buf, size_t size, const ref_problem *pr);

/* ------------------------------------------------------------------ */
/* Running the library and judging its output.                          */

/* Where a run went wrong or how close it came: the element with the
 * highest score (|got - value| as a fraction of the allowed distance). */
typedef struct test_verdict {
  bool ok;
  size_t failures;     /* elements outside their band */
  size_t worst_index;  /* flat index into the output */
  double worst_score;  /* <= 1 passes */
  float got;
  double value, lo, hi;
} test_verdict;

/* Scores `got` against the reference's value and acceptance band
 * (NaN and infinities must match in kind; see test_common.c). */
test_verdict test_judge(const float *got, const ref_expectation *ex);

/* Prints a FAIL line with seed, ISA, parameters and the worst element. */
void test_report_failure(const char *what, uint64_t seed, size_t case_index, dwconv1d_isa isa,
                         const ref_problem *pr, const ref_expectation *ex,
                         const test_verdict *v);

/* Forces `isa`, creates the layer from `pr`, checks dwconv1d_layer_isa
 * and dwconv1d_output_shape against the reference, runs forward into
 * `output` (ex->dims.count floats, or NULL for a private buffer with
 * canaries past its end) and judges it. Prints a FAIL line on failure. */
bool test_run_and_check(const ref_problem *pr, const ref_expectation *ex, dwconv1d_isa isa,
                        uint64_t seed, size_t case_index, float *output);

/* The worst score of the last test_run_and_check (INFINITY if it failed
 * before judging): how much of the tolerance the closest call used. */
double test_last_worst_score(void);

/* Runs `pr` on the current ISA into `output` without judging; returns
 * the status of the first failing call (create or forward). */
dwconv1d_status test_forward_once(const ref_problem *pr, float *output);

/* Does `haystack` contain `word` delimited by non-identifier characters? */
bool test_contains_word(const char *haystack, const char *word);

#endif /* DWCONV1D_TEST_COMMON_H */
