/*
 * Credentials providers: explicit, environment, shared files, credential_process,
 * ECS, IMDSv2, the IoT credentials provider (mutual TLS), the chain's error, and
 * caching/refresh under concurrency. Servers are loopback fakes.
 */
#include <criterion/criterion.h>

#include "auth/cred_sources.h"
#include "auth/credentials.h"
#include "test_server.h"
#include "util/timefmt.h"
#include "tls_server.h"
#include "test_time.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- fixtures ---------------------------------------------------------------- */

static char dir[64];
static int64_t fake_now = 1700000000;

static int64_t clock_fn(void *ctx)
{
    return __atomic_load_n((int64_t *)ctx, __ATOMIC_SEQ_CST);
}

static void set_now(int64_t t)
{
    __atomic_store_n(&fake_now, t, __ATOMIC_SEQ_CST);
}

static void path_in_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    path_in_dir(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    static const char *const clear[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "http_proxy", "https_proxy",
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        unsetenv(clear[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    strcpy(dir, "/tmp/awsc_creds_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    path_in_dir(path, sizeof path, "config");
    setenv("AWS_CONFIG_FILE", path, 1);
    path_in_dir(path, sizeof path, "credentials");
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    set_now(1700000000);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(creds, .init = setup, .fini = teardown);

static awsc_config test_config(void)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.now = clock_fn;
    cfg.hooks_ctx = &fake_now;
    return cfg;
}

/*
 * Client limits: generous (and scaled by AWSC_TEST_TIME_SCALE), because the fakes answer at once
 * and a busy machine must not make a client give up first. Tests of the timeouts themselves use
 * short_limits() against fakes that answer far later than any limit a test waits for.
 */
static awsc_credentials_options limits(void)
{
    return (awsc_credentials_options){.imds_timeout_ms = awsc_test_ms(5000), .imds_attempts = 2,
                                      .http_timeout_ms = awsc_test_ms(10000), .process_timeout_ms = awsc_test_ms(10000)};
}

static awsc_credentials_options short_limits(void)
{
    return (awsc_credentials_options){.imds_timeout_ms = 300, .imds_attempts = 2, .http_timeout_ms = 300,
                                      .process_timeout_ms = 1000};
}

/* A fake's answer that comes later than any limit a test waits for (stop interrupts it). */
#define NEVER_MS ((unsigned)awsc_test_ms(120000))

static awsc_credentials_provider *new_provider_with(const awsc_config *cfg, const awsc_credentials_options *o)
{
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new_with(cfg, o, &err);
    cr_assert_not_null(p, "%s", err.message);
    return p;
}

static awsc_credentials_provider *new_provider(const awsc_config *cfg)
{
    awsc_credentials_options o = limits();
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new_with(cfg, &o, &err);
    cr_assert_not_null(p, "%s", err.message);
    return p;
}

/* Gets credentials, expecting success. */
static awsc_credentials get_ok(awsc_credentials_provider *p)
{
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_credentials_provider_get(p, &c, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message ? err.message : "?");
    awsc_error_clear(&err);
    return c;
}

/* Gets credentials, expecting failure with `status` and a message containing `part`. */
static void get_fails(awsc_credentials_provider *p, awsc_status status, const char *part)
{
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_credentials_provider_get(p, &c, &err);
    cr_assert_eq(rc, (int)status, "status %d, message: %s", rc, err.message ? err.message : "(none)");
    cr_assert_not_null(err.message);
    cr_assert_not_null(strstr(err.message, part), "expected '%s' in: %s", part, err.message);
    cr_assert_null(strstr(err.message, "SECRET"), "a secret leaked into: %s", err.message);
    cr_assert_null(c.access_key_id);
    awsc_error_clear(&err);
}

static void assert_creds(const awsc_credentials *c, const char *id, const char *secret, const char *token,
                         int64_t exp)
{
    cr_assert_str_eq(c->access_key_id, id);
    cr_assert_str_eq(c->secret_access_key, secret);
    if (token)
        cr_assert_str_eq(c->session_token, token);
    else
        cr_assert_null(c->session_token);
    cr_assert_eq(c->expiration, exp, "expiration %lld, expected %lld", (long long)c->expiration, (long long)exp);
}

/* An RFC 3339 time `t`. */
static const char *iso(int64_t t, char out[32])
{
    awsc_buf b = AWSC_BUF_INIT;
    cr_assert_eq(awsc_time_format_date_time(&b, (awsc_timestamp){t, 0}), 0);
    snprintf(out, 32, "%s", b.data);
    awsc_buf_free(&b);
    return out;
}

static char *container_json(const char *id, int64_t exp)
{
    char when[32];
    static char body[512];
    snprintf(body, sizeof body,
             "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"SECRET-%s\","
             "\"Token\":\"TOKEN-%s\",\"Expiration\":\"%s\"}",
             id, id, id, iso(exp, when));
    return body;
}

/* ---- explicit and environment ------------------------------------------------ */

Test(creds, explicit_keys)
{
    awsc_config cfg = test_config();
    cfg.access_key_id = "AKIDEXPLICIT";
    cfg.secret_access_key = "SECRETEXPLICIT";
    cfg.session_token = "tok";
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRETENV", 1);
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDEXPLICIT", "SECRETEXPLICIT", "tok", 0);
    awsc_credentials_clear(&c);
    cr_assert_null(c.access_key_id);
    awsc_credentials_provider_free(p);
}

Test(creds, explicit_keys_need_both)
{
    awsc_config cfg = test_config();
    cfg.access_key_id = "AKID";
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_null(awsc_credentials_provider_new(&cfg, &err));
    cr_assert_eq(err.status, AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "secret_access_key"));
    awsc_error_clear(&err);
}

Test(creds, environment_is_read_at_every_call)
{
    awsc_config cfg = test_config();
    setenv("AWS_ACCESS_KEY_ID", "AKID1", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRET1", 1);
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKID1", "SECRET1", NULL, 0);
    awsc_credentials_clear(&c);
    setenv("AWS_ACCESS_KEY_ID", "AKID2", 1);
    setenv("AWS_SESSION_TOKEN", "TOK2", 1);
    c = get_ok(p);
    assert_creds(&c, "AKID2", "SECRET1", "TOK2", 0);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(creds, chain_error_lists_every_source)
{
    awsc_config cfg = test_config();
    setenv("AWS_ACCESS_KEY_ID", "AKIDONLY", 1); /* without its secret */
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "no credentials: tried environment (only one of"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "profile default (no file "), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "ECS (not configured)"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "IMDS (disabled by AWS_EC2_METADATA_DISABLED)"), "%s", err.message);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
}

Test(creds, get_rejects_null)
{
    awsc_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(NULL, &c, &err), AWSC_E_CONFIG);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(NULL);
}

/* ---- shared files ------------------------------------------------------------ */

Test(creds, profile_keys_from_credentials_file)
{
    write_file("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRETFILE\n"
                              "aws_session_token = TOKFILE\n");
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDFILE", "SECRETFILE", "TOKFILE", 0);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(creds, environment_wins_over_files)
{
    write_file("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRETFILE\n");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRETENV", 1);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDENV", "SECRETENV", NULL, 0);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(creds, named_profile_from_config_and_credentials)
{
    write_file("config", "[profile dev]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = SECRETCONFIG\n"
                         "[profile both]\naws_access_key_id = AKIDC\naws_secret_access_key = SECRETC\n");
    write_file("credentials", "[both]\naws_access_key_id = AKIDCRED\naws_secret_access_key = SECRETCRED\n");
    awsc_config cfg = test_config();
    cfg.profile = "dev";
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDCONFIG", "SECRETCONFIG", NULL, 0);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);

    setenv("AWS_PROFILE", "both", 1);
    cfg.profile = NULL;
    p = new_provider(&cfg);
    c = get_ok(p);
    assert_creds(&c, "AKIDCRED", "SECRETCRED", NULL, 0);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(creds, named_profile_missing_is_an_error)
{
    write_file("config", "[default]\nregion = us-east-1\n");
    awsc_config cfg = test_config();
    cfg.profile = "ghost";
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "profile ghost is in neither");
    awsc_credentials_provider_free(p);
}

Test(creds, default_profile_without_keys_moves_on)
{
    write_file("config", "[default]\nregion = us-east-1\n");
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "profile default (no credentials in it), ECS (not configured)");
    awsc_credentials_provider_free(p);
}

Test(creds, profile_with_half_a_key_pair)
{
    write_file("credentials", "[default]\naws_access_key_id = AKIDHALF\n");
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "has aws_access_key_id but not aws_secret_access_key");
    awsc_credentials_provider_free(p);
}

