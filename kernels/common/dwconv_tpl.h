/* The depthwise convolution, written once over the vector layer.
 * Each ISA's kernels/<isa>/dwconv_<isa>.c includes its vec_<isa>.h (which
 * defines vfloat, VLEN, UNROLL_T, ISA_SUFFIX, ISA_ENUM and the operations)
 * and then this file, which defines that ISA's struct dwconv1d_kernels.
 *
 * Every output starts from its bias and accumulates its taps in the same
 * order, j = 0 .. K-1: border steps load a zero vector for the taps that
 * fall in the padding (0 * w keeps IEEE semantics for Inf/NaN weights, as
 * Keras's explicit padding does), so an output is bit-identical whether it
 * is computed by the blocked interior loop or the border loop. Starting
 * from the bias, as XNNPACK's kernels do, spares an addition per output
 * vector, which the shuffle-bound channels_first rows paid for (AMD Zen 4,
 * same, against adding it last: AVX-512 T938 C512 K7 103.7 -> 100.3 us,
 * T4096 C256 K7 stride 2 137.2 -> 128.3; SSE4.1 that 377 -> 298; the
 * channels_last kernels even). With a zero bias the bits are the same. */
#ifndef DWCONV1D_DWCONV_TPL_H
#define DWCONV1D_DWCONV_TPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "activation_tpl.h"
#include "kernel.h"
#include "vrows.h"

/* Full unrolling of a loop whose trip count is a constant once inlined, so
 * that the array indices in it (sums, window slots, weights) become
 * register names. gcc and clang spell the pragma differently; without it
 * clang keeps those arrays on the stack. Sanitized builds (meson's
 * b_sanitize, the fuzzer's copy) define DWCONV1D_NO_FULL_UNROLL: the same
 * arithmetic and accesses, instrumented in a third of the time. */
#if defined(DWCONV1D_NO_FULL_UNROLL)
#define UNROLL_FULL
#elif defined(__clang__)
#define UNROLL_FULL _Pragma("clang loop unroll(full)")
#else
#define UNROLL_FULL _Pragma("GCC unroll 32")
#endif

/* A long block's chunks of VLEN taps (3 at most), for a constant K. */
#if defined(DWCONV1D_NO_FULL_UNROLL)
#define UNROLL_CHUNKS
#elif defined(__clang__)
#define UNROLL_CHUNKS _Pragma("clang loop unroll(full)")
#else
#define UNROLL_CHUNKS _Pragma("GCC unroll 3")
#endif

/* An instance of a block loop for constant K (and stride, dilation): a
 * function of its own, not inlined into the switch that picks it. Inlined,
 * the instances made functions of up to 850 KB under ASan, on which gcc's
 * dataflow passes and clang's spent most of the build (AVX-512 unit, AMD
 * Zen 3, one job: gcc ASan 194 -> 101 s, the fuzzer's clang copy 206 -> 58
 * s, gcc -O3 48 -> 31 s); the bench's shapes ran level. */
#define INSTANCE static __attribute__((noinline))
/* The switch that picks an instance, inlined into its caller: a run costs
 * one call, as before. */
#define SWITCH static inline __attribute__((always_inline))

#define DWCONV1D_CAT_(a, b) a##b
#define DWCONV1D_CAT(a, b) DWCONV1D_CAT_(a, b)

static inline vfloat load_lanes(const float *p, size_t lanes) {
  return lanes == VLEN ? vload(p) : vload_tail(p, lanes);
}

static inline void store_lanes(float *p, vfloat v, size_t lanes) {
  if (lanes == VLEN)
    vstore(p, v);
  else
    vstore_tail(p, v, lanes);
}

/* ISAs with streaming stores store a call's output around the caches where
 * it outgrows them: whole-line vectors in blocks (see stores_nontemporal),
 * narrower ones a step at a time (see steps_stream). */
#ifndef HAVE_VSTREAM
#define HAVE_VSTREAM 0
static inline void vstream(float *p, vfloat v) { vstore(p, v); }
static inline void vstream_fence(void) {}
#endif

/* A sum to p: around the caches where `nontemporal` (whole, aligned vectors). */
static inline void store_out(float *p, vfloat v, size_t lanes, bool nontemporal) {
  if (HAVE_VSTREAM && nontemporal)
    vstream(p, v);
  else
    store_lanes(p, v, lanes);
}

/* The range [lo, hi) of output steps whose taps all fall inside the input. */
static void interior_steps(const struct dwconv1d_geometry *g, size_t *lo, size_t *hi) {
  const size_t span = g->dilation * (g->kernel_size - 1) + 1;
  const size_t reach = g->in_steps + g->pad_left >= span ? g->in_steps + g->pad_left - span : 0;
  if (g->stride == 1) { /* without divisions, which show in a small call */
    *lo = g->pad_left;
    *hi = g->in_steps + g->pad_left >= span ? reach + 1 : 0;
    return;
  }
  *lo = (g->pad_left + g->stride - 1) / g->stride;
  *hi = g->in_steps + g->pad_left >= span ? reach / g->stride + 1 : 0;
}

/* Whether the ISA's registers hold a rotating window of a block's input
 * rows beside its sums (see window_block): all but the scalar path. */
#define HAVE_WINDOW (VREGS >= 16)

/* The most steps a block of one channel vector holds. */
#if VREGS >= 32 && UNROLL_T == 8
#define WIDE_T 12
#else
#define WIDE_T UNROLL_T
#endif

/* Out of line: the accumulators pass through memory only on this path.
 * The activation is picked once per block, not once per row: each case's
 * loop has its activation inlined (Mamba's SiLU 5 % faster). */
