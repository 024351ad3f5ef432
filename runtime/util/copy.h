/* Inline copies of the short strings a request is made of (header names and values, scope parts). */
#ifndef AWSC_COPY_H
#define AWSC_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
#include <emmintrin.h>
#endif

/*
 * memcpy(d, s, n), inline: for a string of a few dozen bytes a call and its dispatch cost more
 * than the copy. Loads and stores stay within the n bytes, the last one overlapping the one
 * before it. A -Os build (a user asking for size) calls memcpy: one call is smaller than the
 * copy spelt out at each use.
 */
static inline void awsc_copy_short(char *d, const char *s, size_t n)
{
#if defined(__OPTIMIZE_SIZE__)
    memcpy(d, s, n);
#else
#if defined(__SSE2__)
    if (n >= 16) {
        for (size_t i = 0; i + 16 < n; i += 16)
            _mm_storeu_si128((__m128i *)(void *)(d + i), _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        _mm_storeu_si128((__m128i *)(void *)(d + n - 16),
                         _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)));
        return;
    }
#endif
    if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
#endif
}

#endif