Test(creds, assume_role_profile_without_sts_is_reported)
{
    write_file("config", "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\n");
    awsc_config cfg = test_config();
    cfg.profile = "r";
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "profile r (role_arn) needs AWS STS");
    awsc_credentials_provider_free(p);
}

/* ---- credential_process ------------------------------------------------------- */

static void process_profile(const char *command)
{
    char text[2048];
    snprintf(text, sizeof text, "[profile proc]\ncredential_process = %s\n", command);
    write_file("config", text);
}

static awsc_credentials_provider *process_provider(void)
{
    awsc_config cfg = test_config();
    cfg.profile = "proc";
    return new_provider(&cfg);
}

Test(creds, process_success)
{
    char script[256], when[32], text[1024];
    path_in_dir(script, sizeof script, "creds.sh");
    snprintf(text, sizeof text,
             "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"SECRETPROC\", "
             "\"SessionToken\": \"TOKPROC\", \"Expiration\": \"%s\"}'\n",
             iso(1700003600, when));
    write_file("creds.sh", text);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "sh %s --flag 'quoted arg'", script);
    process_profile(cmd);
    awsc_credentials_provider *p = process_provider();
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDPROC", "SECRETPROC", "TOKPROC", 1700003600);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(creds, process_without_expiration_or_token)
{
    process_profile("printf '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}'");
    awsc_credentials_provider *p = process_provider();
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "A", "S", NULL, 0);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(creds, process_bad_json)
{
    process_profile("echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRETX\"'");
    awsc_credentials_provider *p = process_provider();
    get_fails(p, AWSC_E_CONFIG, "profile proc: credential_process: the credentials are not valid JSON");
    awsc_credentials_provider_free(p);
}

Test(creds, process_wrong_version_and_missing_fields)
{
    process_profile("echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRETX\"}'");
    awsc_credentials_provider *p = process_provider();
    get_fails(p, AWSC_E_CONFIG, "\"Version\" must be 1");
    awsc_credentials_provider_free(p);

    process_profile("echo '{\"Version\": 1, \"AccessKeyId\": \"A\"}'");
    p = process_provider();
    get_fails(p, AWSC_E_CONFIG, "no secret access key");
    awsc_credentials_provider_free(p);

    process_profile("echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRETX\", "
                    "\"Expiration\": \"tomorrow\"}'");
    p = process_provider();
    get_fails(p, AWSC_E_CONFIG, "not an RFC 3339 date-time");
    awsc_credentials_provider_free(p);
}

Test(creds, process_nonzero_exit_quotes_stderr)
{
    process_profile("echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"SECRETOUT\"}'; "
                    "echo 'token expired, run login' >&2; exit 3");
    awsc_credentials_provider *p = process_provider();
    get_fails(p, AWSC_E_CONFIG, "credential_process exited with status 3: token expired, run login");
    awsc_credentials_provider_free(p);
}

static awsc_credentials_provider *short_process_provider(void)
{
    awsc_config cfg = test_config();
    cfg.profile = "proc";
    awsc_credentials_options o = short_limits();
    return new_provider_with(&cfg, &o);
}

Test(creds, process_timeout)
{
    process_profile("sleep 120");
    awsc_credentials_provider *p = short_process_provider();
    double t0 = awsc_test_now_s();
    get_fails(p, AWSC_E_CONFIG, "credential_process timed out");
    double took = awsc_test_now_s() - t0;
    cr_assert_lt(took, awsc_test_ms(20000) / 1000.0, "the timeout did not stop the process in time (%.1f s)", took);
    awsc_credentials_provider_free(p);
}

/* A command that closes its pipes and lingers is held to the deadline too, then killed with its group. */
Test(creds, process_deadline_holds_after_its_pipes_close)
{
    process_profile("exec >&- 2>&-; sleep 120");
    awsc_credentials_provider *p = short_process_provider();
    double t0 = awsc_test_now_s();
    get_fails(p, AWSC_E_CONFIG, "credential_process timed out");
    double took = awsc_test_now_s() - t0;
    cr_assert_lt(took, awsc_test_ms(20000) / 1000.0, "the call waited for the process, not its deadline (%.1f s)", took);
    awsc_credentials_provider_free(p);
}