static __attribute__((noinline)) void
store_block_activated(float *y, size_t out_stride, const vfloat *acc, size_t rows, size_t lanes,
                      dwconv1d_activation act, bool nontemporal) {
  switch (act) {
#define STORE_ROWS_CASE(name, value, calls)                                                  \
  case DWCONV1D_ACTIVATION_##name:                                                           \
    for (size_t r = 0; r < rows; r++)                                                        \
      store_out(y + r * out_stride, activate(acc[r], DWCONV1D_ACTIVATION_##name), lanes,     \
                nontemporal);                                                                \
    return;
    ELEMENTWISE_ACTIVATIONS(STORE_ROWS_CASE)
#undef STORE_ROWS_CASE
  default:
    for (size_t r = 0; r < rows; r++)
      store_out(y + r * out_stride, acc[r], lanes, nontemporal);
  }
}

/* Stores `rows` sums activated, one per out_stride. Linear and ReLU stay
 * inline: a call to activate() per row would also force the sums through
 * memory. */
static inline __attribute__((always_inline)) void
store_rows_out(float *y, size_t out_stride, const vfloat *sum, size_t rows, size_t lanes,
               dwconv1d_activation act, const bool nontemporal) {
  if (act == DWCONV1D_ACTIVATION_LINEAR)
    for (size_t r = 0; r < rows; r++)
      store_out(y + r * out_stride, sum[r], lanes, nontemporal);
  else if (act == DWCONV1D_ACTIVATION_RELU)
    for (size_t r = 0; r < rows; r++)
      store_out(y + r * out_stride, vmax(vzero(), sum[r]), lanes, nontemporal);
  else { /* a copy: were sum's own address to escape, every path would
          * store the sums to memory first */
    vfloat copy[WIDE_T];
    for (size_t r = 0; r < rows; r++)
      copy[r] = sum[r];
    store_block_activated(y, out_stride, copy, rows, lanes, act, nontemporal);
  }
}

static inline __attribute__((always_inline)) void
store_rows_n(float *y, size_t out_stride, const vfloat *sum, size_t rows, size_t lanes,
             dwconv1d_activation act) {
  store_rows_out(y, out_stride, sum, rows, lanes, act, false);
}

static inline __attribute__((always_inline)) void
store_rows(float *y, size_t out_stride, const vfloat sum[UNROLL_T], size_t lanes,
           dwconv1d_activation act) {
  store_rows_n(y, out_stride, sum, UNROLL_T, lanes, act);
}

/* One interior step of UNROLL_T whole channel vectors side by side (rows of
 * channels): their taps in order, the vectors' chains independent. For
 * steps outside any block of UNROLL_T steps, such as a decoding step. */
static inline __attribute__((always_inline)) void
step_vectors(const float *x, size_t tap_stride, const float *w, size_t kernel_size,
             const float *bias, float *y, dwconv1d_activation act, const bool nontemporal) {
  vfloat acc[UNROLL_T];
  for (size_t v = 0; v < UNROLL_T; v++)
    acc[v] = vload(bias + v * VLEN);
  size_t j = 0;
  do { /* kernel_size >= 1 (see conv_block_interior) */
    for (size_t v = 0; v < UNROLL_T; v++)
      acc[v] = vfmadd(vload(x + j * tap_stride + v * VLEN),
                      vload(w + (v * kernel_size + j) * VLEN), acc[v]);
  } while (++j < kernel_size);
  store_rows_out(y, VLEN, acc, UNROLL_T, VLEN, act, nontemporal);
}

static void conv_step_vectors(const float *x, size_t tap_stride, const float *w,
                              size_t kernel_size, const float *bias, float *y,
                              dwconv1d_activation act) {
  step_vectors(x, tap_stride, w, kernel_size, bias, y, act, false);
}

/* Vector v's sum of one interior step of whole channel vectors side by
 * side: the same bits as conv_step_vectors. */
static inline __attribute__((always_inline)) vfloat
step_vector_sum(const float *x, size_t tap_stride, const float *w, size_t kernel_size,
                const float *bias, size_t v) {
  vfloat acc = vload(bias + v * VLEN);
  size_t j = 0;
  do /* kernel_size >= 1 */
    acc = vfmadd(vload(x + j * tap_stride + v * VLEN), vload(w + (v * kernel_size + j) * VLEN),
                 acc);
  while (++j < kernel_size);
  return acc;
}

/* conv_step_vectors over `vectors` (a multiple of UNROLL_T) vectors whose
 * activation calls SLEEF: each vector's sum is taken UNROLL_T vectors before
 * its activation, so that its loads are in flight during the calls' long
 * chains rather than after them. */
static inline __attribute__((always_inline)) void
step_vectors_pipelined(const float *x, size_t tap_stride, const float *w, size_t kernel_size,
                       const float *bias, float *y, size_t vectors,
                       dwconv1d_activation act) {
  vfloat pending[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    pending[r] = step_vector_sum(x, tap_stride, w, kernel_size, bias, r);
  for (size_t v = 0; v < vectors; v += UNROLL_T)
    for (size_t r = 0; r < UNROLL_T; r++) {
      const vfloat sum = pending[r];
      if (v + UNROLL_T + r < vectors)
        pending[r] = step_vector_sum(x, tap_stride, w, kernel_size, bias, v + UNROLL_T + r);
      vstore(y + (v + r) * VLEN, activate(sum, act));
    }
}

/* The short kernels' sums unrolled: B1 T4 C5120 K4 SiLU (a Mamba-2.8B decode
 * step), alternating runs, medians: AVX-512 3.08 -> 2.93 us pipelined, 2.75
 * with K constant; AVX2 4.29 -> 3.90, SSE4.1 8.40 -> 7.81. Cheap
 * activations stay with conv_step_vectors (ReLU6 1.68 -> 1.84 us here). */
static __attribute__((noinline)) void
conv_step_activated(const float *x, size_t tap_stride, const float *w, size_t kernel_size,
                    const float *bias, float *y, size_t vectors, dwconv1d_activation act) {
  switch (kernel_size) {
#define STEP_ACTIVATED_CASE(K)                                                               \
  case K: step_vectors_pipelined(x, tap_stride, w, K, bias, y, vectors, act); return;
  STEP_ACTIVATED_CASE(2) STEP_ACTIVATED_CASE(3) STEP_ACTIVATED_CASE(4)
#undef STEP_ACTIVATED_CASE
  default: step_vectors_pipelined(x, tap_stride, w, kernel_size, bias, y, vectors, act);
  }
}

/* A state slot's decoding step (see decode_slot), vector v (`lanes` of it):
 * its sum over the slot's rows 0, d, ..., H - d and the new step x, taps in
 * order as in conv_step_vectors (the same bits), then the slot's rows moved
 * up one, the new step last. */
static inline __attribute__((always_inline)) vfloat
slot_vector_step(float *slot, size_t channels, size_t history, size_t dil, const float *x,
                 const float *w, size_t k, const float *bias, size_t v, size_t lanes) {
  const size_t o = v * VLEN;
  vfloat acc = vload(bias + o);
  for (size_t j = 0; j + 1 < k; j++)
    acc = vfmadd(load_lanes(slot + j * dil * channels + o, lanes), vload(w + (v * k + j) * VLEN),
                 acc);
  const vfloat xv = load_lanes(x + o, lanes);
  acc = vfmadd(xv, vload(w + (v * k + k - 1) * VLEN), acc);
  for (size_t r = 0; r + 1 < history; r++)
    store_lanes(slot + r * channels + o, load_lanes(slot + (r + 1) * channels + o, lanes), lanes);
  store_lanes(slot + (history - 1) * channels + o, xv, lanes);
  return acc;
}

/* decode_slot for one K; where the activation calls SLEEF, each vector's
 * sum is taken UNROLL_T vectors before its activation, as in
 * step_vectors_pipelined. */
static inline __attribute__((always_inline)) void
decode_slot_k(float *slot, size_t channels, size_t history, size_t dil, const float *x,
              const float *w, size_t k, const float *bias, float *y, dwconv1d_activation act) {
  const size_t whole = channels / VLEN;
  size_t v = 0;
  if (activation_calls(act) && whole >= UNROLL_T) {
    const size_t vectors = whole / UNROLL_T * UNROLL_T;
    vfloat pending[UNROLL_T];
    for (size_t r = 0; r < UNROLL_T; r++)
      pending[r] = slot_vector_step(slot, channels, history, dil, x, w, k, bias, r, VLEN);
    for (; v < vectors; v += UNROLL_T)
      for (size_t r = 0; r < UNROLL_T; r++) {
        const vfloat sum = pending[r];
        if (v + UNROLL_T + r < vectors)
          pending[r] = slot_vector_step(slot, channels, history, dil, x, w, k, bias,
                                        v + UNROLL_T + r, VLEN);
        vstore(y + (v + r) * VLEN, activate(sum, act));
      }
  }
  for (; v < whole; v++)
    vstore(y + v * VLEN,
           activate(slot_vector_step(slot, channels, history, dil, x, w, k, bias, v, VLEN), act));
  const size_t lanes = channels - whole * VLEN;
  if (lanes > 0)
    store_lanes(y + whole * VLEN,
                activate(slot_vector_step(slot, channels, history, dil, x, w, k, bias, whole,
                                          lanes),
                         act),
                lanes);
}

/* One decoding step (M = 1) from a state slot of H = d (K - 1) >= 1 rows of
 * `channels` floats and the new step `x`: y = act(bias + the taps over the
 * slot's rows 0, d, ..., H - d and x), each vector's rows then moved up a
 * row in the slot with x last: a stream's or the pool call's step, without
 * a window that slides or a copy through a tile (AVX-512, C5120 K4 causal
 * SiLU, batch 1: pool call 4.27 -> 3.03 us, stream 3.11 -> 2.90). K 2-4
 * unrolled, as in conv_step_activated. */
static void decode_slot(float *slot, size_t channels, size_t history, size_t dilation,
                        const float *x, const float *weights, size_t kernel_size,
                        const float *bias, float *y, dwconv1d_activation act) {
  switch (kernel_size) {
#define DECODE_SLOT_CASE(K)                                                                  \
  case K: decode_slot_k(slot, channels, history, dilation, x, weights, K, bias, y, act); return;
  DECODE_SLOT_CASE(2) DECODE_SLOT_CASE(3) DECODE_SLOT_CASE(4)
#undef DECODE_SLOT_CASE
  default: decode_slot_k(slot, channels, history, dilation, x, weights, kernel_size, bias, y, act);
  }
}

/* UNROLL_T interior steps of one channel vector: each weight load feeds
 * UNROLL_T FMAs. `x` points at the first tap of step t. */
static inline void conv_block_interior(const float *x, size_t row_step, size_t tap_step,
                                       const float *w, size_t kernel_size, vfloat bias,
                                       float *y, size_t out_stride, size_t lanes,
                                       dwconv1d_activation act) {
  vfloat acc[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    acc[r] = bias;
  size_t j = 0;
  do { /* kernel_size >= 1: a do-while spares the zero-tap path, whose
        * accumulators compilers would otherwise zero in memory */
    const vfloat wj = vload(w + j * VLEN);
    const float *xj = x + j * tap_step;
    for (size_t r = 0; r < UNROLL_T; r++)
      acc[r] = vfmadd(load_lanes(xj + r * row_step, lanes), wj, acc[r]);
  } while (++j < kernel_size);
  store_rows(y, out_stride, acc, lanes, act);
}

/* Lane l = (skip + l) / m: in registers where the vector layer can
 * (vindex_expand), else counted (a division per lane costs more than the
 * copy). */
static inline vindex expand_index(size_t skip, size_t m) {
#ifdef VINDEX_EXPAND_MAX_M
  if (m <= VINDEX_EXPAND_MAX_M)
    return vindex_expand(skip, m);
#endif
  int src_lane[VLEN];
  for (size_t l = 0, q = 0, r = skip; l < VLEN; l++) {
    src_lane[l] = (int)q;
    if (++r == m)
      r = 0, q++;
  }
  return vindex_of(src_lane);
}

/* How one output vector of an expanding tile (see dwconv1d_tile) comes
 * from a row: `need` input lanes loaded, then permuted so that lane l holds
 * input lane idx[l]. One load and one permute per row, where gathering the
 * expanded rows first costs a load, a permute, a store and a load again
 * (AMD Zen 4 B1 T1024 C64 K5 M4: AVX-512 58 -> 36 us, AVX2 89 -> 54 us). */
struct expansion {
  vindex idx;
  size_t need;
};

/* How a block's rows come: as they lie, or expanded (see expansion) from
 * `need` lanes, or from whole vectors where the rows hold them (see
 * dwconv1d_tile's input_row_floats): a whole load in place of a tail's
 * masked or piecewise one (AMD Zen 3, one process, medians of 7 rounds of
 * 500 calls, same: AVX2 B1 T1024 C64 K5 M4 113.5 -> 101.0 us, C128 K3 M2
 * 102.9 -> 91.1; SSE4.1 C64 K5 M4 275 -> 236). */
enum row_load { ROWS_PLAIN, ROWS_EXPANDED, ROWS_EXPANDED_WHOLE };

/* Output channel c of an expanding tile reads input channel q = c / m, the
 * one before it having been read `skip` = c % m times. Found once and then
 * moved along by counting (a few rounds, m >= 2): a small call's integer
 * divisions cost more than its blocks (SSE4.1 seed example: one per pass). */
struct input_lane {
  size_t q, skip;
};

static inline struct input_lane input_lane_of(size_t c, size_t m) {
  if (c < m) /* a run's usual first channel */
    return (struct input_lane){.q = 0, .skip = c};
  return (struct input_lane){.q = c / m, .skip = c % m};
}

/* The input lane of the output channel n after `at` (n <= VLEN): a few
 * rounds of counting where m is not much below n, a division otherwise. */
static inline struct input_lane input_lane_after(struct input_lane at, size_t n, size_t m) {
  at.skip += n;
  if (at.skip >= 4 * m)
    return (struct input_lane){.q = at.q + at.skip / m, .skip = at.skip % m};
  for (; at.skip >= m; at.skip -= m)
    at.q++;
  return at;
}

/* The expansion of an output vector of `lanes` lanes whose first lane
 * reads its input lane (the first loaded) `skip` times over before it (skip < m). */
static inline struct expansion expansion_of(size_t skip, size_t m, size_t lanes) {
  const struct input_lane last = input_lane_after((struct input_lane){0, skip}, lanes - 1, m);
  return (struct expansion){.idx = expand_index(skip, m), .need = last.q + 1};
}

/* The expansion of a tile's output vector at channel c, of `lanes` lanes
 * (none unless the tile expands). */
static inline struct expansion tile_expansion(const struct dwconv1d_tile *tile, size_t c,
                                              size_t lanes) {
  const size_t m = tile->depth_multiplier;
  if (m <= 1)
    return (struct expansion){.need = 0};
  return expansion_of(input_lane_of(tile->channel_skip + c, m).skip, m, lanes);
}

/* An output vector's `lanes` input lanes at p, expanded when `ex` is set. */
static inline __attribute__((always_inline)) vfloat
load_input(const float *p, size_t lanes, const struct expansion *ex) {
  return ex ? vpermute(load_lanes(p, ex->need), ex->idx) : load_lanes(p, lanes);
}

/* The input rows of a block. Interior blocks read row i at x + i * stride.
 * A border block's row i is padded row first + i: input step
 * first + i - pad_left if that exists, zeros otherwise (see
 * conv_step_general), and x points at the tile's row row_base. Rows of an
 * expanding tile expand by `ex`. */
struct block_rows {
  const float *x;
  size_t stride;
  size_t first, pad_left, in_steps, row_base; /* border blocks only */
  const struct expansion *ex;
};

/* A row of a whole expansion (see row_load): lanes ex->idx of the VLEN
 * floats at p, all of which the row holds. Where the vector layer has a
 * cheaper permute within halves (VPERMUTE_HALF) and the expansion reads
 * half a vector or less, that. */
static inline __attribute__((always_inline)) vfloat
load_expanded_whole(const float *p, const struct expansion *ex) {
#ifdef VPERMUTE_HALF
  if (ex->need <= VLEN / 2)
    return vpermute_half(p, ex->idx);
#endif
  return vpermute(vload(p), ex->idx);
}

static inline __attribute__((always_inline)) vfloat
row_vector(const float *p, size_t lanes, const struct block_rows *src, const enum row_load how) {
  if (how == ROWS_EXPANDED_WHOLE)
    return load_expanded_whole(p, src->ex);
  return load_input(p, lanes, how == ROWS_EXPANDED ? src->ex : NULL);
}

static inline __attribute__((always_inline)) vfloat
block_row(const struct block_rows *src, size_t i, size_t lanes, const bool border,
          const enum row_load how) {
  if (!border)
    return row_vector(src->x + i * src->stride, lanes, src, how);
  const size_t row = src->first + i;
  if (row < src->pad_left || row - src->pad_left >= src->in_steps)
    return vzero();
  return row_vector(src->x + (row - src->pad_left - src->row_base) * src->stride, lanes, src,
                    how);
}

#if HAVE_WINDOW
/* Stride 1, dilation 1, whole vectors, `n` steps (UNROLL_T or WIDE_T, a
 * constant): step t + r at tap j reads row t + r + j, so a window of n rows
 * rotates through registers and each tap costs one weight and one input
 * load for n FMAs. Slot k of the window holds row j + k, or j + k + n once
 * tap j + k is done; indices are constants once the inner loops unroll, and
 * the last group stops at tap K - 1 wherever it falls. WIDE_T = 12 chains
 * hide the FMA latency better than 8 where the taps are many. A border
 * block loads zeros for the padding's rows in place of copying them. On
 * AVX2 the 8 sums and 8 rows fill the 16 registers and gcc keeps one row
 * on the stack for its FMA to read; still a load fewer per FMA than
 * conv_block_interior (AVX2 B1 T500 C256 K33 118 -> 90 us, SSE4.1's
 * 4-step blocks 254 -> 234 us; AVX2 K = 9, which the general kernel ran,
 * 25 -> 18 us). */
static inline __attribute__((always_inline)) void
window_block(const struct block_rows *src, const float *w, size_t kernel_size, vfloat bias,
             float *y, size_t out_stride, dwconv1d_activation act, const size_t n,
             const bool border) {
  vfloat acc[WIDE_T], win[WIDE_T];
  for (size_t r = 0; r < n; r++) {
    acc[r] = bias;
    win[r] = block_row(src, r, VLEN, border, ROWS_PLAIN);
  }
  if (kernel_size == 0) /* never: otherwise gcc keeps the sums in memory */
    __builtin_unreachable();
  for (size_t j = 0;; j += n) {
UNROLL_FULL
    for (size_t k = 0; k < n; k++) {
      if (j + k == kernel_size) /* kernel_size >= 1 */
        goto done;
      const vfloat wj = vload(w + (j + k) * VLEN);
UNROLL_FULL
      for (size_t r = 0; r < n; r++)
        acc[r] = vfmadd(win[(k + r) % n], wj, acc[r]);
      if (j + k + 1 < kernel_size) /* a later tap reads row j + k + n */
        win[k] = block_row(src, j + k + n, VLEN, border, ROWS_PLAIN);
    }
  }
done:
  store_rows_n(y, out_stride, acc, n, VLEN, act);
}

static void conv_block_window(const float *x, size_t row_stride, const float *w,
                              size_t kernel_size, vfloat bias, float *y, size_t out_stride,
                              dwconv1d_activation act) {
  const struct block_rows src = {.x = x, .stride = row_stride};
  window_block(&src, w, kernel_size, bias, y, out_stride, act, UNROLL_T, false);
}

#if WIDE_T > UNROLL_T /* the 32-register ISAs */
static void conv_block_wide(const float *x, size_t row_stride, const float *w,
                            size_t kernel_size, vfloat bias, float *y, size_t out_stride,
                            dwconv1d_activation act) {
  const struct block_rows src = {.x = x, .stride = row_stride};
  window_block(&src, w, kernel_size, bias, y, out_stride, act, WIDE_T, false);
}
#endif

/* A border block of n = UNROLL_T or WIDE_T steps (see block_rows). */
static void conv_border_window(const struct block_rows *src, const float *w, size_t kernel_size,
                               vfloat bias, float *y, size_t out_stride, dwconv1d_activation act,
                               size_t n) {
#if WIDE_T > UNROLL_T
  if (n == WIDE_T) {
    window_block(src, w, kernel_size, bias, y, out_stride, act, WIDE_T, true);
    return;
  }
#endif
  (void)n;
  window_block(src, w, kernel_size, bias, y, out_stride, act, UNROLL_T, true);
}
#endif

/* How a run's output lines are written: as they come, fetched a block
 * ahead into L2 or L1, or (whole aligned vectors, see stores_nontemporal)
 * around the caches, unfetched. */
enum output_prefetch { PREFETCH_NONE, PREFETCH_L2, PREFETCH_L1, STORE_NONTEMPORAL };
enum { CACHE_LINE_BYTES = 64 };

/* A run of blocks, each UNROLL_T steps of one channel vector, all of whose
 * taps fall inside the rows given: one after another along steps (the
 * weights stay) or along channel vectors (the weights and bias move). */
struct block_run {
  const float *x;     /* first row of the first block */
  size_t row_stride;  /* floats between input rows */
  float *y;           /* first output of the first block */
  size_t out_stride;  /* floats between output steps */
  const float *w;     /* packed weights of the first block's vector */
  const float *bias;  /* bias of the first block's vector */
  size_t blocks;
  size_t x_step, y_step, w_step, bias_step; /* floats from one block to the next */
  size_t lanes;       /* of every block */
  dwconv1d_activation act;
  const struct block_rows *border; /* if set, the first block's rows, taps in
                                    * the padding read as zeros: block b
                                    * reads them b * x_step floats on */
  size_t m;       /* > 1 where the blocks expand their rows (see dwconv1d_tile):
                   * x is then the rows' input channel 0, and block b reads
                   * from x + b * x_step + (channel + b * VLEN) / m: expanding
                   * blocks go along channels, a vector apart */
  size_t channel; /* the first block's output channel, counted as in dwconv1d_tile */
  size_t row_floats; /* m > 1: floats of each row from x on (see dwconv1d_tile's
                      * input_row_floats) */
  enum output_prefetch prefetch; /* blocks side by side along channels:
                                  * where to fetch the lines that the next
                                  * UNROLL_T steps will write */
  bool prefetch_input; /* blocks side by side along channels: fetch the rows
                        * that the next UNROLL_T steps read (see
                        * PREFETCH_INPUT_ROWS) */
  bool descending;     /* blocks side by side along channels, without
                        * expansion: the last first (see channels_descending) */
  size_t groups;       /* the run this many times, each a block's steps after
                        * the one before (see conv_rows_interior); 0 as 1, so
                        * that a run built without it runs once */
};

/* How many times a run repeats (see block_run). */
static inline size_t run_groups(const struct block_run *run) {
  return run->groups > 1 ? run->groups : 1;
}

/* A group's first input row and first output of a run of blocks of n
 * steps at stride s: the group is n steps after the one before. */
static inline const float *group_input(const struct block_run *run, size_t group, size_t n,
                                       size_t s) {
  return run->x + group * n * s * run->row_stride;
}

static inline float *group_output(const struct block_run *run, size_t group, size_t n) {
  return run->y + group * n * run->out_stride;
}

/* Short kernels (K <= SHORT_TAPS, dilation 1, stride 1 or 2): the K
 * weights in registers, and each input row of a block loaded once and fed
 * to every (step, tap) that reads it. Row i serves step r at tap j where
 * i = r S + j D (D the dilation: 1 here, 2 or 4 in conv_run_dilated); as i
 * grows so does j, so each step still adds its taps in order 0 .. K-1. K,
 * S, D and the block's n steps (UNROLL_T, or WIDE_T) must be constants:
 * the loops then unroll and the register indices are fixed. */
#if VREGS >= 32
enum { SHORT_TAPS = 15 }; /* 12 sums, 15 weights and a row fit 32 registers */
#else
enum { SHORT_TAPS = 8 };
#endif
/* AVX2's half blocks take K up to 15 (see half_blocks_by_sets). */
enum { SHORT_WEIGHTS = 15 };

static inline __attribute__((always_inline)) void
short_block_steps(const struct block_rows *src, const float *w, const size_t k, const size_t s,
                  const size_t dil, size_t lanes, const bool border, const enum row_load how,
                  float *y, size_t out_stride, vfloat bias, dwconv1d_activation act,
                  const size_t n, const bool nontemporal) {
  vfloat wv[SHORT_WEIGHTS], acc[WIDE_T];
  for (size_t j = 0; j < k; j++)
    wv[j] = vload(w + j * VLEN);
  for (size_t r = 0; r < n; r++)
    acc[r] = bias;
UNROLL_FULL
  for (size_t i = 0; i < (n - 1) * s + (k - 1) * dil + 1; i++) {
    /* vkeep: gcc 12 otherwise folds the row into up to K FMAs as a memory
     * operand, K loads where one was meant (7 % of AVX-512's short-kernel
     * FMAs; AMD Zen 4 B1 T256 C256 K3 7.3 -> 5.8 us) */
    const vfloat xi = vkeep(block_row(src, i, lanes, border, how));
UNROLL_FULL
    for (size_t j = 0; j < k; j++)
      if (i >= j * dil && (i - j * dil) % s == 0 && (i - j * dil) / s < n)
        acc[(i - j * dil) / s] = vfmadd(xi, wv[j], acc[(i - j * dil) / s]);
  }
  store_rows_out(y, out_stride, acc, n, lanes, act, nontemporal);
}

static inline __attribute__((always_inline)) void
short_block_dilated(const struct block_rows *src, const float *w, const size_t k,
                    const size_t s, const size_t dil, size_t lanes, const bool border,
                    const enum row_load how, float *y, size_t out_stride, vfloat bias,
                    dwconv1d_activation act) {
  short_block_steps(src, w, k, s, dil, lanes, border, how, y, out_stride, bias, act, UNROLL_T,
                    false);
}

static inline __attribute__((always_inline)) void
short_block(const struct block_rows *src, const float *w, const size_t k, const size_t s,
            size_t lanes, const bool border, const enum row_load how, float *y,
            size_t out_stride, vfloat bias, dwconv1d_activation act) {
  short_block_dilated(src, w, k, s, 1, lanes, border, how, y, out_stride, bias, act);
}

/* The output rows UNROLL_T .. 2 * UNROLL_T - 1 from y, for writing. */
static inline void prefetch_next_rows(const float *y, size_t out_stride,
                                      enum output_prefetch where) {
  if (where == PREFETCH_L1) /* the locality must be a constant */
    for (size_t r = UNROLL_T; r < 2 * UNROLL_T; r++)
      __builtin_prefetch(y + r * out_stride, 1, 3);
  else
    for (size_t r = UNROLL_T; r < 2 * UNROLL_T; r++)
      __builtin_prefetch(y + r * out_stride, 1, 2);
}

/* Rows of many channels from beyond the caches: a block's vectors hold a
 * few floats of each of its rows, so on narrow vectors the out-of-order
 * window spans too few blocks to keep enough lines in flight. Fetching
 * the rows that the block UNROLL_T steps on reads (and this one does not),
 * a line at a time, a whole row's pass ahead, keeps them coming. ISAs that
 * gain define PREFETCH_INPUT_ROWS (see there for the figures). */
#ifndef PREFETCH_INPUT_ROWS
#define PREFETCH_INPUT_ROWS 0
#endif

static inline void prefetch_next_input(const float *x, size_t row_stride, size_t k, size_t s) {
  for (size_t r = (UNROLL_T - 1) * s + k; r < (2 * UNROLL_T - 1) * s + k; r++)
    __builtin_prefetch(x + r * row_stride, 0, 3);
}

/* gcd(m, VLEN) for m >= 1, VLEN a power of two: m's lowest set bit, VLEN
 * at most; the passes of an expanding run follow from it by shifts, where
 * Euclid's divisions cost a small call's runs more than their blocks. */
static inline unsigned vlen_gcd_log2(size_t m) {
  const unsigned low = (unsigned)__builtin_ctzll(m), vlen = (unsigned)__builtin_ctz(VLEN);
  return low < vlen ? low : vlen;
}

/* The interior blocks of a run of plain vectors, blocks of n steps (a
 * constant: UNROLL_T, or the half and wide blocks'), each group's from the
 * last vector where `descending`. The pointers step from block to block,
 * and only where a block follows, so that none leaves the buffers. */
static inline __attribute__((always_inline)) void
conv_run_short_plain(const struct block_run *run, const size_t k, const size_t s, size_t lanes,
                     const bool nontemporal, const size_t n) {
  const bool fetch = run->prefetch == PREFETCH_L2 || run->prefetch == PREFETCH_L1;
  const bool fetch_input = PREFETCH_INPUT_ROWS && run->prefetch_input;
  const size_t first = run->descending ? run->blocks - 1 : 0;
  const ptrdiff_t dir = run->descending ? -1 : 1;
  const ptrdiff_t x_step = dir * (ptrdiff_t)run->x_step, y_step = dir * (ptrdiff_t)run->y_step;
  const ptrdiff_t w_step = dir * (ptrdiff_t)run->w_step;
  const ptrdiff_t bias_step = dir * (ptrdiff_t)run->bias_step;
  for (size_t group = 0; group < run_groups(run); group++) {
    const float *x = group_input(run, group, n, s) + first * run->x_step;
    float *y = group_output(run, group, n) + first * run->y_step;
    const float *w = run->w + first * run->w_step, *bias = run->bias + first * run->bias_step;
    for (size_t i = 0; i < run->blocks;) {
      const struct block_rows src = {.x = x, .stride = run->row_stride};
      if (fetch)
        prefetch_next_rows(y, run->out_stride, run->prefetch);
      const size_t b = run->descending ? run->blocks - 1 - i : i;
      if (fetch_input && b % (CACHE_LINE_BYTES / sizeof(float) / VLEN) == 0)
        prefetch_next_input(x, run->row_stride, k, s);
      short_block_steps(&src, w, k, s, 1, lanes, false, ROWS_PLAIN, y, run->out_stride, vload(bias),
                        run->act, n, nontemporal);
      if (++i == run->blocks)
        break;
      x += x_step, y += y_step, w += w_step, bias += bias_step;
    }
  }
}

/* The interior blocks of one group of an expanding run (x and y the
 * group's; callers give expanding runs no descending order, input
 * prefetches or stores around the caches). Blocks `period` apart read the
 * same lanes of their input vectors (m divides period * VLEN): one pass
 * over each such set, so that an expansion is built once per pass, not per
 * block (SSE4.1 B1 T1000 C50 K8 M3: 216 -> 127 us; the gathered tiles took
 * 146). In a pass, q is the block's input channel. */
static inline __attribute__((always_inline)) void
conv_run_short_expanding(const struct block_run *run, const float *x, float *y, const size_t k,
                         const size_t s, size_t lanes) {
  const size_t m = run->m;
  const unsigned g = vlen_gcd_log2(m);
  const size_t period = m >> g, dq = (size_t)VLEN >> g; /* dq = period VLEN / m */
  struct input_lane at = input_lane_of(run->channel, m);
  const bool fetch = run->prefetch == PREFETCH_L2 || run->prefetch == PREFETCH_L1;
  for (size_t p = 0; p < period && p < run->blocks; p++) {
    const struct expansion ex = expansion_of(at.skip, m, lanes);
    size_t q = at.q;
    at = input_lane_after(at, VLEN, m); /* the next pass's first channel, VLEN on */
    for (size_t b = p; b < run->blocks; b += period, q += dq) {
      const struct block_rows src = {
          .x = x + b * run->x_step + q, .stride = run->row_stride, .ex = &ex};
      const float *w = run->w + b * run->w_step;
      const vfloat bias = vload(run->bias + b * run->bias_step);
      if (fetch)
        prefetch_next_rows(y + b * run->y_step, run->out_stride, run->prefetch);
      if (lanes == VLEN && q + VLEN <= run->row_floats)
        short_block(&src, w, k, s, VLEN, false, ROWS_EXPANDED_WHOLE, y + b * run->y_step,
                    run->out_stride, bias, run->act);
      else
        short_block(&src, w, k, s, lanes, false, ROWS_EXPANDED, y + b * run->y_step,
                    run->out_stride, bias, run->act);
    }
  }
}

/* The interior blocks of a run, plain or (with `expand`) expanding, every
 * group of it. */
static inline __attribute__((always_inline)) void
conv_run_short(const struct block_run *run, const size_t k, const size_t s, size_t lanes,
               const bool expand) {
  if (!expand && HAVE_VSTREAM && run->prefetch == STORE_NONTEMPORAL && lanes == VLEN)
    conv_run_short_plain(run, k, s, VLEN, true, UNROLL_T);
  else if (!expand)
    conv_run_short_plain(run, k, s, lanes, false, UNROLL_T);
  else
    for (size_t group = 0; group < run_groups(run); group++)
      conv_run_short_expanding(run, group_input(run, group, UNROLL_T, s),
                               group_output(run, group, UNROLL_T), k, s, lanes);
}

/* Border blocks side by side along channels (see block_run): dilation d
 * (1, 2 or 4), lanes and expansion as the caller says. */
static inline __attribute__((always_inline)) void
conv_run_border(const struct block_run *run, const size_t k, const size_t s, const size_t d,
                size_t lanes, const bool expand) {
  struct block_rows src = *run->border;
  for (size_t b = 0; b < run->blocks; b++, src.x += run->x_step)
    short_block_dilated(&src, run->w + b * run->w_step, k, s, d, lanes, true,
                        expand ? ROWS_EXPANDED : ROWS_PLAIN,
                        run->y + b * run->y_step, run->out_stride,
                        vload(run->bias + b * run->bias_step), run->act);
}

/* The (K, stride) pairs of the short kernels' instances: K of 1 ..
 * SHORT_TAPS, stride 1 or 2. */
#if VREGS >= 32
#define SHORT_KS_WIDE(X)                                                                     \
  X(9, 1) X(10, 1) X(11, 1) X(12, 1) X(13, 1) X(14, 1) X(15, 1)                              \
  X(9, 2) X(10, 2) X(11, 2) X(12, 2) X(13, 2) X(14, 2) X(15, 2)
#else
#define SHORT_KS_WIDE(X)
#endif
#define SHORT_KS(X)                                                                          \
  X(1, 1) X(2, 1) X(3, 1) X(4, 1) X(5, 1) X(6, 1) X(7, 1) X(8, 1)                            \
  X(1, 2) X(2, 2) X(3, 2) X(4, 2) X(5, 2) X(6, 2) X(7, 2) X(8, 2) SHORT_KS_WIDE(X)

/* Per K and stride, four instances: whole plain vectors, a tail vector
 * (fewer than VLEN channels), expansions, and border blocks. Tails kept
 * apart from the others: through the border blocks' checks, or an identity
 * permute, they ran 20 % and 9 % slower (AVX-512 B1 T1000 C50 K5 same).
 * A function per K and stride (see INSTANCE). */
#define SHORT_INSTANCE(K, S)                                                                 \
  INSTANCE void conv_run_short_##K##_##S(const struct block_run *run) {                      \
    if (run->border)                                                                         \
      conv_run_border(run, K, S, 1, run->lanes, run->border->ex != NULL);                    \
    else if (run->m > 1)                                                                     \
      conv_run_short(run, K, S, run->lanes, true);                                           \
    else if (run->lanes == VLEN)                                                             \
      conv_run_short(run, K, S, VLEN, false);                                                \
    else                                                                                     \
      conv_run_short(run, K, S, run->lanes, false);                                          \
  }
SHORT_KS(SHORT_INSTANCE)
#undef SHORT_INSTANCE

#define SHORT_CASE(K, S)                                                                     \
  case (K) * 2 + (S) - 1:                                                                    \
    conv_run_short_##K##_##S(run);                                                           \
    return;

/* conv_run_short for each of SHORT_KS. */
SWITCH void conv_run_short_any(const struct block_run *run, size_t k, size_t s) {
  switch (k * 2 + s - 1) {
    SHORT_KS(SHORT_CASE)
  default:
    break;
  }
}
#undef SHORT_CASE

#if WIDE_T > UNROLL_T
/* Whole plain vectors of a short kernel at stride 1 as blocks of WIDE_T
 * steps: 12 FMA chains where 8 barely cover two ports of 4-cycle FMAs,
 * and fewer rows loaded per step (same bits). */
static inline __attribute__((always_inline)) void
conv_run_short_wide(const struct block_run *run, const size_t k) {
  conv_run_short_plain(run, k, 1, VLEN, false, WIDE_T);
}

/* Every K of the short kernels (SHORT_TAPS = 15 here). */
#define SHORT_WIDE_KS(X)                                                                     \
  X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define SHORT_WIDE_INSTANCE(K)                                                               \
  INSTANCE void conv_run_short_wide_##K(const struct block_run *run) {                       \
    conv_run_short_wide(run, K);                                                             \
  }
SHORT_WIDE_KS(SHORT_WIDE_INSTANCE)
#undef SHORT_WIDE_INSTANCE
#define SHORT_WIDE_CASE(K)                                                                   \
  case K:                                                                                    \
    conv_run_short_wide_##K(run);                                                            \
    return;

SWITCH void conv_run_short_wide_any(const struct block_run *run, size_t k) {
  switch (k) {
    SHORT_WIDE_KS(SHORT_WIDE_CASE)
  default:
    break;
  }
}
#undef SHORT_WIDE_CASE
#endif

/* Whole plain vectors of a short kernel at stride s as blocks of half
 * UNROLL_T steps (see short_half_blocks; same bits). */
static inline __attribute__((always_inline)) void
conv_run_short_half(const struct block_run *run, const size_t k, const size_t s) {
  conv_run_short_plain(run, k, s, VLEN, false, UNROLL_T / 2);
}

/* AVX2 also takes half blocks where a block's lines overflow an L1 set
 * (see short_half_blocks), for K up to 11 (4 sums, 11 weights and a row
 * fill the 16 registers), and at stride 2 for every K of 9 .. 15. K past
 * 8, beyond AVX2's short kernels, otherwise runs windows of whole blocks
 * at stride 1 and loads every tap's input at stride 2. */
#define HALF_BLOCKS_BY_SETS (VLEN == 8)
enum { HALF_BLOCK_SETS_MAX_TAPS = 11, HALF_BLOCK_STRIDE2_MAX_TAPS = 15 };
_Static_assert((int)HALF_BLOCK_SETS_MAX_TAPS <= (int)SHORT_WEIGHTS &&
                   (int)HALF_BLOCK_STRIDE2_MAX_TAPS <= (int)SHORT_WEIGHTS,
               "short_block_steps holds every half block's weights");

/* The (K, stride) pairs that take half blocks (see HALF_BLOCK_MAX_TAPS and
 * HALF_BLOCKS_BY_SETS). */
#if HALF_BLOCKS_BY_SETS
#define SHORT_HALF_KS_SETS(X)                                                                \
  X(6, 1) X(7, 1) X(8, 1) X(9, 1) X(10, 1) X(11, 1) X(1, 2) X(2, 2) X(3, 2) X(4, 2) X(5, 2)    \
  X(6, 2) X(7, 2) X(8, 2) X(9, 2) X(10, 2) X(11, 2) X(12, 2) X(13, 2) X(14, 2) X(15, 2)
#else
#define SHORT_HALF_KS_SETS(X)
#endif
#define SHORT_HALF_KS(X) X(1, 1) X(2, 1) X(3, 1) X(4, 1) X(5, 1) SHORT_HALF_KS_SETS(X)
#define SHORT_HALF_CASE(K, S)                                                                \
  case (K) * 2 + (S) - 1:                                                                    \
    conv_run_short_half(run, K, S);                                                          \
    return;

SWITCH void conv_run_short_half_any(const struct block_run *run, size_t k, size_t s) {
  switch (k * 2 + s - 1) {
    SHORT_HALF_KS(SHORT_HALF_CASE)
  default:
    break;
  }
}
#undef SHORT_HALF_CASE

/* Expanding border blocks side by side along channels, the passes of
 * conv_run_short: an expansion built once per pass, the blocks' input
 * channels counted on. Kept out of conv_run_short_any: beside its
 * instances gcc allocated the interior expansions' registers worse (AVX2
 * B1 T1024 C64 K5 M4 7-16 % slower). */
static inline __attribute__((always_inline)) void
conv_run_border_expanding(const struct block_run *run, const size_t k, const size_t s) {
  const size_t m = run->m;
  const unsigned g = vlen_gcd_log2(m);
  const size_t period = m >> g, dq = (size_t)VLEN >> g; /* dq = period VLEN / m */
  struct input_lane at = input_lane_of(run->channel, m);
  for (size_t p = 0; p < period && p < run->blocks; p++) {
    const struct expansion ex = expansion_of(at.skip, m, VLEN);
    size_t q = at.q;
    at = input_lane_after(at, VLEN, m);
    for (size_t b = p; b < run->blocks; b += period, q += dq) {
      struct block_rows src = *run->border;
      src.x += q;
      src.ex = &ex;
      short_block(&src, run->w + b * run->w_step, k, s, VLEN, true, ROWS_EXPANDED,
                  run->y + b * run->y_step, run->out_stride,
                  vload(run->bias + b * run->bias_step), run->act);
    }
  }
}

#define BORDER_EXPANDING_INSTANCE(K, S)                                                      \
  INSTANCE void conv_run_border_expanding_##K##_##S(const struct block_run *run) {           \
    conv_run_border_expanding(run, K, S);                                                    \
  }
