/*
 * libawsc-sso-credentials' service side (runtime/sso/sso_credentials.c): the
 * generated SSO and SSO-OIDC clients it makes per call, against the loopback
 * server of tests/support standing in for the portal and SSO-OIDC (both
 * reached through AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC): what goes
 * on the wire (unsigned, the bearer token header, the CreateToken body), what
 * comes back (credentials, their expiration in seconds, the refreshed cache),
 * and the portal's and SSO-OIDC's errors and malformed answers. The decisions
 * around the calls (when to refresh, what a failure keeps) are
 * test_sso_token.c's, with fakes in place of these clients.
 */
#include <criterion/criterion.h>

#include <awsc/sso_credentials.h>

#include "fake_profile.h"
#include "sso_token.h"
#include "test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NOW 1800000000LL /* 2027-01-15T08:00:00Z: the host's clock, which the token cache is read against */

static char home[64];
static awsc_test_server *srv;

/* fake_profile.h: `props`, the rows fake_value and fake_exists answer from, and session_props */

/* Generous: the machine running the tests may be loaded; no test waits for a timeout to pass. */
static awsc_config host_config = {.connect_timeout_ms = 30000, .request_timeout_ms = 60000, .max_attempts = 1};
static const awsc_role_host host = {NULL, &host_config, NOW, fake_value, fake_exists, NULL, NULL};

static void setup(void)
{
    snprintf(home, sizeof home, "/tmp/awsc_sso_cred_unit_%ld", (long)getpid());
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s/.aws/sso/cache", home, home);
    cr_assert_eq(system(cmd), 0);
    setenv("HOME", home, 1);
    /* Nothing of the environment's own AWS setup may reach the clients made here. */
    char path[128];
    snprintf(path, sizeof path, "%.60s/config", home);
    setenv("AWS_CONFIG_FILE", path, 1);
    snprintf(path, sizeof path, "%.60s/credentials", home);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_MAX_ATTEMPTS");
    srv = awsc_test_server_start();
    cr_assert_not_null(srv);
    setenv("AWS_ENDPOINT_URL_SSO", awsc_test_server_base_url(srv), 1);
    setenv("AWS_ENDPOINT_URL_SSO_OIDC", awsc_test_server_base_url(srv), 1);
    props = session_props;
    host_config.max_attempts = 1;
}

static void teardown(void)
{
    awsc_test_server_stop(srv);
    srv = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %.60s", home);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(sso_credentials, .init = setup, .fini = teardown);

/* Writes the cache file of `key`: access token "at-1" expiring at NOW + `expires_in`, refreshable. */
static char *write_token(const char *key, long long expires_in)
{
    char *path = awsc_sso_cache_path(key, NULL);
    cr_assert(path);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    time_t t = (time_t)(NOW + expires_in);
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f, "{\"accessToken\": \"at-1\", \"expiresAt\": \"%s\", \"refreshToken\": \"rt-1\", \"clientId\": \"cid\", "
               "\"clientSecret\": \"csecret\", \"registrationExpiresAt\": \"2030-01-01T00:00:00Z\"}",
            when);
    fclose(f);
    return path;
}

static void push_json(int status, const char *error_type, const char *body)
{
    char headers[160];
    snprintf(headers, sizeof headers, "Content-Type: application/json\r\n%s%s%s",
             error_type ? "x-amzn-ErrorType: " : "", error_type ? error_type : "", error_type ? "\r\n" : "");
    cr_assert_eq(awsc_test_server_push_response(srv, status, headers, body, strlen(body)), 0);
}

static const char ROLE_OK[] = "{\"roleCredentials\":{\"accessKeyId\":\"ASIAPORTAL\",\"secretAccessKey\":\"portal-secret\","
                              "\"sessionToken\":\"portal-session\",\"expiration\":1800003600123}}";

static int credentials(const char *profile, awsc_role_credentials *out, awsc_error *err)
{
    return awsc_sso_credentials_api()->profile_sso(&host, profile, out, err);
}

static void clear_creds(awsc_role_credentials *c)
{
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    free(c->account_id);
    memset(c, 0, sizeof *c);
}

