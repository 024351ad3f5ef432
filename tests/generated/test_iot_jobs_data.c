/*
 * The generated IoT Jobs data plane client end to end against a loopback
 * server: each operation's exact request, response parsing, modeled and
 * unmodeled errors, and client-side validation.
 */
#include <awsc/iot_jobs_data.h>

#include "test_server.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

static awsc_test_server *srv;
static awsc_iot_jobs_data_client *client;

static void setup(void)
{
    srv = awsc_test_server_start();
    cr_assert_not_null(srv);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.max_attempts = 1; /* retries have their own tests (test_retry.c) */
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &client, &err), AWSC_OK, "%s", err.message);
}

static void teardown(void)
{
    awsc_iot_jobs_data_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(iot_jobs_data, .init = setup, .fini = teardown);

static const awsc_test_request *last_request(void)
{
    size_t n = awsc_test_server_request_count(srv);
    cr_assert_gt(n, 0, "no request reached the server");
    return awsc_test_server_request(srv, n - 1);
}

/* Bodies are compared as JSON values, so key order and spacing do not matter. */
static void assert_json_body(const awsc_test_request *r, const char *expected)
{
    cJSON *got = cJSON_ParseWithLength((const char *)r->body, r->body_len);
    cJSON *want = cJSON_Parse(expected);
    cr_assert_not_null(got, "body is not JSON: %.*s", (int)r->body_len, r->body);
    cr_assert_not_null(want);
    cr_assert(cJSON_Compare(got, want, true), "body %.*s != %s", (int)r->body_len, r->body, expected);
    cJSON_Delete(got);
    cJSON_Delete(want);
    cr_assert_str_eq(awsc_test_request_header(r, "Content-Type"), "application/json");
}

static void assert_signed(const awsc_test_request *r)
{
    const char *auth = awsc_test_request_header(r, "Authorization");
    cr_assert_not_null(auth);
    cr_assert(strncmp(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 40) == 0, "%s", auth);
    cr_assert(strstr(auth, "/us-east-1/iot-jobs-data/aws4_request") != NULL, "%s", auth);
    cr_assert_not_null(awsc_test_request_header(r, "X-Amz-Date"));
    cr_assert_null(awsc_test_request_header(r, "X-Amz-Security-Token"));
}

Test(iot_jobs_data, describe_job_execution_request_is_exact)
{
    awsc_iot_jobs_data_describe_job_execution_request in = {
        .thing_name = "sensor:01",
        .job_id = "$next",
        .include_job_document = false,
        .has_include_job_document = true,
        .execution_number = 0,
        .has_execution_number = true,
    };
    awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_describe_job_execution(client, &in, &out, &err), AWSC_OK, "%s", err.message);
    const awsc_test_request *r = last_request();
    cr_assert_str_eq(r->method, "GET");
    cr_assert_str_eq(r->target, "/things/sensor%3A01/jobs/%24next?executionNumber=0&includeJobDocument=false");
    cr_assert_eq(r->body_len, 0);
    cr_assert_null(awsc_test_request_header(r, "Content-Type"));
    assert_signed(r);
    cr_assert_null(out->execution, "{} has no execution");
    awsc_iot_jobs_data_describe_job_execution_response_free(out);
}

Test(iot_jobs_data, optional_query_members_are_left_out_when_unset)
{
    awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "t", .job_id = "j"};
    awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_describe_job_execution(client, &in, &out, NULL), AWSC_OK);
    cr_assert_str_eq(last_request()->target, "/things/t/jobs/j");
    awsc_output_free(out);
}

Test(iot_jobs_data, get_pending_job_executions_request_and_lists)
{
    const char *body = "{\"inProgressJobs\":[{\"jobId\":\"a\",\"queuedAt\":10,\"startedAt\":11,\"lastUpdatedAt\":12,"
                       "\"versionNumber\":3,\"executionNumber\":1}],\"queuedJobs\":[{\"jobId\":\"b\"},{\"jobId\":\"c\"}]}";
    awsc_test_server_push_response(srv, 200, "Content-Type: application/json\r\n", body, strlen(body));
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "thing-1"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, NULL), AWSC_OK);
    const awsc_test_request *r = last_request();
    cr_assert_str_eq(r->method, "GET");
    cr_assert_str_eq(r->target, "/things/thing-1/jobs");
    cr_assert_eq(out->in_progress_jobs.count, 1);
    const awsc_iot_jobs_data_job_execution_summary *s = &out->in_progress_jobs.items[0];
    cr_assert_str_eq(s->job_id, "a");
    cr_assert_eq(s->queued_at, 10);
    cr_assert(s->has_started_at && s->started_at == 11);
    cr_assert_eq(s->version_number, 3);
    cr_assert(s->has_execution_number && s->execution_number == 1);
    cr_assert_eq(out->queued_jobs.count, 2);
    cr_assert_str_eq(out->queued_jobs.items[1].job_id, "c");
    cr_assert_not(out->queued_jobs.items[1].has_started_at, "absent stays absent");
    cr_assert_not(out->queued_jobs.items[1].has_execution_number);
    awsc_iot_jobs_data_get_pending_job_executions_response_free(out);
}

