/* The depthwise convolution, written once over the vector layer.
 * Each ISA's kernels/<isa>/dwconv_<isa>.c includes its vec_<isa>.h (which
 * defines vfloat, VLEN, UNROLL_T, ISA_SUFFIX, ISA_ENUM and the operations)
 * and then this file, which defines that ISA's struct dwconv1d_kernels.
 *
 * Every output accumulates its taps in the same order, j = 0 .. K-1, from
 * zero, then adds the bias: border steps load a zero vector for the taps
 * that fall in the padding (0 * w keeps IEEE semantics for Inf/NaN weights,
 * as Keras's explicit padding does), so an output is bit-identical whether it
 * is computed by the blocked interior loop or the border loop. */
#ifndef DWCONV1D_DWCONV_TPL_H
#define DWCONV1D_DWCONV_TPL_H

#include <stddef.h>
#include <string.h>

#include "activation_tpl.h"
#include "kernel.h"

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

/* The range [lo, hi) of output steps whose taps all fall inside the input. */
static void interior_steps(const struct dwconv1d_geometry *g, size_t *lo, size_t *hi) {
  const size_t span = g->dilation * (g->kernel_size - 1) + 1;
  *lo = (g->pad_left + g->stride - 1) / g->stride;
  *hi = g->in_steps + g->pad_left >= span ? (g->in_steps + g->pad_left - span) / g->stride + 1 : 0;
}

/* UNROLL_T interior steps of one channel vector: each weight load feeds
 * UNROLL_T FMAs. `x` points at the first tap of step t. */
