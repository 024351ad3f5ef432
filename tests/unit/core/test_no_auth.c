/*
 * Operations whose model says `smithy.api#auth: []` (AWSC_OP_NO_AUTH, e.g. STS
 * AssumeRoleWithWebIdentity) go out unsigned and never ask for credentials:
 * they are how a program without credentials gets its first ones.
 */
#include "awsc/schema.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct in {
    const char *name;
} in;

static const awsc_member in_members[] = {
    {.name = "name", .wire_name = "name", .offset = offsetof(in, name), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
};
static const awsc_shape in_shape = {.name = "In", .type = AWSC_T_STRUCT, .size = sizeof(in), .members = in_members,
                                    .member_count = 1};
static const awsc_operation ops[] = {
    {.codec = &awsc_codec_rest_json, .name = "Anonymous", .method = "POST", .uri = "/anonymous", .http_code = 200,
     .input = &in_shape, .flags = AWSC_OP_NO_AUTH},
    {.codec = &awsc_codec_rest_json, .name = "Signed", .method = "POST", .uri = "/signed", .http_code = 200,
     .input = &in_shape},
};
static const awsc_service svc = {.sdk_id = "Anon", .cli_name = "anon", .signing_name = "anon",
                                 .endpoint_prefix = "anon", .operations = ops, .operation_count = 2};

static awsc_test_server *srv;

static void setup(void)
{
    /* No credentials anywhere the chain looks. */
    static const char *const clear[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                        "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
                                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                        "AWS_CONTAINER_CREDENTIALS_FULL_URI"};
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        unsetenv(clear[i]);
    setenv("AWS_CONFIG_FILE", "/nonexistent/awsc/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/awsc/credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    srv = awsc_test_server_start();
}

static void teardown(void)
{
    awsc_test_server_stop(srv);
}

TestSuite(no_auth, .init = setup, .fini = teardown);

Test(no_auth, unsigned_operation_needs_no_credentials)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    awsc_client *client;
    cr_assert_eq(awsc_client_new(&svc, &cfg, &client, NULL), AWSC_OK);
    in input = {.name = "x"};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &input, NULL, &err), AWSC_OK, "%s", err.message);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_null(awsc_test_request_header(r, "Authorization"));
    cr_assert_null(awsc_test_request_header(r, "X-Amz-Security-Token"));
    cr_assert_null(awsc_test_request_header(r, "X-Amz-Date"));
    cr_assert_not_null(awsc_test_request_header(r, "User-Agent"));

    /* The same client still needs credentials for a signed operation. */
    cr_assert_eq(awsc_client_invoke(client, &ops[1], &input, NULL, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "no credentials"), "%s", err.message);
    cr_assert_eq(awsc_test_server_request_count(srv), 1, "nothing sent without credentials");
    awsc_error_clear(&err);
    awsc_client_free(client);
}

Test(no_auth, unsigned_even_when_credentials_exist)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = "SECRET";
    cfg.session_token = "TOKEN";
    awsc_client *client;
    cr_assert_eq(awsc_client_new(&svc, &cfg, &client, NULL), AWSC_OK);
    in input = {.name = "x"};
    cr_assert_eq(awsc_client_invoke(client, &ops[0], &input, NULL, NULL), AWSC_OK);
    cr_assert_eq(awsc_client_invoke(client, &ops[1], &input, NULL, NULL), AWSC_OK);
    cr_assert_null(awsc_test_request_header(awsc_test_server_request(srv, 0), "Authorization"));
    cr_assert_null(awsc_test_request_header(awsc_test_server_request(srv, 0), "X-Amz-Security-Token"));
    cr_assert_not_null(awsc_test_request_header(awsc_test_server_request(srv, 1), "Authorization"));
    cr_assert_str_eq(awsc_test_request_header(awsc_test_server_request(srv, 1), "X-Amz-Security-Token"), "TOKEN");
    awsc_client_free(client);
}
