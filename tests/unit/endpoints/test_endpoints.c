/* Endpoint rules: the library functions, the partition data and the evaluator on hand-built tables. */
#include "awsc/endpoints.h"

#include "util/arena.h"
#include "endpoints/endpoints_lib.h"
#include "endpoints/partitions.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- isValidHostLabel ------------------------------------------------------ */

Test(host_label, labels)
{
    cr_expect(awsc_ep_is_valid_host_label("abc", false));
    cr_expect(awsc_ep_is_valid_host_label("a-1", false));
    cr_expect(awsc_ep_is_valid_host_label("0abc", false));
    cr_expect(!awsc_ep_is_valid_host_label("", false));
    cr_expect(!awsc_ep_is_valid_host_label("-abc", false));
    cr_expect(!awsc_ep_is_valid_host_label("a_b", false));
    cr_expect(!awsc_ep_is_valid_host_label("a.b", false));
    char long_label[65];
    memset(long_label, 'a', 64);
    long_label[64] = '\0';
    cr_expect(!awsc_ep_is_valid_host_label(long_label, false));
    long_label[63] = '\0';
    cr_expect(awsc_ep_is_valid_host_label(long_label, false));
}

Test(host_label, subdomains)
{
    cr_expect(awsc_ep_is_valid_host_label("a.b-c.d", true));
    cr_expect(!awsc_ep_is_valid_host_label("a..b", true));
    cr_expect(!awsc_ep_is_valid_host_label("a.", true));
    cr_expect(!awsc_ep_is_valid_host_label(".a", true));
    cr_expect(!awsc_ep_is_valid_host_label("a.-b", true));
}

/* ---- substring / uriEncode --------------------------------------------------- */

Test(substring, forward_reverse_and_unset)
{
    awsc_arena *a = awsc_arena_create();
    const char *out = NULL;
    cr_assert_eq(awsc_ep_substring(a, "abcdefg", 0, 4, false, &out), 0);
    cr_expect_str_eq(out, "abcd");
    cr_assert_eq(awsc_ep_substring(a, "abcdefg", 0, 4, true, &out), 0);
    cr_expect_str_eq(out, "defg");
    cr_assert_eq(awsc_ep_substring(a, "abcdefg", 2, 7, false, &out), 0);
    cr_expect_str_eq(out, "cdefg");
    cr_expect_eq(awsc_ep_substring(a, "abc", 0, 4, false, &out), 1); /* stop beyond the end */
    cr_expect_eq(awsc_ep_substring(a, "abc", 2, 2, false, &out), 1); /* start >= stop */
    cr_expect_eq(awsc_ep_substring(a, "ab\xc3\xa9", 0, 1, false, &out), 1); /* non-ASCII */
    cr_expect_eq(awsc_ep_substring(a, "abc", -1, 2, false, &out), 1);
    awsc_arena_destroy(a);
}

Test(uri_encode, reserved_and_utf8)
{
    awsc_arena *a = awsc_arena_create();
    cr_expect_str_eq(awsc_ep_uri_encode(a, "a b/c?d=e&f~g_h.i-j"), "a%20b%2Fc%3Fd%3De%26f~g_h.i-j");
    cr_expect_str_eq(awsc_ep_uri_encode(a, "\xc3\xa9!*'()"), "%C3%A9%21%2A%27%28%29");
    cr_expect_str_eq(awsc_ep_uri_encode(a, ""), "");
    awsc_arena_destroy(a);
}

/* ---- parseURL ----------------------------------------------------------------- */

Test(parse_url, parts)
{
    awsc_arena *a = awsc_arena_create();
    awsc_ep_url u;
    cr_assert_eq(awsc_ep_parse_url(a, "https://example.com", &u), 0);
    cr_expect_str_eq(u.scheme, "https");
    cr_expect_str_eq(u.authority, "example.com");
    cr_expect_str_eq(u.path, "");
    cr_expect_str_eq(u.normalized_path, "/");
    cr_expect(!u.is_ip);

    cr_assert_eq(awsc_ep_parse_url(a, "http://127.0.0.1:8080/foo/bar", &u), 0);
    cr_expect_str_eq(u.scheme, "http");
    cr_expect_str_eq(u.authority, "127.0.0.1:8080");
    cr_expect_str_eq(u.path, "/foo/bar");
    cr_expect_str_eq(u.normalized_path, "/foo/bar/");
    cr_expect(u.is_ip);

    cr_assert_eq(awsc_ep_parse_url(a, "https://[fe80::1]:443/a/", &u), 0);
    cr_expect_str_eq(u.authority, "[fe80::1]:443");
    cr_expect_str_eq(u.normalized_path, "/a/");
    cr_expect(u.is_ip);

    cr_assert_eq(awsc_ep_parse_url(a, "https://999.1.1.1", &u), 0);
    cr_expect(!u.is_ip);
    awsc_arena_destroy(a);
}

