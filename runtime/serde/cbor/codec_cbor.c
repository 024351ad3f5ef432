/*
 * The Smithy RPC v2 CBOR codec (smithy.protocols#rpcv2Cbor): every call is a
 * POST to /service/{Service}/operation/{Operation} (the path comes with the
 * operation's descriptor) with `smithy-protocol: rpc-v2-cbor`, the input as
 * one CBOR map, and errors named by the body's "__type" shape id.
 */
#include "awsc/cbor.h" /* the codec is defined under its exported declaration */
#include "serde/codec.h"

#include "util/error.h"
#include "serde/cbor/cbor.h"
#include "serde/scalar.h"

#include <string.h>

#define NOMEM(err) awsc_error_nomem(err)

static int write_body(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                      awsc_error *err)
{
    if (awsc_rest_add_header(req, "smithy-protocol", "rpc-v2-cbor") ||
        awsc_rest_add_header(req, "Accept", "application/cbor"))
        return NOMEM(err);
    /* An operation without input sends no body and no Content-Type. */
    if (!op->input)
        return 0;
    int rc = awsc_cbor_write(&req->body, op->input, input, true, token, err);
    if (rc)
        return rc;
    req->has_body = true;
    return awsc_rest_content_type(req, "application/cbor", err);
}

/*
 * No HTTP payloads in an RPC protocol, but an event's @eventPayload structure or union
 * (event streams, input.c) is its message's whole payload: one CBOR map of its own.
 */
static int write_payload(const awsc_member *m, const void *input, awsc_rest_request *req, awsc_error *err)
{
    if (m->type != AWSC_T_STRUCT && m->type != AWSC_T_UNION)
        return awsc_error_set(err, AWSC_E_VALIDATION, "rpcv2Cbor cannot carry %s as a payload", m->name);
    const void *value = awsc_member_present(m, input) ? *(const void *const *)awsc_member_slot(m, input) : NULL;
    int rc;
    if (value)
        rc = awsc_cbor_write(&req->body, m->shape, value, false, NULL, err);
    else if (m->type == AWSC_T_STRUCT) /* an unset structure is still an (empty) map; an unset union no payload */
        rc = awsc_cbor_put_head(&req->body, 5, 0) ? NOMEM(err) : 0;
    else
        return 0;
    if (rc)
        return rc;
    req->has_body = true;
    return awsc_rest_content_type(req, "application/cbor", err);
}

static int read_body(const awsc_operation *op, const awsc_shape *shape, bool is_error, void *out, const char *body,
                     size_t len, awsc_arena *arena, awsc_error *err)
{
    (void)op;
    (void)is_error;
    if (len == 0) { /* no body: an empty map */
        static const uint8_t empty[] = {0xa0};
        return awsc_cbor_read(shape, out, empty, 1, arena, AWSC_E_RESPONSE, err);
    }
    return awsc_cbor_read(shape, out, (const uint8_t *)body, len, arena, AWSC_E_RESPONSE, err);
}

/* An event's @eventPayload structure or union from its message's payload (an empty one: an empty map). */
static int read_payload(const awsc_member *m, void *container, const char *body, size_t len, awsc_arena *arena,
                        awsc_error *err)
{
    static const uint8_t empty[] = {0xa0};
    if (m->type != AWSC_T_STRUCT && m->type != AWSC_T_UNION)
        return awsc_error_set(err, AWSC_E_RESPONSE, "rpcv2Cbor cannot carry %s as a payload", m->name);
    void *value = awsc_arena_alloc(arena, m->shape->size);
    if (!value)
        return NOMEM(err);
    int rc = len ? awsc_cbor_read(m->shape, value, (const uint8_t *)body, len, arena, AWSC_E_RESPONSE, err)
                 : awsc_cbor_read(m->shape, value, empty, 1, arena, AWSC_E_RESPONSE, err);
    if (rc)
        return rc;
    *(void **)awsc_member_slot(m, container) = value;
    if (m->has_offset != AWSC_NO_OFFSET)
        *((unsigned char *)container + m->has_offset) = 1;
    return AWSC_OK;
}

/* "__type" (the error's shape id) and "message" out of an error body, whatever else it holds. */
typedef struct cbor_error_fields {
    char *type;
    char *message;
} cbor_error_fields;

#define ERROR_FIELD(key, field) AWSC_ERROR_FIELD(cbor_error_fields, key, field)
static const awsc_member error_fields_members[] = {
    ERROR_FIELD("__type", type),
    ERROR_FIELD("message", message),
    ERROR_FIELD("Message", message),
};
static const awsc_shape error_fields_shape = {.name = "Error", .type = AWSC_T_STRUCT,
                                              .size = sizeof(cbor_error_fields),
                                              .members = error_fields_members, .member_count = 3};

static int error_fields(const awsc_http_response *resp, awsc_arena *scratch, awsc_error_fields *out)
{
    cbor_error_fields fields = {0};
    awsc_error ignored = AWSC_ERROR_INIT;
    int rc = resp->body.len ? awsc_cbor_read(&error_fields_shape, &fields, (const uint8_t *)resp->body.data,
                                             resp->body.len, scratch, AWSC_E_RESPONSE, &ignored)
                            : AWSC_E_RESPONSE;
    awsc_error_clear(&ignored);
    if (rc == AWSC_E_NOMEM)
        return -1;
    if (rc == AWSC_OK) {
        out->code = fields.type; /* "ns#Name": rest.c keeps the part after '#' */
        out->message = fields.message;
    }
    return 0;
}

/* Trace logs: the body in CBOR diagnostic notation, secrets redacted. */
static int redact(const char *body, size_t len, bool (*secret)(const void *user, const char *name, size_t len),
                  const void *user, awsc_buf *out)
{
    awsc_buf text = AWSC_BUF_INIT;
    int rc = awsc_cbor_diagnostic((const uint8_t *)body, len, false, secret, user, &text);
    if (rc == 0)
        rc = awsc_buf_append(out, text.data ? text.data : "", text.len);
    else if (rc == -2)
        rc = awsc_buf_printf(out, "(%zu bytes that are not CBOR)", len);
    awsc_buf_free(&text);
    return rc ? -1 : 0;
}

const awsc_codec awsc_codec_rpcv2_cbor = {
    .name = "rpcv2Cbor",
    .rpc = true,
    .smithy_protocol = "rpc-v2-cbor",
    .write_body = write_body,
    .write_payload = write_payload,
    .read_body = read_body,
    .read_payload = read_payload,
    .error_fields = error_fields,
    .redact = redact,
};
