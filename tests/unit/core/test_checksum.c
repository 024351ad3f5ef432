/*
 * Flexible checksums (aws.protocols#httpChecksum) through hand-written
 * descriptors and the loopback server: the request's x-amz-checksum-* header
 * under each setting, and the validation of responses, buffered and streamed.
 */
#include "awsc/checksums.h"
#include "checksums/crc.h"
#include "test_server.h"
#include "util/base64.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* "Hello world" under each algorithm, as the SDKs' own tests have them. */
static const char hello[] = "Hello world";
#define HELLO_CRC32 "i9aeUg=="
#define HELLO_CRC32C "crUfeA=="
#define HELLO_CRC64NVME "OOJZ0D8xKts="
#define HELLO_SHA1 "e1AsOh9IyGCa4hLN+2Od7jlnP14="
#define HELLO_SHA256 "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="

typedef struct put_in {
    const char *key;
    int algorithm; /* ChecksumAlgorithm: 0 unset, -1 algorithm_raw */
    const char *algorithm_raw;
    const char *checksum_crc32; /* the caller's own x-amz-checksum-crc32 */
    awsc_stream body;
} put_in;

typedef struct get_in {
    const char *key;
    int mode; /* ChecksumMode: 1 ENABLED */
    const char *mode_raw;
} get_in;

typedef struct get_out {
    awsc_stream body;
} get_out;

static const char *const algorithm_values[] = {"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"};
static const awsc_shape algorithm_shape = {.name = "ChecksumAlgorithm", .type = AWSC_T_ENUM, .size = sizeof(int),
                                           .enum_values = algorithm_values, .enum_count = 5};
static const char *const mode_values[] = {"ENABLED"};
static const awsc_shape mode_shape = {.name = "ChecksumMode", .type = AWSC_T_ENUM, .size = sizeof(int),
                                      .enum_values = mode_values, .enum_count = 1};

static const awsc_member put_members[] = {
    {.name = "key", .wire_name = "key", .offset = offsetof(put_in, key), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING, .binding = AWSC_B_LABEL, .flags = AWSC_F_REQUIRED},
    {.name = "ChecksumAlgorithm", .wire_name = "x-amz-sdk-checksum-algorithm", .shape = &algorithm_shape,
     .offset = offsetof(put_in, algorithm), .has_offset = AWSC_NO_OFFSET, .raw_offset = offsetof(put_in, algorithm_raw),
     .type = AWSC_T_ENUM, .binding = AWSC_B_HEADER},
    {.name = "ChecksumCRC32", .wire_name = "x-amz-checksum-crc32", .offset = offsetof(put_in, checksum_crc32),
     .has_offset = AWSC_NO_OFFSET, .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING, .binding = AWSC_B_HEADER},
    {.name = "body", .wire_name = "body", .offset = offsetof(put_in, body), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STREAM, .binding = AWSC_B_PAYLOAD},
};
static const awsc_shape put_shape = {.name = "PutIn", .type = AWSC_T_STRUCT, .size = sizeof(put_in),
                                     .members = put_members, .member_count = 4};
static const awsc_member get_in_members[] = {
    {.name = "key", .wire_name = "key", .offset = offsetof(get_in, key), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING, .binding = AWSC_B_LABEL, .flags = AWSC_F_REQUIRED},
    {.name = "ChecksumMode", .wire_name = "x-amz-checksum-mode", .shape = &mode_shape,
     .offset = offsetof(get_in, mode), .has_offset = AWSC_NO_OFFSET, .raw_offset = offsetof(get_in, mode_raw),
     .type = AWSC_T_ENUM, .binding = AWSC_B_HEADER},
};
static const awsc_shape get_in_shape = {.name = "GetIn", .type = AWSC_T_STRUCT, .size = sizeof(get_in),
                                        .members = get_in_members, .member_count = 2};
