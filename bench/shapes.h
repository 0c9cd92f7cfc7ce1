/* The one table of benchmark shapes, each from a named real model, used by
 * every benchmark, the summary and the plot. */
#ifndef DWCONV1D_BENCH_SHAPES_H
#define DWCONV1D_BENCH_SHAPES_H

#include <stddef.h>

#include "dwconv1d.h"

/* X(name, source, batch, steps, channels, kernel_size, depth_multiplier,
 *   strides, dilation_rate, padding, data_format, activation, baseline)
 *
 * padding: VALID | SAME | CAUSAL; data_format: LAST | FIRST; activation: the
 * DWCONV1D_ACTIVATION_ suffix. `baseline` names the shape this one is judged
 * against (issue 7: channels_first against its channels_last twin; a
 * depth_multiplier, stride or dilation case against the plain case with the
 * same FLOPs and outputs), or "" for none. */
#define BENCH_SHAPES(X)                                                                           \
  X("seed", "Keras DepthwiseConv1D docs example (seed page)", 4, 10, 12, 3, 3, 2, 1, VALID, LAST, \
    RELU, "")                                                                                     \
  X("quartznet_b1", "QuartzNet 15x5 block B1 (K 33, C 256)", 1, 500, 256, 33, 1, 1, 1, SAME, LAST, \
    LINEAR, "")                                                                                   \
  X("quartznet_b3", "QuartzNet 15x5 block B3 (K 51, C 256)", 1, 500, 256, 51, 1, 1, 1, SAME, LAST, \
    LINEAR, "")                                                                                   \
  X("quartznet_b4", "QuartzNet 15x5 block B4 (K 63, C 512)", 1, 500, 512, 63, 1, 1, 1, SAME, LAST, \
    LINEAR, "")                                                                                   \
  X("quartznet_b5", "QuartzNet 15x5 block B5 (K 75, C 512)", 1, 500, 512, 75, 1, 1, 1, SAME, LAST, \
    LINEAR, "")                                                                                   \
  X("quartznet_c2", "QuartzNet epilogue C2 (K 87, C 512, dilation 2)", 1, 500, 512, 87, 1, 1, 2,   \
    SAME, LAST, LINEAR, "")                                                                       \
  X("conformer_m", "Conformer-M conv module (d 256, K 31, 10 s)", 1, 250, 256, 31, 1, 1, 1, SAME,  \
    LAST, LINEAR, "")                                                                             \
  X("conformer_l", "Conformer-L conv module (d 512, K 31, 20 s)", 1, 512, 512, 31, 1, 1, 1, SAME,  \
    LAST, LINEAR, "")                                                                             \
  X("fastconformer", "FastConformer conv module (d 512, K 9, 8x subsampling)", 1, 125, 512, 9, 1,  \
    1, 1, SAME, LAST, LINEAR, "")                                                                 \
  X("vocos", "Vocos ConvNeXt block (d 512, K 7, 10 s at 24 kHz)", 1, 938, 512, 7, 1, 1, 1, SAME,   \
    LAST, LINEAR, "")                                                                             \
  X("mamba_1536", "Mamba-130M conv1d prefill (d_inner 1536, K 4)", 1, 2048, 1536, 4, 1, 1, 1,      \
    CAUSAL, LAST, SILU, "")                                                                       \
  X("mamba_5120", "Mamba-2.8B conv1d prefill (d_inner 5120, K 4)", 1, 2048, 5120, 4, 1, 1, 1,      \
    CAUSAL, LAST, SILU, "")                                                                       \
  X("mamba_1536_in_l2", "mamba_1536's first 64 steps (0.75 MiB, stays in L2): its compute rate",  \
    1, 64, 1536, 4, 1, 1, 1, CAUSAL, LAST, SILU, "")                                              \
  X("mamba_5120_in_l2", "mamba_5120's first 16 steps (0.62 MiB, stays in L2): its compute rate",  \
    1, 16, 5120, 4, 1, 1, 1, CAUSAL, LAST, SILU, "")                                              \
  X("decode_5120", "Mamba-2.8B-sized decode call (4-step window)", 1, 4, 5120, 4, 1, 1, 1, VALID,  \
    LAST, SILU, "")                                                                               \
  X("mobilenet", "MobileNet-style 1-D depthwise block (batch 8)", 8, 1024, 512, 3, 1, 1, 1, SAME,  \
    LAST, LINEAR, "")                                                                             \
  X("multiplier4", "depth_multiplier 4 (SeparableConv1D-style expansion)", 1, 1024, 64, 5, 4, 1,   \
    1, SAME, LAST, LINEAR, "multiplier4_plain")                                                   \
  X("multiplier4_plain", "plain twin of multiplier4 (same FLOPs and outputs)", 1, 1024, 256, 5, 1, \
    1, 1, SAME, LAST, LINEAR, "")                                                                 \
  X("strides2", "strides 2 downsampling (K 7)", 1, 4096, 256, 7, 1, 2, 1, SAME, LAST, LINEAR,      \
    "strides2_plain")                                                                             \
  X("strides2_plain", "plain twin of strides2 (same FLOPs and outputs)", 1, 2048, 256, 7, 1, 1, 1, \
    SAME, LAST, LINEAR, "")                                                                       \
  X("dilation8", "dilation 8 (WaveNet/TCN-style dilated layer)", 1, 4096, 128, 3, 1, 1, 8, SAME,   \
    LAST, LINEAR, "dilation8_plain")                                                              \
  X("dilation8_plain", "plain twin of dilation8 (same FLOPs and outputs)", 1, 4096, 128, 3, 1, 1,  \
    1, SAME, LAST, LINEAR, "")                                                                    \
  X("odd_c67", "odd channel count: 67 is no multiple of any vector width", 1, 1000, 67, 5, 1, 1,   \
    1, SAME, LAST, LINEAR, "")                                                                    \
  X("vocos_subnormal", "vocos on subnormal inputs (x scaled by 2^-130): IEEE gradual underflow",  \
    1, 938, 512, 7, 1, 1, 1, SAME, LAST, LINEAR, "")                                              \
  X("quartznet_b1_cf", "QuartzNet B1 in NeMo's PyTorch layout (B, C, T)", 1, 500, 256, 33, 1, 1,   \
    1, SAME, FIRST, LINEAR, "quartznet_b1")                                                       \
  X("conformer_m_cf", "Conformer-M conv module in PyTorch layout (B, C, T)", 1, 250, 256, 31, 1,   \
    1, 1, SAME, FIRST, LINEAR, "conformer_m")                                                     \
  X("vocos_cf", "Vocos ConvNeXt block in PyTorch layout (B, C, T)", 1, 938, 512, 7, 1, 1, 1, SAME, \
    FIRST, LINEAR, "vocos")                                                                       \
  X("mamba_1536_cf", "Mamba-130M conv1d in its PyTorch layout (B, D, L)", 1, 2048, 1536, 4, 1, 1,  \
    1, CAUSAL, FIRST, SILU, "mamba_1536")                                                         \
  X("mamba_1536_cf_in_l2", "mamba_1536_cf's first 32 channels (0.5 MiB, stays in L2): its compute" \
    " rate", 1, 2048, 32, 4, 1, 1, 1, CAUSAL, FIRST, SILU, "")                                      \
  X("mobilenet_cf", "MobileNet-style block, channels_first", 8, 1024, 512, 3, 1, 1, 1, SAME,       \
    FIRST, LINEAR, "mobilenet")                                                                   \
  X("strides2_cf", "strides 2 downsampling, channels_first", 1, 4096, 256, 7, 1, 2, 1, SAME,       \
    FIRST, LINEAR, "strides2")                                                                    \
  X("odd_c67_cf", "odd channel count, channels_first", 1, 1000, 67, 5, 1, 1, 1, SAME, FIRST,       \
    LINEAR, "odd_c67")

