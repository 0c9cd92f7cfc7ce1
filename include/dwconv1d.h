/* dwconv1d: depthwise 1-D convolution computing exactly what Keras 3's
 * keras.layers.DepthwiseConv1D computes, with SIMD paths chosen at run time.
 *
 * Conventions of this header:
 *  - Every tensor is dense, row-major float32 in the caller's memory; the
 *    library never keeps a pointer to caller memory past the call.
 *  - Functions returning dwconv1d_status return DWCONV1D_OK on success. On
 *    failure they write nothing to their outputs, and dwconv1d_last_error()
 *    returns a one-line message naming the argument and the value received.
 *  - Every function is safe to call from any number of threads at once. */
#ifndef DWCONV1D_H
#define DWCONV1D_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(DWCONV1D_BUILDING_SHARED)
#define DWCONV1D_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define DWCONV1D_API __attribute__((visibility("default")))
#else
#define DWCONV1D_API
#endif

/* ------------------------------------------------------------------ */
/* Version                                                            */

#define DWCONV1D_VERSION_MAJOR 0
#define DWCONV1D_VERSION_MINOR 1
#define DWCONV1D_VERSION_PATCH 0
#define DWCONV1D_VERSION_STRING "0.1.0"

/* The version of the library actually linked, as "MAJOR.MINOR.PATCH".
 * The string is static; do not free it. */
DWCONV1D_API const char *dwconv1d_version(void);

/* ------------------------------------------------------------------ */
/* Status and errors                                                  */

typedef enum dwconv1d_status {
  /* The call did what it says. */
  DWCONV1D_OK = 0,
  /* An argument is out of range, NULL where data is required, or the
   * combination of arguments is refused (see dwconv1d_last_error()). */
  DWCONV1D_ERROR_INVALID_ARGUMENT = 1,
  /* The requested instruction set cannot run on this CPU and OS. */
  DWCONV1D_ERROR_UNSUPPORTED_ISA = 2,
  /* An allocation failed; nothing was leaked and nothing was written. */
  DWCONV1D_ERROR_OUT_OF_MEMORY = 3,
} dwconv1d_status;

/* A static English description of a status ("ok", "invalid argument", ...);
 * "unknown status" for values outside the enum. Do not free it. */
DWCONV1D_API const char *dwconv1d_status_string(dwconv1d_status s);

/* The message of the calling thread's last failed call, for example
 * "kernel_size must be >= 1, got 0". "" if no call of this thread has failed.
 * The string belongs to the library and stays valid until this thread's next
 * call into the library. */
DWCONV1D_API const char *dwconv1d_last_error(void);

/* ------------------------------------------------------------------ */
/* Layer parameters                                                   */

typedef enum dwconv1d_padding {
  DWCONV1D_PADDING_VALID,  /* no padding */
  DWCONV1D_PADDING_SAME,   /* Keras "same": the odd extra zero goes right */
  DWCONV1D_PADDING_CAUSAL, /* extension: d*(K-1) zeros on the left only */
} dwconv1d_padding;

typedef enum dwconv1d_data_format {
  DWCONV1D_CHANNELS_LAST,  /* input (B, T, C), output (B, T_out, C*M) */
  DWCONV1D_CHANNELS_FIRST, /* input (B, C, T), output (B, C*M, T_out) */
} dwconv1d_data_format;

/* Every activation Keras 3 accepts by name, with Keras's default parameters.
 * The four marked "axis" act along the last axis of the output (the steps
 * axis under channels_first), as Keras does; GLU halves that axis. */
