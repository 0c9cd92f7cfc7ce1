/* The avx512 path: the shared algorithm over the avx512 vector layer. */
#include "vec_avx512.h"

#include "common/dwconv_tpl.h"
