#include "util/uuid.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <string.h>

/*
 * RAND_bytes costs more per call than formatting a UUID many times over (a
 * DRBG lookup, locking, reseed checks), and every call needs a UUID: each
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
        if (RAND_bytes(pool.bytes, POOL_BYTES) != 1)
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
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
    return 0;
}
