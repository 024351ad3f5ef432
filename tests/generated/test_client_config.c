/* Client construction from configuration and the environment: what is accepted, what is refused and why. */
#include <awsc/iot_jobs_data.h>

#include "core/client_internal.h"
#include "test_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int make(awsc_config *cfg, awsc_error *err)
{
    cfg->access_key_id = cfg->access_key_id ? cfg->access_key_id : "AKID";
    cfg->secret_access_key = cfg->secret_access_key ? cfg->secret_access_key : "SECRET";
    awsc_iot_jobs_data_client *c = NULL;
    int rc = awsc_iot_jobs_data_client_new(cfg, &c, err);
    awsc_iot_jobs_data_client_free(c);
    return rc;
}

Test(client_config, endpoint_urls_must_be_plain)
{
    const char *bad[] = {"example.com", "https://", "https://host?x=1", "https://user@host", "https://h ost",
                         "ftp://host"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        awsc_config cfg = AWSC_CONFIG_INIT;
        cfg.region = "us-east-1";
        cfg.endpoint_url = bad[i];
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(make(&cfg, &err), AWSC_E_CONFIG, "%s accepted", bad[i]);
        cr_assert_not_null(err.message);
        awsc_error_clear(&err);
    }
}

Test(client_config, environment_settings_are_checked)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    awsc_error err = AWSC_ERROR_INIT;
    setenv("AWS_MAX_ATTEMPTS", "zero", 1);
    cr_assert_eq(make(&cfg, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "max_attempts"));
    setenv("AWS_MAX_ATTEMPTS", "5", 1);
    setenv("AWS_RETRY_MODE", "fastest", 1);
    cr_assert_eq(make(&cfg, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "retry_mode"));
    setenv("AWS_RETRY_MODE", "legacy", 1);
    cr_assert_eq(make(&cfg, &err), AWSC_OK, "legacy is accepted as the SDKs do");
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("AWS_RETRY_MODE");
    cfg.region = NULL;
    unsetenv("AWS_REGION");
    setenv("AWS_DEFAULT_REGION", "eu-central-1", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    cr_assert_eq(make(&cfg, &err), AWSC_OK, "AWS_DEFAULT_REGION is a region source");
    unsetenv("AWS_DEFAULT_REGION");
    cr_assert_eq(make(&cfg, &err), AWSC_E_CONFIG, "no region anywhere");
    cr_assert_not_null(strstr(err.message, "region"));
    awsc_error_clear(&err);
}

Test(client_config, an_endpoint_path_prefixes_every_request)
{
    awsc_test_server *srv = awsc_test_server_start();
    char url[128];
    snprintf(url, sizeof url, "%s/base/", awsc_test_server_base_url(srv));
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = url;
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    awsc_iot_jobs_data_client *c = NULL;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, NULL), AWSC_OK);
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "t"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions(c, &in, &out, NULL), AWSC_OK);
    cr_assert_str_eq(awsc_test_server_request(srv, 0)->target, "/base/things/t/jobs");
    awsc_output_free(out);
    awsc_iot_jobs_data_client_free(c);
    awsc_test_server_stop(srv);
}

static void never(void *user, int status, awsc_iot_jobs_data_get_pending_job_executions_response *out,
                  const awsc_error *err)
{
    (void)user;
    (void)status;
    (void)out;
    (void)err;
}

Test(client_config, async_entry_points_refuse_nonsense)
{
    cr_assert_eq(awsc_client_run(NULL, 0), 0);
    cr_assert_eq(awsc_client_in_flight(NULL), 0);
    cr_assert_eq(awsc_client_socket_action(NULL, -1, 0), 0);
    cr_assert_eq(awsc_client_set_event_callbacks(NULL, NULL, NULL, NULL), -1);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_client_invoke_async(NULL, NULL, NULL, NULL, NULL, &err), AWSC_E_CONFIG);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.access_key_id = "AKID";
    cfg.secret_access_key = "SECRET";
    awsc_iot_jobs_data_client *c = NULL;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, NULL), AWSC_OK);
    cr_assert_eq(awsc_iot_jobs_data_client_run(c, 0), 0, "nothing in flight");
    cr_assert_eq(awsc_iot_jobs_data_get_pending_job_executions_async(c, NULL, never, NULL, &err), AWSC_E_VALIDATION);
    awsc_iot_jobs_data_client_free(c);
    awsc_error_clear(&err);
}

/* sigv4a_signing_region_set: code, else AWS_SIGV4A_SIGNING_REGION_SET, else the profile; kept for the SigV4a signer. */
Test(client_config, the_sigv4a_region_set_is_read)
{
    char dir[] = "/tmp/awsc_sigv4a_XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    fputs("[default]\nsigv4a_signing_region_set = eu-*\n", f);
    fclose(f);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
    unsetenv("AWS_PROFILE");
    struct { const char *code, *env, *want; } cases[] = {
        {"*", "us-east-1", "*"}, {NULL, "us-east-1,us-west-2", "us-east-1,us-west-2"}, {NULL, NULL, "eu-*"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i].env)
            setenv("AWS_SIGV4A_SIGNING_REGION_SET", cases[i].env, 1);
        else
            unsetenv("AWS_SIGV4A_SIGNING_REGION_SET");
        awsc_config cfg = AWSC_CONFIG_INIT;
        cfg.region = "us-east-1";
        cfg.access_key_id = "AKID";
        cfg.secret_access_key = "SECRET";
        cfg.sigv4a_signing_region_set = cases[i].code;
        awsc_client *c = NULL;
        cr_assert_eq(awsc_client_new(awsc_iot_jobs_data_service(), &cfg, &c, NULL), AWSC_OK);
        cr_assert_str_eq(c->region_set, cases[i].want);
        awsc_client_free(c);
    }
    unsetenv("AWS_SIGV4A_SIGNING_REGION_SET");
    unlink(path);
    rmdir(dir);
}
