/*
 * The SSO plug-in's logic (runtime/sso/sso_token.c) over fake CreateToken and
 * GetRoleCredentials calls and a fixed clock: cache file names, parsing, the
 * refresh window to the second, what a refresh keeps, the atomic rewrite, and
 * the profile forms. The generated clients against loopback servers are
 * tests/py/test_sso_credentials.py's.
 */
#include <criterion/criterion.h>

#include <awsc/sso_credentials.h>

#include "fake_profile.h"
#include "sso_token.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NOW 1800000000LL /* 2027-01-15T08:00:00Z */

static char home[64], cache[128];

/* ---- a profile table and the fake services ---------------------------------- */

/* fake_profile.h: `props`, the rows fake_value and fake_exists answer from, and session_props */

static awsc_config host_config = AWSC_CONFIG_INIT;
static const awsc_role_host host = {NULL, &host_config, NOW, fake_value, fake_exists, NULL, NULL};

static int refreshes, role_calls;
static int refresh_status;         /* non-zero: CreateToken fails with it */
static int64_t refresh_expires_in = 3600;
static const char *refresh_new_refresh_token = "rt-2";
static char seen_refresh_token[64], seen_region[32], seen_access_token[64], seen_role[32], seen_account[32];

static char *sdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int fake_create_token(const awsc_config *config, const char *region, const awsc_sso_token *token,
                             awsc_sso_refreshed *out, awsc_error *err)
{
    (void)config;
    refreshes++;
    snprintf(seen_refresh_token, sizeof seen_refresh_token, "%s", token->refresh_token);
    snprintf(seen_region, sizeof seen_region, "%s", region);
    if (refresh_status) {
        err->status = refresh_status;
        err->code = sdup("InvalidGrantException");
        err->message = sdup("the refresh token is revoked");
        return refresh_status;
    }
    out->access_token = sdup("at-2");
    out->expires_in = refresh_expires_in;
    out->refresh_token = sdup(refresh_new_refresh_token);
    return AWSC_OK;
}

static int fake_role(const awsc_config *config, const char *region, const char *access_token,
                     const char *account_id, const char *role_name, awsc_role_credentials *out, awsc_error *err)
{
    (void)config, (void)err;
    role_calls++;
    snprintf(seen_access_token, sizeof seen_access_token, "%s", access_token);
    snprintf(seen_region, sizeof seen_region, "%s", region);
    snprintf(seen_role, sizeof seen_role, "%s", role_name);
    snprintf(seen_account, sizeof seen_account, "%s", account_id);
    out->access_key_id = sdup("ASIASSO");
    out->secret_access_key = sdup("sso-secret");
    out->session_token = sdup("sso-session-token");
    out->expiration = NOW + 3600;
    return AWSC_OK;
}

static const awsc_sso_calls calls = {fake_create_token, fake_role};

static void setup(void)
{
    snprintf(home, sizeof home, "/tmp/awsc_sso_unit_%ld", (long)getpid());
    snprintf(cache, sizeof cache, "%s/.aws/sso/cache", home);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", home, cache);
    cr_assert_eq(system(cmd), 0);
    setenv("HOME", home, 1);
    props = session_props;
    refreshes = role_calls = refresh_status = 0;
    refresh_expires_in = 3600;
    refresh_new_refresh_token = "rt-2";
    seen_refresh_token[0] = seen_region[0] = seen_access_token[0] = '\0';
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", home);
    cr_assert_eq(system(cmd), 0);
}

/* Writes the session's cache file: the access token "at-1" expiring at NOW + `expires_in`. */
static char *write_token(const char *key, long long expires_in, const char *extra)
{
    char *path = awsc_sso_cache_path(key, NULL);
    cr_assert(path);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    long long at = NOW + expires_in;
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f, "{\"accessToken\": \"at-1\", \"expiresAt\": \"%s\", \"refreshToken\": \"rt-1\", \"clientId\": \"cid\", "
               "\"clientSecret\": \"csecret\", \"registrationExpiresAt\": \"2030-01-01T00:00:00Z\"%s}",
            when, extra ? extra : "");
    fclose(f);
    return path;
}

