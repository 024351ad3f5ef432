/*
 * Waiters (libawsc-waiters) over the vendored S3 client and a loopback server whose
 * answers change from call to call: every acceptor state, every matcher (output,
 * inputOutput, success, errorType), every comparator, the generated typed wrappers
 * (BucketExists, BucketNotExists), the Smithy backoff and its deadline, cancel and
 * option checks. Time is virtual (the options' hooks): no test sleeps.
 */
#include <awsc/s3.h>
#include <awsc/waiters.h>

#include "test_server.h"
#include "test_time.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/* A virtual clock: sleeping moves it, and every delay is recorded. */
typedef struct clock_hooks {
    int64_t now;
    long sleeps[256];
    int nsleep;
    double r;        /* the jitter's draw */
    int cancel_after; /* cancel once this many sleeps happened (0: never) */
} clock_hooks;

static int64_t v_now(void *u)
{
    return ((clock_hooks *)u)->now;
}

static void v_sleep(void *u, long ms)
{
    clock_hooks *h = u;
    if (h->nsleep < 256)
        h->sleeps[h->nsleep++] = ms;
    h->now += ms;
}

static double v_random(void *u)
{
    return ((clock_hooks *)u)->r;
}

static bool v_cancel(void *u)
{
    clock_hooks *h = u;
    return h->cancel_after && h->nsleep >= h->cancel_after;
}

static awsc_test_server *srv;
static awsc_s3_client *client;
static clock_hooks hooks;
static uint32_t attempts;

static void setup(void)
{
    srv = awsc_test_server_start();
    cr_assert_not_null(srv);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.s3_force_path_style = true;
    cfg.max_attempts = 1;
    cfg.request_timeout_ms = awsc_test_ms(10000);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_client_new(&cfg, &client, &err), AWSC_OK, "%s", err.message);
    memset(&hooks, 0, sizeof hooks);
    attempts = 0;
}

static void teardown(void)
{
    awsc_s3_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(waiters, .init = setup, .fini = teardown);

static awsc_waiter_options opts(uint32_t max_wait)
{
    awsc_waiter_options o = {.max_wait_seconds = max_wait, .now_ms = v_now, .sleep_ms = v_sleep,
                             .random01 = v_random, .user = &hooks, .attempts = &attempts};
    return o;
}

static const awsc_operation *s3_op(const char *name)
{
    const awsc_service *svc = awsc_s3_service();
    for (uint32_t i = 0; i < svc->operation_count; i++)
        if (strcmp(svc->operations[i].name, name) == 0)
            return &svc->operations[i];
    cr_assert_fail("no operation %s", name);
    return NULL;
}

#define XML_HEADERS "Content-Type: application/xml\r\n"

/* A ListObjectsV2 page whose objects have these storage classes ("" for none). */
static void push_list(const char *prefix, const char *classes, bool truncated)
{
    char body[4096];
    int n = snprintf(body, sizeof body,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name>"
                     "<Prefix>%s</Prefix><IsTruncated>%s</IsTruncated>",
                     prefix, truncated ? "true" : "false");
    char copy[256];
    snprintf(copy, sizeof copy, "%s", classes);
    int k = 0;
    for (char *save = NULL, *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save), k++)
        n += snprintf(body + n, sizeof body - (size_t)n,
                      "<Contents><Key>k%d</Key><Size>1</Size><StorageClass>%s</StorageClass></Contents>", k, c);
    n += snprintf(body + n, sizeof body - (size_t)n, "<KeyCount>%d</KeyCount></ListBucketResult>", k);
    cr_assert_eq(awsc_test_server_push_response(srv, 200, XML_HEADERS, body, (size_t)n), 0);
}

static void push_error(int status, const char *code)
{
    char body[512];
    int n = snprintf(body, sizeof body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code>"
                                        "<Message>%s happened</Message><RequestId>req-%d</RequestId></Error>",
                     code, code, status);
    cr_assert_eq(awsc_test_server_push_response(srv, status, XML_HEADERS, body, (size_t)n), 0);
}

