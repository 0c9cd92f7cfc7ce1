/* libFuzzer target over the whole public API (issue 8).
 *
 * The input is decoded into every argument the API takes: sizes (small,
 * 16-bit, near SIZE_MAX, near SIZE_MAX / n, powers of two +- a little, raw
 * 64-bit), enum values in and out of range, activation names (Keras's, junk,
 * or bytes of the input), ISA values for dwconv1d_set_isa, NULL pointers and
 * float data of several kinds. Arithmetic-only calls (shapes, validation,
 * names) are checked against a model of SPEC §1-§2 written here with
 * overflow-safe arithmetic. Calls that touch buffers run for real when the
 * sizes are affordable, with buffers sized exactly as a correct caller sizes
 * them, and otherwise only where the model says they must be refused (then
 * with small dummy buffers that must stay untouched).
 *
 * Invariants checked:
 *  - a length is exact or refused, never wrapped (output_steps, output_shape,
 *    stream output counts, stream totals against the forward pass);
 *  - a refused call returns the documented status, writes a fresh one-line
 *    message and leaves every output untouched;
 *  - an accepted call writes every output element (outputs start filled with
 *    a signalling-NaN pattern that arithmetic can never produce) and leaves
 *    its inputs unchanged;
 *  - forward results agree with the double reference (moderate data), and
 *    streams and the pool call agree bit for bit with the forward pass.
 * A failed check prints the case and aborts, which libFuzzer records as a
 * crash (tests/fuzz/README.md tells how to replay it).
 *
 * With DWCONV1D_ISA set in the environment, dwconv1d_set_isa is still called
 * and checked, then undone, so layers run on the pinned path (valgrind runs
 * the corpus on the scalar path this way). */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv1d.h"
#include "fuzz_api.h"
#include "reference.h"
#include "test_common.h"

/* ------------------------------------------------------------------ */
/* Limits of one input: every input stays fast and small.              */

enum {
  MAX_FLOATS = 1 << 20,  /* one buffer: 4 MiB */
  MAX_WORK = 1 << 21,    /* multiply-adds of one forward call */
  MAX_REF_OUTPUTS = 1 << 15, /* outputs compared with the double reference */
  MAX_ROWS = 64,         /* batch of a stream or pool call that runs */
  DUMMY_FLOATS = 64,     /* buffers passed to calls that must be refused */
};

/* The library's documented limit on spans and strides (docs/GUARANTEES.md). */
#define SPAN_LIMIT ((size_t)PTRDIFF_MAX / 4)

/* Output sentinel: a signalling NaN. Every output element is the result of
 * floating-point arithmetic, which only ever produces quiet NaNs. */
#define SENTINEL_BITS 0x7F8DEAD5u
/* Unwritten size_t / pointer outputs. */
#define SIZE_SENTINEL ((size_t)0x5EA5EA5EA5u)

/* ------------------------------------------------------------------ */
/* Failure reports and counts                                          */

static fuzz_counts counts;

fuzz_counts *fuzz_api_counts(void) { return &counts; }

void fuzz_api_print_counts(const fuzz_counts *c, FILE *out) {
  fprintf(out,
          "%lu inputs: %lu refusals checked, %lu layers, %lu forward calls (%lu against the "
          "double reference, %lu on a pool), %lu stream pushes, %lu streams compared with "
          "forward, %lu pool calls, %lu initializer fills\n",
          c->inputs, c->refusals, c->layers, c->forwards, c->reference_checks,
          c->parallel_forwards, c->stream_pushes, c->stream_comparisons, c->pool_calls,
          c->initializer_fills);
}

static char case_text[512];

static void fuzz_fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "FUZZ FAIL: ");
  vfprintf(stderr, format, args);
  va_end(args);
  fprintf(stderr, "\n  case: %s\n  last error: \"%s\"\n", case_text, dwconv1d_last_error());
  abort();
}

#define CHECK(cond, ...)                                                                          \
  do {                                                                                            \
    if (!(cond))                                                                                  \
      fuzz_fail(__VA_ARGS__);                                                                     \
  } while (0)

/* ------------------------------------------------------------------ */
/* Decoding the input                                                  */

typedef struct reader {
  const uint8_t *data;
  size_t size, pos;
} reader;

/* Past the end the input reads as zeros: short inputs are valid cases. */
static uint8_t read_u8(reader *r) { return r->pos < r->size ? r->data[r->pos++] : 0; }

static uint64_t read_le(reader *r, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++)
    v |= (uint64_t)read_u8(r) << (8 * i);
  return v;
}

/* A size: tag 0x00-0x9F is the value itself; 0xA0-0xAF a 16-bit value;
 * 0xB0-0xBF SIZE_MAX - n; 0xC0-0xCF SIZE_MAX / (n + 2) + a signed byte;
 * 0xD0-0xDF 2^b + n - 8; 0xE0-0xFF 64 raw bits. Unsigned wrap-around of the
 * offsets is intended: it lands on both sides of each boundary. */
static size_t read_size(reader *r) {
  const uint8_t tag = read_u8(r);
  const size_t n = tag & 15u;
  if (tag < 0xA0)
    return tag;
  if (tag < 0xB0)
    return (size_t)read_le(r, 2);
  if (tag < 0xC0)
    return SIZE_MAX - n;
  if (tag < 0xD0)
    return SIZE_MAX / (n + 2) + (size_t)(int8_t)read_u8(r);
  if (tag < 0xE0)
    return ((size_t)1 << (read_u8(r) % (sizeof(size_t) * 8))) + n - 8;
  return (size_t)read_le(r, 8);
}

/* An enum value: mostly -1 .. 4 (in and just out of range), sometimes any int. */
static int read_enum(reader *r) {
  const uint8_t b = read_u8(r);
  if (b < 0xF0)
    return (int)(b % 6) - 1;
  return (int)(int32_t)(uint32_t)read_le(r, 4);
}

/* ------------------------------------------------------------------ */
/* The model: SPEC §1-§2 with overflow-safe arithmetic                 */

static bool mul_fits(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a)
    return false;
  *out = a * b;
  return true;
}

/* a * b * c floats as bytes, false when any product overflows. */
static bool float_bytes_fit(size_t a, size_t b, size_t c, size_t *floats) {
  size_t n, bytes;
  return mul_fits(a, b, &n) && mul_fits(n, c, &n) && mul_fits(n, sizeof(float), &bytes) &&
         (*floats = n, true);
}

/* Keras's names in enum order, written from the header's comments. */
static const char *const keras_names[] = {
    "linear",       "relu",           "relu6",          "leaky_relu",  "elu",
    "selu",         "celu",           "sigmoid",        "hard_sigmoid", "hard_silu",
    "silu",         "gelu",           "gelu_approximate", "tanh",      "tanh_shrink",
    "hard_tanh",    "hard_shrink",    "soft_shrink",    "softplus",    "softsign",
    "sparse_plus",  "sparse_sigmoid", "squareplus",     "mish",        "exponential",
    "log_sigmoid",  "softmax",        "log_softmax",    "sparsemax",   "glu",
};
_Static_assert(sizeof keras_names / sizeof keras_names[0] == DWCONV1D_ACTIVATION_COUNT,
               "one name per activation");

static bool model_is_axis(int a) {
  return a == DWCONV1D_ACTIVATION_SOFTMAX || a == DWCONV1D_ACTIVATION_LOG_SOFTMAX ||
         a == DWCONV1D_ACTIVATION_SPARSEMAX || a == DWCONV1D_ACTIVATION_GLU;
}

/* The activation a Keras name means, or -1. */
static int model_activation_of(const char *name) {
  if (name == NULL || strcmp(name, "none") == 0)
    return DWCONV1D_ACTIVATION_LINEAR;
  if (strcmp(name, "swish") == 0)
    return DWCONV1D_ACTIVATION_SILU;
  if (strcmp(name, "hard_swish") == 0)
    return DWCONV1D_ACTIVATION_HARD_SILU;
  for (int i = 0; i < DWCONV1D_ACTIVATION_COUNT; i++)
    if (strcmp(name, keras_names[i]) == 0)
      return i;
  return -1;
}

static bool model_params_valid(const dwconv1d_params *p) {
  size_t history;
  if (p->kernel_size == 0 || p->strides == 0 || p->dilation_rate == 0 ||
      p->depth_multiplier == 0)
    return false;
  if (p->strides > 1 && p->dilation_rate > 1)
    return false;
  if ((unsigned)p->padding > 2u || (unsigned)p->data_format > 1u ||
      (unsigned)p->activation >= (unsigned)DWCONV1D_ACTIVATION_COUNT)
    return false;
  /* The documented limit: span = d*(K-1) + 1 and strides at most SPAN_LIMIT. */
  if (!mul_fits(p->dilation_rate, p->kernel_size - 1, &history) || history >= SPAN_LIMIT)
    return false;
  return p->strides <= SPAN_LIMIT;
}

/* d * (K - 1) of valid parameters. */
static size_t model_history(const dwconv1d_params *p) {
  return p->dilation_rate * (p->kernel_size - 1);
}

/* T_out for valid parameters; false when the output would be empty. */
static bool model_out_steps(const dwconv1d_params *p, size_t steps, size_t *t_out) {
  const size_t span = model_history(p) + 1;
  if (p->padding == DWCONV1D_PADDING_VALID) {
    if (steps < span)
      return false;
    *t_out = (steps - span) / p->strides + 1;
    return true;
  }
  if (steps == 0)
    return false;
  *t_out = (steps - 1) / p->strides + 1; /* ceil(T / s) */
  return true;
}

/* The output shape; false when dwconv1d_output_shape must refuse. */
static bool model_shape(const dwconv1d_params *p, size_t batch, size_t channels, size_t steps,
                        size_t shape[3]) {
  size_t t_out, cm, floats;
  if (!model_params_valid(p) || !model_out_steps(p, steps, &t_out) || channels == 0 ||
      !mul_fits(channels, p->depth_multiplier, &cm))
    return false;
  const bool channels_first = p->data_format == DWCONV1D_CHANNELS_FIRST;
  size_t last = channels_first ? t_out : cm;
  if (p->activation == DWCONV1D_ACTIVATION_GLU) {
    if (last % 2 != 0)
      return false;
    last /= 2;
  }
  const size_t middle = channels_first ? cm : t_out;
  if (!float_bytes_fit(batch, middle, last, &floats))
    return false;
  shape[0] = batch;
  shape[1] = middle;
  shape[2] = last;
  return true;
}

/* ------------------------------------------------------------------ */
/* Refusals: status, a fresh one-line message, nothing written          */

/* An ISA value the harness never passes otherwise (choose_isa avoids it),
 * so no call of a case can leave the message it produces. */
#define MARKER_ISA (-559038737)

static char marker_text[256];

