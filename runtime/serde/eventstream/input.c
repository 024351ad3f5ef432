/*
 * Event-stream inputs: the request body of an operation whose input is a
 * @streaming union is a stream of messages produced on demand. libcurl reads
 * the body through `stream.read`; each time the current frame is sent, the
 * caller's source is asked for the next event:
 *
 *   an event     encoded as a message (:event-type the union member's name,
 *                :message-type event, :content-type, the @eventHeader members
 *                as headers, the @eventPayload member or the other members
 *                through the service's codec as payload), then wrapped in its
 *                signed outer message (:date, :chunk-signature), each
 *                signature chained from the previous one and the first from
 *                the request's own (../shared/specs/aws/amazon-eventstream.rst)
 *   nothing yet  the upload pauses (AWSC_HTTP_READ_PAUSE) until libcurl asks
 *                again: after the next output event, or about once a second
 *   done         the signed empty message ends the stream, then end of body
 *   an error     the upload aborts; the call fails with that error
 *
 * One arena holds the event being asked for and is emptied for the next.
 */
#include "serde/eventstream/input.h"
#include "serde/eventstream/event_message.h"

#include "http/http.h"
#include "serde/codec.h"
#include "serde/scalar.h"
#include "util/arena.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct awsc_event_input {
    awsc_call *k;
    const awsc_shape *events; /* the input union */
    awsc_event_source_fn source;
    void *user;
    awsc_stream stream;       /* what k->req.stream points at */
    awsc_arena *arena;        /* the event being asked for */
    uint8_t *frame;           /* the signed message being sent */
    size_t frame_len, frame_off;
    char prior[65];           /* the last signature: the request's, then each message's */
    bool asked;               /* the source was asked: the call cannot be repeated */
    bool ended;               /* the end message was framed */
    int failure;
    awsc_error err;
};

/* The request's signature, from its Authorization header: the first message's prior. */
static int seed(awsc_event_input *in)
{
    const awsc_rest_request *r = &in->k->req;
    for (size_t i = 0; i < r->header_count; i++) {
        if (strcasecmp(r->headers[i].name, "Authorization") != 0)
            continue;
        const char *sig = strstr(r->headers[i].value, "Signature=");
        if (sig && strspn(sig + 10, "0123456789abcdef") == 64) {
            memcpy(in->prior, sig + 10, 64);
            in->prior[64] = '\0';
            return AWSC_OK;
        }
    }
    return awsc_error_set(&in->err, AWSC_E_INTERNAL, "%s: the request has no SigV4 signature to chain the events from",
                          in->k->op->name);
}

