/*
 * Auth scheme selection (runtime/core/auth.c): the model's order per service
 * and operation (AWSC_AUTH_LIST), the first scheme with an identity signs,
 * auth_scheme_preference reorders, bearer tokens from code, the environment or
 * the profile's sso_session, optionalAuth falls back to unsigned only when no
 * credentials exist, and a token never reaches a log line.
 */
#include "awsc/schema.h"
#include "awsc/sigv4a.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct in {
    const char *name;
} in;

static const awsc_member in_members[] = {
    {.name = "name", .wire_name = "name", .offset = offsetof(in, name), .has_offset = AWSC_NO_OFFSET,
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING},
};
static const awsc_shape in_shape = {.name = "In", .type = AWSC_T_STRUCT, .size = sizeof(in), .members = in_members,
                                    .member_count = 1};

#define OP(nm, ...)                                                                                                   \
    {.codec = &awsc_codec_rest_json, .name = nm, .method = "POST", .uri = "/" nm, .http_code = 200,                  \
     .input = &in_shape, __VA_ARGS__}

/* CodeCatalyst-like: bearer auth only. */
static const awsc_operation bearer_ops[] = {OP("Get", .flags = 0)};
static const awsc_service bearer_svc = {.sdk_id = "Tok", .cli_name = "tok", .signing_name = "code-catalyst",
                                        .endpoint_prefix = "tok", .operations = bearer_ops, .operation_count = 1,
                                        .auth = AWSC_AUTH_LIST(AWSC_AUTH_BEARER, 0, 0), .bearer = &awsc_bearer_auth};
/* Bedrock-like: SigV4 first, bearer second; one operation limited to SigV4. */
static const awsc_operation both_ops[] = {OP("Invoke", .flags = 0),
                                          OP("Admin", .auth = AWSC_AUTH_LIST(AWSC_AUTH_SIGV4, 0, 0))};
static const awsc_service both_svc = {.sdk_id = "Both", .cli_name = "both", .signing_name = "bedrock",
                                      .endpoint_prefix = "both", .operations = both_ops, .operation_count = 2,
                                      .auth = AWSC_AUTH_LIST(AWSC_AUTH_SIGV4, AWSC_AUTH_BEARER, 0),
                                      .bearer = &awsc_bearer_auth};
/* SigV4a preferred by the model (as some services list it), SigV4 second. */
static const awsc_operation v4a_ops[] = {OP("Put", .flags = 0)};
static const awsc_service v4a_svc = {.sdk_id = "Multi", .cli_name = "multi", .signing_name = "multi",
                                     .endpoint_prefix = "multi", .operations = v4a_ops, .operation_count = 1,
                                     .auth = AWSC_AUTH_LIST(AWSC_AUTH_SIGV4A, AWSC_AUTH_SIGV4, 0)};
/* SigV4 with an optionalAuth operation. */
static const awsc_operation opt_ops[] = {OP("GetId", .flags = AWSC_OP_OPTIONAL_AUTH), OP("Signed", .flags = 0)};
static const awsc_service opt_svc = {.sdk_id = "Opt", .cli_name = "opt", .signing_name = "opt",
                                     .endpoint_prefix = "opt", .operations = opt_ops, .operation_count = 2};

static awsc_test_server *srv;
static char dir[64];

static void setup(void)
{
    static const char *const clear[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                        "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
                                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_AUTH_SCHEME_PREFERENCE",
                                        "AWS_BEARER_TOKEN_BEDROCK", "AWS_BEARER_TOKEN_CODE_CATALYST",
                                        "AWS_SIGV4A_SIGNING_REGION_SET"};
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        unsetenv(clear[i]);
    snprintf(dir, sizeof dir, "/tmp/awsc-auth-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\n"
          "sso_region = us-east-1\n[profile pref]\nauth_scheme_preference = httpBearerAuth\n",
          f);
    fclose(f);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/awsc/credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    srv = awsc_test_server_start();
}

static void teardown(void)
{
    awsc_test_server_stop(srv);
    char path[128];
    snprintf(path, sizeof path, "%s/config", dir);
    unlink(path);
    rmdir(dir);
}

TestSuite(auth_schemes, .init = setup, .fini = teardown);

static awsc_config base_config(void)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-west-2";
    cfg.endpoint_url = awsc_test_server_base_url(srv);
    return cfg;
}

static void keys(awsc_config *cfg)
{
    cfg->access_key_id = "AKIDEXAMPLE";
    cfg->secret_access_key = "SECRET";
}

