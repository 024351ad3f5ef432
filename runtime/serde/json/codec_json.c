/* The JSON body codecs: restJson1 (REST bindings, JSON body) and awsJson1_0/1_1 (RPC). */
#include "serde/codec.h"

#include "util/error.h"
#include "serde/json/json.h"

#include <string.h>

#define NOMEM(err) awsc_error_nomem(err)

/* The input's body members as one JSON object, with an unset idempotency token filled in. */
static int write_object(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                        awsc_error *err)
{
    int rc = awsc_json_write(&req->body, op->input, input, AWSC_JSON_WIRE, true, err);
    if (rc)
        return rc;
    /* Fill an unset body idempotency token without touching the caller's input. */
    for (uint32_t i = 0; token && i < op->input->member_count; i++) {
        const awsc_member *m = &op->input->members[i];
        if (m->binding != AWSC_B_BODY || !(m->flags & AWSC_F_IDEMPOTENCY_TOKEN) || awsc_member_present(m, input))
            continue;
        req->body.len--; /* drop '}' */
        if ((req->body.len > 1 && awsc_buf_putc(&req->body, ',')) ||
            awsc_json_write_string(&req->body, m->wire_name, strlen(m->wire_name)) ||
            awsc_buf_putc(&req->body, ':') || awsc_json_write_string(&req->body, token, strlen(token)) ||
            awsc_buf_putc(&req->body, '}'))
            return NOMEM(err);
    }
    req->has_body = true;
    return 0;
}

static int rest_write_body(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                           awsc_error *err)
{
    int rc = write_object(op, input, token, req, err);
    return rc ? rc : awsc_rest_content_type(req, "application/json", err);
}

/* awsJson: POST / with the operation in X-Amz-Target and a JSON object body, "{}" at least. */
static int rpc_write_body(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                          awsc_error *err)
{
    if (awsc_rest_add_header(req, "X-Amz-Target", op->target))
        return NOMEM(err);
    int rc = 0;
    if (op->input) {
        rc = write_object(op, input, token, req, err);
    } else {
        req->has_body = true;
        rc = awsc_buf_puts(&req->body, "{}") ? NOMEM(err) : 0;
    }
    return rc ? rc : awsc_rest_content_type(req, op->content_type, err);
}

/* rpcv2Json: POST /service/S/operation/O (the descriptor's path), a JSON object body unless there is no input. */
static int rpcv2_write_body(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *req,
                            awsc_error *err)
{
    if (awsc_rest_add_header(req, "smithy-protocol", "rpc-v2-json") ||
        awsc_rest_add_header(req, "Accept", "application/json"))
        return NOMEM(err);
    if (!op->input)
        return 0; /* no body and no Content-Type */
    int rc = write_object(op, input, token, req, err);
    return rc ? rc : awsc_rest_content_type(req, "application/json", err);
}

static int write_payload(const awsc_member *m, const void *input, awsc_rest_request *req, awsc_error *err)
{
    int rc;
    /* An unset structure payload is still an (empty) JSON object; an unset union or document is no body. */
    if (!awsc_member_present(m, input) && m->type == AWSC_T_STRUCT)
        rc = awsc_buf_puts(&req->body, "{}") ? NOMEM(err) : 0;
    else if (!awsc_member_present(m, input))
        return 0;
    else
        rc = awsc_json_write_member(&req->body, m, input, AWSC_JSON_WIRE, err);
    if (rc)
        return rc;
    req->has_body = true;
    return awsc_rest_content_type(req, awsc_member_media_type(m) ? awsc_member_media_type(m) : "application/json", err);
}

static int read_body(const awsc_operation *op, const awsc_shape *shape, bool is_error, void *out, const char *body,
                     size_t len, awsc_arena *arena, awsc_error *err)
{
    (void)op;
    (void)is_error;
    /* An empty body is an empty object. */
    size_t ws = 0;
    while (ws < len && strchr(" \t\r\n", body[ws]))
        ws++;
    if (ws == len)
        return awsc_json_read(shape, out, "{}", 2, arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE, err);
    return awsc_json_read(shape, out, body, len, arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE, err);
}

