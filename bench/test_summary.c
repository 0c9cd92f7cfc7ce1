/* Checks the summary's judgement of the in-L2 slices on made-up figures:
 * under a memory-bound shape the line with the fraction of the copy
 * bandwidth its slice's rate allows (or why there is none), the slices'
 * own rows judged by no target, and the path-against-path ratios ignoring
 * them. Then the line under a geometric mean short of 1.5x: the shapes
 * whose best peer runs near its limit, their ceilings, and what the others
 * would need. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

static int failures;

static void expect(bool condition, const char *what, const char *text) {
  if (condition) return;
  failures++;
  fprintf(stderr, "FAIL: %s\n--- summary ---\n%s\n", what, text);
}

enum { KIND_SCALAR, KIND_SSE4, KIND_AUTO, KIND_PEER, KINDS };

static const bench_runner_kind kinds[KINDS] = {
    [KIND_SCALAR] = {.name = "scalar", .title = "scalar", .isa = DWCONV1D_ISA_SCALAR, .threads = 1},
    [KIND_SSE4] = {.name = "sse4", .title = "sse4", .isa = DWCONV1D_ISA_SSE4, .threads = 1},
    [KIND_AUTO] = {.name = "avx512", .title = "avx512", .isa = DWCONV1D_ISA_AVX512, .threads = 1},
    [KIND_PEER] = {.name = "peer", .title = "peer", .is_peer = true, .threads = 1},
};

static bench_cell cells[64 * KINDS];
static double footprints[64];

static size_t index_of(const char *name) {
  const bench_shape *shape = bench_shape_find(name);
  if (shape == NULL) {
    fprintf(stderr, "FAIL: no shape %s in the table\n", name);
    exit(1);
  }
  return (size_t)(shape - bench_shapes);
}

static bench_cell *cell(const char *shape, size_t kind) {
  return &cells[index_of(shape) * KINDS + kind];
}

/* Every shape timed on every kind: 10 GFLOP/s, 50 % of everything, 4 MiB;
 * sse4 at 3x scalar everywhere. */
static void fill_defaults(void) {
  for (size_t i = 0; i < bench_shape_count; i++) {
    footprints[i] = 4.0 * 1024 * 1024;
    for (size_t k = 0; k < KINDS; k++) {
      bench_cell *c = &cells[i * KINDS + k];
      *c = (bench_cell){.status = BENCH_CELL_TIMED, .have_figures = true, .gflops = 10.0,
                        .peak_percent = 50.0, .bandwidth_percent = 50.0};
      if (k == KIND_SCALAR) c->gflops = 10.0 / 3.0;
    }
  }
}

/* The summary printed into a string (the caller frees it). */
static char *print_summary(size_t l2_bytes) {
  static const bench_limits limits = {.peak_flops = {0}};
  const bench_summary summary = {.limits = &limits, .kinds = kinds, .kind_count = KINDS,
                                 .auto_kind = KIND_AUTO, .cells = cells,
                                 .footprint_bytes = footprints, .l2_bytes = l2_bytes,
                                 .threads = 1};
  FILE *out = tmpfile();
  if (out == NULL) {
    perror("tmpfile");
    exit(1);
  }
  bench_summary_print(out, &summary);
  const long size = ftell(out);
  rewind(out);
  char *text = calloc((size_t)size + 1, 1);
  if (text == NULL || fread(text, 1, (size_t)size, out) != (size_t)size) {
    fprintf(stderr, "FAIL: cannot read the summary back\n");
    exit(1);
  }
  fclose(out);
  return text;
}

/* The line of the targets table that follows the one starting with `shape `. */
static const char *line_after_row(const char *text, const char *shape) {
  const char *targets = strstr(text, "Issue 7 targets");
  char row[64];
  snprintf(row, sizeof row, "\n%s ", shape);
  const char *at = targets != NULL ? strstr(targets, row) : NULL;
  if (at == NULL) return "";
  const char *next = strchr(at + 1, '\n');
  return next != NULL ? next + 1 : "";
}

static bool line_has(const char *line, const char *what) {
  const char *end = strchr(line, '\n');
  const char *hit = strstr(line, what);
  return hit != NULL && (end == NULL || hit < end);
}

/* The number after `label` in text, or NAN. */
static double number_after(const char *text, const char *label) {
  const char *at = strstr(text, label);
  return at != NULL ? strtod(at + strlen(label), NULL) : NAN;
}

