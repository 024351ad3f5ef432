/* The client resolves its endpoint through the model's compiled rule set. */
#include <awsc/iot_jobs_data.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char seen[512];

static void capture(void *user, awsc_log_level level, const char *line)
{
    (void)user;
    (void)level;
    if (strstr(line, "endpoint "))
        snprintf(seen, sizeof seen, "%s", line);
}

static int make(awsc_config *cfg, awsc_error *err)
{
    cfg->access_key_id = "AKID";
    cfg->secret_access_key = "SECRET";
    cfg->log_level = AWSC_LOG_DEBUG;
    cfg->log_fn = capture;
    seen[0] = '\0';
    awsc_iot_jobs_data_client *c = NULL;
    int rc = awsc_iot_jobs_data_client_new(cfg, &c, err);
    awsc_iot_jobs_data_client_free(c);
    return rc;
}

Test(endpoint_config, the_region_picks_the_endpoint)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "eu-west-1";
    cr_assert_eq(make(&cfg, NULL), AWSC_OK);
    cr_assert_not_null(strstr(seen, "endpoint https://data.jobs.iot.eu-west-1.amazonaws.com,"), "%s", seen);
    cfg.region = "cn-north-1";
    cr_assert_eq(make(&cfg, NULL), AWSC_OK);
    cr_assert_not_null(strstr(seen, "https://data.jobs.iot.cn-north-1.amazonaws.com.cn"), "%s", seen);
}

Test(endpoint_config, fips_and_dual_stack)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.use_fips = true;
    cr_assert_eq(make(&cfg, NULL), AWSC_OK);
    cr_assert_not_null(strstr(seen, "https://data.jobs.iot-fips.us-east-1.amazonaws.com"), "%s", seen);
    cfg.use_dual_stack = true;
    cr_assert_eq(make(&cfg, NULL), AWSC_OK);
    cr_assert_not_null(strstr(seen, "https://data.jobs.iot-fips.us-east-1.api.aws"), "%s", seen);
}

Test(endpoint_config, a_custom_endpoint_with_fips_is_refused_by_the_rules)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = "https://abc123.jobs.iot.us-east-1.amazonaws.com";
    cr_assert_eq(make(&cfg, NULL), AWSC_OK);
    cr_assert_not_null(strstr(seen, "endpoint https://abc123.jobs.iot.us-east-1.amazonaws.com,"), "%s", seen);
    cfg.use_fips = true;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(make(&cfg, &err), AWSC_E_CONFIG);
    cr_assert_str_eq(err.message, "Invalid Configuration: FIPS and custom endpoint are not supported");
    awsc_error_clear(&err);
}

Test(endpoint_config, fips_and_dual_stack_from_the_profile_unless_the_environment_says)
{
    char dir[] = "/tmp/awsc_fips_XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    fputs("[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n", f);
    fclose(f);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_USE_FIPS_ENDPOINT");
    unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cr_assert_eq(make(&cfg, NULL), AWSC_OK);
    cr_assert_not_null(strstr(seen, "https://data.jobs.iot-fips.us-east-1.api.aws"), "%s", seen);
    setenv("AWS_USE_FIPS_ENDPOINT", "false", 1); /* the environment, when set, wins over the profile */
    cr_assert_eq(make(&cfg, NULL), AWSC_OK);
    cr_assert_not_null(strstr(seen, "https://data.jobs.iot.us-east-1.api.aws"), "%s", seen);
    unsetenv("AWS_USE_FIPS_ENDPOINT");
    unsetenv("AWS_CONFIG_FILE");
    unlink(path);
    rmdir(dir);
}