SHORT_KS(BORDER_EXPANDING_INSTANCE)
#undef BORDER_EXPANDING_INSTANCE
#define BORDER_EXPANDING_CASE(K, S)                                                          \
  case (K) * 2 + (S) - 1:                                                                    \
    conv_run_border_expanding_##K##_##S(run);                                                \
    return;

/* conv_run_border_expanding for each of SHORT_KS. */
SWITCH void conv_run_border_expanding_any(const struct block_run *run, size_t k, size_t s) {
  switch (k * 2 + s - 1) {
    SHORT_KS(BORDER_EXPANDING_CASE)
  default:
    break;
  }
}
#undef BORDER_EXPANDING_CASE

/* Dilation 2 or 4, stride 1, K <= DILATED_TAPS, whole vectors, where the
 * tiles read the rows without phases (see phases_pay): an 8-step block's
 * taps share rows, 7 + (K - 1) d + 1 loads for 8 K FMAs where the general
 * kernel loads a row per FMA (same bits). */
enum { DILATED_TAPS = 8 };

static inline bool is_dilated_short(const struct dwconv1d_geometry *g) {
  return g->stride == 1 && (g->dilation == 2 || g->dilation == 4) && g->kernel_size >= 2 &&
         g->kernel_size <= DILATED_TAPS && g->kernel_size <= SHORT_TAPS;
}

static inline __attribute__((always_inline)) void
conv_run_dilated(const struct block_run *run, const size_t k, const size_t d) {
  if (run->border) { /* whole vectors without expansion (see conv_rows_border) */
    conv_run_border(run, k, 1, d, VLEN, false);
    return;
  }
  for (size_t b = 0; b < run->blocks; b++) {
    const struct block_rows src = {.x = run->x + b * run->x_step, .stride = run->row_stride};
    short_block_dilated(&src, run->w + b * run->w_step, k, 1, d, VLEN, false, ROWS_PLAIN,
                        run->y + b * run->y_step, run->out_stride,
                        vload(run->bias + b * run->bias_step), run->act);
  }
}

/* The K of the dilated kernels' instances, 2 .. 8 (DILATED_TAPS, PAIRED_TAPS). */
#define DILATED_KS(X) X(2) X(3) X(4) X(5) X(6) X(7) X(8)

#define DILATED_INSTANCE(K)                                                                  \
  INSTANCE void conv_run_dilated_##K(const struct block_run *run, size_t d) {                \
    if (d == 2)                                                                              \
      conv_run_dilated(run, K, 2);                                                           \
    else                                                                                     \
      conv_run_dilated(run, K, 4);                                                           \
  }
DILATED_KS(DILATED_INSTANCE)
#undef DILATED_INSTANCE
#define DILATED_CASE(K)                                                                      \
  case K:                                                                                    \
    conv_run_dilated_##K(run, d);                                                            \
    return;

/* conv_run_dilated for a K of 2 .. DILATED_TAPS and d = 2 or 4. */
SWITCH void conv_run_dilated_any(const struct block_run *run, size_t k, size_t d) {
  switch (k) {
    DILATED_KS(DILATED_CASE)
  default:
    break;
  }
}
#undef DILATED_CASE

/* Dilated short kernels whose rows the tiles read without phases (see
 * phases_pay), d a multiple of UNROLL_T: steps t .. t + UNROLL_T - 1 and the
 * same steps d later as one block. Row t + r + q d serves step r at tap q
 * and step r + d at tap q - 1, so the pair loads (K + 1) UNROLL_T rows where
 * two blocks load 2 K UNROLL_T; each step still adds its taps in order (the
 * bits of conv_block_interior). AMD Zen 4, avx512, against two blocks:
 * T4096 C128 K3 d8 77.3 -> 65.2 us, T4096 C64 K3 d16 44.3 -> 33.6 us,
 * T2000 C32 K2 d32 10.3 -> 6.4 us, T1000 C128 K8 d8 44.5 -> 35.0 us. With
 * 16 registers, pairs of half blocks (PAIRED_T steps; 8 sums, K <= 7
 * weights and a row) against the general blocks (AMD Zen 3, avx2, medians
 * of 8 alternating runs): T4096 C128 K3 d8 201 -> 174 us, T4096 C64 K3 d16
 * 114 -> 95, T512 C256 K4 d8 causal 95 -> 67. */
#if VREGS >= 32
enum { PAIRED_T = UNROLL_T, PAIRED_TAPS = 8 };
#else
enum { PAIRED_T = UNROLL_T / 2, PAIRED_TAPS = 7 };
#endif

static inline __attribute__((always_inline)) void
paired_block(const float *x, size_t row_stride, size_t d, const float *w, const size_t k,
             vfloat bias, float *y, size_t out_stride, dwconv1d_activation act) {
  vfloat wv[DILATED_TAPS], first[PAIRED_T], later[PAIRED_T]; /* every K of DILATED_KS */
  for (size_t j = 0; j < k; j++)
    wv[j] = vload(w + j * VLEN);
  for (size_t r = 0; r < PAIRED_T; r++)
    first[r] = later[r] = bias;
UNROLL_FULL
  for (size_t q = 0; q <= k; q++)
UNROLL_FULL
    for (size_t r = 0; r < PAIRED_T; r++) {
      const vfloat xi = vkeep(vload(x + (r + q * d) * row_stride));
      if (q < k)
        first[r] = vfmadd(xi, wv[q], first[r]);
      if (q > 0)
        later[r] = vfmadd(xi, wv[q - 1], later[r]);
    }
  store_rows_n(y, out_stride, first, PAIRED_T, VLEN, act);
  store_rows_n(y + d * out_stride, out_stride, later, PAIRED_T, VLEN, act);
}

#define PAIRED_CASE(K)                                                                       \
  case K:                                                                                    \
    paired_block(x, row_stride, d, w, K, bias, y, out_stride, act);                          \
    return;

static void paired_block_any(const float *x, size_t row_stride, size_t d, const float *w,
                             size_t k, vfloat bias, float *y, size_t out_stride,
                             dwconv1d_activation act) {
  switch (k) {
    DILATED_KS(PAIRED_CASE)
  default:
    break;
  }
}
#undef PAIRED_CASE

static inline bool is_short(const struct dwconv1d_geometry *g) {
  return g->kernel_size <= SHORT_TAPS && g->dilation == 1 && g->stride <= 2;
}

/* Whether interior blocks of whole vectors run as windows (see
 * conv_interior_run; short kernels take theirs first). */
static inline bool windowed(const struct dwconv1d_geometry *g) {
  return HAVE_WINDOW && g->stride == 1 && g->dilation == 1 && g->kernel_size >= 8 &&
         !is_short(g);
}

/* Whether interior blocks of `lanes` channels take WIDE_T steps. */
static inline bool wide_blocks(const struct dwconv1d_geometry *g, size_t lanes) {
  return WIDE_T > UNROLL_T && lanes == VLEN && windowed(g);
}

/* Whether interior steps of `lanes` channels, dilation d > 1, go as phased
 * windows (see conv_phased_windows). */
static inline bool phased_windows(const struct dwconv1d_geometry *g, size_t lanes) {
  return HAVE_WINDOW && lanes == VLEN && g->stride == 1 && g->dilation > 1;
}

/* One output step whose taps may fall in the padding, where they read
 * zeros. One accumulator in a register: consecutive calls are independent,
 * so out-of-order execution overlaps their dependency chains. */
static inline void conv_step_general(const struct dwconv1d_geometry *g,
                                     const struct dwconv1d_tile *tile, const float *xin, size_t t,
                                     size_t c, const float *w, vfloat bias, size_t lanes,
                                     const struct expansion *expand) {
  vfloat acc = bias;
  size_t row = t * g->stride; /* input step + pad_left of tap 0 */
  for (size_t j = 0; j < g->kernel_size; j++, row += g->dilation) {
    vfloat xj = vzero();
    if (row >= g->pad_left && row - g->pad_left < g->in_steps)
      xj = load_input(xin + (row - g->pad_left - tile->row_base) * tile->input_stride, lanes,
                      expand);
    acc = vfmadd(xj, vload(w + j * VLEN), acc);
  }
  float *y = tile->output + (t - tile->t_begin) * tile->output_stride + c;
  store_lanes(y, activate(acc, tile->activation), lanes);
}

/* One group of a run of interior blocks, other than the short kernels'.
 * Out of line: inlined into the loop over groups, K9's windows ran 10 %
 * slower (AVX2 T125 C512 K9 same). */
static __attribute__((noinline)) void
conv_interior_run_once(const struct dwconv1d_geometry *g, const struct block_run *run) {
  if (is_dilated_short(g) && run->lanes == VLEN && run->m <= 1) {
    conv_run_dilated_any(run, g->kernel_size, g->dilation);
    return;
  }
  const size_t row_step = g->stride * run->row_stride, tap_step = g->dilation * run->row_stride;
  for (size_t b = 0; b < run->blocks; b++) {
    const float *x = run->x + b * run->x_step, *w = run->w + b * run->w_step;
    float *y = run->y + b * run->y_step;
    const vfloat bias = vload(run->bias + b * run->bias_step);
#if HAVE_WINDOW
    if (run->lanes == VLEN && windowed(g))
      conv_block_window(x, run->row_stride, w, g->kernel_size, bias, y, run->out_stride,
                        run->act);
    else
#endif
    if (run->lanes == VLEN) /* a constant here lets the compiler drop the tail test */
      conv_block_interior(x, row_step, tap_step, w, g->kernel_size, bias, y, run->out_stride,
                          VLEN, run->act);
    else
      conv_block_interior(x, row_step, tap_step, w, g->kernel_size, bias, y, run->out_stride,
                          run->lanes, run->act);
  }
}

/* Every group of a run (see block_run); the short kernels' instances take
 * them in one call. */
static void conv_interior_run(const struct dwconv1d_geometry *g, const struct block_run *run) {
  if (is_short(g)) {
    conv_run_short_any(run, g->kernel_size, g->stride);
    return;
  }
  if (run_groups(run) == 1) { /* most callers' runs: no copy */
    conv_interior_run_once(g, run);
    return;
  }
  struct block_run one = *run;
  one.groups = 1;
  for (size_t group = 0; group < run_groups(run); group++) {
    one.x = group_input(run, group, UNROLL_T, g->stride);
    one.y = group_output(run, group, UNROLL_T);
    conv_interior_run_once(g, &one);
  }
}

/* Border blocks: the rows a block reads, padding zeros included, copied
 * into a zeroed stack buffer so that the block kernels run on them as on
 * interior rows (same taps, same order, same bits as conv_step_general).
 * Blocks whose rows would not fit take conv_step_general step by step. */
enum { BORDER_ROWS = 64 };

/* Input rows a block of n steps reads. */
static inline size_t block_rows(const struct dwconv1d_geometry *g, size_t n) {
  return (n - 1) * g->stride + g->dilation * (g->kernel_size - 1) + 1;
}

/* Steps [t, t + n) (n = UNROLL_T, or WIDE_T where wide_blocks holds) of the
 * channel vector at c, `lanes` wide, some of whose taps fall in the
 * padding. Windows and short kernels read the rows in place; other
 * kernels get the copy, whose rows the caller checks fit BORDER_ROWS. */
static void conv_border_block(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                              const float *xin, size_t t, size_t c, const float *w, size_t n,
                              size_t lanes) {
  const size_t first = t * g->stride;
#if HAVE_WINDOW
  if (lanes == VLEN && windowed(g)) {
    const struct block_rows src = {.x = xin, .stride = tile->input_stride, .first = first,
                                   .pad_left = g->pad_left, .in_steps = g->in_steps,
                                   .row_base = tile->row_base};
    conv_border_window(&src, w, g->kernel_size, vload(tile->bias + c),
                       tile->output + (t - tile->t_begin) * tile->output_stride + c,
                       tile->output_stride, tile->activation, n);
    return;
  }
#endif
  if (is_short(g)) { /* n = UNROLL_T: short kernels take no wide blocks */
    const struct expansion ex = tile_expansion(tile, c, lanes);
    const struct block_rows src = {.x = xin, .stride = tile->input_stride, .first = first,
                                   .pad_left = g->pad_left, .in_steps = g->in_steps,
                                   .row_base = tile->row_base,
                                   .ex = tile->depth_multiplier > 1 ? &ex : NULL};
    const struct block_run run = {
        .y = tile->output + (t - tile->t_begin) * tile->output_stride + c,
        .out_stride = tile->output_stride, .w = w, .bias = tile->bias + c, .blocks = 1,
        .lanes = lanes, .act = tile->activation, .border = &src, .m = tile->depth_multiplier};
    conv_run_short_any(&run, g->kernel_size, g->stride);
    return;
  }
  const size_t rows = block_rows(g, n);
  _Alignas(64) float x[BORDER_ROWS * VLEN], y[UNROLL_T * VLEN];
  for (size_t i = 0; i < rows; i++) { /* padded row first + i = input step first + i - pad_left */
    const size_t row = first + i;
    vfloat v = vzero();
    if (row >= g->pad_left && row - g->pad_left < g->in_steps)
      v = load_lanes(xin + (row - g->pad_left - tile->row_base) * tile->input_stride, lanes);
    vstore(x + i * VLEN, v);
  }
  const struct block_run run = {.x = x, .row_stride = VLEN, .y = y, .out_stride = VLEN,
                                .w = w, .bias = tile->bias + c, .blocks = 1, .lanes = VLEN,
                                .act = tile->activation};
  conv_interior_run(g, &run);
  float *out = tile->output + (t - tile->t_begin) * tile->output_stride + c;
  for (size_t r = 0; r < n; r++)
    store_lanes(out + r * tile->output_stride, vload(y + r * VLEN), lanes);
}

/* Where the input that output channel c (a multiple of VLEN) reads starts,
 * from tile->input. */
static inline size_t input_offset(const struct dwconv1d_tile *tile, size_t c) {
  if (tile->depth_multiplier > 1)
    return (tile->channel_skip + c) / tile->depth_multiplier;
  return c / VLEN * tile->channel_stride;
}

/* The first input row of step t's block. */
static inline const float *block_input(const struct dwconv1d_geometry *g,
                                       const struct dwconv1d_tile *tile, const float *xin,
                                       size_t t) {
  return xin + (t * g->stride - g->pad_left - tile->row_base) * tile->input_stride;
}

#if HAVE_WINDOW
/* Interior steps from t on of the channel vector at c, dilation d > 1 and
 * stride 1: steps t + p, t + p + d, ... read rows d apart at every tap, so
 * n of them are a dilation-1 window over every d-th row. Groups of n * d
 * steps (n = WIDE_T, then UNROLL_T) run as d such windows while they fit
 * before `end`; returns the first step left. (AVX2 QuartzNet C2, K 87 with
 * d = 2: 561 -> 465 us against the general kernel.) */
static size_t conv_phased_windows(const struct dwconv1d_geometry *g,
                                  const struct dwconv1d_tile *tile, const float *xin,
                                  const float *w, vfloat bias, size_t c, size_t t, size_t end) {
  const size_t d = g->dilation, xs = d * tile->input_stride, ys = d * tile->output_stride;
  float *y = tile->output + c;
#if WIDE_T > UNROLL_T
  for (; (end - t) / d >= WIDE_T; t += WIDE_T * d)
    for (size_t p = 0; p < d; p++)
      conv_block_wide(block_input(g, tile, xin, t + p), xs, w, g->kernel_size, bias,
                      y + (t + p - tile->t_begin) * tile->output_stride, ys, tile->activation);
#endif
  for (; (end - t) / d >= UNROLL_T; t += UNROLL_T * d)
    for (size_t p = 0; p < d; p++)
      conv_block_window(block_input(g, tile, xin, t + p), xs, w, g->kernel_size, bias,
                        y + (t + p - tile->t_begin) * tile->output_stride, ys, tile->activation);
  return t;
}
#endif

/* Output steps [t0, t1) of the channel vector starting at channel c:
 * border blocks where taps may fall in the padding, one run of interior
 * blocks between. */
static void conv_channel_vector(const struct dwconv1d_geometry *g,
                                const struct dwconv1d_tile *tile, size_t c, size_t t0,
                                size_t t1, size_t int_lo, size_t int_hi) {
  const float *w = tile->weights + (c / VLEN) * g->kernel_size * VLEN;
  const float *xin = tile->input + input_offset(tile, c);
  const size_t run_end = t1 < int_hi ? t1 : int_hi;
  const size_t lanes = tile->channels - c < VLEN ? tile->channels - c : VLEN;
  const bool wide = wide_blocks(g, lanes);
  const vfloat bias = vload(tile->bias + c);
  const struct expansion ex = tile_expansion(tile, c, lanes);
  const struct expansion *expand = tile->depth_multiplier > 1 ? &ex : NULL;
  for (size_t t = t0; t < t1;) {
    if (t1 - t < UNROLL_T && t1 - t0 >= UNROLL_T)
      t = t1 - UNROLL_T; /* a whole last block, overlapping the one before (same bits) */
    if (t < int_lo || t + UNROLL_T > run_end) {
      const size_t count = wide && t1 - t >= WIDE_T ? WIDE_T
                           : t1 - t < UNROLL_T      ? t1 - t
                                                    : UNROLL_T;
      /* A short block (a decoding step, a tile's last steps) is cheaper
       * step by step than as a whole block with its activation. */
      if (count >= UNROLL_T &&
          ((lanes == VLEN && windowed(g)) || block_rows(g, count) <= BORDER_ROWS))
        conv_border_block(g, tile, xin, t, c, w, count, lanes);
      else
        for (size_t r = 0; r < count; r++)
          conv_step_general(g, tile, xin, t + r, c, w, bias, lanes, expand);
      t += count;
      continue;
    }
#if WIDE_T > UNROLL_T
    if (wide) {
      for (; t + WIDE_T <= run_end; t += WIDE_T)
        conv_block_wide(block_input(g, tile, xin, t), tile->input_stride, w, g->kernel_size,
                        bias, tile->output + (t - tile->t_begin) * tile->output_stride + c,
                        tile->output_stride, tile->activation);
      if (t + UNROLL_T > run_end)
        continue;
    }
#endif
#if HAVE_WINDOW
    if (phased_windows(g, lanes)) {
      t = conv_phased_windows(g, tile, xin, w, bias, c, t, run_end);
      if (t + UNROLL_T > run_end)
        continue;
    }
#endif
    /* An expanding run's blocks lie along channels (see
     * conv_run_short_expanding): this vector's steps go as its groups. */
    const size_t blocks = (run_end - t) / UNROLL_T;
    const struct block_run run = {
        .x = block_input(g, tile, expand ? tile->input : xin, t),
        .row_stride = tile->input_stride,
        .y = tile->output + (t - tile->t_begin) * tile->output_stride + c,
        .out_stride = tile->output_stride,
        .w = w,
        .bias = tile->bias + c,
        .blocks = expand ? 1 : blocks,
        .x_step = UNROLL_T * g->stride * tile->input_stride,
        .y_step = UNROLL_T * tile->output_stride,
        .lanes = lanes,
        .act = tile->activation,
        .m = tile->depth_multiplier,
        .channel = tile->channel_skip + c,
        .row_floats = tile->input_row_floats,
        .groups = expand ? blocks : 1,
    };
    conv_interior_run(g, &run);
    t += blocks * UNROLL_T;
  }
}

/* Whether a rows-of-channels tile should take its channel vectors from the
 * last: its output lies a vector or two past its input modulo g (4 KiB, or
 * the largest power of two dividing the rows' bytes), so that the vector a
 * block stores and the vector the next block loads, in ascending order,
 * share their address modulo 4 KiB, and the loads wait on the stores (AMD
 * Zen 4, channels_last T512 C512 K31, output 64 bytes past the input
 * modulo 2 KiB: 183 us ascending, 151 descending, 150 with no alias).
 * Short kernels' blocks too: T128 C1024 K4 causal, output 64 bytes past
 * the input 47.8 -> 27.3 us, 128 bytes 35.2 -> 25.5, SiLU 97.3 -> 93.0;
 * AVX2 32 bytes 50.4 -> 32.3, SSE4.1 16 bytes 89.2 -> 58.0; rows of 1
 * and 2 KiB level. */
