/*
 * Event-stream decoding speed for bench/run, against nginx on loopback:
 *
 *   events ours|raw PORT BYTES   POST /bench/events (a BYTES-long file of 1 KiB event-stream
 *                                messages that bench/run writes and nginx serves)
 *
 * "ours" is the generated S3 client's SelectObjectContent: every message's
 * prelude and message CRC checked, its headers read and its Records payload
 * handed to the callback where it lies in libcurl's buffer (no copy). "raw"
 * is one libcurl easy handle reading the same bytes into a counting sink:
 * the floor. Prints one JSON object: seconds, bytes, GB/s, events.
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

typedef struct counted {
    int64_t bytes, events;
} counted;

static int on_event(void *user, const awsc_s3_select_object_content_output *response,
                    const awsc_s3_select_object_content_event_stream *ev)
{
    counted *n = user;
    (void)response;
    if (ev->type == AWSC_S3_SELECT_OBJECT_CONTENT_EVENT_STREAM_RECORDS)
        n->bytes += (int64_t)ev->value.records->payload.len;
    n->events++;
    return 0;
}

static size_t curl_sink(char *data, size_t size, size_t nmemb, void *user)
{
    (void)data;
    ((counted *)user)->bytes += (int64_t)(size * nmemb);
    return size * nmemb;
}

static int ours(const char *base, counted *n)
{
    awsc_s3_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = bench_s3_client(base, &c, &err);
    if (!rc) {
        awsc_s3_select_object_content_request in = {
            .bucket = "bench", .key = "events", .expression = "select * from s3object",
            .expression_type = AWSC_S3_EXPRESSION_TYPE_SQL,
            .input_serialization = &(awsc_s3_input_serialization){.csv = &(awsc_s3_csv_input){.comments = "#"}},
            .output_serialization = &(awsc_s3_output_serialization){.csv = &(awsc_s3_csv_output){.record_delimiter = "\n"}}};
        rc = awsc_s3_select_object_content(c, &in, NULL, on_event, n, &err);
    }
    if (rc)
        fprintf(stderr, "events: %s\n", err.message);
    awsc_error_clear(&err);
    awsc_s3_client_free(c);
    return rc;
}

static int raw(const char *base, counted *n)
{
    char url[256];
    snprintf(url, sizeof url, "%s/bench/events", base);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, n);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "events: raw GET: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "ours") != 0 && strcmp(argv[1], "raw") != 0))
        return fprintf(stderr, "usage: events ours|raw PORT BYTES\n"), 2;
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%s", argv[2]);
    int64_t bytes = atoll(argv[3]);
    counted n = {0, 0};
    curl_global_init(CURL_GLOBAL_ALL);
    int is_ours = strcmp(argv[1], "ours") == 0;
    double t0 = seconds();
    int rc = is_ours ? ours(base, &n) : raw(base, &n);
    double dt = seconds() - t0;
    curl_global_cleanup();
    /* ours counts the Records payloads (the file's bytes less the framing), raw every byte */
    if (rc || n.bytes <= 0 || n.bytes > bytes || (!is_ours && n.bytes != bytes)) {
        fprintf(stderr, "events: %lld bytes of %lld\n", (long long)n.bytes, (long long)bytes);
        return 1;
    }
    printf("{\"seconds\": %.4f, \"bytes\": %lld, \"gbs\": %.3f, \"events\": %lld}\n", dt, (long long)bytes,
           (double)bytes / dt / 1e9, (long long)n.events);
    return 0;
}
