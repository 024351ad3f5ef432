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
#include "awsc/endpoints.h"

#include <pthread.h>
#include <stdatomic.h>
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

/* An endpoint resolved for one account (account-based endpoints); immutable once listed. */
typedef struct awsc_account_endpoint {
    struct awsc_account_endpoint *next;
    char *account_id;     /* NULL: credentials without one */
    awsc_endpoint ep;     /* with its authSchemes, which the call's signing reads */
    char *endpoint, *host;
} awsc_account_endpoint;
/* How a request is signed: the chosen entry of its endpoint's authSchemes over the service's defaults. */
typedef struct awsc_signing {
    const char *name;       /* signing name */
    const char *region;
    const char *region_set; /* SigV4a's X-Amz-Region-Set, else NULL */
    bool normalize_path, double_encode_path;
    bool content_sha256;    /* send X-Amz-Content-Sha256 (S3, Glacier) */
} awsc_signing;

struct awsc_client {
    const awsc_service *svc;
    char *region;
    awsc_endpoint ep;    /* resolved at creation from the client's inputs alone */
    awsc_signing signing; /* from ep */
    char *endpoint;      /* scheme://authority[/base-path], no trailing slash */
    char *host;          /* authority for the Host header */
    /* Endpoint rules inputs of the client, for operations that resolve per call (S3's Bucket) */
    awsc_endpoint_param ep_params[12];
    size_t ep_param_count;
    const awsc_endpoint_param *cfg_ep_params;
    size_t cfg_ep_param_count;
    char *endpoint_url;
    const awsc_sigv4a_api *sigv4a;
    char *region_set;    /* SigV4a region set from the configuration, or NULL */
    /* Auth scheme selection (auth.c) */
    uint8_t auth_preference;     /* AWSC_AUTH_LIST of the preferred schemes, or 0 */
    char *bearer_token;          /* configured or AWS_BEARER_TOKEN_<NAME>; a secret */
    char *sso_token;             /* the profile's sso_session token, guarded by lock; a secret */
    int64_t sso_token_expires;
    struct awsc_credentials_provider *creds; /* NULL with mutual TLS */
    awsc_http *http;
    awsc_sigv4_key_cache key_cache;
    awsc_retry_bucket bucket;
    bool adaptive;              /* retry_mode "adaptive": client-side rate limiting */
    awsc_rate_limiter limiter;  /* guarded by lock */
    int max_attempts;
    awsc_retry_policy retry; /* the retry table's numbers for this service */
    /* The user agent (2.1 format) around the per-call metrics: "<base> m/<metrics><app>" */
    char *user_agent;     /* "aws-sdk-c/0.1.0 ua/2.1 os/... lang/c#11 md/... api/<service>#<version>" */
    char *user_agent_app; /* " app/<id>" or "" */
    size_t user_agent_len, user_agent_app_len; /* measured once, joined on every attempt */
    bool endpoint_configured; /* an endpoint URL from code or the shared config (metric N) */
    /*
     * Account-based endpoints: the rules take AWS::Auth::AccountId, so the
     * endpoint is resolved per account once credentials are known (at the call).
     */
    bool per_account;
    bool use_fips, use_dual_stack;
    char account_mode[12];          /* "preferred", "disabled", "required"; "" when the rules have no such input */
    awsc_account_endpoint *accounts; /* guarded by lock; entries live until the client is freed */
    bool has_checksums;       /* request/response_checksum_* were read (metrics Z/a, b/c) */
    pthread_mutex_t lock;  /* guards accounts and the adaptive limiter */
    /* seconds to add to our clock, learnt from a skewed response: one word, read by every signature without a lock */
    _Atomic int64_t clock_offset;
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
    /* Ends the engine's calls and frees it: set with the engine, so that a program that makes no
     * asynchronous call links nothing of async.c. */
    void (*async_free)(awsc_client *c);
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
    /* The endpoint: the client's, or one resolved for this call from its input */
    const char *endpoint, *endpoint_host;
    awsc_signing signing;
    awsc_endpoint own_ep;
    char *own_endpoint, *own_host;
    awsc_http_response resp; /* each attempt's response (awsc_call_complete empties it) */
    char invocation_id[37];
    char token[37];          /* the idempotency token, the same on every attempt */
    uint8_t auth;            /* the scheme signing this call: AWSC_AUTH_*, or 0 (sent unsigned) */
    char *bearer;            /* AWSC_AUTH_BEARER: the token (a copy, wiped at the end) */
    awsc_sigv4_credentials creds;  /* points into owned_creds */
    awsc_credentials owned_creds;
    unsigned long creds_version;   /* of owned_creds, see awsc_credentials_provider_get_reusing */
    /* set for a streamed body: its SHA-256, UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER */
    char payload_hash[65];
    awsc_sink_fn sink;
    void *sink_user;
    /* flexible checksums: an aws-chunked upload's encoder and the response's validation, or NULL */
    struct awsc_checksum_call *checksum;
    /* an event-stream output: the engine's state for the call (op->event_stream), or NULL */
    struct awsc_event_call *events;
    int attempt, sends, taken;
    long waited;
    bool skew_retry_used;
    bool paginated;          /* a paginator's page (user agent metric C) */
    const awsc_account_endpoint *account_ep; /* the endpoint for the credentials' account, or NULL: the client's */
    struct timespec started;
} awsc_call;

