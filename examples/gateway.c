/*
 * A gateway that runs the job loop of many devices through one asynchronous
 * client: each device takes its next pending job, reports it SUCCEEDED, and
 * asks again until nothing is pending. All devices' calls are in flight at
 * once over the client's bounded connection pool.
 *
 *   gateway --endpoint URL --things N [--prefix NAME] [--region R] [--connections N]
 *
 * Credentials come from the environment. Prints one summary line:
 *   gateway: things=N jobs=J failed=F seconds=S
 * and exits 0 only when no call failed.
 */
#include <awsc/iot_jobs_data.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct gateway gateway;

typedef struct device {
    gateway *gw;
    char thing[64];
    char job_id[65]; /* the job being completed */
    int jobs_done;
} device;

struct gateway {
    awsc_iot_jobs_data_client *client;
    int jobs, failures;
};

static void take_next(device *d);

static void report_failure(device *d, const char *what, int status, const awsc_error *err)
{
    d->gw->failures++;
    fprintf(stderr, "gateway: %s %s: %s %s\n", d->thing, what, err && err->code ? err->code : awsc_status_str(status),
            err && err->message ? err->message : "");
}

static void on_updated(void *user, int status, awsc_iot_jobs_data_update_job_execution_response *out,
                       const awsc_error *err)
{
    device *d = user;
    awsc_output_free(out);
    if (status != AWSC_OK) {
        report_failure(d, "update", status, err);
        return;
    }
    d->jobs_done++;
    d->gw->jobs++;
    take_next(d);
}

static void on_next(void *user, int status, awsc_iot_jobs_data_start_next_pending_job_execution_response *out,
                    const awsc_error *err)
{
    device *d = user;
    if (status != AWSC_OK) {
        report_failure(d, "start-next", status, err);
        return;
    }
    if (!out->execution) { /* nothing pending: this device is done */
        awsc_output_free(out);
        return;
    }
    snprintf(d->job_id, sizeof d->job_id, "%s", out->execution->job_id);
    awsc_iot_jobs_data_update_job_execution_request done = {
        .thing_name = d->thing,
        .job_id = d->job_id,
        .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_SUCCEEDED,
        .expected_version = out->execution->version_number,
        .has_expected_version = true,
    };
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_iot_jobs_data_update_job_execution_async(d->gw->client, &done, on_updated, d, &e);
    awsc_output_free(out); /* the request was serialized already */
    if (rc != AWSC_OK)
        report_failure(d, "update", rc, &e);
    awsc_error_clear(&e);
}

static void take_next(device *d)
{
    awsc_iot_jobs_data_start_next_pending_job_execution_request next = {.thing_name = d->thing};
    awsc_error e = AWSC_ERROR_INIT;
    int rc = awsc_iot_jobs_data_start_next_pending_job_execution_async(d->gw->client, &next, on_next, d, &e);
    if (rc != AWSC_OK)
        report_failure(d, "start-next", rc, &e);
    awsc_error_clear(&e);
}

int main(int argc, char **argv)
{
    const char *endpoint = NULL, *prefix = "gw-thing", *region = NULL;
    long things = 0, connections = 32;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--endpoint") == 0)
            endpoint = argv[i + 1];
        else if (strcmp(argv[i], "--things") == 0)
            things = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--prefix") == 0)
            prefix = argv[i + 1];
        else if (strcmp(argv[i], "--region") == 0)
            region = argv[i + 1];
        else if (strcmp(argv[i], "--connections") == 0)
            connections = strtol(argv[i + 1], NULL, 10);
    }
    if (!endpoint || things < 1 || things > 100000 || connections < 1) {
        fprintf(stderr, "usage: gateway --endpoint URL --things N [--prefix NAME] [--region R] [--connections N]\n");
        return 2;
    }
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.endpoint_url = endpoint;
    cfg.region = region;
    cfg.max_connections = connections;
    gateway gw = {0};
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_client_new(&cfg, &gw.client, &err) != AWSC_OK) {
        fprintf(stderr, "gateway: %s\n", err.message);
        awsc_error_clear(&err);
        return 1;
    }
    device *devices = calloc((size_t)things, sizeof *devices);
    if (!devices) {
        fprintf(stderr, "gateway: out of memory\n");
        awsc_iot_jobs_data_client_free(gw.client);
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < things; i++) {
        devices[i].gw = &gw;
        snprintf(devices[i].thing, sizeof devices[i].thing, "%s-%ld", prefix, i);
        take_next(&devices[i]);
    }
    int left = awsc_iot_jobs_data_client_run(gw.client, -1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("gateway: things=%ld jobs=%d failed=%d seconds=%.2f\n", things, gw.jobs, gw.failures, secs);
    awsc_iot_jobs_data_client_free(gw.client);
    free(devices);
    return gw.failures == 0 && left == 0 ? 0 : 1;
}
