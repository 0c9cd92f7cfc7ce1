/* x86-64 detection: CPUID for the instructions, XGETBV for the OS's
 * promise to save the registers they use. Compiled with baseline flags. */
#include <cpuid.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "dwconv1d.h"

/* XCR0 bits: SSE and AVX (YMM) state; AVX-512 opmask, ZMM0-15 upper, ZMM16-31. */
#define XCR0_YMM (UINT64_C(1) << 1 | UINT64_C(1) << 2)
#define XCR0_ZMM (UINT64_C(1) << 5 | UINT64_C(1) << 6 | UINT64_C(1) << 7)

static uint64_t read_xcr0(void) {
  uint32_t eax, edx;
  /* xgetbv, spelled as bytes so the file needs no -mxsave. */
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
  return (uint64_t)edx << 32 | eax;
}

unsigned dwconv1d_cpu_detect(void) {
  unsigned mask = 1u << DWCONV1D_ISA_SCALAR;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return mask;
  if (ecx & bit_SSE4_1)
    mask |= 1u << DWCONV1D_ISA_SSE4;
  const int osxsave = (ecx & bit_OSXSAVE) != 0, avx = (ecx & bit_AVX) != 0;
  const int fma = (ecx & bit_FMA) != 0;
  if (!osxsave || !avx)
    return mask;
  const uint64_t xcr0 = read_xcr0();
  if ((xcr0 & XCR0_YMM) != XCR0_YMM)
    return mask;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
    return mask;
  if ((ebx & bit_AVX2) && fma)
    mask |= 1u << DWCONV1D_ISA_AVX2;
  /* The AVX-512 path uses AVX-512F only (plus AVX2/FMA for SLEEF's helpers). */
  if ((ebx & bit_AVX512F) && (xcr0 & XCR0_ZMM) == XCR0_ZMM && (mask & 1u << DWCONV1D_ISA_AVX2))
    mask |= 1u << DWCONV1D_ISA_AVX512;
  return mask;
}

bool dwconv1d_cpu_prefetches_outputs(void) {
  unsigned max_leaf, vendor[3];
  if (!__get_cpuid(0, &max_leaf, &vendor[0], &vendor[2], &vendor[1]))
    return true;
  return memcmp(vendor, "AuthenticAMD", sizeof vendor) != 0;
}