/* Credentials printed by a command that leaves a background child holding stdout arrive at once. */
Test(creds, process_background_child_holding_stdout)
{
    char pidfile[256], cmd[512];
    path_in_dir(pidfile, sizeof pidfile, "bg.pid");
    snprintf(cmd, sizeof cmd,
             "echo '{\"Version\":1,\"AccessKeyId\":\"ABG\",\"SecretAccessKey\":\"SBG\"}'; sleep 120 & echo $! > %s",
             pidfile);
    process_profile(cmd);
    awsc_config cfg = test_config();
    cfg.profile = "proc";
    awsc_credentials_options slow = limits();
    slow.process_timeout_ms = (long)awsc_test_ms(60000); /* generous: the call must not wait for it */
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new_with(&cfg, &slow, &err);
    cr_assert_not_null(p, "%s", err.message);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    awsc_credentials c = {0};
    int rc = awsc_credentials_provider_get(p, &c, &err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    FILE *f = fopen(pidfile, "r");
    int bg = 0;
    if (f) {
        if (fscanf(f, "%d", &bg) != 1)
            bg = 0;
        fclose(f);
    }
    if (bg > 0)
        kill(bg, SIGKILL);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message ? err.message : "?");
    assert_creds(&c, "ABG", "SBG", NULL, 0);
    cr_assert_lt(b.tv_sec - a.tv_sec, awsc_test_ms(20000) / 1000, "the call waited for the background child");
    awsc_credentials_clear(&c);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
}

Test(creds, process_output_cap)
{
    process_profile("head -c 200000 /dev/zero | tr '\\\\0' x");
    awsc_credentials_provider *p = process_provider();
    get_fails(p, AWSC_E_CONFIG, "printed more than 64 KiB");
    awsc_credentials_provider_free(p);
}

Test(creds, process_refreshes_before_expiration)
{
    /* The script counts its runs and hands out credentials that expire an hour later. */
    char counter[256], script[256], text[1024];
    path_in_dir(counter, sizeof counter, "count");
    path_in_dir(script, sizeof script, "refresh.sh");
    snprintf(text, sizeof text,
             "#!/bin/sh\nn=$(cat %s 2>/dev/null || echo 0); n=$((n+1)); echo $n > %s\n"
             "echo \"{\\\"Version\\\":1,\\\"AccessKeyId\\\":\\\"AKID$n\\\",\\\"SecretAccessKey\\\":\\\"S$n\\\","
             "\\\"Expiration\\\":\\\"$(date -u -d @$(( $1 + 3600 )) +%%Y-%%m-%%dT%%H:%%M:%%SZ)\\\"}\"\n",
             counter, counter);
    write_file("refresh.sh", text);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sh %s 1700000000", script);
    process_profile(cmd);
    awsc_credentials_provider *p = process_provider();
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKID1", "S1", NULL, 1700003600);
    awsc_credentials_clear(&c);

    set_now(1700003600 - 301); /* more than five minutes left: cached */
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKID1");
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_credentials_provider_refreshes(p), 1);

    set_now(1700003600 - 299); /* inside the five minutes: refreshed */
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKID2");
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_credentials_provider_refreshes(p), 2);
    awsc_credentials_provider_free(p);
}

/* ---- ECS container credentials ---------------------------------------------- */

Test(creds, ecs_full_uri_with_token)
{
    awsc_test_server *srv = awsc_test_server_start();
    char url[128];
    snprintf(url, sizeof url, "%s/v2/credentials/abc", awsc_test_server_base_url(srv));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic c2VjcmV0", 1);
    const char *body = container_json("AKIDECS", 1700007200);
    awsc_test_server_push_response(srv, 200, "Content-Type: application/json\r\n", body, strlen(body));
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDECS", "SECRET-AKIDECS", "TOKEN-AKIDECS", 1700007200);
    awsc_credentials_clear(&c);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->method, "GET");
    cr_assert_str_eq(r->target, "/v2/credentials/abc");
    cr_assert_str_eq(awsc_test_request_header(r, "Authorization"), "Basic c2VjcmV0");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, ecs_relative_uri_and_token_file)
{
    awsc_test_server *srv = awsc_test_server_start();
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/rel-id", 1);
    /* The file wins over the variable; its trailing newline is not part of the token. */
    write_file("token", "file-token-123\n");
    char path[256];
    path_in_dir(path, sizeof path, "token");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token", 1);
    const char *body = container_json("AKIDREL", 1700007200);
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
    awsc_config cfg = test_config();
    awsc_credentials_options o = limits();
    o.ecs_base_url = awsc_test_server_base_url(srv);
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new_with(&cfg, &o, &err);
    cr_assert_not_null(p);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDREL");
    awsc_credentials_clear(&c);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->target, "/v2/credentials/rel-id");
    cr_assert_str_eq(awsc_test_request_header(r, "Authorization"), "file-token-123");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, ecs_full_uri_host_rules)
{
    awsc_config cfg = test_config();
    static const char *const refused[] = {"http://example.com/creds", "http://10.0.0.1/creds",
                                          "http://user@127.0.0.1/creds", "ftp://127.0.0.1/creds"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused[i], 1);
        awsc_credentials_provider *p = new_provider(&cfg);
        get_fails(p, AWSC_E_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https");
        awsc_credentials_provider_free(p);
    }
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:1/creds", 1);
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_TRANSPORT, "ECS credentials endpoint"); /* allowed, but nothing listens */
    awsc_credentials_provider_free(p);
}

Test(creds, ecs_token_with_newline_is_refused)
{
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1", 1);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "control characters");
    awsc_credentials_provider_free(p);
}

Test(creds, ecs_retries_a_5xx_then_reports_errors)
{
    awsc_test_server *srv = awsc_test_server_start();
    char url[128];
    snprintf(url, sizeof url, "%s/creds", awsc_test_server_base_url(srv));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    const char *body = container_json("AKIDRETRY", 1700007200);
    awsc_test_server_push_response(srv, 503, NULL, "busy", 4);
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDRETRY");
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    awsc_credentials_provider_free(p);

    awsc_test_server_push_response(srv, 404, NULL, "nope", 4);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_SERVICE, "ECS credentials endpoint answered HTTP 404");
    awsc_credentials_provider_free(p);

    awsc_test_server_push_response(srv, 200, NULL, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": ", 40);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "ECS credentials endpoint: the credentials are not valid JSON");
    awsc_credentials_provider_free(p);

    awsc_test_server_push_response(srv, 200, NULL, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRETY\"}", 50);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "no expiration");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