/* An @eventHeader member as a typed header; its string forms live in `arena`. */
static int header_of(const awsc_member *mb, const void *obj, awsc_es_header *h, awsc_arena *arena)
{
    const unsigned char *slot = (const unsigned char *)obj + mb->offset;
    size_t name_len = strlen(mb->wire_name);
    if (name_len == 0 || name_len > 255) /* the framing's one length byte: a longer name would be cut */
        return AWSC_E_VALIDATION;
    *h = (awsc_es_header){.name = mb->wire_name, .name_len = (uint8_t)name_len};
    switch (mb->type) {
    case AWSC_T_BOOL:
        h->type = *(const bool *)slot ? AWSC_ES_TRUE : AWSC_ES_FALSE;
        return AWSC_OK;
    case AWSC_T_BYTE:
        h->type = AWSC_ES_BYTE, h->i = *(const int8_t *)slot;
        return AWSC_OK;
    case AWSC_T_SHORT:
        h->type = AWSC_ES_SHORT, h->i = *(const int16_t *)slot;
        return AWSC_OK;
    case AWSC_T_INT:
    case AWSC_T_INT_ENUM:
        h->type = AWSC_ES_INT, h->i = *(const int32_t *)slot;
        return AWSC_OK;
    case AWSC_T_LONG:
        h->type = AWSC_ES_LONG, h->i = *(const int64_t *)slot;
        return AWSC_OK;
    case AWSC_T_TIMESTAMP: {
        /* Milliseconds in 64 bits: a time outside them (about 292 million years) is refused, not wrapped. */
        const awsc_timestamp *t = (const awsc_timestamp *)slot;
        if (t->nanos >= 1000000000u || t->seconds > INT64_MAX / 1000 || t->seconds < INT64_MIN / 1000 - 1)
            return AWSC_E_VALIDATION;
        int64_t ms = t->nanos / 1000000;
        /* The lowest second goes through the one above it: its own times 1000 is below INT64_MIN. */
        if (t->seconds < INT64_MIN / 1000) {
            if (ms < 1000 + INT64_MIN % 1000) /* that second's first 192 ms are below INT64_MIN */
                return AWSC_E_VALIDATION;
            h->i = (t->seconds + 1) * 1000 + (ms - 1000);
        } else {
            if (t->seconds == INT64_MAX / 1000 && ms > INT64_MAX % 1000) /* past INT64_MAX */
                return AWSC_E_VALIDATION;
            h->i = t->seconds * 1000 + ms;
        }
        h->type = AWSC_ES_TIMESTAMP;
        return AWSC_OK;
    }
    case AWSC_T_BLOB: {
        const awsc_blob *b = (const awsc_blob *)slot;
        if (b->len > 32767)
            return AWSC_E_VALIDATION;
        h->type = AWSC_ES_BYTES, h->bytes = b->data, h->len = (uint16_t)b->len;
        return AWSC_OK;
    }
    default: { /* strings, enums and the other text forms, as their text */
        awsc_buf text = AWSC_BUF_INIT;
        int rc = awsc_scalar_text(mb, obj, AWSC_TS_EPOCH_SECONDS, false, &text);
        if (rc != 0) {
            awsc_buf_free(&text);
            return rc == -1 ? AWSC_E_NOMEM : AWSC_E_VALIDATION;
        }
        char *copy = awsc_arena_strndup(arena, text.data ? text.data : "", text.len);
        size_t n = text.len;
        awsc_buf_free(&text);
        if (!copy)
            return AWSC_E_NOMEM;
        if (n > 32767)
            return AWSC_E_VALIDATION;
        h->type = AWSC_ES_STRING, h->bytes = (const uint8_t *)copy, h->len = (uint16_t)n;
        return AWSC_OK;
    }
    }
}

static const char *content_type_of(const awsc_rest_request *r)
{
    for (size_t i = 0; i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, "Content-Type") == 0)
            return r->headers[i].value;
    return NULL;
}

/* Whether `shape` is one of the service's errors: an input union's error member goes as an exception. */
static bool is_error(const awsc_service *svc, const awsc_shape *shape)
{
    for (uint32_t i = 0; svc && i < svc->error_count; i++)
        if (svc->errors[i] == shape)
            return true;
    return false;
}