typedef enum dwconv1d_activation {
  DWCONV1D_ACTIVATION_LINEAR = 0,     /* "linear" (also "none" and NULL) */
  DWCONV1D_ACTIVATION_RELU,           /* "relu" */
  DWCONV1D_ACTIVATION_RELU6,          /* "relu6" */
  DWCONV1D_ACTIVATION_LEAKY_RELU,     /* "leaky_relu", negative_slope 0.2 */
  DWCONV1D_ACTIVATION_ELU,            /* "elu", alpha 1 */
  DWCONV1D_ACTIVATION_SELU,           /* "selu" */
  DWCONV1D_ACTIVATION_CELU,           /* "celu", alpha 1 */
  DWCONV1D_ACTIVATION_SIGMOID,        /* "sigmoid" */
  DWCONV1D_ACTIVATION_HARD_SIGMOID,   /* "hard_sigmoid": relu6(x + 3) / 6 */
  DWCONV1D_ACTIVATION_HARD_SILU,      /* "hard_silu" (also "hard_swish") */
  DWCONV1D_ACTIVATION_SILU,           /* "silu" (also "swish") */
  DWCONV1D_ACTIVATION_GELU,           /* "gelu": exact erf form, Keras's default */
  DWCONV1D_ACTIVATION_GELU_APPROXIMATE, /* "gelu_approximate": tanh form (Keras gelu(approximate=True)) */
  DWCONV1D_ACTIVATION_TANH,           /* "tanh" */
  DWCONV1D_ACTIVATION_TANH_SHRINK,    /* "tanh_shrink": x - tanh(x) */
  DWCONV1D_ACTIVATION_HARD_TANH,      /* "hard_tanh": clip to [-1, 1] */
  DWCONV1D_ACTIVATION_HARD_SHRINK,    /* "hard_shrink", threshold 0.5 */
  DWCONV1D_ACTIVATION_SOFT_SHRINK,    /* "soft_shrink", threshold 0.5 */
  DWCONV1D_ACTIVATION_SOFTPLUS,       /* "softplus" */
  DWCONV1D_ACTIVATION_SOFTSIGN,       /* "softsign" */
  DWCONV1D_ACTIVATION_SPARSE_PLUS,    /* "sparse_plus" */
  DWCONV1D_ACTIVATION_SPARSE_SIGMOID, /* "sparse_sigmoid" */
  DWCONV1D_ACTIVATION_SQUAREPLUS,     /* "squareplus", b = 4 */
  DWCONV1D_ACTIVATION_MISH,           /* "mish" */
  DWCONV1D_ACTIVATION_EXPONENTIAL,    /* "exponential" */
  DWCONV1D_ACTIVATION_LOG_SIGMOID,    /* "log_sigmoid" */
  DWCONV1D_ACTIVATION_SOFTMAX,        /* "softmax" (axis) */
  DWCONV1D_ACTIVATION_LOG_SOFTMAX,    /* "log_softmax" (axis) */
  DWCONV1D_ACTIVATION_SPARSEMAX,      /* "sparsemax" (axis) */
  DWCONV1D_ACTIVATION_GLU,            /* "glu" (axis; halves the last axis) */
  DWCONV1D_ACTIVATION_COUNT           /* number of activations, not one itself */
} dwconv1d_activation;

/* Looks up an activation by the name Keras uses ("relu", "swish", ...),
 * case-sensitive as in Keras. NULL, "linear" and "none" give LINEAR.
 * Returns DWCONV1D_ERROR_INVALID_ARGUMENT for an unknown name, or when `out`
 * is NULL; *out is written only on success. */
DWCONV1D_API dwconv1d_status dwconv1d_activation_from_name(const char *keras_name,
                                                           dwconv1d_activation *out);

/* The canonical Keras name of `a` ("linear", "relu", ...), a static string;
 * NULL for a value outside the enum. */
DWCONV1D_API const char *dwconv1d_activation_name(dwconv1d_activation a);

/* The layer's hyper-parameters, named as Keras names them. */
typedef struct dwconv1d_params {
  size_t kernel_size;               /* K >= 1 */
  size_t strides;                   /* default 1 */
  dwconv1d_padding padding;         /* default VALID */
  size_t depth_multiplier;          /* default 1 */
  dwconv1d_data_format data_format; /* default CHANNELS_LAST */
  size_t dilation_rate;             /* default 1 */
  dwconv1d_activation activation;   /* default LINEAR */
  bool use_bias;                    /* default true */
} dwconv1d_params;

/* Keras's defaults with the given kernel_size: strides 1, "valid",
 * depth_multiplier 1, channels_last, dilation 1, no activation, use_bias. */
DWCONV1D_API dwconv1d_params dwconv1d_params_default(size_t kernel_size);

/* Checks `p` as dwconv1d_layer_create would (without channels).
 * Returns DWCONV1D_OK or DWCONV1D_ERROR_INVALID_ARGUMENT with a message. */
