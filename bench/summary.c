/* Prints the summary table and the issue-7 targets, see summary.h. */
#include "summary.h"

#include <math.h>
#include <string.h>

enum { NAME_WIDTH = 20, CELL_WIDTH = 13 };

static const bench_cell *cell_at(const bench_summary *s, size_t shape, size_t kind) {
  return &s->cells[shape * s->kind_count + kind];
}

static bool timed(const bench_cell *cell) {
  return cell->status == BENCH_CELL_TIMED && cell->have_figures;
}

/* Shapes that targets judge: not the subnormal one (it times microcode
 * assists) nor the in-L2 slices (they only explain their shape's figure). */
static bool judged(const bench_shape *shape) {
  return bench_shape_input_scale(shape) == 1.0f && bench_shape_sliced_from(shape) == NULL;
}

/* The binding limit of a run: the larger of its two fractions is the one the
 * roofline min(peak, intensity × bandwidth) sets. */
static double limit_percent(const bench_cell *cell, char *which) {
  if (cell->peak_percent >= cell->bandwidth_percent) {
    *which = 'p';
    return cell->peak_percent;
  }
  *which = 'm';
  return cell->bandwidth_percent;
}

static void format_cell(const bench_cell *cell, bool best, char *text, size_t size) {
  switch (cell->status) {
    case BENCH_CELL_NOT_RUN: snprintf(text, size, "-"); return;
    case BENCH_CELL_WRONG: snprintf(text, size, "WRONG"); return;
    case BENCH_CELL_UNAVAILABLE: snprintf(text, size, "n/a"); return;
    case BENCH_CELL_FAILED: snprintf(text, size, "failed"); return;
    case BENCH_CELL_TIMED: break;
  }
  if (!cell->have_figures) {
    snprintf(text, size, "?");
    return;
  }
  char which = 'p';
  const double percent = limit_percent(cell, &which);
  snprintf(text, size, cell->gflops < 10.0 ? "%5.2f %3.0f%%%c%s" : "%5.1f %3.0f%%%c%s",
           cell->gflops, percent, which, best ? "<" : "");
}

static void print_table(FILE *out, const bench_summary *s) {
  fprintf(out, "%-*s", NAME_WIDTH, "shape");
  for (size_t k = 0; k < s->kind_count; k++) {
    char title[32];
    snprintf(title, sizeof title, "%s%s", s->kinds[k].title, k == s->auto_kind ? "*" : "");
    fprintf(out, " %*s", CELL_WIDTH, title);
  }
  fprintf(out, "\n");
  for (size_t i = 0; i < bench_shape_count; i++) {
    size_t best = s->kind_count;
    for (size_t k = 0; k < s->kind_count; k++) {
      const bench_cell *cell = cell_at(s, i, k);
      if (timed(cell) && (best == s->kind_count || cell->gflops > cell_at(s, i, best)->gflops)) {
        best = k;
      }
    }
    fprintf(out, "%-*s", NAME_WIDTH, bench_shapes[i].name);
    for (size_t k = 0; k < s->kind_count; k++) {
      char text[48];
      format_cell(cell_at(s, i, k), k == best, text, sizeof text);
      fprintf(out, " %*s", CELL_WIDTH, text);
    }
    fprintf(out, "\n");
  }
}

static void print_shapes(FILE *out) {
  fprintf(out, "\nShapes (B batch, T steps, C channels, K kernel, M depth_multiplier, s strides, "
               "d dilation; cl/cf channels_last/first):\n");
  for (size_t i = 0; i < bench_shape_count; i++) {
    char description[128];
    bench_shape_describe(&bench_shapes[i], description, sizeof description);
    fprintf(out, "  %-*s %-38s %s\n", NAME_WIDTH, bench_shapes[i].name, description,
            bench_shapes[i].source);
  }
}

/* Every cell that was not timed, with its reason: nothing fails quietly. */
static void print_problems(FILE *out, const bench_summary *s) {
  bool any = false;
  for (size_t i = 0; i < bench_shape_count; i++) {
    for (size_t k = 0; k < s->kind_count; k++) {
      const bench_cell *cell = cell_at(s, i, k);
      if (cell->status == BENCH_CELL_TIMED || cell->status == BENCH_CELL_NOT_RUN) continue;
      if (!any) fprintf(out, "\nNot timed:\n");
      any = true;
      fprintf(out, "  %s/%s: %s%s\n", bench_shapes[i].name, s->kinds[k].name,
              cell->status == BENCH_CELL_WRONG ? "WRONG RESULT, " : "", cell->note);
    }
  }
}

