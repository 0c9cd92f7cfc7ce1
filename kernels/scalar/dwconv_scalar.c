/* The scalar path: the shared algorithm over the scalar vector layer. */
#include "vec_scalar.h"

#include "common/dwconv_tpl.h"
