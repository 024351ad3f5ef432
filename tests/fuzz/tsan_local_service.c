/*
 * One awsc client shared by 8 threads running devices' job loops against the
 * local IoT Jobs service (emulator/), under ThreadSanitizer. scripts/reliability
 * starts the service, queues JOBS jobs for each thing tsan-thing-<i>, and passes
 * its URL and keys in AWSC_TSAN_ENDPOINT / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 * Exits 0 when every job was taken and completed exactly once.
 */
#include <awsc/iot_jobs_data.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define JOBS 3

static awsc_iot_jobs_data_client *client;

typedef struct device {
    int index, completed, errors;
} device;

static void *job_loop(void *arg)
{
    device *d = arg;
    char thing[32];
    snprintf(thing, sizeof thing, "tsan-thing-%d", d->index);
    for (;;) {
        awsc_iot_jobs_data_start_next_pending_job_execution_request next = {.thing_name = thing};
        awsc_iot_jobs_data_start_next_pending_job_execution_response *job = NULL;
        awsc_error err = AWSC_ERROR_INIT;
        if (awsc_iot_jobs_data_start_next_pending_job_execution(client, &next, &job, &err) != AWSC_OK) {
            fprintf(stderr, "%s: start-next: %s\n", thing, err.message);
            d->errors++;
            awsc_error_clear(&err);
            return NULL;
        }
        if (!job->execution) {
            awsc_output_free(job);
            return NULL;
        }
        awsc_iot_jobs_data_update_job_execution_request done = {
            .thing_name = thing,
            .job_id = job->execution->job_id,
            .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_SUCCEEDED,
            .expected_version = job->execution->version_number,
            .has_expected_version = true,
        };
        awsc_iot_jobs_data_update_job_execution_response *ack = NULL;
        if (awsc_iot_jobs_data_update_job_execution(client, &done, &ack, &err) == AWSC_OK)
            d->completed++;
        else
            d->errors++;
        awsc_output_free(ack);
        awsc_output_free(job);
        awsc_error_clear(&err);
    }
}

int main(void)
{
    const char *endpoint = getenv("AWSC_TSAN_ENDPOINT");
    if (!endpoint) {
        fprintf(stderr, "tsan_local_service: set AWSC_TSAN_ENDPOINT to the local service's URL\n");
        return 2;
    }
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = endpoint;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_client_new(&cfg, &client, &err) != AWSC_OK) {
        fprintf(stderr, "tsan_local_service: %s\n", err.message);
        return 1;
    }
    pthread_t t[THREADS];
    device d[THREADS];
    for (int i = 0; i < THREADS; i++) {
        d[i] = (device){.index = i};
        pthread_create(&t[i], NULL, job_loop, &d[i]);
    }
    int bad = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        if (d[i].completed != JOBS || d[i].errors) {
            fprintf(stderr, "tsan-thing-%d: %d completed, %d errors\n", i, d[i].completed, d[i].errors);
            bad = 1;
        }
    }
    awsc_iot_jobs_data_client_free(client);
    printf("tsan_local_service: %d threads, %d jobs each, %s\n", THREADS, JOBS, bad ? "FAILED" : "all completed");
    return bad;
}
