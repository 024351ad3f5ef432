/*
 * The role credentials sources of the default chain: web identity from the
 * environment and profiles with role_arn (source_profile chains, cycles,
 * credential_source, web_identity_token_file): the runtime's chain with the
 * STS plug-in's role logic (runtime/sts/role_chain.c) over a fake STS call
 * that records what it was asked. The real STS client is tested in
 * tests/generated/test_sts_credentials.c and tests/py/test_sts_credentials.py.
 */
#include <criterion/criterion.h>

#include "auth/cred_sources.h"
#include "auth/credentials.h"
#include "role_chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];
static int64_t fake_now = 1700000000;

static int64_t clock_fn(void *ctx)
{
    return *(int64_t *)ctx;
}

/* ---- the fake STS ---------------------------------------------------------- */

#define MAX_CALLS 8

typedef struct recorded {
    char role_arn[128], session[80], token[128], external_id[64], source_key[64], source_secret[64],
        source_token[64], region[32], what[96], serial[64], code[16];
    int duration;
    bool web_identity;
} recorded;

static recorded calls[MAX_CALLS];
static int call_count;
static int fail_status;          /* non-zero: answer with this error */
static int64_t lifetime = 3600;  /* of the credentials handed out */

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static int fake_assume(const awsc_config *config, const awsc_role_request *req, awsc_role_credentials *out,
                       awsc_error *err)
{
    cr_assert_lt(call_count, MAX_CALLS);
    recorded *r = &calls[call_count++];
    copy(r->role_arn, sizeof r->role_arn, req->role_arn);
    copy(r->session, sizeof r->session, req->role_session_name);
    copy(r->token, sizeof r->token, req->web_identity_token);
    copy(r->external_id, sizeof r->external_id, req->external_id);
    copy(r->source_key, sizeof r->source_key, req->source ? req->source->access_key_id : NULL);
    copy(r->source_secret, sizeof r->source_secret, req->source ? req->source->secret_access_key : NULL);
    copy(r->source_token, sizeof r->source_token, req->source ? req->source->session_token : NULL);
    copy(r->region, sizeof r->region, config->region);
    copy(r->what, sizeof r->what, req->what);
    copy(r->serial, sizeof r->serial, req->serial_number);
    copy(r->code, sizeof r->code, req->token_code);
    r->duration = req->duration_seconds;
    r->web_identity = req->web_identity_token != NULL;
    /* The STS client must never see the calling client's credentials or endpoint. */
    cr_assert_null(config->access_key_id);
    cr_assert_null(config->endpoint_url);
    cr_assert_null(config->sts);
    if (fail_status) {
        awsc_error_clear(err);
        err->status = (awsc_status)fail_status;
        err->http_status = 403;
        err->code = strdup("AccessDenied");
        err->message = strdup("AssumeRole: AccessDenied: User is not authorized to perform sts:AssumeRole");
        return fail_status;
    }
    char id[32], secret[48], token[48];
    snprintf(id, sizeof id, "ASIAROLE%d", call_count);
    snprintf(secret, sizeof secret, "SECRETROLE%d", call_count);
    snprintf(token, sizeof token, "TOKENROLE%d", call_count);
    *out = (awsc_role_credentials){strdup(id), strdup(secret), strdup(token), fake_now + lifetime, NULL};
    return AWSC_OK;
}

static int fake_web_identity_env(const awsc_role_host *host, awsc_role_credentials *out, awsc_error *err)
{
    return awsc_role_web_identity_env(fake_assume, host, out, err);
}

static int fake_profile_role(const awsc_role_host *host, const char *profile, awsc_role_credentials *out,
                             awsc_error *err)
{
    return awsc_role_profile(fake_assume, host, profile, out, err);
}

static const awsc_sts_api fake_sts = {fake_web_identity_env, fake_profile_role};

