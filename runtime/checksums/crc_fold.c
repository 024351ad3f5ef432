/*
 * Carry-less multiply folding (see crc.h), for PCLMULQDQ on x86-64 and PMULL
 * on ARMv8: one body over a few vector helpers per architecture, compiled
 * with a function-level target attribute so that the default build flags stay
 * and the CPU is asked at run time.
 */
#include "checksums/crc.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FOLD_TARGET __attribute__((target("pclmul,sse4.2")))

bool awsc_clmul_available(void)
{
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.2");
}

typedef __m128i lanes;
FOLD_TARGET static inline lanes load(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}
FOLD_TARGET static inline lanes constants(const uint64_t k[2])
{
    return _mm_set_epi64x((long long)k[1], (long long)k[0]);
}
FOLD_TARGET static inline lanes low_lane(uint64_t v)
{
    return _mm_cvtsi64_si128((long long)v);
}
FOLD_TARGET static inline lanes xor_lanes(lanes a, lanes b)
{
    return _mm_xor_si128(a, b);
}
/* x.lo * k.lo + x.hi * k.hi, carry-less */
FOLD_TARGET static inline lanes fold(lanes x, lanes k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}
FOLD_TARGET static inline void store(uint8_t *out, lanes x)
{
    _mm_storeu_si128((__m128i *)(void *)out, x);
}

#elif defined(__aarch64__) && defined(__GNUC__)
#include <arm_neon.h>
#include <asm/hwcap.h>
#include <sys/auxv.h>
#define FOLD_TARGET __attribute__((target("+crypto")))

bool awsc_clmul_available(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_PMULL) != 0;
}

typedef uint64x2_t lanes;
FOLD_TARGET static inline lanes load(const uint8_t *p)
{
    return vld1q_u64((const uint64_t *)(const void *)p);
}
FOLD_TARGET static inline lanes constants(const uint64_t k[2])
{
    return vld1q_u64(k);
}
FOLD_TARGET static inline lanes low_lane(uint64_t v)
{
    return vsetq_lane_u64(v, vdupq_n_u64(0), 0);
}
FOLD_TARGET static inline lanes xor_lanes(lanes a, lanes b)
{
    return veorq_u64(a, b);
}
FOLD_TARGET static inline lanes fold(lanes x, lanes k)
{
    poly128_t lo = vmull_p64((poly64_t)vgetq_lane_u64(x, 0), (poly64_t)vgetq_lane_u64(k, 0));
    poly128_t hi = vmull_high_p64(vreinterpretq_p64_u64(x), vreinterpretq_p64_u64(k));
    return veorq_u64(vreinterpretq_u64_p128(lo), vreinterpretq_u64_p128(hi));
}
FOLD_TARGET static inline void store(uint8_t *out, lanes x)
{
    vst1q_u64((uint64_t *)(void *)out, x);
}

#endif

#ifdef FOLD_TARGET
FOLD_TARGET void awsc_clmul_fold(const awsc_fold_constants *k, uint64_t crc, const uint8_t *p, size_t len,
                                 uint8_t out[16])
{
    const lanes k1024 = constants(k->by_1024), k128 = constants(k->by_128);
    /* Eight lanes in flight hide the multiplier's latency. */
    lanes x[8];
    for (int i = 0; i < 8; i++)
        x[i] = load(p + 16 * i);
    x[0] = xor_lanes(x[0], low_lane(crc));
    for (p += 128, len -= 128; len >= 128; p += 128, len -= 128)
        for (int i = 0; i < 8; i++)
            x[i] = xor_lanes(fold(x[i], k1024), load(p + 16 * i));
    lanes acc = x[0];
    for (int i = 1; i < 8; i++)
        acc = xor_lanes(fold(acc, k128), x[i]);
    for (; len >= 16; p += 16, len -= 16)
        acc = xor_lanes(fold(acc, k128), load(p));
    store(out, acc);
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