static const awsc_member get_out_members[] = {
    {.name = "body", .wire_name = "body", .offset = offsetof(get_out, body), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STREAM, .binding = AWSC_B_PAYLOAD},
};
static const awsc_shape get_out_shape = {.name = "GetOut", .type = AWSC_T_STRUCT, .size = sizeof(get_out),
                                         .members = get_out_members, .member_count = 1};

static const awsc_http_checksum put_supported = {.engine = &awsc_flexible_checksums,
                                                 .request_algorithm = &put_members[1]};
static const awsc_http_checksum put_required = {.engine = &awsc_flexible_checksums,
                                                .request_algorithm = &put_members[1], .request_required = true};
static const awsc_http_checksum get_validated = {
    .engine = &awsc_flexible_checksums, .validation_mode = &get_in_members[1],
    .response_algorithms = AWSC_CHECKSUM_CRC32 | AWSC_CHECKSUM_CRC32C | AWSC_CHECKSUM_CRC64NVME |
                           AWSC_CHECKSUM_SHA1 | AWSC_CHECKSUM_SHA256};

enum { PUT, PUT_REQUIRED, PUT_UNSIGNED, GET };
static const awsc_operation ops[] = {
    [PUT] = {.codec = &awsc_codec_rest_json, .name = "Put", .method = "PUT", .uri = "/o/{key}", .http_code = 200,
             .input = &put_shape, .checksum = &put_supported},
    [PUT_REQUIRED] = {.codec = &awsc_codec_rest_json, .name = "PutRequired", .method = "PUT", .uri = "/o/{key}",
                      .http_code = 200, .input = &put_shape, .checksum = &put_required},
    [PUT_UNSIGNED] = {.codec = &awsc_codec_rest_json, .name = "PutUnsigned", .method = "PUT", .uri = "/o/{key}",
                      .http_code = 200, .input = &put_shape, .checksum = &put_supported,
                      .flags = AWSC_OP_UNSIGNED_PAYLOAD},
    [GET] = {.codec = &awsc_codec_rest_json, .name = "Get", .method = "GET", .uri = "/o/{key}", .http_code = 200,
             .input = &get_in_shape, .output = &get_out_shape, .checksum = &get_validated},
};
static const awsc_service svc = {.sdk_id = "Objects", .cli_name = "objects", .signing_name = "objects",
                                 .endpoint_prefix = "objects", .operations = ops, .operation_count = 4};

static awsc_test_server *srv;
static awsc_client *client;

static int new_client(const char *calculation, const char *validation, awsc_client **out, awsc_error *err)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    cfg.profile = "checksum-test-no-such-profile";
    cfg.request_checksum_calculation = calculation;
    cfg.response_checksum_validation = validation;
    return awsc_client_new(&svc, &cfg, out, err);
}

static void setup(void)
{
    /* The settings come from the configuration in these tests, not from the machine's. */
    unsetenv("AWS_REQUEST_CHECKSUM_CALCULATION");
    unsetenv("AWS_RESPONSE_CHECKSUM_VALIDATION");
    setenv("AWS_CONFIG_FILE", "/nonexistent/awsc-test-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/awsc-test-credentials", 1);
    srv = awsc_test_server_start();
    cr_assert_not_null(srv);
    client = NULL;
}

static void teardown(void)
{
    awsc_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(checksum, .init = setup, .fini = teardown);

static const awsc_test_request *put_hello(int op, put_in *in, awsc_error *err, int *rc)
{
    size_t before = awsc_test_server_request_count(srv);
    in->key = "k";
    in->body = (awsc_stream){.data = (const uint8_t *)hello, .len = strlen(hello)};
    *rc = awsc_client_invoke(client, &ops[op], in, NULL, err);
    return awsc_test_server_request_count(srv) > before ? awsc_test_server_request(srv, before) : NULL;
}

Test(checksum, when_supported_sends_crc32_and_the_algorithm_header)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    put_in in = {0};
    int rc;
    awsc_error err = AWSC_ERROR_INIT;
    const awsc_test_request *r = put_hello(PUT, &in, &err, &rc);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_str_eq(awsc_test_request_header(r, "x-amz-checksum-crc32"), HELLO_CRC32);
    cr_assert_str_eq(awsc_test_request_header(r, "x-amz-sdk-checksum-algorithm"), "CRC32");
    cr_assert_eq(awsc_test_request_header_count(r, "x-amz-sdk-checksum-algorithm"), 1);
    cr_assert_not_null(strstr(awsc_test_request_header(r, "Authorization"), "x-amz-checksum-crc32"),
                       "the checksum is signed");
    /* The user agent's metrics: standard retries, an endpoint override, CRC32 sent, both settings when_supported. */
    cr_assert_not_null(strstr(awsc_test_request_header(r, "User-Agent"), " m/E,N,U,Z,b"), "%s",
                       awsc_test_request_header(r, "User-Agent"));
    awsc_error_clear(&err);
}

