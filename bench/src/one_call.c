/* The smallest program that makes one call: its size is bench/run's footprint figure. */
#include <awsc/iot_jobs_data.h>

int main(int argc, char **argv)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.endpoint_url = argc > 1 ? argv[1] : "http://127.0.0.1:8080";
    awsc_iot_jobs_data_client *c;
    if (awsc_iot_jobs_data_client_new(&cfg, &c, NULL) != AWSC_OK)
        return 1;
    awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "sensor-01", .job_id = "$next"};
    awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
    int rc = awsc_iot_jobs_data_describe_job_execution(c, &in, &out, NULL);
    awsc_output_free(out);
    awsc_iot_jobs_data_client_free(c);
    return rc != AWSC_OK;
}
