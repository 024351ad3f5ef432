/*
 * HTTP bindings: input structure -> method, path, query, headers
 * and body; response -> output structure or typed error.
 */
#ifndef AWSC_REST_H
#define AWSC_REST_H

#include "util/arena.h"
#include "awsc/schema.h"
#include "util/buf.h"
#include "http/http.h"

/* One encoded "key=value" query parameter, kept with its raw key for sorting. */
typedef struct awsc_query_param {
    char *key;
    char *encoded;
} awsc_query_param;

typedef struct awsc_rest_request {
    awsc_buf path;        /* encoded, starts with '/' */
    awsc_buf query;       /* encoded, without '?'; empty when none (built by awsc_rest_serialize) */
    awsc_query_param *params; /* bound query parameters before they are joined */
    size_t param_count, param_cap;
    awsc_header *headers; /* names and values live in `strings` */
    size_t header_count, header_cap;
    /* [2i], [2i + 1]: header i's name and value lengths when known, else 0 (in the same block as
     * `headers`, after its header_cap entries); the HTTP layer's checks then need not measure them. */
    size_t *header_lens;
    awsc_buf body;
    bool has_body;
    awsc_buf host_prefix; /* the operation's host prefix with its labels filled; empty when none */
    const awsc_stream *stream; /* a payload read through a callback (the body is then empty) */
    awsc_arena *strings;  /* header names and values: one allocation instead of two per header */
} awsc_rest_request;

/*
 * Serializes `input` (may be NULL for operations without input). `token` is
 * the idempotency token used for an unset token member (NULL: none needed).
 */
int awsc_rest_serialize(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                        awsc_error *err);
/*
 * awsc_rest_serialize into a request that is zeroed or was emptied by
 * awsc_rest_request_reset: its buffers are reused instead of allocated again.
 */
int awsc_rest_serialize_reusing(const awsc_operation *op, const void *input, const char *token,
                                awsc_rest_request *req, awsc_error *err);
/* Empties the request but keeps its buffers, header table and string arena for the next one. */
void awsc_rest_request_reset(awsc_rest_request *req);
void awsc_rest_request_free(awsc_rest_request *req);
int awsc_rest_add_header(awsc_rest_request *req, const char *name, const char *value);
/*
 * As awsc_rest_add_header for a name that outlives the request (a literal: not copied), with the
 * name's and the value's lengths when known (0: not known; the request's checks measure them). The
 * value is copied into req->strings when `copy` (value[value_len] need not be NUL), else it must
 * live in req->strings or longer. awsc_rest_add_header_lit takes a literal's length.
 */
int awsc_rest_add_header_lens(awsc_rest_request *req, const char *name, size_t name_len, const char *value,
                              size_t value_len, bool copy);
#define awsc_rest_add_header_lit(req, lit, value, value_len, copy) \
    awsc_rest_add_header_lens((req), "" lit, sizeof(lit) - 1, (value), (value_len), (copy))

/* The ids a response carries for support cases (pointers into its headers, NULL when absent). */
typedef struct awsc_response_ids {
    const char *request_id;          /* x-amzn-requestid, else S3's x-amz-request-id */
    const char *extended_request_id; /* x-amz-id-2 */
    const char *cf_id;               /* x-amz-cf-id */
} awsc_response_ids;
void awsc_rest_response_ids(const awsc_http_response *resp, awsc_response_ids *out);
bool awsc_rest_has_header(const awsc_rest_request *req, const char *name);
/* Adds Content-Type: `type` unless a member bound to the header has set it already. */
int awsc_rest_content_type(awsc_rest_request *req, const char *type, awsc_error *err);

/* Fills the output structure `out` (of op->output) from a successful response. */
int awsc_rest_parse_output(const awsc_operation *op, const awsc_http_response *resp, awsc_arena *arena, void *out,
                           awsc_error *err);


/*
 * Turns an error response into `err` (status AWSC_E_SERVICE): code, message,
 * request id and, when the code names a modeled error, its typed detail.
 */
int awsc_rest_parse_error(const awsc_service *svc, const awsc_operation *op, const awsc_http_response *resp,
                          awsc_error *err);

/*
 * S3's customizations that are code (awsc_operation_ext.s3, awsc/schema.h): only S3's
 * operations point at them, so no other service's program links them.
 */
struct awsc_s3_customizations {
    /* After the members are bound: the SSE-C key's MD5 when only the key is set. */
    int (*finish_request)(awsc_rest_request *req, awsc_error *err);
    /* A 2xx answer read whole: AWSC_OK when it is the success it says, else the error it is. */
    int (*error_in_2xx)(const awsc_service *svc, const awsc_operation *op, const awsc_http_response *resp,
                        awsc_error *err);
};

/* "aws.protocoltests#FooError:http://..." -> "FooError" (into `out`). */
void awsc_rest_sanitize_error_code(const char *raw, size_t len, awsc_buf *out);

#endif
