/* Non-blocking calls: hundreds in flight over a bounded pool, retries, and an external poll() loop. */
#include <awsc/iot_jobs_data.h>

#include "test_poll_loop.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static awsc_test_server *srv;
static awsc_iot_jobs_data_client *client;

static void start(long max_connections)
{
    srv = awsc_test_server_start();
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_connections = max_connections;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &client, NULL), AWSC_OK);
}

static void setup(void) { start(8); }

static void teardown(void)
{
    awsc_iot_jobs_data_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(async, .init = setup, .fini = teardown);

typedef struct tally {
    int ok, failed, attempts;
    char last_code[64];
} tally;

static void on_done(void *user, int status, awsc_iot_jobs_data_get_pending_job_executions_response *out,
                    const awsc_error *err)
{
    tally *t = user;
    if (status == AWSC_OK) {
        t->ok++;
        t->attempts += awsc_output_metadata(out)->attempts;
        awsc_output_free(out);
    } else {
        t->failed++;
        snprintf(t->last_code, sizeof t->last_code, "%s", err && err->code ? err->code : awsc_status_str(status));
    }
}

Test(async, hundreds_of_calls_share_a_bounded_pool)
{
    tally t = {0};
    char names[300][16];
    for (int i = 0; i < 300; i++) {
        snprintf(names[i], sizeof names[i], "thing-%d", i);
        awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = names[i]};
        cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions_async(client, &in, on_done, &t, NULL), AWSC_OK);
    }
    cr_assert_eq(awsc_client_in_flight(awsc_iot_jobs_data_client_base(client)), 300);
    cr_assert_eq(awsc_iot_jobs_data_client_run(client, 30000), 0);
    cr_assert_eq(t.ok, 300, "ok %d failed %d (%s)", t.ok, t.failed, t.last_code);
    cr_assert_eq(awsc_test_server_request_count(srv), 300);
    cr_assert_leq(awsc_test_server_connection_count(srv), 8, "%zu connections", awsc_test_server_connection_count(srv));
    /* Every thing's own path reached the server. */
    bool seen_last = false;
    for (size_t i = 0; i < 300; i++)
        seen_last |= strcmp(awsc_test_server_request(srv, i)->target, "/things/thing-299/jobs") == 0;
    cr_assert(seen_last);
}

Test(async, errors_are_retried_then_reported)
{
    awsc_test_server_push_response(srv, 503, NULL, "{}", 2);
    tally t = {0};
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions_async(client, &in, on_done, &t, NULL), AWSC_OK);
    cr_assert_eq(awsc_iot_jobs_data_client_run(client, 10000), 0);
    cr_assert_eq(t.ok, 1);
    cr_assert_eq(t.attempts, 2, "the 503 was retried");

    awsc_test_server_push_response(srv, 404, "x-amzn-errortype: ResourceNotFoundException\r\n", "{}", 2);
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions_async(client, &in, on_done, &t, NULL), AWSC_OK);
    cr_assert_eq(awsc_iot_jobs_data_client_run(client, 10000), 0);
    cr_assert_eq(t.failed, 1);
    cr_assert_str_eq(t.last_code, "ResourceNotFoundException");
}

Test(async, invalid_input_fails_at_once)
{
    tally t = {0};
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = NULL};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions_async(client, &in, on_done, &t, &err),
                 AWSC_E_VALIDATION);
    cr_assert_eq(t.ok + t.failed, 0, "no callback for a call that never started");
    cr_assert_eq(awsc_client_in_flight(awsc_iot_jobs_data_client_base(client)), 0);
    awsc_error_clear(&err);
}

Test(async, freeing_the_client_ends_calls_in_flight)
{
    awsc_test_response slow = {.delay_ms = 120000}; /* never, for this test: stop interrupts it */
    awsc_test_server_push(srv, &slow);
    tally t = {0};
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions_async(client, &in, on_done, &t, NULL), AWSC_OK);
    awsc_iot_jobs_data_client_run(client, 50);
    awsc_iot_jobs_data_client_free(client);
    client = NULL;
    cr_assert_eq(t.failed, 1, "the callback said why");
    cr_assert_str_eq(t.last_code, "transport error");
}

/* ---- an external event loop: poll() with the socket and timer callbacks ---- */

Test(async, an_external_poll_loop_drives_the_calls)
{
    awsc_test_loop l;
    awsc_client *base = awsc_iot_jobs_data_client_base(client);
    cr_assert_eq(awsc_test_loop_attach(&l, base), 0);
    tally t = {0};
    awsc_test_server_push_response(srv, 503, NULL, "{}", 2); /* one retry waits on the timer */
    for (int i = 0; i < 50; i++) {
        awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
        cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions_async(client, &in, on_done, &t, NULL), AWSC_OK);
    }
    for (int rounds = 0; awsc_client_in_flight(base) > 0 && rounds < 100000; rounds++)
        cr_assert_geq(awsc_test_loop_turn(&l, base, 1000), 0);
    cr_assert_eq(t.ok, 50, "ok %d failed %d", t.ok, t.failed);
    cr_assert_eq(t.attempts, 51);
}