Test(checksum, when_required_sends_none_unless_the_operation_requires_it)
{
    cr_assert_eq(new_client("when_required", NULL, &client, NULL), AWSC_OK);
    put_in in = {0};
    int rc;
    const awsc_test_request *r = put_hello(PUT, &in, NULL, &rc);
    cr_assert_eq(rc, AWSC_OK);
    cr_assert_null(awsc_test_request_header(r, "x-amz-checksum-crc32"));
    cr_assert_null(awsc_test_request_header(r, "x-amz-sdk-checksum-algorithm"));
    r = put_hello(PUT_REQUIRED, &in, NULL, &rc);
    cr_assert_eq(rc, AWSC_OK);
    cr_assert_str_eq(awsc_test_request_header(r, "x-amz-checksum-crc32"), HELLO_CRC32);
    /* An algorithm the caller chose is used whatever the setting. */
    in.algorithm = 4; /* SHA1 */
    r = put_hello(PUT, &in, NULL, &rc);
    cr_assert_eq(rc, AWSC_OK);
    cr_assert_str_eq(awsc_test_request_header(r, "x-amz-checksum-sha1"), HELLO_SHA1);
    cr_assert_not_null(strstr(awsc_test_request_header(r, "User-Agent"), " m/E,N,X,a,b"), "%s",
                       awsc_test_request_header(r, "User-Agent"));
}

Test(checksum, each_algorithm_the_caller_chooses)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    static const struct {
        int value;
        const char *header, *expected, *name;
    } cases[] = {
        {1, "x-amz-checksum-crc32", HELLO_CRC32, "CRC32"},
        {2, "x-amz-checksum-crc32c", HELLO_CRC32C, "CRC32C"},
        {3, "x-amz-checksum-crc64nvme", HELLO_CRC64NVME, "CRC64NVME"},
        {4, "x-amz-checksum-sha1", HELLO_SHA1, "SHA1"},
        {5, "x-amz-checksum-sha256", HELLO_SHA256, "SHA256"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        put_in in = {.algorithm = cases[i].value};
        int rc;
        const awsc_test_request *r = put_hello(PUT, &in, NULL, &rc);
        cr_assert_eq(rc, AWSC_OK);
        cr_assert_str_eq(awsc_test_request_header(r, cases[i].header), cases[i].expected, "%s", cases[i].name);
        cr_assert_str_eq(awsc_test_request_header(r, "x-amz-sdk-checksum-algorithm"), cases[i].name);
        if (i > 0)
            cr_assert_null(awsc_test_request_header(r, "x-amz-checksum-crc32"), "one checksum only");
    }
}

Test(checksum, an_unknown_algorithm_is_refused_before_sending)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    put_in in = {.algorithm = -1, .algorithm_raw = "MD5"};
    int rc;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_null(put_hello(PUT, &in, &err, &rc));
    cr_assert_eq(rc, AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "MD5"), "%s", err.message);
    awsc_error_clear(&err);
}

