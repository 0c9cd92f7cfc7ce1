/* What the CPU and OS can run, detected without executing any of it. */
#ifndef DWCONV1D_CPU_H
#define DWCONV1D_CPU_H

/* Bit (1u << isa) is set for each dwconv1d_isa this CPU and OS can run
 * (whether or not the build contains the path). Scalar is always set. */
unsigned dwconv1d_cpu_detect(void);

#endif
