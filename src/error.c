/* Status strings, the per-thread last-error message and the version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

const char *dwconv1d_quote(const char *text, char *buf, size_t size) {
  size_t used = 0;
  for (; *text != '\0'; text++) {
    const unsigned char c = (unsigned char)*text;
    const size_t need = c >= 0x20 && c < 0x7f ? 1 : 4;
    if (used + need + 4 > size) { /* room for "..." and the terminator */
      memcpy(buf + used, "...", 3);
      used += 3;
      break;
    }
    if (need == 1)
      buf[used++] = (char)c;
    else
      used += (size_t)snprintf(buf + used, size - used, "\\x%02x", c);
  }
  buf[used] = '\0';
  return buf;
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