/* Index of the fastest timed peer of shape i, or kind_count. */
static size_t best_peer(const bench_summary *s, size_t i) {
  size_t best = s->kind_count;
  for (size_t k = 0; k < s->kind_count; k++) {
    const bench_cell *cell = cell_at(s, i, k);
    if (!s->kinds[k].is_peer || !timed(cell)) continue;
    if (best == s->kind_count || cell->gflops > cell_at(s, i, best)->gflops) best = k;
  }
  return best;
}

typedef struct tally {
  int met, total;
} tally;

/* The auto path against the best peer, over the judged shapes: all of them,
 * and apart the shapes whose best peer already runs at CAPPED_PERCENT or
 * more of its binding limit, which no path can pass by more than
 * 100 / that percent (the ceiling). */
enum { CAPPED_PERCENT = 90 };
typedef struct peer_ratios {
  double log_sum;
  int count;
  double capped_log_ceiling, capped_min_ceiling, capped_max_ceiling;
  int capped;
  double others_log_sum;
  int others;
} peer_ratios;

static const char *judge(tally *t, bool met) {
  t->total++;
  t->met += met;
  return met ? "ok" : "MISS";
}

/* Under a memory-bound shape's row, if it has an in-L2 slice: the fraction
 * of the copy bandwidth the shape would reach at the rate the same layer
 * computes at with its data in L2. Below the target, compute binds, not
 * memory. */
static void print_in_l2_bound(FILE *out, const bench_summary *s, size_t i) {
  const bench_shape *slice = bench_shape_in_l2_slice(&bench_shapes[i]);
  if (slice == NULL) return;
  const bench_cell *mine = cell_at(s, i, s->auto_kind);
  const bench_cell *fast = cell_at(s, (size_t)(slice - bench_shapes), s->auto_kind);
  if (!timed(fast) || mine->gflops <= 0.0) return;
  if (s->footprint_bytes[slice - bench_shapes] > (double)s->l2_bytes) {
    fprintf(out, "%-*s   %s does not fit this machine's L2: no compute rate to compare\n",
            NAME_WIDTH, "", slice->name);
    return;
  }
  const double bound = mine->bandwidth_percent * fast->gflops / mine->gflops;
  fprintf(out, "%-*s   at its in-L2 rate (%s, %.1f GFLOP/s): %.0f%% of copy, %s\n", NAME_WIDTH,
          "", slice->name, fast->gflops, bound,
          bound < 85.0 ? "so compute binds, not memory" : "so memory binds");
}

/* Under a memory-bound shape's row, where it applies: the fraction of the
 * copy bandwidth the shape would reach at its path's FMA peak (its bw% over
 * its peak%). Below the target the arithmetic itself cannot keep up with
 * the copy on this core, however fast the kernel (AMD Zen 4: vocos, 70 %). */
static void print_peak_bound(FILE *out, const bench_cell *mine) {
  if (mine->peak_percent <= 0.0) return;
  const double bound = 100.0 * mine->bandwidth_percent / mine->peak_percent;
  if (bound >= 85.0) return;
  fprintf(out, "%-*s   at the FMA peak: %.0f%% of copy, so the peak binds, not memory\n",
          NAME_WIDTH, "", bound);
}

/* Counts shape i's ratio to its best peer, whose run is at peer_percent
 * of the limit that binds. */
static void add_peer_ratio(peer_ratios *r, double ratio, double peer_percent) {
  r->log_sum += log(ratio);
  r->count++;
  if (peer_percent >= CAPPED_PERCENT) {
    const double ceiling = peer_percent < 100.0 ? 100.0 / peer_percent : 1.0;
    r->capped_log_ceiling += log(ceiling);
    r->capped_min_ceiling = r->capped == 0 || ceiling < r->capped_min_ceiling
                                ? ceiling : r->capped_min_ceiling;
    r->capped_max_ceiling = r->capped == 0 || ceiling > r->capped_max_ceiling
                                ? ceiling : r->capped_max_ceiling;
    r->capped++;
  } else {
    r->others_log_sum += log(ratio);
    r->others++;
  }
}

