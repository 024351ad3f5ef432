/*
 * libawsc-sts-credentials over the generated STS client, end to end in C: the
 * default chain with awsc_config.sts set, against a loopback HTTP server that
 * answers with STS's XML. Checks the form bodies, that web identity goes out
 * unsigned and AssumeRole signed with the source keys, refresh before expiry
 * with the token file read again, STS errors turned into credentials errors,
 * and that no secret reaches the log at debug level.
 */
#include <awsc/sts.h>
#include <awsc/sts_credentials.h>

#include "auth/credentials.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static awsc_test_server *srv;
static char dir[64];
static int64_t fake_now = 1700000000; /* 2023-11-14T22:13:20Z */
static char log_text[65536];
static size_t log_len;

static int64_t clock_fn(void *ctx)
{
    return *(int64_t *)ctx;
}

static void capture_log(void *user, awsc_log_level level, const char *line)
{
    (void)user;
    (void)level;
    int n = snprintf(log_text + log_len, sizeof log_text - log_len, "%s\n", line);
    if (n > 0 && (size_t)n < sizeof log_text - log_len)
        log_len += (size_t)n;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    static const char *const clear[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                        "AWS_PROFILE", "AWS_ROLE_SESSION_NAME", "AWS_REGION",
                                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                        "AWS_CONTAINER_CREDENTIALS_FULL_URI"};
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        unsetenv(clear[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    strcpy(dir, "/tmp/awsc_sts_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/config", dir);
    setenv("AWS_CONFIG_FILE", path, 1);
    snprintf(path, sizeof path, "%s/credentials", dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    snprintf(path, sizeof path, "%s/token", dir);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", path, 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/device", 1);
    srv = awsc_test_server_start();
    setenv("AWS_ENDPOINT_URL_STS", awsc_test_server_base_url(srv), 1);
    fake_now = 1700000000;
    log_len = 0;
    log_text[0] = '\0';
}

static void teardown(void)
{
    awsc_test_server_stop(srv);
    unsetenv("AWS_ENDPOINT_URL_STS");
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_ARN");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(sts_credentials, .init = setup, .fini = teardown);

/* An STS success answer for `action` whose credentials expire at `expiration` (ISO 8601). */
static void push_credentials(const char *action, const char *id, const char *secret, const char *token,
                             const char *expiration)
{
    char body[2048];
    int n = snprintf(body, sizeof body,
                     "<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><%sResult>"
                     "<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
                     "<SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>"
                     "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>"
                     "<Arn>arn:aws:sts::123456789012:assumed-role/device/s</Arn></AssumedRoleUser>"
                     "</%sResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></%sResponse>",
                     action, action, id, secret, token, expiration, action, action);
    cr_assert_eq(awsc_test_server_push_response(srv, 200, "Content-Type: text/xml\r\n", body, (size_t)n), 0);
}

static void push_error(int status, const char *code, const char *message)
{
    char body[1024];
    int n = snprintf(body, sizeof body,
                     "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                     "<Code>%s</Code><Message>%s</Message></Error><RequestId>req-e</RequestId></ErrorResponse>",
                     code, message);
    cr_assert_eq(awsc_test_server_push_response(srv, status, "Content-Type: text/xml\r\n", body, (size_t)n), 0);
}

static awsc_credentials_provider *new_provider(const char *profile)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "eu-west-1";
    cfg.profile = profile;
    cfg.now = clock_fn;
    cfg.hooks_ctx = &fake_now;
    cfg.max_attempts = 1;
    cfg.log_level = AWSC_LOG_TRACE; /* the plug-in caps STS's own client at debug */
    cfg.log_fn = capture_log;
    cfg.sts = awsc_sts_credentials_api();
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new(&cfg, &err);
    cr_assert_not_null(p, "%s", err.message);
    return p;
}

/* The request body's form value of `key` (URL-decoded bytes compared as sent), or NULL. */
static const char *form_has(const awsc_test_request *r, const char *pair)
{
    return strstr((const char *)r->body, pair);
}

static const char *header(const awsc_test_request *r, const char *name)
{
    for (size_t i = 0; i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static void assert_no_secrets_logged(void)
{
    static const char *const secrets[] = {"SECRETWEB1", "SECRETWEB2", "TOKENWEB1", "TOKENWEB2", "jwt-first",
                                          "jwt-second", "SECRETBASE", "SECRETROLE", "TOKENROLE"};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        cr_assert_null(strstr(log_text, secrets[i]), "%s is in the log:\n%s", secrets[i], log_text);
}

Test(sts_credentials, web_identity_unsigned_then_refreshed_with_the_new_token)
{
    write_file("token", "jwt-first\n");
    push_credentials("AssumeRoleWithWebIdentity", "ASIAWEBIDENTITY1", "SECRETWEB1", "TOKENWEB1",
                     "2023-11-14T23:13:20Z"); /* fake_now + 3600 */
    awsc_credentials_provider *p = new_provider(NULL);
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "ASIAWEBIDENTITY1");
    cr_assert_str_eq(c.secret_access_key, "SECRETWEB1");
    cr_assert_str_eq(c.session_token, "TOKENWEB1");
    cr_assert_eq(c.expiration, 1700000000 + 3600);
    awsc_credentials_clear(&c);

    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->method, "POST");
    cr_assert_null(header(r, "Authorization"), "web identity must go unsigned");
    cr_assert_null(header(r, "X-Amz-Security-Token"));
    cr_assert_not_null(strstr(header(r, "Content-Type"), "application/x-www-form-urlencoded"));
    cr_assert_not_null(form_has(r, "Action=AssumeRoleWithWebIdentity"));
    cr_assert_not_null(form_has(r, "Version=2011-06-15"));
    cr_assert_not_null(form_has(r, "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdevice"), "%s", r->body);
    cr_assert_not_null(form_has(r, "RoleSessionName=awsc-session-1700000000"), "%s", r->body);
    cr_assert_not_null(form_has(r, "WebIdentityToken=jwt-first"), "%s", r->body);

    /* Within five minutes of expiry: a new call to STS, with the token the file holds now. */
    write_file("token", "jwt-second");
    push_credentials("AssumeRoleWithWebIdentity", "ASIAWEBIDENTITY2", "SECRETWEB2", "TOKENWEB2",
                     "2023-11-15T00:13:20Z");
    fake_now += 3600 - 200;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "ASIAWEBIDENTITY2");
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    cr_assert_not_null(form_has(awsc_test_server_request(srv, 1), "WebIdentityToken=jwt-second"));
    assert_no_secrets_logged();
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, web_identity_error_is_the_credentials_error)
{
    write_file("token", "jwt-first");
    push_error(400, "ExpiredTokenException", "Token expired: current date/time is after the token's exp");
    awsc_credentials_provider *p = new_provider(NULL);
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_SERVICE);
    cr_assert_not_null(strstr(err.message, "Token expired: current date/time is after the token's exp"), "%s",
                       err.message);
    cr_assert_not_null(strstr(err.message, "AssumeRoleWithWebIdentity"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "AWS_WEB_IDENTITY_TOKEN_FILE"), "%s", err.message);
    cr_assert_str_eq(err.code, "ExpiredTokenException");
    cr_assert_eq(err.http_status, 400);
    cr_assert_null(strstr(err.message, "jwt-first"));
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, profile_role_is_signed_with_the_source_keys)
{
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_ARN");
    write_file("credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SECRETBASE\n");
    write_file("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
                         "external_id = ext-42\nrole_session_name = ci\n");
    push_credentials("AssumeRole", "ASIAROLEEXAMPLE1", "SECRETROLE", "TOKENROLE", "2023-11-14T23:13:20Z");
    awsc_credentials_provider *p = new_provider("dev");
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "ASIAROLEEXAMPLE1");
    cr_assert_str_eq(c.account_id, "123456789012", "the account of the session's ARN (account-based endpoints)");
    awsc_credentials_clear(&c);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    const char *auth = header(r, "Authorization");
    cr_assert_not_null(auth);
    cr_assert_not_null(strstr(auth, "Credential=AKIDBASE/20231114/eu-west-1/sts/aws4_request"), "%s", auth);
    cr_assert_not_null(form_has(r, "Action=AssumeRole&"), "%s", r->body);
    cr_assert_not_null(form_has(r, "RoleSessionName=ci"), "%s", r->body);
    cr_assert_not_null(form_has(r, "ExternalId=ext-42"), "%s", r->body);
    assert_no_secrets_logged();
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, access_denied_reaches_the_caller)
{
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_ARN");
    write_file("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = dev\n"
                         "aws_access_key_id = AKIDDEV\naws_secret_access_key = SECRETDEV\n");
    push_error(403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole");
    awsc_credentials_provider *p = new_provider("dev");
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_SERVICE);
    cr_assert_not_null(strstr(err.message, "profile dev (role_arn): STS AssumeRole failed"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "User is not authorized to perform: sts:AssumeRole"), "%s", err.message);
    cr_assert_eq(err.http_status, 403);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, an_answer_without_credentials_is_an_error)
{
    write_file("token", "jwt-first");
    static const char body[] = "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                               "<AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResult>"
                               "</AssumeRoleWithWebIdentityResponse>";
    awsc_test_server_push_response(srv, 200, "Content-Type: text/xml\r\n", body, sizeof body - 1);
    awsc_credentials_provider *p = new_provider(NULL);
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_RESPONSE);
    cr_assert_not_null(strstr(err.message, "without complete credentials"), "%s", err.message);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
}

