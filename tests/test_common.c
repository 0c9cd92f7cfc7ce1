/* Shared helpers of the C test suite (see test_common.h). */
#define _POSIX_C_SOURCE 200809L

#include "test_common.h"

#include <ctype.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool test_count(test_counts *counts, bool ok) {
  if (ok)
    counts->passed++;
  else
    counts->failed++;
  return ok;
}

int test_summary(const char *test_name, const test_counts *counts) {
  printf("%s: %lu passed, %lu failed", test_name, counts->passed, counts->failed);
  if (counts->skipped) printf(", %lu skipped", counts->skipped);
  printf("\n");
  fflush(stdout);
  return counts->failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

uint64_t test_seed(uint64_t fallback) {
  const char *text = getenv("DWCONV1D_TEST_SEED");
  uint64_t seed = fallback;
  if (text != NULL && *text != '\0') seed = (uint64_t)strtoull(text, NULL, 0);
  printf("seed 0x%016" PRIx64 " (set DWCONV1D_TEST_SEED to reproduce or vary)\n", seed);
  return seed;
}

size_t test_env_size(const char *name, size_t fallback) {
  const char *text = getenv(name);
  if (text == NULL || *text == '\0') return fallback;
  return (size_t)strtoull(text, NULL, 0);
}

double test_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */

test_rng test_rng_make(uint64_t seed, uint64_t stream) {
  test_rng r = {seed ^ (stream * 0xD1B54A32D192ED03u)};
  (void)test_rng_next(&r);
  return r;
}

uint64_t test_rng_next(test_rng *r) {
  uint64_t z = (r->state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

size_t test_rng_range(test_rng *r, size_t lo, size_t hi) {
  const uint64_t span = (uint64_t)(hi - lo) + 1;
  if (span == 0) return (size_t)test_rng_next(r); /* the whole range */
  return lo + (size_t)(test_rng_next(r) % span);
}

double test_rng_uniform(test_rng *r, double lo, double hi) {
  const double unit = (double)(test_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
  return lo + (hi - lo) * unit;
}

void test_fill_uniform(test_rng *r, float *dst, size_t n, double lo, double hi) {
  for (size_t i = 0; i < n; ++i) dst[i] = (float)test_rng_uniform(r, lo, hi);
}

/* ------------------------------------------------------------------ */

const char *test_padding_name(dwconv1d_padding p) {
  switch (p) {
  case DWCONV1D_PADDING_VALID: return "valid";
  case DWCONV1D_PADDING_SAME: return "same";
  case DWCONV1D_PADDING_CAUSAL: return "causal";
  }
  return "padding?";
}

const char *test_format_name(dwconv1d_data_format f) {
  switch (f) {
  case DWCONV1D_CHANNELS_LAST: return "channels_last";
  case DWCONV1D_CHANNELS_FIRST: return "channels_first";
  }
  return "data_format?";
}

const char *test_isa_label(dwconv1d_isa isa) {
  static const char *const names[] = {"scalar", "sse4", "avx2", "avx512", "neon"};
  if ((unsigned)isa <= (unsigned)TEST_ISA_LAST) return names[isa];
  return "isa?";
}

void test_describe_problem(char *buf, size_t size, const ref_problem *pr) {
  const dwconv1d_params *p = &pr->params;
  const char *act = dwconv1d_activation_name(p->activation);
  snprintf(buf, size,
           "kernel_size=%zu strides=%zu dilation_rate=%zu padding=%s depth_multiplier=%zu "
           "data_format=%s activation=%s use_bias=%d batch=%zu channels=%zu steps=%zu",
           p->kernel_size, p->strides, p->dilation_rate, test_padding_name(p->padding),
           p->depth_multiplier, test_format_name(p->data_format), act ? act : "?",
           (int)p->use_bias, pr->batch, pr->channels, pr->steps);
}

/* ------------------------------------------------------------------ */

/* How much of the allowed distance `got` uses: 0 exact, <= 1 passes.
 * NaN must meet NaN; an infinite reference value must be met exactly; a
 * float infinity passes only where the band reaches past FLT_MAX (a finite
 * double result that float32 cannot hold). */
static double element_score(float got, double value, double lo, double hi) {
  const double g = got;
  if (isnan(value)) return isnan(g) ? 0.0 : INFINITY;
  if (isnan(g)) return INFINITY;
  if (isinf(value)) return g == value ? 0.0 : INFINITY;
  if (isinf(g)) return (g > 0 ? hi >= FLT_MAX : lo <= -FLT_MAX) ? 0.0 : INFINITY;
  if (g == value) return 0.0;
  const double room = g > value ? hi - value : value - lo;
  return room > 0 ? fabs(g - value) / room : INFINITY;
}

test_verdict test_judge(const float *got, const ref_expectation *ex) {
  test_verdict v;
  memset(&v, 0, sizeof v);
  v.worst_score = -1.0;
  for (size_t i = 0; i < ex->dims.count; ++i) {
    const double score = element_score(got[i], ex->value[i], ex->lo[i], ex->hi[i]);
    if (!(score <= 1.0)) v.failures++;
    if (score > v.worst_score || (isnan(score) && !isnan(v.worst_score))) {
      v.worst_score = score;
      v.worst_index = i;
    }
  }
  if (ex->dims.count > 0) {
    v.got = got[v.worst_index];
    v.value = ex->value[v.worst_index];
    v.lo = ex->lo[v.worst_index];
    v.hi = ex->hi[v.worst_index];
  }
  v.ok = v.failures == 0;
  return v;
}

void test_report_failure(const char *what, uint64_t seed, size_t case_index, dwconv1d_isa isa,
                         const ref_problem *pr, const ref_expectation *ex,
                         const test_verdict *v) {
  enum { print_limit = 25 };
  static unsigned long reports; /* tests run single-threaded */
  if (++reports > print_limit) {
    if (reports == print_limit + 1) printf("(further failures not shown)\n");
    return;
  }
  char params[512];
  test_describe_problem(params, sizeof params, pr);
  printf("FAIL %s: seed=0x%016" PRIx64 " case=%zu isa=%s %s\n", what, seed, case_index,
         test_isa_label(isa), params);
  if (v == NULL || ex == NULL) return;
  const size_t *s = ex->dims.shape;
  const size_t i = v->worst_index;
  const size_t i2 = s[2] ? i % s[2] : 0, i1 = (s[1] && s[2]) ? (i / s[2]) % s[1] : 0;
  const size_t i0 = (s[1] && s[2]) ? i / (s[1] * s[2]) : 0;
  printf("  %zu of %zu elements outside their band; worst [%zu,%zu,%zu] (flat %zu) of shape "
         "(%zu,%zu,%zu): got %.9g, expected %.9g, allowed [%.9g, %.9g] "
         "(tolerance -%.3g/+%.3g, score %.3g)\n",
         v->failures, ex->dims.count, i0, i1, i2, i, s[0], s[1], s[2], (double)v->got, v->value,
         v->lo, v->hi, v->value - v->lo, v->hi - v->value, v->worst_score);
}

/* ------------------------------------------------------------------ */

enum { canary_floats = 16 };

static bool canaries_intact(const float *buffer, size_t count) {
  const unsigned char *tail = (const unsigned char *)(buffer + count);
  for (size_t i = 0; i < canary_floats * sizeof(float); ++i)
    if (tail[i] != 0xFF) return false;
  return true;
}

static bool check_shapes(const ref_problem *pr, const ref_expectation *ex, char *why,
                         size_t why_size) {
  size_t shape[3] = {0, 0, 0}, out_steps = 0;
  dwconv1d_status st =
      dwconv1d_output_shape(&pr->params, pr->batch, pr->channels, pr->steps, shape);
  if (st != DWCONV1D_OK) {
    snprintf(why, why_size, "dwconv1d_output_shape: %s (%s)", dwconv1d_status_string(st),
             dwconv1d_last_error());
    return false;
  }
  if (memcmp(shape, ex->dims.shape, sizeof shape) != 0) {
    snprintf(why, why_size, "dwconv1d_output_shape gave (%zu,%zu,%zu), expected (%zu,%zu,%zu)",
             shape[0], shape[1], shape[2], ex->dims.shape[0], ex->dims.shape[1],
             ex->dims.shape[2]);
    return false;
  }
  st = dwconv1d_output_steps(&pr->params, pr->steps, &out_steps);
  if (st != DWCONV1D_OK || out_steps != ex->dims.out_steps) {
    snprintf(why, why_size, "dwconv1d_output_steps gave %s, %zu; expected %zu",
             dwconv1d_status_string(st), out_steps, ex->dims.out_steps);
    return false;
  }
  return true;
}

static double last_worst_score;

double test_last_worst_score(void) { return last_worst_score; }

bool test_run_and_check(const ref_problem *pr, const ref_expectation *ex, dwconv1d_isa isa,
                        uint64_t seed, size_t case_index, float *output) {
  char why[512] = "";
  dwconv1d_layer *layer = NULL;
  float *own = NULL;
  bool ok = false;
  last_worst_score = INFINITY;
  dwconv1d_status st = dwconv1d_set_isa(isa);
  if (st != DWCONV1D_OK) {
    snprintf(why, sizeof why, "dwconv1d_set_isa: %s (%s)", dwconv1d_status_string(st),
             dwconv1d_last_error());
    goto done;
  }
  if (!check_shapes(pr, ex, why, sizeof why)) goto done;
  st = dwconv1d_layer_create(&pr->params, pr->channels, pr->kernel, pr->bias, &layer);
  if (st != DWCONV1D_OK) {
    snprintf(why, sizeof why, "dwconv1d_layer_create: %s (%s)", dwconv1d_status_string(st),
             dwconv1d_last_error());
    goto done;
  }
  if (dwconv1d_layer_isa(layer) != isa) {
    snprintf(why, sizeof why, "dwconv1d_layer_isa says %s",
             test_isa_label(dwconv1d_layer_isa(layer)));
    goto done;
  }
  if (output == NULL) {
    /* All-ones bytes are a NaN: an element left unwritten fails the judge. */
    own = malloc((ex->dims.count + canary_floats) * sizeof(float));
    if (own == NULL) {
      snprintf(why, sizeof why, "out of memory in the test");
      goto done;
    }
    memset(own, 0xFF, (ex->dims.count + canary_floats) * sizeof(float));
    output = own;
  }
  st = dwconv1d_layer_forward(layer, pr->batch, pr->steps, pr->input, output);
  if (st != DWCONV1D_OK) {
    snprintf(why, sizeof why, "dwconv1d_layer_forward: %s (%s)", dwconv1d_status_string(st),
             dwconv1d_last_error());
    goto done;
  }
  if (own != NULL && !canaries_intact(own, ex->dims.count)) {
    snprintf(why, sizeof why, "forward wrote past the end of the output");
    goto done;
  }
  {
    const test_verdict v = test_judge(output, ex);
    last_worst_score = v.worst_score;
    ok = v.ok;
    if (!ok) test_report_failure("values", seed, case_index, isa, pr, ex, &v);
  }
done:
  if (why[0] != '\0') {
    test_report_failure(why, seed, case_index, isa, pr, NULL, NULL);
    ok = false;
  }
  dwconv1d_layer_destroy(layer);
  free(own);
  return ok;
}

dwconv1d_status test_forward_once(const ref_problem *pr, float *output) {
  dwconv1d_layer *layer = NULL;
  dwconv1d_status st =
      dwconv1d_layer_create(&pr->params, pr->channels, pr->kernel, pr->bias, &layer);
  if (st != DWCONV1D_OK) return st;
  st = dwconv1d_layer_forward(layer, pr->batch, pr->steps, pr->input, output);
  dwconv1d_layer_destroy(layer);
  return st;
}

static bool identifier_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

bool test_contains_word(const char *haystack, const char *word) {
  if (haystack == NULL || word == NULL || *word == '\0') return false;
  const size_t n = strlen(word);
  for (const char *at = strstr(haystack, word); at != NULL; at = strstr(at + 1, word)) {
    const bool starts = at == haystack || !identifier_char(at[-1]);
    const bool ends = !identifier_char(at[n]);
    if (starts && ends) return true;
  }
  return false;
}