static awsc_sso_token load(const char *path)
{
    awsc_sso_token t;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_sso_token_load(path, "login", &t, &err);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    awsc_error_clear(&err);
    return t;
}

static int run(const char *profile, awsc_role_credentials *out, awsc_error *err)
{
    return awsc_sso_profile(&calls, &host, profile, out, err);
}

static void clear_creds(awsc_role_credentials *c)
{
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    memset(c, 0, sizeof *c);
}

TestSuite(sso_token, .init = setup, .fini = teardown);

Test(sso_token, cache_file_names_are_sha1_hex)
{
    char hex[41];
    awsc_sso_cache_name("corp", hex);
    cr_assert_str_eq(hex, "ee0bfd2552fbd840c02cc48b6e823320543c450f");
    awsc_sso_cache_name("https://d-9067642ac7.awsapps.com/start", hex);
    cr_assert_str_eq(hex, "9e104e67bc03709422c341f8e7b917448969b3a1");
    char *path = awsc_sso_cache_path("corp", NULL);
    char want[256];
    snprintf(want, sizeof want, "%s/ee0bfd2552fbd840c02cc48b6e823320543c450f.json", cache);
    cr_assert_str_eq(path, want);
    free(path);
}

Test(sso_token, fresh_token_is_used_as_cached)
{
    free(write_token("corp", 301, NULL));
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run("dev", &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(refreshes, 0);
    cr_assert_str_eq(seen_access_token, "at-1");
    cr_assert_str_eq(seen_region, "us-west-2");
    cr_assert_str_eq(seen_role, "admin");
    cr_assert_str_eq(seen_account, "111122223333");
    cr_assert_str_eq(c.access_key_id, "ASIASSO");
    clear_creds(&c);
}

Test(sso_token, refreshed_at_five_minutes_before_expiry)
{
    char *path = write_token("corp", 300, NULL);
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run("dev", &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(refreshes, 1);
    cr_assert_str_eq(seen_refresh_token, "rt-1");
    cr_assert_str_eq(seen_region, "us-west-2");
    cr_assert_str_eq(seen_access_token, "at-2");
    clear_creds(&c);
    awsc_sso_token t = load(path);
    cr_assert_str_eq(t.access_token, "at-2");
    cr_assert_eq(t.expires_at, NOW + 3600);
    cr_assert_str_eq(t.refresh_token, "rt-2");
    cr_assert_str_eq(t.client_id, "cid");
    cr_assert_str_eq(t.client_secret, "csecret");
    cr_assert_str_eq(t.registration_expires_at, "2030-01-01T00:00:00Z");
    cr_assert_str_eq(t.start_url, "https://corp.awsapps.com/start");
    cr_assert_str_eq(t.region, "us-west-2");
    awsc_sso_token_clear(&t);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    /* Nothing but the cache file is left in the folder. */
    DIR *d = opendir(cache);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));)
        files += e->d_name[0] != '.';
    closedir(d);
    cr_assert_eq(files, 1);
    free(path);
}

Test(sso_token, refresh_without_a_new_refresh_token_keeps_the_old_one)
{
    char *path = write_token("corp", 10, NULL);
    refresh_new_refresh_token = NULL;
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run("dev", &c, &err), AWSC_OK, "%s", err.message);
    clear_creds(&c);
    awsc_sso_token t = load(path);
    cr_assert_str_eq(t.access_token, "at-2");
    cr_assert_str_eq(t.refresh_token, "rt-1");
    awsc_sso_token_clear(&t);
    free(path);
}

Test(sso_token, unusable_refresh_answer_keeps_a_working_token)
{
    char *path = write_token("corp", 100, NULL);
    refresh_expires_in = 0;
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run("dev", &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(refreshes, 1);
    cr_assert_str_eq(seen_access_token, "at-1");
    clear_creds(&c);
    awsc_sso_token t = load(path);
    cr_assert_str_eq(t.access_token, "at-1");
    awsc_sso_token_clear(&t);
    free(path);
}

Test(sso_token, expired_and_refresh_rejected)
{
    free(write_token("corp", 0, NULL)); /* expiring now is expired */
    refresh_status = AWSC_E_SERVICE;
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run("dev", &c, &err), AWSC_E_SERVICE);
    cr_assert_str_eq(err.code, "InvalidGrantException");
    cr_assert_str_eq(err.message,
                     "profile dev (sso_session corp): the SSO token has expired and refreshing it failed: the refresh "
                     "token is revoked: run `aws sso login --profile dev` to sign in again");
    cr_assert_eq(role_calls, 0);
    awsc_error_clear(&err);
}