DWCONV1D_API dwconv1d_status dwconv1d_params_validate(const dwconv1d_params *p);

/* The number of output steps T_out for an input of `steps` steps (SPEC §1;
 * not halved by GLU). Fails with INVALID_ARGUMENT for invalid parameters or
 * when the output would be empty ("Computed output size would be zero or
 * negative"). */
DWCONV1D_API dwconv1d_status dwconv1d_output_steps(const dwconv1d_params *p, size_t steps,
                                                   size_t *out_steps);

/* The output tensor's shape in the layout's order: (batch, T_out, C*M) for
 * channels_last, (batch, C*M, T_out) for channels_first, with the last axis
 * halved under GLU (which requires it to be even). Fails with
 * INVALID_ARGUMENT where dwconv1d_output_steps does, for channels == 0, and
 * when the output's element or byte count would overflow size_t. */
DWCONV1D_API dwconv1d_status dwconv1d_output_shape(const dwconv1d_params *p, size_t batch,
                                                   size_t channels, size_t steps,
                                                   size_t shape[3]);

/* ------------------------------------------------------------------ */
/* Instruction sets and dispatch                                      */

typedef enum dwconv1d_isa {
  DWCONV1D_ISA_SCALAR, /* portable C, every CPU */
  DWCONV1D_ISA_SSE4,   /* x86-64 SSE4.1 */
  DWCONV1D_ISA_AVX2,   /* x86-64 AVX2 + FMA */
  DWCONV1D_ISA_AVX512, /* x86-64 AVX-512F (+ the subsets the code uses) */
  DWCONV1D_ISA_NEON,   /* AArch64 AdvSIMD */
} dwconv1d_isa;

/* True when this build contains the path and this CPU and OS can run it. */
DWCONV1D_API bool dwconv1d_isa_supported(dwconv1d_isa isa);

/* "scalar", "sse4", "avx2", "avx512" or "neon" (the DWCONV1D_ISA spellings);
 * NULL for a value outside the enum. Static; do not free. */
DWCONV1D_API const char *dwconv1d_isa_name(dwconv1d_isa isa);

/* Forces `isa` for layers created from now on, by any thread, overriding the
 * DWCONV1D_ISA environment variable. Returns UNSUPPORTED_ISA (and changes
 * nothing) when this CPU cannot run it, INVALID_ARGUMENT for a value outside
 * the enum. Layers that exist keep their ISA. */
DWCONV1D_API dwconv1d_status dwconv1d_set_isa(dwconv1d_isa isa);

/* Undoes dwconv1d_set_isa: new layers again follow DWCONV1D_ISA (or pick
 * the fastest supported path when it is unset or "auto"). */
DWCONV1D_API void dwconv1d_reset_isa(void);

/* The ISA a layer created now would use. Fails as dwconv1d_layer_create
 * would when DWCONV1D_ISA names an unknown ISA (INVALID_ARGUMENT) or one this
 * CPU cannot run (UNSUPPORTED_ISA); the message lists what this CPU can run. */
DWCONV1D_API dwconv1d_status dwconv1d_active_isa(dwconv1d_isa *out);

/* ------------------------------------------------------------------ */
/* The layer                                                          */

/* Opaque. Its parameters and weights never change after create, so one
 * layer may run on many threads at once. It keeps the workspace of its last
 * forward call for the next one (handed over atomically; a concurrent call
 * allocates its own), freed by dwconv1d_layer_destroy. */
typedef struct dwconv1d_layer dwconv1d_layer;

/* Creates a layer for `channels` input channels.
 *   kernel: (K, C, M) float32 in Keras's own layout, kernel[k][c][m].
 *   bias:   (C*M), required when p->use_bias, ignored (may be NULL) otherwise.
 * The layer copies (and packs) what it needs: the caller may free `kernel`
 * and `bias` as soon as this returns. On success *out owns a new layer that
 * the caller releases with dwconv1d_layer_destroy. The layer uses the ISA
 * that dwconv1d_active_isa() names at this moment, for its whole life.
 * Errors: INVALID_ARGUMENT (parameters, channels == 0, NULL pointers, size
 * overflow), UNSUPPORTED_ISA, OUT_OF_MEMORY; *out is then left untouched. */