/* ---- fixtures -------------------------------------------------------------- */

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
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"};
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        unsetenv(clear[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    strcpy(dir, "/tmp/awsc_roles_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    path_in_dir(path, sizeof path, "config");
    setenv("AWS_CONFIG_FILE", path, 1);
    path_in_dir(path, sizeof path, "credentials");
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    fake_now = 1700000000;
    memset(calls, 0, sizeof calls);
    call_count = 0;
    fail_status = 0;
    lifetime = 3600;
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(roles, .init = setup, .fini = teardown);

static int (*mfa_hook)(void *user, const char *serial, char *code, size_t cap); /* NULL: none */

static awsc_credentials_provider *new_provider(const char *profile, bool with_sts)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.mfa_code = mfa_hook;
    cfg.now = clock_fn;
    cfg.hooks_ctx = &fake_now;
    cfg.region = "eu-west-1";
    cfg.profile = profile;
    cfg.sts = with_sts ? &fake_sts : NULL;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new(&cfg, &err);
    cr_assert_not_null(p, "%s", err.message);
    return p;
}

static awsc_credentials get_ok(awsc_credentials_provider *p)
{
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_credentials_provider_get(p, &c, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message ? err.message : "?");
    awsc_error_clear(&err);
    return c;
}

static void get_fails(awsc_credentials_provider *p, awsc_status status, const char *part)
{
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_credentials_provider_get(p, &c, &err);
    cr_assert_eq(rc, (int)status, "status %d, message: %s", rc, err.message ? err.message : "(none)");
    cr_assert_not_null(err.message);
    cr_assert_not_null(strstr(err.message, part), "expected '%s' in: %s", part, err.message);
    cr_assert_null(strstr(err.message, "SECRET"), "a secret leaked into: %s", err.message);
    cr_assert_null(strstr(err.message, "jwt-"), "the token leaked into: %s", err.message);
    cr_assert_null(c.access_key_id);
    awsc_error_clear(&err);
}

static void web_identity_env(const char *token)
{
    char path[256];
    path_in_dir(path, sizeof path, "token");
    write_file("token", token);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", path, 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod", 1);
}

/* ---- web identity from the environment -------------------------------------- */

Test(roles, web_identity_env_reads_the_token_at_each_refresh)
{
    web_identity_env("jwt-one\n");
    /* Keys in the default profile come later in the chain: web identity must win. */
    write_file("credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = SECRETP\n");
    awsc_credentials_provider *p = new_provider(NULL, true);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
    cr_assert_str_eq(c.session_token, "TOKENROLE1");
    cr_assert_eq(c.expiration, 1700000000 + 3600);
    cr_assert_eq(call_count, 1);
    cr_assert(calls[0].web_identity);
    cr_assert_str_eq(calls[0].token, "jwt-one", "the trailing newline is dropped");
    cr_assert_str_eq(calls[0].role_arn, "arn:aws:iam::123456789012:role/pod");
    cr_assert_str_eq(calls[0].session, "awsc-session-1700000000");
    cr_assert_str_eq(calls[0].region, "eu-west-1");
    cr_assert_str_eq(calls[0].source_key, "", "web identity is not signed with anything");
    awsc_credentials_clear(&c);

    /* Cached while more than five minutes remain. */
    fake_now += 3000;
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
    cr_assert_eq(call_count, 1);
    awsc_credentials_clear(&c);

    /* Four minutes before expiry: refreshed, with the token the file holds now (Kubernetes rotates it). */
    write_file("token", "jwt-two");
    fake_now += 360;
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "ASIAROLE2");
    cr_assert_eq(call_count, 2);
    cr_assert_str_eq(calls[1].token, "jwt-two");
    cr_assert_eq(awsc_credentials_provider_refreshes(p), 2);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_env_session_name)
{
    web_identity_env("jwt-x");
    setenv("AWS_ROLE_SESSION_NAME", "my-pod", 1);
    awsc_credentials_provider *p = new_provider(NULL, true);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(calls[0].session, "my-pod");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_env_after_environment_keys)
{
    web_identity_env("jwt-x");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRETENV", 1);
    awsc_credentials_provider *p = new_provider(NULL, true);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "AKIDENV");
    cr_assert_eq(call_count, 0);
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_env_without_sts_says_what_to_link)
{
    web_identity_env("jwt-x");
    write_file("credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = SECRETP\n");
    awsc_credentials_provider *p = new_provider(NULL, false);
    /* Never the profile's keys: the environment asked for a role. */
    get_fails(p, AWSC_E_CONFIG, "link libawsc-sts-credentials and set awsc_config.sts = awsc_sts_credentials_api()");
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_env_missing_token_file)
{
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/awsc/token", 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod", 1);
    awsc_credentials_provider *p = new_provider(NULL, true);
    get_fails(p, AWSC_E_CONFIG, "cannot read the web identity token file /nonexistent/awsc/token");
    cr_assert_eq(call_count, 0);
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_env_empty_token_file)
{
    web_identity_env("\n");
    awsc_credentials_provider *p = new_provider(NULL, true);
    get_fails(p, AWSC_E_CONFIG, "is empty");
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_env_half_configured)
{
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod", 1);
    awsc_credentials_provider *p = new_provider(NULL, true);
    get_fails(p, AWSC_E_CONFIG, "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not");
    awsc_credentials_provider_free(p);
}

