/*
 * AWS partitions (the facts of the AWS SDKs' partitions.json) and the
 * endpoint rules' aws.* functions: aws.partition, aws.parseArn and
 * aws.isVirtualHostableS3Bucket.
 */
#ifndef AWSC_PARTITIONS_H
#define AWSC_PARTITIONS_H

#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct awsc_partition {
    const char *name;                   /* "aws", "aws-cn", ... */
    const char *dns_suffix;
    const char *dual_stack_dns_suffix;
    const char *implicit_global_region;
    /* packed lists: "a\0b\0" ... "\0", each name NUL-terminated, an empty name at the end */
    const char *region_prefixes;        /* regionRegex is ^(<prefix>)\-\w+\-\d+$ */
    const char *regions;                /* the known regions */
    bool supports_fips;
    bool supports_dual_stack;
} awsc_partition;

/* All partitions, in the published order (the order of the regex search). */
const awsc_partition *awsc_partitions(size_t *count);

/* True when `region` matches the partition's regionRegex. */
bool awsc_partition_regex_match(const awsc_partition *p, const char *region);

/*
 * aws.partition: the partition listing `region`, else the first whose regex
 * matches it, else "aws". Never NULL.
 */
const awsc_partition *awsc_partition_for_region(const char *region);

/* An ARN split as aws.parseArn does; resource_id is the resource split on ':' and '/'. */
typedef struct awsc_ep_arn {
    const char *partition;
    const char *service;
    const char *region;
    const char *account_id;
    const char **resource_id;
    size_t resource_count;
} awsc_ep_arn;

/* aws.parseArn: 0 and `out` filled (in `a`), 1 when `s` is not an ARN, -1 out of memory. */
int awsc_ep_parse_arn(awsc_arena *a, const char *s, awsc_ep_arn *out);

/* aws.isVirtualHostableS3Bucket. */
bool awsc_ep_is_virtual_hostable_s3_bucket(const char *s, bool allow_subdomains);

/* Dotted-quad IPv4 (each part 0-255, no leading zeros) or a bracketed IPv6 literal. */
bool awsc_ep_is_ip_address(const char *s);

#endif
