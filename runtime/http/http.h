/* HTTP over libcurl: one easy handle per client keeps its connections alive. */
#ifndef AWSC_HTTP_H
#define AWSC_HTTP_H

#include "awsc/awsc.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct awsc_header {
    const char *name;
    const char *value;
} awsc_header;

typedef struct awsc_http_request {
    const char *method;          /* "GET", "POST", ... */
    const char *url;             /* scheme://host[:port]/path?query, already encoded */
    const awsc_header *headers;  /* sent exactly as given (Host included) */
    size_t header_count;
    /* Optional: [2i], [2i + 1] header i's name and value lengths, 0 when not known. A length is
     * used only when the byte there is the NUL, and a NUL before it is refused: never a wrong one. */
    const size_t *header_lens;
    const uint8_t *body;         /* may be NULL when body_len is 0 */
    size_t body_len;
    /* Instead of body/body_len: a body read piece by piece (length -1: unknown, sent chunked). */
    long (*body_read)(void *user, uint8_t *buf, size_t cap);
    void *body_read_user;
    int64_t body_read_length;
    /*
     * body_read may return AWSC_HTTP_READ_PAUSE (nothing to send yet): the upload pauses, and is
     * asked again after each piece of the response body and about once a second.
     */
    bool body_read_pauses;
    /* HTTP/2 (TLS: negotiated; http://: prior knowledge) instead of HTTP/1.1 */
    bool http2;
    /* When set, a 2xx response body goes here instead of resp->body (no size cap applies). */
    awsc_sink_fn sink;
    void *sink_user;
} awsc_http_request;

/* What a pausing body_read returns when it has nothing to send yet. */
#define AWSC_HTTP_READ_PAUSE (-2L)

typedef struct awsc_http_response {
    long status;
    awsc_header *headers;        /* names as received, values trimmed; final response only (not 1xx); they point into header_text */
    size_t header_count;
    size_t header_cap;           /* internal: room in `headers` */
    awsc_buf body;
    bool timed_out;              /* set when the send failed because a timeout expired */
    bool final_failure;          /* set when a failed send would fail again (size cap, callbacks) */
    awsc_buf header_text;        /* internal: "name\0value\0" of every header, one block for all */
} awsc_http_response;

typedef struct awsc_http_options {
    const char *ca_file;         /* NULL: system default; set without ca_path: only this bundle is trusted */
    const char *ca_path;
    long connect_timeout_ms;     /* 0: 3000 */
    long request_timeout_ms;     /* 0: 30000 */
    size_t max_response_bytes;   /* 0: 16 MiB; larger bodies fail with AWSC_E_TRANSPORT */
    const char *cert_file;       /* PEM client certificate for mutual TLS, or NULL */
    const char *key_file;        /* its PEM private key (NULL: in cert_file) */
} awsc_http_options;

typedef struct awsc_http awsc_http;

/* Initialises libcurl once per process (thread-safe). Returns 0 or -1. */
int awsc_http_global_init(void);

/*
 * The proxy for `url` from upper-case HTTP_PROXY, which libcurl ignores (it reads only http_proxy
 * for plain HTTP) and botocore honours: it when `url` is http://, http_proxy is unset and the
 * process is not a CGI script (REQUEST_METHOD unset: there a client's "Proxy:" header can set
 * HTTP_PROXY). NULL: libcurl's own environment rules apply (https_proxy, HTTPS_PROXY, no_proxy,
 * NO_PROXY, ...; no_proxy applies to this one too).
 */
const char *awsc_http_env_proxy(const char *url);

/* NULL options mean all defaults. NULL on out of memory or negative timeouts. */
awsc_http *awsc_http_new(const awsc_http_options *opts);
void awsc_http_free(awsc_http *h);

/*
 * Sends the request and fills `resp` (which the caller frees with
 * awsc_http_response_free even on failure). TLS peer and host verification
 * are always on. Calls on one awsc_http are serialised by a mutex.
 * Returns AWSC_OK, or AWSC_E_TRANSPORT / AWSC_E_NOMEM with `err` filled.
 *
 * Only our headers go out, plus Host (when absent from `headers`) and
 * Content-Length, which curl adds; curl's own Expect, Accept and default
 * Content-Type are suppressed. A request that could be misread on the wire
 * (CR or LF in a header name or value, ':' or control characters in a name,
 * spaces or control characters in the method or URL) is refused with
 * AWSC_E_TRANSPORT before anything is sent. Redirects are not followed, and
 * only http and https URLs are allowed. A response body (or header block)
 * larger than max_response_bytes aborts the transfer with AWSC_E_TRANSPORT;
 * it is never truncated. On failure `resp` is left empty. The handle stays
 * usable after any failure.
 */
int awsc_http_send(awsc_http *h, const awsc_http_request *req, awsc_http_response *resp, awsc_error *err);

void awsc_http_response_free(awsc_http_response *resp);

/*
 * Empties `resp` for another exchange but keeps its storage (header table,
 * header text, body buffer), so a caller that sends request after request
 * allocates nothing for responses once the buffers have grown to size.
 * Pass such a response to awsc_http_send_reusing / awsc_http_exchange_start_reusing.
 */
void awsc_http_response_reset(awsc_http_response *resp);

/*
 * awsc_http_send into a response that is zeroed or was emptied by
 * awsc_http_response_reset (never one holding garbage): its storage is reused.
 */
int awsc_http_send_reusing(awsc_http *h, const awsc_http_request *req, awsc_http_response *resp, awsc_error *err);

/*
 * The same exchange on its own easy handle, for libcurl's multi interface:
 * start configures it (the request and its strings must stay alive until
 * finish), the caller runs the handle (awsc_http_exchange_easy) in a multi
 * handle, and finish turns curl's result into `resp` or `err` exactly as
 * awsc_http_send does. An exchange is reused for later requests.
 */
typedef struct awsc_http_exchange awsc_http_exchange;
awsc_http_exchange *awsc_http_exchange_new(void);
void awsc_http_exchange_free(awsc_http_exchange *x);
void *awsc_http_exchange_easy(awsc_http_exchange *x);
int awsc_http_exchange_start(awsc_http *h, awsc_http_exchange *x, const awsc_http_request *req,
                             awsc_http_response *resp, awsc_error *err);
/* The same, into a response zeroed or emptied by awsc_http_response_reset (its storage is reused). */
int awsc_http_exchange_start_reusing(awsc_http *h, awsc_http_exchange *x, const awsc_http_request *req,
                                     awsc_http_response *resp, awsc_error *err);
int awsc_http_exchange_finish(awsc_http *h, awsc_http_exchange *x, int curl_code, awsc_http_response *resp,
                              awsc_error *err);
/*
 * An exchange whose upload paused (an event stream's source had nothing yet)
 * asks its body again if it waited 200 ms: libcurl's multi interface may not
 * visit a paused handle by itself. True while the upload is still paused.
 */
bool awsc_http_exchange_poke(awsc_http_exchange *x);

/* Case-insensitive lookup; the first match or NULL. */
const char *awsc_http_response_header(const awsc_http_response *resp, const char *name);

#endif
