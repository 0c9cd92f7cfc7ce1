/* The library's calls to its own exported functions bind inside it
 * (linked with -Bsymbolic-functions). This program defines two of those
 * names, as another build of the library loaded before it does
 * (dwconv1d_time_layer's libs= loads several builds and must time each
 * one's own code), then loads the library by path with RTLD_LOCAL:
 * creating a layer (dwconv1d_params_validate inside) and a forward call
 * (dwconv1d_layer_forward_parallel inside) must run the library's own
 * functions, not these. Usage: test_own_calls path/to/libdwconv1d.so */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dwconv1d.h"

static int captured;

DWCONV1D_API dwconv1d_status dwconv1d_params_validate(const dwconv1d_params *p) {
  (void)p;
  captured++;
  return DWCONV1D_ERROR_INVALID_ARGUMENT;
}

DWCONV1D_API dwconv1d_status dwconv1d_layer_forward_parallel(
    const dwconv1d_layer *layer, size_t batch, size_t steps, const float *input, float *output,
    dwconv1d_parallel_for parallel_for, void *pool, size_t threads) {
  (void)layer, (void)batch, (void)steps, (void)input, (void)output;
  (void)parallel_for, (void)pool, (void)threads;
  captured++;
  return DWCONV1D_ERROR_INVALID_ARGUMENT;
}

typedef dwconv1d_params (*params_default_fn)(size_t);
typedef dwconv1d_status (*create_fn)(const dwconv1d_params *, size_t, const float *,
                                     const float *, dwconv1d_layer **);
typedef dwconv1d_status (*forward_fn)(const dwconv1d_layer *, size_t, size_t, const float *,
                                      float *);
typedef void (*destroy_fn)(dwconv1d_layer *);

/* The function `name` of the library into *fn (a function pointer's
 * storage); 0 with a message where the library lacks it. */
static int symbol(void *lib, const char *name, void *fn) {
  void *p = dlsym(lib, name);
  if (p == NULL) {
    fprintf(stderr, "FAIL: %s not found: %s\n", name, dlerror());
    return 0;
  }
  memcpy(fn, &p, sizeof p); /* POSIX: function pointers convert so */
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s path/to/libdwconv1d.so\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "FAIL: dlopen %s: %s\n", argv[1], dlerror());
    return 1;
  }
  params_default_fn params_default;
  create_fn create;
  forward_fn forward;
  destroy_fn destroy;
  if (!symbol(lib, "dwconv1d_params_default", &params_default) ||
      !symbol(lib, "dwconv1d_layer_create", &create) ||
      !symbol(lib, "dwconv1d_layer_forward", &forward) ||
      !symbol(lib, "dwconv1d_layer_destroy", &destroy))
    return 1;
  dwconv1d_params p = params_default(2);
  p.use_bias = false;
  const float kernel[2] = {1.0f, 2.0f}, x[3] = {1.0f, 10.0f, 100.0f};
  float y[2] = {0.0f, 0.0f};
  dwconv1d_layer *layer = NULL;
  const dwconv1d_status created = create(&p, 1, kernel, NULL, &layer);
  const dwconv1d_status ran = created == DWCONV1D_OK ? forward(layer, 1, 3, x, y) : created;
  destroy(layer);
  dlclose(lib);
  /* valid padding, K 2: y[t] = x[t] + 2 x[t + 1] */
  const int ok = created == DWCONV1D_OK && ran == DWCONV1D_OK && captured == 0 &&
                 y[0] == 21.0f && y[1] == 210.0f;
  printf("%s: create %d, forward %d, outputs %g %g, calls captured by this program: %d\n",
         ok ? "ok" : "FAIL", (int)created, (int)ran, (double)y[0], (double)y[1], captured);
  return ok ? 0 : 1;
}