static int read_payload(const awsc_member *m, void *container, const char *body, size_t len, awsc_arena *arena,
                        awsc_error *err)
{
    return awsc_json_read_member(m, container, body, len, arena, AWSC_JSON_WIRE, AWSC_E_RESPONSE, err);
}

/* Pulls "__type"/"code" and "message" out of an error body, whatever its shape. */
typedef struct json_error_fields {
    char *type;
    char *code;
    char *message;
} json_error_fields;

#define ERROR_FIELD(key, field) AWSC_ERROR_FIELD(json_error_fields, key, field)
static const awsc_member error_fields_members[] = {
    ERROR_FIELD("__type", type),     ERROR_FIELD("code", code),          ERROR_FIELD("message", message),
    ERROR_FIELD("Message", message), ERROR_FIELD("errorMessage", message),
};
static const awsc_shape error_fields_shape = {.name = "Error", .type = AWSC_T_STRUCT,
                                              .size = sizeof(json_error_fields),
                                              .members = error_fields_members, .member_count = 5};

/* The error body through error_fields_shape: AWSC_OK, AWSC_E_NOMEM, or another status when it is not JSON. */
static int read_error_body(const awsc_http_response *resp, awsc_arena *scratch, json_error_fields *fields)
{
    if (!resp->body.len)
        return AWSC_E_RESPONSE;
    awsc_error ignored = AWSC_ERROR_INIT;
    int rc = awsc_json_read(&error_fields_shape, fields, resp->body.data, resp->body.len, scratch, AWSC_JSON_WIRE,
                            AWSC_E_RESPONSE, &ignored);
    awsc_error_clear(&ignored);
    return rc;
}

static int error_fields(const awsc_http_response *resp, awsc_arena *scratch, awsc_error_fields *out)
{
    json_error_fields fields = {0};
    int rc = read_error_body(resp, scratch, &fields);
    if (rc == AWSC_E_NOMEM)
        return -1;
    bool body_ok = rc == AWSC_OK;
    /* The x-amzn-errortype header, else the body's "code", else its "__type". */
    out->code = awsc_http_response_header(resp, "x-amzn-errortype");
    if ((!out->code || !*out->code) && body_ok)
        out->code = fields.code ? fields.code : fields.type;
    out->message = body_ok ? fields.message : NULL;
    if (!out->message)
        out->message = awsc_http_response_header(resp, "x-amzn-errormessage");
    return 0;
}

const awsc_codec awsc_codec_rest_json = {
    .name = "restJson1",
    .rpc = false,
    .write_body = rest_write_body,
    .write_payload = write_payload,
    .read_body = read_body,
    .read_payload = read_payload,
    .error_fields = error_fields,
    .redact = awsc_json_redact,
};

const awsc_codec awsc_codec_aws_json = {
    .name = "awsJson",
    .rpc = true,
    .write_body = rpc_write_body,
    .write_payload = write_payload,
    .read_body = read_body,
    .read_payload = read_payload,
    .error_fields = error_fields,
    .redact = awsc_json_redact,
};

/* rpcv2Json: the error is named by "__type" alone (X-Amzn-ErrorType and "code" must be ignored). */
static int rpcv2_error_fields(const awsc_http_response *resp, awsc_arena *scratch, awsc_error_fields *out)
{
    json_error_fields fields = {0};
    int rc = read_error_body(resp, scratch, &fields);
    if (rc == AWSC_E_NOMEM)
        return -1;
    if (rc == AWSC_OK) {
        out->code = fields.type;
        out->message = fields.message;
    }
    return 0;
}

const awsc_codec awsc_codec_rpcv2_json = {
    .name = "rpcv2Json",
    .rpc = true,
    .smithy_protocol = "rpc-v2-json",
    .write_body = rpcv2_write_body,
    .write_payload = write_payload,
    .read_body = read_body,
    .read_payload = read_payload,
    .error_fields = rpcv2_error_fields,
    .redact = awsc_json_redact,
};