/* ---- EC2 IMDSv2 --------------------------------------------------------------- */

static awsc_test_server *imds_start(void)
{
    awsc_test_server *srv = awsc_test_server_start();
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", awsc_test_server_base_url(srv), 1);
    unsetenv("AWS_EC2_METADATA_DISABLED");
    return srv;
}

Test(creds, imds_token_role_and_credentials)
{
    awsc_test_server *srv = imds_start();
    awsc_test_server_push_response(srv, 200, NULL, "IMDSTOKEN==", 11);
    awsc_test_server_push_response(srv, 200, NULL, "my-role\n", 8);
    const char *body = container_json("AKIDIMDS", 1700021600);
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDIMDS", "SECRET-AKIDIMDS", "TOKEN-AKIDIMDS", 1700021600);
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    const awsc_test_request *r = awsc_test_server_request(srv, 0);
    cr_assert_str_eq(r->method, "PUT");
    cr_assert_str_eq(r->target, "/latest/api/token");
    cr_assert_str_eq(awsc_test_request_header(r, "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
    cr_assert_null(awsc_test_request_header(r, "X-aws-ec2-metadata-token"));
    r = awsc_test_server_request(srv, 1);
    cr_assert_str_eq(r->method, "GET");
    cr_assert_str_eq(r->target, "/latest/meta-data/iam/security-credentials/");
    cr_assert_str_eq(awsc_test_request_header(r, "X-aws-ec2-metadata-token"), "IMDSTOKEN==");
    r = awsc_test_server_request(srv, 2);
    cr_assert_str_eq(r->target, "/latest/meta-data/iam/security-credentials/my-role");
    cr_assert_str_eq(awsc_test_request_header(r, "X-aws-ec2-metadata-token"), "IMDSTOKEN==");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, imds_token_refused_401)
{
    awsc_test_server *srv = imds_start();
    awsc_test_server_push_response(srv, 200, NULL, "TOKEN", 5);
    awsc_test_server_push_response(srv, 401, NULL, "", 0);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_SERVICE, "IMDS role request answered HTTP 401 (the token was refused)");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, imds_no_instance_profile)
{
    awsc_test_server *srv = imds_start();
    awsc_test_server_push_response(srv, 200, NULL, "TOKEN", 5);
    awsc_test_server_push_response(srv, 404, NULL, "", 0);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "ECS (not configured), IMDS (no instance profile)");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, imds_timeout_does_not_hang)
{
    awsc_test_server *srv = imds_start();
    awsc_test_response slow = {.delay_ms = NEVER_MS, .body = "T", .body_len = 1};
    awsc_test_server_push(srv, &slow);
    awsc_test_server_push(srv, &slow);
    awsc_config cfg = test_config();
    awsc_credentials_options o = short_limits();
    awsc_credentials_provider *p = new_provider_with(&cfg, &o);
    double t0 = awsc_test_now_s();
    get_fails(p, AWSC_E_CONFIG, "IMDS (no answer from http://127.0.0.1:");
    double took = awsc_test_now_s() - t0;
    /* two attempts of 300 ms; a client without a timeout would wait for NEVER_MS */
    cr_assert_lt(took, awsc_test_ms(20000) / 1000.0, "took %.2f s", took);
    cr_assert_eq(awsc_test_server_request_count(srv), 2, "two attempts");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, imds_malformed_answers)
{
    awsc_test_server *srv = imds_start();
    awsc_config cfg = test_config();
    awsc_test_server_push_response(srv, 200, NULL, "TOKEN", 5);
    awsc_test_server_push_response(srv, 200, NULL, "role", 4);
    awsc_test_server_push_response(srv, 200, NULL, "{\"Code\":\"Success\",\"AccessKeyId\":", 32);
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "IMDS: the credentials are not valid JSON");
    awsc_credentials_provider_free(p);

    const char *failed = "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"AccessKeyId\":\"A\","
                         "\"SecretAccessKey\":\"SECRETZ\","
                         "\"Expiration\":\"2030-01-01T00:00:00Z\"}";
    awsc_test_server_push_response(srv, 200, NULL, "TOKEN", 5);
    awsc_test_server_push_response(srv, 200, NULL, "role", 4);
    awsc_test_server_push_response(srv, 200, NULL, failed, strlen(failed));
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "Code is not Success");
    awsc_credentials_provider_free(p);

    awsc_test_server_push_response(srv, 200, NULL, "TOKEN", 5);
    awsc_test_server_push_response(srv, 200, NULL, "../../etc", 9);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "malformed role name");
    awsc_credentials_provider_free(p);

    awsc_test_server_push_response(srv, 200, NULL, "TOK\r\nX: y", 9);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "malformed token");
    awsc_credentials_provider_free(p);

    awsc_test_response huge = {.fill_body_len = 70000};
    awsc_test_server_push(srv, &huge);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_TRANSPORT, "IMDS token request: the answer is larger than 64 KiB");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

/* ---- caching and refresh ------------------------------------------------------ */

static awsc_test_server *ecs_start(void)
{
    awsc_test_server *srv = awsc_test_server_start();
    char url[128];
    snprintf(url, sizeof url, "%s/creds", awsc_test_server_base_url(srv));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    return srv;
}

static void push_creds(awsc_test_server *srv, const char *id, int64_t exp, unsigned delay_ms)
{
    const char *body = container_json(id, exp);
    awsc_test_response r = {.body = body, .body_len = strlen(body), .delay_ms = delay_ms};
    awsc_test_server_push(srv, &r);
}