/* The storage-class waiter: any GLACIER fails, all STANDARD succeeds, NoSuchBucket retries. */
static const awsc_waiter_acceptor class_acceptors[] = {
    {.state = AWSC_WAITER_FAILURE, .matcher = AWSC_MATCH_OUTPUT, .path = "Contents[].StorageClass",
     .expected = "GLACIER", .comparator = AWSC_CMP_ANY_STRING_EQUALS},
    {.state = AWSC_WAITER_SUCCESS, .matcher = AWSC_MATCH_OUTPUT, .path = "Contents[].StorageClass",
     .expected = "STANDARD", .comparator = AWSC_CMP_ALL_STRING_EQUALS},
    {.state = AWSC_WAITER_RETRY, .matcher = AWSC_MATCH_ERROR_TYPE, .expected = "com.amazonaws.s3#NoSuchBucket"},
};

static awsc_waiter class_waiter(void)
{
    awsc_waiter w = {.name = "AllStandard", .operation = s3_op("ListObjectsV2"), .acceptors = class_acceptors,
                     .acceptor_count = 3, .min_delay = 2, .max_delay = 8};
    return w;
}

static int run(const awsc_waiter *w, const void *input, const awsc_waiter_options *o, void **out, awsc_error *err)
{
    return awsc_waiter_wait((awsc_client *)client, awsc_s3_service(), w, input, o, out, err);
}

Test(waiters, all_and_any_string_equals_with_an_error_type_retry)
{
    push_error(404, "NoSuchBucket");            /* errorType: retry */
    push_list("", "STANDARD,REDUCED_REDUNDANCY", false); /* neither all STANDARD nor any GLACIER: retry */
    push_list("", "", false);                   /* allStringEquals needs one value at least: retry */
    push_list("", "STANDARD,STANDARD", false);  /* success */
    awsc_waiter w = class_waiter();
    awsc_s3_list_objects_v2_request in = {.bucket = "bkt"};
    awsc_waiter_options o = opts(600);
    awsc_s3_list_objects_v2_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run(&w, &in, &o, (void **)&out, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(attempts, 4);
    cr_assert_eq(awsc_test_server_request_count(srv), 4);
    cr_assert_not_null(out);
    cr_assert_eq(out->contents.count, 2);
    cr_assert_eq(err.status, AWSC_OK);
    /* random 0: each delay is minDelay */
    cr_assert_eq(hooks.nsleep, 3);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(hooks.sleeps[i], 2000);
    awsc_output_free(out);
}

Test(waiters, any_string_equals_failure_keeps_the_output)
{
    push_list("", "STANDARD,GLACIER", false);
    awsc_waiter w = class_waiter();
    awsc_s3_list_objects_v2_request in = {.bucket = "bkt"};
    awsc_waiter_options o = opts(600);
    awsc_s3_list_objects_v2_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run(&w, &in, &o, (void **)&out, &err), AWSC_E_WAITER_FAILED);
    cr_assert_eq(err.status, AWSC_E_WAITER_FAILED);
    cr_assert(strstr(err.message, "Waiter AllStandard failed: ") == err.message, "%s", err.message);
    cr_assert(strstr(err.message, "Contents[].StorageClass") && strstr(err.message, "GLACIER"), "%s", err.message);
    cr_assert_null(err.code); /* the call itself succeeded */
    cr_assert_not_null(out, "the last output comes back with the failure");
    cr_assert_eq(out->contents.count, 2);
    cr_assert_eq(attempts, 1);
    awsc_output_free(out);
    awsc_error_clear(&err);
}

Test(waiters, an_unexpected_error_fails_with_its_code)
{
    push_error(403, "AccessDenied");
    awsc_waiter w = class_waiter();
    awsc_s3_list_objects_v2_request in = {.bucket = "bkt"};
    awsc_waiter_options o = opts(600);
    void *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run(&w, &in, &o, &out, &err), AWSC_E_WAITER_FAILED);
    cr_assert_str_eq(err.code, "AccessDenied");
    cr_assert_eq(err.http_status, 403);
    cr_assert_str_eq(err.request_id, "req-403");
    cr_assert(strstr(err.message, "Waiter AllStandard failed: AccessDenied: AccessDenied happened"), "%s",
              err.message);
    cr_assert_null(out);
    awsc_error_clear(&err);
}

