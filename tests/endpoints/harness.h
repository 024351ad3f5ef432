/* The endpoint rules test harness: runs a model's smithy.rules#endpointTests cases. */
#ifndef AWSC_EPT_HARNESS_H
#define AWSC_EPT_HARNESS_H

#include "awsc/endpoints.h"

#include <criterion/criterion.h>
#include <stddef.h>

/* One test case, as codegen.endpoint_tests writes it (JSON texts, NULL when absent). */
typedef struct awsc_ept_case {
    const char *documentation;
    const char *params;     /* {"Region": "us-east-1", "UseFIPS": true, ...} */
    const char *url;        /* expect.endpoint.url, or NULL when an error is expected */
    const char *properties; /* expect.endpoint.properties */
    const char *headers;    /* expect.endpoint.headers: {"name": ["value", ...]} */
    const char *error;      /* expect.error: the exact message */
} awsc_ept_case;

/* Runs every case, prints "endpoint-tests <label>: P passed, F failed" and fails the test on any failure. */
void awsc_ept_run(const char *label, const awsc_endpoint_rules *rules, const awsc_ept_case *cases, size_t count);

#endif
