/* The choice of path: CPU detection, DWCONV1D_ISA and dwconv1d_set_isa. */
#ifndef DWCONV1D_DISPATCH_H
#define DWCONV1D_DISPATCH_H

#include "dwconv1d.h"
#include "kernel.h"

/* The kernels of `isa`, or NULL when this build does not contain them. */
const struct dwconv1d_kernels *dwconv1d_kernels_of(dwconv1d_isa isa);

/* This CPU's traits for the kernels (see cpu.h); probed once. */
struct dwconv1d_cpu_traits dwconv1d_probed_traits(void);

#endif