Test(parse_url, rejects)
{
    awsc_arena *a = awsc_arena_create();
    awsc_ep_url u;
    const char *bad[] = {"example.com", "ftp://example.com", "https://", "https:///path", "https://h/p?x=1",
                         "https://h#frag", "https://us er@h", "https://h/a b", "HTTPS//x", "", "https://[::1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(awsc_ep_parse_url(a, bad[i], &u), 1, "%s", bad[i]);
    awsc_arena_destroy(a);
}

/* ---- aws.parseArn, aws.isVirtualHostableS3Bucket -------------------------------- */

Test(parse_arn, fields_and_resource_split)
{
    awsc_arena *a = awsc_arena_create();
    awsc_ep_arn arn;
    cr_assert_eq(awsc_ep_parse_arn(a, "arn:aws:dynamodb:us-east-1:123456789012:table/name:x", &arn), 0);
    cr_expect_str_eq(arn.partition, "aws");
    cr_expect_str_eq(arn.service, "dynamodb");
    cr_expect_str_eq(arn.region, "us-east-1");
    cr_expect_str_eq(arn.account_id, "123456789012");
    cr_assert_eq(arn.resource_count, 3);
    cr_expect_str_eq(arn.resource_id[0], "table");
    cr_expect_str_eq(arn.resource_id[1], "name");
    cr_expect_str_eq(arn.resource_id[2], "x");

    cr_assert_eq(awsc_ep_parse_arn(a, "arn:aws:s3:::bucket/", &arn), 0); /* empty region, account, last part */
    cr_expect_str_eq(arn.region, "");
    cr_expect_str_eq(arn.account_id, "");
    cr_assert_eq(arn.resource_count, 2);
    cr_expect_str_eq(arn.resource_id[1], "");

    const char *bad[] = {"arn:aws:s3:::", "arn::s3:r:a:res", "arn:aws::r:a:res", "nar:aws:s3:r:a:res",
                         "arn:aws:s3:r:res", "", "arn"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(awsc_ep_parse_arn(a, bad[i], &arn), 1, "%s", bad[i]);
    awsc_arena_destroy(a);
}

Test(s3_bucket, virtual_hostable)
{
    cr_expect(awsc_ep_is_virtual_hostable_s3_bucket("my-bucket", false));
    cr_expect(!awsc_ep_is_virtual_hostable_s3_bucket("My-Bucket", false));
    cr_expect(!awsc_ep_is_virtual_hostable_s3_bucket("ab", false));
    cr_expect(!awsc_ep_is_virtual_hostable_s3_bucket("my.bucket", false));
    cr_expect(awsc_ep_is_virtual_hostable_s3_bucket("abc.bucket.xyz", true));
    cr_expect(!awsc_ep_is_virtual_hostable_s3_bucket("my..bucket", true));
    cr_expect(!awsc_ep_is_virtual_hostable_s3_bucket("192.168.1.1", false));
    cr_expect(!awsc_ep_is_virtual_hostable_s3_bucket("a.bucket", true)); /* every label needs 3 characters */
}

Test(ip_address, v4_and_v6)
{
    cr_expect(awsc_ep_is_ip_address("192.168.0.1"));
    cr_expect(awsc_ep_is_ip_address("0.0.0.0"));
    cr_expect(awsc_ep_is_ip_address("[::1]"));
    cr_expect(!awsc_ep_is_ip_address("256.1.1.1"));
    cr_expect(!awsc_ep_is_ip_address("01.1.1.1"));
    cr_expect(!awsc_ep_is_ip_address("1.1.1"));
    cr_expect(!awsc_ep_is_ip_address("1.1.1.1.1"));
    cr_expect(!awsc_ep_is_ip_address("a.b.c.d"));
    cr_expect(!awsc_ep_is_ip_address(""));
}

/* ---- partitions ------------------------------------------------------------------ */

Test(partitions, every_partition_present)
{
    const char *names[] = {"aws", "aws-cn", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-us-gov"};
    size_t n;
    const awsc_partition *all = awsc_partitions(&n);
    cr_assert_eq(n, sizeof names / sizeof names[0]);
    for (size_t i = 0; i < n; i++) {
        cr_expect_str_eq(all[i].name, names[i]);
        cr_expect(all[i].dns_suffix && all[i].dual_stack_dns_suffix && all[i].implicit_global_region);
        /* each partition's own implicit global region maps back to it, by list and by regex */
        cr_expect_eq(awsc_partition_for_region(all[i].implicit_global_region), &all[i], "%s", all[i].name);
        cr_expect(awsc_partition_regex_match(&all[i], all[i].implicit_global_region), "%s", all[i].name);
    }
}

Test(partitions, lookup_by_list_regex_and_default)
{
    struct { const char *region, *partition, *dns; } cases[] = {
        {"us-east-1", "aws", "amazonaws.com"},         {"aws-global", "aws", "amazonaws.com"},
        {"us-east-99", "aws", "amazonaws.com"},        {"cn-north-1", "aws-cn", "amazonaws.com.cn"},
        {"cn-south-7", "aws-cn", "amazonaws.com.cn"},  {"us-gov-west-1", "aws-us-gov", "amazonaws.com"},
        {"us-gov-north-9", "aws-us-gov", "amazonaws.com"}, {"us-iso-east-1", "aws-iso", "c2s.ic.gov"},
        {"us-isob-west-3", "aws-iso-b", "sc2s.sgov.gov"}, {"eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"},
        {"aws-iso-f-global", "aws-iso-f", "csp.hci.ic.gov"}, {"eusc-de-east-1", "aws-eusc", "amazonaws.eu"},
        {"eusc-de-north-4", "aws-eusc", "amazonaws.eu"}, {"mars-north-1", "aws", "amazonaws.com"},
        {"", "aws", "amazonaws.com"},                   {"local", "aws", "amazonaws.com"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const awsc_partition *p = awsc_partition_for_region(cases[i].region);
        cr_expect_str_eq(p->name, cases[i].partition, "%s", cases[i].region);
        cr_expect_str_eq(p->dns_suffix, cases[i].dns, "%s", cases[i].region);
    }
}

Test(partitions, regex_edges)
{
    size_t n;
    const awsc_partition *aws = awsc_partitions(&n);
    cr_expect(awsc_partition_regex_match(aws, "us-east_x-12"));
    cr_expect(!awsc_partition_regex_match(aws, "us-east-1a"));
    cr_expect(!awsc_partition_regex_match(aws, "us--1"));
    cr_expect(!awsc_partition_regex_match(aws, "us-east-"));
    cr_expect(!awsc_partition_regex_match(aws, "us-gov-west-1")); /* \w does not take '-' */
    cr_expect(!awsc_partition_regex_match(aws, "xus-east-1"));
}

/* ---- the evaluator on hand-built tables ----------------------------------------- */

/*
 * Params: Region (slot 0), UseFIPS (1, default false), Endpoint (2), Arns (3, string array).
 * Variables: Part (4), Arn (5).
 * Rules:
 *   0: isSet(Endpoint)                       -> endpoint "{Endpoint}" with a header
 *   1: isSet(Region), Part = aws.partition(Region)
 *      tree:
 *        2: booleanEquals(UseFIPS, true), booleanEquals(Part#supportsFIPS, false) -> error "no FIPS in {Part#name}"
 *        3: isSet(Arns), Arn = aws.parseArn(Arns[0]) -> endpoint "https://{Arn#accountId}.x.{Region}.{Part#dnsSuffix}"
 *        4: (none)                            -> endpoint "https://svc.{Region}.{Part#dnsSuffix}" + authSchemes
 *   5: (none)                                -> error "Missing Region"
 */
static const awsc_ep_param t_params[] = {
    {"Region", "AWS::Region", AWSC_EP_STRING, false, false, false, NULL},
    {"UseFIPS", "AWS::UseFIPS", AWSC_EP_BOOLEAN, true, true, false, NULL},
    {"Endpoint", "SDK::Endpoint", AWSC_EP_STRING, false, false, false, NULL},
    {"Arns", NULL, AWSC_EP_STRING_ARRAY, false, false, false, NULL},
};

enum { R_REGION, R_FIPS, R_ENDPOINT, R_ARNS, R_PART, R_ARN, SLOTS };

static const awsc_ep_expr t_exprs[] = {
    /* 0 */ {AWSC_EP_X_FN, AWSC_EP_FN_IS_SET, 1, 1, NULL},
    /* 1 */ {AWSC_EP_X_REF, 0, 0, R_ENDPOINT, NULL},
    /* 2 */ {AWSC_EP_X_REF, 0, 0, R_ENDPOINT, NULL},
    /* 3 */ {AWSC_EP_X_FN, AWSC_EP_FN_IS_SET, 1, 4, NULL},
    /* 4 */ {AWSC_EP_X_REF, 0, 0, R_REGION, NULL},
    /* 5 */ {AWSC_EP_X_FN, AWSC_EP_FN_PARTITION, 1, 6, NULL},
    /* 6 */ {AWSC_EP_X_REF, 0, 0, R_REGION, NULL},
    /* 7 */ {AWSC_EP_X_FN, AWSC_EP_FN_BOOLEAN_EQUALS, 2, 8, NULL},
    /* 8 */ {AWSC_EP_X_REF, 0, 0, R_FIPS, NULL},
    /* 9 */ {AWSC_EP_X_BOOL, 0, 0, 1, NULL},
    /* 10 */ {AWSC_EP_X_FN, AWSC_EP_FN_BOOLEAN_EQUALS, 2, 11, NULL},
    /* 11 */ {AWSC_EP_X_FN, AWSC_EP_FN_GET_ATTR, 1, 13, "supportsFIPS"},
    /* 12 */ {AWSC_EP_X_BOOL, 0, 0, 0, NULL},
    /* 13 */ {AWSC_EP_X_REF, 0, 0, R_PART, NULL},
    /* 14 */ {AWSC_EP_X_TEMPLATE, 0, 2, 15, NULL},
    /* 15 */ {AWSC_EP_X_STRING, 0, 0, 0, "no FIPS in "},
    /* 16 */ {AWSC_EP_X_FN, AWSC_EP_FN_GET_ATTR, 1, 13, "name"},
    /* 17 */ {AWSC_EP_X_FN, AWSC_EP_FN_IS_SET, 1, 18, NULL},
    /* 18 */ {AWSC_EP_X_REF, 0, 0, R_ARNS, NULL},
    /* 19 */ {AWSC_EP_X_FN, AWSC_EP_FN_PARSE_ARN, 1, 20, NULL},
    /* 20 */ {AWSC_EP_X_FN, AWSC_EP_FN_GET_ATTR, 1, 18, "[0]"},
    /* 21 */ {AWSC_EP_X_TEMPLATE, 0, 6, 22, NULL},
    /* 22 */ {AWSC_EP_X_STRING, 0, 0, 0, "https://"},
    /* 23 */ {AWSC_EP_X_FN, AWSC_EP_FN_GET_ATTR, 1, 28, "accountId"},
    /* 24 */ {AWSC_EP_X_STRING, 0, 0, 0, ".x."},
    /* 25 */ {AWSC_EP_X_REF, 0, 0, R_REGION, NULL},
    /* 26 */ {AWSC_EP_X_STRING, 0, 0, 0, "."},
    /* 27 */ {AWSC_EP_X_FN, AWSC_EP_FN_GET_ATTR, 1, 13, "dnsSuffix"},
    /* 28 */ {AWSC_EP_X_REF, 0, 0, R_ARN, NULL},
    /* 29 */ {AWSC_EP_X_TEMPLATE, 0, 4, 30, NULL},
    /* 30 */ {AWSC_EP_X_STRING, 0, 0, 0, "https://svc."},
    /* 31 */ {AWSC_EP_X_REF, 0, 0, R_REGION, NULL},
    /* 32 */ {AWSC_EP_X_STRING, 0, 0, 0, "."},
    /* 33 */ {AWSC_EP_X_FN, AWSC_EP_FN_GET_ATTR, 1, 13, "dnsSuffix"},
    /* 34 */ {AWSC_EP_X_STRING, 0, 0, 0, "Missing Region"},
    /* 35 */ {AWSC_EP_X_STRING, 0, 0, 0, "sigv4"},
    /* 36 */ {AWSC_EP_X_STRING, 0, 0, 0, "svc\"q"},
    /* 37 */ {AWSC_EP_X_STRING, 0, 0, 0, "v1"},
    /* 38 */ {AWSC_EP_X_STRING, 0, 0, 0, "v2"},
};

static const awsc_ep_condition t_conds[] = {
    /* 0 */ {0, AWSC_EP_NONE},
    /* 1 */ {3, AWSC_EP_NONE},
    /* 2 */ {5, R_PART},
    /* 3 */ {7, AWSC_EP_NONE},
    /* 4 */ {10, AWSC_EP_NONE},
    /* 5 */ {17, AWSC_EP_NONE},
    /* 6 */ {19, R_ARN},
};

static const awsc_ep_prop t_props[] = {
    /* 0 */ {AWSC_EP_P_OBJECT, NULL, 1, 3},
    /* 1 */ {AWSC_EP_P_ARRAY, "authSchemes", 4, 1},
    /* 2 */ {AWSC_EP_P_BOOL, "flag", 1, 0},
    /* 3 */ {AWSC_EP_P_INT, "n", (uint32_t)-5, 0},
    /* 4 */ {AWSC_EP_P_OBJECT, NULL, 5, 3},
    /* 5 */ {AWSC_EP_P_STRING, "name", 35, 0},
    /* 6 */ {AWSC_EP_P_STRING, "signingName", 36, 0},
    /* 7 */ {AWSC_EP_P_STRING, "signingRegion", 31, 0},
};

static const awsc_ep_header t_headers[] = {{"x-test", 37, 2}};

static const awsc_ep_rule t_rules[] = {
    /* 0 */ {AWSC_EP_RULE_ENDPOINT, 0, 1, 0, 1, 2, AWSC_EP_NONE},
    /* 1 */ {AWSC_EP_RULE_TREE, 1, 2, 3, 3, AWSC_EP_NONE, AWSC_EP_NONE},
    /* 2 */ {AWSC_EP_RULE_ERROR, 0, 0, 0, 0, 34, AWSC_EP_NONE},
    /* 3 */ {AWSC_EP_RULE_ERROR, 3, 2, 0, 0, 14, AWSC_EP_NONE},
    /* 4 */ {AWSC_EP_RULE_ENDPOINT, 5, 2, 0, 0, 21, AWSC_EP_NONE},
    /* 5 */ {AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 29, 0},
};

static const awsc_endpoint_rules t_rules_set = {
    t_params, 4, SLOTS, t_exprs, sizeof t_exprs / sizeof t_exprs[0], t_conds, sizeof t_conds / sizeof t_conds[0],
    t_rules, sizeof t_rules / sizeof t_rules[0], 3, t_props, sizeof t_props / sizeof t_props[0], t_headers, 1,
    &awsc_ep_more_functions,
};

static int resolve(const awsc_endpoint_param *p, size_t n, awsc_endpoint *ep, awsc_error *err)
{
    return awsc_endpoint_resolve(&t_rules_set, p, n, ep, err);
}

Test(resolve, custom_endpoint_with_headers)
{
    awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("SDK::Endpoint", "https://example.com")};
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(resolve(p, 1, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "https://example.com");
    cr_expect_null(ep.properties);
    cr_assert_eq(ep.header_count, 2);
    cr_expect_str_eq(ep.headers[0].name, "x-test");
    cr_expect_str_eq(ep.headers[0].value, "v1");
    cr_expect_str_eq(ep.headers[1].value, "v2");
    awsc_endpoint_free(&ep);
    cr_expect_null(ep.url);
}

Test(resolve, regional_with_properties)
{
    awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("Region", "cn-north-1"), AWSC_EP_PARAM_BOOL("Unknown", true)};
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(resolve(p, 2, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "https://svc.cn-north-1.amazonaws.com.cn");
    cr_expect_str_eq(ep.auth_scheme, "sigv4");
    cr_expect_str_eq(ep.signing_name, "svc\"q");
    cr_expect_str_eq(ep.signing_region, "cn-north-1");
    cJSON *props = cJSON_Parse(ep.properties);
    cr_assert_not_null(props, "%s", ep.properties);
    cJSON *want = cJSON_Parse("{\"authSchemes\":[{\"name\":\"sigv4\",\"signingName\":\"svc\\\"q\","
                              "\"signingRegion\":\"cn-north-1\"}],\"flag\":true,\"n\":-5}");
    cr_expect(cJSON_Compare(props, want, 1), "%s", ep.properties);
    cJSON_Delete(props);
    cJSON_Delete(want);
    cr_expect_eq(ep.header_count, 0);
    awsc_endpoint_free(&ep);
}

Test(resolve, error_rules_and_terminal_tree)
{
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_expect_eq(resolve(NULL, 0, &ep, &err), AWSC_E_CONFIG);
    cr_expect_str_eq(err.message, "Missing Region");
    cr_expect_null(ep.url);

    /* supportsFIPS is true everywhere: the FIPS error rule does not match, the tree falls to rule 5 */
    awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("AWS::Region", "us-gov-west-1"), AWSC_EP_PARAM_BOOL("UseFIPS", true)};
    cr_assert_eq(resolve(p, 2, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "https://svc.us-gov-west-1.amazonaws.com");
    cr_expect_eq(err.status, AWSC_OK);
    awsc_endpoint_free(&ep);
    awsc_error_clear(&err);
}

Test(resolve, string_array_and_arn)
{
    const char *arns[] = {"arn:aws:dynamodb:us-east-1:222222222222:table/t"};
    awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("Region", "eu-west-1"),
                               {"Arns", AWSC_EP_STRING_ARRAY, false, NULL, arns, 1}};
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(resolve(p, 2, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "https://222222222222.x.eu-west-1.amazonaws.com");
    awsc_endpoint_free(&ep);

    /* not an ARN: the condition fails and the next rule applies */
    const char *junk[] = {"arn:::"};
    p[1].strings = junk;
    cr_assert_eq(resolve(p, 2, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "https://svc.eu-west-1.amazonaws.com");
    awsc_endpoint_free(&ep);

    /* an empty list: [0] is unset, so parseArn gets no string */
    p[1].count = 0;
    p[1].strings = NULL;
    cr_assert_eq(resolve(p, 2, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "https://svc.eu-west-1.amazonaws.com");
    awsc_endpoint_free(&ep);
}

Test(resolve, bad_inputs)
{
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    awsc_endpoint_param wrong_type[] = {AWSC_EP_PARAM_BOOL("AWS::Region", true)};
    cr_expect_eq(resolve(wrong_type, 1, &ep, &err), AWSC_E_CONFIG);
    cr_expect(strstr(err.message, "Region") != NULL, "%s", err.message);
    cr_expect_eq(awsc_endpoint_resolve(NULL, NULL, 0, &ep, &err), AWSC_E_CONFIG);
    cr_expect_eq(awsc_endpoint_resolve(&t_rules_set, NULL, 0, NULL, &err), AWSC_E_VALIDATION);
    const char *with_null[] = {"a", NULL};
    awsc_endpoint_param arr[] = {{"Arns", AWSC_EP_STRING_ARRAY, false, NULL, with_null, 2}};
    cr_expect_eq(resolve(arr, 1, &ep, &err), AWSC_E_CONFIG);
    awsc_error_clear(&err);
}

Test(resolve, required_parameter)
{
    static const awsc_ep_param params[] = {{"Bucket", NULL, AWSC_EP_STRING, true, false, false, NULL}};
    static const awsc_ep_expr exprs[] = {{AWSC_EP_X_STRING, 0, 0, 0, "https://x"}};
    static const awsc_ep_rule rules[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, AWSC_EP_NONE}};
    static const awsc_endpoint_rules rs = {params, 1, 1, exprs, 1, NULL, 0, rules, 1, 1, NULL, 0, NULL, 0, NULL};
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_expect_eq(awsc_endpoint_resolve(&rs, NULL, 0, &ep, &err), AWSC_E_CONFIG);
    cr_expect_str_eq(err.message, "endpoint parameter Bucket is required");
    awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("Bucket", "b")};
    cr_expect_eq(awsc_endpoint_resolve(&rs, p, 1, &ep, &err), AWSC_OK);
    cr_expect_str_eq(ep.url, "https://x");
    awsc_endpoint_free(&ep);
    awsc_error_clear(&err);
}

/* A tree whose conditions hold is final: when none of its rules match, later siblings are not tried. */
Test(resolve, tree_is_terminal)
{
    static const awsc_ep_expr exprs[] = {{AWSC_EP_X_BOOL, 0, 0, 0, NULL}, {AWSC_EP_X_STRING, 0, 0, 0, "https://x"}};
    static const awsc_ep_condition conds[] = {{0, AWSC_EP_NONE}};
    static const awsc_ep_rule rules[] = {
        {AWSC_EP_RULE_TREE, 0, 0, 2, 1, AWSC_EP_NONE, AWSC_EP_NONE},
        {AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 1, AWSC_EP_NONE},
        {AWSC_EP_RULE_ENDPOINT, 0, 1, 0, 0, 1, AWSC_EP_NONE}, /* condition false */
    };
    static const awsc_endpoint_rules rs = {NULL, 0, 0, exprs, 2, conds, 1, rules, 3, 2, NULL, 0, NULL, 0, NULL};
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_expect_eq(awsc_endpoint_resolve(&rs, NULL, 0, &ep, &err), AWSC_E_CONFIG);
    cr_expect(strstr(err.message, "no endpoint rule matched") != NULL, "%s", err.message);
    cr_expect_null(ep.url);
    awsc_error_clear(&err);
}

/* Corrupt tables: a self-referential expression and out-of-range indexes fail cleanly. */
Test(resolve, corrupt_tables_fail_cleanly)
{
    static const awsc_ep_expr loop[] = {{AWSC_EP_X_FN, AWSC_EP_FN_NOT, 1, 0, NULL}};
    static const awsc_ep_condition conds[] = {{0, AWSC_EP_NONE}};
    static const awsc_ep_rule rules[] = {{AWSC_EP_RULE_ENDPOINT, 0, 1, 0, 0, 0, AWSC_EP_NONE}};
    static const awsc_endpoint_rules rs = {NULL, 0, 0, loop, 1, conds, 1, rules, 1, 1, NULL, 0, NULL, 0, NULL};
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_expect_eq(awsc_endpoint_resolve(&rs, NULL, 0, &ep, &err), AWSC_E_INTERNAL);
    cr_expect(strstr(err.message, "deeply") != NULL, "%s", err.message);

    static const awsc_ep_rule self_tree[] = {{AWSC_EP_RULE_TREE, 0, 0, 0, 1, AWSC_EP_NONE, AWSC_EP_NONE}};
    static const awsc_endpoint_rules rs2 = {NULL, 0, 0, loop, 1, NULL, 0, self_tree, 1, 1, NULL, 0, NULL, 0, NULL};
    cr_expect_eq(awsc_endpoint_resolve(&rs2, NULL, 0, &ep, &err), AWSC_E_INTERNAL);

    static const awsc_ep_rule far[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 99, AWSC_EP_NONE}};
    static const awsc_endpoint_rules rs3 = {NULL, 0, 0, loop, 1, NULL, 0, far, 1, 1, NULL, 0, NULL, 0, NULL};
    cr_expect_eq(awsc_endpoint_resolve(&rs3, NULL, 0, &ep, &err), AWSC_E_INTERNAL);
    cr_expect_null(ep.url);
    awsc_error_clear(&err);
}

/* Arbitrary bytes through every function and the evaluator: no crash, results consistent. */
Test(fuzz, random_strings)
{
    srand(12345);
    static const char alphabet[] = "aZ09-._:/[]?#@%{}\"\\ \x01\x80\xff";
    char s[80];
    for (int i = 0; i < 20000; i++) {
        size_t n = (size_t)rand() % (sizeof s - 1);
        for (size_t k = 0; k < n; k++)
            s[k] = rand() % 4 ? alphabet[rand() % (int)(sizeof alphabet - 1)] : (char)(1 + rand() % 255);
        s[n] = '\0';
        awsc_arena *a = awsc_arena_create();
        awsc_ep_url u;
        awsc_ep_arn arn;
        const char *out;
        if (awsc_ep_parse_url(a, s, &u) == 0)
            cr_assert(strlen(u.normalized_path) >= 1 && u.normalized_path[0] == '/');
        if (awsc_ep_parse_arn(a, s, &arn) == 0)
            cr_assert(arn.resource_count >= 1);
        cr_assert_not_null(awsc_ep_uri_encode(a, s));
        if (awsc_ep_substring(a, s, 1, 3, rand() % 2, &out) == 0)
            cr_assert_eq(strlen(out), 2);
        (void)awsc_ep_is_valid_host_label(s, rand() % 2);
        (void)awsc_ep_is_virtual_hostable_s3_bucket(s, rand() % 2);
        cr_assert_not_null(awsc_partition_for_region(s));
        awsc_arena_destroy(a);

        awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("Region", s)};
        awsc_endpoint ep = AWSC_ENDPOINT_INIT;
        awsc_error err = AWSC_ERROR_INIT;
        int rc = resolve(p, 1, &ep, &err);
        cr_assert(rc == AWSC_OK ? ep.url != NULL : err.message != NULL);
        awsc_endpoint_free(&ep);
        awsc_error_clear(&err);
    }
}

/* ---- the evaluator, one expression at a time ------------------------------------------ */

/* Designated, so that a change of the row's field order cannot swap a and n unnoticed. */
#define XS(str) {.kind = AWSC_EP_X_STRING, .s = str}
#define XB(b) {.kind = AWSC_EP_X_BOOL, .a = b}
#define XI(i) {.kind = AWSC_EP_X_INT, .a = i}
#define XR(slot) {.kind = AWSC_EP_X_REF, .a = slot}
#define XF(f, first, count) {.kind = AWSC_EP_X_FN, .fn = AWSC_EP_FN_##f, .a = first, .n = count}
#define XA(first, path) {.kind = AWSC_EP_X_FN, .fn = AWSC_EP_FN_GET_ATTR, .a = first, .n = 1, .s = path}
#define XT(first, count) {.kind = AWSC_EP_X_TEMPLATE, .a = first, .n = count}

/*
 * Evaluates a two-rule set over `x`: exprs[0] is the condition (its value
 * bound to slot 1), exprs[1] the URL; slot 0 is the string parameter Region.
 * When the condition does not hold, an error rule says "unset". Returns the
 * URL, or "!<status>:<message>" (static storage).
 */
static const char *probe(const awsc_ep_expr *x, uint32_t n, const char *region)
{
    static char result[512];
    static const awsc_ep_param params[] = {{"Region", NULL, AWSC_EP_STRING, false, false, false, NULL}};
    static const awsc_ep_condition conds[] = {{0, 1}};
    awsc_ep_expr all[64];
    cr_assert(n < 64);
    memcpy(all, x, n * sizeof *x);
    all[n] = (awsc_ep_expr)XS("unset");
    const awsc_ep_rule rules[] = {{AWSC_EP_RULE_ENDPOINT, 0, 1, 0, 0, 1, AWSC_EP_NONE},
                                  {AWSC_EP_RULE_ERROR, 0, 0, 0, 0, n, AWSC_EP_NONE}};
    const awsc_endpoint_rules rs = {params, 1, 2, all, n + 1, conds, 1, rules, 2, 2, NULL, 0, NULL, 0,
                                    &awsc_ep_more_functions};
    awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("Region", region)};
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_endpoint_resolve(&rs, p, 1, &ep, &err);
    if (rc == AWSC_OK)
        snprintf(result, sizeof result, "%s", ep.url);
    else
        snprintf(result, sizeof result, "!%s:%s", rc == AWSC_E_CONFIG ? "config" : rc == AWSC_E_INTERNAL ? "internal" : "?",
                 err.message);
    awsc_endpoint_free(&ep);
    awsc_error_clear(&err);
    return result;
}

#define PROBE(want, region, ...)                                                                                      \
    do {                                                                                                              \
        static const awsc_ep_expr x_[] = {__VA_ARGS__};                                                               \
        cr_expect_str_eq(probe(x_, sizeof x_ / sizeof *x_, region), want, "line %d", __LINE__);                       \
    } while (0)

#define UNSET "!config:unset"
#define NOT_STRING "!internal:endpoint rules: a template did not give a string"

Test(evaluator, partition_attributes)
{
    PROBE("aws-cn|amazonaws.com.cn|api.amazonwebservices.com.cn|cn-northwest-1", "cn-north-1",
          XF(PARTITION, 2, 1), XT(3, 7), XR(0), XA(10, "name"), XS("|"), XA(10, "dnsSuffix"), XS("|"),
          XA(10, "dualStackDnsSuffix"), XS("|"), XA(10, "implicitGlobalRegion"), XR(1));
    /* The boolean attributes, through booleanEquals. */
    PROBE("yes", "us-east-1", XF(BOOLEAN_EQUALS, 2, 2), XS("yes"), XA(4, "supportsDualStack"), XB(1),
          XF(PARTITION, 5, 1), XR(0));
    PROBE("yes", "us-east-1", XF(BOOLEAN_EQUALS, 2, 2), XS("yes"), XA(4, "supportsFIPS"), XB(1), XF(PARTITION, 5, 1),
          XR(0));
    /* An attribute a partition does not have, and a partition of something that is not a string. */
    PROBE(UNSET, "us-east-1", XF(IS_SET, 2, 1), XS("set"), XA(3, "nope"), XF(PARTITION, 4, 1), XR(0));
    PROBE(UNSET, "us-east-1", XF(PARTITION, 2, 1), XS("x"), XB(1));
}

Test(evaluator, arn_attributes_and_paths)
{
#define ARN_ATTR(want, path)                                                                                          \
    PROBE(want, NULL, XF(PARSE_ARN, 2, 1), XA(3, path), XS("arn:aws-us-gov:iam:us-gov-west-1:123:role/a/b"), XR(1))
    ARN_ATTR("aws-us-gov", "partition");
    ARN_ATTR("iam", "service");
    ARN_ATTR("us-gov-west-1", "region");
    ARN_ATTR("123", "accountId");
    ARN_ATTR("role", "resourceId[0]");
    ARN_ATTR("b", "resourceId[2]");
    ARN_ATTR(NOT_STRING, "resourceId[3]");  /* past the end */
    ARN_ATTR(NOT_STRING, "resourceId[x]");  /* not an index */
    ARN_ATTR(NOT_STRING, "resourceId[]");
    ARN_ATTR(NOT_STRING, "resourceId[0");   /* unclosed */
    ARN_ATTR(NOT_STRING, "resourceId[0]x"); /* trailing junk */
    ARN_ATTR(NOT_STRING, "region.more");    /* a string has no attributes */
    ARN_ATTR(NOT_STRING, "[0]");            /* an ARN is not an array */
    ARN_ATTR(NOT_STRING, "resourceId");     /* the array itself is not a string */
    ARN_ATTR(NOT_STRING, "nope");
#undef ARN_ATTR
    /* parseArn of a non-string, and of a string that is no ARN. */
    PROBE(UNSET, NULL, XF(PARSE_ARN, 2, 1), XS("x"), XB(0));
    PROBE(UNSET, NULL, XF(PARSE_ARN, 2, 1), XS("x"), XS("arn:aws"));
}

Test(evaluator, url_attributes)
{
#define URL_ATTR(want, path) PROBE(want, NULL, XF(PARSE_URL, 2, 1), XA(3, path), XS("https://[::1]:8443/a/b"), XR(1))
    URL_ATTR("https", "scheme");
    URL_ATTR("[::1]:8443", "authority");
    URL_ATTR("/a/b", "path");
    URL_ATTR("/a/b/", "normalizedPath");
    URL_ATTR(NOT_STRING, "isIp");
    URL_ATTR(NOT_STRING, "host");
#undef URL_ATTR
    PROBE("ip", NULL, XF(BOOLEAN_EQUALS, 2, 2), XS("ip"), XA(4, "isIp"), XB(1), XF(PARSE_URL, 5, 1),
          XS("http://10.0.0.1/"));
    PROBE(UNSET, NULL, XF(BOOLEAN_EQUALS, 2, 2), XS("ip"), XA(4, "isIp"), XB(1), XF(PARSE_URL, 5, 1),
          XS("http://example.com"));
    PROBE(UNSET, NULL, XF(PARSE_URL, 2, 1), XS("x"), XS("ftp://example.com"));
    PROBE(UNSET, NULL, XF(PARSE_URL, 2, 1), XS("x"), XI(3));
    /* getAttr of something unset, and without a path. */
    PROBE(UNSET, NULL, XF(IS_SET, 2, 1), XS("x"), XA(3, "scheme"), XR(0));
    PROBE(UNSET, NULL, XF(IS_SET, 2, 1), XS("x"), XA(3, NULL), XF(PARSE_URL, 4, 1), XS("https://h"));
}

Test(evaluator, functions_on_values_of_the_wrong_kind_are_unset)
{
    PROBE(UNSET, NULL, XF(NOT, 2, 1), XS("x"), XS("true"));
    PROBE(UNSET, NULL, XF(BOOLEAN_EQUALS, 2, 2), XS("x"), XS("true"), XB(1));
    PROBE(UNSET, NULL, XF(BOOLEAN_EQUALS, 2, 2), XS("x"), XB(1), XS("true"));
    PROBE(UNSET, NULL, XF(STRING_EQUALS, 2, 2), XS("x"), XS("a"), XB(1));
    PROBE(UNSET, NULL, XF(STRING_EQUALS, 2, 2), XS("x"), XB(1), XS("a"));
    PROBE(UNSET, NULL, XF(URI_ENCODE, 2, 1), XS("x"), XB(1));
    PROBE(UNSET, NULL, XF(IS_VALID_HOST_LABEL, 2, 2), XS("x"), XS("a"), XS("false"));
    PROBE(UNSET, NULL, XF(IS_VALID_HOST_LABEL, 2, 2), XS("x"), XB(1), XB(1));
    PROBE(UNSET, NULL, XF(IS_VIRTUAL_HOSTABLE_S3_BUCKET, 2, 2), XS("x"), XS("bucket"), XS("false"));
    PROBE(UNSET, NULL, XF(IS_VIRTUAL_HOSTABLE_S3_BUCKET, 2, 2), XS("x"), XI(1), XB(0));
    /* substring wants a string, two integers and a boolean, in that order */
    PROBE(UNSET, NULL, XF(SUBSTRING, 2, 4), XS("x"), XB(1), XI(0), XI(1), XB(0));
    PROBE(UNSET, NULL, XF(SUBSTRING, 2, 4), XS("x"), XS("abc"), XS("0"), XI(1), XB(0));
    PROBE(UNSET, NULL, XF(SUBSTRING, 2, 4), XS("x"), XS("abc"), XI(0), XB(1), XB(0));
    PROBE(UNSET, NULL, XF(SUBSTRING, 2, 4), XS("x"), XS("abc"), XI(0), XI(1), XI(0));
}

Test(evaluator, functions_on_good_values)
{
    PROBE("yes", NULL, XF(NOT, 2, 1), XS("yes"), XB(0));
    PROBE(UNSET, NULL, XF(NOT, 2, 1), XS("yes"), XB(1));
    PROBE("yes", NULL, XF(BOOLEAN_EQUALS, 2, 2), XS("yes"), XB(0), XB(0));
    PROBE(UNSET, NULL, XF(BOOLEAN_EQUALS, 2, 2), XS("yes"), XB(0), XB(1));
    PROBE("yes", "r", XF(STRING_EQUALS, 2, 2), XS("yes"), XR(0), XS("r"));
    PROBE(UNSET, "r", XF(STRING_EQUALS, 2, 2), XS("yes"), XR(0), XS("R"));
    PROBE(UNSET, NULL, XF(IS_SET, 2, 1), XS("yes"), XR(0));
    PROBE("bc", NULL, XF(SUBSTRING, 2, 4), XR(1), XS("abcdef"), XI(1), XI(3), XB(0));
    PROBE("de", NULL, XF(SUBSTRING, 2, 4), XR(1), XS("abcdef"), XI(1), XI(3), XB(1));
    PROBE(UNSET, NULL, XF(SUBSTRING, 2, 4), XR(1), XS("abc"), XI(1), XI(4), XB(0));
    PROBE("a%20b%2Fc", NULL, XF(URI_ENCODE, 2, 1), XR(1), XS("a b/c"));
    PROBE("yes", NULL, XF(IS_VALID_HOST_LABEL, 2, 2), XS("yes"), XS("a.b"), XB(1));
    PROBE(UNSET, NULL, XF(IS_VALID_HOST_LABEL, 2, 2), XS("yes"), XS("a.b"), XB(0));
    PROBE("yes", NULL, XF(IS_VIRTUAL_HOSTABLE_S3_BUCKET, 2, 2), XS("yes"), XS("bucket-name"), XB(0));
    PROBE(UNSET, NULL, XF(IS_VIRTUAL_HOSTABLE_S3_BUCKET, 2, 2), XS("yes"), XS("Bad_Bucket"), XB(0));
    /* A string literal without text is "", and a condition on a plain string holds when it is set. */
    PROBE("", NULL, XS("cond"), {AWSC_EP_X_STRING, 0, 0, 0, NULL});
    PROBE("r!", "r", XR(0), XT(2, 2), XR(1), XS("!"));
}

Test(evaluator, corrupt_expressions_fail_with_their_reason)
{
    PROBE("!internal:endpoint rules: a function has too many arguments", NULL, {.kind = AWSC_EP_X_FN, .fn = AWSC_EP_FN_IS_SET, .a = 2, .n = 5},
          XS("x"), XS("a"), XS("b"), XS("c"), XS("d"), XS("e"));
    PROBE("!internal:endpoint rules: unknown function", NULL, {.kind = AWSC_EP_X_FN, .fn = 99, .a = 2, .n = 1}, XS("x"), XS("a"));
    PROBE("!internal:endpoint rules: unexpected expression", NULL, {99, 0, 0, 0, NULL}, XS("x"));
    PROBE("!internal:endpoint rules: reference out of range", NULL, XR(2), XS("x"));
    PROBE("!internal:endpoint rules: bad template", NULL, XS("c"), XT(3, 2), XS("a"));
    PROBE("!internal:endpoint rules: bad function arguments", NULL, XF(NOT, 1, 5), XS("x"));
    PROBE("!internal:endpoint rules: bad function arguments", NULL, XF(NOT, 99, 1), XS("x"));
    PROBE("!internal:endpoint rules: a template refers to a value that is not a string", NULL, XS("c"), XT(2, 2),
          XS("a"), XB(1));
    /* A part that fails stops the template with its own reason. */
    PROBE("!internal:endpoint rules: reference out of range", NULL, XS("c"), XT(2, 2), XS("a"), XR(9));
    /* An argument that fails stops the call. */
    PROBE("!internal:endpoint rules: reference out of range", NULL, XF(NOT, 2, 1), XS("x"), XR(9));
    PROBE(NOT_STRING, NULL, XS("c"), XB(1));
}

/* ---- rules, properties, headers and parameters in odd shapes ----------------------------- */

static int resolve_set(const awsc_endpoint_rules *rs, const awsc_endpoint_param *p, size_t n, awsc_endpoint *ep,
                       awsc_error *err)
{
    *ep = (awsc_endpoint)AWSC_ENDPOINT_INIT;
    return awsc_endpoint_resolve(rs, p, n, ep, err);
}

static const awsc_ep_expr plain_exprs[] = {XS("https://h"), XB(1), XS("ctl\x01\\\"\t"), XS("sigv4a"), XR(0)};

Test(evaluator, properties_render_as_json_and_feed_the_auth_scheme)
{
    static const awsc_ep_prop props[] = {
        /* 0 */ {AWSC_EP_P_OBJECT, NULL, 1, 3},
        /* 1 */ {AWSC_EP_P_STRING, "esc", 2, 0},
        /* 2 */ {AWSC_EP_P_ARRAY, "authSchemes", 4, 2},
        /* 3 */ {AWSC_EP_P_ARRAY, "nums", 8, 2},
        /* 4 */ {AWSC_EP_P_OBJECT, NULL, 6, 2},
        /* 5 */ {AWSC_EP_P_OBJECT, NULL, 0, 0},
        /* 6 */ {AWSC_EP_P_BOOL, "name", 1, 0}, /* not a string: not the scheme name */
        /* 7 */ {AWSC_EP_P_STRING, "signingName", 3, 0},
        /* 8 */ {AWSC_EP_P_INT, NULL, 2147483647u, 0},
        /* 9 */ {AWSC_EP_P_BOOL, NULL, 0, 0},
    };
    static const awsc_ep_rule rules[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, 0}};
    static const awsc_endpoint_rules rs = {NULL, 0, 0, plain_exprs, 5, NULL, 0, rules, 1, 1, props, 10, NULL, 0, NULL};
    awsc_endpoint ep;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(resolve_set(&rs, NULL, 0, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.properties, "{\"esc\":\"ctl\\u0001\\\\\\\"\\u0009\",\"authSchemes\":[{\"name\":true,"
                                    "\"signingName\":\"sigv4a\"},{}],\"nums\":[2147483647,false]}");
    cr_expect_null(ep.auth_scheme, "a name that is not a string is no scheme");
    cr_expect_str_eq(ep.signing_name, "sigv4a");
    cr_expect_null(ep.signing_region);
    cJSON *json = cJSON_Parse(ep.properties);
    cr_expect_not_null(json, "the properties are valid JSON");
    cr_expect_str_eq(cJSON_GetObjectItem(json, "esc")->valuestring, "ctl\x01\\\"\t");
    cJSON_Delete(json);
    awsc_endpoint_free(&ep);
}

Test(evaluator, auth_schemes_in_odd_shapes_give_no_scheme)
{
    /* authSchemes that is empty, not an array, or whose first entry is not an object; and a root array. */
    static const awsc_ep_prop props[] = {
        /* 0 */ {AWSC_EP_P_OBJECT, NULL, 1, 1},
        /* 1 */ {AWSC_EP_P_ARRAY, "authSchemes", 0, 0},
        /* 2 */ {AWSC_EP_P_OBJECT, NULL, 3, 2},
        /* 3 */ {AWSC_EP_P_BOOL, NULL, 1, 0}, /* an object member without a key */
        /* 4 */ {AWSC_EP_P_STRING, "authSchemes", 3, 0},
        /* 5 */ {AWSC_EP_P_OBJECT, NULL, 6, 1},
        /* 6 */ {AWSC_EP_P_ARRAY, "authSchemes", 7, 1},
        /* 7 */ {AWSC_EP_P_STRING, NULL, 3, 0},
        /* 8 */ {AWSC_EP_P_ARRAY, NULL, 7, 1},
    };
    static const uint32_t roots[] = {0, 2, 5, 8};
    static const char *const want[] = {"{\"authSchemes\":[]}", "{\"\":true,\"authSchemes\":\"sigv4a\"}",
                                       "{\"authSchemes\":[\"sigv4a\"]}", "[\"sigv4a\"]"};
    for (size_t i = 0; i < 4; i++) {
        const awsc_ep_rule rules[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, roots[i]}};
        const awsc_endpoint_rules rs = {NULL, 0, 0, plain_exprs, 5, NULL, 0, rules, 1, 1, props, 9, NULL, 0, NULL};
        awsc_endpoint ep;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(resolve_set(&rs, NULL, 0, &ep, &err), AWSC_OK, "%zu: %s", i, err.message);
        cr_expect_str_eq(ep.properties, want[i]);
        cr_expect_null(ep.auth_scheme, "%zu", i);
        cr_expect_null(ep.signing_name, "%zu", i);
        awsc_endpoint_free(&ep);
    }
}

