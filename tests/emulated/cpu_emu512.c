/* This test build's CPU detection: where the CPU runs AVX2 and FMA, the
 * paths on offer are scalar and the emulated avx512 (vec_emu512.h) alone,
 * so that every test that walks the supported ISAs checks the emulation
 * against the scalar path and the reference. The CPU traits are the real
 * ones. */
#define dwconv1d_cpu_detect dwconv1d_cpu_detect_real
#include "cpu_x86.c"
#undef dwconv1d_cpu_detect

unsigned dwconv1d_cpu_detect(void);

unsigned dwconv1d_cpu_detect(void) {
  const unsigned scalar = 1u << DWCONV1D_ISA_SCALAR;
  return dwconv1d_cpu_detect_real() & 1u << DWCONV1D_ISA_AVX2 ? scalar | 1u << DWCONV1D_ISA_AVX512
                                                              : scalar;
}
