/* The sse4 path: the shared algorithm over the sse4 vector layer. */
#include "vec_sse4.h"

#include "common/dwconv_tpl.h"
