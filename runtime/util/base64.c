#include "util/base64.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int awsc_base64_encode(awsc_buf *out, const uint8_t *data, size_t len)
{
    if (len > SIZE_MAX / 4 * 3 - 3)
        return -1; /* the encoded length would not fit in size_t */
    size_t n = (len + 2) / 3 * 4;
    if (awsc_buf_reserve(out, n) != 0)
        return -1;
    char *p = out->data + out->len;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = alphabet[(v >> 6) & 63];
        *p++ = alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        *p++ = '=';
    }
    out->len += n;
    out->data[out->len] = '\0';
    return 0;
}

/*
 * Decoding reads four characters into three bytes with one lookup each: table
 * k holds character k's six bits already in their place of a little-endian
 * 24-bit group (so the four are OR'ed), and bit 24 for anything that is not
 * base64 (including '='), which an OR of all the groups then shows. The
 * tables are filled once, in zeroed storage (no initialized data to carry).
 */
#define NOT_BASE64 0x01000000u
static uint32_t sextet[4][256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__OPTIMIZE_SIZE__)
/*
 * 32 characters into 24 bytes at a time with AVX2 (Mula and Lemire, "Faster
 * Base64 Encoding and Decoding Using AVX2 Instructions", 2018): each
 * character's high and low nibbles index two tables whose AND is non-zero
 * for anything outside the alphabet; a third table gives what to add to
 * turn the character into its six bits; two multiply-adds pack four sextets
 * into three bytes. Size builds (-Os) leave it out.
 */
#include <immintrin.h>
#define AVX2_BASE64 1
static bool use_avx2;

__attribute__((target("avx2"))) static size_t decode_avx2(uint8_t *out, const unsigned char *t, size_t body,
                                                          size_t room, uint32_t *bad)
{
    const __m256i lut_lo = _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A,
                                            0x1B, 0x1B, 0x1B, 0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                            0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i lut_hi = _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10,
                                            0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                                            0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m256i lut_roll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4,
                                              -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i mask_2f = _mm256_set1_epi8(0x2f);
    const __m256i pack = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4,
                                          10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
    size_t i = 0, o = 0;
    /* Each step writes 32 bytes of which 24 are output: stop while the other 8 are still inside `out`. */
    for (; i + 32 <= body && o + 32 <= room; i += 32, o += 24) {
        __m256i str = _mm256_loadu_si256((const __m256i *)(const void *)(t + i));
        __m256i hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(str, 4), mask_2f);
        __m256i lo_nibbles = _mm256_and_si256(str, mask_2f);
        __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
        __m256i lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
        if (!_mm256_testz_si256(lo, hi)) {
            *bad = 0xffffffffu;
            return o;
        }
        __m256i eq_2f = _mm256_cmpeq_epi8(str, mask_2f);
        __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_nibbles));
        str = _mm256_add_epi8(str, roll);
        __m256i merged = _mm256_maddubs_epi16(str, _mm256_set1_epi32(0x01400140));
        __m256i bytes = _mm256_madd_epi16(merged, _mm256_set1_epi32(0x00011000));
        bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(bytes, pack), lanes);
        _mm256_storeu_si256((__m256i *)(void *)(out + o), bytes);
    }
    return o;
}
#endif

static void fill_tables(void)
{
#ifdef AVX2_BASE64
    use_avx2 = __builtin_cpu_supports("avx2");
#endif
    for (int k = 0; k < 4; k++)
        for (int c = 0; c < 256; c++)
            sextet[k][c] = NOT_BASE64;
    for (uint32_t v = 0; v < 64; v++) {
        unsigned char c = (unsigned char)alphabet[v];
        /* bits of the group a<<18 | b<<12 | c<<6 | d, stored as bytes 0,1,2 = its bits 23-16, 15-8, 7-0 */
        sextet[0][c] = v << 2;
        sextet[1][c] = v >> 4 | (v & 15) << 12;
        sextet[2][c] = (v >> 2) << 8 | (v & 3) << 22;
        sextet[3][c] = v << 16;
    }
}

/* The characters before the padding: the last one or two of a multiple of 4 may be '='. */
static size_t unpadded(const char *text, size_t len)
{
    size_t body = len;
    if (len % 4 == 0 && body > 0 && text[body - 1] == '=') {
        body--;
        if (text[body - 1] == '=')
            body--;
    }
    return body;
}

long awsc_base64_decoded_size(const char *text, size_t len)
{
    size_t body = unpadded(text, len);
    /* One leftover character carries only 6 bits: never a whole byte. */
    if (body % 4 == 1 || body / 4 > (size_t)LONG_MAX / 3 - 1)
        return -2;
    return (long)(body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0));
}

long awsc_base64_decode_to(uint8_t *out, const char *text, size_t len)
{
    long n = awsc_base64_decoded_size(text, len);
    if (n < 0)
        return n;
    pthread_once(&tables_once, fill_tables);
    size_t body = unpadded(text, len);
    const unsigned char *t = (const unsigned char *)text;
    const uint32_t *d0 = sextet[0], *d1 = sextet[1], *d2 = sextet[2], *d3 = sextet[3];
    uint8_t *p = out;
    uint32_t bad = 0;
    size_t i = 0;
#ifdef AVX2_BASE64
    if (use_avx2 && body >= 64) {
        size_t done = decode_avx2(out, t, body, (size_t)n, &bad);
        p += done;
        i = done / 3 * 4;
    }
#endif
    for (; i + 8 <= body; i += 8, p += 6) {
        uint32_t v = d0[t[i]] | d1[t[i + 1]] | d2[t[i + 2]] | d3[t[i + 3]];
        uint32_t w = d0[t[i + 4]] | d1[t[i + 5]] | d2[t[i + 6]] | d3[t[i + 7]];
        bad |= v | w;
        p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)w, p[4] = (uint8_t)(w >> 8), p[5] = (uint8_t)(w >> 16);
    }
    for (; i + 4 <= body; i += 4, p += 3) {
        uint32_t v = d0[t[i]] | d1[t[i + 1]] | d2[t[i + 2]] | d3[t[i + 3]];
        bad |= v;
        p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
    }
    if (i < body) { /* 2 or 3 characters: 1 or 2 bytes ('A' stands in for the missing one) */
        uint32_t v = d0[t[i]] | d1[t[i + 1]] | d2[body - i == 3 ? t[i + 2] : 'A'];
        bad |= v;
        *p++ = (uint8_t)v;
        if (body - i == 3)
            *p++ = (uint8_t)(v >> 8);
    }
    /* Non-zero leftover bits (e.g. "Zh==") are tolerated, as RFC 4648 allows. */
    return bad & NOT_BASE64 ? -2 : n;
}

int awsc_base64_decode(awsc_buf *out, const char *text, size_t len)
{
    long n = awsc_base64_decoded_size(text, len);
    if (n < 0)
        return -2;
    if (awsc_buf_reserve(out, (size_t)n) != 0)
        return -1;
    /* A rejection leaves the buffer's end as it was: nothing appended. */
    if (awsc_base64_decode_to((uint8_t *)out->data + out->len, text, len) < 0) {
        out->data[out->len] = '\0';
        return -2;
    }
    out->len += (size_t)n;
    out->data[out->len] = '\0';
    return 0;
}
