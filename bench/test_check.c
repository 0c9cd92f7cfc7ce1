/* Checks the bench's own guard: the comparison that decides whether a runner
 * may be timed must accept the paths' real outputs and refuse outputs that
 * are off by more than the tolerance, NaN, or in the wrong layout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "dwconv1d.h"

static int failures;

static void expect(bool condition, const char *shape, const char *what, const char *why) {
  if (condition) return;
  failures++;
  fprintf(stderr, "FAIL %s: %s%s%s\n", shape, what, why[0] ? ": " : "", why);
}

/* The tolerance bench_data_matches applies to element i (as data.h says),
 * for the linear and ReLU shapes used here (L = 1). */
static double tolerance_at(const bench_data *data, size_t i) {
  return 2.0 * (1e-5 * data->magnitude[i] + 1e-6) + 2e-6 * fabs((double)data->expected[i]);
}

/* Every supported path must pass the check. */
static void check_paths_pass(const bench_data *data) {
  const bench_shape *shape = data->shape;
  float *output = malloc(data->sizes.output_floats * sizeof(float));
  for (dwconv1d_isa isa = DWCONV1D_ISA_SCALAR; dwconv1d_isa_name(isa) != NULL; isa++) {
    if (!dwconv1d_isa_supported(isa) || output == NULL) continue;
    dwconv1d_layer *layer = NULL;
    char why[640] = "";
    if (dwconv1d_set_isa(isa) == DWCONV1D_OK &&
        dwconv1d_layer_create(&shape->params, shape->channels, data->kernel, data->bias, &layer) ==
            DWCONV1D_OK &&
        dwconv1d_layer_forward(layer, shape->batch, shape->steps, data->input, output) ==
            DWCONV1D_OK) {
      expect(bench_data_matches(data, output, why, sizeof why), shape->name,
             dwconv1d_isa_name(isa), why);
    } else {
      expect(false, shape->name, dwconv1d_isa_name(isa), dwconv1d_last_error());
    }
    dwconv1d_reset_isa();
    dwconv1d_layer_destroy(layer);
  }
  free(output);
}

/* Perturbations around the tolerance, NaN and a transposed layout. */
static void check_guard(const bench_data *data) {
  const char *name = data->shape->name;
  const size_t count = data->sizes.output_floats;
  float *output = malloc(count * sizeof(float));
  if (output == NULL) return;
  char why[640] = "";
  const size_t i = count / 2;

  memcpy(output, data->expected, count * sizeof(float));
  expect(bench_data_matches(data, output, why, sizeof why), name, "its own answer", why);

  output[i] = (float)(data->expected[i] + 0.5 * tolerance_at(data, i));
  expect(bench_data_matches(data, output, why, sizeof why), name, "half the tolerance off", why);

  output[i] = (float)(data->expected[i] + 3.0 * tolerance_at(data, i));
  expect(!bench_data_matches(data, output, why, sizeof why), name,
         "3x the tolerance off passed", "");
  expect(strstr(why, "WRONG RESULT") != NULL, name, "the message says WRONG RESULT", why);

  output[i] = NAN;
  expect(!bench_data_matches(data, output, why, sizeof why), name, "NaN passed", "");

  /* Outputs shifted by one element: what a wrong layout or stride gives. */
  memcpy(output, data->expected + 1, (count - 1) * sizeof(float));
  output[count - 1] = data->expected[0];
  expect(!bench_data_matches(data, output, why, sizeof why), name, "shifted output passed", "");
  free(output);
}

int main(void) {
  const char *names[] = {"seed", "odd_c67_cf", "multiplier4", "strides2", "dilation8"};
  for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
    const bench_shape *shape = bench_shape_find(names[n]);
    bench_data data;
    char why[512] = "";
    if (shape == NULL || bench_data_create(shape, &data, why, sizeof why) != 0) {
      expect(false, names[n], "set-up", why);
      continue;
    }
    expect(data.expected != NULL, names[n], "the scalar path agrees with the double reference",
           data.scalar_note);
    if (data.expected != NULL) {
      check_guard(&data);
      check_paths_pass(&data);
    }
    bench_data_destroy(&data);
  }
  if (failures == 0) printf("bench check: all passed\n");
  return failures == 0 ? 0 : 1;
}