/* Leaves a known message behind, so the next refusal must replace it. */
static void arm_marker(void) {
  (void)dwconv1d_set_isa((dwconv1d_isa)MARKER_ISA);
  snprintf(marker_text, sizeof marker_text, "%s", dwconv1d_last_error());
}

static void expect_refused(dwconv1d_status got, dwconv1d_status want, const char *call) {
  const char *msg = dwconv1d_last_error();
  counts.refusals++;
  CHECK(got == want, "%s returned %d (%s), want %d (%s)", call, (int)got,
        dwconv1d_status_string(got), (int)want, dwconv1d_status_string(want));
  CHECK(msg != NULL && msg[0] != '\0', "%s refused without a message", call);
  CHECK(strcmp(msg, marker_text) != 0, "%s refused but left the previous message", call);
  CHECK(strchr(msg, '\n') == NULL, "%s: message is not one line", call);
}

static void expect_ok(dwconv1d_status got, const char *call) {
  CHECK(got == DWCONV1D_OK, "%s returned %d (%s), want OK", call, (int)got,
        dwconv1d_status_string(got));
}

/* ------------------------------------------------------------------ */
/* Buffers                                                             */

static float sentinel_float(void) {
  const uint32_t bits = SENTINEL_BITS;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static void fill_sentinel(float *x, size_t n) {
  const float s = sentinel_float();
  for (size_t i = 0; i < n; i++)
    x[i] = s;
}

static bool is_sentinel(float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits == SENTINEL_BITS;
}

/* Index of the first sentinel left in x, or n. */
static size_t first_sentinel(const float *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (is_sentinel(x[i]))
      return i;
  return n;
}

/* Index of the first element that is not the sentinel, or n. */
static size_t first_written(const float *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_sentinel(x[i]))
      return i;
  return n;
}

/* Exactly n floats (at least one byte so malloc never returns NULL for 0). */
static float *alloc_exact(size_t n) {
  float *p = malloc(n ? n * sizeof(float) : 1);
  if (p == NULL)
    fuzz_fail("harness out of memory for %zu floats", n);
  return p;
}

/* Equal, or both NaN (payloads may differ between equally valid paths). */
static bool same_value(float a, float b) {
  if (a != a || b != b)
    return a != a && b != b;
  uint32_t x, y;
  memcpy(&x, &a, sizeof x);
  memcpy(&y, &b, sizeof y);
  return x == y;
}

/* ------------------------------------------------------------------ */
/* Data                                                                */

enum data_mode { DATA_MODERATE, DATA_SUBNORMAL, DATA_SPECIAL, DATA_WIDE, DATA_MODES };

static float special_value(test_rng *rng) {
  static const uint32_t bits[] = {
      0x00000000u, 0x80000000u, 0x3F800000u, 0xBF800000u, 0x7FC00000u, 0xFFC00000u,
      0x7F800000u, 0xFF800000u, 0x7F7FFFFFu, 0xFF7FFFFFu, 0x00800000u, 0x00000001u,
      0x80000001u, 0x007FFFFFu, 0x7FC0BEEFu, 0x7F80BEEFu, 0x5F000000u, 0xDF000000u,
  };
  const uint64_t r = test_rng_next(rng);
  if (r % 3 == 0)
    return (float)test_rng_uniform(rng, -8.0, 8.0);
  float f;
  memcpy(&f, &bits[(r >> 8) % (sizeof bits / sizeof bits[0])], sizeof f);
  return f;
}

static void fill_data(test_rng *rng, enum data_mode mode, float *x, size_t n, double scale) {
  for (size_t i = 0; i < n; i++) {
    switch (mode) {
    case DATA_MODERATE: x[i] = (float)test_rng_uniform(rng, -scale, scale); break;
    case DATA_SUBNORMAL:
      x[i] = (float)(test_rng_uniform(rng, -1.0, 1.0) * ldexp(1.0, -126 - (int)(i % 24)));
      break;
    case DATA_SPECIAL: x[i] = special_value(rng); break;
    default:
      x[i] = (float)(test_rng_uniform(rng, -1.0, 1.0) *
                     ldexp(1.0, (int)test_rng_range(rng, 0, 80) - 40));
      break;
    }
  }
}

/* ------------------------------------------------------------------ */
/* One input                                                           */

/* Pointer arguments the case replaces with NULL. */
enum null_flags {
  NULL_KERNEL = 1, NULL_BIAS = 2, NULL_LAYER_OUT = 4, NULL_INPUT = 8, NULL_OUTPUT = 16,
  NULL_SHAPE = 32, NULL_SLOTS = 64,
};

typedef struct fuzz_case {
  dwconv1d_params p;
  size_t batch, channels, steps;
  bool parallel;  /* also run dwconv1d_layer_forward_parallel */
  size_t threads; /* its thread count */
  unsigned nulls;
  enum data_mode mode;
  test_rng rng;
  dwconv1d_status isa_status; /* what dwconv1d_active_isa says now */
  dwconv1d_isa isa;           /* and the ISA it names */
} fuzz_case;

static void describe_case(const fuzz_case *fc) {
  const dwconv1d_params *p = &fc->p;
  snprintf(case_text, sizeof case_text,
           "kernel_size=%zu strides=%zu dilation_rate=%zu depth_multiplier=%zu padding=%d "
           "data_format=%d activation=%d use_bias=%d batch=%zu channels=%zu steps=%zu "
           "nulls=0x%x data=%d isa=%s",
           p->kernel_size, p->strides, p->dilation_rate, p->depth_multiplier, (int)p->padding,
           (int)p->data_format, (int)p->activation, (int)p->use_bias, fc->batch, fc->channels,
           fc->steps, fc->nulls, (int)fc->mode,
           fc->isa_status == DWCONV1D_OK ? test_isa_label(fc->isa) : "(none)");
}

/* ---- names, versions, status strings -------------------------------- */

static const char *const junk_names[] = {
    "", "Relu", "RELU", "relu ", " relu", "gelu_tanh", "softmax2", "linear\n", "hard_sigmoid_",
    "leaky-relu", "swish2", "None", "glu\x01", "\xff\xfe", "tanh\t",
};

/* A name chosen by the input: Keras's, an alias, junk, NULL or input bytes. */
static const char *read_name(reader *r, char *own, size_t own_size) {
  const uint8_t b = read_u8(r);
  const size_t n_keras = sizeof keras_names / sizeof keras_names[0];
  const size_t n_junk = sizeof junk_names / sizeof junk_names[0];
  if (b < n_keras)
    return keras_names[b];
  if (b < n_keras + 3)
    return (const char *[]){"none", "swish", "hard_swish"}[b - n_keras];
  if (b < n_keras + 3 + n_junk)
    return junk_names[b - n_keras - 3];
  if (b == 0xFF)
    return NULL;
  if (b == 0xFE) { /* longer than any message buffer */
    memset(own, 'x', own_size - 1);
    own[own_size - 1] = '\0';
    return own;
  }
  const size_t len = read_u8(r) % own_size;
  size_t i = 0;
  for (; i + 1 < own_size && i < len; i++)
    own[i] = (char)read_u8(r);
  own[i] = '\0';
  return own;
}

/* The name with bytes outside printable ASCII escaped, for messages. */
static void describe_name(const char *name) {
  size_t n = (size_t)snprintf(case_text, sizeof case_text, "activation name lookup of ");
  if (name == NULL) {
    snprintf(case_text + n, sizeof case_text - n, "NULL");
    return;
  }
  for (const unsigned char *c = (const unsigned char *)name; *c && n + 8 < sizeof case_text; c++)
    n += (size_t)snprintf(case_text + n, sizeof case_text - n,
                          *c >= 0x20 && *c < 0x7F ? "%c" : "\\x%02x", *c);
}