Test(iot_jobs_data, start_next_pending_sends_body_with_details)
{
    awsc_iot_jobs_data_details_map_entry details[] = {{"step", "1/3"}, {"note", "caf\xc3\xa9 \"q\" \\ \n"}};
    awsc_iot_jobs_data_start_next_pending_job_execution_request in = {
        .thing_name = "t",
        .status_details = {details, 2},
        .step_timeout_in_minutes = -1,
        .has_step_timeout_in_minutes = true,
    };
    awsc_iot_jobs_data_start_next_pending_job_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_start_next_pending_job_execution(client, &in, &out, NULL), AWSC_OK);
    const awsc_test_request *r = last_request();
    cr_assert_str_eq(r->method, "PUT");
    cr_assert_str_eq(r->target, "/things/t/jobs/$next");
    assert_json_body(r, "{\"statusDetails\":{\"step\":\"1/3\",\"note\":\"caf\xc3\xa9 \\\"q\\\" \\\\ \\n\"},"
                        "\"stepTimeoutInMinutes\":-1}");
    awsc_output_free(out);
}

Test(iot_jobs_data, start_next_pending_with_no_body_members_sends_empty_object)
{
    awsc_iot_jobs_data_start_next_pending_job_execution_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_start_next_pending_job_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_start_next_pending_job_execution(client, &in, &out, NULL), AWSC_OK);
    assert_json_body(last_request(), "{}");
    awsc_output_free(out);
}

Test(iot_jobs_data, update_job_execution_request_and_output)
{
    const char *body = "{\"executionState\":{\"status\":\"SUCCEEDED\",\"statusDetails\":{\"k\":\"v\"},"
                       "\"versionNumber\":9007199254740993},\"jobDocument\":\"{\\\"op\\\":\\\"reboot\\\"}\"}";
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
    awsc_iot_jobs_data_update_job_execution_request in = {
        .thing_name = "t",
        .job_id = "job_1",
        .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_SUCCEEDED,
        .expected_version = 0,
        .has_expected_version = true,
        .include_job_execution_state = true,
        .has_include_job_execution_state = true,
        .include_job_document = false,
        .has_include_job_document = true,
    };
    awsc_iot_jobs_data_update_job_execution_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_update_job_execution(client, &in, &out, &err), AWSC_OK, "%s", err.message);
    const awsc_test_request *r = last_request();
    cr_assert_str_eq(r->method, "POST");
    cr_assert_str_eq(r->target, "/things/t/jobs/job_1");
    assert_json_body(r, "{\"status\":\"SUCCEEDED\",\"expectedVersion\":0,\"includeJobExecutionState\":true,"
                        "\"includeJobDocument\":false}");
    cr_assert_eq(out->execution_state->status, AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_SUCCEEDED);
    cr_assert_str_eq(out->execution_state->status_raw, "SUCCEEDED");
    cr_assert_eq(out->execution_state->version_number, 9007199254740993LL, "64-bit integers stay exact");
    cr_assert_eq(out->execution_state->status_details.count, 1);
    cr_assert_str_eq(out->execution_state->status_details.entries[0].key, "k");
    cr_assert_str_eq(out->job_document, "{\"op\":\"reboot\"}");
    awsc_iot_jobs_data_update_job_execution_response_free(out);
}

Test(iot_jobs_data, unknown_enum_values_and_fields_are_kept_or_ignored)
{
    const char *body = "{\"execution\":{\"jobId\":\"j\",\"status\":\"PAUSED_BY_OPERATOR\",\"newField\":{\"x\":[1,2]},"
                       "\"versionNumber\":2},\"extra\":true}";
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
    awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "t", .job_id = "j"};
    awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_describe_job_execution(client, &in, &out, NULL), AWSC_OK);
    cr_assert_eq(out->execution->status, AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_UNKNOWN_TO_SDK);
    cr_assert_str_eq(out->execution->status_raw, "PAUSED_BY_OPERATOR");
    cr_assert_eq(out->execution->version_number, 2);
    cr_assert_eq(out->execution->last_updated_at, 0, "defaulted member");
    cr_assert_not(out->execution->has_started_at);
    awsc_output_free(out);
}