typedef struct bench_shape {
  const char *name;
  const char *source;
  size_t batch;
  size_t steps;
  size_t channels;
  dwconv1d_params params;
  const char *baseline; /* "" for none */
} bench_shape;

/* Derived sizes of one shape. */
typedef struct bench_shape_sizes {
  size_t out_steps;
  size_t input_floats;
  size_t output_floats;
  size_t weight_floats; /* kernel + bias */
  double flops;         /* 2·B·T_out·C·M·K per call */
  double bytes;         /* input + output + kernel + bias, 4 bytes each */
} bench_shape_sizes;

/* 2^-130 for shapes named "*_subnormal", whose inputs are scaled into the
 * subnormal range so the bench shows that speed beside normal data; else 1. */
float bench_shape_input_scale(const bench_shape *shape);

extern const bench_shape bench_shapes[];
extern const size_t bench_shape_count;

/* A shape named "<name>_in_l2" is the first steps (channels_last) or
 * channels (channels_first) of shape <name>, few enough that its data stays
 * in L2: its time shows the rate the layer
 * computes at when memory does not bind. The summary does not judge it;
 * it reports the rate beside <name>'s fraction of the copy bandwidth.
 * bench_shape_sliced_from gives <name>'s shape for such a slice (else NULL),
 * bench_shape_in_l2_slice the slice of a shape (NULL if it has none). */
const bench_shape *bench_shape_sliced_from(const bench_shape *shape);
const bench_shape *bench_shape_in_l2_slice(const bench_shape *shape);

/* The shape called `name`, or NULL. */
const bench_shape *bench_shape_find(const char *name);

/* Fills *sizes; returns 0, or -1 (with the library's message in `why`) if
 * the library refuses the shape. */
int bench_shape_sizes_of(const bench_shape *shape, bench_shape_sizes *sizes, char *why,
                         size_t why_size);

/* Zeros before and after the steps axis (SPEC §1), for an output of
 * `out_steps` steps. */
void bench_shape_padding(const bench_shape *shape, size_t out_steps, size_t *left, size_t *right);

/* "B1 T500 C256 K33 same cl" plus M, s, d and the activation when not default. */
void bench_shape_describe(const bench_shape *shape, char *text, size_t text_size);

#endif /* DWCONV1D_BENCH_SHAPES_H */
