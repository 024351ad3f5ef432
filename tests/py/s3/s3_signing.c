/*
 * Sends S3 GetObject and PutObject through the client generated from the
 * official S3 model to the loopback recorder at argv[1] (test_s3_signing.py
 * checks what arrived). Credentials come from the environment.
 */
#include <awsc/s3.h>
#include <awsc/sigv4a.h>

#include <stdio.h>
#include <string.h>

/* One GetObject whose bucket is `bucket`; prints the status and message. */
static void get_one(const awsc_config *cfg, const char *label, const char *bucket)
{
    awsc_s3_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_s3_client_new(cfg, &c, &err);
    if (rc == AWSC_OK) {
        awsc_s3_get_object_request get = {0};
        get.bucket = bucket;
        get.key = "a b";
        awsc_s3_get_object_output *got = NULL;
        rc = awsc_s3_get_object(c, &get, &got, &err);
        awsc_s3_get_object_output_free(got);
    }
    printf("%s: %s %s\n", label, awsc_status_str(rc), err.message ? err.message : "");
    awsc_error_clear(&err);
    awsc_s3_client_free(c);
}

/*
 * argv[2] "auth": the endpoint rules choose the signer. An Outposts access point
 * ARN behind a *.localhost endpoint (curl resolves it to loopback; the rules
 * make it https, so the recorder's certificate is argv[3]) offers sigv4a
 * then sigv4: sigv4 without libawsc-sigv4a plugged in, sigv4a with it. A
 * Multi-Region Access Point (sigv4a only) without it, and an S3 Express bucket
 * (sigv4-s3express), fail before anything is sent.
 */
static int auth_cases(const char *endpoint, const char *ca_file)
{
    static const char outpost[] = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports";
    uint8_t x[32], y[32];
    if (awsc_sigv4a_public_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", x, y) != 0)
        return 1;
    printf("public-key: ");
    for (int i = 0; i < 32; i++)
        printf("%02x", x[i]);
    for (int i = 0; i < 32; i++)
        printf("%02x", y[i]);
    printf("\n");
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-west-2";
    cfg.endpoint_url = endpoint;
    cfg.ca_file = ca_file;
    cfg.max_attempts = 1;
    cfg.s3_use_arn_region = true;
    get_one(&cfg, "outposts-sigv4", outpost);
    cfg.sigv4a = awsc_sigv4a_signer();
    get_one(&cfg, "outposts-sigv4a", outpost);
    cfg.sigv4a = NULL;
    cfg.endpoint_url = NULL;
    get_one(&cfg, "mrap-without-sigv4a", "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap");
    get_one(&cfg, "express", "mybucket--usw2-az1--x-s3");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[2], "auth") == 0)
        return auth_cases(argv[1], argv[3]);
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

    /* Repeated slashes are part of an S3 key: sent and signed as they are. */
    awsc_s3_delete_object_request del = {0};
    del.bucket = "examplebucket";
    del.key = "logs//2026//a.log";
    awsc_s3_delete_object_output *dout = NULL;
    rc = awsc_s3_delete_object(c, &del, &dout, &err);
    printf("DeleteObject: %s %s\n", awsc_status_str(rc), err.message ? err.message : "");
    awsc_s3_delete_object_output_free(dout);
    awsc_error_clear(&err);
    awsc_s3_client_free(c);
    return 0;
}