static bool channels_descending(const float *x, const float *y, size_t xs, size_t ys) {
  const size_t row_bytes = xs * sizeof(float), low = row_bytes & (~row_bytes + 1);
  const size_t g = low != 0 && low < 4096 ? low : 4096, vectors = 2 * VLEN * sizeof(float);
  const size_t delta = ((uintptr_t)y - (uintptr_t)x) & (g - 1);
  return xs == ys && g > vectors && delta > 0 &&
         delta <= vectors; /* further on, descending measured 2 % slower */
}

/* Whether the tile's last VLEN channels run as a whole vector that
 * overlaps the one before (its channels computed again, the same bits), in
 * place of a tail vector's masked loads and stores: rows of channels that
 * pass a vector and fill no whole number of them, without expansion (see
 * last_weights). */
static inline bool last_overlaps(const struct dwconv1d_tile *tile) {
  return tile->last_weights != NULL && tile->channels > VLEN && tile->channels % VLEN != 0 &&
         tile->depth_multiplier <= 1;
}

enum { PAGE_BYTES = 4096, L1D_MIN_BYTES = 32 << 10, FEW_L1D_WAYS = 8 };

/* Interior blocks of steps t, t + phases, ... (UNROLL_T of them) of every
 * channel vector of a rows-of-channels tile, `groups` of them, each
 * UNROLL_T * phases steps after the one before: the whole vectors as one
 * run, then the tail vector. With dilation d, steps d apart read rows d
 * apart, so a block of them is a dilation-1 block over every d-th row
 * (`inner` is the geometry with dilation 1, `phases` = d). Short kernels'
 * plain vectors go from the last where `descending` (the tile's
 * channels_descending). */
static void conv_rows_blocks(const struct dwconv1d_geometry *inner,
                             const struct dwconv1d_tile *tile, size_t t, size_t phases,
                             size_t groups, enum output_prefetch prefetch, bool descending) {
  const size_t whole = tile->channels / VLEN * VLEN;
  const bool expand = tile->depth_multiplier > 1;
  struct block_run run = {
      .x = block_input(inner, tile, tile->input, t),
      .row_stride = phases * tile->input_stride,
      .y = tile->output + (t - tile->t_begin) * tile->output_stride,
      .out_stride = phases * tile->output_stride,
      .w = tile->weights,
      .bias = tile->bias,
      .blocks = whole / VLEN,
      .x_step = expand ? 0 : VLEN,
      .y_step = VLEN,
      .w_step = inner->kernel_size * VLEN,
      .bias_step = VLEN,
      .lanes = VLEN,
      .act = tile->activation,
      .prefetch = prefetch,
      .prefetch_input = PREFETCH_INPUT_ROWS && tile->prefetch_inputs && !expand,
      .descending = descending && !expand && is_short(inner),
      .m = tile->depth_multiplier,
      .channel = tile->channel_skip,
      .row_floats = tile->input_row_floats,
      .groups = groups,
  };
  if (run.blocks > 0)
    conv_interior_run(inner, &run);
  run.descending = false;
  run.blocks = 1;
  if (last_overlaps(tile)) {
    const size_t last = tile->channels - VLEN;
    run.x += last, run.y += last, run.bias += last;
    run.w = tile->last_weights;
    if (run.prefetch == STORE_NONTEMPORAL) /* not aligned */
      run.prefetch = PREFETCH_NONE;
    conv_interior_run(inner, &run);
  } else if (whole < tile->channels) {
    run.x += expand ? 0 : whole, run.channel += whole;
    run.y += whole, run.bias += whole;
    run.w += whole / VLEN * inner->kernel_size * VLEN;
    run.lanes = tile->channels - whole;
    conv_interior_run(inner, &run);
  }
}

/* The n blocks of interior steps from t on (see conv_rows_blocks), at
 * dilation 1 or unphased: one call per run for them all, where a call per
 * block of steps cost rows of few channel vectors 3-15 % (AMD Zen 3, AVX2,
 * both in one process, calls in turns, medians of 31, us: T1000 C67 K5
 * same 17.7 -> 15.2, T4096 C128 K3 137 -> 120, T1024 C256 K5 56.6 ->
 * 53.0, B8 T1024 C512 K3 2125 -> 2071; K7 stride 2, Vocos and Mamba
 * level). The other kernels' runs take a call per group (see
 * conv_interior_run). Where a tail vector follows the whole ones, groups
 * go a few at a time, so that their rows are still in L1 for the tail. */
static void conv_rows_interior(const struct dwconv1d_geometry *g,
                               const struct dwconv1d_tile *tile, size_t t, size_t n,
                               enum output_prefetch prefetch, bool descending) {
  size_t per = n;
  if (tile->channels % VLEN != 0) {
    const size_t bytes = UNROLL_T * g->stride * tile->input_stride * sizeof(float);
    per = bytes < L1D_MIN_BYTES / 2 ? L1D_MIN_BYTES / 2 / bytes : 1;
  }
  for (size_t i = 0; i < n; i += per)
    conv_rows_blocks(g, tile, t + i * UNROLL_T, 1, n - i < per ? n - i : per, prefetch,
                     descending);
}

#if WIDE_T > UNROLL_T
/* Interior steps [t, t + WIDE_T) of every channel vector of a
 * rows-of-channels tile (see wide_blocks); a tail vector as two blocks of
 * UNROLL_T, the second overlapping the first (same bits). The windows
 * inline, not through conv_block_wide: 1-3 % faster (Xeon, T500 C256 K33
 * 48.6 -> 46.9 us, T500 C512 K63 179.7 -> 175.9, T250 C256 K31 24.9 ->
 * 24.6; the channel blocks' runs gained nothing so). */
static void conv_rows_wide(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                           size_t t) {
  const float *x = block_input(g, tile, tile->input, t);
  float *y = tile->output + (t - tile->t_begin) * tile->output_stride;
  const size_t xs = tile->input_stride, ys = tile->output_stride, k = g->kernel_size;
  const size_t whole = tile->channels / VLEN * VLEN;
  const bool descending = channels_descending(x, y, xs, ys);
  for (size_t i = 0; i < whole; i += VLEN) {
    const size_t c = descending ? whole - VLEN - i : i;
    const struct block_rows src = {.x = x + c, .stride = xs};
    window_block(&src, tile->weights + c * k, k, vload(tile->bias + c), y + c, ys,
                 tile->activation, WIDE_T, false);
  }
  const size_t c = whole;
  if (c < tile->channels)
    for (size_t r = 0; r <= WIDE_T - UNROLL_T; r += WIDE_T - UNROLL_T)
      conv_block_interior(x + c + r * xs, xs, xs, tile->weights + c * k, k,
                          vload(tile->bias + c), y + c + r * ys, ys, tile->channels - c,
                          tile->activation);
}
#endif

/* Interior steps r < n (2 <= n < UNROLL_T) of one channel vector, `lanes`
 * wide, expanded by `ex` if set: their chains side by side, as in
 * conv_block_interior, where one step after another each paid its
 * expansion's loads, its activation's dispatch and its store alone (seed
 * example, 4 steps a call: AVX-512 0.49 -> 0.37 us, AVX2 0.64 -> 0.44). A
 * single step stays with conv_step_general, 20 % faster than this alone
 * (B1 T4 C100 K4: 91 against 112 ns a call). */
