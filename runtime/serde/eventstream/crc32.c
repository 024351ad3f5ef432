/*
 * CRC-32 (zlib's, reflected polynomial 0xEDB88320) of event-stream messages.
 * zlib's table-driven crc32 runs at about 1.6 GB/s here: over a stream of
 * 1 KiB events it was most of what decoding cost. A CPU with a carry-less
 * multiply (PCLMULQDQ, ARMv8 PMULL) folds the message 128 bytes at a time
 * down to 16 bytes instead, and zlib finishes those and the tail; anything
 * else runs zlib throughout.
 *
 * Folding (as libawsc-checksums does for CRC64NVME, whose fold this library
 * may not call): the buffer is read as 128-bit lanes L*x^64 + H (L its first
 * 8 bytes); moving a lane D bits on multiplies it by x^D, and
 * L*(x^(D+64) mod P) + H*(x^D mod P) is the same modulo P and fits in 128
 * bits. The constants are those remainders bit-reflected to 64 bits and
 * divided by x (the product of two reflected values comes out one bit
 * short): reflect64(x^(D+63) mod P), reflect64(x^(D-1) mod P), for D = 1024
 * (eight lanes at once) and 128 (one).
 */
#include "serde/eventstream/crc32.h"

#include <zlib.h>

#define FOLD_MIN 256 /* below it, setting up the lanes costs more than it saves */

/* A short span a byte at a time over zlib's own table: zlib's crc32 costs more to set up than that. */
static uint32_t crc32_short(uint32_t crc, const uint8_t *p, size_t n)
{
    const z_crc_t *table = get_crc_table();
    uint32_t reg = ~crc;
    while (n--)
        reg = (uint32_t)table[(reg ^ *p++) & 0xff] ^ reg >> 8;
    return ~reg;
}

static uint32_t crc32_zlib(uint32_t crc, const uint8_t *p, size_t n)
{
    if (n < 64)
        return crc32_short(crc, p, n);
    /* zlib takes uInt lengths: feed a long span in pieces. */
    while (n > 0) {
        uInt step = n > 0x40000000u ? 0x40000000u : (uInt)n;
        crc = (uint32_t)crc32(crc, p, step);
        p += step;
        n -= step;
    }
    return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FOLD_TARGET __attribute__((target("pclmul,sse4.2")))

static bool clmul_available(void)
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
FOLD_TARGET static inline lanes low_lane(uint32_t v)
{
    return _mm_cvtsi32_si128((int)v);
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

static bool clmul_available(void)
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
FOLD_TARGET static inline lanes low_lane(uint32_t v)
{
    return vsetq_lane_u64((uint64_t)v, vdupq_n_u64(0), 0);
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
static const uint64_t by_1024[2] = {0x7d657a1000000000u, 0x7406fa9500000000u};
static const uint64_t by_128[2] = {0x65673b4600000000u, 0x9ba54c6f00000000u};

/* `len` (a multiple of 16, at least 128) bytes into 16 whose CRC register from 0 is theirs from `reg`. */
FOLD_TARGET static void fold_lanes(uint32_t reg, const uint8_t *p, size_t len, uint8_t out[16])
{
    const lanes k1024 = constants(by_1024), k128 = constants(by_128);
    /* Eight lanes in flight hide the multiplier's latency. */
    lanes x[8];
    for (int i = 0; i < 8; i++)
        x[i] = load(p + 16 * i);
    x[0] = xor_lanes(x[0], low_lane(reg));
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

/* 1 when this CPU folds, -1 when it does not, 0 before the first look (a benign race: all agree). */
static volatile int folds;

uint32_t awsc_es_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
    if (len < FOLD_MIN)
        return crc32_zlib(crc, p, len);
    if (folds == 0)
        folds = clmul_available() ? 1 : -1;
    if (folds < 0)
        return crc32_zlib(crc, p, len);
    /* zlib's value is the register inverted: the fold takes and yields registers. */
    uint8_t folded[16];
    size_t whole = len & ~(size_t)15;
    fold_lanes(~crc, p, whole, folded);
    return crc32_zlib(crc32_zlib(0xffffffffu, folded, sizeof folded), p + whole, len - whole);
}
#else
uint32_t awsc_es_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
    return crc32_zlib(crc, p, len);
}
#endif

uint32_t awsc_es_crc32_zlib(uint32_t crc, const uint8_t *p, size_t len)
{
    return crc32_zlib(crc, p, len);
}
