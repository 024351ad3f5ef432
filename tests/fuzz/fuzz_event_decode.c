/*
 * Event messages onto an operation's event union (awsc_es_decode_event in
 * runtime/serde/eventstream/events.c), through each body codec that carries
 * event streams.
 * Input: byte 0 picks the codec (restJson1, awsJson1_1, rpcv2Json, restXml,
 * rpcv2Cbor), the rest is an event stream; each message it holds is decoded
 * against a union made here with every kind of event member: header-bound
 * scalars of each type (an enum and a timestamp among them), blob, string and
 * structure payloads, body members, a unit variant and a modeled exception.
 * Oracles: only AWSC_OK, AWSC_E_SERVICE or AWSC_E_RESPONSE, a failure with a
 * message; an event's tag names a variant (or -1, unknown) whose structure is
 * set; a blob payload is the message's own payload; an exception names its
 * shape among the service's errors (its detail when the payload reads); every string read is terminated.
 */
#include "awsc/eventstream.h"
#include "serde/eventstream/event_message.h"
#include "util/arena.h"

#include <awsc/cbor.h>
#include <awsc/xml.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
    fprintf(stderr, "event_decode: %s\n", what);
    abort();
}

typedef enum color { COLOR_UNSET, COLOR_RED, COLOR_GREEN } color;

typedef struct inner {
    const char *name;
    double value;
    bool has_value;
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
    int64_t big;
    awsc_timestamp when;
    awsc_blob raw;
    const char *text;
    color shade;
    const char *shade_raw;
    awsc_blob payload;
    bool has_flag, has_tiny, has_small, has_num, has_big, has_when;
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
    {.name = "tags", .wire_name = "tags", .shape = &tags_shape, .offset = offsetof(inner, tags), .has_offset = NO,
     .raw_offset = NO, .type = AWSC_T_LIST},
};
static const awsc_shape inner_shape = {.name = "Inner", .type = AWSC_T_STRUCT, .members = inner_members,
                                       .member_count = 3, .size = sizeof(inner)};

static const awsc_member header_members[] = {
    MEMBER(header_event, "flag", "flag", flag, AWSC_T_BOOL, AWSC_B_HEADER, offsetof(header_event, has_flag)),
    MEMBER(header_event, "tiny", "tiny", tiny, AWSC_T_BYTE, AWSC_B_HEADER, offsetof(header_event, has_tiny)),
    MEMBER(header_event, "small", "small", small, AWSC_T_SHORT, AWSC_B_HEADER, offsetof(header_event, has_small)),
    MEMBER(header_event, "num", "num", num, AWSC_T_INT, AWSC_B_HEADER, offsetof(header_event, has_num)),
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
                                        .member_count = 10, .size = sizeof(header_event)};
static const awsc_shape text_shape = {.name = "TextEvent", .type = AWSC_T_STRUCT, .members = text_members,
                                      .member_count = 2, .size = sizeof(text_event)};
static const awsc_shape struct_shape = {.name = "StructEvent", .type = AWSC_T_STRUCT, .members = struct_members,
                                        .member_count = 1, .size = sizeof(struct_event)};
static const awsc_shape body_shape = {.name = "BodyEvent", .type = AWSC_T_STRUCT, .members = body_members,
                                      .member_count = 4, .size = sizeof(body_event)};
static const awsc_shape fault_shape = {.name = "Fault", .type = AWSC_T_STRUCT, .members = fault_members,
                                       .member_count = 2, .size = sizeof(fault), .http_error = 400};

#define VARIANT(n, sh, f) \
    {.name = n, .wire_name = n, .shape = sh, .offset = offsetof(events, value.f), .has_offset = NO, \
     .raw_offset = NO, .type = AWSC_T_STRUCT}
static const awsc_member event_members[] = {
    VARIANT("headers", &header_shape, headers),
    VARIANT("text", &text_shape, text),
    VARIANT("structured", &struct_shape, structured),
    VARIANT("body", &body_shape, body),
    {.name = "ping", .wire_name = "ping", .has_offset = NO, .raw_offset = NO, .type = AWSC_T_UNIT},
    VARIANT("Fault", &fault_shape, failure),
};
#define VARIANTS (sizeof event_members / sizeof event_members[0])
static const awsc_shape events_shape = {.name = "Events", .type = AWSC_T_UNION, .members = event_members,
                                        .member_count = VARIANTS, .size = sizeof(events),
                                        .union_tag_offset = offsetof(events, type)};