static void conv_block_partial(const float *x, size_t row_step, size_t tap_step, const float *w,
                               size_t kernel_size, vfloat bias, float *y, size_t out_stride,
                               size_t lanes, const struct expansion *ex, size_t n,
                               dwconv1d_activation act) {
  vfloat acc[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    acc[r] = bias;
  size_t j = 0;
  do { /* kernel_size >= 1 */
    const vfloat wj = vload(w + j * VLEN);
    const float *xj = x + j * tap_step;
    for (size_t r = 0; r < UNROLL_T; r++)
      if (r < n)
        acc[r] = vfmadd(load_input(xj + r * row_step, lanes, ex), wj, acc[r]);
  } while (++j < kernel_size);
  store_rows_n(y, out_stride, acc, n, lanes, act);
}

/* Interior steps [t0, t1), fewer than a block, of every channel vector of
 * a rows-of-channels tile: vector by vector, each vector's expansion built
 * once for its steps (AVX-512 seed example, B4 T10 C12 K3 M3 s2: 4 steps),
 * two or more of them as one partial block. */
static void conv_steps_across(const struct dwconv1d_geometry *g,
                              const struct dwconv1d_tile *tile, size_t t0, size_t t1) {
  const size_t group = UNROLL_T * VLEN; /* expanding tiles go vector by vector */
  const size_t whole = tile->depth_multiplier <= 1 ? tile->channels / group * group : 0;
  for (size_t t = t0; t < t1 && whole > 0; t++) {
    const float *x = block_input(g, tile, tile->input, t);
    float *y = tile->output + (t - tile->t_begin) * tile->output_stride;
    if (activation_calls(tile->activation)) {
      conv_step_activated(x, g->dilation * tile->input_stride, tile->weights, g->kernel_size,
                          tile->bias, y, whole / VLEN, tile->activation);
      continue;
    }
    for (size_t c = 0; c < whole; c += group)
      conv_step_vectors(x + c, g->dilation * tile->input_stride,
                        tile->weights + c * g->kernel_size, g->kernel_size, tile->bias + c,
                        y + c, tile->activation);
  }
  for (size_t c = whole; c < tile->channels; c += VLEN) {
    const size_t lanes = tile->channels - c < VLEN ? tile->channels - c : VLEN;
    const struct expansion ex = tile_expansion(tile, c, lanes);
    const float *xin = tile->input + input_offset(tile, c), *w = tile->weights + c * g->kernel_size;
    const vfloat bias = vload(tile->bias + c);
    if (t1 - t0 >= 2) {
      conv_block_partial(block_input(g, tile, xin, t0), g->stride * tile->input_stride,
                         g->dilation * tile->input_stride, w, g->kernel_size, bias,
                         tile->output + (t0 - tile->t_begin) * tile->output_stride + c,
                         tile->output_stride, lanes, tile->depth_multiplier > 1 ? &ex : NULL,
                         t1 - t0, tile->activation);
      continue;
    }
    for (size_t t = t0; t < t1; t++)
      conv_step_general(g, tile, xin, t, c, w, bias, lanes,
                        tile->depth_multiplier > 1 ? &ex : NULL);
  }
}

/* The whole vectors of an expanding tile's border steps (short kernels;
 * see conv_rows_border) as one run, pass by pass. Vector by vector, each
 * with its own expansion and dispatch, they had cost 1.6x the interior
 * blocks (AVX-512 B1 T32 C128 K5 M4 same). */
static void rows_border_expanded(const struct dwconv1d_geometry *g,
                                 const struct dwconv1d_tile *tile, const struct block_rows *src,
                                 float *y, size_t whole) {
  const size_t k = g->kernel_size;
  const struct block_run run = {.y = y, .out_stride = tile->output_stride, .w = tile->weights,
                                .bias = tile->bias, .blocks = whole / VLEN, .y_step = VLEN,
                                .w_step = k * VLEN, .bias_step = VLEN, .lanes = VLEN,
                                .act = tile->activation, .border = src,
                                .m = tile->depth_multiplier, .channel = tile->channel_skip};
  conv_run_border_expanding_any(&run, k, g->stride);
}

/* `vectors` whole channel vectors of a border block of n steps, from
 * channel c (src reads its rows), with packed weights w. */
static void conv_rows_border_vectors(const struct dwconv1d_geometry *g,
                                     const struct dwconv1d_tile *tile, struct block_rows src,
                                     float *y, size_t n, size_t c, size_t vectors,
                                     const float *w) {
  const size_t k = g->kernel_size;
#if HAVE_WINDOW
  if (windowed(g)) {
    for (size_t v = 0; v < vectors; v++, src.x += VLEN)
      conv_border_window(&src, w + v * k * VLEN, k, vload(tile->bias + c + v * VLEN),
                         y + v * VLEN, tile->output_stride, tile->activation, n);
    return;
  }
#endif
  (void)n; /* the short kernels' border blocks are UNROLL_T steps (rows_border) */
  if (vectors == 0)
    return;
  const struct block_run run = {.y = y, .out_stride = tile->output_stride,
                                .w = w, .bias = tile->bias + c,
                                .blocks = vectors, .x_step = VLEN, .y_step = VLEN,
                                .w_step = k * VLEN, .bias_step = VLEN, .lanes = VLEN,
                                .act = tile->activation, .border = &src, .m = 1};
  if (is_dilated_short(g))
    conv_run_dilated_any(&run, k, g->dilation);
  else
    conv_run_short_any(&run, k, g->stride);
}

/* Steps [t, t + n) of a rows-of-channels tile, some of whose taps fall in
 * the padding, for short kernels, dilated ones (d = 2 or 4) and
 * expansions included (n = UNROLL_T), and windows (n = UNROLL_T, or
 * WIDE_T where wide_blocks holds): the whole vectors one after another,
 * reading their rows in place, without conv_channel_vector's set-up for
 * each (short kernels without expansion as one run of border blocks); the
 * last channels as a whole vector that overlaps the one before where the
 * tile has last_weights (see conv_rows_blocks), else the tail vector alone.
 * Vector by vector, a short call's border blocks had cost 2.5x an interior
 * block. */
static void conv_rows_border(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                             size_t t, size_t n, size_t int_lo, size_t int_hi) {
  const size_t whole = tile->channels / VLEN * VLEN;
  struct block_rows src = {.x = tile->input, .stride = tile->input_stride,
                           .first = t * g->stride, .pad_left = g->pad_left,
                           .in_steps = g->in_steps, .row_base = tile->row_base};
  float *y = tile->output + (t - tile->t_begin) * tile->output_stride;
  const bool last = last_overlaps(tile);
  if (tile->depth_multiplier > 1) {
    rows_border_expanded(g, tile, &src, y, whole);
  } else {
    conv_rows_border_vectors(g, tile, src, y, n, 0, whole / VLEN, tile->weights);
    if (last) {
      const size_t c = tile->channels - VLEN;
      src.x += c;
      conv_rows_border_vectors(g, tile, src, y + c, n, c, 1, tile->last_weights);
    }
  }
  if (whole < tile->channels && !last)
    conv_channel_vector(g, tile, whole, t, t + n, int_lo, int_hi);
}

/* Whether conv_rows_border takes steps [t, t + n) of a tile's border. */
static inline bool rows_border(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                               size_t n) {
  const bool whole_block = n == UNROLL_T || (n == WIDE_T && wide_blocks(g, VLEN));
  if (tile->depth_multiplier > 1) /* expansions run in place for short kernels */
    return whole_block && is_short(g);
  return whole_block && (is_short(g) || is_dilated_short(g) || windowed(g));
}

/* Interior steps t .. t + UNROLL_T - 1 and t + d .. t + d + UNROLL_T - 1
 * of every channel vector of a rows-of-channels tile, as pairs (see
 * paired_block), PAIRED_T steps at a time across the channel vectors; the
 * last channels as an overlapping pair (see last_overlaps), else a tail
 * vector as two general blocks. */
static void conv_rows_paired(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                             size_t t) {
  const float *x = block_input(g, tile, tile->input, t);
  float *y = tile->output + (t - tile->t_begin) * tile->output_stride;
  const size_t xs = tile->input_stride, ys = tile->output_stride;
  const size_t k = g->kernel_size, d = g->dilation, whole = tile->channels / VLEN * VLEN;
  const size_t last = tile->channels - VLEN; /* see last_overlaps */
  for (size_t h = 0; h < UNROLL_T; h += PAIRED_T) {
    for (size_t c = 0; c < whole; c += VLEN)
      paired_block_any(x + h * xs + c, xs, d, tile->weights + c * k, k, vload(tile->bias + c),
                       y + h * ys + c, ys, tile->activation);
    if (last_overlaps(tile))
      paired_block_any(x + h * xs + last, xs, d, tile->last_weights, k,
                       vload(tile->bias + last), y + h * ys + last, ys, tile->activation);
  }
  if (whole < tile->channels && !last_overlaps(tile))
    for (size_t p = 0; p < 2; p++)
      conv_block_interior(x + whole + p * d * xs, xs, d * xs, tile->weights + whole * k, k,
                          vload(tile->bias + whole), y + whole + p * d * ys, ys,
                          tile->channels - whole, tile->activation);
}

enum { PREFETCH_L2_MIN_BYTES = 1 << 20, PREFETCH_L1_MIN_BYTES = 32 << 10 };

/* Where the stores of a rows-of-channels tile wait, prefetching helps.
 * Vectors a cache line wide (AVX-512) that start off a line split two
 * lines, and a store that splits a line not in L1 holds up the stores
 * behind it: fetch those lines into L1 a group ahead (B1 T1000 C100 K5
 * 16.2 -> 12.6 us; narrower vectors split only some stores, and AVX2 and
 * SSE4.1 ran 1-10 % slower with it). Aligned outputs too many for L2 wait
 * on memory: fetch them into L2. Smaller outputs, and activations whose
 * arithmetic binds, only pay for the prefetches (FastConformer's 256 KiB
 * 7 % slower, C67 with SiLU 5 %). Measured on Intel; on AMD Zen 4 every
 * rule ran slower (vocos 10 %, AVX2 13 %), so there the CPU's own
 * prefetchers do it (tile->cpu.prefetch_outputs). */
static enum output_prefetch output_prefetch_for(const struct dwconv1d_tile *tile) {
  const size_t bytes = (tile->t_end - tile->t_begin) * tile->channels * sizeof(float);
  const bool split = VLEN * sizeof(float) == CACHE_LINE_BYTES &&
                     (tile->output_stride % VLEN != 0 ||
                      (uintptr_t)tile->output % CACHE_LINE_BYTES != 0);
  if (!tile->cpu.prefetch_outputs || (tile->activation != DWCONV1D_ACTIVATION_LINEAR &&
                                      tile->activation != DWCONV1D_ACTIVATION_RELU))
    return PREFETCH_NONE;
  if (split && bytes >= PREFETCH_L1_MIN_BYTES)
    return PREFETCH_L1;
  return bytes >= PREFETCH_L2_MIN_BYTES ? PREFETCH_L2 : PREFETCH_NONE;
}

/* Where a call's input and output together pass the last-level cache
 * (tile->stream_outputs), the output's first lines cannot still be cached
 * when the next layer reads them: whole lines stored around the caches
 * spare reading each line in before it is written. The short kernels'
 * interior blocks store them so (the others as they come). AMD Zen 4,
 * AVX-512, alternating runs: B16 T1024 C512 K3 same, 32 MiB out, 3.66 ->
 * 2.65 ms; T2048 C5120 K4 causal SiLU, 40 MiB, 7.28 -> 6.06 ms (same bits);
 * with the next call on the output, see the plan in src/layer.c. Smaller
 * calls would cost the next reader its hits, and the call too (B2, 4 MiB
 * out: 133 -> 163 us).
 * AVX2's vectors are half lines: B16 4.06 -> 3.38 ms, but the Mamba shape
 * 12.3 -> 13.3 ms, so its blocks store as they go (see steps_stream). */
static bool streams_aligned(const struct dwconv1d_tile *tile) {
  return HAVE_VSTREAM && tile->stream_outputs && tile->output_stride % VLEN == 0 &&
         (uintptr_t)tile->output % (VLEN * sizeof(float)) == 0;
}

static bool stores_nontemporal(const struct dwconv1d_tile *tile) {
  return VLEN * sizeof(float) >= CACHE_LINE_BYTES && streams_aligned(tile);
}

/* In channels_last tiles, vectors narrower than a line (AVX2, SSE4.1)
 * store around the caches only a step at a time across the channels, so
 * that each output line is written whole and at once: blocks of steps
 * store a line's parts a block apart, and the stores went out in parts
 * (AVX2 blocks so stored: B8 T1024 C512 K3 3654 -> 7691 us, see
 * PERFORMANCE_HISTORY.md). Such steps load each tap's weights again for
 * every step, so only short kernels gain. AMD Zen 3, B8 T1024 C512 same,
 * medians of 5 alternating runs (us): AVX2 K3 4016 -> 3104 (with the next
 * call on the output, both 7523 -> 5195), K5 3766 -> 3189, K6 3648 ->
 * 3361, K7 3831 -> 4185; K4 causal 3877 -> 2788, C520 K3 3493 -> 2810,
 * dilation 2 3371 -> 2527; SSE4.1 K3 3802 -> 3411, K4 causal 3140 -> 2916,
 * K5 4691 -> 4643, K7 5247 -> 6070. SLEEF's activations keep the blocks.
 * Same bits either way. */
#define STEPS_STREAM_MAX_TAPS (VLEN / 2 + 2)
static bool steps_stream(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile) {
  return VLEN * sizeof(float) < CACHE_LINE_BYTES && streams_aligned(tile) &&
         tile->depth_multiplier <= 1 && tile->channels % VLEN == 0 &&
         g->kernel_size <= STEPS_STREAM_MAX_TAPS && !activation_calls(tile->activation);
}

/* The same along channels_first rows, for the shifting kernels' runs of
 * whole blocks that start on a vector boundary, where the call's output
 * alone passes the last-level cache (r->stream_outputs), and only without
 * an activation that calls SLEEF. Along rows a call's stores run at the
 * copy's rate: where input and output fit the cache together, as they do
 * in a repeated call on two buffers, stores around it only cost (AMD Zen
 * 4, AVX-512, B8 T1024 C512 K3 same, 16 MiB each: 915 -> 1643 us). Past
 * it, medians of 5 alternating runs (us): B16 2895 -> 2609, with a second
 * call on the output (time_layer next=1) 5614 -> 5475; B4 T8192 C512 K5
 * with the second call 10415 -> 8254. With SiLU, B2 T2048 C1536 K4 causal
 * and the second call 6652 -> 7671, B1 C5120 11140 -> 12740: those store
 * as they go. A block's vectors are consecutive along the row, so AVX2's
 * half lines fill whole ones too: AMD Zen 3, medians of 7-9 alternating
 * runs, the call / with the second call (us): B16 8363 -> 6638 / 15923 ->
 * 13260, B4 T8192 C512 K5 12941 -> 12450 / 25267 -> 23332, B8 T4096 C512
 * K7 stride 2 10681 -> 10139 / 17219 -> 16283. SSE4.1, which shifts rows
 * at stride 2 only, ran level (13652 -> 13045 / 20310 -> 20161). */
#ifdef VCONCAT_FROM
static bool rows_stream(const struct dwconv1d_rows *r) {
  return HAVE_VSTREAM && 2 * VLEN * sizeof(float) >= CACHE_LINE_BYTES && r->stream_outputs &&
         r->output_stride % VLEN == 0 && (r->activation == DWCONV1D_ACTIVATION_LINEAR ||
          r->activation == DWCONV1D_ACTIVATION_RELU);
}
#endif

/* Whether a dilated rows-of-channels tile gains from phases (see
 * conv_rows_blocks), whose blocks read rows d apart. Where d rows span a
 * whole number of 4 KiB, all of a block's UNROLL_T + K - 1 rows fall in one
 * L1 set. With 8 ways (AMD Zen 4) plain blocks (pairs of them where d is
 * whole blocks: see paired_block), whose taps read rows d apart K times
 * over from L1, run faster while the rows of their group fit the
 * smallest L1d of current x86 cores: avx512 T4096 C128 K3 d8 110 -> 79 us,
 * T2048 C256 K5 d4 122 -> 102 us, T1000 C64 K7 d16 16.4 -> 14.7 us, avx2
 * T4096 C128 K3 d8 160 -> 100 us; phases kept where the rows do not fit
 * (C512 K3 d8, 48 KiB: 219 against 344 us; C256 K9 d4, 40 KiB: 38 against
 * 44 us) or the stride is no multiple (C96 K3 d8, 3 KiB: 59 against 84 us).
 * With 12 ways (the Intel Xeon of the reports, 48 KiB) phases ran faster on
 * every one of those shapes: avx512 T4096 C128 K3 d8 168 -> 144 us, T2048
 * C256 K5 d4 157 -> 145 us, T1000 C128 K8 d8 24.5 -> 23.1 us; avx2 169 ->
 * 153, 174 -> 156, C64 K7 d16 23.9 -> 18.6 us. Vectors of 16 bytes keep
 * their phases: unphased, each loads a quarter line per tap, and SSE4.1 ran
 * that shape 12 % slower (187 -> 211 us). Same bits either way. */
static bool phases_pay(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile) {
  if (VLEN * sizeof(float) < 32 || tile->cpu.l1d_ways > FEW_L1D_WAYS)
    return true;
  /* d rows' bytes modulo a page, from operands reduced first so that no
   * product wraps; the span (so group_rows) is bounded by validation */
  const size_t row_bytes = tile->input_stride % PAGE_BYTES * sizeof(float);
  const bool whole_pages = g->dilation % PAGE_BYTES * row_bytes % PAGE_BYTES == 0;
  const size_t group_rows = UNROLL_T + g->dilation * (g->kernel_size - 1);
  return !whole_pages || group_rows > L1D_MIN_BYTES / (tile->channels * sizeof(float));
}

/* The run of every whole plain vector of a rows-of-channels tile, its
 * blocks from step t on (short kernels at stride 1: conv_rows_short_wide,
 * conv_rows_short_half). */
static struct block_run plain_vectors_run(const struct dwconv1d_geometry *g,
                                          const struct dwconv1d_tile *tile, size_t t) {
  return (struct block_run){
      .x = block_input(g, tile, tile->input, t),
      .row_stride = tile->input_stride,
      .y = tile->output + (t - tile->t_begin) * tile->output_stride,
      .out_stride = tile->output_stride,
      .w = tile->weights,
      .bias = tile->bias,
      .blocks = tile->channels / VLEN,
      .x_step = VLEN,
      .y_step = VLEN,
      .w_step = g->kernel_size * VLEN,
      .bias_step = VLEN,
      .lanes = VLEN,
      .act = tile->activation,
  };
}

#if WIDE_T > UNROLL_T
enum { LONG_ROW_BYTES = 2048 }; /* rows this long keep 8-step blocks past L2 */

/* Whether a rows-of-channels tile's interior steps take short blocks of
 * WIDE_T steps (see conv_run_short_wide): whole plain vectors, without
 * output prefetches, whose output stays in L2 or whose rows are short.
 * Xeon, alternating runs (us): T125 C512 K9 same 10.5 -> 10.0, T250 C512
 * K5 17.2 -> 15.1, T1000 C64 K9 9.6 -> 8.3, T2048 C32 K4 causal 9.2 ->
 * 7.4, T256 C256 K3 level. Past L2, rows of 2 KiB or more ran slower
 * (Xeon, Mamba T2048 C5120 K4 SiLU 4.89 -> 5.02 ms; Zen 4, T1024 C512 K3
 * 65.9 -> 77.0, T2048 C1536 K4 SiLU 2.14 -> 2.73 ms), shorter ones faster
 * (Zen 4: T4096 C128 K3 65.5 -> 57.4, T8192 C64 K5 71.9 -> 60.2, T4096
 * C384 K3 240 -> 210, B4 T2048 C256 K3 659 -> 612; C256 K5 and SiLU K4
 * level). Left out, as measured before: the prefetched, tail and
 * expanding forms (C67 K9 15.1 -> 21.6 us). Also left out for K <= 5 on
 * rows of a whole number of 4 KiB, whose rows of a block all fall in one
 * L1 set: 15 rows of a 12-step block where 8 ways hold 8 (Zen 4, C1024
 * T128 K4 causal, output 2 KiB past the input modulo 4 KiB: 30.3 -> 22.4
 * us; page-aligned output level; K9 8-step blocks 12 % slower). */
enum { SHORT_WIDE_PAGE_ROWS_MIN_TAPS = 6 };
static bool short_wide_blocks(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                              enum output_prefetch prefetch) {
  const size_t bytes = (tile->t_end - tile->t_begin) * tile->channels * sizeof(float);
  const bool short_rows = tile->output_stride * sizeof(float) < LONG_ROW_BYTES;
  const bool page_rows = tile->input_stride % (PAGE_BYTES / sizeof(float)) == 0;
  return is_short(g) && g->stride == 1 && tile->depth_multiplier == 1 &&
         tile->channels % VLEN == 0 && prefetch == PREFETCH_NONE &&
         (bytes < PREFETCH_L2_MIN_BYTES || short_rows) &&
         (!page_rows || g->kernel_size >= SHORT_WIDE_PAGE_ROWS_MIN_TAPS);
}

/* Interior steps [t, t + WIDE_T) of a tile that short_wide_blocks admits. */
static void conv_rows_short_wide(const struct dwconv1d_geometry *g,
                                 const struct dwconv1d_tile *tile, size_t t) {
  const struct block_run run = plain_vectors_run(g, tile, t);
  conv_run_short_wide_any(&run, g->kernel_size);
}
#endif

/* Distinct offsets modulo 4 KiB of rows `floats` long: where a row's lines
 * fall among the L1 sets. */
static inline size_t row_offsets(size_t floats) {
  const size_t bytes = floats * sizeof(float), low = bytes & (~bytes + 1);
  return low == 0 || low >= PAGE_BYTES ? 1 : PAGE_BYTES / low;
}

/* Lines of an n-step block of one channel vector in one L1 set, at worst
 * (its output rows in the sets of its input rows). */
static size_t block_lines_per_set(const struct dwconv1d_geometry *g,
                                  const struct dwconv1d_tile *tile, size_t n) {
  const size_t rows = (n - 1) * g->stride + g->kernel_size;
  const size_t in = row_offsets(tile->input_stride), out = row_offsets(tile->output_stride);
  return (rows + in - 1) / in + (n + out - 1) / out;
}

/* AVX2, K <= 11 at stride 1 or 2: half blocks where a whole block's lines
 * overflow an L1 set, so that its second vector's rows (the other half of
 * each line) have gone from L1. AMD Zen 3, 8 ways, medians of 7
 * alternating runs (us): stride 1 T938 C512 K7 same (Vocos, rows of 2 KiB:
 * 14 + 8 rows over 2 offsets, 11 lines a set) 216.8 -> 196.7, T125 C512 K7
 * 30.9 -> 28.8, K3 (9 lines) 132.5 -> 132.2 and 132 -> 119; stride 2 T2048
 * C512 K7 (15 lines) 389 -> 279; where they fit: T4096 C256 K7 stride 2
 * (8) level, T1024 C256 K5 81 -> 85, T4096 C128 K3 136 -> 146, T2048 C768
 * K4 causal 601 -> 657. Rows of 4 KiB past the page rule: T128 C1024 K4
 * causal, output 2 KiB on, 44.4 -> 35.6; K7 same 100.4 -> 82.5. K 9 in
 * place of the windows (same bits), medians of 7 rounds: T125 C512 same
 * (FastConformer) 28.9 -> 24.7, with ReLU 43.9 -> 33.6, T938 C512 291.5 ->
 * 212.8, T128 C1024 128.4 -> 108.5, T2048 C512 stride 2 692 -> 342; C520,
 * whose lines fit, not taken (23.4 / 24.6). K 10 and 11: T125 C512 46.8 ->
 * 36.5 and 49.0 -> 39.0, T938 C512 K11 367 -> 287, T2048 C512 K11 stride 2
 * 853 -> 444 (K 12 .. 15 at stride 2: see half_blocks_stride2); at stride
 * 1 K 13 56.9 -> 50.5 and K 15 level (63.6 / 63.8), the weights past the
 * registers: not taken. */
static bool half_blocks_by_sets(const struct dwconv1d_geometry *g,
                                const struct dwconv1d_tile *tile) {
  return HALF_BLOCKS_BY_SETS && (g->stride == 1 || g->stride == 2) &&
         g->kernel_size <= HALF_BLOCK_SETS_MAX_TAPS && tile->cpu.l1d_ways > 0 &&
         block_lines_per_set(g, tile, UNROLL_T) > tile->cpu.l1d_ways;
}

/* AVX2 at stride 2 with K past its short kernels: half blocks whether or
 * not the lines overflow a set, in place of loading every tap's input (the
 * weights past the registers from K 12 on). AMD Zen 3, medians of 7
 * alternating runs (us): T2048 C512 K15 1088 -> 644; of 9, where the lines
 * fit: T2048 C256 K9 181.4 -> 145.2, C520 K9 338.2 -> 315.8, C256 K11
 * level (172.2 / 170.9); 5 runs: T4096 C128 K15 219.9 -> 204.3, T1000 C64
 * K9 20.3 -> 16.9. */
static bool half_blocks_stride2(const struct dwconv1d_geometry *g) {
  return HALF_BLOCKS_BY_SETS && g->stride == 2 && g->kernel_size > SHORT_TAPS &&
         g->kernel_size <= HALF_BLOCK_STRIDE2_MAX_TAPS;
}

/* Whether a rows-of-channels tile's interior steps take half blocks (see
 * conv_run_short_half): short kernels at stride 1 over rows of a whole
 * number of 4 KiB, whose rows of a channel vector all fall in one L1 set,
 * and whose output lies less than HALF_BLOCK_MAX_APART bytes past the
 * input modulo 4 KiB, so that a block's output rows fall in that set too:
 * 8 + K - 1 input and 8 output lines of a block where the set holds 8.
 * Half blocks touch 4 + K - 1 and 4. AMD Zen 4, alternating runs, both
 * buffers on a page (us): AVX-512 T128 C1024 K4 causal 33.0 -> 28.4
 * (20.1 with the output 2 KiB on), K1 valid 23.0 -> 14.3, K5 same 33.4
 * -> 30.5, T256 K3 same 53.0 -> 43.4, T64 C2048 K4 causal 29.9 -> 26.0;
 * output 256 bytes past the input 24.0 -> 22.0; AVX2 T128 C1024 K4 41.8
 * -> 29.7. Elsewhere level or 2-3 % slower (output 2 KiB or 1 KiB on),
 * and slower with a SLEEF activation, whose per-block call then runs
 * twice as often (T16 C5120 K4 SiLU 59.5 -> 62.3, T2048 C1024 1185 ->
 * 1272). Vectors of 16 bytes keep their blocks (unmeasured). AVX2 also
 * wherever a block's lines overflow a set (half_blocks_by_sets) and at
 * stride 2 past its short kernels (half_blocks_stride2). */
enum { HALF_BLOCK_MAX_TAPS = 5, HALF_BLOCK_MAX_APART = 512 };
static bool short_half_blocks(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                              enum output_prefetch prefetch) {
  const bool page_rows = tile->input_stride % (PAGE_BYTES / sizeof(float)) == 0 &&
                         tile->output_stride % (PAGE_BYTES / sizeof(float)) == 0;
  const uintptr_t apart = ((uintptr_t)tile->output - (uintptr_t)tile->input) % PAGE_BYTES;
  const bool pages = page_rows && apart < HALF_BLOCK_MAX_APART && g->stride == 1 &&
                     g->kernel_size <= HALF_BLOCK_MAX_TAPS;
  return VLEN * sizeof(float) >= 32 &&
         (pages || half_blocks_by_sets(g, tile) || half_blocks_stride2(g)) &&
         g->dilation == 1 && tile->depth_multiplier <= 1 && tile->channels % VLEN == 0 &&
         prefetch == PREFETCH_NONE && !activation_calls(tile->activation);
}

/* Interior steps [t, t + groups * UNROLL_T / 2) of a tile that
 * short_half_blocks admits, as one run of half blocks (see
 * conv_rows_interior), from the last vector where `descending`. */
static void conv_rows_short_half(const struct dwconv1d_geometry *g,
                                 const struct dwconv1d_tile *tile, size_t t, size_t groups,
                                 bool descending) {
  struct block_run run = plain_vectors_run(g, tile, t);
  run.descending = descending;
  run.groups = groups;
  conv_run_short_half_any(&run, g->kernel_size, g->stride);
}

/* Rows of many channels (a row per step, channel vectors side by side): a
 * group of steps at a time, across every channel vector, so the rows come
 * from memory once and in order. A dilated kernel's group is d
 * interleaved blocks (see conv_rows_blocks) where phases pay: short
 * kernels, or windows where the ISA has them; borders go vector by vector. */
static void conv_tile_rows_blocks(const struct dwconv1d_geometry *g,
                                  const struct dwconv1d_tile *tile, size_t int_lo, size_t int_hi,
                                  const enum output_prefetch prefetch) {
  /* A group of UNROLL_T * d steps must fit the tile: d is unbounded (and
   * with K = 1 any d is valid), so the product could wrap otherwise. */
  const bool phased = g->dilation > 1 && g->stride == 1 && g->kernel_size > 1 &&
                      (g->kernel_size <= SHORT_TAPS || HAVE_WINDOW) &&
                      g->dilation <= (tile->t_end - tile->t_begin) / UNROLL_T &&
                      phases_pay(g, tile);
  const size_t phases = phased ? g->dilation : 1, group = UNROLL_T * phases;
  /* unphased dilations that are whole blocks: pairs of blocks d apart */
  const bool paired = !phased && g->dilation > 1 && g->dilation % UNROLL_T == 0 &&
                      g->stride == 1 && g->kernel_size >= 2 && g->kernel_size <= PAIRED_TAPS;
  struct dwconv1d_geometry inner = *g;
  inner.dilation = phased ? 1 : g->dilation;
#if WIDE_T > UNROLL_T
  const bool short_wide = short_wide_blocks(g, tile, prefetch);
#endif
  const bool short_half = short_half_blocks(g, tile, prefetch);
  const bool descending = channels_descending(tile->input, tile->output, tile->input_stride,
                                              tile->output_stride);
  for (size_t t = tile->t_begin; t < tile->t_end;) {
    const size_t interior_end = int_hi < tile->t_end ? int_hi : tile->t_end;
    if (short_half && t >= int_lo && t + UNROLL_T <= interior_end) {
      const size_t n = (interior_end - t) / UNROLL_T; /* whole blocks, two halves each */
      conv_rows_short_half(g, tile, t, 2 * n, descending);
      t += n * UNROLL_T;
      continue;
    }
#if WIDE_T > UNROLL_T
    if (short_wide && t >= int_lo && t + WIDE_T <= int_hi && t + WIDE_T <= tile->t_end) {
      conv_rows_short_wide(g, tile, t);
      t += WIDE_T;
      continue;
    }
    if (wide_blocks(g, VLEN) && t >= int_lo && t + WIDE_T <= int_hi &&
        t + WIDE_T <= tile->t_end) {
      conv_rows_wide(g, tile, t);
      t += WIDE_T;
      continue;
    }
#endif
    if (paired && t >= int_lo && t <= int_hi && int_hi - t >= 2 * g->dilation &&
        tile->t_end - t >= 2 * g->dilation) { /* t + 2 d could wrap */
      for (size_t o = 0; o < g->dilation; o += UNROLL_T)
        conv_rows_paired(g, tile, t + o);
      t += 2 * g->dilation;
      continue;
    }
    if (t >= int_lo && t + group <= int_hi && t + group <= tile->t_end) {
      if (phases == 1) {
        const size_t n = (interior_end - t) / UNROLL_T;
        conv_rows_interior(g, tile, t, n, prefetch, descending);
        t += n * UNROLL_T;
        continue;
      }
      for (size_t p = 0; p < phases; p++)
        conv_rows_blocks(&inner, tile, t + p, phases, 1, prefetch, descending);
      t += group;
      continue;
    }
    if (tile->t_end - t < UNROLL_T && tile->t_end - tile->t_begin >= UNROLL_T)
      t = tile->t_end - UNROLL_T; /* a whole last block, overlapping the one before (same bits) */
    const size_t n = wide_blocks(g, VLEN) && tile->t_end - t >= WIDE_T && t < int_lo
                         ? WIDE_T
                         : UNROLL_T; /* the first border steps as wide blocks */
    const size_t t1 = tile->t_end - t < n ? tile->t_end : t + n;
    if (t >= int_lo && t1 <= int_hi && t1 - t == UNROLL_T)
      conv_rows_blocks(g, tile, t, 1, 1, prefetch, descending);
    else if (t >= int_lo && t1 <= int_hi) /* interior steps short of a block */
      conv_steps_across(g, tile, t, t1);
    else if (rows_border(g, tile, t1 - t))
      conv_rows_border(g, tile, t, t1 - t, int_lo, int_hi);
    else
      for (size_t c = 0; c < tile->channels; c += VLEN)
        conv_channel_vector(g, tile, c, t, t1, int_lo, int_hi);
    t = t1;
  }
}

/* Interior steps [t0, t1) of a tile that steps_stream admits. */
static void conv_steps_streamed(const struct dwconv1d_geometry *g,
                                const struct dwconv1d_tile *tile, size_t t0, size_t t1) {
  const size_t group = UNROLL_T * VLEN, whole = tile->channels / group * group;
  const size_t k = g->kernel_size, tap = g->dilation * tile->input_stride;
  for (size_t t = t0; t < t1; t++) {
    const float *x = block_input(g, tile, tile->input, t);
    float *y = tile->output + (t - tile->t_begin) * tile->output_stride;
    for (size_t c = 0; c < whole; c += group)
      step_vectors(x + c, tap, tile->weights + c * k, k, tile->bias + c, y + c, tile->activation,
                   true);
    for (size_t c = whole; c < tile->channels; c += VLEN)
      vstream(y + c, activate(step_vector_sum(x + c, tap, tile->weights + c * k, k,
                                              tile->bias + c, 0),
                              tile->activation));
  }
}

/* Steps [t0, t1) of a tile as a tile of their own, stored as they come. */
static void conv_tile_rows_part(const struct dwconv1d_geometry *g,
                                const struct dwconv1d_tile *tile, size_t t0, size_t t1,
                                size_t int_lo, size_t int_hi) {
  if (t0 >= t1)
    return;
  struct dwconv1d_tile part = *tile;
  part.t_begin = t0;
  part.t_end = t1;
  part.output = tile->output + (t0 - tile->t_begin) * tile->output_stride;
  conv_tile_rows_blocks(g, &part, int_lo, int_hi, output_prefetch_for(&part));
}

/* A rows-of-channels tile: its interior steps one at a time where
 * steps_stream says, else all of it in blocks (conv_tile_rows_blocks);
 * stores around the caches fenced before the caller (or another thread)
 * reads them. */
static void conv_tile_rows(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile,
                           size_t int_lo, size_t int_hi) {
  const size_t lo = int_lo > tile->t_begin ? int_lo : tile->t_begin;
  const size_t hi = int_hi < tile->t_end ? int_hi : tile->t_end;
  if (lo < hi && steps_stream(g, tile)) {
    conv_tile_rows_part(g, tile, tile->t_begin, lo, int_lo, int_hi);
    conv_steps_streamed(g, tile, lo, hi);
    conv_tile_rows_part(g, tile, hi, tile->t_end, int_lo, int_hi);
    vstream_fence();
    return;
  }
  const bool nontemporal = stores_nontemporal(tile);
  conv_tile_rows_blocks(g, tile, int_lo, int_hi,
                        nontemporal ? STORE_NONTEMPORAL : output_prefetch_for(tile));
  if (nontemporal)
    vstream_fence();
}

/* Channel blocks (each vector's rows contiguous, as gathered): all the
 * tile's steps per channel vector, so its rows and weights are fetched into
 * L1 once. */
static void conv_tile(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile) {
  size_t int_lo, int_hi;
  interior_steps(g, &int_lo, &int_hi);
  if (tile->channel_stride == VLEN) {
    conv_tile_rows(g, tile, int_lo, int_hi);
    return;
  }
  for (size_t c = 0; c < tile->channels; c += VLEN)
    conv_channel_vector(g, tile, c, tile->t_begin, tile->t_end, int_lo, int_hi);
}

/* ---- channels_first, stride 1 or 2: vectors along steps ---- */

#ifndef VLOAD_LANE_RANGE
/* Lanes [lo, hi) from p[0 .. hi - lo), zeros elsewhere (lo < hi <= VLEN);
 * only border vectors take this path. */
static inline vfloat vload_lane_range(const float *p, size_t lo, size_t hi) {
  float tmp[VLEN];
  for (size_t l = 0; l < VLEN; l++)
    tmp[l] = l >= lo && l < hi ? p[l - lo] : 0.0f;
  return vload(tmp);
}
#endif

/* VLEN steps from p[0], `stride` (1 or 2) floats apart. With stride 2 the
 * second load reaches p[2 * VLEN - 1], one float past the last step. */
static inline vfloat load_steps(const float *p, size_t stride) {
  return stride == 1 ? vload(p) : veven(vload(p), vload(p + VLEN));
}

/* `lanes` (<= VLEN) input floats from padded index e (input step
 * e - pad_left) on, zeros for those in the padding and lanes past `lanes`. */
static inline vfloat load_padded(const struct dwconv1d_geometry *g, const float *x, size_t e,
                                 size_t lanes) {
  const size_t end = g->in_steps + g->pad_left; /* padded index past the input */
  size_t lo = e < g->pad_left ? g->pad_left - e : 0;
  size_t hi = end > e ? end - e : 0;
  lo = lo < lanes ? lo : lanes;
  hi = hi < lanes ? hi : lanes;
  if (lo == 0 && hi == lanes)
    return load_lanes(x + (e - g->pad_left), lanes);
  return lo < hi ? vload_lane_range(x + (e + lo - g->pad_left), lo, hi) : vzero();
}

/* The input of `lanes` steps from t at tap j: lanes whose step falls in
 * the padding read zeros. */
static inline vfloat rows_load_tap(const struct dwconv1d_geometry *g, const float *x, size_t t,
                                   size_t j, size_t lanes) {
  if (g->stride != 1) { /* stride 2: lane l reads padded index first + 2l */
    const size_t first = t * 2 + j * g->dilation, floats = 2 * lanes - 1;
    const vfloat a = load_padded(g, x, first, floats < VLEN ? floats : VLEN);
    const vfloat b = floats > VLEN ? load_padded(g, x, first + VLEN, floats - VLEN) : vzero();
    return veven(a, b);
  }
  return load_padded(g, x, t + j * g->dilation, lanes);
}

/* Up to VLEN steps from t (`lanes` of them), any of whose taps may fall in
 * the padding unless `inside`; one accumulator, as in conv_step_general. */
static void rows_vector_general(const struct dwconv1d_geometry *g, bool inside, const float *x,
                                const float *w, float bias, size_t t, size_t lanes, float *y,
                                dwconv1d_activation act) {
  vfloat acc = vset1(bias);
  for (size_t j = 0; j < g->kernel_size; j++) {
    const vfloat xj = inside ? load_steps(x + t * g->stride + j * g->dilation - g->pad_left,
                                          g->stride)
                             : rows_load_tap(g, x, t, j, lanes);
    acc = vfmadd(xj, vset1(w[j * VLEN]), acc);
  }
  store_lanes(y, activate(acc, act), lanes);
}

/* UNROLL_T vectors of steps from t, all taps inside the input. `x` is the
 * input of step t's tap 0. */
static inline void rows_block_interior(const float *x, size_t stride, size_t dilation,
                                       const float *w, size_t kernel_size, float bias, float *y,
                                       dwconv1d_activation act) {
  vfloat acc[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    acc[r] = vset1(bias);
  size_t j = 0;
  do { /* kernel_size >= 1 (see conv_block_interior) */
    const vfloat wj = vset1(w[j * VLEN]);
    const float *xj = x + j * dilation;
    for (size_t r = 0; r < UNROLL_T; r++)
      acc[r] = vfmadd(load_steps(xj + r * VLEN * stride, stride), wj, acc[r]);
  } while (++j < kernel_size);
  store_rows(y, VLEN, acc, VLEN, act);
}

#ifdef VCONCAT_FROM
/* The phases of the `extra` floats after a block (see shifted_input). */
static inline __attribute__((always_inline)) void
shifted_tail(const float *after, const size_t extra, const size_t s, vfloat phase[2]) {
  const vfloat tail = extra > 0 ? load_lanes(after, extra < VLEN ? extra : VLEN) : vzero();
  const vfloat tail2 = s == 2 && extra > VLEN ? vload_tail(after + VLEN, extra - VLEN) : vzero();
  phase[0] = s == 1 ? tail : veven(tail, tail2);
  phase[1] = s == 1 ? tail : vodd(tail, tail2);
}

/* The first input vector of a block whose first `lead` (<= VLEN) floats
 * are the padding's zeros and whose others start at x. */
static inline vfloat lead_vector(const float *x, size_t lead) {
  return lead == 0 ? vload(x) : lead < VLEN ? vload_lane_range(x, lead, VLEN) : vzero();
}

/* Phase p (< s) of the block's input vector r, r = nv being the floats
 * after the block: the last taps' k - 1 only (stride 2: the last of them
 * one past the last tap), in one vector or with stride 2 two, of which the
 * row holds `left` (zeros past it). The block's input float i is
 * x[i - lead]: the first `lead` (<= VLEN) are zeros before the row. */
static inline __attribute__((always_inline)) void
shifted_input(const float *x, const size_t k, const size_t s, const size_t nv, size_t r,
              size_t left, size_t lead, vfloat phase[2]) {
  if (r == nv) {
    shifted_tail(x + (s * nv * VLEN - lead), k - 1 < left ? k - 1 : left, s, phase);
  } else if (s == 1) {
    phase[0] = phase[1] = r > 0 ? vload(x + (r * VLEN - lead)) : lead_vector(x, lead);
  } else {
    const vfloat a = r > 0 ? vload(x + (2 * r * VLEN - lead)) : lead_vector(x, lead);
    const vfloat b = vload(x + ((2 * r + 1) * VLEN - lead));
    phase[0] = veven(a, b);
    phase[1] = vodd(a, b);
  }
}

/* From this K on (stride 1), the odd output vectors but the last, whose
 * inputs pass the block, load their inputs unaligned instead of shifting
 * them: the shifts share the FMAs' pipes and the loads do not (AMD Zen 4,
 * channels_first T1000 C128, avx512: K6 24.4 -> 23.5 us, K9 34.2 -> 30.6,
 * K15 55.0 -> 47.6; T938 C512 K7 129 -> 120; K5 even, K4 18.4 -> 19.6 and
 * K3 17.2 -> 22.3, where the shifts are few; avx2: K6 27.5 -> 26.1, K8
 * 35.8 -> 32.8, T938 C512 K7 123.6 -> 117.1; K4 and K5 3 % faster, K3 2 %
 * slower). */
enum { SHIFTED_LOADS_MIN_TAPS = 6 };

/* rows_block_interior for stride s (1 or 2), dilation 1 and a constant K
 * (see shifted_blocks): the block's input loaded once, and tap j's inputs taken from
 * two neighbouring vectors by one shuffle, where loading them cost a
 * line-splitting load per FMA (channels_first C67 K5 12.5 -> 9.6 us, K9
 * 21.5 -> 14.5 us, Vocos 149 -> 131 us). With stride 2 the even and the
 * odd floats are separated first: tap j reads phase j % 2, j / 2 lanes on.
 * With 32 registers the whole input stays in registers and the taps go
 * across the block; with 16 it does not, so each output vector takes its
 * taps from its own input vector and the next (AVX2 channels_first B1
 * T938 C512 K7 174 -> 148 us, K7 stride 2 289 -> 260 us; taps across the
 * block spilled and ran slower). Vector layers of 16 bytes shift at
 * stride 2 only (VCONCAT_MIN_STRIDE): one load in four splits a line
 * there, and a load per tap is cheaper than a shift at stride 1. */
static inline __attribute__((always_inline)) void
rows_block_shifted(const float *x, size_t left, size_t lead, const float *w, const size_t k,
                   const size_t s, const size_t nv, float bias, float *y,
                   dwconv1d_activation act, bool nontemporal) {
  vfloat acc[UNROLL_T];
  for (size_t r = 0; r < nv; r++)
    acc[r] = vset1(bias);
#if VREGS >= 32
  vfloat phase[UNROLL_T + 1][2];
  for (size_t r = 0; r <= nv; r++)
    shifted_input(x, k, s, nv, r, left, lead, phase[r]);
UNROLL_FULL
  for (size_t j = 0; j < k; j++) {
    const vfloat wj = vset1(w[j * VLEN]);
    const size_t p = j % s, n = j / s;
UNROLL_FULL
    for (size_t r = 0; r < nv; r++)
      acc[r] = vfmadd(s == 1 && k >= SHIFTED_LOADS_MIN_TAPS && r % 2 && r + 1 < nv
                          ? vload(x + (r * VLEN + j - lead))
                          : vconcat_from(phase[r][p], phase[r + 1][p], n),
                      wj, acc[r]);
  }
#else
  vfloat cur[2], next[2];
  shifted_input(x, k, s, nv, 0, left, lead, cur);
UNROLL_FULL
  for (size_t r = 0; r < nv; r++) {
    shifted_input(x, k, s, nv, r + 1, left, lead, next);
UNROLL_FULL
    for (size_t j = 0; j < k; j++)
      acc[r] = vfmadd(s == 1 && k >= SHIFTED_LOADS_MIN_TAPS && r % 2 && r + 1 < nv
                          ? vload(x + (r * VLEN + j - lead))
                          : vconcat_from(cur[j % s], next[j % s], j / s),
                      vset1(w[j * VLEN]), acc[r]);
    cur[0] = next[0], cur[1] = next[1];
  }
#endif
  store_rows_out(y, VLEN, acc, nv, VLEN, act, nontemporal);
}

/* `blocks` consecutive blocks of NV vectors for a constant K, at stride 1
 * or 2 (see shifted_blocks). The K tests are constants: no code for the K
 * a stride's shifts cannot take. */
static inline __attribute__((always_inline)) void
rows_blocks_shifted_k(const float *x, size_t left, size_t lead, const float *w, const size_t k,
                      size_t s, const size_t nv, float bias, float *y, size_t blocks,
                      dwconv1d_activation act, bool nontemporal) {
  if (s == 1 && k <= VLEN) {
    for (size_t b = 0; b < blocks; b++)
      rows_block_shifted(x + b * nv * VLEN, left, lead, w, k, 1, nv, bias, y + b * nv * VLEN,
                         act, nontemporal);
  } else if (s == 2 && k < 2 * VLEN) {
    for (size_t b = 0; b < blocks; b++)
      rows_block_shifted(x + b * 2 * nv * VLEN, left, lead, w, k, 2, nv, bias,
                         y + b * nv * VLEN, act, nontemporal);
  }
}

/* Per K, the four uses below, each an instance of its own (see INSTANCE):
 * whole blocks in place, a first block with a lead, a last block with a
 * tail, a half block. */
#define ROWS_SHIFTED_INSTANCES(K)                                                            \
  INSTANCE void rows_blocks_shifted_##K(const float *x, const float *w, size_t s, float bias, \
                                        float *y, size_t blocks, dwconv1d_activation act,   \
                                        bool nontemporal) {                                  \
    rows_blocks_shifted_k(x, K, 0, w, K, s, UNROLL_T, bias, y, blocks, act, nontemporal);    \
  }                                                                                          \
  INSTANCE void rows_block_shifted_lead_##K(const float *x, size_t lead, const float *w,     \
                                            size_t s, float bias, float *y,                  \
                                            dwconv1d_activation act) {                       \
    rows_blocks_shifted_k(x, K, lead, w, K, s, UNROLL_T, bias, y, 1, act, false);            \
  }                                                                                          \
  INSTANCE void rows_block_shifted_tail_##K(const float *x, size_t left, const float *w,     \
                                            size_t s, float bias, float *y,                  \
                                            dwconv1d_activation act) {                       \
    rows_blocks_shifted_k(x, left, 0, w, K, s, UNROLL_T, bias, y, 1, act, false);            \
  }                                                                                          \
  INSTANCE void rows_half_block_shifted_##K(const float *x, const float *w, size_t s,        \
                                            float bias, float *y, dwconv1d_activation act) { \
    rows_blocks_shifted_k(x, K, 0, w, K, s, UNROLL_T / 2, bias, y, 1, act, false);           \
  }
