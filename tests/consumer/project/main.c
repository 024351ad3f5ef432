/*
 * A program outside the awsc tree, built against an installed awsc (see
 * ../run.py): a validation error needs no network; with an endpoint URL as
 * argument it also makes one real call.
 */
#include <awsc/iot_jobs_data.h>
#include <stdio.h>

int main(int argc, char **argv) {
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.endpoint_url = argc > 1 ? argv[1] : "http://127.0.0.1:9";
    cfg.max_attempts = 1;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_iot_jobs_data_client *c = NULL;
    if (awsc_iot_jobs_data_client_new(&cfg, &c, &err) != AWSC_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        awsc_error_clear(&err);
        return 1;
    }

    /* thingName is required: refused before anything is sent. */
    awsc_iot_jobs_data_get_pending_job_executions_request bad = {0};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    int rc = awsc_iot_jobs_data_get_pending_job_executions(c, &bad, &out, &err);
    printf("validation: %s: %s\n", awsc_status_str(rc), err.message ? err.message : "");
    awsc_error_clear(&err);
    int failed = rc != AWSC_E_VALIDATION;

    if (argc > 1) {
        awsc_iot_jobs_data_get_pending_job_executions_request req = {.thing_name = "consumer-01"};
        rc = awsc_iot_jobs_data_get_pending_job_executions(c, &req, &out, &err);
        if (rc == AWSC_OK) {
            printf("call: %zu in progress, %zu queued", out->in_progress_jobs.count, out->queued_jobs.count);
            if (out->queued_jobs.count > 0)
                printf(", first %s", out->queued_jobs.items[0].job_id);
            printf("\n");
        } else {
            printf("call: %s: %s\n", awsc_status_str(rc), err.message ? err.message : "");
            failed = 1;
        }
        awsc_output_free(out);
        awsc_error_clear(&err);
    }
    printf("%s\n", awsc_iot_jobs_data_job_execution_status_to_string(AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_QUEUED));
    awsc_iot_jobs_data_client_free(c);
    return failed;
}
