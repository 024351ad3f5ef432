/*
 * restJson1 HTTP bindings: requests built from hand-written operation
 * descriptors, responses and errors parsed back into hand-written structures.
 */
#include <criterion/criterion.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "http/http.h"
#include "serde/json/json.h"
#include "serde/rest.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- shapes ------------------------------------------------------------- */

typedef enum color { COLOR_NOT_SET = 0, COLOR_RED = 1, COLOR_GREEN = 2, COLOR_UNKNOWN = -1 } color;

typedef struct str_list {
    const char **items;
    size_t count;
} str_list;

typedef struct ts_list {
    awsc_timestamp *items;
    size_t count;
} ts_list;

typedef struct int_list {
    int32_t *items;
    size_t count;
} int_list;

typedef struct str_map_entry {
    const char *key;
    const char *value;
} str_map_entry;

typedef struct str_map {
    str_map_entry *entries;
    size_t count;
} str_map;

typedef struct list_map_entry {
    const char *key;
    str_list value;
} list_map_entry;

typedef struct list_map {
    list_map_entry *entries;
    size_t count;
} list_map;

typedef struct inner {
    const char *name;
    int32_t n;
    bool has_n;
} inner;

#define M(C, nm, wire, fld, T) .name = nm, .wire_name = wire, .offset = offsetof(C, fld), .type = T
#define NOHAS .has_offset = AWSC_NO_OFFSET
#define HAS(C, f) .has_offset = offsetof(C, f)
#define NORAW .raw_offset = AWSC_NO_OFFSET
#define ELEM(T) .name = "member", .wire_name = "member", .offset = 0, .type = T, NOHAS, NORAW

static const char *const color_values[] = {"RED", "GREEN"};
static const awsc_shape color_shape = {.name = "Color", .type = AWSC_T_ENUM, .size = sizeof(color),
                                       .enum_values = color_values, .enum_count = 2};

static const awsc_member str_list_members[] = {{ELEM(AWSC_T_STRING)}};
static const awsc_shape str_list_shape = {.name = "StrList", .type = AWSC_T_LIST, .size = sizeof(const char *),
                                          .members = str_list_members, .member_count = 1};
static const awsc_member ts_list_members[] = {{ELEM(AWSC_T_TIMESTAMP)}};
static const awsc_shape ts_list_shape = {.name = "TsList", .type = AWSC_T_LIST, .size = sizeof(awsc_timestamp),
                                         .members = ts_list_members, .member_count = 1};
static const awsc_member int_list_members[] = {{ELEM(AWSC_T_INT)}};
static const awsc_shape int_list_shape = {.name = "IntList", .type = AWSC_T_LIST, .size = sizeof(int32_t),
                                          .members = int_list_members, .member_count = 1};