/* Calls ops[i] of `svc` once and returns the request the server saw (NULL when nothing was sent). */
static const awsc_test_request *call(const awsc_service *svc, const awsc_config *cfg, size_t i, int want,
                                     awsc_error *out_err)
{
    size_t before = awsc_test_server_request_count(srv);
    awsc_client *client;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_new(svc, cfg, &client, &err), AWSC_OK, "%s", err.message);
    in input = {.name = "x"};
    int rc = awsc_client_invoke(client, &svc->operations[i], &input, NULL, &err);
    cr_assert_eq(rc, want, "%s: %s", svc->operations[i].name, err.message ? err.message : "no error");
    awsc_client_free(client);
    if (out_err)
        *out_err = err;
    else
        awsc_error_clear(&err);
    return awsc_test_server_request_count(srv) > before ? awsc_test_server_request(srv, before) : NULL;
}

static const char *authorization(const awsc_test_request *r)
{
    const char *v = awsc_test_request_header(r, "Authorization");
    cr_assert_not_null(v, "no Authorization header");
    return v;
}

Test(auth_schemes, bearer_token_from_code)
{
    awsc_config cfg = base_config();
    cfg.bearer_token = "tok-from-code";
    const awsc_test_request *r = call(&bearer_svc, &cfg, 0, AWSC_OK, NULL);
    cr_assert_str_eq(authorization(r), "Bearer tok-from-code");
    cr_assert_null(awsc_test_request_header(r, "X-Amz-Date"), "a bearer request carries no SigV4 headers");
    cr_assert_null(awsc_test_request_header(r, "X-Amz-Security-Token"));
}

Test(auth_schemes, bearer_token_from_the_environment_by_signing_name)
{
    setenv("AWS_BEARER_TOKEN_CODE_CATALYST", "tok-from-env", 1);
    awsc_config cfg = base_config();
    cr_assert_str_eq(authorization(call(&bearer_svc, &cfg, 0, AWSC_OK, NULL)), "Bearer tok-from-env");
}

Test(auth_schemes, no_token_is_a_clear_error_and_nothing_is_sent)
{
    awsc_config cfg = base_config();
    keys(&cfg); /* SigV4 credentials do not help a bearer-only service */
    awsc_error err;
    cr_assert_null(call(&bearer_svc, &cfg, 0, AWSC_E_CONFIG, &err));
    cr_assert_not_null(strstr(err.message, "httpBearerAuth"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "AWS_BEARER_TOKEN_CODE_CATALYST"), "%s", err.message);
    awsc_error_clear(&err);
}

static int token_calls;

static int fake_token(const awsc_role_host *host, const char *profile, char **token, int64_t *expires,
                      awsc_error *err)
{
    (void)err;
    token_calls++;
    cr_assert_str_eq(profile, "dev");
    cr_assert_str_eq(host->profile_value(host->ctx, profile, "sso_session"), "corp");
    *token = strdup("tok-from-sso");
    *expires = host->now + 3600;
    return AWSC_OK;
}

Test(auth_schemes, bearer_token_from_the_profiles_sso_session_cached_by_the_client)
{
    static const awsc_sso_api sso = {.profile_token = fake_token};
    awsc_config cfg = base_config();
    cfg.profile = "dev";
    cfg.sso = &sso;
    awsc_client *client;
    cr_assert_eq(awsc_client_new(&bearer_svc, &cfg, &client, NULL), AWSC_OK);
    in input = {.name = "x"};
    token_calls = 0;
    for (int i = 0; i < 3; i++)
        cr_assert_eq(awsc_client_invoke(client, &bearer_ops[0], &input, NULL, NULL), AWSC_OK);
    awsc_client_free(client);
    cr_assert_eq(token_calls, 1, "one token for three calls, not %d", token_calls);
    cr_assert_str_eq(authorization(awsc_test_server_request(srv, 2)), "Bearer tok-from-sso");
}

Test(auth_schemes, model_order_signs_with_sigv4_when_both_are_possible)
{
    awsc_config cfg = base_config();
    keys(&cfg);
    cr_assert_eq(strncmp(authorization(call(&both_svc, &cfg, 0, AWSC_OK, NULL)), "AWS4-HMAC-SHA256 ", 17), 0);
    /* Without credentials the chain's error is reported (no bearer token either). */
    awsc_config none = base_config();
    awsc_error err;
    cr_assert_null(call(&both_svc, &none, 0, AWSC_E_CONFIG, &err));
    cr_assert_not_null(strstr(err.message, "no credentials"), "%s", err.message);
    awsc_error_clear(&err);
}

