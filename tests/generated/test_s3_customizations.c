/*
 * S3's own behaviours through the generated S3 client against a loopback
 * server: an <Error> document inside a 200 (CopyObject, UploadPartCopy,
 * CompleteMultipartUpload answer 200 before they finish) is that error and is
 * retried as one; GetBucketLocation's unwrapped body; an Expires header that
 * is not a date never fails a response; a bodiless 404 is the modeled error.
 */
#include <awsc/s3.h>

#include "test_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static awsc_test_server *srv;
static awsc_s3_client *client;
static long slept_ms;

static void no_sleep(void *ctx, long ms)
{
    (void)ctx;
    slept_ms += ms;
}
static double half(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static void start(int max_attempts)
{
    srv = awsc_test_server_start();
    cr_assert(srv);
    slept_ms = 0;
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-west-2";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.s3_force_path_style = true; /* the bucket in the path: the loopback address takes no bucket name */
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_attempts = max_attempts;
    cfg.sleep_ms = no_sleep;
    cfg.random01 = half;
    cr_assert_eq(awsc_s3_client_new(&cfg, &client, NULL), AWSC_OK);
}

static void setup(void) { start(3); }

static void teardown(void)
{
    awsc_s3_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(s3_error_in_200, .init = setup, .fini = teardown);
TestSuite(s3_bodies, .init = setup, .fini = teardown);

static const char internal_error[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message>"
    "<RequestId>656c76696e6727732072657175657374</RequestId>"
    "<HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>";

static const char copy_result[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                  "<CopyObjectResult><LastModified>2009-10-28T22:32:00Z</LastModified>"
                                  "<ETag>\"9b2cf535f27731c974343645a3985328\"</ETag></CopyObjectResult>";

static int copy(awsc_s3_copy_object_output **out, awsc_error *err)
{
    awsc_s3_copy_object_request in = {.bucket = "dst", .key = "k", .copy_source = "src/k"};
    return awsc_s3_copy_object(client, &in, out, err);
}

Test(s3_error_in_200, copy_object_internal_error_is_retried_then_succeeds)
{
    awsc_test_server_push_response(srv, 200, "Content-Type: application/xml\r\n", internal_error,
                                   strlen(internal_error));
    awsc_test_server_push_response(srv, 200, "Content-Type: application/xml\r\n", copy_result, strlen(copy_result));
    awsc_s3_copy_object_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(copy(&out, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    cr_assert(out->copy_object_result && out->copy_object_result->e_tag);
    cr_assert_str_eq(out->copy_object_result->e_tag, "\"9b2cf535f27731c974343645a3985328\"");
    cr_assert_gt(slept_ms, 0, "the retry backs off as any transient error's");
    awsc_s3_copy_object_output_free(out);
    awsc_error_clear(&err);
}

Test(s3_error_in_200, slow_down_in_a_200_is_a_throttle_and_retried)
{
    static const char slow[] = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
    static const char done[] = "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                               "<ETag>\"3858f62230ac3c915f300c664312c11f-9\"</ETag></CompleteMultipartUploadResult>";
    awsc_test_server_push_response(srv, 200, NULL, slow, strlen(slow));
    awsc_test_server_push_response(srv, 200, NULL, done, strlen(done));
    awsc_s3_complete_multipart_upload_request in = {.bucket = "b", .key = "k", .upload_id = "u"};
    awsc_s3_complete_multipart_upload_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_complete_multipart_upload(client, &in, &out, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    cr_assert_str_eq(out->e_tag, "\"3858f62230ac3c915f300c664312c11f-9\"");
    /* throttling backs off from its own, larger base (1 s, halved by the jitter) */
    cr_assert_geq(slept_ms, 500);
    awsc_s3_complete_multipart_upload_output_free(out);
    awsc_error_clear(&err);
}

Test(s3_error_in_200, upload_part_copy_error_keeps_code_message_and_ids)
{
    static const char denied[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n  <Error>"
                                 "<Code>AccessDenied</Code><Message>Access Denied</Message>"
                                 "<RequestId>REQ123</RequestId><HostId>HOST456</HostId></Error>";
    awsc_test_server_push_response(srv, 200, NULL, denied, strlen(denied));
    awsc_s3_upload_part_copy_request in = {.bucket = "b", .key = "k", .upload_id = "u", .part_number = 1,
                                           .copy_source = "src/k"};
    awsc_s3_upload_part_copy_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_upload_part_copy(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_null(out);
    cr_assert_eq(awsc_test_server_request_count(srv), 1, "AccessDenied is not retried");
    cr_assert_str_eq(err.code, "AccessDenied");
    cr_assert_str_eq(err.message, "Access Denied");
    cr_assert_str_eq(err.request_id, "REQ123");
    cr_assert_str_eq(err.extended_request_id, "HOST456");
    cr_assert_eq(err.http_status, 200);
    cr_assert_eq(err.attempts, 1);
    awsc_error_clear(&err);
}

Test(s3_error_in_200, retries_end_with_the_last_error)
{
    for (int i = 0; i < 3; i++)
        awsc_test_server_push_response(srv, 200, NULL, internal_error, strlen(internal_error));
    awsc_s3_copy_object_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(copy(&out, &err), AWSC_E_SERVICE);
    cr_assert_null(out);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_eq(err.attempts, 3);
    cr_assert_str_eq(err.code, "InternalError");
    awsc_error_clear(&err);
}

Test(s3_error_in_200, a_result_that_mentions_error_is_a_result)
{
    /* only the root element decides: an <Error> further in, or in text, is data */
    static const char body[] = "<CopyObjectResult><ETag>\"&lt;Error&gt;\"</ETag></CopyObjectResult>";
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
    awsc_s3_copy_object_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(copy(&out, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(out->copy_object_result->e_tag, "\"<Error>\"");
    awsc_s3_copy_object_output_free(out);
    awsc_error_clear(&err);
}

Test(s3_error_in_200, an_object_whose_content_is_an_error_document_is_content)
{
    /* GetObject's body is the object's bytes, whatever they look like */
    awsc_test_server_push_response(srv, 200, "Content-Type: application/xml\r\n", internal_error,
                                   strlen(internal_error));
    awsc_s3_get_object_request in = {.bucket = "b", .key = "error.xml"};
    awsc_s3_get_object_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_get_object(client, &in, &out, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
    cr_assert_eq(out->body.len, strlen(internal_error));
    cr_assert(memcmp(out->body.data, internal_error, out->body.len) == 0);
    awsc_s3_get_object_output_free(out);
    awsc_error_clear(&err);
}

/*
 * An empty 200 (or only the white space S3 sends while it works) to these
 * operations is S3 giving up before it wrote the result: an InternalError,
 * retried, as the JS SDK throws it and botocore retries it; never a success.
 */
Test(s3_error_in_200, an_empty_200_is_an_internal_error_and_retried)
{
    awsc_test_server_push_response(srv, 200, "Content-Length: 0\r\n", "", 0);
    awsc_test_server_push_response(srv, 200, NULL, "  \n  ", 5);
    awsc_test_server_push_response(srv, 200, "Content-Type: application/xml\r\n", copy_result, strlen(copy_result));
    awsc_s3_copy_object_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(copy(&out, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_str_eq(out->copy_object_result->e_tag, "\"9b2cf535f27731c974343645a3985328\"");
    cr_assert_gt(slept_ms, 0);
    awsc_s3_copy_object_output_free(out);
    awsc_error_clear(&err);
}

Test(s3_error_in_200, empty_200s_to_the_end_are_the_error)
{
    for (int i = 0; i < 3; i++)
        awsc_test_server_push_response(srv, 200, "x-amz-request-id: R9\r\nContent-Length: 0\r\n", "", 0);
    awsc_s3_complete_multipart_upload_request in = {.bucket = "b", .key = "k", .upload_id = "u"};
    awsc_s3_complete_multipart_upload_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_complete_multipart_upload(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_null(out);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    cr_assert_eq(err.attempts, 3);
    cr_assert_str_eq(err.code, "InternalError");
    cr_assert(strstr(err.message, "CompleteMultipartUpload") != NULL, "%s", err.message);
    cr_assert_eq(err.http_status, 200);
    cr_assert_str_eq(err.request_id, "R9");
    awsc_error_clear(&err);

    awsc_test_server_push_response(srv, 200, "Content-Length: 0\r\n", "", 0);
    awsc_s3_upload_part_copy_request upc = {.bucket = "b", .key = "k", .upload_id = "u", .part_number = 1,
                                            .copy_source = "src/k"};
    awsc_s3_upload_part_copy_output *uout = NULL;
    for (int i = 0; i < 2; i++)
        awsc_test_server_push_response(srv, 200, "Content-Length: 0\r\n", "", 0);
    cr_assert_eq(awsc_s3_upload_part_copy(client, &upc, &uout, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "InternalError");
    awsc_error_clear(&err);
}

Test(s3_error_in_200, other_operations_keep_an_empty_200)
{
    /* PutObject's output is all headers: its empty 200 is the success */
    awsc_test_server_push_response(srv, 200, "ETag: \"e\"\r\nContent-Length: 0\r\n", "", 0);
    awsc_s3_put_object_request in = {.bucket = "b", .key = "k"};
    awsc_s3_put_object_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_put_object(client, &in, &out, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(out->e_tag, "\"e\"");
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
    awsc_s3_put_object_output_free(out);
    awsc_error_clear(&err);
}

static int location(const char *body, awsc_s3_get_bucket_location_output **out, awsc_error *err)
{
    awsc_test_server_push_response(srv, 200, "Content-Type: application/xml\r\n", body, strlen(body));
    awsc_s3_get_bucket_location_request in = {.bucket = "b"};
    return awsc_s3_get_bucket_location(client, &in, out, err);
}

Test(s3_bodies, get_bucket_location_is_unwrapped)
{
    awsc_s3_get_bucket_location_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(location("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">us-west-2"
                          "</LocationConstraint>",
                          &out, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_eq(out->location_constraint, AWSC_S3_BUCKET_LOCATION_CONSTRAINT_US_WEST_2);
    cr_assert_str_eq(out->location_constraint_raw, "us-west-2");
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->target, "/b?location");
    awsc_s3_get_bucket_location_output_free(out);
    awsc_error_clear(&err);
}

Test(s3_bodies, get_bucket_location_of_us_east_1_is_empty)
{
    awsc_s3_get_bucket_location_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(location("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>",
                          &out, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_eq(out->location_constraint, 0, "us-east-1's constraint is absent");
    cr_assert_null(out->location_constraint_raw);
    awsc_s3_get_bucket_location_output_free(out);
    awsc_error_clear(&err);
}

Test(s3_bodies, get_bucket_location_of_an_unknown_region_keeps_its_name)
{
    awsc_s3_get_bucket_location_output *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(location("<LocationConstraint>xx-future-9</LocationConstraint>", &out, &err), AWSC_OK, "%s",
                 err.message);
    cr_assert_str_eq(out->location_constraint_raw, "xx-future-9");
    awsc_s3_get_bucket_location_output_free(out);
    awsc_error_clear(&err);
}

static int head(const char *expires, awsc_s3_head_object_output **out, awsc_error *err)
{
    char headers[256];
    snprintf(headers, sizeof headers, "Expires: %s\r\nETag: \"e\"\r\nContent-Length: 0\r\n", expires);
    awsc_test_server_push_response(srv, 200, headers, "", 0);
    awsc_s3_head_object_request in = {.bucket = "b", .key = "k"};
    return awsc_s3_head_object(client, &in, out, err);
}

Test(s3_bodies, an_invalid_expires_header_never_fails_the_response)
{
    /* The model has Expires as a string (the SDKs' ExpiresString): the raw value, whatever it is */
    const char *values[] = {"Thu, 01 Dec 1994 16:00:00 GMT", "0", "-1", "never", "2024-13-45T99:99:99Z"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        awsc_s3_head_object_output *out = NULL;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(head(values[i], &out, &err), AWSC_OK, "Expires: %s: %s", values[i], err.message);
        cr_assert_str_eq(out->expires, values[i]);
        cr_assert_str_eq(out->e_tag, "\"e\"");
        awsc_s3_head_object_output_free(out);
        awsc_error_clear(&err);
    }
}

/*
 * A 404 to HEAD has no body to name the error: HeadObject's and HeadBucket's
 * modeled NotFound, as the JS SDK and smithy-rs report it; GetObject's one
 * 404 error (NoSuchKey, @httpError 404) when a 404 comes without a body.
 */
Test(s3_bodies, a_bodiless_404_is_the_modeled_error)
{
    awsc_error err = AWSC_ERROR_INIT;
    awsc_test_server_push_response(srv, 404, "x-amz-request-id: R1\r\nx-amz-id-2: H1\r\nContent-Length: 0\r\n", "", 0);
    awsc_s3_head_object_request in = {.bucket = "b", .key = "missing"};
    awsc_s3_head_object_output *out = NULL;
    cr_assert_eq(awsc_s3_head_object(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_null(out);
    cr_assert_str_eq(err.code, "NotFound");
    cr_assert_eq(err.modeled, AWSC_S3_NOT_FOUND);
    cr_assert_not_null(err.detail);
    cr_assert_eq(err.http_status, 404);
    cr_assert_str_eq(err.request_id, "R1");
    cr_assert_str_eq(err.extended_request_id, "H1");
    cr_assert_eq(awsc_test_server_request_count(srv), 1, "a 404 is not retried");

    awsc_test_server_push_response(srv, 404, "Content-Length: 0\r\n", "", 0);
    awsc_s3_head_bucket_request hb = {.bucket = "nobucket"};
    awsc_s3_head_bucket_output *hbout = NULL;
    cr_assert_eq(awsc_s3_head_bucket(client, &hb, &hbout, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "NotFound");
    cr_assert_eq(err.modeled, AWSC_S3_NOT_FOUND);

    awsc_test_server_push_response(srv, 404, "Content-Length: 0\r\n", "", 0);
    awsc_s3_get_object_request gin = {.bucket = "b", .key = "missing"};
    awsc_s3_get_object_output *gout = NULL;
    cr_assert_eq(awsc_s3_get_object(client, &gin, &gout, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "NoSuchKey", "GetObject's one error with @httpError 404");
    cr_assert_eq(err.modeled, AWSC_S3_NO_SUCH_KEY);

    /* A body that names the error still decides. */
    static const char no_bucket[] = "<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>";
    awsc_test_server_push_response(srv, 404, NULL, no_bucket, strlen(no_bucket));
    cr_assert_eq(awsc_s3_get_object(client, &gin, &gout, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "NoSuchBucket");
    cr_assert_str_eq(err.message, "gone");
    awsc_error_clear(&err);
}

Test(s3_bodies, a_bodiless_error_without_one_modeled_match_keeps_no_code)
{
    awsc_error err = AWSC_ERROR_INIT;
    /* HeadObject's NotFound has no @httpError: a 403 is not it */
    awsc_test_server_push_response(srv, 403, "Content-Length: 0\r\n", "", 0);
    awsc_s3_head_object_request in = {.bucket = "b", .key = "k"};
    awsc_s3_head_object_output *out = NULL;
    cr_assert_eq(awsc_s3_head_object(client, &in, &out, &err), AWSC_E_SERVICE);
    cr_assert_null(err.code);
    cr_assert_eq(err.modeled, 0);
    cr_assert_str_eq(err.message, "HTTP 403");
    /* PutObject has four modeled errors with @httpError 400: none is guessed */
    awsc_test_server_push_response(srv, 400, "Content-Length: 0\r\n", "", 0);
    awsc_s3_put_object_request pin = {.bucket = "b", .key = "k"};
    awsc_s3_put_object_output *pout = NULL;
    cr_assert_eq(awsc_s3_put_object(client, &pin, &pout, &err), AWSC_E_SERVICE);
    cr_assert_null(err.code);
    cr_assert_eq(err.modeled, 0);
    cr_assert_eq(err.http_status, 400);
    awsc_error_clear(&err);
}

/* The suite's line, as the other suites print theirs. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    printf("s3-customizations: %zu passed, %zu skipped, %zu failed\n", stats->tests_passed, stats->tests_skipped,
           stats->tests_failed + stats->tests_crashed);
    fflush(stdout);
}