/* Every K of 1 .. SHIFTED_MAX_TAPS: the table below is indexed by K. */
enum { SHIFTED_MAX_TAPS = 15 };
#define ROWS_SHIFTED_KS(X)                                                                   \
  X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
ROWS_SHIFTED_KS(ROWS_SHIFTED_INSTANCES)
#undef ROWS_SHIFTED_INSTANCES
#define ROWS_SHIFTED_ONE(K) +1
_Static_assert(0 ROWS_SHIFTED_KS(ROWS_SHIFTED_ONE) == SHIFTED_MAX_TAPS,
               "ROWS_SHIFTED_KS lists every K of 1 .. SHIFTED_MAX_TAPS");
#undef ROWS_SHIFTED_ONE

/* The instances by K, for the K of shifted_blocks (1 .. SHIFTED_MAX_TAPS). */
static const struct {
  void (*blocks)(const float *, const float *, size_t, float, float *, size_t,
                 dwconv1d_activation, bool);
  void (*lead)(const float *, size_t, const float *, size_t, float, float *, dwconv1d_activation);
  void (*tail)(const float *, size_t, const float *, size_t, float, float *, dwconv1d_activation);
  void (*half)(const float *, const float *, size_t, float, float *, dwconv1d_activation);
} rows_shifted[SHIFTED_MAX_TAPS + 1] = {
#define ROWS_SHIFTED_ENTRY(K)                                                                \
  [K] = {rows_blocks_shifted_##K, rows_block_shifted_lead_##K, rows_block_shifted_tail_##K,  \
         rows_half_block_shifted_##K},
    ROWS_SHIFTED_KS(ROWS_SHIFTED_ENTRY)
#undef ROWS_SHIFTED_ENTRY
};

/* Whether rows_blocks_shifted_any takes K: 1 .. SHIFTED_MAX_TAPS whose
 * taps shift by less than a vector, at the strides the vector layer shifts
 * for. */
#ifndef VCONCAT_MIN_STRIDE
#define VCONCAT_MIN_STRIDE 1
#endif
static inline bool shifted_blocks(const struct dwconv1d_geometry *g) {
  return g->dilation == 1 && g->kernel_size <= SHIFTED_MAX_TAPS &&
         g->stride >= VCONCAT_MIN_STRIDE &&
         (g->stride == 1 ? g->kernel_size <= VLEN : g->kernel_size < 2 * VLEN);
}

/* rows_block_shifted for `blocks` consecutive blocks and K of 1 ..
 * SHIFTED_MAX_TAPS whose taps shift by less than a vector (see
 * shifted_blocks), stored around the caches where `nontemporal` (y aligned
 * to a vector, see rows_stream). A row's blocks in one call, K and s
 * looked up once, in place of a call per block (AMD Zen 4, channels_first,
 * same): AVX-512 T938 C512 K7 105.3 -> 103.8 us, T4096 C256 K7 stride 2
 * 143.2 -> 138.1; AVX2 132.6 -> 128.8 and 172.6 -> 160.9; SSE4.1 stride 2
 * 455.5 -> 377.9. But B8 T1024 C512 K3, from memory, 3-5 % slower (769 ->
 * 794 us). */
static void rows_blocks_shifted_any(const float *x, const float *w, size_t k, size_t s,
                                    float bias, float *y, size_t blocks,
                                    dwconv1d_activation act, bool nontemporal) {
  rows_shifted[k].blocks(x, w, s, bias, y, blocks, act, nontemporal);
}

/* One block whose first `lead` (1 .. VLEN) input floats are the padding
 * before the row (x its first float) and whose others, the tails' too, lie
 * in the row: a row's first block in place, the padding read as zero lanes,
 * in place of the padded copy it ran on (AMD Zen 4, channels_first, same:
 * AVX-512 C512 T938 K7 96.0 -> 88.1 us, C67 T1000 K5 10.8 -> 10.1, C256
 * T4096 K7 stride 2 123.1 -> 117.7; AVX2 T938 K7 117.9 -> 111.1). Its
 * instances out of line, as the tails'. */
static void rows_block_shifted_lead_any(const float *x, size_t lead, const float *w, size_t k,
                                        size_t s, float bias, float *y,
                                        dwconv1d_activation act) {
  rows_shifted[k].lead(x, lead, w, s, bias, y, act);
}

/* One block whose input lies in the row but for the floats after it, of
 * which the row holds only `left` (< K - 1): zeros past it, in place of
 * the padded copy the block ran on before (AMD Zen 4, channels_first,
 * same: AVX-512 T4096 C256 K7 stride 2 128.2 -> 123.3 us, T512 C256 K7
 * stride 2 27.2 -> 21.4, T1024 C64 K3 7.66 -> 7.21; AVX2 stride 2 161.4
 * -> 157.5). Instances out of line, like the half blocks': the count read
 * at run time in every block cost the others 1-3 %, and the blocks' loop
 * peeled for it 5-11 %. */
static void rows_block_shifted_tail_any(const float *x, size_t left, const float *w, size_t k,
                                        size_t s, float bias, float *y,
                                        dwconv1d_activation act) {
  rows_shifted[k].tail(x, left, w, s, bias, y, act);
}

/* The same for a block of UNROLL_T / 2 vectors: a row's last block when
 * half a block or less is wanted. Instances out of line: inlined into the
 * rows' loop they cost SSE4.1 channels_first stride 2 3 % where they never
 * ran. */
static void rows_half_block_shifted_any(const float *x, const float *w, size_t k, size_t s,
                                        float bias, float *y, dwconv1d_activation act) {
  rows_shifted[k].half(x, w, s, bias, y, act);
}

/* rows_blocks_shifted_any for the block of output steps from t whose input
 * runs past either end of the row, or of which only n (< UNROLL_T * VLEN)
 * are wanted: its input gathered first as whole vectors on the stack,
 * zeros in the padding, which the block loads back whole, so that each load
 * finds its data in one store (same bits: padding taps are multiplied like
 * any other). In place of vector-by-vector steps at the borders and a last
 * block overlapping the one before (AMD Zen 4, channels_first, same):
 * AVX-512 T938 C512 K7 120 -> 111 us, T4096 C256 K7 stride 2 150 -> 143;
 * AVX2 147 -> 132 and 221 -> 175. A last block of half a block or less
 * computes only half (AVX-512 T938 C512 K7 109.5 -> 104.9 us, T2100 C256
 * K7 stride 2 83.4 -> 80.7; AVX2 that 100.5 -> 99.6). */
static void rows_block_shifted_padded(const struct dwconv1d_geometry *g, const float *x,
                                      const float *w, float bias, size_t t, size_t n, float *y,
                                      dwconv1d_activation act) {
  enum { BLOCK = UNROLL_T * VLEN };
  /* a block reads s * BLOCK + K - 1 floats, stride 2 one more: K covers both */
  _Alignas(64) float in[(2 * UNROLL_T + 2) * VLEN];
  float out[BLOCK];
  const bool half = n <= BLOCK / 2;
  const size_t first = t * g->stride, floats = g->stride * BLOCK + g->kernel_size;
  for (size_t i = 0; i < floats; i += VLEN)
    vstore(in + i, load_padded(g, x, first + i, VLEN));
  if (n == BLOCK) {
    rows_blocks_shifted_any(in, w, g->kernel_size, g->stride, bias, y, 1, act, false);
    return;
  }
  if (half)
    rows_half_block_shifted_any(in, w, g->kernel_size, g->stride, bias, out, act);
  else
    rows_blocks_shifted_any(in, w, g->kernel_size, g->stride, bias, out, 1, act, false);
  for (size_t i = 0; i < n; i += VLEN) /* by vectors: memcpy compiled to rep movsq */
    store_lanes(y + i, vload(out + i), n - i < VLEN ? n - i : VLEN);
}

#ifdef VHALVES
/* Stride 2 along a row, K of HALVES_MIN_TAPS .. HALVES_MAX_TAPS: n outputs
 * from y and the n after them side by side, each part in one half of
 * every vector, so that splitting the even and odd floats and shifting the
 * taps never crosses the halves (veven, vodd and vconcat_from each take a
 * lane-crossing permute). n is a multiple of HALVES_GROUP * VHALF; x is
 * the input of y's first tap 0, the second part's 2 n floats on; the last
 * group reads 2 VHALF floats from x + 4 n on, where the next block's
 * input starts (see rows_blocks_stride2_halves). Each
 * output adds its taps in order from the bias: the bits of
 * rows_block_shifted. AMD Zen 3, AVX2, channels_first T4096 C64 stride 2
 * same, one process, medians of 7 rounds of 400 calls (us): K5 58.0 ->
 * 52.9, K7 76.3 -> 67.6, K9 76.3 -> 65.2; K3 level or slower (38.4 ->
 * 39.7), so it keeps the blocks, as do activations other than ReLU (SiLU's
 * call per vector spills the weights and phases: T8192 C256 K7 2267 ->
 * 3020; with activate()'s switch in the loop ReLU ran 78.5 -> 93.1). */
enum { HALVES_GROUP = 4, HALVES_MIN_TAPS = 5, HALVES_MAX_TAPS = 2 * VHALF + 1 };

/* The even and odd floats of the 2 VHALF inputs from x, and from xh in the
 * upper halves. */
static inline __attribute__((always_inline)) void
halves_phases(const float *x, const float *xh, vfloat *even, vfloat *odd) {
  const vfloat a = vload_halves(x, xh), b = vload_halves(x + VHALF, xh + VHALF);
  *even = veven_halves(a, b);
  *odd = vodd_halves(a, b);
}

static inline __attribute__((always_inline)) void
rows_halves_k(const float *x, const float *w, const size_t k, float bias, float *y, size_t n,
              const bool relu) {
  vfloat wv[HALVES_MAX_TAPS], e[HALVES_GROUP + 1], o[HALVES_GROUP + 1];
  for (size_t j = 0; j < k; j++)
    wv[j] = vset1(w[j * VLEN]);
  const float *xh = x + 2 * n;
  halves_phases(x, xh, &e[0], &o[0]);
  for (size_t i = 0; i < n; i += HALVES_GROUP * VHALF) {
    vfloat acc[HALVES_GROUP];
UNROLL_FULL
    for (size_t g = 0; g < HALVES_GROUP; g++) {
      const size_t at = 2 * (i + (g + 1) * VHALF);
      halves_phases(x + at, xh + at, &e[g + 1], &o[g + 1]);
      acc[g] = vset1(bias);
UNROLL_FULL
      for (size_t j = 0; j < k; j++)
        acc[g] = vfmadd(vconcat_halves(j % 2 ? o[g] : e[g], j % 2 ? o[g + 1] : e[g + 1], j / 2),
                        wv[j], acc[g]);
    }
    for (size_t g = 0; g < HALVES_GROUP; g++)
      vstore_halves(y + i + g * VHALF, y + n + i + g * VHALF,
                    relu ? vmax(vzero(), acc[g]) : acc[g]);
    e[0] = e[HALVES_GROUP], o[0] = o[HALVES_GROUP];
  }
}

#define ROWS_HALVES_INSTANCE(K)                                                              \
  INSTANCE void rows_halves_##K(const float *x, const float *w, float bias, float *y,        \
                                size_t n, dwconv1d_activation act) {                         \
    if (act == DWCONV1D_ACTIVATION_RELU)                                                     \
      rows_halves_k(x, w, K, bias, y, n, true);                                              \
    else                                                                                     \
      rows_halves_k(x, w, K, bias, y, n, false);                                             \
  }