Test(iot_jobs_data, start_command_execution_fills_client_token_and_every_parameter_kind)
{
    static const uint8_t bin[] = {0, 1, 2, 255};
    awsc_iot_jobs_data_command_execution_parameter_map_entry params[] = {
        {"s", {.s = "text"}},
        {"b", {.b = false, .has_b = true}},
        {"i", {.i = -7, .has_i = true}},
        {"l", {.l = 9007199254740993LL, .has_l = true}},
        {"d", {.d = 0.1, .has_d = true}},
        {"bin", {.bin = {bin, sizeof bin}}},
        {"ul", {.ul = "18446744073709551615"}},
    };
    awsc_iot_jobs_data_start_command_execution_request in = {
        .target_arn = "arn:aws:iot:us-east-1:123456789012:thing/t",
        .command_arn = "arn:aws:iot:us-east-1:123456789012:command/c",
        .parameters = {params, 7},
        .execution_timeout_seconds = 30,
        .has_execution_timeout_seconds = true,
    };
    awsc_test_server_push_response(srv, 200, NULL, "{\"executionId\":\"e-1\"}", 21);
    awsc_iot_jobs_data_start_command_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_start_command_execution(client, &in, &out, NULL), AWSC_OK);
    cr_assert_str_eq(out->execution_id, "e-1");
    const awsc_test_request *r = last_request();
    cr_assert_str_eq(r->method, "POST");
    cr_assert_str_eq(r->target, "/command-executions");
    cJSON *got = cJSON_ParseWithLength((const char *)r->body, r->body_len);
    cr_assert_not_null(got);
    const char *token = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(got, "clientToken"));
    cr_assert_not_null(token, "an unset idempotency token is filled");
    regex_t re;
    cr_assert_eq(regcomp(&re, "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", REG_EXTENDED), 0);
    cr_assert_eq(regexec(&re, token, 0, NULL, 0), 0, "token %s is a UUID v4", token);
    regfree(&re);
    cJSON_DeleteItemFromObjectCaseSensitive(got, "clientToken");
    cJSON *want = cJSON_Parse(
        "{\"targetArn\":\"arn:aws:iot:us-east-1:123456789012:thing/t\","
        "\"commandArn\":\"arn:aws:iot:us-east-1:123456789012:command/c\",\"executionTimeoutSeconds\":30,"
        "\"parameters\":{\"s\":{\"S\":\"text\"},\"b\":{\"B\":false},\"i\":{\"I\":-7},\"l\":{\"L\":9007199254740993},"
        "\"d\":{\"D\":0.1},\"bin\":{\"BIN\":\"AAEC/w==\"},\"ul\":{\"UL\":\"18446744073709551615\"}}}");
    cr_assert(cJSON_Compare(got, want, true), "body: %.*s", (int)r->body_len, r->body);
    /* cJSON holds numbers as doubles: check the 64-bit value in the raw bytes too. */
    cr_assert_not_null(strstr((const char *)r->body, "\"L\":9007199254740993"));
    cJSON_Delete(got);
    cJSON_Delete(want);
    cr_assert_null(in.client_token, "the caller's input is not modified");
    awsc_output_free(out);
}

Test(iot_jobs_data, explicit_client_token_is_sent_as_is)
{
    awsc_iot_jobs_data_start_command_execution_request in = {
        .target_arn = "arn:t", .command_arn = "arn:c", .client_token = "my-token-1"};
    awsc_iot_jobs_data_start_command_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_start_command_execution(client, &in, &out, NULL), AWSC_OK);
    assert_json_body(last_request(), "{\"targetArn\":\"arn:t\",\"commandArn\":\"arn:c\",\"clientToken\":\"my-token-1\"}");
    awsc_output_free(out);
}

