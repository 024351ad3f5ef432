/* The low-level SHA256_Transform is deprecated in OpenSSL 3 in favour of EVP, whose per-call fetch
 * and allocations cost more than hashing a request: ask for the 1.1.1 API level so it is declared
 * without deprecation. It is the block function where the CPU has no SHA extensions. */
#define OPENSSL_API_COMPAT 10101
#include "crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdatomic.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A -Os build (a user asking for size) keeps OpenSSL's block function alone, which gives the same
 * digests and uses the SHA extensions itself where the CPU has them: ours only spare it a call. */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(__OPTIMIZE_SIZE__)
#define AWSC_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/*
 * A chaining value is kept as the SHA instructions hold it: FEBA then HGDC (A..H the words of
 * FIPS 180-4, FEBA meaning F in h[0] .. A in h[3]), so a call moves it in and out of the SHA
 * registers with plain loads and stores. A signature's hashes are calls in series, and each
 * call's shuffles were on that chain. Only the fallback and the digest see the FIPS order.
 */
static const uint32_t iv[8] = {0x9b05688c, 0x510e527f, 0xbb67ae85, 0x6a09e667,
                               0x5be0cd19, 0x1f83d9ab, 0xa54ff53a, 0x3c6ef372};
/* Where each word of the kept order is in FIPS order: h[i] is word at[i]. */
static const unsigned char at[8] = {5, 4, 1, 0, 7, 6, 3, 2};

/* ---- block functions ------------------------------------------------------- */

/* OpenSSL's block function (its assembly for the CPU: ARMv8 SHA-2, AVX2, ...) on our chaining value. */
static void compress_openssl(uint32_t h[8], const uint8_t *p, size_t n, const uint8_t *q, size_t m)
{
    SHA256_CTX c;
    for (int i = 0; i < 8; i++)
        c.h[at[i]] = h[i];
    for (; n; n--, p += 64)
        SHA256_Transform(&c, p);
    for (; m; m--, q += 64)
        SHA256_Transform(&c, q);
    for (int i = 0; i < 8; i++)
        h[i] = c.h[at[i]];
}

#ifdef AWSC_SHA_NI
static const uint32_t k256[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Four rounds of the state (s0, s1): message words `m` plus their constants, two rounds per instruction. */
#define QROUND(s0, s1, i, m)                                                                                           \
    do {                                                                                                               \
        __m128i t_ = _mm_add_epi32((m), _mm_load_si128((const __m128i *)(const void *)&k256[4 * (i)]));               \
        s1 = _mm_sha256rnds2_epu32(s1, s0, t_);                                                                        \
        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(t_, 0x0e));                                               \
    } while (0)
/* The next four schedule words into m0, from the last sixteen (m0 oldest). */
#define SCHEDULE(m0, m1, m2, m3)                                                                                       \
    (m0) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((m0), (m1)), _mm_alignr_epi8((m3), (m2), 4)), (m3))
#define LOAD_BE(p) _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p)), swap)

/* The instructions keep the state as ABEF and CDGH, as the chaining value is kept (see iv). */
#define STATE_IN(h, s0, s1)                                                                                            \
    do {                                                                                                               \
        s0 = _mm_loadu_si128((const __m128i *)(const void *)(h));                                                      \
        s1 = _mm_loadu_si128((const __m128i *)(const void *)((h) + 4));                                                \
    } while (0)
#define STATE_OUT(h, s0, s1)                                                                                           \
    do {                                                                                                               \
        _mm_storeu_si128((__m128i *)(void *)(h), s0);                                                                  \
        _mm_storeu_si128((__m128i *)(void *)((h) + 4), s1);                                                            \
    } while (0)

/* The SHA extensions, for these functions only: the build's flags stay those of any x86-64. */
__attribute__((target("sha,sse4.1"))) static void compress_shani(uint32_t h[8], const uint8_t *p, size_t n,
                                                                 const uint8_t *q, size_t m)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i s0, s1;
    STATE_IN(h, s0, s1);
    for (size_t b = 0; b < n + m; b++) {
        const uint8_t *p_ = b < n ? p + 64 * b : q + 64 * (b - n);
        __m128i a = s0, c = s1;
        __m128i m0 = LOAD_BE(p_), m1 = LOAD_BE(p_ + 16), m2 = LOAD_BE(p_ + 32), m3 = LOAD_BE(p_ + 48);
        /* m0..m3 hold the last sixteen schedule words, m0 the oldest; a loop, not sixteen copies,
         * keeps the code small (the compiler unrolls it where it optimizes for speed). */
        for (int i = 0; i < 16; i++) {
            if (i >= 4)
                SCHEDULE(m0, m1, m2, m3);
            QROUND(s0, s1, i, m0);
            __m128i t = m0;
            m0 = m1;
            m1 = m2;
            m2 = m3;
            m3 = t;
        }
        s0 = _mm_add_epi32(s0, a);
        s1 = _mm_add_epi32(s1, c);
    }
    STATE_OUT(h, s0, s1);
}