Test(auth_schemes, a_configured_token_or_the_preference_picks_bearer)
{
    /* AWS_BEARER_TOKEN_BEDROCK: the SDKs then use the API key, credentials or not. */
    setenv("AWS_BEARER_TOKEN_BEDROCK", "api-key", 1);
    awsc_config cfg = base_config();
    keys(&cfg);
    cr_assert_str_eq(authorization(call(&both_svc, &cfg, 0, AWSC_OK, NULL)), "Bearer api-key");
    /* An operation whose model lists SigV4 alone is never sent with the token. */
    cr_assert_eq(strncmp(authorization(call(&both_svc, &cfg, 1, AWSC_OK, NULL)), "AWS4-HMAC-SHA256 ", 17), 0);
    /* An explicit preference wins over the token's presence. */
    cfg.auth_scheme_preference = " sigv4 , httpBearerAuth";
    cr_assert_eq(strncmp(authorization(call(&both_svc, &cfg, 0, AWSC_OK, NULL)), "AWS4-HMAC-SHA256 ", 17), 0);
    unsetenv("AWS_BEARER_TOKEN_BEDROCK");
    /* The preference from the environment and from the profile, shape ids accepted. */
    cfg = base_config();
    keys(&cfg);
    cfg.bearer_token = "code-token";
    setenv("AWS_AUTH_SCHEME_PREFERENCE", "unknownScheme,aws.auth#sigv4", 1);
    cr_assert_eq(strncmp(authorization(call(&both_svc, &cfg, 0, AWSC_OK, NULL)), "AWS4-HMAC-SHA256 ", 17), 0);
    unsetenv("AWS_AUTH_SCHEME_PREFERENCE");
    cfg.profile = "pref";
    cr_assert_str_eq(authorization(call(&both_svc, &cfg, 0, AWSC_OK, NULL)), "Bearer code-token");
}

Test(auth_schemes, sigv4a_first_in_the_model_needs_its_signer)
{
    awsc_config cfg = base_config();
    keys(&cfg);
    /* Without the SigV4a signer the next scheme in the model's list signs. */
    cr_assert_eq(strncmp(authorization(call(&v4a_svc, &cfg, 0, AWSC_OK, NULL)), "AWS4-HMAC-SHA256 ", 17), 0);
    cfg.sigv4a = awsc_sigv4a_signer();
    const awsc_test_request *r = call(&v4a_svc, &cfg, 0, AWSC_OK, NULL);
    cr_assert_eq(strncmp(authorization(r), "AWS4-ECDSA-P256-SHA256 ", 23), 0, "%s", authorization(r));
    cr_assert_str_eq(awsc_test_request_header(r, "X-Amz-Region-Set"), "us-west-2");
    cfg.sigv4a_signing_region_set = "*";
    cr_assert_str_eq(awsc_test_request_header(call(&v4a_svc, &cfg, 0, AWSC_OK, NULL), "X-Amz-Region-Set"), "*");
    /* The preference can ask for SigV4 even with the signer. */
    cfg.auth_scheme_preference = "sigv4";
    cr_assert_eq(strncmp(authorization(call(&v4a_svc, &cfg, 0, AWSC_OK, NULL)), "AWS4-HMAC-SHA256 ", 17), 0);
}

Test(auth_schemes, optional_auth_is_unsigned_only_without_credentials)
{
    awsc_config cfg = base_config();
    const awsc_test_request *r = call(&opt_svc, &cfg, 0, AWSC_OK, NULL);
    cr_assert_null(awsc_test_request_header(r, "Authorization"));
    cr_assert_null(awsc_test_request_header(r, "X-Amz-Date"));
    /* A required-auth operation of the same service still fails without credentials. */
    cr_assert_null(call(&opt_svc, &cfg, 1, AWSC_E_CONFIG, NULL));
    keys(&cfg);
    cr_assert_eq(strncmp(authorization(call(&opt_svc, &cfg, 0, AWSC_OK, NULL)), "AWS4-HMAC-SHA256 ", 17), 0);
}

Test(auth_schemes, optional_auth_reports_a_broken_credentials_source)
{
    /* A named profile that does not exist is a configuration error, not "no credentials": never sent unsigned. */
    awsc_config cfg = base_config();
    cfg.profile = "missing";
    awsc_error err;
    cr_assert_null(call(&opt_svc, &cfg, 0, AWSC_E_CONFIG, &err));
    cr_assert_not_null(strstr(err.message, "missing"), "%s", err.message);
    awsc_error_clear(&err);
}

static char logged[8192];
static void capture(void *user, awsc_log_level level, const char *line)
{
    (void)user;
    (void)level;
    strncat(logged, line, sizeof logged - strlen(logged) - 2);
    strcat(logged, "\n");
}

Test(auth_schemes, the_token_never_reaches_a_log_line)
{
    awsc_config cfg = base_config();
    cfg.bearer_token = "very-secret-token";
    cfg.log_level = AWSC_LOG_TRACE;
    cfg.log_fn = capture;
    logged[0] = '\0';
    call(&bearer_svc, &cfg, 0, AWSC_OK, NULL);
    cr_assert(strlen(logged) > 0, "the trace logged something");
    cr_assert_null(strstr(logged, "very-secret-token"), "%s", logged);
}
