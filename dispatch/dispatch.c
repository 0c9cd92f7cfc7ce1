/* The choice of path. The CPU is probed and DWCONV1D_ISA read exactly once
 * (pthread_once); the only other state is the ISA forced through the API,
 * an atomic read on each layer creation, never on the forward path. */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "dispatch.h"
#include "error.h"

#define ISA_COUNT (DWCONV1D_ISA_NEON + 1)
#define CHOICE_AUTO (-1)
#define CHOICE_UNKNOWN (-2)
#define NOT_FORCED (-1)

static const char *const isa_names[ISA_COUNT] = {"scalar", "sse4", "avx2", "avx512", "neon"};

/* Preference order for "auto": the first supported wins. */
static const dwconv1d_isa auto_order[] = {DWCONV1D_ISA_AVX512, DWCONV1D_ISA_AVX2,
                                          DWCONV1D_ISA_SSE4, DWCONV1D_ISA_NEON,
                                          DWCONV1D_ISA_SCALAR};

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static unsigned cpu_mask;
static struct dwconv1d_cpu_traits traits;
static int env_choice = CHOICE_AUTO;
static char env_value[48];
static atomic_int forced_isa = NOT_FORCED;

const struct dwconv1d_kernels *dwconv1d_kernels_of(dwconv1d_isa isa) {
  switch (isa) {
  case DWCONV1D_ISA_SCALAR: return &dwconv1d_kernels_scalar;
#if defined(DWCONV1D_HAVE_SSE4)
  case DWCONV1D_ISA_SSE4: return &dwconv1d_kernels_sse4;
#endif
#if defined(DWCONV1D_HAVE_AVX2)
  case DWCONV1D_ISA_AVX2: return &dwconv1d_kernels_avx2;
#endif
#if defined(DWCONV1D_HAVE_AVX512)
  case DWCONV1D_ISA_AVX512: return &dwconv1d_kernels_avx512;
#endif
#if defined(DWCONV1D_HAVE_NEON)
  case DWCONV1D_ISA_NEON: return &dwconv1d_kernels_neon;
#endif
  default: return NULL;
  }
}

static int parse_isa_name(const char *value) {
  char lower[sizeof env_value];
  size_t n = 0;
  for (; value[n] != '\0' && n + 1 < sizeof lower; n++)
    lower[n] = (char)tolower((unsigned char)value[n]);
  lower[n] = '\0';
  if (value[n] != '\0')
    return CHOICE_UNKNOWN;
  if (n == 0 || strcmp(lower, "auto") == 0)
    return CHOICE_AUTO;
  for (int i = 0; i < ISA_COUNT; i++)
    if (strcmp(lower, isa_names[i]) == 0)
      return i;
  return CHOICE_UNKNOWN;
}

static void probe(void) {
  cpu_mask = dwconv1d_cpu_detect();
  traits = (struct dwconv1d_cpu_traits){
      .prefetch_outputs = dwconv1d_cpu_prefetches_outputs(),
      .shuffles_on_fma_port = dwconv1d_cpu_shuffles_on_fma_port(),
      .line_split_stores_slow = dwconv1d_cpu_line_split_stores_slow(),
      .l1d_ways = dwconv1d_cpu_l1d_ways(),
      .llc_bytes = dwconv1d_cpu_llc_bytes()};
  const char *value = getenv("DWCONV1D_ISA");
  if (value == NULL)
    return;
  dwconv1d_quote(value, env_value, sizeof env_value);
  env_choice = parse_isa_name(value);
}

static void ensure_probed(void) { pthread_once(&probe_once, probe); }

bool dwconv1d_isa_supported(dwconv1d_isa isa) {
  if ((unsigned)isa >= ISA_COUNT || dwconv1d_kernels_of(isa) == NULL)
    return false;
  ensure_probed();
  return (cpu_mask >> isa) & 1u;
}

struct dwconv1d_cpu_traits dwconv1d_probed_traits(void) {
  ensure_probed();
  return traits;
}

const char *dwconv1d_isa_name(dwconv1d_isa isa) {
  return (unsigned)isa < ISA_COUNT ? isa_names[isa] : NULL;
}

/* "scalar, sse4, avx2" for the error messages. */
static void supported_list(char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < ISA_COUNT; i++) {
    if (!dwconv1d_isa_supported((dwconv1d_isa)i))
      continue;
    const int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", isa_names[i]);
    if (w < 0 || (size_t)w >= size - used)
      return;
    used += (size_t)w;
  }
}

dwconv1d_status dwconv1d_set_isa(dwconv1d_isa isa) {
  char list[64];
  if ((unsigned)isa >= ISA_COUNT)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "isa must be a dwconv1d_isa value, got %d", (int)isa);
  if (!dwconv1d_isa_supported(isa)) {
    supported_list(list, sizeof list);
    return dwconv1d_error(DWCONV1D_ERROR_UNSUPPORTED_ISA,
                          "isa %s cannot run on this CPU; it supports: %s", isa_names[isa], list);
  }
  atomic_store(&forced_isa, (int)isa);
  return DWCONV1D_OK;
}

void dwconv1d_reset_isa(void) { atomic_store(&forced_isa, NOT_FORCED); }

static dwconv1d_isa best_supported(void) {
  for (size_t i = 0; i < sizeof auto_order / sizeof auto_order[0]; i++)
    if (dwconv1d_isa_supported(auto_order[i]))
      return auto_order[i];
  return DWCONV1D_ISA_SCALAR;
}

dwconv1d_status dwconv1d_active_isa(dwconv1d_isa *out) {
  char list[64];
  if (out == NULL)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT, "out must not be NULL");
  ensure_probed();
  const int forced = atomic_load(&forced_isa);
  if (forced != NOT_FORCED) {
    *out = (dwconv1d_isa)forced;
    return DWCONV1D_OK;
  }
  if (env_choice == CHOICE_AUTO) {
    *out = best_supported();
    return DWCONV1D_OK;
  }
  supported_list(list, sizeof list);
  if (env_choice == CHOICE_UNKNOWN)
    return dwconv1d_error(DWCONV1D_ERROR_INVALID_ARGUMENT,
                          "DWCONV1D_ISA=\"%s\" is not an ISA name (auto, scalar, sse4, avx2, "
                          "avx512, neon); this CPU supports: %s",
                          env_value, list);
  if (!dwconv1d_isa_supported((dwconv1d_isa)env_choice))
    return dwconv1d_error(DWCONV1D_ERROR_UNSUPPORTED_ISA,
                          "DWCONV1D_ISA=\"%s\" cannot run on this CPU; it supports: %s", env_value,
                          list);
  *out = (dwconv1d_isa)env_choice;
  return DWCONV1D_OK;
}