Test(sso_token, expired_registration_is_not_refreshed)
{
    free(write_token("corp", -1, ", \"registrationExpiresAt\": \"2027-01-15T07:59:59Z\""));
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run("dev", &c, &err), AWSC_E_CONFIG);
    cr_assert(strstr(err.message, "the SSO token has expired and its client registration too"), "%s", err.message);
    cr_assert_eq(refreshes, 0);
    awsc_error_clear(&err);
}

Test(sso_token, legacy_form_is_never_refreshed)
{
    free(write_token("https://corp.awsapps.com/start", 1, NULL));
    awsc_role_credentials c;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(run("old", &c, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(refreshes, 0);
    cr_assert_str_eq(seen_region, "eu-west-1");
    cr_assert_str_eq(seen_access_token, "at-1");
    clear_creds(&c);
    free(write_token("https://corp.awsapps.com/start", 0, NULL));
    cr_assert_eq(run("old", &c, &err), AWSC_E_CONFIG);
    cr_assert_str_eq(err.message, "profile old (sso_start_url): the SSO token has expired: run `aws sso login "
                                  "--profile old` to sign in again");
    awsc_error_clear(&err);
}

Test(sso_token, save_and_parse_round_trip_with_escapes)
{
    awsc_sso_token t = {.access_token = "a\"b\\c\n", .expires_at = NOW, .client_id = "id", .region = "r"};
    char path[256];
    snprintf(path, sizeof path, "%s/x.json", cache);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_sso_token_save(path, &t, &err), AWSC_OK, "%s", err.message);
    awsc_sso_token back = load(path);
    cr_assert_str_eq(back.access_token, "a\"b\\c\n");
    cr_assert_eq(back.expires_at, NOW);
    cr_assert_null(back.refresh_token);
    cr_assert_str_eq(back.client_id, "id");
    awsc_sso_token_clear(&back);
    /* A folder that does not exist: a clear error, nothing written. */
    snprintf(path, sizeof path, "%s/missing/x.json", cache);
    cr_assert_eq(awsc_sso_token_save(path, &t, &err), AWSC_E_CONFIG);
    cr_assert(strstr(err.message, "cannot save the refreshed SSO token beside"), "%s", err.message);
    awsc_error_clear(&err);
}

Test(sso_token, malformed_files)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"{", "is not a JSON object of strings"},
        {"{\"accessToken\": \"x\", \"expiresAt\": \"2030-01-01T00:00:00Z\"} trailing", "is not a JSON object"},
        {"{\"accessToken\": null, \"expiresAt\": \"2030-01-01T00:00:00Z\"}", "has no accessToken"},
        {"{\"accessToken\": \"\", \"expiresAt\": \"2030-01-01T00:00:00Z\"}", "has no accessToken"},
        {"{\"accessToken\": \"x\", \"expiresAt\": \"2030-13-01T00:00:00Z\"}", "expiresAt is not an RFC 3339"},
        {"{\"accessToken\": \"x\", \"expiresAt\": {}}", "is not a JSON object of strings"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        awsc_sso_token t;
        awsc_error err = AWSC_ERROR_INIT;
        int rc = awsc_sso_token_parse(cases[i].text, strlen(cases[i].text), "F", &t, &err);
        cr_assert_eq(rc, AWSC_E_CONFIG, "case %zu", i);
        cr_assert(strstr(err.message, cases[i].message), "case %zu: %s", i, err.message);
        cr_assert(strstr(err.message, "the SSO token cache file F"), "case %zu: %s", i, err.message);
        cr_assert_null(t.access_token);
        awsc_error_clear(&err);
    }
}

Test(sso_token, public_table)
{
    /* What the CLI plugs in. */
    cr_assert_not_null(awsc_sso_credentials_api());
    cr_assert_not_null(awsc_sso_credentials_api()->profile_sso);
}
