/*
 * The retry token bucket (runtime/core/retry.h) shared by several threads
 * that take and give back tokens, as concurrent calls on one client do.
 * The bucket must never go below zero or above its capacity, and once every
 * thread has given back what it took it must be full again.
 * Run under ThreadSanitizer by scripts/reliability.
 */
#include "core/retry.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 20000

static awsc_retry_bucket bucket;

static void *run(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u + 1;
    long bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        seed = seed * 1103515245u + 12345u;
        int taken = 0; /* acquire adds each retry's cost */
        /* A call that needs a few retries, some of them timeouts, then succeeds. */
        for (unsigned k = 0; k < (seed >> 16) % 4; k++) {
            awsc_retry_kind kind = (seed >> (20 + k)) & 1 ? AWSC_RETRY_TIMEOUT : AWSC_RETRY_TRANSIENT;
            awsc_retry_bucket_acquire(&bucket, kind, &taken);
        }
        int now = awsc_retry_bucket_tokens(&bucket);
        if (now < 0 || now > AWSC_RETRY_BUCKET_CAPACITY)
            bad++;
        awsc_retry_bucket_release(&bucket, taken);
    }
    return (void *)bad;
}

int main(void)
{
    awsc_retry_bucket_init(&bucket);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, run, (void *)(uintptr_t)(i + 1));
    long bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    int final = awsc_retry_bucket_tokens(&bucket);
    awsc_retry_bucket_destroy(&bucket);
    printf("tsan_retry_bucket: %d calls on %d threads, %ld out-of-range readings, %d of %d tokens at the end\n",
           THREADS * ROUNDS, THREADS, bad, final, AWSC_RETRY_BUCKET_CAPACITY);
    return bad != 0 || final != AWSC_RETRY_BUCKET_CAPACITY;
}