Test(creds, cache_refresh_and_failed_refresh)
{
    awsc_test_server *srv = ecs_start();
    int64_t exp = 1700003600;
    push_creds(srv, "AKIDFIRST", exp, 0);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDFIRST");
    awsc_credentials_clear(&c);
    c = get_ok(p);
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_test_server_request_count(srv), 1, "cached");

    /* Inside the grace period the refresh fails: the still-valid credentials are kept. */
    set_now(exp - 200);
    awsc_test_server_push_response(srv, 500, NULL, "", 0);
    awsc_test_server_push_response(srv, 500, NULL, "", 0);
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDFIRST");
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);
    /* ...and it is not retried at every call. */
    c = get_ok(p);
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_test_server_request_count(srv), 3);

    /* Later, a refresh works. */
    set_now(exp - 100);
    push_creds(srv, "AKIDSECOND", exp + 3600, 0);
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDSECOND");
    awsc_credentials_clear(&c);

    /* Expired and the refresh fails: an error, not stale credentials. */
    set_now(exp + 3600 + 1);
    awsc_test_server_push_response(srv, 403, NULL, "", 0);
    get_fails(p, AWSC_E_SERVICE, "answered HTTP 403");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

/* A caller keeping its copy (the client does, call after call): no new copy while the cache holds the
 * same credentials, a fresh one after a refresh, and never the environment's old values. */
Test(creds, reusing_copy_follows_the_cache)
{
    awsc_test_server *srv = ecs_start();
    int64_t exp = 1700003600;
    push_creds(srv, "AKIDFIRST", exp, 0);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = {0};
    unsigned long version = 0;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get_reusing(p, &c, &version, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "AKIDFIRST");
    cr_assert_neq(version, 0);
    const char *first = c.access_key_id;
    cr_assert_eq(awsc_credentials_provider_get_reusing(p, &c, &version, &err), AWSC_OK);
    cr_assert_eq(c.access_key_id, first, "the same copy, not a new one");

    set_now(exp - 100); /* within the refresh window: new credentials come in */
    push_creds(srv, "AKIDSECOND", exp + 3600, 0);
    unsigned long before = version;
    cr_assert_eq(awsc_credentials_provider_get_reusing(p, &c, &version, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "AKIDSECOND");
    cr_assert_neq(version, before);

    /* Expired and the refresh fails: the copy is cleared, not left stale. */
    set_now(exp + 3600 + 1);
    awsc_test_server_push_response(srv, 403, NULL, "", 0);
    cr_assert_eq(awsc_credentials_provider_get_reusing(p, &c, &version, &err), AWSC_E_SERVICE);
    cr_assert_null(c.access_key_id);
    cr_assert_eq(version, 0);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);

    /* The environment is not cached: read again every time, whatever the copy held. */
    cfg = test_config();
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV1", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRET1", 1);
    p = new_provider(&cfg);
    cr_assert_eq(awsc_credentials_provider_get_reusing(p, &c, &version, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "AKIDENV1");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV2", 1);
    cr_assert_eq(awsc_credentials_provider_get_reusing(p, &c, &version, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(c.access_key_id, "AKIDENV2");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

typedef struct worker {
    awsc_credentials_provider *p;
    int rc;
    char id[32];
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    w->rc = awsc_credentials_provider_get(w->p, &c, &err);
    if (w->rc == AWSC_OK)
        snprintf(w->id, sizeof w->id, "%s", c.access_key_id);
    awsc_credentials_clear(&c);
    awsc_error_clear(&err);
    return NULL;
}

static void run_workers(awsc_credentials_provider *p, worker *w, int n)
{
    pthread_t t[8];
    for (int i = 0; i < n; i++) {
        w[i] = (worker){.p = p};
        cr_assert_eq(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

Test(creds, eight_threads_one_refresh_when_expired)
{
    awsc_test_server *srv = ecs_start();
    push_creds(srv, "AKIDOLD", 1700000600, 0);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    awsc_credentials_clear(&c);
    set_now(1700000601); /* expired: every thread must wait for the new ones */
    push_creds(srv, "AKIDNEW", 1700007200, 300);
    push_creds(srv, "AKIDEXTRA", 1700007200, 0);
    worker w[8];
    run_workers(p, w, 8);
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(w[i].rc, AWSC_OK);
        cr_assert_str_eq(w[i].id, "AKIDNEW");
    }
    cr_assert_eq(awsc_test_server_request_count(srv), 2, "exactly one refresh");
    cr_assert_eq(awsc_credentials_provider_refreshes(p), 2);
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, eight_threads_one_refresh_in_grace_period)
{
    awsc_test_server *srv = ecs_start();
    push_creds(srv, "AKIDOLD", 1700000600, 0);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    awsc_credentials_clear(&c);
    set_now(1700000400); /* still valid: the others keep using the old ones meanwhile */
    push_creds(srv, "AKIDNEW", 1700007200, 300);
    push_creds(srv, "AKIDEXTRA", 1700007200, 0);
    worker w[8];
    run_workers(p, w, 8);
    int fresh = 0;
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(w[i].rc, AWSC_OK);
        cr_assert(strcmp(w[i].id, "AKIDNEW") == 0 || strcmp(w[i].id, "AKIDOLD") == 0, "%s", w[i].id);
        fresh += strcmp(w[i].id, "AKIDNEW") == 0;
    }
    cr_assert_geq(fresh, 1);
    cr_assert_eq(awsc_test_server_request_count(srv), 2, "exactly one refresh");
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDNEW");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, eight_threads_share_a_failed_refresh)
{
    awsc_test_server *srv = ecs_start();
    awsc_test_response slow_fail = {.status = 403, .delay_ms = 300};
    awsc_test_server_push(srv, &slow_fail);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    worker w[8];
    run_workers(p, w, 8);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(w[i].rc, AWSC_E_SERVICE);
    cr_assert_eq(awsc_test_server_request_count(srv), 1, "the waiting threads got the same failure");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

/* ---- AWS IoT credentials provider (mutual TLS) -------------------------------- */

static char certs[64];

static void iot_setup(void)
{
    setup();
    cr_assert_eq(awsc_test_tls_make_certs(certs), 0, "the openssl CLI could not make test certificates");
}

static void iot_teardown(void)
{
    awsc_test_tls_remove_certs(certs);
    teardown();
}

TestSuite(iot, .init = iot_setup, .fini = iot_teardown);

static char endpoint[64], cert_path[128], key_path[128], ca_path[128];

static awsc_config iot_config(int port, const char *cert)
{
    awsc_config cfg = test_config();
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%d", port);
    snprintf(cert_path, sizeof cert_path, "%s/%s.pem", certs, cert);
    snprintf(key_path, sizeof key_path, "%s/%s.key", certs, cert);
    snprintf(ca_path, sizeof ca_path, "%s/ca.pem", certs);
    cfg.iot_credentials_endpoint = endpoint;
    cfg.iot_role_alias = "device-role-alias";
    cfg.iot_thing_name = "sensor-01";
    cfg.tls_cert_file = cert_path;
    cfg.tls_key_file = key_path;
    cfg.ca_file = ca_path;
    return cfg;
}

static char *http_response(int status, const char *body)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
             status, strlen(body), body);
    return text;
}

static char *iot_body(const char *id, int64_t exp)
{
    static char body[512];
    char when[32];
    snprintf(body, sizeof body,
             "{\"credentials\":{\"accessKeyId\":\"%s\",\"secretAccessKey\":\"SECRET-%s\",\"sessionToken\":\"TOK-%s\","
             "\"expiration\":\"%s\"}}",
             id, id, id, iso(exp, when));
    return body;
}

Test(iot, credentials_over_mutual_tls)
{
    awsc_test_tls *t = awsc_test_tls_start(certs, 0, http_response(200, iot_body("AKIDIOT", 1700003600)));
    cr_assert_not_null(t);
    awsc_config cfg = iot_config(awsc_test_tls_port(t), "client");
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    assert_creds(&c, "AKIDIOT", "SECRET-AKIDIOT", "TOK-AKIDIOT", 1700003600);
    awsc_credentials_clear(&c);
    char *req = awsc_test_tls_finish(t);
    cr_assert_not_null(req);
    cr_assert_not_null(strstr(req, "GET /role-aliases/device-role-alias/credentials HTTP/1.1\r\n"), "%s", req);
    cr_assert_not_null(strstr(req, "\r\nx-amzn-iot-thingname: sensor-01\r\n"), "%s", req);
    free(req);
    awsc_credentials_provider_free(p);
}

/* Credential sources get the TLS 1.2 minimum too, even where OpenSSL's policy would allow less. */
Test(iot, tls_1_1_server_is_refused)
{
    if (!awsc_test_tls_allow_tls1_1(certs))
        cr_skip_test("openssl s_server cannot speak TLS 1.1 on this OpenSSL: the TLS 1.2 minimum is not tested");
    static const char *const tls1_1_with_client_cert[] = {"-CAfile", NULL, "-Verify", "1", "-tls1_1", "-cipher",
                                                          "ALL:@SECLEVEL=0", NULL};
    char ca[128];
    snprintf(ca, sizeof ca, "%s/ca.pem", certs);
    const char *args[8];
    memcpy(args, tls1_1_with_client_cert, sizeof args);
    args[1] = ca;
    awsc_test_tls *t = awsc_test_tls_start_args(certs, 0, http_response(200, iot_body("AKIDIOT", 1700003600)), args);
    cr_assert_not_null(t);
    awsc_config cfg = iot_config(awsc_test_tls_port(t), "client");
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_TRANSPORT, "IoT credentials provider: ");
    char *req = awsc_test_tls_finish(t);
    cr_assert_null(strstr(req ? req : "", "GET /role-aliases"), "a TLS 1.1 server got the request");
    free(req);
    awsc_credentials_provider_free(p);
}

Test(iot, wrong_client_certificate_fails)
{
    awsc_test_tls *t = awsc_test_tls_start(certs, 0, http_response(200, iot_body("AKIDIOT", 1700003600)));
    cr_assert_not_null(t);
    awsc_config cfg = iot_config(awsc_test_tls_port(t), "rogue");
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_TRANSPORT, "IoT credentials provider: ");
    char *req = awsc_test_tls_finish(t);
    cr_assert_null(strstr(req ? req : "", "GET /role-aliases"), "the server accepted a foreign certificate");
    free(req);
    awsc_credentials_provider_free(p);
}

Test(iot, untrusted_server_fails)
{
    awsc_test_tls *t = awsc_test_tls_start(certs, 0, http_response(200, iot_body("AKIDIOT", 1700003600)));
    cr_assert_not_null(t);
    awsc_config cfg = iot_config(awsc_test_tls_port(t), "client");
    char other_ca[128];
    snprintf(other_ca, sizeof other_ca, "%s/rogue-ca.pem", certs);
    cfg.ca_file = other_ca;
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_TRANSPORT, "IoT credentials provider: ");
    free(awsc_test_tls_finish(t));
    awsc_credentials_provider_free(p);
}

Test(iot, error_answer_is_reported)
{
    awsc_test_tls *t = awsc_test_tls_start(
        certs, 0, http_response(403, "{\"message\":\"Access Denied: role alias not allowed\"}"));
    cr_assert_not_null(t);
    awsc_config cfg = iot_config(awsc_test_tls_port(t), "client");
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_SERVICE);
    cr_assert_eq(err.http_status, 403);
    cr_assert_str_eq(err.message, "IoT credentials provider answered HTTP 403: Access Denied: role alias not allowed");
    awsc_error_clear(&err);
    free(awsc_test_tls_finish(t));
    awsc_credentials_provider_free(p);
}

