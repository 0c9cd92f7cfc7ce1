/* The shared algorithm over the emulated 16-lane layer, in the avx512 slot
 * of this test build (see vec_emu512.h). */
#include "vec_emu512.h"

#include "common/dwconv_tpl.h"
