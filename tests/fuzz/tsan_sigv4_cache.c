/*
 * The SigV4 signing-key cache (runtime/auth/sigv4.h) shared by several threads
 * that sign for different days and regions, so the cache is hit and replaced
 * concurrently. Every signature must equal the one computed without a cache.
 * Run under ThreadSanitizer by scripts/reliability.
 */
#include "auth/sigv4.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 300

static awsc_sigv4_key_cache cache;

static int sign(int thread, int round, awsc_sigv4_key_cache *c, char sig[65])
{
    static const char *const regions[] = {"us-east-1", "eu-west-1"};
    awsc_header headers[] = {{"Host", "data.jobs.iot.us-east-1.amazonaws.com"}};
    awsc_sigv4_params p = {
        .creds = {.access_key_id = "AKIDEXAMPLE", .secret_access_key = (thread & 1) ? "SECRET-A" : "SECRET-B"},
        .region = regions[(round / 7) % 2],
        .service = "iot-jobs-data",
        .time = 1440938160 + (int64_t)((round / 3) % 4) * 86400,
        .normalize_path = true,
        .double_encode_path = true,
    };
    awsc_sigv4_request req = {.method = "GET", .path = "/things/t/jobs/$next", .query = "a=b",
                              .headers = headers, .header_count = 1};
    awsc_sigv4_result r;
    memset(&r, 0, sizeof r);
    int rc = awsc_sigv4_sign(&p, &req, c, &r);
    if (rc == 0)
        memcpy(sig, r.signature, 65);
    awsc_sigv4_result_free(&r);
    return rc;
}

static void *run(void *arg)
{
    int thread = (int)(intptr_t)arg;
    long bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        char cached[65], plain[65];
        if (sign(thread, round, &cache, cached) != 0 || sign(thread, round, NULL, plain) != 0 ||
            strcmp(cached, plain) != 0)
            bad++;
    }
    return (void *)bad;
}

int main(void)
{
    awsc_sigv4_key_cache_init(&cache);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, run, (void *)(intptr_t)i);
    long bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    awsc_sigv4_key_cache_destroy(&cache);
    printf("tsan_sigv4_cache: %d signatures on %d threads, %ld wrong\n", THREADS * ROUNDS, THREADS, bad);
    return bad != 0;
}