static void check_name_lookup(const char *name) {
  const int want = model_activation_of(name);
  describe_name(name);
  dwconv1d_activation got = (dwconv1d_activation)0x5A5A;
  arm_marker();
  const dwconv1d_status s = dwconv1d_activation_from_name(name, &got);
  if (want >= 0) {
    expect_ok(s, "dwconv1d_activation_from_name");
    CHECK((int)got == want, "activation_from_name(\"%s\") gave %d, want %d", name, (int)got, want);
  } else {
    expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_activation_from_name");
    CHECK((int)got == 0x5A5A, "activation_from_name wrote its output on refusal");
  }
  arm_marker();
  expect_refused(dwconv1d_activation_from_name(name, NULL), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_activation_from_name(out=NULL)");
}

static void check_enum_names(int value) {
  const char *act = dwconv1d_activation_name((dwconv1d_activation)value);
  if (value >= 0 && value < DWCONV1D_ACTIVATION_COUNT)
    CHECK(act != NULL && strcmp(act, keras_names[value]) == 0, "activation_name(%d) = %s",
          value, act ? act : "NULL");
  else
    CHECK(act == NULL, "activation_name(%d) is not NULL", value);
  static const char *const isa_names[] = {"scalar", "sse4", "avx2", "avx512", "neon"};
  const char *isa = dwconv1d_isa_name((dwconv1d_isa)value);
  if (value >= 0 && value <= DWCONV1D_ISA_NEON)
    CHECK(isa != NULL && strcmp(isa, isa_names[value]) == 0, "isa_name(%d) = %s", value,
          isa ? isa : "NULL");
  else
    CHECK(isa == NULL && !dwconv1d_isa_supported((dwconv1d_isa)value),
          "isa %d outside the enum has a name or is supported", value);
  const char *status = dwconv1d_status_string((dwconv1d_status)value);
  CHECK(status != NULL && status[0] != '\0', "status_string(%d) is empty", value);
  CHECK(strcmp(dwconv1d_version(), DWCONV1D_VERSION_STRING) == 0, "version %s, header %s",
        dwconv1d_version(), DWCONV1D_VERSION_STRING);
}

/* ---- ISA ------------------------------------------------------------- */

static bool isa_pinned_by_environment(void) {
  static int pinned = -1;
  if (pinned < 0) {
    const char *v = getenv("DWCONV1D_ISA");
    pinned = v != NULL && v[0] != '\0';
  }
  return pinned;
}

/* dwconv1d_set_isa with any value, then what the layers of this case will use. */
static void choose_isa(reader *r, fuzz_case *fc) {
  dwconv1d_reset_isa();
  const uint8_t b = read_u8(r);
  if (b != 0xFF) {
    int value = b >= 0xF0 ? (int)(int32_t)(uint32_t)read_le(r, 4) : (int)(b % 8) - 1;
    value = value == MARKER_ISA ? value + 1 : value;
    const bool in_enum = value >= 0 && value <= DWCONV1D_ISA_NEON;
    const bool supported = in_enum && dwconv1d_isa_supported((dwconv1d_isa)value);
    arm_marker();
    const dwconv1d_status s = dwconv1d_set_isa((dwconv1d_isa)value);
    if (supported) {
      expect_ok(s, "dwconv1d_set_isa");
      dwconv1d_isa now = (dwconv1d_isa)-1;
      expect_ok(dwconv1d_active_isa(&now), "dwconv1d_active_isa after set_isa");
      CHECK(now == (dwconv1d_isa)value, "set_isa(%d) then active_isa = %d", value, (int)now);
    } else {
      expect_refused(s, in_enum ? DWCONV1D_ERROR_UNSUPPORTED_ISA : DWCONV1D_ERROR_INVALID_ARGUMENT,
                     "dwconv1d_set_isa");
    }
    if (isa_pinned_by_environment())
      dwconv1d_reset_isa();
  }
  fc->isa = DWCONV1D_ISA_SCALAR;
  fc->isa_status = dwconv1d_active_isa(&fc->isa);
  if (fc->isa_status == DWCONV1D_OK)
    CHECK(dwconv1d_isa_supported(fc->isa), "active isa %d is not supported", (int)fc->isa);
}

/* ---- parameters and shapes --------------------------------------------- */

static void read_params(reader *r, fuzz_case *fc) {
  char name[300];
  dwconv1d_params *p = &fc->p;
  *p = dwconv1d_params_default(read_size(r));
  CHECK(p->strides == 1 && p->padding == DWCONV1D_PADDING_VALID && p->depth_multiplier == 1 &&
            p->data_format == DWCONV1D_CHANNELS_LAST && p->dilation_rate == 1 &&
            p->activation == DWCONV1D_ACTIVATION_LINEAR && p->use_bias,
        "dwconv1d_params_default differs from Keras's defaults");
  p->strides = read_size(r);
  p->dilation_rate = read_size(r);
  p->depth_multiplier = read_size(r);
  p->padding = (dwconv1d_padding)read_enum(r);
  p->data_format = (dwconv1d_data_format)read_enum(r);
  const uint8_t how = read_u8(r);
  if (how < 0x80) { /* by name, as a model file spells it */
    const char *n = read_name(r, name, sizeof name);
    check_name_lookup(n);
    const int a = model_activation_of(n);
    p->activation = (dwconv1d_activation)(a >= 0 ? a : DWCONV1D_ACTIVATION_LINEAR);
  } else {
    p->activation = (dwconv1d_activation)(how < 0xF0 ? (int)(how % 36) - 3
                                                     : (int)(int32_t)(uint32_t)read_le(r, 4));
  }
  check_enum_names((int)p->activation);
  p->use_bias = read_u8(r) & 1;
  const uint8_t nulls = read_u8(r); /* the top bit enables the others */
  fc->nulls = (nulls & 0x80u) ? nulls & 0x7Fu : 0;
  fc->batch = read_size(r);
  fc->channels = read_size(r);
  fc->steps = read_size(r);
  fc->mode = (enum data_mode)(read_u8(r) % DATA_MODES);
  fc->rng = test_rng_make(read_le(r, 4), 0);
}

static void check_validate_and_shapes(const fuzz_case *fc) {
  const dwconv1d_params *p = &fc->p;
  const bool valid = model_params_valid(p);
  arm_marker();
  const dwconv1d_status v = dwconv1d_params_validate(p);
  if (valid)
    expect_ok(v, "dwconv1d_params_validate");
  else
    expect_refused(v, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_params_validate");

  size_t want_steps = 0, got_steps = SIZE_SENTINEL;
  const bool steps_ok = valid && model_out_steps(p, fc->steps, &want_steps);
  arm_marker();
  const dwconv1d_status s = dwconv1d_output_steps(p, fc->steps, &got_steps);
  if (steps_ok) {
    expect_ok(s, "dwconv1d_output_steps");
    CHECK(got_steps == want_steps, "output_steps = %zu, want %zu", got_steps, want_steps);
  } else {
    expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_output_steps");
    CHECK(got_steps == SIZE_SENTINEL, "output_steps wrote %zu on refusal", got_steps);
  }

  size_t want[3], got[3] = {SIZE_SENTINEL, SIZE_SENTINEL, SIZE_SENTINEL};
  const bool shape_ok = model_shape(p, fc->batch, fc->channels, fc->steps, want);
  arm_marker();
  const dwconv1d_status sh = dwconv1d_output_shape(p, fc->batch, fc->channels, fc->steps,
                                                   (fc->nulls & NULL_SHAPE) ? NULL : got);
  if (shape_ok && !(fc->nulls & NULL_SHAPE)) {
    expect_ok(sh, "dwconv1d_output_shape");
    CHECK(got[0] == want[0] && got[1] == want[1] && got[2] == want[2],
          "output_shape = (%zu, %zu, %zu), want (%zu, %zu, %zu)", got[0], got[1], got[2],
          want[0], want[1], want[2]);
  } else {
    expect_refused(sh, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_output_shape");
    CHECK(got[0] == SIZE_SENTINEL && got[1] == SIZE_SENTINEL && got[2] == SIZE_SENTINEL,
          "output_shape wrote its output on refusal");
  }
  arm_marker();
  expect_refused(dwconv1d_output_steps(NULL, fc->steps, &got_steps),
                 DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_output_steps(NULL params)");
  arm_marker();
  expect_refused(dwconv1d_params_validate(NULL), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_params_validate(NULL)");
}

/* ---- the layer ---------------------------------------------------------- */

/* A layer and the weights it was made from. */
typedef struct made_layer {
  dwconv1d_layer *layer;
  float *kernel, *bias;
  size_t kernel_floats, out_channels;
} made_layer;

static bool affordable(size_t floats) { return floats <= MAX_FLOATS; }

/* Calls create where it must be refused, with dummy weights. */
static void create_refused(const fuzz_case *fc, bool args_bad) {
  float dummy[DUMMY_FLOATS];
  fill_sentinel(dummy, DUMMY_FLOATS);
  dwconv1d_layer *sentinel = (dwconv1d_layer *)(uintptr_t)0x5EA5EA50u, *out = sentinel;
  const float *kernel = (fc->nulls & NULL_KERNEL) ? NULL : dummy;
  const float *bias = (fc->nulls & NULL_BIAS) ? NULL : dummy;
  arm_marker();
  const dwconv1d_status s = dwconv1d_layer_create(&fc->p, fc->channels, kernel, bias,
                                                  (fc->nulls & NULL_LAYER_OUT) ? NULL : &out);
  /* With both a bad argument and an unusable ISA either refusal is right. */
  const bool isa_refusal = fc->isa_status != DWCONV1D_OK && s == fc->isa_status;
  expect_refused(s, args_bad && !isa_refusal ? DWCONV1D_ERROR_INVALID_ARGUMENT : fc->isa_status,
                 "dwconv1d_layer_create");
  CHECK(out == sentinel, "layer_create wrote *out on refusal");
  CHECK(first_written(dummy, DUMMY_FLOATS) == DUMMY_FLOATS, "layer_create wrote to its inputs");
}

static void check_describe(const fuzz_case *fc, const dwconv1d_layer *layer) {
  dwconv1d_params got;
  size_t channels = 0;
  memset(&got, 0x01, sizeof got); /* a valid bool, implausible sizes */
  dwconv1d_layer_describe(layer, &got, &channels);
  const dwconv1d_params *p = &fc->p;
  CHECK(got.kernel_size == p->kernel_size && got.strides == p->strides &&
            got.padding == p->padding && got.depth_multiplier == p->depth_multiplier &&
            got.data_format == p->data_format && got.dilation_rate == p->dilation_rate &&
            got.activation == p->activation && got.use_bias == p->use_bias &&
            channels == fc->channels,
        "layer_describe does not return the parameters the layer was made with");
  dwconv1d_layer_describe(layer, NULL, NULL);
  CHECK(dwconv1d_layer_isa(layer) == fc->isa, "layer_isa = %d, active isa was %d",
        (int)dwconv1d_layer_isa(layer), (int)fc->isa);
}

/* Creates the layer when the case allows; returns false when it did not. */
static bool make_layer(fuzz_case *fc, made_layer *ml) {
  const dwconv1d_params *p = &fc->p;
  memset(ml, 0, sizeof *ml);
  size_t kernel_floats = 0;
  const bool kernel_fits = fc->channels != 0 &&
                           float_bytes_fit(p->kernel_size, fc->channels, p->depth_multiplier,
                                           &kernel_floats);
  const bool args_bad = !model_params_valid(p) || fc->channels == 0 ||
                        (fc->nulls & (NULL_KERNEL | NULL_LAYER_OUT)) ||
                        (p->use_bias && (fc->nulls & NULL_BIAS)) || !kernel_fits;
  if (args_bad || fc->isa_status != DWCONV1D_OK) {
    create_refused(fc, args_bad);
    return false;
  }
  ml->out_channels = fc->channels * p->depth_multiplier;
  if (!affordable(kernel_floats) || !affordable(ml->out_channels))
    return false;
  ml->kernel_floats = kernel_floats;
  ml->kernel = alloc_exact(kernel_floats);
  ml->bias = alloc_exact(ml->out_channels);
  fill_data(&fc->rng, fc->mode, ml->kernel, kernel_floats, 1.0);
  fill_data(&fc->rng, fc->mode, ml->bias, ml->out_channels, 1.0);
  float *kernel_copy = alloc_exact(kernel_floats);
  memcpy(kernel_copy, ml->kernel, kernel_floats * sizeof(float));
  const dwconv1d_status s = dwconv1d_layer_create(
      p, fc->channels, ml->kernel, (fc->nulls & NULL_BIAS) ? NULL : ml->bias, &ml->layer);
  expect_ok(s, "dwconv1d_layer_create");
  counts.layers++;
  CHECK(memcmp(kernel_copy, ml->kernel, kernel_floats * sizeof(float)) == 0,
        "layer_create changed the caller's kernel");
  free(kernel_copy);
  check_describe(fc, ml->layer);
  return true;
}

static void free_layer(made_layer *ml) {
  dwconv1d_layer_destroy(ml->layer);
  free(ml->kernel);
  free(ml->bias);
}

/* ---- forward ----------------------------------------------------------- */

static void compare_with_reference(const fuzz_case *fc, const made_layer *ml, size_t batch,
                                   size_t steps, const float *input, const float *output) {
  const ref_problem pr = {.params = fc->p,
                          .batch = batch,
                          .channels = fc->channels,
                          .steps = steps,
                          .input = input,
                          .kernel = ml->kernel,
                          .bias = fc->p.use_bias ? ml->bias : NULL};
  ref_expectation ex;
  counts.reference_checks++;
  CHECK(ref_expectation_compute(&pr, &ex), "the double reference refused an accepted case");
  const test_verdict v = test_judge(output, &ex);
  CHECK(v.ok,
        "%zu outputs outside the SPEC §4 band: flat %zu got %.9g, expected %.9g in [%.9g, %.9g] "
        "(batch=%zu steps=%zu)",
        v.failures, v.worst_index, (double)v.got, v.value, v.lo, v.hi, batch, steps);
  ref_expectation_free(&ex);
}

/* Work of one forward call, saturating. */
static size_t forward_work(const fuzz_case *fc, size_t batch, size_t t_out, size_t cm) {
  size_t w;
  if (!mul_fits(batch, t_out, &w) || !mul_fits(w, cm, &w) ||
      !mul_fits(w, fc->p.kernel_size, &w))
    return SIZE_MAX;
  return w;
}

/* ---- forward on a caller's pool ------------------------------------------ */

/* A caller's parallel-for that runs the tasks on the calling thread in
 * reverse order (the library may assume no order) and records what it was
 * asked: how often, how many tasks, and whether each ran exactly once. */
typedef struct pool_probe {
  size_t calls, count;
  bool each_once;
} pool_probe;

static void reverse_parallel_for(void *pool, dwconv1d_task_fn task, void *context, size_t count) {
  pool_probe *probe = pool;
  probe->calls++;
  probe->count = count;
  if (count > MAX_FLOATS) { /* more tasks than any affordable case has work */
    probe->each_once = false;
    return;
  }
  for (size_t i = count; i-- > 0;)
    task(context, i);
  probe->each_once = true;
}

/* The parallel call where forward must be refused (or threads == 0). */
static void parallel_refused(const fuzz_case *fc, const made_layer *ml, size_t batch,
                             size_t steps, const float *input, float *output, size_t out_floats) {
  pool_probe probe = {0, 0, false};
  arm_marker();
  const dwconv1d_status s = dwconv1d_layer_forward_parallel(
      ml->layer, batch, steps, input, output, reverse_parallel_for, &probe, fc->threads);
  expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_layer_forward_parallel");
  CHECK(probe.calls == 0, "a refused parallel forward called the pool");
  CHECK(output == NULL || first_written(output, out_floats) == out_floats,
        "a refused parallel forward wrote");
}

/* The parallel call gives the serial call's output bit for bit, calls the
 * pool at most once with at most 8 * threads tasks, each run once. */
static void check_parallel(const fuzz_case *fc, const made_layer *ml, size_t batch, size_t steps,
                           const float *input, const float *serial, size_t out_floats) {
  if (!fc->parallel)
    return;
  float *out = alloc_exact(out_floats);
  fill_sentinel(out, out_floats);
  if (fc->threads == 0) {
    parallel_refused(fc, ml, batch, steps, input, out, out_floats);
    free(out);
    return;
  }
  pool_probe probe = {0, 0, false};
  expect_ok(dwconv1d_layer_forward_parallel(ml->layer, batch, steps, input, out,
                                            reverse_parallel_for, &probe, fc->threads),
            "dwconv1d_layer_forward_parallel");
  counts.parallel_forwards++;
  size_t most;
  CHECK(probe.calls <= 1, "parallel forward called the pool %zu times", probe.calls);
  CHECK(probe.calls == 0 || probe.each_once, "parallel forward asked for %zu tasks",
        probe.count);
  CHECK(probe.calls == 0 || !mul_fits(fc->threads, 8, &most) || probe.count <= most,
        "parallel forward made %zu tasks for %zu threads", probe.count, fc->threads);
  for (size_t i = 0; i < out_floats; i++)
    CHECK(same_value(out[i], serial[i]),
          "parallel forward (%zu threads, %zu tasks) output %zu is %.9g, serial gives %.9g",
          fc->threads, probe.count, i, (double)out[i], (double)serial[i]);
  free(out);
}

/* Forward with sizes where the call must be refused: dummy buffers. */
static void forward_refused(const fuzz_case *fc, const made_layer *ml, size_t batch,
                            size_t steps) {
  float in[DUMMY_FLOATS], out[DUMMY_FLOATS];
  fill_sentinel(out, DUMMY_FLOATS);
  fill_data((test_rng[]){test_rng_make(1, 2)}, DATA_MODERATE, in, DUMMY_FLOATS, 1.0);
  arm_marker();
  const dwconv1d_status s = dwconv1d_layer_forward(ml->layer, batch, steps,
                                                   (fc->nulls & NULL_INPUT) ? NULL : in,
                                                   (fc->nulls & NULL_OUTPUT) ? NULL : out);
  expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_layer_forward");
  CHECK(first_written(out, DUMMY_FLOATS) == DUMMY_FLOATS,
        "layer_forward wrote output %zu on refusal", first_written(out, DUMMY_FLOATS));
  if (fc->parallel)
    parallel_refused(fc, ml, batch, steps, (fc->nulls & NULL_INPUT) ? NULL : in,
                     (fc->nulls & NULL_OUTPUT) ? NULL : out, DUMMY_FLOATS);
}

static void forward_once(fuzz_case *fc, const made_layer *ml, size_t batch, size_t steps) {
  size_t shape[3], in_floats, out_floats = 0, t_out = 0;
  const dwconv1d_params *p = &fc->p;
  const bool shape_ok = model_shape(p, batch, fc->channels, steps, shape) &&
                        float_bytes_fit(shape[0], shape[1], shape[2], &out_floats);
  const bool input_fits = float_bytes_fit(batch, steps, fc->channels, &in_floats);
  const bool null_buffer = batch > 0 && (fc->nulls & (NULL_INPUT | NULL_OUTPUT));
  if (!shape_ok || !input_fits || null_buffer) {
    forward_refused(fc, ml, batch, steps);
    return;
  }
  (void)model_out_steps(p, steps, &t_out);
  if (batch == 0) {
    /* Valid and writes nothing, even when steps x channels is huge (the
     * library may still refuse what no buffer could hold). */
    float out[DUMMY_FLOATS];
    fill_sentinel(out, DUMMY_FLOATS);
    size_t per_row;
    const dwconv1d_status s = dwconv1d_layer_forward(ml->layer, 0, steps, NULL, out);
    if (float_bytes_fit(steps, fc->channels, 1, &per_row))
      expect_ok(s, "dwconv1d_layer_forward(batch=0)");
    CHECK(first_written(out, DUMMY_FLOATS) == DUMMY_FLOATS, "batch 0 wrote output");
    if (fc->parallel && s == DWCONV1D_OK)
      check_parallel(fc, ml, 0, steps, NULL, out, 0);
    return;
  }
  if (!affordable(in_floats) || !affordable(out_floats) ||
      forward_work(fc, batch, t_out, ml->out_channels) > MAX_WORK)
    return;
  float *input = alloc_exact(in_floats), *input_copy = alloc_exact(in_floats);
  float *output = alloc_exact(out_floats);
  fill_data(&fc->rng, fc->mode, input, in_floats, 2.0);
  memcpy(input_copy, input, in_floats * sizeof(float));
  fill_sentinel(output, out_floats);
  expect_ok(dwconv1d_layer_forward(ml->layer, batch, steps, input, output),
            "dwconv1d_layer_forward");
  counts.forwards++;
  const size_t hole = first_sentinel(output, out_floats);
  CHECK(hole == out_floats, "layer_forward left output %zu of %zu unwritten (batch=%zu steps=%zu)",
        hole, out_floats, batch, steps);
  CHECK(memcmp(input, input_copy, in_floats * sizeof(float)) == 0,
        "layer_forward changed its input");
  if ((fc->mode == DATA_MODERATE || fc->mode == DATA_SUBNORMAL) &&
      out_floats <= MAX_REF_OUTPUTS)
    compare_with_reference(fc, ml, batch, steps, input, output);
  check_parallel(fc, ml, batch, steps, input, output, out_floats);
  free(input);
  free(input_copy);
  free(output);
}

/* ---- streams ------------------------------------------------------------- */

static bool model_streamable(const dwconv1d_params *p, size_t out_channels) {
  if (p->padding == DWCONV1D_PADDING_SAME)
    return false;
  if (model_is_axis(p->activation) && p->data_format == DWCONV1D_CHANNELS_FIRST)
    return false;
  return !(p->activation == DWCONV1D_ACTIVATION_GLU && out_channels % 2 != 0);
}

/* Output channels of one output step (halved by glu). */
static size_t stream_out_channels(const fuzz_case *fc, const made_layer *ml) {
  return fc->p.activation == DWCONV1D_ACTIVATION_GLU ? ml->out_channels / 2 : ml->out_channels;
}

/* Copies steps [t0, t0 + n) of `rows` sequences of `width` channels between a
 * whole tensor of `total` steps and a chunk of n steps, in the layout's order. */
static void copy_steps(bool channels_first, size_t rows, size_t width, size_t total, size_t t0,
                       size_t n, const float *from, float *to, bool to_chunk) {
  for (size_t b = 0; b < rows; b++)
    for (size_t t = 0; t < n; t++)
      for (size_t c = 0; c < width; c++) {
        const size_t whole = channels_first ? (b * width + c) * total + t0 + t
                                            : (b * total + t0 + t) * width + c;
        const size_t chunk = channels_first ? (b * width + c) * n + t : (b * n + t) * width + c;
        if (to_chunk)
          to[chunk] = from[whole];
        else
          to[whole] = from[chunk];
      }
}

typedef struct stream_run {
  dwconv1d_stream *stream;
  size_t batch, history, channels, out_width, strides;
  size_t phase; /* the model's phase */
  size_t max_phase, initial_phase;
  bool channels_first;
} stream_run;

/* Outputs completed by n steps: windows start at E rows phase, phase+s, ...
 * and the last E row is H + n - 1, so a window starting at w completes when
 * w <= n - 1. */
static size_t model_stream_count(const stream_run *sr, size_t n) {
  return n > sr->phase ? (n - 1 - sr->phase) / sr->strides + 1 : 0;
}

/* The next window's start seen from the end of the pushed steps. Unsigned
 * wrap-around in count * s is harmless: the true result is below s + H. */
static void model_stream_advance(stream_run *sr, size_t n) {
  sr->phase = sr->phase + model_stream_count(sr, n) * sr->strides - n;
}

static void check_stream_phase(const stream_run *sr) {
  size_t now = SIZE_SENTINEL;
  expect_ok(dwconv1d_stream_get_phase(sr->stream, &now), "dwconv1d_stream_get_phase");
  CHECK(now == sr->phase, "stream phase %zu, the model says %zu", now, sr->phase);
}

enum push_probe { PROBE_SIZES, PROBE_NULL_INPUT, PROBE_NULL_OUTPUT };

/* A push that must be refused: the stream's phase must not move and the
 * output must stay untouched. */
static void push_refused(stream_run *sr, size_t n, enum push_probe probe) {
  float in[DUMMY_FLOATS], out[DUMMY_FLOATS];
  fill_sentinel(out, DUMMY_FLOATS);
  memset(in, 0, sizeof in);
  size_t got = SIZE_SENTINEL;
  arm_marker();
  const dwconv1d_status s = dwconv1d_stream_push(sr->stream, n,
                                                 probe == PROBE_NULL_INPUT ? NULL : in,
                                                 probe == PROBE_NULL_OUTPUT ? NULL : out, &got);
  expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_push");
  check_stream_phase(sr);
  CHECK(got == SIZE_SENTINEL, "a refused push wrote out_steps");
  CHECK(first_written(out, DUMMY_FLOATS) == DUMMY_FLOATS, "a refused push wrote output");
}

/* A push with nothing to read or write (batch 0, or 0 steps), any length.
 * The library may refuse one whose per-sequence size overflows (as forward
 * may with batch 0); then nothing may change. */
static void push_empty(stream_run *sr, size_t n) {
  size_t got = SIZE_SENTINEL, per_sequence;
  const size_t want = model_stream_count(sr, n);
  const dwconv1d_status s = dwconv1d_stream_push(sr->stream, n, NULL, NULL, &got);
  /* Refused when a sequence's floats, or the history's H + n rows, would
   * not fit size_t bytes (the header's "size overflow"), whatever the batch. */
  if (s != DWCONV1D_OK && (!float_bytes_fit(n, sr->channels, 1, &per_sequence) ||
                           !float_bytes_fit(want, sr->out_width * 2, 1, &per_sequence) ||
                           n > SIZE_MAX / sizeof(float) - sr->history)) {
    expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_push (empty)");
    CHECK(got == SIZE_SENTINEL, "a refused push wrote out_steps");
    check_stream_phase(sr);
    return;
  }
  expect_ok(s, "dwconv1d_stream_push (empty)");
  CHECK(got == want, "empty push of %zu steps completed %zu outputs, want %zu", n, got, want);
  model_stream_advance(sr, n);
  check_stream_phase(sr);
}

/* Pushes chunk [t0, t0 + n) of x (batch x total steps) and appends its
 * outputs to y (batch x y_total steps) from step *y_at on. */
static void push_chunk(const fuzz_case *fc, stream_run *sr, const float *x, size_t total,
                       size_t t0, size_t n, float *y, size_t y_total, size_t *y_at) {
  const size_t want = model_stream_count(sr, n);
  size_t predicted = SIZE_SENTINEL, got = SIZE_SENTINEL;
  expect_ok(dwconv1d_stream_output_steps(sr->stream, n, &predicted),
            "dwconv1d_stream_output_steps");
  CHECK(predicted == want, "stream_output_steps(%zu) = %zu, want %zu (phase %zu)", n, predicted,
        want, sr->phase);
  CHECK(*y_at + want <= y_total, "harness: y too small");
  if (n > 0 && (fc->nulls & NULL_INPUT))
    push_refused(sr, n, PROBE_NULL_INPUT);
  if (want > 0 && (fc->nulls & NULL_OUTPUT))
    push_refused(sr, n, PROBE_NULL_OUTPUT);
  const size_t in_floats = sr->batch * n * sr->channels;
  const size_t out_floats = sr->batch * want * sr->out_width;
  float *chunk = alloc_exact(in_floats), *out = alloc_exact(out_floats);
  copy_steps(sr->channels_first, sr->batch, sr->channels, total, t0, n, x, chunk, true);
  fill_sentinel(out, out_floats);
  expect_ok(dwconv1d_stream_push(sr->stream, n, chunk, out, &got), "dwconv1d_stream_push");
  counts.stream_pushes++;
  CHECK(got == want, "stream_push of %zu steps completed %zu outputs, want %zu", n, got, want);
  const size_t hole = first_sentinel(out, out_floats);
  CHECK(hole == out_floats, "stream_push left output %zu of %zu unwritten", hole, out_floats);
  copy_steps(sr->channels_first, sr->batch, sr->out_width, y_total, *y_at, want, out, y, false);
  *y_at += want;
  model_stream_advance(sr, n);
  check_stream_phase(sr);
  free(chunk);
  free(out);
}

/* get/set state, phases, resets: refusals for rows and phases out of range. */
static void stream_state_calls(reader *r, stream_run *sr) {
  size_t state_floats = 0;
  const bool one_state = float_bytes_fit(sr->history, sr->channels, 1, &state_floats) &&
                         affordable(state_floats);
  const size_t row = read_size(r);
  if (one_state) {
    float *state = alloc_exact(state_floats);
    fill_sentinel(state, state_floats);
    arm_marker();
    const dwconv1d_status g = dwconv1d_stream_get_state(sr->stream, row, state);
    if (row < sr->batch) {
      expect_ok(g, "dwconv1d_stream_get_state");
      CHECK(first_sentinel(state, state_floats) == state_floats, "get_state left a hole");
      expect_ok(dwconv1d_stream_set_state(sr->stream, row, state), "dwconv1d_stream_set_state");
    } else {
      expect_refused(g, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_get_state");
      CHECK(first_written(state, state_floats) == state_floats, "refused get_state wrote");
      arm_marker();
      expect_refused(dwconv1d_stream_set_state(sr->stream, row, state),
                     DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_set_state");
    }
    free(state);
  }
  const size_t phase = read_size(r);
  arm_marker();
  const dwconv1d_status sp = dwconv1d_stream_set_phase(sr->stream, phase);
  if (phase <= sr->max_phase) {
    expect_ok(sp, "dwconv1d_stream_set_phase");
    sr->phase = phase;
  } else {
    expect_refused(sp, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_set_phase");
  }
  check_stream_phase(sr);
  arm_marker();
  const dwconv1d_status rs = dwconv1d_stream_reset_sequence(sr->stream, row);
  if (row < sr->batch && sr->phase == sr->initial_phase)
    expect_ok(rs, "dwconv1d_stream_reset_sequence");
  else
    expect_refused(rs, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_reset_sequence");
  expect_ok(dwconv1d_stream_reset(sr->stream), "dwconv1d_stream_reset");
  sr->phase = sr->initial_phase;
  check_stream_phase(sr);
}

/* The forward pass over everything pushed, compared with the stream's outputs. */
static void compare_stream_with_forward(const fuzz_case *fc, const made_layer *ml,
                                        const stream_run *sr, const float *x, size_t total,
                                        const float *y, size_t y_count) {
  size_t t_out = 0;
  if (!model_out_steps(&fc->p, total, &t_out)) {
    CHECK(y_count == 0, "stream completed %zu outputs over %zu steps, forward has none",
          y_count, total);
    return;
  }
  CHECK(t_out == y_count, "stream completed %zu outputs over %zu steps, forward has %zu",
        y_count, total, t_out);
  const size_t n = sr->batch * t_out * sr->out_width;
  float *f = alloc_exact(n);
  counts.stream_comparisons++;
  expect_ok(dwconv1d_layer_forward(ml->layer, sr->batch, total, x, f),
            "dwconv1d_layer_forward (stream check)");
  for (size_t i = 0; i < n; i++)
    CHECK(same_value(f[i], y[i]), "stream output %zu of %zu is %.9g, forward gives %.9g", i, n,
          (double)y[i], (double)f[i]);
  free(f);
}

/* Chunk lengths from the input: pushes that must be refused (sizes that
 * overflow) are made at once; the others are collected, in order, while
 * they stay affordable. */
static size_t read_chunks(reader *r, stream_run *sr, size_t chunks[8], size_t *total) {
  size_t count = 0, floats;
  const size_t wanted = read_u8(r) % 8 + 1;
  *total = 0;
  for (size_t i = 0; i < wanted; i++) {
    const size_t n = read_size(r);
    if (!float_bytes_fit(sr->batch, n, sr->channels, &floats)) {
      push_refused(sr, n, PROBE_SIZES);
    } else if (sr->batch == 0 || n == 0) {
      push_empty(sr, n); /* any length, even near SIZE_MAX */
    } else if (sr->batch <= MAX_ROWS && n <= MAX_FLOATS && *total + n <= MAX_FLOATS &&
               float_bytes_fit(sr->batch, *total + n, sr->channels, &floats) &&
               affordable(floats)) {
      chunks[count++] = n;
      *total += n;
    }
  }
  return count;
}

static void push_chunks(reader *r, fuzz_case *fc, const made_layer *ml, stream_run *sr) {
  size_t chunks[8], total;
  const size_t count = read_chunks(r, sr, chunks, &total);
  if (count == 0)
    return;
  /* The stream's own schedule sizes y; the forward pass then checks it. */
  stream_run plan = *sr;
  size_t y_total = 0;
  for (size_t i = 0; i < count; i++) {
    y_total += model_stream_count(&plan, chunks[i]);
    model_stream_advance(&plan, chunks[i]);
  }
  size_t y_floats;
  if (!float_bytes_fit(sr->batch, y_total, sr->out_width, &y_floats) || !affordable(y_floats) ||
      forward_work(fc, sr->batch, y_total, ml->out_channels) > MAX_WORK)
    return;
  float *x = alloc_exact(sr->batch * total * sr->channels), *y = alloc_exact(y_floats);
  fill_data(&fc->rng, fc->mode, x, sr->batch * total * sr->channels, 2.0);
  const bool from_start = sr->phase == sr->initial_phase;
  size_t y_at = 0, t0 = 0;
  for (size_t i = 0; i < count; t0 += chunks[i], i++)
    push_chunk(fc, sr, x, total, t0, chunks[i], y, y_total, &y_at);
  if (from_start) /* earlier empty pushes may have moved the phase */
    compare_stream_with_forward(fc, ml, sr, x, total, y, y_at);
  free(x);
  free(y);
}

static void run_stream(reader *r, fuzz_case *fc, const made_layer *ml) {
  const dwconv1d_params *p = &fc->p;
  stream_run sr = {.batch = read_size(r),
                   .history = model_history(p),
                   .channels = fc->channels,
                   .out_width = stream_out_channels(fc, ml),
                   .strides = p->strides,
                   .channels_first = p->data_format == DWCONV1D_CHANNELS_FIRST};
  const bool streamable = model_streamable(p, ml->out_channels);
  size_t h = SIZE_SENTINEL, state_floats;
  arm_marker();
  const dwconv1d_status hs = dwconv1d_stream_state_steps(ml->layer, &h);
  if (streamable) {
    expect_ok(hs, "dwconv1d_stream_state_steps");
    CHECK(h == sr.history, "stream_state_steps = %zu, want %zu", h, sr.history);
  } else {
    expect_refused(hs, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_state_steps");
    CHECK(h == SIZE_SENTINEL, "refused stream_state_steps wrote its output");
  }
  dwconv1d_stream *sentinel = (dwconv1d_stream *)(uintptr_t)0x5EA5EA50u, *stream = sentinel;
  if (!streamable || !float_bytes_fit(sr.batch, sr.history, sr.channels, &state_floats)) {
    arm_marker();
    expect_refused(dwconv1d_stream_create(ml->layer, sr.batch, &stream),
                   DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_create");
    CHECK(stream == sentinel, "stream_create wrote *out on refusal");
    return;
  }
  /* Accepted sizes run only when affordable: an implementation may keep a
   * staging row per sequence beside the H state rows, and a window of H + 1
   * rows even for batch 0. */
  size_t held;
  if (!float_bytes_fit(sr.batch ? sr.batch : 1, sr.history + 1, ml->out_channels, &held) ||
      !affordable(held))
    return;
  arm_marker();
  expect_refused(dwconv1d_stream_create(ml->layer, sr.batch, NULL),
                 DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_create(out=NULL)");
  expect_ok(dwconv1d_stream_create(ml->layer, sr.batch, &stream), "dwconv1d_stream_create");
  sr.stream = stream;
  sr.initial_phase = p->padding == DWCONV1D_PADDING_VALID ? sr.history : 0;
  sr.phase = sr.initial_phase;
  sr.max_phase = sr.history > p->strides - 1 ? sr.history : p->strides - 1;
  check_stream_phase(&sr);
  push_chunks(r, fc, ml, &sr);
  stream_state_calls(r, &sr);
  dwconv1d_stream_destroy(stream);
}

/* ---- the state-pool call -------------------------------------------------- */

typedef struct pool_call {
  size_t batch, steps, slots;
  bool null_pool;
  const ptrdiff_t *slot_index; /* NULL when the case says so, or batch > MAX_ROWS */
} pool_call;

static ptrdiff_t read_slot(reader *r) {
  const uint8_t b = read_u8(r);
  if (b == 0x80)
    return PTRDIFF_MAX;
  if (b == 0x81)
    return PTRDIFF_MIN;
  return (ptrdiff_t)(int8_t)b % 12;
}

/* The pool call must be refused for these arguments (sizes and pointers). */
static bool pool_must_refuse(const fuzz_case *fc, const made_layer *ml, const pool_call *pc) {
  const dwconv1d_params *p = &fc->p;
  size_t floats;
  if (!model_streamable(p, ml->out_channels) || p->strides != 1 ||
      !float_bytes_fit(pc->batch, pc->steps, fc->channels, &floats) ||
      !float_bytes_fit(pc->batch, pc->steps, stream_out_channels(fc, ml), &floats) ||
      !float_bytes_fit(pc->slots, model_history(p), fc->channels, &floats))
    return true;
  if (pc->batch == 0 || pc->steps == 0)
    return false;
  if ((fc->nulls & (NULL_INPUT | NULL_OUTPUT)) || pc->slot_index == NULL ||
      (pc->null_pool && model_history(p) > 0))
    return true;
  for (size_t b = 0; b < pc->batch; b++)
    if (pc->slot_index[b] >= 0 && (size_t)pc->slot_index[b] >= pc->slots)
      return true;
  return false;
}

static void pool_refused(const fuzz_case *fc, const made_layer *ml, const pool_call *pc) {
  float in[DUMMY_FLOATS], out[DUMMY_FLOATS], pool[DUMMY_FLOATS];
  memset(in, 0, sizeof in);
  fill_sentinel(out, DUMMY_FLOATS);
  fill_sentinel(pool, DUMMY_FLOATS);
  arm_marker();
  const dwconv1d_status s = dwconv1d_stream_pool_push(
      ml->layer, pc->batch, pc->steps, (fc->nulls & NULL_INPUT) ? NULL : in,
      (fc->nulls & NULL_OUTPUT) ? NULL : out, pc->null_pool ? NULL : pool, pc->slots,
      pc->slot_index);
  expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_pool_push");
  CHECK(first_written(out, DUMMY_FLOATS) == DUMMY_FLOATS, "refused pool call wrote output");
  CHECK(first_written(pool, DUMMY_FLOATS) == DUMMY_FLOATS, "refused pool call wrote the pool");
}

/* A causal layer with the same weights on the same path: a pool row whose
 * slot starts from a zero history computes exactly its causal forward. */
static dwconv1d_layer *causal_twin(const fuzz_case *fc, const made_layer *ml) {
  dwconv1d_params causal = fc->p;
  causal.padding = DWCONV1D_PADDING_CAUSAL;
  dwconv1d_layer *twin = NULL;
  expect_ok(dwconv1d_layer_create(&causal, fc->channels, ml->kernel, ml->bias, &twin),
            "dwconv1d_layer_create (causal twin)");
  CHECK(dwconv1d_layer_isa(twin) == fc->isa, "the causal twin runs on another isa");
  return twin;
}

static void compare_pool_row(const fuzz_case *fc, const made_layer *ml, dwconv1d_layer *twin,
                             const pool_call *pc, size_t b, const float *input,
                             const float *output) {
  const size_t n = pc->steps * stream_out_channels(fc, ml);
  float *f = alloc_exact(n);
  expect_ok(dwconv1d_layer_forward(twin, 1, pc->steps, input + b * pc->steps * fc->channels, f),
            "dwconv1d_layer_forward (causal twin)");
  for (size_t i = 0; i < n; i++)
    CHECK(same_value(f[i], output[b * n + i]),
          "pool row %zu output %zu is %.9g, causal forward gives %.9g", b, i,
          (double)output[b * n + i], (double)f[i]);
  free(f);
}

/* Runs an accepted pool call: skipped rows and unnamed slots stay untouched,
 * other rows are written whole and agree with the causal forward. */
static void pool_run(fuzz_case *fc, const made_layer *ml, const pool_call *pc) {
  const size_t state = model_history(&fc->p) * fc->channels;
  const size_t row = pc->steps * stream_out_channels(fc, ml);
  const size_t in_floats = pc->batch * pc->steps * fc->channels;
  const size_t out_floats = pc->batch * row, pool_floats = pc->slots * state;
  float *input = alloc_exact(in_floats), *output = alloc_exact(out_floats);
  float *pool = alloc_exact(pool_floats), *pool_before = alloc_exact(pool_floats);
  fill_data(&fc->rng, fc->mode, input, in_floats, 2.0);
  fill_data(&fc->rng, DATA_MODERATE, pool, pool_floats, 1.0);
  for (size_t b = 0; b < pc->batch; b++) /* named slots start from a zero history */
    if (pc->slot_index[b] >= 0 && state > 0)
      memset(pool + (size_t)pc->slot_index[b] * state, 0, state * sizeof(float));
  memcpy(pool_before, pool, pool_floats * sizeof(float));
  fill_sentinel(output, out_floats);
  expect_ok(dwconv1d_stream_pool_push(ml->layer, pc->batch, pc->steps, input, output,
                                      pc->null_pool ? NULL : pool, pc->slots, pc->slot_index),
            "dwconv1d_stream_pool_push");
  counts.pool_calls++;
  dwconv1d_layer *twin = causal_twin(fc, ml);
  for (size_t b = 0; b < pc->batch; b++) {
    const float *out_b = output + b * row;
    if (pc->slot_index[b] < 0) {
      CHECK(first_written(out_b, row) == row, "pool call wrote skipped row %zu", b);
      continue;
    }
    CHECK(first_sentinel(out_b, row) == row, "pool call left row %zu output %zu unwritten", b,
          first_sentinel(out_b, row));
    bool first_use = true; /* later rows continue an earlier row's slot */
    for (size_t e = 0; e < b; e++)
      first_use = first_use && (state == 0 || pc->slot_index[e] != pc->slot_index[b]);
    if (first_use)
      compare_pool_row(fc, ml, twin, pc, b, input, output);
  }
  for (size_t s = 0; s < pc->slots && state > 0; s++) {
    bool named = false;
    for (size_t b = 0; b < pc->batch; b++)
      named = named || pc->slot_index[b] == (ptrdiff_t)s;
    CHECK(named || memcmp(pool + s * state, pool_before + s * state, state * sizeof(float)) == 0,
          "pool call changed slot %zu that no row names", s);
  }
  dwconv1d_layer_destroy(twin);
  free(input);
  free(output);
  free(pool);
  free(pool_before);
}

static void run_pool(reader *r, fuzz_case *fc, const made_layer *ml) {
  pool_call pc = {.batch = read_size(r), .steps = read_size(r), .slots = read_size(r)};
  pc.null_pool = read_u8(r) & 1;
  ptrdiff_t slots[MAX_ROWS];
  if (pc.batch <= MAX_ROWS && !(fc->nulls & NULL_SLOTS)) {
    for (size_t b = 0; b < pc.batch; b++)
      slots[b] = read_slot(r);
    pc.slot_index = slots;
  }
  if (pool_must_refuse(fc, ml, &pc)) {
    pool_refused(fc, ml, &pc);
    return;
  }
  if (pc.batch == 0 || pc.steps == 0) {
    /* Nothing to do; like forward with batch 0, the library may refuse
     * when the other count, or one slot's state, alone overflows a byte count. */
    size_t f;
    const bool per_row_fits = float_bytes_fit(pc.batch + pc.steps, ml->out_channels, 1, &f) &&
                              pc.batch + pc.steps >= pc.batch &&
                              float_bytes_fit(model_history(&fc->p), fc->channels, 1, &f);
    const dwconv1d_status s = dwconv1d_stream_pool_push(ml->layer, pc.batch, pc.steps, NULL,
                                                        NULL, NULL, pc.slots, NULL);
    if (per_row_fits || s == DWCONV1D_OK)
      expect_ok(s, "dwconv1d_stream_pool_push (nothing to do)");
    return;
  }
  size_t io_floats, pool_floats;
  if (float_bytes_fit(pc.batch, pc.steps, ml->out_channels + fc->channels, &io_floats) &&
      affordable(io_floats) &&
      float_bytes_fit(pc.slots, model_history(&fc->p), fc->channels, &pool_floats) &&
      affordable(pool_floats) &&
      forward_work(fc, pc.batch, pc.steps, ml->out_channels) <= MAX_WORK)
    pool_run(fc, ml, &pc);
}

/* NULL streams and layers where the stream calls need one. */
static void stream_null_calls(void) {
  size_t n = SIZE_SENTINEL;
  dwconv1d_stream *s = NULL;
  arm_marker();
  expect_refused(dwconv1d_stream_create(NULL, 1, &s), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_stream_create(NULL layer)");
  arm_marker();
  expect_refused(dwconv1d_stream_push(NULL, 0, NULL, NULL, &n), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_stream_push(NULL stream)");
  arm_marker();
  expect_refused(dwconv1d_stream_output_steps(NULL, 1, &n), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_stream_output_steps(NULL stream)");
  arm_marker();
  expect_refused(dwconv1d_stream_state_steps(NULL, &n), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_stream_state_steps(NULL layer)");
  arm_marker();
  expect_refused(dwconv1d_stream_pool_push(NULL, 0, 0, NULL, NULL, NULL, 0, NULL),
                 DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_stream_pool_push(NULL layer)");
  CHECK(n == SIZE_SENTINEL && s == NULL, "a refused stream call wrote its output");
}

/* ---- initializers --------------------------------------------------------- */

/* The names the header lists, with the parameters each must give. */
typedef struct init_name {
  const char *name;
  dwconv1d_initializer_kind kind;
  double value;                   /* CONSTANT */
  double scale;                   /* VARIANCE_SCALING */
  dwconv1d_fan_mode mode;         /* VARIANCE_SCALING */
  dwconv1d_scaling_distribution distribution;
} init_name;

#define VS(n, sc, m, d)                                                                           \
  { n, DWCONV1D_INITIALIZER_VARIANCE_SCALING, 0, sc, DWCONV1D_FAN_##m, DWCONV1D_SCALING_##d }
#define K(n, kind, v) { n, DWCONV1D_INITIALIZER_##kind, v, 0, DWCONV1D_FAN_IN, 0 }
static const init_name init_names[] = {
    K("zeros", CONSTANT, 0),        K("Zeros", CONSTANT, 0),
    K("zero", CONSTANT, 0),         K("ones", CONSTANT, 1),
    K("Ones", CONSTANT, 1),         K("one", CONSTANT, 1),
    K("constant", CONSTANT, 0),     K("Constant", CONSTANT, 0),
    K("random_normal", RANDOM_NORMAL, 0), K("RandomNormal", RANDOM_NORMAL, 0),
    K("normal", RANDOM_NORMAL, 0),  K("random_uniform", RANDOM_UNIFORM, 0),
    K("RandomUniform", RANDOM_UNIFORM, 0), K("uniform", RANDOM_UNIFORM, 0),
    K("truncated_normal", TRUNCATED_NORMAL, 0), K("TruncatedNormal", TRUNCATED_NORMAL, 0),
    VS("variance_scaling", 1, IN, TRUNCATED_NORMAL), VS("VarianceScaling", 1, IN, TRUNCATED_NORMAL),
    VS("glorot_uniform", 1, AVG, UNIFORM), VS("GlorotUniform", 1, AVG, UNIFORM),
    VS("glorot_normal", 1, AVG, TRUNCATED_NORMAL), VS("GlorotNormal", 1, AVG, TRUNCATED_NORMAL),
    VS("he_normal", 2, IN, TRUNCATED_NORMAL), VS("HeNormal", 2, IN, TRUNCATED_NORMAL),
    VS("he_uniform", 2, IN, UNIFORM), VS("HeUniform", 2, IN, UNIFORM),
    VS("lecun_normal", 1, IN, TRUNCATED_NORMAL), VS("LecunNormal", 1, IN, TRUNCATED_NORMAL),
    VS("lecun_uniform", 1, IN, UNIFORM), VS("LecunUniform", 1, IN, UNIFORM),
    K("orthogonal", ORTHOGONAL, 0), K("Orthogonal", ORTHOGONAL, 0),
    K("OrthogonalInitializer", ORTHOGONAL, 0),
};
#undef VS
#undef K
static const char *const init_junk[] = {"identity", "Identity", "stft", "STFT", "glorot",
                                        "GLOROT_UNIFORM", "he_normal ", "", "zeros\n"};

static const init_name *model_init_of(const char *name) {
  for (size_t i = 0; name != NULL && i < sizeof init_names / sizeof init_names[0]; i++)
    if (strcmp(name, init_names[i].name) == 0)
      return &init_names[i];
  return NULL;
}

static const char *read_init_name(reader *r, char *own, size_t own_size) {
  const uint8_t b = read_u8(r);
  const size_t n = sizeof init_names / sizeof init_names[0];
  const size_t junk = sizeof init_junk / sizeof init_junk[0];
  if (b < n)
    return init_names[b].name;
  if (b < n + junk)
    return init_junk[b - n];
  if (b == 0xFF)
    return NULL;
  const size_t len = read_u8(r) % own_size;
  size_t i = 0;
  for (; i + 1 < own_size && i < len; i++)
    own[i] = (char)read_u8(r);
  own[i] = '\0';
  return own;
}

/* A double parameter: ordinary values, edges of float32, non-finite ones. */
static double read_double(reader *r) {
  static const double table[] = {0.0, -0.0, 1.0, -1.0, 0.05, -0.05, 2.0, 0.5, 1e-300, -1e-300,
                                 1e300, -1e300, 3.4028234663852886e38, -3.4028234663852886e38,
                                 3.4028235677973366e38, 1e-45, 4.9e-324, 1e10, -7.5};
  const uint8_t b = read_u8(r);
  if (b < sizeof table / sizeof table[0])
    return table[b];
  if (b == 0xF0)
    return NAN;
  if (b == 0xF1)
    return INFINITY;
  if (b == 0xF2)
    return -INFINITY;
  if (b >= 0xF8) {
    const uint64_t bits = read_le(r, 8);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
  }
  return ((double)b - 100.0) / 16.0;
}

static bool finite_float(double v) { return fabs(v) <= FLT_MAX; }

/* dwconv1d_initializer_fill must refuse these parameters (whatever the shape). */
static bool model_init_params_bad(const dwconv1d_initializer *in, size_t rank) {
  switch (in->kind) {
  case DWCONV1D_INITIALIZER_CONSTANT: return false;
  case DWCONV1D_INITIALIZER_RANDOM_NORMAL:
  case DWCONV1D_INITIALIZER_TRUNCATED_NORMAL:
    return !isfinite(in->mean) || !isfinite(in->stddev) || in->stddev < 0;
  case DWCONV1D_INITIALIZER_RANDOM_UNIFORM:
    return !finite_float(in->minval) || !finite_float(in->maxval) || in->minval > in->maxval;
  case DWCONV1D_INITIALIZER_VARIANCE_SCALING:
    return !isfinite(in->scale) || !(in->scale > 0) || (unsigned)in->mode > 2u ||
           (unsigned)in->distribution > 2u || (in->fan_in == 0) != (in->fan_out == 0);
  case DWCONV1D_INITIALIZER_ORTHOGONAL: return rank < 2 || !isfinite(in->gain);
  }
  return true; /* a kind outside the enum */
}

/* Keras's compute_fans, written from the header. */
static void model_fans(const size_t *shape, size_t rank, double *fan_in, double *fan_out) {
  double field = 1.0;
  if (rank == 0) {
    *fan_in = *fan_out = 1.0;
    return;
  }
  if (rank == 1) {
    *fan_in = *fan_out = (double)shape[0];
    return;
  }
  for (size_t i = 0; i + 2 < rank; i++)
    field *= (double)shape[i];
  *fan_in = (double)shape[rank - 2] * field;
  *fan_out = (double)shape[rank - 1] * field;
}

/* Values every draw of `in` must lie in: [lo, hi], or false when unbounded. */
static bool model_init_range(const dwconv1d_initializer *in, const size_t *shape, size_t rank,
                             double *lo, double *hi) {
  const double slack = 1.0 + ldexp(1.0, -22); /* the draw's rounding to float32 */
  switch (in->kind) {
  case DWCONV1D_INITIALIZER_RANDOM_UNIFORM:
    *lo = (float)in->minval;
    *hi = (float)in->maxval;
    return true;
  case DWCONV1D_INITIALIZER_TRUNCATED_NORMAL: {
    const double room = 2 * in->stddev * slack + fabs(in->mean) * ldexp(1.0, -23) +
                        ldexp(1.0, -149); /* rounding, down to float32's subnormals */
    *lo = in->mean - room;
    *hi = in->mean + room;
    return true;
  }
  case DWCONV1D_INITIALIZER_VARIANCE_SCALING: {
    double fan_in = (double)in->fan_in, fan_out = (double)in->fan_out;
    if (in->fan_in == 0)
      model_fans(shape, rank, &fan_in, &fan_out);
    const double n = in->mode == DWCONV1D_FAN_IN    ? fan_in
                     : in->mode == DWCONV1D_FAN_OUT ? fan_out
                                                    : (fan_in + fan_out) / 2;
    const double variance = in->scale / (n > 1 ? n : 1);
    double limit;
    if (in->distribution == DWCONV1D_SCALING_UNIFORM)
      limit = sqrt(3 * variance) * slack;
    else if (in->distribution == DWCONV1D_SCALING_TRUNCATED_NORMAL)
      limit = 2 * sqrt(variance) / 0.87962566103423978 * slack;
    else
      return false;
    *lo = -limit;
    *hi = limit;
    return true;
  }
  default: return false;
  }
}

/* Orthogonal: the flattened (rows, cols) matrix has orthonormal columns
 * (or rows, when wider than tall), times gain. */
static void check_orthogonal(const float *v, const size_t *shape, size_t rank, size_t count,
                             double gain) {
  const size_t cols = shape[rank - 1], rows = count / cols;
  const bool tall = rows >= cols;
  const size_t n = tall ? rows : cols, m = tall ? cols : rows;
  for (size_t a = 0; a < m; a++)
    for (size_t b = a; b < m; b++) {
      double dot = 0;
      for (size_t i = 0; i < n; i++)
        dot += tall ? (double)v[i * cols + a] * v[i * cols + b]
                    : (double)v[a * cols + i] * v[b * cols + i];
      const double want = a == b ? gain * gain : 0.0;
      CHECK(fabs(dot - want) <= 1e-5 * (double)n * gain * gain + 1e-30,
            "orthogonal %zu x %zu: <q%zu, q%zu> = %.9g, want %.9g", rows, cols, a, b, dot, want);
    }
}

/* The initializer of this case: the named one (*named set), or any fields. */
static dwconv1d_initializer read_initializer(reader *r, const char *name, bool *named) {
  dwconv1d_initializer in;
  memset(&in, 0, sizeof in);
  *named = model_init_of(name) != NULL && read_u8(r) < 0xC0;
  if (*named) {
    expect_ok(dwconv1d_initializer_from_name(name, &in), "dwconv1d_initializer_from_name");
    return in;
  }
  in.kind = (dwconv1d_initializer_kind)read_enum(r);
  in.value = read_double(r);
  in.mean = read_double(r);
  in.stddev = read_double(r);
  in.minval = read_double(r);
  in.maxval = read_double(r);
  in.scale = read_double(r);
  in.mode = (dwconv1d_fan_mode)read_enum(r);
  in.distribution = (dwconv1d_scaling_distribution)read_enum(r);
  in.fan_in = read_size(r);
  in.fan_out = read_size(r);
  in.gain = read_double(r);
  return in;
}

static void check_init_name(const char *name) {
  const init_name *want = model_init_of(name);
  dwconv1d_initializer got, before;
  memset(&got, 0x01, sizeof got);
  before = got;
  arm_marker();
  const dwconv1d_status s = dwconv1d_initializer_from_name(name, &got);
  if (want == NULL) {
    expect_refused(s, DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_initializer_from_name");
    CHECK(memcmp(&got, &before, sizeof got) == 0, "initializer_from_name wrote on refusal");
    return;
  }
  expect_ok(s, "dwconv1d_initializer_from_name");
  CHECK(got.kind == want->kind, "initializer %s has kind %d, want %d", name, (int)got.kind,
        (int)want->kind);
  if (want->kind == DWCONV1D_INITIALIZER_CONSTANT)
    CHECK(got.value == want->value, "initializer %s: value %g", name, got.value);
  if (want->kind == DWCONV1D_INITIALIZER_VARIANCE_SCALING)
    CHECK(got.scale == want->scale && got.mode == want->mode &&
              got.distribution == want->distribution && got.fan_in == 0 && got.fan_out == 0,
          "initializer %s: scale %g mode %d distribution %d", name, got.scale, (int)got.mode,
          (int)got.distribution);
  arm_marker();
  expect_refused(dwconv1d_initializer_from_name(name, NULL), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_initializer_from_name(out=NULL)");
}

/* Work of an orthogonal fill (Gram-Schmidt: rows * cols * min(rows, cols)). */
static bool orthogonal_affordable(const size_t *shape, size_t rank, size_t count) {
  const size_t cols = shape[rank - 1], rows = count / cols, m = rows < cols ? rows : cols;
  size_t work;
  return mul_fits(count, m, &work) && work <= MAX_WORK;
}

/* Uniform draws lie in [minval, maxval) once both are rounded to float32
 * (all equal minval when the rounded bounds meet). */
static void check_uniform(const dwconv1d_initializer *in, const float *v, size_t count) {
  const float lo = (float)in->minval, hi = (float)in->maxval;
  for (size_t i = 0; i < count; i++)
    CHECK(lo < hi ? v[i] >= lo && v[i] < hi : v[i] == lo,
          "random_uniform [%.9g, %.9g): element %zu = %.9g", (double)lo, (double)hi, i,
          (double)v[i]);
}

/* dwconv1d_initializer_fill (and, for a named initializer, dwconv1d_initialize). */
static void init_fill(const dwconv1d_initializer *in, const size_t *shape, size_t rank,
                      uint64_t seed, bool null_shape, const char *name, bool named) {
  size_t count = 1;
  bool fits = true;
  for (size_t i = 0; i < rank; i++)
    fits = fits && mul_fits(count, shape[i], &count);
  fits = fits && float_bytes_fit(count, 1, 1, &count);
  const bool bad = model_init_params_bad(in, rank) || (null_shape && rank > 0) || !fits;
  float dummy[DUMMY_FLOATS];
  fill_sentinel(dummy, DUMMY_FLOATS);
  if (bad) {
    arm_marker();
    expect_refused(dwconv1d_initializer_fill(in, null_shape ? NULL : shape, rank, seed, dummy),
                   DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_initializer_fill");
    CHECK(first_written(dummy, DUMMY_FLOATS) == DUMMY_FLOATS, "refused fill wrote");
    return;
  }
  if (count == 0) {
    expect_ok(dwconv1d_initializer_fill(in, shape, rank, seed, NULL),
              "dwconv1d_initializer_fill (no elements)");
    return;
  }
  arm_marker();
  expect_refused(dwconv1d_initializer_fill(in, shape, rank, seed, NULL),
                 DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_initializer_fill(out=NULL)");
  if (!affordable(count) ||
      (in->kind == DWCONV1D_INITIALIZER_ORTHOGONAL && !orthogonal_affordable(shape, rank, count)))
    return;
  float *v = alloc_exact(count), *again = alloc_exact(count);
  fill_sentinel(v, count);
  expect_ok(dwconv1d_initializer_fill(in, shape, rank, seed, v), "dwconv1d_initializer_fill");
  counts.initializer_fills++;
  CHECK(first_sentinel(v, count) == count, "initializer_fill left element %zu of %zu unwritten",
        first_sentinel(v, count), count);
  expect_ok(dwconv1d_initializer_fill(in, shape, rank, seed, again), "dwconv1d_initializer_fill");
  CHECK(memcmp(v, again, count * sizeof(float)) == 0, "initializer_fill is not deterministic");
  double lo, hi;
  if (in->kind == DWCONV1D_INITIALIZER_RANDOM_UNIFORM)
    check_uniform(in, v, count);
  /* Infinite limits (a finite scale can overflow) draw NaN and Inf: no range. */
  if (model_init_range(in, shape, rank, &lo, &hi) && isfinite(lo) && isfinite(hi))
    for (size_t i = 0; i < count; i++)
      CHECK(!isfinite(v[i]) || (v[i] >= lo && v[i] <= hi),
            "initializer kind %d: element %zu = %.9g outside [%.9g, %.9g]", (int)in->kind, i,
            (double)v[i], lo, hi);
  if (in->kind == DWCONV1D_INITIALIZER_CONSTANT)
    for (size_t i = 0; i < count; i++)
      CHECK(same_value(v[i], (float)in->value), "constant: element %zu = %.9g, want %.9g", i,
            (double)v[i], in->value);
  if (in->kind == DWCONV1D_INITIALIZER_ORTHOGONAL && fabs(in->gain) >= 1e-3 &&
      fabs(in->gain) <= 1e3)
    check_orthogonal(v, shape, rank, count, in->gain);
  if (named) { /* the named form draws the same */
    expect_ok(dwconv1d_initialize(name, shape, rank, seed, again), "dwconv1d_initialize");
    CHECK(memcmp(v, again, count * sizeof(float)) == 0, "initialize(\"%s\") differs from fill",
          name);
  }
  free(v);
  free(again);
}

/* dwconv1d_initialize_weights with the case's layer parameters. */
static void init_weights(const fuzz_case *fc, const char *kernel_name, const char *bias_name,
                         uint64_t seed) {
  const dwconv1d_params *p = &fc->p;
  size_t kernel_floats = 0, cm = 0;
  const init_name *kn = model_init_of(kernel_name != NULL ? kernel_name : "glorot_uniform");
  const init_name *bn = model_init_of(bias_name != NULL ? bias_name : "zeros");
  const bool sizes_fit = fc->channels != 0 &&
                         float_bytes_fit(p->kernel_size, fc->channels, p->depth_multiplier,
                                         &kernel_floats) &&
                         mul_fits(fc->channels, p->depth_multiplier, &cm);
  const bool bad = !model_params_valid(p) || fc->channels == 0 || kn == NULL || bn == NULL ||
                   (fc->nulls & NULL_KERNEL) || (p->use_bias && (fc->nulls & NULL_BIAS)) ||
                   !sizes_fit ||
                   (p->use_bias && bn->kind == DWCONV1D_INITIALIZER_ORTHOGONAL);
  float dummy_k[DUMMY_FLOATS], dummy_b[DUMMY_FLOATS];
  fill_sentinel(dummy_k, DUMMY_FLOATS);
  fill_sentinel(dummy_b, DUMMY_FLOATS);
  if (bad) {
    arm_marker();
    expect_refused(dwconv1d_initialize_weights(p, fc->channels, kernel_name, bias_name, seed,
                                               (fc->nulls & NULL_KERNEL) ? NULL : dummy_k,
                                               (fc->nulls & NULL_BIAS) ? NULL : dummy_b),
                   DWCONV1D_ERROR_INVALID_ARGUMENT, "dwconv1d_initialize_weights");
    CHECK(first_written(dummy_k, DUMMY_FLOATS) == DUMMY_FLOATS &&
              first_written(dummy_b, DUMMY_FLOATS) == DUMMY_FLOATS,
          "refused initialize_weights wrote");
    return;
  }
  const size_t shape[3] = {p->kernel_size, fc->channels, p->depth_multiplier};
  if (!affordable(kernel_floats) || !affordable(cm) ||
      (kn->kind == DWCONV1D_INITIALIZER_ORTHOGONAL &&
       !orthogonal_affordable(shape, 3, kernel_floats)))
    return;
  float *kernel = alloc_exact(kernel_floats), *want = alloc_exact(kernel_floats);
  float *bias = alloc_exact(cm);
  fill_sentinel(kernel, kernel_floats);
  fill_sentinel(bias, cm);
  expect_ok(dwconv1d_initialize_weights(p, fc->channels, kernel_name, bias_name, seed, kernel,
                                        (fc->nulls & NULL_BIAS) ? NULL : bias),
            "dwconv1d_initialize_weights");
  expect_ok(dwconv1d_initialize(kernel_name != NULL ? kernel_name : "glorot_uniform", shape, 3,
                                seed, want),
            "dwconv1d_initialize (kernel)");
  CHECK(memcmp(kernel, want, kernel_floats * sizeof(float)) == 0,
        "initialize_weights' kernel differs from dwconv1d_initialize's");
  if (p->use_bias)
    CHECK(first_sentinel(bias, cm) == cm, "initialize_weights left bias %zu unwritten",
          first_sentinel(bias, cm));
  else
    CHECK(first_written(bias, cm) == cm, "initialize_weights wrote the bias without use_bias");
  free(kernel);
  free(want);
  free(bias);
}

static void run_initializers(reader *r, const fuzz_case *fc) {
  char own[80], own_bias[80];
  const char *name = read_init_name(r, own, sizeof own);
  check_init_name(name);
  bool named;
  const dwconv1d_initializer in = read_initializer(r, name, &named);
  size_t shape[5];
  const size_t rank = read_u8(r) % 6;
  for (size_t i = 0; i < rank; i++)
    shape[i] = read_size(r);
  const uint64_t seed = read_le(r, 8);
  const bool null_shape = read_u8(r) & 1;
  init_fill(&in, shape, rank, seed, null_shape, name, named);
  const char *bias_name = read_init_name(r, own_bias, sizeof own_bias);
  init_weights(fc, name, bias_name, seed);
}

/* ------------------------------------------------------------------ */

static void run_case(reader *r) {
  fuzz_case fc;
  memset(&fc, 0, sizeof fc);
  read_params(r, &fc);
  choose_isa(r, &fc);
  describe_case(&fc);
  check_validate_and_shapes(&fc);
  const uint8_t what = read_u8(r);
  fc.parallel = what & 16u;
  if (fc.parallel)
    fc.threads = read_size(r);
  if (what & 32u)
    run_initializers(r, &fc);
  made_layer ml;
  if (!make_layer(&fc, &ml))
    return;
  forward_once(&fc, &ml, fc.batch, fc.steps);
  const size_t more = what & 3u; /* further (batch, steps) pairs on the same layer */
  for (size_t i = 0; i < more; i++) {
    const size_t batch = read_size(r), steps = read_size(r);
    forward_once(&fc, &ml, batch, steps);
  }
  if (what & 4u)
    run_stream(r, &fc, &ml);
  if (what & 8u)
    run_pool(r, &fc, &ml);
  arm_marker();
  expect_refused(dwconv1d_layer_forward(NULL, 1, 1, NULL, NULL), DWCONV1D_ERROR_INVALID_ARGUMENT,
                 "dwconv1d_layer_forward(NULL layer)");
  free_layer(&ml);
  stream_null_calls();
  dwconv1d_layer_destroy(NULL);
  dwconv1d_stream_destroy(NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader r = {.data = data, .size = size, .pos = 0};
  counts.inputs++;
  run_case(&r);
  dwconv1d_reset_isa(); /* no state carries over to the next input */
  return 0;
}