Test(roles, sts_error_becomes_the_credentials_error)
{
    web_identity_env("jwt-x");
    fail_status = AWSC_E_SERVICE;
    awsc_credentials_provider *p = new_provider(NULL, true);
    get_fails(p, AWSC_E_SERVICE, "User is not authorized to perform sts:AssumeRole");
    /* The code and HTTP status survive the chain's "no credentials: tried ..." rewording. */
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "AccessDenied");
    cr_assert_eq(err.http_status, 403);
    cr_assert_not_null(strstr(err.message, "no credentials: tried environment (not set), "), "%s", err.message);
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
}

Test(roles, failed_refresh_keeps_the_old_credentials_until_they_expire)
{
    web_identity_env("jwt-x");
    awsc_credentials_provider *p = new_provider(NULL, true);
    awsc_credentials c = get_ok(p);
    awsc_credentials_clear(&c);
    fail_status = AWSC_E_SERVICE;
    fake_now += 3500; /* inside the refresh window, still valid */
    c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
    awsc_credentials_clear(&c);
    fake_now += 200; /* expired */
    get_fails(p, AWSC_E_SERVICE, "AccessDenied");
    awsc_credentials_provider_free(p);
}

/* ---- profiles with role_arn --------------------------------------------------- */

Test(roles, profile_role_with_static_source)
{
    write_file("credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SECRETBASE\n");
    write_file("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
                         "external_id = ext-42\nduration_seconds = 1800\nrole_session_name = ci\n");
    awsc_credentials_provider *p = new_provider("dev", true);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
    cr_assert_eq(c.expiration, 1700000000 + 3600);
    cr_assert_eq(call_count, 1);
    cr_assert_not(calls[0].web_identity);
    cr_assert_str_eq(calls[0].role_arn, "arn:aws:iam::123456789012:role/dev");
    cr_assert_str_eq(calls[0].source_key, "AKIDBASE");
    cr_assert_str_eq(calls[0].source_secret, "SECRETBASE");
    cr_assert_str_eq(calls[0].external_id, "ext-42");
    cr_assert_str_eq(calls[0].session, "ci");
    cr_assert_eq(calls[0].duration, 1800);
    cr_assert_str_eq(calls[0].what, "profile dev (role_arn)");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_chain_of_two_hops)
{
    write_file("credentials", "[root]\naws_access_key_id = AKIDROOT\naws_secret_access_key = SECRETROOT\n");
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n"
                         "[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = root\n");
    awsc_credentials_provider *p = new_provider("a", true);
    awsc_credentials c = get_ok(p);
    cr_assert_eq(call_count, 2);
    /* b's role first, with root's keys; then a's role, with b's session. */
    cr_assert_str_eq(calls[0].role_arn, "arn:aws:iam::222222222222:role/b");
    cr_assert_str_eq(calls[0].source_key, "AKIDROOT");
    cr_assert_str_eq(calls[1].role_arn, "arn:aws:iam::111111111111:role/a");
    cr_assert_str_eq(calls[1].source_key, "ASIAROLE1");
    cr_assert_str_eq(calls[1].source_token, "TOKENROLE1");
    cr_assert_str_eq(c.access_key_id, "ASIAROLE2");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_cycle_is_an_error)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n"
                         "[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = c\n"
                         "[profile c]\nrole_arn = arn:aws:iam::333333333333:role/c\nsource_profile = a\n");
    awsc_credentials_provider *p = new_provider("a", true);
    get_fails(p, AWSC_E_CONFIG, "source_profile loops: a -> b -> c -> a");
    cr_assert_eq(call_count, 0);
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_self_source_uses_its_own_keys)
{
    write_file("credentials", "[me]\naws_access_key_id = AKIDME\naws_secret_access_key = SECRETME\n");
    write_file("config", "[profile me]\nrole_arn = arn:aws:iam::123456789012:role/me\nsource_profile = me\n");
    awsc_credentials_provider *p = new_provider("me", true);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(calls[0].source_key, "AKIDME");
    cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_missing_source_profile)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = nowhere\n");
    awsc_credentials_provider *p = new_provider("a", true);
    get_fails(p, AWSC_E_CONFIG, "profile a: its source_profile nowhere does not exist");
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_without_a_source)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\n");
    awsc_credentials_provider *p = new_provider("a", true);
    get_fails(p, AWSC_E_CONFIG, "has role_arn but none of source_profile, credential_source and "
                                "web_identity_token_file");
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_bad_duration)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = a\n"
                         "aws_access_key_id = AKIDA\naws_secret_access_key = SECRETA\nduration_seconds = 60\n");
    awsc_credentials_provider *p = new_provider("a", true);
    get_fails(p, AWSC_E_CONFIG, "duration_seconds must be a number from 900 to 43200");
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_credential_source_environment)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\n"
                         "credential_source = Environment\n");
    /* The environment's keys come first in the chain, so ask the profile source directly. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRETENV", 1);
    setenv("AWS_SESSION_TOKEN", "TOKENENV", 1);
    awsc_credentials out;
    awsc_buf why = AWSC_BUF_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_config sts_cfg = AWSC_CONFIG_INIT;
    awsc_cred_sts s = {.sts = &fake_sts, .config = &sts_cfg, .now = fake_now};
    awsc_credentials_options o = {0};
    int rc = awsc_cred_profile("a", true, &o, &s, &out, &why, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_str_eq(calls[0].source_key, "AKIDENV");
    cr_assert_str_eq(calls[0].source_token, "TOKENENV");
    cr_assert_str_eq(out.access_key_id, "ASIAROLE1");
    awsc_credentials_clear(&out);
    awsc_buf_free(&why);
}

Test(roles, profile_role_credential_source_with_nothing_there)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\ncredential_source = EcsContainer\n");
    awsc_credentials_provider *p = new_provider("a", true);
    get_fails(p, AWSC_E_CONFIG, "profile a: credential_source EcsContainer has no credentials");
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_credential_source_unknown)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\ncredential_source = Laptop\n");
    awsc_credentials_provider *p = new_provider("a", true);
    get_fails(p, AWSC_E_CONFIG, "credential_source must be Environment, Ec2InstanceMetadata or EcsContainer");
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_with_web_identity_token_file)
{
    char path[256];
    path_in_dir(path, sizeof path, "token");
    write_file("token", "jwt-profile");
    char text[512];
    snprintf(text, sizeof text,
             "[profile w]\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = %s\n"
             "role_session_name = wsession\n",
             path);
    write_file("config", text);
    awsc_credentials_provider *p = new_provider("w", true);
    awsc_credentials c = get_ok(p);
    cr_assert(calls[0].web_identity);
    cr_assert_str_eq(calls[0].token, "jwt-profile");
    cr_assert_str_eq(calls[0].session, "wsession");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_sts_error_names_the_profile)
{
    write_file("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = dev\n"
                         "aws_access_key_id = AKIDDEV\naws_secret_access_key = SECRETDEV\n");
    fail_status = AWSC_E_SERVICE;
    awsc_credentials_provider *p = new_provider("dev", true);
    get_fails(p, AWSC_E_SERVICE, "AccessDenied");
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_token_file_without_role_arn)
{
    write_file("config", "[profile w]\nweb_identity_token_file = /tmp/x\n");
    awsc_credentials_provider *p = new_provider("w", true);
    get_fails(p, AWSC_E_CONFIG, "has web_identity_token_file without role_arn");
    awsc_credentials_provider_free(p);
}

/* ---- role profiles: each mistake is reported, and STS is never asked -------------- */