DWCONV1D_API dwconv1d_status dwconv1d_layer_create(const dwconv1d_params *p, size_t channels,
                                                   const float *kernel, const float *bias,
                                                   dwconv1d_layer **out);

/* Runs the layer on the calling thread.
 *   input:  (batch, steps, C) or (batch, C, steps), as the data format says.
 *   output: dwconv1d_output_shape(p, batch, C, steps) floats, written whole.
 * batch == 0 is valid and writes nothing (input and output may then be NULL).
 * The buffers need no particular alignment and must not overlap. Vectors
 * that straddle cache lines cost up to 2x, but channels_last buffers with
 * stride 1 and C * M a multiple of the vector width, input and output the
 * same distance past a vector boundary (as malloc leaves large blocks; for
 * M > 1 the output's alone counts), still run on aligned vectors where a
 * batch element's output is at least 48 KiB: the first such call packs the
 * weights for that distance, kept with the layer (as much memory again as
 * its weights and bias, per distance). Some outputs are written around the
 * caches (their first lines could not stay cached for the reader anyway;
 * the stores are complete and ordered before the call returns, as any
 * other). On AVX-512, an output that starts on a 64-byte boundary:
 * channels_last with C * M a multiple of 16 where the input and output
 * together are at least the last-level cache's size, channels_first with
 * output steps a multiple of 16, K <= 15, dilation 1 and no activation but
 * relu where the output alone is. On AVX2 and SSE4.1, the same
 * channels_last calls with M = 1, C a multiple of the vector width, K <= 6
 * (SSE4.1: 4) and no transcendental activation (elu, sigmoid, silu, gelu,
 * tanh, softplus and the like), the output on a vector boundary or run on
 * aligned vectors as above; on AVX2 also those channels_first calls with
 * the output on a 32-byte boundary, output steps a multiple of 8 and, at
 * stride 1, K <= 8.
 * Errors: INVALID_ARGUMENT (NULL pointers, steps too short for the kernel,
 * size overflow), OUT_OF_MEMORY (some layouts need a small workspace);
 * the output is untouched on error. */
DWCONV1D_API dwconv1d_status dwconv1d_layer_forward(const dwconv1d_layer *layer, size_t batch,
                                                    size_t steps, const float *input,
                                                    float *output);

/* A task the library hands to a caller's thread pool: run it for `task`. */
typedef void (*dwconv1d_task_fn)(void *context, size_t task);

/* A caller's parallel-for: calls task(context, i) once for every i in
 * [0, count), on any threads and in any order, and returns when all calls
 * have returned. pthreadpool_parallelize_1d(pool, task, context, count, 0)
 * has exactly this shape. */
typedef void (*dwconv1d_parallel_for)(void *pool, dwconv1d_task_fn task, void *context,
                                      size_t count);

/* Like dwconv1d_layer_forward, with the work split into tasks that
 * `parallel_for` runs on the caller's pool. `threads` is how many tasks the
 * pool runs at once: the work is cut into about 4 tasks per thread (over
 * batch, then steps, then channels, so batch 1 scales too), never more than
 * 8 * threads, each with its own workspace. parallel_for is called at most
 * once per call, and not at all when batch == 0 or there is a single task.
 * The results are bit-identical to dwconv1d_layer_forward whatever the
 * thread count. A NULL parallel_for runs everything on the calling thread.
 * Errors as dwconv1d_layer_forward, plus INVALID_ARGUMENT for threads == 0. */
DWCONV1D_API dwconv1d_status dwconv1d_layer_forward_parallel(
    const dwconv1d_layer *layer, size_t batch, size_t steps, const float *input, float *output,
    dwconv1d_parallel_for parallel_for, void *pool, size_t threads);

/* The ISA this layer runs on. */
DWCONV1D_API dwconv1d_isa dwconv1d_layer_isa(const dwconv1d_layer *layer);

/* Copies the layer's parameters to *p and its input channel count to
 * *channels (either may be NULL). */
DWCONV1D_API void dwconv1d_layer_describe(const dwconv1d_layer *layer, dwconv1d_params *p,
                                          size_t *channels);

