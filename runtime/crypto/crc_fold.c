/*
 * Carry-less multiply folding (see crc.h), for PCLMULQDQ on x86-64 and PMULL
 * on ARMv8. Each is compiled with a function-level target attribute, so the
 * default build flags stay and the CPU is asked at run time.
 */
#include "crypto/crc.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

bool awsc_clmul_available(void)
{
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.2");
}

#define FOLD(x, k) _mm_xor_si128(_mm_clmulepi64_si128((x), (k), 0x00), _mm_clmulepi64_si128((x), (k), 0x11))
#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))

__attribute__((target("pclmul,sse4.2"))) void awsc_clmul_fold(const awsc_fold_constants *k, uint64_t crc,
                                                                const uint8_t *p, size_t len, uint8_t out[16])
{
    const __m128i k1024 = _mm_set_epi64x((long long)k->by_1024[1], (long long)k->by_1024[0]);
    const __m128i k128 = _mm_set_epi64x((long long)k->by_128[1], (long long)k->by_128[0]);
    __m128i x0 = _mm_xor_si128(LOAD(p), _mm_cvtsi64_si128((long long)crc)), x1 = LOAD(p + 16), x2 = LOAD(p + 32),
            x3 = LOAD(p + 48), x4 = LOAD(p + 64), x5 = LOAD(p + 80), x6 = LOAD(p + 96), x7 = LOAD(p + 112);
    for (p += 128, len -= 128; len >= 128; p += 128, len -= 128) {
        x0 = _mm_xor_si128(FOLD(x0, k1024), LOAD(p));
        x1 = _mm_xor_si128(FOLD(x1, k1024), LOAD(p + 16));
        x2 = _mm_xor_si128(FOLD(x2, k1024), LOAD(p + 32));
        x3 = _mm_xor_si128(FOLD(x3, k1024), LOAD(p + 48));
        x4 = _mm_xor_si128(FOLD(x4, k1024), LOAD(p + 64));
        x5 = _mm_xor_si128(FOLD(x5, k1024), LOAD(p + 80));
        x6 = _mm_xor_si128(FOLD(x6, k1024), LOAD(p + 96));
        x7 = _mm_xor_si128(FOLD(x7, k1024), LOAD(p + 112));
    }
    __m128i acc = _mm_xor_si128(FOLD(x0, k128), x1);
    acc = _mm_xor_si128(FOLD(acc, k128), x2);
    acc = _mm_xor_si128(FOLD(acc, k128), x3);
    acc = _mm_xor_si128(FOLD(acc, k128), x4);
    acc = _mm_xor_si128(FOLD(acc, k128), x5);
    acc = _mm_xor_si128(FOLD(acc, k128), x6);
    acc = _mm_xor_si128(FOLD(acc, k128), x7);
    for (; len >= 16; p += 16, len -= 16)
        acc = _mm_xor_si128(FOLD(acc, k128), LOAD(p));
    _mm_storeu_si128((__m128i *)(void *)out, acc);
}

#elif defined(__aarch64__) && defined(__GNUC__)
#include <arm_neon.h>
#include <asm/hwcap.h>
#include <sys/auxv.h>

bool awsc_clmul_available(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_PMULL) != 0;
}

__attribute__((target("+crypto"))) static inline uint64x2_t fold_pmull(uint64x2_t x, poly64x2_t k)
{
    poly128_t lo = vmull_p64((poly64_t)vgetq_lane_u64(x, 0), vgetq_lane_p64(k, 0));
    poly128_t hi = vmull_high_p64(vreinterpretq_p64_u64(x), k);
    return veorq_u64(vreinterpretq_u64_p128(lo), vreinterpretq_u64_p128(hi));
}

#define FOLD(x, k) fold_pmull((x), (k))
#define LOAD(p) vld1q_u64((const uint64_t *)(const void *)(p))

__attribute__((target("+crypto"))) void awsc_clmul_fold(const awsc_fold_constants *k, uint64_t crc,
                                                          const uint8_t *p, size_t len, uint8_t out[16])
{
    const poly64x2_t k1024 = vreinterpretq_p64_u64(vld1q_u64(k->by_1024));
    const poly64x2_t k128 = vreinterpretq_p64_u64(vld1q_u64(k->by_128));
    uint64x2_t x0 = veorq_u64(LOAD(p), vsetq_lane_u64(crc, vdupq_n_u64(0), 0)), x1 = LOAD(p + 16),
               x2 = LOAD(p + 32), x3 = LOAD(p + 48), x4 = LOAD(p + 64), x5 = LOAD(p + 80), x6 = LOAD(p + 96),
               x7 = LOAD(p + 112);
    for (p += 128, len -= 128; len >= 128; p += 128, len -= 128) {
        x0 = veorq_u64(FOLD(x0, k1024), LOAD(p));
        x1 = veorq_u64(FOLD(x1, k1024), LOAD(p + 16));
        x2 = veorq_u64(FOLD(x2, k1024), LOAD(p + 32));
        x3 = veorq_u64(FOLD(x3, k1024), LOAD(p + 48));
        x4 = veorq_u64(FOLD(x4, k1024), LOAD(p + 64));
        x5 = veorq_u64(FOLD(x5, k1024), LOAD(p + 80));
        x6 = veorq_u64(FOLD(x6, k1024), LOAD(p + 96));
        x7 = veorq_u64(FOLD(x7, k1024), LOAD(p + 112));
    }
    uint64x2_t acc = veorq_u64(FOLD(x0, k128), x1);
    acc = veorq_u64(FOLD(acc, k128), x2);
    acc = veorq_u64(FOLD(acc, k128), x3);
    acc = veorq_u64(FOLD(acc, k128), x4);
    acc = veorq_u64(FOLD(acc, k128), x5);
    acc = veorq_u64(FOLD(acc, k128), x6);
    acc = veorq_u64(FOLD(acc, k128), x7);
    for (; len >= 16; p += 16, len -= 16)
        acc = veorq_u64(FOLD(acc, k128), LOAD(p));
    vst1q_u64((uint64_t *)(void *)out, acc);
}

#else

bool awsc_clmul_available(void)
{
    return false;
}

void awsc_clmul_fold(const awsc_fold_constants *k, uint64_t crc, const uint8_t *p, size_t len, uint8_t out[16])
{
    (void)k, (void)crc, (void)p, (void)len, (void)out;
}

#endif