static void role_profile_fails(const char *config, const char *profile, const char *message)
{
    write_file("config", config);
    awsc_credentials_provider *p = new_provider(profile, true);
    awsc_credentials c = {0};
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_credentials_provider_get(p, &c, &err), AWSC_E_CONFIG, "%s", err.message);
    /* The profile source's own words come after the chain's list of what it tried first. */
    const char *own = strstr(err.message, message);
    cr_assert_not_null(own, "expected '%s' in: %s", message, err.message);
    cr_assert_str_eq(own, message);
    cr_assert_eq(call_count, 0, "STS was called");
    awsc_error_clear(&err);
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_configuration_mistakes)
{
    role_profile_fails("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\ncredential_source = Environment\n"
                       "[profile b]\naws_access_key_id = AKIDB\naws_secret_access_key = SECRETB\n",
                       "a", "profile a has both source_profile and credential_source");
    role_profile_fails("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n", "a",
                       "profile a is its own source_profile but has no keys");
    role_profile_fails("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nregion = x\n",
                       "a", "profile a: its source_profile b has no credentials");
    role_profile_fails("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n"
                       "aws_access_key_id = AKIDA\naws_secret_access_key = SECRETA\nmfa_serial = arn:aws:iam::1:mfa/u\n",
                       "a", "profile a has mfa_serial arn:aws:iam::1:mfa/u: assuming its role needs the MFA device's "
                            "code, and this program cannot ask for one (set awsc_config.mfa_code; the awsc CLI asks "
                            "on the terminal)");
    const char *durations[] = {"abc", "900x", "899", "43201", "99999999999999999999", "-1000"};
    for (size_t i = 0; i < sizeof durations / sizeof *durations; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n"
                 "aws_access_key_id = AKIDA\naws_secret_access_key = SECRETA\nduration_seconds = %s\n",
                 durations[i]);
        role_profile_fails(text, "a", "profile a: duration_seconds must be a number from 900 to 43200");
    }
}

