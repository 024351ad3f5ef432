/*
 * The event union both event fuzz harnesses use (fuzz_event_decode, fuzz_event_encode): one
 * variant for each kind of event member: header-bound scalars of every type (an enum, an
 * intEnum and a timestamp among them) with a blob payload, a string payload, a structure
 * payload, body members, and a modeled exception; the service that knows that exception and the
 * five codecs that carry event streams. Each harness makes its own union of these variants.
 */
#ifndef AWSC_FUZZ_EVENT_UNION_H
#define AWSC_FUZZ_EVENT_UNION_H

#include "awsc/eventstream.h"

#include <awsc/cbor.h>
#include <awsc/xml.h>
#include <stddef.h>

typedef enum color { COLOR_UNSET, COLOR_RED, COLOR_GREEN } color;

typedef struct inner {
    const char *name;
    double value;
    int64_t big;
    bool has_value, has_big;
    struct {
        const char **items;
        size_t count;
    } tags;
} inner;

typedef struct header_event {
    bool flag;
    int8_t tiny;
    int16_t small;
    int32_t num;
    int32_t level; /* an intEnum */
    int64_t big;
    awsc_timestamp when;
    awsc_blob raw;
    const char *text;
    color shade;
    const char *shade_raw;
    awsc_blob payload;
    bool has_flag, has_tiny, has_small, has_num, has_level, has_big, has_when;
} header_event;

typedef struct text_event {
    const char *payload;
    const char *id;
} text_event;

typedef struct struct_event {
    const inner *payload;
} struct_event;

typedef struct body_event {
    const char *message;
    int32_t count;
    bool has_count;
    const inner *detail;
    const char *id;
} body_event;

typedef struct fault {
    const char *message;
    const char *reason;
} fault;

typedef struct events {
    int type;
    union {
        const header_event *headers;
        const text_event *text;
        const struct_event *structured;
        const body_event *body;
        const fault *failure;
        const void *many;
    } value;
} events;

#define NO AWSC_NO_OFFSET
#define MEMBER(st, n, w, f, t, b, has) \
    {.name = n, .wire_name = w, .offset = offsetof(st, f), .has_offset = has, .raw_offset = NO, .type = t, .binding = b}

static const char *const colors[] = {"red", "green"};
static const awsc_shape color_shape = {.name = "Color", .type = AWSC_T_ENUM, .enum_values = colors, .enum_count = 2};
static const awsc_member tag_member = {.name = "member", .wire_name = "member", .has_offset = NO, .raw_offset = NO,
                                       .type = AWSC_T_STRING};
static const awsc_shape tags_shape = {.name = "Tags", .type = AWSC_T_LIST, .members = &tag_member, .member_count = 1,
                                      .size = sizeof(const char *)};

static const awsc_member inner_members[] = {
    MEMBER(inner, "name", "name", name, AWSC_T_STRING, AWSC_B_BODY, NO),
    MEMBER(inner, "value", "value", value, AWSC_T_DOUBLE, AWSC_B_BODY, offsetof(inner, has_value)),
    MEMBER(inner, "big", "big", big, AWSC_T_LONG, AWSC_B_BODY, offsetof(inner, has_big)),
    {.name = "tags", .wire_name = "tags", .shape = &tags_shape, .offset = offsetof(inner, tags), .has_offset = NO,
     .raw_offset = NO, .type = AWSC_T_LIST},
};
static const awsc_shape inner_shape = {.name = "Inner", .type = AWSC_T_STRUCT, .members = inner_members,
                                       .member_count = 4, .size = sizeof(inner)};

