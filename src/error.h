/* Status messages: each failing call records why, per thread. */
#ifndef DWCONV1D_ERROR_H
#define DWCONV1D_ERROR_H

#include "dwconv1d.h"

/* Records the calling thread's message (printf format) and returns `status`. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
dwconv1d_status dwconv1d_error(dwconv1d_status status, const char *format, ...);

#endif
