/* The low-level SHA256_* functions are deprecated in OpenSSL 3 in favour of
 * EVP, whose per-call fetch and allocations cost more than hashing a request:
 * ask for the 1.1.1 API level so they are declared without deprecation. */
#define OPENSSL_API_COMPAT 10101
#include "crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

_Static_assert(sizeof(SHA256_CTX) <= sizeof(awsc_sha256_state), "awsc_sha256_state too small");

void awsc_sha256_init(awsc_sha256_state *s)
{
    SHA256_Init((SHA256_CTX *)s->opaque);
}

void awsc_sha256_update(awsc_sha256_state *s, const void *data, size_t len)
{
    if (len)
        SHA256_Update((SHA256_CTX *)s->opaque, data, len);
}

/*
 * SHA256_Final, without what a signature need not pay for four times: its
 * digest-length switch and OPENSSL_cleanse's byte loop. The padding goes into
 * the state's own block buffer, which is cleared afterwards as SHA256_Final
 * clears it (it held the message's tail).
 */
void awsc_sha256_final(awsc_sha256_state *s, uint8_t out[32])
{
    SHA256_CTX *c = (SHA256_CTX *)s->opaque;
    unsigned char *p = (unsigned char *)c->data;
    size_t n = c->num;
    uint64_t bits = ((uint64_t)c->Nh << 32) | c->Nl;
    p[n++] = 0x80;
    if (n > 56) {
        memset(p + n, 0, 64 - n);
        SHA256_Transform(c, p);
        n = 0;
    }
    memset(p + n, 0, 56 - n);
    for (int i = 0; i < 8; i++)
        p[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    SHA256_Transform(c, p);
    for (int i = 0; i < 8; i++) {
        uint32_t h = c->h[i];
        out[4 * i] = (uint8_t)(h >> 24);
        out[4 * i + 1] = (uint8_t)(h >> 16);
        out[4 * i + 2] = (uint8_t)(h >> 8);
        out[4 * i + 3] = (uint8_t)h;
    }
    memset(p, 0, 64);
    c->num = 0;
}

int awsc_sha256(const void *data, size_t len, uint8_t out[32])
{
    awsc_sha256_state s;
    awsc_sha256_init(&s);
    awsc_sha256_update(&s, data, len);
    awsc_sha256_final(&s, out);
    return 0;
}

void awsc_hmac_key_init(awsc_hmac_key *k, const void *key, size_t len)
{
    uint8_t block[64] = {0}, pad[64];
    if (len > sizeof block) /* RFC 2104: longer keys are hashed first */
        awsc_sha256(key, len, block);
    else if (len)
        memcpy(block, key, len);
    for (int i = 0; i < 64; i++)
        pad[i] = block[i] ^ 0x36;
    awsc_sha256_init(&k->inner);
    awsc_sha256_update(&k->inner, pad, sizeof pad);
    for (int i = 0; i < 64; i++)
        pad[i] = block[i] ^ 0x5c;
    awsc_sha256_init(&k->outer);
    awsc_sha256_update(&k->outer, pad, sizeof pad);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
}

void awsc_hmac_finish(const awsc_hmac_key *k, awsc_sha256_state *inner, uint8_t out[32])
{
    uint8_t digest[32];
    awsc_sha256_final(inner, digest);
    awsc_sha256_state s = k->outer; /* the absorbed pads are copied, not recomputed */
    awsc_sha256_update(&s, digest, sizeof digest);
    awsc_sha256_final(&s, out);
    /* No wipe needed: after a final a state holds only its digest (the key's pads are hashed
     * over and SHA256_Final clears its block buffer), and the digests are not secret. */
}

void awsc_hmac_with(const awsc_hmac_key *k, const void *data, size_t len, uint8_t out[32])
{
    awsc_sha256_state s = k->inner;
    awsc_sha256_update(&s, data, len);
    awsc_hmac_finish(k, &s, out);
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

#if defined(__SSE2__)
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
    out[2 * len] = '\0';
}