/* Releases a layer. NULL is ignored. */
DWCONV1D_API void dwconv1d_layer_destroy(dwconv1d_layer *layer);

/* ------------------------------------------------------------------ */
/* Initializers                                                       */

/* Fresh weights drawn as Keras 3's initializers draw them, for a layer made
 * from scratch. The distributions are Keras's (its default parameters, its
 * fan computation, its truncation); the random streams are the library's
 * own (xoshiro256** seeded through splitmix64), so the values differ from
 * Keras's but the same seed gives the same values in every call, thread and
 * ISA of a given build. Values are drawn in double and rounded to float32.
 *
 * Fans follow Keras's compute_fans: a shape of rank 1 has fan_in = fan_out =
 * shape[0]; rank 2 has fan_in = shape[0], fan_out = shape[1]; rank 3 and up
 * multiply the receptive field (every dimension but the last two) into
 * fan_in = shape[-2] * field and fan_out = shape[-1] * field. For the
 * DepthwiseConv1D kernel (K, C, M) that is fan_in = K*C, fan_out = K*M. */

typedef enum dwconv1d_initializer_kind {
  DWCONV1D_INITIALIZER_CONSTANT,         /* every element = value */
  DWCONV1D_INITIALIZER_RANDOM_NORMAL,    /* normal(mean, stddev) */
  DWCONV1D_INITIALIZER_RANDOM_UNIFORM,   /* uniform on [minval, maxval) */
  DWCONV1D_INITIALIZER_TRUNCATED_NORMAL, /* normal(mean, stddev) redrawn beyond 2 stddev */
  DWCONV1D_INITIALIZER_VARIANCE_SCALING, /* variance scale / n, n from mode and the fans */
  DWCONV1D_INITIALIZER_ORTHOGONAL,       /* gain * an orthogonal matrix (Haar) */
} dwconv1d_initializer_kind;

/* VarianceScaling's mode: which fan n is. */
typedef enum dwconv1d_fan_mode {
  DWCONV1D_FAN_IN,  /* "fan_in":  n = max(1, fan_in) */
  DWCONV1D_FAN_OUT, /* "fan_out": n = max(1, fan_out) */
  DWCONV1D_FAN_AVG, /* "fan_avg": n = max(1, (fan_in + fan_out) / 2) */
} dwconv1d_fan_mode;

/* VarianceScaling's distribution, each with variance scale / n. */
typedef enum dwconv1d_scaling_distribution {
  /* "truncated_normal" (Keras also reads "normal" so): a normal cut at two
   * standard deviations, its stddev sqrt(scale/n) / 0.87962566103423978 so
   * that the variance after the cut is scale / n. */
  DWCONV1D_SCALING_TRUNCATED_NORMAL,
  DWCONV1D_SCALING_UNTRUNCATED_NORMAL, /* "untruncated_normal": stddev sqrt(scale/n) */
  DWCONV1D_SCALING_UNIFORM,            /* "uniform": on [-sqrt(3 scale/n), +sqrt(3 scale/n)) */
} dwconv1d_scaling_distribution;

/* One initializer with its parameters, named as in Keras's get_config().
 * Each kind reads only the fields its comment names. */
typedef struct dwconv1d_initializer {
  dwconv1d_initializer_kind kind;
  double value;  /* CONSTANT (Keras's Constant default 0) */
  double mean;   /* RANDOM_NORMAL, TRUNCATED_NORMAL: default 0 */
  double stddev; /* RANDOM_NORMAL, TRUNCATED_NORMAL: default 0.05, >= 0 */
  double minval; /* RANDOM_UNIFORM: default -0.05 */
  double maxval; /* RANDOM_UNIFORM: default 0.05, >= minval */
  double scale;  /* VARIANCE_SCALING: > 0 */
  dwconv1d_fan_mode mode;                     /* VARIANCE_SCALING */
  dwconv1d_scaling_distribution distribution; /* VARIANCE_SCALING */
  /* VARIANCE_SCALING: 0 and 0 compute both fans from the shape (above);
   * otherwise they are used as given (Keras's input_axes / output_axes). */
  size_t fan_in, fan_out;
  double gain; /* ORTHOGONAL: default 1 */
} dwconv1d_initializer;

