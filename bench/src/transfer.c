/*
 * Bulk transfer speed for bench/run, against nginx on loopback:
 *
 *   transfer get ours|raw PORT BYTES   GET /bench/blob (a BYTES-long file nginx serves) into a sink
 *   transfer put ours|raw PORT BYTES   PUT BYTES from a read callback to /bench/upload (nginx discards it)
 *
 * "ours" is the generated S3 client: GetObject streamed to a sink
 * (awsc_s3_get_object_to_sink), PutObject from a read callback without a
 * rewind, so sent as the SDKs stream uploads: aws-chunked, unsigned, with a
 * CRC32 trailer computed as it goes. "raw" is one libcurl easy handle moving
 * the same bytes with no signing, checksum or framing: the floor. Prints one
 * JSON object: seconds, bytes, GB/s.
 */
#include <awsc/s3.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_s3.h"

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct source {
    int64_t left;
    uint8_t block[65536];
} source;

/* The upload's bytes: a 64 KiB pattern over and over, as a file read would hand them. */
static long source_read(void *user, uint8_t *buf, size_t cap)
{
    source *s = user;
    size_t n = s->left < (int64_t)cap ? (size_t)s->left : cap;
    for (size_t done = 0; done < n;) {
        size_t k = n - done < sizeof s->block ? n - done : sizeof s->block;
        memcpy(buf + done, s->block, k);
        done += k;
    }
    s->left -= (int64_t)n;
    return (long)n;
}

static size_t curl_source(char *buf, size_t size, size_t nmemb, void *user)
{
    return (size_t)source_read(user, (uint8_t *)buf, size * nmemb);
}

static int count_sink(void *user, const uint8_t *data, size_t len)
{
    (void)data;
    *(int64_t *)user += (int64_t)len;
    return 0;
}

static size_t curl_sink(char *data, size_t size, size_t nmemb, void *user)
{
    count_sink(user, (const uint8_t *)data, size * nmemb);
    return size * nmemb;
}

static int ours(int get, const char *base, int64_t bytes, int64_t *moved)
{
    awsc_s3_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = bench_s3_client(base, &c, &err);
    if (!rc && get) {
        awsc_s3_get_object_request in = {0};
        in.bucket = "bench";
        in.key = "blob";
        awsc_s3_get_object_output *out = NULL;
        rc = awsc_s3_get_object_to_sink(c, &in, &out, count_sink, moved, &err);
        awsc_s3_get_object_output_free(out);
    } else if (!rc) {
        static source src;
        src.left = bytes;
        for (size_t i = 0; i < sizeof src.block; i++)
            src.block[i] = (uint8_t)(i * 2654435761u >> 13);
        awsc_s3_put_object_request in = {0};
        in.bucket = "bench";
        in.key = "upload";
        in.body = (awsc_stream){.read = source_read, .user = &src, .length = bytes};
        awsc_s3_put_object_output *out = NULL;
        rc = awsc_s3_put_object(c, &in, &out, &err);
        awsc_s3_put_object_output_free(out);
        *moved = bytes - src.left;
    }
    if (rc)
        fprintf(stderr, "transfer: %s\n", err.message);
    awsc_error_clear(&err);
    awsc_s3_client_free(c);
    return rc;
}

static int raw(int get, const char *base, int64_t bytes, int64_t *moved)
{
    char url[256];
    snprintf(url, sizeof url, "%s/bench/%s", base, get ? "blob" : "upload");
    CURL *h = curl_easy_init();
    static source src;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    if (get) {
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, moved);
    } else {
        src.left = bytes;
        for (size_t i = 0; i < sizeof src.block; i++)
            src.block[i] = (uint8_t)(i * 2654435761u >> 13);
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, curl_source);
        curl_easy_setopt(h, CURLOPT_READDATA, &src);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)bytes);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
        int64_t ignored = 0;
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &ignored);
    }
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (!get)
        *moved = bytes - src.left;
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "transfer: raw %s: %s, HTTP %ld\n", get ? "GET" : "PUT", curl_easy_strerror(rc), status);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[1], "get") != 0 && strcmp(argv[1], "put") != 0) ||
        (strcmp(argv[2], "ours") != 0 && strcmp(argv[2], "raw") != 0))
        return fprintf(stderr, "usage: transfer get|put ours|raw PORT BYTES\n"), 2;
    int get = strcmp(argv[1], "get") == 0;
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%s", argv[3]);
    int64_t bytes = atoll(argv[4]), moved = 0;
    curl_global_init(CURL_GLOBAL_ALL);
    double t0 = seconds();
    int rc = strcmp(argv[2], "ours") == 0 ? ours(get, base, bytes, &moved) : raw(get, base, bytes, &moved);
    double dt = seconds() - t0;
    curl_global_cleanup();
    if (rc || moved != bytes) {
        fprintf(stderr, "transfer: moved %lld of %lld bytes\n", (long long)moved, (long long)bytes);
        return 1;
    }
    printf("{\"seconds\": %.4f, \"bytes\": %lld, \"gbs\": %.3f}\n", dt, (long long)bytes, (double)bytes / dt / 1e9);
    return 0;
}