/* A string setting: code, else the environment, else the profile's `key`; *owned is what to free. */
const char *awsc_setting(const char *code, const char *env, const char *profile, const char *key, char **owned);

/* auth.c: the client's auth settings (preference, bearer token), and their release. */
int awsc_auth_setup(awsc_client *c, const awsc_config *cfg, const char *profile, awsc_error *err);
void awsc_auth_free(awsc_client *c);
/*
 * Picks the call's scheme in the operation's order (the preference first)
 * and resolves its identity: credentials for SigV4/SigV4a, a token for
 * bearer auth; k->auth 0 when it goes unsigned (no auth, mutual TLS, or
 * optionalAuth without credentials).
 */
int awsc_auth_select(awsc_client *c, awsc_call *k, awsc_error *err);
/* Adds `Authorization: Bearer` for AWSC_AUTH_BEARER. */
int awsc_auth_bearer_header(awsc_call *k, awsc_error *err);

typedef enum awsc_call_next { AWSC_CALL_DONE, AWSC_CALL_RETRY } awsc_call_next;

/* The strings an operationContextParams path finds, in order (free `v`). */
typedef struct awsc_ep_strings {
    const char **v;
    size_t n, cap;
} awsc_ep_strings;

/*
 * The input's value for an operation's endpoint binding into `p`: 1 when set,
 * 0 when the input leaves it out, -1 when out of memory. `found` keeps the
 * strings of a path (a string array points into it).
 */
int awsc_endpoint_binding_value(const awsc_endpoint_binding *b, const void *input, awsc_endpoint_param *p,
                                awsc_ep_strings *found);

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
 * DONE with *result and, on success, *output (reported after *delay ms when that is
 * not 0: a long-polling operation backs off even when the retry quota refuses a
 * retry); or RETRY after *delay ms.
 */
awsc_call_next awsc_call_complete(awsc_call *k, int rc, awsc_http_response *resp, void **output, int *result,
                                  long *delay, awsc_error *err);
/* Records a call that gives up (attempts, delay) and logs it. */
void awsc_call_fail(awsc_call *k, int rc, awsc_error *err);
void awsc_call_end(awsc_call *k);
/* awsc_client_invoke_to_sink for a paginator's page (its user agent says so). */
int awsc_client_invoke_page(awsc_client *c, const awsc_operation *op, const void *input, void **output,
                            awsc_error *err);

/* The initial response of a REST event stream (into a new output): what the client lends the event engine. */
int awsc_call_parse_initial(const awsc_operation *op, const awsc_http_response *resp, void **output, awsc_error *err);

/*
 * Why `op` cannot run as an output event stream (`async`: the misuse message names the async
 * call to use instead) or as an input event stream with (or without) these callbacks; NULL when it can.
 */
const char *awsc_output_stream_misuse(const awsc_operation *op, bool on_event, bool async);
const char *awsc_input_stream_misuse(const awsc_operation *op, bool next_event, bool on_event);

#endif
