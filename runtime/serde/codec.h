/*
 * Body codecs: what differs between the AWS protocols once HTTP bindings have
 * placed labels, query parameters and headers (rest.c does that part for all
 * of them). One table of functions per protocol; rest.c calls through
 * op->codec and never names a format itself.
 */
#ifndef AWSC_CODEC_H
#define AWSC_CODEC_H

#include "util/arena.h"
#include "awsc/schema.h"
#include "http/http.h"
#include "serde/rest.h"

#include <stddef.h>

/* The code, message and request id found in an error body (arena strings, NULL when absent). */
typedef struct awsc_error_fields {
    const char *code;
    const char *message;
    const char *request_id;
    const char *type; /* the XML protocols' <Type> (Sender, Receiver), or NULL */
    const char *host_id; /* S3's <HostId>: its extended request id, or NULL */
} awsc_error_fields;

/*
 * One string member of the little shape a codec reads an error body through:
 * the body's key `key` into `field` of the codec's own struct `st`.
 */
#define AWSC_ERROR_FIELD(st, key, field)                                                                       \
    {.name = key, .wire_name = key, .offset = offsetof(st, field), .has_offset = AWSC_NO_OFFSET,               \
     .raw_offset = AWSC_NO_OFFSET, .type = AWSC_T_STRING}

struct awsc_codec {
    const char *name; /* the protocol, e.g. "restJson1" */
    /*
     * RPC protocols (awsJson, awsQuery, ec2Query) send every input member in
     * the body of a POST to "/" and ignore HTTP binding traits; REST protocols
     * bind members to the path, query and headers first.
     */
    bool rpc;

    /*
     * Smithy RPC v2 protocols: the Smithy-Protocol value ("rpc-v2-cbor") that
     * a response must carry too; one without it is malformed, and only its
     * status counts (its body and headers are not read). NULL for the others.
     */
    const char *smithy_protocol;

    /*
     * Writes the body-bound members of `input` (an op->input structure, or
     * NULL when the operation has no input) into req->body and adds the
     * Content-Type and any protocol headers. `token` fills an unset
     * idempotency-token member that travels in the body (NULL: none needed).
     * REST codecs are called only when the input has body members.
     */
    int (*write_body)(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                      awsc_error *err);

    /* REST: writes a structure, union or document @httpPayload member as the whole body (and its Content-Type). */
    int (*write_payload)(const awsc_member *m, const void *input, awsc_rest_request *req, awsc_error *err);

    /*
     * Reads the body-bound members of `shape` (op's output, or an error shape
     * when `is_error`) from a response body into `out`. An empty body means
     * no members.
     */
    int (*read_body)(const awsc_operation *op, const awsc_shape *shape, bool is_error, void *out, const char *body,
                     size_t len, awsc_arena *arena, awsc_error *err);

    /* REST: reads a structure, union or document @httpPayload member from the whole body. */
    int (*read_payload)(const awsc_member *m, void *container, const char *body, size_t len, awsc_arena *arena,
                        awsc_error *err);

    /*
     * Finds the error code, message and request id in an error response
     * (headers and body). Returns 0, or -1 when out of memory; a body it
     * cannot parse leaves the fields NULL.
     */
    int (*error_fields)(const awsc_http_response *resp, awsc_arena *scratch, awsc_error_fields *out);


    /*
     * Trace logs: appends `body` to `out` with the value of every key, element
     * or field that `secret` names replaced by <redacted>; what does not parse
     * is left out, not shown. Returns -1 when out of memory.
     */
    int (*redact)(const char *body, size_t len, bool (*secret)(const void *user, const char *name, size_t len),
                  const void *user, awsc_buf *out);
};

#endif