/* One row of the targets table for the auto path on shape i. */
static void print_target_row(FILE *out, const bench_summary *s, size_t i, tally *t,
                             peer_ratios *ratios) {
  const bench_shape *shape = &bench_shapes[i];
  const bench_cell *mine = cell_at(s, i, s->auto_kind);
  fprintf(out, "%-*s", NAME_WIDTH, shape->name);
  if (!timed(mine)) {
    fprintf(out, " (auto path not timed)\n");
    return;
  }
  if (bench_shape_input_scale(shape) != 1.0f) {
    fprintf(out, " not a target: subnormal inputs time the CPU's microcode assists (issue 8)\n");
    return;
  }
  const bench_shape *sliced_from = bench_shape_sliced_from(shape);
  if (sliced_from != NULL) {
    fprintf(out, " not a target: %s's compute rate, data in L2\n", sliced_from->name);
    return;
  }
  /* Issue 7's two classes: data in cache with K >= 16, and K <= 8 on data
   * larger than L2. Other shapes have no fraction-of-limit target. */
  const size_t K = shape->params.kernel_size;
  const double footprint = s->footprint_bytes[i];
  char column[64] = "-";
  if (K >= 16) {
    snprintf(column, sizeof column, "%3.0f%% of peak %s", mine->peak_percent,
             judge(t, mine->peak_percent >= 90.0));
  } else if (K <= 8 && footprint > (double)s->l2_bytes) {
    snprintf(column, sizeof column, "%3.0f%% of copy %s", mine->bandwidth_percent,
             judge(t, mine->bandwidth_percent >= 85.0));
  }
  fprintf(out, " %-20s", column);

  const size_t peer = best_peer(s, i);
  if (peer < s->kind_count) {
    const bench_cell *theirs = cell_at(s, i, peer);
    const double ratio = mine->gflops / theirs->gflops;
    char which;
    add_peer_ratio(ratios, ratio, limit_percent(theirs, &which));
    snprintf(column, sizeof column, "%5.2fx %s %s", ratio, s->kinds[peer].title,
             judge(t, ratio >= 1.0));
  } else {
    snprintf(column, sizeof column, "-");
  }
  fprintf(out, " %-24s", column);

  snprintf(column, sizeof column, "-");
  const bench_shape *base = shape->baseline[0] ? bench_shape_find(shape->baseline) : NULL;
  if (base != NULL) {
    const bench_cell *other = cell_at(s, (size_t)(base - bench_shapes), s->auto_kind);
    if (timed(other)) {
      const double ratio = mine->gflops / other->gflops;
      snprintf(column, sizeof column, "%5.2fx %s %s", ratio, base->name, judge(t, ratio >= 0.8));
    }
  }
  fprintf(out, " %s\n", column);
  if (K <= 8 && footprint > (double)s->l2_bytes) {
    print_peak_bound(out, mine);
    print_in_l2_bound(out, s, i);
  }
}

/* Path `numerator` against path `denominator` over all shapes: the worst
 * ratio, judged against `target` when target > 0. */
static void print_isa_ratio(FILE *out, const bench_summary *s, dwconv1d_isa numerator,
                            dwconv1d_isa denominator, double target, const char *why_no_target,
                            tally *t) {
  size_t kn = s->kind_count, kd = s->kind_count;
  for (size_t k = 0; k < s->kind_count; k++) {
    /* Paths at the run's thread count only, not the single-thread copy. */
    if (s->kinds[k].is_peer || (int)s->kinds[k].threads != s->threads) continue;
    if (s->kinds[k].isa == numerator) kn = k;
    if (s->kinds[k].isa == denominator) kd = k;
  }
  if (kn == s->kind_count || kd == s->kind_count) return;
  double worst = INFINITY;
  size_t worst_shape = 0;
  for (size_t i = 0; i < bench_shape_count; i++) {
    const bench_cell *a = cell_at(s, i, kn), *b = cell_at(s, i, kd);
    if (!timed(a) || !timed(b) || !judged(&bench_shapes[i])) continue;
    const double ratio = a->gflops / b->gflops;
    if (ratio < worst) {
      worst = ratio;
      worst_shape = i;
    }
  }
  if (isinf(worst)) return;
  fprintf(out, "%s vs %s: worst %.2fx (%s)", s->kinds[kn].name, s->kinds[kd].name, worst,
          bench_shapes[worst_shape].name);
  if (target > 0.0) {
    fprintf(out, ", target >= %.1fx %s\n", target, judge(t, worst >= target));
  } else {
    fprintf(out, ", no target: %s\n", why_no_target);
  }
}

/* What 1.5x overall asks of the shapes whose best peer leaves room: with
 * the capped shapes at their ceilings, the geometric mean the others need. */
static void print_geomean_ceiling(FILE *out, const peer_ratios *r) {
  if (r->capped == 0 || r->others == 0) return;
  const double need = exp((r->count * log(1.5) - r->capped_log_ceiling) / r->others);
  fprintf(out,
          "  on %d shapes the best peer runs at >= %d%% of the limit that binds, so no path "
          "passes it there\n  by more than %.2f-%.2fx; at those ceilings the other %d shapes "
          "would need %.2fx for 1.5x overall\n  (they are at %.2fx)\n",
          r->capped, CAPPED_PERCENT, r->capped_min_ceiling, r->capped_max_ceiling, r->others,
          need, exp(r->others_log_sum / r->others));
}