static inline void conv_block_interior(const float *x, size_t row_step, size_t tap_step,
                                       const float *w, size_t kernel_size, vfloat bias,
                                       float *y, size_t out_stride, size_t lanes,
                                       dwconv1d_activation act) {
  vfloat acc[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    acc[r] = vzero();
  size_t j = 0;
  do { /* kernel_size >= 1: a do-while spares the zero-tap path, whose
        * accumulators compilers would otherwise zero in memory */
    const vfloat wj = vload(w + j * VLEN);
    const float *xj = x + j * tap_step;
    for (size_t r = 0; r < UNROLL_T; r++)
      acc[r] = vfmadd(load_lanes(xj + r * row_step, lanes), wj, acc[r]);
  } while (++j < kernel_size);
  /* Bias first, for all steps: accumulators live across the activation
   * calls otherwise, and compilers then spill them on every tap. */
  for (size_t r = 0; r < UNROLL_T; r++)
    acc[r] = vadd(acc[r], bias);
  for (size_t r = 0; r < UNROLL_T; r++)
    store_lanes(y + r * out_stride, activate(acc[r], act), lanes);
}

#if VREGS >= 32 && UNROLL_T == 8
/* Stride 1, dilation 1, whole vectors: step t + r at tap j reads row
 * t + r + j, so a window of 8 rows rotates through registers and each tap
 * costs one weight and one input load for 8 FMAs. Slot k of the window holds
 * row j + k, or j + k + 8 once tap j + k is done; indices are constants once
 * the inner loops unroll. */
static inline void conv_block_window(const float *x, size_t row_stride, const float *w,
                                     size_t kernel_size, vfloat bias, float *y,
                                     size_t out_stride, dwconv1d_activation act) {
  vfloat acc[8], win[8];
  for (size_t r = 0; r < 8; r++) {
    acc[r] = vzero();
    win[r] = vload(x + r * row_stride);
  }
  size_t j = 0;
  do { /* kernel_size >= 8: at least one group (see conv_block_interior) */
    for (size_t k = 0; k < 8; k++) {
      const vfloat wj = vload(w + (j + k) * VLEN);
      for (size_t r = 0; r < 8; r++)
        acc[r] = vfmadd(win[(k + r) % 8], wj, acc[r]);
      if (j + k + 8 < kernel_size + 7) /* the block reads rows up to K + 6 */
        win[k] = vload(x + (j + k + 8) * row_stride);
    }
    j += 8;
  } while (j + 8 <= kernel_size);
  for (; j < kernel_size; j++) {
    const vfloat wj = vload(w + j * VLEN);
    for (size_t r = 0; r < 8; r++)
      acc[r] = vfmadd(vload(x + (j + r) * row_stride), wj, acc[r]);
  }
  vfloat sum[8];
  for (size_t r = 0; r < 8; r++)
    sum[r] = vadd(acc[r], bias);
  for (size_t r = 0; r < 8; r++)
    vstore(y + r * out_stride, activate(sum[r], act));
}
#endif

/* One output step whose taps may fall in the padding, where they read
 * zeros. One accumulator in a register: consecutive calls are independent,
 * so out-of-order execution overlaps their dependency chains. */
static inline void conv_step_general(const struct dwconv1d_geometry *g,
                                     const struct dwconv1d_tile *tile, const float *xin, size_t t,
                                     size_t c, const float *w, vfloat bias, size_t lanes) {
  vfloat acc = vzero();
  size_t row = t * g->stride; /* input step + pad_left of tap 0 */
  for (size_t j = 0; j < g->kernel_size; j++, row += g->dilation) {
    vfloat xj = vzero();
    if (row >= g->pad_left && row - g->pad_left < g->in_steps)
      xj = load_lanes(xin + (row - g->pad_left - tile->row_base) * tile->input_stride, lanes);
    acc = vfmadd(xj, vload(w + j * VLEN), acc);
  }
  float *y = tile->output + (t - tile->t_begin) * tile->output_stride + c;
  store_lanes(y, activate(vadd(acc, bias), tile->activation), lanes);
}

/* Output steps [t0, t1) of the channel vector starting at channel c. */
static void conv_channel_vector(const struct dwconv1d_geometry *g,
                                const struct dwconv1d_tile *tile, size_t c, size_t t0,
                                size_t t1, size_t int_lo, size_t int_hi) {
  const size_t lanes = tile->channels - c < VLEN ? tile->channels - c : VLEN;
  const float *w = tile->weights + (c / VLEN) * g->kernel_size * VLEN;
  const vfloat bias = vload(tile->bias + c);
  const size_t row_step = g->stride * tile->input_stride;
  const size_t tap_step = g->dilation * tile->input_stride;
  const float *xin = tile->input + (c / VLEN) * tile->channel_stride;
  for (size_t t = t0; t < t1; t += UNROLL_T) {
    const size_t count = t1 - t < UNROLL_T ? t1 - t : UNROLL_T;
    if (count < UNROLL_T || t < int_lo || t + UNROLL_T > int_hi) {
      for (size_t r = 0; r < count; r++)
        conv_step_general(g, tile, xin, t + r, c, w, bias, lanes);
      continue;
    }
    const float *x =
        xin + (t * g->stride - g->pad_left - tile->row_base) * tile->input_stride;
    float *y = tile->output + (t - tile->t_begin) * tile->output_stride + c;
#if VREGS >= 32 && UNROLL_T == 8
    if (lanes == VLEN && g->stride == 1 && g->dilation == 1 && g->kernel_size >= 8)
      conv_block_window(x, tile->input_stride, w, g->kernel_size, bias, y, tile->output_stride,
                        tile->activation);
    else
#endif
    if (lanes == VLEN) /* a constant here lets the compiler drop the tail test */
      conv_block_interior(x, row_step, tap_step, w, g->kernel_size, bias, y,
                          tile->output_stride, VLEN, tile->activation);
    else
      conv_block_interior(x, row_step, tap_step, w, g->kernel_size, bias, y,
                          tile->output_stride, lanes, tile->activation);
  }
}

/* Rows of many channels (a row per step, channel vectors side by side):
 * one block of steps at a time across every channel vector, so the few rows
 * a block reads stay in L1 however wide they are. Channel blocks (each
 * vector's rows contiguous, as gathered): all the tile's steps per channel
 * vector, so its rows and weights are fetched into L1 once. */
static void conv_tile(const struct dwconv1d_geometry *g, const struct dwconv1d_tile *tile) {
  const size_t strip = tile->channel_stride == VLEN ? UNROLL_T : tile->t_end - tile->t_begin;
  size_t int_lo, int_hi;
  interior_steps(g, &int_lo, &int_hi);
  for (size_t t0 = tile->t_begin; t0 < tile->t_end; t0 += strip) {
    const size_t t1 = tile->t_end - t0 < strip ? tile->t_end : t0 + strip;
    for (size_t c = 0; c < tile->channels; c += VLEN)
      conv_channel_vector(g, tile, c, t0, t1, int_lo, int_hi);
  }
}

/* ---- channels_first, stride 1: vectors along steps ---- */

/* Lanes [lo, hi) from p[0 .. hi - lo), zeros elsewhere; only border
 * vectors take this path. */
static inline vfloat load_lane_range(const float *p, size_t lo, size_t hi) {
  float tmp[VLEN];
  for (size_t l = 0; l < VLEN; l++)
    tmp[l] = l >= lo && l < hi ? p[l - lo] : 0.0f;
  return vload(tmp);
}

/* The input of `lanes` steps from t at tap j: lanes whose step falls in
 * the padding read zeros. */
static inline vfloat rows_load_tap(const struct dwconv1d_geometry *g, const float *x, size_t t,
                                   size_t j, size_t lanes) {
  const size_t first = t + j * g->dilation; /* lane l reads first + l - pad_left */
  size_t lo = first < g->pad_left ? g->pad_left - first : 0;
  size_t hi = g->in_steps + g->pad_left > first ? g->in_steps + g->pad_left - first : 0;
  lo = lo < lanes ? lo : lanes;
  hi = hi < lanes ? hi : lanes;
  if (lo == 0 && hi == lanes)
    return load_lanes(x + (first - g->pad_left), lanes);
  return lo < hi ? load_lane_range(x + (first + lo - g->pad_left), lo, hi) : vzero();
}

/* Up to VLEN steps from t (`lanes` of them), any of whose taps may fall in
 * the padding; one accumulator, as in conv_step_general. */
static void rows_vector_general(const struct dwconv1d_geometry *g, const float *x, const float *w,
                                float bias, size_t t, size_t lanes, float *y,
                                dwconv1d_activation act) {
  vfloat acc = vzero();
  for (size_t j = 0; j < g->kernel_size; j++)
    acc = vfmadd(rows_load_tap(g, x, t, j, lanes), vset1(w[j * VLEN]), acc);
  store_lanes(y, activate(vadd(acc, vset1(bias)), act), lanes);
}

/* UNROLL_T vectors of steps from t, all taps inside the input. */
static inline void rows_block_interior(const float *x, size_t dilation, const float *w,
                                       size_t kernel_size, float bias, float *y,
                                       dwconv1d_activation act) {
  vfloat acc[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    acc[r] = vzero();
  size_t j = 0;
  do { /* kernel_size >= 1 (see conv_block_interior) */
    const vfloat wj = vset1(w[j * VLEN]);
    const float *xj = x + j * dilation;
    for (size_t r = 0; r < UNROLL_T; r++)
      acc[r] = vfmadd(vload(xj + r * VLEN), wj, acc[r]);
  } while (++j < kernel_size);
  vfloat sum[UNROLL_T];
  for (size_t r = 0; r < UNROLL_T; r++)
    sum[r] = vadd(acc[r], vset1(bias));
  for (size_t r = 0; r < UNROLL_T; r++)
    vstore(y + r * VLEN, activate(sum[r], act));
}

/* One output channel's steps [t0, t1): whole blocks where every tap of
 * every lane is inside the input, general blocks elsewhere. */
static void rows_one_channel(const struct dwconv1d_geometry *g, const float *x, const float *w,
                             float bias, size_t t0, size_t t1, float *y,
                             dwconv1d_activation act) {
  size_t int_lo, int_hi;
  interior_steps(g, &int_lo, &int_hi); /* stride 1: step t reads t - pad_left + j*d */
  for (size_t t = t0; t < t1; t += UNROLL_T * VLEN) {
    if (t >= int_lo && t + UNROLL_T * VLEN <= int_hi && t + UNROLL_T * VLEN <= t1)
      rows_block_interior(x + (t - g->pad_left), g->dilation, w, g->kernel_size, bias, y + (t - t0),
                          act);
    else
      for (size_t tv = t; tv < t1 && tv < t + UNROLL_T * VLEN; tv += VLEN)
        rows_vector_general(g, x, w, bias, tv, t1 - tv < VLEN ? t1 - tv : VLEN, y + (tv - t0),
                            act);
  }
}

static void conv_rows(const struct dwconv1d_geometry *g, const struct dwconv1d_rows *r) {
  for (size_t oc = r->c_begin; oc < r->c_end; oc++) {
    const float *x = r->input + (oc / r->depth_multiplier) * g->in_steps;
    const float *w = r->weights + (oc / VLEN) * g->kernel_size * VLEN + oc % VLEN;
    float *y = r->output + (oc - r->c_begin) * r->output_stride;
    rows_one_channel(g, x, w, r->bias[oc], r->t_begin, r->t_end, y, r->activation);
  }
}

/* ---- channels_first <-> channel blocks, by VLEN x VLEN transposes ---- */

/* dst[(r - lo) * VLEN + l] = rows[l][r] for steps [lo, hi), lanes < `lanes`. */
static void gather_block_cf(const float *const *rows, size_t lanes, size_t lo, size_t hi,
                            float *dst) {
  size_t r = lo;
  if (lanes == VLEN) {
    for (; r + VLEN <= hi; r += VLEN) {
      vfloat v[VLEN];
      for (size_t l = 0; l < VLEN; l++)
        v[l] = vload(rows[l] + r);
      vtranspose(v);
      for (size_t k = 0; k < VLEN; k++)
        vstore(dst + (r - lo + k) * VLEN, v[k]);
    }
  }
  for (; r < hi; r++)
    for (size_t l = 0; l < lanes; l++)
      dst[(r - lo) * VLEN + l] = rows[l][r];
}

/* out[l * out_stride + t] = tile[t * tile_stride + l] for `steps` steps and
 * `lanes` channels: a channels-last tile back to channel rows. */
static void scatter_block_cf(const float *tile, size_t tile_stride, size_t steps, size_t lanes,
                             float *out, size_t out_stride) {
  size_t t = 0;
  if (lanes == VLEN) {
    for (; t + VLEN <= steps; t += VLEN) {
      vfloat v[VLEN];
      for (size_t k = 0; k < VLEN; k++)
        v[k] = vload(tile + (t + k) * tile_stride);
      vtranspose(v);
      for (size_t l = 0; l < VLEN; l++)
        vstore(out + l * out_stride + t, v[l]);
    }
  }
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
  const size_t skip = first % m, need = (skip + lanes + m - 1) / m;
  const vindex idx = vindex_expand(skip, m);
  for (size_t r = 0; r < rows; r++)
    vstore(dst + r * VLEN, vpermute(load_lanes(src + r * row_stride, need), idx));
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
    store_lanes(out + i, vmul(a, act_sigmoid(b)), lanes);
  }
}

const struct dwconv1d_kernels DWCONV1D_CAT(dwconv1d_kernels_, ISA_SUFFIX) = {
    .isa = ISA_ENUM,
    .vlen = VLEN,
    .conv_tile = conv_tile,
    .conv_rows = conv_rows,
    .gather_block_cf = gather_block_cf,
    .scatter_block_cf = scatter_block_cf,
    .expand_block = expand_block,
    .softmax_row = softmax_row,
    .log_softmax_row = log_softmax_row,
    .glu_row = glu_row,
};

#endif
