/* AWS Signature Version 4, header signing: small pure steps, one cached key. */
#ifndef AWSC_SIGV4_H
#define AWSC_SIGV4_H

#include "util/buf.h"
#include "crypto/crypto.h"
#include "http/http.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct awsc_sigv4_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL when none */
} awsc_sigv4_credentials;

/*
 * SigV4a's asymmetric half (ECDSA P-256), provided by libawsc-sigv4a
 * (awsc/sigv4a.h) so that the core runtime carries no elliptic-curve code:
 * `sign` derives the key from the credentials and writes the DER signature
 * of `digest` (SHA-256 of the string to sign) in lowercase hex with its NUL;
 * it returns the number of hex digits, or -1.
 */
struct awsc_sigv4a_api {
    int (*sign)(const char *access_key_id, const char *secret_access_key, const uint8_t digest[32], char *hex,
                size_t cap);
};

typedef struct awsc_sigv4_params {
    awsc_sigv4_credentials creds;
    const char *region;
    const char *service;          /* signing name, e.g. "iot-jobs-data" */
    int64_t time;                 /* seconds since the epoch (UTC) */
    bool normalize_path;          /* remove dot segments and duplicate slashes (all services but S3) */
    bool double_encode_path;      /* percent-encode the (already encoded) path again (all but S3) */
    bool omit_session_token;      /* sign first, then add X-Amz-Security-Token unsigned (IoT-style) */
    bool skip_intermediate;       /* don't keep the canonical request and string to sign in the result */
    /*
     * SigV4a: when set, X-Amz-Region-Set (signed as if present, sent by the
     * caller) holds it, the scope has no region and `sigv4a` signs.
     */
    const char *region_set;
    const struct awsc_sigv4a_api *sigv4a;
} awsc_sigv4_params;

typedef struct awsc_sigv4_request {
    const char *method;
    const char *path;             /* the path as sent on the wire, without the query */
    const char *query;            /* the query as sent on the wire without '?', or NULL */
    const awsc_header *headers;   /* all headers to sign, Host included; names any case */
    size_t header_count;
    const uint8_t *payload;
    size_t payload_len;
    const char *payload_hash;     /* when set, used instead of hashing payload (hex, or "UNSIGNED-PAYLOAD") */
} awsc_sigv4_request;

/*
 * Headers the signer adds, and the intermediate strings (for tests and
 * debugging). `authorization` usually points into the result itself, so a
 * result is not copied: read it where it was signed into.
 */
typedef struct awsc_sigv4_result {
    char amz_date[17];            /* "20150830T123600Z", send as X-Amz-Date */
    char signature[145];          /* hex: 64 digits (SigV4), up to 144 (SigV4a's DER ECDSA) */
    char *authorization;          /* full Authorization header value: auth_inline, or heap when longer */
    char *canonical_request;      /* heap; NULL with skip_intermediate */
    char *string_to_sign;         /* heap; NULL with skip_intermediate */
    char auth_inline[600];
} awsc_sigv4_result;

/* The derived signing key for one (secret, date, region, service), reused across calls. */
typedef struct awsc_sigv4_key_cache {
    pthread_mutex_t lock;
    char *secret;                 /* copy of the secret the key is for (wiped when replaced or freed) */
    size_t secret_len;
    char date[9];
    /* Region, service and key id as checked when they were stored: equal ones need no check again. */
    char region[64];
    char service[64];
    char key_id[129];
    size_t key_id_len;            /* 0: none stored yet */
    uint8_t key[32];              /* kSigning */
    awsc_hmac_key hmac;           /* kSigning's inner and outer midstates: signatures start from these */
    /* A string to sign's first block (algorithm, time, most of the scope) repeats for a whole
     * second: kept absorbed into the inner midstate, so each signature hashes one block fewer. */
    char sts_head[64];
    awsc_sha256_mid sts_mid;
    bool sts_valid;
    bool valid;
} awsc_sigv4_key_cache;

void awsc_sigv4_key_cache_init(awsc_sigv4_key_cache *c);
void awsc_sigv4_key_cache_destroy(awsc_sigv4_key_cache *c);

/* Each step alone, so tests can check it against the suite. All return 0 or -1 (out of memory / bad input). */
int awsc_sigv4_canonical_path(awsc_buf *out, const char *path, bool normalize, bool double_encode);
int awsc_sigv4_canonical_query(awsc_buf *out, const char *query);
/* Appends the canonical headers block ("name:value\n"...) and fills `signed_headers` ("a;b;c"). */
int awsc_sigv4_canonical_headers(awsc_buf *out, awsc_buf *signed_headers, const awsc_header *headers, size_t count);

/*
 * Signs `req`: the X-Amz-Date header and (unless omit_session_token)
 * X-Amz-Security-Token are included in the signature as if present in
 * req->headers; the caller adds both to the request it sends, plus
 * Authorization. `req->headers` must therefore not hold X-Amz-Date,
 * Authorization, or (with a session token) X-Amz-Security-Token: -1.
 * `cache` may be NULL. Returns 0, or -1 on failure. `out` need not be
 * initialised: it is set up first, so awsc_sigv4_result_free may follow
 * either way.
 */
int awsc_sigv4_sign(const awsc_sigv4_params *p, const awsc_sigv4_request *req,
                    awsc_sigv4_key_cache *cache, awsc_sigv4_result *out);
void awsc_sigv4_result_free(awsc_sigv4_result *r);

/* A presigned URL's lifetime: at most seven days, as SigV4 allows. */
#define AWSC_SIGV4_MAX_EXPIRES 604800

/*
 * Query-string signing (presigned URLs): appends to `query` the request's own
 * query (req->query, as on the wire), then X-Amz-Algorithm, X-Amz-Credential,
 * X-Amz-Date, X-Amz-Expires (`expires`, 1..AWSC_SIGV4_MAX_EXPIRES seconds),
 * X-Amz-SignedHeaders (req->headers: Host and whatever the holder of the URL
 * must send), X-Amz-Security-Token with a session token, X-Amz-Region-Set with
 * SigV4a, and last X-Amz-Signature; every value percent-encoded. Nothing goes
 * into headers: req->headers must hold none of the signer's own. The payload
 * hash is req->payload_hash when set (S3: "UNSIGNED-PAYLOAD"), else the
 * payload's. out->authorization stays NULL; out->signature, amz_date and (unless
 * skip_intermediate) the intermediate strings are filled. 0, or -1 (then
 * `query` is as it was).
 */
int awsc_sigv4_presign(const awsc_sigv4_params *p, const awsc_sigv4_request *req, int64_t expires,
                       awsc_sigv4_key_cache *cache, awsc_buf *query, awsc_sigv4_result *out);

#endif
