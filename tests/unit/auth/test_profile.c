/* The shared config/credentials file parser, awsc_profile_value and awsc_resolve_region. */
#include <criterion/criterion.h>

#include "auth/cred_sources.h"
#include "auth/credentials.h"
#include "test_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static awsc_profile_file parse(const char *text, bool is_config)
{
    awsc_profile_file f = {0};
    cr_assert_eq(awsc_profile_parse(&f, text, strlen(text), is_config), 0);
    return f;
}

static void assert_value(const awsc_profile_file *f, const char *profile, const char *key, const char *want)
{
    const char *got = awsc_profile_get(f, profile, key);
    if (!want)
        cr_assert_null(got, "[%s] %s: expected none, got '%s'", profile, key, got);
    else
        cr_assert(got && strcmp(got, want) == 0, "[%s] %s: expected '%s', got '%s'", profile, key, want,
                  got ? got : "(null)");
}

Test(profile, credentials_file_sections_and_keys)
{
    awsc_profile_file f = parse("[default]\n"
                                "aws_access_key_id = AKIDDEFAULT\n"
                                "aws_secret_access_key=secret1\n"
                                "\n"
                                "[dev]\n"
                                "  # an indented comment\n"
                                "aws_access_key_id\t=\tAKIDDEV  \n"
                                "; semicolon comment\n"
                                "aws_session_token = tok=with=equals\n",
                                false);
    assert_value(&f, "default", "aws_access_key_id", "AKIDDEFAULT");
    assert_value(&f, "default", "aws_secret_access_key", "secret1");
    assert_value(&f, "dev", "aws_access_key_id", "AKIDDEV");
    assert_value(&f, "dev", "aws_session_token", "tok=with=equals");
    assert_value(&f, "dev", "aws_secret_access_key", NULL);
    cr_assert(awsc_profile_has(&f, "dev"));
    cr_assert(!awsc_profile_has(&f, "prod"));
    awsc_profile_free(&f);
}

Test(profile, config_file_needs_profile_prefix)
{
    awsc_profile_file f = parse("[default]\nregion = us-east-1\n"
                                "[profile dev]\nregion = eu-west-1\n"
                                "[profile   spaced  ]\nregion = ap-south-1\n"
                                "[prod]\nregion = not-a-profile\n"
                                "[sso-session corp]\nsso_region = us-east-2\n"
                                "[profiledev2]\nregion = nope\n"
                                "[profile]\nregion = nope\n",
                                true);
    assert_value(&f, "default", "region", "us-east-1");
    assert_value(&f, "dev", "region", "eu-west-1");
    assert_value(&f, "spaced", "region", "ap-south-1");
    assert_value(&f, "prod", "region", NULL);
    assert_value(&f, "corp", "sso_region", NULL);
    assert_value(&f, "sso-session corp", "sso_region", "us-east-2");
    assert_value(&f, "profiledev2", "region", NULL);
    assert_value(&f, "dev2", "region", NULL);
    cr_assert(!awsc_profile_has(&f, "prod"));
    awsc_profile_free(&f);
}

Test(profile, sso_session_sections)
{
    awsc_profile_file f = parse("[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n"
                                "[sso-session   corp  ] # the company's\nsso_region = us-east-2\n"
                                "sso_start_url = https://corp.awsapps.com/start\n"
                                "sso_registration_scopes = sso:account:access\n"
                                "[sso-session two words]\nsso_region = nope\n"
                                "[sso-session]\nsso_region = nope\n"
                                "[sso-sessionx]\nsso_region = nope\n",
                                true);
    assert_value(&f, "dev", "sso_session", "corp");
    assert_value(&f, "sso-session corp", "sso_region", "us-east-2");
    assert_value(&f, "sso-session corp", "sso_start_url", "https://corp.awsapps.com/start");
    assert_value(&f, "sso-session corp", "sso_registration_scopes", "sso:account:access");
    cr_assert(awsc_profile_has(&f, "sso-session corp"));
    /* The session's keys are never a profile's, nor the other way round. */
    assert_value(&f, "corp", "sso_region", NULL);
    assert_value(&f, "sso-session dev", "sso_session", NULL);
    assert_value(&f, "sso-session two words", "sso_region", NULL);
    assert_value(&f, "sso-session ", "sso_region", NULL);
    assert_value(&f, "sso-sessionx", "sso_region", NULL);
    awsc_profile_free(&f);
    /* In the credentials file the section is a (malformed) profile name, skipped. */
    f = parse("[sso-session corp]\nsso_region = us-east-2\n", false);
    assert_value(&f, "sso-session corp", "sso_region", NULL);
    awsc_profile_free(&f);
}