/*
 * One block each of two independent hashes, their rounds interleaved: a round waits on the one
 * before it, so one hash leaves the SHA unit idle most of the time and two take about as long.
 */
__attribute__((target("sha,sse4.1"))) static void compress2_shani(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8],
                                                                  const uint8_t *pb)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i a0, a1, b0, b1;
    STATE_IN(ha, a0, a1);
    STATE_IN(hb, b0, b1);
    __m128i sa0 = a0, sa1 = a1, sb0 = b0, sb1 = b1;
    __m128i ma0 = LOAD_BE(pa), ma1 = LOAD_BE(pa + 16), ma2 = LOAD_BE(pa + 32), ma3 = LOAD_BE(pa + 48);
    __m128i mb0 = LOAD_BE(pb), mb1 = LOAD_BE(pb + 16), mb2 = LOAD_BE(pb + 32), mb3 = LOAD_BE(pb + 48);
#define QROUND2(i, ma, mb)                                                                                             \
    do {                                                                                                               \
        QROUND(a0, a1, i, ma);                                                                                         \
        QROUND(b0, b1, i, mb);                                                                                         \
    } while (0)
    for (int i = 0; i < 16; i++) {
        if (i >= 4) {
            SCHEDULE(ma0, ma1, ma2, ma3);
            SCHEDULE(mb0, mb1, mb2, mb3);
        }
        QROUND2(i, ma0, mb0);
        __m128i ta = ma0, tb = mb0;
        ma0 = ma1;
        ma1 = ma2;
        ma2 = ma3;
        ma3 = ta;
        mb0 = mb1;
        mb1 = mb2;
        mb2 = mb3;
        mb3 = tb;
    }
#undef QROUND2
    a0 = _mm_add_epi32(a0, sa0);
    a1 = _mm_add_epi32(a1, sa1);
    b0 = _mm_add_epi32(b0, sb0);
    b1 = _mm_add_epi32(b1, sb1);
    STATE_OUT(ha, a0, a1);
    STATE_OUT(hb, b0, b1);
}

/* 1: the SHA extensions, 0: the fallback, -1: not looked at yet. */
static atomic_int use_shani = -1;

static bool cpu_has_shani(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return false;
    if (__get_cpuid_max(0, NULL) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1; /* SHA */
}

/* `n` blocks of `p`, then `m` of `q`: in one call, so the state stays in the SHA registers between them. */
static void compress(uint32_t h[8], const uint8_t *p, size_t n, const uint8_t *q, size_t m)
{
    int mode = atomic_load_explicit(&use_shani, memory_order_relaxed);
    if (mode < 0) {
        mode = cpu_has_shani();
        atomic_store_explicit(&use_shani, mode, memory_order_relaxed);
    }
    if (mode)
        compress_shani(h, p, n, q, m);
    else
        compress_openssl(h, p, n, q, m);
}

static void compress2(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8], const uint8_t *pb)
{
    if (atomic_load_explicit(&use_shani, memory_order_relaxed) > 0) {
        compress2_shani(ha, pa, hb, pb);
        return;
    }
    compress(ha, pa, 1, NULL, 0);
    compress(hb, pb, 1, NULL, 0);
}

bool awsc_sha256_use_hardware(bool on)
{
    int mode = on && cpu_has_shani();
    atomic_store_explicit(&use_shani, mode, memory_order_relaxed);
    return mode;
}
#else
static void compress(uint32_t h[8], const uint8_t *p, size_t n, const uint8_t *q, size_t m)
{
    compress_openssl(h, p, n, q, m);
}

static void compress2(uint32_t ha[8], const uint8_t *pa, uint32_t hb[8], const uint8_t *pb)
{
    compress(ha, pa, 1, NULL, 0);
    compress(hb, pb, 1, NULL, 0);
}