static void check_geomean_ceiling(void) {
  fill_defaults(); /* every ratio 1x: the geometric mean 1x */
  /* Best peers at 95 % and exactly 90 % of copy (ceilings 1.05x, 1.11x),
   * one at 89 % (not capped). */
  cell("vocos", KIND_PEER)->bandwidth_percent = 95.0;
  cell("mobilenet", KIND_PEER)->bandwidth_percent = 90.0;
  cell("strides2", KIND_PEER)->bandwidth_percent = 89.0;
  cell("quartznet_b1", KIND_AUTO)->gflops = 20.0; /* one of the others at 2x */
  char *text = print_summary(2u << 20);
  const char *line = strstr(text, "geometric mean vs best peer over ");
  expect(line != NULL && line_has(strchr(line, '\n') + 1, "on 2 shapes the best peer runs at >= 90%"),
         "two shapes capped: 95 % and exactly 90 %, not 89 %", text);
  expect(strstr(text, "by more than 1.05-1.11x") != NULL, "their ceilings 100/95, 100/90", text);
  const double shapes = number_after(text, "geometric mean vs best peer over ");
  const double others = number_after(text, "at those ceilings the other ");
  const double need = number_after(text, "shapes would need ");
  expect(others == shapes - 2, "the others are the shapes not capped", text);
  /* 1.5^shapes = (100/95) (100/90) need^others, to the two decimals printed */
  const double implied = exp((shapes * log(1.5) - log(100.0 / 95.0) - log(100.0 / 90.0)) / others);
  expect(fabs(need - implied) < 0.006, "what the others need", text);
  const double are_at = number_after(text, "(they are at ");
  expect(fabs(are_at - exp(log(2.0) / others)) < 0.006, "the others' own geometric mean", text);
  free(text);

  for (size_t i = 0; i < bench_shape_count; i++) /* every ratio 2x: the target met */
    cells[i * KINDS + KIND_AUTO].gflops = 20.0;
  text = print_summary(2u << 20);
  expect(strstr(text, "so no path passes it") == NULL, "no ceiling line once 1.5x is met", text);
  free(text);
}

int main(void) {
  fill_defaults();
  /* mamba_1536: 60 % of copy at 18 GFLOP/s, its slice 20: 60 * 20 / 18 = 67 %. */
  cell("mamba_1536", KIND_AUTO)->gflops = 18.0;
  cell("mamba_1536", KIND_AUTO)->bandwidth_percent = 60.0;
  footprints[index_of("mamba_1536_in_l2")] = 0.75 * 1024 * 1024;
  cell("mamba_1536_in_l2", KIND_AUTO)->gflops = 20.0;
  /* mamba_5120: 60 % at 10 GFLOP/s, its slice 15: 90 %, memory binds. */
  cell("mamba_5120", KIND_AUTO)->bandwidth_percent = 60.0;
  footprints[index_of("mamba_5120_in_l2")] = 1.25 * 1024 * 1024;
  cell("mamba_5120_in_l2", KIND_AUTO)->gflops = 15.0;
  /* A slice that would be the worst sse4-against-scalar ratio if it counted. */
  cell("mamba_1536_cf_in_l2", KIND_SCALAR)->gflops = 10.0;

  char *text = print_summary(2u << 20);
  const char *under = line_after_row(text, "mamba_1536");
  expect(line_has(under, "at its in-L2 rate (mamba_1536_in_l2, 20.0 GFLOP/s): 67% of copy"),
         "mamba_1536 is followed by its slice's bound, 67 %", text);
  expect(line_has(under, "compute binds"), "67 % is below 85 %: compute binds", text);
  under = line_after_row(text, "mamba_5120");
  expect(line_has(under, "90% of copy") && line_has(under, "memory binds"),
         "mamba_5120's slice allows 90 %: memory binds", text);
  expect(!line_has(line_after_row(text, "vocos"), "in-L2"),
         "a shape without a slice gets no bound line", text);
  const char *slice_row = strstr(text, "\nmamba_1536_in_l2 ");
  slice_row = slice_row != NULL ? strstr(slice_row + 1, "\nmamba_1536_in_l2 ") : NULL;
  expect(slice_row != NULL && line_has(slice_row + 1, "not a target: mamba_1536's compute rate"),
         "the slice's own target row judges nothing", text);
  expect(strstr(text, "worst 3.00x") != NULL && strstr(text, "(mamba_1536_cf_in_l2)") == NULL,
         "the path ratios leave the slices out", text);
  free(text);

  /* An L2 smaller than the slice: no bound, and the line says why. */
  text = print_summary(1u << 20);
  under = line_after_row(text, "mamba_5120");
  expect(line_has(under, "mamba_5120_in_l2 does not fit this machine's L2"),
         "a slice larger than L2 gives no bound", text);
  expect(line_has(line_after_row(text, "mamba_1536"), "67% of copy"),
         "a slice that fits still does", text);
  free(text);

  /* vocos at 45 % of copy and 64 % of its peak: at the peak, 70 % of copy. */
  fill_defaults();
  cell("vocos", KIND_AUTO)->bandwidth_percent = 45.0;
  cell("vocos", KIND_AUTO)->peak_percent = 64.0;
  cell("strides2", KIND_AUTO)->bandwidth_percent = 55.0; /* 55 / 64: 86 %, no line */
  cell("strides2", KIND_AUTO)->peak_percent = 64.0;
  text = print_summary(2u << 20);
  expect(line_has(line_after_row(text, "vocos"), "at the FMA peak: 70% of copy, so the peak binds"),
         "vocos is followed by the copy fraction its peak allows, 70 %", text);
  expect(!line_has(line_after_row(text, "strides2"), "at the FMA peak"),
         "no such line where the peak allows 85 % or more (86 %)", text);
  expect(!line_has(line_after_row(text, "quartznet_b1"), "at the FMA peak"),
         "no such line under a compute-bound shape", text);
  free(text);

  check_geomean_ceiling();

  if (failures == 0)
    printf("summary: in-L2 slices, the peak's bound and the geomean's ceiling as documented\n");
  return failures == 0 ? 0 : 1;
}