Test(waiters, timeout_with_the_last_attempt_at_the_deadline)
{
    for (int i = 0; i < 40; i++)
        push_list("", "", false); /* never any state but retry */
    awsc_waiter w = class_waiter();
    awsc_s3_list_objects_v2_request in = {.bucket = "bkt"};
    awsc_waiter_options o = opts(30);
    hooks.r = 0.999; /* the top of each jitter range */
    awsc_s3_list_objects_v2_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run(&w, &in, &o, (void **)&out, &err), AWSC_E_WAITER_TIMEOUT);
    cr_assert(strstr(err.message, "Max wait time of 30 seconds exceeded"), "%s", err.message);
    /* 2, 4, 8, 8 (capped by maxDelay) = 22 s; 8 more would leave 0 <= minDelay: the rest (8 s), one last try */
    long want[] = {2000, 4000, 8000, 8000, 8000};
    cr_assert_eq(hooks.nsleep, 5);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(hooks.sleeps[i], want[i], "delay %d: %ld", i, hooks.sleeps[i]);
    cr_assert_eq(hooks.now, 30000, "the last attempt is at the deadline");
    cr_assert_eq(attempts, 6);
    cr_assert_not_null(out, "the last output comes back with the timeout");
    awsc_output_free(out);
    awsc_error_clear(&err);
}

