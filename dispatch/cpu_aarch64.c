/* AArch64 detection: AdvSIMD is architectural, but ask the kernel anyway
 * (getauxval) so a system that disables it is respected. */
#include <sys/auxv.h>

#include "cpu.h"
#include "dwconv1d.h"

#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif

unsigned dwconv1d_cpu_detect(void) {
  unsigned mask = 1u << DWCONV1D_ISA_SCALAR;
  if (getauxval(AT_HWCAP) & HWCAP_ASIMD)
    mask |= 1u << DWCONV1D_ISA_NEON;
  return mask;
}

/* Unmeasured here: keep the rules measured on Intel. */
bool dwconv1d_cpu_prefetches_outputs(void) { return true; }

/* Unmeasured here: the rules measured on AMD Zen 4, which were the only
 * ones before Intel's were measured. */
bool dwconv1d_cpu_shuffles_on_fma_port(void) { return false; }

/* Not read here: NEON's 16-byte vectors have no whole-row stores to split. */
bool dwconv1d_cpu_line_split_stores_slow(void) { return false; }

/* Not read here: the 16-byte NEON vectors keep their phases whatever the L1. */
unsigned dwconv1d_cpu_l1d_ways(void) { return 0; }

/* Not read here: NEON's kernels have no stores around the caches. */
size_t dwconv1d_cpu_llc_bytes(void) { return 0; }
