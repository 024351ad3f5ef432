#include "util/uuid.h"

#include <errno.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <string.h>
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
#include <emmintrin.h>
#endif
#if defined(__linux__)
#include <sys/random.h>
#endif

/*
 * The kernel's generator first: OpenSSL's RAND_bytes instantiates its DRBG on first use
 * (provider lookups, an AES-CTR fetch), about 5.7 million instructions, which was the
 * largest part of a process's first call. RAND_bytes remains the fallback.
 */
int awsc_random_bytes(void *out, size_t len)
{
#if defined(__linux__)
    unsigned char *p = out;
    size_t left = len;
    while (left) {
        ssize_t n = getrandom(p, left, 0);
        if (n > 0) {
            p += n;
            left -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break; /* ENOSYS (an old kernel) or a seccomp filter: let OpenSSL try */
        }
    }
    if (!left)
        return 0;
#endif
    return RAND_bytes(out, (int)len) == 1 ? 0 : -1;
}

/*
 * Drawing random bytes costs more per call than formatting a UUID many times
 * over (a system call, or OpenSSL's DRBG locking), and every call needs a UUID: each
 * thread draws 64 UUIDs' worth at once and hands them out. A forked child
 * drops what its parent drew, so the two never hand out the same UUID.
 */
#define POOL_BYTES 1024

static _Thread_local struct {
    unsigned char bytes[POOL_BYTES];
    size_t used;
    int filled;
} pool;

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void forget_in_child(void)
{
    pool.filled = 0; /* the forking thread's pool: the only one the child has */
}

static void register_atfork(void)
{
    pthread_atfork(NULL, NULL, forget_in_child);
}

int awsc_uuid_v4(char out[37])
{
    pthread_once(&atfork_once, register_atfork);
    if (!pool.filled || pool.used + 16 > POOL_BYTES) {
        if (awsc_random_bytes(pool.bytes, POOL_BYTES) != 0)
            return -1;
        pool.used = 0;
        pool.filled = 1;
    }
    unsigned char b[16];
    memcpy(b, pool.bytes + pool.used, sizeof b);
    memset(pool.bytes + pool.used, 0, sizeof b); /* handed out once */
    pool.used += sizeof b;
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant: 10xx */
#if defined(__SSE2__) && !defined(__OPTIMIZE_SIZE__)
    /* Every call makes one (its invocation id): the 32 hex digits in two registers, not a loop turn a byte. */
    const __m128i nib = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9), zero = _mm_set1_epi8('0'),
                  past_nine = _mm_set1_epi8('a' - '0' - 10);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
    __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), nib), lo = _mm_and_si128(v, nib);
    __m128i d[2] = {_mm_unpacklo_epi8(hi, lo), _mm_unpackhi_epi8(hi, lo)}; /* each byte's high digit first */
    char hex[32];
    for (int i = 0; i < 2; i++) {
        __m128i x = d[i];
        x = _mm_add_epi8(_mm_add_epi8(x, zero), _mm_and_si128(_mm_cmpgt_epi8(x, nine), past_nine));
        _mm_storeu_si128((__m128i *)(void *)(hex + 16 * i), x);
    }
    memcpy(out, hex, 8);
    out[8] = '-';
    memcpy(out + 9, hex + 8, 4);
    out[13] = '-';
    memcpy(out + 14, hex + 12, 4);
    out[18] = '-';
    memcpy(out + 19, hex + 16, 4);
    out[23] = '-';
    memcpy(out + 24, hex + 20, 12);
    out[36] = '\0';
#else
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
#endif
    return 0;
}