static const awsc_member header_members[] = {
    MEMBER(header_event, "flag", "flag", flag, AWSC_T_BOOL, AWSC_B_HEADER, offsetof(header_event, has_flag)),
    MEMBER(header_event, "tiny", "tiny", tiny, AWSC_T_BYTE, AWSC_B_HEADER, offsetof(header_event, has_tiny)),
    MEMBER(header_event, "small", "small", small, AWSC_T_SHORT, AWSC_B_HEADER, offsetof(header_event, has_small)),
    MEMBER(header_event, "num", "num", num, AWSC_T_INT, AWSC_B_HEADER, offsetof(header_event, has_num)),
    MEMBER(header_event, "level", "level", level, AWSC_T_INT_ENUM, AWSC_B_HEADER, offsetof(header_event, has_level)),
    MEMBER(header_event, "big", "big", big, AWSC_T_LONG, AWSC_B_HEADER, offsetof(header_event, has_big)),
    MEMBER(header_event, "when", "when", when, AWSC_T_TIMESTAMP, AWSC_B_HEADER, offsetof(header_event, has_when)),
    MEMBER(header_event, "raw", "raw", raw, AWSC_T_BLOB, AWSC_B_HEADER, NO),
    MEMBER(header_event, "text", "text", text, AWSC_T_STRING, AWSC_B_HEADER, NO),
    {.name = "shade", .wire_name = "shade", .shape = &color_shape, .offset = offsetof(header_event, shade),
     .has_offset = NO, .raw_offset = offsetof(header_event, shade_raw), .type = AWSC_T_ENUM,
     .binding = AWSC_B_HEADER},
    MEMBER(header_event, "payload", "payload", payload, AWSC_T_BLOB, AWSC_B_PAYLOAD, NO),
};
static const awsc_member text_members[] = {
    MEMBER(text_event, "payload", "payload", payload, AWSC_T_STRING, AWSC_B_PAYLOAD, NO),
    MEMBER(text_event, "id", "id", id, AWSC_T_STRING, AWSC_B_HEADER, NO),
};
static const awsc_member struct_members[] = {
    {.name = "payload", .wire_name = "payload", .shape = &inner_shape, .offset = offsetof(struct_event, payload),
     .has_offset = NO, .raw_offset = NO, .type = AWSC_T_STRUCT, .binding = AWSC_B_PAYLOAD},
};
static const awsc_member body_members[] = {
    MEMBER(body_event, "message", "message", message, AWSC_T_STRING, AWSC_B_BODY, NO),
    MEMBER(body_event, "count", "count", count, AWSC_T_INT, AWSC_B_BODY, offsetof(body_event, has_count)),
    {.name = "detail", .wire_name = "detail", .shape = &inner_shape, .offset = offsetof(body_event, detail),
     .has_offset = NO, .raw_offset = NO, .type = AWSC_T_STRUCT},
    MEMBER(body_event, "id", "id", id, AWSC_T_STRING, AWSC_B_HEADER, NO),
};
static const awsc_member fault_members[] = {
    MEMBER(fault, "message", "message", message, AWSC_T_STRING, AWSC_B_BODY, NO),
    MEMBER(fault, "reason", "Reason", reason, AWSC_T_STRING, AWSC_B_BODY, NO),
};

static const awsc_shape header_shape = {.name = "HeaderEvent", .type = AWSC_T_STRUCT, .members = header_members,
                                        .member_count = 11, .size = sizeof(header_event)};
static const awsc_shape text_shape = {.name = "TextEvent", .type = AWSC_T_STRUCT, .members = text_members,
                                      .member_count = 2, .size = sizeof(text_event)};
static const awsc_shape struct_shape = {.name = "StructEvent", .type = AWSC_T_STRUCT, .members = struct_members,
                                        .member_count = 1, .size = sizeof(struct_event)};
static const awsc_shape body_shape = {.name = "BodyEvent", .type = AWSC_T_STRUCT, .members = body_members,
                                      .member_count = 4, .size = sizeof(body_event)};
static const awsc_shape fault_shape = {.name = "Fault", .type = AWSC_T_STRUCT, .members = fault_members,
                                       .member_count = 2, .size = sizeof(fault), .http_error = 400};

/* The "many" variant's shape is made per input (make_many); its union is too. */
#define VARIANT(n, sh, f) \
    {.name = n, .wire_name = n, .shape = sh, .offset = offsetof(events, value.f), .has_offset = NO, \
     .raw_offset = NO, .type = AWSC_T_STRUCT}

static const awsc_shape *const errors[] = {&fault_shape};
static const awsc_service service = {.sdk_id = "Fuzz", .errors = errors, .error_count = 1};
static const awsc_shape output_shape = {.name = "Output", .type = AWSC_T_STRUCT, .size = sizeof(int)};

static const awsc_codec *const codecs[] = {&awsc_codec_rest_json, &awsc_codec_aws_json, &awsc_codec_rpcv2_json,
                                           &awsc_codec_rest_xml, &awsc_codec_rpcv2_cbor};

#endif