Test(waiters, string_and_boolean_equals_and_input_output)
{
    static const awsc_waiter_acceptor acc[] = {
        {.state = AWSC_WAITER_RETRY, .matcher = AWSC_MATCH_OUTPUT, .path = "IsTruncated", .expected = "true",
         .comparator = AWSC_CMP_BOOLEAN_EQUALS},
        {.state = AWSC_WAITER_SUCCESS, .matcher = AWSC_MATCH_INPUT_OUTPUT,
         .path = "input.Prefix == output.Prefix && output.Name == input.Bucket", .expected = "true",
         .comparator = AWSC_CMP_BOOLEAN_EQUALS},
        {.state = AWSC_WAITER_FAILURE, .matcher = AWSC_MATCH_OUTPUT, .path = "Name", .expected = "bkt",
         .comparator = AWSC_CMP_STRING_EQUALS},
    };
    awsc_waiter w = {.name = "PrefixSeen", .operation = s3_op("ListObjectsV2"), .acceptors = acc,
                     .acceptor_count = 3, .min_delay = 1, .max_delay = 1};
    awsc_s3_list_objects_v2_request in = {.bucket = "bkt", .prefix = "p/"};
    awsc_waiter_options o = opts(60);
    awsc_error err = AWSC_ERROR_INIT;
    /* truncated: retry; then the input's prefix comes back: success */
    push_list("p/", "STANDARD", true);
    push_list("p/", "STANDARD", false);
    cr_assert_eq(run(&w, &in, &o, NULL, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(attempts, 2);
    /* another prefix: inputOutput is false, and the stringEquals failure matches */
    push_list("q/", "STANDARD", false);
    cr_assert_eq(run(&w, &in, &o, NULL, &err), AWSC_E_WAITER_FAILED);
    cr_assert(strstr(err.message, "For expression \"Name\" we matched expected path: \"bkt\""), "%s", err.message);
    awsc_error_clear(&err);
}

Test(waiters, success_matchers_and_an_error_type_failure)
{
    static const awsc_waiter_acceptor acc[] = {
        {.state = AWSC_WAITER_FAILURE, .matcher = AWSC_MATCH_ERROR_TYPE, .expected = "AccessDenied"},
        {.state = AWSC_WAITER_RETRY, .matcher = AWSC_MATCH_SUCCESS, .expected = "true"},
        {.state = AWSC_WAITER_SUCCESS, .matcher = AWSC_MATCH_SUCCESS, .expected = "false"},
    };
    awsc_waiter w = {.name = "Broken", .operation = s3_op("ListObjectsV2"), .acceptors = acc, .acceptor_count = 3,
                     .min_delay = 2, .max_delay = 120};
    awsc_s3_list_objects_v2_request in = {.bucket = "bkt"};
    awsc_waiter_options o = opts(60);
    awsc_error err = AWSC_ERROR_INIT;
    void *out = (void *)1;
    /* success:true retries; any error is success:false's success */
    push_list("", "STANDARD", false);
    push_error(500, "InternalError");
    cr_assert_eq(run(&w, &in, &o, &out, &err), AWSC_OK, "%s", err.message);
    cr_assert_null(out, "success on an error has no output");
    cr_assert_eq(attempts, 2);
    /* errorType failure: the error stays, with the waiter's words first */
    push_error(403, "AccessDenied");
    cr_assert_eq(run(&w, &in, &o, &out, &err), AWSC_E_WAITER_FAILED);
    cr_assert_str_eq(err.code, "AccessDenied");
    cr_assert(strstr(err.message, "Matched expected service error code: AccessDenied"), "%s", err.message);
    awsc_error_clear(&err);
}

Test(waiters, timestamps_are_epoch_seconds_to_paths)
{
    static const awsc_waiter_acceptor acc[] = {
        {.state = AWSC_WAITER_SUCCESS, .matcher = AWSC_MATCH_OUTPUT,
         .path = "LastModified > `1735689599` && LastModified < `1735689601`", .expected = "true",
         .comparator = AWSC_CMP_BOOLEAN_EQUALS},
    };
    awsc_waiter w = {.name = "Modified", .operation = s3_op("HeadObject"), .acceptors = acc, .acceptor_count = 1,
                     .min_delay = 2, .max_delay = 120};
    awsc_s3_head_object_request in = {.bucket = "bkt", .key = "k"};
    awsc_waiter_options o = opts(60);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_test_server_push_response(srv, 200, "Last-Modified: Tue, 31 Dec 2024 23:59:59 GMT\r\n", "", 0), 0);
    cr_assert_eq(awsc_test_server_push_response(srv, 200, "Last-Modified: Wed, 01 Jan 2025 00:00:00 GMT\r\n", "", 0), 0);
    cr_assert_eq(run(&w, &in, &o, NULL, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(attempts, 2);
}

Test(waiters, generated_bucket_waiters)
{
    awsc_s3_head_bucket_request in = {.bucket = "bkt"};
    awsc_waiter_options o = opts(300);
    awsc_s3_head_bucket_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    /* BucketExists: a HEAD's 404 has no body; the SDKs call it NotFound: retry, then 200 */
    cr_assert_eq(awsc_test_server_push_response(srv, 404, NULL, "", 0), 0);
    cr_assert_eq(awsc_test_server_push_response(srv, 404, NULL, "", 0), 0);
    cr_assert_eq(awsc_test_server_push_response(srv, 200, "x-amz-bucket-region: us-east-1\r\n", "", 0), 0);
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &in, &o, &out, &err), AWSC_OK, "%s", err.message);
    cr_assert_not_null(out);
    cr_assert_str_eq(out->bucket_region, "us-east-1");
    cr_assert_eq(attempts, 3);
    cr_assert_eq(hooks.sleeps[0], 5000, "the model's minDelay of 5 s");
    const awsc_test_request *r = awsc_test_server_request(srv, 2);
    cr_assert_str_eq(r->method, "HEAD");
    cr_assert(strncmp(r->target, "/bkt", 4) == 0, "%s", r->target);
    awsc_output_free(out);
    /* BucketNotExists: success is the 404 */
    cr_assert_eq(awsc_test_server_push_response(srv, 200, NULL, "", 0), 0);
    cr_assert_eq(awsc_test_server_push_response(srv, 404, NULL, "", 0), 0);
    out = (void *)1;
    cr_assert_eq(awsc_s3_wait_until_bucket_not_exists(client, &in, &o, &out, &err), AWSC_OK, "%s", err.message);
    cr_assert_null(out);
    cr_assert_eq(attempts, 2);
    /* a 403 is no acceptor's: failure, with the status */
    cr_assert_eq(awsc_test_server_push_response(srv, 403, NULL, "", 0), 0);
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &in, &o, &out, &err), AWSC_E_WAITER_FAILED);
    cr_assert_eq(err.http_status, 403);
    cr_assert(strstr(err.message, "Waiter BucketExists failed: "), "%s", err.message);
    awsc_error_clear(&err);
}

