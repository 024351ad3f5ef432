/*
 * CRC-32 (zlib's, reflected polynomial 0xEDB88320) of event-stream messages.
 * zlib's table-driven crc32 runs at about 1.6 GB/s here: over a stream of
 * 1 KiB events it was most of what decoding cost. A CPU with a carry-less
 * multiply (PCLMULQDQ, ARMv8 PMULL) folds the message 128 bytes at a time
 * down to 16 bytes instead, tail included; x86 reduces those to the CRC
 * with two more multiplies (Barrett), ARM with zlib's table. Anything else
 * runs zlib throughout.
 *
 * Folding (as libawsc-checksums does for CRC64NVME, whose fold this library
 * may not call): the buffer is read as 128-bit lanes L*x^64 + H (L its first
 * 8 bytes); moving a lane D bits on multiplies it by x^D, and
 * L*(x^(D+64) mod P) + H*(x^D mod P) is the same modulo P and fits in 128
 * bits. The constants are those remainders bit-reflected to 64 bits and
 * divided by x (the product of two reflected values comes out one bit
 * short): reflect64(x^(D+63) mod P), reflect64(x^(D-1) mod P), for D = 1024
 * (eight lanes at once), 512, 256 and 128 (one).
 */
#include "serde/eventstream/crc32.h"

#include <string.h>
#include <zlib.h>

#define FOLD_MIN 128 /* fold_lanes' eight lanes; shorter spans run zlib */

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