Test(profile, credentials_file_takes_names_literally)
{
    /* "[profile x]" in the credentials file is a profile named "profile x" (white space: invalid, skipped). */
    awsc_profile_file f = parse("[profile dev]\naws_access_key_id = A\n[dev]\naws_access_key_id = B\n", false);
    assert_value(&f, "dev", "aws_access_key_id", "B");
    awsc_profile_free(&f);
}

Test(profile, profile_default_wins_over_default_in_config)
{
    awsc_profile_file f = parse("[default]\nregion = from-bare\noutput = json\n"
                                "[profile default]\nregion = from-profile\n",
                                true);
    assert_value(&f, "default", "region", "from-profile");
    /* The bare [default] section is ignored as a whole. */
    assert_value(&f, "default", "output", NULL);
    awsc_profile_free(&f);

    f = parse("[profile default]\nregion = from-profile\n[default]\nregion = from-bare\n", true);
    assert_value(&f, "default", "region", "from-profile");
    awsc_profile_free(&f);
}

Test(profile, comments)
{
    awsc_profile_file f = parse("# leading comment\n"
                                "[default] # comment after a section\n"
                                "region = us-west-2 # trailing comment\n"
                                "output = json;not-a-comment\n"
                                "key3 = value\t; tab comment\n"
                                "key4 = a#b\n"
                                "[other] ; another\n"
                                "x = 1\n",
                                false);
    assert_value(&f, "default", "region", "us-west-2");
    assert_value(&f, "default", "output", "json;not-a-comment");
    assert_value(&f, "default", "key3", "value");
    assert_value(&f, "default", "key4", "a#b");
    assert_value(&f, "other", "x", "1");
    awsc_profile_free(&f);
}

Test(profile, sub_properties_do_not_shadow_top_level_keys)
{
    awsc_profile_file f = parse("[profile dev]\n"
                                "s3 =\n"
                                "  region = us-west-2\n"
                                "  max_concurrent_requests = 10\n"
                                "region = eu-central-1\n"
                                "note = first\n"
                                "\tsecond line\n",
                                true);
    assert_value(&f, "dev", "region", "eu-central-1");
    assert_value(&f, "dev", "s3", "\nregion = us-west-2\nmax_concurrent_requests = 10");
    assert_value(&f, "dev", "note", "first\nsecond line");
    assert_value(&f, "dev", "max_concurrent_requests", NULL);
    awsc_profile_free(&f);
}

Test(profile, services_sections_are_kept_apart_from_profiles)
{
    awsc_profile_file f = parse("[services local]\n"
                                "dynamodb =\n"
                                "  endpoint_url = http://127.0.0.1:8000\n"
                                "[profile local]\n"
                                "services = local\n"
                                "[services two words]\n"
                                "s3 = x\n",
                                true);
    assert_value(&f, "services local", "dynamodb", "\nendpoint_url = http://127.0.0.1:8000");
    assert_value(&f, "local", "services", "local");
    assert_value(&f, "local", "dynamodb", NULL);
    cr_assert_not(awsc_profile_has(&f, "services two words"), "a services name has no blanks");
    awsc_profile_free(&f);
    /* In the credentials file a "[services x]" header is no section at all. */
    f = parse("[services local]\ndynamodb = x\n", false);
    assert_value(&f, "services local", "dynamodb", NULL);
    awsc_profile_free(&f);
}

Test(profile, malformed_lines_are_skipped)
{
    awsc_profile_file f = parse("orphan = before any section\n"
                                "[default\n"
                                "in_broken = 1\n"
                                "[good]\n"
                                "no equals sign here\n"
                                " = empty key\n"
                                "  indented_first = 2\n"
                                "ok = yes\n"
                                "[bad] trailing text\n"
                                "hidden = 1\n"
                                "[]\n"
                                "empty_name = 1\n",
                                false);
    assert_value(&f, "default", "orphan", NULL);
    assert_value(&f, "default", "in_broken", NULL);
    assert_value(&f, "good", "ok", "yes");
    assert_value(&f, "good", "indented_first", NULL);
    assert_value(&f, "good", "", NULL);
    assert_value(&f, "bad", "hidden", NULL);
    cr_assert(!awsc_profile_has(&f, "default"));
    cr_assert(!awsc_profile_has(&f, "bad"));
    awsc_profile_free(&f);
}