bool awsc_sha256_use_hardware(bool on)
{
    (void)on;
    return false;
}
#endif

/* ---- SHA-256 ----------------------------------------------------------------- */

static uint32_t bswap32(uint32_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_bswap32(v);
#else
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
#endif
}

/* Big-endian words, each one 4-byte store: the digest is read again at once (hex, HMAC's outer hash). */
static void store_be32(uint8_t *p, uint32_t v)
{
    v = bswap32(v);
    memcpy(p, &v, 4);
}

void awsc_sha256_mid_init(awsc_sha256_mid *m)
{
    memcpy(m->h, iv, sizeof iv);
    m->len = 0;
}

void awsc_sha256_mid_absorb(awsc_sha256_mid *m, const void *data, size_t blocks)
{
    if (!blocks)
        return;
    compress(m->h, data, blocks, NULL, 0);
    m->len += (uint64_t)blocks * 64;
}

/* The padded last block or two of a message of `total` bytes whose last `rest` (< 64) are `data`; how many blocks. */
static size_t pad_tail(uint8_t tail[128], const uint8_t *data, size_t rest, uint64_t total)
{
    size_t end = rest < 56 ? 64 : 128;
    memset(tail, 0, 128);
    memcpy(tail, data, rest);
    tail[rest] = 0x80;
    store_be32(tail + end - 8, (uint32_t)(total >> 29));
    store_be32(tail + end - 4, (uint32_t)(total << 3));
    return end / 64;
}

/* The digest's bytes. With SSE2 in two 16-byte stores: what reads it next (hex, HMAC's outer block)
 * loads 16 bytes at a time, which a store of the same size forwards without waiting. */
static void put_digest(const uint32_t h[8], uint8_t out[32])
{
#if defined(__SSE2__)
    /* FEBA, HGDC reversed: ABEF, CDGH; their low halves ABCD, their high halves EFGH. */
    __m128i abef = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1b);
    __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)(h + 4)), 0x1b);
    __m128i words[2] = {_mm_unpacklo_epi64(abef, cdgh), _mm_unpackhi_epi64(abef, cdgh)};
    for (int i = 0; i < 2; i++) {
        __m128i x = words[i];
        x = _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, 0xb1), 0xb1); /* swap the halves of each word */
        x = _mm_or_si128(_mm_slli_epi16(x, 8), _mm_srli_epi16(x, 8)); /* and the bytes of each half */
        _mm_storeu_si128((__m128i *)(void *)(out + 16 * i), x);
    }
#else
    for (int i = 0; i < 8; i++)
        store_be32(out + 4 * at[i], h[i]);
#endif
}

/*
 * The digest of `data` after `m`. The padded tail is written first: by the time the whole
 * blocks are hashed its stores are done, so loading it as 16-byte words does not wait on them.
 * `wipe` clears the copy of the tail (a long HMAC key is hashed here).
 */
/* Where an empty input may be NULL: pointer arithmetic on NULL is undefined, even adding 0. */
static const uint8_t no_bytes[1];

static void final_from(const awsc_sha256_mid *m, const uint8_t *data, size_t len, uint8_t out[32], bool wipe)
{
    if (!data)
        data = no_bytes;
    size_t whole = len / 64;
    uint8_t tail[128];
    size_t tail_blocks = pad_tail(tail, data + whole * 64, len % 64, m->len + len);
    uint32_t h[8];
    memcpy(h, m->h, sizeof h);
    compress(h, data, whole, tail, tail_blocks);
    put_digest(h, out);
    if (wipe)
        OPENSSL_cleanse(tail, sizeof tail);
}

void awsc_sha256_job_init(awsc_sha256_job *j, const void *data, size_t len)
{
    const uint8_t *p = data ? data : no_bytes;
    j->data = p;
    j->whole = len / 64;
    j->total = j->whole + pad_tail(j->tail, p + j->whole * 64, len % 64, len);
    j->next = 0;
    memcpy(j->h, iv, sizeof iv);
}

void awsc_sha256_job_pair(awsc_sha256_job *j, awsc_sha256_mid *m, const void *blocks, size_t count)
{
    const uint8_t *q = blocks;
    size_t i = 0;
    for (; i < count && j->next < j->total; i++, j->next++)
        compress2(j->h, j->next < j->whole ? j->data + 64 * j->next : j->tail + 64 * (j->next - j->whole), m->h,
                  q + 64 * i);
    if (i < count)
        compress(m->h, q + 64 * i, count - i, NULL, 0);
    m->len += (uint64_t)count * 64;
}