Test(iot, malformed_answers)
{
    static const char *const bodies[] = {
        "{\"credentials\":{\"accessKeyId\":\"A\"", "{\"creds\":{}}",
        "{\"credentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"SECRETQ\",\"sessionToken\":\"T\"}}",
        "{\"credentials\":{\"accessKeyId\":\"A\",\"secretAccessKey\":\"SECRETQ\",\"expiration\":\"soon\"}}"};
    static const char *const expected[] = {"not valid JSON", "no \"credentials\" object", "no expiration",
                                           "not an RFC 3339 date-time"};
    for (size_t i = 0; i < 4; i++) {
        awsc_test_tls *t = awsc_test_tls_start(certs, 0, http_response(200, bodies[i]));
        cr_assert_not_null(t);
        awsc_config cfg = iot_config(awsc_test_tls_port(t), "client");
        awsc_credentials_provider *p = new_provider(&cfg);
        get_fails(p, AWSC_E_RESPONSE, expected[i]);
        free(awsc_test_tls_finish(t));
        awsc_credentials_provider_free(p);
    }
}

Test(iot, expiry_and_refresh)
{
    awsc_test_tls *t = awsc_test_tls_start(certs, 0, http_response(200, iot_body("AKIDONE", 1700003600)));
    cr_assert_not_null(t);
    int port = awsc_test_tls_port(t);
    awsc_config cfg = iot_config(port, "client");
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDONE");
    awsc_credentials_clear(&c);
    free(awsc_test_tls_finish(t));

    set_now(1700003000); /* ten minutes left: still cached, no server needed */
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDONE");
    awsc_credentials_clear(&c);

    set_now(1700003400); /* under five minutes left: refreshed from the provider */
    t = awsc_test_tls_start(certs, port, http_response(200, iot_body("AKIDTWO", 1700007200)));
    cr_assert_not_null(t);
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDTWO");
    cr_assert_eq(c.expiration, 1700007200);
    awsc_credentials_clear(&c);
    free(awsc_test_tls_finish(t));
    cr_assert_eq(awsc_credentials_provider_refreshes(p), 2);
    awsc_credentials_provider_free(p);
}

