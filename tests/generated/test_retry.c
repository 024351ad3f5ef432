/*
 * Retries, backoff and clock-skew correction through the generated client,
 * with a fake clock, sleep and random source so that every wait is known.
 */
#include <awsc/iot_jobs_data.h>

#include "core/retry.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

typedef struct fake {
    int64_t now;
    long slept[16];
    int sleeps;
    double random;
} fake;

static int64_t fake_now(void *ctx) { return ((fake *)ctx)->now; }
static void fake_sleep(void *ctx, long ms)
{
    fake *f = ctx;
    if (f->sleeps < 16)
        f->slept[f->sleeps] = ms;
    f->sleeps++;
}
static double fake_random(void *ctx) { return ((fake *)ctx)->random; }

static awsc_test_server *srv;
static awsc_iot_jobs_data_client *client;
static fake clock_state;

static void start(int max_attempts)
{
    srv = awsc_test_server_start();
    clock_state = (fake){.now = (int64_t)time(NULL), .random = 0.5};
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_attempts = max_attempts;
    cfg.now = fake_now;
    cfg.sleep_ms = fake_sleep;
    cfg.random01 = fake_random;
    cfg.hooks_ctx = &clock_state;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &client, NULL), AWSC_OK);
}

static void setup(void) { start(0); }

static void teardown(void)
{
    awsc_iot_jobs_data_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(retry, .init = setup, .fini = teardown);

static int describe(awsc_error *err)
{
    awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "t", .job_id = "j"};
    awsc_iot_jobs_data_describe_job_execution_response *out = NULL;
    int rc = awsc_iot_jobs_data_describe_job_execution(client, &in, &out, err);
    awsc_output_free(out);
    return rc;
}

static const char *header(size_t i, const char *name)
{
    return awsc_test_request_header(awsc_test_server_request(srv, i), name);
}

Test(retry, transient_errors_are_retried_with_the_same_invocation_id)
{
    awsc_test_server_push_response(srv, 503, NULL, "{}", 2);
    awsc_test_server_push_response(srv, 500, "x-amzn-errortype: InternalServerException\r\n", "{}", 2);
    cr_assert_eq(describe(NULL), AWSC_OK);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_str_eq(header(0, "amz-sdk-request"), "attempt=1; max=3");
    cr_assert_str_eq(header(2, "amz-sdk-request"), "attempt=3; max=3");
    cr_assert_str_eq(header(0, "amz-sdk-invocation-id"), header(2, "amz-sdk-invocation-id"));
    cr_assert_eq(clock_state.sleeps, 2);
    cr_assert_eq(clock_state.slept[0], 25, "half of the 50 ms ceiling");
    cr_assert_eq(clock_state.slept[1], 50, "half of 100 ms");
}

Test(retry, throttling_waits_longer_and_gives_up_after_max_attempts)
{
    for (int i = 0; i < 3; i++)
        awsc_test_server_push_response(srv, 429, "x-amzn-errortype: ThrottlingException\r\n",
                                       "{\"message\":\"slow down\"}", 23);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(describe(&err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "ThrottlingException");
    cr_assert_eq(err.modeled, AWSC_IOT_JOBS_DATA_THROTTLING_EXCEPTION);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_eq(clock_state.slept[0], 500);
    cr_assert_eq(clock_state.slept[1], 1000);
    awsc_error_clear(&err);
}

Test(retry, client_errors_are_not_retried)
{
    awsc_test_server_push_response(srv, 404, "x-amzn-errortype: ResourceNotFoundException\r\n", "{}", 2);
    cr_assert_eq(describe(NULL), AWSC_E_SERVICE);
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
    cr_assert_eq(clock_state.sleeps, 0);
}

Test(retry, retry_after_hint_is_honoured)
{
    awsc_test_server_push_response(srv, 503, "x-amz-retry-after: 1500\r\n", "{}", 2);
    cr_assert_eq(describe(NULL), AWSC_OK);
    cr_assert_eq(clock_state.slept[0], 1500);
}

Test(retry, a_dropped_connection_is_retried)
{
    awsc_test_response drop = {.close_without_answer = true};
    awsc_test_server_push(srv, &drop);
    cr_assert_eq(describe(NULL), AWSC_OK);
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
}

Test(retry, idempotency_token_is_the_same_on_every_attempt)
{
    awsc_test_server_push_response(srv, 503, NULL, "{}", 2);
    awsc_iot_jobs_data_start_command_execution_request in = {.target_arn = "a", .command_arn = "c"};
    awsc_iot_jobs_data_start_command_execution_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_start_command_execution(client, &in, &out, NULL), AWSC_OK);
    awsc_output_free(out);
    const awsc_test_request *a = awsc_test_server_request(srv, 0), *b = awsc_test_server_request(srv, 1);
    cr_assert_eq(a->body_len, b->body_len);
    cr_assert_eq(memcmp(a->body, b->body, a->body_len), 0, "same body, same clientToken");
}

