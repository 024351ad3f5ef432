/*
 * Standard retry mode as the AWS SDKs behave since the 2026 update, one test
 * per rule, each reading its numbers from the table in core/retry.c
 * (awsc_retry_rules) rather than repeating them. The rules that need a
 * service (DynamoDB's own numbers, long-polling operations) run against a
 * loopback server through a copy of the IoT Jobs service renamed to the
 * service the rule names.
 */
#include <awsc/iot_jobs_data.h>

#include "core/retry.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const awsc_retry_table *T = &awsc_retry_rules;

/* ---- the quota ---- */

Test(retry_table, a_transient_retry_costs_the_transient_cost)
{
    awsc_retry_bucket b;
    awsc_retry_bucket_init(&b);
    cr_assert_eq(awsc_retry_bucket_tokens(&b), T->bucket_capacity);
    int taken = 0;
    cr_assert(awsc_retry_bucket_acquire(&b, AWSC_RETRY_TRANSIENT, &taken));
    cr_assert_eq(taken, T->transient_cost);
    cr_assert_eq(awsc_retry_bucket_tokens(&b), T->bucket_capacity - T->transient_cost);
    awsc_retry_bucket_destroy(&b);
    cr_assert_eq(T->transient_cost, 14, "the reference guide's transient cost");
}

Test(retry_table, a_throttling_retry_costs_the_throttling_cost)
{
    awsc_retry_bucket b;
    awsc_retry_bucket_init(&b);
    int taken = 0;
    cr_assert(awsc_retry_bucket_acquire(&b, AWSC_RETRY_THROTTLE, &taken));
    cr_assert_eq(taken, T->throttle_cost);
    awsc_retry_bucket_destroy(&b);
    cr_assert_eq(T->throttle_cost, 5);
}

Test(retry_table, timeouts_are_not_special)
{
    awsc_attempt_failure f = {.status = AWSC_E_TRANSPORT, .timed_out = true};
    awsc_retry_kind k = awsc_retry_classify(&f);
    cr_assert_neq(k, AWSC_RETRY_NO, "a timeout is retried");
    cr_assert_eq(awsc_retry_cost(k), T->transient_cost, "at the transient cost");
    cr_assert_eq(awsc_retry_delay_ms(NULL, 2, k, 0.999999, -1), T->transient_base_ms - 1, "with the transient delay");
}

Test(retry_table, the_quota_runs_dry_and_successes_refill_it)
{
    awsc_retry_bucket b;
    awsc_retry_bucket_init(&b);
    int taken = 0, retries = 0;
    while (awsc_retry_bucket_acquire(&b, AWSC_RETRY_TRANSIENT, &taken))
        retries++;
    cr_assert_eq(retries, T->bucket_capacity / T->transient_cost);
    int left = T->bucket_capacity % T->transient_cost;
    cr_assert_eq(awsc_retry_bucket_tokens(&b), left);
    awsc_retry_bucket_release(&b, taken);
    cr_assert_eq(awsc_retry_bucket_tokens(&b), T->bucket_capacity, "a success after retries returns their cost");
    int one = 0;
    awsc_retry_bucket_acquire(&b, AWSC_RETRY_THROTTLE, &one);
    awsc_retry_bucket_release(&b, 0);
    cr_assert_eq(awsc_retry_bucket_tokens(&b), T->bucket_capacity - T->throttle_cost + T->success_refund,
                 "a first-try success adds the refund");
    awsc_retry_bucket_destroy(&b);
}

/* ---- the delays ---- */

Test(retry_table, transient_errors_start_at_the_transient_base)
{
    cr_assert_eq(T->transient_base_ms, 50);
    cr_assert_eq(awsc_retry_delay_ms(NULL, 2, AWSC_RETRY_TRANSIENT, 0.999999, -1), T->transient_base_ms - 1);
    cr_assert_eq(awsc_retry_delay_ms(NULL, 3, AWSC_RETRY_TRANSIENT, 0.5, -1), T->transient_base_ms, "doubles");
}

Test(retry_table, throttling_starts_at_the_throttling_base)
{
    cr_assert_eq(T->throttle_base_ms, 1000);
    cr_assert_eq(awsc_retry_delay_ms(NULL, 2, AWSC_RETRY_THROTTLE, 0.5, -1), T->throttle_base_ms / 2);
    cr_assert_eq(awsc_retry_delay_ms(NULL, 4, AWSC_RETRY_THROTTLE, 0.5, -1), T->throttle_base_ms * 2);
}