int awsc_es_encode_event(const awsc_service *svc, const awsc_operation *op, const void *event, awsc_arena *arena,
                         uint8_t **out, size_t *out_len, awsc_error *err)
{
    const awsc_shape *u = op->event_stream ? op->event_stream->input_events : NULL;
    if (!u)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s has no input event stream", op->name);
    int tag = *(const int *)((const unsigned char *)event + u->union_tag_offset);
    if (tag <= 0 || (uint32_t)tag > u->member_count || u->members[tag - 1].type != AWSC_T_STRUCT)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: the input event callback set an unknown event (%d)",
                              op->name, tag);
    const awsc_member *vm = &u->members[tag - 1];
    const void *obj = *(const void *const *)((const unsigned char *)event + vm->offset);
    if (!obj)
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: input event %s has no value", op->name, vm->name);
    const awsc_shape *shape = vm->shape;
    bool exception = is_error(svc, shape);
    if (strlen(vm->name) > 32767) /* the :event-type value's 16-bit length would cut it */
        return awsc_error_set(err, AWSC_E_VALIDATION, "%s: input event name %.40s... is over 32767 bytes", op->name,
                              vm->name);
    awsc_es_header headers[AWSC_ES_MAX_HEADERS];
    size_t n = 0;
    /* :message-type first, as the other SDKs (and the Smithy compliance cases' bytes) have it */
    headers[n++] = exception ? (awsc_es_header){.name = ":message-type", .name_len = 13, .type = AWSC_ES_STRING,
                                                .bytes = (const uint8_t *)"exception", .len = 9}
                             : (awsc_es_header){.name = ":message-type", .name_len = 13, .type = AWSC_ES_STRING,
                                                .bytes = (const uint8_t *)"event", .len = 5};
    headers[n++] = (awsc_es_header){.name = exception ? ":exception-type" : ":event-type",
                                    .name_len = exception ? 15 : 11, .type = AWSC_ES_STRING,
                                    .bytes = (const uint8_t *)vm->name, .len = (uint16_t)strlen(vm->name)};
    size_t ctype = n++; /* filled once the payload is known; dropped when there is none */
    const awsc_member *payload = NULL;
    bool body = false;
    for (uint32_t i = 0; i < shape->member_count; i++) {
        const awsc_member *mb = &shape->members[i];
        if (mb->binding == AWSC_B_PAYLOAD) {
            payload = mb;
        } else if (mb->binding != AWSC_B_HEADER) {
            body = true;
        } else if (awsc_member_present(mb, obj)) {
            /* More headers than a message may hold is an error, not a message without some of them. */
            if (n == AWSC_ES_MAX_HEADERS)
                return awsc_error_set(err, AWSC_E_VALIDATION, "%s: event %s has more than %d headers", op->name,
                                      vm->name, AWSC_ES_MAX_HEADERS - 3);
            int rc = header_of(mb, obj, &headers[n++], arena);
            if (rc)
                return rc == AWSC_E_NOMEM ? awsc_error_nomem(err)
                                          : awsc_error_set(err, rc, "%s: event header %.40s cannot be written (its "
                                                           "name is over 255 bytes, its value invalid, longer than "
                                                           "32767 bytes or a time outside 64-bit milliseconds)",
                                                           op->name, mb->wire_name);
        }
    }
    /* The payload: a blob or string member as it is, else what the codec writes (and its Content-Type). */
    awsc_rest_request scratch = {0};
    const uint8_t *data = NULL;
    size_t len = 0;
    const char *type = NULL;
    int rc = AWSC_OK;
    if (payload && payload->type == AWSC_T_BLOB) {
        const awsc_blob *b = (const awsc_blob *)((const unsigned char *)obj + payload->offset);
        data = b->data, len = b->len, type = "application/octet-stream";
    } else if (payload && payload->type == AWSC_T_STRING) {
        const char *s = *(const char *const *)((const unsigned char *)obj + payload->offset);
        data = (const uint8_t *)s, len = s ? strlen(s) : 0, type = "text/plain";
    } else if (payload || body) {
        awsc_operation as_input = *op; /* the codec writes op->input's body members: here the event's */
        as_input.input = shape;
        rc = payload ? op->codec->write_payload(payload, obj, &scratch, err)
                     : op->codec->write_body(&as_input, obj, NULL, &scratch, err);
        data = (const uint8_t *)scratch.body.data, len = scratch.body.len, type = content_type_of(&scratch);
    }
    if (!rc && type)
        headers[ctype] = (awsc_es_header){.name = ":content-type", .name_len = 13, .type = AWSC_ES_STRING,
                                          .bytes = (const uint8_t *)type, .len = (uint16_t)strlen(type)};
    else if (!rc)
        memmove(&headers[ctype], &headers[ctype + 1], (--n - ctype) * sizeof headers[0]);
    if (!rc) {
        awsc_es_message m = {headers, n, data, len};
        rc = awsc_es_encode(&m, out, out_len, err);
    }
    awsc_rest_request_free(&scratch);
    return rc;
}

/* The signed outer message around `message` (NULL: the end of the stream) as the frame to send. */
static int sign(awsc_event_input *in, const uint8_t *message, size_t len)
{
    awsc_call *k = in->k;
    awsc_client *c = k->c;
    int64_t skew = atomic_load_explicit(&c->clock_offset, memory_order_relaxed);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* The client's clock (a test's, or corrected for skew) to the second; the real one for the milliseconds. */
    int64_t ms = (c->now(c->hooks_ctx) + skew) * 1000 + ts.tv_nsec / 1000000;
    awsc_es_signing s = {k->creds.secret_access_key, k->signing.region, k->signing.name};
    return awsc_es_sign_message(&s, ms, in->prior, message, len, &in->frame, &in->frame_len, in->prior, &in->err);
}