/* AVX-512 with VPCLMULQDQ (Ice Lake, Zen 4 and later): fold_lanes_wide. */
#define WIDE_TARGET __attribute__((target("pclmul,sse4.2,avx2,avx512f,vpclmulqdq")))
static int wide_available(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq");
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
/*
 * The CRC register from 0 of 16 bytes: folded to 64 bits, then 32, then a
 * Barrett reduction (Intel's "Fast CRC Computation Using PCLMULQDQ", with the
 * constants of Chromium's zlib crc32_simd.c for this polynomial) instead of
 * sixteen dependent table lookups.
 */
FOLD_TARGET static inline uint32_t reduce(lanes x)
{
    const lanes k4 = _mm_set_epi64x(0x00ccaa009e, 0), k5 = _mm_set_epi64x(0, 0x0163cd6124);
    const lanes poly = _mm_set_epi64x(0x01f7011641, 0x01db710641), low32 = _mm_setr_epi32(~0, 0, ~0, 0);
    x = _mm_xor_si128(_mm_srli_si128(x, 8), _mm_clmulepi64_si128(x, k4, 0x10));
    x = _mm_xor_si128(_mm_srli_si128(x, 4), _mm_clmulepi64_si128(_mm_and_si128(x, low32), k5, 0x00));
    lanes t = _mm_clmulepi64_si128(_mm_and_si128(x, low32), poly, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), poly, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(x, t), 1);
}
#define REDUCE_BY_CLMUL
/* 8 bytes from register `reg` as a lane behind 8 zero bytes: a prelude's CRC in one reduction. */
FOLD_TARGET static inline lanes lane_of_8(uint32_t reg, const uint8_t *p)
{
    lanes x = _mm_loadl_epi64((const __m128i *)(const void *)p);
    return _mm_slli_si128(_mm_xor_si128(x, _mm_cvtsi32_si128((int)reg)), 8);
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

static int wide_available(void)
{
    return 0;
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
/* The CRC register from 0 of 16 bytes (zlib's table: the x86 Barrett reduction is not ported). */
FOLD_TARGET static inline uint32_t reduce(lanes x)
{
    uint8_t folded[16];
    store(folded, x);
    return ~crc32_short(0xffffffffu, folded, sizeof folded);
}
#endif

#ifdef FOLD_TARGET
static const uint64_t by_1024[2] = {0x7d657a1000000000u, 0x7406fa9500000000u};
static const uint64_t by_512[2] = {0x653d982200000000u, 0xcad38e8f00000000u};
static const uint64_t by_256[2] = {0x9570d49500000000u, 0x01b5fd1d00000000u};
static const uint64_t by_128[2] = {0x65673b4600000000u, 0x9ba54c6f00000000u};

/*
 * `len` (at least 128) bytes into 16 whose CRC register from 0 is theirs from
 * `reg`. A tail of r < 16 bytes after the whole lanes joins the last lane:
 * zeros(16-r) | lane | tail is 32 bytes of the same CRC from 0 (zeros leave a
 * zero register alone), folded once more into 16. Byte-wise table lookups
 * for the tail cost a dependent load a byte, more than the whole fold's
 * latency for 1 KiB messages.
 */
FOLD_TARGET static lanes fold_down(lanes x[8], const uint8_t *p, size_t len);

/* `acc` and the last `len` (< 16) bytes at `p` after it, into one lane. */
FOLD_TARGET static lanes fold_tail(lanes acc, const uint8_t *p, size_t len)
{
    if (len > 0) {
        uint8_t two[32] = {0};
        store(two + 16 - len, acc);
        memcpy(two + 32 - len, p, len);
        acc = xor_lanes(fold(load(two), constants(by_128)), load(two + 16));
    }
    return acc;
}

FOLD_TARGET static lanes fold_lanes(uint32_t reg, const uint8_t *p, size_t len)
{
    const lanes k1024 = constants(by_1024);
    /* Eight lanes in flight hide the multiplier's latency. */
    lanes x[8];
    for (int i = 0; i < 8; i++)
        x[i] = load(p + 16 * i);
    x[0] = xor_lanes(x[0], low_lane(reg));
    for (p += 128, len -= 128; len >= 128; p += 128, len -= 128)
        for (int i = 0; i < 8; i++)
            x[i] = xor_lanes(fold(x[i], k1024), load(p + 16 * i));
    return fold_down(x, p, len);
}

#ifdef WIDE_TARGET
/* by[t] folds by 128 * (15 - t) bits: four lanes' constants for distances d, d-1, d-2, d-3 lie in a row. */
static const uint64_t by_distance[16][2] = {
    {0x27d0443c00000000u, 0xc4d49c3900000000u}, /* 1920 */
    {0x8f739cb400000000u, 0xd63a56a600000000u}, /* 1792 */
    {0x733ffa0b00000000u, 0x523d48c400000000u}, /* 1664 */
    {0x67f7947600000000u, 0xc56d949600000000u}, /* 1536 */
    {0xdeb15a1f00000000u, 0xf09a54ac00000000u}, /* 1408 */
    {0x199560db00000000u, 0x1d5dce4400000000u}, /* 1280 */
    {0x72d2649a00000000u, 0x6dd804d900000000u}, /* 1152 */
    {0x7d657a1000000000u, 0x7406fa9500000000u}, /* 1024 */
    {0x019866e800000000u, 0xc64ac0b800000000u}, /* 896 */
    {0x759fc69d00000000u, 0x101a233100000000u}, /* 768 */
    {0x5a03a0cf00000000u, 0x8e42b13e00000000u}, /* 640 */
    {0x653d982200000000u, 0xcad38e8f00000000u}, /* 512 */
    {0x69ccfc0d00000000u, 0x2a28386200000000u}, /* 384 */
    {0x9570d49500000000u, 0x01b5fd1d00000000u}, /* 256 */
    {0x65673b4600000000u, 0x9ba54c6f00000000u}, /* 128 */
    {0, 0},
};

/*
 * fold_lanes with its eight lanes in two 512-bit registers: VPCLMULQDQ
 * multiplies four lanes an instruction for about what PCLMULQDQ takes for
 * one, and the one-lane multiplies were what bounded the fold (1 KiB in
 * about 35 ns rather than 70 on the AMD EPYC of bench/run). The loop leaves
 * 0 to 8 whole lanes after the eight; every lane then folds straight onto
 * the last one by its own distance, all multiplies at once.
 */
WIDE_TARGET static lanes fold_lanes_wide(uint32_t reg, const uint8_t *p, size_t len)
{
    const __m512i k1024 = _mm512_broadcast_i32x4(constants(by_1024));
    __m512i a = _mm512_loadu_si512((const void *)p), b = _mm512_loadu_si512((const void *)(p + 64));
    a = _mm512_xor_si512(a, _mm512_zextsi128_si512(low_lane(reg)));
    for (p += 128, len -= 128; len >= 128 + 16; p += 128, len -= 128) {
        /* 0x96: a ^ b ^ c */
        a = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(a, k1024, 0x00), _mm512_clmulepi64_epi128(a, k1024, 0x11),
                                      _mm512_loadu_si512((const void *)p), 0x96);
        b = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(b, k1024, 0x00), _mm512_clmulepi64_epi128(b, k1024, 0x11),
                                      _mm512_loadu_si512((const void *)(p + 64)), 0x96);
    }
    size_t m = len / 16, n = 8 + m; /* m whole lanes left (0 to 8), n lanes in all */
    const __m512i ka = _mm512_loadu_si512((const void *)by_distance[16 - n]);
    const __m512i kb = _mm512_loadu_si512((const void *)by_distance[20 - n]);
    __m512i z = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(a, ka, 0x00), _mm512_clmulepi64_epi128(a, ka, 0x11),
                                          _mm512_clmulepi64_epi128(b, kb, 0x00), 0x96);
    z = _mm512_xor_si512(z, _mm512_clmulepi64_epi128(b, kb, 0x11));
    __m256i y = _mm256_xor_si256(_mm512_castsi512_si256(z), _mm512_extracti64x4_epi64(z, 1));
    lanes acc = xor_lanes(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
    for (size_t t = 0; t + 1 < m; t++)
        acc = xor_lanes(acc, fold(load(p + 16 * t), constants(by_distance[16 - m + t])));
    acc = xor_lanes(acc, load(p + 16 * m - 16)); /* the last lane (m may be 0: the eight's last) */
    p += 16 * m;
    len -= 16 * m;
    return fold_tail(acc, p, len);
}
#endif