Test(retry_table, the_cap_applies_before_the_jitter)
{
    cr_assert_eq(T->max_backoff_ms, 20000);
    /* Far past the cap the ceiling is the cap itself: the jitter draws below it, never above. */
    cr_assert_eq(awsc_retry_delay_ms(NULL, 40, AWSC_RETRY_THROTTLE, 0.5, -1), T->max_backoff_ms / 2);
    cr_assert_eq(awsc_retry_delay_ms(NULL, 40, AWSC_RETRY_THROTTLE, 0.999999, -1), T->max_backoff_ms - 1);
}

Test(retry_table, retry_after_is_clamped_to_the_allowed_window)
{
    long computed = awsc_retry_delay_ms(NULL, 3, AWSC_RETRY_TRANSIENT, 0.5, -1);
    cr_assert_eq(awsc_retry_delay_ms(NULL, 3, AWSC_RETRY_TRANSIENT, 0.5, computed + 700), computed + 700, "within");
    cr_assert_eq(awsc_retry_delay_ms(NULL, 3, AWSC_RETRY_TRANSIENT, 0.5, 0), computed, "never below the computed wait");
    cr_assert_eq(awsc_retry_delay_ms(NULL, 3, AWSC_RETRY_TRANSIENT, 0.5, 999999), computed + T->retry_after_extra_ms,
                 "at most %ld ms above it", T->retry_after_extra_ms);
}

/* ---- through a client, against a loopback server ---- */

typedef struct fake {
    long slept[16];
    int sleeps;
} fake;

static int64_t fake_now(void *ctx) { (void)ctx; return (int64_t)time(NULL); }
static void fake_sleep(void *ctx, long ms)
{
    fake *f = ctx;
    if (f->sleeps < 16)
        f->slept[f->sleeps] = ms;
    f->sleeps++;
}
static double fake_random(void *ctx) { (void)ctx; return 0.5; }

static awsc_test_server *srv;
static fake hooks;
static awsc_service renamed;
static awsc_operation renamed_ops[64];
static const awsc_operation *describe_op;

/* The IoT Jobs service under another sdkId, with DescribeJobExecution named `op_name`. */
static awsc_client *client_as(const char *sdk_id, const char *op_name, int max_attempts)
{
    const awsc_service *jobs = awsc_iot_jobs_data_service();
    cr_assert_leq(jobs->operation_count, 64);
    renamed = *jobs;
    renamed.sdk_id = sdk_id;
    memcpy(renamed_ops, jobs->operations, jobs->operation_count * sizeof *renamed_ops);
    renamed.operations = renamed_ops;
    for (uint32_t i = 0; i < jobs->operation_count; i++)
        if (strcmp(renamed_ops[i].name, "DescribeJobExecution") == 0) {
            renamed_ops[i].name = op_name;
            describe_op = &renamed_ops[i];
        }
    srv = awsc_test_server_start();
    hooks = (fake){0};
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_attempts = max_attempts;
    cfg.now = fake_now;
    cfg.sleep_ms = fake_sleep;
    cfg.random01 = fake_random;
    cfg.hooks_ctx = &hooks;
    awsc_client *c = NULL;
    cr_assert_eq(awsc_client_new(&renamed, &cfg, &c, NULL), AWSC_OK);
    return c;
}

static int call(awsc_client *c)
{
    awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "t", .job_id = "j"};
    void *out = NULL;
    int rc = awsc_client_invoke(c, describe_op, &in, &out, NULL);
    awsc_output_free(out);
    return rc;
}

static void done(awsc_client *c)
{
    awsc_client_free(c);
    awsc_test_server_stop(srv);
}

Test(retry_table, dynamodb_and_streams_have_their_own_base_and_attempts)
{
    const char *ids[] = {"DynamoDB", "DynamoDB Streams"};
    for (int s = 0; s < 2; s++) {
        awsc_retry_policy p = awsc_retry_policy_for(ids[s]);
        const awsc_retry_service_rule *rule = NULL;
        for (size_t i = 0; i < T->service_count; i++)
            if (strcmp(T->services[i].sdk_id, ids[s]) == 0)
                rule = &T->services[i];
        cr_assert_not_null(rule, "%s is in the table", ids[s]);
        cr_assert_eq(rule->max_attempts, 4);
        cr_assert_eq(p.transient_base_ms, rule->transient_base_ms);
        cr_assert_eq(p.throttle_base_ms, T->throttle_base_ms, "throttling keeps the common base");

        awsc_client *c = client_as(ids[s], "DescribeJobExecution", 0);
        for (int i = 0; i < rule->max_attempts; i++)
            awsc_test_server_push_response(srv, 500, NULL, "{}", 2);
        cr_assert_eq(call(c), AWSC_E_SERVICE);
        cr_assert_eq(awsc_test_server_request_count(srv), (size_t)rule->max_attempts, "%s: attempts", ids[s]);
        char want[40];
        snprintf(want, sizeof want, "attempt=1; max=%d", rule->max_attempts);
        cr_assert_str_eq(awsc_test_request_header(awsc_test_server_request(srv, 0), "amz-sdk-request"), want);
        cr_assert_eq(hooks.slept[0], rule->transient_base_ms / 2, "%s: half of its own base", ids[s]);
        done(c);
    }
    cr_assert_eq(awsc_retry_policy_for("IoT Jobs Data Plane").default_attempts, T->default_attempts);
}