Test(iot_jobs_data, modeled_error_with_extra_member)
{
    const char *body = "{\"message\":\"token reused with other parameters\",\"resourceId\":\"cmd-9\"}";
    awsc_test_server_push_response(srv, 409,
                                   "x-amzn-errortype: ConflictException:http://internal.amazon.com/coral/\r\n"
                                   "x-amzn-requestid: 11112222-aaaa\r\n",
                                   body, strlen(body));
    awsc_iot_jobs_data_start_command_execution_request in = {.target_arn = "a", .command_arn = "c"};
    awsc_iot_jobs_data_start_command_execution_response *out = (void *)1;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_start_command_execution(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_null(out);
    cr_assert_eq(err.status, AWSC_E_SERVICE);
    cr_assert_eq(err.http_status, 409);
    cr_assert_str_eq(err.code, "ConflictException");
    cr_assert_str_eq(err.message, "token reused with other parameters");
    cr_assert_str_eq(err.request_id, "11112222-aaaa");
    cr_assert_eq(err.modeled, AWSC_IOT_JOBS_DATA_CONFLICT_EXCEPTION);
    const awsc_iot_jobs_data_conflict_exception *e = err.detail;
    cr_assert_not_null(e);
    cr_assert_str_eq(e->resource_id, "cmd-9");
    awsc_error_clear(&err);
    cr_assert_null(err.code);
}

Test(iot_jobs_data, error_code_from_body_type_with_namespace)
{
    const char *body = "{\"__type\":\"com.amazonaws.iotjobsdataplane#ResourceNotFoundException\",\"message\":\"no job\"}";
    awsc_test_server_push_response(srv, 404, NULL, body, strlen(body));
    awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "t", .job_id = "j"};
    awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_describe_job_execution(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "ResourceNotFoundException");
    cr_assert_eq(err.modeled, AWSC_IOT_JOBS_DATA_RESOURCE_NOT_FOUND_EXCEPTION);
    cr_assert_str_eq(err.message, "no job");
    awsc_error_clear(&err);
}

Test(iot_jobs_data, unmodeled_error_keeps_its_code)
{
    const char *body = "{\"code\":\"SomethingNewException\",\"Message\":\"new failure\"}";
    awsc_test_server_push_response(srv, 400, NULL, body, strlen(body));
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "SomethingNewException");
    cr_assert_eq(err.modeled, 0);
    cr_assert_null(err.detail);
    cr_assert_str_eq(err.message, "new failure");
    awsc_error_clear(&err);
}

Test(iot_jobs_data, error_without_body_reports_status)
{
    /* No modeled error of the operation has @httpError 502: the status alone */
    awsc_test_server_push_response(srv, 502, NULL, "", 0);
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_eq(err.http_status, 502);
    cr_assert_null(err.code);
    cr_assert_not_null(strstr(err.message, "502"));
    /* ServiceUnavailableException is its one error with @httpError 503: a bodiless 503 is that error */
    awsc_test_server_push_response(srv, 503, NULL, "", 0);
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_eq(err.http_status, 503);
    cr_assert_str_eq(err.code, "ServiceUnavailableException");
    cr_assert_eq(err.modeled, AWSC_IOT_JOBS_DATA_SERVICE_UNAVAILABLE_EXCEPTION);
    cr_assert_str_eq(err.message, "HTTP 503");
    awsc_error_clear(&err);
}

Test(iot_jobs_data, malformed_success_body_is_a_response_error)
{
    const char *bodies[] = {"{\"execution\":", "{\"execution\":{\"versionNumber\":\"x\"}}", "[1,2]",
                            "{\"execution\":{\"versionNumber\":99999999999999999999}}", "{\"a\":1} trailing",
                            "{\"execution\":{\"jobId\":\"\xff\"}}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        awsc_test_server_push_response(srv, 200, NULL, bodies[i], strlen(bodies[i]));
        awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "t", .job_id = "j"};
        awsc_iot_jobs_data_describe_job_execution_response *out = (void *)1;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(awsc_iot_jobs_data_describe_job_execution(client, &in, &out, &err), AWSC_E_RESPONSE,
                     "body %s", bodies[i]);
        cr_assert_null(out);
        cr_assert_not_null(err.message);
        cr_assert_eq(err.http_status, 200);
        awsc_error_clear(&err);
    }
}

