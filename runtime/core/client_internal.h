/* The client's insides, shared by the blocking and the asynchronous call paths. */
#ifndef AWSC_CLIENT_INTERNAL_H
#define AWSC_CLIENT_INTERNAL_H

#include "awsc/schema.h"
#include "auth/credentials.h"
#include "http/http.h"
#include "core/log.h"
#include "serde/rest.h"
#include "core/retry.h"
#include "auth/sigv4.h"

#include <pthread.h>
#include <time.h>

struct awsc_async;

/*
 * The client's profile and its reader (awsc_profile_value), lent to the
 * engines beside the runtime (checksums, compression) so that they read
 * their settings as the client does without linking the profile parser.
 */
typedef struct awsc_lent_profile {
    const char *name; /* NULL: the default */
    char *(*value)(const char *profile, const char *key);
} awsc_lent_profile;

/*
 * What a call builds and throws away, kept for the next call on the client:
 * request buffers, URL, response storage and the credentials copy. A call
 * takes one from the client's pool (or makes one) and gives it back emptied,
 * so steady-state calls allocate little more than their output.
 */
typedef struct awsc_call_scratch {
    struct awsc_call_scratch *next;
    awsc_rest_request req;
    awsc_buf url, path, host;
    awsc_http_response resp;
    awsc_credentials creds;
    unsigned long creds_version;
} awsc_call_scratch;

struct awsc_client {
    const awsc_service *svc;
    char *region;
    char *signing_region; /* from the endpoint's authSchemes, when it overrides region */
    char *signing_name;   /* likewise for the service's SigV4 name */
    char *endpoint;      /* scheme://authority[/base-path], no trailing slash */
    char *host;          /* authority for the Host header */
    struct awsc_credentials_provider *creds; /* NULL with mutual TLS */
    awsc_http *http;
    awsc_sigv4_key_cache key_cache;
    awsc_retry_bucket bucket;
    bool adaptive;              /* retry_mode "adaptive": client-side rate limiting */
    awsc_rate_limiter limiter;  /* guarded by lock */
    int max_attempts;
    char user_agent[96];
    pthread_mutex_t lock;  /* guards clock_offset */
    int64_t clock_offset;  /* seconds to add to our clock, learnt from a skewed response */
    int64_t (*now)(void *ctx);
    void (*sleep_ms)(void *ctx, long ms);
    double (*random01)(void *ctx);
    void *hooks_ctx;
    awsc_logger log;
    bool mtls; /* authenticated by the TLS client certificate: requests are not signed */
    /* flexible checksums: awsc_checksum_when, set only for a service with httpChecksum operations */
    uint8_t request_checksum_calculation, response_checksum_validation;
    /* request compression: set only for a service with requestCompression operations */
    bool request_compression_disabled;
    uint32_t request_min_compression_size;
    struct awsc_async *async; /* the non-blocking engine, made at the first async call */
    long max_connections;
    pthread_mutex_t spare_lock; /* guards spare and spare_count */
    awsc_call_scratch *spare;   /* scratch given back by finished calls */
    int spare_count;
};

/* One call across its attempts. */
typedef struct awsc_call {
    awsc_client *c;
    const awsc_operation *op;
    awsc_call_scratch *scratch; /* where the buffers below came from, and go back to */
    awsc_rest_request req;   /* bound headers first, then per-attempt ones */
    size_t bound_headers;
    awsc_buf url;
    awsc_buf path;           /* as sent, for signing */
    awsc_buf host;
    awsc_http_response resp; /* each attempt's response (awsc_call_complete empties it) */
    char invocation_id[37];
    char token[37];          /* the idempotency token, the same on every attempt */
    awsc_sigv4_credentials creds;  /* points into owned_creds */
    awsc_credentials owned_creds;
    unsigned long creds_version;   /* of owned_creds, see awsc_credentials_provider_get_reusing */
    /* set for a streamed body: its SHA-256, UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER */
    char payload_hash[65];
    awsc_sink_fn sink;
    void *sink_user;
    /* flexible checksums: an aws-chunked upload's encoder and the response's validation, or NULL */
    struct awsc_checksum_call *checksum;
    int attempt, sends, taken;
    long waited;
    bool skew_retry_used;
    struct timespec started;
} awsc_call;

typedef enum awsc_call_next { AWSC_CALL_DONE, AWSC_CALL_RETRY } awsc_call_next;

/* Validates, resolves credentials and serializes once; fails without sending anything. */
int awsc_call_begin(awsc_client *c, const awsc_operation *op, const void *input, awsc_sink_fn sink, void *sink_user,
                    awsc_call *k, awsc_error *err);
/*
 * Reads a rewindable request body through `absorb` and rewinds it: 0, or -1
 * when reading or rewinding failed. Inline: libawsc-checksums uses it too.
 */
static inline int awsc_call_read_stream(awsc_call *k, void (*absorb)(void *ctx, const uint8_t *data, size_t len),
                                        void *ctx)
{
    const awsc_stream *st = k->req.stream;
    uint8_t chunk[16384];
    long n;
    while ((n = st->read(st->user, chunk, sizeof chunk)) > 0 && (size_t)n <= sizeof chunk)
        absorb(ctx, chunk, (size_t)n);
    return n != 0 || st->rewind(st->user) != 0 ? -1 : 0;
}
/* Builds and signs the next attempt's request into `hreq` (valid until the next call on `k`). */
int awsc_call_attempt(awsc_call *k, awsc_http_request *hreq, awsc_error *err);
/*
 * Judges an attempt (`rc` from sending, and the response, which it empties; pass &k->resp):
 * DONE with *result and, on success, *output; or RETRY after *delay ms.
 */
awsc_call_next awsc_call_complete(awsc_call *k, int rc, awsc_http_response *resp, void **output, int *result,
                                  long *delay, awsc_error *err);
/* Records a call that gives up (attempts, delay) and logs it. */
void awsc_call_fail(awsc_call *k, int rc, awsc_error *err);
void awsc_call_end(awsc_call *k);

/* Ends every asynchronous call still in flight (their callbacks say why) and frees the engine. */
void awsc_async_free(awsc_client *c);

#endif
