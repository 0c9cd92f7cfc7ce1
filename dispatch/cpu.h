/* What the CPU and OS can run, detected without executing any of it. */
#ifndef DWCONV1D_CPU_H
#define DWCONV1D_CPU_H

#include <stdbool.h>
#include <stddef.h>

/* Bit (1u << isa) is set for each dwconv1d_isa this CPU and OS can run
 * (whether or not the build contains the path). Scalar is always set. */
unsigned dwconv1d_cpu_detect(void);

/* Whether software prefetches of the output lines a kernel is about to
 * write pay on this CPU (see output_prefetch_for in the kernels). Measured
 * faster on Intel cores; 2-13 % slower on AMD Zen 4, whose own prefetchers
 * keep up with the stores. Reads CPUID only. */
bool dwconv1d_cpu_prefetches_outputs(void);

/* Whether the core's vector shuffles issue on a port that also takes its
 * FMAs (Intel's port 5; AMD Zen 4 shuffles on a pipe of their own), so a
 * shift costs an FMA slot (see rows_long_pays in the kernels). Reads the
 * vendor only: Intel cores with a single 512-bit FMA unit, whose port 5
 * has none, get the rule measured with two (unmeasured on them). */
bool dwconv1d_cpu_shuffles_on_fma_port(void);

/* Whether a 64-byte store that splits across two cache lines costs more
 * than the four 16-byte stores that write the same floats without splitting
 * (see scatter_block_cf in the kernels): measured so on an Intel Xeon with
 * two 512-bit FMA ports, the other way on AMD Zen 4. Reads the vendor only. */
bool dwconv1d_cpu_line_split_stores_slow(void);

/* The ways of the level-1 data cache, from the CPU's own description of its
 * caches (CPUID on x86-64), or 0 where it gives none. Read by phases_pay in
 * the kernels. */
unsigned dwconv1d_cpu_l1d_ways(void);

/* The size in bytes of the last-level cache (the data or unified cache of
 * the highest level), from the same description, or 0 where it gives none.
 * Read by the layer: outputs of at least this size are stored around the
 * caches by ISAs that can (see stores_nontemporal in the kernels). */
size_t dwconv1d_cpu_llc_bytes(void);

#endif
