/* Other CPUs: the portable scalar path only. */
#include "cpu.h"
#include "dwconv1d.h"

unsigned dwconv1d_cpu_detect(void) { return 1u << DWCONV1D_ISA_SCALAR; }

/* Unmeasured here: keep the rules measured on Intel. */
bool dwconv1d_cpu_prefetches_outputs(void) { return true; }

/* Not read here: the scalar path never asks. */
unsigned dwconv1d_cpu_l1d_ways(void) { return 0; }