void awsc_sha256_job_final(awsc_sha256_job *j, uint8_t out[32])
{
    if (j->next < j->total) {
        size_t rest = j->next < j->whole ? j->whole - j->next : 0; /* whole blocks of data left */
        size_t tail_from = j->next > j->whole ? j->next - j->whole : 0;
        compress(j->h, rest ? j->data + 64 * j->next : j->data, rest, j->tail + 64 * tail_from,
                 j->total - j->next - rest);
        j->next = j->total;
    }
    put_digest(j->h, out);
}

void awsc_sha256_pair(const void *data, size_t len, uint8_t out[32], awsc_sha256_mid *m, const void *blocks,
                      size_t count)
{
    awsc_sha256_job j;
    awsc_sha256_job_init(&j, data, len);
    awsc_sha256_job_pair(&j, m, blocks, count);
    awsc_sha256_job_final(&j, out);
}

/* The chaining value after `m`, `len` bytes of `data` and the padding, written into `data` after them. */
static void final_inplace(const awsc_sha256_mid *m, uint8_t *data, size_t len, uint32_t h[8])
{
    size_t whole = len / 64, rest = len % 64, end = rest < 56 ? 64 : 128;
    uint8_t *t = data + whole * 64;
    t[rest] = 0x80;
    memset(t + rest + 1, 0, end - 8 - rest - 1);
    uint64_t total = m->len + len;
    store_be32(t + end - 8, (uint32_t)(total >> 29));
    store_be32(t + end - 4, (uint32_t)(total << 3));
    memcpy(h, m->h, 8 * sizeof h[0]);
    compress(h, data, whole + end / 64, NULL, 0);
}

void awsc_sha256_mid_final_inplace(const awsc_sha256_mid *m, uint8_t *data, size_t len, uint8_t out[32])
{
    uint32_t h[8];
    final_inplace(m, data, len, h);
    put_digest(h, out);
}

void awsc_hmac_mids_inplace(const awsc_sha256_mid *inner, const awsc_sha256_mid *outer, uint8_t *data, size_t len,
                            uint8_t out[32])
{
    /* The outer hash is one block: the inner digest, then padding for 96 bytes (768 bits). */
    uint8_t block[64] = {[32] = 0x80, [62] = 0x03};
    uint32_t h[8];
    final_inplace(inner, data, len, h);
    put_digest(h, block);
    memcpy(h, outer->h, sizeof h);
    compress(h, block, 1, NULL, 0);
    put_digest(h, out);
}

void awsc_sha256_mid_final(const awsc_sha256_mid *m, const void *data, size_t len, uint8_t out[32])
{
    final_from(m, data, len, out, false);
}

void awsc_sha256_init_from(awsc_sha256_state *s, const awsc_sha256_mid *m)
{
    s->mid = *m;
    s->n = 0;
}

void awsc_sha256_init(awsc_sha256_state *s)
{
    awsc_sha256_mid_init(&s->mid);
    s->n = 0;
}

void awsc_sha256_update(awsc_sha256_state *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (s->n) {
        size_t take = 64 - s->n < len ? 64 - s->n : len;
        memcpy(s->buf + s->n, p, take);
        s->n += take;
        p += take;
        len -= take;
        if (s->n < 64)
            return;
        awsc_sha256_mid_absorb(&s->mid, s->buf, 1);
        s->n = 0;
    }
    awsc_sha256_mid_absorb(&s->mid, p, len / 64);
    p += len & ~(size_t)63;
    len &= 63;
    if (len)
        memcpy(s->buf, p, len);
    s->n = len;
}

void awsc_sha256_final(awsc_sha256_state *s, uint8_t out[32])
{
    final_from(&s->mid, s->buf, s->n, out, false);
    /* The buffer held the message's tail: cleared, as OpenSSL's final clears it. */
    memset(s->buf, 0, sizeof s->buf);
    s->n = 0;
}

int awsc_sha256(const void *data, size_t len, uint8_t out[32])
{
    awsc_sha256_mid m;
    awsc_sha256_mid_init(&m);
    final_from(&m, data, len, out, false);
    return 0;
}

/* ---- HMAC-SHA256 --------------------------------------------------------------- */