Test(iot_jobs_data, validation_names_the_member_and_sends_nothing)
{
    awsc_error err = AWSC_ERROR_INIT;
    awsc_iot_jobs_data_update_job_execution_request missing = {.thing_name = "t", .job_id = "j"};
    awsc_iot_jobs_data_update_job_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_update_job_execution(client, &missing, &out, &err), AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "status"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "required"), "%s", err.message);

    awsc_iot_jobs_data_update_job_execution_request empty = {
        .thing_name = "", .job_id = "j", .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_FAILED};
    cr_assert_eq(awsc_iot_jobs_data_update_job_execution(client, &empty, &out, &err), AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "thingName"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "minimum 1"), "%s", err.message);

    awsc_iot_jobs_data_details_map_entry bad[] = {{"k", ""}};
    awsc_iot_jobs_data_start_next_pending_job_execution_request details = {.thing_name = "t",
                                                                           .status_details = {bad, 1}};
    awsc_iot_jobs_data_start_next_pending_job_execution_response *out2 = NULL;
    cr_assert_eq(awsc_iot_jobs_data_start_next_pending_job_execution(client, &details, &out2, &err),
                 AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "statusDetails[\"k\"]"), "%s", err.message);

    awsc_iot_jobs_data_start_command_execution_request timeout = {
        .target_arn = "a", .command_arn = "c", .execution_timeout_seconds = 0, .has_execution_timeout_seconds = true};
    awsc_iot_jobs_data_start_command_execution_response *out3 = NULL;
    cr_assert_eq(awsc_iot_jobs_data_start_command_execution(client, &timeout, &out3, &err), AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "executionTimeoutSeconds"), "%s", err.message);

    cr_assert_eq(awsc_iot_jobs_data_update_job_execution(client, NULL, &out, &err), AWSC_E_VALIDATION);
    awsc_error_clear(&err);
    cr_assert_eq(awsc_test_server_request_count(srv), 0, "invalid input is never sent");
}

Test(iot_jobs_data, maximums_and_patterns_are_left_to_the_service)
{
    char long_name[200];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = long_name};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, NULL), AWSC_OK);
    awsc_output_free(out);
}

Test(iot_jobs_data, unknown_enum_value_can_be_sent_through_raw)
{
    awsc_iot_jobs_data_update_job_execution_request in = {
        .thing_name = "t", .job_id = "j", .status = AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_UNKNOWN_TO_SDK,
        .status_raw = "NEW_STATUS"};
    awsc_iot_jobs_data_update_job_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_update_job_execution(client, &in, &out, NULL), AWSC_OK);
    assert_json_body(last_request(), "{\"status\":\"NEW_STATUS\"}");
    awsc_output_free(out);
}

Test(iot_jobs_data, keep_alive_reuses_one_connection)
{
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    for (int i = 0; i < 5; i++) {
        awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
        cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, NULL), AWSC_OK);
        awsc_output_free(out);
    }
    cr_assert_eq(awsc_test_server_connection_count(srv), 1);
}

Test(iot_jobs_data, null_error_argument_fills_the_thread_last_error)
{
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = NULL};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(client, &in, &out, NULL), AWSC_E_VALIDATION);
    cr_assert_eq(awsc_last_error()->status, AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(awsc_last_error()->message, "thingName"));
}

Test(iot_jobs_data, enum_string_helpers)
{
    cr_assert_str_eq(awsc_iot_jobs_data_job_execution_status_to_string(AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_TIMED_OUT),
                     "TIMED_OUT");
    cr_assert_null(awsc_iot_jobs_data_job_execution_status_to_string(AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_NOT_SET));
    cr_assert_eq(awsc_iot_jobs_data_job_execution_status_from_string("REMOVED"),
                 AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_REMOVED);
    cr_assert_eq(awsc_iot_jobs_data_job_execution_status_from_string("nope"),
                 AWSC_IOT_JOBS_DATA_JOB_EXECUTION_STATUS_UNKNOWN_TO_SDK);
}

Test(iot_jobs_data, configuration_errors)
{
    awsc_iot_jobs_data_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = "ftp://example.com";
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, &err), AWSC_E_CONFIG);
    cr_assert_null(c);
    cfg.endpoint_url = NULL;
    cfg.region = "us-east-1/../x";
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, &err), AWSC_E_CONFIG);
    cfg.region = "us-east-1";
    cfg.access_key_id = "AKID";
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, &err), AWSC_E_CONFIG, "secret missing");
    awsc_error_clear(&err);
}

Test(iot_jobs_data, session_token_is_sent)
{
    awsc_iot_jobs_data_client *c = NULL;
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "eu-west-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.session_token = "TOKEN/+=";
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, NULL), AWSC_OK);
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(c, &in, &out, NULL), AWSC_OK);
    const awsc_test_request *r = last_request();
    cr_assert_str_eq(awsc_test_request_header(r, "X-Amz-Security-Token"), "TOKEN/+=");
    cr_assert_not_null(strstr(awsc_test_request_header(r, "Authorization"), "x-amz-security-token"));
    cr_assert_not_null(strstr(awsc_test_request_header(r, "Authorization"), "/eu-west-1/iot-jobs-data/"));
    awsc_output_free(out);
    awsc_iot_jobs_data_client_free(c);
}
