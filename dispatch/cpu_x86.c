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

static bool is_amd(void) {
  unsigned max_leaf, vendor[3];
  if (!__get_cpuid(0, &max_leaf, &vendor[0], &vendor[2], &vendor[1]))
    return false;
  return memcmp(vendor, "AuthenticAMD", sizeof vendor) == 0;
}

bool dwconv1d_cpu_prefetches_outputs(void) { return !is_amd(); }

bool dwconv1d_cpu_shuffles_on_fma_port(void) { return !is_amd(); }

bool dwconv1d_cpu_line_split_stores_slow(void) { return !is_amd(); }

/* Intel's leaf 4 and AMD's leaf 0x8000001D list the caches one subleaf each,
 * in the same layout: EAX bits 0-4 the type (0 ends the list, 1 data, 3
 * unified), bits 5-7 the level; EBX bits 0-11 the line size, 12-21 the
 * partitions, 22-31 the ways, ECX the sets, each less one. AMD's exists
 * where CPUID 0x80000001 sets TOPOEXT (ECX bit 22). A CPU (or hypervisor)
 * that hides the leaf describes no caches: the kernels' rules for 8 ways,
 * no stores around the caches. */
struct cache_desc {
  unsigned type, level, ways;
  size_t bytes;
};

/* Subleaf i of the cache leaf (0 or no leaf: the list's end), as *d. */
static bool cache_subleaf(unsigned leaf, unsigned i, struct cache_desc *d) {
  unsigned eax, ebx, ecx, edx;
  if (leaf == 0 || i >= 16 || !__get_cpuid_count(leaf, i, &eax, &ebx, &ecx, &edx) ||
      (eax & 0x1Fu) == 0)
    return false;
  d->type = eax & 0x1Fu;
  d->level = eax >> 5 & 0x7u;
  d->ways = (ebx >> 22) + 1;
  d->bytes = (size_t)d->ways * ((ebx >> 12 & 0x3FFu) + 1) * ((ebx & 0xFFFu) + 1) *
             ((size_t)ecx + 1);
  return true;
}

static unsigned cache_leaf(void) {
  const bool amd = is_amd();
  unsigned eax, ebx, ecx, edx;
  if (amd && !(__get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx >> 22 & 1u)))
    return 0;
  return amd ? 0x8000001Du : 4u;
}

unsigned dwconv1d_cpu_l1d_ways(void) {
  const unsigned leaf = cache_leaf();
  struct cache_desc d;
  for (unsigned i = 0; cache_subleaf(leaf, i, &d); i++)
    if (d.type == 1 && d.level == 1)
      return d.ways;
  return 0;
}

size_t dwconv1d_cpu_llc_bytes(void) {
  const unsigned leaf = cache_leaf();
  struct cache_desc d;
  unsigned top = 0;
  size_t bytes = 0;
  for (unsigned i = 0; cache_subleaf(leaf, i, &d); i++)
    if ((d.type == 1 || d.type == 3) && d.level > top)
      top = d.level, bytes = d.bytes;
  return bytes;
}
