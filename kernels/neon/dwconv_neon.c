/* The neon path: the shared algorithm over the AArch64 AdvSIMD vector layer. */
#include "vec_neon.h"

#include "common/dwconv_tpl.h"
