/* The run of JSON string bytes that need no escape and no UTF-8 check: the reader's and the writer's. */
#ifndef AWSC_JSON_PLAIN_H
#define AWSC_JSON_PLAIN_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
#include <emmintrin.h>
#endif

/*
 * The end of the run of bytes a string copies as they are (not '"', '\\', a
 * control character or non-ASCII), sixteen (SSE2) or eight at a time while
 * none of them is special: strings are most of what a response holds, and
 * what a request's JSON writes too (both copy such a run without a check).
 */
static inline const char *awsc_json_plain_run(const char *p, const char *end)
{
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
    /* Sixteen at a time where every x86-64 can (a signed compare below 0x20 also catches 0x80-0xff). */
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                       _mm_cmplt_epi8(x, space));
        int mask = _mm_movemask_epi8(special);
        if (mask)
            return p + __builtin_ctz((unsigned)mask);
        p += 16;
    }
#endif
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (end - p >= 8) {
        uint64_t x, q, b;
        memcpy(&x, p, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        /* any zero byte in q or b, any byte below 0x20 or with its high bit set */
        uint64_t special = ((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x) | x;
        if (special & highs)
            break;
        p += 8;
    }
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80)
        p++;
    return p;
}

#endif
