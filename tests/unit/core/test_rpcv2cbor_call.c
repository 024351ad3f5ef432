/*
 * One rpcv2Cbor call through the whole client against the loopback server:
 * the request line, headers and signed CBOR body it sends, a CBOR output, a
 * modeled error named by "__type", and a body that is not CBOR.
 */
#include "awsc/cbor.h"

#include "serde/cbor/cbor.h"
#include "util/buf.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct in {
    const char *name;
} in;
typedef struct out {
    int32_t count;
    bool has_count;
} out;
typedef struct oops {
    const char *message;
    const char *reason;
} oops;

#define BODY .raw_offset = AWSC_NO_OFFSET, .binding = AWSC_B_BODY
static const awsc_member in_members[] = {
    {.name = "name", .wire_name = "name", .offset = offsetof(in, name), .has_offset = AWSC_NO_OFFSET,
     .type = AWSC_T_STRING, BODY},
};
static const awsc_shape in_shape = {.name = "In", .type = AWSC_T_STRUCT, .size = sizeof(in), .members = in_members,
                                    .member_count = 1};
static const awsc_member out_members[] = {
    {.name = "count", .wire_name = "count", .offset = offsetof(out, count), .has_offset = offsetof(out, has_count),
     .type = AWSC_T_INT, BODY},
};
static const awsc_shape out_shape = {.name = "Out", .type = AWSC_T_STRUCT, .size = sizeof(out),
                                     .members = out_members, .member_count = 1};
static const awsc_member oops_members[] = {
    {.name = "message", .wire_name = "message", .offset = offsetof(oops, message), .has_offset = AWSC_NO_OFFSET,
     .type = AWSC_T_STRING, BODY},
    {.name = "reason", .wire_name = "reason", .offset = offsetof(oops, reason), .has_offset = AWSC_NO_OFFSET,
     .type = AWSC_T_STRING, BODY},
};
static const awsc_shape oops_shape = {.name = "Oops", .type = AWSC_T_STRUCT, .size = sizeof(oops),
                                      .members = oops_members, .member_count = 2};
static const awsc_shape *const errors[] = {&oops_shape};
static const uint16_t op_errors[] = {0};
static const awsc_operation ops[] = {
    {.codec = &awsc_codec_rpcv2_cbor, .name = "Do", .method = "POST", .uri = "/service/Svc/operation/Do",
     .http_code = 200, .input = &in_shape, .output = &out_shape, .errors = op_errors, .error_count = 1},
};
static const awsc_service svc = {.sdk_id = "Svc", .cli_name = "svc", .signing_name = "svc",
                                 .endpoint_prefix = "svc", .operations = ops, .operation_count = 1,
                                 .errors = errors, .error_count = 1};

static awsc_test_server *srv;
static awsc_client *client;

static void setup(void)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_PROFILE");
    setenv("AWS_CONFIG_FILE", "/nonexistent/awsc/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/awsc/credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    srv = awsc_test_server_start();
    cr_assert_not_null(srv);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.max_attempts = 1;
    cr_assert_eq(awsc_client_new(&svc, &cfg, &client, NULL), AWSC_OK);
}

static void teardown(void)
{
    awsc_client_free(client);
    awsc_test_server_stop(srv);
}

TestSuite(rpcv2cbor_call, .init = setup, .fini = teardown);

Test(rpcv2cbor_call, request_and_output)
{
    /* {"count": 5, "extra": [1]} */
    static const uint8_t body[] = {0xa2, 0x65, 'c', 'o', 'u', 'n', 't', 0x05, 0x65, 'e', 'x', 't', 'r', 'a', 0x81, 0x01};
    awsc_test_server_push_response(srv, 200, "Content-Type: application/cbor\r\nsmithy-protocol: rpc-v2-cbor\r\n", body,
                                   sizeof body);
    in input = {.name = "x"};
    out *output = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &input, (void **)&output, &err), AWSC_OK, "%s", err.message);
    cr_expect(output->has_count && output->count == 5);
    awsc_output_free(output);

    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_expect_str_eq(r->method, "POST");
    cr_expect_str_eq(r->target, "/service/Svc/operation/Do");
    cr_expect_str_eq(awsc_test_request_header(r, "smithy-protocol"), "rpc-v2-cbor");
    cr_expect_str_eq(awsc_test_request_header(r, "Content-Type"), "application/cbor");
    cr_expect_str_eq(awsc_test_request_header(r, "Accept"), "application/cbor");
    cr_expect_null(awsc_test_request_header(r, "X-Amz-Target"));
    const char *auth = awsc_test_request_header(r, "Authorization");
    cr_assert_not_null(auth);
    cr_expect(strstr(auth, "/us-east-1/svc/aws4_request") != NULL, "%s", auth);
    awsc_buf text = AWSC_BUF_INIT;
    cr_assert_eq(awsc_cbor_diagnostic(r->body, r->body_len, true, NULL, NULL, &text), 0);
    cr_expect_str_eq(text.data, "{\"name\": \"x\"}");
    awsc_buf_free(&text);
}

