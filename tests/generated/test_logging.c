/* Logging (levels, sink, one line per attempt, redaction) and per-call metadata. */
#include <awsc/iot_jobs_data.h>

#include "test_server.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETSECRET"
#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLETOKENSECRET"

typedef struct captured {
    char *lines[64];
    awsc_log_level levels[64];
    int count;
} captured;

static void capture(void *user, awsc_log_level level, const char *line)
{
    captured *c = user;
    if (c->count < 64) {
        c->levels[c->count] = level;
        c->lines[c->count++] = strdup(line);
    }
}

static void no_sleep(void *ctx, long ms)
{
    (void)ctx;
    (void)ms;
}

static awsc_test_server *srv;
static awsc_iot_jobs_data_client *client;
static captured logs;

static void start(awsc_log_level level)
{
    srv = awsc_test_server_start();
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKIDLOGTEST";
    cfg.secret_access_key = SECRET;
    cfg.session_token = TOKEN;
    cfg.log_level = level;
    cfg.log_fn = capture;
    cfg.log_user = &logs;
    cfg.sleep_ms = no_sleep;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &client, NULL), AWSC_OK);
}

static void setup(void) { start(AWSC_LOG_TRACE); }

static void teardown(void)
{
    awsc_iot_jobs_data_client_free(client);
    awsc_test_server_stop(srv);
    for (int i = 0; i < logs.count; i++)
        free(logs.lines[i]);
    memset(&logs, 0, sizeof logs);
}

TestSuite(logging, .init = setup, .fini = teardown);

static int count_level(awsc_log_level level)
{
    int n = 0;
    for (int i = 0; i < logs.count; i++)
        n += logs.levels[i] == level;
    return n;
}

Test(logging, secrets_never_reach_any_log_line)
{
    awsc_test_server_push_response(srv, 503, "x-amzn-requestid: r-1\r\n", "{}", 2);
    awsc_iot_jobs_data_update_job_execution_request in = {
        .thing_name = "t", .job_id = "j", .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_SUCCEEDED};
    awsc_iot_jobs_data_update_job_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_update_job_execution(client, &in, &out, NULL), AWSC_OK);
    awsc_output_free(out);
    cr_assert_gt(logs.count, 4);
    bool saw_signature = false;
    for (int i = 0; i < logs.count; i++) {
        cr_assert_null(strstr(logs.lines[i], SECRET), "secret key in: %s", logs.lines[i]);
        cr_assert_null(strstr(logs.lines[i], TOKEN), "session token in: %s", logs.lines[i]);
        saw_signature |= strstr(logs.lines[i], "Signature=<redacted>") != NULL;
    }
    cr_assert(saw_signature, "the wire dump shows the Authorization header, redacted");
}

Test(logging, one_info_line_per_attempt)
{
    awsc_test_server_push_response(srv, 503, "x-amzn-requestid: r-1\r\n", "{}", 2);
    awsc_test_server_push_response(srv, 200, "x-amzn-requestid: r-2\r\n", "{}", 2);
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, NULL), AWSC_OK);
    cr_assert_eq(count_level(AWSC_LOG_INFO), 2);
    bool first = false, second = false;
    for (int i = 0; i < logs.count; i++) {
        if (logs.levels[i] != AWSC_LOG_INFO)
            continue;
        first |= strstr(logs.lines[i], "GetPendingJobExecutions attempt 1/3: HTTP 503") != NULL;
        second |= strstr(logs.lines[i], "attempt 2/3: HTTP 200") && strstr(logs.lines[i], "request id r-2");
    }
    cr_assert(first && second);
    const awsc_call_metadata *meta = awsc_output_metadata(out);
    cr_assert_eq(meta->attempts, 2);
    cr_assert_eq(meta->http_status, 200);
    cr_assert_str_eq(meta->request_id, "r-2");
    awsc_output_free(out);
}

Test(logging, a_failed_call_says_how_hard_it_tried)
{
    for (int i = 0; i < 3; i++)
        awsc_test_server_push_response(srv, 500, "x-amzn-errortype: InternalServerException\r\n", "{}", 2);
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_eq(err.attempts, 3);
    cr_assert_eq(count_level(AWSC_LOG_ERROR), 1);
    for (int i = 0; i < logs.count; i++)
        cr_assert_null(strstr(logs.lines[i], SECRET));
    cr_assert_null(strstr(err.message, SECRET));
    awsc_error_clear(&err);
}

Test(logging, nothing_below_the_level)
{
    teardown();
    start(AWSC_LOG_WARN);
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, NULL), AWSC_OK);
    awsc_output_free(out);
    cr_assert_eq(logs.count, 0);
}

/* The ids S3 and CloudFront add, for support cases: in the output's metadata and in the error. */
Test(logging, s3_and_cloudfront_ids_in_metadata_and_errors)
{
    awsc_test_server_push_response(srv, 200, "x-amz-request-id: s3-rid\r\nx-amz-id-2: host/id+2=\r\nx-amz-cf-id: cf-1\r\n",
                                   "{}", 2);
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, NULL), AWSC_OK);
    const awsc_call_metadata *meta = awsc_output_metadata(out);
    cr_assert_str_eq(meta->request_id, "s3-rid");
    cr_assert_str_eq(meta->extended_request_id, "host/id+2=");
    cr_assert_str_eq(meta->cf_id, "cf-1");
    awsc_output_free(out);

    awsc_test_server_push_response(srv, 404,
                                   "x-amzn-errortype: ResourceNotFoundException\r\nx-amz-request-id: s3-rid-2\r\n"
                                   "x-amz-id-2: ext-2\r\nx-amz-cf-id: cf-2\r\n",
                                   "{}", 2);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.request_id, "s3-rid-2");
    cr_assert_str_eq(err.extended_request_id, "ext-2");
    cr_assert_str_eq(err.cf_id, "cf-2");
    awsc_error_clear(&err);
    cr_assert_null(err.extended_request_id);
}