Test(iot, configuration_is_checked)
{
    awsc_config cfg = iot_config(1, "client");
    awsc_error err = AWSC_ERROR_INIT;
    cfg.tls_key_file = NULL;
    cr_assert_null(awsc_credentials_provider_new(&cfg, &err));
    cr_assert_not_null(strstr(err.message, "tls_cert_file and tls_key_file"), "%s", err.message);
    cfg = iot_config(1, "client");
    cfg.iot_role_alias = NULL;
    cr_assert_null(awsc_credentials_provider_new(&cfg, &err));
    cr_assert_not_null(strstr(err.message, "iot_role_alias"), "%s", err.message);
    cfg = iot_config(1, "client");
    cfg.iot_role_alias = "../admin";
    cr_assert_null(awsc_credentials_provider_new(&cfg, &err));
    cfg = iot_config(1, "client");
    cfg.iot_thing_name = "thing\r\nX-Evil: 1";
    cr_assert_null(awsc_credentials_provider_new(&cfg, &err));
    cr_assert_eq(err.status, AWSC_E_CONFIG);
    awsc_error_clear(&err);

    cfg = iot_config(1, "client");
    cfg.iot_credentials_endpoint = "host/with/path";
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "iot_credentials_endpoint must be a host name");
    awsc_credentials_provider_free(p);
}

/* ---- ECS and IMDS: the configuration and answers they refuse --------------------- */

Test(creds, ecs_relative_uri_must_be_a_path)
{
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/credentials", 1);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
    awsc_credentials_provider_free(p);
}

Test(creds, ecs_full_uri_host_forms)
{
    awsc_config cfg = test_config();
    char long_host[128];
    snprintf(long_host, sizeof long_host, "http://%s.example/creds",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    const char *const refused[] = {"http://[::1/creds",     "http://[fe80::1]/creds", "http://[]:80/creds",
                                   "http:///creds",         "http://:80/creds",       "http://169.254.170.3/creds",
                                   "http://[fd00:ec2::24]/", "file:///etc/passwd",    long_host};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused[i], 1);
        awsc_credentials_provider *p = new_provider(&cfg);
        get_fails(p, AWSC_E_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback");
        awsc_credentials_provider_free(p);
    }
    /* Allowed (nothing listens on port 1, so the request itself fails): loopback in each form, any case. */
    const char *const allowed[] = {"http://[::1]:1/creds", "http://127.8.9.10:1/creds", "HTTP://LOCALHOST:1/creds",
                                   "HTTPS://127.0.0.1:1/creds", "http://localhost:1?x=1"};
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++) {
        setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", allowed[i], 1);
        awsc_credentials_provider *p = new_provider(&cfg);
        get_fails(p, AWSC_E_TRANSPORT, "ECS credentials endpoint: ");
        awsc_credentials_provider_free(p);
    }
}

Test(creds, ecs_token_file_problems)
{
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds", 1);
    awsc_config cfg = test_config();
    char path[256];
    path_in_dir(path, sizeof path, "absent-token");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    get_fails(p, AWSC_E_CONFIG, "No such file or directory");
    awsc_credentials_provider_free(p);

    write_file("blank-token", " \n\t\n");
    path_in_dir(path, sizeof path, "blank-token");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "is empty or holds control characters");
    awsc_credentials_provider_free(p);

    write_file("ctl-token", "abc\x7f" "def\n");
    path_in_dir(path, sizeof path, "ctl-token");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "is empty or holds control characters");
    awsc_credentials_provider_free(p);

    /* A NUL inside the file would cut the token short: refused too. */
    path_in_dir(path, sizeof path, "nul-token");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite("abc\0def", 1, 7, f);
    fclose(f);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "is empty or holds control characters");
    awsc_credentials_provider_free(p);

    char *big = malloc(16 * 1024 + 2);
    cr_assert_not_null(big);
    memset(big, 'a', 16 * 1024 + 1);
    big[16 * 1024 + 1] = '\0';
    write_file("big-token", big);
    free(big);
    path_in_dir(path, sizeof path, "big-token");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "is larger than 16384 bytes");
    awsc_credentials_provider_free(p);
}

Test(creds, ecs_gives_up_after_two_5xx_and_on_a_huge_answer)
{
    awsc_test_server *srv = ecs_start();
    awsc_test_server_push_response(srv, 500, NULL, "a", 1);
    awsc_test_server_push_response(srv, 502, NULL, "b", 1);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_SERVICE, "ECS credentials endpoint answered HTTP 502");
    cr_assert_eq(awsc_test_server_request_count(srv), 2);
    awsc_credentials_provider_free(p);

    awsc_test_response huge = {.fill_body_len = 70000};
    awsc_test_server_push(srv, &huge);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_TRANSPORT, "ECS credentials endpoint: the answer is larger than 64 KiB");
    cr_assert_eq(awsc_test_server_request_count(srv), 3, "a huge answer is not asked for again");
    awsc_credentials_provider_free(p);

    awsc_test_server_push_response(srv, 200, NULL, "", 0);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "ECS credentials endpoint: the credentials are not valid JSON");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, imds_endpoint_configuration)
{
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254", 1);
    awsc_config cfg = test_config();
    awsc_credentials_provider *p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "AWS_EC2_METADATA_SERVICE_ENDPOINT must start with http:// or https://");
    awsc_credentials_provider_free(p);
    /* "True" in any case disables it; anything else does not. */
    setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "IMDS (disabled by AWS_EC2_METADATA_DISABLED)");
    awsc_credentials_provider_free(p);
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1///", 1);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_CONFIG, "IMDS (no answer from http://127.0.0.1:1: ");
    awsc_credentials_provider_free(p);
}