Test(retry, a_skewed_clock_is_corrected_once)
{
    clock_state.now -= 3600; /* our clock is an hour behind the server's */
    char hdr[160];
    struct tm tm;
    time_t server = time(NULL);
    gmtime_r(&server, &tm);
    strftime(hdr, sizeof hdr, "x-amzn-errortype: InvalidSignatureException\r\nDate: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    awsc_test_server_push_response(srv, 403, hdr, "{\"message\":\"Signature expired\"}", 31);
    cr_assert_eq(describe(NULL), AWSC_OK);
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    cr_assert_eq(clock_state.sleeps, 0, "a clock correction costs no backoff");
    cr_assert_str_eq(header(1, "amz-sdk-request"), "attempt=1; max=3");
    char want[17];
    strftime(want, sizeof want, "%Y%m%dT%H", &tm);
    cr_assert(strncmp(header(1, "X-Amz-Date"), want, 11) == 0, "signed with the server's time: %s",
              header(1, "X-Amz-Date"));
}

Test(retry, max_attempts_one_turns_retries_off)
{
    teardown(); /* replace the suite's client with one that never retries */
    start(1);
    awsc_test_server_push_response(srv, 503, NULL, "{}", 2);
    cr_assert_eq(describe(NULL), AWSC_E_SERVICE);
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
}

/* ---- the pure decisions ---- */

Test(retry_rules, classification)
{
    awsc_attempt_failure f = {.status = AWSC_E_SERVICE, .http_status = 400, .code = "ValidationException"};
    cr_assert_eq(awsc_retry_classify(&f), AWSC_RETRY_NO);
    f.code = "SlowDown";
    cr_assert_eq(awsc_retry_classify(&f), AWSC_RETRY_THROTTLE);
    f = (awsc_attempt_failure){.status = AWSC_E_SERVICE, .http_status = 502};
    cr_assert_eq(awsc_retry_classify(&f), AWSC_RETRY_TRANSIENT);
    f = (awsc_attempt_failure){.status = AWSC_E_TRANSPORT, .timed_out = true};
    cr_assert_eq(awsc_retry_classify(&f), AWSC_RETRY_TIMEOUT);
    f = (awsc_attempt_failure){.status = AWSC_E_VALIDATION};
    cr_assert_eq(awsc_retry_classify(&f), AWSC_RETRY_NO);
    f = (awsc_attempt_failure){.status = AWSC_E_SERVICE, .http_status = 400, .modeled_retryable = true};
    cr_assert_eq(awsc_retry_classify(&f), AWSC_RETRY_TRANSIENT);
}

/* ---- adaptive mode: the client-side rate limiter ---- */

Test(retry_rules, the_rate_limiter_waits_only_after_throttling)
{
    awsc_rate_limiter l;
    awsc_rate_limiter_init(&l, 1000.0);
    double t = 1000.0;
    for (int i = 0; i < 200; i++, t += 0.01) { /* two seconds at 100 requests a second */
        cr_assert_eq(awsc_rate_limiter_acquire(&l, t), 0, "no limiting before any throttle");
        awsc_rate_limiter_update(&l, false, t);
    }
    awsc_rate_limiter_update(&l, true, t); /* the service throttles: the fill rate drops below what we sent */
    cr_assert(l.enabled);
    cr_assert_lt(l.fill_rate, l.measured_tx_rate, "fill %g measured %g", l.fill_rate, l.measured_tx_rate);
    double waited = 0;
    for (int i = 0; i < 20; i++)
        waited += awsc_rate_limiter_acquire(&l, t);
    cr_assert_gt(waited, 0, "a burst right after a throttle has to wait");
}

Test(retry_rules, the_rate_recovers_after_throttling_stops)
{
    awsc_rate_limiter l;
    awsc_rate_limiter_init(&l, 0.0);
    double t = 0;
    for (int i = 0; i < 100; i++, t += 0.02)
        awsc_rate_limiter_update(&l, false, t);
    awsc_rate_limiter_update(&l, true, t);
    double after_throttle = l.fill_rate;
    for (int i = 0; i < 500; i++, t += 0.02)
        awsc_rate_limiter_update(&l, false, t);
    cr_assert_gt(l.fill_rate, after_throttle, "CUBIC grows the rate back: %g -> %g", after_throttle, l.fill_rate);
}

Test(retry_rules, the_retry_mode_is_checked)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.retry_mode = "sometimes";
    awsc_iot_jobs_data_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "retry_mode"));
    cfg.retry_mode = "adaptive";
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, &err), AWSC_OK);
    awsc_iot_jobs_data_client_free(c);
    awsc_error_clear(&err);
}

Test(retry, adaptive_mode_still_completes_calls_through_throttling)
{
    teardown();
    srv = awsc_test_server_start();
    clock_state = (fake){.now = (int64_t)time(NULL), .random = 0.5};
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.retry_mode = "adaptive";
    cfg.now = fake_now;
    cfg.sleep_ms = fake_sleep;
    cfg.random01 = fake_random;
    cfg.hooks_ctx = &clock_state;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &client, NULL), AWSC_OK);
    awsc_test_server_push_response(srv, 429, "x-amzn-errortype: ThrottlingException\r\n", "{}", 2);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(describe(NULL), AWSC_OK);
    cr_assert_eq(awsc_test_server_request_count(srv), 6);
}