#define ROWS_HALVES_KS(X) X(5) X(6) X(7) X(8) X(9)
ROWS_HALVES_KS(ROWS_HALVES_INSTANCE)
#undef ROWS_HALVES_INSTANCE

static void (*const rows_halves[HALVES_MAX_TAPS + 1])(const float *, const float *, float,
                                                      float *, size_t, dwconv1d_activation) = {
#define ROWS_HALVES_ENTRY(K) [K] = rows_halves_##K,
    ROWS_HALVES_KS(ROWS_HALVES_ENTRY)
#undef ROWS_HALVES_ENTRY
};

static inline bool stride2_halves(const struct dwconv1d_geometry *g, dwconv1d_activation act) {
  return g->stride == 2 && g->kernel_size >= HALVES_MIN_TAPS &&
         g->kernel_size <= HALVES_MAX_TAPS &&
         (act == DWCONV1D_ACTIVATION_LINEAR || act == DWCONV1D_ACTIVATION_RELU);
}

/* Of `blocks` (> 2) whole blocks at stride 2 whose taps all lie in the row
 * (see stride2_halves), the first pairs as a row's two parts side by side
 * (see rows_halves_k), the last one or two as rows_blocks_shifted_any's,
 * so that the second part's reads past its input stay in the row. */
static void rows_blocks_stride2_halves(const float *x, const float *w, size_t k, float bias,
                                       float *y, size_t blocks, dwconv1d_activation act) {
  enum { BLOCK = UNROLL_T * VLEN };
  const size_t pairs = (blocks - 1) / 2;
  rows_halves[k](x, w, bias, y, pairs * BLOCK, act);
  rows_blocks_shifted_any(x + 4 * pairs * BLOCK, w, k, 2, bias, y + 2 * pairs * BLOCK,
                          blocks - 2 * pairs, act, false);
}
#endif

/* One output channel's steps [t0, t1) in blocks of rows_blocks_shifted_any
 * (see shifted_blocks): the run of blocks whose floats all lie in the row in
 * one call, a last whole block whose last taps pass the row's end in place
 * (rows_block_shifted_tail_any), so is a first one that starts at most a
 * vector before the row (rows_block_shifted_lead_any); other blocks that
 * start before the row, and blocks cut short, on padded copies. */
static void rows_one_channel_shifted(const struct dwconv1d_geometry *g, const float *x,
                                     const float *w, float bias, size_t t0, size_t t1, float *y,
                                     dwconv1d_activation act, bool stream) {
  const size_t block = UNROLL_T * VLEN, floats = g->stride * block, k = g->kernel_size;
  for (size_t t = t0; t < t1;) {
    const size_t first = t * g->stride; /* padded index of the block's first float */
    const size_t in_row = first >= g->pad_left && first - g->pad_left < g->in_steps
                              ? g->in_steps - (first - g->pad_left)
                              : 0; /* floats of the row from there */
    const size_t wanted = (t1 - t) / block, shift = g->stride - 1; /* floats = block << shift */
    const size_t whole = in_row / block >> shift < wanted ? in_row / block >> shift : wanted;
    const size_t tails = in_row >= k - 1 ? (in_row - (k - 1)) / block >> shift : 0;
    if (tails > 0 && whole > 0) { /* whole blocks whose last taps lie in the row too */
      const size_t blocks = tails < whole ? tails : whole;
      float *yt = y + (t - t0); /* its blocks are whole vectors on from there */
      const bool nontemporal = stream && (uintptr_t)yt % (VLEN * sizeof(float)) == 0;
#ifdef VHALVES
      if (stride2_halves(g, act) && blocks > 2 && !nontemporal)
        rows_blocks_stride2_halves(x + (first - g->pad_left), w, k, bias, yt, blocks, act);
      else
#endif
        rows_blocks_shifted_any(x + (first - g->pad_left), w, k, g->stride, bias, yt, blocks,
                                act, nontemporal);
      t += blocks * block;
    } else if (whole > 0) {
      rows_block_shifted_tail_any(x + (first - g->pad_left), in_row - floats, w, k, g->stride,
                                  bias, y + (t - t0), act);
      t += block;
    } else if (first < g->pad_left && g->pad_left - first <= VLEN && t1 - t >= block &&
               g->in_steps + (g->pad_left - first) >= floats + k - 1) {
      rows_block_shifted_lead_any(x, g->pad_left - first, w, k, g->stride, bias, y + (t - t0),
                                  act);
      t += block;
    } else {
      const size_t n = t1 - t < block ? t1 - t : block;
      rows_block_shifted_padded(g, x, w, bias, t, n, y + (t - t0), act);
      t += n;
    }
  }
}
#endif

#if VREGS >= 32 && defined(VCONCAT_FROM)
#define LONG_ROWS 1
/* Long kernels along channels_first rows (stride 1, dilation 1, K of
 * ROWS_LONG_MIN_TAPS .. ROWS_LONG_MAX_TAPS), where rows_long_pays says,
 * in place of transposing the rows into channel blocks and the results
 * back. A block of UNROLL_T output vectors takes its taps a vector at a
 * time: chunk a's VLEN taps read input vectors a .. a + UNROLL_T, loaded
 * once, and every output vector adds its taps in order (the bits of the
 * other paths). Even output vectors shift their inputs out of two loaded
 * vectors, odd ones load them unaligned: the shifts share the FMAs' pipes
 * and the loads do not (AMD Zen 4, a row's interior blocks, K 31: all
 * shifted 82, all loaded 68, half and half 106 GFLOP/s). A range's last
 * block ends with the range, overlapping the one before (same bits), and
 * the blocks at a row's ends read the padding's zeros without a copy where
 * they can (see long_source). */
enum { ROWS_LONG_MIN_TAPS = 16, ROWS_LONG_MAX_TAPS = 128 };

static inline bool long_rows(const struct dwconv1d_geometry *g) {
  return g->stride == 1 && g->dilation == 1 && g->kernel_size >= ROWS_LONG_MIN_TAPS &&
         g->kernel_size <= ROWS_LONG_MAX_TAPS;
}

/* Where a long block's input comes from: input float i is x[i - lead] for
 * i < avail, zero elsewhere. The block in place reads neither zero; one
 * starting lead (1 .. VLEN) floats before the row reads them in its first
 * vector; one ending past the row's end reads them in the vectors it shifts
 * (see rows_block_long_k), each loaded with a mask. */
struct long_source {
  const float *x;
  size_t lead, avail;
};

enum { LONG_IN_ROW = 1 << 16 }; /* an avail no block reaches */

/* Input vector v (v > 0 or no lead). */
static inline __attribute__((always_inline)) vfloat long_vector(struct long_source s, size_t v) {
  if (s.avail == LONG_IN_ROW)
    return vload(s.x + (v * VLEN - s.lead));
  const size_t i = v * VLEN < s.avail ? v * VLEN : s.avail; /* no pointer past the row */
  return vload_tail(s.x + i, s.avail - i < VLEN ? s.avail - i : VLEN);
}

static inline __attribute__((always_inline)) vfloat long_first_vector(struct long_source s) {
  return s.lead == 0 ? long_vector(s, 0) : lead_vector(s.x, s.lead);
}

/* Floats a long block reads from its first: whole vectors past its last tap. */
static inline size_t long_block_reach(size_t k) { return (UNROLL_T + 1 + (k - 1) / VLEN) * VLEN; }

/* Floats of the row a block ending past it must have from its first: its
 * loads reach (UNROLL_T - 2) vectors and K + VLEN - 2 floats on. */
static inline size_t long_block_loads_reach(size_t k) { return (UNROLL_T - 1) * VLEN + k - 1; }

/* Chunk a of a long block: its VLEN taps (fewer in the last) added to the
 * block's UNROLL_T output vectors. Half of them shift their inputs out of
 * two loaded vectors, the others load them unaligned; the vectors past the
 * row's end are shifted, so that the unaligned loads stay in the row. */
static inline __attribute__((always_inline)) void
long_chunk(struct long_source s, size_t a, size_t k, const float *w, vfloat acc[UNROLL_T]) {
  const size_t loaded = s.avail == LONG_IN_ROW ? 1 : 0; /* parity of the loaded vectors */
  const size_t taps = k - a * VLEN < VLEN ? k - a * VLEN : VLEN;
  /* without a lead, the chunk's pointer: the run-time K's loop 4 % faster */
  const float *xa = s.x + (s.lead == 0 ? a * VLEN : 0);
  vfloat in[UNROLL_T + 1];
  for (size_t r = 0; r <= UNROLL_T; r++)
    in[r] = s.lead == 0 && s.avail == LONG_IN_ROW ? vload(xa + r * VLEN)
            : a + r > 0                           ? long_vector(s, a + r)
                                                  : long_first_vector(s);
UNROLL_FULL
  for (size_t j = 0; j < VLEN; j++) {
    if (j >= taps) /* tested per tap: chunks of a known 16 taps had gcc hoist
                    * all their loads and spill them (2x slower) */
      continue;    /* not break: clang unrolls no loop with two exits */
    const vfloat wj = vset1(w[(a * VLEN + j) * VLEN]);
UNROLL_FULL
    for (size_t r = 0; r < UNROLL_T; r++)
      acc[r] = vfmadd(r % 2 != loaded  ? vconcat_from(in[r], in[r + 1], j)
                      : s.lead == 0 ? vload(xa + r * VLEN + j)
                                    : vload(s.x + ((a + r) * VLEN + j - s.lead)),
                      wj, acc[r]);
  }
}

/* A block of UNROLL_T output vectors from input float 0 on; `fixed`: K is
 * a constant, whose chunks are unrolled (gcc stopped doing it by itself
 * for the block with a lead: acc kept on the stack, 15 % slower; unrolling
 * the run-time K's made it 35 % slower). */
