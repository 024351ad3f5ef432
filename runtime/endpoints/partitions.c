/*
 * AWS partitions, from the public partitions.json of the AWS SDKs (format
 * 1.1, as the AWS SDK for JavaScript v3 ships it in 2025, with dual-stack in
 * every partition), and the aws.* functions of the endpoint rules.
 */
#include "endpoints/partitions.h"

#include "endpoints/endpoints_lib.h"

#include <string.h>

/*
 * Each partition's region prefixes and known regions as packed lists: NUL-terminated
 * names one after another, an empty name ending the list (no pointer per name).
 * The published regionRegex of each is ^(<prefix>)\-\w+\-\d+$, given in a comment.
 */
static const awsc_partition partitions[] = {
    /* ^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$ */
    {"aws", "amazonaws.com", "api.aws", "us-east-1",
     "us-\0" "eu-\0" "ap-\0" "sa-\0" "ca-\0" "me-\0" "af-\0" "il-\0" "mx-\0",
     "af-south-1\0" "ap-east-1\0" "ap-east-2\0" "ap-northeast-1\0" "ap-northeast-2\0" "ap-northeast-3\0"
     "ap-south-1\0" "ap-south-2\0" "ap-southeast-1\0" "ap-southeast-2\0" "ap-southeast-3\0" "ap-southeast-4\0"
     "ap-southeast-5\0" "ap-southeast-6\0" "ap-southeast-7\0" "aws-global\0" "ca-central-1\0" "ca-west-1\0"
     "eu-central-1\0" "eu-central-2\0" "eu-north-1\0" "eu-south-1\0" "eu-south-2\0" "eu-west-1\0" "eu-west-2\0"
     "eu-west-3\0" "il-central-1\0" "me-central-1\0" "me-south-1\0" "mx-central-1\0" "sa-east-1\0" "us-east-1\0"
     "us-east-2\0" "us-west-1\0" "us-west-2\0", true, true},
    /* ^cn\-\w+\-\d+$ */
    {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "cn-northwest-1",
     "cn-\0",
     "aws-cn-global\0" "cn-north-1\0" "cn-northwest-1\0", true, true},
    /* ^eusc\-(de)\-\w+\-\d+$ */
    {"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1",
     "eusc-de-\0",
     "eusc-de-east-1\0", true, true},
    /* ^us\-iso\-\w+\-\d+$ */
    {"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1",
     "us-iso-\0",
     "aws-iso-global\0" "us-iso-east-1\0" "us-iso-west-1\0", true, true},
    /* ^us\-isob\-\w+\-\d+$ */
    {"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1",
     "us-isob-\0",
     "aws-iso-b-global\0" "us-isob-east-1\0" "us-isob-west-1\0", true, true},
    /* ^eu\-isoe\-\w+\-\d+$ */
    {"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1",
     "eu-isoe-\0",
     "aws-iso-e-global\0" "eu-isoe-west-1\0", true, true},
    /* ^us\-isof\-\w+\-\d+$ */
    {"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1",
     "us-isof-\0",
     "aws-iso-f-global\0" "us-isof-east-1\0" "us-isof-south-1\0", true, true},
    /* ^us\-gov\-\w+\-\d+$ */
    {"aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1",
     "us-gov-\0",
     "aws-us-gov-global\0" "us-gov-east-1\0" "us-gov-west-1\0", true, true},
};

const awsc_partition *awsc_partitions(size_t *count)
{
    *count = sizeof partitions / sizeof partitions[0];
    return partitions;
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* \w+\-\d+$ : \w cannot match '-', so the one '-' splits the rest deterministically. */
static bool word_dash_digits(const char *s)
{
    const char *p = s;
    while (is_word(*p))
        p++;
    if (p == s || *p != '-')
        return false;
    const char *d = ++p;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > d && *p == '\0';
}

bool awsc_partition_regex_match(const awsc_partition *p, const char *region)
{
    for (const char *pre = p->region_prefixes; *pre; pre += strlen(pre) + 1) {
        size_t n = strlen(pre);
        if (strncmp(region, pre, n) == 0 && word_dash_digits(region + n))
            return true;
    }
    return false;
}

const awsc_partition *awsc_partition_for_region(const char *region)
{
    size_t count;
    const awsc_partition *all = awsc_partitions(&count);
    for (size_t i = 0; i < count; i++)
        for (const char *r = all[i].regions; *r; r += strlen(r) + 1)
            if (strcmp(r, region) == 0)
                return &all[i];
    for (size_t i = 0; i < count; i++)
        if (awsc_partition_regex_match(&all[i], region))
            return &all[i];
    return &all[0]; /* the "aws" partition is the default */
}

int awsc_ep_parse_arn(awsc_arena *a, const char *s, awsc_ep_arn *out)
{
    /* arn:partition:service:region:account:resource, the resource keeping its ':'s */
    const char *part[6];
    size_t len[6];
    const char *p = s;
    for (int i = 0; i < 5; i++) {
        const char *colon = strchr(p, ':');
        if (!colon)
            return 1;
        part[i] = p;
        len[i] = (size_t)(colon - p);
        p = colon + 1;
    }
    part[5] = p;
    len[5] = strlen(p);
    if (len[0] != 3 || memcmp(part[0], "arn", 3) != 0 || len[1] == 0 || len[2] == 0 || len[5] == 0)
        return 1;
    const char **fields[4] = {&out->partition, &out->service, &out->region, &out->account_id};
    for (int i = 0; i < 4; i++)
        if (!(*fields[i] = awsc_arena_strndup(a, part[i + 1], len[i + 1])))
            return -1;
    size_t n = 1;
    for (const char *c = part[5]; *c; c++)
        n += *c == ':' || *c == '/';
    out->resource_id = awsc_arena_alloc(a, n * sizeof *out->resource_id);
    if (!out->resource_id)
        return -1;
    out->resource_count = n;
    const char *start = part[5];
    for (size_t i = 0; i < n; i++) {
        size_t l = strcspn(start, ":/");
        if (!(out->resource_id[i] = awsc_arena_strndup(a, start, l)))
            return -1;
        start += l + (start[l] != '\0');
    }
    return 0;
}

bool awsc_ep_is_ip_address(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
        return true;
    for (int part = 0; part < 4; part++) {
        int digits = 0, value = 0;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (digits == 1 && value == 0)
                return false; /* no leading zeros */
            value = value * 10 + (*s - '0');
            if (++digits > 3)
                return false;
        }
        if (digits == 0 || value > 255)
            return false;
        if (part < 3 && *s++ != '.')
            return false;
    }
    return *s == '\0';
}

static bool s3_bucket_label(const char *s, size_t n)
{
    char label[64];
    if (n < 3 || n > 63)
        return false;
    memcpy(label, s, n);
    label[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (label[i] >= 'A' && label[i] <= 'Z')
            return false;
    return awsc_ep_is_valid_host_label(label, false) && !awsc_ep_is_ip_address(label);
}

bool awsc_ep_is_virtual_hostable_s3_bucket(const char *s, bool allow_subdomains)
{
    if (!allow_subdomains)
        return s3_bucket_label(s, strlen(s));
    for (;;) {
        size_t n = strcspn(s, ".");
        if (!s3_bucket_label(s, n))
            return false;
        if (s[n] == '\0')
            return true;
        s += n + 1;
    }
}