Test(checksum, a_checksum_the_caller_computed_is_sent_as_given)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    put_in in = {.checksum_crc32 = "AAAAAA=="};
    int rc;
    const awsc_test_request *r = put_hello(PUT_REQUIRED, &in, NULL, &rc);
    cr_assert_eq(rc, AWSC_OK);
    cr_assert_eq(awsc_test_request_header_count(r, "x-amz-checksum-crc32"), 1);
    cr_assert_str_eq(awsc_test_request_header(r, "x-amz-checksum-crc32"), "AAAAAA==");
}

Test(checksum, settings_from_the_environment_and_bad_values)
{
    setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED", 1);
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    put_in in = {0};
    int rc;
    const awsc_test_request *r = put_hello(PUT, &in, NULL, &rc);
    cr_assert_eq(rc, AWSC_OK);
    cr_assert_null(awsc_test_request_header(r, "x-amz-checksum-crc32"));

    awsc_client *other = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    setenv("AWS_RESPONSE_CHECKSUM_VALIDATION", "sometimes", 1);
    cr_assert_eq(new_client(NULL, NULL, &other, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "response_checksum_validation"), "%s", err.message);
    cr_assert_null(other);
    awsc_error_clear(&err);
    cr_assert_eq(new_client("always", NULL, &other, &err), AWSC_E_CONFIG);
    awsc_error_clear(&err);
}

/* A body read through callbacks: a pattern of `total` bytes. */
typedef struct source {
    size_t total, pos;
} source;

static long source_read(void *user, uint8_t *buf, size_t cap)
{
    source *s = user;
    size_t n = s->total - s->pos < cap ? s->total - s->pos : cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)((s->pos + i) * 31 + 7);
    s->pos += n;
    return (long)n;
}

static int source_rewind(void *user)
{
    ((source *)user)->pos = 0;
    return 0;
}

static char *base64_of(const uint8_t *raw, size_t n)
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_base64_encode(&b, raw, n), 0);
    return b.data;
}

static char *crc64_base64(const void *data, size_t len)
{
    uint64_t c = awsc_crc64nvme(0, data, len);
    uint8_t raw[8];
    for (int i = 0; i < 8; i++)
        raw[i] = (uint8_t)(c >> (56 - 8 * i));
    return base64_of(raw, 8);
}

Test(checksum, a_streamed_body_is_read_ahead_when_it_can_rewind)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    source src = {.total = 100000};
    put_in in = {.key = "big", .algorithm = 3, /* CRC64NVME */
                 .body = {.read = source_read, .rewind = source_rewind, .user = &src, .length = 100000}};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[PUT], &in, NULL, &err), AWSC_OK, "%s", err.message);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_eq(r->body_len, 100000);
    char *want = crc64_base64(r->body, r->body_len);
    cr_assert_str_eq(awsc_test_request_header(r, "x-amz-checksum-crc64nvme"), want);
    free(want);

    /* Without a rewind nor a length it can be neither read ahead nor framed: an error when asked for. */
    src.pos = 0;
    in.algorithm = 2;
    in.body.rewind = NULL;
    in.body.length = -1;
    cr_assert_eq(awsc_client_invoke(client, &ops[PUT_UNSIGNED], &in, NULL, &err), AWSC_E_VALIDATION);
    cr_assert_not_null(strstr(err.message, "rewind"), "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 1, "nothing sent");
    awsc_error_clear(&err);
}

/* An aws-chunked body: its chunks' data in `data`, its trailer line in `trailer`. Asserts the framing. */
static void decode_chunked(const awsc_test_request *r, uint8_t *data, size_t *len, char *trailer, size_t cap)
{
    const char *p = (const char *)r->body, *end = p + r->body_len;
    char *after; /* outside the loop: gcc's -Wdangling-pointer otherwise sees p pointing into it */
    *len = 0;
    for (;;) {
        unsigned long size = strtoul(p, &after, 16);
        cr_assert(after > p && after + 2 <= end && after[0] == '\r' && after[1] == '\n', "chunk size line");
        p = after + 2;
        if (size == 0)
            break;
        cr_assert(size <= 65536 && p + size + 2 <= end, "chunk of %lu at %zu of %zu", size,
                  (size_t)(p - (const char *)r->body), r->body_len);
        memcpy(data + *len, p, size);
        *len += size;
        p += size;
        cr_assert(p[0] == '\r' && p[1] == '\n', "chunk end");
        p += 2;
    }
    const char *eol = strstr(p, "\r\n");
    cr_assert_not_null(eol);
    cr_assert_lt((size_t)(eol - p), cap);
    memcpy(trailer, p, (size_t)(eol - p));
    trailer[eol - p] = '\0';
    cr_assert_eq(eol + 4, end, "the trailer and an empty line end the body");
    cr_assert_eq(memcmp(eol, "\r\n\r\n", 4), 0);
}

