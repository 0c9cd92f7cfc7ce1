/* Status messages: each failing call records why, per thread. */
#ifndef DWCONV1D_ERROR_H
#define DWCONV1D_ERROR_H

#include <stddef.h>

#include "dwconv1d.h"

/* Records the calling thread's message (printf format) and returns `status`. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
dwconv1d_status dwconv1d_error(dwconv1d_status status, const char *format, ...);

/* Copies `text` into buf (of `size` bytes) for quoting in a one-line message:
 * control and non-ASCII bytes become \xNN, long text is cut with "...".
 * Returns buf. */
const char *dwconv1d_quote(const char *text, char *buf, size_t size);

#endif