static void corrupt(const awsc_endpoint_rules *rs, int status, const char *message)
{
    awsc_endpoint ep;
    awsc_error err = AWSC_ERROR_INIT;
    cr_expect_eq(resolve_set(rs, NULL, 0, &ep, &err), status, "%s", message);
    cr_expect_str_eq(err.message, message);
    cr_expect_null(ep.url, "a failed resolution leaves nothing behind");
    cr_expect_null(ep.properties);
    cr_expect_eq(ep.header_count, 0);
    awsc_error_clear(&err);
}

Test(evaluator, corrupt_rules_properties_and_headers_fail_cleanly)
{
    static const awsc_ep_prop props[] = {
        /* 0 */ {AWSC_EP_P_OBJECT, NULL, 1, 1},
        /* 1 */ {AWSC_EP_P_OBJECT, "self", 0, 1}, /* contains the root again */
        /* 2 */ {9, NULL, 0, 0},
        /* 3 */ {AWSC_EP_P_ARRAY, NULL, 4, 3}, /* runs past the end */
        /* 4 */ {AWSC_EP_P_INT, NULL, 1, 0},
        /* 5 */ {AWSC_EP_P_STRING, NULL, 1, 0}, /* a string property that is a boolean */
    };
    static const awsc_ep_header headers[] = {{"h", 0, 1}};
#define RS(rules, nrules, roots, nprops, nheaders)                                                                    \
    (const awsc_endpoint_rules){NULL, 0, 0, plain_exprs, 5, conds, 1, rules, nrules, roots, props, nprops, headers, nheaders, NULL}
    static const awsc_ep_condition conds[] = {{1, 5}};
    static const awsc_ep_rule r_self[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, 0}};
    corrupt(&RS(r_self, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: properties nested too deeply");
    static const awsc_ep_rule r_kind[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, 2}};
    corrupt(&RS(r_kind, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: unknown property kind");
    static const awsc_ep_rule r_past[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, 3}};
    corrupt(&RS(r_past, 1, 1, 5, 1), AWSC_E_INTERNAL, "endpoint rules: property index out of range");
    static const awsc_ep_rule r_far[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, 77}};
    corrupt(&RS(r_far, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: property index out of range");
    static const awsc_ep_rule r_str[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, 5}};
    corrupt(&RS(r_str, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: a template did not give a string");
    static const awsc_ep_rule r_hdr[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 2, 0, AWSC_EP_NONE}};
    corrupt(&RS(r_hdr, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: header index out of range");
    static const awsc_ep_rule r_hval[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 1, 0, AWSC_EP_NONE}};
    static const awsc_ep_header bool_header[] = {{"h", 1, 1}};
    corrupt(&(const awsc_endpoint_rules){NULL, 0, 0, plain_exprs, 5, NULL, 0, r_hval, 1, 1, NULL, 0, bool_header, 1, NULL},
            AWSC_E_INTERNAL, "endpoint rules: a template did not give a string");
    static const awsc_ep_rule r_unknown[] = {{42, 0, 0, 0, 0, 0, AWSC_EP_NONE}};
    corrupt(&RS(r_unknown, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: unknown rule kind");
    static const awsc_ep_rule r_cond[] = {{AWSC_EP_RULE_ENDPOINT, 0, 2, 0, 0, 0, AWSC_EP_NONE}};
    corrupt(&RS(r_cond, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: condition index out of range");
    static const awsc_ep_rule r_cond_far[] = {{AWSC_EP_RULE_ENDPOINT, 5, 0, 0, 0, 0, AWSC_EP_NONE}};
    corrupt(&RS(r_cond_far, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: condition index out of range");
    static const awsc_ep_rule r_assign[] = {{AWSC_EP_RULE_ENDPOINT, 0, 1, 0, 0, 0, AWSC_EP_NONE}};
    corrupt(&RS(r_assign, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: assignment out of range");
    corrupt(&RS(r_self, 1, 2, 6, 1), AWSC_E_INTERNAL, "endpoint rules: rule index out of range");
    static const awsc_ep_rule r_tree_far[] = {{AWSC_EP_RULE_TREE, 0, 0, 3, 1, 0, AWSC_EP_NONE}};
    corrupt(&RS(r_tree_far, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: rule index out of range");
    static const awsc_ep_rule r_err[] = {{AWSC_EP_RULE_ERROR, 0, 0, 0, 0, 1, AWSC_EP_NONE}};
    corrupt(&RS(r_err, 1, 1, 6, 1), AWSC_E_INTERNAL, "endpoint rules: a template did not give a string");
    static const awsc_ep_param two[] = {{"A", NULL, AWSC_EP_STRING, false, false, false, NULL},
                                        {"B", NULL, AWSC_EP_STRING, false, false, false, NULL}};
    corrupt(&(const awsc_endpoint_rules){two, 2, 1, plain_exprs, 5, NULL, 0, r_self, 1, 1, props, 6, NULL, 0, NULL},
            AWSC_E_INTERNAL, "endpoint rules: more parameters than slots");
#undef RS
    awsc_endpoint ep;
    awsc_error err = AWSC_ERROR_INIT;
    cr_expect_eq(resolve_set(&t_rules_set, NULL, 2, &ep, &err), AWSC_E_VALIDATION);
    cr_expect_str_eq(err.message, "awsc_endpoint_resolve: parameters missing");
    awsc_error_clear(&err);
}

Test(evaluator, parameters_defaults_built_ins_and_types)
{
    static const awsc_ep_param params[] = {
        {"Region", "AWS::Region", AWSC_EP_STRING, false, true, false, "dflt-region"},
        {"Fips", "AWS::UseFIPS", AWSC_EP_BOOLEAN, false, true, true, NULL},
        {"Arns", NULL, AWSC_EP_STRING_ARRAY, false, false, false, NULL},
    };
    static const awsc_ep_expr exprs[] = {XT(1, 3), XR(0), XS("/"), XA(4, "[1]"), XR(2), XF(BOOLEAN_EQUALS, 6, 2),
                                         XR(1), XB(1), XT(1, 2)};
    static const awsc_ep_condition conds[] = {{5, AWSC_EP_NONE}, {4, AWSC_EP_NONE}};
    static const awsc_ep_rule rules[] = {{AWSC_EP_RULE_ENDPOINT, 0, 2, 0, 0, 0, AWSC_EP_NONE},
                                         {AWSC_EP_RULE_ENDPOINT, 0, 1, 0, 0, 8, AWSC_EP_NONE},
                                         {AWSC_EP_RULE_ERROR, 0, 0, 0, 0, 2, AWSC_EP_NONE}};
    static const awsc_endpoint_rules rs = {params, 3, 3, exprs, 9, conds, 2, rules, 3, 3, NULL, 0, NULL, 0, NULL};
    awsc_endpoint ep;
    awsc_error err = AWSC_ERROR_INIT;
    /* Defaults for everything: Fips true, no Arns: the second rule. */
    cr_assert_eq(resolve_set(&rs, NULL, 0, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "dflt-region/");
    awsc_endpoint_free(&ep);
    /* A NULL string counts as unset (the default applies); built-in names bind too; arrays index. */
    const char *arns[] = {"first", "second"};
    awsc_endpoint_param p[] = {AWSC_EP_PARAM_STRING("AWS::Region", NULL), AWSC_EP_PARAM_BOOL("AWS::UseFIPS", true),
                               {"Arns", AWSC_EP_STRING_ARRAY, false, NULL, arns, 2}, {NULL, AWSC_EP_STRING, false, "x", NULL, 0}};
    cr_assert_eq(resolve_set(&rs, p, 4, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "dflt-region/second");
    awsc_endpoint_free(&ep);
    /* Fips false: neither endpoint rule, the error rule's message. */
    p[1].boolean = false;
    p[0].string = "eu";
    cr_assert_eq(resolve_set(&rs, p, 3, &ep, &err), AWSC_E_CONFIG);
    cr_expect_str_eq(err.message, "/");
    /* Wrong types name the parameter and the type it must be. */
    awsc_endpoint_param not_array[] = {AWSC_EP_PARAM_STRING("Arns", "a")};
    cr_expect_eq(resolve_set(&rs, not_array, 1, &ep, &err), AWSC_E_CONFIG);
    cr_expect_str_eq(err.message, "endpoint parameter Arns must be a string array");
    awsc_endpoint_param not_bool[] = {AWSC_EP_PARAM_STRING("AWS::UseFIPS", "true")};
    cr_expect_eq(resolve_set(&rs, not_bool, 1, &ep, &err), AWSC_E_CONFIG);
    cr_expect_str_eq(err.message, "endpoint parameter Fips must be a boolean");
    /* An array with a count but no strings is unset, not a crash. */
    awsc_endpoint_param no_strings[] = {{"Arns", AWSC_EP_STRING_ARRAY, false, NULL, NULL, 3}};
    cr_assert_eq(resolve_set(&rs, no_strings, 1, &ep, &err), AWSC_OK, "%s", err.message);
    cr_expect_str_eq(ep.url, "dflt-region/");
    awsc_endpoint_free(&ep);
    awsc_error_clear(&err);
}

/* Every authSchemes entry, in order, with SigV4a's region set and S3's path flags. */
static const awsc_ep_expr a_exprs[] = {
    /* 0 */ {AWSC_EP_X_STRING, 0, 0, 0, "https://mrap.example.com"},
    /* 1 */ {AWSC_EP_X_STRING, 0, 0, 0, "sigv4a"},
    /* 2 */ {AWSC_EP_X_STRING, 0, 0, 0, "s3"},
    /* 3 */ {AWSC_EP_X_STRING, 0, 0, 0, "*"},
    /* 4 */ {AWSC_EP_X_STRING, 0, 0, 0, "us-west-2"},
    /* 5 */ {AWSC_EP_X_STRING, 0, 0, 0, "sigv4"},
};
static const awsc_ep_prop a_props[] = {
    /* 0 */ {AWSC_EP_P_OBJECT, NULL, 1, 1},
    /* 1 */ {AWSC_EP_P_ARRAY, "authSchemes", 2, 2},
    /* 2 */ {AWSC_EP_P_OBJECT, NULL, 4, 4},
    /* 3 */ {AWSC_EP_P_OBJECT, NULL, 10, 3},
    /* 4 */ {AWSC_EP_P_STRING, "name", 1, 0},
    /* 5 */ {AWSC_EP_P_STRING, "signingName", 2, 0},
    /* 6 */ {AWSC_EP_P_ARRAY, "signingRegionSet", 8, 2},
    /* 7 */ {AWSC_EP_P_BOOL, "disableDoubleEncoding", 1, 0},
    /* 8 */ {AWSC_EP_P_STRING, NULL, 3, 0},
    /* 9 */ {AWSC_EP_P_STRING, NULL, 4, 0},
    /* 10 */ {AWSC_EP_P_STRING, "name", 5, 0},
    /* 11 */ {AWSC_EP_P_STRING, "signingRegion", 4, 0},
    /* 12 */ {AWSC_EP_P_BOOL, "disableNormalizePath", 1, 0},
};
static const awsc_ep_rule a_rules[] = {{AWSC_EP_RULE_ENDPOINT, 0, 0, 0, 0, 0, 0}};
static const awsc_endpoint_rules a_rule_set = {
    NULL, 0, 0, a_exprs, sizeof a_exprs / sizeof a_exprs[0], NULL, 0, a_rules, 1, 1,
    a_props, sizeof a_props / sizeof a_props[0], NULL, 0, NULL,
};

Test(resolve, every_auth_scheme)
{
    awsc_endpoint ep = AWSC_ENDPOINT_INIT;
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_endpoint_resolve(&a_rule_set, NULL, 0, &ep, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(ep.auth_scheme_count, 2);
    const awsc_endpoint_auth *a = &ep.auth_schemes[0], *b = &ep.auth_schemes[1];
    cr_expect_str_eq(a->name, "sigv4a");
    cr_expect_str_eq(a->signing_name, "s3");
    cr_expect_null(a->signing_region);
    cr_expect_str_eq(a->signing_region_set, "*,us-west-2");
    cr_expect(a->disable_double_encoding);
    cr_expect(!a->disable_normalize_path);
    cr_expect_str_eq(b->name, "sigv4");
    cr_expect_null(b->signing_name);
    cr_expect_str_eq(b->signing_region, "us-west-2");
    cr_expect_null(b->signing_region_set);
    cr_expect(!b->disable_double_encoding);
    cr_expect(b->disable_normalize_path);
    /* the shorthand fields are the first entry's */
    cr_expect_str_eq(ep.auth_scheme, "sigv4a");
    cr_expect_str_eq(ep.signing_name, "s3");
    cr_expect_null(ep.signing_region);
    awsc_endpoint_free(&ep);
    cr_expect_null(ep.auth_schemes);
    cr_expect_eq(ep.auth_scheme_count, 0);
}
