/*
 * One awsc client shared by several threads against the loopback test server
 * (tests/support/test_server.h), run under ThreadSanitizer by
 * scripts/reliability. Some answers are 503s, so retries, the client's retry
 * bucket and the thread-local last error are exercised concurrently too.
 * Exits 0 when every call ended as expected (TSan makes a race exit 66).
 */
#include <awsc/iot_jobs_data.h>

#include "test_server.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define CALLS 50
#define FAILURES 12 /* 503 answers queued among the first requests */

static awsc_iot_jobs_data_client *client;
static void no_sleep(void *ctx, long ms) { (void)ctx, (void)ms; }

typedef struct worker {
    int index, ok, failed_as_expected, unexpected;
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    char thing[32];
    snprintf(thing, sizeof thing, "thing-%d", w->index);
    for (int i = 0; i < CALLS; i++) {
        awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = thing, .job_id = "$next"};
        awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
        /* Half the calls use the thread-local last error, half their own. */
        awsc_error err = AWSC_ERROR_INIT;
        bool own = i % 2;
        int rc = awsc_iot_jobs_data_describe_job_execution(client, &in, &out, own ? &err : NULL);
        const awsc_error *e = own ? &err : awsc_last_error();
        if (rc == AWSC_OK && out)
            w->ok++;
        else if (rc == AWSC_E_SERVICE && e->status == AWSC_E_SERVICE && e->http_status == 503)
            w->failed_as_expected++; /* three 503s in a row for this call */
        else
            w->unexpected++, fprintf(stderr, "thread %d call %d: rc %d: %s\n", w->index, i, rc,
                                     e->message ? e->message : "?");
        awsc_output_free(out);
        awsc_error_clear(&err);
    }
    return NULL;
}

int main(void)
{
    awsc_test_server *srv = awsc_test_server_start();
    if (!srv)
        return fprintf(stderr, "cannot start the test server\n"), 1;
    for (int i = 0; i < FAILURES; i++)
        awsc_test_server_push_response(srv, 503, "x-amzn-errortype: ServiceUnavailableException\r\n", "{}", 2);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.sleep_ms = no_sleep;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_client_new(&cfg, &client, &err) != AWSC_OK)
        return fprintf(stderr, "client: %s\n", err.message), awsc_test_server_stop(srv), 1;

    pthread_t t[THREADS];
    worker w[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++) {
        w[i].index = i;
        pthread_create(&t[i], NULL, run, &w[i]);
    }
    int ok = 0, failed = 0, unexpected = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ok += w[i].ok, failed += w[i].failed_as_expected, unexpected += w[i].unexpected;
    }
    size_t requests = awsc_test_server_request_count(srv);
    awsc_iot_jobs_data_client_free(client);
    awsc_test_server_stop(srv);
    /* Every call is accounted for, and each 503 cost exactly one extra request. */
    int calls = THREADS * CALLS;
    bool good = unexpected == 0 && ok + failed == calls && requests == (size_t)(calls - failed + FAILURES);
    printf("tsan_client: %d calls on %d threads, %d ok, %d failed after 3 x 503, %zu requests%s\n", calls, THREADS,
           ok, failed, requests, good ? "" : " (UNEXPECTED)");
    return good ? 0 : 1;
}