/* The initializer Keras builds from `keras_name` with its default parameters.
 * Names are case-sensitive, as Keras looks them up: the snake_case names
 * "zeros", "ones", "constant", "random_normal", "random_uniform",
 * "truncated_normal", "variance_scaling", "glorot_uniform", "glorot_normal",
 * "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal",
 * the class names ("GlorotUniform", ...), and Keras's aliases "zero", "one",
 * "normal", "uniform", "OrthogonalInitializer". glorot_* are fan_avg with
 * scale 1, he_* fan_in with scale 2, lecun_* fan_in with scale 1 (the _normal
 * ones truncated, the _uniform ones uniform); variance_scaling is scale 1,
 * fan_in, truncated_normal.
 * Errors: INVALID_ARGUMENT for NULL, an unknown name, or Keras's "identity"
 * and "stft" (2-D only and Conv1D-only, never a DepthwiseConv1D weight);
 * *out is written only on success. */
DWCONV1D_API dwconv1d_status dwconv1d_initializer_from_name(const char *keras_name,
                                                            dwconv1d_initializer *out);

/* Fills `out` (the product of shape[0..rank-1] floats, row-major) with
 * values drawn by `init` from `seed`. rank 0 is a scalar (one value); a zero
 * dimension gives no values (out may then be NULL). ORTHOGONAL flattens the
 * shape to (product of all but the last, last) and writes a matrix with
 * orthonormal columns, or rows when it is wider than tall, times gain.
 * Errors: INVALID_ARGUMENT for NULL pointers, a kind, mode or distribution
 * outside its enum, a non-finite parameter (CONSTANT's value excepted), a
 * minval or maxval beyond float32's range, a negative stddev, minval >
 * maxval, scale <= 0, only one of fan_in/fan_out
 * given, ORTHOGONAL with rank < 2, or an element count that overflows
 * size_t; OUT_OF_MEMORY (ORTHOGONAL needs a workspace of doubles of the
 * output's size). Nothing is written on error. */
DWCONV1D_API dwconv1d_status dwconv1d_initializer_fill(const dwconv1d_initializer *init,
                                                       const size_t *shape, size_t rank,
                                                       uint64_t seed, float *out);

/* dwconv1d_initializer_from_name(initializer) then dwconv1d_initializer_fill:
 * Keras's named initializer with its default parameters. */
DWCONV1D_API dwconv1d_status dwconv1d_initialize(const char *initializer, const size_t *shape,
                                                 size_t rank, uint64_t seed, float *out);

/* A fresh layer's weights, as Keras's DepthwiseConv1D.build draws them:
 *   kernel: (K, C, M) from `depthwise_initializer` (NULL: "glorot_uniform"),
 *           exactly what dwconv1d_initialize writes for that shape and seed;
 *   bias:   (C*M) from `bias_initializer` (NULL: "zeros"), drawn from a
 *           stream derived from `seed` (not `seed` itself, so that random
 *           kernel and bias are independent); written only when p->use_bias,
 *           and may be NULL otherwise.
 * Errors: INVALID_ARGUMENT (parameters as dwconv1d_params_validate,
 * channels == 0, NULL kernel, NULL bias with use_bias, names as
 * dwconv1d_initializer_from_name, orthogonal for the 1-D bias, sizes that
 * overflow), OUT_OF_MEMORY; nothing is written on error. */
DWCONV1D_API dwconv1d_status dwconv1d_initialize_weights(const dwconv1d_params *p,
                                                         size_t channels,
                                                         const char *depthwise_initializer,
                                                         const char *bias_initializer,
                                                         uint64_t seed, float *kernel,
                                                         float *bias);

/* ------------------------------------------------------------------ */
/* Streaming (causal state carried across calls)                      */

