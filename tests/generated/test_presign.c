/*
 * Presigned URLs through the generated wrappers (awsc_s3_get_object_presign, ...): the lifetime
 * is checked with a clear error, the input is validated as a call's would be, the URL is the one
 * botocore signs for the same request at the same time, and SigV4a endpoints need the plug-in.
 */
#include <awsc/s3.h>
#include <awsc/sigv4a.h>
#include <awsc/sts.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T_20260304_050607 INT64_C(1772600767)

static int64_t fixed_now(void *ctx)
{
    (void)ctx;
    return T_20260304_050607;
}

static awsc_s3_client *s3_client(const char *token, const awsc_sigv4a_api *sigv4a, bool path_style)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-west-2";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = SECRET;
    cfg.session_token = token;
    cfg.s3_force_path_style = path_style;
    cfg.now = fixed_now;
    cfg.sigv4a = sigv4a;
    awsc_s3_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_s3_client_new(&cfg, &c, &err), AWSC_OK, "%s", err.message ? err.message : "");
    return c;
}

Test(presign, lifetime_is_one_second_to_seven_days)
{
    awsc_s3_client *c = s3_client(NULL, NULL, true);
    awsc_s3_get_object_request in = {.bucket = "b", .key = "k"};
    const int64_t bad[] = {0, -1, 604801, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        awsc_error err = AWSC_ERROR_INIT;
        char *url = (char *)"untouched";
        cr_assert_eq(awsc_s3_get_object_presign(c, &in, bad[i], &url, &err), AWSC_E_VALIDATION);
        cr_assert_null(url, "no URL on failure");
        cr_assert_not_null(strstr(err.message, "1 to 604800 seconds"), "%s", err.message);
        awsc_error_clear(&err);
    }
    const int64_t good[] = {1, 3600, 604800};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        awsc_error err = AWSC_ERROR_INIT;
        char *url = NULL, want[40];
        cr_assert_eq(awsc_s3_get_object_presign(c, &in, good[i], &url, &err), AWSC_OK);
        snprintf(want, sizeof want, "&X-Amz-Expires=%lld&", (long long)good[i]);
        cr_assert_not_null(strstr(url, want), "%s", url);
        free(url);
    }
    awsc_s3_client_free(c);
}

Test(presign, input_is_validated_as_for_a_call)
{
    awsc_s3_client *c = s3_client(NULL, NULL, true);
    awsc_s3_get_object_request in = {.bucket = "b"}; /* Key is required */
    awsc_error err = AWSC_ERROR_INIT;
    char *url = NULL;
    cr_assert_eq(awsc_s3_get_object_presign(c, &in, 60, &url, &err), AWSC_E_VALIDATION);
    cr_assert_null(url);
    cr_assert_not_null(strstr(err.message, "Key"), "%s", err.message);
    awsc_error_clear(&err);
    /* A dot segment would be resolved away by whoever follows the URL: refused, as for a call. */
    in.key = "dir/./k";
    cr_assert_eq(awsc_s3_get_object_presign(c, &in, 60, &url, &err), AWSC_E_VALIDATION);
    cr_assert_null(url);
    awsc_error_clear(&err);
    cr_assert_eq(awsc_s3_get_object_presign(c, &in, 60, NULL, &err), AWSC_E_CONFIG, "url must not be NULL");
    awsc_error_clear(&err);
    awsc_s3_client_free(c);
}

/* The same request, clock and credentials as botocore's generate_presigned_url (path-style, us-west-2). */
Test(presign, url_is_botocores)
{
    awsc_s3_client *c = s3_client("tok+/=", NULL, true);
    awsc_s3_get_object_request in = {.bucket = "my-bucket", .key = "a b+c/\xc3\xbc//.~/~x"};
    awsc_error err = AWSC_ERROR_INIT;
    char *url = NULL;
    cr_assert_eq(awsc_s3_get_object_presign(c, &in, 3600, &url, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(url, "https://s3.us-west-2.amazonaws.com/my-bucket/a%20b%2Bc/%C3%BC//.~/~x"
                          "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                          "&X-Amz-Credential=AKIDEXAMPLE%2F20260304%2Fus-west-2%2Fs3%2Faws4_request"
                          "&X-Amz-Date=20260304T050607Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
                          "&X-Amz-Security-Token=tok%2B%2F%3D"
                          "&X-Amz-Signature=3e16aaed0423e73be3d23800471f7de840c624e3516834d3d88c8bc20add20cf");
    free(url);
    awsc_s3_client_free(c);
}

/* An awsQuery operation's form body moves into the query, the body's type out of the signed headers. */
Test(presign, sts_form_body_goes_into_the_query)
{
    awsc_config cfg = AWSC_CONFIG_INIT;
    cfg.region = "us-west-2";
    cfg.access_key_id = "AKIDEXAMPLE";
    cfg.secret_access_key = SECRET;
    cfg.now = fixed_now;
    awsc_sts_client *c = NULL;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_sts_client_new(&cfg, &c, &err), AWSC_OK);
    char *url = NULL;
    cr_assert_eq(awsc_sts_get_caller_identity_presign(c, &(awsc_sts_get_caller_identity_request){0}, 60, &url, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_str_eq(url, "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
                          "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                          "&X-Amz-Credential=AKIDEXAMPLE%2F20260304%2Fus-west-2%2Fsts%2Faws4_request"
                          "&X-Amz-Date=20260304T050607Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
                          "&X-Amz-Signature=1b9e7138604cff8275fe51a5ce28c81f5b3c7cb5aca48748c73e339ff94b197f");
    free(url);
    awsc_sts_client_free(c);
}

/* A Multi-Region Access Point signs with SigV4a: without the plug-in a clear error, with it an ECDSA URL. */
Test(presign, sigv4a_needs_the_plug_in)
{
    awsc_s3_get_object_request in = {.bucket = "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap", .key = "k"};
    awsc_s3_client *c = s3_client("tok", NULL, false);
    awsc_error err = AWSC_ERROR_INIT;
    char *url = NULL;
    cr_assert_eq(awsc_s3_get_object_presign(c, &in, 60, &url, &err), AWSC_E_CONFIG);
    cr_assert_null(url);
    cr_assert_not_null(strstr(err.message, "awsc_sigv4a_signer"), "%s", err.message);
    awsc_error_clear(&err);
    awsc_s3_client_free(c);

    c = s3_client("tok", awsc_sigv4a_signer(), false);
    cr_assert_eq(awsc_s3_get_object_presign(c, &in, 60, &url, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(strncmp(url, "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/k?", 65), 0, "%s", url);
    cr_assert_not_null(strstr(url, "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&"), "%s", url);
    cr_assert_not_null(strstr(url, "&X-Amz-Credential=AKIDEXAMPLE%2F20260304%2Fs3%2Faws4_request&"), "%s", url);
    cr_assert_not_null(strstr(url, "&X-Amz-Region-Set=%2A"), "%s", url);
    cr_assert_not_null(strstr(url, "&X-Amz-Security-Token=tok&"), "%s", url);
    cr_assert_not_null(strstr(url, "&X-Amz-Signature=30"), "a DER signature: %s", url);
    free(url);
    awsc_s3_client_free(c);
}