static inline __attribute__((always_inline)) void
rows_block_long_k(struct long_source s, const float *w, size_t k, bool fixed, float bias,
                  float *y, dwconv1d_activation act) {
  vfloat acc[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    acc[r] = vset1(bias);
  if (fixed) {
UNROLL_CHUNKS
    for (size_t a = 0; a * VLEN < k; a++)
      long_chunk(s, a, k, w, acc);
  } else {
    for (size_t a = 0; a * VLEN < k; a++)
      long_chunk(s, a, k, w, acc);
  }
  store_rows(y, VLEN, acc, VLEN, act);
}

/* The K with instances of their own (Conformer's 31, QuartzNet's and
 * Jasper's 33): the whole block unrolled, 9 % faster than the run-time K
 * (AMD Zen 4, channels_first T2048 C256 K31 352 -> 322 us). */
#define ROWS_LONG_KS(X) X(31) X(33)

enum long_mode { LONG_IN_PLACE, LONG_WITH_LEAD, LONG_WITH_TAIL };

static inline __attribute__((always_inline)) void
rows_block_long_mode(struct long_source s, enum long_mode mode, const float *w, size_t k,
                     float bias, float *y, dwconv1d_activation act) {
  /* what the mode does not use made constant */
  s.lead = mode == LONG_WITH_LEAD ? s.lead : 0;
  s.avail = mode == LONG_WITH_TAIL ? s.avail : LONG_IN_ROW;
  switch (k) {
#define ROWS_LONG_CASE(K)                                                                    \
  case K:                                                                                    \
    rows_block_long_k(s, w, K, true, bias, y, act);                                          \
    return;
    ROWS_LONG_KS(ROWS_LONG_CASE)
#undef ROWS_LONG_CASE
  default: /* the run-time K reads its row's ends from padded copies: with a
            * lead or tail, gcc spilled (K20's edge blocks 2x slower) */
    if (mode == LONG_IN_PLACE)
      rows_block_long_k(s, w, k, false, bias, y, act);
  }
}

/* Whether K has an instance of its own. */
static bool long_k_fixed(size_t k) {
  switch (k) {
#define ROWS_LONG_CASE(K) case K:
    ROWS_LONG_KS(ROWS_LONG_CASE)
#undef ROWS_LONG_CASE
    return true;
  default:
    return false;
  }
}

/* A function for each mode, so that the row's interior pays for neither
 * lead nor tail (inlined into one function, gcc spilled in the interior:
 * 25 % slower). */
static __attribute__((noinline)) void
rows_block_long(struct long_source s, const float *w, size_t k, float bias, float *y,
                dwconv1d_activation act) {
  rows_block_long_mode(s, LONG_IN_PLACE, w, k, bias, y, act);
}

static __attribute__((noinline)) void
rows_block_long_lead(struct long_source s, const float *w, size_t k, float bias, float *y,
                     dwconv1d_activation act) {
  rows_block_long_mode(s, LONG_WITH_LEAD, w, k, bias, y, act);
}

static __attribute__((noinline)) void
rows_block_long_tail(struct long_source s, const float *w, size_t k, float bias, float *y,
                     dwconv1d_activation act) {
  rows_block_long_mode(s, LONG_WITH_TAIL, w, k, bias, y, act);
}

/* The long block of output steps [t, t + UNROLL_T * VLEN) into y: in place,
 * with a lead or with a tail where its input allows (for the K with
 * instances of their own), else on a padded copy (zeros in the padding, the
 * same bits). The copies cost channels_first T250 K31 9 % of its time
 * (AMD Zen 4, avx512: 48.0 -> 43.9 us without them). */
static inline __attribute__((always_inline)) void
rows_long_block_at(const struct dwconv1d_geometry *g, const float *x, const float *w, float bias,
                   size_t t, float *y, dwconv1d_activation act) {
  const size_t k = g->kernel_size, reach = long_block_reach(k);
  const size_t lead = t < g->pad_left ? g->pad_left - t : 0;
  const size_t first = t + lead - g->pad_left; /* the row's first float read */
  const size_t avail = first < g->in_steps ? g->in_steps - first : 0; /* from x + first */
  const struct long_source s = {x + (first < g->in_steps ? first : 0), lead, avail};
  if (lead == 0 && avail >= reach) {
    rows_block_long(s, w, k, bias, y, act);
  } else if (long_k_fixed(k) && lead <= VLEN && avail + lead >= reach) {
    rows_block_long_lead(s, w, k, bias, y, act);
  } else if (long_k_fixed(k) && lead == 0 && avail >= long_block_loads_reach(k)) {
    rows_block_long_tail(s, w, k, bias, y, act);
  } else {
    _Alignas(64) float in[(UNROLL_T + 1 + ROWS_LONG_MAX_TAPS / VLEN) * VLEN];
    for (size_t i = 0; i < reach; i += VLEN) /* padded index t + i */
      vstore(in + i, load_padded(g, x, t + i, VLEN));
    rows_block_long((struct long_source){in, 0, LONG_IN_ROW}, w, k, bias, y, act);
  }
}

/* Long rows walked (the K with instances of their own, up to 2 VLEN + 1
 * taps): the row's shifted input vectors in order, each computed once and
 * added to every output vector that takes a tap from it. Output vector u
 * takes taps 0 .. VLEN - 1 from input vector u's shifts, the others from
 * vector u + 1's (tap 2 VLEN, if any, is vector u + 2 itself), and is
 * stored once its last tap is in: its taps stay in order (the bits of the
 * blocks above, which compute each shifted vector once per output vector
 * reading it, twice as many). An output's taps are one chain, so
 * WALK_SEGMENTS parts of the row walk side by side to keep the FMAs busy
 * (2 segments, 4 chains, were too few). Only where a row's interior is long:
 * AMD Zen 4, avx512, channels_first K31 same, T4096 C16 40.6 -> 37.6 us,
 * T2048 C32 41.0 -> 38.7; at T250 walking both ends from padded copies ran
 * 10 % slower than the blocks. */
enum { WALK_SEGMENTS = 4, WALK_MIN_STEPS = 256 };

/* Whether K walks: an instance of its own, taps in two vectors and one. */
static bool walks(size_t k) { return long_k_fixed(k) && k <= 2 * VLEN + 1; }

/* Row u's shifted vectors: `first` takes taps 0 .. VLEN - 1 of output u
 * (u < len), `second` taps VLEN .. of output u - 1 (u > 0). Odd shifts
 * load unaligned, even ones shift (see ROWS_LONG_MIN_TAPS). Segment s
 * reads from x + s * seg. */
static inline __attribute__((always_inline)) void
walk_row(const float *x, size_t seg, size_t u, const float *w, size_t k,
         const vfloat cur[WALK_SEGMENTS], const vfloat nxt[WALK_SEGMENTS],
         vfloat first[WALK_SEGMENTS], vfloat second[WALK_SEGMENTS], bool has_first,
         bool has_second) {
UNROLL_FULL
  for (size_t j = 0; j < VLEN; j++) {
    const float *wj = w;
    __asm__ volatile("" : "+r"(wj)); /* weights loaded at their taps: gcc
                                      * otherwise keeps all 31 and spills */
UNROLL_FULL
    for (size_t s = 0; s < WALK_SEGMENTS; s++) {
      const vfloat in = j % 2 == 1 ? vload(x + (s * seg + u * VLEN + j))
                                   : vconcat_from(cur[s], nxt[s], j);
      if (has_first)
        first[s] = vfmadd(in, vset1(wj[j * VLEN]), first[s]);
      if (has_second && VLEN + j < k)
        second[s] = vfmadd(in, vset1(wj[(VLEN + j) * VLEN]), second[s]);
    }
  }
}

/* Output vector u of every segment, its tap 2 VLEN (input vector u + 2,
 * `nxt`) added where K has it; `sum` then starts the output after next. */
static inline __attribute__((always_inline)) void
walk_store(float *y, size_t seg, size_t u, const float *w, size_t k, float bias,
           const vfloat nxt[WALK_SEGMENTS], vfloat sum[WALK_SEGMENTS], bool relu) {
  for (size_t s = 0; s < WALK_SEGMENTS; s++) {
    if (k > 2 * VLEN)
      sum[s] = vfmadd(nxt[s], vset1(w[2 * VLEN * VLEN]), sum[s]);
    vstore(y + (s * seg + u * VLEN), relu ? vmax(vzero(), sum[s]) : sum[s]);
    sum[s] = vset1(bias);
  }
}

static inline __attribute__((always_inline)) void
walk_load(const float *x, size_t seg, size_t v, vfloat in[WALK_SEGMENTS]) {
  for (size_t s = 0; s < WALK_SEGMENTS; s++)
    in[s] = vload(x + (s * seg + v * VLEN));
}

/* `len` (>= 1) output vectors of each segment, linear or ReLU. Rows go two
 * at a time, so that sums and input vectors swap roles without moves. */
static inline __attribute__((always_inline)) void
walk_segments_k(const float *x, float *y, size_t seg, size_t len, const float *w, size_t k,
                float bias, bool relu) {
  vfloat a[WALK_SEGMENTS], b[WALK_SEGMENTS], in0[WALK_SEGMENTS], in1[WALK_SEGMENTS];
  walk_load(x, seg, 0, in0);
  walk_load(x, seg, 1, in1);
  for (size_t s = 0; s < WALK_SEGMENTS; s++)
    a[s] = b[s] = vset1(bias);
  walk_row(x, seg, 0, w, k, in0, in1, a, b, true, false); /* a: output 0 */
  size_t u = 1;
  for (; u + 2 <= len; u += 2) {
    walk_load(x, seg, u + 1, in0);
    walk_row(x, seg, u, w, k, in1, in0, b, a, true, true); /* b: output u */
    walk_store(y, seg, u - 1, w, k, bias, in0, a, relu);
    walk_load(x, seg, u + 2, in1);
    walk_row(x, seg, u + 1, w, k, in0, in1, a, b, true, true); /* a: output u + 1 */
    walk_store(y, seg, u, w, k, bias, in1, b, relu);
  }
  if (u < len) { /* rows len - 1 and len */
    walk_load(x, seg, u + 1, in0);
    walk_row(x, seg, u, w, k, in1, in0, b, a, true, true);
    walk_store(y, seg, u - 1, w, k, bias, in0, a, relu);
    walk_load(x, seg, u + 2, in1);
    walk_row(x, seg, u + 1, w, k, in0, in1, a, b, false, true);
    walk_store(y, seg, u, w, k, bias, in1, b, relu);
  } else { /* row len */
    walk_load(x, seg, u + 1, in0);
    walk_row(x, seg, u, w, k, in1, in0, b, a, false, true);
    walk_store(y, seg, u - 1, w, k, bias, in0, a, relu);
  }
}

/* Activations other than ReLU go over the stored sums afterwards: a call
 * inside the walk would take every register with it. */
static __attribute__((noinline)) void
walk_segments_any(const float *x, float *y, size_t seg, size_t len, const float *w, size_t k,
                  float bias, bool relu) {
  switch (k) {
#define ROWS_WALK_CASE(K)                                                                    \
  case K:                                                                                    \
    if (relu)                                                                                \
      walk_segments_k(x, y, seg, len, w, K, bias, true);                                     \
    else                                                                                     \
      walk_segments_k(x, y, seg, len, w, K, bias, false);                                    \
    return;
    ROWS_LONG_KS(ROWS_WALK_CASE)
#undef ROWS_WALK_CASE
  }
}

/* y[0 .. n) activated in place. */
static void activate_in_place(float *y, size_t n, dwconv1d_activation act) {
  for (size_t i = 0; i < n; i += UNROLL_T * VLEN) {
    vfloat v[UNROLL_T];
    const size_t left = n - i < UNROLL_T * VLEN ? n - i : UNROLL_T * VLEN;
    const size_t rows = left / VLEN, lanes = left % VLEN;
    for (size_t r = 0; r < rows; r++)
      v[r] = vload(y + i + r * VLEN);
    store_block_activated(y + i, VLEN, v, rows, VLEN, act, false);
    if (lanes > 0) {
      v[0] = load_lanes(y + i + rows * VLEN, lanes);
      store_block_activated(y + i + rows * VLEN, VLEN, v, 1, lanes, act, false);
    }
  }
}

/* Walks output steps [a, end) for a as given and the largest end <= e
 * that evenly spaced segments reach exactly (their reach in the row is
 * the caller's to check: e + 2 VLEN - pad_left floats); returns end, or a
 * where the steps are too few to walk. */
static size_t rows_walk(const struct dwconv1d_geometry *g, const float *x, const float *w,
                        float bias, size_t a, size_t e, float *y, dwconv1d_activation act) {
  if (!walks(g->kernel_size) || e < a + WALK_MIN_STEPS)
    return a; /* walk_segments_any has no other K */
  const size_t n = WALK_SEGMENTS;
  const size_t len = (e - a + n * VLEN - 1) / (n * VLEN), seg = (e - a - len * VLEN) / (n - 1);
  const size_t end = a + (n - 1) * seg + len * VLEN;
  walk_segments_any(x + (a - g->pad_left), y, seg, len, w, g->kernel_size, bias,
                    act == DWCONV1D_ACTIVATION_RELU);
  if (act != DWCONV1D_ACTIVATION_LINEAR && act != DWCONV1D_ACTIVATION_RELU)
    activate_in_place(y, end - a, act);
  return end;
}

/* Output steps [lo, t1) in long blocks, the last of them ending at t1 and
 * starting no earlier than t0 (overlaps recompute the same bits). */
static void rows_long_blocks(const struct dwconv1d_geometry *g, const float *x, const float *w,
                             float bias, size_t t0, size_t lo, size_t t1, float *y,
                             dwconv1d_activation act) {
  const size_t block = UNROLL_T * VLEN;
  for (size_t t = lo; t < t1; t += block) {
    const size_t start = t1 - t < block ? t1 - block : t;
    rows_long_block_at(g, x, w, bias, start, y + (start - t0), act);
  }
}

/* One output channel's steps [t0, t1): blocks at the row's ends, its
 * interior walked where it is long enough (K with instances of their own),
 * in blocks elsewhere; a range shorter than a block through a stack copy
 * of the output. */
static void rows_one_channel_long(const struct dwconv1d_geometry *g, const float *x,
                                  const float *w, float bias, size_t t0, size_t t1, float *y,
                                  dwconv1d_activation act) {
  const size_t block = UNROLL_T * VLEN;
  if (t1 - t0 < block) {
    float out[UNROLL_T * VLEN];
    rows_long_block_at(g, x, w, bias, t0, out, act);
    for (size_t i = 0; i < t1 - t0; i += VLEN)
      store_lanes(y + i, vload(out + i), t1 - t0 - i < VLEN ? t1 - t0 - i : VLEN);
    return;
  }
  size_t lo = t0;
  if (walks(g->kernel_size) && t1 - t0 >= 2 * block) {
    /* the walk from a block past the padding to a block before t1 or the
     * last step whose segment reads only the row */
    const size_t a = t0 < g->pad_left ? t0 + block : t0;
    const size_t row_end = g->in_steps + g->pad_left; /* walk ends e with e + 2 VLEN <= it */
    size_t e = t1 - block;
    e = row_end >= 2 * VLEN && e > row_end - 2 * VLEN ? row_end - 2 * VLEN : e;
    const size_t end = e > a ? rows_walk(g, x, w, bias, a, e, y + (a - t0), act) : a;
    if (end > a) {
      if (a > t0)
        rows_long_block_at(g, x, w, bias, t0, y, act);
      lo = end;
    }
  }
  rows_long_blocks(g, x, w, bias, t0, lo, t1, y, act);
}

/* Whether long rows beat the transposed channel blocks for K taps and a
 * range of `steps` output steps (AMD Zen 4, avx512, channels_first C256
 * same, against the channel blocks): K 31 and 33 past one block where the
 * last block wastes at most a sixteenth of the steps (T250 1.03x, T256
 * 1.04-1.05x, T500 1.07x; T200 0.78x); the run-time K from 1000 steps on
 * (T1000: K17 1.18x, K39 1.06x, K48 1.01x; T500 K17-K48 0.90-1.05x).
 * Past K 48 the channel blocks hide their transposes better: K63 0.93x at
 * T1000, 1.02x at T2000; K100 and K128 0.93-0.97x. (Measured before the
 * channel blocks' results left 48 steps at a time, see src/layer.c.) But
 * where an input row is a whole number of 4 KiB, the 16 rows a transpose
 * reads fall in one L1 set of 8 ways and the channel blocks' gather runs
 * at half speed: there the rows take K up to 128 from 1000 steps on
 * (channels_first C256 same, T1024 K63 468 -> 383 us, T2048 K75 1085 ->
 * 896, causal T1024 K128 782 -> 722; T2048 C64 K51 204 -> 155; T1000 K63
 * level, 363 against 365; T1280 C128 K99 level; T1000 K99 6 % slower).
 * K up to 24 take the rows from 600 steps on (C256 same, medians of 5-7:
 * T600 K16 85.5 -> 69.6 us, K20 86.6 -> 80.3, K24 97.7 -> 92.3; T750 C128
 * K16 53.9 -> 41.0, K24 60.4 -> 55.1; K28 1-2 % faster, K40 3-7 % slower;
 * at T500 K24 and T400 K18 the channel blocks win). K = VLEN, its taps
 * one chunk, as the K with instances of their own below 600 steps (C256
 * same: T256 35.6 -> 31.5 us, T500 72.7 -> 57.0, T512 77.0 -> 56.4; K17,
 * K18 and K20 3-4 % slower at T256).
 *
 * Where a shift takes an FMA slot (Intel), the channel blocks win but for
 * short K on long rows and for inputs of more than about 1.1 MiB, whose
 * tiles the transposes gather more slowly (Intel Xeon, 2 MiB of L2,
 * avx512, channels_first same, the rows' time over the channel blocks';
 * MiB of input): C256 T500 (0.5) K17 1.07, K33 1.20, K48 1.37; T1000 (1)
 * K17 0.90, K20 0.96, K24 1.05, K33 1.05; C512 T500 (1) K33 1.03; C512
 * T600 (1.2) K31 0.97; C256 T1250 (1.2) K33 0.92; C384 T1000 (1.5) K31
 * 0.96; C512 T750 (1.5) K33 0.87; C256 T2000 (2) K17 0.79, K24 0.96, K28
 * 1.02, K33 1.05, K48 1.23; C512 T1000 (2) K31 0.91; C1024 T500 (2) K33
 * 0.95; C256 T3000 (3) K24 0.70, K33 0.86; T4000 (4) K33 0.92, K40 1.03,
 * K48 1.15. */
enum { ROWS_LONG_INPUT_BYTES = 1152 << 10, ROWS_LONG_ANY_ROW_TAPS = 48 };
enum { ROWS_LONG_SHORT_K_STEPS = 600, ROWS_LONG_SHORT_K_TAPS = 24 };
static bool rows_long_pays(size_t k, size_t steps, size_t in_steps, size_t channels,
                           struct dwconv1d_cpu_traits cpu) {
  const size_t block = UNROLL_T * VLEN, computed = (steps + block - 1) / block * block;
  if (k < ROWS_LONG_MIN_TAPS || k > ROWS_LONG_MAX_TAPS)
    return false;
  if (cpu.shuffles_on_fma_port)
    return (steps >= 1000 && k < 24) ||
           (k < 40 && steps * channels > ROWS_LONG_INPUT_BYTES / sizeof(float));
  if (steps >= 1000)
    return k <= ROWS_LONG_ANY_ROW_TAPS || in_steps % (PAGE_BYTES / sizeof(float)) == 0;
  if (steps >= ROWS_LONG_SHORT_K_STEPS && k <= ROWS_LONG_SHORT_K_TAPS)
    return true;
  return (long_k_fixed(k) || k == VLEN) && steps > block && computed - steps <= steps / 16;
}
#else
static bool rows_long_pays(size_t k, size_t steps, size_t in_steps, size_t channels,
                           struct dwconv1d_cpu_traits cpu) {
  (void)k, (void)steps, (void)in_steps, (void)channels, (void)cpu;
  return false;
}
#endif

/* One output channel's steps [t0, t1): whole blocks where every tap of
 * every lane is inside the input (and, for stride 2, the float after the
 * last tap too), the last of them overlapping the one before if need be
 * (same bits); vector by vector elsewhere. */
static void rows_one_channel(const struct dwconv1d_geometry *g, size_t int_lo, size_t int_hi,
                             const float *x, const float *w, float bias, size_t t0, size_t t1,
                             float *y, dwconv1d_activation act) {
  const size_t block = UNROLL_T * VLEN, end = t1 < int_hi ? t1 : int_hi;
  const size_t first_ok = t0 > int_lo ? t0 : int_lo; /* earliest start of a whole block */
  for (size_t t = t0; t < t1;) {
    size_t start = t;
    if (t >= int_lo && t < end && t + block > end && end >= first_ok + block)
      start = end - block;
    if (start >= int_lo && start + block <= end) {
      const float *xt = x + (start * g->stride - g->pad_left);
      if (g->stride == 1) /* constants let the compiler drop the other case */
        rows_block_interior(xt, 1, g->dilation, w, g->kernel_size, bias, y + (start - t0), act);
      else
        rows_block_interior(xt, 2, g->dilation, w, g->kernel_size, bias, y + (start - t0), act);
      t = start + block;
      continue;
    }
    const size_t lanes = t1 - t < VLEN ? t1 - t : VLEN;
    const bool inside = lanes == VLEN && t >= int_lo && t + VLEN <= int_hi;
    rows_vector_general(g, inside, x, w, bias, t, lanes, y + (t - t0), act);
    t += lanes;
  }
}

static void conv_rows(const struct dwconv1d_geometry *g, const struct dwconv1d_rows *r) {
  /* Stride 2 loads one float past a block's last tap: count it as a tap. */
  struct dwconv1d_geometry reach = *g;
  if (g->stride != 1)
    reach.in_steps = g->in_steps > 0 ? g->in_steps - 1 : 0;
  size_t int_lo, int_hi;
  interior_steps(&reach, &int_lo, &int_hi);
#ifdef VCONCAT_FROM
  const bool shifted = shifted_blocks(g), stream = rows_stream(r);
#endif
  for (size_t oc = r->c_begin; oc < r->c_end; oc++) {
    const float *x = r->input + (oc / r->depth_multiplier) * g->in_steps;
    const float *w = r->weights + (oc / VLEN) * g->kernel_size * VLEN + oc % VLEN;
    float *y = r->output + (oc - r->c_begin) * r->output_stride;
#ifdef LONG_ROWS
    if (long_rows(g)) {
      rows_one_channel_long(g, x, w, r->bias[oc], r->t_begin, r->t_end, y, r->activation);
      continue;
    }
#endif
#ifdef VCONCAT_FROM
    if (shifted) {
      rows_one_channel_shifted(g, x, w, r->bias[oc], r->t_begin, r->t_end, y, r->activation,
                               stream);
      continue;
    }
#endif
    rows_one_channel(g, int_lo, int_hi, x, w, r->bias[oc], r->t_begin, r->t_end, y,
                     r->activation);
  }
#ifdef VCONCAT_FROM
  if (shifted && stream) /* before the caller (or another thread) reads them */
    vstream_fence();
#endif
}

/* ---- channels_first <-> channel blocks, by VLEN x VLEN transposes ---- */

#ifndef VTRANSPOSE_COPY_PART
/* dst[l * stride + i] = row i [l] for rows i < `rows` and columns
 * l < `cols` of a block of at most VLEN x VLEN: the layer's in-register
 * transpose, which reads and writes nothing outside that part (a short
 * call's last steps or a block's last channels, which went a float at a
 * time). */
static inline __attribute__((always_inline)) void
vtranspose_copy_part(struct vrows src, float *dst, size_t stride, size_t rows, size_t cols) {
  vfloat v[VLEN];
  for (size_t i = 0; i < VLEN; i++)
    v[i] = i < rows ? load_lanes(vrow(src, i), cols) : vzero();
  vtranspose(v);
  for (size_t l = 0; l < cols; l++)
    store_lanes(dst + l * stride, v[l], rows);
}
#endif

#ifndef VTRANSPOSE_COPY
/* The whole VLEN x VLEN block. */
static inline __attribute__((always_inline)) void vtranspose_copy(struct vrows src, float *dst,
                                                                   size_t stride) {
  vtranspose_copy_part(src, dst, stride, VLEN, VLEN);
}
#endif

/* dst[(r - lo) * dst_stride + l] = x[((first + l) / m) * row_stride + r]
 * for steps [lo, hi) and lanes l < `lanes`. */
static void gather_block_cf(const float *x, size_t row_stride, size_t first, size_t m,
                            size_t lanes, size_t lo, size_t hi, float *dst, size_t dst_stride) {
  /* lane l reads input row (first + l) / m, counted on from the first
   * without a division per lane (a short call's 16 divisions per block
   * cost more than its transposes) */
  const size_t q0 = m == 1 ? first : first / m;
  const float *rows = x + q0 * row_stride;
  size_t offset[VLEN], r = lo;
  for (size_t l = 0, q = 0, skip = first - q0 * m; m > 1 && l < lanes; l++) {
    offset[l] = q * row_stride;
    if (++skip == m)
      skip = 0, q++;
  }
  const struct vrows src = {rows, m == 1 ? row_stride : 0, m == 1 ? NULL : offset};
  if (lanes == VLEN && m == 1)
    for (; r + VLEN <= hi; r += VLEN)
      vtranspose_copy((struct vrows){rows + r, row_stride, NULL}, dst + (r - lo) * dst_stride,
                      dst_stride);
  else if (lanes == VLEN)
    for (; r + VLEN <= hi; r += VLEN)
      vtranspose_copy((struct vrows){rows + r, 0, offset}, dst + (r - lo) * dst_stride,
                      dst_stride);
  for (; r < hi; r += VLEN) { /* the last steps, or a tail block's: a whole block's rows constant */
    const struct vrows part = {src.base + r, src.stride, src.offset};
    const size_t cols = hi - r < VLEN ? hi - r : VLEN;
    if (lanes == VLEN)
      vtranspose_copy_part(part, dst + (r - lo) * dst_stride, dst_stride, VLEN, cols);
    else
      vtranspose_copy_part(part, dst + (r - lo) * dst_stride, dst_stride, lanes, cols);
  }
}

#ifndef VSHORT_ROWS
/* Rows of VLEN floats, one after another: the whole-block transpose. */
#define VSHORT_ROWS(cols) ((cols) == VLEN)
static inline __attribute__((always_inline)) void
vtranspose_short_rows(const float *src, size_t cols, float *dst, size_t stride) {
  vtranspose_copy((struct vrows){src, cols, NULL}, dst, stride);
}
#endif

/* gather_block_cf for `channels` channels from first on, block b0 (a
 * multiple of VLEN) at dst + b0 * channel_step. Whole short rows, one after
 * another, go block after block in this loop: a call a block cost a
 * decoding window (T4, 320 blocks) a sixth of its time once their
 * transposes were cheap. */
static void gather_blocks_cf(const float *x, size_t row_stride, size_t first, size_t m,
                             size_t channels, size_t channel_step, size_t lo, size_t hi,
                             float *dst, size_t dst_stride) {
  size_t b0 = 0;
  if (m == 1 && lo == 0 && hi == row_stride && VSHORT_ROWS(hi))
    for (; b0 + VLEN <= channels; b0 += VLEN)
      vtranspose_short_rows(x + (first + b0) * row_stride, hi, dst + b0 * channel_step,
                            dst_stride);
  for (; b0 < channels; b0 += VLEN)
    gather_block_cf(x, row_stride, first + b0, m, channels - b0 < VLEN ? channels - b0 : VLEN,
                    lo, hi, dst + b0 * channel_step, dst_stride);
}

#ifndef VTRANSPOSE_COPY_LANES
#define VTRANSPOSE_COPY_LANES 0 /* the one transpose serves */
#define vtranspose_copy_lanes vtranspose_copy
#endif

/* out[l * out_stride + t] = tile[t * tile_stride + l] for `steps` steps and
 * `lanes` channels: a channels-last tile back to channel rows, each row of
 * a transpose stored whole, or as 16-byte pieces where whole stores would
 * split lines on a CPU that they slow (see vtranspose_copy_lanes). */
static void scatter_block_cf(const float *tile, size_t tile_stride, size_t steps, size_t lanes,
                             float *out, size_t out_stride, struct dwconv1d_cpu_traits cpu) {
  size_t t = 0;
#ifdef VSHORT_ROWS_OUT
  if (lanes == VLEN && steps == out_stride && steps > 1 && VSHORT_ROWS_OUT(steps)) {
    vtranspose_to_short_rows(tile, tile_stride, steps, out); /* whole short rows */
    return;
  }
#endif
  if (lanes == VLEN && VTRANSPOSE_COPY_LANES && cpu.line_split_stores_slow &&
      ((uintptr_t)out | out_stride * sizeof(float)) % CACHE_LINE_BYTES != 0)
    for (; t + VLEN <= steps; t += VLEN)
      vtranspose_copy_lanes((struct vrows){tile + t * tile_stride, tile_stride, NULL}, out + t,
                            out_stride);
  if (lanes == VLEN)
    for (; t + VLEN <= steps; t += VLEN)
      vtranspose_copy((struct vrows){tile + t * tile_stride, tile_stride, NULL}, out + t,
                      out_stride);
#if VLEN > 4
  /* the last steps by a partial transpose where they are at least half a
   * vector (Intel Xeon, channels_first C512 same: AVX-512 K3 T8 3.31 ->
   * 3.07 us, K4 causal SiLU T12 7.64 -> 6.89; AVX2 K3 T4 2.50 -> 1.78);
   * fewer a float at a time (AVX-512 K3 T4 1.98 -> 2.73 the other way) */
  for (; t < steps && steps - t >= VLEN / 2; t += VLEN)
    vtranspose_copy_part((struct vrows){tile + t * tile_stride, tile_stride, NULL}, out + t,
                         out_stride, steps - t < VLEN ? steps - t : VLEN, lanes);
#endif
  for (; t < steps; t++)
    for (size_t l = 0; l < lanes; l++)
      out[l * out_stride + t] = tile[t * tile_stride + l];
}

/* ---- depth_multiplier > 1: channels_last rows expanded by permutes ---- */

/* dst[r * VLEN + l] = x[r * row_stride + (first + l) / m] for `rows` rows
 * and lanes l < `lanes` (lanes beyond hold copies of valid values). */
static void expand_block(const float *x, size_t row_stride, size_t rows, size_t first, size_t m,
                         size_t lanes, float *dst) {
  const float *src = x + first / m;
  if (m == 1) { /* a plain copy of each row's vector */
    for (size_t r = 0; r < rows; r++)
      vstore(dst + r * VLEN, load_lanes(src + r * row_stride, lanes));
    return;
  }
  const size_t q = first / m;
  const struct expansion ex = expansion_of(first % m, m, lanes);
  if (lanes == VLEN && q + VLEN <= row_stride) { /* whole vectors inside the row (see row_load) */
    for (size_t r = 0; r < rows; r++)
      vstore(dst + r * VLEN, load_expanded_whole(src + r * row_stride, &ex));
    return;
  }
  for (size_t r = 0; r < rows; r++)
    vstore(dst + r * VLEN, vpermute(load_lanes(src + r * row_stride, ex.need), ex.idx));
}

/* ---- last-axis activations over contiguous rows ---- */

static float row_max(const float *x, size_t n) {
  size_t i = 0;
  float m = x[0];
  if (n >= VLEN) {
    vfloat vm = vload(x);
    for (i = VLEN; i + VLEN <= n; i += VLEN)
      vm = vmax(vm, vload(x + i));
    m = vreduce_max(vm);
  }
  for (; i < n; i++)
    m = x[i] > m ? x[i] : m;
  return m;
}

/* exp(x[i] - shift), stored back when `store`; returns the sum. */
static float row_exp_shifted(float *x, size_t n, float shift, int store) {
  const vfloat s = vset1(shift);
  vfloat vsum = vzero();
  size_t i = 0;
  for (; i + VLEN <= n; i += VLEN) {
    const vfloat e = vexp(vsub(vload(x + i), s));
    vsum = vadd(vsum, e);
    if (store)
      vstore(x + i, e);
  }
  float sum = vreduce_add(vsum);
  if (i < n) { /* the tail's unused lanes must not reach the sum */
    float e[VLEN];
    vstore(e, vexp(vsub(vload_tail(x + i, n - i), s)));
    for (size_t k = 0; k < n - i; k++)
      sum += e[k];
    if (store)
      memcpy(x + i, e, (n - i) * sizeof(float));
  }
  return sum;
}

static void softmax_row(float *x, size_t n) {
  const float sum = row_exp_shifted(x, n, row_max(x, n), 1);
  const vfloat vsum = vset1(sum);
  for (size_t i = 0; i < n; i += VLEN) {
    const size_t lanes = n - i < VLEN ? n - i : VLEN;
    store_lanes(x + i, vdiv(load_lanes(x + i, lanes), vsum), lanes);
  }
}

static void log_softmax_row(float *x, size_t n) {
  const float m = row_max(x, n);
  const float sum = row_exp_shifted(x, n, m, 0);
  const vfloat shift = vadd(vset1(m), vlog(vset1(sum)));
  for (size_t i = 0; i < n; i += VLEN) {
    const size_t lanes = n - i < VLEN ? n - i : VLEN;
    store_lanes(x + i, vsub(load_lanes(x + i, lanes), shift), lanes);
  }
}

static void glu_row(const float *x, size_t half, float *out) {
  for (size_t i = 0; i < half; i += VLEN) {
    const size_t lanes = half - i < VLEN ? half - i : VLEN;
    const vfloat a = load_lanes(x + i, lanes);
    const vfloat b = load_lanes(x + half + i, lanes);
    store_lanes(out + i, act_times_sigmoid(a, b), lanes);
  }
}

/* Windows (32 registers) read up to this span of the caller's rows faster
 * than through channel blocks; without them, each FMA loads its input and
 * the blocks' adjacent rows win for every long kernel (AVX2 Conformer-L
 * 12 % faster, SSE4.1 24 %). */
#if VREGS >= 32 && UNROLL_T == 8
enum { DIRECT_MAX_SPAN = 48 };
#else
enum { DIRECT_MAX_SPAN = 0 };
#endif

const struct dwconv1d_kernels DWCONV1D_CAT(dwconv1d_kernels_, ISA_SUFFIX) = {
    .isa = ISA_ENUM,
    .vlen = VLEN,
    .direct_max_span = DIRECT_MAX_SPAN,
    .expand_max_taps = SHORT_TAPS,
    .rows_long_pays = rows_long_pays,
    .conv_tile = conv_tile,
    .conv_rows = conv_rows,
    .gather_blocks_cf = gather_blocks_cf,
    .scatter_block_cf = scatter_block_cf,
    .expand_block = expand_block,
    .softmax_row = softmax_row,
    .log_softmax_row = log_softmax_row,
    .glu_row = glu_row,
    .decode_slot = decode_slot,
};

#endif