Test(rpcv2cbor_call, modeled_error_by_type)
{
    /* {"__type": "ns#Oops", "message": "bad", "reason": "r"} */
    static const uint8_t body[] = {0xa3, 0x66, '_', '_', 't', 'y', 'p', 'e', 0x67, 'n', 's', '#', 'O', 'o', 'p',
                                   's', 0x67, 'm', 'e', 's', 's', 'a', 'g', 'e', 0x63, 'b', 'a', 'd', 0x66, 'r',
                                   'e', 'a', 's', 'o', 'n', 0x61, 'r'};
    awsc_test_server_push_response(srv, 400,
                                   "Content-Type: application/cbor\r\nsmithy-protocol: rpc-v2-cbor\r\n"
                                   "x-amzn-requestid: rid-1\r\nX-Amzn-ErrorType: Other\r\n", /* ignored */
                                   body, sizeof body);
    in input = {.name = "x"};
    void *output = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &input, &output, &err), AWSC_E_SERVICE);
    cr_expect_str_eq(err.code, "Oops");
    cr_expect_str_eq(err.message, "bad");
    cr_expect_str_eq(err.request_id, "rid-1");
    cr_expect_eq(err.modeled, 1);
    cr_assert_not_null(err.detail);
    cr_expect_str_eq(((const oops *)err.detail)->reason, "r");
    awsc_error_clear(&err);
}

Test(rpcv2cbor_call, body_that_is_not_cbor)
{
    /* a map that announces two entries and holds one */
    static const uint8_t body[] = {0xa2, 0x65, 'c', 'o', 'u', 'n', 't', 0x05};
    awsc_test_server_push_response(srv, 200, "Content-Type: application/cbor\r\nsmithy-protocol: rpc-v2-cbor\r\n",
                                   body, sizeof body);
    in input = {.name = "x"};
    void *output = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &input, &output, &err), AWSC_E_RESPONSE);
    cr_expect(strstr(err.message, "invalid CBOR") != NULL, "%s", err.message);
    cr_expect_null(output);
    awsc_error_clear(&err);
}

/* A response without the request's Smithy-Protocol is malformed: only its status counts. */
Test(rpcv2cbor_call, response_without_smithy_protocol)
{
    static const uint8_t ok[] = {0xa1, 0x65, 'c', 'o', 'u', 'n', 't', 0x05};
    awsc_test_server_push_response(srv, 200, "Content-Type: application/cbor\r\n", ok, sizeof ok);
    in input = {.name = "x"};
    void *output = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &input, &output, &err), AWSC_E_RESPONSE);
    cr_expect(strstr(err.message, "Smithy-Protocol is missing") != NULL, "%s", err.message);
    awsc_error_clear(&err);

    /* {"__type": "ns#Oops"} with the wrong protocol: not read, so not the modeled error */
    static const uint8_t oops_body[] = {0xa1, 0x66, '_', '_', 't', 'y', 'p', 'e', 0x67, 'n', 's', '#', 'O', 'o', 'p', 's'};
    awsc_test_server_push_response(srv, 400, "Content-Type: application/cbor\r\nsmithy-protocol: rpc-v2-json\r\n",
                                   oops_body, sizeof oops_body);
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &input, &output, &err), AWSC_E_SERVICE);
    cr_expect_null(err.code);
    cr_expect_eq(err.modeled, 0);
    cr_expect_eq(err.http_status, 400);
    awsc_error_clear(&err);
}