Test(retry_table, an_explicit_max_attempts_beats_the_service_default)
{
    awsc_client *c = client_as("DynamoDB", "DescribeJobExecution", 2);
    for (int i = 0; i < 4; i++)
        awsc_test_server_push_response(srv, 500, NULL, "{}", 2);
    cr_assert_eq(call(c), AWSC_E_SERVICE);
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    done(c);
}

typedef struct async_seen {
    int calls, status, attempts;
    long delay;
} async_seen;

static void on_async_done(void *user, int status, void *output, const awsc_error *err)
{
    async_seen *s = user;
    s->calls++;
    s->status = status;
    s->attempts = err ? err->attempts : 0;
    s->delay = err ? err->retry_delay_ms : 0;
    awsc_output_free(output);
}

Test(retry_table, long_polling_operations_back_off_even_when_the_quota_is_empty)
{
    cr_assert(awsc_retry_is_long_poll("SQS", "ReceiveMessage"));
    cr_assert(awsc_retry_is_long_poll("SFN", "GetActivityTask"));
    cr_assert(awsc_retry_is_long_poll("SWF", "PollForActivityTask"));
    cr_assert(awsc_retry_is_long_poll("SWF", "PollForDecisionTask"));
    cr_assert_not(awsc_retry_is_long_poll("SQS", "SendMessage"));

    const char *ops[] = {"ReceiveMessage", "SendMessage"};
    for (int o = 0; o < 2; o++) {
        /* Two attempts per call: each throttled call spends one retry until the quota refuses one. */
        awsc_client *c = client_as("SQS", ops[o], 2);
        int budget = T->bucket_capacity / T->throttle_cost + 1;
        for (int i = 0; i < 2 * budget; i++)
            awsc_test_server_push_response(srv, 429, "x-amzn-errortype: ThrottlingException\r\n", "{}", 2);
        int refused_sleeps = -1;
        for (int i = 0; i < budget; i++) {
            size_t sent = awsc_test_server_request_count(srv);
            int slept = hooks.sleeps;
            cr_assert_eq(call(c), AWSC_E_SERVICE);
            if (awsc_test_server_request_count(srv) - sent == 1) { /* the quota refused the retry */
                cr_assert_eq(i, T->bucket_capacity / T->throttle_cost, "refused once the quota is spent");
                refused_sleeps = hooks.sleeps - slept;
                break;
            }
            cr_assert_eq(hooks.sleeps - slept, 1, "a retried call waits once");
        }
        if (o == 0)
            cr_assert_eq(refused_sleeps, 1, "ReceiveMessage backs off before it fails");
        else
            cr_assert_eq(refused_sleeps, 0, "SendMessage fails at once");
        /* The asynchronous path: the refused call is reported only after its backoff, on the client's timer. */
        async_seen seen = {0};
        awsc_iot_jobs_data_describe_job_execution_request in = {.thing_name = "t", .job_id = "j"};
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cr_assert_eq(awsc_client_invoke_async(c, describe_op, &in, on_async_done, &seen, NULL), AWSC_OK);
        cr_assert_eq(awsc_client_run(c, 30000), 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long elapsed = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        cr_assert_eq(seen.calls, 1);
        cr_assert_eq(seen.status, AWSC_E_SERVICE);
        cr_assert_eq(seen.attempts, 1, "no retry");
        long backoff = T->throttle_base_ms / 2; /* attempt 2's ceiling, halved by the fixed random */
        if (o == 0) {
            cr_assert_eq(seen.delay, backoff);
            cr_assert_geq(elapsed, backoff - 50, "waited %ld ms", elapsed);
        } else {
            cr_assert_eq(seen.delay, 0);
        }
        done(c);
    }
}