/* The portal request: GET /federation/credentials, the role in the query, the token in its header, unsigned. */
static void expect_portal_request(const awsc_test_request *r, const char *token)
{
    cr_assert_not_null(r);
    cr_expect_str_eq(r->method, "GET");
    cr_expect_eq(strncmp(r->target, "/federation/credentials?", 24), 0, "%s", r->target);
    cr_expect(strstr(r->target, "role_name=admin"), "%s", r->target);
    cr_expect(strstr(r->target, "account_id=111122223333"), "%s", r->target);
    const char *bearer = awsc_test_request_header(r, "x-amz-sso_bearer_token");
    cr_assert_not_null(bearer);
    cr_expect_str_eq(bearer, token);
    cr_expect_null(awsc_test_request_header(r, "Authorization"), "GetRoleCredentials went signed");
}

Test(sso_credentials, cached_token_traded_for_role_credentials)
{
    free(write_token("corp", 3600));
    push_json(200, NULL, ROLE_OK);
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(credentials("dev", &c, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(c.access_key_id, "ASIAPORTAL");
    cr_expect_str_eq(c.secret_access_key, "portal-secret");
    cr_expect_str_eq(c.session_token, "portal-session");
    cr_expect_str_eq(c.account_id, "111122223333");
    cr_expect_eq(c.expiration, 1800003600, "milliseconds become seconds: %lld", (long long)c.expiration);
    cr_assert_eq(awsc_test_server_request_count(srv), 1);
    expect_portal_request(awsc_test_server_request(srv, 0), "at-1");
    clear_creds(&c);
    awsc_error_clear(&err);
}

/* Every log line, joined: what a caller's log function would have received. */
static char log_text[65536];
static size_t log_len;
static int trace_lines;

static void collect(void *user, awsc_log_level level, const char *line)
{
    (void)user;
    trace_lines += level == AWSC_LOG_TRACE;
    int n = snprintf(log_text + log_len, sizeof log_text - log_len, "%s\n", line);
    if (n > 0 && (size_t)n < sizeof log_text - log_len)
        log_len += (size_t)n;
}

Test(sso_credentials, trace_logging_stops_at_debug_so_no_token_or_secret_is_logged)
{
    host_config.log_level = AWSC_LOG_TRACE;
    host_config.log_fn = collect;
    free(write_token("corp", -60));
    push_json(200, NULL, "{\"accessToken\":\"at-2\",\"expiresIn\":28800,\"refreshToken\":\"rt-2\"}");
    push_json(200, NULL, ROLE_OK);
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = credentials("dev", &c, &err);
    host_config.log_level = AWSC_LOG_OFF;
    host_config.log_fn = NULL;
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_expect_gt(log_len, 0, "debug lines are still logged");
    cr_expect_eq(trace_lines, 0, "the wire was dumped:\n%s", log_text);
    const char *const secrets[] = {"at-1", "at-2", "rt-1", "rt-2", "csecret", "portal-secret", "portal-session"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        cr_expect_null(strstr(log_text, secrets[i]), "%s is in the log:\n%s", secrets[i], log_text);
    clear_creds(&c);
}

Test(sso_credentials, legacy_profile_reads_the_start_url_cache)
{
    free(write_token("https://corp.awsapps.com/start", 3600));
    push_json(200, NULL, ROLE_OK);
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(credentials("old", &c, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(c.access_key_id, "ASIAPORTAL");
    expect_portal_request(awsc_test_server_request(srv, 0), "at-1");
    clear_creds(&c);
}

Test(sso_credentials, expired_token_refreshed_through_create_token_then_used)
{
    char *path = write_token("corp", -60);
    push_json(200, NULL,
              "{\"accessToken\":\"at-2\",\"tokenType\":\"Bearer\",\"expiresIn\":28800,\"refreshToken\":\"rt-2\","
              "\"idToken\":\"id-2\"}");
    push_json(200, NULL, ROLE_OK);
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(credentials("dev", &c, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(c.access_key_id, "ASIAPORTAL");
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_expect_str_eq(r->method, "POST");
    cr_expect_str_eq(r->target, "/token");
    cr_expect_null(awsc_test_request_header(r, "Authorization"), "CreateToken went signed");
    const char *body = (const char *)r->body;
    cr_expect(strstr(body, "\"grantType\":\"refresh_token\""), "%s", body);
    cr_expect(strstr(body, "\"refreshToken\":\"rt-1\""), "%s", body);
    cr_expect(strstr(body, "\"clientId\":\"cid\""), "%s", body);
    cr_expect(strstr(body, "\"clientSecret\":\"csecret\""), "%s", body);
    expect_portal_request(awsc_test_server_request(srv, 1), "at-2");
    clear_creds(&c);
    /* The cache holds the refreshed token, and the rotated refresh token. */
    awsc_sso_token t;
    cr_assert_eq(awsc_sso_token_load(path, "login", &t, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(t.access_token, "at-2");
    cr_expect_eq(t.expires_at, NOW + 28800);
    cr_expect_str_eq(t.refresh_token, "rt-2");
    awsc_sso_token_clear(&t);
    free(path);
    awsc_error_clear(&err);
}

Test(sso_credentials, bearer_token_of_a_session_refreshed_when_due)
{
    free(write_token("corp", 100));
    push_json(200, NULL, "{\"accessToken\":\"at-3\",\"expiresIn\":3600}");
    char *token = NULL;
    int64_t expires = 0;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_sso_credentials_api()->profile_token(&host, "dev", &token, &expires, &err), AWSC_OK, "%s",
                 err.message);
    cr_expect_str_eq(token, "at-3");
    cr_expect_eq(expires, NOW + 3600);
    cr_expect_eq(awsc_test_server_request_count(srv), 1);
    free(token);
}

Test(sso_credentials, expired_token_whose_refresh_is_refused_says_to_sign_in)
{
    free(write_token("corp", -1));
    push_json(400, "InvalidGrantException",
              "{\"error\":\"invalid_grant\",\"error_description\":\"the refresh token is invalid or expired\"}");
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(credentials("dev", &c, &err), AWSC_E_SERVICE, "%s", err.message);
    cr_expect_str_eq(err.code, "InvalidGrantException");
    cr_expect(strstr(err.message, "refreshing it failed"), "%s", err.message);
    cr_expect(strstr(err.message, "aws sso login --profile dev"), "%s", err.message);
    cr_expect_null(c.access_key_id);
    /* No portal call with a token known to be dead. */
    cr_expect_eq(awsc_test_server_request_count(srv), 1);
    awsc_error_clear(&err);
}

Test(sso_credentials, expired_legacy_token_fails_without_a_request)
{
    free(write_token("https://corp.awsapps.com/start", -1));
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(credentials("old", &c, &err), AWSC_E_CONFIG, "%s", err.message);
    cr_expect(strstr(err.message, "has expired"), "%s", err.message);
    cr_expect_eq(awsc_test_server_request_count(srv), 0);
    awsc_error_clear(&err);
}

Test(sso_credentials, portal_errors_are_typed_and_unauthorized_says_to_sign_in)
{
    const struct {
        int status;
        const char *type;
        bool sign_in;
    } cases[] = {
        {401, "UnauthorizedException", true},
        {403, "ForbiddenException", false},
        {404, "ResourceNotFoundException", false},
        {400, "InvalidRequestException", false},
    };
    free(write_token("corp", 3600));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        push_json(cases[i].status, cases[i].type, "{\"message\":\"portal says no\"}");
        awsc_role_credentials c;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(credentials("dev", &c, &err), AWSC_E_SERVICE, "%s: %s", cases[i].type, err.message);
        cr_expect_str_eq(err.code, cases[i].type);
        cr_expect_eq(err.http_status, cases[i].status);
        cr_expect(strstr(err.message, "SSO GetRoleCredentials failed"), "%s", err.message);
        cr_expect(strstr(err.message, "portal says no"), "%s", err.message);
        cr_expect_eq(strstr(err.message, "aws sso login") != NULL, cases[i].sign_in, "%s", err.message);
        cr_expect_null(c.access_key_id);
        awsc_error_clear(&err);
    }
    cr_expect_eq(awsc_test_server_request_count(srv), 4);
}

Test(sso_credentials, throttled_portal_is_retried)
{
    host_config.max_attempts = 2;
    free(write_token("corp", 3600));
    push_json(429, "TooManyRequestsException", "{\"message\":\"slow down\"}");
    push_json(200, NULL, ROLE_OK);
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(credentials("dev", &c, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(c.access_key_id, "ASIAPORTAL");
    cr_expect_eq(awsc_test_server_request_count(srv), 2);
    clear_creds(&c);
}

Test(sso_credentials, malformed_portal_answers_are_refused)
{
    const struct {
        const char *body;
        const char *says;
    } cases[] = {
        {"{\"roleCredentials\":", NULL},
        {"not json", NULL},
        {"{}", "no complete roleCredentials"},
        {"{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\",\"expiration\":1800003600000}}",
         "no complete roleCredentials"},
        {"{\"roleCredentials\":{\"accessKeyId\":\"\",\"secretAccessKey\":\"S\",\"sessionToken\":\"T\","
         "\"expiration\":1800003600000}}",
         "no complete roleCredentials"},
        {"{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\",\"sessionToken\":\"T\"}}",
         "no expiration"},
        {"{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\",\"sessionToken\":\"T\","
         "\"expiration\":-5}}",
         "no expiration"},
        {"{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\",\"sessionToken\":\"T\","
         "\"expiration\":\"soon\"}}",
         NULL},
    };
    free(write_token("corp", 3600));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        push_json(200, NULL, cases[i].body);
        awsc_role_credentials c;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(credentials("dev", &c, &err), AWSC_E_RESPONSE, "case %zu: %s", i, err.message);
        cr_expect(err.message && strstr(err.message, "SSO GetRoleCredentials failed"), "case %zu: %s", i,
                  err.message);
        if (cases[i].says)
            cr_expect(strstr(err.message, cases[i].says), "case %zu: %s", i, err.message);
        cr_expect_null(c.access_key_id);
        awsc_error_clear(&err);
    }
}

Test(sso_credentials, credentials_expiring_in_the_epochs_first_second_are_expired_not_eternal)
{
    free(write_token("corp", 3600));
    push_json(200, NULL,
              "{\"roleCredentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\",\"sessionToken\":\"T\","
              "\"expiration\":999}}");
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(credentials("dev", &c, &err), AWSC_OK, "%s", err.message);
    cr_expect_eq(c.expiration, 1);
    clear_creds(&c);
}

Test(sso_credentials, unusable_create_token_answers_fail_an_expired_token)
{
    const char *const bodies[] = {
        "{\"accessToken\":", /* not JSON */
        "{\"tokenType\":\"Bearer\",\"expiresIn\":3600}", /* no access token */
        "{\"accessToken\":\"\",\"expiresIn\":3600}",
        "{\"accessToken\":\"at-2\"}", /* no lifetime */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        free(write_token("corp", -1));
        push_json(200, NULL, bodies[i]);
        awsc_role_credentials c;
        awsc_error err = AWSC_ERROR_INIT;
        int rc = credentials("dev", &c, &err);
        cr_expect(rc == AWSC_E_RESPONSE, "case %zu: %d %s", i, rc, err.message);
        cr_expect(err.message && strstr(err.message, "refreshing it failed"), "case %zu: %s", i, err.message);
        cr_expect_null(c.access_key_id);
        awsc_error_clear(&err);
    }
    cr_expect_eq(awsc_test_server_request_count(srv), 4, "no portal call after a failed refresh");
}

Test(sso_credentials, unreachable_portal_is_a_network_error)
{
    free(write_token("corp", 3600));
    /* A port bound and never listened on refuses connections, and stays ours for the test: a
     * stopped server's port could be taken by another process on a busy machine. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    cr_assert(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(addr.sin_port));
    setenv("AWS_ENDPOINT_URL_SSO", url, 1);
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = credentials("dev", &c, &err);
    cr_expect_eq(rc, AWSC_E_TRANSPORT, "%d %s", rc, err.message);
    cr_expect(err.message && strstr(err.message, "SSO GetRoleCredentials failed"), "%s", err.message);
    cr_expect_null(c.access_key_id);
    cr_expect_eq(awsc_test_server_request_count(srv), 0);
    awsc_error_clear(&err);
    close(fd);
}
