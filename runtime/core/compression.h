/*
 * Request compression (smithy.api#requestCompression) as the client calls it:
 * through the operation's awsc_compression_engine only, so that a program
 * none of whose operations compresses links none of it (nor zlib).
 */
#ifndef AWSC_COMPRESSION_H
#define AWSC_COMPRESSION_H

#include "core/client_internal.h"

/* The SDKs' shared settings: the default threshold and the largest one accepted. */
#define AWSC_COMPRESSION_MIN_SIZE_DEFAULT 10240u
#define AWSC_COMPRESSION_MIN_SIZE_MAX 10485760u

struct awsc_compression_engine {
    /* At client creation: the two settings from the configuration, the environment or the profile. */
    int (*configure)(awsc_client *c, const awsc_config *cfg, const awsc_lent_profile *profile, awsc_error *err);
    /*
     * After the input is serialized, before checksums and signing (both cover
     * what is sent): replaces a large enough body by its gzip form and appends
     * "gzip" to Content-Encoding.
     */
    int (*compress)(awsc_call *k, awsc_error *err);
};

#endif