/* Asks the source for the next event and frames it: AWSC_OK (*none: it has none yet), or the failure. */
static int next_frame(awsc_event_input *in, bool *none)
{
    const awsc_shape *u = in->events;
    awsc_arena_reset(in->arena);
    void *ev = awsc_arena_alloc(in->arena, u->size);
    if (!ev)
        return awsc_error_nomem(&in->err);
    memset(ev, 0, u->size);
    bool done = false;
    in->asked = true;
    int status = in->source(in->user, ev, &done);
    if (status != 0)
        return awsc_error_set(&in->err, AWSC_E_VALIDATION,
                              "%s: the input event callback failed (it returned %d): the stream was abandoned",
                              in->k->op->name, status);
    if (done) {
        in->ended = true;
        return sign(in, NULL, 0);
    }
    if (*(const int *)((const unsigned char *)ev + u->union_tag_offset) == 0) {
        *none = true;
        return AWSC_OK;
    }
    uint8_t *message = NULL;
    size_t len = 0;
    int rc = awsc_es_encode_event(in->k->c->svc, in->k->op, ev, in->arena, &message, &len, &in->err);
    if (!rc)
        rc = sign(in, message, len);
    free(message);
    return rc;
}

static long input_read(void *user, uint8_t *buf, size_t cap)
{
    awsc_event_input *in = user;
    while (in->frame_off == in->frame_len) {
        free(in->frame);
        in->frame = NULL;
        in->frame_off = in->frame_len = 0;
        if (in->ended)
            return 0;
        if (!in->prior[0] && (in->failure = seed(in)) != AWSC_OK)
            return -1;
        bool none = false;
        int rc = next_frame(in, &none);
        if (rc) {
            in->failure = rc;
            return -1;
        }
        if (none)
            return AWSC_HTTP_READ_PAUSE;
    }
    size_t n = in->frame_len - in->frame_off < cap ? in->frame_len - in->frame_off : cap;
    memcpy(buf, in->frame + in->frame_off, n);
    in->frame_off += n;
    return (long)n;
}

/* Before the source was asked, an attempt may start over (with a new request signature). */
static int input_rewind(void *user)
{
    awsc_event_input *in = user;
    if (in->asked)
        return -1;
    in->prior[0] = '\0';
    return 0;
}

int awsc_event_input_begin(awsc_call *k, awsc_event_source_fn source, void *user, awsc_event_input **out,
                           awsc_error *err)
{
    awsc_event_input *in = calloc(1, sizeof *in);
    *out = in;
    if (!in || !(in->arena = awsc_arena_create_sized(4096)))
        return awsc_error_nomem(err);
    in->k = k;
    in->events = k->op->event_stream->input_events;
    in->source = source;
    in->user = user;
    in->err = (awsc_error)AWSC_ERROR_INIT;
    in->stream = (awsc_stream){.read = input_read, .rewind = input_rewind, .user = in, .length = -1};
    k->req.stream = &in->stream;
    return AWSC_OK;
}

bool awsc_event_input_started(const awsc_event_input *in)
{
    return in && in->asked;
}

int awsc_event_input_failure(awsc_event_input *in, awsc_error *err)
{
    if (!in || !in->failure)
        return AWSC_OK;
    awsc_error *e = awsc_error_target(err);
    awsc_error_clear(e);
    *e = in->err;
    in->err = (awsc_error)AWSC_ERROR_INIT;
    return in->failure;
}

void awsc_event_input_free(awsc_event_input *in)
{
    if (!in)
        return;
    if (in->k && in->k->req.stream == &in->stream)
        in->k->req.stream = NULL;
    free(in->frame);
    awsc_arena_destroy(in->arena);
    awsc_error_clear(&in->err);
    free(in);
}