Test(profile, crlf_duplicates_case_and_empty_values)
{
    awsc_profile_file f = parse("[dev]\r\nRegion = us-east-1\r\nregion = us-east-2\r\nempty =\r\n"
                                "[other]\r\nregion = x\r\n[dev]\r\noutput = text\r\n",
                                false);
    /* The last value wins; keys are case-insensitive; a profile may come back later. */
    assert_value(&f, "dev", "region", "us-east-2");
    assert_value(&f, "dev", "REGION", "us-east-2");
    assert_value(&f, "dev", "empty", "");
    assert_value(&f, "dev", "output", "text");
    /* Profile names are case-sensitive. */
    assert_value(&f, "DEV", "region", NULL);
    awsc_profile_free(&f);
}

Test(profile, empty_and_no_trailing_newline)
{
    awsc_profile_file f = parse("", false);
    cr_assert_eq(f.count, 0);
    awsc_profile_free(&f);
    f = parse("[a]\nk = v", false);
    assert_value(&f, "a", "k", "v");
    awsc_profile_free(&f);
}

/* ---- files and environment -------------------------------------------------- */

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/*
 * Parsing is linear: 120,000 sections (hashed names) and a value of 200,000 continuation lines
 * (grown in place) take milliseconds; the quadratic parser took minutes. The limit is generous.
 */
TestSuite(profile_large, .timeout = 600);

Test(profile_large, many_sections_and_long_continuations_parse_in_linear_time)
{
    enum { SECTIONS = 120000, LINES = 200000 };
    size_t cap = (size_t)SECTIONS * 40 + (size_t)LINES * 12 + 64, len = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    for (int i = 0; i < SECTIONS; i++)
        len += (size_t)snprintf(text + len, cap - len, "[profile p%d]\nregion = r%d\n", i, i);
    len += (size_t)snprintf(text + len, cap - len, "[profile long]\nk = start\n");
    for (int i = 0; i < LINES; i++)
        len += (size_t)snprintf(text + len, cap - len, "  l%07d\n", i);
    double t0 = awsc_test_now_s();
    awsc_profile_file f = {0};
    cr_assert_eq(awsc_profile_parse(&f, text, len, true), 0);
    double took = awsc_test_now_s() - t0;
    cr_assert_eq(f.profile_count, SECTIONS + 1);
    cr_assert(awsc_profile_has(&f, "p0") && awsc_profile_has(&f, "p119999") && !awsc_profile_has(&f, "p120000"));
    assert_value(&f, "p77777", "region", "r77777");
    const char *v = awsc_profile_get(&f, "long", "k");
    cr_assert_not_null(v);
    cr_assert_eq(strlen(v), 5 + (size_t)LINES * 9);
    cr_assert(strncmp(v, "start\nl0000000\nl0000001\n", 24) == 0);
    cr_assert_str_eq(v + strlen(v) - 8, "l0199999");
    awsc_profile_free(&f);
    free(text);
    cr_assert_lt(took, awsc_test_ms(10000) / 1000.0, "parsing took %.1f s", took);
}

