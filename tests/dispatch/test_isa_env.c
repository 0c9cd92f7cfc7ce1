/* DWCONV1D_ISA, run once per value as its own process (see meson.build):
 * a supported name selects that path, an unsupported one and a bogus one
 * fail with the documented status and a message naming the value and
 * listing what this CPU supports; dwconv1d_set_isa overrides the variable. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwconv1d.h"

static int failures;

#define CHECK(cond, ...)                                                                         \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      failures++;                                                                                \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                       \
      fprintf(stderr, __VA_ARGS__);                                                              \
      fputc('\n', stderr);                                                                       \
    }                                                                                            \
  } while (0)

static int isa_from_name(const char *value) {
  char lower[32];
  size_t n = 0;
  for (; value[n] && n + 1 < sizeof lower; n++)
    lower[n] = (char)tolower((unsigned char)value[n]);
  lower[n] = '\0';
  for (int i = DWCONV1D_ISA_SCALAR; i <= DWCONV1D_ISA_NEON; i++)
    if (strcmp(lower, dwconv1d_isa_name((dwconv1d_isa)i)) == 0)
      return i;
  return -1;
}

static dwconv1d_isa best_supported(void) {
  const dwconv1d_isa order[] = {DWCONV1D_ISA_AVX512, DWCONV1D_ISA_AVX2, DWCONV1D_ISA_SSE4,
                                DWCONV1D_ISA_NEON, DWCONV1D_ISA_SCALAR};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (dwconv1d_isa_supported(order[i]))
      return order[i];
  return DWCONV1D_ISA_SCALAR;
}

/* The layer's path, or the status of its creation. */
static dwconv1d_status create_one(dwconv1d_isa *isa) {
  const float kernel[3] = {1.0f, 2.0f, 3.0f}, bias[1] = {0.5f};
  const dwconv1d_params p = dwconv1d_params_default(3);
  dwconv1d_layer *layer = NULL;
  const dwconv1d_status s = dwconv1d_layer_create(&p, 1, kernel, bias, &layer);
  if (s == DWCONV1D_OK) {
    *isa = dwconv1d_layer_isa(layer);
    const float x[4] = {1, 2, 3, 4};
    float y[2] = {0, 0};
    CHECK(dwconv1d_layer_forward(layer, 1, 4, x, y) == DWCONV1D_OK, "forward failed");
    CHECK(y[0] == 14.5f && y[1] == 20.5f, "forward on %s gave %g %g, expected 14.5 20.5",
          dwconv1d_isa_name(*isa), y[0], y[1]);
    dwconv1d_layer_destroy(layer);
  }
  return s;
}

static void check_supported_list(const char *message) {
  for (int i = DWCONV1D_ISA_SCALAR; i <= DWCONV1D_ISA_NEON; i++)
    if (dwconv1d_isa_supported((dwconv1d_isa)i))
      CHECK(strstr(message, dwconv1d_isa_name((dwconv1d_isa)i)) != NULL,
            "message \"%s\" does not list supported %s", message,
            dwconv1d_isa_name((dwconv1d_isa)i));
}

int main(void) {
  const char *value = getenv("DWCONV1D_ISA");
  dwconv1d_isa active = DWCONV1D_ISA_SCALAR, made = DWCONV1D_ISA_SCALAR;
  const dwconv1d_status s_active = dwconv1d_active_isa(&active);
  const dwconv1d_status s_create = create_one(&made);
  const int named = value ? isa_from_name(value) : -1;
  const int is_auto = value == NULL || value[0] == '\0' || strcmp(value, "auto") == 0 ||
                      strcmp(value, "AUTO") == 0;
  printf("DWCONV1D_ISA=%s: active status %d, create status %d, message \"%s\"\n",
         value ? value : "(unset)", s_active, s_create, dwconv1d_last_error());

  if (is_auto) {
    CHECK(s_active == DWCONV1D_OK && active == best_supported(), "auto must pick the fastest");
    CHECK(s_create == DWCONV1D_OK && made == best_supported(), "auto layer must use the fastest");
  } else if (named >= 0 && dwconv1d_isa_supported((dwconv1d_isa)named)) {
    CHECK(s_active == DWCONV1D_OK && active == (dwconv1d_isa)named, "active isa must be %s", value);
    CHECK(s_create == DWCONV1D_OK && made == (dwconv1d_isa)named, "layer isa must be %s", value);
  } else {
    const dwconv1d_status want =
        named >= 0 ? DWCONV1D_ERROR_UNSUPPORTED_ISA : DWCONV1D_ERROR_INVALID_ARGUMENT;
    CHECK(s_active == want && s_create == want, "%s must fail with status %d", value, want);
    const char *message = dwconv1d_last_error();
    CHECK(strstr(message, value) != NULL, "message \"%s\" must name \"%s\"", message, value);
    check_supported_list(message);
  }

  /* The API overrides the variable, whatever it says; reset restores it. */
  CHECK(dwconv1d_set_isa(DWCONV1D_ISA_SCALAR) == DWCONV1D_OK, "set_isa(scalar) failed");
  CHECK(create_one(&made) == DWCONV1D_OK && made == DWCONV1D_ISA_SCALAR,
        "set_isa(scalar) must override DWCONV1D_ISA");
  dwconv1d_reset_isa();
  CHECK(dwconv1d_active_isa(&active) == s_active, "reset must restore the variable's choice");
  for (int i = DWCONV1D_ISA_SCALAR; i <= DWCONV1D_ISA_NEON; i++) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)i)) {
      CHECK(dwconv1d_set_isa((dwconv1d_isa)i) == DWCONV1D_ERROR_UNSUPPORTED_ISA,
            "set_isa(%s) must be refused here", dwconv1d_isa_name((dwconv1d_isa)i));
      printf("SKIP %s: not supported on this CPU\n", dwconv1d_isa_name((dwconv1d_isa)i));
    }
  }
  CHECK(dwconv1d_set_isa((dwconv1d_isa)99) == DWCONV1D_ERROR_INVALID_ARGUMENT,
        "set_isa(99) must be an invalid argument");
  printf("%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
  return failures != 0;
}