static const awsc_shape output_shape = {.name = "Output", .type = AWSC_T_STRUCT, .size = sizeof(int)};
static const awsc_event_stream stream = {.engine = &awsc_event_streams, .events = &events_shape};

static const awsc_shape *const errors[] = {&fault_shape};
static const awsc_service service = {.sdk_id = "Fuzz", .errors = errors, .error_count = 1};

static const awsc_codec *const codecs[] = {&awsc_codec_rest_json, &awsc_codec_aws_json, &awsc_codec_rpcv2_json,
                                           &awsc_codec_rest_xml, &awsc_codec_rpcv2_cbor};

static void terminated(const char *s)
{
    if (s)
        (void)strlen(s); /* reads to its NUL: AddressSanitizer sees a string that has none */
}

static void check_inner(const inner *x)
{
    if (!x)
        return;
    terminated(x->name);
    if (x->tags.count && !x->tags.items)
        fail("a list with entries and no items");
    for (size_t i = 0; i < x->tags.count; i++)
        terminated(x->tags.items[i]);
}

static void check_event(const events *ev, const awsc_es_message *m)
{
    if (ev->type < -1 || ev->type == 0 || ev->type > (int)VARIANTS)
        fail("the event's tag names no variant");
    if (ev->type == -1 || event_members[ev->type - 1].type == AWSC_T_UNIT)
        return;
    if (!ev->value.headers)
        fail("a structure variant without its structure");
    switch (ev->type) {
    case 1: {
        const header_event *h = ev->value.headers;
        if (h->payload.data != m->payload || h->payload.len != m->payload_len)
            fail("a blob payload that is not the message's payload");
        terminated(h->text);
        terminated(h->shade_raw);
        if (h->shade && !h->shade_raw)
            fail("an enum without its text");
        if (h->has_when && h->when.nanos >= 1000000000u)
            fail("a timestamp with a second or more of nanoseconds");
        if (h->raw.len && !h->raw.data)
            fail("a blob header with a length and no bytes");
        break;
    }
    case 2:
        if (!ev->value.text->payload || strlen(ev->value.text->payload) > m->payload_len)
            fail("a string payload longer than the message's");
        terminated(ev->value.text->id);
        break;
    case 3:
        check_inner(ev->value.structured->payload);
        break;
    case 4:
        terminated(ev->value.body->message);
        terminated(ev->value.body->id);
        check_inner(ev->value.body->detail);
        break;
    default:
        break;
    }
}

static int on_message(void *user, const awsc_es_message *m)
{
    const awsc_operation *op = user;
    awsc_arena *arena = awsc_arena_create();
    events *ev = arena ? awsc_arena_alloc(arena, sizeof *ev) : NULL;
    if (!ev)
        fail("out of memory");
    memset(ev, 0, sizeof *ev);
    awsc_error err = AWSC_ERROR_INIT;
    int rc = awsc_es_decode_event(&service, op, m, arena, ev, &err);
    if (rc == AWSC_OK) {
        check_event(ev, m);
    } else if (rc == AWSC_E_SERVICE || rc == AWSC_E_RESPONSE) {
        if (!err.message || !*err.message)
            fail("a failure without a message");
        /* The detail is read when the payload allows; the exception's type comes from its header. */
        if (err.modeled > 1 || (err.detail && err.modeled != 1))
            fail("a modeled exception that is not the service's Fault");
        if (err.detail) {
            const fault *f = err.detail;
            terminated(f->message);
            terminated(f->reason);
        }
    } else {
        fprintf(stderr, "event_decode: status %d: %s\n", rc, err.message ? err.message : "(no message)");
        fail("neither AWSC_OK, AWSC_E_SERVICE nor AWSC_E_RESPONSE");
    }
    awsc_error_clear(&err);
    awsc_arena_destroy(arena);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    awsc_operation op = {.name = "Subscribe", .method = "POST", .uri = "/", .output = &output_shape,
                         .codec = codecs[data[0] % (sizeof codecs / sizeof codecs[0])], .event_stream = &stream,
                         .http_code = 200};
    awsc_es_decoder *d = awsc_es_decoder_new(1 << 20, on_message, &op);
    if (!d)
        return 0;
    awsc_error err = AWSC_ERROR_INIT;
    if (awsc_es_decoder_feed(d, data + 1, size - 1, &err) == AWSC_OK)
        awsc_es_decoder_finish(d, &err);
    awsc_es_decoder_free(d);
    awsc_error_clear(&err);
    return 0;
}
