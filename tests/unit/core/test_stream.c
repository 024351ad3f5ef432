/* Streamed request bodies (buffer, read callback with and without rewind) and response sinks. */
#include "awsc/schema.h"
#include "crypto/crypto.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct put_in {
    const char *key;
    awsc_stream body;
} put_in;

typedef struct get_out {
    const char *etag;
    awsc_stream body;
} get_out;

static const awsc_member put_members[] = {
    {.name = "key", .wire_name = "key", .offset = offsetof(put_in, key), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING, .binding = AWSC_B_LABEL, .flags = AWSC_F_REQUIRED},
    {.name = "body", .wire_name = "body", .offset = offsetof(put_in, body), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STREAM, .binding = AWSC_B_PAYLOAD},
};
static const awsc_shape put_shape = {.name = "PutIn", .type = AWSC_T_STRUCT, .size = sizeof(put_in),
                                     .members = put_members, .member_count = 2};
static const awsc_member get_members[] = {
    {.name = "etag", .wire_name = "ETag", .offset = offsetof(get_out, etag), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING, .binding = AWSC_B_HEADER},
    {.name = "body", .wire_name = "body", .offset = offsetof(get_out, body), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STREAM, .binding = AWSC_B_PAYLOAD},
};
static const awsc_shape get_shape = {.name = "GetOut", .type = AWSC_T_STRUCT, .size = sizeof(get_out),
                                     .members = get_members, .member_count = 2};
static const awsc_operation ops[] = {
    {.codec = &awsc_codec_rest_json, .name = "PutSigned", .method = "PUT", .uri = "/objects/{key}", .http_code = 200, .input = &put_shape},
    {.codec = &awsc_codec_rest_json, .name = "PutUnsigned", .method = "PUT", .uri = "/objects/{key}", .http_code = 200, .input = &put_shape,
     .flags = AWSC_OP_UNSIGNED_PAYLOAD},
    {.codec = &awsc_codec_rest_json, .name = "Get", .method = "GET", .uri = "/objects/{key}", .http_code = 200, .input = &put_shape,
     .output = &get_shape},
};
static const awsc_service svc = {.sdk_id = "Objects", .cli_name = "objects", .signing_name = "objects",
                                 .endpoint_prefix = "objects", .operations = ops, .operation_count = 3};

static awsc_test_server *srv;
static awsc_client *client;

static void setup(void)
{
    srv = awsc_test_server_start();
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.max_response_bytes = 64 * 1024;
    cr_assert_eq(awsc_client_new(&svc, &cfg, &client, NULL), AWSC_OK);
}

static void teardown(void)
{
    awsc_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(stream, .init = setup, .fini = teardown);

/* A source of `total` bytes of a known pattern, read in odd-sized pieces. */
typedef struct source {
    size_t total, pos;
    int rewinds;
    bool fail_at_half;
} source;

static long source_read(void *user, uint8_t *buf, size_t cap)
{
    source *s = user;
    if (s->fail_at_half && s->pos >= s->total / 2)
        return -1;
    size_t n = s->total - s->pos;
    if (n > cap)
        n = cap;
    if (n > 777)
        n = 777;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)((s->pos + i) * 31 + 7);
    s->pos += n;
    return (long)n;
}

static int source_rewind(void *user)
{
    source *s = user;
    s->pos = 0;
    s->rewinds++;
    return 0;
}

static void expect_pattern(const awsc_test_request *r, size_t total)
{
    cr_assert_eq(r->body_len, total);
    for (size_t i = 0; i < total; i++)
        cr_assert_eq(r->body[i], (uint8_t)(i * 31 + 7), "byte %zu", i);
}

Test(stream, a_buffer_is_sent_as_is)
{
    static const uint8_t bytes[] = {0, 1, 2, 0xff};
    put_in in = {.key = "a", .body = {.data = bytes, .len = 4}};
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &in, NULL, NULL), AWSC_OK);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_eq(r->body_len, 4);
    cr_assert_eq(memcmp(r->body, bytes, 4), 0);
    cr_assert_str_eq(awsc_test_request_header(r, "Content-Type"), "application/octet-stream");
}