/* The full error message of a failed get, with its status checked (static storage). */
static const char *failure(awsc_credentials_provider *p, awsc_status status)
{
    static char msg[1024];
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), (int)status, "%s", err.message);
    snprintf(msg, sizeof msg, "%s", err.message);
    cr_assert_null(c.access_key_id);
    awsc_error_clear(&err);
    return msg;
}

static void role_profile_dev(void)
{
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_ARN");
    write_file("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = dev\n"
                         "aws_access_key_id = AKIDDEV\naws_secret_access_key = SECRETDEV\n");
}

Test(sts_credentials, assume_role_answer_without_a_session_token_is_an_error)
{
    role_profile_dev();
    static const char body[] = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
                               "<SecretAccessKey>SECRETROLE</SecretAccessKey><Expiration>2023-11-14T23:13:20Z"
                               "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
    awsc_test_server_push_response(srv, 200, "Content-Type: text/xml\r\n", body, sizeof body - 1);
    awsc_credentials_provider *p = new_provider("dev");
    const char *msg = failure(p, AWSC_E_RESPONSE);
    /* After the chain's list of what it tried first. */
    cr_assert_not_null(strstr(msg, "profile dev"), "%s", msg);
    cr_assert_str_eq(strstr(msg, "profile dev"),
                     "profile dev (role_arn): STS AssumeRole failed: STS answered without complete credentials");
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, malformed_sts_answers_are_response_errors)
{
    write_file("token", "jwt-first");
    static const char truncated[] = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>";
    awsc_test_server_push_response(srv, 200, "Content-Type: text/xml\r\n", truncated, sizeof truncated - 1);
    awsc_credentials_provider *p = new_provider(NULL);
    const char *msg = failure(p, AWSC_E_RESPONSE);
    cr_assert_not_null(strstr(msg, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE): STS AssumeRoleWithWebIdentity failed: "
                                   "invalid XML at line 1"),
                       "%s", msg);
    awsc_credentials_provider_free(p);
    static const char bad_time[] =
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA1"
        "</AccessKeyId><SecretAccessKey>SECRETWEB1</SecretAccessKey><SessionToken>TOKENWEB1</SessionToken>"
        "<Expiration>soon</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
        "</AssumeRoleWithWebIdentityResponse>";
    awsc_test_server_push_response(srv, 200, "Content-Type: text/xml\r\n", bad_time, sizeof bad_time - 1);
    p = new_provider(NULL);
    msg = failure(p, AWSC_E_RESPONSE);
    cr_assert_not_null(strstr(msg, "failed: invalid XML response: member Expiration (element <Expiration>): invalid timestamp"), "%s", msg);
    cr_assert_null(strstr(msg, "SECRETWEB1"));
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, an_error_code_missing_from_the_message_is_added)
{
    role_profile_dev();
    push_error(400, "ValidationError", "1 validation error detected");
    awsc_credentials_provider *p = new_provider("dev");
    const char *msg = failure(p, AWSC_E_SERVICE);
    cr_assert_not_null(strstr(msg, "profile dev"), "%s", msg);
    cr_assert_str_eq(strstr(msg, "profile dev"),
                     "profile dev (role_arn): STS AssumeRole failed: ValidationError: 1 validation error detected");
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, without_a_region_sts_is_asked_in_us_east_1)
{
    role_profile_dev();
    push_credentials("AssumeRole", "ASIAROLEEXAMPLE1", "SECRETROLE", "TOKENROLE", "2023-11-14T23:13:20Z");
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.profile = "dev";
    cfg.now = clock_fn;
    cfg.hooks_ctx = &fake_now;
    cfg.max_attempts = 1;
    cfg.sts = awsc_sts_credentials_api();
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new(&cfg, &err);
    cr_assert_not_null(p, "%s", err.message);
    awsc_credentials c = {0};
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "ASIAROLEEXAMPLE1");
    awsc_credentials_clear(&c);
    const char *auth = header(awsc_test_server_request(srv, 0), "Authorization");
    cr_assert_not_null(strstr(auth, "Credential=AKIDDEV/20231114/us-east-1/sts/aws4_request"), "%s", auth);
    awsc_credentials_provider_free(p);
}

Test(sts_credentials, an_sts_client_that_cannot_be_made_is_reported)
{
    role_profile_dev();
    setenv("AWS_ENDPOINT_URL_STS", "ftp://example.com", 1);
    awsc_credentials_provider *p = new_provider("dev");
    const char *msg = failure(p, AWSC_E_CONFIG);
    cr_assert_not_null(strstr(msg, "profile dev (role_arn): STS client failed: "), "%s", msg);
    cr_assert_eq(awsc_test_server_request_count(srv), 0);
    awsc_credentials_provider_free(p);
}