Test(checksum, a_stream_without_rewind_goes_aws_chunked_with_a_trailer)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    static const size_t sizes[] = {200000, 65536, 1, 0};
    for (size_t t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t total = sizes[t];
        source src = {.total = total};
        /* A signed operation: the payload goes out unsigned, as the trailer's hash says. */
        put_in in = {.key = "big", .algorithm = t == 1 ? 5 : 0,
                     .body = {.read = source_read, .user = &src, .length = (int64_t)total}};
        awsc_error err = AWSC_ERROR_INIT;
        size_t index = awsc_test_server_request_count(srv);
        cr_assert_eq(awsc_client_invoke(client, &ops[PUT], &in, NULL, &err), AWSC_OK, "%zu: %s", total, err.message);
        const awsc_test_request *r = awsc_test_server_request(srv, index);
        cr_assert_str_eq(awsc_test_request_header(r, "Content-Encoding"), "aws-chunked");
        cr_assert_str_eq(awsc_test_request_header(r, "X-Amz-Content-Sha256"), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        char decoded[24];
        snprintf(decoded, sizeof decoded, "%zu", total);
        cr_assert_str_eq(awsc_test_request_header(r, "x-amz-decoded-content-length"), decoded);
        const char *header = t == 1 ? "x-amz-checksum-sha256" : "x-amz-checksum-crc32";
        cr_assert_str_eq(awsc_test_request_header(r, "x-amz-trailer"), header);
        cr_assert_null(awsc_test_request_header(r, header), "in the trailer, not the headers");
        char length[24];
        snprintf(length, sizeof length, "%zu", r->body_len);
        cr_assert_str_eq(awsc_test_request_header(r, "Content-Length"), length);

        uint8_t *data = malloc(total + 1);
        char trailer[128], want[128];
        size_t got;
        decode_chunked(r, data, &got, trailer, sizeof trailer);
        cr_assert_eq(got, total);
        for (size_t i = 0; i < total; i++)
            cr_assert_eq(data[i], (uint8_t)(i * 31 + 7), "byte %zu", i);
        if (t == 1) {
            /* the digest of the data, checked against a buffered upload of the same bytes */
            put_in again = {.key = "big", .algorithm = 5, .body = {.data = data, .len = total}};
            cr_assert_eq(awsc_client_invoke(client, &ops[PUT], &again, NULL, NULL), AWSC_OK);
            const awsc_test_request *b = awsc_test_server_request(srv, awsc_test_server_request_count(srv) - 1);
            snprintf(want, sizeof want, "%s:%s", header, awsc_test_request_header(b, header));
        } else {
            uint32_t c = (uint32_t)crc32_z(0, data, total);
            uint8_t raw[4] = {(uint8_t)(c >> 24), (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c};
            char *b64 = base64_of(raw, 4);
            snprintf(want, sizeof want, "%s:%s", header, b64);
            free(b64);
        }
        cr_assert_str_eq(trailer, want);
        free(data);
    }
}

Test(checksum, a_stream_shorter_or_longer_than_its_length_fails)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    for (int longer = 0; longer < 2; longer++) {
        source src = {.total = 1000};
        put_in in = {.key = "k", .body = {.read = source_read, .user = &src, .length = longer ? 999 : 1001}};
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_neq(awsc_client_invoke(client, &ops[PUT], &in, NULL, &err), AWSC_OK);
        cr_assert_not_null(err.message);
        awsc_error_clear(&err);
    }
}

