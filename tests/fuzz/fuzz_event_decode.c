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
#include "event_union.h"
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
static const awsc_event_stream stream = {.engine = &awsc_event_streams, .events = &events_shape};

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