Test(stream, a_rewindable_source_is_signed_with_its_hash_and_retried)
{
    source src = {.total = 100000};
    put_in in = {.key = "big", .body = {.read = source_read, .rewind = source_rewind, .user = &src, .length = 100000}};
    awsc_test_server_push_response(srv, 503, NULL, "{}", 2);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &in, NULL, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 2, "the 503 was retried");
    cr_assert_eq(src.rewinds, 2, "once after hashing, once before the retry");
    for (size_t i = 0; i < 2; i++) {
        const awsc_test_request *r = awsc_test_server_request(srv, i);
        expect_pattern(r, 100000);
        uint8_t hash[32];
        char hex[65];
        awsc_sha256(r->body, r->body_len, hash);
        awsc_hex(hash, 32, hex);
        cr_assert_str_eq(awsc_test_request_header(r, "X-Amz-Content-Sha256"), hex);
        cr_assert_not_null(strstr(awsc_test_request_header(r, "Authorization"), "x-amz-content-sha256"));
        cr_assert_str_eq(awsc_test_request_header(r, "Content-Length"), "100000");
    }
}

Test(stream, an_unrewindable_source_needs_an_unsigned_payload_operation)
{
    source src = {.total = 5000};
    put_in in = {.key = "k", .body = {.read = source_read, .user = &src, .length = 5000}};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &in, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "rewind"), "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 0);

    awsc_test_server_push_response(srv, 503, NULL, "{}", 2);
    cr_assert_eq(awsc_client_invoke(client, &ops[1], &in, NULL, &err), AWSC_E_SERVICE, "not retried: no rewind");
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    expect_pattern(r, 5000);
    cr_assert_str_eq(awsc_test_request_header(r, "X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
    awsc_error_clear(&err);
}

Test(stream, a_failing_read_fails_the_call)
{
    source src = {.total = 100000, .fail_at_half = true};
    put_in in = {.key = "k", .body = {.read = source_read, .rewind = source_rewind, .user = &src, .length = 100000}};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &in, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_eq(awsc_test_server_request_count(srv), 0, "it failed while hashing, before sending");
    awsc_error_clear(&err);
}

typedef struct collected {
    size_t bytes, calls;
    bool ok;
    size_t stop_after;
} collected;

static int collect(void *user, const uint8_t *data, size_t len)
{
    collected *c = user;
    for (size_t i = 0; i < len; i++)
        c->ok &= data[i] == 'x';
    c->bytes += len;
    c->calls++;
    return c->stop_after && c->bytes >= c->stop_after;
}

Test(stream, a_sink_takes_a_body_larger_than_the_cap)
{
    awsc_test_response big = {.status = 200, .headers = "ETag: \"v1\"\r\n", .fill_body_len = 1 << 20};
    awsc_test_server_push(srv, &big);
    put_in in = {.key = "k"};
    get_out *out = NULL;
    collected c = {.ok = true};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke_to_sink(client, &ops[2], &in, (void **)&out, collect, &c, &err), AWSC_OK, "%s",
                 err.message);
    cr_assert_eq(c.bytes, 1u << 20);
    cr_assert(c.ok);
    cr_assert_str_eq(out->etag, "\"v1\"");
    cr_assert_null(out->body.data, "the body went to the sink");
    awsc_output_free(out);

    /* Without a sink the same body is over max_response_bytes: an error, never a truncation. */
    awsc_test_server_push(srv, &big);
    cr_assert_eq(awsc_client_invoke(client, &ops[2], &in, (void **)&out, &err), AWSC_E_TRANSPORT);
    cr_assert_not_null(strstr(err.message, "max_response_bytes"), "%s", err.message);
    awsc_error_clear(&err);
}

Test(stream, an_error_response_is_parsed_not_sunk)
{
    awsc_test_server_push_response(srv, 404, "x-amzn-errortype: NoSuchKey\r\n", "{\"message\":\"gone\"}", 18);
    put_in in = {.key = "k"};
    get_out *out = NULL;
    collected c = {.ok = true};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke_to_sink(client, &ops[2], &in, (void **)&out, collect, &c, &err), AWSC_E_SERVICE);
    cr_assert_eq(c.bytes, 0);
    cr_assert_str_eq(err.code, "NoSuchKey");
    cr_assert_str_eq(err.message, "gone");
    awsc_error_clear(&err);
}

Test(stream, a_sink_can_stop_the_transfer)
{
    awsc_test_response big = {.status = 200, .fill_body_len = 1 << 20};
    awsc_test_server_push(srv, &big);
    put_in in = {.key = "k"};
    get_out *out = NULL;
    collected c = {.ok = true, .stop_after = 1000};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke_to_sink(client, &ops[2], &in, (void **)&out, collect, &c, &err), AWSC_E_TRANSPORT);
    cr_assert_lt(c.bytes, 1u << 20);
    cr_assert_not_null(strstr(err.message, "sink"), "%s", err.message);
    awsc_error_clear(&err);
}