/* ---- responses ---- */

static int get(const char *headers, const void *body, size_t len, get_in *in, get_out **out, awsc_error *err)
{
    awsc_test_server_push_response(srv, 200, headers, body, len);
    in->key = "k";
    return awsc_client_invoke(client, &ops[GET], in, (void **)out, err);
}

Test(checksum, a_matching_response_is_accepted_and_the_mode_header_sent)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    get_in in = {0};
    get_out *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(get("x-amz-checksum-crc32: " HELLO_CRC32 "\r\n", hello, strlen(hello), &in, &out, &err), AWSC_OK,
                 "%s", err.message);
    cr_assert_eq(out->body.len, strlen(hello));
    awsc_output_free(out);
    cr_assert_str_eq(awsc_test_request_header(awsc_test_server_request(srv, 0), "x-amz-checksum-mode"), "ENABLED");
    static const char *const good[] = {
        "x-amz-checksum-crc32c: " HELLO_CRC32C "\r\n",
        "x-amz-checksum-crc64nvme: " HELLO_CRC64NVME "\r\n",
        "x-amz-checksum-sha1: " HELLO_SHA1 "\r\n",
        "x-amz-checksum-sha256: " HELLO_SHA256 "\r\n",
        "", /* none: nothing to check */
        "x-amz-checksum-crc32: AAAAAA==-3\r\n", /* a multipart object's composite checksum is not the body's */
        /* The first in the SDKs' order (SHA256, SHA1, CRC32, CRC32C, CRC64NVME) is the one checked. */
        "x-amz-checksum-crc32: bogus\r\nx-amz-checksum-sha256: " HELLO_SHA256 "\r\n",
        "x-amz-checksum-crc64nvme: bogus\r\nx-amz-checksum-crc32c: " HELLO_CRC32C "\r\n",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert_eq(get(good[i], hello, strlen(hello), &in, &out, &err), AWSC_OK, "%s: %s", good[i], err.message);
        awsc_output_free(out);
    }
    awsc_error_clear(&err);
}

Test(checksum, a_mismatch_is_an_error_and_not_retried)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    get_in in = {0};
    get_out *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    static const char *const bad[] = {
        "x-amz-checksum-crc32: " HELLO_CRC32C "\r\n",
        "x-amz-checksum-crc64nvme: AAAAAAAAAAA=\r\n",
        "x-amz-checksum-sha256: " HELLO_SHA256 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n", /* too long */
        "x-amz-checksum-sha1: -\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t before = awsc_test_server_request_count(srv);
        cr_assert_eq(get(bad[i], hello, strlen(hello), &in, &out, &err), AWSC_E_RESPONSE, "%s", bad[i]);
        cr_assert_null(out);
        cr_assert_str_eq(err.code, "ChecksumMismatch");
        cr_assert_not_null(strstr(err.message, "x-amz-checksum-"), "%s", err.message);
        cr_assert_eq(awsc_test_server_request_count(srv), before + 1, "not retried");
    }
    awsc_error_clear(&err);
}

Test(checksum, when_required_validates_only_when_the_input_asks)
{
    cr_assert_eq(new_client(NULL, "when_required", &client, NULL), AWSC_OK);
    get_in in = {0};
    get_out *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    const char *wrong = "x-amz-checksum-crc32: " HELLO_CRC32C "\r\n";
    cr_assert_eq(get(wrong, hello, strlen(hello), &in, &out, &err), AWSC_OK, "%s", err.message);
    awsc_output_free(out);
    cr_assert_null(awsc_test_request_header(awsc_test_server_request(srv, 0), "x-amz-checksum-mode"));
    in.mode = 1;
    cr_assert_eq(get(wrong, hello, strlen(hello), &in, &out, &err), AWSC_E_RESPONSE);
    cr_assert_str_eq(awsc_test_request_header(awsc_test_server_request(srv, 1), "x-amz-checksum-mode"), "ENABLED");
    awsc_error_clear(&err);
}