static void setup_files(void)
{
    strcpy(dir, "/tmp/awsc_profile_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/config", dir);
    setenv("AWS_CONFIG_FILE", path, 1);
    snprintf(path, sizeof path, "%s/credentials", dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
}

static void teardown_files(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(profile_files, .init = setup_files, .fini = teardown_files);

Test(profile_files, value_credentials_file_wins)
{
    write_file("config", "[profile dev]\nregion = from-config\noutput = json\n");
    write_file("credentials", "[dev]\nregion = from-credentials\n");
    char *v = awsc_profile_value("dev", "region");
    cr_assert_str_eq(v, "from-credentials");
    free(v);
    v = awsc_profile_value("dev", "output");
    cr_assert_str_eq(v, "json");
    free(v);
    cr_assert_null(awsc_profile_value("dev", "missing"));
    cr_assert_null(awsc_profile_value("nope", "region"));
    cr_assert_null(awsc_profile_value("dev", NULL));
}

/* Inside a scope the files are read once (what awsc_client_new relies on); after it, afresh. */
Test(profile_files, a_scope_reads_the_files_once)
{
    write_file("config", "[profile dev]\nregion = first\n");
    write_file("credentials", "[dev]\noutput = text\n");
    awsc_profile_scope_begin();
    awsc_profile_scope_begin(); /* nested: only the outermost end lets go */
    char *v = awsc_profile_value("dev", "region");
    cr_assert_str_eq(v, "first");
    free(v);
    write_file("config", "[profile dev]\nregion = second\n");
    v = awsc_profile_value("dev", "region");
    cr_assert_str_eq(v, "first", "a lookup inside the scope read the file again");
    free(v);
    v = awsc_profile_value("dev", "output");
    cr_assert_str_eq(v, "text", "the credentials file still wins inside a scope");
    free(v);
    awsc_profile_scope_end();
    v = awsc_profile_value("dev", "region");
    cr_assert_str_eq(v, "first");
    free(v);
    awsc_profile_scope_end();
    v = awsc_profile_value("dev", "region");
    cr_assert_str_eq(v, "second");
    free(v);
    awsc_profile_scope_end(); /* one end too many is harmless */
    v = awsc_profile_value("dev", "region");
    cr_assert_str_eq(v, "second");
    free(v);
}

Test(profile_files, value_uses_aws_profile)
{
    write_file("config", "[default]\nregion = d\n[profile p2]\nregion = p\n");
    char *v = awsc_profile_value(NULL, "region");
    cr_assert_str_eq(v, "d");
    free(v);
    setenv("AWS_PROFILE", "p2", 1);
    v = awsc_profile_value(NULL, "region");
    cr_assert_str_eq(v, "p");
    free(v);
}

Test(profile_files, missing_files_are_not_errors)
{
    cr_assert_null(awsc_profile_value("default", "region"));
    awsc_profile_file f;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_profile_load(&f, true, &err), AWSC_OK);
    cr_assert(!f.present);
    awsc_profile_free(&f);
}

Test(profile_files, unreadable_and_oversized_files_are_errors)
{
    char path[256];
    snprintf(path, sizeof path, "%s", dir);
    setenv("AWS_CONFIG_FILE", path, 1); /* a directory */
    awsc_profile_file f;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_neq(awsc_profile_load(&f, true, &err), AWSC_OK);
    cr_assert_not_null(strstr(err.message, dir), "%s", err.message);
    awsc_profile_free(&f);
    awsc_error_clear(&err);

    snprintf(path, sizeof path, "%s/big", dir);
    FILE *fp = fopen(path, "wb");
    for (int i = 0; i < 120000; i++)
        fputs("# padding\n", fp);
    fclose(fp);
    setenv("AWS_CONFIG_FILE", path, 1);
    cr_assert_eq(awsc_profile_load(&f, true, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "larger than"), "%s", err.message);
    awsc_profile_free(&f);
    awsc_error_clear(&err);
}

Test(profile_files, home_expansion)
{
    setenv("HOME", dir, 1);
    unsetenv("AWS_CONFIG_FILE");
    char *p = awsc_profile_path(true);
    char want[256];
    snprintf(want, sizeof want, "%s/.aws/config", dir);
    cr_assert_str_eq(p, want);
    free(p);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/creds", 1);
    p = awsc_profile_path(false);
    snprintf(want, sizeof want, "%s/creds", dir);
    cr_assert_str_eq(p, want);
    free(p);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~other/creds", 1);
    p = awsc_profile_path(false);
    cr_assert_str_eq(p, "~other/creds");
    free(p);
}

Test(profile_files, region_order)
{
    write_file("config", "[default]\nregion = from-profile\n[profile x]\nregion = from-x\n");
    awsc_config cfg = AWSC_CONFIG_INIT;
    char *r = awsc_resolve_region(&cfg);
    cr_assert_str_eq(r, "from-profile");
    free(r);
    cfg.profile = "x";
    r = awsc_resolve_region(&cfg);
    cr_assert_str_eq(r, "from-x");
    free(r);
    setenv("AWS_DEFAULT_REGION", "from-default-region", 1);
    r = awsc_resolve_region(&cfg);
    cr_assert_str_eq(r, "from-default-region");
    free(r);
    setenv("AWS_REGION", "from-region", 1);
    r = awsc_resolve_region(&cfg);
    cr_assert_str_eq(r, "from-region");
    free(r);
    cfg.region = "explicit";
    r = awsc_resolve_region(&cfg);
    cr_assert_str_eq(r, "explicit");
    free(r);
    r = awsc_resolve_region(NULL);
    cr_assert_str_eq(r, "from-region");
    free(r);
}

Test(profile_files, region_absent_or_empty)
{
    write_file("config", "[default]\nregion =\n");
    awsc_config cfg = AWSC_CONFIG_INIT;
    cr_assert_null(awsc_resolve_region(&cfg));
    setenv("AWS_REGION", "", 1);
    cr_assert_null(awsc_resolve_region(&cfg));
}