Test(roles, profile_role_duration_bounds_are_accepted)
{
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n"
                         "aws_access_key_id = AKIDA\naws_secret_access_key = SECRETA\nduration_seconds = 43200\n"
                         "external_id = ext\n");
    awsc_credentials_provider *p = new_provider("a", true);
    awsc_credentials c = get_ok(p);
    cr_assert_eq(calls[0].duration, 43200);
    cr_assert_str_eq(calls[0].external_id, "ext");
    cr_assert_str_eq(calls[0].session, "awsc-session-1700000000", "the generated session name has the time");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, profile_role_chain_longer_than_eight_hops)
{
    /* p0 -> p1 -> ... -> p9 (keys): nine hops is past the limit; eight is fine. */
    char text[4096] = "";
    for (int i = 0; i < 9; i++) {
        char part[160];
        snprintf(part, sizeof part, "[profile p%d]\nrole_arn = arn:aws:iam::1:role/r%d\nsource_profile = p%d\n", i, i,
                 i + 1);
        strcat(text, part);
    }
    strcat(text, "[profile p9]\naws_access_key_id = AKIDP9\naws_secret_access_key = SECRETP9\n");
    role_profile_fails(text, "p0", "profile p7: more than 8 source_profile hops");
    write_file("config", text);
    awsc_credentials_provider *p = new_provider("p2", true);
    awsc_credentials c = get_ok(p);
    cr_assert_eq(call_count, 7, "one AssumeRole per role profile, from the source outwards");
    cr_assert_str_eq(calls[0].role_arn, "arn:aws:iam::1:role/r8");
    cr_assert_str_eq(calls[0].source_key, "AKIDP9");
    cr_assert_str_eq(calls[6].role_arn, "arn:aws:iam::1:role/r2");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, web_identity_token_files_that_are_not_a_token)
{
    char path[256];
    path_in_dir(path, sizeof path, "token");
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", path, 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod", 1);
    /* Larger than 20480 bytes. */
    char *big = malloc(20482);
    cr_assert_not_null(big);
    memset(big, 'j', 20481);
    big[20481] = '\0';
    write_file("token", big);
    free(big);
    awsc_credentials_provider *p = new_provider(NULL, true);
    char want[512];
    snprintf(want, sizeof want, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE): the web identity token file %s is "
                                "larger than 20480 bytes", path);
    get_fails(p, AWSC_E_CONFIG, want);
    /* A NUL inside: not text. */
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite("jwt\0x\n", 1, 6, f);
    fclose(f);
    snprintf(want, sizeof want, "the web identity token file %s is not text", path);
    get_fails(p, AWSC_E_CONFIG, want);
    /* Exactly the limit is read. */
    big = malloc(20482);
    cr_assert_not_null(big);
    memset(big, 'j', 20480);
    big[20480] = '\0';
    write_file("token", big);
    free(big);
    awsc_credentials c = get_ok(p);
    cr_assert_eq(call_count, 1);
    cr_assert(calls[0].web_identity);
    cr_assert_eq(strspn(calls[0].token, "j"), strlen(calls[0].token), "the token as read (recorded truncated)");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

