// The arithmetic mirrors Sources/Tensor/FastMath.swift line for line (see the header): Cephes'
// expf scheme and Eigen's rational erf with the same constants, the same clamps written as the
// same compares (so NaN takes them the same way), and contraction off so no version fuses a
// multiply into an add. FastMathKernelTests compares every version with the Swift functions
// bit for bit.
#include "ckernels.h"

#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

#define INLINE static inline __attribute__((always_inline))

INLINE float bits_to_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
INLINE int32_t float_to_bits(float f) { int32_t i; memcpy(&i, &f, 4); return i; }

INLINE float fm_exp(float v) {
    float x = v <= 88.0f ? v : 88.0f;
    x = x >= -87.0f ? x : -87.0f;
    float t = x * 1.44269504088896341f + 12582912.0f;
    float fx = t - 12582912.0f;
    float r = x - fx * 0.693359375f + fx * 2.12194440e-4f;
    float z = r * r;
    float y = 1.9875691500e-4f;
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * z + r + 1.0f;
    int32_t n = float_to_bits(t) - 0x4B400000;
    float e = y * bits_to_float((uint32_t)(n + 127) << 23);
    return v != v ? v : e;
}

INLINE float fm_erf(float v) {
    float x = v > 4.0f ? 4.0f : v;
    x = x < -4.0f ? -4.0f : x;
    float x2 = x * x;
    float num = x2 * -2.72614225801306e-10f + 2.77068142495902e-08f;
    num = x2 * num + -2.10102402082508e-06f;
    num = x2 * num + -5.69250639462346e-05f;
    num = x2 * num + -7.34990630326855e-04f;
    num = x2 * num + -2.95459980854025e-03f;
    num = x2 * num + -1.60960333262415e-02f;
    num = x * num;
    float den = x2 * -1.45660718464996e-05f + -2.13374055278905e-04f;
    den = x2 * den + -1.68282697438203e-03f;
    den = x2 * den + -7.37332916720468e-03f;
    den = x2 * den + -1.42647390514189e-02f;
    return num / den;
}

INLINE void gelu_loop(float *p, ptrdiff_t n) {
    for (ptrdiff_t j = 0; j < n; j++) {
        float x = p[j];
        p[j] = 0.5f * x * (1.0f + fm_erf(x * 0.70710678118654752f));
    }
}

INLINE void quick_gelu_loop(float *p, ptrdiff_t n) {
    for (ptrdiff_t j = 0; j < n; j++) {
        float x = p[j];
        p[j] = x / (1.0f + fm_exp(-1.702f * x));
    }
}

INLINE void gelu_tanh_loop(float *p, ptrdiff_t n) {
    for (ptrdiff_t j = 0; j < n; j++) {
        float x = p[j];
        float t = 1.0f - 2.0f / (1.0f + fm_exp(2.0f * (0.79788456080286536f * (x + 0.044715f * x * x * x))));
        p[j] = 0.5f * x * (1.0f + t);
    }
}

INLINE void exp_shifted_loop(float *p, ptrdiff_t n, float shift) {
    for (ptrdiff_t j = 0; j < n; j++) {
        float v = p[j] - shift;
        float e = fm_exp(v);
        p[j] = v < -87.0f ? 0.0f : e;
    }
}

// Each loop three times: the inlined body is vectorised for the caller's instruction set.
#define VERSIONS(NAME, PARAMS, ARGS)                                                              \
    __attribute__((target("avx512f"))) static void NAME##_avx512 PARAMS { NAME##_loop ARGS; }   \
    __attribute__((target("avx2"))) static void NAME##_avx2 PARAMS { NAME##_loop ARGS; }        \
    static void NAME##_baseline PARAMS { NAME##_loop ARGS; }

VERSIONS(gelu, (float *p, ptrdiff_t n), (p, n))
VERSIONS(quick_gelu, (float *p, ptrdiff_t n), (p, n))
VERSIONS(gelu_tanh, (float *p, ptrdiff_t n), (p, n))
VERSIONS(exp_shifted, (float *p, ptrdiff_t n, float shift), (p, n, shift))

int palm_kernels_isa(void) {
    // Detected once; concurrent first calls compute the same value.
    static int isa = -1;
    if (isa < 0) {
        __builtin_cpu_init();
        isa = __builtin_cpu_supports("avx512f") ? PALM_ISA_AVX512 : __builtin_cpu_supports("avx2") ? PALM_ISA_AVX2 : PALM_ISA_BASELINE;
    }
    return isa;
}

#define DISPATCH(NAME, ARGS)                                  \
    switch (isa) {                                            \
    case PALM_ISA_AVX512: NAME##_avx512 ARGS; break;          \
    case PALM_ISA_AVX2: NAME##_avx2 ARGS; break;              \
    default: NAME##_baseline ARGS; break;                     \
    }

void palm_gelu_f32_isa(int isa, float *p, ptrdiff_t n) { DISPATCH(gelu, (p, n)) }
void palm_quick_gelu_f32_isa(int isa, float *p, ptrdiff_t n) { DISPATCH(quick_gelu, (p, n)) }
void palm_gelu_tanh_f32_isa(int isa, float *p, ptrdiff_t n) { DISPATCH(gelu_tanh, (p, n)) }
void palm_exp_shifted_f32_isa(int isa, float *p, ptrdiff_t n, float shift) { DISPATCH(exp_shifted, (p, n, shift)) }

void palm_gelu_f32(float *p, ptrdiff_t n) { palm_gelu_f32_isa(palm_kernels_isa(), p, n); }
void palm_quick_gelu_f32(float *p, ptrdiff_t n) { palm_quick_gelu_f32_isa(palm_kernels_isa(), p, n); }
void palm_gelu_tanh_f32(float *p, ptrdiff_t n) { palm_gelu_tanh_f32_isa(palm_kernels_isa(), p, n); }
void palm_exp_shifted_f32(float *p, ptrdiff_t n, float shift) { palm_exp_shifted_f32_isa(palm_kernels_isa(), p, n, shift); }
