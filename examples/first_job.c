/* The README's example: take the next pending job, run it, report SUCCEEDED. */
#include <awsc/iot_jobs_data.h>
#include <stdio.h>

int main(int argc, char **argv) {
    awsc_config cfg = AWSC_CONFIG_INIT;            /* region and keys come from the environment */
    cfg.endpoint_url = argc > 1 ? argv[1] : "https://abc123.jobs.iot.us-east-1.amazonaws.com";
    awsc_iot_jobs_data_client *c;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_iot_jobs_data_client_new(&cfg, &c, &err) != AWSC_OK) return fprintf(stderr, "%s\n", err.message), 1;
    awsc_iot_jobs_data_start_next_pending_job_execution_request next = {.thing_name = "sensor-01"};
    awsc_iot_jobs_data_start_next_pending_job_execution_response *job = NULL;
    if (awsc_iot_jobs_data_start_next_pending_job_execution(c, &next, &job, &err) == AWSC_OK && job->execution) {
        const char *doc = job->execution->job_document;                       /* ...run it... */
        printf("job %s: %s\n", job->execution->job_id, doc ? doc : "(no document)");
        awsc_iot_jobs_data_update_job_execution_request done = {.thing_name = "sensor-01",
            .job_id = job->execution->job_id, .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_SUCCEEDED};
        awsc_iot_jobs_data_update_job_execution_response *ack = NULL;
        awsc_iot_jobs_data_update_job_execution(c, &done, &ack, &err);
        awsc_output_free(ack);
    }
    if (err.status != AWSC_OK) fprintf(stderr, "%s: %s\n", err.code ? err.code : awsc_status_str(err.status), err.message);
    awsc_output_free(job);
    awsc_iot_jobs_data_client_free(c);
    int rc = err.status != AWSC_OK;
    awsc_error_clear(&err);
    return rc;
}