/* ---- SSO profiles: handed to the SSO plug-in (awsc_config.sso), itself or as a source ---- */

static char sso_seen[256];
static int sso_count;

static int fake_profile_sso(const awsc_role_host *host, const char *profile, awsc_role_credentials *out,
                            awsc_error *err)
{
    (void)err;
    sso_count++;
    const char *session = host->profile_value(host->ctx, profile, "sso_session");
    char section[64];
    snprintf(section, sizeof section, "sso-session %s", session ? session : "");
    snprintf(sso_seen, sizeof sso_seen, "%s %s %s %d", profile, session ? session : "-",
             session ? host->profile_value(host->ctx, section, "sso_region") : "-",
             session ? host->profile_exists(host->ctx, section) : 0);
    *out = (awsc_role_credentials){strdup("ASIASSO"), strdup("SECRETSSO"), strdup("TOKENSSO"), fake_now + 3600, NULL};
    return AWSC_OK;
}

static const awsc_sso_api fake_sso = {.profile_sso = fake_profile_sso};

static awsc_credentials_provider *new_sso_provider(const char *profile, bool with_sso)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.now = clock_fn;
    cfg.hooks_ctx = &fake_now;
    cfg.region = "eu-west-1";
    cfg.profile = profile;
    cfg.sts = &fake_sts;
    cfg.sso = with_sso ? &fake_sso : NULL;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_credentials_provider *p = awsc_credentials_provider_new(&cfg, &err);
    cr_assert_not_null(p, "%s", err.message);
    return p;
}

