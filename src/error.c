/* Status strings, the per-thread last-error message and the version. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

/* Per thread, so concurrent callers never see each other's messages. */
static _Thread_local char last_error[256];

dwconv1d_status dwconv1d_error(dwconv1d_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return status;
}

const char *dwconv1d_last_error(void) { return last_error; }

const char *dwconv1d_status_string(dwconv1d_status s) {
  switch (s) {
  case DWCONV1D_OK: return "ok";
  case DWCONV1D_ERROR_INVALID_ARGUMENT: return "invalid argument";
  case DWCONV1D_ERROR_UNSUPPORTED_ISA: return "unsupported instruction set";
  case DWCONV1D_ERROR_OUT_OF_MEMORY: return "out of memory";
  }
  return "unknown status";
}

const char *dwconv1d_version(void) { return DWCONV1D_VERSION_STRING; }