Test(creds, imds_trailing_slashes_retries_and_each_failing_step)
{
    awsc_test_server *srv = imds_start();
    char base[128];
    snprintf(base, sizeof base, "%s//", awsc_test_server_base_url(srv));
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base, 1);
    awsc_config cfg = test_config();
    /* A 5xx token answer is asked again; the role name may end with CR LF and use + = , . @ _ -. */
    awsc_test_server_push_response(srv, 503, NULL, "", 0);
    awsc_test_server_push_response(srv, 200, NULL, "TOKEN", 5);
    awsc_test_server_push_response(srv, 200, NULL, "r+=,.@_-1\r\nother\r\n", 18);
    const char *body = container_json("AKIDIMDS2", 1700021600);
    awsc_test_server_push_response(srv, 200, NULL, body, strlen(body));
    awsc_credentials_provider *p = new_provider(&cfg);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDIMDS2");
    awsc_credentials_clear(&c);
    cr_assert_eq(awsc_test_server_request_count(srv), 4);
    cr_assert_str_eq(awsc_test_server_request(srv, 0)->target, "/latest/api/token");
    cr_assert_str_eq(awsc_test_server_request(srv, 3)->target, "/latest/meta-data/iam/security-credentials/r+=,.@_-1");
    awsc_credentials_provider_free(p);

    struct {
        int status[3];
        const char *body[3];
        awsc_status want;
        const char *message;
    } cases[] = {
        {{403}, {""}, AWSC_E_SERVICE, "IMDS token request answered HTTP 403"},
        {{200}, {""}, AWSC_E_RESPONSE, "IMDS answered the token request with a malformed token"},
        {{200, 500, 500}, {"T", "", ""}, AWSC_E_SERVICE, "IMDS role request answered HTTP 500"},
        {{200, 200}, {"T", "\r\nrole"}, AWSC_E_RESPONSE, "IMDS answered the role request without a role name"},
        {{200, 200}, {"T", ""}, AWSC_E_RESPONSE, "IMDS answered the role request without a role name"},
        {{200, 200}, {"T", "a/b"}, AWSC_E_RESPONSE, "IMDS answered the role request with a malformed role name"},
        {{200, 200, 404}, {"T", "gone-role", ""}, AWSC_E_SERVICE,
         "IMDS credentials request for role gone-role answered HTTP 404"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (size_t k = 0; k < 3 && cases[i].status[k]; k++)
            awsc_test_server_push_response(srv, cases[i].status[k], NULL, cases[i].body[k], strlen(cases[i].body[k]));
        p = new_provider(&cfg);
        get_fails(p, cases[i].want, cases[i].message);
        awsc_credentials_provider_free(p);
    }
    /* A token longer than 4 KiB is malformed; a role name longer than 128 bytes is none. */
    char big[4200];
    memset(big, 'T', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    awsc_test_server_push_response(srv, 200, NULL, big, strlen(big));
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "IMDS answered the token request with a malformed token");
    awsc_credentials_provider_free(p);
    awsc_test_server_push_response(srv, 200, NULL, "T", 1);
    awsc_test_server_push_response(srv, 200, NULL, big, 129);
    p = new_provider(&cfg);
    get_fails(p, AWSC_E_RESPONSE, "IMDS answered the role request without a role name");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

Test(creds, imds_role_and_credentials_requests_that_time_out)
{
    awsc_test_server *srv = imds_start();
    awsc_config cfg = test_config();
    awsc_test_response slow = {.delay_ms = NEVER_MS, .body = "x", .body_len = 1};
    awsc_credentials_options o = short_limits();
    o.imds_timeout_ms = awsc_test_ms(2000); /* the token answer comes at once; the slow ones never */
    awsc_test_server_push_response(srv, 200, NULL, "T", 1);
    awsc_test_server_push(srv, &slow);
    awsc_test_server_push(srv, &slow);
    awsc_credentials_provider *p = new_provider_with(&cfg, &o);
    get_fails(p, AWSC_E_TRANSPORT, "IMDS role request: ");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);

    srv = imds_start();
    awsc_test_server_push_response(srv, 200, NULL, "T", 1);
    awsc_test_server_push_response(srv, 200, NULL, "role", 4);
    awsc_test_server_push(srv, &slow);
    awsc_test_server_push(srv, &slow);
    p = new_provider_with(&cfg, &o);
    get_fails(p, AWSC_E_TRANSPORT, "IMDS credentials request: ");
    awsc_credentials_provider_free(p);
    awsc_test_server_stop(srv);
}

/* ---- credential_process: how it ended, said exactly ------------------------------- */

/* The whole message of a failed get (static storage). */
static const char *process_failure(const char *command)
{
    static char msg[1024];
    process_profile(command);
    awsc_credentials_provider *p = process_provider();
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_CONFIG, "%s", command);
    /* After the chain's list of the sources it tried before. */
    const char *own = strstr(err.message, "profile proc: ");
    cr_assert_not_null(own, "%s", err.message);
    snprintf(msg, sizeof msg, "%s", own);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
    return msg;
}

Test(creds, process_endings_each_have_their_message)
{
    cr_assert_str_eq(process_failure("echo 'dying now' >&2; kill -9 $$"),
                     "profile proc: credential_process was killed by signal 9: dying now");
    cr_assert_str_eq(process_failure("kill -TERM $$"), "profile proc: credential_process was killed by signal 15");
    cr_assert_str_eq(process_failure("exit 1"), "profile proc: credential_process exited with status 1");
    cr_assert_str_eq(process_failure("true"), "profile proc: credential_process printed nothing");
    /* stderr: trailing line ends and spaces trimmed, control characters made spaces. */
    cr_assert_str_eq(process_failure("printf 'bad\\tthing\\033[0m\\r\\n  ' >&2; exit 2"),
                     "profile proc: credential_process exited with status 2: bad thing [0m");
}

Test(creds, process_stderr_excerpt_is_bounded)
{
    const char *msg = process_failure("printf '%5000s' '' | tr ' ' e >&2; exit 4");
    const char *prefix = "profile proc: credential_process exited with status 4: ";
    cr_assert_eq(strncmp(msg, prefix, strlen(prefix)), 0, "%s", msg);
    cr_assert_eq(strlen(msg + strlen(prefix)), 512, "the excerpt is the first 512 bytes");
    cr_assert_eq(strspn(msg + strlen(prefix), "e"), 512);
}