void awsc_hmac_key_init(awsc_hmac_key *k, const void *key, size_t len)
{
    uint8_t block[64] = {0}, pad[64];
    if (len > sizeof block) { /* RFC 2104: longer keys are hashed first */
        awsc_sha256_mid m;
        awsc_sha256_mid_init(&m);
        final_from(&m, key, len, block, true);
    } else if (len) {
        memcpy(block, key, len);
    }
    for (int i = 0; i < 64; i++)
        pad[i] = block[i] ^ 0x36;
    awsc_sha256_mid_init(&k->inner);
    awsc_sha256_mid_absorb(&k->inner, pad, 1);
    for (int i = 0; i < 64; i++)
        pad[i] = block[i] ^ 0x5c;
    awsc_sha256_mid_init(&k->outer);
    awsc_sha256_mid_absorb(&k->outer, pad, 1);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
}

void awsc_hmac_with_mid(const awsc_hmac_key *k, const awsc_sha256_mid *inner, const void *data, size_t len,
                        uint8_t out[32])
{
    /* The outer hash is one block: the inner digest, then padding for 96 bytes (768 bits). The
     * padding is written first, the digest straight into the block. */
    uint8_t block[64] = {[32] = 0x80, [62] = 0x03};
    final_from(inner, data, len, block, false);
    uint32_t h[8];
    memcpy(h, k->outer.h, sizeof h);
    compress(h, block, 1, NULL, 0);
    put_digest(h, out);
    /* No wipe needed: the midstates hold the key's pads hashed over, and the digests are not secret. */
}

void awsc_hmac_with(const awsc_hmac_key *k, const void *data, size_t len, uint8_t out[32])
{
    awsc_hmac_with_mid(k, &k->inner, data, len, out);
}

void awsc_hmac_finish(const awsc_hmac_key *k, awsc_sha256_state *inner, uint8_t out[32])
{
    uint8_t digest[32];
    awsc_sha256_final(inner, digest);
    final_from(&k->outer, digest, sizeof digest, out, false);
}

void awsc_hmac_key_wipe(awsc_hmac_key *k)
{
    OPENSSL_cleanse(k, sizeof *k);
}

int awsc_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[32])
{
    awsc_hmac_key k;
    awsc_hmac_key_init(&k, key, key_len);
    awsc_hmac_with(&k, data, len, out);
    awsc_hmac_key_wipe(&k);
    return 0;
}

int awsc_md5(const void *data, size_t len, uint8_t out[16])
{
    unsigned int n = 0;
    if (!data)
        data = "";
    if (EVP_Digest(data, len, out, &n, EVP_md5(), NULL) != 1 || n != 16) {
        memset(out, 0, 16);
        return -1;
    }
    return 0;
}

#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
/* 16 bytes into 32 lower-case hex digits: the nibbles interleaved, then '0' + n, plus 39 above 9. */
static void hex16(const uint8_t *in, char *out)
{
    const __m128i low4 = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9);
    const __m128i zero = _mm_set1_epi8('0'), letters = _mm_set1_epi8('a' - '0' - 10);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)in);
    __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low4), lo = _mm_and_si128(v, low4);
    __m128i a = _mm_unpacklo_epi8(hi, lo), b = _mm_unpackhi_epi8(hi, lo);
    a = _mm_add_epi8(_mm_add_epi8(a, zero), _mm_and_si128(_mm_cmpgt_epi8(a, nine), letters));
    b = _mm_add_epi8(_mm_add_epi8(b, zero), _mm_and_si128(_mm_cmpgt_epi8(b, nine), letters));
    _mm_storeu_si128((__m128i *)(void *)out, a);
    _mm_storeu_si128((__m128i *)(void *)(out + 16), b);
}
#endif

void awsc_hex(const uint8_t *bytes, size_t len, char *out)
{
#if defined(__OPTIMIZE_SIZE__)
    /* -Os: a digit at a time, without the table and the SIMD path (same text). */
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
    }
#else
#if defined(__SSE2__)
    for (; len >= 16; len -= 16, bytes += 16, out += 32)
        hex16(bytes, out);
#endif
    /* Two digits per byte from one table: a signature hex-encodes three digests. */
    static const char pairs[513] =
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
        "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
        "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
        "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    for (size_t i = 0; i < len; i++)
        memcpy(out + 2 * i, pairs + 2 * bytes[i], 2);
#endif
    out[2 * len] = '\0';
}