/* fold_lanes' eight lanes and the `len` (< 128) bytes at `p` after them, into one. */
FOLD_TARGET static lanes fold_down(lanes x[8], const uint8_t *p, size_t len)
{
    /*
     * Eight lanes to four, two, one, taking in what is left at each width on
     * the way: a chain of a few multiplies at the end of each message instead
     * of one per lane.
     */
    static const uint64_t *const by_half[] = {by_512, by_256, by_128}; /* folds 4, 2, 1 lanes' width */
    for (size_t w = 4, j = 0; w >= 1; w /= 2, j++) {
        const lanes k = constants(by_half[j]);
        for (size_t i = 0; i < w; i++)
            x[i] = xor_lanes(fold(x[i], k), x[i + w]);
        if (len >= 16 * w) {
            for (size_t i = 0; i < w; i++)
                x[i] = xor_lanes(fold(x[i], k), load(p + 16 * i));
            p += 16 * w;
            len -= 16 * w;
        }
    }
    return fold_tail(x[0], p, len);
}

/*
 * 2 when this CPU folds four lanes an instruction, 1 when one, -1 when it
 * does not fold, 0 before the first look (a benign race: all agree).
 */
static volatile int folds;

uint32_t awsc_es_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
    int how = folds;
    if (how == 0)
        folds = how = clmul_available() ? 1 + wide_available() : -1;
    if (how < 0)
        return crc32_zlib(crc, p, len);
    /* zlib's value is the register inverted: the fold takes and yields registers. */
#ifdef REDUCE_BY_CLMUL
    if (len == 8)
        return ~reduce(lane_of_8(~crc, p));
#endif
    if (len < FOLD_MIN)
        return crc32_zlib(crc, p, len);
#ifdef WIDE_TARGET
    if (how == 2)
        return ~reduce(fold_lanes_wide(~crc, p, len));
#endif
    return ~reduce(fold_lanes(~crc, p, len));
}

int awsc_es_crc32_fold_mode(int how)
{
    int best = clmul_available() ? 1 + wide_available() : -1;
    folds = how == 0 || how > best ? best : how;
    return folds;
}
#else
uint32_t awsc_es_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
    return crc32_zlib(crc, p, len);
}

int awsc_es_crc32_fold_mode(int how)
{
    (void)how;
    return -1;
}
#endif

uint32_t awsc_es_crc32_zlib(uint32_t crc, const uint8_t *p, size_t len)
{
    return crc32_zlib(crc, p, len);
}
