/* Mutual TLS to the Jobs endpoint: the device certificate authenticates, nothing is signed. */
#include <awsc/iot_jobs_data.h>

#include "tls_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];

static void setup(void)
{
    cr_assert_eq(awsc_test_tls_make_certs(dir), 0, "making test certificates with the openssl CLI failed");
}

static void teardown(void)
{
    awsc_test_tls_remove_certs(dir);
}

TestSuite(mtls, .init = setup, .fini = teardown, .timeout = 30);

static int call(const char *cert, const char *key, awsc_test_tls *t, awsc_error *err)
{
    char url[64], ca[128], cert_path[128], key_path[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d", awsc_test_tls_port(t));
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    snprintf(cert_path, sizeof cert_path, "%s/%s", dir, cert);
    snprintf(key_path, sizeof key_path, "%s/%s", dir, key);
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = url;
    cfg.ca_file = ca;
    cfg.use_mtls = true;
    cfg.tls_cert_file = cert_path;
    cfg.tls_key_file = key_path;
    cfg.max_attempts = 1;
    cfg.request_timeout_ms = 10000;
    awsc_iot_jobs_data_client *c = NULL;
    int rc = awsc_iot_jobs_data_client_new(&cfg, &c, err);
    if (rc)
        return rc;
    awsc_iot_jobs_data_get_pending_job_executions_request in = {.thing_name = "sensor-01"};
    awsc_iot_jobs_data_get_pending_job_executions_response *out = NULL;
    rc = awsc_iot_jobs_data_get_pending_job_executions(c, &in, &out, err);
    if (rc == AWSC_OK)
        cr_assert_eq(out->queued_jobs.count, 1);
    awsc_output_free(out);
    awsc_iot_jobs_data_client_free(c);
    return rc;
}

static const char *answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 32\r\n"
                            "Connection: close\r\n\r\n{\"queuedJobs\":[{\"jobId\":\"j-1\"}]}";

Test(mtls, the_certificate_authenticates_and_nothing_is_signed)
{
    awsc_test_tls *t = awsc_test_tls_start(dir, 0, answer);
    cr_assert_not_null(t);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = call("client.pem", "client.key", t, &err);
    char *request = awsc_test_tls_finish(t);
    cr_assert_eq(rc, AWSC_OK, "%s", err.message);
    cr_assert_not_null(request);
    cr_assert_not_null(strstr(request, "GET /things/sensor-01/jobs HTTP/1.1"), "%s", request);
    cr_assert_null(strstr(request, "Authorization"), "no SigV4 with mutual TLS");
    free(request);
    awsc_error_clear(&err);
}

Test(mtls, a_certificate_from_another_ca_is_refused)
{
    awsc_test_tls *t = awsc_test_tls_start(dir, 0, answer);
    cr_assert_not_null(t);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = call("rogue.pem", "rogue.key", t, &err);
    free(awsc_test_tls_finish(t));
    cr_assert_eq(rc, AWSC_E_TRANSPORT, "%s", err.message ? err.message : "");
    awsc_error_clear(&err);
}

Test(mtls, use_mtls_needs_a_certificate_and_key)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.use_mtls = true;
    awsc_iot_jobs_data_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_iot_jobs_data_client_new(&cfg, &c, &err), AWSC_E_CONFIG);
    cr_assert_not_null(strstr(err.message, "tls_cert_file"));
    awsc_error_clear(&err);
}