#define SSO_CONFIG                                                                                           \
    "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = admin\n"             \
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-west-2\n"          \
    "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = dev\n"           \
    "[profile old]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-west-2\n"

Test(roles, sso_profile_goes_to_the_sso_plug_in)
{
    sso_count = 0;
    write_file("config", SSO_CONFIG);
    /* Keys beside SSO settings are another identity: never used instead. */
    write_file("credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = SECRETDEV\n");
    awsc_credentials_provider *p = new_sso_provider("dev", true);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(c.access_key_id, "ASIASSO");
    cr_assert_eq(c.expiration, fake_now + 3600);
    cr_assert_str_eq(sso_seen, "dev corp us-west-2 1");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);

    p = new_sso_provider("old", true);
    c = get_ok(p);
    cr_assert_str_eq(sso_seen, "old - - 0");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
    cr_assert_eq(sso_count, 2);
}

Test(roles, sso_profile_as_source_profile)
{
    sso_count = 0;
    write_file("config", SSO_CONFIG);
    awsc_credentials_provider *p = new_sso_provider("deploy", true);
    awsc_credentials c = get_ok(p);
    cr_assert_eq(sso_count, 1);
    cr_assert_eq(call_count, 1);
    cr_assert_str_eq(calls[0].source_key, "ASIASSO");
    cr_assert_str_eq(calls[0].role_arn, "arn:aws:iam::123456789012:role/deploy");
    cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
}

Test(roles, sso_profile_without_the_plug_in_says_what_to_link)
{
    write_file("config", SSO_CONFIG);
    write_file("credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = SECRETDEV\n");
    static const char *const profiles[] = {"dev", "old", "deploy"};
    for (size_t i = 0; i < 3; i++) {
        awsc_credentials_provider *p = new_sso_provider(profiles[i], false);
        get_fails(p, AWSC_E_CONFIG,
                  "signs in with IAM Identity Center (SSO), which this program does not have: link "
                  "libawsc-sso-credentials and set awsc_config.sso = awsc_sso_credentials_api()");
        awsc_credentials_provider_free(p);
    }
    cr_assert_eq(call_count, 0);
}

/* ---- mfa_serial: the program is asked for the device's code ---- */

static char mfa_asked[64];
static int mfa_typed(void *user, const char *serial, char *code, size_t cap)
{
    snprintf(mfa_asked, sizeof mfa_asked, "%s", serial);
    snprintf(code, cap, "%s", (const char *)user ? (const char *)user : "123456");
    return 0;
}
static int mfa_refused(void *user, const char *serial, char *code, size_t cap)
{
    (void)user, (void)serial, (void)code, (void)cap;
    return -1;
}

Test(roles, mfa_serial_sends_the_code_the_program_gives)
{
    mfa_hook = mfa_typed;
    write_file("config", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n"
                         "aws_access_key_id = AKIDA\naws_secret_access_key = SECRETA\nmfa_serial = arn:aws:iam::1:mfa/u\n");
    awsc_credentials_provider *p = new_provider("a", true);
    awsc_credentials c = get_ok(p);
    cr_assert_str_eq(mfa_asked, "arn:aws:iam::1:mfa/u");
    cr_assert_eq(call_count, 1);
    cr_assert_str_eq(calls[0].serial, "arn:aws:iam::1:mfa/u");
    cr_assert_str_eq(calls[0].code, "123456");
    awsc_credentials_clear(&c);
    awsc_credentials_provider_free(p);
    mfa_hook = mfa_refused;
    call_count = 0;
    role_profile_fails("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n"
                       "aws_access_key_id = AKIDA\naws_secret_access_key = SECRETA\nmfa_serial = arn:aws:iam::1:mfa/u\n",
                       "a", "profile a: no MFA code was given for arn:aws:iam::1:mfa/u");
    mfa_hook = NULL;
}
