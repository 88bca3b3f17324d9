// Elementwise float kernels for the frozen inference path, each compiled three times (AVX-512,
// AVX2, baseline x86-64) and run in the widest version the CPU has. Each computes exactly the
// arithmetic of the Swift function it stands for in `FastMath` (same operations, same order, no
// fused multiply-add), so every version gives the same bits: wider lanes only do more elements
// per instruction.
#ifndef PALM_CKERNELS_H
#define PALM_CKERNELS_H

#include <stddef.h>

/// Instruction sets, narrowest first.
enum { PALM_ISA_BASELINE = 0, PALM_ISA_AVX2 = 1, PALM_ISA_AVX512 = 2 };

/// The widest instruction set this CPU offers the kernels.
int palm_kernels_isa(void);

/// `p[j] = FastMath.gelu(p[j])` (erf form) for `n` floats.
void palm_gelu_f32(float *p, ptrdiff_t n);
/// `p[j] = FastMath.quickGelu(p[j])` for `n` floats.
void palm_quick_gelu_f32(float *p, ptrdiff_t n);
/// `p[j] = FastMath.geluTanh(p[j])` for `n` floats.
void palm_gelu_tanh_f32(float *p, ptrdiff_t n);
/// `p[j] = FastMath.expNonPositive(p[j] - shift)` for `n` floats: the softmax exponent.
void palm_exp_shifted_f32(float *p, ptrdiff_t n, float shift);

/// The same kernels in the version for `isa` (at most `palm_kernels_isa()`): tests compare
/// every version with the Swift functions.
void palm_gelu_f32_isa(int isa, float *p, ptrdiff_t n);
void palm_quick_gelu_f32_isa(int isa, float *p, ptrdiff_t n);
void palm_gelu_tanh_f32_isa(int isa, float *p, ptrdiff_t n);
void palm_exp_shifted_f32_isa(int isa, float *p, ptrdiff_t n, float shift);

#endif
