/* The avx2 path: the shared algorithm over the avx2 vector layer. */
#include "vec_avx2.h"

#include "common/dwconv_tpl.h"