typedef struct collected {
    size_t len, calls;
} collected;

static int collect(void *user, const uint8_t *data, size_t len)
{
    collected *c = user;
    (void)data;
    c->len += len;
    c->calls++;
    return 0;
}

Test(checksum, a_streamed_response_is_validated_at_the_end)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    enum { SIZE = 300000 };
    char *xs = malloc(SIZE);
    cr_assert_not_null(xs);
    memset(xs, 'x', SIZE); /* what fill_body_len sends */
    char *good = crc64_base64(xs, SIZE);
    free(xs);
    char headers[128];
    snprintf(headers, sizeof headers, "x-amz-checksum-crc64nvme: %s\r\n", good);
    free(good);
    get_in in = {.key = "k"};
    get_out *out = NULL;
    awsc_error err = AWSC_ERROR_INIT;

    awsc_test_server_push(srv, &(awsc_test_response){.headers = headers, .fill_body_len = SIZE});
    collected got = {0};
    cr_assert_eq(awsc_client_invoke_to_sink(client, &ops[GET], &in, (void **)&out, collect, &got, &err), AWSC_OK,
                 "%s", err.message);
    cr_assert_eq(got.len, SIZE);
    awsc_output_free(out);

    /* One byte fewer than the checksum covers: the sink has had it all, the call still fails. */
    awsc_test_server_push(srv, &(awsc_test_response){.headers = headers, .fill_body_len = SIZE - 1});
    got = (collected){0};
    cr_assert_eq(awsc_client_invoke_to_sink(client, &ops[GET], &in, (void **)&out, collect, &got, &err),
                 AWSC_E_RESPONSE);
    cr_assert_eq(got.len, SIZE - 1);
    cr_assert_str_eq(err.code, "ChecksumMismatch");
    cr_assert_null(out);

    /* An empty body never reaches the sink and is checked all the same. */
    awsc_test_server_push_response(srv, 200, "x-amz-checksum-crc32: AAAAAA==\r\n", "", 0);
    got = (collected){0};
    cr_assert_eq(awsc_client_invoke_to_sink(client, &ops[GET], &in, (void **)&out, collect, &got, &err), AWSC_OK,
                 "%s", err.message);
    cr_assert_eq(got.calls, 0);
    awsc_output_free(out);
    awsc_test_server_push_response(srv, 200, "x-amz-checksum-crc32: " HELLO_CRC32 "\r\n", "", 0);
    cr_assert_eq(awsc_client_invoke_to_sink(client, &ops[GET], &in, (void **)&out, collect, &got, &err),
                 AWSC_E_RESPONSE);
    awsc_error_clear(&err);
}

typedef struct async_result {
    int status, calls;
    char code[32];
} async_result;

static void on_done(void *user, int status, void *output, const awsc_error *err)
{
    async_result *r = user;
    r->status = status;
    r->calls++;
    snprintf(r->code, sizeof r->code, "%s", err && err->code ? err->code : "");
    awsc_output_free(output);
}

Test(checksum, asynchronous_calls_validate_too)
{
    cr_assert_eq(new_client(NULL, NULL, &client, NULL), AWSC_OK);
    awsc_test_server_push_response(srv, 200, "x-amz-checksum-crc32: " HELLO_CRC32C "\r\n", hello, strlen(hello));
    get_in in = {.key = "k"};
    async_result res = {0};
    cr_assert_eq(awsc_client_invoke_async(client, &ops[GET], &in, on_done, &res, NULL), AWSC_OK);
    for (int i = 0; i < 600 && res.calls == 0; i++) /* bounded: 600 x 100 ms at most */
        awsc_client_run(client, 100);
    cr_assert_eq(res.calls, 1);
    cr_assert_eq(res.status, AWSC_E_RESPONSE);
    cr_assert_str_eq(res.code, "ChecksumMismatch");
}