Test(waiters, cancel_stops_within_a_delay)
{
    for (int i = 0; i < 10; i++)
        cr_assert_eq(awsc_test_server_push_response(srv, 404, NULL, "", 0), 0);
    awsc_s3_head_bucket_request in = {.bucket = "bkt"};
    awsc_waiter_options o = opts(300);
    o.cancel = v_cancel;
    hooks.cancel_after = 3; /* three 200 ms slices into the first 5 s delay */
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &in, &o, NULL, &err), AWSC_E_WAITER_TIMEOUT);
    cr_assert(strstr(err.message, "canceled after 1 attempts"), "%s", err.message);
    cr_assert_eq(hooks.now, 600);
    cr_assert_eq(attempts, 1);
    awsc_error_clear(&err);
}

Test(waiters, options_are_checked_before_anything_is_sent)
{
    awsc_s3_head_bucket_request in = {.bucket = "bkt"};
    awsc_error err = AWSC_ERROR_INIT;
    awsc_waiter_options o = opts(0);
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &in, &o, NULL, &err), AWSC_E_VALIDATION);
    cr_assert(strstr(err.message, "max_wait_seconds"), "%s", err.message);
    o = opts(60);
    o.min_delay = 10;
    o.max_delay = 5;
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &in, &o, NULL, &err), AWSC_E_VALIDATION);
    o.min_delay = 0;
    o.max_delay = 3; /* below the model's minDelay of 5 */
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &in, &o, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &in, NULL, NULL, &err), AWSC_E_VALIDATION);
    /* an input the model refuses: the call's own validation error, not a waiter state */
    awsc_s3_head_bucket_request none = {0};
    o = opts(60);
    cr_assert_eq(awsc_s3_wait_until_bucket_exists(client, &none, &o, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_eq(awsc_test_server_request_count(srv), 0);
    awsc_error_clear(&err);
}

Test(waiters, find_by_name_and_kebab_case)
{
    const awsc_service *svc = awsc_s3_service();
    cr_assert_eq(svc->waiter_count, 4);
    cr_assert_str_eq(awsc_waiter_find(svc, "BucketExists")->name, "BucketExists");
    cr_assert_str_eq(awsc_waiter_find(svc, "object-not-exists")->name, "ObjectNotExists");
    cr_assert_null(awsc_waiter_find(svc, "bucket-exist"));
    cr_assert_null(awsc_waiter_find(svc, "bucketexists"));
}

/* The specification's algorithm: bounds, the cap, the ceiling against overflow, the deadline rule. */
Test(waiters_delay, backoff_follows_the_specification)
{
    for (uint32_t attempt = 1; attempt < 200; attempt++) {
        for (double r = 0; r < 1; r += 0.125) {
            int64_t d = awsc_waiter_delay_ms(attempt, 2, 120, 1000000, r);
            int64_t ceiling = attempt < 8 ? (int64_t)2000 << (attempt - 1) : 120000;
            if (ceiling > 120000)
                ceiling = 120000;
            cr_assert(d >= 2000 && d <= ceiling, "attempt %u r %g: %lld", attempt, r, (long long)d);
            cr_assert_eq(d % 1000, 0);
        }
    }
    cr_assert_eq(awsc_waiter_delay_ms(1, 2, 120, 300000, 0.999), 2000);
    cr_assert_eq(awsc_waiter_delay_ms(3, 2, 120, 300000, 0.999), 8000);
    cr_assert_eq(awsc_waiter_delay_ms(3, 2, 120, 300000, 0), 2000);
    cr_assert_eq(awsc_waiter_delay_ms(100000, 2, 120, 300000, 0.999), 120000);
    cr_assert_eq(awsc_waiter_delay_ms(4000000000u, 1, 4294967295u, 1000000, 0.5) >= 1000, 1);
    /* remainingTime - delay <= minDelay: wait out the rest for one last attempt */
    cr_assert_eq(awsc_waiter_delay_ms(1, 2, 120, 4000, 0), 4000);
    cr_assert_eq(awsc_waiter_delay_ms(1, 2, 120, 4001, 0), 2000);
    cr_assert_eq(awsc_waiter_delay_ms(5, 2, 120, 10000, 0.999), 10000);
    /* linear backoff when minDelay == maxDelay */
    for (uint32_t attempt = 1; attempt < 50; attempt++)
        cr_assert_eq(awsc_waiter_delay_ms(attempt, 7, 7, 1000000, 0.6), 7000);
}
