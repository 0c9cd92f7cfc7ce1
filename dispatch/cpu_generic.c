/* Other CPUs: the portable scalar path only. */
#include "cpu.h"
#include "dwconv1d.h"

unsigned dwconv1d_cpu_detect(void) { return 1u << DWCONV1D_ISA_SCALAR; }

/* Unmeasured here: keep the rules measured on Intel. */
bool dwconv1d_cpu_prefetches_outputs(void) { return true; }

/* Unmeasured here: the rules measured on AMD Zen 4, which were the only
 * ones before Intel's were measured. */
bool dwconv1d_cpu_shuffles_on_fma_port(void) { return false; }

/* Not read here: the scalar path never asks. */
bool dwconv1d_cpu_line_split_stores_slow(void) { return false; }

/* Not read here: the scalar path never asks. */
unsigned dwconv1d_cpu_l1d_ways(void) { return 0; }

/* Not read here: the scalar path stores as it goes. */
size_t dwconv1d_cpu_llc_bytes(void) { return 0; }
