/*
 * AWS partitions, from the public partitions.json of the AWS SDKs (format
 * 1.1, as the AWS SDK for JavaScript v3 ships it in 2025, with dual-stack in
 * every partition), and the aws.* functions of the endpoint rules.
 */
#include "partitions.h"

#include "endpoints_lib.h"

#include <string.h>

static const char *const aws_prefixes[] = {"us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-", NULL};
static const char *const aws_regions[] = {
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "aws-global", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
    "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
    "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
    "us-west-2", NULL};
static const char *const cn_prefixes[] = {"cn-", NULL};
static const char *const cn_regions[] = {"aws-cn-global", "cn-north-1", "cn-northwest-1", NULL};
static const char *const eusc_prefixes[] = {"eusc-de-", NULL};
static const char *const eusc_regions[] = {"eusc-de-east-1", NULL};
static const char *const iso_prefixes[] = {"us-iso-", NULL};
static const char *const iso_regions[] = {"aws-iso-global", "us-iso-east-1", "us-iso-west-1", NULL};
static const char *const isob_prefixes[] = {"us-isob-", NULL};
static const char *const isob_regions[] = {"aws-iso-b-global", "us-isob-east-1", "us-isob-west-1", NULL};
static const char *const isoe_prefixes[] = {"eu-isoe-", NULL};
static const char *const isoe_regions[] = {"aws-iso-e-global", "eu-isoe-west-1", NULL};
static const char *const isof_prefixes[] = {"us-isof-", NULL};
static const char *const isof_regions[] = {"aws-iso-f-global", "us-isof-east-1", "us-isof-south-1", NULL};
static const char *const gov_prefixes[] = {"us-gov-", NULL};
static const char *const gov_regions[] = {"aws-us-gov-global", "us-gov-east-1", "us-gov-west-1", NULL};

static const awsc_partition partitions[] = {
    {"aws", "amazonaws.com", "api.aws", "us-east-1", true, true,
     "^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$", aws_prefixes, aws_regions},
    {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "cn-northwest-1", true, true,
     "^cn\\-\\w+\\-\\d+$", cn_prefixes, cn_regions},
    {"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1", true, true,
     "^eusc\\-(de)\\-\\w+\\-\\d+$", eusc_prefixes, eusc_regions},
    {"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1", true, true,
     "^us\\-iso\\-\\w+\\-\\d+$", iso_prefixes, iso_regions},
    {"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1", true, true,
     "^us\\-isob\\-\\w+\\-\\d+$", isob_prefixes, isob_regions},
    {"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1", true, true,
     "^eu\\-isoe\\-\\w+\\-\\d+$", isoe_prefixes, isoe_regions},
    {"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1", true, true,
     "^us\\-isof\\-\\w+\\-\\d+$", isof_prefixes, isof_regions},
    {"aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1", true, true,
     "^us\\-gov\\-\\w+\\-\\d+$", gov_prefixes, gov_regions},
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
    for (const char *const *pre = p->region_prefixes; *pre; pre++) {
        size_t n = strlen(*pre);
        if (strncmp(region, *pre, n) == 0 && word_dash_digits(region + n))
            return true;
    }
    return false;
}

const awsc_partition *awsc_partition_for_region(const char *region)
{
    size_t count;
    const awsc_partition *all = awsc_partitions(&count);
    for (size_t i = 0; i < count; i++)
        for (const char *const *r = all[i].regions; *r; r++)
            if (strcmp(*r, region) == 0)
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