static void print_targets(FILE *out, const bench_summary *s) {
  if (s->auto_kind >= s->kind_count) {
    fprintf(out, "\nIssue 7 targets: not checked (the auto path is unknown).\n");
    return;
  }
  fprintf(out, "\nIssue 7 targets for the auto path (%s), %d thread%s, this run:\n",
          s->kinds[s->auto_kind].name, s->threads, s->threads == 1 ? "" : "s");
  fprintf(out, "%-*s %-20s %-24s %s\n", NAME_WIDTH, "shape", "limit (90/85 %)",
          "vs best peer (>= 1x)", "vs baseline (>= 0.8x)");
  tally t = {0, 0};
  peer_ratios ratios = {0};
  for (size_t i = 0; i < bench_shape_count; i++) {
    print_target_row(out, s, i, &t, &ratios);
  }
  if (ratios.count > 0) {
    const double geomean = exp(ratios.log_sum / ratios.count);
    fprintf(out, "geometric mean vs best peer over %d shapes: %.2fx, target >= 1.5x %s\n",
            ratios.count, geomean, judge(&t, geomean >= 1.5));
    if (geomean < 1.5) print_geomean_ceiling(out, &ratios);
  }
  const double *peak = s->limits->peak_flops;
  if (peak[DWCONV1D_ISA_AVX2] > 0.0 && peak[DWCONV1D_ISA_AVX512] > 0.0) {
    const bool same_width = peak[DWCONV1D_ISA_AVX512] < 1.25 * peak[DWCONV1D_ISA_AVX2];
    char why[96];
    snprintf(why, sizeof why, "this core's AVX-512 FMA peak is %.2fx its AVX2 peak",
             peak[DWCONV1D_ISA_AVX512] / peak[DWCONV1D_ISA_AVX2]);
    print_isa_ratio(out, s, DWCONV1D_ISA_AVX2, DWCONV1D_ISA_AVX512, same_width ? 0.9 : 0.0, why,
                    &t);
  }
  /* "Well ahead of scalar" read as at least twice as fast. */
  print_isa_ratio(out, s, DWCONV1D_ISA_SSE4, DWCONV1D_ISA_SCALAR, 2.0, "", &t);
  print_isa_ratio(out, s, DWCONV1D_ISA_NEON, DWCONV1D_ISA_SCALAR, 2.0, "", &t);
  fprintf(out, "targets met: %d of %d\n", t.met, t.total);
}

/* With --threads=N: the auto path on N threads against itself on 1 thread,
 * both timed in this run by wall clock. */
static void print_thread_speedup(FILE *out, const bench_summary *s) {
  if (s->threads <= 1 || s->auto_kind >= s->kind_count) return;
  size_t single = s->kind_count;
  for (size_t k = 0; k < s->kind_count; k++) {
    if (!s->kinds[k].is_peer && s->kinds[k].threads == 1 &&
        s->kinds[k].isa == s->kinds[s->auto_kind].isa) {
      single = k;
    }
  }
  if (single == s->kind_count) return;
  fprintf(out, "\nThreads: the auto path (%s) on %d threads vs 1 thread, wall clock, this run:\n",
          s->kinds[s->auto_kind].name, s->threads);
  fprintf(out, "%-*s %10s %12s %12s %9s\n", NAME_WIDTH, "shape", "MiB", "1t GFLOP/s",
          "Nt GFLOP/s", "speed-up");
  for (size_t i = 0; i < bench_shape_count; i++) {
    const bench_cell *one = cell_at(s, i, single), *many = cell_at(s, i, s->auto_kind);
    if (!timed(one) || !timed(many)) continue;
    fprintf(out, "%-*s %10.1f %12.2f %12.2f %8.2fx\n", NAME_WIDTH, bench_shapes[i].name,
            s->footprint_bytes[i] / (1024.0 * 1024.0), one->gflops, many->gflops,
            many->gflops / one->gflops);
  }
}

void bench_summary_print(FILE *out, const bench_summary *s) {
  if (s->preamble != NULL) fputs(s->preamble, out);
  fprintf(out, "\nGFLOP/s, then the %% of the limit that binds: p = FMA peak of the path's ISA "
               "(peers: of the fastest ISA),\nm = warm memcpy of the same bytes; '<' marks the "
               "fastest of the row; * the path auto picks.\n\n");
  print_table(out, s);
  print_problems(out, s);
  print_shapes(out);
  print_targets(out, s);
  print_thread_speedup(out, s);
}