/* A stream runs one layer over `batch` sequences that arrive in chunks,
 * keeping each sequence's trailing inputs between calls.
 *
 * State: each sequence keeps its last H = dilation_rate * (kernel_size - 1)
 * input steps as H x C floats, oldest step first, channels contiguous
 * (state[r * C + c]; C = input channels, also under channels_first), as
 * Mamba-style engines keep their convolution state. A new stream's state is
 * all zeros: under causal padding that is the padding itself.
 *
 * Phase: the stream's rows advance together and share one phase, the state
 * row (counted from the oldest, 0..H-1; H or more = not yet received) where
 * the next output's window starts. Equivalently it is the number of input
 * steps the stream takes before the step that completes its next output.
 * Causal streams start at 0, valid streams at H (their natural delay); with
 * strides 1 a causal stream's phase stays 0, and a valid stream's reaches 0
 * after its first H steps. With strides s the phase is in [0, max(H, s-1)].
 * A prefill's state is handed on by copying every row's state and the phase.
 *
 * A stream is not itself thread-safe: one thread at a time may use a given
 * stream. Different streams, of the same layer or not, run concurrently. */
typedef struct dwconv1d_stream dwconv1d_stream;

/* Creates a stream of `batch` sequences starting from an all-zero history.
 * The layer must outlive the stream and is only read. Causal padding streams
 * with no delay, valid padding with its natural delay (its outputs are those
 * of a valid forward over everything pushed so far); same padding cannot be
 * streamed exactly and is refused. Elementwise activations are fused;
 * softmax, log_softmax, sparsemax and glu act per output step along the
 * channels under channels_last, and are refused under channels_first (they
 * would need the whole steps axis). batch == 0 gives a stream that does
 * nothing. The stream holds batch * 2 * (H + 1) * C floats of state (H as
 * dwconv1d_stream_state_steps gives it): room for one-step decoding with a
 * last-axis activation to slide each state along instead of shifting it
 * every step (other one-step pushes shift it in place). One-step pushes never
 * allocate; longer ones may grow the stream's workspace once, and on buffers
 * off a vector boundary pack the layer's weights for that distance once, as
 * dwconv1d_layer_forward does.
 * On success *out owns the stream; release it with dwconv1d_stream_destroy.
 * Errors: INVALID_ARGUMENT (NULL layer or out, same padding, an axis
 * activation under channels_first, glu with an odd C*M, size overflow),
 * OUT_OF_MEMORY; *out is then left untouched. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_create(const dwconv1d_layer *layer, size_t batch,
                                                    dwconv1d_stream **out);

/* How many output steps per sequence the next push of `steps` input steps
 * will complete, written to *out_steps: steps > phase ? (steps - 1 - phase)
 * / strides + 1 : 0 (so ceil(steps / strides) for a causal stream at phase
 * 0). Errors: INVALID_ARGUMENT for a NULL stream or out_steps. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_output_steps(const dwconv1d_stream *stream,
                                                          size_t steps, size_t *out_steps);

/* Pushes the next `steps` input steps of every sequence (steps may be 0).
 *   input:  (batch, steps, C) or (batch, C, steps) as the layer's data_format says;
 *           may be NULL when steps == 0.
 *   output: likewise with *out_steps steps (dwconv1d_stream_output_steps tells
 *           how many in advance), the channel axis halved under glu; may be
 *           NULL when the push completes no output.
 *   out_steps: receives the output steps per sequence; may be NULL.
 * Feeding a sequence in any chunking gives bit-for-bit the outputs of one
 * forward call over the whole sequence on the same path (causal: with no
 * delay; valid: as the steps arrive). Strides are honoured across chunks.
 * The buffers need no alignment and must not overlap; channels_last chunks
 * off a vector boundary run on aligned vectors as dwconv1d_layer_forward
 * says. Errors: INVALID_ARGUMENT (NULL stream, or NULL input/output where data is
 * required, size overflow), OUT_OF_MEMORY (a longer chunk than before needs
 * a bigger workspace); on error the stream and the output are untouched. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_push(dwconv1d_stream *stream, size_t steps,
                                                  const float *input, float *output,
                                                  size_t *out_steps);

/* Returns every sequence to the all-zero history and the phase of a new
 * stream. Errors: INVALID_ARGUMENT for a NULL stream. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_reset(dwconv1d_stream *stream);

/* Releases a stream. NULL is ignored. */
DWCONV1D_API void dwconv1d_stream_destroy(dwconv1d_stream *stream);

