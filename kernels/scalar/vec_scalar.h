/* The scalar "vector" layer: one lane, SLEEF's scalar u10 functions. */
#ifndef DWCONV1D_VEC_SCALAR_H
#define DWCONV1D_VEC_SCALAR_H

#include <math.h>
#include <sleef.h>
#include <stddef.h>
#include <string.h>

#define VLEN 1
#define ISA_SUFFIX scalar
#define ISA_ENUM DWCONV1D_ISA_SCALAR
#define UNROLL_T 4
#define VREGS 0 /* no vector registers: the plain loop */

typedef float vfloat;
typedef int vmask;

static inline vfloat vzero(void) { return 0.0f; }
static inline vfloat vkeep(vfloat v) { return v; } /* one lane: nothing to keep */
static inline vfloat vset1(float x) { return x; }
static inline vfloat vload(const float *p) { return *p; }
static inline void vstore(float *p, vfloat v) { *p = v; }
static inline vfloat vload_tail(const float *p, size_t n) { return n ? *p : 0.0f; }
static inline void vstore_tail(float *p, vfloat v, size_t n) { if (n) *p = v; }

static inline vfloat vadd(vfloat a, vfloat b) { return a + b; }
static inline vfloat vsub(vfloat a, vfloat b) { return a - b; }
static inline vfloat vmul(vfloat a, vfloat b) { return a * b; }
static inline vfloat vdiv(vfloat a, vfloat b) { return a / b; }
/* a*b + c, rounded twice as on SSE4.1: no libm fmaf on a CPU without FMA. */
static inline vfloat vfmadd(vfloat a, vfloat b, vfloat c) { return a * b + c; }
/* x86 max/min semantics: the second operand is returned when either is NaN. */
static inline vfloat vmax(vfloat a, vfloat b) { return a > b ? a : b; }
static inline vfloat vmin(vfloat a, vfloat b) { return a < b ? a : b; }
static inline vfloat vabs(vfloat a) { return fabsf(a); }
static inline vfloat vsqrt(vfloat a) { return sqrtf(a); }

static inline vmask vgt(vfloat a, vfloat b) { return a > b; }
static inline vmask vge(vfloat a, vfloat b) { return a >= b; }
static inline vmask vlt(vfloat a, vfloat b) { return a < b; }
static inline vmask vle(vfloat a, vfloat b) { return a <= b; }
static inline vfloat vselect(vmask m, vfloat a, vfloat b) { return m ? a : b; }

static inline vfloat vexp(vfloat a) { return Sleef_expf_u10(a); }
static inline vfloat vexpm1(vfloat a) { return Sleef_expm1f_u10(a); }
static inline vfloat vlog(vfloat a) { return Sleef_logf_u10(a); }
static inline vfloat vlog1p(vfloat a) { return Sleef_log1pf_u10(a); }
static inline vfloat vtanh(vfloat a) { return Sleef_tanhf_u10(a); }
static inline vfloat verf(vfloat a) { return Sleef_erff_u10(a); }

static inline float vreduce_add(vfloat a) { return a; }
static inline float vreduce_max(vfloat a) { return a; }

/* A 1 x 1 block is its own transpose. */
static inline void vtranspose(vfloat rows[VLEN]) { (void)rows; }

/* Lane l of vpermute(table, vindex_of(src)) is lane src[l] of table: one
 * lane here, always lane 0. */
typedef int vindex;
static inline vindex vindex_of(const int src[1]) { (void)src; return 0; }
static inline vfloat vpermute(vfloat table, vindex idx) { (void)idx; return table; }

/* Lane 0 of a then of b, as far as one lane goes: a. */
static inline vfloat veven(vfloat a, vfloat b) { (void)b; return a; }

#endif
