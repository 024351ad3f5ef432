/*
 * Sends S3 GetObject and PutObject through the client generated from the
 * official S3 model to the loopback recorder at argv[1] (test_s3_signing.py
 * checks what arrived). Credentials come from the environment.
 */
#include <awsc/s3.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-east-1";
    cfg.endpoint_url = argv[1];
    cfg.max_attempts = 1;
    awsc_s3_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_s3_client_new(&cfg, &c, &err) != AWSC_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    awsc_s3_get_object_request get = {0};
    get.bucket = "examplebucket";
    get.key = "Q1 summary (final).csv";
    awsc_s3_get_object_output *got = NULL;
    int rc = awsc_s3_get_object(c, &get, &got, &err);
    printf("GetObject: %s %s\n", awsc_status_str(rc), err.message ? err.message : "");
    awsc_s3_get_object_output_free(got);
    awsc_error_clear(&err);

    static const char body[] = "quarter,total\nQ1,42\n";
    awsc_s3_put_object_request put = {0};
    put.bucket = "examplebucket";
    put.key = "reports/2026/Q1 summary (final).csv";
    put.body.data = (const uint8_t *)body;
    put.body.len = sizeof body - 1;
    awsc_s3_put_object_output *out = NULL;
    rc = awsc_s3_put_object(c, &put, &out, &err);
    printf("PutObject: %s %s\n", awsc_status_str(rc), err.message ? err.message : "");
    awsc_s3_put_object_output_free(out);
    awsc_error_clear(&err);
    awsc_s3_client_free(c);
    return 0;
}