/* The state steps H = dilation_rate * (kernel_size - 1) of one sequence of a
 * stream over `layer` (a state holds H * C floats, C the layer's input
 * channels; H is 0 for kernel_size 1). Engines size their state pools with
 * it. Errors: INVALID_ARGUMENT for a NULL layer or steps, and for a layer
 * that cannot stream (as dwconv1d_stream_create refuses it). */
DWCONV1D_API dwconv1d_status dwconv1d_stream_state_steps(const dwconv1d_layer *layer,
                                                         size_t *steps);

/* Copies sequence `row`'s state (H x C floats, layout above) to `dst`, which
 * the caller owns; dst may be NULL when H == 0. Errors: INVALID_ARGUMENT for
 * a NULL stream or dst, or row >= batch. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_get_state(const dwconv1d_stream *stream, size_t row,
                                                       float *dst);

/* Replaces sequence `row`'s state with H x C floats copied from `src` (the
 * caller keeps src); the phase is not changed. src may be NULL when H == 0.
 * Errors: INVALID_ARGUMENT for a NULL stream or src, or row >= batch. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_set_state(dwconv1d_stream *stream, size_t row,
                                                       const float *src);

/* Restarts sequence `row` from the all-zero history, the others unchanged.
 * Possible only while the shared phase equals a new stream's (always for
 * causal strides 1; otherwise reset the whole stream, or use another).
 * Errors: INVALID_ARGUMENT for a NULL stream, row >= batch, or a phase that
 * differs from a new stream's (the message gives both). */
DWCONV1D_API dwconv1d_status dwconv1d_stream_reset_sequence(dwconv1d_stream *stream, size_t row);

/* Writes the stream's phase (see above) to *phase. Errors: INVALID_ARGUMENT
 * for a NULL stream or phase. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_get_phase(const dwconv1d_stream *stream,
                                                       size_t *phase);

/* Sets the stream's phase, e.g. to the phase of the stream whose states were
 * copied in. Errors: INVALID_ARGUMENT for a NULL stream or a phase above
 * max(H, strides - 1). */
DWCONV1D_API dwconv1d_status dwconv1d_stream_set_phase(dwconv1d_stream *stream, size_t phase);

/* The state-pool call, for engines that keep every sequence's state in one
 * pool of their own: pushes `steps` steps of `batch` rows whose states live in
 * pool[slot_index[b] * H * C ...] (pool: pool_slots x H x C floats, layout
 * above), as Mamba's causal_conv1d_update does with conv_state_indices.
 *   input:  (batch, steps, C) or (batch, C, steps) as the data format says.
 *   output: likewise with `steps` output steps (channels halved under glu).
 *   slot_index: batch entries; a negative entry skips the row: its output
 *           and every slot it does not name are left untouched. Rows run in
 *           order, so two rows naming one slot continue each other.
 * Stateless: nothing is kept between calls, and different calls may run
 * concurrently on different slots. Needs strides == 1 (a slot holds no
 * phase): each step completes one output, whose window is the slot's H steps
 * followed by the chunk, i.e. phase 0. That is the causal stream exactly; for
 * valid padding it is the valid stream once the slot holds H received steps
 * (a stream's state after its phase reached 0). One-step calls allocate
 * nothing (about 32 KiB of stack) when depth_multiplier is 1 and the
 * activation is elementwise (each slot is then read and shifted in place),
 * or when H <= 255 and the activation is neither glu nor sparsemax; others
 * may allocate a workspace (and pack the layer's weights for buffers off a
 * vector boundary, as dwconv1d_stream_push).
 * batch == 0 or steps == 0 does nothing (pointers may then be NULL); pool
 * may be NULL when H == 0.
 * Errors: INVALID_ARGUMENT (NULL pointers, strides > 1, a layer that cannot
 * stream, slot_index[b] >= pool_slots, size overflow), OUT_OF_MEMORY; on error
 * nothing is written. */
DWCONV1D_API dwconv1d_status dwconv1d_stream_pool_push(const dwconv1d_layer *layer, size_t batch,
                                                       size_t steps, const float *input,
                                                       float *output, float *pool,
                                                       size_t pool_slots,
                                                       const ptrdiff_t *slot_index);

#ifdef __cplusplus
}
#endif

#endif /* DWCONV1D_H */
