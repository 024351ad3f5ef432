/*
 * Flexible checksums (aws.protocols#httpChecksum) as the client calls them:
 * through the operation's awsc_http_checksum.engine only, so that a program
 * none of whose operations has checksums links none of this (nor zlib).
 */
#ifndef AWSC_CHECKSUM_H
#define AWSC_CHECKSUM_H

#include "core/client_internal.h"

/* request_checksum_calculation and response_checksum_validation */
typedef enum awsc_checksum_when {
    AWSC_CHECKSUM_WHEN_SUPPORTED = 0, /* the SDKs' default since 2025 */
    AWSC_CHECKSUM_WHEN_REQUIRED = 1
} awsc_checksum_when;


/*
 * The engine lives in libawsc-checksums (with zlib), beside the runtime as
 * libawsc-xml is, so that a program without checksums links none of it; it
 * reaches the runtime only through what awsc-xml may use too (util, scalar.c)
 * and what the client lends it.
 */
struct awsc_checksum_engine {
    /* At client creation: both settings from the configuration, the environment or the profile. */
    int (*configure)(awsc_client *c, const awsc_config *cfg, const awsc_lent_profile *profile, awsc_error *err);
    /*
     * After the input is serialized and before it is signed: adds the request's
     * x-amz-checksum-* (and algorithm, validation mode) headers, and sets the
     * call up to validate the response, wrapping its sink if it has one.
     */
    int (*prepare)(awsc_call *k, const void *input, awsc_error *err);
    /* A 2xx response: AWSC_OK, or AWSC_E_RESPONSE when its body does not match its checksum. */
    int (*validate)(awsc_call *k, const awsc_http_response *resp, awsc_error *err);
    /* Frees what prepare set up. */
    void (*end)(awsc_call *k);
};

#endif