static const awsc_member str_map_members[] = {
    {M(str_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(str_map_entry, "value", "value", value, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape str_map_shape = {.name = "StrMap", .type = AWSC_T_MAP, .size = sizeof(str_map_entry),
                                         .members = str_map_members, .member_count = 2};
static const awsc_member list_map_members[] = {
    {M(list_map_entry, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW},
    {M(list_map_entry, "value", "value", value, AWSC_T_LIST), NOHAS, NORAW, .shape = &str_list_shape},
};
static const awsc_shape list_map_shape = {.name = "ListMap", .type = AWSC_T_MAP, .size = sizeof(list_map_entry),
                                          .members = list_map_members, .member_count = 2};
static const awsc_member inner_members[] = {
    {M(inner, "name", "name", name, AWSC_T_STRING), NOHAS, NORAW},
    {M(inner, "n", "n", n, AWSC_T_INT), HAS(inner, has_n), NORAW},
};
static const awsc_shape inner_shape = {.name = "Inner", .type = AWSC_T_STRUCT, .size = sizeof(inner),
                                       .members = inner_members, .member_count = 2};

/* The request of most serialize tests: every binding at once. */
typedef struct req {
    const char *bucket;
    const char *key;
    const char *q;
    str_list ql;
    int32_t qi;
    bool has_qi;
    awsc_timestamp qts;
    bool has_qts;
    bool qb;
    bool has_qb;
    double qd;
    bool has_qd;
    str_map params;
    const char *h;
    str_list hl;
    awsc_timestamp hts;
    bool has_hts;
    awsc_timestamp hts_epoch;
    bool has_hts_epoch;
    ts_list htl;
    const char *media;
    int64_t hlong;
    bool has_hlong;
    double hd;
    bool has_hd;
    bool hb;
    bool has_hb;
    color henum;
    const char *henum_raw;
    str_map meta;
    const char *body_s;
    int32_t body_i;
    bool has_body_i;
} req;

static const awsc_member req_members[] = {
    {M(req, "bucket", "bucket", bucket, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_LABEL},
    /* The generator binds greedy labels as LABEL: the '+' in the URI pattern makes them greedy. */
    {M(req, "key", "key", key, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_LABEL},
    {M(req, "q", "q", q, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_QUERY},
    {M(req, "ql", "ql", ql, AWSC_T_LIST), NOHAS, NORAW, .binding = AWSC_B_QUERY, .shape = &str_list_shape},
    {M(req, "qi", "qi", qi, AWSC_T_INT), HAS(req, has_qi), NORAW, .binding = AWSC_B_QUERY},
    {M(req, "qts", "qts", qts, AWSC_T_TIMESTAMP), HAS(req, has_qts), NORAW, .binding = AWSC_B_QUERY},
    {M(req, "qb", "qb", qb, AWSC_T_BOOL), HAS(req, has_qb), NORAW, .binding = AWSC_B_QUERY},
    {M(req, "qd", "qd", qd, AWSC_T_DOUBLE), HAS(req, has_qd), NORAW, .binding = AWSC_B_QUERY},
    {M(req, "params", "params", params, AWSC_T_MAP), NOHAS, NORAW, .binding = AWSC_B_QUERY_PARAMS,
     .shape = &str_map_shape},
    {M(req, "h", "X-H", h, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
    {M(req, "hl", "X-HL", hl, AWSC_T_LIST), NOHAS, NORAW, .binding = AWSC_B_HEADER, .shape = &str_list_shape},
    {M(req, "hts", "X-Ts", hts, AWSC_T_TIMESTAMP), HAS(req, has_hts), NORAW, .binding = AWSC_B_HEADER},
    {M(req, "htsEpoch", "X-Ts-E", hts_epoch, AWSC_T_TIMESTAMP), HAS(req, has_hts_epoch), NORAW,
     .binding = AWSC_B_HEADER, .ts_format = AWSC_TS_EPOCH_SECONDS},
    {M(req, "htl", "X-TL", htl, AWSC_T_LIST), NOHAS, NORAW, .binding = AWSC_B_HEADER, .shape = &ts_list_shape},
    {M(req, "media", "X-Json", media, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER,
     .flags = AWSC_F_MEDIA_TYPE},
    {M(req, "hlong", "X-Long", hlong, AWSC_T_LONG), HAS(req, has_hlong), NORAW, .binding = AWSC_B_HEADER},
    {M(req, "hd", "X-Double", hd, AWSC_T_DOUBLE), HAS(req, has_hd), NORAW, .binding = AWSC_B_HEADER},
    {M(req, "hb", "X-Bool", hb, AWSC_T_BOOL), HAS(req, has_hb), NORAW, .binding = AWSC_B_HEADER},
    {M(req, "henum", "X-Enum", henum, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(req, henum_raw),
     .binding = AWSC_B_HEADER, .shape = &color_shape},
    {M(req, "meta", "X-Meta-", meta, AWSC_T_MAP), NOHAS, NORAW, .binding = AWSC_B_PREFIX_HEADERS,
     .shape = &str_map_shape},
    {M(req, "bodyS", "BodyS", body_s, AWSC_T_STRING), NOHAS, NORAW},
    {M(req, "bodyI", "BodyI", body_i, AWSC_T_INT), HAS(req, has_body_i), NORAW},
};
static const awsc_shape req_shape = {.name = "Req", .type = AWSC_T_STRUCT, .size = sizeof(req),
                                     .members = req_members,
                                     .member_count = sizeof req_members / sizeof req_members[0]};
static const awsc_operation put_op = {.codec = &awsc_codec_rest_json, .name = "Put", .method = "PUT", .uri = "/b/{bucket}/k/{key+}", .http_code = 200,
                                      .input = &req_shape};
static const awsc_operation list_op = {.codec = &awsc_codec_rest_json, .name = "List", .method = "GET", .uri = "/b/{bucket}/k/{key+}?list",
                                       .http_code = 200, .input = &req_shape};
static const awsc_operation list2_op = {.codec = &awsc_codec_rest_json, .name = "List2", .method = "GET", .uri = "/b/{bucket}/{key+}?x-id=List&a",
                                        .http_code = 200, .input = &req_shape};

/* Labels of other types. */
typedef struct typed_labels {
    int32_t n;
    awsc_timestamp ts;
    bool flag;
    double d;
    color c;
    const char *c_raw;
    awsc_timestamp ts_epoch;
} typed_labels;
static const awsc_member typed_labels_members[] = {
    {M(typed_labels, "n", "n", n, AWSC_T_INT), NOHAS, NORAW, .binding = AWSC_B_LABEL},
    {M(typed_labels, "ts", "ts", ts, AWSC_T_TIMESTAMP), NOHAS, NORAW, .binding = AWSC_B_LABEL},
    {M(typed_labels, "flag", "flag", flag, AWSC_T_BOOL), NOHAS, NORAW, .binding = AWSC_B_LABEL},
    {M(typed_labels, "d", "d", d, AWSC_T_DOUBLE), NOHAS, NORAW, .binding = AWSC_B_LABEL},
    {M(typed_labels, "c", "c", c, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(typed_labels, c_raw),
     .binding = AWSC_B_LABEL, .shape = &color_shape},
    {M(typed_labels, "tsEpoch", "tsEpoch", ts_epoch, AWSC_T_TIMESTAMP), NOHAS, NORAW, .binding = AWSC_B_LABEL,
     .ts_format = AWSC_TS_EPOCH_SECONDS},
};
static const awsc_shape typed_labels_shape = {.name = "TypedLabels", .type = AWSC_T_STRUCT,
                                              .size = sizeof(typed_labels), .members = typed_labels_members,
                                              .member_count = 6};
static const awsc_operation typed_labels_op = {.codec = &awsc_codec_rest_json, .name = "Typed", .method = "GET",
                                               .uri = "/t/{n}/{ts}/{flag}/{d}/{c}/{tsEpoch}", .http_code = 200,
                                               .input = &typed_labels_shape};

/* Query params map of lists, plus an explicit member that must win. */
typedef struct qp {
    const char *explicit_q;
    list_map all;
} qp;
static const awsc_member qp_members[] = {
    {M(qp, "explicitQ", "q", explicit_q, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_QUERY},
    {M(qp, "all", "all", all, AWSC_T_MAP), NOHAS, NORAW, .binding = AWSC_B_QUERY_PARAMS, .shape = &list_map_shape},
};
static const awsc_shape qp_shape = {.name = "Qp", .type = AWSC_T_STRUCT, .size = sizeof(qp), .members = qp_members,
                                    .member_count = 2};
static const awsc_operation qp_op = {.codec = &awsc_codec_rest_json, .name = "Qp", .method = "GET", .uri = "/qp", .http_code = 200,
                                     .input = &qp_shape};

/* Idempotency tokens in each location. */
typedef struct tok {
    const char *body_token;
    const char *header_token;
    const char *query_token;
    const char *other;
} tok;
static const awsc_member tok_members[] = {
    {M(tok, "bodyToken", "clientToken", body_token, AWSC_T_STRING), NOHAS, NORAW,
     .flags = AWSC_F_IDEMPOTENCY_TOKEN},
    {M(tok, "headerToken", "X-Token", header_token, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER,
     .flags = AWSC_F_IDEMPOTENCY_TOKEN},
    {M(tok, "queryToken", "token", query_token, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_QUERY,
     .flags = AWSC_F_IDEMPOTENCY_TOKEN},
    {M(tok, "other", "other", other, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape tok_shape = {.name = "Tok", .type = AWSC_T_STRUCT, .size = sizeof(tok),
                                     .members = tok_members, .member_count = 4};
static const awsc_operation tok_op = {.codec = &awsc_codec_rest_json, .name = "Tok", .method = "POST", .uri = "/tok", .http_code = 200,
                                      .input = &tok_shape};

/* Payloads. */
typedef struct blob_payload {
    const char *h;
    awsc_blob data;
} blob_payload;
static const awsc_member blob_payload_members[] = {
    {M(blob_payload, "h", "X-H", h, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
    {M(blob_payload, "data", "data", data, AWSC_T_BLOB), NOHAS, NORAW, .binding = AWSC_B_PAYLOAD},
};
static const awsc_shape blob_payload_shape = {.name = "BlobPayload", .type = AWSC_T_STRUCT,
                                              .size = sizeof(blob_payload), .members = blob_payload_members,
                                              .member_count = 2};
static const awsc_operation blob_op = {.codec = &awsc_codec_rest_json, .name = "Blob", .method = "PUT", .uri = "/blob", .http_code = 200,
                                       .input = &blob_payload_shape};

typedef struct str_payload {
    const char *text;
} str_payload;
static const awsc_member str_payload_members[] = {
    {M(str_payload, "text", "text", text, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_PAYLOAD},
};
static const awsc_shape str_payload_shape = {.name = "StrPayload", .type = AWSC_T_STRUCT,
                                             .size = sizeof(str_payload), .members = str_payload_members,
                                             .member_count = 1};
static const awsc_operation str_op = {.codec = &awsc_codec_rest_json, .name = "Str", .method = "PUT", .uri = "/str", .http_code = 200,
                                      .input = &str_payload_shape};
static const awsc_member media_payload_members[] = {
    {M(str_payload, "text", "text", text, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_PAYLOAD,
     .flags = AWSC_F_MEDIA_TYPE},
};
static const awsc_shape media_payload_shape = {.name = "MediaPayload", .type = AWSC_T_STRUCT,
                                               .size = sizeof(str_payload), .members = media_payload_members,
                                               .member_count = 1};

typedef struct struct_payload {
    const inner *in;
    const char *h;
} struct_payload;
static const awsc_member struct_payload_members[] = {
    {M(struct_payload, "in", "in", in, AWSC_T_STRUCT), NOHAS, NORAW, .binding = AWSC_B_PAYLOAD,
     .shape = &inner_shape},
    {M(struct_payload, "h", "X-H", h, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
};
static const awsc_shape struct_payload_shape = {.name = "StructPayload", .type = AWSC_T_STRUCT,
                                                .size = sizeof(struct_payload), .members = struct_payload_members,
                                                .member_count = 2};
static const awsc_operation struct_op = {.codec = &awsc_codec_rest_json, .name = "Struct", .method = "PUT", .uri = "/struct", .http_code = 200,
                                         .input = &struct_payload_shape};
static const awsc_operation no_input_op = {.codec = &awsc_codec_rest_json, .name = "NoInput", .method = "GET", .uri = "/ping", .http_code = 200};

/* The output of most parse tests. */
typedef struct out {
    const char *h;
    str_list hl;
    ts_list htl;
    int_list il;
    awsc_timestamp hts;
    bool has_hts;
    int64_t hlong;
    bool has_hlong;
    bool hb;
    bool has_hb;
    double hd;
    bool has_hd;
    float hf;
    bool has_hf;
    int8_t hby;
    bool has_hby;
    color henum;
    const char *henum_raw;
    const char *media;
    awsc_blob hblob;
    str_map meta;
    int32_t code;
    const char *body_s;
    int32_t body_i;
    bool has_body_i;
} out;
static const awsc_member out_members[] = {
    {M(out, "h", "X-H", h, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
    {M(out, "hl", "X-HL", hl, AWSC_T_LIST), NOHAS, NORAW, .binding = AWSC_B_HEADER, .shape = &str_list_shape},
    {M(out, "htl", "X-TL", htl, AWSC_T_LIST), NOHAS, NORAW, .binding = AWSC_B_HEADER, .shape = &ts_list_shape},
    {M(out, "il", "X-IL", il, AWSC_T_LIST), NOHAS, NORAW, .binding = AWSC_B_HEADER, .shape = &int_list_shape},
    {M(out, "hts", "X-Ts", hts, AWSC_T_TIMESTAMP), HAS(out, has_hts), NORAW, .binding = AWSC_B_HEADER},
    {M(out, "hlong", "X-Long", hlong, AWSC_T_LONG), HAS(out, has_hlong), NORAW, .binding = AWSC_B_HEADER},
    {M(out, "hb", "X-Bool", hb, AWSC_T_BOOL), HAS(out, has_hb), NORAW, .binding = AWSC_B_HEADER},
    {M(out, "hd", "X-Double", hd, AWSC_T_DOUBLE), HAS(out, has_hd), NORAW, .binding = AWSC_B_HEADER},
    {M(out, "hf", "X-Float", hf, AWSC_T_FLOAT), HAS(out, has_hf), NORAW, .binding = AWSC_B_HEADER},
    {M(out, "hby", "X-Byte", hby, AWSC_T_BYTE), HAS(out, has_hby), NORAW, .binding = AWSC_B_HEADER},
    {M(out, "henum", "X-Enum", henum, AWSC_T_ENUM), NOHAS, .raw_offset = offsetof(out, henum_raw),
     .binding = AWSC_B_HEADER, .shape = &color_shape},
    {M(out, "media", "X-Json", media, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER,
     .flags = AWSC_F_MEDIA_TYPE},
    {M(out, "hblob", "X-Blob", hblob, AWSC_T_BLOB), NOHAS, NORAW, .binding = AWSC_B_HEADER},
    {M(out, "meta", "X-Meta-", meta, AWSC_T_MAP), NOHAS, NORAW, .binding = AWSC_B_PREFIX_HEADERS,
     .shape = &str_map_shape},
    {M(out, "code", "code", code, AWSC_T_INT), NOHAS, NORAW, .binding = AWSC_B_RESPONSE_CODE},
    {M(out, "bodyS", "BodyS", body_s, AWSC_T_STRING), NOHAS, NORAW},
    {M(out, "bodyI", "BodyI", body_i, AWSC_T_INT), HAS(out, has_body_i), NORAW},
};
static const awsc_shape out_shape = {.name = "Out", .type = AWSC_T_STRUCT, .size = sizeof(out),
                                     .members = out_members,
                                     .member_count = sizeof out_members / sizeof out_members[0]};

/* Modeled errors. */
typedef struct not_found {
    const char *message;
    const char *resource_id;
    int32_t retry_after;
    bool has_retry_after;
} not_found;
static const awsc_member not_found_members[] = {
    {M(not_found, "message", "message", message, AWSC_T_STRING), NOHAS, NORAW},
    {M(not_found, "resourceId", "X-Resource", resource_id, AWSC_T_STRING), NOHAS, NORAW, .binding = AWSC_B_HEADER},
    {M(not_found, "retryAfter", "retryAfter", retry_after, AWSC_T_INT), HAS(not_found, has_retry_after), NORAW},
};
static const awsc_shape not_found_shape = {.name = "NotFound", .type = AWSC_T_STRUCT, .size = sizeof(not_found),
                                           .members = not_found_members, .member_count = 3, .http_error = 404};
typedef struct throttled {
    const char *message;
} throttled;
static const awsc_member throttled_members[] = {
    {M(throttled, "message", "message", message, AWSC_T_STRING), NOHAS, NORAW},
};
static const awsc_shape throttled_shape = {.name = "Throttled", .type = AWSC_T_STRUCT, .size = sizeof(throttled),
                                           .members = throttled_members, .member_count = 1, .http_error = 429};
/* a second error with NotFound's status: a bodiless 404 cannot tell the two apart */
static const awsc_shape gone_shape = {.name = "Gone", .type = AWSC_T_STRUCT, .size = sizeof(throttled),
                                      .members = throttled_members, .member_count = 1, .http_error = 404};
static const awsc_shape *const svc_errors[] = {&throttled_shape, &not_found_shape, &gone_shape};
static const uint16_t get_errors[] = {1};
static const awsc_operation get_op = {.codec = &awsc_codec_rest_json, .name = "Get", .method = "GET", .uri = "/get", .http_code = 200,
                                      .output = &out_shape, .errors = get_errors, .error_count = 1};
static const awsc_service svc = {.sdk_id = "Test", .cli_name = "test", .signing_name = "test",
                                 .endpoint_prefix = "test", .api_version = "2024-01-01", .operations = &get_op,
                                 .operation_count = 1, .errors = svc_errors, .error_count = 3};

/* ---- helpers ------------------------------------------------------------ */

static const char *header(const awsc_rest_request *r, const char *name)
{
    const char *v = NULL;
    int n = 0;
    for (size_t i = 0; i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, name) == 0) {
            v = r->headers[i].value;
            n++;
        }
    cr_assert_leq(n, 1, "header %s sent %d times", name, n);
    return v;
}

static void serialize_ok(const awsc_operation *op, const void *input, const char *token, awsc_rest_request *r)
{
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_rest_serialize(op, input, token, r, &err);
    cr_assert_eq(rc, AWSC_OK, "serialize failed: %s", err.message ? err.message : "?");
    awsc_error_clear(&err);
}

static void serialize_fails(const awsc_operation *op, const void *input, int want, const char *what)
{
    awsc_rest_request r;
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_rest_serialize(op, input, NULL, &r, &err);
    cr_assert_eq(rc, want, "%s: rc %d (%s)", what, rc, err.message ? err.message : "no message");
    cr_assert_not_null(err.message, "%s", what);
    awsc_error_clear(&err);
    awsc_rest_request_free(&r);
}

static req base_req(void)
{
    req r;
    memset(&r, 0, sizeof r);
    r.bucket = "bkt";
    r.key = "k";
    return r;
}

static awsc_http_response response(long status, awsc_header *h, size_t n, const char *body, size_t blen)
{
    awsc_http_response r;
    memset(&r, 0, sizeof r);
    r.status = status;
    r.headers = h;
    r.header_count = n;
    if (body)
        cr_assert_eq(awsc_buf_append(&r.body, body, blen), 0);
    return r;
}

/* An operation whose output is `s`, for parsing tests. */
#define OUTPUT_OP(s) (&(awsc_operation){.name = "Out", .output = (s), .codec = &awsc_codec_rest_json})

static int parse_out(awsc_header *h, size_t n, const char *body, out *o, awsc_arena *a, awsc_error *err)
{
    awsc_http_response resp = response(201, h, n, body, body ? strlen(body) : 0);
    memset(o, 0, sizeof *o);
    int rc = awsc_rest_parse_output(OUTPUT_OP(&out_shape), &resp, a, o, err);
    awsc_buf_free(&resp.body);
    return rc;
}

#define NH(a) (sizeof(a) / sizeof((a)[0]))

/* ---- request: path ------------------------------------------------------ */

Test(rest_serialize, labels_are_percent_encoded)
{
    req in = base_req();
    in.bucket = "a b/c?d#e%f+g:h@i~j._-\xC3\xA9&=";
    in.key = "dir/sub dir/file?.txt";
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(r.path.data,
                     "/b/a%20b%2Fc%3Fd%23e%25f%2Bg%3Ah%40i~j._-%C3%A9%26%3D/k/dir/sub%20dir/file%3F.txt");
    cr_assert_eq(r.query.len, 0);
    awsc_rest_request_free(&r);
    /* Greedy labels keep every '/', including leading, doubled and trailing ones. */
    in.bucket = "bkt";
    in.key = "/a//b/";
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(r.path.data, "/b/bkt/k//a//b/");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, missing_or_empty_labels_are_validation_errors)
{
    req in = base_req();
    in.bucket = "";
    serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "empty label");
    in = base_req();
    in.bucket = NULL;
    serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "absent label");
    in = base_req();
    in.key = "";
    serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "empty greedy label");
    in = base_req();
    in.key = NULL;
    serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "absent greedy label");
    static const awsc_operation bad_pattern = {.codec = &awsc_codec_rest_json, .name = "Bad", .method = "GET", .uri = "/x/{bucket",
                                               .input = &req_shape};
    in = base_req();
    serialize_fails(&bad_pattern, &in, AWSC_E_INTERNAL, "unclosed label");
    static const awsc_operation unknown_label = {.codec = &awsc_codec_rest_json, .name = "Bad", .method = "GET", .uri = "/x/{nope}",
                                                 .input = &req_shape};
    serialize_fails(&unknown_label, &in, AWSC_E_VALIDATION, "label with no member");
    /* A member bound elsewhere does not fill a label of the same name. */
    static const awsc_operation query_named = {.codec = &awsc_codec_rest_json, .name = "Bad", .method = "GET", .uri = "/x/{q}", .input = &req_shape};
    in.q = "v";
    serialize_fails(&query_named, &in, AWSC_E_VALIDATION, "label named after a query member");
}

/* "." and ".." re-route a signed request through a normalising front end: refused, naming the member. */
Test(rest_serialize, dot_labels_are_validation_errors)
{
    const char *bad_plain[] = {".", ".."};
    for (size_t i = 0; i < 2; i++) {
        req in = base_req();
        in.bucket = bad_plain[i];
        awsc_rest_request r;
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(awsc_rest_serialize(&put_op, &in, NULL, &r, &err), AWSC_E_VALIDATION, "%s", bad_plain[i]);
        cr_assert(strncmp(err.message, "bucket: ", 8) == 0, "%s", err.message);
        cr_assert_not_null(strstr(err.message, "\"..\""), "%s", err.message);
        awsc_error_clear(&err);
        awsc_rest_request_free(&r);
    }
    const char *bad_greedy[] = {".", "..", "../x", "a/../b", "a/./b", "a/..", "/.", "a//../"};
    for (size_t i = 0; i < sizeof bad_greedy / sizeof *bad_greedy; i++) {
        req in = base_req();
        in.key = bad_greedy[i];
        serialize_fails(&put_op, &in, AWSC_E_VALIDATION, bad_greedy[i]);
    }
    /* Dots inside a segment, or three of them, are names like any other. */
    const char *fine[] = {"...", ".a", "a.", "a..b", "..a"};
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
        req in = base_req();
        in.bucket = fine[i];
        in.key = "x/.../y..z/.hidden";
        awsc_rest_request r;
        serialize_ok(&put_op, &in, NULL, &r);
        awsc_rest_request_free(&r);
    }
    /* A non-greedy label may hold "a/.." : its '/' is encoded, so it is one segment. */
    req in = base_req();
    in.bucket = "a/..";
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(r.path.data, "/b/a%2F../k/k");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, labels_of_other_types)
{
    typed_labels in = {.n = -42,
                       .ts = {1576540098, 500000000},
                       .flag = true,
                       .d = 1e21,
                       .c = COLOR_UNKNOWN,
                       .c_raw = "NEW/ONE",
                       .ts_epoch = {1576540098, 0}};
    awsc_rest_request r;
    serialize_ok(&typed_labels_op, &in, NULL, &r);
    /* Timestamps in labels default to date-time. */
    cr_assert_str_eq(r.path.data, "/t/-42/2019-12-16T23%3A48%3A18.5Z/true/1e%2B21/NEW%2FONE/1576540098");
    awsc_rest_request_free(&r);
    in.c = COLOR_NOT_SET;
    serialize_fails(&typed_labels_op, &in, AWSC_E_VALIDATION, "unset enum label");
}

Test(rest_serialize, operation_without_input)
{
    awsc_rest_request r;
    serialize_ok(&no_input_op, NULL, NULL, &r);
    cr_assert_str_eq(r.path.data, "/ping");
    cr_assert_eq(r.query.len, 0);
    cr_assert_eq(r.header_count, 0);
    cr_assert(!r.has_body);
    awsc_rest_request_free(&r);
}

/* ---- request: query ----------------------------------------------------- */

Test(rest_serialize, query_members_lists_and_encoding)
{
    req in = base_req();
    in.q = "a&b=c d+\xC3\xA9/?";
    const char *items[] = {"x", "", "y z"};
    in.ql.items = items;
    in.ql.count = 3;
    in.qi = -7;
    in.has_qi = true;
    in.qts = (awsc_timestamp){1576540098, 0};
    in.has_qts = true;
    in.qb = false;
    in.has_qb = true;
    in.qd = 0.1;
    in.has_qd = true;
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    /* Sorted by key (as the JS SDK does); a list's values keep their order. */
    cr_assert_str_eq(r.query.data, "q=a%26b%3Dc%20d%2B%C3%A9%2F%3F&qb=false&qd=0.1&qi=-7&ql=x&ql=&ql=y%20z"
                                   "&qts=2019-12-16T23%3A48%3A18Z");
    awsc_rest_request_free(&r);
    /* An empty (present) list adds nothing; absent scalars add nothing. */
    in = base_req();
    in.ql.items = items;
    in.ql.count = 0;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_eq(r.query.len, 0, "query: %s", r.query.data);
    awsc_rest_request_free(&r);
}

Test(rest_serialize, literal_query_in_the_uri_comes_first)
{
    req in = base_req();
    awsc_rest_request r;
    serialize_ok(&list_op, &in, NULL, &r);
    cr_assert_str_eq(r.path.data, "/b/bkt/k/k");
    cr_assert_str_eq(r.query.data, "list");
    awsc_rest_request_free(&r);
    in.q = "v";
    serialize_ok(&list_op, &in, NULL, &r);
    cr_assert_str_eq(r.query.data, "list&q=v");
    awsc_rest_request_free(&r);
    serialize_ok(&list2_op, &in, NULL, &r);
    cr_assert_str_eq(r.path.data, "/b/bkt/k");
    cr_assert_str_eq(r.query.data, "x-id=List&a&q=v");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, query_params_map_never_overrides_members)
{
    req in = base_req();
    str_map_entry e[] = {{"q", "from-map"}, {"extra key", "x&y"}, {"qi", "9"}};
    in.params.entries = e;
    in.params.count = 3;
    in.q = "from-member";
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    /* qi is absent as a member, so the map may supply it. */
    cr_assert_str_eq(r.query.data, "extra%20key=x%26y&q=from-member&qi=9");
    awsc_rest_request_free(&r);
    in.q = NULL;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(r.query.data, "extra%20key=x%26y&q=from-map&qi=9");
    awsc_rest_request_free(&r);
    in.qi = 1;
    in.has_qi = true;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(r.query.data, "extra%20key=x%26y&q=from-map&qi=1");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, query_params_map_of_lists)
{
    const char *l1[] = {"a", "b"};
    const char *l2[] = {"c"};
    list_map_entry e[] = {{"k", {l1, 2}}, {"q", {l2, 1}}, {"empty", {l1, 0}}};
    qp in = {.explicit_q = "mine", .all = {e, 3}};
    awsc_rest_request r;
    serialize_ok(&qp_op, &in, NULL, &r);
    cr_assert_str_eq(r.query.data, "k=a&k=b&q=mine");
    awsc_rest_request_free(&r);
    in.explicit_q = NULL;
    serialize_ok(&qp_op, &in, NULL, &r);
    cr_assert_str_eq(r.query.data, "k=a&k=b&q=c");
    awsc_rest_request_free(&r);
}

/* ---- request: headers --------------------------------------------------- */

Test(rest_serialize, header_scalars)
{
    req in = base_req();
    in.h = "plain value, with comma";
    in.hts = (awsc_timestamp){1576540098, 0};
    in.has_hts = true;
    in.hts_epoch = (awsc_timestamp){1576540098, 250000000};
    in.has_hts_epoch = true;
    in.media = "{\"a\":1}";
    in.hlong = INT64_MIN;
    in.has_hlong = true;
    in.hd = NAN;
    in.has_hd = true;
    in.hb = true;
    in.has_hb = true;
    in.henum = COLOR_GREEN;
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(header(&r, "X-H"), "plain value, with comma");
    /* Timestamps in headers default to http-date. */
    cr_assert_str_eq(header(&r, "X-Ts"), "Mon, 16 Dec 2019 23:48:18 GMT");
    cr_assert_str_eq(header(&r, "X-Ts-E"), "1576540098.25");
    /* @mediaType strings are base64 in headers. */
    cr_assert_str_eq(header(&r, "X-Json"), "eyJhIjoxfQ==");
    cr_assert_str_eq(header(&r, "X-Long"), "-9223372036854775808");
    cr_assert_str_eq(header(&r, "X-Double"), "NaN");
    cr_assert_str_eq(header(&r, "X-Bool"), "true");
    cr_assert_str_eq(header(&r, "X-Enum"), "GREEN");
    cr_assert_null(header(&r, "X-HL"), "absent list: no header");
    awsc_rest_request_free(&r);
    in.henum = COLOR_UNKNOWN;
    in.henum_raw = "ORANGE";
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(header(&r, "X-Enum"), "ORANGE");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, header_lists_quote_when_needed)
{
    req in = base_req();
    const char *items[] = {"a", "b,c", "d\"e", "f\\g", " sp ", ""};
    in.hl.items = items;
    in.hl.count = 6;
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(header(&r, "X-HL"), "a, \"b,c\", \"d\\\"e\", f\\g,  sp , ");
    awsc_rest_request_free(&r);
    /* http-date lists are joined as they are: each date has its own comma. */
    awsc_timestamp ts[] = {{1576540098, 0}, {1576626498, 0}};
    in = base_req();
    in.htl.items = ts;
    in.htl.count = 2;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(header(&r, "X-TL"), "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, prefix_headers)
{
    req in = base_req();
    str_map_entry e[] = {{"a", "1"}, {"B-c", "two words"}};
    in.meta.entries = e;
    in.meta.count = 2;
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(header(&r, "X-Meta-a"), "1");
    cr_assert_str_eq(header(&r, "X-Meta-B-c"), "two words");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, header_injection_is_refused)
{
    const char *evil[] = {"a\r\nX-Evil: 1", "a\nb", "a\rb", "\n"};
    for (size_t i = 0; i < NH(evil); i++) {
        req in = base_req();
        in.h = evil[i];
        serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "scalar header");
        in = base_req();
        const char *items[] = {"ok", evil[i]};
        in.hl.items = items;
        in.hl.count = 2;
        serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "list header");
        in = base_req();
        str_map_entry bad_value[] = {{"k", evil[i]}};
        in.meta.entries = bad_value;
        in.meta.count = 1;
        serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "prefix header value");
        str_map_entry bad_key[] = {{evil[i], "v"}};
        in.meta.entries = bad_key;
        serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "prefix header name");
        in = base_req();
        in.henum = COLOR_UNKNOWN;
        in.henum_raw = evil[i];
        serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "enum raw value");
    }
    /* Base64 (media type) hides CR/LF safely. */
    req in = base_req();
    in.media = "a\r\nb";
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_str_eq(header(&r, "X-Json"), "YQ0KYg==");
    awsc_rest_request_free(&r);
}

/* ---- request: body ------------------------------------------------------ */

Test(rest_serialize, body_holds_only_body_members)
{
    req in = base_req();
    in.h = "hv";
    in.q = "qv";
    in.body_s = "s";
    in.body_i = 0;
    in.has_body_i = true;
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert(r.has_body);
    cr_assert_str_eq(r.body.data, "{\"BodyS\":\"s\",\"BodyI\":0}");
    cr_assert_str_eq(header(&r, "Content-Type"), "application/json");
    awsc_rest_request_free(&r);
    /* Body members all absent: still a JSON object. */
    in = base_req();
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert(r.has_body);
    cr_assert_str_eq(r.body.data, "{}");
    awsc_rest_request_free(&r);
    /* Invalid body content fails the whole request. */
    in.body_s = "\xFF";
    serialize_fails(&put_op, &in, AWSC_E_VALIDATION, "invalid UTF-8 in the body");
}

Test(rest_serialize, idempotency_tokens_fill_every_location)
{
    tok in;
    memset(&in, 0, sizeof in);
    awsc_rest_request r;
    serialize_ok(&tok_op, &in, "00000000-0000-4000-8000-000000000000", &r);
    cr_assert_str_eq(r.body.data, "{\"clientToken\":\"00000000-0000-4000-8000-000000000000\"}");
    cr_assert_str_eq(header(&r, "X-Token"), "00000000-0000-4000-8000-000000000000");
    cr_assert_str_eq(r.query.data, "token=00000000-0000-4000-8000-000000000000");
    awsc_rest_request_free(&r);
    /* Another body member comes first; the token is appended. */
    in.other = "o";
    serialize_ok(&tok_op, &in, "t", &r);
    cr_assert_str_eq(r.body.data, "{\"other\":\"o\",\"clientToken\":\"t\"}");
    cr_assert(awsc_json_valid(r.body.data, r.body.len));
    awsc_rest_request_free(&r);
    /* Caller-supplied tokens are kept. */
    in.body_token = "mine-b";
    in.header_token = "mine-h";
    in.query_token = "mine-q";
    serialize_ok(&tok_op, &in, "generated", &r);
    cr_assert_str_eq(r.body.data, "{\"clientToken\":\"mine-b\",\"other\":\"o\"}");
    cr_assert_str_eq(header(&r, "X-Token"), "mine-h");
    cr_assert_str_eq(r.query.data, "token=mine-q");
    awsc_rest_request_free(&r);
    /* No token given: nothing is invented. */
    memset(&in, 0, sizeof in);
    serialize_ok(&tok_op, &in, NULL, &r);
    cr_assert_str_eq(r.body.data, "{}");
    cr_assert_null(header(&r, "X-Token"));
    cr_assert_eq(r.query.len, 0);
    awsc_rest_request_free(&r);
}

Test(rest_serialize, blob_payload)
{
    static const uint8_t bytes[] = {0, 1, 0xFF, '{', 0};
    blob_payload in = {.h = "x", .data = {bytes, sizeof bytes}};
    awsc_rest_request r;
    serialize_ok(&blob_op, &in, NULL, &r);
    cr_assert(r.has_body);
    cr_assert_eq(r.body.len, sizeof bytes);
    cr_assert_eq(memcmp(r.body.data, bytes, sizeof bytes), 0);
    cr_assert_str_eq(header(&r, "Content-Type"), "application/octet-stream");
    cr_assert_str_eq(header(&r, "X-H"), "x");
    awsc_rest_request_free(&r);
    in.data.data = NULL;
    in.data.len = 0;
    serialize_ok(&blob_op, &in, NULL, &r);
    cr_assert(!r.has_body);
    cr_assert_eq(r.body.len, 0);
    cr_assert_null(header(&r, "Content-Type"));
    awsc_rest_request_free(&r);
}

Test(rest_serialize, string_and_struct_payloads)
{
    str_payload s = {"hello \xC3\xA9"};
    awsc_rest_request r;
    serialize_ok(&str_op, &s, NULL, &r);
    cr_assert_str_eq(r.body.data, "hello \xC3\xA9");
    cr_assert_str_eq(header(&r, "Content-Type"), "text/plain");
    awsc_rest_request_free(&r);
    s.text = NULL;
    serialize_ok(&str_op, &s, NULL, &r);
    cr_assert(!r.has_body);
    awsc_rest_request_free(&r);

    inner in = {"n", 3, true};
    struct_payload sp = {&in, "hv"};
    serialize_ok(&struct_op, &sp, NULL, &r);
    cr_assert_str_eq(r.body.data, "{\"name\":\"n\",\"n\":3}");
    cr_assert_str_eq(header(&r, "Content-Type"), "application/json");
    cr_assert_str_eq(header(&r, "X-H"), "hv");
    awsc_rest_request_free(&r);
    sp.in = NULL; /* an unset structure payload is still an empty object (Smithy restJson1) */
    serialize_ok(&struct_op, &sp, NULL, &r);
    cr_assert(r.has_body);
    cr_assert_str_eq(r.body.data, "{}");
    cr_assert_str_eq(header(&r, "Content-Type"), "application/json");
    awsc_rest_request_free(&r);
}

Test(rest_serialize, request_free_resets)
{
    req in = base_req();
    in.h = "x";
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    cr_assert_eq(awsc_rest_add_header(&r, "Extra", "1"), 0);
    cr_assert_str_eq(header(&r, "Extra"), "1");
    awsc_rest_request_free(&r);
    cr_assert_null(r.headers);
    cr_assert_eq(r.header_count, 0);
    cr_assert_null(r.path.data);
    awsc_rest_request_free(&r);
}

/* ---- response: output --------------------------------------------------- */

Test(rest_parse, header_scalars)
{
    awsc_header h[] = {
        {"x-h", "value, with comma"},
        {"X-Ts", "Mon, 16 Dec 2019 23:48:18 GMT"},
        {"X-Long", "-9223372036854775808"},
        {"X-Bool", "false"},
        {"X-Double", "-Infinity"},
        {"X-Float", "1.5"},
        {"X-Byte", "-128"},
        {"X-Enum", "PINK"},
        {"X-Json", "eyJhIjoxfQ=="},
        {"X-Blob", "AP8="},
    };
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    out o;
    cr_assert_eq(parse_out(h, NH(h), "", &o, a, &err), AWSC_OK, "%s", err.message);
    cr_assert_str_eq(o.h, "value, with comma");
    cr_assert(o.has_hts);
    cr_assert_eq(o.hts.seconds, 1576540098);
    cr_assert(o.has_hlong);
    cr_assert_eq(o.hlong, INT64_MIN);
    cr_assert(o.has_hb);
    cr_assert(!o.hb);
    cr_assert(isinf(o.hd) && o.hd < 0);
    cr_assert_eq(o.hf, 1.5f);
    cr_assert_eq(o.hby, -128);
    cr_assert_eq(o.henum, COLOR_UNKNOWN);
    cr_assert_str_eq(o.henum_raw, "PINK");
    cr_assert_str_eq(o.media, "{\"a\":1}");
    cr_assert_eq(o.hblob.len, 2);
    cr_assert_eq(o.hblob.data[1], 0xFF);
    cr_assert_eq(o.code, 201, "the response code member");
    cr_assert(!o.has_body_i);
    awsc_arena_destroy(a);
}

Test(rest_parse, bad_header_values_are_response_errors)
{
    const char *const bad[][2] = {
        {"X-Long", "12abc"}, {"X-Long", ""}, {"X-Long", "9223372036854775808"}, {"X-Byte", "128"},
        {"X-Bool", "yes"},   {"X-Bool", "TRUE"}, {"X-Double", "1.5x"}, {"X-Ts", "yesterday"},
        {"X-Ts", "2019-12-16T23:48:18Z"}, {"X-Json", "not base64!"}, {"X-Blob", "@@"}, {"X-IL", "1, x"},
        {"X-HL", "\"unterminated"}, {"X-HL", "\"a\" b"},
    };
    for (size_t i = 0; i < NH(bad); i++) {
        awsc_header h[] = {{bad[i][0], bad[i][1]}};
        awsc_arena *a = awsc_arena_create();
        awsc_error err = AWSC_ERROR_INIT;
        out o;
        cr_assert_eq(parse_out(h, 1, "", &o, a, &err), AWSC_E_RESPONSE, "%s: %s", bad[i][0], bad[i][1]);
        cr_assert(strstr(err.message, bad[i][0]) != NULL, "message names the header: %s", err.message);
        awsc_error_clear(&err);
        awsc_arena_destroy(a);
    }
}

Test(rest_parse, header_lists)
{
    awsc_header h[] = {
        {"X-HL", " a,b ,  c , \"d,e\", \"f\\\"g\", \"\" , h "},
        {"X-TL", "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"},
        {"X-IL", "1, -2,3"},
    };
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    out o;
    cr_assert_eq(parse_out(h, NH(h), NULL, &o, a, &err), AWSC_OK, "%s", err.message);
    const char *want[] = {"a", "b", "c", "d,e", "f\"g", "", "h"};
    cr_assert_eq(o.hl.count, NH(want));
    for (size_t i = 0; i < NH(want); i++)
        cr_assert_str_eq(o.hl.items[i], want[i], "item %zu", i);
    cr_assert_eq(o.htl.count, 2);
    cr_assert_eq(o.htl.items[0].seconds, 1576540098);
    cr_assert_eq(o.htl.items[1].seconds, 1576626498);
    cr_assert_eq(o.il.count, 3);
    cr_assert_eq(o.il.items[0], 1);
    cr_assert_eq(o.il.items[1], -2);
    cr_assert_eq(o.il.items[2], 3);
    awsc_arena_destroy(a);
}

Test(rest_parse, header_lists_round_trip)
{
    const char *items[] = {"a", "b,c", "d\"e", "f\\g", "\"q\"", "x, y"};
    req in = base_req();
    in.hl.items = items;
    in.hl.count = NH(items);
    awsc_rest_request r;
    serialize_ok(&put_op, &in, NULL, &r);
    awsc_header h[] = {{"X-HL", header(&r, "X-HL")}};
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    out o;
    cr_assert_eq(parse_out(h, 1, NULL, &o, a, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(o.hl.count, NH(items), "%s", h[0].value);
    for (size_t i = 0; i < NH(items); i++)
        cr_assert_str_eq(o.hl.items[i], items[i], "item %zu of %s", i, h[0].value);
    awsc_arena_destroy(a);
    awsc_rest_request_free(&r);
}

Test(rest_parse, prefix_headers)
{
    awsc_header h[] = {{"X-Meta-A", "1"}, {"x-meta-b", "two"}, {"X-Other", "3"}, {"X-Metadata", "no"}};
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    out o;
    cr_assert_eq(parse_out(h, NH(h), NULL, &o, a, &err), AWSC_OK, "%s", err.message);
    cr_assert_eq(o.meta.count, 2);
    cr_assert_str_eq(o.meta.entries[0].key, "A");
    cr_assert_str_eq(o.meta.entries[0].value, "1");
    cr_assert_str_eq(o.meta.entries[1].key, "b");
    cr_assert_str_eq(o.meta.entries[1].value, "two");
    awsc_arena_destroy(a);
}

Test(rest_parse, body_and_empty_body)
{
    awsc_header h[] = {{"X-H", "from-header"}};
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    out o;
    cr_assert_eq(parse_out(h, 1, "{\"BodyS\":\"s\",\"BodyI\":5,\"X-H\":\"from-body\",\"h\":\"x\",\"extra\":[1]}", &o,
                           a, &err),
                 AWSC_OK, "%s", err.message);
    cr_assert_str_eq(o.body_s, "s");
    cr_assert(o.has_body_i);
    cr_assert_eq(o.body_i, 5);
    cr_assert_str_eq(o.h, "from-header", "header-bound members are never read from the body");
    const char *empty[] = {NULL, "", " \r\n\t "};
    for (size_t i = 0; i < NH(empty); i++) {
        cr_assert_eq(parse_out(h, 1, empty[i], &o, a, &err), AWSC_OK, "%s", err.message);
        cr_assert_null(o.body_s);
        cr_assert(!o.has_body_i);
        cr_assert_str_eq(o.h, "from-header");
    }
    cr_assert_eq(parse_out(h, 1, "{\"BodyI\":\"x\"}", &o, a, &err), AWSC_E_RESPONSE);
    cr_assert_eq(parse_out(h, 1, "<html></html>", &o, a, &err), AWSC_E_RESPONSE);
    cr_assert_eq(parse_out(h, 1, "{\"BodyS\":\"s\"", &o, a, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

Test(rest_parse, blob_payload)
{
    static const char body[] = {'a', 0, (char)0xFF, '}'};
    awsc_header h[] = {{"X-H", "v"}};
    awsc_http_response resp = response(200, h, 1, body, sizeof body);
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    blob_payload o;
    memset(&o, 0, sizeof o);
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&blob_payload_shape), &resp, a, &o, &err), AWSC_OK);
    cr_assert_eq(o.data.len, sizeof body);
    cr_assert_eq(memcmp(o.data.data, body, sizeof body), 0);
    cr_assert_str_eq(o.h, "v");
    awsc_buf_free(&resp.body);
    resp = response(200, NULL, 0, NULL, 0);
    memset(&o, 0, sizeof o);
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&blob_payload_shape), &resp, a, &o, &err), AWSC_OK);
    cr_assert_eq(o.data.len, 0);
    awsc_arena_destroy(a);
}

Test(rest_parse, string_and_struct_payloads)
{
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    awsc_http_response resp = response(200, NULL, 0, "not json, \"raw\"", 15);
    str_payload s;
    memset(&s, 0, sizeof s);
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&str_payload_shape), &resp, a, &s, &err), AWSC_OK);
    cr_assert_str_eq(s.text, "not json, \"raw\"");
    awsc_buf_free(&resp.body);

    resp = response(200, NULL, 0, "{\"name\":\"n\",\"n\":2}", 18);
    struct_payload sp;
    memset(&sp, 0, sizeof sp);
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&struct_payload_shape), &resp, a, &sp, &err), AWSC_OK, "%s", err.message);
    cr_assert_not_null(sp.in);
    cr_assert_str_eq(sp.in->name, "n");
    cr_assert_eq(sp.in->n, 2);
    awsc_buf_free(&resp.body);

    resp = response(200, NULL, 0, "", 0);
    memset(&sp, 0, sizeof sp);
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&struct_payload_shape), &resp, a, &sp, &err), AWSC_OK);
    cr_assert_null(sp.in, "an empty body leaves a structure payload absent");
    awsc_buf_free(&resp.body);

    resp = response(200, NULL, 0, "{\"name\":", 8);
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&struct_payload_shape), &resp, a, &sp, &err), AWSC_E_RESPONSE);
    awsc_buf_free(&resp.body);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

/* A @mediaType string payload is the body itself; base64 is only for headers. */
Test(rest_parse, media_type_string_payload_is_not_base64)
{
    awsc_arena *a = awsc_arena_create();
    awsc_error err = AWSC_ERROR_INIT;
    const char *bodies[] = {"{\"a\":1}", "aGVsbG8="};
    for (size_t i = 0; i < NH(bodies); i++) {
        awsc_http_response resp = response(200, NULL, 0, bodies[i], strlen(bodies[i]));
        str_payload s;
        memset(&s, 0, sizeof s);
        int rc = awsc_rest_parse_output(OUTPUT_OP(&media_payload_shape), &resp, a, &s, &err);
        cr_expect_eq(rc, AWSC_OK);
        cr_expect(s.text && strcmp(s.text, bodies[i]) == 0, "body %s came back as %s", bodies[i],
                  s.text ? s.text : "(null)");
        awsc_buf_free(&resp.body);
    }
    awsc_arena_destroy(a);
}

/* ---- errors ------------------------------------------------------------- */

Test(rest_error, sanitize_error_codes)
{
    const char *const cases[][2] = {
        {"FooError", "FooError"},
        {"aws.protocoltests.restjson#FooError", "FooError"},
        {"FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError"},
        {" FooError ", "FooError"},
        {"aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
         "FooError"},
        {"\tns#FooError \t", "FooError"},
        {"", ""},
        {"#", ""},
        {":", ""},
    };
    for (size_t i = 0; i < NH(cases); i++) {
        awsc_buf b = AWSC_BUF_INIT;
        awsc_buf_puts(&b, "");
        awsc_rest_sanitize_error_code(cases[i][0], strlen(cases[i][0]), &b);
        cr_assert_str_eq(b.data, cases[i][1], "input \"%s\"", cases[i][0]);
        awsc_buf_free(&b);
    }
    /* Only `len` bytes are looked at. */
    awsc_buf b = AWSC_BUF_INIT;
    awsc_buf_puts(&b, "");
    awsc_rest_sanitize_error_code("ns#Abc:def", 6, &b);
    cr_assert_str_eq(b.data, "Abc");
    awsc_buf_free(&b);
}

static void parse_error(long status, awsc_header *h, size_t n, const char *body, awsc_error *err)
{
    awsc_http_response resp = response(status, h, n, body, body ? strlen(body) : 0);
    int rc = awsc_rest_parse_error(&svc, &get_op, &resp, err);
    cr_assert_eq(rc, AWSC_E_SERVICE);
    cr_assert_eq(err->status, AWSC_E_SERVICE);
    cr_assert_eq(err->http_status, status);
    cr_assert_not_null(err->message);
    awsc_buf_free(&resp.body);
}

Test(rest_error, code_message_and_request_id)
{
    awsc_error err = AWSC_ERROR_INIT;
    awsc_header h1[] = {{"x-amzn-RequestId", "rid-1"}};
    parse_error(400, h1, 1, "{\"__type\":\"aws.test#Throttled\",\"message\":\"slow down\"}", &err);
    cr_assert_str_eq(err.code, "Throttled");
    cr_assert_str_eq(err.message, "slow down");
    cr_assert_str_eq(err.request_id, "rid-1");
    cr_assert_eq(err.modeled, 1, "service error index + 1");

    awsc_header h2[] = {{"x-amz-request-id", "rid-2"}};
    parse_error(400, h2, 1, "{\"code\":\"Other\",\"Message\":\"capital M\"}", &err);
    cr_assert_str_eq(err.code, "Other");
    cr_assert_str_eq(err.message, "capital M");
    cr_assert_str_eq(err.request_id, "rid-2");
    cr_assert_eq(err.modeled, 0);
    cr_assert_null(err.detail);

    parse_error(400, NULL, 0, "{\"__type\":\"X\",\"errorMessage\":\"lower e\"}", &err);
    cr_assert_str_eq(err.message, "lower e");
    cr_assert_null(err.request_id);

    /* The header names the error even when the body says otherwise. */
    awsc_header h3[] = {{"X-Amzn-ErrorType", "NotFound:http://internal.amazon.com/coral/"}};
    parse_error(404, h3, 1, "{\"__type\":\"Throttled\",\"message\":\"m\"}", &err);
    cr_assert_str_eq(err.code, "NotFound");
    cr_assert_eq(err.modeled, 2);

    /* No message anywhere: a generic one with the status. */
    parse_error(503, NULL, 0, "<html>busy</html>", &err);
    cr_assert_null(err.code);
    cr_assert(strstr(err.message, "503") != NULL, "%s", err.message);
    parse_error(500, NULL, 0, NULL, &err);
    cr_assert_null(err.code);
    cr_assert(strstr(err.message, "500") != NULL, "%s", err.message);
    awsc_header h4[] = {{"x-amzn-errortype", "Boom"}, {"x-amzn-errormessage", "from header"}};
    parse_error(500, h4, 2, "", &err);
    cr_assert_str_eq(err.code, "Boom");
    cr_assert_str_eq(err.message, "from header");
    awsc_error_clear(&err);
}

Test(rest_error, modeled_error_detail_with_header_member)
{
    awsc_error err = AWSC_ERROR_INIT;
    awsc_header h[] = {{"X-Resource", "res-9"}, {"x-amzn-requestid", "r"}};
    parse_error(404, h, NH(h), "{\"__type\":\"com.example#NotFound\",\"message\":\"gone\",\"retryAfter\":3}", &err);
    cr_assert_str_eq(err.code, "NotFound");
    cr_assert_eq(err.modeled, 2);
    cr_assert_not_null(err.detail);
    const not_found *d = err.detail;
    cr_assert_str_eq(d->message, "gone");
    cr_assert_str_eq(d->resource_id, "res-9");
    cr_assert(d->has_retry_after);
    cr_assert_eq(d->retry_after, 3);
    /* A filled error is cleared by the next call (ASan/valgrind check the old detail is freed). */
    parse_error(404, NULL, 0, "{\"__type\":\"NotFound\"}", &err);
    cr_assert_not_null(err.detail);
    d = err.detail;
    cr_assert_null(d->resource_id);
    cr_assert_null(d->message);
    awsc_error_clear(&err);
    cr_assert_null(err.detail);
    cr_assert_null(err.detail_arena_);
}

/*
 * No body and no x-amzn-errortype (a HEAD's 404): the operation's one modeled
 * error with that status (smithy.api#httpError), as the SDKs report it.
 */
Test(rest_error, bodiless_error_is_the_modeled_error_with_its_status)
{
    awsc_error err = AWSC_ERROR_INIT;
    awsc_header h[] = {{"X-Resource", "res-1"}};
    parse_error(404, h, NH(h), NULL, &err);
    cr_assert_str_eq(err.code, "NotFound");
    cr_assert_eq(err.modeled, 2);
    cr_assert_not_null(err.detail, "the modeled error's struct, with its header members");
    cr_assert_str_eq(((const not_found *)err.detail)->resource_id, "res-1");
    cr_assert_str_eq(err.message, "HTTP 404", "the code was not sent: the message does not claim it");
    parse_error(404, NULL, 0, "", &err);
    cr_assert_str_eq(err.code, "NotFound");
    cr_assert_eq(err.modeled, 2);

    /* Another status, or one that no modeled error of the operation has: no code, as before. */
    parse_error(429, NULL, 0, NULL, &err);
    cr_assert_null(err.code, "Throttled is the service's, not this operation's");
    cr_assert_eq(err.modeled, 0);
    cr_assert_null(err.detail);
    parse_error(500, NULL, 0, NULL, &err);
    cr_assert_null(err.code);
    cr_assert_str_eq(err.message, "HTTP 500");

    /* Two modeled errors with the status: neither is guessed. */
    static const uint16_t both[] = {1, 2};
    static const awsc_operation both_op = {.codec = &awsc_codec_rest_json, .name = "Get", .method = "GET",
                                           .uri = "/get", .http_code = 200, .errors = both, .error_count = 2};
    awsc_http_response resp = response(404, NULL, 0, NULL, 0);
    cr_assert_eq(awsc_rest_parse_error(&svc, &both_op, &resp, &err), AWSC_E_SERVICE);
    cr_assert_null(err.code);
    cr_assert_eq(err.modeled, 0);
    cr_assert_eq(err.http_status, 404);

    /* A code sent in the body still decides, whatever the status. */
    parse_error(404, NULL, 0, "{\"__type\":\"Throttled\"}", &err);
    cr_assert_str_eq(err.code, "Throttled");
    cr_assert_eq(err.modeled, 1);
    awsc_error_clear(&err);
}

Test(rest_error, null_err_fills_last_error)
{
    awsc_http_response resp = response(429, NULL, 0, "{\"__type\":\"Throttled\"}", 22);
    cr_assert_eq(awsc_rest_parse_error(&svc, &get_op, &resp, NULL), AWSC_E_SERVICE);
    cr_assert_str_eq(awsc_last_error()->code, "Throttled");
    cr_assert_eq(awsc_last_error()->http_status, 429);
    awsc_buf_free(&resp.body);
    awsc_error_ok(NULL);
}

/* awsQueryCompatible (SQS, CloudWatch...): x-amzn-query-error's legacy code and type, as the SDKs give them. */
Test(rest_error, query_compatible_code_from_header)
{
    static const awsc_operation qc_op = {.codec = &awsc_codec_aws_json, .name = "Get", .method = "POST", .uri = "/",
                                         .http_code = 200, .errors = get_errors, .error_count = 1,
                                         .flags = AWSC_OP_QUERY_COMPATIBLE};
    awsc_error err = AWSC_ERROR_INIT;
    awsc_header h[] = {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"}};
    const char *body = "{\"__type\":\"com.example#NotFound\",\"message\":\"gone\"}";
    awsc_http_response resp = response(400, h, NH(h), body, strlen(body));
    cr_assert_eq(awsc_rest_parse_error(&svc, &qc_op, &resp, &err), AWSC_E_SERVICE);
    awsc_buf_free(&resp.body);
    cr_assert_str_eq(err.code, "AWS.SimpleQueueService.NonExistentQueue");
    cr_assert_str_eq(err.type, "Sender");
    cr_assert_eq(err.modeled, 2, "the modeled error is still found by the body's code");
    cr_assert_not_null(err.detail);
    cr_assert_str_eq(err.message, "gone");

    /* Malformed headers leave the body's code alone. */
    static const char *const bad[] = {"NoSemicolon", ";Sender", "Code;", "A;B;C"};
    for (size_t i = 0; i < NH(bad); i++) {
        awsc_header hb[] = {{"x-amzn-query-error", bad[i]}};
        resp = response(400, hb, NH(hb), body, strlen(body));
        cr_assert_eq(awsc_rest_parse_error(&svc, &qc_op, &resp, &err), AWSC_E_SERVICE);
        awsc_buf_free(&resp.body);
        cr_assert_str_eq(err.code, "NotFound", "%s", bad[i]);
        cr_assert_null(err.type);
    }
    /* A service that is not query-compatible ignores the header. */
    resp = response(400, h, NH(h), body, strlen(body));
    cr_assert_eq(awsc_rest_parse_error(&svc, &get_op, &resp, &err), AWSC_E_SERVICE);
    awsc_buf_free(&resp.body);
    cr_assert_str_eq(err.code, "NotFound");
    cr_assert_null(err.type);
    awsc_error_clear(&err);
}

/* ---- response: HTTP's Expires ------------------------------------------- */

typedef struct expiring {
    awsc_timestamp expires;
    bool has_expires;
    awsc_timestamp other;
    bool has_other;
} expiring;
static const awsc_member expiring_members[] = {
    {M(expiring, "Expires", "Expires", expires, AWSC_T_TIMESTAMP), HAS(expiring, has_expires), NORAW,
     .binding = AWSC_B_HEADER},
    {M(expiring, "Other", "X-Other", other, AWSC_T_TIMESTAMP), HAS(expiring, has_other), NORAW,
     .binding = AWSC_B_HEADER},
};
static const awsc_shape expiring_shape = {.name = "Expiring", .type = AWSC_T_STRUCT, .size = sizeof(expiring),
                                          .members = expiring_members,
                                          .member_count = sizeof expiring_members / sizeof expiring_members[0]};

Test(rest_parse, an_invalid_expires_date_leaves_it_absent_and_the_response_parses)
{
    const char *values[] = {"0", "-1", "never", "Thu, 31 Feb 2024 99:00:00 GMT", ""};
    for (size_t i = 0; i < NH(values); i++) {
        awsc_header h[] = {{"expires", values[i]}};
        awsc_http_response resp = response(200, h, NH(h), NULL, 0);
        awsc_arena *a = awsc_arena_create();
        expiring o;
        memset(&o, 0, sizeof o);
        awsc_error err = AWSC_ERROR_INIT;
        cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&expiring_shape), &resp, a, &o, &err), AWSC_OK,
                     "Expires: %s: %s", values[i], err.message);
        cr_assert_not(o.has_expires, "Expires: %s", values[i]);
        awsc_error_clear(&err);
        awsc_arena_destroy(a);
    }
    /* a valid one is read; another timestamp header that is not a date still fails */
    awsc_header good[] = {{"Expires", "Thu, 01 Dec 1994 16:00:00 GMT"}};
    awsc_http_response resp = response(200, good, NH(good), NULL, 0);
    awsc_arena *a = awsc_arena_create();
    expiring o;
    memset(&o, 0, sizeof o);
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&expiring_shape), &resp, a, &o, NULL), AWSC_OK);
    cr_assert(o.has_expires);
    cr_assert_eq(o.expires.seconds, 786297600);
    awsc_header bad[] = {{"X-Other", "never"}};
    resp = response(200, bad, NH(bad), NULL, 0);
    awsc_error err = AWSC_ERROR_INIT;
    cr_assert_eq(awsc_rest_parse_output(OUTPUT_OP(&expiring_shape), &resp, a, &o, &err), AWSC_E_RESPONSE);
    awsc_error_clear(&err);
    awsc_arena_destroy(a);
}

/* Each header's lengths stay beside it as the table grows (the lengths move up with its end). */
Test(rest, header_lengths_follow_the_growing_table)
{
    awsc_rest_request r = {0};
    char names[40][16], values[40][24];
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "X-H%d", i);
        snprintf(values[i], sizeof values[i], "value %d%s", i, i % 3 ? "" : " and more");
        int rc = i % 4 == 0   ? awsc_rest_add_header(&r, names[i], values[i])
                 : i % 4 == 1 ? awsc_rest_add_header_lens(&r, names[i], 0, values[i], strlen(values[i]), true)
                 : i % 4 == 2 ? awsc_rest_add_header_lens(&r, names[i], 0, values[i], 0, false)
                              : awsc_rest_add_header_lens(&r, names[i], strlen(names[i]), values[i], strlen(values[i]), true);
        cr_assert_eq(rc, 0);
    }
    cr_assert_eq(r.header_count, 40);
    for (int i = 0; i < 40; i++) {
        cr_assert_str_eq(r.headers[i].name, names[i]);
        cr_assert_str_eq(r.headers[i].value, values[i]);
        size_t nl = r.header_lens[2 * i], vl = r.header_lens[2 * i + 1];
        cr_assert(nl == 0 || nl == strlen(names[i]), "%d: name length %zu", i, nl);
        cr_assert(vl == 0 || vl == strlen(values[i]), "%d: value length %zu", i, vl);
        cr_assert_eq(nl != 0, i % 4 == 0 || i % 4 == 3, "%d", i);
        cr_assert_eq(vl != 0, i % 4 != 2, "%d", i);
    }
    awsc_rest_request_free(&r);
}
